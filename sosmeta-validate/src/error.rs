//! Typed errors of the validator's API (problems of a single document are findings).

use sosmeta_model::koodisto::KoodistoError;
use sosmeta_model::{LoadError, ParseRefError, ResolveError};

/// What can go wrong outside a document: loading a release, naming a definition.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ValidateError {
    /// The release could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The release bundle's code sets (koodistot) could not be read.
    #[error(transparent)]
    Koodisto(#[from] KoodistoError),
    /// The release calendar could not be read.
    #[error(transparent)]
    Calendar(#[from] crate::calendar::CalendarError),
    /// The definition reference is malformed.
    #[error(transparent)]
    ParseRef(#[from] ParseRefError),
    /// The definition reference names nothing in the release.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// An input could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}
