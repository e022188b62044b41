//! `conditional-required` reads its condition: it warns only when the condition holds and
//! the element is absent; an unreadable condition is an `info` finding
//! (`conditional-required.unread`), never a warning.

use serde_json::Value;
use sosmeta_model::condition::Condition;
use sosmeta_model::{samples, Definition, Release};
use sosmeta_validate::{DocumentResult, Finding, Severity, ValidateOptions, Validator};

fn validator() -> Validator {
    Validator::from_static(sosmeta_generated::embedded_release())
}

fn release(v: &Validator) -> &Release {
    v.release()
}

fn check_as(v: &Validator, def: &Definition, doc: &Value) -> DocumentResult {
    let opts = ValidateOptions {
        definition: Some(def.id.clone()),
        ..ValidateOptions::default()
    };
    v.validate_value("test", doc, &opts)
}

fn conditional(r: &DocumentResult) -> Vec<&Finding> {
    r.findings
        .iter()
        .filter(|f| f.rule == "conditional-required")
        .collect()
}

/// A JSON pointer to the first instance of a data path (`*` → `0`).
fn first(data_path: &str) -> String {
    data_path.replace("/*", "/0")
}

/// Remove the value at a data path's first instance.
fn remove(doc: &mut Value, data_path: &str) {
    let p = first(data_path);
    let (parent, key) = p.rsplit_once('/').expect("a path");
    let obj = doc
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {parent}"));
    assert!(obj.remove(key).is_some(), "nothing at {p}");
}

fn example() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/asiakkuusasiakirja.json"
    ))
    .expect("example");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn no_minimal_sample_of_the_263_gets_a_conditional_warning() {
    let v = validator();
    let mut bad = Vec::new();
    let (mut defs, mut infos) = (0, 0);
    for def in release(&v).definitions().iter() {
        defs += 1;
        let r = check_as(&v, def, &samples::minimal(def));
        for f in conditional(&r) {
            bad.push(format!("{} {} {}", def.id, f.pointer, f.message));
        }
        infos += r
            .findings
            .iter()
            .filter(|f| f.rule == "conditional-required.unread")
            .inspect(|f| {
                assert_eq!(f.severity, Severity::Info);
                assert!(!f.message.contains("found no condition"), "{}", f.message);
            })
            .count();
    }
    println!(
        "{defs} minimal samples: {} warnings, {infos} unread infos",
        bad.len()
    );
    assert_eq!(defs, 263);
    assert!(
        bad.is_empty(),
        "{} warnings:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn the_readme_example_gets_no_conditional_warning() {
    let r = validator().validate_value("example", &example(), &ValidateOptions::default());
    assert!(conditional(&r).is_empty(), "{:?}", r.findings);
}

#[test]
fn either_or_henkilotunnus_or_temporary_identifier() {
    let v = validator();
    let def = v
        .release()
        .in_force("1.2.246.537.6.1505.1")
        .expect("asiakkuusasiakirja");
    let mut doc = example();
    assert!(doc
        .pointer("/asiakkuusasiakirja/asiakas/henkilotunnus")
        .is_some());
    assert!(doc
        .pointer("/asiakkuusasiakirja/asiakas/tilapainen_yksilointitunnus")
        .is_none());
    // The henkilötunnus is present: no warning for the temporary identifier.
    let r = check_as(&v, def, &doc);
    assert!(conditional(&r).is_empty(), "{:?}", r.findings);
    // Both absent: a warning for each member of the group.
    remove(&mut doc, "/asiakkuusasiakirja/asiakas/henkilotunnus");
    let r = check_as(&v, def, &doc);
    let pointers: Vec<&str> = conditional(&r).iter().map(|f| f.pointer.as_str()).collect();
    assert!(
        pointers.contains(&"/asiakkuusasiakirja/asiakas/tilapainen_yksilointitunnus"),
        "{pointers:?}"
    );
    assert!(
        pointers.contains(&"/asiakkuusasiakirja/asiakas/henkilotunnus"),
        "{pointers:?}"
    );
    let f = conditional(&r)[0];
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("Joko"), "{}", f.message);
}

#[test]
fn if_equals_a_code_on_a_real_definition() {
    // asiakkuusasiakirja 2023-06-01: Toimivalta is required when Rooli is 31, 32, 33 or 34.
    let v = validator();
    let def = v
        .release()
        .in_force("1.2.246.537.6.1505.1")
        .expect("asiakkuusasiakirja");
    let path = "/asiakkuusasiakirja/asiakkaaseen_liittyvat_henkilot/*/toimivalta";
    let c = def
        .conditions()
        .into_iter()
        .find(|c| c.data_path == path)
        .expect("toimivalta is conditional");
    let Condition::IfCode(rooli, codes) = &c.condition else {
        panic!("{:?}", c.condition)
    };
    assert_eq!(rooli.keys, ["rooli"]);
    assert_eq!(codes, &["31", "32", "33", "34"]);
    let mut doc = samples::maximal(def);
    remove(&mut doc, path);
    let mut rooli = "/asiakkuusasiakirja/asiakkaaseen_liittyvat_henkilot/0/rooli".to_string();
    if doc.pointer(&rooli).is_some_and(Value::is_array) {
        rooli.push_str("/0"); // Rooli is repeatable
    }
    rooli.push_str("/code");
    let rooli = rooli.as_str();
    let at = first(path);
    let warned = |doc: &Value| {
        conditional(&check_as(&v, def, doc))
            .iter()
            .any(|f| f.pointer == at)
    };
    *doc.pointer_mut(rooli).unwrap() = "32".into();
    assert!(warned(&doc), "Rooli 32 asks for Toimivalta");
    *doc.pointer_mut(rooli).unwrap() = "11".into();
    assert!(!warned(&doc), "Rooli 11 does not");
}

#[test]
fn if_true_a_kytkin_on_a_real_definition() {
    // "jos kytkin "Muita liitteitä" on asennossa kyllä …, on tämä kenttä pakollinen."
    let v = validator();
    let (def, c) = release(&v)
        .definitions()
        .iter()
        .flat_map(|d| d.conditions().into_iter().map(move |c| (d, c)))
        .find(|(_, c)| {
            matches!(&c.condition, Condition::IfBool(r, true) if r.len() == 1 && r[0].keys == ["muita_liitteita"])
        })
        .expect("a Muita liitteitä condition");
    let switch = format!(
        "{}/muita_liitteita",
        first(c.data_path.rsplit_once('/').unwrap().0)
    );
    let mut doc = samples::maximal(def);
    remove(&mut doc, &c.data_path);
    let at = first(&c.data_path);
    let warned = |doc: &Value| {
        conditional(&check_as(&v, def, doc))
            .iter()
            .any(|f| f.pointer == at)
    };
    *doc.pointer_mut(&switch).unwrap() = Value::Bool(true);
    assert!(warned(&doc), "{} is answered yes", switch);
    *doc.pointer_mut(&switch).unwrap() = Value::Bool(false);
    assert!(!warned(&doc), "{} is answered no", switch);
}

#[test]
fn an_unreadable_condition_is_an_info_naming_the_element() {
    let v = validator();
    let (def, c) = release(&v)
        .definitions()
        .iter()
        .flat_map(|d| d.conditions().into_iter().map(move |c| (d, c)))
        .find(|(_, c)| c.text.contains("vähintään 18-vuotias"))
        .expect("an age condition");
    assert!(!c.condition.is_readable(), "{:?}", c.condition);
    let mut doc = samples::maximal(def);
    remove(&mut doc, &c.data_path);
    let r = check_as(&v, def, &doc);
    let at = first(&c.data_path);
    assert!(
        conditional(&r).iter().all(|f| f.pointer != at),
        "never a warning"
    );
    let info = r
        .findings
        .iter()
        .find(|f| f.pointer == at)
        .expect("an info at the element");
    assert_eq!(info.rule, "conditional-required.unread");
    assert_eq!(info.severity, Severity::Info);
    assert!(info.message.contains(&c.element.key), "{}", info.message);
    let name = c.element.name_fi().unwrap();
    assert!(info.message.contains(name), "{}", info.message);
}

#[test]
fn one_of_two_groups_of_the_same_name() {
    // "Toinen Palvelunjärjestäjän palveluyksikkö -tietokokonaisuuksista on pakollinen":
    // the document's own or the service task's.
    let v = validator();
    let def = v
        .release()
        .in_force("1.2.246.537.6.1505.1")
        .expect("asiakkuusasiakirja");
    let top = "/asiakkuusasiakirja/palvelunjarjestajan_palveluyksikko";
    let inner =
        "/asiakkuusasiakirja/sosiaalihuollon_palvelutehtava/0/palvelunjarjestajan_palveluyksikko";
    let mut doc = example();
    let unit = doc
        .pointer(top)
        .cloned()
        .expect("the example names the unit");
    assert!(doc.pointer(inner).is_none());
    let pointers = |doc: &Value| -> Vec<String> {
        conditional(&check_as(&v, def, doc))
            .iter()
            .map(|f| f.pointer.clone())
            .collect()
    };
    assert!(
        pointers(&doc).is_empty(),
        "the document's own unit is there"
    );
    remove(&mut doc, top);
    assert_eq!(pointers(&doc), [inner, top], "neither is there");
    doc.pointer_mut("/asiakkuusasiakirja/sosiaalihuollon_palvelutehtava/0")
        .and_then(Value::as_object_mut)
        .unwrap()
        .insert("palvelunjarjestajan_palveluyksikko".into(), unit);
    assert!(
        pointers(&doc).is_empty(),
        "the service task's unit is there"
    );
}
