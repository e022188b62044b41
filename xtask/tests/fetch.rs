//! `cargo xtask fetch` against HTTP servers started by the tests on 127.0.0.1: retries on
//! 5xx, truncated bodies and time-outs, Latin-1 bodies, paged code sets, a 404 that must
//! leave the previous bundle intact, zip import, verify and "unchanged".

use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use xtask::fetch::http::HttpOptions;
use xtask::fetch::{fetch, lock, DefinitionSource, Options};

const KOODI_OID: &str = "1.2.246.537.5.40175";
const DEF_OID: &str = "1.2.246.537.6.9999.1";

/// What the test server answers.
#[derive(Clone)]
enum Reply {
    Ok(Vec<u8>),
    Status(u16),
    /// Announce `declared` bytes, send `body`, close.
    Truncated(usize, Vec<u8>),
    /// Wait, then answer.
    Slow(Duration, Box<Reply>),
}

type Handler = dyn Fn(&str, usize) -> Reply + Send + Sync;

/// A tiny HTTP/1.1 server on 127.0.0.1 (one thread per connection, `Connection: close`).
struct Server {
    base: String,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    fn start(handler: Arc<Handler>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let h2 = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { break };
                let handler = handler.clone();
                let hits = h2.clone();
                std::thread::spawn(move || {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 1024];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match s.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&buf).to_string();
                    let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let n = {
                        let mut h = hits.lock().unwrap();
                        let e = h.entry(target.clone()).or_insert(0);
                        *e += 1;
                        *e
                    };
                    let mut reply = handler(&target, n);
                    while let Reply::Slow(d, r) = reply {
                        std::thread::sleep(d);
                        reply = *r;
                    }
                    let (status, declared, body) = match reply {
                        Reply::Ok(b) => (200, b.len(), b),
                        Reply::Status(c) => (c, 0, Vec::new()),
                        Reply::Truncated(d, b) => (200, d, b),
                        Reply::Slow(..) => unreachable!(),
                    };
                    let _ = write!(
                        s,
                        "HTTP/1.1 {status} X\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n"
                    );
                    let _ = s.write_all(&body);
                    let _ = s.flush();
                });
            }
        });
        Server { base, hits }
    }

    fn hits(&self, target: &str) -> usize {
        self.hits.lock().unwrap().get(target).copied().unwrap_or(0)
    }
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(rel),
    )
    .unwrap()
}

fn old_def() -> Vec<u8> {
    fixture(&format!("release-new/Vanhentunut/{DEF_OID}.2024.1.1.json"))
}

fn new_def() -> Vec<u8> {
    fixture(&format!("release-new/Valmis/{DEF_OID}.2025.1.1.json"))
}

fn latin1(bytes: &[u8]) -> Vec<u8> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 character"))
        .collect()
}

fn code(id: &str, fi: &str) -> Value {
    json!({"conceptCodeId": id, "status": "ACTIVE", "beginDate": "2000-01-01", "expirationDate": null,
           "attributes": [{"attributeName": "LongName", "attributeValue": [fi]}]})
}

fn page(n: u64) -> Vec<u8> {
    let codes = match n {
        1 => vec![code("fi", "suomi"), code("sv", "ruotsi")],
        2 => vec![code("en", "englanti"), code("de", "saksa")],
        _ => vec![code("se", "saame")],
    };
    serde_json::to_vec(
        &json!({"conceptCodes": codes, "page": n, "pageSize": 2, "totalItems": 5, "totalPages": 3}),
    )
    .unwrap()
}

fn page_path(n: u64) -> String {
    format!("/koodisto/v6/classifications/{KOODI_OID}/conceptcodes?status=ACTIVE&status=DELETED&pageSize=500&page={n}")
}

fn versions_path() -> String {
    format!("/koodisto/v6/classifications/{KOODI_OID}/versions")
}

const LISTING: &str = r#"<html><body>
<a href="/document-definitions/list/search?page=1">Haku</a>
<a href="/document-definitions/101/view">Testiasiakirja 2024</a>
<a href='/document-definitions/102/view'>Testiasiakirja 2025</a>
<a href="/document-definitions/101/schema">JSON</a>
</body></html>"#;

/// The healthy service: every route answers at once.
fn healthy(target: &str) -> Reply {
    match target {
        "/sosmeta/document-definitions/list/search" => Reply::Ok(LISTING.as_bytes().to_vec()),
        "/sosmeta/document-definitions/101/schema" => Reply::Ok(old_def()),
        "/sosmeta/document-definitions/102/schema" => Reply::Ok(new_def()),
        t if t == versions_path() => Reply::Ok(
            serde_json::to_vec(&json!([{"id": "7", "classificationName": "Kielikoodisto"}]))
                .unwrap(),
        ),
        t => (1..=3)
            .find(|n| t == page_path(*n))
            .map(|n| Reply::Ok(page(n)))
            .unwrap_or(Reply::Status(404)),
    }
}

fn options(server: &Server, out: &Path) -> Options {
    Options {
        out: out.to_path_buf(),
        definitions: DefinitionSource::Sosmeta(format!("{}/sosmeta/", server.base)),
        koodisto: Some(format!("{}/koodisto", server.base)),
        strict_koodistot: false,
        concurrency: 4,
        http: HttpOptions {
            timeout: Duration::from_millis(1500),
            retries: 2,
            backoff: Duration::from_millis(10),
            ..HttpOptions::default()
        },
        progress: false,
    }
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

fn siblings(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect()
}

#[test]
fn retries_decodes_pages_and_reruns_unchanged() {
    let server = Server::start(Arc::new(|t: &str, n: usize| match t {
        // A 500 then success.
        "/sosmeta/document-definitions/102/schema" if n == 1 => Reply::Status(500),
        // A Latin-1 body.
        "/sosmeta/document-definitions/101/schema" => Reply::Ok(latin1(&old_def())),
        // A truncated body, then the full one.
        t if t == page_path(2) && n == 1 => Reply::Truncated(5000, page(2)[..20].to_vec()),
        // A response slower than the time-out, then a quick one.
        t if t == versions_path() && n == 1 => {
            Reply::Slow(Duration::from_millis(4000), Box::new(healthy(t)))
        }
        t => healthy(t),
    }));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    let s = fetch(&options(&server, &out)).unwrap();
    assert!(!s.unchanged);
    assert_eq!(
        (s.definitions, s.versions, s.code_sets, s.codes),
        (1, 2, 1, 5),
        "{s}"
    );
    assert_eq!(s.latin1.len(), 1, "{s}");
    assert_eq!(server.hits("/sosmeta/document-definitions/102/schema"), 2);
    assert_eq!(server.hits(&page_path(2)), 2);
    assert_eq!(server.hits(&page_path(3)), 1, "the last page is read");
    assert_eq!(server.hits(&versions_path()), 2);

    // The bundle: definitions by status, code set, lock.
    let old_file = out.join(format!("Vanhentunut/{DEF_OID}.2024.1.1.json"));
    let text = std::fs::read_to_string(&old_file).unwrap();
    assert!(text.contains("Lisätieto"), "Latin-1 re-encoded as UTF-8");
    assert_eq!(
        std::fs::read(out.join(format!("Valmis/{DEF_OID}.2025.1.1.json"))).unwrap(),
        new_def()
    );
    let sets = sosmeta_model::koodisto::CodeSets::load_bundle(&out)
        .unwrap()
        .unwrap();
    let set = sets.get(KOODI_OID).unwrap();
    assert_eq!(set.name.as_deref(), Some("Kielikoodisto"));
    assert!(set.get("se").is_some(), "code from the last page");
    assert!(sets.check(KOODI_OID, "fi", Some("suomi"), None).is_ok());
    let lk = lock::Lock::read(&out).unwrap();
    assert_eq!(lk.files.len(), 3);
    assert_eq!(lk.definitions, 2);
    assert!(lk
        .files
        .iter()
        .any(|f| f.source.ends_with("/document-definitions/101/schema")));
    assert!(lock::verify(&out).unwrap().is_ok());
    assert!(
        !siblings(&out).iter().any(|n| n.starts_with(".bundle.")),
        "no temp folders left"
    );

    // A re-run against unchanged sources rewrites nothing.
    let before = snapshot(&out);
    let again = fetch(&options(&server, &out)).unwrap();
    assert!(again.unchanged, "{again}");
    assert!(again.to_string().starts_with("unchanged"));
    assert_eq!(snapshot(&out), before);

    // --verify through the binary; then a tampered file is found.
    let bin = env!("CARGO_BIN_EXE_xtask");
    let ok = std::process::Command::new(bin)
        .args(["fetch", "--verify", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{ok:?}");
    std::fs::write(&old_file, text.replace("Lisätieto", "Lisatieto")).unwrap();
    let bad = std::process::Command::new(bin)
        .args(["fetch", "--verify", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1), "{bad:?}");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("changed: Vanhentunut/"));
    // A new fetch repairs it.
    let fixed = fetch(&options(&server, &out)).unwrap();
    assert!(!fixed.unchanged);
    assert!(lock::verify(&out).unwrap().is_ok());
}

#[test]
fn failures_leave_the_previous_bundle_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    let good = Server::start(Arc::new(|t: &str, _| healthy(t)));
    fetch(&options(&good, &out)).unwrap();
    let before = snapshot(&out);

    // A 404 for one schema: a clear error naming the URL.
    let s404 = Server::start(Arc::new(|t: &str, _| match t {
        "/sosmeta/document-definitions/102/schema" => Reply::Status(404),
        t => healthy(t),
    }));
    let e = format!("{:#}", fetch(&options(&s404, &out)).unwrap_err());
    assert!(
        e.contains("404") && e.contains("/document-definitions/102/schema"),
        "{e}"
    );
    assert_eq!(
        s404.hits("/sosmeta/document-definitions/102/schema"),
        1,
        "4xx is not retried"
    );
    assert_eq!(snapshot(&out), before);

    // A page that is always truncated.
    let trunc = Server::start(Arc::new(|t: &str, _| {
        if t == page_path(3) {
            Reply::Truncated(4000, b"{\"conceptCodes\": [".to_vec())
        } else {
            healthy(t)
        }
    }));
    let e = format!("{:#}", fetch(&options(&trunc, &out)).unwrap_err());
    assert!(e.contains(KOODI_OID) && e.contains("attempts"), "{e}");
    assert_eq!(trunc.hits(&page_path(3)), 3);
    assert_eq!(snapshot(&out), before);

    // A schema that is always slower than the time-out.
    let slow = Server::start(Arc::new(|t: &str, _| {
        if t == "/sosmeta/document-definitions/101/schema" {
            Reply::Slow(Duration::from_millis(3000), Box::new(healthy(t)))
        } else {
            healthy(t)
        }
    }));
    let mut o = options(&slow, &out);
    o.http.timeout = Duration::from_millis(500);
    o.http.retries = 1;
    let e = format!("{:#}", fetch(&o).unwrap_err());
    assert!(e.contains("/document-definitions/101/schema"), "{e}");
    assert_eq!(snapshot(&out), before);

    // A 503 on every attempt.
    let down = Server::start(Arc::new(|_: &str, _| Reply::Status(503)));
    let e = format!("{:#}", fetch(&options(&down, &out)).unwrap_err());
    assert!(e.contains("503") && e.contains("3 attempts"), "{e}");
    assert_eq!(snapshot(&out), before);
    assert_eq!(siblings(&out), ["bundle"], "no temp folders left");
}

#[test]
fn imports_a_zip_and_handles_missing_code_sets() {
    let tmp = tempfile::tempdir().unwrap();
    let zpath = tmp.path().join("all_sosmeta_schemas_2025-01-01.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zpath).unwrap());
    let o = zip::write::SimpleFileOptions::default();
    z.start_file(format!("Valmis/{DEF_OID}.2025.1.1.json"), o)
        .unwrap();
    z.write_all(&new_def()).unwrap();
    z.start_file(format!("Vanhentunut/{DEF_OID}.2024.1.1.json"), o)
        .unwrap();
    z.write_all(&latin1(&old_def())).unwrap();
    z.finish().unwrap();

    let server = Server::start(Arc::new(|t: &str, _| healthy(t)));
    let out = tmp.path().join("b");
    let mut opts = options(&server, &out);
    opts.definitions = DefinitionSource::Zip(zpath.clone());
    let s = fetch(&opts).unwrap();
    assert_eq!((s.versions, s.code_sets), (2, 1));
    let lk = lock::Lock::read(&out).unwrap();
    assert_eq!(
        lk.sources.zip.as_deref(),
        Some("all_sosmeta_schemas_2025-01-01.zip")
    );
    assert!(lk.files.iter().any(|f| f.source.contains(".zip!Valmis/")));
    let release = sosmeta_model::Release::load(&out).unwrap();
    assert_eq!(release.len(), 2);

    // Koodistopalvelu without the classification: listed as missing, or an error when strict.
    let empty = Server::start(Arc::new(|_: &str, _| Reply::Status(404)));
    let out2 = tmp.path().join("c");
    let mut opts = options(&empty, &out2);
    opts.definitions = DefinitionSource::Zip(zpath);
    let s = fetch(&opts).unwrap();
    assert_eq!(s.missing_code_sets, [KOODI_OID]);
    assert_eq!(
        lock::Lock::read(&out2).unwrap().missing_code_sets,
        [KOODI_OID]
    );
    assert!(sosmeta_model::koodisto::CodeSets::load_bundle(&out2)
        .unwrap()
        .is_none());
    opts.strict_koodistot = true;
    opts.out = tmp.path().join("d");
    assert!(fetch(&opts).is_err());
    assert!(!tmp.path().join("d").exists());
}

#[test]
fn listing_links() {
    assert_eq!(xtask::fetch::listing_ids(LISTING), ["101", "102"]);
    assert!(xtask::fetch::listing_ids("<html></html>").is_empty());
}
