//! `hetu.checksum`: a Tunnus in system `urn:oid:1.2.246.21` is a Finnish personal
//! identity code (*henkilötunnus*), read by the grammar of [`sosmeta_types::hetu`]. Other
//! systems (e.g. temporary identifiers) are not checked.

use super::Walk;
use crate::finding::{rules, Severity};
use crate::json_tree::{JsonView, ObjectRef};
use sosmeta_types::HETU_SYSTEM;

/// Check a personal identity code with the one grammar ([`sosmeta_types::hetu::parse`]);
/// `Err` says what is wrong.
pub fn check_hetu(s: &str) -> Result<(), String> {
    sosmeta_types::hetu::parse(s)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The rule on one Tunnus object.
/// `by_default`: whether the element's own system is the personal identity code's (for
/// a value without a `system` member).
pub fn check(w: &mut Walk<'_>, by_default: bool, map: ObjectRef<'_>) {
    let is_hetu = match map.get("system").map(|v| v.view()) {
        Some(JsonView::String(sys)) => sys.trim() == HETU_SYSTEM,
        Some(_) => false,
        None => by_default,
    };
    if !is_hetu {
        return;
    }
    if let Some(v) = map.get("value").and_then(|v| v.as_str()) {
        if let Err(why) = check_hetu(v) {
            // The grammar's message masks the code; `--show-values` adds it whole.
            let why = if crate::echo::show_values() {
                format!("{why} (value {v:?})")
            } else {
                why
            };
            w.report(rules::HETU_CHECKSUM, Severity::Error, &["value"], why);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_hetu;

    #[test]
    fn uses_the_grammar() {
        assert_eq!(check_hetu("131052-308T"), Ok(()));
        let why = check_hetu("131052-308U").unwrap_err();
        assert!(
            why.contains("check character is wrong") && !why.contains("308"),
            "{why}"
        );
        assert!(check_hetu("131052-30ÄT").is_err());
    }
}
