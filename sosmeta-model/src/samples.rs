//! Sample documents (*esimerkkiasiakirjat*) built from a definition: a minimal one with only
//! the required elements and a maximal one with every element.
//!
//! Both are valid against the definition's JSON Schema and against the Sosmeta rules that
//! the schema cannot say: real calendar dates, a hetu with a correct check character,
//! codes taken from the element's enum, acceptedValues or parsed valueSet (with the
//! matching display), the classification's system, and fixed phrases. They are the seeds of
//! the validator's case generator, codegen's round-trip tests and rendering snapshots.

use crate::definition::Definition;
use crate::element::{Element, Kind};
use crate::representation::Representation;
use serde_json::{json, Map, Value};

/// How much of the definition a sample fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Only what is required; arrays at their minimum length (at least one item).
    Minimal,
    /// Every element; arrays with two items (or their minimum, if larger).
    Maximal,
}

/// The system URI of Finnish personal identity codes (*henkilötunnus*, hetu); the one
/// constant of [`sosmeta_types::hetu`].
pub use sosmeta_types::HETU_SYSTEM;

/// A minimal valid document `{root_key: {...}}`: required elements only.
pub fn minimal(def: &Definition) -> Value {
    document(def, Fill::Minimal)
}

/// A maximal valid document `{root_key: {...}}`: every element.
pub fn maximal(def: &Definition) -> Value {
    document(def, Fill::Maximal)
}

/// A valid document with the given fill.
pub fn document(def: &Definition, fill: Fill) -> Value {
    let doc = def.document();
    let mut root = Map::new();
    root.insert(doc.key.clone(), value_for(doc, fill));
    let mut out = Value::Object(root);
    if fill == Fill::Minimal {
        // A conditionally required element whose condition holds is required too.
        crate::condition::complete(def, &mut out, |el| value_for(el, fill));
    }
    out
}

/// A valid value for one element (an array element yields the whole array).
pub fn value_for(el: &Element, fill: Fill) -> Value {
    match el.kind {
        Kind::Array => {
            let min = el.min_items.unwrap_or(0) as usize;
            let n = match fill {
                Fill::Minimal => min.max(1),
                Fill::Maximal => min.max(2),
            };
            let item = el.items.as_deref().unwrap_or(el);
            if item.kind == Kind::Array && std::ptr::eq(item, el) {
                return Value::Array(Vec::new());
            }
            Value::Array((0..n).map(|i| item_value(item, fill, i)).collect())
        }
        _ => item_value(el, fill, 0),
    }
}

fn item_value(el: &Element, fill: Fill, index: usize) -> Value {
    match el.kind {
        Kind::Object => object_value(el, fill, index),
        Kind::Array => value_for(el, fill),
        Kind::String => string_value(el, None, index),
        Kind::Number | Kind::Integer => number_value(el, fill, index),
        Kind::Boolean => Value::Bool(fill == Fill::Maximal || index % 2 == 0),
        Kind::Null => Value::Null,
    }
}

fn enum_first(el: &Element, index: usize) -> Option<Value> {
    let e = el.enum_values.as_ref()?;
    if e.is_empty() {
        return None;
    }
    Some(e[index % e.len()].clone())
}

fn object_value(el: &Element, fill: Fill, index: usize) -> Value {
    let rep = el.representation();
    let has = |k: &str| el.child(k).is_some();
    if rep == Some(Representation::Koodi) || (has("code") && has("system")) {
        if let Some(v) = code_value(el, index) {
            return v;
        }
    }
    let mut out = Map::new();
    for child in el.children() {
        let include = fill == Fill::Maximal || el.requires(&child.key);
        if !include {
            continue;
        }
        let v = match child.key.as_str() {
            "system" if child.kind == Kind::String => system_value(el, child),
            "value" if child.kind == Kind::String && rep == Some(Representation::Tunnus) => {
                Value::String(identifier_value(el, index))
            }
            "code"
                if child.kind == Kind::String
                    && rep.as_ref().is_some_and(Representation::is_quantity) =>
            {
                enum_first(child, 0).unwrap_or_else(|| Value::String(unit_for(rep.as_ref())))
            }
            "value" if matches!(child.kind, Kind::Number | Kind::Integer) => {
                number_value(child, fill, index)
            }
            _ => value_for(child, fill),
        };
        out.insert(child.key.clone(), v);
    }
    Value::Object(out)
}

fn unit_for(rep: Option<&Representation>) -> String {
    match rep {
        Some(Representation::Prosentti) => "%".into(),
        Some(Representation::Mitta) => "cm".into(),
        _ => "EUR".into(),
    }
}

/// The classification OID a `system` child's pattern (`^urn:oid:1\.2\.3(\.\d+)*$`) fixes.
pub fn pattern_oid(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix("^urn:oid:")?;
    let mut oid = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => oid.push(c),
            '\\' if chars.peek() == Some(&'.') => {
                chars.next();
                oid.push('.');
            }
            _ => break,
        }
    }
    let oid = oid.trim_end_matches('.').to_string();
    crate::id::is_oid(&oid).then_some(oid)
}

fn system_value(parent: &Element, system: &Element) -> Value {
    if let Some(v) = enum_first(system, 0) {
        return v;
    }
    if let Some(oid) = system.pattern.as_deref().and_then(pattern_oid) {
        return Value::String(format!("urn:oid:{oid}"));
    }
    if let Some(uri) = parent.system_uri() {
        return Value::String(uri.to_string());
    }
    if let Some(oid) = parent.classification_oids().first() {
        return Value::String(format!("urn:oid:{oid}"));
    }
    Value::String("urn:oid:1.2.246.537.6.1505".into())
}

fn code_value(el: &Element, index: usize) -> Option<Value> {
    let code_el = el.child("code")?;
    let system_el = el.child("system")?;
    let value_set = el.value_set();
    let code: String = if let Some(Value::String(c)) = enum_first(code_el, index) {
        c
    } else if let Some(allowed) = el.allowed_codes() {
        allowed[index % allowed.len()].clone()
    } else {
        (index + 1).to_string()
    };
    let display = value_set
        .as_ref()
        .and_then(|v| v.get(&code))
        .and_then(|e| e.fi.clone().or_else(|| e.sv.clone()))
        .unwrap_or_else(|| format!("Koodi {code}"));
    let mut out = Map::new();
    for child in el.children() {
        let v = match child.key.as_str() {
            "system" => system_value(el, system_el),
            "code" => Value::String(code.clone()),
            "display" => Value::String(display.clone()),
            _ => value_for(child, Fill::Maximal),
        };
        out.insert(child.key.clone(), v);
    }
    Some(Value::Object(out))
}

/// A valid Finnish personal identity code for sample `n` (check character computed).
pub fn sample_hetu(n: usize) -> String {
    let day = 1 + (n % 28);
    let serial = 100 + (n % 800) as u32;
    let digits = format!("{day:02}0385{serial:03}");
    let num: u64 = digits.parse().expect("digits");
    let check = sosmeta_types::hetu::check_character(num);
    format!("{day:02}0385-{serial:03}{check}")
}

fn identifier_value(el: &Element, index: usize) -> String {
    if el.is_hetu_identifier() {
        sample_hetu(index)
    } else {
        format!("TUNNUS-{}", index + 1)
    }
}

fn string_value(el: &Element, _rep: Option<Representation>, index: usize) -> Value {
    if let Some(v) = enum_first(el, 0) {
        return v;
    }
    if let Some(p) = el.pattern.as_deref() {
        if let Some(oid) = pattern_oid(p) {
            return Value::String(format!("urn:oid:{oid}"));
        }
        if p.contains("T(") {
            return Value::String(format!("2024-05-{:02}T10:30:00+03:00", 10 + index % 18));
        }
        if p.contains("[0-9]{4}") {
            return Value::String(format!("2024-02-{:02}", 20 + index % 9));
        }
    }
    let rep = el.representation();
    let text = match rep {
        Some(Representation::Pvm) => format!("2024-02-{:02}", 20 + index % 9),
        Some(Representation::Hetki) => format!("2024-05-{:02}T10:30:00+03:00", 10 + index % 18),
        Some(Representation::Fraasi) => el.phrase().unwrap_or("Fraasi").to_string(),
        Some(Representation::Nimi) => ["Virtanen", "Korhonen", "Mäkinen"][index % 3].to_string(),
        Some(Representation::Allekirjoitus) => "Maija Meikäläinen".to_string(),
        _ => format!("Esimerkkiteksti {} <&> \"ä\"", index + 1),
    };
    let min = el.min_length.unwrap_or(0) as usize;
    let len = text.chars().count();
    if len < min {
        return Value::String(format!("{text}{}", "x".repeat(min - len)));
    }
    Value::String(text)
}

fn number_value(el: &Element, fill: Fill, index: usize) -> Value {
    if let Some(v) = enum_first(el, 0) {
        return v;
    }
    let integer = el.kind == Kind::Integer
        || matches!(
            el.representation(),
            Some(Representation::Lkm | Representation::Numero)
        );
    match (fill, integer) {
        (_, true) => json!(3 + index as i64),
        (Fill::Minimal, false) => json!(2 + index as i64),
        (Fill::Maximal, false) => json!(12.5 + index as f64),
    }
}

/// A valid document that reads like a real one: the sample of `fill`, with every free-text
/// value (Teksti, Nimi) replaced by THL's own example text from the definition in `lang`
/// (falling back to Finnish) where the element has one and it fits (no enum, no pattern,
/// long enough). Everything else stays as in [`document`].
pub fn example(def: &Definition, fill: Fill, lang: &crate::Lang) -> Value {
    let mut doc = document(def, fill);
    for item in def.document().walk() {
        let el = item.element;
        if el.kind != Kind::String || el.enum_values.is_some() || el.pattern.is_some() {
            continue;
        }
        if !matches!(
            el.representation(),
            Some(Representation::Teksti | Representation::Nimi)
        ) {
            continue;
        }
        let Some(text) = el
            .meta()
            .and_then(|m| m.example.as_ref())
            .and_then(|t| t.best(lang))
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        else {
            continue;
        };
        if (text.chars().count() as u64) < el.min_length.unwrap_or(0) || text.is_empty() {
            continue;
        }
        let path = format!("/{}{}", def.document_key(), item.data_path);
        let pointers: Vec<String> = crate::element::values_at(&doc, &path)
            .into_iter()
            .filter(|(_, v)| v.is_string())
            .map(|(p, _)| p)
            .collect();
        for p in pointers {
            if let Some(v) = doc.pointer_mut(&p) {
                *v = Value::String(text.clone());
            }
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hetu_check_character() {
        // 010385-100: 10385100 % 31 = 7 -> "7" (same rule gives 131052-308T)
        assert_eq!(sample_hetu(0), "010385-1007");
        for n in 0..50 {
            let h = sample_hetu(n);
            assert!(sosmeta_types::hetu::parse(&h).is_ok(), "{h}");
        }
    }

    #[test]
    fn oid_from_pattern() {
        assert_eq!(
            pattern_oid(r"^urn:oid:1\.2\.246\.537\.5\.40175(\.\d+)*$").as_deref(),
            Some("1.2.246.537.5.40175")
        );
        assert_eq!(pattern_oid("^[0-9]{4}$"), None);
    }
}
