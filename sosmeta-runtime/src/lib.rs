//! # sosmeta-runtime
//!
//! The runtime behaviour of the generated typed Rust (`sosmeta-generated`), written by
//! hand and tested here: the generated crate holds only declarations and data (types, the
//! [`DefinitionInfo`] table, the embedded release bytes) and calls these functions, the
//! way `prost`-generated code calls `prost`.
//!
//! * [`Catalog`]: the embedded release (decoded once), the enabled features and the choice
//!   of a definition ([`Catalog::resolve`], [`Catalog::select_json`], both through the
//!   model's [`sosmeta_model::Release::resolve`] / [`sosmeta_model::Release::select`]);
//! * [`DefinitionInfo`]: what identifies one definition version;
//! * [`parse_json`], [`to_json`], [`to_xhtml`]: the bodies of the generated documents'
//!   `from_json`, `to_json` and `to_xhtml`;
//! * [`Error`]: why a document could not be read.

#![warn(missing_docs)]

use serde::de::IgnoredAny;
use sosmeta_model::{DefinitionId, DefinitionRef, Release};
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use sosmeta_types::record::Field;
pub use sosmeta_xhtml::Lang;

/// The release a generated crate was made from: its label, its compact bytes (see
/// [`sosmeta_model::compact`]) and the Cargo features enabled in the build. Made by the
/// generated crate as a `static` with [`Catalog::new`].
pub struct Catalog {
    label: &'static str,
    compact_release: &'static [u8],
    enabled_features: &'static [&'static str],
    release: OnceLock<Release>,
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalog")
            .field("label", &self.label)
            .field("compact_release", &self.compact_release.len())
            .field("enabled_features", &self.enabled_features)
            .finish()
    }
}

impl Catalog {
    /// A catalog of the release `label` in compact form, with the features enabled.
    pub const fn new(
        label: &'static str,
        compact_release: &'static [u8],
        enabled_features: &'static [&'static str],
    ) -> Catalog {
        Catalog {
            label,
            compact_release,
            enabled_features,
            release: OnceLock::new(),
        }
    }

    /// The release label, e.g. `2025-05-20`.
    pub fn label(&self) -> &'static str {
        self.label
    }

    /// The release, decoded on first use.
    ///
    /// # Panics
    ///
    /// When the bytes are not a compact release (the generator writes them with the
    /// model's own serializer, so this is a build defect).
    pub fn release(&self) -> &Release {
        self.release.get_or_init(|| {
            sosmeta_model::compact::from_bytes("embedded release", self.compact_release)
                .expect("the embedded release was written by the model's serializer")
        })
    }

    /// The features enabled in this build.
    pub fn enabled_features(&self) -> &'static [&'static str] {
        self.enabled_features
    }

    /// True when `feature` is enabled in this build.
    pub fn enabled(&self, feature: &str) -> bool {
        self.enabled_features.contains(&feature)
    }

    /// The index in `definitions` of a definition reference (`OID@YYYY-MM-DD`, the dotted
    /// `OID.y.m.d`, or a bare OID for the version in force), resolved by the release.
    pub fn resolve(&self, definitions: &[DefinitionInfo], reference: &str) -> Result<usize, Error> {
        let r: DefinitionRef = reference
            .parse()
            .map_err(|e: sosmeta_model::ParseRefError| Error::BadDefinition {
                input: reference.to_string(),
                message: e.to_string(),
            })?;
        let def = self
            .release()
            .resolve(&r)
            .map_err(|_| Error::UnknownDefinition {
                input: reference.to_string(),
                release: self.label,
            })?;
        index_of(definitions, &def.id).ok_or_else(|| Error::UnknownDefinition {
            input: reference.to_string(),
            release: self.label,
        })
    }

    /// The index in `definitions` of the definition a JSON document belongs to, chosen
    /// from its root key by [`sosmeta_model::Release::select`] (the version in force,
    /// else the newest), as the validator chooses.
    pub fn select_json(&self, definitions: &[DefinitionInfo], json: &str) -> Result<usize, Error> {
        let top: BTreeMap<String, IgnoredAny> =
            serde_json::from_str(json).map_err(|e| Error::Json {
                definition: String::new(),
                path: String::new(),
                message: e.to_string(),
            })?;
        let keys: Vec<&str> = top.keys().map(String::as_str).collect();
        let sel = self
            .release()
            .select(None, &keys)
            .map_err(|e| Error::NoDefinition {
                message: e.to_string(),
            })?;
        index_of(definitions, &sel.definition.id).ok_or_else(|| Error::UnknownDefinition {
            input: sel.definition.id.to_string(),
            release: self.label,
        })
    }
}

impl Catalog {
    /// The index in `definitions` of version `version` (`YYYY-MM-DD`) of the definition
    /// a JSON document's root key names (chosen as by [`Catalog::select_json`], then the
    /// named version of that OID).
    pub fn select_json_version(
        &self,
        definitions: &[DefinitionInfo],
        json: &str,
        version: &str,
    ) -> Result<usize, Error> {
        let chosen = self.select_json(definitions, json)?;
        let info = &definitions[chosen];
        let reference = format!("{}@{version}", info.oid);
        let r: DefinitionRef = reference
            .parse()
            .map_err(|e: sosmeta_model::ParseRefError| Error::BadDefinition {
                input: version.to_string(),
                message: e.to_string(),
            })?;
        let def = self
            .release()
            .resolve(&r)
            .map_err(|_| Error::UnknownDefinition {
                input: reference.clone(),
                release: self.label,
            })?;
        index_of(definitions, &def.id).ok_or(Error::UnknownDefinition {
            input: reference,
            release: self.label,
        })
    }
}

fn index_of(definitions: &[DefinitionInfo], id: &DefinitionId) -> Option<usize> {
    let version = id.version.format("%Y-%m-%d").to_string();
    definitions
        .iter()
        .position(|d| d.oid == id.oid && d.version == version)
}

/// What identifies and describes one definition version (one row of the generated
/// `DEFINITIONS` table).
#[derive(Clone, Copy)]
pub struct DefinitionInfo {
    /// The OID without the version suffix, e.g. `1.2.246.537.6.1505.1`.
    pub oid: &'static str,
    /// The version date, `YYYY-MM-DD`.
    pub version: &'static str,
    /// The status: `Valmis` (in force) or `Vanhentunut` (superseded).
    pub status: &'static str,
    /// The title in Finnish.
    pub title: &'static str,
    /// The title in Swedish (Finnish when none is given).
    pub title_sv: &'static str,
    /// The root key of its documents, e.g. `asiakkuusasiakirja`.
    pub document_key: &'static str,
    /// The document subject (*asiakirjaryhmä*).
    pub subject: Option<&'static str>,
    /// The Cargo feature that compiles it.
    pub feature: &'static str,
    /// Its module, e.g. `asiakkuusasiakirja::v2023_06_01`.
    pub module: &'static str,
    /// The catalog (release) it belongs to.
    pub catalog: &'static Catalog,
}

impl fmt::Debug for DefinitionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefinitionInfo")
            .field("oid", &self.oid)
            .field("version", &self.version)
            .field("status", &self.status)
            .field("title", &self.title)
            .field("title_sv", &self.title_sv)
            .field("document_key", &self.document_key)
            .field("subject", &self.subject)
            .field("feature", &self.feature)
            .field("module", &self.module)
            .finish()
    }
}

impl PartialEq for DefinitionInfo {
    fn eq(&self, other: &Self) -> bool {
        self.oid == other.oid
            && self.version == other.version
            && std::ptr::eq(self.catalog, other.catalog)
    }
}

impl Eq for DefinitionInfo {}

impl Hash for DefinitionInfo {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.oid.hash(state);
        self.version.hash(state);
    }
}

impl DefinitionInfo {
    /// `OID@YYYY-MM-DD`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.oid, self.version)
    }

    /// The model's identifier of this version.
    ///
    /// # Panics
    ///
    /// When `version` is not `YYYY-MM-DD` (the generator writes it from a date).
    pub fn definition_id(&self) -> DefinitionId {
        DefinitionId {
            oid: self.oid.to_string(),
            version: self
                .version
                .parse()
                .expect("the generator writes versions as YYYY-MM-DD"),
        }
    }

    /// The dotted form `OID.y.m.d` of the corpus (e.g. `1.2.246.537.6.1505.1.2023.6.1`).
    pub fn dotted(&self) -> String {
        self.definition_id().dotted()
    }

    /// True when compiled in (its feature is enabled).
    pub fn is_enabled(&self) -> bool {
        self.catalog.enabled(self.feature)
    }

    /// The definition's model in the embedded release.
    pub fn model(&self) -> Option<&'static sosmeta_model::Definition> {
        self.catalog.release().get(&self.definition_id())
    }
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The definition reference is not `OID`, `OID@YYYY-MM-DD` or `OID.y.m.d`.
    #[error("`{input}` does not name a definition: {message}")]
    BadDefinition {
        /// The reference as given.
        input: String,
        /// Why it was refused.
        message: String,
    },
    /// No such definition in the release.
    #[error("no definition `{input}` in release {release}")]
    UnknownDefinition {
        /// The reference as given.
        input: String,
        /// The release label.
        release: &'static str,
    },
    /// The document's root keys name no single definition of the release.
    #[error("{message}")]
    NoDefinition {
        /// Why, with suggestions (see [`sosmeta_model::SelectError`]).
        message: String,
    },
    /// The definition exists but its Cargo feature is not enabled.
    #[error("definition {definition} is not compiled in: enable the cargo feature `{feature}` of sosmeta-generated")]
    FeatureDisabled {
        /// `OID@YYYY-MM-DD`.
        definition: String,
        /// The feature to enable.
        feature: &'static str,
    },
    /// The JSON is malformed or does not have the definition's shape.
    #[error("{definition}: at JSON path `{path}`: {message}")]
    Json {
        /// `OID@YYYY-MM-DD` (empty when no definition was chosen yet).
        definition: String,
        /// JSON pointer of the offending value (`""` is the document).
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// The error for a definition whose feature is not enabled, or for an index that
    /// is not in the table at all.
    pub fn not_compiled(definitions: &[DefinitionInfo], index: usize) -> Error {
        match definitions.get(index) {
            Some(info) => Error::FeatureDisabled {
                definition: info.id(),
                feature: info.feature,
            },
            None => Error::UnknownDefinition {
                input: index.to_string(),
                release: definitions.first().map_or("?", |d| d.catalog.label),
            },
        }
    }
}

/// Parse a whole JSON text as `T` (a document of `info`); errors name the JSON pointer of
/// the offending value. Trailing text after the document is refused. The text is read
/// once into a `serde_json::Value` (nesting limited to 128 levels by serde_json), then by
/// the one record reader of `sosmeta_types::record`.
pub fn parse_json<T: Field>(json: &str, info: &DefinitionInfo) -> Result<T, Error> {
    // The generic part is one call; the rest is compiled once, not per document type.
    match T::read(parse_value(json, info)?) {
        Ok(t) => Ok(t),
        Err(e) => Err(read_error(e, info)),
    }
}

#[inline(never)]
fn parse_value(json: &str, info: &DefinitionInfo) -> Result<serde_json::Value, Error> {
    serde_json::from_str(json).map_err(|e| Error::Json {
        definition: info.id(),
        path: String::new(),
        message: e.to_string(),
    })
}

#[inline(never)]
fn read_error(e: sosmeta_types::record::ReadError, info: &DefinitionInfo) -> Error {
    Error::Json {
        definition: info.id(),
        path: e.pointer(),
        message: e.message().to_string(),
    }
}

/// A serde path as a JSON pointer (RFC 6901; `?` for a segment serde could not name).
pub fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&sosmeta_model::element::escape_pointer(key));
            }
            Segment::Unknown => out.push_str("/?"),
        }
    }
    out
}

/// A document as JSON text, exactly as Sosmeta expects it.
pub fn to_json<T: Field>(value: &T) -> String {
    value_to_json(&value.write())
}

#[inline(never)]
fn value_to_json(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A document of `info` as an XHTML 1.0 page in `lang` (an error page when it cannot be
/// rendered), through the same renderer as untyped JSON.
pub fn to_xhtml<T: Field>(value: &T, info: &DefinitionInfo, lang: Lang) -> String {
    render_value(&value.write(), info, lang)
}

#[inline(never)]
fn render_value(v: &serde_json::Value, info: &DefinitionInfo, lang: Lang) -> String {
    let rendered = info
        .model()
        .ok_or_else(|| format!("{} is not in the embedded release", info.id()))
        .and_then(|def| sosmeta_xhtml::render(def, v, lang).map_err(|e| e.to_string()));
    rendered.unwrap_or_else(|message| sosmeta_xhtml::error_page(&message, lang))
}
