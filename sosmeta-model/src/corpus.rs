//! Where the pinned release (the corpus of 2025-05-20) lives in a checkout.
//!
//! The raw JSON files are never part of the repository: tests, benchmarks and
//! regeneration read them from `../shared/sosmeta-corpus/<date>` beside the repository
//! root, or from the directory named by the `SOSMETA_CORPUS` environment variable.

use std::path::PathBuf;

/// The date of the pinned Sosmeta publication.
pub const PINNED_RELEASE: &str = "2025-05-20";

/// The pinned corpus directory: `$SOSMETA_CORPUS` if set, else
/// `<repository>/../shared/sosmeta-corpus/2025-05-20`.
pub fn pinned_corpus_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("SOSMETA_CORPUS") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/sosmeta-corpus")
        .join(PINNED_RELEASE)
}
