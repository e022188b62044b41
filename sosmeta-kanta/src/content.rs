//! Cheap looks into the structured JSON without building a `serde_json::Value` of the whole
//! document (which costs more than the content validation itself): its root keys, and a
//! skeleton holding only the author (*laatija*) subtrees for the recorder rule.

use serde_json::value::RawValue;
use serde_json::{Map, Value};
use sosmeta_model::Definition;
use sosmeta_validate::json_tree::{JsonRef, JsonView};
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

/// What one pass over the structured JSON gives the archive rules: [`root_keys`] and
/// [`author_skeleton`] at once.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// The root object's keys (sorted, without repeats), or `None` when the root is not an
    /// object. The same as [`root_keys`].
    pub keys: Option<Vec<String>>,
    /// The author skeleton for the paths given (`Null` when none is found). The same as
    /// [`author_skeleton`].
    pub authors: Value,
}

/// [`root_keys`] and [`author_skeleton`] in one pass over `json` (the separate functions
/// read the text once per path and once more for the keys); values off the `paths` are
/// skipped without being built. `None` when the text is not JSON.
pub fn scan(json: &str, paths: &[String]) -> Option<Scan> {
    let trie = Node::of(paths);
    let mut de = serde_json::Deserializer::from_str(json);
    let scan = serde::de::DeserializeSeed::deserialize(RootSeed(&trie), &mut de).ok()?;
    de.end().ok()?;
    Some(scan)
}

/// [`scan`] on a document already parsed into `sosmeta-validate`'s tree (the one the
/// content validation then checks: the JSON is parsed once). Members are taken in
/// order, so a repeated key counts as the parser's last one, as in [`scan`].
pub fn scan_tree(root: JsonRef<'_>, paths: &[String]) -> Scan {
    let Some(object) = root.as_object() else {
        return Scan::not_an_object();
    };
    let trie = Node::of(paths);
    let mut keys = std::collections::BTreeSet::new();
    let mut out = Map::new();
    for (key, value) in object.iter() {
        if let Some(node) = trie.child(key) {
            match subtree(node, value) {
                Some(v) => {
                    out.insert(key.to_string(), v);
                }
                None => {
                    out.remove(key);
                }
            }
        }
        if !keys.contains(key) {
            keys.insert(key.to_string());
        }
    }
    Scan {
        keys: Some(keys.into_iter().collect()),
        authors: if out.is_empty() {
            Value::Null
        } else {
            Value::Object(out)
        },
    }
}

/// [`SubSeed`] on a tree value: the whole value where a path ends, else the branches
/// that lead to a path's end (`None` when none does). Recursion as deep as the longest
/// path, not the document.
fn subtree(node: &Node, value: JsonRef<'_>) -> Option<Value> {
    if node.terminal {
        return Some(value.to_value());
    }
    match value.view() {
        JsonView::Object(object) => {
            let mut out = Map::new();
            for (key, v) in object.iter() {
                if let Some(child) = node.child(key).filter(|_| key != "*") {
                    match subtree(child, v) {
                        Some(v) => {
                            out.insert(key.to_string(), v);
                        }
                        None => {
                            out.remove(key);
                        }
                    }
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        JsonView::Array(items) => {
            let star = node.child("*")?;
            Some(Value::Array(
                items
                    .iter()
                    .map(|v| subtree(star, v).unwrap_or(Value::Null))
                    .collect(),
            ))
        }
        _ => None,
    }
}

/// The paths as a tree of tokens (`*` = every array item); `terminal` where a path ends
/// (the whole value is kept).
#[derive(Default)]
struct Node {
    terminal: bool,
    children: Vec<(String, Node)>,
}

impl Node {
    /// The paths' tokens as a tree.
    fn of(paths: &[String]) -> Node {
        let mut trie = Node::default();
        for path in paths {
            let mut node = &mut trie;
            for token in path.split('/').skip(1) {
                let i = match node.children.iter().position(|(t, _)| t == token) {
                    Some(i) => i,
                    None => {
                        node.children.push((token.to_string(), Node::default()));
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[i].1;
            }
            node.terminal = true;
        }
        trie
    }

    fn child(&self, token: &str) -> Option<&Node> {
        self.children
            .iter()
            .find(|(t, _)| t == token)
            .map(|(_, n)| n)
    }
}

struct RootSeed<'a>(&'a Node);

impl<'de> serde::de::DeserializeSeed<'de> for RootSeed<'_> {
    type Value = Scan;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Scan, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RootSeed<'_> {
    type Value = Scan;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Scan, A::Error> {
        let mut keys = std::collections::BTreeSet::new();
        let mut out = Map::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match self.0.child(&key) {
                Some(node) => match map.next_value_seed(SubSeed(node))? {
                    Some(v) => {
                        out.insert(key.to_string(), v);
                    }
                    None => {
                        out.remove(key.as_ref());
                    }
                },
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            keys.insert(key.into_owned());
        }
        Ok(Scan {
            keys: Some(keys.into_iter().collect()),
            authors: if out.is_empty() {
                Value::Null
            } else {
                Value::Object(out)
            },
        })
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scan, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Scan::not_an_object())
    }
    fn visit_str<E>(self, _: &str) -> Result<Scan, E> {
        Ok(Scan::not_an_object())
    }
    fn visit_bool<E>(self, _: bool) -> Result<Scan, E> {
        Ok(Scan::not_an_object())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Scan, E> {
        Ok(Scan::not_an_object())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Scan, E> {
        Ok(Scan::not_an_object())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Scan, E> {
        Ok(Scan::not_an_object())
    }
    fn visit_unit<E>(self) -> Result<Scan, E> {
        Ok(Scan::not_an_object())
    }
}

impl Scan {
    fn not_an_object() -> Scan {
        Scan {
            keys: None,
            authors: Value::Null,
        }
    }
}

/// A value below the root: the whole value where a path ends, else only the branches that
/// lead to a path's end (`None` when none does, as [`extract`] gives).
struct SubSeed<'a>(&'a Node);

impl<'de> serde::de::DeserializeSeed<'de> for SubSeed<'_> {
    type Value = Option<Value>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        if self.0.terminal {
            return serde::Deserialize::deserialize(d).map(Some);
        }
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for SubSeed<'_> {
    type Value = Option<Value>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<Option<Value>, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match self.0.child(&key).filter(|_| key != "*") {
                Some(node) => match map.next_value_seed(SubSeed(node))? {
                    Some(v) => {
                        out.insert(key.into_owned(), v);
                    }
                    None => {
                        out.remove(key.as_ref());
                    }
                },
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok((!out.is_empty()).then_some(Value::Object(out)))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> Result<Option<Value>, A::Error> {
        let Some(star) = self.0.child("*") else {
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            return Ok(None);
        };
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(SubSeed(star))? {
            items.push(v.unwrap_or(Value::Null));
        }
        Ok(Some(Value::Array(items)))
    }
    fn visit_str<E>(self, _: &str) -> Result<Option<Value>, E> {
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Option<Value>, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Option<Value>, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Option<Value>, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Option<Value>, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Option<Value>, E> {
        Ok(None)
    }
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

    /// One pass agrees with the separate looks, path by path and merged, on documents
    /// that have, lack or mistype the author branches.
    #[test]
    fn scan_agrees_with_root_keys_and_the_skeleton() {
        let paths: Vec<String> = [
            "/d/laatija",
            "/d/x/*/laatija",
            "/d/x/*/y/laatija",
            "/d/z/laatija",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        let mut checked = 0;
        for json in [
            r#"{"d": {"laatija": {"etunimet": "A"}, "x": [{"laatija": 1}, {"q": 2}, 3, {"y": {"laatija": [4]}}], "w": {"laatija": 5}}}"#,
            r#"{"d": {"x": {"laatija": 1}, "z": []}}"#,
            r#"{"d": {"x": [], "z": {"laatija": null}}, "e": 1, "a": [1, {"b": 2}]}"#,
            r#"{"d": {"laatija": 1, "laatija": 2}}"#,
            r#"{"d": {"x": [{"laatija": 1}], "x": 3}}"#,
            r#"{"e": {"laatija": 1}, "e": 2}"#,
            r#"{"d": "text"}"#,
            r#"{"d ": {"laatija": 1}, "d": {"z": {"laatija": "ä"}}}"#,
            "{}",
            "[1, {\"d\": {\"laatija\": 1}}]",
            "\"d\"",
            "12",
            "null",
            "{\"d\": 1",
            "{\"d\": 1} x",
            "",
        ] {
            for n in 0..=paths.len() {
                let p = &paths[..n];
                let want = author_skeleton(p, json).map(|authors| Scan {
                    keys: root_keys(json),
                    authors,
                });
                assert_eq!(scan(json, p), want, "{json} with {n} paths");
                // The tree form agrees wherever the text is JSON.
                if let Ok(tree) = sosmeta_validate::json_tree::JsonTree::parse(json) {
                    let got = scan_tree(tree.root(), p);
                    assert_eq!(Some(got), want, "tree: {json} with {n} paths");
                    checked += 1;
                }
            }
        }
        // Thirteen of the sixteen texts are JSON, each with 0-4 paths.
        assert_eq!(checked, 13 * 5);
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
