//! `sosmeta serve`: the offline stand-in for Kanta's validation service (`sosmeta-serve`).

use crate::validate::SectorArg;
use crate::{UsageError, EXIT_OK};
use sosmeta_kanta::{ArchiveOptions, Sector};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Arguments of `sosmeta serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to listen. The default is loopback only; bind another address only behind
    /// your own access control (documents carry personal data).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The largest request body accepted (bytes); larger requests get 413.
    #[arg(long, value_name = "BYTES", default_value_t = sosmeta_serve::Limits::default().max_body)]
    pub max_body: usize,
    /// Requests handled at once; more get 503 with Retry-After at once.
    #[arg(long, value_name = "N", default_value_t = 64,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub max_concurrent: u16,
    /// Seconds one request may take, reading its body included; then 408.
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Validation threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// The Kanta environment documents are stored in (AT or TU): runs the
    /// release-calendar rules.
    #[arg(long, value_name = "AT|TU")]
    pub env: Option<sosmeta_validate::calendar::Environment>,
    /// The sending provider's sector (a private provider must state its joining model).
    #[arg(long, value_enum, value_name = "public|private")]
    pub sector: Option<SectorArg>,
    /// Known providers (JSON: `[{"oid": "1.2.246.10...", "sector": "private"}]`).
    #[arg(long, value_name = "FILE")]
    pub providers: Option<PathBuf>,
    /// Report at most N findings per document (the rest are counted as `omitted`).
    #[arg(long, value_name = "N", default_value_t = sosmeta_serve::DEFAULT_MAX_FINDINGS)]
    pub max_findings: usize,
    /// No line per request on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Run `sosmeta serve` until Ctrl-C.
pub fn run(release: Option<&Path>, args: Args) -> Result<u8, UsageError> {
    let validator = Arc::new(crate::validator(release)?);
    let providers = crate::validate::read_providers(args.providers.as_deref())?;
    let mut limits = sosmeta_serve::Limits {
        max_body: args.max_body,
        max_concurrent: usize::from(args.max_concurrent),
        timeout: Duration::from_secs(args.timeout),
        ..sosmeta_serve::Limits::default()
    };
    if let Some(j) = args.jobs {
        limits.workers = usize::from(j);
    }
    let config = sosmeta_serve::Config {
        bind: args.bind,
        limits,
        archive: ArchiveOptions {
            environment: args.env,
            sector: args.sector.map(|s| match s {
                SectorArg::Public => Sector::Public,
                SectorArg::Private => Sector::Private,
            }),
            providers,
            content: sosmeta_validate::ValidateOptions {
                max_findings: args.max_findings,
                ..sosmeta_validate::ValidateOptions::default()
            },
            ..ArchiveOptions::default()
        },
        log: !args.quiet,
    };
    let label = validator
        .release()
        .label()
        .unwrap_or("unlabelled")
        .to_string();
    sosmeta_serve::run(config, validator, |addr| {
        eprintln!(
            "sosmeta serve: release {label}; listening on http://{addr}/ (Kanta contract: POST http://{addr}{}); Ctrl-C stops",
            sosmeta_serve::KANTA_PATH
        );
    })
    .map_err(|e| UsageError(e.to_string()))?;
    eprintln!("sosmeta serve: stopped");
    Ok(EXIT_OK)
}
