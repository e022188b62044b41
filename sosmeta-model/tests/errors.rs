//! Bad input gets a typed error naming the file and JSON pointer, never a panic.

use proptest::prelude::*;
use serde_json::{json, Value};
use sosmeta_model::{Definition, LoadError, Release};

fn minimal_schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "t",
        "type": "object",
        "additionalProperties": false,
        "sosmeta": {
            "title": "t",
            "status": "Valmis",
            "documentDefinitionVersion": "2023-06-01",
            "dataComponentLibraryVersion": "2025-02-27R04",
            "oid": "1.2.246.537.6.9999.2023.6.1",
            "documentType": "Arvio",
        },
        "required": ["doc"],
        "properties": {
            "doc": {
                "type": "object",
                "additionalProperties": false,
                "sosmeta": {"name": [{"lang": "fi", "value": "Asiakirja"}], "rowNumber": 0, "futureFlag": 1},
                "required": [],
                "properties": {
                    "teksti": {"type": "string", "minLength": 1, "x-vendor": true,
                        "sosmeta": {"representation": [{"lang": "fi", "value": "Uusiesitys"}]}}
                }
            }
        }
    })
}

fn read(v: &Value) -> Result<Definition, LoadError> {
    Definition::from_json_bytes("test.json", &serde_json::to_vec(v).unwrap())
}

#[test]
fn a_minimal_schema_loads_keeps_unknown_keys_and_round_trips() {
    let v = minimal_schema();
    let d = read(&v).unwrap();
    assert_eq!(d.oid(), "1.2.246.537.6.9999");
    assert_eq!(d.data_component_library_version(), Some("2025-02-27R04"));
    let teksti = d.document().child("teksti").unwrap();
    assert_eq!(teksti.extra["x-vendor"], json!(true));
    assert_eq!(
        teksti.representation(),
        Some(sosmeta_model::Representation::Other("Uusiesitys".into()))
    );
    assert_eq!(
        d.document().sosmeta.as_ref().unwrap().extra["futureFlag"],
        json!(1)
    );
    assert_eq!(d.to_json_schema(), v);
}

#[test]
fn invalid_json_names_line_and_column() {
    let err = Definition::from_json_bytes("bad.json", b"{\n  \"a\": 1,\n}").unwrap_err();
    match err {
        LoadError::InvalidJson { file, line, .. } => {
            assert_eq!(file, "bad.json");
            assert_eq!(line, 3);
        }
        other => panic!("{other}"),
    }
}

#[test]
fn latin1_is_recognised() {
    let mut bytes = serde_json::to_vec(&minimal_schema()).unwrap();
    let text = String::from_utf8(bytes.clone())
        .unwrap()
        .replace("Asiakirja", "Päätös");
    bytes = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let err = Definition::from_json_bytes("latin1.json", &bytes).unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::NotUtf8 {
                latin1_likely: true,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("Latin-1"));
}

#[test]
fn keyword_outside_the_dialect() {
    let mut v = minimal_schema();
    v["properties"]["doc"]["properties"]["teksti"]["$ref"] = json!("#/definitions/x");
    match read(&v).unwrap_err() {
        LoadError::UnsupportedKeyword {
            pointer, keyword, ..
        } => {
            assert_eq!(pointer, "/properties/doc/properties/teksti");
            assert_eq!(keyword, "$ref");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn oid_and_version_must_agree() {
    let mut v = minimal_schema();
    v["sosmeta"]["documentDefinitionVersion"] = json!("2024-01-01");
    let err = read(&v).unwrap_err();
    assert!(matches!(err, LoadError::OidVersionMismatch { .. }), "{err}");
    assert!(err.to_string().contains("2024.1.1"), "{err}");
}

#[test]
fn wrong_types_name_the_pointer() {
    let mut v = minimal_schema();
    v["properties"]["doc"]["sosmeta"]["rowNumber"] = json!("1");
    match read(&v).unwrap_err() {
        LoadError::WrongType { pointer, .. } => {
            assert_eq!(pointer, "/properties/doc/sosmeta/rowNumber")
        }
        other => panic!("{other}"),
    }
    let mut v = minimal_schema();
    v["properties"]["doc"]["sosmeta"]["name"] = json!([{"lang": "fi"}]);
    match read(&v).unwrap_err() {
        LoadError::WrongType { pointer, .. } => {
            assert_eq!(pointer, "/properties/doc/sosmeta/name/0")
        }
        other => panic!("{other}"),
    }
    let mut v = minimal_schema();
    v["properties"]["doc"]["properties"]["teksti"]["type"] = json!(["string", "null"]);
    assert!(matches!(read(&v).unwrap_err(), LoadError::WrongType { .. }));
    let mut v = minimal_schema();
    v["sosmeta"].as_object_mut().unwrap().remove("oid");
    assert!(matches!(
        read(&v).unwrap_err(),
        LoadError::Missing { member: "oid", .. }
    ));
}

#[test]
fn duplicates_in_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = serde_json::to_vec(&minimal_schema()).unwrap();
    std::fs::write(dir.path().join("a.json"), &bytes).unwrap();
    std::fs::write(dir.path().join("b.json"), &bytes).unwrap();
    let err = Release::load(dir.path()).unwrap_err();
    assert!(matches!(err, LoadError::Duplicate { .. }), "{err}");
    assert!(err.to_string().contains("a.json") && err.to_string().contains("b.json"));
}

#[test]
fn corrupt_zip_and_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("all_sosmeta_schemas_2025-05-20.zip");
    std::fs::write(&zip, b"PK\x03\x04 this is not a zip").unwrap();
    assert!(matches!(
        Release::load(&zip).unwrap_err(),
        LoadError::Zip { .. }
    ));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(matches!(
        Release::load(&empty).unwrap_err(),
        LoadError::Empty { .. }
    ));
    assert!(matches!(
        Release::load(dir.path().join("missing")).unwrap_err(),
        LoadError::Io { .. }
    ));
    let gz = dir.path().join("bad.json.gz");
    std::fs::write(&gz, [0x1f, 0x8b, 0, 1, 2]).unwrap();
    assert!(matches!(
        Release::load(&gz).unwrap_err(),
        LoadError::Compact { .. }
    ));
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z$]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("object"),
            Just("array"),
            Just("string"),
            Just("Valmis"),
            Just("1.2.246.537.6.9999.2023.6.1"),
            Just("2023-06-01"),
            Just("fi")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("type".to_string()),
            Just("properties".to_string()),
            Just("items".to_string()),
            Just("sosmeta".to_string()),
            Just("required".to_string()),
            Just("name".to_string()),
            Just("lang".to_string()),
            Just("value".to_string()),
            Just("oid".to_string()),
            Just("status".to_string()),
            Just("documentDefinitionVersion".to_string()),
            Just("rowNumber".to_string()),
            Just("enum".to_string()),
            "[a-z]{1,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replace the value at a random position of the corpus-like schema.
fn mutate(v: &mut Value, path: &[usize], replacement: Value) {
    match path.split_first() {
        None => *v = replacement,
        Some((&i, rest)) => match v {
            Value::Object(m) if !m.is_empty() => {
                let k = m.keys().nth(i % m.len()).unwrap().clone();
                mutate(m.get_mut(&k).unwrap(), rest, replacement)
            }
            Value::Array(a) if !a.is_empty() => {
                let n = a.len();
                mutate(&mut a[i % n], rest, replacement)
            }
            _ => *v = replacement,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = Definition::from_json_bytes("fuzz.json", &bytes);
        let _ = Release::from_zip_bytes("fuzz.zip", &bytes);
        let _ = sosmeta_model::compact::from_bytes("fuzz.gz", &bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        if let Ok(d) = Definition::from_json_value("fuzz.json", &v) {
            // Whatever loads, writes back equal and walks without panicking.
            prop_assert_eq!(d.to_json_schema(), v);
            let _ = d.document().walk().count();
        }
    }

    #[test]
    fn mutated_schemas_never_panic(path in prop::collection::vec(any::<usize>(), 1..6), replacement in arb_json()) {
        let mut v = minimal_schema();
        mutate(&mut v, &path, replacement);
        if let Ok(d) = read(&v) {
            prop_assert_eq!(d.to_json_schema(), v);
            for w in d.document().walk() {
                std::hint::black_box((w.element.value_set(), w.element.representation()));
            }
        }
    }
}
