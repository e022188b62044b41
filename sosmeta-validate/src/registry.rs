//! The rule registry: every rule id a report can contain, with its layer, default
//! severity, a one-line meaning and a short example, in one table.
//!
//! A [`Finding`](crate::Finding) names its rule by a [`Rule`] value, and every [`Rule`]
//! is a row of the table below, so code cannot emit an id the table lacks (the compiler
//! checks it). `sosmeta rules` prints [`RULES`].

use crate::finding::Severity;
use serde::{Serialize, Serializer};
use std::fmt;

/// Where in the pipeline a rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// Reading the bytes: size, encoding, JSON syntax, depth.
    Input,
    /// Which definition the document belongs to.
    Document,
    /// The definition's JSON Schema (draft-07).
    Schema,
    /// Sosmeta's own rules: dates, hetu, codes, phrases, conditions.
    Content,
    /// Koodistopalvelu code sets (needs a release bundle with `koodistot/`).
    Koodisto,
    /// Kanta metadata read against the date: the release calendar and the phase dates
    /// (for plain documents with `--on`/`--env`, and for archive documents).
    Metadata,
    /// The Kanta archive document (CDA R2): XML, header, body, definition, register.
    Archive,
    /// The transfer frame (`RCMR_IN200002FI01`) and its agreement with the document.
    Frame,
}

impl Layer {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Input => "input",
            Layer::Document => "document",
            Layer::Schema => "schema",
            Layer::Content => "content",
            Layer::Koodisto => "koodisto",
            Layer::Metadata => "metadata",
            Layer::Archive => "archive",
            Layer::Frame => "frame",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// The stable id (e.g. `schema.required`).
    pub id: &'static str,
    /// The layer that reports it.
    pub layer: Layer,
    /// The severity its findings have by default.
    pub severity: Severity,
    /// What it means, in one line.
    pub description: &'static str,
    /// A short example of what it reports.
    pub example: &'static str,
}

macro_rules! registry {
    ($( $(#[$doc:meta])* $variant:ident $konst:ident = $id:literal, $layer:ident, $sev:ident,
        $desc:literal, $example:literal; )*) => {
        /// A rule id. Its [`info`](Rule::info) is its row of the registry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        /// Every rule, in the order of the layers.
        pub const ALL: &[Rule] = &[ $( Rule::$variant, )* ];

        /// The registry: every rule with its layer, severity, meaning and example.
        pub const RULES: &[RuleInfo] = &[ $( RuleInfo {
            id: $id,
            layer: Layer::$layer,
            severity: Severity::$sev,
            description: $desc,
            example: $example,
        }, )* ];

        /// The rules as constants named by their ids (`rules::SCHEMA_REQUIRED`).
        pub mod ids {
            use super::Rule;
            $( $(#[$doc])* pub const $konst: Rule = Rule::$variant; )*
        }
    };
}

registry! {
    /// The file could not be read.
    InputIo INPUT_IO = "input.io", Input, Error,
        "the file could not be read",
        "cannot read asiakirja.json: permission denied";
    /// The input is empty.
    InputEmpty INPUT_EMPTY = "input.empty", Input, Error,
        "empty input",
        "a 0-byte file";
    /// The input is over the size limit.
    InputSize INPUT_SIZE = "input.size", Input, Error,
        "input over the size limit (default 64 MiB per document)",
        "70000000 bytes is over the size limit of 67108864 bytes";
    /// The input is not UTF-8.
    InputEncoding INPUT_ENCODING = "input.encoding", Input, Error,
        "not UTF-8 (says when it looks like Latin-1)",
        "byte 0xe4 at offset 31: the file looks like Latin-1";
    /// The input starts with a byte order mark.
    InputBom INPUT_BOM = "input.bom", Input, Error,
        "a UTF-8 byte order mark before the JSON (the rest is still checked)",
        "EF BB BF at the start of the file";
    /// The input is not well-formed JSON.
    InputJson INPUT_JSON = "input.json", Input, Error,
        "not well-formed JSON (line and column)",
        "expected `,` or `}` at line 3 column 5";
    /// A key appears twice in one object.
    InputDuplicateKey INPUT_DUPLICATE_KEY = "input.duplicate-key", Input, Error,
        "a key appears more than once in one object (readers disagree on which value counts)",
        "{\"henkilotunnus\": {...}, \"henkilotunnus\": {...}}";
    /// The input nests deeper than any definition allows.
    InputDepth INPUT_DEPTH = "input.depth", Input, Error,
        "nesting deeper than the definition allows",
        "[[[[[[[[[[[[ ... 200 levels";
    /// The root key matches no definition, or the root is not a one-key object.
    DocumentRoot DOCUMENT_ROOT = "document.root", Document, Error,
        "root is not an object with one key naming a definition (suggests the nearest keys)",
        "root key `asiakkusasiakirja` matches no definition; did you mean `asiakkuusasiakirja`?";
    /// Which definition version was used when the root key maps to several.
    DefinitionChosen DEFINITION_CHOSEN = "definition.chosen", Document, Info,
        "the root key maps to several versions: which one was used",
        "`asiakkuusasiakirja`: 2 versions in this release; used 2023-06-01 (the version in force)";
    /// The definition version used is superseded (Vanhentunut).
    DefinitionSuperseded DEFINITION_SUPERSEDED = "definition.superseded", Document, Warning,
        "the version used is Vanhentunut (superseded)",
        "1.2.246.537.6.1505.1@2020-04-07 is Vanhentunut";
    /// A required element is missing.
    SchemaRequired SCHEMA_REQUIRED = "schema.required", Schema, Error,
        "a required element is missing",
        "\"asiakas\" is a required property";
    /// An element the definition does not have.
    SchemaAdditionalProperties SCHEMA_ADDITIONAL_PROPERTIES = "schema.additional-properties", Schema, Error,
        "an element the definition does not have",
        "unknown element `asiakass`";
    /// A value of the wrong JSON type.
    SchemaType SCHEMA_TYPE = "schema.type", Schema, Error,
        "wrong JSON type",
        "42 is not of type \"string\"";
    /// A string that does not match the element's pattern.
    SchemaPattern SCHEMA_PATTERN = "schema.pattern", Schema, Error,
        "string does not match the element's pattern",
        "\"2023/01/01\" does not match the Pvm pattern";
    /// A value outside the element's `enum`.
    SchemaEnum SCHEMA_ENUM = "schema.enum", Schema, Error,
        "value not in the element's enum",
        "\"99\" is not one of [\"1\", \"2\"]";
    /// A string shorter than `minLength` (usually: empty).
    SchemaMinLength SCHEMA_MIN_LENGTH = "schema.min-length", Schema, Error,
        "string too short (empty)",
        "\"\" is shorter than 1 character";
    /// An array shorter than `minItems`.
    SchemaMinItems SCHEMA_MIN_ITEMS = "schema.min-items", Schema, Error,
        "array has too few items",
        "[] has less than 1 item";
    /// Any other JSON Schema keyword failure (not used by the Sosmeta dialect today).
    SchemaOther SCHEMA_OTHER = "schema.other", Schema, Error,
        "any other JSON Schema failure",
        "a keyword outside the Sosmeta dialect failed";
    /// The definition's schema could not be compiled.
    SchemaCompile SCHEMA_COMPILE = "schema.compile", Schema, Error,
        "the definition's schema could not be compiled",
        "invalid regular expression in a pattern";
    /// A Pvm or Hetki value that is not a real date or instant.
    DateCalendar DATE_CALENDAR = "date.calendar", Content, Error,
        "Pvm/Hetki is not a real date or instant (day 00, 2023-02-30, 2023-02-29)",
        "\"2023-02-29\": 2023 is not a leap year";
    /// A Finnish personal identity code with a bad date, century sign or check character.
    HetuChecksum HETU_CHECKSUM = "hetu.checksum", Content, Error,
        "hetu (system urn:oid:1.2.246.21): date part, century sign or check character wrong",
        "the check character of 150487-***** is wrong";
    /// A code that is not in the element's valueSet or acceptedValues.
    CodeValueSet CODE_VALUE_SET = "code.value-set", Content, Error,
        "code not in the element's valueSet / acceptedValues",
        "code `9` is not in the value set (1, 2, 3)";
    /// A display text that is not the code's text in the valueSet.
    CodeDisplay CODE_DISPLAY = "code.display", Content, Warning,
        "display is not the code's fi or sv text",
        "display `Suomii` for code `1` (expected `Suomi`)";
    /// A code system that is not the element's classification OID.
    CodeSystem CODE_SYSTEM = "code.system", Content, Error,
        "system is not urn:oid:<the element's classification OID>",
        "system `urn:oid:1.2.246.537.6.1271` (expected urn:oid:1.2.246.537.6.1221)";
    /// A Fraasi whose text is not the definition's fixed text.
    PhraseText PHRASE_TEXT = "phrase.text", Content, Error,
        "Fraasi is not exactly its fixed text",
        "the phrase differs from the definition's fixed text";
    /// A conditionally required element is absent.
    ConditionalRequired CONDITIONAL_REQUIRED = "conditional-required", Content, Warning,
        "a conditionally required element is absent although its condition, read from the definition's prose, holds (quotes the condition)",
        "`tilapainen_yksilointitunnus` is absent although its condition holds (none of `Henkilötunnus` is given)";
    /// A conditionally required element is absent and its condition could not be read.
    ConditionalRequiredUnread CONDITIONAL_REQUIRED_UNREAD = "conditional-required.unread", Content, Info,
        "a conditionally required element is absent and its prose condition could not be read mechanically: check by hand",
        "`Sukupuoli` is absent; condition \"jos asiakas on vähintään 18-vuotias\" is not read";
    /// A code that does not exist in its classification (needs the release's koodistot).
    CodeClassification CODE_CLASSIFICATION = "code.classification", Koodisto, Error,
        "code does not exist in its classification (needs koodistot/ in the release bundle)",
        "code `999` is not in classification 1.2.246.537.6.1221";
    /// A code that was not valid on the document's date (error) or today (warning).
    CodeActive CODE_ACTIVE = "code.active", Koodisto, Error,
        "code not valid on the document's date (error) or today (warning)",
        "code `24` was retired on 31.12.2024";
    /// The definition version is not yet supported in the environment on the day.
    CalendarNotYetSupported CALENDAR_NOT_YET_SUPPORTED = "calendar.not-yet-supported", Metadata, Error,
        "the definition version is supported in the environment (AT/TU) on the storage day (release calendar)",
        "a 2025 December version stored in TU in November 2025";
    /// A superseded version is used although a newer one is supported.
    CalendarSuperseded CALENDAR_SUPERSEDED = "calendar.superseded", Metadata, Warning,
        "a Vanhentunut version is used although a newer Valmis version is supported",
        "asiakkuusasiakirja 2022-01-10 in 2026";
    /// An early-phase client document stored after the phase's last day.
    PhaseExpired PHASE_EXPIRED = "phase.expired", Metadata, Error,
        "after 31.8.2026 a client document's documentGroup must be a 2nd-or-later-phase group (5)",
        "documentGroup 3 stored on 1.9.2026";
    /// The CDA is not UTF-8.
    CdaEncoding CDA_ENCODING = "cda.encoding", Archive, Error,
        "the CDA is not UTF-8",
        "a Latin-1 ä in a name";
    /// The CDA is not well-formed XML.
    CdaXml CDA_XML = "cda.xml", Archive, Error,
        "the CDA is not well-formed XML (line and column)",
        "<id></ClinicalDocument>";
    /// The CDA has no XML declaration (Kanta refuses it).
    CdaXmlDeclaration CDA_XML_DECLARATION = "cda.xml-declaration", Archive, Error,
        "the CDA does not start with an XML declaration",
        "file starts with <ClinicalDocument";
    /// The root is not `ClinicalDocument` in `urn:hl7-org:v3`.
    CdaRoot CDA_ROOT = "cda.root", Archive, Error,
        "the root is not ClinicalDocument in urn:hl7-org:v3",
        "<ClinicalDocument> without xmlns";
    /// A header element is in the wrong namespace.
    CdaNamespace CDA_NAMESPACE = "cda.namespace", Archive, Error,
        "localSocialHeader and json must be in urn:hl7finland, header elements in urn:hl7-org:v3",
        "<localSocialHeader xmlns=\"urn:hl7-org:v3\">";
    /// `realmCode@code` is not `FI`.
    CdaRealm CDA_REALM = "cda.realm", Archive, Error,
        "realmCode@code must be FI",
        "<realmCode code=\"SE\"/>";
    /// `typeId` is not `2.16.840.1.113883.1.3` / `POCD_HD000040`.
    CdaTypeId CDA_TYPE_ID = "cda.type-id", Archive, Error,
        "typeId must be root 2.16.840.1.113883.1.3, extension POCD_HD000040",
        "extension POCD_HD000041";
    /// `nonXMLBody@ID` is not `"OID"` + the document id.
    CdaBodyId CDA_BODY_ID = "cda.body-id", Archive, Error,
        "nonXMLBody@ID must be \"OID\" followed by id@root",
        "ID=\"1.2.246.10.1.2\" without OID";
    /// A required header element is missing.
    HeaderRequired HEADER_REQUIRED = "header.required", Archive, Error,
        "a required header element is missing",
        "no localSocialHeader/contentSpecificationId";
    /// `setId` differs from `id` in a first version.
    HeaderSetId HEADER_SET_ID = "header.set-id", Archive, Warning,
        "in version 1 setId@root must equal id@root",
        "versionNumber 1, setId of another document";
    /// A header code is not in its expected code system.
    HeaderCodeSystem HEADER_CODE_SYSTEM = "header.code-system", Archive, Error,
        "each header code uses its expected code system (a version suffix is allowed)",
        "confidentialityCode codeSystem 1.2.246.537.5.40179";
    /// The service task (`functionCode`) is not in `1.2.246.537.6.1221`.
    HeaderServiceTask HEADER_SERVICE_TASK = "header.service-task", Archive, Error,
        "localSocialHeader/functionCode must be in the service-task classification 1.2.246.537.6.1221",
        "functionCode codeSystem 1.2.246.537.6.1271";
    /// A header code does not exist in its classification (needs a koodistot bundle).
    HeaderCodeUnknown HEADER_CODE_UNKNOWN = "header.code-unknown", Archive, Error,
        "a header code does not exist in its classification (with a koodistot bundle)",
        "documentGroup code 77";
    /// A header code was not valid on the document's date (needs a koodistot bundle).
    HeaderCodeInactive HEADER_CODE_INACTIVE = "header.code-inactive", Archive, Error,
        "a header code was not valid on the document's date (with a koodistot bundle)",
        "a code expired in 2024 on a 2026 document";
    /// An HL7 TS time is malformed or not a real date.
    HeaderTime HEADER_TIME = "header.time", Archive, Error,
        "HL7 TS times are YYYYMMDD[HHMM[SS]][+ZZZZ] and real dates",
        "effectiveTime 20260230120000+0200";
    /// The recorder (header author) is not one of the content's authors (laatija).
    HeaderRecorder HEADER_RECORDER = "header.recorder", Archive, Error,
        "the header author (tallentaja) is one of the content's laatija (same identifier, else same names); a nullFlavor author only where the definition has no laatija",
        "author Maija Meikäläinen, laatija Matti Virtanen";
    /// `nonXMLBody`, its `text` or its `json` is missing.
    BodyRequired BODY_REQUIRED = "body.required", Archive, Error,
        "component/nonXMLBody with text (display form) and hl7fi:json (structured form) is required",
        "no hl7fi:json";
    /// The display form is not base64 of UTF-8 text.
    BodyDisplayBase64 BODY_DISPLAY_BASE64 = "body.display-base64", Archive, Error,
        "nonXMLBody/text is base64 of UTF-8 text",
        "a * inside the base64";
    /// The display form is not a well-formed XHTML fragment with a root `div`.
    BodyDisplayXhtml BODY_DISPLAY_XHTML = "body.display-xhtml", Archive, Error,
        "the display form is a well-formed XHTML fragment whose root is div in the XHTML namespace",
        "<html><body>… or an unclosed <p>";
    /// The display form's root `div` does not carry the document's body id.
    BodyDisplayId BODY_DISPLAY_ID = "body.display-id", Archive, Error,
        "the display form's root div@id equals \"OID\" + id@root",
        "<div id=\"doc-1\">";
    /// The structured form is not base64 of UTF-8 text.
    BodyJsonBase64 BODY_JSON_BASE64 = "body.json-base64", Archive, Error,
        "hl7fi:json is base64 of UTF-8 JSON",
        "the JSON written as plain text";
    /// `contentSpecificationId` names no definition version of the release.
    DefinitionUnknown DEFINITION_UNKNOWN = "definition.unknown", Archive, Error,
        "contentSpecificationId names a definition version of the release (OID.y.m.d)",
        "1.2.246.537.6.1505.1.2023.6.2";
    /// The JSON's root key is not the named definition's.
    DefinitionRootKey DEFINITION_ROOT_KEY = "definition.root-key", Archive, Error,
        "the structured JSON's root key is the definition's",
        "asiakkuusasiakirja JSON under a 15007 contentSpecificationId";
    /// `documentGroup` / `specificDocumentType` disagrees with the definition's OID.
    DefinitionDocumentType DEFINITION_DOCUMENT_TYPE = "definition.document-type", Archive, Error,
        "specificDocumentType (client documents, 1.2.246.537.6.1506.<code>) or documentGroup (1.2.246.537.6.1505.<code>) agrees with the definition's OID",
        "specificDocumentType 15008 for definition 1.2.246.537.6.1506.15007";
    /// The organiser named in the header is not the data controller (custodian).
    RegisterCustodian REGISTER_CUSTODIAN = "register.custodian", Archive, Error,
        "the organiser (outsourcingServiceCustomer) is the data controller: the custodian is the organiser",
        "organiser 1.2.246.10.3 but custodian 1.2.246.10.7 (the provider's own register)";
    /// A purchased service's document sent before the organiser's register opens.
    RegisterNotOpen REGISTER_NOT_OPEN = "register.not-open", Archive, Error,
        "a purchased service's documents go to the organiser's register only from the day it opens for register access; before that they stay in the provider's own system",
        "provider 1.2.246.10.7 sends for organiser 1.2.246.10.3 on 2.3.2026; opens 1.9.2026";
    /// A JSON view that cannot be read.
    ViewJson VIEW_JSON = "view.json", Archive, Error,
        "the JSON view is JSON of the shape {metadata, body, content} (schemas/archive-view.schema.json)",
        "metadata.effectiveTime as a string";
    /// The frame is not UTF-8 or not well-formed XML.
    FrameXml FRAME_XML = "frame.xml", Frame, Error,
        "the transfer frame is well-formed UTF-8 XML",
        "an unclosed element";
    /// The frame's root is not `RCMR_IN200002FI01` in `urn:hl7-org:v3`.
    FrameRoot FRAME_ROOT = "frame.root", Frame, Error,
        "the frame's root is RCMR_IN200002FI01 in urn:hl7-org:v3",
        "<RCMR_IN200001FI01>";
    /// The frame's interaction id is not `RCMR_IN200002FI01`.
    FrameInteraction FRAME_INTERACTION = "frame.interaction", Frame, Error,
        "interactionId is root 2.16.840.1.113883.1.6, extension RCMR_IN200002FI01",
        "extension RCMR_IN200003FI01";
    /// The service request (palvelupyyntö) is missing or wrong for the document.
    FrameServiceRequest FRAME_SERVICE_REQUEST = "frame.service-request", Frame, Error,
        "reasonCode in 1.2.246.537.6.1503 is SP1 for asiakkuusasiakirja, SP17 for client documents",
        "SP17 with an asiakkuusasiakirja";
    /// The frame's copy of the document disagrees with the CDA.
    FrameMismatch FRAME_MISMATCH = "frame.mismatch", Frame, Error,
        "the frame's document id, setId, versionNumber, effectiveTime, patient and custodian equal the CDA's",
        "frame effectiveTime one minute later";
    /// A transfer frame whose document is not among the inputs.
    FrameUnpaired FRAME_UNPAIRED = "frame.unpaired", Frame, Warning,
        "a transfer frame names a document (subject/clinicalDocument/id) that is not among the inputs",
        "frame for 1.2.246.10.1.2.3 in a directory without that CDA";
    /// A private provider does not state its joining model.
    FrameJoiningModel FRAME_JOINING_MODEL = "frame.joining-model", Frame, Error,
        "a private provider states its joining model (liittymismalli) in controlActProcess/reasonCode",
        "a private provider's frame with SP17 and usage situation only";
    /// A purchased service stored under the organiser's own-use usage situation.
    FrameUsageSituation FRAME_USAGE_SITUATION = "frame.usage-situation", Frame, Warning,
        "a provider storing a purchased service into the organiser's register does not state the organiser's own use as the usage situation (1.2.246.537.6.1289)",
        "sender 1.2.246.10.7, organiser 1.2.246.10.3, usage situation 1 (own use)";
}

impl Rule {
    /// The rule's row of the registry.
    pub fn info(self) -> &'static RuleInfo {
        // `ALL` and `RULES` are written by the same macro arm, in the same order.
        &RULES[self as usize]
    }

    /// The stable id (e.g. `schema.required`).
    pub fn as_str(self) -> &'static str {
        self.info().id
    }

    /// The layer that reports it.
    pub fn layer(self) -> Layer {
        self.info().layer
    }

    /// The default severity.
    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// The rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        ALL.iter().copied().find(|r| r.as_str() == id)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for Rule {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl AsRef<str> for Rule {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::str::FromStr for Rule {
    type Err = String;

    fn from_str(s: &str) -> Result<Rule, String> {
        Rule::from_id(s)
            .ok_or_else(|| format!("unknown rule `{s}` (the registry lists every rule)"))
    }
}

/// What a rule is set to instead of its default severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Switched off: its findings are dropped.
    Off,
    /// Reported as info.
    Info,
    /// Reported as a warning.
    Warning,
    /// Reported as an error.
    Error,
}

impl std::str::FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Level, String> {
        match s {
            "off" | "allow" => Ok(Level::Off),
            "info" => Ok(Level::Info),
            "warning" | "warn" => Ok(Level::Warning),
            "error" | "deny" => Ok(Level::Error),
            other => Err(format!(
                "unknown level `{other}` (expected off, info, warning or error)"
            )),
        }
    }
}

/// Per-rule levels that replace the registry's default severities (`--allow`, `--warn`,
/// `--deny`, or a configuration file). Set by rule id or by a prefix ending in `*`
/// (`code.*`); a later setting wins over an earlier one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleLevels {
    levels: Vec<(Rule, Level)>,
}

/// One rule whose level was changed, as a report's header lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleOverride {
    /// The rule.
    pub rule: Rule,
    /// Its level in this run.
    pub level: Level,
}

/// A rule id or pattern that matches no rule of the registry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` matches no rule of the registry")]
pub struct UnknownRule(pub String);

impl RuleLevels {
    /// No overrides.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    /// Set every rule `pattern` names (an id, or a prefix ending in `*`) to `level`.
    pub fn set(&mut self, pattern: &str, level: Level) -> Result<(), UnknownRule> {
        let matched: Vec<Rule> = match pattern.strip_suffix('*') {
            Some(prefix) => ALL
                .iter()
                .copied()
                .filter(|r| r.as_str().starts_with(prefix))
                .collect(),
            None => Rule::from_id(pattern).into_iter().collect(),
        };
        if matched.is_empty() {
            return Err(UnknownRule(pattern.to_string()));
        }
        for r in matched {
            self.levels.retain(|(x, _)| *x != r);
            self.levels.push((r, level));
        }
        Ok(())
    }

    /// The level set for `rule`, if any.
    pub fn get(&self, rule: Rule) -> Option<Level> {
        self.levels
            .iter()
            .find(|(r, _)| *r == rule)
            .map(|(_, l)| *l)
    }

    /// Every override, in rule order: what a report lists in its header.
    pub fn overrides(&self) -> Vec<RuleOverride> {
        let mut v: Vec<RuleOverride> = self
            .levels
            .iter()
            .map(|&(rule, level)| RuleOverride { rule, level })
            .collect();
        v.sort_by_key(|o| o.rule);
        v
    }

    /// Drop the findings of rules switched off and give the others their set severity.
    pub fn apply(&self, findings: &mut Vec<crate::Finding>) {
        findings.retain_mut(|f| match self.get(f.rule) {
            None => true,
            Some(Level::Off) => false,
            Some(Level::Info) => {
                f.severity = Severity::Info;
                true
            }
            Some(Level::Warning) => {
                f.severity = Severity::Warning;
                true
            }
            Some(Level::Error) => {
                f.severity = Severity::Error;
                true
            }
        });
    }
}

/// The [`RuleInfo`] of a rule id.
pub fn rule_info(id: &str) -> Option<&'static RuleInfo> {
    Rule::from_id(id).map(Rule::info)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_rule_is_its_own_row() {
        assert_eq!(ALL.len(), RULES.len());
        for (i, r) in ALL.iter().enumerate() {
            assert_eq!(*r as usize, i);
            assert_eq!(r.info().id, RULES[i].id);
            assert_eq!(Rule::from_id(r.as_str()), Some(*r));
        }
    }

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for info in RULES {
            assert!(seen.insert(info.id), "duplicate id {}", info.id);
            assert!(
                info.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '-' || c.is_ascii_digit()),
                "{}",
                info.id
            );
            assert!(!info.description.is_empty() && !info.example.is_empty());
        }
    }

    #[test]
    fn levels_switch_off_and_change_severity_by_id_and_prefix() {
        use crate::Finding;
        let mut levels = RuleLevels::default();
        levels.set("conditional-required", Level::Off).unwrap();
        levels.set("code.*", Level::Error).unwrap();
        assert!(levels.set("no.such-rule", Level::Off).is_err());
        assert!(levels.set("zzz*", Level::Off).is_err());
        let mut findings = vec![
            Finding::new(ids::CONDITIONAL_REQUIRED, Severity::Warning, "/a", "", "x"),
            Finding::new(ids::CODE_DISPLAY, Severity::Warning, "/b", "", "y"),
            Finding::new(ids::SCHEMA_REQUIRED, Severity::Error, "/c", "", "z"),
        ];
        levels.apply(&mut findings);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].rule, ids::CODE_DISPLAY);
        assert_eq!(findings[0].severity, Severity::Error);
        // A later setting wins.
        levels.set("code.display", Level::Info).unwrap();
        assert_eq!(levels.get(ids::CODE_DISPLAY), Some(Level::Info));
        assert_eq!(levels.get(ids::CODE_SYSTEM), Some(Level::Error));
        assert!(levels.overrides().len() >= 6);
    }

    #[test]
    fn layers_are_in_order() {
        let layers: Vec<Layer> = RULES.iter().map(|r| r.layer).collect();
        let mut sorted = layers.clone();
        sorted.sort();
        assert_eq!(layers, sorted, "the table is ordered by layer");
    }

    #[test]
    fn source_names_no_rule_id_outside_the_table() {
        // Rule ids written as string literals anywhere in this crate's sources must be
        // ids of the table (a finding can only carry a `Rule`, but messages and docs may
        // name ids too, and must not name ones that do not exist).
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let ids: HashSet<&str> = RULES.iter().map(|r| r.id).collect();
        let prefixes = [
            "input.",
            "document.",
            "schema.",
            "definition.",
            "date.",
            "hetu.",
            "code.",
            "phrase.",
            "calendar.",
            "phase.",
        ];
        let mut stack = vec![std::path::PathBuf::from(src)];
        let mut bad = Vec::new();
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).unwrap() {
                    stack.push(e.unwrap().path());
                }
                continue;
            }
            if p.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for lit in text.split('"').skip(1).step_by(2) {
                let looks_like_id = prefixes.iter().any(|pre| lit.starts_with(pre))
                    && lit.len() < 48
                    && lit
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '-')
                    && !lit.ends_with('.');
                if looks_like_id && !ids.contains(lit) {
                    bad.push(format!("{}: {lit}", p.display()));
                }
            }
        }
        assert!(bad.is_empty(), "ids not in the registry: {bad:?}");
    }
}
