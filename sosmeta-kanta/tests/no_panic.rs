//! No input makes the reader or the validator panic: truncations and byte mutations of
//! the synthetic fixtures, and arbitrary bytes.

use proptest::prelude::*;
use sosmeta_kanta::fixtures::Spec;
use sosmeta_kanta::view::ArchiveView;
use sosmeta_kanta::{
    frame_document_id, read_cda, read_frame, sniff, ArchiveOptions, ArchiveValidator,
};
use sosmeta_validate::Validator;
use std::sync::OnceLock;

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::from_static(sosmeta_generated::embedded_release()))
}

fn fixture() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let def = validator()
        .release()
        .definitions()
        .iter()
        .find(|d| d.oid() == "1.2.246.537.6.1506.15007" && d.version().to_string() == "2024-11-28")
        .expect("plan definition");
    let f = Spec::for_definition(def).build();
    let doc = read_cda(&f.cda).unwrap().document;
    let view = serde_json::to_vec(&ArchiveView::from_document(&doc).unwrap()).unwrap();
    (f.cda, f.frame, view)
}

#[test]
fn display_form_truncations_and_mutations_do_not_panic() {
    let (cda, _, _) = fixture();
    let doc = read_cda(&cda).unwrap().document;
    let x = doc
        .body
        .unwrap()
        .display
        .unwrap()
        .xhtml
        .text()
        .unwrap()
        .to_string();
    assert!(sosmeta_kanta::xml::check(&x).is_ok());
    let step = (x.len() / 400).max(1);
    for i in (0..x.len()).step_by(step) {
        if let Some(t) = x.get(..i) {
            assert!(sosmeta_kanta::xml::check(t).is_err() || t.trim_end() == x.trim_end());
        }
        for c in ["<", ">", "&", "\"", "'", "/", "=", " "] {
            if x.is_char_boundary(i) && x.is_char_boundary(i + 1) {
                let m = format!("{}{c}{}", &x[..i], &x[i + 1..]);
                let _ = sosmeta_kanta::xml::check(&m);
            }
        }
    }
}

#[test]
fn truncations_and_mutations_do_not_panic() {
    let (cda, frame, view) = fixture();
    let v = ArchiveValidator::new(validator(), ArchiveOptions::default());
    let step = |len: usize| (len / 300).max(1);
    for i in (0..cda.len()).step_by(step(cda.len())) {
        let r = v.validate_cda("t", &cda[..i], Some(&frame));
        assert!(!r.valid || i == cda.len());
        for b in [b'<', b'"', 0xFF, b'&', b'A', b'\n'] {
            let mut m = cda.clone();
            m[i] = b;
            let _ = v.validate_cda("m", &m, Some(&frame));
        }
    }
    for i in (0..frame.len()).step_by(step(frame.len())) {
        let _ = v.validate_cda("t", &cda, Some(&frame[..i]));
        let _ = frame_document_id(&frame[..i]);
        let _ = sniff(&frame[..i]);
        let mut m = frame.clone();
        m[i] = b'>';
        let _ = v.validate_cda("m", &cda, Some(&m));
    }
    for i in (0..view.len()).step_by(step(view.len())) {
        let r = v.validate_view("t", &view[..i], Some(&frame));
        assert!(!r.valid);
        let mut m = view.clone();
        m[i] = b'9';
        let _ = v.validate_view("m", &m, None);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_do_not_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_cda(&bytes);
        let _ = read_frame(&bytes);
        let _ = sniff(&bytes);
        let _ = frame_document_id(&bytes);
        let v = ArchiveValidator::new(validator(), ArchiveOptions::default());
        let _ = v.validate_cda("p", &bytes, Some(&bytes));
        let _ = v.validate_view("p", &bytes, None);
        let text = String::from_utf8_lossy(&bytes);
        let _ = sosmeta_kanta::xml::check(&text);
        let _ = sosmeta_kanta::xml::parse(&text);
    }

    #[test]
    fn arbitrary_times_do_not_panic(s in "[0-9+.-]{0,24}") {
        let _ = sosmeta_kanta::model::parse_ts(&s);
    }

    #[test]
    fn arbitrary_xml_like_text_does_not_panic(s in "<[a-zA-Z:]{1,8}( [a-z]{1,3}=\"[^\"]{0,5}\")?>[^<]{0,20}(</[a-zA-Z:]{1,8}>)?") {
        let _ = read_cda(s.as_bytes());
        let _ = sniff(s.as_bytes());
        let _ = sosmeta_kanta::xml::check(&s);
        let _ = sosmeta_kanta::xml::check_reference(&s);
    }
}
