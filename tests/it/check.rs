//! `mtasts check` end to end: the real binary against real servers on
//! loopback (DNS, HTTPS policy hosts, SMTP with STARTTLS) and a test CA.
//! Each test builds a small world, breaks one thing, and reads `--json`.

use std::time::Duration;

use mtasts::check::catalogue::{CheckId, Family, Scope};
use serde_json::Value;

use crate::support::world::{POLICY, Spec, ca, now, run, world, zone};
use crate::support::{
    DnsServer, Fault, HttpBehaviour, HttpsServer, SmtpBehaviour, SmtpServer, mtasts,
    untrusted_leaf, usage_error,
};

const MX1: Option<&str> = Some("mx1.example.test");
const MX2: Option<&str> = Some("mx2.backup.example.test");

// ------------------------------------------------------------ the healthy world

#[test]
fn a_healthy_deployment_passes_every_check() {
    let r = run(Spec::default());
    assert_eq!(
        r.code,
        Some(0),
        "{}",
        serde_json::to_string_pretty(&r.json).unwrap()
    );
    assert_eq!(r.verdict(), "pass");
    assert_eq!(r.domain()["domain"], "example.test");
    // The DANE checks are listed too; without a signed root in this world
    // they skip (tests/it/dane.rs judges them).
    let (per_host, per_domain): (Vec<CheckId>, Vec<CheckId>) = CheckId::ALL
        .into_iter()
        .filter(|c| c.always_reported() && c.family() != Family::Dane)
        .partition(|c| c.scope() == Scope::Host);
    assert_eq!(r.status("dane.mx_secure", None), "skip");
    for host in [MX1, MX2] {
        assert_eq!(r.status("dane.tlsa", host), "skip");
    }
    for id in per_domain.iter().map(|c| c.as_str()) {
        assert_eq!(r.status(id, None), "pass", "{id}: {}", r.message(id, None));
    }
    for host in [MX1, MX2] {
        for id in per_host.iter().map(|c| c.as_str()) {
            assert_eq!(
                r.status(id, host),
                "pass",
                "{id} {host:?}: {}",
                r.message(id, host)
            );
        }
    }
    assert!(r.message("mx.match", MX2).contains("*.backup.example.test"));
    assert!(
        r.message("smtp.tls_version", MX1).contains("TLSv1.3"),
        "{}",
        r.message("smtp.tls_version", MX1)
    );
    assert!(
        r.message("record.present", None)
            .contains("v=STSv1; id=20261128195300Z")
    );
    // Per-host ids carry the host as subject; domain-level ones none.
    assert!(r.check("record.present", None).get("subject").is_none());
    assert_eq!(r.domain()["checks"].as_array().unwrap().len(), 16 + 2 * 5);
    assert_eq!(r.https.requests(), 1);
    assert!(
        r.stderr.is_empty(),
        "nothing on stderr when it is not a terminal: {}",
        r.stderr
    );
}

#[test]
fn no_smtp_skips_the_probes() {
    let r = run(Spec {
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    });
    assert_eq!(r.code, Some(0));
    for id in ["smtp.starttls", "smtp.certificate", "smtp.tls_version"] {
        assert_eq!(r.status(id, MX1), "skip");
        assert_eq!(r.status(id, MX2), "skip");
    }
    assert_eq!(r.status("mx.match", MX1), "pass");
    assert!(
        r.smtp.iter().all(|s| s.connections() == 0),
        "--no-smtp must not connect"
    );
}

#[test]
fn upper_case_input_with_a_trailing_dot_is_normalised() {
    let r = run(Spec {
        input: Some("EXAMPLE.Test.".into()),
        ..Spec::default()
    });
    assert_eq!(r.domain()["domain"], "example.test");
    assert_eq!(r.verdict(), "pass");
}

#[test]
fn an_idn_domain_is_checked_in_a_labels() {
    let idn = "xn--maana-pta.test";
    let zone = zone().replace("example.test.", &format!("{idn}."));
    let policy = POLICY.replace("example.test", idn);
    let spec = Spec {
        domain: idn.into(),
        zone,
        input: Some("MAÑANA.test".into()),
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .policy(&policy);
    let r = run(spec);
    assert_eq!(r.domain()["domain"], idn);
    assert_eq!(
        r.status("record.present", None),
        "pass",
        "{}",
        r.message("record.present", None)
    );
    assert_eq!(
        r.status("policy.tls", None),
        "pass",
        "{}",
        r.message("policy.tls", None)
    );
    assert_eq!(r.status("mx.match", Some(&*format!("mx1.{idn}"))), "pass");
}

// ------------------------------------------------------------ the TXT record

#[test]
fn a_missing_record_fails_as_nxdomain_not_as_a_dns_error() {
    let r =
        run(Spec::default().zone_replace("_mta-sts IN TXT \"v=STSv1; id=20261128195300Z\"\n", ""));
    assert_eq!(r.code, Some(1));
    assert_eq!(r.status("record.present", None), "fail");
    assert!(
        r.message("record.present", None).contains("NXDOMAIN"),
        "{}",
        r.message("record.present", None)
    );
    assert!(
        r.check("record.present", None)["fix"]
            .as_str()
            .unwrap()
            .contains("v=STSv1; id=")
    );
    assert_eq!(r.status("record.unique", None), "skip");
    assert_eq!(r.status("record.syntax", None), "skip");
}

#[test]
fn two_sts_records_fail_uniqueness() {
    let r = run(Spec::default().zone_replace(
        "_mta-sts IN TXT \"v=STSv1; id=20261128195300Z\"\n",
        "_mta-sts IN TXT \"v=STSv1; id=20261128195300Z\"\n_mta-sts IN TXT \"v=STSv1; id=20261201000000Z\"\n_mta-sts IN TXT \"v=spf1 -all\"\n",
    ));
    assert_eq!(r.status("record.present", None), "pass");
    assert_eq!(r.status("record.unique", None), "fail");
    assert!(
        r.message("record.unique", None).contains("2 records"),
        "{}",
        r.message("record.unique", None)
    );
    assert_eq!(r.verdict(), "fail");
}

#[test]
fn split_txt_strings_are_concatenated() {
    let r = run(Spec::default().zone_replace(
        "\"v=STSv1; id=20261128195300Z\"",
        "\"v=STSv1; id=2026\" \"1128195300Z\"",
    ));
    assert_eq!(r.status("record.syntax", None), "pass");
    assert!(
        r.message("record.present", None)
            .contains("id=20261128195300Z")
    );
}

#[test]
fn bad_record_syntax_fails() {
    for (record, needle) in [("v=STSv1; id=2024-01-01", "'-'"), ("v=STSv1;", "no id")] {
        let r = run(Spec {
            args: vec!["--no-smtp".into()],
            ..Spec::default()
        }
        .zone_replace("\"v=STSv1; id=20261128195300Z\"", &format!("\"{record}\"")));
        assert_eq!(r.status("record.syntax", None), "fail", "{record}");
        assert!(
            r.message("record.syntax", None).contains(needle),
            "{record}: {}",
            r.message("record.syntax", None)
        );
    }
    // RFC 8461 §3.1: a record that does not begin with v=STSv1; is
    // discarded, so a lone version is no record at all.
    let r = run(Spec {
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .zone_replace("\"v=STSv1; id=20261128195300Z\"", "\"v=STSv1\""));
    assert_eq!(r.status("record.present", None), "fail");
    assert!(
        r.message("record.present", None)
            .contains("none begins with v=STSv1;")
    );
    let r = run(Spec {
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .zone_replace("\"v=STSv1; id=20261128195300Z\"", "\"v=STSv1 ; id=1\""));
    assert_eq!(r.status("record.syntax", None), "warn");
    assert_eq!(r.verdict(), "warn");
}

#[test]
fn records_that_only_look_like_sts_records_are_ignored() {
    // RFC 8461 §3.1: only records beginning "v=STSv1;" count.
    let r = run(Spec {
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .zone_replace(
        "_mta-sts IN TXT \"v=STSv1; id=20261128195300Z\"\n",
        "_mta-sts IN TXT \"v=STSv1; id=20261128195300Z\"\n_mta-sts IN TXT \"v=STSv10; id=1\"\n",
    ));
    assert_eq!(r.status("record.unique", None), "pass");
    assert_eq!(r.status("record.syntax", None), "pass");
    let r = run(Spec {
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .zone_replace("\"v=STSv1; id=20261128195300Z\"", "\"v=STSv12; id=1\""));
    assert_eq!(r.status("record.present", None), "fail");
    assert!(
        r.message("record.present", None).contains("v=STSv12"),
        "{}",
        r.message("record.present", None)
    );
}

#[test]
fn a_failing_address_family_is_not_hidden_by_the_other() {
    let r = run(Spec {
        faults: vec![
            ("mta-sts.example.test.".into(), Some(28), Fault::ServFail),
            ("mx1.example.test.".into(), Some(28), Fault::ServFail),
        ],
        ..Spec::default()
    });
    assert_eq!(
        r.status("policy_host.dns", None),
        "warn",
        "{}",
        r.message("policy_host.dns", None)
    );
    assert!(
        r.message("policy_host.dns", None).contains("AAAA")
            && r.message("policy_host.dns", None).contains("SERVFAIL")
    );
    assert_eq!(
        r.status("smtp.starttls", MX1),
        "warn",
        "{}",
        r.message("smtp.starttls", MX1)
    );
    assert_eq!(r.status("smtp.starttls", MX2), "pass");
}

#[test]
fn an_mx_host_listed_twice_is_checked_once() {
    let r = run(Spec::default().zone_replace(
        "@ IN MX 20 mx2.backup.example.test.\n",
        "@ IN MX 20 mx2.backup.example.test.\n@ IN MX 30 mx1.example.test.\n",
    ));
    let checks = r.domain()["checks"].as_array().unwrap();
    assert_eq!(
        checks
            .iter()
            .filter(|c| c["id"] == "mx.match" && c["subject"] == "mx1.example.test")
            .count(),
        1
    );
    assert_eq!(r.verdict(), "pass");
}

#[test]
fn a_cname_at_the_record_is_followed() {
    let r = run(Spec {
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .zone_replace(
        "_mta-sts IN TXT \"v=STSv1; id=20261128195300Z\"\n",
        "_mta-sts IN CNAME sts.example.test.\nsts IN TXT \"v=STSv1; id=20261128195300Z\"\n",
    ));
    assert_eq!(
        r.status("record.present", None),
        "pass",
        "{}",
        r.message("record.present", None)
    );
    assert!(
        r.message("record.present", None).contains("CNAME"),
        "{}",
        r.message("record.present", None)
    );
}

#[test]
fn servfail_is_reported_as_such() {
    let r = run(Spec {
        faults: vec![("_mta-sts.example.test.".into(), Some(16), Fault::ServFail)],
        ..Spec::default()
    });
    assert_eq!(r.status("record.present", None), "fail");
    let m = r.message("record.present", None);
    assert!(m.contains("SERVFAIL") && !m.contains("NXDOMAIN"), "{m}");
    assert_eq!(
        r.status("policy.syntax", None),
        "pass",
        "the rest of the check goes on"
    );
}

#[test]
fn a_dns_timeout_is_reported_and_bounded() {
    let r = run(Spec {
        faults: vec![("_mta-sts.example.test.".into(), None, Fault::Drop)],
        timeout: "1",
        ..Spec::default()
    });
    assert!(
        r.message("record.present", None).contains("timed out"),
        "{}",
        r.message("record.present", None)
    );
    assert!(r.elapsed < Duration::from_secs(8), "took {:?}", r.elapsed);
}

// ------------------------------------------------------------ the policy host

#[test]
fn a_missing_policy_host_fails_dns_and_tls() {
    let r = run(Spec {
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .zone_replace("mta-sts IN A 127.0.0.1\n", ""));
    assert_eq!(r.status("policy_host.dns", None), "fail");
    assert!(r.message("policy_host.dns", None).contains("NXDOMAIN"));
}

#[test]
fn a_cname_policy_host_warns() {
    let r = run(Spec {
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .zone_replace(
        "mta-sts IN A 127.0.0.1\n",
        "mta-sts IN CNAME web.example.test.\nweb IN A 127.0.0.1\n",
    ));
    assert_eq!(r.status("policy_host.dns", None), "warn");
    assert!(
        r.message("policy_host.dns", None)
            .contains("web.example.test")
    );
    assert_eq!(r.verdict(), "warn");
    assert_eq!(r.code, Some(0), "warnings alone exit 0");
}

#[test]
fn policy_certificate_problems_fail_tls() {
    let cases = [
        (ca().leaf_expired(&["mta-sts.example.test"]), "expired"),
        (
            ca().leaf(&["other.example.test"]),
            "not valid for this host name",
        ),
        (untrusted_leaf(&["mta-sts.example.test"]), "trusted root"),
    ];
    for (leaf, needle) in cases {
        let r = run(Spec {
            http_leaf: Some(leaf),
            args: vec!["--no-smtp".into()],
            ..Spec::default()
        });
        assert_eq!(r.status("policy.tls", None), "fail", "{needle}");
        assert!(
            r.message("policy.tls", None).contains(needle),
            "{needle}: {}",
            r.message("policy.tls", None)
        );
        assert_eq!(r.status("policy.http", None), "skip");
        assert_eq!(
            r.https.requests(),
            0,
            "no request over an untrusted connection"
        );
    }
}

#[test]
fn a_wildcard_certificate_is_valid_for_the_policy_host() {
    let r = run(Spec {
        http_leaf: Some(ca().leaf(&["*.example.test"])),
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    });
    assert_eq!(
        r.status("policy.tls", None),
        "pass",
        "{}",
        r.message("policy.tls", None)
    );
}

#[test]
fn a_redirect_is_reported_and_not_followed() {
    let r = run(Spec::default().http(HttpBehaviour::Redirect {
        status: 301,
        location: "https://www.example.test/.well-known/mta-sts.txt".into(),
    }));
    assert_eq!(r.status("policy.http", None), "fail");
    let m = r.message("policy.http", None);
    assert!(
        m.contains("301") && m.contains("https://www.example.test/.well-known/mta-sts.txt"),
        "{m}"
    );
    assert_eq!(r.https.requests(), 1, "the redirect must not be followed");
    assert_eq!(r.status("policy.content_type", None), "skip");
    assert_eq!(
        r.status("mx.match", MX1),
        "skip",
        "no policy, no MX matching"
    );
}

#[test]
fn a_404_fails_http() {
    let r = run(Spec::default().http(HttpBehaviour::status(404, "not found")));
    assert_eq!(r.status("policy.http", None), "fail");
    assert!(r.message("policy.http", None).contains("404"));
}

#[test]
fn content_types() {
    let serve = |ct: Option<&str>| HttpBehaviour::Serve {
        status: 200,
        content_type: ct.map(Into::into),
        body: POLICY.into(),
    };
    for (ct, want) in [
        (Some("text/plain; charset=utf-8"), "pass"),
        (Some("TEXT/PLAIN"), "pass"),
        (Some("text/html"), "fail"),
        (Some("text/plain+x"), "fail"),
        (Some("application/json+text/plain"), "fail"),
        (None, "fail"),
    ] {
        let r = run(Spec {
            args: vec!["--no-smtp".into()],
            ..Spec::default()
        }
        .http(serve(ct)));
        assert_eq!(
            r.status("policy.content_type", None),
            want,
            "{ct:?}: {}",
            r.message("policy.content_type", None)
        );
    }
}

#[test]
fn an_endless_body_is_abandoned_past_64_kib() {
    let r = run(Spec::default().http(HttpBehaviour::EndlessBody {
        content_type: "text/plain".into(),
    }));
    assert_eq!(r.status("policy.size", None), "fail");
    assert!(
        r.message("policy.size", None).contains("65536"),
        "{}",
        r.message("policy.size", None)
    );
    assert_eq!(r.status("policy.syntax", None), "skip");
    assert!(r.elapsed < Duration::from_secs(10));
}

#[test]
fn an_announced_huge_body_is_not_downloaded() {
    let body = format!("{POLICY}{}", "x: y\r\n".repeat(20_000));
    let r = run(Spec::default().policy(&body));
    assert_eq!(r.status("policy.size", None), "fail");
    assert!(
        r.message("policy.size", None).contains("not downloaded"),
        "{}",
        r.message("policy.size", None)
    );
}

#[test]
fn a_policy_host_that_stalls_after_accept_is_bounded() {
    let r = run(Spec {
        timeout: "1",
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .http(HttpBehaviour::StallAfterAccept));
    assert_eq!(
        r.status("policy.tls", None),
        "fail",
        "{}",
        r.message("policy.tls", None)
    );
    assert!(r.elapsed < Duration::from_secs(6), "took {:?}", r.elapsed);
}

#[test]
fn a_policy_host_that_never_answers_after_tls_fails_http_not_tls() {
    let r = run(Spec {
        timeout: "1",
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .http(HttpBehaviour::StallAfterRequest));
    assert_eq!(
        r.status("policy.tls", None),
        "pass",
        "{}",
        r.message("policy.tls", None)
    );
    assert_eq!(r.status("policy.http", None), "fail");
    assert!(
        r.message("policy.http", None)
            .contains("no usable HTTP response"),
        "{}",
        r.message("policy.http", None)
    );
    assert!(r.elapsed < Duration::from_secs(6), "took {:?}", r.elapsed);
}

#[test]
fn a_policy_host_that_stalls_mid_body_is_bounded() {
    let r = run(Spec {
        timeout: "1",
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .http(HttpBehaviour::StallAfterHeaders {
        content_type: "text/plain".into(),
        partial_body: b"version: STSv1\r\n".to_vec(),
    }));
    assert_eq!(r.status("policy.size", None), "fail");
    assert!(
        r.message("policy.size", None).contains("stalled"),
        "{}",
        r.message("policy.size", None)
    );
    assert!(r.elapsed < Duration::from_secs(6), "took {:?}", r.elapsed);
}

// ------------------------------------------------------------ the policy

#[test]
fn policy_syntax_errors_fail_and_lf_is_fine() {
    let r = run(Spec::default().policy(&POLICY.replace("\r\n", "\n")));
    assert_eq!(r.status("policy.syntax", None), "pass", "LF-only is valid");
    let r = run(Spec {
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .policy("version: STSv1\nMode: Enforce\nmx: mx1.example.test.\nmax_age: 86400.5\n"));
    assert_eq!(r.status("policy.syntax", None), "fail");
    let m = r.message("policy.syntax", None);
    assert!(m.contains("line 3") && m.contains("trailing dot"), "{m}");
    assert_eq!(r.status("policy.max_age", None), "fail");
    assert_eq!(r.status("policy.mode", None), "fail");
}

#[test]
fn escape_bytes_from_the_network_never_reach_the_terminal() {
    let hostile = "version: STSv1\nmode: enforce\x1b]0;owned\x07\nmx: \x1b[31mmx1.example.test\nmax_age: 604800\n";
    let spec = Spec {
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .policy(hostile)
    .zone_replace(
        "\"v=STSv1; id=20261128195300Z\"",
        "\"v=STSv1; id=1\\027[2J\"",
    );
    let w = world(&spec);
    let mut args = w.base_args.clone();
    args.retain(|a| a != "--json");
    args.push("example.test".into());
    args.push("--color=never".into());
    args.push("--no-smtp".into());
    let out = mtasts().args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\\x1b"), "escaped form shown: {text}");
}

#[test]
fn testing_mode_and_short_max_age_warn() {
    let r = run(Spec::default().policy(&POLICY.replace("mode: enforce", "mode: testing")));
    assert_eq!(r.status("policy.mode", None), "warn");
    assert_eq!(r.verdict(), "warn");
    assert_eq!(r.code, Some(0));
    let r = run(Spec::default().policy(&POLICY.replace("604800", "86400")));
    assert_eq!(r.status("policy.max_age", None), "warn");
    let r = run(Spec::default().policy(&POLICY.replace("604800", "0")));
    assert_eq!(r.status("policy.max_age", None), "warn");
}

#[test]
fn a_testing_policy_that_misses_an_mx_still_fails() {
    let r = run(Spec::default()
        .policy("version: STSv1\nmode: testing\nmx: mx1.example.test\nmax_age: 86400\n"));
    assert_eq!(r.status("mx.match", MX1), "pass");
    assert_eq!(r.status("mx.match", MX2), "fail");
    let f = r.check("mx.match", MX2);
    assert!(
        f["fix"]
            .as_str()
            .unwrap()
            .contains("mx: mx2.backup.example.test"),
        "{f}"
    );
    assert_eq!(r.verdict(), "fail");
}

/// The policy misses an MX host of a known provider: the fix names the
/// pattern the provider documents, not the single host.
#[test]
fn a_provider_mx_missing_from_the_policy_gets_the_providers_pattern() {
    let provider_mx = Some("example-test.mail.protection.outlook.com");
    let r = run(Spec {
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    }
    .zone_replace(
        "@ IN MX 10 mx1.example.test.\n",
        "@ IN MX 10 example-test.mail.protection.outlook.com.\n",
    ));
    assert_eq!(r.status("mx.match", provider_mx), "fail");
    assert_eq!(r.status("mx.match", MX2), "pass");
    let fix = r.check("mx.match", provider_mx)["fix"].as_str().unwrap();
    assert_eq!(
        fix,
        "add the line `mx: *.mail.protection.outlook.com` (the pattern documented for the MX hosts of Microsoft 365 / Exchange Online) to the policy, then publish a new id in _mta-sts.example.test"
    );
}

#[test]
fn wildcards_cover_exactly_one_label() {
    // *.example.test covers mx1.example.test but not mx2.backup.example.test.
    let r = run(Spec::default()
        .policy("version: STSv1\nmode: enforce\nmx: *.example.test\nmax_age: 604800\n"));
    assert_eq!(r.status("mx.match", MX1), "pass");
    assert_eq!(r.status("mx.match", MX2), "fail");
    assert_eq!(
        r.status("policy.syntax", None),
        "warn",
        "a wildcard over the policy domain itself is risky"
    );
}

#[test]
fn unused_patterns_warn() {
    let r =
        run(Spec::default().policy(&POLICY.replace("max_age", "mx: old.example.test\r\nmax_age")));
    assert_eq!(r.status("policy.mx_unused", None), "warn");
    assert!(
        r.message("policy.mx_unused", None)
            .contains("old.example.test")
    );
}

// ------------------------------------------------------------ MX records

#[test]
fn a_null_mx_fails() {
    let r = run(Spec::default().zone_replace(
        "@ IN MX 10 mx1.example.test.\n@ IN MX 20 mx2.backup.example.test.\n",
        "@ IN MX 0 .\n",
    ));
    assert_eq!(r.status("mx.present", None), "fail");
    assert!(r.message("mx.present", None).contains("null MX"));
    assert!(
        r.domain()["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("subject").is_none())
    );
}

#[test]
fn no_mx_fails() {
    let r = run(Spec::default().zone_replace(
        "@ IN MX 10 mx1.example.test.\n@ IN MX 20 mx2.backup.example.test.\n",
        "",
    ));
    assert_eq!(r.status("mx.present", None), "fail");
    assert!(
        r.message("mx.present", None).contains("no MX"),
        "{}",
        r.message("mx.present", None)
    );
    assert_eq!(r.status("policy.mx_unused", None), "skip");
}

// ------------------------------------------------------------ SMTP

#[test]
fn two_mx_hosts_where_only_one_is_broken() {
    let r = run(Spec {
        mx2: SmtpBehaviour::NoStartTls,
        ..Spec::default()
    });
    assert_eq!(r.status("smtp.starttls", MX1), "pass");
    assert_eq!(r.status("smtp.starttls", MX2), "fail");
    assert!(r.message("smtp.starttls", MX2).contains("STARTTLS"));
    assert_eq!(r.status("smtp.certificate", MX2), "skip");
    assert_eq!(r.verdict(), "fail");
}

#[test]
fn smtp_certificate_problems() {
    for (leaf, needle) in [
        (ca().leaf_expired(&["mx1.example.test"]), "expired"),
        (
            ca().leaf(&["mail.other.test"]),
            "not valid for this host name",
        ),
        (untrusted_leaf(&["mx1.example.test"]), "trusted root"),
    ] {
        let r = run(Spec {
            mx1_leaf: Some(leaf),
            ..Spec::default()
        });
        assert_eq!(
            r.status("smtp.starttls", MX1),
            "pass",
            "a certificate problem alone does not fail starttls"
        );
        assert_eq!(r.status("smtp.certificate", MX1), "fail", "{needle}");
        assert!(
            r.message("smtp.certificate", MX1).contains(needle),
            "{}",
            r.message("smtp.certificate", MX1)
        );
        assert_eq!(r.status("smtp.certificate", MX2), "pass");
    }
}

#[test]
fn smtp_servers_that_stall_are_bounded() {
    for behaviour in [
        SmtpBehaviour::StallAfterAccept,
        SmtpBehaviour::StallAfterBanner,
    ] {
        let r = run(Spec {
            mx1: behaviour,
            timeout: "1",
            ..Spec::default()
        });
        assert_eq!(r.status("smtp.starttls", MX1), "fail", "{behaviour:?}");
        assert!(
            r.message("smtp.starttls", MX1).contains("no answer"),
            "{}",
            r.message("smtp.starttls", MX1)
        );
        assert!(
            r.elapsed < Duration::from_secs(6),
            "{behaviour:?} took {:?}",
            r.elapsed
        );
    }
}

#[test]
fn bytes_injected_after_starttls_are_caught() {
    let r = run(Spec {
        mx1: SmtpBehaviour::InjectAfterStartTls,
        ..Spec::default()
    });
    assert_eq!(r.status("smtp.starttls", MX1), "fail");
    assert!(
        r.message("smtp.starttls", MX1).contains("injection"),
        "{}",
        r.message("smtp.starttls", MX1)
    );
}

#[test]
fn multi_line_and_hostile_banners() {
    let r = run(Spec {
        mx1: SmtpBehaviour::MultiLineBanner,
        mx2: SmtpBehaviour::BannerWithEscapes,
        ..Spec::default()
    });
    assert_eq!(r.status("smtp.starttls", MX1), "pass");
    assert_eq!(r.status("smtp.starttls", MX2), "pass");
    let raw = serde_json::to_string(&r.json).unwrap();
    assert!(
        !raw.contains("\\u001b") && !raw.contains("\\u0007"),
        "escapes must not survive: {raw}"
    );
}

#[test]
fn a_rejected_ehlo_fails_starttls() {
    let r = run(Spec {
        mx1: SmtpBehaviour::RejectEhlo,
        ..Spec::default()
    });
    assert_eq!(r.status("smtp.starttls", MX1), "fail");
    assert!(
        r.message("smtp.starttls", MX1).contains("550"),
        "{}",
        r.message("smtp.starttls", MX1)
    );
}

#[test]
fn a_server_speaking_only_old_tls_fails_the_version_check() {
    // A server that offers STARTTLS and then answers any ClientHello with a
    // fatal protocol_version alert, as a TLS 1.0-only server does.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        use std::io::{BufRead, BufReader, Read, Write};
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut w = stream.try_clone().unwrap();
                let mut r = BufReader::new(stream);
                let _ = w.write_all(b"220 old.example.test ESMTP\r\n");
                let mut line = String::new();
                while r.read_line(&mut line).unwrap_or(0) > 0 {
                    let cmd = line.trim().to_ascii_uppercase();
                    line.clear();
                    if cmd.starts_with("EHLO") {
                        let _ = w.write_all(b"250-old.example.test\r\n250 STARTTLS\r\n");
                    } else if cmd == "STARTTLS" {
                        let _ = w.write_all(b"220 go ahead\r\n");
                        let mut hello = [0u8; 512];
                        let _ = r.read(&mut hello);
                        let _ = w.write_all(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]);
                        return;
                    } else {
                        let _ = w.write_all(b"221 bye\r\n");
                        return;
                    }
                }
            });
        }
    });
    let spec = Spec::default();
    let w = world(&spec);
    let mut args = w.base_args.clone();
    let i = args
        .iter()
        .position(|a| a.starts_with("mx1.example.test:25:"))
        .unwrap();
    args[i] = format!("mx1.example.test:25:{addr}");
    args.push("example.test".into());
    let out = mtasts().args(&args).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = json["domains"][0]["checks"].as_array().unwrap();
    let find = |id: &str| {
        checks
            .iter()
            .find(|c| c["id"] == id && c["subject"] == "mx1.example.test")
            .unwrap()
    };
    assert_eq!(
        find("smtp.tls_version")["status"],
        "fail",
        "{}",
        find("smtp.tls_version")
    );
    assert!(
        find("smtp.tls_version")["message"]
            .as_str()
            .unwrap()
            .contains("older than 1.2")
    );
}

// ------------------------------------------------------------ certificates about to fail

/// The days left that `finding` reports, checked against its message.
#[track_caller]
fn days_left(finding: &Value) -> i64 {
    let days = finding["expiry"]["days_left"]
        .as_i64()
        .unwrap_or_else(|| panic!("no expiry in {finding}"));
    let not_after = finding["expiry"]["not_after"].as_str().unwrap_or_default();
    let message = finding["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("expires {not_after} ({days} day")),
        "{message}"
    );
    days
}

#[test]
fn a_certificate_about_to_expire_on_an_mx_warns_and_exits_0() {
    let r = run(Spec {
        mx1_leaf: Some(ca().leaf_ending_in(&["mx1.example.test"], 3)),
        ..Spec::default()
    });
    assert_eq!(r.status("smtp.certificate", MX1), "warn");
    assert_eq!(r.status("smtp.starttls", MX1), "pass");
    assert_eq!(r.status("smtp.certificate", MX2), "pass");
    assert_eq!(r.verdict(), "warn");
    assert_eq!(r.code, Some(0), "warnings alone exit 0");
    let f = r.check("smtp.certificate", MX1);
    assert!((2..=3).contains(&days_left(f)), "{f}");
    assert!(
        f["expected"]
            .as_str()
            .unwrap_or_default()
            .contains("more than 14 days left"),
        "{f}"
    );
    assert!(
        f["fix"]
            .as_str()
            .unwrap_or_default()
            .starts_with("renew the certificate of mx1.example.test"),
        "{f}"
    );
    assert!(days_left(r.check("smtp.certificate", MX2)) > 300);
}

#[test]
fn a_certificate_about_to_expire_on_the_policy_host_warns_and_exits_0() {
    let r = run(Spec {
        http_leaf: Some(ca().leaf_ending_in(&["mta-sts.example.test"], 3)),
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    });
    assert_eq!(r.status("policy.tls", None), "warn");
    let f = r.check("policy.tls", None);
    assert!((2..=3).contains(&days_left(f)), "{f}");
    assert!(
        f["fix"]
            .as_str()
            .unwrap_or_default()
            .starts_with("renew the certificate of mta-sts.example.test"),
        "{f}"
    );
    // The certificate still works: the policy is fetched and judged.
    assert_eq!(r.status("policy.http", None), "pass");
    assert_eq!(r.status("policy.syntax", None), "pass");
    assert_eq!(r.verdict(), "warn");
    assert_eq!(r.code, Some(0));
}

#[test]
fn certificates_with_plenty_of_days_left_pass() {
    let r = run(Spec {
        http_leaf: Some(ca().leaf_ending_in(&["mta-sts.example.test"], 90)),
        mx1_leaf: Some(ca().leaf_ending_in(&["mx1.example.test"], 90)),
        ..Spec::default()
    });
    assert_eq!(r.status("policy.tls", None), "pass");
    assert_eq!(r.status("smtp.certificate", MX1), "pass");
    assert_eq!(r.verdict(), "pass");
    assert_eq!(r.code, Some(0));
    assert!((89..=90).contains(&days_left(r.check("policy.tls", None))));
    assert!((89..=90).contains(&days_left(r.check("smtp.certificate", MX1))));
}

#[test]
fn expiry_warn_sets_the_window_and_0_turns_it_off() {
    let soon = || Spec {
        http_leaf: Some(ca().leaf_ending_in(&["mta-sts.example.test"], 3)),
        mx1_leaf: Some(ca().leaf_ending_in(&["mx1.example.test"], 3)),
        ..Spec::default()
    };
    let r = run(Spec {
        args: vec!["--expiry-warn".into(), "0".into()],
        ..soon()
    });
    assert_eq!(r.status("policy.tls", None), "pass");
    assert_eq!(r.status("smtp.certificate", MX1), "pass");
    assert_eq!(r.verdict(), "pass");
    let r = run(Spec {
        args: vec!["--expiry-warn".into(), "1".into()],
        ..soon()
    });
    assert_eq!(r.status("smtp.certificate", MX1), "pass");
    let r = run(Spec {
        http_leaf: Some(ca().leaf_ending_in(&["mta-sts.example.test"], 90)),
        args: vec!["--expiry-warn".into(), "120".into(), "--no-smtp".into()],
        ..Spec::default()
    });
    assert_eq!(r.status("policy.tls", None), "warn");
    assert!(
        r.check("policy.tls", None)["expected"]
            .as_str()
            .unwrap_or_default()
            .contains("(--expiry-warn 120)")
    );
}

#[test]
fn an_expired_certificate_still_fails_with_expiry_warn_0() {
    let r = run(Spec {
        mx1_leaf: Some(ca().leaf_expired(&["mx1.example.test"])),
        args: vec!["--expiry-warn".into(), "0".into()],
        ..Spec::default()
    });
    assert_eq!(r.status("smtp.certificate", MX1), "fail");
    let f = r.check("smtp.certificate", MX1);
    assert!(
        f["expiry"]["days_left"].as_i64().unwrap_or_default() < -365,
        "{f}"
    );
    assert_eq!(f["expiry"]["not_after"], "2021-01-01T00:00:00Z");
    assert_eq!(r.code, Some(1));
}

#[test]
fn an_incomplete_chain_names_the_missing_issuer_on_both_hosts() {
    let r = run(Spec {
        http_leaf: Some(ca().leaf_via_intermediate(&["mta-sts.example.test"], false)),
        mx1_leaf: Some(ca().leaf_via_intermediate(&["mx1.example.test"], false)),
        ..Spec::default()
    });
    for (id, subject, host) in [
        ("policy.tls", None, "mta-sts.example.test"),
        ("smtp.certificate", MX1, "mx1.example.test"),
    ] {
        assert_eq!(r.status(id, subject), "fail", "{id}");
        let f = r.check(id, subject);
        let message = f["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!(
                "no certificate for 'CN=mtasts test intermediate', the issuer of 'CN={host}'"
            )),
            "{message}"
        );
        let fix = f["fix"].as_str().unwrap_or_default();
        assert!(
            fix.starts_with(
                "send the full chain: the certificate, then the certificate of 'CN=mtasts test intermediate'"
            ),
            "{fix}"
        );
        assert!(
            fix.contains("MTAs do not fetch missing intermediates"),
            "{fix}"
        );
    }
    assert_eq!(r.status("smtp.starttls", MX1), "pass");
    assert_eq!(
        r.https.requests(),
        0,
        "no request over an untrusted connection"
    );
    assert_eq!(r.code, Some(1));
    // With the intermediate sent, the same certificates pass.
    let r = run(Spec {
        http_leaf: Some(ca().leaf_via_intermediate(&["mta-sts.example.test"], true)),
        mx1_leaf: Some(ca().leaf_via_intermediate(&["mx1.example.test"], true)),
        ..Spec::default()
    });
    assert_eq!(r.status("policy.tls", None), "pass");
    assert_eq!(r.status("smtp.certificate", MX1), "pass");
    assert_eq!(r.verdict(), "pass");
}

/// What a person reads about certificates about to fail (the README shows
/// these runs; `MTASTS_SHOW_OUTPUT=1` prints them).
#[test]
fn human_output_for_certificates_about_to_fail() {
    let show = std::env::var_os("MTASTS_SHOW_OUTPUT").is_some();
    let human = |spec: &Spec, extra: &[&str]| {
        let w = world(spec);
        let mut args = w.base_args.clone();
        args.retain(|a| a != "--json");
        args.push("example.test".into());
        args.extend(extra.iter().map(|a| a.to_string()));
        let out = mtasts().args(&args).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        if show {
            println!("{}\n{text}", args.join(" "));
        }
        (out.status.code(), text)
    };
    let (code, text) = human(
        &Spec {
            mx1_leaf: Some(ca().leaf_ending_in(&["mx1.example.test"], 3)),
            ..Spec::default()
        },
        &[],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("example.test  WARN"), "{text}");
    assert!(text.contains("! smtp.certificate"), "{text}");
    assert!(text.contains("the certificate expires"), "{text}");
    assert!(
        text.contains("expected: a certificate with more than 14 days left (--expiry-warn 14)"),
        "{text}"
    );
    assert!(
        text.contains("fix:      renew the certificate of mx1.example.test and reload the server"),
        "{text}"
    );
    assert!(
        text.contains("1 domain checked: 0 passed, 1 warned, 0 failed"),
        "{text}"
    );
    let (code, text) = human(
        &Spec {
            http_leaf: Some(ca().leaf_via_intermediate(&["mta-sts.example.test"], false)),
            ..Spec::default()
        },
        &["--no-smtp"],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("✗ policy.tls"), "{text}");
    assert!(
        text.contains("fix:      send the full chain: the certificate, then the certificate of 'CN=mtasts test intermediate'"),
        "{text}"
    );
}

#[test]
fn expiry_warn_rejects_what_is_not_a_number_of_days() {
    for bad in [
        "--expiry-warn=-1",
        "--expiry-warn=two",
        "--expiry-warn=3651",
    ] {
        usage_error(&["check", "example.test", bad], &["--expiry-warn"]);
    }
}

// ------------------------------------------------------------ TLS-RPT

#[test]
fn tlsrpt_missing_warns_and_bad_syntax_fails() {
    let r = run(Spec::default().zone_replace(
        "_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.test\"\n",
        "",
    ));
    assert_eq!(r.status("tlsrpt.present", None), "warn");
    assert_eq!(r.status("tlsrpt.syntax", None), "skip");
    assert_eq!(r.verdict(), "warn");
    let r =
        run(Spec::default()
            .zone_replace("rua=mailto:tlsrpt@example.test", "rua=tlsrpt@example.test"));
    assert_eq!(r.status("tlsrpt.present", None), "pass");
    assert_eq!(r.status("tlsrpt.syntax", None), "fail");
    assert!(r.message("tlsrpt.syntax", None).contains("mailto:"));
    let r = run(Spec::default().zone_replace(
        "_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.test\"\n",
        "_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:a@example.test\"\n_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:b@example.test\"\n",
    ));
    assert_eq!(r.status("tlsrpt.syntax", None), "fail");
}

// ------------------------------------------------------------ the command line

#[test]
fn human_output_explains_failures() {
    let show = std::env::var_os("MTASTS_SHOW_OUTPUT").is_some();
    let spec = Spec {
        mx2: SmtpBehaviour::NoStartTls,
        ..Spec::default()
    }
    .policy("version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 604800\n");
    let w = world(&spec);
    let mut args = w.base_args.clone();
    args.retain(|a| a != "--json");
    args.push("example.test".into());
    let out = mtasts().args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    if show {
        println!("{}", args.join(" "));
        println!("{text}");
        let mut json_args = args.clone();
        json_args.push("--json".into());
        println!(
            "{}",
            String::from_utf8_lossy(&mtasts().args(&json_args).output().unwrap().stdout)
        );
    }
    assert!(text.contains("example.test  FAIL"), "{text}");
    assert!(text.contains("✗ mx.match"), "{text}");
    assert!(
        text.contains("fix:      add the line `mx: mx2.backup.example.test`"),
        "{text}"
    );
    assert!(text.contains("MX mx2.backup.example.test"), "{text}");
    assert!(
        text.contains("1 domain checked: 0 passed, 0 warned, 1 failed"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour into a pipe");
}

#[test]
fn domains_from_a_file_and_several_at_once() {
    let spec = Spec::default();
    let w = world(&spec);
    let list = w.dir.path().join("domains.txt");
    std::fs::write(
        &list,
        "# our domains\nexample.test\n\nEXAMPLE.test.  # same, deduplicated\nnothere.test\n",
    )
    .unwrap();
    let mut args = w.base_args.clone();
    args.extend([
        "--file".into(),
        list.display().to_string(),
        "--no-smtp".into(),
    ]);
    let out = mtasts().args(&args).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let domains = json["domains"].as_array().unwrap();
    assert_eq!(domains.len(), 2);
    assert_eq!(domains[0]["domain"], "example.test");
    assert_eq!(domains[1]["domain"], "nothere.test");
    assert_eq!(domains[1]["verdict"], "fail");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn check_usage_errors() {
    usage_error(&["check"], &["no domain"]);
    usage_error(&["check", "not a domain"], &["not a valid domain"]);
    usage_error(&["check", "192.0.2.1"], &["IP address"]);
    usage_error(
        &["check", "example.test", "--resolver", "dns.example"],
        &["--resolver"],
    );
    usage_error(&["check", "example.test", "--timeout", "0"], &["--timeout"]);
    usage_error(
        &["check", "example.test", "--ca-file", "/no/such/ca.pem"],
        &["--ca-file", "/no/such/ca.pem"],
    );
    usage_error(
        &["check", "example.test", "--connect-to", "a:b"],
        &["HOST:PORT:ADDR:PORT"],
    );
    usage_error(
        &["check", "example.test", "--concurrency", "0"],
        &["--concurrency"],
    );
    usage_error(&["check", "--file", "/no/such/list"], &["cannot read"]);
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    usage_error(
        &[
            "check",
            "example.test",
            "--ca-file",
            empty.to_str().unwrap(),
        ],
        &["no PEM certificate"],
    );
    let list = dir.path().join("list.txt");
    std::fs::write(&list, "ok.test\nbad domain\n").unwrap();
    usage_error(
        &["check", "--file", list.to_str().unwrap()],
        &["list.txt:2"],
    );
}

// ------------------------------------------------------------ addresses from DNS

#[test]
fn every_address_of_every_mx_host_is_probed_at_the_addresses_dns_gives() {
    use crate::support::loopback;
    use std::net::SocketAddr;
    // Servers on distinct loopback addresses sharing one port, reached the
    // way a sender reaches them: through the A/AAAA records.
    let first = now(SmtpServer::start(
        loopback(127, 0, 1, 1),
        "mx1.example.test",
        Some(&ca().leaf(&["mx1.example.test"])),
        SmtpBehaviour::Normal,
    ));
    let port = first.addr.port();
    let at = |ip: &str| -> SocketAddr { format!("{ip}:{port}").parse().unwrap() };
    let broken = now(SmtpServer::start(
        at("127.0.1.2"),
        "mx1.example.test",
        Some(&ca().leaf(&["mx1.example.test"])),
        SmtpBehaviour::NoStartTls,
    ));
    let v6 = now(SmtpServer::start(
        at("[::1]"),
        "mx1.example.test",
        Some(&ca().leaf(&["mx1.example.test"])),
        SmtpBehaviour::Normal,
    ));
    let policy = now(HttpsServer::start(
        at("127.0.1.3"),
        &ca().leaf(&["mta-sts.example.test"]),
        HttpBehaviour::policy(POLICY),
    ));
    let backup = now(SmtpServer::start(
        at("127.0.1.4"),
        "mx2.backup.example.test",
        Some(&ca().leaf(&["mx2.backup.example.test"])),
        SmtpBehaviour::Normal,
    ));
    let zone = zone()
        .replace(
            "mx1 IN A 127.0.0.1\n",
            "mx1 IN A 127.0.1.1\nmx1 IN A 127.0.1.2\nmx1 IN AAAA ::1\n",
        )
        .replace("mx2.backup IN A 127.0.0.1\n", "mx2.backup IN A 127.0.1.4\n")
        .replace("mta-sts IN A 127.0.0.1\n", "mta-sts IN A 127.0.1.3\n");
    let dns = DnsServer::builder()
        .zone("example.test.", &zone)
        .start_now();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca().write_pem(dir.path());
    let port_s = port.to_string();
    let out = mtasts()
        .args([
            "check",
            "example.test",
            "--json",
            "--timeout",
            "3",
            "--resolver",
            &dns.addr.to_string(),
        ])
        .args([
            "--ca-file",
            ca_file.to_str().unwrap(),
            "--policy-port",
            &port_s,
            "--smtp-port",
            &port_s,
        ])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &json["domains"][0];
    let find = |id: &str, subject: Option<&str>| {
        d["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id && subject.is_none_or(|s| c["subject"] == s))
            .unwrap()
            .clone()
    };
    assert_eq!(
        find("policy.syntax", None)["status"],
        "pass",
        "{}",
        find("policy.tls", None)
    );
    let starttls = find("smtp.starttls", MX1);
    assert_eq!(starttls["status"], "fail");
    let m = starttls["message"].as_str().unwrap();
    assert!(
        m.contains("127.0.1.2") && !m.contains("127.0.1.1"),
        "only the broken address is named: {m}"
    );
    assert_eq!(find("smtp.starttls", MX2)["status"], "pass");
    let tls = find("smtp.tls_version", MX1);
    let v = tls["message"].as_str().unwrap();
    assert!(
        v.contains("127.0.1.1") && v.contains("[::1]"),
        "both working addresses probed: {v}"
    );
    assert_eq!(
        first.connections() + broken.connections() + v6.connections(),
        3
    );
    assert_eq!(backup.connections(), 1);
    assert_eq!(policy.requests(), 1);
}

#[test]
fn the_catalogue_is_listed_without_checking_anything() {
    let out = mtasts()
        .args(["check", "--list-checks", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    let expected: Vec<&str> = CheckId::ALL.into_iter().map(CheckId::as_str).collect();
    assert_eq!(ids, expected);
    let out = mtasts().args(["check", "--list-checks"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("mx.match ") && l.contains("per MX host"))
    );
    usage_error(
        &["check", "--list-checks", "example.test"],
        &["--list-checks"],
    );
}
