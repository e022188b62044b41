//! `sosmeta validate` keeps personal data out of reports by default; `--show-values`
//! shows values whole for local debugging (issue 17).

use std::process::{Command, Output, Stdio};

fn validate(extra: &[&str], doc: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["validate", "-f", "json"])
        .args(extra)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(doc).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn hetu_and_long_values_are_kept_out_unless_show_values() {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/asiakkuusasiakirja.json"
    );
    let text = std::fs::read_to_string(p).unwrap();
    let long = "y".repeat(1 << 20);
    let doc = text
        .replace("131052-308T", "131052-308U")
        .replace("\"Aikuissosiaalityö\"", &format!("\"{long}\""));
    assert_ne!(doc, text);
    let o = validate(&[], doc.as_bytes());
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("hetu.checksum"), "{out}");
    assert!(!out.contains("131052-308U"), "{out}");
    assert!(out.len() < 100_000, "{} bytes", out.len());
    let o = validate(&["--show-values"], doc.as_bytes());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("131052-308U"), "{out}");
    let help = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["validate", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--show-values"));
}
