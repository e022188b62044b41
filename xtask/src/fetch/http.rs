//! HTTP GET with timeouts, retries with exponential backoff on 5xx / 429 / time-outs /
//! broken or truncated bodies, and text decoding (UTF-8 with a Latin-1 fallback).
//!
//! Bounds: a body is streamed through a running limit ([`HttpOptions::max_body`], 256 MiB)
//! and never read whole first; redirects are followed only to the configured hosts
//! ([`HttpOptions::allowed_origins`]) and never from `https` to `http`; an overall
//! deadline ([`HttpOptions::deadline`]) caps every wait, including `Retry-After`.

use std::io::Read as _;
use std::time::{Duration, Instant};

/// Largest `Retry-After` honoured (longer asks fail the request).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// Most redirects followed for one request.
pub const MAX_REDIRECTS: usize = 10;

/// Why a GET failed for good.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The server answered with a status that is not retried (e.g. 404), or a retried one
    /// on the last attempt.
    #[error("GET {url}: HTTP {status}{}", if *.attempts > 1 { format!(" (after {} attempts)", .attempts) } else { String::new() })]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// Attempts made.
        attempts: u32,
    },
    /// The request failed (connection, time-out, truncated body) on every attempt.
    #[error("GET {url}: {message} (after {attempts} attempts)")]
    Transport {
        /// The URL.
        url: String,
        /// The last error.
        message: String,
        /// Attempts made.
        attempts: u32,
    },
    /// The body is larger than allowed.
    #[error("GET {url}: body over the limit of {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// The overall deadline passed (or a `Retry-After` would pass it).
    #[error("GET {url}: the overall deadline of {deadline_secs} s was reached{}", if .last.is_empty() { String::new() } else { format!(" (last: {})", .last) })]
    Deadline {
        /// The URL.
        url: String,
        /// The deadline, in seconds from the start of the fetch.
        deadline_secs: u64,
        /// The last failure before it, if any.
        last: String,
    },
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Client(String),
}

impl HttpError {
    /// The HTTP status, when the server gave one.
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Retry, time-out and bound settings.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Whole-request time-out (connect, headers and body).
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    /// First backoff; doubled after each failed attempt.
    pub backoff: Duration,
    /// Largest body accepted (streamed: the read stops one byte past it).
    pub max_body: u64,
    /// Origins (`scheme://host:port`) redirects may lead to, besides the request's own.
    pub allowed_origins: Vec<String>,
    /// The overall deadline: no request, retry or wait goes past it.
    pub deadline: Option<Instant>,
    /// The deadline as given, for messages.
    pub deadline_secs: u64,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(60),
            retries: 4,
            backoff: Duration::from_millis(500),
            max_body: 256 * 1024 * 1024,
            allowed_origins: Vec::new(),
            deadline: None,
            deadline_secs: 0,
        }
    }
}

/// `scheme://host:port` of a URL (the port made explicit).
pub fn origin(url: &reqwest::Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// The origin of a URL given as text, if it parses.
pub fn origin_of(url: &str) -> Option<String> {
    reqwest::Url::parse(url).ok().map(|u| origin(&u))
}

/// A body and the URL it finally came from (after redirects).
#[derive(Debug, Clone)]
pub struct Body {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The final URL.
    pub url: String,
}

/// A blocking HTTP client (rustls) with the retry policy.
pub struct Http {
    client: reqwest::blocking::Client,
    opts: HttpOptions,
}

/// The wait a `Retry-After` header asks for: delta-seconds or an HTTP date.
pub fn retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let wait = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

impl Http {
    /// Build a client.
    pub fn new(opts: HttpOptions) -> Result<Http, HttpError> {
        let allowed = opts.allowed_origins.clone();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
            }
            let to = origin(attempt.url());
            let first = attempt.previous().first().map(origin).unwrap_or_default();
            let downgrade = attempt.url().scheme() == "http"
                && attempt.previous().iter().any(|u| u.scheme() == "https");
            if downgrade {
                attempt.error(format!("redirect from https to http refused ({to})"))
            } else if to == first || allowed.contains(&to) {
                attempt.follow()
            } else {
                attempt.error(format!(
                    "redirect to {to} refused: not one of the configured hosts"
                ))
            }
        });
        let client = reqwest::blocking::Client::builder()
            .timeout(opts.timeout)
            .connect_timeout(opts.timeout)
            .redirect(policy)
            .user_agent(concat!("sosmeta-rs-xtask/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpError::Client(e.to_string()))?;
        Ok(Http { client, opts })
    }

    fn remaining(&self) -> Option<Duration> {
        self.opts
            .deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }

    fn deadline_error(&self, url: &str, last: &str) -> HttpError {
        HttpError::Deadline {
            url: url.to_string(),
            deadline_secs: self.opts.deadline_secs,
            last: last.to_string(),
        }
    }

    /// Sleep `d`, or fail when that would pass the deadline.
    fn wait(&self, url: &str, d: Duration, last: &str) -> Result<(), HttpError> {
        if self.remaining().is_some_and(|r| r <= d) {
            return Err(self.deadline_error(url, last));
        }
        std::thread::sleep(d);
        Ok(())
    }

    /// GET `url` and return the body bytes, retrying transient failures.
    pub fn get(&self, url: &str) -> Result<Vec<u8>, HttpError> {
        self.get_body(url).map(|b| b.bytes)
    }

    /// GET `url`: the body and the final URL (after the redirects the policy allowed).
    pub fn get_body(&self, url: &str) -> Result<Body, HttpError> {
        let attempts = self.opts.retries.saturating_add(1);
        let mut last = String::new();
        let mut next_wait: Option<Duration> = None;
        for attempt in 1..=attempts {
            if attempt > 1 {
                let factor = 1u32 << (attempt - 2).min(10);
                let wait = next_wait
                    .take()
                    .unwrap_or_else(|| self.opts.backoff.saturating_mul(factor));
                self.wait(url, wait, &last)?;
            }
            let mut timeout = self.opts.timeout;
            if let Some(r) = self.remaining() {
                if r.is_zero() {
                    return Err(self.deadline_error(url, &last));
                }
                timeout = timeout.min(r);
            }
            match self.client.get(url).timeout(timeout).send() {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    if resp.status().is_success() {
                        if resp
                            .content_length()
                            .is_some_and(|n| n > self.opts.max_body)
                        {
                            return Err(HttpError::TooLarge {
                                url: url.to_string(),
                                limit: self.opts.max_body,
                            });
                        }
                        let final_url = resp.url().to_string();
                        let mut bytes = Vec::new();
                        match resp
                            .take(self.opts.max_body.saturating_add(1))
                            .read_to_end(&mut bytes)
                        {
                            Ok(_) if bytes.len() as u64 > self.opts.max_body => {
                                return Err(HttpError::TooLarge {
                                    url: url.to_string(),
                                    limit: self.opts.max_body,
                                })
                            }
                            Ok(_) => {
                                return Ok(Body {
                                    bytes,
                                    url: final_url,
                                })
                            }
                            Err(e) => last = format!("reading body: {}", chain(&e)),
                        }
                    } else if status >= 500 || status == 429 || status == 408 {
                        if attempt == attempts {
                            return Err(HttpError::Status {
                                url: url.to_string(),
                                status,
                                attempts,
                            });
                        }
                        last = format!("HTTP {status}");
                        if let Some(ra) = resp
                            .headers()
                            .get(reqwest::header::RETRY_AFTER)
                            .and_then(|v| v.to_str().ok())
                            .and_then(retry_after)
                        {
                            if ra > MAX_RETRY_AFTER {
                                return Err(HttpError::Transport {
                                    url: url.to_string(),
                                    message: format!(
                                        "HTTP {status} with Retry-After {} s, over the {} s honoured",
                                        ra.as_secs(),
                                        MAX_RETRY_AFTER.as_secs()
                                    ),
                                    attempts: attempt,
                                });
                            }
                            next_wait = Some(ra);
                        }
                    } else {
                        return Err(HttpError::Status {
                            url: url.to_string(),
                            status,
                            attempts: attempt,
                        });
                    }
                }
                Err(e) => {
                    last = chain(&e);
                    if e.is_redirect() {
                        return Err(HttpError::Transport {
                            url: url.to_string(),
                            message: last,
                            attempts: attempt,
                        });
                    }
                    if self.remaining().is_some_and(|r| r.is_zero()) {
                        return Err(self.deadline_error(url, &last));
                    }
                }
            }
        }
        Err(HttpError::Transport {
            url: url.to_string(),
            message: last,
            attempts,
        })
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}

/// Decode a body as text: UTF-8 (without a byte-order mark) when valid, else Latin-1
/// (ISO-8859-1, every byte one character). Returns the text and whether the fallback was
/// used.
pub fn decode_text(bytes: &[u8]) -> (String, bool) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (bytes.iter().map(|&b| b as char).collect(), true),
    }
}

#[cfg(test)]
mod tests {
    use super::decode_text;

    #[test]
    fn decodes_utf8_and_latin1() {
        assert_eq!(decode_text("Päätös".as_bytes()), ("Päätös".into(), false));
        assert_eq!(decode_text(b"P\xe4\xe4t\xf6s"), ("Päätös".into(), true));
        assert_eq!(decode_text(b"\xEF\xBB\xBF{}"), ("{}".into(), false));
    }

    #[test]
    fn retry_after_forms() {
        use super::retry_after;
        use std::time::Duration;
        assert_eq!(retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert!(retry_after("soon").is_none());
    }
}
