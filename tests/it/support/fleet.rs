//! A fleet of domains for the bulk tests of `check`: `d0.test` …
//! `d{n-1}.test` in one `test.` zone, each deployed as its [`Kind`] says,
//! all served by one HTTPS policy host (its certificate names every policy
//! host) and one shared MX host, `mx.shared.test`, reached through DNS with
//! `--policy-port` / `--smtp-port`.

use std::path::PathBuf;

use super::world::ca;
use super::{DnsServer, Fault, HttpBehaviour, HttpsServer, SmtpBehaviour, SmtpServer, localhost};

/// How one domain of the fleet is deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Everything right: the verdict is pass.
    Pass,
    /// No TLS-RPT record: `tlsrpt.present` warns.
    Warn,
    /// No `_mta-sts` record: `record.present` fails.
    Fail,
    /// An `_mta-sts` record holding a comma, quotes, CR, LF and an escape
    /// sequence: `record.syntax` fails and quotes it.
    Hostile,
    /// Healthy, but every DNS answer about it comes 2 s late.
    Slow,
    /// Its DNS server never answers for it: it takes `--timeout` (the
    /// tests set it long), time for the others to finish first.
    Hanging,
}

/// The hostile record as the zone file writes it: the control characters
/// raw inside the quotes (the zone parser of the test server mistakes
/// RFC 1035's `\DDD` escapes).
pub const HOSTILE_TXT: &str = "\"v=STSv1; id=x,\\\"y\\\"\r\n\x1b[31m=cmd()\"";

pub struct Fleet {
    pub dns: DnsServer,
    pub https: HttpsServer,
    pub smtp: SmtpServer,
    /// `d0.test` …, in input order.
    pub names: Vec<String>,
    /// The names, one per line, for `--file`.
    pub list: PathBuf,
    /// `check` and the flags that reach the fleet; no format, no domains.
    pub args: Vec<String>,
    pub dir: tempfile::TempDir,
}

impl Fleet {
    /// `self.args`, `--file LIST`, then `extra`.
    pub fn args(&self, extra: &[&str]) -> Vec<String> {
        let mut args = self.args.clone();
        args.push("--file".into());
        args.push(self.list.display().to_string());
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    }

    /// Writes another list (other names, another order) next to the first.
    pub fn write_list(&self, file: &str, names: &[String]) -> PathBuf {
        let path = self.dir.path().join(file);
        std::fs::write(&path, names.join("\n") + "\n").unwrap();
        path
    }
}

pub fn fleet(kinds: &[Kind], timeout: &str) -> Fleet {
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca().write_pem(dir.path());
    let mut zone = String::from(
        "$ORIGIN test.\n\
         $TTL 300\n\
         @ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n\
         @ IN NS ns.test.\n\
         ns IN A 127.0.0.1\n\
         mx.shared IN A 127.0.0.1\n",
    );
    let mut dns = DnsServer::builder();
    let mut names = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        let d = format!("d{i}");
        zone.push_str(&format!(
            "{d} IN MX 10 mx.shared.test.\nmta-sts.{d} IN A 127.0.0.1\n"
        ));
        match kind {
            Kind::Fail => {}
            Kind::Hostile => {
                zone.push_str(&format!("_mta-sts.{d} IN TXT {HOSTILE_TXT}\n"));
            }
            _ => zone.push_str(&format!(
                "_mta-sts.{d} IN TXT \"v=STSv1; id=20261128195300Z\"\n"
            )),
        }
        if *kind != Kind::Warn {
            zone.push_str(&format!(
                "_smtp._tls.{d} IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@{d}.test\"\n"
            ));
        }
        let fault = match kind {
            Kind::Hanging => Some(Fault::Drop),
            Kind::Slow => Some(Fault::Delay(std::time::Duration::from_secs(2))),
            _ => None,
        };
        if let Some(fault) = fault {
            for name in [
                format!("{d}.test"),
                format!("_mta-sts.{d}.test"),
                format!("_smtp._tls.{d}.test"),
                format!("mta-sts.{d}.test"),
            ] {
                dns = dns.fault(&name, None, fault);
            }
        }
        names.push(format!("{d}.test"));
    }
    let dns = dns.zone("test.", &zone).start_now();
    let policy_hosts: Vec<String> = names.iter().map(|n| format!("mta-sts.{n}")).collect();
    let hosts: Vec<&str> = policy_hosts.iter().map(String::as_str).collect();
    let https = super::world::now(HttpsServer::start(
        localhost(),
        &ca().leaf(&hosts),
        HttpBehaviour::policy(
            "version: STSv1\r\nmode: enforce\r\nmx: mx.shared.test\r\nmax_age: 604800\r\n",
        ),
    ));
    let smtp = super::world::now(SmtpServer::start(
        localhost(),
        "mx.shared.test",
        Some(&ca().leaf(&["mx.shared.test"])),
        SmtpBehaviour::Normal,
    ));
    let list = dir.path().join("domains.txt");
    std::fs::write(&list, names.join("\n") + "\n").unwrap();
    let args = vec![
        "check".to_string(),
        "--resolver".into(),
        dns.resolver_arg(),
        "--ca-file".into(),
        ca_file.display().to_string(),
        "--timeout".into(),
        timeout.into(),
        "--policy-port".into(),
        https.port().to_string(),
        "--smtp-port".into(),
        smtp.port().to_string(),
    ];
    Fleet {
        dns,
        https,
        smtp,
        names,
        list,
        args,
        dir,
    }
}
