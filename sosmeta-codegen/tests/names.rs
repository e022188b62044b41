//! Contextual names are stable: a definition version's type names depend only on its own
//! elements, so removing one definition and adding another renames nothing elsewhere.

use sosmeta_model::{Definition, Release};
use std::collections::BTreeMap;

fn names_without(release: &Release, skip: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let defs: Vec<Definition> = release
        .definitions()
        .iter()
        .filter(|d| d.id.to_string() != skip)
        .cloned()
        .collect();
    let filtered = Release::from_definitions(None, defs).expect("a filtered release");
    sosmeta_codegen::generate(&filtered, &sosmeta_codegen::Options::default())
        .expect("codegen")
        .type_names
}

#[test]
fn names_survive_removing_and_adding_definitions() {
    let release = Release::load(sosmeta_model::corpus::pinned_corpus_dir()).expect("corpus");
    let full = sosmeta_codegen::generate(&release, &sosmeta_codegen::Options::default())
        .expect("codegen")
        .type_names;
    // Two definitions with many elements in common with others (persons, addresses,
    // organisations), so shared shapes change hands when either goes.
    let removed = "1.2.246.537.6.1505.1@2022-01-10";
    let added = "1.2.246.537.6.1505.1@2020-04-07";
    assert!(full.contains_key(removed) && full.contains_key(added));
    // Before: the release without `added`. After: without `removed`, with `added`.
    let before = names_without(&release, added);
    let after = names_without(&release, removed);
    assert!(!before.contains_key(added) && after.contains_key(added));
    assert!(before.contains_key(removed) && !after.contains_key(removed));
    let mut compared = 0;
    for (id, names) in &before {
        if id == removed {
            continue;
        }
        assert_eq!(Some(names), after.get(id), "names of {id} changed");
        assert_eq!(
            Some(names),
            full.get(id),
            "names of {id} differ from the full release"
        );
        compared += names.len();
    }
    assert!(compared > 3_000, "only {compared} names compared");
}

#[test]
fn names_are_contextual_and_unique_per_version() {
    let release = Release::load(sosmeta_model::corpus::pinned_corpus_dir()).expect("corpus");
    let out =
        sosmeta_codegen::generate(&release, &sosmeta_codegen::Options::default()).expect("codegen");
    let asiakkuus = &out.type_names["1.2.246.537.6.1505.1@2023-06-01"];
    assert_eq!(
        asiakkuus.get("Asiakas").map(String::as_str),
        Some("/asiakkuusasiakirja/asiakas")
    );
    // Several `yhteystiedot` shapes: each qualified by its parent.
    assert_eq!(
        asiakkuus.get("AsiakasYhteystiedot").map(String::as_str),
        Some("/asiakkuusasiakirja/asiakas/yhteystiedot")
    );
    for (id, names) in &out.type_names {
        for (name, path) in names {
            // No hash suffix: every name is made of the keys on its path.
            let keys: String = path
                .split('/')
                .filter(|k| !k.is_empty())
                .map(|k| k.to_ascii_lowercase().replace(['_', '-'], ""))
                .collect();
            let keys = ascii_fold(&keys);
            let lower = ascii_fold(&name.to_ascii_lowercase());
            let no_number = lower.trim_end_matches(|c: char| c.is_ascii_digit());
            let stems = [
                lower.as_str(),
                no_number,
                lower.strip_suffix("element").unwrap_or(&lower),
                lower.strip_prefix('t').unwrap_or(&lower),
            ];
            assert!(
                stems.iter().any(|s| !s.is_empty() && keys.ends_with(s)),
                "{id}: {name} is not named from {path}"
            );
        }
    }
}

fn ascii_fold(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}
