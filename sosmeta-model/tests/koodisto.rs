//! Normalized code sets: building from CodeServer pages, the file shape, loading a
//! bundle, and the check of a coded value.

use chrono::NaiveDate;
use serde_json::{json, Value};
use sosmeta_model::koodisto::{
    Activity, CodeCheck, CodeSet, CodeSets, DisplayCheck, KoodistoError, FORMAT,
};
use std::io::Write as _;

const OID: &str = "1.2.246.537.5.40175";

fn code(id: &str, fi: &str, sv: &str, begin: &str, end: Option<&str>) -> Value {
    json!({
        "conceptCodeId": id, "status": "ACTIVE", "beginDate": begin, "expirationDate": end,
        "attributes": [
            {"attributeName": "LongName", "attributeValue": [fi]},
            {"attributeName": "LongName_sv", "attributeValue": [sv]},
            {"attributeName": "Abbreviation", "attributeValue": [id.to_uppercase()]},
            {"attributeName": "Other", "attributeValue": ["x", "y"]}
        ]
    })
}

fn pages() -> Vec<Value> {
    vec![
        json!({"page": 1, "pageSize": 2, "totalItems": 3, "totalPages": 2, "conceptCodes": [
            code("fi", "suomi", "finska", "1990-01-01T00:00:00", None),
            code("sv", "ruotsi", "svenska", "1990-01-01", Some("2020-12-31")),
        ]}),
        json!({"page": 2, "pageSize": 2, "totalItems": 3, "totalPages": 2, "conceptCodes": [
            code("en", "englanti", "engelska", "2025-01-01", None),
        ]}),
    ]
}

fn set() -> CodeSet {
    let versions = json!([{"id": "1", "classificationName": "SFS - Kielikoodisto", "beginDate": "1990-01-01"}]);
    CodeSet::from_codeserver(
        OID,
        &pages(),
        Some(&versions),
        Some("http://x/conceptcodes".into()),
    )
    .unwrap()
}

fn day(s: &str) -> Option<NaiveDate> {
    Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

#[test]
fn normalizes_codeserver_pages() {
    let s = set();
    assert_eq!(s.format, FORMAT);
    assert_eq!(s.name.as_deref(), Some("SFS - Kielikoodisto"));
    let codes: Vec<&str> = s.codes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["en", "fi", "sv"]);
    let sv = s.get("sv").unwrap();
    assert_eq!(sv.names["fi"], "ruotsi");
    assert_eq!(sv.names["sv"], "svenska");
    assert_eq!(sv.aliases, ["SV"]);
    assert_eq!(sv.expiration_date, day("2020-12-31"));
    assert_eq!(s.get("fi").unwrap().begin_date, day("1990-01-01"));
    assert_eq!(sv.attributes["Other"], ["x", "y"]);

    // Round trip through the file shape.
    let bytes = s.to_json_bytes();
    let back = CodeSet::from_json_bytes("f.json", &bytes).unwrap();
    assert_eq!(back, s);
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["codes"][0]["beginDate"], "2025-01-01");
    assert_eq!(v["codes"][1]["names"]["fi"], "suomi");
}

#[test]
fn refuses_incomplete_pages() {
    let p = pages();
    let e = CodeSet::from_codeserver(OID, &p[..1], None, None).unwrap_err();
    assert!(
        matches!(
            e,
            KoodistoError::Incomplete {
                read: 2,
                total: 3,
                ..
            }
        ),
        "{e}"
    );
    let mut short = p.clone();
    short[1]["conceptCodes"] = json!([]);
    assert!(CodeSet::from_codeserver(OID, &short, None, None).is_err());
    let bad = vec![json!({"conceptCodes": [{"status": "ACTIVE"}]})];
    let e = CodeSet::from_codeserver(OID, &bad, None, None).unwrap_err();
    assert!(e.to_string().contains("conceptCodeId"), "{e}");
    assert!(CodeSet::from_codeserver(OID, &[json!("nope")], None, None).is_err());
    assert!(CodeSet::from_json_bytes("x", b"{\"format\": 1}").is_err());
    assert!(CodeSet::from_json_bytes("x", b"\xff").is_err());
}

#[test]
fn checks_codes() {
    let sets = CodeSets::from_sets([set()]);
    assert_eq!(
        sets.check("1.2.3", "fi", None, None),
        CodeCheck::ClassificationNotLoaded
    );
    match sets.check(OID, "FI", None, None) {
        CodeCheck::UnknownCode { similar } => assert_eq!(similar, ["fi"]),
        other => panic!("{other:?}"),
    }
    let ok = sets.check(
        &format!("urn:oid:{OID}"),
        "fi",
        Some("Suomi "),
        day("2024-05-01"),
    );
    assert!(ok.is_ok(), "{ok:?}");
    assert!(matches!(
        ok,
        CodeCheck::Found {
            activity: Activity::Active,
            display: DisplayCheck::Matches,
            ..
        }
    ));
    // Swedish name and abbreviation are accepted displays.
    assert!(sets.check(OID, "fi", Some("finska"), None).is_ok());
    assert!(sets.check(OID, "fi", Some("FI"), None).is_ok());
    match sets.check(OID, "fi", Some("ruotsi"), None) {
        CodeCheck::Found {
            display: DisplayCheck::Differs { expected },
            activity,
            ..
        } => {
            assert!(expected.contains(&"suomi".to_string()));
            assert_eq!(activity, Activity::NotChecked);
        }
        other => panic!("{other:?}"),
    }
    // Validity bounds are inclusive.
    assert!(sets.check(OID, "sv", None, day("2020-12-31")).is_ok());
    assert_eq!(
        match sets.check(OID, "sv", None, day("2021-01-01")) {
            CodeCheck::Found { activity, .. } => activity,
            other => panic!("{other:?}"),
        },
        Activity::Expired {
            expired: day("2020-12-31").unwrap()
        }
    );
    match sets.check(OID, "en", Some("englanti"), day("2024-12-31")) {
        CodeCheck::Found {
            activity: Activity::NotYetValid { begins },
            ..
        } => {
            assert_eq!(Some(begins), day("2025-01-01"))
        }
        other => panic!("{other:?}"),
    }
    let j = serde_json::to_value(sets.check(OID, "xx", None, None)).unwrap();
    assert_eq!(j["result"], "unknown_code");
}

#[test]
fn loads_bundles() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(CodeSets::load_bundle(tmp.path()).unwrap(), None);
    let dir = tmp.path().join("koodistot");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join(format!("{OID}.json")), set().to_json_bytes()).unwrap();
    let sets = CodeSets::load_bundle(tmp.path()).unwrap().unwrap();
    assert_eq!(sets.len(), 1);
    assert_eq!(sets.oids().collect::<Vec<_>>(), [OID]);
    assert!(sets.get(OID).is_some());

    // A zip bundle.
    let zpath = tmp.path().join("bundle.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zpath).unwrap());
    z.start_file(
        format!("koodistot/{OID}.json"),
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(&set().to_json_bytes()).unwrap();
    z.finish().unwrap();
    let zs = CodeSets::load_bundle(&zpath).unwrap().unwrap();
    assert_eq!(zs, sets);

    // A file named for another OID is refused; so is a broken file.
    std::fs::write(dir.join("1.2.3.json"), set().to_json_bytes()).unwrap();
    let e = CodeSets::load_bundle(tmp.path()).unwrap_err();
    assert!(matches!(e, KoodistoError::OidMismatch { .. }), "{e}");
    std::fs::write(dir.join("1.2.3.json"), b"{").unwrap();
    assert!(CodeSets::load_bundle(tmp.path()).is_err());
}

#[test]
fn retired_codes_are_known_not_unknown() {
    // Koodistopalvelu's retired codes (status DELETED), fetched with `status=DELETED`.
    let mut with_end = code("xx", "vanha", "gammal", "1990-01-01", Some("2019-12-31"));
    with_end["status"] = json!("DELETED");
    let mut without_end = code("yy", "poistettu", "borttagen", "1990-01-01", None);
    without_end["status"] = json!("DELETED");
    let page = json!({"page": 1, "totalItems": 3, "totalPages": 1, "conceptCodes": [
        code("fi", "suomi", "finska", "1990-01-01", None), with_end, without_end]});
    let sets = CodeSets::from_sets([CodeSet::from_codeserver(OID, &[page], None, None).unwrap()]);
    // Retired on a date: valid before it, expired after it.
    assert!(sets.check(OID, "xx", None, day("2019-06-01")).is_ok());
    match sets.check(OID, "xx", None, day("2024-01-01")) {
        CodeCheck::Found {
            activity: Activity::Expired { expired },
            status,
            ..
        } => {
            assert_eq!(Some(expired), day("2019-12-31"));
            assert_eq!(status.as_deref(), Some("DELETED"));
        }
        other => panic!("{other:?}"),
    }
    // Retired without a date: known, and not valid on any day.
    match sets.check(OID, "yy", None, day("2024-01-01")) {
        CodeCheck::Found {
            activity: Activity::Retired,
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    // A code that never existed stays unknown.
    assert!(matches!(
        sets.check(OID, "zz", None, day("2024-01-01")),
        CodeCheck::UnknownCode { .. }
    ));
}
