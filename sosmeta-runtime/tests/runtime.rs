//! The runtime of generated code against a catalog made from the pinned corpus.

use sosmeta_model::{compact, corpus::pinned_corpus_dir, Release};
use sosmeta_runtime::{parse_json, to_json, to_xhtml, Catalog, DefinitionInfo, Error, Lang};
use sosmeta_types::record::{Fields, ReadError, Record, Writer};
use std::sync::OnceLock;

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A catalog and a table of every definition, built once (leaked: they live as long as
/// the statics of a generated crate do).
fn table() -> &'static [DefinitionInfo] {
    static TABLE: OnceLock<&'static [DefinitionInfo]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let release = Release::load(pinned_corpus_dir()).unwrap();
        let bytes: &'static [u8] = Box::leak(compact::to_bytes(&release).into_boxed_slice());
        let catalog: &'static Catalog =
            Box::leak(Box::new(Catalog::new("test", bytes, &["enabled-feature"])));
        let rows: Vec<DefinitionInfo> = release
            .definitions()
            .iter()
            .map(|d| DefinitionInfo {
                oid: leak(d.oid().to_string()),
                version: leak(d.version().to_string()),
                status: leak(d.status().to_string()),
                title: leak(d.title().to_string()),
                title_sv: leak(d.title().to_string()),
                document_key: leak(d.document_key().to_string()),
                subject: None,
                feature: "enabled-feature",
                module: "m",
                catalog,
            })
            .rev() // another order than the release's: indexes must come from the table
            .collect();
        Box::leak(rows.into_boxed_slice())
    })
}

fn catalog() -> &'static Catalog {
    table()[0].catalog
}

#[test]
fn resolve_follows_the_release() {
    let t = table();
    let release = catalog().release();
    for oid in release.oids() {
        let i = catalog().resolve(t, oid).unwrap();
        let want = release
            .in_force(oid)
            .or_else(|| release.latest(oid))
            .unwrap();
        assert_eq!(t[i].definition_id(), want.id, "{oid}");
        for d in release.versions(oid) {
            let i = catalog().resolve(t, &d.id.to_string()).unwrap();
            assert_eq!(t[i].definition_id(), d.id);
            let j = catalog().resolve(t, &d.id.dotted()).unwrap();
            assert_eq!(i, j);
            assert_eq!(t[i].dotted(), d.id.dotted());
            assert!(std::ptr::eq(t[i].model().unwrap(), d));
        }
    }
    assert!(matches!(
        catalog().resolve(t, "ei oid"),
        Err(Error::BadDefinition { .. })
    ));
    assert!(matches!(
        catalog().resolve(t, "1.2.3.4@2020-01-01"),
        Err(Error::UnknownDefinition { .. })
    ));
}

#[test]
fn select_json_uses_the_root_key() {
    let t = table();
    let release = catalog().release();
    for key in release.root_keys() {
        let i = catalog()
            .select_json(t, &format!("{{\"{key}\": {{}}}}"))
            .unwrap();
        assert_eq!(t[i].definition_id(), release.for_root_key(key).unwrap().id);
    }
    let err = catalog()
        .select_json(t, r#"{"asiakuusasiakirja": {}}"#)
        .unwrap_err();
    assert!(err.to_string().contains("asiakkuusasiakirja"), "{err}");
    assert!(matches!(
        catalog().select_json(t, "[1]"),
        Err(Error::Json { .. })
    ));
    assert!(matches!(
        catalog().select_json(t, "{}"),
        Err(Error::NoDefinition { .. })
    ));
}

// Records as the generated code declares them (keys, reader, writer).
#[derive(Debug, PartialEq)]
struct Doc {
    a: Vec<Inner>,
}

impl Record for Doc {
    const KEYS: &'static [&'static str] = &["a"];
    fn read_fields(f: &mut Fields) -> Result<Self, ReadError> {
        Ok(Doc { a: f.req(0)? })
    }
    fn write_fields(&self, w: &mut Writer) {
        w.req(0, &self.a);
    }
}
sosmeta_types::record!(Doc);

#[derive(Debug, PartialEq)]
struct Inner {
    xy: sosmeta_types::PartialDate,
}

impl Record for Inner {
    const KEYS: &'static [&'static str] = &["x/y"];
    fn read_fields(f: &mut Fields) -> Result<Self, ReadError> {
        Ok(Inner { xy: f.req(0)? })
    }
    fn write_fields(&self, w: &mut Writer) {
        w.req(0, &self.xy);
    }
}
sosmeta_types::record!(Inner);

#[test]
fn parse_json_names_the_pointer() {
    let info = &table()[0];
    let ok: Doc = parse_json(r#"{"a": [{"x/y": "2023-06-01"}]}"#, info).unwrap();
    assert_eq!(to_json(&ok), r#"{"a":[{"x/y":"2023-06-01"}]}"#);
    match parse_json::<Doc>(
        r#"{"a": [{"x/y": "2023-06-01"}, {"x/y": "2023-02-30"}]}"#,
        info,
    ) {
        Err(Error::Json {
            definition, path, ..
        }) => {
            assert_eq!(definition, info.id());
            assert_eq!(path, "/a/1/x~1y");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        parse_json::<Doc>(r#"{"a": []} x"#, info),
        Err(Error::Json { path, .. }) if path.is_empty()
    ));
}

#[test]
fn features_and_rendering() {
    let info = &table()[0];
    assert!(info.is_enabled());
    assert!(catalog().enabled("enabled-feature") && !catalog().enabled("other"));
    assert_eq!(
        Error::not_compiled(table(), 0),
        Error::FeatureDisabled {
            definition: info.id(),
            feature: "enabled-feature"
        }
    );
    let def = info.model().unwrap();
    let doc = sosmeta_model::samples::maximal(def);
    let page = to_xhtml(&doc, info, Lang::Fi);
    assert_eq!(page, sosmeta_xhtml::render(def, &doc, Lang::Fi).unwrap());
    assert_eq!(info, &table()[0]);
    assert_ne!(info, &table()[1]);
}
