//! Layer 2: JSON Schema (draft-07) with the `jsonschema` crate, one compiled validator
//! per definition version, built from the model's [`Definition::to_json_schema`]. It
//! validates the parsed [`JsonTree`](crate::json_tree::JsonTree) directly, through
//! [`TreeJson`].

use crate::finding::{rules, Finding, Severity};
use crate::json_tree::repr::TreeJson;
use crate::json_tree::JsonRef;
use crate::names::push_token;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;
use sosmeta_model::Definition;

/// A compiled draft-07 validator for one definition version.
pub(crate) struct CompiledSchema {
    validator: jsonschema::Validator<TreeJson>,
}

impl std::fmt::Debug for CompiledSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CompiledSchema")
    }
}

impl CompiledSchema {
    /// Compile the definition's schema (as the model writes it) as draft-07, its
    /// `pattern` regexes shared through `patterns`.
    pub(crate) fn compile(
        def: &Definition,
        patterns: &jsonschema::PatternCache,
    ) -> Result<CompiledSchema, String> {
        let schema = def.to_json_schema();
        jsonschema::options_for::<TreeJson>()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(false)
            .with_pattern_cache(patterns.clone())
            .build(&schema)
            .map(|validator| CompiledSchema { validator })
            .map_err(|e| e.to_string())
    }

    /// True when the document passes the schema (fast path, no error collection).
    pub(crate) fn is_valid(&self, doc: JsonRef<'_>) -> bool {
        self.validator.is_valid(doc)
    }

    /// Every schema error of the document as findings (at most `limit`).
    pub(crate) fn findings(
        &self,
        def: &Definition,
        doc: JsonRef<'_>,
        limit: usize,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for err in self.validator.iter_errors(doc) {
            if out.len() >= limit {
                break;
            }
            let at = err.instance_path().as_str().to_string();
            map_error(def, &at, err.kind(), err.instance(), &mut out);
        }
        out
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A document value as a message shows it ([`crate::echo`]: clipped, hetus masked).
fn short(v: &Value) -> String {
    match v {
        Value::String(s) => crate::echo::value(s),
        other => crate::echo::text(&other.to_string()).into_owned(),
    }
}

fn err(rule: crate::registry::Rule, def: &Definition, pointer: String, message: String) -> Finding {
    let path = def.name_path(&pointer);
    Finding::new(rule, Severity::Error, pointer, path, message)
}

fn map_error(
    def: &Definition,
    at: &str,
    kind: &ValidationErrorKind,
    instance: &Value,
    out: &mut Vec<Finding>,
) {
    match kind {
        ValidationErrorKind::Required { property } => {
            let key = property.as_str().unwrap_or_default();
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
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known: Vec<&str> = def
                .element_at(at)
                .map(|e| e.item().children().iter().map(|c| c.key.as_str()).collect())
                .unwrap_or_default();
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
                    def.name_path(at),
                    format!(
                        "`{}` is not an element of the definition here{hint}",
                        crate::echo::text(key)
                    ),
                ));
            }
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => format!("{ts:?}"),
            };
            out.push(err(
                rules::SCHEMA_TYPE,
                def,
                at.to_string(),
                format!("expected {expected}, found {}", json_type(instance)),
            ));
        }
        ValidationErrorKind::Pattern { pattern } => out.push(err(
            rules::SCHEMA_PATTERN,
            def,
            at.to_string(),
            format!("{} does not match the pattern {pattern}", short(instance)),
        )),
        ValidationErrorKind::Enum { options } => out.push(err(
            rules::SCHEMA_ENUM,
            def,
            at.to_string(),
            format!(
                "{} is not one of {}",
                short(instance),
                sosmeta_model::text::clip(&options.to_string(), 200)
            ),
        )),
        ValidationErrorKind::MinLength { limit } => out.push(err(
            rules::SCHEMA_MIN_LENGTH,
            def,
            at.to_string(),
            format!("text is shorter than {limit} character(s)"),
        )),
        ValidationErrorKind::MinItems { limit } => out.push(err(
            rules::SCHEMA_MIN_ITEMS,
            def,
            at.to_string(),
            format!("at least {limit} item(s) required"),
        )),
        other => out.push(err(
            rules::SCHEMA_OTHER,
            def,
            at.to_string(),
            crate::echo::text(&format!("{other:?}")).into_owned(),
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
