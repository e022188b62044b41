//! A release (*julkaisu*): all definition versions of one Sosmeta publication, indexed.

use crate::definition::{Definition, Status};
use crate::error::LoadError;
use crate::id::{DefinitionId, DefinitionRef};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A Sosmeta release: definitions indexed by OID, by OID + version and by root key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "ReleaseData", into = "ReleaseData")]
pub struct Release {
    label: Option<String>,
    definitions: Vec<Definition>,
    by_id: HashMap<DefinitionId, usize>,
    by_oid: HashMap<String, Vec<usize>>,
    by_key: HashMap<String, Vec<usize>>,
}

/// The serialized form of a release: the label and the definitions; indexes are rebuilt.
#[derive(Serialize, Deserialize)]
struct ReleaseData {
    label: Option<String>,
    definitions: Vec<Definition>,
}

impl TryFrom<ReleaseData> for Release {
    type Error = LoadError;

    fn try_from(d: ReleaseData) -> Result<Self, LoadError> {
        Release::from_definitions(d.label, d.definitions)
    }
}

impl From<Release> for ReleaseData {
    fn from(r: Release) -> Self {
        ReleaseData {
            label: r.label,
            definitions: r.definitions,
        }
    }
}

/// Where a classification (*luokitus*) is referenced.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClassificationUsage {
    /// The definition version.
    pub definition: DefinitionId,
    /// Its status.
    pub status: Status,
    /// Where values sit in a document (`/*` for array items), e.g. `/asiakkuusasiakirja/asiakas/asiointikieli`.
    pub data_path: String,
    /// The element's Finnish name.
    pub name: Option<String>,
}

/// Why a definition reference did not resolve in a release.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// No definition has this OID.
    #[error("unknown definition OID {oid}{}", suggest(.similar))]
    UnknownOid {
        /// The OID asked for.
        oid: String,
        /// OIDs in the release that look alike.
        similar: Vec<String>,
    },
    /// The OID exists but not in this version.
    #[error("definition {oid} has no version {version}; versions in this release: {}", .available.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", "))]
    UnknownVersion {
        /// The OID.
        oid: String,
        /// The version asked for.
        version: NaiveDate,
        /// The versions that exist.
        available: Vec<NaiveDate>,
    },
}

/// The definition [`Release::select`] chose for a document.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'r> {
    /// The definition version.
    pub definition: &'r Definition,
    /// How many versions have the document's root key when it was chosen by root key
    /// (1 when named explicitly).
    pub versions: usize,
}

impl Selection<'_> {
    /// True when one version was chosen among several with the same root key (the
    /// validator says so, pointing to `--definition`).
    pub fn chose_among_versions(&self) -> bool {
        self.versions > 1
    }
}

/// Why [`Release::select`] found no definition for a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectError {
    /// The document has no top-level key (an empty object, or not an object).
    #[error("the document has no root key naming its definition (e.g. {{\"asiakkuusasiakirja\": {{…}}}})")]
    NoRootKey,
    /// More than one top-level key names a definition.
    #[error("the root has several document keys ({}); a document has exactly one", quoted(.keys))]
    SeveralRootKeys {
        /// The keys that name definitions.
        keys: Vec<String>,
    },
    /// No top-level key names a definition of the release.
    #[error("root key(s) {} match no definition in this release{}", quoted(&.keys[..keys.len().min(5)]), did_you_mean(.suggestions))]
    UnknownRootKey {
        /// The document's top-level keys.
        keys: Vec<String>,
        /// `(key, nearest known root key)` for keys that look like a known one.
        suggestions: Vec<(String, String)>,
    },
    /// The explicit reference names no definition of the release.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// The explicit definition's documents have another root key.
    #[error("the content has {}, but {definition} documents have the root key `{expected}`", if .found.is_empty() { "no root key".to_string() } else { format!("root key(s) {}", quoted(.found)) })]
    RootKeyMismatch {
        /// The definition named.
        definition: DefinitionId,
        /// Its root key.
        expected: String,
        /// The document's top-level keys.
        found: Vec<String>,
    },
}

fn quoted(keys: &[String]) -> String {
    keys.iter()
        .map(|k| format!("`{}`", crate::text::clip(k, 64)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn did_you_mean(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let hints: Vec<String> = pairs
        .iter()
        .map(|(k, n)| format!("`{n}` for `{}`", crate::text::clip(k, 64)))
        .collect();
    format!("; did you mean {}?", hints.join(", "))
}

fn suggest(similar: &[String]) -> String {
    if similar.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", similar.join(", "))
    }
}

impl Release {
    /// Build a release from definitions; fails if an OID + version occurs twice.
    pub fn from_definitions(
        label: Option<String>,
        mut definitions: Vec<Definition>,
    ) -> Result<Release, LoadError> {
        definitions.sort_by(|a, b| a.id.cmp(&b.id));
        for w in definitions.windows(2) {
            if w[0].id == w[1].id {
                return Err(LoadError::Duplicate {
                    id: w[0].id.to_string(),
                    first: w[0].source.clone().unwrap_or_default(),
                    second: w[1].source.clone().unwrap_or_default(),
                });
            }
        }
        Ok(Release::index(label, definitions))
    }

    fn index(label: Option<String>, mut definitions: Vec<Definition>) -> Release {
        definitions.sort_by(|a, b| a.id.cmp(&b.id));
        let mut by_id = HashMap::with_capacity(definitions.len());
        let mut by_oid: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in definitions.iter().enumerate() {
            by_id.insert(d.id.clone(), i);
            by_oid.entry(d.id.oid.clone()).or_default().push(i);
            by_key
                .entry(d.document_key().to_string())
                .or_default()
                .push(i);
        }
        for v in by_key.values_mut() {
            let defs = &definitions;
            v.sort_by(|&a, &b| {
                let (a, b) = (&defs[a], &defs[b]);
                a.version().cmp(&b.version()).then(a.oid().cmp(b.oid()))
            });
        }
        Release {
            label,
            definitions,
            by_id,
            by_oid,
            by_key,
        }
    }

    /// Load a release bundle: a directory (`Valmis/` + `Vanhentunut/`, or flat `*.json`),
    /// a zip of the same layout, a compact release file, or one definition's JSON file.
    /// Every read is bounded by [`crate::Limits::DEFAULT`].
    pub fn load(path: impl AsRef<Path>) -> Result<Release, LoadError> {
        crate::load::load_path(path.as_ref(), &crate::Limits::DEFAULT)
    }

    /// [`Release::load`] with other read limits.
    pub fn load_with(path: impl AsRef<Path>, limits: &crate::Limits) -> Result<Release, LoadError> {
        crate::load::load_path(path.as_ref(), limits)
    }

    /// Load a release from the bytes of a zip archive; `name` names it in errors.
    pub fn from_zip_bytes(name: &str, bytes: &[u8]) -> Result<Release, LoadError> {
        crate::load::load_zip(name, bytes, &crate::Limits::DEFAULT)
    }

    /// [`Release::from_zip_bytes`] with other read limits.
    pub fn from_zip_bytes_with(
        name: &str,
        bytes: &[u8],
        limits: &crate::Limits,
    ) -> Result<Release, LoadError> {
        crate::load::load_zip(name, bytes, limits)
    }

    /// A label for the release (the bundle's file or folder name, e.g. `2025-05-20`).
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// Set the label.
    pub fn set_label(&mut self, label: Option<String>) {
        self.label = label;
    }

    /// Every definition version, ordered by OID then version.
    pub fn definitions(&self) -> &[Definition] {
        &self.definitions
    }

    /// Number of definition versions.
    pub fn len(&self) -> usize {
        self.definitions.len()
    }

    /// True when the release holds no definitions.
    pub fn is_empty(&self) -> bool {
        self.definitions.is_empty()
    }

    /// One definition version by OID + version.
    pub fn get(&self, id: &DefinitionId) -> Option<&Definition> {
        self.by_id.get(id).map(|&i| &self.definitions[i])
    }

    /// One definition version by OID and version date.
    pub fn get_version(&self, oid: &str, version: NaiveDate) -> Option<&Definition> {
        self.get(&DefinitionId {
            oid: oid.to_string(),
            version,
        })
    }

    /// Every version of an OID, oldest first.
    pub fn versions(&self, oid: &str) -> Vec<&Definition> {
        self.indices(self.by_oid.get(oid))
    }

    /// Every distinct OID, sorted.
    pub fn oids(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.by_oid.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    fn indices(&self, ix: Option<&Vec<usize>>) -> Vec<&Definition> {
        ix.map(|v| v.iter().map(|&i| &self.definitions[i]).collect())
            .unwrap_or_default()
    }

    /// The version in force for an OID: the newest Valmis version.
    pub fn in_force(&self, oid: &str) -> Option<&Definition> {
        self.versions(oid)
            .into_iter()
            .rev()
            .find(|d| d.status() == &Status::Valmis)
    }

    /// The newest version of an OID, whatever its status.
    pub fn latest(&self, oid: &str) -> Option<&Definition> {
        self.versions(oid).into_iter().last()
    }

    /// Every version whose document element has this root key, oldest first.
    pub fn by_root_key(&self, key: &str) -> Vec<&Definition> {
        self.indices(self.by_key.get(key))
    }

    /// The version to use for a root key: the newest Valmis one, else the newest.
    pub fn for_root_key(&self, key: &str) -> Option<&Definition> {
        self.chosen_for_key(key).map(|(d, _)| d)
    }

    /// The version for a root key and how many versions have that key (no allocation).
    fn chosen_for_key(&self, key: &str) -> Option<(&Definition, usize)> {
        let all = self.by_key.get(key)?;
        let newest_valmis = all
            .iter()
            .rev()
            .map(|&i| &self.definitions[i])
            .find(|d| d.status() == &Status::Valmis);
        let def = newest_valmis.or_else(|| all.last().map(|&i| &self.definitions[i]))?;
        Some((def, all.len()))
    }

    /// Choose the definition of a document: the one named by `explicit` (which must then
    /// be the definition of the document's single root key), else the one its single
    /// root key names (the version in force, else the newest). `root_keys` are the keys
    /// of the document's top-level object, in order.
    ///
    /// Every consumer that turns a document into a definition calls this: the validator,
    /// the archive checks, the renderer and the generated code.
    pub fn select(
        &self,
        explicit: Option<&DefinitionRef>,
        root_keys: &[&str],
    ) -> Result<Selection<'_>, SelectError> {
        if let Some(r) = explicit {
            let def = self.resolve(r)?;
            if root_keys != [def.document_key()] {
                return Err(SelectError::RootKeyMismatch {
                    definition: def.id.clone(),
                    expected: def.document_key().to_string(),
                    found: root_keys.iter().map(|k| k.to_string()).collect(),
                });
            }
            return Ok(Selection {
                definition: def,
                versions: 1,
            });
        }
        let mut known = root_keys.iter().filter(|k| self.by_key.contains_key(**k));
        match (known.next(), known.next()) {
            (Some(key), None) => {
                let (definition, versions) = self
                    .chosen_for_key(key)
                    .expect("a key in the index names at least one definition");
                Ok(Selection {
                    definition,
                    versions,
                })
            }
            (Some(_), Some(_)) => Err(SelectError::SeveralRootKeys {
                keys: root_keys
                    .iter()
                    .filter(|k| self.by_key.contains_key(**k))
                    .map(|k| k.to_string())
                    .collect(),
            }),
            (None, _) if root_keys.is_empty() => Err(SelectError::NoRootKey),
            (None, _) => {
                let all = self.root_keys();
                Err(SelectError::UnknownRootKey {
                    keys: root_keys.iter().map(|k| k.to_string()).collect(),
                    suggestions: root_keys
                        .iter()
                        .filter_map(|k| {
                            crate::text::nearest(k, &all).map(|n| (k.to_string(), n.to_string()))
                        })
                        .collect(),
                })
            }
        }
    }

    /// Every root key, sorted.
    pub fn root_keys(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.by_key.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// Resolve a user's reference: `OID` gives the version in force (or the newest),
    /// `OID@version` that version, the dotted form either.
    pub fn resolve(&self, r: &DefinitionRef) -> Result<&Definition, ResolveError> {
        match r {
            DefinitionRef::Oid(oid) => self.resolve_oid(oid),
            DefinitionRef::Version(id) => self.resolve_id(id),
            DefinitionRef::Dotted { full, as_version } => {
                if let Some(id) = as_version {
                    if self.by_oid.contains_key(&id.oid) || !self.by_oid.contains_key(full) {
                        return self.resolve_id(id);
                    }
                }
                self.resolve_oid(full)
            }
        }
    }

    fn resolve_oid(&self, oid: &str) -> Result<&Definition, ResolveError> {
        self.in_force(oid)
            .or_else(|| self.latest(oid))
            .ok_or_else(|| ResolveError::UnknownOid {
                oid: oid.to_string(),
                similar: self.similar_oids(oid),
            })
    }

    fn resolve_id(&self, id: &DefinitionId) -> Result<&Definition, ResolveError> {
        if let Some(d) = self.get(id) {
            return Ok(d);
        }
        let versions = self.versions(&id.oid);
        if versions.is_empty() {
            return Err(ResolveError::UnknownOid {
                oid: id.oid.clone(),
                similar: self.similar_oids(&id.oid),
            });
        }
        Err(ResolveError::UnknownVersion {
            oid: id.oid.clone(),
            version: id.version,
            available: versions.iter().map(|d| d.version()).collect(),
        })
    }

    /// OIDs sharing the longest prefix with `oid` (at most three).
    pub fn similar_oids(&self, oid: &str) -> Vec<String> {
        let common = |a: &str| {
            a.split('.')
                .zip(oid.split('.'))
                .take_while(|(x, y)| x == y)
                .count()
        };
        let mut scored: Vec<(usize, &str)> =
            self.oids().into_iter().map(|o| (common(o), o)).collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let best = scored.first().map(|s| s.0).unwrap_or(0);
        if best < 6 {
            return Vec::new();
        }
        scored
            .into_iter()
            .take_while(|s| s.0 == best)
            .take(3)
            .map(|s| s.1.to_string())
            .collect()
    }

    /// Every classification the release references (by `classificationOid`: an OID, or
    /// the name of an internal classification), with each place that references it.
    /// Use [`crate::id::is_oid`] on the key to keep the Koodistopalvelu OIDs only.
    pub fn classification_usages(&self) -> BTreeMap<String, Vec<ClassificationUsage>> {
        let mut out: BTreeMap<String, Vec<ClassificationUsage>> = BTreeMap::new();
        for d in &self.definitions {
            for item in d.root.walk() {
                if item.element.sosmeta.is_none() {
                    continue;
                }
                for oid in item.element.classification_refs() {
                    out.entry(oid.to_string())
                        .or_default()
                        .push(ClassificationUsage {
                            definition: d.id.clone(),
                            status: d.status().clone(),
                            data_path: item.data_path.clone(),
                            name: item.element.name_fi().map(str::to_string),
                        });
                }
            }
        }
        out
    }

    /// The distinct document subjects (*asiakirjaryhmä*), sorted.
    pub fn subjects(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .definitions
            .iter()
            .filter_map(Definition::subject)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}
