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
use crate::json_tree::{JsonRef, JsonView};
use crate::names::{push_index, push_token, same_key};
use sosmeta_model::{Definition, Element, Kind, Representation};

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

/// One element of the definition, reduced to what the walk needs.
#[derive(Debug)]
struct Step {
    /// The JSON shape the element describes.
    kind: Kind,
    rep: Rep,
    /// Whether any rule can fire at this element or below it; the walk skips the rest.
    relevant: bool,
    /// The children of an object that some rule looks at: a range of
    /// [`Prepared::children`].
    children: std::ops::Range<usize>,
    /// The [`key_bit`]s of those children: a member whose bit is not here is none of
    /// them, and is passed over without a search.
    child_bits: u64,
    /// The item step of an array.
    items: Option<usize>,
    /// Index into [`Prepared::codes`] for a Koodi.
    code: Option<usize>,
    /// For a Tunnus without a `system` member: whether the element's own system is the
    /// personal identity code's.
    hetu_by_default: bool,
    /// The fixed text of a Fraasi.
    phrase: Option<String>,
    /// The children marked conditionalRequired, with their conditions.
    conditional: Vec<conditional::Check>,
}

/// What the rules need about one definition, computed once: the element tree as a
/// compact plan (each element's role, whether its subtree matters to any rule) and the
/// parsed value sets.
#[derive(Debug, Default)]
pub struct Prepared {
    steps: Vec<Step>,
    /// Object members: key, step, and the key as a JSON pointer token (`/` and the
    /// escaped key), appended to the walk's pointer as it is.
    children: Vec<(String, usize, String)>,
    codes: Vec<codes::CodeInfo>,
}

impl Prepared {
    /// Prepare the rules for a definition (parses every value set once).
    pub fn new(def: &Definition) -> Prepared {
        let mut p = Prepared::default();
        let conditions: std::collections::HashMap<String, sosmeta_model::Condition> = def
            .conditions()
            .into_iter()
            .map(|c| (c.data_path, c.condition))
            .collect();
        p.add(def, &def.root, "", &conditions);
        p.keep_relevant();
        p
    }

    /// Drop the steps no rule looks at (most elements are plain text), so that the
    /// steps the walk visits lie together in memory; the root stays step 0.
    fn keep_relevant(&mut self) {
        let mut new_index = vec![usize::MAX; self.steps.len()];
        let mut n = 0;
        for (i, st) in self.steps.iter().enumerate() {
            if st.relevant || i == 0 {
                new_index[i] = n;
                n += 1;
            }
        }
        let steps = std::mem::take(&mut self.steps);
        self.steps = steps
            .into_iter()
            .enumerate()
            .filter(|(i, _)| new_index[*i] != usize::MAX)
            .map(|(_, mut st)| {
                st.items = st
                    .items
                    .filter(|i| new_index[*i] != usize::MAX)
                    .map(|i| new_index[i]);
                st
            })
            .collect();
        // Children lists already hold relevant steps only.
        for child in &mut self.children {
            child.1 = new_index[child.1];
        }
    }

    /// Add the steps of `el` and its subtree (at document data path `data_path`, with
    /// `*` for array items); returns its index. The root is step 0.
    fn add(
        &mut self,
        def: &Definition,
        el: &Element,
        data_path: &str,
        conditions: &std::collections::HashMap<String, sosmeta_model::Condition>,
    ) -> usize {
        let rep = match (el.kind, el.representation()) {
            (Kind::Object, Some(Representation::Koodi)) => Rep::Koodi,
            (Kind::Object, Some(Representation::Tunnus)) => Rep::Tunnus,
            (Kind::String, Some(Representation::Pvm)) => Rep::Pvm,
            (Kind::String, Some(Representation::Hetki)) => Rep::Hetki,
            (Kind::String, Some(Representation::Fraasi)) => Rep::Fraasi,
            _ => Rep::Plain,
        };
        let code = (rep == Rep::Koodi).then(|| {
            self.codes.push(codes::CodeInfo::new(el));
            self.codes.len() - 1
        });
        let conditional: Vec<conditional::Check> = el
            .children()
            .iter()
            .filter(|c| c.is_conditional_required())
            .map(|c| {
                let mut p = data_path.replace("/*", "/0");
                push_token(&mut p, &c.key);
                let mut at = data_path.to_string();
                push_token(&mut at, &c.key);
                conditional::Check::new(c, def.name_path(&p), conditions.get(&at))
            })
            .collect();
        let me = self.steps.len();
        self.steps.push(Step {
            kind: el.kind,
            rep,
            relevant: rep != Rep::Plain || !conditional.is_empty(),
            children: 0..0,
            child_bits: 0,
            items: None,
            code,
            hetu_by_default: el.is_hetu_identifier(),
            phrase: (rep == Rep::Fraasi)
                .then(|| el.phrase().map(str::to_string))
                .flatten(),
            conditional,
        });
        let mut relevant = false;
        if el.kind == Kind::Array {
            if let Some(item) = el.items.as_deref() {
                let i = self.add(def, item, &format!("{data_path}/*"), conditions);
                relevant |= self.steps[i].relevant;
                self.steps[me].items = Some(i);
            }
        } else {
            let mut kids: Vec<(String, usize, String)> = el
                .children()
                .iter()
                .map(|c| {
                    let mut p = data_path.to_string();
                    push_token(&mut p, &c.key);
                    let mut token = String::new();
                    push_token(&mut token, &c.key);
                    (c.key.clone(), self.add(def, c, &p, conditions), token)
                })
                .collect();
            // Only the children a rule can look at are kept: the walk skips the others.
            kids.retain(|(_, i, _)| self.steps[*i].relevant);
            relevant |= !kids.is_empty();
            let start = self.children.len();
            self.steps[me].child_bits = kids.iter().fold(0, |bits, (k, _, _)| bits | key_bit(k));
            self.children.extend(kids);
            self.steps[me].children = start..self.children.len();
        }
        self.steps[me].relevant |= relevant;
        me
    }
}

/// One of 64 bits for a key, from its length and its first and last bytes: equal keys
/// have equal bits, so a key whose bit is not among a set of keys' is none of them.
#[inline]
fn key_bit(key: &str) -> u64 {
    let b = key.as_bytes();
    let first = b.first().copied().unwrap_or(0) as usize;
    let last = b.last().copied().unwrap_or(0) as usize;
    1 << ((b.len().wrapping_mul(7) ^ first ^ last.wrapping_mul(5)) & 63)
}

/// What the rules know besides the document: the release's code sets (koodistot), if
/// any, and the document's date, if it states one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The code sets of the release bundle (`code.classification`, `code.active`).
    pub code_sets: Option<&'a sosmeta_model::koodisto::CodeSets>,
    /// The document's date (an archive document's date, or `--on`).
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
    /// Report a finding at the current pointer plus `tail` tokens.
    pub fn report(
        &mut self,
        rule: crate::registry::Rule,
        severity: crate::Severity,
        tail: &[&str],
        message: String,
    ) {
        let mut p = self.pointer.clone();
        for t in tail {
            push_token(&mut p, t);
        }
        let path = self.def.name_path(&p);
        self.findings
            .push(Finding::new(rule, severity, p, path, message));
    }

    /// Check value `v` of step `step`; `parents`: the objects enclosing it.
    fn value<'t>(
        &mut self,
        step: usize,
        v: JsonRef<'t>,
        parents: Option<&conditional::Parents<'_, 't>>,
    ) {
        let prepared = self.prepared;
        let st = &prepared.steps[step];
        if !st.relevant {
            return;
        }
        match (st.kind, v.view()) {
            (Kind::Array, JsonView::Array(items)) => {
                if let Some(item_step) = st.items {
                    for (i, item) in items.iter().enumerate() {
                        let len = self.pointer.len();
                        push_index(&mut self.pointer, i);
                        self.value(item_step, item, parents);
                        self.pointer.truncate(len);
                    }
                }
            }
            (Kind::Object, JsonView::Object(map)) => {
                let here = conditional::Parents {
                    obj: map,
                    up: parents,
                };
                match st.rep {
                    Rep::Koodi => {
                        if let Some(ci) = st.code.and_then(|i| prepared.codes.get(i)) {
                            codes::check(self, ci, map);
                        }
                    }
                    Rep::Tunnus => hetu::check(self, st.hetu_by_default, map),
                    _ => {}
                }
                // Follow the document's members that some rule looks at (unknown ones are
                // the schema's business). Documents usually list members in the
                // definition's order: search from just after the previous match, wrapping
                // around.
                let children = &prepared.children[st.children.clone()];
                let mut next = 0;
                for (key, cv) in map.iter() {
                    if st.child_bits & key_bit(key) == 0 {
                        continue;
                    }
                    let (wrapped, ahead) = children.split_at(next.min(children.len()));
                    let found = ahead
                        .iter()
                        .position(|c| same_key(&c.0, key))
                        .map(|i| i + next)
                        .or_else(|| wrapped.iter().position(|c| same_key(&c.0, key)));
                    if let Some(i) = found {
                        next = i + 1;
                        let len = self.pointer.len();
                        // The key is the child's (same_key): its token is ready.
                        self.pointer.push_str(&children[i].2);
                        self.value(children[i].1, cv, Some(&here));
                        self.pointer.truncate(len);
                    }
                }
                for check in &st.conditional {
                    if map.contains_key(&check.key) {
                        continue;
                    }
                    let rule = match conditional::holds(check, &here) {
                        Some(true) => crate::finding::rules::CONDITIONAL_REQUIRED,
                        Some(false) => continue,
                        None => crate::finding::rules::CONDITIONAL_REQUIRED_UNREAD,
                    };
                    let mut p = self.pointer.clone();
                    push_token(&mut p, &check.key);
                    self.findings.push(Finding::new(
                        rule,
                        rule.severity(),
                        p,
                        check.path.clone(),
                        check.message.clone(),
                    ));
                }
            }
            (Kind::String, JsonView::String(s)) => match st.rep {
                Rep::Pvm => dates::check(self, s, false),
                Rep::Hetki => dates::check(self, s, true),
                Rep::Fraasi => {
                    if let Some(want) = &st.phrase {
                        phrase::check(self, want, s);
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
}

/// Run every Sosmeta rule on a document (the whole `{root_key: …}` object).
pub fn check(
    def: &Definition,
    prepared: &Prepared,
    doc: JsonRef<'_>,
    context: Context<'_>,
) -> Vec<Finding> {
    let mut w = Walk {
        def,
        prepared,
        context,
        // Room for the deepest pointers, so that it rarely grows during the walk.
        pointer: String::with_capacity(256),
        findings: Vec::new(),
    };
    status::check(&mut w);
    w.value(0, doc, None);
    w.findings
}
