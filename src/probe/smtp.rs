//! The STARTTLS probe: what a sending MTA sees on port 25 of one address of
//! one MX host.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::limit::{PerAddress, Permit};
use super::tls::{CertDetails, CertProblem, Trust};

/// Longest reply line read (RFC 5321 allows 512; be generous, not unbounded).
const MAX_LINE: u64 = 2048;
/// Most lines in one multi-line reply.
const MAX_LINES: usize = 64;

#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    pub address: SocketAddr,
    /// The banner, escaped for display.
    pub banner: Vec<String>,
    pub starttls_offered: Option<bool>,
    pub tls: Option<TlsInfo>,
    pub cert: Option<CertDetails>,
    /// `None` when no certificate was seen.
    pub cert_problem: Option<CertProblem>,
    pub cert_checked: bool,
    /// The certificates the server presented, DER, leaf first (empty
    /// when the handshake did not complete): what TLSA records match.
    #[serde(skip)]
    pub chain: Vec<Vec<u8>>,
    pub failure: Option<Failure>,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TlsInfo {
    pub version: String,
    pub cipher: String,
    /// TLS 1.2 or newer.
    pub modern: bool,
}

/// Where and how the session broke down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "failure", content = "detail", rename_all = "snake_case")]
pub enum Failure {
    Connect(String),
    Timeout(String),
    Protocol(String),
    NoStartTls,
    StartTlsRejected(String),
    /// Bytes arrived after the 220 to STARTTLS, before TLS: a server bug or
    /// a man in the middle injecting commands.
    Injection(usize),
    /// The server speaks only TLS older than 1.2.
    OldTls(String),
    Handshake(String),
    /// The probe's task ended without a result (it panicked, or the run
    /// was shutting down).
    Stopped(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Connect(e) => write!(f, "cannot connect: {e}"),
            Failure::Timeout(stage) => write!(f, "no answer {stage}"),
            Failure::Protocol(e) => write!(f, "SMTP protocol error: {e}"),
            Failure::NoStartTls => f.write_str("EHLO does not offer STARTTLS"),
            Failure::StartTlsRejected(r) => write!(f, "STARTTLS was refused: {r}"),
            Failure::Injection(n) => write!(
                f,
                "{n} bytes arrived after the 220 reply to STARTTLS, before TLS began (command injection or a broken server)"
            ),
            Failure::OldTls(e) => write!(f, "the server offers only TLS older than 1.2 ({e})"),
            Failure::Handshake(e) => write!(f, "the TLS handshake failed: {e}"),
            Failure::Stopped(e) => write!(f, "the probe stopped before it finished: {e}"),
        }
    }
}

/// One SMTP reply: the code and its lines' text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    /// The text after the code of each line, escaped for display.
    pub lines: Vec<String>,
}

impl Reply {
    /// Whether this reply to EHLO offers STARTTLS: a keyword line after
    /// the greeting line (RFC 5321 §4.1.1.1), in any case.
    pub fn offers_starttls(&self) -> bool {
        self.lines.iter().skip(1).any(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|k| k.eq_ignore_ascii_case("STARTTLS"))
        })
    }

    fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| format!("{} {}", self.code, l))
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

/// Reads one reply, single- or multi-line, from the server; an `Err` says
/// how the server broke the protocol. Bounded: at most [`MAX_LINES`] lines
/// of at most [`MAX_LINE`] bytes.
pub(crate) async fn read_reply<R: tokio::io::AsyncBufRead + Unpin>(
    r: &mut R,
) -> Result<Reply, String> {
    let mut lines = Vec::new();
    let mut code = None;
    loop {
        let mut raw = Vec::new();
        let n = (&mut *r)
            .take(MAX_LINE)
            .read_until(b'\n', &mut raw)
            .await
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the server closed the connection".into());
        }
        if !raw.ends_with(b"\n") {
            return Err(if (n as u64) < MAX_LINE {
                "the server closed the connection in the middle of a reply line".into()
            } else {
                format!("reply line longer than {MAX_LINE} bytes")
            });
        }
        let line = raw.strip_suffix(b"\n").unwrap_or(&raw);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let shown = crate::text::escape_bytes(line);
        // Three digits (RFC 5321 §4.2); `parse` would take "+25" too.
        let this_code = line
            .get(..3)
            .filter(|c| c.iter().all(u8::is_ascii_digit))
            .map(|c| c.iter().fold(0, |n, d| n * 10 + u16::from(d - b'0')));
        let Some(this_code) = this_code else {
            return Err(format!("malformed reply line '{shown}'"));
        };
        if code.is_some_and(|c| c != this_code) {
            return Err(format!(
                "reply code changed within a multi-line reply: '{shown}'"
            ));
        }
        code = Some(this_code);
        let sep = line.get(3).copied();
        lines.push(crate::text::escape_bytes(line.get(4..).unwrap_or_default()));
        match sep {
            Some(b'-') if lines.len() < MAX_LINES => continue,
            Some(b'-') => return Err(format!("more than {MAX_LINES} reply lines")),
            _ => {
                return Ok(Reply {
                    code: this_code,
                    lines,
                });
            }
        }
    }
}

impl Probe {
    /// Nothing seen yet.
    fn new(address: SocketAddr) -> Probe {
        Probe {
            address,
            banner: Vec::new(),
            starttls_offered: None,
            tls: None,
            cert: None,
            cert_problem: None,
            cert_checked: false,
            chain: Vec::new(),
            failure: None,
            elapsed_ms: 0,
        }
    }

    /// The probe of `address` that ended without a result, and why.
    pub fn stopped(address: SocketAddr, why: &str) -> Probe {
        Probe {
            failure: Some(Failure::Stopped(crate::text::escape(why))),
            ..Probe::new(address)
        }
    }
}

/// Runs the probe against `address`, presenting `host` as SNI and checking
/// the certificate against it, once `limit` allows another connection to
/// the address (the wait is not part of the probe's time).
pub async fn probe(
    trust: &Trust,
    host: &str,
    address: SocketAddr,
    timeout: Duration,
    limit: &PerAddress,
) -> Probe {
    let permit = limit.acquire(address.ip()).await;
    let started = Instant::now();
    let mut p = Probe::new(address);
    if let Err(f) = session(trust, host, address, timeout, permit, &mut p).await {
        p.failure = Some(f);
    }
    p.elapsed_ms = started.elapsed().as_millis() as u64;
    p
}

async fn step<T>(
    timeout: Duration,
    stage: &str,
    fut: impl Future<Output = T>,
) -> Result<T, Failure> {
    tokio::time::timeout(timeout, fut)
        .await
        .map_err(|_| Failure::Timeout(format!("{stage} within {}", super::https::secs(timeout))))
}

/// `permit` is held for as long as the connection is open: given back when
/// the session ends, or after the goodbye when that is left to a task.
async fn session(
    trust: &Trust,
    host: &str,
    address: SocketAddr,
    timeout: Duration,
    permit: Permit,
    p: &mut Probe,
) -> Result<(), Failure> {
    let tcp = step(timeout, "to the connection", TcpStream::connect(address))
        .await?
        .map_err(|e| Failure::Connect(e.to_string()))?;
    let local = tcp.local_addr().map(|a| a.ip()).ok();
    let mut conn = BufReader::new(tcp);
    let banner = step(timeout, "with a banner", read_reply(&mut conn))
        .await?
        .map_err(Failure::Protocol)?;
    p.banner = banner.lines.clone();
    if banner.code != 220 {
        return Err(Failure::Protocol(format!(
            "the banner is not 220: {}",
            banner.text()
        )));
    }
    let ehlo_name = match local {
        Some(std::net::IpAddr::V4(ip)) => format!("[{ip}]"),
        Some(std::net::IpAddr::V6(ip)) => format!("[IPv6:{ip}]"),
        None => "[127.0.0.1]".to_string(),
    };
    send(&mut conn, &format!("EHLO {ehlo_name}\r\n"), timeout).await?;
    let ehlo = step(timeout, "to EHLO", read_reply(&mut conn))
        .await?
        .map_err(Failure::Protocol)?;
    if ehlo.code != 250 {
        return Err(Failure::Protocol(format!(
            "EHLO was refused: {}",
            ehlo.text()
        )));
    }
    let offered = ehlo.offers_starttls();
    p.starttls_offered = Some(offered);
    if !offered {
        quit(&mut conn, timeout).await;
        return Err(Failure::NoStartTls);
    }
    send(&mut conn, "STARTTLS\r\n", timeout).await?;
    let go = step(timeout, "to STARTTLS", read_reply(&mut conn))
        .await?
        .map_err(Failure::Protocol)?;
    if go.code != 220 {
        return Err(Failure::StartTlsRejected(go.text()));
    }
    let leftover = conn.buffer().len();
    if leftover > 0 {
        return Err(Failure::Injection(leftover));
    }
    let tcp = conn.into_inner();
    let (config, slot) = trust.client_config(false, &[]);
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| Failure::Handshake(format!("bad server name: {e}")))?;
    let handshake = step(
        timeout,
        "during the TLS handshake",
        connector.connect(name, tcp),
    )
    .await?;
    let record_cert = |p: &mut Probe| {
        if let Some((cert, verdict)) = slot.take() {
            p.cert = cert;
            p.cert_checked = true;
            p.cert_problem = verdict.err();
        }
    };
    let mut tls = match handshake {
        Ok(t) => t,
        Err(e) => {
            record_cert(p);
            let text = crate::text::escape(&e.to_string());
            let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
            return Err(match inner {
                Some(rustls::Error::PeerIncompatible(_)) => Failure::OldTls(text),
                Some(rustls::Error::AlertReceived(rustls::AlertDescription::ProtocolVersion)) => {
                    Failure::OldTls(text)
                }
                _ => Failure::Handshake(text),
            });
        }
    };
    record_cert(p);
    let (_, session) = tls.get_ref();
    p.chain = session
        .peer_certificates()
        .unwrap_or_default()
        .iter()
        .map(|c| c.as_ref().to_vec())
        .collect();
    let version = session.protocol_version();
    p.tls = Some(TlsInfo {
        version: version
            .map(|v| format!("{v:?}").replace("TLSv1_", "TLSv1."))
            .unwrap_or_default(),
        cipher: session
            .negotiated_cipher_suite()
            .map(|c| format!("{:?}", c.suite()))
            .unwrap_or_default(),
        modern: matches!(
            version,
            Some(rustls::ProtocolVersion::TLSv1_2 | rustls::ProtocolVersion::TLSv1_3)
        ),
    });
    // Be polite: QUIT inside TLS. The goodbye is read in the background so
    // it never adds a round trip to the report.
    tokio::spawn(async move {
        let _permit = permit;
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            tls.write_all(b"QUIT\r\n").await?;
            let mut buf = [0u8; 512];
            let _ = tls.read(&mut buf).await;
            tls.shutdown().await
        })
        .await;
    });
    Ok(())
}

async fn send(
    conn: &mut BufReader<TcpStream>,
    line: &str,
    timeout: Duration,
) -> Result<(), Failure> {
    step(
        timeout,
        "while sending",
        conn.get_mut().write_all(line.as_bytes()),
    )
    .await?
    .map_err(|e| Failure::Protocol(format!("cannot send: {e}")))
}

async fn quit(conn: &mut BufReader<TcpStream>, timeout: Duration) {
    let _ = tokio::time::timeout(timeout.min(Duration::from_secs(2)), async {
        conn.get_mut().write_all(b"QUIT\r\n").await?;
        let _ = read_reply(conn).await;
        Ok::<(), std::io::Error>(())
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replies(mut input: &[u8]) -> Vec<Result<Reply, String>> {
        let mut out = Vec::new();
        while !input.is_empty() {
            let r = futures::executor::block_on(read_reply(&mut input));
            let stop = r.is_err();
            out.push(r);
            if stop {
                break;
            }
        }
        out
    }

    fn reply(code: u16, lines: &[&str]) -> Result<Reply, String> {
        Ok(Reply {
            code,
            lines: lines.iter().map(|l| l.to_string()).collect(),
        })
    }

    #[test]
    fn single_and_multi_line_replies_are_read_in_turn() {
        assert_eq!(
            replies(b"220 mx.test ESMTP\r\n250-mx.test\r\n250-SIZE 1000\r\n250 STARTTLS\n"),
            [
                reply(220, &["mx.test ESMTP"]),
                reply(250, &["mx.test", "SIZE 1000", "STARTTLS"]),
            ]
        );
        assert_eq!(
            replies(b"220\r\n"),
            [reply(220, &[""])],
            "a code alone is a reply"
        );
    }

    #[test]
    fn broken_replies_say_how() {
        for (input, why) in [
            (&b"220 no end of line"[..], "closed"),
            (b"22 short\r\n", "malformed"),
            (b"abc text\r\n", "malformed"),
            // Found by the smtp_reply fuzz target: read as code 25.
            (b"+250-starttls\r\n", "malformed"),
            (b"250-mx\r\n+25 STARTTLS\r\n", "malformed"),
            (b"250-one\r\n251 two\r\n", "code changed"),
        ] {
            let got = replies(input);
            let err = got.last().unwrap().as_ref().unwrap_err();
            assert!(err.contains(why), "{input:?}: {err}");
        }
        let long = [b"220 ".as_slice(), &[b'x'; MAX_LINE as usize], b"\r\n"].concat();
        assert!(
            replies(&long)[0]
                .as_ref()
                .unwrap_err()
                .contains("longer than")
        );
        let many = [b"250-x\r\n".repeat(MAX_LINES), b"250 x\r\n".to_vec()].concat();
        assert!(
            replies(&many)[0]
                .as_ref()
                .unwrap_err()
                .contains("more than")
        );
    }

    #[test]
    fn reply_text_is_escaped() {
        assert_eq!(
            replies(b"220 a\x1b[31m\xff\r\n"),
            [reply(220, &["a\\x1b[31m\\xff"])]
        );
    }

    #[test]
    fn starttls_is_a_keyword_after_the_greeting() {
        let ehlo = |lines: &[&str]| reply(250, lines).unwrap().offers_starttls();
        assert!(ehlo(&["mx.test", "PIPELINING", "starttls"]));
        assert!(ehlo(&["mx.test", "STARTTLS extra"]));
        assert!(
            !ehlo(&["STARTTLS"]),
            "the greeting line is the server's name"
        );
        assert!(!ehlo(&["mx.test", "XSTARTTLS", "SIZE STARTTLS"]));
    }
}
