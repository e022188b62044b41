//! `cargo xtask bench`: documents per second on one generated document set for
//! `sosmeta` with every rule, the `jsonschema` crate alone, Python `jsonschema`'s
//! Draft7Validator and Ajv (when Node is present).
//!
//! Every peer compiles its validators before timing, makes one untimed warm-up pass
//! (lazy regex caches, JIT, allocator pages) and then several timed passes over the same
//! documents (the cases of `cargo xtask cases`); the fastest pass counts, so that a noisy
//! machine disturbs the ratios less. Ajv's Node processes (a few timed passes each) run
//! between the Rust rounds, so that the closest race is read within one stretch of time;
//! Python, slower by more than an order of magnitude, runs after them. Single-thread
//! rows are CPU time (thread CPU time for Rust and Python, process CPU time for Node);
//! the parallel row is wall time. The main
//! Rust rows start from the bytes of each document (parsing included); Python and Ajv are
//! timed both from the document's compact JSON text (parsing included, the same work)
//! and from documents already parsed. Each peer row is compared twice: with sosmeta's
//! full run (bytes to a report with every rule), and like for like with the sosmeta row
//! that does the same work (the schema layer from text or on documents already in its
//! arena, every error or stopping at the first).

use anyhow::{bail, Context};
use rayon::prelude::*;
use sosmeta_validate::json_tree::JsonTree;
use sosmeta_validate::{ValidateOptions, Validator};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Arguments of `cargo xtask bench`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The release (default: the pinned corpus in ../shared).
    #[arg(long)]
    pub release: Option<PathBuf>,
    /// How many times the document set is repeated in one timed pass (at least as
    /// often as makes 3,000 documents).
    #[arg(long, default_value_t = 1)]
    pub repeat: usize,
    /// Timed passes per validator (after one untimed warm-up pass); the fastest counts.
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// Skip the Python and Node peers.
    #[arg(long)]
    pub rust_only: bool,
    /// Documents in the NDJSON batch of the whole-process rows (0 skips them).
    #[arg(long, default_value_t = 100_000)]
    pub whole_docs: usize,
}

/// CPU time of the current thread in seconds (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`),
/// so that single-thread rows are not skewed by other load on the machine. (The first
/// field of `/proc/thread-self/schedstat`, read before, moves only at the scheduler's
/// 4 ms tick for a running thread, which quantised passes of 20-60 ms.)
pub(crate) fn thread_cpu() -> Option<f64> {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Some(t.tv_sec as f64 + t.tv_nsec as f64 / 1e9)
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
    /// The sosmeta row doing the same work as this peer row (same input form, every error
    /// or first error, schema only): the like-for-like comparison.
    like: Option<&'static str>,
}

/// The sosmeta rows a peer row is compared with like for like.
const OURS_TEXT_EVERY: &str = "sosmeta validate, schema layer only (1 thread)";
const OURS_TEXT_FIRST: &str = "sosmeta dialect, from text, first error (1 thread)";
const OURS_PARSED_EVERY: &str = "sosmeta dialect, pre-parsed, every error (1 thread)";
const OURS_PARSED_FIRST: &str = "sosmeta dialect, pre-parsed, first error (1 thread)";

impl Row {
    fn rate(&self) -> f64 {
        self.docs as f64 / self.seconds
    }
}

const AJV_SCRIPT: &str = r#"
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const [corpus, casesPath, roundsArg, allErrorsArg] = process.argv.slice(2);
const rounds = Math.max(1, parseInt(roundsArg || '1', 10));
const files = {};
for (const sub of ['Valmis', 'Vanhentunut', '.']) {
  const d = path.join(corpus, sub);
  if (!fs.existsSync(d) || !fs.statSync(d).isDirectory()) continue;
  for (const n of fs.readdirSync(d)) if (n.endsWith('.json') && !(n.slice(0, -5) in files)) files[n.slice(0, -5)] = path.join(d, n);
}
const allErrors = allErrorsArg === 'true';
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors, validateSchema: false });
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
  cases.push([validators[c.dotted], c.document, JSON.stringify(c.document)]);
}
// Per pass: documents already parsed, and from their compact JSON text (JSON.parse
// included, as for the Rust rows). One untimed pass of each (JIT warm-up), then the
// fastest of `rounds` timed passes.
const passes = [
  () => { for (const [v, doc] of cases) v(doc); },
  () => { for (const [v, , text] of cases) v(JSON.parse(text)); },
];
let valid = 0;
for (const [v, doc] of cases) if (v(doc)) valid++;
passes[1]();
const best = [Infinity, Infinity];
for (let r = 0; r < rounds; r++) {
  passes.forEach((pass, i) => {
    const start = process.cpuUsage();
    pass();
    const used = process.cpuUsage(start);
    best[i] = Math.min(best[i], (used.user + used.system) / 1e6);
  });
}
console.log(cases.length, best[0], best[1], valid);
"#;

/// A peer's output: `<documents> <seconds pre-parsed> <seconds from text> …`.
fn parse_timing(out: &[u8]) -> anyhow::Result<(usize, f64, f64)> {
    let text = String::from_utf8_lossy(out);
    let mut it = text.split_whitespace();
    let n = it.next().context("no output")?.parse()?;
    let parsed = it.next().context("no time")?.parse()?;
    let from_text = it.next().context("no second time")?.parse()?;
    Ok((n, parsed, from_text))
}

fn python_rows(corpus: &Path, cases: &Path, rounds: usize) -> anyhow::Result<Vec<Row>> {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../sosmeta-validate/tests/oracle/draft7.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(corpus)
        .arg(cases)
        .arg("--time")
        .arg(rounds.to_string())
        .output()
        .context("run python3")?;
    if !out.status.success() {
        bail!("python3: {}", String::from_utf8_lossy(&out.stderr));
    }
    let (docs, parsed, from_text) = parse_timing(&out.stdout)?;
    let row = |how: &str, seconds: f64, note: &str, like| Row {
        name: format!("Python jsonschema Draft7Validator, {how}"),
        docs,
        seconds,
        note: format!("{note}; one compiled validator per schema, is_valid; thread CPU time"),
        like: Some(like),
    };
    Ok(vec![
        row(
            "from text",
            from_text,
            "json.loads of the compact JSON text included",
            OURS_TEXT_FIRST,
        ),
        row(
            "pre-parsed",
            parsed,
            "documents already parsed (favours Python)",
            OURS_PARSED_FIRST,
        ),
    ])
}

/// Ajv under Node, ready to run: `npm install`ed into `target/bench-node`, its script
/// written, the cases file named.
struct AjvPeer {
    dir: PathBuf,
    corpus: PathBuf,
    cases: PathBuf,
    version: String,
}

/// The best seconds of one `allErrors` setting: documents already parsed, from text.
#[derive(Clone, Copy)]
struct AjvBest {
    docs: usize,
    parsed: f64,
    from_text: f64,
}

impl AjvPeer {
    /// Find Node, install Ajv 8 once, write the script.
    fn prepare(corpus: &Path, cases: &Path) -> anyhow::Result<AjvPeer> {
        let version = Command::new("node").arg("--version").output().ok();
        let Some(version) = version.filter(|o| o.status.success()) else {
            bail!("node not found");
        };
        let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
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
        Ok(AjvPeer {
            dir,
            corpus: corpus.to_path_buf(),
            cases: cases.to_path_buf(),
            version,
        })
    }

    /// One Node process: compile, one untimed pass, then the fastest of `rounds` timed
    /// passes (of each form) with `allErrors` set as asked.
    fn pass(&self, all_errors: bool, rounds: usize) -> anyhow::Result<AjvBest> {
        let out = Command::new("node")
            .arg(self.dir.join("bench.js"))
            .arg(&self.corpus)
            .arg(&self.cases)
            .arg(rounds.to_string())
            .arg(all_errors.to_string())
            .current_dir(&self.dir)
            .output()?;
        if !out.status.success() {
            bail!("node: {}", String::from_utf8_lossy(&out.stderr));
        }
        let (docs, parsed, from_text) = parse_timing(&out.stdout)?;
        Ok(AjvBest {
            docs,
            parsed,
            from_text,
        })
    }

    /// The four rows from the best of every block (`best[0]` allErrors true, `[1]` false).
    fn rows(&self, best: [AjvBest; 2], blocks: usize) -> Vec<Row> {
        let mut rows = Vec::new();
        for (all_errors, what, b) in [
            (true, "every error, as sosmeta reports", best[0]),
            (false, "stops at the first error", best[1]),
        ] {
            let (like_text, like_parsed) = if all_errors {
                (OURS_TEXT_EVERY, OURS_PARSED_EVERY)
            } else {
                (OURS_TEXT_FIRST, OURS_PARSED_FIRST)
            };
            for (how, seconds, note, like) in [
                (
                    "from text",
                    b.from_text,
                    "JSON.parse of the compact JSON text included",
                    like_text,
                ),
                (
                    "pre-parsed",
                    b.parsed,
                    "documents already parsed (favours Ajv)",
                    like_parsed,
                ),
            ] {
                rows.push(Row {
                    name: format!("Ajv 8 (Node), allErrors {all_errors}, {how}"),
                    docs: b.docs,
                    seconds,
                    note: format!(
                        "{what}; {note}; compiled validators, validateSchema false (one corpus schema has a duplicate enum item); process CPU time; {blocks} Node processes of {AJV_ROUNDS} timed passes, run between the Rust rounds; node {}",
                        self.version
                    ),
                    like: Some(like),
                });
            }
        }
        rows
    }
}

/// Timed passes per Node process: after its one warm-up pass, Ajv's JIT has settled.
const AJV_ROUNDS: usize = 2;

/// Run the task.
pub(crate) fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
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
        // Small sets are repeated so that a timed pass lasts about as long as one over
        // all cases (short passes are at the mercy of the machine's noise).
        let reps = args.repeat.max(3000usize.div_ceil(set.len().max(1)));
        let cases: Vec<_> = (0..reps).flat_map(|_| set.iter().cloned()).collect();
        let rows = measure(
            &release,
            &corpus,
            &cases,
            args.rounds.max(1),
            args.rust_only,
        )?;
        let ours = rows[0].rate();
        println!(
            "{label}: {} documents ({} distinct x{reps}), fastest of {} timed passes after a warm-up pass\n",
            cases.len(),
            set.len(),
            args.rounds.max(1)
        );
        println!(
            "| validator | docs/s | sosmeta all rules from bytes (1 thread) is x faster | the sosmeta row doing the same work is x faster | notes |"
        );
        println!("|---|---:|---:|---:|---|");
        for r in &rows {
            let like = r
                .like
                .and_then(|name| rows.iter().find(|o| o.name == name))
                .map(|o| format!("{:.2}", o.rate() / r.rate()))
                .unwrap_or_else(|| "-".into());
            println!(
                "| {} | {:.0} | {:.2} | {like} | {} |",
                r.name,
                r.rate(),
                ours / r.rate(),
                r.note
            );
        }
        println!();
    }
    if args.whole_docs > 0 {
        let (docs, bytes, rows) =
            crate::bench_whole::rows(&release, &corpus, &one, args.whole_docs, args.rust_only)?;
        crate::bench_whole::print(docs, bytes, &rows);
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// A Rust row: runs the whole document set once and returns how many were invalid.
type RustRun<'a> = Box<dyn Fn() -> usize + 'a>;

fn measure(
    release: &sosmeta_model::Release,
    corpus: &Path,
    cases: &[sosmeta_validate::cases::Case],
    rounds: usize,
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
    let compiled: std::collections::HashMap<_, _> = release
        .definitions()
        .iter()
        .map(|d| {
            let v = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .should_validate_formats(false)
                .build(&d.to_json_schema())
                .expect("compiles");
            (d.id.clone(), v)
        })
        .collect();

    // The schema layer alone on its compiled programs (the test kit's view of the
    // validator's stage): from text to the first error, and on documents already parsed
    // into the validator's arena (every error, first error), for the like-for-like rows.
    let patterns = sosmeta_validate::dialect::Patterns::new();
    let programs: std::collections::HashMap<_, _> = release
        .definitions()
        .iter()
        .map(|d| {
            let p = sosmeta_validate::dialect::Program::compile(&d.to_json_schema(), &patterns)
                .expect("the dialect compiles");
            (d.id.clone(), p)
        })
        .collect();
    let texts: Vec<(&sosmeta_model::DefinitionId, &str)> = docs
        .iter()
        .map(|(id, b)| (id, std::str::from_utf8(b).expect("UTF-8")))
        .collect();
    let trees: Vec<(&sosmeta_model::DefinitionId, JsonTree<'_>)> = texts
        .iter()
        .map(|(id, t)| (*id, JsonTree::parse(t).expect("JSON")))
        .collect();

    let sosmeta = |rules: bool| {
        let (validator, docs) = (&validator, &docs);
        Box::new(move || {
            docs.iter()
                .filter(|(id, b)| {
                    let opts = ValidateOptions {
                        definition: Some(id.clone()),
                        rules,
                        ..ValidateOptions::default()
                    };
                    !validator.validate_bytes("bench", b, &opts).valid
                })
                .count()
        }) as RustRun<'_>
    };
    let threads = rayon::current_num_threads();
    // (name, note, wall time, run)
    let rust: Vec<(String, &str, bool, RustRun<'_>)> = vec![
        (
            "sosmeta validate, all rules (1 thread)".into(),
            "bytes -> report with every finding",
            false,
            sosmeta(true),
        ),
        (
            "sosmeta validate, schema layer only (1 thread)".into(),
            "bytes -> report with every schema error, no Sosmeta rules",
            false,
            sosmeta(false),
        ),
        (
            format!("sosmeta validate, all rules ({threads} threads)"),
            "the same work on a rayon pool; wall time",
            true,
            Box::new(|| {
                docs.par_iter()
                    .filter(|(id, b)| {
                        let opts = ValidateOptions {
                            definition: Some(id.clone()),
                            ..ValidateOptions::default()
                        };
                        !validator.validate_bytes("bench", b, &opts).valid
                    })
                    .count()
            }),
        ),
        (
            OURS_TEXT_FIRST.into(),
            "bytes -> arena -> verdict, stops at the first error (the work of is_valid / allErrors false)",
            false,
            Box::new(|| {
                texts
                    .iter()
                    .filter(|(id, t)| {
                        let tree = JsonTree::parse(t).expect("JSON");
                        !programs[*id].is_valid(tree.root())
                    })
                    .count()
            }),
        ),
        (
            OURS_PARSED_EVERY.into(),
            "documents already in the arena -> every schema error with its pointer",
            false,
            Box::new(|| {
                trees
                    .iter()
                    .filter(|(id, tree)| !programs[*id].errors(tree.root(), usize::MAX).is_empty())
                    .count()
            }),
        ),
        (
            OURS_PARSED_FIRST.into(),
            "documents already in the arena -> verdict, stops at the first error",
            false,
            Box::new(|| {
                trees
                    .iter()
                    .filter(|(id, tree)| !programs[*id].is_valid(tree.root()))
                    .count()
            }),
        ),
        (
            "jsonschema crate alone (1 thread)".into(),
            "bytes -> serde_json::Value -> is_valid",
            false,
            Box::new(|| {
                docs.iter()
                    .filter(|(id, b)| {
                        let v: serde_json::Value = serde_json::from_slice(b).expect("json");
                        !compiled[id].is_valid(&v)
                    })
                    .count()
            }),
        ),
    ];
    // Ajv runs between the Rust rounds, so that both see the same moments of a machine
    // whose speed drifts by a third from one minute to the next (run after them, a
    // ratio read one phase against another: 0.82x and 1.23x on one day).
    let mut ajv = if rust_only {
        None
    } else {
        match AjvPeer::prepare(corpus, &cases_path) {
            Ok(a) => Some(a),
            Err(e) => {
                eprintln!("ajv peer skipped: {e:#}");
                None
            }
        }
    };
    let unset = AjvBest {
        docs: 0,
        parsed: f64::INFINITY,
        from_text: f64::INFINITY,
    };
    let mut ajv_best = [unset; 2];
    // One untimed pass each (lazy regex caches, allocator pages), then the rounds,
    // interleaved, keeping each row's fastest.
    let invalid: Vec<usize> = rust.iter().map(|(_, _, _, run)| run()).collect();
    let mut best = vec![f64::INFINITY; rust.len()];
    for _ in 0..rounds {
        if let Some(peer) = &ajv {
            for (slot, all_errors) in ajv_best.iter_mut().zip([true, false]) {
                match peer.pass(all_errors, AJV_ROUNDS) {
                    Ok(b) => {
                        slot.docs = b.docs;
                        slot.parsed = slot.parsed.min(b.parsed);
                        slot.from_text = slot.from_text.min(b.from_text);
                    }
                    Err(e) => {
                        // As when Node is missing: the peer is skipped, the bench goes on.
                        eprintln!("ajv peer skipped: {e:#}");
                        ajv = None;
                        break;
                    }
                }
            }
        }
        for (slot, (_, _, wall, run)) in best.iter_mut().zip(&rust) {
            let secs = if *wall {
                let t = Instant::now();
                run();
                t.elapsed().as_secs_f64()
            } else {
                let t = Timer::start();
                run();
                t.seconds()
            };
            *slot = slot.min(secs);
        }
    }
    let mut rows: Vec<Row> = rust
        .iter()
        .zip(best)
        .zip(invalid)
        .map(|(((name, note, _, _), seconds), invalid)| Row {
            name: name.clone(),
            docs: docs.len(),
            seconds,
            note: format!("{note}; {invalid} invalid"),
            like: None,
        })
        .collect();

    if !rust_only {
        match python_rows(corpus, &cases_path, rounds) {
            Ok(r) => rows.extend(r),
            Err(e) => eprintln!("python peer skipped: {e:#}"),
        }
        if let Some(peer) = &ajv {
            rows.extend(peer.rows(ajv_best, rounds));
        }
    }

    Ok(rows)
}
