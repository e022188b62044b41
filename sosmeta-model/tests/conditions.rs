//! The conditions of the release's conditionally required elements are read
//! mechanically where they follow a pattern; the counts are pinned.

use sosmeta_model::condition::{Condition, Seen};
use sosmeta_model::{corpus::pinned_corpus_dir, Release, Status};
use std::collections::BTreeMap;

fn release() -> Release {
    Release::load(pinned_corpus_dir()).expect("pinned corpus loads")
}

#[test]
fn counts_of_read_and_unreadable_conditions() {
    let release = release();
    let (mut all, mut all_read, mut valmis, mut valmis_read) = (0, 0, 0, 0);
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for def in release.definitions() {
        for c in def.conditions() {
            all += 1;
            let in_force = *def.status() == Status::Valmis;
            valmis += usize::from(in_force);
            let kind = match &c.condition {
                Condition::OneOf { .. } => "one-of",
                Condition::IfPresent(_) => "if-present",
                Condition::IfAbsent(_) => "if-absent",
                Condition::IfBool(..) => "if-bool",
                Condition::IfCode(..) => "if-code",
                Condition::Unreadable(why) => {
                    *reasons.entry(format!("{why} <= {}", c.text)).or_default() += 1;
                    "unreadable"
                }
            };
            *kinds.entry(kind).or_default() += 1;
            if c.condition.is_readable() {
                all_read += 1;
                valmis_read += usize::from(in_force);
            }
        }
    }
    for (r, n) in &reasons {
        println!("{n:4} {r}");
    }
    println!("{kinds:?}");
    println!(
        "all: {all_read} read / {} unreadable of {all}",
        all - all_read
    );
    println!(
        "Valmis: {valmis_read} read / {} unreadable of {valmis}",
        valmis - valmis_read
    );
    assert_eq!(all, 953);
    assert_eq!(valmis, 605);
    assert_eq!((all_read, valmis_read), (857, 536));
}

#[test]
#[ignore = "prints every distinct reading, for review"]
fn print_readings() {
    let release = release();
    let mut seen = BTreeMap::new();
    for def in release.definitions() {
        for c in def.conditions() {
            if c.condition.is_readable() {
                let refs: Vec<String> = c
                    .condition
                    .refs()
                    .iter()
                    .map(|r| format!("^{}/{}", r.up, r.keys.join("/")))
                    .collect();
                seen.entry(format!("{} {:?}", c.condition.describe(), refs))
                    .or_insert_with(|| format!("{} <= {}", c.data_path, c.text));
            }
        }
    }
    for (k, v) in &seen {
        println!("{k}\n      {v}");
    }
    let _ = Seen::Absent;
}
