//! `cargo bench --bench check`: how fast and how lean `mtasts check` is,
//! measured on the real (release) binary against the in-process test world
//! of `tests/it/support` (DNS, HTTPS policy host, SMTP with STARTTLS, a test
//! CA), all on loopback. It only prints figures; nothing here is asserted
//! on timing.
//!
//! 1. Critical path. Every DNS answer, HTTP response and SMTP reply is
//!    delayed by L = 150 ms; one domain with two MX hosts. What the test
//!    servers really delay (read from their code, not assumed):
//!    - DNS (`support/dns.rs`): the front sleeps `latency` before forwarding
//!      each query, so every query costs L. `mtasts` looks up A and AAAA
//!      concurrently (`Dns::addresses` joins them), so an address lookup is
//!      one L, not two.
//!    - HTTPS (`support/https.rs`): one sleep per connection, after the
//!      request head was read and before the response; the TCP connect and
//!      the TLS handshake are not delayed. One request per fetch: L once.
//!    - SMTP (`support/smtp.rs`): `Ctx::reply` sleeps before every write,
//!      the 220 banner included, so banner, EHLO reply and STARTTLS reply
//!      each cost L. The TLS handshake after STARTTLS is not delayed. The
//!      221 reply to QUIT is delayed too, but `mtasts` does not wait for it
//!      (it reads it in a background task and exits without it).
//!
//!    The chains `mtasts` runs concurrently (`check::gather`) are then:
//!    - TXT `_mta-sts` and TXT `_smtp._tls`:                 1 L = 150 ms
//!    - A/AAAA `mta-sts.D` -> HTTP response:                 2 L = 300 ms
//!    - MX `D` -> A/AAAA of the MX host -> SMTP banner
//!      -> EHLO reply -> STARTTLS reply (-> TLS handshake):  5 L = 750 ms
//!
//!    (both MX hosts run the last chain side by side), so the critical path
//!    is 750 ms plus undelayed loopback work (TCP connects, TLS handshakes,
//!    process start-up). Compared with a real network of round-trip time L,
//!    the servers add no delay a real network would not have; they leave
//!    some out: TCP connects and TLS handshakes cost nothing here, where
//!    they cost 1 RTT each over a real network (and the banner would come
//!    one round trip after the connect rather than L after the accept).
//!    So 750 ms is a lower bound for a real RTT of 150 ms as well.
//!
//! 2. Many domains: 10,000 domains in one `--file --json` run, 20 ms on
//!    every DNS answer, HTTP response and SMTP reply, default flags. Their
//!    MX hosts are 8 shared hosts (each domain names two of them, as a
//!    primary and a backup), each one SMTP server on its own address, so
//!    the SMTP connections should number 8: one probe per (host, address)
//!    for the whole run. Their policy hosts are spread over 250 addresses
//!    (40 domains each, as at web hosts), each with a certificate of its
//!    own.
//!    Printed: domains per second, peak RSS and CPU time of `mtasts`, and
//!    the connections the SMTP servers accepted.
//!
//! 3. Peak RSS of one check of the first world.
//!
//!    Peak RSS is measured with `getrusage(RUSAGE_CHILDREN)` in a freshly
//!    exec'd copy of this binary that runs `mtasts`: Linux records the
//!    pre-exec memory image's high-water mark into the child's `ru_maxrss`
//!    (vfork/posix_spawn shares the parent's mm), so spawning from this big
//!    multi-threaded process would report our own size, not `mtasts`'s.
//!    `/proc/<pid>/status` VmHWM polling is printed as a cross-check.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "../tests/it/support/mod.rs"]
mod support;

use support::{
    DnsServer, HttpBehaviour, HttpsServer, Leaf, SmtpBehaviour, SmtpServer, TestCa, zone,
};

const MTASTS: &str = env!("CARGO_BIN_EXE_mtasts");
/// Set in the re-exec'd copy of this binary that measures peak RSS.
const RSS_CHILD_ENV: &str = "MTASTS_BENCH_RSS_CHILD";
/// Where that copy sends the output of `mtasts` (unset: nowhere).
const STDOUT_ENV: &str = "MTASTS_BENCH_STDOUT";

const LATENCY: Duration = Duration::from_millis(150);
/// MX -> A/AAAA -> banner -> EHLO -> STARTTLS: five delayed round trips.
const CRITICAL_HOPS: u32 = 5;
const RUNS: usize = 5;
const RATIO_GOAL: f64 = 1.10;

/// `MTASTS_BENCH_DOMAINS=N` changes the 10,000 of the bulk run,
/// `MTASTS_BENCH_ARGS="--concurrency 64"` adds arguments to it, and
/// `MTASTS_BENCH_ONLY=bulk` runs only it.
const DOMAINS: usize = 10_000;
const BULK_LATENCY: Duration = Duration::from_millis(20);
/// The shared MX hosts of the many domains, each on its own address.
const MX_HOSTS: usize = 8;
/// The addresses the many domains' policy hosts are spread over.
const POLICY_ADDRESSES: usize = 250;
const RATE_GOAL: f64 = 500.0;
const BULK_RSS_GOAL_MIB: f64 = 64.0;

const RSS_GOAL_MIB: f64 = 20.0;

const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmx: *.backup.example.test\r\nmax_age: 604800\r\n";

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    futures::executor::block_on(f)
}

/// The servers of one world (kept alive while it is in use) and the
/// arguments of `mtasts` that check it.
struct World {
    dns: DnsServer,
    https: Vec<HttpsServer>,
    smtp: Vec<SmtpServer>,
    args: Vec<String>,
    _dir: tempfile::TempDir,
}

fn write_ca(ca: &TestCa) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = ca.write_pem(dir.path());
    (dir, path)
}

/// `example.test` with two MX hosts, each its own SMTP server, everything
/// delayed by `latency`, `--connect-to` for the policy host and both MX.
fn single_world(ca: &TestCa, latency: Duration) -> World {
    let (dir, ca_file) = write_ca(ca);
    let dns = DnsServer::builder()
        .zone("example.test.", &zone())
        .latency(latency)
        .start_now();
    let policy_host = "mta-sts.example.test";
    let https = block_on(HttpsServer::start_with_latency(
        support::localhost(),
        &ca.leaf(&[policy_host]),
        HttpBehaviour::policy(POLICY),
        latency,
    ));
    let mut smtp = Vec::new();
    let mut args = vec![
        "check".to_string(),
        "example.test".into(),
        "--json".into(),
        "--resolver".into(),
        dns.resolver_arg(),
        "--ca-file".into(),
        ca_file.display().to_string(),
        "--timeout".into(),
        "10".into(),
        "--connect-to".into(),
        format!("{policy_host}:443:{}", https.addr),
    ];
    for host in ["mx1.example.test", "mx2.backup.example.test"] {
        let server = block_on(SmtpServer::start_with_latency(
            support::localhost(),
            host,
            Some(&ca.leaf(&[host])),
            SmtpBehaviour::Normal,
            latency,
        ));
        args.push("--connect-to".into());
        args.push(format!("{host}:25:{}", server.addr));
        smtp.push(server);
    }
    World {
        dns,
        https: vec![https],
        smtp,
        args,
        _dir: dir,
    }
}

/// d0.test … d{n-1}.test, each its own zone. Domain i has MX 10
/// mx{i mod 8}.shared.test and MX 20 mx{i+1 mod 8}.shared.test, each MX
/// host one SMTP server on 127.0.5.x; its policy host is on one of
/// [`POLICY_ADDRESSES`] HTTPS servers on 127.0.6.x, which presents each
/// policy host its own certificate. The servers of a kind share a port, passed
/// with `--policy-port` / `--smtp-port`, and are reached through DNS.
fn bulk_world(ca: &TestCa, n: usize, latency: Duration) -> World {
    let (dir, ca_file) = write_ca(ca);
    let smtp_ip = |k: usize| std::net::IpAddr::from([127, 0, 5, k as u8 + 1]);
    let https_ip = |g: usize| std::net::IpAddr::from([127, 0, 6, g as u8 + 1]);
    // One zone per domain, as on the Internet: hickory-server answers a
    // NODATA query (the AAAA lookups here) by scanning its whole zone, which
    // for one zone of 60,000 records made the test DNS server the slowest
    // part of the run.
    let soa = |origin: &str| {
        format!(
            "$ORIGIN {origin}\n@ IN SOA ns.{origin} hostmaster.{origin} 1 3600 600 86400 300\n@ IN NS ns.test.\n"
        )
    };
    let mut shared = soa("shared.test.");
    for k in 0..MX_HOSTS {
        shared.push_str(&format!("mx{k} IN A {}\n", smtp_ip(k)));
    }
    let mut dns = DnsServer::builder()
        .zone("shared.test.", &shared)
        .latency(latency);
    let mut list = String::new();
    let mut served: Vec<Vec<String>> = vec![Vec::new(); POLICY_ADDRESSES];
    for i in 0..n {
        let d = format!("d{i}.test");
        let g = i % POLICY_ADDRESSES;
        let zone = format!(
            "{}@ IN MX 10 mx{}.shared.test.\n\
             @ IN MX 20 mx{}.shared.test.\n\
             mta-sts IN A {}\n\
             _mta-sts IN TXT \"v=STSv1; id=20261128195300Z\"\n\
             _smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@{d}\"\n",
            soa(&format!("{d}.")),
            i % MX_HOSTS,
            (i + 1) % MX_HOSTS,
            https_ip(g),
        );
        dns = dns.zone(&format!("{d}."), &zone);
        list.push_str(&format!("{d}\n"));
        served[g].push(format!("mta-sts.{d}"));
    }
    let dns = dns.start_now();
    let policy = "version: STSv1\r\nmode: enforce\r\nmx: *.shared.test\r\nmax_age: 604800\r\n";
    let mut https: Vec<HttpsServer> = Vec::with_capacity(POLICY_ADDRESSES);
    for (g, hosts) in served.iter().enumerate() {
        let leaves: Vec<Leaf> = hosts.iter().map(|h| ca.leaf(&[h])).collect();
        let by_name: Vec<(&str, &Leaf)> = hosts.iter().map(String::as_str).zip(&leaves).collect();
        let port = https.first().map_or(0, HttpsServer::port);
        https.push(HttpsServer::start_with_config(
            std::net::SocketAddr::new(https_ip(g), port),
            Leaf::server_config_by_name(&by_name),
            HttpBehaviour::policy(policy),
            latency,
        ));
    }
    let mut smtp: Vec<SmtpServer> = Vec::with_capacity(MX_HOSTS);
    for k in 0..MX_HOSTS {
        let host = format!("mx{k}.shared.test");
        let port = smtp.first().map_or(0, SmtpServer::port);
        smtp.push(block_on(SmtpServer::start_with_latency(
            std::net::SocketAddr::new(smtp_ip(k), port),
            &host,
            Some(&ca.leaf(&[&host])),
            SmtpBehaviour::Normal,
            latency,
        )));
    }
    let list_path = dir.path().join("domains.txt");
    std::fs::write(&list_path, list).expect("write domain list");
    let args = vec![
        "check".to_string(),
        "--file".into(),
        list_path.display().to_string(),
        "--json".into(),
        "--policy-port".into(),
        https[0].port().to_string(),
        "--smtp-port".into(),
        smtp[0].port().to_string(),
        "--resolver".into(),
        dns.resolver_arg(),
        "--ca-file".into(),
        ca_file.display().to_string(),
        "--timeout".into(),
        "10".into(),
    ];
    World {
        dns,
        https,
        smtp,
        args,
        _dir: dir,
    }
}

/// Runs `mtasts` once; wall clock from spawn to exit.
fn run(args: &[String]) -> (Duration, Output) {
    let started = Instant::now();
    let out = Command::new(MTASTS)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run mtasts");
    (started.elapsed(), out)
}

/// (domain, verdict) of every domain in a `--json` document; nothing else
/// is kept, so that reading 10,000 reports stays lean.
fn verdicts(stdout: &[u8], stderr: &[u8]) -> Vec<(String, String, u64)> {
    #[derive(serde::Deserialize)]
    struct Doc {
        domains: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        domain: String,
        verdict: String,
        elapsed_ms: u64,
    }
    let doc: Doc = serde_json::from_slice(stdout).unwrap_or_else(|e| {
        panic!(
            "mtasts printed no JSON ({e}); stderr: {}",
            String::from_utf8_lossy(stderr)
        )
    });
    doc.domains
        .into_iter()
        .map(|d| (d.domain, d.verdict, d.elapsed_ms))
        .collect()
}

/// The checks of a domain that did not pass, for diagnosing a failure.
fn not_passing(stdout: &[u8], domain: &str) -> Vec<String> {
    let json: Value = serde_json::from_slice(stdout).unwrap_or_default();
    let Some(d) = json["domains"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["domain"] == domain))
    else {
        return Vec::new();
    };
    d["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["status"] != "pass")
        .map(|c| format!("{} {}: {}", c["id"], c["status"], c["message"]))
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn fmt_runs(v: &[Duration]) -> String {
    v.iter()
        .map(|d| format!("{:.0}", ms(*d)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Fails loudly (this is a benchmark of the passing path, so a non-pass
/// verdict means the world is wrong, not the figure).
fn expect_pass(out: &Output, what: &str) {
    for (domain, verdict, _) in verdicts(&out.stdout, &out.stderr) {
        if verdict != "pass" {
            panic!(
                "{what}: {domain} is {verdict}, not pass:\n  {}",
                not_passing(&out.stdout, &domain).join("\n  ")
            );
        }
    }
}

fn critical_path(ca: &TestCa) {
    println!(
        "== 1. one domain, 2 MX hosts, {} ms on every DNS answer, HTTP response and SMTP reply",
        LATENCY.as_millis()
    );
    let l = ms(LATENCY);
    println!("   chains run concurrently by `mtasts check`:");
    println!(
        "     TXT _mta-sts / TXT _smtp._tls                                 1 x {l:.0} = {l:.0} ms"
    );
    println!(
        "     A/AAAA mta-sts.D -> HTTP response                             2 x {l:.0} = {:.0} ms",
        2.0 * l
    );
    println!(
        "     MX D -> A/AAAA MX host -> banner -> EHLO -> STARTTLS (+TLS)   {CRITICAL_HOPS} x {l:.0} = {:.0} ms  <- critical path",
        f64::from(CRITICAL_HOPS) * l
    );
    let world = single_world(ca, LATENCY);
    // Warm-up: page cache, lazily initialised server state.
    let (_, out) = run(&world.args);
    expect_pass(&out, "critical-path world");
    let queries_before = world.dns.queries();
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let (t, out) = run(&world.args);
        expect_pass(&out, "critical-path world");
        times.push(t);
    }
    let per_run_queries = (world.dns.queries() - queries_before) / RUNS;
    let critical = LATENCY * CRITICAL_HOPS;
    let measured = median(times.clone());
    let ratio = measured.as_secs_f64() / critical.as_secs_f64();
    println!(
        "   runs (ms): {}; DNS queries per run: {per_run_queries}; over all {} runs (1 warm-up): policy requests {}, SMTP handshakes {}",
        fmt_runs(&times),
        RUNS + 1,
        world.https[0].requests(),
        world
            .smtp
            .iter()
            .map(|s| s.tls_handshakes().to_string())
            .collect::<Vec<_>>()
            .join("+"),
    );
    println!(
        "   median {:.0} ms; measured / critical path = {ratio:.2} (critical path {:.0} ms; goal <= {RATIO_GOAL:.2}: {})",
        ms(measured),
        ms(critical),
        if ratio <= RATIO_GOAL {
            "met"
        } else {
            "NOT met"
        }
    );
}

/// What the check costs without latency: the fixed overhead on top of the
/// critical path.
fn overhead(ca: &TestCa) -> World {
    let world = single_world(ca, Duration::ZERO);
    let mut no_smtp = world.args.clone();
    no_smtp.push("--no-smtp".into());
    let mut full = Vec::new();
    let mut bare = Vec::new();
    let _ = run(&world.args);
    for _ in 0..RUNS {
        let (t, out) = run(&world.args);
        expect_pass(&out, "zero-latency world");
        full.push(t);
        bare.push(run(&no_smtp).0);
    }
    let version = run(&["--version".to_string()]);
    println!(
        "   overhead without latency (median of {RUNS}): full check {:.1} ms, --no-smtp {:.1} ms, `mtasts --version` {:.1} ms",
        ms(median(full)),
        ms(median(bare)),
        ms(version.0)
    );
    world
}

fn throughput(ca: &TestCa) {
    let n: usize = std::env::var("MTASTS_BENCH_DOMAINS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DOMAINS);
    let extra: Vec<String> = std::env::var("MTASTS_BENCH_ARGS")
        .unwrap_or_default()
        .split_whitespace()
        .map(String::from)
        .collect();
    let concurrency = concurrency(&extra);
    println!(
        "== 2. {n} domains over {MX_HOSTS} shared MX hosts, one `--file --json` run, {} ms on every DNS answer, HTTP response and SMTP reply, default flags{} (--concurrency {concurrency})",
        BULK_LATENCY.as_millis(),
        if extra.is_empty() {
            String::new()
        } else {
            format!(" and {}", extra.join(" "))
        }
    );
    let built = Instant::now();
    let mut world = bulk_world(ca, n, BULK_LATENCY);
    world.args.extend(extra);
    println!(
        "   world: {MX_HOSTS} SMTP servers, {POLICY_ADDRESSES} HTTPS servers, {} DNS zones, built in {:.1} s",
        n + 1,
        built.elapsed().as_secs_f64()
    );
    let output = world._dir.path().join("out.json");
    let cpu_self = cpu(&rusage(libc::RUSAGE_SELF));
    let m = measured(&world.args, Some(&output));
    let servers_cpu = cpu(&rusage(libc::RUSAGE_SELF)).saturating_sub(cpu_self);
    let stdout = std::fs::read(&output).expect("read the JSON output");
    let v = verdicts(&stdout, b"");
    let failures: Vec<&(String, String, u64)> = v.iter().filter(|(_, s, _)| s != "pass").collect();
    if v.len() != n {
        println!("   ! {} domains reported, expected {n}", v.len());
    }
    if let Some((domain, verdict, _)) = failures.first() {
        println!(
            "   ! {} of {} domains did not pass; first: {domain} {verdict}:\n     {}",
            failures.len(),
            v.len(),
            not_passing(&stdout, domain).join("\n     ")
        );
    }
    let goal = |met: bool| if met { "met" } else { "NOT met" };
    let rate = n as f64 / m.elapsed.as_secs_f64();
    println!(
        "   {n} domains in {:.2} s = {rate:.0} domains/s (goal >= {RATE_GOAL:.0}: {}); {} did not pass; exit {}; {:.1} MiB of JSON",
        m.elapsed.as_secs_f64(),
        goal(rate >= RATE_GOAL),
        failures.len() + n.saturating_sub(v.len()),
        m.status,
        stdout.len() as f64 / 1024.0 / 1024.0,
    );
    let mut took: Vec<u64> = v.iter().map(|(_, _, ms)| *ms).collect();
    took.sort_unstable();
    let at = |q: f64| {
        took.get(((took.len() as f64 * q) as usize).min(took.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    println!(
        "   one domain's check took (ms): median {}, 90% {}, 99% {}, most {}",
        at(0.5),
        at(0.9),
        at(0.99),
        took.last().copied().unwrap_or(0)
    );
    let peak = m.maxrss_kib as f64 / 1024.0;
    println!(
        "   peak RSS of mtasts {peak:.1} MiB (goal < {BULK_RSS_GOAL_MIB:.0} MiB: {}; VmHWM polled {})",
        goal(peak < BULK_RSS_GOAL_MIB),
        m.vmhwm_kib.map_or("n/a".to_string(), |k| format!(
            "{:.1} MiB",
            k as f64 / 1024.0
        )),
    );
    let connections: usize = world.smtp.iter().map(SmtpServer::connections).sum();
    let handshakes: usize = world.smtp.iter().map(SmtpServer::tls_handshakes).sum();
    println!(
        "   SMTP connections {connections} (goal = {MX_HOSTS}, one per MX address: {}), TLS handshakes {handshakes}; policy requests {}; DNS queries {}",
        goal(connections == MX_HOSTS),
        world.https.iter().map(HttpsServer::requests).sum::<usize>(),
        world.dns.queries(),
    );
    // A domain's longest chain is A/AAAA of its policy host -> the policy:
    // two delayed round trips (its MX lookup is one, the MX hosts'
    // addresses and probes are shared and done once).
    let floor = BULK_LATENCY.as_secs_f64() * 2.0 * n as f64 / concurrency as f64;
    println!(
        "   latency-bound floor at --concurrency {concurrency}: ~{floor:.2} s; CPU during the run: mtasts {:.2} s, test servers {:.2} s (of {:.2} s on {} cores)",
        m.cpu.as_secs_f64(),
        servers_cpu.as_secs_f64(),
        m.elapsed.as_secs_f64() * cores() as f64,
        cores()
    );
}

/// `check --concurrency` with `extra` arguments, as the command line
/// reads it (its default unless `extra` names it).
fn concurrency(extra: &[String]) -> usize {
    use clap::Parser;
    let argv = ["mtasts", "check", "d0.test"]
        .into_iter()
        .map(String::from)
        .chain(extra.iter().cloned());
    match mtasts::cli::Cli::try_parse_from(argv).map(|c| c.command) {
        Ok(mtasts::cli::Command::Check(args)) => usize::from(args.concurrency),
        _ => panic!("`mtasts check d0.test {}` does not parse", extra.join(" ")),
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// What one `mtasts` run cost, measured in a fresh copy of this binary.
struct Measured {
    elapsed: Duration,
    /// `ru_maxrss` of `mtasts`.
    maxrss_kib: u64,
    /// `ru_maxrss` the measuring copy inherited across exec.
    inherited_kib: u64,
    /// The measuring copy's own VmHWM: the floor under `maxrss_kib`.
    floor_kib: u64,
    /// VmHWM of `mtasts`, polled every 2 ms.
    vmhwm_kib: Option<u64>,
    /// User + system CPU time of `mtasts`.
    cpu: Duration,
    status: i32,
}

/// Runs `mtasts` with `args` from a fresh copy of this binary (see the
/// module comment), its standard output to `stdout` or nowhere.
fn measured(args: &[String], stdout: Option<&Path>) -> Measured {
    let me = std::env::current_exe().expect("current exe");
    let mut cmd = Command::new(me);
    cmd.args(args).env(RSS_CHILD_ENV, "1").stdin(Stdio::null());
    if let Some(path) = stdout {
        cmd.env(STDOUT_ENV, path);
    }
    let out = cmd.output().expect("re-exec for RSS");
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| -> Option<u64> {
        text.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
    };
    let parsed = (|| {
        Some(Measured {
            elapsed: Duration::from_micros(field("elapsed_us")?),
            maxrss_kib: field("children_maxrss_kib")?,
            inherited_kib: field("self_maxrss_kib")?,
            floor_kib: field("self_vmhwm_kib")?,
            vmhwm_kib: field("vmhwm_kib").filter(|k| *k > 0),
            cpu: Duration::from_micros(field("cpu_us")?),
            status: field("status")
                .and_then(|s| i32::try_from(s).ok())
                .unwrap_or(-1),
        })
    })();
    parsed.unwrap_or_else(|| {
        panic!(
            "RSS child said {text:?}, stderr {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Peak RSS of one `mtasts` run, measured in a fresh copy of this binary.
fn peak_rss(world: &World) {
    println!("== 3. peak RSS of one check (the world of 1., no latency)");
    let m = measured(&world.args, None);
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "   peak RSS of one check: {:.1} MiB (goal < {RSS_GOAL_MIB:.0} MiB: {}; exit {})",
        mib(m.maxrss_kib),
        if mib(m.maxrss_kib) < RSS_GOAL_MIB {
            "met"
        } else {
            "NOT met"
        },
        m.status,
    );
    println!(
        "   cross-checks: VmHWM polled {}; measuring process's own VmHWM (floor) {:.1} MiB; \
         ru_maxrss it inherited from this bench across exec {:.1} MiB (what spawning from here would report)",
        m.vmhwm_kib
            .map_or("n/a".to_string(), |k| format!("{:.1} MiB", mib(k))),
        mib(m.floor_kib),
        mib(m.inherited_kib),
    );
}

/// In the re-exec'd copy: run `mtasts` with our arguments, poll its VmHWM,
/// then report `ru_maxrss` and the CPU time of the waited-for children and
/// the wall time.
fn rss_child(args: &[String]) {
    let stdout = match std::env::var_os(STDOUT_ENV) {
        Some(path) => Stdio::from(std::fs::File::create(path).expect("create the output file")),
        None => Stdio::null(),
    };
    let started = Instant::now();
    let mut child = Command::new(MTASTS)
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn mtasts");
    let status_file = format!("/proc/{}/status", child.id());
    let mut hwm: Option<u64> = None;
    let status = loop {
        if let Some(k) = vmhwm(&status_file) {
            hwm = Some(hwm.map_or(k, |h| h.max(k)));
        }
        if let Some(status) = child.try_wait().expect("wait mtasts") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = started.elapsed();
    // Our own image's high-water mark: the floor under `ru_maxrss` of a
    // child spawned from here (see the module comment).
    let own = vmhwm("/proc/self/status").unwrap_or(0);
    let children = rusage(libc::RUSAGE_CHILDREN);
    println!(
        "children_maxrss_kib={} self_maxrss_kib={} self_vmhwm_kib={own} vmhwm_kib={} status={} elapsed_us={} cpu_us={}",
        children.ru_maxrss, // KiB on Linux
        rusage(libc::RUSAGE_SELF).ru_maxrss,
        hwm.unwrap_or(0),
        status.code().unwrap_or(-1),
        elapsed.as_micros(),
        cpu(&children).as_micros(),
    );
}

/// VmHWM in KiB from a `/proc/<pid>/status` file.
fn vmhwm(status_file: &str) -> Option<u64> {
    std::fs::read_to_string(status_file)
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn rusage(who: libc::c_int) -> libc::rusage {
    // SAFETY: an all-zero rusage is valid, and getrusage only writes the
    // struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(who, &mut ru) };
    assert_eq!(rc, 0, "getrusage");
    ru
}

/// User + system CPU time in a `rusage`.
fn cpu(ru: &libc::rusage) -> Duration {
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn release_binary(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "release")
}

fn main() {
    if std::env::var_os(RSS_CHILD_ENV).is_some() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        rss_child(&args);
        return;
    }
    let started = Instant::now();
    println!(
        "mtasts binary: {MTASTS} ({})",
        if release_binary(Path::new(MTASTS)) {
            "release profile"
        } else {
            "NOT a release build: figures are meaningless"
        }
    );
    let ca = TestCa::new();
    if std::env::var("MTASTS_BENCH_ONLY").as_deref() == Ok("bulk") {
        throughput(&ca);
        return;
    }
    critical_path(&ca);
    let zero = overhead(&ca);
    throughput(&ca);
    peak_rss(&zero);
    println!("(bench ran {:.1} s)", started.elapsed().as_secs_f64());
    let _ = std::io::stdout().flush();
}
