use sosmeta_generated::{Document, Lang};

// Parse a received document (or build one field by field with the typed structs).
let json = r#"{"asiakkuusasiakirja": {}}"#;
let doc = Document::from_json("1.2.246.537.6.1505.1@2023-06-01", json);
assert!(doc.is_err());
