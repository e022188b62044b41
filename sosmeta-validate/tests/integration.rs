//! The validator with `--on`/`--env`, and a release bundle with koodistot.

use serde_json::{json, Value};
use sosmeta_model::{samples, Definition, Element, Kind, Release, Representation};
use sosmeta_validate::calendar::Environment;
use sosmeta_validate::{InputKind, ValidateOptions, Validator};

const LAUSUNTOPYYNTO: &str = "1.2.246.537.6.1506.10013";

#[test]
fn a_json_view_is_not_a_content_document_and_the_message_says_so() {
    let v = Validator::from_static(sosmeta_generated::embedded_release());
    let def = v
        .release()
        .get_version(LAUSUNTOPYYNTO, "2025-04-01".parse().unwrap())
        .unwrap();
    let doc = json!({"metadata": {"id": {"root": "1.2.3"}}, "content": samples::minimal(def)});
    let r = v.validate_value("view.json", &doc, &ValidateOptions::default());
    assert_eq!(r.input, InputKind::Document);
    assert!(!r.valid);
    assert_eq!(r.findings[0].rule, "document.root");
    assert!(
        r.findings[0].message.contains("ArchiveValidator"),
        "{}",
        r.findings[0].message
    );

    // A plain document says it is one.
    let plain = v.validate_value(
        "plain.json",
        &samples::minimal(def),
        &ValidateOptions::default(),
    );
    assert_eq!(plain.input, InputKind::Document);
    assert!(plain.valid, "{:?}", plain.findings);
}

#[test]
fn on_and_env_check_plain_documents_against_the_calendar() {
    let v = Validator::from_static(sosmeta_generated::embedded_release());
    let def = v
        .release()
        .get_version(LAUSUNTOPYYNTO, "2025-04-01".parse().unwrap())
        .unwrap();
    let doc = samples::minimal(def);
    let opts = |on: &str| ValidateOptions {
        on: Some(on.parse().unwrap()),
        environment: Some(Environment::Tu),
        ..ValidateOptions::default()
    };
    let r = v.validate_value("d.json", &doc, &opts("2025-04-16"));
    assert!(!r.valid);
    assert!(r
        .findings
        .iter()
        .any(|f| f.rule == "calendar.not-yet-supported" && f.message.contains("17.4.2025")));
    let r = v.validate_value("d.json", &doc, &opts("2025-04-17"));
    assert!(r.valid, "{:?}", r.findings);
}

/// A Koodi element with a classification OID whose `code` has no enum, and its data path.
fn free_koodi(def: &Definition) -> Option<(String, &Element)> {
    def.document().walk().find_map(|w| {
        let el = w.element;
        (el.kind == Kind::Object
            && el.representation() == Some(Representation::Koodi)
            && el.classification_oids().len() == 1
            && el.accepted_values().is_empty()
            && el.value_set().is_none()
            && el.child("code").is_some_and(|c| c.enum_values.is_none())
            && !w.data_path.contains('*'))
        .then(|| (w.data_path.clone(), el))
    })
}

#[test]
fn koodistot_in_the_bundle_check_codes_and_their_dates() {
    let embedded = sosmeta_generated::embedded_release();
    let (def, path, el) = embedded
        .definitions()
        .iter()
        .filter(|d| d.status() == &sosmeta_model::Status::Valmis)
        .find_map(|d| free_koodi(d).map(|(p, e)| (d, p, e)))
        .expect("a Koodi with a classification and free codes");
    let oid = el.classification_oids()[0].to_string();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("Valmis")).unwrap();
    std::fs::create_dir_all(dir.path().join("koodistot")).unwrap();
    std::fs::write(
        dir.path()
            .join("Valmis")
            .join(format!("{}.json", def.id.dotted())),
        serde_json::to_vec(&def.to_json_schema()).unwrap(),
    )
    .unwrap();
    let set = json!({
        "format": "sosmeta-koodisto/1",
        "oid": oid,
        "codes": [
            {"code": "1", "names": {"fi": "Koodi 1"}},
            {"code": "2", "expirationDate": "2020-12-31", "names": {"fi": "Vanha"}}
        ]
    });
    std::fs::write(
        dir.path().join("koodistot").join(format!("{oid}.json")),
        serde_json::to_vec(&set).unwrap(),
    )
    .unwrap();
    let v = Validator::load(dir.path()).unwrap();
    assert!(v.code_sets().is_some());
    assert!(v.notes().is_empty());

    let mut doc = samples::maximal(def);
    let set_code = |doc: &mut Value, code: &str, display: &str| {
        let mut target = &mut *doc;
        for token in format!("/{}{path}", def.document_key()).split('/').skip(1) {
            target = &mut target[token];
        }
        target["code"] = json!(code);
        target["display"] = json!(display);
    };
    set_code(&mut doc, "1", "Koodi 1");
    let ok = v.validate_value("ok.json", &doc, &ValidateOptions::default());
    assert!(
        !ok.findings
            .iter()
            .any(|f| f.rule.as_str().starts_with("code.")),
        "{:?}",
        ok.findings
    );

    set_code(&mut doc, "99", "Koodi 1");
    let r = v.validate_value("bad.json", &doc, &ValidateOptions::default());
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "code.classification" && f.message.contains(&oid)),
        "{:?}",
        r.findings
    );
    assert!(!r.valid);

    // Expired: an error on the document's stated date, a warning when checked against today.
    set_code(&mut doc, "2", "Vanha");
    let stated = ValidateOptions {
        on: Some("2024-01-01".parse().unwrap()),
        ..ValidateOptions::default()
    };
    let r = v.validate_value("old.json", &doc, &stated);
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "code.active")
        .expect("code.active");
    assert_eq!(f.severity, sosmeta_validate::Severity::Error);
    let r = v.validate_value("old.json", &doc, &ValidateOptions::default());
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "code.active")
        .expect("code.active");
    assert_eq!(f.severity, sosmeta_validate::Severity::Warning);

    set_code(&mut doc, "1", "Väärä nimi");
    let r = v.validate_value("display.json", &doc, &ValidateOptions::default());
    assert!(
        r.findings.iter().any(|f| f.rule == "code.display"),
        "{:?}",
        r.findings
    );

    // Without koodistot the rules are skipped and the validator says so once.
    let plain = Validator::new(Release::load(dir.path().join("Valmis")).unwrap());
    assert_eq!(plain.notes().len(), 1);
    set_code(&mut doc, "99", "x");
    let r = plain.validate_value("x.json", &doc, &ValidateOptions::default());
    assert!(!r.findings.iter().any(|f| f.rule == "code.classification"));
}
