//! JSON Schema (Sosmeta dialect) → model, with typed errors naming file and pointer.

use crate::definition::{Definition, DefinitionMeta, Status};
use crate::element::{escape_pointer, Element, ElementMeta, Kind};
use crate::error::LoadError;
use crate::id::{split_dotted, DefinitionId};
use crate::text::{Lang, LangText, Texts};
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// Draft-07 keywords that carry meaning outside the Sosmeta dialect; meeting one is an
/// error because validating or generating code without it would be wrong.
const FOREIGN_KEYWORDS: &[&str] = &[
    "$ref",
    "definitions",
    "$defs",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "const",
    "maxLength",
    "maxItems",
    "uniqueItems",
    "contains",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "multipleOf",
    "maxProperties",
    "minProperties",
    "patternProperties",
    "dependencies",
    "propertyNames",
    "additionalItems",
    "format",
    "contentMediaType",
    "contentEncoding",
];

struct Ctx<'a> {
    file: &'a str,
}

impl Ctx<'_> {
    fn wrong(&self, pointer: &Ptr, expected: &'static str, found: &Value) -> LoadError {
        LoadError::WrongType {
            file: self.file.to_string(),
            pointer: pointer.render(),
            expected,
            found: describe(found),
        }
    }

    fn missing(&self, pointer: &Ptr, member: &'static str) -> LoadError {
        LoadError::Missing {
            file: self.file.to_string(),
            pointer: pointer.render(),
            member,
        }
    }
}

/// A JSON pointer built only when an error needs it (loading allocates none per node).
#[derive(Clone, Copy)]
enum Ptr<'a> {
    Root,
    Key(&'a Ptr<'a>, &'a str),
    Index(&'a Ptr<'a>, usize),
}

impl Ptr<'_> {
    fn write(&self, out: &mut String) {
        match self {
            Ptr::Root => {}
            Ptr::Key(parent, key) => {
                parent.write(out);
                out.push('/');
                out.push_str(&escape_pointer(key));
            }
            Ptr::Index(parent, i) => {
                parent.write(out);
                out.push('/');
                out.push_str(&i.to_string());
            }
        }
    }

    /// The pointer text; the root is written `/` so that it is visible in messages.
    fn render(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        if s.is_empty() {
            s.push('/');
        }
        s
    }
}

fn describe(v: &Value) -> String {
    let s = v.to_string();
    let kind = match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    if s.chars().count() > 60 {
        kind.to_string()
    } else {
        format!("{kind} {s}")
    }
}

/// Decode bytes (UTF-8, optional BOM) and parse JSON, with typed errors.
pub(crate) fn parse_json(file: &str, bytes: &[u8]) -> Result<Value, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::not_utf8(file, bytes, e))?;
    serde_json::from_str(text).map_err(|e| LoadError::InvalidJson {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

pub(crate) fn read_definition(file: &str, bytes: &[u8]) -> Result<Definition, LoadError> {
    let value = parse_json(file, bytes)?;
    read_definition_value(file, &value)
}

pub(crate) fn read_definition_value(file: &str, value: &Value) -> Result<Definition, LoadError> {
    let cx = Ctx { file };
    let obj = value
        .as_object()
        .ok_or_else(|| cx.wrong(&Ptr::Root, "a JSON Schema object", value))?;
    let schema_uri = match obj.get("$schema") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => return Err(cx.wrong(&Ptr::Key(&Ptr::Root, "$schema"), "a string", other)),
    };
    let sosmeta = obj
        .get("sosmeta")
        .ok_or_else(|| cx.missing(&Ptr::Root, "sosmeta"))?;
    let meta = read_definition_meta(&cx, sosmeta)?;
    let root = read_element(&cx, &Ptr::Root, "", value, 0, &["$schema", "sosmeta"])?;
    if root.kind != Kind::Object {
        return Err(cx.wrong(
            &Ptr::Key(&Ptr::Root, "type"),
            "\"object\" at the schema root",
            &Value::from(root.kind.as_str()),
        ));
    }
    let n = root.children().len();
    if n != 1 {
        return Err(LoadError::WrongType {
            file: file.to_string(),
            pointer: "/properties".into(),
            expected: "exactly one document element (the root key)",
            found: format!("{n} properties"),
        });
    }
    let version = NaiveDate::parse_from_str(&meta.document_definition_version, "%Y-%m-%d")
        .ok()
        .filter(|_| meta.document_definition_version.len() == 10)
        .ok_or_else(|| LoadError::WrongType {
            file: file.to_string(),
            pointer: "/sosmeta/documentDefinitionVersion".into(),
            expected: "a date YYYY-MM-DD",
            found: format!("{:?}", meta.document_definition_version),
        })?;
    let id = match split_dotted(&meta.oid) {
        Some(id) if id.version == version => id,
        _ => {
            return Err(LoadError::OidVersionMismatch {
                file: file.to_string(),
                oid: meta.oid.clone(),
                version: meta.document_definition_version.clone(),
                expected_suffix: crate::id::dotted("", version)
                    .trim_start_matches('.')
                    .to_string(),
            })
        }
    };
    Ok(Definition {
        id: DefinitionId {
            oid: id.oid,
            version,
        },
        meta,
        schema_uri,
        root,
        source: Some(file.to_string()),
    })
}

fn read_definition_meta(cx: &Ctx, v: &Value) -> Result<DefinitionMeta, LoadError> {
    let p = &Ptr::Key(&Ptr::Root, "sosmeta");
    let obj = v.as_object().ok_or_else(|| cx.wrong(p, "an object", v))?;
    let mut extra = Map::new();
    let mut title = None;
    let mut status = None;
    let mut ddv = None;
    let mut dclv = None;
    let mut oid = None;
    let mut dtype = None;
    let mut author = None;
    let mut subject = None;
    for (k, val) in obj {
        let slot = match k.as_str() {
            "title" => &mut title,
            "status" => &mut status,
            "documentDefinitionVersion" => &mut ddv,
            "dataComponentLibraryVersion" => &mut dclv,
            "oid" => &mut oid,
            "documentType" => &mut dtype,
            "documentAuthor" => &mut author,
            "documentSubject" => &mut subject,
            _ => {
                extra.insert(k.clone(), val.clone());
                continue;
            }
        };
        let s = val
            .as_str()
            .ok_or_else(|| cx.wrong(&Ptr::Key(p, k), "a string", val))?;
        *slot = Some(s.to_string());
    }
    Ok(DefinitionMeta {
        title,
        status: Status::parse(&status.ok_or_else(|| cx.missing(p, "status"))?),
        document_definition_version: ddv
            .ok_or_else(|| cx.missing(p, "documentDefinitionVersion"))?,
        data_component_library_version: dclv,
        oid: oid.ok_or_else(|| cx.missing(p, "oid"))?,
        document_type: dtype,
        document_author: author,
        document_subject: subject,
        extra,
    })
}

/// Deepest schema nesting accepted (the corpus reaches 14 levels of nodes).
const MAX_SCHEMA_DEPTH: usize = 64;

fn read_element(
    cx: &Ctx,
    pointer: &Ptr,
    key: &str,
    v: &Value,
    depth: usize,
    skip: &[&str],
) -> Result<Element, LoadError> {
    let obj = v
        .as_object()
        .ok_or_else(|| cx.wrong(pointer, "a schema object", v))?;
    if depth > MAX_SCHEMA_DEPTH {
        return Err(LoadError::WrongType {
            file: cx.file.to_string(),
            pointer: pointer.render(),
            expected: "a schema nested at most 64 levels",
            found: "deeper nesting".into(),
        });
    }
    let mut el = Element {
        key: key.to_string(),
        kind: Kind::Object,
        title: None,
        min_length: None,
        pattern: None,
        enum_values: None,
        min_items: None,
        required: None,
        additional_properties: None,
        properties: None,
        items: None,
        sosmeta: None,
        extra: Map::new(),
    };
    let mut kind = None;
    for (k, val) in obj {
        if skip.contains(&k.as_str()) {
            continue;
        }
        let here = Ptr::Key(pointer, k);
        match k.as_str() {
            "type" => {
                let name = val
                    .as_str()
                    .ok_or_else(|| cx.wrong(&here, "a type name", val))?;
                kind = Some(
                    Kind::parse(name)
                        .ok_or_else(|| cx.wrong(&here, "a JSON Schema type name", val))?,
                );
            }
            "title" => {
                el.title = Some(
                    val.as_str()
                        .ok_or_else(|| cx.wrong(&here, "a string", val))?
                        .to_string(),
                )
            }
            "minLength" => {
                el.min_length = Some(
                    val.as_u64()
                        .ok_or_else(|| cx.wrong(&here, "a non-negative integer", val))?,
                )
            }
            "minItems" => {
                el.min_items = Some(
                    val.as_u64()
                        .ok_or_else(|| cx.wrong(&here, "a non-negative integer", val))?,
                )
            }
            "pattern" => {
                let s = val
                    .as_str()
                    .ok_or_else(|| cx.wrong(&here, "a string", val))?;
                el.pattern = Some(s.to_string());
            }
            "enum" => {
                el.enum_values = Some(
                    val.as_array()
                        .ok_or_else(|| cx.wrong(&here, "an array", val))?
                        .clone(),
                )
            }
            "required" => {
                let arr = val
                    .as_array()
                    .ok_or_else(|| cx.wrong(&here, "an array of keys", val))?;
                let keys = arr
                    .iter()
                    .enumerate()
                    .map(|(i, k)| {
                        k.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| cx.wrong(&Ptr::Index(&here, i), "a string", k))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                el.required = Some(keys);
            }
            "additionalProperties" => {
                el.additional_properties = Some(
                    val.as_bool()
                        .ok_or_else(|| cx.wrong(&here, "a boolean", val))?,
                )
            }
            "properties" => {
                let props = val
                    .as_object()
                    .ok_or_else(|| cx.wrong(&here, "an object", val))?;
                let children = props
                    .iter()
                    .map(|(ck, cv)| read_element(cx, &Ptr::Key(&here, ck), ck, cv, depth + 1, &[]))
                    .collect::<Result<Vec<_>, _>>()?;
                el.properties = Some(children);
            }
            "items" => el.items = Some(Box::new(read_element(cx, &here, "", val, depth + 1, &[])?)),
            "sosmeta" => el.sosmeta = Some(read_element_meta(cx, &here, val)?),
            other if FOREIGN_KEYWORDS.contains(&other) => {
                return Err(LoadError::UnsupportedKeyword {
                    file: cx.file.to_string(),
                    pointer: pointer.render(),
                    keyword: other.to_string(),
                })
            }
            _ => {
                el.extra.insert(k.clone(), val.clone());
            }
        }
    }
    el.kind = kind.ok_or_else(|| cx.missing(pointer, "type"))?;
    Ok(el)
}

fn read_texts(cx: &Ctx, pointer: &Ptr, v: &Value) -> Result<Texts, LoadError> {
    let arr = v
        .as_array()
        .ok_or_else(|| cx.wrong(pointer, "a list of {lang, value}", v))?;
    let mut out = Vec::with_capacity(arr.len());
    for (i, e) in arr.iter().enumerate() {
        let here = Ptr::Index(pointer, i);
        let obj = e
            .as_object()
            .filter(|o| o.len() == 2)
            .ok_or_else(|| cx.wrong(&here, "{lang, value}", e))?;
        let lang = obj.get("lang").and_then(Value::as_str);
        let value = obj.get("value").and_then(Value::as_str);
        match (lang, value) {
            (Some(lang), Some(value)) => out.push(LangText {
                lang: Lang::parse(lang),
                value: value.to_string(),
            }),
            _ => return Err(cx.wrong(&here, "{lang: string, value: string}", e)),
        }
    }
    Ok(Texts(out))
}

fn read_element_meta(cx: &Ctx, pointer: &Ptr, v: &Value) -> Result<ElementMeta, LoadError> {
    let obj = v
        .as_object()
        .ok_or_else(|| cx.wrong(pointer, "an object", v))?;
    let mut m = ElementMeta::default();
    for (k, val) in obj {
        let here = Ptr::Key(pointer, k);
        let texts = match k.as_str() {
            "name" => &mut m.name,
            "description" => &mut m.description,
            "example" => &mut m.example,
            "implementationNote" => &mut m.implementation_note,
            "title" => &mut m.title,
            "representation" => &mut m.representation,
            "classification" => &mut m.classification,
            "classificationLink" => &mut m.classification_link,
            "classificationOid" => &mut m.classification_oid,
            "systemUri" => &mut m.system_uri,
            "acceptedValues" => &mut m.accepted_values,
            "valueSet" => &mut m.value_set,
            "phrase" => &mut m.phrase,
            _ => {
                let flag = match k.as_str() {
                    "repeatable" => &mut m.repeatable,
                    "required" => &mut m.required,
                    "conditionalRequired" => &mut m.conditional_required,
                    "nationwideRecordedInformation" => &mut m.nationwide_recorded_information,
                    "hiddenField" => &mut m.hidden_field,
                    "hiddenTitle" => &mut m.hidden_title,
                    "rowNumber" => {
                        m.row_number = Some(
                            val.as_i64()
                                .ok_or_else(|| cx.wrong(&here, "an integer", val))?,
                        );
                        continue;
                    }
                    _ => {
                        m.extra.insert(k.clone(), val.clone());
                        continue;
                    }
                };
                *flag = Some(
                    val.as_bool()
                        .ok_or_else(|| cx.wrong(&here, "a boolean", val))?,
                );
                continue;
            }
        };
        *texts = Some(read_texts(cx, &here, val)?);
    }
    Ok(m)
}
