//! Reading release bundles from directories, zips, compact files and single files.

use crate::definition::Definition;
use crate::error::LoadError;
use crate::release::Release;
#[cfg(feature = "parallel")]
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Largest definition file accepted (the largest in the corpus is under 1 MiB).
pub(crate) const MAX_DEFINITION_BYTES: u64 = 64 * 1024 * 1024;

/// Largest single-file bundle accepted (a zip or compact release; the pinned release's
/// zip is a few MiB).
const MAX_BUNDLE_FILE_BYTES: u64 = 512 * 1024 * 1024;

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

pub(crate) fn load_path(path: &Path) -> Result<Release, LoadError> {
    let meta = std::fs::metadata(path).map_err(io(path))?;
    if meta.is_dir() {
        return load_dir(path);
    }
    let bytes = read_limited(path, meta.len(), MAX_BUNDLE_FILE_BYTES)?;
    let name = path.display().to_string();
    let mut release = if bytes.starts_with(b"PK") {
        load_zip(&name, &bytes)?
    } else if crate::compact::is_compact(&bytes) {
        crate::compact::from_bytes(&name, &bytes)?
    } else {
        let def = Definition::from_json_bytes(&name, &bytes)?;
        Release::from_definitions(None, vec![def])?
    };
    if release.label().is_none() {
        release.set_label(label_of(path));
    }
    Ok(release)
}

fn read_limited(path: &Path, size: u64, limit: u64) -> Result<Vec<u8>, LoadError> {
    if size > limit {
        return Err(LoadError::TooLarge {
            file: path.display().to_string(),
            size,
            limit,
        });
    }
    std::fs::read(path).map_err(io(path))
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

fn load_dir(dir: &Path) -> Result<Release, LoadError> {
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
            let size = std::fs::metadata(p).map_err(io(p))?.len();
            let bytes = read_limited(p, size, MAX_DEFINITION_BYTES)?;
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
pub(crate) fn load_zip(name: &str, _bytes: &[u8]) -> Result<Release, LoadError> {
    Err(LoadError::Zip {
        file: name.to_string(),
        message: "sosmeta-model was built without its `zip` feature".into(),
    })
}

#[cfg(feature = "zip")]
pub(crate) fn load_zip(name: &str, bytes: &[u8]) -> Result<Release, LoadError> {
    use std::io::Read;
    let zerr = |e: zip::result::ZipError| LoadError::Zip {
        file: name.to_string(),
        message: e.to_string(),
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(zerr)?;
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(zerr)?;
        let entry = f.name().to_string();
        if !f.is_file() || !entry.ends_with(".json") || entry.split('/').any(|c| c == "koodistot") {
            continue;
        }
        if f.size() > MAX_DEFINITION_BYTES {
            return Err(LoadError::TooLarge {
                file: format!("{name}!{entry}"),
                size: f.size(),
                limit: MAX_DEFINITION_BYTES,
            });
        }
        let mut buf = Vec::with_capacity(f.size() as usize);
        (&mut f)
            .take(MAX_DEFINITION_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| LoadError::Zip {
                file: format!("{name}!{entry}"),
                message: e.to_string(),
            })?;
        if buf.len() as u64 > MAX_DEFINITION_BYTES {
            return Err(LoadError::TooLarge {
                file: format!("{name}!{entry}"),
                size: buf.len() as u64,
                limit: MAX_DEFINITION_BYTES,
            });
        }
        entries.push((entry, buf));
    }
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
