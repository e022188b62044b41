//! JSON pointer tokens (RFC 6901): the one escape of a key, used by the record reader's
//! error paths here and by the model (`sosmeta_model::element::escape_pointer`).

use std::borrow::Cow;

/// Escape a key for use as a JSON pointer token (`~` → `~0`, `/` → `~1`); borrowed when
/// there is nothing to escape.
pub fn escape(key: &str) -> Cow<'_, str> {
    if key.contains(['~', '/']) {
        key.replace('~', "~0").replace('/', "~1").into()
    } else {
        key.into()
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn tilde_first_then_slash() {
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(escape("~1"), "~01");
        assert!(matches!(
            escape("plain"),
            std::borrow::Cow::Borrowed("plain")
        ));
    }
}
