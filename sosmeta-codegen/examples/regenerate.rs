//! Regenerate `generated/` from the pinned corpus without building xtask
//! (`cargo run --release -p sosmeta-codegen --example regenerate`); `cargo xtask codegen`
//! does the same with options.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let release = sosmeta_model::Release::load(sosmeta_model::corpus::pinned_corpus_dir())?;
    let out = sosmeta_codegen::generate(&release, &sosmeta_codegen::Options::default())?;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated");
    out.write_to(&dir)?;
    println!("wrote {} files: {:?}", out.files.len(), out.stats);
    Ok(())
}
