//! Building JSON pointers. Pointer lookup and Finnish name paths are the model's:
//! [`sosmeta_model::Definition::element_at`] and [`sosmeta_model::Definition::name_path`].

/// Append one token to a JSON pointer, escaping it.
pub(crate) fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&sosmeta_model::element::escape_pointer(token));
    } else {
        pointer.push_str(token);
    }
}

/// Append an array index to a JSON pointer.
pub(crate) fn push_index(pointer: &mut String, index: usize) {
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = write!(pointer, "/{index}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use sosmeta_model::element::pointer_tokens;

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
