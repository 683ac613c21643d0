//! Smoke tests of the test world itself: each server answers, and
//! misbehaves, as the tests of `mtasts` rely on.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hickory_resolver::config::{NameServerConfig, ProtocolConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::{Resolver, TokioResolver};
use rustls_pki_types::ServerName;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::support::{
    DnsServer, Fault, HttpBehaviour, HttpsServer, SmtpBehaviour, SmtpServer, TestCa, localhost,
    loopback, untrusted_leaf,
};

const ZONE: &str = r#"
$TTL 300
@               IN SOA  ns hostmaster 1 3600 600 86400 60
@               IN MX   10 mx
mx              IN A    127.0.0.2
mx              IN AAAA ::1
_mta-sts        IN TXT  "v=STSv1; id=2026" "1128Z"
_smtp._tls      IN TXT  "v=TLSRPTv1; rua=mailto:tls@example.test"
two             IN TXT  "v=STSv1; id=1"
two             IN TXT  "v=STSv1; id=2"
alias           IN CNAME mx
nullmx          IN MX   0 .
_mta-sts.broken IN TXT  "v=STSv1; id=1"
mta-sts         IN A    127.0.0.1
"#;

// No SOA, no $TTL: both get added.
const IDN_ZONE: &str = "@ IN MX 5 mx.xn--bcher-kva.test.\nmx IN A 127.0.0.3\n";

fn resolver(addr: SocketAddr, tcp_only: bool, timeout: Duration) -> TokioResolver {
    let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
    if tcp_only {
        ns.connections
            .retain(|c| matches!(c.protocol, ProtocolConfig::Tcp));
    }
    for c in &mut ns.connections {
        c.port = addr.port();
    }
    let mut opts = ResolverOpts::default();
    opts.timeout = timeout;
    opts.attempts = 1;
    opts.cache_size = 0;
    Resolver::builder_with_config(
        ResolverConfig::from_name_servers(vec![ns]),
        TokioRuntimeProvider::default(),
    )
    .with_options(opts)
    .build()
    .expect("build resolver")
}

async fn dns() -> DnsServer {
    DnsServer::start_with_faults(
        &[("example.test.", ZONE), ("xn--bcher-kva.test", IDN_ZONE)],
        vec![
            (
                "_mta-sts.broken.example.test.".to_string(),
                Some(16),
                Fault::ServFail,
            ),
            ("refused.example.test.".to_string(), None, Fault::Refused),
            ("dropped.example.test.".to_string(), None, Fault::Drop),
            (
                "_smtp._tls.example.test.".to_string(),
                Some(16),
                Fault::Delay(Duration::from_millis(300)),
            ),
        ],
    )
    .await
}

fn txt_strings(lookup: &hickory_resolver::lookup::Lookup) -> Vec<Vec<String>> {
    lookup
        .answers()
        .iter()
        .filter_map(|r| match &r.data {
            RData::TXT(t) => Some(
                t.txt_data
                    .iter()
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

fn response_code(err: &NetError) -> Option<ResponseCode> {
    match err {
        NetError::Dns(DnsError::ResponseCode(code)) => Some(*code),
        NetError::Dns(DnsError::NoRecordsFound(nr)) => Some(nr.response_code),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dns_answers_and_faults() {
    let server = dns().await;
    let r = resolver(server.addr, false, Duration::from_secs(2));

    let txt = r.txt_lookup("_mta-sts.example.test.").await.unwrap();
    assert_eq!(
        txt_strings(&txt),
        vec![vec!["v=STSv1; id=2026".to_string(), "1128Z".to_string()]]
    );

    let mut two = txt_strings(&r.txt_lookup("two.example.test.").await.unwrap());
    two.sort();
    assert_eq!(two.len(), 2);

    let mx = r.mx_lookup("example.test.").await.unwrap();
    let mx: Vec<_> = mx
        .answers()
        .iter()
        .filter_map(|r| match &r.data {
            RData::MX(m) => Some((m.preference, m.exchange.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(mx, vec![(10, "mx.example.test.".to_string())]);

    let null = r.mx_lookup("nullmx.example.test.").await.unwrap();
    let null: Vec<_> = null
        .answers()
        .iter()
        .filter_map(|r| match &r.data {
            RData::MX(m) => Some((m.preference, m.exchange.is_root())),
            _ => None,
        })
        .collect();
    assert_eq!(null, vec![(0, true)]);

    let cname = r
        .lookup("alias.example.test.", RecordType::A)
        .await
        .unwrap();
    assert!(
        cname
            .answers()
            .iter()
            .any(|r| r.record_type() == RecordType::CNAME)
    );
    assert!(
        cname.answers().iter().any(
            |r| matches!(&r.data, RData::A(a) if a.0 == std::net::Ipv4Addr::new(127, 0, 0, 2))
        )
    );

    let aaaa = r
        .lookup("mx.example.test.", RecordType::AAAA)
        .await
        .unwrap();
    assert!(
        aaaa.answers()
            .iter()
            .any(|r| matches!(&r.data, RData::AAAA(a) if a.0.is_loopback()))
    );

    let idn = r.mx_lookup("xn--bcher-kva.test.").await.unwrap();
    assert_eq!(idn.answers().len(), 1);

    // SERVFAIL for the faulted name and type only.
    let err = r
        .txt_lookup("_mta-sts.broken.example.test.")
        .await
        .unwrap_err();
    assert_eq!(response_code(&err), Some(ResponseCode::ServFail), "{err:?}");
    let err = r
        .lookup("_mta-sts.broken.example.test.", RecordType::A)
        .await
        .unwrap_err();
    assert_eq!(response_code(&err), Some(ResponseCode::NoError), "{err:?}");

    let err = r.txt_lookup("refused.example.test.").await.unwrap_err();
    assert_eq!(response_code(&err), Some(ResponseCode::Refused), "{err:?}");

    // NXDOMAIN and NODATA, authoritative with the SOA.
    let err = r.txt_lookup("nope.example.test.").await.unwrap_err();
    match &err {
        NetError::Dns(DnsError::NoRecordsFound(nr)) => {
            assert_eq!(nr.response_code, ResponseCode::NXDomain);
            assert!(nr.soa.is_some());
        }
        other => panic!("expected NXDOMAIN, got {other:?}"),
    }
    let err = r.txt_lookup("mx.example.test.").await.unwrap_err();
    match &err {
        NetError::Dns(DnsError::NoRecordsFound(nr)) => {
            assert_eq!(nr.response_code, ResponseCode::NoError);
            assert!(nr.soa.is_some());
        }
        other => panic!("expected NODATA, got {other:?}"),
    }

    // Delay.
    let start = Instant::now();
    r.txt_lookup("_smtp._tls.example.test.").await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert!(server.queries() >= 10);
}

#[tokio::test(flavor = "multi_thread")]
async fn dns_drop_times_out_and_tcp_works() {
    let server = dns().await;
    let fast = resolver(server.addr, false, Duration::from_millis(300));
    let start = Instant::now();
    let err = fast.txt_lookup("dropped.example.test.").await.unwrap_err();
    assert!(matches!(err, NetError::Timeout), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(2));

    let tcp = resolver(server.addr, true, Duration::from_secs(2));
    let txt = tcp.txt_lookup("_mta-sts.example.test.").await.unwrap();
    assert_eq!(txt_strings(&txt)[0].concat(), "v=STSv1; id=20261128Z");
    let err = tcp
        .txt_lookup("_mta-sts.broken.example.test.")
        .await
        .unwrap_err();
    assert_eq!(response_code(&err), Some(ResponseCode::ServFail), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn dns_latency_applies_to_every_answer() {
    let server =
        DnsServer::start_with_latency(&[("example.test.", ZONE)], Duration::from_millis(150)).await;
    let r = resolver(server.addr, false, Duration::from_secs(2));
    let start = Instant::now();
    r.mx_lookup("example.test.").await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(150));
}

async fn https_get(
    ca: &TestCa,
    addr: SocketAddr,
    host: &str,
    path: &str,
) -> std::io::Result<String> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from(host.to_string()).unwrap();
    let mut tls = TlsConnector::from(ca.client_config())
        .connect(name, tcp)
        .await?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    tls.write_all(req.as_bytes()).await?;
    let mut out = Vec::new();
    // A peer that closes without close_notify is fine here.
    let _ = tls.read_to_end(&mut out).await;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

const POLICY: &str = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n";

#[tokio::test(flavor = "multi_thread")]
async fn https_serves_policy_over_trusted_tls() {
    let ca = TestCa::new();
    let leaf = ca.leaf(&["mta-sts.example.test"]);
    let server = HttpsServer::start(localhost(), &leaf, HttpBehaviour::policy(POLICY)).await;

    let resp = https_get(
        &ca,
        server.addr,
        "mta-sts.example.test",
        "/.well-known/mta-sts.txt",
    )
    .await
    .unwrap();
    assert!(resp.starts_with("HTTP/1.1 200 OK\r\n"), "{resp}");
    assert!(resp.contains("Content-Type: text/plain\r\n"), "{resp}");
    assert!(resp.ends_with(POLICY), "{resp}");

    let resp = https_get(&ca, server.addr, "mta-sts.example.test", "/other")
        .await
        .unwrap();
    assert!(resp.starts_with("HTTP/1.1 404"), "{resp}");
    assert_eq!(server.requests(), 2);

    // Wrong name, untrusted issuer, expired: the handshake fails.
    assert!(
        https_get(&ca, server.addr, "other.example.test", "/")
            .await
            .is_err()
    );
    let untrusted = HttpsServer::start(
        localhost(),
        &untrusted_leaf(&["mta-sts.example.test"]),
        HttpBehaviour::policy(POLICY),
    )
    .await;
    assert!(
        https_get(&ca, untrusted.addr, "mta-sts.example.test", "/")
            .await
            .is_err()
    );
    let expired = HttpsServer::start(
        localhost(),
        &ca.leaf_expired(&["mta-sts.example.test"]),
        HttpBehaviour::policy(POLICY),
    )
    .await;
    assert!(
        https_get(&ca, expired.addr, "mta-sts.example.test", "/")
            .await
            .is_err()
    );

    // Wildcard, another loopback address, intermediate.
    let wild = HttpsServer::start(
        loopback(127, 0, 0, 2),
        &ca.leaf_via_intermediate(&["*.example.test"], true),
        HttpBehaviour::Redirect {
            status: 301,
            location: "https://elsewhere.test/".into(),
        },
    )
    .await;
    assert_eq!(wild.addr.ip().to_string(), "127.0.0.2");
    let resp = https_get(
        &ca,
        wild.addr,
        "mta-sts.example.test",
        "/.well-known/mta-sts.txt",
    )
    .await
    .unwrap();
    assert!(
        resp.starts_with("HTTP/1.1 301 Moved Permanently\r\n"),
        "{resp}"
    );
    assert!(
        resp.contains("Location: https://elsewhere.test/\r\n"),
        "{resp}"
    );
    let incomplete = HttpsServer::start(
        localhost(),
        &ca.leaf_via_intermediate(&["mta-sts.example.test"], false),
        HttpBehaviour::policy(POLICY),
    )
    .await;
    assert!(
        https_get(&ca, incomplete.addr, "mta-sts.example.test", "/")
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn https_stalls_and_endless_body() {
    let ca = TestCa::new();
    let leaf = ca.leaf(&["mta-sts.example.test"]);
    let short = Duration::from_millis(300);

    let stall = HttpsServer::start(localhost(), &leaf, HttpBehaviour::StallAfterAccept).await;
    let r = tokio::time::timeout(
        short,
        https_get(&ca, stall.addr, "mta-sts.example.test", "/"),
    )
    .await;
    assert!(r.is_err(), "expected a stall");
    assert_eq!(stall.connections(), 1);

    let partial = HttpsServer::start(
        localhost(),
        &leaf,
        HttpBehaviour::StallAfterHeaders {
            content_type: "text/plain".into(),
            partial_body: b"version: STSv1\n".to_vec(),
        },
    )
    .await;
    let r = tokio::time::timeout(
        short,
        https_get(
            &ca,
            partial.addr,
            "mta-sts.example.test",
            "/.well-known/mta-sts.txt",
        ),
    )
    .await;
    assert!(r.is_err(), "expected a stall");
    assert_eq!(partial.requests(), 1);

    let endless = HttpsServer::start(
        localhost(),
        &leaf,
        HttpBehaviour::EndlessBody {
            content_type: "text/plain".into(),
        },
    )
    .await;
    let tcp = TcpStream::connect(endless.addr).await.unwrap();
    let mut tls = TlsConnector::from(ca.client_config())
        .connect(ServerName::try_from("mta-sts.example.test").unwrap(), tcp)
        .await
        .unwrap();
    tls.write_all(b"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut got = 0;
    let mut buf = vec![0u8; 16384];
    while got < 1_000_000 {
        let n = tls.read(&mut buf).await.unwrap();
        assert!(n > 0);
        got += n;
    }
    drop(tls);

    let slow = HttpsServer::start_with_latency(
        localhost(),
        &leaf,
        HttpBehaviour::policy(POLICY),
        Duration::from_millis(200),
    )
    .await;
    let start = Instant::now();
    let resp = https_get(
        &ca,
        slow.addr,
        "mta-sts.example.test",
        "/.well-known/mta-sts.txt",
    )
    .await
    .unwrap();
    assert!(resp.ends_with(POLICY));
    assert!(start.elapsed() >= Duration::from_millis(200));
}

async fn read_reply<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.unwrap() == 0 {
            return lines;
        }
        let done = line.as_bytes().get(3) != Some(&b'-');
        lines.push(line.trim_end().to_string());
        if done {
            return lines;
        }
    }
}

async fn send<S: tokio::io::AsyncWrite + Unpin>(s: &mut S, cmd: &str) {
    s.write_all(format!("{cmd}\r\n").as_bytes()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn smtp_starttls_handshake() {
    let ca = TestCa::new();
    let leaf = ca.leaf(&["mx.example.test"]);
    let server = SmtpServer::start(
        localhost(),
        "mx.example.test",
        Some(&leaf),
        SmtpBehaviour::MultiLineBanner,
    )
    .await;

    let mut plain = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
    let banner = read_reply(&mut plain).await;
    assert_eq!(banner.len(), 2, "{banner:?}");
    assert!(banner[1].starts_with("220 mx.example.test"));
    send(plain.get_mut(), "EHLO client.test").await;
    let ehlo = read_reply(&mut plain).await;
    assert!(ehlo.iter().any(|l| l == "250 STARTTLS"), "{ehlo:?}");
    send(plain.get_mut(), "STARTTLS").await;
    let go = read_reply(&mut plain).await;
    assert!(go[0].starts_with("220 "), "{go:?}");
    assert!(plain.buffer().is_empty());

    let tls = TlsConnector::from(ca.client_config())
        .connect(
            ServerName::try_from("mx.example.test").unwrap(),
            plain.into_inner(),
        )
        .await
        .unwrap();
    assert!(tls.get_ref().1.protocol_version().is_some());
    let mut tls = BufReader::new(tls);
    send(tls.get_mut(), "EHLO client.test").await;
    let ehlo = read_reply(&mut tls).await;
    assert!(ehlo.last().unwrap().starts_with("250 "), "{ehlo:?}");
    assert!(!ehlo.iter().any(|l| l.contains("STARTTLS")), "{ehlo:?}");
    send(tls.get_mut(), "QUIT").await;
    assert!(read_reply(&mut tls).await[0].starts_with("221"));
    assert_eq!(server.connections(), 1);
    assert_eq!(server.tls_handshakes(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn smtp_misbehaviours() {
    let ca = TestCa::new();
    let leaf = ca.leaf(&["mx.example.test"]);
    let host = "mx.example.test";

    // Injection: both lines arrive with the 220, before TLS.
    let inject = SmtpServer::start(
        localhost(),
        host,
        Some(&leaf),
        SmtpBehaviour::InjectAfterStartTls,
    )
    .await;
    let mut s = BufReader::new(TcpStream::connect(inject.addr).await.unwrap());
    read_reply(&mut s).await;
    send(s.get_mut(), "EHLO c").await;
    read_reply(&mut s).await;
    send(s.get_mut(), "STARTTLS").await;
    assert_eq!(read_reply(&mut s).await, vec!["220 go ahead"]);
    assert_eq!(read_reply(&mut s).await, vec!["250 injected"]);

    // No STARTTLS.
    let none = SmtpServer::start(localhost(), host, Some(&leaf), SmtpBehaviour::NoStartTls).await;
    let mut s = BufReader::new(TcpStream::connect(none.addr).await.unwrap());
    read_reply(&mut s).await;
    send(s.get_mut(), "EHLO c").await;
    assert!(
        !read_reply(&mut s)
            .await
            .iter()
            .any(|l| l.contains("STARTTLS"))
    );
    send(s.get_mut(), "STARTTLS").await;
    assert!(read_reply(&mut s).await[0].starts_with("502"));

    // Escapes in the banner.
    let esc = SmtpServer::start(
        localhost(),
        host,
        Some(&leaf),
        SmtpBehaviour::BannerWithEscapes,
    )
    .await;
    let mut s = BufReader::new(TcpStream::connect(esc.addr).await.unwrap());
    let banner = read_reply(&mut s).await;
    assert!(banner[0].contains('\x1b') && banner[0].contains('\x07'));

    // EHLO and HELO rejected.
    let reject = SmtpServer::start(localhost(), host, None, SmtpBehaviour::RejectEhlo).await;
    let mut s = BufReader::new(TcpStream::connect(reject.addr).await.unwrap());
    read_reply(&mut s).await;
    send(s.get_mut(), "EHLO c").await;
    assert!(read_reply(&mut s).await[0].starts_with("550"));
    send(s.get_mut(), "HELO c").await;
    assert!(read_reply(&mut s).await[0].starts_with("550"));

    // Stalls.
    let short = Duration::from_millis(200);
    let stall = SmtpServer::start(localhost(), host, None, SmtpBehaviour::StallAfterAccept).await;
    let mut s = BufReader::new(TcpStream::connect(stall.addr).await.unwrap());
    assert!(
        tokio::time::timeout(short, read_reply(&mut s))
            .await
            .is_err()
    );
    let stall = SmtpServer::start(localhost(), host, None, SmtpBehaviour::StallAfterBanner).await;
    let mut s = BufReader::new(TcpStream::connect(stall.addr).await.unwrap());
    read_reply(&mut s).await;
    send(s.get_mut(), "EHLO c").await;
    assert!(
        tokio::time::timeout(short, read_reply(&mut s))
            .await
            .is_err()
    );

    // Latency.
    let slow = SmtpServer::start_with_latency(
        localhost(),
        host,
        None,
        SmtpBehaviour::Normal,
        Duration::from_millis(100),
    )
    .await;
    let start = Instant::now();
    let mut s = BufReader::new(TcpStream::connect(slow.addr).await.unwrap());
    read_reply(&mut s).await;
    send(s.get_mut(), "EHLO c").await;
    read_reply(&mut s).await;
    assert!(start.elapsed() >= Duration::from_millis(200));
}

/// Servers keep serving while the test thread blocks (as it does while
/// `assert_cmd` runs the binary), even from a current-thread runtime.
#[tokio::test]
async fn servers_survive_a_blocked_test_thread() {
    let ca = TestCa::new();
    let leaf = ca.leaf(&["mta-sts.example.test"]);
    let server = HttpsServer::start(localhost(), &leaf, HttpBehaviour::policy(POLICY)).await;
    let addr = server.addr;
    let client = ca.client_config();
    let handle = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let tcp = TcpStream::connect(addr).await.unwrap();
            let mut tls = TlsConnector::from(client)
                .connect(ServerName::try_from("mta-sts.example.test").unwrap(), tcp)
                .await
                .unwrap();
            tls.write_all(b"GET /.well-known/mta-sts.txt HTTP/1.1\r\n\r\n")
                .await
                .unwrap();
            let mut out = Vec::new();
            let _ = tls.read_to_end(&mut out).await;
            String::from_utf8_lossy(&out).into_owned()
        })
    });
    // Block this (single) runtime thread on purpose.
    let resp = handle.join().unwrap();
    assert!(resp.ends_with(POLICY), "{resp}");
    drop(server);
    // Aborting is asynchronous: the listener closes shortly after.
    let deadline = Instant::now() + Duration::from_secs(2);
    while TcpStream::connect(addr).await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "server still listening after drop"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
