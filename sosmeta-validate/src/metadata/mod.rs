//! Metadata checks: a document's Kanta metadata against its definition, the release
//! calendar and its content (issue: metadata checks).
//!
//! An envelope `{"metadata": {...}, "content": {...}}` ([`envelope`]) carries the metadata;
//! [`check_envelope`] runs every `meta.*` rule, and [`check_calendar`] runs the calendar
//! rules alone for plain documents (`sosmeta validate --on DATE --env AT|TU`).

pub mod calendar;
pub mod envelope;

use crate::finding::{Finding, Severity};
use calendar::{Calendar, Environment, Support};
use chrono::NaiveDate;
use envelope::{Metadata, Phase, Register, Sector};
use serde_json::Value;
use sosmeta_model::{Definition, Kind, Release, Representation, SelectError, Status};

/// The stable ids of the metadata rules.
pub mod rules {
    use crate::registry::{ids, Rule};

    /// The metadata's OID or version is not in the release.
    pub const DEFINITION_UNKNOWN: Rule = ids::META_DEFINITION_UNKNOWN;
    /// The content's root key is not the definition's.
    pub const DEFINITION_MISMATCH: Rule = ids::META_DEFINITION_MISMATCH;
    /// Stored before the version is supported in that environment.
    pub const DEFINITION_NOT_YET_SUPPORTED: Rule = ids::META_DEFINITION_NOT_YET_SUPPORTED;
    /// A Vanhentunut version is used although a newer Valmis version is supported.
    pub const DEFINITION_SUPERSEDED: Rule = ids::META_DEFINITION_SUPERSEDED;
    /// 1st-phase content stored after 31.8.2026.
    pub const PHASE1_EXPIRED: Rule = ids::META_PHASE1_EXPIRED;
    /// The recorder is not one of the authors in the content.
    pub const RECORDER_NOT_AUTHOR: Rule = ids::META_RECORDER_NOT_AUTHOR;
    /// The definition has no author element, so the recorder check was skipped.
    pub const RECORDER_SKIPPED: Rule = ids::META_RECORDER_SKIPPED;
    /// A private provider does not state its joining model.
    pub const JOINING_MODEL_MISSING: Rule = ids::META_JOINING_MODEL_MISSING;
    /// A document for the organiser's register does not name a different organiser.
    pub const REGISTER_ORGANISER_MISSING: Rule = ids::META_REGISTER_ORGANISER_MISSING;
    /// The storage format is not JSON or XHTML.
    pub const FORMAT: Rule = ids::META_FORMAT;
    /// A metadata member is missing or malformed.
    pub const ENVELOPE: Rule = ids::META_ENVELOPE;
}

/// The last day 1st-phase documents may be stored (from 1.9.2026 every document must be
/// a structured document of the 2nd or later phase).
pub fn phase1_last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 8, 31).expect("valid date")
}

pub(crate) fn finding_at(
    rule: crate::registry::Rule,
    severity: Severity,
    pointer: &str,
    label: &str,
    message: String,
) -> Finding {
    let path = if label.is_empty() {
        "Metatiedot".to_string()
    } else {
        format!("Metatiedot > {label}")
    };
    Finding::new(rule, severity, pointer, path, message)
}

/// Format a date the Finnish way (`17.4.2025`) with the ISO form.
fn fi_date(d: NaiveDate) -> String {
    format!("{} ({})", d.format("%-d.%-m.%Y"), d)
}

/// What the metadata checks found, and the definition the metadata names (if it exists).
#[derive(Debug)]
pub struct EnvelopeCheck<'r> {
    /// The definition named by the metadata, when the release has it.
    pub definition: Option<&'r Definition>,
    /// The findings, metadata rules only.
    pub findings: Vec<Finding>,
    /// The metadata as read.
    pub metadata: Metadata,
}

/// Run every metadata rule on an envelope's `metadata` and `content`.
pub fn check_envelope<'r>(
    release: &'r Release,
    calendar: &Calendar,
    metadata: &Value,
    content: &Value,
) -> EnvelopeCheck<'r> {
    let (meta, mut findings) = envelope::read_metadata(metadata);
    let definition = meta.definition.as_ref().and_then(|(oid, version)| {
        check_definition(release, oid, *version, content, &mut findings)
    });
    if let (Some(def), Some(env), Some(stored)) = (definition, meta.environment, meta.stored) {
        findings.extend(check_calendar(
            release,
            calendar,
            def,
            env,
            stored.date_naive(),
        ));
    }
    check_phase(&meta, &mut findings);
    if let Some(def) = definition {
        check_recorder(def, &meta, content, &mut findings);
    }
    check_provider(&meta, &mut findings);
    if let Some(f) = &meta.format {
        if f != "JSON" && f != "XHTML" {
            findings.push(finding_at(
                rules::FORMAT,
                Severity::Error,
                "/metadata/format",
                "Tallennusmuoto",
                format!("storage format `{f}` is not JSON or XHTML"),
            ));
        }
    }
    if let Some(def) = definition {
        for f in &mut findings {
            f.definition = Some(def.id.clone());
        }
    }
    EnvelopeCheck {
        definition,
        findings,
        metadata: meta,
    }
}

fn check_definition<'r>(
    release: &'r Release,
    oid: &str,
    version: NaiveDate,
    content: &Value,
    findings: &mut Vec<Finding>,
) -> Option<&'r Definition> {
    let reference = sosmeta_model::DefinitionRef::Version(sosmeta_model::DefinitionId {
        oid: oid.to_string(),
        version,
    });
    let keys: Vec<&str> = content
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    match release.select(Some(&reference), &keys) {
        Ok(selection) => Some(selection.definition),
        Err(e @ SelectError::RootKeyMismatch { .. }) => {
            let SelectError::RootKeyMismatch { definition, .. } = &e else {
                unreachable!("matched above")
            };
            let def = release.get(definition)?;
            findings.push(finding_at(
                rules::DEFINITION_MISMATCH,
                Severity::Error,
                "/content",
                "Asiakirjarakenne",
                format!("{e} ({})", def.title()),
            ));
            Some(def)
        }
        Err(e) => {
            findings.push(finding_at(
                rules::DEFINITION_UNKNOWN,
                Severity::Error,
                "/metadata/definition",
                "Asiakirjarakenne",
                format!("{e} (release {})", release.label().unwrap_or("?")),
            ));
            None
        }
    }
}

/// The calendar rules for a definition version stored on `on` in `env`:
/// `meta.definition.not-yet-supported` and `meta.definition.superseded`.
pub fn check_calendar(
    release: &Release,
    calendar: &Calendar,
    def: &Definition,
    env: Environment,
    on: NaiveDate,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let support = calendar.support(def.version(), env);
    if !support.on(on) {
        let message = match &support {
            Support::From { date, publication } => format!(
                "{} belongs to the Sosmeta publication {publication} and is supported in {env} from {}; the document is stored on {}",
                def.id,
                fi_date(*date),
                fi_date(on)
            ),
            Support::Unknown { last_known } => format!(
                "{} is dated after the last publication the release calendar knows ({last_known}): it is not yet supported in {env}; the calendar needs its next row",
                def.id
            ),
            Support::Always => unreachable!("always supported"),
        };
        out.push(finding_at(
            rules::DEFINITION_NOT_YET_SUPPORTED,
            Severity::Error,
            "/metadata/definition",
            "Asiakirjarakenne",
            message,
        ));
    }
    if def.status() == &Status::Vanhentunut {
        let newer = release.versions(def.oid()).into_iter().rev().find(|d| {
            d.version() > def.version()
                && d.status() == &Status::Valmis
                && calendar.support(d.version(), env).on(on)
        });
        if let Some(newer) = newer {
            out.push(finding_at(
                rules::DEFINITION_SUPERSEDED,
                Severity::Warning,
                "/metadata/definition",
                "Asiakirjarakenne",
                format!(
                    "{} is Vanhentunut; the newer Valmis version {} is supported in {env} on {}",
                    def.id,
                    newer.version(),
                    fi_date(on)
                ),
            ));
        }
    }
    for f in &mut out {
        f.definition = Some(def.id.clone());
    }
    out
}

fn check_phase(meta: &Metadata, findings: &mut Vec<Finding>) {
    if let (Some(Phase::First), Some(stored)) = (meta.phase, meta.stored) {
        let day = stored.date_naive();
        if day > phase1_last_day() {
            findings.push(finding_at(
                rules::PHASE1_EXPIRED,
                Severity::Error,
                "/metadata/phase",
                "Vaihe",
                format!(
                    "1st-phase documents may be stored until 31.8.2026; this one is stored on {}: from 1.9.2026 every document must be a structured document of the 2nd or later phase",
                    fi_date(day)
                ),
            ));
        }
    }
}

fn check_provider(meta: &Metadata, findings: &mut Vec<Finding>) {
    let Some(provider) = &meta.service_provider else {
        return;
    };
    if provider.sector == Sector::Private && provider.joining_model.is_none() {
        findings.push(finding_at(
            rules::JOINING_MODEL_MISSING,
            Severity::Error,
            "/metadata/serviceProvider/joiningModel",
            "Liittymismalli",
            "a private service provider must state its joining model (liittymismalli): a code of the classification of Kanta joining models for private providers".into(),
        ));
    }
    if let Some(Register::Organiser { organiser_oid }) = &meta.register {
        let message = match organiser_oid {
            None => Some("a document for the organiser's register must name the organiser (register.organiserOid)".to_string()),
            Some(o) if *o == provider.oid => Some(format!(
                "the organiser ({o}) must differ from the service provider: a provider's own register is register.kind \"provider\""
            )),
            Some(_) => None,
        };
        if let Some(message) = message {
            findings.push(finding_at(
                rules::REGISTER_ORGANISER_MISSING,
                Severity::Error,
                "/metadata/register/organiserOid",
                "Rekisteri",
                message,
            ));
        }
    }
}

/// An author (*laatija*) found in the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// JSON pointer of the author in the document.
    pub pointer: String,
    /// Given names (*etunimet*).
    pub given_names: Option<String>,
    /// Family name (*sukunimi*).
    pub family_name: Option<String>,
    /// An identifier (a Tunnus child), if the definition has one and it is filled.
    pub identifier: Option<String>,
}

/// The authors (*laatija*) of a document; `None` when the definition has no laatija element.
pub fn authors(def: &Definition, content: &Value) -> Option<Vec<Author>> {
    let elements = def.author_elements();
    if elements.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for item in elements {
        let path = format!("/{}{}", def.document_key(), item.data_path);
        let element = item.element.item();
        for (pointer, value) in sosmeta_model::element::values_at(content, &path) {
            let items: Vec<(String, &Value)> = match value {
                Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("{pointer}/{i}"), v))
                    .collect(),
                v => vec![(pointer, v)],
            };
            for (pointer, v) in items {
                let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
                let identifier = element
                    .children()
                    .iter()
                    .find(|c| {
                        c.representation() == Some(Representation::Tunnus) && c.kind == Kind::Object
                    })
                    .and_then(|c| v.get(&c.key))
                    .and_then(|id| id.get("value"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                out.push(Author {
                    pointer,
                    given_names: text("etunimet"),
                    family_name: text("sukunimi"),
                    identifier,
                });
            }
        }
    }
    Some(out)
}

fn same_name(a: &str, b: &str) -> bool {
    sosmeta_model::text::normalize(a) == sosmeta_model::text::normalize(b)
}

fn check_recorder(def: &Definition, meta: &Metadata, content: &Value, findings: &mut Vec<Finding>) {
    let Some(recorder) = &meta.recorder else {
        return;
    };
    let Some(authors) = authors(def, content) else {
        findings.push(finding_at(
            rules::RECORDER_SKIPPED,
            Severity::Info,
            "/metadata/recorder",
            "Tallentaja",
            format!(
                "{} has no author (laatija) element: the recorder check was skipped",
                def.id
            ),
        ));
        return;
    };
    let matches = |a: &Author| match (&recorder.identifier, &a.identifier) {
        (Some(r), Some(id)) => r.value.trim() == id.trim(),
        _ => {
            a.given_names
                .as_deref()
                .is_some_and(|g| same_name(g, &recorder.given_names))
                && a.family_name
                    .as_deref()
                    .is_some_and(|f| same_name(f, &recorder.family_name))
        }
    };
    if !authors.iter().any(matches) {
        let who = format!("{} {}", recorder.given_names, recorder.family_name);
        let message = match authors.len() {
            0 => format!(
                "the recorder {who} must be an author (laatija), but the content names no author"
            ),
            1 => format!(
                "the recorder {who} is not the author (laatija) {}",
                author_name(&authors[0])
            ),
            _ => format!(
                "the recorder {who} is none of the authors (laatija): {}",
                authors
                    .iter()
                    .map(author_name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        findings.push(finding_at(
            rules::RECORDER_NOT_AUTHOR,
            Severity::Error,
            "/metadata/recorder",
            "Tallentaja",
            message,
        ));
    }
}

fn author_name(a: &Author) -> String {
    format!(
        "{} {}",
        a.given_names.as_deref().unwrap_or("?"),
        a.family_name.as_deref().unwrap_or("?")
    )
}
