//! The authors (*laatija*) of a document's content: what the recorder (*tallentaja*) of an
//! archive document's header is checked against.

use serde_json::Value;
use sosmeta_model::{Definition, Kind, Representation};

/// An author (*laatija*) found in the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// JSON pointer of the author in the document.
    pub pointer: String,
    /// Given names (*etunimet*).
    pub given_names: Option<String>,
    /// Family name (*sukunimi*).
    pub family_name: Option<String>,
    /// An identifier (a Tunnus child), if the definition has one and it is filled.
    pub identifier: Option<String>,
}

/// The authors (*laatija*) of a document; `None` when the definition has no laatija element.
pub fn authors(def: &Definition, content: &Value) -> Option<Vec<Author>> {
    let elements = def.author_elements();
    if elements.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for item in elements {
        let path = format!("/{}{}", def.document_key(), item.data_path);
        let element = item.element.item();
        for (pointer, value) in sosmeta_model::element::values_at(content, &path) {
            let items: Vec<(String, &Value)> = match value {
                Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("{pointer}/{i}"), v))
                    .collect(),
                v => vec![(pointer, v)],
            };
            for (pointer, v) in items {
                let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
                let identifier = element
                    .children()
                    .iter()
                    .find(|c| {
                        c.representation() == Some(Representation::Tunnus) && c.kind == Kind::Object
                    })
                    .and_then(|c| v.get(&c.key))
                    .and_then(|id| id.get("value"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                out.push(Author {
                    pointer,
                    given_names: text("etunimet"),
                    family_name: text("sukunimi"),
                    identifier,
                });
            }
        }
    }
    Some(out)
}
