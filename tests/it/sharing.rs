//! `check` on many domains at once, politely: each MX host's addresses
//! looked up once and each (MX host, address) probed once for the whole
//! run, at most `--per-address` connections open to one address, and each
//! domain bounded by `--domain-timeout` whatever its servers do.

use std::time::Duration;

use serde_json::Value;

use crate::support::world::{Spec, ca, now, run};
use crate::support::{
    DnsServer, HttpBehaviour, HttpsServer, SmtpBehaviour, SmtpServer, loopback, mtasts, usage_error,
};

const A: u16 = 1;
const AAAA: u16 = 28;

/// The checks of `domain` in a `--json` document.
fn checks<'a>(json: &'a Value, domain: &str) -> &'a Vec<Value> {
    json["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .find(|d| d["domain"] == domain)
        .unwrap_or_else(|| panic!("{domain} not reported"))["checks"]
        .as_array()
        .expect("checks")
}

fn status<'a>(checks: &'a [Value], id: &str, subject: Option<&str>) -> &'a str {
    checks
        .iter()
        .find(|c| c["id"] == id && subject.is_none_or(|s| c["subject"] == s))
        .unwrap_or_else(|| panic!("no {id} {subject:?}"))["status"]
        .as_str()
        .unwrap_or("?")
}

#[test]
fn thirty_domains_on_two_mx_hosts_probe_each_host_and_address_once() {
    const DOMAINS: usize = 30;
    // mx1 has two addresses, mx2 one: three (host, address) pairs. Every
    // server listens on one port, each on its own loopback address, and is
    // reached the way a sender reaches it, through DNS.
    let mx1_leaf = ca().leaf(&["mx1.shared.test"]);
    let mx1a = now(SmtpServer::start(
        loopback(127, 0, 3, 1),
        "mx1.shared.test",
        Some(&mx1_leaf),
        SmtpBehaviour::Normal,
    ));
    let port = mx1a.addr.port();
    let at = |ip: &str| format!("{ip}:{port}").parse().unwrap();
    let mx1b = now(SmtpServer::start(
        at("127.0.3.2"),
        "mx1.shared.test",
        Some(&mx1_leaf),
        SmtpBehaviour::Normal,
    ));
    let mx2 = now(SmtpServer::start(
        at("127.0.3.3"),
        "mx2.shared.test",
        Some(&ca().leaf(&["mx2.shared.test"])),
        SmtpBehaviour::Normal,
    ));
    let policy_hosts: Vec<String> = (0..DOMAINS).map(|i| format!("mta-sts.d{i}.test")).collect();
    let names: Vec<&str> = policy_hosts.iter().map(String::as_str).collect();
    let https = now(HttpsServer::start(
        at("127.0.3.4"),
        &ca().leaf(&names),
        HttpBehaviour::policy(
            "version: STSv1\r\nmode: enforce\r\nmx: *.shared.test\r\nmax_age: 604800\r\n",
        ),
    ));
    let mut zone = String::from(
        "$ORIGIN test.\n$TTL 300\n\
         @ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n\
         @ IN NS ns.test.\n\
         ns IN A 127.0.0.1\n\
         mx1.shared 0 IN A 127.0.3.1\n\
         mx1.shared 0 IN A 127.0.3.2\n\
         mx2.shared 0 IN A 127.0.3.3\n",
    );
    let mut domains = Vec::new();
    for i in 0..DOMAINS {
        zone.push_str(&format!(
            "d{i} IN MX 10 mx1.shared.test.\n\
             d{i} IN MX 20 mx2.shared.test.\n\
             mta-sts.d{i} IN A 127.0.3.4\n\
             _mta-sts.d{i} IN TXT \"v=STSv1; id=1\"\n\
             _smtp._tls.d{i} IN TXT \"v=TLSRPTv1; rua=mailto:r@d{i}.test\"\n"
        ));
        domains.push(format!("d{i}.test"));
    }
    // The MX hosts' records have a TTL of 0, as if their provider rotated
    // them, and the domains are checked four at a time: the addresses are
    // still looked up once for the run, by the first four domains together
    // while the lookup is under way (the answers are slow), and kept for the
    // twenty-six after them.
    let dns = DnsServer::builder()
        .zone("test.", &zone)
        .latency(Duration::from_millis(50))
        .start_now();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca().write_pem(dir.path());
    let out = mtasts()
        .args(["check", "--json", "--timeout", "5", "--concurrency", "4"])
        .args(["--resolver", &dns.addr.to_string()])
        .args(["--ca-file", ca_file.to_str().unwrap()])
        .args(["--policy-port", &port.to_string()])
        .args(["--smtp-port", &port.to_string()])
        .args(&domains)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(0), "{json:#}");
    // One connection per (host, address), for all thirty domains.
    assert_eq!(
        (mx1a.connections(), mx1b.connections(), mx2.connections()),
        (1, 1, 1)
    );
    // The policy is still fetched per domain, as senders fetch it.
    assert_eq!(https.requests(), DOMAINS);
    // Each MX host's addresses are asked for once.
    for host in ["mx1.shared.test", "mx2.shared.test"] {
        assert_eq!(dns.queries_for(host, A), 1, "{host} A");
        assert_eq!(dns.queries_for(host, AAAA), 1, "{host} AAAA");
    }
    // And every domain still has its findings for each host.
    for d in &domains {
        let c = checks(&json, d);
        for host in ["mx1.shared.test", "mx2.shared.test"] {
            for id in [
                "mx.match",
                "smtp.starttls",
                "smtp.certificate",
                "smtp.tls_version",
            ] {
                assert_eq!(status(c, id, Some(host)), "pass", "{d} {id} {host}");
            }
        }
        let tls = c
            .iter()
            .find(|c| c["id"] == "smtp.tls_version" && c["subject"] == "mx1.shared.test")
            .unwrap()["message"]
            .as_str()
            .unwrap();
        assert!(
            tls.contains("127.0.3.1") && tls.contains("127.0.3.2"),
            "{d}: both addresses of mx1: {tls}"
        );
    }
}

/// Six MX host names on one SMTP server (one address): six probes, which
/// `--per-address` lets through `n` at a time. Returns the most sessions
/// the server had open at once.
fn peak_with_per_address(n: &str, last: u8) -> usize {
    let hosts: Vec<String> = (1..=6).map(|i| format!("mx{i}.one.test")).collect();
    let names: Vec<&str> = hosts.iter().map(String::as_str).collect();
    // Slow replies, so that sessions would overlap if they were let through.
    let smtp = now(SmtpServer::start_with_latency(
        loopback(127, 0, 4, last),
        "mx.one.test",
        Some(&ca().leaf(&names)),
        SmtpBehaviour::Normal,
        Duration::from_millis(100),
    ));
    let mut zone = String::from(
        "$ORIGIN one.test.\n$TTL 300\n\
         @ IN SOA ns.one.test. hostmaster.one.test. 1 3600 600 86400 300\n\
         @ IN NS ns.one.test.\n\
         ns IN A 127.0.0.1\n",
    );
    for (i, h) in hosts.iter().enumerate() {
        zone.push_str(&format!("@ IN MX {} {h}.\n", 10 * (i + 1)));
        zone.push_str(&format!(
            "{} IN A {}\n",
            h.trim_end_matches(".one.test"),
            smtp.addr.ip()
        ));
    }
    let dns = DnsServer::builder().zone("one.test.", &zone).start_now();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca().write_pem(dir.path());
    let out = mtasts()
        .args([
            "check",
            "one.test",
            "--json",
            "--timeout",
            "5",
            "--per-address",
            n,
        ])
        .args(["--resolver", &dns.addr.to_string()])
        .args(["--ca-file", ca_file.to_str().unwrap()])
        .args(["--smtp-port", &smtp.port().to_string()])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = checks(&json, "one.test");
    for h in &hosts {
        assert_eq!(status(c, "smtp.starttls", Some(h)), "pass", "{h}: {json:#}");
    }
    assert_eq!(smtp.connections(), 6, "one probe per host name");
    smtp.peak_sessions()
}

#[test]
fn per_address_caps_the_connections_open_to_one_address() {
    assert_eq!(peak_with_per_address("1", 1), 1);
    assert_eq!(peak_with_per_address("2", 2), 2);
    // Without the cap in the way, the six would overlap: the server does
    // notice when more come at once.
    assert!(peak_with_per_address("6", 3) > 2);
}

#[test]
fn per_address_and_domain_timeout_reject_bad_values() {
    for bad in ["0", "-1", "two", "1025"] {
        usage_error(
            &["check", "example.test", &format!("--per-address={bad}")],
            &["--per-address", bad],
        );
    }
    for bad in ["0", "-5", "soon", "3601"] {
        usage_error(
            &["check", "example.test", &format!("--domain-timeout={bad}")],
            &["--domain-timeout", bad],
        );
    }
}

#[test]
fn a_tarpit_cannot_hold_a_domain_past_its_budget() {
    for tarpit in [SmtpBehaviour::StallAfterAccept, SmtpBehaviour::DripBanner] {
        let r = run(Spec {
            mx1: tarpit,
            timeout: "30",
            args: vec!["--domain-timeout".into(), "2".into()],
            ..Spec::default()
        });
        // About two seconds, far below the step timeout of 30.
        assert!(
            r.elapsed < Duration::from_secs(15),
            "{tarpit:?} took {:?}",
            r.elapsed
        );
        assert_eq!(r.code, Some(1), "{tarpit:?}: {}", r.stderr);
        assert_eq!(r.verdict(), "fail");
        // What finished is there, judged as usual.
        for id in ["record.present", "record.unique", "record.syntax"] {
            assert_eq!(r.status(id, None), "pass", "{tarpit:?} {id}");
        }
        assert_eq!(r.status("policy.syntax", None), "pass");
        assert_eq!(r.status("mx.match", Some("mx1.example.test")), "pass");
        assert_eq!(
            r.status("smtp.starttls", Some("mx2.backup.example.test")),
            "pass"
        );
        // What did not fails as timed out, saying where to look.
        for id in ["smtp.starttls", "smtp.certificate", "smtp.tls_version"] {
            let c = r.check(id, Some("mx1.example.test"));
            assert_eq!(c["status"], "fail", "{tarpit:?} {id}");
            let m = c["message"].as_str().unwrap();
            assert!(m.starts_with("timed out after 2 s: "), "{m}");
            assert!(m.contains(":25") || m.contains("127.0.0.1"), "{m}");
            assert!(
                c["fix"]
                    .as_str()
                    .unwrap()
                    .ends_with("or raise --domain-timeout"),
                "{c}"
            );
        }
        let probes = &r.domain()["mx"][0]["probes"];
        assert_eq!(probes[0]["timed_out_after_s"], 2.0, "{probes}");
    }
}
