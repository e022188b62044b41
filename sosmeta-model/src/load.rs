//! Reading release bundles from directories, zips, compact files and single files.
//!
//! Every read goes through a running limit ([`crate::limits`]): a file is streamed with
//! `Read::take`, never sized first and read whole, so FIFOs, devices and files that grow
//! cost at most the limit.

use crate::definition::Definition;
use crate::error::LoadError;
use crate::limits::{read_bounded, read_bundle_file, Bounded, BundleReadFail, Limits};
use crate::release::Release;
#[cfg(feature = "parallel")]
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Folders of a bundle that hold definitions, besides the bundle root.
const STATUS_DIRS: &[&str] = &["Valmis", "Vanhentunut"];

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LoadError + '_ {
    move |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn label_of(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy();
    let stem = name
        .strip_suffix(".zip")
        .or_else(|| name.strip_suffix(".json.gz"))
        .unwrap_or(&name);
    let stem = stem.strip_prefix("all_sosmeta_schemas_").unwrap_or(stem);
    Some(stem.to_string())
}

/// Read a single-file bundle (any kind of path) with the bundle limit.
pub(crate) fn read_bundle(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    let f = std::fs::File::open(path).map_err(io(path))?;
    // A regular file's size is known: refuse it before reading. (The read below is
    // bounded anyway, for FIFOs, devices and files that grow.)
    let meta = f.metadata().map_err(io(path))?;
    if meta.is_file() && meta.len() > limit {
        return Err(LoadError::OverLimit {
            file: path.display().to_string(),
            what: "bytes of a single-file bundle",
            limit,
        });
    }
    read_bundle_file(f, limit).map_err(|e| match e {
        BundleReadFail::Io(source) => LoadError::Io {
            path: path.to_path_buf(),
            source,
        },
        BundleReadFail::Over => LoadError::OverLimit {
            file: path.display().to_string(),
            what: "bytes of a single-file bundle",
            limit,
        },
        BundleReadFail::NotABundle => LoadError::NotABundle {
            file: path.display().to_string(),
        },
    })
}

pub(crate) fn load_path(path: &Path, limits: &Limits) -> Result<Release, LoadError> {
    let meta = std::fs::metadata(path).map_err(io(path))?;
    if meta.is_dir() {
        return load_dir(path, limits);
    }
    let bytes = read_bundle(path, limits.bundle_file_bytes)?;
    let name = path.display().to_string();
    let mut release = if bytes.starts_with(b"PK") {
        load_zip(&name, &bytes, limits)?
    } else if crate::compact::is_compact(&bytes) {
        crate::compact::from_bytes_with(&name, &bytes, limits)?
    } else {
        if bytes.len() as u64 > limits.definition_bytes {
            return Err(LoadError::OverLimit {
                file: name,
                what: "bytes of a definition file",
                limit: limits.definition_bytes,
            });
        }
        let def = Definition::from_json_bytes(&name, &bytes)?;
        Release::from_definitions(None, vec![def])?
    };
    if release.label().is_none() {
        release.set_label(label_of(path));
    }
    Ok(release)
}

/// Read one file of a folder bundle with a running limit.
fn read_file_limited(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, LoadError> {
    let f = std::fs::File::open(path).map_err(io(path))?;
    let mut buf = Vec::new();
    read_bounded(f, limit, &mut buf).map_err(|e| match e {
        Bounded::Io(source) => LoadError::Io {
            path: path.to_path_buf(),
            source,
        },
        Bounded::Over => LoadError::OverLimit {
            file: path.display().to_string(),
            what,
            limit,
        },
    })?;
    Ok(buf)
}

fn json_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "json") && p.is_file() {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

fn load_dir(dir: &Path, limits: &Limits) -> Result<Release, LoadError> {
    let mut files = json_files(dir)?;
    for sub in STATUS_DIRS {
        let p = dir.join(sub);
        if p.is_dir() {
            files.extend(json_files(&p)?);
        }
    }
    if files.is_empty() {
        return Err(LoadError::Empty {
            path: dir.to_path_buf(),
        });
    }
    let defs = par_iter(&files)
        .map(|p| {
            let bytes =
                read_file_limited(p, limits.definition_bytes, "bytes of a definition file")?;
            let name = p
                .strip_prefix(dir)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/");
            Definition::from_json_bytes(&name, &bytes)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Release::from_definitions(label_of(dir), defs)
}

/// Iterate in parallel when the `parallel` feature is on.
#[cfg(feature = "parallel")]
fn par_iter<T: Sync>(items: &[T]) -> rayon::slice::Iter<'_, T> {
    items.par_iter()
}

/// Iterate in parallel when the `parallel` feature is on.
#[cfg(not(feature = "parallel"))]
fn par_iter<T>(items: &[T]) -> std::slice::Iter<'_, T> {
    items.iter()
}

/// Without the `zip` feature a zip bundle is refused with a clear error.
#[cfg(not(feature = "zip"))]
pub(crate) fn load_zip(name: &str, _bytes: &[u8], _limits: &Limits) -> Result<Release, LoadError> {
    Err(LoadError::Zip {
        file: name.to_string(),
        message: "sosmeta-model was built without its `zip` feature".into(),
    })
}

/// The error of a zip read, for a release.
#[cfg(feature = "zip")]
fn zip_error(name: &str, e: crate::limits::ZipFail) -> LoadError {
    use crate::limits::ZipFail;
    let at = |entry: Option<String>| match entry {
        Some(entry) => format!("{name}!{entry}"),
        None => name.to_string(),
    };
    match e {
        ZipFail::Zip { entry, message } => LoadError::Zip {
            file: at(entry),
            message,
        },
        ZipFail::Over { entry, what, limit } => LoadError::OverLimit {
            file: at(entry),
            what,
            limit,
        },
        ZipFail::Duplicate(entry) => LoadError::DuplicateEntry {
            file: name.to_string(),
            entry,
        },
    }
}

/// The entries of a zip that `want` selects by name, read through the limits (entry
/// count, per-entry cap `limits.definition_bytes`, total expanded size; duplicate entry
/// names refused); `name` names the archive in errors.
#[cfg(feature = "zip")]
pub fn zip_entries(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    want: impl Fn(&str) -> bool,
) -> Result<Vec<(String, Vec<u8>)>, LoadError> {
    crate::limits::read_zip(bytes, limits, limits.definition_bytes, want)
        .map_err(|e| zip_error(name, e))
}

#[cfg(feature = "zip")]
pub(crate) fn load_zip(name: &str, bytes: &[u8], limits: &Limits) -> Result<Release, LoadError> {
    let entries = crate::limits::read_zip(bytes, limits, limits.definition_bytes, |entry| {
        entry.ends_with(".json") && !entry.split('/').any(|c| c == "koodistot")
    })
    .map_err(|e| zip_error(name, e))?;
    if entries.is_empty() {
        return Err(LoadError::Empty {
            path: PathBuf::from(name),
        });
    }
    let defs = par_iter(&entries)
        .map(|(entry, buf)| Definition::from_json_bytes(entry, buf))
        .collect::<Result<Vec<_>, _>>()?;
    Release::from_definitions(label_of(Path::new(name)), defs)
}
