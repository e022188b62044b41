//! The Sosmeta dialect of JSON Schema, validated directly.
//!
//! A release's schemas use nine draft-07 keywords only: `type`, `properties`,
//! `required`, `additionalProperties`, `items`, `minItems`, `minLength`, `pattern` and
//! `enum` (a test checks this on every definition of the pinned corpus). Each definition
//! version's schema (as the model writes it, [`sosmeta_model::Definition::to_json_schema`])
//! is compiled once into a [`Program`]: a flat list of nodes with indices, property keys
//! in a sorted slice, `pattern` regexes shared across the whole release by their text
//! ([`Patterns`]) and `enum` options as a set of JSON values. The program validates the
//! parsed arena ([`crate::json_tree::JsonTree`]) with draft-07 semantics: a fast
//! [`Program::is_valid`] that allocates nothing, and [`Program::errors`] that collects
//! every error with its JSON pointer (after the fast verdict, only inside the values it
//! finds invalid). A schema that uses any other draft-07 validation keyword does not
//! compile ([`CompileError`]), so a future release that adds one is
//! reported (`schema.compile`) instead of being checked wrongly. The `jsonschema` crate
//! is the differential oracle in the tests (`tests/dialect_oracle.rs`).

// Without the test kit some of the public surface (keyword names, sizes) is unused.
#![cfg_attr(not(feature = "test-kit"), allow(dead_code, unused_imports))]

mod check;
mod compile;
mod matchers;

pub use check::{ErrorKind, SchemaError};
pub use compile::{CompileError, Patterns, Program, DIALECT_KEYWORDS};
