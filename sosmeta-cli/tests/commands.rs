//! The `sosmeta` binary on JSON views, the calendar options, diff and render.

use serde_json::Value;
use sosmeta_model::{samples, Definition};
use sosmeta_validate::Validator;
use std::process::Command;

const LAUSUNTOPYYNTO: &str = "1.2.246.537.6.1506.10013";

fn view(def: &Definition, content: Value) -> Value {
    sosmeta_kanta::fixtures::Spec::with_content(def, content)
        .build()
        .view()
        .expect("the fixture has a JSON view")
}

#[test]
fn cli_json_reports_input_kind_and_notes_once() {
    let v = Validator::from_static(sosmeta_generated::embedded_release());
    let def = v
        .release()
        .get_version(LAUSUNTOPYYNTO, "2025-04-01".parse().unwrap())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let view_path = dir.path().join("view.json");
    std::fs::write(
        &view_path,
        serde_json::to_vec(&view(def, samples::minimal(def))).unwrap(),
    )
    .unwrap();
    let doc_path = dir.path().join("plain.json");
    std::fs::write(
        &doc_path,
        serde_json::to_vec(&samples::minimal(def)).unwrap(),
    )
    .unwrap();
    // The older envelope form is refused with a hint, not read as content.
    let old_path = dir.path().join("old.json");
    std::fs::write(
        &old_path,
        serde_json::to_vec(&serde_json::json!({
            "metadata": {"definition": {"oid": LAUSUNTOPYYNTO, "version": "2025-04-01"}},
            "content": samples::minimal(def)
        }))
        .unwrap(),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["validate", "-f", "json"])
        .arg(&view_path)
        .arg(&doc_path)
        .arg(&old_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = report["results"].as_array().unwrap();
    assert_eq!(results[0]["input"], "archive-view");
    assert_eq!(results[0]["valid"], true, "{}", results[0]);
    assert_eq!(results[1]["input"], "document");
    assert_eq!(results[2]["input"], "archive-view");
    assert_eq!(results[2]["valid"], false);
    let old = &results[2]["findings"][0];
    assert_eq!(old["rule"], "view.json");
    assert!(
        old["message"]
            .as_str()
            .unwrap()
            .contains("older envelope form"),
        "{old}"
    );
    assert_eq!(
        report["notes"].as_array().unwrap().len(),
        1,
        "{}",
        report["notes"]
    );

    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["validate", "--on", "2025-04-09", "--env", "AT"])
        .arg(&doc_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("calendar.not-yet-supported"), "{text}");
    assert_eq!(text.matches("note:").count(), 1, "{text}");

    // --on without --env is a usage error.
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["validate", "--on", "2025-04-09"])
        .arg(&doc_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cli_diff_reports_changes_between_releases() {
    let corpus = sosmeta_model::corpus::pinned_corpus_dir();
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["diff", "--format", "markdown", "--fail-on-breaking"])
        .arg(corpus.join("Vanhentunut"))
        .arg(corpus.join("Valmis"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("breaking"), "{md}");
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["diff"])
        .arg(corpus.join("Valmis"))
        .arg(corpus.join("Valmis"))
        .args(["--fail-on-breaking"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn cli_render_matches_the_renderer_for_documents_and_json_views() {
    let v = Validator::from_static(sosmeta_generated::embedded_release());
    let def = v
        .release()
        .get_version(LAUSUNTOPYYNTO, "2025-04-01".parse().unwrap())
        .unwrap();
    let doc = samples::maximal(def);
    let dir = tempfile::tempdir().unwrap();
    let doc_path = dir.path().join("doc.json");
    std::fs::write(&doc_path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let env_path = dir.path().join("view.json");
    std::fs::write(
        &env_path,
        serde_json::to_vec(&view(def, doc.clone())).unwrap(),
    )
    .unwrap();
    for lang in ["fi", "sv"] {
        let expected = sosmeta_xhtml::render(def, &doc, lang.parse().unwrap()).unwrap();
        for path in [&doc_path, &env_path] {
            let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
                .args(["render", "--lang", lang])
                .arg(path)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
        }
    }
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, b"{\"ei_tunnettu\": {}}").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["render"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ei_tunnettu"));
}
