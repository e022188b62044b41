#![allow(missing_docs)] // criterion_main! writes an undocumented `main`.
//! The archive layer (XML parse, base64, header and frame rules, display-form check) against
//! the content validation it wraps, on the synthetic fixtures.
//!
//! `cargo bench -p sosmeta-kanta --bench archive`
//!
//! 2026-11-25 19:40 UTC, this tree and the one before the archive speed work (6fed8f8) run
//! in turn on the loaded 2-core machine (load average 4.7-5.5), ranges of three runs:
//! asiakkuusasiakirja content 95-100 µs, archive layer 372-397 µs before, 256-275 µs now;
//! asiakassuunnitelma 15007 content 12-14 µs, layer 115-120 µs before, 88-93 µs now. The
//! layer still costs more than the content (issue 13 item 6); instruction counts per
//! stage: `scripts/stages.sh`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use sosmeta_kanta::fixtures::Spec;
use sosmeta_kanta::model::Payload;
use sosmeta_kanta::reader::decode_base64_text;
use sosmeta_kanta::{read_cda, ArchiveOptions, ArchiveValidator};
use sosmeta_validate::{ValidateOptions, Validator};
use std::time::Duration;

// The `sosmeta` binary's allocator: the bench times what the CLI does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let validator = Validator::from_static(sosmeta_generated::embedded_release());
    for (label, oid) in [
        ("asiakkuusasiakirja", "1.2.246.537.6.1505.1"),
        ("asiakassuunnitelma-15007", "1.2.246.537.6.1506.15007"),
    ] {
        let def = validator.release().in_force(oid).expect("definition");
        let fixture = Spec::for_definition(def).build();
        let json = serde_json::to_vec(&sosmeta_model::samples::maximal(def)).unwrap();
        let text = std::str::from_utf8(&fixture.cda).unwrap();
        let start = text.find("<hl7fi:json>").unwrap() + "<hl7fi:json>".len();
        let end = text.find("</hl7fi:json>").unwrap();
        let b64 = &text[start..end];
        assert!(matches!(decode_base64_text(b64), Payload::Text(_)));
        let full = ArchiveValidator::new(&validator, ArchiveOptions::default());
        let layer = ArchiveValidator::new(
            &validator,
            ArchiveOptions {
                run_content: false,
                ..ArchiveOptions::default()
            },
        );
        let read = read_cda(&fixture.cda).unwrap();
        let xhtml = read
            .document
            .body
            .as_ref()
            .unwrap()
            .display
            .as_ref()
            .unwrap()
            .xhtml
            .text()
            .unwrap()
            .to_string();
        println!(
            "{label}: CDA {} bytes, frame {} bytes, JSON {} bytes, display form {} bytes",
            fixture.cda.len(),
            fixture.frame.len(),
            json.len(),
            xhtml.len()
        );
        let content_opts = ValidateOptions::default();
        assert!(
            full.validate_cda("b", &fixture.cda, Some(&fixture.frame))
                .valid
        );

        let mut g = c.benchmark_group(label);
        g.sample_size(30)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        g.bench_function("content: validate_bytes (what the archive wraps)", |b| {
            b.iter(|| validator.validate_bytes("c", black_box(&json), &content_opts))
        });
        g.bench_function(
            "archive: read_cda (XML parse + base64 of both forms)",
            |b| b.iter(|| read_cda(black_box(&fixture.cda)).unwrap()),
        );
        g.bench_function("archive: display-form XHTML check", |b| {
            b.iter(|| sosmeta_kanta::xml::check(black_box(&xhtml)).unwrap())
        });
        g.bench_function("archive: frame read", |b| {
            b.iter(|| sosmeta_kanta::read_frame(black_box(&fixture.frame)).unwrap())
        });
        g.bench_function("archive: base64 of the JSON alone", |b| {
            b.iter(|| decode_base64_text(black_box(b64)))
        });
        g.bench_function(
            "archive: layer only (CDA + frame, every archive rule, no content validation)",
            |b| b.iter(|| layer.validate_cda("b", black_box(&fixture.cda), Some(&fixture.frame))),
        );
        g.bench_function("archive: everything (CDA + frame + content)", |b| {
            b.iter(|| full.validate_cda("b", black_box(&fixture.cda), Some(&fixture.frame)))
        });
        // The writer: model to CDA XML, and a JSON view back to a document.
        let view = sosmeta_kanta::view::ArchiveView::from_document(&read.document).unwrap();
        g.bench_function(
            "writer: write_cda (model to XML, base64 of both forms)",
            |b| b.iter(|| sosmeta_kanta::write_cda(black_box(&read.document)).unwrap()),
        );
        g.bench_function("writer: document_from_view + write_cda (wrap)", |b| {
            b.iter(|| {
                sosmeta_kanta::writer::document_from_view(black_box(&view), def)
                    .unwrap()
                    .to_xml()
                    .unwrap()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
