//! An HTTPS policy host: tokio-rustls plus a minimal HTTP/1.1 responder.
//! One request per connection (`Connection: close`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

use super::pki::Leaf;
use super::{AbortOnDrop, MAX_LINE, accept_loop, bind_tcp, spawn};

/// The path RFC 8461 policies are fetched from.
pub const POLICY_PATH: &str = "/.well-known/mta-sts.txt";

/// What the server does for `GET /.well-known/mta-sts.txt` (other paths get 404).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpBehaviour {
    /// Answer with this status, optional `Content-Type`, and body (with `Content-Length`).
    Serve {
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    },
    /// Answer with this (3xx) status and `Location`.
    Redirect { status: u16, location: String },
    /// Accept TCP, never do the TLS handshake, never close.
    StallAfterAccept,
    /// Complete TLS, read the request, never answer.
    StallAfterRequest,
    /// Send headers whose `Content-Length` exceeds what is sent, the partial
    /// body, then stall forever.
    StallAfterHeaders {
        content_type: String,
        partial_body: Vec<u8>,
    },
    /// 200 without `Content-Length` (close-delimited), streaming bytes until
    /// the client goes away.
    EndlessBody { content_type: String },
}

impl HttpBehaviour {
    /// `200`, `text/plain`, this policy text.
    pub fn policy(body: &str) -> HttpBehaviour {
        HttpBehaviour::Serve {
            status: 200,
            content_type: Some("text/plain".to_string()),
            body: body.as_bytes().to_vec(),
        }
    }

    /// A status with a `text/plain` body.
    pub fn status(status: u16, body: &str) -> HttpBehaviour {
        HttpBehaviour::Serve {
            status,
            content_type: Some("text/plain".to_string()),
            body: body.as_bytes().to_vec(),
        }
    }
}

/// A running HTTPS server. Stops when dropped.
pub struct HttpsServer {
    pub addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
    _task: AbortOnDrop,
}

struct Ctx {
    acceptor: TlsAcceptor,
    behaviour: HttpBehaviour,
    latency: Duration,
    requests: Arc<AtomicUsize>,
}

impl HttpsServer {
    /// Listens on `bind` (loopback; port 0 for an ephemeral port) presenting `leaf`.
    pub async fn start(bind: SocketAddr, leaf: &Leaf, behaviour: HttpBehaviour) -> HttpsServer {
        Self::start_with_latency(bind, leaf, behaviour, Duration::ZERO).await
    }

    /// Same, with every response delayed by `latency` after the request is read.
    pub async fn start_with_latency(
        bind: SocketAddr,
        leaf: &Leaf,
        behaviour: HttpBehaviour,
        latency: Duration,
    ) -> HttpsServer {
        Self::start_with_config(bind, leaf.server_config(), behaviour, latency)
    }

    /// Same, with a custom rustls server config (e.g. to restrict versions).
    pub fn start_with_config(
        bind: SocketAddr,
        config: Arc<rustls::ServerConfig>,
        behaviour: HttpBehaviour,
        latency: Duration,
    ) -> HttpsServer {
        let listener = bind_tcp(bind);
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let ctx = Arc::new(Ctx {
            acceptor: TlsAcceptor::from(config),
            behaviour,
            latency,
            requests: requests.clone(),
        });
        let task = spawn(accept_loop(listener, connections.clone(), move |tcp| {
            connection(tcp, ctx.clone())
        }));
        HttpsServer {
            addr,
            requests,
            connections,
            _task: AbortOnDrop(task),
        }
    }

    /// How many requests were read (whatever was answered).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The port, for `--connect-to HOST:443:127.0.0.1:PORT`.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `--connect-to` value sending `host:443` here: `host:443:127.0.0.1:PORT`.
    pub fn connect_to(&self, host: &str) -> String {
        format!("{host}:443:{}:{}", self.addr.ip(), self.addr.port())
    }
}

async fn connection(tcp: TcpStream, ctx: Arc<Ctx>) {
    if ctx.behaviour == HttpBehaviour::StallAfterAccept {
        let _keep_open = tcp;
        std::future::pending::<()>().await;
        return;
    }
    let Ok(mut tls) = ctx.acceptor.accept(tcp).await else {
        return;
    };
    let Some(head) = read_head(&mut tls).await else {
        return;
    };
    ctx.requests.fetch_add(1, Ordering::SeqCst);
    if !ctx.latency.is_zero() {
        tokio::time::sleep(ctx.latency).await;
    }
    let mut parts = head.lines().next().unwrap_or("").split(' ');
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("");
    let path = target.split('?').next().unwrap_or("");
    let is_policy = path == POLICY_PATH && (method == "GET" || method == "HEAD");
    let head_only = method == "HEAD";

    let _ = respond(&mut tls, &ctx.behaviour, is_policy, head_only).await;
    let _ = tls.shutdown().await;
}

async fn respond<S: AsyncWrite + Unpin>(
    s: &mut S,
    behaviour: &HttpBehaviour,
    is_policy: bool,
    head_only: bool,
) -> std::io::Result<()> {
    match behaviour {
        HttpBehaviour::Serve {
            status,
            content_type,
            body,
        } if is_policy => {
            let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(*status));
            if let Some(ct) = content_type {
                head.push_str(&format!("Content-Type: {ct}\r\n"));
            }
            head.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            let mut msg = head.into_bytes();
            if !head_only {
                msg.extend_from_slice(body);
            }
            s.write_all(&msg).await?;
        }
        HttpBehaviour::Redirect { status, location } if is_policy => {
            let head = format!(
                "HTTP/1.1 {status} {}\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                reason(*status)
            );
            s.write_all(head.as_bytes()).await?;
        }
        HttpBehaviour::StallAfterRequest => {
            std::future::pending::<()>().await;
        }
        HttpBehaviour::StallAfterHeaders {
            content_type,
            partial_body,
        } if is_policy => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                partial_body.len() + 4096
            );
            s.write_all(head.as_bytes()).await?;
            s.write_all(partial_body).await?;
            s.flush().await?;
            std::future::pending::<()>().await;
        }
        HttpBehaviour::EndlessBody { content_type } if is_policy => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n"
            );
            s.write_all(head.as_bytes()).await?;
            s.write_all(b"version: STSv1\nmode: enforce\nmax_age: 86400\n")
                .await?;
            let chunk = "mx: endless.example.test\n".repeat(400);
            loop {
                s.write_all(chunk.as_bytes()).await?;
            }
        }
        _ => {
            let body = b"not found\n";
            let head = format!(
                "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let mut msg = head.into_bytes();
            if !head_only {
                msg.extend_from_slice(body);
            }
            s.write_all(&msg).await?;
        }
    }
    s.flush().await
}

/// Reads the request line and headers (up to [`MAX_LINE`] bytes).
async fn read_head<S: AsyncRead + Unpin>(s: &mut S) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            buf.truncate(end);
            return Some(String::from_utf8_lossy(&buf).into_owned());
        }
        if buf.len() > MAX_LINE {
            return None;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
