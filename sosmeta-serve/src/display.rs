//! The display form of a document for `POST /api/render`: the content of a JSON
//! document, an archive JSON view or a CDA (its structured form), with the
//! definition its header or metadata names (else its root key's version in force),
//! rendered by `sosmeta-xhtml`. [`render_content`] is the one call of the renderer.

use serde_json::Value;
use sosmeta_kanta::{is_archive_view, sniff, Kind};
use sosmeta_model::{Definition, DefinitionRef, Release};
use sosmeta_validate::input::{parse_bytes, DEFAULT_MAX_SIZE};
use sosmeta_xhtml::Lang;

/// Why a document has no display form.
#[derive(Debug, thiserror::Error)]
pub enum DisplayError {
    /// The input is not a JSON document, a JSON view or a CDA.
    #[error("not a JSON document or a CDA: {0}")]
    Input(String),
    /// The CDA's or view's structured form could not be read.
    #[error("{0}")]
    View(#[from] sosmeta_kanta::view::ViewError),
    /// The archive document has no structured form.
    #[error("the archive document has no structured form (hl7fi:json) to show")]
    NoContent,
    /// No definition of the release fits the document.
    #[error("{0}")]
    Definition(String),
    /// The renderer refused the document.
    #[error("{0}")]
    Render(#[from] sosmeta_xhtml::RenderError),
}

/// The display form (XHTML) of `bytes` in `lang`.
pub fn display_form(release: &Release, bytes: &[u8], lang: Lang) -> Result<String, DisplayError> {
    let (content, named) = match sniff(bytes) {
        Kind::Cda => view_content(sosmeta_kanta::view::ArchiveView::from_cda_bytes(bytes)?)?,
        _ => {
            let parsed = parse_bytes(bytes, DEFAULT_MAX_SIZE);
            let Some(value) = parsed.value else {
                let why: Vec<String> = parsed.findings.into_iter().map(|f| f.message).collect();
                return Err(DisplayError::Input(why.join("; ")));
            };
            if is_archive_view(bytes) {
                let view: sosmeta_kanta::view::ArchiveView = serde_json::from_value(value)
                    .map_err(|e| DisplayError::Input(format!("not an archive JSON view: {e}")))?;
                view_content(view)?
            } else {
                (value, None)
            }
        }
    };
    let def = definition(release, &content, named.as_deref())?;
    render_content(def, &content, lang)
}

/// A view's content and the definition its header names (`contentSpecificationId`).
fn view_content(
    view: sosmeta_kanta::view::ArchiveView,
) -> Result<(Value, Option<String>), DisplayError> {
    let named = view
        .metadata
        .lsh()
        .content_specification_id
        .as_ref()
        .map(|c| c.value.trim().to_string());
    Ok((view.content.ok_or(DisplayError::NoContent)?, named))
}

/// The definition of `content`: the one named (an `OID@version` or dotted reference) when
/// it parses, else by the content's root key (the model's `select`).
fn definition<'r>(
    release: &'r Release,
    content: &Value,
    named: Option<&str>,
) -> Result<&'r Definition, DisplayError> {
    let explicit = named.and_then(|n| n.parse::<DefinitionRef>().ok());
    let keys: Vec<&str> = content
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    release
        .select(explicit.as_ref(), &keys)
        .map(|s| s.definition)
        .map_err(|e| DisplayError::Definition(e.to_string()))
}

/// The one call of the renderer: the display form (XHTML fragment) of the content.
pub fn render_content(
    def: &Definition,
    content: &Value,
    lang: Lang,
) -> Result<String, DisplayError> {
    let header = sosmeta_xhtml::FragmentHeader::default();
    Ok(sosmeta_xhtml::render_fragment(def, content, &header, lang)?.xhtml)
}
