//! `date.calendar`: Pvm and Hetki values must be real dates and instants.
//!
//! The schema pattern accepts day `00`, `2023-02-30` and `2023-02-29`; partial dates
//! `YYYY` and `YYYY-MM` are valid. Values whose shape the pattern refuses are left to
//! the schema layer.

use super::Walk;
use crate::finding::{rules, Severity};
use chrono::NaiveDate;

/// Why a date-like value is not real.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    /// The text is not of the Pvm/Hetki shape at all (the schema reports it).
    Shape,
    /// Well shaped, but not a real date or time; the text says why.
    Calendar(String),
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Check a partial date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, optional leading `-`) or,
/// when `instant`, also a date-time `YYYY-MM-DDThh:mm:ss[.f](Z|±hh:mm)`.
pub fn check_value(s: &str, instant: bool) -> Result<(), DateProblem> {
    let b = s.as_bytes();
    let (neg, b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    if b.len() < 4 {
        return Err(DateProblem::Shape);
    }
    let year = digits(&b[..4]).ok_or(DateProblem::Shape)? as i32;
    let year = if neg { -year } else { year };
    if b.len() == 4 {
        return Ok(());
    }
    if b.len() < 7 || b[4] != b'-' {
        return Err(DateProblem::Shape);
    }
    let month = digits(&b[5..7]).ok_or(DateProblem::Shape)?;
    if !(1..=12).contains(&month) {
        return Err(DateProblem::Calendar(format!(
            "month {month:02} does not exist"
        )));
    }
    if b.len() == 7 {
        return Ok(());
    }
    if b.len() < 10 || b[7] != b'-' {
        return Err(DateProblem::Shape);
    }
    let day = digits(&b[8..10]).ok_or(DateProblem::Shape)?;
    if NaiveDate::from_ymd_opt(year, month, day).is_none() {
        return Err(DateProblem::Calendar(if day == 0 {
            "day 00 does not exist".to_string()
        } else {
            format!("{year:04}-{month:02}-{day:02} is not a calendar date")
        }));
    }
    let rest = &b[10..];
    if rest.is_empty() {
        return Ok(());
    }
    if !instant || rest[0] != b'T' {
        return Err(DateProblem::Shape);
    }
    check_time(&rest[1..])
}

fn check_time(t: &[u8]) -> Result<(), DateProblem> {
    if t.len() < 8 || t[2] != b':' || t[5] != b':' {
        return Err(DateProblem::Shape);
    }
    let h = digits(&t[0..2]).ok_or(DateProblem::Shape)?;
    let m = digits(&t[3..5]).ok_or(DateProblem::Shape)?;
    let s = digits(&t[6..8]).ok_or(DateProblem::Shape)?;
    if h > 23 || m > 59 || s > 59 {
        return Err(DateProblem::Calendar(format!(
            "{h:02}:{m:02}:{s:02} is not a time of day"
        )));
    }
    let mut rest = &t[8..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(DateProblem::Shape);
        }
        rest = &frac[n..];
    }
    match rest {
        [b'Z'] => Ok(()),
        [sign @ (b'+' | b'-'), zh @ ..] if zh.len() == 5 && zh[2] == b':' => {
            let _ = sign;
            let zh_ = digits(&zh[0..2]).ok_or(DateProblem::Shape)?;
            let zm = digits(&zh[3..5]).ok_or(DateProblem::Shape)?;
            if zm > 59 || zh_ > 14 || (zh_ == 14 && zm != 0) {
                Err(DateProblem::Calendar(format!(
                    "zone offset {zh_:02}:{zm:02} does not exist"
                )))
            } else {
                Ok(())
            }
        }
        [] => Err(DateProblem::Calendar(
            "an instant with a time needs a zone (Z or ±hh:mm)".to_string(),
        )),
        _ => Err(DateProblem::Shape),
    }
}

/// The rule: report values that are well shaped but not real.
pub fn check(w: &mut Walk<'_>, value: &str, instant: bool) {
    if let Err(DateProblem::Calendar(why)) = check_value(value, instant) {
        let kind = if instant {
            "instant (Hetki)"
        } else {
            "date (Pvm)"
        };
        let msg = format!("{value:?} is not a real {kind}: {why}");
        w.report(rules::DATE_CALENDAR, Severity::Error, &[], msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_dates_pass() {
        for ok in ["2023", "2023-02", "2024-02-29", "2023-12-31", "-0044-03-15"] {
            assert_eq!(check_value(ok, false), Ok(()), "{ok}");
        }
        for ok in [
            "2023-06-01T12:30:00Z",
            "2023-06-01T23:59:59.123+02:00",
            "2023-06-01T00:00:00-14:00",
            "2023-06",
        ] {
            assert_eq!(check_value(ok, true), Ok(()), "{ok}");
        }
    }

    #[test]
    fn impossible_dates_fail() {
        for bad in [
            "2023-02-29",
            "2023-02-30",
            "2023-04-31",
            "2023-01-00",
            "2023-13",
        ] {
            assert!(
                matches!(check_value(bad, false), Err(DateProblem::Calendar(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            check_value("2023-02-30T10:00:00Z", true),
            Err(DateProblem::Calendar(_))
        ));
        assert!(matches!(
            check_value("2023-01-01T10:00:00", true),
            Err(DateProblem::Calendar(_))
        ));
        assert_eq!(
            check_value("2023-01-01T10:00:00Z", false),
            Err(DateProblem::Shape)
        );
        assert_eq!(check_value("23-01-01", false), Err(DateProblem::Shape));
    }
}
