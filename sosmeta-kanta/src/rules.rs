//! The archive rules: stable ids, severities, one-line meanings and short examples.
//!
//! Findings of the wrapped content validation keep their own ids (`schema.*`, `code.*`,
//! ... from `sosmeta_validate::RULES`).

use sosmeta_validate::Severity;

/// One archive rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ArchiveRule {
    /// The stable id.
    pub id: &'static str,
    /// The severity its findings have.
    pub severity: Severity,
    /// What it checks, in one line.
    pub meaning: &'static str,
    /// A short example of a fault it reports.
    pub example: &'static str,
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $konst:ident = $id:literal, $sev:ident, $meaning:literal, $example:literal; )*) => {
        /// The rule ids as constants.
        pub mod ids {
            $( $(#[$doc])* pub const $konst: &str = $id; )*
        }
        /// Every archive rule, in layer order.
        pub const RULES: &[ArchiveRule] = &[
            $( ArchiveRule { id: $id, severity: Severity::$sev, meaning: $meaning, example: $example }, )*
        ];
    };
}

rules! {
    /// The CDA is not UTF-8.
    CDA_ENCODING = "cda.encoding", Error, "the CDA is not UTF-8", "a Latin-1 ä in a name";
    /// The CDA is not well-formed XML.
    CDA_XML = "cda.xml", Error, "the CDA is not well-formed XML (line and column)", "<id></ClinicalDocument>";
    /// The CDA has no XML declaration (Kanta refuses it).
    CDA_XML_DECLARATION = "cda.xml-declaration", Error, "the CDA does not start with an XML declaration", "file starts with <ClinicalDocument";
    /// The root is not `ClinicalDocument` in `urn:hl7-org:v3`.
    CDA_ROOT = "cda.root", Error, "the root is not ClinicalDocument in urn:hl7-org:v3", "<ClinicalDocument> without xmlns";
    /// A header element is in the wrong namespace.
    CDA_NAMESPACE = "cda.namespace", Error, "localSocialHeader and json must be in urn:hl7finland, header elements in urn:hl7-org:v3", "<localSocialHeader xmlns=\"urn:hl7-org:v3\">";
    /// `realmCode@code` is not `FI`.
    CDA_REALM = "cda.realm", Error, "realmCode@code must be FI", "<realmCode code=\"SE\"/>";
    /// `typeId` is not `2.16.840.1.113883.1.3` / `POCD_HD000040`.
    CDA_TYPE_ID = "cda.type-id", Error, "typeId must be root 2.16.840.1.113883.1.3, extension POCD_HD000040", "extension POCD_HD000041";
    /// `nonXMLBody@ID` is not `"OID"` + the document id.
    CDA_BODY_ID = "cda.body-id", Error, "nonXMLBody@ID must be \"OID\" followed by id@root", "ID=\"1.2.246.10.1.2\" without OID";
    /// A required header element is missing.
    HEADER_REQUIRED = "header.required", Error, "a required header element is missing", "no localSocialHeader/contentSpecificationId";
    /// `setId` differs from `id` in a first version.
    HEADER_SET_ID = "header.set-id", Warning, "in version 1 setId@root must equal id@root", "versionNumber 1, setId of another document";
    /// A header code is not in its expected code system.
    HEADER_CODE_SYSTEM = "header.code-system", Error, "each header code uses its expected code system (a version suffix is allowed)", "confidentialityCode codeSystem 1.2.246.537.5.40179";
    /// The service task (`functionCode`) is not in `1.2.246.537.6.1221`.
    HEADER_SERVICE_TASK = "header.service-task", Error, "localSocialHeader/functionCode must be in the service-task classification 1.2.246.537.6.1221", "functionCode codeSystem 1.2.246.537.6.1271";
    /// A header code does not exist in its classification (needs a koodistot bundle).
    HEADER_CODE_UNKNOWN = "header.code-unknown", Error, "a header code does not exist in its classification (with a koodistot bundle)", "documentGroup code 77";
    /// A header code was not valid on the document's date (needs a koodistot bundle).
    HEADER_CODE_INACTIVE = "header.code-inactive", Error, "a header code was not valid on the document's date (with a koodistot bundle)", "a code expired in 2024 on a 2026 document";
    /// An HL7 TS time is malformed or not a real date.
    HEADER_TIME = "header.time", Error, "HL7 TS times are YYYYMMDD[HHMM[SS]][+ZZZZ] and real dates", "effectiveTime 20260230120000+0200";
    /// The recorder (header author) is not one of the content's authors (laatija).
    HEADER_RECORDER = "header.recorder", Error, "the header author (tallentaja) is one of the content's laatija (same identifier, else same names); a nullFlavor author only where the definition has no laatija", "author Maija Meikäläinen, laatija Matti Virtanen";
    /// `nonXMLBody`, its `text` or its `json` is missing.
    BODY_REQUIRED = "body.required", Error, "component/nonXMLBody with text (display form) and hl7fi:json (structured form) is required", "no hl7fi:json";
    /// The display form is not base64 of UTF-8 text.
    BODY_DISPLAY_BASE64 = "body.display-base64", Error, "nonXMLBody/text is base64 of UTF-8 text", "a * inside the base64";
    /// The display form is not a well-formed XHTML fragment with a root `div`.
    BODY_DISPLAY_XHTML = "body.display-xhtml", Error, "the display form is a well-formed XHTML fragment whose root is div in the XHTML namespace", "<html><body>… or an unclosed <p>";
    /// The display form's root `div` does not carry the document's body id.
    BODY_DISPLAY_ID = "body.display-id", Error, "the display form's root div@id equals \"OID\" + id@root", "<div id=\"doc-1\">";
    /// The structured form is not base64 of UTF-8 text.
    BODY_JSON_BASE64 = "body.json-base64", Error, "hl7fi:json is base64 of UTF-8 JSON", "the JSON written as plain text";
    /// `contentSpecificationId` names no definition version of the release.
    DEFINITION_UNKNOWN = "definition.unknown", Error, "contentSpecificationId names a definition version of the release (OID.y.m.d)", "1.2.246.537.6.1505.1.2023.6.2";
    /// The JSON's root key is not the named definition's.
    DEFINITION_ROOT_KEY = "definition.root-key", Error, "the structured JSON's root key is the definition's", "asiakkuusasiakirja JSON under a 15007 contentSpecificationId";
    /// `documentGroup` / `specificDocumentType` disagrees with the definition's OID.
    DEFINITION_DOCUMENT_TYPE = "definition.document-type", Error, "specificDocumentType (client documents, 1.2.246.537.6.1506.<code>) or documentGroup (1.2.246.537.6.1505.<code>) agrees with the definition's OID", "specificDocumentType 15008 for definition 1.2.246.537.6.1506.15007";
    /// The definition version is not yet supported in the environment on the day.
    CALENDAR_NOT_YET_SUPPORTED = "calendar.not-yet-supported", Error, "the definition version is supported in the environment (AT/TU) on the storage day (release calendar)", "a 2025 December version stored in TU in November 2025";
    /// A superseded version is used although a newer one is supported.
    CALENDAR_SUPERSEDED = "calendar.superseded", Warning, "a Vanhentunut version is used although a newer Valmis version is supported", "asiakkuusasiakirja 2022-01-10 in 2026";
    /// An early-phase client document stored after the phase's last day.
    PHASE_EXPIRED = "phase.expired", Error, "after 31.8.2026 a client document's documentGroup must be a 2nd-or-later-phase group (5)", "documentGroup 3 stored on 1.9.2026";
    /// The frame is not UTF-8 or not well-formed XML.
    FRAME_XML = "frame.xml", Error, "the transfer frame is well-formed UTF-8 XML", "an unclosed element";
    /// The frame's root is not `RCMR_IN200002FI01` in `urn:hl7-org:v3`.
    FRAME_ROOT = "frame.root", Error, "the frame's root is RCMR_IN200002FI01 in urn:hl7-org:v3", "<RCMR_IN200001FI01>";
    /// The frame's interaction id is not `RCMR_IN200002FI01`.
    FRAME_INTERACTION = "frame.interaction", Error, "interactionId is root 2.16.840.1.113883.1.6, extension RCMR_IN200002FI01", "extension RCMR_IN200003FI01";
    /// The service request (palvelupyyntö) is missing or wrong for the document.
    FRAME_SERVICE_REQUEST = "frame.service-request", Error, "reasonCode in 1.2.246.537.6.1503 is SP1 for asiakkuusasiakirja, SP17 for client documents", "SP17 with an asiakkuusasiakirja";
    /// The frame's copy of the document disagrees with the CDA.
    FRAME_MISMATCH = "frame.mismatch", Error, "the frame's document id, setId, versionNumber, effectiveTime, patient and custodian equal the CDA's", "frame effectiveTime one minute later";
    /// A private provider does not state its joining model.
    FRAME_JOINING_MODEL = "frame.joining-model", Error, "a private provider states its joining model (liittymismalli) in controlActProcess/reasonCode", "a private provider's frame with SP17 and usage situation only";
    /// A JSON view that cannot be read.
    VIEW_JSON = "view.json", Error, "the JSON view is JSON of the shape {metadata, body, content} (schemas/archive-view.schema.json)", "metadata.effectiveTime as a string";
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static ArchiveRule> {
    RULES.iter().find(|r| r.id == id)
}

/// The severity of a rule id (Error for an id not in the table, which a test forbids).
pub fn severity(id: &str) -> Severity {
    rule(id).map_or(Severity::Error, |r| r.severity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate {}", r.id);
            assert!(
                r.id.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'.'
                    || b == b'-'),
                "{}",
                r.id
            );
            assert!(!r.meaning.is_empty() && !r.example.is_empty());
            assert!(
                sosmeta_validate::finding::rule_info(r.id).is_none(),
                "{} clashes",
                r.id
            );
        }
    }
}
