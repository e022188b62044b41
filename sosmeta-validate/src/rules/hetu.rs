//! `hetu.checksum`: a Tunnus in system `urn:oid:1.2.246.21` is a Finnish personal
//! identity code (*henkilötunnus*): `DDMMYYCZZZQ` with a real date, a century sign
//! (`+` 1800s; `-`, `Y`, `X`, `W`, `V`, `U` 1900s; `A`–`F` 2000s, the letters added in
//! 2023) and the check character. Other systems (e.g. temporary identifiers) are not
//! checked.

use super::Walk;
use crate::finding::{rules, Severity};
use crate::json_tree::{JsonView, ObjectRef};
use chrono::NaiveDate;

/// The identifier system of the Finnish personal identity code.
pub const HETU_SYSTEM: &str = "urn:oid:1.2.246.21";

const CHECK_CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// Check a personal identity code; `Err` says what is wrong.
pub fn check_hetu(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    if b.len() != 11 || !s.is_ascii() {
        return Err(format!(
            "{s:?} is not a personal identity code (11 characters DDMMYYCZZZQ)"
        ));
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &b[r];
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| std::str::from_utf8(part).ok()?.parse().ok())
            .flatten()
    };
    let (Some(dd), Some(mm), Some(yy), Some(zzz)) = (num(0..2), num(2..4), num(4..6), num(7..10))
    else {
        return Err(format!(
            "{s:?} is not a personal identity code (DDMMYY and ZZZ must be digits)"
        ));
    };
    let century = match b[6] {
        b'+' => 1800,
        b'-' | b'Y' | b'X' | b'W' | b'V' | b'U' => 1900,
        b'A' | b'B' | b'C' | b'D' | b'E' | b'F' => 2000,
        c => {
            return Err(format!(
                "{s:?}: `{}` is not a century sign (+, -, Y, X, W, V, U, A-F)",
                c as char
            ))
        }
    };
    if NaiveDate::from_ymd_opt(century + yy as i32, mm, dd).is_none() {
        return Err(format!(
            "{s:?}: {:04}-{mm:02}-{dd:02} is not a date of birth",
            century + yy as i32
        ));
    }
    if zzz < 2 {
        return Err(format!("{s:?}: individual number {zzz:03} is not in use"));
    }
    let n = (dd * 10_000 + mm * 100 + yy) as u64 * 1000 + zzz as u64;
    let want = CHECK_CHARS[(n % 31) as usize];
    if b[10] != want {
        return Err(format!(
            "{s:?}: check character is `{}`, expected `{}`",
            b[10] as char, want as char
        ));
    }
    Ok(())
}

/// The rule on one Tunnus object.
/// `by_default`: whether the element's own system is the personal identity code's (for
/// a value without a `system` member).
pub fn check(w: &mut Walk<'_>, by_default: bool, map: ObjectRef<'_>) {
    let is_hetu = match map.get("system").map(|v| v.view()) {
        Some(JsonView::String(sys)) => sys.trim() == HETU_SYSTEM,
        Some(_) => false,
        None => by_default,
    };
    if !is_hetu {
        return;
    }
    if let Some(v) = map.get("value").and_then(|v| v.as_str()) {
        if let Err(why) = check_hetu(v) {
            w.report(rules::HETU_CHECKSUM, Severity::Error, &["value"], why);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_hetu;

    #[test]
    fn valid_codes() {
        for ok in [
            "131052-308T",
            "010101A123N",
            "010594Y9032",
            "010594Y9021",
            "020594X903P",
            "020594X902N",
            "030594W903B",
            "030694W9024",
            "040594V9030",
            "040594V902Y",
            "050594U903M",
            "050594U902L",
            "010516B903X",
            "010516B902W",
            "020516C903K",
            "020516C902J",
            "030516D9037",
            "030516D9026",
            "010501E9032",
            "020502E902X",
            "020503F9037",
            "020504A902E",
            "020504B904H",
        ] {
            assert_eq!(check_hetu(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn invalid_codes() {
        for bad in [
            "131052-308U",
            "310252-308T",
            "131052G308T",
            "131052-308",
            "131052-000T",
            "1310520308T",
            "131052-30ÄT",
        ] {
            assert!(check_hetu(bad).is_err(), "{bad}");
        }
    }
}
