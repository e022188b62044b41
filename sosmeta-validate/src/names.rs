//! Building JSON pointers. Pointer lookup and Finnish name paths are the model's:
//! [`sosmeta_model::Definition::element_at`] and [`sosmeta_model::Definition::name_path`].

/// Equality of two keys, inlined: object keys are short, where a call to `memcmp` costs
/// more than comparing eight bytes at a time.
#[inline]
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    if a.len() > 64 {
        return a == b;
    }
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        if x != y {
            return false;
        }
    }
    ca.remainder()
        .iter()
        .zip(cb.remainder())
        .all(|(x, y)| x == y)
}

/// Append one token to a JSON pointer, escaping it.
#[inline]
pub(crate) fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    // Bytes, not chars: `~` and `/` are ASCII, never part of a longer UTF-8 sequence
    // (`str::contains` with a char set decodes every character).
    if token.bytes().any(|b| b == b'~' || b == b'/') {
        pointer.push_str(&sosmeta_model::element::escape_pointer(token));
    } else {
        pointer.push_str(token);
    }
}

/// Append an array index to a JSON pointer.
pub(crate) fn push_index(pointer: &mut String, index: usize) {
    pointer.push('/');
    // The digits by hand (the formatting machinery costs more than the digits).
    let mut digits = [0u8; 20];
    let mut n = index;
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        pointer.push(char::from(d));
    }
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
        for i in [0, 7, 10, 99, 100, 12_345, usize::MAX] {
            let mut p = String::from("/x");
            push_index(&mut p, i);
            assert_eq!(p, format!("/x/{i}"));
        }
        let mut p = String::new();
        push_token(&mut p, "ä~é/ö");
        assert_eq!(p, "/ä~0é~1ö");
    }
}
