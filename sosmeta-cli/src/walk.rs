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
//! - Kanta archive files are told apart by content: `*.xml` files in a directory, and any
//!   file named on the command line, are sniffed. Transfer frames are not validated alone:
//!   each is indexed by the document id it names, and the CDA with that id (in the same
//!   directory, or among the named files) is validated with it.

use sosmeta_kanta::Kind;
use sosmeta_validate::input::NdjsonReader;
use sosmeta_validate::{Source, SourceData};
use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A transfer frame found by the walk.
#[derive(Debug)]
pub struct FrameFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its bytes, when the sniff read the whole file (frames are a few kB) and the walk's
    /// budget for kept frames ([`WalkOptions::kept_frame_bytes`]) had room: the worker that
    /// pairs it then does not open it again.
    pub bytes: Option<Arc<[u8]>>,
}

/// Transfer frames by the document id they name.
pub type FrameIndex = HashMap<String, FrameFile>;

/// The default of [`WalkOptions::kept_frame_bytes`]: 64 MiB, about 25,000 frames of the
/// usual 2-4 kB.
pub const KEPT_FRAME_BYTES: usize = 64 * 1024 * 1024;

/// One input to validate, with the frames it may pair with.
#[derive(Debug)]
pub struct Item {
    /// The document.
    pub source: Source,
    /// The frames of its directory (or of the named files), if there are any.
    pub frames: Option<Arc<FrameIndex>>,
}

/// Bytes read to tell a CDA, a frame and JSON apart.
const SNIFF_BYTES: u64 = 8 * 1024;

/// What a file holds, from its first bytes, and those bytes.
struct Sniffed {
    kind: Kind,
    head: Vec<u8>,
    /// `head` is the whole file (it ended before [`SNIFF_BYTES`]).
    whole: bool,
}

/// What a file holds, from its first bytes.
fn sniff_file(path: &Path) -> Sniffed {
    // Sized up front: `read_to_end` on an empty buffer reads in small growing steps (a
    // dozen `read` calls for 8 KiB), one per file of a directory of 10,000 CDAs.
    let mut head = Vec::with_capacity(SNIFF_BYTES as usize);
    let read = std::fs::File::open(path).and_then(|f| f.take(SNIFF_BYTES).read_to_end(&mut head));
    match read {
        Ok(_) => Sniffed {
            kind: sosmeta_kanta::sniff(&head),
            whole: (head.len() as u64) < SNIFF_BYTES,
            head,
        },
        Err(_) => Sniffed {
            kind: Kind::Unknown,
            head: Vec::new(),
            whole: false,
        },
    }
}

/// Up to `limit` bytes of a file, into a buffer sized from the file's length: one `read`
/// and the one that finds the end, where `read_to_end` on an empty buffer makes a dozen
/// growing ones (per frame of a directory of 10,000).
pub fn read_sized(path: &Path, limit: u64) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let len = file.metadata().map_or(0, |m| m.len().min(limit));
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    file.take(limit).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Frames indexed by the document they name, with the bytes the sniffs read kept while
/// the walk's budget lasts.
struct FrameIndexer<'n> {
    index: FrameIndex,
    /// Every frame is listed here too (with its id, if readable).
    notes: &'n mut Vec<(Option<String>, PathBuf)>,
}

impl FrameIndexer<'_> {
    /// Sniff `path`; if it is a frame, index it and say so.
    fn offer(&mut self, path: &Path, opts: &WalkOptions, kept: &mut usize) -> bool {
        let sniffed = sniff_file(path);
        if sniffed.kind != Kind::Frame {
            return false;
        }
        let len = sniffed.head.len();
        let (id, bytes) = if sniffed.whole && len as u64 <= opts.max_size {
            let id = sosmeta_kanta::frame_document_id(&sniffed.head);
            // Only a frame that pairs by its id is worth its place in the budget.
            let keep = id.is_some() && *kept + len <= opts.kept_frame_bytes;
            if keep {
                *kept += len;
            }
            (id, keep.then(|| Arc::from(sniffed.head)))
        } else {
            // Longer than the sniff, or than the size limit (whose id is then not read,
            // as no part of an input over the limit is).
            let id =
                read_sized(path, opts.max_size).and_then(|b| sosmeta_kanta::frame_document_id(&b));
            (id, None)
        };
        if let Some(id) = &id {
            self.index.insert(
                id.clone(),
                FrameFile {
                    path: path.to_path_buf(),
                    bytes,
                },
            );
        }
        self.notes.push((id, path.to_path_buf()));
        true
    }
}

/// How to find and read the inputs.
#[derive(Debug, Clone, Copy)]
pub struct WalkOptions {
    /// Read every input as NDJSON.
    pub ndjson: bool,
    /// The size limit of one document (one NDJSON line).
    pub max_size: u64,
    /// At most this many bytes of frames are kept in memory by one walk; the frames past
    /// it are read again when they pair.
    pub kept_frame_bytes: usize,
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
    /// Every transfer frame found: the document id it names (if readable) and its path.
    pub frames: Vec<(Option<String>, PathBuf)>,
}

/// The extensions searched for in directories (compared without case).
const EXTENSIONS: [&str; 4] = ["json", "ndjson", "jsonl", "xml"];

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
pub fn walk(paths: &[PathBuf], opts: WalkOptions, emit: &mut dyn FnMut(Item) -> bool) -> WalkNotes {
    let mut w = Walker {
        opts,
        visited: HashSet::new(),
        notes: WalkNotes::default(),
        stopped: false,
        frames: None,
        kept: 0,
    };
    // Frames among the named files pair with the named CDAs, in any order.
    let mut frame_paths = HashSet::new();
    let mut named_frames = FrameIndexer {
        index: FrameIndex::new(),
        notes: &mut w.notes.frames,
    };
    for p in paths {
        if p.as_os_str() != "-"
            && std::fs::metadata(p).is_ok_and(|m| m.is_file())
            && named_frames.offer(p, &opts, &mut w.kept)
        {
            frame_paths.insert(p.clone());
        }
    }
    let named_frames = named_frames.index;
    let named = (!named_frames.is_empty()).then(|| Arc::new(named_frames));
    for p in paths {
        if w.stopped {
            break;
        }
        if frame_paths.contains(p) {
            continue;
        }
        w.frames = named.clone();
        w.named(p, emit);
    }
    w.notes
}

/// What a directory entry is (links followed).
enum Entry {
    File,
    /// A directory, with what identifies it.
    Dir(std::fs::Metadata),
    /// A FIFO, socket or device.
    Other,
}

impl Entry {
    /// What `path` is, from the type its directory listing gave: no `stat` for a file or a
    /// special file; a directory (for its identity), a link (followed) or a type the file
    /// system did not say are looked up. `None`: it cannot be (a dangling link), and is
    /// skipped like any unreadable entry.
    fn of(path: &Path, listed: Option<std::fs::FileType>) -> Option<Entry> {
        match listed {
            Some(t) if t.is_file() => Some(Entry::File),
            Some(t) if !t.is_dir() && !t.is_symlink() => Some(Entry::Other),
            _ => std::fs::metadata(path).ok().map(|m| {
                if m.is_dir() {
                    Entry::Dir(m)
                } else if m.is_file() {
                    Entry::File
                } else {
                    Entry::Other
                }
            }),
        }
    }
}

struct Walker {
    opts: WalkOptions,
    #[cfg(unix)]
    visited: HashSet<(u64, u64)>,
    #[cfg(not(unix))]
    visited: HashSet<PathBuf>,
    notes: WalkNotes,
    stopped: bool,
    /// The frames the documents being walked may pair with.
    frames: Option<Arc<FrameIndex>>,
    /// Bytes of frames kept so far (at most `opts.kept_frame_bytes`).
    kept: usize,
}

impl Walker {
    fn send(&mut self, source: Source, emit: &mut dyn FnMut(Item) -> bool) {
        if self.stopped {
            return;
        }
        self.notes.documents += 1;
        let item = Item {
            source,
            frames: self.frames.clone(),
        };
        if !emit(item) {
            self.stopped = true;
        }
    }

    fn ndjson(&mut self, name: &str, reader: impl Read, emit: &mut dyn FnMut(Item) -> bool) {
        let reader = BufReader::with_capacity(256 * 1024, reader);
        for source in NdjsonReader::new(name, reader, self.opts.max_size) {
            self.send(source, emit);
            if self.stopped {
                return;
            }
        }
    }

    /// A path the user named: read whatever it is.
    fn named(&mut self, path: &Path, emit: &mut dyn FnMut(Item) -> bool) {
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
            Ok(m) => self.file(path, m.is_file(), true, emit),
        }
    }

    fn file(
        &mut self,
        path: &Path,
        is_file: bool,
        named: bool,
        emit: &mut dyn FnMut(Item) -> bool,
    ) {
        let name = path.display().to_string();
        if !is_file && !named {
            self.notes
                .skipped
                .push(format!("{name} (not a regular file)"));
            return;
        }
        let ndjson = self.opts.ndjson || is_ndjson_name(path);
        if is_file && !ndjson {
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

    fn dir(&mut self, path: &Path, meta: &std::fs::Metadata, emit: &mut dyn FnMut(Item) -> bool) {
        let name = path.display().to_string();
        if let Some(id) = dir_id(path, meta) {
            if !self.visited.insert(id) {
                self.notes.revisited += 1;
                return;
            }
        }
        let mut entries: Vec<(PathBuf, Option<Entry>)> = match std::fs::read_dir(path) {
            Ok(rd) => rd
                .filter_map(|e| e.ok())
                .map(|e| {
                    let p = e.path();
                    let kind = Entry::of(&p, e.file_type().ok());
                    (p, kind)
                })
                .collect(),
            Err(e) => {
                self.send(
                    failed(&name, format!("cannot read directory {name}: {e}")),
                    emit,
                );
                return;
            }
        };
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        // Frames first: indexed by the document they name, not validated alone.
        let mut frames = HashSet::new();
        let mut indexer = FrameIndexer {
            index: FrameIndex::new(),
            notes: &mut self.notes.frames,
        };
        for (p, kind) in &entries {
            if extension(p).as_deref() == Some("xml")
                && matches!(kind, Some(Entry::File))
                && indexer.offer(p, &self.opts, &mut self.kept)
            {
                frames.insert(p.clone());
            }
        }
        let index = indexer.index;
        let index = (!index.is_empty()).then(|| Arc::new(index));
        for (p, kind) in entries {
            if self.stopped {
                return;
            }
            if frames.contains(&p) {
                continue;
            }
            match kind {
                None => continue,
                Some(Entry::Dir(m)) => {
                    let outer = self.frames.take();
                    self.dir(&p, &m, emit);
                    self.frames = outer;
                }
                Some(kind) => {
                    if extension(&p).is_some_and(|e| EXTENSIONS.contains(&e.as_str())) {
                        let outer = std::mem::replace(&mut self.frames, index.clone());
                        self.file(&p, matches!(kind, Entry::File), false, emit);
                        self.frames = outer;
                    }
                }
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
                kept_frame_bytes: KEPT_FRAME_BYTES,
            },
            &mut |s| {
                out.push(s.source.name);
                true
            },
        );
        (out, notes)
    }

    /// A frame of `len` bytes or more naming document `id` (padded with a comment).
    fn frame(id: &str, len: usize) -> String {
        let head = format!(
            "<?xml version=\"1.0\"?><RCMR_IN200002FI01 xmlns=\"urn:hl7-org:v3\"><controlActProcess>\
             <subject><clinicalDocument><id root=\"{id}\"/></clinicalDocument></subject>\
             </controlActProcess><!--"
        );
        let pad = len.saturating_sub(head.len() + 24);
        format!("{head}{}--></RCMR_IN200002FI01>", " ".repeat(pad))
    }

    /// The frames a walk of `dir` indexed, by id: their path's file name and whether their
    /// bytes were kept.
    fn indexed(dir: &Path, max_size: u64, kept_frame_bytes: usize) -> Vec<(String, String, bool)> {
        let mut seen = Vec::new();
        let opts = WalkOptions {
            ndjson: false,
            max_size,
            kept_frame_bytes,
        };
        walk(&[dir.to_path_buf()], opts, &mut |item| {
            for (id, f) in item.frames.iter().flat_map(|i| i.iter()) {
                let name = f.path.file_name().unwrap().to_string_lossy().into_owned();
                if let Some(b) = &f.bytes {
                    assert_eq!(&b[..], &std::fs::read(&f.path).unwrap()[..], "{name}");
                }
                seen.push((id.clone(), name, f.bytes.is_some()));
            }
            true
        });
        seen.sort();
        seen.dedup();
        seen
    }

    #[test]
    fn frames_read_whole_by_the_sniff_are_kept_within_the_budget() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("doc.json"), "{}").unwrap();
        std::fs::write(d.path().join("f1.xml"), frame("1.2.3.1", 2000)).unwrap();
        std::fs::write(d.path().join("f2.xml"), frame("1.2.3.2", 2000)).unwrap();
        // Longer than the sniff: indexed by a second read, never kept.
        std::fs::write(d.path().join("f3.xml"), frame("1.2.3.3", 20_000)).unwrap();
        let all = indexed(d.path(), 1 << 20, KEPT_FRAME_BYTES);
        let want = |kept: [bool; 3]| {
            (1..=3)
                .map(|i| (format!("1.2.3.{i}"), format!("f{i}.xml"), kept[i - 1]))
                .collect::<Vec<_>>()
        };
        assert_eq!(all, want([true, true, false]));
        // A budget for one of them: the first (in name order) is kept, the second is not.
        let len = std::fs::metadata(d.path().join("f1.xml")).unwrap().len() as usize;
        assert_eq!(indexed(d.path(), 1 << 20, len), want([true, false, false]));
        // A frame over the size limit is neither kept nor indexed (its id is not read).
        assert_eq!(indexed(d.path(), 1000, KEPT_FRAME_BYTES), vec![]);
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
