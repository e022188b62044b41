//! The dialect validator ([`sosmeta_validate::dialect`]) against the `jsonschema` crate
//! (draft 7) as the oracle, on every definition of the pinned corpus: the release uses
//! the nine dialect keywords only; on every generated case and on random mutants of the
//! maximal samples both give the same verdict and the same set of (pointer, keyword)
//! errors; the schema layer's findings are those errors.

use serde_json::{json, Map, Value};
use sosmeta_model::corpus::pinned_corpus_dir;
use sosmeta_model::{Definition, Release};
use sosmeta_validate::cases::all_cases;
use sosmeta_validate::dialect::{ErrorKind, Patterns, Program, DIALECT_KEYWORDS};
use sosmeta_validate::json_tree::JsonTree;
use sosmeta_validate::{ValidateOptions, Validator};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// Keys of a schema node that carry no constraint (annotations and the dialect's own).
const ANNOTATIONS: [&str; 3] = ["$schema", "title", "sosmeta"];

fn release() -> &'static Release {
    static RELEASE: OnceLock<Release> = OnceLock::new();
    RELEASE.get_or_init(|| Release::load(pinned_corpus_dir()).expect("pinned corpus in ../shared"))
}

fn keywords(schema: &Value, at: &str, out: &mut BTreeMap<String, String>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    for k in map.keys() {
        out.entry(k.clone()).or_insert_with(|| at.to_string());
    }
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        for (k, sub) in props {
            keywords(sub, &format!("{at}/properties/{k}"), out);
        }
    }
    if let Some(items) = map.get("items") {
        keywords(items, &format!("{at}/items"), out);
    }
}

#[test]
fn the_release_uses_the_nine_dialect_keywords_only() {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for def in release().definitions() {
        let mut here = BTreeMap::new();
        keywords(&def.to_json_schema(), "", &mut here);
        for (k, at) in here {
            seen.entry(k)
                .or_insert_with(|| format!("{} at {at}", def.id));
        }
    }
    let outside: Vec<String> = seen
        .iter()
        .filter(|(k, _)| {
            !DIALECT_KEYWORDS.contains(&k.as_str()) && !ANNOTATIONS.contains(&k.as_str())
        })
        .map(|(k, at)| format!("`{k}` (first in {at})"))
        .collect();
    assert!(
        outside.is_empty(),
        "keywords outside the Sosmeta dialect: {outside:?}; the dialect validator (src/dialect) must learn them"
    );
    // Each of the nine is used (the list is not wider than the release).
    for k in DIALECT_KEYWORDS {
        assert!(seen.contains_key(k), "`{k}` unused in the release");
    }
}

type ErrorSet = BTreeSet<(String, String)>;

fn push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

fn theirs(v: &jsonschema::Validator, doc: &Value) -> (bool, ErrorSet) {
    let mut set = ErrorSet::new();
    for e in v.iter_errors(doc) {
        let at = e.instance_path().as_str().to_string();
        match e.kind() {
            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                for k in unexpected {
                    set.insert((push(&at, k), "additionalProperties".into()));
                }
            }
            // `additionalProperties: false` without `properties` fails each member.
            jsonschema::error::ValidationErrorKind::FalseSchema => {
                set.insert((at, "additionalProperties".into()));
            }
            jsonschema::error::ValidationErrorKind::Required { property } => {
                set.insert((
                    push(&at, property.as_str().unwrap_or_default()),
                    "required".into(),
                ));
            }
            kind => {
                set.insert((at, kind.keyword().to_string()));
            }
        }
    }
    (v.is_valid(doc), set)
}

fn ours(p: &Program, doc: &Value) -> (bool, ErrorSet) {
    let tree = JsonTree::from_value(doc);
    let mut set = ErrorSet::new();
    for e in p.errors(tree.root(), usize::MAX) {
        match &e.kind {
            ErrorKind::AdditionalProperties { unexpected } => {
                for k in unexpected {
                    set.insert((push(&e.pointer, k), "additionalProperties".into()));
                }
            }
            ErrorKind::Required { property } => {
                set.insert((push(&e.pointer, property), "required".into()));
            }
            kind => {
                set.insert((e.pointer.clone(), kind.keyword().to_string()));
            }
        }
    }
    (p.is_valid(tree.root()), set)
}

/// Both compiled validators of every definition, by id.
struct Both {
    by_id: HashMap<String, (Program, jsonschema::Validator)>,
}

fn both() -> &'static Both {
    static BOTH: OnceLock<Both> = OnceLock::new();
    BOTH.get_or_init(|| {
        let patterns = Patterns::new();
        let by_id = release()
            .definitions()
            .iter()
            .map(|d: &Definition| {
                let schema = d.to_json_schema();
                let ours = Program::compile(&schema, &patterns)
                    .unwrap_or_else(|e| panic!("{}: {e}", d.id));
                let theirs = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft7)
                    .should_validate_formats(false)
                    .build(&schema)
                    .unwrap_or_else(|e| panic!("{}: {e}", d.id));
                (d.id.to_string(), (ours, theirs))
            })
            .collect();
        // Every pattern of the release is shared, and their DFAs stay small.
        eprintln!(
            "{} distinct patterns, {} bytes of DFAs",
            patterns.len(),
            patterns.dfa_bytes()
        );
        assert!(patterns.len() < 200, "{}", patterns.len());
        assert!(patterns.dfa_bytes() < 4 << 20, "{}", patterns.dfa_bytes());
        Both { by_id }
    })
}

fn compare(id: &str, def_id: &str, doc: &Value, diffs: &mut Vec<String>) -> bool {
    let (p, v) = &both().by_id[def_id];
    let (a, ea) = ours(p, doc);
    let (b, eb) = theirs(v, doc);
    if a != b || ea != eb || a != ea.is_empty() {
        diffs.push(format!(
            "{id}: verdict ours {a} jsonschema {b}; only ours {:?}; only jsonschema {:?}",
            ea.difference(&eb).collect::<Vec<_>>(),
            eb.difference(&ea).collect::<Vec<_>>()
        ));
    }
    a
}

#[test]
fn same_verdict_and_errors_as_jsonschema_on_every_generated_case() {
    let cases = all_cases(release());
    assert!(cases.len() > 263 * 8, "only {} cases", cases.len());
    let mut diffs = Vec::new();
    let mut invalid = 0;
    for c in &cases {
        let def = release()
            .get_version(&c.oid, c.version.parse().expect("date"))
            .expect("definition");
        if !compare(&c.id, &def.id.to_string(), &c.document, &mut diffs) {
            invalid += 1;
        }
    }
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
    // The set is not trivial: both verdicts occur in numbers.
    assert!(
        invalid > 1000 && invalid < cases.len() - 263,
        "{invalid} of {} invalid",
        cases.len()
    );
}

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

/// Every value's pointer in a document.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(c, push(&at, k), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// Values that probe each keyword's edges: types, 1 vs 1.0, code points, patterns.
fn odd_value(rng: &mut Rng) -> Value {
    let pool = [
        json!(null),
        json!(true),
        json!(1),
        json!(1.0),
        json!(-2.5),
        json!(""),
        json!("ä"),
        json!("😀😀"),
        json!("2024-02-30"),
        json!("2024-13"),
        json!("-2024"),
        json!("2024-01-01T25:00:00Z"),
        json!("urn:oid:1.2.246.537.6.12.2002"),
        json!("x\n"),
        json!("٣"),
        json!([]),
        json!([{}]),
        json!({}),
        json!({"x": 1}),
    ];
    pool[rng.below(pool.len())].clone()
}

fn mutate(doc: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let at = all[rng.below(all.len())].clone();
    let Some(target) = doc.pointer_mut(&at) else {
        return;
    };
    match (rng.below(5), target) {
        (0, Value::Object(m)) if !m.is_empty() => {
            let k = m
                .keys()
                .nth(rng.below(m.len()))
                .cloned()
                .unwrap_or_default();
            m.shift_remove(&k);
        }
        (1, Value::Object(m)) => {
            let key = ["extra", "tunniste", "a/b", "~"][rng.below(4)];
            m.insert(key.to_string(), odd_value(rng));
        }
        (2, Value::Array(a)) => {
            if a.is_empty() {
                a.push(Value::Object(Map::new()));
            } else {
                a.truncate(rng.below(a.len()));
            }
        }
        (_, target) => *target = odd_value(rng),
    }
}

#[test]
fn same_verdict_and_errors_as_jsonschema_on_random_mutants() {
    let mut rng = Rng(0x5EED_0FD1_A1EC_0007);
    let mut diffs = Vec::new();
    let mut docs = 0;
    for def in release().definitions() {
        let sample = sosmeta_model::samples::maximal(def);
        for _ in 0..12 {
            let mut doc = sample.clone();
            for _ in 0..=rng.below(3) {
                mutate(&mut doc, &mut rng);
            }
            compare(
                &format!("{}#{docs}", def.id),
                &def.id.to_string(),
                &doc,
                &mut diffs,
            );
            docs += 1;
        }
    }
    assert!(docs > 3000, "{docs}");
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

#[test]
fn schema_findings_are_the_dialect_errors_and_schema_is_valid_agrees() {
    let validator = Validator::new(release().clone());
    let mut checked = 0;
    for c in all_cases(release()).iter().step_by(7) {
        let def = validator
            .release()
            .get_version(&c.oid, c.version.parse().expect("date"))
            .expect("definition");
        let (valid, errors) = ours(&both().by_id[&def.id.to_string()].0, &c.document);
        assert_eq!(
            validator.schema_is_valid(def, &c.document),
            Some(valid),
            "{}",
            c.id
        );
        let opts = ValidateOptions {
            definition: Some(def.id.clone()),
            rules: false,
            ..ValidateOptions::default()
        };
        let result = validator.validate_value(&c.id, &c.document, &opts);
        let findings: ErrorSet = result
            .findings
            .iter()
            .filter(|f| f.rule.as_str().starts_with("schema."))
            .map(|f| {
                let keyword = match f.rule.as_str() {
                    "schema.required" => "required",
                    "schema.additional-properties" => "additionalProperties",
                    "schema.type" => "type",
                    "schema.pattern" => "pattern",
                    "schema.enum" => "enum",
                    "schema.min-length" => "minLength",
                    "schema.min-items" => "minItems",
                    other => other,
                };
                (f.pointer.clone(), keyword.to_string())
            })
            .collect();
        assert_eq!(findings, errors, "{}: {:?}", c.id, result.findings);
        assert!(
            result.findings.iter().all(|f| !f.message.is_empty()),
            "{}",
            c.id
        );
        checked += 1;
    }
    assert!(checked > 300, "{checked}");
}
