//! The Kanta contract, exercised with a client that sends exactly what the public clients
//! send: a random UUID messageId, the service request read from the frame, level "1",
//! both XMLs as strings (with an XML declaration and LF line ends), JSON over HTTP/1.1.

mod common;

use common::{plan, post, Server};
use sosmeta_kanta::fixtures::{Fault, Fixture, Spec};
use sosmeta_serve::KANTA_PATH;
use sosmeta_validate::RULES;

/// The service request of a frame, as a client reads it: the
/// `controlActProcess/reasonCode` in code system 1.2.246.537.6.1503(.201601).
fn service_request(frame: &str) -> String {
    let doc = roxmltree::Document::parse(frame).expect("the frame parses");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "reasonCode")
        .filter(|n| {
            n.parent()
                .is_some_and(|p| p.tag_name().name() == "controlActProcess")
        })
        .find(|n| {
            n.attribute("codeSystem")
                .is_some_and(|s| s.starts_with("1.2.246.537.6.1503"))
        })
        .and_then(|n| n.attribute("code"))
        .expect("the frame states a service request")
        .to_string()
}

/// The text a client sends: LF line ends, an XML declaration saying UTF-8.
fn as_sent(xml: &[u8]) -> String {
    let text = String::from_utf8_lossy(xml).replace("\r\n", "\n");
    if text.trim_start().starts_with("<?xml") {
        text
    } else {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{text}")
    }
}

/// The request body of a public client.
fn payload(f: &Fixture) -> (String, serde_json::Value) {
    let frame = as_sent(&f.frame);
    let id = uuid::Uuid::new_v4().to_string();
    let body = serde_json::json!({
        "messageId": id,
        "palveluPyynto": service_request(&frame),
        "level": "1",
        "siirtokehysXml": frame,
        "asiakirjaXml": as_sent(&f.cda),
    });
    (id, body)
}

async fn send(server: &Server, body: &serde_json::Value) -> common::Answer {
    post(
        &server.url(KANTA_PATH),
        "application/json",
        serde_json::to_vec(body).unwrap(),
    )
    .await
}

/// The numbered messages of a description: `(number, rule id, rest)`.
fn messages(description: &str) -> Vec<(usize, String, String)> {
    description
        .split("; ")
        .map(|m| {
            let (n, rest) = m.split_once(": ").expect("`N: ` before each message");
            let (rule, text) = rest.split_once(": ").expect("`rule: ` in each message");
            (
                n.parse().expect("a number"),
                rule.to_string(),
                text.to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_document_gets_an_empty_200() {
    let server = Server::default().await;
    let f = Spec::for_definition(plan()).build();
    let (_, body) = payload(&f);
    let a = send(&server, &body).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert!(a.body.is_empty(), "a valid answer is empty: {}", a.text());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_document_gets_numbered_messages_with_rule_ids() {
    let server = Server::default().await;
    // Header, frame, XML and content faults.
    for fault in [
        Fault::Realm,
        Fault::TypeId,
        Fault::MissingLanguage,
        Fault::FrameMismatch,
        Fault::ServiceRequest,
        Fault::ContentExtraElement,
        Fault::IllFormed,
    ] {
        let f = Spec::for_definition(plan()).build_with(fault);
        let (id, body) = payload(&f);
        let a = send(&server, &body).await;
        assert_eq!(a.status, 400, "{fault:?}: {}", a.text());
        assert!(a.content_type.starts_with("application/json"), "{fault:?}");
        let v = a.json();
        assert_eq!(
            v["messageId"],
            id.as_str(),
            "{fault:?}: the message id is echoed"
        );
        let d = v["description"].as_str().expect("a description string");
        let msgs = messages(d);
        assert!(!msgs.is_empty(), "{fault:?}");
        for (i, (n, rule, text)) in msgs.iter().enumerate() {
            assert_eq!(*n, i + 1, "{fault:?}: numbered from 1 in order: {d}");
            assert!(
                RULES.iter().any(|r| r.id == rule),
                "{fault:?}: `{rule}` is a rule of the registry: {d}"
            );
            assert!(!text.trim().is_empty(), "{fault:?}: {d}");
        }
        let expected = fault.rule().to_string();
        assert!(
            msgs.iter().any(|(_, r, _)| *r == expected),
            "{fault:?}: the fault's rule {expected} is among the messages: {d}"
        );
        // Every finding, with its location, beside the description.
        let findings = v["findings"].as_array().expect("findings");
        let hit = findings
            .iter()
            .find(|x| x["rule"] == expected.as_str())
            .expect("the fault's finding");
        assert!(
            hit["xpath"].is_string() || hit["pointer"].as_str().is_some_and(|p| !p.is_empty()),
            "{fault:?}: the finding has a location: {hit}"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warnings_alone_leave_a_document_valid() {
    let server = Server::default().await;
    let fault = Fault::SetId;
    assert_eq!(fault.rule().severity(), sosmeta_validate::Severity::Warning);
    let f = Spec::for_definition(plan()).build_with(fault);
    let (_, body) = payload(&f);
    let a = send(&server, &body).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert!(a.body.is_empty(), "{}", a.text());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_request_other_than_the_frames_is_reported() {
    let server = Server::default().await;
    let f = Spec::for_definition(plan()).build();
    let (_, mut body) = payload(&f);
    let stated = body["palveluPyynto"].as_str().unwrap().to_string();
    let other = if stated == "SP1" { "SP17" } else { "SP1" };
    body["palveluPyynto"] = other.into();
    let a = send(&server, &body).await;
    assert_eq!(a.status, 400, "{}", a.text());
    let d = a.json()["description"].as_str().unwrap().to_string();
    let msgs = messages(&d);
    assert_eq!(msgs.len(), 1, "{d}");
    assert_eq!(msgs[0].1, "frame.service-request", "{d}");
    assert!(
        msgs[0].2.contains(other) && msgs[0].2.contains(&stated),
        "{d}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_not_of_the_contracts_shape_get_400_with_a_description() {
    let server = Server::default().await;
    let f = Spec::for_definition(plan()).build();
    let (_, body) = payload(&f);
    let cases = [
        ("not JSON", b"<xml/>".to_vec()),
        ("no CDA", {
            let mut b = body.clone();
            b.as_object_mut().unwrap().remove("asiakirjaXml");
            serde_json::to_vec(&b).unwrap()
        }),
        ("no frame", {
            let mut b = body.clone();
            b["siirtokehysXml"] = "".into();
            serde_json::to_vec(&b).unwrap()
        }),
    ];
    for (what, bytes) in cases {
        let a = post(&server.url(KANTA_PATH), "application/json", bytes).await;
        assert_eq!(a.status, 400, "{what}: {}", a.text());
        let d = a.json()["description"].as_str().unwrap().to_string();
        assert!(d.starts_with("1: "), "{what}: {d}");
    }
    // Not a CDA at all: a finding of the XML reader, not a request error.
    let mut b = body.clone();
    b["asiakirjaXml"] = "{\"not\": \"xml\"}".into();
    let a = post(
        &server.url(KANTA_PATH),
        "application/json",
        serde_json::to_vec(&b).unwrap(),
    )
    .await;
    assert_eq!(a.status, 400, "{}", a.text());
    let d = a.json()["description"].as_str().unwrap().to_string();
    assert!(d.starts_with("1: cda."), "{d}");
    server.stop().await;
}
