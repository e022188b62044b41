//! The invariants of ARCHITECTURE.md, checked by reading the workspace's manifests and
//! sources (what a grep would check, kept as a test so it cannot rot).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Each workspace crate's folder and its `[dependencies]` names (not dev or build).
fn normal_dependencies() -> BTreeMap<String, Vec<String>> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let members: Vec<String> = manifest
        .split("members = [")
        .nth(1)
        .unwrap()
        .split(']')
        .next()
        .unwrap()
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(members.len() >= 8, "{members:?}");
    members
        .into_iter()
        .map(|m| {
            let text = std::fs::read_to_string(root().join(&m).join("Cargo.toml")).unwrap();
            let mut deps = Vec::new();
            let mut in_deps = false;
            for line in text.lines() {
                let line = line.trim();
                if line.starts_with('[') {
                    in_deps = line == "[dependencies]";
                    continue;
                }
                if in_deps && !line.starts_with('#') {
                    if let Some((name, _)) = line.split_once('=') {
                        deps.push(name.trim().to_string());
                    }
                }
            }
            (m, deps)
        })
        .collect()
}

#[test]
fn only_xtask_talks_to_the_network() {
    for (krate, deps) in normal_dependencies() {
        for net in ["reqwest", "hyper", "ureq", "curl"] {
            assert!(
                krate == "xtask" || !deps.iter().any(|d| d == net),
                "{krate} depends on {net}: only xtask touches the network"
            );
        }
    }
}

#[test]
fn the_library_has_no_cli_dependencies() {
    let all = normal_dependencies();
    for lib in [
        "sosmeta-model",
        "sosmeta-validate",
        "sosmeta-types",
        "sosmeta-xhtml",
        "sosmeta-serve",
    ] {
        let deps = &all[lib];
        for cli in [
            "clap",
            "indicatif",
            "mimalloc",
            "sosmeta-generated",
            "sosmeta-cli",
        ] {
            assert!(
                !deps.iter().any(|d| d == cli),
                "{lib} depends on {cli}: that belongs to sosmeta-cli"
            );
        }
    }
}

#[test]
fn the_model_depends_on_no_consumer() {
    let all = normal_dependencies();
    for consumer in [
        "sosmeta-validate",
        "sosmeta-cli",
        "sosmeta-codegen",
        "sosmeta-generated",
        "sosmeta-xhtml",
        "sosmeta-kanta",
        "sosmeta-runtime",
        "sosmeta-serve",
        "xtask",
    ] {
        assert!(
            !all["sosmeta-model"].iter().any(|d| d == consumer),
            "sosmeta-model depends on {consumer}"
        );
    }
}

/// Source files of the workspace outside `generated/` and `target/`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            if !matches!(
                name.as_str(),
                "target" | "generated" | ".git" | "tests" | "fuzz"
            ) {
                sources(&p, out);
            }
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

#[test]
fn nothing_outside_the_model_reads_sosmeta_schema_keys() {
    // The `sosmeta` extension's keys are read once, by sosmeta-model; every consumer asks
    // the model. (Unit tests after `#[cfg(test)]` may build schemas to test with.)
    let keys = [
        "\"valueSet\"",
        "\"acceptedValues\"",
        "\"conditionalRequired\"",
        "\"classificationOid\"",
        "\"documentDefinitionVersion\"",
    ];
    let mut files = Vec::new();
    sources(&root(), &mut files);
    let mut bad = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel.starts_with("sosmeta-model/") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        for k in keys {
            if code.contains(k) {
                bad.push(format!("{rel}: {k}"));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn the_http_service_is_a_leaf_library() {
    // sosmeta-serve is called by the CLI, never the other way round, and no validation
    // library carries the HTTP stack.
    let all = normal_dependencies();
    assert!(
        !all["sosmeta-serve"].iter().any(|d| d == "sosmeta-cli"),
        "sosmeta-serve depends on sosmeta-cli"
    );
    for (krate, deps) in &all {
        if krate != "sosmeta-cli" {
            assert!(
                !deps.iter().any(|d| d == "sosmeta-serve"),
                "{krate} depends on sosmeta-serve: only the CLI serves"
            );
        }
        if krate != "sosmeta-serve" {
            for http in ["axum", "tower", "tokio"] {
                assert!(
                    krate == "xtask" || !deps.iter().any(|d| d == http),
                    "{krate} depends on {http}: the HTTP stack belongs to sosmeta-serve"
                );
            }
        }
    }
}
