//! `cargo xtask codegen [--release PATH] [--out DIR]`: regenerate `generated/`.

use anyhow::Context;
use std::path::PathBuf;

/// Arguments of `cargo xtask codegen`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The release to generate from: a folder, zip or compact file (default: the pinned
    /// corpus, `../shared/sosmeta-corpus/2025-05-20` or `$SOSMETA_CORPUS`).
    #[arg(long)]
    release: Option<PathBuf>,
    /// The release label written into the crate (default: the pinned release date, or
    /// the release's own label).
    #[arg(long)]
    label: Option<String>,
    /// Where the generated crate lives.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Only check that `--out` is up to date (exit 1 when it is not).
    #[arg(long)]
    check: bool,
}

/// Run the task.
pub(crate) fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    let path = args
        .release
        .clone()
        .unwrap_or_else(sosmeta_model::corpus::pinned_corpus_dir);
    let started = std::time::Instant::now();
    let release = sosmeta_model::Release::load(&path)
        .with_context(|| format!("loading the release {}", path.display()))?;
    let mut opts = sosmeta_codegen::Options::default();
    if let Some(l) = args.label.clone().or_else(|| {
        args.release
            .as_ref()
            .and(release.label().map(str::to_string))
    }) {
        opts.label = l;
    }
    let out = sosmeta_codegen::generate(&release, &opts)?;
    if args.check {
        let drift = out.drift(&args.out);
        if drift.is_empty() {
            println!("{} is up to date", args.out.display());
            return Ok(std::process::ExitCode::SUCCESS);
        }
        for d in drift {
            println!("{d}");
        }
        println!("run `cargo xtask codegen`");
        return Ok(std::process::ExitCode::from(1));
    }
    out.write_to(&args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    let s = &out.stats;
    println!(
        "wrote {} files to {} in {:.2?}: {} definitions, {} object nodes -> {} structs + {} phrases, {} features",
        out.files.len(),
        args.out.display(),
        started.elapsed(),
        s.definitions,
        s.object_nodes,
        s.struct_shapes,
        s.phrase_shapes,
        s.features
    );
    Ok(std::process::ExitCode::SUCCESS)
}
