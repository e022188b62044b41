//! # sosmeta-generated
//!
//! Typed Rust for the pinned Sosmeta release, written by `cargo xtask codegen`.
//! Do not edit by hand.
//!
//! Until the typed code lands, this crate carries the embedded default release.

use sosmeta_model::Release;
use std::sync::OnceLock;

/// The compact form of the pinned release (see [`sosmeta_model::compact`]).
pub const EMBEDDED_RELEASE: &[u8] = include_bytes!("../data/release.json.gz");

/// The label of the embedded release.
pub const EMBEDDED_RELEASE_LABEL: &str = "2025-05-20";

/// The embedded default release, decoded once on first use.
pub fn embedded_release() -> &'static Release {
    static RELEASE: OnceLock<Release> = OnceLock::new();
    RELEASE.get_or_init(|| {
        sosmeta_model::compact::from_bytes("embedded release", EMBEDDED_RELEASE)
            .expect("the embedded release was written by the model's serializer")
    })
}
