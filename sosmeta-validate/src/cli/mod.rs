//! The `sosmeta` command line: one module per subcommand. New subcommands (render,
//! diff, …) add a variant to [`Command`] and a module here.

pub mod definitions;
pub mod diff;
pub mod render;
pub mod validate;

use crate::Validator;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code: every document valid.
pub const EXIT_OK: u8 = 0;
/// Exit code: some document invalid.
pub const EXIT_INVALID: u8 = 1;
/// Exit code: usage or I/O error.
pub const EXIT_USAGE: u8 = 2;

/// Validate and explore Sosmeta documents and definitions.
#[derive(Debug, Parser)]
#[command(name = "sosmeta", version, about)]
pub struct Cli {
    /// The release to use: a folder, zip or compact file (default: the embedded release).
    #[arg(long, global = true, value_name = "DIR|ZIP|FILE")]
    pub release: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate documents (files, directories, `-` for stdin, NDJSON batches).
    Validate(validate::Args),
    /// List the definitions of the release.
    List(definitions::ListArgs),
    /// Show a definition's element tree.
    Show(definitions::ShowArgs),
    /// Print a definition's JSON Schema as the model writes it.
    Schema(definitions::SchemaArgs),
    /// List the rule ids with their severities.
    Rules,
    /// Compare two releases: definitions, versions, statuses and element changes.
    Diff(diff::DiffArgs),
    /// Render a document (or an envelope's content) as XHTML 1.0 for people.
    Render(render::RenderArgs),
}

/// A CLI failure that is not about a document: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl From<crate::ValidateError> for UsageError {
    fn from(e: crate::ValidateError) -> Self {
        UsageError(e.to_string())
    }
}

/// Build the validator for `--release` (or the embedded release).
pub fn validator(release: Option<&std::path::Path>) -> Result<Validator, UsageError> {
    match release {
        Some(p) => Ok(Validator::load(p)?),
        None => Ok(Validator::embedded()),
    }
}

/// Run the CLI with the process arguments.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("sosmeta: error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Run a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8, UsageError> {
    let release = cli.release.as_deref();
    match cli.command {
        Command::Validate(a) => validate::run(release, a),
        Command::List(a) => definitions::list(release, a),
        Command::Show(a) => definitions::show(release, a),
        Command::Schema(a) => definitions::schema(release, a),
        Command::Diff(a) => diff::run(a),
        Command::Render(a) => render::run(release, a),
        Command::Rules => {
            for r in crate::RULES {
                println!("{:<30} {:<8} {}", r.id, r.severity, r.description);
            }
            Ok(EXIT_OK)
        }
    }
}
