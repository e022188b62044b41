//! The one reader and writer of the generated record types (JSON objects of a definition).
//!
//! Serde's derives would give each of the ~1,130 generated structs its own visitor, field
//! enum and map/seq code, instantiated for every `Deserializer` and `Serializer` type: that
//! was most of the build time and memory of `sosmeta-generated`. Instead a generated struct
//! declares its JSON keys ([`Record::KEYS`]) and a small constructor
//! ([`Record::read_fields`]) and writer ([`Record::write_fields`]); everything else —
//! unknown members, missing required ones, `minItems`, type errors and the JSON path of
//! each error — is done once here, on a [`serde_json::Value`]. The serde traits stay
//! available on every generated type ([`record!`] implements them through this module),
//! so vendors can still put the types in their own serde structs.
//!
//! ```
//! use sosmeta_types::record::{Fields, Record, Writer, ReadError};
//! use sosmeta_types::NonEmptyString;
//!
//! #[derive(Debug, Clone, PartialEq)]
//! pub struct Person { pub name: NonEmptyString, pub age: Option<i64> }
//! impl Record for Person {
//!     const KEYS: &'static [&'static str] = &["name", "age"];
//!     fn read_fields(f: &mut Fields) -> Result<Self, ReadError> {
//!         Ok(Person { name: f.req(0)?, age: f.opt(1)? })
//!     }
//!     fn write_fields(&self, w: &mut Writer) {
//!         w.req(0, &self.name);
//!         w.opt(1, &self.age);
//!     }
//! }
//! sosmeta_types::record!(Person);
//!
//! let p: Person = serde_json::from_str(r#"{"name": "Maija"}"#).unwrap();
//! assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"name":"Maija"}"#);
//! let err = serde_json::from_str::<Person>(r#"{"name": ""}"#).unwrap_err();
//! assert!(err.to_string().contains("at /name"), "{err}");
//! assert!(serde_json::from_str::<Person>(r#"{"name": "M", "x": 1}"#).is_err());
//! assert!(serde_json::from_str::<Person>(r#"{"age": 1}"#).is_err());
//! ```

use crate::codes::{CodeSet, CodeValue, Coded};
use crate::{Code, HetuIdentifier, Identifier, Instant, NonEmptyString, NonEmptyVec};
use crate::{Number, PartialDate, Quantity};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Map;
pub use serde_json::Value;
use std::fmt;

/// Why a JSON value was refused, and where (a JSON pointer relative to the value read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// Path segments, innermost first (reversed once when the pointer is built).
    rev_path: Vec<String>,
    message: String,
}

impl ReadError {
    /// An error at the value being read.
    pub fn new(message: impl fmt::Display) -> ReadError {
        ReadError {
            rev_path: Vec::new(),
            message: message.to_string(),
        }
    }

    /// The same error one level down: at member or index `segment` of the value.
    pub fn within(mut self, segment: impl fmt::Display) -> ReadError {
        self.rev_path.push(segment.to_string());
        self
    }

    /// Where: a JSON pointer (RFC 6901) relative to the value read (`""` for itself).
    pub fn pointer(&self) -> String {
        let mut out = String::new();
        for seg in self.rev_path.iter().rev() {
            out.push('/');
            out.push_str(&crate::pointer::escape(seg));
        }
        out
    }

    /// What is wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rev_path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{} at {}", self.message, self.pointer())
        }
    }
}

impl std::error::Error for ReadError {}

/// The kind of a JSON value, as error messages name it.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn invalid_type(v: &Value, expected: &str) -> ReadError {
    ReadError::new(format_args!(
        "invalid type: {}, expected {expected}",
        kind(v)
    ))
}

/// A value of a document read from, and written to, JSON: leaf types, lists, codes,
/// fixed phrases and the generated records.
pub trait Field: Sized {
    /// Read the value; the error's pointer is relative to `v`.
    fn read(v: Value) -> Result<Self, ReadError>;
    /// The value as JSON.
    fn write(&self) -> Value;
}

/// A generated record: a JSON object with fixed members.
pub trait Record: Sized {
    /// The JSON member names, in the order they are written.
    const KEYS: &'static [&'static str];
    /// Build the value from its members (taken by index into [`Record::KEYS`]).
    fn read_fields(f: &mut Fields) -> Result<Self, ReadError>;
    /// Write the members present (by index into [`Record::KEYS`]).
    fn write_fields(&self, w: &mut Writer);
}

/// The members of an object being read, by index into the record's keys.
#[derive(Debug)]
pub struct Fields {
    keys: &'static [&'static str],
    slots: Vec<Option<Value>>,
}

impl Fields {
    /// Sort the members of `v` into the slots of `keys`; unknown members are refused.
    fn of(v: Value, keys: &'static [&'static str]) -> Result<Fields, ReadError> {
        let map = match v {
            Value::Object(map) => map,
            other => return Err(invalid_type(&other, "an object")),
        };
        let mut slots: Vec<Option<Value>> = vec![None; keys.len()];
        for (k, v) in map {
            match keys.iter().position(|key| *key == k) {
                Some(i) => slots[i] = Some(v),
                None => {
                    let expected = keys
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    return Err(ReadError::new(format_args!(
                        "unknown field `{k}`, expected one of {expected}"
                    ))
                    .within(k));
                }
            }
        }
        Ok(Fields { keys, slots })
    }

    fn take(&mut self, i: usize) -> Option<Value> {
        self.slots.get_mut(i).and_then(Option::take)
    }

    fn missing(&self, i: usize) -> ReadError {
        ReadError::new(format_args!(
            "missing field `{}`",
            self.keys.get(i).copied().unwrap_or("?")
        ))
    }

    fn key(&self, i: usize) -> &'static str {
        self.keys.get(i).copied().unwrap_or("?")
    }

    /// `e` one level down, at member `i` (compiled once, not per member type).
    #[inline(never)]
    fn at(&self, i: usize, e: ReadError) -> ReadError {
        e.within(self.key(i))
    }

    /// A required member.
    pub fn req<T: Field>(&mut self, i: usize) -> Result<T, ReadError> {
        match self.take(i) {
            Some(v) => match T::read(v) {
                Ok(t) => Ok(t),
                Err(e) => Err(self.at(i, e)),
            },
            None => Err(self.missing(i)),
        }
    }

    /// An optional member (absent: `None`; `null` is refused, as the schema refuses it).
    pub fn opt<T: Field>(&mut self, i: usize) -> Result<Option<T>, ReadError> {
        match self.take(i) {
            Some(v) => match T::read(v) {
                Ok(t) => Ok(Some(t)),
                Err(e) => Err(self.at(i, e)),
            },
            None => Ok(None),
        }
    }

    /// A required list of at least `min` items (`minItems` above 1).
    pub fn req_min<T: Field>(&mut self, i: usize, min: usize) -> Result<T, ReadError> {
        match self.take(i) {
            Some(v) => match read_min(v, min) {
                Ok(t) => Ok(t),
                Err(e) => Err(self.at(i, e)),
            },
            None => Err(self.missing(i)),
        }
    }

    /// An optional list of at least `min` items when present.
    pub fn opt_min<T: Field>(&mut self, i: usize, min: usize) -> Result<Option<T>, ReadError> {
        match self.take(i) {
            Some(v) => match read_min(v, min) {
                Ok(t) => Ok(Some(t)),
                Err(e) => Err(self.at(i, e)),
            },
            None => Ok(None),
        }
    }
}

/// Refuse an array shorter than `min` (compiled once).
#[inline(never)]
fn check_min(v: &Value, min: usize) -> Result<(), ReadError> {
    if let Value::Array(items) = v {
        if items.len() < min {
            return Err(ReadError::new(format_args!(
                "invalid length {}, expected at least {min} item(s) (minItems)",
                items.len()
            )));
        }
    }
    Ok(())
}

fn read_min<T: Field>(v: Value, min: usize) -> Result<T, ReadError> {
    check_min(&v, min)?;
    T::read(v)
}

/// The members of an object being written, in the record's key order.
#[derive(Debug)]
pub struct Writer {
    keys: &'static [&'static str],
    map: Map<String, Value>,
}

impl Writer {
    /// Put member `i` (compiled once, not per member type).
    #[inline(never)]
    fn put(&mut self, i: usize, v: Value) {
        let k = self.keys.get(i).copied().unwrap_or("?").to_string();
        self.map.insert(k, v);
    }

    /// Write a required member.
    pub fn req<T: Field>(&mut self, i: usize, value: &T) {
        self.put(i, value.write());
    }

    /// Write an optional member when present.
    pub fn opt<T: Field>(&mut self, i: usize, value: &Option<T>) {
        if let Some(v) = value {
            self.put(i, v.write());
        }
    }

    /// A writer of a record with `keys` (compiled once).
    #[inline(never)]
    fn new(keys: &'static [&'static str]) -> Writer {
        Writer {
            keys,
            map: Map::new(),
        }
    }

    /// The object written (compiled once).
    #[inline(never)]
    fn finish(self) -> Value {
        Value::Object(self.map)
    }
}

/// Read a record from a JSON value.
pub fn read_record<T: Record>(v: Value) -> Result<T, ReadError> {
    let mut fields = Fields::of(v, T::KEYS)?;
    T::read_fields(&mut fields)
}

/// A record as a JSON object.
pub fn write_record<T: Record>(value: &T) -> Value {
    let mut w = Writer::new(T::KEYS);
    value.write_fields(&mut w);
    w.finish()
}

/// `Deserialize` of any [`Field`]: the input is read once into a [`Value`] (so the
/// generated types' code is compiled once, not per `Deserializer`), then read; an error
/// names its path below the value.
pub fn deserialize<'de, D: serde::Deserializer<'de>, T: Field>(d: D) -> Result<T, D::Error> {
    let v = Value::deserialize(d)?;
    T::read(v).map_err(<D::Error as serde::de::Error>::custom)
}

/// `Serialize` of any [`Field`], through its JSON value.
pub fn serialize<S: serde::Serializer, T: Field>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    value.write().serialize(s)
}

/// Implement [`Field`] for a [`Record`] type, and serde's `Serialize` and `Deserialize`
/// through this module (thin impls; the attributes given, e.g. `cfg`, go on each).
#[macro_export]
macro_rules! record {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        impl $crate::record::Field for $name {
            #[inline]
            fn read(v: $crate::record::Value) -> ::std::result::Result<Self, $crate::record::ReadError> {
                $crate::record::read_record(v)
            }
            #[inline]
            fn write(&self) -> $crate::record::Value {
                $crate::record::write_record(self)
            }
        }
        $crate::serde_via_field!($(#[$m])* $name);
    };
}

/// Implement serde's `Serialize` and `Deserialize` for a [`Field`] type through this
/// module (used by [`record!`] and [`fixed_phrase!`](crate::fixed_phrase)).
#[macro_export]
macro_rules! serde_via_field {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::record::serialize(self, s)
            }
        }
        $(#[$m])*
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::record::deserialize(d)
            }
        }
    };
}

/// Leaf types: read and written through their own serde impls on a [`Value`].
fn read_serde<T: DeserializeOwned>(v: Value) -> Result<T, ReadError> {
    serde_json::from_value(v).map_err(ReadError::new)
}

fn write_serde<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

macro_rules! leaf_via_serde {
    ($($t:ty),*) => {$(
        impl Field for $t {
            fn read(v: Value) -> Result<Self, ReadError> {
                read_serde(v)
            }
            fn write(&self) -> Value {
                write_serde(self)
            }
        }
    )*};
}

leaf_via_serde!(PartialDate, Instant);

/// Leaf objects are read member by member, so an error names the member's path.
macro_rules! leaf_object {
    ($t:ty, $keys:expr, |$f:ident| $read:expr) => {
        impl Field for $t {
            fn read(v: Value) -> Result<Self, ReadError> {
                let $f = &mut Fields::of(v, $keys)?;
                $read
            }
            fn write(&self) -> Value {
                write_serde(self)
            }
        }
    };
}

leaf_object!(Code, &["system", "code", "display"], |f| Ok(Code {
    system: f.req(0)?,
    code: f.req(1)?,
    display: f.req(2)?,
}));
leaf_object!(Identifier, &["system", "value"], |f| {
    let id = Identifier {
        system: f.opt(0)?,
        value: f.req(1)?,
    };
    if id.is_hetu() {
        crate::hetu::parse(&id.value)
            .map_err(|e| ReadError::new(crate::ValueError::from(e)).within("value"))?;
    }
    Ok(id)
});
leaf_object!(HetuIdentifier, &["system", "value"], |f| {
    let system: Option<String> = f.opt(0)?;
    let value: String = f.req(1)?;
    HetuIdentifier::with_system(system, value).map_err(|e| ReadError::new(e).within("value"))
});
leaf_object!(Quantity, &["value", "code"], |f| Ok(Quantity {
    value: f.req(0)?,
    code: f.req(1)?,
}));

impl Field for String {
    fn read(v: Value) -> Result<Self, ReadError> {
        match v {
            Value::String(s) => Ok(s),
            other => Err(invalid_type(&other, "a string")),
        }
    }
    fn write(&self) -> Value {
        Value::String(self.clone())
    }
}

impl Field for NonEmptyString {
    fn read(v: Value) -> Result<Self, ReadError> {
        NonEmptyString::new(String::read(v)?).map_err(ReadError::new)
    }
    fn write(&self) -> Value {
        Value::String(self.as_str().to_string())
    }
}

impl Field for bool {
    fn read(v: Value) -> Result<Self, ReadError> {
        match v {
            Value::Bool(b) => Ok(b),
            other => Err(invalid_type(&other, "a boolean")),
        }
    }
    fn write(&self) -> Value {
        Value::Bool(*self)
    }
}

impl Field for i64 {
    fn read(v: Value) -> Result<Self, ReadError> {
        match &v {
            Value::Number(n) => n
                .as_i64()
                .ok_or_else(|| ReadError::new(format_args!("{n} is not an integer (i64)"))),
            other => Err(invalid_type(other, "an integer")),
        }
    }
    fn write(&self) -> Value {
        Value::from(*self)
    }
}

impl Field for Number {
    fn read(v: Value) -> Result<Self, ReadError> {
        match v {
            Value::Number(n) => Ok(n),
            other => Err(invalid_type(&other, "a number")),
        }
    }
    fn write(&self) -> Value {
        Value::Number(self.clone())
    }
}

impl Field for Value {
    fn read(v: Value) -> Result<Self, ReadError> {
        Ok(v)
    }
    fn write(&self) -> Value {
        self.clone()
    }
}

/// The items of an array (compiled once; the per-type part is the loop below).
#[inline(never)]
fn array_items(v: Value) -> Result<Vec<Value>, ReadError> {
    match v {
        Value::Array(items) => Ok(items),
        other => Err(invalid_type(&other, "an array")),
    }
}

#[inline(never)]
fn at_index(e: ReadError, i: usize) -> ReadError {
    e.within(i)
}

// Plain loops rather than iterator adapters: these are compiled once per item type
// (hundreds in `sosmeta-generated`), and the adapters' code is many times larger.
impl<T: Field> Field for Vec<T> {
    fn read(v: Value) -> Result<Self, ReadError> {
        let items = array_items(v)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match T::read(item) {
                Ok(t) => out.push(t),
                Err(e) => return Err(at_index(e, i)),
            }
        }
        Ok(out)
    }
    fn write(&self) -> Value {
        write_items(self)
    }
}

fn write_items<T: Field>(items: &[T]) -> Value {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(item.write());
    }
    Value::Array(out)
}

impl<T: Field> Field for NonEmptyVec<T> {
    fn read(v: Value) -> Result<Self, ReadError> {
        NonEmptyVec::try_from(Vec::<T>::read(v)?).map_err(ReadError::new)
    }
    fn write(&self) -> Value {
        write_items(self)
    }
}

/// The three members of a code object (`system`, `code`, `display`), all required,
/// nothing else.
fn code_parts(v: Value) -> Result<[String; 3], ReadError> {
    const KEYS: &[&str] = &["system", "code", "display"];
    let mut f = Fields::of(v, KEYS)?;
    Ok([f.req(0)?, f.req(1)?, f.req(2)?])
}

/// A code object (compiled once, not per code set).
#[inline(never)]
fn code_value(system: &str, code: &str, display: &str) -> Value {
    let mut map = Map::new();
    map.insert("system".into(), Value::String(system.to_string()));
    map.insert("code".into(), Value::String(code.to_string()));
    map.insert("display".into(), Value::String(display.to_string()));
    Value::Object(map)
}

#[inline(never)]
fn unknown_code(code: String, name: &'static str) -> ReadError {
    ReadError::new(crate::CodeError::Code { code, name })
}

impl<S: CodeSet> Field for Coded<S> {
    fn read(v: Value) -> Result<Self, ReadError> {
        let [system, code, display] = code_parts(v)?;
        let Some(value) = S::Code::from_code(&code) else {
            return Err(unknown_code(code, S::NAME));
        };
        Coded::with_system(system, value, display).map_err(ReadError::new)
    }
    fn write(&self) -> Value {
        code_value(self.system(), self.code().as_code(), &self.display)
    }
}

#[cfg(test)]
#[allow(unreachable_pub, dead_code)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Clone, PartialEq)]
    struct Inner {
        name: NonEmptyString,
        tags: Option<Vec<String>>,
    }
    impl Record for Inner {
        const KEYS: &'static [&'static str] = &["name", "tags"];
        fn read_fields(f: &mut Fields) -> Result<Self, ReadError> {
            Ok(Inner {
                name: f.req(0)?,
                tags: f.opt_min(1, 2)?,
            })
        }
        fn write_fields(&self, w: &mut Writer) {
            w.req(0, &self.name);
            w.opt(1, &self.tags);
        }
    }
    crate::record!(Inner);

    #[derive(Debug, Clone, PartialEq)]
    struct Outer {
        items: NonEmptyVec<Inner>,
        when: Option<PartialDate>,
    }
    impl Record for Outer {
        const KEYS: &'static [&'static str] = &["items", "a/b~"];
        fn read_fields(f: &mut Fields) -> Result<Self, ReadError> {
            Ok(Outer {
                items: f.req(0)?,
                when: f.opt(1)?,
            })
        }
        fn write_fields(&self, w: &mut Writer) {
            w.req(0, &self.items);
            w.opt(1, &self.when);
        }
    }
    crate::record!(Outer);

    fn err(v: Value) -> ReadError {
        Outer::read(v).unwrap_err()
    }

    #[test]
    fn reads_writes_and_names_paths() {
        let v = json!({"items": [{"name": "a", "tags": ["x", "y"]}, {"name": "b"}], "a/b~": "2024-02-29"});
        let o = Outer::read(v.clone()).unwrap();
        assert_eq!(o.items.len(), 2);
        assert_eq!(o.write(), v);
        // serde on the same types, through other (de)serializers too.
        let text = serde_json::to_string(&o).unwrap();
        assert_eq!(serde_json::from_str::<Outer>(&text).unwrap(), o);
        assert_eq!(serde_json::to_value(&o).unwrap(), v);

        let e = err(json!({"items": [{"name": "a"}, {"name": ""}]}));
        assert_eq!(e.pointer(), "/items/1/name");
        assert!(e.message().contains("empty"), "{e}");
        let e = err(json!({"items": [{"name": "a", "tags": ["x"]}]}));
        assert_eq!(e.pointer(), "/items/0/tags");
        assert!(e.message().contains("at least 2"), "{e}");
        let e = err(json!({"items": [{"name": "a", "x": 1}]}));
        assert_eq!(e.pointer(), "/items/0/x");
        assert!(e.message().contains("unknown field `x`"), "{e}");
        let e = err(json!({"items": [{}]}));
        assert_eq!(e.pointer(), "/items/0");
        assert!(e.message().contains("missing field `name`"), "{e}");
        let e = err(json!({"items": []}));
        assert_eq!(e.pointer(), "/items");
        let e = err(json!({"items": [{"name": "a"}], "a/b~": "2023-02-29"}));
        assert_eq!(e.pointer(), "/a~1b~0");
        let e = err(json!({"items": [{"name": "a"}], "a/b~": null}));
        assert!(e.message().contains("invalid type: null"), "{e}");
        let e = err(json!({"items": [{"name": 3}]}));
        assert_eq!(
            e.to_string(),
            "invalid type: a number, expected a string at /items/0/name"
        );
        assert!(err(json!([1])).message().contains("expected an object"));
        let e = serde_json::from_str::<Outer>(r#"{"items": [{"name": 1}]}"#).unwrap_err();
        assert!(e.to_string().contains("at /items/0/name"), "{e}");
    }

    crate::code_list!(
        Kieli,
        name = "Kieli",
        default_system = "urn:oid:1.2.3",
        system = crate::SystemRule::Classification(&["1.2.3"]),
        [Fi = ("FI", "suomi", "finska")]
    );

    #[test]
    fn codes() {
        let c = Coded::<Kieli>::of(Kieli::Fi);
        let v = c.write();
        assert_eq!(
            v,
            json!({"system": "urn:oid:1.2.3", "code": "FI", "display": "suomi"})
        );
        assert_eq!(Coded::<Kieli>::read(v).unwrap(), c);
        for bad in [
            json!({"system": "urn:oid:1.2.4", "code": "FI", "display": "suomi"}),
            json!({"system": "urn:oid:1.2.3", "code": "SV", "display": "suomi"}),
            json!({"system": "urn:oid:1.2.3", "code": "FI"}),
            json!({"system": "urn:oid:1.2.3", "code": "FI", "display": "s", "x": 1}),
        ] {
            assert!(Coded::<Kieli>::read(bad.clone()).is_err(), "{bad}");
        }
        let e = Identifier::read(json!({"system": 1, "value": "x"})).unwrap_err();
        assert_eq!(e.pointer(), "/system");
        let e = HetuIdentifier::read(json!({"value": "131052-308U"})).unwrap_err();
        assert_eq!(e.pointer(), "/value");
        assert!(!e.to_string().contains("308U"), "no personal data: {e}");
        assert!(HetuIdentifier::read(json!({"value": "131052-308T"})).is_ok());
        let e = Identifier::read(json!({"system": crate::HETU_SYSTEM, "value": "131052-308U"}));
        assert_eq!(e.unwrap_err().pointer(), "/value");
        let q = Quantity::read(json!({"value": 12.5, "code": "€"})).unwrap();
        assert_eq!(q.write(), json!({"value": 12.5, "code": "€"}));
        assert_eq!(
            Quantity::read(json!({"value": "1", "code": "€"}))
                .unwrap_err()
                .pointer(),
            "/value"
        );
        assert_eq!(i64::read(json!(3)).unwrap(), 3);
        assert!(i64::read(json!(3.5)).is_err());
        assert_eq!(Number::read(json!(3.5)).unwrap().to_string(), "3.5");
    }
}
