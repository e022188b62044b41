use sosmeta_generated::asiakkuusasiakirja::v2023_06_01 as asiakkuus;
use sosmeta_generated::{Document, Identifier, Lang, PartialDate};

// Build a document as typed Rust: required elements go to `new`, optional ones are fields.
let mut asiakas = asiakkuus::Asiakas::new("Meikäläinen".into(), "Maija".into(), false);
asiakas.henkilotunnus = Some(Identifier::hetu("010203A1230"));
asiakas.syntymaaika = Some("2003-02-01".parse::<PartialDate>()?);
let doc = asiakkuus::Document {
    asiakkuusasiakirja: asiakkuus::Asiakkuusasiakirja::new(asiakas),
};

// Serialize to the exact JSON Sosmeta expects, and render the XHTML a person reads.
let json = doc.to_json();
assert!(json.starts_with(r#"{"asiakkuusasiakirja":{"asiakas":{"sukunimi":"Meikäläinen""#));
let page = doc.to_xhtml(Lang::Sv);
assert!(page.contains("Meikäläinen"));

// Parse received JSON back, by definition id (`OID@YYYY-MM-DD` or the dotted form).
let received = Document::from_json("1.2.246.537.6.1505.1.2023.6.1", &json)?;
assert_eq!(received.definition().version, "2023-06-01");
assert_eq!(received.to_json(), json);

// Malformed input is refused with the JSON path.
let bad = json.replace("2003-02-01", "2003-02-30");
let err = Document::from_json("1.2.246.537.6.1505.1@2023-06-01", &bad).unwrap_err();
assert!(err.to_string().contains("/asiakkuusasiakirja/asiakas/syntymaaika"));

// Without a definition id, the root key chooses (the version in force), as the validator does.
let chosen = Document::from_json_by_root_key(&json)?;
assert_eq!(chosen.definition().version, "2023-06-01");
# Ok::<(), Box<dyn std::error::Error>>(())
