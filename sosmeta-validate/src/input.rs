//! Layer 1: from bytes to a JSON value: size, encoding, BOM, well-formedness, depth.
//!
//! Nothing here panics or stops a batch; every problem becomes a [`Finding`].

use crate::finding::{rules, Finding};
use crate::json_tree::JsonTree;
use serde_json::Value;

/// The default size limit of one input (64 MiB).
pub const DEFAULT_MAX_SIZE: u64 = 64 * 1024 * 1024;

/// The result of reading one input.
#[derive(Debug, Clone, Default)]
pub struct ParsedInput {
    /// The JSON value, when the bytes could be read as JSON.
    pub value: Option<Value>,
    /// What was wrong with the bytes (may be non-empty even when `value` is set, e.g. a BOM).
    pub findings: Vec<Finding>,
}

/// Read bytes as one JSON document, reporting every problem as a finding.
pub fn parse_bytes(bytes: &[u8], max_size: u64) -> ParsedInput {
    let mut findings = Vec::new();
    let value = decode(bytes, max_size, &mut findings).and_then(|text| {
        serde_json::from_str::<Value>(text)
            .map_err(|e| findings.push(json_error(&e)))
            .ok()
    });
    ParsedInput { value, findings }
}

/// Read bytes as one JSON document into a [`JsonTree`] (strings borrowed from
/// `bytes`), reporting every problem as a finding.
pub fn parse_tree<'b>(
    bytes: &'b [u8],
    max_size: u64,
    findings: &mut Vec<Finding>,
) -> Option<JsonTree<'b>> {
    let text = decode(bytes, max_size, findings)?;
    let tree = JsonTree::parse(text)
        .map_err(|e| findings.push(json_error(&e)))
        .ok()?;
    for pointer in tree.duplicate_keys() {
        let key = pointer
            .rsplit('/')
            .next()
            .unwrap_or("")
            .replace("~1", "/")
            .replace("~0", "~");
        findings.push(Finding::new(
            rules::INPUT_DUPLICATE_KEY,
            rules::INPUT_DUPLICATE_KEY.severity(),
            pointer.clone(),
            "",
            format!(
                "the key `{}` appears more than once in one object: readers disagree on which value counts (this validator checks the last one); keep one",
                crate::echo::text(&key)
            ),
        ));
    }
    Some(tree)
}

/// The JSON text of the bytes: size limit, BOM (reported and skipped), UTF-8, not
/// empty. `None` when the text cannot be read as JSON at all.
fn decode<'b>(bytes: &'b [u8], max_size: u64, findings: &mut Vec<Finding>) -> Option<&'b str> {
    if bytes.len() as u64 > max_size {
        findings.push(Finding::root_error(
            rules::INPUT_SIZE,
            format!(
                "{} bytes is over the size limit of {} bytes",
                bytes.len(),
                max_size
            ),
        ));
        return None;
    }
    if let Some(encoding) = wide_encoding(bytes) {
        findings.push(Finding::root_error(
            rules::INPUT_ENCODING,
            format!(
                "not UTF-8: the input is {encoding}; convert it to UTF-8 (e.g. `iconv -f {encoding} -t UTF-8`)"
            ),
        ));
        return None;
    }
    let mut bytes = bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        findings.push(Finding::root_error(
            rules::INPUT_BOM,
            "the input starts with a UTF-8 byte order mark (BOM); JSON must not (RFC 8259 §8.1): remove it (the rest was still checked)",
        ));
        bytes = rest;
    }
    // The fast check first; the standard one only to say where the bad byte is.
    let checked = simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes));
    let text = match checked {
        Ok(t) => t,
        Err(e) => {
            let hint = sosmeta_model::LoadError::not_utf8("", bytes, e);
            let latin1 = matches!(
                hint,
                sosmeta_model::LoadError::NotUtf8 {
                    latin1_likely: true,
                    ..
                }
            );
            findings.push(Finding::root_error(
                rules::INPUT_ENCODING,
                format!(
                    "not UTF-8: invalid byte at offset {}{}",
                    e.valid_up_to(),
                    if latin1 {
                        "; it looks like Latin-1 (ISO-8859-1): convert it to UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
                    } else {
                        ""
                    }
                ),
            ));
            return None;
        }
    };
    if text.trim().is_empty() {
        findings.push(Finding::root_error(
            rules::INPUT_EMPTY,
            "empty input: expected a JSON document",
        ));
        return None;
    }
    Some(text)
}

/// UTF-16 or UTF-32 text, by its byte order mark or, without one, by the zero bytes that
/// ASCII characters leave in the first four bytes of JSON.
fn wide_encoding(b: &[u8]) -> Option<&'static str> {
    match b {
        [0x00, 0x00, 0xFE, 0xFF, ..] => Some("UTF-32BE"),
        [0xFF, 0xFE, 0x00, 0x00, ..] => Some("UTF-32LE"),
        [0xFE, 0xFF, ..] => Some("UTF-16BE"),
        [0xFF, 0xFE, ..] => Some("UTF-16LE"),
        [0, 0, 0, x, ..] if *x != 0 => Some("UTF-32BE"),
        [x, 0, 0, 0, ..] if *x != 0 => Some("UTF-32LE"),
        [0, x, 0, y, ..] if *x != 0 && *y != 0 => Some("UTF-16BE"),
        [x, 0, y, 0, ..] if *x != 0 && *y != 0 => Some("UTF-16LE"),
        _ => None,
    }
}

/// The finding for a JSON syntax error (or nesting past the parser's limit).
fn json_error(e: &serde_json::Error) -> Finding {
    let msg = e.to_string();
    let rule = if msg.contains("recursion limit") {
        rules::INPUT_DEPTH
    } else {
        rules::INPUT_JSON
    };
    Finding::root_error(
        rule,
        format!(
            "invalid JSON at line {}, column {}: {}",
            e.line(),
            e.column(),
            strip_position(&msg)
        ),
    )
}

/// Read a file of at most `max` bytes (one byte more is read, so that the size rule can
/// say it is over); a read error is an `input.io` finding, a file over the limit an
/// `input.size` finding.
pub fn read_file(path: &std::path::Path, max: u64) -> Result<Vec<u8>, Box<Finding>> {
    use std::io::Read;
    let io = |e: std::io::Error| {
        Finding::root_error(
            rules::INPUT_IO,
            format!("cannot read {}: {e}", path.display()),
        )
    };
    let file = std::fs::File::open(path).map_err(io)?;
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > max {
            return Err(Box::new(Finding::root_error(
                rules::INPUT_SIZE,
                format!("{} bytes is over the size limit of {max} bytes", meta.len()),
            )));
        }
    }
    let mut buf = Vec::new();
    // Read one byte past the limit so the size rule can say it is over.
    file.take(max.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(io)?;
    Ok(buf)
}

fn strip_position(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_of(bytes: &[u8]) -> Vec<crate::registry::Rule> {
        parse_bytes(bytes, 1000)
            .findings
            .iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn classifies_bad_bytes() {
        assert_eq!(rule_of(b""), vec![rules::INPUT_EMPTY]);
        assert_eq!(rule_of(b"  \n"), vec![rules::INPUT_EMPTY]);
        assert_eq!(rule_of(b"{\"a\": 1"), vec![rules::INPUT_JSON]);
        assert_eq!(rule_of(b"\xEF\xBB\xBF{}"), vec![rules::INPUT_BOM]);
        assert_eq!(rule_of(&[b'a'; 2000]), vec![rules::INPUT_SIZE]);
        let latin1 = b"{\"nimi\": \"J\xE4rvinen\"}";
        let p = parse_bytes(latin1, 1000);
        assert_eq!(p.findings[0].rule, rules::INPUT_ENCODING);
        assert!(
            p.findings[0].message.contains("Latin-1"),
            "{:?}",
            p.findings
        );
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert_eq!(rule_of(deep.as_bytes()), vec![rules::INPUT_DEPTH]);
        let p = parse_bytes(b"{\n  \"a\": 1,,\n}", 1000);
        assert!(p.findings[0].message.contains("line 2"), "{:?}", p.findings);
    }

    #[test]
    fn ndjson_reader_streams_lines_and_bounds_each_one() {
        let text = b"{\"a\": 1}\r\n\n  \n{\"b\": 2}\n0123456789012345678901234567890\n[1]";
        // A tiny buffer so that lines cross buffer boundaries.
        let r = std::io::BufReader::with_capacity(4, &text[..]);
        let got: Vec<Source> = NdjsonReader::new("x", r, 20).collect();
        let names: Vec<&str> = got.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["x:1", "x:4", "x:5", "x:6"]);
        assert!(matches!(&got[0].data, SourceData::Bytes(b) if b == b"{\"a\": 1}"));
        assert!(matches!(got[2].data, SourceData::TooLarge(31)));
        assert!(matches!(&got[3].data, SourceData::Bytes(b) if b == b"[1]"));
        // The same lines as the in-memory splitter.
        let whole: Vec<String> = ndjson_sources("x", &text[..])
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(whole, ["x:1", "x:4", "x:5", "x:6"]);
    }

    #[test]
    fn ndjson_reader_skips_an_endless_line_without_keeping_it() {
        // 50 MB of one line: only the limit plus one byte is ever kept.
        let endless = std::io::Read::take(std::io::repeat(b'x'), 50_000_000);
        let r = std::io::BufReader::new(endless);
        let got: Vec<Source> = NdjsonReader::new("z", r, 1000).collect();
        assert_eq!(got.len(), 1);
        assert!(matches!(got[0].data, SourceData::TooLarge(50_000_000)));
    }

    #[test]
    fn utf16_and_utf32_are_named() {
        let utf16le: Vec<u8> = "{\"a\": 1}"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let utf16be: Vec<u8> = "{\"a\": 1}"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        let utf32le: Vec<u8> = "{\"a\": 1}"
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        for (bytes, name) in [
            (utf16le, "UTF-16LE"),
            (utf16be, "UTF-16BE"),
            (utf32le, "UTF-32LE"),
            ([&[0xFF, 0xFE][..], b"{\0}\0"].concat(), "UTF-16LE"),
        ] {
            let p = parse_bytes(&bytes, 1000);
            assert_eq!(p.findings[0].rule, rules::INPUT_ENCODING);
            assert!(
                p.findings[0].message.contains(name),
                "{}",
                p.findings[0].message
            );
            assert!(!p.findings[0].message.contains("Latin-1"));
        }
    }

    #[test]
    fn duplicate_keys_are_reported_at_the_value_kept() {
        let mut findings = Vec::new();
        let text =
            br#"{"a": {"h": 1, "x": [ {"k": 1, "k": 2, "k": 3} ], "h": 2}, "b~/c": 0, "b~/c": 1}"#;
        let tree = parse_tree(text, 1000, &mut findings).unwrap();
        let mut got: Vec<(&str, crate::registry::Rule)> = findings
            .iter()
            .map(|f| (f.pointer.as_str(), f.rule))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                ("/a/h", rules::INPUT_DUPLICATE_KEY),
                ("/a/x/0/k", rules::INPUT_DUPLICATE_KEY),
                ("/b~0~1c", rules::INPUT_DUPLICATE_KEY),
            ]
        );
        // The last value is the one kept.
        assert_eq!(tree.root().to_value()["a"]["h"], 2);
        let mut none = Vec::new();
        parse_tree(br#"{"a": {"a": 1}}"#, 1000, &mut none).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn tree_and_value_parsing_report_alike() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        for bytes in [
            &b""[..],
            b"{\"a\": 1",
            b"\xEF\xBB\xBF{\"a\": [1, \"x\"]}",
            b"{\"nimi\": \"J\xE4rvinen\"}",
            deep.as_bytes(),
            b"{\n  \"a\": 1,,\n}",
            b"[1] x",
        ] {
            let p = parse_bytes(bytes, 1000);
            let mut findings = Vec::new();
            let tree = parse_tree(bytes, 1000, &mut findings);
            assert_eq!(p.findings, findings);
            assert_eq!(p.value, tree.map(|t| t.root().to_value()));
        }
    }
}

/// One document to validate and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name reports give it (`path`, `path:LINE`, `-`).
    pub name: String,
    /// The document, or where to read it.
    pub data: SourceData,
}

/// The content of a [`Source`].
#[derive(Debug, Clone)]
pub enum SourceData {
    /// A file, read when it is validated.
    File(std::path::PathBuf),
    /// Bytes already in memory (stdin, an NDJSON line).
    Bytes(Vec<u8>),
    /// The input could not be read; the message says why.
    Failed(String),
    /// The input is this many bytes (or more), over the size limit; it was not kept.
    TooLarge(u64),
}

impl Source {
    /// A source from bytes.
    pub fn bytes(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Source {
        Source {
            name: name.into(),
            data: SourceData::Bytes(bytes.into()),
        }
    }

    /// A source from a file path.
    pub fn file(path: impl Into<std::path::PathBuf>) -> Source {
        let path = path.into();
        Source {
            name: path.display().to_string(),
            data: SourceData::File(path),
        }
    }
}

/// Reads NDJSON incrementally: one [`Source`] per non-blank line, named `name:LINE`.
///
/// At most `max_size` bytes of a line are kept; a longer line becomes a
/// [`SourceData::TooLarge`] source and the reader goes on at the next line, so memory stays
/// bounded by one line whatever the stream holds (an endless line included: it is
/// skipped without being kept). A read error ends the stream with a
/// [`SourceData::Failed`] source.
#[derive(Debug)]
pub struct NdjsonReader<R> {
    reader: R,
    name: String,
    max_size: u64,
    line: usize,
    done: bool,
}

impl<R: std::io::BufRead> NdjsonReader<R> {
    /// A reader of `reader`, naming its lines `name:LINE`.
    pub fn new(name: impl Into<String>, reader: R, max_size: u64) -> NdjsonReader<R> {
        NdjsonReader {
            reader,
            name: name.into(),
            max_size,
            line: 0,
            done: false,
        }
    }

    /// Read one line: its kept bytes (at most `max_size + 1`), its full length, and
    /// whether anything was read at all.
    fn read_line(&mut self, buf: &mut Vec<u8>) -> std::io::Result<(u64, bool)> {
        let keep = usize::try_from(self.max_size.saturating_add(1)).unwrap_or(usize::MAX);
        let mut total: u64 = 0;
        let mut any = false;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok((total, any));
            }
            any = true;
            let (part, found) = match memchr_newline(chunk) {
                Some(i) => (&chunk[..i], Some(i)),
                None => (chunk, None),
            };
            let room = keep.saturating_sub(buf.len());
            buf.extend_from_slice(&part[..part.len().min(room)]);
            total = total.saturating_add(part.len() as u64);
            match found {
                Some(i) => {
                    self.reader.consume(i + 1);
                    return Ok((total, true));
                }
                None => {
                    let n = part.len();
                    self.reader.consume(n);
                }
            }
        }
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

impl<R: std::io::BufRead> Iterator for NdjsonReader<R> {
    type Item = Source;

    fn next(&mut self) -> Option<Source> {
        let mut buf = Vec::new();
        loop {
            if self.done {
                return None;
            }
            buf.clear();
            let (len, any) = match self.read_line(&mut buf) {
                Ok(r) => r,
                Err(e) => {
                    self.done = true;
                    return Some(Source {
                        name: format!("{}:{}", self.name, self.line + 1),
                        data: SourceData::Failed(format!(
                            "cannot read {} after line {}: {e}",
                            self.name, self.line
                        )),
                    });
                }
            };
            if !any {
                self.done = true;
                return None;
            }
            self.line += 1;
            let name = format!("{}:{}", self.name, self.line);
            if len > self.max_size {
                return Some(Source {
                    name,
                    data: SourceData::TooLarge(len),
                });
            }
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Source::bytes(name, std::mem::take(&mut buf)));
        }
    }
}

/// Split NDJSON bytes into one source per non-blank line, named `name:LINE`.
pub fn ndjson_sources(name: &str, bytes: &[u8]) -> Vec<Source> {
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .map(|(i, line)| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            Source::bytes(format!("{name}:{}", i + 1), line)
        })
        .collect()
}
