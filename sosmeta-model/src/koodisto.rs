//! Code sets (*koodistot*, *luokitukset*) from Koodistopalvelu, normalized, and the check
//! of a Koodi value against them.
//!
//! A release bundle made by `cargo xtask fetch` holds one file per classification OID
//! at `koodistot/<oid>.json`, in this crate's own documented shape (format
//! `sosmeta-koodisto/1`), built from the CodeServer REST API v6 by
//! [`CodeSet::from_codeserver`]:
//!
//! ```json
//! {
//!   "format": "sosmeta-koodisto/1",
//!   "oid": "1.2.246.537.5.40175",
//!   "name": "SFS - Kielikoodisto",
//!   "source": "https://koodistopalvelu.kanta.fi/codeserver/csapi/v6/classifications/1.2.246.537.5.40175/conceptcodes",
//!   "versions": [ { "...": "the items of .../versions, as served" } ],
//!   "codes": [
//!     {
//!       "code": "fi",
//!       "status": "ACTIVE",
//!       "beginDate": "1990-01-01",
//!       "expirationDate": null,
//!       "names": { "fi": "suomi", "sv": "finska", "en": "Finnish" },
//!       "aliases": [ "FI" ],
//!       "attributes": { "LongName": ["suomi"], "Abbreviation": ["FI"] }
//!     }
//!   ]
//! }
//! ```
//!
//! - `code` is `conceptCodeId`; codes are sorted by it, so the file is deterministic.
//! - `beginDate` / `expirationDate` are calendar dates (the first ten characters of the
//!   served value, or an epoch-millisecond number converted); a code is active on day D
//!   when `beginDate <= D` and `D <= expirationDate` (both bounds inclusive, a missing
//!   bound is open).
//! - `names` are the display names by language, taken from the attributes (and from
//!   `longName` / `name` members where the server sends them): see [`name_lang`].
//!   `aliases` are short names and abbreviations, also accepted as a display.
//! - `attributes` keeps every attribute as served (name → values), so nothing is lost.
//! - `status` is as served: `ACTIVE`, or `DELETED` for a retired code (fetch asks for
//!   both, since Koodistopalvelu answers only `ACTIVE` codes by default). A retired code
//!   is known: it is expired after its `expirationDate`, or [`Activity::Retired`] when it
//!   has none, never "unknown".
//!
//! The validator calls [`CodeSets::load_bundle`] once and [`CodeSets::check`] per Koodi
//! value; a bundle without `koodistot/` gives `Ok(None)` (the rules are skipped).

use crate::limits::{read_bounded, Bounded, Limits};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The `format` tag of a normalized code-set file.
pub const FORMAT: &str = "sosmeta-koodisto/1";

/// The folder of a bundle that holds the code sets.
pub const DIR: &str = "koodistot";

/// Why code sets could not be read or built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KoodistoError {
    /// A file or folder could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not valid JSON (or not UTF-8).
    #[error("{file}: invalid JSON: {message}")]
    InvalidJson {
        /// The file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// The JSON is not in the expected shape.
    #[error("{file}: {pointer}: {message}")]
    Shape {
        /// The file (or the URL of a page).
        file: String,
        /// JSON pointer of the offending value.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// The file is for another OID than its name says.
    #[error("{file}: holds code set {found}, expected {expected}")]
    OidMismatch {
        /// The file.
        file: String,
        /// The OID the file name gives.
        expected: String,
        /// The OID inside.
        found: String,
    },
    /// Pages of a classification do not add up to the total the server announced.
    #[error("classification {oid}: read {read} codes but the server announced {total} (a page is missing or truncated)")]
    Incomplete {
        /// The classification.
        oid: String,
        /// Codes read.
        read: usize,
        /// `totalItems`.
        total: u64,
    },
    /// A read reached one of the loader's limits ([`Limits`]); nothing past it was read.
    #[error("{file}: over the limit of {limit} {what}")]
    OverLimit {
        /// The file (or `archive!entry`).
        file: String,
        /// What the limit counts.
        what: &'static str,
        /// The limit.
        limit: u64,
    },
    /// A zip lists one entry name twice.
    #[error("{file}: the zip holds the entry `{entry}` more than once (ambiguous, refused)")]
    DuplicateEntry {
        /// The archive.
        file: String,
        /// The repeated name.
        entry: String,
    },
    /// The zip archive is unreadable.
    #[error("{file}: unreadable zip archive: {message}")]
    Zip {
        /// The archive.
        file: String,
        /// What went wrong.
        message: String,
    },
}

/// One code of a classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Code {
    /// The code (`conceptCodeId`).
    pub code: String,
    /// The status as served (e.g. `ACTIVE`), if any.
    #[serde(default)]
    pub status: Option<String>,
    /// First day the code is valid.
    #[serde(default)]
    pub begin_date: Option<NaiveDate>,
    /// Last day the code is valid.
    #[serde(default)]
    pub expiration_date: Option<NaiveDate>,
    /// Display names by language tag (`fi`, `sv`, `en`, ...).
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    /// Other accepted displays: short names, abbreviations.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Every attribute as served: name → values.
    #[serde(default)]
    pub attributes: BTreeMap<String, Vec<String>>,
}

/// Whether a code was valid on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "activity", rename_all = "snake_case")]
pub enum Activity {
    /// No day was given, so validity was not checked.
    NotChecked,
    /// Valid on the day.
    Active,
    /// The day is before `beginDate`.
    NotYetValid {
        /// `beginDate`.
        begins: NaiveDate,
    },
    /// The day is after `expirationDate`.
    Expired {
        /// `expirationDate`.
        expired: NaiveDate,
    },
    /// The code is retired (status `DELETED` on Koodistopalvelu) and states no
    /// `expirationDate`, so it is not valid on any day. (A retired code with an
    /// `expirationDate` is [`Activity::Expired`] after that day.)
    Retired,
}

/// The status Koodistopalvelu gives a retired code.
pub const STATUS_RETIRED: &str = "DELETED";

impl Code {
    /// Whether the code was valid on `on` (both bounds inclusive).
    pub fn activity(&self, on: Option<NaiveDate>) -> Activity {
        let Some(d) = on else {
            return Activity::NotChecked;
        };
        let retired = self
            .status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(STATUS_RETIRED));
        if retired && self.expiration_date.is_none() {
            return Activity::Retired;
        }
        if let Some(b) = self.begin_date {
            if d < b {
                return Activity::NotYetValid { begins: b };
            }
        }
        if let Some(e) = self.expiration_date {
            if d > e {
                return Activity::Expired { expired: e };
            }
        }
        Activity::Active
    }

    /// The Finnish name, else any name.
    pub fn name_fi(&self) -> Option<&str> {
        self.names
            .get("fi")
            .or_else(|| self.names.values().next())
            .map(String::as_str)
    }

    /// True when `display` equals a name or alias, ignoring case and runs of whitespace.
    pub fn display_matches(&self, display: &str) -> bool {
        let texts = || self.names.values().chain(self.aliases.iter());
        // The text as written (most documents): equal texts normalize alike.
        if texts().any(|n| n == display) {
            return true;
        }
        let want = crate::text::normalize(display);
        texts().any(|n| crate::text::normalize(n) == want)
    }
}

/// One classification, normalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeSet {
    /// Always [`FORMAT`].
    pub format: String,
    /// The classification OID.
    pub oid: String,
    /// The classification's name, when the version metadata gives one.
    #[serde(default)]
    pub name: Option<String>,
    /// Where the codes were fetched from.
    #[serde(default)]
    pub source: Option<String>,
    /// The version metadata (`.../versions`), as served.
    #[serde(default)]
    pub versions: Vec<Value>,
    /// The codes, sorted by code.
    pub codes: Vec<Code>,
}

/// The language of a name attribute, or `None` when the attribute is not a display name.
///
/// Koodistopalvelu names its attributes freely; this accepts the common spellings:
/// `LongName`, `PrimaryName`, `Name`, `Nimi`, `PitkaNimi`, `Selite` (Finnish), those with a
/// suffix or prefix `_sv` / `Swedish` / `Ruotsi`(nkielinen) (Swedish) and `_en` /
/// `English` / `Englanti` (English). `ShortName`, `Abbreviation`, `Lyhenne` and
/// `LyhytNimi` are aliases (returned as `Some("")`).
pub fn name_lang(attribute: &str) -> Option<&'static str> {
    let a = attribute.to_lowercase().replace(['_', '-', ' '], "");
    let is_name = [
        "longname",
        "primaryname",
        "name",
        "nimi",
        "pitkanimi",
        "selite",
    ]
    .iter()
    .any(|n| a.contains(n));
    let is_alias = ["shortname", "abbreviation", "lyhenne", "lyhytnimi"]
        .iter()
        .any(|n| a.contains(n));
    let lang = if a.ends_with("sv") || a.contains("swedish") || a.contains("ruotsi") {
        "sv"
    } else if a.ends_with("en") || a.contains("english") || a.contains("englanti") {
        "en"
    } else {
        "fi"
    };
    if is_alias {
        Some("")
    } else if is_name {
        Some(lang)
    } else {
        None
    }
}

fn date_of(v: &Value) -> Option<NaiveDate> {
    match v {
        Value::String(s) => {
            let s = s.trim();
            s.get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .or_else(|| NaiveDate::parse_from_str(s, "%d.%m.%Y").ok())
        }
        Value::Number(n) => n
            .as_i64()
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|t| t.date_naive()),
        _ => None,
    }
}

fn shape(file: &str, pointer: String, message: impl Into<String>) -> KoodistoError {
    KoodistoError::Shape {
        file: file.to_string(),
        pointer,
        message: message.into(),
    }
}

fn code_from_codeserver(file: &str, ptr: &str, v: &Value) -> Result<Code, KoodistoError> {
    let obj = v
        .as_object()
        .ok_or_else(|| shape(file, ptr.to_string(), "expected an object"))?;
    let code = match obj.get("conceptCodeId") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(shape(
                file,
                format!("{ptr}/conceptCodeId"),
                "missing or empty conceptCodeId",
            ))
        }
    };
    let mut attributes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(attrs) = obj.get("attributes") {
        let list = attrs
            .as_array()
            .ok_or_else(|| shape(file, format!("{ptr}/attributes"), "expected an array"))?;
        for (i, a) in list.iter().enumerate() {
            let Some(name) = a.get("attributeName").and_then(Value::as_str) else {
                return Err(shape(
                    file,
                    format!("{ptr}/attributes/{i}/attributeName"),
                    "missing attributeName",
                ));
            };
            let values: Vec<String> = match a.get("attributeValue") {
                Some(Value::Array(vs)) => vs
                    .iter()
                    .filter_map(|x| match x {
                        Value::String(s) => Some(s.clone()),
                        Value::Null => None,
                        other => Some(other.to_string()),
                    })
                    .collect(),
                Some(Value::String(s)) => vec![s.clone()],
                _ => Vec::new(),
            };
            attributes
                .entry(name.to_string())
                .or_default()
                .extend(values);
        }
    }
    let mut names = BTreeMap::new();
    let mut aliases = Vec::new();
    // Members some servers send directly on the code.
    for (member, lang) in [("longName", "fi"), ("name", "fi")] {
        if let Some(s) = obj.get(member).and_then(Value::as_str) {
            if !s.trim().is_empty() {
                names
                    .entry(lang.to_string())
                    .or_insert(s.trim().to_string());
            }
        }
    }
    for member in ["shortName", "abbreviation"] {
        if let Some(s) = obj.get(member).and_then(Value::as_str) {
            if !s.trim().is_empty() {
                aliases.push(s.trim().to_string());
            }
        }
    }
    for (attr, values) in &attributes {
        match name_lang(attr) {
            Some("") => aliases.extend(values.iter().map(|s| s.trim().to_string())),
            Some(lang) => {
                if let Some(first) = values.iter().find(|s| !s.trim().is_empty()) {
                    names
                        .entry(lang.to_string())
                        .or_insert(first.trim().to_string());
                }
            }
            None => {}
        }
    }
    aliases.retain(|a| !a.is_empty());
    aliases.sort();
    aliases.dedup();
    Ok(Code {
        code,
        status: obj
            .get("status")
            .and_then(Value::as_str)
            .map(str::to_string),
        begin_date: obj.get("beginDate").and_then(date_of),
        expiration_date: obj.get("expirationDate").and_then(date_of),
        names,
        aliases,
        attributes,
    })
}

impl CodeSet {
    /// Build a code set from CodeServer REST v6 responses: every page of
    /// `.../conceptcodes` (`{conceptCodes[], page, pageSize, totalItems, totalPages}`) in
    /// order, and the `.../versions` response if fetched. Fails when a page is not of that
    /// shape, when pages are missing (`page` numbers not 1..=`totalPages`), or when the
    /// codes read do not add up to `totalItems`. `source` names it in errors.
    pub fn from_codeserver(
        oid: &str,
        pages: &[Value],
        versions: Option<&Value>,
        source: Option<String>,
    ) -> Result<CodeSet, KoodistoError> {
        let file = source.clone().unwrap_or_else(|| oid.to_string());
        let mut codes: BTreeMap<String, Code> = BTreeMap::new();
        let mut read = 0usize;
        let mut total_items: Option<u64> = None;
        let mut total_pages: Option<u64> = None;
        for (i, page) in pages.iter().enumerate() {
            let list = page
                .get("conceptCodes")
                .and_then(Value::as_array)
                .ok_or_else(|| shape(&file, format!("/pages/{i}"), "missing conceptCodes array"))?;
            if let Some(n) = page.get("page").and_then(Value::as_u64) {
                if n != i as u64 + 1 {
                    return Err(shape(
                        &file,
                        format!("/pages/{i}/page"),
                        format!("page {n} where page {} was expected", i + 1),
                    ));
                }
            }
            if let Some(t) = page.get("totalItems").and_then(Value::as_u64) {
                total_items.get_or_insert(t);
            }
            if let Some(t) = page.get("totalPages").and_then(Value::as_u64) {
                total_pages.get_or_insert(t);
            }
            for (j, c) in list.iter().enumerate() {
                let code = code_from_codeserver(&file, &format!("/pages/{i}/conceptCodes/{j}"), c)?;
                read += 1;
                codes.entry(code.code.clone()).or_insert(code);
            }
        }
        if let Some(tp) = total_pages {
            if (pages.len() as u64) < tp {
                return Err(KoodistoError::Incomplete {
                    oid: oid.to_string(),
                    read,
                    total: total_items.unwrap_or(read as u64),
                });
            }
        }
        if let Some(total) = total_items {
            if read as u64 != total {
                return Err(KoodistoError::Incomplete {
                    oid: oid.to_string(),
                    read,
                    total,
                });
            }
        }
        let versions: Vec<Value> = match versions {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(Value::Object(o)) => o
                .values()
                .find_map(|v| v.as_array().cloned())
                .unwrap_or_else(|| vec![Value::Object(o.clone())]),
            Some(other) => vec![other.clone()],
        };
        let name = versions.iter().find_map(|v| {
            ["classificationName", "name", "longName"]
                .iter()
                .find_map(|k| v.get(*k).and_then(Value::as_str))
                .map(str::to_string)
        });
        Ok(CodeSet {
            format: FORMAT.to_string(),
            oid: oid.to_string(),
            name,
            source,
            versions,
            codes: codes.into_values().collect(),
        })
    }

    /// The code `code`, if the classification has it.
    pub fn get(&self, code: &str) -> Option<&Code> {
        self.codes
            .binary_search_by(|c| c.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.codes[i])
    }

    /// Serialize in the documented file shape (pretty JSON, deterministic).
    pub fn to_json_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    /// Read one code-set file; `file` names it in errors.
    pub fn from_json_bytes(file: &str, bytes: &[u8]) -> Result<CodeSet, KoodistoError> {
        let mut set: CodeSet =
            serde_json::from_slice(bytes).map_err(|e| KoodistoError::InvalidJson {
                file: file.to_string(),
                message: e.to_string(),
            })?;
        if set.format != FORMAT {
            return Err(shape(
                file,
                "/format".into(),
                format!("format `{}`, expected `{FORMAT}`", set.format),
            ));
        }
        set.codes.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(set)
    }
}

/// The result of checking one coded value against its classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CodeCheck {
    /// The bundle has no code set for this OID: the check was not made.
    ClassificationNotLoaded,
    /// The classification has no such code.
    UnknownCode {
        /// Up to three codes of the classification that look alike.
        similar: Vec<String>,
    },
    /// The code exists.
    Found {
        /// Whether it was valid on the given day.
        activity: Activity,
        /// Whether the display agrees with the code's names.
        display: DisplayCheck,
        /// The code's Finnish name, for messages.
        name: Option<String>,
        /// The code's status as served.
        status: Option<String>,
    },
}

/// Whether a display text agrees with the code's names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "display", rename_all = "snake_case")]
pub enum DisplayCheck {
    /// No display was given.
    NotGiven,
    /// The code set has no names for the code, so nothing to compare.
    NoNames,
    /// It equals a name or alias (ignoring case and whitespace runs).
    Matches,
    /// It differs from every name.
    Differs {
        /// The names it could have been.
        expected: Vec<String>,
    },
}

impl CodeCheck {
    /// True when the code exists, was active (or no day was given) and the display agrees
    /// (or was not checkable).
    pub fn is_ok(&self) -> bool {
        matches!(self, CodeCheck::Found { activity, display, .. }
            if matches!(activity, Activity::Active | Activity::NotChecked)
            && !matches!(display, DisplayCheck::Differs { .. }))
    }
}

/// The code sets of a bundle, by OID.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodeSets {
    sets: BTreeMap<String, CodeSet>,
}

impl CodeSets {
    /// Build from code sets (a later set with the same OID replaces an earlier one).
    pub fn from_sets(sets: impl IntoIterator<Item = CodeSet>) -> CodeSets {
        CodeSets {
            sets: sets.into_iter().map(|s| (s.oid.clone(), s)).collect(),
        }
    }

    /// Load the code sets of a release bundle: `<dir>/koodistot/*.json`, or the
    /// `koodistot/` entries of a zip bundle. `Ok(None)` when the bundle has none (the
    /// checks that need them are then skipped). Every read is bounded by
    /// [`Limits::DEFAULT`].
    pub fn load_bundle(bundle: impl AsRef<Path>) -> Result<Option<CodeSets>, KoodistoError> {
        Self::load_bundle_with(bundle, &Limits::DEFAULT)
    }

    /// [`CodeSets::load_bundle`] with other read limits.
    pub fn load_bundle_with(
        bundle: impl AsRef<Path>,
        limits: &Limits,
    ) -> Result<Option<CodeSets>, KoodistoError> {
        let bundle = bundle.as_ref();
        if bundle.is_file() {
            let bytes = match crate::load::read_bundle(bundle, limits.bundle_file_bytes) {
                Ok(b) => b,
                Err(crate::LoadError::Io { path, source }) => {
                    return Err(KoodistoError::Io { path, source })
                }
                Err(crate::LoadError::OverLimit { file, what, limit }) => {
                    return Err(KoodistoError::OverLimit { file, what, limit })
                }
                // Not a zip: a compact release or a definition holds no code sets.
                Err(_) => return Ok(None),
            };
            if bytes.starts_with(b"PK") {
                return Self::from_zip(&bundle.display().to_string(), &bytes, limits);
            }
            return Ok(None);
        }
        let dir = bundle.join(DIR);
        if !dir.is_dir() {
            return Ok(None);
        }
        Self::load_dir_with(&dir, limits).map(Some)
    }

    /// Load every `*.json` in a `koodistot/` folder.
    pub fn load_dir(dir: &Path) -> Result<CodeSets, KoodistoError> {
        Self::load_dir_with(dir, &Limits::DEFAULT)
    }

    /// [`CodeSets::load_dir`] with other read limits: each file is streamed through
    /// [`Limits::code_set_bytes`].
    pub fn load_dir_with(dir: &Path, limits: &Limits) -> Result<CodeSets, KoodistoError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| KoodistoError::Io { path, source }
        };
        let mut files = Vec::new();
        for e in std::fs::read_dir(dir).map_err(io(dir))? {
            let p = e.map_err(io(dir))?.path();
            if p.is_file() && p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
        files.sort();
        let mut sets = Vec::new();
        for p in files {
            let f = std::fs::File::open(&p).map_err(io(&p))?;
            let mut bytes = Vec::new();
            read_bounded(f, limits.code_set_bytes, &mut bytes).map_err(|e| match e {
                Bounded::Io(source) => KoodistoError::Io {
                    path: p.clone(),
                    source,
                },
                Bounded::Over => KoodistoError::OverLimit {
                    file: p.display().to_string(),
                    what: "bytes of a code-set file",
                    limit: limits.code_set_bytes,
                },
            })?;
            sets.push(Self::read_file(&p.display().to_string(), &p, &bytes)?);
        }
        Ok(CodeSets::from_sets(sets))
    }

    fn read_file(name: &str, path: &Path, bytes: &[u8]) -> Result<CodeSet, KoodistoError> {
        let set = CodeSet::from_json_bytes(name, bytes)?;
        let stem = path
            .file_name()
            .and_then(|s| s.to_str())
            .and_then(|s| s.strip_suffix(".json"))
            .unwrap_or_default();
        if stem != set.oid {
            return Err(KoodistoError::OidMismatch {
                file: name.to_string(),
                expected: stem.to_string(),
                found: set.oid,
            });
        }
        Ok(set)
    }

    /// Without the `zip` feature a zip bundle is refused with a clear error.
    #[cfg(not(feature = "zip"))]
    fn from_zip(
        name: &str,
        _bytes: &[u8],
        _limits: &Limits,
    ) -> Result<Option<CodeSets>, KoodistoError> {
        Err(KoodistoError::Zip {
            file: name.to_string(),
            message: "sosmeta-model was built without its `zip` feature".into(),
        })
    }

    #[cfg(feature = "zip")]
    fn from_zip(
        name: &str,
        bytes: &[u8],
        limits: &Limits,
    ) -> Result<Option<CodeSets>, KoodistoError> {
        use crate::limits::ZipFail;
        let in_dir = |entry: &str| {
            let parts: Vec<&str> = entry.split('/').collect();
            parts.len() >= 2 && parts[parts.len() - 2] == DIR && entry.ends_with(".json")
        };
        let at = |entry: Option<String>| match entry {
            Some(entry) => format!("{name}!{entry}"),
            None => name.to_string(),
        };
        let entries = crate::limits::read_zip(bytes, limits, limits.code_set_bytes, in_dir)
            .map_err(|e| match e {
                ZipFail::Zip { entry, message } => KoodistoError::Zip {
                    file: at(entry),
                    message,
                },
                ZipFail::Over { entry, what, limit } => KoodistoError::OverLimit {
                    file: at(entry),
                    what,
                    limit,
                },
                ZipFail::Duplicate(entry) => KoodistoError::DuplicateEntry {
                    file: name.to_string(),
                    entry,
                },
            })?;
        if entries.is_empty() {
            return Ok(None);
        }
        let mut sets = Vec::new();
        for (entry, buf) in entries {
            let label = format!("{name}!{entry}");
            sets.push(Self::read_file(&label, Path::new(&entry), &buf)?);
        }
        Ok(Some(CodeSets::from_sets(sets)))
    }

    /// The code set of a classification.
    pub fn get(&self, oid: &str) -> Option<&CodeSet> {
        self.sets.get(oid)
    }

    /// The display name of `code` in classification `oid` in language `lang` (`fi`,
    /// `sv`, ...), when the code set gives a non-empty one.
    pub fn code_name(&self, oid: &str, code: &str, lang: &str) -> Option<&str> {
        self.get(oid)?
            .get(code)?
            .names
            .get(lang)
            .map(String::as_str)
            .filter(|n| !n.trim().is_empty())
    }

    /// Every OID with a code set, sorted.
    pub fn oids(&self) -> impl Iterator<Item = &str> {
        self.sets.keys().map(String::as_str)
    }

    /// Number of code sets.
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    /// True when there are no code sets.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// Check a coded value: does `code` exist in classification `oid`, was it valid on
    /// `on` (the document's date, when it states one), and does `display` match its name?
    /// `oid` may be written with a `urn:oid:` prefix.
    pub fn check(
        &self,
        oid: &str,
        code: &str,
        display: Option<&str>,
        on: Option<NaiveDate>,
    ) -> CodeCheck {
        let oid = oid.trim();
        let oid = oid.strip_prefix("urn:oid:").unwrap_or(oid);
        let Some(set) = self.sets.get(oid) else {
            return CodeCheck::ClassificationNotLoaded;
        };
        let Some(c) = set.get(code.trim()) else {
            let mut similar: Vec<&str> = set
                .codes
                .iter()
                .map(|c| c.code.as_str())
                .filter(|c| c.eq_ignore_ascii_case(code.trim()))
                .collect();
            if similar.is_empty() {
                let prefix: String = code.trim().chars().take(2).collect();
                if !prefix.is_empty() {
                    similar = set
                        .codes
                        .iter()
                        .map(|c| c.code.as_str())
                        .filter(|c| c.starts_with(&prefix))
                        .collect();
                }
            }
            return CodeCheck::UnknownCode {
                similar: similar.into_iter().take(3).map(str::to_string).collect(),
            };
        };
        let display = match display {
            None => DisplayCheck::NotGiven,
            Some(_) if c.names.is_empty() && c.aliases.is_empty() => DisplayCheck::NoNames,
            Some(d) if c.display_matches(d) => DisplayCheck::Matches,
            Some(_) => DisplayCheck::Differs {
                expected: c.names.values().cloned().collect(),
            },
        };
        CodeCheck::Found {
            activity: c.activity(on),
            display,
            name: c.name_fi().map(str::to_string),
            status: c.status.clone(),
        }
    }
}
