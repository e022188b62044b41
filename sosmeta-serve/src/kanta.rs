//! The Kanta customer-test validation contract (KANTA-FORMAT.md section 7), at the same
//! path as Kanta's service ([`crate::KANTA_PATH`]).
//!
//! Request (what the public clients send, `Content-Type: application/json`):
//! `{"messageId": "<uuid>", "palveluPyynto": "SP1", "level": "1", "siirtokehysXml":
//! "<?xml ...", "asiakirjaXml": "<?xml ..."}`: the transfer frame and the CDA as strings,
//! the service request read from the frame's `controlActProcess/reasonCode`.
//!
//! Answer: a valid document gets `200` with an empty body, as from Kanta. An invalid one
//! gets `400` with `{"description": "1: <rule id>: <message> (at <location>); 2: ...",
//! "messageId": ..., "findings": [...]}`: Kanta's numbered messages (the errors), each
//! with our rule id and location, and every finding (warnings too) as the validate report
//! writes it. A request that is not of this shape also gets `400` with a `description`.

use crate::{api, blocking, AppState, Counted};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sosmeta_kanta::validate::same_code_system;
use sosmeta_kanta::ArchiveValidator;
use sosmeta_validate::finding::rules;
use sosmeta_validate::report::DocumentResult;
use sosmeta_validate::{Finding, Severity};

/// The request body of the Kanta contract.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KantaRequest {
    /// The message id (a UUID in the public clients); echoed in an invalid answer.
    #[serde(default)]
    pub message_id: Option<String>,
    /// The service request (palvelupyyntö, `SP1` or `SP17`): must equal the frame's.
    #[serde(default)]
    pub palvelu_pyynto: Option<String>,
    /// The validation level (`"1"` in the public clients; its meaning is not public, it
    /// is accepted and not used).
    #[serde(default)]
    pub level: Option<serde_json::Value>,
    /// The transfer frame `RCMR_IN200002FI01`, as text.
    #[serde(default)]
    pub siirtokehys_xml: Option<String>,
    /// The CDA document, as text.
    #[serde(default)]
    pub asiakirja_xml: Option<String>,
}

/// The body of an invalid answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KantaAnswer {
    /// Numbered messages `1: rule: message (at location); 2: ...`, as Kanta numbers its own.
    pub description: String,
    /// The request's message id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Every finding, with rule id, severity, XPath or JSON pointer and Finnish path.
    #[serde(default)]
    pub findings: Vec<serde_json::Value>,
}

/// `POST /shark-validointi/validoi/asiakirja/tulos`.
pub(crate) async fn validate(State(state): State<AppState>, body: Bytes) -> Response {
    let req: KantaRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return request_error(
                None,
                &format!("the request is not JSON of {{messageId, palveluPyynto, level, siirtokehysXml, asiakirjaXml}}: {e}"),
            )
        }
    };
    drop(body);
    let Some(cda) = req.asiakirja_xml.filter(|s| !s.trim().is_empty()) else {
        return request_error(req.message_id, "asiakirjaXml (the CDA document) is missing");
    };
    let Some(frame) = req.siirtokehys_xml.filter(|s| !s.trim().is_empty()) else {
        return request_error(
            req.message_id,
            "siirtokehysXml (the transfer frame) is missing",
        );
    };
    let requested = req.palvelu_pyynto;
    let st = state.clone();
    let result = blocking(move || {
        let archive = ArchiveValidator::new(st.validator(), st.archive_options().clone());
        let mut r = archive.validate_cda("asiakirjaXml", cda.as_bytes(), Some(frame.as_bytes()));
        if let Some(f) = service_request_mismatch(requested.as_deref(), frame.as_bytes()) {
            let fail_on = st.archive_options().content.fail_on;
            r.counts.add(f.severity);
            r.valid &= f.severity < fail_on;
            r.findings.insert(0, f);
        }
        r
    })
    .await;
    let r = match result {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    answer(&r, req.message_id, state.archive_options().content.fail_on)
}

/// The answer of a validated document: empty 200, or 400 with numbered messages.
pub fn answer(r: &DocumentResult, message_id: Option<String>, fail_on: Severity) -> Response {
    let counted = Counted(r.findings.len());
    if r.valid {
        let mut resp = StatusCode::OK.into_response();
        resp.extensions_mut().insert(counted);
        return resp;
    }
    let body = KantaAnswer {
        description: description(&r.findings, fail_on),
        message_id,
        findings: r
            .findings
            .iter()
            .filter_map(|f| serde_json::to_value(f).ok())
            .collect(),
    };
    let mut resp = json(StatusCode::BAD_REQUEST, &body);
    resp.extensions_mut().insert(counted);
    resp
}

/// Numbered messages of the findings at `fail_on` or above, in order: `1: rule: message
/// (at location); 2: ...`. A `;` inside a message becomes `,` so that clients splitting on
/// `;` see one message per number.
pub fn description(findings: &[Finding], fail_on: Severity) -> String {
    let mut out = String::new();
    for (n, f) in findings
        .iter()
        .filter(|f| f.severity >= fail_on)
        .enumerate()
    {
        if n > 0 {
            out.push_str("; ");
        }
        out.push_str(&format!(
            "{}: {}: {}",
            n + 1,
            f.rule,
            f.message.replace(';', ",")
        ));
        let mut at = Vec::new();
        if let Some(x) = &f.xpath {
            at.push(match f.line {
                Some(l) => format!("{x}, line {l}"),
                None => x.clone(),
            });
        }
        if !f.pointer.is_empty() {
            at.push(f.pointer.clone());
        }
        if !f.path.is_empty() {
            at.push(f.path.clone());
        }
        if !at.is_empty() {
            out.push_str(&format!(" (at {})", at.join(": ").replace(';', ",")));
        }
    }
    out
}

/// A `frame.service-request` finding when the request's `palveluPyynto` differs from the
/// service request the frame states (the frame's own rules report a missing one).
fn service_request_mismatch(requested: Option<&str>, frame: &[u8]) -> Option<Finding> {
    let stated = sosmeta_kanta::read_frame(frame).ok().and_then(|fr| {
        fr.frame.reason_code.into_iter().find(|c| {
            c.code_system
                .as_deref()
                .is_some_and(|s| same_code_system(s, "1.2.246.537.6.1503"))
        })
    })?;
    let stated = stated.code?;
    let message = match requested.map(str::trim) {
        None | Some("") => format!(
            "the request gives no palveluPyynto; the frame states the service request {stated}"
        ),
        Some(r) if r == stated => return None,
        Some(r) => format!(
            "the request's palveluPyynto {r} differs from the frame's service request {stated}"
        ),
    };
    Some(Finding::new(
        rules::FRAME_SERVICE_REQUEST,
        Severity::Error,
        "/palveluPyynto",
        "",
        message,
    ))
}

/// A 400 for a request that is not of the contract's shape.
fn request_error(message_id: Option<String>, message: &str) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        &KantaAnswer {
            description: format!("1: {}", message.replace(';', ",")),
            message_id,
            findings: Vec::new(),
        },
    )
}

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(_) => api::error(StatusCode::INTERNAL_SERVER_ERROR, "cannot write the answer"),
    }
}
