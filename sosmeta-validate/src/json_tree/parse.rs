//! The fast path of [`JsonTree::parse`]: a hand-written parser from the text straight into
//! the arena, for well-formed documents.
//!
//! It accepts a subset of what `serde_json::from_str` accepts and builds the very tree the
//! `serde_json` visitor path builds (the same nodes in the same order, the same borrowed
//! and decoded strings, the same duplicate keys and depth). Whatever it does not handle
//! itself — any syntax error, nesting at `serde_json`'s limit, a lone surrogate — makes it
//! give up (`None`), and the caller parses the text again with `serde_json`, which then
//! produces the error with its message and position (or, for the rare valid text given
//! up on, the tree). Numbers other than plain integers that fit 64 bits (fractions,
//! exponents, `-0`, integers past `u64`/`i64`) are handed to `serde_json` one by one, so
//! that their `Number` is exactly what `serde_json` makes of them with whichever of its
//! float features the build has turned on.
//!
//! No recursion: containers open and close on an explicit stack, bounded by the nesting
//! limit. Every step moves forward through the text, so time is linear in its length
//! (repeated keys are looked for pairwise in objects of up to 48 members, by hash
//! beyond); memory is the tree's, sized from the text's length.

use super::{JsonTree, Key, Node};
use serde_json::Number;

/// A string as parsed: borrowed, or decoded into the tree's buffer.
enum Str<'s> {
    Borrowed(&'s str),
    Decoded { start: u32, len: u32 },
}

/// `serde_json`'s nesting limit: it refuses the 128th nested container.
const MAX_NESTING: usize = 127;

/// What to look for in a string body: `"`, `\` and control characters (0x00-0x1F).
const fn string_stops() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
}
static STRING_STOP: [bool; 256] = string_stops();

/// What a backslash escape decodes to, by the byte after the backslash: the character
/// for the one-letter escapes, 1 for `u` (four hex digits follow), 0 where JSON has no
/// escape (none of the decoded characters is 0 or 1).
const fn escapes() -> [u8; 256] {
    let mut t = [0u8; 256];
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[b'/' as usize] = b'/';
    t[b'b' as usize] = 0x08;
    t[b'f' as usize] = 0x0C;
    t[b'n' as usize] = b'\n';
    t[b'r' as usize] = b'\r';
    t[b't' as usize] = b'\t';
    t[b'u' as usize] = 1;
    t
}
static ESCAPED: [u8; 256] = escapes();

/// An open container: where its children start on the builder's scratch stacks. (The
/// member of an object whose value is being parsed is the last on the member stack: the
/// members of any container inside it are gone again when that value is complete.)
#[derive(Clone, Copy)]
enum Frame {
    Array { mark: usize },
    Object { mark: usize },
}

/// Parse `text` into a tree, or `None` when the text is not something this parser
/// takes on (the caller then asks `serde_json`).
pub(super) fn parse(text: &str) -> Option<JsonTree<'_>> {
    // Every node, member and item takes at least one byte of the text, so below this
    // length every index fits the tree's `u32`s (checked once here, not per value).
    if text.len() >= u32::MAX as usize {
        return None;
    }
    // Compact Sosmeta documents have about one value per 30 bytes and one object member
    // per 33, an array item per 360: sized so that the lists rarely grow.
    let len = text.len();
    let values = (len / 24).clamp(4, 1 << 20);
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        i: 0,
        nodes: Vec::with_capacity(values),
        members: Vec::with_capacity(values),
        items: Vec::with_capacity(values / 8),
        member_stack: Vec::with_capacity(32),
        item_stack: Vec::with_capacity(16),
        stack: Vec::with_capacity(16),
        depth: 0,
        duplicates: Vec::new(),
        decoded: String::new(),
    };
    let root = p.run()?;
    Some(JsonTree {
        nodes: p.nodes,
        members: p.members,
        items: p.items,
        root,
        depth: p.depth,
        duplicates: p.duplicates,
        decoded: p.decoded,
    })
}

struct Parser<'s> {
    text: &'s str,
    b: &'s [u8],
    i: usize,
    nodes: Vec<Node<'s>>,
    members: Vec<(Key<'s>, u32)>,
    items: Vec<u32>,
    /// The members of the open objects, innermost last (the value of the last one is a
    /// placeholder while it is parsed).
    member_stack: Vec<(Key<'s>, u32)>,
    /// The items of the open arrays, innermost last.
    item_stack: Vec<u32>,
    stack: Vec<Frame>,
    depth: usize,
    duplicates: Vec<(u32, String)>,
    /// Strings (values and keys) with escapes, decoded (see `Node::Decoded`).
    decoded: String,
}

/// JSON whitespace as `serde_json` skips it.
#[inline(always)]
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\t' | b'\r')
}

/// The index of the first byte at or after `i` that ends a run of plain string
/// characters (`"`, `\` or a control character), or the text's length: sixteen bytes at
/// a time where the target has SSE2 ([`scan16`]), then eight at a time and one by one
/// ([`scan_tail`]).
#[inline(always)]
fn scan(b: &[u8], i: usize) -> usize {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    let i = match scan16(b, i) {
        Ok(stop) => return stop,
        Err(rest) => rest,
    };
    scan_tail(b, i)
}

/// Where in these sixteen bytes a run of plain string characters ends: bit `k` is set
/// where byte `k` is `"`, `\` or a control character (below 0x20). SSE2 (part of every
/// x86-64 target) through `safe_arch`'s safe wrappers: one load, three compares and a
/// movemask, about a third of the eight-bytes-at-a-time instructions per byte.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn stops16(chunk: &[u8; 16]) -> u32 {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let x = load_unaligned_m128i(chunk);
    let quote = cmp_eq_mask_i8_m128i(x, set_splat_i8_m128i(b'"' as i8));
    let slash = cmp_eq_mask_i8_m128i(x, set_splat_i8_m128i(b'\\' as i8));
    // `c < 0x20` (unsigned) is `min(c, 0x1F) == c`.
    let ctrl = cmp_eq_mask_i8_m128i(min_u8_m128i(x, set_splat_i8_m128i(0x1F)), x);
    move_mask_i8_m128i(bitor_m128i(bitor_m128i(quote, slash), ctrl)) as u32
}

/// [`scan`] sixteen bytes at a time: `Ok` with the index of the first stop, or
/// `Err` with where fewer than sixteen bytes are left to look at.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn scan16(b: &[u8], mut i: usize) -> Result<usize, usize> {
    while let Some(chunk) = b.get(i..i + 16).and_then(|c| <&[u8; 16]>::try_from(c).ok()) {
        let hit = stops16(chunk);
        if hit != 0 {
            return Ok(i + hit.trailing_zeros() as usize);
        }
        i += 16;
    }
    Err(i)
}

/// The high bit of each byte of `x` that is `"`, `\` or below 0x20 (the bit trick
/// `serde_json` uses, after Mycroft; no false positives below the first hit).
#[inline(always)]
fn stops8(x: u64) -> u64 {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    let ctrl = x.wrapping_sub(ONES * 0x20) & !x;
    let q = x ^ (ONES * u64::from(b'"'));
    let quote = q.wrapping_sub(ONES) & !q;
    let s = x ^ (ONES * u64::from(b'\\'));
    let slash = s.wrapping_sub(ONES) & !s;
    (ctrl | quote | slash) & HIGH
}

/// [`scan`] eight bytes at a time, then one by one: the last bytes of the text
/// (fewer than sixteen left), or all of it without SSE2.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), inline(never))]
fn scan_tail(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..i + 8).and_then(|c| <&[u8; 8]>::try_from(c).ok()) {
        let hit = stops8(u64::from_le_bytes(*chunk));
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if STRING_STOP[c as usize] {
            return i;
        }
        i += 1;
    }
    i
}

impl<'s> Parser<'s> {
    /// The next byte after whitespace (not consumed), or `None` at the end.
    #[inline(always)]
    fn peek_nonws(&mut self) -> Option<u8> {
        let c = *self.b.get(self.i)?;
        if !is_ws(c) {
            return Some(c);
        }
        self.skip_ws_slow()
    }

    #[inline(never)]
    fn skip_ws_slow(&mut self) -> Option<u8> {
        while let Some(&c) = self.b.get(self.i) {
            if !is_ws(c) {
                return Some(c);
            }
            self.i += 1;
        }
        None
    }

    /// A new node; its index (fits: see [`parse`]).
    #[inline(always)]
    fn push(&mut self, node: Node<'s>) -> u32 {
        let i = self.nodes.len() as u32;
        self.nodes.push(node);
        i
    }

    /// The array whose items start at `mark` on the item stack ends.
    #[inline(always)]
    fn end_array(&mut self, mark: usize) -> u32 {
        let start = self.items.len() as u32;
        let len = (self.item_stack.len() - mark) as u32;
        // Copy types: one memcpy, no `Drain`.
        self.items
            .extend_from_slice(self.item_stack.get(mark..).unwrap_or_default());
        self.item_stack.truncate(mark);
        self.push(Node::Array { start, len })
    }

    /// The object whose members start at `mark` on the member stack ends: a repeated key
    /// keeps its last value at its first place, as in the `serde_json` path.
    #[inline(always)]
    fn end_object(&mut self, mark: usize) -> u32 {
        let n = self.member_stack.len() - mark;
        let dups = if n > 1 && self.repeats(mark) {
            super::dedup_last_wins(&mut self.member_stack, mark, &self.decoded)
        } else {
            Vec::new()
        };
        let start = self.members.len() as u32;
        let len = (self.member_stack.len() - mark) as u32;
        self.members
            .extend_from_slice(self.member_stack.get(mark..).unwrap_or_default());
        self.member_stack.truncate(mark);
        let node = self.push(Node::Object { start, len });
        for key in dups {
            self.duplicates.push((node, key));
        }
        node
    }

    /// Whether a key repeats among the members from `mark` on (lengths first: most
    /// keys of an object differ in length).
    fn repeats(&self, mark: usize) -> bool {
        let keys = self.member_stack.get(mark..).unwrap_or_default();
        if keys.len() > 48 {
            // Large objects (none in Sosmeta's documents): let the general code look.
            return true;
        }
        let decoded = self.decoded.as_str();
        for (i, (k, _)) in keys.iter().enumerate().skip(1) {
            let k = k.text(decoded);
            for (p, _) in &keys[..i] {
                let p = p.text(decoded);
                if p.len() == k.len() && p == k {
                    return true;
                }
            }
        }
        false
    }

    /// The whole document: its root node.
    fn run(&mut self) -> Option<u32> {
        'value: loop {
            // One value starts here.
            let c = self.peek_nonws()?;
            let mut v = match c {
                b'"' => {
                    self.i += 1;
                    let node = self.string_value()?;
                    self.push(node)
                }
                b'{' => {
                    self.i += 1;
                    self.open()?;
                    match self.peek_nonws()? {
                        b'}' => {
                            self.i += 1;
                            self.push(Node::Object {
                                start: self.members.len() as u32,
                                len: 0,
                            })
                        }
                        b'"' => {
                            self.i += 1;
                            let mark = self.member_stack.len();
                            self.key()?;
                            self.stack.push(Frame::Object { mark });
                            continue 'value;
                        }
                        _ => return None,
                    }
                }
                b'[' => {
                    self.i += 1;
                    self.open()?;
                    if self.peek_nonws()? == b']' {
                        self.i += 1;
                        self.push(Node::Array {
                            start: self.items.len() as u32,
                            len: 0,
                        })
                    } else {
                        let mark = self.item_stack.len();
                        self.stack.push(Frame::Array { mark });
                        continue 'value;
                    }
                }
                b't' => {
                    self.literal(b"true")?;
                    self.push(Node::Bool(true))
                }
                b'f' => {
                    self.literal(b"false")?;
                    self.push(Node::Bool(false))
                }
                b'n' => {
                    self.literal(b"null")?;
                    self.push(Node::Null)
                }
                b'-' | b'0'..=b'9' => {
                    let n = self.number()?;
                    self.push(Node::Number(n))
                }
                _ => return None,
            };
            // The value `v` is complete: hand it to its container, and close every
            // container that ends here.
            loop {
                match self.stack.last().copied() {
                    None => {
                        // Only whitespace may follow the root.
                        return match self.peek_nonws() {
                            None => Some(v),
                            Some(_) => None,
                        };
                    }
                    Some(Frame::Array { mark }) => {
                        self.item_stack.push(v);
                        match self.peek_nonws()? {
                            b',' => {
                                self.i += 1;
                                continue 'value;
                            }
                            b']' => {
                                self.i += 1;
                                self.stack.pop();
                                v = self.end_array(mark);
                            }
                            _ => return None,
                        }
                    }
                    Some(Frame::Object { mark }) => {
                        self.member_stack.last_mut()?.1 = v;
                        match self.peek_nonws()? {
                            b',' => {
                                self.i += 1;
                                if self.peek_nonws()? != b'"' {
                                    return None;
                                }
                                self.i += 1;
                                self.key()?;
                                continue 'value;
                            }
                            b'}' => {
                                self.i += 1;
                                self.stack.pop();
                                v = self.end_object(mark);
                            }
                            _ => return None,
                        }
                    }
                }
            }
        }
    }

    /// A container opens (its bracket consumed): the nesting limit and the depth.
    #[inline(always)]
    fn open(&mut self) -> Option<()> {
        let level = self.stack.len() + 1;
        if level > MAX_NESTING {
            return None;
        }
        if level > self.depth {
            self.depth = level;
        }
        Some(())
    }

    /// An object key (its opening quote consumed) and the colon after it: pushes the
    /// member with a placeholder value onto the member stack.
    #[inline(always)]
    fn key(&mut self) -> Option<()> {
        let k = match self.string()? {
            Str::Borrowed(s) => Key::Str(s),
            Str::Decoded { start, len } => Key::Decoded { start, len },
        };
        if self.peek_nonws()? != b':' {
            return None;
        }
        self.i += 1;
        self.member_stack.push((k, 0));
        Some(())
    }

    /// `text[start..end]` (`None` off a char boundary, which the callers never ask for):
    /// `split_at_checked` inlines where `str::get` is a call.
    #[inline(always)]
    fn slice(&self, start: usize, end: usize) -> Option<&'s str> {
        let (head, _) = self.text.split_at_checked(end)?;
        Some(head.split_at_checked(start)?.1)
    }

    /// `true`, `false` or `null`, exactly (what follows is checked by the caller).
    #[inline(always)]
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        if self.b.get(self.i..end)? != word {
            return None;
        }
        self.i = end;
        Some(())
    }

    /// A string body after its opening quote, through the closing quote: borrowed from
    /// the text when it has no escapes, else decoded into the tree's buffer.
    #[inline(always)]
    fn string(&mut self) -> Option<Str<'s>> {
        let start = self.i;
        let end = self.scan(start);
        match *self.b.get(end)? {
            b'"' => {
                self.i = end + 1;
                // Both ends are next to ASCII bytes: char boundaries.
                Some(Str::Borrowed(self.slice(start, end)?))
            }
            b'\\' => {
                // The decoded text is never longer than its source: offsets fit `u32`.
                let mut buf = std::mem::take(&mut self.decoded);
                let from = buf.len();
                let ok = self.unescape(start, end, &mut buf);
                let len = buf.len() - from;
                self.decoded = buf;
                ok?;
                Some(Str::Decoded {
                    start: from as u32,
                    len: len as u32,
                })
            }
            _ => None, // a control character
        }
    }

    /// A string value.
    #[inline(always)]
    fn string_value(&mut self) -> Option<Node<'s>> {
        Some(match self.string()? {
            Str::Borrowed(s) => Node::String(s),
            Str::Decoded { start, len } => Node::Decoded { start, len },
        })
    }

    /// [`scan`] in this text.
    #[inline(always)]
    fn scan(&self, i: usize) -> usize {
        scan(self.b, i)
    }

    /// A string whose body started at `start` and has an escape at `at`, decoded onto
    /// `out`, through its closing quote.
    #[inline(never)]
    fn unescape(&mut self, start: usize, mut at: usize, out: &mut String) -> Option<()> {
        let b = self.b;
        // Room for the run before the escape and a short tail (most escaped strings are
        // short texts with a quote or a line break); the first time, room for a few dozen
        // of them (never more than the rest of the text), so that the buffer seldom grows.
        let want = if out.capacity() == 0 {
            (b.len() - start).min(1024)
        } else {
            0
        };
        out.reserve(want.max(at - start + 32));
        if at > start {
            out.push_str(self.slice(start, at)?);
        }
        loop {
            // `b[at]` is a backslash.
            let e = *b.get(at + 1)?;
            at += 2;
            match ESCAPED[e as usize] {
                0 => return None,
                1 => {
                    // `\u`: four hex digits, a surrogate pair in two escapes.
                    let n = self.hex4(at)?;
                    at += 4;
                    let c = match n {
                        0xD800..=0xDBFF => {
                            // A leading surrogate must be followed by a trailing one
                            // (`serde_json` refuses anything else in a `str`).
                            if b.get(at..at + 2)? != b"\\u" {
                                return None;
                            }
                            let n2 = self.hex4(at + 2)?;
                            if !(0xDC00..=0xDFFF).contains(&n2) {
                                return None;
                            }
                            at += 6;
                            0x1_0000 + (((n - 0xD800) << 10) | (n2 - 0xDC00))
                        }
                        0xDC00..=0xDFFF => return None,
                        n => n,
                    };
                    out.push(char::from_u32(c)?);
                }
                c => out.push(char::from(c)),
            }
            let end = self.scan(at);
            // An escape right before the closing quote (or another escape) leaves
            // nothing to copy: no call for an empty run.
            if end > at {
                out.push_str(self.slice(at, end)?);
            }
            match *b.get(end)? {
                b'"' => {
                    self.i = end + 1;
                    return Some(());
                }
                b'\\' => at = end,
                _ => return None,
            }
        }
    }

    /// Four hex digits at `at`, as `serde_json` reads them (either case).
    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.b.get(at..at + 4)?;
        let mut n = 0u32;
        for &d in digits {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return None,
            };
            n = (n << 4) | u32::from(v);
        }
        Some(n)
    }

    /// A number. Integers that fit `u64` (or, negative, `i64`) are read here, as
    /// `serde_json` reads them; every other number (fraction, exponent, `-0`, longer
    /// integers) is handed to `serde_json` so that it becomes the same `Number`.
    #[inline(always)]
    fn number(&mut self) -> Option<Number> {
        let b = self.b;
        let start = self.i;
        let mut i = start;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let first = *b.get(i)?;
        let mut sig: u64 = match first {
            b'0' => 0,
            b'1'..=b'9' => u64::from(first - b'0'),
            _ => return None,
        };
        i += 1;
        if first == b'0' {
            if let Some(b'0'..=b'9') = b.get(i) {
                return None; // a leading zero
            }
        } else {
            while let Some(&c) = b.get(i) {
                if !c.is_ascii_digit() {
                    break;
                }
                match sig
                    .checked_mul(10)
                    .and_then(|s| s.checked_add(u64::from(c - b'0')))
                {
                    Some(s) => sig = s,
                    None => return self.number_by_serde(start),
                }
                i += 1;
            }
        }
        if let Some(b'.' | b'e' | b'E') = b.get(i) {
            return self.number_by_serde(start);
        }
        let n = if !negative {
            Number::from(sig)
        } else {
            // As `serde_json`: `-0` and values below `i64::MIN` are floats.
            let neg = (sig as i64).wrapping_neg();
            if neg >= 0 {
                return self.number_by_serde(start);
            }
            Number::from(neg)
        };
        self.i = i;
        Some(n)
    }

    /// The number token at `start` (the longest run of number characters) parsed by
    /// `serde_json`, which must take all of it.
    #[cold]
    #[inline(never)]
    fn number_by_serde(&mut self, start: usize) -> Option<Number> {
        let len = self
            .b
            .get(start..)?
            .iter()
            .position(|c| !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .unwrap_or(self.b.len() - start);
        let token = self.text.get(start..start + len)?;
        let n = serde_json::from_str::<Number>(token).ok()?;
        self.i = start + len;
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::{scan, STRING_STOP};

    /// The stop as the byte table says, one byte at a time.
    fn naive(b: &[u8], i: usize) -> usize {
        b.iter()
            .skip(i)
            .position(|&c| STRING_STOP[c as usize])
            .map_or(b.len(), |k| i + k)
    }

    #[test]
    fn the_wide_scan_finds_the_stop_the_byte_table_finds() {
        // Stops and their neighbours (`!`/`#` beside `"`, `[`/`]` beside `\`, the edges of
        // the control range and of ASCII), at every place of texts shorter and longer
        // than one, two and three blocks of sixteen, from several starting offsets.
        let bytes = [
            b'"', b'\\', 0x00, 0x01, 0x1F, 0x20, b'!', b'#', b'[', b']', 0x7F, 0x80, 0xA0, 0xFF,
        ];
        let mut checked = 0;
        for len in 0..=50 {
            for at in 0..len {
                for &c in &bytes {
                    let mut text = vec![b'a'; len];
                    text[at] = c;
                    // A second byte after the first, so that the first hit must win.
                    if at + 3 < len {
                        text[at + 3] = b'"';
                    }
                    for start in 0..=at.min(3) {
                        assert_eq!(
                            scan(&text, start),
                            naive(&text, start),
                            "byte {c:#04x} at {at} of {len}, from {start}"
                        );
                        checked += 1;
                    }
                }
            }
            assert_eq!(scan(&vec![b'a'; len], 0), len, "no stop in {len} bytes");
        }
        assert!(checked > 10_000, "{checked}");
    }
}
