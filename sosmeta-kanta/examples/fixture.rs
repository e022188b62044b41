//! Write a synthetic archive document (CDA R2), its transfer frame and its JSON view for a definition of
//! the pinned corpus: `cargo run -p sosmeta-kanta --features fixtures --example fixture --
//! OID@VERSION OUT_DIR`. The repository's `examples/kanta/` files were made with it.

use sosmeta_kanta::fixtures::Spec;
use sosmeta_model::{DefinitionRef, Release};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let reference: DefinitionRef = args
        .next()
        .unwrap_or_else(|| "1.2.246.537.6.1505.1@2023-06-01".into())
        .parse()?;
    let out = std::path::PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let release = Release::load(sosmeta_model::corpus::pinned_corpus_dir())?;
    let def = release.resolve(&reference)?;
    let fixture = Spec::for_definition(def).build();
    std::fs::create_dir_all(&out)?;
    let stem = def.document_key();
    std::fs::write(out.join(format!("{stem}.cda.xml")), &fixture.cda)?;
    std::fs::write(out.join(format!("{stem}.frame.xml")), &fixture.frame)?;
    let view = sosmeta_kanta::view::ArchiveView::from_cda_bytes(&fixture.cda)?;
    let mut json = serde_json::to_string_pretty(&view)?;
    json.push('\n');
    std::fs::write(out.join(format!("{stem}.view.json")), json)?;
    println!(
        "wrote {stem}.cda.xml, {stem}.frame.xml and {stem}.view.json to {}",
        out.display()
    );
    Ok(())
}
