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
