#![allow(missing_docs)] // criterion_main! writes an undocumented `main`.
//! Codegen of every definition of the pinned release (goal: under 2 s in release).

use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let release = sosmeta_model::Release::load(sosmeta_model::corpus::pinned_corpus_dir())
        .expect("the pinned corpus loads");
    let opts = sosmeta_codegen::Options::default();
    let mut g = c.benchmark_group("codegen");
    g.sample_size(10);
    g.bench_function("all_263_definitions", |b| {
        b.iter(|| sosmeta_codegen::generate(&release, &opts).expect("codegen"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
