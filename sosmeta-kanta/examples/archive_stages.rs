//! `archive_stages`: runs one stage of the archive layer (or the content validation) on
//! a fixture, for instruction counts under `valgrind --tool=callgrind` (stable on a
//! loaded machine, unlike timings): `archive_stages <fixture> <stage> <iterations>`; the
//! cost of a stage is the difference between a run with N iterations and one with 0,
//! divided by N. (Named apart from `sosmeta-validate`'s `stages` example: both binaries
//! land in the same `target/release/examples/`.)
//!
//! Fixtures: `asiakkuusasiakirja`, `15007`. Stages: `content`, `read_cda`, `xhtml`,
//! `frame`, `parse_cda`, `parse_frame` (the XML trees alone), `parse_file` (the tree of the
//! XML file named by `XML_FILE`), `layer`, `all`; `sizes` prints the fixture's sizes. `scripts/stages.sh` in this crate runs every pair.

// The `sosmeta` binary's allocator, as in the bench.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use sosmeta_kanta::fixtures::Spec;
use sosmeta_kanta::{read_cda, read_frame, ArchiveOptions, ArchiveValidator};
use sosmeta_validate::{ValidateOptions, Validator};
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (fixture, stage) = (args[1].as_str(), args[2].as_str());
    let n: usize = args[3].parse().expect("iterations");
    let validator = Validator::from_static(sosmeta_generated::embedded_release());
    let oid = match fixture {
        "asiakkuusasiakirja" => "1.2.246.537.6.1505.1",
        _ => "1.2.246.537.6.1506.15007",
    };
    let def = validator.release().in_force(oid).expect("definition");
    let f = Spec::for_definition(def).build();
    let json = serde_json::to_vec(&sosmeta_model::samples::maximal(def)).expect("json");
    let read = read_cda(&f.cda).expect("cda");
    let xhtml = read
        .document
        .body
        .as_ref()
        .and_then(|b| b.display.as_ref())
        .and_then(|d| d.xhtml.text())
        .expect("display form")
        .to_string();
    let layer = ArchiveValidator::new(
        &validator,
        ArchiveOptions {
            run_content: false,
            ..ArchiveOptions::default()
        },
    );
    let all = ArchiveValidator::new(&validator, ArchiveOptions::default());
    let opts = ValidateOptions::default();
    // Warm both paths once (lazy caches), whatever the stage.
    black_box(all.validate_cda("w", &f.cda, Some(&f.frame)));
    if stage == "sizes" {
        println!(
            "CDA {} bytes, frame {} bytes, display form {} bytes, content {} bytes",
            f.cda.len(),
            f.frame.len(),
            xhtml.len(),
            json.len()
        );
        return;
    }
    let cda_text = std::str::from_utf8(&f.cda).expect("UTF-8");
    let frame_text = std::str::from_utf8(&f.frame).expect("UTF-8");
    let file_text = std::env::var("XML_FILE")
        .map(|p| std::fs::read_to_string(p).expect("file"))
        .unwrap_or_default();
    for _ in 0..n {
        match stage {
            "content" => {
                black_box(validator.validate_bytes("c", black_box(&json), &opts));
            }
            "read_cda" => {
                black_box(read_cda(black_box(&f.cda)).ok());
            }
            "xhtml" => {
                black_box(sosmeta_kanta::xml::check(black_box(&xhtml)).ok());
            }
            "frame" => {
                black_box(read_frame(black_box(&f.frame)).ok());
            }
            "parse_cda" => {
                black_box(sosmeta_kanta::xml::parse(black_box(cda_text)).is_ok());
            }
            "parse_file" => {
                black_box(sosmeta_kanta::xml::parse(black_box(&file_text)).is_ok());
            }
            "parse_frame" => {
                black_box(sosmeta_kanta::xml::parse(black_box(frame_text)).is_ok());
            }
            "layer" => {
                black_box(layer.validate_cda("b", black_box(&f.cda), Some(&f.frame)));
            }
            "all" => {
                black_box(all.validate_cda("b", black_box(&f.cda), Some(&f.frame)));
            }
            s => panic!("unknown stage {s}"),
        }
    }
}
