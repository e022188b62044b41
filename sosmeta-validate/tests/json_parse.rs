//! The hand-written JSON parser (`JsonTree::parse_fast`) against the reference path
//! (`JsonTree::parse_serde`, `serde_json`'s parser with a visitor into the arena), on every
//! generated case of the pinned corpus (compact and pretty-printed) and on seeded random
//! mutants of them and of hand-written texts: whenever the fast parser returns a tree it
//! is the reference's tree, node for node (the same nodes, members, items, root, depth and
//! duplicate keys), and `JsonTree::parse` always gives what the reference gives, the same
//! error text and position on an error.

use sosmeta_model::corpus::pinned_corpus_dir;
use sosmeta_model::Release;
use sosmeta_validate::cases::all_cases;
use sosmeta_validate::json_tree::JsonTree;

/// What one text did: whether the fast parser took it.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Fast,
    Fallback,
    Error,
}

/// Compare the parsers on one text; panics on any difference.
fn check(text: &str) -> Outcome {
    let reference = JsonTree::parse_serde(text);
    let fast = JsonTree::parse_fast(text);
    if let Some(tree) = &fast {
        let expected = match &reference {
            Ok(t) => t,
            Err(e) => panic!("the fast parser took a text serde_json refuses ({e}): {text:?}"),
        };
        assert_eq!(
            format!("{tree:?}"),
            format!("{expected:?}"),
            "not the same tree: {text:?}"
        );
        assert_eq!(tree.depth(), expected.depth(), "{text:?}");
        assert_eq!(tree.duplicate_keys(), expected.duplicate_keys(), "{text:?}");
        assert_eq!(
            serde_json::to_string(&tree.root().to_value()).unwrap(),
            serde_json::to_string(&expected.root().to_value()).unwrap(),
            "{text:?}"
        );
    }
    match (JsonTree::parse(text), &reference) {
        (Ok(ours), Ok(theirs)) => {
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{text:?}")
        }
        (Err(ours), Err(theirs)) => {
            assert_eq!(ours.to_string(), theirs.to_string(), "{text:?}");
            assert_eq!(
                (ours.line(), ours.column()),
                (theirs.line(), theirs.column())
            );
        }
        (ours, theirs) => panic!(
            "parse and the reference disagree on {text:?}: {:?} / {:?}",
            ours.map(|_| ()),
            theirs.as_ref().map(|_| ())
        ),
    }
    // And what a `serde_json::Value` holds.
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => {
            let tree = reference.expect("serde_json took it");
            assert_eq!(
                serde_json::to_string(&tree.root().to_value()).unwrap(),
                serde_json::to_string(&v).unwrap(),
                "{text:?}"
            );
        }
        Err(e) => assert_eq!(
            reference.err().map(|r| r.to_string()),
            Some(e.to_string()),
            "{text:?}"
        ),
    }
    match fast {
        Some(_) => Outcome::Fast,
        None if JsonTree::parse_serde(text).is_ok() => Outcome::Fallback,
        None => Outcome::Error,
    }
}

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

/// Pieces that stress the grammar where it is subtle.
const PIECES: &[&str] = &[
    "\"",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "\t",
    "\r",
    "\u{0}",
    "\u{1}",
    "\u{1f}",
    "\u{7f}",
    "\u{feff}",
    "é",
    "😀",
    "\\\"",
    "\\\\",
    "\\/",
    "\\b",
    "\\f",
    "\\n",
    "\\r",
    "\\t",
    "\\x",
    "\\u00e9",
    "\\u00E9",
    "\\u0000",
    "\\u001f",
    "\\ud83d\\ude00",
    "\\uD83D\\uDE00",
    "\\ud83d",
    "\\udc00",
    "\\ude00\\ud83d",
    "\\ud83dx",
    "\\ud83d\\n",
    "\\ud83d\\u0041",
    "\\ud83d\\ud83d",
    "\\ud83d\\",
    "\\u12",
    "\\u12g4",
    "\\uzzzz",
    "0",
    "-0",
    "-0.0",
    "1e400",
    "-1e400",
    "1e-400",
    "1.5",
    "1.",
    ".5",
    "1e",
    "1e+",
    "1E+2",
    "1e-7",
    "01",
    "-",
    "--1",
    "+1",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "0.1",
    "2.2250738585072014e-308",
    "1.7976931348623157e308",
    "3.141592653589793238462643383279",
    "true",
    "false",
    "null",
    "tru",
    "nul",
    "fals",
    "truex",
    "NaN",
    "Infinity",
    "{}",
    "[]",
    "{\"a\":1}",
    "[1,]",
    "{,}",
    "{\"k\":1,\"k\":2}",
    "\"k\":",
    "x",
    "//",
    "/*",
    "'",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut s = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let mut at = rng.below(s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(6) {
            0 => {
                // Replace one character by a piece.
                let end = s[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                s.replace_range(at..end, PIECES[rng.below(PIECES.len())]);
            }
            1 | 2 => s.insert_str(at, PIECES[rng.below(PIECES.len())]),
            3 => s.truncate(at),
            4 => {
                // Delete a short run.
                let mut end = (at + 1 + rng.below(8)).min(s.len());
                while !s.is_char_boundary(end) {
                    end += 1;
                }
                s.replace_range(at..end, "");
            }
            _ => {
                // Flip one ASCII byte to another ASCII byte.
                if s.as_bytes().get(at).is_some_and(u8::is_ascii) {
                    let c = (rng.below(128) as u8) as char;
                    s.replace_range(at..at + 1, &c.to_string());
                }
            }
        }
    }
    s
}

fn corpus_texts() -> Vec<String> {
    let release = Release::load(pinned_corpus_dir()).expect("pinned corpus in ../shared");
    let mut texts = Vec::new();
    for case in all_cases(&release) {
        texts.push(serde_json::to_string(&case.document).unwrap());
        if texts.len() % 7 == 0 {
            texts.push(serde_json::to_string_pretty(&case.document).unwrap());
        }
    }
    texts
}

#[test]
fn every_generated_case_parses_fast_to_the_same_tree() {
    let texts = corpus_texts();
    assert!(texts.len() > 3_000, "{} texts", texts.len());
    for text in &texts {
        assert_eq!(
            check(text),
            Outcome::Fast,
            "the fast parser gave up on {text}"
        );
    }
}

#[test]
fn random_mutants_parse_the_same() {
    let texts = corpus_texts();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut seen = [0usize; 3];
    for round in 0..30_000 {
        let base = &texts[rng.below(texts.len())];
        // Mutate a short prefix of most documents too, so that short texts are common.
        let base = if round % 3 == 0 {
            let mut end = rng.below(base.len().min(200) + 1);
            while !base.is_char_boundary(end) {
                end -= 1;
            }
            &base[..end]
        } else {
            base.as_str()
        };
        let text = mutate(&mut rng, base);
        match check(&text) {
            Outcome::Fast => seen[0] += 1,
            Outcome::Fallback => seen[1] += 1,
            Outcome::Error => seen[2] += 1,
        }
    }
    // Both paths were exercised.
    assert!(seen[0] > 1_000 && seen[2] > 1_000, "{seen:?}");
}

#[test]
fn small_texts_parse_the_same() {
    let mut rng = Rng(42);
    for piece in PIECES {
        for text in [
            piece.to_string(),
            format!("[{piece}]"),
            format!("\"{piece}\""),
            format!("{{\"{piece}\":{piece}}}"),
            format!("[\"a{piece}b\", 1]"),
            format!(" {piece} "),
            format!("{piece}{piece}"),
        ] {
            check(&text);
        }
    }
    for _ in 0..20_000 {
        let mut text = String::new();
        for _ in 0..1 + rng.below(8) {
            text.push_str(PIECES[rng.below(PIECES.len())]);
        }
        check(&text);
    }
    // Whitespace and trailing characters.
    for text in [
        " {\"a\" : [ 1 , 2 ] } \n\t\r",
        "{\"a\":1} x",
        "{\"a\":1}}",
        "[1] [2]",
        "\u{feff}{}",
        "{} \u{0}",
        "\"a\\u0041\\u00e9\\u20ac\\ud83d\\ude00b\"",
        "{\"a\\\"b\":\"c\\\\d\",\"a\\\"b\":2}",
        "{\"\":1,\"\":2,\"x\":{\"y\":1,\"y\":[1,{\"y\":2,\"y\":3}]}}",
    ] {
        check(text);
    }
    let many_keys: Vec<String> = (0..40).map(|i| format!("\"k{}\":{i}", i % 30)).collect();
    check(&format!("{{{}}}", many_keys.join(",")));
}

#[test]
fn nesting_around_the_limit_parses_the_same() {
    for depth in 120..=135 {
        for (open, close) in [("[", "]"), ("{\"a\":", "}"), ("[{\"a\":", "}]")] {
            let text = open.repeat(depth) + "1" + &close.repeat(depth);
            let outcome = check(&text);
            let levels = depth * open.matches(['[', '{']).count();
            assert_eq!(
                outcome == Outcome::Error,
                levels >= 128,
                "{levels} levels: {outcome:?}"
            );
            check(&(open.repeat(depth) + &close.repeat(depth)));
            check(&(open.repeat(depth) + "1"));
        }
        check(&("[".repeat(depth) + &"]".repeat(depth)));
        check(&("[".repeat(depth) + "[]" + &"]".repeat(depth)));
    }
    // Far past the limit: refused quickly, without recursion.
    let deep = "[".repeat(1_000_000);
    assert_eq!(check(&deep), Outcome::Error);
}
