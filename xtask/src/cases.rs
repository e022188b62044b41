//! `cargo xtask cases`: write the generated test documents (minimal and maximal samples
//! and mutants of every definition) as NDJSON, for the agreement test's oracle, the
//! benchmark and manual inspection.

use anyhow::Context;
use sosmeta_model::Release;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `cargo xtask cases`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The release (default: the pinned corpus in ../shared).
    #[arg(long)]
    pub release: Option<PathBuf>,
    /// Where to write the cases (one JSON object per line).
    #[arg(long, default_value = "target/sosmeta-cases/cases.ndjson")]
    pub out: PathBuf,
}

/// Write `cases` as NDJSON: `{id, oid, version, dotted, kind, pointer, semantic_rule, document}`.
pub(crate) fn write_cases(
    path: &Path,
    cases: &[sosmeta_validate::cases::Case],
) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    }
    let f = std::fs::File::create(path).with_context(|| format!("create {}", path.display()))?;
    let mut w = std::io::BufWriter::new(f);
    for c in cases {
        serde_json::to_writer(&mut w, c)?;
        writeln!(w)?;
    }
    w.flush()?;
    Ok(())
}

/// Load the release named on the command line, or the pinned corpus.
pub(crate) fn load_release(path: Option<&Path>) -> anyhow::Result<Release> {
    let p = path
        .map(Path::to_path_buf)
        .unwrap_or_else(sosmeta_model::corpus::pinned_corpus_dir);
    Release::load(&p).with_context(|| format!("load release {}", p.display()))
}

/// Run the task.
pub(crate) fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    let release = load_release(args.release.as_deref())?;
    let cases = sosmeta_validate::cases::all_cases(&release);
    write_cases(&args.out, &cases)?;
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &cases {
        *by_kind.entry(c.kind.as_str()).or_default() += 1;
    }
    println!(
        "{} cases for {} definitions -> {}",
        cases.len(),
        release.len(),
        args.out.display()
    );
    for (k, n) in by_kind {
        println!("  {k:<20} {n}");
    }
    Ok(std::process::ExitCode::SUCCESS)
}
