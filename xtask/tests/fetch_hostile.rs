//! `cargo xtask fetch` against hostile servers on 127.0.0.1 (issue 17): endless bodies,
//! redirects to other hosts, `Retry-After`, the overall deadline, page counts, argument
//! values; the atomic swap; and the committed lock of the pinned corpus (issue 18).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xtask::fetch::http::{origin_of, Http, HttpError, HttpOptions};
use xtask::fetch::{fetch, lock, DefinitionSource, Options};

/// Every request target seen, in order.
type Seen = Arc<Mutex<Vec<String>>>;

/// A tiny HTTP/1.1 server: `respond(target, n)` writes the whole response (status line,
/// headers, body) to the stream; `n` counts requests.
fn serve(
    respond: impl Fn(&str, usize, &mut std::net::TcpStream) + Send + Sync + 'static,
) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let s2 = seen.clone();
    let respond = Arc::new(respond);
    let count = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { break };
            let (respond, seen, count) = (respond.clone(), s2.clone(), count.clone());
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
                seen.lock().unwrap().push(target.clone());
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                respond(&target, n, &mut s);
                let _ = s.flush();
            });
        }
    });
    (base, seen)
}

fn ok(s: &mut std::net::TcpStream, body: &[u8]) {
    let _ = write!(
        s,
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(body);
}

fn opts() -> HttpOptions {
    HttpOptions {
        timeout: Duration::from_secs(5),
        retries: 2,
        backoff: Duration::from_millis(10),
        max_body: 1 << 20,
        ..HttpOptions::default()
    }
}

#[test]
fn an_endless_body_stops_at_the_limit() {
    let sent = Arc::new(AtomicUsize::new(0));
    let s2 = sent.clone();
    let (base, _) = serve(move |_, _, s| {
        // No Content-Length: the size is not known in advance.
        let _ = write!(s, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        let chunk = vec![b'x'; 64 << 10];
        while s.write_all(&chunk).is_ok() {
            if s2.fetch_add(chunk.len(), Ordering::SeqCst) > 256 << 20 {
                break;
            }
        }
    });
    let http = Http::new(opts()).unwrap();
    let e = http.get(&format!("{base}/endless")).unwrap_err();
    assert!(
        matches!(e, HttpError::TooLarge { limit, .. } if limit == 1 << 20),
        "{e}"
    );
    assert!(
        e.to_string().contains("over the limit of 1048576 bytes"),
        "{e}"
    );
    // The client stopped reading near the limit; the server could not push much more
    // than the socket buffers hold.
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        sent.load(Ordering::SeqCst) < 64 << 20,
        "{}",
        sent.load(Ordering::SeqCst)
    );
}

#[test]
fn redirects_only_within_the_configured_hosts() {
    let (other, other_seen) = serve(|_, _, s| ok(s, b"{\"from\": \"other\"}"));
    let other2 = other.clone();
    let (base, _) = serve(move |t, _, s| {
        let to = if t == "/same" {
            "/final".to_string()
        } else {
            format!("{other2}/moved")
        };
        if t == "/final" {
            return ok(s, b"same host");
        }
        let _ = write!(
            s,
            "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    });
    // Within the same origin: followed, and the final URL is reported.
    let http = Http::new(opts()).unwrap();
    let b = http.get_body(&format!("{base}/same")).unwrap();
    assert_eq!(b.bytes, b"same host");
    assert!(b.url.ends_with("/final"), "{}", b.url);
    // To another origin: refused, not retried, and the other server never asked.
    let e = http.get(&format!("{base}/away")).unwrap_err().to_string();
    assert!(
        e.contains("refused") && e.contains("not one of the configured hosts"),
        "{e}"
    );
    assert!(other_seen.lock().unwrap().is_empty());
    // Once the other origin is configured, it is followed and named as the final URL.
    let mut o = opts();
    o.allowed_origins = vec![origin_of(&other).unwrap()];
    let b = Http::new(o)
        .unwrap()
        .get_body(&format!("{base}/away"))
        .unwrap();
    assert!(
        b.url.starts_with(&other) && b.url.ends_with("/moved"),
        "{}",
        b.url
    );
}

#[test]
fn retry_after_is_honoured_within_the_deadline() {
    let (base, seen) = serve(|t, n, s| {
        if t == "/busy" && n == 1 {
            let _ = write!(s, "HTTP/1.1 503 Busy\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        } else if t == "/long" {
            let _ = write!(s, "HTTP/1.1 429 Slow down\r\nRetry-After: 3600\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        } else if t == "/later" {
            let _ = write!(s, "HTTP/1.1 503 Busy\r\nRetry-After: 20\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        } else {
            ok(s, b"ok")
        }
    });
    let http = Http::new(opts()).unwrap();
    let start = Instant::now();
    assert_eq!(http.get(&format!("{base}/busy")).unwrap(), b"ok");
    // The wait asked for was taken instead of the 10 ms backoff.
    assert!(
        start.elapsed() >= Duration::from_millis(900),
        "{:?}",
        start.elapsed()
    );
    // A wait over the honoured maximum fails at once, naming it.
    let e = http.get(&format!("{base}/long")).unwrap_err().to_string();
    assert!(e.contains("Retry-After 3600 s"), "{e}");
    assert_eq!(
        seen.lock()
            .unwrap()
            .iter()
            .filter(|t| *t == "/long")
            .count(),
        1
    );
    // A wait past the deadline fails with the deadline.
    let mut o = opts();
    o.deadline = Some(Instant::now() + Duration::from_secs(2));
    o.deadline_secs = 2;
    let e = Http::new(o)
        .unwrap()
        .get(&format!("{base}/later"))
        .unwrap_err();
    assert!(matches!(e, HttpError::Deadline { .. }), "{e}");
    assert!(e.to_string().contains("deadline of 2 s"), "{e}");
}

#[test]
fn the_deadline_cuts_a_slow_server() {
    let (base, _) = serve(|_, _, s| {
        std::thread::sleep(Duration::from_secs(5));
        ok(s, b"late")
    });
    let mut o = opts();
    o.timeout = Duration::from_secs(60);
    o.retries = 20;
    o.deadline = Some(Instant::now() + Duration::from_millis(700));
    o.deadline_secs = 1;
    let e = Http::new(o)
        .unwrap()
        .get(&format!("{base}/slow"))
        .unwrap_err();
    assert!(matches!(e, HttpError::Deadline { .. }), "{e}");
}

fn def_bytes() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/release-new/Valmis/1.2.246.537.6.9999.1.2025.1.1.json"),
    )
    .unwrap()
}

fn fetch_opts(base: &str, out: &Path) -> Options {
    Options {
        out: out.to_path_buf(),
        definitions: DefinitionSource::Sosmeta(format!("{base}/sosmeta")),
        koodisto: Some(format!("{base}/koodisto")),
        strict_koodistot: false,
        concurrency: 2,
        http: opts(),
        progress: false,
    }
}

const LISTING: &[u8] = b"<a href=\"/document-definitions/102/view\">x</a>";

#[test]
fn page_counts_are_capped_and_retired_codes_fetched() {
    let pages_claimed = Arc::new(Mutex::new(10_000u64));
    let claimed = pages_claimed.clone();
    let (base, seen) = serve(move |t, _, s| {
        if t.ends_with("/list/search") {
            return ok(s, LISTING);
        }
        if t.ends_with("/schema") {
            return ok(s, &def_bytes());
        }
        if t.contains("/conceptcodes?") {
            let total = *claimed.lock().unwrap();
            let body = serde_json::json!({"page": 1, "pageSize": 500, "totalItems": 2, "totalPages": total,
                "conceptCodes": [
                    {"conceptCodeId": "1", "status": "ACTIVE", "beginDate": "2000-01-01"},
                    {"conceptCodeId": "9", "status": "DELETED", "beginDate": "2000-01-01", "expirationDate": "2020-06-30"}]});
            return ok(s, &serde_json::to_vec(&body).unwrap());
        }
        let _ = write!(
            s,
            "HTTP/1.1 404 No\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    });
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    // 10,000 pages claimed: refused after the first page.
    let e = format!("{:#}", fetch(&fetch_opts(&base, &out)).unwrap_err());
    assert!(e.contains("totalPages 10000"), "{e}");
    assert!(!seen.lock().unwrap().iter().any(|t| t.contains("page=2")));
    // 50 pages for 2 items: refused too.
    *pages_claimed.lock().unwrap() = 50;
    let e = format!("{:#}", fetch(&fetch_opts(&base, &out)).unwrap_err());
    assert!(e.contains("does not fit totalItems 2"), "{e}");
    assert!(!seen.lock().unwrap().iter().any(|t| t.contains("page=2")));
    assert!(!out.exists(), "no bundle from a failed fetch");
    // One page: fetched with both statuses; the retired code is known with its date.
    *pages_claimed.lock().unwrap() = 1;
    let s = fetch(&fetch_opts(&base, &out)).unwrap();
    assert!(s.code_sets >= 1, "{s}");
    let targets = seen.lock().unwrap().clone();
    assert!(
        targets
            .iter()
            .filter(|t| t.contains("/conceptcodes?"))
            .all(|t| t.contains("status=ACTIVE&status=DELETED")),
        "{targets:?}"
    );
    let sets = sosmeta_model::koodisto::CodeSets::load_bundle(&out)
        .unwrap()
        .unwrap();
    let oid = sets.oids().next().unwrap().to_string();
    let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1);
    assert!(matches!(
        sets.check(&oid, "9", None, day),
        sosmeta_model::koodisto::CodeCheck::Found {
            activity: sosmeta_model::koodisto::Activity::Expired { .. },
            ..
        }
    ));
}

#[cfg(target_os = "linux")]
#[test]
fn the_swap_is_one_exchange() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    std::fs::create_dir(&a).unwrap();
    std::fs::create_dir(&b).unwrap();
    std::fs::write(a.join("new"), b"new").unwrap();
    std::fs::write(b.join("old"), b"old").unwrap();
    xtask::fetch::exchange(&a, &b).unwrap();
    assert!(b.join("new").is_file() && a.join("old").is_file());
    assert!(!b.join("old").exists());
}

#[test]
fn argument_values_are_validated() {
    let bin = env!("CARGO_BIN_EXE_xtask");
    for args in [
        ["--timeout", "inf"],
        ["--timeout", "0"],
        ["--timeout", "NaN"],
        ["--retries", "4294967295"],
        ["--deadline=-1", "--retries=1"],
        ["--concurrency", "0"],
    ] {
        let o = std::process::Command::new(bin)
            .args(["fetch", "--out", "/nonexistent/x"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("invalid value") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn the_pinned_corpus_verifies_against_its_committed_lock() {
    let corpus = sosmeta_model::corpus::pinned_corpus_dir();
    let bin = env!("CARGO_BIN_EXE_xtask");
    let o = std::process::Command::new(bin)
        .args(["fetch", "--verify", "--out"])
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("263 files match"),
        "{o:?}"
    );

    // A copy with one byte changed fails, naming the file.
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("2025-05-20");
    for sub in ["Valmis", "Vanhentunut"] {
        std::fs::create_dir_all(copy.join(sub)).unwrap();
        for e in std::fs::read_dir(corpus.join(sub)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, copy.join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
    let lock_file = Path::new(env!("CARGO_MANIFEST_DIR")).join("locks/2025-05-20.lock.json");
    let lk = lock::Lock::read_file(&lock_file).unwrap();
    assert!(lock::verify_with(&copy, &lk).unwrap().is_ok());
    let victim = copy.join(&lk.files[0].path);
    let mut bytes = std::fs::read(&victim).unwrap();
    let i = bytes.iter().position(|b| *b == b'a').unwrap();
    bytes[i] = b'b';
    std::fs::write(&victim, bytes).unwrap();
    let o = std::process::Command::new(bin)
        .args(["fetch", "--verify", "--out"])
        .arg(&copy)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("changed: {}", lk.files[0].path)),
        "{err}"
    );
}
