//! The typed model of a Kanta archive document (CDA R2 with the Finnish social-welfare
//! header) and of its transfer frame (`RCMR_IN200002FI01`).
//!
//! Field names follow the real XML elements (camelCase in the JSON view). Every value is
//! kept as written (codes with their code system as in the file, version suffix included;
//! times as the HL7 TS text); [`Ts::parse`] reads a time with its offset. Absent elements
//! are `None`; `nullFlavor`s are kept. Positions (`pos`) are where the element starts in
//! the XML input; they are not part of the JSON view.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use serde::{Deserialize, Serialize};

/// Where an element starts in an XML input: a byte offset, turned into a line and
/// column only when a finding needs it ([`Pos::line_column`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Pos {
    /// Byte offset into the input text.
    pub offset: usize,
}

impl Pos {
    /// The 1-based line and column (in characters) of this offset in `source`.
    pub fn line_column(self, source: &str) -> (u32, u32) {
        let end = self.offset.min(source.len());
        let mut end = end;
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        let before = &source[..end];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line as u32, column as u32)
    }
}

/// A coded value (`code`, `codeSystem`, `codeSystemName`, `displayName`, or `nullFlavor`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Code {
    /// `@code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `@codeSystem` as written (an OID, often with a version suffix such as `.201601`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_system: Option<String>,
    /// `@codeSystemName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_system_name: Option<String>,
    /// `@displayName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `@nullFlavor` (e.g. `NA`), kept as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_flavor: Option<String>,
    /// Where the element starts in the XML input.
    #[serde(skip)]
    pub pos: Option<Pos>,
}

/// An instance identifier (`@root`, `@extension`, or `@nullFlavor`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Id {
    /// `@root`: an OID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// `@extension`: e.g. the hetu when `root` is `1.2.246.21`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// `@nullFlavor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_flavor: Option<String>,
    /// Where the element starts in the XML input.
    #[serde(skip)]
    pub pos: Option<Pos>,
}

/// A text element (`<x>text</x>`) or a single-valued attribute (`@value`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text {
    /// The text, trimmed.
    pub value: String,
    /// Where the element starts in the XML input.
    #[serde(skip)]
    pub pos: Option<Pos>,
}

/// An HL7 TS time as written (`@value` `YYYYMMDD[HHMM[SS[.fff]]][+ZZZZ]`) or `@nullFlavor`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ts {
    /// `@value`, e.g. `20260302091500+0200`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `@nullFlavor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_flavor: Option<String>,
    /// Where the element starts in the XML input.
    #[serde(skip)]
    pub pos: Option<Pos>,
}

/// An HL7 TS value read: a real date, an optional time and an optional UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hl7Time {
    /// The calendar date.
    pub date: NaiveDate,
    /// The time of day, when the value has hours.
    pub time: Option<NaiveTime>,
    /// The offset from UTC (`+0200`), when written.
    pub offset: Option<FixedOffset>,
}

impl Hl7Time {
    /// The instant, when the value has a time and an offset.
    pub fn instant(&self) -> Option<DateTime<FixedOffset>> {
        let t = self.time?;
        let off = self.offset?;
        off.from_local_datetime(&NaiveDateTime::new(self.date, t))
            .single()
    }
}

/// Why an HL7 TS value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Not the `YYYYMMDD[HHMM[SS[.f+]]][+-ZZZZ]` shape.
    #[error("`{0}` is not an HL7 TS time (YYYYMMDDHHMMSS+ZZZZ)")]
    Shape(String),
    /// The shape is right but the date or time does not exist (e.g. 20230230).
    #[error("`{0}` is not a real date and time")]
    NotReal(String),
}

impl Ts {
    /// Read the value with its offset. `None` when there is no `@value` (e.g. a nullFlavor).
    pub fn parse(&self) -> Option<Result<Hl7Time, TimeError>> {
        self.value.as_deref().map(parse_ts)
    }
}

/// Read an HL7 TS value: `YYYYMMDD`, optionally `HH`, `HHMM`, `HHMMSS` or `HHMMSS.f+`,
/// optionally followed by `+ZZZZ` or `-ZZZZ`. Dates must be real; hours 00-23.
pub fn parse_ts(s: &str) -> Result<Hl7Time, TimeError> {
    let shape = || TimeError::Shape(s.to_string());
    let not_real = || TimeError::NotReal(s.to_string());
    // A byte search: the signs are ASCII (a `char` pattern search cost several times as
    // much, and the rules read a document's times several times).
    let (main, offset) = match s.bytes().position(|b| b == b'+' || b == b'-') {
        Some(i) => (&s[..i], Some(&s[i..])),
        None => (s, None),
    };
    let (digits, fraction) = match main.split_once('.') {
        Some((d, f)) => (d, Some(f)),
        None => (main, None),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit())
        || !matches!(digits.len(), 8 | 10 | 12 | 14)
        || fraction
            .is_some_and(|f| f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()))
        || (fraction.is_some() && digits.len() != 14)
    {
        return Err(shape());
    }
    // The digits are checked above: their values are folded directly (what `parse` gives).
    let num = |a: usize, b: usize| Ok::<u32, TimeError>(decimal(&digits.as_bytes()[a..b]));
    let date =
        NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(4, 6)?, num(6, 8)?).ok_or_else(not_real)?;
    let time = if digits.len() > 8 {
        let h = num(8, 10)?;
        let m = if digits.len() >= 12 { num(10, 12)? } else { 0 };
        let sec = if digits.len() >= 14 { num(12, 14)? } else { 0 };
        let nanos = match fraction {
            Some(f) => {
                // At most 9 digits, checked above: no overflow.
                let v = decimal(f.as_bytes());
                v * 10u32.pow(9 - f.len() as u32)
            }
            None => 0,
        };
        Some(NaiveTime::from_hms_nano_opt(h, m, sec, nanos).ok_or_else(not_real)?)
    } else {
        None
    };
    let offset = match offset {
        None => None,
        Some(o) => {
            let b = o.as_bytes();
            if b.len() != 5 || !b[1..].iter().all(u8::is_ascii_digit) {
                return Err(shape());
            }
            let hh = decimal(&b[1..3]) as i32;
            let mm = decimal(&b[3..5]) as i32;
            if hh > 14 || mm > 59 {
                return Err(not_real());
            }
            let secs = (hh * 3600 + mm * 60) * if b[0] == b'-' { -1 } else { 1 };
            Some(FixedOffset::east_opt(secs).ok_or_else(not_real)?)
        }
    };
    Ok(Hl7Time { date, time, offset })
}

/// The value of ASCII decimal digits (checked by the caller; at most 9 of them).
fn decimal(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |v, d| v * 10 + u32::from(d.wrapping_sub(b'0')))
}

/// A person's name (`name/given`, `name/family`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Name {
    /// `given` elements, in order (a `qualifier="CL"` calling name included).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub given: Vec<String>,
    /// `family` elements, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub family: Vec<String>,
}

impl Name {
    /// Given names joined by spaces, without repeating a calling name already listed.
    pub fn given_names(&self) -> String {
        let mut out: Vec<&str> = Vec::new();
        for g in &self.given {
            if !out.contains(&g.as_str()) {
                out.push(g);
            }
        }
        out.join(" ")
    }

    /// Family names joined by spaces.
    pub fn family_name(&self) -> String {
        self.family.join(" ")
    }
}

/// The client (`recordTarget/patientRole`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatientRole {
    /// `id`: hetu (`root` `1.2.246.21`) or another identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// `patient/name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    /// `patient/administrativeGenderCode` (`1.2.246.537.5.1.1997`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrative_gender_code: Option<Code>,
    /// `patient/birthTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_time: Option<Ts>,
}

/// The recorder (*tallentaja*): `author`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Author {
    /// `author/time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Ts>,
    /// `assignedAuthor/id` (registration number `1.2.246.537.26`, hetu `1.2.246.21`, or
    /// `nullFlavor="NA"` on asiakkuusasiakirja).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id: Vec<Id>,
    /// `assignedAuthor/assignedPerson/name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    /// Where `author` starts in the XML input.
    #[serde(skip)]
    pub pos: Option<Pos>,
}

impl Author {
    /// True when the author states nobody: every id is a nullFlavor and there is no name.
    pub fn is_null(&self) -> bool {
        self.id
            .iter()
            .all(|i| i.null_flavor.is_some() && i.root.is_none())
            && self
                .name
                .as_ref()
                .is_none_or(|n| n.given.is_empty() && n.family.is_empty())
    }
}

/// An organisation (`id` + `name`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organization {
    /// `id`: the organisation OID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `componentOf/encompassingEncounter`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EncompassingEncounter {
    /// `id`: the case (*asia*) id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// `effectiveTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Ts>,
    /// `encounterParticipant[@typeCode=ADM]/assignedEntity/representedOrganization`:
    /// the service unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_unit: Option<Organization>,
}

/// `localSocialHeader/softwareSupport`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SoftwareSupport {
    /// `@moderator`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderator: Option<String>,
    /// `@product`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// `@version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// `localSocialHeader/signature`: the professional signer's details.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Signer {
    /// `assignedAuthorSigner` (registration number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_author_signer: Option<Id>,
    /// The signer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    /// `authenticationMethod` (`1.2.246.537.5.40128.2006`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_method: Option<Code>,
    /// `time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Ts>,
}

/// The Finnish extension block `localSocialHeader` (namespace `urn:hl7finland`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocalSocialHeader {
    /// `creationTime`: luontiaika.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<Ts>,
    /// `specificDocumentType` (`1.2.246.537.6.1506`), client documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specific_document_type: Option<Code>,
    /// `documentGroup` (`1.2.246.537.6.1505`): `1` asiakkuusasiakirja, `5` 2nd-phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_group: Option<Code>,
    /// `fileFormat` (`1.2.246.537.6.1502`): `2` = XHTML_1.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_format: Option<Code>,
    /// `structuredFileFormat` (`1.2.246.537.5.40179`): `5` = JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structured_file_format: Option<Code>,
    /// `softwareSupport`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software_support: Option<SoftwareSupport>,
    /// `recordStatus` (`1.2.246.537.5.40154`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_status: Option<Code>,
    /// `registryType` (`1.2.246.537.6.1264`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_type: Option<Code>,
    /// `outsourcingServiceCustomer`: the organiser (*palvelunjärjestäjä*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outsourcing_service_customer: Option<Id>,
    /// `outsourcingServiceCustomerName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outsourcing_service_customer_name: Option<String>,
    /// `totalRetentionPeriodClass` (`1.2.246.537.6.1258`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_retention_period_class: Option<Code>,
    /// `specialContent` (`1.2.246.537.6.112`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_content: Option<Code>,
    /// `contentSpecificationId`: the definition version, dotted (`OID.y.m.d`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_specification_id: Option<Text>,
    /// `encompassingClientRelationship`: the client relationship id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encompassing_client_relationship: Option<Id>,
    /// `functionCode`: the service task (*palvelutehtävä*, `1.2.246.537.6.1221`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub function_code: Vec<Code>,
    /// `serviceProcess/code` (`1.2.246.537.6.1277`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_process: Option<Code>,
    /// `inaccessibleArgument`: MyKanta display restriction (`1.2.246.537.6.1288`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inaccessible_argument: Option<Code>,
    /// `authorizationRestrictionArgument`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_restriction_argument: Option<String>,
    /// `signature`: the professional signer's details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signer>,
    /// `signatureCollection/signature`: each electronic signature as opaque XML, exactly
    /// as in the input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signature_collection: Vec<String>,
    /// Where `localSocialHeader` starts in the XML input.
    #[serde(skip)]
    pub pos: Option<Pos>,
}

/// The CDA header (KANTA-FORMAT.md section 3), named after the real elements.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Header {
    /// `realmCode` (`FI`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realm_code: Option<Code>,
    /// `typeId` (`2.16.840.1.113883.1.3` / `POCD_HD000040`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_id: Option<Id>,
    /// `id`: the document's OID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// `code`: the general document type (`1.2.246.537.6.1506`), or a nullFlavor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    /// `effectiveTime`: laatimisaika.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Ts>,
    /// `confidentialityCode` (`1.2.246.777.5.99902`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidentiality_code: Option<Code>,
    /// `languageCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_code: Option<Code>,
    /// `setId`: the original document's OID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_id: Option<Id>,
    /// `versionNumber@value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_number: Option<Text>,
    /// `recordTarget/patientRole`: the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_target: Option<PatientRole>,
    /// `author`: the recorder (*tallentaja*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<Author>,
    /// `custodian/assignedCustodian/representedCustodianOrganization`: the data controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custodian: Option<Organization>,
    /// `authorization/consent/code`: release to guardians (`1.2.246.537.6.1286`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_consent: Option<Code>,
    /// `componentOf/encompassingEncounter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encompassing_encounter: Option<EncompassingEncounter>,
    /// `localSocialHeader`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_social_header: Option<LocalSocialHeader>,
}

impl Header {
    /// `id@root`, the document id.
    pub fn document_id(&self) -> Option<&str> {
        self.id.as_ref()?.root.as_deref()
    }

    /// The `localSocialHeader`, or an empty one.
    pub fn lsh(&self) -> &LocalSocialHeader {
        static EMPTY: std::sync::OnceLock<LocalSocialHeader> = std::sync::OnceLock::new();
        self.local_social_header
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(LocalSocialHeader::default))
    }
}

/// A base64 payload of the body after decoding, or why it could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// The decoded UTF-8 text.
    Text(String),
    /// Not base64.
    BadBase64(String),
    /// Base64, but the bytes are not UTF-8.
    BadUtf8(String),
}

impl Payload {
    /// The text, when it decoded.
    pub fn text(&self) -> Option<&str> {
        match self {
            Payload::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// The display form (*näyttömuoto*): `nonXMLBody/text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayForm {
    /// `@mediaType` (`application/xhtml+xml`).
    pub media_type: Option<String>,
    /// `@representation` (`B64`).
    pub representation: Option<String>,
    /// The XHTML fragment.
    pub xhtml: Payload,
    /// Where `text` starts in the XML input.
    pub pos: Option<Pos>,
}

/// The structured form (*rakenteinen muoto*): `nonXMLBody/hl7fi:json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructuredForm {
    /// `@representation`, when written (`B64`/`TXT`).
    pub representation: Option<String>,
    /// The Sosmeta JSON document `{"<root key>": {...}}`.
    pub json: Payload,
    /// Where `json` starts in the XML input.
    pub pos: Option<Pos>,
}

/// `component/nonXMLBody`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    /// `@ID` (`"OID" + document id`).
    pub id: Option<String>,
    /// `text`: the display form.
    pub display: Option<DisplayForm>,
    /// `hl7fi:json`: the structured form.
    pub structured: Option<StructuredForm>,
    /// Where `nonXMLBody` starts in the XML input.
    pub pos: Option<Pos>,
}

/// A whole archive document: header, body and signatures (in the header's
/// `localSocialHeader/signatureCollection`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArchiveDocument {
    /// The header.
    pub header: Header,
    /// The body, when `component/nonXMLBody` is present.
    pub body: Option<Body>,
}

/// `subject/clinicalDocument/recordTarget/patient` in the transfer frame.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FramePatient {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// `patientPerson/name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    /// `patientPerson/birthTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_time: Option<Ts>,
}

/// `controlActProcess/subject/clinicalDocument`: the document as the frame repeats it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FrameDocument {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// `code`: the register (`1.2.246.537.6.1264`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    /// `effectiveTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Ts>,
    /// `setId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_id: Option<Id>,
    /// `versionNumber@value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_number: Option<Text>,
    /// `completionCode` (`1.2.246.537.5.40115.2006`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_code: Option<Code>,
    /// `storageCode` (`1.2.246.537.5.40116.2006`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_code: Option<Code>,
    /// `recordTarget/patient`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<FramePatient>,
    /// `author/assignedAuthor/id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_id: Option<Id>,
    /// `custodian/assignedCustodian/representedOrganization/id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custodian_id: Option<Id>,
}

/// `controlActProcess/authorOrPerformer/assignedPerson`: who sends.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FrameSender {
    /// `id` (hetu).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// `assignedPerson/name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    /// `representedOrganization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
}

/// The transfer frame (*siirtokehys*) `RCMR_IN200002FI01` (KANTA-FORMAT.md section 5).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Frame {
    /// The root element's local name (`RCMR_IN200002FI01`).
    pub root: String,
    /// `id`: the message id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// `creationTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<Ts>,
    /// `interactionId` (`2.16.840.1.113883.1.6` / `RCMR_IN200002FI01`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_id: Option<Id>,
    /// `processingCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_code: Option<Code>,
    /// `processingModeCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_mode_code: Option<Code>,
    /// `acceptAckCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_ack_code: Option<Code>,
    /// `receiver/device/id`: the archive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<Id>,
    /// `sender/device/id`: the sending organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Id>,
    /// `controlActProcess/reasonCode`, every one (service request, usage situation,
    /// joining model).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reason_code: Vec<Code>,
    /// `controlActProcess/authorOrPerformer/assignedPerson`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_or_performer: Option<FrameSender>,
    /// `controlActProcess/subject/clinicalDocument`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinical_document: Option<FrameDocument>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ts_parses_with_offset() {
        let t = parse_ts("20260717130652+0300").unwrap();
        assert_eq!(t.date, NaiveDate::from_ymd_opt(2026, 7, 17).unwrap());
        assert_eq!(t.offset.unwrap().local_minus_utc(), 3 * 3600);
        assert_eq!(
            t.instant().unwrap().to_rfc3339(),
            "2026-07-17T13:06:52+03:00"
        );
        assert!(parse_ts("20110120").unwrap().time.is_none());
        assert!(parse_ts("20260717130652.123-0500").is_ok());
    }

    /// `parse_ts` as it was written with `str::find` and `str::parse` (the reference of the
    /// byte-level reading).
    fn parse_ts_with_str_parse(s: &str) -> Result<Hl7Time, TimeError> {
        let shape = || TimeError::Shape(s.to_string());
        let not_real = || TimeError::NotReal(s.to_string());
        let (main, offset) = match s.find(['+', '-']) {
            Some(i) => (&s[..i], Some(&s[i..])),
            None => (s, None),
        };
        let (digits, fraction) = match main.split_once('.') {
            Some((d, f)) => (d, Some(f)),
            None => (main, None),
        };
        if !digits.bytes().all(|b| b.is_ascii_digit())
            || !matches!(digits.len(), 8 | 10 | 12 | 14)
            || fraction.is_some_and(|f| {
                f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit())
            })
            || (fraction.is_some() && digits.len() != 14)
        {
            return Err(shape());
        }
        let num = |a: usize, b: usize| digits[a..b].parse::<u32>().map_err(|_| shape());
        let date = NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(4, 6)?, num(6, 8)?)
            .ok_or_else(not_real)?;
        let time = if digits.len() > 8 {
            let h = num(8, 10)?;
            let m = if digits.len() >= 12 { num(10, 12)? } else { 0 };
            let sec = if digits.len() >= 14 { num(12, 14)? } else { 0 };
            let nanos = match fraction {
                Some(f) => {
                    let v: u32 = f.parse().map_err(|_| shape())?;
                    v * 10u32.pow(9 - f.len() as u32)
                }
                None => 0,
            };
            Some(NaiveTime::from_hms_nano_opt(h, m, sec, nanos).ok_or_else(not_real)?)
        } else {
            None
        };
        let offset = match offset {
            None => None,
            Some(o) => {
                let b = o.as_bytes();
                if b.len() != 5 || !b[1..].iter().all(u8::is_ascii_digit) {
                    return Err(shape());
                }
                let hh: i32 = o[1..3].parse().map_err(|_| shape())?;
                let mm: i32 = o[3..5].parse().map_err(|_| shape())?;
                if hh > 14 || mm > 59 {
                    return Err(not_real());
                }
                let secs = (hh * 3600 + mm * 60) * if b[0] == b'-' { -1 } else { 1 };
                Some(FixedOffset::east_opt(secs).ok_or_else(not_real)?)
            }
        };
        Ok(Hl7Time { date, time, offset })
    }

    #[test]
    fn ts_reading_agrees_with_str_parse() {
        let base = [
            "20260717130652+0300",
            "20260717130652.123-0500",
            "20260717130652.999999999+1400",
            "20260717130652.1234567890",
            "20260717130652.",
            "20110120",
            "2011012012",
            "201101201230",
            "20240229",
            "20230229",
            "20260717235959-1459",
            "20260717130652+1500",
            "20260717130652+0360",
            "20260717130652+-300",
            "20260717130652+03:0",
            "20260717130652ä+0300",
            "2026ä0717",
            "+0300",
            "-",
            "",
        ];
        let mut inputs: Vec<String> = base.iter().map(|s| s.to_string()).collect();
        // Every one-byte change of a valid value to another digit, a sign or a letter.
        let valid = "20260717130652.5+0300";
        for k in 0..valid.len() {
            for c in ['0', '9', '3', '+', '-', '.', 'x', ' '] {
                let mut v = valid.to_string();
                v.replace_range(k..k + 1, &c.to_string());
                inputs.push(v);
            }
            inputs.push(format!("{}{}", &valid[..k], &valid[k + 1..]));
        }
        for s in &inputs {
            assert_eq!(parse_ts(s), parse_ts_with_str_parse(s), "{s:?}");
        }
    }

    #[test]
    fn ts_refuses_bad_values() {
        for bad in [
            "",
            "2026",
            "2026071",
            "20260230",
            "20261301",
            "20260717250000",
            "20260717130652+03",
            "2026-07-17",
            "20260717130652+0x00",
            "20260717130660",
            "20260717+9900",
            "٢٠٢٦٠٧١٧",
        ] {
            assert!(parse_ts(bad).is_err(), "{bad}");
        }
    }
}
