//! The validator with envelopes, `--on`/`--env`, and a release bundle with koodistot.

use serde_json::{json, Value};
use sosmeta_model::{samples, Definition, Element, Kind, Release, Representation};
use sosmeta_validate::metadata::calendar::Environment;
use sosmeta_validate::{InputKind, ValidateOptions, Validator};
use std::process::Command;

const LAUSUNTOPYYNTO: &str = "1.2.246.537.6.1506.10013";

fn envelope(def: &Definition, content: Value) -> Value {
    json!({
        "metadata": {
            "definition": {"oid": def.oid(), "version": def.version().to_string()},
            "environment": "AT",
            "created": "2025-04-09T09:00:00+03:00",
            "stored": "2025-04-09T10:00:00+03:00",
            "phase": 2,
            "recorder": {"givenNames": "Maija", "familyName": "Meikäläinen"},
            "serviceProvider": {"oid": "1.2.246.10.1234567", "sector": "private"},
            "register": {"kind": "provider"},
            "serviceTask": {"system": "urn:oid:1.2.246.537.6.1271", "code": "01"},
            "format": "JSON"
        },
        "content": content
    })
}

#[test]
fn envelopes_run_metadata_and_content_rules_with_content_pointers() {
    let v = Validator::embedded();
    let def = v
        .release()
        .get_version(LAUSUNTOPYYNTO, "2025-04-01".parse().unwrap())
        .unwrap();
    let mut content = samples::minimal(def);
    // Break the content: an unknown member inside the document element.
    content[def.document_key()]["tuntematon"] = json!(1);
    let doc = envelope(def, content);
    let r = v.validate_value("env.json", &doc, &ValidateOptions::default());
    assert_eq!(r.input, InputKind::Envelope);
    assert!(!r.valid);
    let rules: Vec<(&str, &str)> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.pointer.as_str()))
        .collect();
    assert!(
        rules.contains(&("meta.definition.not-yet-supported", "/metadata/definition")),
        "{rules:?}"
    );
    assert!(
        rules.contains(&(
            "meta.joining-model.missing",
            "/metadata/serviceProvider/joiningModel"
        )),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("meta.recorder.not-author", "/metadata/recorder")),
        "{rules:?}"
    );
    let extra = format!("/content/{}", def.document_key());
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "schema.additional-properties" && f.pointer.starts_with(&extra)),
        "{rules:?}"
    );
    assert_eq!(r.definition.as_deref(), Some(LAUSUNTOPYYNTO));
    assert_eq!(r.version.as_deref(), Some("2025-04-01"));

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
    let v = Validator::embedded();
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
        .any(|f| f.rule == "meta.definition.not-yet-supported" && f.message.contains("17.4.2025")));
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
        !ok.findings.iter().any(|f| f.rule.starts_with("code.")),
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

#[test]
fn cli_json_reports_input_kind_and_notes_once() {
    let v = Validator::embedded();
    let def = v
        .release()
        .get_version(LAUSUNTOPYYNTO, "2025-04-01".parse().unwrap())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env_path = dir.path().join("envelope.json");
    std::fs::write(
        &env_path,
        serde_json::to_vec(&envelope(def, samples::minimal(def))).unwrap(),
    )
    .unwrap();
    let doc_path = dir.path().join("plain.json");
    std::fs::write(
        &doc_path,
        serde_json::to_vec(&samples::minimal(def)).unwrap(),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["validate", "-f", "json"])
        .arg(&env_path)
        .arg(&doc_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["results"][0]["input"], "envelope");
    assert_eq!(report["results"][1]["input"], "document");
    assert_eq!(report["notes"].as_array().unwrap().len(), 1);

    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["validate", "--on", "2025-04-09", "--env", "AT"])
        .arg(&doc_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("meta.definition.not-yet-supported"), "{text}");
    assert_eq!(text.matches("note:").count(), 1, "{text}");

    // --on without --env is a usage error.
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["validate", "--on", "2025-04-09"])
        .arg(&doc_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cli_diff_reports_changes_between_releases() {
    let corpus = sosmeta_model::corpus::pinned_corpus_dir();
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["diff", "--format", "markdown", "--fail-on-breaking"])
        .arg(corpus.join("Vanhentunut"))
        .arg(corpus.join("Valmis"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("breaking"), "{md}");
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["diff"])
        .arg(corpus.join("Valmis"))
        .arg(corpus.join("Valmis"))
        .args(["--fail-on-breaking"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn cli_render_matches_the_renderer_for_documents_and_envelopes() {
    let v = Validator::embedded();
    let def = v
        .release()
        .get_version(LAUSUNTOPYYNTO, "2025-04-01".parse().unwrap())
        .unwrap();
    let doc = samples::maximal(def);
    let dir = tempfile::tempdir().unwrap();
    let doc_path = dir.path().join("doc.json");
    std::fs::write(&doc_path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let env_path = dir.path().join("envelope.json");
    std::fs::write(
        &env_path,
        serde_json::to_vec(&envelope(def, doc.clone())).unwrap(),
    )
    .unwrap();
    for lang in ["fi", "sv"] {
        let expected = sosmeta_xhtml::render(def, &doc, lang.parse().unwrap()).unwrap();
        for path in [&doc_path, &env_path] {
            let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
                .args(["render", "--lang", lang])
                .arg(path)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
        }
    }
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, b"{\"ei_tunnettu\": {}}").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["render"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ei_tunnettu"));
}
