//! The CDA and frame reader's XML tree (`xml::parse`, a byte scanner) against quick-xml's
//! `NsReader` form (`xml::parse_reference`): on the CDA and frame of every definition's
//! fixture and on seeded mutants of them, the same verdict (or one of the [`allowed`]
//! refusals) and, when both accept, the same tree (names, namespace URIs, attributes,
//! texts and byte ranges: the trees' `Debug` forms are equal).

use sosmeta_kanta::fixtures::Spec;
use sosmeta_kanta::xml::{parse, parse_reference, XmlError};
use sosmeta_validate::Validator;

/// The CDA and frame of every definition version's fixture.
fn documents() -> Vec<String> {
    let validator = Validator::from_static(sosmeta_generated::embedded_release());
    let mut out = Vec::new();
    for def in validator.release().definitions() {
        let f = Spec::for_definition(def).build();
        out.push(String::from_utf8(f.cda).expect("UTF-8 CDA"));
        out.push(String::from_utf8(f.frame).expect("UTF-8 frame"));
    }
    out
}

// The workspace's one seeded generator (also the validator's tests').
#[path = "common/offsets.rs"]
mod offsets;
#[path = "../../sosmeta-validate/tests/common/rng.rs"]
mod rng;
use rng::Rng;

const PIECES: &[&str] = &[
    "<",
    ">",
    "&",
    "\"",
    "'",
    "/",
    "=",
    " ",
    ":",
    "x",
    "</a>",
    "<a>",
    "<b/>",
    "&amp;",
    "&lt;",
    "&nbsp;",
    "&#228;",
    "<!-- c -->",
    "<![CDATA[<&]]>",
    "<?pi x?>",
    "\u{feff}",
    " xmlns='urn:x'",
    " xmlns=''",
    " xmlns:hl7fi='urn:other'",
    " xmlns:p='urn:p'",
    " xmlns:p=''",
    " p:a='1'",
    " q:a='1'",
    "<p:e/>",
    "<q:e/>",
    " xml:lang='fi'",
    " xmlns:xml='urn:bad'",
    " a='1'",
    " a='2'",
    "<!DOCTYPE d>",
    "\n",
    "hl7fi:",
    "xsi:",
    // Attribute values with references (unescaped, owned), good and bad.
    " a='x&amp;y'",
    " b=\"&#228;&lt;&#x41;\"",
    " c='&quot;&apos;&gt;'",
    " d='&#+65;'",
    " d='&#0;'",
    " d='&#X41;'",
    " d='&nbsp;'",
    " d='&amp'",
    " d='a<b'",
    " d='a>b'",
    " xmlns:p='urn:&amp;p'",
    " p:b='&amp;'",
    " p:b='&bad;'",
    // Text: CDATA, references, whitespace before and after text.
    "<![CDATA[]]>",
    "<![CDATA[ ]]>",
    "<![CDATA[x]]>",
    "<![CDATA[",
    "]]>",
    "&#x41;",
    "&#65;",
    "&#+65;",
    "&#00000000000065;",
    "&#xD800;",
    "&quot;&apos;",
    "&gt;",
    "&;",
    "&a&b;",
    "t&lt;u",
    " \t\r\n",
    "\u{a0}",
    "\u{c}",
    // Namespaces: unbinding, the reserved prefixes and namespaces, an empty prefix.
    " xmlns:=''",
    " xmlns:='urn:e'",
    " xmlns:xmlns='urn:q'",
    " xmlns:xml='http://www.w3.org/XML/1998/namespace'",
    " xmlns:q='http://www.w3.org/XML/1998/namespace'",
    " xmlns:q='http://www.w3.org/2000/xmlns/'",
    " xmlns='http://www.w3.org/XML/1998/namespace'",
    " xmlnsx='1'",
    "<xml:e/>",
    "<xmlns:e/>",
    "<p:e xmlns:p='urn:p'/>",
    "<e xmlns=''><f/></e>",
    "<p:e xmlns:p='urn:p'><p:f xmlns:p=''/></p:e>",
    "<:e/>",
    "<e:/>",
    " :a='1'",
    // Tags and markup quick-xml reads more laxly than XML.
    "a='1'b='2'",
    " ='1'",
    "<a/b>",
    "<a//>",
    "</a >",
    "</ a>",
    "<a\t/>",
    "<?xml version='1.0'?>",
    "<?xml?>",
    "<?xml-stylesheet x?>",
    "<?XML x?>",
    "<?>",
    "<??>",
    "<!---->",
    "<!--->",
    "<!-- - -->",
    "<!-- --->",
    "--",
    "<!doctype d>",
    "<!x>",
];

/// Where the two may differ, by design, and only one way: quick-xml accepts attributes
/// with no whitespace between them (`a='1'b='2'`), attribute and element names with bytes
/// no XML name has (`c!ass`, `='1'`, `<a/b>`); the scanner refuses them, as XML does.
fn allowed(scanner_err: &XmlError) -> bool {
    matches!(
        scanner_err.message.as_str(),
        "a malformed attribute" | "an attribute without a value" | "a malformed empty-element tag"
    )
}

/// The text around `at` (a failure message must stay readable).
fn near(m: &str, at: usize) -> &str {
    let mut a = at.saturating_sub(160).min(m.len());
    while !m.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (at + 160).min(m.len());
    while !m.is_char_boundary(b) {
        b += 1;
    }
    &m[a..b]
}

/// Compare the scanner with the reference on `m` (`what` names it): the same verdict (or
/// an [`allowed`] refusal) and on acceptance the same tree. A leading byte order mark is
/// compared with three spaces in its place (the reference's offsets leave it out, the
/// scanner's count it), or without it, verdict only, before an XML declaration (which may
/// follow only the mark). Returns `Some(accepted)`, or `None` for an allowed difference.
fn agree(m: &str, what: &str) -> Option<bool> {
    let fast = parse(m);
    let spaced = m.strip_prefix('\u{feff}').map(|rest| format!("   {rest}"));
    let (slow, trees) = match (m.strip_prefix('\u{feff}'), &spaced) {
        (Some(rest), _) if rest.starts_with("<?xml") => (parse_reference(rest), false),
        (_, Some(spaced)) => (parse_reference(spaced), true),
        _ => (parse_reference(m), true),
    };
    match (&fast, &slow) {
        (Ok(a), Ok(b)) => {
            let (a, b) = (format!("{a:?}"), format!("{b:?}"));
            if trees && a != b {
                let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
                panic!(
                    "trees differ on {what}:\nscanner   ...{}\nreference ...{}",
                    near(&a, at),
                    near(&b, at)
                );
            }
            Some(true)
        }
        (Err(_), Err(_)) => Some(false),
        (Err(e), Ok(_)) if allowed(e) => None,
        (a, b) => {
            let at = a
                .as_ref()
                .err()
                .or(b.as_ref().err())
                .map_or(0, |e| e.offset);
            panic!(
                "scanner {:?}, NsReader {:?} on {what} near:\n{}",
                a.as_ref().err(),
                b.as_ref().err(),
                near(m, at)
            )
        }
    }
}

#[test]
fn the_scanner_tree_equals_the_nsreader_tree() {
    let docs = documents();
    assert!(docs.len() > 400, "{} documents", docs.len());
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let (mut same_ok, mut same_err, mut allowed_err) = (0usize, 0usize, 0usize);
    for (n, x) in docs.iter().enumerate() {
        let a = parse(x).expect("fixture parses");
        let b = parse_reference(x).expect("fixture parses");
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "document {n}");
        // Mutants: more of them on the first documents (the largest variety of headers
        // is reached by walking all of them).
        let rounds = if n < 20 { 400 } else { 20 };
        for _ in 0..rounds {
            let mut m = x.clone();
            for _ in 0..1 + rng.below(3) {
                let mut at = rng.below(m.len() + 1);
                while !m.is_char_boundary(at) {
                    at -= 1;
                }
                let mut end = (at + rng.below(6)).min(m.len());
                while !m.is_char_boundary(end) {
                    end += 1;
                }
                let piece = if rng.below(4) == 0 {
                    ""
                } else {
                    PIECES[rng.below(PIECES.len())]
                };
                m.replace_range(at..end, piece);
            }
            match agree(&m, &format!("a mutant of document {n}")) {
                Some(true) => same_ok += 1,
                Some(false) => same_err += 1,
                None => allowed_err += 1,
            }
        }
        // A byte order mark before the document with and without a declaration.
        let bare = match x.strip_prefix("<?xml") {
            Some(r) => r.split_once("?>").map_or(r, |(_, r)| r),
            None => x,
        };
        let decl = format!("<?xml version='1.0'?>{bare}");
        for m in [format!("\u{feff}{bare}"), format!("\u{feff}{decl}")] {
            assert_eq!(agree(&m, &format!("document {n} after a BOM")), Some(true));
        }
    }
    eprintln!("{same_ok} ok, {same_err} refused, {allowed_err} refused by the scanner only");
    // Both sides are exercised.
    assert!(
        same_ok > 1000 && same_err > 1000,
        "{same_ok} ok, {same_err} refused, {allowed_err} refused by the scanner only"
    );
    // The allowed differences are the exception.
    assert!(
        allowed_err < same_err / 4,
        "{same_ok} ok, {same_err} refused, {allowed_err} refused by the scanner only"
    );
}

/// A document in small with what the fixtures have little of: namespace scopes (a default
/// unbound and rebound, a prefix bound, unbound and rebound, the `xml` prefix), attribute
/// values with references, text joined from runs, references and CDATA, whitespace before
/// and between text, comments and processing instructions inside and outside the root.
const SMALL: &str = "<?xml version=\"1.0\"?>\n<!-- c --><r xmlns=\"urn:a\" xmlns:p='urn:p' a=\"x&amp;y\" b='&#228;&lt;'>\n  <p:e p:x='1' xml:lang=\"fi\">t&lt;u<![CDATA[<&]]>v</p:e>\n  <e xmlns=''><f/><p:g xmlns:p=\"urn:q\"/></e>\n  <h> <!-- c --> x <?pi y?>&#x41;</h><abcdefg>1</abcdefg><abcdefgh>2</abcdefgh><i><![CDATA[]]></i>\n</r>\n<?pi z?>\n";

#[test]
fn the_scanner_agrees_with_the_reference_at_every_offset() {
    assert_eq!(agree(SMALL, "SMALL"), Some(true));
    let (mut ok, mut refused, mut allowed_err) = (0usize, 0usize, 0usize);
    let mut compare = |m: &str| match agree(m, &format!("{m:?}")) {
        Some(true) => ok += 1,
        Some(false) => refused += 1,
        None => allowed_err += 1,
    };
    // Every offset, every piece: inserted, or in the place of one character; and every
    // character left out.
    offsets::each_offset_mutant(SMALL, PIECES.iter().copied(), &mut compare);
    eprintln!("{ok} ok, {refused} refused, {allowed_err} refused by the scanner only");
    assert!(
        ok > 10_000 && refused > 10_000,
        "{ok} ok, {refused} refused"
    );
    assert!(
        allowed_err < refused / 4,
        "{allowed_err} refused by the scanner only"
    );
}
