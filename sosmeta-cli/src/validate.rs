//! `sosmeta validate PATH...`.

use crate::text::{write_text_result, write_text_summary};
use crate::{UsageError, EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use sosmeta_validate::finding::rules;
use sosmeta_validate::input::{ndjson_sources, Source, DEFAULT_MAX_SIZE};
use sosmeta_validate::report::{validator_name, Report, Summary};
use sosmeta_validate::{Level, RuleLevels, Severity, ValidateOptions};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// How inputs are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// By extension: `*.ndjson` and `*.jsonl` are NDJSON, everything else one document.
    Auto,
    /// Every input (stdin and files of any extension) is NDJSON: one document per line.
    Ndjson,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: per document OK or the findings, then a summary line.
    Text,
    /// One JSON object: `{validator, release, results, summary}`.
    Json,
    /// One JSON result per line.
    Ndjson,
    /// SARIF 2.1.0 (code-scanning dashboards): the rule table and one result per finding.
    Sarif,
    /// JUnit XML (CI test views): one testcase per document, a failure per invalid one.
    Junit,
}

/// The level at which a document counts as invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Errors make a document invalid (default).
    Error,
    /// Errors and warnings make a document invalid.
    Warning,
}

/// Arguments of `sosmeta validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files, directories (recursive: *.json, *.ndjson, *.jsonl) or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The definition: `OID`, `OID@YYYY-MM-DD` or the dotted `OID.y.m.d`
    /// (default: from each document's root key, the version in force).
    #[arg(long, short = 'd', value_name = "OID[@VERSION]")]
    pub definition: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: Format,
    /// Which findings make a document invalid.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Report at most N findings per document.
    #[arg(long, value_name = "N")]
    pub max_findings: Option<usize>,
    /// Print only invalid documents and errors (text), and no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// How to read the inputs: `ndjson` reads stdin and files of any extension as one
    /// document per line (the output format is `-f`).
    #[arg(long, value_enum, default_value = "auto", value_name = "auto|ndjson")]
    pub input_format: InputFormat,
    /// Refuse inputs over this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_SIZE)]
    pub max_size: u64,
    /// The day plain documents are stored (YYYY-MM-DD): with --env, checks them against the
    /// release calendar (envelopes carry their own dates); also their date for code validity.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "env")]
    pub on: Option<chrono::NaiveDate>,
    /// The Kanta environment plain documents are stored in: AT (customer test) or TU
    /// (production); needs --on.
    #[arg(long, value_name = "AT|TU", requires = "on")]
    pub env: Option<sosmeta_validate::metadata::calendar::Environment>,
    /// Switch a rule off (an id from `sosmeta rules`, or a prefix like `code.*`); repeatable.
    #[arg(long, value_name = "RULE")]
    pub allow: Vec<String>,
    /// Report a rule as a warning; repeatable.
    #[arg(long, value_name = "RULE")]
    pub warn: Vec<String>,
    /// Report a rule as an error; repeatable. Applied after --allow and --warn.
    #[arg(long, value_name = "RULE")]
    pub deny: Vec<String>,
    /// A configuration file (TOML) with a `[rules]` table of `"RULE" = "off" | "info" |
    /// "warning" | "error"`; the flags above are applied after it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A release calendar file to use instead of the embedded one
    /// (sosmeta-validate/data/release-calendar.json shows the shape).
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
}

fn is_ndjson(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("ndjson" | "jsonl")
    )
}

fn collect(path: &Path, ndjson: bool, max_size: u64, out: &mut Vec<Source>) {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        match std::io::stdin()
            .lock()
            .take(max_size.saturating_add(1))
            .read_to_end(&mut buf)
        {
            Ok(_) if ndjson => out.extend(ndjson_sources("-", &buf)),
            Ok(_) => out.push(Source::bytes("-", buf)),
            Err(e) => out.push(failed("-", format!("cannot read stdin: {e}"))),
        }
        return;
    }
    let name = path.display().to_string();
    match std::fs::metadata(path) {
        Err(e) => out.push(failed(&name, format!("cannot read {name}: {e}"))),
        Ok(m) if m.is_dir() => {
            let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    out.push(failed(&name, format!("cannot read directory {name}: {e}")));
                    return;
                }
            };
            entries.sort();
            for p in entries {
                let ext = p.extension().and_then(|e| e.to_str());
                if p.is_dir() || matches!(ext, Some("json" | "ndjson" | "jsonl")) {
                    collect(&p, ndjson, max_size, out);
                }
            }
        }
        Ok(m) if ndjson || is_ndjson(path) => {
            if m.len() > max_size {
                out.push(Source::file(path));
                return;
            }
            match std::fs::read(path) {
                Ok(b) => out.extend(ndjson_sources(&name, &b)),
                Err(e) => out.push(failed(&name, format!("cannot read {name}: {e}"))),
            }
        }
        Ok(_) => out.push(Source::file(path)),
    }
}

fn failed(name: &str, msg: String) -> Source {
    Source {
        name: name.to_string(),
        data: sosmeta_validate::SourceData::Failed(msg),
    }
}

/// Run `sosmeta validate`.
pub fn run(
    release: Option<&Path>,
    args: Args,
    style: crate::text::Style,
) -> Result<u8, UsageError> {
    let mut validator = crate::validator(release)?;
    if let Some(path) = &args.calendar {
        let text = std::fs::read_to_string(path)
            .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?;
        let calendar = sosmeta_validate::metadata::calendar::Calendar::from_json(&text)
            .map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
        validator = validator.with_calendar(calendar);
    }
    let definition = match &args.definition {
        Some(r) => Some(validator.resolve(r)?.id.clone()),
        None => None,
    };
    let rule_levels = rule_levels(&args)?;
    let opts = ValidateOptions {
        definition,
        max_size: args.max_size,
        max_findings: args.max_findings.unwrap_or(usize::MAX),
        fail_on: match args.fail_on {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        },
        on: args.on,
        environment: args.env,
        rule_levels,
        ..ValidateOptions::default()
    };
    let start = std::time::Instant::now();
    let mut sources = Vec::new();
    for p in &args.paths {
        collect(
            p,
            args.input_format == InputFormat::Ndjson,
            args.max_size,
            &mut sources,
        );
    }
    if sources.is_empty() {
        return Err(UsageError(
            "no documents found (directories are searched for *.json, *.ndjson, *.jsonl)".into(),
        ));
    }
    let show_progress = args.format == Format::Text
        && !args.quiet
        && sources.len() > 1
        && std::io::stderr().is_terminal();
    let bar = if show_progress {
        let b = indicatif::ProgressBar::new(sources.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} documents {per_sec} eta {eta}",
        ) {
            b.set_style(style);
        }
        Some(b)
    } else {
        None
    };
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let results = validator.validate_all(&sources, &opts, &tick);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let summary = Summary::of(&results, start.elapsed().as_secs_f64());
    let io_error = results
        .iter()
        .any(|r| r.findings.iter().any(|f| f.rule == rules::INPUT_IO));
    let code = if io_error {
        EXIT_USAGE
    } else if summary.invalid > 0 {
        EXIT_INVALID
    } else {
        EXIT_OK
    };
    let notes = validator.notes();
    let notes: Vec<String> = notes.into_iter().map(word_note).collect();
    if args.format == Format::Ndjson && !args.quiet {
        for note in &notes {
            eprintln!("sosmeta: note: {note}");
        }
    }
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let written = (|| -> std::io::Result<()> {
        match args.format {
            Format::Text => {
                for r in &results {
                    write_text_result(&mut w, r, args.quiet, style)?;
                }
                if !args.quiet {
                    for note in &notes {
                        writeln!(w, "note: {note}")?;
                    }
                    let changed = opts.rule_levels.overrides();
                    if !changed.is_empty() {
                        let list: Vec<String> = changed
                            .iter()
                            .map(|o| format!("{} {:?}", o.rule, o.level).to_lowercase())
                            .collect();
                        writeln!(w, "rules changed: {}", list.join(", "))?;
                    }
                    write_text_summary(&mut w, &summary)?;
                }
            }
            Format::Json | Format::Sarif | Format::Junit => {
                let report = Report {
                    validator: validator_name(),
                    release: validator.release().label().map(str::to_string),
                    notes,
                    rule_levels: opts.rule_levels.overrides(),
                    results,
                    summary,
                };
                match args.format {
                    Format::Sarif => {
                        serde_json::to_writer_pretty(&mut w, &crate::formats::sarif(&report))?
                    }
                    Format::Junit => crate::formats::write_junit(&mut w, &report)?,
                    _ => serde_json::to_writer_pretty(&mut w, &report)?,
                }
                if args.format != Format::Junit {
                    writeln!(w)?;
                }
            }
            Format::Ndjson => {
                for r in &results {
                    serde_json::to_writer(&mut w, r)?;
                    writeln!(w)?;
                }
            }
        }
        w.flush()
    })();
    match written {
        Ok(()) => Ok(code),
        // A closed pipe (e.g. `| head`) is not an error of the documents.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(UsageError(format!("cannot write output: {e}"))),
    }
}

/// The library's run notes, worded for the command line.
fn word_note(note: String) -> String {
    if note.contains("koodistot/") {
        format!("{note}; fetch one with `cargo xtask fetch` and pass it with --release")
    } else {
        note
    }
}

/// The `[rules]` table of a configuration file.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    rules: std::collections::BTreeMap<String, String>,
}

/// The rule levels of `--config`, then `--allow`, `--warn` and `--deny`.
fn rule_levels(args: &Args) -> Result<RuleLevels, UsageError> {
    let mut levels = RuleLevels::default();
    if let Some(path) = &args.config {
        let text = std::fs::read_to_string(path)
            .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?;
        let config: Config =
            toml::from_str(&text).map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
        for (rule, level) in &config.rules {
            let level: Level = level
                .parse()
                .map_err(|e| UsageError(format!("{}: rule `{rule}`: {e}", path.display())))?;
            levels.set(rule, level).map_err(|e| {
                UsageError(format!("{}: {e} (see `sosmeta rules`)", path.display()))
            })?;
        }
    }
    for (rules, level) in [
        (&args.allow, Level::Off),
        (&args.warn, Level::Warning),
        (&args.deny, Level::Error),
    ] {
        for r in rules {
            levels
                .set(r, level)
                .map_err(|e| UsageError(format!("{e} (see `sosmeta rules`)")))?;
        }
    }
    Ok(levels)
}
