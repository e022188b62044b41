//! `sosmeta validate PATH...`.

use crate::sink::{RunInfo, Sink};
use crate::walk::{walk, Item, WalkOptions};
use crate::{UsageError, EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use rayon::prelude::*;
use sosmeta_kanta::{ArchiveOptions, ArchiveValidator, ProviderProfile, Sector};
use sosmeta_validate::finding::rules;
use sosmeta_validate::input::DEFAULT_MAX_SIZE;
use sosmeta_validate::report::InputKind;
use sosmeta_validate::report::{DocumentResult, Summary};
use sosmeta_validate::Validator;
use sosmeta_validate::{Level, RuleLevels, Severity, SourceData, ValidateOptions};
use std::borrow::Cow;
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A provider's sector (`--sector`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SectorArg {
    /// Public (a wellbeing services county, a city).
    Public,
    /// Private.
    Private,
}

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
    /// Show document values whole in messages, for local debugging. By default a message
    /// shows at most 40 characters of a value and masks personal identity codes
    /// (`131052-****`), because reports end up in logs and CI systems.
    #[arg(long)]
    pub show_values: bool,
    /// Print only invalid documents and errors (text), and no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// How to read the inputs: `ndjson` reads stdin and files of any extension as one
    /// document per line (the output format is `-f`).
    #[arg(long, value_enum, default_value = "auto", value_name = "auto|ndjson")]
    pub input_format: InputFormat,
    /// Refuse documents over this many bytes (one NDJSON line is one document; a batch
    /// has no limit).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_SIZE)]
    pub max_size: u64,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// The day plain documents are stored (YYYY-MM-DD): with --env, checks them against the
    /// release calendar (archive documents carry their own dates); also their date for code
    /// validity.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "env")]
    pub on: Option<chrono::NaiveDate>,
    /// The Kanta environment documents are stored in: AT (customer test) or TU
    /// (production). Archive documents carry their own dates; plain documents need --on.
    #[arg(long, value_name = "AT|TU")]
    pub env: Option<sosmeta_validate::calendar::Environment>,
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
    /// The transfer frame (RCMR_IN200002FI01) of the CDA given (in a directory, frames pair
    /// with the CDA whose id they name, by themselves).
    #[arg(long, value_name = "FRAME.xml")]
    pub frame: Option<PathBuf>,
    /// The sending provider's sector for archive documents (a private provider must state
    /// its joining model); the document does not say it.
    #[arg(long, value_enum, value_name = "public|private")]
    pub sector: Option<SectorArg>,
    /// Known providers (JSON: `[{"oid": "1.2.246.10...", "sector": "private"}]`),
    /// matched on the frame's sender or the CDA's custodian.
    #[arg(long, value_name = "FILE")]
    pub providers: Option<PathBuf>,
    /// A release calendar file to use instead of the embedded one
    /// (sosmeta-validate/data/release-calendar.json shows the shape).
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
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
        let calendar = sosmeta_validate::calendar::Calendar::from_json(&text)
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
        show_values: args.show_values,
        ..ValidateOptions::default()
    };
    let start = std::time::Instant::now();
    let jobs = args
        .jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| UsageError(format!("cannot start {jobs} worker threads: {e}")))?;
    let progress = Progress::new(args.format == Format::Text && !args.quiet);
    let info = RunInfo {
        release: validator.release().label().map(str::to_string),
        rule_levels: opts.rule_levels.overrides(),
    };
    let stdout = std::io::stdout();
    let mut sink = Sink::new(
        std::io::BufWriter::with_capacity(256 * 1024, stdout.lock()),
        args.format,
        args.quiet,
        style,
        info,
    );

    // A reader thread walks the inputs and hands over batches (bounded in count and
    // bytes); the workers validate a batch while the next one is read; results are
    // written in input order as each batch completes. At most two batches wait, so memory
    // stays bounded whatever the run's size.
    let archive = ArchiveValidator::new(&validator, archive_options(&args, &opts)?);
    let explicit_frame = match &args.frame {
        Some(p) => Some(
            sosmeta_validate::input::read_file(p, args.max_size)
                .map_err(|f| UsageError(format!("--frame: {}", f.message)))?,
        ),
        None => None,
    };
    let used_frames = Mutex::new(HashSet::new());
    let ctx = Context {
        validator: &validator,
        archive: &archive,
        opts: &opts,
        frame: explicit_frame.as_deref(),
        used_frames: &used_frames,
    };
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(1);
    let walk_opts = WalkOptions {
        ndjson: args.input_format == InputFormat::Ndjson,
        max_size: args.max_size,
        kept_frame_bytes: crate::walk::KEPT_FRAME_BYTES,
    };
    let paths = args.paths.clone();
    let reader = std::thread::spawn(move || {
        let mut batch = Vec::with_capacity(BATCH_DOCUMENTS);
        let mut bytes = 0usize;
        let mut open = true;
        let notes = walk(&paths, walk_opts, &mut |s| {
            bytes += match &s.source.data {
                SourceData::Bytes(b) => b.len(),
                _ => 0,
            };
            batch.push(s);
            if batch.len() >= BATCH_DOCUMENTS || bytes >= BATCH_BYTES {
                bytes = 0;
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_DOCUMENTS));
                open = tx.send(full).is_ok();
            }
            open
        });
        if open && !batch.is_empty() {
            let _ = tx.send(batch);
        }
        notes
    });

    let mut summary = Summary::default();
    let mut io_error = false;
    let mut written: std::io::Result<()> = Ok(());
    // Validation and writing overlap: a scoped thread validates batch N+1 on the pool
    // while this thread writes the results of batch N (one batch in flight each way, so
    // memory stays bounded). A write error drops the receiver, which stops the validating
    // thread, which drops the reader's receiver and so stops the reader.
    std::thread::scope(|scope| {
        let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<(Vec<DocumentResult>, u64)>(1);
        let (pool, ctx) = (&pool, &ctx);
        scope.spawn(move || {
            for batch in rx {
                // Each result with the bytes its input had (for the progress bar; a file's
                // are counted as it is read, without another `stat`).
                let checked: Vec<(DocumentResult, u64)> =
                    pool.install(|| batch.par_iter().map(|item| ctx.check(item)).collect());
                drop(batch);
                let batch_bytes = checked.iter().map(|(_, n)| n).sum();
                let results: Vec<DocumentResult> = checked.into_iter().map(|(r, _)| r).collect();
                if done_tx.send((results, batch_bytes)).is_err() {
                    break;
                }
            }
        });
        for (results, batch_bytes) in done_rx {
            for r in &results {
                summary.add(r);
                io_error |= r.findings.iter().any(|f| f.rule == rules::INPUT_IO);
                if written.is_ok() {
                    written = sink.result(r);
                }
            }
            progress.advance(results.len() as u64, batch_bytes);
            if written.is_err() {
                break; // dropping the receiver stops the validating thread and the reader
            }
        }
    });
    let walk_notes = reader
        .join()
        .map_err(|_| UsageError("the input reader stopped unexpectedly".into()))?;
    // Frames whose document was not among the inputs still get a verdict.
    let used = used_frames.lock().map(|u| u.clone()).unwrap_or_default();
    for (id, path) in &walk_notes.frames {
        if written.is_err() || used.contains(path) {
            continue;
        }
        let r = ctx.unpaired_frame(path, id.as_deref());
        summary.add(&r);
        written = sink.result(&r);
    }
    progress.finish();
    summary.seconds = start.elapsed().as_secs_f64();
    if summary.files == 0 && written.is_ok() {
        return Err(UsageError(
            "no documents found (directories are searched for *.json, *.ndjson, *.jsonl)".into(),
        ));
    }
    let mut notes: Vec<String> = validator.notes().into_iter().map(word_note).collect();
    for skipped in &walk_notes.skipped {
        notes.push(format!("skipped {skipped}"));
    }
    if walk_notes.revisited > 0 {
        notes.push(format!(
            "{} directories reached again through links were not entered again",
            walk_notes.revisited
        ));
    }
    if written.is_ok() {
        written = sink.finish(&summary, &notes);
    }
    let code = if io_error {
        EXIT_USAGE
    } else if summary.invalid > 0 {
        EXIT_INVALID
    } else {
        EXIT_OK
    };
    match written {
        Ok(()) => Ok(code),
        // A closed pipe (e.g. `| head`) is not an error of the documents.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(UsageError(format!("cannot write output: {e}"))),
    }
}

/// Documents per batch handed to the workers.
const BATCH_DOCUMENTS: usize = 1024;
/// Bytes of in-memory documents (NDJSON lines, stdin) per batch.
const BATCH_BYTES: usize = 16 * 1024 * 1024;

/// Progress on a terminal: documents and MB per second (NDJSON and stdin too).
struct Progress(Option<indicatif::ProgressBar>, std::cell::Cell<u64>);

impl Progress {
    fn new(wanted: bool) -> Progress {
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress(None, Default::default());
        }
        let bar = indicatif::ProgressBar::new_spinner();
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} {pos} documents ({per_sec}) {msg} {elapsed}",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Progress(Some(bar), Default::default())
    }

    fn advance(&self, documents: u64, bytes: u64) {
        if let Some(b) = &self.0 {
            b.inc(documents);
            let total = self.1.get() + bytes;
            self.1.set(total);
            let secs = b.elapsed().as_secs_f64().max(1e-3);
            b.set_message(format!(
                "{:.1} MB, {:.1} MB/s",
                total as f64 / 1e6,
                total as f64 / 1e6 / secs
            ));
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
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

/// What every worker shares.
struct Context<'a> {
    validator: &'a Validator,
    archive: &'a ArchiveValidator<'a>,
    opts: &'a ValidateOptions,
    /// The `--frame` bytes, for the CDA given.
    frame: Option<&'a [u8]>,
    /// Frames paired with a CDA so far.
    used_frames: &'a Mutex<HashSet<PathBuf>>,
}

impl Context<'_> {
    /// Validate one input, whatever it holds: a CDA (with its frame), an archive JSON
    /// view, or a content document; with the number of bytes it had.
    fn check(&self, item: &Item) -> (DocumentResult, u64) {
        let name = &item.source.name;
        let bytes: Cow<'_, [u8]> = match &item.source.data {
            SourceData::Bytes(b) => Cow::Borrowed(b),
            SourceData::File(p) => {
                // One sized read; anything unusual (unreadable, over the limit) is read
                // again by `input::read_file`, which words the finding.
                let max = self.opts.max_size;
                let sized = crate::walk::read_sized(p, max.saturating_add(1))
                    .filter(|b| b.len() as u64 <= max);
                match sized.map_or_else(|| sosmeta_validate::input::read_file(p, max), Ok) {
                    Ok(b) => Cow::Owned(b),
                    Err(f) => {
                        let r = self.validator.result(
                            name,
                            None,
                            InputKind::Document,
                            vec![*f],
                            self.opts,
                        );
                        return (r, 0);
                    }
                }
            }
            _ => return (self.validator.validate_source(&item.source, self.opts), 0),
        };
        let mut r = self.archive.validate_any(name, &bytes, |id| {
            if let Some(frame) = self.frame {
                return Some(Cow::Borrowed(frame));
            }
            // The frame of the directory (or of the named files) naming this document.
            let frame = item.frames.as_ref()?.get(id?)?;
            if let Ok(mut used) = self.used_frames.lock() {
                used.insert(frame.path.clone());
            }
            // The bytes the walk kept (read whole by its sniff, within the size limit), or
            // as `input::read_file` (a frame over the size limit is not read), in one `read`.
            if let Some(bytes) = &frame.bytes {
                return Some(Cow::Borrowed(&bytes[..]));
            }
            let max = self.opts.max_size;
            let bytes = crate::walk::read_sized(&frame.path, max.saturating_add(1))?;
            (bytes.len() as u64 <= max).then_some(Cow::Owned(bytes))
        });
        word_unpaired(&mut r);
        (r, bytes.len() as u64)
    }

    /// The result of a transfer frame that no CDA among the inputs pairs with.
    fn unpaired_frame(&self, path: &Path, id: Option<&str>) -> DocumentResult {
        let mut r = self.archive.unpaired_frame(&path.display().to_string(), id);
        word_unpaired(&mut r);
        r
    }
}

/// The library's `frame.unpaired` hint, with the CLI's own way to give a frame.
fn word_unpaired(r: &mut DocumentResult) {
    for f in &mut r.findings {
        if f.rule == rules::FRAME_UNPAIRED {
            f.message = f.message.replace("(give both)", "(give both, or --frame)");
        }
    }
}

/// The provider profiles of `--providers FILE` (none without the flag).
pub(crate) fn read_providers(path: Option<&Path>) -> Result<Vec<ProviderProfile>, UsageError> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let bytes = sosmeta_validate::input::read_file(path, 16 * 1024 * 1024)
        .map_err(|f| UsageError(format!("--providers: {}", f.message)))?;
    serde_json::from_slice::<Vec<ProviderProfile>>(&bytes)
        .map_err(|e| UsageError(format!("{}: {e}", path.display())))
}

/// The archive options from the command line.
fn archive_options(args: &Args, opts: &ValidateOptions) -> Result<ArchiveOptions, UsageError> {
    let providers = read_providers(args.providers.as_deref())?;
    Ok(ArchiveOptions {
        content: opts.clone(),
        environment: args.env,
        on: args.on,
        sector: args.sector.map(|s| match s {
            SectorArg::Public => Sector::Public,
            SectorArg::Private => Sector::Private,
        }),
        providers,
        ..ArchiveOptions::default()
    })
}
