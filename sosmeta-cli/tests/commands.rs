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

    // render refuses it the same way.
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["render"])
        .arg(&old_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("older envelope form"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
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
        let l: sosmeta_xhtml::Lang = lang.parse().unwrap();
        let page = sosmeta_xhtml::render(def, &doc, l).unwrap();
        let plain = sosmeta_xhtml::FragmentHeader::default();
        let fragment = sosmeta_xhtml::render_fragment(def, &doc, &plain, l).unwrap();
        let cases = [
            (&doc_path, false, fragment.xhtml.clone()),
            (&doc_path, true, page),
        ];
        for (path, as_page, expected) in cases {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_sosmeta"));
            cmd.args(["render", "--lang", lang]).arg(path);
            if as_page {
                cmd.arg("--page");
            }
            let out = cmd.output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                String::from_utf8(out.stdout).unwrap().trim_end(),
                expected.trim_end()
            );
        }
    }
    // A JSON view's header reaches the fragment: its id, custodian, author and time.
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["render"])
        .arg(&env_path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for part in [
        "id=\"OID1.2.246.10.99999999.95777.2026.1000001\"",
        "Testin hyvinvointialue",
        "02.03.2026 09.15",
    ] {
        assert!(text.contains(part), "{part} in {text}");
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

#[test]
fn cli_render_marks_invalid_values_and_exits_1_unless_forced() {
    let v = Validator::from_static(sosmeta_generated::embedded_release());
    let def = v
        .release()
        .get_version(LAUSUNTOPYYNTO, "2025-04-01".parse().unwrap())
        .unwrap();
    let mut doc = samples::maximal(def);
    let date = def
        .document()
        .walk()
        .filter(|w| w.element.representation() == Some(sosmeta_model::Representation::Pvm))
        .flat_map(|w| {
            sosmeta_model::element::values_at(
                &doc,
                &format!("/{}{}", def.document_key(), w.data_path),
            )
            .into_iter()
            .map(|(p, _)| p)
            .collect::<Vec<_>>()
        })
        .next()
        .expect("a date in the sample");
    *doc.pointer_mut(&date).unwrap() = Value::String("29.2.2023".into());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.json");
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let out_path = dir.path().join("out.xhtml");
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["render", "-o"])
        .arg(&out_path)
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&date), "{stderr}");
    assert!(
        !stderr.contains("29.2.2023"),
        "the value is not echoed: {stderr}"
    );
    let written = std::fs::read_to_string(&out_path).unwrap();
    assert!(written
        .contains("29.2.2023 <span class=\"soc-invalid-mark\">(virheellinen päivämäärä)</span>"));
    // Nothing else is left beside the output.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    let forced = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["render", "--force", "--page", "--lang", "sv"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(forced.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&forced.stdout).contains("(ogiltigt datum)"));
}

#[test]
fn cli_render_of_a_cda_uses_its_header() {
    let cda = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/kanta/asiakkuusasiakirja.cda.xml"
    );
    let view =
        sosmeta_kanta::view::ArchiveView::from_cda_bytes(&std::fs::read(cda).unwrap()).unwrap();
    let id = view.metadata.document_id().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(["render", cda])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xhtml = String::from_utf8(out.stdout).unwrap();
    let doc = roxmltree::Document::parse(&xhtml).unwrap();
    assert_eq!(
        doc.root_element().attribute("id"),
        Some(format!("OID{id}").as_str())
    );
    if let Some(org) = view
        .metadata
        .custodian
        .as_ref()
        .and_then(|c| c.name.as_deref())
    {
        assert!(xhtml.contains(org), "{org} not in the header");
    }
}
