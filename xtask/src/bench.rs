//! `cargo xtask bench` (not yet implemented).

/// Arguments of `cargo xtask bench`.
#[derive(clap::Args)]
pub struct Args {}

/// Run the task.
pub fn run(_args: Args) -> anyhow::Result<std::process::ExitCode> {
    anyhow::bail!("`cargo xtask bench` is not implemented yet")
}
