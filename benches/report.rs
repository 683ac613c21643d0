//! `cargo bench --bench report`: how fast and how lean `mtasts report` is
//! on many realistic TLS-RPT reports, and, when the Python package
//! `parsedmarc` is installed, how it compares. It only prints figures.
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
    println!("{} {}", started.elapsed().as_secs_f64(), usage.ru_maxrss);
    std::process::exit(0);
}

/// Runs `cmd` through a fresh copy of this binary; (seconds, peak RSS MiB).
fn measure(cmd: &[String]) -> (f64, f64) {
    let me = std::env::current_exe().unwrap();
    let out = Command::new(me)
        .env("MTASTS_BENCH_CHILD", "1")
        .args(cmd)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    let secs: f64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    let kib: f64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    (secs, kib / 1024.0)
}

/// The median time and the largest peak RSS of three runs: single runs on
/// a busy 2-core machine vary by half.
fn median_of_3(cmd: &[String]) -> (f64, f64) {
    let mut runs: Vec<(f64, f64)> = (0..3).map(|_| measure(cmd)).collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let rss = runs.iter().map(|r| r.1).fold(f64::NAN, f64::max);
    (runs[1].0, rss)
}

fn parsedmarc_available() -> bool {
    Command::new("python3")
        .args(["-c", "import parsedmarc"])
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
    let mut last = (0.0, 0.0);
    for &size in &sizes {
        let dir = tmp.path().join(format!("r{size}"));
        generate(&dir, size);
        let cmd = vec![
            bin.display().to_string(),
            "report".into(),
            "--json".into(),
            dir.display().to_string(),
        ];
        let (secs, rss) = median_of_3(&cmd);
        println!(
            "  {size:>6} reports: {secs:6.2} s = {:>8.0} reports/s, peak RSS {rss:5.1} MiB",
            size as f64 / secs
        );
        last = (secs, rss);
    }
    println!(
        "memory should stay flat as the number of reports grows (aggregates only, no report kept)"
    );
    let dir = tmp.path().join(format!("r{n}"));
    if parsedmarc_available() {
        // offline=True: no DNS or download of any kind during parsing; the
        // script fails unless every report was parsed as an SMTP TLS report.
        let script = "import sys, glob, parsedmarc\nn = 0\nfor p in sorted(glob.glob(sys.argv[1] + '/*.json.gz')):\n    n += parsedmarc.parse_report_file(p, offline=True)['report_type'] == 'smtp_tls'\nassert n == int(sys.argv[2]), n\n";
        let cmd = vec![
            "python3".to_string(),
            "-c".into(),
            script.into(),
            dir.display().to_string(),
            n.to_string(),
        ];
        let (secs, rss) = median_of_3(&cmd);
        println!(
            "  parsedmarc, {n} reports: {secs:6.2} s = {:>8.0} reports/s, peak RSS {rss:5.1} MiB",
            n as f64 / secs
        );
        println!(
            "  mtasts is {:.1}x parsedmarc (goal: at least 20x)",
            secs / last.0
        );
    } else {
        println!("  parsedmarc is not installed (pip install parsedmarc): comparison skipped");
    }
}
