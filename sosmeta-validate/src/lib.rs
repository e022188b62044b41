//! # sosmeta-validate
//!
//! Validation of Sosmeta documents (`{"<root key>": {…}}`) against a release, in
//! layers, each finding with a stable rule id ([`finding::rules`], [`finding::RULES`]):
//!
//! 1. input ([`input`]): size, UTF-8, BOM, JSON well-formedness, depth; the document is
//!    parsed into one arena ([`json_tree::JsonTree`]) that the next layers read;
//! 2. JSON Schema draft-07 ([`schema_layer`]): the Sosmeta dialect (nine keywords),
//!    compiled once per definition version and run directly on the arena (`dialect`);
//! 3. Sosmeta rules: real dates, hetu, codes, phrases, conditional requirements,
//!    definition status; then the koodisto layer and, with a date and an environment, the release
//!    calendar ([`calendar`]).
//!
//! Every finding names a [`Rule`] of the one [`registry`] (id, layer, severity, meaning,
//! example). The `sosmeta` command line lives in the `sosmeta-cli` crate; this library
//! has no CLI dependencies. The `test-kit` feature exposes the case generator
//! ([`cases`]) and the internal stages for benchmarks and profiling.
//!
//! ```no_run
//! use sosmeta_validate::{Validator, ValidateOptions};
//!
//! let v = Validator::load("../shared/sosmeta-corpus/2025-05-20")?;
//! let doc = std::fs::read("examples/asiakkuusasiakirja.json")?;
//! let result = v.validate_bytes("example", &doc, &ValidateOptions::default());
//! for f in &result.findings {
//!     println!("{} {} {} {}", f.severity, f.rule, f.pointer, f.message);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod authors;
pub mod calendar;
#[cfg(feature = "test-kit")]
pub mod cases;
pub mod echo;
pub mod error;
pub mod finding;
pub mod input;
pub mod registry;
pub mod report;
pub mod validator;

// Internal stages: public only to the test kit (benchmarks, profiling examples).
#[cfg(feature = "test-kit")]
pub mod dialect;
#[cfg(not(feature = "test-kit"))]
#[allow(unreachable_pub)] // its items are public to the test kit only
pub(crate) mod dialect;
// Public: a caller that reads a document itself (the archive layer) parses it once with
// `input::parse_tree` and hands the tree to `Validator::validate_parsed`.
pub mod json_tree;
pub(crate) mod names;
#[cfg(feature = "test-kit")]
pub mod rules;
#[cfg(not(feature = "test-kit"))]
#[allow(unreachable_pub)] // its items are public to the test kit only
pub(crate) mod rules;
pub(crate) mod schema_layer;

pub use error::ValidateError;
pub use finding::{Finding, Severity};
pub use input::{Source, SourceData};
pub use registry::{Layer, Level, Rule, RuleInfo, RuleLevels, RULES};
pub use report::{Counts, DocumentResult, InputKind, Report, Summary};
pub use validator::{ValidateOptions, Validator};

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn validator_is_send_sync() {
        assert_send_sync::<Validator>();
    }
}
