//! # sosmeta-model
//!
//! A faithful, typed model of a **Sosmeta** publication: the national document
//! definitions (*asiakirjarakenteet*) for Finnish social welfare that THL publishes as
//! JSON Schema (draft-07) with a `sosmeta` extension on every node.
//!
//! Everything else in sosmeta-rs (validation, code generation, rendering, release diffs)
//! reads this model; nothing else parses raw Sosmeta JSON Schema.
//!
//! ```no_run
//! use sosmeta_model::Release;
//!
//! let release = Release::load("../shared/sosmeta-corpus/2025-05-20")?;
//! let def = release.in_force("1.2.246.537.6.1505.1").expect("asiakkuusasiakirja");
//! println!("{} {} {}", def.oid(), def.version(), def.title());
//! for el in def.document().walk() {
//!     println!("{} {:?}", el.pointer, el.element.representation());
//! }
//! # Ok::<(), sosmeta_model::LoadError>(())
//! ```
//!
//! The model is lossless: [`Definition::to_json_schema`] writes each definition back as
//! JSON Schema equal (as JSON) to what was read, keeping keys the model does not know.

#![warn(missing_docs)]

pub mod compact;
pub mod condition;
pub mod corpus;
pub mod definition;
pub mod diff;
pub mod element;
pub mod error;
pub mod id;
pub mod koodisto;
pub mod limits;
pub(crate) mod load;
pub mod release;
pub mod representation;
pub mod samples;
mod schema_read;
mod schema_write;
pub mod text;
pub mod value_set;

pub use condition::{Condition, Conditional, ElementRef};
pub use definition::{Definition, DefinitionMeta, Status, AUTHOR_KEY};
pub use element::{Element, ElementMeta, Kind, WalkItem};
pub use error::LoadError;
pub use id::{DefinitionId, DefinitionRef, ParseRefError};
pub use limits::Limits;
pub use release::{ClassificationUsage, Release, ResolveError, SelectError, Selection};
pub use representation::Representation;
pub use text::{Lang, LangText, Texts};
pub use value_set::{CodeEntry, ValueSet};
