//! `cargo xtask diff OLD NEW`: compare two release bundles (directories or zips).
//!
//! The same front-end as `sosmeta diff` (flags, formats, `-o`): [`sosmeta_cli::diff`].
//! The comparison itself is [`sosmeta_model::diff`].

pub use sosmeta_cli::diff::{diff_paths, render, Args, DiffFormat as Format};

/// Run the task.
pub fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    let code = sosmeta_cli::diff::run(&args).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(std::process::ExitCode::from(code))
}
