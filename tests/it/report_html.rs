//! `report --html`: the page parsed with a real HTML parser and checked
//! against `--json` of the same run, hostile text kept as text, nothing
//! referenced from outside; then the page loaded in headless Chromium.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use scraper::{ElementRef, Html, Selector};
use serde_json::{Value, json};

use crate::report::{eml, gz, report, write};
use crate::report_docs::Example;
use crate::reporters::moved;
use crate::support::mtasts;

/// A reporter's name written to run a script, load an image and set an
/// attribute, should it ever become markup.
const HOSTILE: &str = "<script>document.body.dataset.pwned=1</script><img src=\"http://img.invalid/x\" onerror=\"document.body.dataset.pwned=2\">";
const HOSTILE_CODE: &str = "</td><b onmouseover=\"x()\">&amp; tls</b>";

/// A fortnight of the fixtures in `tests/fixtures/tlsrpt/` for
/// contoso.com (failures a few in a thousand sessions), and a week of
/// hostile.test from a reporter named [`HOSTILE`].
fn fixture_reports(d: &Path) {
    for day in 0..14 {
        write(
            d,
            &format!("google/{day:02}.json.gz"),
            &gz(moved("google", day).to_string().as_bytes()),
        );
        write(
            d,
            &format!("Maildir/cur/17620{day:02}.M1P1.mx:2,S"),
            &eml(&moved("microsoft", day)),
        );
        write(
            d,
            &format!("mailru/{day:02}.json"),
            moved("mailru", day).to_string().as_bytes(),
        );
    }
    for week in [0, 7] {
        write(
            d,
            &format!("yahoo/{week}.json"),
            moved("yahoo-weekly", week).to_string().as_bytes(),
        );
    }
    for day in 1..=7 {
        let mut r = report(
            HOSTILE,
            day,
            "hostile.test",
            1000,
            &[("certificate-expired", "mx1.hostile.test", 1)],
        );
        r["policies"][0]["failure-details"][0]["failure-reason-code"] = json!(HOSTILE_CODE);
        write(d, &format!("hostile/{day}.json"), r.to_string().as_bytes());
    }
    // Unsigned mail: ignored (RFC 8460 §3), and listed as such.
    write(
        d,
        "Maildir/cur/1763000000.M9P1.mx:2,S",
        &eml(&report(HOSTILE, 3, "hostile.test", 5, &[])),
    );
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect::<String>().trim().to_string()
}

/// The `--json` document and the `--html` page of one run on `dir`.
fn json_and_html(dir: &Path, page: &Path) -> (Value, String) {
    let out = mtasts()
        .arg("report")
        .arg(dir)
        .arg("--json")
        .arg("--html")
        .arg(page)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr, format!("wrote {}\n", page.display()));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (v, std::fs::read_to_string(page).unwrap())
}

/// The section of the page about `domain`.
fn section<'a>(doc: &'a Html, domain: &str) -> ElementRef<'a> {
    doc.select(&sel("section.domain"))
        .find(|s| {
            s.select(&sel("h2"))
                .next()
                .is_some_and(|h| text(h).starts_with(domain))
        })
        .unwrap_or_else(|| panic!("no section for {domain}"))
}

fn numbers(row: ElementRef<'_>) -> Vec<String> {
    row.select(&sel("td")).map(text).collect()
}

#[test]
fn the_page_shows_the_numbers_of_the_json() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reports");
    fixture_reports(&dir);
    let page = tmp.path().join("report.html");
    let (v, html) = json_and_html(&dir, &page);
    let doc = Html::parse_document(&html);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);

    // The overview first: one row per domain, in the JSON's order.
    let rows: Vec<Vec<String>> = doc
        .select(&sel("table.overview tr"))
        .skip(1)
        .map(numbers)
        .collect();
    let domains = v["domains"].as_array().unwrap();
    assert_eq!(rows.len(), domains.len());
    for (row, d) in rows.iter().zip(domains) {
        assert_eq!(row[0], d["domain"].as_str().unwrap());
        assert!(row[1].ends_with(&d["verdict"].as_str().unwrap().to_uppercase()));
        let (ok, failed) = d["trend"].as_array().unwrap().iter().fold((0, 0), |a, x| {
            (
                a.0 + x["successful"].as_u64().unwrap(),
                a.1 + x["failed"].as_u64().unwrap(),
            )
        });
        assert_eq!(
            (row[4].as_str(), row[5].as_str()),
            (&*ok.to_string(), &*failed.to_string())
        );
    }

    let d = &domains[0];
    assert_eq!(d["domain"], "contoso.com");
    let s = section(&doc, "contoso.com");
    // Why not ready: each reason, as in the JSON.
    let why: Vec<String> = s.select(&sel("ul.why li")).map(text).collect();
    for r in d["reasons"].as_array().unwrap() {
        assert!(
            why.contains(&format!("✗ {}", r.as_str().unwrap())),
            "{why:?}"
        );
    }
    // One bar per day, with the day's numbers in its title.
    let trend = d["trend"].as_array().unwrap();
    let days: Vec<ElementRef<'_>> = s.select(&sel("svg.chart g.day")).collect();
    assert_eq!(days.len(), trend.len());
    assert_eq!(trend.len(), 14);
    for (g, t) in days.iter().zip(trend) {
        let title = text(g.select(&sel("title")).next().unwrap());
        assert_eq!(
            title,
            format!(
                "{}: {} succeeded, {} failed",
                t["date"].as_str().unwrap(),
                t["successful"],
                t["failed"]
            )
        );
        // Failures are a few in a thousand, and still drawn, with their
        // number beside the bar.
        let failed = t["failed"].as_u64().unwrap();
        assert!(failed * 100 < t["successful"].as_u64().unwrap());
        let bar = g.select(&sel("rect.failed")).next().expect("a failure bar");
        let h: u32 = bar.value().attr("height").unwrap().parse().unwrap();
        assert!(h >= 3, "a visible mark: {h}");
        assert_eq!(
            text(g.select(&sel("text")).next().unwrap()),
            failed.to_string()
        );
    }
    // Reporters and the days each reported.
    let reporters: BTreeMap<String, String> = s
        .select(&sel("table.calendar tr"))
        .skip(1)
        .map(|r| {
            let cells = numbers(r);
            (cells[0].clone(), cells[1].clone())
        })
        .collect();
    let names: Vec<&str> = d["reporters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(reporters.len(), names.len());
    for name in names {
        assert_eq!(reporters[name], "14", "{name}");
    }
    // The policies seen, with the days each was applied.
    let policies: Vec<Vec<String>> = s
        .select(&sel("table.policies tr"))
        .skip(1)
        .map(numbers)
        .collect();
    let seen = d["policy_strings"].as_array().unwrap();
    assert_eq!(policies.len(), seen.len());
    assert_eq!(policies[0][1], "current");
    assert_eq!(policies[0][2], "14");
    assert_eq!(policies[0][3], seen[0]["first_seen"].as_str().unwrap());
    assert_eq!(policies[0][5], seen[0]["reports"].to_string());
    // The blocking failures with their fixes.
    let blocking: Vec<Vec<String>> = s
        .select(&sel("table.blocking tr"))
        .skip(1)
        .map(numbers)
        .collect();
    let expected: Vec<Vec<String>> = d["blocking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            vec![
                b["sessions"].to_string(),
                b["result_type"].as_str().unwrap().to_string(),
                b["receiving_mx_hostname"]
                    .as_str()
                    .unwrap_or("(not given)")
                    .to_string(),
                b["meaning"].as_str().unwrap().to_string(),
                b["fix"].as_str().unwrap().to_string(),
            ]
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(blocking, expected);
    // Failures by result type, MX host and sender, and the reason codes.
    let counts: Vec<Vec<String>> = s
        .select(&sel("table.counts tr"))
        .filter(|r| r.select(&sel("td")).next().is_some())
        .map(numbers)
        .collect();
    for table in [
        "failures_by_result_type",
        "failures_by_mx",
        "failures_by_sending_ip",
    ] {
        for (k, n) in d[table].as_object().unwrap() {
            assert!(
                counts.contains(&vec![k.clone(), n.to_string()]),
                "{table} {k}"
            );
        }
    }
    let codes: Vec<Vec<String>> = s
        .select(&sel("table.reason-codes tr"))
        .skip(1)
        .map(numbers)
        .collect();
    let mut expected = Vec::new();
    for (result, by_code) in d["failure_reason_codes"].as_object().unwrap() {
        for (code, n) in by_code.as_object().unwrap() {
            expected.push(vec![result.clone(), code.clone(), n.to_string()]);
        }
    }
    expected.sort();
    let mut codes = codes;
    codes.sort();
    assert_eq!(codes, expected);
}

#[test]
fn hostile_text_stays_text_and_nothing_comes_from_outside() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reports");
    fixture_reports(&dir);
    let page = tmp.path().join("report.html");
    let (_, html) = json_and_html(&dir, &page);
    let doc = Html::parse_document(&html);
    // The names are text, whole, where they are shown.
    let s = section(&doc, "hostile.test");
    let reporter = s
        .select(&sel("table.calendar td.name"))
        .next()
        .map(text)
        .unwrap();
    assert_eq!(reporter, HOSTILE);
    assert!(
        s.select(&sel("table.reason-codes code"))
            .any(|c| text(c) == HOSTILE_CODE)
    );
    // Reports from mail without a signature are listed apart, names as
    // text too.
    let ignored: Vec<String> = doc.select(&sel("section.inputs li")).map(text).collect();
    assert!(
        ignored
            .iter()
            .any(|li| li.contains(HOSTILE) && li.contains("no DKIM signature")),
        "{ignored:?}"
    );
    assert!(
        doc.select(&sel("p.lead"))
            .any(|p| text(p).starts_with("DKIM: ") && text(p).contains("ignored")),
        "the lead says which reports were trusted"
    );
    // Nothing to run, load or follow out of the page.
    for tag in [
        "script", "img", "link", "iframe", "object", "embed", "image", "use", "form", "base",
        "audio", "video", "source",
    ] {
        assert_eq!(doc.select(&sel(tag)).count(), 0, "<{tag}> in the page");
    }
    for e in doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        for (name, value) in e.value().attrs() {
            assert!(
                !name.starts_with("on"),
                "{name}={value} on <{}>",
                e.value().name()
            );
            assert!(
                name != "src" && name != "srcset" && !name.ends_with("href")
                    || value.starts_with('#'),
                "{name}={value} on <{}>",
                e.value().name()
            );
            if name == "fill" || name == "style" {
                assert!(
                    !value.contains("url(") || value.starts_with("url(#"),
                    "{name}={value}"
                );
            }
        }
    }
    let style: String = doc.select(&sel("style")).map(text).collect();
    assert!(!style.contains("url(") && !style.contains("@import") && !style.contains("@font-face"));
    // The page says so to the browser too.
    let csp = doc
        .select(&sel("meta[http-equiv=\"Content-Security-Policy\"]"))
        .next()
        .unwrap();
    assert!(
        csp.value()
            .attr("content")
            .unwrap()
            .starts_with("default-src 'none'")
    );
    // Printable: the style has a print section.
    assert!(style.contains("@media print"));
}

/// `--html` writes like `gen-policy --output`: never over another file
/// without `--force`, and a run that cannot write prints nothing.
#[test]
fn the_page_is_written_atomically_and_never_clobbered() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reports");
    fixture_reports(&dir);
    let page = tmp.path().join("report.html");
    std::fs::write(&page, "mine").unwrap();
    let run = |force: bool| {
        let mut cmd = mtasts();
        cmd.arg("report").arg(&dir).arg("--html").arg(&page);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let out = run(false);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("add --force to replace it, or choose another --html"),
        "the option to change is named: {err}"
    );
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "mine");
    let into_dir = mtasts()
        .arg("report")
        .arg(&dir)
        .arg("--html")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(into_dir.status.code(), Some(2));
    let err = String::from_utf8(into_dir.stderr).unwrap();
    assert!(err.contains("--html needs a file name such as"), "{err}");
    assert!(err.trim_end().ends_with("report.html"), "{err}");
    let out = run(true);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .starts_with("replaced ")
    );
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    let out = run(false);
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .starts_with("unchanged ")
    );
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        2,
        "no temporary file left"
    );
    // --force without --html is a usage error.
    let out = mtasts()
        .arg("report")
        .arg(&dir)
        .arg("--force")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The text output keeps its numbers when piped; `--json` is the same
/// with or without `--html`.
#[test]
fn text_and_json_are_unchanged_by_the_page() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reports");
    fixture_reports(&dir);
    let json = |html: Option<&Path>| {
        let mut cmd = mtasts();
        cmd.arg("report").arg(&dir).arg("--json");
        if let Some(p) = html {
            cmd.arg("--html").arg(p);
        }
        cmd.output().unwrap().stdout
    };
    assert_eq!(json(None), json(Some(&tmp.path().join("a.html"))));
    let out = mtasts().arg("report").arg(&dir).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  per day    11-01 "), "{text}");
    assert!(!text.contains('▇') && !text.contains('\u{1b}'), "{text}");

    // With colour (as on a terminal): a bar per day, and a `!` under each
    // of the 14 days with failures, however few.
    let out = mtasts()
        .arg("report")
        .arg(&dir)
        .args(["--color", "always", "--domain", "contoso.com"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let plain: String = {
        let mut s = String::new();
        let mut in_escape = false;
        for c in text.chars() {
            match (in_escape, c) {
                (false, '\u{1b}') => in_escape = true,
                (true, 'm') => in_escape = false,
                (true, _) => {}
                (false, c) => s.push(c),
            }
        }
        s
    };
    let mut lines = plain.lines().skip_while(|l| !l.starts_with("  per day"));
    let bars = lines.next().unwrap_or_else(|| panic!("{plain}"));
    let marks = lines.next().unwrap();
    let bars = bars["  per day    ".len()..].split("  ").next().unwrap();
    assert_eq!(bars.chars().count(), 14, "{bars}");
    assert!(bars.chars().all(|c| ('▁'..='█').contains(&c)), "{bars}");
    assert!(plain.contains("11-01 – 11-14, up to "), "{plain}");
    assert_eq!(marks.matches('!').count(), 14 + 1, "{marks}");
    assert!(marks.contains(" failed on 14 days, most "), "{marks}");
}

/// Whether Chromium is required: in CI it must be there.
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(name))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is required in CI (Debian package chromium; .ci/run installs it)"
        );
        eprintln!("SKIPPED: chromium is not installed (Debian: apt-get install chromium)");
    }
    found
}

/// What Chromium did with a page.
struct Loaded {
    /// The DOM after loading (`--dump-dom`).
    dom: String,
    /// Messages the page logged to its console (errors, CSP violations).
    console: Vec<String>,
    /// The requests Chromium sent through the recording proxy that were
    /// not its own background services.
    requests: Vec<String>,
}

/// Hosts of Chromium's own background services (time, updates, sign-in),
/// which it contacts whatever the page: a page of this project never
/// names them, and the control page shows that other requests are seen.
fn chromium_service(request: &str) -> bool {
    let host = request
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .trim_start_matches("http://")
        .trim_start_matches("https://");
    let host = host.split(['/', ':']).next().unwrap_or("");
    [".google.com", ".googleapis.com", ".gstatic.com"]
        .iter()
        .any(|s| host.ends_with(s))
}

/// Runs headless Chromium on `page` with every request sent to a proxy
/// that records it and answers nothing; `extra` adds arguments
/// (`--screenshot=…`). Killed after a minute.
fn load(browser: &Path, page: &Path, extra: &[String]) -> Loaded {
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = proxy.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for conn in proxy.incoming() {
            let Ok(conn) = conn else { break };
            let mut line = String::new();
            let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = BufReader::new(&conn).read_line(&mut line);
            let _ = (&conn).write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
            record.lock().unwrap().push(line.trim().to_string());
        }
    });
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--proxy-server=http://127.0.0.1:{port}"))
        .arg("--proxy-bypass-list=<-loopback>")
        .args(extra)
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out_pipe = child.stdout.take().unwrap();
    let err_pipe = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(out_pipe).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(err_pipe).unwrap_or_default());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let dom = out.join().unwrap();
    let stderr = err.join().unwrap();
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    let requests = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|r| !chromium_service(r))
        .cloned()
        .collect();
    assert!(!dom.is_empty(), "chromium printed no DOM: {stderr}");
    Loaded {
        dom,
        console,
        requests,
    }
}

/// The page in a real browser: no console message, no request, one bar
/// per day, and the hostile reporter's script never run. A control page
/// shows that requests and console messages would be seen.
#[test]
fn chromium_loads_the_page_offline_and_runs_nothing() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reports");
    fixture_reports(&dir);
    let page = tmp.path().join("report.html");
    let (v, _) = json_and_html(&dir, &page);

    let control = tmp.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><title>control</title><img src=\"http://control.invalid/x.png\"><script>console.error('control')</script>",
    )
    .unwrap();
    let c = load(&browser, &control, &[]);
    assert!(
        c.requests.iter().any(|r| r.contains("control.invalid")),
        "the proxy saw no request of the control page: {:?}",
        c.requests
    );
    assert!(
        c.console.iter().any(|l| l.contains("control")),
        "no console message of the control page: {:?}",
        c.console
    );

    let loaded = load(&browser, &page, &[]);
    assert!(loaded.console.is_empty(), "{:?}", loaded.console);
    assert!(loaded.requests.is_empty(), "{:?}", loaded.requests);
    let dom = Html::parse_document(&loaded.dom);
    let body = dom.select(&sel("body")).next().unwrap();
    assert_eq!(
        body.value().attr("data-pwned"),
        None,
        "the hostile name ran"
    );
    assert_eq!(dom.select(&sel("script, img")).count(), 0);
    assert!(
        dom.select(&sel("table.calendar td.name"))
            .any(|td| text(td) == HOSTILE)
    );
    for d in v["domains"].as_array().unwrap() {
        let s = section(&dom, d["domain"].as_str().unwrap());
        assert_eq!(
            s.select(&sel("svg.chart g.day")).count(),
            d["trend"].as_array().unwrap().len()
        );
    }

    // On paper: each domain from a page of its own.
    let pdf = tmp.path().join("report.pdf");
    let printed = load(
        &browser,
        &page,
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".to_string(),
        ],
    );
    assert!(printed.console.is_empty(), "{:?}", printed.console);
    assert!(printed.requests.is_empty(), "{:?}", printed.requests);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let pages = bytes
        .windows(b"/Type /Page".len() + 1)
        .filter(|w| w.starts_with(b"/Type /Page") && !w.ends_with(b"s"))
        .count();
    assert!(pages >= 2, "{pages} pages");
}

/// The README's picture is the README example's page for fabrikam.com
/// (the domain with failures) in Chromium;
/// `MTASTS_UPDATE_README=1 cargo test --test it readme` takes it again.
#[test]
fn readme_screenshot_of_the_example() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report-example.png");
    if std::env::var_os("MTASTS_UPDATE_README").is_none() {
        assert!(path.is_file(), "docs/report-example.png is missing");
        return;
    }
    let browser = chromium().expect("chromium, to take the screenshot");
    let example = Example::new();
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("report.html");
    let out = mtasts()
        .args(example.args("report ~/Maildir/.TLS-Reports/ reports/ --domain fabrikam.com"))
        .arg("--html")
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let shot = tmp.path().join("shot.png");
    let loaded = load(
        &browser,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1100,1500".to_string(),
            "--hide-scrollbars".to_string(),
        ],
    );
    assert!(loaded.console.is_empty(), "{:?}", loaded.console);
    std::fs::copy(&shot, &path).unwrap();
}

/// A long period with days no report covers: a bar for each day covered,
/// placed on its date (the gap stays a gap), the labels a week apart, and
/// the reporters' days counted instead of a calendar too wide to read.
#[test]
fn a_long_period_with_a_gap() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reports");
    let mut covered = 0;
    for n in 0..70i64 {
        if (10..13).contains(&n) {
            continue;
        }
        let mut r = report("Google", 1, "example.test", 100 + n as u64, &[]);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap() + chrono::Duration::days(n);
        r["date-range"] = json!({
            "start-datetime": format!("{day}T00:00:00Z"),
            "end-datetime": format!("{day}T23:59:59Z"),
        });
        r["report-id"] = json!(format!("r{n}"));
        write(&dir, &format!("{n}.json"), r.to_string().as_bytes());
        covered += 1;
    }
    let page = tmp.path().join("report.html");
    let (v, html) = json_and_html(&dir, &page);
    assert_eq!(v["domains"][0]["trend"].as_array().unwrap().len(), covered);
    let doc = Html::parse_document(&html);
    let xs: Vec<u32> = doc
        .select(&sel("svg.chart g.day rect.ok"))
        .map(|r| r.value().attr("x").unwrap().parse().unwrap())
        .collect();
    assert_eq!(xs.len(), covered);
    let steps: Vec<u32> = xs.windows(2).map(|w| w[1] - w[0]).collect();
    let step = steps[0];
    assert!(
        steps.iter().all(|s| *s == step || *s == 4 * step),
        "{steps:?}"
    );
    assert_eq!(steps.iter().filter(|s| **s == 4 * step).count(), 1);
    let labels = doc.select(&sel("svg.chart > text")).count();
    assert!(labels < 20, "{labels} labels");
    let header = doc.select(&sel("table.calendar tr th")).count();
    assert_eq!(header, 4);
    let row: Vec<String> = doc
        .select(&sel("table.calendar tr"))
        .nth(1)
        .map(numbers)
        .unwrap();
    assert_eq!(
        row,
        ["Google", &covered.to_string(), "2026-09-01", "2026-11-09"]
    );
}
