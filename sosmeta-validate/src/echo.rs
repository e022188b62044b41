//! How findings quote values that came from a document. Validation messages end up in
//! logs and CI systems, so by default a message never carries more than
//! [`MAX_ECHO_CHARS`] characters of one value (the rest is counted, not shown) and never a
//! whole personal identity code (`131052-****`, wherever one appears in a value).
//!
//! [`ValidateOptions::show_values`](crate::ValidateOptions::show_values) (`sosmeta
//! validate --show-values`, for local debugging) shows values whole. The setting holds
//! for the thread while a validator call runs ([`with_show_values`]), so every message
//! site below the call sees it without passing it along.

use std::borrow::Cow;
use std::cell::Cell;

/// Most characters of one value a message shows by default.
pub const MAX_ECHO_CHARS: usize = 40;

thread_local! {
    static SHOW: Cell<bool> = const { Cell::new(false) };
}

/// True while values are shown whole (inside [`with_show_values`]`(true, ..)`).
pub fn show_values() -> bool {
    SHOW.with(Cell::get)
}

/// Run `f` with values shown whole (`true`) or clipped and masked (`false`), restoring
/// the previous setting afterwards (also when `f` unwinds).
pub fn with_show_values<R>(show: bool, f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            SHOW.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(SHOW.with(|s| s.replace(show)));
    f()
}

/// A document value as messages may show it, unquoted: whole with `--show-values`,
/// else personal identity codes masked and at most [`MAX_ECHO_CHARS`] characters
/// (`prefix… (N characters)`).
pub fn text(s: &str) -> Cow<'_, str> {
    if show_values() {
        return Cow::Borrowed(s);
    }
    // A text of at most N bytes has at most N characters: no need to count them.
    let clipped = match (s.len() > MAX_ECHO_CHARS)
        .then(|| s.char_indices().nth(MAX_ECHO_CHARS))
        .flatten()
    {
        None => Cow::Borrowed(s),
        Some((i, _)) => Cow::Owned(format!("{}… ({} characters)", &s[..i], s.chars().count())),
    };
    match mask_hetus(&clipped) {
        Cow::Borrowed(_) => clipped,
        Cow::Owned(m) => Cow::Owned(m),
    }
}

/// [`text`], quoted and escaped like `{:?}` (the clip note outside the quotes).
pub fn value(s: &str) -> String {
    if show_values() {
        return format!("{s:?}");
    }
    match (s.len() > MAX_ECHO_CHARS)
        .then(|| s.char_indices().nth(MAX_ECHO_CHARS))
        .flatten()
    {
        None => format!("{:?}", mask_hetus(s)),
        Some((i, _)) => format!(
            "{:?}… ({} characters)",
            mask_hetus(&s[..i]),
            s.chars().count()
        ),
    }
}

/// Most characters of a whole message by default.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// The last guard, applied to every finding's message ([`crate::Finding::new`]): unless
/// values are shown, personal identity codes anywhere in it are masked and it is cut at
/// [`MAX_MESSAGE_CHARS`] characters, whatever the message site quoted.
pub fn message(m: String) -> String {
    if show_values() {
        return m;
    }
    let m = match mask_hetus(&m) {
        Cow::Borrowed(_) => m,
        Cow::Owned(masked) => masked,
    };
    if m.len() <= MAX_MESSAGE_CHARS {
        return m;
    }
    match m.char_indices().nth(MAX_MESSAGE_CHARS) {
        None => m,
        Some((i, _)) => format!("{}…", &m[..i]),
    }
}

/// Most characters of one JSON pointer segment (an object key from the document) a
/// finding's pointer shows by default.
pub const MAX_POINTER_SEGMENT_CHARS: usize = 128;

/// A finding's JSON pointer as reports show it: unless values are shown, a segment
/// longer than [`MAX_POINTER_SEGMENT_CHARS`] (a hostile or broken key) is cut to its
/// first [`MAX_ECHO_CHARS`] characters and `…(N characters)`, so a report stays small;
/// such a pointer no longer resolves, and says so by the mark.
pub fn pointer(p: String) -> String {
    if show_values() || p.len() <= MAX_POINTER_SEGMENT_CHARS {
        return p;
    }
    let long = |seg: &str| seg.chars().nth(MAX_POINTER_SEGMENT_CHARS).is_some();
    if !p.split('/').any(long) {
        return p;
    }
    p.split('/')
        .map(|seg| match seg.char_indices().nth(MAX_ECHO_CHARS) {
            Some((i, _)) if long(seg) => {
                format!("{}…({} characters)", &seg[..i], seg.chars().count())
            }
            _ => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every substring shaped like a personal identity code (`DDMMYY`, a century sign,
/// three digits, a check character) with its last four characters masked.
fn mask_hetus(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let Some(first) = next_hetu(b, 0) else {
        return Cow::Borrowed(s);
    };
    let mut out = Vec::with_capacity(b.len());
    let mut copied = 0;
    let mut at = Some(first);
    while let Some(i) = at {
        out.extend_from_slice(&b[copied..i + 7]);
        out.extend_from_slice(b"****");
        copied = i + 11;
        at = next_hetu(b, copied);
    }
    out.extend_from_slice(&b[copied..]);
    // Only ASCII bytes were replaced by ASCII bytes: still UTF-8.
    Cow::Owned(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// Where the first identity-code shape at or after `from` starts. One pass over the runs
/// of digits: a code's first six digits end a run (its century sign is not a digit), so
/// each run of six or more digits has one candidate start, six before its end.
fn next_hetu(b: &[u8], from: usize) -> Option<usize> {
    let shaped = |i: usize| -> bool {
        b.len() >= i + 11
            && b[i..i + 6].iter().all(u8::is_ascii_digit)
            && b"+-YXWVUABCDEF".contains(&b[i + 6])
            && b[i + 7..i + 10].iter().all(u8::is_ascii_digit)
            && b[i + 10].is_ascii_alphanumeric()
    };
    let mut i = from;
    while i < b.len() {
        let start = i + b[i..].iter().position(u8::is_ascii_digit)?;
        let end = start
            + b[start..]
                .iter()
                .position(|c| !c.is_ascii_digit())
                .unwrap_or(b.len() - start);
        if end - start >= 6 && shaped(end - 6) {
            return Some(end - 6);
        }
        i = end;
    }
    None
}

#[cfg(test)]
mod tests {

    #[test]
    fn long_pointer_segments_are_cut_and_short_ones_kept() {
        let key = "k".repeat(1_000_000);
        let p = super::pointer(format!("/asiakkuusasiakirja/{key}/0"));
        assert!(p.len() < 200, "{}", p.len());
        assert!(p.starts_with("/asiakkuusasiakirja/kkkk"), "{p}");
        assert!(p.ends_with("…(1000000 characters)/0"), "{p}");
        let exact = format!("/a/{}/b", "x".repeat(super::MAX_POINTER_SEGMENT_CHARS));
        assert_eq!(super::pointer(exact.clone()), exact);
        let shown =
            super::with_show_values(true, || super::pointer(format!("/a/{}", "y".repeat(1000))));
        assert_eq!(shown.len(), 1003);
    }
    use super::*;

    #[test]
    fn clips_and_masks_by_default_and_shows_on_request() {
        let long = "x".repeat(10_000_000);
        let v = value(&long);
        assert!(v.len() < 80 && v.ends_with("(10000000 characters)"), "{v}");
        assert_eq!(value("lyhyt"), "\"lyhyt\"");
        assert_eq!(value("131052-308T"), "\"131052-****\"");
        assert_eq!(text("id 131052A308T, x"), "id 131052A****, x");
        assert_eq!(text("ääää"), "ääää");
        with_show_values(true, || {
            assert_eq!(value("131052-308T"), "\"131052-308T\"");
            assert_eq!(text(&long).len(), long.len());
        });
        assert!(!show_values(), "restored");
        assert_eq!(
            message("the frame's patient is `131052-308T`".into()),
            "the frame's patient is `131052-****`"
        );
        assert_eq!(
            message("y".repeat(5000)).chars().count(),
            MAX_MESSAGE_CHARS + 1
        );
        // At and around the limits of the shortcuts (byte length, digit count).
        let at_limit = "ä".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(message(at_limit.clone()), at_limit);
        assert_eq!(
            message("ä".repeat(MAX_MESSAGE_CHARS + 1)),
            format!("{at_limit}…")
        );
        assert_eq!(
            text(&"é".repeat(MAX_ECHO_CHARS)),
            "é".repeat(MAX_ECHO_CHARS)
        );
        assert!(text(&"é".repeat(MAX_ECHO_CHARS + 1)).ends_with("(41 characters)"));
        assert_eq!(text("x131052-308Tx"), "x131052-****x");
        assert_eq!(text("13105-308T 1"), "13105-308T 1");
        assert_eq!(text("010101-0101 020202A0202"), "010101-**** 020202A****");
    }

    /// The position-by-position reading the one-pass search is held to: a shape may
    /// start at every byte, and scanning goes on after each masked code.
    fn reference_mask(s: &str) -> String {
        let b = s.as_bytes();
        let shaped = |i: usize| {
            b.len() >= i + 11
                && b[i..i + 6].iter().all(u8::is_ascii_digit)
                && b"+-YXWVUABCDEF".contains(&b[i + 6])
                && b[i + 7..i + 10].iter().all(u8::is_ascii_digit)
                && b[i + 10].is_ascii_alphanumeric()
        };
        let (mut out, mut i) = (Vec::new(), 0);
        while i < b.len() {
            if shaped(i) {
                out.extend_from_slice(&b[i..i + 7]);
                out.extend_from_slice(b"****");
                i += 11;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).expect("ASCII for ASCII")
    }

    #[test]
    fn the_one_pass_mask_equals_the_position_by_position_reading() {
        // Strings over a small alphabet where codes, near-codes and runs of digits that
        // end one code and start the next are common.
        let alphabet = ['0', '1', '2', '9', '-', '+', 'A', 'Y', 'T', 'x', ' ', 'ä'];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut masked = 0;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 40) as usize;
            let mut x = state;
            let s: String = (0..len)
                .map(|k| {
                    x = x.rotate_left(5) ^ (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    // Digits most of the time.
                    if !x.is_multiple_of(3) {
                        alphabet[(x >> 8) as usize % 4]
                    } else {
                        alphabet[(x >> 8) as usize % alphabet.len()]
                    }
                })
                .collect();
            let got = mask_hetus(&s);
            assert_eq!(got, reference_mask(&s), "{s:?}");
            masked += usize::from(matches!(got, Cow::Owned(_)));
        }
        assert!(masked > 100, "only {masked} strings had a code");
    }
}
