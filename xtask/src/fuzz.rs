//! `cargo xtask fuzz`: a bounded fuzz campaign on the stable toolchain (cargo-fuzz needs
//! nightly, which CI does not have). Structured random testing with a seeded RNG
//! (`fastrand`): real documents, CDA files and release bundles from the pinned corpus
//! are mutated (byte flips, inserts, deletions, splices of hostile tokens, truncation,
//! and JSON-aware replacement of a random value by a hostile one) and fed to
//!
//! - `document`: the byte-to-report path (`Validator::validate_bytes`, every layer);
//! - `cda`: the archive reader and rules (`ArchiveValidator::validate_cda` with a frame);
//! - `bundle`: the bundle loader (a zip with definitions and a code set, a gzip'd compact
//!   release, and a folder), with small read limits so bombs hit them.
//!
//! Any panic is a failure: the input is written (atomically) under `--out` with its
//! target, seed and iteration, and the task exits 1. The campaign stops at `--seconds`
//! or `--iterations` (per target), whichever comes first; the same seed replays the same
//! inputs.

use anyhow::Context as _;
use serde_json::Value;
use sosmeta_kanta::{ArchiveOptions, ArchiveValidator};
use sosmeta_model::{Definition, Limits, Release};
use sosmeta_validate::{ValidateOptions, Validator};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Arguments of `cargo xtask fuzz`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Run for this many seconds in all (split over the three targets).
    #[arg(long, default_value = "60", value_parser = crate::fetch::parse_deadline)]
    pub seconds: Duration,
    /// Stop each target after this many inputs.
    #[arg(long)]
    pub iterations: Option<u64>,
    /// The RNG seed (default: from the clock, printed so a run can be replayed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where failing inputs are written.
    #[arg(long, default_value = "target/fuzz-failures")]
    pub out: PathBuf,
    /// The release (default: the pinned corpus in ../shared).
    #[arg(long)]
    pub release: Option<PathBuf>,
}

/// One target's tally.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// The target's name.
    pub target: &'static str,
    /// Inputs run.
    pub inputs: u64,
    /// Inputs that panicked (written under `out`).
    pub failures: Vec<PathBuf>,
}

/// Hostile fragments spliced into inputs.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"\\u0000",
    b"\\ud800",
    b"1e999999",
    b"-0.0e-400",
    b"null",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xC3",
    b"131052-308T",
    b"131052-308U",
    b"2023-02-30",
    b"urn:oid:1.2.246.21",
    b"<![CDATA[",
    b"]]>",
    b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
    b"&a;",
    b"</ClinicalDocument>",
    b"xmlns=\"urn:hl7-org:v3\"",
    b"PK\x03\x04",
    b"PK\x01\x02",
    b"PK\x05\x06",
    b"\x1f\x8b\x08",
];

fn hostile_value(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(0..10) {
        0 => Value::String("x".repeat(rng.usize(0..200_000))),
        1 => Value::String("131052-308U".into()),
        2 => Value::String("2023-02-30".into()),
        3 => {
            let mut v = Value::Null;
            for _ in 0..rng.usize(1..300) {
                v = Value::Array(vec![v]);
            }
            v
        }
        4 => serde_json::json!({"system": "urn:oid:1.2.246.21", "value": "010101-0101"}),
        5 => Value::from(rng.i64(..)),
        6 => Value::from(rng.f64() * 1e300),
        7 => Value::Bool(rng.bool()),
        8 => Value::Object(Default::default()),
        _ => Value::String(String::from_utf8_lossy(TOKENS[rng.usize(..TOKENS.len())]).into()),
    }
}

/// Replace one random node of `v` by a hostile value (or add a hostile key).
fn mutate_json(v: &mut Value, rng: &mut fastrand::Rng) {
    let depth = rng.usize(0..12);
    mutate_at(v, rng, depth);
}

fn mutate_at(v: &mut Value, rng: &mut fastrand::Rng, depth: usize) {
    let descend = depth > 0
        && match v {
            Value::Object(m) => !m.is_empty(),
            Value::Array(a) => !a.is_empty(),
            _ => false,
        };
    if descend {
        match v {
            Value::Object(m) => {
                let i = rng.usize(..m.len());
                if let Some(c) = m.values_mut().nth(i) {
                    mutate_at(c, rng, depth - 1);
                }
            }
            Value::Array(a) => {
                let i = rng.usize(..a.len());
                mutate_at(&mut a[i], rng, depth - 1);
            }
            _ => {}
        }
        return;
    }
    match v {
        Value::Object(m) if rng.bool() => {
            let key = if rng.bool() {
                "k".repeat(rng.usize(1..100_000))
            } else {
                m.keys().next().cloned().unwrap_or_default()
            };
            m.insert(key, hostile_value(rng));
        }
        n => *n = hostile_value(rng),
    }
}

/// Byte-level mutations of `input`, a few at a time.
fn mutate_bytes(input: &[u8], rng: &mut fastrand::Rng) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..rng.usize(1..5) {
        let len = b.len();
        match rng.u8(0..6) {
            0 if len > 0 => {
                let i = rng.usize(..len);
                b[i] ^= 1 << rng.u8(0..8);
            }
            1 => {
                let i = rng.usize(..=len);
                let t = TOKENS[rng.usize(..TOKENS.len())];
                b.splice(i..i, t.iter().copied());
            }
            2 if len > 0 => {
                let i = rng.usize(..len);
                let j = (i + rng.usize(1..64)).min(len);
                b.drain(i..j);
            }
            3 if len > 0 => {
                let i = rng.usize(..len);
                let j = (i + rng.usize(1..256)).min(len);
                let chunk: Vec<u8> = b[i..j].to_vec();
                for _ in 0..rng.usize(1..8) {
                    b.splice(j..j, chunk.iter().copied());
                }
            }
            4 => b.truncate(rng.usize(..=len)),
            _ => {
                let i = rng.usize(..=len);
                let byte = rng.u8(..);
                b.insert(i, byte);
            }
        }
    }
    b
}

/// The seeds: real inputs made from the release.
struct Seeds {
    documents: Vec<Vec<u8>>,
    cdas: Vec<(Vec<u8>, Vec<u8>)>,
    zip: Vec<u8>,
    compact: Vec<u8>,
    definitions: Vec<Vec<u8>>,
}

/// Up to eight different definitions of the release, in random order. Different, because
/// the seeds' small release is built from the first two and a release refuses one
/// definition version twice.
fn pick_definitions<'r>(release: &'r Release, rng: &mut fastrand::Rng) -> Vec<&'r Definition> {
    let mut pick: Vec<&Definition> = release.definitions().iter().collect();
    rng.shuffle(&mut pick);
    pick.truncate(8);
    pick
}

fn seeds(release: &Release, rng: &mut fastrand::Rng) -> anyhow::Result<Seeds> {
    use std::io::Write as _;
    let pick = pick_definitions(release, rng);
    anyhow::ensure!(pick.len() >= 3, "the release has fewer than 3 definitions");
    let mut documents = Vec::new();
    let mut cdas = Vec::new();
    for d in &pick {
        documents.push(serde_json::to_vec(&sosmeta_model::samples::minimal(d))?);
        documents.push(serde_json::to_vec_pretty(
            &sosmeta_model::samples::maximal(d),
        )?);
        let f = sosmeta_kanta::fixtures::Spec::for_definition(d).build();
        cdas.push((f.cda, f.frame));
    }
    let definitions: Vec<Vec<u8>> = pick[..3]
        .iter()
        .map(|d| serde_json::to_vec(&d.to_json_schema()))
        .collect::<Result<_, _>>()?;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    for (i, d) in definitions.iter().enumerate() {
        z.start_file(format!("Valmis/{i}.json"), o)?;
        z.write_all(d)?;
    }
    z.start_file("koodistot/1.2.3.json", o)?;
    z.write_all(
        br#"{"format":"sosmeta-koodisto/1","oid":"1.2.3","codes":[{"code":"1","status":"DELETED"}]}"#,
    )?;
    let zip = z.finish()?.into_inner();
    let small = Release::from_definitions(
        None,
        pick[..2]
            .iter()
            .map(|d| Definition::from_json_value("seed", &d.to_json_schema()))
            .collect::<Result<_, _>>()?,
    )?;
    let compact = sosmeta_model::compact::to_bytes(&small);
    Ok(Seeds {
        documents,
        cdas,
        zip,
        compact,
        definitions,
    })
}

/// The limits the bundle target loads with: small, so bombs reach them quickly.
pub const FUZZ_LIMITS: Limits = Limits {
    bundle_file_bytes: 8 << 20,
    definition_bytes: 4 << 20,
    code_set_bytes: 4 << 20,
    zip_entries: 64,
    zip_expanded_bytes: 16 << 20,
    gzip_expanded_bytes: 32 << 20,
};

/// Run the campaign: three targets, each for a third of `seconds` or `iterations` inputs.
pub fn campaign(
    release: &Release,
    seed: u64,
    seconds: Duration,
    iterations: Option<u64>,
    out: &Path,
) -> anyhow::Result<Vec<Tally>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let seeds =
        seeds(release, &mut rng).with_context(|| format!("making the seeds of seed {seed}"))?;
    let validator = Validator::new(release.clone());
    let archive = ArchiveValidator::new(&validator, ArchiveOptions::default());
    let opts = ValidateOptions {
        max_size: 4 << 20,
        ..ValidateOptions::default()
    };
    let tmp = tempfile::tempdir()?;
    let folder = tmp.path().join("bundle");
    std::fs::create_dir_all(folder.join("Valmis"))?;
    std::fs::create_dir_all(folder.join("koodistot"))?;
    let share = seconds / 3;
    let mut tallies = Vec::new();
    // Quiet panics while fuzzing; they are counted and written out instead.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for target in ["document", "cda", "bundle"] {
        let mut tally = Tally {
            target,
            ..Tally::default()
        };
        let stop = Instant::now() + share;
        let mut i = 0u64;
        while Instant::now() < stop && iterations.is_none_or(|n| i < n) {
            i += 1;
            let input: Vec<u8>;
            let outcome = match target {
                "document" => {
                    let s = &seeds.documents[rng.usize(..seeds.documents.len())];
                    input = if rng.bool() {
                        let mut v: Value = serde_json::from_slice(s)?;
                        mutate_json(&mut v, &mut rng);
                        serde_json::to_vec(&v)?
                    } else {
                        mutate_bytes(s, &mut rng)
                    };
                    catch_unwind(AssertUnwindSafe(|| {
                        validator.validate_bytes("fuzz.json", &input, &opts);
                    }))
                }
                "cda" => {
                    let (cda, frame) = &seeds.cdas[rng.usize(..seeds.cdas.len())];
                    input = mutate_bytes(cda, &mut rng);
                    let frame = if rng.bool() {
                        mutate_bytes(frame, &mut rng)
                    } else {
                        frame.clone()
                    };
                    catch_unwind(AssertUnwindSafe(|| {
                        archive.validate_cda("fuzz.xml", &input, Some(&frame));
                    }))
                }
                _ => {
                    let which = rng.u8(0..3);
                    input = match which {
                        0 => mutate_bytes(&seeds.zip, &mut rng),
                        1 => mutate_bytes(&seeds.compact, &mut rng),
                        _ => {
                            let d = &seeds.definitions[rng.usize(..seeds.definitions.len())];
                            if rng.bool() {
                                let mut v: Value = serde_json::from_slice(d)?;
                                mutate_json(&mut v, &mut rng);
                                serde_json::to_vec(&v)?
                            } else {
                                mutate_bytes(d, &mut rng)
                            }
                        }
                    };
                    if which == 2 {
                        std::fs::write(folder.join("Valmis/x.json"), &input)?;
                        std::fs::write(folder.join("koodistot/1.2.3.json"), &input)?;
                    }
                    catch_unwind(AssertUnwindSafe(|| match which {
                        0 => {
                            let _ = Release::from_zip_bytes_with("fuzz.zip", &input, &FUZZ_LIMITS);
                        }
                        1 => {
                            let _ = sosmeta_model::compact::from_bytes_with(
                                "fuzz.json.gz",
                                &input,
                                &FUZZ_LIMITS,
                            );
                        }
                        _ => {
                            let _ = Release::load_with(&folder, &FUZZ_LIMITS);
                            let _ = sosmeta_model::koodisto::CodeSets::load_bundle_with(
                                &folder,
                                &FUZZ_LIMITS,
                            );
                        }
                    }))
                }
            };
            if outcome.is_err() {
                let p = out.join(format!("{target}-seed{seed}-{i}.bin"));
                crate::fetch::lock::write_atomic(&p, &input)?;
                tally.failures.push(p);
            }
        }
        tally.inputs = i;
        tallies.push(tally);
    }
    std::panic::set_hook(hook);
    Ok(tallies)
}

/// Run the task.
pub fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    let path = args
        .release
        .unwrap_or_else(sosmeta_model::corpus::pinned_corpus_dir);
    let release = Release::load(&path).with_context(|| format!("loading {}", path.display()))?;
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(1)
    });
    let start = Instant::now();
    let tallies = campaign(&release, seed, args.seconds, args.iterations, &args.out)?;
    let mut failed = false;
    for t in &tallies {
        println!(
            "fuzz {:8} {:>9} inputs, {} panics",
            t.target,
            t.inputs,
            t.failures.len()
        );
        for p in &t.failures {
            println!("  failing input: {}", p.display());
            failed = true;
        }
    }
    println!(
        "seed {seed}, {:.1} s (replay: cargo xtask fuzz --seed {seed})",
        start.elapsed().as_secs_f64()
    );
    Ok(if failed {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod seed_tests {
    use super::*;

    /// A release of three definitions of the pinned corpus, the fewest `seeds` accepts.
    fn three() -> Release {
        let full = Release::load(sosmeta_model::corpus::pinned_corpus_dir()).unwrap();
        let defs = full.definitions()[..3].to_vec();
        Release::from_definitions(None, defs).unwrap()
    }

    #[test]
    fn the_seeds_of_every_rng_seed_are_made_from_different_definitions() {
        let release = three();
        for seed in 0..16 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let pick = pick_definitions(&release, &mut rng);
            let mut ids: Vec<_> = pick.iter().map(|d| (d.oid(), d.version())).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), 3, "seed {seed}");
            let mut rng = fastrand::Rng::with_seed(seed);
            seeds(&release, &mut rng).unwrap_or_else(|e| panic!("seed {seed}: {e:#}"));
        }
    }
}
