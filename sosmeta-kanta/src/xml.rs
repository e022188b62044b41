//! A small XML layer on quick-xml's namespace-resolving pull parser: a well-formedness
//! check and a compact element tree whose text borrows from the input (the large base64
//! payloads are never copied).
//!
//! Well-formedness: end tags match, attributes are not duplicated, prefixes are bound,
//! references are the five predefined entities or character references, one root element,
//! no text outside it, no DTD (refused, as the archive formats have none).

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::borrow::Cow;
use std::ops::Range;

/// Why a text is not well-formed XML: a message and the byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    /// What is wrong.
    pub message: String,
    /// Byte offset of the problem.
    pub offset: usize,
}

#[derive(Debug)]
struct El<'i> {
    ns: Option<u16>,
    name: &'i str,
    attrs: Vec<(&'i str, Cow<'i, str>)>,
    text: Option<Cow<'i, str>>,
    children: Vec<u32>,
    range: Range<usize>,
}

/// The element tree of a document.
#[derive(Debug)]
pub struct Tree<'i> {
    els: Vec<El<'i>>,
    uris: Vec<String>,
}

/// An element of a [`Tree`].
#[derive(Clone, Copy)]
pub struct N<'t, 'i> {
    t: &'t Tree<'i>,
    i: u32,
}

impl<'t, 'i> N<'t, 'i> {
    fn el(&self) -> &'t El<'i> {
        &self.t.els[self.i as usize]
    }

    /// The local name.
    pub fn name(&self) -> &'i str {
        self.el().name
    }

    /// The namespace URI.
    pub fn ns(&self) -> Option<&'t str> {
        self.el().ns.map(|i| self.t.uris[i as usize].as_str())
    }

    /// True when the element is `name` in namespace `ns`.
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.name() == name && self.ns() == Some(ns)
    }

    /// An attribute without a namespace, unescaped.
    pub fn attribute(&self, name: &str) -> Option<&'t str> {
        self.el()
            .attrs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_ref())
    }

    /// The child elements.
    pub fn children(&self) -> impl Iterator<Item = N<'t, 'i>> + 't {
        let t = self.t;
        self.el().children.iter().map(move |&i| N { t, i })
    }

    /// The element's own text (its text children joined), unescaped.
    pub fn text(&self) -> Option<&'t str> {
        self.el().text.as_deref()
    }

    /// The text of the element and every descendant, in document order.
    pub fn all_text(&self) -> String {
        let mut s = String::new();
        self.push_text(&mut s);
        s
    }

    fn push_text(&self, s: &mut String) {
        // Own text first, then children: exact interleaving is not needed for the
        // header's text elements, which have either text or children.
        if let Some(t) = self.text() {
            s.push_str(t);
        }
        for c in self.children() {
            c.push_text(s);
        }
    }

    /// The byte range of the element in the input.
    pub fn range(&self) -> Range<usize> {
        self.el().range.clone()
    }
}

impl<'i> Tree<'i> {
    /// The root element.
    pub fn root(&self) -> N<'_, 'i> {
        N { t: self, i: 0 }
    }
}

/// The root element of a fragment checked by [`check`]: local name, namespace and `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootInfo {
    /// Local name.
    pub name: String,
    /// Namespace URI.
    pub ns: Option<String>,
    /// The `id` attribute.
    pub id: Option<String>,
}

/// The part of `text` that `part` is a subslice of (names and values borrowed from the
/// input), or `None` when it is not one or not on character boundaries.
fn sub<'i>(text: &'i str, part: &[u8]) -> Option<&'i str> {
    let start = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    match text.get(start..end) {
        Some(s) if s.as_bytes() == part => Some(s),
        _ => None,
    }
}

/// The index of a namespace URI, added when new.
fn intern(uris: &mut Vec<String>, uri: &[u8]) -> u16 {
    match uris.iter().position(|x| x.as_bytes() == uri) {
        Some(i) => i as u16,
        None => {
            uris.push(String::from_utf8_lossy(uri).into_owned());
            (uris.len() - 1) as u16
        }
    }
}

fn err(message: impl Into<String>, offset: usize) -> XmlError {
    XmlError {
        message: message.into(),
        offset,
    }
}

fn resolve_ref(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => {
            let n = name.strip_prefix('#')?;
            let v = match n.strip_prefix('x') {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(v).filter(|c| *c != '\0')
        }
    }
}

/// Parse `text`; with `build`, into a [`Tree`], else only checked (the root's name,
/// namespace and id are returned).
fn run<'i>(text: &'i str, build: bool) -> Result<(Option<Tree<'i>>, RootInfo), XmlError> {
    let mut reader = NsReader::from_str(text);
    {
        let c = reader.config_mut();
        c.check_end_names = true;
        c.check_comments = true;
        c.expand_empty_elements = false;
        c.trim_text_start = false;
        c.trim_text_end = false;
    }
    let mut tree = Tree {
        els: Vec::new(),
        uris: Vec::new(),
    };
    let mut stack: Vec<u32> = Vec::new();
    let mut depth = 0usize;
    let mut root_seen = false;
    let mut root = RootInfo {
        name: String::new(),
        ns: None,
        id: None,
    };
    loop {
        let p0 = reader.buffer_position() as usize;
        let (ns_idx, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => {
                let idx = match ns {
                    ResolveResult::Bound(n) => Ok(Some(intern(&mut tree.uris, n.as_ref()))),
                    ResolveResult::Unbound => Ok(None),
                    ResolveResult::Unknown(p) => Err(err(
                        format!("unbound namespace prefix `{}`", String::from_utf8_lossy(&p)),
                        p0,
                    )),
                };
                (idx, event)
            }
            Err(e) => return Err(err(e.to_string(), reader.error_position() as usize)),
        };
        let p1 = reader.buffer_position() as usize;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let ns_idx = ns_idx?;
                let is_empty = matches!(event, Event::Empty(_));
                if depth == 0 {
                    if root_seen {
                        return Err(err("a second root element", p0));
                    }
                    root_seen = true;
                }
                let local = sub(text, e.local_name().into_inner())
                    .ok_or_else(|| err("a name that is not UTF-8", p0))?;
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|x| err(x.to_string(), p0))?;
                    let (ans, alocal) = reader.resolve_attribute(a.key);
                    if let ResolveResult::Unknown(p) = ans {
                        return Err(err(
                            format!("unbound namespace prefix `{}`", String::from_utf8_lossy(&p)),
                            p0,
                        ));
                    }
                    let is_xmlns = a.key.as_namespace_binding().is_some();
                    if !build && depth > 0 {
                        // Only well-formedness: the value must unescape.
                        a.unescape_value().map_err(|x| err(x.to_string(), p0))?;
                        continue;
                    }
                    if matches!(ans, ResolveResult::Unbound) && !is_xmlns {
                        let v = match sub(text, &a.value) {
                            Some(v) if !v.contains('&') => Cow::Borrowed(v),
                            _ => Cow::Owned(
                                a.unescape_value()
                                    .map_err(|x| err(x.to_string(), p0))?
                                    .into_owned(),
                            ),
                        };
                        let k = sub(text, alocal.into_inner())
                            .ok_or_else(|| err("a name that is not UTF-8", p0))?;
                        attrs.push((k, v));
                    } else {
                        a.unescape_value().map_err(|x| err(x.to_string(), p0))?;
                    }
                }
                if depth == 0 {
                    root = RootInfo {
                        name: local.to_string(),
                        ns: ns_idx.map(|i| tree.uris[i as usize].clone()),
                        id: attrs
                            .iter()
                            .find(|(k, _)| *k == "id")
                            .map(|(_, v)| v.to_string()),
                    };
                }
                if build {
                    let idx = tree.els.len() as u32;
                    tree.els.push(El {
                        ns: ns_idx,
                        name: local,
                        attrs,
                        text: None,
                        children: Vec::new(),
                        range: p0..p1,
                    });
                    if let Some(&parent) = stack.last() {
                        tree.els[parent as usize].children.push(idx);
                    }
                    if !is_empty {
                        stack.push(idx);
                    }
                }
                if !is_empty {
                    depth += 1;
                }
            }
            Event::End(_) => {
                if depth == 0 {
                    return Err(err("an end tag without a start tag", p0));
                }
                depth -= 1;
                if build {
                    if let Some(idx) = stack.pop() {
                        tree.els[idx as usize].range.end = p1;
                    }
                }
            }
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                let piece: Cow<'i, str> = match &event {
                    Event::Text(_) => Cow::Borrowed(&text[p0..p1]),
                    Event::CData(_) => {
                        let raw = &text[p0..p1];
                        Cow::Borrowed(
                            raw.strip_prefix("<![CDATA[")
                                .and_then(|r| r.strip_suffix("]]>"))
                                .unwrap_or(""),
                        )
                    }
                    Event::GeneralRef(r) => {
                        let name = std::str::from_utf8(r.as_ref()).unwrap_or("");
                        match resolve_ref(name) {
                            Some(c) => Cow::Owned(c.to_string()),
                            None => {
                                return Err(err(format!("unknown entity reference `&{name};`"), p0))
                            }
                        }
                    }
                    _ => Cow::Borrowed(""),
                };
                if depth == 0 {
                    if !piece.trim().is_empty() || matches!(event, Event::GeneralRef(_)) {
                        return Err(err("text outside the root element", p0));
                    }
                    continue;
                }
                if build {
                    if let Some(&idx) = stack.last() {
                        let t = &mut tree.els[idx as usize].text;
                        *t = Some(match t.take() {
                            None => piece,
                            Some(prev) => Cow::Owned(prev.into_owned() + &piece),
                        });
                    }
                }
            }
            Event::DocType(_) => return Err(err("a DTD (DOCTYPE) is not allowed", p0)),
            Event::Decl(_) => {
                if p0 != 0 && !(p0 == 3 && text.starts_with('\u{feff}')) {
                    return Err(err("an XML declaration that is not at the start", p0));
                }
            }
            Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if depth > 0 {
        return Err(err("the document ends inside an element", text.len()));
    }
    if !root_seen {
        return Err(err("no root element", text.len()));
    }
    Ok((build.then_some(tree), root))
}

/// Parse a document into a [`Tree`].
pub fn parse(text: &str) -> Result<Tree<'_>, XmlError> {
    let (tree, _) = run(text, true)?;
    tree.ok_or_else(|| err("no tree", 0))
}

/// Check a document or fragment for well-formedness without building a tree.
pub fn check(text: &str) -> Result<RootInfo, XmlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    run(text, false).map(|(_, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_tree_with_namespaces_and_borrowed_text() {
        let s = "<?xml version=\"1.0\"?><r xmlns='urn:a' xmlns:f='urn:b' x='1 &amp; 2'><f:c>t&lt;u</f:c><d/>AAAA</r>";
        let t = parse(s).unwrap();
        let r = t.root();
        assert!(r.is("urn:a", "r"));
        assert_eq!(r.attribute("x"), Some("1 & 2"));
        let kids: Vec<_> = r.children().collect();
        assert!(kids[0].is("urn:b", "c"));
        assert_eq!(kids[0].text(), Some("t<u"));
        assert!(kids[1].is("urn:a", "d"));
        assert_eq!(r.text(), Some("AAAA"));
        assert!(matches!(t.els[0].text, Some(Cow::Borrowed(_))));
        assert_eq!(&s[kids[0].range()], "<f:c>t&lt;u</f:c>");
    }

    #[test]
    fn refuses_what_is_not_well_formed() {
        for bad in [
            "<a><b></a>",
            "<a>",
            "<a x='1' x='2'/>",
            "<p:a/>",
            "<a/><b/>",
            "<a>&nbsp;</a>",
            "text<a/>",
            "<!DOCTYPE a><a/>",
            "",
            "<a></a></b>",
            "<a b=c/>",
            "<a><!-- x -- y --></a>",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
            assert!(check(bad).is_err(), "{bad}");
        }
        assert_eq!(
            check("\r\n<div xmlns='http://www.w3.org/1999/xhtml' id='x'><p>&#228;</p></div>")
                .unwrap(),
            RootInfo {
                name: "div".into(),
                ns: Some("http://www.w3.org/1999/xhtml".into()),
                id: Some("x".into())
            }
        );
    }
}
