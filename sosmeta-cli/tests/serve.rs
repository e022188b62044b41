//! `sosmeta serve` as a process: it says where it listens, answers, and stops cleanly on
//! SIGTERM (as on Ctrl-C) after the requests in flight.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

#[cfg(unix)]
#[test]
fn serve_says_where_it_listens_answers_and_stops_on_a_signal() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sosmeta serve");
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr = line
        .split("listening on http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{line}");

    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"status\":\"ok\""), "{answer}");

    // A document's content never reaches the log.
    let secret = "{\"asiakkuusasiakirja\": {\"asiakas\": {\"sukunimi\": \"Salainen-Lokiton\"}}}";
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "POST /api/validate?name=Salainen-Lokiton.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{secret}",
        secret.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains("schema."),
        "findings in the answer: {answer}"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(status.success(), "exit {status:?}: {rest}");
    // One log line for the request: route, status, time; then the stop.
    assert!(rest.contains("GET /healthz 200"), "{rest}");
    assert!(rest.contains("POST /api/validate 200"), "{rest}");
    assert!(
        !rest.contains("Salainen") && !rest.contains("Lokiton"),
        "{rest}"
    );
    assert!(rest.contains("stopped"), "{rest}");
}
