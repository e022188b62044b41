//! HTTP GET with timeouts, retries with exponential backoff on 5xx / 429 / time-outs /
//! broken or truncated bodies, and text decoding (UTF-8 with a Latin-1 fallback).

use std::time::Duration;

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
    #[error("GET {url}: body over {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        limit: u64,
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

/// Retry and time-out settings.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Whole-request time-out (connect, headers and body).
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    /// First backoff; doubled after each failed attempt.
    pub backoff: Duration,
    /// Largest body accepted.
    pub max_body: u64,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(60),
            retries: 4,
            backoff: Duration::from_millis(500),
            max_body: 256 * 1024 * 1024,
        }
    }
}

/// A blocking HTTP client (rustls) with the retry policy.
pub struct Http {
    client: reqwest::blocking::Client,
    opts: HttpOptions,
}

impl Http {
    /// Build a client.
    pub fn new(opts: HttpOptions) -> Result<Http, HttpError> {
        let client = reqwest::blocking::Client::builder()
            .timeout(opts.timeout)
            .connect_timeout(opts.timeout)
            .user_agent(concat!("sosmeta-rs-xtask/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpError::Client(e.to_string()))?;
        Ok(Http { client, opts })
    }

    /// GET `url` and return the body bytes, retrying transient failures.
    pub fn get(&self, url: &str) -> Result<Vec<u8>, HttpError> {
        let attempts = self.opts.retries + 1;
        let mut last = String::new();
        for attempt in 1..=attempts {
            if attempt > 1 {
                let factor = 1u32 << (attempt - 2).min(10);
                std::thread::sleep(self.opts.backoff * factor);
            }
            match self.client.get(url).send() {
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
                        match resp.bytes() {
                            Ok(b) if b.len() as u64 > self.opts.max_body => {
                                return Err(HttpError::TooLarge {
                                    url: url.to_string(),
                                    limit: self.opts.max_body,
                                })
                            }
                            Ok(b) => return Ok(b.to_vec()),
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
                    } else {
                        return Err(HttpError::Status {
                            url: url.to_string(),
                            status,
                            attempts: attempt,
                        });
                    }
                }
                Err(e) => last = chain(&e),
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
}
