//! The inputs of `sosmeta validate`, found and read incrementally: files, directories,
//! NDJSON files and stdin become a stream of [`Source`]s.
//!
//! - A directory is searched recursively for `*.json`, `*.ndjson` and `*.jsonl` (any
//!   letter case). Symbolic links are followed, but each directory is visited once, so a
//!   link cycle cannot repeat or hang the walk. Special files found in a directory
//!   (FIFOs, sockets, devices) are reported as skipped and never opened.
//! - A path named on the command line is read whatever it is (a FIFO or `/dev/stdin`
//!   too), with the same per-document size limit as a regular file.
//! - NDJSON (by extension or `--input-format ndjson`) is read line by line; the size limit
//!   applies to each line, never to the whole stream.

use sosmeta_validate::input::NdjsonReader;
use sosmeta_validate::{Source, SourceData};
use std::collections::HashSet;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// How to find and read the inputs.
#[derive(Debug, Clone, Copy)]
pub struct WalkOptions {
    /// Read every input as NDJSON.
    pub ndjson: bool,
    /// The size limit of one document (one NDJSON line).
    pub max_size: u64,
}

/// What a walk saw besides documents.
#[derive(Debug, Default)]
pub struct WalkNotes {
    /// Special files found in directories and skipped.
    pub skipped: Vec<String>,
    /// Directories not entered again (reached a second time through a link).
    pub revisited: usize,
    /// Documents handed on.
    pub documents: usize,
}

/// The document extensions searched for in directories (compared without case).
const EXTENSIONS: [&str; 3] = ["json", "ndjson", "jsonl"];

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

fn is_ndjson_name(path: &Path) -> bool {
    matches!(extension(path).as_deref(), Some("ndjson" | "jsonl"))
}

/// A directory's identity, so that each is visited once.
#[cfg(unix)]
fn dir_id(_path: &Path, meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn dir_id(path: &Path, _meta: &std::fs::Metadata) -> Option<PathBuf> {
    path.canonicalize().ok()
}

fn failed(name: &str, msg: String) -> Source {
    Source {
        name: name.to_string(),
        data: SourceData::Failed(msg),
    }
}

/// A stream read as one document: at most `max + 1` bytes are kept (the validator then
/// reports the size), and the rest is not read.
fn read_one(name: &str, reader: impl Read, max: u64) -> Source {
    let mut buf = Vec::new();
    match reader.take(max.saturating_add(1)).read_to_end(&mut buf) {
        Ok(_) => Source::bytes(name, buf),
        Err(e) => failed(name, format!("cannot read {name}: {e}")),
    }
}

/// Walk `paths` in order and hand each document to `emit`; returns what was skipped.
/// `emit` returns false to stop the walk (e.g. the output was closed).
pub fn walk(
    paths: &[PathBuf],
    opts: WalkOptions,
    emit: &mut dyn FnMut(Source) -> bool,
) -> WalkNotes {
    let mut w = Walker {
        opts,
        visited: HashSet::new(),
        notes: WalkNotes::default(),
        stopped: false,
    };
    for p in paths {
        if w.stopped {
            break;
        }
        w.named(p, emit);
    }
    w.notes
}

struct Walker {
    opts: WalkOptions,
    #[cfg(unix)]
    visited: HashSet<(u64, u64)>,
    #[cfg(not(unix))]
    visited: HashSet<PathBuf>,
    notes: WalkNotes,
    stopped: bool,
}

impl Walker {
    fn send(&mut self, source: Source, emit: &mut dyn FnMut(Source) -> bool) {
        if self.stopped {
            return;
        }
        self.notes.documents += 1;
        if !emit(source) {
            self.stopped = true;
        }
    }

    fn ndjson(&mut self, name: &str, reader: impl Read, emit: &mut dyn FnMut(Source) -> bool) {
        let reader = BufReader::with_capacity(256 * 1024, reader);
        for source in NdjsonReader::new(name, reader, self.opts.max_size) {
            self.send(source, emit);
            if self.stopped {
                return;
            }
        }
    }

    /// A path the user named: read whatever it is.
    fn named(&mut self, path: &Path, emit: &mut dyn FnMut(Source) -> bool) {
        if path.as_os_str() == "-" {
            let stdin = std::io::stdin();
            if self.opts.ndjson {
                self.ndjson("-", stdin.lock(), emit);
            } else {
                let s = read_one("-", stdin.lock(), self.opts.max_size);
                self.send(s, emit);
            }
            return;
        }
        let name = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => self.send(failed(&name, format!("cannot read {name}: {e}")), emit),
            Ok(m) if m.is_dir() => self.dir(path, &m, emit),
            Ok(m) => self.file(path, &m, true, emit),
        }
    }

    fn file(
        &mut self,
        path: &Path,
        meta: &std::fs::Metadata,
        named: bool,
        emit: &mut dyn FnMut(Source) -> bool,
    ) {
        let name = path.display().to_string();
        if !meta.is_file() && !named {
            self.notes
                .skipped
                .push(format!("{name} (not a regular file)"));
            return;
        }
        let ndjson = self.opts.ndjson || is_ndjson_name(path);
        if meta.is_file() && !ndjson {
            // Read by the worker that validates it, with the size checked first.
            self.send(Source::file(path), emit);
            return;
        }
        match std::fs::File::open(path) {
            Err(e) => self.send(failed(&name, format!("cannot read {name}: {e}")), emit),
            Ok(f) if ndjson => self.ndjson(&name, f, emit),
            Ok(f) => {
                let s = read_one(&name, f, self.opts.max_size);
                self.send(s, emit);
            }
        }
    }

    fn dir(&mut self, path: &Path, meta: &std::fs::Metadata, emit: &mut dyn FnMut(Source) -> bool) {
        let name = path.display().to_string();
        if let Some(id) = dir_id(path, meta) {
            if !self.visited.insert(id) {
                self.notes.revisited += 1;
                return;
            }
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                self.send(
                    failed(&name, format!("cannot read directory {name}: {e}")),
                    emit,
                );
                return;
            }
        };
        entries.sort();
        for p in entries {
            if self.stopped {
                return;
            }
            // Follows links; a dangling link is skipped like any unreadable entry.
            let Ok(m) = std::fs::metadata(&p) else {
                continue;
            };
            if m.is_dir() {
                self.dir(&p, &m, emit);
            } else if extension(&p).is_some_and(|e| EXTENSIONS.contains(&e.as_str())) {
                self.file(&p, &m, false, emit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(paths: &[PathBuf], ndjson: bool) -> (Vec<String>, WalkNotes) {
        let mut out = Vec::new();
        let notes = walk(
            paths,
            WalkOptions {
                ndjson,
                max_size: 1000,
            },
            &mut |s| {
                out.push(s.name);
                true
            },
        );
        (out, notes)
    }

    #[test]
    fn upper_case_extensions_count_and_others_are_ignored() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.JSON"), "{}").unwrap();
        std::fs::write(d.path().join("b.Ndjson"), "{}\n{}\n").unwrap();
        std::fs::write(d.path().join("c.txt"), "{}").unwrap();
        let (n, _) = names(&[d.path().to_path_buf()], false);
        assert_eq!(n.len(), 3, "{n:?}");
        assert!(n[0].ends_with("a.JSON"));
        assert!(n[1].ends_with("b.Ndjson:1") && n[2].ends_with("b.Ndjson:2"));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_cycles_are_visited_once() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("doc.json"), "{}").unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        std::fs::write(d.path().join("sub/x.json"), "{}").unwrap();
        std::os::unix::fs::symlink(".", d.path().join("self")).unwrap();
        std::os::unix::fs::symlink("..", d.path().join("sub/up")).unwrap();
        let (n, notes) = names(&[d.path().to_path_buf()], false);
        assert_eq!(n.len(), 2, "{n:?}");
        assert!(notes.revisited >= 2);
    }

    #[cfg(unix)]
    #[test]
    fn fifos_in_directories_are_skipped_without_blocking() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("doc.json"), "{}").unwrap();
        let fifo = d.path().join("pipe.json");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            return; // no mkfifo on this system
        }
        let (n, notes) = names(&[d.path().to_path_buf()], false);
        assert_eq!(n.len(), 1);
        assert_eq!(notes.skipped.len(), 1);
        assert!(notes.skipped[0].contains("pipe.json"));
    }
}
