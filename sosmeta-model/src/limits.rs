//! The bounds of reading a release bundle: every read of a file, a zip entry or a gzip
//! stream is made through a running limit (`Read::take`), so a hostile bundle (`/dev/zero`,
//! a FIFO, a multi-gigabyte file, a zip or gzip bomb) costs at most the limit in memory and
//! time, and fails with an error that names the limit.
//!
//! [`Limits::DEFAULT`] is what [`Release::load`](crate::Release::load) and
//! [`CodeSets::load_bundle`](crate::koodisto::CodeSets::load_bundle) use; the `_with`
//! variants take other limits (tests use small ones).

use std::io::Read;

#[cfg(feature = "zip")]
pub use crate::load::zip_entries;

/// The limits of one bundle load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest single-file bundle (a zip, a compact release or one definition), read from
    /// any kind of path (regular file, FIFO, device).
    pub bundle_file_bytes: u64,
    /// Largest definition file (in a folder or a zip entry).
    pub definition_bytes: u64,
    /// Largest code-set file (`koodistot/<oid>.json`, in a folder or a zip entry).
    pub code_set_bytes: u64,
    /// Most entries a zip may list (every entry counts, read or not).
    pub zip_entries: u64,
    /// Largest total expanded size of the zip entries read from one archive.
    pub zip_expanded_bytes: u64,
    /// Largest decompressed size of a gzip'd compact release.
    pub gzip_expanded_bytes: u64,
}

impl Limits {
    /// The defaults: 64 MiB per bundle file, 64 MiB per definition, 128 MiB per code
    /// set, 20,000 zip entries, 256 MiB expanded per zip, 64 MiB decompressed per gzip.
    /// (The pinned release is 32 MB as a folder, 3 MB as a zip, 13 MB as decompressed
    /// compact JSON.) Peak memory of a read that reaches a limit is at most about twice
    /// the limit (the buffer doubles as it grows).
    pub const DEFAULT: Limits = Limits {
        bundle_file_bytes: 64 * 1024 * 1024,
        definition_bytes: 64 * 1024 * 1024,
        code_set_bytes: 128 * 1024 * 1024,
        zip_entries: 20_000,
        zip_expanded_bytes: 256 * 1024 * 1024,
        gzip_expanded_bytes: 64 * 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Why a bounded read stopped.
#[derive(Debug)]
pub(crate) enum Bounded {
    /// The reader failed.
    Io(std::io::Error),
    /// More than the limit was available.
    Over,
}

/// Append at most `limit` bytes of `r` to `buf`; `Bounded::Over` as soon as one more
/// byte is available (never reads more than `limit` plus one 64 KiB chunk). The buffer
/// grows by doubling but never past the limit, so memory stays near what was read.
pub(crate) fn read_bounded(mut r: impl Read, limit: u64, buf: &mut Vec<u8>) -> Result<(), Bounded> {
    let start = buf.len();
    let cap_max = start.saturating_add(usize::try_from(limit).unwrap_or(usize::MAX));
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match r.read(&mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Bounded::Io(e)),
        };
        if (buf.len() - start) as u64 + n as u64 > limit {
            return Err(Bounded::Over);
        }
        if buf.capacity() - buf.len() < n {
            let want = buf
                .capacity()
                .saturating_mul(2)
                .max(buf.len() + n)
                .min(cap_max);
            buf.reserve_exact(want.saturating_sub(buf.len()).max(n));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Why reading a zip's entries failed.
#[cfg(feature = "zip")]
#[derive(Debug)]
pub(crate) enum ZipFail {
    /// The archive (or an entry) is unreadable.
    Zip {
        /// The entry, when one failed.
        entry: Option<String>,
        /// What went wrong.
        message: String,
    },
    /// A limit was reached.
    Over {
        /// The entry being read, if any.
        entry: Option<String>,
        /// What the limit counts.
        what: &'static str,
        /// The limit.
        limit: u64,
    },
    /// Two entries share a name.
    Duplicate(String),
}

/// Read the entries of a zip that `want` selects (by name; directories are skipped),
/// each capped at `entry_cap` bytes and all of them at `limits.zip_expanded_bytes`;
/// archives listing more than `limits.zip_entries` entries or an entry name twice are
/// refused before anything is expanded.
#[cfg(feature = "zip")]
pub(crate) fn read_zip(
    bytes: &[u8],
    limits: &Limits,
    entry_cap: u64,
    want: impl Fn(&str) -> bool,
) -> Result<Vec<(String, Vec<u8>)>, ZipFail> {
    let zerr = |entry: Option<&str>| {
        let entry = entry.map(str::to_string);
        move |e: zip::result::ZipError| ZipFail::Zip {
            entry,
            message: e.to_string(),
        }
    };
    // The end record's count first: the zip crate reserves memory by it.
    if let Some(n) = declared_entries(bytes) {
        if n > limits.zip_entries {
            return Err(ZipFail::Over {
                entry: None,
                what: "entries in a zip",
                limit: limits.zip_entries,
            });
        }
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(zerr(None))?;
    // The zip crate keeps one entry per name (the last wins silently): read the names of
    // the central directory itself, count them and refuse a repeated one.
    let start = usize::try_from(archive.central_directory_start()).unwrap_or(usize::MAX);
    let mut names = std::collections::HashSet::new();
    for name in central_names(bytes, start, limits.zip_entries)? {
        if !names.insert(name) {
            return Err(ZipFail::Duplicate(
                String::from_utf8_lossy(name).into_owned(),
            ));
        }
    }
    let mut out = Vec::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let f = archive.by_index(i).map_err(zerr(None))?;
        let name = f.name().to_string();
        if f.is_dir() || !want(&name) {
            continue;
        }
        let remaining = limits.zip_expanded_bytes.saturating_sub(total);
        let (cap, what, limit) = if entry_cap <= remaining {
            (entry_cap, "bytes of one zip entry", entry_cap)
        } else {
            (
                remaining,
                "expanded bytes of all entries of a zip",
                limits.zip_expanded_bytes,
            )
        };
        // The declared size may lie; it is only a capacity hint, capped by the limit.
        let mut buf = Vec::with_capacity(f.size().min(cap) as usize);
        match read_bounded(f, cap, &mut buf) {
            Ok(()) => {}
            Err(Bounded::Over) => {
                return Err(ZipFail::Over {
                    entry: Some(name),
                    what,
                    limit,
                })
            }
            Err(Bounded::Io(e)) => {
                return Err(ZipFail::Zip {
                    entry: Some(name),
                    message: e.to_string(),
                })
            }
        }
        total += buf.len() as u64;
        out.push((name, buf));
    }
    Ok(out)
}

/// The entry count an end-of-central-directory record declares (the ZIP64 one when the
/// classic record defers to it); `None` when no record is found (the zip crate then
/// refuses the archive).
#[cfg(feature = "zip")]
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    let u16_at = |at: usize| -> Option<u64> {
        Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?) as u64)
    };
    let u64_at = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
    };
    // The record is 22 bytes plus a comment of at most 65,535 bytes, at the end.
    let from = bytes.len().saturating_sub(22 + 65_535);
    let eocd = from + bytes[from..].windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let classic = u16_at(eocd + 10)?;
    // A ZIP64 locator sits just before the classic record.
    if eocd >= 20 && bytes.get(eocd - 20..eocd - 16) == Some(b"PK\x06\x07") {
        let at = usize::try_from(u64_at(eocd - 12)?).ok()?;
        if bytes.get(at..at + 4) == Some(b"PK\x06\x06") {
            return u64_at(at + 32).map(|n| n.max(classic));
        }
        return Some(u64::MAX);
    }
    Some(classic)
}

/// The names of the central directory's headers from `start`, at most `max` of them
/// (one more is an error that names the limit).
#[cfg(feature = "zip")]
fn central_names(bytes: &[u8], start: usize, max: u64) -> Result<Vec<&[u8]>, ZipFail> {
    let mut names = Vec::new();
    let mut at = start;
    while bytes.get(at..at + 4) == Some(b"PK\x01\x02") {
        let len = |o: usize| -> usize {
            bytes
                .get(at + o..at + o + 2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
                .unwrap_or(0)
        };
        let (n, e, c) = (len(28), len(30), len(32));
        let Some(name) = bytes.get(at + 46..at + 46 + n) else {
            break;
        };
        names.push(name);
        if names.len() as u64 > max {
            return Err(ZipFail::Over {
                entry: None,
                what: "entries in a zip",
                limit: max,
            });
        }
        at += 46 + n + e + c;
    }
    Ok(names)
}

/// The largest prefix needed to tell what a single-file bundle is.
const SNIFF: usize = 4096;

/// Read a single-file bundle from any kind of path with a running limit. A file whose
/// first bytes are none of a zip (`PK`), a gzip (`1f 8b`) or JSON (`{`, after an optional
/// byte-order mark and whitespace) is refused after at most 4 KiB, so `/dev/zero` or a
/// binary file is not read to the limit.
pub(crate) fn read_bundle_file(r: impl Read, limit: u64) -> Result<Vec<u8>, BundleReadFail> {
    let mut r = r;
    let mut head = Vec::with_capacity(SNIFF);
    read_bounded((&mut r).take(SNIFF as u64), SNIFF as u64, &mut head).map_err(|e| match e {
        Bounded::Io(e) => BundleReadFail::Io(e),
        Bounded::Over => BundleReadFail::Over,
    })?;
    match sniff(&head) {
        Sniff::Known | Sniff::Undecided => {}
        Sniff::Unknown => return Err(BundleReadFail::NotABundle),
    }
    if head.len() as u64 > limit {
        return Err(BundleReadFail::Over);
    }
    let rest = limit - head.len() as u64;
    read_bounded(r, rest, &mut head).map_err(|e| match e {
        Bounded::Io(e) => BundleReadFail::Io(e),
        Bounded::Over => BundleReadFail::Over,
    })?;
    Ok(head)
}

/// Why [`read_bundle_file`] failed.
#[derive(Debug)]
pub(crate) enum BundleReadFail {
    /// The reader failed.
    Io(std::io::Error),
    /// Over the limit.
    Over,
    /// Neither zip, gzip nor JSON.
    NotABundle,
}

enum Sniff {
    Known,
    Unknown,
    Undecided,
}

fn sniff(head: &[u8]) -> Sniff {
    if head.starts_with(b"PK") || head.starts_with(&[0x1f, 0x8b]) {
        return Sniff::Known;
    }
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Sniff::Known,
        Some(_) => Sniff::Unknown,
        // Empty or whitespace only: the JSON parser says what is wrong.
        None if head.len() < SNIFF => Sniff::Known,
        None => Sniff::Undecided,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_bounded_stops_one_byte_past_the_limit() {
        let mut buf = Vec::new();
        assert!(read_bounded(std::io::repeat(0).take(10), 10, &mut buf).is_ok());
        assert_eq!(buf.len(), 10);
        let mut buf = Vec::new();
        assert!(matches!(
            read_bounded(std::io::repeat(0), 1000, &mut buf),
            Err(Bounded::Over)
        ));
        assert!(buf.len() <= 1000);
        let mut buf = Vec::new();
        assert!(matches!(
            read_bounded(std::io::repeat(0), 300_000, &mut buf),
            Err(Bounded::Over)
        ));
        assert!(buf.capacity() <= 300_000, "{}", buf.capacity());
    }

    #[test]
    fn endless_zeros_are_refused_after_the_sniff() {
        assert!(matches!(
            read_bundle_file(std::io::repeat(0), u64::MAX),
            Err(BundleReadFail::NotABundle)
        ));
        assert!(matches!(
            read_bundle_file(std::io::repeat(b' '), 10_000),
            Err(BundleReadFail::Over)
        ));
        let mut json = b"  {".to_vec();
        json.extend(std::iter::repeat_n(b' ', 5000));
        assert!(matches!(
            read_bundle_file(&json[..], 100),
            Err(BundleReadFail::Over)
        ));
        assert_eq!(read_bundle_file(&json[..], 10_000).unwrap(), json);
    }
}
