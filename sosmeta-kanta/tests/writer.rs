//! The writer: wrap(unwrap(x)) keeps every header value and the JSON, and the rebuilt
//! document and frame validate with no error, on the synthetic fixture of every
//! definition of the embedded release and on `examples/kanta`; hostile values are refused
//! with a typed error; the header builder names what is missing.

use sosmeta_kanta::builder::{archive, ArchiveHeader, HeaderError, HeaderPart};
use sosmeta_kanta::fixtures::Spec;
use sosmeta_kanta::model::{ArchiveDocument, Payload};
use sosmeta_kanta::view::ArchiveView;
use sosmeta_kanta::writer::{document_from_view, frame_for, FrameOptions, WriteError};
use sosmeta_kanta::{read_cda, read_frame, write_cda, ArchiveOptions, ArchiveValidator};
use sosmeta_model::Definition;
use sosmeta_validate::report::DocumentResult;
use sosmeta_validate::{Severity, Validator};
use std::path::Path;
use std::sync::OnceLock;

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::from_static(sosmeta_generated::embedded_release()))
}

fn errors(r: &DocumentResult) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{} {:?} {} {}", f.rule, f.xpath, f.pointer, f.message))
        .collect()
}

fn definition_of(view: &ArchiveView) -> &'static Definition {
    let spec = &view
        .metadata
        .local_social_header
        .as_ref()
        .and_then(|l| l.content_specification_id.as_ref())
        .expect("contentSpecificationId")
        .value;
    let r: sosmeta_model::DefinitionRef = spec.parse().expect("dotted definition id");
    validator()
        .release()
        .resolve(&r)
        .expect("definition in the release")
}

/// What unwrap writes and wrap reads: the JSON view as JSON text.
fn unwrap_view(cda: &[u8]) -> (String, ArchiveView) {
    let view = ArchiveView::from_cda_bytes(cda).expect("view");
    (serde_json::to_string_pretty(&view).expect("json"), view)
}

/// wrap(unwrap(x)): the view text back to a document, written as XML.
fn wrap(view_json: &str) -> String {
    let view: ArchiveView = serde_json::from_str(view_json).expect("view parses");
    let def = definition_of(&view);
    let doc = document_from_view(&view, def).expect("document from view");
    write_cda(&doc).expect("CDA written")
}

fn check_round_trip(name: &str, cda: &[u8], frame: &[u8]) {
    let (text, view) = unwrap_view(cda);
    let rebuilt = wrap(&text);
    let (_, again) = unwrap_view(rebuilt.as_bytes());
    // Every header value (the JSON view of the header, positions aside) and the JSON.
    assert_eq!(
        serde_json::to_value(&view.metadata).unwrap(),
        serde_json::to_value(&again.metadata).unwrap(),
        "{name}: header changed"
    );
    assert_eq!(view.content, again.content, "{name}: JSON changed");
    assert_eq!(
        view.body.as_ref().and_then(|b| b.xhtml.clone()),
        again.body.as_ref().and_then(|b| b.xhtml.clone()),
        "{name}: display form changed"
    );
    assert!(rebuilt.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    // The frame: message values of the original frame, document values from the header.
    let original = read_frame(frame).expect("frame").frame;
    let new_frame = frame_for(&again.metadata, &FrameOptions::from_frame(&original))
        .to_xml()
        .expect("frame written");
    let av = ArchiveValidator::new(validator(), ArchiveOptions::default());
    let r = av.validate_cda(name, rebuilt.as_bytes(), Some(new_frame.as_bytes()));
    assert!(errors(&r).is_empty(), "{name}:\n{}", errors(&r).join("\n"));
    // A frame derived from the header alone validates too.
    let derived = frame_for(&again.metadata, &FrameOptions::default())
        .to_xml()
        .expect("frame written");
    let r = av.validate_cda(name, rebuilt.as_bytes(), Some(derived.as_bytes()));
    assert!(
        errors(&r).is_empty(),
        "{name} (derived frame):\n{}",
        errors(&r).join("\n")
    );
}

#[test]
fn round_trip_every_definition_fixture() {
    let mut n = 0;
    for def in validator().release().definitions() {
        let f = Spec::for_definition(def).build();
        // The fixture itself validates with no error, so the rebuilt one must too.
        check_round_trip(&def.id.dotted(), &f.cda, &f.frame);
        n += 1;
    }
    assert_eq!(n, validator().release().len());
}

#[test]
fn round_trip_examples() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/kanta");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("examples/kanta") {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".cda.xml") {
            let cda = std::fs::read(&p).unwrap();
            let frame = std::fs::read(dir.join(format!("{stem}.frame.xml"))).unwrap();
            check_round_trip(&name, &cda, &frame);
            n += 1;
        }
    }
    assert!(n >= 1, "no CDA in examples/kanta");
}

#[test]
fn signatures_are_written_back_unchanged() {
    let def = definition_of(&unwrap_view(&example_cda()).1);
    let (_, mut view) = unwrap_view(&example_cda());
    let lsh = view.metadata.local_social_header.as_mut().unwrap();
    assert_eq!(
        lsh.signature_collection.len(),
        1,
        "the example carries a signature"
    );
    // A signature written with another prefix for urn:hl7finland, declared on the root
    // in its source document.
    let ep2 = "<ep2:signature ID=\"sig.2\"><ep2:signatureDescription code=\"1\" codeSystem=\"1.2.246.537.5.40127.2006\"/><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignatureValue>QUJD</SignatureValue></Signature></ep2:signature>";
    lsh.signature_collection.push(ep2.to_string());
    let before = lsh.signature_collection.clone();
    let doc = document_from_view(&view, def).unwrap();
    let xml = write_cda(&doc).unwrap();
    let read = read_cda(xml.as_bytes()).unwrap();
    assert_eq!(read.document.header.lsh().signature_collection, before);
    assert!(read.namespace_issues.is_empty());
}

fn example_cda() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/kanta/asiakkuusasiakirja.cda.xml"),
    )
    .unwrap()
}

#[test]
fn hostile_signatures_are_refused() {
    let (_, view) = unwrap_view(&example_cda());
    let def = definition_of(&view);
    for (bad, why) in [
        (
            "<hl7fi:signature/></hl7fi:signatureCollection><injected/><hl7fi:signatureCollection>",
            "closes its parent",
        ),
        ("<hl7fi:signature>", "unclosed"),
        ("<x:signature xmlns:x=\"urn:other\"/>", "another namespace"),
        ("<hl7fi:signature/><hl7fi:signature/>", "two elements"),
        ("<hl7fi:signature/>text", "stray text"),
        ("plain text", "no element"),
        (
            "<hl7fi:signature><ds:Signature/></hl7fi:signature>",
            "unbound prefix",
        ),
        (
            "<hl7fi:signature>\u{1}</hl7fi:signature>",
            "control character",
        ),
    ] {
        let mut v = view.clone();
        v.metadata
            .local_social_header
            .as_mut()
            .unwrap()
            .signature_collection = vec![bad.to_string()];
        let doc = document_from_view(&v, def).unwrap();
        match write_cda(&doc) {
            Err(WriteError::Signature { index, xpath, .. }) => {
                assert_eq!(index, 1, "{why}");
                assert!(
                    xpath.ends_with("hl7fi:signatureCollection"),
                    "{why}: {xpath}"
                );
            }
            other => panic!("{why}: expected a signature error, got {other:?}"),
        }
    }
}

#[test]
fn values_are_escaped_and_control_characters_refused() {
    let (_, mut view) = unwrap_view(&example_cda());
    let def = definition_of(&view);
    let custodian = view.metadata.custodian.as_mut().unwrap();
    custodian.name = Some("A & B <\"Oy\"> 'x'".into());
    let doc = document_from_view(&view, def).unwrap();
    let xml = write_cda(&doc).unwrap();
    let read = read_cda(xml.as_bytes()).unwrap();
    assert_eq!(
        read.document.header.custodian.unwrap().name.as_deref(),
        Some("A & B <\"Oy\"> 'x'")
    );
    // Attribute values keep tabs and line breaks.
    let mut v2 = view.clone();
    v2.metadata
        .confidentiality_code
        .as_mut()
        .unwrap()
        .display_name = Some("a\tb\nc".into());
    let xml = write_cda(&document_from_view(&v2, def).unwrap()).unwrap();
    let read = read_cda(xml.as_bytes()).unwrap();
    assert_eq!(
        read.document
            .header
            .confidentiality_code
            .unwrap()
            .display_name
            .as_deref(),
        Some("a\tb\nc")
    );
    // A control character cannot be carried by XML 1.0.
    let mut v3 = view.clone();
    v3.metadata.custodian.as_mut().unwrap().name = Some("bad\u{7}".into());
    match write_cda(&document_from_view(&v3, def).unwrap()) {
        Err(WriteError::Character { xpath, code }) => {
            assert_eq!(code, 7);
            assert_eq!(
                xpath,
                "/ClinicalDocument/custodian/assignedCustodian/representedCustodianOrganization/name"
            );
        }
        other => panic!("expected a character error, got {other:?}"),
    }
}

#[test]
fn display_form_given_or_rendered() {
    let (_, view) = unwrap_view(&example_cda());
    let def = definition_of(&view);
    // Without a display form in the view, one is rendered with the body id.
    let mut v = view.clone();
    v.body = None;
    let doc = document_from_view(&v, def).unwrap();
    let xml = write_cda(&doc).unwrap();
    let back = ArchiveView::from_cda_bytes(xml.as_bytes()).unwrap();
    let body = back.body.unwrap();
    let id = format!("OID{}", view.metadata.document_id().unwrap());
    assert_eq!(body.id.as_deref(), Some(id.as_str()));
    let xhtml = body.xhtml.unwrap();
    assert!(xhtml.contains(&format!("id=\"{id}\"")), "{xhtml}");
    assert!(xhtml.contains("soc-document"));
    let r = ArchiveValidator::new(validator(), ArchiveOptions::default()).validate_cda(
        "rendered",
        xml.as_bytes(),
        None,
    );
    assert!(errors(&r).is_empty(), "{}", errors(&r).join("\n"));
    // A display form given with the wrong id or not well-formed is refused.
    for bad in [
        "<div xmlns=\"http://www.w3.org/1999/xhtml\" id=\"OID1\"/>",
        "<div xmlns=\"http://www.w3.org/1999/xhtml\" id=\"x\"><p></div>",
        "<html xmlns=\"http://www.w3.org/1999/xhtml\"/>",
    ] {
        let mut v = view.clone();
        v.body.as_mut().unwrap().xhtml = Some(bad.into());
        assert!(
            matches!(document_from_view(&v, def), Err(WriteError::Display { .. })),
            "{bad}"
        );
    }
    // A payload that did not decode when read is not written.
    let mut doc: ArchiveDocument = document_from_view(&view, def).unwrap();
    doc.body.as_mut().unwrap().structured.as_mut().unwrap().json = Payload::BadBase64("x".into());
    assert!(matches!(write_cda(&doc), Err(WriteError::Payload { .. })));
}

#[test]
fn content_of_another_definition_is_refused() {
    let (_, mut view) = unwrap_view(&example_cda());
    let def = definition_of(&view);
    view.content = Some(serde_json::json!({"muu": {}}));
    match document_from_view(&view, def) {
        Err(WriteError::Content {
            definition,
            message,
        }) => {
            assert_eq!(definition, def.id.dotted());
            assert!(message.contains("muu"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

// --- the typed builder -------------------------------------------------------------

use sosmeta_generated::asiakkuusasiakirja::v2023_06_01 as asiakkuus;

fn typed_doc() -> asiakkuus::Document {
    let def = asiakkuus::DEFINITION.model().unwrap();
    let json = sosmeta_model::samples::maximal(def).to_string();
    asiakkuus::Document::from_json(&json).expect("sample parses as the typed document")
}

fn full_builder() -> sosmeta_kanta::ArchiveHeaderBuilder {
    let t = chrono::DateTime::parse_from_rfc3339("2026-03-02T09:15:00+02:00").unwrap();
    ArchiveHeader::builder()
        .definition(asiakkuus::DEFINITION)
        .document_id("1.2.246.10.99999999.95777.2026.42")
        .effective_time(t)
        .client("010203A1230", "Maija", "Meikäläinen")
        .custodian("1.2.246.10.99999999.10.0", "Testin hyvinvointialue")
        .service_unit("1.2.246.10.99999999.10.2001", "Testin perhepalvelut")
        .software("Testitoimittaja Oy", "Testijärjestelmä", "1.0")
}

#[test]
fn typed_document_to_archive_validates() {
    let doc = typed_doc();
    let header = full_builder().build().expect("header");
    let a = archive(&doc, &header).expect("archive");
    let cda = a.to_xml().unwrap();
    let frame = a.frame_xml().unwrap();
    let r = ArchiveValidator::new(validator(), ArchiveOptions::default()).validate_cda(
        "typed",
        cda.as_bytes(),
        Some(frame.as_bytes()),
    );
    assert!(errors(&r).is_empty(), "{}", errors(&r).join("\n"));
    // The JSON inside is the typed document's JSON.
    let view = ArchiveView::from_cda_bytes(cda.as_bytes()).unwrap();
    assert_eq!(
        view.content.unwrap(),
        serde_json::from_str::<serde_json::Value>(&doc.to_json()).unwrap()
    );
    assert_eq!(
        view.metadata.document_id(),
        Some("1.2.246.10.99999999.95777.2026.42")
    );
    let f = read_frame(frame.as_bytes()).unwrap().frame;
    assert!(f
        .reason_code
        .iter()
        .any(|c| c.code.as_deref() == Some("SP1")));
}

#[test]
fn builder_names_the_missing_part() {
    let t = chrono::DateTime::parse_from_rfc3339("2026-03-02T09:15:00+02:00").unwrap();
    let missing = |b: sosmeta_kanta::ArchiveHeaderBuilder| match b.build() {
        Err(HeaderError::Missing { part }) => part,
        other => panic!("expected a missing part, got {other:?}"),
    };
    assert_eq!(
        missing(ArchiveHeader::builder()),
        HeaderPart::ContentSpecification
    );
    let b = ArchiveHeader::builder().definition(asiakkuus::DEFINITION);
    assert_eq!(missing(b.clone()), HeaderPart::DocumentId);
    let b = b.document_id("1.2.3");
    assert_eq!(missing(b.clone()), HeaderPart::EffectiveTime);
    let b = b.effective_time(t);
    assert_eq!(missing(b.clone()), HeaderPart::Client);
    let b = b.client("010203A1230", "Maija", "Meikäläinen");
    assert_eq!(missing(b.clone()), HeaderPart::Custodian);
    assert!(b.clone().custodian("1.2.4", "Org").build().is_ok());
    let e = b.clone().custodian("1.2.4", "Org").build();
    assert!(e.is_ok());
    // The message names the element and the Finnish name.
    let e = ArchiveHeader::builder()
        .definition(asiakkuus::DEFINITION)
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the header has no id@root (Asiakirjan tunniste)"
    );
    // A malformed id is refused, without echoing the value.
    match full_builder().document_id("not an oid").build() {
        Err(HeaderError::Invalid { part, message }) => {
            assert_eq!(part, HeaderPart::DocumentId);
            assert!(!message.contains("not an oid"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn client_documents_need_a_recorder_and_a_type() {
    let info = sosmeta_generated::DEFINITIONS
        .iter()
        .find(|d| d.oid.starts_with("1.2.246.537.6.1506."));
    let Some(info) = info else {
        panic!("the release has no client document")
    };
    let t = chrono::DateTime::parse_from_rfc3339("2026-03-02T09:15:00+02:00").unwrap();
    let b = ArchiveHeader::builder()
        .definition(info)
        .document_id("1.2.3")
        .effective_time(t)
        .client("010203A1230", "Maija", "Meikäläinen")
        .custodian("1.2.4", "Org");
    assert!(matches!(
        b.clone().build(),
        Err(HeaderError::Missing {
            part: HeaderPart::Recorder
        })
    ));
    assert!(matches!(
        b.clone()
            .recorder("100012345", "Testi", "Tallentaja")
            .build(),
        Err(HeaderError::Missing {
            part: HeaderPart::DocumentType
        })
    ));
    let h = b
        .recorder("100012345", "Testi", "Tallentaja")
        .document_type("15", "Suunnitelma")
        .build()
        .unwrap()
        .to_header();
    let code = h.lsh().specific_document_type.clone().unwrap();
    assert_eq!(
        code.code.as_deref(),
        info.oid.strip_prefix("1.2.246.537.6.1506.")
    );
    assert_eq!(
        h.lsh().document_group.clone().unwrap().code.as_deref(),
        Some("5")
    );
}

/// Every field of the header model, each with a value (codes with every attribute).
fn full_header() -> serde_json::Value {
    use serde_json::json;
    let code = json!({"code": "1", "codeSystem": "1.2.3.201601", "codeSystemName": "n", "displayName": "d", "nullFlavor": "NA"});
    let id = json!({"root": "1.2.3", "extension": "x", "nullFlavor": "NA"});
    let ts = json!({"value": "20260302091500+0200", "nullFlavor": "NA"});
    let name = json!({"given": ["Aino", "Maria"], "family": ["Testinen", "Toinen"]});
    let org = json!({"id": id, "name": "Org & Co"});
    json!({
        "realmCode": code, "typeId": id, "id": id, "code": code, "effectiveTime": ts,
        "confidentialityCode": code, "languageCode": code, "setId": id, "versionNumber": "2",
        "recordTarget": {"id": id, "name": name, "administrativeGenderCode": code, "birthTime": ts},
        "author": {"time": ts, "id": [id, {"root": "1.2.246.21", "extension": "010203A1230"}], "name": name},
        "custodian": org,
        "authorizationConsent": code,
        "encompassingEncounter": {"id": id, "effectiveTime": ts, "serviceUnit": org},
        "localSocialHeader": {
            "creationTime": ts, "specificDocumentType": code, "documentGroup": code,
            "fileFormat": code, "structuredFileFormat": code,
            "softwareSupport": {"moderator": "m", "product": "p", "version": "1"},
            "recordStatus": code, "registryType": code, "outsourcingServiceCustomer": id,
            "outsourcingServiceCustomerName": "Org", "totalRetentionPeriodClass": code,
            "specialContent": code, "contentSpecificationId": "1.2.246.537.6.1505.1.2023.6.1",
            "encompassingClientRelationship": id, "functionCode": [code, code], "serviceProcess": code,
            "inaccessibleArgument": code, "authorizationRestrictionArgument": "t <&> t",
            "signature": {"assignedAuthorSigner": id, "name": name, "authenticationMethod": code, "time": ts},
            "signatureCollection": ["<signature/>", "<hl7fi:signature ID=\"s2\">\n  <hl7fi:x/>\n</hl7fi:signature>"]
        }
    })
}

#[test]
fn every_header_field_round_trips() {
    let (_, example) = unwrap_view(&example_cda());
    let def = definition_of(&example);
    let full = full_header();
    let view = ArchiveView {
        metadata: serde_json::from_value(full.clone()).expect("every key is a model field"),
        body: None,
        content: example.content.clone(),
    };
    let xml = write_cda(&document_from_view(&view, def).unwrap()).unwrap();
    let back = ArchiveView::from_cda_bytes(xml.as_bytes()).unwrap();
    assert_eq!(serde_json::to_value(&back.metadata).unwrap(), full, "{xml}");
    assert_eq!(back.content, example.content);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Any text in a header value is either written and read back the same (trimmed, as
    /// the reader trims element text) or refused as a character XML cannot carry.
    #[test]
    fn any_value_is_written_and_read_back_or_refused(s in "\\PC{0,12}|[\\x00-\\x7f]{0,12}|.{0,12}") {
        let (_, mut view) = unwrap_view(&example_cda());
        let def = definition_of(&view);
        view.metadata.custodian.as_mut().unwrap().name = Some(s.clone());
        view.metadata.code.as_mut().unwrap().display_name = Some(s.clone());
        match write_cda(&document_from_view(&view, def).unwrap()) {
            Ok(xml) => {
                let back = read_cda(xml.as_bytes()).expect("the writer writes readable XML");
                let h = back.document.header;
                proptest::prop_assert_eq!(h.custodian.unwrap().name.unwrap(), s.trim());
                proptest::prop_assert_eq!(h.code.unwrap().display_name.unwrap(), s);
            }
            Err(WriteError::Character { code, .. }) => {
                proptest::prop_assert!(s.contains(char::from_u32(code).unwrap()));
            }
            Err(e) => proptest::prop_assert!(false, "{e}"),
        }
    }
}

/// The root README shows the typed archive example that this crate's README compiles and
/// runs as a doctest: the two copies are the same.
#[test]
fn readme_example_is_the_doctest() {
    let block = |path: &str| {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let start = text
            .find("```rust\nuse sosmeta_generated::asiakkuusasiakirja")
            .unwrap_or_else(|| panic!("{path} has no typed archive example"));
        let rest = &text[start..];
        rest[..rest.find("\n```\n").expect("closed block")].to_string()
    };
    let crate_readme = block("README.md");
    assert!(crate_readme.contains("archive(&doc, &header)?"));
    assert_eq!(block("../README.md"), crate_readme);
}

#[test]
fn a_malformed_view_names_the_pointer_and_echoes_no_value() {
    let (text, _) = unwrap_view(&example_cda());
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["metadata"]["recordTarget"]["id"] = "010203A1230".into();
    let bytes = serde_json::to_vec(&v).unwrap();
    match sosmeta_kanta::writer::view_from_json(&bytes) {
        Err(WriteError::View { pointer, message }) => {
            assert_eq!(pointer, "/metadata/recordTarget/id");
            assert!(!message.contains("010203A1230"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(sosmeta_kanta::writer::view_from_json(text.as_bytes()).is_ok());
    assert!(matches!(
        sosmeta_kanta::writer::view_from_json(b"{} x"),
        Err(WriteError::View { .. })
    ));
}
