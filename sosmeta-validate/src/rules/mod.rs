//! Layer 3: Sosmeta rules that JSON Schema cannot express.
//!
//! One walk over the document follows the definition's element tree; each value is
//! handed to the rule of its representation. Per-definition data the rules need (parsed
//! value sets) is prepared once in [`Prepared`] and reused.

pub mod codes;
pub mod conditional;
pub mod dates;
pub mod hetu;
pub mod phrase;
pub mod status;

use crate::finding::Finding;
use crate::names::{name_path, push_token};
use serde_json::Value;
use sosmeta_model::{Definition, Element, Kind, Representation};
use std::collections::HashMap;

/// What a node is for the rules, from its representation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rep {
    Plain,
    Koodi,
    Tunnus,
    Pvm,
    Hetki,
    Fraasi,
}

/// Per-element rule data, prepared once.
#[derive(Debug)]
struct NodeInfo {
    rep: Rep,
    /// Index into [`Prepared::codes`] for a Koodi.
    code: Option<usize>,
    /// The children marked conditionalRequired: index, name path and message.
    conditional: Vec<(usize, String, String)>,
}

/// Hashes element addresses (already unique integers) cheaply.
#[derive(Default, Clone, Copy)]
struct AddrHasher(u64);

impl std::hash::Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8 | u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_right(17);
    }
}

type AddrMap<V> = HashMap<usize, V, std::hash::BuildHasherDefault<AddrHasher>>;

/// What the rules need about one definition, computed once: each element's role and
/// the parsed value sets.
#[derive(Debug, Default)]
pub struct Prepared {
    nodes: AddrMap<NodeInfo>,
    codes: Vec<codes::CodeInfo>,
}

fn addr(el: &Element) -> usize {
    el as *const Element as usize
}

impl Prepared {
    /// Prepare the rules for a definition (parses every value set once).
    pub fn new(def: &Definition) -> Prepared {
        let mut p = Prepared::default();
        for item in def.root.walk() {
            let el = item.element;
            let rep = if el.kind == Kind::Array {
                Rep::Plain
            } else {
                match (el.kind, el.representation()) {
                    (Kind::Object, Some(Representation::Koodi)) => Rep::Koodi,
                    (Kind::Object, Some(Representation::Tunnus)) => Rep::Tunnus,
                    (Kind::String, Some(Representation::Pvm)) => Rep::Pvm,
                    (Kind::String, Some(Representation::Hetki)) => Rep::Hetki,
                    (Kind::String, Some(Representation::Fraasi)) => Rep::Fraasi,
                    _ => Rep::Plain,
                }
            };
            let code = (rep == Rep::Koodi).then(|| {
                p.codes.push(codes::CodeInfo::new(el));
                p.codes.len() - 1
            });
            let conditional: Vec<(usize, String, String)> = el
                .children()
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is_conditional_required())
                .map(|(i, c)| {
                    let mut p = item.data_path.replace("/*", "/0");
                    push_token(&mut p, &c.key);
                    (i, name_path(def, &p), conditional::message(c))
                })
                .collect();
            if rep != Rep::Plain || !conditional.is_empty() {
                p.nodes.insert(
                    addr(el),
                    NodeInfo {
                        rep,
                        code,
                        conditional,
                    },
                );
            }
        }
        p
    }
}

/// What the rules know besides the document: the release's code sets (koodistot), if
/// any, and the document's date, if it states one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The code sets of the release bundle (`code.classification`, `code.active`).
    pub code_sets: Option<&'a sosmeta_model::koodisto::CodeSets>,
    /// The document's date (the envelope's creation date, or `--on`).
    pub on: Option<chrono::NaiveDate>,
    /// The day to check code validity against when the document states no date.
    pub today: Option<chrono::NaiveDate>,
}

/// The state of one walk: where we are and what was found.
pub struct Walk<'a> {
    /// The definition.
    pub def: &'a Definition,
    prepared: &'a Prepared,
    /// What the rules know besides the document.
    pub context: Context<'a>,
    pointer: String,
    /// The findings so far.
    pub findings: Vec<Finding>,
}

impl<'a> Walk<'a> {
    /// The JSON pointer of the value being checked.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// Report a finding at the current pointer plus `tail` tokens.
    pub fn report(
        &mut self,
        rule: &'static str,
        severity: crate::Severity,
        tail: &[&str],
        message: String,
    ) {
        let mut p = self.pointer.clone();
        for t in tail {
            push_token(&mut p, t);
        }
        let path = name_path(self.def, &p);
        self.findings
            .push(Finding::new(rule, severity, p, path, message));
    }

    fn enter(&mut self, token: &str, f: impl FnOnce(&mut Self)) {
        let len = self.pointer.len();
        push_token(&mut self.pointer, token);
        f(self);
        self.pointer.truncate(len);
    }

    fn value(&mut self, el: &'a Element, v: &Value) {
        match (el.kind, v) {
            (Kind::Array, Value::Array(items)) => {
                if let Some(item_el) = el.items.as_deref() {
                    let mut buf = itoa_buf();
                    for (i, item) in items.iter().enumerate() {
                        let tok = fmt_index(&mut buf, i).to_string();
                        self.enter(&tok, |w| w.value(item_el, item));
                    }
                }
            }
            (Kind::Object, Value::Object(map)) => {
                let info = self.prepared.nodes.get(&addr(el));
                if let Some(info) = info {
                    match info.rep {
                        Rep::Koodi => {
                            if let Some(ci) = info.code.and_then(|i| self.prepared.codes.get(i)) {
                                codes::check(self, ci, map);
                            }
                        }
                        Rep::Tunnus => hetu::check(self, el, map),
                        _ => {}
                    }
                }
                // Follow the document's members (unknown ones are the schema's business).
                // Documents usually list members in the definition's order: search from
                // just after the previous match, wrapping around.
                let children = el.children();
                let mut next = 0;
                for (key, cv) in map {
                    let n = children.len();
                    let found = (0..n)
                        .map(|k| (next + k) % n)
                        .find(|&i| children[i].key == *key);
                    if let Some(i) = found {
                        next = i + 1;
                        self.enter(key, |w| w.value(&children[i], cv));
                    }
                }
                if let Some(info) = info {
                    for (i, path, message) in &info.conditional {
                        let child = &el.children()[*i];
                        if !map.contains_key(&child.key) {
                            let mut p = self.pointer.clone();
                            push_token(&mut p, &child.key);
                            self.findings.push(Finding::new(
                                crate::finding::rules::CONDITIONAL_REQUIRED,
                                crate::Severity::Warning,
                                p,
                                path.clone(),
                                message.clone(),
                            ));
                        }
                    }
                }
            }
            (Kind::String, Value::String(s)) => {
                if let Some(info) = self.prepared.nodes.get(&addr(el)) {
                    match info.rep {
                        Rep::Pvm => dates::check(self, s, false),
                        Rep::Hetki => dates::check(self, s, true),
                        Rep::Fraasi => phrase::check(self, el, s),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

fn itoa_buf() -> String {
    String::with_capacity(8)
}

fn fmt_index(buf: &mut String, i: usize) -> &str {
    use std::fmt::Write;
    buf.clear();
    let _ = write!(buf, "{i}");
    buf
}

/// Run every Sosmeta rule on a document (the whole `{root_key: …}` object).
pub fn check(
    def: &Definition,
    prepared: &Prepared,
    doc: &Value,
    context: Context<'_>,
) -> Vec<Finding> {
    let mut w = Walk {
        def,
        prepared,
        context,
        pointer: String::new(),
        findings: Vec::new(),
    };
    status::check(&mut w);
    w.value(&def.root, doc);
    w.findings
}
