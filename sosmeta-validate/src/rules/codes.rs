//! Koodi rules: `code.value-set` (the code is one the element allows), `code.display`
//! (warning: the display is that code's fi or sv text) and `code.system` (the system is
//! `urn:oid:` + the element's classification OID).

use super::Walk;
use crate::finding::{rules, Severity};
use serde_json::{Map, Value};
use sosmeta_model::{CodeEntry, Element};

/// The code data of one Koodi element, prepared once per definition.
#[derive(Debug, Clone, Default)]
pub struct CodeInfo {
    /// The allowed codes (acceptedValues, else the parsed valueSet); `None` when unknown.
    pub allowed: Option<Vec<String>>,
    /// The parsed valueSet entries (for display texts).
    pub entries: Vec<CodeEntry>,
    /// The classification OIDs (Koodistopalvelu); empty for internal classifications.
    pub oids: Vec<String>,
}

impl CodeInfo {
    /// Prepare from an element.
    pub fn new(el: &Element) -> CodeInfo {
        let entries: Vec<CodeEntry> = el
            .value_set()
            .and_then(|vs| vs.entries().map(<[CodeEntry]>::to_vec))
            .unwrap_or_default();
        let accepted: Vec<String> = el.accepted_values().into_iter().map(String::from).collect();
        let allowed = if !accepted.is_empty() {
            Some(accepted)
        } else if !entries.is_empty() {
            Some(entries.iter().map(|e| e.code.clone()).collect())
        } else {
            None
        };
        CodeInfo {
            allowed,
            entries,
            oids: el
                .classification_oids()
                .into_iter()
                .map(String::from)
                .collect(),
        }
    }

    /// True when `system` is `urn:oid:<oid>` (optionally followed by `.digits`, as the
    /// schema patterns allow) for one of the element's classification OIDs.
    pub fn system_ok(&self, system: &str) -> bool {
        let Some(rest) = system.strip_prefix("urn:oid:") else {
            return false;
        };
        self.oids
            .iter()
            .any(|oid| match rest.strip_prefix(oid.as_str()) {
                Some("") => true,
                Some(tail) => {
                    tail.split('.')
                        .skip(1)
                        .all(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
                        && tail.starts_with('.')
                }
                None => false,
            })
    }
}

/// The rules on one Koodi object.
pub fn check(w: &mut Walk<'_>, info: &CodeInfo, map: &Map<String, Value>) {
    if let Some(Value::String(system)) = map.get("system") {
        if !info.oids.is_empty() && !info.system_ok(system) {
            let want = info
                .oids
                .iter()
                .map(|o| format!("urn:oid:{o}"))
                .collect::<Vec<_>>()
                .join(" or ");
            w.report(
                rules::CODE_SYSTEM,
                Severity::Error,
                &["system"],
                format!("code system {system:?} is not the element's classification ({want})"),
            );
        }
    }
    let Some(Value::String(code)) = map.get("code") else {
        return;
    };
    if let Some(allowed) = &info.allowed {
        if !allowed.iter().any(|c| c == code) {
            let list = if allowed.len() > 12 {
                format!("{}, … ({} codes)", allowed[..12].join(", "), allowed.len())
            } else {
                allowed.join(", ")
            };
            w.report(
                rules::CODE_VALUE_SET,
                Severity::Error,
                &["code"],
                format!("code {code:?} is not in the element's value set ({list})"),
            );
            return;
        }
    }
    if let (Some(Value::String(display)), Some(entry)) = (
        map.get("display"),
        info.entries.iter().find(|e| &e.code == code),
    ) {
        if !entry.display_matches(display) {
            let want = [&entry.fi, &entry.sv]
                .into_iter()
                .flatten()
                .map(|t| format!("{t:?}"))
                .collect::<Vec<_>>()
                .join(" or ");
            w.report(
                rules::CODE_DISPLAY,
                Severity::Warning,
                &["display"],
                format!("display {display:?} is not the text of code {code:?} ({want})"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_matching() {
        let info = CodeInfo {
            oids: vec!["1.2.246.537.6.1302".into()],
            ..Default::default()
        };
        assert!(info.system_ok("urn:oid:1.2.246.537.6.1302"));
        assert!(info.system_ok("urn:oid:1.2.246.537.6.1302.1"));
        assert!(!info.system_ok("urn:oid:1.2.246.537.6.13021"));
        assert!(!info.system_ok("1.2.246.537.6.1302"));
        assert!(!info.system_ok("urn:oid:1.2.246.537.6.1303"));
    }
}
