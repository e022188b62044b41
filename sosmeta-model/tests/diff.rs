//! Release diffs on hand-made definitions and on the pinned corpus against altered copies.

use serde_json::{json, Value};
use sosmeta_model::diff::{diff, ChangeKind, Impact, ReleaseDiff};
use sosmeta_model::{Definition, Release};
use std::path::Path;

const OID: &str = "1.2.246.537.6.9999.1";

fn texts(fi: &str, sv: &str) -> Value {
    json!([{"lang": "fi", "value": fi}, {"lang": "sv", "value": sv}])
}

fn leaf(name: &str, rep: &str) -> Value {
    json!({"type": "string", "minLength": 1, "sosmeta": {"name": texts(name, name), "representation": texts(rep, rep)}})
}

fn koodi(name: &str, oid: &str, value_set: &str) -> Value {
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["system", "code", "display"],
        "properties": {
            "system": {"type": "string", "pattern": format!("^urn:oid:{oid}$")},
            "code": {"type": "string", "minLength": 1},
            "display": {"type": "string", "minLength": 1}
        },
        "sosmeta": {
            "name": texts(name, name), "representation": texts("Koodi", "Kod"),
            "classificationOid": [{"lang": "", "value": oid}],
            "valueSet": [{"lang": "fi", "value": value_set}]
        }
    })
}

/// A small definition; `v2` is the next version with a set of known changes.
fn definition(version: &str, status: &str, v2: bool) -> Value {
    let dotted = {
        let p: Vec<u32> = version.split('-').map(|x| x.parse().unwrap()).collect();
        format!("{OID}.{}.{}.{}", p[0], p[1], p[2])
    };
    let asiakas = json!({
        "type": "object", "additionalProperties": false, "required": ["nimi"],
        "properties": {"nimi": leaf("Nimi", "Nimi")},
        "sosmeta": {"name": texts(if v2 { "Asiakkaan tiedot" } else { "Asiakas" }, "Klient")}
    });
    let mut doc = json!({
        "type": "object", "additionalProperties": false,
        "required": ["asiakas", "kieli"],
        "properties": {},
        "sosmeta": {"name": texts("Testiasiakirja", "Testhandling")}
    });
    let props = doc["properties"].as_object_mut().unwrap();
    if v2 {
        props.insert(
            "asiakas".into(),
            json!({"type": "array", "minItems": 1, "items": asiakas}),
        );
        props.insert(
            "kieli".into(),
            koodi("Kieli", "1.2.246.537.5.40175", "fi = suomi, en = englanti"),
        );
        props.insert("paatos".into(), leaf("Päätös", "Teksti"));
        doc["required"] = json!(["asiakas", "kieli", "paatos"]);
    } else {
        props.insert("asiakas".into(), asiakas);
        props.insert(
            "kieli".into(),
            koodi("Kieli", "1.2.246.537.5.40175", "fi = suomi, sv = ruotsi"),
        );
        props.insert("lisatieto".into(), leaf("Lisätieto", "Teksti"));
    }
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "'Testiasiakirja' JSON schema",
        "type": "object", "additionalProperties": false,
        "sosmeta": {
            "title": "'Testiasiakirja' JSON schema", "status": status,
            "documentDefinitionVersion": version, "oid": dotted
        },
        "required": ["testiasiakirja"],
        "properties": {"testiasiakirja": doc}
    })
}

fn release(label: &str, defs: &[Value]) -> Release {
    let defs = defs
        .iter()
        .enumerate()
        .map(|(i, v)| Definition::from_json_value(&format!("d{i}.json"), v).unwrap())
        .collect();
    Release::from_definitions(Some(label.into()), defs).unwrap()
}

fn find<'a>(d: &'a ReleaseDiff, path: &str) -> Vec<&'a ChangeKind> {
    d.definitions
        .iter()
        .flat_map(|x| &x.changes)
        .filter(|c| c.data_path == path)
        .map(|c| &c.kind)
        .collect()
}

#[test]
fn hand_made_versions() {
    let old = release("old", &[definition("2024-01-01", "Valmis", false)]);
    let new = release(
        "new",
        &[
            definition("2024-01-01", "Vanhentunut", false),
            definition("2025-01-01", "Valmis", true),
        ],
    );
    let d = diff(&old, &new);
    assert_eq!(d.added_versions.len(), 1);
    assert_eq!(
        d.added_versions[0].id.to_string(),
        format!("{OID}@2025-01-01")
    );
    assert_eq!(d.status_changes.len(), 1);
    assert_eq!(d.status_changes[0].to.as_str(), "Vanhentunut");
    assert_eq!(d.definitions.len(), 1);
    let dd = &d.definitions[0];
    assert!(!dd.republished);
    assert!(dd.is_breaking());

    let asiakas = find(&d, "/testiasiakirja/asiakas");
    assert!(asiakas.contains(&&ChangeKind::RepeatableChanged {
        from: false,
        to: true
    }));
    assert!(asiakas
        .iter()
        .any(|k| matches!(k, ChangeKind::NameChanged { lang, .. } if lang == "fi")));
    // The children of a now-repeatable element are matched, not removed and re-added.
    assert!(find(&d, "/testiasiakirja/asiakas/*/nimi").is_empty());
    assert!(find(&d, "/testiasiakirja/asiakas/nimi").is_empty());

    let kieli = find(&d, "/testiasiakirja/kieli");
    assert!(kieli.contains(&&ChangeKind::CodesRemoved {
        source: "valueSet".into(),
        codes: vec!["sv".into()]
    }));
    assert!(kieli.contains(&&ChangeKind::CodesAdded {
        source: "valueSet".into(),
        codes: vec!["en".into()]
    }));
    assert_eq!(
        find(&d, "/testiasiakirja/paatos"),
        vec![&ChangeKind::Added { required: true }]
    );
    assert_eq!(
        find(&d, "/testiasiakirja/lisatieto"),
        vec![&ChangeKind::Removed]
    );

    let by_kind = |pred: fn(&ChangeKind) -> bool| {
        d.definitions[0]
            .changes
            .iter()
            .find(|c| pred(&c.kind))
            .map(|c| c.impact)
    };
    assert_eq!(
        by_kind(|k| matches!(k, ChangeKind::CodesAdded { .. })),
        Some(Impact::Additive)
    );
    assert_eq!(
        by_kind(|k| matches!(k, ChangeKind::CodesRemoved { .. })),
        Some(Impact::Breaking)
    );
    assert_eq!(
        by_kind(|k| matches!(k, ChangeKind::NameChanged { .. })),
        Some(Impact::Additive)
    );
    assert_eq!(
        by_kind(|k| matches!(k, ChangeKind::Removed)),
        Some(Impact::Breaking)
    );
    let removed = d.definitions[0]
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::Removed)
        .unwrap();
    assert_eq!(
        removed.pointer,
        "/properties/testiasiakirja/properties/lisatieto"
    );
    assert_eq!(removed.name_path, "Testiasiakirja › Lisätieto");

    // Renderings.
    let text = d.to_text();
    assert!(
        text.contains("[breaking] Testiasiakirja › Lisätieto: removed"),
        "{text}"
    );
    let md = d.to_markdown();
    assert!(
        md.contains("| **breaking** | Testiasiakirja › Lisätieto | removed |"),
        "{md}"
    );
    let back: ReleaseDiff = serde_json::from_str(&d.to_json()).unwrap();
    assert_eq!(back, d);
    let j: Value = serde_json::from_str(&d.to_json()).unwrap();
    assert!(j["definitions"][0]["changes"][0]["impact"].is_string());

    // Reverse direction: the added required element becomes a removal (breaking) etc.
    let r = diff(&new, &old);
    assert_eq!(r.removed_versions.len(), 1);
    assert!(r.has_breaking());
}

#[test]
fn identical_releases_have_no_diff() {
    let a = release("a", &[definition("2024-01-01", "Valmis", false)]);
    let d = diff(&a, &a);
    assert!(d.is_empty());
    assert!(d.to_text().contains("no differences"));
    assert!(!d.has_breaking());
}

#[test]
fn added_and_removed_definitions() {
    let a = release("a", &[definition("2024-01-01", "Valmis", false)]);
    let mut other = definition("2024-01-01", "Valmis", false);
    other["sosmeta"]["oid"] = json!("1.2.246.537.6.9999.2.2024.1.1");
    let b = release("b", &[other]);
    let d = diff(&a, &b);
    assert_eq!(d.added_definitions.len(), 1);
    assert_eq!(d.removed_definitions.len(), 1);
    assert!(d.has_breaking());
    assert!(d.definitions.is_empty());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn corpus_against_altered_copy() {
    let dir = sosmeta_model::corpus::pinned_corpus_dir();
    let old = Release::load(&dir).unwrap();
    assert!(diff(&old, &old).is_empty());

    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("altered");
    copy_dir(&dir, &copy);

    // 1. Alter the version in force of asiakkuusasiakirja in place: drop an element,
    //    add a required one, make an optional one required.
    let oid = "1.2.246.537.6.1505.1";
    let def = old.in_force(oid).unwrap();
    let file = copy.join(def.source.as_deref().unwrap());
    let mut v: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let key = def.document_key().to_string();
    let doc = &mut v["properties"][&key];
    let props = doc["properties"].as_object_mut().unwrap();
    let first_key = props.keys().next().unwrap().clone();
    props.remove(&first_key);
    props.insert(
        "uusi_kentta".into(),
        json!({"type": "string", "minLength": 1, "sosmeta": {"name": [{"lang": "fi", "value": "Uusi kenttä"}]}}),
    );
    let req = doc["required"].as_array_mut().unwrap();
    req.retain(|k| k != &json!(first_key));
    req.push(json!("uusi_kentta"));
    std::fs::write(&file, serde_json::to_vec_pretty(&v).unwrap()).unwrap();

    // 2. Remove one superseded version file.
    let gone = old
        .definitions()
        .iter()
        .find(|d| d.status().as_str() == "Vanhentunut")
        .unwrap();
    std::fs::remove_file(copy.join(gone.source.as_deref().unwrap())).unwrap();

    // 3. Flip the status of another Valmis definition to Vanhentunut.
    let flip = old
        .definitions()
        .iter()
        .find(|d| d.oid() != oid && d.status().as_str() == "Valmis")
        .unwrap();
    let f = copy.join(flip.source.as_deref().unwrap());
    let mut fv: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
    fv["sosmeta"]["status"] = json!("Vanhentunut");
    std::fs::write(&f, serde_json::to_vec(&fv).unwrap()).unwrap();

    let new = Release::load(&copy).unwrap();
    let d = diff(&old, &new);
    assert_eq!(d.removed_versions.len(), 1, "{}", d.to_text());
    assert_eq!(d.removed_versions[0].id, gone.id);
    assert_eq!(d.status_changes.len(), 1);
    assert_eq!(d.status_changes[0].id, flip.id);
    let dd = d.definitions.iter().find(|x| x.oid == oid).unwrap();
    assert!(dd.republished);
    let path_removed = format!("/{key}/{first_key}");
    assert!(dd
        .changes
        .iter()
        .any(|c| c.data_path == path_removed && c.kind == ChangeKind::Removed));
    assert!(dd
        .changes
        .iter()
        .any(|c| c.data_path == format!("/{key}/uusi_kentta")
            && c.kind == ChangeKind::Added { required: true }
            && c.impact == Impact::Breaking
            && c.name_path.ends_with("Uusi kenttä")));
    assert!(d.to_markdown().contains("Uusi kenttä"));
}
