//! The model against all 263 real definitions of the pinned corpus.

use sosmeta_model::{
    compact, corpus::pinned_corpus_dir, DefinitionRef, Kind, Release, Representation, Status,
    ValueSet,
};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn corpus() -> PathBuf {
    let dir = pinned_corpus_dir();
    assert!(
        dir.join("Valmis").is_dir(),
        "the pinned corpus is missing at {} (set SOSMETA_CORPUS)",
        dir.display()
    );
    dir
}

fn files() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for sub in ["Valmis", "Vanhentunut"] {
        for e in std::fs::read_dir(corpus().join(sub)).unwrap() {
            v.push(e.unwrap().path());
        }
    }
    v.sort();
    v
}

#[test]
fn loads_all_263_with_statuses() {
    let r = Release::load(corpus()).unwrap();
    assert_eq!(r.len(), 263);
    let valmis = r
        .definitions()
        .iter()
        .filter(|d| d.status() == &Status::Valmis)
        .count();
    assert_eq!(valmis, 202);
    assert_eq!(r.label(), Some("2025-05-20"));
    // Status folder agrees with the status inside each file.
    for d in r.definitions() {
        let src = d.source.as_deref().unwrap();
        assert!(
            src.starts_with(d.status().as_str()),
            "{src} is {}",
            d.status()
        );
        let file = src.rsplit('/').next().unwrap();
        assert_eq!(file, format!("{}.json", d.id.dotted()));
    }
}

#[test]
fn round_trips_every_file_as_json() {
    let files = files();
    assert_eq!(files.len(), 263);
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let original: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let def =
            sosmeta_model::Definition::from_json_bytes(&f.display().to_string(), &bytes).unwrap();
        let written = def.to_json_schema();
        assert!(written == original, "{} does not round-trip", f.display());
    }
}

#[test]
fn lookups() {
    let r = Release::load(corpus()).unwrap();
    let oid = "1.2.246.537.6.1505.1";
    let versions: Vec<String> = r
        .versions(oid)
        .iter()
        .map(|d| d.version().to_string())
        .collect();
    assert_eq!(versions, ["2020-04-07", "2022-01-10", "2023-06-01"]);
    let in_force = r.in_force(oid).unwrap();
    assert_eq!(in_force.version().to_string(), "2023-06-01");
    assert_eq!(in_force.document_key(), "asiakkuusasiakirja");
    assert_eq!(
        r.for_root_key("asiakkuusasiakirja").unwrap().id,
        in_force.id
    );
    assert_eq!(r.by_root_key("asiakkuusasiakirja").len(), 3);
    for text in [
        "1.2.246.537.6.1505.1",
        "1.2.246.537.6.1505.1@2023-06-01",
        "1.2.246.537.6.1505.1.2023.6.1",
    ] {
        let d = r.resolve(&text.parse::<DefinitionRef>().unwrap()).unwrap();
        assert_eq!(d.id, in_force.id, "{text}");
    }
    let old = r
        .resolve(&"1.2.246.537.6.1505.1.2020.4.7".parse().unwrap())
        .unwrap();
    assert_eq!(old.status(), &Status::Vanhentunut);
    let err = r
        .resolve(&"1.2.246.537.6.1505.1@2021-01-01".parse().unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("2023-06-01") && err.contains("2020-04-07"),
        "{err}"
    );
    let err = r
        .resolve(&"1.2.246.537.6.1505.77".parse().unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("did you mean"), "{err}");
}

#[test]
fn classifications_referenced() {
    let r = Release::load(corpus()).unwrap();
    let usages = r.classification_usages();
    // 154 distinct classifications in the definitions in force (Valmis), 163 in all.
    let in_force = usages
        .values()
        .filter(|u| u.iter().any(|u| u.status == Status::Valmis))
        .count();
    assert_eq!(in_force, 154);
    assert_eq!(usages.len(), 163);
    let oids = usages
        .keys()
        .filter(|k| sosmeta_model::id::is_oid(k))
        .count();
    assert_eq!(oids, 93);
    let lang = &usages["1.2.246.537.5.40175"];
    assert!(lang.iter().any(|u| u.data_path.ends_with("/asiointikieli")));
}

#[test]
fn typed_fields_cover_the_corpus() {
    let r = Release::load(corpus()).unwrap();
    let mut reps = BTreeSet::new();
    let mut subjects = BTreeSet::new();
    let (mut parsed, mut unparsed) = (0, 0);
    for d in r.definitions() {
        if let Some(s) = d.subject() {
            subjects.insert(s);
        }
        assert!(d.data_component_library_version().is_some());
        for item in d.root.walk() {
            let el = item.element;
            assert!(el.extra.is_empty(), "{} {}", d.id, item.pointer);
            if let Some(m) = &el.sosmeta {
                assert!(m.extra.is_empty(), "{} {}", d.id, item.pointer);
            }
            if el.sosmeta.is_some() {
                if let Some(rep) = el.representation() {
                    reps.insert(rep);
                }
            }
            if el.sosmeta.as_ref().is_some_and(|m| m.value_set.is_some()) {
                match el.value_set().unwrap() {
                    ValueSet::Codes { entries, .. } => {
                        assert!(!entries.is_empty());
                        parsed += 1
                    }
                    ValueSet::Unparsed { .. } => unparsed += 1,
                }
            }
            if el.kind == Kind::Array {
                assert!(el.is_repeatable());
            }
        }
    }
    assert_eq!(reps.len(), 15, "{reps:?}");
    assert!(!reps.iter().any(|r| matches!(r, Representation::Other(_))));
    assert_eq!(subjects.len(), 29, "{subjects:?}");
    assert!(parsed >= 85, "parsed {parsed}, unparsed {unparsed}");
    assert!(
        (3..=8).contains(&unparsed),
        "parsed {parsed}, unparsed {unparsed}"
    );
}

#[test]
fn compact_round_trip() {
    let r = Release::load(corpus()).unwrap();
    let bytes = compact::to_bytes(&r);
    assert_eq!(
        bytes,
        compact::to_bytes(&r),
        "compact output is deterministic"
    );
    let back = compact::from_bytes("mem", &bytes).unwrap();
    assert_eq!(back.len(), r.len());
    for (a, b) in r.definitions().iter().zip(back.definitions()) {
        assert_eq!(a, b);
        assert!(a.to_json_schema() == b.to_json_schema());
    }
    assert_eq!(back.label(), r.label());
}

#[test]
fn zip_of_the_corpus_loads() {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        for f in files() {
            let status = f
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            z.start_file(format!("{status}/{name}"), opts).unwrap();
            z.write_all(&std::fs::read(&f).unwrap()).unwrap();
        }
        z.finish().unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all_sosmeta_schemas_2025-05-20.zip");
    std::fs::write(&path, buf.into_inner()).unwrap();
    let r = Release::load(&path).unwrap();
    assert_eq!(r.len(), 263);
    assert_eq!(r.label(), Some("2025-05-20"));
}
