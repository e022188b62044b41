//! Kanta facts kept as data (`sosmeta-kanta/data/kanta.json`, embedded at build time):
//! the phase dates of KANTA-FORMAT.md section 6, the joining-model classification and
//! whose register a purchased service's documents go to.

use chrono::NaiveDate;
use serde::Deserialize;

/// The data file shipped with the crate.
pub const EMBEDDED_DATA: &str = include_str!("../data/kanta.json");

/// The phase rules' data.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Phases {
    /// The last day early-phase (1st/2nd-phase) client documents are accepted.
    pub early_phase_last_day: NaiveDate,
    /// The asiakkuusasiakirja's `documentGroup` code.
    pub client_relationship_group: String,
    /// The `documentGroup` codes of 2nd-or-later-phase client documents.
    pub later_phase_groups: Vec<String>,
}

/// Whose register a document goes to (KANTA-FORMAT.md section 6, "Whose register").
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Register {
    /// The day organisers open their registers to providers' register access right,
    /// unless [`Register::organisers`] gives an organiser its own day.
    pub access_right_opens: NaiveDate,
    /// Organiser OID -> the day its register opens.
    #[serde(default)]
    pub organisers: std::collections::BTreeMap<String, NaiveDate>,
    /// The frame's usage-situation (*käyttötilanne*) classification.
    pub usage_situation_classification: String,
    /// Its code for the organiser's own use of its register.
    pub own_use_code: String,
}

impl Register {
    /// The day this organiser's register opens to providers.
    pub fn opens(&self, organiser: &str) -> NaiveDate {
        self.organisers
            .get(organiser)
            .copied()
            .unwrap_or(self.access_right_opens)
    }
}

/// Kanta facts the rules read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KantaData {
    #[serde(rename = "$comment", default)]
    _comment: Option<String>,
    /// Phase dates and groups.
    pub phases: Phases,
    /// The OID of the private providers' joining-model classification, when known.
    pub joining_model_classification: Option<String>,
    /// Whose register: the organisers' opening days and the usage situation.
    pub register: Register,
}

/// Why a data file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("Kanta data: {0}")]
pub struct DataError(#[from] serde_json::Error);

impl KantaData {
    /// The data shipped with the crate.
    pub fn embedded() -> KantaData {
        KantaData::from_json(EMBEDDED_DATA).expect("the embedded kanta.json is valid")
    }

    /// Read a data file of the same shape.
    pub fn from_json(text: &str) -> Result<KantaData, DataError> {
        Ok(serde_json::from_str(text)?)
    }
}

impl Default for KantaData {
    fn default() -> Self {
        KantaData::embedded()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_reads() {
        let d = KantaData::embedded();
        assert_eq!(d.phases.early_phase_last_day.to_string(), "2026-08-31");
        assert_eq!(d.phases.later_phase_groups, ["5"]);
        assert!(KantaData::from_json("{}").is_err());
        assert_eq!(d.register.opens("1.2.3").to_string(), "2026-09-01");
        let mut r = d.register.clone();
        r.organisers
            .insert("1.2.3".into(), "2027-01-01".parse().unwrap());
        assert_eq!(r.opens("1.2.3").to_string(), "2027-01-01");
        assert_eq!(r.opens("1.2.4").to_string(), "2026-09-01");
    }
}
