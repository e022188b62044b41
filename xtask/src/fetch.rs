//! `cargo xtask fetch`: fetch a Sosmeta release and the Koodistopalvelu code sets it
//! references into a bundle, reproducibly; or verify a bundle against its lock.
//!
//! Bundle layout: `<out>/Valmis/*.json`, `<out>/Vanhentunut/*.json` (named
//! `<oid>.<y.m.d>.json` like the corpus), `<out>/koodistot/<oid>.json` (see
//! [`sosmeta_model::koodisto`]) and `<out>/release.lock` (see [`lock`]).
//!
//! Everything is written into a temporary folder beside `<out>`, parsed, and loaded
//! with sosmeta-model; only then is `<out>` replaced, on Linux by one atomic
//! `renameat2(RENAME_EXCHANGE)` (see `replace_dir`). A failed or interrupted fetch leaves
//! the previous bundle exactly as it was; a fetch whose files equal the previous bundle's
//! lock reports "unchanged" and rewrites nothing.
//!
//! Bounds: bodies are streamed through a 256 MiB running limit, redirects stay within
//! the configured hosts (the lock records each definition's final URL), `--deadline`
//! caps the whole run (and every `Retry-After`), a classification's page count comes from
//! its first page and is at most [`MAX_PAGES`]. Code sets are fetched with
//! [`STATUS_QUERY`] so that retired codes are known.
//!
//! The pinned corpus was not written by fetch: its lock is committed in
//! `xtask/locks/2025-05-20.lock.json` (made by `cargo xtask fetch --out <corpus>
//! --write-lock xtask/locks/2025-05-20.lock.json`), and `--verify` finds it by the
//! folder's name.

pub mod http;
pub mod lock;

use anyhow::{bail, Context as _};
use http::{decode_text, Http, HttpOptions};
use lock::{sha256_hex, Lock, LockedFile, Sources, LOCK_FILE, LOCK_FORMAT};
use sosmeta_model::koodisto::{CodeSet, CodeSets};
use sosmeta_model::{Definition, Release, Status};
use std::io::{IsTerminal as _, Read as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Public Sosmeta service (default of `--sosmeta`).
pub const DEFAULT_SOSMETA: &str = "https://sosmeta.thl.fi";
/// Public Koodistopalvelu CodeServer REST API (default of `--koodisto`).
pub const DEFAULT_KOODISTO: &str = "https://koodistopalvelu.kanta.fi/codeserver/csapi";

/// Arguments of `cargo xtask fetch`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The bundle folder to write (or to verify with `--verify`).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Sosmeta base URL.
    #[arg(long, default_value = DEFAULT_SOSMETA)]
    pub sosmeta: String,
    /// Koodistopalvelu CodeServer base URL (the part before `/v6/...`).
    #[arg(long, default_value = DEFAULT_KOODISTO)]
    pub koodisto: String,
    /// Import the definitions from a bulk export `all_sosmeta_schemas_<date>.zip`
    /// instead of the Sosmeta listing.
    #[arg(long, value_name = "ZIP")]
    pub from_zip: Option<PathBuf>,
    /// Do not fetch code sets from Koodistopalvelu.
    #[arg(long)]
    pub no_koodistot: bool,
    /// Fail when Koodistopalvelu lacks (HTTP 404) a referenced classification, instead
    /// of listing it under `missing_code_sets` in the lock.
    #[arg(long)]
    pub strict_koodistot: bool,
    /// Parallel requests (1-64).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub concurrency: u64,
    /// Time-out of one request, in seconds (over 0, at most 3600).
    #[arg(long, default_value = "60", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// Retries of a request after a 5xx, a time-out or a broken body (0-20).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,
    /// Overall deadline of the fetch, in seconds (over 0, at most 86400): no request,
    /// retry or `Retry-After` wait goes past it.
    #[arg(long, default_value = "1800", value_parser = parse_deadline)]
    pub deadline: Duration,
    /// Re-hash the bundle at `--out` against its `release.lock` and fetch nothing.
    #[arg(long)]
    pub verify: bool,
    /// With `--verify`: the lock to verify against, instead of `<out>/release.lock`.
    /// Without either, a lock committed in `xtask/locks/<folder name>.lock.json` is used
    /// (the pinned corpus has one).
    #[arg(long, value_name = "FILE")]
    pub lock: Option<PathBuf>,
    /// Hash the existing bundle at `--out` into a lock at FILE and fetch nothing (for a
    /// bundle not written by fetch, such as the pinned corpus).
    #[arg(long, value_name = "FILE", conflicts_with = "verify")]
    pub write_lock: Option<PathBuf>,
}

fn parse_seconds(s: &str, max: f64) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !secs.is_finite() || secs <= 0.0 || secs > max {
        return Err(format!("`{s}`: expected seconds over 0 and at most {max}"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// `--timeout`: finite seconds in (0, 3600].
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    parse_seconds(s, 3600.0)
}

/// `--deadline`: finite seconds in (0, 86400].
pub fn parse_deadline(s: &str) -> Result<Duration, String> {
    parse_seconds(s, 86_400.0)
}

/// The lock committed in this repository for a bundle folder of this name
/// (`xtask/locks/<name>.lock.json`), if there is one.
pub fn committed_lock(bundle: &Path) -> Option<PathBuf> {
    let name = bundle.file_name()?.to_str()?;
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locks")
        .join(format!("{name}.lock.json"));
    p.is_file().then_some(p)
}

/// Where the definitions come from.
#[derive(Debug, Clone)]
pub enum DefinitionSource {
    /// The Sosmeta listing and `/schema` endpoints under this base URL.
    Sosmeta(String),
    /// A bulk export zip.
    Zip(PathBuf),
}

/// Options of a fetch (what the command line sets), for calling from code and tests.
#[derive(Debug, Clone)]
pub struct Options {
    /// The bundle folder.
    pub out: PathBuf,
    /// Where the definitions come from.
    pub definitions: DefinitionSource,
    /// Koodistopalvelu base URL; `None` skips code sets.
    pub koodisto: Option<String>,
    /// Fail on a classification Koodistopalvelu does not have.
    pub strict_koodistot: bool,
    /// Parallel requests (at least 1).
    pub concurrency: usize,
    /// Time-outs and retries.
    pub http: HttpOptions,
    /// Show a progress bar (only drawn when standard error is a terminal).
    pub progress: bool,
}

/// What a fetch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Distinct definition OIDs.
    pub definitions: usize,
    /// Definition versions (files).
    pub versions: usize,
    /// Code sets written.
    pub code_sets: usize,
    /// Codes in all code sets.
    pub codes: usize,
    /// Classifications Koodistopalvelu did not have.
    pub missing_code_sets: Vec<String>,
    /// Bytes of all bundle files.
    pub bytes: u64,
    /// Schema bodies that were not UTF-8 and were read as Latin-1.
    pub latin1: Vec<String>,
    /// True when the bundle equalled the previous one and nothing was rewritten.
    pub unchanged: bool,
    /// Time taken.
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} definitions, {} versions, {} code sets ({} codes), {} bytes, {:.1} s",
            if self.unchanged {
                "unchanged"
            } else {
                "updated"
            },
            self.definitions,
            self.versions,
            self.code_sets,
            self.codes,
            self.bytes,
            self.elapsed.as_secs_f64()
        )?;
        if !self.missing_code_sets.is_empty() {
            write!(
                f,
                "; not on Koodistopalvelu: {}",
                self.missing_code_sets.join(", ")
            )?;
        }
        if !self.latin1.is_empty() {
            write!(f, "; read as Latin-1: {}", self.latin1.join(", "))?;
        }
        Ok(())
    }
}

/// Run the task.
pub fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    if let Some(target) = &args.write_lock {
        let lk = lock::hash_bundle(&args.out)?;
        lock::write_atomic(target, &lk.to_bytes())?;
        println!(
            "{}: {} files hashed into {}",
            args.out.display(),
            lk.files.len(),
            target.display()
        );
        return Ok(std::process::ExitCode::SUCCESS);
    }
    if args.verify {
        let lock_path = match &args.lock {
            Some(p) => p.clone(),
            None if args.out.join(LOCK_FILE).is_file() => args.out.join(LOCK_FILE),
            None => committed_lock(&args.out).with_context(|| {
                format!(
                    "{}: no {LOCK_FILE} in the bundle and no xtask/locks/<name>.lock.json for it (pass --lock FILE)",
                    args.out.display()
                )
            })?,
        };
        let lk = Lock::read_file(&lock_path)?;
        let r = lock::verify_with(&args.out, &lk)?;
        for p in &r.changed {
            eprintln!("changed: {p}");
        }
        for p in &r.missing {
            eprintln!("missing: {p}");
        }
        for p in &r.extra {
            eprintln!("not in lock: {p}");
        }
        if !r.is_ok() {
            eprintln!(
                "{}: does NOT match {}",
                args.out.display(),
                lock_path.display()
            );
            return Ok(std::process::ExitCode::from(1));
        }
        Release::load(&args.out).with_context(|| format!("loading {}", args.out.display()))?;
        CodeSets::load_bundle(&args.out)?;
        println!(
            "{}: {} files match {}",
            args.out.display(),
            r.ok,
            lock_path.display()
        );
        return Ok(std::process::ExitCode::SUCCESS);
    }
    let allowed_origins = [
        Some(&args.sosmeta),
        (!args.no_koodistot).then_some(&args.koodisto),
    ]
    .into_iter()
    .flatten()
    .filter_map(|u| http::origin_of(u))
    .collect();
    let opts = Options {
        out: args.out,
        definitions: match args.from_zip {
            Some(z) => DefinitionSource::Zip(z),
            None => DefinitionSource::Sosmeta(args.sosmeta),
        },
        koodisto: (!args.no_koodistot).then_some(args.koodisto),
        strict_koodistot: args.strict_koodistot,
        concurrency: args.concurrency as usize,
        http: HttpOptions {
            timeout: args.timeout,
            retries: args.retries,
            allowed_origins,
            deadline: Some(Instant::now() + args.deadline),
            deadline_secs: args.deadline.as_secs(),
            ..HttpOptions::default()
        },
        progress: true,
    };
    let s = fetch(&opts)?;
    println!("{}: {s}", opts.out.display());
    Ok(std::process::ExitCode::SUCCESS)
}

/// One file to be written into the bundle.
struct BundleFile {
    path: String,
    source: String,
    bytes: Vec<u8>,
}

fn trim_base(u: &str) -> &str {
    u.trim_end_matches('/')
}

/// The definition IDs linked from a Sosmeta listing page (`/document-definitions/<ID>/...`),
/// in order of first appearance.
pub fn listing_ids(html: &str) -> Vec<String> {
    let re =
        regex::Regex::new(r#"/document-definitions/([A-Za-z0-9._~%-]+)/"#).expect("valid regex");
    let mut seen = std::collections::HashSet::new();
    re.captures_iter(html)
        .map(|c| c[1].to_string())
        .filter(|id| id != "list")
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

/// Map `f` over `items` with at most `n` threads, keeping the order.
fn par_map<T: Sync, R: Send>(items: &[T], n: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..n.clamp(1, items.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(item) = items.get(i) else { break };
                let r = f(item);
                if let Ok(mut o) = out.lock() {
                    o[i] = Some(r);
                }
            });
        }
    });
    out.into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

fn progress(enabled: bool, len: usize, what: &str) -> indicatif::ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{prefix:>12} [{bar:40}] {pos}/{len} {elapsed}")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_prefix(what.to_string());
    pb
}

/// Parse one definition's bytes (UTF-8, or Latin-1 re-encoded) and place it in the bundle.
fn definition_file(
    source: &str,
    bytes: &[u8],
    latin1: &Mutex<Vec<String>>,
) -> anyhow::Result<(Definition, BundleFile)> {
    let (text, was_latin1) = decode_text(bytes);
    if was_latin1 {
        if let Ok(mut l) = latin1.lock() {
            l.push(source.to_string());
        }
    }
    let def = Definition::from_json_bytes(source, text.as_bytes())
        .with_context(|| format!("{source}: not a Sosmeta definition"))?;
    let dir = match def.status() {
        Status::Valmis => "Valmis/",
        Status::Vanhentunut => "Vanhentunut/",
        Status::Other(_) => "",
    };
    let path = format!("{dir}{}.json", def.id.dotted());
    // Keep the served bytes when they were UTF-8; re-encode Latin-1 as UTF-8.
    let bytes = if was_latin1 || bytes.starts_with(b"\xEF\xBB\xBF") {
        text.into_bytes()
    } else {
        bytes.to_vec()
    };
    Ok((
        def,
        BundleFile {
            path,
            source: source.to_string(),
            bytes,
        },
    ))
}

fn definitions_from_sosmeta(
    http: &Http,
    base: &str,
    opts: &Options,
    latin1: &Mutex<Vec<String>>,
) -> anyhow::Result<Vec<(Definition, BundleFile)>> {
    let base = trim_base(base);
    let list_url = format!("{base}/document-definitions/list/search");
    let html = http.get(&list_url)?;
    let ids = listing_ids(&decode_text(&html).0);
    if ids.is_empty() {
        bail!("{list_url}: no links to /document-definitions/<ID>/ found in the listing");
    }
    let pb = progress(opts.progress, ids.len(), "definitions");
    let results = par_map(&ids, opts.concurrency, |id| {
        let url = format!("{base}/document-definitions/{id}/schema");
        // The lock records where the bytes came from: the final URL after redirects.
        let r = http
            .get_body(&url)
            .map_err(anyhow::Error::from)
            .and_then(|b| definition_file(&b.url, &b.bytes, latin1));
        pb.inc(1);
        r
    });
    pb.finish_and_clear();
    results.into_iter().collect()
}

fn definitions_from_zip(
    zip_path: &Path,
    latin1: &Mutex<Vec<String>>,
) -> anyhow::Result<Vec<(Definition, BundleFile)>> {
    let limit = sosmeta_model::Limits::DEFAULT.bundle_file_bytes;
    let mut bytes = Vec::new();
    std::fs::File::open(zip_path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .with_context(|| format!("reading {}", zip_path.display()))?;
    if bytes.len() as u64 > limit {
        bail!("{}: over the limit of {limit} bytes", zip_path.display());
    }
    let name = zip_path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    // The model's bounded zip reader: entry count, per-entry and total expanded caps,
    // duplicate entry names refused (the zip crate keeps the last of two silently).
    let in_status_dir = |entry: &str| {
        let parts: Vec<&str> = entry.split('/').collect();
        entry.ends_with(".json")
            && parts.len() >= 2
            && matches!(parts[parts.len() - 2], "Valmis" | "Vanhentunut")
    };
    let entries = sosmeta_model::limits::zip_entries(
        &name,
        &bytes,
        &sosmeta_model::Limits::DEFAULT,
        in_status_dir,
    )
    .with_context(|| format!("{}: not a usable bundle zip", zip_path.display()))?;
    let mut out = Vec::new();
    for (entry, buf) in entries {
        out.push(definition_file(&format!("{name}!{entry}"), &buf, latin1)?);
    }
    if out.is_empty() {
        bail!(
            "{}: no Valmis/*.json or Vanhentunut/*.json entries",
            zip_path.display()
        );
    }
    Ok(out)
}

/// Most pages of one classification fetched (500 codes a page: 500,000 codes).
pub const MAX_PAGES: u64 = 1_000;

/// The codes of every status a document may still carry: `ACTIVE` and `DELETED` (retired).
/// Koodistopalvelu answers only `ACTIVE` codes unless `status` is given (CodeServer REST
/// API v6.1, `StatusParam`: an array, `status=ACTIVE&status=DELETED`); without the retired
/// ones a retired code would look like one that never existed.
pub const STATUS_QUERY: &str = "status=ACTIVE&status=DELETED";

/// Fetch every page of one classification's concept codes and its versions.
fn fetch_code_set(http: &Http, base: &str, oid: &str) -> Result<Option<CodeSet>, anyhow::Error> {
    let base = trim_base(base);
    let url = format!("{base}/v6/classifications/{oid}/conceptcodes");
    const PAGE_SIZE: u64 = 500;
    let page_url = |n: u64| format!("{url}?{STATUS_QUERY}&pageSize={PAGE_SIZE}&page={n}");
    let json = |u: &str, b: &[u8]| -> anyhow::Result<serde_json::Value> {
        serde_json::from_str(&decode_text(b).0).with_context(|| format!("GET {u}: invalid JSON"))
    };
    let first_url = page_url(1);
    let first = match http.get(&first_url) {
        Ok(b) => json(&first_url, &b)?,
        Err(e) if e.status() == Some(404) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    // The page count comes from the first page only, checked against its item count and
    // a sane maximum; later pages cannot raise it.
    let total_pages = first
        .get("totalPages")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(1);
    if total_pages > MAX_PAGES {
        bail!("{first_url}: totalPages {total_pages} is over the {MAX_PAGES} pages fetched");
    }
    if let Some(items) = first.get("totalItems").and_then(serde_json::Value::as_u64) {
        let size = first
            .get("pageSize")
            .and_then(serde_json::Value::as_u64)
            .filter(|s| *s > 0)
            .unwrap_or(PAGE_SIZE);
        let needed = items.div_ceil(size).max(1);
        if total_pages > needed {
            bail!(
                "{first_url}: totalPages {total_pages} does not fit totalItems {items} at {size} a page"
            );
        }
    }
    let mut pages = vec![first];
    for n in 2..=total_pages {
        let u = page_url(n);
        let b = http.get(&u)?;
        pages.push(json(&u, &b)?);
    }
    let vurl = format!("{base}/v6/classifications/{oid}/versions");
    let versions = match http.get(&vurl) {
        Ok(b) => Some(json(&vurl, &b)?),
        Err(e) if e.status() == Some(404) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(Some(CodeSet::from_codeserver(
        oid,
        &pages,
        versions.as_ref(),
        Some(url),
    )?))
}

/// Removes a folder when dropped unless disarmed.
struct TempDir(Option<PathBuf>);

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_dir_all(p);
        }
    }
}

fn sibling(out: &Path, tag: &str) -> anyhow::Result<PathBuf> {
    let name = out
        .file_name()
        .with_context(|| format!("{}: not a folder name", out.display()))?
        .to_string_lossy()
        .to_string();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    Ok(parent.join(format!(".{name}.{tag}-{}-{nanos}", std::process::id())))
}

/// Remove the `.<name>.fetch-<pid>-*` and `.<name>.old-<pid>-*` folders beside `out`
/// that a killed run left behind: those whose process is gone (Linux: no `/proc/<pid>`;
/// elsewhere nothing is removed). A concurrent run's folders stay.
fn remove_stale_siblings(out: &Path) {
    let (Some(name), parent) = (out.file_name(), out.parent()) else {
        return;
    };
    let parent = match parent {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    let name = name.to_string_lossy();
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let Some(tail) = rest
            .strip_prefix("fetch-")
            .or_else(|| rest.strip_prefix("old-"))
        else {
            continue;
        };
        let Some(pid) = tail.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let gone = cfg!(target_os = "linux")
            && pid != std::process::id()
            && !Path::new(&format!("/proc/{pid}")).exists();
        if gone && e.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Fetch a release bundle into `opts.out`.
pub fn fetch(opts: &Options) -> anyhow::Result<Summary> {
    let start = Instant::now();
    let http = Http::new(opts.http.clone())?;
    let latin1 = Mutex::new(Vec::new());
    let defs = match &opts.definitions {
        DefinitionSource::Sosmeta(base) => definitions_from_sosmeta(&http, base, opts, &latin1)?,
        DefinitionSource::Zip(z) => definitions_from_zip(z, &latin1)?,
    };
    let (defs, mut files): (Vec<Definition>, Vec<BundleFile>) = defs.into_iter().unzip();
    let release = Release::from_definitions(None, defs)?;

    let mut code_sets = Vec::new();
    let mut missing = Vec::new();
    if let Some(base) = &opts.koodisto {
        let oids: Vec<String> = release
            .classification_usages()
            .into_keys()
            .filter(|k| sosmeta_model::id::is_oid(k))
            .collect();
        let pb = progress(opts.progress, oids.len(), "koodistot");
        let results = par_map(&oids, opts.concurrency, |oid| {
            let r =
                fetch_code_set(&http, base, oid).with_context(|| format!("classification {oid}"));
            pb.inc(1);
            r
        });
        pb.finish_and_clear();
        for (oid, r) in oids.iter().zip(results) {
            match r? {
                Some(set) => code_sets.push(set),
                None if opts.strict_koodistot => {
                    bail!("classification {oid}: Koodistopalvelu answered 404")
                }
                None => missing.push(oid.clone()),
            }
        }
        for set in &code_sets {
            files.push(BundleFile {
                path: format!("{}/{}.json", sosmeta_model::koodisto::DIR, set.oid),
                source: set.source.clone().unwrap_or_default(),
                bytes: set.to_json_bytes(),
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for w in files.windows(2) {
        if w[0].path == w[1].path {
            bail!(
                "{} and {} both give {}",
                w[0].source,
                w[1].source,
                w[0].path
            );
        }
    }

    let lock = Lock {
        format: LOCK_FORMAT.to_string(),
        fetched_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        tool: concat!("xtask ", env!("CARGO_PKG_VERSION")).to_string(),
        sources: Sources {
            sosmeta: match &opts.definitions {
                DefinitionSource::Sosmeta(b) => Some(trim_base(b).to_string()),
                DefinitionSource::Zip(_) => None,
            },
            koodisto: opts.koodisto.as_deref().map(|b| trim_base(b).to_string()),
            zip: match &opts.definitions {
                DefinitionSource::Zip(z) => Some(
                    z.file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default(),
                ),
                DefinitionSource::Sosmeta(_) => None,
            },
        },
        definitions: release.len(),
        code_sets: code_sets.len(),
        missing_code_sets: missing.clone(),
        files: files
            .iter()
            .map(|f| LockedFile {
                path: f.path.clone(),
                source: f.source.clone(),
                size: f.bytes.len() as u64,
                sha256: sha256_hex(&f.bytes),
            })
            .collect(),
    };
    let mut latin1 = latin1.into_inner().unwrap_or_default();
    latin1.sort();
    let mut summary = Summary {
        definitions: release.oids().len(),
        versions: release.len(),
        code_sets: code_sets.len(),
        codes: code_sets.iter().map(|s| s.codes.len()).sum(),
        missing_code_sets: missing,
        bytes: files.iter().map(|f| f.bytes.len() as u64).sum(),
        latin1,
        unchanged: false,
        elapsed: Duration::ZERO,
    };

    // Unchanged sources: leave the bundle as it is.
    if opts.out.join(LOCK_FILE).is_file() {
        if let Ok(prev) = Lock::read(&opts.out) {
            if prev.same_content(&lock)
                && lock::verify(&opts.out).map(|r| r.is_ok()).unwrap_or(false)
            {
                summary.unchanged = true;
                summary.elapsed = start.elapsed();
                return Ok(summary);
            }
        }
    }

    // Write everything into a temporary folder beside the bundle, check it, then swap;
    // first clear what a killed run left there.
    remove_stale_siblings(&opts.out);
    let tmp_path = sibling(&opts.out, "fetch")?;
    let tmp = TempDir(Some(tmp_path.clone()));
    for f in &files {
        let p = tmp_path.join(&f.path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&p, &f.bytes).with_context(|| format!("writing {}", p.display()))?;
    }
    std::fs::write(tmp_path.join(LOCK_FILE), lock.to_bytes())
        .with_context(|| format!("writing {LOCK_FILE}"))?;
    let check = Release::load(&tmp_path).context("the fetched bundle does not load")?;
    if check.len() != release.len() {
        bail!(
            "the fetched bundle loads {} definitions, expected {}",
            check.len(),
            release.len()
        );
    }
    let sets = CodeSets::load_bundle(&tmp_path)
        .context("the fetched code sets do not load")?
        .map(|s| s.len())
        .unwrap_or(0);
    if sets != code_sets.len() {
        bail!(
            "the fetched bundle loads {sets} code sets, expected {}",
            code_sets.len()
        );
    }
    replace_dir(&tmp_path, &opts.out)?;
    std::mem::forget(tmp);
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// Replace `out` by `new` (both on one file system) so that `out` always holds a whole
/// bundle, the old or the new:
///
/// - no bundle yet: one `rename`;
/// - Linux: one `renameat2(RENAME_EXCHANGE)` swaps the two folders atomically, then the
///   old bundle (now at the temporary name) is deleted; a kill at any point leaves a
///   whole bundle at `out` (at worst a stale `.<name>.fetch-*` folder beside it, which
///   the next run removes);
/// - elsewhere: the old bundle is renamed aside and the new one renamed in (two renames;
///   a failure of the second puts the old one back).
fn replace_dir(new: &Path, out: &Path) -> anyhow::Result<()> {
    if !out.exists() {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(new, out)
            .with_context(|| format!("renaming {} to {}", new.display(), out.display()))?;
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    {
        match exchange(new, out) {
            Ok(()) => {
                let _ = std::fs::remove_dir_all(new);
                return Ok(());
            }
            // File systems without RENAME_EXCHANGE: fall back to two renames.
            Err(e) if e.raw_os_error() == Some(22) || e.raw_os_error() == Some(95) => {}
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("swapping {} and {}", new.display(), out.display()))
            }
        }
    }
    let old = sibling(out, "old")?;
    std::fs::rename(out, &old)
        .with_context(|| format!("moving the previous bundle {} aside", out.display()))?;
    if let Err(e) = std::fs::rename(new, out) {
        let _ = std::fs::rename(&old, out);
        return Err(e).with_context(|| format!("renaming {} to {}", new.display(), out.display()));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Swap two paths in one system call (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
pub fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    rustix::fs::renameat_with(
        rustix::fs::CWD,
        a,
        rustix::fs::CWD,
        b,
        rustix::fs::RenameFlags::EXCHANGE,
    )
    .map_err(std::io::Error::from)
}

#[cfg(test)]
mod stale_tests {
    use super::remove_stale_siblings;

    #[test]
    fn stale_folders_of_killed_runs_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("bundle");
        std::fs::create_dir(&out).unwrap();
        // No process has this pid (above the kernel's pid_max).
        let stale = dir.path().join(".bundle.fetch-4194305-1");
        let stale_old = dir.path().join(".bundle.old-4194305-2");
        let live = dir
            .path()
            .join(format!(".bundle.fetch-{}-3", std::process::id()));
        let other = dir.path().join(".other.fetch-4194305-4");
        for d in [&stale, &stale_old, &live, &other] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join("f"), b"x").unwrap();
        }
        remove_stale_siblings(&out);
        if cfg!(target_os = "linux") {
            assert!(!stale.exists());
            assert!(!stale_old.exists());
        }
        assert!(live.exists());
        assert!(other.exists());
        assert!(out.exists());
    }
}
