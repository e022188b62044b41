//! `sosmeta list`, `sosmeta show`, `sosmeta schema`: explore the release.

use crate::{write_result as ignore_broken_pipe, DataFormat, UsageError, EXIT_OK};
use serde::Serialize;
use sosmeta_model::{Definition, Status};
use std::io::Write;
use std::path::Path;

/// Arguments of `sosmeta list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only definitions whose subject (asiakirjaryhmä) contains this text (case-insensitive).
    #[arg(long)]
    pub subject: Option<String>,
    /// Only definitions whose title, root key or OID contains this text (case-insensitive).
    #[arg(long)]
    pub search: Option<String>,
    /// Only versions with this status (Valmis, Vanhentunut).
    #[arg(long)]
    pub status: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: DataFormat,
}

#[derive(Serialize)]
struct Row<'a> {
    oid: &'a str,
    version: String,
    status: &'a str,
    root_key: &'a str,
    title: &'a str,
    subject: Option<&'a str>,
}

fn contains(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}

/// Run `sosmeta list`.
pub fn list(release: Option<&Path>, a: ListArgs) -> Result<u8, UsageError> {
    let v = crate::validator(release)?;
    let rows: Vec<Row> = v
        .release()
        .definitions()
        .iter()
        .filter(|d| {
            a.subject
                .as_deref()
                .is_none_or(|s| d.subject().is_some_and(|x| contains(x, s)))
                && a.status
                    .as_deref()
                    .is_none_or(|s| d.status().as_str().eq_ignore_ascii_case(s))
                && a.search.as_deref().is_none_or(|s| {
                    contains(d.title(), s) || contains(d.document_key(), s) || d.oid().contains(s)
                })
        })
        .map(|d| Row {
            oid: d.oid(),
            version: d.version().to_string(),
            status: d.status().as_str(),
            root_key: d.document_key(),
            title: d.title(),
            subject: d.subject(),
        })
        .collect();
    let mut out = std::io::stdout().lock();
    let r = if a.format == DataFormat::Json {
        serde_json::to_writer_pretty(&mut out, &rows)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out))
    } else {
        (|| {
            writeln!(
                out,
                "{:<28} {:<10} {:<11} {:<50} SUBJECT",
                "OID", "VERSION", "STATUS", "TITLE"
            )?;
            for r in &rows {
                writeln!(
                    out,
                    "{:<28} {:<10} {:<11} {:<50} {}",
                    r.oid,
                    r.version,
                    r.status,
                    r.title,
                    r.subject.unwrap_or("-")
                )?;
            }
            writeln!(out, "{} definition versions", rows.len())
        })()
    };
    ignore_broken_pipe(r)?;
    Ok(EXIT_OK)
}

/// Arguments of `sosmeta show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// `OID`, `OID@YYYY-MM-DD` or the dotted `OID.y.m.d`.
    pub definition: String,
    /// Output format: an indented tree, or JSON (the definition and one row per element).
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: DataFormat,
}

/// One element of `sosmeta show -f json`.
#[derive(Serialize)]
struct ElementRow<'a> {
    pointer: String,
    key: &'a str,
    name_fi: Option<&'a str>,
    name_sv: Option<&'a str>,
    representation: Option<String>,
    depth: usize,
    flags: Vec<String>,
}

/// Arguments of `sosmeta schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// `OID`, `OID@YYYY-MM-DD` or the dotted `OID.y.m.d`.
    pub definition: String,
}

fn header(d: &Definition) -> String {
    let status = if d.status() == &Status::Valmis {
        "Valmis (in force)".to_string()
    } else {
        d.status().to_string()
    };
    format!(
        "{} — {} [{}]\nroot key: {}  type: {}  subject: {}",
        d.title(),
        d.id,
        status,
        d.document_key(),
        d.document_type().unwrap_or("-"),
        d.subject().unwrap_or("-")
    )
}

fn element_rows(d: &Definition) -> Vec<ElementRow<'_>> {
    let mut rows = Vec::new();
    for item in d.document().walk() {
        let el = item.element;
        if el.sosmeta.is_none() && el.kind != sosmeta_model::Kind::Array {
            continue; // system/code/display/value and array items shown via the array
        }
        if item.data_path.ends_with("/*") {
            continue;
        }
        let mut flags = Vec::new();
        if el.meta().and_then(|m| m.required) == Some(true) {
            flags.push("required".to_string());
        }
        if el.is_repeatable() {
            flags.push("repeatable".to_string());
        }
        if el.is_conditional_required() {
            flags.push("conditional".to_string());
        }
        if el.is_hidden_field() {
            flags.push("hidden".to_string());
        }
        if let Some(vs) = el.value_set() {
            match vs.entries() {
                Some(e) => flags.push(format!("{} codes", e.len())),
                None => flags.push("value set (prose)".to_string()),
            }
        }
        for oid in el.classification_oids() {
            flags.push(format!("classification {oid}"));
        }
        let depth = item
            .data_path
            .matches('/')
            .count()
            .saturating_sub(item.data_path.matches("/*").count());
        rows.push(ElementRow {
            pointer: item.data_path,
            key: &el.key,
            name_fi: el.name_fi(),
            name_sv: el
                .meta()
                .and_then(|m| m.name.as_ref())
                .and_then(|n| n.get(&sosmeta_model::Lang::Sv)),
            representation: el.representation().map(|r| r.to_string()),
            depth,
            flags,
        });
    }
    rows
}

/// Run `sosmeta show`: the element tree with names, representations and flags.
pub fn show(release: Option<&Path>, a: ShowArgs) -> Result<u8, UsageError> {
    let v = crate::validator(release)?;
    let d = v.resolve(&a.definition)?;
    let rows = element_rows(d);
    let mut out = std::io::stdout().lock();
    let r = if a.format == DataFormat::Json {
        let json = serde_json::json!({
            "oid": d.oid(),
            "version": d.version().to_string(),
            "status": d.status().as_str(),
            "title": d.title(),
            "root_key": d.document_key(),
            "document_type": d.document_type(),
            "subject": d.subject(),
            "elements": rows,
        });
        serde_json::to_writer_pretty(&mut out, &json)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out))
    } else {
        (|| {
            writeln!(out, "{}", header(d))?;
            for r in &rows {
                writeln!(
                    out,
                    "{}{} ({}){}{}",
                    "  ".repeat(r.depth),
                    r.name_fi.unwrap_or(r.key),
                    if r.key.is_empty() { "-" } else { r.key },
                    r.representation
                        .as_ref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default(),
                    if r.flags.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", r.flags.join(", "))
                    }
                )?;
            }
            Ok(())
        })()
    };
    ignore_broken_pipe(r)?;
    Ok(EXIT_OK)
}

/// Run `sosmeta schema`: the JSON Schema as the model writes it.
pub fn schema(release: Option<&Path>, a: SchemaArgs) -> Result<u8, UsageError> {
    let v = crate::validator(release)?;
    let d = v.resolve(&a.definition)?;
    let mut out = std::io::stdout().lock();
    let r = serde_json::to_writer_pretty(&mut out, &d.to_json_schema())
        .map_err(std::io::Error::from)
        .and_then(|_| writeln!(out));
    ignore_broken_pipe(r)?;
    Ok(EXIT_OK)
}
