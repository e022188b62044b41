//! insta snapshots of codegen output, preview pages and display-form fragments for a few
//! representative definitions: a small one, the largest, one with repeatable groups, one
//! with codes and quantities.

use sosmeta_model::{samples, Definition, Release};

fn release() -> &'static Release {
    sosmeta_generated::embedded_release()
}

fn size(d: &Definition) -> usize {
    d.document().walk().count()
}

/// The representative definitions, chosen by rule so the choice is stable.
fn representatives() -> Vec<(&'static str, &'static Definition)> {
    let defs: Vec<&Definition> = release().definitions().iter().collect();
    let smallest = *defs.iter().min_by_key(|d| (size(d), d.id.clone())).unwrap();
    let largest = *defs.iter().max_by_key(|d| (size(d), d.id.clone())).unwrap();
    let asiakkuus = release()
        .get_version("1.2.246.537.6.1505.1", "2023-06-01".parse().unwrap())
        .unwrap();
    let quantities = *defs
        .iter()
        .filter(|d| {
            d.document()
                .walk()
                .any(|w| w.element.representation().is_some_and(|r| r.is_quantity()))
        })
        .min_by_key(|d| (size(d), d.id.clone()))
        .unwrap();
    vec![
        ("smallest", smallest),
        ("largest", largest),
        ("repeatable_groups", asiakkuus),
        ("codes_quantities", quantities),
    ]
}

#[test]
fn xhtml_snapshots() {
    for (name, def) in representatives() {
        let doc = samples::maximal(def);
        for lang in [sosmeta_xhtml::Lang::Fi, sosmeta_xhtml::Lang::Sv] {
            let xhtml = sosmeta_xhtml::render(def, &doc, lang).unwrap();
            insta::assert_snapshot!(format!("xhtml_{name}_{lang}"), xhtml);
        }
    }
}

/// The display form (the fragment a Kanta document carries) with a filled-in header, for
/// three of the representatives, in fi and sv.
#[test]
fn fragment_snapshots() {
    let header = sosmeta_xhtml::FragmentHeader {
        document_id: Some("1.2.246.10.12345678.2026.1001".into()),
        organisation: Some("Esimerkin hyvinvointialue".into()),
        author: Some("Maija Meikäläinen".into()),
        created: Some("2026-03-02T07:15:00Z".into()),
        title: None,
    };
    for (name, def) in representatives() {
        if name == "largest" {
            continue;
        }
        let doc = samples::maximal(def);
        for lang in [sosmeta_xhtml::Lang::Fi, sosmeta_xhtml::Lang::Sv] {
            let f = sosmeta_xhtml::render_fragment(def, &doc, &header, lang).unwrap();
            assert!(f.invalid_values.is_empty(), "{:?}", f.invalid_values);
            insta::assert_snapshot!(format!("fragment_{name}_{lang}"), f.xhtml);
        }
    }
}

#[test]
fn codegen_snapshots() {
    let release = Release::load(sosmeta_model::corpus::pinned_corpus_dir()).unwrap();
    let out = sosmeta_codegen::generate(&release, &sosmeta_codegen::Options::default()).unwrap();
    for (name, def) in representatives() {
        let module = def.document_key().replace("__", "_");
        let file = out
            .files
            .iter()
            .find(|(p, _)| *p == &format!("src/{module}.rs"))
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_else(|| panic!("no module file for {module}"));
        insta::assert_snapshot!(format!("codegen_{name}"), file);
    }
}
