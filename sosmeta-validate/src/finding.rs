//! Findings: what the validator says about a document, each with a stable rule id.

use crate::registry::Rule;
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
    /// The rule, e.g. `schema.required` or `date.calendar` (see [`crate::registry`]).
    pub rule: Rule,
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
        rule: Rule,
        severity: Severity,
        pointer: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            severity,
            // Bounded here: a key of the document may be megabytes long (crate::echo).
            pointer: crate::echo::pointer(pointer.into()),
            path: path.into(),
            // Masked and bounded here, whatever the site quoted (crate::echo).
            message: crate::echo::message(message.into()),
            definition: None,
            xpath: None,
            line: None,
            column: None,
        }
    }

    /// An error-level finding at the document root.
    pub fn root_error(rule: Rule, message: impl Into<String>) -> Finding {
        Finding::new(rule, Severity::Error, "", "", message)
    }
}

/// The rule ids as constants (`rules::SCHEMA_REQUIRED`); the table is [`crate::registry`].
pub use crate::registry::ids as rules;

#[cfg(all(test, feature = "test-kit"))]
mod tests {
    use crate::names::{push_index, push_token};
    use serde_json::Value;
    use sosmeta_model::{Definition, Kind};

    /// The name path read token by token, each unescaped, the names joined at the end:
    /// the plain reading [`Definition::name_path`] is held to.
    fn reference_name_path(def: &Definition, pointer: &str) -> String {
        let mut names: Vec<&str> = Vec::new();
        let mut el = &def.root;
        for (depth, tok) in sosmeta_model::element::pointer_tokens(pointer)
            .iter()
            .enumerate()
        {
            let entering_items = el.kind == Kind::Array;
            let next = match el.kind {
                Kind::Array => el.items.as_deref(),
                _ => el.child(tok),
            };
            let Some(next) = next else { break };
            el = next;
            if depth == 0 || entering_items {
                continue;
            }
            if let Some(n) = el.name_fi() {
                names.push(n.trim());
            }
        }
        names.join(" > ")
    }

    /// The pointer of every value in `v`.
    fn pointers(v: &Value, at: &mut String, out: &mut Vec<String>) {
        out.push(at.clone());
        let len = at.len();
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    push_token(at, k);
                    pointers(x, at, out);
                    at.truncate(len);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    push_index(at, i);
                    pointers(x, at, out);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn the_model_s_name_path_is_the_token_by_token_reading_on_every_pointer_of_the_generated_cases()
    {
        let release = sosmeta_generated::embedded_release();
        let mut checked = 0;
        for def in release.definitions() {
            let mut all = vec![
                String::new(),
                "/".into(),
                "//".into(),
                "x".into(),
                "/~0".into(),
                "/a~1b".into(),
            ];
            for case in crate::cases::cases_for(def) {
                pointers(&case.document, &mut String::new(), &mut all);
            }
            all.sort();
            all.dedup();
            for p in all {
                for tail in ["", "/zz", "/0", "/~0x", "/a~1b~01", "/"] {
                    let p = format!("{p}{tail}");
                    assert_eq!(
                        def.name_path(&p),
                        reference_name_path(def, &p),
                        "{} {p}",
                        def.id
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 100_000, "{checked}");
    }
}
