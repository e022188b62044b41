//! Tokens and files: shapes, version modules, the registry, templates.

use crate::shapes::{Shape, ShapeKind, SystemSpec, Ty};
use crate::{CodegenError, DefPlan, Options, Stats, COMMAND};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde::Serialize;
use sosmeta_model::{Definition, Release};
use std::collections::{BTreeMap, BTreeSet};

/// Names the generated crate uses itself; a shape that would take one gets `Element`.
pub(crate) const RESERVED: &[&str] = &[
    "Document",
    "Code",
    "Identifier",
    "Quantity",
    "PartialDate",
    "Instant",
    "Number",
    "Vec",
    "Option",
    "String",
    "Box",
    "Result",
    "Error",
    "Lang",
    "Value",
    "Self",
    "Some",
    "None",
    "Ok",
    "Err",
    "DefinitionInfo",
    "Coded",
    "CodeSet",
    "CodeValue",
    "HetuIdentifier",
    "NonEmptyString",
    "NonEmptyVec",
    "SystemRule",
];

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// The Cargo feature of a document subject: the subject in lower case, ASCII-folded,
/// without the trailing *asiakasasiakirjat*/*asiakirjat*, words joined by `-`
/// (`Lastensuojelun avohuollon asiakasasiakirjat` → `lastensuojelun-avohuollon`);
/// definitions without a subject go to `muut`.
pub fn feature_slug(subject: Option<&str>) -> String {
    let Some(s) = subject else {
        return "muut".to_string();
    };
    let folded: String = s
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'ä' | 'å' | 'á' | 'à' => 'a',
            'ö' | 'ø' => 'o',
            'é' | 'è' => 'e',
            'ü' => 'u',
            c if c.is_ascii_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    if words.len() > 1 && matches!(words.last(), Some(&"asiakasasiakirjat" | &"asiakirjat")) {
        words.pop();
    }
    if words.is_empty() {
        return "muut".to_string();
    }
    words.join("-")
}

fn ident_text(key: &str) -> String {
    let mut s: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while s.contains("__") {
        s = s.replace("__", "_");
    }
    if s.len() > 1 {
        s = s.trim_end_matches('_').to_string();
    }
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if s == "_" {
        s = "_field".to_string();
    }
    s
}

fn field_ident(key: &str) -> Ident {
    let s = ident_text(key);
    if KEYWORDS.contains(&s.as_str()) {
        if matches!(s.as_str(), "self" | "Self" | "crate" | "super") {
            return format_ident!("{}_", s);
        }
        return Ident::new_raw(&s, Span::call_site());
    }
    Ident::new(&s, Span::call_site())
}

/// The module of a root key (`asiakkuusasiakirja`).
pub(crate) fn module_name(key: &str) -> String {
    let s = ident_text(key);
    if KEYWORDS.contains(&s.as_str()) || s == "shapes" || s == "registry" {
        format!("{s}_")
    } else {
        s
    }
}

/// `v2023_06_01`.
pub(crate) fn version_module(def: &Definition) -> String {
    format!("v{}", def.version().format("%Y_%m_%d"))
}

/// `AsiakkuusasiakirjaV20230601`.
pub(crate) fn variant_name(def: &Definition) -> String {
    use heck::ToUpperCamelCase;
    format!(
        "{}V{}",
        ident_text(def.document_key()).to_upper_camel_case(),
        def.version().format("%Y%m%d")
    )
}

/// Enum variant names for a code list: the Finnish display in UpperCamelCase (ASCII
/// folded, at most 6 words), else `Koodi` and the code; a name taken twice gets the code.
fn variant_names(codes: &[(String, String, String)]) -> Vec<String> {
    use heck::ToUpperCamelCase;
    let fold = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                'ä' | 'å' | 'á' | 'à' => 'a',
                'Ä' | 'Å' => 'A',
                'ö' | 'ø' => 'o',
                'Ö' => 'O',
                'é' | 'è' => 'e',
                'ü' => 'u',
                c if c.is_ascii_alphanumeric() => c,
                _ => ' ',
            })
            .collect()
    };
    let code_part = |c: &str| -> String { fold(c).to_upper_camel_case() };
    let mut names: Vec<String> = codes
        .iter()
        .map(|(code, fi, _)| {
            let folded = fold(fi);
            let mut ws: Vec<&str> = folded.split_whitespace().collect();
            ws.truncate(6);
            let n = ws.join(" ").to_upper_camel_case();
            if n.is_empty() || !n.starts_with(|c: char| c.is_ascii_alphabetic()) {
                format!("Koodi{}{}", code_part(code), n)
            } else {
                n
            }
        })
        .collect();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for n in &names {
        *count.entry(n.clone()).or_default() += 1;
    }
    for (n, (code, _, _)) in names.iter_mut().zip(codes) {
        if count[n.as_str()] > 1 || n == "Self" {
            n.push_str("Koodi");
            n.push_str(&code_part(code));
        }
    }
    // Still equal (codes that fold alike): number them.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for n in names.iter_mut() {
        let mut cand = n.clone();
        let mut k = 2;
        while !seen.insert(cand.clone()) {
            cand = format!("{n}{k}");
            k += 1;
        }
        *n = cand;
    }
    names
}

fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        let l = format!(" {l}");
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

fn cfg_any(features: &BTreeSet<String>, all: &BTreeSet<String>) -> TokenStream {
    if features == all {
        return quote!();
    }
    if features.len() == 1 {
        let f = features.iter().next();
        return quote!(#[cfg(feature = #f)]);
    }
    let fs = features.iter();
    quote!(#[cfg(any(#(feature = #fs),*))])
}

fn ty_tokens(t: &Ty, shapes: &[Shape], prefix: &TokenStream) -> TokenStream {
    match t {
        Ty::String => quote!(String),
        Ty::NonEmptyString => quote!(sosmeta_types::NonEmptyString),
        Ty::HetuIdentifier => quote!(sosmeta_types::HetuIdentifier),
        Ty::Bool => quote!(bool),
        Ty::Number => quote!(sosmeta_types::Number),
        Ty::Integer => quote!(i64),
        Ty::PartialDate => quote!(sosmeta_types::PartialDate),
        Ty::Instant => quote!(sosmeta_types::Instant),
        Ty::Code => quote!(sosmeta_types::Code),
        Ty::Identifier => quote!(sosmeta_types::Identifier),
        Ty::Quantity => quote!(sosmeta_types::Quantity),
        Ty::Json => quote!(serde_json::Value),
        Ty::Shape(i) => {
            let n = format_ident!("{}", shapes[*i].name);
            match shapes[*i].kind {
                ShapeKind::Codes(_) => quote!(sosmeta_types::Coded<#prefix #n>),
                _ => quote!(#prefix #n),
            }
        }
        Ty::Vec(inner, min) => {
            let inner = ty_tokens(inner, shapes, prefix);
            if *min >= 1 {
                quote!(sosmeta_types::NonEmptyVec<#inner>)
            } else {
                quote!(Vec<#inner>)
            }
        }
    }
}

fn shape_tokens(
    s: &Shape,
    shapes: &[Shape],
    all: &BTreeSet<String>,
    with_cfg: bool,
    features: &BTreeSet<String>,
) -> TokenStream {
    let name = format_ident!("{}", s.name);
    let cfg = if with_cfg {
        cfg_any(features, all)
    } else {
        quote!()
    };
    let mut doc = s.doc.clone();
    doc.push(String::new());
    doc.push(format!(
        "Shape `{:016x}`, shared by {} element(s) of the release.",
        s.hash, s.uses
    ));
    let docs = doc_attrs(&doc);
    match &s.kind {
        ShapeKind::Phrase(text) => quote! {
            sosmeta_types::fixed_phrase!(#docs #cfg #name, #text);
        },
        ShapeKind::Codes(spec) => {
            let cname = &spec.name;
            let default = &spec.default_system;
            let system = match &spec.system {
                SystemSpec::Classification(oids) => {
                    quote!(sosmeta_types::SystemRule::Classification(&[#(#oids),*]))
                }
                SystemSpec::Exact(v) => quote!(sosmeta_types::SystemRule::Exact(&[#(#v),*])),
                SystemSpec::Any => quote!(sosmeta_types::SystemRule::Any),
            };
            match &spec.codes {
                Some(codes) => {
                    let variants = variant_names(codes);
                    let rows = codes.iter().zip(&variants).map(|((code, fi, sv), v)| {
                        let v = format_ident!("{}", v);
                        quote!(#v = (#code, #fi, #sv))
                    });
                    quote! {
                        sosmeta_types::code_list!(#docs #cfg #name, name = #cname,
                            default_system = #default, system = #system, [#(#rows),*]);
                    }
                }
                None => quote! {
                    sosmeta_types::classification!(#docs #cfg #name, name = #cname,
                        default_system = #default, system = #system);
                },
            }
        }
        ShapeKind::Struct(fields) => {
            // Declarations and data only: the struct, its JSON keys, a constructor of the
            // required members, one-line setters of the optional ones, and the thin
            // reader/writer calls into `sosmeta_types::record` (which also gives serde).
            let mut seen = BTreeSet::new();
            let mut field_tokens = Vec::new();
            let mut keys = Vec::new();
            let mut args = Vec::new();
            let mut inits = Vec::new();
            let mut reads = Vec::new();
            let mut writes = Vec::new();
            let mut setters = Vec::new();
            for (i, f) in fields.iter().enumerate() {
                let mut id = field_ident(&f.key);
                while !seen.insert(id.to_string()) {
                    id = format_ident!("{}_", id);
                }
                let k = &f.key;
                keys.push(quote!(#k));
                let fdoc = doc_attrs(s.field_docs.get(&f.key).map(Vec::as_slice).unwrap_or(&[]));
                let inner = ty_tokens(&f.ty, shapes, &quote!());
                // minItems 1 is the type (`NonEmptyVec`); more is checked when reading.
                let min = match &f.ty {
                    Ty::Vec(_, n) if *n > 1 => Some(*n),
                    _ => None,
                };
                let ty = if f.required {
                    quote!(#inner)
                } else {
                    quote!(Option<#inner>)
                };
                reads.push(match (f.required, min) {
                    (true, None) => quote!(#id: f.req(#i)?),
                    (true, Some(n)) => quote!(#id: f.req_min(#i, #n)?),
                    (false, None) => quote!(#id: f.opt(#i)?),
                    (false, Some(n)) => quote!(#id: f.opt_min(#i, #n)?),
                });
                if f.required {
                    writes.push(quote!(w.req(#i, &self.#id);));
                    args.push(quote!(#id: #inner));
                    inits.push(quote!(#id));
                } else {
                    writes.push(quote!(w.opt(#i, &self.#id);));
                    inits.push(quote!(#id: None));
                    let raw = id.to_string();
                    let setter = format_ident!("with_{}", raw.trim_start_matches("r#"));
                    let sdoc = format!(" Set `{k}` (builder).");
                    setters.push(quote! {
                        #[doc = #sdoc]
                        #[inline]
                        pub fn #setter(mut self, value: #inner) -> Self {
                            self.#id = Some(value);
                            self
                        }
                    });
                }
                field_tokens.push(quote! {
                    #fdoc
                    pub #id: #ty,
                });
            }
            // An object with no members (`{}`) uses neither parameter.
            let (f, w) = if fields.is_empty() {
                (format_ident!("_f"), format_ident!("_w"))
            } else {
                (format_ident!("f"), format_ident!("w"))
            };
            quote! {
                #docs
                #cfg
                #[derive(Debug, Clone, PartialEq)]
                pub struct #name {
                    #(#field_tokens)*
                }

                #cfg
                impl #name {
                    /// A value with the required elements given and every optional one absent.
                    #[inline]
                    pub fn new(#(#args),*) -> Self {
                        Self { #(#inits),* }
                    }
                    #(#setters)*
                }

                #cfg
                impl sosmeta_types::record::Record for #name {
                    const KEYS: &'static [&'static str] = &[#(#keys),*];
                    fn read_fields(
                        #f: &mut sosmeta_types::record::Fields,
                    ) -> ::std::result::Result<Self, sosmeta_types::record::ReadError> {
                        Ok(Self { #(#reads),* })
                    }
                    fn write_fields(&self, #w: &mut sosmeta_types::record::Writer) {
                        #(#writes)*
                    }
                }

                sosmeta_types::record!(#cfg #name);
            }
        }
    }
}

fn header(what: &str) -> String {
    format!(
        "// @generated by `{COMMAND}` (sosmeta-codegen) — {what}. Do not edit by hand:\n\
         // change sosmeta-codegen or the release, then run `{COMMAND}`.\n\n"
    )
}

fn pretty(file: &str, tokens: TokenStream, what: &str) -> Result<Vec<u8>, CodegenError> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| CodegenError::Syntax {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    Ok(format!(
        "{}#![cfg_attr(rustfmt, rustfmt::skip)]\n{}",
        header(what),
        prettyplease::unparse(&parsed)
    )
    .into_bytes())
}

#[derive(Serialize)]
struct DefRow {
    oid: String,
    version: String,
    dotted: String,
    status: String,
    title: String,
    title_sv: String,
    key: String,
    path: String,
    variant: String,
    feature: String,
    subject: String,
}

#[derive(Serialize)]
struct StatsRow {
    definitions: usize,
    object_nodes: usize,
    struct_shapes: usize,
    phrase_shapes: usize,
    features: usize,
}

#[derive(Serialize)]
struct TemplateCtx<'a> {
    command: &'a str,
    label: &'a str,
    definitions: Vec<DefRow>,
    features: Vec<FeatureRow>,
    default_features: &'a [String],
    stats: StatsRow,
    vendor_example: &'a str,
}

#[derive(Serialize)]
struct FeatureRow {
    name: String,
    subject: String,
    count: usize,
    default: bool,
}

const CARGO_TEMPLATE: &str = include_str!("../templates/Cargo.toml.j2");
const README_TEMPLATE: &str = include_str!("../templates/README.md.j2");
const DEFINITIONS_TEMPLATE: &str = include_str!("../templates/DEFINITIONS.md.j2");
const VENDOR_EXAMPLE: &str = include_str!("../templates/vendor_example.rs");

fn templates() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters"),
    );
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    for (n, t) in [
        ("Cargo.toml", CARGO_TEMPLATE),
        ("README.md", README_TEMPLATE),
        ("DEFINITIONS.md", DEFINITIONS_TEMPLATE),
    ] {
        env.add_template(n, t).expect("templates parse");
    }
    env
}

pub(crate) fn emit(
    release: &Release,
    opts: &Options,
    shapes: &[Shape],
    plans: &[DefPlan<'_>],
    features: &BTreeSet<String>,
    stats: &Stats,
) -> Result<BTreeMap<String, Vec<u8>>, CodegenError> {
    let mut files = BTreeMap::new();

    // src/shapes/: one file per feature for the shapes only that feature uses (the
    // module is compiled only with the feature), and one `shared_<feature>` file per
    // feature for shapes several features use (each with `cfg(any(...))`), named after
    // the first of its features. Many modules let rustc split the work into codegen units.
    let mut files_of: BTreeMap<String, (Option<&String>, Vec<TokenStream>)> = BTreeMap::new();
    let mut union_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in shapes {
        let first = s.features.iter().next().cloned().unwrap_or_default();
        let (module, own) = if s.features.len() == 1 {
            (ident_text(&first), Some(s.features.iter().next()).flatten())
        } else {
            (format!("shared_{}", ident_text(&first)), None)
        };
        union_of
            .entry(module.clone())
            .or_default()
            .extend(s.features.iter().cloned());
        let entry = files_of.entry(module).or_insert_with(|| (own, Vec::new()));
        let own_feature = entry.0.is_some();
        entry
            .1
            .push(shape_tokens(s, shapes, features, !own_feature, &s.features));
    }
    let mut shape_mods = Vec::new();
    for (module, (own, items)) in &files_of {
        let m = format_ident!("{}", module);
        let cfg = cfg_any(&union_of[module], features);
        shape_mods.push(quote! {
            #cfg mod #m;
            #cfg pub use #m::*;
        });
        let doc = match own {
            Some(f) => format!(" Shapes only the feature `{f}` uses."),
            None => " Shapes several features use, each compiled with any of them.".to_string(),
        };
        let tokens = quote! {
            #![doc = #doc]
            #[allow(unused_imports)]
            use super::*;
            #(#items)*
        };
        let path = format!("src/shapes/{module}.rs");
        files.insert(path.clone(), pretty(&path, tokens, "element shapes")?);
    }
    let shapes_tokens = quote! {
        //! Every distinct element shape of the release, generated once and shared by the
        //! definitions that use it (structural dedup). The names here are internal (the
        //! key and a hash of the shape): use the names of each definition version's module,
        //! which re-exports the shapes it uses under names from their elements' paths.
        #(#shape_mods)*
    };
    files.insert(
        "src/shapes/mod.rs".to_string(),
        pretty("src/shapes/mod.rs", shapes_tokens, "shared element shapes")?,
    );

    // One file per root key, one module per version.
    let mut by_module: BTreeMap<&str, Vec<(usize, &DefPlan<'_>)>> = BTreeMap::new();
    for (i, p) in plans.iter().enumerate() {
        by_module.entry(p.module.as_str()).or_default().push((i, p));
    }
    let mut mod_decls = Vec::new();
    for (module, defs) in &by_module {
        let mods = defs.iter().map(|(i, p)| version_tokens(*i, p, shapes));
        let first = defs[0].1.def;
        let title = format!(
            " *{}* (`{}`): every version of the definition in the release.",
            first.title(),
            first.document_key()
        );
        let tokens = quote! {
            #![doc = #title]
            #(#mods)*
        };
        let path = format!("src/{module}.rs");
        files.insert(
            path.clone(),
            pretty(&path, tokens, "one module per definition version")?,
        );
        let fs: BTreeSet<String> = defs.iter().map(|(_, p)| p.feature.clone()).collect();
        let cfg = cfg_any(&fs, features);
        let m = format_ident!("{}", module);
        let doc = format!(" *{}*: `{}`.", first.title(), first.document_key());
        mod_decls.push(quote!(#[doc = #doc] #cfg pub mod #m;));
    }

    files.insert(
        "src/lib.rs".to_string(),
        pretty(
            "src/lib.rs",
            lib_tokens(release, opts, plans, &mod_decls),
            "the registry and the embedded release",
        )?,
    );

    // Templates.
    let rows: Vec<DefRow> = plans
        .iter()
        .map(|p| DefRow {
            oid: p.def.oid().to_string(),
            version: p.def.version().format("%Y-%m-%d").to_string(),
            dotted: p.def.id.dotted(),
            status: p.def.status().to_string(),
            title: p.def.title().to_string(),
            title_sv: p.def.title_in(&sosmeta_model::Lang::Sv).to_string(),
            key: p.def.document_key().to_string(),
            path: format!("{}::{}", p.module, p.version_module),
            variant: p.variant.clone(),
            feature: p.feature.clone(),
            subject: p.def.subject().unwrap_or("").to_string(),
        })
        .collect();
    let feature_rows: Vec<FeatureRow> = features
        .iter()
        .map(|f| FeatureRow {
            name: f.clone(),
            subject: plans
                .iter()
                .find(|p| &p.feature == f)
                .and_then(|p| p.def.subject())
                .unwrap_or("(no documentSubject)")
                .to_string(),
            count: plans.iter().filter(|p| &p.feature == f).count(),
            default: opts.default_features.contains(f),
        })
        .collect();
    let ctx = minijinja::value::Serde(TemplateCtx {
        command: COMMAND,
        label: &opts.label,
        definitions: rows,
        features: feature_rows,
        default_features: &opts.default_features,
        stats: StatsRow {
            definitions: stats.definitions,
            object_nodes: stats.object_nodes,
            struct_shapes: stats.struct_shapes,
            phrase_shapes: stats.phrase_shapes,
            features: stats.features,
        },
        vendor_example: VENDOR_EXAMPLE.trim_end(),
    });
    let env = templates();
    for name in ["Cargo.toml", "README.md", "DEFINITIONS.md"] {
        let text = env
            .get_template(name)
            .and_then(|t| t.render(minijinja::value::Serde(&ctx.0)))
            .map_err(|e| CodegenError::Template {
                template: name.to_string(),
                message: format!("{e:#}"),
            })?;
        files.insert(name.to_string(), text.into_bytes());
    }
    Ok(files)
}

fn version_tokens(index: usize, p: &DefPlan<'_>, shapes: &[Shape]) -> TokenStream {
    let def = p.def;
    let vm = format_ident!("{}", p.version_module);
    let feature = &p.feature;
    let mut by_name: Vec<(&usize, &String)> = p.names.iter().collect();
    by_name.sort_by_key(|(_, n)| n.as_str());
    let reexports = by_name.into_iter().map(|(i, contextual)| {
        let internal = format_ident!("{}", shapes[*i].name);
        let contextual = format_ident!("{}", contextual);
        if internal == contextual {
            quote!(#internal)
        } else {
            quote!(#internal as #contextual)
        }
    });
    let root_key = def.document_key();
    let root_field = field_ident(root_key);
    let root_ty = match &p.root_ty {
        Ty::Shape(i) => {
            let n = format_ident!(
                "{}",
                p.names
                    .get(i)
                    .map_or(shapes[*i].name.as_str(), String::as_str)
            );
            quote!(#n)
        }
        other => ty_tokens(other, shapes, &quote!(crate::shapes::)),
    };
    let doc = format!(
        " *{}* ({}), version {}, {}: OID `{}` (`{}`).",
        def.title(),
        def.title_in(&sosmeta_model::Lang::Sv),
        def.version().format("%Y-%m-%d"),
        def.status(),
        def.oid(),
        def.id.dotted()
    );
    let subject = format!(
        " Subject: {} (feature `{feature}`).",
        def.subject().unwrap_or("none")
    );
    let variant = format_ident!("{}", p.variant);
    let doc_doc = format!(" A document of this definition: `{{\"{root_key}\": {{...}}}}`.");
    let root_doc = format!(" The document element `{root_key}`.");
    quote! {
        #[doc = #doc]
        #[doc = ""]
        #[doc = #subject]
        #[cfg(feature = #feature)]
        pub mod #vm {
            pub use crate::shapes::{#(#reexports),*};

            /// This definition version.
            pub static DEFINITION: &crate::DefinitionInfo = &crate::DEFINITIONS[#index];

            #[doc = #doc_doc]
            #[derive(Debug, Clone, PartialEq)]
            pub struct Document {
                #[doc = #root_doc]
                pub #root_field: #root_ty,
            }

            impl sosmeta_types::record::Record for Document {
                const KEYS: &'static [&'static str] = &[#root_key];
                fn read_fields(
                    f: &mut sosmeta_types::record::Fields,
                ) -> ::std::result::Result<Self, sosmeta_types::record::ReadError> {
                    Ok(Self { #root_field: f.req(0)? })
                }
                fn write_fields(&self, w: &mut sosmeta_types::record::Writer) {
                    w.req(0, &self.#root_field);
                }
            }

            sosmeta_types::record!(Document);

            impl Document {
                /// Parse a document of this definition; errors name the JSON path.
                pub fn from_json(json: &str) -> Result<Document, crate::Error> {
                    crate::parse_json(json, DEFINITION)
                }

                /// The document as JSON, exactly as Sosmeta expects it.
                pub fn to_json(&self) -> String {
                    crate::to_json(self)
                }

                /// The document as an XHTML 1.0 page in `lang`.
                pub fn to_xhtml(&self, lang: crate::Lang) -> String {
                    crate::to_xhtml(self, DEFINITION, lang)
                }

                /// This definition: OID, version, status and title.
                pub fn definition(&self) -> &'static crate::DefinitionInfo {
                    DEFINITION
                }
            }

            impl From<Document> for crate::Document {
                fn from(d: Document) -> crate::Document {
                    crate::Document::#variant(Box::new(d))
                }
            }
        }
    }
}

fn lib_tokens(
    release: &Release,
    opts: &Options,
    plans: &[DefPlan<'_>],
    mod_decls: &[TokenStream],
) -> TokenStream {
    let _ = release;
    let label = &opts.label;
    let feature_list: Vec<&str> = plans
        .iter()
        .map(|p| p.feature.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let infos = plans.iter().map(|p| {
        let d = p.def;
        let oid = d.oid();
        let version = d.version().format("%Y-%m-%d").to_string();
        let status = d.status().as_str();
        let title = d.title();
        let title_sv = d.title_in(&sosmeta_model::Lang::Sv);
        let key = d.document_key();
        let subject = match d.subject() {
            Some(s) => quote!(Some(#s)),
            None => quote!(None),
        };
        let feature = &p.feature;
        let path = format!("{}::{}", p.module, p.version_module);
        quote! {
            DefinitionInfo {
                oid: #oid,
                version: #version,
                status: #status,
                title: #title,
                title_sv: #title_sv,
                document_key: #key,
                subject: #subject,
                feature: #feature,
                module: #path,
                catalog: &CATALOG,
            }
        }
    });
    let variants = plans.iter().map(|p| {
        let v = format_ident!("{}", p.variant);
        let m = format_ident!("{}", p.module);
        let vm = format_ident!("{}", p.version_module);
        let f = &p.feature;
        let doc = format!(
            " *{}* {} ({}).",
            p.def.title(),
            p.def.version().format("%Y-%m-%d"),
            p.def.status()
        );
        quote!(#[doc = #doc] #[cfg(feature = #f)] #v(Box<#m::#vm::Document>),)
    });
    let arm = |body: TokenStream| {
        let arms = plans.iter().map(move |p| {
            let v = format_ident!("{}", p.variant);
            let f = &p.feature;
            quote!(#[cfg(feature = #f)] Document::#v(d) => #body,)
        });
        quote!(#(#arms)*)
    };
    let to_json_arms = arm(quote!(d.to_json()));
    let to_xhtml_arms = arm(quote!(d.to_xhtml(lang)));
    let def_arms = arm(quote!(d.definition()));
    let ser_arms = arm(quote!(d.serialize(s)));
    let parse_arms = plans.iter().enumerate().map(|(i, p)| {
        let v = format_ident!("{}", p.variant);
        let m = format_ident!("{}", p.module);
        let vm = format_ident!("{}", p.version_module);
        let f = &p.feature;
        quote! {
            #[cfg(feature = #f)]
            #i => #m::#vm::Document::from_json(json).map(|d| Document::#v(Box::new(d))),
        }
    });
    quote! {
        #![doc = include_str!("../README.md")]
        #![allow(clippy::large_enum_variant, clippy::too_many_arguments, clippy::new_without_default)]

        #(#mod_decls)*
        pub mod shapes;

        pub use sosmeta_types::{
            Code, CodeSet, CodeValue, Coded, HetuIdentifier, Identifier, Instant, NonEmptyString,
            NonEmptyVec, Number, PartialDate, Quantity, SystemRule,
        };
        pub use sosmeta_runtime::{DefinitionInfo, Error, Lang};
        #[doc(hidden)]
        pub use sosmeta_runtime::{parse_json, to_json, to_xhtml};

        /// The compact form of the pinned release (see [`sosmeta_model::compact`]).
        pub const EMBEDDED_RELEASE: &[u8] = include_bytes!("../data/release.json.gz");

        /// The label of the embedded release.
        pub const EMBEDDED_RELEASE_LABEL: &str = #label;

        /// The embedded release and the features of this build.
        pub static CATALOG: sosmeta_runtime::Catalog =
            sosmeta_runtime::Catalog::new(EMBEDDED_RELEASE_LABEL, EMBEDDED_RELEASE, ENABLED_FEATURES);

        /// The embedded default release, decoded once on first use.
        pub fn embedded_release() -> &'static sosmeta_model::Release {
            CATALOG.release()
        }

        /// Every definition version of the release, whether compiled in or not.
        pub static DEFINITIONS: &[DefinitionInfo] = &[#(#infos),*];

        /// True when `feature` is enabled in this build.
        pub fn enabled(feature: &str) -> bool {
            CATALOG.enabled(feature)
        }

        /// Features of this crate that are enabled in this build.
        pub static ENABLED_FEATURES: &[&str] = &[
            #(
                #[cfg(feature = #feature_list)]
                #feature_list,
            )*
        ];

        /// A document of any definition version compiled in (see the Cargo features).
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Document {
            #(#variants)*
            /// Never built; keeps the enum inhabited-checkable when no feature is enabled.
            #[doc(hidden)]
            __NoFeature(std::convert::Infallible),
        }

        impl Document {
            /// Parse `json` as a document of `definition` (`OID@YYYY-MM-DD`, the dotted
            /// `OID.y.m.d`, or a bare OID for the version in force). Errors name the JSON path.
            pub fn from_json(definition: &str, json: &str) -> Result<Document, Error> {
                let index = Self::resolve(definition)?;
                Self::parse_index(index, json)
            }

            /// Parse `json` as a document of the definition its root key names (the
            /// version in force, else the newest; see [`sosmeta_model::Release::select`]).
            pub fn from_json_by_root_key(json: &str) -> Result<Document, Error> {
                let index = CATALOG.select_json(DEFINITIONS, json)?;
                Self::parse_index(index, json)
            }

            /// Parse `json` as a document of version `version` (`YYYY-MM-DD`) of the
            /// definition its root key names. Errors name the JSON path.
            pub fn from_json_version(json: &str, version: &str) -> Result<Document, Error> {
                let index = CATALOG.select_json_version(DEFINITIONS, json, version)?;
                Self::parse_index(index, json)
            }

            /// The index in [`DEFINITIONS`] of a definition reference.
            pub fn resolve(definition: &str) -> Result<usize, Error> {
                CATALOG.resolve(DEFINITIONS, definition)
            }

            fn parse_index(index: usize, json: &str) -> Result<Document, Error> {
                let _ = json;
                match index {
                    #(#parse_arms)*
                    _ => Err(Error::not_compiled(DEFINITIONS, index)),
                }
            }

            /// The document as JSON, exactly as Sosmeta expects it.
            pub fn to_json(&self) -> String {
                match self {
                    #to_json_arms
                    Document::__NoFeature(n) => match *n {},
                }
            }

            /// The document as an XHTML 1.0 page in `lang`.
            pub fn to_xhtml(&self, lang: Lang) -> String {
                let _ = lang;
                match self {
                    #to_xhtml_arms
                    Document::__NoFeature(n) => match *n {},
                }
            }

            /// Its definition: OID, version, status and title.
            pub fn definition(&self) -> &'static DefinitionInfo {
                match self {
                    #def_arms
                    Document::__NoFeature(n) => match *n {},
                }
            }
        }

        impl serde::Serialize for Document {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let _ = &s;
                match self {
                    #ser_arms
                    Document::__NoFeature(n) => match *n {},
                }
            }
        }
    }
}
