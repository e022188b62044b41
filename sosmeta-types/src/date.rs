//! The one grammar of Sosmeta dates: *Pvm* (a partial date `YYYY`, `YYYY-MM`,
//! `YYYY-MM-DD`, optional leading `-` on the year) and *Hetki* (a partial date, or a
//! date-time `YYYY-MM-DDThh:mm:ss[.f]` with `Z` or `±hh:mm`), real calendar dates only.
//!
//! The validator's `date.calendar` rule, the typed [`crate::PartialDate`] and
//! [`crate::Instant`] and the XHTML renderer all read dates through [`parse_date`] and
//! [`parse_instant`]. Neither allocates unless the value is refused.

use chrono::NaiveDate;
use std::fmt;

/// The parts of a partial date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateParts {
    /// The year (negative for a leading `-`).
    pub year: i32,
    /// The month, 1–12, when given.
    pub month: Option<u32>,
    /// The day of the month, when given (then `month` is given too).
    pub day: Option<u32>,
}

impl DateParts {
    /// The full date, when day precision is given.
    pub fn date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month?, self.day?)
    }
}

/// The time of a date-time instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeParts<'a> {
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
    /// Second, 0–59.
    pub second: u32,
    /// The digits of the fraction of a second, without the dot (`""` when none).
    pub fraction: &'a str,
    /// The zone as written: `Z` or `±hh:mm`.
    pub zone: &'a str,
}

/// The parts of an instant (*Hetki*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstantParts<'a> {
    /// The (possibly partial) date.
    pub date: DateParts,
    /// The time and zone, when given (then the date is a full date).
    pub time: Option<TimeParts<'a>>,
}

/// Why a text is not a real date or instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateError {
    /// Not of the Pvm/Hetki shape at all (the schema's pattern refuses it too).
    Shape,
    /// Well shaped, month not 01–12.
    Month(u32),
    /// Well shaped, day `00`.
    DayZero,
    /// Well shaped, but the day does not exist in that month.
    NotCalendarDate {
        /// Year.
        year: i32,
        /// Month.
        month: u32,
        /// Day.
        day: u32,
    },
    /// Hour, minute or second out of range.
    Time {
        /// Hour.
        hour: u32,
        /// Minute.
        minute: u32,
        /// Second.
        second: u32,
    },
    /// A zone offset beyond ±14:00 or with minutes over 59.
    Zone {
        /// Hours of the offset.
        hours: u32,
        /// Minutes of the offset.
        minutes: u32,
    },
    /// A date-time without a zone.
    NoZone,
}

impl DateError {
    /// True when the text is well shaped but names no real date or time (the schema's
    /// pattern accepts it; only the Sosmeta rule refuses it).
    pub fn is_calendar(&self) -> bool {
        !matches!(self, DateError::Shape)
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DateError::Shape => f.write_str("not of the shape YYYY, YYYY-MM or YYYY-MM-DD"),
            DateError::Month(m) => write!(f, "month {m:02} does not exist"),
            DateError::DayZero => f.write_str("day 00 does not exist"),
            DateError::NotCalendarDate { year, month, day } => {
                write!(f, "{year:04}-{month:02}-{day:02} is not a calendar date")
            }
            DateError::Time {
                hour,
                minute,
                second,
            } => write!(f, "{hour:02}:{minute:02}:{second:02} is not a time of day"),
            DateError::Zone { hours, minutes } => {
                write!(f, "zone offset {hours:02}:{minutes:02} does not exist")
            }
            DateError::NoZone => f.write_str("an instant with a time needs a zone (Z or ±hh:mm)"),
        }
    }
}

impl std::error::Error for DateError {}

fn digits(s: &[u8]) -> Result<u32, DateError> {
    if s.is_empty() || s.len() > 9 || !s.iter().all(u8::is_ascii_digit) {
        return Err(DateError::Shape);
    }
    Ok(s.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// The date at the start of `b` and the rest of the text after it.
fn date_prefix(b: &[u8]) -> Result<(DateParts, &[u8]), DateError> {
    let (neg, b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    if b.len() < 4 {
        return Err(DateError::Shape);
    }
    let year = digits(&b[..4])? as i32;
    let year = if neg { -year } else { year };
    let mut parts = DateParts {
        year,
        month: None,
        day: None,
    };
    if b.len() == 4 {
        return Ok((parts, &[]));
    }
    if b.len() < 7 || b[4] != b'-' {
        return Err(DateError::Shape);
    }
    let month = digits(&b[5..7])?;
    if !(1..=12).contains(&month) {
        return Err(DateError::Month(month));
    }
    parts.month = Some(month);
    if b.len() == 7 {
        return Ok((parts, &[]));
    }
    if b.len() < 10 || b[7] != b'-' {
        return Err(DateError::Shape);
    }
    let day = digits(&b[8..10])?;
    if NaiveDate::from_ymd_opt(year, month, day).is_none() {
        return Err(if day == 0 {
            DateError::DayZero
        } else {
            DateError::NotCalendarDate { year, month, day }
        });
    }
    parts.day = Some(day);
    Ok((parts, &b[10..]))
}

/// Parse a partial date (*Pvm*): `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real calendar date.
pub fn parse_date(s: &str) -> Result<DateParts, DateError> {
    match date_prefix(s.as_bytes())? {
        (parts, []) => Ok(parts),
        _ => Err(DateError::Shape),
    }
}

/// Parse an instant (*Hetki*): a partial date, or `YYYY-MM-DDThh:mm:ss[.f]` followed by
/// `Z` or `±hh:mm` (offsets up to ±14:00), real calendar dates and times only.
pub fn parse_instant(s: &str) -> Result<InstantParts<'_>, DateError> {
    let (date, rest) = date_prefix(s.as_bytes())?;
    if rest.is_empty() {
        return Ok(InstantParts { date, time: None });
    }
    if rest[0] != b'T' {
        return Err(DateError::Shape);
    }
    // `rest` is a suffix of `s` after ASCII bytes, so this index is a char boundary.
    let t = &s[s.len() - rest.len() + 1..];
    let time = parse_time(t)?;
    Ok(InstantParts {
        date,
        time: Some(time),
    })
}

fn parse_time(t: &str) -> Result<TimeParts<'_>, DateError> {
    let b = t.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return Err(DateError::Shape);
    }
    let hour = digits(&b[0..2])?;
    let minute = digits(&b[3..5])?;
    let second = digits(&b[6..8])?;
    if hour > 23 || minute > 59 || second > 59 {
        return Err(DateError::Time {
            hour,
            minute,
            second,
        });
    }
    let mut rest = &t[8..];
    let mut fraction = "";
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err(DateError::Shape);
        }
        fraction = &frac[..n];
        rest = &frac[n..];
    }
    let zone = rest;
    match rest.as_bytes() {
        [b'Z'] => {}
        [b'+' | b'-', zh @ ..] if zh.len() == 5 && zh[2] == b':' => {
            let hours = digits(&zh[0..2])?;
            let minutes = digits(&zh[3..5])?;
            if minutes > 59 || hours > 14 || (hours == 14 && minutes != 0) {
                return Err(DateError::Zone { hours, minutes });
            }
        }
        [] => return Err(DateError::NoZone),
        _ => return Err(DateError::Shape),
    }
    Ok(TimeParts {
        hour,
        minute,
        second,
        fraction,
        zone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_dates_pass() {
        for ok in ["2023", "2023-02", "2024-02-29", "2023-12-31", "-0044-03-15"] {
            assert!(parse_date(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            parse_date("2023-06").unwrap(),
            DateParts {
                year: 2023,
                month: Some(6),
                day: None
            }
        );
        for ok in [
            "2023-06-01T12:30:00Z",
            "2023-06-01T23:59:59.123+02:00",
            "2023-06-01T00:00:00-14:00",
            "2023-06",
        ] {
            assert!(parse_instant(ok).is_ok(), "{ok}");
        }
        let t = parse_instant("2023-06-01T23:59:59.123+02:00")
            .unwrap()
            .time
            .unwrap();
        assert_eq!((t.hour, t.minute, t.second), (23, 59, 59));
        assert_eq!((t.fraction, t.zone), ("123", "+02:00"));
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
            assert!(parse_date(bad).unwrap_err().is_calendar(), "{bad}");
        }
        assert_eq!(parse_date("2023-01-00"), Err(DateError::DayZero));
        assert!(parse_instant("2023-02-30T10:00:00Z")
            .unwrap_err()
            .is_calendar());
        assert_eq!(parse_instant("2023-01-01T10:00:00"), Err(DateError::NoZone));
        assert_eq!(parse_date("2023-01-01T10:00:00Z"), Err(DateError::Shape));
        assert_eq!(parse_date("23-01-01"), Err(DateError::Shape));
        for bad in [
            "2023-06-01T24:00:00Z",
            "2023-06-01T12:30Z",
            "2023-06-01T12:30:00+15:00",
            "2023-06T12:30:00Z",
            "2023-06-01T12:30:00.Z",
            "2023-06-01T12:30:00+0300",
            "2023-06-01Tä",
            "２０２３",
        ] {
            assert!(parse_instant(bad).is_err(), "{bad}");
        }
    }
}
