//! A bounded load test on loopback (ignored by default; it measures, it does not judge):
//!
//! ```sh
//! cargo test --release -p sosmeta-serve --test load -- --ignored --nocapture
//! ```
//!
//! `SOSMETA_LOAD_REQUESTS` (default 2000 per kind) and `SOSMETA_LOAD_CLIENTS` (default 8)
//! set the size; each kind stops after 30 s whatever the count. Prints requests per second
//! and latency percentiles per kind; asserts only that every answer was the expected one.

mod common;

use common::{plan, Server};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sosmeta_kanta::fixtures::Spec;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Kind {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    content_type: &'static str,
    body: Bytes,
    status: u16,
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn load_on_loopback() {
    let requests = env("SOSMETA_LOAD_REQUESTS", 2000);
    let clients = env("SOSMETA_LOAD_CLIENTS", 8).max(1);
    let server = Server::default().await;
    let f = Spec::for_definition(plan()).build();
    let cda = String::from_utf8(f.cda.clone()).unwrap();
    let frame = String::from_utf8(f.frame.clone()).unwrap();
    let kanta = serde_json::json!({
        "messageId": "6f1c1d7e-1a44-4c1b-9a0e-2b8d0c6f1e01",
        "palveluPyynto": "SP17",
        "level": "1",
        "siirtokehysXml": frame,
        "asiakirjaXml": cda,
    });
    let json_doc = sosmeta_model::samples::maximal(plan());
    let kinds = [
        Kind {
            name: "GET /healthz",
            method: "GET",
            path: "/healthz",
            content_type: "text/plain",
            body: Bytes::new(),
            status: 200,
        },
        Kind {
            name: "POST Kanta contract (valid CDA+frame)",
            method: "POST",
            path: sosmeta_serve::KANTA_PATH,
            content_type: "application/json",
            body: Bytes::from(serde_json::to_vec(&kanta).unwrap()),
            status: 200,
        },
        Kind {
            name: "POST /api/validate (JSON document)",
            method: "POST",
            path: "/api/validate",
            content_type: "application/json",
            body: Bytes::from(serde_json::to_vec(&json_doc).unwrap()),
            status: 200,
        },
    ];
    println!(
        "load: {requests} requests per kind, {clients} clients, {} cores, CDA {} bytes",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        f.cda.len()
    );
    for kind in kinds {
        let kind = Arc::new(kind);
        let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let url = server.url(kind.path);
        // Warm up (compiles the definition's schema once).
        for _ in 0..5 {
            let req = hyper::Request::builder()
                .method(kind.method)
                .uri(&url)
                .header("content-type", kind.content_type)
                .body(Full::new(kind.body.clone()))
                .unwrap();
            let r = client.request(req).await.unwrap();
            assert_eq!(r.status().as_u16(), kind.status, "{}", kind.name);
            r.into_body().collect().await.unwrap();
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        let start = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..clients {
            let n = requests / clients + usize::from(c < requests % clients);
            let (client, url, kind) = (client.clone(), url.clone(), kind.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::with_capacity(n);
                for _ in 0..n {
                    if Instant::now() > deadline {
                        break;
                    }
                    let t = Instant::now();
                    let req = hyper::Request::builder()
                        .method(kind.method)
                        .uri(&url)
                        .header("content-type", kind.content_type)
                        .body(Full::new(kind.body.clone()))
                        .unwrap();
                    let r = client.request(req).await.unwrap();
                    let status = r.status().as_u16();
                    r.into_body().collect().await.unwrap();
                    assert_eq!(status, kind.status, "{}", kind.name);
                    lat.push(t.elapsed());
                }
                lat
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let secs = start.elapsed().as_secs_f64();
        all.sort();
        let pct = |p: f64| {
            let i = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
            all[i].as_secs_f64() * 1e3
        };
        println!(
            "load: {:<40} {:>6} requests in {:>5.2} s: {:>7.0} req/s, p50 {:>6.2} ms, p99 {:>6.2} ms, max {:>6.2} ms",
            kind.name,
            all.len(),
            secs,
            all.len() as f64 / secs,
            pct(0.50),
            pct(0.99),
            all.last().unwrap().as_secs_f64() * 1e3
        );
    }
    server.stop().await;
}
