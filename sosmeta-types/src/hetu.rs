//! The one grammar of the Finnish personal identity code (*henkilötunnus*, hetu):
//! `DDMMYYCZZZQ` with a real date of birth, a century sign (`+` 1800s; `-`, `Y`, `X`,
//! `W`, `V`, `U` 1900s; `A`–`F` 2000s, the letters added in 2023), an individual number
//! from 002 and the check character. The validator's `hetu.checksum` rule, the typed
//! [`crate::Identifier`] and the model's samples use it.

use chrono::NaiveDate;
use std::fmt;

/// The identifier system (`systemUri`) of the Finnish personal identity code.
pub const SYSTEM: &str = "urn:oid:1.2.246.21";

/// The check characters, indexed by `DDMMYYZZZ mod 31`.
const CHECK_CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// The check character of the nine digits `DDMMYYZZZ` read as one number.
pub fn check_character(digits: u64) -> char {
    CHECK_CHARS[(digits % 31) as usize] as char
}

/// Why a text is not a personal identity code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HetuError {
    /// The text refused.
    pub value: String,
    /// What is wrong.
    pub kind: HetuErrorKind,
}

/// What is wrong with a personal identity code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HetuErrorKind {
    /// Not 11 ASCII characters.
    Length,
    /// `DDMMYY` or `ZZZ` not digits.
    NotDigits,
    /// The seventh character is no century sign.
    CenturySign(char),
    /// The date of birth does not exist.
    BirthDate {
        /// Year (with the century).
        year: i32,
        /// Month.
        month: u32,
        /// Day.
        day: u32,
    },
    /// Individual number 000 or 001.
    IndividualNumber(u32),
    /// Wrong check character.
    CheckCharacter {
        /// The character found.
        found: char,
        /// The right one.
        expected: char,
    },
}

/// A personal identity code as messages may show it: the date part and the century sign
/// at most, the rest masked (`150487-****`), and never more than 16 characters of a long
/// value. Messages end up in logs and CI systems; a whole hetu is personal data.
pub fn masked(value: &str) -> String {
    let shown: String = value.chars().take(7).collect();
    let rest = value.chars().count().saturating_sub(7);
    let stars = "*".repeat(rest.min(4));
    let more = if rest > 4 { "…" } else { "" };
    format!("{shown}{stars}{more}")
}

impl fmt::Display for HetuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &masked(&self.value);
        match self.kind {
            HetuErrorKind::Length => write!(
                f,
                "{s:?} is not a personal identity code (11 characters DDMMYYCZZZQ)"
            ),
            HetuErrorKind::NotDigits => write!(
                f,
                "{s:?} is not a personal identity code (DDMMYY and ZZZ must be digits)"
            ),
            HetuErrorKind::CenturySign(c) => write!(
                f,
                "{s:?}: `{c}` is not a century sign (+, -, Y, X, W, V, U, A-F)"
            ),
            HetuErrorKind::BirthDate { year, month, day } => write!(
                f,
                "{s:?}: {year:04}-{month:02}-{day:02} is not a date of birth"
            ),
            HetuErrorKind::IndividualNumber(n) => {
                write!(f, "{s:?}: individual number {n:03} is not in use")
            }
            HetuErrorKind::CheckCharacter { .. } => write!(
                f,
                "{s:?}: the check character is wrong (it does not match the date and individual number)"
            ),
        }
    }
}

impl std::error::Error for HetuError {}

/// Check a personal identity code; `Ok` gives the date of birth.
pub fn parse(s: &str) -> Result<NaiveDate, HetuError> {
    let fail = |kind| {
        Err(HetuError {
            value: s.to_string(),
            kind,
        })
    };
    let b = s.as_bytes();
    if b.len() != 11 || !s.is_ascii() {
        return fail(HetuErrorKind::Length);
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &b[r];
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (Some(dd), Some(mm), Some(yy), Some(zzz)) = (num(0..2), num(2..4), num(4..6), num(7..10))
    else {
        return fail(HetuErrorKind::NotDigits);
    };
    let century = match b[6] {
        b'+' => 1800,
        b'-' | b'Y' | b'X' | b'W' | b'V' | b'U' => 1900,
        b'A' | b'B' | b'C' | b'D' | b'E' | b'F' => 2000,
        c => return fail(HetuErrorKind::CenturySign(c as char)),
    };
    let year = century + yy as i32;
    let Some(born) = NaiveDate::from_ymd_opt(year, mm, dd) else {
        return fail(HetuErrorKind::BirthDate {
            year,
            month: mm,
            day: dd,
        });
    };
    if zzz < 2 {
        return fail(HetuErrorKind::IndividualNumber(zzz));
    }
    let n = u64::from(dd * 10_000 + mm * 100 + yy) * 1000 + u64::from(zzz);
    let expected = check_character(n);
    if b[10] as char != expected {
        return fail(HetuErrorKind::CheckCharacter {
            found: b[10] as char,
            expected,
        });
    }
    Ok(born)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert!(parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            parse("131052-308T").unwrap(),
            NaiveDate::from_ymd_opt(1952, 10, 13).unwrap()
        );
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
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse("131052-308U").unwrap_err().to_string(),
            "\"131052-****\": the check character is wrong (it does not match the date and individual number)"
        );
    }

    #[test]
    fn masked_never_shows_a_whole_code_or_a_long_value() {
        assert_eq!(masked("131052-308U"), "131052-****");
        assert_eq!(masked("1310"), "1310");
        let long = "9".repeat(10_000_000);
        let m = masked(&long);
        assert!(m.chars().count() <= 12, "{m}");
    }
}
