//! `report` through the real binary on reports in the forms real
//! reporters send: the project's fixtures in `tests/fixtures/tlsrpt/`
//! (see its README), moved to other days, in the containers they arrive
//! in.

use std::path::Path;

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use crate::report::{run_json, write};
use crate::support::mtasts;

/// The fixture `name` (`google`, `microsoft`, `yahoo-weekly`, `mailru`).
fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tlsrpt")
        .join(format!("{name}.json"));
    std::fs::read_to_string(path).unwrap()
}

/// The fixture `name` moved `days` days later: every date in it (its
/// fixtures all start on 2026-11-01), and its report-id made its own.
fn moved(name: &str, days: i64) -> Value {
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
