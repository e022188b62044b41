//! The Sosmeta rules on real definitions: each rule fires where it must, with its id,
//! severity, pointer and Finnish name path, and stays quiet on valid documents.

use serde_json::{json, Value};
use sosmeta_model::{samples, Definition, Kind, Release, Representation};
use sosmeta_validate::{DocumentResult, Finding, Severity, ValidateOptions, Validator};

const ASIAKKUUS: &str = "1.2.246.537.6.1505.1";

fn validator() -> Validator {
    Validator::from_static(sosmeta_generated::embedded_release())
}

fn example() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/asiakkuusasiakirja.json"
    ))
    .expect("example");
    serde_json::from_str(&text).expect("json")
}

fn check(v: &Validator, doc: &Value) -> DocumentResult {
    v.validate_value("test", doc, &ValidateOptions::default())
}

fn find<'a>(r: &'a DocumentResult, rule: &str) -> Vec<&'a Finding> {
    r.findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn example_is_valid_and_names_its_definition() {
    let r = check(&validator(), &example());
    assert!(r.valid, "{:?}", r.findings);
    assert_eq!(r.counts.errors, 0);
    assert_eq!(r.definition.as_deref(), Some(ASIAKKUUS));
    assert_eq!(r.version.as_deref(), Some("2023-06-01"));
    let chosen = find(&r, "definition.chosen");
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0].severity, Severity::Info);
    assert!(
        chosen[0].message.contains("2022-01-10"),
        "{}",
        chosen[0].message
    );
}

#[test]
fn bad_hetu_is_an_error_with_name_path() {
    let mut doc = example();
    doc["asiakkuusasiakirja"]["asiakas"]["henkilotunnus"]["value"] = json!("131052-308U");
    let r = check(&validator(), &doc);
    assert!(!r.valid);
    let f = find(&r, "hetu.checksum");
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(
        f[0].pointer,
        "/asiakkuusasiakirja/asiakas/henkilotunnus/value"
    );
    assert_eq!(f[0].path, "Asiakas > Henkilötunnus");
    assert!(
        f[0].message.contains("check character is wrong"),
        "{}",
        f[0].message
    );
    // Another identifier system is not a hetu.
    doc["asiakkuusasiakirja"]["asiakas"]["henkilotunnus"]["system"] =
        json!("urn:oid:1.2.246.10.1234567.10.1");
    assert!(find(&check(&validator(), &doc), "hetu.checksum").is_empty());
}

#[test]
fn impossible_dates_are_errors_partial_dates_are_not() {
    let v = validator();
    for (value, bad) in [
        ("2023-02-30", true),
        ("2023-02-29", true),
        ("2023-06-00", true),
        ("2024-02-29", false),
        ("2023-06", false),
        ("2023", false),
    ] {
        let mut doc = example();
        doc["asiakkuusasiakirja"]["asiakas"]["syntymaaika"] = json!(value);
        let r = check(&v, &doc);
        assert_eq!(
            !find(&r, "date.calendar").is_empty(),
            bad,
            "{value}: {:?}",
            r.findings
        );
        assert_eq!(r.valid, !bad, "{value}");
        if bad {
            assert_eq!(find(&r, "date.calendar")[0].path, "Asiakas > Syntymäaika");
        }
    }
}

#[test]
fn schema_errors_all_reported_with_ids() {
    let mut doc = example();
    let a = &mut doc["asiakkuusasiakirja"]["asiakas"];
    a.as_object_mut().unwrap().remove("sukunimi");
    a["etunimet"] = json!("");
    a["turvakielto"] = json!("false");
    a["sukupuoli_x"] = json!(1);
    doc["asiakkuusasiakirja"]["asiakas"]["asiointikieli"]["system"] = json!("urn:oid:1.2.3");
    let r = check(&validator(), &doc);
    let rules: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
    for want in [
        "schema.required",
        "schema.min-length",
        "schema.type",
        "schema.additional-properties",
        "schema.pattern",
    ] {
        assert!(rules.contains(&want), "{want} missing in {rules:?}");
    }
    let req = find(&r, "schema.required")[0];
    assert_eq!(req.pointer, "/asiakkuusasiakirja/asiakas/sukunimi");
    assert_eq!(req.path, "Asiakas > Sukunimi");
    let extra = find(&r, "schema.additional-properties")[0];
    assert!(extra.message.contains("sukupuoli"), "{}", extra.message);
    // The schema already refuses the system: no second finding from code.system.
    assert!(find(&r, "code.system").is_empty(), "{:?}", r.findings);
}

#[test]
fn conditional_required_is_a_warning_quoting_the_condition() {
    let v = validator();
    let def = v.release().in_force(ASIAKKUUS).unwrap();
    // The minimal sample gives one of henkilötunnus / temporary identifier: no warning.
    assert!(find(&check(&v, &samples::minimal(def)), "conditional-required").is_empty());
    // Without either, both members of the group are warned about.
    let mut doc = example();
    doc["asiakkuusasiakirja"]["asiakas"]
        .as_object_mut()
        .unwrap()
        .remove("henkilotunnus");
    let r = check(&v, &doc);
    assert!(r.valid);
    let f = find(&r, "conditional-required");
    assert!(!f.is_empty());
    assert!(f.iter().all(|f| f.severity == Severity::Warning));
    let hetu = f
        .iter()
        .find(|f| f.pointer == "/asiakkuusasiakirja/asiakas/henkilotunnus")
        .expect("henkilotunnus is conditionally required");
    assert!(hetu.message.contains("Joko tilapäinen"), "{}", hetu.message);
    let strict = ValidateOptions {
        fail_on: Severity::Warning,
        ..ValidateOptions::default()
    };
    assert!(!v.validate_value("t", &doc, &strict).valid);
}

#[test]
fn superseded_version_warns() {
    let v = validator();
    let old = v.resolve("1.2.246.537.6.1505.1@2022-01-10").unwrap();
    let opts = ValidateOptions {
        definition: Some(old.id.clone()),
        ..ValidateOptions::default()
    };
    let r = v.validate_value("t", &samples::maximal(old), &opts);
    assert!(r.valid, "{:?}", r.findings);
    assert_eq!(find(&r, "definition.superseded").len(), 1);
    assert_eq!(r.version.as_deref(), Some("2022-01-10"));
    // The dotted form resolves too.
    assert_eq!(
        v.resolve("1.2.246.537.6.1505.1.2022.1.10").unwrap().id,
        old.id
    );
}

#[test]
fn unknown_root_key_suggests_the_nearest() {
    let r = check(&validator(), &json!({"asiakkuusasiakrja": {}}));
    assert!(!r.valid);
    let f = find(&r, "document.root");
    assert!(
        f[0].message.contains("`asiakkuusasiakirja`"),
        "{}",
        f[0].message
    );
    assert!(!check(&validator(), &json!([1])).valid);
}

/// Remove the schema `enum` of a Koodi's code so only the Sosmeta rules know the codes.
fn without_code_enums(def: &Definition) -> Definition {
    let mut d = def.clone();
    fn strip(el: &mut sosmeta_model::Element) {
        if el.kind == Kind::Object && el.representation() == Some(Representation::Koodi) {
            for c in el.properties.iter_mut().flatten() {
                if c.key == "code" {
                    c.enum_values = None;
                }
            }
        }
        for c in el.properties.iter_mut().flatten() {
            strip(c);
        }
        if let Some(i) = el.items.as_deref_mut() {
            strip(i);
        }
    }
    strip(&mut d.root);
    d
}

#[test]
fn codes_outside_the_value_set_and_wrong_display() {
    let release = sosmeta_generated::embedded_release();
    // Find a definition with a Koodi that has a parsed valueSet.
    let (def, pointer) = release
        .definitions()
        .iter()
        .find_map(|d| {
            let doc = samples::maximal(d);
            d.document()
                .walk()
                .find_map(|w| {
                    let el = w.element;
                    let parsed = el
                        .value_set()
                        .and_then(|v| v.entries().map(|e| e.len() > 1));
                    (el.kind == Kind::Object
                        && el.representation() == Some(Representation::Koodi)
                        && parsed == Some(true)
                        && !w.data_path.contains('*'))
                    .then(|| format!("/{}{}", d.document_key(), w.data_path))
                    .filter(|p| doc.pointer(p).is_some())
                })
                .map(|p| (d, p))
        })
        .expect("a definition with a parsed value set");
    let modified = without_code_enums(def);
    let v = Validator::new(Release::from_definitions(None, vec![modified.clone()]).unwrap());
    let mut doc = samples::maximal(&modified);
    assert!(check(&v, &doc).valid);
    doc.pointer_mut(&format!("{pointer}/display"))
        .map(|d| *d = json!("Jotain muuta"))
        .unwrap();
    let r = check(&v, &doc);
    assert!(r.valid, "display is a warning only");
    assert_eq!(find(&r, "code.display").len(), 1, "{:?}", r.findings);
    doc.pointer_mut(&format!("{pointer}/code"))
        .map(|d| *d = json!("EI-KOODI"))
        .unwrap();
    let r = check(&v, &doc);
    assert!(!r.valid);
    let f = find(&r, "code.value-set");
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].pointer, format!("{pointer}/code"));
}

#[test]
fn every_sample_of_every_definition_is_valid() {
    let v = validator();
    v.precompile();
    for d in v.release().definitions() {
        for doc in [samples::minimal(d), samples::maximal(d)] {
            let opts = ValidateOptions {
                definition: Some(d.id.clone()),
                ..ValidateOptions::default()
            };
            let r = v.validate_value("sample", &doc, &opts);
            assert!(r.valid, "{}: {:?}", d.id, r.findings);
        }
    }
}
