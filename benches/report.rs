//! `cargo bench --bench report`: how fast and how lean `mtasts report` is
//! on many realistic TLS-RPT reports, and, when the Python package
//! `parsedmarc` is installed (its command on the PATH), how it compares:
//! with the `parsedmarc` command on the same directory, and with its
//! parsing function alone. It only prints figures.
//!
//! Reports are generated here: gzip-compressed RFC 8460 JSON from a dozen
//! organisations over a month, for five domains, about one in eight with
//! failure details. RSS is measured with `wait4` on the `mtasts` process,
//! spawned from a freshly exec'd copy of this binary (a child's `ru_maxrss`
//! includes the memory image it had before `exec`, so spawning straight
//! from this bigger process would report our size instead of `mtasts`'s).
//!
//! Environment: `MTASTS_BENCH_REPORTS` (default 10000).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use flate2::Compression;
use flate2::write::GzEncoder;

const ORGS: [&str; 12] = [
    "Google",
    "Microsoft",
    "Yahoo",
    "Comcast",
    "Mail.ru",
    "GMX",
    "Zoho",
    "Proton",
    "Fastmail",
    "Apple",
    "Tutanota",
    "Yandex",
];
const DOMAINS: [&str; 5] = [
    "contoso.com",
    "fabrikam.com",
    "example.com",
    "example.net",
    "example.org",
];
const RESULTS: [&str; 4] = [
    "certificate-expired",
    "starttls-not-supported",
    "validation-failure",
    "sts-policy-fetch-error",
];

fn report(i: usize) -> String {
    let org = ORGS[i % ORGS.len()];
    let domain = DOMAINS[(i / ORGS.len()) % DOMAINS.len()];
    let day = 1 + (i / (ORGS.len() * DOMAINS.len())) % 28;
    let failures = if i.is_multiple_of(8) {
        format!(
            r#"{{"result-type": "{}", "sending-mta-ip": "192.0.2.{}", "receiving-mx-hostname": "mx{}.{domain}", "receiving-ip": "198.51.100.{}", "failed-session-count": {}}}"#,
            RESULTS[i % RESULTS.len()],
            i % 250,
            i % 3,
            i % 200,
            1 + i % 17
        )
    } else {
        String::new()
    };
    format!(
        r#"{{"organization-name": "{org}", "date-range": {{"start-datetime": "2026-10-{day:02}T00:00:00Z", "end-datetime": "2026-10-{day:02}T23:59:59Z"}},
"contact-info": "smtp-tls-reporting@{org_l}.example", "report-id": "{i:08}-{org_l}-{domain}",
"policies": [{{"policy": {{"policy-type": "sts", "policy-string": ["version: STSv1", "mode: testing", "mx: mx1.{domain}", "mx: mx2.{domain}", "max_age: 86400"], "policy-domain": "{domain}", "mx-host": ["mx1.{domain}", "mx2.{domain}"]}},
"summary": {{"total-successful-session-count": {ok}, "total-failure-session-count": {fail}}}, "failure-details": [{failures}]}}]}}"#,
        org_l = org.to_lowercase().replace('.', ""),
        ok = 100 + i % 900,
        fail = if failures.is_empty() { 0 } else { 1 + i % 17 },
    )
}

fn generate(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(report(i).as_bytes()).unwrap();
        std::fs::write(
            dir.join(format!("report-{i:06}.json.gz")),
            e.finish().unwrap(),
        )
        .unwrap();
    }
}

/// Child mode: run the command in argv, print "<seconds> <maxrss KiB>".
fn child_mode(args: &[String]) -> ! {
    let started = Instant::now();
    let child = Command::new(&args[0])
        .args(&args[1..])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the child we spawned.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child; pointers are valid for the call.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4");
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) <= 1) {
        println!("failed");
        std::process::exit(0);
    }
    let cpu = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    println!(
        "{} {} {}",
        started.elapsed().as_secs_f64(),
        usage.ru_maxrss,
        cpu(usage.ru_utime) + cpu(usage.ru_stime)
    );
    std::process::exit(0);
}

/// One run of a command, measured from a fresh copy of this binary.
#[derive(Clone, Copy)]
struct Run {
    secs: f64,
    rss_mib: f64,
    cpu_secs: f64,
}

fn measure(cmd: &[String]) -> Run {
    let me = std::env::current_exe().unwrap();
    let out = Command::new(me)
        .env("MTASTS_BENCH_CHILD", "1")
        .args(cmd)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text
        .split_whitespace()
        .map(|s| s.parse::<f64>().unwrap_or(f64::NAN));
    let mut next = || it.next().unwrap_or(f64::NAN);
    Run {
        secs: next(),
        rss_mib: next() / 1024.0,
        cpu_secs: next(),
    }
}

/// The median time and CPU time, and the largest peak RSS, of several
/// runs: single runs on a busy 2-core virtual machine vary by half.
fn summarize(runs: &[Run]) -> Run {
    let median = |f: fn(&Run) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Run {
        secs: median(|r| r.secs),
        cpu_secs: median(|r| r.cpu_secs),
        rss_mib: runs.iter().map(|r| r.rss_mib).fold(f64::NAN, f64::max),
    }
}

/// The JSON a command prints (`who` names it when it prints none).
fn json_of(cmd: &[String], who: &str) -> serde_json::Value {
    let out = Command::new(&cmd[0]).args(&cmd[1..]).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{who} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A fast run that read nothing would prove nothing: every generated
/// report must have been read, and no file refused.
fn verify(cmd: &[String], n: usize) {
    let v = json_of(cmd, "mtasts");
    assert_eq!(v["reports"], n, "mtasts must read every report");
    assert_eq!(
        v["errors"].as_array().map(Vec::len),
        Some(0),
        "{}",
        v["errors"]
    );
}

/// The parsedmarc command must have parsed every file as an SMTP TLS
/// report for its time to mean anything.
fn verify_parsedmarc(cmd: &[String], n: usize) {
    let v = json_of(cmd, "parsedmarc");
    assert_eq!(
        v["smtp_tls_reports"].as_array().map(Vec::len),
        Some(n),
        "parsedmarc must parse every report"
    );
}

fn parsedmarc_available() -> bool {
    Command::new("python3")
        .args(["-c", "import parsedmarc"])
        .output()
        .is_ok_and(|o| o.status.success())
        && Command::new("parsedmarc")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if std::env::var_os("MTASTS_BENCH_CHILD").is_some() {
        child_mode(&args);
    }
    let n: usize = std::env::var("MTASTS_BENCH_REPORTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_mtasts"));
    let tmp = tempfile::tempdir().unwrap();
    println!("mtasts report benchmark ({})", bin.display());
    let mut sizes = vec![n / 10, n / 2, n];
    sizes.dedup();
    let command = |size: usize| {
        vec![
            bin.display().to_string(),
            "report".to_string(),
            "--json".to_string(),
            tmp.path().join(format!("r{size}")).display().to_string(),
        ]
    };
    for &size in &sizes {
        generate(&tmp.path().join(format!("r{size}")), size);
        let cmd = command(size);
        verify(&cmd, size);
        let r = summarize(&(0..7).map(|_| measure(&cmd)).collect::<Vec<_>>());
        println!(
            "  {size:>6} reports: {:6.3} s = {:>8.0} reports/s, peak RSS {:5.1} MiB",
            r.secs,
            size as f64 / r.secs,
            r.rss_mib
        );
    }
    println!(
        "memory should grow slowly: no report is kept, only aggregates, per-day results and what deduplication needs (some bytes per report)"
    );
    if !parsedmarc_available() {
        println!("  parsedmarc is not installed (pip install parsedmarc): comparison skipped");
        return;
    }
    let dir = tmp.path().join(format!("r{n}")).display().to_string();
    // Two ways to put the files through parsedmarc, both offline (no DNS
    // or download of any kind). The command an admin runs on a directory,
    // as `mtasts report` is: it prints every report as JSON. And its
    // parsing function alone, called once per file with no output: the
    // least parsedmarc can do for these files. Both are checked to have
    // parsed every report as an SMTP TLS report.
    let command_cmd = vec!["parsedmarc".to_string(), "--offline".into(), dir.clone()];
    verify_parsedmarc(&command_cmd, n);
    let script = "import sys, glob, parsedmarc\nn = 0\nfor p in sorted(glob.glob(sys.argv[1] + '/*.json.gz')):\n    n += parsedmarc.parse_report_file(p, offline=True)['report_type'] == 'smtp_tls'\nassert n == int(sys.argv[2]), n\n";
    let library_cmd = vec![
        "python3".to_string(),
        "-c".into(),
        script.into(),
        dir,
        n.to_string(),
    ];
    // Interleaved, so that all see the same machine: five rounds of one
    // run of each parsedmarc form and three mtasts runs.
    let ours_cmd = command(n);
    let (mut ours, mut command_runs, mut library_runs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..5 {
        command_runs.push(measure(&command_cmd));
        library_runs.push(measure(&library_cmd));
        ours.extend((0..3).map(|_| measure(&ours_cmd)));
    }
    let ours = summarize(&ours);
    let by_command = summarize(&command_runs);
    let by_library = summarize(&library_runs);
    for (name, r, runs) in [
        ("mtasts report --json", ours, 15),
        ("parsedmarc --offline", by_command, 5),
        ("parse_report_file()", by_library, 5),
    ] {
        println!(
            "  {name:>20}: median of {runs:>2}: {:6.3} s = {:>8.0} reports/s, CPU {:6.3} s, peak RSS {:5.1} MiB",
            r.secs,
            n as f64 / r.secs,
            r.cpu_secs,
            r.rss_mib
        );
    }
    println!(
        "  mtasts is {:.1}x the parsedmarc command in time (goal: at least 20x), {:.1}x in CPU time",
        by_command.secs / ours.secs,
        by_command.cpu_secs / ours.cpu_secs
    );
    println!(
        "  mtasts is {:.1}x parsedmarc's bare parsing function in time, {:.1}x in CPU time",
        by_library.secs / ours.secs,
        by_library.cpu_secs / ours.cpu_secs
    );
}
