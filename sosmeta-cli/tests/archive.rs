//! `sosmeta validate` on Kanta archive documents: CDA files recognised by content, frames
//! paired by document id in a directory or given with `--frame`, XPath on XML findings.

use sosmeta_kanta::fixtures::{Fault, Spec};
use sosmeta_model::Release;
use std::path::Path;
use std::process::{Command, Output};

fn sosmeta(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sosmeta"))
        .args(args)
        .output()
        .expect("run sosmeta")
}

fn release() -> &'static Release {
    sosmeta_generated::embedded_release()
}

fn spec(oid: &str, version: &str, id_suffix: &str) -> Spec {
    let def = release()
        .get_version(oid, version.parse().unwrap())
        .expect("definition in the embedded release");
    let mut s = Spec::for_definition(def);
    // A distinct document id per fixture, consistently everywhere it appears.
    let id = format!("{}.{id_suffix}", s.document_id);
    s.set_id = id.clone();
    s.body_id = format!("OID{id}");
    s.display_id = format!("OID{id}");
    s.document_id = id;
    s
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

#[test]
fn a_directory_of_cdas_and_frames_validates_in_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let clean = spec("1.2.246.537.6.1505.1", "2023-06-01", "1").build();
    let faulty = spec("1.2.246.537.6.1506.15007", "2024-11-28", "2").build_with(Fault::Realm);
    // Names say nothing: content decides, frames pair by the id they name.
    write(dir.path(), "a.xml", &clean.cda);
    write(dir.path(), "b.xml", &faulty.frame);
    write(dir.path(), "c.xml", &faulty.cda);
    write(dir.path(), "d.xml", &clean.frame);
    let o = sosmeta(&["validate", "-f", "json", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{v}");
    assert!(results.iter().all(|r| r["input"] == "archive"));
    assert_eq!(results[0]["valid"], true, "{}", results[0]);
    assert_eq!(results[0]["definition"], "1.2.246.537.6.1505.1");
    let f = results[1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "cda.realm")
        .expect("cda.realm");
    assert!(f["xpath"].as_str().unwrap().contains("realmCode"), "{f}");
    assert!(f["line"].as_u64().is_some());
    // A frame paired: no frame finding on the clean one, and the frame rules ran
    // (mismatching the frame of one CDA with the other is caught).
    let o = sosmeta(&[
        "validate",
        "-f",
        "json",
        "--frame",
        &write(dir.path(), "other-frame.txt", &faulty.frame),
        &write(dir.path(), "single.cda", &clean.cda),
    ]);
    let v = json(&o);
    assert_eq!(v["results"].as_array().unwrap().len(), 1);
    assert!(
        v["results"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "frame.mismatch"),
        "{v}"
    );
}

/// The walk keeps a small frame's bytes from its sniff, reads a frame longer than the sniff
/// again when it pairs, and follows a link to a frame: each pairs the same, and the frame
/// rules run on what was kept (a frame that disagrees with its CDA is caught).
#[test]
fn long_linked_and_kept_frames_pair_alike() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let long = spec("1.2.246.537.6.1505.1", "2023-06-01", "11").build();
    let linked = spec("1.2.246.537.6.1505.1", "2023-06-01", "12").build();
    let disagreeing = spec("1.2.246.537.6.1505.1", "2023-06-01", "13").build();
    let end = "</RCMR_IN200002FI01>";
    let long_frame = String::from_utf8(long.frame.clone())
        .unwrap()
        .replace(end, &format!("<!-- {} -->\n{end}", "padding ".repeat(2048)));
    assert!(long_frame.len() > 16 * 1024);
    let other_version = String::from_utf8(disagreeing.frame.clone())
        .unwrap()
        .replace(
            "<versionNumber value=\"1\"/>",
            "<versionNumber value=\"2\"/>",
        );
    assert_ne!(other_version.as_bytes(), &disagreeing.frame[..]);
    write(dir.path(), "a.xml", &long.cda);
    write(dir.path(), "b.xml", long_frame.as_bytes());
    write(dir.path(), "c.xml", &linked.cda);
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        write(elsewhere.path(), "frame.xml", &linked.frame),
        dir.path().join("d.xml"),
    )
    .unwrap();
    #[cfg(not(unix))]
    write(dir.path(), "d.xml", &linked.frame);
    write(dir.path(), "e.xml", &disagreeing.cda);
    write(dir.path(), "f.xml", other_version.as_bytes());
    let o = sosmeta(&["validate", "-f", "json", dir.path().to_str().unwrap()]);
    let v = json(&o);
    let results = v["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        3,
        "one result per CDA, none for a frame: {v}"
    );
    let rules = |i: usize| -> Vec<String> {
        results[i]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(rules(0), Vec::<String>::new(), "{}", results[0]);
    assert_eq!(rules(1), Vec::<String>::new(), "{}", results[1]);
    assert_eq!(
        rules(2),
        vec!["frame.mismatch".to_string()],
        "{}",
        results[2]
    );
}

#[test]
fn a_frame_without_its_document_gets_a_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let fx = spec("1.2.246.537.6.1505.1", "2023-06-01", "3").build();
    let frame = write(dir.path(), "frame.xml", &fx.frame);
    let o = sosmeta(&["validate", "-f", "json", &frame]);
    let v = json(&o);
    let r = &v["results"][0];
    assert_eq!(r["findings"][0]["rule"], "frame.unpaired", "{v}");
    // Given with its CDA on the command line, in any order, it pairs.
    let cda = write(dir.path(), "doc.xml", &fx.cda);
    let o = sosmeta(&["validate", "-f", "json", &frame, &cda]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let v = json(&o);
    assert_eq!(v["results"].as_array().unwrap().len(), 1);
}

#[test]
fn text_output_names_the_xpath_of_xml_findings() {
    let dir = tempfile::tempdir().unwrap();
    let fx = spec("1.2.246.537.6.1505.1", "2023-06-01", "4").build_with(Fault::NoXmlDeclaration);
    let cda = write(dir.path(), "doc.xml", &fx.cda);
    let o = sosmeta(&["validate", "--color", "never", &cda]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("cda.xml-declaration"), "{out}");
    assert!(out.contains("(archive document)"), "{out}");
}
