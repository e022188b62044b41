//! # sosmeta-codegen
//!
//! Generates the crate `sosmeta-generated` (folder `generated/`) from a Sosmeta release:
//! typed Rust for every definition version (syn / quote / proc-macro2, formatted by
//! prettyplease), its README and list of definitions (minijinja templates), its
//! `Cargo.toml` with one feature per document subject, and the embedded compact release.
//!
//! Driven by `cargo xtask codegen`; a test regenerates in memory and compares with the
//! committed `generated/` (the drift check).
//!
//! ```no_run
//! let release = sosmeta_model::Release::load(sosmeta_model::corpus::pinned_corpus_dir())?;
//! let out = sosmeta_codegen::generate(&release, &sosmeta_codegen::Options::default())?;
//! out.write_to("generated".as_ref())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What a vendor does with the result (this is the generated crate's README, compiled
//! as a doctest there):
//!
//! ```ignore
#![doc = include_str!("../templates/vendor_example.rs")]
//! ```

#![warn(missing_docs)]

mod emit;
pub mod shapes;

use sosmeta_model::{Definition, Release};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use emit::feature_slug;

/// The command that writes `generated/`; named in the header of every generated file.
pub const COMMAND: &str = "cargo xtask codegen";

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The release label (e.g. `2025-05-20`), written into the crate.
    pub label: String,
    /// Features enabled by default in the generated crate (feature slugs).
    pub default_features: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            label: sosmeta_model::corpus::PINNED_RELEASE.to_string(),
            default_features: vec!["asia-ja-asiakkuusasiakirja".to_string()],
        }
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// The release holds no definition.
    #[error("the release holds no definition")]
    Empty,
    /// Generated tokens did not parse as Rust (a bug in the generator).
    #[error("generated `{file}` is not valid Rust: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// A template failed (a bug in the generator).
    #[error("template `{template}`: {message}")]
    Template {
        /// The template.
        template: String,
        /// The message.
        message: String,
    },
    /// A default feature that no subject has.
    #[error("default feature `{0}` is not a document subject of the release")]
    UnknownFeature(String),
}

/// Counts from one generation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Definition versions.
    pub definitions: usize,
    /// Object nodes in all element trees (leaf objects such as codes included).
    pub object_nodes: usize,
    /// Distinct generated struct shapes after structural dedup.
    pub struct_shapes: usize,
    /// Distinct fixed-phrase types.
    pub phrase_shapes: usize,
    /// Cargo features (document subjects).
    pub features: usize,
}

/// Every file of the generated crate, path (relative to the crate root) → bytes.
#[derive(Debug, Clone)]
pub struct Output {
    /// The files.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Counts.
    pub stats: Stats,
    /// Per definition version (`OID@YYYY-MM-DD`): each type name a vendor sees in its
    /// module → the JSON pointer of the element it is named from.
    pub type_names: BTreeMap<String, BTreeMap<String, String>>,
}

/// Folders of the generated crate whose every file codegen owns.
pub const OWNED_DIRS: &[&str] = &["src", "data"];

impl Output {
    /// Write every file under `dir`, removing files in the owned folders that are no
    /// longer generated.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<()> {
        for stale in self.stale_files(dir) {
            std::fs::remove_file(dir.join(stale))?;
        }
        for (path, bytes) in &self.files {
            let p = dir.join(path);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            if std::fs::read(&p).ok().as_deref() != Some(bytes.as_slice()) {
                std::fs::write(&p, bytes)?;
            }
        }
        Ok(())
    }

    fn stale_files(&self, dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for owned in OWNED_DIRS {
            let mut stack = vec![dir.join(owned)];
            while let Some(d) = stack.pop() {
                let Ok(rd) = std::fs::read_dir(&d) else {
                    continue;
                };
                for e in rd.flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if let Ok(rel) = p.strip_prefix(dir) {
                        let rel = rel.to_string_lossy().replace('\\', "/");
                        if !self.files.contains_key(&rel) {
                            out.push(rel);
                        }
                    }
                }
            }
        }
        out.sort();
        out
    }

    /// Differences between this output and the files under `dir`: one line per file
    /// missing, different or no longer generated. Empty when `dir` is up to date.
    pub fn drift(&self, dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for (path, bytes) in &self.files {
            match std::fs::read(dir.join(path)) {
                Ok(b) if b == *bytes => {}
                Ok(_) => out.push(format!("differs: {path}")),
                Err(_) => out.push(format!("missing: {path}")),
            }
        }
        for stale in self.stale_files(dir) {
            out.push(format!("not generated: {stale}"));
        }
        out
    }
}

/// One definition as the generator sees it.
pub(crate) struct DefPlan<'a> {
    pub def: &'a Definition,
    pub feature: String,
    pub module: String,
    pub version_module: String,
    pub variant: String,
    pub root_ty: shapes::Ty,
    pub used: BTreeSet<usize>,
    /// Shape index → the contextual name vendors see in this version's module.
    pub names: BTreeMap<usize, String>,
    /// Shape index → the JSON path it is named from.
    pub paths: BTreeMap<usize, String>,
}

/// Generate the whole crate for `release`.
pub fn generate(release: &Release, opts: &Options) -> Result<Output, CodegenError> {
    if release.is_empty() {
        return Err(CodegenError::Empty);
    }
    let mut shapes = shapes::Shapes::default();
    let mut plans = Vec::new();
    for def in shapes::ordered(release.definitions()) {
        let feature = feature_slug(def.subject());
        let doc_el = def.document();
        let root_ty = shapes.ty(doc_el, doc_el, &feature, &mut vec![doc_el.key.clone()]);
        let occurrences = shapes.take_occurrences();
        let names = shapes::contextual_names(&occurrences, emit::RESERVED);
        let paths = shapes::naming_paths(&occurrences)
            .into_iter()
            .map(|(i, p)| (i, format!("/{}", p.join("/"))))
            .collect();
        plans.push(DefPlan {
            def,
            feature,
            module: emit::module_name(def.document_key()),
            version_module: emit::version_module(def),
            variant: emit::variant_name(def),
            root_ty,
            used: BTreeSet::new(),
            names,
            paths,
        });
    }
    shapes.assign_names(emit::RESERVED);
    for p in &mut plans {
        shapes::reachable(&shapes.list, &p.root_ty, &mut p.used);
    }
    let features: BTreeSet<String> = plans.iter().map(|p| p.feature.clone()).collect();
    for f in &opts.default_features {
        if !features.contains(f) {
            return Err(CodegenError::UnknownFeature(f.clone()));
        }
    }
    let stats = Stats {
        definitions: plans.len(),
        object_nodes: shapes.object_nodes,
        struct_shapes: shapes
            .list
            .iter()
            .filter(|s| matches!(s.kind, shapes::ShapeKind::Struct(_)))
            .count(),
        phrase_shapes: shapes
            .list
            .iter()
            .filter(|s| matches!(s.kind, shapes::ShapeKind::Phrase(_)))
            .count(),
        features: features.len(),
    };
    let type_names = plans
        .iter()
        .map(|p| {
            let names = p
                .names
                .iter()
                .map(|(i, n)| (n.clone(), p.paths.get(i).cloned().unwrap_or_default()))
                .collect();
            (p.def.id.to_string(), names)
        })
        .collect();
    let mut files = emit::emit(release, opts, &shapes.list, &plans, &features, &stats)?;
    files.insert(
        "data/release.json.gz".to_string(),
        sosmeta_model::compact::to_bytes(release),
    );
    Ok(Output {
        files,
        stats,
        type_names,
    })
}
