//! The element tree (*tietosisältö*): one [`Element`] per JSON Schema node, with its
//! constraints and the typed `sosmeta` extension ([`ElementMeta`]).

use crate::representation::Representation;
use crate::text::Texts;
use crate::value_set::ValueSet;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The JSON type of an element (`type` in the schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `object`: a group of named children.
    Object,
    /// `array`: a repeatable element; `items` holds the element repeated.
    Array,
    /// `string`.
    String,
    /// `number`.
    Number,
    /// `integer`.
    Integer,
    /// `boolean`.
    Boolean,
    /// `null`.
    Null,
}

impl Kind {
    /// The JSON Schema type name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Object => "object",
            Kind::Array => "array",
            Kind::String => "string",
            Kind::Number => "number",
            Kind::Integer => "integer",
            Kind::Boolean => "boolean",
            Kind::Null => "null",
        }
    }

    /// Parse a JSON Schema type name.
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "object" => Kind::Object,
            "array" => Kind::Array,
            "string" => Kind::String,
            "number" => Kind::Number,
            "integer" => Kind::Integer,
            "boolean" => Kind::Boolean,
            "null" => Kind::Null,
            _ => return None,
        })
    }
}

/// One node of a definition: a JSON key with its type, constraints, children and
/// Sosmeta metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Element {
    /// The JSON key of the element in its parent (`""` for array items).
    pub key: String,
    /// The JSON type.
    pub kind: Kind,
    /// `title` (only the schema root carries one in practice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `minLength` of a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// `pattern` of a string (ECMA 262 regex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `enum`: the allowed values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<Value>>,
    /// `minItems` of an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// `required`: keys of children that must be present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Vec<String>>,
    /// `additionalProperties` (always `false` on Sosmeta objects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_properties: Option<bool>,
    /// `properties`: the children in the order written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<Element>>,
    /// `items`: the repeated element of an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Element>>,
    /// The `sosmeta` extension of this node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sosmeta: Option<ElementMeta>,
    /// Members of this node the model does not know, kept as written.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// The `sosmeta` extension of a node: names, texts, flags and classification data.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElementMeta {
    /// `name`: the element's name (*nimi*), fi and sv.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Texts>,
    /// `description`: what the element holds (*kuvaus*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Texts>,
    /// `example` (*esimerkki*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Texts>,
    /// `implementationNote`: guidance for implementers (*toteutusohje*); states the
    /// condition of a conditionally required element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implementation_note: Option<Texts>,
    /// `title`: the heading shown instead of the name (*otsikko*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Texts>,
    /// `representation` (*esitystapa*), as written; see [`Element::representation`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representation: Option<Texts>,
    /// `classification`: the name of the code set (*luokitus*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<Texts>,
    /// `classificationLink`: a link to the code set on Koodistopalvelu.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification_link: Option<Texts>,
    /// `classificationOid`: the OID(s) of the code set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification_oid: Option<Texts>,
    /// `systemUri`: the identifier system of a Tunnus (e.g. `urn:oid:1.2.246.21`, hetu).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_uri: Option<Texts>,
    /// `acceptedValues`: the codes allowed from the classification (*sallitut arvot*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_values: Option<Texts>,
    /// `valueSet`: the allowed codes as `code = display` text; see [`Element::value_set`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_set: Option<Texts>,
    /// `phrase`: the fixed text of a Fraasi (*fraasi*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase: Option<Texts>,
    /// `repeatable` (*toistuva*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeatable: Option<bool>,
    /// `required` (*pakollinen*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// `conditionalRequired` (*ehdollisesti pakollinen*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditional_required: Option<bool>,
    /// `nationwideRecordedInformation` (*valtakunnallisesti kirjattava tieto*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationwide_recorded_information: Option<bool>,
    /// `hiddenField`: not shown to people (*piilotettu kenttä*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_field: Option<bool>,
    /// `hiddenTitle`: the value is shown without its name (*piilotettu otsikko*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_title: Option<bool>,
    /// `rowNumber`: display order in the definition (*rivinumero*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_number: Option<i64>,
    /// Members the model does not know, kept as written.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// One node met by [`Element::walk`].
#[derive(Debug, Clone)]
pub struct WalkItem<'a> {
    /// JSON pointer of the node in the schema, relative to the walk's start
    /// (e.g. `/properties/asiakas/items`).
    pub pointer: String,
    /// Where values of this node sit in a document, relative to the walk's start;
    /// array items are written `/*` (e.g. `/asiakas/*`).
    pub data_path: String,
    /// Depth below the start (0 for the start).
    pub depth: usize,
    /// The node.
    pub element: &'a Element,
}

impl Element {
    /// The children (`properties`) in order; empty for non-objects.
    pub fn children(&self) -> &[Element] {
        self.properties.as_deref().unwrap_or(&[])
    }

    /// The child with JSON key `key`.
    pub fn child(&self, key: &str) -> Option<&Element> {
        self.children().iter().find(|c| c.key == key)
    }

    /// True when `key` is listed in this object's `required`.
    pub fn requires(&self, key: &str) -> bool {
        self.required
            .as_ref()
            .is_some_and(|r| r.iter().any(|k| k == key))
    }

    /// The Sosmeta metadata that describes this element: its own, or for an array
    /// (which carries none in Sosmeta) that of its `items`.
    pub fn meta(&self) -> Option<&ElementMeta> {
        self.sosmeta.as_ref().or_else(|| {
            if self.kind == Kind::Array {
                self.items.as_ref().and_then(|i| i.sosmeta.as_ref())
            } else {
                None
            }
        })
    }

    /// The element that holds the value: `items` for arrays, the element itself otherwise.
    pub fn item(&self) -> &Element {
        match (&self.kind, &self.items) {
            (Kind::Array, Some(items)) => items,
            _ => self,
        }
    }

    /// The typed representation (*esitystapa*), from the Finnish name.
    pub fn representation(&self) -> Option<Representation> {
        let texts = self.meta()?.representation.as_ref()?;
        texts
            .fi()
            .or_else(|| texts.values().next())
            .map(Representation::from_finnish)
    }

    /// The Finnish name, falling back to the first name given.
    pub fn name_fi(&self) -> Option<&str> {
        let names = self.meta()?.name.as_ref()?;
        names.fi().or_else(|| names.values().next())
    }

    /// The name in `lang`, falling back to Finnish.
    pub fn name(&self, lang: &crate::Lang) -> Option<&str> {
        self.meta()?.name.as_ref()?.best(lang)
    }

    /// True when the element may repeat (an array, or `repeatable: true`).
    pub fn is_repeatable(&self) -> bool {
        self.kind == Kind::Array || self.meta().and_then(|m| m.repeatable) == Some(true)
    }

    /// True when marked `conditionalRequired`.
    pub fn is_conditional_required(&self) -> bool {
        self.meta().and_then(|m| m.conditional_required) == Some(true)
    }

    /// True when marked `hiddenField`.
    pub fn is_hidden_field(&self) -> bool {
        self.meta().and_then(|m| m.hidden_field) == Some(true)
    }

    /// True when marked `hiddenTitle`.
    pub fn is_hidden_title(&self) -> bool {
        self.meta().and_then(|m| m.hidden_title) == Some(true)
    }

    /// `rowNumber`, the display order.
    pub fn row_number(&self) -> Option<i64> {
        self.meta().and_then(|m| m.row_number)
    }

    /// Classifications (*luokitus*) named by `classificationOid`, trimmed, without the
    /// placeholder `-`. Most are OIDs on Koodistopalvelu; some definitions name an
    /// internal classification instead (e.g. `Päätös erityishuollosta/Päätös koskee`).
    pub fn classification_refs(&self) -> Vec<&str> {
        let Some(t) = self.meta().and_then(|m| m.classification_oid.as_ref()) else {
            return Vec::new();
        };
        t.values()
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != "-")
            .collect()
    }

    /// The classification references that are well-formed OIDs (*luokituksen OID*).
    pub fn classification_oids(&self) -> Vec<&str> {
        self.classification_refs()
            .into_iter()
            .filter(|v| crate::id::is_oid(v))
            .collect()
    }

    /// The `systemUri` of a Tunnus, e.g. `urn:oid:1.2.246.21`.
    pub fn system_uri(&self) -> Option<&str> {
        self.meta()?
            .system_uri
            .as_ref()?
            .values()
            .next()
            .map(str::trim)
    }

    /// True when this is a Tunnus whose own system is the Finnish personal identity
    /// code's ([`crate::samples::HETU_SYSTEM`]): its values are hetus unless they name
    /// another system.
    pub fn is_hetu_identifier(&self) -> bool {
        self.representation() == Some(Representation::Tunnus)
            && self.system_uri() == Some(sosmeta_types::HETU_SYSTEM)
    }

    /// The codes a Koodi allows: its `acceptedValues`, else the codes of its parsed
    /// `valueSet`; `None` when the definition does not say (then any code of the
    /// classification is allowed). The schema's own `enum` on `code`, if any, is checked
    /// by the schema and not included here.
    pub fn allowed_codes(&self) -> Option<Vec<String>> {
        let accepted = self.accepted_values();
        if !accepted.is_empty() {
            return Some(accepted.into_iter().map(String::from).collect());
        }
        let vs = self.value_set()?;
        let entries = vs.entries()?;
        (!entries.is_empty()).then(|| entries.iter().map(|e| e.code.clone()).collect())
    }

    /// The codes listed in `acceptedValues` (one per entry).
    pub fn accepted_values(&self) -> Vec<&str> {
        self.meta()
            .and_then(|m| m.accepted_values.as_ref())
            .map(|t| {
                t.values()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The parsed `valueSet` (*arvojoukko*), if the element has one.
    pub fn value_set(&self) -> Option<ValueSet> {
        self.meta()?.value_set.as_ref().map(ValueSet::parse)
    }

    /// The display text of a Koodi's `code` in `lang`, where the definition gives one in
    /// that language (its parsed `valueSet`). Readers fall back to the document's own
    /// `display` when this is `None`.
    pub fn code_display(&self, code: &str, lang: &crate::Lang) -> Option<String> {
        self.value_set()?.display(code, lang).map(str::to_string)
    }

    /// The fixed text of a Fraasi: `phrase` in Finnish, or the single `enum` value.
    pub fn phrase(&self) -> Option<&str> {
        if let Some(p) = self.meta().and_then(|m| m.phrase.as_ref()) {
            if let Some(v) = p.fi().or_else(|| p.values().next()) {
                return Some(v);
            }
        }
        match self.enum_values.as_deref() {
            Some([Value::String(s)]) => Some(s),
            _ => None,
        }
    }

    /// Every node from this one down, depth first, children in order.
    pub fn walk(&self) -> impl Iterator<Item = WalkItem<'_>> {
        let mut stack = vec![WalkItem {
            pointer: String::new(),
            data_path: String::new(),
            depth: 0,
            element: self,
        }];
        std::iter::from_fn(move || {
            let item = stack.pop()?;
            let el = item.element;
            if let Some(items) = &el.items {
                stack.push(WalkItem {
                    pointer: format!("{}/items", item.pointer),
                    data_path: format!("{}/*", item.data_path),
                    depth: item.depth + 1,
                    element: items,
                });
            }
            for child in el.children().iter().rev() {
                let key = escape_pointer(&child.key);
                stack.push(WalkItem {
                    pointer: format!("{}/properties/{}", item.pointer, key),
                    data_path: format!("{}/{}", item.data_path, key),
                    depth: item.depth + 1,
                    element: child,
                });
            }
            Some(item)
        })
    }

    /// The deepest nesting of JSON values a document of this element can have.
    pub fn max_depth(&self) -> usize {
        let below = self
            .children()
            .iter()
            .map(Element::max_depth)
            .chain(self.items.as_deref().map(Element::max_depth))
            .max();
        match (self.kind, below) {
            (Kind::Object | Kind::Array, Some(d)) => d + 1,
            (Kind::Object | Kind::Array, None) => 1,
            _ => 0,
        }
    }
}

/// Split a JSON pointer into its unescaped tokens (`~1` → `/`, `~0` → `~`).
pub fn pointer_tokens(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .strip_prefix('/')
        .unwrap_or(pointer)
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// A JSON value as [`values_at`] and the readers of the content walk it: a
/// `serde_json::Value` here, `sosmeta-validate`'s parsed tree there (so that a data path
/// selects the same values in either).
pub trait JsonNode<'v>: Copy {
    /// The member `key` of an object (`None` for other values; the last of a repeated
    /// key, as `serde_json` keeps it).
    fn member(self, key: &str) -> Option<Self>;
    /// The string, if the value is one.
    fn text(self) -> Option<&'v str>;
    /// The items of an array (`None` for other values).
    fn items(self) -> Option<Vec<Self>>;
    /// The member values of an object in order, one per key (none for other values).
    fn values(self) -> Vec<Self>;
}

impl<'v> JsonNode<'v> for &'v Value {
    fn member(self, key: &str) -> Option<Self> {
        self.get(key)
    }
    fn text(self) -> Option<&'v str> {
        self.as_str()
    }
    fn items(self) -> Option<Vec<Self>> {
        self.as_array().map(|a| a.iter().collect())
    }
    fn values(self) -> Vec<Self> {
        self.as_object()
            .map(|o| o.values().collect())
            .unwrap_or_default()
    }
}

/// The values of a document at a data path of [`Element::walk`] (`/a/*/b`: `*` stands for
/// every array item), each with its JSON pointer. Keys are matched as written (data paths
/// of the Sosmeta dialect hold no `/` or `~` in keys).
pub fn values_at<'v, J: JsonNode<'v>>(doc: J, data_path: &str) -> Vec<(String, J)> {
    let mut current = vec![(String::new(), doc)];
    for token in data_path.split('/').skip(1) {
        let mut next = Vec::new();
        for (p, v) in current {
            if token == "*" {
                if let Some(items) = v.items() {
                    next.extend(
                        items
                            .into_iter()
                            .enumerate()
                            .map(|(i, x)| (format!("{p}/{i}"), x)),
                    );
                }
            } else if let Some(x) = v.member(token) {
                next.push((format!("{p}/{}", escape_pointer(token)), x));
            }
        }
        current = next;
    }
    current
}

/// Escape a key for use as a JSON pointer token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_pointer(key: &str) -> std::borrow::Cow<'_, str> {
    sosmeta_types::pointer::escape(key)
}

#[cfg(test)]
mod values_at_tests {
    use super::values_at;

    #[test]
    fn walks_arrays_and_escapes_pointers() {
        let doc = serde_json::json!({"a": [{"b": 1}, {"c": 2}, {"b": 3}], "x~y": {"b": 4}});
        let got: Vec<(String, i64)> = values_at(&doc, "/a/*/b")
            .into_iter()
            .map(|(p, v)| (p, v.as_i64().unwrap()))
            .collect();
        assert_eq!(got, [("/a/0/b".to_string(), 1), ("/a/2/b".to_string(), 3)]);
        assert_eq!(values_at(&doc, "/x~y/b")[0].0, "/x~0y/b");
        assert!(values_at(&doc, "/nope/*").is_empty());
    }
}
