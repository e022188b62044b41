//! # sosmeta-validate
//!
//! Validation of Sosmeta documents (`{"<root key>": {…}}`) against a release, in
//! layers, each finding with a stable rule id ([`finding::rules`], [`finding::RULES`]):
//!
//! 1. input ([`input`]): size, UTF-8, BOM, JSON well-formedness, depth; the document is
//!    parsed into one arena ([`json_tree::JsonTree`]) that the next layers read;
//! 2. JSON Schema draft-07 ([`schema_layer`]), compiled once per definition version, run
//!    by the `jsonschema` crate directly on the arena;
//! 3. Sosmeta rules ([`rules`]): real dates, hetu, codes, phrases, conditional
//!    requirements, definition status.
//!
//! ```no_run
//! use sosmeta_validate::{Validator, ValidateOptions};
//!
//! let v = Validator::embedded();
//! let doc = std::fs::read("examples/asiakkuusasiakirja.json")?;
//! let result = v.validate_bytes("example", &doc, &ValidateOptions::default());
//! for f in &result.findings {
//!     println!("{} {} {} {}", f.severity, f.rule, f.pointer, f.message);
//! }
//! # Ok::<(), std::io::Error>(())
//! ```

#![warn(missing_docs)]

pub mod cases;
pub mod cli;
pub mod error;
pub mod finding;
pub mod input;
pub mod json_tree;
pub mod metadata;
pub mod names;
pub mod report;
pub mod rules;
pub mod schema_layer;
pub mod validator;

pub use error::ValidateError;
pub use finding::{Finding, RuleInfo, Severity, RULES};
pub use input::{Source, SourceData};
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
