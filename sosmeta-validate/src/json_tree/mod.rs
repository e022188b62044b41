//! A parsed JSON document in one arena: what the validator checks.
//!
//! Building a `serde_json::Value` allocates every string and a hash map per object, and
//! that was most of the time spent on a document. A [`JsonTree`] is three flat vectors
//! (nodes, object members, array items), with strings borrowed from the input where they
//! have no escapes and decoded into one buffer per tree where they have. A hand-written
//! parser (`parse.rs`) builds it from well-formed text; anything else, every error among
//! it, goes through `serde_json`'s parser with a visitor into the same arena, so that the
//! grammar, the error messages and positions and the nesting limit are `serde_json`'s
//! (`tests/json_parse.rs` holds the two to the same trees). The JSON Schema layer ([`crate::dialect`]) and the Sosmeta rules walk it
//! through [`JsonRef`]. Duplicate object keys keep the last value at the
//! first key's place, as `serde_json::Value` and Python's `json` do, and are remembered
//! ([`JsonTree::duplicate_keys`]): the validator reports them, because a reader that keeps
//! the first value would see another document.

// The `jsonschema` crate's view of the arena, checked by that crate's conformance test;
// test only, so that the crate stays out of the library's dependencies.
#[cfg(test)]
pub mod repr;

mod parse;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::fmt;

/// One value of a [`JsonTree`]; containers point into the tree's member and item lists.
/// Nothing in it needs dropping: a string is borrowed from the input or, when it had
/// escapes, decoded into the tree's one `decoded` buffer.
#[derive(Debug, Clone)]
enum Node<'s> {
    Null,
    Bool(bool),
    Number(Number),
    /// A string without escapes, borrowed from the input.
    String(&'s str),
    /// A string with escapes: `decoded[start..start + len]`.
    Decoded {
        start: u32,
        len: u32,
    },
    Array {
        start: u32,
        len: u32,
    },
    Object {
        start: u32,
        len: u32,
    },
}

/// An object key: borrowed from the input, or (when it had escapes) decoded into the
/// tree's `decoded` buffer. Copy, and nothing to drop.
#[derive(Debug, Clone, Copy)]
enum Key<'s> {
    Str(&'s str),
    Decoded { start: u32, len: u32 },
}

impl<'s> Key<'s> {
    /// The key's text, given the tree's `decoded` buffer.
    #[inline(always)]
    fn text<'a>(self, decoded: &'a str) -> &'a str
    where
        's: 'a,
    {
        match self {
            Key::Str(s) => s,
            Key::Decoded { start, len } => {
                let start = start as usize;
                decoded.get(start..start + len as usize).unwrap_or_default()
            }
        }
    }
}

/// A JSON document parsed into an arena; strings borrow from the input (`'s`) where
/// they can.
#[derive(Debug, Clone, Default)]
pub struct JsonTree<'s> {
    nodes: Vec<Node<'s>>,
    members: Vec<(Key<'s>, u32)>,
    items: Vec<u32>,
    root: u32,
    depth: usize,
    /// Objects that had a key more than once: the object's node and the key.
    duplicates: Vec<(u32, String)>,
    /// The strings (values and keys) that had escapes, decoded, one after the other.
    decoded: String,
}

impl<'s> JsonTree<'s> {
    /// Every key that appeared more than once in an object, as the JSON pointer of the
    /// value kept (the last one) — empty for almost every document.
    pub fn duplicate_keys(&self) -> Vec<String> {
        if self.duplicates.is_empty() {
            return Vec::new();
        }
        // Cold path: find each object's pointer by one walk of the tree.
        let mut pointers: std::collections::HashMap<u32, String> = std::collections::HashMap::new();
        let wanted: std::collections::HashSet<u32> =
            self.duplicates.iter().map(|(n, _)| *n).collect();
        let mut stack = vec![(self.root, String::new())];
        while let Some((node, pointer)) = stack.pop() {
            if wanted.contains(&node) {
                pointers.insert(node, pointer.clone());
            }
            match &self.nodes[node as usize] {
                Node::Object { start, len } => {
                    for (k, v) in &self.members[*start as usize..(*start + *len) as usize] {
                        let mut p = pointer.clone();
                        crate::names::push_token(&mut p, k.text(&self.decoded));
                        stack.push((*v, p));
                    }
                }
                Node::Array { start, len } => {
                    for (i, v) in self.items[*start as usize..(*start + *len) as usize]
                        .iter()
                        .enumerate()
                    {
                        let mut p = pointer.clone();
                        crate::names::push_index(&mut p, i);
                        stack.push((*v, p));
                    }
                }
                _ => {}
            }
        }
        self.duplicates
            .iter()
            .map(|(node, key)| {
                let mut p = pointers.get(node).cloned().unwrap_or_default();
                crate::names::push_token(&mut p, key);
                p
            })
            .collect()
    }

    /// Parse one JSON text (trailing characters other than whitespace are an error).
    ///
    /// The hand-written parser of [`JsonTree::parse_fast`] takes well-formed text; on
    /// anything it gives up on (every error among them) the text is parsed again by
    /// [`JsonTree::parse_serde`], so that the tree, or the error with its message and
    /// position, is always what `serde_json` gives.
    pub fn parse(text: &'s str) -> Result<JsonTree<'s>, serde_json::Error> {
        match parse::parse(text) {
            Some(tree) => Ok(tree),
            None => JsonTree::parse_serde(text),
        }
    }

    /// The fast parser alone: the tree [`JsonTree::parse_serde`] would build, or `None`
    /// for text it does not take on (any error; nesting at the limit; lone surrogates;
    /// it never returns a tree for text `serde_json` refuses).
    pub fn parse_fast(text: &'s str) -> Option<JsonTree<'s>> {
        parse::parse(text)
    }

    /// The reference parse: `serde_json`'s parser with a visitor into the arena (the
    /// grammar, the error messages and positions and the nesting limit of
    /// `serde_json::from_str`).
    pub fn parse_serde(text: &'s str) -> Result<JsonTree<'s>, serde_json::Error> {
        let mut builder = Builder::with_text_len(text.len());
        let mut de = serde_json::Deserializer::from_str(text);
        let root = ValueSeed {
            b: &mut builder,
            level: 0,
        }
        .deserialize(&mut de)?;
        de.end()?;
        Ok(builder.finish(root))
    }

    /// A tree over a `serde_json::Value`, borrowing its strings.
    pub fn from_value(value: &'s Value) -> JsonTree<'s> {
        let mut builder = Builder::default();
        let root = builder.value(value, 0);
        builder.finish(root)
    }

    /// The root value.
    pub fn root(&self) -> JsonRef<'_> {
        JsonRef {
            tree: self,
            idx: self.root,
        }
    }

    /// The nesting depth (scalars 0, `{}` and `[]` 1).
    pub fn depth(&self) -> usize {
        self.depth
    }
}

/// Collects nodes while parsing; containers gather their children on scratch stacks
/// and move them to the tree's lists when they end.
#[derive(Default)]
struct Builder<'s> {
    nodes: Vec<Node<'s>>,
    members: Vec<(Key<'s>, u32)>,
    items: Vec<u32>,
    member_stack: Vec<(Key<'s>, u32)>,
    item_stack: Vec<u32>,
    depth: usize,
    duplicates: Vec<(u32, String)>,
    decoded: String,
}

fn index<E: de::Error>(n: usize) -> Result<u32, E> {
    u32::try_from(n).map_err(|_| E::custom("the document has too many values (over 4 billion)"))
}

impl<'s> Builder<'s> {
    /// A builder sized for a text of `len` bytes (compact Sosmeta documents have about
    /// one value and one object member per 30 bytes, an array item per 360), so that the
    /// lists rarely grow while parsing.
    fn with_text_len(len: usize) -> Builder<'s> {
        let values = (len / 24).clamp(4, 1 << 20);
        Builder {
            nodes: Vec::with_capacity(values),
            members: Vec::with_capacity(values),
            items: Vec::with_capacity(values / 8),
            member_stack: Vec::with_capacity(64),
            item_stack: Vec::with_capacity(16),
            depth: 0,
            duplicates: Vec::new(),
            decoded: String::new(),
        }
    }

    /// A string value with escapes, decoded into the tree's buffer.
    fn push_decoded<E: de::Error>(&mut self, v: &str) -> Result<u32, E> {
        let (start, len) = self.decode(v)?;
        self.push(Node::Decoded { start, len })
    }

    /// Text appended to the tree's buffer: where it is.
    fn decode<E: de::Error>(&mut self, v: &str) -> Result<(u32, u32), E> {
        let start = index(self.decoded.len())?;
        self.decoded.push_str(v);
        let len = index(v.len())?;
        index(self.decoded.len())?;
        Ok((start, len))
    }

    /// An object key as the tree keeps it.
    fn key<E: de::Error>(&mut self, k: Cow<'s, str>) -> Result<Key<'s>, E> {
        match k {
            Cow::Borrowed(s) => Ok(Key::Str(s)),
            Cow::Owned(s) => {
                let (start, len) = self.decode(&s)?;
                Ok(Key::Decoded { start, len })
            }
        }
    }

    fn push<E: de::Error>(&mut self, node: Node<'s>) -> Result<u32, E> {
        let i = index(self.nodes.len())?;
        self.nodes.push(node);
        Ok(i)
    }

    fn end_array<E: de::Error>(&mut self, mark: usize) -> Result<u32, E> {
        let start = index(self.items.len())?;
        let len = index(self.item_stack.len() - mark)?;
        self.items.extend(self.item_stack.drain(mark..));
        self.push(Node::Array { start, len })
    }

    fn end_object<E: de::Error>(&mut self, mark: usize) -> Result<u32, E> {
        let dups = dedup_last_wins(&mut self.member_stack, mark, &self.decoded);
        let start = index(self.members.len())?;
        let len = index(self.member_stack.len() - mark)?;
        self.members.extend(self.member_stack.drain(mark..));
        let node = self.push(Node::Object { start, len })?;
        for key in dups {
            self.duplicates.push((node, key));
        }
        Ok(node)
    }

    fn finish(self, root: u32) -> JsonTree<'s> {
        JsonTree {
            nodes: self.nodes,
            members: self.members,
            items: self.items,
            root,
            depth: self.depth,
            duplicates: self.duplicates,
            decoded: self.decoded,
        }
    }

    fn value(&mut self, v: &'s Value, level: usize) -> u32 {
        // A `Value` is at most as large as memory: its node count fits the index type
        // wherever a tree of it fits in memory.
        let infallible = |r: Result<u32, serde_json::Error>| r.unwrap_or(u32::MAX);
        match v {
            Value::Null => infallible(self.push(Node::Null)),
            Value::Bool(b) => infallible(self.push(Node::Bool(*b))),
            Value::Number(n) => infallible(self.push(Node::Number(n.clone()))),
            Value::String(s) => infallible(self.push(Node::String(s))),
            Value::Array(a) => {
                self.depth = self.depth.max(level + 1);
                let mark = self.item_stack.len();
                for item in a {
                    let i = self.value(item, level + 1);
                    self.item_stack.push(i);
                }
                infallible(self.end_array(mark))
            }
            Value::Object(m) => {
                self.depth = self.depth.max(level + 1);
                let mark = self.member_stack.len();
                for (k, item) in m {
                    let i = self.value(item, level + 1);
                    self.member_stack.push((Key::Str(k), i));
                }
                infallible(self.end_object(mark))
            }
        }
    }
}

/// Remove repeated keys from `members[mark..]`: the last value stays, at the place of
/// the key's first occurrence.
fn dedup_last_wins(members: &mut Vec<(Key<'_>, u32)>, mark: usize, decoded: &str) -> Vec<String> {
    let run = &members[mark..];
    let has_dup = if run.len() <= 24 {
        run.iter().enumerate().any(|(i, (k, _))| {
            run[..i]
                .iter()
                .any(|(p, _)| p.text(decoded) == k.text(decoded))
        })
    } else {
        let mut seen = std::collections::HashSet::with_capacity(run.len());
        !run.iter().all(|(k, _)| seen.insert(k.text(decoded)))
    };
    if !has_dup {
        return Vec::new();
    }
    let tail: Vec<_> = members.drain(mark..).collect();
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut dups = Vec::new();
    for (k, v) in tail {
        let text = k.text(decoded);
        match at.get(text) {
            Some(&i) => {
                members[i].1 = v;
                if !dups.iter().any(|d: &String| d == text) {
                    dups.push(text.to_string());
                }
            }
            None => {
                at.insert(text, members.len());
                members.push((k, v));
            }
        }
    }
    dups
}

struct ValueSeed<'b, 's> {
    b: &'b mut Builder<'s>,
    level: usize,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, 'de> {
    type Value = u32;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, 'de> {
    type Value = u32;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<u32, E> {
        self.b.push(Node::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<u32, E> {
        self.b.push(Node::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<u32, E> {
        self.b.push(Node::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u32, E> {
        self.b.push(Node::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u32, E> {
        self.b.push(Node::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u32, E> {
        // As `serde_json::Value` does: a non-finite float (never produced by the JSON
        // grammar) becomes null.
        match Number::from_f64(v) {
            Some(n) => self.b.push(Node::Number(n)),
            None => self.b.push(Node::Null),
        }
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<u32, E> {
        self.b.push(Node::String(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u32, E> {
        self.b.push_decoded(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<u32, E> {
        self.b.push_decoded(&v)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u32, A::Error> {
        let level = self.level + 1;
        let b = self.b;
        b.depth = b.depth.max(level);
        let mark = b.item_stack.len();
        while let Some(i) = seq.next_element_seed(ValueSeed { b: &mut *b, level })? {
            b.item_stack.push(i);
        }
        b.end_array(mark)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u32, A::Error> {
        let level = self.level + 1;
        let b = self.b;
        b.depth = b.depth.max(level);
        let mark = b.member_stack.len();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            // Decoded before the value, as the fast parser does.
            let key = b.key(key)?;
            let i = map.next_value_seed(ValueSeed { b: &mut *b, level })?;
            b.member_stack.push((key, i));
        }
        b.end_object(mark)
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// A handle on one value of a [`JsonTree`]; cheap to copy.
#[derive(Clone, Copy)]
pub struct JsonRef<'t> {
    tree: &'t JsonTree<'t>,
    idx: u32,
}

impl fmt::Debug for JsonRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_value())
    }
}

/// What a [`JsonRef`] holds.
#[derive(Debug, Clone, Copy)]
pub enum JsonView<'t> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(&'t Number),
    /// A string.
    String(&'t str),
    /// An array.
    Array(ArrayRef<'t>),
    /// An object.
    Object(ObjectRef<'t>),
}

impl<'t> JsonRef<'t> {
    #[inline]
    fn node(&self) -> &'t Node<'t> {
        &self.tree.nodes[self.idx as usize]
    }

    /// A decoded string of the tree.
    #[inline]
    fn decoded(&self, start: u32, len: u32) -> &'t str {
        let start = start as usize;
        self.tree
            .decoded
            .get(start..start + len as usize)
            .unwrap_or_default()
    }

    /// What the value is.
    #[inline]
    pub fn view(&self) -> JsonView<'t> {
        let tree = self.tree;
        match self.node() {
            Node::Null => JsonView::Null,
            Node::Bool(b) => JsonView::Bool(*b),
            Node::Number(n) => JsonView::Number(n),
            Node::String(s) => JsonView::String(s),
            Node::Decoded { start, len } => JsonView::String(self.decoded(*start, *len)),
            Node::Array { start, len } => JsonView::Array(ArrayRef {
                tree,
                start: *start,
                len: *len,
            }),
            Node::Object { start, len } => JsonView::Object(ObjectRef {
                tree,
                start: *start,
                len: *len,
            }),
        }
    }

    /// The string, if the value is one.
    #[inline]
    pub fn as_str(&self) -> Option<&'t str> {
        match self.node() {
            Node::String(s) => Some(s),
            Node::Decoded { start, len } => Some(self.decoded(*start, *len)),
            _ => None,
        }
    }

    /// The object, if the value is one.
    #[inline]
    pub fn as_object(&self) -> Option<ObjectRef<'t>> {
        match self.view() {
            JsonView::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The array, if the value is one.
    #[inline]
    pub fn as_array(&self) -> Option<ArrayRef<'t>> {
        match self.view() {
            JsonView::Array(a) => Some(a),
            _ => None,
        }
    }

    /// A member of an object value (`None` for other values).
    #[inline]
    pub fn get(&self, key: &str) -> Option<JsonRef<'t>> {
        self.as_object()?.get(key)
    }

    /// The nesting depth of this value (scalars 0, `{}` and `[]` 1), without recursion.
    pub fn depth(&self) -> usize {
        let mut max = 0;
        let mut stack = vec![(*self, 0usize)];
        while let Some((v, d)) = stack.pop() {
            match v.view() {
                JsonView::Object(o) => {
                    max = max.max(d + 1);
                    stack.extend(o.iter().map(|(_, c)| (c, d + 1)));
                }
                JsonView::Array(a) => {
                    max = max.max(d + 1);
                    stack.extend(a.iter().map(|c| (c, d + 1)));
                }
                _ => {}
            }
        }
        max
    }

    /// The value as an owned `serde_json::Value` (for cold paths such as error
    /// reports).
    pub fn to_value(self) -> Value {
        match self.view() {
            JsonView::Null => Value::Null,
            JsonView::Bool(b) => Value::Bool(b),
            JsonView::Number(n) => Value::Number(n.clone()),
            JsonView::String(s) => Value::String(s.to_owned()),
            JsonView::Array(a) => Value::Array(a.iter().map(|v| v.to_value()).collect()),
            JsonView::Object(o) => {
                let mut m = Map::with_capacity(o.len());
                for (k, v) in o.iter() {
                    m.insert(k.to_owned(), v.to_value());
                }
                Value::Object(m)
            }
        }
    }
}

/// A data path selects the same values in the tree as in a `serde_json::Value` of the
/// same text (the tree keeps one member per key, the last value of a repeated one).
impl<'t> sosmeta_model::element::JsonNode<'t> for JsonRef<'t> {
    fn member(self, key: &str) -> Option<Self> {
        self.get(key)
    }
    fn text(self) -> Option<&'t str> {
        self.as_str()
    }
    fn items(self) -> Option<Vec<Self>> {
        self.as_array().map(|a| a.iter().collect())
    }
    fn values(self) -> Vec<Self> {
        self.as_object()
            .map(|o| o.iter().map(|(_, v)| v).collect())
            .unwrap_or_default()
    }
}

/// An object of a [`JsonTree`]: its members in document order.
#[derive(Clone, Copy)]
pub struct ObjectRef<'t> {
    tree: &'t JsonTree<'t>,
    start: u32,
    len: u32,
}

impl fmt::Debug for ObjectRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'t> ObjectRef<'t> {
    #[inline]
    fn slice(&self) -> &'t [(Key<'t>, u32)] {
        &self.tree.members[self.start as usize..(self.start + self.len) as usize]
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// True when the object has no members.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The member called `key`.
    #[inline]
    pub fn get(&self, key: &str) -> Option<JsonRef<'t>> {
        let tree = self.tree;
        self.slice()
            .iter()
            .find(|(k, _)| k.text(&tree.decoded) == key)
            .map(|(_, i)| JsonRef { tree, idx: *i })
    }

    /// True when the object has a member called `key`.
    #[inline]
    pub fn contains_key(&self, key: &str) -> bool {
        let decoded = &self.tree.decoded;
        self.slice().iter().any(|(k, _)| k.text(decoded) == key)
    }

    /// The members, in document order.
    #[inline]
    pub fn iter(&self) -> Members<'t> {
        Members {
            tree: self.tree,
            inner: self.slice().iter(),
        }
    }

    /// The member keys, in document order.
    #[inline]
    pub fn keys(&self) -> impl Iterator<Item = &'t str> {
        let decoded = &self.tree.decoded;
        self.slice().iter().map(move |(k, _)| k.text(decoded))
    }
}

/// The members of an [`ObjectRef`].
pub struct Members<'t> {
    tree: &'t JsonTree<'t>,
    inner: std::slice::Iter<'t, (Key<'t>, u32)>,
}

impl<'t> Iterator for Members<'t> {
    type Item = (&'t str, JsonRef<'t>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let tree = self.tree;
        self.inner
            .next()
            .map(|(k, i)| (k.text(&tree.decoded), JsonRef { tree, idx: *i }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// An array of a [`JsonTree`].
#[derive(Clone, Copy)]
pub struct ArrayRef<'t> {
    tree: &'t JsonTree<'t>,
    start: u32,
    len: u32,
}

impl fmt::Debug for ArrayRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'t> ArrayRef<'t> {
    #[inline]
    fn slice(&self) -> &'t [u32] {
        &self.tree.items[self.start as usize..(self.start + self.len) as usize]
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// True when the array has no items.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The items, in order.
    #[inline]
    pub fn iter(&self) -> Items<'t> {
        Items {
            tree: self.tree,
            inner: self.slice().iter(),
        }
    }
}

/// The items of an [`ArrayRef`].
pub struct Items<'t> {
    tree: &'t JsonTree<'t>,
    inner: std::slice::Iter<'t, u32>,
}

impl<'t> Iterator for Items<'t> {
    type Item = JsonRef<'t>;

    #[inline]
    fn next(&mut self) -> Option<JsonRef<'t>> {
        let tree = self.tree;
        self.inner.next().map(|i| JsonRef { tree, idx: *i })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_serde_json() {
        for text in [
            r#"{"a": [1, -2, 3.5, 1e300, true, null, "x\u00e9\n"], "b": {"c": {}}, "d": []}"#,
            r#""plain""#,
            "18446744073709551615",
            r#"{"k": 1, "k": 2, "j": 3, "k": 4}"#,
            r#"{"a\"b": "\ud83d\ude00"}"#,
        ] {
            let tree = JsonTree::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let expected: Value = serde_json::from_str(text).unwrap();
            assert_eq!(tree.root().to_value(), expected, "{text}");
            assert_eq!(
                JsonTree::from_value(&expected).root().to_value(),
                expected,
                "{text}"
            );
            // Key order is kept, duplicates at their first place.
            assert_eq!(
                serde_json::to_string(&tree.root().to_value()).unwrap(),
                serde_json::to_string(&expected).unwrap()
            );
        }
    }

    #[test]
    fn errors_match_serde_json() {
        for text in [
            "{",
            "[1e400]",
            "[1,]",
            "{\"a\" 1}",
            "1 2",
            "",
            "[\"\\x\"]",
            "tru",
        ] {
            let ours = JsonTree::parse(text).unwrap_err();
            let theirs = serde_json::from_str::<Value>(text).unwrap_err();
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        let err = JsonTree::parse(&deep).unwrap_err();
        assert!(err.to_string().contains("recursion limit"), "{err}");
    }

    #[test]
    fn depth_and_access() {
        let tree = JsonTree::parse(r#"{"a": [{"b": "c"}], "n": 1}"#).unwrap();
        assert_eq!(tree.depth(), 3);
        assert_eq!(tree.root().depth(), 3);
        assert_eq!(tree.root().get("a").unwrap().depth(), 2);
        assert_eq!(JsonTree::parse("1").unwrap().depth(), 0);
        assert_eq!(JsonTree::parse("[]").unwrap().depth(), 1);
        let root = tree.root();
        let a = root.get("a").unwrap().as_array().unwrap();
        assert_eq!(a.len(), 1);
        let first = a.iter().next().unwrap();
        assert_eq!(first.get("b").unwrap().as_str(), Some("c"));
        assert!(root.get("zz").is_none());
        assert!(root.as_object().unwrap().contains_key("n"));
        assert_eq!(
            root.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["a", "n"]
        );
    }
}
