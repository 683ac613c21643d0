//! Fetching the policy exactly as RFC 8461 §3.3 tells senders to: HTTPS
//! only, a certificate valid for `mta-sts.<domain>`, no redirects, no
//! proxy, a capped body and bounded waits.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::limit::PerAddress;
use super::tls::{CertDetails, CertProblem, Trust};
use crate::model::POLICY_MAX_BYTES;

/// What the fetch got, step by step.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Fetch {
    /// DNS gave no address to connect to.
    NoAddress,
    /// No TCP connection, or it broke before TLS finished.
    Connect { error: String },
    /// The TLS handshake failed on the certificate.
    Certificate {
        problem: CertProblem,
        cert: Option<CertDetails>,
    },
    /// The TLS handshake failed otherwise.
    Tls { error: String },
    /// TLS succeeded with a valid certificate, but no usable HTTP response
    /// came back (a stall, a malformed response, a reset).
    Http {
        error: String,
        cert: Option<CertDetails>,
    },
    /// An HTTP response arrived.
    Response(Response),
}

impl Fetch {
    /// The fetch as a report keeps it: without the body (up to 64 KiB a
    /// domain), which only the rules read.
    pub fn without_body(&self) -> Fetch {
        match self {
            Fetch::Response(r) => Fetch::Response(Response {
                status: r.status,
                location: r.location.clone(),
                content_type: r.content_type.clone(),
                content_length: r.content_length,
                body: None,
                body_bytes: r.body_bytes,
                body_error: r.body_error.clone(),
                cert: r.cert.clone(),
                remote: r.remote,
                elapsed_ms: r.elapsed_ms,
            }),
            other => other.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub status: u16,
    pub location: Option<String>,
    /// The Content-Type header's value as sent: judged as it is, escaped
    /// to be shown.
    pub content_type: Option<Vec<u8>>,
    pub content_length: Option<u64>,
    /// The body when it was read completely and within the cap.
    #[serde(skip)]
    pub body: Option<Vec<u8>>,
    pub body_bytes: usize,
    /// Why the body is incomplete, when it is.
    pub body_error: Option<BodyError>,
    pub cert: Option<CertDetails>,
    pub remote: Option<SocketAddr>,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum BodyError {
    /// Content-Length announced more than the cap: nothing downloaded.
    TooLargeAnnounced {
        length: u64,
    },
    /// More than the cap arrived: reading stopped there.
    TooLarge,
    Timeout,
    Broken {
        detail: String,
    },
}

/// Fetches `https://{host}/.well-known/mta-sts.txt` from `addrs`, once
/// `limit` allows a connection to each of them (the client may connect to
/// any; the wait is not part of the fetch's time).
pub async fn fetch(
    trust: &Trust,
    host: &str,
    addrs: &[SocketAddr],
    timeout: Duration,
    limit: &PerAddress,
) -> Fetch {
    if addrs.is_empty() {
        return Fetch::NoAddress;
    }
    // Held until the response is dropped: no idle connection is pooled.
    let _permits = limit.acquire_all(addrs.iter().map(SocketAddr::ip)).await;
    let (config, slot) = trust.client_config(true, &[b"http/1.1"]);
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .resolve_to_addrs(host, addrs)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .https_only(true)
        .http1_only()
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .pool_max_idle_per_host(0)
        .user_agent(concat!(
            "mtasts/",
            env!("CARGO_PKG_VERSION"),
            " (MTA-STS checker)"
        ))
        .build();
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            return Fetch::Tls {
                error: error_chain(&e),
            };
        }
    };
    let url = format!("https://{host}/.well-known/mta-sts.txt");
    let started = Instant::now();
    let sent = tokio::time::timeout(timeout * 2, client.get(&url).send()).await;
    let mut resp = match sent {
        Err(_) => {
            let error = format!("no response within {}", secs(timeout * 2));
            return match slot.take() {
                Some((cert, Ok(()))) => Fetch::Http { error, cert },
                Some((cert, Err(problem))) => Fetch::Certificate { problem, cert },
                None => Fetch::Connect { error },
            };
        }
        Ok(Err(e)) => {
            let text = if e.is_timeout() {
                format!("timed out after {}", secs(timeout))
            } else {
                error_chain(&e)
            };
            return match slot.take() {
                Some((cert, Err(problem))) => Fetch::Certificate { problem, cert },
                // The certificate was verified: TLS is fine, HTTP is not.
                Some((cert, Ok(()))) if !looks_like_tls(&text) || e.is_timeout() => {
                    Fetch::Http { error: text, cert }
                }
                _ if e.is_connect() && !looks_like_tls(&text) => Fetch::Connect { error: text },
                _ if e.is_timeout() => Fetch::Connect { error: text },
                _ => Fetch::Tls { error: text },
            };
        }
        Ok(Ok(r)) => r,
    };
    let cert = slot.take().and_then(|(c, _)| c);
    let header = |name: reqwest::header::HeaderName| {
        resp.headers()
            .get(name)
            .map(|v| crate::text::escape_bytes(v.as_bytes()))
    };
    let location = header(reqwest::header::LOCATION);
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .map(|v| v.as_bytes().to_vec());
    let content_length = resp.content_length();
    let mut out = Response {
        status: resp.status().as_u16(),
        location,
        content_type,
        content_length,
        body: None,
        body_bytes: 0,
        body_error: None,
        cert,
        remote: resp.remote_addr(),
        elapsed_ms: 0,
    };
    if out.status == 200 {
        if let Some(length) = content_length.filter(|&l| l > POLICY_MAX_BYTES as u64) {
            out.body_error = Some(BodyError::TooLargeAnnounced { length });
        } else {
            let mut body = Vec::new();
            loop {
                match tokio::time::timeout(timeout, resp.chunk()).await {
                    Err(_) => {
                        out.body_error = Some(BodyError::Timeout);
                        break;
                    }
                    Ok(Err(e)) => {
                        out.body_error = Some(if e.is_timeout() {
                            BodyError::Timeout
                        } else {
                            BodyError::Broken {
                                detail: error_chain(&e),
                            }
                        });
                        break;
                    }
                    Ok(Ok(None)) => break,
                    Ok(Ok(Some(chunk))) => {
                        body.extend_from_slice(&chunk);
                        if body.len() > POLICY_MAX_BYTES {
                            out.body_error = Some(BodyError::TooLarge);
                            break;
                        }
                    }
                }
                if started.elapsed() > timeout * 3 {
                    out.body_error = Some(BodyError::Timeout);
                    break;
                }
            }
            out.body_bytes = body.len();
            if out.body_error.is_none() {
                out.body = Some(body);
            }
        }
    }
    out.elapsed_ms = started.elapsed().as_millis() as u64;
    Fetch::Response(out)
}

fn looks_like_tls(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("tls") || t.contains("handshake") || t.contains("certificate") || t.contains("alert")
}

pub(crate) fn secs(d: Duration) -> String {
    format!("{}s", (d.as_secs_f64() * 10.0).round() / 10.0)
}

/// An error and its causes on one line, stepping into `io::Error`
/// payloads, which `source()` skips.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur: Option<&(dyn std::error::Error + 'static)> = e.source();
    while let Some(err) = cur {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = match err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner),
            None => err.source(),
        };
    }
    crate::text::escape(&parts.join(": "))
}
