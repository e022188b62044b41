//! One grammar per value type: on every generated case (all definitions of the embedded
//! release, valid samples and mutants), the validator's verdict on each Pvm, Hetki and
//! hetu value agrees with the typed parse of `sosmeta-types` (`PartialDate`, `Instant`,
//! `Identifier`).

use serde_json::Value;
use sosmeta_model::{Definition, Kind, Representation};
use sosmeta_types::{Identifier, Instant, PartialDate, HETU_SYSTEM};
use sosmeta_validate::cases::all_cases;
use sosmeta_validate::{Severity, ValidateOptions, Validator};

/// Every value of a document with its pointer.
fn values<'v>(v: &'v Value, pointer: &mut String, out: &mut Vec<(String, &'v Value)>) {
    out.push((pointer.clone(), v));
    let len = pointer.len();
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                pointer.push('/');
                pointer.push_str(&sosmeta_model::element::escape_pointer(k));
                values(x, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointer.push_str(&format!("/{i}"));
                values(x, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// The typed verdict on a value, when it is a Pvm, Hetki or hetu value.
fn typed(def: &Definition, pointer: &str, v: &Value) -> Option<(&'static str, bool, String)> {
    let el = def.element_at(pointer)?;
    match (el.representation(), v) {
        (Some(Representation::Pvm), Value::String(s)) if el.kind == Kind::String => {
            Some(("Pvm", s.parse::<PartialDate>().is_ok(), pointer.to_string()))
        }
        (Some(Representation::Hetki), Value::String(s)) if el.kind == Kind::String => {
            Some(("Hetki", s.parse::<Instant>().is_ok(), pointer.to_string()))
        }
        (Some(Representation::Tunnus), Value::Object(o)) if el.kind == Kind::Object => {
            let system = match o.get("system") {
                Some(Value::String(s)) => Some(s.trim()),
                Some(_) => return None,
                None => None,
            };
            let by_default = system.is_none() && el.is_hetu_identifier();
            if system != Some(HETU_SYSTEM) && !by_default {
                return None;
            }
            let mut ok = serde_json::from_value::<Identifier>(v.clone()).is_ok();
            if by_default {
                // No system member: the typed value cannot know it is a hetu; the
                // element's system says so, and the same grammar decides.
                let value = o.get("value").and_then(Value::as_str).unwrap_or("");
                ok &= sosmeta_types::hetu::parse(value).is_ok();
            }
            Some(("hetu", ok, format!("{pointer}/value")))
        }
        _ => None,
    }
}

#[test]
fn validator_and_typed_parse_agree_on_every_generated_case() {
    let validator = Validator::from_static(sosmeta_generated::embedded_release());
    let release = validator.release();
    let cases = all_cases(release);
    assert!(cases.len() > 1000, "{} cases", cases.len());
    let (mut accepted, mut refused) = (0usize, 0usize);
    let mut disagreements = Vec::new();
    for case in &cases {
        let id: sosmeta_model::DefinitionRef =
            format!("{}@{}", case.oid, case.version).parse().unwrap();
        let def = release.resolve(&id).unwrap();
        // Each case against its own version (the root key alone picks the one in force).
        let opts = ValidateOptions {
            definition: Some(def.id.clone()),
            ..ValidateOptions::default()
        };
        let result = validator.validate_value(&case.id, &case.document, &opts);
        let mut all = Vec::new();
        values(&case.document, &mut String::new(), &mut all);
        for (pointer, v) in all {
            let Some((what, typed_ok, at)) = typed(def, &pointer, v) else {
                continue;
            };
            let validator_ok = !result
                .findings
                .iter()
                .any(|f| f.severity == Severity::Error && f.pointer == at);
            if typed_ok {
                accepted += 1;
            } else {
                refused += 1;
            }
            if typed_ok != validator_ok {
                disagreements.push(format!(
                    "{} {what} at {at}: {v}: typed {typed_ok}, validator {validator_ok}",
                    case.id
                ));
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements, e.g.\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(20)].join("\n")
    );
    // Both verdicts occur: the mutants carry impossible dates and bad hetus.
    assert!(
        accepted > 1000 && refused > 100,
        "{accepted} accepted, {refused} refused"
    );
}
