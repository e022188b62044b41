//! Validation of archive documents: the same rules on a CDA (with its transfer frame) and
//! on its JSON view, wrapping the content validation of `sosmeta-validate`.
//!
//! Findings on a CDA carry an XPath-like location (`xpath`, `hl7fi:` = `urn:hl7finland`)
//! with line and column; findings of the content validation keep their JSON pointer into
//! the decoded JSON and get the `hl7fi:json` element as their XPath. Findings on a JSON
//! view carry a JSON pointer into the view (`/metadata/...`, `/body/...`, `/content/...`).
//! Frame findings always carry an XPath into the frame (`/RCMR_IN200002FI01/...`).

use crate::data::KantaData;
use crate::model::*;
use crate::reader::{self, ReadError, NS_XHTML};
use crate::rules::ids;
use crate::view::ArchiveView;
use chrono::NaiveDate;
use serde_json::Value;
use sosmeta_model::koodisto::{Activity, CodeCheck};
use sosmeta_model::{Definition, DefinitionId};
use sosmeta_validate::calendar::Environment;
use sosmeta_validate::json_tree::JsonTree;
use sosmeta_validate::report::{DocumentResult, InputKind};
use sosmeta_validate::{Finding, Severity, ValidateOptions, Validator};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// A service provider's sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sector {
    /// Public (a wellbeing services county, a city).
    Public,
    /// Private: must state its joining model in the frame.
    Private,
}

/// What the validator knows of a provider, matched on the frame's sender or the CDA's
/// custodian organisation OID.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProviderProfile {
    /// The organisation OID.
    pub oid: String,
    /// Its sector.
    pub sector: Sector,
}

/// Options of archive validation.
#[derive(Debug, Clone)]
pub struct ArchiveOptions {
    /// Options of the wrapped content validation (`fail_on`, `max_findings`, `schema`,
    /// `rules`). Its `definition` and `on` are set per document from the header.
    pub content: ValidateOptions,
    /// The environment the document is stored in: with it, the release-calendar rules run.
    pub environment: Option<Environment>,
    /// The storage day (default: the frame's `creationTime`, else the header's
    /// `localSocialHeader/creationTime`, else `effectiveTime`).
    pub on: Option<NaiveDate>,
    /// The provider's sector when no profile matches (the document does not say it).
    pub sector: Option<Sector>,
    /// Known providers.
    pub providers: Vec<ProviderProfile>,
    /// Phase dates and the joining-model classification.
    pub data: KantaData,
    /// Run the content validation on the structured form (default `true`; `false` runs
    /// the archive layer alone, e.g. to measure it).
    pub run_content: bool,
}

impl Default for ArchiveOptions {
    fn default() -> Self {
        ArchiveOptions {
            content: ValidateOptions::default(),
            environment: None,
            on: None,
            sector: None,
            providers: Vec::new(),
            data: KantaData::default(),
            run_content: true,
        }
    }
}

/// Validates archive documents with a content [`Validator`].
#[derive(Debug)]
pub struct ArchiveValidator<'v> {
    validator: &'v Validator,
    options: ArchiveOptions,
    /// The laatija paths of each definition met, computed once.
    laatija: RwLock<HashMap<DefinitionId, Arc<[String]>>>,
}

/// Where a finding is: an XPath (CDA or frame) and a JSON pointer (JSON view).
#[derive(Debug, Clone)]
struct Loc {
    xpath: String,
    pointer: String,
    label: &'static str,
    pos: Option<Pos>,
    frame: bool,
}

/// A frame read, with its text (checked as UTF-8 once, for the reader and the findings'
/// lines).
fn read_frame_once(b: &[u8]) -> Result<(reader::FrameRead, &str), reader::ReadError> {
    match reader::utf8_text(b) {
        Some(t) => reader::read_frame_text(t, b).map(|fr| (fr, t)),
        // Not UTF-8: the reader's error (it never reads such bytes).
        None => reader::read_frame(b).map(|fr| (fr, "")),
    }
}

fn loc(xpath: &str, pointer: &str, label: &'static str, pos: Option<Pos>) -> Loc {
    Loc {
        xpath: xpath.to_string(),
        pointer: pointer.to_string(),
        label,
        pos,
        frame: false,
    }
}

fn floc(xpath: &str, label: &'static str, pos: Option<Pos>) -> Loc {
    Loc {
        xpath: xpath.to_string(),
        pointer: String::new(),
        label,
        pos,
        frame: true,
    }
}

/// Which input the header came from.
#[derive(Debug, Clone, Copy)]
enum Mode<'a> {
    /// A CDA: its text, for line and column.
    Xml(&'a str),
    /// A JSON view.
    View,
}

struct Out<'a> {
    mode: Mode<'a>,
    frame_text: Option<&'a str>,
    findings: Vec<Finding>,
}

impl Out<'_> {
    fn emit(&mut self, rule: sosmeta_validate::Rule, l: Loc, message: impl Into<String>) {
        let mut f = Finding::new(rule, rule.severity(), "", l.label, message);
        let text = if l.frame {
            self.frame_text
        } else {
            match self.mode {
                Mode::Xml(t) => Some(t),
                Mode::View => None,
            }
        };
        match (self.mode, l.frame) {
            (Mode::View, false) => f.pointer = l.pointer,
            _ => {
                f.xpath = Some(l.xpath);
                if let (Some(t), Some(p)) = (text, l.pos) {
                    let (line, column) = p.line_column(t);
                    f.line = Some(line);
                    f.column = Some(column);
                }
            }
        }
        self.findings.push(f);
    }
}

const LSH: &str = "/ClinicalDocument/hl7fi:localSocialHeader";
const MLSH: &str = "/metadata/localSocialHeader";
const JSON_XPATH: &str = "/ClinicalDocument/component/nonXMLBody/hl7fi:json";

/// A header code field and the code system it must use.
struct CodeField {
    label: &'static str,
    xpath: &'static str,
    pointer: &'static str,
    system: &'static str,
}

macro_rules! cf {
    ($label:literal, $x:literal, $p:literal, $sys:literal) => {
        CodeField {
            label: $label,
            xpath: $x,
            pointer: $p,
            system: $sys,
        }
    };
}

/// The header's coded values with their expected code systems (KANTA-FORMAT.md §3).
fn code_fields(h: &Header) -> Vec<(CodeField, Option<&Code>)> {
    let l = h.lsh();
    let pr = h.record_target.as_ref();
    vec![
        (
            cf!(
                "Yleinen asiakirjatyyppi",
                "/ClinicalDocument/code",
                "/metadata/code",
                "1.2.246.537.6.1506"
            ),
            h.code.as_ref(),
        ),
        (
            cf!(
                "Luottamuksellisuus",
                "/ClinicalDocument/confidentialityCode",
                "/metadata/confidentialityCode",
                "1.2.246.777.5.99902"
            ),
            h.confidentiality_code.as_ref(),
        ),
        (
            cf!(
                "Sukupuoli",
                "/ClinicalDocument/recordTarget/patientRole/patient/administrativeGenderCode",
                "/metadata/recordTarget/administrativeGenderCode",
                "1.2.246.537.5.1"
            ),
            pr.and_then(|p| p.administrative_gender_code.as_ref()),
        ),
        (
            cf!(
                "Luovutus huoltajille",
                "/ClinicalDocument/authorization/consent/code",
                "/metadata/authorizationConsent",
                "1.2.246.537.6.1286"
            ),
            h.authorization_consent.as_ref(),
        ),
        (
            cf!(
                "Tarkennettu asiakirjatyyppi",
                "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:specificDocumentType",
                "/metadata/localSocialHeader/specificDocumentType",
                "1.2.246.537.6.1506"
            ),
            l.specific_document_type.as_ref(),
        ),
        (
            cf!(
                "Asiakirjaryhmä",
                "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:documentGroup",
                "/metadata/localSocialHeader/documentGroup",
                "1.2.246.537.6.1505"
            ),
            l.document_group.as_ref(),
        ),
        (
            cf!(
                "Näyttömuodon formaatti",
                "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:fileFormat",
                "/metadata/localSocialHeader/fileFormat",
                "1.2.246.537.6.1502"
            ),
            l.file_format.as_ref(),
        ),
        (
            cf!(
                "Rakenteisen muodon formaatti",
                "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:structuredFileFormat",
                "/metadata/localSocialHeader/structuredFileFormat",
                "1.2.246.537.5.40179"
            ),
            l.structured_file_format.as_ref(),
        ),
        (
            cf!(
                "Valmistumisen tila",
                "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:recordStatus",
                "/metadata/localSocialHeader/recordStatus",
                "1.2.246.537.5.40154"
            ),
            l.record_status.as_ref(),
        ),
        (
            cf!(
                "Rekisteri",
                "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:registryType",
                "/metadata/localSocialHeader/registryType",
                "1.2.246.537.6.1264"
            ),
            l.registry_type.as_ref(),
        ),
        (
            cf!(
                "Kokonaissäilytysaika",
                "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:totalRetentionPeriodClass",
                "/metadata/localSocialHeader/totalRetentionPeriodClass",
                "1.2.246.537.6.1258"
            ),
            l.total_retention_period_class.as_ref(),
        ),
        (
            cf!(
                "Erityissisältö",
                "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:specialContent",
                "/metadata/localSocialHeader/specialContent",
                "1.2.246.537.6.112"
            ),
            l.special_content.as_ref(),
        ),
        (
            cf!(
                "Palveluprosessi",
                "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:serviceProcess/hl7fi:code",
                "/metadata/localSocialHeader/serviceProcess",
                "1.2.246.537.6.1277"
            ),
            l.service_process.as_ref(),
        ),
        (
            cf!(
                "Näyttämisen rajoitus",
                "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:inaccessibleArgument",
                "/metadata/localSocialHeader/inaccessibleArgument",
                "1.2.246.537.6.1288"
            ),
            l.inaccessible_argument.as_ref(),
        ),
    ]
}

/// The OID without `urn:oid:`.
fn bare(system: &str) -> &str {
    let s = system.trim();
    s.strip_prefix("urn:oid:").unwrap_or(s)
}

/// True when `written` is `expected`, or `expected` followed by one numeric version arc.
pub fn same_code_system(written: &str, expected: &str) -> bool {
    let w = bare(written);
    w == expected
        || w.strip_prefix(expected)
            .and_then(|r| r.strip_prefix('.'))
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
}

/// The classification OID of a code system written with a version suffix: `expected`
/// when it matches, else the system as written.
fn classification<'a>(written: &'a str, expected: &'a str) -> &'a str {
    if same_code_system(written, expected) {
        expected
    } else {
        bare(written)
    }
}

fn has_id(id: Option<&Id>) -> bool {
    id.is_some_and(|i| i.root.is_some() || i.null_flavor.is_some())
}

const CLIENT_DOCUMENT_PREFIX: &str = "1.2.246.537.6.1506.";
const GROUP_PREFIX: &str = "1.2.246.537.6.1505.";
/// The asiakkuusasiakirja's definition OID.
const CLIENT_RELATIONSHIP_OID: &str = "1.2.246.537.6.1505.1";
const HETU_ROOT: &str = "1.2.246.21";
const REGISTRATION_ROOT: &str = "1.2.246.537.26";

/// The day the document counts as stored.
fn storage_day(opts: &ArchiveOptions, h: &Header, frame: Option<&Frame>) -> Option<NaiveDate> {
    let day = |t: Option<&Ts>| {
        t.and_then(|t| t.parse())
            .and_then(Result::ok)
            .map(|t| t.date)
    };
    opts.on
        .or_else(|| day(frame.and_then(|f| f.creation_time.as_ref())))
        .or_else(|| day(h.lsh().creation_time.as_ref()))
        .or_else(|| day(h.effective_time.as_ref()))
}

/// The content as handed to the rules.
enum Content<'a> {
    /// Parsed JSON (a JSON view's content).
    Value(Value),
    /// The decoded text of a CDA's structured form, parsed once for the archive rules and
    /// the content validation: the tree (`None` when it is not JSON) and what the parse
    /// reported.
    Parsed(Option<JsonTree<'a>>, Vec<sosmeta_validate::Finding>),
    /// No structured form.
    Missing,
}

impl<'v> ArchiveValidator<'v> {
    /// An archive validator over a content validator.
    pub fn new(validator: &'v Validator, options: ArchiveOptions) -> ArchiveValidator<'v> {
        ArchiveValidator {
            validator,
            options,
            laatija: RwLock::new(HashMap::new()),
        }
    }

    /// The options in use.
    pub fn options(&self) -> &ArchiveOptions {
        &self.options
    }

    /// The content validator underneath.
    pub fn validator(&self) -> &'v Validator {
        self.validator
    }

    /// Validate a CDA archive document and, when given, its transfer frame. The report has
    /// the shape of content validation (`input` is `document`), every archive finding
    /// with an XPath.
    pub fn validate_cda(&self, name: &str, cda: &[u8], frame: Option<&[u8]>) -> DocumentResult {
        self.validate_cda_with(name, cda, |_| frame.map(std::borrow::Cow::Borrowed))
    }

    /// [`Self::validate_cda`] with the frame looked up by the document id the CDA states
    /// (`id@root`), once the CDA is read: pairing a directory's frames costs no second
    /// parse of the CDA.
    pub fn validate_cda_with<'f>(
        &self,
        name: &str,
        cda: &[u8],
        frame_for: impl FnOnce(Option<&str>) -> Option<std::borrow::Cow<'f, [u8]>>,
    ) -> DocumentResult {
        // `show_values` holds for the archive messages as for the content's.
        sosmeta_validate::echo::with_show_values(self.options.content.show_values, || {
            self.cda_with(name, cda, frame_for)
        })
    }

    fn cda_with<'f>(
        &self,
        name: &str,
        cda: &[u8],
        frame_for: impl FnOnce(Option<&str>) -> Option<std::borrow::Cow<'f, [u8]>>,
    ) -> DocumentResult {
        // The text is checked as UTF-8 once, for the reader and the findings' lines.
        let text = reader::utf8_text(cda);
        let read =
            match text.map_or_else(|| reader::read_cda(cda), |t| reader::read_cda_text(t, cda)) {
                Ok(r) => r,
                Err(e) => {
                    let findings = vec![read_error_finding(&e, false)];
                    return self.finish(name, None, InputKind::Archive, findings);
                }
            };
        let frame = frame_for(
            read.document
                .header
                .id
                .as_ref()
                .and_then(|i| i.root.as_deref()),
        );
        let frame = frame.as_deref();
        let text = text.unwrap_or("");
        let mut out = Out {
            mode: Mode::Xml(text),
            frame_text: None,
            findings: Vec::new(),
        };
        if !read.xml_declaration {
            out.emit(
                ids::CDA_XML_DECLARATION,
                loc("/", "", "", Some(Pos { offset: 0 })),
                "the file does not start with an XML declaration (<?xml version=\"1.0\" encoding=\"UTF-8\"?>); Kanta refuses it",
            );
        }
        for issue in &read.namespace_issues {
            out.emit(
                ids::CDA_NAMESPACE,
                loc(&issue.xpath, "", "", Some(issue.pos)),
                issue.message.clone(),
            );
        }
        let frame_read = frame.map(|b| (read_frame_once(b), b));
        let frame_model = match &frame_read {
            Some((Ok((fr, t)), _)) => {
                out.frame_text = Some(t);
                Some(fr)
            }
            Some((Err(e), _)) => {
                out.findings.push(read_error_finding(e, true));
                None
            }
            None => None,
        };
        let doc = &read.document;
        let content = match doc.body.as_ref().and_then(|b| b.structured.as_ref()) {
            Some(s) => match &s.json {
                Payload::Text(t) => {
                    let opts = &self.options.content;
                    sosmeta_validate::echo::with_show_values(opts.show_values, || {
                        let mut found = Vec::new();
                        let tree = sosmeta_validate::input::parse_tree(
                            t.as_bytes(),
                            opts.max_size,
                            &mut found,
                        );
                        Content::Parsed(tree, found)
                    })
                }
                _ => Content::Missing,
            },
            None => Content::Missing,
        };
        let def = self.check_all(
            &mut out,
            doc,
            frame_model.map(|f| &f.frame),
            frame_model,
            &content,
        );
        let json_pos = doc
            .body
            .as_ref()
            .and_then(|b| b.structured.as_ref())
            .and_then(|s| s.pos);
        self.content(&mut out, def, &doc.header, &content, json_pos);
        // Lazily: `or` would read the contentSpecificationId again when the rules found
        // the definition already.
        let def = def.or_else(|| self.named_definition(&doc.header));
        self.finish(name, def, InputKind::Archive, out.findings)
    }

    /// Validate a JSON view (`{"metadata", "body", "content"}`) and, when given, its
    /// transfer frame: the same rules as [`Self::validate_cda`] (not the XML-only ones),
    /// findings with JSON pointers into the view.
    pub fn validate_view(&self, name: &str, json: &[u8], frame: Option<&[u8]>) -> DocumentResult {
        sosmeta_validate::echo::with_show_values(self.options.content.show_values, || {
            self.view_bytes(name, json, frame)
        })
    }

    fn view_bytes(&self, name: &str, json: &[u8], frame: Option<&[u8]>) -> DocumentResult {
        let view: ArchiveView = match serde_json::from_slice(json) {
            Ok(v) => v,
            Err(e) => {
                let f = Finding::new(
                    ids::VIEW_JSON,
                    Severity::Error,
                    "",
                    "",
                    format!("not an archive JSON view: {e}{}", older_envelope_hint(json)),
                );
                return self.finish(name, None, InputKind::ArchiveView, vec![f]);
            }
        };
        self.validate_view_value(name, view, frame)
    }

    /// Validate a JSON view already read.
    pub fn validate_view_value(
        &self,
        name: &str,
        view: ArchiveView,
        frame: Option<&[u8]>,
    ) -> DocumentResult {
        sosmeta_validate::echo::with_show_values(self.options.content.show_values, || {
            self.view_value(name, view, frame)
        })
    }

    fn view_value(&self, name: &str, view: ArchiveView, frame: Option<&[u8]>) -> DocumentResult {
        let mut out = Out {
            mode: Mode::View,
            frame_text: None,
            findings: Vec::new(),
        };
        let frame_read = frame.map(|b| (read_frame_once(b), b));
        let frame_model = match &frame_read {
            Some((Ok((fr, t)), _)) => {
                out.frame_text = Some(t);
                Some(fr)
            }
            Some((Err(e), _)) => {
                out.findings.push(read_error_finding(e, true));
                None
            }
            None => None,
        };
        let ArchiveView {
            metadata,
            body,
            content,
        } = view;
        let doc = ArchiveDocument {
            header: metadata,
            body: body.map(|b| Body {
                id: b.id,
                display: b.xhtml.map(|x| DisplayForm {
                    media_type: b.media_type,
                    representation: None,
                    xhtml: Payload::Text(x),
                    pos: None,
                }),
                structured: None,
                pos: None,
            }),
        };
        let content = match content {
            Some(v) => Content::Value(v),
            None => {
                out.emit(
                    ids::BODY_REQUIRED,
                    loc(JSON_XPATH, "/content", "Rakenteinen muoto", None),
                    "the view has no content (the structured form)",
                );
                Content::Missing
            }
        };
        let def = self.check_all(
            &mut out,
            &doc,
            frame_model.map(|f| &f.frame),
            frame_model,
            &content,
        );
        self.content(&mut out, def, &doc.header, &content, None);
        // Lazily: `or` would read the contentSpecificationId again when the rules found
        // the definition already.
        let def = def.or_else(|| self.named_definition(&doc.header));
        self.finish(name, def, InputKind::ArchiveView, out.findings)
    }

    fn laatija_paths(&self, def: &Definition) -> Arc<[String]> {
        if let Some(p) = self
            .laatija
            .read()
            .ok()
            .and_then(|m| m.get(&def.id).cloned())
        {
            return p;
        }
        let p: Arc<[String]> = crate::content::laatija_paths(def).into();
        if let Ok(mut m) = self.laatija.write() {
            m.insert(def.id.clone(), p.clone());
        }
        p
    }

    fn named_definition(&self, h: &Header) -> Option<&'v Definition> {
        let id = h.lsh().content_specification_id.as_ref()?;
        let id = sosmeta_model::id::split_dotted(id.value.trim())?;
        self.validator.release().get(&id)
    }

    fn finish(
        &self,
        name: &str,
        def: Option<&Definition>,
        input: InputKind,
        findings: Vec<Finding>,
    ) -> DocumentResult {
        self.validator
            .result(name, def, input, findings, &self.options.content)
    }

    /// Every archive rule that is not XML-only; returns the definition named when its
    /// root key agrees with the content.
    fn check_all(
        &self,
        out: &mut Out<'_>,
        doc: &ArchiveDocument,
        frame: Option<&Frame>,
        frame_read: Option<&reader::FrameRead>,
        content: &Content<'_>,
    ) -> Option<&'v Definition> {
        let h = &doc.header;
        let xml = matches!(out.mode, Mode::Xml(_));
        check_realm_type(out, h);
        let def = self.check_definition(out, h, content);
        check_required(out, h, def);
        check_codes(out, h, self.validator, self.document_day(h));
        check_times(out, h);
        check_body(out, doc, xml);
        if let (Some(def), Some(_)) = (def, &h.author) {
            let paths = self.laatija_paths(def);
            match content {
                Content::Value(v) => check_recorder(out, h, def, &paths, || {
                    crate::content::content_authors(&paths, v)
                }),
                Content::Parsed(Some(tree), _) => check_recorder(out, h, def, &paths, || {
                    crate::content::tree_authors(&paths, tree.root())
                }),
                _ => {}
            }
        }
        if let (Some(f), Some(fr)) = (frame, frame_read) {
            self.check_frame(out, h, f, fr, def);
        }
        self.check_register(out, h, frame);
        self.check_calendar_phase(out, h, def, frame);
        def
    }

    fn document_day(&self, h: &Header) -> Option<NaiveDate> {
        h.effective_time
            .as_ref()
            .and_then(Ts::parse)
            .and_then(Result::ok)
            .map(|t| t.date)
    }

    /// The definition named, when its root key agrees with the content.
    fn check_definition(
        &self,
        out: &mut Out<'_>,
        h: &Header,
        content: &Content<'_>,
    ) -> Option<&'v Definition> {
        let csi = h.lsh().content_specification_id.as_ref()?;
        // Made only for a finding (a valid header's name costs no allocation).
        let at = || {
            loc(
                &format!("{LSH}/hl7fi:contentSpecificationId"),
                &format!("{MLSH}/contentSpecificationId"),
                "Sisältömääritys",
                csi.pos,
            )
        };
        let release = self.validator.release();
        let Some(id) = sosmeta_model::id::split_dotted(csi.value.trim()) else {
            out.emit(
                ids::DEFINITION_UNKNOWN,
                at(),
                format!("contentSpecificationId `{}` is not a definition version in the dotted form OID.y.m.d (e.g. 1.2.246.537.6.1505.1.2023.6.1)", csi.value),
            );
            return None;
        };
        let Some(def) = release.get(&id) else {
            let known: Vec<String> = release
                .versions(&id.oid)
                .iter()
                .map(|d| d.id.dotted())
                .collect();
            let hint = if known.is_empty() {
                "no version of that OID is in the release".to_string()
            } else {
                format!("the release has {}", known.join(", "))
            };
            out.emit(
                ids::DEFINITION_UNKNOWN,
                at(),
                format!(
                    "contentSpecificationId `{}` ({id}) is not in the release {}: {hint}",
                    csi.value,
                    release.label().unwrap_or("?")
                ),
            );
            return None;
        };
        // documentGroup / specificDocumentType against the definition's OID (GUESS of
        // KANTA-FORMAT.md §2: the definition OID is <classification>.<code>).
        let l = h.lsh();
        let (field, code, xpath, pointer) =
            if let Some(code) = def.oid().strip_prefix(CLIENT_DOCUMENT_PREFIX) {
                (
                    "specificDocumentType",
                    code,
                    "hl7fi:specificDocumentType",
                    "specificDocumentType",
                )
            } else if let Some(code) = def.oid().strip_prefix(GROUP_PREFIX) {
                (
                    "documentGroup",
                    code,
                    "hl7fi:documentGroup",
                    "documentGroup",
                )
            } else {
                ("", "", "", "")
            };
        if !field.is_empty() {
            let written = if field == "documentGroup" {
                l.document_group.as_ref()
            } else {
                l.specific_document_type.as_ref()
            };
            if let Some(w) = written {
                if w.code.as_deref().map(str::trim) != Some(code) {
                    out.emit(
                        ids::DEFINITION_DOCUMENT_TYPE,
                        loc(&format!("{LSH}/{xpath}"), &format!("{MLSH}/{pointer}"), "Asiakirjatyyppi", w.pos),
                        format!(
                            "{field} is `{}`, but contentSpecificationId names {} ({}), whose {field} code is `{code}`",
                            w.code.as_deref().unwrap_or(""),
                            def.id,
                            def.title()
                        ),
                    );
                }
            }
        }
        let keys: Option<Vec<String>> = match content {
            Content::Value(v) => Some(
                v.as_object()
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default(),
            ),
            // The tree keeps one member per key: the one key is compared where it is,
            // the sorted list made only for a finding.
            Content::Parsed(tree, _) => tree.as_ref().and_then(|tree| {
                let root = tree.root().as_object()?;
                let mut keys = root.keys();
                if keys.next() == Some(def.document_key()) && keys.next().is_none() {
                    return None;
                }
                let mut keys: Vec<String> = root.keys().map(str::to_string).collect();
                keys.sort();
                Some(keys)
            }),
            Content::Missing => None,
        };
        if let Some(keys) = keys {
            if keys != [def.document_key()] {
                let (xpath, pointer) = (JSON_XPATH, "/content");
                out.emit(
                    ids::DEFINITION_ROOT_KEY,
                    loc(xpath, pointer, "Asiakirjarakenne", csi.pos),
                    format!(
                        "the structured JSON has root key(s) {}, but contentSpecificationId names {} ({}), whose root key is `{}`",
                        if keys.is_empty() { "none".to_string() } else { keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ") },
                        def.id,
                        def.title(),
                        def.document_key()
                    ),
                );
                return None;
            }
        }
        Some(def)
    }

    /// The content validation on the structured form.
    fn content(
        &self,
        out: &mut Out<'_>,
        def: Option<&Definition>,
        h: &Header,
        content: &Content<'_>,
        json_pos: Option<Pos>,
    ) {
        if !self.options.run_content {
            return;
        }
        let mut opts = self.options.content.clone();
        opts.definition = def.map(|d| d.id.clone());
        opts.on = self.document_day(h).or(opts.on);
        opts.environment = None;
        opts.max_findings = usize::MAX;
        let result = match content {
            Content::Value(v) => self.validator.validate_value("content", v, &opts),
            Content::Parsed(tree, found) => {
                self.validator
                    .validate_parsed("content", tree.as_ref(), found.clone(), &opts)
            }
            Content::Missing => return,
        };
        let (line, column) = match (out.mode, json_pos) {
            (Mode::Xml(t), Some(p)) if !result.findings.is_empty() => {
                let (l, c) = p.line_column(t);
                (Some(l), Some(c))
            }
            _ => (None, None),
        };
        for mut f in result.findings {
            match out.mode {
                Mode::Xml(_) => {
                    f.xpath = Some(JSON_XPATH.to_string());
                    f.line = line;
                    f.column = column;
                }
                Mode::View => f.pointer.insert_str(0, "/content"),
            }
            out.findings.push(f);
        }
    }

    fn check_frame(
        &self,
        out: &mut Out<'_>,
        h: &Header,
        f: &Frame,
        fr: &reader::FrameRead,
        def: Option<&Definition>,
    ) {
        const ROOT: &str = "/RCMR_IN200002FI01";
        if f.root != "RCMR_IN200002FI01" || fr.namespace.as_deref() != Some(reader::NS_V3) {
            out.emit(
                ids::FRAME_ROOT,
                floc(
                    &format!("/{}", f.root),
                    "Siirtokehys",
                    Some(Pos { offset: 0 }),
                ),
                format!(
                    "the frame's root is `{}` in {}, expected RCMR_IN200002FI01 in urn:hl7-org:v3",
                    f.root,
                    fr.namespace
                        .as_deref()
                        .map_or("no namespace".to_string(), |n| format!("`{n}`"))
                ),
            );
        }
        let ii = f.interaction_id.as_ref();
        if ii.and_then(|i| i.extension.as_deref()) != Some("RCMR_IN200002FI01")
            || ii.and_then(|i| i.root.as_deref()) != Some("2.16.840.1.113883.1.6")
        {
            out.emit(
                ids::FRAME_INTERACTION,
                floc(&format!("{ROOT}/interactionId"), "Sanomatyyppi", ii.and_then(|i| i.pos)),
                format!(
                    "interactionId must be root 2.16.840.1.113883.1.6, extension RCMR_IN200002FI01; found {}",
                    ii.map_or("none".to_string(), |i| format!(
                        "root `{}`, extension `{}`",
                        i.root.as_deref().unwrap_or(""),
                        i.extension.as_deref().unwrap_or("")
                    ))
                ),
            );
        }
        // Service request.
        let l = h.lsh();
        let is_relationship = def
            .map(|d| d.oid() == CLIENT_RELATIONSHIP_OID)
            .unwrap_or_else(|| {
                l.document_group.as_ref().and_then(|g| g.code.as_deref())
                    == Some(self.options.data.phases.client_relationship_group.as_str())
            });
        let is_client_doc = def
            .map(|d| d.oid().starts_with(CLIENT_DOCUMENT_PREFIX))
            .unwrap_or(l.specific_document_type.is_some());
        let expected = if is_relationship {
            Some("SP1")
        } else if is_client_doc {
            Some("SP17")
        } else {
            None
        };
        let sr = f.reason_code.iter().find(|c| {
            c.code_system
                .as_deref()
                .is_some_and(|s| same_code_system(s, "1.2.246.537.6.1503"))
        });
        let sr_xpath = format!("{ROOT}/controlActProcess/reasonCode");
        match (sr, expected) {
            (None, _) => out.emit(
                ids::FRAME_SERVICE_REQUEST,
                floc(&sr_xpath, "Palvelupyyntö", None),
                "the frame states no service request (controlActProcess/reasonCode in 1.2.246.537.6.1503)",
            ),
            (Some(c), Some(e)) if c.code.as_deref() != Some(e) => out.emit(
                ids::FRAME_SERVICE_REQUEST,
                floc(&sr_xpath, "Palvelupyyntö", c.pos),
                format!(
                    "the service request is `{}`, but {} is archived with `{e}`",
                    c.code.as_deref().unwrap_or(""),
                    if is_relationship { "an asiakkuusasiakirja" } else { "a client document" }
                ),
            ),
            _ => {}
        }
        // The frame's copy of the document.
        let doc_xpath = format!("{ROOT}/controlActProcess/subject/clinicalDocument");
        let Some(fd) = &f.clinical_document else {
            out.emit(
                ids::FRAME_MISMATCH,
                floc(&doc_xpath, "Asiakirja", None),
                "the frame has no controlActProcess/subject/clinicalDocument",
            );
            return;
        };
        let root_of = |i: Option<&Id>| i.and_then(|i| i.root.clone());
        let pairs: Vec<Compared> = vec![
            (
                "id",
                "id@root",
                root_of(h.id.as_ref()),
                root_of(fd.id.as_ref()),
                fd.id.as_ref().and_then(|i| i.pos),
            ),
            (
                "setId",
                "setId@root",
                root_of(h.set_id.as_ref()),
                root_of(fd.set_id.as_ref()),
                fd.set_id.as_ref().and_then(|i| i.pos),
            ),
            (
                "versionNumber",
                "versionNumber@value",
                h.version_number.as_ref().map(|t| t.value.clone()),
                fd.version_number.as_ref().map(|t| t.value.clone()),
                fd.version_number.as_ref().and_then(|t| t.pos),
            ),
            (
                "effectiveTime",
                "effectiveTime@value",
                h.effective_time.as_ref().and_then(|t| t.value.clone()),
                fd.effective_time.as_ref().and_then(|t| t.value.clone()),
                fd.effective_time.as_ref().and_then(|t| t.pos),
            ),
            (
                "recordTarget/patient/id",
                "the patient's id",
                h.record_target
                    .as_ref()
                    .and_then(|p| p.id.as_ref())
                    .map(id_text),
                fd.patient.as_ref().and_then(|p| p.id.as_ref()).map(id_text),
                fd.patient
                    .as_ref()
                    .and_then(|p| p.id.as_ref())
                    .and_then(|i| i.pos),
            ),
            (
                "custodian/assignedCustodian/representedOrganization/id",
                "the custodian's id",
                h.custodian.as_ref().and_then(|c| root_of(c.id.as_ref())),
                root_of(fd.custodian_id.as_ref()),
                fd.custodian_id.as_ref().and_then(|i| i.pos),
            ),
        ];
        for (path, what, cda, frame) in pairs
            .into_iter()
            .map(|(p, w, c, f, pos)| ((p, pos), w, c, f))
        {
            if cda.is_some() && cda != frame {
                out.emit(
                    ids::FRAME_MISMATCH,
                    floc(&format!("{doc_xpath}/{}", path.0), "Asiakirja", path.1),
                    format!(
                        "the frame's {what} is `{}`, the CDA's is `{}`",
                        frame.as_deref().unwrap_or("(none)"),
                        cda.as_deref().unwrap_or("")
                    ),
                );
            }
        }
        // Joining model of a private provider.
        let sender = root_of(f.sender.as_ref());
        let custodian = h.custodian.as_ref().and_then(|c| root_of(c.id.as_ref()));
        let sector = self
            .options
            .providers
            .iter()
            .find(|p| Some(&p.oid) == sender.as_ref() || Some(&p.oid) == custodian.as_ref())
            .map(|p| p.sector)
            .or(self.options.sector);
        if sector == Some(Sector::Private) {
            let states = f.reason_code.iter().any(|c| {
                let sys = c.code_system.as_deref().unwrap_or("");
                match &self.options.data.joining_model_classification {
                    Some(oid) => same_code_system(sys, oid),
                    None => {
                        !same_code_system(sys, "1.2.246.537.6.1503")
                            && !same_code_system(sys, "1.2.246.537.6.1289")
                    }
                }
            });
            if !states {
                out.emit(
                    ids::FRAME_JOINING_MODEL,
                    floc(&format!("{ROOT}/controlActProcess"), "Liittymismalli", None),
                    "a private service provider must state its joining model (liittymismalli) in controlActProcess/reasonCode",
                );
            }
        }
        // Times in the frame.
        for (t, xpath) in [
            (f.creation_time.as_ref(), format!("{ROOT}/creationTime")),
            (
                fd.effective_time.as_ref(),
                format!("{doc_xpath}/effectiveTime"),
            ),
            (
                fd.patient.as_ref().and_then(|p| p.birth_time.as_ref()),
                format!("{doc_xpath}/recordTarget/patient/patientPerson/birthTime"),
            ),
        ] {
            if let Some(Some(Err(e))) = t.map(Ts::parse) {
                out.emit(
                    ids::HEADER_TIME,
                    floc(&xpath, "Aika", t.and_then(|t| t.pos)),
                    e.to_string(),
                );
            }
        }
    }

    /// Whose register (KANTA-FORMAT.md section 6): the organiser named in the header is
    /// the data controller; a purchased service (an organiser other than the sending
    /// organisation) goes to the organiser's register through register access right,
    /// only from the day that register opens, and not as the organiser's own use.
    fn check_register(&self, out: &mut Out<'_>, h: &Header, frame: Option<&Frame>) {
        let l = h.lsh();
        let Some(organiser_id) = l.outsourcing_service_customer.as_ref() else {
            return;
        };
        let Some(organiser) = organiser_id.root.as_deref() else {
            return;
        };
        let at = || {
            loc(
                &format!("{LSH}/hl7fi:outsourcingServiceCustomer"),
                &format!("{MLSH}/outsourcingServiceCustomer"),
                "Palvelunjärjestäjä",
                organiser_id.pos,
            )
        };
        let custodian = h
            .custodian
            .as_ref()
            .and_then(|c| c.id.as_ref())
            .and_then(|i| i.root.as_deref());
        if let Some(custodian) = custodian.filter(|c| *c != organiser) {
            out.emit(
                ids::REGISTER_CUSTODIAN,
                at(),
                format!(
                    "the organiser (palvelunjärjestäjä) {organiser} is the data controller of the documents made in its service, so the custodian must be {organiser}, not {custodian}: a purchased service's documents go to the organiser's register, not the provider's"
                ),
            );
        }
        // Purchased service: who sends is known from the frame only.
        let Some(frame) = frame else {
            return;
        };
        let Some(sender) = frame.sender.as_ref().and_then(|i| i.root.as_deref()) else {
            return;
        };
        if sender == organiser {
            return;
        }
        let register = &self.options.data.register;
        if let Some(day) = storage_day(&self.options, h, Some(frame)) {
            let opens = register.opens(organiser);
            if day < opens {
                out.emit(
                    ids::REGISTER_NOT_OPEN,
                    at(),
                    format!(
                        "a purchased service: {sender} sends a document of organiser {organiser}'s service on {}; the organiser's register opens to register access right on {}, and until then such documents stay in the provider's own system (they must not go to the provider's register either)",
                        day.format("%-d.%-m.%Y"),
                        opens.format("%-d.%-m.%Y")
                    ),
                );
            }
        }
        let own_use = frame.reason_code.iter().find(|c| {
            same_code_system(
                c.code_system.as_deref().unwrap_or(""),
                &register.usage_situation_classification,
            ) && c.code.as_deref() == Some(register.own_use_code.as_str())
        });
        if let Some(c) = own_use {
            out.emit(
                ids::FRAME_USAGE_SITUATION,
                floc(
                    "/RCMR_IN200002FI01/controlActProcess/reasonCode",
                    "Käyttötilanne",
                    c.pos,
                ),
                format!(
                    "the usage situation is the organiser's own use ({}), but {sender} stores a document of organiser {organiser}'s service: a provider stores a purchased service through its register access right",
                    register.own_use_code
                ),
            );
        }
    }

    fn check_calendar_phase(
        &self,
        out: &mut Out<'_>,
        h: &Header,
        def: Option<&Definition>,
        frame: Option<&Frame>,
    ) {
        let Some(day) = storage_day(&self.options, h, frame) else {
            return;
        };
        let l = h.lsh();
        if let (Some(def), Some(env)) = (def, self.options.environment) {
            let csi_pos = l.content_specification_id.as_ref().and_then(|c| c.pos);
            for f in sosmeta_validate::calendar::check_calendar(
                self.validator.release(),
                self.validator.calendar(),
                def,
                env,
                day,
            ) {
                let rule = f.rule;
                out.emit(
                    rule,
                    loc(
                        &format!("{LSH}/hl7fi:contentSpecificationId"),
                        &format!("{MLSH}/contentSpecificationId"),
                        "Sisältömääritys",
                        csi_pos,
                    ),
                    f.message,
                );
            }
        }
        let phases = &self.options.data.phases;
        let client_doc = def.map_or(l.specific_document_type.is_some(), |d| {
            d.oid().starts_with(CLIENT_DOCUMENT_PREFIX)
        });
        if let Some(g) = &l.document_group {
            let code = g.code.as_deref().unwrap_or("");
            if client_doc
                && day > phases.early_phase_last_day
                && !phases.later_phase_groups.iter().any(|c| c == code)
            {
                out.emit(
                    ids::PHASE_EXPIRED,
                    loc(&format!("{LSH}/hl7fi:documentGroup"), &format!("{MLSH}/documentGroup"), "Asiakirjaryhmä", g.pos),
                    format!(
                        "documentGroup `{code}` is an early-phase client document, accepted until {}; this one is stored on {day}: from then on client documents are 2nd-or-later-phase documents (documentGroup {})",
                        phases.early_phase_last_day.format("%-d.%-m.%Y"),
                        phases.later_phase_groups.join(", ")
                    ),
                );
            }
        }
    }
}

/// A frame field compared with the CDA's: path, what, CDA value, frame value, position.
type Compared = (
    &'static str,
    &'static str,
    Option<String>,
    Option<String>,
    Option<Pos>,
);

fn id_text(i: &Id) -> String {
    format!(
        "{}{}",
        i.root.as_deref().unwrap_or(""),
        i.extension
            .as_deref()
            .map(|e| format!("/{e}"))
            .unwrap_or_default()
    )
}

fn read_error_finding(e: &ReadError, frame: bool) -> Finding {
    let rule = match (e, frame) {
        (_, true) => match e {
            ReadError::Root { .. } => ids::FRAME_ROOT,
            _ => ids::FRAME_XML,
        },
        (ReadError::Encoding { .. }, false) => ids::CDA_ENCODING,
        (ReadError::Xml { .. }, false) => ids::CDA_XML,
        (ReadError::Root { .. }, false) => ids::CDA_ROOT,
    };
    let l = e.location();
    let mut f = Finding::new(rule, rule.severity(), "", "", e.to_string());
    f.xpath = Some(l.xpath.clone());
    f.line = Some(l.line);
    f.column = Some(l.column);
    f
}

fn check_realm_type(out: &mut Out<'_>, h: &Header) {
    let realm = h.realm_code.as_ref();
    if realm.and_then(|r| r.code.as_deref()) != Some("FI") {
        out.emit(
            ids::CDA_REALM,
            loc(
                "/ClinicalDocument/realmCode",
                "/metadata/realmCode",
                "",
                realm.and_then(|r| r.pos),
            ),
            match realm {
                None => "realmCode is missing; it must be code FI".to_string(),
                Some(r) => format!(
                    "realmCode@code is `{}`, must be FI",
                    r.code.as_deref().unwrap_or("")
                ),
            },
        );
    }
    let t = h.type_id.as_ref();
    if t.and_then(|t| t.root.as_deref()) != Some("2.16.840.1.113883.1.3")
        || t.and_then(|t| t.extension.as_deref()) != Some("POCD_HD000040")
    {
        out.emit(
            ids::CDA_TYPE_ID,
            loc(
                "/ClinicalDocument/typeId",
                "/metadata/typeId",
                "",
                t.and_then(|t| t.pos),
            ),
            "typeId must be root 2.16.840.1.113883.1.3, extension POCD_HD000040",
        );
    }
}

fn check_required(out: &mut Out<'_>, h: &Header, def: Option<&Definition>) {
    let l = h.lsh();
    let pr = h.record_target.as_ref();
    let client_doc = def.is_some_and(|d| d.oid().starts_with(CLIENT_DOCUMENT_PREFIX));
    let mut missing: Vec<(&str, &str, &'static str)> = Vec::new();
    let mut need =
        |present: bool, xpath: &'static str, pointer: &'static str, label: &'static str| {
            if !present {
                missing.push((xpath, pointer, label));
            }
        };
    need(
        h.id.as_ref().is_some_and(|i| i.root.is_some()),
        "/ClinicalDocument/id",
        "/metadata/id",
        "Asiakirjan tunniste",
    );
    need(
        h.code.is_some(),
        "/ClinicalDocument/code",
        "/metadata/code",
        "Yleinen asiakirjatyyppi",
    );
    need(
        h.effective_time.is_some(),
        "/ClinicalDocument/effectiveTime",
        "/metadata/effectiveTime",
        "Laatimisaika",
    );
    need(
        h.confidentiality_code.is_some(),
        "/ClinicalDocument/confidentialityCode",
        "/metadata/confidentialityCode",
        "Luottamuksellisuus",
    );
    need(
        h.language_code.is_some(),
        "/ClinicalDocument/languageCode",
        "/metadata/languageCode",
        "Kieli",
    );
    need(
        h.set_id.as_ref().is_some_and(|i| i.root.is_some()),
        "/ClinicalDocument/setId",
        "/metadata/setId",
        "Alkuperäisen asiakirjan tunniste",
    );
    need(
        h.version_number
            .as_ref()
            .is_some_and(|v| !v.value.is_empty()),
        "/ClinicalDocument/versionNumber",
        "/metadata/versionNumber",
        "Versio",
    );
    need(
        has_id(pr.and_then(|p| p.id.as_ref())),
        "/ClinicalDocument/recordTarget/patientRole/id",
        "/metadata/recordTarget/id",
        "Asiakas",
    );
    need(
        h.author.is_some(),
        "/ClinicalDocument/author",
        "/metadata/author",
        "Tallentaja",
    );
    need(
        has_id(h.custodian.as_ref().and_then(|c| c.id.as_ref())),
        "/ClinicalDocument/custodian/assignedCustodian/representedCustodianOrganization/id",
        "/metadata/custodian/id",
        "Rekisterinpitäjä",
    );
    if h.local_social_header.is_none() {
        need(
            false,
            "/ClinicalDocument/hl7fi:localSocialHeader",
            "/metadata/localSocialHeader",
            "Kansallinen otsake",
        );
    } else {
        need(
            l.creation_time.is_some(),
            "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:creationTime",
            "/metadata/localSocialHeader/creationTime",
            "Luontiaika",
        );
        need(
            l.document_group.is_some(),
            "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:documentGroup",
            "/metadata/localSocialHeader/documentGroup",
            "Asiakirjaryhmä",
        );
        need(
            l.content_specification_id
                .as_ref()
                .is_some_and(|c| !c.value.is_empty()),
            "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:contentSpecificationId",
            "/metadata/localSocialHeader/contentSpecificationId",
            "Sisältömääritys",
        );
        need(
            l.registry_type.is_some(),
            "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:registryType",
            "/metadata/localSocialHeader/registryType",
            "Rekisteri",
        );
        need(
            l.file_format.is_some(),
            "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:fileFormat",
            "/metadata/localSocialHeader/fileFormat",
            "Näyttömuodon formaatti",
        );
        need(
            l.structured_file_format.is_some(),
            "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:structuredFileFormat",
            "/metadata/localSocialHeader/structuredFileFormat",
            "Rakenteisen muodon formaatti",
        );
        need(
            l.record_status.is_some(),
            "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:recordStatus",
            "/metadata/localSocialHeader/recordStatus",
            "Valmistumisen tila",
        );
        need(
            !client_doc || l.specific_document_type.is_some(),
            "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:specificDocumentType",
            "/metadata/localSocialHeader/specificDocumentType",
            "Tarkennettu asiakirjatyyppi",
        );
    }
    let lsh_pos = l.pos;
    for (xpath, pointer, label) in missing {
        out.emit(
            ids::HEADER_REQUIRED,
            loc(
                xpath,
                pointer,
                label,
                if xpath.contains("hl7fi:") {
                    lsh_pos
                } else {
                    None
                },
            ),
            format!(
                "the header has no {} ({label})",
                xpath.trim_start_matches("/ClinicalDocument/")
            ),
        );
    }
    if let (Some(id), Some(set), Some(v)) =
        (h.id.as_ref(), h.set_id.as_ref(), h.version_number.as_ref())
    {
        if v.value.trim() == "1" && id.root.is_some() && set.root != id.root {
            out.emit(
                ids::HEADER_SET_ID,
                loc(
                    "/ClinicalDocument/setId",
                    "/metadata/setId",
                    "Alkuperäisen asiakirjan tunniste",
                    set.pos,
                ),
                format!(
                    "versionNumber is 1, so setId@root should equal id@root `{}`; it is `{}`",
                    id.root.as_deref().unwrap_or(""),
                    set.root.as_deref().unwrap_or("")
                ),
            );
        }
    }
}

fn check_codes(out: &mut Out<'_>, h: &Header, v: &Validator, day: Option<NaiveDate>) {
    let code_sets = v.code_sets();
    // The paths are borrowed and the location is made only for a finding: a valid
    // header's codes cost no allocation here.
    let check_one = |out: &mut Out<'_>, field: &CodeField, c: &Code, xpath: &str, pointer: &str| {
        let (Some(code), Some(system)) = (c.code.as_deref(), c.code_system.as_deref()) else {
            return;
        };
        let l = || loc(xpath, pointer, field.label, c.pos);
        if !same_code_system(system, field.system) {
            let rule = if field.system == "1.2.246.537.6.1221" {
                ids::HEADER_SERVICE_TASK
            } else {
                ids::HEADER_CODE_SYSTEM
            };
            out.emit(
                rule,
                l(),
                format!(
                    "{} has codeSystem `{system}`; expected {} (a version suffix such as {}.201601 is allowed)",
                    xpath.rsplit('/').next().unwrap_or(""),
                    field.system,
                    field.system
                ),
            );
            return;
        }
        let Some(sets) = code_sets else {
            return;
        };
        match sets.check(
            classification(system, field.system),
            code,
            c.display_name.as_deref(),
            day,
        ) {
            CodeCheck::UnknownCode { similar } => out.emit(
                ids::HEADER_CODE_UNKNOWN,
                l(),
                format!(
                    "code `{code}` does not exist in {}{}",
                    field.system,
                    if similar.is_empty() {
                        String::new()
                    } else {
                        format!(" (similar: {})", similar.join(", "))
                    }
                ),
            ),
            CodeCheck::Found {
                activity: Activity::NotYetValid { begins },
                ..
            } => out.emit(
                ids::HEADER_CODE_INACTIVE,
                l(),
                format!(
                    "code `{code}` of {} is valid from {begins}, after the document's date",
                    field.system
                ),
            ),
            CodeCheck::Found {
                activity: Activity::Expired { expired },
                ..
            } => out.emit(
                ids::HEADER_CODE_INACTIVE,
                l(),
                format!(
                    "code `{code}` of {} expired on {expired}, before the document's date",
                    field.system
                ),
            ),
            CodeCheck::Found {
                activity: Activity::Retired,
                ..
            } => out.emit(
                ids::HEADER_CODE_INACTIVE,
                l(),
                format!(
                    "code `{code}` of {} is retired (Koodistopalvelu status DELETED, no end date): it is not valid on any day",
                    field.system
                ),
            ),
            _ => {}
        }
    };
    for (field, c) in code_fields(h) {
        if let Some(c) = c {
            check_one(out, &field, c, field.xpath, field.pointer);
        }
    }
    let field = cf!("Palvelutehtävä", "", "", "1.2.246.537.6.1221");
    for (i, c) in h.lsh().function_code.iter().enumerate() {
        check_one(
            out,
            &field,
            c,
            &format!("{LSH}/hl7fi:functionCode[{}]", i + 1),
            &format!("{MLSH}/functionCode/{i}"),
        );
    }
}

fn check_times(out: &mut Out<'_>, h: &Header) {
    let l = h.lsh();
    let enc = h.encompassing_encounter.as_ref();
    let times: [(Option<&Ts>, &str, &str); 6] = [
        (
            h.effective_time.as_ref(),
            "/ClinicalDocument/effectiveTime",
            "/metadata/effectiveTime",
        ),
        (
            l.creation_time.as_ref(),
            "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:creationTime",
            "/metadata/localSocialHeader/creationTime",
        ),
        (
            h.record_target.as_ref().and_then(|p| p.birth_time.as_ref()),
            "/ClinicalDocument/recordTarget/patientRole/patient/birthTime",
            "/metadata/recordTarget/birthTime",
        ),
        (
            h.author.as_ref().and_then(|a| a.time.as_ref()),
            "/ClinicalDocument/author/time",
            "/metadata/author/time",
        ),
        (
            enc.and_then(|e| e.effective_time.as_ref()),
            "/ClinicalDocument/componentOf/encompassingEncounter/effectiveTime",
            "/metadata/encompassingEncounter/effectiveTime",
        ),
        (
            l.signature.as_ref().and_then(|s| s.time.as_ref()),
            "/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:signature/hl7fi:time",
            "/metadata/localSocialHeader/signature/time",
        ),
    ];
    for (t, xpath, pointer) in times {
        let Some(t) = t else { continue };
        if let Some(Err(e)) = t.parse() {
            out.emit(
                ids::HEADER_TIME,
                loc(xpath, pointer, "Aika", t.pos),
                e.to_string(),
            );
        } else if t.value.is_none() && t.null_flavor.is_none() {
            out.emit(
                ids::HEADER_TIME,
                loc(xpath, pointer, "Aika", t.pos),
                "a time with neither @value nor @nullFlavor",
            );
        }
    }
}

fn check_body(out: &mut Out<'_>, doc: &ArchiveDocument, xml: bool) {
    const BODY: &str = "/ClinicalDocument/component/nonXMLBody";
    let Some(body) = &doc.body else {
        out.emit(
            ids::BODY_REQUIRED,
            loc(BODY, "/body", "Runko", None),
            "the document has no component/nonXMLBody (display form and structured form)",
        );
        return;
    };
    let expected = doc.header.document_id().map(|id| format!("OID{id}"));
    if let Some(expected) = &expected {
        if body.id.as_deref() != Some(expected.as_str()) {
            out.emit(
                ids::CDA_BODY_ID,
                loc(&format!("{BODY}/@ID"), "/body/id", "Runko", body.pos),
                format!(
                    "nonXMLBody@ID is `{}`, must be `{expected}` (\"OID\" + id@root)",
                    body.id.as_deref().unwrap_or("(none)")
                ),
            );
        }
    }
    match &body.display {
        None => out.emit(
            ids::BODY_REQUIRED,
            loc(
                &format!("{BODY}/text"),
                "/body/xhtml",
                "Näyttömuoto",
                body.pos,
            ),
            "the document has no display form (nonXMLBody/text)",
        ),
        Some(d) => {
            let at = || loc(&format!("{BODY}/text"), "/body/xhtml", "Näyttömuoto", d.pos);
            match &d.xhtml {
                Payload::Text(x) => check_xhtml(out, x, expected.as_deref(), at),
                Payload::BadBase64(e) => out.emit(
                    ids::BODY_DISPLAY_BASE64,
                    at(),
                    format!("the display form is not base64: {e}"),
                ),
                Payload::BadUtf8(e) => out.emit(
                    ids::BODY_DISPLAY_BASE64,
                    at(),
                    format!("the display form's bytes are not UTF-8: {e}"),
                ),
            }
        }
    }
    if xml {
        match &body.structured {
            None => out.emit(
                ids::BODY_REQUIRED,
                loc(JSON_XPATH, "/content", "Rakenteinen muoto", body.pos),
                "the document has no structured form (nonXMLBody/hl7fi:json)",
            ),
            Some(s) => {
                let at = || loc(JSON_XPATH, "/content", "Rakenteinen muoto", s.pos);
                match &s.json {
                    Payload::Text(_) => {}
                    Payload::BadBase64(e) => out.emit(
                        ids::BODY_JSON_BASE64,
                        at(),
                        format!("the structured form is not base64: {e}"),
                    ),
                    Payload::BadUtf8(e) => out.emit(
                        ids::BODY_JSON_BASE64,
                        at(),
                        format!("the structured form's bytes are not UTF-8: {e}"),
                    ),
                }
            }
        }
    }
}

/// `at` makes the display form's location, only for a finding.
fn check_xhtml(out: &mut Out<'_>, xhtml: &str, expected_id: Option<&str>, at: impl Fn() -> Loc) {
    let root = match crate::xml::check(xhtml) {
        Ok(r) => r,
        Err(e) => {
            out.emit(
                ids::BODY_DISPLAY_XHTML,
                at(),
                format!(
                    "the display form is not a well-formed XHTML fragment: {} (at byte {} of the decoded text)",
                    e.message, e.offset
                ),
            );
            return;
        }
    };
    if root.name != "div" || root.ns.as_deref() != Some(NS_XHTML) {
        out.emit(
            ids::BODY_DISPLAY_XHTML,
            at(),
            format!(
                "the display form's root is `{}` in {}; it must be a div in {NS_XHTML} (a fragment, not a page)",
                root.name,
                root.ns.as_deref().unwrap_or("no namespace")
            ),
        );
        return;
    }
    if let Some(expected) = expected_id {
        if root.id.as_deref() != Some(expected) {
            out.emit(
                ids::BODY_DISPLAY_ID,
                at(),
                format!(
                    "the display form's root div has id `{}`, must be `{expected}`",
                    root.id.as_deref().unwrap_or("(none)")
                ),
            );
        }
    }
}

fn same_name(a: &str, b: &str) -> bool {
    sosmeta_model::text::normalize(a) == sosmeta_model::text::normalize(b)
}

/// The recorder rule: `paths` are the definition's laatija paths (empty: it has none).
fn check_recorder(
    out: &mut Out<'_>,
    h: &Header,
    def: &Definition,
    paths: &[String],
    content_authors: impl FnOnce() -> Vec<crate::content::ContentAuthor>,
) {
    let Some(author) = &h.author else {
        return;
    };
    let at = || {
        loc(
            "/ClinicalDocument/author/assignedAuthor",
            "/metadata/author",
            "Tallentaja",
            author.pos,
        )
    };
    if paths.is_empty() {
        // No laatija element (asiakkuusasiakirja): a nullFlavor author is right; a named
        // one cannot be checked.
        return;
    }
    if author.is_null() {
        out.emit(
            ids::HEADER_RECORDER,
            at(),
            format!(
                "the header author is a nullFlavor, but {} ({}) has an author (laatija): the recorder must be one of them",
                def.id,
                def.title()
            ),
        );
        return;
    }
    let laatijat = content_authors();
    let id_of = |root: &str| {
        author
            .id
            .iter()
            .find(|i| i.root.as_deref() == Some(root))
            .and_then(|i| i.extension.as_deref())
            .map(str::trim)
    };
    let (h_hetu, h_reg) = (id_of(HETU_ROOT), id_of(REGISTRATION_ROOT));
    let name = author.name.clone().unwrap_or_default();
    let (given, family) = (name.given_names(), name.family_name());
    let matches = |a: &crate::content::ContentAuthor| match (
        h_hetu,
        a.hetu.as_deref(),
        h_reg,
        a.registration_number.as_deref(),
    ) {
        (Some(x), Some(y), _, _) => x == y,
        (_, _, Some(x), Some(y)) => x == y,
        _ => {
            a.given_names
                .as_deref()
                .is_some_and(|g| same_name(g, &given))
                && a.family_name
                    .as_deref()
                    .is_some_and(|f| same_name(f, &family))
        }
    };
    if !laatijat.iter().any(matches) {
        let who = format!("{given} {family}");
        let names: Vec<String> = laatijat
            .iter()
            .map(|a| {
                format!(
                    "{} {}",
                    a.given_names.as_deref().unwrap_or("?"),
                    a.family_name.as_deref().unwrap_or("?")
                )
            })
            .collect();
        let message = match names.len() {
            0 => format!(
                "the recorder {who} must be an author (laatija), but the content names no author"
            ),
            1 => format!(
                "the recorder {who} is not the author (laatija) {} at {}",
                names[0], laatijat[0].pointer
            ),
            _ => format!(
                "the recorder {who} is none of the authors (laatija): {}",
                names.join(", ")
            ),
        };
        out.emit(ids::HEADER_RECORDER, at(), message);
    }
}

/// A hint for JSON in the older envelope form, whose fields have no counterpart in
/// Kanta's header.
fn older_envelope_hint(json: &[u8]) -> String {
    let older = crate::view::top_metadata(json).is_some_and(|m| crate::view::is_older_envelope(&m));
    if older {
        format!(" ({})", crate::view::OLDER_ENVELOPE)
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_system_versions() {
        assert!(same_code_system(
            "1.2.246.537.6.1221.201601",
            "1.2.246.537.6.1221"
        ));
        assert!(same_code_system(
            "urn:oid:1.2.246.537.6.1221",
            "1.2.246.537.6.1221"
        ));
        assert!(!same_code_system(
            "1.2.246.537.6.12210",
            "1.2.246.537.6.1221"
        ));
        assert!(!same_code_system(
            "1.2.246.537.6.1221.2016.01",
            "1.2.246.537.6.1221"
        ));
        assert!(!same_code_system(
            "1.2.246.537.6.1271",
            "1.2.246.537.6.1221"
        ));
    }
}
