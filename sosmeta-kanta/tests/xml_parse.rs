//! The CDA and frame reader's XML tree (`xml::parse`, quick-xml's plain reader with the
//! namespace scopes fed from one attribute pass) against the `NsReader` form
//! (`xml::parse_reference`): on the CDA and frame of every definition's fixture and on
//! seeded mutants of them, the same verdict and, when both accept, the same tree (names,
//! namespace URIs, attributes, texts and byte ranges: the trees' `Debug` forms are equal).

use sosmeta_kanta::fixtures::Spec;
use sosmeta_kanta::xml::{parse, parse_reference};
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
];

#[test]
fn the_one_pass_tree_equals_the_nsreader_tree() {
    let docs = documents();
    assert!(docs.len() > 400, "{} documents", docs.len());
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let (mut same_ok, mut same_err) = (0usize, 0usize);
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
            match (parse(&m), parse_reference(&m)) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(format!("{a:?}"), format!("{b:?}"), "a mutant of {n}");
                    same_ok += 1;
                }
                (Err(_), Err(_)) => same_err += 1,
                (a, b) => panic!(
                    "one pass {:?}, NsReader {:?} on a mutant of document {n}",
                    a.err(),
                    b.err()
                ),
            }
        }
    }
    // Both sides are exercised.
    assert!(
        same_ok > 1000 && same_err > 1000,
        "{same_ok} ok, {same_err} refused"
    );
}
