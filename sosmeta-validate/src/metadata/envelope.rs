//! The document envelope: `{"metadata": {...}, "content": {<root key>: ...}}`.
//!
//! Its JSON Schema is `sosmeta-validate/schemas/envelope.schema.json` ([`ENVELOPE_SCHEMA`]).
//! Reading is lenient: every member that is missing or malformed becomes a
//! `meta.envelope` finding with its JSON pointer, and the rest is still checked.

use super::calendar::Environment;
use super::finding_at;
use crate::finding::{Finding, Severity};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::{Map, Value};

/// The JSON Schema of the envelope.
pub const ENVELOPE_SCHEMA: &str = include_str!("../../schemas/envelope.schema.json");

/// Rule id of a malformed or missing envelope member.
pub const META_ENVELOPE: crate::registry::Rule = crate::registry::ids::META_ENVELOPE;

/// True when `doc` has the shape of an envelope (an object with `metadata` and `content`).
pub fn is_envelope(doc: &Value) -> bool {
    doc.as_object()
        .is_some_and(|o| o.contains_key("metadata") && o.contains_key("content"))
}

/// A code `{system, code, display?}` in the metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaCode {
    /// The code system (`urn:oid:...` or an OID).
    pub system: String,
    /// The code.
    pub code: String,
    /// The display text, if given.
    pub display: Option<String>,
}

/// An identifier `{system?, value}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaIdentifier {
    /// The identifier system, if given.
    pub system: Option<String>,
    /// The identifier.
    pub value: String,
}

/// The recorder (*tallentaja*).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorder {
    /// Given names (*etunimet*).
    pub given_names: String,
    /// Family name (*sukunimi*).
    pub family_name: String,
    /// An identifier, where given.
    pub identifier: Option<MetaIdentifier>,
}

/// Public or private service provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sector {
    /// A public provider (*julkinen palvelunantaja*).
    Public,
    /// A private provider (*yksityinen palvelunantaja*).
    Private,
}

/// The service provider (*palvelunantaja*).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceProvider {
    /// The provider's OID.
    pub oid: String,
    /// Public or private.
    pub sector: Sector,
    /// The joining model (*liittymismalli*) of a private provider.
    pub joining_model: Option<MetaCode>,
}

/// Whose register the document goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Register {
    /// The provider's own register.
    Provider,
    /// The organiser's register (*järjestäjän rekisteri*, through rekisterinkäyttöoikeus).
    Organiser {
        /// The organiser's OID, if given.
        organiser_oid: Option<String>,
    },
}

/// The phase of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// A 1st phase document.
    First,
    /// A 2nd or later phase (structured) document.
    SecondOrLater,
}

/// The metadata of an envelope; members that could not be read are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// The definition: OID and version.
    pub definition: Option<(String, NaiveDate)>,
    /// AT or TU.
    pub environment: Option<Environment>,
    /// When the document was created.
    pub created: Option<DateTime<FixedOffset>>,
    /// When the document is stored.
    pub stored: Option<DateTime<FixedOffset>>,
    /// The phase.
    pub phase: Option<Phase>,
    /// The recorder.
    pub recorder: Option<Recorder>,
    /// The service provider.
    pub service_provider: Option<ServiceProvider>,
    /// The register.
    pub register: Option<Register>,
    /// The service task (*palvelutehtävä*).
    pub service_task: Option<MetaCode>,
    /// The storage format as written (`JSON` or `XHTML` are valid).
    pub format: Option<String>,
}

struct Reader {
    findings: Vec<Finding>,
}

impl Reader {
    fn bad(&mut self, pointer: &str, label: &str, message: String) {
        self.findings.push(finding_at(
            META_ENVELOPE,
            Severity::Error,
            pointer,
            label,
            message,
        ));
    }

    fn member<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        base: &str,
        key: &str,
        label: &str,
        required: bool,
    ) -> Option<&'a Value> {
        let v = obj.get(key);
        if v.is_none() && required {
            self.bad(
                &format!("{base}/{key}"),
                label,
                format!("metadata has no `{key}`"),
            );
        }
        v
    }

    fn string(&mut self, v: Option<&Value>, pointer: &str, label: &str) -> Option<String> {
        match v? {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            other => {
                self.bad(
                    pointer,
                    label,
                    format!("expected a non-empty string, found {other}"),
                );
                None
            }
        }
    }

    fn object<'a>(
        &mut self,
        v: Option<&'a Value>,
        pointer: &str,
        label: &str,
    ) -> Option<&'a Map<String, Value>> {
        match v? {
            Value::Object(o) => Some(o),
            other => {
                self.bad(pointer, label, format!("expected an object, found {other}"));
                None
            }
        }
    }

    fn oid(&mut self, v: Option<&Value>, pointer: &str, label: &str) -> Option<String> {
        let s = self.string(v, pointer, label)?;
        if sosmeta_model::id::is_oid(&s) {
            Some(s)
        } else {
            self.bad(pointer, label, format!("`{s}` is not an OID"));
            None
        }
    }

    fn time(
        &mut self,
        v: Option<&Value>,
        pointer: &str,
        label: &str,
    ) -> Option<DateTime<FixedOffset>> {
        let s = self.string(v, pointer, label)?;
        match DateTime::parse_from_rfc3339(&s) {
            Ok(t) => Some(t),
            Err(e) => {
                self.bad(
                    pointer,
                    label,
                    format!("`{s}` is not an RFC 3339 date-time with zone: {e}"),
                );
                None
            }
        }
    }

    fn code(&mut self, v: Option<&Value>, pointer: &str, label: &str) -> Option<MetaCode> {
        let o = self.object(v, pointer, label)?;
        let system = self.string(o.get("system"), &format!("{pointer}/system"), label);
        let code = self.string(o.get("code"), &format!("{pointer}/code"), label);
        if o.get("system").is_none() || o.get("code").is_none() {
            self.bad(pointer, label, "a code needs `system` and `code`".into());
        }
        let display = o.get("display").and_then(Value::as_str).map(str::to_string);
        Some(MetaCode {
            system: system?,
            code: code?,
            display,
        })
    }
}

/// Read the metadata of an envelope, with a `meta.envelope` finding for each member that
/// is missing or malformed.
pub fn read_metadata(metadata: &Value) -> (Metadata, Vec<Finding>) {
    let mut r = Reader {
        findings: Vec::new(),
    };
    let mut m = Metadata::default();
    let Some(obj) = r.object(Some(metadata), "/metadata", "Metatiedot") else {
        return (m, r.findings);
    };
    let b = "/metadata";

    if let Some(def) = r.member(obj, b, "definition", "Asiakirjarakenne", true) {
        m.definition = read_definition(&mut r, def);
    }
    if let Some(v) = r.member(obj, b, "environment", "Ympäristö", true) {
        match v.as_str().map(str::parse::<Environment>) {
            Some(Ok(e)) => m.environment = Some(e),
            _ => r.bad(
                "/metadata/environment",
                "Ympäristö",
                format!("expected \"AT\" or \"TU\", found {v}"),
            ),
        }
    }
    let created = r.member(obj, b, "created", "Luontiaika", true);
    m.created = r.time(created, "/metadata/created", "Luontiaika");
    let stored = r.member(obj, b, "stored", "Tallennusaika", true);
    m.stored = r.time(stored, "/metadata/stored", "Tallennusaika");
    if let Some(v) = r.member(obj, b, "phase", "Vaihe", true) {
        m.phase = match v {
            Value::Number(n) if n.as_u64() == Some(1) => Some(Phase::First),
            Value::Number(n) if n.as_u64() == Some(2) => Some(Phase::SecondOrLater),
            Value::String(s) if s == "1" => Some(Phase::First),
            Value::String(s) if s == "2" => Some(Phase::SecondOrLater),
            other => {
                r.bad(
                    "/metadata/phase",
                    "Vaihe",
                    format!("expected 1 (1st phase) or 2 (2nd or later phase), found {other}"),
                );
                None
            }
        };
    }
    let rec = r.member(obj, b, "recorder", "Tallentaja", true);
    if let Some(o) = r.object(rec, "/metadata/recorder", "Tallentaja") {
        let p = "/metadata/recorder";
        let given = r.member(o, p, "givenNames", "Tallentaja", true);
        let given = r.string(given, "/metadata/recorder/givenNames", "Tallentaja");
        let family = r.member(o, p, "familyName", "Tallentaja", true);
        let family = r.string(family, "/metadata/recorder/familyName", "Tallentaja");
        let identifier = match o.get("identifier") {
            None => None,
            Some(v) => {
                let io = r.object(Some(v), "/metadata/recorder/identifier", "Tallentaja");
                io.and_then(|io| {
                    let value = r.string(
                        io.get("value"),
                        "/metadata/recorder/identifier/value",
                        "Tallentaja",
                    );
                    if io.get("value").is_none() {
                        r.bad(
                            "/metadata/recorder/identifier/value",
                            "Tallentaja",
                            "identifier has no `value`".into(),
                        );
                    }
                    Some(MetaIdentifier {
                        system: io.get("system").and_then(Value::as_str).map(str::to_string),
                        value: value?,
                    })
                })
            }
        };
        if let (Some(given_names), Some(family_name)) = (given, family) {
            m.recorder = Some(Recorder {
                given_names,
                family_name,
                identifier,
            });
        }
    }
    let sp = r.member(obj, b, "serviceProvider", "Palvelunantaja", true);
    if let Some(o) = r.object(sp, "/metadata/serviceProvider", "Palvelunantaja") {
        let p = "/metadata/serviceProvider";
        let oid = r.member(o, p, "oid", "Palvelunantaja", true);
        let oid = r.oid(oid, "/metadata/serviceProvider/oid", "Palvelunantaja");
        let sector = match r.member(o, p, "sector", "Palvelunantaja", true) {
            Some(Value::String(s)) if s == "public" => Some(Sector::Public),
            Some(Value::String(s)) if s == "private" => Some(Sector::Private),
            Some(other) => {
                r.bad(
                    "/metadata/serviceProvider/sector",
                    "Palvelunantaja",
                    format!("expected \"public\" or \"private\", found {other}"),
                );
                None
            }
            None => None,
        };
        let joining_model = r.code(
            o.get("joiningModel"),
            "/metadata/serviceProvider/joiningModel",
            "Liittymismalli",
        );
        if let (Some(oid), Some(sector)) = (oid, sector) {
            m.service_provider = Some(ServiceProvider {
                oid,
                sector,
                joining_model,
            });
        }
    }
    let reg = r.member(obj, b, "register", "Rekisteri", true);
    if let Some(o) = r.object(reg, "/metadata/register", "Rekisteri") {
        let organiser_oid = r.oid(
            o.get("organiserOid"),
            "/metadata/register/organiserOid",
            "Rekisteri",
        );
        m.register = match r.member(o, "/metadata/register", "kind", "Rekisteri", true) {
            Some(Value::String(s)) if s == "provider" => Some(Register::Provider),
            Some(Value::String(s)) if s == "organiser" => {
                Some(Register::Organiser { organiser_oid })
            }
            Some(other) => {
                r.bad(
                    "/metadata/register/kind",
                    "Rekisteri",
                    format!("expected \"provider\" or \"organiser\", found {other}"),
                );
                None
            }
            None => None,
        };
    }
    let task = r.member(obj, b, "serviceTask", "Palvelutehtävä", true);
    m.service_task = r.code(task, "/metadata/serviceTask", "Palvelutehtävä");
    if let Some(v) = r.member(obj, b, "format", "Tallennusmuoto", true) {
        m.format = Some(match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    }
    (m, r.findings)
}

fn read_definition(r: &mut Reader, v: &Value) -> Option<(String, NaiveDate)> {
    let p = "/metadata/definition";
    let label = "Asiakirjarakenne";
    let (oid, version) = match v {
        Value::String(s) => match s.parse::<sosmeta_model::DefinitionRef>() {
            Ok(sosmeta_model::DefinitionRef::Version(id)) => return Some((id.oid, id.version)),
            Ok(sosmeta_model::DefinitionRef::Dotted {
                as_version: Some(id),
                ..
            }) => return Some((id.oid, id.version)),
            _ => {
                r.bad(p, label, format!("`{s}` is not OID@YYYY-MM-DD"));
                return None;
            }
        },
        Value::Object(o) => {
            let oid = r.member(o, p, "oid", label, true);
            let oid = r.oid(oid, "/metadata/definition/oid", label);
            let version = r.member(o, p, "version", label, true);
            let version = r.string(version, "/metadata/definition/version", label);
            (oid?, version?)
        }
        other => {
            r.bad(
                p,
                label,
                format!("expected {{\"oid\", \"version\"}}, found {other}"),
            );
            return None;
        }
    };
    match NaiveDate::parse_from_str(&version, "%Y-%m-%d") {
        Ok(d) if version.len() == 10 => Some((oid, d)),
        _ => {
            r.bad(
                "/metadata/definition/version",
                label,
                format!("`{version}` is not a date YYYY-MM-DD"),
            );
            None
        }
    }
}
