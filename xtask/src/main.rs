//! `cargo xtask ...`: the project's tasks for release engineers and CI.
//!
//! Each task lives in its own module; this file only parses the command line.

use clap::{Parser, Subcommand};

// The same allocator as the `sosmeta` binary, so that `cargo xtask bench` measures what
// users run (every Rust row of the benchmark shares it).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod bench_archive;
mod bench_whole;
mod cases;
mod codegen;
mod screenshots;
use xtask::{diff, fetch, fuzz};

/// Project tasks for sosmeta-rs.
#[derive(Parser)]
#[command(name = "cargo xtask", version)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate `generated/` from a release (default: the pinned corpus).
    Codegen(codegen::Args),
    /// Fetch a release and its koodistot into a bundle, or verify a bundle.
    Fetch(fetch::Args),
    /// Compare two releases.
    Diff(diff::Args),
    /// Generate valid and mutant test documents for every definition.
    Cases(cases::Args),
    /// Benchmark validation against the peers.
    Bench(bench::Args),
    /// A bounded fuzz campaign (stable toolchain): documents, CDA files, bundles.
    Fuzz(fuzz::Args),
    /// Benchmark a directory of Kanta CDA files against Python lxml + jsonschema.
    BenchArchive(bench_archive::Args),
    /// Screenshot the fi and sv display forms of a few definitions with headless Chromium.
    Screenshots(screenshots::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Codegen(a) => codegen::run(a),
        Task::Fetch(a) => fetch::run(a),
        Task::Diff(a) => diff::run(a),
        Task::Cases(a) => cases::run(a),
        Task::Bench(a) => bench::run(a),
        Task::BenchArchive(a) => bench_archive::run(a),
        Task::Screenshots(a) => screenshots::run(a),
        Task::Fuzz(a) => fuzz::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
