//! The JSON API, the web page's assets and the limits.

mod common;

use common::{get, multipart, plan, post, validator, Server};
use sosmeta_kanta::fixtures::{Fault, Spec};
use sosmeta_kanta::view::ArchiveView;
use sosmeta_kanta::{ArchiveOptions, ArchiveValidator};
use sosmeta_serve::Limits;
use std::io::{Read, Write};
use std::time::Duration;

/// A JSON document with its first (required) member taken out.
fn broken_document() -> (Vec<u8>, String) {
    let release = sosmeta_generated::embedded_release();
    let def = release
        .in_force("1.2.246.537.6.1505.1")
        .expect("asiakkuusasiakirja");
    let mut doc = sosmeta_model::samples::minimal(def);
    let root = doc.as_object_mut().unwrap().values_mut().next().unwrap();
    let first = root.as_object().unwrap().keys().next().unwrap().clone();
    root.as_object_mut().unwrap().remove(&first);
    (serde_json::to_vec(&doc).unwrap(), first)
}

/// What the library says of the same input, as `sosmeta validate -f json` writes it.
fn direct(name: &str, bytes: &[u8], frame: Option<&[u8]>) -> serde_json::Value {
    let v = validator();
    let a = ArchiveValidator::new(&v, ArchiveOptions::default());
    let r = a.validate_any(name, bytes, |_| frame.map(std::borrow::Cow::Borrowed));
    serde_json::to_value(r).unwrap()
}

fn check_report(v: &serde_json::Value) -> &serde_json::Value {
    assert!(v["validator"]
        .as_str()
        .unwrap()
        .starts_with("sosmeta-validate "));
    assert_eq!(v["release"], "2025-05-20");
    assert_eq!(v["summary"]["files"], 1);
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    &results[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_a_json_document() {
    let server = Server::default().await;
    let (doc, missing) = broken_document();
    let a = post(
        &server.url("/api/validate?name=doc.json"),
        "application/json",
        doc.clone(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
    let v = a.json();
    let r = check_report(&v);
    assert_eq!(
        *r,
        direct("doc.json", &doc, None),
        "the same result as the library's"
    );
    assert_eq!(r["valid"], false);
    assert_eq!(v["summary"]["invalid"], 1);
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "schema.required")
        .expect("schema.required");
    assert!(f["message"].as_str().unwrap().contains(&missing), "{f}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_a_cda_with_its_frame_a_frame_alone_and_a_json_view() {
    let server = Server::default().await;
    let f = Spec::for_definition(plan()).build_with(Fault::Realm);
    // CDA + frame as a form (what the web page sends).
    let (ct, body) = multipart(&[("document", &f.cda), ("frame", &f.frame)]);
    let a = post(&server.url("/api/validate"), &ct, body).await;
    assert_eq!(a.status, 200, "{}", a.text());
    let v = a.json();
    let r = check_report(&v);
    assert_eq!(r["input"], "archive");
    assert_eq!(r["file"], "document.txt", "the uploaded file's name");
    assert_eq!(*r, direct("document.txt", &f.cda, Some(&f.frame)));
    let realm = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "cda.realm")
        .expect("cda.realm");
    assert_eq!(realm["xpath"], "/ClinicalDocument/realmCode");

    // The frame alone.
    let a = post(
        &server.url("/api/validate"),
        "application/xml",
        f.frame.clone(),
    )
    .await;
    let v = a.json();
    let r = check_report(&v);
    assert_eq!(r["findings"][0]["rule"], "frame.unpaired", "{r}");
    assert!(
        r["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1.2.246.10.99999999"),
        "names the document id: {r}"
    );

    // The JSON view of a CDA with a wrong setId.
    let f = Spec::for_definition(plan()).build_with(Fault::SetId);
    let view = serde_json::to_vec(&ArchiveView::from_cda_bytes(&f.cda).unwrap()).unwrap();
    let a = post(
        &server.url("/api/validate"),
        "application/json",
        view.clone(),
    )
    .await;
    let v = a.json();
    let r = check_report(&v);
    assert_eq!(r["input"], "archive-view");
    assert_eq!(*r, direct("document", &view, None));
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["rule"] == Fault::SetId.rule().to_string().as_str()),
        "{r}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_health_example_and_render() {
    let server = Server::default().await;
    let a = get(&server.url("/api/rules")).await;
    let rules = a.json();
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = sosmeta_validate::RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, expected);

    let h = get(&server.url("/healthz")).await.json();
    assert_eq!(h["status"], "ok");
    assert_eq!(
        h["definitions"],
        sosmeta_generated::embedded_release().len()
    );

    let ex = get(&server.url("/api/example")).await;
    assert_eq!(ex.status, 200);
    let doc = ex.json();
    assert!(doc.get("asiakkuusasiakirja").is_some(), "{doc}");
    let missing = get(&server.url("/api/example?definition=1.2.3.4")).await;
    assert_eq!(missing.status, 404);

    // The display form of a JSON document, in Swedish, and of a CDA.
    let a = post(
        &server.url("/api/render?lang=sv"),
        "application/json",
        serde_json::to_vec(&doc).unwrap(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert!(a.content_type.starts_with("application/xhtml+xml"));
    assert!(a.text().contains("lang=\"sv\""), "{}", a.text());
    let f = Spec::for_definition(plan()).build();
    let a = post(&server.url("/api/render"), "application/xml", f.cda.clone()).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert!(
        a.text().contains(&plan().id.to_string()),
        "the CDA's definition"
    );
    // The CDA's header reaches the display form: its root div carries "OID" + the
    // document id, as the CDA's nonXMLBody@ID does.
    let read = sosmeta_kanta::read_cda(&f.cda).unwrap();
    let id = read
        .document
        .header
        .document_id()
        .expect("document id")
        .to_string();
    assert!(
        a.text().contains(&format!("id=\"OID{id}\"")),
        "the header's document id: {}",
        a.text()
    );
    let a = post(
        &server.url("/api/render"),
        "application/json",
        b"[1,2".to_vec(),
    )
    .await;
    assert_eq!(a.status, 422, "{}", a.text());
    assert!(a.json()["error"].is_string());
    let a = post(
        &server.url("/api/render?lang=de"),
        "application/json",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(a.status, 400);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_and_its_assets_work_offline() {
    let server = Server::default().await;
    let page = get(&server.url("/")).await;
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    let html = page.text();
    for asset in ["/app.js", "/style.css"] {
        assert!(html.contains(asset), "the page links {asset}");
        let a = get(&server.url(asset)).await;
        assert_eq!(a.status, 200, "{asset}");
        assert!(!a.body.is_empty());
        // No external assets: nothing fetched from another host.
        for text in [a.text(), html.clone()] {
            assert!(
                !text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"),
                "{asset}"
            );
        }
    }
    assert_eq!(get(&server.url("/nothing-here")).await.status, 404);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_gets_413() {
    let limits = Limits {
        max_body: 4096,
        ..Limits::default()
    };
    let server = Server::start(limits).await;
    let (doc, _) = broken_document();
    assert!(doc.len() < 4096);
    let ok = post(&server.url("/api/validate"), "application/json", doc).await;
    assert_eq!(ok.status, 200);
    let big = vec![b' '; 8192];
    for path in ["/api/validate", "/api/render", sosmeta_serve::KANTA_PATH] {
        let a = post(&server.url(path), "application/json", big.clone()).await;
        assert_eq!(a.status, 413, "{path}: {}", a.text());
    }
    server.stop().await;
}

/// Open a connection and send the head of a POST whose body never fully arrives.
fn slow_client(addr: std::net::SocketAddr) -> std::net::TcpStream {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":")
        .unwrap();
    s
}

fn status_line(s: &mut std::net::TcpStream) -> String {
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_times_out_and_does_not_block_others() {
    let limits = Limits {
        timeout: Duration::from_millis(500),
        max_concurrent: 2,
        ..Limits::default()
    };
    let server = Server::start(limits).await;
    let addr = server.addr;
    let mut slow = tokio::task::spawn_blocking(move || slow_client(addr))
        .await
        .unwrap();
    // Another client is answered while the slow one holds its connection.
    let (doc, _) = broken_document();
    let a = post(&server.url("/api/validate"), "application/json", doc).await;
    assert_eq!(a.status, 200);
    // The slow one gets 408 once its time is up.
    let line = tokio::task::spawn_blocking(move || status_line(&mut slow))
        .await
        .unwrap();
    assert!(line.starts_with("HTTP/1.1 408"), "{line}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_concurrency_limit_a_request_gets_503_at_once() {
    let limits = Limits {
        timeout: Duration::from_secs(5),
        max_concurrent: 1,
        ..Limits::default()
    };
    let server = Server::start(limits).await;
    let addr = server.addr;
    // One slow request holds the only slot.
    let slow = tokio::task::spawn_blocking(move || slow_client(addr))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let a = get(&server.url("/healthz")).await;
    assert_eq!(a.status, 503, "{}", a.text());
    drop(slow);
    server.stop().await;
}
