//! `samples::example`: THL's example texts in the samples; every example of every
//! definition validates with no error.

use sosmeta_model::samples::{example, Fill};
use sosmeta_model::Lang;
use sosmeta_validate::{Severity, ValidateOptions, Validator};

#[test]
fn every_example_document_validates() {
    let v = Validator::from_static(sosmeta_generated::embedded_release());
    let mut replaced = 0usize;
    for def in v.release().definitions() {
        let opts = ValidateOptions {
            definition: Some(def.id.clone()),
            ..ValidateOptions::default()
        };
        for fill in [Fill::Minimal, Fill::Maximal] {
            for lang in [Lang::Fi, Lang::Sv] {
                let doc = example(def, fill, &lang);
                let plain = sosmeta_model::samples::document(def, fill);
                if doc != plain {
                    replaced += 1;
                }
                let r = v.validate_value("example", &doc, &opts);
                let errors: Vec<_> = r
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{} {fill:?} {lang:?}: {errors:?}",
                    def.id
                );
            }
        }
    }
    // THL's texts are used where they fit: most examples differ from the plain samples.
    assert!(replaced > 263, "only {replaced} examples carry THL texts");
}
