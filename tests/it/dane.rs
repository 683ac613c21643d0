//! The DANE checks end to end: a root zone signed here with a test key,
//! given to `check` as `--trust-anchor`, delegating to an unsigned zone;
//! SMTP servers presenting certificates of the test CA; the real binary,
//! read in JSON and in human output.

use std::sync::Arc;

use hickory_server::proto::rr::RecordType;
use serde_json::Value;
use sha2::{Digest, Sha256};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::support::dnssec::{Breakage, TestKey, signed_zone, unsigned_zone};
use crate::support::world::{Spec, ca, now, run};
use crate::support::{DnsServer, Leaf, SmtpBehaviour, SmtpServer, localhost, mtasts};

/// `3 1 1` data: SHA-256 of the certificate's SubjectPublicKeyInfo, hex.
fn spki_sha256(der: &[u8]) -> String {
    let (_, cert) = X509Certificate::from_der(der).expect("certificate");
    hex(&Sha256::digest(cert.tbs_certificate.subject_pki.raw))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The cases, one domain each, with MX host `mx.<domain>`.
const DOMAINS: [&str; 11] = [
    "ee.test",
    "lone.test",
    "ta.test",
    "mismatch.test",
    "pkix.test",
    "malformed.test",
    "bogus.test",
    "expired.test",
    "nostarttls.test",
    "notlsa.test",
    "plain.test",
];

/// The signed world: DNS, SMTP servers, and the arguments that reach them.
struct DaneWorld {
    _dns: DnsServer,
    _smtp: Vec<SmtpServer>,
    _dir: tempfile::TempDir,
    args: Vec<String>,
}

fn dane_world(ds_anchor: bool) -> DaneWorld {
    let ca = ca();
    let leaf = |d: &str| ca.leaf(&[&format!("mx.{d}")]);
    let leaves: Vec<(String, Leaf)> = DOMAINS
        .iter()
        .map(|d| {
            let l = if *d == "ta.test" {
                ca.leaf_via_intermediate(&["mx.ta.test"], true)
            } else {
                leaf(d)
            };
            (format!("mx.{d}"), l)
        })
        .collect();
    let der = |d: &str| -> &[u8] {
        let host = format!("mx.{d}");
        leaves.iter().find(|(h, _)| *h == host).unwrap().1.chain[0].as_ref()
    };
    let stranger = ca.leaf(&["elsewhere.test"]);
    let next = spki_sha256(stranger.chain[0].as_ref());
    let ta = leaves.iter().find(|(h, _)| h == "mx.ta.test").unwrap();
    let intermediate = spki_sha256(ta.1.chain[1].as_ref());

    let mut root = String::from(
        "@ IN SOA ns.root.test. hostmaster.root.test. 1 3600 600 86400 60\n\
         @ IN NS ns.root.test.\n\
         ns.root.test. IN A 127.0.0.1\n\
         plain.test. IN NS ns.plain.test.\n\
         ns.plain.test. IN A 127.0.0.1\n",
    );
    for d in DOMAINS.iter().filter(|d| **d != "plain.test") {
        root.push_str(&format!("{d}. IN MX 10 mx.{d}.\nmx.{d}. IN A 127.0.0.1\n"));
    }
    let tlsa = |d: &str, rdata: &str| format!("_25._tcp.mx.{d}. IN TLSA {rdata}\n");
    root.push_str(&tlsa(
        "ee.test",
        &format!("3 1 1 {}", spki_sha256(der("ee.test"))),
    ));
    root.push_str(&tlsa("ee.test", &format!("3 1 1 {next}")));
    root.push_str(&tlsa(
        "lone.test",
        &format!("3 1 1 {}", spki_sha256(der("lone.test"))),
    ));
    root.push_str(&tlsa("ta.test", &format!("2 1 1 {intermediate}")));
    root.push_str(&tlsa("mismatch.test", &format!("3 1 1 {next}")));
    root.push_str(&tlsa("mismatch.test", &format!("2 1 1 {next}")));
    root.push_str(&tlsa(
        "pkix.test",
        &format!("0 1 1 {}", spki_sha256(ca.der().as_ref())),
    ));
    // Records no sender can read: a digest cut short, an undefined
    // matching type. DNS serves them all the same.
    let own = spki_sha256(der("malformed.test"));
    root.push_str(&tlsa("malformed.test", &format!("3 1 1 {}", &own[..62])));
    root.push_str(&tlsa("malformed.test", &format!("3 1 7 {own}")));
    for d in ["bogus.test", "expired.test", "nostarttls.test"] {
        root.push_str(&tlsa(d, &format!("3 1 1 {}", spki_sha256(der(d)))));
        root.push_str(&tlsa(d, &format!("3 1 1 {next}")));
    }
    let key = TestKey::new();
    let root = signed_zone(
        ".",
        &root,
        &key,
        &[
            ("bogus.test.", RecordType::MX, Breakage::Corrupt),
            (
                "_25._tcp.mx.bogus.test.",
                RecordType::TLSA,
                Breakage::Corrupt,
            ),
            (
                "_25._tcp.mx.expired.test.",
                RecordType::TLSA,
                Breakage::Expire,
            ),
        ],
    );
    let plain = unsigned_zone(
        "plain.test.",
        &format!(
            "@ IN MX 10 mx.plain.test.\nmx IN A 127.0.0.1\n_25._tcp.mx IN TLSA 3 1 1 {}\n",
            spki_sha256(der("plain.test"))
        ),
    );
    let root: Arc<dyn hickory_server::zone_handler::ZoneHandler> = Arc::new(root);
    let dns = DnsServer::builder()
        .handler(".", root.clone())
        .ds_handler(".", root)
        .handler("plain.test.", Arc::new(plain))
        .start_now();

    let by_name: Vec<(&str, &Leaf)> = leaves.iter().map(|(h, l)| (h.as_str(), l)).collect();
    let tls = SmtpServer::start_with_config(
        localhost(),
        "mx.dane.test",
        Some(Leaf::server_config_by_name(&by_name)),
        SmtpBehaviour::Normal,
        std::time::Duration::ZERO,
    );
    let plain_smtp = now(SmtpServer::start(
        localhost(),
        "mx.nostarttls.test",
        None,
        SmtpBehaviour::NoStartTls,
    ));

    let dir = tempfile::tempdir().unwrap();
    let anchor = dir.path().join("anchor.zone");
    let text = if ds_anchor {
        key.ds_anchor(".")
    } else {
        key.dnskey_anchor(".")
    };
    std::fs::write(&anchor, format!("; the test root\n{text}")).unwrap();
    let ca_file = ca.write_pem(dir.path());
    let mut args: Vec<String> = vec![
        "check".into(),
        "--resolver".into(),
        dns.addr.to_string(),
        "--trust-anchor".into(),
        anchor.display().to_string(),
        "--ca-file".into(),
        ca_file.display().to_string(),
        "--timeout".into(),
        "3".into(),
    ];
    for d in DOMAINS {
        let server = if d == "nostarttls.test" {
            &plain_smtp
        } else {
            &tls
        };
        args.push("--connect-to".into());
        args.push(server.connect_to(&format!("mx.{d}")));
    }
    DaneWorld {
        _dns: dns,
        _smtp: vec![tls, plain_smtp],
        _dir: dir,
        args,
    }
}

/// The status and message of `id` for `domain` in a `--json` document.
fn finding<'a>(json: &'a Value, domain: &str, id: &str) -> (&'a str, &'a str) {
    let entry = json["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"] == domain)
        .unwrap_or_else(|| panic!("no {domain}"));
    let f = entry["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} for {domain}"));
    (
        f["status"].as_str().unwrap(),
        f["message"].as_str().unwrap(),
    )
}

/// What each case must report: (domain, dane.mx_secure, dane.tlsa, a
/// word the dane.tlsa message holds).
const EXPECTED: [(&str, &str, &str, &str); 11] = [
    (
        "ee.test",
        "pass",
        "pass",
        "matches the certificate on every address",
    ),
    ("lone.test", "pass", "warn", "only record"),
    ("ta.test", "pass", "pass", "TLSA 2 1 1"),
    (
        "mismatch.test",
        "pass",
        "fail",
        "no usable TLSA record matches",
    ),
    ("pkix.test", "pass", "warn", "only usages 0/1"),
    (
        "malformed.test",
        "pass",
        "warn",
        "matching type 1 takes 32 bytes of data, not 31; 3 1 7 ",
    ),
    ("bogus.test", "fail", "fail", "bogus"),
    ("expired.test", "pass", "fail", "expired at"),
    ("nostarttls.test", "pass", "fail", "no STARTTLS"),
    (
        "notlsa.test",
        "pass",
        "info",
        "no TLSA records at _25._tcp.mx.notlsa.test",
    ),
    ("plain.test", "info", "info", "are ignored"),
];

fn check_json(w: &DaneWorld) -> Value {
    let out = mtasts()
        .args(&w.args)
        .arg("--json")
        .args(DOMAINS)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn each_dane_case_is_judged_in_json() {
    let w = dane_world(false);
    let json = check_json(&w);
    for (domain, mx, tlsa, word) in EXPECTED {
        let (s, m) = finding(&json, domain, "dane.mx_secure");
        assert_eq!(s, mx, "{domain} dane.mx_secure: {m}");
        let (s, m) = finding(&json, domain, "dane.tlsa");
        assert_eq!(s, tlsa, "{domain} dane.tlsa: {m}");
        assert!(m.contains(word), "{domain} dane.tlsa: {m}");
    }
    // Where DANE-EE applies, the MTA-STS view of the certificate says how
    // DANE senders see it; elsewhere it does not.
    let (_, m) = finding(&json, "ee.test", "smtp.certificate");
    assert!(m.contains("DANE-EE applies"), "{m}");
    let (_, m) = finding(&json, "ta.test", "smtp.certificate");
    assert!(!m.contains("DANE"), "{m}");
    // The record that matched is named; the mismatch says what would.
    let (_, m) = finding(&json, "ee.test", "dane.tlsa");
    assert!(m.contains("TLSA 3 1 1"), "{m}");
    // An expired signature is bogus like a corrupted one, and says when it
    // expired; the MX RRset beside it, signed in date, stays secure.
    let (_, m) = finding(&json, "expired.test", "dane.tlsa");
    assert!(m.contains("_25._tcp.mx.expired.test are bogus"), "{m}");
    assert!(
        m.contains("its signatures expired at") && m.contains("days ago"),
        "{m}"
    );
    let (_, m) = finding(&json, "bogus.test", "dane.tlsa");
    assert!(
        !m.contains("expired at") && m.contains("not made by the zone's published keys"),
        "{m}"
    );
}

#[test]
fn a_ds_trust_anchor_validates_like_a_dnskey() {
    let w = dane_world(true);
    let json = check_json(&w);
    assert_eq!(finding(&json, "ee.test", "dane.tlsa").0, "pass");
    assert_eq!(finding(&json, "bogus.test", "dane.mx_secure").0, "fail");
    assert_eq!(finding(&json, "plain.test", "dane.mx_secure").0, "info");
}

#[test]
fn each_dane_case_is_shown_to_people() {
    let w = dane_world(false);
    let out = mtasts()
        .args(&w.args)
        .args(["--verbose", "--color", "never"])
        .args(DOMAINS)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    if std::env::var_os("MTASTS_SHOW_OUTPUT").is_some() {
        eprintln!("{text}");
    }
    for (domain, mx, tlsa, word) in EXPECTED {
        let block = text
            .split("\n\n")
            .find(|b| b.starts_with(&format!("{domain} ")))
            .unwrap_or_else(|| panic!("no {domain} in {text}"));
        let line = |id: &str| {
            block
                .lines()
                .find(|l| l.contains(id))
                .unwrap_or_else(|| panic!("no {id} line for {domain}: {block}"))
                .to_string()
        };
        // The status mark the human output puts before each id.
        let mark = |status: &str| match status {
            "pass" => "✓",
            "warn" => "!",
            "fail" => "✗",
            "info" => "i",
            _ => "-",
        };
        let l = line("dane.mx_secure");
        assert!(l.trim_start().starts_with(mark(mx)), "{domain}: {l}");
        let l = line("dane.tlsa");
        assert!(l.trim_start().starts_with(mark(tlsa)), "{domain}: {l}");
        assert!(block.contains(word), "{domain}: {block}");
    }
}

#[test]
fn a_bad_trust_anchor_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("", "holds no DS or DNSKEY record"),
        ("example.test. IN A 192.0.2.1\n", "only DS and DNSKEY"),
        ("-----BEGIN CERTIFICATE-----\n", "not in zone-file syntax"),
    ];
    for (i, (text, needle)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("anchor{i}"));
        std::fs::write(&path, text).unwrap();
        crate::support::usage_error(
            &[
                "check",
                "--trust-anchor",
                path.to_str().unwrap(),
                "example.test",
            ],
            &["--trust-anchor", needle],
        );
    }
    let missing = dir.path().join("missing");
    crate::support::usage_error(
        &[
            "check",
            "--trust-anchor",
            missing.to_str().unwrap(),
            "example.test",
        ],
        &["cannot read --trust-anchor"],
    );
}

#[test]
fn a_deployment_without_dnssec_keeps_its_pass() {
    // The healthy example.test, delegated without DS from a signed root.
    let key = TestKey::new();
    let root = signed_zone(
        ".",
        "@ IN SOA ns.root.test. hostmaster.root.test. 1 3600 600 86400 60\n\
         @ IN NS ns.root.test.\n\
         ns.root.test. IN A 127.0.0.1\n\
         example.test. IN NS ns.example.test.\n\
         ns.example.test. IN A 127.0.0.1\n",
        &key,
        &[],
    );
    let dir = tempfile::tempdir().unwrap();
    let anchor = dir.path().join("root.key");
    std::fs::write(&anchor, key.dnskey_anchor(".")).unwrap();
    let spec = Spec {
        dns_root: Some(Arc::new(root)),
        args: vec!["--trust-anchor".into(), anchor.display().to_string()],
        ..Spec::default()
    };
    let r = run(spec);
    assert_eq!(
        r.verdict(),
        "pass",
        "{}",
        serde_json::to_string_pretty(&r.json).unwrap()
    );
    assert_eq!(r.code, Some(0));
    assert_eq!(r.status("dane.mx_secure", None), "info");
    assert!(r.message("dane.mx_secure", None).contains("insecure"));
    for host in ["mx1.example.test", "mx2.backup.example.test"] {
        assert_eq!(
            r.status("dane.tlsa", Some(host)),
            "info",
            "{}",
            r.message("dane.tlsa", Some(host))
        );
    }
}

#[test]
fn without_a_chain_to_the_anchor_the_dane_checks_skip_and_say_why() {
    // The plain test world serves no root: nothing can be validated, which
    // is the resolver's doing, not the domain's.
    let r = run(Spec::default());
    assert_eq!(r.verdict(), "pass");
    assert_eq!(r.status("dane.mx_secure", None), "skip");
    let m = r.message("dane.mx_secure", None);
    assert!(
        m.contains("DNSSEC cannot be validated") && m.contains("root"),
        "{m}"
    );
    assert_eq!(r.status("dane.tlsa", Some("mx1.example.test")), "skip");
}

/// `init` on a domain whose MX RRset validates as secure adds the DANE
/// steps to CHECKLIST.md, one `gen-tlsa` line per MX host; on an unsigned
/// delegation, or without a chain to the anchor, it does not.
#[test]
fn init_adds_the_dane_steps_only_for_a_secure_mx() {
    let key = TestKey::new();
    let root = signed_zone(
        ".",
        "@ IN SOA ns.root.test. hostmaster.root.test. 1 3600 600 86400 60\n\
         @ IN NS ns.root.test.\n\
         ns.root.test. IN A 127.0.0.1\n\
         signed.test. IN MX 10 mx1.signed.test.\n\
         signed.test. IN MX 20 mx2.signed.test.\n\
         mx1.signed.test. IN A 127.0.0.1\n\
         mx2.signed.test. IN A 127.0.0.1\n\
         plain.test. IN NS ns.plain.test.\n\
         ns.plain.test. IN A 127.0.0.1\n",
        &key,
        &[],
    );
    let plain = unsigned_zone(
        "plain.test.",
        "@ IN MX 10 mx.plain.test.\nmx IN A 127.0.0.1\n",
    );
    let root: Arc<dyn hickory_server::zone_handler::ZoneHandler> = Arc::new(root);
    let dns = DnsServer::builder()
        .handler(".", root.clone())
        .ds_handler(".", root)
        .handler("plain.test.", Arc::new(plain))
        .start_now();
    let dir = tempfile::tempdir().unwrap();
    let anchor = dir.path().join("root.key");
    std::fs::write(&anchor, key.ds_anchor(".")).unwrap();
    let init = |domain: &str, anchored: bool| -> String {
        let out_dir = dir.path().join(format!("{domain}-{anchored}"));
        let mut cmd = mtasts();
        cmd.args(["init", domain, "--resolver"])
            .arg(dns.addr.to_string())
            .args(["--timeout", "3", "--out"])
            .arg(&out_dir);
        if anchored {
            cmd.arg("--trust-anchor").arg(&anchor);
        }
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(out_dir.join("CHECKLIST.md")).unwrap()
    };
    let secure = init("signed.test", true);
    assert!(
        secure.contains("## 5. DANE: your MX records are DNSSEC-signed"),
        "{secure}"
    );
    for h in ["mx1.signed.test", "mx2.signed.test"] {
        assert!(
            secure.contains(&format!("mtasts gen-tlsa --cert CERT.pem --host {h}`")),
            "{secure}"
        );
    }
    assert!(secure.contains("### Changing an MX host's key"), "{secure}");
    let unsigned = init("plain.test", true);
    assert!(!unsigned.contains("DANE"), "{unsigned}");
    // The root's keys are not this test root's: nothing validates.
    let unanchored = init("signed.test", false);
    assert!(!unanchored.contains("DANE"), "{unanchored}");
}
