//! `report` through the real binary, on sample reports this file writes:
//! modelled on the RFC 8460 example and on real reporters' deviations, in
//! every container form.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use crate::support::{mtasts, usage_error};

const POLICY_LINES: [&str; 4] = [
    "version: STSv1",
    "mode: testing",
    "mx: mx1.example.test",
    "max_age: 86400",
];

/// One daily report. `failures`: (result-type, receiving MX, sessions).
pub fn report(org: &str, day: u32, domain: &str, ok: u64, failures: &[(&str, &str, u64)]) -> Value {
    let failed: u64 = failures.iter().map(|f| f.2).sum();
    json!({
        "organization-name": org,
        "date-range": {
            "start-datetime": format!("2026-11-{day:02}T00:00:00Z"),
            "end-datetime": format!("2026-11-{day:02}T23:59:59Z"),
        },
        "contact-info": format!("tlsrpt@{}", org.to_lowercase()),
        "report-id": format!("{org}-{domain}-{day}"),
        "policies": [{
            "policy": {
                "policy-type": "sts",
                "policy-string": POLICY_LINES,
                "policy-domain": domain,
                "mx-host": ["mx1.example.test"],
            },
            "summary": {"total-successful-session-count": ok, "total-failure-session-count": failed},
            "failure-details": failures.iter().map(|(t, mx, n)| json!({
                "result-type": t,
                "sending-mta-ip": "192.0.2.7",
                "receiving-mx-hostname": mx,
                "receiving-ip": "198.51.100.25",
                "failed-session-count": n,
            })).collect::<Vec<_>>(),
        }],
    })
}

pub fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// `data` in base64, in lines of 76 characters as mail carries it (RFC
/// 2045 §6.8).
pub fn base64(data: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(data);
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(76)
        .map(|l| std::str::from_utf8(l).unwrap())
        .collect();
    lines.join("\r\n")
}

/// A report mail as RFC 8460 §5.3 describes it: multipart/report with an
/// application/tlsrpt+gzip attachment.
pub fn eml(r: &Value) -> Vec<u8> {
    let name = format!("{}.json.gz", r["report-id"].as_str().unwrap());
    format!(
        "From: tlsrpt@reporter.test\r\nTo: tlsrpt@example.test\r\nSubject: Report Domain: example.test Submitter: reporter.test Report-ID: <{id}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is an aggregate TLS report.\r\n\r\n\
         --b1\r\nContent-Type: application/tlsrpt+gzip\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\r\n\
         {body}\r\n--b1--\r\n",
        id = r["report-id"].as_str().unwrap(),
        body = base64(&gz(r.to_string().as_bytes()))
    )
    .into_bytes()
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

pub fn run_json(args: &[&str]) -> (Option<i32>, Value) {
    let out = mtasts()
        .arg("report")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), v)
}

/// 14 days × 2 reporters of clean sessions for example.test.
fn clean_fortnight(dir: &Path) {
    for day in 1..=14 {
        for org in ["Google", "Microsoft"] {
            let r = report(org, day, "example.test", 100, &[]);
            write(dir, &format!("{org}-{day}.json"), r.to_string().as_bytes());
        }
    }
}

#[test]
fn every_container_form_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let r = |org: &str, day| report(org, day, "example.test", 10, &[]);
    write(d, "plain.json", r("A", 1).to_string().as_bytes());
    write(d, "zipped.json.gz", &gz(r("B", 2).to_string().as_bytes()));
    write(d, "no-extension", &gz(r("C", 3).to_string().as_bytes()));
    write(d, "mail.eml", &eml(&r("D", 4)));
    let mut mbox = Vec::new();
    for (org, day) in [("E", 5), ("F", 6)] {
        mbox.extend_from_slice(b"From tlsrpt@reporter.test Sat Nov 28 00:00:00 2026\r\n");
        mbox.extend_from_slice(&eml(&r(org, day)));
        mbox.extend_from_slice(b"\r\n");
    }
    write(d, "archive.mbox", &mbox);
    write(d, "Maildir/cur/1764288000.M1P1.host:2,S", &eml(&r("G", 7)));
    write(d, "Maildir/new/1764288001.M2P1.host", &eml(&r("H", 8)));
    std::fs::create_dir_all(d.join("Maildir/tmp")).unwrap();
    let (code, v) = run_json(&["--trust-unsigned", d.to_str().unwrap()]);
    assert_eq!(v["reports"], 8, "{v:#}");
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v:#}");
    let dom = &v["domains"][0];
    assert_eq!(dom["domain"], "example.test");
    assert_eq!(dom["sessions"]["sts"]["successful"], 80);
    assert_eq!(dom["days"], 8);
    assert_eq!(code, Some(1), "8 days are fewer than 14");
    assert_eq!(v["trust"]["unchecked"], 5);
    assert_eq!(v["trust"]["from_files"], 3);

    // Without --trust-unsigned, the unsigned mails are ignored (RFC 8460
    // §3; tests/it/trust.rs has signed ones), the files still count.
    let (_, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(v["reports"], 3, "{v:#}");
    assert_eq!(v["trust"]["ignored"], 5);
    let codes: Vec<&Value> = v["trust"]["ignored_reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["code"])
        .collect();
    assert_eq!(codes, [&json!("no-signature"); 5]);
}

#[test]
fn ready_when_thresholds_are_met_and_not_a_day_sooner() {
    let tmp = tempfile::tempdir().unwrap();
    clean_fortnight(tmp.path());
    let p = tmp.path().to_str().unwrap();
    let (code, v) = run_json(&[p]);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(v["domains"][0]["verdict"], "ready to enforce");
    let (code, v) = run_json(&[p, "--min-days", "15"]);
    assert_eq!(code, Some(1));
    assert!(
        v["domains"][0]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("14 days"),
        "{v:#}"
    );
    assert_eq!(v["domains"][0]["reason_codes"], json!(["too-few-days"]));
    let (code, v) = run_json(&[p, "--min-reporters", "3"]);
    assert_eq!(code, Some(1));
    assert!(
        v["domains"][0]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("only 2 reporting organisations"),
        "{v:#}"
    );
    assert_eq!(
        v["domains"][0]["reason_codes"],
        json!(["too-few-reporters"])
    );
    // Exactly at the thresholds: ready.
    let (code, _) = run_json(&[p, "--min-reporters", "2", "--min-days", "14"]);
    assert_eq!(code, Some(0));
}

#[test]
fn failures_block_with_meaning_and_fix() {
    let tmp = tempfile::tempdir().unwrap();
    clean_fortnight(tmp.path());
    let bad = report(
        "Yahoo",
        10,
        "example.test",
        50,
        &[
            ("certificate-expired", "mx2.example.test", 7),
            ("validation-failure", "mx3.example.test", 2),
        ],
    );
    write(tmp.path(), "yahoo.json", bad.to_string().as_bytes());
    let (code, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(code, Some(1));
    let dom = &v["domains"][0];
    assert_eq!(dom["ready"], false);
    assert_eq!(dom["failures_by_result_type"]["certificate-expired"], 7);
    assert_eq!(dom["failures_by_mx"]["mx2.example.test"], 7);
    assert_eq!(dom["failures_by_sending_ip"]["192.0.2.7"], 9);
    let blocking = dom["blocking"].as_array().unwrap();
    assert_eq!(blocking[0]["result_type"], "certificate-expired");
    assert!(
        blocking[0]["fix"]
            .as_str()
            .unwrap()
            .contains("renew the certificate of mx2.example.test")
    );
    assert!(
        blocking[1]["fix"]
            .as_str()
            .unwrap()
            .contains("mx: mx3.example.test")
    );
    let trend = dom["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 14);
    assert_eq!(trend[9]["failed"], 9);
    // Human output says the same.
    let out = mtasts()
        .args(["report", tmp.path().to_str().unwrap(), "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("example.test  NOT READY")
            && text.contains("fix: renew the certificate of mx2.example.test"),
        "{text}"
    );
}

#[test]
fn duplicates_count_once() {
    let tmp = tempfile::tempdir().unwrap();
    clean_fortnight(tmp.path());
    let again = report("Google", 3, "example.test", 100, &[]);
    write(tmp.path(), "copy/again.json", again.to_string().as_bytes());
    let (code, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(v["duplicates"], 1);
    assert_eq!(v["reports"], 28);
    assert_eq!(code, Some(0), "{v:#}");
}

const NEW_POLICY: [&str; 5] = [
    "version: STSv1",
    "mode: testing",
    "mx: mx1.example.test",
    "mx: mx2.example.test",
    "max_age: 86400",
];

fn with_policy(mut r: Value, lines: &[&str]) -> Value {
    r["policies"][0]["policy"]["policy-string"] = json!(lines);
    r
}

/// The admin fixed the policy on day 4 (mx2 was missing) and published a
/// new id: the verdict is about the policy now served, counted from the
/// day reporters first saw it; the old failures are shown, not counted.
#[test]
fn a_policy_change_is_judged_from_the_new_policy_on() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let last_day = |last: u32| {
        for day in 1..=last {
            for org in ["Google", "Microsoft"] {
                let r = if day <= 3 {
                    let failures: &[(&str, &str, u64)] = if day == 2 {
                        &[("validation-failure", "mx2.example.test", 4)]
                    } else {
                        &[]
                    };
                    report(org, day, "example.test", 100, failures)
                } else {
                    with_policy(report(org, day, "example.test", 100, &[]), &NEW_POLICY)
                };
                write(d, &format!("{org}-{day}.json"), r.to_string().as_bytes());
            }
        }
    };
    last_day(10);
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{v:#}");
    let dom = &v["domains"][0];
    assert_eq!(dom["sts_days"], 7, "{dom:#}");
    assert!(
        dom["reasons"][0]
            .as_str()
            .unwrap()
            .contains("under the current sts policy (in effect since 2026-11-04) cover 7 days"),
        "{dom:#}"
    );
    assert!(dom["blocking"].as_array().unwrap().is_empty(), "{dom:#}");
    assert_eq!(
        dom["earlier_failures"][0]["result_type"],
        "validation-failure"
    );
    let policies = dom["policy_strings"].as_array().unwrap();
    assert_eq!(policies.len(), 2);
    assert_eq!(policies[0]["current"], true);
    assert!(policies[0]["policy"].as_str().unwrap().contains("mx2"));
    assert_eq!(policies[0]["first_seen"], "2026-11-04");
    assert_eq!(policies[1]["last_seen"], "2026-11-03");

    // Fourteen days under the new policy: ready, whatever came before.
    last_day(17);
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(v["domains"][0]["sts_days"], 14);
    assert!(
        v["domains"][0]["stale_reporters"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A reporter still applying the old policy after the change shows the
    // id/cache problem; its reports are not evidence for the new policy,
    // and with senders disagreeing nobody can say what enforcing applies.
    write(
        d,
        "yahoo-17.json",
        report("Yahoo", 17, "example.test", 100, &[])
            .to_string()
            .as_bytes(),
    );
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{v:#}");
    assert!(
        v["domains"][0]["reasons"][0]
            .as_str()
            .unwrap()
            .starts_with("reporters disagree on the policy: Yahoo still applies another one"),
        "{v:#}"
    );
    let stale = &v["domains"][0]["stale_reporters"];
    assert_eq!(stale[0]["reporter"], "Yahoo", "{v:#}");
    assert_eq!(stale[0]["last_report"], "2026-11-17");
    assert_eq!(v["domains"][0]["sts_reporters"], 2);
    let out = mtasts()
        .args(["report", d.to_str().unwrap(), "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Yahoo still applied an earlier policy on 2026-11-17")
            && text.contains("publish a new id"),
        "{text}"
    );
}

/// Reporters that send the policy as one CRLF string see the same policy
/// as those that send an array of lines.
#[test]
fn a_policy_sent_as_one_string_is_the_same_policy() {
    let tmp = tempfile::tempdir().unwrap();
    clean_fortnight(tmp.path());
    let mut r = report("Yahoo", 14, "example.test", 100, &[]);
    r["policies"][0]["policy"]["policy-string"] = json!(POLICY_LINES.join("\r\n") + "\r\n");
    write(tmp.path(), "yahoo.json", r.to_string().as_bytes());
    let (code, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(code, Some(0), "{v:#}");
    let policies = v["domains"][0]["policy_strings"].as_array().unwrap();
    assert_eq!(policies.len(), 1, "{policies:?}");
    assert_eq!(policies[0]["reports"], 29);
    assert_eq!(policies[0]["policy"], POLICY_LINES.join("\n"));
}

/// Failures listed in failure-details count even when the summary says 0
/// or is missing: a report cannot make its own failures vanish.
#[test]
fn detailed_failures_count_whatever_the_summary_says() {
    let tmp = tempfile::tempdir().unwrap();
    clean_fortnight(tmp.path());
    let mut r = report(
        "Google",
        9,
        "example.test",
        100,
        &[("certificate-expired", "mx2.example.test", 5)],
    );
    r["report-id"] = json!("google-9-second");
    r["policies"][0]["summary"]["total-failure-session-count"] = json!(0);
    write(tmp.path(), "zero.json", r.to_string().as_bytes());
    let mut r = report(
        "Microsoft",
        9,
        "example.test",
        100,
        &[("starttls-not-supported", "mx1.example.test", 2)],
    );
    r["report-id"] = json!("microsoft-9-second");
    r["policies"][0].as_object_mut().unwrap().remove("summary");
    write(tmp.path(), "missing.json", r.to_string().as_bytes());
    let (code, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(code, Some(1), "{v:#}");
    let dom = &v["domains"][0];
    assert_eq!(dom["sessions"]["sts"]["failed"], 7, "{dom:#}");
    let blocking = dom["blocking"].as_array().unwrap();
    assert_eq!(blocking[0]["result_type"], "certificate-expired");
    assert_eq!(blocking[1]["result_type"], "starttls-not-supported");
    assert!(
        v["oddities"].as_array().unwrap().iter().any(|o| o["note"]
            .as_str()
            .unwrap()
            .contains("failure-details count 5")),
        "{v:#}"
    );
}

/// `--min-days` and `--min-reporters` count only what shows the sts
/// policy at work: days of other policy types and reporters without a
/// single session do not.
#[test]
fn only_sts_sessions_count_towards_the_thresholds() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for org in ["A", "B"] {
        let r = report(org, 1, "example.test", 100, &[]);
        write(d, &format!("{org}.json"), r.to_string().as_bytes());
    }
    for day in 2..=15 {
        let mut r = report("C", day, "example.test", 100, &[]);
        r["policies"][0]["policy"] =
            json!({"policy-type": "no-policy-found", "policy-domain": "example.test"});
        write(d, &format!("C-{day}.json"), r.to_string().as_bytes());
    }
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{v:#}");
    assert_eq!(v["domains"][0]["days"], 15);
    assert_eq!(v["domains"][0]["sts_days"], 1);

    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=14 {
        let r = report("A", day, "example.test", 100, &[]);
        write(d, &format!("A-{day}.json"), r.to_string().as_bytes());
    }
    let idle = report("B", 14, "example.test", 0, &[]);
    write(d, "B.json", idle.to_string().as_bytes());
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{v:#}");
    assert_eq!(v["domains"][0]["sts_reporters"], 1);
    assert!(
        v["domains"][0]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("only 1 reporting organisation"),
        "{v:#}"
    );
}

#[test]
fn real_world_deviations_are_accepted_and_noted() {
    let tmp = tempfile::tempdir().unwrap();
    let mut r = report(
        "Odd",
        1,
        "example.test",
        5,
        &[
            ("sts-policy-fetch-error", "", 1),
            ("certificate-revoked", "mx1.example.test", 1),
        ],
    );
    r["date-range"]["start-datetime"] = json!("2026-11-01T00:00:00");
    r["policies"][0]["failure-details"][0]["sending-mta-ip"] = json!("");
    r["policies"][0]["policy"]
        .as_object_mut()
        .unwrap()
        .remove("policy-string");
    write(tmp.path(), "odd.json", r.to_string().as_bytes());
    let (_, v) = run_json(&[tmp.path().to_str().unwrap()]);
    let notes: Vec<String> = v["oddities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["note"].as_str().unwrap().to_string())
        .collect();
    for needle in [
        "no time zone",
        "empty sending-mta-ip",
        "no policy-string",
        "unknown result-type 'certificate-revoked'",
    ] {
        assert!(
            notes.iter().any(|n| n.contains(needle)),
            "{needle}: {notes:?}"
        );
    }
    let codes: Vec<&str> = v["oddities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    for code in [
        "datetime-without-zone",
        "empty-sending-mta-ip",
        "no-policy-string",
        "unknown-result-type",
    ] {
        assert!(codes.contains(&code), "{code}: {codes:?}");
    }
    assert_eq!(v["reports"], 1);
    let blocking = v["domains"][0]["blocking"].as_array().unwrap();
    assert!(
        blocking
            .iter()
            .any(|b| b["result_type"] == "sts-policy-fetch-error"
                && b["fix"].as_str().unwrap().contains("mtasts check"))
    );
}

#[test]
fn bad_inputs_are_reported_and_the_rest_processed() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let good = report("A", 1, "example.test", 10, &[]).to_string();
    write(d, "good.json", good.as_bytes());
    write(d, "truncated.json", &good.as_bytes()[..good.len() / 2]);
    let zipped = gz(good.as_bytes());
    write(d, "truncated.json.gz", &zipped[..zipped.len() / 2]);
    write(d, "garbage.bin", &[0u8, 159, 146, 150, 1, 2, 3]);
    write(d, "empty.json", b"");
    write(d, "not-a-report.json", b"{\"hello\": 1}");
    write(
        d,
        "plain-mail.eml",
        b"From: a@b.test\r\nSubject: hi\r\n\r\nno report here\r\n",
    );
    // A gzip bomb: 200 MiB of zeros in a few hundred KiB.
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..200 {
        e.write_all(&zeros).unwrap();
    }
    write(d, "bomb.json.gz", &e.finish().unwrap());
    let started = std::time::Instant::now();
    let (_, v) = run_json(&[d.to_str().unwrap()]);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(v["reports"], 1);
    let errors = v["errors"].as_array().unwrap();
    let reason = |file: &str| {
        errors
            .iter()
            .find(|e| e["path"].as_str().unwrap().ends_with(file))
            .map(|e| e["reason"].as_str().unwrap().to_string())
    };
    assert!(
        reason("bomb.json.gz").unwrap().contains("gzip bomb"),
        "{errors:?}"
    );
    assert!(
        reason("truncated.json").unwrap().contains("JSON"),
        "{errors:?}"
    );
    assert!(reason("truncated.json.gz").is_some(), "{errors:?}");
    assert!(reason("empty.json").is_some());
    assert!(reason("not-a-report.json").unwrap().contains("date-range"));
    assert!(
        reason("plain-mail.eml").unwrap().contains("tlsrpt"),
        "{errors:?}"
    );
    assert!(reason("garbage.bin").is_some());
    assert_eq!(errors.len(), 7, "{errors:?}");
    // Beside each reason, a stable code.
    let code = |file: &str| {
        errors
            .iter()
            .find(|e| e["path"].as_str().unwrap().ends_with(file))
            .map(|e| e["code"].as_str().unwrap().to_string())
    };
    assert_eq!(code("bomb.json.gz").as_deref(), Some("gzip-bomb"));
    assert_eq!(code("truncated.json").as_deref(), Some("not-json"));
    assert_eq!(code("truncated.json.gz").as_deref(), Some("broken-gzip"));
    assert_eq!(code("empty.json").as_deref(), Some("empty"));
    assert_eq!(code("not-a-report.json").as_deref(), Some("no-date-range"));
    assert_eq!(code("plain-mail.eml").as_deref(), Some("no-report-part"));
}

/// A FIFO among the reports would block a reader forever: it is named and
/// skipped. A link to a directory is followed where the user names it, and
/// not inside a walk (where it could loop).
#[test]
fn special_files_are_skipped_and_named_links_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("reports");
    std::fs::create_dir(&d).unwrap();
    let r = report("A", 1, "example.test", 10, &[]).to_string();
    write(&d, "a.json", r.as_bytes());
    let fifo = std::ffi::CString::new(d.join("pipe.json").to_str().unwrap()).unwrap();
    // SAFETY: a valid C path; mkfifo only creates the file.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    std::os::unix::fs::symlink(&d, d.join("loop")).unwrap();
    let link = tmp.path().join("link-to-reports");
    std::os::unix::fs::symlink(&d, &link).unwrap();
    let (_, v) = run_json(&[link.to_str().unwrap()]);
    assert_eq!(v["reports"], 1, "{v:#}");
    assert_eq!(v["files"], 1, "{v:#}");
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]["path"].as_str().unwrap().ends_with("pipe.json"));
    assert!(
        errors[0]["reason"]
            .as_str()
            .unwrap()
            .contains("not a regular file")
    );
    // A pipe the user names, as with `<(zcat report.json.gz)`, is read.
    let writer = {
        let (path, body) = (d.join("pipe.json"), r.clone());
        std::thread::spawn(move || std::fs::write(path, body).unwrap())
    };
    let (_, v) = run_json(&[d.join("pipe.json").to_str().unwrap()]);
    writer.join().unwrap();
    assert_eq!(v["reports"], 1, "{v:#}");
}

#[test]
fn absurd_counts_neither_crash_nor_wrap() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, org) in ["A", "B", "C"].iter().enumerate() {
        let mut r = report(
            org,
            1 + i as u32,
            "example.test",
            1,
            &[("certificate-expired", "mx1.example.test", 1)],
        );
        r["policies"][0]["summary"]["total-successful-session-count"] = json!(u64::MAX);
        r["policies"][0]["summary"]["total-failure-session-count"] = json!(u64::MAX);
        r["policies"][0]["failure-details"][0]["failed-session-count"] = json!(u64::MAX);
        write(tmp.path(), &format!("{org}.json"), r.to_string().as_bytes());
    }
    let out = mtasts()
        .args(["report", "--json", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["domains"][0]["ready"], false,
        "failures must not wrap to zero"
    );
    assert!(
        v["oddities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["note"].as_str().unwrap().contains("implausibly large"))
    );
}

#[test]
fn domain_filter_and_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "a.json",
        report("A", 1, "example.test", 10, &[])
            .to_string()
            .as_bytes(),
    );
    write(
        tmp.path(),
        "b.json",
        report("A", 1, "other.test", 10, &[]).to_string().as_bytes(),
    );
    let (_, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(v["domains"].as_array().unwrap().len(), 2);
    let (_, v) = run_json(&[tmp.path().to_str().unwrap(), "--domain", "OTHER.test."]);
    assert_eq!(v["domains"].as_array().unwrap().len(), 1);
    assert_eq!(v["domains"][0]["domain"], "other.test");
    usage_error(&["report"], &["PATH"]);
    usage_error(&["report", "/no/such/reports"], &["/no/such/reports"]);
    usage_error(
        &["report", tmp.path().to_str().unwrap(), "--min-days", "0"],
        &["--min-days"],
    );
    usage_error(
        &[
            "report",
            tmp.path().to_str().unwrap(),
            "--domain",
            "not a domain",
        ],
        &["not a valid domain"],
    );
}

/// The reporter deviations, in every container form admins receive them
/// in: each is read, and each oddity noted for each of them.
#[test]
fn deviations_are_read_in_every_container_form() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let odd = |org: &str, day| {
        let mut r = report(
            org,
            day,
            "example.test",
            5,
            &[("certificate-revoked", "mx1.example.test", 1)],
        );
        r["date-range"]["start-datetime"] = json!(format!("2026-11-{day:02}T00:00:00"));
        r["policies"][0]["failure-details"][0]["sending-mta-ip"] = json!("");
        r["policies"][0]["policy"]
            .as_object_mut()
            .unwrap()
            .remove("policy-string");
        r
    };
    write(d, "a.json", odd("A", 1).to_string().as_bytes());
    write(d, "b.json.gz", &gz(odd("B", 2).to_string().as_bytes()));
    write(d, "c.eml", &eml(&odd("C", 3)));
    let mut mbox = b"From tlsrpt@reporter.test Sat Nov 28 00:00:00 2026\r\n".to_vec();
    mbox.extend_from_slice(&eml(&odd("D", 4)));
    write(d, "d.mbox", &mbox);
    write(d, "Maildir/new/1764288001.M2P1.host", &eml(&odd("E", 5)));
    std::fs::create_dir_all(d.join("Maildir/cur")).unwrap();
    let (_, v) = run_json(&["--trust-unsigned", d.to_str().unwrap()]);
    assert_eq!(v["reports"], 5, "{v:#}");
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v:#}");
    let oddities = v["oddities"].as_array().unwrap();
    for source in [
        "a.json",
        "b.json.gz",
        "c.eml",
        "d.mbox",
        "1764288001.M2P1.host",
    ] {
        let notes: Vec<&str> = oddities
            .iter()
            .filter(|o| o["source"].as_str().unwrap().contains(source))
            .map(|o| o["note"].as_str().unwrap())
            .collect();
        for needle in [
            "no time zone",
            "empty sending-mta-ip",
            "no policy-string",
            "unknown result-type 'certificate-revoked'",
        ] {
            assert!(
                notes.iter().any(|n| n.contains(needle)),
                "{source}: {needle}: {notes:?}"
            );
        }
    }
}

/// RFC 8460 §5.3 allows the report uncompressed: `application/tlsrpt+json`.
#[test]
fn a_json_report_part_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let r = report("A", 1, "example.test", 10, &[]);
    let mail = format!(
        "From: tlsrpt@reporter.test\r\nSubject: Report Domain: example.test\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain\r\n\r\nA report.\r\n\
         --b1\r\nContent-Type: application/tlsrpt+json\r\nContent-Disposition: attachment; filename=\"r.json\"\r\n\r\n\
         {r}\r\n--b1--\r\n"
    );
    write(tmp.path(), "r.eml", mail.as_bytes());
    let (_, v) = run_json(&["--trust-unsigned", tmp.path().to_str().unwrap()]);
    assert_eq!(v["reports"], 1, "{v:#}");
}

/// An mbox compressed whole is read message by message, and an mbox that
/// starts with a blank line is still an mbox.
#[test]
fn compressed_mboxes_and_leading_blank_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut mbox = b"\r\n".to_vec();
    for org in ["A", "B", "C"] {
        mbox.extend_from_slice(b"From tlsrpt@reporter.test Sat Nov 28 00:00:00 2026\r\n");
        mbox.extend_from_slice(&eml(&report(org, 1, "example.test", 10, &[])));
        mbox.extend_from_slice(b"\r\n");
    }
    write(d, "inbox.mbox.gz", &gz(&mbox));
    let (_, v) = run_json(&[
        "--trust-unsigned",
        d.join("inbox.mbox.gz").to_str().unwrap(),
    ]);
    assert_eq!(v["reports"], 3, "{v:#}");
    write(d, "inbox.mbox", &mbox);
    let (_, v) = run_json(&["--trust-unsigned", d.join("inbox.mbox").to_str().unwrap()]);
    assert_eq!(v["reports"], 3, "{v:#}");
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v:#}");
}

/// A Maildir as Dovecot leaves it: its bookkeeping files and unfinished
/// deliveries in tmp/ are not reports and not errors.
#[test]
fn maildir_bookkeeping_is_passed_over() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("Maildir");
    let r = |org: &str| eml(&report(org, 1, "example.test", 10, &[]));
    write(&m, "cur/1764288000.M1P1.host:2,S", &r("A"));
    write(&m, "new/1764288001.M2P1.host", &r("B"));
    write(&m, "tmp/1764288002.M3P1.host", &r("C")[..100]);
    write(
        &m,
        "dovecot-uidlist",
        b"3 V1764288000 N3\n1 :1764288000.M1P1.host\n",
    );
    write(&m, "dovecot.index.log", &[0u8, 1, 2, 3]);
    write(&m, "maildirfolder", b"");
    write(&m, ".Reports/cur/1764288003.M4P1.host:2,S", &r("D"));
    write(&m, ".Reports/maildirfolder", b"");
    std::fs::create_dir_all(m.join(".Reports/new")).unwrap();
    std::fs::create_dir_all(m.join(".Reports/tmp")).unwrap();
    let (_, v) = run_json(&["--trust-unsigned", m.to_str().unwrap()]);
    assert_eq!(v["reports"], 3, "{v:#}");
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v:#}");
}

/// Files too large to be a report are refused without being read whole.
#[test]
fn oversized_files_and_messages_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "good.json",
        report("A", 1, "example.test", 10, &[])
            .to_string()
            .as_bytes(),
    );
    let huge = std::fs::File::create(d.join("huge.json")).unwrap();
    huge.set_len(65 * 1024 * 1024).unwrap();
    let mut mbox = b"From a@b.test Sat Nov 28 00:00:00 2026\r\nSubject: big\r\n\r\n".to_vec();
    let line = [b'x'; 1000];
    while mbox.len() < 33 * 1024 * 1024 {
        mbox.extend_from_slice(&line);
        mbox.extend_from_slice(b"\r\n");
    }
    mbox.extend_from_slice(b"From tlsrpt@reporter.test Sat Nov 28 00:00:00 2026\r\n");
    mbox.extend_from_slice(&eml(&report("B", 1, "example.test", 10, &[])));
    write(d, "big.mbox", &mbox);
    let (_, v) = run_json(&["--trust-unsigned", d.to_str().unwrap()]);
    assert_eq!(v["reports"], 2, "{v:#}");
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e["path"].as_str().unwrap().ends_with("huge.json")
                && e["reason"].as_str().unwrap().contains("larger than 64 MiB"))
    );
    assert!(errors.iter().any(
        |e| e["path"].as_str().unwrap().contains("big.mbox (message 1)")
            && e["reason"].as_str().unwrap().contains("larger than 32 MiB")
    ));
}

/// Datetimes as some reporters write them, and internationalised domain
/// names in either form, counted together.
#[test]
fn lenient_dates_and_internationalised_names() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for (i, (start, domain)) in [
        ("2026-11-01T00:00:00+0000", "bücher.example"),
        ("2026-11-02 00:00:00 UTC", "xn--bcher-kva.example"),
        ("1793664000", "BÜCHER.example."),
    ]
    .iter()
    .enumerate()
    {
        let mut r = report(&format!("R{i}"), i as u32 + 1, domain, 10, &[]);
        r["date-range"]["start-datetime"] = json!(start);
        write(d, &format!("{i}.json"), r.to_string().as_bytes());
    }
    let (_, v) = run_json(&[d.to_str().unwrap(), "--domain", "bücher.example"]);
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v:#}");
    let domains = v["domains"].as_array().unwrap();
    assert_eq!(domains.len(), 1, "{v:#}");
    assert_eq!(domains[0]["domain"], "xn--bcher-kva.example");
    assert_eq!(domains[0]["sts_reporters"], 3);
    assert_eq!(domains[0]["start"], "2026-11-01T00:00:00Z");
    let notes = v["oddities"].to_string();
    assert!(
        notes.contains("not RFC 3339") && notes.contains("Unix time"),
        "{notes}"
    );
}

#[test]
fn advice_without_a_host_and_an_unmatched_domain() {
    let tmp = tempfile::tempdir().unwrap();
    let r = report("A", 1, "example.test", 10, &[("validation-failure", "", 3)]);
    write(tmp.path(), "a.json", r.to_string().as_bytes());
    let (_, v) = run_json(&[tmp.path().to_str().unwrap()]);
    let fix = v["domains"][0]["blocking"][0]["fix"].as_str().unwrap();
    assert!(
        fix.contains("mtasts check example.test") && !fix.contains("mx: the MX host"),
        "{fix}"
    );
    let out = mtasts()
        .args([
            "report",
            tmp.path().to_str().unwrap(),
            "--domain",
            "nomatch.example",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("no report covered nomatch.example"), "{text}");
    assert!(
        text.starts_with("1 report from 1 file, 0 of them for nomatch.example"),
        "{text}"
    );
}

/// Progress goes to stderr only when it is a terminal, and only for large
/// inputs: `script` gives the command a terminal.
#[test]
fn progress_only_on_a_terminal_and_for_large_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let (small, large) = (tmp.path().join("small"), tmp.path().join("large"));
    for i in 0..1200 {
        let r = report("A", 1, "example.test", 10, &[]).to_string();
        if i < 10 {
            write(&small, &format!("{i}.json"), r.as_bytes());
        }
        write(&large, &format!("{i}.json"), r.as_bytes());
    }
    let bin = assert_cmd::cargo::cargo_bin("mtasts");
    let on_terminal = |dir: &Path| {
        let line = format!("{} report --json {}", bin.display(), dir.display());
        let out = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .output()
            .expect("script(1), from util-linux, gives the command a terminal");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = on_terminal(&large);
    assert!(shown.contains("files read"), "{shown}");
    let shown = on_terminal(&small);
    assert!(!shown.contains("files read"), "{shown}");
    // Not a terminal: nothing on stderr, however large.
    let out = mtasts()
        .args(["report", "--json", large.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes `report(org, day, …)` under `policy` (None: no policy-string).
fn put(dir: &Path, org: &str, day: u32, policy: Option<&[&str]>, failures: &[(&str, &str, u64)]) {
    let mut r = report(org, day, "example.test", 100, failures);
    match policy {
        Some(lines) => r["policies"][0]["policy"]["policy-string"] = json!(lines),
        None => {
            r["policies"][0]["policy"]
                .as_object_mut()
                .unwrap()
                .remove("policy-string");
        }
    }
    write(dir, &format!("{org}-{day}.json"), r.to_string().as_bytes());
}

/// The policy reporters switched to last is the current one, however many
/// reporters keep applying the old one from their cache.
#[test]
fn the_newest_policy_is_current_whatever_the_majority() {
    let (a, b): (&[&str], &[&str]) = (&POLICY_LINES, &NEW_POLICY);
    for switching in [&["Google"][..], &["Google", "Microsoft"]] {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        for day in 1..=14 {
            for org in ["Google", "Microsoft", "Yahoo", "Comcast"] {
                if day >= 8 && switching.contains(&org) {
                    let failures: &[(&str, &str, u64)] = if org == "Google" {
                        &[("certificate-expired", "mx2.example.test", 5)]
                    } else {
                        &[]
                    };
                    put(d, org, day, Some(b), failures);
                } else {
                    put(d, org, day, Some(a), &[]);
                }
            }
        }
        let (code, v) = run_json(&[d.to_str().unwrap()]);
        assert_eq!(code, Some(1), "{v:#}");
        let dom = &v["domains"][0];
        assert_eq!(dom["current_since"], "2026-11-08", "{dom:#}");
        assert_eq!(dom["policy_strings"][0]["current"], true);
        assert!(
            dom["policy_strings"][0]["policy"]
                .as_str()
                .unwrap()
                .contains("mx2")
        );
        assert_eq!(
            dom["blocking"][0]["result_type"], "certificate-expired",
            "{dom:#}"
        );
        let stale: Vec<&str> = dom["stale_reporters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["reporter"].as_str().unwrap())
            .collect();
        assert!(
            stale.contains(&"Yahoo") && !stale.contains(&"Google"),
            "{stale:?}"
        );
    }
}

/// `"policy-string": []` says nothing about the policy: it is no policy,
/// not an empty one that could win.
#[test]
fn an_empty_policy_string_is_no_policy_string() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=14 {
        put(
            d,
            "Google",
            day,
            Some(&NEW_POLICY),
            &[("certificate-expired", "mx2.example.test", 5)],
        );
        put(d, "Microsoft", day, Some(&[]), &[]);
    }
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{v:#}");
    let dom = &v["domains"][0];
    assert_eq!(
        dom["policy_strings"].as_array().unwrap().len(),
        1,
        "{dom:#}"
    );
    assert_eq!(dom["blocking"][0]["result_type"], "certificate-expired");
    assert!(v["oddities"].to_string().contains("policy-string is empty"));
}

/// Results without a policy-string count from the day the current policy
/// took effect, not before.
#[test]
fn unstated_results_count_from_the_current_policy_on() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=14 {
        put(d, "Yahoo", day, None, &[]);
        let policy: &[&str] = if day < 14 { &POLICY_LINES } else { &NEW_POLICY };
        put(d, "Google", day, Some(policy), &[]);
    }
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{v:#}");
    let dom = &v["domains"][0];
    assert_eq!(dom["current_since"], "2026-11-14");
    assert_eq!(dom["sts_days"], 1, "{dom:#}");
}

/// Back to an earlier policy: it is current again from the day reporters
/// switched back, and a reporter last seen on the policy in between, before
/// that day, is not stale.
#[test]
fn a_return_to_an_earlier_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=16 {
        let policy: &[&str] = if (5..=9).contains(&day) {
            &NEW_POLICY
        } else {
            &POLICY_LINES
        };
        for org in ["Google", "Microsoft", "Yahoo"] {
            if org != "Yahoo" || day <= 8 {
                put(d, org, day, Some(policy), &[]);
            }
        }
    }
    let (code, v) = run_json(&[d.to_str().unwrap(), "--min-days", "7"]);
    let dom = &v["domains"][0];
    assert_eq!(code, Some(0), "{dom:#}");
    assert_eq!(dom["current_since"], "2026-11-10");
    assert_eq!(dom["sts_days"], 7);
    assert_eq!(dom["sts_reporters"], 2);
    assert!(
        dom["stale_reporters"].as_array().unwrap().is_empty(),
        "{dom:#}"
    );
}

/// Report ids are unique per reporter (RFC 8460 §4.4), so duplicates are
/// matched on both; and the output does not depend on which copy of a
/// duplicate a thread read first.
#[test]
fn duplicates_are_per_reporter_and_the_output_is_stable() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut google = report("Google", 1, "example.test", 100, &[]);
    google["report-id"] = json!("2026-11-01T00:00:00Z_example.test");
    let mut microsoft = report(
        "Microsoft",
        1,
        "example.test",
        100,
        &[("certificate-expired", "mx1.example.test", 3)],
    );
    microsoft["report-id"] = google["report-id"].clone();
    write(d, "a/google.json", google.to_string().as_bytes());
    write(d, "a/microsoft.json", microsoft.to_string().as_bytes());
    let (_, v) = run_json(&[d.join("a").to_str().unwrap()]);
    assert_eq!(v["reports"], 2, "{v:#}");
    assert_eq!(v["duplicates"], 0);
    assert_eq!(v["domains"][0]["sessions"]["sts"]["failed"], 3);

    for day in 1..=30 {
        let mut r = report("Google", day % 28 + 1, "example.test", 100, &[]);
        r["report-id"] = json!(format!("g-{day}"));
        r["date-range"]["start-datetime"] = json!(format!("2026-11-{:02}T00:00:00", day % 28 + 1));
        write(d, &format!("b/{day}.json"), r.to_string().as_bytes());
        write(
            d,
            &format!("b/{day}.json.gz"),
            &gz(r.to_string().as_bytes()),
        );
    }
    let run = || {
        mtasts()
            .args(["report", "--color", "never", d.join("b").to_str().unwrap()])
            .output()
            .unwrap()
            .stdout
    };
    let first = run();
    let text = String::from_utf8_lossy(&first);
    assert!(text.contains("30 duplicates ignored"), "{text}");
    // Notes are counted by reporter and kind, each report once whatever
    // its copies.
    let notes: Vec<&str> = text.lines().filter(|l| l.starts_with("note:")).collect();
    assert_eq!(
        notes,
        [
            "note: Google: 30 reports with datetimes without a time zone (read as UTC); e.g. start-datetime '2026-11-02T00:00:00'",
            "note: Google: 30 reports read more than once, identical each time (the same report in several files or messages): each counted once; e.g. report g-1, read 2 times",
        ],
        "{text}"
    );
    let (_, v) = run_json(&[d.join("b").to_str().unwrap()]);
    let oddities = v["oddities"].as_array().unwrap();
    assert!(
        oddities
            .iter()
            .any(|o| o["source"] == "report g-1 from Google"
                && o["reporter"] == "Google"
                && o["note"]
                    == "read 2 times, identical each time (the same report in several files or messages); counted once"),
        "{v:#}"
    );
    for _ in 0..5 {
        assert_eq!(run(), first);
    }
}

/// A report without an organisation and another spelling of one are not
/// extra reporters.
#[test]
fn reporters_are_counted_once_and_only_when_named() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=14 {
        put(
            d,
            if day <= 7 { "Google" } else { "google" },
            day,
            Some(&POLICY_LINES),
            &[],
        );
    }
    let mut r = report("X", 3, "example.test", 100, &[]);
    r.as_object_mut().unwrap().remove("organization-name");
    write(d, "unnamed.json", r.to_string().as_bytes());
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{v:#}");
    let dom = &v["domains"][0];
    assert_eq!(dom["sts_reporters"], 1, "{dom:#}");
    assert_eq!(dom["reporters"], json!(["(unknown reporter)", "Google"]));
}

/// A validation failure on a host the policy does list is not fixed by
/// listing it.
#[test]
fn validation_failure_on_a_listed_host() {
    let tmp = tempfile::tempdir().unwrap();
    put(
        tmp.path(),
        "Google",
        1,
        Some(&POLICY_LINES),
        &[("validation-failure", "mx1.example.test", 4)],
    );
    let (_, v) = run_json(&[tmp.path().to_str().unwrap()]);
    let b = &v["domains"][0]["blocking"][0];
    assert!(
        b["meaning"]
            .as_str()
            .unwrap()
            .contains("although the policy lists it"),
        "{b:#}"
    );
    assert!(
        !b["fix"].as_str().unwrap().contains("add the line"),
        "{b:#}"
    );
}

/// Dates in the future are made up: such a report is refused, or it would
/// make its policy look the newest.
#[test]
fn a_report_from_the_future_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut r = report("Google", 1, "example.test", 100, &[]);
    r["date-range"]["start-datetime"] = json!("2099-12-24T00:00:00Z");
    r["date-range"]["end-datetime"] = json!("2099-12-24T23:59:59Z");
    write(tmp.path(), "future.json", r.to_string().as_bytes());
    let mut r = report("Yahoo", 1, "example.test", 100, &[]);
    r["date-range"]["end-datetime"] = json!("2099-12-24T23:59:59Z");
    write(
        tmp.path(),
        "ends-in-the-future.json",
        r.to_string().as_bytes(),
    );
    let (_, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(v["reports"], 0);
    assert_eq!(v["errors"].as_array().unwrap().len(), 2, "{v:#}");
    assert!(
        v["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("in the future"),
        "{v:#}"
    );
}

/// A certificate or STARTTLS failure is a fault of the host, whatever
/// policy the reporter applied: it blocks even from a reporter still on an
/// earlier policy, and even when the reporters disagree on the policy.
#[test]
fn host_failures_block_whatever_policy_the_reporter_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=20 {
        for org in ["Google", "Microsoft"] {
            let policy: &[&str] = if day >= 5 { &NEW_POLICY } else { &POLICY_LINES };
            put(d, org, day, Some(policy), &[]);
        }
        // Yahoo never refetched, and mx1's certificate fails for it.
        put(
            d,
            "Yahoo",
            day,
            Some(&POLICY_LINES),
            &[("certificate-expired", "mx1.example.test", 3)],
        );
    }
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{v:#}");
    let dom = &v["domains"][0];
    assert_eq!(dom["current_since"], "2026-11-05");
    assert_eq!(
        dom["blocking"][0]["result_type"], "certificate-expired",
        "{dom:#}"
    );
    assert_eq!(dom["blocking"][0]["sessions"], 48, "days 5 to 20");
    assert_eq!(dom["earlier_failures"][0]["sessions"], 12, "days 1 to 4");
    assert_eq!(dom["stale_reporters"][0]["reporter"], "Yahoo");
}

/// On the day of a switch a reporter's report holds both policies, and
/// some senders keep a few sessions on the old one for days: the new
/// policy counts from its first day, with its failures that day.
#[test]
fn the_switch_day_counts_and_a_trickle_of_the_old_policy_does_not_block() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=24 {
        for org in ["Google", "Microsoft"] {
            let mut r = report(org, day, "example.test", 100, &[]);
            r["policies"][0]["policy"]["policy-string"] = json!(if day >= 10 {
                &NEW_POLICY[..]
            } else {
                &POLICY_LINES[..]
            });
            if day >= 10 {
                let mut old = r["policies"][0].clone();
                old["policy"]["policy-string"] = json!(POLICY_LINES);
                old["summary"]["total-successful-session-count"] = json!(2);
                r["policies"].as_array_mut().unwrap().push(old);
            }
            if day == 10 && org == "Google" {
                r["policies"][0]["summary"]["total-failure-session-count"] = json!(4);
                r["policies"][0]["failure-details"] = json!([{"result-type": "validation-failure", "receiving-mx-hostname": "mx2.example.test", "failed-session-count": 4}]);
            }
            write(d, &format!("{org}-{day}.json"), r.to_string().as_bytes());
        }
    }
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    let dom = &v["domains"][0];
    assert_eq!(code, Some(1), "{dom:#}");
    assert_eq!(dom["current_since"], "2026-11-10");
    assert_eq!(dom["sts_days"], 15);
    let b = &dom["blocking"][0];
    assert_eq!(b["result_type"], "validation-failure", "{dom:#}");
    assert!(
        b["meaning"]
            .as_str()
            .unwrap()
            .contains("although the policy lists it"),
        "{b:#}"
    );
    // Without that failure: ready, the trickle notwithstanding.
    let mut r: Value =
        serde_json::from_slice(&std::fs::read(d.join("Google-10.json")).unwrap()).unwrap();
    r["policies"][0]["summary"]["total-failure-session-count"] = json!(0);
    r["policies"][0]["failure-details"] = json!([]);
    write(d, "Google-10.json", r.to_string().as_bytes());
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{:#}", v["domains"][0]);
}

/// Two different reports under one reporter's id (a reporter's bug, or a
/// forgery) are both counted, whichever a thread reads first; copies of
/// one report, even formatted differently, count once.
#[test]
fn different_reports_sharing_an_id_both_count() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    clean_fortnight(d);
    let mut clean = report("Yahoo", 5, "example.test", 100, &[]);
    clean["report-id"] = json!("yahoo-5");
    let mut failing = report(
        "Yahoo",
        5,
        "example.test",
        100,
        &[("certificate-expired", "mx1.example.test", 5)],
    );
    failing["report-id"] = json!("yahoo-5");
    write(d, "y/clean.json", clean.to_string().as_bytes());
    write(d, "y/failing.json", failing.to_string().as_bytes());
    write(
        d,
        "y/clean-again.json",
        serde_json::to_string_pretty(&clean).unwrap().as_bytes(),
    );
    for _ in 0..8 {
        let (code, v) = run_json(&[d.to_str().unwrap()]);
        assert_eq!(code, Some(1), "{v:#}");
        assert_eq!(v["reports"], 30);
        assert_eq!(v["duplicates"], 1);
        assert!(
            v["oddities"].as_array().unwrap().iter().any(|o| o["source"]
                == "report yahoo-5 from Yahoo"
                && o["note"]
                    .as_str()
                    .unwrap()
                    .starts_with("2 different reports under this id, read 3 times in all: each different one counted")),
            "{v:#}"
        );
    }
}

/// Whatever reports hold becomes keys of the summary: hostile ones with
/// huge or countless distinct strings must leave memory and output small.
#[test]
fn hostile_strings_leave_the_summary_small() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for i in 0..5 {
        let mut r = report(&format!("R{i}"), 1, "example.test", 10, &[]);
        r["policies"][0]["policy"]["policy-string"] =
            json!([format!("mx: {}", "x".repeat(100 * 1024 + i))]);
        write(d, &format!("long-{i}.json"), r.to_string().as_bytes());
    }
    let mut r = report("Many", 2, "example.test", 10, &[]);
    r["policies"][0]["failure-details"] = (0..5000)
        .map(|i| json!({"result-type": format!("made-up-{i}-{}", "y".repeat(200)), "receiving-mx-hostname": format!("mx{i}.example.test"), "sending-mta-ip": format!("192.0.2.{i}"), "failed-session-count": 1}))
        .collect();
    write(d, "many.json", r.to_string().as_bytes());
    let out = mtasts()
        .args(["report", "--json", d.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.stdout.len() < 2_000_000,
        "{} bytes of JSON",
        out.stdout.len()
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let dom = &v["domains"][0];
    // Only the ordinary policy of the last report: the long ones are not
    // policies.
    let policies = dom["policy_strings"].as_array().unwrap();
    assert_eq!(policies.len(), 1);
    assert!(!policies[0]["policy"].as_str().unwrap().contains("xxx"));
    assert!(dom["failures_by_result_type"].as_object().unwrap().len() <= 1001);
    assert!(dom["failures_by_mx"].as_object().unwrap().len() <= 1001);
    assert_eq!(
        dom["sessions"]["sts"]["failed"], 5000,
        "nothing is lost, only lumped"
    );
    let notes = v["oddities"].to_string();
    assert!(
        notes.contains("longer than a policy may be")
            && notes.contains("result-type is longer than 64 bytes")
    );
    let text = mtasts()
        .args(["report", "--color", "never", d.to_str().unwrap()])
        .output()
        .unwrap()
        .stdout;
    assert!(text.len() < 20_000, "{} bytes of text", text.len());
}

/// One message of many small gzip parts is bounded like one gzip bomb.
#[test]
fn a_message_of_many_gzip_parts_is_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let r = report("A", 1, "example.test", 10, &[]).to_string();
    let mut body = vec![b' '; 1 << 20];
    body.extend_from_slice(r.as_bytes());
    let part = base64(&gz(&body));
    let mut mail = String::from(
        "From: a@b.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; boundary=\"b\"\r\n\r\n",
    );
    for i in 0..70 {
        mail.push_str(&format!("--b\r\nContent-Type: application/tlsrpt+gzip\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"{i}.json.gz\"\r\n\r\n{part}\r\n"));
    }
    mail.push_str("--b--\r\n");
    write(tmp.path(), "parts.eml", mail.as_bytes());
    let (_, v) = run_json(&["--trust-unsigned", tmp.path().to_str().unwrap()]);
    assert_eq!(v["reports"], 1, "{v:#}");
    let errors = v["errors"].as_array().unwrap();
    assert!(!errors.is_empty() && errors.len() <= 10, "{errors:?}");
    assert!(
        errors[0]["reason"]
            .as_str()
            .unwrap()
            .contains("more than 64 MiB"),
        "{errors:?}"
    );
}

/// Ready, but a file could not be read: the verdict says so.
#[test]
fn a_ready_verdict_mentions_unreadable_files() {
    let tmp = tempfile::tempdir().unwrap();
    clean_fortnight(tmp.path());
    write(tmp.path(), "broken.json", b"{\"organization-name\": ");
    let out = mtasts()
        .args(["report", "--color", "never", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "1 file could not be read (below): a report in them could change the verdict"
        ) && text.contains("unreadable: ")
            && text.contains("broken.json"),
        "{text}"
    );
}

/// A policy restored after a detour is the current one again, and the
/// failures under it count.
#[test]
fn a_rollback_makes_the_restored_policy_current() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=24 {
        let policy: &[&str] = if (5..=19).contains(&day) {
            &NEW_POLICY
        } else {
            &POLICY_LINES
        };
        for org in ["Google", "Microsoft"] {
            let failures: &[(&str, &str, u64)] = if day >= 20 {
                &[("validation-failure", "mx2.example.test", 2)]
            } else {
                &[]
            };
            put(d, org, day, Some(policy), failures);
        }
        // Yahoo keeps the detour's policy from its cache.
        let policy: &[&str] = if day >= 5 { &NEW_POLICY } else { &POLICY_LINES };
        put(d, "Yahoo", day, Some(policy), &[]);
    }
    let (code, v) = run_json(&[d.to_str().unwrap(), "--min-days", "3"]);
    let dom = &v["domains"][0];
    assert_eq!(code, Some(1), "{dom:#}");
    assert_eq!(dom["current_since"], "2026-11-20");
    assert!(
        !dom["policy_strings"][0]["policy"]
            .as_str()
            .unwrap()
            .contains("mx2")
    );
    let b = &dom["blocking"][0];
    assert_eq!(b["result_type"], "validation-failure");
    assert!(
        b["fix"]
            .as_str()
            .unwrap()
            .contains("add the line `mx: mx2.example.test`"),
        "{b:#}"
    );
    assert_eq!(dom["stale_reporters"][0]["reporter"], "Yahoo");
}

/// A validation failure under an earlier policy (here, from senders of a
/// reporter whose cache still holds it beside the current one) blocks when
/// that policy listed the host (a certificate problem) or when the current
/// one does not list it either.
#[test]
fn earlier_validation_failures_that_the_current_policy_does_not_fix_block() {
    for (mx, blocks) in [
        ("mx1.example.test", true),
        ("mx3.example.test", true),
        ("mx2.example.test", false),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        for day in 1..=20 {
            for org in ["Google", "Microsoft", "Yahoo"] {
                let policy: &[&str] = if day >= 3 { &NEW_POLICY } else { &POLICY_LINES };
                let mut r = report(org, day, "example.test", 100, &[]);
                r["policies"][0]["policy"]["policy-string"] = json!(policy);
                if org == "Yahoo" && day >= 3 {
                    let mut old = report(
                        org,
                        day,
                        "example.test",
                        5,
                        &[("validation-failure", mx, 1)],
                    )["policies"][0]
                        .clone();
                    old["policy"]["policy-string"] = json!(POLICY_LINES);
                    r["policies"].as_array_mut().unwrap().push(old);
                }
                write(d, &format!("{org}-{day}.json"), r.to_string().as_bytes());
            }
        }
        let (code, v) = run_json(&[d.to_str().unwrap()]);
        let dom = &v["domains"][0];
        assert_eq!(code, Some(if blocks { 1 } else { 0 }), "{mx}: {dom:#}");
    }
}

/// Failures without details, from a reporter on an earlier policy, and
/// certificate failures in no-policy-found results, block like any other.
#[test]
fn failures_without_details_and_under_other_policy_types_block() {
    for case in ["undetailed", "no-policy-found"] {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        clean_fortnight(d);
        let mut r = report(
            "Yahoo",
            10,
            "example.test",
            100,
            &[("certificate-expired", "mx2.example.test", 6)],
        );
        if case == "undetailed" {
            r["policies"][0]["policy"]["policy-string"] = json!(NEW_POLICY);
            r["policies"][0]["failure-details"] = json!([]);
        } else {
            r["policies"][0]["policy"] =
                json!({"policy-type": "no-policy-found", "policy-domain": "example.test"});
        }
        write(d, "yahoo.json", r.to_string().as_bytes());
        let (code, v) = run_json(&[d.to_str().unwrap()]);
        assert_eq!(code, Some(1), "{case}: {:#}", v["domains"][0]);
    }
}

/// Counts written as floats with no fraction are counts.
#[test]
fn whole_floats_are_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let text = report(
        "A",
        1,
        "example.test",
        100,
        &[("certificate-expired", "mx2.example.test", 7)],
    )
    .to_string()
    .replace("\"failed-session-count\":7", "\"failed-session-count\":7e0");
    assert!(text.contains("7e0"));
    write(tmp.path(), "a.json", text.as_bytes());
    let (_, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(
        v["domains"][0]["failures_by_result_type"]["certificate-expired"], 7,
        "{v:#}"
    );
}

/// After a fix, --since judges from the day of the fix on.
#[test]
fn since_judges_from_the_day_of_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=20 {
        for org in ["Google", "Microsoft"] {
            let failures: &[(&str, &str, u64)] = if day == 2 {
                &[("certificate-expired", "mx1.example.test", 4)]
            } else {
                &[]
            };
            put(d, org, day, Some(&POLICY_LINES), failures);
        }
    }
    let (code, _) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    let out = mtasts()
        .args(["report", "--color", "never", d.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("mtasts report --since"));
    let (code, v) = run_json(&[d.to_str().unwrap(), "--since", "2026-11-03"]);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(v["before"], 4);
    assert_eq!(v["domains"][0]["sts_days"], 18);
    usage_error(
        &["report", d.to_str().unwrap(), "--since", "3 Nov"],
        &["YYYY-MM-DD"],
    );
}

/// Past the caps, the tables keep their smallest keys and lump the rest:
/// the same output whichever thread reads which report.
#[test]
fn capped_tables_are_the_same_on_every_run() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for f in 0..60 {
        let mut r = report(&format!("R{f}"), 1 + f % 20, "example.test", 10, &[]);
        r["policies"][0]["failure-details"] = (0..50)
            .map(|i| json!({"result-type": "certificate-expired", "receiving-mx-hostname": format!("mx{}.example.test", (f * 50 + i) * 7919 % 3000), "sending-mta-ip": format!("198.51.{}.{}", f, i), "failed-session-count": 1}))
            .collect();
        r["policies"][0]["policy"]["policy-string"] =
            json!([format!("mx: p{}.example.test", (f * 37) % 150)]);
        write(d, &format!("{f}.json"), r.to_string().as_bytes());
    }
    let run = || {
        mtasts()
            .args(["report", "--json", d.to_str().unwrap()])
            .output()
            .unwrap()
            .stdout
    };
    let first = run();
    let v: Value = serde_json::from_slice(&first).unwrap();
    let dom = &v["domains"][0];
    assert_eq!(dom["failures_by_mx"].as_object().unwrap().len(), 1001);
    assert_eq!(dom["failures_by_result_type"]["certificate-expired"], 3000);
    assert!(dom["policy_strings"].as_array().unwrap().len() <= 100);
    for _ in 0..6 {
        assert!(run() == first, "the output changed between runs");
    }
}

/// A mail of countless parts is refused before it is parsed, and an archive
/// of countless oddities lists the first ten thousand, the same on every run.
#[test]
fn countless_parts_and_notes_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut mail = String::from(
        "From: a@b.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n",
    );
    for _ in 0..1500 {
        mail.push_str("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n");
    }
    mail.push_str("--b--\r\n");
    write(d, "parts/many.eml", mail.as_bytes());
    let (_, v) = run_json(&[d.join("parts").to_str().unwrap()]);
    assert!(
        v["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("more than 1000 MIME parts"),
        "{v:#}"
    );

    for i in 0..520 {
        let mut r = report(&format!("R{i}"), 1, "example.test", 10, &[]);
        r["policies"][0]["failure-details"] = (0..25)
            .map(|k| json!({"result-type": format!("odd-{k}"), "receiving-mx-hostname": "mx1.example.test", "failed-session-count": 1}))
            .collect();
        write(d, &format!("notes/{i:03}.json"), r.to_string().as_bytes());
    }
    let run = || {
        mtasts()
            .args(["report", "--json", d.join("notes").to_str().unwrap()])
            .output()
            .unwrap()
            .stdout
    };
    let first = run();
    let v: Value = serde_json::from_slice(&first).unwrap();
    let notes = v["oddities"].as_array().unwrap();
    assert_eq!(notes.len(), 10_001);
    assert!(
        notes[10_000]["note"]
            .as_str()
            .unwrap()
            .contains("past the first 10000")
    );
    assert!(run() == first);
}

/// Reporters that have gone quiet still say which policy they apply, and a
/// policy's count starts when the first reporter took it up.
#[test]
fn quiet_reporters_and_late_switchers() {
    const TYPO: [&str; 4] = [
        "version: STSv1",
        "mode: testing",
        "mx: mx.exmaple.test",
        "max_age: 86400",
    ];
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=28 {
        put(d, "Yahoo", day, Some(&NEW_POLICY), &[]);
        put(d, "Microsoft", day, Some(&NEW_POLICY), &[]);
        if day < 10 {
            put(d, "Google", day, Some(&NEW_POLICY), &[]);
        } else if day <= 25 {
            put(
                d,
                "Google",
                day,
                Some(&TYPO),
                &[("validation-failure", "mx1.example.test", 50)],
            );
        }
    }
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{:#}", v["domains"][0]);

    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=28 {
        let google: &[&str] = if day >= 5 { &NEW_POLICY } else { &POLICY_LINES };
        let failures: &[(&str, &str, u64)] = if day == 7 {
            &[("validation-failure", "backup.example.test", 30)]
        } else {
            &[]
        };
        put(d, "Google", day, Some(google), failures);
        let yahoo: &[&str] = if day >= 14 {
            &NEW_POLICY
        } else {
            &POLICY_LINES
        };
        put(d, "Yahoo", day, Some(yahoo), &[]);
    }
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    let dom = &v["domains"][0];
    assert_eq!(code, Some(1), "{dom:#}");
    assert_eq!(dom["current_since"], "2026-11-05");
    assert_eq!(
        dom["blocking"][0]["receiving_mx_hostname"],
        "backup.example.test"
    );
}

/// Reports naming thousands of domains keep the smallest names, the same
/// on every run, and lump the rest together as never ready.
#[test]
fn thousands_of_domains_are_capped_the_same_on_every_run() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for f in 0..3 {
        let mut r = report(&format!("R{f}"), 1, "example.test", 10, &[]);
        let one = r["policies"][0].clone();
        r["policies"] = (0..700)
            .map(|i| {
                let mut p = one.clone();
                p["policy"]["policy-domain"] =
                    json!(format!("d{:04}.example", (f * 700 + i) * 37 % 2100));
                p
            })
            .collect();
        write(d, &format!("{f}.json"), r.to_string().as_bytes());
    }
    let run = || {
        mtasts()
            .args(["report", "--json", d.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let first = run();
    assert_eq!(first.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&first.stdout).unwrap();
    let domains = v["domains"].as_array().unwrap();
    assert_eq!(domains.len(), 1001);
    assert!(domains.iter().any(|x| x["domain"] == "d0000.example"));
    assert!(!domains.iter().any(|x| x["domain"] == "d2099.example"));
    for _ in 0..4 {
        assert!(run().stdout == first.stdout);
    }
}

/// Healthy rollouts with the noise real reports carry are ready; a policy
/// in mode none is not, however clean.
#[test]
fn healthy_rollouts_with_real_world_noise() {
    // Google and Microsoft daily, the policy changed (new id) on day 10.
    let base = |d: &Path| {
        for day in 1..=28 {
            for org in ["Google", "Microsoft"] {
                let policy: &[&str] = if day >= 10 {
                    &NEW_POLICY
                } else {
                    &POLICY_LINES
                };
                put(d, org, day, Some(policy), &[]);
            }
        }
    };
    let two_policies =
        |org: &str, day: u32, main: &[&str], old_sessions: u64, failures: &[(&str, &str, u64)]| {
            let mut r = report(org, day, "example.test", 290, &[]);
            r["policies"][0]["policy"]["policy-string"] = json!(main);
            let mut old =
                report(org, day, "example.test", old_sessions, failures)["policies"][0].clone();
            old["policy"]["policy-string"] = json!(POLICY_LINES);
            r["policies"].as_array_mut().unwrap().push(old);
            r
        };
    // A few of Microsoft's senders keep the old policy, failing on mx2.
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path());
    for day in 12..=28 {
        let r = two_policies(
            "Microsoft",
            day,
            &NEW_POLICY,
            10,
            &[("validation-failure", "mx2.example.test", 2)],
        );
        write(
            tmp.path(),
            &format!("Microsoft-{day}.json"),
            r.to_string().as_bytes(),
        );
    }
    let (code, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(
        code,
        Some(0),
        "stale senders within a reporter: {:#}",
        v["domains"][0]
    );
    // A reporter with no session on the old policy, on the last day.
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path());
    let mut r = report("Yahoo", 28, "example.test", 0, &[]);
    r["policies"][0]["policy"]["policy-string"] = json!(POLICY_LINES);
    write(tmp.path(), "Yahoo-28.json", r.to_string().as_bytes());
    let (code, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(
        code,
        Some(0),
        "a report without sessions: {:#}",
        v["domains"][0]
    );
    // A reporter heard from once, during the refresh, on the old policy.
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path());
    put(tmp.path(), "SmallCo", 11, Some(&POLICY_LINES), &[]);
    let (code, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(
        code,
        Some(0),
        "a report during the refresh: {:#}",
        v["domains"][0]
    );
    // A reporter that writes the same policy in another order.
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path());
    let reordered = [
        "version: STSv1",
        "mode:testing",
        "max_age: 86400",
        "mx: mx2.example.test",
        "mx: mx1.example.test",
    ];
    for day in 10..=28 {
        put(tmp.path(), "Microsoft", day, Some(&reordered), &[]);
    }
    let (code, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(code, Some(0), "a reordered policy: {:#}", v["domains"][0]);
    assert_eq!(
        v["domains"][0]["policy_strings"][0]["policy"],
        NEW_POLICY.join("\n")
    );
    // mode: none, clean for four weeks: not a sign enforcing works.
    let tmp = tempfile::tempdir().unwrap();
    let none = ["version: STSv1", "mode: none", "max_age: 86400"];
    for day in 1..=28 {
        for org in ["Google", "Microsoft"] {
            put(tmp.path(), org, day, Some(&none), &[]);
        }
    }
    let (code, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(
        v["domains"][0]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("mode: none"),
        "{v:#}"
    );
}

/// Seventh review: a change under way, pooled domains, unstated policies,
/// one reporter's odd last day, and policies past the cap in any order.
#[test]
fn changes_under_way_and_other_edge_cases() {
    const P3: [&str; 4] = [
        "version: STSv1",
        "mode: testing",
        "mx: mx1.example.test",
        "max_age: 86400",
    ];
    // A newer policy for a minority of the last day's sessions.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=28 {
        for org in ["Google", "Microsoft"] {
            let mut r = report(org, day, "example.test", 290, &[]);
            r["policies"][0]["policy"]["policy-string"] = json!(NEW_POLICY);
            if day == 28 {
                let mut new = report(
                    org,
                    day,
                    "example.test",
                    5,
                    &[("validation-failure", "mx2.example.test", 4)],
                )["policies"][0]
                    .clone();
                new["policy"]["policy-string"] = json!(P3);
                r["policies"].as_array_mut().unwrap().push(new);
            }
            write(d, &format!("{org}-{day}.json"), r.to_string().as_bytes());
        }
    }
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{:#}", v["domains"][0]);
    assert!(
        v["domains"][0]["reasons"]
            .to_string()
            .contains("a newer policy")
    );

    // Results that never name a policy prove nothing about one.
    let tmp = tempfile::tempdir().unwrap();
    for day in 1..=28 {
        for org in ["Google", "Yahoo"] {
            put(tmp.path(), org, day, None, &[]);
        }
    }
    let (code, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(code, Some(1), "{:#}", v["domains"][0]);
    // ... and count for a named one only from its first day.
    put(tmp.path(), "Google", 27, Some(&POLICY_LINES), &[]);
    put(tmp.path(), "Google", 28, Some(&POLICY_LINES), &[]);
    let (code, v) = run_json(&[tmp.path().to_str().unwrap()]);
    assert_eq!(code, Some(1), "{:#}", v["domains"][0]);

    // One small reporter's odd last day does not make the old policy
    // current; it is named as disagreeing.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=28 {
        let policy: &[&str] = if day >= 10 {
            &NEW_POLICY
        } else {
            &POLICY_LINES
        };
        for org in ["Google", "Microsoft", "Small"] {
            put(d, org, day, Some(policy), &[]);
        }
    }
    put(d, "Small", 28, Some(&POLICY_LINES), &[]);
    let (_, v) = run_json(&[d.to_str().unwrap()]);
    let dom = &v["domains"][0];
    assert_eq!(dom["current_since"], "2026-11-10", "{dom:#}");
    assert!(
        dom["reasons"][0]
            .as_str()
            .unwrap()
            .contains("Small still applies another"),
        "{dom:#}"
    );
}

/// "others" is never ready, even when what it pools would be.
#[test]
fn the_others_domain_is_never_ready() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut r = report("Google", 1, "example.test", 10, &[]);
    let one = r["policies"][0].clone();
    r["policies"] = (0..1002)
        .map(|i| {
            let mut p = one.clone();
            p["policy"]["policy-domain"] = json!(format!("d{i:04}.example"));
            p
        })
        .collect();
    write(d, "many.json", r.to_string().as_bytes());
    let (code, v) = run_json(&[
        d.to_str().unwrap(),
        "--min-days",
        "1",
        "--min-reporters",
        "1",
    ]);
    assert_eq!(code, Some(1));
    let others = v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["domain"].as_str().unwrap().starts_with("(others"))
        .unwrap()
        .clone();
    assert_eq!(others["ready"], false, "{others:#}");
}

/// Eighth review: a change seen in a lagging reporter's latest report, and
/// a mode that is not one of RFC 8461's.
#[test]
fn a_lagging_reporters_change_and_invalid_modes() {
    const P3: [&str; 6] = [
        "version: STSv1",
        "mode: testing",
        "mx: mx1.example.test",
        "mx: mx2.example.test",
        "mx: mx3.example.test",
        "max_age: 86400",
    ];
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=20 {
        put(d, "Google", day, Some(&NEW_POLICY), &[]);
        if day <= 19 {
            let mut r = report("Microsoft", day, "example.test", 500, &[]);
            r["policies"][0]["policy"]["policy-string"] = json!(NEW_POLICY);
            if day == 19 {
                let mut new = r["policies"][0].clone();
                new["policy"]["policy-string"] = json!(P3);
                new["summary"]["total-successful-session-count"] = json!(20);
                r["policies"].as_array_mut().unwrap().push(new);
            }
            write(
                d,
                &format!("Microsoft-{day}.json"),
                r.to_string().as_bytes(),
            );
        }
    }
    let (code, v) = run_json(&[d.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{:#}", v["domains"][0]);
    assert!(
        v["domains"][0]["reasons"]
            .to_string()
            .contains("a newer policy")
    );
    for mode in ["mode: NONE", "Mode: none"] {
        let tmp = tempfile::tempdir().unwrap();
        let policy = [
            "version: STSv1",
            mode,
            "mx: mx1.example.test",
            "max_age: 86400",
        ];
        for day in 1..=16 {
            for org in ["Google", "Microsoft"] {
                put(tmp.path(), org, day, Some(&policy), &[]);
            }
        }
        let (code, v) = run_json(&[tmp.path().to_str().unwrap()]);
        assert_eq!(code, Some(1), "{mode}: {:#}", v["domains"][0]);
    }
}
