//! The release calendar on a definition version and a day, and the authors (laatija) read
//! from content: the pieces of Kanta metadata this crate answers for every consumer.

use chrono::NaiveDate;
use serde_json::{json, Value};
use sosmeta_model::{samples, Definition, Release};
use sosmeta_validate::authors::authors;
use sosmeta_validate::calendar::{check_calendar, Calendar, Environment};
use sosmeta_validate::finding::rules;
use sosmeta_validate::{Rule, Severity};

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

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn found(d: &Definition, env: Environment, on: &str) -> Vec<(Rule, Severity)> {
    check_calendar(release(), &Calendar::embedded(), d, env, day(on))
        .iter()
        .map(|f| (f.rule, f.severity))
        .collect()
}

#[test]
fn not_yet_supported_until_the_support_day() {
    // The 2025 March publication: AT 10.4.2025, TU 17.4.2025.
    let d = def(LAUSUNTOPYYNTO, "2025-04-01");
    for (env, before, on, shown) in [
        (Environment::At, "2025-04-09", "2025-04-10", "10.4.2025"),
        (Environment::Tu, "2025-04-16", "2025-04-17", "17.4.2025"),
    ] {
        let f = check_calendar(release(), &Calendar::embedded(), d, env, day(before));
        let hit = f
            .iter()
            .find(|f| f.rule == rules::CALENDAR_NOT_YET_SUPPORTED)
            .unwrap_or_else(|| panic!("{env} {before}: {f:?}"));
        assert_eq!(hit.severity, Severity::Error);
        assert_eq!(hit.definition.as_ref(), Some(&d.id));
        assert!(hit.message.contains(shown), "{}", hit.message);
        assert!(
            !found(d, env, on)
                .iter()
                .any(|(r, _)| *r == rules::CALENDAR_NOT_YET_SUPPORTED),
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
    let f = check_calendar(release(), &calendar, d, Environment::Tu, day("2030-01-01"));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, rules::CALENDAR_NOT_YET_SUPPORTED);
    assert!(f[0].message.contains("next row"), "{}", f[0].message);
    // Dated before the first known publication: supported.
    let old = def(LAUSUNTOPYYNTO, "2023-09-08");
    let f = check_calendar(
        release(),
        &calendar,
        old,
        Environment::At,
        day("2024-01-01"),
    );
    assert!(
        f.iter()
            .all(|f| f.rule != rules::CALENDAR_NOT_YET_SUPPORTED),
        "{f:?}"
    );
}

#[test]
fn superseded_only_once_the_newer_version_is_supported() {
    let old = def(LAUSUNTOPYYNTO, "2023-09-08");
    assert!(!found(old, Environment::At, "2025-04-09")
        .iter()
        .any(|(r, _)| *r == rules::CALENDAR_SUPERSEDED));
    assert!(found(old, Environment::At, "2025-04-10")
        .contains(&(rules::CALENDAR_SUPERSEDED, Severity::Warning)));
    // The newer version itself is never superseded.
    let new = def(LAUSUNTOPYYNTO, "2025-04-01");
    assert!(found(new, Environment::Tu, "2026-01-01").is_empty());
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
                        *child = if child.is_array() {
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

#[test]
fn authors_are_read_from_every_laatija_with_their_pointers() {
    let d = release()
        .definitions()
        .iter()
        .find(|d| {
            d.document()
                .walk()
                .any(|w| w.element.key == "laatija" && w.element.kind == sosmeta_model::Kind::Array)
        })
        .expect("a definition with repeatable laatija");
    let mut c = samples::minimal(d);
    set_authors(&mut c, &["Matti Virtanen", "Maija Meikäläinen"]);
    let found = authors(d, &c).expect("the definition has laatija");
    let names: Vec<(Option<&str>, Option<&str>)> = found
        .iter()
        .map(|a| (a.given_names.as_deref(), a.family_name.as_deref()))
        .collect();
    assert!(
        names.contains(&(Some("Matti"), Some("Virtanen"))),
        "{names:?}"
    );
    assert!(
        names.contains(&(Some("Maija"), Some("Meikäläinen"))),
        "{names:?}"
    );
    for a in &found {
        assert!(
            a.pointer.starts_with(&format!("/{}/", d.document_key())),
            "{}",
            a.pointer
        );
        assert!(c.pointer(&a.pointer).is_some(), "{}", a.pointer);
    }
    // A definition without a laatija element has no authors to read.
    let asiakkuus = def(ASIAKKUUS, "2023-06-01");
    assert!(authors(asiakkuus, &samples::minimal(asiakkuus)).is_none());
}
