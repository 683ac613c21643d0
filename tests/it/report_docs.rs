//! The `report` runs that README.md and docs/report.md show are real: the
//! example inputs below, through the real binary, print exactly what the
//! documents show. `MTASTS_UPDATE_README=1 cargo test --test it readme`
//! rewrites the documents' copies.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::report::{eml, gz, report, write};
use crate::support::dns::DnsServer;
use crate::support::mtasts;
use crate::trust::{Signer, dns_with};

/// The example's inputs: a Maildir (`~/Maildir/.TLS-Reports/` in the
/// documents) and a directory of saved reports (`reports/`), for two
/// domains over 16 days: contoso.com clean, fabrikam.com with a policy
/// change, failures, and a reporter that kept the old policy. The mails
/// are DKIM-signed by their reporters' domains, whose keys the test
/// world's DNS server publishes (public DNS does in real life).
pub struct Example {
    _tmp: tempfile::TempDir,
    pub maildir: PathBuf,
    pub reports: PathBuf,
    pub dns: DnsServer,
}

impl Example {
    pub fn new() -> Example {
        let tmp = tempfile::tempdir().unwrap();
        let maildir = tmp.path().join("Maildir/.TLS-Reports");
        let reports = tmp.path().join("reports");
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).unwrap();
        }
        let (microsoft, yahoo) = (
            Signer::new("microsoft.com", "selector1"),
            Signer::new("yahooinc.com", "s2048"),
        );
        write_example(&maildir, &reports, &microsoft, &yahoo);
        Example {
            _tmp: tmp,
            maildir,
            reports,
            dns: dns_with(&[&microsoft, &yahoo], &[]),
        }
    }

    /// The arguments of a documented command line (after `mtasts`), with
    /// the documents' paths replaced by the example's, and the DKIM keys
    /// looked up at the test world's DNS server.
    pub fn args(&self, line: &str) -> Vec<String> {
        let mut args: Vec<String> = line
            .split_whitespace()
            .map(|a| match a {
                "~/Maildir/.TLS-Reports/" => self.maildir.display().to_string(),
                "reports/" => self.reports.display().to_string(),
                other => other.to_string(),
            })
            .collect();
        args.extend(["--resolver".to_string(), self.dns.addr.to_string()]);
        args
    }
}

fn policy(domain: &str, mx: &[&str]) -> Vec<String> {
    let mut lines = vec!["version: STSv1".to_string(), "mode: testing".into()];
    lines.extend(mx.iter().map(|m| format!("mx: {m}.{domain}")));
    lines.push("max_age: 86400".into());
    lines
}

fn one(
    org: &str,
    day: u32,
    domain: &str,
    lines: &[String],
    ok: u64,
    fail: Option<(&str, u64)>,
) -> Value {
    let mut r = report(org, day, domain, ok, &[]);
    r["report-id"] = json!(format!("{day:02}-{}@{domain}", org.to_lowercase()));
    // The reporting domain, which signs the mail (RFC 8460 §3).
    r["contact-info"] = json!(match org {
        "Google" => "smtp-tls-reporting@google.com",
        "Microsoft" => "tlsrpt-noreply@microsoft.com",
        _ => "tlsrpt@yahooinc.com",
    });
    r["policies"][0]["policy"]["policy-string"] = json!(lines);
    r["policies"][0]["policy"]["mx-host"] = json!([format!("*.{domain}")]);
    if let Some((result, n)) = fail {
        r["policies"][0]["summary"]["total-failure-session-count"] = json!(n);
        // What the reporter said, in its own words.
        let reason = match result {
            "validation-failure" => format!("mx2.{domain} does not match any mx of the policy"),
            _ => "x509: certificate has expired or is not yet valid".to_string(),
        };
        r["policies"][0]["failure-details"] = json!([{
            "result-type": result,
            "sending-mta-ip": if org == "Google" { "209.85.220.41" } else { "40.107.22.60" },
            "receiving-mx-hostname": format!("mx2.{domain}"),
            "receiving-ip": "203.0.113.25",
            "failed-session-count": n,
            "failure-reason-code": reason,
        }]);
    }
    r
}

fn write_example(maildir: &Path, reports: &Path, microsoft_key: &Signer, yahoo_key: &Signer) {
    let (old, new) = (
        policy("fabrikam.com", &["mx1"]),
        policy("fabrikam.com", &["mx1", "mx2"]),
    );
    for day in 1..=16 {
        let contoso = policy("contoso.com", &["mx1", "mx2"]);
        let fabrikam = if day <= 4 { &old } else { &new };
        let google = [
            one("Google", day, "contoso.com", &contoso, 300, None),
            one(
                "Google",
                day,
                "fabrikam.com",
                fabrikam,
                120,
                (day <= 4).then_some(("validation-failure", 6)),
            ),
        ];
        for (i, r) in google.iter().enumerate() {
            write(
                reports,
                &format!("google.com!{i}!{day:02}.json.gz"),
                &gz(r.to_string().as_bytes()),
            );
        }
        let microsoft = [
            one("Microsoft", day, "contoso.com", &contoso, 180, None),
            one(
                "Microsoft",
                day,
                "fabrikam.com",
                fabrikam,
                90,
                (day == 12).then_some(("certificate-expired", 12)),
            ),
        ];
        for (i, r) in microsoft.iter().enumerate() {
            write(
                maildir,
                &format!("cur/17640{day:02}{i}.M1P1.mx:2,S"),
                &microsoft_key.sign(&eml(r), false),
            );
        }
        // Yahoo kept the old fabrikam.com policy: its id never changed.
        let yahoo = one("Yahoo", day, "fabrikam.com", &old, 40, None);
        write(
            maildir,
            &format!("new/17641{day:02}.M2P1.mx"),
            &yahoo_key.sign(&eml(&yahoo), false),
        );
    }
}

/// Each `$ mtasts report …` command of a ```console block of `doc`, run on
/// the example, prints what the block shows after it (or the document is
/// rewritten with what it prints, under `MTASTS_UPDATE_README`). Returns
/// how many runs the document shows.
fn runs_shown_are_real(doc: &str, example: &Example) -> usize {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(doc);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut updated = String::new();
    let mut stale = Vec::new();
    let mut rest = text.as_str();
    let mut runs = 0;
    let opening = "```console\n$ mtasts report ";
    while let Some(at) = rest.find(opening) {
        let line_start = at + "```console\n$ mtasts ".len();
        let line_end = line_start + rest[line_start..].find('\n').unwrap();
        let command = &rest[line_start..line_end];
        let block_end = line_end + 1 + rest[line_end + 1..].find("```").unwrap();
        let out = mtasts()
            .args(example.args(command))
            .args(["--color", "never"])
            .output()
            .unwrap();
        let shown = String::from_utf8(out.stdout).unwrap();
        assert!(
            !shown.is_empty(),
            "{doc}: `mtasts {command}` printed nothing: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if rest[line_end + 1..block_end] != shown {
            stale.push(command.to_string());
        }
        updated.push_str(&rest[..=line_end]);
        updated.push_str(&shown);
        rest = &rest[block_end..];
        runs += 1;
    }
    updated.push_str(rest);
    if std::env::var_os("MTASTS_UPDATE_README").is_some() {
        std::fs::write(&path, updated).unwrap();
        return runs;
    }
    assert!(
        stale.is_empty(),
        "{doc} shows stale output of {stale:?}: run `MTASTS_UPDATE_README=1 cargo test --test it readme`"
    );
    runs
}

/// The README's example and every run docs/report.md shows are real runs.
#[test]
fn readme_and_docs_report_runs_are_real() {
    let example = Example::new();
    assert_eq!(runs_shown_are_real("README.md", &example), 1);
    assert!(runs_shown_are_real("docs/report.md", &example) >= 1);
}
