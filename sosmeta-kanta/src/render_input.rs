//! What a display form is rendered from, whatever the input holds: a content document,
//! an archive JSON view or a CDA. Its content, the definition its header names, and the
//! header data the display form shows ([`writer::display_header`](crate::writer::display_header)).
//! `sosmeta render` and the HTTP service's `POST /api/render` both read their input here,
//! so they render alike.

use crate::reader::{sniff, Kind};
use crate::view::{self, ArchiveView, ViewError};
use serde_json::Value;
use sosmeta_model::{Definition, DefinitionRef, Release};
use sosmeta_validate::input::parse_bytes;
use sosmeta_xhtml::FragmentHeader;

/// Why an input has nothing to render.
#[derive(Debug, thiserror::Error)]
pub enum RenderInputError {
    /// The input is not JSON (or not a JSON object where a view was expected).
    #[error("{0}")]
    Input(String),
    /// The older envelope form, which is no longer read.
    #[error("{}", view::OLDER_ENVELOPE)]
    OlderEnvelope,
    /// The CDA's or view's forms could not be read.
    #[error("{0}")]
    View(#[from] ViewError),
    /// The archive document has no structured form.
    #[error("the archive document has no structured content (JSON) to render")]
    NoContent,
    /// The definition named (by the caller or the header) is not a definition reference.
    #[error("{0}")]
    Reference(String),
    /// No definition of the release fits the content.
    #[error("{0}")]
    Definition(#[from] sosmeta_model::SelectError),
}

/// An input ready to render: the content, the definition its header names, the header data.
#[derive(Debug, Clone)]
pub struct RenderInput {
    /// The Sosmeta content `{root_key: …}`.
    pub content: Value,
    /// The definition the archive header names (`contentSpecificationId`), if any.
    pub named: Option<String>,
    /// The header data of the display form (empty for a content document).
    pub header: FragmentHeader,
}

impl RenderInput {
    /// Read `bytes` (at most `max_size` of them are parsed as JSON): a CDA by content,
    /// an archive JSON view when it has a top-level `metadata`, else a content document.
    pub fn read(bytes: &[u8], max_size: u64) -> Result<RenderInput, RenderInputError> {
        if sniff(bytes) == Kind::Cda {
            return RenderInput::from_view(ArchiveView::from_cda_bytes(bytes)?);
        }
        let parsed = parse_bytes(bytes, max_size);
        let Some(value) = parsed.value else {
            let why: Vec<String> = parsed.findings.into_iter().map(|f| f.message).collect();
            return Err(RenderInputError::Input(why.join("; ")));
        };
        let Some(metadata) = value.get("metadata").and_then(Value::as_object) else {
            return Ok(RenderInput {
                content: value,
                named: None,
                header: FragmentHeader::default(),
            });
        };
        if view::is_older_envelope(metadata) {
            return Err(RenderInputError::OlderEnvelope);
        }
        let view: ArchiveView = serde_json::from_value(value)
            .map_err(|e| RenderInputError::Input(format!("not an archive JSON view: {e}")))?;
        RenderInput::from_view(view)
    }

    /// The input of an archive document's view.
    pub fn from_view(view: ArchiveView) -> Result<RenderInput, RenderInputError> {
        Ok(RenderInput {
            named: view
                .metadata
                .lsh()
                .content_specification_id
                .as_ref()
                .map(|t| t.value.trim().to_string()),
            header: crate::writer::display_header(&view.metadata),
            content: view.content.ok_or(RenderInputError::NoContent)?,
        })
    }

    /// The definition to render with: `explicit` (the caller's), else the one the header
    /// names, checked against the content's root key by the model's
    /// [`Release::select`]; with neither, the root key's version in force.
    pub fn definition<'r>(
        &self,
        release: &'r Release,
        explicit: Option<&str>,
    ) -> Result<&'r Definition, RenderInputError> {
        let named = explicit
            .or(self.named.as_deref())
            .map(|r| r.parse::<DefinitionRef>())
            .transpose()
            .map_err(|e| RenderInputError::Reference(e.to_string()))?;
        let keys: Vec<&str> = self
            .content
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        Ok(release.select(named.as_ref(), &keys)?.definition)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release() -> &'static Release {
        use std::sync::OnceLock;
        static R: OnceLock<Release> = OnceLock::new();
        R.get_or_init(|| {
            Release::load(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/sosmeta-corpus/2025-05-20"
            ))
            .expect("corpus")
        })
    }

    #[test]
    fn a_content_document_has_no_header_and_its_root_keys_version() {
        let def = release()
            .in_force("1.2.246.537.6.1505.1")
            .expect("definition");
        let content = sosmeta_model::samples::minimal(def);
        let bytes = serde_json::to_vec(&content).unwrap();
        let input = RenderInput::read(&bytes, u64::MAX).unwrap();
        assert_eq!(input.content, content);
        assert_eq!(input.named, None);
        assert_eq!(input.header.document_id, None);
        assert_eq!(input.definition(release(), None).unwrap().id, def.id);
    }

    #[test]
    fn a_view_brings_its_header_and_named_definition() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/kanta/asiakkuusasiakirja.view.json"
        ))
        .unwrap();
        let input = RenderInput::read(&bytes, u64::MAX).unwrap();
        let named = input.named.clone().expect("contentSpecificationId");
        assert!(named.starts_with("1.2.246.537.6.1505.1"), "{named}");
        assert!(input.header.document_id.is_some());
        assert!(input.header.organisation.is_some());
        let def = input.definition(release(), None).unwrap();
        assert_eq!(def.oid(), "1.2.246.537.6.1505.1");
        // The caller's reference wins over the header's, and a bad one is an error.
        assert!(matches!(
            input.definition(release(), Some("not an oid")),
            Err(RenderInputError::Reference(_))
        ));
    }

    #[test]
    fn refusals_are_errors_not_panics() {
        assert!(matches!(
            RenderInput::read(b"{not json", u64::MAX),
            Err(RenderInputError::Input(_))
        ));
        let older = br#"{"metadata": {"definition": "x", "recorder": {}}, "content": {}}"#;
        assert!(matches!(
            RenderInput::read(older, u64::MAX),
            Err(RenderInputError::OlderEnvelope)
        ));
        let no_content = br#"{"metadata": {}, "body": {}}"#;
        assert!(RenderInput::read(no_content, u64::MAX).is_err());
        assert!(matches!(
            RenderInput::read(b"<?xml version=\"1.0\"?><ClinicalDocument", u64::MAX),
            Err(RenderInputError::View(_))
        ));
    }
}
