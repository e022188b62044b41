//! The shapes real client-record systems write (seen in the public 2026 test documents
//! KANTA-FORMAT.md names; never copied here): the same synthetic document written as such
//! a system writes it reads the same and validates the same.
//!
//! - comments inside `text` and `json` before the base64, and base64 wrapped over lines;
//! - the Finnish namespace under another prefix (`ep2:`), declared on the header block
//!   and again on `json`, instead of on the root;
//! - a file without its XML declaration: only `cda.xml-declaration` is said.

use sosmeta_kanta::fixtures::{Fixture, Spec};
use sosmeta_kanta::view::ArchiveView;
use sosmeta_kanta::{ArchiveOptions, ArchiveValidator};
use sosmeta_validate::report::DocumentResult;
use sosmeta_validate::{Severity, Validator};
use std::sync::OnceLock;

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::from_static(sosmeta_generated::embedded_release()))
}

/// The synthetic fixtures of two definitions: a client-relationship document and a plan.
fn fixtures() -> Vec<Fixture> {
    ["1.2.246.537.6.1505.1", "1.2.246.537.6.1506.15007"]
        .into_iter()
        .map(|oid| {
            let def = validator().release().in_force(oid).expect("definition");
            Spec::for_definition(def).build()
        })
        .collect()
}

fn validate(cda: &[u8], frame: &[u8]) -> DocumentResult {
    ArchiveValidator::new(validator(), ArchiveOptions::default()).validate_cda(
        "real-shape.xml",
        cda,
        Some(frame),
    )
}

fn errors(r: &DocumentResult) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect()
}

/// The view of a CDA as JSON, for comparing what two writings of one document say. The
/// signatures are opaque XML text kept as written (prefixes included), so they are set
/// aside here; their count stays.
fn view(cda: &[u8]) -> serde_json::Value {
    let v = ArchiveView::from_cda_bytes(cda).expect("readable CDA");
    let mut v = serde_json::to_value(v).expect("serialisable view");
    if let Some(sigs) = v
        .pointer_mut("/metadata/localSocialHeader/signatureCollection")
        .and_then(serde_json::Value::as_array_mut)
    {
        for s in sigs.iter_mut() {
            *s = serde_json::Value::from("<signature>");
        }
    }
    v
}

/// Two views are the same (without printing whole documents when they are not).
fn same_view(a: &[u8], b: &[u8]) {
    let (a, b) = (view(a), view(b));
    if a != b {
        let (a, b) = (a.to_string(), b.to_string());
        let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        let from = at.saturating_sub(80);
        panic!(
            "the views differ at byte {at}: …{}… vs …{}…",
            a.get(from..(at + 80).min(a.len()))
                .unwrap_or("(not at a character boundary)"),
            b.get(from..(at + 80).min(b.len()))
                .unwrap_or("(not at a character boundary)")
        );
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 fixture")
}

/// Base64 between `open` and `close` wrapped at 76 characters with CRLF and tabs, and a
/// comment in front of it.
fn wrap_payload(doc: &str, open: &str, close: &str, comment: &str) -> String {
    let start = doc.find(open).expect("open tag") + open.len();
    let end = start + doc[start..].find(close).expect("close tag");
    let payload: String = doc[start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(payload.len() > 76, "a payload long enough to wrap");
    let mut wrapped = format!("\n\t\t\t\t<!-- {comment} -->");
    for (i, chunk) in payload.as_bytes().chunks(76).enumerate() {
        if i > 0 {
            wrapped.push_str("\r\n\t\t\t\t");
        }
        wrapped.push_str(std::str::from_utf8(chunk).unwrap());
    }
    wrapped.push_str("\n\t\t\t");
    format!("{}{}{}", &doc[..start], wrapped, &doc[end..])
}

#[test]
fn comments_and_wrapped_base64_inside_the_payloads_read_the_same() {
    for f in fixtures() {
        let doc = text(&f.cda);
        let shaped = wrap_payload(
            &doc,
            "representation=\"B64\">",
            "</text>",
            "Liitetään asiakirjan näyttömuoto",
        );
        let shaped = wrap_payload(
            &shaped,
            "<hl7fi:json>",
            "</hl7fi:json>",
            "Liitetään asiakirjan JSON",
        );
        assert_ne!(shaped, doc);
        assert!(shaped.contains("<!-- Liitetään asiakirjan JSON -->"));
        same_view(shaped.as_bytes(), &f.cda);
        let r = validate(shaped.as_bytes(), &f.frame);
        assert!(r.valid, "{:?}", errors(&r));
        assert_eq!(errors(&r), Vec::<String>::new());
    }
}

#[test]
fn another_prefix_declared_on_the_header_block_reads_the_same() {
    for f in fixtures() {
        let doc = text(&f.cda);
        assert!(doc.contains(" xmlns:hl7fi=\"urn:hl7finland\""));
        // No declaration on the root; `ep2` declared where real files declare it.
        let shaped = doc
            .replace(" xmlns:hl7fi=\"urn:hl7finland\"", "")
            .replace(
                "<hl7fi:localSocialHeader>",
                "<ep2:localSocialHeader xmlns:ep2=\"urn:hl7finland\">",
            )
            .replace("<hl7fi:json>", "<ep2:json xmlns:ep2=\"urn:hl7finland\">")
            .replace("hl7fi:", "ep2:");
        assert!(!shaped.contains("hl7fi:") && !shaped.contains("xmlns:hl7fi"));
        same_view(shaped.as_bytes(), &f.cda);
        let r = validate(shaped.as_bytes(), &f.frame);
        assert_eq!(errors(&r), Vec::<String>::new());
        // The prefix alone is not the namespace: bound to another URI, the header block
        // is not Finland's, and the document is refused.
        let wrong = shaped.replace(
            "<ep2:localSocialHeader xmlns:ep2=\"urn:hl7finland\">",
            "<ep2:localSocialHeader xmlns:ep2=\"urn:example:other\">",
        );
        assert!(!validate(wrong.as_bytes(), &f.frame).valid);
    }
}

#[test]
fn without_the_xml_declaration_only_the_declaration_is_said() {
    for f in fixtures() {
        let doc = text(&f.cda);
        let decl_end = doc.find("?>").expect("declaration") + 2;
        let bare = doc[decl_end..].trim_start();
        assert!(bare.starts_with("<ClinicalDocument"));
        same_view(bare.as_bytes(), &f.cda);
        let r = validate(bare.as_bytes(), &f.frame);
        assert!(!r.valid);
        let rules: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.rule.as_str())
            .collect();
        assert_eq!(rules, ["cda.xml-declaration"], "{:?}", errors(&r));
    }
}
