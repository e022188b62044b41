//! Run a [`Program`] over a parsed document: the fast verdict and the collected errors.

use super::compile::{is_integer, ty, Enum, Node, Program, Required};
use crate::json_tree::{JsonRef, JsonView, ObjectRef};
use crate::names::{push_index, push_token};
use serde_json::{Number, Value};

/// What a schema error is, with what its message needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// `required`: the missing key (the error's pointer is the object's).
    Required {
        /// The missing key.
        property: String,
    },
    /// `additionalProperties: false`: the keys the object may not have, in document
    /// order (the error's pointer is the object's).
    AdditionalProperties {
        /// The unexpected keys.
        unexpected: Vec<String>,
    },
    /// `type`.
    Type {
        /// The allowed type, or the allowed types joined by `, `.
        expected: String,
    },
    /// `pattern`.
    Pattern {
        /// The pattern as the schema gives it.
        pattern: String,
    },
    /// `enum`.
    Enum {
        /// The options as compact JSON.
        options: String,
    },
    /// `minLength` (in Unicode code points).
    MinLength {
        /// The limit.
        limit: u64,
    },
    /// `minItems`.
    MinItems {
        /// The limit.
        limit: u64,
    },
}

impl ErrorKind {
    /// The keyword that failed.
    pub fn keyword(&self) -> &'static str {
        match self {
            ErrorKind::Required { .. } => "required",
            ErrorKind::AdditionalProperties { .. } => "additionalProperties",
            ErrorKind::Type { .. } => "type",
            ErrorKind::Pattern { .. } => "pattern",
            ErrorKind::Enum { .. } => "enum",
            ErrorKind::MinLength { .. } => "minLength",
            ErrorKind::MinItems { .. } => "minItems",
        }
    }
}

/// One schema error: where (the JSON pointer of the instance), what, and the value.
#[derive(Debug, Clone)]
pub struct SchemaError<'t> {
    /// The JSON pointer of the value that failed.
    pub pointer: String,
    /// The failed keyword.
    pub kind: ErrorKind,
    /// The value that failed.
    pub instance: JsonRef<'t>,
}

/// True when the value is of one of the `types` (non-zero).
#[inline]
fn type_ok(types: u8, v: &JsonView<'_>) -> bool {
    let bit = match v {
        JsonView::Null => ty::NULL,
        JsonView::Bool(_) => ty::BOOLEAN,
        JsonView::Object(_) => ty::OBJECT,
        JsonView::Array(_) => ty::ARRAY,
        JsonView::String(_) => ty::STRING,
        JsonView::Number(n) => {
            return types & ty::NUMBER != 0 || (types & ty::INTEGER != 0 && is_integer(n))
        }
    };
    types & bit != 0
}

/// Draft-07 string length: Unicode code points (counted up to `limit` only).
#[inline]
fn shorter_than(s: &str, limit: u64) -> bool {
    let len = s.len() as u64;
    // A code point takes one to four bytes.
    if len < limit {
        return true;
    }
    if len >= limit.saturating_mul(4) {
        return false;
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    s.chars().take(limit).count() < limit
}

fn numbers_equal(a: &Number, b: &Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// JSON equality as draft 7 defines it for `enum` (`1` equals `1.0`).
fn equal(v: JsonRef<'_>, o: &Value) -> bool {
    match (v.view(), o) {
        (JsonView::Null, Value::Null) => true,
        (JsonView::Bool(a), Value::Bool(b)) => a == *b,
        (JsonView::Number(a), Value::Number(b)) => numbers_equal(a, b),
        (JsonView::String(a), Value::String(b)) => a == b,
        (JsonView::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y))
        }
        (JsonView::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, x)| b.get(k).is_some_and(|y| equal(x, y)))
        }
        _ => false,
    }
}

impl Enum {
    #[inline]
    fn contains(&self, v: JsonRef<'_>) -> bool {
        match v.view() {
            JsonView::String(s) => self.strings.binary_search_by(|o| (**o).cmp(s)).is_ok(),
            _ => self.others.iter().any(|o| equal(v, o)),
        }
    }
}

/// The bit of property `i` in an object's set of present properties (none past 64:
/// [`Required::present`] then looks the key up).
#[inline]
fn property_bit(i: usize) -> u64 {
    if i < 64 {
        1 << i
    } else {
        0
    }
}

impl Required {
    /// Whether the required key is among the object's members, `seen` holding the
    /// [`property_bit`]s of the properties met.
    #[inline]
    fn present(&self, seen: u64, o: &ObjectRef<'_>) -> bool {
        match self.property {
            Some(i) if i < 64 => seen & property_bit(i as usize) != 0,
            _ => o.contains_key(&self.key),
        }
    }
}

/// One step of the way to the first error that [`Program::valid`] found, from the
/// value that holds the error outwards.
#[derive(Debug, Clone, Copy)]
enum Stop {
    /// The error is in this value's own keywords or keys; its members (or items) before
    /// this position passed.
    Own(usize),
    /// The error is inside this member (or item), at this position in document order;
    /// the ones before it passed.
    Inside(usize),
}

/// Where [`Program::valid`] finds a document's first error ([`Stop`]s, the innermost
/// first), recorded only as a failure unwinds: a valid document records nothing.
trait Trail {
    fn stop(&mut self, stop: Stop);
}

/// No trail (the bare verdict).
impl Trail for () {
    #[inline]
    fn stop(&mut self, _: Stop) {}
}

impl Trail for Vec<Stop> {
    #[inline]
    fn stop(&mut self, stop: Stop) {
        self.push(stop);
    }
}

impl Program {
    /// True when the document passes the schema (allocates nothing).
    pub fn is_valid(&self, doc: JsonRef<'_>) -> bool {
        self.valid(0, doc, &mut ())
    }

    /// True when `v` is a scalar that node `at` passes on its `type` alone (a `bare`
    /// node): the verdict on most leaves without a call of [`Program::valid`]. False says
    /// nothing (the caller then asks `valid`, which also records the trail of an error).
    #[inline(always)]
    fn bare_scalar_passes(&self, at: u32, v: JsonRef<'_>) -> bool {
        let Some(node) = self.nodes.get(at as usize) else {
            return false;
        };
        if !node.bare {
            return false;
        }
        let view = v.view();
        !matches!(view, JsonView::Array(_) | JsonView::Object(_))
            && (node.types == 0 || type_ok(node.types, &view))
    }

    /// The verdict on `v`, stopping at the first error, which `trail` then leads to.
    fn valid(&self, at: u32, v: JsonRef<'_>, trail: &mut impl Trail) -> bool {
        let node = &self.nodes[at as usize];
        let view = v.view();
        let own = |trail: &mut _, passed: usize| {
            Trail::stop(trail, Stop::Own(passed));
            false
        };
        if node.types != 0 && !type_ok(node.types, &view) {
            return own(trail, 0);
        }
        if let Some(e) = &node.enumeration {
            if !e.contains(v) {
                return own(trail, 0);
            }
        }
        match view {
            JsonView::String(s) => {
                if node.min_length.is_some_and(|l| shorter_than(s, l)) {
                    return own(trail, 0);
                }
                if let Some(p) = &node.pattern {
                    if !p.is_match(s) {
                        return own(trail, 0);
                    }
                }
                true
            }
            JsonView::Array(a) => {
                if node.min_items.is_some_and(|l| (a.len() as u64) < l) {
                    return own(trail, 0);
                }
                if let Some(items) = node.items {
                    for (position, item) in a.iter().enumerate() {
                        if !self.bare_scalar_passes(items, item) && !self.valid(items, item, trail)
                        {
                            trail.stop(Stop::Inside(position));
                            return false;
                        }
                    }
                }
                true
            }
            JsonView::Object(o) => {
                // Which properties are present, for `required` (up to 64 properties;
                // beyond that `required` looks the key up).
                let mut seen = 0u64;
                let mut hint = 0;
                for (position, (key, value)) in o.iter().enumerate() {
                    match node.property_after(key, hint) {
                        Some(i) => {
                            hint = i + 1;
                            seen |= property_bit(i);
                            let child = node.properties[i].1;
                            if !self.bare_scalar_passes(child, value)
                                && !self.valid(child, value, trail)
                            {
                                trail.stop(Stop::Inside(position));
                                return false;
                            }
                        }
                        None if !node.additional => return own(trail, position),
                        None => {}
                    }
                }
                node.required.iter().all(|r| r.present(seen, &o)) || own(trail, o.len())
            }
            _ => true,
        }
    }

    /// Every schema error of the document (at most `limit`), in document order within
    /// each value: `type`, `minLength`, `pattern`, `enum`, `minItems`, `items`,
    /// `additionalProperties`, `required`, `properties`.
    ///
    /// The fast verdict runs first, and errors are collected only inside the values it
    /// finds invalid: a valid document costs what [`Program::is_valid`] costs (nothing is
    /// allocated), and in an invalid one each valid member is checked once, by the fast
    /// verdict, before and after the first error alike.
    pub fn errors<'t>(&self, doc: JsonRef<'t>, limit: usize) -> Vec<SchemaError<'t>> {
        let mut trail: Vec<Stop> = Vec::new();
        if self.valid(0, doc, &mut trail) {
            return Vec::new();
        }
        let mut out = Vec::new();
        // Room for the release's deepest documents: the path rarely grows.
        let mut path = Vec::with_capacity(32);
        self.collect(0, doc, &trail, &mut path, limit, &mut out);
        out
    }

    /// The errors of a member or item (`path` leads to it): followed along `on_trail`
    /// when the first error is inside it, else checked afresh by the fast verdict (none
    /// when it passes) and collected along the trail that verdict leaves.
    fn member<'t>(
        &self,
        at: u32,
        v: JsonRef<'t>,
        on_trail: Option<&[Stop]>,
        path: &mut Vec<Token<'t>>,
        limit: usize,
        out: &mut Vec<SchemaError<'t>>,
    ) {
        match on_trail {
            Some(trail) => self.collect(at, v, trail, path, limit, out),
            None => {
                let mut trail: Vec<Stop> = Vec::new();
                if !self.valid(at, v, &mut trail) {
                    self.collect(at, v, &trail, path, limit, out);
                }
            }
        }
    }

    /// The errors of a value that [`Program::valid`] failed, `trail` leading to its
    /// first error (the outermost [`Stop`] last): the members before that one passed and
    /// are skipped, the one on the trail is followed, the ones after it are checked
    /// afresh. `path` leads to the value
    /// and becomes a JSON pointer only when an error is reported.
    fn collect<'t>(
        &self,
        at: u32,
        v: JsonRef<'t>,
        trail: &[Stop],
        path: &mut Vec<Token<'t>>,
        limit: usize,
        out: &mut Vec<SchemaError<'t>>,
    ) {
        let node: &Node = &self.nodes[at as usize];
        let view = v.view();
        let push = |out: &mut Vec<SchemaError<'t>>, path: &[Token<'t>], kind: ErrorKind| {
            if out.len() < limit {
                out.push(SchemaError {
                    pointer: pointer(path),
                    kind,
                    instance: v,
                });
            }
        };
        // How many members (or items) passed, which one holds the first error, if one
        // does, and the trail inside it.
        let (passed, follow, inside) = match trail.split_last() {
            Some((&Stop::Inside(p), rest)) => (p, Some(p), rest),
            Some((&Stop::Own(p), _)) => (p, None, &[][..]),
            None => (0, None, &[][..]),
        };
        if node.types != 0 && !type_ok(node.types, &view) {
            push(
                out,
                path,
                ErrorKind::Type {
                    expected: type_names(node.types),
                },
            );
        }
        if let JsonView::String(s) = view {
            if let Some(limit) = node.min_length.filter(|l| shorter_than(s, *l)) {
                push(out, path, ErrorKind::MinLength { limit });
            }
            if let Some(p) = node.pattern.as_ref().filter(|p| !p.is_match(s)) {
                push(
                    out,
                    path,
                    ErrorKind::Pattern {
                        pattern: p.source.to_string(),
                    },
                );
            }
        }
        if let Some(e) = node.enumeration.as_ref().filter(|e| !e.contains(v)) {
            push(
                out,
                path,
                ErrorKind::Enum {
                    options: e.text.to_string(),
                },
            );
        }
        match view {
            JsonView::Array(a) => {
                if let Some(limit) = node.min_items.filter(|l| (a.len() as u64) < *l) {
                    push(out, path, ErrorKind::MinItems { limit });
                }
                if let Some(items) = node.items {
                    for (i, item) in a.iter().enumerate().skip(passed) {
                        if out.len() >= limit {
                            return;
                        }
                        let on_trail = (Some(i) == follow).then_some(inside);
                        path.push(Token::Index(i));
                        self.member(items, item, on_trail, path, limit, out);
                        path.pop();
                    }
                }
            }
            JsonView::Object(o) => {
                // One pass over the members: each known member is checked as it comes
                // and the unknown keys are gathered. The object's own errors (unknown
                // and missing keys) come before its members' in the result, so they are
                // put in front of the members' errors afterwards (rare: only an invalid
                // object has any).
                let start = out.len();
                let mut seen = 0u64;
                let mut unexpected = Vec::new();
                let mut hint = 0;
                for (position, (key, value)) in o.iter().enumerate() {
                    match node.property_after(key, hint) {
                        Some(i) => {
                            hint = i + 1;
                            seen |= property_bit(i);
                            // Members before the first error passed the fast verdict.
                            if position < passed || out.len() >= limit {
                                continue;
                            }
                            let child = node.properties[i].1;
                            let on_trail = (Some(position) == follow).then_some(inside);
                            path.push(Token::Key(key));
                            self.member(child, value, on_trail, path, limit, out);
                            path.pop();
                        }
                        None if !node.additional => unexpected.push(key.to_string()),
                        None => {}
                    }
                }
                let missing = |r: &&Required| !r.present(seen, &o);
                if unexpected.is_empty() && !node.required.iter().any(|r| missing(&r)) {
                    return;
                }
                // The members' errors stay behind the object's own; `limit` still counts
                // from the front.
                let members: Vec<SchemaError<'t>> = out.drain(start..).collect();
                if !unexpected.is_empty() {
                    push(out, path, ErrorKind::AdditionalProperties { unexpected });
                }
                for r in node.required.iter().filter(missing) {
                    push(
                        out,
                        path,
                        ErrorKind::Required {
                            property: r.key.to_string(),
                        },
                    );
                }
                let room = limit.saturating_sub(out.len());
                out.extend(members.into_iter().take(room));
            }
            _ => {}
        }
    }
}

/// One step of the path to a value: an object key or an array index.
#[derive(Debug, Clone, Copy)]
enum Token<'t> {
    Key(&'t str),
    Index(usize),
}

/// The JSON pointer of a path.
fn pointer(path: &[Token<'_>]) -> String {
    let mut p = String::new();
    for t in path {
        match t {
            Token::Key(k) => push_token(&mut p, k),
            Token::Index(i) => push_index(&mut p, *i),
        }
    }
    p
}

/// The names of the types in `types`, joined by `, ` (one name for one type).
fn type_names(types: u8) -> String {
    ty::NAMES
        .iter()
        .filter(|(bit, _)| types & bit != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::{Patterns, Program};
    use super::*;
    use crate::json_tree::JsonTree;
    use serde_json::json;

    fn errors(schema: &Value, doc: &str) -> (bool, Vec<(String, &'static str)>) {
        let p = Program::compile(schema, &Patterns::new()).expect("compiles");
        let tree = JsonTree::parse(doc).expect("json");
        let errs = p
            .errors(tree.root(), usize::MAX)
            .into_iter()
            .map(|e| (e.pointer, e.kind.keyword()))
            .collect();
        (p.is_valid(tree.root()), errs)
    }

    #[test]
    fn draft7_semantics() {
        // `integer` takes 1.0; `number` takes integers.
        let int = json!({"type": "integer"});
        assert_eq!(errors(&int, "1.0"), (true, vec![]));
        assert_eq!(errors(&int, "1.5"), (false, vec![(String::new(), "type")]));
        assert_eq!(errors(&json!({"type": "number"}), "7"), (true, vec![]));
        // minLength counts code points, not bytes.
        let two = json!({"type": "string", "minLength": 2});
        assert_eq!(errors(&two, "\"ää\""), (true, vec![]));
        assert!(!errors(&two, "\"ä\"").0);
        assert!(!errors(&two, "\"😀\"").0);
        // enum compares JSON values: 1 equals 1.0; enum applies to every type.
        let e = json!({"enum": [1, "a", {"k": [null]}]});
        assert_eq!(errors(&e, "1.0"), (true, vec![]));
        assert_eq!(errors(&e, "{\"k\": [null]}"), (true, vec![]));
        assert_eq!(errors(&e, "\"b\""), (false, vec![(String::new(), "enum")]));
        let typed = json!({"type": "string", "enum": ["a"]});
        assert_eq!(
            errors(&typed, "3").1,
            vec![(String::new(), "type"), (String::new(), "enum")]
        );
        // pattern is an unanchored search; \d is ASCII only (ECMA-262).
        let pat = json!({"type": "string", "pattern": "\\d"});
        assert_eq!(errors(&pat, "\"ab1c\""), (true, vec![]));
        assert!(!errors(&pat, "\"ab\u{0663}c\"").0);
        // String keywords ignore other types, object keywords ignore non-objects.
        assert_eq!(
            errors(&json!({"minLength": 3, "required": ["a"]}), "[]"),
            (true, vec![])
        );
    }

    #[test]
    fn objects_and_arrays_report_every_error_with_its_pointer() {
        let schema = json!({
            "type": "object", "additionalProperties": false, "required": ["a", "b"],
            "properties": {
                "a": {"type": "array", "minItems": 2, "items": {
                    "type": "object", "additionalProperties": false, "required": ["x"],
                    "properties": {"x": {"type": "string", "minLength": 1}}}},
                "b": {"type": "boolean"},
                "c/d": {"type": "string"}
            }
        });
        let (valid, errs) = errors(
            &schema,
            r#"{"a": [{"x": ""}, {"y": 1}], "zz": 1, "c/d": 5, "q": 2}"#,
        );
        assert!(!valid);
        let expected: Vec<(String, &str)> = vec![
            ("".into(), "additionalProperties"),
            ("".into(), "required"),
            ("/a/0/x".into(), "minLength"),
            ("/a/1".into(), "additionalProperties"),
            ("/a/1".into(), "required"),
            ("/c~1d".into(), "type"),
        ];
        assert_eq!(errs, expected);
        let p = Program::compile(&schema, &Patterns::new()).expect("compiles");
        let tree = JsonTree::parse(r#"{"a": [], "zz": 1, "q": 2}"#).expect("json");
        let all = p.errors(tree.root(), usize::MAX);
        match &all[0].kind {
            ErrorKind::AdditionalProperties { unexpected } => assert_eq!(unexpected, &["zz", "q"]),
            other => panic!("{other:?}"),
        }
        assert_eq!(p.errors(tree.root(), 1).len(), 1);
        let ok = JsonTree::parse(r#"{"b": true, "a": [{"x": "1"}, {"x": "2"}]}"#).expect("json");
        assert!(p.is_valid(ok.root()));
        assert!(p.errors(ok.root(), usize::MAX).is_empty());
    }

    #[test]
    fn lengths_count_code_points_up_to_the_limit() {
        for (s, limit, shorter) in [
            ("", 1, true),
            ("a", 1, false),
            ("ää", 3, true),
            ("äää", 3, false),
            ("😀😀😀", 4, true),
            ("😀😀😀😀", 4, false),
            ("abcdefgh", 2, false),
            ("x", u64::MAX, true),
        ] {
            assert_eq!(shorter_than(s, limit), shorter, "{s:?} {limit}");
            let count = s.chars().count() as u64;
            assert_eq!(count < limit, shorter, "{s:?} {limit}");
        }
        use super::super::compile::same_key;
        let long = "k".repeat(70);
        for (a, b) in [
            ("", ""),
            ("abc", "abc"),
            ("abcdefghij", "abcdefghij"),
            ("abcdefghij", "abcdefghiJ"),
            ("abcdefgh", "abcdefgx"),
            ("ab", "abc"),
            (long.as_str(), long.as_str()),
            (long.as_str(), &long[1..]),
        ] {
            assert_eq!(same_key(a, b), a == b, "{a} {b}");
        }
    }

    #[test]
    fn errors_before_and_after_the_first_one_are_all_collected_in_order() {
        let schema = json!({
            "type": "object", "additionalProperties": false, "required": ["a", "m"],
            "properties": {
                "a": {"type": "array", "items": {
                    "type": "object", "required": ["x"],
                    "properties": {"x": {"type": "string", "pattern": "^\\d+$"}}}},
                "b": {"type": "object", "additionalProperties": false,
                      "properties": {"y": {"type": "integer"}}},
                "c": {"type": "string", "minLength": 2},
                "m": {"type": "boolean"}
            }
        });
        let p = Program::compile(&schema, &Patterns::new()).expect("compiles");
        let cases: [(&str, &[(&str, &str)]); 5] = [
            // Errors in several items, and after them in later members.
            (
                r#"{"a": [{"x": "1"}, {"x": "y"}, {"x": "2"}, {}, {"x": 3}], "b": {"y": 1.5, "z": 0}, "c": "q", "m": true}"#,
                &[
                    ("/a/1/x", "pattern"),
                    ("/a/3", "required"),
                    ("/a/4/x", "type"),
                    ("/b", "additionalProperties"),
                    ("/b/y", "type"),
                    ("/c", "minLength"),
                ],
            ),
            // An unknown key between members: the object's own errors come first.
            (
                r#"{"c": "ok", "zz": 1, "a": [{"x": 5}], "b": {"z": 1}}"#,
                &[
                    ("", "additionalProperties"),
                    ("", "required"),
                    ("/a/0/x", "type"),
                    ("/b", "additionalProperties"),
                ],
            ),
            // A missing key found only after every member passed.
            (r#"{"a": [], "c": "ok"}"#, &[("", "required")]),
            // The value's own type fails: nothing inside is looked at.
            (r#"[{"a": 1}]"#, &[("", "type")]),
            // The first error deep inside, more after it at every level.
            (
                r#"{"a": [{"x": "1"}, {"x": "1", "w": [1]}, {"x": "-"}], "m": 0, "b": 3}"#,
                &[("/a/2/x", "pattern"), ("/m", "type"), ("/b", "type")],
            ),
        ];
        for (doc, expected) in cases {
            let tree = JsonTree::parse(doc).expect("json");
            let all = p.errors(tree.root(), usize::MAX);
            let got: Vec<(&str, &str)> = all
                .iter()
                .map(|e| (e.pointer.as_str(), e.kind.keyword()))
                .collect();
            assert_eq!(got, expected, "{doc}");
            assert!(!p.is_valid(tree.root()), "{doc}");
            // A limit keeps the first errors of the whole list.
            for limit in 0..=all.len() {
                let some: Vec<String> = p
                    .errors(tree.root(), limit)
                    .into_iter()
                    .map(|e| e.pointer)
                    .collect();
                let want: Vec<String> = all[..limit].iter().map(|e| e.pointer.clone()).collect();
                assert_eq!(some, want, "{doc} limit {limit}");
            }
        }
    }

    #[test]
    fn required_beyond_64_properties_is_looked_up() {
        let mut props = serde_json::Map::new();
        for i in 0..70 {
            props.insert(format!("p{i:02}"), json!({"type": "string"}));
        }
        let schema = json!({"type": "object", "properties": props, "required": ["p69", "p00"]});
        assert_eq!(
            errors(&schema, r#"{"p69": "x", "p00": "y"}"#),
            (true, vec![])
        );
        assert_eq!(
            errors(&schema, r#"{"p00": "y"}"#),
            (false, vec![(String::new(), "required")])
        );
        assert_eq!(
            errors(&schema, r#"{"p69": "y"}"#),
            (false, vec![(String::new(), "required")])
        );
    }
}
