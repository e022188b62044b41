//! The JSON view of an archive document: `{"metadata": <header>, "body": {...},
//! "content": <the Sosmeta JSON>}`, metadata named after the real CDA elements
//! (camelCase), and its JSON Schema ([`VIEW_SCHEMA`], `schemas/archive-view.schema.json`).
//!
//! The view carries no sector: the provider's sector comes from
//! [`crate::ArchiveOptions::sector`] or a [`crate::ProviderProfile`].

use crate::model::{ArchiveDocument, Header, Payload};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The JSON Schema (draft-07) of the JSON view.
pub const VIEW_SCHEMA: &str = include_str!("../schemas/archive-view.schema.json");

/// What to say of JSON in the older envelope form (`{"metadata": {"definition",
/// "recorder", "serviceProvider", ...}, "content"}`), which is no longer read.
pub const OLDER_ENVELOPE: &str = "this is the older envelope form, which is no longer read: its metadata had fields with no counterpart in Kanta's header; write the CDA header's elements under `metadata`, as in schemas/archive-view.schema.json";

/// The top-level `metadata` object of JSON bytes, when they are a JSON object that has
/// one (the rest of the document is skipped, not built).
pub(crate) fn top_metadata(json: &[u8]) -> Option<serde_json::Map<String, Value>> {
    #[derive(Deserialize)]
    struct Top {
        metadata: Option<serde_json::Map<String, Value>>,
    }
    serde_json::from_slice::<Top>(json).ok()?.metadata
}

/// True when a JSON object's `metadata` is in the older envelope form (it names the
/// members that form had and the CDA header has not).
pub fn is_older_envelope(metadata: &serde_json::Map<String, Value>) -> bool {
    [
        "definition",
        "recorder",
        "serviceProvider",
        "register",
        "serviceTask",
    ]
    .iter()
    .any(|k| metadata.contains_key(*k))
}

/// The body in the JSON view: `nonXMLBody@ID` and the decoded display form.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ViewBody {
    /// `nonXMLBody@ID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `text@mediaType`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The display form (XHTML fragment), decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xhtml: Option<String>,
}

/// The JSON view of an archive document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveView {
    /// The header.
    pub metadata: Header,
    /// The body's id and display form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<ViewBody>,
    /// The structured form: the Sosmeta JSON document `{"<root key>": {...}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
}

/// Why a document has no JSON view.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    /// The display form could not be decoded.
    #[error("the display form could not be decoded: {0}")]
    Display(String),
    /// The structured form could not be decoded or is not JSON.
    #[error("the structured form could not be decoded: {0}")]
    Structured(String),
    /// The CDA could not be read.
    #[error(transparent)]
    Read(#[from] crate::reader::ReadError),
}

fn payload_error(p: &Payload) -> Option<String> {
    match p {
        Payload::Text(_) => None,
        Payload::BadBase64(e) => Some(format!("not base64: {e}")),
        Payload::BadUtf8(e) => Some(format!("not UTF-8: {e}")),
    }
}

impl ArchiveView {
    /// The view of a CDA file's bytes.
    pub fn from_cda_bytes(bytes: &[u8]) -> Result<ArchiveView, ViewError> {
        let read = crate::reader::read_cda(bytes)?;
        ArchiveView::from_document(&read.document)
    }

    /// The view of a document read from a CDA (signatures stay in
    /// `metadata.localSocialHeader.signatureCollection` as XML text).
    pub fn from_document(doc: &ArchiveDocument) -> Result<ArchiveView, ViewError> {
        let body = doc.body.as_ref();
        let display = body.and_then(|b| b.display.as_ref());
        if let Some(e) = display.and_then(|d| payload_error(&d.xhtml)) {
            return Err(ViewError::Display(e));
        }
        let content = match body.and_then(|b| b.structured.as_ref()) {
            None => None,
            Some(s) => match &s.json {
                Payload::Text(t) => Some(
                    serde_json::from_str(t).map_err(|e| ViewError::Structured(e.to_string()))?,
                ),
                p => return Err(ViewError::Structured(payload_error(p).unwrap_or_default())),
            },
        };
        Ok(ArchiveView {
            metadata: doc.header.clone(),
            body: body.map(|b| ViewBody {
                id: b.id.clone(),
                media_type: display.and_then(|d| d.media_type.clone()),
                xhtml: display.and_then(|d| d.xhtml.text().map(str::to_string)),
            }),
            content,
        })
    }
}
