//! `cargo xtask diff` on the hand-made fixtures, as directories and as zips, through the
//! library and through the binary.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use xtask::diff::{diff_paths, render, Format};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn zip_dir(dir: &Path, out: &Path) {
    let f = std::fs::File::create(out).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default();
    for sub in ["Valmis", "Vanhentunut"] {
        let d = dir.join(sub);
        if !d.is_dir() {
            continue;
        }
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let name = format!("{sub}/{}", p.file_name().unwrap().to_string_lossy());
            z.start_file(name, opts).unwrap();
            z.write_all(&std::fs::read(&p).unwrap()).unwrap();
        }
    }
    z.finish().unwrap();
}

#[test]
fn fixtures_as_dirs_and_zips() {
    let d = diff_paths(&fixture("release-old"), &fixture("release-new")).unwrap();
    assert_eq!(d.added_versions.len(), 1);
    assert_eq!(d.status_changes.len(), 1);
    assert!(d.has_breaking());
    let text = render(&d, Format::Text);
    assert!(text.contains("release-old → release-new"), "{text}");
    assert!(text.contains("Valmis → Vanhentunut"), "{text}");
    assert!(text.contains("valueSet codes removed: sv"), "{text}");
    let md = render(&d, Format::Markdown);
    assert!(md.starts_with("# Sosmeta release diff"));
    let json: serde_json::Value = serde_json::from_str(&render(&d, Format::Json)).unwrap();
    assert_eq!(json["added_versions"][0]["id"]["version"], "2025-01-01");

    let tmp = tempfile::tempdir().unwrap();
    let (zo, zn) = (tmp.path().join("old.zip"), tmp.path().join("new.zip"));
    zip_dir(&fixture("release-old"), &zo);
    zip_dir(&fixture("release-new"), &zn);
    let dz = diff_paths(&zo, &zn).unwrap();
    assert_eq!(dz.definitions, d.definitions);
    assert_eq!(dz.status_changes, d.status_changes);
}

#[test]
fn binary_formats_and_exit_codes() {
    let bin = env!("CARGO_BIN_EXE_xtask");
    for format in ["text", "json", "markdown"] {
        let out = std::process::Command::new(bin)
            .args(["diff", "--format", format])
            .arg(fixture("release-old"))
            .arg(fixture("release-new"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}: {out:?}");
        assert!(!out.stdout.is_empty());
    }
    let out = std::process::Command::new(bin)
        .args(["diff", "--fail-on-breaking"])
        .arg(fixture("release-old"))
        .arg(fixture("release-new"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let same = std::process::Command::new(bin)
        .args(["diff", "--fail-on-breaking"])
        .arg(fixture("release-old"))
        .arg(fixture("release-old"))
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&same.stdout).contains("no differences"));
    let missing = std::process::Command::new(bin)
        .args(["diff"])
        .arg(fixture("release-old"))
        .arg(fixture("nope"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}
