//! Print the size of the compact form of a release and how long it takes to load;
//! with a second argument, write the compact file there.
fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(sosmeta_model::corpus::pinned_corpus_dir);
    let t = std::time::Instant::now();
    let r = sosmeta_model::Release::load(&dir).expect("loads");
    let load = t.elapsed();
    let bytes = sosmeta_model::compact::to_bytes(&r);
    let t = std::time::Instant::now();
    let back = sosmeta_model::compact::from_bytes("mem", &bytes).expect("reads back");
    println!(
        "{} definitions, load {:?}, compact {} bytes, compact load {:?}",
        back.len(),
        load,
        bytes.len(),
        t.elapsed()
    );
    if let Some(out) = std::env::args().nth(2) {
        std::fs::write(&out, &bytes).expect("write compact file");
        println!("wrote {out}");
    }
}
