//! Sample documents are valid against the raw corpus schemas (jsonschema, draft-07).

use sosmeta_model::{corpus::pinned_corpus_dir, samples, Release};

#[test]
fn minimal_and_maximal_samples_are_schema_valid_for_all_263() {
    let release = Release::load(pinned_corpus_dir()).expect("pinned corpus loads");
    assert_eq!(release.len(), 263);
    let mut failures = Vec::new();
    for def in release.definitions() {
        let raw_path = pinned_corpus_dir().join(def.source.as_deref().unwrap());
        let raw: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&raw_path).unwrap()).unwrap();
        let validator = jsonschema::draft7::new(&raw).expect("schema compiles");
        for (label, doc) in [
            ("minimal", samples::minimal(def)),
            ("maximal", samples::maximal(def)),
        ] {
            let errors: Vec<String> = validator
                .iter_errors(&doc)
                .take(3)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            if !errors.is_empty() {
                failures.push(format!("{} {label}: {errors:?}", def.id));
            }
        }
        assert_ne!(samples::minimal(def), samples::maximal(def), "{}", def.id);
    }
    assert!(
        failures.is_empty(),
        "{} invalid samples:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
