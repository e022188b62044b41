//! The display form over the pinned corpus: every definition's minimal and maximal sample
//! in fi and sv parses as XML in the shape of KANTA-FORMAT.md section 4, shows every text
//! value and code display of the content, and marks nothing in a valid sample; invalid
//! dates are marked and listed; the header reaches the page.

use serde_json::{json, Value};
use sosmeta_model::element::values_at;
use sosmeta_model::{samples, Definition, Release, Representation};
use sosmeta_xhtml::{render_fragment, render_page, FragmentHeader, Lang};
use std::sync::OnceLock;

const XHTML: &str = "http://www.w3.org/1999/xhtml";

fn release() -> &'static Release {
    static R: OnceLock<Release> = OnceLock::new();
    R.get_or_init(|| {
        let dir = sosmeta_model::corpus::pinned_corpus_dir();
        Release::load(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
    })
}

fn asiakkuus() -> &'static Definition {
    release()
        .get_version("1.2.246.537.6.1505.1", "2023-06-01".parse().unwrap())
        .unwrap()
}

/// All text of an element and its descendants, each text node on its own line.
fn texts(doc: &roxmltree::Document) -> String {
    doc.descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn has_class(n: &roxmltree::Node, class: &str) -> bool {
    n.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

/// The strings a reader must find: every text value (not dates, instants or phrases,
/// which are reformatted) and, for codes, the display (fi) or the definition's own text
/// in the page's language (sv), below no hidden field.
fn expected(def: &Definition, doc: &Value, lang: Lang) -> Vec<(String, Vec<String>)> {
    let root = format!("/{}", def.document_key());
    let items: Vec<_> = def.document().walk().collect();
    let hidden: Vec<String> = items
        .iter()
        // hiddenField: the element is not shown; its children are (a group's) or not (a
        // phrase's).
        .filter(|i| i.element.is_hidden_field() && i.element.item().children().is_empty())
        .map(|i| i.data_path.clone())
        .collect();
    let mut out = Vec::new();
    for item in &items {
        if hidden
            .iter()
            .any(|h| item.data_path == *h || item.data_path.starts_with(&format!("{h}/")))
        {
            continue;
        }
        let el = item.element;
        let rep = el.item().representation().or_else(|| el.representation());
        for (ptr, v) in values_at(doc, &format!("{root}{}", item.data_path)) {
            match (&rep, v) {
                (Some(Representation::Koodi), Value::Object(o)) => {
                    let code = o["code"].as_str().unwrap().to_string();
                    let display = o["display"].as_str().unwrap_or_default().to_string();
                    let mut ok = vec![display];
                    if lang == Lang::Sv {
                        if let Some(sv) = el.item().code_display(&code, &sosmeta_model::Lang::Sv) {
                            ok = vec![sv];
                        }
                    }
                    out.push((ptr, ok));
                }
                (
                    Some(Representation::Teksti | Representation::Nimi)
                    | Some(Representation::Allekirjoitus),
                    Value::String(s),
                ) => {
                    for line in s.lines().filter(|l| !l.trim().is_empty()) {
                        out.push((ptr.clone(), vec![line.to_string()]));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn every_sample_in_fi_and_sv_is_a_well_formed_fragment_showing_every_text() {
    let mut checked = 0;
    let mut strings = 0;
    for def in release().definitions() {
        for doc in [samples::minimal(def), samples::maximal(def)] {
            for lang in [Lang::Fi, Lang::Sv] {
                let header = FragmentHeader {
                    document_id: Some("1.2.246.10.1.2026.7".into()),
                    ..FragmentHeader::default()
                };
                let f = render_fragment(def, &doc, &header, lang)
                    .unwrap_or_else(|e| panic!("{}: {e}", def.id));
                assert!(
                    f.invalid_values.is_empty(),
                    "{} {lang}: a valid sample has marked values: {:?}",
                    def.id,
                    f.invalid_values
                );
                let xml = roxmltree::Document::parse(&f.xhtml)
                    .unwrap_or_else(|e| panic!("{} {lang}: not well-formed: {e}", def.id));
                let root = xml.root_element();
                assert_eq!(root.tag_name().name(), "div");
                assert_eq!(root.tag_name().namespace(), Some(XHTML));
                assert!(has_class(&root, "soc-document"));
                assert_eq!(root.attribute("id"), Some("OID1.2.246.10.1.2026.7"));
                let kids: Vec<_> = root
                    .children()
                    .filter(|n| n.is_element())
                    .map(|n| n.attribute("class").unwrap_or("").to_string())
                    .collect();
                assert_eq!(kids, ["soc-header", "soc-main-wrapper", "soc-footer"]);
                assert!(!xml
                    .descendants()
                    .any(|n| n.is_element() && n.tag_name().name() == "h7"));
                let text = texts(&xml);
                for (ptr, ok) in expected(def, &doc, lang) {
                    assert!(
                        ok.iter().any(|s| text.contains(s.trim())),
                        "{} {lang}: {ptr}: none of {ok:?} in the fragment",
                        def.id
                    );
                    strings += 1;
                }
                // The preview page around it is well-formed too.
                let page = sosmeta_xhtml::render(def, &doc, lang).unwrap();
                let opts = roxmltree::ParsingOptions {
                    allow_dtd: true,
                    ..roxmltree::ParsingOptions::default()
                };
                roxmltree::Document::parse_with_options(&page, opts)
                    .unwrap_or_else(|e| panic!("{} {lang}: page not well-formed: {e}", def.id));
                checked += 1;
            }
        }
    }
    assert_eq!(checked, release().definitions().len() * 4);
    assert!(strings > 10_000, "only {strings} values checked");
}

#[test]
fn invalid_dates_are_marked_and_listed() {
    let def = asiakkuus();
    let mut doc = samples::maximal(def);
    let a = doc["asiakkuusasiakirja"]["asiakas"]
        .as_object_mut()
        .unwrap();
    assert!(a.contains_key("syntymaaika"), "{a:?}");
    a.insert("syntymaaika".into(), json!("0.3.2025"));
    let s = doc["asiakkuusasiakirja"]["sosiaalihuollon_asiakkuus"]
        .as_object_mut()
        .unwrap();
    let key = s
        .iter()
        .find(|(_, v)| {
            v.as_str()
                .is_some_and(|t| t.len() == 10 && t.starts_with("20"))
        })
        .map(|(k, _)| k.clone())
        .expect("a date under sosiaalihuollon_asiakkuus");
    s.insert(key.clone(), json!("2023-02-29"));
    for (lang, mark) in [
        (Lang::Fi, "(virheellinen päivämäärä)"),
        (Lang::Sv, "(ogiltigt datum)"),
    ] {
        let f = render_fragment(def, &doc, &FragmentHeader::default(), lang).unwrap();
        let pointers: Vec<&str> = f
            .invalid_values
            .iter()
            .map(|i| i.pointer.as_str())
            .collect();
        assert_eq!(
            pointers,
            [
                "/asiakkuusasiakirja/asiakas/syntymaaika".to_string(),
                format!("/asiakkuusasiakirja/sosiaalihuollon_asiakkuus/{key}")
            ]
        );
        assert_eq!(f.invalid_values[0].value, "0.3.2025");
        assert_eq!(f.invalid_values[1].value, "2023-02-29");
        assert!(f.invalid_values[1].reason.contains("not a calendar date"));
        let xml = roxmltree::Document::parse(&f.xhtml).unwrap();
        let marked: Vec<String> = xml
            .descendants()
            .filter(|n| has_class(n, "soc-invalid"))
            .map(|n| {
                n.descendants()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text())
                    .collect()
            })
            .collect();
        assert_eq!(
            marked,
            [format!("0.3.2025 {mark}"), format!("2023-02-29 {mark}")]
        );
    }
}

#[test]
fn header_reaches_the_fragment_and_times_are_finnish_local_time() {
    let def = asiakkuus();
    let doc = samples::minimal(def);
    let header = FragmentHeader {
        document_id: Some("1.2.246.10.99.1".into()),
        organisation: Some("Esimerkin hyvinvointialue <&>".into()),
        author: Some("Maija Meikäläinen".into()),
        created: Some("2026-07-17T10:06:52Z".into()),
        title: None,
    };
    let f = render_fragment(def, &doc, &header, Lang::Sv).unwrap();
    let xml = roxmltree::Document::parse(&f.xhtml).unwrap();
    let by_class = |c: &str| {
        xml.descendants()
            .find(|n| has_class(n, c))
            .map(|n| {
                n.descendants()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text())
                    .collect::<String>()
            })
            .unwrap_or_else(|| panic!("no .{c}"))
    };
    assert_eq!(
        xml.root_element().attribute("id"),
        Some("OID1.2.246.10.99.1")
    );
    assert_eq!(
        xml.root_element()
            .attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
        Some("sv")
    );
    assert_eq!(by_class("soc-hdr1"), "Esimerkin hyvinvointialue <&>");
    assert_eq!(by_class("soc-hdr2"), def.title_in(&sosmeta_model::Lang::Sv));
    assert_eq!(
        by_class("soc-fulltitle"),
        def.title_in(&sosmeta_model::Lang::Sv)
    );
    assert_eq!(by_class("soc-ftr1"), "Registrerad av: Maija Meikäläinen");
    // 10.06 UTC in July is 13.06 in Helsinki (UTC+3).
    assert_eq!(by_class("soc-ftr2"), "Upprättad: 17.07.2026 13.06");
    // A title from the header replaces the definition's.
    let titled = FragmentHeader {
        title: Some("Asiakkuusasiakirja (testi)".into()),
        ..header
    };
    let f = render_fragment(def, &doc, &titled, Lang::Fi).unwrap();
    assert!(f
        .xhtml
        .contains("<h1 class=\"soc-fulltitle\">Asiakkuusasiakirja (testi)</h1>"));
    // The page carries the same fragment.
    let page = render_page(def, &doc, &titled, Lang::Fi).unwrap();
    assert!(page.xhtml.contains(f.xhtml.trim_end()));
    assert!(page.xhtml.starts_with("<?xml"));
}

#[test]
fn repeated_groups_are_numbered_and_headings_follow_depth() {
    let def = asiakkuus();
    let doc = samples::maximal(def);
    let f = render_fragment(def, &doc, &FragmentHeader::default(), Lang::Fi).unwrap();
    let xml = roxmltree::Document::parse(&f.xhtml).unwrap();
    let titles: Vec<(String, String)> = xml
        .descendants()
        .filter(|n| has_class(n, "soc-title"))
        .map(|n| {
            (
                n.tag_name().name().to_string(),
                n.text().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        titles.iter().any(|(_, t)| t.ends_with("(1/2)")),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|(_, t)| t.ends_with("(2/2)")),
        "{titles:?}"
    );
    // Each group heading is one level below the nearest enclosing group's.
    for h in xml.descendants().filter(|n| has_class(n, "soc-title")) {
        let level: usize = h.tag_name().name()[1..].parse().unwrap();
        let groups = h.ancestors().filter(|a| has_class(a, "soc-group")).count();
        assert_eq!(level, (groups + 1).min(6), "{:?}", h.text());
    }
    // Top-level fields sit in the list like groups do.
    let main = xml
        .descendants()
        .find(|n| has_class(n, "soc-main-wrapper"))
        .unwrap();
    let list = main
        .children()
        .find(|n| has_class(n, "soc-list"))
        .expect("one soc-list under soc-main-wrapper");
    assert!(list
        .children()
        .filter(|n| n.is_element())
        .all(|n| has_class(&n, "soc-item")));
}

#[test]
fn swedish_pages_show_swedish_code_texts_and_values_read_well() {
    // Find a code whose definition gives a different Swedish text.
    let mut found = None;
    'defs: for def in release().definitions() {
        let doc = samples::maximal(def);
        for item in def.document().walk() {
            let el = item.element.item();
            if el.representation() != Some(Representation::Koodi) {
                continue;
            }
            let path = format!("/{}{}", def.document_key(), item.data_path);
            for (_, v) in values_at(&doc, &path) {
                let code = v["code"].as_str().unwrap_or("");
                let fi = el.code_display(code, &sosmeta_model::Lang::Fi);
                let sv = el.code_display(code, &sosmeta_model::Lang::Sv);
                if let (Some(fi), Some(sv)) = (fi, sv) {
                    if fi != sv && !sv.contains(&fi) && !fi.contains(&sv) {
                        found = Some((def, doc.clone(), fi, sv));
                        break 'defs;
                    }
                }
            }
        }
    }
    let (def, doc, fi, sv) = found.expect("a code with a Swedish text");
    let f_sv = render_fragment(def, &doc, &FragmentHeader::default(), Lang::Sv).unwrap();
    let f_fi = render_fragment(def, &doc, &FragmentHeader::default(), Lang::Fi).unwrap();
    let esc = sosmeta_xhtml::escape_xml;
    assert!(
        f_sv.xhtml.contains(&esc(&sv)),
        "{sv} not in the sv fragment"
    );
    assert!(
        f_fi.xhtml.contains(&esc(&fi)),
        "{fi} not in the fi fragment"
    );
    // Booleans.
    let def = asiakkuus();
    let doc = samples::maximal(def);
    let f_sv = render_fragment(def, &doc, &FragmentHeader::default(), Lang::Sv).unwrap();
    let f_fi = render_fragment(def, &doc, &FragmentHeader::default(), Lang::Fi).unwrap();
    assert!(f_fi.xhtml.contains(">Kyllä<") || f_fi.xhtml.contains(">Ei<"));
    assert!(f_sv.xhtml.contains(">Ja<") || f_sv.xhtml.contains(">Nej<"));
}

#[test]
fn quantities_show_a_decimal_comma_and_their_unit() {
    let def = release()
        .definitions()
        .iter()
        .find(|d| {
            d.document()
                .walk()
                .any(|w| w.element.representation().is_some_and(|r| r.is_quantity()))
        })
        .expect("a definition with a quantity");
    let doc = samples::maximal(def);
    let f = render_fragment(def, &doc, &FragmentHeader::default(), Lang::Fi).unwrap();
    let mut seen = 0;
    for item in def.document().walk() {
        if !item
            .element
            .representation()
            .is_some_and(|r| r.is_quantity())
        {
            continue;
        }
        for (_, v) in values_at(&doc, &format!("/{}{}", def.document_key(), item.data_path)) {
            let n = v["value"].to_string().replace('.', ",");
            let unit = v["code"].as_str().unwrap_or("");
            let want = if unit.is_empty() {
                n
            } else {
                format!("{n} {unit}")
            };
            assert!(
                f.xhtml.contains(&sosmeta_xhtml::escape_xml(&want)),
                "{want} at {} (hidden {}) not shown: {}",
                item.data_path,
                item.element.is_hidden_field(),
                f.xhtml
                    .lines()
                    .filter(|l| l.contains("12,5") || l.contains(unit))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            seen += 1;
        }
    }
    assert!(seen > 0);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let def = asiakkuus();
    let h = FragmentHeader::default();
    assert!(render_fragment(def, &json!([1, 2]), &h, Lang::Fi).is_err());
    assert!(render_fragment(def, &json!({"muu": {}}), &h, Lang::Fi).is_err());
    // Wrong types everywhere are shown and marked, never a panic.
    let doc = json!({"asiakkuusasiakirja": {"asiakas": [1, {"x": null}], "sosiaalihuollon_asiakkuus": "teksti"}});
    let f = render_fragment(def, &doc, &h, Lang::Fi).unwrap();
    roxmltree::Document::parse(&f.xhtml).unwrap();
    assert!(!f.invalid_values.is_empty());
}

#[test]
fn koodisto_names_give_swedish_texts_the_definition_lacks() {
    use sosmeta_model::koodisto::{Code, CodeSet, CodeSets, FORMAT};
    let def = asiakkuus();
    let doc = samples::maximal(def);
    assert_eq!(
        doc["asiakkuusasiakirja"]["asiakas"]["asiointikieli"]["code"],
        "FI"
    );
    let names = |fi: &str, sv: &str| {
        [("fi", fi), ("sv", sv)]
            .into_iter()
            .map(|(l, n)| (l.to_string(), n.to_string()))
            .collect()
    };
    let code = |c: &str, fi: &str, sv: &str| Code {
        code: c.into(),
        status: None,
        begin_date: None,
        expiration_date: None,
        names: names(fi, sv),
        aliases: Vec::new(),
        attributes: Default::default(),
    };
    let sets = CodeSets::from_sets([CodeSet {
        format: FORMAT.into(),
        oid: "1.2.246.537.5.40175".into(),
        name: None,
        source: None,
        versions: Vec::new(),
        codes: vec![
            code("FI", "suomi", "finska"),
            code("SV", "ruotsi", "svenska"),
        ],
    }]);
    let h = FragmentHeader::default();
    let shown = |lang, sets| {
        let f = sosmeta_xhtml::render_fragment_with(def, &doc, &h, lang, sets).unwrap();
        let label = match lang {
            Lang::Fi => "Asiointikieli",
            Lang::Sv => "Kontaktspråk",
        };
        let at = f
            .xhtml
            .find(&format!(">{label}:<"))
            .expect("the language field");
        let rest = &f.xhtml[at..];
        let v = rest.find("soc-value\">").unwrap() + "soc-value\">".len();
        rest[v..v + rest[v..].find('<').unwrap()].to_string()
    };
    // The definition's Swedish text for FI is "Suomi"; the code set's is "finska".
    assert_eq!(shown(Lang::Sv, None), "Suomi");
    assert_eq!(shown(Lang::Sv, Some(&sets)), "finska");
    // In Finnish the document's own display stays first.
    let display = doc["asiakkuusasiakirja"]["asiakas"]["asiointikieli"]["display"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(shown(Lang::Fi, Some(&sets)), display);
}
