//! Hostile bundles: every read is bounded before it happens and fails with an error that
//! names the limit (issue 17). Bombs are built here, small, with small limits.

use sosmeta_model::koodisto::{CodeSets, KoodistoError};
use sosmeta_model::{Limits, LoadError, Release};
use std::io::Write;

fn small() -> Limits {
    Limits {
        bundle_file_bytes: 1 << 20,
        definition_bytes: 256 << 10,
        code_set_bytes: 256 << 10,
        zip_entries: 16,
        zip_expanded_bytes: 1 << 20,
        gzip_expanded_bytes: 1 << 20,
    }
}

/// A zip of `entries` (name, bytes), deflated.
fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        z.start_file(
            *name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn spaces(n: usize) -> Vec<u8> {
    let mut v = b"{".to_vec();
    v.resize(n, b' ');
    v
}

fn over(e: &LoadError) -> (&str, u64) {
    match e {
        LoadError::OverLimit { what, limit, .. } => (what, *limit),
        other => panic!("expected OverLimit, got {other}"),
    }
}

#[test]
fn dev_zero_is_refused_without_reading_it() {
    let p = std::path::Path::new("/dev/zero");
    if !p.exists() {
        return;
    }
    let e = Release::load(p).unwrap_err();
    assert!(matches!(e, LoadError::NotABundle { .. }), "{e}");
    assert!(e.to_string().contains("not a release bundle"), "{e}");
    // The koodisto loader does not read it either (not a regular file: no code sets).
    assert!(CodeSets::load_bundle(p).unwrap().is_none());
}

#[test]
fn a_file_larger_than_the_limit_is_streamed_to_the_limit_only() {
    // 2 GiB, sparse: `{` and then zeros. The size is never trusted (a FIFO or a growing
    // file has none); the read stops one byte past the limit.
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("huge.json");
    let mut f = std::fs::File::create(&p).unwrap();
    f.write_all(b"{").unwrap();
    f.set_len(2 << 30).unwrap();
    drop(f);
    let e = Release::load_with(&p, &small()).unwrap_err();
    let (what, limit) = over(&e);
    assert_eq!(limit, 1 << 20);
    assert!(what.contains("single-file bundle"), "{e}");
    assert!(e.to_string().contains("over the limit of 1048576"), "{e}");
}

#[cfg(unix)]
#[test]
fn a_fifo_that_never_ends_is_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("bundle.fifo");
    let ok = std::process::Command::new("mkfifo")
        .arg(&p)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("mkfifo not available; skipped");
        return;
    }
    let writer_path = p.clone();
    let writer = std::thread::spawn(move || {
        let mut w = std::fs::OpenOptions::new()
            .write(true)
            .open(&writer_path)
            .unwrap();
        let chunk = spaces(64 << 10);
        let mut sent = 0u64;
        // Endless, until the reader goes away (EPIPE).
        while w.write_all(&chunk).is_ok() {
            sent += chunk.len() as u64;
            if sent > 64 << 20 {
                break;
            }
        }
        sent
    });
    let e = Release::load_with(&p, &small()).unwrap_err();
    assert_eq!(over(&e).1, 1 << 20, "{e}");
    let sent = writer.join().unwrap();
    assert!(
        sent < 8 << 20,
        "the reader stopped near the limit, not at the end: {sent}"
    );
}

#[test]
fn zip_entry_total_and_count_limits() {
    let l = small();
    // One entry over the per-entry cap.
    let one = zip_of(&[("Valmis/a.json", spaces(300 << 10))]);
    let e = Release::from_zip_bytes_with("one.zip", &one, &l).unwrap_err();
    assert_eq!(over(&e), ("bytes of one zip entry", 256 << 10), "{e}");
    assert!(e.to_string().contains("one.zip!Valmis/a.json"), "{e}");

    // Many entries each under the cap, together over the total.
    let entries: Vec<(String, Vec<u8>)> = (0..6)
        .map(|i| (format!("Valmis/{i}.json"), spaces(200 << 10)))
        .collect();
    let refs: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    let many = zip_of(&refs);
    let e = Release::from_zip_bytes_with("many.zip", &many, &l).unwrap_err();
    assert_eq!(
        over(&e),
        ("expanded bytes of all entries of a zip", 1 << 20),
        "{e}"
    );

    // More entries than allowed: refused before any is expanded.
    let entries: Vec<(String, Vec<u8>)> = (0..17)
        .map(|i| (format!("x/{i}.txt"), Vec::new()))
        .collect();
    let refs: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    let e = Release::from_zip_bytes_with("count.zip", &zip_of(&refs), &l).unwrap_err();
    assert_eq!(over(&e), ("entries in a zip", 16), "{e}");

    // The same bombs through the file loader and the koodisto loader.
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("many.zip");
    std::fs::write(&p, &many).unwrap();
    assert!(matches!(
        Release::load_with(&p, &l).unwrap_err(),
        LoadError::OverLimit { .. }
    ));
    let kz = zip_of(&[("koodistot/1.2.3.json", spaces(300 << 10))]);
    std::fs::write(&p, &kz).unwrap();
    let e = CodeSets::load_bundle_with(&p, &l).unwrap_err();
    assert!(
        matches!(e, KoodistoError::OverLimit { limit, .. } if limit == 256 << 10),
        "{e}"
    );
}

#[test]
fn duplicate_zip_entries_are_refused() {
    // Two entries, then the second renamed to the first's name (same length).
    let mut bytes = zip_of(&[
        ("Valmis/a.json", b"{}".to_vec()),
        ("Valmis/b.json", b"{}".to_vec()),
    ]);
    let from = b"Valmis/b.json";
    let mut i = 0;
    while let Some(at) = bytes[i..].windows(from.len()).position(|w| w == from) {
        bytes[i + at + 7] = b'a';
        i += at + from.len();
    }
    let e = Release::from_zip_bytes("dup.zip", &bytes).unwrap_err();
    assert!(
        matches!(&e, LoadError::DuplicateEntry { entry, .. } if entry.contains("a.json") || entry.contains("more than once")),
        "{e}"
    );
    // Code sets too.
    let mut k = zip_of(&[
        ("koodistot/1.2.3.json", b"{}".to_vec()),
        ("koodistot/1.2.4.json", b"{}".to_vec()),
    ]);
    let from = b"koodistot/1.2.4.json";
    let mut i = 0;
    while let Some(at) = k[i..].windows(from.len()).position(|w| w == from) {
        k[i + at + 14] = b'3';
        i += at + from.len();
    }
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("k.zip");
    std::fs::write(&p, &k).unwrap();
    let e = CodeSets::load_bundle(&p).unwrap_err();
    assert!(matches!(e, KoodistoError::DuplicateEntry { .. }), "{e}");
}

#[test]
fn gzip_bomb_names_the_cap() {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&spaces(4 << 20)).unwrap();
    let gz = enc.finish().unwrap();
    assert!(gz.len() < 64 << 10);
    let e = sosmeta_model::compact::from_bytes_with("bomb.json.gz", &gz, &small()).unwrap_err();
    assert_eq!(
        over(&e),
        ("decompressed bytes of a gzip'd compact release", 1 << 20),
        "{e}"
    );
    assert!(!e.to_string().contains("column"), "{e}");
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("bomb.json.gz");
    std::fs::write(&p, &gz).unwrap();
    assert!(matches!(
        Release::load_with(&p, &small()).unwrap_err(),
        LoadError::OverLimit { .. }
    ));
}

#[test]
fn folder_files_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("Valmis")).unwrap();
    std::fs::write(tmp.path().join("Valmis/a.json"), spaces(300 << 10)).unwrap();
    let e = Release::load_with(tmp.path(), &small()).unwrap_err();
    assert_eq!(over(&e), ("bytes of a definition file", 256 << 10), "{e}");
    std::fs::create_dir(tmp.path().join("koodistot")).unwrap();
    std::fs::write(tmp.path().join("koodistot/1.2.3.json"), spaces(300 << 10)).unwrap();
    let e = CodeSets::load_bundle_with(tmp.path(), &small()).unwrap_err();
    assert!(matches!(e, KoodistoError::OverLimit { .. }), "{e}");
}

mod properties {
    //! Each bound as a property: whatever the sizes, a load either succeeds within the
    //! limits or fails with the error of the limit that was crossed.
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn zip_bounds(sizes in prop::collection::vec(0usize..40_000, 1..12),
                      entry_cap in 1u64..50_000, total in 1u64..200_000, count in 1u64..14) {
            let l = Limits { definition_bytes: entry_cap, zip_expanded_bytes: total,
                             zip_entries: count, ..small() };
            let names: Vec<String> = (0..sizes.len()).map(|i| format!("Valmis/{i}.json")).collect();
            let entries: Vec<(&str, Vec<u8>)> =
                names.iter().zip(&sizes).map(|(n, s)| (n.as_str(), spaces(*s))).collect();
            let bytes = zip_of(&entries);
            let r = Release::from_zip_bytes_with("p.zip", &bytes, &l);
            // The expected first failure, in the loader's order.
            let expected = if sizes.len() as u64 > count {
                Some(("entries in a zip", count))
            } else {
                let mut seen = 0u64;
                let mut e = None;
                for s in &sizes {
                    let s = *s as u64;
                    let remaining = total.saturating_sub(seen);
                    if entry_cap <= remaining && s > entry_cap {
                        e = Some(("bytes of one zip entry", entry_cap));
                        break;
                    }
                    if entry_cap > remaining && s > remaining {
                        e = Some(("expanded bytes of all entries of a zip", total));
                        break;
                    }
                    seen += s;
                }
                e
            };
            match (expected, r) {
                (Some(want), Err(e)) => prop_assert_eq!(over(&e), want),
                // Within the limits: the entries are read, then refused as definitions.
                (None, Err(e)) => prop_assert!(!matches!(e, LoadError::OverLimit { .. }), "{}", e),
                (want, Ok(_)) => prop_assert!(false, "loaded although {:?}", want),
            }
        }

        #[test]
        fn gzip_bound(n in 0usize..300_000, cap in 1u64..300_000) {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(&spaces(n.max(1))).unwrap();
            let gz = enc.finish().unwrap();
            let l = Limits { gzip_expanded_bytes: cap, ..small() };
            let e = sosmeta_model::compact::from_bytes_with("p.gz", &gz, &l).unwrap_err();
            let over_limit = matches!(e, LoadError::OverLimit { .. });
            prop_assert_eq!(over_limit, n.max(1) as u64 > cap, "{}", e);
        }

        #[test]
        fn file_bound(n in 1usize..200_000, cap in 1u64..200_000) {
            let tmp = tempfile::tempdir().unwrap();
            let p = tmp.path().join("one.json");
            std::fs::write(&p, spaces(n)).unwrap();
            let l = Limits { bundle_file_bytes: cap, definition_bytes: u64::MAX, ..small() };
            let e = Release::load_with(&p, &l).unwrap_err();
            prop_assert_eq!(matches!(e, LoadError::OverLimit { .. }), n as u64 > cap, "{}", e);
        }
    }
}
