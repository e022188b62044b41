#![allow(missing_docs)] // criterion_main! writes an undocumented `main`.
//! Load benchmark: all 263 definitions of the pinned corpus, and the compact form.

use criterion::{criterion_group, criterion_main, Criterion};
use sosmeta_model::{compact, corpus::pinned_corpus_dir, Release};

fn load(c: &mut Criterion) {
    let dir = pinned_corpus_dir();
    let release = Release::load(&dir).expect("pinned corpus loads");
    let bytes = compact::to_bytes(&release);
    let mut g = c.benchmark_group("load");
    g.sample_size(20);
    g.bench_function("corpus_dir_263", |b| {
        b.iter(|| Release::load(&dir).unwrap())
    });
    g.bench_function("compact_263", |b| {
        b.iter(|| compact::from_bytes("bench", &bytes).unwrap())
    });
    g.bench_function("write_back_263", |b| {
        b.iter(|| {
            for d in release.definitions() {
                std::hint::black_box(d.to_json_schema());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
