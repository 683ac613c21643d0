//! An authoritative DNS server for tests: hickory-server serves the zones on
//! an internal loopback port; a small UDP+TCP front on [`DnsServer::addr`]
//! forwards queries to it, or misbehaves on request (SERVFAIL, REFUSED, no
//! answer at all, delayed answers).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hickory_server::Server;
use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::proto::rr::{LowerName, Name, RecordType};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::Mutex;
use tokio::task::JoinSet;

use super::{AbortOnDrop, bind_udp, localhost, register_tcp, runtime, spawn};

/// How long the front waits for the internal server.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(5);

/// A way to misbehave for matching queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer SERVFAIL (RCODE 2) with no records.
    ServFail,
    /// Answer REFUSED (RCODE 5) with no records.
    Refused,
    /// Never answer: the client times out.
    Drop,
    /// Answer normally, but only after this delay.
    Delay(Duration),
}

/// A running DNS server. Stops when dropped.
pub struct DnsServer {
    /// Where the front listens, UDP and TCP on the same port.
    pub addr: SocketAddr,
    inner_addr: SocketAddr,
    queries: Arc<AtomicUsize>,
    asked: Arc<Asked>,
    _front: Vec<AbortOnDrop>,
    _server: Server<Catalog>,
    _ds_server: Option<Server<Catalog>>,
}

/// Builder for a [`DnsServer`] combining zones, faults, latency and a bind address.
#[derive(Clone)]
pub struct DnsServerBuilder {
    bind: SocketAddr,
    zones: Vec<(String, String)>,
    /// Zones built elsewhere (signed ones), by origin.
    handlers: Vec<(String, Arc<dyn ZoneHandler>)>,
    /// The zones that answer DS queries, when DS queries go elsewhere.
    ds_handlers: Vec<(String, Arc<dyn ZoneHandler>)>,
    faults: Vec<(String, Option<u16>, Fault)>,
    latency: Duration,
}

impl Default for DnsServerBuilder {
    fn default() -> Self {
        DnsServerBuilder {
            bind: localhost(),
            zones: Vec::new(),
            handlers: Vec::new(),
            ds_handlers: Vec::new(),
            faults: Vec::new(),
            latency: Duration::ZERO,
        }
    }
}

impl DnsServerBuilder {
    /// Listen on this loopback address (port 0: ephemeral). Default `127.0.0.1:0`.
    pub fn bind(mut self, bind: SocketAddr) -> Self {
        self.bind = bind;
        self
    }

    /// Serve a zone: origin (e.g. `"example.test."`) and master-file text.
    /// `$TTL 300` is assumed when the text has no `$TTL`; an SOA is added
    /// when the text has none.
    pub fn zone(mut self, origin: &str, text: &str) -> Self {
        self.zones.push((origin.to_string(), text.to_string()));
        self
    }

    /// Serve a zone built elsewhere (e.g. signed by [`super::dnssec`]).
    pub fn handler(mut self, origin: &str, handler: Arc<dyn ZoneHandler>) -> Self {
        self.handlers.push((origin.to_string(), handler));
        self
    }

    /// Answer DS queries from these zones only (a parent and its children
    /// served together: the DS record lives in the parent, and the
    /// catalog would ask the child).
    pub fn ds_handler(mut self, origin: &str, handler: Arc<dyn ZoneHandler>) -> Self {
        self.ds_handlers.push((origin.to_string(), handler));
        self
    }

    /// Misbehave for queries of `name` (any case, trailing dot optional) and
    /// `qtype` (`None`: any type). The first matching rule wins.
    pub fn fault(mut self, name: &str, qtype: Option<u16>, fault: Fault) -> Self {
        self.faults.push((normalize_name(name), qtype, fault));
        self
    }

    /// Delay every answer by `latency` (added to a [`Fault::Delay`]).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Starts the server on the shared test runtime.
    pub async fn start(self) -> DnsServer {
        self.start_now()
    }

    /// Starts the server without awaiting anything (usable outside async code).
    pub fn start_now(self) -> DnsServer {
        let mut catalog = Catalog::new();
        for (origin, text) in &self.zones {
            let (name, handler) = build_zone(origin, text);
            catalog.upsert(LowerName::from(&name), vec![Arc::new(handler)]);
        }
        let catalog_of = |handlers: &[(String, Arc<dyn ZoneHandler>)], mut catalog: Catalog| {
            for (origin, handler) in handlers {
                let name = Name::from_ascii(normalize_name(origin)).expect("zone origin");
                catalog.upsert(LowerName::from(&name), vec![handler.clone()]);
            }
            catalog
        };
        let catalog = catalog_of(&self.handlers, catalog);
        let (server, inner_addr) = serve(catalog);
        let ds = (!self.ds_handlers.is_empty())
            .then(|| serve(catalog_of(&self.ds_handlers, Catalog::new())));

        let (udp, tcp) = bind_pair(self.bind);
        let addr = udp.local_addr().expect("front addr");
        let queries = Arc::new(AtomicUsize::new(0));
        let asked = Arc::new(Asked::default());
        let ctx = Arc::new(Front {
            inner: inner_addr,
            ds_inner: ds.as_ref().map(|(_, addr)| *addr),
            faults: self.faults,
            latency: self.latency,
            queries: queries.clone(),
            asked: asked.clone(),
        });
        let front = vec![
            AbortOnDrop(spawn(udp_front(Arc::new(udp), ctx.clone()))),
            AbortOnDrop(spawn(tcp_front(tcp, ctx))),
        ];
        DnsServer {
            addr,
            inner_addr,
            queries,
            asked,
            _front: front,
            _server: server,
            _ds_server: ds.map(|(server, _)| server),
        }
    }
}

/// An internal hickory server for `catalog`: UDP and TCP on one ephemeral
/// loopback port.
fn serve(catalog: Catalog) -> (Server<Catalog>, SocketAddr) {
    let (inner_udp, inner_tcp) = bind_pair(localhost());
    let inner_addr = inner_udp.local_addr().expect("inner addr");
    let _guard = runtime().enter();
    let mut server = Server::new(catalog);
    server.register_socket(inner_udp);
    server.register_listener(inner_tcp, Duration::from_secs(30), 4096);
    (server, inner_addr)
}

impl DnsServer {
    /// A builder, for combining zones, faults, latency and a bind address.
    pub fn builder() -> DnsServerBuilder {
        DnsServerBuilder::default()
    }

    /// zones: (origin, zone text in RFC 1035 master-file syntax). Serves all of them.
    pub async fn start(zones: &[(&str, &str)]) -> DnsServer {
        Self::with_zones(zones).start().await
    }

    /// Same, plus fault rules: (query name, e.g. `"_mta-sts.broken.test."`,
    /// record type as u16 or `None` for any, fault).
    pub async fn start_with_faults(
        zones: &[(&str, &str)],
        faults: Vec<(String, Option<u16>, Fault)>,
    ) -> DnsServer {
        let mut b = Self::with_zones(zones);
        for (name, qtype, fault) in faults {
            b = b.fault(&name, qtype, fault);
        }
        b.start().await
    }

    /// Every answer delayed by `latency`.
    pub async fn start_with_latency(zones: &[(&str, &str)], latency: Duration) -> DnsServer {
        Self::with_zones(zones).latency(latency).start().await
    }

    fn with_zones(zones: &[(&str, &str)]) -> DnsServerBuilder {
        zones
            .iter()
            .fold(Self::builder(), |b, (origin, text)| b.zone(origin, text))
    }

    /// How many queries reached the front (UDP and TCP, including faulted ones).
    pub fn queries(&self) -> usize {
        self.queries.load(Ordering::SeqCst)
    }

    /// How many queries reached the front for `name` (any case, trailing
    /// dot optional) and `qtype`.
    pub fn queries_for(&self, name: &str, qtype: u16) -> usize {
        let asked = self.asked.lock().unwrap_or_else(|e| e.into_inner());
        asked
            .get(&(normalize_name(name), qtype))
            .copied()
            .unwrap_or(0)
    }

    /// The internal hickory server's address (no faults, no latency).
    pub fn inner_addr(&self) -> SocketAddr {
        self.inner_addr
    }

    /// `--resolver` argument value: `127.0.0.1:PORT`.
    pub fn resolver_arg(&self) -> String {
        self.addr.to_string()
    }
}

fn normalize_name(name: &str) -> String {
    let mut n = name.to_ascii_lowercase();
    if !n.ends_with('.') {
        n.push('.');
    }
    n
}

/// Parses one zone; adds `$TTL 300` and an SOA when missing.
fn build_zone(origin: &str, text: &str) -> (Name, InMemoryZoneHandler<TokioRuntimeProvider>) {
    let origin_fqdn = normalize_name(origin);
    let origin_name = Name::from_ascii(&origin_fqdn)
        .unwrap_or_else(|e| panic!("bad zone origin {origin:?}: {e}"));
    let ttl = if text.contains("$TTL") {
        ""
    } else {
        "$TTL 300\n"
    };
    let parse = |text: String| {
        Parser::new(text, None, Some(origin_name.clone()))
            .parse()
            .unwrap_or_else(|e| panic!("zone {origin_fqdn} does not parse: {e}"))
    };
    let (mut name, mut records) = parse(format!("{ttl}{text}\n"));
    if !records
        .values()
        .any(|rs| rs.record_type() == RecordType::SOA)
    {
        let soa = format!(
            "$ORIGIN {origin_fqdn}\n@ IN SOA ns.{origin_fqdn} hostmaster.{origin_fqdn} 1 3600 600 86400 60\n"
        );
        (name, records) = parse(format!("{ttl}{soa}{text}\n"));
    }
    let handler = InMemoryZoneHandler::new(
        name.clone(),
        records,
        ZoneType::Primary,
        AxfrPolicy::Deny,
        None,
    )
    .unwrap_or_else(|e| panic!("zone {origin_fqdn}: {e}"));
    (name, handler)
}

/// Binds UDP on `bind` and TCP on the same port (retrying with another
/// ephemeral port when that port is taken for TCP).
fn bind_pair(bind: SocketAddr) -> (UdpSocket, TcpListener) {
    for _ in 0..50 {
        let udp = bind_udp(bind).unwrap_or_else(|e| panic!("bind UDP {bind}: {e}"));
        let port = udp.local_addr().expect("udp addr").port();
        let tcp_addr = SocketAddr::new(bind.ip(), port);
        match std::net::TcpListener::bind(tcp_addr) {
            Ok(std) => return (udp, register_tcp(std)),
            Err(_) if bind.port() == 0 => continue,
            Err(e) => panic!("bind TCP {tcp_addr}: {e}"),
        }
    }
    panic!("could not bind UDP and TCP on one port at {}", bind.ip());
}

struct Front {
    inner: SocketAddr,
    /// Where DS queries go, when not to `inner`.
    ds_inner: Option<SocketAddr>,
    faults: Vec<(String, Option<u16>, Fault)>,
    latency: Duration,
    queries: Arc<AtomicUsize>,
    asked: Arc<Asked>,
}

/// How many queries came for each name and type.
type Asked = std::sync::Mutex<std::collections::HashMap<(String, u16), usize>>;

impl Front {
    /// The answer to send for `query`, or `None` to stay silent.
    async fn answer(&self, query: &[u8], tcp: bool) -> Option<Vec<u8>> {
        self.queries.fetch_add(1, Ordering::SeqCst);
        let question = parse_question(query);
        if let Some((name, qtype, _)) = &question {
            let mut asked = self.asked.lock().unwrap_or_else(|e| e.into_inner());
            *asked.entry((name.clone(), *qtype)).or_default() += 1;
        }
        let inner = match (&question, self.ds_inner) {
            (Some((_, 43, _)), Some(ds)) => ds,
            _ => self.inner,
        };
        let fault = question.and_then(|(name, qtype, _)| {
            self.faults
                .iter()
                .find(|(n, t, _)| *n == name && t.is_none_or(|t| t == qtype))
                .map(|(_, _, f)| *f)
        });
        let mut delay = self.latency;
        let response = match fault {
            Some(Fault::Drop) => return None,
            Some(Fault::ServFail) => synthesize(query, 2),
            Some(Fault::Refused) => synthesize(query, 5),
            Some(Fault::Delay(d)) => {
                delay += d;
                None
            }
            None => None,
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        match response {
            Some(r) => Some(r),
            None if tcp => forward_tcp(inner, query).await,
            None => forward_udp(inner, query).await,
        }
    }
}

async fn forward_udp(inner: SocketAddr, query: &[u8]) -> Option<Vec<u8>> {
    let sock = UdpSocket::bind(super::localhost()).await.ok()?;
    sock.connect(inner).await.ok()?;
    sock.send(query).await.ok()?;
    let mut buf = vec![0u8; 65535];
    let n = tokio::time::timeout(FORWARD_TIMEOUT, sock.recv(&mut buf))
        .await
        .ok()?
        .ok()?;
    buf.truncate(n);
    Some(buf)
}

async fn forward_tcp(inner: SocketAddr, query: &[u8]) -> Option<Vec<u8>> {
    let exchange = async {
        let mut s = TcpStream::connect(inner).await.ok()?;
        let len = u16::try_from(query.len()).ok()?;
        let mut msg = len.to_be_bytes().to_vec();
        msg.extend_from_slice(query);
        s.write_all(&msg).await.ok()?;
        read_tcp_message(&mut s).await
    };
    tokio::time::timeout(FORWARD_TIMEOUT, exchange).await.ok()?
}

async fn read_tcp_message<R: AsyncReadExt + Unpin>(r: &mut R) -> Option<Vec<u8>> {
    let mut len = [0u8; 2];
    r.read_exact(&mut len).await.ok()?;
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
    r.read_exact(&mut buf).await.ok()?;
    Some(buf)
}

async fn udp_front(sock: Arc<UdpSocket>, ctx: Arc<Front>) {
    let mut tasks = JoinSet::new();
    let mut buf = vec![0u8; 65535];
    loop {
        let (n, peer) = match sock.recv_from(&mut buf).await {
            Ok(x) => x,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(1)).await;
                continue;
            }
        };
        while tasks.try_join_next().is_some() {}
        let query = buf[..n].to_vec();
        let (sock, ctx) = (sock.clone(), ctx.clone());
        tasks.spawn(async move {
            if let Some(resp) = ctx.answer(&query, false).await {
                let _ = sock.send_to(&resp, peer).await;
            }
        });
    }
}

async fn tcp_front(listener: TcpListener, ctx: Arc<Front>) {
    let mut conns = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        while conns.try_join_next().is_some() {}
        conns.spawn(tcp_conn(stream, ctx.clone()));
    }
}

/// One TCP connection: queries may be pipelined; each is answered as soon
/// as it is ready (a dropped or delayed one does not hold up the others).
async fn tcp_conn(stream: TcpStream, ctx: Arc<Front>) {
    let (mut rd, wr) = stream.into_split();
    let wr = Arc::new(Mutex::new(wr));
    let mut tasks = JoinSet::new();
    while let Some(query) = read_tcp_message(&mut rd).await {
        while tasks.try_join_next().is_some() {}
        let (ctx, wr) = (ctx.clone(), wr.clone());
        tasks.spawn(async move {
            if let Some(resp) = ctx.answer(&query, true).await {
                let Ok(len) = u16::try_from(resp.len()) else {
                    return;
                };
                let mut msg = len.to_be_bytes().to_vec();
                msg.extend_from_slice(&resp);
                let _ = wr.lock().await.write_all(&msg).await;
            }
        });
    }
    // The client closed its side: finish the answers in flight.
    while tasks.join_next().await.is_some() {}
}

/// QNAME (lower case, trailing dot), QTYPE and the offset just past the
/// first question, read from a raw DNS message.
pub fn parse_question(msg: &[u8]) -> Option<(String, u16, usize)> {
    if msg.len() < 12 || u16::from_be_bytes([msg[4], msg[5]]) == 0 {
        return None;
    }
    let mut i = 12;
    let mut name = String::new();
    loop {
        let len = usize::from(*msg.get(i)?);
        i += 1;
        if len == 0 {
            break;
        }
        if len & 0xC0 != 0 {
            return None; // compression pointers do not occur in queries
        }
        let label = msg.get(i..i + len)?;
        name.extend(label.iter().map(|b| char::from(b.to_ascii_lowercase())));
        name.push('.');
        i += len;
    }
    if name.is_empty() {
        name.push('.');
    }
    let qtype = u16::from_be_bytes([*msg.get(i)?, *msg.get(i + 1)?]);
    msg.get(i + 2..i + 4)?;
    Some((name, qtype, i + 4))
}

/// An error answer to `query`: same ID, opcode, RD and question; QR and RA
/// set; the given RCODE; no records.
pub fn synthesize(query: &[u8], rcode: u8) -> Option<Vec<u8>> {
    if query.len() < 12 {
        return None;
    }
    let question_end = parse_question(query).map(|(_, _, end)| end);
    let mut r = Vec::with_capacity(query.len());
    r.extend_from_slice(&query[0..2]);
    r.push(0x80 | (query[2] & 0x79)); // QR, opcode, RD
    r.push(0x80 | (rcode & 0x0F)); // RA, RCODE
    r.extend_from_slice(&[0, u8::from(question_end.is_some()), 0, 0, 0, 0, 0, 0]);
    if let Some(end) = question_end {
        r.extend_from_slice(&query[12..end]);
    }
    Some(r)
}
