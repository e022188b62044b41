//! `release.lock`: every file of a bundle with its source, size and sha256, and when and
//! from where the bundle was fetched.
//!
//! ```json
//! {
//!   "format": "sosmeta-release-lock/1",
//!   "fetched_at": "2025-05-20T08:00:00Z",
//!   "tool": "xtask 0.1.0",
//!   "sources": { "sosmeta": "https://...", "koodisto": "https://...", "zip": null },
//!   "definitions": 263,
//!   "code_sets": 93,
//!   "missing_code_sets": [],
//!   "files": [
//!     { "path": "Valmis/1.2.246.537.6.1505.1.2023.6.1.json",
//!       "source": "https://.../document-definitions/123/schema",
//!       "size": 123456, "sha256": "..." }
//!   ]
//! }
//! ```

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// File name of the lock inside a bundle.
pub const LOCK_FILE: &str = "release.lock";

/// The `format` tag of a lock.
pub const LOCK_FORMAT: &str = "sosmeta-release-lock/1";

/// Where a bundle came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sources {
    /// Sosmeta base URL, when the definitions were fetched from it.
    pub sosmeta: Option<String>,
    /// Koodistopalvelu base URL, when code sets were fetched.
    pub koodisto: Option<String>,
    /// The bulk export zip, when definitions were imported from one.
    pub zip: Option<String>,
}

/// One file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedFile {
    /// Path relative to the bundle, with `/`.
    pub path: String,
    /// URL (or `zip-name!entry`) it came from.
    pub source: String,
    /// Size in bytes.
    pub size: u64,
    /// sha256 of the bytes, lowercase hex.
    pub sha256: String,
}

/// The lock of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// Always [`LOCK_FORMAT`].
    pub format: String,
    /// When the fetch finished (UTC, RFC 3339).
    pub fetched_at: String,
    /// The tool that wrote it.
    pub tool: String,
    /// Where it came from.
    pub sources: Sources,
    /// Number of definition versions.
    pub definitions: usize,
    /// Number of code sets.
    pub code_sets: usize,
    /// Classification OIDs that Koodistopalvelu did not have (HTTP 404).
    #[serde(default)]
    pub missing_code_sets: Vec<String>,
    /// Every file, sorted by path.
    pub files: Vec<LockedFile>,
}

impl Lock {
    /// True when both locks list the same files with the same contents and sources
    /// (the fetch time is ignored).
    pub fn same_content(&self, other: &Lock) -> bool {
        self.files == other.files
            && self.sources == other.sources
            && self.missing_code_sets == other.missing_code_sets
    }

    /// Read `<dir>/release.lock`.
    pub fn read(dir: &Path) -> anyhow::Result<Lock> {
        Lock::read_file(&dir.join(LOCK_FILE))
    }

    /// Read a lock file (at most 64 MiB).
    pub fn read_file(p: &Path) -> anyhow::Result<Lock> {
        use std::io::Read as _;
        let mut bytes = Vec::new();
        std::fs::File::open(p)
            .and_then(|f| f.take(64 << 20).read_to_end(&mut bytes))
            .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", p.display()))?;
        let lock: Lock = serde_json::from_slice(&bytes)
            .map_err(|e| anyhow::anyhow!("{}: not a release lock: {e}", p.display()))?;
        if lock.format != LOCK_FORMAT {
            anyhow::bail!(
                "{}: format `{}`, expected `{LOCK_FORMAT}`",
                p.display(),
                lock.format
            );
        }
        Ok(lock)
    }

    /// Serialize (pretty JSON with a final newline).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

/// sha256 of bytes, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The outcome of re-hashing a bundle against its lock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Files checked and found equal.
    pub ok: usize,
    /// Files whose size or hash differ.
    pub changed: Vec<String>,
    /// Files in the lock but not on disk.
    pub missing: Vec<String>,
    /// Bundle files (`*.json` in Valmis/, Vanhentunut/, koodistot/ and the root) not in the lock.
    pub extra: Vec<String>,
}

impl VerifyReport {
    /// True when every file matches and nothing is extra.
    pub fn is_ok(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// The bundle's data files, relative paths with `/`, sorted.
pub fn bundle_files(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for sub in ["", "Valmis", "Vanhentunut", sosmeta_model::koodisto::DIR] {
        let d = if sub.is_empty() {
            dir.to_path_buf()
        } else {
            dir.join(sub)
        };
        if !d.is_dir() {
            continue;
        }
        for e in std::fs::read_dir(&d)? {
            let p = e?.path();
            if p.is_file() && p.extension().is_some_and(|x| x == "json") {
                let name = p.file_name().unwrap_or_default().to_string_lossy();
                out.push(if sub.is_empty() {
                    name.to_string()
                } else {
                    format!("{sub}/{name}")
                });
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Re-hash every file of the bundle at `dir` against its lock.
pub fn verify(dir: &Path) -> anyhow::Result<VerifyReport> {
    verify_with(dir, &Lock::read(dir)?)
}

/// Hash the data files of an existing bundle into a lock (for a bundle not written by
/// fetch, such as the pinned corpus: no sources, each file's `source` is its path).
pub fn hash_bundle(dir: &Path) -> anyhow::Result<Lock> {
    let release = sosmeta_model::Release::load(dir)
        .map_err(|e| anyhow::anyhow!("{}: not a bundle: {e}", dir.display()))?;
    let code_sets = sosmeta_model::koodisto::CodeSets::load_bundle(dir)?
        .map(|s| s.len())
        .unwrap_or(0);
    let mut files = Vec::new();
    for path in bundle_files(dir)? {
        let bytes = std::fs::read(dir.join(&path))?;
        files.push(LockedFile {
            source: format!("file:{path}"),
            size: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
            path,
        });
    }
    Ok(Lock {
        format: LOCK_FORMAT.to_string(),
        fetched_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        tool: concat!("xtask ", env!("CARGO_PKG_VERSION"), " (--write-lock)").to_string(),
        sources: Sources {
            sosmeta: None,
            koodisto: None,
            zip: None,
        },
        definitions: release.len(),
        code_sets,
        missing_code_sets: Vec::new(),
        files,
    })
}

/// Write `bytes` to `path` atomically (a temporary file beside it, then a rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)
        .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::anyhow!("{}: cannot write: {e}", path.display())
    })
}

/// Re-hash every file of the bundle at `dir` against `lock`.
pub fn verify_with(dir: &Path, lock: &Lock) -> anyhow::Result<VerifyReport> {
    let mut r = VerifyReport::default();
    for f in &lock.files {
        let p = dir.join(&f.path);
        match std::fs::read(&p) {
            Ok(bytes) => {
                if bytes.len() as u64 == f.size && sha256_hex(&bytes) == f.sha256 {
                    r.ok += 1;
                } else {
                    r.changed.push(f.path.clone());
                }
            }
            Err(_) => r.missing.push(f.path.clone()),
        }
    }
    let locked: std::collections::BTreeSet<&str> =
        lock.files.iter().map(|f| f.path.as_str()).collect();
    r.extra = bundle_files(dir)?
        .into_iter()
        .filter(|p| !locked.contains(p.as_str()))
        .collect();
    Ok(r)
}
