//! A small XML layer: a well-formedness check ([`check`]) and a compact element tree whose
//! text borrows from the input ([`parse`]; the large base64 payloads are never copied).
//! Both are hand-written byte scanners; quick-xml's pull parser is kept as the reference
//! each is tested against ([`check_reference`], and [`parse_reference`] on its
//! namespace-resolving `NsReader`).
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

/// No element (end of a child or sibling list).
const NONE: u32 = u32::MAX;

#[derive(Debug)]
struct El<'i> {
    ns: Option<u16>,
    name: &'i str,
    /// This element's attributes: `attrs[attr_start..attr_end]` of the tree.
    attr_start: u32,
    attr_end: u32,
    text: Option<Cow<'i, str>>,
    first_child: u32,
    last_child: u32,
    next_sibling: u32,
    range: Range<usize>,
}

/// The element tree of a document.
#[derive(Debug)]
pub struct Tree<'i> {
    els: Vec<El<'i>>,
    attrs: Vec<(&'i str, Cow<'i, str>)>,
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
        let el = self.el();
        self.t.attrs[el.attr_start as usize..el.attr_end as usize]
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_ref())
    }

    /// The child elements.
    pub fn children(&self) -> impl Iterator<Item = N<'t, 'i>> + 't {
        let t = self.t;
        let mut next = self.el().first_child;
        std::iter::from_fn(move || {
            (next != NONE).then(|| {
                let n = N { t, i: next };
                next = t.els[next as usize].next_sibling;
                n
            })
        })
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
    /// Make element `idx` the last child of `parent` (nothing for the root).
    #[inline]
    fn link(&mut self, parent: Option<u32>, idx: u32) {
        let Some(parent) = parent else { return };
        let last = self.els[parent as usize].last_child;
        if last == NONE {
            self.els[parent as usize].first_child = idx;
        } else {
            self.els[last as usize].next_sibling = idx;
        }
        self.els[parent as usize].last_child = idx;
    }

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

/// The text a text, CDATA or reference event at `p0..p1` adds to its element.
fn text_piece<'i>(
    text: &'i str,
    event: &Event<'_>,
    p0: usize,
    p1: usize,
) -> Result<Cow<'i, str>, XmlError> {
    Ok(match event {
        Event::Text(_) => Cow::Borrowed(&text[p0..p1]),
        Event::CData(_) => Cow::Borrowed(
            text[p0..p1]
                .strip_prefix("<![CDATA[")
                .and_then(|r| r.strip_suffix("]]>"))
                .unwrap_or(""),
        ),
        Event::GeneralRef(r) => {
            let name = std::str::from_utf8(r.as_ref()).unwrap_or("");
            match resolve_ref(name) {
                Some(c) => Cow::Owned(c.to_string()),
                None => return Err(err(format!("unknown entity reference `&{name};`"), p0)),
            }
        }
        _ => Cow::Borrowed(""),
    })
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
        els: Vec::with_capacity(text.len() / 64),
        attrs: Vec::with_capacity(text.len() / 64),
        uris: Vec::new(),
    };
    let mut stack: Vec<u32> = Vec::new();
    let mut keys: Vec<&'i str> = Vec::new();
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
                if !e.name().as_ref().first().is_some_and(|c| is_name_start(*c)) {
                    return Err(err("a `<` that does not start a tag", p0));
                }
                let local = sub(text, e.local_name().into_inner())
                    .ok_or_else(|| err("a name that is not UTF-8", p0))?;
                let attr_start = tree.attrs.len();
                // Duplicates are checked here, against the element's keys in one reused
                // list: quick-xml's own check allocates a list per element.
                keys.clear();
                for a in e.attributes().with_checks(false) {
                    let a = a.map_err(|x| err(x.to_string(), p0))?;
                    // Duplicates first, where quick-xml's own check would have stopped.
                    let key = sub(text, a.key.as_ref())
                        .ok_or_else(|| err("a name that is not UTF-8", p0))?;
                    if keys.contains(&key) {
                        return Err(err(format!("a duplicate attribute `{key}`"), p0));
                    }
                    keys.push(key);
                    if memchr::memchr(b'<', &a.value).is_some() {
                        return Err(err("a `<` in an attribute value", p0));
                    }
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
                        tree.attrs.push((k, v));
                    } else {
                        a.unescape_value().map_err(|x| err(x.to_string(), p0))?;
                    }
                }
                if depth == 0 {
                    root = RootInfo {
                        name: local.to_string(),
                        ns: ns_idx.map(|i| tree.uris[i as usize].clone()),
                        id: tree.attrs[attr_start..]
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
                        attr_start: attr_start as u32,
                        attr_end: tree.attrs.len() as u32,
                        text: None,
                        first_child: NONE,
                        last_child: NONE,
                        next_sibling: NONE,
                        range: p0..p1,
                    });
                    tree.link(stack.last().copied(), idx);
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
            Event::GeneralRef(ref r) if !build && depth > 0 => {
                let name = std::str::from_utf8(r.as_ref()).unwrap_or("");
                if resolve_ref(name).is_none() {
                    return Err(err(format!("unknown entity reference `&{name};`"), p0));
                }
            }
            Event::Text(_) | Event::CData(_) if !build && depth > 0 => {}
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                let piece = text_piece(text, &event, p0, p1)?;
                if depth == 0 {
                    if !piece.trim().is_empty() || matches!(event, Event::GeneralRef(_)) {
                        return Err(err("text outside the root element", p0));
                    }
                    continue;
                }
                // Whitespace between child elements is not text the model reads: it is
                // dropped rather than joined (which would copy at every indentation),
                // unless the element already has text (`a &amp; &lt; b`: the space
                // between two references is part of the value).
                if build {
                    if let Some(&idx) = stack.last() {
                        let t = &mut tree.els[idx as usize].text;
                        if t.is_none()
                            && matches!(event, Event::Text(_))
                            && piece.bytes().all(is_ws)
                        {
                            continue;
                        }
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

/// A byte that may start a name (in [`CLASS`]).
const START: u8 = 1;
/// A byte that may continue a name.
const NAME: u8 = 2;
/// XML whitespace.
const WS: u8 = 4;
/// A byte that may continue a name other than `:` (a name is scanned up to its first `:`
/// with this class, and on with [`NAME`]).
const NCNAME: u8 = 8;

/// The class bits of every byte ([`START`], [`NAME`], [`WS`], [`NCNAME`]), one lookup per
/// byte.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let start = b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80;
        let more = start || b.is_ascii_digit() || b == b'-' || b == b'.';
        let ws = matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        t[c] = if start { START } else { 0 }
            | if more { NAME } else { 0 }
            | if ws { WS } else { 0 }
            | if more && b != b':' { NCNAME } else { 0 };
        c += 1;
    }
    t
};

fn is_name_start(c: u8) -> bool {
    CLASS[c as usize] & START != 0
}

fn is_ws(c: u8) -> bool {
    CLASS[c as usize] & WS != 0
}

/// The index of the first byte at or after `j` that is not of `class`.
#[inline(always)]
fn skip(b: &[u8], mut j: usize, class: u8) -> usize {
    while j < b.len() && CLASS[b[j] as usize] & class != 0 {
        j += 1;
    }
    j
}

/// [`skip`] as a slice iterator (one pointer and one bound in the loop), which [`parse`]
/// uses: 45.7 K instead of 48.7 K instructions per frame. [`check`] keeps [`skip`], with
/// which its numbers were measured.
#[inline(always)]
fn skip_iter(b: &[u8], j: usize, class: u8) -> usize {
    match b.get(j..) {
        Some(rest) => {
            j + rest
                .iter()
                .position(|c| CLASS[*c as usize] & class == 0)
                .unwrap_or(rest.len())
        }
        None => j,
    }
}

// Word-at-a-time (SWAR) byte search: 8 bytes loaded as a little-endian u64 (the first
// byte lowest), `has(w, c)` marks the bytes equal to `c`, the lowest mark is the first
// match. Only the lowest mark is exact (a borrow can mark a byte above a match), and only
// the lowest is ever used.

/// `0x01` in every byte.
const LO: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte.
const HI: u64 = 0x8080_8080_8080_8080;

/// The 8 bytes at `i`, or `None` when fewer are left.
#[inline(always)]
fn word(b: &[u8], i: usize) -> Option<u64> {
    b.get(i..)
        .and_then(|s| s.first_chunk::<8>())
        .map(|w| u64::from_le_bytes(*w))
}

/// Bit 7 set in the lowest byte of `w` equal to `c` (and maybe in bytes above it).
#[inline(always)]
fn has(w: u64, c: u8) -> u64 {
    let x = w ^ (LO * c as u64);
    x.wrapping_sub(LO) & !x & HI
}

/// The four words of a 32-byte chunk. Taking 32 bytes with one bounds check and splitting
/// them costs fewer instructions than a check per word ([`find_markup`],
/// [`find_value_end`] and [`tag_words`] read most markup this way).
#[inline(always)]
fn words4(c: &[u8; 32]) -> [u64; 4] {
    std::array::from_fn(|k| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&c[8 * k..8 * k + 8]);
        u64::from_le_bytes(w)
    })
}

/// The 32 bytes at `i`, or `None` when fewer are left.
#[inline(always)]
fn chunk32(b: &[u8], i: usize) -> Option<&[u8; 32]> {
    b.get(i..).and_then(|s| s.first_chunk::<32>())
}

/// The index in `c` of its first byte that is `x`, `y` or `z`. With SSE2 (part of every
/// x86-64 target), through `safe_arch`'s safe wrappers: two loads, compares and
/// movemasks for the 32 bytes, about a third of the instructions of the word trick
/// ([`has`]), which other targets use.
#[inline(always)]
fn first_of(c: &[u8; 32], x: u8, y: u8, z: u8) -> Option<usize> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        use safe_arch::{
            bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
            set_splat_i8_m128i,
        };
        let (lo, hi) = c.split_at(16);
        let marks = |half: &[u8]| {
            let Ok(half) = <&[u8; 16]>::try_from(half) else {
                return 0;
            };
            let v = load_unaligned_m128i(half);
            let eq = |n: u8| cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(n as i8));
            move_mask_i8_m128i(bitor_m128i(bitor_m128i(eq(x), eq(y)), eq(z))) as u32
        };
        let m = marks(lo) | marks(hi) << 16;
        (m != 0).then(|| m.trailing_zeros() as usize)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        first_of_words(c, x, y, z)
    }
}

/// [`first_of`] a word at a time (targets without SSE2; the tests hold the two to each
/// other).
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[inline(always)]
fn first_of_words(c: &[u8; 32], x: u8, y: u8, z: u8) -> Option<usize> {
    words4(c).into_iter().enumerate().find_map(|(k, w)| {
        let m = has(w, x) | has(w, y) | has(w, z);
        (m != 0).then(|| 8 * k + (m.trailing_zeros() / 8) as usize)
    })
}

/// The first `<` or `&` at or after `i` (always inlined: with [`parse`] as a second
/// caller it was no longer inlined into [`check`], which took 9% more instructions).
/// The first 32 bytes are searched at once ([`first_of`]), the rest of a long text run
/// with memchr.
#[inline(always)]
fn find_markup(b: &[u8], i: usize) -> Option<usize> {
    if let Some(c) = chunk32(b, i) {
        if let Some(k) = first_of(c, b'<', b'&', b'&') {
            return Some(i + k);
        }
        let k = i + 32;
        return memchr::memchr2(b'<', b'&', &b[k..]).map(|p| k + p);
    }
    // Near the end: word by word, then byte by byte.
    let mut k = i;
    while let Some(w) = word(b, k) {
        let m = has(w, b'<') | has(w, b'&');
        if m != 0 {
            return Some(k + (m.trailing_zeros() / 8) as usize);
        }
        k += 8;
    }
    b[k..]
        .iter()
        .position(|c| *c == b'<' || *c == b'&')
        .map(|p| k + p)
}

/// The first `q`, `<` or `&` at or after `i` (the end of an attribute value, or a mark
/// that needs a second look; always inlined, as [`find_markup`]).
#[inline(always)]
fn find_value_end(b: &[u8], i: usize, q: u8) -> Option<usize> {
    let mark = |w: u64| has(w, q) | has(w, b'<') | has(w, b'&');
    let mut k = i;
    while let Some(c) = chunk32(b, k) {
        if let Some(n) = first_of(c, q, b'<', b'&') {
            return Some(k + n);
        }
        k += 32;
    }
    while let Some(w) = word(b, k) {
        let m = mark(w);
        if m != 0 {
            return Some(k + (m.trailing_zeros() / 8) as usize);
        }
        k += 8;
    }
    b[k..]
        .iter()
        .position(|c| *c == q || *c == b'<' || *c == b'&')
        .map(|p| k + p)
}

/// The index after the comment that starts at `i` (at its `<!--`), which may hold no `--`
/// before its `-->` ([`check`] and [`parse`] alike).
fn comment_end(b: &[u8], i: usize) -> Result<usize, XmlError> {
    let body = i + 4;
    let Some(k) = memchr::memmem::find(&b[body..], b"--") else {
        return Err(err("an unclosed comment", i));
    };
    if b.get(body + k + 2) != Some(&b'>') {
        return Err(err("`--` inside a comment", body + k));
    }
    Ok(body + k + 3)
}

/// The first `n` in `h` (memchr).
#[inline]
fn find1(n: u8, h: &[u8]) -> Option<usize> {
    memchr::memchr(n, h)
}

/// `&lt;` as the low 4 bytes of a word.
const REF_LT: u64 = u32::from_le_bytes(*b"&lt;") as u64;
/// `&gt;` as the low 4 bytes of a word.
const REF_GT: u64 = u32::from_le_bytes(*b"&gt;") as u64;
/// `&amp;` as the low 5 bytes of a word.
const REF_AMP: u64 = u64::from_le_bytes(*b"&amp;\0\0\0");
/// `&quot;` as the low 6 bytes of a word.
const REF_QUOT: u64 = u64::from_le_bytes(*b"&quot;\0\0");
/// `&apos;` as the low 6 bytes of a word.
const REF_APOS: u64 = u64::from_le_bytes(*b"&apos;\0\0");

/// Check a reference `&...;` starting at `i` (at the `&`); returns the index after `;`.
#[inline]
fn check_ref(b: &[u8], i: usize) -> Result<usize, XmlError> {
    // The five predefined entities: one word, compared whole.
    if let Some(w) = word(b, i) {
        let w4 = w & 0xFFFF_FFFF;
        if w4 == REF_LT || w4 == REF_GT {
            return Ok(i + 4);
        }
        if w & 0xFF_FFFF_FFFF == REF_AMP {
            return Ok(i + 5);
        }
        let w6 = w & 0xFFFF_FFFF_FFFF;
        if w6 == REF_QUOT || w6 == REF_APOS {
            return Ok(i + 6);
        }
    }
    check_ref_slow(b, i)
}

/// [`check_ref`] for any reference (character references, or near the end of `b`).
#[cold]
fn check_ref_slow(b: &[u8], i: usize) -> Result<usize, XmlError> {
    let end = b[i..]
        .iter()
        .take(14)
        .position(|c| *c == b';')
        .map(|k| i + k);
    let Some(end) = end.filter(|e| e - i <= 12) else {
        return Err(err("a `&` that does not start a reference", i));
    };
    if matches!(&b[i + 1..end], b"lt" | b"gt" | b"amp" | b"apos" | b"quot") {
        return Ok(end + 1);
    }
    let name = std::str::from_utf8(&b[i + 1..end]).unwrap_or("");
    if resolve_ref(name).is_none() {
        return Err(err(format!("unknown entity reference `&{name};`"), i));
    }
    Ok(end + 1)
}

/// An open element of [`check`]: its name, and the end tag that closes it as one word
/// (`name>` of at most 8 bytes, `key` under `mask`; a longer name has `mask` 0 and `key`
/// 1, which no word matches).
struct Open<'a> {
    name: &'a [u8],
    key: u64,
    mask: u64,
}

/// A start tag seen before, remembered whole (see [`check`]'s memo): its bytes as
/// [`tag_words`] give them, the masks that keep those bytes of a word (all of them up to
/// the `>`, none after), its length, its name's length (0 for an empty-element tag, which
/// opens nothing), the end tag of its name (as in [`Open`]) and the slot of the start tag
/// that came after it the last time (the guess tried first for the next one).
#[derive(Clone, Copy)]
struct Seen {
    words: [u64; 4],
    masks: [u64; 4],
    len: u8,
    name_len: u8,
    next: u8,
    key: u64,
    mask: u64,
}

/// An empty slot of the memo (no tag's first word is 0: it starts with `<`; the masks
/// keep every byte, so no text matches it as a guess either).
const UNSEEN: Seen = Seen {
    words: [0; 4],
    masks: [u64::MAX; 4],
    len: 0,
    name_len: 0,
    next: 0,
    key: 0,
    mask: 0,
};

/// The masks of [`Seen`] for a tag of `len` bytes.
fn masks_of(len: usize) -> [u64; 4] {
    std::array::from_fn(|k| match len.saturating_sub(8 * k) {
        0 => 0,
        n @ 1..=7 => u64::MAX >> (64 - 8 * n),
        _ => u64::MAX,
    })
}

/// Sets of the memo (two tags each).
const SETS: usize = 16;

/// The tag at `i` up to its first `>`, when that is within 32 bytes and 32 bytes are
/// left: its length and its bytes as four words, zero after the `>`. Two tags with the
/// same words are the same bytes (the first `>` is at the same place in both).
///
/// The 32 bytes are taken as one chunk and the words kept in registers (a loop over the
/// words, each bounds-checked and stored to a zeroed array, cost about 40 more
/// instructions per start tag); a tag in the last 32 bytes only misses the memo.
#[inline(always)]
fn tag_words(b: &[u8], i: usize) -> Option<(usize, [u64; 4])> {
    tag_of(words4(chunk32(b, i)?))
}

/// [`tag_words`] of the 32 bytes at the tag's `<`, as words.
#[inline(always)]
fn tag_of(w: [u64; 4]) -> Option<(usize, [u64; 4])> {
    // The bytes of `w` up to its first `>` (marked in `m`; bit 7 of that byte is the
    // highest kept) and how many they are.
    let cut = |w: u64, m: u64| {
        let keep = m.trailing_zeros() + 1;
        (w & (u64::MAX >> (64 - keep)), (keep / 8) as usize)
    };
    let m = has(w[0], b'>');
    if m != 0 {
        let (x, n) = cut(w[0], m);
        return Some((n, [x, 0, 0, 0]));
    }
    let m = has(w[1], b'>');
    if m != 0 {
        let (x, n) = cut(w[1], m);
        return Some((8 + n, [w[0], x, 0, 0]));
    }
    let m = has(w[2], b'>');
    if m != 0 {
        let (x, n) = cut(w[2], m);
        return Some((16 + n, [w[0], w[1], x, 0]));
    }
    let m = has(w[3], b'>');
    if m != 0 {
        let (x, n) = cut(w[3], m);
        return Some((24 + n, [w[0], w[1], w[2], x]));
    }
    None
}

/// The memo set of a tag.
#[inline]
fn set_of(words: &[u64; 4]) -> usize {
    let h =
        words[0] ^ words[1].rotate_left(17) ^ words[2].rotate_left(31) ^ words[3].rotate_left(47);
    (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60) as usize % SETS
}

/// Check a document or fragment for well-formedness without building a tree: matching
/// end tags, names, quoted attribute values without `<`, no duplicate attributes, known
/// references, comments without `--`, one root, no text outside it, no DTD, declared
/// prefixes. A byte scanner, several times faster than an event parser on markup-dense
/// XHTML; `check_reference` is the quick-xml-based equivalent it is tested against.
///
/// Fast paths: text runs and attribute values are searched 8 bytes at a time (SWAR, no
/// unsafe), the predefined entities and an end tag that closes the open element are each
/// recognized with one word comparison, and a start tag inside the root that is byte for
/// byte one already checked there (a memo of 32 tags of up to 32 bytes, compared as four
/// words) is not scanned again. Results, messages and offsets are those of the plain
/// byte-by-byte scan.
pub fn check(text: &str) -> Result<RootInfo, XmlError> {
    let off = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let b = text.as_bytes();
    let n = b.len();
    let mut i = off;
    let mut stack: Vec<Open<'_>> = Vec::new();
    let mut root: Option<RootInfo> = None;
    let mut prefixes: Vec<&[u8]> = Vec::new();
    let mut attrs: Vec<&[u8]> = Vec::new();
    let mut memo = [UNSEEN; 2 * SETS];
    // The memo slot of the last start tag found in or added to the memo.
    let mut last = 0usize;
    while i < n {
        // Text up to the next markup or reference (none, most often, after a tag).
        if b[i] != b'<' {
            let Some(k) = find_markup(b, i) else {
                if stack.is_empty() && !b[i..].iter().all(|c| is_ws(*c)) {
                    return Err(err("text outside the root element", i));
                }
                break;
            };
            if stack.is_empty() && !b[i..k].iter().all(|c| is_ws(*c)) {
                return Err(err("text outside the root element", i));
            }
            i = k;
            if b[i] == b'&' {
                if stack.is_empty() {
                    return Err(err("text outside the root element", i));
                }
                i = check_ref(b, i)?;
                continue;
            }
        }
        match b.get(i + 1) {
            Some(b'/') => {
                let start = i + 2;
                // Most end tags close what is open: `name>` compared as one word, then
                // as a slice for a long name; scan the name only when it differs.
                if let Some(open) = stack.last() {
                    if word(b, start).is_some_and(|w| w & open.mask == open.key) {
                        i = start + open.name.len() + 1;
                        stack.pop();
                        continue;
                    }
                    let after = start + open.name.len();
                    if b.get(start..after) == Some(open.name) && b.get(after) == Some(&b'>') {
                        stack.pop();
                        i = after + 1;
                        continue;
                    }
                }
                let name_end = skip(b, start, NAME);
                let name = &b[start..name_end];
                let j = skip(b, name_end, WS);
                if j >= n || b[j] != b'>' {
                    return Err(err("a malformed end tag", i));
                }
                match stack.pop() {
                    Some(open) if open.name == name => {}
                    Some(open) => {
                        return Err(err(
                            format!(
                                "end tag `{}` does not match `{}`",
                                String::from_utf8_lossy(name),
                                String::from_utf8_lossy(open.name)
                            ),
                            i,
                        ))
                    }
                    None => return Err(err("an end tag without a start tag", i)),
                }
                i = j + 1;
            }
            Some(b'!' | b'?') => {
                let rest = &b[i..];
                if rest.starts_with(b"<!--") {
                    i = comment_end(b, i)?;
                } else if rest.starts_with(b"<![CDATA[") {
                    if stack.is_empty() {
                        return Err(err("CDATA outside the root element", i));
                    }
                    let Some(k) = memchr::memmem::find(&b[i + 9..], b"]]>") else {
                        return Err(err("an unclosed CDATA section", i));
                    };
                    i += 9 + k + 3;
                } else if rest.starts_with(b"<?") {
                    let Some(k) = memchr::memmem::find(&b[i + 2..], b"?>") else {
                        return Err(err("an unclosed processing instruction", i));
                    };
                    let target = &b[i + 2..i + 2 + k];
                    let is_decl = target.len() >= 3
                        && target[..3].eq_ignore_ascii_case(b"xml")
                        && target.get(3).is_none_or(|c| is_ws(*c));
                    if is_decl && i != off {
                        return Err(err("an XML declaration that is not at the start", i));
                    }
                    i += 2 + k + 2;
                } else {
                    return Err(err("a DTD (DOCTYPE) is not allowed", i));
                }
            }
            _ => {
                // A start tag. Inside the root, one seen before (XHTML repeats a few
                // shapes, `<div class="x">`) is known to be well-formed: its bytes up to
                // the first `>` are compared with the memo's, and its name pushed. The
                // tag that followed the last one the last time is tried first: its bytes
                // compared under its masks, no `>` looked for and no set computed (XHTML
                // repeats sequences of tags too).
                if !stack.is_empty() {
                    if let Some(c) = chunk32(b, i) {
                        let w = words4(c);
                        let guess = usize::from(memo[last].next) % memo.len();
                        let g = &memo[guess];
                        let kept: [u64; 4] = std::array::from_fn(|k| w[k] & g.masks[k]);
                        let hit = if kept == g.words {
                            Some(guess)
                        } else {
                            tag_of(w).and_then(|(_, words)| {
                                let set = 2 * set_of(&words);
                                if memo[set].words == words {
                                    Some(set)
                                } else if memo[set + 1].words == words {
                                    Some(set + 1)
                                } else {
                                    None
                                }
                            })
                        };
                        if let Some(h) = hit {
                            memo[last].next = h as u8;
                            last = h;
                            let s = &memo[h];
                            if s.name_len != 0 {
                                // The name is within the tag's 32 bytes: cut from
                                // the chunk, one bound to check.
                                let name = c.get(1..1 + usize::from(s.name_len)).unwrap_or(&[]);
                                stack.push(Open {
                                    name,
                                    key: s.key,
                                    mask: s.mask,
                                });
                            }
                            i += usize::from(s.len);
                            continue;
                        }
                    }
                }
                let inside = !stack.is_empty();
                if !inside && root.is_some() {
                    return Err(err("a second root element", i));
                }
                let start = i + 1;
                if start >= n || !is_name_start(b[start]) {
                    return Err(err("a `<` that does not start a tag", i));
                }
                let mut j = skip(b, start + 1, NAME);
                let name = &b[start..j];
                attrs.clear();
                let mut default_ns: Option<&[u8]> = None;
                let mut id: Option<&[u8]> = None;
                let mut declares = false;
                let empty;
                loop {
                    let ws_start = j;
                    j = skip(b, j, WS);
                    if j >= n {
                        return Err(err("the document ends inside a tag", i));
                    }
                    let c = b[j];
                    if c == b'>' {
                        empty = false;
                        j += 1;
                        break;
                    }
                    if c == b'/' {
                        if b.get(j + 1) != Some(&b'>') {
                            return Err(err("a malformed empty-element tag", j));
                        }
                        empty = true;
                        j += 2;
                        break;
                    }
                    if j == ws_start || !is_name_start(c) {
                        return Err(err("a malformed attribute", j));
                    }
                    let an = j;
                    j = skip(b, j + 1, NAME);
                    let aname = &b[an..j];
                    if b.get(j) != Some(&b'=') {
                        j = skip(b, j, WS);
                        if j >= n || b[j] != b'=' {
                            return Err(err("an attribute without a value", an));
                        }
                    }
                    j += 1;
                    if b.get(j).is_none_or(|c| *c != b'"' && *c != b'\'') {
                        j = skip(b, j, WS);
                        if j >= n || (b[j] != b'"' && b[j] != b'\'') {
                            return Err(err("an unquoted attribute value", j));
                        }
                    }
                    let q = b[j];
                    let vs = j + 1;
                    // The closing quote, or a `<` or `&` on the way (most values have
                    // neither).
                    let Some(mut ve) = find_value_end(b, vs, q) else {
                        return Err(err("an unclosed attribute value", j));
                    };
                    if b[ve] != q {
                        let Some(r) = find1(q, &b[ve..]) else {
                            return Err(err("an unclosed attribute value", j));
                        };
                        ve += r;
                        let value = &b[vs..ve];
                        if find1(b'<', value).is_some() {
                            return Err(err("a `<` in an attribute value", vs));
                        }
                        let mut r = 0;
                        while let Some(a) = find1(b'&', &value[r..]) {
                            r = check_ref_slow(value, r + a)
                                .map_err(|e| err(e.message, vs + e.offset))?;
                        }
                    }
                    let value = &b[vs..ve];
                    if attrs.contains(&aname) {
                        return Err(err(
                            format!("a duplicate attribute `{}`", String::from_utf8_lossy(aname)),
                            an,
                        ));
                    }
                    attrs.push(aname);
                    if aname == b"xmlns" {
                        default_ns = Some(value);
                        declares = true;
                    } else if let Some(p) = aname.strip_prefix(b"xmlns:") {
                        prefixes.push(p);
                        declares = true;
                    } else if aname == b"id" {
                        id = Some(value);
                    }
                    j = ve + 1;
                }
                let (prefix, local) = match name.iter().position(|c| *c == b':') {
                    Some(c) => (Some(&name[..c]), &name[c + 1..]),
                    None => (None, name),
                };
                if let Some(p) = prefix {
                    if !prefixes.contains(&p) {
                        return Err(err(
                            format!("unbound namespace prefix `{}`", String::from_utf8_lossy(p)),
                            i,
                        ));
                    }
                }
                if stack.is_empty() {
                    let unescape = |v: &[u8]| {
                        let s = String::from_utf8_lossy(v);
                        quick_xml::escape::unescape(&s)
                            .map(|c| c.into_owned())
                            .unwrap_or_else(|_| s.into_owned())
                    };
                    root = Some(RootInfo {
                        name: String::from_utf8_lossy(local).into_owned(),
                        ns: if prefix.is_none() {
                            default_ns.map(unescape)
                        } else {
                            None
                        },
                        id: id.map(unescape),
                    });
                }
                // The end tag as one word (see `Open`); none for a long name or an
                // empty-element tag.
                let (key, mask) = match word(b, start) {
                    Some(w) if !empty && name.len() < 8 => {
                        let len = name.len();
                        let m = u64::MAX >> (8 * (7 - len));
                        ((w & (m >> 8)) | (u64::from(b'>') << (8 * len)), m)
                    }
                    _ => (1, 0),
                };
                if !empty {
                    stack.push(Open { name, key, mask });
                }
                // Remember a tag inside the root that declares nothing (its check does
                // not depend on where it is: prefixes are only ever added) and ends at its
                // first `>`.
                if inside && !declares {
                    if let Some((len, words)) = tag_words(b, i).filter(|(len, _)| i + len == j) {
                        let set = 2 * set_of(&words);
                        memo[set + 1] = memo[set];
                        memo[set] = Seen {
                            words,
                            masks: masks_of(len),
                            // Within 32 bytes (`tag_words`), and so is the name.
                            len: len as u8,
                            name_len: if empty { 0 } else { name.len() as u8 },
                            next: 0,
                            key,
                            mask,
                        };
                        memo[last].next = set as u8;
                        last = set;
                    }
                }
                i = j;
            }
        }
    }
    if !stack.is_empty() {
        return Err(err("the document ends inside an element", n));
    }
    root.ok_or_else(|| err("no root element", n))
}

/// The namespace the `xml` prefix is bound to without a declaration.
const XML_URI: &[u8] = b"http://www.w3.org/XML/1998/namespace";
/// The namespace the `xmlns` prefix is bound to (it may not be declared).
const XMLNS_URI: &[u8] = b"http://www.w3.org/2000/xmlns/";

/// A namespace binding in scope while [`parse`] runs: the prefix (empty for the default
/// namespace), the URI as written (empty: the prefix or the default is unbound), and the
/// URI's index in the tree once an element has been resolved to it ([`NONE`] before).
struct Binding<'i> {
    prefix: &'i [u8],
    uri: &'i [u8],
    idx: u32,
}

/// An open element of [`parse`]: its end tag (as in [`check`]), its index in the tree and
/// the length of the binding list before its own declarations (restored at its end).
struct OpenEl<'i> {
    end: Open<'i>,
    idx: u32,
    scope: usize,
}

/// The state of [`parse`]: the tree so far, the open elements, the namespace bindings in
/// scope, and two lists reused by every start tag.
struct Builder<'i> {
    text: &'i str,
    tree: Tree<'i>,
    open: Vec<OpenEl<'i>>,
    bindings: Vec<Binding<'i>>,
    /// The attribute names of the current start tag (duplicates are refused).
    keys: Vec<&'i [u8]>,
    /// The prefixes of the current start tag's prefixed attributes and their offsets:
    /// resolved once all of its declarations are in.
    prefixed: Vec<(&'i [u8], usize)>,
    root_seen: bool,
}

/// The index after the name starting at `j` (bytes of [`NAME`] class) and the index of
/// its first `:`, if any.
#[inline(always)]
fn scan_name(b: &[u8], j: usize) -> (usize, Option<usize>) {
    let e = skip_name(b, j, NCNAME);
    if b.get(e) == Some(&b':') {
        (skip_name(b, e + 1, NAME), Some(e))
    } else {
        (e, None)
    }
}

/// [`skip_iter`] for the name classes ([`NAME`] or [`NCNAME`]): with SSE2, the first 16
/// bytes are classified at once (letters, digits, `_`, `-`, `.`, bytes from 0x80, and
/// `:` for [`NAME`]) instead of one table look-up per byte; a longer name goes on byte by
/// byte.
#[inline(always)]
fn skip_name(b: &[u8], j: usize, class: u8) -> usize {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if let Some(c) = b.get(j..).and_then(|s| s.first_chunk::<16>()) {
        let stop = !name_bytes16(c, class == NAME) & 0xFFFF;
        if stop != 0 {
            return j + stop.trailing_zeros() as usize;
        }
        return skip_iter(b, j + 16, class);
    }
    skip_iter(b, j, class)
}

/// [`skip_iter`] of whitespace ([`WS`]): with SSE2, 16 bytes at once (an indentation is
/// a line break and a few tabs or spaces), else byte by byte.
#[inline(always)]
fn skip_ws(b: &[u8], j: usize) -> usize {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if let Some(c) = b.get(j..).and_then(|s| s.first_chunk::<16>()) {
        use safe_arch::{
            bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
            set_splat_i8_m128i,
        };
        let v = load_unaligned_m128i(c);
        let eq = |n: u8| cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(n as i8));
        let ws = bitor_m128i(
            bitor_m128i(eq(b' '), eq(b'\t')),
            bitor_m128i(eq(b'\n'), eq(b'\r')),
        );
        let stop = !(move_mask_i8_m128i(ws) as u32) & 0xFFFF;
        if stop != 0 {
            return j + stop.trailing_zeros() as usize;
        }
        return skip_iter(b, j + 16, WS);
    }
    skip_iter(b, j, WS)
}

/// Bit `k` set where byte `k` of `c` is a name byte ([`NAME`], or [`NCNAME`] when `colon`
/// is false), as [`CLASS`] says.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn name_bytes16(c: &[u8; 16], colon: bool) -> u32 {
    use safe_arch::{
        bitand_m128i, bitor_m128i, cmp_eq_mask_i8_m128i, cmp_gt_mask_i8_m128i,
        load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let v = load_unaligned_m128i(c);
    let splat = |n: u8| set_splat_i8_m128i(n as i8);
    // Signed compares: the bytes from 0x80 are negative, below every ASCII bound.
    let within = |x, lo: u8, hi: u8| {
        bitand_m128i(
            cmp_gt_mask_i8_m128i(x, splat(lo - 1)),
            cmp_gt_mask_i8_m128i(splat(hi + 1), x),
        )
    };
    // `A`-`Z` are `a`-`z` with bit 5 set; no other byte lands there.
    let letter = within(bitor_m128i(v, splat(0x20)), b'a', b'z');
    let digit = within(v, b'0', b'9');
    let high = cmp_gt_mask_i8_m128i(splat(0), v);
    let eq = |n: u8| cmp_eq_mask_i8_m128i(v, splat(n));
    let mut m = bitor_m128i(bitor_m128i(letter, digit), bitor_m128i(high, eq(b'_')));
    m = bitor_m128i(m, bitor_m128i(eq(b'-'), eq(b'.')));
    if colon {
        m = bitor_m128i(m, eq(b':'));
    }
    move_mask_i8_m128i(m) as u32
}

/// Add a piece of text to an element's text: the piece itself when it is the first (still
/// borrowed), else the two joined.
fn join<'i>(t: &mut Option<Cow<'i, str>>, piece: Cow<'i, str>) {
    *t = Some(match t.take() {
        None => piece,
        Some(prev) => {
            let mut s = prev.into_owned();
            s.push_str(&piece);
            Cow::Owned(s)
        }
    });
}

/// An attribute value unescaped as quick-xml does it (the reference's rules: the five
/// predefined entities and character references without a sign, not `&#0;`).
fn unescape_value(value: &str, at: usize) -> Result<Cow<'_, str>, XmlError> {
    quick_xml::escape::unescape(value).map_err(|e| err(format!("an attribute value: {e}"), at))
}

impl<'i> Builder<'i> {
    /// An empty tree for `text`, with the reserved prefixes bound.
    fn new(text: &'i str) -> Self {
        // An element and an attribute every 32 bytes at most (a frame has one every 40 to
        // 45), but no more than 1024 of each before they grow (a CDA is mostly the base64
        // of its two payloads).
        let guess = (text.len() / 32).clamp(16, 1024);
        let mut bindings = Vec::with_capacity(16);
        // The two prefixes bound without a declaration.
        bindings.extend([
            Binding {
                prefix: b"xml",
                uri: XML_URI,
                idx: NONE,
            },
            Binding {
                prefix: b"xmlns",
                uri: XMLNS_URI,
                idx: NONE,
            },
        ]);
        Builder {
            text,
            tree: Tree {
                els: Vec::with_capacity(guess),
                attrs: Vec::with_capacity(guess),
                uris: Vec::new(),
            },
            open: Vec::with_capacity(32),
            bindings,
            keys: Vec::with_capacity(16),
            prefixed: Vec::new(),
            root_seen: false,
        }
    }

    /// `text[a..e]`, or an error at `a` (never expected: the scanner cuts at ASCII bytes).
    #[inline(always)]
    fn str(&self, a: usize, e: usize) -> Result<&'i str, XmlError> {
        let text: &'i str = self.text;
        text.get(a..e)
            .ok_or_else(|| err("a cut that is not on a character boundary", a))
    }

    /// The text run `s..k` (up to markup, a reference or the end): outside the root only
    /// whitespace; inside, a piece of the open element's text, unless it is whitespace
    /// that comes before any text (indentation between child elements).
    #[inline]
    fn text_run(&mut self, s: usize, k: usize) -> Result<(), XmlError> {
        let run = self.str(s, k)?;
        let Some(o) = self.open.last() else {
            // As the reference: any Unicode whitespace (`str::trim`).
            if !run.trim().is_empty() {
                return Err(err("text outside the root element", s));
            }
            return Ok(());
        };
        let t = &mut self.tree.els[o.idx as usize].text;
        if t.is_none() && run.bytes().all(is_ws) {
            return Ok(());
        }
        join(t, Cow::Borrowed(run));
        Ok(())
    }

    /// The text at `i` up to the next markup (runs and references); returns the index of
    /// the `<` that ends it, or the end of the document.
    #[inline]
    fn text(&mut self, mut i: usize) -> Result<usize, XmlError> {
        let b = self.text.as_bytes();
        // Most runs are indentation before a tag, dropped at once (see `text_run`).
        let w = skip_ws(b, i);
        if b.get(w) == Some(&b'<') && self.drops_whitespace() {
            return Ok(w);
        }
        loop {
            let k = find_markup(b, i).unwrap_or(b.len());
            if k > i {
                self.text_run(i, k)?;
            }
            match b.get(k) {
                Some(b'&') => i = self.reference(k)?,
                _ => return Ok(k),
            }
        }
    }

    /// True when a run of whitespace here is not text: outside the root, or while the open
    /// element has no text yet.
    #[inline(always)]
    fn drops_whitespace(&self) -> bool {
        self.open
            .last()
            .is_none_or(|o| self.tree.els[o.idx as usize].text.is_none())
    }

    /// The reference `&...;` at `i`, resolved into the open element's text; returns the
    /// index after the `;`.
    fn reference(&mut self, i: usize) -> Result<usize, XmlError> {
        let b = self.text.as_bytes();
        let (c, end) = resolve_ref_at(b, i)?;
        let Some(o) = self.open.last() else {
            return Err(err("a reference outside the root element", i));
        };
        join(
            &mut self.tree.els[o.idx as usize].text,
            Cow::Owned(String::from(c)),
        );
        Ok(end)
    }

    /// The end tag at `i`: it must close the open element; returns the index after it.
    fn end_tag(&mut self, i: usize) -> Result<usize, XmlError> {
        let b = self.text.as_bytes();
        let start = i + 2;
        let Some(open) = self.open.last() else {
            return Err(err("an end tag without a start tag", i));
        };
        let o = &open.end;
        // Most often `name>` compared as one word, else as a slice; scanned only when it
        // differs.
        let j = if word(b, start).is_some_and(|w| w & o.mask == o.key) {
            start + o.name.len() + 1
        } else {
            let after = start + o.name.len();
            if b.get(start..after) == Some(o.name) && b.get(after) == Some(&b'>') {
                after + 1
            } else {
                let name_end = skip_iter(b, start, NAME);
                let j = skip_iter(b, name_end, WS);
                if b.get(j) != Some(&b'>') {
                    return Err(err("a malformed end tag", i));
                }
                let name = &b[start..name_end];
                if name != o.name {
                    return Err(err(
                        format!(
                            "end tag `{}` does not match `{}`",
                            String::from_utf8_lossy(name),
                            String::from_utf8_lossy(o.name)
                        ),
                        i,
                    ));
                }
                j + 1
            }
        };
        let (idx, scope) = (open.idx, open.scope);
        self.open.pop();
        self.bindings.truncate(scope);
        self.tree.els[idx as usize].range.end = j;
        Ok(j)
    }

    /// A comment or a CDATA section at `i` (anything else after `<!` is refused: a DTD or
    /// malformed markup); returns the index after it.
    fn bang(&mut self, i: usize) -> Result<usize, XmlError> {
        let b = self.text.as_bytes();
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            comment_end(b, i)
        } else if rest.starts_with(b"<![CDATA[") {
            let body = i + 9;
            let Some(k) = memchr::memmem::find(&b[body..], b"]]>") else {
                return Err(err("an unclosed CDATA section", i));
            };
            let content = self.str(body, body + k)?;
            match self.open.last() {
                // As the reference: CDATA of whitespace is allowed outside the root.
                None if !content.trim().is_empty() => {
                    return Err(err("CDATA outside the root element", i))
                }
                None => {}
                Some(o) => join(
                    &mut self.tree.els[o.idx as usize].text,
                    Cow::Borrowed(content),
                ),
            }
            Ok(body + k + 3)
        } else if rest.get(2).is_some_and(|c| c.eq_ignore_ascii_case(&b'd')) {
            Err(err("a DTD (DOCTYPE) is not allowed", i))
        } else {
            Err(err("a malformed `<!` markup", i))
        }
    }

    /// A processing instruction or the XML declaration at `i` (the declaration only at
    /// `decl_at`, the start of the document after a byte order mark); returns the index
    /// after it.
    fn pi(&self, i: usize, decl_at: usize) -> Result<usize, XmlError> {
        let b = self.text.as_bytes();
        // The `?>` that ends it may not be the `?` of `<?`.
        let k = match memchr::memmem::find(&b[i + 1..], b"?>") {
            Some(k) if k > 0 => i + 1 + k,
            _ => return Err(err("an unclosed processing instruction", i)),
        };
        let content = &b[i + 2..k];
        let is_decl = content.starts_with(b"xml") && content.get(3).is_none_or(|c| is_ws(*c));
        if is_decl && i != decl_at {
            return Err(err("an XML declaration that is not at the start", i));
        }
        Ok(k + 2)
    }

    /// The start tag at `i`: the element, its attributes and namespace declarations, linked
    /// under the open element; returns the index after the tag.
    fn start_tag(&mut self, i: usize) -> Result<usize, XmlError> {
        let b = self.text.as_bytes();
        if self.open.is_empty() {
            if self.root_seen {
                return Err(err("a second root element", i));
            }
            self.root_seen = true;
        }
        let start = i + 1;
        if !b.get(start).is_some_and(|c| is_name_start(*c)) {
            return Err(err("a `<` that does not start a tag", i));
        }
        let (name_end, colon) = scan_name(b, start);
        let scope = self.bindings.len();
        let attr_start = self.tree.attrs.len();
        self.keys.clear();
        self.prefixed.clear();
        let mut j = name_end;
        let empty = loop {
            let ws_start = j;
            j = skip_iter(b, j, WS);
            match b.get(j) {
                None => return Err(err("the document ends inside a tag", i)),
                Some(b'>') => {
                    j += 1;
                    break false;
                }
                Some(b'/') => {
                    if b.get(j + 1) != Some(&b'>') {
                        return Err(err("a malformed empty-element tag", j));
                    }
                    j += 2;
                    break true;
                }
                Some(c) if j == ws_start || !is_name_start(*c) => {
                    return Err(err("a malformed attribute", j))
                }
                Some(_) => j = self.attribute(j)?,
            }
        };
        for k in 0..self.prefixed.len() {
            let (p, at) = self.prefixed[k];
            if self.prefix_binding(p).is_none() {
                return Err(unbound(p, at));
            }
        }
        let name = &b[start..name_end];
        let (ns, local) = match colon {
            None => (self.default_binding(), start),
            Some(c) => {
                let p = &b[start..c];
                match self.prefix_binding(p) {
                    Some(k) => (Some(k), c + 1),
                    None => return Err(unbound(p, i)),
                }
            }
        };
        let ns = ns.map(|k| self.ns_index(k));
        let local = self.str(local, name_end)?;
        let idx = self.tree.els.len() as u32;
        self.tree.els.push(El {
            ns,
            name: local,
            attr_start: attr_start as u32,
            attr_end: self.tree.attrs.len() as u32,
            text: None,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            range: i..j,
        });
        self.tree.link(self.open.last().map(|o| o.idx), idx);
        if empty {
            self.bindings.truncate(scope);
        } else {
            // The end tag as one word (see `Open`); none for a long name.
            let (key, mask) = match word(b, start) {
                Some(w) if name.len() < 8 => {
                    let len = name.len();
                    let m = u64::MAX >> (8 * (7 - len));
                    ((w & (m >> 8)) | (u64::from(b'>') << (8 * len)), m)
                }
                _ => (1, 0),
            };
            self.open.push(OpenEl {
                end: Open { name, key, mask },
                idx,
                scope,
            });
        }
        Ok(j)
    }

    /// The attribute whose name starts at `an`: a namespace declaration is bound, a
    /// prefixed attribute remembered for its prefix, any other added to the tree; returns
    /// the index after its closing quote.
    fn attribute(&mut self, an: usize) -> Result<usize, XmlError> {
        let b = self.text.as_bytes();
        let (mut j, colon) = scan_name(b, an);
        let key = &b[an..j];
        if b.get(j) != Some(&b'=') {
            j = skip_iter(b, j, WS);
            if b.get(j) != Some(&b'=') {
                return Err(err("an attribute without a value", an));
            }
        }
        j += 1;
        if !matches!(b.get(j), Some(b'"' | b'\'')) {
            j = skip_iter(b, j, WS);
            if !matches!(b.get(j), Some(b'"' | b'\'')) {
                return Err(err("an unquoted attribute value", j));
            }
        }
        let q = b[j];
        let vs = j + 1;
        // The closing quote, or a `<` or `&` on the way (most values have neither).
        let Some(mut ve) = find_value_end(b, vs, q) else {
            return Err(err("an unclosed attribute value", j));
        };
        let mut amp = false;
        if b[ve] != q {
            if b[ve] == b'<' {
                return Err(err("a `<` in an attribute value", ve));
            }
            // An `&`: the rest of the value is searched whole.
            amp = true;
            let Some(r) = find1(q, &b[ve..]) else {
                return Err(err("an unclosed attribute value", j));
            };
            let rest = &b[ve..ve + r];
            if let Some(l) = find1(b'<', rest) {
                return Err(err("a `<` in an attribute value", ve + l));
            }
            ve += r;
        }
        if self.keys.contains(&key) {
            return Err(err(
                format!("a duplicate attribute `{}`", String::from_utf8_lossy(key)),
                an,
            ));
        }
        self.keys.push(key);
        let value = self.str(vs, ve)?;
        if key.starts_with(b"xmlns") && matches!(key.get(5), None | Some(b':')) {
            if amp {
                unescape_value(value, vs)?;
            }
            self.declare(
                key.len() == 5,
                key.get(6..).unwrap_or(b""),
                value.as_bytes(),
                an,
            )?;
        } else if let Some(c) = colon {
            if amp {
                unescape_value(value, vs)?;
            }
            self.prefixed.push((&b[an..c], an));
        } else {
            let v = if amp {
                Cow::Owned(unescape_value(value, vs)?.into_owned())
            } else {
                Cow::Borrowed(value)
            };
            let k = self.str(an, an + key.len())?;
            self.tree.attrs.push((k, v));
        }
        Ok(ve + 1)
    }

    /// A namespace declaration (`xmlns`, or `xmlns:prefix`, which with an empty prefix
    /// binds the default namespace too), with quick-xml's rules for the reserved prefixes
    /// and namespaces.
    fn declare(
        &mut self,
        default: bool,
        prefix: &'i [u8],
        uri: &'i [u8],
        at: usize,
    ) -> Result<(), XmlError> {
        if !default {
            match prefix {
                b"xml" if uri == XML_URI => return Ok(()),
                b"xml" => return Err(err("the prefix `xml` bound to another namespace", at)),
                b"xmlns" => return Err(err("the prefix `xmlns` declared", at)),
                _ if uri == XML_URI || uri == XMLNS_URI => {
                    return Err(err("a reserved namespace bound to a prefix", at))
                }
                _ => {}
            }
        }
        self.bindings.push(Binding {
            prefix,
            uri,
            idx: NONE,
        });
        Ok(())
    }

    /// The binding of a non-empty prefix in scope (none when undeclared or unbound with
    /// `xmlns:p=""`).
    fn prefix_binding(&self, p: &[u8]) -> Option<usize> {
        if p.is_empty() {
            return None;
        }
        let k = self.bindings.iter().rposition(|x| x.prefix == p)?;
        (!self.bindings[k].uri.is_empty()).then_some(k)
    }

    /// The default namespace's binding in scope (none when undeclared or unbound with
    /// `xmlns=""`).
    fn default_binding(&self) -> Option<usize> {
        let k = self.bindings.iter().rposition(|x| x.prefix.is_empty())?;
        (!self.bindings[k].uri.is_empty()).then_some(k)
    }

    /// The tree's index of binding `k`'s URI (interned on its first use).
    #[inline(always)]
    fn ns_index(&mut self, k: usize) -> u16 {
        match self.bindings.get(k) {
            Some(x) if x.idx != NONE => x.idx as u16,
            _ => self.intern_binding(k),
        }
    }

    /// [`Builder::ns_index`] the first time: the URI interned and remembered.
    #[cold]
    fn intern_binding(&mut self, k: usize) -> u16 {
        let Some(x) = self.bindings.get_mut(k) else {
            return 0;
        };
        let idx = intern(&mut self.tree.uris, x.uri);
        x.idx = u32::from(idx);
        idx
    }
}

/// The error of an undeclared (or unbound) prefix.
fn unbound(p: &[u8], at: usize) -> XmlError {
    err(
        format!("unbound namespace prefix `{}`", String::from_utf8_lossy(p)),
        at,
    )
}

/// The character of the reference `&...;` at `i` (at the `&`) and the index after it. The
/// name runs to the first `;`, and may not hold a `&` or `<` (quick-xml's reading).
#[inline]
fn resolve_ref_at(b: &[u8], i: usize) -> Result<(char, usize), XmlError> {
    // The five predefined entities: one word, compared whole.
    if let Some(w) = word(b, i) {
        let w4 = w & 0xFFFF_FFFF;
        if w4 == REF_LT {
            return Ok(('<', i + 4));
        }
        if w4 == REF_GT {
            return Ok(('>', i + 4));
        }
        if w & 0xFF_FFFF_FFFF == REF_AMP {
            return Ok(('&', i + 5));
        }
        let w6 = w & 0xFFFF_FFFF_FFFF;
        if w6 == REF_QUOT {
            return Ok(('"', i + 6));
        }
        if w6 == REF_APOS {
            return Ok(('\'', i + 6));
        }
    }
    resolve_ref_slow(b, i)
}

/// [`resolve_ref_at`] for any reference (character references, or near the end of `b`).
#[cold]
fn resolve_ref_slow(b: &[u8], i: usize) -> Result<(char, usize), XmlError> {
    let from = i + 1;
    let end = match b
        .get(from..)
        .and_then(|r| memchr::memchr3(b';', b'&', b'<', r))
    {
        Some(k) if b[from + k] == b';' => from + k,
        _ => return Err(err("a `&` that does not start a reference", i)),
    };
    let name = std::str::from_utf8(&b[from..end]).unwrap_or("");
    match resolve_ref(name) {
        Some(c) => Ok((c, end + 1)),
        None => Err(err(format!("unknown entity reference `&{name};`"), i)),
    }
}

/// Parse a document into a [`Tree`].
///
/// A byte scanner in the manner of [`check`] (text runs and attribute values searched 8
/// bytes at a time, the predefined entities and an end tag that closes the open element
/// recognized with one word comparison) that keeps the namespace bindings in scope and
/// builds the tree as it goes. Names are matched by URI. [`parse_reference`], on
/// quick-xml's `NsReader`, is what it is tested against: the same trees and the same
/// refusals, except that the scanner also refuses what XML refuses and quick-xml lets
/// through (attributes not separated by whitespace, names with bytes no XML name has).
/// A leading byte order mark is skipped; offsets count it.
pub fn parse(text: &str) -> Result<Tree<'_>, XmlError> {
    let decl_at = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let b = text.as_bytes();
    let mut p = Builder::new(text);
    let mut i = decl_at;
    while i < b.len() {
        if b[i] != b'<' {
            i = p.text(i)?;
            if i >= b.len() {
                break;
            }
        }
        i = match b.get(i + 1) {
            Some(b'/') => p.end_tag(i)?,
            Some(b'!') => p.bang(i)?,
            Some(b'?') => p.pi(i, decl_at)?,
            _ => p.start_tag(i)?,
        };
    }
    if !p.open.is_empty() {
        return Err(err("the document ends inside an element", b.len()));
    }
    if !p.root_seen {
        return Err(err("no root element", b.len()));
    }
    Ok(p.tree)
}

/// [`parse`] with quick-xml's `NsReader` (kept as the reference the scanner is tested
/// against).
pub fn parse_reference(text: &str) -> Result<Tree<'_>, XmlError> {
    let (tree, _) = run(text, true)?;
    tree.ok_or_else(|| err("no tree", 0))
}

/// [`check`] with quick-xml's plain reader (kept as the reference the fast scanner is
/// tested against).
///
/// Streams with quick-xml's plain reader (no per-element namespace scopes: only the root's
/// namespace is wanted; a prefixed name must have its prefix declared somewhere).
pub fn check_reference(text: &str) -> Result<RootInfo, XmlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = quick_xml::Reader::from_str(text);
    {
        let c = reader.config_mut();
        c.check_end_names = true;
        c.check_comments = true;
    }
    let mut depth = 0usize;
    let mut root: Option<RootInfo> = None;
    let mut prefixes: Vec<Vec<u8>> = Vec::new();
    loop {
        let p0 = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| err(e.to_string(), reader.error_position() as usize))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if depth == 0 && root.is_some() {
                    return Err(err("a second root element", p0));
                }
                if !e.name().as_ref().first().is_some_and(|c| is_name_start(*c)) {
                    return Err(err("a `<` that does not start a tag", p0));
                }
                let mut default_ns = None;
                let mut id = None;
                for a in e.attributes() {
                    let a = a.map_err(|x| err(x.to_string(), p0))?;
                    if a.value.contains(&b'<') {
                        return Err(err("a `<` in an attribute value", p0));
                    }
                    if a.value.contains(&b'&') {
                        a.unescape_value().map_err(|x| err(x.to_string(), p0))?;
                    }
                    let key = a.key.as_ref();
                    if key == b"xmlns" {
                        default_ns = Some(String::from_utf8_lossy(&a.value).into_owned());
                    } else if let Some(p) = key.strip_prefix(b"xmlns:") {
                        prefixes.push(p.to_vec());
                    } else if depth == 0 && key == b"id" {
                        id = Some(
                            a.unescape_value()
                                .map_err(|x| err(x.to_string(), p0))?
                                .into_owned(),
                        );
                    }
                }
                let qname = e.name();
                if let Some(p) = qname.prefix() {
                    if !prefixes.iter().any(|x| x.as_slice() == p.as_ref()) {
                        return Err(err(
                            format!(
                                "unbound namespace prefix `{}`",
                                String::from_utf8_lossy(p.as_ref())
                            ),
                            p0,
                        ));
                    }
                }
                if depth == 0 {
                    root = Some(RootInfo {
                        name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                        ns: if qname.prefix().is_none() {
                            default_ns
                        } else {
                            None
                        },
                        id,
                    });
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                }
            }
            Event::End(_) => {
                if depth == 0 {
                    return Err(err("an end tag without a start tag", p0));
                }
                depth -= 1;
            }
            Event::GeneralRef(ref r) => {
                let name = std::str::from_utf8(r.as_ref()).unwrap_or("");
                if resolve_ref(name).is_none() {
                    return Err(err(format!("unknown entity reference `&{name};`"), p0));
                }
                if depth == 0 {
                    return Err(err("text outside the root element", p0));
                }
            }
            Event::Text(_) | Event::CData(_) => {
                if depth == 0
                    && !text[p0..reader.buffer_position() as usize]
                        .trim()
                        .is_empty()
                {
                    return Err(err("text outside the root element", p0));
                }
            }
            Event::DocType(_) => return Err(err("a DTD (DOCTYPE) is not allowed", p0)),
            Event::Decl(_) => {
                if p0 != 0 {
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
    root.ok_or_else(|| err("no root element", text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_scan_agrees_with_the_byte_classes() {
        // Every byte value at every place of a 20-byte name, in both classes.
        for class in [NAME, NCNAME] {
            for at in 0..20 {
                for v in 0..=255u8 {
                    let mut t = [b'a'; 24];
                    t[at] = v;
                    for j in [0, 1, 5] {
                        assert_eq!(
                            skip_name(&t, j, class),
                            skip_iter(&t, j, class),
                            "{class} {at} {v}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_whitespace_skip_agrees_with_the_byte_classes() {
        for at in 0..20 {
            for v in 0..=255u8 {
                let mut t = [b'\t'; 24];
                t[at] = v;
                for j in [0, 1, 5] {
                    assert_eq!(skip_ws(&t, j), skip_iter(&t, j, WS), "{at} {v}");
                }
            }
        }
    }

    #[test]
    fn the_32_byte_searches_agree() {
        // Every placement of one or two marks among other bytes (high ones too).
        let fill = [b'a', b' ', 0x80, 0xFF, b'>' ^ 1, b'<' ^ 0x80];
        for &f in &fill {
            for p in 0..=32 {
                for q in p..=32 {
                    let mut c = [f; 32];
                    for (at, m) in [(p, b'<'), (q, b'&')] {
                        if at < 32 {
                            c[at] = m;
                        }
                    }
                    let naive = c.iter().position(|b| matches!(*b, b'<' | b'&' | b'"'));
                    assert_eq!(first_of(&c, b'<', b'&', b'"'), naive, "{c:?}");
                    assert_eq!(first_of_words(&c, b'<', b'&', b'"'), naive, "{c:?}");
                }
            }
        }
    }

    #[test]
    fn the_scanner_agrees_with_the_reference() {
        for ok in [
            "<?xml version=\"1.0\"?>\n<a/>",
            "\u{feff}<a/>",
            "<a x='1' y=\"&lt;&#228;&#x41;\"><!-- c --><?pi x?><![CDATA[<&]]>t&amp;u<b/></a>\n",
            "<h:a xmlns:h='urn:x'><h:b/></h:a>",
            "<div xmlns=\"http://www.w3.org/1999/xhtml\" id=\"OID1.2\" class=\"soc\"><p>x</p ></div>",
            // Text runs and values longer than the scalar look (the memchr branch).
            "<a t='a long attribute value of more than 24 bytes &amp; then a reference &#228;'>a long text run of more than twenty-four bytes &lt; then <b>more</b> and a reference after thirty bytes &amp;</a>",
        ] {
            assert_eq!(check(ok), check_reference(ok), "{ok}");
            assert!(check(ok).is_ok(), "{ok}");
        }
    }

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
    fn text_is_borrowed_unless_joined_and_offsets_count_a_bom() {
        let s = "<r><a>one run</a><b> x &amp; y</b><c><![CDATA[z]]></c><d>p<!-- c -->q</d></r>";
        let t = parse(s).unwrap();
        let kids: Vec<_> = t.root().children().collect();
        let cows: Vec<_> = kids.iter().map(|k| &t.els[k.i as usize].text).collect();
        assert!(matches!(cows[0], Some(Cow::Borrowed("one run"))));
        assert!(matches!(cows[1], Some(Cow::Owned(v)) if v == " x & y"));
        assert!(matches!(cows[2], Some(Cow::Borrowed("z"))));
        assert!(matches!(cows[3], Some(Cow::Owned(v)) if v == "pq"));
        // Whitespace before a child is not text; after text it is.
        assert_eq!(t.root().text(), None);
        // A byte order mark is skipped, and counted in the ranges.
        let bom = format!("\u{feff}{s}");
        let u = parse(&bom).unwrap();
        assert_eq!(u.root().range(), 3..s.len() + 3);
        assert_eq!(
            &bom[u.root().children().nth(1).unwrap().range()],
            "<b> x &amp; y</b>"
        );
        assert!(parse(&format!("\u{feff}<?xml version='1.0'?>{s}")).is_ok());
        assert!(parse(&format!(" <?xml version='1.0'?>{s}")).is_err());
    }

    #[test]
    fn namespaces_are_scoped() {
        let s = "<r xmlns='urn:a' xmlns:p='urn:p'><e xmlns=''><f/><p:g xmlns:p='urn:q'/></e><p:h xml:lang='fi' p:x='1' y='2'/><i xmlns:='urn:e'/></r>";
        let t = parse(s).unwrap();
        let r = t.root();
        assert!(r.is("urn:a", "r"));
        let kids: Vec<_> = r.children().collect();
        assert_eq!(kids[0].ns(), None);
        let inner: Vec<_> = kids[0].children().collect();
        assert_eq!(inner[0].ns(), None);
        assert!(inner[1].is("urn:q", "g"));
        assert!(kids[1].is("urn:p", "h"));
        // Only the unprefixed attribute is kept.
        assert_eq!(kids[1].attribute("y"), Some("2"));
        assert_eq!(kids[1].attribute("x"), None);
        // `xmlns:` binds the default namespace (as quick-xml reads it).
        assert!(kids[2].is("urn:e", "i"));
        assert_eq!(t.uris, ["urn:a", "urn:q", "urn:p", "urn:e"]);
        assert_eq!(
            format!("{t:?}"),
            format!("{:?}", parse_reference(s).unwrap())
        );
        for bad in [
            "<r xmlns:p=''><p:e/></r>",
            "<r xmlns:xml='urn:x'/>",
            "<r xmlns:xmlns='urn:x'/>",
            "<r xmlns:q='http://www.w3.org/XML/1998/namespace'/>",
            "<r :a='1'/>",
            "<p:r/>",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
            assert!(parse_reference(bad).is_err(), "{bad}");
        }
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
            "<a b='<'/>",
            "<a>&amp</a>",
            "<1a/>",
            "<a></a >x",
            "<a/><?xml version='1.0'?>",
            "<a t='a long attribute value of more than 24 bytes < inside'/>",
            "<a t='a long attribute value of more than 24 bytes &nbsp;'/>",
            "<a>a long text run of more than twenty-four bytes &nbsp;</a>",
            "<a>a long text run of more than twenty-four bytes &amp never closed</a>",
            "<a t='a long attribute value of more than 24 bytes never closed/>",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
            assert!(check(bad).is_err(), "{bad}");
            assert!(check_reference(bad).is_err(), "{bad}");
        }
        // quick-xml accepts attributes not separated by whitespace; the scanner does not.
        assert!(check("<a b='1'c='2'/>").is_err());
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
