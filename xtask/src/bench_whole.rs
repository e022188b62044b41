//! Whole-process rows of `cargo xtask bench`: one NDJSON batch of generated documents
//! through the `sosmeta` binary (one worker thread, then all cores) and through a Python
//! `jsonschema` Draft7Validator script that reports every error, each run as its own
//! process. A small Python harness starts each process and reads its CPU time and peak
//! resident memory from `os.wait4`, so every row is measured the same way (wall time,
//! user + system CPU time, peak RSS), start-up and release loading included.

use anyhow::{bail, Context};
use sosmeta_validate::cases::Case;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs the command given as its arguments, prints `<wall s> <cpu s> <peak KiB> <exit
/// code>`. With `--copies N` first, starts N copies of the command at once and waits for
/// all of them: the wall time until the last ends, their CPU times summed, the largest
/// peak and the worst exit code.
const HARNESS: &str = r#"
import os, subprocess, sys, time
args = sys.argv[1:]
copies = 1
if args[0] == "--copies":
    copies, args = int(args[1]), args[2:]
start = time.perf_counter()
cpu, peak, code = 0.0, 0, 0
with open(os.devnull, "wb") as null:
    procs = [subprocess.Popen(args, stdout=null) for _ in range(copies)]
    for p in procs:
        _, status, ru = os.wait4(p.pid, 0)
        cpu += ru.ru_utime + ru.ru_stime
        peak = max(peak, ru.ru_maxrss)
        code = max(code, os.waitstatus_to_exitcode(status))
wall = time.perf_counter() - start
print(wall, cpu, peak, code)
"#;

/// The Python peer on an NDJSON batch: `json.loads` and `iter_errors` (every error) per
/// line, the validator chosen by the document's root key, compiled on first use.
const PEER: &str = r#"
import json, sys
from jsonschema import Draft7Validator
batch, roots = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
validators, docs, invalid, errors = {}, 0, 0, 0
with open(batch, encoding="utf-8") as f:
    for line in f:
        doc = json.loads(line)
        key = next(iter(doc))
        v = validators.get(key)
        if v is None:
            v = validators[key] = Draft7Validator(json.load(open(roots[key], encoding="utf-8")))
        n = sum(1 for _ in v.iter_errors(doc))
        docs += 1
        errors += n
        invalid += n > 0
print(docs, invalid, errors, file=sys.stderr)
"#;

/// One whole-process measurement.
pub(crate) struct WholeRow {
    /// What ran.
    pub name: String,
    /// Which of the table's runs it is (the summary lines find rows by it).
    pub kind: WholeKind,
    /// Documents in the batch.
    pub docs: usize,
    /// Wall-clock seconds.
    pub wall: f64,
    /// User + system CPU seconds.
    pub cpu: f64,
    /// Peak resident memory, MiB.
    pub peak_mib: f64,
}

/// The runs of the whole-process table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum WholeKind {
    /// `sosmeta validate -j N` on the release folder.
    Jobs(usize),
    /// One independent `-j 1` process per core, at once: the machine's ceiling.
    Ceiling,
    /// `-j 1` on the release embedded in the binary.
    Embedded,
    /// The Python peer.
    Python,
}

/// The batch: documents of the cases whose definition is the version in force for their
/// root key (so that `sosmeta`, which picks by root key, and the peer check the same
/// definition), repeated until it holds at least `min_docs` lines.
fn write_batch(
    release: &sosmeta_model::Release,
    corpus: &Path,
    cases: &[Case],
    min_docs: usize,
    dir: &Path,
) -> anyhow::Result<(PathBuf, PathBuf, usize, u64)> {
    let mut roots = BTreeMap::new();
    let mut lines = Vec::new();
    for c in cases {
        let Some(key) = c.document.as_object().and_then(|o| o.keys().next()) else {
            continue;
        };
        let Some(def) = release.for_root_key(key) else {
            continue;
        };
        if def.oid() != c.oid || def.version().to_string() != c.version {
            continue;
        }
        let file = ["Valmis", "Vanhentunut", "."]
            .iter()
            .map(|sub| corpus.join(sub).join(format!("{}.json", c.dotted)))
            .find(|p| p.is_file())
            .with_context(|| format!("no schema file for {}", c.dotted))?;
        roots.insert(key.clone(), file);
        lines.push(serde_json::to_string(&c.document)?);
    }
    if lines.is_empty() {
        bail!("no case of a definition in force");
    }
    std::fs::create_dir_all(dir)?;
    let batch = dir.join("batch.ndjson");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&batch)?);
    let mut docs = 0;
    while docs < min_docs {
        for l in &lines {
            out.write_all(l.as_bytes())?;
            out.write_all(b"\n")?;
        }
        docs += lines.len();
    }
    out.flush()?;
    drop(out);
    let roots_path = dir.join("roots.json");
    std::fs::write(&roots_path, serde_json::to_vec(&roots)?)?;
    let bytes = std::fs::metadata(&batch)?.len();
    Ok((batch, roots_path, docs, bytes))
}

/// Run `cmd` under the harness.
fn measure(
    kind: WholeKind,
    name: &str,
    docs: usize,
    cmd: &[&std::ffi::OsStr],
) -> anyhow::Result<WholeRow> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(HARNESS)
        .args(cmd)
        .output()
        .context("run python3 (the timing harness)")?;
    if !out.status.success() {
        bail!("harness: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Vec<f64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .with_context(|| format!("harness output `{text}`"))?;
    let [wall, cpu, peak_kib, code] = v[..] else {
        bail!("harness output `{text}`");
    };
    // sosmeta exits 1 when some documents are invalid (the batch holds mutants).
    if code != 0.0 && code != 1.0 {
        bail!(
            "{name} exited with {code}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(WholeRow {
        name: name.to_string(),
        kind,
        docs,
        wall,
        cpu,
        peak_mib: peak_kib / 1024.0,
    })
}

/// The `sosmeta` binary of this workspace, built in release mode.
fn sosmeta_binary() -> anyhow::Result<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "sosmeta-cli",
            "--bin",
            "sosmeta",
        ])
        .status()
        .context("cargo build of sosmeta")?;
    if !status.success() {
        bail!("cargo build of sosmeta failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("release").join("sosmeta"))
}

/// `sosmeta validate` of the NDJSON `batch` with `-j jobs`, on the release of the
/// `corpus` folder or, without one, on the release embedded in the binary.
fn sosmeta_run<'a>(
    sosmeta: &'a Path,
    corpus: Option<&'a Path>,
    batch: &'a Path,
    jobs: &'a str,
) -> Vec<&'a std::ffi::OsStr> {
    let mut cmd: Vec<&std::ffi::OsStr> = vec![sosmeta.as_os_str(), "validate".as_ref()];
    if let Some(corpus) = corpus {
        cmd.extend(["--release".as_ref(), corpus.as_os_str()]);
    }
    cmd.extend([
        "--input-format".as_ref(),
        "ndjson".as_ref(),
        "-f".as_ref(),
        "ndjson".as_ref(),
        "-j".as_ref(),
        jobs.as_ref(),
        batch.as_os_str(),
    ]);
    cmd
}

/// The whole-process rows on a batch of at least `min_docs` documents.
pub(crate) fn rows(
    release: &sosmeta_model::Release,
    corpus: &Path,
    cases: &[Case],
    min_docs: usize,
    rust_only: bool,
) -> anyhow::Result<(usize, u64, Vec<WholeRow>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-whole");
    let (batch, roots, docs, bytes) = write_batch(release, corpus, cases, min_docs, &dir)?;
    let sosmeta = sosmeta_binary()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut rows = Vec::new();
    for jobs in [1, cores] {
        if jobs == cores && cores == 1 {
            break;
        }
        let j = jobs.to_string();
        let cmd = sosmeta_run(&sosmeta, Some(corpus), &batch, &j);
        rows.push(measure(
            WholeKind::Jobs(jobs),
            &format!("`sosmeta validate --release <corpus folder> --input-format ndjson -f ndjson -j {jobs}`"),
            docs,
            &cmd,
        )?);
    }
    // The machine's own ceiling for the all-cores row: as many independent one-thread
    // processes as there are cores, at once. If the cores were independent they would
    // end together in the one process's time; on a VM whose cores share a physical core
    // or are throttled they do not, and no program's threads can scale past that.
    if cores > 1 {
        let copies = cores.to_string();
        let mut cmd: Vec<&std::ffi::OsStr> = vec!["--copies".as_ref(), copies.as_ref()];
        cmd.extend(sosmeta_run(&sosmeta, Some(corpus), &batch, "1"));
        rows.push(measure(
            WholeKind::Ceiling,
            &format!("{cores} copies of the `-j 1` run at once (the machine's ceiling)"),
            docs * cores,
            &cmd,
        )?);
    }
    // The same batch with the release embedded in the binary (no release to load from
    // disk): the configuration whose peak memory the README quotes beside the folder's.
    let embedded = sosmeta_run(&sosmeta, None, &batch, "1");
    rows.push(measure(
        WholeKind::Embedded,
        "`sosmeta validate --input-format ndjson -f ndjson -j 1`, embedded release",
        docs,
        &embedded,
    )?);
    if !rust_only {
        let peer = dir.join("peer.py");
        std::fs::write(&peer, PEER)?;
        let cmd: Vec<&std::ffi::OsStr> = vec![
            "python3".as_ref(),
            peer.as_os_str(),
            batch.as_os_str(),
            roots.as_os_str(),
        ];
        match measure(
            WholeKind::Python,
            "Python jsonschema Draft7Validator, every error (`json.loads` + `iter_errors` per line)",
            docs,
            &cmd,
        ) {
            Ok(r) => rows.push(r),
            Err(e) => eprintln!("python whole-process peer skipped: {e:#}"),
        }
    }
    Ok((docs, bytes, rows))
}

/// Print the whole-process table.
pub(crate) fn print(docs: usize, bytes: u64, rows: &[WholeRow]) {
    println!(
        "Whole processes on one NDJSON batch: {docs} documents ({:.0} MB), start-up and release loading included; CPU = user + system time, peak = maximum resident memory (os.wait4)\n",
        bytes as f64 / 1e6
    );
    println!("| run | documents | CPU s | wall s | peak MiB | docs/s (CPU) | sosmeta -j 1 is x faster (CPU) |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    // CPU per document, so that a row over more documents (the copies) compares too.
    let per_doc = |r: &WholeRow| r.cpu / r.docs.max(1) as f64;
    let find = |kind: WholeKind| rows.iter().find(|r| r.kind == kind);
    let ours = find(WholeKind::Jobs(1)).map_or(0.0, per_doc);
    for r in rows {
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.0} | {:.0} | {:.1} |",
            r.name,
            r.docs,
            r.cpu,
            r.wall,
            r.peak_mib,
            r.docs as f64 / r.cpu,
            per_doc(r) / ours
        );
    }
    let all = rows
        .iter()
        .find(|r| matches!(r.kind, WholeKind::Jobs(j) if j > 1));
    if let (Some(one), Some(all)) = (find(WholeKind::Jobs(1)), all) {
        println!(
            "All cores against one worker thread: {:.2}x by wall time.",
            one.wall / all.wall
        );
        if let Some(c) = find(WholeKind::Ceiling) {
            // Throughput of the copies together against one copy alone.
            println!(
                "Independent one-thread processes, one per core, at once: {:.2}x one alone by throughput (the most any program's threads could reach on this machine now).",
                (c.docs as f64 / c.wall) / (one.docs as f64 / one.wall)
            );
        }
        println!();
    }
}
