//! `phrase.text`: a Fraasi must be exactly its fixed text.

use super::Walk;
use crate::finding::{rules, Severity};

/// Check a Fraasi value against the definition's fixed text `want`.
pub fn check(w: &mut Walk<'_>, want: &str, value: &str) {
    if value != want {
        let msg = format!(
            "the phrase must be exactly {want:?}, found {}",
            crate::echo::value(value)
        );
        w.report(rules::PHRASE_TEXT, Severity::Error, &[], msg);
    }
}
