//! # sosmeta-serve
//!
//! An offline stand-in for Kanta's validation service, over the sosmeta validator:
//!
//! - `POST /shark-validointi/validoi/asiakirja/tulos`: the Kanta customer-test contract
//!   ([`kanta`]): `{messageId, palveluPyynto, level, siirtokehysXml, asiakirjaXml}` in, an
//!   empty 200 for a valid document, else 400 with `{"description": "1: ...; 2: ..."}`
//!   (each message with our rule id) and the findings with their locations;
//! - `POST /api/validate`: a CDA, a transfer frame, a JSON document or a JSON view (raw
//!   body, or `multipart/form-data` parts `document` and `frame`), answered with the
//!   report object of `sosmeta validate -f json` ([`api`]);
//! - `POST /api/render?lang=fi|sv`: the display form ([`display`]);
//! - `GET /api/rules`, `GET /api/example`, `GET /healthz`, and the web page at `/`
//!   (assets embedded).
//!
//! Limits ([`Limits`]): request body size, concurrent requests (over the limit: 503 at
//! once), time per request (408); validation runs on tokio's blocking pool, so a slow
//! client holds a connection, never a validation thread. Logs carry counts and timings
//! only, never document content; nothing of a document is kept after the answer.
//!
//! ```no_run
//! use std::sync::Arc;
//! # fn release() -> &'static sosmeta_model::Release { unimplemented!() }
//! let validator = Arc::new(sosmeta_validate::Validator::from_static(release()));
//! let config = sosmeta_serve::Config::default();
//! sosmeta_serve::run(config, validator, |addr| println!("listening on http://{addr}/"))?;
//! # Ok::<(), sosmeta_serve::ServeError>(())
//! ```

pub mod api;
pub mod display;
pub mod kanta;

use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sosmeta_kanta::ArchiveOptions;
use sosmeta_validate::Validator;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;

/// The Kanta contract's path (as in Kanta's customer-test service).
pub const KANTA_PATH: &str = "/shark-validointi/validoi/asiakirja/tulos";

/// Findings reported per document by default (the rest are counted as `omitted`): the
/// answer to a hostile document stays bounded.
pub const DEFAULT_MAX_FINDINGS: usize = 1000;

/// Resource limits of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest request body accepted, in bytes (over it: 413).
    pub max_body: usize,
    /// Requests handled at once (over it: 503 at once, with `Retry-After`).
    pub max_concurrent: usize,
    /// Time for one request, reading its body included (over it: 408).
    pub timeout: Duration,
    /// Threads of the blocking pool that runs validations.
    pub workers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // Kanta documents are CDA files of a few hundred kB; two of them in a JSON
            // request, base64 attachments included, fit well.
            max_body: 16 * 1024 * 1024,
            max_concurrent: 64,
            timeout: Duration::from_secs(30),
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

/// The service's configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (default `127.0.0.1:8080`: loopback only).
    pub bind: SocketAddr,
    /// The limits.
    pub limits: Limits,
    /// Archive validation options (environment, sector, providers, content options).
    pub archive: ArchiveOptions,
    /// Write one line per request to stderr (method, path, status, milliseconds, counts).
    pub log: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            limits: Limits::default(),
            archive: ArchiveOptions {
                content: sosmeta_validate::ValidateOptions {
                    max_findings: DEFAULT_MAX_FINDINGS,
                    ..sosmeta_validate::ValidateOptions::default()
                },
                ..ArchiveOptions::default()
            },
            log: true,
        }
    }
}

/// Why the service could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The runtime could not be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The server stopped on an I/O error.
    #[error("the server stopped: {0}")]
    Serve(#[source] std::io::Error),
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    validator: Arc<Validator>,
    archive: ArchiveOptions,
    log: bool,
    requests: AtomicU64,
}

impl AppState {
    /// The state over a validator with archive options.
    pub fn new(validator: Arc<Validator>, archive: ArchiveOptions, log: bool) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                validator,
                archive,
                log,
                requests: AtomicU64::new(0),
            }),
        }
    }

    /// The content validator.
    pub fn validator(&self) -> &Arc<Validator> {
        &self.inner.validator
    }

    /// The archive options.
    pub fn archive_options(&self) -> &ArchiveOptions {
        &self.inner.archive
    }

    /// Requests answered so far.
    pub fn requests(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }
}

/// How many findings an answer reported (a response extension read by the log line).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Counted(pub(crate) usize);

/// The web page and its assets, embedded: the page works offline.
mod assets {
    pub(crate) const INDEX: &str = include_str!("../assets/index.html");
    pub(crate) const SCRIPT: &str = include_str!("../assets/app.js");
    pub(crate) const STYLE: &str = include_str!("../assets/style.css");
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// The router with every route and limit, over `state`.
pub fn router(state: AppState, limits: Limits) -> Router {
    let pages = Router::new()
        .route(
            "/",
            get(|| async { asset(assets::INDEX, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { asset(assets::SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/style.css",
            get(|| async { asset(assets::STYLE, "text/css; charset=utf-8") }),
        );
    let routes = Router::new()
        .route(KANTA_PATH, post(kanta::validate))
        .route("/api/validate", post(api::validate))
        .route("/api/render", post(api::render))
        .route("/api/rules", get(api::rules))
        .route("/api/example", get(api::example))
        .route("/healthz", get(api::healthz))
        .merge(pages)
        .with_state(state.clone());
    routes
        .layer(DefaultBodyLimit::max(limits.max_body))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(overload))
                .load_shed()
                // Global: one semaphore shared by the clones `Router::layer` makes per route.
                .layer(GlobalConcurrencyLimitLayer::new(
                    limits.max_concurrent.max(1),
                ))
                .timeout(limits.timeout),
        )
        .layer(axum::middleware::from_fn_with_state(state, log_line))
}

/// The answer when a request is over the concurrency limit or out of time.
async fn overload(err: tower::BoxError) -> Response {
    if err.is::<tower::timeout::error::Elapsed>() {
        return api::error(
            StatusCode::REQUEST_TIMEOUT,
            "the request took longer than the service allows",
        );
    }
    if err.is::<tower::load_shed::error::Overloaded>() {
        let mut r = api::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many requests at once; try again",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return r;
    }
    api::error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
}

/// One log line per request: method, path, status, time, number of findings. Never a
/// query string, a header value or a byte of the body (documents carry personal data).
async fn log_line(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = known_path(req.uri().path());
    let resp = next.run(req).await;
    state.inner.requests.fetch_add(1, Ordering::Relaxed);
    if state.inner.log {
        let findings = resp
            .extensions()
            .get::<Counted>()
            .map(|c| format!(" {} findings", c.0))
            .unwrap_or_default();
        eprintln!(
            "sosmeta serve: {method} {path} {} {:.1} ms{findings}",
            resp.status().as_u16(),
            start.elapsed().as_secs_f64() * 1e3
        );
    }
    resp
}

/// The path for the log: ours as they are, anything else as `(other)` (a path can carry
/// what a client should not have put there).
fn known_path(path: &str) -> &'static str {
    match path {
        KANTA_PATH => KANTA_PATH,
        "/api/validate" => "/api/validate",
        "/api/render" => "/api/render",
        "/api/rules" => "/api/rules",
        "/api/example" => "/api/example",
        "/healthz" => "/healthz",
        "/" => "/",
        "/app.js" => "/app.js",
        "/style.css" => "/style.css",
        _ => "(other)",
    }
}

/// Serve on `listener` until `shutdown` completes; requests in flight are finished first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let app = router(state, limits);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServeError::Serve)
}

/// Run the service on its own runtime until Ctrl-C (or SIGTERM): binds `config.bind`,
/// calls `ready` with the address it listens on, then serves.
pub fn run(
    config: Config,
    validator: Arc<Validator>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(config.limits.workers.max(1))
        .thread_name("sosmeta-serve")
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|source| ServeError::Bind {
                addr: config.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(ServeError::Serve)?;
        ready(addr);
        let state = AppState::new(validator, config.archive, config.log);
        serve(listener, state, config.limits, shutdown_signal()).await
    })
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Run `f` on the blocking pool (validation is CPU work; the async workers stay free for
/// connections).
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Response> {
    tokio::task::spawn_blocking(f).await.map_err(|_| {
        api::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the validation stopped unexpectedly",
        )
    })
}
