//! Time the parts of loading the pinned corpus: reading bytes, parsing JSON, building the model.
use std::time::Instant;
fn main() {
    let dir = sosmeta_model::corpus::pinned_corpus_dir();
    let mut files = Vec::new();
    for sub in ["Valmis", "Vanhentunut"] {
        for e in std::fs::read_dir(dir.join(sub)).expect("corpus") {
            files.push(e.expect("entry").path());
        }
    }
    let t = Instant::now();
    let bytes: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    println!("read   {:?}", t.elapsed());
    let t = Instant::now();
    let values: Vec<serde_json::Value> = bytes
        .iter()
        .map(|b| serde_json::from_slice(b).expect("json"))
        .collect();
    println!("parse  {:?} (one thread)", t.elapsed());
    let t = Instant::now();
    for v in &values {
        sosmeta_model::Definition::from_json_value("x", v).expect("model");
    }
    println!("model  {:?} (one thread)", t.elapsed());
    let t = Instant::now();
    sosmeta_model::Release::load(&dir).expect("load");
    println!("load   {:?} (all, parallel)", t.elapsed());
}
