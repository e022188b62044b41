//! One entry point for an input of unknown kind: a CDA (with its transfer frame), a lone
//! transfer frame, an archive JSON view, or a content document. The
//! CLI's `validate` and the HTTP service both call it, so they sniff and report alike.

use crate::reader::{self, Kind};
use crate::validate::ArchiveValidator;
use sosmeta_validate::finding::rules;
use sosmeta_validate::report::{DocumentResult, InputKind};
use sosmeta_validate::Finding;
use std::borrow::Cow;

/// The XPath of the document id a transfer frame names.
const FRAME_DOCUMENT_ID: &str = "/RCMR_IN200002FI01/controlActProcess/subject/clinicalDocument/id";

impl ArchiveValidator<'_> {
    /// Validate one input whatever it holds: a CDA (its frame looked up by `frame_for`
    /// with the document id the CDA states), a transfer frame alone (`frame.unpaired`), an
    /// archive JSON view (checked with `frame_for(None)`) or a content document. Inputs
    /// over the content options' `max_size` get the content validator's size finding.
    pub fn validate_any<'f>(
        &self,
        name: &str,
        bytes: &[u8],
        frame_for: impl FnOnce(Option<&str>) -> Option<Cow<'f, [u8]>>,
    ) -> DocumentResult {
        let opts = &self.options().content;
        if bytes.len() as u64 > opts.max_size {
            return self.validator().validate_bytes(name, bytes, opts);
        }
        match reader::sniff(bytes) {
            Kind::Cda => self.validate_cda_with(name, bytes, frame_for),
            Kind::Frame => {
                let id = reader::frame_document_id(bytes);
                self.unpaired_frame(name, id.as_deref())
            }
            Kind::Json if is_archive_view(bytes) => {
                let frame = frame_for(None);
                self.validate_view(name, bytes, frame.as_deref())
            }
            _ => self.validator().validate_bytes(name, bytes, opts),
        }
    }

    /// The result of a transfer frame checked without its CDA: one `frame.unpaired`
    /// finding naming the document id the frame states (`id`, when it could be read).
    pub fn unpaired_frame(&self, name: &str, id: Option<&str>) -> DocumentResult {
        let what = match id {
            Some(id) => format!("document {id}"),
            None => "a document id that could not be read".to_string(),
        };
        let mut f = Finding::new(
            rules::FRAME_UNPAIRED,
            rules::FRAME_UNPAIRED.severity(),
            "",
            "",
            format!(
                "this transfer frame names {what}, and no CDA among the inputs has that id; a frame is checked with its document (give both)"
            ),
        );
        f.xpath = Some(FRAME_DOCUMENT_ID.into());
        self.validator().result(
            name,
            None,
            InputKind::Archive,
            vec![f],
            &self.options().content,
        )
    }
}

/// True when JSON bytes are an archive JSON view (`{"metadata": {<CDA header>}, ...}`)
/// rather than a content document (`{"<root key>": {...}}`).
pub fn is_archive_view(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    if !head.windows(10).any(|w| w == b"\"metadata\"") {
        return false;
    }
    // The older envelope form (`metadata.definition`, ...) is read as a view too, and
    // refused there with a hint.
    crate::view::top_metadata(bytes).is_some()
}
