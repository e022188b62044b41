//! Compile a definition's JSON Schema (Sosmeta dialect) into a [`Program`].

use super::matchers::Matcher;
use crate::names::push_token;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The draft-07 keywords the Sosmeta dialect uses, the only validation keywords a
/// [`Program`] compiles.
pub const DIALECT_KEYWORDS: [&str; 9] = [
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "minLength",
    "pattern",
    "enum",
];

/// The other draft-07 keywords that constrain an instance: a schema using one of them
/// does not compile (`format` is an annotation here, as in the validator before).
const OTHER_DRAFT7_KEYWORDS: [&str; 26] = [
    "$ref",
    "additionalItems",
    "allOf",
    "anyOf",
    "const",
    "contains",
    "contentEncoding",
    "contentMediaType",
    "dependencies",
    "else",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "if",
    "maxItems",
    "maxLength",
    "maxProperties",
    "maximum",
    "minProperties",
    "minimum",
    "multipleOf",
    "not",
    "oneOf",
    "patternProperties",
    "propertyNames",
    "then",
    "uniqueItems",
];

/// Why a schema did not compile; `at` is the JSON pointer of the subschema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// A draft-07 keyword outside the Sosmeta dialect.
    #[error("{at}: the keyword `{keyword}` is outside the Sosmeta dialect ({})", DIALECT_KEYWORDS.join(", "))]
    Unsupported {
        /// The subschema's pointer in the schema.
        at: String,
        /// The keyword.
        keyword: String,
    },
    /// A dialect keyword with a value it cannot have.
    #[error("{at}: `{keyword}` {why}")]
    Invalid {
        /// The subschema's pointer in the schema.
        at: String,
        /// The keyword.
        keyword: &'static str,
        /// What is wrong.
        why: &'static str,
    },
    /// A `pattern` that is not a regular expression this validator runs.
    #[error("{at}: the pattern {pattern:?} is not supported ({why})")]
    Pattern {
        /// The subschema's pointer in the schema.
        at: String,
        /// The pattern.
        pattern: String,
        /// Why.
        why: String,
    },
    /// The schema is not an object (or `true`).
    #[error("{at}: a subschema must be an object")]
    NotASchema {
        /// The subschema's pointer in the schema.
        at: String,
    },
}

/// A JSON type bit of [`Node::types`].
pub(super) mod ty {
    pub(in crate::dialect) const NULL: u8 = 1;
    pub(in crate::dialect) const BOOLEAN: u8 = 2;
    pub(in crate::dialect) const OBJECT: u8 = 4;
    pub(in crate::dialect) const ARRAY: u8 = 8;
    pub(in crate::dialect) const NUMBER: u8 = 16;
    pub(in crate::dialect) const STRING: u8 = 32;
    pub(in crate::dialect) const INTEGER: u8 = 64;
    /// Each type's bit and name, in draft-07's order.
    pub(in crate::dialect) const NAMES: [(u8, &str); 7] = [
        (ARRAY, "array"),
        (BOOLEAN, "boolean"),
        (INTEGER, "integer"),
        (NULL, "null"),
        (NUMBER, "number"),
        (OBJECT, "object"),
        (STRING, "string"),
    ];
}

/// A compiled `pattern`: the text the schema gave, a hand-written matcher for the
/// release's common patterns ([`Matcher`]), a dense DFA where one fits in
/// [`DFA_SIZE_LIMIT`], and the regex (the fallback, and the one answer where neither is).
#[derive(Debug)]
pub(super) struct Pattern {
    pub(super) source: Box<str>,
    matcher: Option<Matcher>,
    dfa: Option<regex_automata::dfa::dense::DFA<Vec<u32>>>,
    regex: regex::Regex,
}

/// The largest dense DFA built for one pattern (bytes); the release's largest is a few KB.
const DFA_SIZE_LIMIT: usize = 256 * 1024;

impl Pattern {
    fn new(source: &str, translated: &str) -> Result<Pattern, String> {
        let regex = regex::Regex::new(translated).map_err(|e| e.to_string())?;
        use regex_automata::dfa::dense;
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .dfa_size_limit(Some(DFA_SIZE_LIMIT))
                    .determinize_size_limit(Some(4 * DFA_SIZE_LIMIT)),
            )
            .build(translated)
            .ok();
        Ok(Pattern {
            source: source.into(),
            matcher: Matcher::recognize(source),
            dfa,
            regex,
        })
    }

    /// True when the pattern matches somewhere in `s` (an unanchored search, as
    /// ECMA-262's `RegExp.prototype.test`).
    #[inline]
    pub(super) fn is_match(&self, s: &str) -> bool {
        use regex_automata::dfa::Automaton;
        if let Some(m) = &self.matcher {
            return m.is_match(s);
        }
        if let Some(dfa) = &self.dfa {
            let input = regex_automata::Input::new(s).earliest(true);
            if let Ok(found) = dfa.try_search_fwd(&input) {
                return found.is_some();
            }
        }
        self.regex.is_match(s)
    }
}

/// A compiled `enum`: the options as a set of JSON values.
#[derive(Debug)]
pub(super) struct Enum {
    /// The string options, sorted (binary search).
    pub(super) strings: Box<[Box<str>]>,
    /// The other options, compared as JSON values.
    pub(super) others: Box<[Value]>,
    /// The options as the schema lists them (compact JSON), for messages.
    pub(super) text: Box<str>,
}

/// A `required` key and its index in the node's properties, if it has one.
#[derive(Debug)]
pub(super) struct Required {
    pub(super) key: Box<str>,
    pub(super) property: Option<u32>,
}

/// `properties`: each key and its node, in the schema's order.
pub(super) type Properties = Box<[(Box<str>, u32)]>;

/// One compiled subschema.
#[derive(Debug, Default)]
pub(super) struct Node {
    /// The allowed types (`ty` bits); 0 when the schema has no `type`.
    pub(super) types: u8,
    pub(super) min_length: Option<u64>,
    pub(super) pattern: Option<Arc<Pattern>>,
    pub(super) enumeration: Option<Box<Enum>>,
    pub(super) min_items: Option<u64>,
    /// The node of `items`.
    pub(super) items: Option<u32>,
    /// `properties`: key and node, in the schema's order.
    pub(super) properties: Properties,
    /// Indices into `properties`, sorted by key length, then key.
    pub(super) by_key: Box<[u32]>,
    /// False when `additionalProperties` is `false`.
    pub(super) additional: bool,
    pub(super) required: Box<[Required]>,
    /// No `minLength`, `pattern` or `enum`: a scalar's verdict is its `type` alone
    /// (set once the node is complete; see `Program::bare_scalar_passes`).
    pub(super) bare: bool,
}

pub(super) use crate::names::same_key;

impl Node {
    /// The index (in `properties`) of the property called `key`, trying `hint` first:
    /// documents mostly list members in the schema's order, so the property after the
    /// previous member's is usually the one (a length check and one comparison).
    #[inline]
    pub(super) fn property_after(&self, key: &str, hint: usize) -> Option<usize> {
        if let Some((k, _)) = self.properties.get(hint) {
            if same_key(k, key) {
                return Some(hint);
            }
        }
        self.property(key)
    }

    /// The index (in `properties`) of the property called `key`.
    #[inline]
    pub(super) fn property(&self, key: &str) -> Option<usize> {
        let props = &self.properties;
        if props.len() <= 6 {
            return props.iter().position(|(k, _)| same_key(k, key));
        }
        // `by_key` is sorted by length, then bytes: most probes end on the length.
        self.by_key
            .binary_search_by(|&i| {
                let k: &str = &props[i as usize].0;
                k.len().cmp(&key.len()).then_with(|| k.cmp(key))
            })
            .ok()
            .map(|at| self.by_key[at] as usize)
    }
}

/// The compiled `pattern` regexes of a whole release, shared by their text: the release
/// repeats a few dozen patterns thousands of times (the date pattern alone 993 times).
#[derive(Debug, Default)]
pub struct Patterns {
    by_text: Mutex<HashMap<Box<str>, Arc<Pattern>>>,
}

impl Patterns {
    /// An empty cache.
    pub fn new() -> Patterns {
        Patterns::default()
    }

    /// The number of distinct patterns compiled so far.
    pub fn len(&self) -> usize {
        self.by_text
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// The heap bytes of the compiled DFAs (the regexes' own caches not counted).
    pub fn dfa_bytes(&self) -> usize {
        self.by_text
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .filter_map(|p| p.dfa.as_ref().map(|d| d.memory_usage()))
            .sum()
    }

    /// True when no pattern has been compiled.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The compiled pattern, from the cache or compiled now: the ECMA-262 pattern is
    /// translated to the `regex` crate's syntax as the `jsonschema` crate translates it
    /// (`\d` is `[0-9]`, `.` excludes line terminators), then searched unanchored.
    fn get(&self, at: &str, source: &str) -> Result<Arc<Pattern>, CompileError> {
        let mut map = self.by_text.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(p) = map.get(source) {
            return Ok(Arc::clone(p));
        }
        let fail = |why: String| CompileError::Pattern {
            at: at.to_string(),
            pattern: source.to_string(),
            why,
        };
        let translated = jsonschema_regex::to_rust_regex(source).map_err(|()| {
            fail("not an ECMA-262 pattern without look-around or back-references".into())
        })?;
        let p = Arc::new(Pattern::new(source, &translated).map_err(fail)?);
        map.insert(source.into(), Arc::clone(&p));
        Ok(p)
    }
}

/// A compiled schema: nodes in one list, the root first.
#[derive(Debug)]
pub struct Program {
    pub(super) nodes: Vec<Node>,
}

impl Program {
    /// Compile a draft-07 schema of the Sosmeta dialect, its patterns shared through
    /// `patterns`.
    pub fn compile(schema: &Value, patterns: &Patterns) -> Result<Program, CompileError> {
        let mut program = Program { nodes: Vec::new() };
        let mut at = String::new();
        program.node(schema, &mut at, patterns)?;
        program.nodes.shrink_to_fit();
        Ok(program)
    }

    /// The number of compiled subschemas.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the program has no node (never: the root is always compiled).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Compile the subschema at `at` (a pointer into the schema) and return its index.
    fn node(
        &mut self,
        schema: &Value,
        at: &mut String,
        patterns: &Patterns,
    ) -> Result<u32, CompileError> {
        let index = u32::try_from(self.nodes.len()).map_err(|_| CompileError::Invalid {
            at: at.clone(),
            keyword: "properties",
            why: "makes the schema too large",
        })?;
        self.nodes.push(Node {
            additional: true,
            ..Node::default()
        });
        let map = match schema {
            Value::Object(map) => map,
            Value::Bool(true) => return Ok(index),
            _ => return Err(CompileError::NotASchema { at: at.clone() }),
        };
        let mut node = Node {
            additional: true,
            ..Node::default()
        };
        for keyword in map.keys() {
            if OTHER_DRAFT7_KEYWORDS.contains(&keyword.as_str()) {
                return Err(CompileError::Unsupported {
                    at: at.clone(),
                    keyword: keyword.clone(),
                });
            }
        }
        let invalid = |keyword: &'static str, why: &'static str, at: &str| CompileError::Invalid {
            at: at.to_string(),
            keyword,
            why,
        };
        if let Some(t) = map.get("type") {
            node.types = types(t)
                .ok_or_else(|| invalid("type", "must be a type name or a list of them", at))?;
        }
        if let Some(n) = map.get("minLength") {
            node.min_length = Some(
                count(n)
                    .ok_or_else(|| invalid("minLength", "must be a non-negative integer", at))?,
            );
        }
        if let Some(n) = map.get("minItems") {
            node.min_items = Some(
                count(n)
                    .ok_or_else(|| invalid("minItems", "must be a non-negative integer", at))?,
            );
        }
        if let Some(p) = map.get("pattern") {
            let source = p
                .as_str()
                .ok_or_else(|| invalid("pattern", "must be a string", at))?;
            node.pattern = Some(patterns.get(at, source)?);
        }
        if let Some(e) = map.get("enum") {
            let options = e
                .as_array()
                .ok_or_else(|| invalid("enum", "must be an array", at))?;
            node.enumeration = Some(Box::new(enumeration(options)));
        }
        if let Some(a) = map.get("additionalProperties") {
            node.additional = a.as_bool().ok_or_else(|| {
                invalid(
                    "additionalProperties",
                    "must be true or false in the Sosmeta dialect",
                    at,
                )
            })?;
        }
        if let Some(items) = map.get("items") {
            if !items.is_object() && !items.is_boolean() {
                return Err(invalid(
                    "items",
                    "must be one schema in the Sosmeta dialect (not a list)",
                    at,
                ));
            }
            let len = at.len();
            push_token(at, "items");
            node.items = Some(self.node(items, at, patterns)?);
            at.truncate(len);
        }
        if let Some(props) = map.get("properties") {
            let props = props
                .as_object()
                .ok_or_else(|| invalid("properties", "must be an object", at))?;
            node.properties = self.properties(props, at, patterns)?;
            let mut by_key: Vec<u32> = (0..node.properties.len() as u32).collect();
            by_key.sort_by(|&a, &b| {
                let (a, b) = (
                    &node.properties[a as usize].0,
                    &node.properties[b as usize].0,
                );
                a.len().cmp(&b.len()).then_with(|| a.cmp(b))
            });
            node.by_key = by_key.into_boxed_slice();
        }
        if let Some(r) = map.get("required") {
            let keys = r
                .as_array()
                .ok_or_else(|| invalid("required", "must be an array of strings", at))?;
            let mut required = Vec::with_capacity(keys.len());
            for k in keys {
                let key = k
                    .as_str()
                    .ok_or_else(|| invalid("required", "must be an array of strings", at))?;
                // A key listed twice is checked once (draft 7 reports it once too).
                if required.iter().any(|r: &Required| &*r.key == key) {
                    continue;
                }
                required.push(Required {
                    key: key.into(),
                    property: node.property(key).and_then(|i| u32::try_from(i).ok()),
                });
            }
            node.required = required.into_boxed_slice();
        }
        node.bare =
            node.min_length.is_none() && node.pattern.is_none() && node.enumeration.is_none();
        self.nodes[index as usize] = node;
        Ok(index)
    }

    fn properties(
        &mut self,
        props: &Map<String, Value>,
        at: &mut String,
        patterns: &Patterns,
    ) -> Result<Properties, CompileError> {
        let len = at.len();
        push_token(at, "properties");
        let mut out = Vec::with_capacity(props.len());
        for (key, sub) in props {
            let l = at.len();
            push_token(at, key);
            out.push((key.as_str().into(), self.node(sub, at, patterns)?));
            at.truncate(l);
        }
        at.truncate(len);
        Ok(out.into_boxed_slice())
    }
}

/// The `ty` bits of a `type` value.
fn types(t: &Value) -> Option<u8> {
    let one = |name: &str| ty::NAMES.iter().find(|(_, n)| *n == name).map(|(b, _)| *b);
    match t {
        Value::String(s) => one(s),
        Value::Array(names) if !names.is_empty() => names
            .iter()
            .try_fold(0u8, |acc, n| Some(acc | one(n.as_str()?)?)),
        _ => None,
    }
}

/// A non-negative integer (draft 7 also takes `1.0`).
fn count(n: &Value) -> Option<u64> {
    match n {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f < 1.8e19)
                .map(|f| f as u64)
        }),
        _ => None,
    }
}

fn enumeration(options: &[Value]) -> Enum {
    let mut strings: Vec<Box<str>> = options
        .iter()
        .filter_map(|o| o.as_str().map(Into::into))
        .collect();
    strings.sort();
    strings.dedup();
    Enum {
        strings: strings.into_boxed_slice(),
        others: options.iter().filter(|o| !o.is_string()).cloned().collect(),
        text: Value::Array(options.to_vec()).to_string().into(),
    }
}

/// True when a number is an integer in draft 7's sense (`1.0` is one).
pub(super) fn is_integer(n: &Number) -> bool {
    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compiles_the_dialect_and_refuses_other_keywords() {
        let patterns = Patterns::new();
        let p = Program::compile(
            &json!({"type": "object", "additionalProperties": false, "required": ["a", "a", "z"],
                    "properties": {"b": {"type": "string", "pattern": "^\\d$"},
                                   "a": {"type": ["integer", "null"], "enum": [1, "x"]},
                                   "c": {"type": "array", "minItems": 1, "items": {"minLength": 2.0}}}}),
            &patterns,
        )
        .expect("compiles");
        assert_eq!(p.len(), 5);
        let root = &p.nodes[0];
        assert!(!root.additional);
        let keys: Vec<&str> = root.properties.iter().map(|(k, _)| &**k).collect();
        assert_eq!(keys, ["b", "a", "c"]);
        assert_eq!(root.property("a"), Some(1));
        assert_eq!(root.property_after("c", 2), Some(2));
        assert_eq!(root.property_after("a", 2), Some(1));
        assert_eq!(root.property("z"), None);
        assert_eq!(root.required.len(), 2);
        assert_eq!(root.required[0].property, Some(1));
        assert_eq!(root.required[1].property, None);
        let a = &p.nodes[root.properties[1].1 as usize];
        assert_eq!(a.types, ty::INTEGER | ty::NULL);
        assert_eq!(patterns.len(), 1);

        for (schema, keyword) in [
            (json!({"maxLength": 3}), "maxLength"),
            (json!({"properties": {"x": {"$ref": "#"}}}), "$ref"),
            (json!({"items": {"anyOf": []}}), "anyOf"),
        ] {
            match Program::compile(&schema, &patterns) {
                Err(CompileError::Unsupported { keyword: k, .. }) => assert_eq!(k, keyword),
                other => panic!("{schema}: {other:?}"),
            }
        }
        let e = Program::compile(
            &json!({"properties": {"x": {"pattern": "(?<=a)b"}}}),
            &patterns,
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("/properties/x: the pattern"),
            "{e}"
        );
        let e = Program::compile(&json!({"type": "text"}), &patterns).unwrap_err();
        assert!(
            matches!(
                e,
                CompileError::Invalid {
                    keyword: "type",
                    ..
                }
            ),
            "{e}"
        );
        // Annotations and unknown keywords are ignored, as draft 7 does.
        assert!(Program::compile(
            &json!({"title": "t", "sosmeta": {}, "format": "date"}),
            &patterns
        )
        .is_ok());
    }

    #[test]
    fn property_lookup_finds_every_key_of_a_large_object() {
        let mut props = Map::new();
        for k in ["zeta", "a", "bb", "ab", "b", "c", "aaa", "x/y", "é", ""] {
            props.insert(k.to_string(), json!({}));
        }
        let p = Program::compile(&json!({"properties": props}), &Patterns::new()).expect("ok");
        let root = &p.nodes[0];
        for (i, k) in props.keys().enumerate() {
            assert_eq!(root.property(k), Some(i), "{k}");
            assert_eq!(root.property_after(k, 0), Some(i), "{k}");
        }
        for k in ["zet", "aa", "d", "zetaa", " "] {
            assert_eq!(root.property(k), None, "{k}");
        }
    }

    #[test]
    fn dfa_and_regex_agree_on_the_release_s_kind_of_patterns() {
        let patterns = Patterns::new();
        let cases: [(&str, &[&str]); 3] = [
            (
                r"^-?[0-9]{4}(-(0[1-9]|1[0-2])(-(0[0-9]|[1-2][0-9]|3[0-1]))?)?$",
                &[
                    "2024-02-30",
                    "2024-13",
                    "-2024",
                    "2024-1",
                    "x2024",
                    "2024\n",
                ],
            ),
            (
                r"^urn:oid:1\.2\.246\.537\.6\.12(\.\d+)*$",
                &[
                    "urn:oid:1.2.246.537.6.12",
                    "urn:oid:1.2.246.537.6.12.\u{0663}",
                    "urn:oid:1.2.246.537.6.12.1.2",
                    "urn:oid:1.2.246.537.6.121",
                    "",
                    "urn:oid:1.2.246.537.6.12.",
                ],
            ),
            (
                r"a.c",
                &["abc", "a\nc", "a\u{e4}c", "xxa c", "ac", "a\u{2028}c"],
            ),
        ];
        let mut matched = 0;
        for (pattern, subjects) in cases {
            let p = Program::compile(&json!({ "pattern": pattern }), &patterns).expect("compiles");
            let compiled = p.nodes[0].pattern.as_ref().expect("pattern");
            assert!(compiled.dfa.is_some(), "{pattern}: no DFA");
            for s in subjects {
                let ours = compiled.is_match(s);
                assert_eq!(ours, compiled.regex.is_match(s), "{pattern} on {s:?}");
                matched += usize::from(ours);
            }
        }
        // Both answers occur: 2 dates, 2 OIDs, 3 texts (`.` excludes only line breaks).
        assert_eq!(matched, 7);
    }

    #[test]
    fn patterns_are_shared_by_text() {
        let patterns = Patterns::new();
        let schema = json!({"properties": {"a": {"pattern": "^x"}, "b": {"pattern": "^x"}}});
        let p = Program::compile(&schema, &patterns).expect("compiles");
        let q = Program::compile(&schema, &patterns).expect("compiles");
        assert_eq!(patterns.len(), 1);
        let first = p.nodes[1].pattern.as_ref().expect("pattern");
        let other = q.nodes[2].pattern.as_ref().expect("pattern");
        assert!(Arc::ptr_eq(first, other));
    }
}
