//! The `sosmeta` binary: output formats, exit codes, batches with bad inputs.

use std::path::Path;
use std::process::{Command, Output};

fn sosmeta(args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sosmeta"));
    cmd.args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn sosmeta");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("run sosmeta")
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/asiakkuusasiakirja.json")
        .display()
        .to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn example_prints_ok_and_exits_0() {
    let o = sosmeta(&["validate", &example()], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains(": OK"), "{out}");
    assert!(out.contains("1 file: 1 valid, 0 invalid"), "{out}");
}

#[test]
fn json_output_has_the_documented_shape() {
    let o = sosmeta(&["validate", "--format", "json", &example()], None);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v["validator"]
        .as_str()
        .unwrap()
        .starts_with("sosmeta-validate "));
    assert_eq!(v["release"], "2025-05-20");
    let r = &v["results"][0];
    assert_eq!(r["definition"], "1.2.246.537.6.1505.1");
    assert_eq!(r["version"], "2023-06-01");
    assert_eq!(r["valid"], true);
    let f = &r["findings"][0];
    for key in ["rule", "severity", "pointer", "path", "message"] {
        assert!(f.get(key).is_some(), "{key} in {f}");
    }
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn a_batch_with_bad_inputs_goes_on_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(example()).unwrap();
    std::fs::write(dir.path().join("a_good.json"), &good).unwrap();
    std::fs::write(dir.path().join("b_empty.json"), b"").unwrap();
    std::fs::write(dir.path().join("c_broken.json"), b"{\"a\": ").unwrap();
    std::fs::write(
        dir.path().join("d_latin1.json"),
        b"{\"nimi\": \"J\xE4rvinen\"}",
    )
    .unwrap();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&good);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/e_bom.json"), &bom).unwrap();
    std::fs::write(dir.path().join("ignored.txt"), b"not json").unwrap();
    let o = sosmeta(
        &["validate", "-f", "ndjson", dir.path().to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    let rule = |i: usize| {
        lines[i]["findings"][0]["rule"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(rule(1), "input.empty");
    assert_eq!(rule(2), "input.json");
    assert_eq!(rule(3), "input.encoding");
    assert_eq!(rule(4), "input.bom");
}

#[test]
fn ndjson_from_stdin_and_missing_files() {
    let good = std::fs::read_to_string(example()).unwrap();
    let one_line =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&good).unwrap()).unwrap();
    let input = format!("{one_line}\n\n{{\"tuntematon\": {{}}}}\n");
    let o = sosmeta(&["validate", "--input-format", "ndjson", "-q", "-"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("-:3: INVALID"), "{out}");
    assert!(!out.contains("-:1"), "quiet hides valid documents: {out}");
    let o = sosmeta(&["validate", "/nonexistent/x.json", &example()], None);
    assert_eq!(o.status.code(), Some(2), "I/O errors exit 2");
    assert!(
        stdout(&o).contains(": OK"),
        "the rest of the batch still ran"
    );
}

#[test]
fn usage_errors_exit_2() {
    let o = sosmeta(
        &[
            "validate",
            "--definition",
            "1.2.246.537.6.1505.1@2019-01-01",
            &example(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("2023-06-01"), "lists the versions: {err}");
    assert_eq!(sosmeta(&["frobnicate"], None).status.code(), Some(2));
}

#[test]
fn list_show_schema() {
    let o = sosmeta(&["list", "--status", "Valmis", "-f", "json"], None);
    assert_eq!(o.status.code(), Some(0));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(rows.len() > 50 && rows.iter().all(|r| r["status"] == "Valmis"));
    let o = sosmeta(&["show", "1.2.246.537.6.1505.1"], None);
    let out = stdout(&o);
    assert!(
        out.contains("Henkilötunnus (henkilotunnus): Tunnus"),
        "{out}"
    );
    let o = sosmeta(&["schema", "1.2.246.537.6.1505.1.2023.6.1"], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sosmeta"]["documentDefinitionVersion"], "2023-06-01");
}
