//! In-process "test world" for end-to-end tests: a test PKI, an authoritative
//! DNS server that can misbehave, an HTTPS policy host and an SMTP server with
//! STARTTLS. Everything listens on loopback only.
//!
//! All servers run on one shared background multi-thread tokio runtime owned
//! by this module, not on the test's runtime. So a test may start them from a
//! `#[tokio::test]` of either flavour (or from any runtime) and then block on
//! the `mtasts` binary with `assert_cmd`: the servers keep serving. Dropping a
//! server handle stops it (its tasks are aborted).
#![allow(dead_code)]

pub mod cmd;
pub mod dns;
pub mod dnssec;
pub mod fleet;
pub mod https;
pub mod pki;
pub mod smtp;
pub mod world;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::OnceLock;

// Re-exported for tests; not every test uses every name.
#[allow(unused_imports)]
pub use cmd::{mtasts, usage_error};
#[allow(unused_imports)]
pub use dns::{DnsServer, DnsServerBuilder, Fault};
pub use https::{HttpBehaviour, HttpsServer};
#[allow(unused_imports)]
pub use pki::{Leaf, TestCa, untrusted_leaf};
pub use smtp::{SmtpBehaviour, SmtpServer};

/// The zone of a healthy deployment of `example.test` with two MX hosts.
pub fn zone() -> String {
    "$ORIGIN example.test.\n\
     $TTL 300\n\
     @ IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300\n\
     @ IN NS ns.example.test.\n\
     ns IN A 127.0.0.1\n\
     @ IN MX 10 mx1.example.test.\n\
     @ IN MX 20 mx2.backup.example.test.\n\
     mx1 IN A 127.0.0.1\n\
     mx2.backup IN A 127.0.0.1\n\
     mta-sts IN A 127.0.0.1\n\
     _mta-sts IN TXT \"v=STSv1; id=20261128195300Z\"\n\
     _smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.test\"\n"
        .to_string()
}

/// Upper bound for one request line / header block / DNS message read from a client.
pub const MAX_LINE: usize = 8 * 1024;

/// `127.0.0.1:0`: loopback, ephemeral port.
pub fn localhost() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0)
}

/// `a.b.c.d:0` for another loopback address (e.g. `loopback(127, 0, 0, 2)`).
/// On Linux the whole 127.0.0.0/8 is routed to `lo`, so any such address binds.
pub fn loopback(a: u8, b: u8, c: u8, d: u8) -> SocketAddr {
    assert_eq!(a, 127, "only loopback addresses may be used");
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(a, b, c, d)), 0)
}

/// Panics unless `addr` is a loopback address: the tests must never send
/// traffic anywhere else.
pub(crate) fn assert_loopback(addr: SocketAddr) {
    assert!(
        addr.ip().is_loopback(),
        "test servers may only bind loopback addresses, got {addr}"
    );
}

/// The shared runtime every test server runs on.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .thread_name("test-world")
            .enable_all()
            .build()
            .expect("build test-world runtime")
    })
}

/// Spawns `fut` on the shared server runtime.
pub(crate) fn spawn<F>(fut: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    runtime().spawn(fut)
}

/// Binds a std TCP listener and hands it to the shared runtime.
pub(crate) fn bind_tcp(bind: SocketAddr) -> tokio::net::TcpListener {
    assert_loopback(bind);
    let std = std::net::TcpListener::bind(bind).unwrap_or_else(|e| panic!("bind TCP {bind}: {e}"));
    register_tcp(std)
}

/// Hands a bound std TCP listener to the shared runtime.
pub(crate) fn register_tcp(std: std::net::TcpListener) -> tokio::net::TcpListener {
    std.set_nonblocking(true).expect("set_nonblocking");
    let _guard = runtime().enter();
    tokio::net::TcpListener::from_std(std).expect("register TCP listener")
}

/// Binds a std UDP socket and hands it to the shared runtime.
pub(crate) fn bind_udp(bind: SocketAddr) -> std::io::Result<tokio::net::UdpSocket> {
    assert_loopback(bind);
    let std = std::net::UdpSocket::bind(bind)?;
    std.set_nonblocking(true)?;
    let _guard = runtime().enter();
    tokio::net::UdpSocket::from_std(std)
}

/// Accepts connections for ever, counting them, each served by its own
/// task; the tasks end with the loop when the server handle is dropped.
pub(crate) async fn accept_loop<F, Fut>(
    listener: tokio::net::TcpListener,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    serve: F,
) where
    F: Fn(tokio::net::TcpStream) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut conns = tokio::task::JoinSet::new();
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        connections.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        while conns.try_join_next().is_some() {}
        conns.spawn(serve(tcp));
    }
}

/// Aborts the wrapped task when dropped.
pub(crate) struct AbortOnDrop(pub tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
