//! Koodi rules: `code.value-set` (the code is one the element allows), `code.display`
//! (warning: the display is that code's fi or sv text) and `code.system` (the system is
//! `urn:oid:` + the element's classification OID); with the release's koodistot also
//! `code.classification` (the code exists in its classification), `code.active` (it was
//! valid on the document's date) and `code.display` against the code's name.

use super::Walk;
use crate::finding::{rules, Severity};
use crate::json_tree::ObjectRef;
use sosmeta_model::koodisto::{Activity, CodeCheck, DisplayCheck};
use sosmeta_model::{CodeEntry, Element};
use std::collections::HashMap;

/// The code data of one Koodi element, prepared once per definition.
#[derive(Debug, Clone, Default)]
pub struct CodeInfo {
    /// The allowed codes (acceptedValues, else the parsed valueSet); `None` when unknown.
    pub allowed: Option<Vec<String>>,
    /// The parsed valueSet entries (for display texts).
    pub entries: Vec<CodeEntry>,
    /// The classification OIDs (Koodistopalvelu); empty for internal classifications.
    pub oids: Vec<String>,
    /// Per code: whether it is allowed, and its entry in [`Self::entries`] if it has one
    /// (value sets run to hundreds of codes; every Koodi value is looked up here).
    by_code: HashMap<String, (bool, Option<usize>)>,
}

impl CodeInfo {
    /// Prepare from an element.
    pub fn new(el: &Element) -> CodeInfo {
        let entries: Vec<CodeEntry> = el
            .value_set()
            .and_then(|vs| vs.entries().map(<[CodeEntry]>::to_vec))
            .unwrap_or_default();
        let allowed = el.allowed_codes();
        let oids = el
            .classification_oids()
            .into_iter()
            .map(String::from)
            .collect();
        CodeInfo::from_parts(allowed, entries, oids)
    }

    fn from_parts(
        allowed: Option<Vec<String>>,
        entries: Vec<CodeEntry>,
        oids: Vec<String>,
    ) -> CodeInfo {
        let mut by_code: HashMap<String, (bool, Option<usize>)> = HashMap::new();
        for (i, e) in entries.iter().enumerate().rev() {
            by_code.insert(e.code.clone(), (false, Some(i)));
        }
        for c in allowed.iter().flatten() {
            by_code.entry(c.clone()).or_default().0 = true;
        }
        CodeInfo {
            allowed,
            entries,
            oids,
            by_code,
        }
    }

    /// Whether `code` is allowed (always, when the allowed codes are unknown), and its
    /// value set entry (the first, if listed twice), from one look-up.
    pub fn lookup(&self, code: &str) -> (bool, Option<&CodeEntry>) {
        match self.by_code.get(code) {
            Some(&(ok, i)) => (
                ok || self.allowed.is_none(),
                i.and_then(|i| self.entries.get(i)),
            ),
            None => (self.allowed.is_none(), None),
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
pub fn check(w: &mut Walk<'_>, info: &CodeInfo, map: ObjectRef<'_>) {
    if let Some(system) = map.get("system").and_then(|v| v.as_str()) {
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
                format!(
                    "code system {} is not the element's classification ({want})",
                    crate::echo::value(system)
                ),
            );
        }
    }
    let Some(code) = map.get("code").and_then(|v| v.as_str()) else {
        return;
    };
    let (allows, entry) = info.lookup(code);
    if let Some(allowed) = info.allowed.as_ref().filter(|_| !allows) {
        {
            let list = if allowed.len() > 12 {
                format!("{}, … ({} codes)", allowed[..12].join(", "), allowed.len())
            } else {
                allowed.join(", ")
            };
            w.report(
                rules::CODE_VALUE_SET,
                Severity::Error,
                &["code"],
                format!(
                    "code {} is not in the element's value set ({list})",
                    crate::echo::value(code)
                ),
            );
            return;
        }
    }
    let display = map.get("display").and_then(|v| v.as_str());
    // The value set's text, where it has one, is what the display is checked against.
    check_koodisto(w, info, map, code, display.filter(|_| entry.is_none()));
    if let (Some(display), Some(entry)) = (display, entry) {
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
                format!(
                    "display {} is not the text of code {} ({want})",
                    crate::echo::value(display),
                    crate::echo::value(code)
                ),
            );
        }
    }
}

/// The koodisto checks of one code: the classification OID is the element's (or, for an
/// element without one, the system's).
fn check_koodisto(
    w: &mut Walk<'_>,
    info: &CodeInfo,
    map: ObjectRef<'_>,
    code: &str,
    display: Option<&str>,
) {
    let Some(sets) = w.context.code_sets else {
        return;
    };
    let system = map.get("system").and_then(|v| v.as_str()).unwrap_or("");
    let oid = info
        .oids
        .iter()
        .find(|o| system.strip_prefix("urn:oid:") == Some(o.as_str()))
        .or(info.oids.first())
        .map(String::as_str)
        .or_else(|| system.strip_prefix("urn:oid:"));
    let Some(oid) = oid else {
        return;
    };
    let (day, stated) = match (w.context.on, w.context.today) {
        (Some(d), _) => (Some(d), true),
        (None, t) => (t, false),
    };
    match sets.check(oid, code, display, day) {
        CodeCheck::ClassificationNotLoaded => {}
        CodeCheck::UnknownCode { similar } => {
            let hint = if similar.is_empty() {
                String::new()
            } else {
                format!("; did you mean {}?", similar.join(", "))
            };
            w.report(
                rules::CODE_CLASSIFICATION,
                Severity::Error,
                &["code"],
                format!(
                    "code {} is not in classification {oid}{hint}",
                    crate::echo::value(code)
                ),
            );
        }
        CodeCheck::Found {
            activity,
            display: d,
            name,
            ..
        } => {
            let when = if stated {
                "on the document's date"
            } else {
                "today"
            };
            let inactive = match activity {
                Activity::NotYetValid { begins } => Some(format!("valid only from {begins}")),
                Activity::Expired { expired } => Some(format!("expired on {expired}")),
                Activity::Retired => Some("retired (status DELETED, no end date)".to_string()),
                Activity::Active | Activity::NotChecked => None,
            };
            if let (Some(why), Some(day)) = (inactive, day) {
                w.report(
                    rules::CODE_ACTIVE,
                    if stated {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    &["code"],
                    format!(
                        "code {} of classification {oid} is {why}: not valid {when} ({day})",
                        crate::echo::value(code)
                    ),
                );
            }
            if let DisplayCheck::Differs { expected } = d {
                let want = name
                    .map(|n| format!("{n:?}"))
                    .unwrap_or_else(|| expected.join(" / "));
                w.report(
                    rules::CODE_DISPLAY,
                    Severity::Warning,
                    &["display"],
                    format!(
                        "display {} is not the name of code {} in classification {oid} ({want})",
                        crate::echo::value(display.unwrap_or_default()),
                        crate::echo::value(code)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_lookup() {
        let entry = |code: &str, fi: &str| CodeEntry {
            code: code.into(),
            fi: Some(fi.into()),
            sv: None,
        };
        let entries = vec![
            entry("1", "yksi"),
            entry("2", "kaksi"),
            entry("1", "toinen"),
        ];
        let info = CodeInfo::from_parts(Some(vec!["1".into(), "2".into()]), entries, vec![]);
        assert!(info.lookup("1").0 && info.lookup("2").0 && !info.lookup("3").0);
        assert_eq!(
            info.lookup("1").1.and_then(|e| e.fi.as_deref()),
            Some("yksi")
        );
        assert_eq!(
            info.lookup("2").1.and_then(|e| e.fi.as_deref()),
            Some("kaksi")
        );
        assert!(info.lookup("3").1.is_none());
        // acceptedValues narrower than the value set: listed, but not allowed.
        let info = CodeInfo::from_parts(Some(vec!["2".into()]), vec![entry("1", "yksi")], vec![]);
        assert!(!info.lookup("1").0 && info.lookup("1").1.is_some());
        assert!(CodeInfo::default().lookup("anything").0);
    }

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
