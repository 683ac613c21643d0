//! `report` and RFC 8460 §3: a report that came by mail counts only with a
//! valid DKIM signature of its reporting domain (the domain of its
//! `contact-info`), without `l=`. The mails are signed here with Ed25519
//! test keys whose public halves the test world's DNS server publishes,
//! and read through the real binary with `--resolver` pointing at it.

use std::path::Path;

use mail_auth::common::crypto::Ed25519Key;
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::DkimSigner;
use serde_json::{Value, json};

use crate::report::{base64, eml, report, write};
use crate::support::{DnsServer, Fault, mtasts};

/// A signing key of one domain and selector.
pub struct Signer {
    pkcs8: Vec<u8>,
    pub domain: String,
    pub selector: String,
}

impl Signer {
    pub fn new(domain: &str, selector: &str) -> Signer {
        Signer {
            pkcs8: Ed25519Key::generate_pkcs8().unwrap(),
            domain: domain.into(),
            selector: selector.into(),
        }
    }

    fn key(&self) -> Ed25519Key {
        Ed25519Key::from_pkcs8_der(&self.pkcs8).unwrap()
    }

    /// The key's TXT record, as a line of the zone of [`Signer::domain`].
    pub fn record(&self) -> String {
        format!(
            "{}._domainkey IN TXT \"v=DKIM1; k=ed25519; s=tlsrpt; p={}\"\n",
            self.selector,
            base64(&self.key().public_key())
        )
    }

    /// `mail` with a DKIM-Signature field in front; `body_length`: with
    /// `l=`.
    pub fn sign(&self, mail: &[u8], body_length: bool) -> Vec<u8> {
        let signature = DkimSigner::from_key(self.key())
            .domain(&self.domain)
            .selector(&self.selector)
            .headers(["From", "To", "Subject", "MIME-Version", "Content-Type"])
            .body_length(body_length)
            .sign(mail)
            .unwrap();
        let mut signed = signature.to_header().into_bytes();
        signed.extend_from_slice(mail);
        signed
    }
}

/// A DNS server with the keys of `signers`, each in its domain's zone,
/// answering SERVFAIL for the names in `faults`.
pub fn dns_with(signers: &[&Signer], faults: &[&str]) -> DnsServer {
    dns_faulty(signers, faults, Fault::ServFail)
}

fn dns_faulty(signers: &[&Signer], faults: &[&str], fault: Fault) -> DnsServer {
    let mut zones: Vec<(String, String)> = Vec::new();
    for s in signers {
        let origin = format!("{}.", s.domain);
        match zones.iter_mut().find(|(o, _)| *o == origin) {
            Some((_, text)) => text.push_str(&s.record()),
            None => zones.push((origin, s.record())),
        }
    }
    let mut dns = DnsServer::builder();
    for (origin, text) in &zones {
        dns = dns.zone(origin, text);
    }
    for name in faults {
        dns = dns.fault(name, None, fault);
    }
    dns.start_now()
}

/// One day's report by `org`, whose contact-info is at `contact_domain`.
fn by(org: &str, contact_domain: &str, day: u32, ok: u64) -> Value {
    let mut r = report(org, day, "example.test", ok, &[]);
    r["contact-info"] = json!(format!("tlsrpt@{contact_domain}"));
    r
}

/// A report mail whose report part is plain JSON, so that a test can
/// change a number in it.
fn eml_json(r: &Value) -> Vec<u8> {
    format!(
        "From: tlsrpt@reporter.test\r\nTo: tlsrpt@example.test\r\nSubject: Report Domain: example.test\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain\r\n\r\nThis is an aggregate TLS report.\r\n\r\n\
         --b1\r\nContent-Type: application/tlsrpt+json\r\n\r\n{r}\r\n--b1--\r\n"
    )
    .into_bytes()
}

fn run(dns: &DnsServer, args: &[&str], paths: &[&Path]) -> (Option<i32>, Value) {
    let out = mtasts()
        .args(["report", "--json", "--timeout", "3", "--resolver"])
        .arg(dns.addr.to_string())
        .args(args)
        .args(paths)
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

/// The code each ignored report was ignored for, by the file it was in.
fn ignored(v: &Value) -> Vec<(String, String)> {
    let mut got: Vec<(String, String)> = v["trust"]["ignored_reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let source = i["source"].as_str().unwrap();
            // "DIR/FILE (part N)" or "DIR/FILE: PART NAME".
            let path = source.split(" (").next().unwrap();
            let file = Path::new(path.split(": ").next().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (file, i["code"].as_str().unwrap().to_string())
        })
        .collect();
    got.sort();
    got
}

/// Each way a mail can fail to be the reporting domain's, told apart;
/// only the valid one counts, beside the bare JSON file.
#[test]
fn only_reports_signed_by_their_reporting_domain_count() {
    let google = Signer::new("google.com", "s1");
    let evil = Signer::new("evil.test", "s1");
    let unpublished = Signer::new("google.com", "rotated");
    let broken_dns = Signer::new("servfail.test", "s1");
    let dns = dns_with(&[&google, &evil], &["s1._domainkey.servfail.test"]);
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mail = |day, ok| eml_json(&by("Google", "google.com", day, ok));

    write(d, "valid.eml", &google.sign(&mail(1, 10), false));
    write(d, "other-domain.eml", &evil.sign(&mail(2, 1000), false));
    let changed = String::from_utf8(google.sign(&mail(3, 10), false))
        .unwrap()
        .replace(
            "\"total-successful-session-count\":10",
            "\"total-successful-session-count\":9999",
        );
    assert!(changed.contains(":9999"));
    write(d, "changed.eml", changed.as_bytes());
    write(d, "length.eml", &google.sign(&mail(4, 1000), true));
    write(d, "unsigned.eml", &mail(5, 1000));
    write(d, "no-key.eml", &unpublished.sign(&mail(6, 1000), false));
    write(
        d,
        "servfail.eml",
        &broken_dns.sign(&eml_json(&by("Broken", "servfail.test", 7, 1000)), false),
    );
    // Signed by the parent of the reporting domain: counts.
    write(
        d,
        "parent.eml",
        &google.sign(&eml_json(&by("Google", "corp.google.com", 8, 100)), false),
    );
    write(
        d,
        "bare.json",
        by("Microsoft", "microsoft.com", 1, 1)
            .to_string()
            .as_bytes(),
    );

    let (_, v) = run(&dns, &[], &[d]);
    assert_eq!(
        ignored(&v),
        [
            ("changed.eml".to_string(), "bad-signature".to_string()),
            ("length.eml".into(), "body-length".into()),
            ("no-key.eml".into(), "key-not-found".into()),
            ("other-domain.eml".into(), "wrong-domain".into()),
            ("servfail.eml".into(), "dns-error".into()),
            ("unsigned.eml".into(), "no-signature".into()),
        ]
    );
    let trust = &v["trust"];
    assert_eq!(
        (
            &trust["verified"],
            &trust["from_files"],
            &trust["unchecked"],
            &trust["ignored"]
        ),
        (&json!(2), &json!(1), &json!(0), &json!(6))
    );
    // Only the valid mails and the file are counted.
    assert_eq!(v["reports"], 3);
    let domain = &v["domains"][0];
    assert_eq!(domain["sessions"]["sts"]["successful"], 111);
    assert_eq!(domain["reporters"], json!(["Google", "Microsoft"]));
    let reasons: Vec<&str> = trust["ignored_reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["reason"].as_str().unwrap())
        .collect();
    let all = reasons.join("\n");
    for needle in [
        "signed by evil.test, not by the reporting domain google.com",
        "the body was changed after it was signed",
        "covers only part of the body (l=)",
        "no DKIM key at rotated._domainkey.google.com",
        "the DKIM key of servfail.test could not be looked up",
        "no DKIM signature",
    ] {
        assert!(all.contains(needle), "{needle}: {all}");
    }

    // Vouched for: everything counts, nothing is looked up.
    let (_, v) = run(&dns, &["--trust-unsigned"], &[d]);
    assert_eq!(v["trust"]["unchecked"], 8);
    assert_eq!(v["trust"]["ignored"], 0);
    assert_eq!(v["reports"], 9);
}

/// The attack RFC 8460 §3 closes: forged, unsigned mail claiming clean
/// sessions from a second reporter cannot make a domain ready.
#[test]
fn forged_reports_cannot_make_a_domain_ready() {
    let google = Signer::new("google.com", "s1");
    let dns = dns_with(&[&google], &[]);
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in 1..=14 {
        let real = eml(&by("Google", "google.com", day, 100));
        write(d, &format!("google-{day}.eml"), &google.sign(&real, false));
        let forged = eml(&by("Microsoft", "microsoft.com", day, 5000));
        write(d, &format!("forged-{day}.eml"), &forged);
    }
    let (code, v) = run(&dns, &[], &[d]);
    assert_eq!(code, Some(1));
    let domain = &v["domains"][0];
    assert_eq!(domain["ready"], false);
    assert_eq!(domain["reporters"], json!(["Google"]));
    assert_eq!(v["trust"]["verified"], 14);
    assert_eq!(v["trust"]["ignored"], 14);

    // What a person reads.
    let out = mtasts()
        .args(["report", "--color", "never", "--timeout", "3", "--resolver"])
        .arg(dns.addr.to_string())
        .arg(d)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("DKIM: 14 reports from mail signed by their reporting domain; 14 reports from mail ignored: no valid DKIM signature of their reporting domain (below)\n"),
        "{text}"
    );
    // One line for the reporter's 14, naming the first.
    let ignored: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("ignored: "))
        .collect();
    assert_eq!(ignored.len(), 1, "{text}");
    assert!(
        ignored[0].starts_with("ignored: 14 reports by Microsoft, the first ")
            && ignored[0].contains(
                "forged-1.eml: microsoft-example.test-1.json.gz (Microsoft-example.test-1): no DKIM signature"
            ),
        "{text}"
    );

    // With --trust-unsigned, the mail a trusted system verified counts.
    let (code, v) = run(&dns, &["--trust-unsigned"], &[d]);
    assert_eq!(code, Some(0));
    assert_eq!(v["domains"][0]["ready"], true);
    assert_eq!(v["trust"]["unchecked"], 28);
}

/// A key that cannot be looked up (a server that never answers) is asked
/// for about once per run, not once per mail: a mailbox of reports with no
/// network does not take a timeout per report.
#[test]
fn a_key_that_cannot_be_looked_up_is_asked_for_once_per_run() {
    let silent = Signer::new("silent.test", "s1");
    let dns = dns_faulty(&[&silent], &["s1._domainkey.silent.test"], Fault::Drop);
    let tmp = tempfile::tempdir().unwrap();
    for day in 1..=24 {
        let mail = eml(&by("Silent", "silent.test", day, 10));
        write(
            tmp.path(),
            &format!("{day}.eml"),
            &silent.sign(&mail, false),
        );
    }
    let started = std::time::Instant::now();
    let out = mtasts()
        .args(["report", "--json", "--timeout", "1", "--resolver"])
        .arg(dns.addr.to_string())
        .arg(tmp.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["trust"]["ignored"], 24);
    assert!(
        ignored(&v).iter().all(|(_, code)| code == "dns-error"),
        "{v:#}"
    );
    // Only the workers that asked at the same time, before the first
    // timeout was known, asked (at most 8 read files at once).
    let asked = dns.queries_for("s1._domainkey.silent.test", 16);
    assert!((1..=8).contains(&asked), "{asked} lookups");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

/// A report file carries no signature: it is counted, and the summary
/// says that it could not be verified.
#[test]
fn report_files_are_counted_and_said_to_be_unverified() {
    let tmp = tempfile::tempdir().unwrap();
    let r = by("Google", "google.com", 1, 10);
    write(tmp.path(), "r.json", r.to_string().as_bytes());
    let out = mtasts()
        .args(["report", "--color", "never"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("1 report from 1 file (0 duplicates ignored, 0 unreadable)\nDKIM: 1 report read from .json files, which carry no signature to verify\n\n"),
        "{text}"
    );
}
