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

pub mod codes;
pub mod date;
pub mod hetu;
pub mod nonempty;
pub mod pointer;
pub mod record;

pub use codes::{system_matches, CodeError, CodeSet, CodeValue, Coded, SystemRule};
pub use nonempty::{EmptyError, NonEmptyString, NonEmptyVec};

/// The identifier system of the Finnish personal identity code (see [`hetu::SYSTEM`]).
pub use hetu::SYSTEM as HETU_SYSTEM;

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
    /// An identifier in the hetu system that is not a personal identity code.
    #[error(transparent)]
    Hetu(#[from] hetu::HetuError),
    /// A fixed phrase other than the one the definition gives.
    #[error("`{found}` is not the fixed phrase `{expected}`")]
    Phrase {
        /// The text the definition fixes.
        expected: String,
        /// The text found.
        found: String,
    },
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
        let p = self.date_parts();
        (p.year, p.month, p.day)
    }

    /// The parts as the grammar reads them.
    pub fn date_parts(&self) -> date::DateParts {
        date::parse_date(&self.0).unwrap_or(date::DateParts {
            year: 0,
            month: None,
            day: None,
        })
    }

    /// The full date, when day precision is given.
    pub fn date(&self) -> Option<NaiveDate> {
        self.date_parts().date()
    }
}

impl FromStr for PartialDate {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        date::parse_date(s)
            .map(|_| PartialDate(s.to_string()))
            .map_err(|_| ValueError::Date(s.to_string()))
    }
}

impl TryFrom<String> for PartialDate {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        match date::parse_date(&s) {
            Ok(_) => Ok(PartialDate(s)),
            Err(_) => Err(ValueError::Date(s)),
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
        if date::parse_instant(s).is_ok() {
            Ok(Instant(s.to_string()))
        } else {
            Err(ValueError::Instant(s.to_string()))
        }
    }
}

impl TryFrom<String> for Instant {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        if date::parse_instant(&s).is_ok() {
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
/// personal identity code) and the value. In the hetu system ([`HETU_SYSTEM`]) the value
/// must be a valid personal identity code ([`hetu::parse`]) to deserialize.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "IdentifierData")]
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

    /// A Finnish personal identity code (*henkilötunnus*, system `urn:oid:1.2.246.21`),
    /// refused when it is not one (format, date, check character: [`hetu::parse`]).
    pub fn hetu(value: impl Into<String>) -> Result<Identifier, ValueError> {
        let value = value.into();
        hetu::parse(&value)?;
        Ok(Identifier::new(HETU_SYSTEM, value))
    }

    /// True when the system is the personal identity code's.
    pub fn is_hetu(&self) -> bool {
        self.system.as_deref().map(str::trim) == Some(HETU_SYSTEM)
    }
}

/// The JSON form of an [`Identifier`], before the hetu check.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentifierData {
    #[serde(default)]
    system: Option<String>,
    value: String,
}

impl TryFrom<IdentifierData> for Identifier {
    type Error = ValueError;
    fn try_from(d: IdentifierData) -> Result<Self, Self::Error> {
        let id = Identifier {
            system: d.system,
            value: d.value,
        };
        if id.is_hetu() {
            hetu::parse(&id.value)?;
        }
        Ok(id)
    }
}

/// An identifier of an element whose system is the personal identity code's
/// (*henkilötunnus*, [`HETU_SYSTEM`]): when the JSON gives no system, or gives the hetu
/// system, the value must be a valid personal identity code ([`hetu::parse`]), check
/// character included. Built only through [`HetuIdentifier::new`] /
/// [`HetuIdentifier::with_system`], which check the same.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "IdentifierData")]
pub struct HetuIdentifier {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    system: Option<String>,
    value: String,
}

impl HetuIdentifier {
    /// A personal identity code in the hetu system, refused when it is not one.
    pub fn new(value: impl Into<String>) -> Result<HetuIdentifier, ValueError> {
        HetuIdentifier::with_system(Some(HETU_SYSTEM.to_string()), value)
    }

    /// An identifier in `system` (none: the element's, the hetu system); a value in the
    /// hetu system must be a valid personal identity code.
    pub fn with_system(
        system: Option<String>,
        value: impl Into<String>,
    ) -> Result<HetuIdentifier, ValueError> {
        let value = value.into();
        let is_hetu = system.as_deref().is_none_or(|s| s.trim() == HETU_SYSTEM);
        if is_hetu {
            hetu::parse(&value)?;
        }
        Ok(HetuIdentifier { system, value })
    }

    /// The system, when given.
    pub fn system(&self) -> Option<&str> {
        self.system.as_deref()
    }

    /// The identifier.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The untyped form.
    pub fn to_identifier(&self) -> Identifier {
        Identifier {
            system: self.system.clone(),
            value: self.value.clone(),
        }
    }
}

impl TryFrom<IdentifierData> for HetuIdentifier {
    type Error = ValueError;
    fn try_from(d: IdentifierData) -> Result<Self, Self::Error> {
        HetuIdentifier::with_system(d.system, d.value)
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

impl Quantity {
    /// Read a quantity from its JSON form `{"value": number, "code": string}` (the one
    /// grammar of Määrä, Mitta and Prosentti; unknown members refused).
    pub fn from_json(v: &serde_json::Value) -> Option<Quantity> {
        let o = v.as_object()?;
        if o.len() != 2 {
            return None;
        }
        Some(Quantity {
            value: o.get("value")?.as_number()?.clone(),
            code: o.get("code")?.as_str()?.to_string(),
        })
    }

    /// The quantity as people read it: the number with a decimal comma, then the unit
    /// (`12,5 €`; the number alone when the unit is empty).
    pub fn display_text(&self) -> String {
        let n = format_number(&self.value);
        if self.code.is_empty() {
            n
        } else {
            format!("{n} {}", self.code)
        }
    }
}

/// A number as Finnish and Swedish readers write it: a decimal comma (`12,5`).
pub fn format_number(n: &Number) -> String {
    n.to_string().replace('.', ",")
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
        impl $crate::record::Field for $name {
            fn read(
                v: $crate::record::Value,
            ) -> ::std::result::Result<Self, $crate::record::ReadError> {
                let s = <::std::string::String as $crate::record::Field>::read(v)?;
                $crate::check_phrase(Self::TEXT, s).map_err($crate::record::ReadError::new)?;
                Ok($name)
            }
            fn write(&self) -> $crate::record::Value {
                $crate::record::Value::String(Self::TEXT.to_string())
            }
        }

        $crate::serde_via_field!($(#[$m])* $name);
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
    fn hetu_identifiers() {
        let ok = r#"{"system": "urn:oid:1.2.246.21", "value": "131052-308T"}"#;
        assert!(serde_json::from_str::<Identifier>(ok).is_ok());
        let bad = r#"{"system": "urn:oid:1.2.246.21", "value": "131052-308U"}"#;
        assert!(serde_json::from_str::<Identifier>(bad).is_err());
        let other = r#"{"system": "urn:oid:1.2.3", "value": "131052-308U"}"#;
        assert!(serde_json::from_str::<Identifier>(other).is_ok());
        assert!(Identifier::hetu("131052-308U").is_err());
        assert!(Identifier::hetu("131052-308T").is_ok());
        // The element's system is the hetu's: checked without a system member too.
        assert!(serde_json::from_str::<HetuIdentifier>(r#"{"value": "131052-308U"}"#).is_err());
        assert!(serde_json::from_str::<HetuIdentifier>(r#"{"value": "131052-308T"}"#).is_ok());
        assert!(serde_json::from_str::<HetuIdentifier>(bad).is_err());
        assert!(serde_json::from_str::<HetuIdentifier>(other).is_ok());
        assert!(HetuIdentifier::new("131052-308U").is_err());
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
        assert_eq!(q.display_text(), "12,5 €");
        let v = serde_json::json!({"value": 3, "code": "%"});
        assert_eq!(Quantity::from_json(&v).unwrap().display_text(), "3 %");
        assert!(Quantity::from_json(&serde_json::json!({"value": "3", "code": "%"})).is_none());
        assert!(serde_json::from_str::<Code>(r#"{"system":"s","code":"c"}"#).is_err());
        assert!(
            serde_json::from_str::<Identifier>(r#"{"value":"v","extra":1}"#).is_err(),
            "unknown field"
        );
    }
}
