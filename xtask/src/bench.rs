//! `cargo xtask bench`: documents per second on one generated document set for
//! `sosmeta` with every rule, the `jsonschema` crate alone, Python `jsonschema`'s
//! Draft7Validator and Ajv (when Node is present).
//!
//! Every peer compiles its validators before timing; each is timed on one core over the
//! same documents (the cases of `cargo xtask cases`, repeated), in CPU time (thread CPU
//! time for Rust and Python, process CPU time for Node) so that other load on the machine
//! does not skew the ratios; the parallel row is wall time. The Rust rows start from
//! the bytes of each document (parsing included); Python and Ajv start from documents
//! already parsed, which favours them.

use anyhow::{bail, Context};
use sosmeta_validate::{ValidateOptions, Validator};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Arguments of `cargo xtask bench`.
#[derive(clap::Args)]
pub struct Args {
    /// The release (default: the pinned corpus in ../shared).
    #[arg(long)]
    pub release: Option<PathBuf>,
    /// How many times the document set is repeated.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// Skip the Python and Node peers.
    #[arg(long)]
    pub rust_only: bool,
}

/// CPU time of the current thread in seconds (Linux `/proc/thread-self/schedstat`),
/// so that single-thread rows are not skewed by other load on the machine.
fn thread_cpu() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// A stopwatch: thread CPU time where available, else wall time.
struct Timer {
    wall: Instant,
    cpu: Option<f64>,
}

impl Timer {
    fn start() -> Timer {
        Timer {
            wall: Instant::now(),
            cpu: thread_cpu(),
        }
    }

    fn seconds(&self) -> f64 {
        match (self.cpu, thread_cpu()) {
            (Some(a), Some(b)) => b - a,
            _ => self.wall.elapsed().as_secs_f64(),
        }
    }
}

struct Row {
    name: String,
    docs: usize,
    seconds: f64,
    note: String,
}

impl Row {
    fn rate(&self) -> f64 {
        self.docs as f64 / self.seconds
    }
}

const AJV_SCRIPT: &str = r#"
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const [corpus, casesPath] = process.argv.slice(2);
const files = {};
for (const sub of ['Valmis', 'Vanhentunut', '.']) {
  const d = path.join(corpus, sub);
  if (!fs.existsSync(d) || !fs.statSync(d).isDirectory()) continue;
  for (const n of fs.readdirSync(d)) if (n.endsWith('.json') && !(n.slice(0, -5) in files)) files[n.slice(0, -5)] = path.join(d, n);
}
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false, validateSchema: false });
const validators = {};
const cases = [];
for (const line of fs.readFileSync(casesPath, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  if (!(c.dotted in validators)) {
    const schema = JSON.parse(fs.readFileSync(files[c.dotted], 'utf8'));
    delete schema['$schema'];
    validators[c.dotted] = ajv.compile(schema);
  }
  cases.push([validators[c.dotted], c.document]);
}
const start = process.cpuUsage();
let valid = 0;
for (const [v, doc] of cases) if (v(doc)) valid++;
const used = process.cpuUsage(start);
const secs = (used.user + used.system) / 1e6;
console.log(cases.length, secs, valid);
"#;

fn parse_timing(out: &[u8]) -> anyhow::Result<(usize, f64)> {
    let text = String::from_utf8_lossy(out);
    let mut it = text.split_whitespace();
    let n = it.next().context("no output")?.parse()?;
    let s = it.next().context("no time")?.parse()?;
    Ok((n, s))
}

fn python_row(corpus: &Path, cases: &Path) -> anyhow::Result<Row> {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../sosmeta-validate/tests/oracle/draft7.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(corpus)
        .arg(cases)
        .arg("--time")
        .output()
        .context("run python3")?;
    if !out.status.success() {
        bail!("python3: {}", String::from_utf8_lossy(&out.stderr));
    }
    let (docs, seconds) = parse_timing(&out.stdout)?;
    Ok(Row {
        name: "Python jsonschema Draft7Validator".into(),
        docs,
        seconds,
        note: "one compiled validator per schema, is_valid, documents pre-parsed".into(),
    })
}

fn ajv_row(corpus: &Path, cases: &Path) -> anyhow::Result<Row> {
    let version = Command::new("node").arg("--version").output().ok();
    let Some(version) = version.filter(|o| o.status.success()) else {
        bail!("node not found");
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-node");
    std::fs::create_dir_all(&dir)?;
    if !dir.join("node_modules/ajv").exists() {
        let st = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent", "ajv@8"])
            .current_dir(&dir)
            .status()
            .context("npm install ajv")?;
        if !st.success() {
            bail!("npm install ajv failed");
        }
    }
    std::fs::write(dir.join("bench.js"), AJV_SCRIPT)?;
    let out = Command::new("node")
        .arg(dir.join("bench.js"))
        .arg(corpus)
        .arg(cases)
        .current_dir(&dir)
        .output()?;
    if !out.status.success() {
        bail!("node: {}", String::from_utf8_lossy(&out.stderr));
    }
    let (docs, seconds) = parse_timing(&out.stdout)?;
    Ok(Row {
        name: "Ajv 8 (Node)".into(),
        docs,
        seconds,
        note: format!(
            "compiled validators, allErrors false, validateSchema false (one corpus schema has a duplicate enum item), documents pre-parsed; node {}",
            String::from_utf8_lossy(&version.stdout).trim()
        ),
    })
}

/// Run the task.
pub fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    let corpus = args
        .release
        .clone()
        .unwrap_or_else(sosmeta_model::corpus::pinned_corpus_dir);
    let release = crate::cases::load_release(Some(&corpus))?;
    let one = sosmeta_validate::cases::all_cases(&release);
    let valid_only: Vec<_> = one
        .iter()
        .filter(|c| c.kind == "minimal" || c.kind == "maximal")
        .cloned()
        .collect();
    println!(
        "Benchmark {} on {} cores (sosmeta-validate {}, release {})\n",
        chrono::Local::now().format("%Y-%m-%d"),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        env!("CARGO_PKG_VERSION"),
        release.label().unwrap_or("?"),
    );
    for (label, set) in [
        ("all cases (valid samples and mutants)", &one),
        ("valid samples only (minimal and maximal)", &valid_only),
    ] {
        let reps = args.repeat.max(1);
        let cases: Vec<_> = (0..reps).flat_map(|_| set.iter().cloned()).collect();
        let rows = measure(&release, &corpus, &cases, args.rust_only)?;
        let ours = rows[0].rate();
        println!(
            "{label}: {} documents ({} distinct x{reps})\n",
            cases.len(),
            set.len()
        );
        println!("| validator | docs/s | sosmeta (1 thread) is x faster | notes |");
        println!("|---|---:|---:|---|");
        for r in &rows {
            println!(
                "| {} | {:.0} | {:.2} | {} |",
                r.name,
                r.rate(),
                ours / r.rate(),
                r.note
            );
        }
        println!();
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn measure(
    release: &sosmeta_model::Release,
    corpus: &Path,
    cases: &[sosmeta_validate::cases::Case],
    rust_only: bool,
) -> anyhow::Result<Vec<Row>> {
    let cases_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/sosmeta-cases/bench.ndjson");
    crate::cases::write_cases(&cases_path, cases)?;
    let docs: Vec<(sosmeta_model::DefinitionId, Vec<u8>)> = cases
        .iter()
        .map(|c| {
            let def = release
                .get_version(&c.oid, c.version.parse().expect("version"))
                .expect("definition");
            (
                def.id.clone(),
                serde_json::to_vec(&c.document).expect("json"),
            )
        })
        .collect();
    let validator = Validator::new(release.clone());
    validator.precompile();
    let mut rows = Vec::new();

    // sosmeta, every rule, one thread.
    let start = Timer::start();
    let mut invalid = 0;
    for (id, b) in &docs {
        let opts = ValidateOptions {
            definition: Some(id.clone()),
            ..ValidateOptions::default()
        };
        if !validator.validate_bytes("bench", b, &opts).valid {
            invalid += 1;
        }
    }
    rows.push(Row {
        name: "sosmeta validate, all rules (1 thread)".into(),
        docs: docs.len(),
        seconds: start.seconds(),
        note: format!("bytes -> report with every finding; {invalid} invalid"),
    });

    // sosmeta, schema layer only (every schema error collected, no Sosmeta rules).
    let start = Timer::start();
    for (id, b) in &docs {
        let opts = ValidateOptions {
            definition: Some(id.clone()),
            rules: false,
            ..ValidateOptions::default()
        };
        validator.validate_bytes("bench", b, &opts);
    }
    rows.push(Row {
        name: "sosmeta validate, schema layer only (1 thread)".into(),
        docs: docs.len(),
        seconds: start.seconds(),
        note: "bytes -> report with every schema error, no Sosmeta rules".into(),
    });

    // sosmeta, batch in parallel.
    let sources: Vec<_> = docs
        .iter()
        .map(|(_, b)| sosmeta_validate::Source::bytes("bench", b.clone()))
        .collect();
    let start = Instant::now();
    let results = validator.validate_all(&sources, &ValidateOptions::default(), &|| {});
    rows.push(Row {
        name: format!(
            "sosmeta validate, all rules ({} threads)",
            rayon::current_num_threads()
        ),
        docs: results.len(),
        seconds: start.elapsed().as_secs_f64(),
        note: "rayon batch, definition from the root key; wall time".into(),
    });

    // jsonschema crate alone.
    let compiled: std::collections::HashMap<_, _> = release
        .definitions()
        .iter()
        .map(|d| {
            let v = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .build(&d.to_json_schema())
                .expect("compiles");
            (d.id.clone(), v)
        })
        .collect();
    let start = Timer::start();
    let mut raw_invalid = 0;
    for (id, b) in &docs {
        let v: serde_json::Value = serde_json::from_slice(b)?;
        if !compiled[id].is_valid(&v) {
            raw_invalid += 1;
        }
    }
    rows.push(Row {
        name: "jsonschema crate alone (1 thread)".into(),
        docs: docs.len(),
        seconds: start.seconds(),
        note: format!("bytes -> serde_json -> is_valid; {raw_invalid} invalid"),
    });

    if !rust_only {
        match python_row(corpus, &cases_path) {
            Ok(r) => rows.push(r),
            Err(e) => eprintln!("python peer skipped: {e:#}"),
        }
        match ajv_row(corpus, &cases_path) {
            Ok(r) => rows.push(r),
            Err(e) => eprintln!("ajv peer skipped: {e:#}"),
        }
    }

    Ok(rows)
}
