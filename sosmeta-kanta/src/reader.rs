//! Reading a CDA archive document and a transfer frame into the [`crate::model`].
//!
//! Namespaces are matched by URI, never by prefix: `urn:hl7-org:v3` for the CDA and the
//! frame, `urn:hl7finland` for `localSocialHeader`, its children and `nonXMLBody/json`
//! (real files write it as `ep2:`, `hl7fi:` or as a default namespace). The reader is
//! tolerant: it fails only on input that is not well-formed XML or not the expected root;
//! absent or malformed header elements are left `None` for the rules to report.

use crate::model::*;
use crate::xml::{self, Tree, N};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use std::cell::RefCell;

/// The HL7 V3 namespace (CDA and messages).
pub const NS_V3: &str = "urn:hl7-org:v3";
/// The Finnish extension namespace (`localSocialHeader`, `json`).
pub const NS_FI: &str = "urn:hl7finland";
/// The XHTML namespace (the display form's root `div`).
pub const NS_XHTML: &str = "http://www.w3.org/1999/xhtml";

/// Where something is in an XML input: an XPath-like path and a line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// XPath-like path; `hl7fi:` stands for `urn:hl7finland`, unprefixed names are in
    /// `urn:hl7-org:v3`.
    pub xpath: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.xpath, self.line, self.column
        )
    }
}

/// Why an XML input could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The bytes are not UTF-8.
    #[error("not UTF-8 at byte {offset} ({location})")]
    Encoding {
        /// The first bad byte.
        offset: usize,
        /// Where it is.
        location: Location,
    },
    /// Not well-formed XML.
    #[error("not well-formed XML: {message} ({location})")]
    Xml {
        /// The parser's message.
        message: String,
        /// Where it failed.
        location: Location,
    },
    /// The root element is not the expected one.
    #[error("the root is {found}, expected {expected} ({location})")]
    Root {
        /// The root as found: `{namespace}name`.
        found: String,
        /// The root expected.
        expected: &'static str,
        /// Where the root is.
        location: Location,
    },
}

impl ReadError {
    /// Where the problem is.
    pub fn location(&self) -> &Location {
        match self {
            ReadError::Encoding { location, .. }
            | ReadError::Xml { location, .. }
            | ReadError::Root { location, .. } => location,
        }
    }
}

/// Something the reader noticed without failing: an element in the wrong namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceIssue {
    /// XPath-like location of the element.
    pub xpath: String,
    /// Where it starts.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
}

/// A CDA read: the document and what the XML-level rules need.
#[derive(Debug, Clone)]
pub struct CdaRead {
    /// The model.
    pub document: ArchiveDocument,
    /// True when the file starts with an XML declaration (`<?xml ...?>`).
    pub xml_declaration: bool,
    /// Elements found in the wrong namespace.
    pub namespace_issues: Vec<NamespaceIssue>,
}

/// A transfer frame read.
#[derive(Debug, Clone)]
pub struct FrameRead {
    /// The model.
    pub frame: Frame,
    /// The root element's namespace URI (`urn:hl7-org:v3` expected).
    pub namespace: Option<String>,
    /// True when the file starts with an XML declaration.
    pub xml_declaration: bool,
}

fn location_at(text: &str, offset: usize, xpath: &str) -> Location {
    let (line, column) = Pos { offset }.line_column(text);
    Location {
        xpath: xpath.to_string(),
        line,
        column,
    }
}

/// The input as text, with a leading byte order mark skipped.
fn as_text(bytes: &[u8]) -> Result<&str, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    simdutf8::compat::from_utf8(bytes).map_err(|e| {
        let ok = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
        ReadError::Encoding {
            offset: e.valid_up_to(),
            location: location_at(ok, ok.len(), "/"),
        }
    })
}

fn parse(text: &str) -> Result<Tree<'_>, ReadError> {
    xml::parse(text).map_err(|e| ReadError::Xml {
        message: e.message,
        location: location_at(text, e.offset, "/"),
    })
}

/// True when the text starts with an XML declaration (after an optional BOM).
pub fn has_xml_declaration(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    b.starts_with(b"<?xml") && b.get(5).is_some_and(|c| c.is_ascii_whitespace())
}

fn pos(n: N<'_, '_>) -> Option<Pos> {
    Some(Pos {
        offset: n.range().start,
    })
}

fn is(n: N<'_, '_>, ns: &str, name: &str) -> bool {
    n.is(ns, name)
}

fn child<'a, 'i>(n: N<'a, 'i>, ns: &str, name: &str) -> Option<N<'a, 'i>> {
    n.children().find(|c| is(*c, ns, name))
}

fn children<'a, 'i: 'a>(
    n: N<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = N<'a, 'i>> + 'a {
    n.children().filter(move |c| is(*c, ns, name))
}

/// Follow a path of V3 child names.
fn path<'a, 'i>(n: N<'a, 'i>, names: &[&str]) -> Option<N<'a, 'i>> {
    names.iter().try_fold(n, |n, name| child(n, NS_V3, name))
}

fn attr(n: N<'_, '_>, name: &str) -> Option<String> {
    n.attribute(name).map(str::to_string)
}

fn text_of(n: N<'_, '_>) -> String {
    n.all_text().trim().to_string()
}

fn code(n: N<'_, '_>) -> Code {
    Code {
        code: attr(n, "code"),
        code_system: attr(n, "codeSystem"),
        code_system_name: attr(n, "codeSystemName"),
        display_name: attr(n, "displayName"),
        null_flavor: attr(n, "nullFlavor"),
        pos: pos(n),
    }
}

fn id(n: N<'_, '_>) -> Id {
    Id {
        root: attr(n, "root"),
        extension: attr(n, "extension"),
        null_flavor: attr(n, "nullFlavor"),
        pos: pos(n),
    }
}

fn ts(n: N<'_, '_>) -> Ts {
    Ts {
        value: attr(n, "value"),
        null_flavor: attr(n, "nullFlavor"),
        pos: pos(n),
    }
}

fn value_text(n: N<'_, '_>) -> Text {
    Text {
        value: n.attribute("value").unwrap_or("").trim().to_string(),
        pos: pos(n),
    }
}

fn element_text(n: N<'_, '_>) -> Text {
    Text {
        value: text_of(n),
        pos: pos(n),
    }
}

fn name(n: N<'_, '_>, ns: &str) -> Name {
    Name {
        given: children(n, ns, "given").map(text_of).collect(),
        family: children(n, ns, "family").map(text_of).collect(),
    }
}

fn organization(n: N<'_, '_>) -> Organization {
    Organization {
        id: child(n, NS_V3, "id").map(id),
        name: child(n, NS_V3, "name").map(text_of),
    }
}

thread_local! {
    /// The base64 text without whitespace, then its decoding, reused between documents.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decode base64 text (whitespace allowed anywhere) to UTF-8 text.
///
/// Fast path: the base64 text is copied into a reused buffer (a wrapped payload cut at
/// line breaks, each line trimmed), decoded there in place with `base64-simd` (strict:
/// padding where the length is a multiple of 4, canonical trailing bits, like the base64
/// crate's decoder with indifferent padding), checked as UTF-8 with `simdutf8` and only
/// then copied into the returned text: no buffer is allocated but the text itself, and the
/// UTF-8 check runs once, vectorised. Anything the fast path refuses (whitespace inside a
/// line, a bad byte, bytes that are not UTF-8) is decoded again by the reference path
/// (every whitespace byte dropped, the base64 crate, the std UTF-8 check), so results and
/// error messages are the same either way.
pub fn decode_base64_text(b64: &str) -> Payload {
    decode_fast(b64).unwrap_or_else(|| decode_base64_reference(b64))
}

/// The fast path of [`decode_base64_text`]: `None` when it refuses the text.
fn decode_fast(b64: &str) -> Option<Payload> {
    let bytes = b64.as_bytes();
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        s.clear();
        if memchr::memchr2(b'\n', b'\r', bytes).is_none() {
            s.extend_from_slice(bytes.trim_ascii());
        } else {
            s.reserve(bytes.len());
            // Wrapped payloads have lines of one width: the next line break is looked
            // for first where the last one's width puts it (a memchr call per 76-byte
            // line costs more than the copy). A line holding other whitespace (a lone
            // `\r`, a space) is copied with it and the decoder refuses it: the reference
            // path decodes it then.
            let mut start = 0usize;
            let mut width = usize::MAX;
            // The last line's leading whitespace and base64 length, when it had no
            // trailing whitespace.
            let mut shape = None;
            loop {
                // Lines of the common lengths (76: MIME, client systems and this
                // crate's writer; 64: PEM) under one indentation are copied at a known
                // length while they last.
                start = match shape {
                    Some((lead, 76)) => copy_lines::<76>(bytes, start, lead, &mut s),
                    Some((lead, 64)) => copy_lines::<64>(bytes, start, lead, &mut s),
                    _ => start,
                };
                let end = match start.checked_add(width) {
                    Some(e) if bytes.get(e) == Some(&b'\n') => e,
                    _ => memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |k| start + k),
                };
                let line = &bytes[start..end];
                let body = line.trim_ascii_start();
                let lead = line.len() - body.len();
                let body = body.trim_ascii_end();
                s.extend_from_slice(body);
                shape = (lead + body.len() == line.len()).then_some((lead, body.len()));
                if end >= bytes.len() {
                    break;
                }
                width = end - start;
                start = end + 1;
            }
        }
        let engine = if s.len() % 4 == 0 {
            &base64_simd::STANDARD
        } else {
            &base64_simd::STANDARD_NO_PAD
        };
        let text = engine
            .decode_inplace(&mut s)
            .ok()
            .and_then(|d| simdutf8::basic::from_utf8(d).ok())
            .map(|t| Payload::Text(t.to_owned()));
        // A thread keeps the buffer between documents, but not a giant one.
        if s.capacity() > SCRATCH_KEPT {
            *s = Vec::new();
        }
        text
    })
}

/// Copy the lines of `lead` whitespace bytes, `W` base64 bytes and a `\n` from `start`
/// on into `out` (the base64 bytes only: what trimming each line keeps, as their first
/// and last bytes are not whitespace), while the text has them, and return where the
/// first other line starts. A copy of a known length is a few moves, not a `memcpy` call.
///
/// An indentation of at most 8 bytes is compared as one word with the last one found to
/// be whitespace (a wrapped payload repeats one indentation), instead of byte by byte:
/// about a third of the instructions per line.
fn copy_lines<const W: usize>(
    bytes: &[u8],
    mut start: usize,
    lead: usize,
    out: &mut Vec<u8>,
) -> usize {
    // The indentation's bytes in the low bytes of a word (none past 8).
    let mask = match lead {
        1..=8 => u64::MAX >> (64 - 8 * lead),
        _ => 0,
    };
    // The last indentation checked, as a word under `mask`.
    let mut known = None;
    while let Some(line) = bytes.get(start..) {
        let Some((indent, rest)) = line.split_at_checked(lead) else {
            break;
        };
        let Some((body, rest)) = rest.split_first_chunk::<W>() else {
            break;
        };
        if rest.first() != Some(&b'\n')
            || body[0].is_ascii_whitespace()
            || body[W - 1].is_ascii_whitespace()
        {
            break;
        }
        // The line has `lead + W` bytes before its `\n`: 8 are there.
        let head = line
            .first_chunk::<8>()
            .map_or(0, |w| u64::from_le_bytes(*w))
            & mask;
        if lead > 8 || known != Some(head) {
            if !indent.iter().all(u8::is_ascii_whitespace) {
                break;
            }
            known = Some(head);
        }
        out.extend_from_slice(body);
        start += lead + W + 1;
    }
    start
}

/// The largest [`SCRATCH`] buffer a thread keeps after a payload (larger ones are freed).
const SCRATCH_KEPT: usize = 4 << 20;

fn utf8_payload(out: Vec<u8>) -> Payload {
    match String::from_utf8(out) {
        Ok(t) => Payload::Text(t),
        Err(e) => Payload::BadUtf8(e.utf8_error().to_string()),
    }
}

/// The reference decoding of [`decode_base64_text`]: every whitespace byte dropped, the
/// base64 crate (indifferent padding). Its errors are the messages reported.
pub fn decode_base64_reference(b64: &str) -> Payload {
    let s: Vec<u8> = b64.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    match B64.decode_vec(&s[..], &mut out) {
        Ok(()) => utf8_payload(out),
        Err(e) => Payload::BadBase64(e.to_string()),
    }
}

/// Record an element of a known Finnish name found outside `urn:hl7finland`, and V3
/// header elements found in no namespace.
fn check_namespaces(root: N<'_, '_>, issues: &mut Vec<NamespaceIssue>) {
    for c in root.children() {
        let ns = c.ns();
        let wrong = match c.name() {
            "localSocialHeader" => ns != Some(NS_FI),
            _ => ns.is_none(),
        };
        if wrong {
            let expected = if c.name() == "localSocialHeader" {
                NS_FI
            } else {
                NS_V3
            };
            issues.push(NamespaceIssue {
                xpath: format!("/ClinicalDocument/{}", c.name()),
                pos: Pos {
                    offset: c.range().start,
                },
                message: format!(
                    "`{}` is in the namespace {}, expected {expected}",
                    c.name(),
                    ns.map_or("(none)".to_string(), |n| format!("`{n}`"))
                ),
            });
        }
    }
    if let Some(body) = path(root, &["component", "nonXMLBody"]) {
        for c in body.children().filter(|c| c.name() == "json") {
            if c.ns() != Some(NS_FI) {
                issues.push(NamespaceIssue {
                    xpath: "/ClinicalDocument/component/nonXMLBody/json".into(),
                    pos: Pos {
                        offset: c.range().start,
                    },
                    message: format!(
                        "`json` is in the namespace {}, expected {NS_FI}",
                        c.ns().map_or("(none)".to_string(), |n| format!("`{n}`"))
                    ),
                });
            }
        }
    }
}

fn local_social_header(l: N<'_, '_>, text: &str) -> LocalSocialHeader {
    let c = |name: &str| child(l, NS_FI, name);
    LocalSocialHeader {
        creation_time: c("creationTime").map(ts),
        specific_document_type: c("specificDocumentType").map(code),
        document_group: c("documentGroup").map(code),
        file_format: c("fileFormat").map(code),
        structured_file_format: c("structuredFileFormat").map(code),
        software_support: c("softwareSupport").map(|n| SoftwareSupport {
            moderator: attr(n, "moderator"),
            product: attr(n, "product"),
            version: attr(n, "version"),
        }),
        record_status: c("recordStatus").map(code),
        registry_type: c("registryType").map(code),
        outsourcing_service_customer: c("outsourcingServiceCustomer").map(id),
        outsourcing_service_customer_name: c("outsourcingServiceCustomerName").map(text_of),
        total_retention_period_class: c("totalRetentionPeriodClass").map(code),
        special_content: c("specialContent").map(code),
        content_specification_id: c("contentSpecificationId").map(element_text),
        encompassing_client_relationship: c("encompassingClientRelationship").map(id),
        function_code: children(l, NS_FI, "functionCode").map(code).collect(),
        service_process: c("serviceProcess")
            .and_then(|n| child(n, NS_FI, "code").or(Some(n)))
            .map(code),
        inaccessible_argument: c("inaccessibleArgument").map(code),
        authorization_restriction_argument: c("authorizationRestrictionArgument").map(text_of),
        signature: c("signature").map(|s| Signer {
            assigned_author_signer: child(s, NS_FI, "assignedAuthorSigner").map(id),
            name: child(s, NS_FI, "name")
                .or_else(|| child(s, NS_V3, "name"))
                .map(|n| name(n, n.ns().unwrap_or(NS_FI))),
            authentication_method: child(s, NS_FI, "authenticationMethod").map(code),
            time: child(s, NS_FI, "time").map(ts),
        }),
        signature_collection: c("signatureCollection")
            .map(|sc| {
                children(sc, NS_FI, "signature")
                    .map(|s| text[s.range()].to_string())
                    .collect()
            })
            .unwrap_or_default(),
        pos: pos(l),
    }
}

fn header(root: N<'_, '_>, text: &str) -> Header {
    let c = |name: &str| child(root, NS_V3, name);
    Header {
        realm_code: c("realmCode").map(code),
        type_id: c("typeId").map(id),
        id: c("id").map(id),
        code: c("code").map(code),
        effective_time: c("effectiveTime").map(ts),
        confidentiality_code: c("confidentialityCode").map(code),
        language_code: c("languageCode").map(code),
        set_id: c("setId").map(id),
        version_number: c("versionNumber").map(value_text),
        record_target: path(root, &["recordTarget", "patientRole"]).map(|p| {
            let patient = child(p, NS_V3, "patient");
            PatientRole {
                id: child(p, NS_V3, "id").map(id),
                name: patient
                    .and_then(|x| child(x, NS_V3, "name"))
                    .map(|n| name(n, NS_V3)),
                administrative_gender_code: patient
                    .and_then(|x| child(x, NS_V3, "administrativeGenderCode"))
                    .map(code),
                birth_time: patient.and_then(|x| child(x, NS_V3, "birthTime")).map(ts),
            }
        }),
        author: c("author").map(|a| {
            let assigned = child(a, NS_V3, "assignedAuthor");
            Author {
                time: child(a, NS_V3, "time").map(ts),
                id: assigned
                    .map(|x| children(x, NS_V3, "id").map(id).collect())
                    .unwrap_or_default(),
                name: assigned
                    .and_then(|x| path(x, &["assignedPerson", "name"]))
                    .map(|n| name(n, NS_V3)),
                pos: pos(a),
            }
        }),
        custodian: path(
            root,
            &[
                "custodian",
                "assignedCustodian",
                "representedCustodianOrganization",
            ],
        )
        .map(organization),
        authorization_consent: path(root, &["authorization", "consent", "code"]).map(code),
        encompassing_encounter: path(root, &["componentOf", "encompassingEncounter"]).map(|e| {
            EncompassingEncounter {
                id: child(e, NS_V3, "id").map(id),
                effective_time: child(e, NS_V3, "effectiveTime").map(ts),
                service_unit: children(e, NS_V3, "encounterParticipant")
                    .find(|p| p.attribute("typeCode") == Some("ADM"))
                    .and_then(|p| path(p, &["assignedEntity", "representedOrganization"]))
                    .map(organization),
            }
        }),
        local_social_header: root
            .children()
            .find(|n| n.name() == "localSocialHeader")
            .map(|l| local_social_header(l, text)),
    }
}

fn body(root: N<'_, '_>) -> Option<Body> {
    let b = path(root, &["component", "nonXMLBody"])?;
    let payload = |n: N<'_, '_>| decode_base64_text(n.text().unwrap_or(""));
    Some(Body {
        id: attr(b, "ID"),
        display: child(b, NS_V3, "text").map(|t| DisplayForm {
            media_type: attr(t, "mediaType"),
            representation: attr(t, "representation"),
            xhtml: payload(t),
            pos: pos(t),
        }),
        structured: child(b, NS_FI, "json").map(|j| StructuredForm {
            representation: attr(j, "representation"),
            json: if j.attribute("representation") == Some("TXT") {
                Payload::Text(text_of(j))
            } else {
                payload(j)
            },
            pos: pos(j),
        }),
        pos: pos(b),
    })
}

fn root_name(n: N<'_, '_>) -> String {
    match n.ns() {
        Some(ns) => format!("{{{ns}}}{}", n.name()),
        None => n.name().to_string(),
    }
}

/// Read a CDA archive document.
pub fn read_cda(bytes: &[u8]) -> Result<CdaRead, ReadError> {
    read_cda_text(as_text(bytes)?, bytes)
}

/// The input as text when it is UTF-8 (a leading byte order mark skipped), as
/// [`read_cda`] and [`read_frame`] take it: for a caller that needs the text too, which
/// then reads it with [`read_cda_text`] or [`read_frame_text`] (the UTF-8 check of a
/// large CDA is not run twice).
pub(crate) fn utf8_text(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()
}

/// [`read_cda`] of `bytes` whose text `text` is (as [`utf8_text`] gives it).
pub(crate) fn read_cda_text(text: &str, bytes: &[u8]) -> Result<CdaRead, ReadError> {
    let doc = parse(text)?;
    let root = doc.root();
    if !is(root, NS_V3, "ClinicalDocument") {
        return Err(ReadError::Root {
            found: root_name(root),
            expected: "ClinicalDocument in urn:hl7-org:v3",
            location: location_at(text, root.range().start, &format!("/{}", root.name())),
        });
    }
    let mut namespace_issues = Vec::new();
    check_namespaces(root, &mut namespace_issues);
    Ok(CdaRead {
        document: ArchiveDocument {
            header: header(root, text),
            body: body(root),
        },
        xml_declaration: has_xml_declaration(bytes),
        namespace_issues,
    })
}

fn fchild<'a, 'i>(n: N<'a, 'i>, ns: &str, name: &str) -> Option<N<'a, 'i>> {
    n.children()
        .find(|x| x.name() == name && x.ns().unwrap_or("") == ns)
}

fn fpath<'a, 'i>(n: N<'a, 'i>, ns: &str, names: &[&str]) -> Option<N<'a, 'i>> {
    names.iter().try_fold(n, |n, name| fchild(n, ns, name))
}

/// Read a transfer frame. Any root element is read (the rules check its name and
/// namespace); the children are looked up in the root's namespace.
pub fn read_frame(bytes: &[u8]) -> Result<FrameRead, ReadError> {
    read_frame_text(as_text(bytes)?, bytes)
}

/// [`read_frame`] of `bytes` whose text `text` is (as [`utf8_text`] gives it).
pub(crate) fn read_frame_text(text: &str, bytes: &[u8]) -> Result<FrameRead, ReadError> {
    let doc = parse(text)?;
    let root = doc.root();
    let ns = root.ns().unwrap_or("");
    let c = |n, name| fchild(n, ns, name);
    let p = |n, names: &[&str]| fpath(n, ns, names);
    let cap = c(root, "controlActProcess");
    let nm = |n: N<'_, '_>| Name {
        given: n
            .children()
            .filter(|x| x.name() == "given")
            .map(text_of)
            .collect(),
        family: n
            .children()
            .filter(|x| x.name() == "family")
            .map(text_of)
            .collect(),
    };
    let frame = Frame {
        root: root.name().to_string(),
        id: c(root, "id").map(id),
        creation_time: c(root, "creationTime").map(ts),
        interaction_id: c(root, "interactionId").map(id),
        processing_code: c(root, "processingCode").map(code),
        processing_mode_code: c(root, "processingModeCode").map(code),
        accept_ack_code: c(root, "acceptAckCode").map(code),
        receiver: p(root, &["receiver", "device", "id"]).map(id),
        sender: p(root, &["sender", "device", "id"]).map(id),
        reason_code: cap
            .map(|cap| {
                cap.children()
                    .filter(|x| x.name() == "reasonCode")
                    .map(code)
                    .collect()
            })
            .unwrap_or_default(),
        author_or_performer: cap
            .and_then(|cap| p(cap, &["authorOrPerformer", "assignedPerson"]))
            .map(|a| FrameSender {
                id: c(a, "id").map(id),
                name: p(a, &["assignedPerson", "name"]).map(nm),
                organization: c(a, "representedOrganization").map(|o| Organization {
                    id: c(o, "id").map(id),
                    name: c(o, "name").map(text_of),
                }),
            }),
        clinical_document: cap
            .and_then(|cap| p(cap, &["subject", "clinicalDocument"]))
            .map(|d| FrameDocument {
                id: c(d, "id").map(id),
                code: c(d, "code").map(code),
                effective_time: c(d, "effectiveTime").map(ts),
                set_id: c(d, "setId").map(id),
                version_number: c(d, "versionNumber").map(value_text),
                completion_code: c(d, "completionCode").map(code),
                storage_code: c(d, "storageCode").map(code),
                patient: p(d, &["recordTarget", "patient"]).map(|pt| FramePatient {
                    id: c(pt, "id").map(id),
                    name: p(pt, &["patientPerson", "name"]).map(nm),
                    birth_time: p(pt, &["patientPerson", "birthTime"]).map(ts),
                }),
                author_id: p(d, &["author", "assignedAuthor", "id"]).map(id),
                custodian_id: p(
                    d,
                    &[
                        "custodian",
                        "assignedCustodian",
                        "representedOrganization",
                        "id",
                    ],
                )
                .map(id),
            }),
    };
    Ok(FrameRead {
        frame,
        namespace: root.ns().map(str::to_string),
        xml_declaration: has_xml_declaration(bytes),
    })
}

/// What an input is, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An XML document whose root is `ClinicalDocument`.
    Cda,
    /// An XML document whose root is a transfer frame (`RCMR_IN200002FI01` or another
    /// `RCMR_*` message).
    Frame,
    /// JSON (a content document or an archive JSON view).
    Json,
    /// Anything else.
    Unknown,
}

/// Tell a CDA, a transfer frame and JSON apart by the first element's local name (the
/// XML is not parsed; a prolog of declaration, comments, processing instructions and a
/// DOCTYPE is skipped).
pub fn sniff(bytes: &[u8]) -> Kind {
    let mut b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    loop {
        let start = b.iter().position(|c| !c.is_ascii_whitespace());
        let Some(start) = start else {
            return Kind::Unknown;
        };
        b = &b[start..];
        match b[0] {
            b'{' | b'[' => return Kind::Json,
            b'<' => {}
            _ => return Kind::Unknown,
        }
        let close = |end: &[u8]| {
            b.windows(end.len())
                .position(|w| w == end)
                .map(|i| i + end.len())
        };
        let skip = if b.starts_with(b"<?") {
            close(b"?>")
        } else if b.starts_with(b"<!--") {
            close(b"-->")
        } else if b.starts_with(b"<!") {
            close(b">")
        } else {
            let name_end = b[1..]
                .iter()
                .position(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
                .map_or(b.len(), |i| i + 1);
            let qname = &b[1..name_end];
            let local = qname
                .iter()
                .rposition(|c| *c == b':')
                .map_or(qname, |i| &qname[i + 1..]);
            return match local {
                b"ClinicalDocument" => Kind::Cda,
                l if l.starts_with(b"RCMR_IN") => Kind::Frame,
                _ => Kind::Unknown,
            };
        };
        match skip {
            Some(n) => b = &b[n..],
            None => return Kind::Unknown,
        }
    }
}

/// The document id (`subject/clinicalDocument/id@root`) a transfer frame carries, for
/// pairing frames with CDAs in a directory. `None` when the bytes are not a readable frame
/// or name no document.
pub fn frame_document_id(bytes: &[u8]) -> Option<String> {
    // The one path `read_frame` would give as `clinical_document.id.root`, without
    // building the rest of the frame's model (a directory's frames are all read once for
    // pairing, before any is validated).
    let text = as_text(bytes).ok()?;
    let doc = parse(text).ok()?;
    let root = doc.root();
    let ns = root.ns().unwrap_or("");
    let id = fpath(
        root,
        ns,
        &["controlActProcess", "subject", "clinicalDocument", "id"],
    )?;
    attr(id, "root")
}

/// The document id (`id@root`) of a CDA, for pairing.
pub fn cda_document_id(bytes: &[u8]) -> Option<String> {
    read_cda(bytes).ok()?.document.header.id?.root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_kinds() {
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<!-- c --><ClinicalDocument/>"),
            Kind::Cda
        );
        assert_eq!(
            sniff(b"<v3:ClinicalDocument xmlns:v3='urn:hl7-org:v3'/>"),
            Kind::Cda
        );
        assert_eq!(sniff(b"\xEF\xBB\xBF<RCMR_IN200002FI01/>"), Kind::Frame);
        assert_eq!(sniff(b"  {\"a\":1}"), Kind::Json);
        assert_eq!(sniff(b"<html/>"), Kind::Unknown);
        assert_eq!(sniff(b""), Kind::Unknown);
        assert_eq!(sniff(b"<!-- never closed"), Kind::Unknown);
    }

    #[test]
    fn base64_with_whitespace() {
        assert_eq!(
            decode_base64_text("aGVs\n\tbG8="),
            Payload::Text("hello".into())
        );
        assert_eq!(decode_base64_text("aGVsbG8"), Payload::Text("hello".into()));
        assert!(matches!(decode_base64_text("a*b="), Payload::BadBase64(_)));
        assert!(matches!(decode_base64_text("/w=="), Payload::BadUtf8(_)));
    }

    /// The fast path (base64-simd, one line or wrapped) and the reference path (base64
    /// crate) agree on every input, including padding, trailing bits and whitespace.
    #[test]
    fn base64_fast_path_agrees_with_the_reference() {
        let long = base64::engine::general_purpose::STANDARD.encode("ä".repeat(200));
        let wrapped: String = long
            .as_bytes()
            .chunks(76)
            .map(|c| format!("\r\n    {}", std::str::from_utf8(c).unwrap()))
            .collect();
        // Lines of the widths copied whole (76 as the writer makes them, 64), and the
        // same with a line's first or last byte a space, a CR before a break, a bad byte.
        let plain = |w: usize| -> String {
            long.as_bytes()
                .chunks(w)
                .map(|c| format!("\n{}", std::str::from_utf8(c).unwrap()))
                .collect::<String>()
                + "\n"
        };
        let (p76, p64) = (plain(76), plain(64));
        // As client systems write it: indented lines (tabs), the closing tag's indent.
        let indented = long
            .as_bytes()
            .chunks(76)
            .map(|c| format!("\n\t\t\t\t{}", std::str::from_utf8(c).unwrap()))
            .collect::<String>()
            + "\n\t\t\t";
        let edge_cases_76 = [
            p76.replacen("\np", "\n p", 1),
            p76.replacen("\np", " \np", 1),
            p76.replacen("\np", "\r\np", 2),
            p76.replacen('p', "*", 1),
            p76.trim_end().to_string(),
            p76.trim_start().to_string(),
        ];
        assert!(edge_cases_76.iter().all(|e| *e != p76));
        // A space inside the second line; a byte outside the alphabet there.
        let spaced = format!("{} {}", &wrapped[..100], &wrapped[100..]);
        let starred = format!("{}*{}", &wrapped[..100], &wrapped[101..]);
        // Base64 whose bytes are not UTF-8: a lone continuation byte deep inside, and a
        // character cut at the end.
        let mut bytes = "ä".repeat(200).into_bytes();
        bytes[301] = b'a';
        let bad_utf8 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let cut =
            base64::engine::general_purpose::STANDARD.encode(&"ä".repeat(50).as_bytes()[..99]);
        for s in [
            bad_utf8.as_str(),
            cut.as_str(),
            "",
            "aGVsbG8=",
            "aGVsbG8",
            " aGVsbG8= \n",
            "aGVs\n\tbG8=",
            "aGVs bG8=",
            "aGVsbG9=",
            "aGVsbG8==",
            "aGVsbG8===",
            "aGVsb",
            "a*b=",
            "/w==",
            "\r\n",
            "aGVs\rbG8=",
            "aGVs\r\nbG8=\n",
            "aGVs\nbG8=\n\n",
            "\naGVs\nbG8=",
            "aGVs\nb G8=\n",
            "aGVs\nbG8\n=",
            long.as_str(),
            wrapped.as_str(),
            // Lines of other widths, a space inside a line, a lone CR, a bad byte.
            wrapped.replacen("\r\n    ", "\r\n  ", 3).as_str(),
            wrapped.replacen("\r\n    ", "\n", 5).as_str(),
            spaced.as_str(),
            wrapped.replacen("\r\n    ", "\r    ", 2).as_str(),
            starred.as_str(),
            format!("{wrapped}\r\n  ").as_str(),
            p76.as_str(),
            p64.as_str(),
            indented.as_str(),
            indented.replacen("\t\t\t\tp", "\t\t\tp", 1).as_str(),
            indented.replacen("\t\t\t\tp", "\t\t\t\t p", 1).as_str(),
            indented.replacen("\t\t\t\tp", "\t\t \tp", 1).as_str(),
            indented.replacen("\t\t\t\tp", "\t\tx\tp", 1).as_str(),
            // Indentations of 8 and 10 bytes (one word, more than one), and a later
            // line's indentation of the same length that is not all whitespace.
            indented.replace("\t\t\t\t", "        ").as_str(),
            indented
                .replace("\t\t\t\t", "        ")
                .replacen("        p", "      x p", 1)
                .as_str(),
            indented.replace("\t\t\t\t", "          ").as_str(),
            indented
                .replace("\t\t\t\t", "          ")
                .replacen("          p", "        x p", 1)
                .as_str(),
        ]
        .into_iter()
        .chain(edge_cases_76.iter().map(String::as_str))
        {
            assert_eq!(decode_base64_text(s), decode_base64_reference(s), "{s:?}");
        }
        assert_eq!(decode_base64_text(&p76), Payload::Text("ä".repeat(200)));
        assert_eq!(decode_base64_text(&p64), Payload::Text("ä".repeat(200)));
        assert!(decode_fast(&p76).is_some() && decode_fast(&p64).is_some());
        assert_eq!(
            decode_base64_text(&indented),
            Payload::Text("ä".repeat(200))
        );
        assert_eq!(decode_base64_text(&wrapped), Payload::Text("ä".repeat(200)));
        // The fast path itself takes the usual forms and leaves the odd ones.
        for s in [
            long.clone(),
            wrapped.clone(),
            wrapped.replacen("\r\n    ", "\r\n  ", 3),
            wrapped.replacen("\r\n    ", "\n", 5),
            format!("  {long}\n"),
        ] {
            assert!(decode_fast(&s).is_some(), "{s:?}");
        }
        assert!(decode_fast(&spaced).is_none());
        assert!(decode_fast(&starred).is_none());
        assert!(matches!(decode_base64_text(&spaced), Payload::Text(_)));
        assert!(matches!(
            decode_base64_text(&starred),
            Payload::BadBase64(_)
        ));
        assert!(decode_fast("aGVs\rbG8=").is_none());
        for s in ["/w==", &bad_utf8, &cut] {
            assert!(decode_fast(s).is_none(), "{s:?}");
            assert!(
                matches!(decode_base64_text(s), Payload::BadUtf8(_)),
                "{s:?}"
            );
        }
    }

    /// The pairing id is the one the full read gives, for frames that have it, lack it
    /// or are not frames.
    #[test]
    fn frame_document_id_is_the_read_frames() {
        let full = |b: &[u8]| {
            read_frame(b)
                .ok()
                .and_then(|f| f.frame.clinical_document)
                .and_then(|d| d.id)
                .and_then(|i| i.root)
        };
        for f in [
            "<RCMR_IN200002FI01 xmlns='urn:hl7-org:v3'><controlActProcess><subject><clinicalDocument><id root='1.2.3'/></clinicalDocument></subject></controlActProcess></RCMR_IN200002FI01>",
            "<m:RCMR_IN200002FI01 xmlns:m='urn:hl7-org:v3'><m:controlActProcess><m:subject><m:clinicalDocument><m:id extension='x'/><m:id root='9'/></m:clinicalDocument></m:subject></m:controlActProcess></m:RCMR_IN200002FI01>",
            "<RCMR_IN200002FI01><controlActProcess><subject><clinicalDocument><id root='&amp;1'/></clinicalDocument></subject></controlActProcess></RCMR_IN200002FI01>",
            "<RCMR_IN200002FI01 xmlns='urn:hl7-org:v3'><controlActProcess><subject><clinicalDocument xmlns='urn:other'><id root='1'/></clinicalDocument></subject></controlActProcess></RCMR_IN200002FI01>",
            "<RCMR_IN200002FI01 xmlns='urn:hl7-org:v3'><controlActProcess/></RCMR_IN200002FI01>",
            "<RCMR_IN200002FI01 xmlns='urn:hl7-org:v3'><controlActProcess>",
            "not xml",
        ] {
            assert_eq!(frame_document_id(f.as_bytes()), full(f.as_bytes()), "{f}");
        }
        let f = "<RCMR_IN200002FI01 xmlns='urn:hl7-org:v3'><controlActProcess><subject><clinicalDocument><id root='1.2.3'/></clinicalDocument></subject></controlActProcess></RCMR_IN200002FI01>";
        assert_eq!(frame_document_id(f.as_bytes()).as_deref(), Some("1.2.3"));
    }

    #[test]
    fn ill_formed_xml_has_a_location() {
        let e = read_cda(b"<?xml version=\"1.0\"?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n<id></ClinicalDocument>").unwrap_err();
        assert!(matches!(e, ReadError::Xml { .. }));
        assert_eq!(e.location().line, 3);
        let e = read_cda(b"<ClinicalDocument/>").unwrap_err();
        assert!(matches!(e, ReadError::Root { .. }), "{e}");
        let e = read_cda(b"<a>\xff</a>").unwrap_err();
        assert!(matches!(e, ReadError::Encoding { offset: 3, .. }), "{e}");
    }
}
