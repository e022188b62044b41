//! Results and reports: per document ([`DocumentResult`]), per run ([`Report`]), and
//! JSON form (the text form is the CLI's).

use crate::finding::{Finding, Severity};
use serde::Serialize;

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
}

impl Counts {
    /// Count a list of findings.
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            c.add(f.severity);
        }
        c
    }

    /// Count one finding of `severity`.
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    /// True when there is a finding at `level` or above.
    pub fn reaches(&self, level: Severity) -> bool {
        match level {
            Severity::Error => self.errors > 0,
            Severity::Warning => self.errors + self.warnings > 0,
            Severity::Info => self.errors + self.warnings + self.infos > 0,
        }
    }
}

/// What kind of input a document was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    /// A plain document `{<root key>: …}`.
    Document,
    /// A Kanta archive document (CDA R2), with its transfer frame when given.
    Archive,
    /// The JSON view of an archive document (`{"metadata", "body", "content"}`).
    #[serde(rename = "archive-view")]
    ArchiveView,
}

/// The result of validating one document (one file, stdin, or one NDJSON line).
#[derive(Debug, Clone, Serialize)]
pub struct DocumentResult {
    /// Where the document came from (`path`, `path:LINE` for NDJSON, `-` for stdin).
    pub file: String,
    /// The definition OID used, if one was found.
    pub definition: Option<String>,
    /// The definition version (YYYY-MM-DD) used, if one was found.
    pub version: Option<String>,
    /// True when no finding reaches the `--fail-on` level (default: no errors).
    pub valid: bool,
    /// What the input was: a plain document, an archive document or its JSON view.
    pub input: InputKind,
    /// The findings, in layer order (input, document, schema, Sosmeta rules).
    pub findings: Vec<Finding>,
    /// Findings left out by `--max-findings` (absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted: usize,
    /// Counts of all findings, including omitted ones.
    #[serde(skip)]
    pub counts: Counts,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Totals of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Documents checked.
    pub files: usize,
    /// Documents valid.
    pub valid: usize,
    /// Documents invalid.
    pub invalid: usize,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Info findings.
    pub infos: usize,
    /// Wall time in seconds.
    pub seconds: f64,
}

impl Summary {
    /// Sum up results.
    pub fn of(results: &[DocumentResult], seconds: f64) -> Summary {
        let mut s = Summary {
            seconds,
            ..Summary::default()
        };
        for r in results {
            s.add(r);
        }
        s
    }

    /// Count one more result (for runs that stream their results).
    pub fn add(&mut self, r: &DocumentResult) {
        self.files += 1;
        if r.valid {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        self.errors += r.counts.errors;
        self.warnings += r.counts.warnings;
        self.infos += r.counts.infos;
    }
}

/// The whole run, as `--format json` writes it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `sosmeta-validate <version>`.
    pub validator: String,
    /// The release label (e.g. `2025-05-20`).
    pub release: Option<String>,
    /// Things said once for the whole run (e.g. rules skipped for lack of koodistot).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Rules switched off or given another severity in this run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rule_levels: Vec<crate::registry::RuleOverride>,
    /// One result per document, in input order.
    pub results: Vec<DocumentResult>,
    /// Totals.
    pub summary: Summary,
}

/// The validator's name and version as reports give it.
pub fn validator_name() -> String {
    format!("sosmeta-validate {}", env!("CARGO_PKG_VERSION"))
}
