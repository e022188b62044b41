//! The typed API refuses what the definition refuses: on every generated case (the
//! minimal and maximal sample of every definition version and their mutants),
//! `Document::from_json` accepts exactly when Draft 7 (the validator's JSON Schema layer)
//! accepts and no Sosmeta rule the types carry refuses: the semantic-only mutants
//! (impossible dates, wrong code systems, codes outside the list, bad hetu check
//! characters, wrong fixed phrases) are refused too.

use sosmeta_generated::Document;
use sosmeta_validate::cases::all_cases;
use sosmeta_validate::Validator;

#[test]
fn from_json_agrees_with_draft7_and_refuses_semantic_mutants() {
    let validator = Validator::from_static(sosmeta_generated::embedded_release());
    let release = validator.release();
    let cases = all_cases(release);
    assert!(cases.len() > 3000, "{} cases", cases.len());
    let (mut accepted, mut refused_schema, mut refused_semantic) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for case in &cases {
        let reference = format!("{}@{}", case.oid, case.version);
        let def = release
            .resolve(&reference.parse().expect("a reference"))
            .expect("the case's definition");
        let draft7 = validator
            .schema_is_valid(def, &case.document)
            .expect("every schema compiles");
        let json = serde_json::to_string(&case.document).expect("JSON");
        let typed = Document::from_json(&reference, &json);
        // Draft 7 refuses, or it accepts a mutant only a Sosmeta rule catches.
        let expected_ok = draft7 && case.semantic_rule.is_none();
        match (&typed, expected_ok) {
            (Ok(doc), true) => {
                accepted += 1;
                // What is read is written back unchanged.
                let back: serde_json::Value =
                    serde_json::from_str(&doc.to_json()).expect("own JSON");
                if back != case.document {
                    disagreements.push(format!("{}: round trip differs", case.id));
                }
            }
            (Err(_), false) if draft7 => refused_semantic += 1,
            (Err(_), false) => refused_schema += 1,
            (Ok(_), false) => disagreements.push(format!(
                "{}: typed accepts what {} refuses ({})",
                case.id,
                if draft7 { "a Sosmeta rule" } else { "Draft 7" },
                case.pointer
            )),
            (Err(e), true) => disagreements.push(format!(
                "{}: typed refuses what Draft 7 accepts: {e}",
                case.id
            )),
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements of {}, e.g.\n{}",
        disagreements.len(),
        cases.len(),
        disagreements[..disagreements.len().min(25)].join("\n")
    );
    eprintln!(
        "{} cases: {accepted} accepted, {refused_schema} refused as Draft 7 does, \
         {refused_semantic} semantic-only mutants refused",
        cases.len()
    );
    // Every verdict occurs: valid samples, schema mutants and semantic-only mutants.
    assert!(
        accepted >= 2 * release.len() && refused_schema > 1000 && refused_semantic > 100,
        "{accepted} accepted, {refused_schema} refused by Draft 7, {refused_semantic} semantic"
    );
}
