//! A definition version (*asiakirjarakenne*): root metadata and the element tree.

use crate::element::{Element, Kind, WalkItem};
use crate::id::DefinitionId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The JSON key of the author element (*laatija*) in Sosmeta definitions.
pub const AUTHOR_KEY: &str = "laatija";

/// One step of a document pointer: an array steps into its items, an object to a child.
fn step<'d>(el: &'d Element, tok: &str) -> Option<&'d Element> {
    match el.kind {
        Kind::Array => el.items.as_deref(),
        _ => el.child(tok),
    }
}

/// The publication status of a definition version (*tila*).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// *Valmis*: published and in force.
    Valmis,
    /// *Vanhentunut*: superseded by a newer version.
    Vanhentunut,
    /// Any other status, kept as written.
    Other(String),
}

impl Status {
    /// The status as Sosmeta writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Valmis => "Valmis",
            Status::Vanhentunut => "Vanhentunut",
            Status::Other(s) => s,
        }
    }

    /// Parse the status as Sosmeta writes it.
    pub fn parse(s: &str) -> Status {
        match s {
            "Valmis" => Status::Valmis,
            "Vanhentunut" => Status::Vanhentunut,
            other => Status::Other(other.to_string()),
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Status::parse(&String::deserialize(d)?))
    }
}

/// The root `sosmeta` object of a definition, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefinitionMeta {
    /// `title`: the schema's title, e.g. `'Asiakkuusasiakirja' JSON schema`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `status` (*tila*).
    pub status: Status,
    /// `documentDefinitionVersion` as written (e.g. `2023-06-01`).
    pub document_definition_version: String,
    /// `dataComponentLibraryVersion`: the version of the data-component library
    /// (*tietokomponenttikirjasto*), an opaque string (values like `2025-02-27R04` occur).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_component_library_version: Option<String>,
    /// `oid`: OID and version in dotted form, e.g. `1.2.246.537.6.1505.1.2023.6.1`.
    pub oid: String,
    /// `documentType`: the document type (*asiakirjatyyppi*), e.g. `Arvio`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
    /// `documentAuthor`: who writes it (*laatija*), e.g. `ammattihenkilö`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_author: Option<String>,
    /// `documentSubject`: the subject group (*asiakirjaryhmä*), e.g.
    /// `Vammaispalvelujen asiakasasiakirjat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_subject: Option<String>,
    /// Members the model does not know, kept as written.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// One definition version (*asiakirjarakenteen versio*): identity, root metadata and the
/// schema's element tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    /// OID without the version suffix, and the version date.
    pub id: DefinitionId,
    /// The root `sosmeta` object.
    pub meta: DefinitionMeta,
    /// `$schema` of the root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_uri: Option<String>,
    /// The schema root: an object whose single property is the document element.
    pub root: Element,
    /// Where it was read from (file name or zip entry), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Definition {
    /// The OID without the version suffix, e.g. `1.2.246.537.6.1505.1`.
    pub fn oid(&self) -> &str {
        &self.id.oid
    }

    /// The version date.
    pub fn version(&self) -> NaiveDate {
        self.id.version
    }

    /// The status: Valmis (in force) or Vanhentunut (superseded).
    pub fn status(&self) -> &Status {
        &self.meta.status
    }

    /// The human title: the document element's Finnish name, else the schema title.
    pub fn title(&self) -> &str {
        self.document()
            .name_fi()
            .or(self.meta.title.as_deref())
            .unwrap_or(&self.id.oid)
    }

    /// The title in `lang`, falling back to Finnish.
    pub fn title_in(&self, lang: &crate::Lang) -> &str {
        self.document().name(lang).unwrap_or_else(|| self.title())
    }

    /// The document type (*asiakirjatyyppi*).
    pub fn document_type(&self) -> Option<&str> {
        self.meta.document_type.as_deref()
    }

    /// The author role (*laatija*).
    pub fn author(&self) -> Option<&str> {
        self.meta.document_author.as_deref()
    }

    /// The subject group (*asiakirjaryhmä*).
    pub fn subject(&self) -> Option<&str> {
        self.meta.document_subject.as_deref()
    }

    /// The data-component-library version (opaque).
    pub fn data_component_library_version(&self) -> Option<&str> {
        self.meta.data_component_library_version.as_deref()
    }

    /// The document element: the root's single property (e.g. `asiakkuusasiakirja`).
    pub fn document(&self) -> &Element {
        // The reader guarantees exactly one root property.
        &self.root.children()[0]
    }

    /// The root key a document of this definition carries (e.g. `asiakkuusasiakirja`).
    pub fn document_key(&self) -> &str {
        &self.document().key
    }

    /// The element a document pointer leads to (e.g. `/asiakkuusasiakirja/asiakas/0/nimi`:
    /// array indexes step into `items`), if the definition has one there. `""` is the
    /// schema root (the object around the document element).
    pub fn element_at(&self, pointer: &str) -> Option<&Element> {
        let mut el = &self.root;
        for tok in crate::element::pointer_tokens(pointer) {
            el = step(el, &tok)?;
        }
        Some(el)
    }

    /// The Finnish name path of a document pointer (`Asiakas > Henkilötunnus`): the names
    /// of the elements below the document element, array items counted once, elements
    /// without a name (such as the `code` of a Koodi) left out. Stops at the first token
    /// the definition does not know.
    ///
    /// Built in one string, a pointer token unescaped only when it holds a `~` (this runs
    /// for every finding a validator reports).
    pub fn name_path(&self, pointer: &str) -> String {
        let mut path = String::new();
        if pointer.is_empty() {
            return path;
        }
        let tokens = pointer.strip_prefix('/').unwrap_or(pointer).split('/');
        let mut el = &self.root;
        // Whether a name was written (a name may be empty).
        let mut named = false;
        for (depth, tok) in tokens.enumerate() {
            let entering_items = el.kind == Kind::Array;
            let next = if tok.contains('~') {
                step(el, &tok.replace("~1", "/").replace("~0", "~"))
            } else {
                step(el, tok)
            };
            let Some(next) = next else { break };
            el = next;
            // depth 0 is the document element, whose name is the definition's title.
            if depth == 0 || entering_items {
                continue;
            }
            if let Some(n) = el.name_fi() {
                if named {
                    path.push_str(" > ");
                }
                named = true;
                path.push_str(n.trim());
            }
        }
        path
    }

    /// The author elements (*laatija*) of the document, wherever they sit; their
    /// `data_path` is relative to the document element. Empty when the definition has
    /// none.
    pub fn author_elements(&self) -> Vec<WalkItem<'_>> {
        self.document()
            .walk()
            .filter(|item| item.element.key == AUTHOR_KEY)
            .collect()
    }

    /// Write the definition back as JSON Schema, equal as JSON to what was read.
    pub fn to_json_schema(&self) -> Value {
        crate::schema_write::definition_to_value(self)
    }

    /// Read one definition from JSON Schema bytes; `file` names it in errors.
    pub fn from_json_bytes(file: &str, bytes: &[u8]) -> Result<Definition, crate::LoadError> {
        crate::schema_read::read_definition(file, bytes)
    }

    /// Read one definition from a parsed JSON value; `file` names it in errors.
    pub fn from_json_value(file: &str, value: &Value) -> Result<Definition, crate::LoadError> {
        crate::schema_read::read_definition_value(file, value)
    }
}
