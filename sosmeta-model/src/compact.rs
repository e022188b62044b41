//! The compact release file: a whole release (the model, serialized) in one gzip'd JSON
//! file. This is what `sosmeta-generated` embeds as the default release.
//!
//! Format: gzip (no timestamp, so output is byte-for-byte deterministic) of
//! `{"format": "sosmeta-release/1", "release": <Release>}`.

use crate::error::LoadError;
use crate::limits::{read_bounded, Bounded, Limits};
use crate::release::Release;
use flate2::{read::GzDecoder, write::GzEncoder, Compression};
use serde::{Deserialize, Serialize};
use std::io::Write;

/// The format tag written into every compact file.
pub const FORMAT: &str = "sosmeta-release/1";

#[derive(Serialize)]
struct OutFile<'a> {
    format: &'static str,
    release: &'a Release,
}

#[derive(Deserialize)]
struct InFile {
    format: String,
    release: Release,
}

/// True when `bytes` start like a compact release (gzip magic).
pub fn is_compact(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Serialize a release to the compact form.
pub fn to_bytes(release: &Release) -> Vec<u8> {
    let json = serde_json::to_vec(&OutFile {
        format: FORMAT,
        release,
    })
    .expect("a release always serializes");
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(&json).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

/// Read a compact release; `name` names it in errors. The gzip stream is decompressed
/// through a running limit ([`Limits::gzip_expanded_bytes`] of [`Limits::DEFAULT`]), so a
/// gzip bomb stops at the limit with [`LoadError::OverLimit`].
pub fn from_bytes(name: &str, bytes: &[u8]) -> Result<Release, LoadError> {
    from_bytes_with(name, bytes, &Limits::DEFAULT)
}

/// [`from_bytes`] with other limits.
pub fn from_bytes_with(name: &str, bytes: &[u8], limits: &Limits) -> Result<Release, LoadError> {
    let err = |message: String| LoadError::Compact {
        file: name.to_string(),
        message,
    };
    let mut json = Vec::new();
    read_bounded(GzDecoder::new(bytes), limits.gzip_expanded_bytes, &mut json).map_err(
        |e| match e {
            Bounded::Io(e) => err(format!("gzip: {e}")),
            Bounded::Over => LoadError::OverLimit {
                file: name.to_string(),
                what: "decompressed bytes of a gzip'd compact release",
                limit: limits.gzip_expanded_bytes,
            },
        },
    )?;
    let file: InFile = serde_json::from_slice(&json).map_err(|e| err(e.to_string()))?;
    if file.format != FORMAT {
        return Err(err(format!(
            "format `{}`, expected `{FORMAT}`",
            file.format
        )));
    }
    Ok(file.release)
}
