//! The fuzz campaign, bounded by iterations so that CI time stays small: no input of
//! the document, CDA or bundle target panics (a panic is written out and counted).

#[test]
fn a_bounded_campaign_finds_no_panic() {
    let release = sosmeta_model::Release::load(sosmeta_model::corpus::pinned_corpus_dir()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let tallies = xtask::fuzz::campaign(
        &release,
        20_261_125,
        std::time::Duration::from_secs(120),
        Some(400),
        out.path(),
    )
    .unwrap();
    assert_eq!(tallies.len(), 3);
    for t in &tallies {
        assert_eq!(t.inputs, 400, "{t:?}");
        assert!(t.failures.is_empty(), "{}: {:?}", t.target, t.failures);
    }
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}
