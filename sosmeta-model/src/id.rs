//! Identifiers of definitions: OID + version date, and the ways users write them.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A definition version (*asiakirjarakenteen versio*): OID without the version suffix and
/// the version date, e.g. `1.2.246.537.6.1505.1@2023-06-01`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DefinitionId {
    /// The definition's OID, e.g. `1.2.246.537.6.1505.1`.
    pub oid: String,
    /// The version date (`documentDefinitionVersion`).
    pub version: NaiveDate,
}

impl DefinitionId {
    /// The corpus's dotted form: OID followed by `.y.m.d` without zero padding,
    /// e.g. `1.2.246.537.6.1505.1.2023.6.1` (the root `sosmeta.oid`).
    pub fn dotted(&self) -> String {
        dotted(&self.oid, self.version)
    }
}

/// Format an OID and version in the dotted form used by `sosmeta.oid` and file names.
pub fn dotted(oid: &str, version: NaiveDate) -> String {
    format!(
        "{}.{}.{}.{}",
        oid,
        version.year(),
        version.month(),
        version.day()
    )
}

impl fmt::Display for DefinitionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.oid, self.version.format("%Y-%m-%d"))
    }
}

/// How a user names a definition: `OID`, `OID@YYYY-MM-DD`, or the dotted form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DefinitionRef {
    /// A bare OID: every version of it (the version in force where one is needed).
    Oid(String),
    /// `OID@YYYY-MM-DD`: one version.
    Version(DefinitionId),
    /// Dotted digits that may be `OID.y.m.d` or a bare OID; the release decides.
    Dotted {
        /// The whole text.
        full: String,
        /// The reading as OID + version, when the last three arcs form a date.
        as_version: Option<DefinitionId>,
    },
}

/// Why a definition reference could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseRefError {
    /// Empty input.
    #[error("empty definition reference")]
    Empty,
    /// The OID part is not dot-separated digits.
    #[error("`{0}` is not an OID (digits separated by dots, e.g. 1.2.246.537.6.1505.1)")]
    BadOid(String),
    /// The version after `@` is not a real `YYYY-MM-DD` date.
    #[error("`{0}` is not a version date (YYYY-MM-DD)")]
    BadVersion(String),
}

/// True when `s` is a syntactically valid OID (digits separated by single dots).
pub fn is_oid(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()))
}

/// Split a dotted `OID.y.m.d` into OID and version, when the last three arcs form a
/// real date with a four-digit year and the remaining OID has at least two arcs.
pub fn split_dotted(s: &str) -> Option<DefinitionId> {
    if !is_oid(s) {
        return None;
    }
    let arcs: Vec<&str> = s.split('.').collect();
    if arcs.len() < 5 {
        return None;
    }
    let n = arcs.len();
    let (y, m, d) = (arcs[n - 3], arcs[n - 2], arcs[n - 1]);
    if y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    Some(DefinitionId {
        oid: arcs[..n - 3].join("."),
        version: date,
    })
}

impl std::str::FromStr for DefinitionRef {
    type Err = ParseRefError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ParseRefError::Empty);
        }
        if let Some((oid, ver)) = s.split_once('@') {
            if !is_oid(oid) {
                return Err(ParseRefError::BadOid(oid.to_string()));
            }
            let version = NaiveDate::parse_from_str(ver, "%Y-%m-%d")
                .ok()
                .filter(|_| ver.len() == 10)
                .ok_or_else(|| ParseRefError::BadVersion(ver.to_string()))?;
            return Ok(DefinitionRef::Version(DefinitionId {
                oid: oid.to_string(),
                version,
            }));
        }
        if !is_oid(s) {
            return Err(ParseRefError::BadOid(s.to_string()));
        }
        match split_dotted(s) {
            Some(id) => Ok(DefinitionRef::Dotted {
                full: s.to_string(),
                as_version: Some(id),
            }),
            None => Ok(DefinitionRef::Oid(s.to_string())),
        }
    }
}

impl fmt::Display for DefinitionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefinitionRef::Oid(o) => f.write_str(o),
            DefinitionRef::Version(id) => id.fmt(f),
            DefinitionRef::Dotted { full, .. } => f.write_str(full),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_forms() {
        let v: DefinitionRef = "1.2.246.537.6.1505.1@2023-06-01".parse().unwrap();
        assert_eq!(v.to_string(), "1.2.246.537.6.1505.1@2023-06-01");
        let d: DefinitionRef = "1.2.246.537.6.1505.1.2023.6.1".parse().unwrap();
        match d {
            DefinitionRef::Dotted { as_version, .. } => {
                let id = as_version.unwrap();
                assert_eq!(id.oid, "1.2.246.537.6.1505.1");
                assert_eq!(id.dotted(), "1.2.246.537.6.1505.1.2023.6.1");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            "1.2.246.537.6.1505.1".parse::<DefinitionRef>().unwrap(),
            DefinitionRef::Oid("1.2.246.537.6.1505.1".into())
        );
    }

    #[test]
    fn rejects_bad_input() {
        assert!("".parse::<DefinitionRef>().is_err());
        assert!("abc".parse::<DefinitionRef>().is_err());
        assert!("1.2..3".parse::<DefinitionRef>().is_err());
        assert!("1.2.3@2023-02-30".parse::<DefinitionRef>().is_err());
        assert!("1.2.3@2023-2-3".parse::<DefinitionRef>().is_err());
    }
}
