//! The JSON view validates against `schemas/archive-view.schema.json`, and the schema
//! names exactly the model's fields.

use serde_json::{json, Value};
use sosmeta_kanta::fixtures::{Fault, Spec};
use sosmeta_kanta::model::Header;
use sosmeta_kanta::read_cda;
use sosmeta_kanta::view::{ArchiveView, VIEW_SCHEMA};
use sosmeta_validate::Validator;

fn schema() -> Value {
    serde_json::from_str(VIEW_SCHEMA).expect("the schema is JSON")
}

fn compiled() -> jsonschema::Validator {
    jsonschema::draft7::new(&schema()).expect("the schema compiles")
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// A header with every field filled, written in the view's JSON.
fn full_header() -> Value {
    let code = json!({"code": "1", "codeSystem": "1.2.3.201601", "codeSystemName": "n", "displayName": "d", "nullFlavor": "NA"});
    let id = json!({"root": "1.2.3", "extension": "x", "nullFlavor": "NA"});
    let ts = json!({"value": "20260302091500+0200", "nullFlavor": "NA"});
    let name = json!({"given": ["Aino", "Maria"], "family": ["Testinen"]});
    let org = json!({"id": id, "name": "Org"});
    json!({
        "realmCode": code, "typeId": id, "id": id, "code": code, "effectiveTime": ts,
        "confidentialityCode": code, "languageCode": code, "setId": id, "versionNumber": "1",
        "recordTarget": {"id": id, "name": name, "administrativeGenderCode": code, "birthTime": ts},
        "author": {"time": ts, "id": [id], "name": name},
        "custodian": org,
        "authorizationConsent": code,
        "encompassingEncounter": {"id": id, "effectiveTime": ts, "serviceUnit": org},
        "localSocialHeader": {
            "creationTime": ts, "specificDocumentType": code, "documentGroup": code,
            "fileFormat": code, "structuredFileFormat": code,
            "softwareSupport": {"moderator": "m", "product": "p", "version": "1"},
            "recordStatus": code, "registryType": code, "outsourcingServiceCustomer": id,
            "outsourcingServiceCustomerName": "Org", "totalRetentionPeriodClass": code,
            "specialContent": code, "contentSpecificationId": "1.2.246.537.6.1505.1.2023.6.1",
            "encompassingClientRelationship": id, "functionCode": [code], "serviceProcess": code,
            "inaccessibleArgument": code, "authorizationRestrictionArgument": "t",
            "signature": {"assignedAuthorSigner": id, "name": name, "authenticationMethod": code, "time": ts},
            "signatureCollection": ["<signature/>"]
        }
    })
}

/// Every object key of `v`, with its path of keys (array items share their array's path).
fn key_paths(v: &Value, prefix: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let p = format!("{prefix}/{k}");
                out.push(p.clone());
                key_paths(x, &p, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                key_paths(x, prefix, out);
            }
        }
        _ => {}
    }
}

/// Every property path the schema allows under `node`.
fn schema_paths(schema: &Value, node: &Value, prefix: &str, out: &mut Vec<String>) {
    let node = match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/definitions/");
            &schema["definitions"][name]
        }
        None => node,
    };
    if let Some(items) = node.get("items") {
        schema_paths(schema, items, prefix, out);
    }
    if let Some(props) = node.get("properties").and_then(Value::as_object) {
        for (k, x) in props {
            let p = format!("{prefix}/{k}");
            out.push(p.clone());
            schema_paths(schema, x, &p, out);
        }
    }
}

#[test]
fn the_full_header_round_trips_and_the_schema_names_exactly_its_fields() {
    let full = full_header();
    let header: Header = serde_json::from_value(full.clone()).expect("every key is a model field");
    assert_eq!(
        serde_json::to_value(&header).unwrap(),
        full,
        "no field is dropped"
    );
    let view = json!({"metadata": full, "body": {"id": "OID1", "mediaType": "application/xhtml+xml", "xhtml": "<div/>"}, "content": {"a": {}}});
    let v = compiled();
    assert!(errors(&v, &view).is_empty(), "{:?}", errors(&v, &view));
    let mut from_model = Vec::new();
    key_paths(&view, "", &mut from_model);
    from_model.retain(|p| !p.starts_with("/content/"));
    let s = schema();
    let mut from_schema = Vec::new();
    schema_paths(&s, &s, "", &mut from_schema);
    from_model.sort();
    from_model.dedup();
    from_schema.sort();
    from_schema.dedup();
    assert_eq!(from_model, from_schema);
}

#[test]
fn serialized_views_of_the_fixtures_validate() {
    let validator = Validator::from_static(sosmeta_generated::embedded_release());
    let v = compiled();
    let mut checked = 0;
    for oid in ["1.2.246.537.6.1505.1", "1.2.246.537.6.1506.15007"] {
        let def = validator.release().in_force(oid).expect("definition");
        let spec = Spec::for_definition(def);
        let mut fixtures = vec![spec.build()];
        fixtures.extend(
            Fault::ALL
                .iter()
                .filter(|f| !matches!(f, Fault::Time))
                .map(|f| spec.build_with(*f)),
        );
        for f in fixtures {
            let Ok(read) = read_cda(&f.cda) else { continue };
            let Ok(view) = ArchiveView::from_document(&read.document) else {
                continue;
            };
            let value = serde_json::to_value(&view).unwrap();
            assert!(errors(&v, &value).is_empty(), "{:?}", errors(&v, &value));
            // The view reads back to the same model.
            let back: ArchiveView = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(serde_json::to_value(&back).unwrap(), value);
            checked += 1;
        }
    }
    assert!(checked > 40, "{checked}");
}

#[test]
fn the_schema_refuses_what_the_model_refuses() {
    let v = compiled();
    for bad in [
        json!({}),
        json!({"metadata": {}, "extra": 1}),
        json!({"metadata": {"effectiveTime": "20260302"}}),
        json!({"metadata": {"effectiveTime": {"value": "2026-03-02"}}}),
        json!({"metadata": {"localSocialHeader": {"documentGroup": {"koodi": "1"}}}}),
        json!({"metadata": {}, "content": {}}),
    ] {
        assert!(!v.is_valid(&bad), "{bad}");
    }
    // And a header field the model does not know is refused by both.
    let unknown = json!({"realmCode": {"code": "FI"}, "sector": "public"});
    assert!(serde_json::from_value::<Header>(unknown.clone()).is_err());
    assert!(!v.is_valid(&json!({"metadata": unknown})));
}
