//! The JSON API: `POST /api/validate`, `POST /api/render`, `GET /api/rules`,
//! `GET /healthz`.
//!
//! A document is sent as the raw request body, or as `multipart/form-data` with the parts
//! `document` and (for a CDA or a JSON view) `frame`, as the web page sends it.

use crate::{blocking, display, AppState, Counted};
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use sosmeta_kanta::ArchiveValidator;
use sosmeta_validate::report::{validator_name, Report, Summary};
use std::borrow::Cow;
use std::time::Instant;

/// An error answer: `{"error": message}` with `status`.
pub fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// The inputs of a request: the document, its frame, its name.
#[derive(Debug, Default)]
pub struct Upload {
    /// The document's bytes.
    pub document: Vec<u8>,
    /// The transfer frame's bytes, if sent.
    pub frame: Option<Vec<u8>>,
    /// The document's file name, if the client gave one.
    pub name: Option<String>,
}

/// Read the raw body, or the `document` and `frame` parts of a multipart form.
async fn upload(state: &AppState, req: Request) -> Result<Upload, Response> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        return Ok(Upload {
            document: body.to_vec(),
            ..Upload::default()
        });
    }
    let mut form = Multipart::from_request(req, state)
        .await
        .map_err(IntoResponse::into_response)?;
    let mut up = Upload::default();
    let mut seen_document = false;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(e.into_response()),
        };
        let part = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(IntoResponse::into_response)?;
        match part.as_str() {
            "document" => {
                seen_document = true;
                up.document = bytes.to_vec();
                up.name = file_name.filter(|n| !n.is_empty());
            }
            "frame" if !bytes.iter().all(u8::is_ascii_whitespace) => {
                up.frame = Some(bytes.to_vec())
            }
            _ => {}
        }
    }
    if !seen_document {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "the form has no `document` part",
        ));
    }
    Ok(up)
}

/// The query of `POST /api/validate`.
#[derive(Debug, Default, Deserialize)]
pub struct ValidateQuery {
    /// The name the report gives the document (default: the uploaded file's name, else
    /// `document`).
    pub name: Option<String>,
}

/// `POST /api/validate`: the report object of `sosmeta validate -f json` for one input.
pub(crate) async fn validate(
    State(state): State<AppState>,
    Query(q): Query<ValidateQuery>,
    req: Request,
) -> Response {
    let up = match upload(&state, req).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let name = q.name.or(up.name).unwrap_or_else(|| "document".into());
    let st = state.clone();
    let report = blocking(move || {
        let start = Instant::now();
        let v = st.validator();
        let archive = ArchiveValidator::new(v, st.archive_options().clone());
        let r = archive.validate_any(&name, &up.document, |_| {
            up.frame.as_deref().map(Cow::Borrowed)
        });
        let results = vec![r];
        Report {
            validator: validator_name(),
            release: v.release().label().map(str::to_string),
            notes: v.notes(),
            rule_levels: st.archive_options().content.rule_levels.overrides(),
            summary: Summary::of(&results, start.elapsed().as_secs_f64()),
            results,
        }
    })
    .await;
    match report {
        Ok(report) => {
            let n = report.results.iter().map(|r| r.findings.len()).sum();
            let mut resp = Json(report).into_response();
            resp.extensions_mut().insert(Counted(n));
            resp
        }
        Err(r) => r,
    }
}

/// The query of `POST /api/render`.
#[derive(Debug, Default, Deserialize)]
pub struct RenderQuery {
    /// `fi` (default) or `sv`.
    pub lang: Option<String>,
}

/// `POST /api/render?lang=fi|sv`: the display form of a JSON document, a JSON
/// view or a CDA, as XHTML (`application/xhtml+xml`); 422 with `{"error"}` when it cannot
/// be rendered.
pub(crate) async fn render(
    State(state): State<AppState>,
    Query(q): Query<RenderQuery>,
    req: Request,
) -> Response {
    let lang = match q.lang.as_deref().unwrap_or("fi") {
        "fi" => sosmeta_xhtml::Lang::Fi,
        "sv" => sosmeta_xhtml::Lang::Sv,
        other => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("unknown language `{other}` (fi or sv)"),
            )
        }
    };
    let up = match upload(&state, req).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let st = state.clone();
    let page = blocking(move || display::display_form(st.validator(), &up.document, lang)).await;
    match page {
        Ok(Ok(xhtml)) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xhtml+xml; charset=utf-8"),
            )],
            xhtml,
        )
            .into_response(),
        Ok(Err(e)) => error(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
        Err(r) => r,
    }
}

/// `GET /api/rules`: every rule (id, layer, severity, meaning, example), as
/// `sosmeta rules -f json` prints them.
pub(crate) async fn rules() -> Response {
    Json(sosmeta_validate::RULES).into_response()
}

/// The body of `GET /healthz`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// `sosmeta-validate <version>`.
    pub validator: String,
    /// The release label.
    pub release: Option<String>,
    /// Definition versions in the release.
    pub definitions: usize,
    /// Requests answered since the start.
    pub requests: u64,
}

/// `GET /healthz`.
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    let release = state.validator().release();
    Json(Health {
        status: "ok".into(),
        validator: validator_name(),
        release: release.label().map(str::to_string),
        definitions: release.len(),
        requests: state.requests(),
    })
    .into_response()
}

/// The query of `GET /api/example`.
#[derive(Debug, Default, Deserialize)]
pub struct ExampleQuery {
    /// `OID`, `OID@YYYY-MM-DD` or dotted (default: the asiakkuusasiakirja in force).
    pub definition: Option<String>,
}

/// `GET /api/example`: a minimal valid document of a definition (`sosmeta example`).
pub(crate) async fn example(
    State(state): State<AppState>,
    Query(q): Query<ExampleQuery>,
) -> Response {
    let release = state.validator().release();
    let def = match &q.definition {
        Some(r) => match state.validator().resolve(r) {
            Ok(d) => d,
            Err(e) => return error(StatusCode::NOT_FOUND, &e.to_string()),
        },
        None => {
            let oid = release
                .definitions()
                .iter()
                .find(|d| d.document_key() == "asiakkuusasiakirja")
                .or(release.definitions().first())
                .map(|d| d.oid().to_string());
            match oid.as_deref().and_then(|o| {
                release
                    .in_force(o)
                    .or(release.definitions().iter().find(|d| d.oid() == o))
            }) {
                Some(d) => d,
                None => return error(StatusCode::NOT_FOUND, "the release has no definitions"),
            }
        }
    };
    let doc = sosmeta_model::samples::example(
        def,
        sosmeta_model::samples::Fill::Minimal,
        &sosmeta_model::Lang::Fi,
    );
    Json(doc).into_response()
}
