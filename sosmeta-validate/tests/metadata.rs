//! Metadata rules on envelopes the tests build, including the edge dates.

use serde_json::{json, Value};
use sosmeta_model::{samples, Definition, Release};
use sosmeta_validate::metadata::calendar::{Calendar, Environment};
use sosmeta_validate::metadata::{authors, check_calendar, check_envelope, rules};
use sosmeta_validate::Severity;

const LAUSUNTOPYYNTO: &str = "1.2.246.537.6.1506.10013"; // Valmis 2025-04-01, Vanhentunut 2023-09-08
const ASIAKKUUS: &str = "1.2.246.537.6.1505.1"; // no laatija element

fn release() -> &'static Release {
    sosmeta_generated::embedded_release()
}

fn def(oid: &str, version: &str) -> &'static Definition {
    release()
        .get_version(oid, version.parse().unwrap())
        .unwrap_or_else(|| panic!("{oid}@{version} in the embedded release"))
}

/// Content whose every laatija is Maija Meikäläinen.
fn content(d: &Definition) -> Value {
    let mut doc = samples::minimal(d);
    set_authors(&mut doc, &["Maija Meikäläinen"]);
    doc
}

fn set_authors(doc: &mut Value, names: &[&str]) {
    fn walk(v: &mut Value, names: &[&str]) {
        match v {
            Value::Object(o) => {
                for (k, child) in o.iter_mut() {
                    if k == "laatija" {
                        let template = match &*child {
                            Value::Array(a) => a[0].clone(),
                            other => other.clone(),
                        };
                        let people: Vec<Value> = names
                            .iter()
                            .map(|n| {
                                let (g, f) = n.split_once(' ').unwrap();
                                let mut p = template.clone();
                                p["etunimet"] = json!(g);
                                p["sukunimi"] = json!(f.trim());
                                p
                            })
                            .collect();
                        let repeated = child.is_array();
                        *child = if repeated {
                            Value::Array(people)
                        } else {
                            people[0].clone()
                        };
                    } else {
                        walk(child, names);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, names)),
            _ => {}
        }
    }
    walk(doc, names)
}

fn metadata(oid: &str, version: &str) -> Value {
    json!({
        "definition": {"oid": oid, "version": version},
        "environment": "TU",
        "created": "2025-09-01T09:00:00+03:00",
        "stored": "2025-09-01T10:00:00+03:00",
        "phase": 2,
        "recorder": {"givenNames": "Maija", "familyName": "Meikäläinen"},
        "serviceProvider": {"oid": "1.2.246.10.1234567.10.1", "sector": "public"},
        "register": {"kind": "provider"},
        "serviceTask": {"system": "urn:oid:1.2.246.537.6.1271", "code": "01", "display": "Sosiaalipalvelut"},
        "format": "JSON"
    })
}

fn ids(meta: &Value, content: &Value) -> Vec<(sosmeta_validate::Rule, Severity)> {
    check_envelope(release(), &Calendar::embedded(), meta, content)
        .findings
        .iter()
        .map(|f| (f.rule, f.severity))
        .collect()
}

fn rules_of(meta: &Value, content: &Value) -> Vec<sosmeta_validate::Rule> {
    ids(meta, content).into_iter().map(|(r, _)| r).collect()
}

#[test]
fn a_correct_envelope_has_no_findings() {
    let d = def(LAUSUNTOPYYNTO, "2025-04-01");
    let meta = metadata(LAUSUNTOPYYNTO, "2025-04-01");
    let check = check_envelope(release(), &Calendar::embedded(), &meta, &content(d));
    assert_eq!(
        check.definition.map(|d| d.id.to_string()),
        Some(d.id.to_string())
    );
    assert!(check.findings.is_empty(), "{:?}", check.findings);
}

#[test]
fn unknown_definition_and_mismatched_content() {
    let d = def(LAUSUNTOPYYNTO, "2025-04-01");
    let meta = metadata(LAUSUNTOPYYNTO, "2024-01-01");
    let f = check_envelope(release(), &Calendar::embedded(), &meta, &content(d)).findings;
    assert_eq!(f[0].rule, rules::DEFINITION_UNKNOWN);
    assert!(
        f[0].message.contains("2025-04-01") && f[0].message.contains("2023-09-08"),
        "{}",
        f[0].message
    );

    let other = samples::minimal(def(ASIAKKUUS, "2023-06-01"));
    let meta = metadata(LAUSUNTOPYYNTO, "2025-04-01");
    assert!(rules_of(&meta, &other).contains(&rules::DEFINITION_MISMATCH));
}

#[test]
fn not_yet_supported_until_the_support_day() {
    // The 2025 March publication: AT 10.4.2025, TU 17.4.2025.
    let d = def(LAUSUNTOPYYNTO, "2025-04-01");
    let c = content(d);
    for (env, before, on) in [
        ("AT", "2025-04-09", "2025-04-10"),
        ("TU", "2025-04-16", "2025-04-17"),
    ] {
        let mut meta = metadata(LAUSUNTOPYYNTO, "2025-04-01");
        meta["environment"] = json!(env);
        meta["stored"] = json!(format!("{before}T23:59:59+03:00"));
        let f = check_envelope(release(), &Calendar::embedded(), &meta, &c).findings;
        let hit = f
            .iter()
            .find(|f| f.rule == rules::DEFINITION_NOT_YET_SUPPORTED)
            .expect(env);
        assert_eq!(hit.severity, Severity::Error);
        let expected = if env == "AT" {
            "10.4.2025"
        } else {
            "17.4.2025"
        };
        assert!(hit.message.contains(expected), "{}", hit.message);
        meta["stored"] = json!(format!("{on}T00:00:01+03:00"));
        assert!(
            !rules_of(&meta, &c).contains(&rules::DEFINITION_NOT_YET_SUPPORTED),
            "{env} {on}"
        );
    }
}

#[test]
fn versions_after_the_last_known_publication_need_a_calendar_row() {
    let calendar = Calendar::from_json(
        r#"{"publications": [{"name": "2024 December", "week": 50, "weekStart": "2024-12-09",
            "weekEnd": "2024-12-13", "supportedAT": "2025-01-09", "supportedTU": "2025-01-23"}]}"#,
    )
    .unwrap();
    let d = def(LAUSUNTOPYYNTO, "2025-04-01");
    let f = check_calendar(
        release(),
        &calendar,
        d,
        Environment::Tu,
        "2030-01-01".parse().unwrap(),
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, rules::DEFINITION_NOT_YET_SUPPORTED);
    assert!(f[0].message.contains("next row"), "{}", f[0].message);
    // Dated before the first known publication: supported.
    let old = def(LAUSUNTOPYYNTO, "2023-09-08");
    let f = check_calendar(
        release(),
        &calendar,
        old,
        Environment::At,
        "2024-01-01".parse().unwrap(),
    );
    assert!(
        f.iter()
            .all(|f| f.rule != rules::DEFINITION_NOT_YET_SUPPORTED),
        "{f:?}"
    );
}

#[test]
fn superseded_only_once_the_newer_version_is_supported() {
    let old = def(LAUSUNTOPYYNTO, "2023-09-08");
    let c = content(old);
    let mut meta = metadata(LAUSUNTOPYYNTO, "2023-09-08");
    meta["environment"] = json!("AT");
    meta["stored"] = json!("2025-04-09T12:00:00+03:00");
    assert!(!rules_of(&meta, &c).contains(&rules::DEFINITION_SUPERSEDED));
    meta["stored"] = json!("2025-04-10T12:00:00+03:00");
    let f = ids(&meta, &c);
    assert!(
        f.contains(&(rules::DEFINITION_SUPERSEDED, Severity::Warning)),
        "{f:?}"
    );
}

#[test]
fn phase_one_ends_on_31_8_2026() {
    let d = def(LAUSUNTOPYYNTO, "2025-04-01");
    let c = content(d);
    let mut meta = metadata(LAUSUNTOPYYNTO, "2025-04-01");
    meta["phase"] = json!(1);
    meta["stored"] = json!("2026-08-31T23:59:00+03:00");
    assert!(!rules_of(&meta, &c).contains(&rules::PHASE1_EXPIRED));
    meta["stored"] = json!("2026-09-01T00:01:00+03:00");
    assert!(ids(&meta, &c).contains(&(rules::PHASE1_EXPIRED, Severity::Error)));
    meta["phase"] = json!(2);
    assert!(!rules_of(&meta, &c).contains(&rules::PHASE1_EXPIRED));
}

#[test]
fn recorder_must_be_an_author() {
    let d = def(LAUSUNTOPYYNTO, "2025-04-01");
    let meta = metadata(LAUSUNTOPYYNTO, "2025-04-01");
    let mut c = samples::minimal(d);
    set_authors(&mut c, &["Matti Virtanen"]);
    let f = check_envelope(release(), &Calendar::embedded(), &meta, &c).findings;
    let hit = f
        .iter()
        .find(|f| f.rule == rules::RECORDER_NOT_AUTHOR)
        .expect("not author");
    assert!(hit.message.contains("Matti Virtanen"), "{}", hit.message);
    // Case and whitespace do not matter.
    set_authors(&mut c, &["MAIJA  meikäläinen"]);
    assert!(!rules_of(&meta, &c).contains(&rules::RECORDER_NOT_AUTHOR));
}

#[test]
fn with_several_authors_one_must_match() {
    let d = release()
        .definitions()
        .iter()
        .find(|d| {
            d.document()
                .walk()
                .any(|w| w.element.key == "laatija" && w.element.kind == sosmeta_model::Kind::Array)
        })
        .expect("a definition with repeatable laatija");
    let mut meta = metadata(d.oid(), &d.version().to_string());
    meta["stored"] = json!("2026-01-30T10:00:00+02:00");
    let mut c = samples::minimal(d);
    set_authors(&mut c, &["Matti Virtanen", "Maija Meikäläinen"]);
    assert_eq!(authors(d, &c).unwrap().len(), 2);
    assert!(
        !rules_of(&meta, &c).contains(&rules::RECORDER_NOT_AUTHOR),
        "{:?}",
        rules_of(&meta, &c)
    );
    set_authors(&mut c, &["Matti Virtanen", "Liisa Korhonen"]);
    assert!(rules_of(&meta, &c).contains(&rules::RECORDER_NOT_AUTHOR));
}

#[test]
fn recorder_identifier_wins_over_names() {
    let schema = json!({
        "type": "object", "additionalProperties": false,
        "sosmeta": {"status": "Valmis", "documentDefinitionVersion": "2023-01-02", "oid": "1.2.3.4.2023.1.2"},
        "required": ["doc"],
        "properties": {"doc": {"type": "object", "properties": {"laatija": {"type": "object", "properties": {
            "etunimet": {"type": "string"}, "sukunimi": {"type": "string"},
            "tunniste": {"type": "object", "sosmeta": {"representation": [{"lang": "fi", "value": "Tunnus"}]},
                "properties": {"system": {"type": "string"}, "value": {"type": "string"}}}
        }}}}}
    });
    let d = Definition::from_json_value("synthetic.json", &schema).unwrap();
    let r = Release::from_definitions(None, vec![d]).unwrap();
    let mut meta = metadata("1.2.3.4", "2023-01-02");
    meta["recorder"]["identifier"] = json!({"value": "ID-1"});
    let doc = |id: &str| json!({"doc": {"laatija": {"etunimet": "Maija", "sukunimi": "Meikäläinen", "tunniste": {"value": id}}}});
    let run = |c: &Value| {
        check_envelope(&r, &Calendar::embedded(), &meta, c)
            .findings
            .iter()
            .map(|f| f.rule)
            .collect::<Vec<_>>()
    };
    assert!(!run(&doc("ID-1")).contains(&rules::RECORDER_NOT_AUTHOR));
    // Same names, different identifiers: not the same person.
    assert!(run(&doc("ID-2")).contains(&rules::RECORDER_NOT_AUTHOR));
}

#[test]
fn definitions_without_laatija_skip_the_recorder_rule_and_say_so() {
    let d = def(ASIAKKUUS, "2023-06-01");
    let meta = metadata(ASIAKKUUS, "2023-06-01");
    let f = ids(&meta, &samples::minimal(d));
    assert!(
        f.contains(&(rules::RECORDER_SKIPPED, Severity::Info)),
        "{f:?}"
    );
    assert!(!f.iter().any(|(r, _)| *r == rules::RECORDER_NOT_AUTHOR));
}

#[test]
fn private_providers_state_their_joining_model() {
    let d = def(LAUSUNTOPYYNTO, "2025-04-01");
    let c = content(d);
    let mut meta = metadata(LAUSUNTOPYYNTO, "2025-04-01");
    meta["serviceProvider"]["sector"] = json!("private");
    assert!(ids(&meta, &c).contains(&(rules::JOINING_MODEL_MISSING, Severity::Error)));
    meta["serviceProvider"]["joiningModel"] =
        json!({"system": "urn:oid:1.2.246.537.5.40224", "code": "2"});
    assert!(!rules_of(&meta, &c).contains(&rules::JOINING_MODEL_MISSING));
}

#[test]
fn organiser_register_names_a_different_organiser() {
    let d = def(LAUSUNTOPYYNTO, "2025-04-01");
    let c = content(d);
    let mut meta = metadata(LAUSUNTOPYYNTO, "2025-04-01");
    meta["register"] = json!({"kind": "organiser"});
    assert!(rules_of(&meta, &c).contains(&rules::REGISTER_ORGANISER_MISSING));
    meta["register"]["organiserOid"] = meta["serviceProvider"]["oid"].clone();
    assert!(rules_of(&meta, &c).contains(&rules::REGISTER_ORGANISER_MISSING));
    meta["register"]["organiserOid"] = json!("1.2.246.10.7654321");
    assert!(!rules_of(&meta, &c).contains(&rules::REGISTER_ORGANISER_MISSING));
}

#[test]
fn format_is_json_or_xhtml() {
    let d = def(LAUSUNTOPYYNTO, "2025-04-01");
    let c = content(d);
    let mut meta = metadata(LAUSUNTOPYYNTO, "2025-04-01");
    meta["format"] = json!("XHTML");
    assert!(!rules_of(&meta, &c).contains(&rules::FORMAT));
    meta["format"] = json!("PDF");
    assert!(ids(&meta, &c).contains(&(rules::FORMAT, Severity::Error)));
}

#[test]
fn malformed_metadata_is_reported_member_by_member() {
    let d = def(LAUSUNTOPYYNTO, "2025-04-01");
    let mut meta = metadata(LAUSUNTOPYYNTO, "2025-04-01");
    meta["phase"] = json!(3);
    meta["environment"] = json!("PROD");
    meta.as_object_mut().unwrap().remove("stored");
    let f = check_envelope(release(), &Calendar::embedded(), &meta, &content(d)).findings;
    let pointers: Vec<&str> = f
        .iter()
        .filter(|f| f.rule == rules::ENVELOPE)
        .map(|f| f.pointer.as_str())
        .collect();
    assert_eq!(
        pointers,
        [
            "/metadata/environment",
            "/metadata/stored",
            "/metadata/phase"
        ],
        "{f:?}"
    );
    let f = check_envelope(
        release(),
        &Calendar::embedded(),
        &json!("nope"),
        &content(d),
    )
    .findings;
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, rules::ENVELOPE);
}

#[test]
fn the_envelope_schema_accepts_what_the_rules_read() {
    let schema: Value =
        serde_json::from_str(sosmeta_validate::metadata::envelope::ENVELOPE_SCHEMA).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let d = def(LAUSUNTOPYYNTO, "2025-04-01");
    let good = json!({"metadata": metadata(LAUSUNTOPYYNTO, "2025-04-01"), "content": content(d)});
    assert!(
        validator.is_valid(&good),
        "{:?}",
        validator
            .iter_errors(&good)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    let mut bad = good.clone();
    bad["metadata"]["environment"] = json!("PROD");
    assert!(!validator.is_valid(&bad));
    let mut bad = good;
    bad["metadata"].as_object_mut().unwrap().remove("recorder");
    assert!(!validator.is_valid(&bad));
}
