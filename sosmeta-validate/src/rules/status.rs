//! `definition.superseded`: the version used has status Vanhentunut.

use super::Walk;
use crate::finding::{rules, Severity};
use sosmeta_model::Status;

/// Warn when the definition version is superseded.
pub fn check(w: &mut Walk<'_>) {
    if w.def.status() == &Status::Vanhentunut {
        let msg = format!(
            "definition {} version {} is superseded (Vanhentunut)",
            w.def.oid(),
            w.def.version()
        );
        w.report(rules::DEFINITION_SUPERSEDED, Severity::Warning, &[], msg);
    }
}
