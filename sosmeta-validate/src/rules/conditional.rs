//! `conditional-required` (warning): an element marked conditionalRequired is absent.

use sosmeta_model::Element;

/// The message for an absent conditionally required element.
pub fn message(child: &Element) -> String {
    let name = child.name_fi().unwrap_or(&child.key);
    let note = child
        .meta()
        .and_then(|m| m.implementation_note.as_ref())
        .and_then(|t| t.fi().or_else(|| t.values().next()))
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "));
    let msg = match note {
        Some(n) => format!("conditionally required element `{}` ({name}) is absent; condition: \"{}\"", child.key, clip(&n, 300)),
        None => format!(
            "conditionally required element `{}` ({name}) is absent; the definition states no condition",
            child.key
        ),
    };
    msg
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}
