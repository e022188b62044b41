//! Privacy by default (issue 17): findings never carry a whole personal identity code nor
//! more than a short prefix of a long value; `show_values` (`--show-values`) shows them.

use serde_json::Value;
use sosmeta_validate::{ValidateOptions, Validator};
use std::sync::OnceLock;

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::from_static(sosmeta_generated::embedded_release()))
}

fn example() -> Value {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/asiakkuusasiakirja.json"
    );
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn run(doc: &Value, show: bool) -> Vec<(String, String)> {
    let opts = ValidateOptions {
        show_values: show,
        ..ValidateOptions::default()
    };
    let bytes = serde_json::to_vec(doc).unwrap();
    validator()
        .validate_bytes("doc.json", &bytes, &opts)
        .findings
        .into_iter()
        .map(|f| (f.rule.to_string(), f.message))
        .collect()
}

#[test]
fn a_hetu_is_masked_by_default_and_shown_on_request() {
    let mut doc = example();
    doc["asiakkuusasiakirja"]["asiakas"]["henkilotunnus"]["value"] = "131052-308U".into();
    // The same code in a date field: its message quotes the value.
    doc["asiakkuusasiakirja"]["asiakas"]["syntymaaika"] = "131052-308T".into();
    let findings = run(&doc, false);
    assert!(
        findings.iter().any(|(r, _)| r == "hetu.checksum"),
        "{findings:?}"
    );
    for (rule, m) in &findings {
        assert!(!m.contains("308U") && !m.contains("308T"), "{rule}: {m}");
    }
    let shown = run(&doc, true);
    let hetu = shown.iter().find(|(r, _)| r == "hetu.checksum").unwrap();
    assert!(hetu.1.contains("131052-308U"), "{hetu:?}");
}

#[test]
fn a_10_mb_value_is_not_echoed() {
    let big = "x".repeat(10 << 20);
    let mut doc = example();
    let a = &mut doc["asiakkuusasiakirja"];
    a["asiakas"]["asiointikieli"]["code"] = big.clone().into(); // value set / koodisto
    a["asiakas"]["asiointikieli"]["display"] = big.clone().into(); // display
    a["asiakas"]["syntymaaika"] = big.clone().into(); // pattern and date
    a["asiakas"]["henkilotunnus"]["value"] = big.clone().into(); // hetu grammar
    a["asiakas"][big.as_str()] = true.into(); // an unknown key
    let findings = run(&doc, false);
    assert!(findings.len() >= 4, "{}", findings.len());
    for (rule, m) in &findings {
        assert!(m.len() < 1100, "{rule}: {} bytes", m.len());
        assert!(!m.contains(&"x".repeat(200)), "{rule}: {}", &m[..200]);
    }
    // With --show-values the value is there whole (for local debugging).
    let shown = run(&doc, true);
    assert!(shown.iter().any(|(_, m)| m.contains(&big)));
}
