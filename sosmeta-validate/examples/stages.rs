//! Where validation time goes, per document, on the generated cases of the pinned
//! corpus: parsing (into the validator's tree, and into `serde_json::Value` for
//! comparison), the raw `jsonschema` verdict, the schema layer with its findings, and
//! every rule; then a batch on one thread and on all of them.
//!
//! `cargo run --release -p sosmeta-validate --features test-kit --example stages [-- ROUNDS]`. Each round
//! times every stage once, interleaved, and the fastest round counts, so a noisy
//! machine disturbs the numbers less. Run it under `perf record` to profile the
//! validator without the benchmark's setup; `STAGES="all rules"` keeps only that stage.

use sosmeta_model::DefinitionId;
use sosmeta_validate::json_tree::JsonTree;
use sosmeta_validate::{cases, Source, ValidateOptions, Validator};
use std::collections::HashMap;
use std::time::Instant;

// The same allocator as the `sosmeta` binary, so the stages cost what users see.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One stage: what it does to one document.
type Stage<'a> = (&'a str, Box<dyn Fn(&DefinitionId, &[u8]) + 'a>);

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    let release = sosmeta_model::Release::load(sosmeta_model::corpus::pinned_corpus_dir())
        .expect("the pinned corpus in ../shared");
    let all = cases::all_cases(&release);
    let docs: Vec<(DefinitionId, bool, Vec<u8>)> = all
        .iter()
        .map(|c| {
            let def = release
                .get_version(&c.oid, c.version.parse().expect("version"))
                .expect("definition");
            let valid = c.kind == "minimal" || c.kind == "maximal";
            let bytes = serde_json::to_vec(&c.document).expect("json");
            (def.id.clone(), valid, bytes)
        })
        .collect();
    let validator = Validator::new(release.clone());
    validator.precompile();
    let raw: HashMap<_, _> = release
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
    let prepared: HashMap<_, _> = release
        .definitions()
        .iter()
        .map(|d| (d.id.clone(), (d, sosmeta_validate::rules::Prepared::new(d))))
        .collect();
    let bytes: usize = docs.iter().map(|d| d.2.len()).sum();
    println!(
        "{} documents, {} bytes on average",
        docs.len(),
        bytes / docs.len()
    );
    let run = |rules: bool| {
        let validator = &validator;
        Box::new(move |id: &DefinitionId, b: &[u8]| {
            let opts = ValidateOptions {
                definition: Some(id.clone()),
                rules,
                ..ValidateOptions::default()
            };
            std::hint::black_box(validator.validate_bytes("x", b, &opts));
        })
    };
    let stages: Vec<Stage<'_>> = vec![
        (
            "tree parse",
            Box::new(|_, b| {
                let text = std::str::from_utf8(b).expect("utf-8");
                std::hint::black_box(JsonTree::parse(text).expect("json").depth());
            }),
        ),
        (
            "Value parse",
            Box::new(|_, b| {
                let v: serde_json::Value = serde_json::from_slice(b).expect("json");
                std::hint::black_box(v);
            }),
        ),
        (
            "Value parse + raw is_valid",
            Box::new(|id, b| {
                let v: serde_json::Value = serde_json::from_slice(b).expect("json");
                std::hint::black_box(raw[id].is_valid(&v));
            }),
        ),
        (
            "tree parse + rules walk",
            Box::new(|id, b| {
                let text = std::str::from_utf8(b).expect("utf-8");
                let tree = JsonTree::parse(text).expect("json");
                let (def, p) = &prepared[id];
                let context = sosmeta_validate::rules::Context::default();
                std::hint::black_box(sosmeta_validate::rules::check(def, p, tree.root(), context));
            }),
        ),
        ("schema layer", run(false)),
        ("all rules", run(true)),
    ];
    // STAGES=name,name… keeps only those stages (e.g. to profile one of them).
    let only = std::env::var("STAGES").is_ok();
    let stages: Vec<Stage<'_>> = match std::env::var("STAGES") {
        Ok(only) => stages
            .into_iter()
            .filter(|(name, _)| only.split(',').any(|o| o == *name))
            .collect(),
        Err(_) => stages,
    };
    let sets: Vec<(&str, bool)> = [("all cases", false), ("valid samples", true)]
        .into_iter()
        .filter(|(_, valid)| std::env::var("VALID_ONLY").is_err() || *valid)
        .collect();
    for (label, only_valid) in sets {
        let set: Vec<_> = docs.iter().filter(|d| !only_valid || d.1).collect();
        let n = set.len() as f64;
        let mut best = vec![f64::INFINITY; stages.len()];
        for _ in 0..rounds {
            for (slot, (_, stage)) in best.iter_mut().zip(&stages) {
                let t = Instant::now();
                for (id, _, b) in &set {
                    stage(id, b);
                }
                *slot = slot.min(t.elapsed().as_secs_f64() * 1e6 / n);
            }
        }
        let times: Vec<String> = stages
            .iter()
            .zip(&best)
            .map(|((name, _), t)| format!("{name} {t:.1}"))
            .collect();
        println!(
            "{label} ({} docs, fastest of {rounds} rounds), µs/doc: {}",
            set.len(),
            times.join(", ")
        );
        if only {
            continue;
        }
        let sources: Vec<Source> = set
            .iter()
            .map(|(_, _, b)| Source::bytes("x", b.clone()))
            .collect();
        let opts = ValidateOptions::default();
        let threads = rayon::current_num_threads();
        let mut batch = HashMap::new();
        for _ in 0..rounds {
            for t in [1, threads] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(t)
                    .build()
                    .expect("thread pool");
                let start = Instant::now();
                pool.install(|| validator.validate_all(&sources, &opts, &|| {}));
                let secs = start.elapsed().as_secs_f64();
                let e = batch.entry(t).or_insert(f64::INFINITY);
                *e = f64::min(*e, secs * 1e6 / n);
            }
        }
        println!(
            "{label}: batch (validate_all), µs/doc of wall time: 1 thread {:.1}, {threads} threads {:.1}",
            batch[&1], batch[&threads]
        );
    }
}
