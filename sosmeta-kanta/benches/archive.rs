#![allow(missing_docs)] // criterion_main! writes an undocumented `main`.
//! The archive layer (XML parse, base64, header and frame rules, display-form check) against
//! the content validation it wraps, on the synthetic fixtures.
//!
//! `cargo bench -p sosmeta-kanta --bench archive`
//!
//! 2026-12-07 08:36 UTC (2-core AMD EPYC VM, quiet): asiakkuusasiakirja content 31.2 µs,
//! everything 97.9 µs (layer 66.7 µs, 2.1x the content), the floor of quick-xml's bare
//! events over the three XML texts 148.6 µs; asiakassuunnitelma 15007 content 4.16 µs,
//! everything 24.06 µs (layer 19.9 µs, 4.8x), floor 24.3 µs. The layer still costs more
//! than the content (issue 13 item 6; README "The floor"); instruction counts per stage:
//! `scripts/stages.sh`.

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
        // The floor of any archive layer on these bytes (issue 13 item 6): quick-xml's pull
        // parser stepping through every event of the three XML texts, checking nothing and
        // building nothing, and base64-simd decoding both payloads already joined into one
        // line. A layer that must read the same bytes cannot cost less than these two.
        let frame_text = std::str::from_utf8(&fixture.frame).unwrap();
        let body = &text[text.find("<nonXMLBody").unwrap()..];
        let joined = [
            joined_payload(body, "<text"),
            joined_payload(body, "<hl7fi:json"),
        ];
        g.bench_function(
            "floor: quick-xml events over CDA + frame + display form (no checks)",
            |b| {
                b.iter(|| {
                    pull_events(black_box(text))
                        + pull_events(black_box(frame_text))
                        + pull_events(black_box(&xhtml))
                })
            },
        );
        g.bench_function(
            "floor: base64-simd of both payloads (lines pre-joined)",
            |b| {
                b.iter(|| {
                    for payload in &joined {
                        black_box(
                            base64_simd::STANDARD
                                .decode_to_vec(black_box(payload))
                                .unwrap(),
                        );
                    }
                })
            },
        );
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

/// The number of events quick-xml's pull parser reads from `text` (default configuration:
/// no trimming, no unescaping; end names checked as the crate does by default).
fn pull_events(text: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return events,
            Ok(_) => events += 1,
            Err(e) => panic!("fixture not well-formed: {e}"),
        }
    }
}

/// The base64 text of the first element of `body` that `open` starts, line breaks and
/// indentation removed.
fn joined_payload(body: &str, open: &str) -> Vec<u8> {
    let start = body.find(open).unwrap();
    let start = start + body[start..].find('>').unwrap() + 1;
    let end = start + body[start..].find('<').unwrap();
    body.as_bytes()[start..end]
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect()
}

criterion_group!(benches, bench);
criterion_main!(benches);
