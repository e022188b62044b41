//! The release calendar (*julkaisukalenteri*): Sosmeta publications and the dates Kanta
//! supports their definition versions in AT (customer test) and TU (production).
//!
//! The data lives in `sosmeta-validate/data/release-calendar.json` (embedded at build time;
//! `Calendar::from_json` reads another). A definition version belongs to the first
//! publication whose publication week ends on or after its version date and is supported
//! in an environment from that publication's date for that environment. Versions dated
//! before the first known publication's week count as supported; versions dated after the
//! last known publication's week are not yet supported (the calendar needs its next row).

use crate::finding::{Finding, Severity};
use crate::registry::{ids, Rule};
use chrono::NaiveDate;
use serde::Deserialize;
use sosmeta_model::{Definition, Release, Status};
use std::fmt;

/// The calendar shipped with this crate.
pub const EMBEDDED_CALENDAR: &str = include_str!("../data/release-calendar.json");

/// A Kanta environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Environment {
    /// AT: the customer-test environment (*asiakastestiympäristö*).
    At,
    /// TU: production (*tuotanto*).
    Tu,
}

impl Environment {
    /// `AT` or `TU`.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::At => "AT",
            Environment::Tu => "TU",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Environment {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "AT" => Ok(Environment::At),
            "TU" => Ok(Environment::Tu),
            _ => Err(format!("unknown environment `{s}` (expected AT or TU)")),
        }
    }
}

/// One Sosmeta publication with its Kanta support dates.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Publication {
    /// E.g. `2025 June`.
    pub name: String,
    /// ISO week of the publication.
    pub week: u32,
    /// First day of the publication week.
    pub week_start: NaiveDate,
    /// Last day of the publication week.
    pub week_end: NaiveDate,
    /// Supported in the customer-test environment (AT) from this date.
    #[serde(rename = "supportedAT")]
    pub supported_at: NaiveDate,
    /// Supported in production (TU) from this date.
    #[serde(rename = "supportedTU")]
    pub supported_tu: NaiveDate,
}

impl Publication {
    /// The date the publication is supported in `env`.
    pub fn supported_from(&self, env: Environment) -> NaiveDate {
        match env {
            Environment::At => self.supported_at,
            Environment::Tu => self.supported_tu,
        }
    }
}

/// Why a calendar file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// Not the documented JSON shape.
    #[error("release calendar: {0}")]
    Json(#[from] serde_json::Error),
    /// Rows out of order or inconsistent.
    #[error("release calendar: {0}")]
    Inconsistent(String),
}

/// The publications, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    publications: Vec<Publication>,
}

#[derive(Deserialize)]
struct CalendarFile {
    #[serde(rename = "$comment", default)]
    _comment: Option<String>,
    publications: Vec<Publication>,
}

/// When a definition version is supported in an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Support {
    /// Dated before the first known publication: supported.
    Always,
    /// Supported from this date, as part of this publication.
    From {
        /// The first day it is supported.
        date: NaiveDate,
        /// The publication it belongs to.
        publication: String,
    },
    /// Dated after the last known publication: the calendar needs its next row.
    Unknown {
        /// The last publication the calendar knows.
        last_known: String,
    },
}

impl Support {
    /// True when supported on `day`.
    pub fn on(&self, day: NaiveDate) -> bool {
        match self {
            Support::Always => true,
            Support::From { date, .. } => day >= *date,
            Support::Unknown { .. } => false,
        }
    }
}

impl Calendar {
    /// The calendar shipped with the crate.
    pub fn embedded() -> Calendar {
        Calendar::from_json(EMBEDDED_CALENDAR).expect("the embedded calendar is valid")
    }

    /// Read a calendar in the documented JSON shape.
    pub fn from_json(text: &str) -> Result<Calendar, CalendarError> {
        let file: CalendarFile = serde_json::from_str(text)?;
        let publications = file.publications;
        if publications.is_empty() {
            return Err(CalendarError::Inconsistent("no publications".into()));
        }
        for p in &publications {
            if p.week_end < p.week_start
                || p.supported_at < p.week_start
                || p.supported_tu < p.week_start
            {
                return Err(CalendarError::Inconsistent(format!(
                    "{}: week or support dates out of order",
                    p.name
                )));
            }
        }
        for w in publications.windows(2) {
            if w[1].week_start <= w[0].week_end {
                return Err(CalendarError::Inconsistent(format!(
                    "{} must come after {}",
                    w[1].name, w[0].name
                )));
            }
        }
        Ok(Calendar { publications })
    }

    /// The publications, oldest first.
    pub fn publications(&self) -> &[Publication] {
        &self.publications
    }

    /// The publication a version dated `version` belongs to, if the calendar knows it.
    pub fn publication_of(&self, version: NaiveDate) -> Option<&Publication> {
        if version < self.publications[0].week_start {
            return None;
        }
        self.publications.iter().find(|p| p.week_end >= version)
    }

    /// When a version dated `version` is supported in `env`.
    pub fn support(&self, version: NaiveDate, env: Environment) -> Support {
        if version < self.publications[0].week_start {
            return Support::Always;
        }
        match self.publication_of(version) {
            Some(p) => Support::From {
                date: p.supported_from(env),
                publication: p.name.clone(),
            },
            None => Support::Unknown {
                last_known: self.publications.last().expect("non-empty").name.clone(),
            },
        }
    }
}

/// A calendar finding at the document's root.
fn finding(rule: Rule, severity: Severity, label: &str, message: String) -> Finding {
    Finding::new(rule, severity, "", label.to_string(), message)
}

/// Format a date the Finnish way (`17.4.2025`) with the ISO form.
fn fi_date(d: NaiveDate) -> String {
    format!("{} ({})", d.format("%-d.%-m.%Y"), d)
}

/// The calendar rules for a definition version stored on `on` in `env`:
/// `calendar.not-yet-supported` and `calendar.superseded`, at the document's root (an
/// archive document's reader moves them to its `contentSpecificationId`).
pub fn check_calendar(
    release: &Release,
    calendar: &Calendar,
    def: &Definition,
    env: Environment,
    on: NaiveDate,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let support = calendar.support(def.version(), env);
    if !support.on(on) {
        let message = match &support {
            Support::From { date, publication } => format!(
                "{} belongs to the Sosmeta publication {publication} and is supported in {env} from {}; the document is stored on {}",
                def.id,
                fi_date(*date),
                fi_date(on)
            ),
            Support::Unknown { last_known } => format!(
                "{} is dated after the last publication the release calendar knows ({last_known}): it is not yet supported in {env}; the calendar needs its next row",
                def.id
            ),
            Support::Always => String::new(),
        };
        out.push(finding(
            ids::CALENDAR_NOT_YET_SUPPORTED,
            Severity::Error,
            "Asiakirjarakenne",
            message,
        ));
    }
    if def.status() == &Status::Vanhentunut {
        let newer = release.versions(def.oid()).into_iter().rev().find(|d| {
            d.version() > def.version()
                && d.status() == &Status::Valmis
                && calendar.support(d.version(), env).on(on)
        });
        if let Some(newer) = newer {
            out.push(finding(
                ids::CALENDAR_SUPERSEDED,
                Severity::Warning,
                "Asiakirjarakenne",
                format!(
                    "{} is Vanhentunut; the newer Valmis version {} is supported in {env} on {}",
                    def.id,
                    newer.version(),
                    fi_date(on)
                ),
            ));
        }
    }
    for f in &mut out {
        f.definition = Some(def.id.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn versions_belong_to_the_first_publication_ending_after_them() {
        let c = Calendar::embedded();
        assert_eq!(c.support(d("2025-03-30"), Environment::At), Support::Always);
        let s = c.support(d("2025-04-01"), Environment::At);
        assert_eq!(
            s,
            Support::From {
                date: d("2025-04-10"),
                publication: "2025 March".into()
            }
        );
        assert!(!s.on(d("2025-04-09")));
        assert!(s.on(d("2025-04-10")));
        // Ends on or after: the last day of the week still belongs to it.
        assert_eq!(c.publication_of(d("2025-06-19")).unwrap().name, "2025 June");
        assert_eq!(
            c.publication_of(d("2025-06-20")).unwrap().name,
            "2025 September"
        );
        match c.support(d("2025-12-20"), Environment::Tu) {
            Support::Unknown { last_known } => assert_eq!(last_known, "2025 December"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            c.support(d("2025-12-01"), Environment::Tu),
            Support::From {
                date: d("2026-01-22"),
                publication: "2025 December".into()
            }
        );
    }

    #[test]
    fn rejects_rows_out_of_order() {
        let text = EMBEDDED_CALENDAR.replace("2025-06-16", "2025-04-01");
        assert!(Calendar::from_json(&text).is_err());
        assert!(Calendar::from_json("{\"publications\": []}").is_err());
        assert!(Calendar::from_json("not json").is_err());
    }
}
