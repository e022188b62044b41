//! From the model to Rust types: leaf types, and structural dedup of object shapes.

use heck::ToUpperCamelCase;
use sosmeta_model::{Definition, Element, Kind, Representation};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The Rust type of one value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `sosmeta_types::Number` (keeps integer vs decimal form).
    Number,
    /// `i64`.
    Integer,
    /// `sosmeta_types::PartialDate`.
    PartialDate,
    /// `sosmeta_types::Instant`.
    Instant,
    /// `sosmeta_types::Code`.
    Code,
    /// `sosmeta_types::Identifier`.
    Identifier,
    /// `sosmeta_types::Quantity`.
    Quantity,
    /// `serde_json::Value` (a node the generator has no better type for).
    Json,
    /// A generated shape (struct or fixed phrase).
    Shape(usize),
    /// A repeatable element; the `usize` is `minItems`.
    Vec(Box<Ty>, usize),
}

/// One field of a struct shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    /// The JSON key.
    pub key: String,
    /// The type.
    pub ty: Ty,
    /// Listed in the parent's `required`.
    pub required: bool,
}

/// The structure of a generated type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ShapeKind {
    /// An object (`deny_unknown_fields`).
    Struct(Vec<Field>),
    /// A fixed phrase (*Fraasi*) with its text.
    Phrase(String),
}

/// A deduplicated shape with its name and what describes it.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The structure.
    pub kind: ShapeKind,
    /// The canonical text of the structure (the dedup key).
    pub canonical: String,
    /// FNV-1a 64 of `canonical`.
    pub hash: u64,
    /// The JSON key of its first occurrence.
    pub key: String,
    /// The Rust name (unique).
    pub name: String,
    /// Doc lines from its first occurrence.
    pub doc: Vec<String>,
    /// Per field key: doc lines from the first occurrence.
    pub field_docs: BTreeMap<String, Vec<String>>,
    /// How many object/phrase nodes collapsed into it.
    pub uses: usize,
    /// Feature names of the definitions that use it.
    pub features: BTreeSet<String>,
}

/// FNV-1a, 64 bit: a small stable hash for canonical shapes.
pub fn fnv64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Collects shapes over many definitions.
#[derive(Default)]
pub struct Shapes {
    /// Every shape, in order of first occurrence.
    pub list: Vec<Shape>,
    by_canonical: HashMap<String, usize>,
    /// Object nodes met (before dedup), leaf objects included.
    pub object_nodes: usize,
}

fn is_exact(el: &Element, keys: &[(&str, Kind)], required: &[&str]) -> bool {
    let kids = el.children();
    kids.len() == keys.len()
        && kids
            .iter()
            .zip(keys)
            .all(|(c, (k, kind))| c.key == *k && c.kind == *kind && c.children().is_empty())
        && {
            let mut r: Vec<&str> = el
                .required
                .as_deref()
                .unwrap_or(&[])
                .iter()
                .map(String::as_str)
                .collect();
            r.sort_unstable();
            let mut want = required.to_vec();
            want.sort_unstable();
            r == want
        }
}

/// Doc lines for an element: fi name, sv name, representation.
pub fn doc_lines(el: &Element) -> Vec<String> {
    let mut out = Vec::new();
    let fi = el.name(&sosmeta_model::Lang::Fi);
    let sv = el.meta().and_then(|m| m.name.as_ref()).and_then(|n| n.sv());
    match (fi, sv) {
        (Some(fi), Some(sv)) if fi != sv => out.push(format!("{fi} (sv: {sv})")),
        (Some(n), _) | (None, Some(n)) => out.push(n.to_string()),
        (None, None) => out.push(format!("`{}`", el.key)),
    }
    let mut facts = Vec::new();
    if let Some(r) = el.representation() {
        facts.push(format!("esitystapa {r}"));
    }
    if el.is_repeatable() {
        facts.push("toistuva".to_string());
    }
    if el.meta().and_then(|m| m.required) == Some(true) {
        facts.push("pakollinen".to_string());
    }
    if el.is_conditional_required() {
        facts.push("ehdollisesti pakollinen".to_string());
    }
    if !facts.is_empty() {
        out.push(String::new());
        out.push(format!("JSON `{}`: {}.", el.key, facts.join(", ")));
    }
    out
}

impl Shapes {
    /// The type of `el` (named by `named`, which is the array for array items).
    pub fn ty(&mut self, named: &Element, el: &Element, feature: &str) -> Ty {
        let rep = el.representation().or_else(|| named.representation());
        match el.kind {
            Kind::Array => {
                let min = el.min_items.unwrap_or(0) as usize;
                match &el.items {
                    Some(items) => Ty::Vec(Box::new(self.ty(named, items, feature)), min),
                    None => Ty::Vec(Box::new(Ty::Json), min),
                }
            }
            Kind::Boolean => Ty::Bool,
            Kind::Number => Ty::Number,
            Kind::Integer => Ty::Integer,
            Kind::Null => Ty::Json,
            Kind::String => match rep {
                Some(Representation::Pvm) => Ty::PartialDate,
                Some(Representation::Hetki) => Ty::Instant,
                Some(Representation::Fraasi) => match el.enum_values.as_deref() {
                    Some([serde_json::Value::String(text)]) => self.intern(
                        ShapeKind::Phrase(text.clone()),
                        format!("phrase:{text:?}"),
                        named,
                        feature,
                        BTreeMap::new(),
                    ),
                    _ => Ty::String,
                },
                _ => Ty::String,
            },
            Kind::Object => {
                self.object_nodes += 1;
                use Kind::{Number as N, String as S};
                match rep {
                    Some(Representation::Koodi)
                        if is_exact(
                            el,
                            &[("system", S), ("code", S), ("display", S)],
                            &["system", "code", "display"],
                        ) =>
                    {
                        return Ty::Code
                    }
                    Some(Representation::Tunnus)
                        if is_exact(el, &[("system", S), ("value", S)], &["value"]) =>
                    {
                        return Ty::Identifier
                    }
                    Some(r)
                        if r.is_quantity()
                            && is_exact(el, &[("value", N), ("code", S)], &["value", "code"]) =>
                    {
                        return Ty::Quantity
                    }
                    _ => {}
                }
                let mut fields = Vec::new();
                let mut field_docs = BTreeMap::new();
                for child in el.children() {
                    let ty = self.ty(child, child, feature);
                    field_docs.insert(child.key.clone(), doc_lines(child));
                    fields.push(Field {
                        key: child.key.clone(),
                        ty,
                        required: el.requires(&child.key),
                    });
                }
                let canonical = canonical_struct(&fields);
                self.intern(
                    ShapeKind::Struct(fields),
                    canonical,
                    named,
                    feature,
                    field_docs,
                )
            }
        }
    }

    fn intern(
        &mut self,
        kind: ShapeKind,
        canonical: String,
        named: &Element,
        feature: &str,
        field_docs: BTreeMap<String, Vec<String>>,
    ) -> Ty {
        if let Some(&i) = self.by_canonical.get(&canonical) {
            let s = &mut self.list[i];
            s.uses += 1;
            s.features.insert(feature.to_string());
            return Ty::Shape(i);
        }
        let i = self.list.len();
        self.list.push(Shape {
            kind,
            hash: fnv64(&canonical),
            canonical: canonical.clone(),
            key: named.key.clone(),
            name: String::new(),
            doc: doc_lines(named),
            field_docs,
            uses: 1,
            features: BTreeSet::from([feature.to_string()]),
        });
        self.by_canonical.insert(canonical, i);
        Ty::Shape(i)
    }

    /// Give every shape a unique UpperCamelCase name: the name from its JSON key when no
    /// other shape wants it; when several do, the most used keeps it and the others get
    /// a suffix from their canonical hash (stable across regenerations).
    pub fn assign_names(&mut self, reserved: &[&str]) {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, s) in self.list.iter().enumerate() {
            let mut base = s.key.to_upper_camel_case();
            if base.is_empty() || !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
                base = format!("T{base}");
            }
            if reserved.contains(&base.as_str()) {
                base.push_str("Element");
            }
            groups.entry(base).or_default().push(i);
        }
        let mut taken: BTreeSet<String> = groups.keys().cloned().collect();
        for (base, mut members) in groups {
            members.sort_by(|&a, &b| {
                let (sa, sb) = (&self.list[a], &self.list[b]);
                sb.uses.cmp(&sa.uses).then(sa.canonical.cmp(&sb.canonical))
            });
            for (n, &i) in members.iter().enumerate() {
                let name = if n == 0 {
                    base.clone()
                } else {
                    let h = self.list[i].hash;
                    let mut width = 4;
                    loop {
                        let cand = format!("{base}X{:0w$X}", h >> (64 - 4 * width), w = width);
                        if !taken.contains(&cand) || width >= 16 {
                            break cand;
                        }
                        width += 2;
                    }
                };
                taken.insert(name.clone());
                self.list[i].name = name;
            }
        }
    }
}

fn ty_canonical(t: &Ty) -> String {
    match t {
        Ty::Shape(i) => format!("#{i}"),
        Ty::Vec(inner, n) => format!("[{};{n}]", ty_canonical(inner)),
        other => format!("{other:?}"),
    }
}

fn canonical_struct(fields: &[Field]) -> String {
    let mut s = String::from("{");
    for f in fields {
        s.push_str(&format!(
            "{:?}{}{};",
            f.key,
            if f.required { ":" } else { "?:" },
            ty_canonical(&f.ty)
        ));
    }
    s.push('}');
    s
}

/// Every shape reachable from `ty`, into `out`.
pub fn reachable(shapes: &[Shape], ty: &Ty, out: &mut BTreeSet<usize>) {
    match ty {
        Ty::Shape(i) if out.insert(*i) => {
            if let ShapeKind::Struct(fields) = &shapes[*i].kind {
                for f in fields {
                    reachable(shapes, &f.ty, out);
                }
            }
        }
        Ty::Vec(inner, _) => reachable(shapes, inner, out),
        _ => {}
    }
}

/// The definitions in generation order: by root key, then version.
pub fn ordered(defs: &[Definition]) -> Vec<&Definition> {
    let mut v: Vec<&Definition> = defs.iter().collect();
    v.sort_by(|a, b| {
        (a.document_key(), a.version(), a.oid()).cmp(&(b.document_key(), b.version(), b.oid()))
    });
    v
}
