//! JSON pointers and Finnish name paths (`Asiakas > Henkilötunnus`).

use sosmeta_model::{Definition, Element, Kind};

/// Split a JSON pointer into its unescaped tokens (`~1` → `/`, `~0` → `~`).
pub fn pointer_tokens(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .strip_prefix('/')
        .unwrap_or(pointer)
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Append one token to a JSON pointer, escaping it.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&sosmeta_model::element::escape_pointer(token));
    } else {
        pointer.push_str(token);
    }
}

/// Append an array index to a JSON pointer.
pub fn push_index(pointer: &mut String, index: usize) {
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = write!(pointer, "/{index}");
}

/// The element a document pointer leads to, if the definition has one there.
pub fn element_at<'d>(def: &'d Definition, pointer: &str) -> Option<&'d Element> {
    let mut el = &def.root;
    for tok in pointer_tokens(pointer) {
        el = step(el, &tok)?;
    }
    Some(el)
}

fn step<'d>(el: &'d Element, tok: &str) -> Option<&'d Element> {
    match el.kind {
        Kind::Array => el.items.as_deref(),
        _ => el.child(tok),
    }
}

/// The Finnish name path of a document pointer: the names of the elements below the
/// document element, array items counted once, elements without a name (such as the
/// `code` of a Koodi) left out. Stops at the first token the definition does not know.
pub fn name_path(def: &Definition, pointer: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    let mut el = &def.root;
    for (depth, tok) in pointer_tokens(pointer).iter().enumerate() {
        let entering_items = el.kind == Kind::Array;
        let Some(next) = step(el, tok) else { break };
        el = next;
        // depth 0 is the document element, whose name is the definition's title.
        if depth == 0 || entering_items {
            continue;
        }
        if let Some(n) = el.name_fi() {
            names.push(n.trim());
        }
    }
    names.join(" > ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        assert_eq!(pointer_tokens(""), Vec::<String>::new());
        assert_eq!(pointer_tokens("/a~1b/c~0d/0"), vec!["a/b", "c~d", "0"]);
        let mut p = String::new();
        push_token(&mut p, "a/b");
        push_token(&mut p, "0");
        push_index(&mut p, 12);
        assert_eq!(p, "/a~1b/0/12");
    }
}
