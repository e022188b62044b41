//! A server on a free loopback port, and a plain HTTP/1.1 client (hyper) for the tests.

#![allow(dead_code, unreachable_pub)]

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sosmeta_kanta::ArchiveOptions;
use sosmeta_model::Definition;
use sosmeta_serve::{AppState, Limits};
use sosmeta_validate::Validator;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

/// The validator of the embedded release, shared by every test.
pub fn validator() -> Arc<Validator> {
    static V: OnceLock<Arc<Validator>> = OnceLock::new();
    V.get_or_init(|| Arc::new(Validator::from_static(sosmeta_generated::embedded_release())))
        .clone()
}

/// A client plan (asiakassuunnitelma) definition of the embedded release.
pub fn plan() -> &'static Definition {
    sosmeta_generated::embedded_release()
        .get_version("1.2.246.537.6.1506.15007", "2024-11-28".parse().unwrap())
        .expect("definition in the embedded release")
}

/// A running server; stops when dropped.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    /// Start a server with these limits on a free port.
    pub async fn start(limits: Limits) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::new(validator(), ArchiveOptions::default(), false);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            sosmeta_serve::serve(listener, state, limits, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Server {
            addr,
            stop: Some(tx),
            handle: Some(handle),
        }
    }

    /// Start with the default limits.
    pub async fn default() -> Server {
        Server::start(Limits::default()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stop and wait until the server has finished.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            h.await.unwrap();
        }
    }
}

/// An answer: status, content type, body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(500)])
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Send one request.
pub async fn request(method: &str, url: &str, content_type: Option<&str>, body: Vec<u8>) -> Answer {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut req = hyper::Request::builder().method(method).uri(url);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let resp = client
        .request(req.body(Full::new(Bytes::from(body))).unwrap())
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        content_type,
        body,
    }
}

pub async fn get(url: &str) -> Answer {
    request("GET", url, None, Vec::new()).await
}

pub async fn post(url: &str, content_type: &str, body: impl Into<Vec<u8>>) -> Answer {
    request("POST", url, Some(content_type), body.into()).await
}

/// A multipart form with the given (part name, bytes).
pub fn multipart(parts: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----sosmeta-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.txt\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
