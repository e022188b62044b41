//! Looks into the structured JSON for the archive rules, without building a
//! `serde_json::Value` of the whole document (which costs more than the content validation
//! itself): the author (*laatija*) paths of a definition and the authors at them, read
//! from a `Value` (the JSON view) or from `sosmeta-validate`'s parsed tree (a CDA: the
//! JSON is parsed once, for the content validation and these rules).

use serde_json::Value;
use sosmeta_model::element::{values_at, JsonNode};
use sosmeta_model::Definition;
use sosmeta_validate::json_tree::JsonRef;

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

/// The authors at `paths` in `content` (a document as a `Value`: the JSON view).
pub fn content_authors(paths: &[String], content: &Value) -> Vec<ContentAuthor> {
    authors_in(paths, content)
}

/// [`content_authors`] read from the parsed tree of the document (no `Value` is built):
/// the same authors as [`content_authors`] of a `Value` of the same text (the tree keeps
/// one member per key, the last value of a repeated one at its first place, as a
/// `Value` does).
pub fn tree_authors(paths: &[String], root: JsonRef<'_>) -> Vec<ContentAuthor> {
    authors_in(paths, root)
}

/// [`content_authors`] over either kind of JSON value.
fn authors_in<'a, J: JsonNode<'a>>(paths: &[String], content: J) -> Vec<ContentAuthor> {
    let mut out = Vec::new();
    for path in paths {
        for (pointer, v) in values_at(content, path) {
            let items: Vec<(String, J)> = match v.items() {
                Some(a) => a
                    .into_iter()
                    .enumerate()
                    .map(|(i, x)| (format!("{pointer}/{i}"), x))
                    .collect(),
                None => vec![(pointer, v)],
            };
            for (pointer, v) in items {
                let text = |k: &str| v.member(k).and_then(J::text).map(str::to_string);
                let mut a = ContentAuthor {
                    pointer,
                    given_names: text("etunimet"),
                    family_name: text("sukunimi"),
                    hetu: None,
                    registration_number: None,
                };
                for x in v.values() {
                    let (Some(sys), Some(val)) = (
                        x.member("system").and_then(J::text),
                        x.member("value").and_then(J::text),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree reading of the authors agrees with the `Value` reading: authors as
    /// objects and in arrays, identifiers of both kinds with and without `urn:oid:`,
    /// items that are not authors, paths that end nowhere, repeated keys (the last
    /// value counts, at the first one's place).
    #[test]
    fn tree_authors_agree_with_the_value_reading() {
        let paths: Vec<String> = ["/d/laatija", "/d/x/*/laatija", "/d/none/laatija"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        let mut found = 0;
        for json in [
            r#"{"d": {"laatija": {"etunimet": "Aino", "sukunimi": "Testinen", "t": {"system": "urn:oid:1.2.246.21", "value": " 010101-123N "}}}}"#,
            r#"{"d": {"laatija": [{"sukunimi": "B", "r": {"system": "1.2.246.537.26", "value": "123"}}, 7, {"etunimet": "C"}]}}"#,
            r#"{"d": {"x": [{"laatija": {"etunimet": "D", "k": {"system": "9.9", "value": "x"}}}, {"q": 1}, 3, {"laatija": [{"sukunimi": "E"}]}]}}"#,
            r#"{"d": {"x": {"laatija": {"etunimet": "F"}}, "laatija": "text"}}"#,
            r#"{"d": {"laatija": {"etunimet": 1, "sukunimi": null, "t": {"system": 1, "value": "v"}}}}"#,
            r#"{"d": [], "x~/y": {"laatija": 1}}"#,
            r#"{"d": {"laatija": {"etunimet": "G"}, "q": 1, "laatija": {"etunimet": "H", "t": {"system": "1.2.246.21", "value": "1"}, "t": {"system": "1.2.246.21", "value": "2"}}}}"#,
        ] {
            let value: Value = serde_json::from_str(json).unwrap();
            let tree = sosmeta_validate::json_tree::JsonTree::parse(json).unwrap();
            let want = content_authors(&paths, &value);
            assert_eq!(tree_authors(&paths, tree.root()), want, "{json}");
            found += want.len();
        }
        // Aino; B, 7 and C; D and E (the item 3 and the object without laatija are
        // none); the text (`x` is no array); the mistyped one; H: nine authors in all.
        assert_eq!(found, 9);
    }
}
