//! `cargo xtask diff OLD NEW`: compare two release bundles (directories or zips).
//!
//! The comparison itself is [`sosmeta_model::diff`]; this module loads the bundles and
//! prints the report as text, JSON or markdown.

use anyhow::Context as _;
use sosmeta_model::diff::ReleaseDiff;
use sosmeta_model::Release;
use std::path::{Path, PathBuf};

/// Output format of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text for the terminal.
    Text,
    /// Pretty JSON (the serde form of `ReleaseDiff`).
    Json,
    /// Markdown, ready to paste into release notes.
    Markdown,
}

/// Arguments of `cargo xtask diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The old release bundle (directory, zip or compact file).
    pub old: PathBuf,
    /// The new release bundle (directory, zip or compact file).
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Exit with status 1 when any change is breaking.
    #[arg(long)]
    pub fail_on_breaking: bool,
}

/// Load both bundles and compare them.
pub fn diff_paths(old: &Path, new: &Path) -> anyhow::Result<ReleaseDiff> {
    let o = Release::load(old).with_context(|| format!("loading {}", old.display()))?;
    let n = Release::load(new).with_context(|| format!("loading {}", new.display()))?;
    Ok(sosmeta_model::diff::diff(&o, &n))
}

/// Render a diff in the given format.
pub fn render(d: &ReleaseDiff, format: Format) -> String {
    match format {
        Format::Text => d.to_text(),
        Format::Json => d.to_json() + "\n",
        Format::Markdown => d.to_markdown(),
    }
}

/// Run the task.
pub fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    let d = diff_paths(&args.old, &args.new)?;
    let out = render(&d, args.format);
    match &args.output {
        Some(p) => std::fs::write(p, &out).with_context(|| format!("writing {}", p.display()))?,
        None => print!("{out}"),
    }
    if args.fail_on_breaking && d.has_breaking() {
        return Ok(std::process::ExitCode::from(1));
    }
    Ok(std::process::ExitCode::SUCCESS)
}
