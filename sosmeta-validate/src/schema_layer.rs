//! Layer 2: JSON Schema (draft-07, the Sosmeta dialect), one compiled [`Program`] per
//! definition version, built from the model's [`Definition::to_json_schema`] and run
//! directly on the parsed [`JsonTree`](crate::json_tree::JsonTree) ([`crate::dialect`]).

use crate::dialect::{ErrorKind, Patterns, Program, SchemaError};
use crate::finding::{rules, Finding, Severity};
use crate::json_tree::{JsonRef, JsonView};
use crate::names::push_token;
use sosmeta_model::Definition;

/// A compiled draft-07 validator for one definition version.
#[derive(Debug)]
pub(crate) struct CompiledSchema {
    program: Program,
}

impl CompiledSchema {
    /// Compile the definition's schema (as the model writes it), its `pattern` regexes
    /// shared through `patterns`.
    pub(crate) fn compile(def: &Definition, patterns: &Patterns) -> Result<CompiledSchema, String> {
        Program::compile(&def.to_json_schema(), patterns)
            .map(|program| CompiledSchema { program })
            .map_err(|e| e.to_string())
    }

    /// True when the document passes the schema (fast path, no allocation).
    pub(crate) fn is_valid(&self, doc: JsonRef<'_>) -> bool {
        self.program.is_valid(doc)
    }

    /// Every schema error of the document as findings (at most `limit` errors).
    pub(crate) fn findings(
        &self,
        def: &Definition,
        doc: JsonRef<'_>,
        limit: usize,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for e in self.program.errors(doc, limit) {
            map_error(def, &e, &mut out);
        }
        out
    }
}

/// The JSON type of a value as a message names it (integers apart from other numbers).
fn json_type(v: JsonRef<'_>) -> &'static str {
    match v.view() {
        JsonView::Null => "null",
        JsonView::Bool(_) => "boolean",
        JsonView::Number(n) if n.is_i64() || n.is_u64() => "integer",
        JsonView::Number(_) => "number",
        JsonView::String(_) => "string",
        JsonView::Array(_) => "array",
        JsonView::Object(_) => "object",
    }
}

/// A document value as a message shows it ([`crate::echo`]: clipped, hetus masked).
fn short(v: JsonRef<'_>) -> String {
    match v.view() {
        JsonView::String(s) => crate::echo::value(s),
        _ => crate::echo::text(&v.to_value().to_string()).into_owned(),
    }
}

fn err(rule: crate::registry::Rule, def: &Definition, pointer: String, message: String) -> Finding {
    let path = def.name_path(&pointer);
    Finding::new(rule, Severity::Error, pointer, path, message)
}

fn map_error(def: &Definition, e: &SchemaError<'_>, out: &mut Vec<Finding>) {
    let at = e.pointer.as_str();
    match &e.kind {
        ErrorKind::Required { property: key } => {
            let mut p = at.to_string();
            push_token(&mut p, key);
            let name = def
                .element_at(&p)
                .and_then(|e| e.name_fi())
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            out.push(err(
                rules::SCHEMA_REQUIRED,
                def,
                p,
                format!("required element `{key}`{name} is missing"),
            ));
        }
        ErrorKind::AdditionalProperties { unexpected } => {
            let known: Vec<&str> = def
                .element_at(at)
                .map(|e| e.item().children().iter().map(|c| c.key.as_str()).collect())
                .unwrap_or_default();
            let path = def.name_path(at);
            for key in unexpected {
                let mut p = at.to_string();
                push_token(&mut p, key);
                let hint = nearest(key, &known)
                    .map(|k| format!("; did you mean `{k}`?"))
                    .unwrap_or_default();
                out.push(Finding::new(
                    rules::SCHEMA_ADDITIONAL_PROPERTIES,
                    Severity::Error,
                    p,
                    path.clone(),
                    format!(
                        "`{}` is not an element of the definition here{hint}",
                        crate::echo::text(key)
                    ),
                ));
            }
        }
        ErrorKind::Type { expected } => out.push(err(
            rules::SCHEMA_TYPE,
            def,
            at.to_string(),
            format!("expected {expected}, found {}", json_type(e.instance)),
        )),
        ErrorKind::Pattern { pattern } => out.push(err(
            rules::SCHEMA_PATTERN,
            def,
            at.to_string(),
            format!("{} does not match the pattern {pattern}", short(e.instance)),
        )),
        ErrorKind::Enum { options } => out.push(err(
            rules::SCHEMA_ENUM,
            def,
            at.to_string(),
            format!(
                "{} is not one of {}",
                short(e.instance),
                sosmeta_model::text::clip(options, 200)
            ),
        )),
        ErrorKind::MinLength { limit } => out.push(err(
            rules::SCHEMA_MIN_LENGTH,
            def,
            at.to_string(),
            format!("text is shorter than {limit} character(s)"),
        )),
        ErrorKind::MinItems { limit } => out.push(err(
            rules::SCHEMA_MIN_ITEMS,
            def,
            at.to_string(),
            format!("at least {limit} item(s) required"),
        )),
    }
}

/// The known key nearest to `key` (Jaro-Winkler similarity at least 0.8); the model's.
pub(crate) use sosmeta_model::text::nearest;

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn nearest_key_is_the_jaro_winkler_nearest() {
        let known = [
            "asiakkuusasiakirja",
            "asiakkuuden_alkamispvm",
            "henkilotunnus",
            "yhteystiedot",
        ];
        assert_eq!(
            nearest("asiakuusasiakirja", &known),
            Some("asiakkuusasiakirja")
        );
        assert_eq!(nearest("henkilötunnus", &known), Some("henkilotunnus"));
        assert_eq!(nearest("xyz", &known), None);
        assert_eq!(nearest("", &known), None);
        for k in known {
            let ours = nearest(k, &known);
            assert_eq!(ours, Some(k));
        }
        // The same measure as strsim's own.
        for (a, b) in [
            ("yhteystieto", "yhteystiedot"),
            ("äiti", "aiti"),
            ("ab", "ba"),
        ] {
            let a_chars: Vec<char> = a.chars().collect();
            let b_chars: Vec<char> = b.chars().collect();
            assert_eq!(
                strsim::generic_jaro_winkler(&a_chars, &b_chars),
                strsim::jaro_winkler(a, b)
            );
        }
    }
}
