//! # sosmeta-types
//!
//! The leaf value types of Sosmeta documents, used by the generated typed Rust
//! (`sosmeta-generated`). Each one refuses malformed values when deserializing, so a
//! document that parses is well-shaped down to its dates:
//!
//! | representation | type |
//! |---|---|
//! | Pvm | [`PartialDate`]: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, real calendar dates only |
//! | Hetki | [`Instant`]: a partial date, or a date-time with seconds and zone |
//! | Koodi | [`Code`] `{system, code, display}` |
//! | Tunnus | [`Identifier`] `{system?, value}` |
//! | Määrä, Mitta, Prosentti | [`Quantity`] `{value, code}` |
//! | Lkm, Numero | [`Number`] (keeps integer vs decimal form) |
//! | Fraasi | a unit struct made by [`fixed_phrase!`] |
//!
//! ```
//! use sosmeta_types::PartialDate;
//! assert!("2024-02-29".parse::<PartialDate>().is_ok());
//! assert!("2023-02-29".parse::<PartialDate>().is_err());
//! assert!("2023-00".parse::<PartialDate>().is_err());
//! ```

#![warn(missing_docs)]

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A JSON number that keeps its form: an integer stays an integer, a decimal a decimal.
pub type Number = serde_json::Number;

/// Why a leaf value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, or not a real calendar date.
    #[error("`{0}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date)")]
    Date(String),
    /// Not a partial date nor a date-time with seconds and zone.
    #[error("`{0}` is not an instant (a date, or YYYY-MM-DDThh:mm:ss[.f] with Z or ±hh:mm)")]
    Instant(String),
    /// A fixed phrase other than the one the definition gives.
    #[error("`{found}` is not the fixed phrase `{expected}`")]
    Phrase {
        /// The text the definition fixes.
        expected: String,
        /// The text found.
        found: String,
    },
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The parts of a partial date, if `s` is one (year may carry a leading `-`).
fn parse_partial(s: &str) -> Option<(i32, Option<u32>, Option<u32>)> {
    let (neg, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let mut parts = rest.split('-');
    let y = parts.next()?;
    if y.len() != 4 || !digits(y) {
        return None;
    }
    let mut year: i32 = y.parse().ok()?;
    if neg {
        year = -year;
    }
    let m = match parts.next() {
        None => return Some((year, None, None)),
        Some(m) if m.len() == 2 && digits(m) => m.parse::<u32>().ok()?,
        Some(_) => return None,
    };
    if !(1..=12).contains(&m) {
        return None;
    }
    let d = match parts.next() {
        None => return Some((year, Some(m), None)),
        Some(d) if d.len() == 2 && digits(d) => d.parse::<u32>().ok()?,
        Some(_) => return None,
    };
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(year, m, d)?;
    Some((year, Some(m), Some(d)))
}

/// A possibly partial date (*Pvm*): `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, always a real
/// calendar date (the schema's regex alone lets through `2023-02-30` and day `00`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate(String);

impl PartialDate {
    /// A full date.
    pub fn from_date(date: NaiveDate) -> PartialDate {
        PartialDate(date.format("%Y-%m-%d").to_string())
    }

    /// The text as written in JSON.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Year, and month and day when given.
    pub fn parts(&self) -> (i32, Option<u32>, Option<u32>) {
        parse_partial(&self.0).unwrap_or((0, None, None))
    }

    /// The full date, when day precision is given.
    pub fn date(&self) -> Option<NaiveDate> {
        match self.parts() {
            (y, Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d),
            _ => None,
        }
    }
}

impl FromStr for PartialDate {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_partial(s)
            .map(|_| PartialDate(s.to_string()))
            .ok_or_else(|| ValueError::Date(s.to_string()))
    }
}

impl TryFrom<String> for PartialDate {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        match parse_partial(&s) {
            Some(_) => Ok(PartialDate(s)),
            None => Err(ValueError::Date(s)),
        }
    }
}

impl From<PartialDate> for String {
    fn from(d: PartialDate) -> String {
        d.0
    }
}

impl From<NaiveDate> for PartialDate {
    fn from(d: NaiveDate) -> Self {
        PartialDate::from_date(d)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn valid_instant(s: &str) -> bool {
    let Some((date, rest)) = s.split_once('T') else {
        return parse_partial(s).is_some();
    };
    if !matches!(parse_partial(date), Some((_, Some(_), Some(_)))) {
        return false;
    }
    // hh:mm:ss[.f] then Z or ±hh:mm
    let b = rest.as_bytes();
    if b.len() < 9 {
        return false;
    }
    let two = |i: usize, max: u32| -> bool {
        rest.get(i..i + 2)
            .filter(|t| digits(t))
            .and_then(|t| t.parse::<u32>().ok())
            .is_some_and(|v| v <= max)
    };
    if !(two(0, 23) && b[2] == b':' && two(3, 59) && b[5] == b':' && two(6, 59)) {
        return false;
    }
    let mut zone = &rest[8..];
    if let Some(frac) = zone.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        zone = &frac[n..];
    }
    if zone == "Z" {
        return true;
    }
    let Some(z) = zone.strip_prefix(['+', '-']) else {
        return false;
    };
    let zb = z.as_bytes();
    if zb.len() != 5 || zb[2] != b':' || !digits(&z[..2]) || !digits(&z[3..]) {
        return false;
    }
    let (h, m): (u32, u32) = (z[..2].parse().unwrap_or(99), z[3..].parse().unwrap_or(99));
    (h <= 13 && m <= 59) || (h == 14 && m == 0)
}

/// An instant (*Hetki*): a partial date, or a date-time with seconds and a zone
/// (`2023-06-01T12:30:00+03:00`, `2023-06-01T09:30:00.5Z`), real calendar dates only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Instant(String);

impl Instant {
    /// The text as written in JSON.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The date-time, when time and zone are given.
    pub fn date_time(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        chrono::DateTime::parse_from_rfc3339(&self.0).ok()
    }
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for Instant
where
    Tz::Offset: fmt::Display,
{
    fn from(t: chrono::DateTime<Tz>) -> Self {
        Instant(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl From<PartialDate> for Instant {
    fn from(d: PartialDate) -> Self {
        Instant(d.0)
    }
}

impl FromStr for Instant {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if valid_instant(s) {
            Ok(Instant(s.to_string()))
        } else {
            Err(ValueError::Instant(s.to_string()))
        }
    }
}

impl TryFrom<String> for Instant {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        if valid_instant(&s) {
            Ok(Instant(s))
        } else {
            Err(ValueError::Instant(s))
        }
    }
}

impl From<Instant> for String {
    fn from(i: Instant) -> String {
        i.0
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A coded value (*Koodi*): the code system (`urn:oid:...`), the code and its display text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// The code system, e.g. `urn:oid:1.2.246.537.6.1252.201501`.
    pub system: String,
    /// The code, e.g. `31`.
    pub code: String,
    /// The display text, e.g. `Huoltaja`.
    pub display: String,
}

impl Code {
    /// A code from its three parts.
    pub fn new(
        system: impl Into<String>,
        code: impl Into<String>,
        display: impl Into<String>,
    ) -> Code {
        Code {
            system: system.into(),
            code: code.into(),
            display: display.into(),
        }
    }
}

/// An identifier (*Tunnus*): an optional system (e.g. `urn:oid:1.2.246.21`, the Finnish
/// personal identity code) and the value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    /// The identifier system, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The identifier.
    pub value: String,
}

impl Identifier {
    /// An identifier in `system`.
    pub fn new(system: impl Into<String>, value: impl Into<String>) -> Identifier {
        Identifier {
            system: Some(system.into()),
            value: value.into(),
        }
    }

    /// A Finnish personal identity code (*henkilötunnus*, system `urn:oid:1.2.246.21`).
    pub fn hetu(value: impl Into<String>) -> Identifier {
        Identifier::new("urn:oid:1.2.246.21", value)
    }
}

/// An amount, measure or percentage (*Määrä*, *Mitta*, *Prosentti*): a number and its
/// unit code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    /// The number, in the form written (integer or decimal).
    pub value: Number,
    /// The unit code, e.g. `€` or `%`.
    pub code: String,
}

impl Quantity {
    /// A quantity from a number and a unit.
    pub fn new(value: impl Into<Number>, code: impl Into<String>) -> Quantity {
        Quantity {
            value: value.into(),
            code: code.into(),
        }
    }
}

/// A decimal number, when finite (`None` for NaN and infinities, which JSON cannot hold).
pub fn decimal(v: f64) -> Option<Number> {
    Number::from_f64(v)
}

/// Deserialize a `Vec` that must hold at least `N` items (`minItems`).
pub fn de_min_items<'de, D, T, const N: usize>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let v = Vec::<T>::deserialize(d)?;
    if v.len() < N {
        return Err(<D::Error as serde::de::Error>::invalid_length(
            v.len(),
            &format!("at least {N} item(s) (minItems)").as_str(),
        ));
    }
    Ok(v)
}

/// Deserialize an optional `Vec` that, when present, must hold at least `N` items.
pub fn de_opt_min_items<'de, D, T, const N: usize>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    de_min_items::<D, T, N>(d).map(Some)
}

/// Check a fixed phrase (used by [`fixed_phrase!`]).
pub fn check_phrase(expected: &str, found: String) -> Result<(), ValueError> {
    if found == expected {
        Ok(())
    } else {
        Err(ValueError::Phrase {
            expected: expected.to_string(),
            found,
        })
    }
}

/// Define a unit struct for a fixed phrase (*Fraasi*): it serializes to the text and
/// deserializes only from exactly that text. The attributes given (doc, cfg) are put on
/// the struct and on each of its impls.
///
/// ```
/// sosmeta_types::fixed_phrase!(
///     /// A phrase.
///     Suostumus, "Asiakas on antanut suostumuksen."
/// );
/// let json = serde_json::to_string(&Suostumus).unwrap();
/// assert_eq!(json, "\"Asiakas on antanut suostumuksen.\"");
/// assert!(serde_json::from_str::<Suostumus>("\"muu\"").is_err());
/// ```
#[macro_export]
macro_rules! fixed_phrase {
    ($(#[$m:meta])* $name:ident, $text:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        $(#[$m])*
        impl $name {
            /// The fixed text.
            pub const TEXT: &'static str = $text;
        }

        $(#[$m])*
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(Self::TEXT)
            }
        }

        $(#[$m])*
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::string::String as ::serde::Deserialize>::deserialize(d)?;
                $crate::check_phrase(Self::TEXT, s)
                    .map_err(<D::Error as ::serde::de::Error>::custom)?;
                Ok($name)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates() {
        for ok in ["2023", "2023-06", "2023-06-01", "2024-02-29", "-0044-03-15"] {
            assert!(ok.parse::<PartialDate>().is_ok(), "{ok}");
        }
        for bad in [
            "",
            "23",
            "2023-6",
            "2023-13",
            "2023-00",
            "2023-02-30",
            "2023-06-00",
            "2023-06-01T",
            "2023-06-01-",
            "20230601",
            "2023/06/01",
            "２０２３",
        ] {
            assert!(bad.parse::<PartialDate>().is_err(), "{bad}");
        }
        let d: PartialDate = serde_json::from_str("\"2023-06\"").unwrap();
        assert_eq!(d.parts(), (2023, Some(6), None));
        assert!(serde_json::from_str::<PartialDate>("\"2023-02-30\"").is_err());
        assert!(serde_json::from_str::<PartialDate>("20230101").is_err());
    }

    #[test]
    fn instants() {
        for ok in [
            "2023",
            "2023-06-01",
            "2023-06-01T12:30:00+03:00",
            "2023-06-01T12:30:00.123Z",
            "2023-06-01T23:59:59-14:00",
        ] {
            assert!(ok.parse::<Instant>().is_ok(), "{ok}");
        }
        for bad in [
            "2023-06-01T24:00:00Z",
            "2023-06-01T12:30Z",
            "2023-06-01T12:30:00",
            "2023-06-01T12:30:00+15:00",
            "2023-06T12:30:00Z",
            "2023-02-30T12:30:00Z",
            "2023-06-01T12:30:00.Z",
            "2023-06-01T12:30:00+0300",
        ] {
            assert!(bad.parse::<Instant>().is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_keep_form() {
        let q: Quantity = serde_json::from_str(r#"{"value": 12, "code": "€"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&q).unwrap(),
            r#"{"value":12,"code":"€"}"#
        );
        let q: Quantity = serde_json::from_str(r#"{"value": 12.5, "code": "€"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&q).unwrap(),
            r#"{"value":12.5,"code":"€"}"#
        );
        assert!(serde_json::from_str::<Quantity>(r#"{"value": "1", "code": "€"}"#).is_err());
        assert!(serde_json::from_str::<Code>(r#"{"system":"s","code":"c"}"#).is_err());
        assert!(
            serde_json::from_str::<Identifier>(r#"{"value":"v","extra":1}"#).is_err(),
            "unknown field"
        );
    }
}
