//! Test cases for the agreement test and the benchmark: for each definition, the
//! minimal and maximal valid samples of [`sosmeta_model::samples`] and mutants of the
//! maximal one (missing required, unknown field, wrong type, bad date, wrong code
//! system, enum miss, empty string, empty array, impossible date, day zero, bad hetu,
//! wrong phrase).
//!
//! A case does not claim a JSON Schema verdict: an independent oracle (Python
//! `jsonschema`'s Draft7Validator) labels it. A case knows which Sosmeta rule must flag
//! it when the schema accepts it (`semantic_rule`).

use crate::finding::rules;
use crate::names::push_token;
use crate::registry::Rule;
use serde::Serialize;
use serde_json::{json, Value};
use sosmeta_model::{samples, Definition, Element, Kind, Release, Representation};

/// One generated document.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// Unique id: `<dotted oid>/<kind>[/<n>]`.
    pub id: String,
    /// The definition OID.
    pub oid: String,
    /// The definition version (YYYY-MM-DD).
    pub version: String,
    /// The corpus file name stem (the dotted OID + version).
    pub dotted: String,
    /// `minimal`, `maximal` or the mutant kind (e.g. `impossible-date`).
    pub kind: String,
    /// Where the mutation is (empty for valid samples).
    pub pointer: String,
    /// The Sosmeta rule that must flag the document if JSON Schema accepts it.
    pub semantic_rule: Option<Rule>,
    /// The document.
    pub document: Value,
}

/// One value present in a document, with the element that describes it.
struct Loc<'d> {
    pointer: String,
    el: &'d Element,
}

fn locations<'d>(el: &'d Element, v: &Value, pointer: &mut String, out: &mut Vec<Loc<'d>>) {
    out.push(Loc {
        pointer: pointer.clone(),
        el,
    });
    match (el.kind, v) {
        (Kind::Array, Value::Array(items)) => {
            if let Some(item_el) = el.items.as_deref() {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    push_token(pointer, &i.to_string());
                    locations(item_el, item, pointer, out);
                    pointer.truncate(len);
                }
            }
        }
        (Kind::Object, Value::Object(map)) => {
            for child in el.children() {
                if let Some(cv) = map.get(&child.key) {
                    let len = pointer.len();
                    push_token(pointer, &child.key);
                    locations(child, cv, pointer, out);
                    pointer.truncate(len);
                }
            }
        }
        _ => {}
    }
}

/// A mutation: its kind, the rule that must catch it when the schema does not, and
/// the function that finds a place and changes the document (or `None` if none fits).
type Mutator = fn(&[Loc<'_>], &mut Value) -> Option<(String, Option<Rule>)>;

fn set(doc: &mut Value, pointer: &str, v: Value) -> bool {
    match doc.pointer_mut(pointer) {
        Some(slot) => {
            *slot = v;
            true
        }
        None => false,
    }
}

fn rep(el: &Element) -> Option<Representation> {
    el.representation()
}

fn missing_required(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    for l in locs.iter().skip(1) {
        if l.el.kind != Kind::Object {
            continue;
        }
        for key in l.el.required.iter().flatten() {
            if let Some(Value::Object(m)) = doc.pointer_mut(&l.pointer) {
                if m.remove(key).is_some() {
                    let mut p = l.pointer.clone();
                    push_token(&mut p, key);
                    return Some((p, None));
                }
            }
        }
    }
    None
}

fn unknown_field(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    let l = locs.iter().skip(1).find(|l| l.el.kind == Kind::Object)?;
    if let Some(Value::Object(m)) = doc.pointer_mut(&l.pointer) {
        m.insert("tuntematon_kentta".into(), json!("x"));
        return Some((format!("{}/tuntematon_kentta", l.pointer), None));
    }
    None
}

fn wrong_type(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    let l = locs
        .iter()
        .find(|l| matches!(l.el.kind, Kind::String | Kind::Boolean))?;
    let v = if l.el.kind == Kind::String {
        json!(42)
    } else {
        json!("true")
    };
    set(doc, &l.pointer, v).then(|| (l.pointer.clone(), None))
}

fn temporal<'a, 'd>(locs: &'a [Loc<'d>]) -> Option<&'a Loc<'d>> {
    locs.iter()
        .find(|l| l.el.kind == Kind::String && rep(l.el).is_some_and(|r| r.is_temporal()))
}

fn bad_date(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    let l = temporal(locs)?;
    set(doc, &l.pointer, json!("31.12.2023")).then(|| (l.pointer.clone(), None))
}

fn impossible_date(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    let l = temporal(locs)?;
    set(doc, &l.pointer, json!("2023-02-30"))
        .then(|| (l.pointer.clone(), Some(rules::DATE_CALENDAR)))
}

fn day_zero(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    let l = temporal(locs)?;
    set(doc, &l.pointer, json!("2023-06-00"))
        .then(|| (l.pointer.clone(), Some(rules::DATE_CALENDAR)))
}

fn not_leap_year(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    let l = locs
        .iter()
        .find(|l| rep(l.el) == Some(Representation::Hetki) && l.el.kind == Kind::String)
        .or_else(|| temporal(locs))?;
    let v = if rep(l.el) == Some(Representation::Hetki) {
        "2023-02-29T10:00:00+02:00"
    } else {
        "2023-02-29"
    };
    set(doc, &l.pointer, json!(v)).then(|| (l.pointer.clone(), Some(rules::DATE_CALENDAR)))
}

fn koodi<'a, 'd>(locs: &'a [Loc<'d>], pred: impl Fn(&Element) -> bool) -> Option<&'a Loc<'d>> {
    locs.iter().find(|l| {
        l.el.kind == Kind::Object && rep(l.el) == Some(Representation::Koodi) && pred(l.el)
    })
}

fn wrong_code_system(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    // Prefer an element whose system the schema does not constrain: then only the
    // Sosmeta rule can catch it.
    let unconstrained = |e: &Element| {
        !e.classification_oids().is_empty()
            && e.child("system")
                .is_some_and(|s| s.pattern.is_none() && s.enum_values.is_none())
    };
    let l = koodi(locs, unconstrained)
        .or_else(|| koodi(locs, |e| !e.classification_oids().is_empty()))?;
    let p = format!("{}/system", l.pointer);
    set(doc, &p, json!("urn:oid:1.2.246.537.6.99999")).then_some((p, Some(rules::CODE_SYSTEM)))
}

fn enum_miss(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    let has_codes = |e: &Element| {
        e.child("code").is_some_and(|c| c.enum_values.is_some()) || e.allowed_codes().is_some()
    };
    let unconstrained =
        |e: &Element| has_codes(e) && e.child("code").is_some_and(|c| c.enum_values.is_none());
    let l = koodi(locs, unconstrained).or_else(|| koodi(locs, has_codes))?;
    let p = format!("{}/code", l.pointer);
    set(doc, &p, json!("EI-KOODI-999")).then_some((p, Some(rules::CODE_VALUE_SET)))
}

fn empty_string(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    let l = locs
        .iter()
        .find(|l| l.el.kind == Kind::String && l.el.min_length.unwrap_or(0) > 0)
        .or_else(|| locs.iter().find(|l| l.el.kind == Kind::String))?;
    set(doc, &l.pointer, json!("")).then(|| (l.pointer.clone(), None))
}

fn empty_array(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    let l = locs
        .iter()
        .find(|l| l.el.kind == Kind::Array && l.el.min_items.unwrap_or(0) > 0)
        .or_else(|| locs.iter().find(|l| l.el.kind == Kind::Array))?;
    set(doc, &l.pointer, json!([])).then(|| (l.pointer.clone(), None))
}

fn bad_hetu(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    let l = locs
        .iter()
        .find(|l| l.el.kind == Kind::Object && l.el.is_hetu_identifier())?;
    let p = format!("{}/value", l.pointer);
    // A well-formed code with the wrong check character (131052-308T is right).
    set(doc, &p, json!("131052-308U")).then_some((p, Some(rules::HETU_CHECKSUM)))
}

fn wrong_phrase(locs: &[Loc<'_>], doc: &mut Value) -> Option<(String, Option<Rule>)> {
    let l = locs.iter().find(|l| {
        l.el.kind == Kind::String
            && rep(l.el) == Some(Representation::Fraasi)
            && l.el.phrase().is_some()
    })?;
    set(doc, &l.pointer, json!("Muutettu fraasi"))
        .then(|| (l.pointer.clone(), Some(rules::PHRASE_TEXT)))
}

/// Every mutant kind with its function.
const MUTATORS: &[(&str, Mutator)] = &[
    ("missing-required", missing_required),
    ("unknown-field", unknown_field),
    ("wrong-type", wrong_type),
    ("bad-date", bad_date),
    ("wrong-code-system", wrong_code_system),
    ("enum-miss", enum_miss),
    ("empty-string", empty_string),
    ("empty-array", empty_array),
    ("impossible-date", impossible_date),
    ("day-zero", day_zero),
    ("not-leap-year", not_leap_year),
    ("bad-hetu", bad_hetu),
    ("wrong-phrase", wrong_phrase),
];

/// The mutant kinds, in order.
pub fn mutant_kinds() -> impl Iterator<Item = &'static str> {
    MUTATORS.iter().map(|(k, _)| *k)
}

/// The cases of one definition: minimal, maximal, and one mutant of each kind that
/// applies (mutants of the maximal sample).
pub fn cases_for(def: &Definition) -> Vec<Case> {
    let dotted = def.id.dotted();
    let base = |kind: &str, pointer: String, rule, document| Case {
        id: format!("{dotted}/{kind}"),
        oid: def.oid().to_string(),
        version: def.version().to_string(),
        dotted: dotted.clone(),
        kind: kind.to_string(),
        pointer,
        semantic_rule: rule,
        document,
    };
    let maximal = samples::maximal(def);
    let mut out = vec![
        base("minimal", String::new(), None, samples::minimal(def)),
        base("maximal", String::new(), None, maximal.clone()),
    ];
    let mut locs = Vec::new();
    locations(&def.root, &maximal, &mut String::new(), &mut locs);
    for (kind, f) in MUTATORS {
        let mut doc = maximal.clone();
        if let Some((pointer, rule)) = f(&locs, &mut doc) {
            out.push(base(kind, pointer, rule, doc));
        }
    }
    out
}

/// The cases of every definition of a release, in release order.
pub fn all_cases(release: &Release) -> Vec<Case> {
    release.definitions().iter().flat_map(cases_for).collect()
}
