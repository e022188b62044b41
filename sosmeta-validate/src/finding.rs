//! Findings: what the validator says about a document, each with a stable rule id.

use serde::Serialize;
use sosmeta_model::DefinitionId;
use std::fmt;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information only (e.g. which definition version was chosen).
    Info,
    /// Probably wrong, but Kanta would not refuse the document for it.
    Warning,
    /// The document is invalid.
    Error,
}

impl Severity {
    /// The lowercase name (`info`, `warning`, `error`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity `{other}` (expected error, warning or info)"
            )),
        }
    }
}

/// One thing the validator found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The stable rule id, e.g. `schema.required` or `date.calendar` (see [`rules`]).
    pub rule: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// JSON pointer (RFC 6901) into the document; for a missing element, where it belongs.
    pub pointer: String,
    /// The Finnish names of the elements from below the document element down to the
    /// value, joined by ` > ` (e.g. `Asiakas > Henkilötunnus`); empty at the root.
    pub path: String,
    /// What is wrong, for people.
    pub message: String,
    /// The definition version the document was checked against, if one was chosen.
    #[serde(skip)]
    pub definition: Option<DefinitionId>,
    /// XPath-like location in an XML input (archive documents and transfer frames).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xpath: Option<String>,
    /// 1-based line in an XML input, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column in an XML input, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Finding {
    /// A finding with no definition attached yet.
    pub fn new(
        rule: &'static str,
        severity: Severity,
        pointer: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            severity,
            pointer: pointer.into(),
            path: path.into(),
            message: message.into(),
            definition: None,
            xpath: None,
            line: None,
            column: None,
        }
    }

    /// An error-level finding at the document root.
    pub fn root_error(rule: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(rule, Severity::Error, "", "", message)
    }
}

/// The stable rule ids. New layers (metadata, koodisto) add theirs here and in [`RULES`].
pub mod rules {
    /// A required element is missing.
    pub const SCHEMA_REQUIRED: &str = "schema.required";
    /// An element the definition does not have.
    pub const SCHEMA_ADDITIONAL_PROPERTIES: &str = "schema.additional-properties";
    /// A value of the wrong JSON type.
    pub const SCHEMA_TYPE: &str = "schema.type";
    /// A string that does not match the element's pattern.
    pub const SCHEMA_PATTERN: &str = "schema.pattern";
    /// A value outside the element's `enum`.
    pub const SCHEMA_ENUM: &str = "schema.enum";
    /// A string shorter than `minLength` (usually: empty).
    pub const SCHEMA_MIN_LENGTH: &str = "schema.min-length";
    /// An array shorter than `minItems`.
    pub const SCHEMA_MIN_ITEMS: &str = "schema.min-items";
    /// Any other JSON Schema keyword failure (not used by the Sosmeta dialect today).
    pub const SCHEMA_OTHER: &str = "schema.other";
    /// The definition's schema could not be compiled.
    pub const SCHEMA_COMPILE: &str = "schema.compile";
    /// A Pvm or Hetki value that is not a real date or instant.
    pub const DATE_CALENDAR: &str = "date.calendar";
    /// A Finnish personal identity code with a bad date, century sign or check character.
    pub const HETU_CHECKSUM: &str = "hetu.checksum";
    /// A code that is not in the element's valueSet or acceptedValues.
    pub const CODE_VALUE_SET: &str = "code.value-set";
    /// A display text that is not the code's text in the valueSet.
    pub const CODE_DISPLAY: &str = "code.display";
    /// A code system that is not the element's classification OID.
    pub const CODE_SYSTEM: &str = "code.system";
    /// A code that does not exist in its classification (needs the release's koodistot).
    pub const CODE_CLASSIFICATION: &str = "code.classification";
    /// A code that was not valid on the document's date (error) or today (warning).
    pub const CODE_ACTIVE: &str = "code.active";
    /// A Fraasi whose text is not the definition's fixed text.
    pub const PHRASE_TEXT: &str = "phrase.text";
    /// A conditionally required element is absent.
    pub const CONDITIONAL_REQUIRED: &str = "conditional-required";
    /// The definition version used is superseded (Vanhentunut).
    pub const DEFINITION_SUPERSEDED: &str = "definition.superseded";
    /// Which definition version was used when the root key maps to several.
    pub const DEFINITION_CHOSEN: &str = "definition.chosen";
    /// The root key matches no definition, or the root is not a one-key object.
    pub const DOCUMENT_ROOT: &str = "document.root";
    /// The file could not be read.
    pub const INPUT_IO: &str = "input.io";
    /// The input is empty.
    pub const INPUT_EMPTY: &str = "input.empty";
    /// The input is over the size limit.
    pub const INPUT_SIZE: &str = "input.size";
    /// The input is not UTF-8.
    pub const INPUT_ENCODING: &str = "input.encoding";
    /// The input starts with a byte order mark.
    pub const INPUT_BOM: &str = "input.bom";
    /// The input is not well-formed JSON.
    pub const INPUT_JSON: &str = "input.json";
    /// The input nests deeper than any definition allows.
    pub const INPUT_DEPTH: &str = "input.depth";
}

/// A rule id with its default severity and a one-line description (for docs and
/// `sosmeta rules`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// The stable id.
    pub id: &'static str,
    /// The severity its findings have.
    pub severity: Severity,
    /// What it checks.
    pub description: &'static str,
}

/// Every rule this crate reports, in the order of the layers.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: rules::INPUT_IO,
        severity: Severity::Error,
        description: "the file could not be read",
    },
    RuleInfo {
        id: rules::INPUT_EMPTY,
        severity: Severity::Error,
        description: "empty input",
    },
    RuleInfo {
        id: rules::INPUT_SIZE,
        severity: Severity::Error,
        description: "input over the size limit (default 64 MiB)",
    },
    RuleInfo {
        id: rules::INPUT_ENCODING,
        severity: Severity::Error,
        description: "not UTF-8 (says when it looks like Latin-1)",
    },
    RuleInfo {
        id: rules::INPUT_BOM,
        severity: Severity::Error,
        description: "a UTF-8 byte order mark before the JSON (the rest is still checked)",
    },
    RuleInfo {
        id: rules::INPUT_JSON,
        severity: Severity::Error,
        description: "not well-formed JSON (line and column)",
    },
    RuleInfo {
        id: rules::INPUT_DEPTH,
        severity: Severity::Error,
        description: "nesting deeper than the definition allows",
    },
    RuleInfo {
        id: rules::DOCUMENT_ROOT,
        severity: Severity::Error,
        description:
            "root is not an object with one key naming a definition (suggests the nearest keys)",
    },
    RuleInfo {
        id: rules::DEFINITION_CHOSEN,
        severity: Severity::Info,
        description: "the root key maps to several versions: which one was used",
    },
    RuleInfo {
        id: rules::DEFINITION_SUPERSEDED,
        severity: Severity::Warning,
        description: "the version used is Vanhentunut (superseded)",
    },
    RuleInfo {
        id: rules::SCHEMA_REQUIRED,
        severity: Severity::Error,
        description: "a required element is missing",
    },
    RuleInfo {
        id: rules::SCHEMA_ADDITIONAL_PROPERTIES,
        severity: Severity::Error,
        description: "an element the definition does not have",
    },
    RuleInfo {
        id: rules::SCHEMA_TYPE,
        severity: Severity::Error,
        description: "wrong JSON type",
    },
    RuleInfo {
        id: rules::SCHEMA_PATTERN,
        severity: Severity::Error,
        description: "string does not match the element's pattern",
    },
    RuleInfo {
        id: rules::SCHEMA_ENUM,
        severity: Severity::Error,
        description: "value not in the element's enum",
    },
    RuleInfo {
        id: rules::SCHEMA_MIN_LENGTH,
        severity: Severity::Error,
        description: "string too short (empty)",
    },
    RuleInfo {
        id: rules::SCHEMA_MIN_ITEMS,
        severity: Severity::Error,
        description: "array has too few items",
    },
    RuleInfo {
        id: rules::SCHEMA_OTHER,
        severity: Severity::Error,
        description: "any other JSON Schema failure",
    },
    RuleInfo {
        id: rules::SCHEMA_COMPILE,
        severity: Severity::Error,
        description: "the definition's schema could not be compiled",
    },
    RuleInfo {
        id: rules::DATE_CALENDAR,
        severity: Severity::Error,
        description: "Pvm/Hetki is not a real date or instant (day 00, 2023-02-30, 2023-02-29)",
    },
    RuleInfo {
        id: rules::HETU_CHECKSUM,
        severity: Severity::Error,
        description:
            "hetu (system urn:oid:1.2.246.21): date part, century sign or check character wrong",
    },
    RuleInfo {
        id: rules::CODE_VALUE_SET,
        severity: Severity::Error,
        description: "code not in the element's valueSet / acceptedValues",
    },
    RuleInfo {
        id: rules::CODE_DISPLAY,
        severity: Severity::Warning,
        description: "display is not the code's fi or sv text",
    },
    RuleInfo {
        id: rules::CODE_SYSTEM,
        severity: Severity::Error,
        description: "system is not urn:oid:<the element's classification OID>",
    },
    RuleInfo {
        id: rules::PHRASE_TEXT,
        severity: Severity::Error,
        description: "Fraasi is not exactly its fixed text",
    },
    RuleInfo {
        id: rules::CONDITIONAL_REQUIRED,
        severity: Severity::Warning,
        description: "a conditionally required element is absent (quotes the condition)",
    },
];

/// The [`RuleInfo`] of a rule id.
pub fn rule_info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}
