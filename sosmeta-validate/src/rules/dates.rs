//! `date.calendar`: Pvm and Hetki values must be real dates and instants (the grammar is
//! [`sosmeta_types::date`], shared with the typed values and the renderer).
//!
//! The schema pattern accepts day `00`, `2023-02-30` and `2023-02-29`; partial dates
//! `YYYY` and `YYYY-MM` are valid. Values whose shape the pattern refuses are left to
//! the schema layer.

use super::Walk;
use crate::finding::{rules, Severity};
use sosmeta_types::date::{self, DateError};

/// Why a date-like value is not real.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    /// The text is not of the Pvm/Hetki shape at all (the schema reports it).
    Shape,
    /// Well shaped, but not a real date or time; the text says why.
    Calendar(String),
}

/// Check a partial date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, optional leading `-`) or,
/// when `instant`, also a date-time `YYYY-MM-DDThh:mm:ss[.f](Z|±hh:mm)`, with the one
/// grammar of [`sosmeta_types::date`].
pub fn check_value(s: &str, instant: bool) -> Result<(), DateProblem> {
    let verdict = if instant {
        date::parse_instant(s).map(|_| ())
    } else {
        date::parse_date(s).map(|_| ())
    };
    verdict.map_err(|e| match e {
        DateError::Shape => DateProblem::Shape,
        calendar => DateProblem::Calendar(calendar.to_string()),
    })
}

/// The rule: report values that are well shaped but not real.
pub fn check(w: &mut Walk<'_>, value: &str, instant: bool) {
    if let Err(DateProblem::Calendar(why)) = check_value(value, instant) {
        let kind = if instant {
            "instant (Hetki)"
        } else {
            "date (Pvm)"
        };
        let msg = format!(
            "{} is not a real {kind}: {}",
            crate::echo::value(value),
            crate::echo::text(&why)
        );
        w.report(rules::DATE_CALENDAR, Severity::Error, &[], msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The grammar's own cases live in `sosmeta_types::date`; here, how its verdicts
    /// become the rule's: shape errors are the schema's, calendar errors the rule's.
    #[test]
    fn verdicts_of_the_grammar() {
        assert_eq!(check_value("2024-02-29", false), Ok(()));
        assert_eq!(check_value("2023-06-01T12:30:00Z", true), Ok(()));
        assert_eq!(
            check_value("2023-02-29", false),
            Err(DateProblem::Calendar(
                "2023-02-29 is not a calendar date".into()
            ))
        );
        assert_eq!(
            check_value("2023-01-01T10:00:00", true),
            Err(DateProblem::Calendar(
                "an instant with a time needs a zone (Z or ±hh:mm)".into()
            ))
        );
        assert_eq!(
            check_value("2023-01-01T10:00:00Z", false),
            Err(DateProblem::Shape)
        );
    }
}
