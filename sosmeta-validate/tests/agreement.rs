//! Agreement with an independent oracle: Python `jsonschema`'s Draft7Validator, reading
//! the raw corpus schemas itself, labels every generated case; our schema layer must give
//! the same verdict on every case, and our Sosmeta rules must flag the semantic-only
//! mutants that Draft 7 accepts. Needs `python3` with `jsonschema` (CI installs it).

use sosmeta_model::corpus::pinned_corpus_dir;
use sosmeta_model::Release;
use sosmeta_validate::cases::{all_cases, Case};
use sosmeta_validate::{Severity, ValidateOptions, Validator};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::process::Command;

fn oracle(cases: &[Case]) -> HashMap<String, bool> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cases.ndjson");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    for c in cases {
        let line = serde_json::json!({"id": c.id, "dotted": c.dotted, "document": c.document});
        serde_json::to_writer(&mut f, &line).expect("write");
        writeln!(f).expect("write");
    }
    f.flush().expect("flush");
    drop(f);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/draft7.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(pinned_corpus_dir())
        .arg(&path)
        .output()
        .expect("python3 must be installed (with `pip install jsonschema`)");
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let (id, verdict) = l.split_once('\t').expect("id<TAB>verdict");
            (id.to_string(), verdict == "valid")
        })
        .collect()
}

#[test]
fn schema_layer_agrees_with_python_draft7_and_rules_catch_the_rest() {
    let release = Release::load(pinned_corpus_dir()).expect("pinned corpus in ../shared");
    let cases = all_cases(&release);
    assert!(cases.len() > 263 * 8, "only {} cases", cases.len());
    let verdicts = oracle(&cases);
    assert_eq!(verdicts.len(), cases.len(), "oracle answered every case");
    let validator = Validator::new(release);
    let mut disagreements = Vec::new();
    let mut missed = Vec::new();
    let mut false_alarms = Vec::new();
    let mut semantic_checked: BTreeMap<&str, usize> = BTreeMap::new();
    let mut invalid_by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &cases {
        let def = validator
            .release()
            .get_version(&c.oid, c.version.parse().expect("date"))
            .expect("definition");
        let theirs = verdicts[&c.id];
        let ours = validator
            .schema_is_valid(def, &c.document)
            .expect("schema compiles");
        if ours != theirs {
            disagreements.push(format!("{}: ours {ours}, python {theirs}", c.id));
        }
        let opts = ValidateOptions {
            definition: Some(def.id.clone()),
            ..ValidateOptions::default()
        };
        let result = validator.validate_value(&c.id, &c.document, &opts);
        let has_schema_error = result
            .findings
            .iter()
            .any(|f| f.rule.as_str().starts_with("schema.") && f.severity == Severity::Error);
        if has_schema_error == ours {
            disagreements.push(format!(
                "{}: is_valid {ours} but schema findings {:?}",
                c.id, result.findings
            ));
        }
        if !theirs {
            *invalid_by_kind.entry(c.kind.as_str()).or_default() += 1;
        }
        match (c.kind.as_str(), theirs, c.semantic_rule) {
            ("minimal" | "maximal", _, _) if !result.valid => {
                false_alarms.push(format!("{}: {:?}", c.id, result.findings));
            }
            ("minimal" | "maximal", _, _) => {}
            (_, true, Some(rule)) => {
                *semantic_checked.entry(rule.as_str()).or_default() += 1;
                if !result
                    .findings
                    .iter()
                    .any(|f| f.rule == rule && f.pointer == c.pointer)
                {
                    missed.push(format!(
                        "{} ({rule} at {}): {:?}",
                        c.id, c.pointer, result.findings
                    ));
                }
            }
            _ => {}
        }
    }
    eprintln!(
        "{} cases; semantic-only mutants checked per rule: {semantic_checked:?}; schema-invalid per kind: {invalid_by_kind:?}",
        cases.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert!(
        false_alarms.is_empty(),
        "valid samples flagged:\n{}",
        false_alarms.join("\n")
    );
    assert!(
        missed.is_empty(),
        "semantic mutants missed:\n{}",
        missed.join("\n")
    );
    // code.value-set is not reachable here: in the pinned corpus every Koodi whose
    // codes are known also has a schema `enum` (tests/rules.rs covers it on a definition
    // without one).
    for rule in ["date.calendar", "hetu.checksum"] {
        assert!(
            semantic_checked.get(rule).copied().unwrap_or(0) > 0,
            "no semantic-only mutant exercised {rule}"
        );
    }
    for kind in [
        "missing-required",
        "unknown-field",
        "wrong-type",
        "bad-date",
        "empty-array",
    ] {
        assert!(
            invalid_by_kind.get(kind).copied().unwrap_or(0) > 100,
            "{kind}: {invalid_by_kind:?}"
        );
    }
}
