//! `sosmeta cda wrap|unwrap`: unwrap a CDA into its JSON view, content and display form;
//! wrap it back into a CDA and frame that keep every header value and the JSON and
//! validate; outputs never overwrite inputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sosmeta(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(args)
        .output()
        .expect("run sosmeta")
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/kanta")
        .join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn unwrap_example(dir: &Path) -> PathBuf {
    let out = dir.join("u");
    let o = sosmeta(&[
        "cda",
        "unwrap",
        s(&example("asiakkuusasiakirja.cda.xml")),
        "--frame",
        s(&example("asiakkuusasiakirja.frame.xml")),
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out
}

#[test]
fn unwrap_then_wrap_keeps_the_header_and_the_json_and_validates() {
    let dir = tempfile::tempdir().unwrap();
    let u = unwrap_example(dir.path());
    for f in [
        "envelope.json",
        "content.json",
        "display.xhtml",
        "frame.json",
    ] {
        assert!(u.join(f).is_file(), "{f} written");
    }
    let envelope = json(&u.join("envelope.json"));
    assert_eq!(envelope["content"], json(&u.join("content.json")));
    let xhtml = std::fs::read_to_string(u.join("display.xhtml")).unwrap();
    assert!(xhtml.contains("soc-document"));
    assert_eq!(envelope["body"]["xhtml"].as_str(), Some(xhtml.as_str()));

    let doc = dir.path().join("doc.xml");
    let frame = dir.path().join("frame.xml");
    let o = sosmeta(&[
        "cda",
        "wrap",
        s(&u.join("envelope.json")),
        "-o",
        s(&doc),
        "--frame-out",
        s(&frame),
        "--frame-from",
        s(&u.join("frame.json")),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("valid"), "{}", stderr(&o));
    // The rebuilt pair validates with the validator's own command.
    let v = sosmeta(&["validate", "--frame", s(&frame), s(&doc)]);
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
    // Unwrapping the rebuilt document gives the same view.
    let u2 = dir.path().join("u2");
    let o = sosmeta(&["cda", "unwrap", s(&doc), "--frame", s(&frame), "-o", s(&u2)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&u2.join("envelope.json")), envelope);
    // The frame keeps the original's message values.
    assert_eq!(
        json(&u2.join("frame.json"))["id"],
        json(&u.join("frame.json"))["id"]
    );
}

#[test]
fn wrap_renders_the_display_form_when_the_view_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let u = unwrap_example(dir.path());
    let mut view = json(&u.join("envelope.json"));
    view.as_object_mut().unwrap().remove("body");
    let p = dir.path().join("view.json");
    std::fs::write(&p, serde_json::to_vec(&view).unwrap()).unwrap();
    let doc = dir.path().join("doc.xml");
    let frame = dir.path().join("frame.xml");
    let o = sosmeta(&[
        "cda",
        "wrap",
        s(&p),
        "-o",
        s(&doc),
        "--frame-out",
        s(&frame),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let u2 = dir.path().join("u2");
    let o = sosmeta(&["cda", "unwrap", s(&doc), "-o", s(&u2)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let id = view["metadata"]["id"]["root"].as_str().unwrap();
    let xhtml = std::fs::read_to_string(u2.join("display.xhtml")).unwrap();
    assert!(xhtml.contains(&format!("id=\"OID{id}\"")), "{xhtml}");
}

#[test]
fn invalid_content_is_written_and_reported_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let u = unwrap_example(dir.path());
    let mut view = json(&u.join("envelope.json"));
    view["content"]["asiakkuusasiakirja"]["ylimaarainen"] = "x".into();
    let p = dir.path().join("view.json");
    std::fs::write(&p, serde_json::to_vec(&view).unwrap()).unwrap();
    let doc = dir.path().join("doc.xml");
    let o = sosmeta(&["cda", "wrap", s(&p), "-o", s(&doc)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("schema.additional-properties"),
        "{}",
        stderr(&o)
    );
    assert!(doc.is_file());
}

#[test]
fn outputs_never_overwrite_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let u = unwrap_example(dir.path());
    let view = u.join("envelope.json");
    let before = std::fs::read(&view).unwrap();
    let o = sosmeta(&["cda", "wrap", s(&view), "-o", s(&view)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is the input"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&view).unwrap(), before);
    // The same file for the CDA and the frame.
    let doc = dir.path().join("doc.xml");
    let o = sosmeta(&[
        "cda",
        "wrap",
        s(&view),
        "-o",
        s(&doc),
        "--frame-out",
        s(&doc),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!doc.exists());
    // unwrap into the directory holding its input named envelope.json.
    let cda = dir.path().join("envelope.json");
    std::fs::copy(example("asiakkuusasiakirja.cda.xml"), &cda).unwrap();
    let o = sosmeta(&["cda", "unwrap", s(&cda), "-o", s(dir.path())]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&cda).unwrap(),
        std::fs::read(example("asiakkuusasiakirja.cda.xml")).unwrap()
    );
}

#[test]
fn errors_name_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let u = unwrap_example(dir.path());
    // A view without the definition version.
    let mut view = json(&u.join("envelope.json"));
    view["metadata"]["localSocialHeader"]
        .as_object_mut()
        .unwrap()
        .remove("contentSpecificationId");
    let p = dir.path().join("view.json");
    std::fs::write(&p, serde_json::to_vec(&view).unwrap()).unwrap();
    let doc = dir.path().join("doc.xml");
    let o = sosmeta(&["cda", "wrap", s(&p), "-o", s(&doc)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("contentSpecificationId"),
        "{}",
        stderr(&o)
    );
    assert!(!doc.exists(), "nothing written");
    // A frame of another document.
    let other = dir.path().join("other.frame.xml");
    let f = std::fs::read_to_string(example("asiakkuusasiakirja.frame.xml"))
        .unwrap()
        .replace("95777.2026.1000001", "95777.2026.1000002");
    std::fs::write(&other, f).unwrap();
    let out = dir.path().join("u3");
    let o = sosmeta(&[
        "cda",
        "unwrap",
        s(&example("asiakkuusasiakirja.cda.xml")),
        "--frame",
        s(&other),
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the frame names document"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("envelope.json").exists());
    // Not a CDA.
    let o = sosmeta(&["cda", "unwrap", s(&u.join("content.json")), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
}
