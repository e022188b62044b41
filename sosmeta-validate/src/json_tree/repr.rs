//! [`TreeJson`]: the `jsonschema` crate's view of a [`JsonTree`], so that the JSON
//! Schema layer validates the parsed arena directly (no `serde_json::Value` is built
//! unless an error report needs one).
//!
//! The contract is checked by the crate's own conformance test (see the tests below).

use super::{ArrayRef, Items, JsonRef, JsonTree, JsonView, Members, Node, ObjectRef};
use jsonschema::json::{cmp, Array, Json, Node as JsonNode, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde_json::{Number, Value};
use std::borrow::Cow;

/// The [`JsonTree`] representation for `jsonschema::options_for::<TreeJson>()`.
#[derive(Debug)]
pub struct TreeJson;

impl Json for TreeJson {
    type Node<'a> = JsonRef<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = JsonTree<'static>;

    // Members sit in a small vector: one pass over them costs about as much as a few
    // lookups, which are linear scans themselves.
    const KEYS_PER_LOOKUP: usize = 2;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>(
        buffer: &mut JsonTree<'static>,
        string: &str,
        f: impl FnOnce(JsonRef<'_>) -> T,
    ) -> T {
        buffer.nodes.clear();
        buffer.decoded.clear();
        buffer.decoded.push_str(string);
        buffer.nodes.push(Node::Decoded {
            start: 0,
            len: u32::try_from(string.len()).unwrap_or(u32::MAX),
        });
        buffer.root = 0;
        f(buffer.root())
    }
}

impl<'a> JsonNode<'a, TreeJson> for JsonRef<'a> {
    type Object = ObjectRef<'a>;
    type Array = ArrayRef<'a>;
    type Number = &'a Number;

    fn as_object(&self) -> Option<ObjectRef<'a>> {
        JsonRef::as_object(self)
    }

    fn as_array(&self) -> Option<ArrayRef<'a>> {
        JsonRef::as_array(self)
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        self.as_str().map(Cow::Borrowed)
    }

    fn as_number(&self) -> Option<&'a Number> {
        match self.view() {
            JsonView::Number(n) => Some(n),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.view() {
            JsonView::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.view(), JsonView::Null)
    }

    fn json_type(&self) -> JsonType {
        match self.view() {
            JsonView::Null => JsonType::Null,
            JsonView::Bool(_) => JsonType::Boolean,
            JsonView::Number(_) => JsonType::Number,
            JsonView::String(_) => JsonType::String,
            JsonView::Array(_) => JsonType::Array,
            JsonView::Object(_) => JsonType::Object,
        }
    }

    fn string_length_within(&self, min: u64, max: u64) -> Option<bool> {
        let s = self.as_str()?;
        // A code point is one to four bytes: the byte length often decides alone.
        let bytes = s.len() as u64;
        if bytes < min || bytes.div_ceil(4) > max {
            return Some(false);
        }
        if min <= bytes.div_ceil(4) && bytes <= max {
            return Some(true);
        }
        Some((min..=max).contains(&(s.chars().count() as u64)))
    }

    fn equals_value(&self, expected: &Value) -> bool {
        match (self.view(), expected) {
            (JsonView::String(s), Value::String(e)) => s == e,
            (JsonView::String(_), _) | (_, Value::String(_)) => false,
            (JsonView::Number(n), Value::Number(e)) => cmp::equal_numbers(&n, e),
            (JsonView::Bool(b), Value::Bool(e)) => b == *e,
            (JsonView::Null, Value::Null) => true,
            _ => cmp::equal(&self.to_value(), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(JsonRef::to_value(*self))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::tagged(
            std::ptr::from_ref(self.tree) as usize,
            self.idx,
        ))
    }
}

impl<'a> Object<'a, TreeJson> for ObjectRef<'a> {
    type Node = JsonRef<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        ObjectRef::len(self)
    }

    fn get(&self, key: &Box<str>) -> Option<JsonRef<'a>> {
        ObjectRef::get(self, key)
    }

    fn members(&self) -> Members<'a> {
        self.iter()
    }
}

impl<'a> Array<'a, TreeJson> for ArrayRef<'a> {
    type Node = JsonRef<'a>;
    type ElementsIter = Items<'a>;

    fn len(&self) -> usize {
        ArrayRef::len(self)
    }

    fn elements(&self) -> Items<'a> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conformance() {
        let text = serde_json::to_string(&jsonschema::json::conformance::document()).unwrap();
        let tree = JsonTree::parse(&text).unwrap();
        jsonschema::json::conformance::assert_conformance::<TreeJson>(&tree.root());
        let value = jsonschema::json::conformance::document();
        let tree = JsonTree::from_value(&value);
        jsonschema::json::conformance::assert_conformance::<TreeJson>(&tree.root());
    }

    #[test]
    fn verdicts_match_serde_json() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["a", "n"],
            "properties": {
                "a": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"}},
                "n": {"enum": [1, "x", null]},
                "o": {"type": "object", "propertyNames": {"maxLength": 3}}
            }
        });
        let ours = jsonschema::options_for::<TreeJson>()
            .with_draft(jsonschema::Draft::Draft7)
            .build(&schema)
            .unwrap();
        let theirs = jsonschema::draft7::new(&schema).unwrap();
        for doc in [
            json!({"a": ["ab"], "n": 1}),
            json!({"a": ["ab"], "n": 1.0}),
            json!({"a": ["ab"], "n": "x"}),
            json!({"a": ["ab"], "n": null}),
            json!({"a": ["ab"], "n": 2}),
            json!({"a": ["ab"], "n": "y"}),
            json!({"a": [], "n": 1}),
            json!({"a": ["a"], "n": 1}),
            json!({"a": ["AB"], "n": 1}),
            json!({"a": ["ab"]}),
            json!({"a": ["ab"], "n": 1, "z": 0}),
            json!({"a": ["ab"], "n": 1, "o": {"abc": 1}}),
            json!({"a": ["ab"], "n": 1, "o": {"abcd": 1}}),
            json!([1]),
        ] {
            let tree = JsonTree::from_value(&doc);
            assert_eq!(ours.is_valid(tree.root()), theirs.is_valid(&doc), "{doc}");
            let a: Vec<String> = ours
                .iter_errors(tree.root())
                .map(|e| format!("{} {}", e.instance_path().as_str(), e))
                .collect();
            let b: Vec<String> = theirs
                .iter_errors(&doc)
                .map(|e| format!("{} {}", e.instance_path().as_str(), e))
                .collect();
            assert_eq!(a, b, "{doc}");
        }
    }
}
