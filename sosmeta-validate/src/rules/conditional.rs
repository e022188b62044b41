//! `conditional-required` (warning): an element marked conditionalRequired is absent
//! although its condition holds; `conditional-required.unread` (info): it is absent and
//! its condition could not be read mechanically, so nobody can say.
//!
//! The conditions are read once per definition by the model
//! ([`sosmeta_model::condition`]); here they are evaluated against the document, looking
//! up the elements they name from the object that holds the conditional element.

use crate::json_tree::{JsonRef, JsonView, ObjectRef};
use sosmeta_model::condition::{Condition, ElementRef, Seen};
use sosmeta_model::Element;

/// A conditionally required child of an object, prepared once per definition.
#[derive(Debug)]
pub struct Check {
    /// The child's JSON key.
    pub key: String,
    /// The child's Finnish name path (for findings).
    pub path: String,
    /// The condition; `None` when it could not be read.
    pub condition: Option<Condition>,
    /// The finding's message.
    pub message: String,
}

impl Check {
    /// Prepare the check of child `child`, whose condition the model read as `condition`.
    pub fn new(child: &Element, path: String, condition: Option<&Condition>) -> Check {
        let condition = condition
            .cloned()
            .unwrap_or_else(|| Condition::Unreadable("the model found no condition for it".into()));
        let message = message(child, &condition);
        Check {
            key: child.key.clone(),
            path,
            condition: condition.is_readable().then_some(condition),
            message,
        }
    }
}

/// The objects from the one being checked up to the document root, on the walk's stack
/// (no allocation).
#[derive(Debug, Clone, Copy)]
pub struct Parents<'p, 't> {
    /// This object.
    pub obj: ObjectRef<'t>,
    /// The enclosing object, if any (arrays between are skipped).
    pub up: Option<&'p Parents<'p, 't>>,
}

/// Whether the condition of `check` holds in the object `here`: `Some(true)` when the
/// absent element is required, `None` when the condition is unreadable.
pub fn holds<'t>(check: &Check, here: &Parents<'_, 't>) -> Option<bool> {
    let cond = check.condition.as_ref()?;
    cond.holds(|r| look(here, r))
}

/// What the document holds at `r`, seen from `here`.
fn look<'t>(here: &Parents<'_, 't>, r: &ElementRef) -> Seen<'t> {
    let mut at = here;
    for _ in 0..r.up {
        match at.up {
            Some(p) => at = p,
            None => return Seen::Absent,
        }
    }
    find(at.obj, &r.keys)
}

/// The first value along `keys` from `obj`, stepping through array items.
fn find<'t>(obj: ObjectRef<'t>, keys: &[String]) -> Seen<'t> {
    let Some((first, rest)) = keys.split_first() else {
        return Seen::Present;
    };
    match obj.get(first) {
        Some(v) => at_value(v, rest),
        None => Seen::Absent,
    }
}

fn at_value<'t>(v: JsonRef<'t>, rest: &[String]) -> Seen<'t> {
    match v.view() {
        JsonView::Array(items) => items
            .iter()
            .map(|i| at_value(i, rest))
            .find(|s| *s != Seen::Absent)
            .unwrap_or(Seen::Absent),
        JsonView::Object(o) if !rest.is_empty() => find(o, rest),
        JsonView::Object(o) => match o.get("code").and_then(|c| c.as_str()) {
            Some(code) => Seen::Code(code),
            None => Seen::Present,
        },
        JsonView::Bool(b) if rest.is_empty() => Seen::Bool(b),
        JsonView::Null => Seen::Absent,
        _ if rest.is_empty() => Seen::Present,
        _ => Seen::Absent,
    }
}

/// The message for an absent conditionally required element.
pub fn message(child: &Element, condition: &Condition) -> String {
    let name = child.name_fi().unwrap_or(&child.key);
    let note = child
        .meta()
        .and_then(|m| m.implementation_note.as_ref())
        .and_then(|t| t.fi().or_else(|| t.values().next()))
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "));
    match (note, condition) {
        (None, Condition::Unreadable(_)) => format!(
            "conditionally required element `{}` ({name}) is absent; the definition states no condition",
            child.key
        ),
        (Some(n), Condition::Unreadable(why)) => format!(
            "conditionally required element `{}` ({name}) is absent; its condition could not be read mechanically ({why}), check it by hand: \"{}\"",
            child.key,
            clip(&n, 300)
        ),
        (n, c) => format!(
            "conditionally required element `{}` ({name}) is absent although its condition holds ({}); condition: \"{}\"",
            child.key,
            c.describe(),
            clip(n.as_deref().unwrap_or(""), 300)
        ),
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}
