//! `cargo xtask fetch` (not yet implemented).

/// Arguments of `cargo xtask fetch`.
#[derive(clap::Args)]
pub struct Args {}

/// Run the task.
pub fn run(_args: Args) -> anyhow::Result<std::process::ExitCode> {
    anyhow::bail!("`cargo xtask fetch` is not implemented yet")
}
