use sosmeta_generated::asiakkuusasiakirja::v2023_06_01 as asiakkuus;
use sosmeta_generated::{Coded, Document, HetuIdentifier, Lang, PartialDate};

// Build a document as typed Rust, in one expression: required elements go to `new`,
// optional ones to `with_<element>` setters (or assign the public fields). The types
// refuse what the definition refuses: an empty name (minLength 1), a personal identity
// code with a wrong check character, an impossible date.
assert!("".parse::<sosmeta_generated::NonEmptyString>().is_err());
assert!(HetuIdentifier::new("010203A1231").is_err());
let doc = asiakkuus::Document {
    asiakkuusasiakirja: asiakkuus::Asiakkuusasiakirja::new(
        asiakkuus::Asiakas::new("Meikäläinen".parse()?, "Maija".parse()?, false)
            .with_henkilotunnus(HetuIdentifier::new("010203A1230")?)
            .with_syntymaaika("2003-02-01".parse::<PartialDate>()?)
            // A fixed code list is an enum (code, fi and sv display); its code system
            // is the classification's, and no other can be written.
            .with_asiointikieli(Coded::of(asiakkuus::Asiointikieli::Suomi)),
    ),
};
assert_eq!(asiakkuus::Asiointikieli::Ruotsi.code(), "SV");

// Serialize to the exact JSON Sosmeta expects, and render the XHTML a person reads.
let json = doc.to_json();
assert!(json.starts_with(r#"{"asiakkuusasiakirja":{"asiakas":{"sukunimi":"Meikäläinen""#));
assert!(json.contains(r#""asiointikieli":{"system":"urn:oid:1.2.246.537.5.40175","code":"FI","display":"Suomi"}"#));
let page = doc.to_xhtml(Lang::Sv);
assert!(page.contains("Meikäläinen"));

// Parse received JSON back, by definition id (`OID@YYYY-MM-DD` or the dotted form).
let received = Document::from_json("1.2.246.537.6.1505.1.2023.6.1", &json)?;
assert_eq!(received.definition().version, "2023-06-01");
assert_eq!(received.to_json(), json);

// Malformed input is refused with the JSON path: an impossible date, a code outside
// the list, a code system other than the classification's.
for (from, to) in [("2003-02-01", "2003-02-30"), (r#""code":"FI""#, r#""code":"EN""#),
                   ("537.5.40175", "537.5.40176")] {
    let bad = json.replace(from, to);
    let err = Document::from_json("1.2.246.537.6.1505.1@2023-06-01", &bad).unwrap_err();
    assert!(err.to_string().contains("/asiakkuusasiakirja/asiakas/"), "{err}");
}

// Without a definition id, the root key chooses (the version in force), as the
// validator does; or name the version.
let chosen = Document::from_json_by_root_key(&json)?;
assert_eq!(chosen.definition().version, "2023-06-01");
let named = Document::from_json_version(&json, "2022-01-10")?;
assert_eq!(named.definition().version, "2022-01-10");

// Every document type is serde `Serialize` + `Deserialize`, for a vendor's own structs.
let value = serde_json::to_value(&doc)?;
let again: asiakkuus::Document = serde_json::from_value(value)?;
assert_eq!(again, doc);
# Ok::<(), Box<dyn std::error::Error>>(())
