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
    let o = sosmeta(
        &["validate", "--input-format", "ndjson", "-q", "-"],
        Some(input.as_bytes()),
    );
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

/// The SARIF 2.1.0 schema as published in the `serde-sarif` registry package.
fn sarif_schema() -> serde_json::Value {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let manifest = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif is a dev-dependency")
        .to_string();
    let schema = Path::new(&manifest)
        .with_file_name("src")
        .join("schema.json");
    serde_json::from_slice(&std::fs::read(&schema).expect("schema.json in serde-sarif")).unwrap()
}

#[test]
fn sarif_output_is_valid_sarif_and_agrees_with_json() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad doc.json");
    std::fs::write(&bad, br#"{"asiakkuusasiakirja": {"tuntematon": 1}}"#).unwrap();
    let args = |f: &str| {
        vec![
            "validate".to_string(),
            "-f".to_string(),
            f.to_string(),
            example(),
            bad.display().to_string(),
        ]
    };
    let run = |f: &str| {
        let a = args(f);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        sosmeta(&a, None)
    };
    let sarif_out = run("sarif");
    assert_eq!(sarif_out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&sarif_out.stdout).expect("sarif json");
    let schema = sarif_schema();
    // The published schema's `language` patterns have a stray `]`, which ECMA-262 reads
    // as a literal `]` and the meta-schema's `regex` format refuses: escape it (same
    // meaning) and keep every other byte of the published schema.
    let text = schema.to_string();
    let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(text.contains(stray));
    let schema: serde_json::Value = serde_json::from_str(
        &text.replace(stray, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    let json: serde_json::Value = serde_json::from_slice(&run("json").stdout).unwrap();
    let findings: Vec<(String, String)> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["findings"].as_array().unwrap().iter())
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let from_sarif: Vec<(String, String)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["message"]["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(findings, from_sarif);
    assert!(from_sarif
        .iter()
        .any(|(r, _)| r == "schema.additional-properties"));
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), sosmeta_validate::RULES.len());
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
    assert!(results.iter().any(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("bad%20doc.json")
    ));
}

#[test]
fn junit_output_has_a_testcase_per_document_and_a_failure_per_invalid_one() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, br#"{"asiakkuusasiakirja": {"tuntematon": "<&>"}}"#).unwrap();
    let o = sosmeta(
        &["validate", "-f", "junit", &example(), bad.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let doc = roxmltree::Document::parse(&text).expect("well-formed JUnit XML");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2);
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 1);
    assert_eq!(
        failures[0].parent().unwrap().attribute("name"),
        bad.to_str()
    );
    assert!(failures[0]
        .text()
        .unwrap()
        .contains("schema.additional-properties"));
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("tests"), Some("2"));
    assert_eq!(suite.attribute("failures"), Some("1"));
}

#[test]
fn rules_lists_the_whole_registry_in_text_and_json() {
    let o = sosmeta(&["rules", "-f", "json"], None);
    assert_eq!(o.status.code(), Some(0));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), sosmeta_validate::RULES.len());
    for key in ["id", "layer", "severity", "description", "example"] {
        assert!(rows.iter().all(|r| r[key].is_string()), "{key}");
    }
    for id in [
        "header.recorder",
        "code.classification",
        "code.active",
        "input.io",
    ] {
        assert!(rows.iter().any(|r| r["id"] == id), "{id}");
    }
    let text = stdout(&sosmeta(&["rules"], None));
    for r in sosmeta_validate::RULES {
        assert!(text.contains(r.id), "{}", r.id);
    }
}

#[test]
fn show_and_list_take_format_json() {
    let o = sosmeta(&["show", "-f", "json", "1.2.246.537.6.1505.1"], None);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["oid"], "1.2.246.537.6.1505.1");
    assert!(v["elements"].as_array().unwrap().len() > 5);
    let o = sosmeta(
        &["list", "-f", "json", "--search", "asiakkuusasiakirja"],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!v.as_array().unwrap().is_empty());
}

#[test]
fn version_names_the_embedded_release_and_help_the_exit_codes() {
    let o = sosmeta(&["--version"], None);
    assert_eq!(o.status.code(), Some(0));
    let v = stdout(&o);
    assert!(v.contains("2025-05-20") && v.contains("263"), "{v}");
    let h = stdout(&sosmeta(&["validate", "--help"], None));
    assert!(h.contains("Exit codes") && h.contains("2 usage"), "{h}");
}

#[test]
fn completions_and_man_page_are_generated() {
    let o = sosmeta(&["completions", "bash"], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("validate"));
    let o = sosmeta(&["man"], None);
    assert_eq!(o.status.code(), Some(0));
    let man = stdout(&o);
    assert!(man.contains(".TH") && man.contains("sosmeta"), "{man}");
}

#[test]
fn color_always_paints_and_never_does_not() {
    let o = sosmeta(&["--color", "always", "validate", &example()], None);
    assert!(stdout(&o).contains("\x1b[32mOK"), "{}", stdout(&o));
    let o = sosmeta(&["--color", "never", "validate", &example()], None);
    assert!(!stdout(&o).contains('\x1b'));
}

#[test]
fn allow_deny_and_config_change_rule_levels_and_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, br#"{"asiakkuusasiakirja": {"tuntematon": 1}}"#).unwrap();
    let b = bad.to_str().unwrap();
    // Default: invalid.
    assert_eq!(sosmeta(&["validate", "-q", b], None).status.code(), Some(1));
    // Switching the schema rules off leaves nothing that fails the document.
    let o = sosmeta(&["validate", "-f", "json", "--allow", "schema.*", b], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["results"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| !f["rule"].as_str().unwrap().starts_with("schema.")));
    assert!(v["rule_levels"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["rule"] == "schema.required" && o["level"] == "off"));
    // A config file, then --deny on top of it.
    let cfg = dir.path().join("sosmeta.toml");
    std::fs::write(&cfg, "[rules]\n\"definition.chosen\" = \"warning\"\n").unwrap();
    let o = sosmeta(
        &[
            "validate",
            "--config",
            cfg.to_str().unwrap(),
            "--fail-on",
            "warning",
            &example(),
        ],
        None,
    );
    let text = stdout(&o);
    assert!(
        text.contains("rules changed: definition.chosen warning"),
        "{text}"
    );
    // Unknown rules and levels are usage errors.
    assert_eq!(
        sosmeta(&["validate", "--deny", "no.such", b], None)
            .status
            .code(),
        Some(2)
    );
    std::fs::write(&cfg, "[rules]\n\"code.display\" = \"loud\"\n").unwrap();
    let o = sosmeta(&["validate", "--config", cfg.to_str().unwrap(), b], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("loud"));
}

#[test]
fn max_findings_limits_what_is_shown_never_the_verdict_or_counts() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    let members: Vec<String> = (0..50).map(|i| format!("\"x{i}\": 1")).collect();
    std::fs::write(
        &bad,
        format!("{{\"asiakkuusasiakirja\": {{{}}}}}", members.join(",")),
    )
    .unwrap();
    for n in ["0", "3"] {
        let o = sosmeta(
            &[
                "validate",
                "-f",
                "json",
                "--max-findings",
                n,
                bad.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(1), "--max-findings {n}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let r = &v["results"][0];
        assert_eq!(r["valid"], false);
        let shown = r["findings"].as_array().unwrap().len();
        assert_eq!(shown, n.parse::<usize>().unwrap());
        assert!(
            v["summary"]["errors"].as_u64().unwrap() >= 50,
            "{}",
            v["summary"]
        );
        assert_eq!(
            shown + r["omitted"].as_u64().unwrap_or(0) as usize,
            v["summary"]["errors"].as_u64().unwrap() as usize
                + v["summary"]["warnings"].as_u64().unwrap() as usize
                + v["summary"]["infos"].as_u64().unwrap() as usize
        );
    }
}

#[test]
fn ndjson_on_stdin_is_never_cut_by_the_size_limit() {
    // 3,000 lines (over 6 MB) with a 64 KiB limit: the limit is per line, so every line
    // gets a verdict and the invalid ones at the end are not lost.
    let doc = std::fs::read_to_string(example()).unwrap();
    let line: String = serde_json::from_str::<serde_json::Value>(&doc)
        .unwrap()
        .to_string();
    let mut input = String::new();
    for _ in 0..2_990 {
        input.push_str(&line);
        input.push('\n');
    }
    for _ in 0..10 {
        input.push_str("{\"asiakkuusasiakirja\": {\"tuntematon\": 1}}\n");
    }
    assert!(input.len() > 65_536 * 40);
    let o = sosmeta(
        &[
            "validate",
            "--input-format",
            "ndjson",
            "--max-size",
            "65536",
            "-f",
            "ndjson",
            "-",
        ],
        Some(input.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3_000);
    assert_eq!(lines.iter().filter(|r| r["valid"] == false).count(), 10);
    assert_eq!(lines[2_999]["file"], "-:3000");
}

#[test]
fn an_oversized_ndjson_line_is_refused_alone() {
    let doc = std::fs::read_to_string(example()).unwrap();
    let line: String = serde_json::from_str::<serde_json::Value>(&doc)
        .unwrap()
        .to_string();
    let big = format!("{{\"asiakkuusasiakirja\": \"{}\"}}", "x".repeat(5000));
    let input = format!("{line}\n{big}\n{line}\n");
    let o = sosmeta(
        &[
            "validate",
            "--input-format",
            "ndjson",
            "--max-size",
            "4096",
            "-f",
            "json",
            "-",
        ],
        Some(input.as_bytes()),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("streamed JSON is valid");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["valid"], true);
    assert_eq!(results[1]["findings"][0]["rule"], "input.size");
    assert_eq!(results[2]["valid"], true);
    assert_eq!(v["summary"]["files"], 3);
}

#[test]
fn text_output_escapes_control_characters_from_input() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("x\nforged.json: OK\u{1b}[0m.json");
    std::fs::write(
        &bad,
        "{\"asiakkuusasiakirja\": {\"a\\nb: OK\\u001b[32m\": 1}}",
    )
    .unwrap();
    let o = sosmeta(
        &["validate", "--color", "never", bad.to_str().unwrap()],
        None,
    );
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(
        !out.lines().any(|l| l.starts_with("forged.json")),
        "{out:?}"
    );
    assert!(out.contains("\\u{a}forged.json"), "{out:?}");
}

#[test]
fn jobs_one_and_many_give_the_same_results_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let doc = std::fs::read(example()).unwrap();
    for i in 0..40 {
        let body: &[u8] = if i % 7 == 0 { b"{\"x\": 1}" } else { &doc };
        std::fs::write(dir.path().join(format!("d{i:03}.json")), body).unwrap();
    }
    let run = |jobs: &str| {
        let o = sosmeta(
            &[
                "validate",
                "-j",
                jobs,
                "-f",
                "ndjson",
                dir.path().to_str().unwrap(),
            ],
            None,
        );
        stdout(&o)
    };
    let one = run("1");
    assert_eq!(one.lines().count(), 40);
    assert_eq!(one, run("4"));
}

#[test]
fn render_refuses_to_overwrite_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.json");
    std::fs::copy(example(), &doc).unwrap();
    let before = std::fs::read(&doc).unwrap();
    let o = sosmeta(
        &["render", doc.to_str().unwrap(), "-o", doc.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&doc).unwrap(), before);
}

#[test]
fn duplicate_keys_fail_the_document() {
    let doc = std::fs::read_to_string(example()).unwrap();
    // The same member twice at the top of the document element: a reader keeping the
    // first value and one keeping the last would check different documents.
    let dup = doc.replacen(
        "\"asiakkuusasiakirja\": {",
        "\"asiakkuusasiakirja\": {\"asiakas\": {}, ",
        1,
    );
    assert_ne!(dup, doc);
    let o = sosmeta(&["validate", "-f", "json", "-"], Some(dup.as_bytes()));
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["results"][0]["findings"];
    assert!(
        f.as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "input.duplicate-key"
                && f["pointer"] == "/asiakkuusasiakirja/asiakas"),
        "{f}"
    );
}

#[test]
fn example_prints_a_valid_document() {
    let o = sosmeta(
        &["example", "--max", "--lang", "sv", "1.2.246.537.6.1505.1"],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    let v = sosmeta(&["validate", "-q", "-"], Some(&o.stdout));
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
}
