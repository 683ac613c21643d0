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
//! 2. Throughput: 500 domains in one `--file` run, 20 ms on everything,
//!    default concurrency, one HTTPS server whose certificate names all 500
//!    policy hosts and one shared SMTP server.
//!
//! 3. Peak RSS of one check of the first world, measured with
//!    `getrusage(RUSAGE_CHILDREN)` in a freshly exec'd copy of this binary:
//!    Linux records the pre-exec memory image's high-water mark into the
//!    child's `ru_maxrss` (vfork/posix_spawn shares the parent's mm), so
//!    spawning from this big multi-threaded process would report our own
//!    size, not `mtasts`'s. `/proc/<pid>/status` VmHWM polling is printed as
//!    a cross-check.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "../tests/it/support/mod.rs"]
mod support;

use support::{DnsServer, HttpBehaviour, HttpsServer, SmtpBehaviour, SmtpServer, TestCa, zone};

const MTASTS: &str = env!("CARGO_BIN_EXE_mtasts");
/// Set in the re-exec'd copy of this binary that measures peak RSS.
const RSS_CHILD_ENV: &str = "MTASTS_BENCH_RSS_CHILD";

const LATENCY: Duration = Duration::from_millis(150);
/// MX -> A/AAAA -> banner -> EHLO -> STARTTLS: five delayed round trips.
const CRITICAL_HOPS: u32 = 5;
const RUNS: usize = 5;
const RATIO_GOAL: f64 = 1.10;

const DOMAINS: usize = 500;
const BULK_LATENCY: Duration = Duration::from_millis(20);
/// `--concurrency` default (src/cli.rs), for the printed upper bound only.
const DEFAULT_CONCURRENCY: usize = 32;

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

/// d0.test … d{n-1}.test in one `test.` zone, all MX to `mx.shared.test`,
/// one HTTPS server for every policy host, one SMTP server; ports passed
/// with `--policy-port` / `--smtp-port`.
fn bulk_world(ca: &TestCa, n: usize, latency: Duration) -> (World, PathBuf) {
    let (dir, ca_file) = write_ca(ca);
    let mut zone = String::from(
        "$ORIGIN test.\n\
         $TTL 300\n\
         @ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n\
         @ IN NS ns.test.\n\
         ns IN A 127.0.0.1\n\
         mx.shared IN A 127.0.0.1\n",
    );
    let mut list = String::new();
    let mut policy_hosts = Vec::with_capacity(n);
    for i in 0..n {
        let d = format!("d{i}");
        zone.push_str(&format!(
            "{d} IN MX 10 mx.shared.test.\n\
             mta-sts.{d} IN A 127.0.0.1\n\
             _mta-sts.{d} IN TXT \"v=STSv1; id=20261128195300Z\"\n\
             _smtp._tls.{d} IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@{d}.test\"\n"
        ));
        list.push_str(&format!("{d}.test\n"));
        policy_hosts.push(format!("mta-sts.{d}.test"));
    }
    let dns = DnsServer::builder()
        .zone("test.", &zone)
        .latency(latency)
        .start_now();
    let names: Vec<&str> = policy_hosts.iter().map(String::as_str).collect();
    let policy = "version: STSv1\r\nmode: enforce\r\nmx: mx.shared.test\r\nmax_age: 604800\r\n";
    let https = block_on(HttpsServer::start_with_latency(
        support::localhost(),
        &ca.leaf(&names),
        HttpBehaviour::policy(policy),
        latency,
    ));
    let smtp = block_on(SmtpServer::start_with_latency(
        support::localhost(),
        "mx.shared.test",
        Some(&ca.leaf(&["mx.shared.test"])),
        SmtpBehaviour::Normal,
        latency,
    ));
    let list_path = dir.path().join("domains.txt");
    std::fs::write(&list_path, list).expect("write domain list");
    let args = vec![
        "check".to_string(),
        "--file".into(),
        list_path.display().to_string(),
        "--json".into(),
        "--policy-port".into(),
        https.port().to_string(),
        "--smtp-port".into(),
        smtp.port().to_string(),
        "--resolver".into(),
        dns.resolver_arg(),
        "--ca-file".into(),
        ca_file.display().to_string(),
        "--timeout".into(),
        "10".into(),
    ];
    (
        World {
            dns,
            https: vec![https],
            smtp: vec![smtp],
            args,
            _dir: dir,
        },
        list_path,
    )
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

/// (domain, verdict) of every domain in a `--json` document.
fn verdicts(out: &Output) -> Vec<(String, String)> {
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "mtasts printed no JSON ({e}); exit {:?}, stderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    json["domains"]
        .as_array()
        .expect("domains array")
        .iter()
        .map(|d| {
            (
                d["domain"].as_str().unwrap_or("?").to_string(),
                d["verdict"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect()
}

/// The checks of a domain that did not pass, for diagnosing a failure.
fn not_passing(out: &Output, domain: &str) -> Vec<String> {
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
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
    for (domain, verdict) in verdicts(out) {
        if verdict != "pass" {
            panic!(
                "{what}: {domain} is {verdict}, not pass:\n  {}",
                not_passing(out, &domain).join("\n  ")
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
    println!(
        "== 2. {DOMAINS} domains, one `--file` run, {} ms on every DNS answer, HTTP response and SMTP reply, default concurrency",
        BULK_LATENCY.as_millis()
    );
    let (world, _list) = bulk_world(ca, DOMAINS, BULK_LATENCY);
    let cpu_children = cpu(&rusage(libc::RUSAGE_CHILDREN));
    let cpu_self = cpu(&rusage(libc::RUSAGE_SELF));
    let (t, out) = run(&world.args);
    let mtasts_cpu = cpu(&rusage(libc::RUSAGE_CHILDREN)).saturating_sub(cpu_children);
    let servers_cpu = cpu(&rusage(libc::RUSAGE_SELF)).saturating_sub(cpu_self);
    let v = verdicts(&out);
    let failures: Vec<&(String, String)> = v.iter().filter(|(_, s)| s != "pass").collect();
    if v.len() != DOMAINS {
        println!("   ! {} domains reported, expected {DOMAINS}", v.len());
    }
    if !failures.is_empty() {
        println!(
            "   ! {} of {} domains did not pass; first: {} {}:\n     {}",
            failures.len(),
            v.len(),
            failures[0].0,
            failures[0].1,
            not_passing(&out, &failures[0].0).join("\n     ")
        );
    }
    println!(
        "   {DOMAINS} domains in {:.2} s = {:.0} domains/s ({} failed; exit {:?}; {} policy requests, {} SMTP handshakes)",
        t.as_secs_f64(),
        DOMAINS as f64 / t.as_secs_f64(),
        failures.len() + DOMAINS.saturating_sub(v.len()),
        out.status.code(),
        world.https[0].requests(),
        world.smtp[0].tls_handshakes(),
    );
    // Each domain needs 4 (MX host address already cached) to 5 delayed
    // round trips, `--concurrency` domains at a time.
    let floor = BULK_LATENCY.as_secs_f64() * 4.0 * DOMAINS as f64 / DEFAULT_CONCURRENCY as f64;
    println!(
        "   latency-bound floor at concurrency {DEFAULT_CONCURRENCY}: ~{floor:.2} s; CPU during the run: mtasts {:.2} s, test servers {:.2} s (of {:.2} s on {} cores)",
        mtasts_cpu.as_secs_f64(),
        servers_cpu.as_secs_f64(),
        t.as_secs_f64() * cores() as f64,
        cores()
    );
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Peak RSS of one `mtasts` run, measured in a fresh copy of this binary.
fn peak_rss(world: &World) {
    println!("== 3. peak RSS of one check (the world of 1., no latency)");
    let me = std::env::current_exe().expect("current exe");
    let out = Command::new(me)
        .args(&world.args)
        .env(RSS_CHILD_ENV, "1")
        .stdin(Stdio::null())
        .output()
        .expect("re-exec for RSS");
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| -> Option<u64> {
        text.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
    };
    let (Some(child), Some(inherited), Some(floor)) = (
        field("children_maxrss_kib"),
        field("self_maxrss_kib"),
        field("self_vmhwm_kib"),
    ) else {
        panic!(
            "RSS child said {text:?}, stderr {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "   peak RSS of one check: {:.1} MiB (goal < {RSS_GOAL_MIB:.0} MiB: {}; exit {})",
        mib(child),
        if mib(child) < RSS_GOAL_MIB {
            "met"
        } else {
            "NOT met"
        },
        field("status").map_or("?".to_string(), |s| s.to_string()),
    );
    println!(
        "   cross-checks: VmHWM polled {}; measuring process's own VmHWM (floor) {:.1} MiB; \
         ru_maxrss it inherited from this bench across exec {:.1} MiB (what spawning from here would report)",
        field("vmhwm_kib").map_or("n/a".to_string(), |k| format!("{:.1} MiB", mib(k))),
        mib(floor),
        mib(inherited),
    );
}

/// In the re-exec'd copy: run `mtasts` with our arguments, poll its VmHWM,
/// then report `ru_maxrss` of the waited-for children.
fn rss_child(args: &[String]) {
    let mut child = Command::new(MTASTS)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
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
    // Our own image's high-water mark: the floor under `ru_maxrss` of a
    // child spawned from here (see the module comment).
    let own = vmhwm("/proc/self/status").unwrap_or(0);
    println!(
        "children_maxrss_kib={} self_maxrss_kib={} self_vmhwm_kib={own} vmhwm_kib={} status={}",
        rusage(libc::RUSAGE_CHILDREN).ru_maxrss, // KiB on Linux
        rusage(libc::RUSAGE_SELF).ru_maxrss,
        hwm.unwrap_or(0),
        status.code().unwrap_or(-1)
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
    critical_path(&ca);
    let zero = overhead(&ca);
    throughput(&ca);
    peak_rss(&zero);
    println!("(bench ran {:.1} s)", started.elapsed().as_secs_f64());
    let _ = std::io::stdout().flush();
}
