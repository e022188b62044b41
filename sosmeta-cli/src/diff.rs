//! `sosmeta diff OLD NEW` (and `cargo xtask diff`, which calls this same front-end): what
//! changed between two releases, for vendors and release notes.

use crate::{UsageError, EXIT_INVALID, EXIT_OK};
use sosmeta_model::diff::ReleaseDiff;
use sosmeta_model::{diff, Release};
use std::path::{Path, PathBuf};

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

/// Arguments of `sosmeta diff` and `cargo xtask diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old release: a folder, zip or compact file.
    pub old: PathBuf,
    /// The new release: a folder, zip or compact file.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when any change is breaking for a vendor with data in the old shape.
    #[arg(long)]
    pub fail_on_breaking: bool,
}

/// Load both releases and compare them.
pub fn diff_paths(old: &Path, new: &Path) -> Result<ReleaseDiff, UsageError> {
    let load = |p: &Path| {
        Release::load(p).map_err(|e| UsageError(format!("cannot load {}: {e}", p.display())))
    };
    Ok(diff::diff(&load(old)?, &load(new)?))
}

/// A diff in one of the formats, ending with a newline.
pub fn render(d: &ReleaseDiff, format: DiffFormat) -> String {
    let mut out = match format {
        DiffFormat::Text => d.to_text(),
        DiffFormat::Json => d.to_json(),
        DiffFormat::Markdown => d.to_markdown(),
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Run `sosmeta diff`; returns the exit code.
pub fn run(args: &Args) -> Result<u8, UsageError> {
    let d = diff_paths(&args.old, &args.new)?;
    let out = render(&d, args.format);
    match &args.output {
        Some(p) => std::fs::write(p, &out)
            .map_err(|e| UsageError(format!("cannot write {}: {e}", p.display())))?,
        None => {
            use std::io::Write;
            let mut w = std::io::stdout().lock();
            crate::write_result(w.write_all(out.as_bytes()).and_then(|_| w.flush()))?;
        }
    }
    Ok(if args.fail_on_breaking && d.has_breaking() {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}
