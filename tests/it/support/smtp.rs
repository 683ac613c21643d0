//! An SMTP server with STARTTLS for tests, with scripted misbehaviour.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

use super::pki::Leaf;
use super::{AbortOnDrop, MAX_LINE, accept_loop, bind_tcp, spawn};

/// How the server behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpBehaviour {
    /// 220 banner; EHLO advertises PIPELINING and STARTTLS (when a leaf is
    /// given); STARTTLS -> 220 then a TLS handshake; after TLS, EHLO -> 250
    /// without STARTTLS; QUIT -> 221 and close.
    Normal,
    /// `220-first` / `220 second` banner, then as Normal.
    MultiLineBanner,
    /// EHLO without STARTTLS; STARTTLS -> 502.
    NoStartTls,
    /// Accept, never send a banner.
    StallAfterAccept,
    /// Send the banner, then never answer anything.
    StallAfterBanner,
    /// Banner with raw ESC sequences and a BEL, then as Normal.
    BannerWithEscapes,
    /// Reply to STARTTLS with `220 go ahead\r\n250 injected\r\n` in one write, then TLS.
    InjectAfterStartTls,
    /// EHLO -> 550, HELO too.
    RejectEhlo,
    /// A tarpit that drips: a banner line of one byte per second, for ever.
    DripBanner,
}

/// A running SMTP server. Stops when dropped.
pub struct SmtpServer {
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    tls_handshakes: Arc<AtomicUsize>,
    sessions: Arc<Sessions>,
    _task: AbortOnDrop,
}

struct Ctx {
    host: String,
    acceptor: Option<TlsAcceptor>,
    behaviour: SmtpBehaviour,
    latency: Duration,
    tls_handshakes: Arc<AtomicUsize>,
    sessions: Arc<Sessions>,
}

/// Sessions open at once, and the most there ever were.
#[derive(Default)]
struct Sessions {
    open: AtomicUsize,
    peak: AtomicUsize,
}

/// One open session; it ends when the server says goodbye (before the
/// 221 is sent, so that a client that waits for it cannot open its next
/// session first) or when the connection ends, whichever comes first.
struct Session {
    sessions: Arc<Sessions>,
    open: bool,
}

impl Session {
    fn start(sessions: &Arc<Sessions>) -> Session {
        let now = sessions.open.fetch_add(1, Ordering::SeqCst) + 1;
        sessions.peak.fetch_max(now, Ordering::SeqCst);
        Session {
            sessions: sessions.clone(),
            open: true,
        }
    }

    fn end(&mut self) {
        if std::mem::take(&mut self.open) {
            self.sessions.open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.end();
    }
}

impl SmtpServer {
    /// Listens on `bind` (loopback; port 0 for ephemeral). `host` is the name
    /// in the banner and EHLO reply; without a leaf STARTTLS is not offered
    /// (and answered 502).
    pub async fn start(
        bind: SocketAddr,
        host: &str,
        leaf: Option<&Leaf>,
        behaviour: SmtpBehaviour,
    ) -> SmtpServer {
        Self::start_with_latency(bind, host, leaf, behaviour, Duration::ZERO).await
    }

    /// Same, with every reply (banner included) delayed by `latency`.
    pub async fn start_with_latency(
        bind: SocketAddr,
        host: &str,
        leaf: Option<&Leaf>,
        behaviour: SmtpBehaviour,
        latency: Duration,
    ) -> SmtpServer {
        Self::start_with_config(
            bind,
            host,
            leaf.map(Leaf::server_config),
            behaviour,
            latency,
        )
    }

    /// Same, with a custom rustls server config (e.g. to restrict versions).
    pub fn start_with_config(
        bind: SocketAddr,
        host: &str,
        config: Option<Arc<rustls::ServerConfig>>,
        behaviour: SmtpBehaviour,
        latency: Duration,
    ) -> SmtpServer {
        let listener = bind_tcp(bind);
        let addr = listener.local_addr().expect("local addr");
        let connections = Arc::new(AtomicUsize::new(0));
        let tls_handshakes = Arc::new(AtomicUsize::new(0));
        let sessions = Arc::new(Sessions::default());
        let ctx = Arc::new(Ctx {
            host: host.to_string(),
            acceptor: config.map(TlsAcceptor::from),
            behaviour,
            latency,
            tls_handshakes: tls_handshakes.clone(),
            sessions: sessions.clone(),
        });
        let task = spawn(accept_loop(listener, connections.clone(), move |tcp| {
            connection(tcp, ctx.clone())
        }));
        SmtpServer {
            addr,
            connections,
            tls_handshakes,
            sessions,
            _task: AbortOnDrop(task),
        }
    }

    /// The most sessions that were ever open at once.
    pub fn peak_sessions(&self) -> usize {
        self.sessions.peak.load(Ordering::SeqCst)
    }

    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// How many TLS handshakes completed.
    pub fn tls_handshakes(&self) -> usize {
        self.tls_handshakes.load(Ordering::SeqCst)
    }

    /// The port, for `--connect-to HOST:25:127.0.0.1:PORT`.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `--connect-to` value sending `host:25` here: `host:25:127.0.0.1:PORT`.
    pub fn connect_to(&self, host: &str) -> String {
        format!("{host}:25:{}:{}", self.addr.ip(), self.addr.port())
    }
}

impl Ctx {
    async fn reply<S: AsyncWrite + Unpin>(&self, s: &mut S, text: &str) -> std::io::Result<()> {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        s.write_all(text.as_bytes()).await?;
        s.flush().await
    }

    fn offers_starttls(&self) -> bool {
        self.acceptor.is_some() && self.behaviour != SmtpBehaviour::NoStartTls
    }
}

async fn connection(tcp: TcpStream, ctx: Arc<Ctx>) {
    use SmtpBehaviour::*;
    let mut session = Session::start(&ctx.sessions);
    let host = &ctx.host;
    let banner = match ctx.behaviour {
        StallAfterAccept => {
            let _keep_open = tcp;
            std::future::pending::<()>().await;
            return;
        }
        DripBanner => {
            let mut tcp = tcp;
            // A banner line that never ends.
            for byte in b"220 ".iter().chain(std::iter::repeat(&b'.')) {
                if tcp.write_all(&[*byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            return;
        }
        MultiLineBanner => format!("220-{host} first line\r\n220 {host} ESMTP second line\r\n"),
        BannerWithEscapes => format!("220 {host} ESMTP \x1b[31mred\x1b[0m \x07bell\r\n"),
        _ => format!("220 {host} ESMTP mtasts-test\r\n"),
    };
    let mut plain = BufReader::new(tcp);
    if ctx.reply(&mut plain, &banner).await.is_err() {
        return;
    }
    if ctx.behaviour == StallAfterBanner {
        std::future::pending::<()>().await;
        return;
    }
    if !commands(&mut plain, &ctx, false, &mut session).await {
        return;
    }
    // STARTTLS was accepted: anything the client sent after the command
    // before the handshake is discarded (as real servers must).
    let tcp = plain.into_inner();
    let Some(acceptor) = ctx.acceptor.clone() else {
        return;
    };
    let Ok(tls) = acceptor.accept(tcp).await else {
        return;
    };
    ctx.tls_handshakes.fetch_add(1, Ordering::SeqCst);
    let mut tls = BufReader::new(tls);
    commands(&mut tls, &ctx, true, &mut session).await;
    let _ = tls.get_mut().shutdown().await;
}

/// Runs the command loop; returns true when the client should now do the
/// TLS handshake (STARTTLS accepted), false when the session is over.
async fn commands<S>(s: &mut BufReader<S>, ctx: &Ctx, in_tls: bool, session: &mut Session) -> bool
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    use SmtpBehaviour::*;
    let host = &ctx.host;
    loop {
        let Some(line) = read_line(s).await else {
            return false;
        };
        let Some(line) = line else {
            let _ = ctx.reply(s, "500 5.5.2 line too long\r\n").await;
            return false;
        };
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" | "HELO" if ctx.behaviour == RejectEhlo => "550 5.7.1 go away\r\n".to_string(),
            "EHLO" if !in_tls && ctx.offers_starttls() => {
                format!("250-{host} hello\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 STARTTLS\r\n")
            }
            "EHLO" => format!("250-{host} hello\r\n250-PIPELINING\r\n250 8BITMIME\r\n"),
            "HELO" => format!("250 {host}\r\n"),
            "STARTTLS" if in_tls => "503 5.5.1 TLS already active\r\n".to_string(),
            "STARTTLS" if !ctx.offers_starttls() => {
                "502 5.5.1 STARTTLS not supported\r\n".to_string()
            }
            "STARTTLS" => {
                let text = if ctx.behaviour == InjectAfterStartTls {
                    "220 go ahead\r\n250 injected\r\n"
                } else {
                    "220 2.0.0 Ready to start TLS\r\n"
                };
                return ctx.reply(s, text).await.is_ok();
            }
            "QUIT" => {
                session.end();
                let _ = ctx.reply(s, "221 2.0.0 bye\r\n").await;
                return false;
            }
            "NOOP" | "RSET" | "MAIL" | "RCPT" => "250 2.0.0 OK\r\n".to_string(),
            _ => "500 5.5.2 command not recognized\r\n".to_string(),
        };
        if ctx.reply(s, &reply).await.is_err() {
            return false;
        }
    }
}

/// One line without its CRLF. `None`: EOF or I/O error; `Some(None)`: the
/// line exceeded [`MAX_LINE`].
async fn read_line<S: AsyncRead + Unpin>(s: &mut BufReader<S>) -> Option<Option<String>> {
    let mut buf = Vec::new();
    let n = (&mut *s)
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut buf)
        .await
        .ok()?;
    if n == 0 {
        return None;
    }
    if !buf.ends_with(b"\n") {
        // Either too long, or EOF in the middle of a line.
        return if n > MAX_LINE { Some(None) } else { None };
    }
    let text = String::from_utf8_lossy(&buf);
    Some(Some(text.trim_end_matches(['\r', '\n']).to_string()))
}
