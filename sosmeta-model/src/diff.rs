//! Differences between two releases (*julkaisujen vertailu*): what a release engineer
//! reads before regenerating, and what goes into release notes.
//!
//! [`diff`] compares an old and a new [`Release`] without any I/O and returns a
//! [`ReleaseDiff`]:
//!
//! - definitions (OIDs) added and removed,
//! - versions added and removed for OIDs present in both,
//! - status flips of a version present in both (e.g. Valmis → Vanhentunut),
//! - for each OID whose version in force changed (or whose version in force was
//!   republished with different content), the changes per element, by JSON pointer and
//!   Finnish name path, each marked [`Impact::Breaking`] or [`Impact::Additive`] for a
//!   vendor that holds data in the old shape.
//!
//! Elements are matched by their *logical path*: the document path with array items
//! folded into their array (`/asiakas/*/nimi` and `/asiakas/nimi` are the same element),
//! so a change of repeatability is reported as such rather than as a removal plus an
//! addition.
//!
//! The result serializes with serde (JSON) and renders as text ([`ReleaseDiff::to_text`])
//! or markdown for release notes ([`ReleaseDiff::to_markdown`]).

use crate::definition::{Definition, Status};
use crate::element::{escape_pointer, Element, Kind};
use crate::id::DefinitionId;
use crate::release::Release;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// What a change means for a vendor holding documents in the old shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    /// Documents valid under the old version may be rejected, or change meaning, under
    /// the new one (an element removed or newly required, a code removed, a changed type).
    Breaking,
    /// Documents valid under the old version stay valid (an optional element or a code
    /// added, a constraint relaxed, a name reworded).
    Additive,
}

impl Impact {
    /// `breaking` or `additive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Breaking => "breaking",
            Impact::Additive => "additive",
        }
    }
}

/// A short description of one definition version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionSummary {
    /// OID and version.
    pub id: DefinitionId,
    /// The Finnish title.
    pub title: String,
    /// The status.
    pub status: Status,
}

impl DefinitionSummary {
    fn of(d: &Definition) -> Self {
        DefinitionSummary {
            id: d.id.clone(),
            title: d.title().to_string(),
            status: d.status().clone(),
        }
    }
}

/// A definition version whose status differs between the releases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// OID and version.
    pub id: DefinitionId,
    /// The Finnish title (in the new release).
    pub title: String,
    /// The status in the old release.
    pub from: Status,
    /// The status in the new release.
    pub to: Status,
}

/// What changed about one element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ChangeKind {
    /// The element is new.
    Added {
        /// True when a document must carry it.
        required: bool,
    },
    /// The element is gone.
    Removed,
    /// The JSON type changed (e.g. string → object).
    KindChanged {
        /// Old JSON type.
        from: Kind,
        /// New JSON type.
        to: Kind,
    },
    /// Required (*pakollinen*) changed.
    RequiredChanged {
        /// Old value.
        from: bool,
        /// New value.
        to: bool,
    },
    /// Repeatable (*toistuva*) changed: the value is now (or no longer) an array.
    RepeatableChanged {
        /// Old value.
        from: bool,
        /// New value.
        to: bool,
    },
    /// `minItems` of a repeatable element changed.
    MinItemsChanged {
        /// Old value.
        from: Option<u64>,
        /// New value.
        to: Option<u64>,
    },
    /// conditionalRequired (*ehdollisesti pakollinen*) changed.
    ConditionalRequiredChanged {
        /// Old value.
        from: bool,
        /// New value.
        to: bool,
    },
    /// The representation (*esitystapa*) changed.
    RepresentationChanged {
        /// Old Finnish name.
        from: Option<String>,
        /// New Finnish name.
        to: Option<String>,
    },
    /// The referenced classification (*luokitus*, `classificationOid`) changed.
    ClassificationChanged {
        /// Old references.
        from: Vec<String>,
        /// New references.
        to: Vec<String>,
    },
    /// Codes were added to the valueSet or to `enum`.
    CodesAdded {
        /// `valueSet` or `enum`.
        source: String,
        /// The codes added.
        codes: Vec<String>,
    },
    /// Codes were removed from the valueSet or from `enum`.
    CodesRemoved {
        /// `valueSet` or `enum`.
        source: String,
        /// The codes removed.
        codes: Vec<String>,
    },
    /// The `pattern` changed.
    PatternChanged {
        /// Old pattern.
        from: Option<String>,
        /// New pattern.
        to: Option<String>,
    },
    /// `minLength` changed.
    MinLengthChanged {
        /// Old value.
        from: Option<u64>,
        /// New value.
        to: Option<u64>,
    },
    /// The Finnish or Swedish name changed.
    NameChanged {
        /// `fi` or `sv`.
        lang: String,
        /// Old name.
        from: Option<String>,
        /// New name.
        to: Option<String>,
    },
}

impl ChangeKind {
    /// A one-line description in English.
    pub fn describe(&self) -> String {
        fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
            v.as_ref()
                .map(|x| format!("`{x}`"))
                .unwrap_or_else(|| "none".into())
        }
        fn list(v: &[String]) -> String {
            if v.is_empty() {
                "none".into()
            } else {
                v.join(", ")
            }
        }
        match self {
            ChangeKind::Added { required: true } => "added (required)".into(),
            ChangeKind::Added { required: false } => "added (optional)".into(),
            ChangeKind::Removed => "removed".into(),
            ChangeKind::KindChanged { from, to } => {
                format!("type {} → {}", from.as_str(), to.as_str())
            }
            ChangeKind::RequiredChanged { from, to } => format!("required {from} → {to}"),
            ChangeKind::RepeatableChanged { from, to } => format!("repeatable {from} → {to}"),
            ChangeKind::MinItemsChanged { from, to } => {
                format!("minItems {} → {}", opt(from), opt(to))
            }
            ChangeKind::ConditionalRequiredChanged { from, to } => {
                format!("conditionalRequired {from} → {to}")
            }
            ChangeKind::RepresentationChanged { from, to } => {
                format!("representation {} → {}", opt(from), opt(to))
            }
            ChangeKind::ClassificationChanged { from, to } => {
                format!("classification {} → {}", list(from), list(to))
            }
            ChangeKind::CodesAdded { source, codes } => {
                format!("{source} codes added: {}", codes.join(", "))
            }
            ChangeKind::CodesRemoved { source, codes } => {
                format!("{source} codes removed: {}", codes.join(", "))
            }
            ChangeKind::PatternChanged { from, to } => {
                format!("pattern {} → {}", opt(from), opt(to))
            }
            ChangeKind::MinLengthChanged { from, to } => {
                format!("minLength {} → {}", opt(from), opt(to))
            }
            ChangeKind::NameChanged { lang, from, to } => {
                format!("name ({lang}) {} → {}", opt(from), opt(to))
            }
        }
    }
}

/// One change of one element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementChange {
    /// JSON pointer of the element in the schema (the new one; the old one for removals),
    /// e.g. `/properties/asiakkuusasiakirja/properties/asiakas`.
    pub pointer: String,
    /// Where its values sit in a document, with array items as `/*`.
    pub data_path: String,
    /// The Finnish names from the document element down, joined with ` › `.
    pub name_path: String,
    /// Breaking or additive.
    pub impact: Impact,
    /// What changed.
    #[serde(flatten)]
    pub kind: ChangeKind,
}

/// The element changes of one OID whose version in force changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionDiff {
    /// The OID.
    pub oid: String,
    /// The Finnish title (new).
    pub title: String,
    /// The version in force in the old release.
    pub old_version: chrono::NaiveDate,
    /// The version in force in the new release.
    pub new_version: chrono::NaiveDate,
    /// True when the version date is the same but the content differs (republished).
    pub republished: bool,
    /// The changes, in document order of the new version (removals after their siblings).
    pub changes: Vec<ElementChange>,
}

impl DefinitionDiff {
    /// True when any change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.impact == Impact::Breaking)
    }
}

/// Everything that differs between two releases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseDiff {
    /// The old release's label.
    pub old_label: Option<String>,
    /// The new release's label.
    pub new_label: Option<String>,
    /// OIDs only in the new release (every version).
    pub added_definitions: Vec<DefinitionSummary>,
    /// OIDs only in the old release (every version).
    pub removed_definitions: Vec<DefinitionSummary>,
    /// New versions of OIDs present in both.
    pub added_versions: Vec<DefinitionSummary>,
    /// Versions of OIDs present in both that the new release no longer has.
    pub removed_versions: Vec<DefinitionSummary>,
    /// Versions present in both whose status differs.
    pub status_changes: Vec<StatusChange>,
    /// Per-element changes of each OID whose version in force changed.
    pub definitions: Vec<DefinitionDiff>,
}

/// Compare two releases.
pub fn diff(old: &Release, new: &Release) -> ReleaseDiff {
    let old_oids: BTreeSet<&str> = old.oids().into_iter().collect();
    let new_oids: BTreeSet<&str> = new.oids().into_iter().collect();
    let summaries = |r: &Release, oid: &str| -> Vec<DefinitionSummary> {
        r.versions(oid)
            .into_iter()
            .map(DefinitionSummary::of)
            .collect()
    };
    let mut out = ReleaseDiff {
        old_label: old.label().map(str::to_string),
        new_label: new.label().map(str::to_string),
        added_definitions: Vec::new(),
        removed_definitions: Vec::new(),
        added_versions: Vec::new(),
        removed_versions: Vec::new(),
        status_changes: Vec::new(),
        definitions: Vec::new(),
    };
    for oid in new_oids.difference(&old_oids) {
        out.added_definitions.extend(summaries(new, oid));
    }
    for oid in old_oids.difference(&new_oids) {
        out.removed_definitions.extend(summaries(old, oid));
    }
    for oid in old_oids.intersection(&new_oids) {
        for d in new.versions(oid) {
            match old.get(&d.id) {
                None => out.added_versions.push(DefinitionSummary::of(d)),
                Some(o) if o.status() != d.status() => out.status_changes.push(StatusChange {
                    id: d.id.clone(),
                    title: d.title().to_string(),
                    from: o.status().clone(),
                    to: d.status().clone(),
                }),
                Some(_) => {}
            }
        }
        for o in old.versions(oid) {
            if new.get(&o.id).is_none() {
                out.removed_versions.push(DefinitionSummary::of(o));
            }
        }
        if let (Some(o), Some(n)) = (old.in_force(oid), new.in_force(oid)) {
            let republished = o.id == n.id;
            if republished && o.root == n.root {
                continue;
            }
            out.definitions.push(DefinitionDiff {
                oid: oid.to_string(),
                title: n.title().to_string(),
                old_version: o.version(),
                new_version: n.version(),
                republished,
                changes: diff_definitions(o, n),
            });
        }
    }
    out
}

/// The per-element changes from `old` to `new` (two versions of one definition).
pub fn diff_definitions(old: &Definition, new: &Definition) -> Vec<ElementChange> {
    let mut o = Vec::new();
    collect(
        &old.root,
        String::new(),
        String::new(),
        Vec::new(),
        false,
        &mut o,
    );
    let mut n = Vec::new();
    collect(
        &new.root,
        String::new(),
        String::new(),
        Vec::new(),
        false,
        &mut n,
    );
    let old_map: BTreeMap<&str, &Logical> = o.iter().map(|l| (l.logical.as_str(), l)).collect();
    let new_keys: BTreeSet<&str> = n.iter().map(|l| l.logical.as_str()).collect();
    let mut changes = Vec::new();
    for nl in &n {
        match old_map.get(nl.logical.as_str()) {
            None => {
                // Report only the topmost added element, not every descendant.
                if parent_logical(&nl.logical).is_some_and(|p| !old_map.contains_key(p)) {
                    continue;
                }
                changes.push(nl.change(
                    if nl.required {
                        Impact::Breaking
                    } else {
                        Impact::Additive
                    },
                    ChangeKind::Added {
                        required: nl.required,
                    },
                ));
            }
            Some(ol) => compare(ol, nl, &mut changes),
        }
    }
    for ol in &o {
        if new_keys.contains(ol.logical.as_str()) {
            continue;
        }
        if parent_logical(&ol.logical).is_some_and(|p| !new_keys.contains(p)) {
            continue;
        }
        changes.push(ol.change(Impact::Breaking, ChangeKind::Removed));
    }
    changes
}

fn parent_logical(p: &str) -> Option<&str> {
    let i = p.rfind('/')?;
    (i > 0).then(|| &p[..i])
}

/// One logical element: an element, or an array folded with its items.
struct Logical<'a> {
    logical: String,
    pointer: String,
    data_path: String,
    name_path: String,
    required: bool,
    outer: &'a Element,
    item: &'a Element,
}

impl Logical<'_> {
    fn change(&self, impact: Impact, kind: ChangeKind) -> ElementChange {
        ElementChange {
            pointer: self.pointer.clone(),
            data_path: self.data_path.clone(),
            name_path: self.name_path.clone(),
            impact,
            kind,
        }
    }

    fn repeatable(&self) -> bool {
        self.outer.kind == Kind::Array
    }

    fn codes(&self) -> Option<BTreeSet<String>> {
        Some(self.item.allowed_codes()?.into_iter().collect())
    }

    fn enum_codes(&self) -> Option<BTreeSet<String>> {
        self.item.enum_values.as_ref().map(|v| {
            v.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
    }
}

fn collect<'a>(
    outer: &'a Element,
    pointer: String,
    data_path: String,
    names: Vec<String>,
    required: bool,
    out: &mut Vec<Logical<'a>>,
) {
    let item = outer.item();
    let (item_pointer, item_path) = if std::ptr::eq(item, outer) {
        (pointer.clone(), data_path.clone())
    } else {
        (format!("{pointer}/items"), format!("{data_path}/*"))
    };
    let logical = data_path.replace("/*", "");
    let mut names = names;
    let is_root = pointer.is_empty();
    if !is_root {
        names.push(
            outer
                .name_fi()
                .map(str::to_string)
                .unwrap_or_else(|| outer.key.clone()),
        );
        out.push(Logical {
            logical,
            pointer: pointer.clone(),
            data_path: data_path.clone(),
            name_path: names.join(" › "),
            required,
            outer,
            item,
        });
    }
    for child in item.children() {
        let key = escape_pointer(&child.key);
        let req = item.requires(&child.key)
            || (child.meta().and_then(|m| m.required) == Some(true)
                && !child.is_conditional_required());
        collect(
            child,
            format!("{item_pointer}/properties/{key}"),
            format!("{item_path}/{key}"),
            names.clone(),
            req,
            out,
        );
    }
}

fn compare(o: &Logical<'_>, n: &Logical<'_>, out: &mut Vec<ElementChange>) {
    use ChangeKind as C;
    use Impact::{Additive, Breaking};
    if o.item.kind != n.item.kind {
        out.push(n.change(
            Breaking,
            C::KindChanged {
                from: o.item.kind,
                to: n.item.kind,
            },
        ));
    }
    if o.required != n.required {
        out.push(n.change(
            if n.required { Breaking } else { Additive },
            C::RequiredChanged {
                from: o.required,
                to: n.required,
            },
        ));
    }
    if o.repeatable() != n.repeatable() {
        out.push(n.change(
            Breaking,
            C::RepeatableChanged {
                from: o.repeatable(),
                to: n.repeatable(),
            },
        ));
    } else if o.outer.min_items != n.outer.min_items {
        let tighter = n.outer.min_items.unwrap_or(0) > o.outer.min_items.unwrap_or(0);
        out.push(n.change(
            if tighter { Breaking } else { Additive },
            C::MinItemsChanged {
                from: o.outer.min_items,
                to: n.outer.min_items,
            },
        ));
    }
    let (oc, nc) = (
        o.outer.is_conditional_required(),
        n.outer.is_conditional_required(),
    );
    if oc != nc {
        out.push(n.change(
            if nc { Breaking } else { Additive },
            C::ConditionalRequiredChanged { from: oc, to: nc },
        ));
    }
    let rep = |l: &Logical<'_>| l.outer.representation().map(|r| r.to_string());
    if rep(o) != rep(n) {
        out.push(n.change(
            Breaking,
            C::RepresentationChanged {
                from: rep(o),
                to: rep(n),
            },
        ));
    }
    let cls = |l: &Logical<'_>| {
        let mut v: Vec<String> = l
            .outer
            .classification_refs()
            .into_iter()
            .map(str::to_string)
            .collect();
        v.sort();
        v.dedup();
        v
    };
    if cls(o) != cls(n) {
        out.push(n.change(
            Breaking,
            C::ClassificationChanged {
                from: cls(o),
                to: cls(n),
            },
        ));
    }
    code_changes("valueSet", o.codes(), n.codes(), n, out);
    code_changes("enum", o.enum_codes(), n.enum_codes(), n, out);
    if o.item.pattern != n.item.pattern {
        out.push(n.change(
            Breaking,
            C::PatternChanged {
                from: o.item.pattern.clone(),
                to: n.item.pattern.clone(),
            },
        ));
    }
    if o.item.min_length != n.item.min_length {
        let tighter = n.item.min_length.unwrap_or(0) > o.item.min_length.unwrap_or(0);
        out.push(n.change(
            if tighter { Breaking } else { Additive },
            C::MinLengthChanged {
                from: o.item.min_length,
                to: n.item.min_length,
            },
        ));
    }
    for lang in [crate::Lang::Fi, crate::Lang::Sv] {
        let name = |l: &Logical<'_>| {
            l.outer
                .meta()
                .and_then(|m| m.name.as_ref())
                .and_then(|t| t.get(&lang))
                .map(str::to_string)
        };
        if name(o) != name(n) {
            out.push(n.change(
                Additive,
                C::NameChanged {
                    lang: lang.as_str().to_string(),
                    from: name(o),
                    to: name(n),
                },
            ));
        }
    }
}

fn code_changes(
    source: &str,
    old: Option<BTreeSet<String>>,
    new: Option<BTreeSet<String>>,
    n: &Logical<'_>,
    out: &mut Vec<ElementChange>,
) {
    // A list that appears or disappears entirely: an enum appearing restricts values
    // (breaking), disappearing relaxes them; for a valueSet the classification decides,
    // so only compare when both sides have a readable list.
    let (old, new) = match (old, new) {
        (Some(o), Some(n)) => (o, n),
        (None, Some(n)) if source == "enum" => (BTreeSet::new(), n),
        _ => return,
    };
    let added: Vec<String> = new.difference(&old).cloned().collect();
    let removed: Vec<String> = old.difference(&new).cloned().collect();
    if !removed.is_empty() {
        out.push(n.change(
            Impact::Breaking,
            ChangeKind::CodesRemoved {
                source: source.to_string(),
                codes: removed,
            },
        ));
    }
    if !added.is_empty() {
        let impact = if old.is_empty() {
            // An enum where there was none: values outside it are now refused.
            Impact::Breaking
        } else {
            Impact::Additive
        };
        out.push(n.change(
            impact,
            ChangeKind::CodesAdded {
                source: source.to_string(),
                codes: added,
            },
        ));
    }
}

impl ReleaseDiff {
    /// True when nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added_definitions.is_empty()
            && self.removed_definitions.is_empty()
            && self.added_versions.is_empty()
            && self.removed_versions.is_empty()
            && self.status_changes.is_empty()
            && self.definitions.is_empty()
    }

    /// Number of element changes that are breaking.
    pub fn breaking_count(&self) -> usize {
        self.definitions
            .iter()
            .flat_map(|d| &d.changes)
            .filter(|c| c.impact == Impact::Breaking)
            .count()
    }

    /// Number of element changes that are additive.
    pub fn additive_count(&self) -> usize {
        self.definitions
            .iter()
            .flat_map(|d| &d.changes)
            .filter(|c| c.impact == Impact::Additive)
            .count()
    }

    /// True when something breaks existing data: a removed definition or version, or a
    /// breaking element change.
    pub fn has_breaking(&self) -> bool {
        !self.removed_definitions.is_empty()
            || !self.removed_versions.is_empty()
            || self.breaking_count() > 0
    }

    fn heading(&self) -> String {
        format!(
            "Sosmeta release diff: {} → {}",
            self.old_label.as_deref().unwrap_or("old"),
            self.new_label.as_deref().unwrap_or("new")
        )
    }

    /// Serialize as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// A plain-text report for the terminal.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{}", self.heading());
        if self.is_empty() {
            let _ = writeln!(s, "no differences");
            return s;
        }
        let _ = writeln!(
            s,
            "{} definitions added, {} removed; {} versions added, {} removed; {} status changes; {} definitions changed in force ({} breaking, {} additive element changes)",
            self.added_definitions.len(),
            self.removed_definitions.len(),
            self.added_versions.len(),
            self.removed_versions.len(),
            self.status_changes.len(),
            self.definitions.len(),
            self.breaking_count(),
            self.additive_count()
        );
        let mut section = |title: &str, items: &[DefinitionSummary]| {
            if items.is_empty() {
                return;
            }
            let _ = writeln!(s, "\n{title}:");
            for d in items {
                let _ = writeln!(s, "  {} [{}] {}", d.id, d.status, d.title);
            }
        };
        section("Definitions added", &self.added_definitions);
        section("Definitions removed (breaking)", &self.removed_definitions);
        section("Versions added", &self.added_versions);
        section("Versions removed (breaking)", &self.removed_versions);
        if !self.status_changes.is_empty() {
            let _ = writeln!(s, "\nStatus changes:");
            for c in &self.status_changes {
                let _ = writeln!(s, "  {} {} → {} {}", c.id, c.from, c.to, c.title);
            }
        }
        for d in &self.definitions {
            let _ = writeln!(
                s,
                "\n{} {} ({} → {}{}):",
                d.oid,
                d.title,
                d.old_version,
                d.new_version,
                if d.republished { ", republished" } else { "" }
            );
            if d.changes.is_empty() {
                let _ = writeln!(s, "  no element changes");
            }
            for c in &d.changes {
                let _ = writeln!(
                    s,
                    "  [{}] {}: {}\n      {}",
                    c.impact.as_str(),
                    c.name_path,
                    c.kind.describe(),
                    c.pointer
                );
            }
        }
        s
    }

    /// A markdown report, ready to paste into release notes.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# {}\n", self.heading());
        if self.is_empty() {
            let _ = writeln!(s, "No differences.");
            return s;
        }
        let _ = writeln!(s, "| | count |\n|---|---:|");
        for (k, v) in [
            ("Definitions added", self.added_definitions.len()),
            ("Definitions removed", self.removed_definitions.len()),
            ("Versions added", self.added_versions.len()),
            ("Versions removed", self.removed_versions.len()),
            ("Status changes", self.status_changes.len()),
            ("Definitions changed in force", self.definitions.len()),
            ("Breaking element changes", self.breaking_count()),
            ("Additive element changes", self.additive_count()),
        ] {
            let _ = writeln!(s, "| {k} | {v} |");
        }
        let md = |t: &str| t.replace('|', "\\|");
        let mut section = |title: &str, items: &[DefinitionSummary]| {
            if items.is_empty() {
                return;
            }
            let _ = writeln!(s, "\n## {title}\n");
            for d in items {
                let _ = writeln!(s, "- `{}` {} ({})", d.id, md(&d.title), d.status);
            }
        };
        section("Definitions added", &self.added_definitions);
        section("Definitions removed (breaking)", &self.removed_definitions);
        section("Versions added", &self.added_versions);
        section("Versions removed (breaking)", &self.removed_versions);
        if !self.status_changes.is_empty() {
            let _ = writeln!(s, "\n## Status changes\n");
            for c in &self.status_changes {
                let _ = writeln!(s, "- `{}` {}: {} → {}", c.id, md(&c.title), c.from, c.to);
            }
        }
        for d in &self.definitions {
            let _ = writeln!(
                s,
                "\n## {} (`{}`): {} → {}{}\n",
                md(&d.title),
                d.oid,
                d.old_version,
                d.new_version,
                if d.republished { " (republished)" } else { "" }
            );
            if d.changes.is_empty() {
                let _ = writeln!(s, "No element changes.");
                continue;
            }
            let _ = writeln!(
                s,
                "| impact | element | change | JSON pointer |\n|---|---|---|---|"
            );
            for c in &d.changes {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | `{}` |",
                    if c.impact == Impact::Breaking {
                        "**breaking**"
                    } else {
                        "additive"
                    },
                    md(&c.name_path),
                    md(&c.kind.describe()),
                    c.pointer
                );
            }
        }
        s
    }
}
