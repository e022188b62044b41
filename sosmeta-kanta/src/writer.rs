//! Writing archive documents: the typed model ([`ArchiveDocument`], [`Frame`]) to CDA R2
//! XML and to the `RCMR_IN200002FI01` transfer frame (KANTA-FORMAT.md sections 1, 3-5),
//! and the JSON view ([`ArchiveView`]) back to a document.
//!
//! The XML is written with quick-xml's writer (the crate escapes every text and
//! attribute value), starts with an XML declaration, binds `urn:hl7-org:v3` as the
//! default namespace and `urn:hl7finland` to `hl7fi`, and carries the display form and
//! the structured JSON as base64 (76-character lines) in `component/nonXMLBody`, whose
//! `ID` is `"OID"` + the document id.
//!
//! Signatures (`localSocialHeader/signatureCollection/signature`) are opaque XML in the
//! model and are written back byte for byte. A rebuilt document does **not** keep a valid
//! signature: the signature covers the exact bytes of the signed parts, which a rebuild
//! re-serialises (whitespace, attribute order, base64 line breaks). Re-sign a rebuilt
//! document before sending it.
//!
//! Nothing is written half: a value XML 1.0 cannot carry (a control character), an
//! opaque signature that is not one well-formed `urn:hl7finland` `signature` element, or
//! a payload that did not decode is a [`WriteError`] naming the XPath, and no text is
//! returned.

use crate::model::*;
use crate::reader::{NS_FI, NS_V3, NS_XHTML};
use crate::view::ArchiveView;
use base64::Engine;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use serde_json::Value;
use sosmeta_model::Definition;
use std::borrow::Cow;

/// The language of a display form.
pub use sosmeta_runtime::Lang;

/// The XML Schema instance namespace, bound to `xsi` on the CDA's root.
const NS_XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// The interaction id of the transfer frame.
pub const FRAME_INTERACTION: &str = "RCMR_IN200002FI01";
/// The receiving archive's device id written when none is given (the Kanta archive of the
/// test documents, KANTA-FORMAT.md section 5).
pub const DEFAULT_RECEIVER: &str = "1.2.246.556.18007.2";
/// The definition OID of the asiakkuusasiakirja (archived with service request `SP1`).
pub const CLIENT_RELATIONSHIP_OID: &str = "1.2.246.537.6.1505.1";

/// Why an archive document or frame could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A value contains a character XML 1.0 cannot carry.
    #[error("{xpath}: the value contains the character U+{code:04X}, which XML 1.0 cannot carry")]
    Character {
        /// Where the value goes.
        xpath: String,
        /// The character's code point.
        code: u32,
    },
    /// An opaque signature is not one well-formed `urn:hl7finland` `signature` element.
    #[error(
        "{xpath}: signature {index} is not one well-formed hl7fi:signature element: {message}"
    )]
    Signature {
        /// Where the signature goes.
        xpath: String,
        /// Its 1-based position in `signatureCollection`.
        index: usize,
        /// What is wrong.
        message: String,
    },
    /// A payload (display form or structured JSON) is absent where it is needed or did not
    /// decode when the document was read.
    #[error("{xpath}: {message}")]
    Payload {
        /// Where the payload goes.
        xpath: String,
        /// What is wrong.
        message: String,
    },
    /// The display form given is not a well-formed XHTML fragment whose root `div`
    /// carries the body id.
    #[error("{xpath}: the display form {message}")]
    Display {
        /// Where the display form goes.
        xpath: String,
        /// What is wrong.
        message: String,
    },
    /// The content is not a Sosmeta document of the definition named.
    #[error("the content is not a document of {definition}: {message}")]
    Content {
        /// The definition, dotted (`OID.y.m.d`).
        definition: String,
        /// What is wrong.
        message: String,
    },
    /// An element name taken from the model is not an XML name.
    #[error("{xpath}: `{name}` is not an XML element name")]
    Name {
        /// Where the element goes.
        xpath: String,
        /// The name.
        name: String,
    },
    /// A required header part is missing (see [`crate::builder::HeaderError`] for the
    /// builder's own check).
    #[error(transparent)]
    Header(#[from] crate::builder::HeaderError),
    /// The JSON view is not JSON or not the view's shape.
    #[error("the JSON view at {pointer:?}: {message}")]
    View {
        /// JSON pointer of the offending value (`""` is the whole view).
        pointer: String,
        /// What is wrong (quoted values are masked: they may be personal data).
        message: String,
    },
    /// The XML writer failed (it writes to memory, so this is not expected).
    #[error("{xpath}: the XML writer failed: {message}")]
    Xml {
        /// Where.
        xpath: String,
        /// The writer's message.
        message: String,
    },
}

/// A character XML 1.0 cannot carry.
fn bad_char(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        !(matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{D7FF}').contains(&c)
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}')
    })
}

/// The XML writer with the path of open elements (for error locations).
struct W {
    w: Writer<Vec<u8>>,
    stack: Vec<Cow<'static, str>>,
}

type R = Result<(), WriteError>;

impl W {
    fn new(capacity: usize) -> W {
        W {
            w: Writer::new_with_indent(Vec::with_capacity(capacity), b'\t', 1),
            stack: Vec::with_capacity(16),
        }
    }

    fn xpath(&self, last: Option<&str>) -> String {
        let mut s = String::new();
        for n in self.stack.iter().map(|c| c.as_ref()).chain(last) {
            s.push('/');
            s.push_str(n);
        }
        s
    }

    fn io(&self, e: std::io::Error) -> WriteError {
        WriteError::Xml {
            xpath: self.xpath(None),
            message: e.to_string(),
        }
    }

    fn check(&self, name: &str, value: &str, attr: Option<&str>) -> R {
        match bad_char(value) {
            None => Ok(()),
            Some(c) => {
                let mut xpath = self.xpath(Some(name));
                if let Some(a) = attr {
                    xpath.push_str("/@");
                    xpath.push_str(a);
                }
                Err(WriteError::Character {
                    xpath,
                    code: c as u32,
                })
            }
        }
    }

    fn tag<'a>(
        &self,
        name: &'a str,
        attrs: &[(&'a str, &'a str)],
    ) -> Result<BytesStart<'a>, WriteError> {
        let mut start = BytesStart::new(name);
        for (k, v) in attrs {
            self.check(name, v, Some(k))?;
            // quick-xml escapes `< > & ' "`; tabs and line breaks are written as character
            // references so that attribute-value normalisation keeps them.
            let escaped = quick_xml::escape::escape(*v);
            let value: Cow<'_, str> = if escaped.contains(['\t', '\n', '\r']) {
                Cow::Owned(
                    escaped
                        .replace('\t', "&#9;")
                        .replace('\n', "&#10;")
                        .replace('\r', "&#13;"),
                )
            } else {
                escaped
            };
            start.push_attribute(quick_xml::events::attributes::Attribute {
                key: quick_xml::name::QName(k.as_bytes()),
                value: match value {
                    Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
                    Cow::Owned(o) => Cow::Owned(o.into_bytes()),
                },
            });
        }
        Ok(start)
    }

    fn start(&mut self, name: &'static str, attrs: &[(&str, &str)]) -> R {
        let t = self.tag(name, attrs)?;
        self.w
            .write_event(Event::Start(t))
            .map_err(|e| self.io(e))?;
        self.stack.push(Cow::Borrowed(name));
        Ok(())
    }

    fn start_owned(&mut self, name: String, attrs: &[(&str, &str)]) -> R {
        let t = self.tag(&name, attrs)?.into_owned();
        self.w
            .write_event(Event::Start(t))
            .map_err(|e| self.io(e))?;
        self.stack.push(Cow::Owned(name));
        Ok(())
    }

    fn end(&mut self) -> R {
        let name = self.stack.pop().unwrap_or(Cow::Borrowed(""));
        self.w
            .write_event(Event::End(BytesEnd::new(name.as_ref())))
            .map_err(|e| self.io(e))
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> R {
        let t = self.tag(name, attrs)?;
        self.w.write_event(Event::Empty(t)).map_err(|e| self.io(e))
    }

    /// `<name attrs>text</name>` (the text escaped by the crate).
    fn text(&mut self, name: &'static str, attrs: &[(&str, &str)], text: &str) -> R {
        self.check(name, text, None)?;
        self.start(name, attrs)?;
        self.w
            .write_event(Event::Text(BytesText::new(text)))
            .map_err(|e| self.io(e))?;
        self.end()
    }

    /// Text already checked to be XML (base64, an opaque element).
    fn raw(&mut self, xml: &str) -> R {
        self.w
            .write_event(Event::Text(BytesText::from_escaped(xml)))
            .map_err(|e| self.io(e))
    }

    fn finish(self) -> String {
        let mut bytes = self.w.into_inner();
        bytes.push(b'\n');
        // Every piece written is a `&str` and the writer adds only ASCII.
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    fn code(&mut self, name: &'static str, c: Option<&Code>) -> R {
        let Some(c) = c else { return Ok(()) };
        let attrs = opt_attrs(&[
            ("code", c.code.as_deref()),
            ("codeSystem", c.code_system.as_deref()),
            ("codeSystemName", c.code_system_name.as_deref()),
            ("displayName", c.display_name.as_deref()),
            ("nullFlavor", c.null_flavor.as_deref()),
        ]);
        self.empty(name, &attrs)
    }

    fn id(&mut self, name: &'static str, i: Option<&Id>) -> R {
        let Some(i) = i else { return Ok(()) };
        let attrs = opt_attrs(&[
            ("root", i.root.as_deref()),
            ("extension", i.extension.as_deref()),
            ("nullFlavor", i.null_flavor.as_deref()),
        ]);
        self.empty(name, &attrs)
    }

    fn ts(&mut self, name: &'static str, t: Option<&Ts>) -> R {
        let Some(t) = t else { return Ok(()) };
        let attrs = opt_attrs(&[
            ("value", t.value.as_deref()),
            ("nullFlavor", t.null_flavor.as_deref()),
        ]);
        self.empty(name, &attrs)
    }

    fn name(
        &mut self,
        tag: &'static str,
        given: &'static str,
        family: &'static str,
        n: Option<&Name>,
    ) -> R {
        let Some(n) = n else { return Ok(()) };
        self.start(tag, &[])?;
        for g in &n.given {
            self.text(given, &[], g)?;
        }
        for f in &n.family {
            self.text(family, &[], f)?;
        }
        self.end()
    }

    fn organization(&mut self, name: &'static str, o: &Organization) -> R {
        self.start(name, &[])?;
        self.id("id", o.id.as_ref())?;
        if let Some(n) = &o.name {
            self.text("name", &[], n)?;
        }
        self.end()
    }
}

fn opt_attrs<'a>(pairs: &[(&'a str, Option<&'a str>)]) -> Vec<(&'a str, &'a str)> {
    pairs
        .iter()
        .filter_map(|(k, v)| v.map(|v| (*k, v)))
        .collect()
}

/// Base64 in lines of 76 characters, each on its own line.
fn base64_lines(bytes: &[u8]) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(b.len() + b.len() / 76 + 2);
    for chunk in b.as_bytes().chunks(76) {
        out.push('\n');
        // Base64 is ASCII, so every chunk is UTF-8.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
    }
    out.push('\n');
    out
}

/// The prefix of the element an opaque XML text starts with (`""` for none), when the
/// text starts with an element.
fn start_prefix(xml: &str) -> Option<&str> {
    let t = xml.trim_start().strip_prefix('<')?;
    let end = t
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(t.len());
    let qname = &t[..end];
    Some(qname.rsplit_once(':').map_or("", |(p, _)| p))
}

fn is_xml_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The namespace declarations `signatureCollection` needs so that each opaque signature's
/// own element prefix is bound to `urn:hl7finland`, after checking each signature is one
/// well-formed `hl7fi:signature` element with no other unbound prefix.
fn signature_declarations(
    sigs: &[String],
    xpath: &str,
) -> Result<Vec<(String, String)>, WriteError> {
    let mut decls: Vec<(String, String)> = Vec::new();
    for (i, sig) in sigs.iter().enumerate() {
        let err = |message: String| WriteError::Signature {
            xpath: xpath.to_string(),
            index: i + 1,
            message,
        };
        let prefix =
            start_prefix(sig).ok_or_else(|| err("it does not start with an element".into()))?;
        if !prefix.is_empty()
            && (!is_xml_name(prefix) || prefix.eq_ignore_ascii_case("xml") || prefix == "xmlns")
        {
            return Err(err(format!("`{prefix}` is not a usable prefix")));
        }
        let key = if prefix.is_empty() {
            "xmlns".to_string()
        } else {
            format!("xmlns:{prefix}")
        };
        if prefix != "hl7fi" && !decls.iter().any(|(k, _)| *k == key) {
            decls.push((key, NS_FI.to_string()));
        }
    }
    for (i, sig) in sigs.iter().enumerate() {
        let err = |message: String| WriteError::Signature {
            xpath: xpath.to_string(),
            index: i + 1,
            message,
        };
        if let Some(c) = bad_char(sig) {
            return Err(err(format!("it contains the character U+{:04X}", c as u32)));
        }
        // The same namespace bindings as where the signature is written.
        let mut wrapper =
            format!("<hl7fi:signatureCollection xmlns:hl7fi=\"{NS_FI}\" xmlns:xsi=\"{NS_XSI}\"");
        if !decls.iter().any(|(k, _)| k == "xmlns") {
            wrapper.push_str(&format!(" xmlns=\"{NS_V3}\""));
        }
        for (k, v) in &decls {
            wrapper.push_str(&format!(" {k}=\"{v}\""));
        }
        wrapper.push('>');
        wrapper.push_str(sig);
        wrapper.push_str("</hl7fi:signatureCollection>");
        let tree = crate::xml::parse(&wrapper).map_err(|e| err(e.message))?;
        let root = tree.root();
        let children: Vec<_> = root.children().collect();
        if children.len() != 1 || !children[0].is(NS_FI, "signature") {
            return Err(err(format!(
                "it holds {} element(s) where one urn:hl7finland signature is expected",
                children.len()
            )));
        }
        if root.text().is_some_and(|t| !t.trim().is_empty()) {
            return Err(err("it has text outside its element".into()));
        }
    }
    Ok(decls)
}

/// Write an archive document as CDA R2 XML (see the module documentation).
pub fn write_cda(doc: &ArchiveDocument) -> Result<String, WriteError> {
    let h = &doc.header;
    let mut w = W::new(8192);
    w.w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(|e| w.io(e))?;
    w.start(
        "ClinicalDocument",
        &[
            ("xmlns", NS_V3),
            ("xmlns:hl7fi", NS_FI),
            ("xmlns:xsi", NS_XSI),
        ],
    )?;
    w.code("realmCode", h.realm_code.as_ref())?;
    w.id("typeId", h.type_id.as_ref())?;
    w.id("id", h.id.as_ref())?;
    w.code("code", h.code.as_ref())?;
    w.ts("effectiveTime", h.effective_time.as_ref())?;
    w.code("confidentialityCode", h.confidentiality_code.as_ref())?;
    w.code("languageCode", h.language_code.as_ref())?;
    w.id("setId", h.set_id.as_ref())?;
    if let Some(v) = &h.version_number {
        w.empty("versionNumber", &[("value", v.value.as_str())])?;
    }
    if let Some(p) = &h.record_target {
        w.start("recordTarget", &[])?;
        w.start("patientRole", &[])?;
        w.id("id", p.id.as_ref())?;
        if p.name.is_some() || p.administrative_gender_code.is_some() || p.birth_time.is_some() {
            w.start("patient", &[])?;
            w.name("name", "given", "family", p.name.as_ref())?;
            w.code(
                "administrativeGenderCode",
                p.administrative_gender_code.as_ref(),
            )?;
            w.ts("birthTime", p.birth_time.as_ref())?;
            w.end()?;
        }
        w.end()?;
        w.end()?;
    }
    if let Some(a) = &h.author {
        w.start("author", &[])?;
        w.ts("time", a.time.as_ref())?;
        w.start("assignedAuthor", &[])?;
        for i in &a.id {
            w.id("id", Some(i))?;
        }
        if a.name.is_some() {
            w.start("assignedPerson", &[])?;
            w.name("name", "given", "family", a.name.as_ref())?;
            w.end()?;
        }
        w.end()?;
        w.end()?;
    }
    if let Some(c) = &h.custodian {
        w.start("custodian", &[])?;
        w.start("assignedCustodian", &[])?;
        w.organization("representedCustodianOrganization", c)?;
        w.end()?;
        w.end()?;
    }
    if let Some(c) = &h.authorization_consent {
        w.start("authorization", &[])?;
        w.start("consent", &[])?;
        w.code("code", Some(c))?;
        w.empty("statusCode", &[("code", "completed")])?;
        w.end()?;
        w.end()?;
    }
    if let Some(e) = &h.encompassing_encounter {
        w.start("componentOf", &[])?;
        w.start("encompassingEncounter", &[])?;
        w.id("id", e.id.as_ref())?;
        w.ts("effectiveTime", e.effective_time.as_ref())?;
        if let Some(u) = &e.service_unit {
            w.start("encounterParticipant", &[("typeCode", "ADM")])?;
            w.start("assignedEntity", &[])?;
            w.empty("id", &[("nullFlavor", "NA")])?;
            w.organization("representedOrganization", u)?;
            w.end()?;
            w.end()?;
        }
        w.end()?;
        w.end()?;
    }
    if let Some(l) = &h.local_social_header {
        write_local_social_header(&mut w, l)?;
    }
    if let Some(b) = &doc.body {
        write_body(&mut w, b)?;
    }
    w.end()?;
    Ok(w.finish())
}

fn write_local_social_header(w: &mut W, l: &LocalSocialHeader) -> R {
    w.start("hl7fi:localSocialHeader", &[])?;
    w.ts("hl7fi:creationTime", l.creation_time.as_ref())?;
    w.code(
        "hl7fi:specificDocumentType",
        l.specific_document_type.as_ref(),
    )?;
    w.code("hl7fi:documentGroup", l.document_group.as_ref())?;
    w.code("hl7fi:fileFormat", l.file_format.as_ref())?;
    w.code(
        "hl7fi:structuredFileFormat",
        l.structured_file_format.as_ref(),
    )?;
    if let Some(s) = &l.software_support {
        let attrs = opt_attrs(&[
            ("moderator", s.moderator.as_deref()),
            ("product", s.product.as_deref()),
            ("version", s.version.as_deref()),
        ]);
        w.empty("hl7fi:softwareSupport", &attrs)?;
    }
    w.code("hl7fi:recordStatus", l.record_status.as_ref())?;
    w.code("hl7fi:registryType", l.registry_type.as_ref())?;
    w.id(
        "hl7fi:outsourcingServiceCustomer",
        l.outsourcing_service_customer.as_ref(),
    )?;
    if let Some(n) = &l.outsourcing_service_customer_name {
        w.text("hl7fi:outsourcingServiceCustomerName", &[], n)?;
    }
    w.code(
        "hl7fi:totalRetentionPeriodClass",
        l.total_retention_period_class.as_ref(),
    )?;
    w.code("hl7fi:specialContent", l.special_content.as_ref())?;
    if let Some(c) = &l.content_specification_id {
        w.text("hl7fi:contentSpecificationId", &[], &c.value)?;
    }
    w.id(
        "hl7fi:encompassingClientRelationship",
        l.encompassing_client_relationship.as_ref(),
    )?;
    for f in &l.function_code {
        w.code("hl7fi:functionCode", Some(f))?;
    }
    if let Some(p) = &l.service_process {
        w.start("hl7fi:serviceProcess", &[])?;
        w.code("hl7fi:code", Some(p))?;
        w.end()?;
    }
    w.code(
        "hl7fi:inaccessibleArgument",
        l.inaccessible_argument.as_ref(),
    )?;
    if let Some(a) = &l.authorization_restriction_argument {
        w.text("hl7fi:authorizationRestrictionArgument", &[], a)?;
    }
    if let Some(s) = &l.signature {
        w.start("hl7fi:signature", &[])?;
        w.id(
            "hl7fi:assignedAuthorSigner",
            s.assigned_author_signer.as_ref(),
        )?;
        w.name("hl7fi:name", "hl7fi:given", "hl7fi:family", s.name.as_ref())?;
        w.code(
            "hl7fi:authenticationMethod",
            s.authentication_method.as_ref(),
        )?;
        w.ts("hl7fi:time", s.time.as_ref())?;
        w.end()?;
    }
    if !l.signature_collection.is_empty() {
        let xpath = w.xpath(Some("hl7fi:signatureCollection"));
        let decls = signature_declarations(&l.signature_collection, &xpath)?;
        let attrs: Vec<(&str, &str)> = decls
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        w.start("hl7fi:signatureCollection", &attrs)?;
        for s in &l.signature_collection {
            w.w.write_indent().map_err(|e| w.io(e))?;
            w.raw(s.trim())?;
        }
        w.end()?;
    }
    w.end()
}

fn payload_text<'a>(p: &'a Payload, xpath: &str) -> Result<&'a str, WriteError> {
    match p {
        Payload::Text(t) => Ok(t),
        Payload::BadBase64(e) => Err(WriteError::Payload {
            xpath: xpath.to_string(),
            message: format!("the payload was not base64 when read ({e})"),
        }),
        Payload::BadUtf8(e) => Err(WriteError::Payload {
            xpath: xpath.to_string(),
            message: format!("the payload was not UTF-8 when read ({e})"),
        }),
    }
}

fn write_body(w: &mut W, b: &Body) -> R {
    w.start("component", &[])?;
    let attrs = opt_attrs(&[("ID", b.id.as_deref())]);
    w.start("nonXMLBody", &attrs)?;
    if let Some(d) = &b.display {
        let xhtml = payload_text(&d.xhtml, &w.xpath(Some("text")))?;
        let media = d.media_type.as_deref().unwrap_or("application/xhtml+xml");
        w.start("text", &[("mediaType", media), ("representation", "B64")])?;
        w.raw(&base64_lines(xhtml.as_bytes()))?;
        w.end()?;
    }
    if let Some(s) = &b.structured {
        let json = payload_text(&s.json, &w.xpath(Some("hl7fi:json")))?;
        match s.representation.as_deref() {
            Some("TXT") => w.text("hl7fi:json", &[("representation", "TXT")], json)?,
            r => {
                let attrs = opt_attrs(&[("representation", r)]);
                w.start("hl7fi:json", &attrs)?;
                w.raw(&base64_lines(json.as_bytes()))?;
                w.end()?;
            }
        }
    }
    w.end()?;
    w.end()
}

/// Write a transfer frame as XML (KANTA-FORMAT.md section 5). The elements the model does
/// not hold (`controlActProcess/code`, the document's `statusCode`, `realmCode`, `typeId`)
/// are written with their fixed values.
pub fn write_frame(f: &Frame) -> Result<String, WriteError> {
    let mut w = W::new(4096);
    w.w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(|e| w.io(e))?;
    let root = if f.root.is_empty() {
        FRAME_INTERACTION
    } else {
        f.root.as_str()
    };
    if !is_xml_name(root) {
        return Err(WriteError::Name {
            xpath: "/".into(),
            name: root.to_string(),
        });
    }
    w.start_owned(
        root.to_string(),
        &[("xmlns", NS_V3), ("ITSVersion", "XML_1.0")],
    )?;
    w.id("id", f.id.as_ref())?;
    w.ts("creationTime", f.creation_time.as_ref())?;
    w.id("interactionId", f.interaction_id.as_ref())?;
    w.code("processingCode", f.processing_code.as_ref())?;
    w.code("processingModeCode", f.processing_mode_code.as_ref())?;
    w.code("acceptAckCode", f.accept_ack_code.as_ref())?;
    for (name, type_code, id) in [
        ("receiver", "RCV", f.receiver.as_ref()),
        ("sender", "SND", f.sender.as_ref()),
    ] {
        if let Some(id) = id {
            w.start(name, &[("typeCode", type_code)])?;
            w.start(
                "device",
                &[("classCode", "DEV"), ("determinerCode", "INSTANCE")],
            )?;
            w.id("id", Some(id))?;
            w.end()?;
            w.end()?;
        }
    }
    w.start(
        "controlActProcess",
        &[("classCode", "CACT"), ("moodCode", "EVN")],
    )?;
    w.empty(
        "code",
        &[
            ("code", "RCMR_TE000102UV01"),
            ("codeSystem", "2.16.840.1.113883.1.18"),
        ],
    )?;
    for c in &f.reason_code {
        w.code("reasonCode", Some(c))?;
    }
    if let Some(a) = &f.author_or_performer {
        w.start("authorOrPerformer", &[("typeCode", "PRF")])?;
        w.start("assignedPerson", &[])?;
        w.id("id", a.id.as_ref())?;
        if a.name.is_some() {
            w.start("assignedPerson", &[])?;
            w.name("name", "given", "family", a.name.as_ref())?;
            w.end()?;
        }
        if let Some(o) = &a.organization {
            w.organization("representedOrganization", o)?;
        }
        w.end()?;
        w.end()?;
    }
    if let Some(d) = &f.clinical_document {
        w.start("subject", &[])?;
        w.start(
            "clinicalDocument",
            &[("classCode", "DOCCLIN"), ("moodCode", "EVN")],
        )?;
        w.empty("realmCode", &[("code", "FI")])?;
        w.empty(
            "typeId",
            &[
                ("root", "2.16.840.1.113883.1.3"),
                ("extension", "POCD_HD000040"),
            ],
        )?;
        w.id("id", d.id.as_ref())?;
        w.code("code", d.code.as_ref())?;
        w.empty("statusCode", &[("code", "COMPLETED")])?;
        w.ts("effectiveTime", d.effective_time.as_ref())?;
        w.id("setId", d.set_id.as_ref())?;
        if let Some(v) = &d.version_number {
            w.empty("versionNumber", &[("value", v.value.as_str())])?;
        }
        w.code("completionCode", d.completion_code.as_ref())?;
        w.code("storageCode", d.storage_code.as_ref())?;
        if let Some(p) = &d.patient {
            w.start("recordTarget", &[("typeCode", "RCT")])?;
            w.start("patient", &[("classCode", "PAT")])?;
            w.id("id", p.id.as_ref())?;
            if p.name.is_some() || p.birth_time.is_some() {
                w.start("patientPerson", &[])?;
                w.name("name", "given", "family", p.name.as_ref())?;
                w.ts("birthTime", p.birth_time.as_ref())?;
                w.end()?;
            }
            w.end()?;
            w.end()?;
        }
        if let Some(a) = &d.author_id {
            w.start("author", &[("typeCode", "AUT")])?;
            w.empty("time", &[("nullFlavor", "NA")])?;
            w.start("assignedAuthor", &[])?;
            w.id("id", Some(a))?;
            w.end()?;
            w.end()?;
        }
        if let Some(c) = &d.custodian_id {
            w.start("custodian", &[("typeCode", "CST")])?;
            w.start("assignedCustodian", &[])?;
            w.start("representedOrganization", &[])?;
            w.id("id", Some(c))?;
            w.end()?;
            w.end()?;
            w.end()?;
        }
        w.end()?;
        w.end()?;
    }
    w.end()?;
    w.end()?;
    Ok(w.finish())
}

impl ArchiveDocument {
    /// This document as CDA R2 XML ([`write_cda`]).
    pub fn to_xml(&self) -> Result<String, WriteError> {
        write_cda(self)
    }
}

impl Frame {
    /// This frame as XML ([`write_frame`]).
    pub fn to_xml(&self) -> Result<String, WriteError> {
        write_frame(self)
    }
}

/// What a transfer frame states beyond the document: who sends, to whom, with which
/// message id and reason codes. Every field left `None` (or empty) is derived from the
/// header by [`frame_for`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameOptions {
    /// The message id (default: root the sender's OID, extension `<document id>.<version>`).
    pub message_id: Option<Id>,
    /// The message's `creationTime` (default: `localSocialHeader/creationTime`, else
    /// `effectiveTime`).
    pub creation_time: Option<Ts>,
    /// `receiver/device/id` (default: [`DEFAULT_RECEIVER`]).
    pub receiver: Option<Id>,
    /// `sender/device/id` (default: the custodian's id).
    pub sender: Option<Id>,
    /// Every `controlActProcess/reasonCode` (default: the service request — `SP1` for an
    /// asiakkuusasiakirja, `SP17` for a client document — and usage situation `1`).
    pub reason_codes: Vec<Code>,
    /// The joining model (*liittymismalli*) a private provider states, added to the reason
    /// codes.
    pub joining_model: Option<Code>,
    /// `authorOrPerformer/assignedPerson` (default: the header's recorder with the service
    /// unit, else the custodian, as organisation; none when the recorder is a nullFlavor).
    pub author_or_performer: Option<FrameSender>,
    /// `processingCode` (default `P`), `processingModeCode` (`T`), `acceptAckCode` (`ER`).
    pub processing: Option<(Code, Code, Code)>,
}

impl FrameOptions {
    /// The message-level values of an existing frame (its document values are not kept:
    /// [`frame_for`] takes them from the header).
    pub fn from_frame(f: &Frame) -> FrameOptions {
        FrameOptions {
            message_id: f.id.clone(),
            creation_time: f.creation_time.clone(),
            receiver: f.receiver.clone(),
            sender: f.sender.clone(),
            reason_codes: f.reason_code.clone(),
            joining_model: None,
            author_or_performer: f.author_or_performer.clone(),
            processing: match (
                &f.processing_code,
                &f.processing_mode_code,
                &f.accept_ack_code,
            ) {
                (Some(a), Some(b), Some(c)) => Some((a.clone(), b.clone(), c.clone())),
                _ => None,
            },
        }
    }
}

fn simple_code(code: &str, system: Option<&str>) -> Code {
    Code {
        code: Some(code.into()),
        code_system: system.map(str::to_string),
        ..Code::default()
    }
}

/// True when the header names an asiakkuusasiakirja (service request `SP1`): its
/// `contentSpecificationId` is a version of [`CLIENT_RELATIONSHIP_OID`], or, without
/// one, its `documentGroup` is `1`.
pub fn is_client_relationship(h: &Header) -> bool {
    let l = h.lsh();
    match l
        .content_specification_id
        .as_ref()
        .map(|c| c.value.as_str())
    {
        Some(spec) if !spec.is_empty() => spec
            .strip_prefix(CLIENT_RELATIONSHIP_OID)
            .is_some_and(|rest| rest.starts_with('.') && rest[1..].split('.').count() == 3),
        _ => l.document_group.as_ref().and_then(|g| g.code.as_deref()) == Some("1"),
    }
}

fn strip_pos_id(i: &Id) -> Id {
    Id {
        pos: None,
        ..i.clone()
    }
}

fn strip_pos_ts(t: &Ts) -> Ts {
    Ts {
        pos: None,
        ..t.clone()
    }
}

/// The transfer frame of a document: the document values (id, setId, version, time,
/// register, patient, recorder, custodian) from the header, the message values from
/// `options` or derived (see [`FrameOptions`]).
pub fn frame_for(h: &Header, options: &FrameOptions) -> Frame {
    let l = h.lsh();
    let doc_id = h.document_id().unwrap_or_default().to_string();
    let version = h.version_number.as_ref().map(|v| v.value.clone());
    let custodian_id = h
        .custodian
        .as_ref()
        .and_then(|c| c.id.as_ref())
        .map(strip_pos_id);
    let sender = options.sender.clone().or_else(|| custodian_id.clone());
    let message_id = options.message_id.clone().unwrap_or_else(|| Id {
        root: sender
            .as_ref()
            .and_then(|s| s.root.clone())
            .or_else(|| Some(doc_id.clone())),
        extension: Some(format!("{doc_id}.{}", version.as_deref().unwrap_or("1"))),
        ..Id::default()
    });
    let mut reason_code = if options.reason_codes.is_empty() {
        vec![
            simple_code(
                if is_client_relationship(h) {
                    "SP1"
                } else {
                    "SP17"
                },
                Some("1.2.246.537.6.1503.201601"),
            ),
            simple_code("1", Some("1.2.246.537.6.1289.201901")),
        ]
    } else {
        options.reason_codes.clone()
    };
    if let Some(j) = &options.joining_model {
        if !reason_code.contains(j) {
            reason_code.push(j.clone());
        }
    }
    let author = h.author.as_ref().filter(|a| !a.is_null());
    let author_id = author.and_then(|a| a.id.iter().find(|i| i.root.is_some()).map(strip_pos_id));
    let author_or_performer = options.author_or_performer.clone().or_else(|| {
        author.map(|a| FrameSender {
            id: author_id.clone(),
            name: a.name.clone(),
            organization: h
                .encompassing_encounter
                .as_ref()
                .and_then(|e| e.service_unit.clone())
                .or_else(|| h.custodian.clone()),
        })
    });
    let (processing_code, processing_mode_code, accept_ack_code) =
        options.processing.clone().unwrap_or_else(|| {
            (
                simple_code("P", None),
                simple_code("T", None),
                simple_code("ER", None),
            )
        });
    let pr = h.record_target.as_ref();
    Frame {
        root: FRAME_INTERACTION.to_string(),
        id: Some(message_id),
        creation_time: options
            .creation_time
            .clone()
            .or_else(|| l.creation_time.clone())
            .or_else(|| h.effective_time.clone())
            .map(|t| strip_pos_ts(&t)),
        interaction_id: Some(Id {
            root: Some("2.16.840.1.113883.1.6".into()),
            extension: Some(FRAME_INTERACTION.into()),
            ..Id::default()
        }),
        processing_code: Some(processing_code),
        processing_mode_code: Some(processing_mode_code),
        accept_ack_code: Some(accept_ack_code),
        receiver: Some(options.receiver.clone().unwrap_or_else(|| Id {
            root: Some(DEFAULT_RECEIVER.into()),
            ..Id::default()
        })),
        sender,
        reason_code,
        author_or_performer,
        clinical_document: Some(FrameDocument {
            id: h.id.as_ref().map(strip_pos_id),
            code: l.registry_type.clone().map(|c| Code { pos: None, ..c }),
            effective_time: h.effective_time.as_ref().map(strip_pos_ts),
            set_id: h.set_id.as_ref().map(strip_pos_id),
            version_number: h.version_number.clone().map(|t| Text { pos: None, ..t }),
            completion_code: Some(simple_code("LA", Some("1.2.246.537.5.40115.2006"))),
            storage_code: Some(simple_code("AC", Some("1.2.246.537.5.40116.2006"))),
            patient: pr.map(|p| FramePatient {
                id: p.id.as_ref().map(strip_pos_id),
                name: p.name.clone(),
                birth_time: p.birth_time.as_ref().map(strip_pos_ts),
            }),
            author_id,
            custodian_id,
        }),
    }
}

/// What the display form's header shows.
pub type DisplayHeader = sosmeta_xhtml::FragmentHeader;

/// What a document's display form shows of its header (`sosmeta render` of a CDA or a JSON
/// view, and the display form the writer renders when a view has none): the document id, the
/// data controller (custodian; else the service unit), the recorder's name, and the
/// drafting time (`effectiveTime`, else `localSocialHeader/creationTime`) as ISO 8601.
pub fn display_header(h: &Header) -> DisplayHeader {
    let text = |s: Option<&str>| {
        s.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let iso = |ts: &Ts| {
        let t = ts.parse()?.ok()?;
        Some(match t.instant() {
            Some(i) => i.to_rfc3339(),
            None => t.date.format("%Y-%m-%d").to_string(),
        })
    };
    DisplayHeader {
        document_id: text(h.document_id()),
        organisation: h
            .custodian
            .as_ref()
            .and_then(|c| text(c.name.as_deref()))
            .or_else(|| {
                h.encompassing_encounter
                    .as_ref()
                    .and_then(|e| e.service_unit.as_ref())
                    .and_then(|u| text(u.name.as_deref()))
            }),
        author: h
            .author
            .as_ref()
            .and_then(|a| a.name.as_ref())
            .and_then(|n| text(Some(&format!("{} {}", n.given_names(), n.family_name())))),
        created: h
            .effective_time
            .as_ref()
            .and_then(iso)
            .or_else(|| h.lsh().creation_time.as_ref().and_then(iso)),
        title: None,
    }
}

/// The display form (an XHTML fragment `div.soc-document` with id `"OID" + document id`),
/// rendered from the content by `sosmeta_xhtml::render_fragment`, as `sosmeta render`
/// writes it.
fn display_form(
    def: &Definition,
    content: &Value,
    header: &DisplayHeader,
    lang: Lang,
) -> Result<String, WriteError> {
    let fragment = sosmeta_xhtml::render_fragment(def, content, header, lang).map_err(|e| {
        WriteError::Display {
            xpath: "/ClinicalDocument/component/nonXMLBody/text".into(),
            message: format!("could not be rendered: {e}"),
        }
    })?;
    if let Some(c) = bad_char(&fragment.xhtml) {
        return Err(WriteError::Character {
            xpath: "/ClinicalDocument/component/nonXMLBody/text".into(),
            code: c as u32,
        });
    }
    Ok(fragment.xhtml)
}

/// The language of the display form: the header's `languageCode` (`sv` Swedish, else
/// Finnish).
pub fn display_lang(h: &Header) -> Lang {
    match h.language_code.as_ref().and_then(|c| c.code.as_deref()) {
        Some(c) if c.eq_ignore_ascii_case("sv") => Lang::Sv,
        _ => Lang::Fi,
    }
}

const TEXT_XPATH: &str = "/ClinicalDocument/component/nonXMLBody/text";

/// Check that a display form given by the caller is a well-formed XHTML fragment whose
/// root `div` carries `id`.
fn check_display(xhtml: &str, id: &str) -> R {
    let err = |message: String| WriteError::Display {
        xpath: TEXT_XPATH.into(),
        message,
    };
    if let Some(c) = bad_char(xhtml) {
        return Err(err(format!("contains the character U+{:04X}", c as u32)));
    }
    // The same check as the archive rule on the display form (`body.display-xhtml`).
    let root = crate::xml::check(xhtml)
        .map_err(|e| err(format!("is not well-formed XML: {}", e.message)))?;
    if root.name != "div" || root.ns.as_deref() != Some(NS_XHTML) {
        return Err(err(format!(
            "root is `{}`, expected an XHTML div",
            root.name
        )));
    }
    if root.id.as_deref() != Some(id) {
        return Err(err(format!(
            "root div has id `{}`, expected `{id}`",
            root.id.as_deref().unwrap_or("")
        )));
    }
    Ok(())
}

/// The body of a document: `ID` `"OID"` + the document id, the display form (`xhtml`, or
/// rendered from the content when `None`) and the content as compact JSON.
pub fn body_for(
    h: &Header,
    def: &Definition,
    content: &Value,
    xhtml: Option<&str>,
) -> Result<Body, WriteError> {
    let doc_id =
        h.document_id()
            .ok_or(WriteError::Header(crate::builder::HeaderError::Missing {
                part: crate::builder::HeaderPart::DocumentId,
            }))?;
    let key = def.document_key();
    let dotted = def.id.dotted();
    match content.as_object() {
        Some(o) if o.len() == 1 && o.contains_key(key) => {}
        Some(o) => {
            return Err(WriteError::Content {
                definition: dotted,
                message: format!(
                    "its root keys are [{}], expected the single key `{key}`",
                    o.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
                ),
            })
        }
        None => {
            return Err(WriteError::Content {
                definition: dotted,
                message: "it is not a JSON object".into(),
            })
        }
    }
    let id = format!("OID{doc_id}");
    let xhtml = match xhtml {
        Some(x) => {
            check_display(x, &id)?;
            x.to_string()
        }
        None => display_form(def, content, &display_header(h), display_lang(h))?,
    };
    let json = serde_json::to_string(content).map_err(|e| WriteError::Content {
        definition: def.id.dotted(),
        message: e.to_string(),
    })?;
    Ok(Body {
        id: Some(id),
        display: Some(DisplayForm {
            media_type: Some("application/xhtml+xml".into()),
            representation: Some("B64".into()),
            xhtml: Payload::Text(xhtml),
            pos: None,
        }),
        structured: Some(StructuredForm {
            representation: None,
            json: Payload::Text(json),
            pos: None,
        }),
        pos: None,
    })
}

/// The document of a JSON view: its metadata as the header, its content as the
/// structured form and its `body.xhtml` as the display form (rendered from the content
/// with `def` when the view has none). `def` is the definition `contentSpecificationId`
/// names (the caller resolves it in its release).
pub fn document_from_view(
    view: &ArchiveView,
    def: &Definition,
) -> Result<ArchiveDocument, WriteError> {
    let content = view.content.as_ref().ok_or_else(|| WriteError::Payload {
        xpath: "/ClinicalDocument/component/nonXMLBody/hl7fi:json".into(),
        message: "the view has no content".into(),
    })?;
    let xhtml = view.body.as_ref().and_then(|b| b.xhtml.as_deref());
    let mut body = body_for(&view.metadata, def, content, xhtml)?;
    if let (Some(d), Some(m)) = (
        body.display.as_mut(),
        view.body.as_ref().and_then(|b| b.media_type.clone()),
    ) {
        d.media_type = Some(m);
    }
    Ok(ArchiveDocument {
        header: view.metadata.clone(),
        body: Some(body),
    })
}

/// `message` with every double-quoted text replaced by `"…"`: serde quotes the offending
/// value, which may be a hetu or a name.
fn mask_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            if quoted {
                out.push_str("…\"");
            } else {
                out.push('"');
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

/// Read a JSON view; errors name the JSON pointer of the offending value and never echo
/// a value.
pub fn view_from_json(bytes: &[u8]) -> Result<ArchiveView, WriteError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let view: ArchiveView =
        serde_path_to_error::deserialize(&mut de).map_err(|e| WriteError::View {
            pointer: sosmeta_runtime::pointer(e.path()),
            message: mask_quoted(&e.inner().to_string()),
        })?;
    de.end().map_err(|e| WriteError::View {
        pointer: String::new(),
        message: mask_quoted(&e.to_string()),
    })?;
    Ok(view)
}
