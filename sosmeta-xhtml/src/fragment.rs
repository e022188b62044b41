//! The display form (*näyttömuoto*): the XHTML fragment that a Kanta archive document
//! carries in its body (KANTA-FORMAT.md section 4), in Finnish or Swedish.
//!
//! Shape: `div.soc-document` (id `OID<document id>`, XHTML namespace, `xml:lang`) holding
//! `div.soc-header` (organisation, document type), `div.soc-main-wrapper` (the title as
//! `h1.soc-fulltitle`, then one `div.soc-list` whose `div.soc-item`s are the elements in
//! `rowNumber` order: groups with a heading by depth, `h2` for the top level down to
//! `h6`, and their own `soc-list`; fields as `label: value`), and `div.soc-footer`
//! (recorder, date, definition). Repeated groups are numbered (`Osoite (1/2)`).
//!
//! Values as a reader expects them: dates `dd.mm.yyyy`, instants `dd.mm.yyyy hh.mm` in
//! Finnish local time (Europe/Helsinki), Kyllä/Ei or Ja/Nej, codes by their display text
//! in the page's language where the definition gives one (else the document's own
//! `display`), numbers with a decimal comma and their units. A value that is not what its
//! element allows (not a real date or instant by the one grammar of `sosmeta-types`, a
//! hetu with a wrong check character, a code the definition does not allow, a value of
//! the wrong JSON type) is shown as written, with a visible mark (class `soc-invalid` and
//! a text such as "(virheellinen päivämäärä)"), and listed in
//! [`Fragment::invalid_values`].
//!
//! ```no_run
//! use sosmeta_model::{DefinitionRef, Release};
//! use sosmeta_xhtml::{render_fragment, FragmentHeader, Lang};
//!
//! let release = Release::load("../shared/sosmeta-corpus/2025-05-20")?;
//! let def = release.resolve(&"1.2.246.537.6.1505.1@2023-06-01".parse::<DefinitionRef>()?)?;
//! let content: serde_json::Value = serde_json::from_str(&std::fs::read_to_string("doc.json")?)?;
//! let header = FragmentHeader {
//!     document_id: Some("1.2.246.10.12345678.2026.1".into()),
//!     organisation: Some("Esimerkin hyvinvointialue".into()),
//!     created: Some("2026-03-02T07:15:00Z".into()),
//!     ..FragmentHeader::default()
//! };
//! let fragment = render_fragment(def, &content, &header, Lang::Fi)?;
//! assert!(fragment.invalid_values.is_empty());
//! println!("{}", fragment.xhtml);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::{clean, escape_xml, is_leaf_object, Lang, RenderError};
use chrono::{FixedOffset, NaiveTime, TimeZone};
use serde_json::Value;
use sosmeta_model::element::escape_pointer;
use sosmeta_model::koodisto::CodeSets;
use sosmeta_model::{Definition, Element, Kind, Representation};

/// What the CDA header tells the display form. Every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FragmentHeader {
    /// The document id (`ClinicalDocument/id@root`): the root `div` gets the id
    /// `"OID" + document_id`, the same as `nonXMLBody@ID`.
    pub document_id: Option<String>,
    /// The service provider or data controller (custodian) named in `soc-header`.
    pub organisation: Option<String>,
    /// The recorder (*tallentaja*), named in `soc-footer`.
    pub author: Option<String>,
    /// When the document was drafted: an ISO-8601 instant (`2026-03-02T09:15:00+02:00`)
    /// or date, shown in Finnish local time in `soc-footer` (as written if it is neither).
    pub created: Option<String>,
    /// The document type or title; by default the definition's title in the language.
    pub title: Option<String>,
}

/// A value of the content that is not what its element allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidValue {
    /// RFC 6901 pointer into the content (`/asiakkuusasiakirja/asiakas/syntymaaika`).
    pub pointer: String,
    /// The value as written (compact JSON text for a non-string).
    pub value: String,
    /// Why it is invalid (English, e.g. `2023-02-29 is not a calendar date`).
    pub reason: String,
}

/// A rendered display form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The XHTML fragment: one `div.soc-document`, no XML declaration, no DOCTYPE.
    pub xhtml: String,
    /// The values shown with an invalid mark, in document order.
    pub invalid_values: Vec<InvalidValue>,
}

/// The XHTML namespace.
pub const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Render the display form of `content` (`{root_key: {...}}`) of definition `def` in `lang`.
///
/// Errors only when the content is not an object holding the definition's root key;
/// invalid values are rendered with a mark and listed, never refused.
pub fn render_fragment(
    def: &Definition,
    content: &Value,
    header: &FragmentHeader,
    lang: Lang,
) -> Result<Fragment, RenderError> {
    render_fragment_with(def, content, header, lang, None)
}

/// [`render_fragment`] with the code sets of a release bundle (Koodistopalvelu): a code
/// of a classification is then shown by the code set's name in the page's language
/// before the definition's own text (the definitions give no Swedish text for many
/// classifications, e.g. the language codes).
pub fn render_fragment_with(
    def: &Definition,
    content: &Value,
    header: &FragmentHeader,
    lang: Lang,
    code_sets: Option<&CodeSets>,
) -> Result<Fragment, RenderError> {
    let obj = content.as_object().ok_or(RenderError::NotAnObject)?;
    let root = def.document();
    let body = obj.get(&root.key).ok_or_else(|| RenderError::MissingRoot {
        expected: root.key.clone(),
        definition: def.id.to_string(),
    })?;
    let words = Words::of(lang);
    let title = header
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| def.title_in(&lang.model()));
    let mut w = Writer {
        lang,
        code_sets,
        words,
        out: String::with_capacity(4096),
        invalid: Vec::new(),
    };
    let tag = lang.tag();
    w.out
        .push_str(&format!("<div xmlns=\"{XHTML_NS}\" class=\"soc-document\""));
    if let Some(id) = header.document_id.as_deref().filter(|s| !s.is_empty()) {
        w.out
            .push_str(&format!(" id=\"OID{}\"", escape_xml(id.trim())));
    }
    w.out
        .push_str(&format!(" xml:lang=\"{tag}\" lang=\"{tag}\">\n"));
    // Header: organisation and document type.
    w.out.push_str("<div class=\"soc-header\">\n");
    if let Some(org) = non_empty(&header.organisation) {
        w.out.push_str(&format!(
            "<div class=\"soc-hdr1\">{}</div>\n",
            escape_xml(org)
        ));
    }
    w.out.push_str(&format!(
        "<div class=\"soc-hdr2\">{}</div>\n</div>\n",
        escape_xml(title)
    ));
    // Main: the title and the elements.
    w.out.push_str("<div class=\"soc-main-wrapper\">\n");
    w.out.push_str(&format!(
        "<h1 class=\"soc-fulltitle\">{}</h1>\n",
        escape_xml(title)
    ));
    let ptr = format!("/{}", escape_pointer(&root.key));
    w.list(root, body, &ptr, 0);
    w.out.push_str("</div>\n");
    // Footer: recorder, date, definition.
    w.out.push_str("<div class=\"soc-footer\">\n");
    if let Some(author) = non_empty(&header.author) {
        w.out.push_str(&format!(
            "<div class=\"soc-ftr1\">{}: {}</div>\n",
            words.recorder,
            escape_xml(author)
        ));
    }
    if let Some(created) = non_empty(&header.created) {
        let shown = match parse_instant_local(created) {
            Ok(s) => s,
            Err(_) => created.to_string(),
        };
        w.out.push_str(&format!(
            "<div class=\"soc-ftr2\">{}: {}</div>\n",
            words.created,
            escape_xml(&shown)
        ));
    }
    w.out.push_str(&format!(
        "<div class=\"soc-ftr3\">{}: {}</div>\n</div>\n</div>\n",
        words.definition,
        escape_xml(&def.id.to_string())
    ));
    Ok(Fragment {
        xhtml: w.out,
        invalid_values: w.invalid,
    })
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The fixed words of the page in one language.
#[derive(Clone, Copy)]
struct Words {
    yes: &'static str,
    no: &'static str,
    recorder: &'static str,
    created: &'static str,
    definition: &'static str,
    bad_date: &'static str,
    bad_instant: &'static str,
    bad_hetu: &'static str,
    bad_code: &'static str,
    bad_value: &'static str,
}

impl Words {
    fn of(lang: Lang) -> Words {
        match lang {
            Lang::Fi => Words {
                yes: "Kyllä",
                no: "Ei",
                recorder: "Tallentaja",
                created: "Laadittu",
                definition: "Asiakirjarakenne",
                bad_date: "virheellinen päivämäärä",
                bad_instant: "virheellinen ajankohta",
                bad_hetu: "virheellinen henkilötunnus",
                bad_code: "koodi ei ole sallittu",
                bad_value: "virheellinen arvo",
            },
            Lang::Sv => Words {
                yes: "Ja",
                no: "Nej",
                recorder: "Registrerad av",
                created: "Upprättad",
                definition: "Dokumentstruktur",
                bad_date: "ogiltigt datum",
                bad_instant: "ogiltig tidpunkt",
                bad_hetu: "ogiltig personbeteckning",
                bad_code: "koden är inte tillåten",
                bad_value: "ogiltigt värde",
            },
        }
    }
}

/// One value as shown, and the words of its invalid mark.
struct Shown {
    text: String,
    invalid: Option<&'static str>,
}

impl Shown {
    fn ok(text: String) -> Shown {
        Shown {
            text,
            invalid: None,
        }
    }
}

struct Writer<'a> {
    lang: Lang,
    code_sets: Option<&'a CodeSets>,
    words: Words,
    out: String,
    invalid: Vec<InvalidValue>,
}

fn heading(depth: usize) -> usize {
    (depth + 2).min(6)
}

impl Writer<'_> {
    fn label(&self, el: &Element, group: bool) -> Option<String> {
        if el.is_hidden_title() {
            return None;
        }
        let lang = self.lang.model();
        let title = if group {
            el.meta()
                .and_then(|m| m.title.as_ref())
                .and_then(|t| t.get(&lang).or_else(|| t.fi()))
        } else {
            None
        };
        title
            .or_else(|| el.name(&lang))
            .or((!el.key.is_empty()).then_some(el.key.as_str()))
            .map(str::to_string)
    }

    /// The children of an object element present in `v`, in rowNumber order, as one
    /// `soc-list` (nothing when none is present).
    fn list(&mut self, el: &Element, v: &Value, ptr: &str, depth: usize) {
        let present = v
            .as_object()
            .is_some_and(|o| el.children().iter().any(|c| o.contains_key(&c.key)));
        if !present {
            return;
        }
        self.out.push_str("<div class=\"soc-list\">\n");
        self.items(el, v, ptr, depth);
        self.out.push_str("</div>\n");
    }

    /// The `soc-item`s of the children of an object element present in `v`.
    fn items(&mut self, el: &Element, v: &Value, ptr: &str, depth: usize) {
        let Some(obj) = v.as_object() else {
            return;
        };
        let mut kids: Vec<(usize, &Element)> = el
            .children()
            .iter()
            .enumerate()
            .filter(|(_, c)| obj.contains_key(&c.key))
            .collect();
        kids.sort_by_key(|(i, c)| (c.row_number().unwrap_or(i64::MAX), *i));
        for (_, child) in kids {
            let cv = &obj[&child.key];
            let p = format!("{ptr}/{}", escape_pointer(&child.key));
            self.item(child, cv, &p, depth);
        }
    }

    fn item(&mut self, named: &Element, v: &Value, ptr: &str, depth: usize) {
        let item = named.item();
        let rep = item.representation().or_else(|| named.representation());
        let group = item.kind == Kind::Object && !is_leaf_object(&rep);
        if named.is_hidden_field() {
            // `hiddenField`: the element itself is not shown. In Sosmeta these are the
            // wrapper groups of data components (whose children are shown in the
            // parent's list, as if the wrapper were not there) and a few fixed phrases.
            if !group {
                return;
            }
            match v {
                Value::Array(list) if list.len() > 1 => {
                    let n = list.len();
                    for (i, it) in list.iter().enumerate() {
                        let p = format!("{ptr}/{i}");
                        self.group(None, item, it, &p, depth, Some((i + 1, n)));
                    }
                }
                Value::Array(list) => {
                    for (i, it) in list.iter().enumerate() {
                        self.items(item, it, &format!("{ptr}/{i}"), depth);
                    }
                }
                Value::Object(_) => self.items(item, v, ptr, depth),
                _ => self.group(None, item, v, ptr, depth, None),
            }
            return;
        }
        let label = self.label(named, group);
        match (named.kind, v) {
            (Kind::Array, Value::Array(items)) if group => {
                let n = items.len();
                for (i, it) in items.iter().enumerate() {
                    let number = (n > 1).then_some((i + 1, n));
                    let p = format!("{ptr}/{i}");
                    self.group(label.as_deref(), item, it, &p, depth, number);
                }
            }
            (Kind::Array, Value::Array(items)) => {
                let shown: Vec<Shown> = items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| self.value(item, rep.as_ref(), it, &format!("{ptr}/{i}")))
                    .collect();
                self.field(label.as_deref(), shown);
            }
            _ if group => self.group(label.as_deref(), item, v, ptr, depth, None),
            _ => {
                let shown = self.value(item, rep.as_ref(), v, ptr);
                self.field(label.as_deref(), vec![shown]);
            }
        }
    }

    fn group(
        &mut self,
        label: Option<&str>,
        item: &Element,
        v: &Value,
        ptr: &str,
        depth: usize,
        number: Option<(usize, usize)>,
    ) {
        self.out.push_str("<div class=\"soc-item soc-group\">\n");
        if label.is_some() || number.is_some() {
            let h = heading(depth);
            let mut text = label.unwrap_or_default().to_string();
            if let Some((i, n)) = number {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(&format!("({i}/{n})"));
            }
            self.out.push_str(&format!(
                "<h{h} class=\"soc-title\">{}</h{h}>\n",
                escape_xml(&text)
            ));
        }
        self.out.push_str("<div class=\"soc-content\">\n");
        if v.is_object() {
            self.list(item, v, ptr, depth + 1);
        } else {
            // A group that is not an object: shown as written, marked.
            let shown = self.mark(v, ptr, self.words.bad_value, "not an object".into());
            self.out.push_str("<p>");
            self.shown(&shown);
            self.out.push_str("</p>\n");
        }
        self.out.push_str("</div>\n</div>\n");
    }

    /// A field: its label and its values (one line each).
    fn field(&mut self, label: Option<&str>, values: Vec<Shown>) {
        self.out
            .push_str("<div class=\"soc-item soc-field\">\n<div class=\"soc-content\"><p>");
        if let Some(label) = label {
            self.out.push_str(&format!(
                "<span class=\"soc-label\">{}:</span> ",
                escape_xml(label)
            ));
        }
        for (i, s) in values.iter().enumerate() {
            if i > 0 {
                self.out.push_str("<br />");
            }
            self.shown(s);
        }
        self.out.push_str("</p></div>\n</div>\n");
    }

    fn shown(&mut self, s: &Shown) {
        let class = if s.invalid.is_some() {
            "soc-value soc-invalid"
        } else {
            "soc-value"
        };
        self.out.push_str(&format!("<span class=\"{class}\">"));
        for (i, line) in s.text.lines().enumerate() {
            if i > 0 {
                self.out.push_str("<br />");
            }
            self.out.push_str(&escape_xml(line));
        }
        if let Some(mark) = s.invalid {
            self.out.push_str(&format!(
                " <span class=\"soc-invalid-mark\">({mark})</span>"
            ));
        }
        self.out.push_str("</span>");
    }

    /// `v` shown as written, marked invalid and listed.
    fn mark(&mut self, v: &Value, ptr: &str, mark: &'static str, reason: String) -> Shown {
        let raw = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.invalid.push(InvalidValue {
            pointer: ptr.to_string(),
            value: raw.clone(),
            reason,
        });
        Shown {
            text: raw,
            invalid: Some(mark),
        }
    }

    fn value(
        &mut self,
        item: &Element,
        rep: Option<&Representation>,
        v: &Value,
        ptr: &str,
    ) -> Shown {
        let words = self.words;
        match (rep, v) {
            (_, Value::Bool(b)) => Shown::ok(if *b { words.yes } else { words.no }.to_string()),
            (Some(Representation::Pvm), Value::String(s)) => match format_date_checked(s) {
                Ok(t) => Shown::ok(t),
                Err(e) => self.mark(v, ptr, words.bad_date, e),
            },
            (Some(Representation::Hetki), Value::String(s)) => match parse_instant_local(s) {
                Ok(t) => Shown::ok(t),
                Err(e) => self.mark(v, ptr, words.bad_instant, e),
            },
            (Some(Representation::Fraasi), Value::String(s)) => Shown::ok(
                item.meta()
                    .and_then(|m| m.phrase.as_ref())
                    .and_then(|p| p.get(&self.lang.model()))
                    .filter(|_| item.phrase() == Some(s.as_str()))
                    .unwrap_or(s)
                    .to_string(),
            ),
            (Some(Representation::Koodi), Value::Object(o)) => {
                let code = o.get("code").and_then(Value::as_str).unwrap_or("");
                let display = o
                    .get("display")
                    .and_then(Value::as_str)
                    .filter(|d| !d.trim().is_empty());
                if let Some(allowed) = item.allowed_codes() {
                    if !allowed.iter().any(|a| a == code) {
                        let reason = format!("code {code:?} is not one the definition allows");
                        let mut s = self.mark(v, ptr, words.bad_code, reason);
                        s.text = match display {
                            Some(d) => format!("{d} ({code})"),
                            None => code.to_string(),
                        };
                        if let Some(last) = self.invalid.last_mut() {
                            last.value = code.to_string();
                        }
                        return s;
                    }
                }
                let from_koodisto = self.code_sets.and_then(|cs| {
                    item.classification_oids()
                        .into_iter()
                        .find_map(|oid| cs.code_name(oid, code, self.lang.tag()))
                        .map(str::to_string)
                });
                let from_def = || item.code_display(code, &self.lang.model());
                let text = match self.lang {
                    // The document's own display first: it is what the author wrote.
                    Lang::Fi => display
                        .map(str::to_string)
                        .or(from_koodisto)
                        .or_else(from_def),
                    Lang::Sv => from_koodisto
                        .or_else(from_def)
                        .or(display.map(str::to_string)),
                };
                Shown::ok(text.unwrap_or_else(|| code.to_string()))
            }
            (Some(Representation::Tunnus), Value::Object(o)) => {
                let Some(value) = o.get("value") else {
                    return self.mark(v, ptr, words.bad_value, "identifier without a value".into());
                };
                let vptr = format!("{ptr}/value");
                let Some(text) = value.as_str() else {
                    return self.value(item, None, value, &vptr);
                };
                let system = o.get("system").and_then(Value::as_str);
                let hetu_system = sosmeta_types::HETU_SYSTEM.trim_start_matches("urn:oid:");
                let is_hetu = item.is_hetu_identifier()
                    && system.is_none_or(|s| s.trim_start_matches("urn:oid:") == hetu_system);
                if is_hetu {
                    if let Err(e) = sosmeta_types::hetu::parse(text) {
                        return self.mark(value, &vptr, words.bad_hetu, e.to_string());
                    }
                }
                Shown::ok(text.to_string())
            }
            (Some(r), Value::Object(_)) if r.is_quantity() => {
                if let Some(q) = sosmeta_types::Quantity::from_json(v) {
                    return Shown::ok(q.display_text());
                }
                self.mark(
                    v,
                    ptr,
                    words.bad_value,
                    "not a quantity {value, code}".into(),
                )
            }
            (Some(Representation::Koodi | Representation::Tunnus), _) => {
                self.mark(v, ptr, words.bad_value, "not an object".into())
            }
            (_, Value::Number(n)) => Shown::ok(sosmeta_types::format_number(n)),
            (_, Value::String(s)) => Shown::ok(clean(s)),
            (_, Value::Null) => Shown::ok(String::new()),
            (_, other) => self.mark(
                other,
                ptr,
                words.bad_value,
                "not of the element's type".into(),
            ),
        }
    }
}

/// A Pvm as `dd.mm.yyyy` (`mm.yyyy`, `yyyy` when partial), or why it is not one.
fn format_date_checked(s: &str) -> Result<String, String> {
    match sosmeta_types::date::parse_date(s) {
        Ok(p) if p.year >= 0 => Ok(format_parts(&p)),
        Ok(_) => Err("a year before the common era".into()),
        Err(e) => Err(e.to_string()),
    }
}

pub(crate) fn format_parts(p: &sosmeta_types::date::DateParts) -> String {
    match (p.month, p.day) {
        (Some(m), Some(d)) => format!("{d:02}.{m:02}.{:04}", p.year),
        (Some(m), None) => format!("{m:02}.{:04}", p.year),
        _ => format!("{:04}", p.year),
    }
}

/// A Hetki as `dd.mm.yyyy hh.mm` in Finnish local time (a date alone as a date), or why
/// it is not one.
pub(crate) fn parse_instant_local(s: &str) -> Result<String, String> {
    let parts = sosmeta_types::date::parse_instant(s).map_err(|e| e.to_string())?;
    if parts.date.year < 0 {
        return Err("a year before the common era".into());
    }
    let Some(t) = parts.time else {
        return Ok(format_parts(&parts.date));
    };
    let date = parts
        .date
        .date()
        .ok_or_else(|| "a time needs a full date".to_string())?;
    let time = NaiveTime::from_hms_opt(t.hour, t.minute, t.second)
        .ok_or_else(|| "not a time of day".to_string())?;
    let offset = zone_offset(t.zone).ok_or_else(|| format!("zone {} does not exist", t.zone))?;
    let local = offset
        .from_local_datetime(&date.and_time(time))
        .single()
        .ok_or_else(|| "not a single instant".to_string())?
        .with_timezone(&chrono_tz::Europe::Helsinki);
    Ok(local.format("%d.%m.%Y %H.%M").to_string())
}

fn zone_offset(zone: &str) -> Option<FixedOffset> {
    if zone == "Z" {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
    FixedOffset::east_opt(sign * secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_in_finnish_local_time() {
        // Winter: UTC+2; summer: UTC+3; the date moves with the time.
        assert_eq!(
            parse_instant_local("2025-01-15T10:05:00Z").unwrap(),
            "15.01.2025 12.05"
        );
        assert_eq!(
            parse_instant_local("2025-07-01T22:30:00Z").unwrap(),
            "02.07.2025 01.30"
        );
        assert_eq!(
            parse_instant_local("2025-07-01T09:00:00-05:00").unwrap(),
            "01.07.2025 17.00"
        );
        assert_eq!(
            parse_instant_local("2026-03-02T09:15:00+02:00").unwrap(),
            "02.03.2026 09.15"
        );
        assert_eq!(parse_instant_local("2025-07-01").unwrap(), "01.07.2025");
        assert!(parse_instant_local("2025-02-29T10:00:00Z").is_err());
        assert!(parse_instant_local("2025-01-01T10:00:00").is_err());
    }

    #[test]
    fn dates_checked_by_the_one_grammar() {
        assert_eq!(format_date_checked("2023-06-01").unwrap(), "01.06.2023");
        assert_eq!(format_date_checked("2023-06").unwrap(), "06.2023");
        assert_eq!(format_date_checked("2023").unwrap(), "2023");
        assert!(format_date_checked("2023-02-29").is_err());
        assert!(format_date_checked("0.3.2025").is_err());
        assert!(format_date_checked("2024-02-29").is_ok());
    }
}
