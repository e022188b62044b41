//! `sosmeta diff OLD NEW`: what changed between two releases, for vendors and release notes.

use super::{UsageError, EXIT_INVALID, EXIT_OK};
use sosmeta_model::{diff, Release};
use std::path::PathBuf;

/// Output formats of `sosmeta diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// For people.
    Text,
    /// One JSON object (the serde form of `sosmeta_model::diff::ReleaseDiff`).
    Json,
    /// Markdown, ready to paste into release notes.
    Markdown,
}

/// Arguments of `sosmeta diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The old release: a folder, zip or compact file.
    pub old: PathBuf,
    /// The new release: a folder, zip or compact file.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// Exit 1 when any change is breaking for a vendor with data in the old shape.
    #[arg(long)]
    pub fail_on_breaking: bool,
}

/// Run `sosmeta diff`.
pub fn run(args: DiffArgs) -> Result<u8, UsageError> {
    let load = |p: &PathBuf| {
        Release::load(p).map_err(|e| UsageError(format!("cannot load {}: {e}", p.display())))
    };
    let (old, new) = (load(&args.old)?, load(&args.new)?);
    let d = diff::diff(&old, &new);
    let out = match args.format {
        DiffFormat::Text => d.to_text(),
        DiffFormat::Json => d.to_json(),
        DiffFormat::Markdown => d.to_markdown(),
    };
    print!("{out}");
    if !out.ends_with('\n') {
        println!();
    }
    Ok(if args.fail_on_breaking && d.has_breaking() {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}
