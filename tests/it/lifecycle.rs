//! init, gen-hosting, promote, retire and `check --state`, through the real
//! binary against the test world.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

use crate::support::DnsServer;
use crate::support::world::{POLICY, Spec, run, zone};
use crate::support::{mtasts, usage_error};

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A zone whose MX hosts are a Microsoft 365 host and an own one.
fn m365_zone() -> String {
    zone().replace(
        "@ IN MX 10 mx1.example.test.\n@ IN MX 20 mx2.backup.example.test.\n",
        "@ IN MX 0 example-test.mail.protection.outlook.com.\n@ IN MX 20 mx2.backup.example.test.\n",
    )
}

/// The instant `init` runs at, unless a test sets another: ids and dates
/// follow from it.
const INIT_NOW: &str = "2026-11-28T10:00:00Z";

fn init_cmd(dns: &DnsServer, dir: &Path) -> Command {
    let mut cmd = mtasts();
    cmd.env("MTASTS_NOW", INIT_NOW).args([
        "init",
        "example.test",
        "--resolver",
        &dns.addr.to_string(),
        "--timeout",
        "2",
        "--out",
        dir.to_str().unwrap(),
    ]);
    cmd
}

#[test]
fn init_derives_patterns_from_live_mx_and_writes_everything() {
    let dns = DnsServer::builder()
        .zone("example.test.", &m365_zone())
        .start_now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let out = init_cmd(&dns, &dir)
        .args([
            "--host",
            "nginx",
            "--host",
            "cloudflare-worker",
            "--host",
            "github-pages",
            "--rua",
            "mailto:reports@example.test",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.starts_with(&format!(
            "live MX hosts of example.test:
  example-test.mail.protection.outlook.com covered by mx: *.mail.protection.outlook.com (Microsoft 365 / Exchange Online)
  mx2.backup.example.test                  covered by mx: mx2.backup.example.test

wrote 12 files to {dir}:
  .well-known/mta-sts.txt
  dns/records.zone
  dns/records.ps1
  CHECKLIST.md
  hosting/nginx/",
            dir = dir.display()
        )) && text.ends_with(&format!(
            "  mtasts.json

next: follow {}/CHECKLIST.md, then run: mtasts check example.test
",
            dir.display()
        )),
        "{text}"
    );
    let policy = read(&dir.join(".well-known/mta-sts.txt"));
    assert_eq!(
        policy,
        "version: STSv1\r\nmode: testing\r\nmx: *.mail.protection.outlook.com\r\nmx: mx2.backup.example.test\r\nmax_age: 86400\r\n"
    );
    assert!(
        !policy.contains("*.example.test"),
        "never a wildcard over the own domain"
    );
    let zone = read(&dir.join("dns/records.zone"));
    assert!(
        zone.contains("_mta-sts.example.test. 3600 IN TXT \"v=STSv1; id=20261128100000Z\""),
        "{zone}"
    );
    assert!(
        zone.contains(
            "_smtp._tls.example.test. 3600 IN TXT \"v=TLSRPTv1; rua=mailto:reports@example.test\""
        ),
        "{zone}"
    );
    assert!(
        read(&dir.join("dns/records.ps1"))
            .contains("Add-DnsServerResourceRecord -ZoneName \"example.test\" -Name \"_mta-sts\"")
    );
    let checklist = read(&dir.join("CHECKLIST.md"));
    for needle in [
        "Replace",
        "A/AAAA",
        "certificate valid for `mta-sts.example.test`",
        "mtasts check example.test",
        "mtasts promote",
        "TLS-RPT",
        "Record id: `20261128100000Z`",
        "2026-11-28 to 2026-12-12",
    ] {
        assert!(
            checklist.contains(needle),
            "CHECKLIST.md lacks {needle:?}:\n{checklist}"
        );
    }
    for f in [
        "hosting/nginx/mta-sts.example.test.conf",
        "hosting/nginx/webroot/.well-known/mta-sts.txt",
        "hosting/cloudflare-worker/worker.js",
        "hosting/cloudflare-worker/wrangler.toml",
        "hosting/github-pages/_config.yml",
        "hosting/github-pages/CNAME",
        "hosting/github-pages/.well-known/mta-sts.txt",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    assert_eq!(
        read(&dir.join("hosting/nginx/webroot/.well-known/mta-sts.txt")),
        policy
    );
    // A second init, a day later (so with another id), never clobbers.
    let before = read(&dir.join("dns/records.zone"));
    let again = init_cmd(&dns, &dir)
        .env("MTASTS_NOW", "2026-11-29T10:00:00Z")
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing was written"));
    assert_eq!(read(&dir.join("dns/records.zone")), before);
}

/// A domain moving from Google Workspace (the older ASPMX set) to
/// Microsoft 365 has both providers' hosts in its MX: two Microsoft tenant
/// hosts collapse into the pattern Microsoft documents, Google's documented
/// hosts and Microsoft's DNSSEC host (no pattern documented) stay exact, and
/// the output names the provider of each host.
#[test]
fn init_names_providers_and_writes_their_documented_lines() {
    let dns = DnsServer::builder()
        .zone(
            "example.test.",
            &zone().replace(
                "@ IN MX 10 mx1.example.test.\n@ IN MX 20 mx2.backup.example.test.\n",
                "@ IN MX 0 example-test.mail.protection.outlook.com.\n\
                 @ IN MX 1 example-test.o-v1.mx.microsoft.\n\
                 @ IN MX 5 old-example-test.mail.protection.outlook.com.\n\
                 @ IN MX 10 aspmx.l.google.com.\n\
                 @ IN MX 20 alt1.aspmx.l.google.com.\n",
            ),
        )
        .start_now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let out = init_cmd(&dns, &dir).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.starts_with(
            "live MX hosts of example.test:
  example-test.mail.protection.outlook.com covered by mx: *.mail.protection.outlook.com (Microsoft 365 / Exchange Online)
  example-test.o-v1.mx.microsoft           covered by mx: example-test.o-v1.mx.microsoft (Microsoft 365 / Exchange Online)
  old-example-test.mail.protection.outlook.com covered by mx: *.mail.protection.outlook.com (Microsoft 365 / Exchange Online)
  aspmx.l.google.com                       covered by mx: aspmx.l.google.com (Google Workspace, older ASPMX set)
  alt1.aspmx.l.google.com                  covered by mx: alt1.aspmx.l.google.com (Google Workspace, older ASPMX set)

wrote "
        ),
        "{text}"
    );
    assert_eq!(
        read(&dir.join(".well-known/mta-sts.txt")),
        "version: STSv1\r\nmode: testing\r\n\
         mx: *.mail.protection.outlook.com\r\n\
         mx: example-test.o-v1.mx.microsoft\r\n\
         mx: aspmx.l.google.com\r\n\
         mx: alt1.aspmx.l.google.com\r\n\
         max_age: 86400\r\n"
    );
}

#[test]
fn init_refuses_a_policy_that_leaves_a_live_mx_uncovered() {
    let dns = DnsServer::builder()
        .zone("example.test.", &zone())
        .start_now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let out = init_cmd(&dns, &dir)
        .args(["--mx", "mx1.example.test"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mx2.backup.example.test") && err.contains("--allow-uncovered"),
        "{err}"
    );
    assert!(!dir.exists(), "nothing written");
    init_cmd(&dns, &dir)
        .args(["--mx", "mx1.example.test", "--allow-uncovered"])
        .assert()
        .success();
    assert!(dir.join(".well-known/mta-sts.txt").is_file());
}

#[test]
fn init_usage_errors() {
    let dns = DnsServer::builder()
        .zone(
            "example.test.",
            &zone().replace(
                "@ IN MX 10 mx1.example.test.\n@ IN MX 20 mx2.backup.example.test.\n",
                "@ IN MX 0 .\n",
            ),
        )
        .start_now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let out = init_cmd(&dns, &dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("null MX"));
    usage_error(&["init", "not a domain"], &["not a valid domain"]);
    usage_error(&["init", "example.test", "--host", "netlify"], &["netlify"]);
    usage_error(
        &["init", "example.test", "--rua", "me@example.test"],
        &["mailto:me@example.test"],
    );
}

/// The whole loop: init from the live MX, publish exactly what it wrote,
/// and `check` passes.
#[test]
fn what_init_writes_passes_check_when_published() {
    let dns = DnsServer::builder()
        .zone("example.test.", &zone())
        .start_now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    init_cmd(&dns, &dir)
        .args(["--mode", "enforce", "--host", "static"])
        .assert()
        .success();
    let records = read(&dir.join("dns/records.zone"));
    let published: String = zone()
        .lines()
        .filter(|l| !l.starts_with("_mta-sts") && !l.starts_with("_smtp._tls"))
        .map(|l| format!("{l}\n"))
        .chain(
            records
                .lines()
                .filter(|l| !l.starts_with(';'))
                .map(|l| format!("{l}\n")),
        )
        .collect();
    let policy = read(&dir.join("hosting/static/.well-known/mta-sts.txt"));
    let spec = Spec {
        zone: published,
        ..Spec::default()
    }
    .http_policy(&policy);
    let r = run(spec);
    assert_eq!(
        r.verdict(),
        "pass",
        "{}",
        serde_json::to_string_pretty(&r.json).unwrap()
    );
}

#[test]
fn promote_then_retire_follow_rfc_8461_section_8() {
    let dns = DnsServer::builder()
        .zone("example.test.", &zone())
        .start_now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    init_cmd(&dns, &dir)
        .args(["--host", "nginx"])
        .assert()
        .success();
    let id_of = |dir: &Path| {
        let z = read(&dir.join("dns/records.zone"));
        z.split("id=")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let first_id = id_of(&dir);
    assert_eq!(first_id, "20261128100000Z");
    let out = mtasts()
        .env("MTASTS_NOW", "2026-12-12T10:00:00Z")
        .args(["promote", dir.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let second_id = id_of(&dir);
    assert_eq!(second_id, "20261212100000Z", "promote publishes a new id");
    assert!(
        text.starts_with(
            "example.test: mode testing → enforce, max_age 1209600, id 20261128100000Z → 20261212100000Z.\n"
        ),
        "{text}"
    );
    assert!(
        text.find("1. Publish the new policy").unwrap()
            < text.find("3. Replace the TXT record").unwrap(),
        "policy first, then the id: {text}"
    );
    assert!(
        text.contains(&format!("id={first_id}")) && text.contains(&format!("id={second_id}")),
        "{text}"
    );
    let policy = read(&dir.join(".well-known/mta-sts.txt"));
    assert!(
        policy.contains("mode: enforce\r\n") && policy.contains("max_age: 1209600\r\n"),
        "{policy}"
    );
    assert_eq!(
        read(&dir.join("hosting/nginx/webroot/.well-known/mta-sts.txt")),
        policy,
        "hosting artifacts follow"
    );
    usage_error(
        &["promote", dir.to_str().unwrap()],
        &["already in enforce mode"],
    );
    let out = mtasts()
        .env("MTASTS_NOW", "2026-12-20T10:00:00Z")
        .args(["retire", dir.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    let policy = read(&dir.join(".well-known/mta-sts.txt"));
    assert!(
        policy.contains("mode: none\r\n") && policy.contains("max_age: 86400\r\n"),
        "{policy}"
    );
    assert_eq!(id_of(&dir), "20261220100000Z");
    assert!(
        text.starts_with(
            "example.test: mode none, max_age 86400, id 20261212100000Z → 20261220100000Z (RFC 8461 §8.3).\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "  4. Wait until 2027-01-03 10:00 UTC — the longest max_age ever published (1209600 s)"
        ) && text.contains("Only then delete"),
        "wait out the longest max_age: {text}"
    );
    assert!(
        read(&dir.join("CHECKLIST.md"))
            .contains("published until 2027-01-03 (the longest max_age ever served, 1209600 s)"),
        "the checklist names the same date"
    );
    usage_error(
        &["promote", tmp.path().to_str().unwrap()],
        &["not a directory written by `mtasts init`"],
    );
    let max_age_dir = tmp.path().join("m");
    init_cmd(&dns, &max_age_dir).assert().success();
    mtasts()
        .args([
            "promote",
            max_age_dir.to_str().unwrap(),
            "--max-age",
            "2419200",
        ])
        .assert()
        .success();
    assert!(read(&max_age_dir.join(".well-known/mta-sts.txt")).contains("max_age: 2419200\r\n"));
}

#[test]
fn gen_hosting_prints_or_writes_every_target() {
    for target in [
        "cloudflare-worker",
        "nginx",
        "caddy",
        "apache",
        "iis",
        "github-pages",
        "azure-function",
        "static",
    ] {
        mtasts()
            .args([
                "gen-hosting",
                target,
                "--domain",
                "contoso.com",
                "--mode",
                "enforce",
                "--mx",
                "*.mail.protection.outlook.com",
            ])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("==> ")
                    .and(predicate::str::contains("mail.protection.outlook.com")),
            );
    }
    let tmp = tempfile::tempdir().unwrap();
    let policy_file = tmp.path().join("p.txt");
    std::fs::write(&policy_file, POLICY).unwrap();
    let out_dir = tmp.path().join("iis");
    mtasts()
        .args([
            "gen-hosting",
            "iis",
            "--domain",
            "example.test",
            "--policy-file",
            policy_file.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote"));
    assert_eq!(read(&out_dir.join(".well-known/mta-sts.txt")), POLICY);
    assert!(read(&out_dir.join("web.config")).contains("mimeType=\"text/plain; charset=utf-8\""));
    // A different policy does not clobber without --force.
    std::fs::write(&policy_file, POLICY.replace("enforce", "testing")).unwrap();
    let args = [
        "gen-hosting",
        "iis",
        "--domain",
        "example.test",
        "--policy-file",
        policy_file.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ];
    usage_error(&args, &["--force", "choose another --out"]);
    assert_eq!(read(&out_dir.join(".well-known/mta-sts.txt")), POLICY);
    mtasts()
        .args(args)
        .arg("--force")
        .assert()
        .success()
        .stdout(predicate::str::contains("replaced"));
    assert!(read(&out_dir.join(".well-known/mta-sts.txt")).contains("mode: testing"));
    // The same files again: each is said to be unchanged.
    let again = mtasts().args(args).output().unwrap();
    assert!(again.status.success());
    let said = String::from_utf8(again.stdout).unwrap();
    assert!(
        said.contains("unchanged ") && !said.contains("wrote "),
        "{said}"
    );
    mtasts()
        .args([
            "gen-hosting",
            "cloudflare-worker",
            "--domain",
            "contoso.com",
            "--mx",
            "a.contoso.com",
            "--classic",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("addEventListener(\"fetch\""));
    usage_error(
        &[
            "gen-hosting",
            "netlify",
            "--domain",
            "contoso.com",
            "--mx",
            "a.b.c",
        ],
        &["netlify"],
    );
    usage_error(&["gen-hosting", "nginx", "--mx", "a.b.c"], &["--domain"]);
    usage_error(
        &[
            "gen-hosting",
            "nginx",
            "--domain",
            "contoso.com",
            "--mode",
            "enforce",
        ],
        &["--mx"],
    );
    let bad = tmp.path().join("bad.txt");
    std::fs::write(&bad, "version: STSv1\nmode: enforce\n").unwrap();
    usage_error(
        &[
            "gen-hosting",
            "nginx",
            "--domain",
            "contoso.com",
            "--policy-file",
            bad.to_str().unwrap(),
        ],
        &["not a valid policy"],
    );
}

/// `check --state`: a policy that changes under the same id fails.
#[test]
fn id_rotation_drift_is_caught() {
    let state = tempfile::tempdir().unwrap();
    let with_state = |spec: Spec| {
        let mut spec = spec;
        spec.args.extend([
            "--state".to_string(),
            state.path().display().to_string(),
            "--no-smtp".into(),
        ]);
        run(spec)
    };
    let r = with_state(Spec::default());
    assert_eq!(r.status("record.id_rotation", None), "info");
    assert_eq!(r.verdict(), "pass", "info does not change the verdict");
    let r = with_state(Spec::default());
    assert_eq!(r.status("record.id_rotation", None), "pass");
    let changed = POLICY.replace("604800", "1209600");
    let r = with_state(Spec::default().http_policy(&changed));
    assert_eq!(
        r.status("record.id_rotation", None),
        "fail",
        "{}",
        r.message("record.id_rotation", None)
    );
    assert!(
        r.message("record.id_rotation", None)
            .contains("id is still 20261128195300Z")
    );
    assert_eq!(r.code, Some(1));
    let r = with_state(
        Spec::default()
            .http_policy(&changed)
            .zone_replace_pub("id=20261128195300Z", "id=20261201000000Z"),
    );
    assert_eq!(r.status("record.id_rotation", None), "pass");
    assert!(
        r.message("record.id_rotation", None)
            .contains("changed from 20261128195300Z to 20261201000000Z")
    );
    // Without --state there is no such check.
    let r = run(Spec {
        args: vec!["--no-smtp".into()],
        ..Spec::default()
    });
    let ids: Vec<&Value> = r.domain()["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert!(!ids.iter().any(|i| *i == "record.id_rotation"));
}

/// A `--state` that cannot be used stops `check` before it checks anything:
/// finding out after the report is printed would lose the exit code.
#[test]
fn an_unusable_state_directory_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let file = file.display().to_string();
    usage_error(
        &["check", "example.test", "--state", &file],
        &["is not a directory"],
    );
    let below = format!("{file}/state");
    usage_error(
        &["check", "example.test", "--state", &below],
        &["cannot update the --state directory"],
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

/// A directory where a file of fixed name goes: one line that says to move
/// it, and nothing written (not a half-written tree).
#[test]
fn a_directory_in_the_place_of_a_file_is_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("gh");
    std::fs::create_dir_all(out.join(".well-known/mta-sts.txt")).unwrap();
    let args = [
        "gen-hosting",
        "iis",
        "--domain",
        "contoso.com",
        "--mx",
        "mx1.contoso.com",
        "--out",
        out.to_str().unwrap(),
    ];
    usage_error(&args, &["is a directory", "remove or rename the directory"]);
    assert!(!out.join("web.config").exists(), "nothing written");

    let proj = tmp.path().join("proj");
    std::fs::create_dir_all(proj.join("CHECKLIST.md")).unwrap();
    usage_error(
        &[
            "init",
            "contoso.com",
            "--mx",
            "mx1.contoso.com",
            "--out",
            proj.to_str().unwrap(),
        ],
        &[
            "CHECKLIST.md is a directory",
            "remove or rename the directory",
        ],
    );
    assert!(!proj.join("mtasts.json").exists(), "nothing written");
}
