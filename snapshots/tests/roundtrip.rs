//! For every definition version: the model's minimal and maximal sample documents parse
//! into the typed Rust, serialize back to equal JSON (integers stay integers, decimals
//! decimals), render identical XHTML typed and untyped (well-formed, fi and sv), and the
//! shape mutants are refused with an error naming the JSON path.

use serde_json::Value;
use sosmeta_generated::{Document, Error, Lang};
use sosmeta_model::{samples, Definition, Kind, Release, Representation};

fn release() -> &'static Release {
    sosmeta_generated::embedded_release()
}

fn samples_of(def: &Definition) -> [(&'static str, Value); 2] {
    [
        ("minimal", samples::minimal(def)),
        ("maximal", samples::maximal(def)),
    ]
}

#[test]
fn every_sample_round_trips_and_renders_identically() {
    let mut checked = 0;
    for def in release().definitions() {
        let id = def.id.dotted();
        for (kind, sample) in samples_of(def) {
            let json = serde_json::to_string(&sample).unwrap();
            let doc =
                Document::from_json(&id, &json).unwrap_or_else(|e| panic!("{id} {kind}: {e}"));
            assert_eq!(doc.definition().oid, def.oid());
            let back: Value = serde_json::from_str(&doc.to_json()).unwrap();
            assert_eq!(back, sample, "{id} {kind}: JSON changed on the round trip");
            for lang in [Lang::Fi, Lang::Sv] {
                let typed = doc.to_xhtml(lang);
                let untyped = sosmeta_xhtml::render(def, &sample, lang).unwrap();
                assert_eq!(typed, untyped, "{id} {kind} {lang}");
                let opts = roxmltree::ParsingOptions {
                    allow_dtd: true,
                    ..Default::default()
                };
                let xml = roxmltree::Document::parse_with_options(&typed, opts)
                    .unwrap_or_else(|e| panic!("{id} {kind} {lang}: not well-formed: {e}"));
                assert_eq!(xml.root_element().tag_name().name(), "html");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * 263);
}

/// The JSON pointer and element of the first value that `pick` selects (depth first).
fn find<'a>(
    el: &'a sosmeta_model::Element,
    v: &Value,
    path: String,
    pick: &dyn Fn(&sosmeta_model::Element, &Value) -> bool,
) -> Option<String> {
    if pick(el, v) {
        return Some(path);
    }
    match v {
        Value::Object(o) => el.children().iter().find_map(|c| {
            o.get(&c.key)
                .and_then(|cv| find(c, cv, format!("{path}/{}", c.key), pick))
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, iv)| find(el.item(), iv, format!("{path}/{i}"), pick)),
        _ => None,
    }
}

fn json_error(def: &Definition, doc: &Value) -> (String, String) {
    match Document::from_json(&def.id.to_string(), &doc.to_string()) {
        Err(Error::Json { path, message, .. }) => (path, message),
        Err(other) => panic!("{}: unexpected error {other}", def.id),
        Ok(_) => panic!("{}: mutant accepted: {doc}", def.id),
    }
}

#[test]
fn shape_mutants_are_refused_with_the_path() {
    for def in release().definitions() {
        let sample = samples::maximal(def);
        let key = def.document_key().to_string();
        let root = format!("/{key}");

        // Unknown field in the document element.
        let mut m = sample.clone();
        m[&key]["tuntematon_kentta"] = Value::from(1);
        let (path, msg) = json_error(def, &m);
        assert!(
            path.starts_with(&root) && msg.contains("unknown field"),
            "{path}: {msg}"
        );

        // Missing required element (document element's first required child).
        if let Some(req) = def.document().required.as_ref().and_then(|r| r.first()) {
            let mut m = sample.clone();
            m[&key].as_object_mut().unwrap().remove(req);
            let (path, msg) = json_error(def, &m);
            assert!(msg.contains("missing field"), "{}: {path}: {msg}", def.id);
        }

        // Wrong type: the first string leaf becomes a number.
        let doc_el = def.document();
        if let Some(p) = find(doc_el, &sample[&key], root.clone(), &|el, v| {
            el.kind == Kind::String && v.is_string()
        }) {
            let mut m = sample.clone();
            *m.pointer_mut(&p).unwrap() = Value::from(42);
            let (path, msg) = json_error(def, &m);
            assert_eq!(path, p, "{}: {msg}", def.id);
        }

        // Bad date: the first Pvm becomes 2023-02-30.
        if let Some(p) = find(doc_el, &sample[&key], root.clone(), &|el, v| {
            el.representation() == Some(Representation::Pvm) && v.is_string()
        }) {
            let mut m = sample.clone();
            *m.pointer_mut(&p).unwrap() = Value::from("2023-02-30");
            let (path, msg) = json_error(def, &m);
            assert_eq!(path, p, "{}: {msg}", def.id);
            assert!(msg.contains("2023-02-30"), "{msg}");
        }
    }
}

#[test]
fn definition_references() {
    let a = Document::resolve("1.2.246.537.6.1505.1@2023-06-01").unwrap();
    let b = Document::resolve("1.2.246.537.6.1505.1.2023.6.1").unwrap();
    assert_eq!(a, b);
    assert!(matches!(
        Document::from_json("1.2.3@2023-01-01", "{}"),
        Err(Error::UnknownDefinition { .. })
    ));
    assert!(matches!(
        Document::from_json("not an oid", "{}"),
        Err(Error::BadDefinition { .. })
    ));
    assert!(Document::from_json("1.2.246.537.6.1505.1.2023.6.1", "{} trailing").is_err());
}
