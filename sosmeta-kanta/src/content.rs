//! Cheap looks into the structured JSON without building a `serde_json::Value` of the whole
//! document (which costs more than the content validation itself): its root keys, and a
//! skeleton holding only the author (*laatija*) subtrees for the recorder rule.

use serde_json::value::RawValue;
use serde_json::{Map, Value};
use sosmeta_model::Definition;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The root object's keys, or `None` when the text is not a JSON object.
pub fn root_keys(json: &str) -> Option<Vec<String>> {
    let map: BTreeMap<Cow<'_, str>, serde::de::IgnoredAny> = serde_json::from_str(json).ok()?;
    Some(map.into_keys().map(Cow::into_owned).collect())
}

/// The data paths of the definition's author (*laatija*) elements from the document root,
/// e.g. `/lapsiperheiden_palvelujen_asiakassuunnitelma/laatija` (`*` = every array item).
/// Empty when the definition has none (asiakkuusasiakirja).
pub fn laatija_paths(def: &Definition) -> Vec<String> {
    def.document()
        .walk()
        .filter(|i| i.element.key == "laatija")
        .map(|i| format!("/{}{}", def.document_key(), i.data_path))
        .collect()
}

/// An author (*laatija*) found in the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentAuthor {
    /// JSON pointer of the author in the document.
    pub pointer: String,
    /// `etunimet`.
    pub given_names: Option<String>,
    /// `sukunimi`.
    pub family_name: Option<String>,
    /// A hetu (a Tunnus child with system `urn:oid:1.2.246.21`).
    pub hetu: Option<String>,
    /// A registration number (system `urn:oid:1.2.246.537.26`).
    pub registration_number: Option<String>,
}

/// The authors at `paths` in `content` (a document or an author skeleton).
pub fn content_authors(paths: &[String], content: &Value) -> Vec<ContentAuthor> {
    let mut out = Vec::new();
    for path in paths {
        for (pointer, v) in sosmeta_model::element::values_at(content, path) {
            let items: Vec<(String, &Value)> = match v {
                Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .map(|(i, x)| (format!("{pointer}/{i}"), x))
                    .collect(),
                x => vec![(pointer, x)],
            };
            for (pointer, v) in items {
                let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
                let mut a = ContentAuthor {
                    pointer,
                    given_names: text("etunimet"),
                    family_name: text("sukunimi"),
                    hetu: None,
                    registration_number: None,
                };
                for x in v.as_object().into_iter().flat_map(|o| o.values()) {
                    let (Some(sys), Some(val)) = (
                        x.get("system").and_then(Value::as_str),
                        x.get("value").and_then(Value::as_str),
                    ) else {
                        continue;
                    };
                    match sys.trim().trim_start_matches("urn:oid:") {
                        "1.2.246.21" => a.hetu = Some(val.trim().to_string()),
                        "1.2.246.537.26" => a.registration_number = Some(val.trim().to_string()),
                        _ => {}
                    }
                }
                out.push(a);
            }
        }
    }
    out
}

/// A value that has only the branches down to each path (arrays keep their length, other
/// items are `null`), so that JSON pointers into it are pointers into the document.
/// `None` when the text is not JSON.
pub fn author_skeleton(paths: &[String], json: &str) -> Option<Value> {
    let root: &RawValue = serde_json::from_str(json).ok()?;
    let mut out = Value::Null;
    for path in paths {
        let tokens: Vec<&str> = path.split('/').skip(1).collect();
        if let Some(v) = extract(root, &tokens) {
            merge(&mut out, v);
        }
    }
    Some(out)
}

fn extract(raw: &RawValue, tokens: &[&str]) -> Option<Value> {
    let Some((first, rest)) = tokens.split_first() else {
        return serde_json::from_str(raw.get()).ok();
    };
    if *first == "*" {
        let items: Vec<&RawValue> = serde_json::from_str(raw.get()).ok()?;
        let values: Vec<Value> = items
            .into_iter()
            .map(|i| extract(i, rest).unwrap_or(Value::Null))
            .collect();
        return Some(Value::Array(values));
    }
    let map: BTreeMap<Cow<'_, str>, &RawValue> = serde_json::from_str(raw.get()).ok()?;
    let child = map.get(*first)?;
    let mut m = Map::new();
    m.insert((*first).to_string(), extract(child, rest)?);
    Some(Value::Object(m))
}

fn merge(into: &mut Value, v: Value) {
    match (into, v) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, x) in b {
                match a.get_mut(&k) {
                    Some(y) => merge(y, x),
                    None => {
                        a.insert(k, x);
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, x) in b.into_iter().enumerate() {
                match a.get_mut(i) {
                    Some(y) => merge(y, x),
                    None => a.push(x),
                }
            }
        }
        (slot @ Value::Null, v) => *slot = v,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_keys_of_objects_only() {
        assert_eq!(
            root_keys(r#"{"a": {"x": [1, {"y": 2}]}}"#),
            Some(vec!["a".into()])
        );
        assert_eq!(root_keys(r#"{"a": 1, "b": 2}"#).unwrap().len(), 2);
        assert_eq!(root_keys("[1]"), None);
        assert_eq!(root_keys("{"), None);
    }

    #[test]
    fn merge_keeps_both_branches() {
        let mut a = serde_json::json!({"d": {"x": [{"laatija": 1}, null]}});
        merge(
            &mut a,
            serde_json::json!({"d": {"x": [null, {"laatija": 2}], "y": {"laatija": 3}}}),
        );
        assert_eq!(
            a,
            serde_json::json!({"d": {"x": [{"laatija": 1}, {"laatija": 2}], "y": {"laatija": 3}}})
        );
    }
}
