//! # sosmeta-xhtml
//!
//! Render a Sosmeta document for people, in Finnish or Swedish, from the definition (the
//! model) and the document's JSON:
//!
//! - [`render_fragment`]: the display form (*näyttömuoto*) that goes inside a Kanta
//!   archive document (CDA body), an XHTML fragment `div.soc-document` with header, the
//!   elements and footer (see [`fragment`]); it also lists the invalid values it marked;
//! - [`render`] / [`render_page`]: the same fragment inside an XHTML 1.0 page with its own
//!   style, a preview. The typed documents of `sosmeta-generated` render through this
//!   same function, so typed and untyped output are identical by construction.
//!
//! What is shown: the title, then the elements in `rowNumber` order with their names as
//! headings (groups nest, `h2`…`h6`, repeated groups numbered) or labels, values formatted
//! per representation (Pvm `dd.mm.yyyy`, Hetki `dd.mm.yyyy hh.mm` in Finnish local time,
//! codes by their display text in the page's language, Kytkin as Kyllä/Ei or Ja/Nej,
//! quantities with their unit, numbers with a decimal comma). `hiddenField` elements are
//! left out, `hiddenTitle` elements are shown without their name. All text is escaped;
//! characters XML 1.0 cannot hold are replaced by U+FFFD. Keys the definition does not
//! know are not shown (validate first).
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
use sosmeta_model::{Definition, Representation};
use std::sync::OnceLock;

pub mod fragment;

pub use fragment::{render_fragment, render_fragment_with, Fragment, FragmentHeader, InvalidValue};

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
struct Page<'a> {
    lang: &'a str,
    title: &'a str,
    definition: String,
    fragment: &'a str,
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

/// Render `doc` (`{root_key: {...}}`) of definition `def` as an XHTML 1.0 preview page in
/// `lang`: the display form ([`render_fragment`], with no header data) inside a page with
/// its own style. Invalid values are marked in the page; [`render_page`] also lists them.
pub fn render(def: &Definition, doc: &Value, lang: Lang) -> Result<String, RenderError> {
    render_page(def, doc, &FragmentHeader::default(), lang).map(|f| f.xhtml)
}

/// The preview page around the display form of `doc` with `header`: [`Fragment::xhtml`]
/// is the whole page, [`Fragment::invalid_values`] those of the fragment inside it.
pub fn render_page(
    def: &Definition,
    doc: &Value,
    header: &FragmentHeader,
    lang: Lang,
) -> Result<Fragment, RenderError> {
    render_page_with(def, doc, header, lang, None)
}

/// [`render_page`] with the code sets of a release bundle (see
/// [`fragment::render_fragment_with`]).
pub fn render_page_with(
    def: &Definition,
    doc: &Value,
    header: &FragmentHeader,
    lang: Lang,
    code_sets: Option<&sosmeta_model::koodisto::CodeSets>,
) -> Result<Fragment, RenderError> {
    let fragment = fragment::render_fragment_with(def, doc, header, lang, code_sets)?;
    let title = header
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| def.title_in(&lang.model()));
    let xhtml = page(&fragment.xhtml, title, &def.id.to_string(), lang)?;
    Ok(Fragment {
        xhtml,
        invalid_values: fragment.invalid_values,
    })
}

/// An XHTML 1.0 page (XML declaration, DOCTYPE, style) around a display-form fragment.
pub fn page(
    fragment: &str,
    title: &str,
    definition: &str,
    lang: Lang,
) -> Result<String, RenderError> {
    let page = Page {
        lang: lang.tag(),
        title,
        definition: definition.to_string(),
        fragment: fragment.trim_end(),
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

fn is_leaf_object(rep: &Option<Representation>) -> bool {
    matches!(rep, Some(r) if *r == Representation::Koodi || *r == Representation::Tunnus || r.is_quantity())
}

/// A Pvm as a reader expects it: `YYYY-MM-DD` → `dd.mm.yyyy`, `YYYY-MM` → `mm.yyyy`,
/// `YYYY` as is; anything that is not a real date by the one grammar
/// ([`sosmeta_types::date::parse_date`]) as written.
pub fn format_date(s: &str) -> String {
    match sosmeta_types::date::parse_date(s) {
        Ok(p) if p.year >= 0 => fragment::format_parts(&p),
        _ => s.to_string(),
    }
}

/// A Hetki as a reader expects it: `dd.mm.yyyy hh.mm` in Finnish local time
/// (Europe/Helsinki, whatever zone it was written in), a date alone as [`format_date`];
/// anything that is not a real instant by the one grammar
/// ([`sosmeta_types::date::parse_instant`]) as written.
pub fn format_instant(s: &str) -> String {
    fragment::parse_instant_local(s).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_instants() {
        assert_eq!(format_date("2023-06-01"), "01.06.2023");
        assert_eq!(format_date("2023-06"), "06.2023");
        assert_eq!(format_date("2023"), "2023");
        assert_eq!(
            format_instant("2023-06-01T09:05:00+03:00"),
            "01.06.2023 09.05"
        );
        assert_eq!(format_instant("2023-12-01T09:05:30Z"), "01.12.2023 11.05");
        assert_eq!(format_instant("2023-06"), "06.2023");
        // Not real dates: shown as written.
        assert_eq!(format_date("2023-02-30"), "2023-02-30");
        assert_eq!(
            format_instant("2023-06-01T25:00:00Z"),
            "2023-06-01T25:00:00Z"
        );
    }

    #[test]
    fn cleans_control_characters() {
        assert_eq!(clean("a\u{1}b\nc"), "a\u{FFFD}b\nc");
    }
}
