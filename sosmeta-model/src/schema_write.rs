//! Model → JSON Schema (Sosmeta dialect), equal as JSON to what was read.

use crate::definition::{Definition, DefinitionMeta};
use crate::element::{Element, ElementMeta};
use crate::text::Texts;
use serde_json::{Map, Value};

pub(crate) fn definition_to_value(def: &Definition) -> Value {
    let mut out = Map::new();
    if let Some(s) = &def.schema_uri {
        out.insert("$schema".into(), Value::String(s.clone()));
    }
    write_element(&def.root, &mut out, Some(&def.meta));
    Value::Object(out)
}

fn str_opt(out: &mut Map<String, Value>, key: &str, v: &Option<String>) {
    if let Some(s) = v {
        out.insert(key.into(), Value::String(s.clone()));
    }
}

fn definition_meta(m: &DefinitionMeta) -> Value {
    let mut out = Map::new();
    str_opt(&mut out, "title", &m.title);
    out.insert("status".into(), Value::String(m.status.as_str().into()));
    out.insert(
        "documentDefinitionVersion".into(),
        Value::String(m.document_definition_version.clone()),
    );
    str_opt(
        &mut out,
        "dataComponentLibraryVersion",
        &m.data_component_library_version,
    );
    out.insert("oid".into(), Value::String(m.oid.clone()));
    str_opt(&mut out, "documentType", &m.document_type);
    str_opt(&mut out, "documentAuthor", &m.document_author);
    str_opt(&mut out, "documentSubject", &m.document_subject);
    extend(&mut out, &m.extra);
    Value::Object(out)
}

fn extend(out: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (k, v) in extra {
        out.insert(k.clone(), v.clone());
    }
}

fn write_element(el: &Element, out: &mut Map<String, Value>, root_meta: Option<&DefinitionMeta>) {
    if let Some(t) = &el.title {
        out.insert("title".into(), Value::String(t.clone()));
    }
    out.insert("type".into(), Value::String(el.kind.as_str().into()));
    if let Some(n) = el.min_length {
        out.insert("minLength".into(), n.into());
    }
    if let Some(p) = &el.pattern {
        out.insert("pattern".into(), Value::String(p.clone()));
    }
    if let Some(e) = &el.enum_values {
        out.insert("enum".into(), Value::Array(e.clone()));
    }
    if let Some(n) = el.min_items {
        out.insert("minItems".into(), n.into());
    }
    if let Some(items) = &el.items {
        out.insert("items".into(), element_to_value(items));
    }
    if let Some(a) = el.additional_properties {
        out.insert("additionalProperties".into(), Value::Bool(a));
    }
    if let Some(m) = root_meta {
        out.insert("sosmeta".into(), definition_meta(m));
    }
    if let Some(m) = &el.sosmeta {
        out.insert("sosmeta".into(), element_meta(m));
    }
    if let Some(r) = &el.required {
        out.insert(
            "required".into(),
            Value::Array(r.iter().map(|k| Value::String(k.clone())).collect()),
        );
    }
    if let Some(props) = &el.properties {
        let mut p = Map::new();
        for c in props {
            p.insert(c.key.clone(), element_to_value(c));
        }
        out.insert("properties".into(), Value::Object(p));
    }
    extend(out, &el.extra);
}

fn element_to_value(el: &Element) -> Value {
    let mut out = Map::new();
    write_element(el, &mut out, None);
    Value::Object(out)
}

fn texts(t: &Texts) -> Value {
    Value::Array(
        t.0.iter()
            .map(|e| {
                let mut m = Map::new();
                m.insert("lang".into(), Value::String(e.lang.as_str().into()));
                m.insert("value".into(), Value::String(e.value.clone()));
                Value::Object(m)
            })
            .collect(),
    )
}

fn element_meta(m: &ElementMeta) -> Value {
    let mut out = Map::new();
    let text_fields: [(&str, &Option<Texts>); 13] = [
        ("name", &m.name),
        ("title", &m.title),
        ("description", &m.description),
        ("example", &m.example),
        ("implementationNote", &m.implementation_note),
        ("representation", &m.representation),
        ("classification", &m.classification),
        ("classificationOid", &m.classification_oid),
        ("classificationLink", &m.classification_link),
        ("systemUri", &m.system_uri),
        ("acceptedValues", &m.accepted_values),
        ("valueSet", &m.value_set),
        ("phrase", &m.phrase),
    ];
    for (k, v) in text_fields {
        if let Some(t) = v {
            out.insert(k.into(), texts(t));
        }
    }
    let flags: [(&str, Option<bool>); 6] = [
        ("repeatable", m.repeatable),
        ("required", m.required),
        ("conditionalRequired", m.conditional_required),
        (
            "nationwideRecordedInformation",
            m.nationwide_recorded_information,
        ),
        ("hiddenField", m.hidden_field),
        ("hiddenTitle", m.hidden_title),
    ];
    for (k, v) in flags {
        if let Some(b) = v {
            out.insert(k.into(), Value::Bool(b));
        }
    }
    if let Some(r) = m.row_number {
        out.insert("rowNumber".into(), r.into());
    }
    extend(&mut out, &m.extra);
    Value::Object(out)
}
