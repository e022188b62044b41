//! # sosmeta-xhtml
//!
//! Render a Sosmeta document as XHTML 1.0 (UTF-8) in Finnish or Swedish, from the
//! definition (the model) and the document's JSON. The typed documents of
//! `sosmeta-generated` render through this same function, so typed and untyped output
//! are identical by construction.
//!
//! What is shown: the document title, then the elements in `rowNumber` order with their
//! names as headings (*Otsikko* groups nest, `h2`…`h6`) or labels, values formatted per
//! representation (Pvm as `d.m.yyyy` or the partial form, Hetki with the time, codes by
//! their display text, Kytkin as Kyllä/Ei or Ja/Nej, quantities with their unit, numbers
//! with a decimal comma). `hiddenField` elements are left out, `hiddenTitle` elements are
//! shown without their name. All text is escaped; characters XML 1.0 cannot hold are
//! replaced by U+FFFD. Keys the definition does not know are not shown (validate first).
//!
//! ```no_run
//! use sosmeta_model::{Release, DefinitionRef};
//!
//! let release = Release::load("../shared/sosmeta-corpus/2025-05-20")?;
//! let def = release.resolve(&"1.2.246.537.6.1505.1@2023-06-01".parse::<DefinitionRef>()?)?;
//! let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string("doc.json")?)?;
//! let xhtml = sosmeta_xhtml::render(def, &doc, sosmeta_xhtml::Lang::Sv)?;
//! println!("{xhtml}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

use serde::Serialize;
use serde_json::Value;
use sosmeta_model::{Definition, Element, Kind, Representation};
use std::sync::OnceLock;

/// The page template (minijinja).
pub const PAGE_TEMPLATE: &str = include_str!("../templates/page.xhtml.j2");

/// The language of a rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Finnish (*suomi*).
    #[default]
    Fi,
    /// Swedish (*ruotsi*).
    Sv,
}

impl Lang {
    /// The language tag (`fi`, `sv`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::Sv => "sv",
        }
    }

    fn model(self) -> sosmeta_model::Lang {
        match self {
            Lang::Fi => sosmeta_model::Lang::Fi,
            Lang::Sv => sosmeta_model::Lang::Sv,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = RenderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fi" => Ok(Lang::Fi),
            "sv" => Ok(Lang::Sv),
            other => Err(RenderError::UnknownLang(other.to_string())),
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

/// Why a document could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The document is not a JSON object.
    #[error("the document is not a JSON object")]
    NotAnObject,
    /// The document lacks the definition's root key.
    #[error("the document has no `{expected}` member (definition {definition})")]
    MissingRoot {
        /// The root key the definition expects.
        expected: String,
        /// The definition, `OID@version`.
        definition: String,
    },
    /// A language other than `fi` or `sv`.
    #[error("unknown language `{0}` (expected fi or sv)")]
    UnknownLang(String),
    /// The page template failed (a bug).
    #[error("template: {0}")]
    Template(String),
}

#[derive(Serialize)]
struct Row {
    kind: &'static str,
    level: usize,
    label: Option<String>,
    lines: Vec<String>,
}

#[derive(Serialize)]
struct Page<'a> {
    lang: &'a str,
    title: String,
    definition: String,
    rows: Vec<Row>,
}

fn env() -> &'static minijinja::Environment<'static> {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .expect("default delimiters"),
        );
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.add_template("page.xhtml", PAGE_TEMPLATE)
            .expect("the page template parses");
        env
    })
}

/// Render `doc` (`{root_key: {...}}`) of definition `def` as an XHTML 1.0 page in `lang`.
pub fn render(def: &Definition, doc: &Value, lang: Lang) -> Result<String, RenderError> {
    let obj = doc.as_object().ok_or(RenderError::NotAnObject)?;
    let root = def.document();
    let body = obj.get(&root.key).ok_or_else(|| RenderError::MissingRoot {
        expected: root.key.clone(),
        definition: def.id.to_string(),
    })?;
    let mut r = Renderer {
        lang,
        rows: Vec::new(),
    };
    // The document element is the page itself (its name is the title).
    r.children(root, body, 1);
    let page = Page {
        lang: lang.tag(),
        title: clean(def.title_in(&lang.model())),
        definition: def.id.to_string(),
        rows: r.rows,
    };
    let mut out = env()
        .get_template("page.xhtml")
        .and_then(|t| t.render(minijinja::value::Serde(&page)))
        .map_err(|e| RenderError::Template(e.to_string()))?;
    out.push('\n');
    Ok(out)
}

/// A minimal XHTML page that shows `message` (for a document that could not be rendered).
pub fn error_page(message: &str, lang: Lang) -> String {
    let esc = escape_xml(message);
    let tag = lang.tag();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"{tag}\" lang=\"{tag}\">\n<head><title>Error</title></head>\n<body><p class=\"error\">{esc}</p></body>\n</html>\n"
    )
}

/// Text escaped for XML character data and attribute values (`&`, `<`, `>`, `"`, `'`),
/// with the characters XML 1.0 cannot hold replaced by U+FFFD: the one XML escape of the
/// workspace's writers (pages, JUnit reports).
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Replace characters XML 1.0 cannot hold (most C0 controls, U+FFFE, U+FFFF).
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

struct Renderer {
    lang: Lang,
    rows: Vec<Row>,
}

fn is_leaf_object(rep: &Option<Representation>) -> bool {
    matches!(rep, Some(r) if *r == Representation::Koodi || *r == Representation::Tunnus || r.is_quantity())
}

impl Renderer {
    fn label(&self, el: &Element, group: bool) -> Option<String> {
        if el.is_hidden_title() {
            return None;
        }
        let lang = self.lang.model();
        let meta = el.meta();
        let title = if group {
            meta.and_then(|m| m.title.as_ref())
                .and_then(|t| t.get(&lang).or_else(|| t.fi()))
        } else {
            None
        };
        title
            .or_else(|| el.name(&lang))
            .or(if el.key.is_empty() {
                None
            } else {
                Some(&el.key)
            })
            .map(clean)
    }

    /// The children of an object element, in rowNumber order.
    fn children(&mut self, el: &Element, v: &Value, level: usize) {
        let Some(obj) = v.as_object() else {
            return;
        };
        let mut kids: Vec<(usize, &Element)> = el.children().iter().enumerate().collect();
        kids.sort_by_key(|(i, c)| (c.row_number().unwrap_or(i64::MAX), *i));
        for (_, child) in kids {
            if let Some(cv) = obj.get(&child.key) {
                self.element(child, cv, level);
            }
        }
    }

    fn element(&mut self, el: &Element, v: &Value, level: usize) {
        if el.is_hidden_field() {
            return;
        }
        match (el.kind, v) {
            (Kind::Array, Value::Array(items)) => {
                for item in items {
                    self.value(el, el.item(), item, level);
                }
            }
            _ => self.value(el, el.item(), v, level),
        }
    }

    /// One value: `named` carries the name and flags, `item` the structure.
    fn value(&mut self, named: &Element, item: &Element, v: &Value, level: usize) {
        let rep = item.representation().or_else(|| named.representation());
        if item.kind == Kind::Object && !is_leaf_object(&rep) {
            self.rows.push(Row {
                kind: "open",
                level: (level + 1).min(6),
                label: self.label(named, true),
                lines: Vec::new(),
            });
            self.children(item, v, level + 1);
            self.rows.push(Row {
                kind: "close",
                level: 0,
                label: None,
                lines: Vec::new(),
            });
            return;
        }
        let text = self.format(item, rep.as_ref(), v);
        self.rows.push(Row {
            kind: "field",
            level: 0,
            label: self.label(named, false),
            lines: clean(&text).lines().map(str::to_string).collect(),
        });
    }

    fn format(&self, item: &Element, rep: Option<&Representation>, v: &Value) -> String {
        let lang = self.lang;
        match (rep, v) {
            (_, Value::Bool(b)) => match (lang, b) {
                (Lang::Fi, true) => "Kyllä",
                (Lang::Fi, false) => "Ei",
                (Lang::Sv, true) => "Ja",
                (Lang::Sv, false) => "Nej",
            }
            .to_string(),
            (Some(Representation::Pvm), Value::String(s)) => format_date(s),
            (Some(Representation::Hetki), Value::String(s)) => format_instant(s, lang),
            (Some(Representation::Fraasi), Value::String(s)) => item
                .meta()
                .and_then(|m| m.phrase.as_ref())
                .and_then(|p| p.get(&lang.model()))
                .filter(|_| item.phrase() == Some(s.as_str()))
                .unwrap_or(s)
                .to_string(),
            (Some(Representation::Koodi), Value::Object(o)) => {
                let code = o.get("code").and_then(Value::as_str).unwrap_or("");
                let display = o.get("display").and_then(Value::as_str);
                let from_set = || {
                    let vs = item.value_set()?;
                    let e = vs.get(code)?;
                    match lang {
                        Lang::Fi => e.fi.clone(),
                        Lang::Sv => e.sv.clone(),
                    }
                };
                match lang {
                    Lang::Fi => display.map(str::to_string).or_else(from_set),
                    Lang::Sv => from_set().or(display.map(str::to_string)),
                }
                .unwrap_or_else(|| code.to_string())
            }
            (Some(Representation::Tunnus), Value::Object(o)) => o
                .get("value")
                .map(|v| self.format(item, None, v))
                .unwrap_or_default(),
            (Some(r), Value::Object(o)) if r.is_quantity() => {
                if let Some(q) = sosmeta_types::Quantity::from_json(v) {
                    return q.display_text();
                }
                // Not of the quantity grammar (validate first): shown as far as it goes.
                let value = o
                    .get("value")
                    .map(|v| self.format(item, None, v))
                    .unwrap_or_default();
                match o.get("code").and_then(Value::as_str) {
                    Some(unit) if !unit.is_empty() => format!("{value} {unit}"),
                    _ => value,
                }
            }
            (_, Value::Number(n)) => sosmeta_types::format_number(n),
            (_, Value::String(s)) => s.clone(),
            (_, Value::Null) => String::new(),
            (_, other) => other.to_string(),
        }
    }
}

/// `YYYY-MM-DD` → `d.m.yyyy`, `YYYY-MM` → `m.yyyy`, `YYYY` as is; anything that is not a
/// real date by the one grammar ([`sosmeta_types::date::parse_date`]) as written.
pub fn format_date(s: &str) -> String {
    match sosmeta_types::date::parse_date(s) {
        Ok(p) if p.year >= 0 => format_parts(&p),
        _ => s.to_string(),
    }
}

fn format_parts(p: &sosmeta_types::date::DateParts) -> String {
    match (p.month, p.day) {
        (Some(m), Some(d)) => format!("{d}.{m}.{:04}", p.year),
        (Some(m), None) => format!("{m}.{:04}", p.year),
        _ => format!("{:04}", p.year),
    }
}

/// A Hetki: the date as [`format_date`], then the time (`klo 12.30`, `kl. 12.30`, with
/// seconds when not zero) and the zone when not Finnish local time (`+02:00`/`+03:00`).
/// Anything that is not a real instant by the one grammar
/// ([`sosmeta_types::date::parse_instant`]) is shown as written.
pub fn format_instant(s: &str, lang: Lang) -> String {
    let parts = match sosmeta_types::date::parse_instant(s) {
        Ok(p) if p.date.year >= 0 => p,
        _ => return s.to_string(),
    };
    let Some(time) = parts.time else {
        return format_parts(&parts.date);
    };
    let mut t = format!("{}.{:02}", time.hour, time.minute);
    if time.second != 0 || !time.fraction.trim_end_matches('0').is_empty() {
        t.push_str(&format!(".{:02}", time.second));
        if !time.fraction.is_empty() {
            t.push('.');
            t.push_str(time.fraction);
        }
    }
    let word = match lang {
        Lang::Fi => "klo",
        Lang::Sv => "kl.",
    };
    let zone = match time.zone {
        "+02:00" | "+03:00" => String::new(),
        "Z" => " UTC".to_string(),
        z => format!(" (UTC{z})"),
    };
    format!("{} {word} {t}{zone}", format_parts(&parts.date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_instants() {
        assert_eq!(format_date("2023-06-01"), "1.6.2023");
        assert_eq!(format_date("2023-06"), "6.2023");
        assert_eq!(format_date("2023"), "2023");
        assert_eq!(
            format_instant("2023-06-01T09:05:00+03:00", Lang::Fi),
            "1.6.2023 klo 9.05"
        );
        assert_eq!(
            format_instant("2023-06-01T09:05:30Z", Lang::Sv),
            "1.6.2023 kl. 9.05.30 UTC"
        );
        assert_eq!(format_instant("2023-06", Lang::Fi), "6.2023");
        assert_eq!(
            format_instant("2023-06-01T09:05:00.500-05:00", Lang::Fi),
            "1.6.2023 klo 9.05.00.500 (UTC-05:00)"
        );
        // Not real dates: shown as written.
        assert_eq!(format_date("2023-02-30"), "2023-02-30");
        assert_eq!(
            format_instant("2023-06-01T25:00:00Z", Lang::Fi),
            "2023-06-01T25:00:00Z"
        );
    }

    #[test]
    fn cleans_control_characters() {
        assert_eq!(clean("a\u{1}b\nc"), "a\u{FFFD}b\nc");
    }
}
