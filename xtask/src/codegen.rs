//! `cargo xtask codegen` (not yet implemented).

/// Arguments of `cargo xtask codegen`.
#[derive(clap::Args)]
pub struct Args {}

/// Run the task.
pub fn run(_args: Args) -> anyhow::Result<std::process::ExitCode> {
    anyhow::bail!("`cargo xtask codegen` is not implemented yet")
}
