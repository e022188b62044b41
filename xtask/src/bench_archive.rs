//! `cargo xtask bench-archive`: a directory of synthetic Kanta CDA files (with their
//! transfer frames) validated whole-run by `sosmeta-kanta` (one thread and every core)
//! and by a Python peer that parses each CDA with lxml, base64-decodes its JSON and
//! validates it with jsonschema's Draft7Validator against the corpus schema, in one run.
//!
//! The files come from `sosmeta_kanta::fixtures` over every definition of the release,
//! with the maximal and the minimal sample in turn, each with its own document id. Every
//! row reads the files from disk inside the timed pass (the page cache is warm: one
//! untimed pass first); validators are built before timing (the Rust content validator
//! is precompiled, the Python validators are built in the warm-up pass). The fastest of
//! `--rounds` passes counts. Single-thread rows give thread CPU time and wall time; the
//! every-core row gives wall time.
//!
//! The Python peer does less than we do: it reads no frame and checks no header,
//! display form or frame rule; the comparison favours it.

use anyhow::{bail, Context};
use rayon::prelude::*;
use sosmeta_kanta::fixtures::Spec;
use sosmeta_kanta::{ArchiveOptions, ArchiveValidator};
use sosmeta_validate::Validator;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Arguments of `cargo xtask bench-archive`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The release (default: the pinned corpus in ../shared).
    #[arg(long)]
    pub release: Option<PathBuf>,
    /// How many CDA files (each with its frame) to generate.
    #[arg(long, default_value_t = 10_000)]
    pub count: usize,
    /// Where to write them (emptied of earlier `*.xml` first).
    #[arg(long, default_value = "target/bench-archive/docs")]
    pub dir: PathBuf,
    /// Timed passes per row (after one untimed warm-up pass); the fastest counts.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Skip the Python peer.
    #[arg(long)]
    pub rust_only: bool,
}

/// The peer: reads the listed CDA files, prints `<files> <wall s> <cpu s> <valid>`.
const PYTHON_SCRIPT: &str = r#"
import base64, json, os, sys, time
from lxml import etree
from jsonschema import Draft7Validator

V3 = "{urn:hl7-org:v3}"
FI = "{urn:hl7finland}"

def main():
    corpus, listing, rounds = sys.argv[1], sys.argv[2], max(1, int(sys.argv[3]))
    schemas = {}
    for sub in ("Valmis", "Vanhentunut", "."):
        d = os.path.join(corpus, sub)
        if os.path.isdir(d):
            for name in os.listdir(d):
                if name.endswith(".json"):
                    schemas.setdefault(name[:-5], os.path.join(d, name))
    with open(listing, encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.strip()]
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    validators = {}

    def one_pass():
        valid = 0
        for p in paths:
            with open(p, "rb") as f:
                data = f.read()
            root = etree.fromstring(data, parser)
            csi = root.findtext(FI + "localSocialHeader/" + FI + "contentSpecificationId").strip()
            node = root.find(V3 + "component/" + V3 + "nonXMLBody/" + FI + "json")
            doc = json.loads(base64.b64decode(node.text))
            v = validators.get(csi)
            if v is None:
                with open(schemas[csi], encoding="utf-8") as sf:
                    v = validators[csi] = Draft7Validator(json.load(sf))
            if v.is_valid(doc):
                valid += 1
        return valid

    valid = one_pass()
    best_wall, best_cpu = float("inf"), float("inf")
    for _ in range(rounds):
        w, c = time.perf_counter(), time.thread_time()
        one_pass()
        best_cpu = min(best_cpu, time.thread_time() - c)
        best_wall = min(best_wall, time.perf_counter() - w)
    print(len(paths), best_wall, best_cpu, valid)

main()
"#;

use crate::bench::thread_cpu;

/// One generated document: its name and the paths of the CDA and the frame.
struct Doc {
    name: String,
    cda: PathBuf,
    frame: PathBuf,
}

/// Write `count` CDA files and frames into `dir` over every definition of the release.
fn generate(
    release: &sosmeta_model::Release,
    dir: &Path,
    count: usize,
) -> anyhow::Result<Vec<Doc>> {
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x == "xml") {
            std::fs::remove_file(&p)?;
        }
    }
    let defs = release.definitions();
    if defs.is_empty() {
        bail!("the release has no definitions");
    }
    // One spec per definition and sample kind, built once; each file gets its own ids.
    // A minimal sample without a laatija cannot name its recorder (the header author must
    // be one of the content's laatija), so such definitions use their maximal sample twice:
    // every generated document is clean.
    let specs: Vec<Spec> = defs
        .iter()
        .flat_map(|d| {
            let minimal = sosmeta_model::samples::minimal(d);
            let has_recorder =
                sosmeta_validate::authors::authors(d, &minimal).is_none_or(|a| !a.is_empty());
            [
                Spec::for_definition(d),
                if has_recorder {
                    Spec::with_content(d, minimal)
                } else {
                    Spec::for_definition(d)
                },
            ]
        })
        .collect();
    (0..count)
        .into_par_iter()
        .map(|i| {
            // Maximal samples of every definition first, then minimal ones, and again.
            let round = i / defs.len();
            let spec = &specs[(i % defs.len()) * 2 + round % 2];
            let mut s = spec.clone();
            let id = format!("1.2.246.10.99999999.95777.2026.{}", 3_000_000 + i);
            s.set_id = id.clone();
            s.body_id = format!("OID{id}");
            s.display_id = format!("OID{id}");
            s.document_id = id;
            let f = s.build();
            let name = format!("doc{i:05}");
            let cda = dir.join(format!("{name}.xml"));
            let frame = dir.join(format!("{name}.frame.xml"));
            std::fs::write(&cda, &f.cda).with_context(|| format!("write {}", cda.display()))?;
            std::fs::write(&frame, &f.frame)
                .with_context(|| format!("write {}", frame.display()))?;
            Ok(Doc { name, cda, frame })
        })
        .collect()
}

/// A timed row: name, documents, seconds (CPU for one thread, wall otherwise), wall,
/// note.
struct Row {
    name: String,
    docs: usize,
    seconds: f64,
    wall: f64,
    note: String,
}

fn python_row(corpus: &Path, listing: &Path, rounds: usize) -> anyhow::Result<Row> {
    let dir = listing.parent().context("listing has no folder")?;
    let script = dir.join("bench_archive.py");
    std::fs::write(&script, PYTHON_SCRIPT)?;
    let has_lxml = Command::new("python3")
        .args(["-c", "import lxml, jsonschema"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !has_lxml {
        eprintln!("installing lxml and jsonschema for the Python peer (pip)");
        let st = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "lxml",
                "jsonschema>=4.18",
            ])
            .status()
            .context("pip install lxml")?;
        if !st.success() {
            bail!("pip install lxml jsonschema failed");
        }
    }
    let version = Command::new("python3")
        .args([
            "-c",
            "import sys, lxml.etree as e, importlib.metadata as m; print(sys.version.split()[0], '.'.join(map(str, e.LXML_VERSION[:3])), m.version('jsonschema'))",
        ])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let out = Command::new("python3")
        .arg(&script)
        .arg(corpus)
        .arg(listing)
        .arg(rounds.to_string())
        .output()
        .context("run python3")?;
    if !out.status.success() {
        bail!("python3: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    let docs: usize = it.next().context("no output")?.parse()?;
    let wall: f64 = it.next().context("no wall time")?.parse()?;
    let cpu: f64 = it.next().context("no CPU time")?.parse()?;
    let valid: usize = it.next().context("no count")?.parse()?;
    let mut v = version.split_whitespace();
    Ok(Row {
        name: "Python lxml + base64 + jsonschema Draft7Validator (1 process)".into(),
        docs,
        seconds: cpu,
        wall,
        note: format!(
            "CDA only (no frame, no header or display-form rule); {valid} valid JSON; python {}, lxml {}, jsonschema {}",
            v.next().unwrap_or("?"),
            v.next().unwrap_or("?"),
            v.next().unwrap_or("?")
        ),
    })
}

/// Run the task.
pub(crate) fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    let corpus = args
        .release
        .clone()
        .unwrap_or_else(sosmeta_model::corpus::pinned_corpus_dir);
    let release = crate::cases::load_release(Some(&corpus))?;
    let t = Instant::now();
    let docs = generate(&release, &args.dir, args.count)?;
    let bytes: u64 = docs
        .iter()
        .map(|d| {
            let m = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            m(&d.cda) + m(&d.frame)
        })
        .sum();
    let listing = args
        .dir
        .parent()
        .unwrap_or(Path::new("."))
        .join("cda-files.txt");
    let list: String = docs
        .iter()
        .map(|d| {
            let p = std::fs::canonicalize(&d.cda).unwrap_or_else(|_| d.cda.clone());
            format!("{}\n", p.display())
        })
        .collect();
    std::fs::write(&listing, list)?;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "Archive benchmark {} on {} cores (load average {}), release {}",
        chrono::Local::now().format("%Y-%m-%d %H:%M %Z"),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        release.label().unwrap_or("?"),
    );
    println!(
        "{} CDA files + {} frames ({:.1} MB) over {} definitions (maximal and minimal samples), generated in {:.1} s into {}\n",
        docs.len(),
        docs.len(),
        bytes as f64 / 1e6,
        release.definitions().len(),
        t.elapsed().as_secs_f64(),
        args.dir.display()
    );

    let validator = Validator::new(release.clone());
    validator.precompile();
    let av = ArchiveValidator::new(&validator, ArchiveOptions::default());
    // Each thread reads into two buffers it keeps (as a directory walker would), so
    // that the allocator does not hand fresh pages to every file.
    thread_local! {
        static BUFS: std::cell::RefCell<(Vec<u8>, Vec<u8>)> =
            const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
    }
    let read_into = |p: &Path, buf: &mut Vec<u8>| -> bool {
        use std::io::Read;
        buf.clear();
        std::fs::File::open(p)
            .and_then(|mut f| f.read_to_end(buf))
            .is_ok()
    };
    let one = |d: &Doc, frame: bool| -> bool {
        BUFS.with(|b| {
            let (cda, fr) = &mut *b.borrow_mut();
            read_into(&d.cda, cda);
            let fr = (frame && read_into(&d.frame, fr)).then_some(&fr[..]);
            av.validate_cda(&d.name, cda, fr).valid
        })
    };
    type Run<'a> = Box<dyn Fn() -> usize + 'a>;
    let threads = rayon::current_num_threads();
    let rows: Vec<(String, &str, bool, Run<'_>)> = vec![
        (
            "sosmeta-kanta validate_cda, CDA + frame (1 thread)".into(),
            "read both files, XML, base64, every header, body, display-form and frame rule, content validation",
            false,
            Box::new(|| docs.iter().filter(|d| one(d, true)).count()),
        ),
        (
            "sosmeta-kanta validate_cda, CDA only (1 thread)".into(),
            "read the CDA, every archive rule but the frame's, content validation",
            false,
            Box::new(|| docs.iter().filter(|d| one(d, false)).count()),
        ),
        (
            format!("sosmeta-kanta validate_cda, CDA + frame ({threads} threads)"),
            "the first row on a rayon pool; wall time",
            true,
            Box::new(|| docs.par_iter().filter(|d| one(d, true)).count()),
        ),
    ];
    let valid: Vec<usize> = rows.iter().map(|(_, _, _, run)| run()).collect();
    let rounds = args.rounds.max(1);
    let mut best = vec![(f64::INFINITY, f64::INFINITY); rows.len()];
    for _ in 0..rounds {
        for (slot, (_, _, parallel, run)) in best.iter_mut().zip(&rows) {
            let (w, c) = (Instant::now(), thread_cpu());
            run();
            let wall = w.elapsed().as_secs_f64();
            let cpu = match (c, thread_cpu()) {
                (Some(a), Some(b)) if !*parallel => b - a,
                _ => wall,
            };
            *slot = (slot.0.min(cpu), slot.1.min(wall));
        }
    }
    let mut table: Vec<Row> = rows
        .iter()
        .zip(best)
        .zip(valid)
        .map(|(((name, note, _, _), (seconds, wall)), valid)| Row {
            name: name.clone(),
            docs: docs.len(),
            seconds,
            wall,
            note: format!("{note}; {valid} valid"),
        })
        .collect();
    if !args.rust_only {
        match python_row(&corpus, &listing, rounds) {
            Ok(r) => table.push(r),
            Err(e) => eprintln!("python peer skipped: {e:#}"),
        }
    }
    let python = table
        .iter()
        .find(|r| r.name.starts_with("Python"))
        .map(|r| (r.seconds, r.wall));
    println!(
        "fastest of {rounds} timed passes after a warm-up pass; files read inside each pass\n"
    );
    println!("| run | files/s | seconds (CPU, 1 thread; wall, all cores) | wall seconds | Python's time / this row's | notes |");
    println!("|---|---:|---:|---:|---:|---|");
    for r in &table {
        let ratio = python.map_or("-".to_string(), |(cpu, _)| {
            format!("{:.1}", cpu / r.seconds)
        });
        println!(
            "| {} | {:.0} | {:.3} | {:.3} | {ratio} | {} |",
            r.name,
            r.docs as f64 / r.seconds,
            r.seconds,
            r.wall,
            r.note
        );
    }
    if let Some((cpu, wall)) = python {
        let ours = &table[0];
        println!(
            "\nsosmeta-kanta (CDA + frame, 1 thread) is {:.1}x faster than Python lxml + jsonschema (CPU time; {:.1}x by wall time); on {} threads {:.1}x (wall)",
            cpu / ours.seconds,
            wall / ours.wall,
            threads,
            wall / table[2].wall
        );
    }
    Ok(std::process::ExitCode::SUCCESS)
}
