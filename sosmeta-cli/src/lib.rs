//! The `sosmeta` command line: one module per subcommand, the embedded default release,
//! and the text forms of the validator's reports.
//!
//! Every subcommand that prints data takes `-f/--format` (`text` by default, `json`, and
//! where it fits `ndjson` or `markdown`). Input options are named for input
//! (`--input-format`), output options for output (`-f`, `-o`).

pub mod cda;
pub mod definitions;
pub mod diff;
pub mod formats;
pub mod render;
pub mod serve;
pub mod sink;
pub mod text;
pub mod validate;
pub mod walk;

use clap::{Parser, Subcommand};
use sosmeta_validate::{ValidateError, Validator};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code: every document valid.
pub const EXIT_OK: u8 = 0;
/// Exit code: some document invalid (or, for `diff --fail-on-breaking`, a breaking change).
pub const EXIT_INVALID: u8 = 1;
/// Exit code: usage or I/O error.
pub const EXIT_USAGE: u8 = 2;

const EXIT_CODES: &str = "Exit codes: 0 every document valid; 1 some document invalid \
(diff: a breaking change with --fail-on-breaking); 2 usage or I/O error.";

/// Validate and explore Sosmeta documents and definitions.
#[derive(Debug, Parser)]
#[command(name = "sosmeta", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// The release to use: a folder, zip or compact file (default: the embedded release).
    #[arg(long, global = true, value_name = "DIR|ZIP|FILE")]
    pub release: Option<PathBuf>,
    /// Colour in text output: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: clap::ColorChoice,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate documents (files, directories, `-` for stdin, NDJSON batches).
    #[command(after_help = EXIT_CODES)]
    Validate(validate::Args),
    /// List the definitions of the release.
    List(definitions::ListArgs),
    /// Show a definition's element tree.
    Show(definitions::ShowArgs),
    /// Print a definition's JSON Schema as the model writes it.
    Schema(definitions::SchemaArgs),
    /// List every rule id with its layer, severity, meaning and an example.
    Rules(RulesArgs),
    /// Compare two releases: definitions, versions, statuses and element changes.
    Diff(diff::Args),
    /// Render a document for people: the display form (XHTML fragment), or `--page` a preview.
    Render(render::RenderArgs),
    /// Print a valid example document for a definition, with THL's own example texts.
    Example(ExampleArgs),
    /// Kanta archive documents: build a CDA and its frame from a JSON view (wrap), or
    /// write a CDA's JSON view, content and display form (unwrap).
    Cda(cda::Args),
    /// Serve the validator over HTTP: Kanta's validation contract, a JSON API, a web page.
    Serve(serve::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff, for `man -l -`).
    Man,
}

/// Arguments of `sosmeta example`.
#[derive(Debug, clap::Args)]
pub struct ExampleArgs {
    /// `OID`, `OID@YYYY-MM-DD` or the dotted `OID.y.m.d` (an OID alone: the version in force).
    pub definition: String,
    /// Every element (default: only what is required, and what a condition then requires).
    #[arg(long)]
    pub max: bool,
    /// The language of the example texts: fi or sv.
    #[arg(long, short = 'l', value_enum, default_value = "fi")]
    pub lang: ExampleLang,
}

/// The language of `sosmeta example`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExampleLang {
    /// Finnish.
    Fi,
    /// Swedish (THL's Swedish example texts where there are some, else Finnish).
    Sv,
}

/// Arguments of `sosmeta completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Output format of the subcommands that print tables (`list`, `show`, `rules`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DataFormat {
    /// A table for people.
    #[default]
    Text,
    /// JSON.
    Json,
}

/// Arguments of `sosmeta rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: DataFormat,
}

/// A CLI failure that is not about a document: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl From<ValidateError> for UsageError {
    fn from(e: ValidateError) -> Self {
        UsageError(e.to_string())
    }
}

/// A validator for the release embedded in `sosmeta-generated` (no files, no network).
pub fn embedded_validator() -> Validator {
    Validator::from_static(sosmeta_generated::embedded_release())
}

/// Build the validator for `--release` (or the embedded release).
pub fn validator(release: Option<&std::path::Path>) -> Result<Validator, UsageError> {
    match release {
        Some(p) => Ok(Validator::load(p)?),
        None => Ok(embedded_validator()),
    }
}

/// `sosmeta --version`: the crate version and the embedded release with its date.
pub fn version_text() -> String {
    let release = sosmeta_generated::embedded_release();
    format!(
        "{} (embedded Sosmeta release {}, {} definition versions)",
        env!("CARGO_PKG_VERSION"),
        release.label().unwrap_or("unlabelled"),
        release.len()
    )
}

/// The clap command with the runtime version text.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    Cli::command().version(VERSION.get_or_init(version_text).as_str())
}

/// Run the CLI with the process arguments.
pub fn main() -> ExitCode {
    use clap::FromArgMatches;
    let parsed = command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
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
        Command::Validate(a) => validate::run(release, a, text::Style::for_stdout(cli.color)),
        Command::List(a) => definitions::list(release, a),
        Command::Show(a) => definitions::show(release, a),
        Command::Schema(a) => definitions::schema(release, a),
        Command::Diff(a) => diff::run(&a),
        Command::Render(a) => render::run(release, a),
        Command::Cda(a) => cda::run(release, a),
        Command::Rules(a) => rules(a),
        Command::Serve(a) => serve::run(release, a),
        Command::Example(a) => {
            let v = validator(release)?;
            let def = v.resolve(&a.definition)?;
            let fill = if a.max {
                sosmeta_model::samples::Fill::Maximal
            } else {
                sosmeta_model::samples::Fill::Minimal
            };
            let lang = match a.lang {
                ExampleLang::Fi => sosmeta_model::Lang::Fi,
                ExampleLang::Sv => sosmeta_model::Lang::Sv,
            };
            let doc = sosmeta_model::samples::example(def, fill, &lang);
            let mut out = std::io::stdout().lock();
            write_result(
                serde_json::to_writer_pretty(&mut out, &doc)
                    .map_err(std::io::Error::from)
                    .and_then(|_| writeln!(out)),
            )?;
            Ok(EXIT_OK)
        }
        Command::Completions(a) => {
            let mut cmd = command();
            clap_complete::generate(a.shell, &mut cmd, "sosmeta", &mut std::io::stdout());
            Ok(EXIT_OK)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command())
                .render(&mut out)
                .map_err(|e| UsageError(format!("cannot write the manual page: {e}")))?;
            write_result(std::io::stdout().lock().write_all(&out))?;
            Ok(EXIT_OK)
        }
    }
}

/// `sosmeta rules`: the registry as a table or JSON.
fn rules(a: RulesArgs) -> Result<u8, UsageError> {
    let mut out = std::io::stdout().lock();
    let r = match a.format {
        DataFormat::Json => serde_json::to_writer_pretty(&mut out, sosmeta_validate::RULES)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
        DataFormat::Text => (|| {
            writeln!(
                out,
                "{:<36} {:<9} {:<8} MEANING / EXAMPLE",
                "RULE", "LAYER", "SEVERITY"
            )?;
            for r in sosmeta_validate::RULES {
                writeln!(
                    out,
                    "{:<36} {:<9} {:<8} {}\n{:56}e.g. {}",
                    r.id, r.layer, r.severity, r.description, "", r.example
                )?;
            }
            writeln!(out, "{} rules", sosmeta_validate::RULES.len())
        })(),
    };
    write_result(r)?;
    Ok(EXIT_OK)
}

/// Map an output error to a usage error; a closed pipe (`| head`) is not an error.
pub(crate) fn write_result(r: std::io::Result<()>) -> Result<(), UsageError> {
    match r {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(UsageError(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}
