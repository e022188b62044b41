//! The meanings the model owns, against the pinned corpus: pointer lookup, name paths,
//! allowed codes, author elements and choosing a document's definition.

use sosmeta_model::{corpus::pinned_corpus_dir, DefinitionRef, Kind, Release, SelectError, Status};

fn release() -> Release {
    Release::load(pinned_corpus_dir()).expect("the pinned corpus loads")
}

#[test]
fn select_by_root_key_and_explicitly() {
    let r = release();
    let mut several = 0;
    for key in r.root_keys() {
        let all = r.by_root_key(key);
        let sel = r.select(None, &[key]).expect("a known key selects");
        assert_eq!(sel.definition.document_key(), key);
        assert_eq!(sel.versions, all.len());
        assert_eq!(sel.chose_among_versions(), all.len() > 1);
        // The version in force when there is one, else the newest.
        let want = all
            .iter()
            .rev()
            .find(|d| d.status() == &Status::Valmis)
            .or(all.last())
            .unwrap();
        assert_eq!(sel.definition.id, want.id);
        several += usize::from(all.len() > 1);
        // An explicit version must carry its own root key.
        for d in &all {
            let named = DefinitionRef::Version(d.id.clone());
            let sel = r.select(Some(&named), &[key]).unwrap();
            assert_eq!(sel.definition.id, d.id);
            assert!(!sel.chose_among_versions());
        }
    }
    assert!(
        several > 0,
        "the corpus has root keys with several versions"
    );

    let def = &r.definitions()[0];
    let named = DefinitionRef::Version(def.id.clone());
    match r.select(Some(&named), &["muu_avain"]) {
        Err(SelectError::RootKeyMismatch {
            definition,
            expected,
            found,
        }) => {
            assert_eq!(definition, def.id);
            assert_eq!(expected, def.document_key());
            assert_eq!(found, ["muu_avain"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        r.select(Some(&named), &[]),
        Err(SelectError::RootKeyMismatch { .. })
    ));
    let unknown: DefinitionRef = "1.2.246.537.6.1505.1@1999-01-01".parse().unwrap();
    assert!(matches!(
        r.select(Some(&unknown), &["asiakkuusasiakirja"]),
        Err(SelectError::Resolve(_))
    ));
}

#[test]
fn select_refuses_bad_roots() {
    let r = release();
    assert_eq!(r.select(None, &[]).unwrap_err(), SelectError::NoRootKey);
    match r.select(None, &["asiakuusasiakirja"]).unwrap_err() {
        SelectError::UnknownRootKey { keys, suggestions } => {
            assert_eq!(keys, ["asiakuusasiakirja"]);
            assert_eq!(
                suggestions,
                [(
                    "asiakuusasiakirja".to_string(),
                    "asiakkuusasiakirja".to_string()
                )]
            );
        }
        other => panic!("{other:?}"),
    }
    let keys = r.root_keys();
    let err = r.select(None, &[keys[0], keys[1]]).unwrap_err();
    assert!(matches!(err, SelectError::SeveralRootKeys { ref keys } if keys.len() == 2));
    // One known key among unknown ones: chosen (the schema reports the others).
    let sel = r.select(None, &["tuntematon", keys[0]]).unwrap();
    assert_eq!(sel.definition.document_key(), keys[0]);
}

#[test]
fn pointers_names_codes_and_authors() {
    let r = release();
    let mut authors = 0;
    for def in r.definitions() {
        let key = def.document_key();
        assert!(std::ptr::eq(
            def.element_at(&format!("/{key}")).unwrap(),
            def.document()
        ));
        assert!(def.element_at(&format!("/{key}/ei_ole")).is_none());
        assert_eq!(def.name_path(&format!("/{key}")), "");
        for item in def.document().walk().skip(1) {
            if item.element.kind != Kind::Object || item.data_path.contains('*') {
                continue;
            }
            let pointer = format!("/{key}{}", item.data_path);
            assert!(std::ptr::eq(
                def.element_at(&pointer).unwrap(),
                item.element
            ));
            if let Some(name) = item.element.name_fi() {
                assert!(def.name_path(&pointer).ends_with(name.trim()), "{pointer}");
            }
        }
        for a in def.author_elements() {
            assert_eq!(a.element.key, sosmeta_model::AUTHOR_KEY);
            authors += 1;
        }
        for item in def.root.walk() {
            let el = item.element;
            let accepted = el.accepted_values();
            let Some(allowed) = el.allowed_codes() else {
                assert!(accepted.is_empty());
                continue;
            };
            if accepted.is_empty() {
                let set = el.value_set().expect("codes come from the value set");
                let codes: Vec<&str> = set
                    .entries()
                    .unwrap()
                    .iter()
                    .map(|e| e.code.as_str())
                    .collect();
                assert_eq!(allowed, codes);
            } else {
                assert_eq!(allowed, accepted);
            }
        }
    }
    assert!(authors > 0, "some definitions have a laatija element");
}
