//! `cargo xtask cases` (not yet implemented).

/// Arguments of `cargo xtask cases`.
#[derive(clap::Args)]
pub struct Args {}

/// Run the task.
pub fn run(_args: Args) -> anyhow::Result<std::process::ExitCode> {
    anyhow::bail!("`cargo xtask cases` is not implemented yet")
}
