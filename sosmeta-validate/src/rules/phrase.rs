//! `phrase.text`: a Fraasi must be exactly its fixed text.

use super::Walk;
use crate::finding::{rules, Severity};
use sosmeta_model::Element;

/// Check a Fraasi value against the definition's phrase.
pub fn check(w: &mut Walk<'_>, el: &Element, value: &str) {
    if let Some(want) = el.phrase() {
        if value != want {
            let msg = format!("the phrase must be exactly {want:?}, found {value:?}");
            w.report(rules::PHRASE_TEXT, Severity::Error, &[], msg);
        }
    }
}
