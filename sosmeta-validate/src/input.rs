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
    JsonTree::parse(text)
        .map_err(|e| findings.push(json_error(&e)))
        .ok()
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
