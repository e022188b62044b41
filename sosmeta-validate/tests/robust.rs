//! No input makes the validator panic: arbitrary bytes, arbitrary JSON, and valid
//! documents with random values spliced in all end in a report.

use proptest::prelude::*;
use serde_json::Value;
use sosmeta_model::samples;
use sosmeta_validate::{Severity, ValidateOptions, Validator};
use std::sync::OnceLock;

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::from_static(sosmeta_generated::embedded_release()))
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z0-9:.\\-T+ ]{0,12}".prop_map(Value::String),
        Just(Value::String("2023-02-30".into())),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let r = validator().validate_bytes("fuzz", &bytes, &ValidateOptions::default());
        // Arbitrary bytes are never a valid document.
        prop_assert!(!r.valid);
        prop_assert!(r.counts.errors > 0);
    }

    #[test]
    fn spliced_documents_never_panic(def_ix in 0usize..263, path_ix in any::<prop::sample::Index>(), v in json_value()) {
        let defs = validator().release().definitions();
        let def = &defs[def_ix % defs.len()];
        let mut doc = samples::maximal(def);
        let pointers: Vec<String> = def
            .document()
            .walk()
            .map(|w| format!("/{}{}", def.document_key(), w.data_path.replace("/*", "/0")))
            .filter(|p| doc.pointer(p).is_some())
            .collect();
        let p = path_ix.get(&pointers).clone();
        *doc.pointer_mut(&p).unwrap() = v;
        let r = validator().validate_value("spliced", &doc, &ValidateOptions::default());
        let text = serde_json::to_string(&doc).unwrap();
        let r2 = validator().validate_bytes("spliced", text.as_bytes(), &ValidateOptions::default());
        prop_assert_eq!(r.valid, r2.valid);
        prop_assert!(r.findings.iter().all(|f| f.severity != Severity::Error || !r.valid));
    }
}

#[test]
fn a_document_with_hundreds_of_thousands_of_findings_reports_them_all() {
    // 200,000 empty items in a repeatable group: every item misses its required members.
    // Findings are counted exactly and the run stays linear (no per-pair comparison of
    // schema and rule findings); no time is asserted.
    let v = validator();
    let def = v
        .release()
        .get_version("1.2.246.537.6.1505.1", "2023-06-01".parse().unwrap())
        .unwrap();
    let group = def
        .element_at("/asiakkuusasiakirja/palvelunjarjestajan_palveluyksikko")
        .expect("the group");
    let item = group.items.as_deref().expect("a repeatable group");
    let per_item = item.required.as_ref().map_or(0, Vec::len);
    assert!(per_item > 0);
    let n = 200_000;
    let mut doc = samples::minimal(def);
    doc["asiakkuusasiakirja"]["palvelunjarjestajan_palveluyksikko"] =
        serde_json::Value::Array(vec![serde_json::json!({}); n]);
    let bytes = serde_json::to_vec(&doc).unwrap();
    let opts = ValidateOptions {
        max_findings: 10,
        ..ValidateOptions::default()
    };
    let r = v.validate_bytes("many.json", &bytes, &opts);
    assert!(!r.valid);
    assert_eq!(r.findings.len(), 10);
    let required = r.counts.errors;
    assert_eq!(required, n * per_item, "{:?}", r.counts);
    assert_eq!(
        r.omitted + r.findings.len(),
        r.counts.errors + r.counts.warnings + r.counts.infos
    );
}
