//! Every archive rule on a clean and a faulty synthetic CDA (+ frame), and the same rules
//! on the JSON view.

use chrono::NaiveDate;
use sosmeta_kanta::fixtures::{Fault, Fixture, Spec, JOINING_MODEL_SYSTEM};
use sosmeta_kanta::model::Payload;
use sosmeta_kanta::rules::{self, ids};
use sosmeta_kanta::view::ArchiveView;
use sosmeta_kanta::{read_cda, ArchiveOptions, ArchiveValidator, ProviderProfile, Sector};
use sosmeta_model::koodisto::{CodeSet, CodeSets};
use sosmeta_model::{Definition, DefinitionId};
use sosmeta_validate::calendar::{Calendar, Environment};
use sosmeta_validate::report::DocumentResult;
use sosmeta_validate::{Severity, Validator};
use std::sync::OnceLock;

const RELATIONSHIP: (&str, &str) = ("1.2.246.537.6.1505.1", "2023-06-01");
const PLAN: (&str, &str) = ("1.2.246.537.6.1506.15007", "2024-11-28");

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::from_static(sosmeta_generated::embedded_release()))
}

/// A validator with a koodistot bundle holding the confidentiality classification: code
/// `6` valid, code `7` expired at the end of 2020.
fn validator_with_codes() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        let set = CodeSet::from_json_bytes(
            "test",
            br#"{"format": "sosmeta-koodisto/1", "oid": "1.2.246.777.5.99902", "codes": [
                {"code": "6", "names": {"fi": "Sosiaalihuollon salassapidettava"}},
                {"code": "7", "expirationDate": "2020-12-31", "names": {"fi": "Vanha"}},
                {"code": "8", "status": "DELETED", "names": {"fi": "Poistettu"}}
            ]}"#,
        );
        let set = match set {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        Validator::from_static(sosmeta_generated::embedded_release())
            .with_code_sets(Some(CodeSets::from_sets([set])))
    })
}

fn def(which: (&str, &str)) -> &'static Definition {
    let id = DefinitionId {
        oid: which.0.into(),
        version: NaiveDate::parse_from_str(which.1, "%Y-%m-%d").unwrap(),
    };
    validator()
        .release()
        .get(&id)
        .expect("definition in the embedded release")
}

fn run(v: &Validator, opts: ArchiveOptions, f: &Fixture) -> DocumentResult {
    ArchiveValidator::new(v, opts).validate_cda("fixture.xml", &f.cda, Some(&f.frame))
}

fn run_view(v: &Validator, opts: ArchiveOptions, f: &Fixture) -> Option<DocumentResult> {
    let read = read_cda(&f.cda).ok()?;
    let view = ArchiveView::from_document(&read.document).ok()?;
    let json = serde_json::to_vec(&view).unwrap();
    Some(ArchiveValidator::new(v, opts).validate_view("fixture.json", &json, Some(&f.frame)))
}

fn show(r: &DocumentResult) -> String {
    r.findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {:?}:{:?}:{:?} {} {}",
                f.severity, f.rule, f.xpath, f.line, f.column, f.pointer, f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn has(r: &DocumentResult, rule: impl AsRef<str>) -> bool {
    r.findings.iter().any(|f| f.rule == rule.as_ref())
}

fn faults_for(d: (&str, &str)) -> Vec<Fault> {
    Fault::ALL
        .iter()
        .copied()
        .filter(|f| {
            d == PLAN
                || !matches!(
                    f,
                    Fault::RecorderNotAuthor | Fault::RecorderNull | Fault::PhaseExpired
                )
        })
        .collect()
}

fn validator_for(fault: Fault) -> &'static Validator {
    match fault {
        Fault::CodeUnknown | Fault::CodeInactive => validator_with_codes(),
        _ => validator(),
    }
}

#[test]
fn clean_fixtures_have_no_findings() {
    for d in [RELATIONSHIP, PLAN] {
        let spec = Spec::for_definition(def(d));
        let f = spec.build();
        for v in [validator(), validator_with_codes()] {
            let r = run(v, ArchiveOptions::default(), &f);
            assert!(r.findings.is_empty(), "{d:?}:\n{}", show(&r));
            assert!(r.valid);
            assert_eq!(r.definition.as_deref(), Some(d.0));
            let r = run_view(v, ArchiveOptions::default(), &f).expect("view");
            assert!(r.findings.is_empty(), "view {d:?}:\n{}", show(&r));
        }
    }
}

#[test]
fn every_fault_triggers_its_rule_on_the_cda() {
    for d in [RELATIONSHIP, PLAN] {
        let spec = Spec::for_definition(def(d));
        for fault in faults_for(d) {
            let f = spec.build_with(fault);
            let r = run(validator_for(fault), ArchiveOptions::default(), &f);
            assert!(
                has(&r, fault.rule()),
                "{d:?} {fault:?} should report {}:\n{}",
                fault.rule(),
                show(&r)
            );
            let clean = run(
                validator_for(fault),
                ArchiveOptions::default(),
                &spec.build(),
            );
            assert!(!has(&clean, fault.rule()));
            // Archive findings on a CDA carry an XPath; the CDA-level ones a line too.
            for x in r.findings.iter().filter(|x| rules::rule(x.rule).is_some()) {
                assert!(x.xpath.is_some(), "{fault:?}: {} has no xpath", x.rule);
            }
        }
    }
}

#[test]
fn every_fault_triggers_its_rule_on_the_json_view() {
    for d in [RELATIONSHIP, PLAN] {
        let spec = Spec::for_definition(def(d));
        for fault in faults_for(d).into_iter().filter(|f| !f.xml_only()) {
            let f = spec.build_with(fault);
            let Some(r) = run_view(validator_for(fault), ArchiveOptions::default(), &f) else {
                panic!("{fault:?}: no view");
            };
            assert!(
                has(&r, fault.rule()),
                "view {d:?} {fault:?} should report {}:\n{}",
                fault.rule(),
                show(&r)
            );
            let in_frame = |x: &&sosmeta_validate::Finding| {
                x.xpath.as_deref().is_some_and(|p| p.starts_with("/RCMR"))
            };
            for x in r
                .findings
                .iter()
                .filter(|x| !in_frame(x) && !x.rule.as_str().starts_with("frame."))
            {
                assert!(
                    x.pointer.starts_with("/metadata")
                        || x.pointer.starts_with("/body")
                        || x.pointer.starts_with("/content"),
                    "{fault:?}: {} at `{}`",
                    x.rule,
                    x.pointer
                );
            }
        }
    }
}

#[test]
fn locations_point_at_the_element() {
    let spec = Spec::for_definition(def(PLAN));
    let f = spec.build_with(Fault::Realm);
    let r = run(validator(), ArchiveOptions::default(), &f);
    let x = r
        .findings
        .iter()
        .find(|x| x.rule == ids::CDA_REALM)
        .unwrap();
    assert_eq!(x.xpath.as_deref(), Some("/ClinicalDocument/realmCode"));
    let text = String::from_utf8(f.cda.clone()).unwrap();
    let line = text.lines().position(|l| l.contains("<realmCode")).unwrap() + 1;
    assert_eq!(x.line, Some(line as u32));
    assert_eq!(x.column, Some(2));
    // A content finding: pointer into the JSON, xpath of hl7fi:json.
    let r = run(
        validator(),
        ArchiveOptions::default(),
        &spec.build_with(Fault::ContentExtraElement),
    );
    let x = r
        .findings
        .iter()
        .find(|x| x.rule == "schema.additional-properties")
        .unwrap();
    assert!(x.pointer.starts_with("/lapsiperheiden"), "{}", x.pointer);
    assert_eq!(
        x.xpath.as_deref(),
        Some("/ClinicalDocument/component/nonXMLBody/hl7fi:json")
    );
    // In the view, the same finding points into /content.
    let r = run_view(
        validator(),
        ArchiveOptions::default(),
        &spec.build_with(Fault::ContentExtraElement),
    )
    .unwrap();
    let x = r
        .findings
        .iter()
        .find(|x| x.rule == "schema.additional-properties")
        .unwrap();
    assert!(
        x.pointer.starts_with("/content/lapsiperheiden"),
        "{}",
        x.pointer
    );
    assert!(x.xpath.is_none());
}

#[test]
fn clean_plan_after_the_phase_change_passes() {
    let mut spec = Spec::for_definition(def(PLAN));
    spec.effective_time = "20260902091500+0300".into();
    spec.creation_time = "20260902091500+0300".into();
    let r = run(validator(), ArchiveOptions::default(), &spec.build());
    assert!(!has(&r, ids::PHASE_EXPIRED), "{}", show(&r));
    // An early-phase group before the change is accepted.
    let mut spec = Spec::for_definition(def(PLAN));
    spec.document_group = "3".into();
    let r = run(validator(), ArchiveOptions::default(), &spec.build());
    assert!(!has(&r, ids::PHASE_EXPIRED), "{}", show(&r));
}

#[test]
fn private_provider_states_its_joining_model() {
    let spec = Spec::for_definition(def(PLAN));
    let private = ArchiveOptions {
        sector: Some(Sector::Private),
        ..ArchiveOptions::default()
    };
    let r = run(validator(), private.clone(), &spec.build());
    assert!(has(&r, ids::FRAME_JOINING_MODEL), "{}", show(&r));
    let mut with = spec.clone();
    with.joining_model = Some("2".into());
    let r = run(validator(), private.clone(), &with.build());
    assert!(!has(&r, ids::FRAME_JOINING_MODEL), "{}", show(&r));
    // With the classification named in the data, only that code system counts.
    let mut named = private.clone();
    named.data.joining_model_classification = Some("1.2.246.537.6.88888".into());
    let r = run(validator(), named.clone(), &with.build());
    assert!(has(&r, ids::FRAME_JOINING_MODEL));
    named.data.joining_model_classification =
        Some(JOINING_MODEL_SYSTEM.rsplit_once('.').unwrap().0.into());
    let r = run(validator(), named, &with.build());
    assert!(!has(&r, ids::FRAME_JOINING_MODEL), "{}", show(&r));
    // The sector comes from a provider profile too; public providers are not asked.
    let profile = ArchiveOptions {
        providers: vec![ProviderProfile {
            oid: sosmeta_kanta::fixtures::CUSTODIAN_OID.into(),
            sector: Sector::Private,
        }],
        ..ArchiveOptions::default()
    };
    assert!(has(
        &run(validator(), profile, &spec.build()),
        ids::FRAME_JOINING_MODEL
    ));
    assert!(!has(
        &run(validator(), ArchiveOptions::default(), &spec.build()),
        ids::FRAME_JOINING_MODEL
    ));
}

#[test]
fn calendar_rules_run_with_an_environment() {
    // A calendar in which the plan's 2024-11-28 version is supported in TU only from
    // 1.6.2026: stored in March 2026 it is not yet supported.
    let calendar = Calendar::from_json(
        r#"{"publications": [
            {"name": "2024 September", "week": 36, "weekStart": "2024-09-02", "weekEnd": "2024-09-06", "supportedAT": "2024-10-01", "supportedTU": "2024-10-08"},
            {"name": "2024 December", "week": 49, "weekStart": "2024-12-02", "weekEnd": "2024-12-06", "supportedAT": "2026-05-01", "supportedTU": "2026-06-01"}
        ]}"#,
    )
    .unwrap();
    let v = Validator::from_static(sosmeta_generated::embedded_release()).with_calendar(calendar);
    let spec = Spec::for_definition(def(PLAN));
    let tu = ArchiveOptions {
        environment: Some(Environment::Tu),
        ..ArchiveOptions::default()
    };
    let r = run(&v, tu.clone(), &spec.build());
    assert!(has(&r, ids::CALENDAR_NOT_YET_SUPPORTED), "{}", show(&r));
    let later = ArchiveOptions {
        on: NaiveDate::from_ymd_opt(2026, 6, 1),
        ..tu.clone()
    };
    assert!(!has(
        &run(&v, later, &spec.build()),
        ids::CALENDAR_NOT_YET_SUPPORTED
    ));
    // Without an environment the calendar does not run.
    assert!(!has(
        &run(&v, ArchiveOptions::default(), &spec.build()),
        ids::CALENDAR_NOT_YET_SUPPORTED
    ));
    // A superseded asiakkuusasiakirja version when a newer one is supported.
    let old = def(("1.2.246.537.6.1505.1", "2022-01-10"));
    let spec = Spec::for_definition(old);
    let r = run(validator(), tu.clone(), &spec.build());
    assert!(has(&r, ids::CALENDAR_SUPERSEDED), "{}", show(&r));
    let x = r
        .findings
        .iter()
        .find(|x| x.rule == ids::CALENDAR_SUPERSEDED)
        .unwrap();
    assert_eq!(x.severity, Severity::Warning);
    assert!(r.valid);
    let fresh = Spec::for_definition(def(RELATIONSHIP));
    assert!(!has(
        &run(validator(), tu, &fresh.build()),
        ids::CALENDAR_SUPERSEDED
    ));
}

#[test]
fn recorder_matches_on_identifier_of_the_same_kind_else_names() {
    let spec = Spec::for_definition(def(PLAN));
    let (given, family, root, ext) = spec.author.clone().expect("the plan has a laatija");
    // Same names, another kind of identifier: names decide.
    let mut s = spec.clone();
    let other_root = if root == "1.2.246.21" {
        "1.2.246.537.26"
    } else {
        "1.2.246.21"
    };
    s.author = Some((
        given.clone(),
        family.clone(),
        other_root.into(),
        "123".into(),
    ));
    let r = run(validator(), ArchiveOptions::default(), &s.build());
    assert!(!has(&r, ids::HEADER_RECORDER), "{}", show(&r));
    // Same names, same kind of identifier but another value: the identifier decides.
    if root == "1.2.246.21" {
        let mut s = spec.clone();
        s.author = Some((given, family, root, format!("{ext}X")));
        let r = run(validator(), ArchiveOptions::default(), &s.build());
        assert!(has(&r, ids::HEADER_RECORDER), "{}", show(&r));
    }
}

/// The CDA with its structured JSON replaced by `json` (wrapped base64, as written).
fn with_json_text(f: &Fixture, json: &str) -> Fixture {
    let text = String::from_utf8(f.cda.clone()).unwrap();
    let (open, close) = ("<hl7fi:json>", "</hl7fi:json>");
    let start = text.find(open).unwrap() + open.len();
    let end = text.find(close).unwrap();
    let b64 = sosmeta_kanta::fixtures::wrapped_base64(json.as_bytes());
    Fixture {
        cda: format!("{}{b64}{}", &text[..start], &text[end..]).into_bytes(),
        frame: f.frame.clone(),
    }
}

/// A repeated `laatija` key: the recorder rule reads the last one, as a JSON reader that
/// keeps the last of a repeated key does (and as the JSON view of the same document),
/// while the content validation reports the repeat.
#[test]
fn recorder_reads_the_last_of_a_repeated_key() {
    let d = def(PLAN);
    let spec = Spec::for_definition(d);
    let path = sosmeta_kanta::content::laatija_paths(d)
        .into_iter()
        .next()
        .expect("the plan has a laatija");
    // The object holding the first laatija: its pointer in the document.
    let tokens: Vec<&str> = path.split('/').skip(1).collect();
    let (holder, _) = tokens.split_at(tokens.len() - 1);
    let holder_ptr: String = holder
        .iter()
        .map(|t| {
            if *t == "*" {
                "/0".to_string()
            } else {
                format!("/{t}")
            }
        })
        .collect();
    let original = spec
        .content
        .pointer(&format!("{holder_ptr}/laatija"))
        .expect("a laatija in the sample")
        .clone();
    let other = serde_json::json!({"etunimet": "Toinen", "sukunimi": "Henkilö"});
    // `first` written first in the holder object, `last` in the laatija's own place.
    let text = |first: &serde_json::Value, last: &serde_json::Value| {
        let mut content = spec.content.clone();
        let holder_obj = content.pointer_mut(&holder_ptr).unwrap();
        holder_obj["laatija"] = last.clone();
        let marker = serde_json::json!("__HOLDER__");
        let holder_value = std::mem::replace(holder_obj, marker);
        let inner = serde_json::to_string(&holder_value).unwrap();
        let inner = format!(
            "{{\"laatija\":{},{}",
            serde_json::to_string(first).unwrap(),
            &inner[1..]
        );
        serde_json::to_string(&content)
            .unwrap()
            .replace("\"__HOLDER__\"", &inner)
    };
    let built = spec.build();
    for (first, last, wrong) in [(&other, &original, false), (&original, &other, true)] {
        let f = with_json_text(&built, &text(first, last));
        let r = run(validator(), ArchiveOptions::default(), &f);
        assert!(
            has(&r, sosmeta_validate::finding::rules::INPUT_DUPLICATE_KEY),
            "{}",
            show(&r)
        );
        assert_eq!(has(&r, ids::HEADER_RECORDER), wrong, "{}", show(&r));
    }
    // Without the repeat the clean document has no recorder finding (the tree path).
    assert!(!has(
        &run(validator(), ArchiveOptions::default(), &built),
        ids::HEADER_RECORDER
    ));
}

#[test]
fn signatures_are_kept_as_xml() {
    let spec = Spec::for_definition(def(RELATIONSHIP));
    let read = read_cda(&spec.build().cda).unwrap();
    let sigs = &read.document.header.lsh().signature_collection;
    assert_eq!(sigs.len(), 1);
    assert!(
        sigs[0].starts_with("<hl7fi:signature ID=\"sig.1\">"),
        "{}",
        sigs[0]
    );
    assert!(sigs[0].contains("<SignatureValue>AAAA</SignatureValue>"));
    let body = read.document.body.unwrap();
    assert!(matches!(body.display.unwrap().xhtml, Payload::Text(t) if t.contains("soc-document")));
}

#[test]
fn every_emitted_id_is_in_the_table() {
    // Ids the code can emit are written as `ids::X` (from the table); no archive id is
    // spelled as a literal elsewhere in the sources.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let prefixes = [
        "cda.",
        "header.",
        "body.",
        "definition.",
        "calendar.",
        "phase.",
        "frame.",
        "view.",
    ];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for lit in text.split('"').skip(1).step_by(2) {
            if prefixes.iter().any(|p| lit.starts_with(p))
                && lit
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            {
                assert!(
                    rules::rule(lit).is_some(),
                    "{}: `{lit}` is not in the table",
                    path.display()
                );
            }
        }
    }
    // (Every finding names a `Rule`, a row of the one registry, by its type.)
    // Every rule has a fault or a dedicated test above.
    let covered: Vec<&str> = Fault::ALL.iter().map(|f| f.rule().as_str()).collect();
    let dedicated = [
        ids::CALENDAR_NOT_YET_SUPPORTED,
        ids::CALENDAR_SUPERSEDED,
        ids::FRAME_JOINING_MODEL,
        ids::VIEW_JSON,
        // Emitted by the CLI when it pairs inputs: sosmeta-cli/tests/archive.rs.
        sosmeta_validate::registry::ids::FRAME_UNPAIRED,
    ];
    for r in rules::rules() {
        assert!(
            covered.contains(&r.id) || dedicated.iter().any(|d| d.as_str() == r.id),
            "{} has no test",
            r.id
        );
    }
}

#[test]
fn a_view_without_content_is_reported() {
    let spec = Spec::for_definition(def(RELATIONSHIP));
    let read = read_cda(&spec.build().cda).unwrap();
    let mut view = ArchiveView::from_document(&read.document).unwrap();
    view.content = None;
    let json = serde_json::to_vec(&view).unwrap();
    let r = ArchiveValidator::new(validator(), ArchiveOptions::default())
        .validate_view("v", &json, None);
    let x = r
        .findings
        .iter()
        .find(|x| x.rule == ids::BODY_REQUIRED)
        .expect("body.required");
    assert_eq!(x.pointer, "/content");
}

#[test]
fn a_broken_view_is_reported() {
    let v = ArchiveValidator::new(validator(), ArchiveOptions::default());
    for bad in [
        &b"{"[..],
        b"[]",
        br#"{"metadata": {"effectiveTime": "2026"}}"#,
    ] {
        let r = v.validate_view("bad.json", bad, None);
        assert!(has(&r, ids::VIEW_JSON), "{}", show(&r));
        assert!(!r.valid);
    }
}

#[test]
fn whose_register_purchased_services_go_to_the_organiser_from_its_opening_day() {
    use sosmeta_kanta::fixtures::PROVIDER_OID;
    let register_rules = [
        ids::REGISTER_CUSTODIAN,
        ids::REGISTER_NOT_OPEN,
        ids::FRAME_USAGE_SITUATION,
    ];
    let found = |r: &DocumentResult| -> Vec<&str> {
        register_rules
            .iter()
            .filter(|id| has(r, **id))
            .map(|id| id.as_str())
            .collect()
    };
    let mut spec = Spec::for_definition(def(PLAN));
    // A purchased service done right: a provider sends, the organiser is the custodian,
    // after the register opened, with a usage situation other than the organiser's own use.
    spec.sender = PROVIDER_OID.into();
    spec.effective_time = "20260902091500+0300".into();
    spec.creation_time = "20260902091500+0300".into();
    let mut f = spec.build();
    let own_use = "<reasonCode code=\"1\" codeSystem=\"1.2.246.537.6.1289.201901\"/>";
    let other_use = "<reasonCode code=\"2\" codeSystem=\"1.2.246.537.6.1289.201901\"/>";
    let frame = String::from_utf8(f.frame.clone()).unwrap();
    assert!(frame.contains(own_use));
    f.frame = frame.replace(own_use, other_use).into_bytes();
    let r = run(validator(), ArchiveOptions::default(), &f);
    assert!(found(&r).is_empty(), "{}", show(&r));

    // The same with the fixture's own-use usage situation: only the warning.
    let r = run(validator(), ArchiveOptions::default(), &spec.build());
    assert_eq!(found(&r), ["frame.usage-situation"], "{}", show(&r));
    let w = r
        .findings
        .iter()
        .find(|x| x.rule == ids::FRAME_USAGE_SITUATION)
        .unwrap();
    assert_eq!(w.severity, Severity::Warning);
    assert!(r.valid, "a warning alone keeps the document valid");

    // An organiser that opens its register later (data): not yet open on 2.9.2026.
    let mut opts = ArchiveOptions::default();
    opts.data.register.organisers.insert(
        sosmeta_kanta::fixtures::CUSTODIAN_OID.into(),
        "2027-01-01".parse().unwrap(),
    );
    let r = run(validator(), opts.clone(), &f);
    assert_eq!(found(&r), ["register.not-open"], "{}", show(&r));
    let x = r
        .findings
        .iter()
        .find(|x| x.rule == ids::REGISTER_NOT_OPEN)
        .unwrap();
    assert!(x.message.contains("1.1.2027"), "{}", x.message);
    assert_eq!(
        x.xpath.as_deref(),
        Some("/ClinicalDocument/hl7fi:localSocialHeader/hl7fi:outsourcingServiceCustomer")
    );
    // `--on` moves the storage day past it.
    opts.on = Some("2027-01-01".parse().unwrap());
    let r = run(validator(), opts, &f);
    assert!(found(&r).is_empty(), "{}", show(&r));

    // The provider's own register for a purchased service: the custodian is not the
    // organiser. Without a frame only the header rule can run.
    spec.organiser = "1.2.246.10.88888888.10.0".into();
    let f = spec.build();
    let r = ArchiveValidator::new(validator(), ArchiveOptions::default())
        .validate_cda("x.xml", &f.cda, None);
    assert_eq!(found(&r), ["register.custodian"], "{}", show(&r));
    // An organiser equal to the sender is the organiser's own register: no purchased
    // service rules.
    let mut own = Spec::for_definition(def(PLAN));
    own.sender = sosmeta_kanta::fixtures::CUSTODIAN_OID.into();
    let r = run(validator(), ArchiveOptions::default(), &own.build());
    assert!(found(&r).is_empty(), "{}", show(&r));
}

#[test]
fn a_retired_header_code_is_inactive_on_every_day() {
    let mut spec = Spec::for_definition(def(PLAN));
    spec.confidentiality.0 = "8".into();
    let r = run(
        validator_with_codes(),
        ArchiveOptions::default(),
        &spec.build(),
    );
    let x = r
        .findings
        .iter()
        .find(|x| x.rule == ids::HEADER_CODE_INACTIVE)
        .unwrap_or_else(|| panic!("header.code-inactive:\n{}", show(&r)));
    assert!(x.message.contains("retired"), "{}", x.message);
    assert!(!has(&r, ids::HEADER_CODE_UNKNOWN), "{}", show(&r));
}

#[test]
fn archive_messages_mask_personal_identity_codes_unless_values_are_shown() {
    let spec = Spec::for_definition(def(PLAN));
    let mut f = spec.build();
    let other = sosmeta_model::samples::sample_hetu(7);
    assert_ne!(other, spec.patient_hetu);
    let frame = String::from_utf8(f.frame.clone()).unwrap();
    let needle = format!("extension=\"{}\"", spec.patient_hetu);
    assert!(frame.contains(&needle));
    f.frame = frame
        .replace(&needle, &format!("extension=\"{other}\""))
        .into_bytes();
    let message = |show_values: bool| {
        let mut opts = ArchiveOptions::default();
        opts.content.show_values = show_values;
        let r = run(validator(), opts, &f);
        r.findings
            .iter()
            .find(|x| x.rule == ids::FRAME_MISMATCH && x.message.contains("patient"))
            .unwrap_or_else(|| panic!("frame.mismatch on the patient:\n{}", show(&r)))
            .message
            .clone()
    };
    let masked = message(false);
    assert!(!masked.contains(&other), "{masked}");
    assert!(!masked.contains(&spec.patient_hetu), "{masked}");
    assert!(masked.contains(&other[..6]), "{masked}");
    let shown = message(true);
    assert!(shown.contains(&other), "{shown}");
    assert!(shown.contains(&spec.patient_hetu), "{shown}");
}

/// The reader gives the same document for equivalent XML: prefixes renamed, a V3 element
/// written with a prefix, namespaces declared again inside, attributes in another order,
/// comments, the JSON in a CDATA section, a character reference in a value, the base64 on
/// one line instead of wrapped; and the validation gives the same findings.
#[test]
fn equivalent_xml_reads_the_same() {
    let v = validator();
    for oid in ["1.2.246.537.6.1505.1", "1.2.246.537.6.1506.15007"] {
        let def = v.release().in_force(oid).unwrap();
        let f = Spec::for_definition(def).build();
        let cda = String::from_utf8(f.cda.clone()).unwrap();
        let json_start = cda.find("<hl7fi:json>").unwrap() + "<hl7fi:json>".len();
        let json_end = cda.find("</hl7fi:json>").unwrap();
        let b64 = &cda[json_start..json_end];
        let one_line: String = b64.split_whitespace().collect();
        let mut x = format!(
            "{}<![CDATA[{one_line}]]><!-- the JSON -->{}",
            &cda[..json_start],
            &cda[json_end..]
        );
        let swaps = [
            ("xmlns:hl7fi=", "xmlns:ep2="),
            ("hl7fi:", "ep2:"),
            (
                "xmlns:ep2=",
                "xmlns:ep2='urn:hl7finland' xmlns:v3='urn:hl7-org:v3' xmlns:unused=",
            ),
            (
                "<realmCode code=\"FI\"/>",
                "<!-- realm --><v3:realmCode code=\"F&#73;\"/>",
            ),
            (
                "<typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>",
                "<typeId extension='POCD_HD000040' root='2.16.840.1.113883.1.3' />",
            ),
            ("<recordTarget>", "<recordTarget xmlns=\"urn:hl7-org:v3\">"),
            (
                "<ep2:localSocialHeader>",
                "<ep2:localSocialHeader xmlns:ep2=\"urn:hl7finland\">",
            ),
        ];
        for (from, to) in swaps {
            assert!(x.contains(from), "{from}");
            x = x.replace(from, to);
        }
        let a = read_cda(&f.cda).unwrap();
        let b = read_cda(x.as_bytes()).unwrap();
        assert!(b.namespace_issues.is_empty(), "{:?}", b.namespace_issues);
        // Signatures are kept as their XML text, prefixes and all: counted, not compared.
        fn drop_signatures(v: &mut serde_json::Value) -> usize {
            match v {
                serde_json::Value::Object(o) => {
                    let n = o
                        .remove("signatureCollection")
                        .and_then(|s| s.as_array().map(Vec::len))
                        .unwrap_or(0);
                    n + o.values_mut().map(drop_signatures).sum::<usize>()
                }
                serde_json::Value::Array(a) => a.iter_mut().map(drop_signatures).sum(),
                _ => 0,
            }
        }
        let view = |d: &sosmeta_kanta::model::ArchiveDocument| {
            let mut v = serde_json::to_value(ArchiveView::from_document(d).unwrap()).unwrap();
            let signatures = drop_signatures(&mut v);
            (v, signatures)
        };
        assert_eq!(view(&a.document), view(&b.document), "{oid}");
        let av = ArchiveValidator::new(v, ArchiveOptions::default());
        let rules_of = |r: DocumentResult| {
            r.findings
                .iter()
                .map(|f| (f.rule.to_string(), f.xpath.clone(), f.message.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            rules_of(av.validate_cda("a", &f.cda, Some(&f.frame))),
            rules_of(av.validate_cda("b", x.as_bytes(), Some(&f.frame))),
            "{oid}"
        );
    }
}
