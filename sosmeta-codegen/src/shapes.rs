//! From the model to Rust types: leaf types, and structural dedup of object shapes.

use heck::ToUpperCamelCase;
use sosmeta_model::{Definition, Element, Kind, Representation};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The Rust type of one value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    /// `String`.
    String,
    /// `sosmeta_types::NonEmptyString` (`minLength: 1`).
    NonEmptyString,
    /// `sosmeta_types::Identifier` of an element whose system is the hetu's: the value is
    /// checked also when the JSON gives no system (`sosmeta_types::HetuIdentifier`).
    HetuIdentifier,
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
    /// A repeatable element; the `usize` is `minItems` (`NonEmptyVec` when 1 or more).
    Vec(Box<Ty>, usize),
}

/// The code systems a code set allows (see `sosmeta_types::SystemRule`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SystemSpec {
    /// `urn:oid:<oid>` with an optional version suffix, for one of these OIDs.
    Classification(Vec<String>),
    /// Exactly one of these strings (the schema's `enum`).
    Exact(Vec<String>),
    /// Any system.
    Any,
}

/// A Koodi element's code set: the systems it allows and its fixed list, if any.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CodeSpec {
    /// The classification's name (Finnish), else the element's.
    pub name: String,
    /// The systems allowed.
    pub system: SystemSpec,
    /// The system a new code is written in.
    pub default_system: String,
    /// The fixed list: code, Finnish display, Swedish display.
    pub codes: Option<Vec<(String, String, String)>>,
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
    /// The code set of a Koodi element (`Coded<Name>`).
    Codes(CodeSpec),
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
    /// Shapes met since the last [`Shapes::take_occurrences`], each with the JSON path
    /// (keys from the document element) of the element it types.
    pub occurrences: Vec<(usize, Vec<String>)>,
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

/// The schema's `^urn:oid:<oid>(\.\d+)*$` pattern's OID.
fn pattern_oid(pattern: &str) -> Option<String> {
    let inner = pattern
        .strip_prefix("^urn:oid:")?
        .strip_suffix("(\\.\\d+)*$")?;
    let oid = inner.replace("\\.", ".");
    (!oid.is_empty() && oid.bytes().all(|b| b.is_ascii_digit() || b == b'.')).then_some(oid)
}

/// The code set of a Koodi element `{system, code, display}`: the systems its schema and
/// classification allow and its fixed list (the schema's `enum` on `code`, kept to the
/// definition's `acceptedValues` / `valueSet` codes when it gives them too). `None` when
/// neither systems nor codes are fixed (then the plain `Code`), or when the schema fixes
/// them in a way this does not model (a `pattern` of another form).
pub fn code_spec(named: &Element, el: &Element) -> Option<CodeSpec> {
    let system_el = el.child("system")?;
    let code_el = el.child("code")?;
    if code_el.pattern.is_some()
        || el
            .child("display")
            .is_some_and(|d| d.pattern.is_some() || d.enum_values.is_some())
    {
        return None;
    }
    let oids: Vec<String> = el
        .classification_oids()
        .into_iter()
        .chain(named.classification_oids())
        .map(String::from)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let system = match (&system_el.enum_values, &system_el.pattern) {
        (Some(values), None) => SystemSpec::Exact(
            values
                .iter()
                .map(|v| v.as_str().map(String::from))
                .collect::<Option<Vec<_>>>()?,
        ),
        (None, Some(p)) => SystemSpec::Classification(vec![pattern_oid(p)?]),
        (None, None) if !oids.is_empty() => SystemSpec::Classification(oids.clone()),
        (None, None) => SystemSpec::Any,
        (Some(_), Some(_)) => return None,
    };
    let meta_el = if el.allowed_codes().is_some() {
        el
    } else {
        named
    };
    let allowed = meta_el.allowed_codes();
    let entries = meta_el
        .value_set()
        .and_then(|vs| vs.entries().map(<[_]>::to_vec))
        .unwrap_or_default();
    let listed: Option<Vec<String>> = match (&code_el.enum_values, allowed) {
        (Some(values), allowed) => {
            let mut v: Vec<String> = values
                .iter()
                .map(|v| v.as_str().map(String::from))
                .collect::<Option<Vec<_>>>()?;
            if let Some(a) = allowed {
                v.retain(|c| a.contains(c));
            }
            Some(v)
        }
        (None, Some(a)) => Some(a),
        (None, None) => None,
    };
    let codes = listed.map(|list| {
        let mut seen = BTreeSet::new();
        list.into_iter()
            .filter(|c| seen.insert(c.clone()))
            .map(|c| {
                let e = entries.iter().find(|e| e.code == c);
                let fi = e.and_then(|e| e.fi.clone()).unwrap_or_default();
                let sv = e.and_then(|e| e.sv.clone()).unwrap_or_else(|| fi.clone());
                (c, fi, sv)
            })
            .collect::<Vec<_>>()
    });
    if matches!(system, SystemSpec::Any) && codes.is_none() {
        return None;
    }
    let default_system = match &system {
        SystemSpec::Exact(v) => v.first().cloned().unwrap_or_default(),
        SystemSpec::Classification(o) => format!("urn:oid:{}", o[0]),
        SystemSpec::Any => oids
            .first()
            .map(|o| format!("urn:oid:{o}"))
            .unwrap_or_default(),
    };
    let name = [el, named]
        .iter()
        .find_map(|e| {
            e.meta()
                .and_then(|m| m.classification.as_ref())
                .and_then(|t| t.fi())
        })
        .or_else(|| named.name(&sosmeta_model::Lang::Fi))
        .unwrap_or(&named.key)
        .trim()
        .to_string();
    Some(CodeSpec {
        name,
        system,
        default_system,
        codes,
    })
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
    let oids = el.classification_oids();
    let class = el
        .meta()
        .and_then(|m| m.classification.as_ref())
        .and_then(|t| t.fi());
    if !oids.is_empty() || class.is_some() {
        let systems: Vec<String> = oids.iter().map(|o| format!("`urn:oid:{o}`")).collect();
        out.push(String::new());
        out.push(format!(
            "Luokitus (classification): {}{}{}.",
            class.unwrap_or("").trim(),
            if class.is_some() && !systems.is_empty() {
                ", "
            } else {
                ""
            },
            systems.join(", ")
        ));
    }
    out
}

impl Shapes {
    /// The type of `el` (named by `named`, which is the array for array items).
    ///
    /// `path` is the JSON keys from the document element down to `named`; every shape met
    /// is recorded with its path in [`Shapes::occurrences`] (for contextual names).
    pub fn ty(
        &mut self,
        named: &Element,
        el: &Element,
        feature: &str,
        path: &mut Vec<String>,
    ) -> Ty {
        let rep = el.representation().or_else(|| named.representation());
        match el.kind {
            Kind::Array => {
                let min = el.min_items.unwrap_or(0) as usize;
                match &el.items {
                    Some(items) => Ty::Vec(Box::new(self.ty(named, items, feature, path)), min),
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
                        path,
                    ),
                    _ => Ty::String,
                },
                _ if el.min_length.unwrap_or(0) >= 1 => Ty::NonEmptyString,
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
                        return match code_spec(named, el) {
                            Some(spec) => {
                                let canonical = format!("codes:{spec:?}");
                                self.intern(
                                    ShapeKind::Codes(spec),
                                    canonical,
                                    named,
                                    feature,
                                    BTreeMap::new(),
                                    path,
                                )
                            }
                            None => Ty::Code,
                        };
                    }
                    Some(Representation::Tunnus)
                        if is_exact(el, &[("system", S), ("value", S)], &["value"]) =>
                    {
                        return if el.is_hetu_identifier() || named.is_hetu_identifier() {
                            Ty::HetuIdentifier
                        } else {
                            Ty::Identifier
                        };
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
                    path.push(child.key.clone());
                    let ty = self.ty(child, child, feature, path);
                    path.pop();
                    field_docs.insert(child.key.clone(), doc_lines(child));
                    fields.push(Field {
                        key: child.key.clone(),
                        ty,
                        required: el.requires(&child.key),
                    });
                }
                let canonical = canonical_struct(&fields, &self.list);
                self.intern(
                    ShapeKind::Struct(fields),
                    canonical,
                    named,
                    feature,
                    field_docs,
                    path,
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
        path: &[String],
    ) -> Ty {
        if let Some(&i) = self.by_canonical.get(&canonical) {
            let s = &mut self.list[i];
            s.uses += 1;
            s.features.insert(feature.to_string());
            self.occurrences.push((i, path.to_vec()));
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
        self.occurrences.push((i, path.to_vec()));
        Ty::Shape(i)
    }

    /// The shapes met since the last call, with their paths (see [`Shapes::ty`]).
    pub fn take_occurrences(&mut self) -> Vec<(usize, Vec<String>)> {
        std::mem::take(&mut self.occurrences)
    }

    /// Give every shape a unique internal name: the UpperCamelCase of the key of its first
    /// occurrence, `X` and the leading hex digits of its canonical hash (8, more only when
    /// two shapes would collide). The hash depends only on the shape's own structure.
    /// Vendors use the contextual names of [`contextual_names`] instead.
    pub fn assign_names(&mut self, reserved: &[&str]) {
        let mut order: Vec<usize> = (0..self.list.len()).collect();
        order.sort_by(|&a, &b| self.list[a].canonical.cmp(&self.list[b].canonical));
        let mut taken: BTreeSet<String> = BTreeSet::new();
        for i in order {
            let base = base_name(&self.list[i].key, reserved);
            let h = self.list[i].hash;
            let mut width = 8;
            let name = loop {
                let cand = format!("{base}X{:0w$X}", h >> (64 - 4 * width), w = width);
                if !taken.contains(&cand) {
                    break cand;
                }
                if width >= 16 {
                    // Two shapes with one 64-bit hash: number the later one.
                    let mut n = 2;
                    while taken.contains(&format!("{cand}N{n}")) {
                        n += 1;
                    }
                    break format!("{cand}N{n}");
                }
                width += 2;
            };
            taken.insert(name.clone());
            self.list[i].name = name;
        }
    }
}

/// The UpperCamelCase name of a JSON key, made a valid identifier that is not `reserved`.
pub fn base_name(key: &str, reserved: &[&str]) -> String {
    let mut base = key.to_upper_camel_case();
    if base.is_empty() || !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base = format!("T{base}");
    }
    if reserved.contains(&base.as_str()) {
        base.push_str("Element");
    }
    base
}

/// Per shape, the path it is named from: its shortest, then alphabetically first, path.
pub fn naming_paths(occurrences: &[(usize, Vec<String>)]) -> BTreeMap<usize, &Vec<String>> {
    let mut path_of: BTreeMap<usize, &Vec<String>> = BTreeMap::new();
    for (i, p) in occurrences {
        let e = path_of.entry(*i).or_insert(p);
        if (p.len(), p) < (e.len(), *e) {
            *e = p;
        }
    }
    path_of
}

/// The names a vendor sees in one definition version: shape index → name.
///
/// A type is named after its element (the UpperCamelCase of its JSON key). Where two
/// different shapes of this definition version would take one name, each is qualified by
/// its parent element's name, then the grandparent's, and so on, until they differ. A
/// shape met at several paths is named from its shortest (then alphabetically first) path.
/// So a name depends only on the element's path and shape within this definition version,
/// never on other definitions.
pub fn contextual_names(
    occurrences: &[(usize, Vec<String>)],
    reserved: &[&str],
) -> BTreeMap<usize, String> {
    let path_of = naming_paths(occurrences);
    let qualified = |p: &[String], depth: usize| -> String {
        let from = p.len().saturating_sub(depth + 1);
        let joined: String = p[from..].iter().map(|k| k.to_upper_camel_case()).collect();
        base_name(&joined, reserved)
    };
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (&i, p) in &path_of {
        groups.entry(qualified(p, 0)).or_default().push(i);
    }
    let mut names: BTreeMap<usize, String> = BTreeMap::new();
    for (base, members) in &groups {
        if members.len() == 1 {
            names.insert(members[0], base.clone());
            continue;
        }
        let longest = members.iter().map(|i| path_of[i].len()).max().unwrap_or(1);
        let mut depth = 1;
        loop {
            let cands: Vec<String> = members
                .iter()
                .map(|i| qualified(path_of[i], depth))
                .collect();
            let distinct: BTreeSet<&String> = cands.iter().collect();
            if distinct.len() == cands.len() || depth >= longest {
                for (i, n) in members.iter().zip(cands) {
                    names.insert(*i, n);
                }
                break;
            }
            depth += 1;
        }
    }
    // A qualified name may equal another element's plain name (`asiakasYhteystiedot`
    // beside `asiakas` > `yhteystiedot`): the one with the longer (then later) path takes
    // a number. Paths are unique per element, so this ends.
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (&i, n) in &names {
        by_name.entry(n.clone()).or_default().push(i);
    }
    let mut taken: BTreeSet<String> = by_name.keys().cloned().collect();
    for (n, mut members) in by_name {
        if members.len() < 2 {
            continue;
        }
        members.sort_by(|a, b| (path_of[a].len(), path_of[a]).cmp(&(path_of[b].len(), path_of[b])));
        for &i in &members[1..] {
            let mut k = 2;
            while taken.contains(&format!("{n}{k}")) {
                k += 1;
            }
            let fresh = format!("{n}{k}");
            taken.insert(fresh.clone());
            names.insert(i, fresh);
        }
    }
    names
}

fn ty_canonical(t: &Ty, shapes: &[Shape]) -> String {
    match t {
        // By the child's hash, not its index: a shape's canonical text (and hash) then
        // depends on its own structure only, never on which definitions came first.
        Ty::Shape(i) => format!("#{:016x}", shapes[*i].hash),
        Ty::Vec(inner, n) => format!("[{};{n}]", ty_canonical(inner, shapes)),
        other => format!("{other:?}"),
    }
}

fn canonical_struct(fields: &[Field], shapes: &[Shape]) -> String {
    let mut s = String::from("{");
    for f in fields {
        s.push_str(&format!(
            "{:?}{}{};",
            f.key,
            if f.required { ":" } else { "?:" },
            ty_canonical(&f.ty, shapes)
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
