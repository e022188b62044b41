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
///
/// When the directory does not exist, says once on stderr what it is and how to provide
/// it, so that a test that then fails to load it is not a bare panic.
pub fn pinned_corpus_dir() -> PathBuf {
    let dir = match std::env::var_os("SOSMETA_CORPUS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/sosmeta-corpus")
            .join(PINNED_RELEASE),
    };
    if !dir.is_dir() {
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| eprintln!("{}", missing_message(&dir)));
    }
    dir
}

/// What to do when the pinned corpus is missing.
pub fn missing_message(dir: &std::path::Path) -> String {
    format!(
        "sosmeta: the pinned Sosmeta corpus is not at {}.\n\
         It is the publication of {PINNED_RELEASE} (all 263 definitions as THL's Sosmeta \
         service published them), kept beside the repository in \
         ../shared/sosmeta-corpus/{PINNED_RELEASE} and never copied into it. Fetch it with \
         `cargo xtask fetch --out ../shared/sosmeta-corpus/{PINNED_RELEASE}` (or \
         `--from-zip` THL's bulk export), or point SOSMETA_CORPUS at a copy.",
        dir.display()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_missing_corpus_message_names_the_remedy() {
        let m = super::missing_message(std::path::Path::new("/x/y"));
        assert!(
            m.contains("/x/y") && m.contains("SOSMETA_CORPUS") && m.contains("cargo xtask fetch")
        );
    }
}
