//! `report` through the real binary on reports in the forms real
//! reporters send: the project's fixtures in `tests/fixtures/tlsrpt/`
//! (see its README), moved to other days, in the containers they arrive
//! in.

use std::path::Path;

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use crate::report::{eml, gz, run_json, write};
use crate::support::mtasts;
use crate::trust::{Signer, dns_with};

/// The fixture `name` (`google`, `microsoft`, `yahoo-weekly`, `mailru`,
/// `dane-sender`).
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tlsrpt")
        .join(format!("{name}.json"));
    std::fs::read_to_string(path).unwrap()
}

/// The fixture `name` moved `days` days later: every date in it (its
/// fixtures all start on 2026-11-01), and its report-id made its own.
pub fn moved(name: &str, days: i64) -> Value {
    let text = fixture(name);
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    for end in ["start-datetime", "end-datetime"] {
        let t = v["date-range"][end].as_str().unwrap().to_string();
        let day: NaiveDate = t[..10].parse().unwrap();
        let new = (day + Duration::days(days)).to_string();
        v["date-range"][end] = json!(format!("{new}{}", &t[10..]));
    }
    let id = v["report-id"].as_str().unwrap();
    let new_day = (first + Duration::days(days)).to_string();
    let new_id = if id.contains("2026-11-01") {
        id.replace("2026-11-01", &new_day)
    } else if id.contains("20261101") {
        id.replace("20261101", &new_day.replace('-', ""))
    } else {
        format!("{id}.{days}")
    };
    v["report-id"] = json!(new_id);
    v
}

fn human(args: &[&str]) -> (Option<i32>, String) {
    let out = mtasts()
        .arg("report")
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// A fortnight of the four reporters, each in its form and container:
/// the totals, the days a weekly reporter covers, the reason codes and
/// the notes grouped by reporter. The mails are DKIM-signed as their
/// reporters sign them: by the domain of their contact-info, or (Mail.Ru,
/// `tlsrpt@corp.mail.ru`) by its parent.
#[test]
fn reports_in_the_forms_real_reporters_send() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let keys = [
        Signer::new("google.com", "20230601"),
        Signer::new("microsoft.com", "selector1"),
        Signer::new("mail.ru", "mail4"),
        Signer::new("yahooinc.com", "s2048"),
    ];
    let dns = dns_with(&keys.iter().collect::<Vec<_>>(), &[]);
    let resolver = dns.addr.to_string();
    let [google_key, microsoft_key, mailru_key, yahoo_key] = &keys;
    let mut mbox = Vec::new();
    for day in 0..14 {
        let google = moved("google", day);
        write(
            d,
            &format!("google/google.com!contoso.com!{day:02}.json.gz"),
            &gz(google.to_string().as_bytes()),
        );
        write(
            d,
            &format!("Maildir/cur/17620{day:02}.M1P1.mx:2,S"),
            &microsoft_key.sign(&eml(&moved("microsoft", day)), false),
        );
        mbox.extend_from_slice(b"From tlsrpt@corp.mail.ru Mon Nov  2 03:00:00 2026\r\n");
        mbox.extend_from_slice(&mailru_key.sign(&eml(&moved("mailru", day)), false));
        mbox.extend_from_slice(b"\r\n");
    }
    write(d, "mailru.mbox", &mbox);
    write(
        d,
        "Maildir/new/1762100000.M2P1.mx",
        &yahoo_key.sign(&eml(&moved("yahoo-weekly", 0)), false),
    );
    write(
        d,
        "Maildir/new/1762700000.M2P1.mx",
        &yahoo_key.sign(&eml(&moved("yahoo-weekly", 7)), false),
    );
    std::fs::create_dir_all(d.join("Maildir/tmp")).unwrap();
    // One Google report twice: saved from its mail, and in the mail.
    write(
        d,
        "Maildir/new/1762300000.M3P1.mx",
        &google_key.sign(&eml(&moved("google", 3)), false),
    );

    let (code, v) = run_json(&[d.to_str().unwrap(), "--resolver", &resolver]);
    assert_eq!(code, Some(1), "{v:#}");
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v:#}");
    assert_eq!(
        (&v["trust"]["verified"], &v["trust"]["from_files"]),
        (&json!(14 + 14 + 2 + 1), &json!(14)),
        "{:#}",
        v["trust"]
    );
    assert_eq!(
        (v["reports"].as_u64(), v["duplicates"].as_u64()),
        (Some(44), Some(1))
    );
    let dom = &v["domains"][0];
    assert_eq!(dom["domain"], "contoso.com");
    assert_eq!(dom["days"], 14);
    assert_eq!(
        (dom["first_day"].as_str(), dom["last_day"].as_str()),
        (Some("2026-11-01"), Some("2026-11-14"))
    );
    assert_eq!(
        (dom["sts_reporters"].as_u64(), dom["sts_days"].as_u64()),
        (Some(4), Some(14))
    );
    assert_eq!(
        dom["sessions"]["sts"],
        json!({"successful": 14 * (1843 + 962 + 310) + 2 * 2100, "failed": 14 * (7 + 4)})
    );
    assert_eq!(
        dom["failure_reason_codes"],
        json!({
            "certificate-not-trusted": {"unable to get local issuer certificate": 56},
            "sts-policy-fetch-error": {"bad https response code: 404": 70, "context deadline exceeded": 28},
        })
    );
    // Yahoo's two weeks count on each of their days: 300 sessions a day.
    let trend = dom["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 14);
    assert!(
        trend
            .iter()
            .all(|t| t["successful"] == 1843 + 962 + 310 + 300),
        "{trend:?}"
    );
    let groups: Vec<(&str, &str, u64)> = v["note_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["reporter"].as_str().unwrap(),
                g["code"].as_str().unwrap(),
                g["reports"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("Google Inc.", "duplicate", 1),
            ("Mail.Ru", "empty-sending-mta-ip", 14),
            ("Microsoft Corporation", "datetime-without-zone", 14),
        ]
    );
    assert_eq!(
        v["oddities"].as_array().unwrap().len(),
        14 + 28 + 1,
        "each listed"
    );

    let (_, text) = human(&[d.to_str().unwrap(), "--resolver", &resolver]);
    for line in [
        "44 reports from 32 files (1 duplicate ignored, 0 unreadable)",
        "DKIM: 31 reports from mail signed by their reporting domain; 14 reports read from .json files, which carry no signature to verify",
        "  period     2026-11-01 – 2026-11-14 (14 days)",
        "  reporters  Google Inc., Mail.Ru, Microsoft Corporation, Yahoo",
        "  failures   sts-policy-fetch-error 98, certificate-not-trusted 56",
        "  reason codes  sts-policy-fetch-error: 'bad https response code: 404' 70, 'context deadline exceeded' 28",
        "                certificate-not-trusted: 'unable to get local issuer certificate' 56",
        "note: Google Inc.: 1 report read more than once, identical each time (the same report in several files or messages): each counted once; e.g. report 2026-11-04T00:00:00Z_contoso.com, read 2 times",
        "note: Mail.Ru: 14 reports with an empty sending-mta-ip",
        "note: Microsoft Corporation: 14 reports with datetimes without a time zone (read as UTC); e.g. start-datetime '2026-11-01T00:00:00'",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}\n{text}");
    }
    assert_eq!(
        text.lines().filter(|l| l.starts_with("note:")).count(),
        3,
        "{text}"
    );
}

/// Today's weekly report is seven days, not one; weeks apart leave a gap
/// the period says.
#[test]
fn a_weekly_report_covers_its_seven_days() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "w1.json",
        moved("yahoo-weekly", 0).to_string().as_bytes(),
    );
    let p = d.to_str().unwrap();
    let (code, text) = human(&[p, "--min-reporters", "1"]);
    assert_eq!(code, Some(1));
    assert!(
        text.contains("  period     2026-11-01 – 2026-11-07 (7 days)\n"),
        "{text}"
    );
    assert!(
        text.contains("✗ reports of sessions under the sts policy cover 7 days; at least 14 are needed (--min-days)"),
        "{text}"
    );
    write(
        d,
        "w2.json",
        moved("yahoo-weekly", 7).to_string().as_bytes(),
    );
    let (code, text) = human(&[p, "--min-reporters", "1"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("  period     2026-11-01 – 2026-11-14 (14 days)\n"),
        "{text}"
    );
    assert!(
        text.contains("over 14 days: switch to mode: enforce"),
        "{text}"
    );
    std::fs::remove_file(d.join("w2.json")).unwrap();
    write(
        d,
        "w3.json",
        moved("yahoo-weekly", 14).to_string().as_bytes(),
    );
    let (_, text) = human(&[p, "--min-reporters", "1"]);
    assert!(
        text.contains("  period     2026-11-01 – 2026-11-21 (14 of 21 days covered by reports)\n"),
        "{text}"
    );
    // `--since` leaves out a week that starts before it.
    let (_, v) = run_json(&[p, "--min-reporters", "1", "--since", "2026-11-03"]);
    assert_eq!(
        (v["before"].as_u64(), v["domains"][0]["days"].as_u64()),
        (Some(1), Some(7))
    );
}

/// Across New Year the per-day lines show the year.
#[test]
fn per_day_lines_show_the_year_across_new_year() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 59..63 {
        write(
            d,
            &format!("{day}.json"),
            moved("google", day).to_string().as_bytes(),
        );
    }
    let out = mtasts()
        .args(["report", "--color", "never", d.to_str().unwrap()])
        .env("MTASTS_NOW", "2027-01-10T00:00:00Z")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  per day    2026-12-30 1843/7  2026-12-31 1843/7  2027-01-01 1843/7  2027-01-02 1843/7\n"),
        "{text}"
    );
    assert!(
        text.contains("  period     2026-12-30 – 2027-01-02 (4 days)\n"),
        "{text}"
    );
}

/// Reason codes are anyone's text: escape sequences are shown escaped, a
/// megabyte is cut, and countless distinct codes leave the output small.
#[test]
fn hostile_reason_codes_are_escaped_and_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut r = moved("google", 0);
    r["policies"][0]["failure-details"][0]["failure-reason-code"] =
        json!("\u{1b}]0;owned\u{7}\u{1b}[2J");
    r["policies"][0]["failure-details"][1]["failure-reason-code"] = json!("y".repeat(1 << 20));
    write(d, "hostile.json", r.to_string().as_bytes());
    let mut r = moved("google", 1);
    r["policies"][0]["failure-details"] = (0..5000)
        .map(|i| json!({"result-type": "sts-policy-fetch-error", "failed-session-count": 1, "failure-reason-code": format!("made up {i:04} {}", "z".repeat(100))}))
        .collect();
    write(d, "many.json", r.to_string().as_bytes());
    let out = mtasts()
        .args(["report", "--color", "never", d.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.len() < 20_000, "{} bytes", text.len());
    let line = text
        .lines()
        .find(|l| l.starts_with("  reason codes"))
        .unwrap();
    assert!(line.contains("'\\x1b]0;owned\\x07\\x1b[2J' 5"), "{line}");
    assert!(line.contains(", … "), "{line}");
    let (_, v) = run_json(&[d.to_str().unwrap()]);
    let codes = v["domains"][0]["failure_reason_codes"]["sts-policy-fetch-error"]
        .as_object()
        .unwrap();
    assert_eq!(codes.len(), 65, "64 and the others");
    assert!(codes.keys().all(|k| k.chars().count() <= 81), "{codes:?}");
    assert_eq!(
        codes.values().map(|n| n.as_u64().unwrap()).sum::<u64>(),
        7 + 5000,
        "nothing lost"
    );
    let (_, v) = run_json(&[d.join("hostile.json").to_str().unwrap()]);
    assert_eq!(
        v["domains"][0]["failure_reason_codes"]["sts-policy-fetch-error"],
        json!({"\\x1b]0;owned\\x07\\x1b[2J": 5, format!("{}…", "y".repeat(80)): 2})
    );
}

/// A report without a report-id read three times is one report, however
/// it was stored; a different report without one is another.
#[test]
fn copies_without_an_id_count_once() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut r = moved("microsoft", 0);
    r.as_object_mut().unwrap().remove("report-id");
    write(d, "a.json", r.to_string().as_bytes());
    write(d, "b.json.gz", &gz(r.to_string().as_bytes()));
    write(
        d,
        "c.json",
        serde_json::to_string_pretty(&r).unwrap().as_bytes(),
    );
    let mut other = r.clone();
    other["policies"][0]["summary"]["total-successful-session-count"] = json!(963);
    write(d, "d.json", other.to_string().as_bytes());
    let (_, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(
        (v["reports"].as_u64(), v["duplicates"].as_u64()),
        (Some(2), Some(2)),
        "{v:#}"
    );
    assert_eq!(v["domains"][0]["sessions"]["sts"]["successful"], 962 + 963);
    let (_, text) = human(&[d.to_str().unwrap()]);
    for line in [
        "note: Microsoft Corporation: 2 reports with datetimes without a time zone (read as UTC); e.g. start-datetime '2026-11-01T00:00:00'",
        "note: Microsoft Corporation: 2 reports without a report-id (only identical copies of them are recognised as copies)",
        "note: Microsoft Corporation: 1 report read more than once, identical each time (the same report in several files or messages): each counted once; e.g. a report without an id, read 3 times",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}\n{text}");
    }
}

/// A fortnight of reports from MTA-STS senders and a sender that enforces
/// DANE (the fixture `dane-sender`): the DANE failures are listed with
/// their fixes and do not block; an sts failure does.
#[test]
fn dane_failures_do_not_block_and_sts_failures_do() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 0..14 {
        // Google's fixture without its policy fetch errors, and Microsoft's.
        let mut google = moved("google", day);
        google["policies"][0]["failure-details"] = json!([]);
        google["policies"][0]["summary"]["total-failure-session-count"] = json!(0);
        write(
            d,
            &format!("google-{day}.json"),
            google.to_string().as_bytes(),
        );
        write(
            d,
            &format!("microsoft-{day}.json"),
            moved("microsoft", day).to_string().as_bytes(),
        );
        write(
            d,
            &format!("dane-{day}.json.gz"),
            &gz(moved("dane-sender", day).to_string().as_bytes()),
        );
    }
    let p = d.to_str().unwrap();
    let (code, v) = run_json(&[p]);
    let dom = &v["domains"][0];
    assert_eq!(code, Some(0), "{dom:#}");
    assert_eq!(dom["verdict"], "ready to enforce");
    assert_eq!(dom["blocking"], json!([]));
    assert_eq!(dom["sessions"]["tlsa"]["failed"], 14 * 9);
    let dane: Vec<(&str, &str, u64)> = dom["dane_failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["result_type"].as_str().unwrap(),
                f["receiving_mx_hostname"].as_str().unwrap(),
                f["sessions"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        dane,
        [
            ("tlsa-invalid", "mx1.contoso.com", 84),
            ("dnssec-invalid", "mx2.contoso.com", 28),
            ("certificate-not-trusted", "mx2.contoso.com", 14),
        ]
    );
    let (code, text) = human(&[p]);
    assert_eq!(code, Some(0), "{text}");
    for line in [
        "  DANE failures (not counted for the MTA-STS verdict):",
        "      fix: run mtasts gen-tlsa --cert CERT.pem --host mx1.contoso.com on the certificate mx1.contoso.com serves and publish the record at _25._tcp.mx1.contoso.com (for a key change, --next-cert gives the pair to publish side by side)",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}\n{text}");
    }
    assert!(text.contains("READY TO ENFORCE"), "{text}");

    // An expired certificate that MTA-STS senders met blocks.
    let mut failed = moved("microsoft", 14);
    failed["policies"][0]["summary"]["total-failure-session-count"] = json!(2);
    failed["policies"][0]["failure-details"] = json!([{
        "result-type": "certificate-expired",
        "receiving-mx-hostname": "mx2.contoso.com",
        "failed-session-count": 2,
    }]);
    write(d, "microsoft-14.json", failed.to_string().as_bytes());
    let (code, v) = run_json(&[p]);
    let dom = &v["domains"][0];
    assert_eq!(code, Some(1), "{dom:#}");
    assert_eq!(dom["reason_codes"], json!(["sessions-failed"]));
    assert_eq!(dom["blocking"][0]["result_type"], "certificate-expired");
    assert_eq!(dom["blocking"].as_array().unwrap().len(), 1);
    assert_eq!(dom["dane_failures"].as_array().unwrap().len(), 3);
}

/// The DANE example of `report` in docs/report.md is a real run: a fortnight
/// of the fixtures of Google (without its fetch errors), Microsoft and
/// the DANE sender.
#[test]
fn readme_dane_example_is_a_real_run() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 0..14 {
        for name in ["google", "microsoft", "dane-sender"] {
            let mut r = moved(name, day);
            if name == "google" {
                r["policies"][0]["failure-details"] = json!([]);
                r["policies"][0]["summary"]["total-failure-session-count"] = json!(0);
            }
            write(
                d,
                &format!("reports/{name}-{day:02}.json"),
                r.to_string().as_bytes(),
            );
        }
    }
    let out = mtasts()
        .args(["report", "reports/", "--color", "never"])
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let shown = String::from_utf8(out.stdout).unwrap();
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.md"))
            .unwrap();
    // A text block: the console blocks of docs/report.md are runs on the
    // README's example (report_docs.rs), and this one is not.
    let command = "```text\n$ mtasts report reports/\n";
    let start = readme
        .find(command)
        .expect("docs/report.md shows the command")
        + command.len();
    let end = start + readme[start..].find("```").unwrap();
    assert_eq!(
        readme[start..end],
        shown,
        "docs/report.md's DANE example is stale"
    );
}
