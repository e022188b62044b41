//! Fuzz the whole path from bytes to a report: any input must end in a result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sosmeta_validate::{ValidateOptions, Validator};
use std::sync::OnceLock;

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(sosmeta_cli::embedded_validator)
}

fuzz_target!(|data: &[u8]| {
    let r = validator().validate_bytes("fuzz", data, &ValidateOptions::default());
    let _ = serde_json_string(&r);
});

fn serde_json_string(r: &sosmeta_validate::DocumentResult) -> usize {
    let mut out = Vec::new();
    let _ = sosmeta_cli::text::write_text_result(&mut out, r, false, Default::default());
    out.len()
}
