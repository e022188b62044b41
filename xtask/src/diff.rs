//! `cargo xtask diff` (not yet implemented).

/// Arguments of `cargo xtask diff`.
#[derive(clap::Args)]
pub struct Args {}

/// Run the task.
pub fn run(_args: Args) -> anyhow::Result<std::process::ExitCode> {
    anyhow::bail!("`cargo xtask diff` is not implemented yet")
}
