//! Archive documents from typed Rust: a header builder ([`ArchiveHeader::builder`]) and
//! [`archive`], which turns a typed document of `sosmeta-generated` (any `Serialize`
//! value whose JSON is a Sosmeta document) plus the header into an [`Archive`]: the CDA
//! document and its transfer frame, each written as XML by `to_xml`.
//!
//! The builder refuses a missing required header part with [`HeaderError::Missing`]
//! naming it ([`HeaderPart`]); the values a vendor does not choose get the values Kanta's
//! real documents carry (KANTA-FORMAT.md section 3): confidentiality `6`, register `1`,
//! record status `3` (Arkistointivalmis), display form XHTML, structured form JSON,
//! document group `1` for an asiakkuusasiakirja, `2` for an asia-asiakirja and `5` (2nd-or-later phase) for a client
//! document, the specific document type from the definition's OID.

use crate::model::*;
use crate::writer::{self, FrameOptions, WriteError};
use chrono::{DateTime, FixedOffset, NaiveDate};
use sosmeta_runtime::DefinitionInfo;

/// The OID prefix of client documents (*asiakasasiakirjat*), followed by the specific
/// document type code.
const CLIENT_DOCUMENT_PREFIX: &str = "1.2.246.537.6.1506.";
/// The OID prefix of the document groups (`1` asiakkuusasiakirja, `2` asia-asiakirja).
const GROUP_PREFIX: &str = "1.2.246.537.6.1505.";

/// A required part of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderPart {
    /// The definition version (`localSocialHeader/contentSpecificationId`).
    ContentSpecification,
    /// The document id (`id@root`).
    DocumentId,
    /// The drafting time, laatimisaika (`effectiveTime`).
    EffectiveTime,
    /// The client (`recordTarget/patientRole`).
    Client,
    /// The data controller, rekisterinpitäjä (`custodian`).
    Custodian,
    /// The recorder, tallentaja (`author`): required on client documents.
    Recorder,
    /// The general document type (`code`): required on client documents.
    DocumentType,
}

impl HeaderPart {
    /// The part as the CDA names it.
    pub fn element(self) -> &'static str {
        match self {
            HeaderPart::ContentSpecification => "localSocialHeader/contentSpecificationId",
            HeaderPart::DocumentId => "id@root",
            HeaderPart::EffectiveTime => "effectiveTime",
            HeaderPart::Client => "recordTarget/patientRole",
            HeaderPart::Custodian => "custodian",
            HeaderPart::Recorder => "author",
            HeaderPart::DocumentType => "code",
        }
    }

    /// The part's Finnish name.
    pub fn label(self) -> &'static str {
        match self {
            HeaderPart::ContentSpecification => "Sisältömääritys",
            HeaderPart::DocumentId => "Asiakirjan tunniste",
            HeaderPart::EffectiveTime => "Laatimisaika",
            HeaderPart::Client => "Asiakas",
            HeaderPart::Custodian => "Rekisterinpitäjä",
            HeaderPart::Recorder => "Tallentaja",
            HeaderPart::DocumentType => "Yleinen asiakirjatyyppi",
        }
    }
}

impl std::fmt::Display for HeaderPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.element(), self.label())
    }
}

/// Why a header could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// A required part is missing.
    #[error("the header has no {part}")]
    Missing {
        /// The part.
        part: HeaderPart,
    },
    /// A part is malformed (e.g. an id that is not an OID).
    #[error("the header's {part} is not valid: {message}")]
    Invalid {
        /// The part.
        part: HeaderPart,
        /// What is wrong (no personal data is echoed).
        message: String,
    },
}

/// A person of the header: an identifier and a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The identifier's root (`1.2.246.21` hetu, `1.2.246.537.26` registration number).
    pub id_root: String,
    /// The identifier.
    pub id: String,
    /// Given names.
    pub given: String,
    /// Family name.
    pub family: String,
}

/// An organisation: OID and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    /// The organisation OID.
    pub oid: String,
    /// The name.
    pub name: String,
}

/// The header values of an archive document a vendor chooses (see the module docs for
/// the defaults). Made by [`ArchiveHeader::builder`].
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveHeader {
    definition: &'static DefinitionInfo,
    document_id: String,
    set_id: String,
    version: u32,
    effective_time: DateTime<FixedOffset>,
    creation_time: DateTime<FixedOffset>,
    language: String,
    client: Person,
    client_birth_date: Option<NaiveDate>,
    recorder: Option<Person>,
    custodian: Org,
    service_unit: Option<Org>,
    organiser: Option<Org>,
    case_id: Option<String>,
    client_relationship_id: Option<String>,
    service_task: Option<String>,
    document_type: Option<(String, String)>,
    document_group: Option<String>,
    software: Option<SoftwareSupport>,
    frame: FrameOptions,
}

/// Builds an [`ArchiveHeader`]; [`ArchiveHeaderBuilder::build`] names a missing part.
#[derive(Debug, Clone, Default)]
pub struct ArchiveHeaderBuilder {
    definition: Option<&'static DefinitionInfo>,
    document_id: Option<String>,
    set_id: Option<String>,
    version: Option<u32>,
    effective_time: Option<DateTime<FixedOffset>>,
    creation_time: Option<DateTime<FixedOffset>>,
    language: Option<String>,
    client: Option<Person>,
    client_birth_date: Option<NaiveDate>,
    recorder: Option<Person>,
    custodian: Option<Org>,
    service_unit: Option<Org>,
    organiser: Option<Org>,
    case_id: Option<String>,
    client_relationship_id: Option<String>,
    service_task: Option<String>,
    document_type: Option<(String, String)>,
    document_group: Option<String>,
    software: Option<SoftwareSupport>,
    frame: FrameOptions,
}

impl ArchiveHeader {
    /// An empty builder.
    pub fn builder() -> ArchiveHeaderBuilder {
        ArchiveHeaderBuilder::default()
    }

    /// The definition version the document belongs to.
    pub fn definition(&self) -> &'static DefinitionInfo {
        self.definition
    }
}

fn is_oid(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

impl ArchiveHeaderBuilder {
    /// The definition version (required): `doc.definition()` of a typed document.
    pub fn definition(mut self, info: &'static DefinitionInfo) -> Self {
        self.definition = Some(info);
        self
    }

    /// The document id, an OID (required).
    pub fn document_id(mut self, oid: impl Into<String>) -> Self {
        self.document_id = Some(oid.into());
        self
    }

    /// The original document's id (default: the document id) and the version number
    /// (default 1).
    pub fn version(mut self, set_id: impl Into<String>, version: u32) -> Self {
        self.set_id = Some(set_id.into());
        self.version = Some(version);
        self
    }

    /// The drafting time, laatimisaika (required).
    pub fn effective_time(mut self, t: DateTime<FixedOffset>) -> Self {
        self.effective_time = Some(t);
        self
    }

    /// The creation time, luontiaika (default: the drafting time).
    pub fn creation_time(mut self, t: DateTime<FixedOffset>) -> Self {
        self.creation_time = Some(t);
        self
    }

    /// The language, `fi` (default) or `sv`.
    pub fn language(mut self, code: impl Into<String>) -> Self {
        self.language = Some(code.into());
        self
    }

    /// The client by hetu and name (required).
    pub fn client(
        mut self,
        hetu: impl Into<String>,
        given: impl Into<String>,
        family: impl Into<String>,
    ) -> Self {
        self.client = Some(Person {
            id_root: "1.2.246.21".into(),
            id: hetu.into(),
            given: given.into(),
            family: family.into(),
        });
        self
    }

    /// The client's birth date.
    pub fn client_birth_date(mut self, d: NaiveDate) -> Self {
        self.client_birth_date = Some(d);
        self
    }

    /// The recorder (tallentaja) by registration number (`1.2.246.537.26`) and name:
    /// required on client documents, one of the content's laatija.
    pub fn recorder(
        mut self,
        registration_number: impl Into<String>,
        given: impl Into<String>,
        family: impl Into<String>,
    ) -> Self {
        self.recorder = Some(Person {
            id_root: "1.2.246.537.26".into(),
            id: registration_number.into(),
            given: given.into(),
            family: family.into(),
        });
        self
    }

    /// The recorder as a [`Person`] with any identifier root (e.g. hetu `1.2.246.21`).
    pub fn recorder_person(mut self, p: Person) -> Self {
        self.recorder = Some(p);
        self
    }

    /// The data controller, rekisterinpitäjä (required): OID and name.
    pub fn custodian(mut self, oid: impl Into<String>, name: impl Into<String>) -> Self {
        self.custodian = Some(Org {
            oid: oid.into(),
            name: name.into(),
        });
        self
    }

    /// The service unit (palveluyksikkö): OID and name.
    pub fn service_unit(mut self, oid: impl Into<String>, name: impl Into<String>) -> Self {
        self.service_unit = Some(Org {
            oid: oid.into(),
            name: name.into(),
        });
        self
    }

    /// The organiser (palvelunjärjestäjä) when it is not the custodian: OID and name.
    pub fn organiser(mut self, oid: impl Into<String>, name: impl Into<String>) -> Self {
        self.organiser = Some(Org {
            oid: oid.into(),
            name: name.into(),
        });
        self
    }

    /// The case (asia) id, an OID.
    pub fn case_id(mut self, oid: impl Into<String>) -> Self {
        self.case_id = Some(oid.into());
        self
    }

    /// The client relationship id, an OID (asiakkuusasiakirja).
    pub fn client_relationship_id(mut self, oid: impl Into<String>) -> Self {
        self.client_relationship_id = Some(oid.into());
        self
    }

    /// The service task (palvelutehtävä) code in `1.2.246.537.6.1221`.
    pub fn service_task(mut self, code: impl Into<String>) -> Self {
        self.service_task = Some(code.into());
        self
    }

    /// The general document type (`code` in `1.2.246.537.6.1506.201701`, e.g. `15`
    /// Suunnitelma): required on client documents.
    pub fn document_type(mut self, code: impl Into<String>, display: impl Into<String>) -> Self {
        self.document_type = Some((code.into(), display.into()));
        self
    }

    /// The document group (`1.2.246.537.6.1505.201601`; default `1` for an
    /// asiakkuusasiakirja, `2` for an asia-asiakirja, `5` for a client document).
    pub fn document_group(mut self, code: impl Into<String>) -> Self {
        self.document_group = Some(code.into());
        self
    }

    /// The software that made the document.
    pub fn software(
        mut self,
        moderator: impl Into<String>,
        product: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        self.software = Some(SoftwareSupport {
            moderator: Some(moderator.into()),
            product: Some(product.into()),
            version: Some(version.into()),
        });
        self
    }

    /// The transfer frame's message values (sender, receiver, joining model, ...).
    pub fn frame(mut self, options: FrameOptions) -> Self {
        self.frame = options;
        self
    }

    /// The header, or the first missing or malformed required part.
    pub fn build(self) -> Result<ArchiveHeader, HeaderError> {
        let missing = |part| HeaderError::Missing { part };
        let definition = self
            .definition
            .ok_or(missing(HeaderPart::ContentSpecification))?;
        let document_id = self.document_id.ok_or(missing(HeaderPart::DocumentId))?;
        let oid_check = |part, s: &str| {
            if is_oid(s) {
                Ok(())
            } else {
                Err(HeaderError::Invalid {
                    part,
                    message: "not an OID (digits separated by dots)".into(),
                })
            }
        };
        oid_check(HeaderPart::DocumentId, &document_id)?;
        if let Some(s) = &self.set_id {
            oid_check(HeaderPart::DocumentId, s)?;
        }
        let effective_time = self
            .effective_time
            .ok_or(missing(HeaderPart::EffectiveTime))?;
        let client = self.client.ok_or(missing(HeaderPart::Client))?;
        if client.id.trim().is_empty() {
            return Err(HeaderError::Invalid {
                part: HeaderPart::Client,
                message: "the identifier is empty".into(),
            });
        }
        let custodian = self.custodian.ok_or(missing(HeaderPart::Custodian))?;
        oid_check(HeaderPart::Custodian, &custodian.oid)?;
        if definition.oid.starts_with(CLIENT_DOCUMENT_PREFIX) {
            if self.recorder.is_none() {
                return Err(missing(HeaderPart::Recorder));
            }
            if self.document_type.is_none() {
                return Err(missing(HeaderPart::DocumentType));
            }
        }
        Ok(ArchiveHeader {
            definition,
            set_id: self.set_id.unwrap_or_else(|| document_id.clone()),
            document_id,
            version: self.version.unwrap_or(1),
            effective_time,
            creation_time: self.creation_time.unwrap_or(effective_time),
            language: self.language.unwrap_or_else(|| "fi".into()),
            client,
            client_birth_date: self.client_birth_date,
            recorder: self.recorder,
            custodian,
            service_unit: self.service_unit,
            organiser: self.organiser,
            case_id: self.case_id,
            client_relationship_id: self.client_relationship_id,
            service_task: self.service_task,
            document_type: self.document_type,
            document_group: self.document_group,
            software: self.software,
            frame: self.frame,
        })
    }
}

fn code(c: &str, system: &str, display: Option<&str>) -> Code {
    Code {
        code: Some(c.into()),
        code_system: Some(system.into()),
        display_name: display.map(str::to_string),
        ..Code::default()
    }
}

fn oid_id(root: &str) -> Id {
    Id {
        root: Some(root.into()),
        ..Id::default()
    }
}

fn ts(t: &DateTime<FixedOffset>) -> Ts {
    Ts {
        value: Some(t.format("%Y%m%d%H%M%S%z").to_string()),
        ..Ts::default()
    }
}

fn name(given: &str, family: &str) -> Name {
    Name {
        given: given.split_whitespace().map(str::to_string).collect(),
        family: vec![family.to_string()],
    }
}

fn org(o: &Org) -> Organization {
    Organization {
        id: Some(oid_id(&o.oid)),
        name: Some(o.name.clone()),
    }
}

impl ArchiveHeader {
    /// The CDA header of the model.
    pub fn to_header(&self) -> Header {
        let info = self.definition;
        // Asiakkuusasiakirja (`.1505.1`) and asia-asiakirja (`.1505.2`): the group is the
        // definition's code; client documents (`.1506.<type>`): group 5, specific type.
        let group = info.oid.strip_prefix(GROUP_PREFIX);
        let client_document = info.oid.starts_with(CLIENT_DOCUMENT_PREFIX);
        let specific = info
            .oid
            .strip_prefix(CLIENT_DOCUMENT_PREFIX)
            .map(|c| code(c, "1.2.246.537.6.1506.201701", None));
        let na = || Code {
            null_flavor: Some("NA".into()),
            ..Code::default()
        };
        let author = match &self.recorder {
            Some(p) => Author {
                time: Some(ts(&self.effective_time)),
                id: vec![Id {
                    root: Some(p.id_root.clone()),
                    extension: Some(p.id.clone()),
                    ..Id::default()
                }],
                name: Some(name(&p.given, &p.family)),
                pos: None,
            },
            None => Author {
                time: Some(Ts {
                    null_flavor: Some("NA".into()),
                    ..Ts::default()
                }),
                id: vec![Id {
                    null_flavor: Some("NA".into()),
                    ..Id::default()
                }],
                name: None,
                pos: None,
            },
        };
        Header {
            realm_code: Some(Code {
                code: Some("FI".into()),
                ..Code::default()
            }),
            type_id: Some(Id {
                root: Some("2.16.840.1.113883.1.3".into()),
                extension: Some("POCD_HD000040".into()),
                ..Id::default()
            }),
            id: Some(oid_id(&self.document_id)),
            code: Some(match &self.document_type {
                Some((c, d)) if client_document => code(c, "1.2.246.537.6.1506.201701", Some(d)),
                _ => na(),
            }),
            effective_time: Some(ts(&self.effective_time)),
            confidentiality_code: Some(code(
                "6",
                "1.2.246.777.5.99902.2006",
                Some("Sosiaalihuollon salassapidettävä"),
            )),
            language_code: Some(Code {
                code: Some(self.language.clone()),
                ..Code::default()
            }),
            set_id: Some(oid_id(&self.set_id)),
            version_number: Some(Text {
                value: self.version.to_string(),
                pos: None,
            }),
            record_target: Some(PatientRole {
                id: Some(Id {
                    root: Some(self.client.id_root.clone()),
                    extension: Some(self.client.id.clone()),
                    ..Id::default()
                }),
                name: Some(name(&self.client.given, &self.client.family)),
                administrative_gender_code: None,
                birth_time: self.client_birth_date.map(|d| Ts {
                    value: Some(d.format("%Y%m%d").to_string()),
                    ..Ts::default()
                }),
            }),
            author: Some(author),
            custodian: Some(org(&self.custodian)),
            authorization_consent: None,
            encompassing_encounter: (self.case_id.is_some() || self.service_unit.is_some()).then(
                || EncompassingEncounter {
                    id: self.case_id.as_deref().map(oid_id),
                    effective_time: Some(Ts {
                        null_flavor: Some("NA".into()),
                        ..Ts::default()
                    }),
                    service_unit: self.service_unit.as_ref().map(org),
                },
            ),
            local_social_header: Some(LocalSocialHeader {
                creation_time: Some(ts(&self.creation_time)),
                specific_document_type: specific,
                document_group: Some(code(
                    self.document_group.as_deref().or(group).unwrap_or("5"),
                    "1.2.246.537.6.1505.201601",
                    None,
                )),
                file_format: Some(code("2", "1.2.246.537.6.1502.201601", Some("XHTML_1.1"))),
                structured_file_format: Some(code("5", "1.2.246.537.5.40179.2008", Some("JSON"))),
                software_support: self.software.clone(),
                record_status: Some(code(
                    "3",
                    "1.2.246.537.5.40154.2008",
                    Some("Arkistointivalmis"),
                )),
                registry_type: Some(code("1", "1.2.246.537.6.1264.201701", None)),
                outsourcing_service_customer: Some(oid_id(
                    &self.organiser.as_ref().unwrap_or(&self.custodian).oid,
                )),
                outsourcing_service_customer_name: Some(
                    self.organiser
                        .as_ref()
                        .unwrap_or(&self.custodian)
                        .name
                        .clone(),
                ),
                total_retention_period_class: None,
                special_content: None,
                content_specification_id: Some(Text {
                    value: info.dotted(),
                    pos: None,
                }),
                encompassing_client_relationship: self
                    .client_relationship_id
                    .as_deref()
                    .map(oid_id),
                function_code: self
                    .service_task
                    .iter()
                    .map(|c| code(c, "1.2.246.537.6.1221.201601", None))
                    .collect(),
                service_process: None,
                inaccessible_argument: None,
                authorization_restriction_argument: None,
                signature: None,
                signature_collection: Vec::new(),
                pos: None,
            }),
        }
    }
}

/// An archive document and its transfer frame, ready to be written as XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    /// The CDA document.
    pub document: ArchiveDocument,
    /// The transfer frame.
    pub frame: Frame,
}

impl Archive {
    /// The CDA document as XML.
    pub fn to_xml(&self) -> Result<String, WriteError> {
        writer::write_cda(&self.document)
    }

    /// The transfer frame as XML.
    pub fn frame_xml(&self) -> Result<String, WriteError> {
        writer::write_frame(&self.frame)
    }
}

/// The archive document and frame of a typed document (any `Serialize` value whose JSON
/// is a document of the header's definition, e.g. a `sosmeta-generated` `Document`). The
/// display form is rendered from the content in the header's language.
pub fn archive<T: serde::Serialize + ?Sized>(
    doc: &T,
    header: &ArchiveHeader,
) -> Result<Archive, WriteError> {
    let info = header.definition;
    let content = serde_json::to_value(doc).map_err(|e| WriteError::Content {
        definition: info.dotted(),
        message: e.to_string(),
    })?;
    let def = info.model().ok_or_else(|| WriteError::Content {
        definition: info.dotted(),
        message: "the definition is not in its release".into(),
    })?;
    let h = header.to_header();
    let body = writer::body_for(&h, def, &content, None)?;
    let frame = writer::frame_for(&h, &header.frame);
    Ok(Archive {
        document: ArchiveDocument {
            header: h,
            body: Some(body),
        },
        frame,
    })
}
