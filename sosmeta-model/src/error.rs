//! Typed errors of loading a release (*julkaisu*): each names the file and, where it
//! applies, the JSON pointer inside it.

use std::path::PathBuf;

/// Everything that can go wrong when reading a Sosmeta release bundle.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A file or directory could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not UTF-8.
    #[error("{file}: not UTF-8 (invalid byte at offset {offset}){}", if *.latin1_likely { "; it looks like Latin-1 (ISO-8859-1), which Sosmeta has served: convert it to UTF-8 (e.g. `iconv -f latin1 -t utf-8`)" } else { "" })]
    NotUtf8 {
        /// The file.
        file: String,
        /// Byte offset of the first invalid sequence.
        offset: usize,
        /// True when the bytes decode as plausible Latin-1 text (e.g. `ä` as 0xE4).
        latin1_likely: bool,
    },
    /// The text is not valid JSON.
    #[error("{file}:{line}:{column}: invalid JSON: {message}")]
    InvalidJson {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A value has the wrong JSON type or an impossible value.
    #[error("{file}: {pointer}: expected {expected}, found {found}")]
    WrongType {
        /// The file.
        file: String,
        /// JSON pointer of the value.
        pointer: String,
        /// What the dialect requires.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// A required member is missing.
    #[error("{file}: {pointer}: missing `{member}`")]
    Missing {
        /// The file.
        file: String,
        /// JSON pointer of the object that lacks it.
        pointer: String,
        /// The missing member.
        member: &'static str,
    },
    /// A JSON Schema keyword outside the Sosmeta dialect (e.g. `$ref`, `oneOf`).
    #[error("{file}: {pointer}: JSON Schema keyword `{keyword}` is outside the Sosmeta dialect (type, properties, required, additionalProperties, items, minItems, minLength, pattern, enum, title, $schema)")]
    UnsupportedKeyword {
        /// The file.
        file: String,
        /// JSON pointer of the node.
        pointer: String,
        /// The keyword.
        keyword: String,
    },
    /// The root `sosmeta.oid` and `documentDefinitionVersion` disagree.
    #[error("{file}: /sosmeta/oid `{oid}` does not end with the version {version} (expected `<OID>.{expected_suffix}`)")]
    OidVersionMismatch {
        /// The file.
        file: String,
        /// The root `sosmeta.oid`.
        oid: String,
        /// `documentDefinitionVersion` as written.
        version: String,
        /// The suffix the version implies, e.g. `2023.6.1`.
        expected_suffix: String,
    },
    /// The same OID and version occur twice in one release.
    #[error("definition {id} occurs twice: in {first} and in {second}")]
    Duplicate {
        /// `OID@version`.
        id: String,
        /// Where it was first seen.
        first: String,
        /// Where it was seen again.
        second: String,
    },
    /// The zip archive is unreadable or corrupt.
    #[error("{file}: unreadable zip archive: {message}")]
    Zip {
        /// The archive.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// A compact release file is corrupt or of another format version.
    #[error("{file}: not a compact sosmeta release: {message}")]
    Compact {
        /// The file.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// A file is larger than the loader accepts.
    #[error("{file}: {size} bytes is over the limit of {limit} bytes")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A read reached one of the loader's limits ([`crate::limits::Limits`]); nothing
    /// past the limit was read.
    #[error("{file}: over the limit of {limit} {what}")]
    OverLimit {
        /// The file (or `archive!entry`).
        file: String,
        /// What the limit counts, e.g. `expanded bytes of all entries of a zip`.
        what: &'static str,
        /// The limit.
        limit: u64,
    },
    /// A zip lists one entry name twice: which one counts would be ambiguous.
    #[error("{file}: the zip holds the entry `{entry}` more than once (ambiguous, refused)")]
    DuplicateEntry {
        /// The archive.
        file: String,
        /// The repeated entry name.
        entry: String,
    },
    /// A single file that is neither a zip, a compact release nor a JSON definition.
    #[error("{file}: not a release bundle (expected a folder, a zip, a compact release or a JSON definition)")]
    NotABundle {
        /// The file.
        file: String,
    },
    /// The bundle holds no definitions.
    #[error("{path}: no definitions found (expected *.json files, Valmis/ and Vanhentunut/ folders, a zip of them, or a compact release)")]
    Empty {
        /// The bundle path.
        path: PathBuf,
    },
}

impl LoadError {
    /// Build the error for bytes that are not UTF-8, guessing whether they are Latin-1.
    pub fn not_utf8(file: &str, bytes: &[u8], err: std::str::Utf8Error) -> LoadError {
        let offset = err.valid_up_to();
        // Latin-1 text: high bytes are mostly letters (0xC0..=0xFF), no C1 controls.
        let high: Vec<u8> = bytes.iter().copied().filter(|b| *b >= 0x80).collect();
        let latin1_likely = !high.is_empty()
            && high.iter().all(|b| *b >= 0xA0)
            && high.iter().filter(|b| **b >= 0xC0).count() * 2 >= high.len();
        LoadError::NotUtf8 {
            file: file.to_string(),
            offset,
            latin1_likely,
        }
    }
}
