//! The display-form scanner (`xml::check`) against its quick-xml reference
//! (`xml::check_reference`) on the fixtures' display forms and seeded mutants of them: the
//! same verdict and, when both accept, the same root (name, namespace, id).

use sosmeta_kanta::fixtures::Spec;
use sosmeta_kanta::read_cda;
use sosmeta_kanta::xml::{check, check_reference, RootInfo};
use sosmeta_validate::Validator;

fn display_forms() -> Vec<String> {
    let validator = Validator::from_static(sosmeta_generated::embedded_release());
    ["1.2.246.537.6.1505.1", "1.2.246.537.6.1506.15007"]
        .iter()
        .map(|oid| {
            let def = validator.release().in_force(oid).expect("definition");
            let f = Spec::for_definition(def).build();
            let doc = read_cda(&f.cda).expect("fixture").document;
            doc.body
                .and_then(|b| b.display)
                .and_then(|d| d.xhtml.text().map(str::to_string))
                .expect("display form")
        })
        .collect()
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
    "-",
    "!",
    "?",
    "a",
    "</div>",
    "<p>",
    "<br/>",
    "&amp;",
    "&nbsp;",
    "&#0;",
    "&#x41;",
    "<!--",
    "-->",
    "--",
    "<![CDATA[",
    "]]>",
    "<?x y?>",
    "<?xml version='1.0'?>",
    "xmlns:h='urn:h'",
    " x='1'",
    " class='c'",
    "<h:p>",
    "</h:p>",
    "\n",
    "\t",
    "ä",
    "\u{feff}",
    "<!DOCTYPE d>",
];

/// Where the two may differ, by design, and only one way: quick-xml accepts attributes
/// with no whitespace between them (`a='1'b='2'`) and attribute names with characters no
/// XML name has (`c!ass`, `/lass`); the scanner refuses them, as XML does.
fn allowed(scanner_err: &str) -> bool {
    matches!(
        scanner_err,
        "a malformed attribute" | "an attribute without a value" | "a malformed empty-element tag"
    )
}

/// The mutant around `at` (a failure message must stay readable).
fn head(m: &str, at: usize) -> &str {
    let mut a = at.saturating_sub(120);
    while !m.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (at + 120).min(m.len());
    while !m.is_char_boundary(b) {
        b += 1;
    }
    &m[a..b]
}

/// Compare the scanner with quick-xml on `m`: the same verdict (or one of the [`allowed`]
/// refusals), and on acceptance the same root, the reference's passed through `expected`.
/// Panics on a disagreement; returns whether the scanner accepted `m`.
fn agree(m: &str, expected: impl Fn(&RootInfo) -> RootInfo) -> bool {
    let fast = check(m);
    let slow = check_reference(m);
    match (&fast, &slow) {
        (Ok(a), Ok(b)) => assert_eq!(a, &expected(b), "root differs on:\n{}", head(m, 0)),
        (Err(_), Err(_)) => {}
        (Err(e), Ok(_)) if allowed(&e.message) => {}
        _ => {
            let at = fast
                .as_ref()
                .err()
                .or(slow.as_ref().err())
                .map_or(0, |e| e.offset);
            panic!(
                "scanner {fast:?}, reference {slow:?} near:\n{}",
                head(m, at)
            )
        }
    }
    fast.is_ok()
}

#[test]
fn the_scanner_agrees_with_quick_xml_on_mutants() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut compared = 0usize;
    let mut refused = 0usize;
    for x in display_forms() {
        assert_eq!(check(&x), check_reference(&x));
        assert!(check(&x).is_ok());
        for _ in 0..4000 {
            let mut m = x.clone();
            for _ in 0..1 + rng.below(3) {
                let mut at = rng.below(m.len() + 1);
                while !m.is_char_boundary(at) {
                    at -= 1;
                }
                match rng.below(3) {
                    0 => m.insert_str(at, PIECES[rng.below(PIECES.len())]),
                    1 => {
                        let mut end = (at + 1 + rng.below(8)).min(m.len());
                        while !m.is_char_boundary(end) {
                            end += 1;
                        }
                        m.replace_range(at..end, "");
                    }
                    _ => {
                        let mut end = (at + 1).min(m.len());
                        while !m.is_char_boundary(end) {
                            end += 1;
                        }
                        m.replace_range(at..end, PIECES[rng.below(PIECES.len())]);
                    }
                }
            }
            compared += 1;
            refused += usize::from(!agree(&m, RootInfo::clone));
        }
    }
    assert_eq!(compared, 8000);
    // The mutants exercise both sides: most are refused, some are still well-formed.
    assert!(refused > 4000 && refused < 7990, "{refused} refused");
}

/// A display form in small: the shapes the scanner remembers (a start tag seen before is
/// compared whole), names of 7 and 8 bytes (an end tag is compared as one word up to 8
/// bytes), references, values with marks, an empty element.
const SMALL: &str = "<div class=\"soc-document\" id=\"OID1.2\" xmlns=\"http://www.w3.org/1999/xhtml\"><div class=\"soc-item\"><h3 class=\"soc-title\">a</h3><div class=\"soc-content\">Esimerkkiteksti 1 &lt;&amp;&gt; &quot;ä&quot;</div></div><div class=\"soc-item\"><h3 class=\"soc-title\">b</h3><div class=\"soc-content\">x&apos;</div></div><p/><br/><abcdefgh>t</abcdefgh><abcdefg a='&amp;' b=\"x&#228;\">t</abcdefg><abcdefg a='&amp;' b=\"x&#228;\"></abcdefg><div class=\"soc-item\"><p>c</p></div></div>";

/// What is put at every offset of [`SMALL`] (besides the seeded mutants' pieces).
const MORE: &[&str] = &[
    "&lt;",
    "&gt;",
    "&quot;",
    "&apos;",
    "&lt",
    "&quo;",
    "&#228;",
    "<abcdefgh>",
    "</abcdefgh>",
    "</abcdefg>",
    "</abcdefgh >",
    "</di>",
    "</divv>",
    "</div >",
    "<div class=\"soc-item\">",
    "<div class=\"soc-item\"/>",
    " id='y'",
    "xmlns='urn:q'",
    "\"a<b\"",
    "'&amp;'",
    "\0",
];

/// The reference's root with its namespace unescaped, as the scanner gives it (the
/// reference returns the `xmlns` value as written, `&amp;` and all; the id is unescaped by
/// both).
fn unescaped_ns(r: &RootInfo) -> RootInfo {
    RootInfo {
        ns: r
            .ns
            .as_ref()
            .map(|v| quick_xml::escape::unescape(v).map_or_else(|_| v.clone(), |c| c.into_owned())),
        ..r.clone()
    }
}

#[test]
fn the_scanner_agrees_with_quick_xml_at_every_offset() {
    assert_eq!(check(SMALL), check_reference(SMALL));
    assert!(check(SMALL).is_ok());
    let mut compared = 0usize;
    let mut refused = 0usize;
    let mut compare = |m: &str| {
        compared += 1;
        refused += usize::from(!agree(m, unescaped_ns));
    };
    // Every offset (every place in a word of 8 bytes), every piece: inserted, or in the
    // place of one character; and every character left out.
    offsets::each_offset_mutant(SMALL, PIECES.iter().chain(MORE).copied(), &mut compare);
    assert!(compared > 50_000, "{compared} compared");
    // Both sides again: most are refused, some are still well-formed.
    assert!(
        refused > compared / 2 && refused < compared * 99 / 100,
        "{refused} of {compared} refused"
    );
}
