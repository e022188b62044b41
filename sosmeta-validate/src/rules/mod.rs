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

/// What the rules need about one definition, computed once.
#[derive(Debug, Default)]
pub struct Prepared {
    codes: HashMap<usize, codes::CodeInfo>,
}

fn addr(el: &Element) -> usize {
    el as *const Element as usize
}

impl Prepared {
    /// Prepare the rules for a definition (parses every value set once).
    pub fn new(def: &Definition) -> Prepared {
        let mut codes = HashMap::new();
        for item in def.root.walk() {
            let el = item.element;
            if el.kind != Kind::Array && el.representation() == Some(Representation::Koodi) {
                codes.insert(addr(el), codes::CodeInfo::new(el));
            }
        }
        Prepared { codes }
    }
}

/// The state of one walk: where we are and what was found.
pub struct Walk<'a> {
    /// The definition.
    pub def: &'a Definition,
    prepared: &'a Prepared,
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
                        let tok = fmt_index(&mut buf, i);
                        let tok = tok.to_string();
                        self.enter(&tok, |w| w.value(item_el, item));
                    }
                }
            }
            (Kind::Object, Value::Object(map)) => {
                match el.representation() {
                    Some(Representation::Koodi) => {
                        if let Some(info) = self.prepared.codes.get(&addr(el)) {
                            codes::check(self, info, map);
                        }
                    }
                    Some(Representation::Tunnus) => hetu::check(self, el, map),
                    _ => {}
                }
                for child in el.children() {
                    match map.get(&child.key) {
                        Some(cv) => self.enter(&child.key, |w| w.value(child, cv)),
                        None => {
                            if child.is_conditional_required() {
                                conditional::report_absent(self, child);
                            }
                        }
                    }
                }
            }
            (Kind::String, Value::String(s)) => match el.representation() {
                Some(Representation::Pvm) => dates::check(self, s, false),
                Some(Representation::Hetki) => dates::check(self, s, true),
                Some(Representation::Fraasi) => phrase::check(self, el, s),
                _ => {}
            },
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
pub fn check(def: &Definition, prepared: &Prepared, doc: &Value) -> Vec<Finding> {
    let mut w = Walk {
        def,
        prepared,
        pointer: String::new(),
        findings: Vec::new(),
    };
    status::check(&mut w);
    w.value(&def.root, doc);
    w.findings
}
