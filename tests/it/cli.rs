//! The generators and the linter through the real binary: every flag, and
//! every usage error (exit 2, one line on stderr, nothing on stdout, no file
//! touched).

use std::path::Path;

use predicates::prelude::*;

pub use crate::support::{mtasts, usage_error};

fn stdout_of(args: &[&str]) -> String {
    let out = mtasts().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

// ---------------------------------------------------------------- gen-record

#[test]
fn gen_record_default_is_one_line_with_a_utc_timestamp_id() {
    let out = stdout_of(&["gen-record"]);
    assert_eq!(out.lines().count(), 1);
    let id = out.trim_end().strip_prefix("v=STSv1; id=").expect(&out);
    assert_eq!(id.len(), 15);
    assert!(
        id.ends_with('Z') && id[..14].bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    let now = chrono::Utc::now().format("%Y%m%d").to_string();
    assert!(id.starts_with(&now[..6]), "{id} is not about now ({now})");
}

#[test]
fn gen_record_uses_the_given_id_verbatim() {
    assert_eq!(
        stdout_of(&["gen-record", "--id", "AbC123"]),
        "v=STSv1; id=AbC123\n"
    );
    let id32 = "a".repeat(32);
    assert_eq!(
        stdout_of(&["gen-record", "--id", &id32]),
        format!("v=STSv1; id={id32}\n")
    );
}

#[test]
fn gen_record_rejects_bad_ids() {
    usage_error(
        &["gen-record", "--id", "2024-01-01"],
        &["2024-01-01", "1-32 letters or digits"],
    );
    usage_error(
        &["gen-record", "--id", &"a".repeat(33)],
        &["33 characters", "1-32"],
    );
    usage_error(&["gen-record", "--id", ""], &["1-32"]);
    usage_error(&["gen-record", "--id", "abc+def"], &["'+'"]);
}

#[test]
fn gen_record_formats() {
    assert_eq!(
        stdout_of(&["gen-record", "--domain", "Contoso.COM.", "--id", "x1"]),
        "_mta-sts.contoso.com\nv=STSv1; id=x1\n"
    );
    assert_eq!(
        stdout_of(&[
            "gen-record",
            "--domain",
            "contoso.com",
            "--id",
            "x1",
            "--format",
            "zone"
        ]),
        "_mta-sts.contoso.com. 3600 IN TXT \"v=STSv1; id=x1\"\n"
    );
    assert_eq!(
        stdout_of(&[
            "gen-record",
            "--domain",
            "contoso.com",
            "--id",
            "x1",
            "--format",
            "zone",
            "--ttl",
            "300"
        ]),
        "_mta-sts.contoso.com. 300 IN TXT \"v=STSv1; id=x1\"\n"
    );
    assert_eq!(
        stdout_of(&[
            "gen-record",
            "--domain",
            "contoso.com",
            "--id",
            "x1",
            "--format",
            "powershell"
        ]),
        "Add-DnsServerResourceRecord -ZoneName \"contoso.com\" -Name \"_mta-sts\" -Txt -DescriptiveText \"v=STSv1; id=x1\"\n"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "gen-record",
        "--domain",
        "mañana.com",
        "--id",
        "x1",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["name"], "_mta-sts.xn--maana-pta.com");
    assert_eq!(json["type"], "TXT");
    assert_eq!(json["value"], "v=STSv1; id=x1");
}

#[test]
fn gen_record_usage_errors() {
    usage_error(&["gen-record", "--format", "zone"], &["--domain"]);
    usage_error(&["gen-record", "--format", "powershell"], &["--domain"]);
    usage_error(&["gen-record", "--format", "bind"], &["bind", "zone"]);
    usage_error(&["gen-record", "--domain", "192.0.2.1"], &["IP address"]);
    usage_error(
        &["gen-record", "--domain", "con toso.com"],
        &["not a valid domain"],
    );
    usage_error(&["gen-record", "--domain", "contoso"], &["single label"]);
    usage_error(&["gen-record", "--ttl", "-5"], &["-5"]);
    usage_error(&["gen-record", "--ttl", "soon"], &["soon", "--ttl"]);
    usage_error(&["gen-record", "--bogus"], &["--bogus"]);
}

// ---------------------------------------------------------------- gen-tlsrpt

#[test]
fn gen_tlsrpt_formats() {
    assert_eq!(
        stdout_of(&["gen-tlsrpt", "--rua", "mailto:tlsrpt@contoso.com"]),
        "v=TLSRPTv1; rua=mailto:tlsrpt@contoso.com\n"
    );
    assert_eq!(
        stdout_of(&[
            "gen-tlsrpt",
            "--rua",
            "mailto:a@contoso.com",
            "--rua",
            "https://r.contoso.com/tlsrpt",
            "--rua",
            "mailto:a@contoso.com"
        ]),
        "v=TLSRPTv1; rua=mailto:a@contoso.com,https://r.contoso.com/tlsrpt\n"
    );
    assert_eq!(
        stdout_of(&[
            "gen-tlsrpt",
            "--rua",
            "mailto:a@contoso.com",
            "--domain",
            "contoso.com",
            "--format",
            "zone"
        ]),
        "_smtp._tls.contoso.com. 3600 IN TXT \"v=TLSRPTv1; rua=mailto:a@contoso.com\"\n"
    );
    assert_eq!(
        stdout_of(&[
            "gen-tlsrpt",
            "--rua",
            "mailto:a@contoso.com",
            "--domain",
            "contoso.com",
            "--format",
            "powershell"
        ]),
        "Add-DnsServerResourceRecord -ZoneName \"contoso.com\" -Name \"_smtp._tls\" -Txt -DescriptiveText \"v=TLSRPTv1; rua=mailto:a@contoso.com\"\n"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "gen-tlsrpt",
        "--rua",
        "mailto:a@contoso.com",
        "--domain",
        "contoso.com",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["name"], "_smtp._tls.contoso.com");
}

#[test]
fn gen_tlsrpt_usage_errors() {
    usage_error(&["gen-tlsrpt"], &["--rua"]);
    usage_error(
        &["gen-tlsrpt", "--rua", "tls@contoso.com"],
        &["mailto:tls@contoso.com"],
    );
    usage_error(
        &["gen-tlsrpt", "--rua", "mailto:tls@contoso.com!10m"],
        &["%21", "size suffix"],
    );
    usage_error(
        &["gen-tlsrpt", "--rua", "http://r.contoso.com/"],
        &["https"],
    );
    usage_error(
        &["gen-tlsrpt", "--rua", "ftp://r.contoso.com/"],
        &["mailto: and https:"],
    );
    usage_error(
        &[
            "gen-tlsrpt",
            "--rua",
            "mailto:a@contoso.com",
            "--format",
            "zone",
        ],
        &["--domain"],
    );
}

// ---------------------------------------------------------------- gen-policy

#[test]
fn gen_policy_renders_crlf_in_contract_order() {
    assert_eq!(
        stdout_of(&[
            "gen-policy",
            "--mode",
            "enforce",
            "--mx",
            "*.mail.protection.outlook.com"
        ]),
        "version: STSv1\r\nmode: enforce\r\nmx: *.mail.protection.outlook.com\r\nmax_age: 604800\r\n"
    );
    assert_eq!(
        stdout_of(&[
            "gen-policy",
            "--mx",
            "mx1.contoso.com",
            "--mx",
            "MX2.contoso.com"
        ]),
        "version: STSv1\r\nmode: testing\r\nmx: mx1.contoso.com\r\nmx: mx2.contoso.com\r\nmax_age: 86400\r\n"
    );
    assert_eq!(
        stdout_of(&["gen-policy", "--mode", "none"]),
        "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n"
    );
    assert_eq!(
        stdout_of(&[
            "gen-policy",
            "--mode",
            "enforce",
            "--provider",
            "microsoft365",
            "--max-age",
            "1209600"
        ]),
        "version: STSv1\r\nmode: enforce\r\nmx: *.mail.protection.outlook.com\r\nmax_age: 1209600\r\n"
    );
    assert_eq!(
        stdout_of(&[
            "gen-policy",
            "--provider",
            "m365",
            "--mx",
            "*.mail.protection.outlook.com",
            "--mx",
            "mx.mañana.com"
        ]),
        "version: STSv1\r\nmode: testing\r\nmx: *.mail.protection.outlook.com\r\nmx: mx.xn--maana-pta.com\r\nmax_age: 86400\r\n"
    );
    assert!(
        stdout_of(&["gen-policy", "--mx", "a.example", "--max-age", "0"])
            .ends_with("max_age: 0\r\n")
    );
    assert!(
        stdout_of(&["gen-policy", "--mx", "a.example", "--max-age", "31557600"])
            .contains("max_age: 31557600\r\n")
    );
}

/// `--provider` is repeatable: a domain moving between providers lists both
/// for a while. Lines come in the order given, each once, then `--mx`.
#[test]
fn gen_policy_takes_several_providers() {
    assert_eq!(
        stdout_of(&[
            "gen-policy",
            "--provider",
            "proton-mail",
            "--provider",
            "m365",
            "--provider",
            "protonmail",
            "--provider",
            "microsoft365",
            "--mx",
            "mail.protonmail.ch",
        ]),
        "version: STSv1\r\nmode: testing\r\n\
         mx: mail.protonmail.ch\r\n\
         mx: mailsec.protonmail.ch\r\n\
         mx: *.mail.protection.outlook.com\r\n\
         max_age: 86400\r\n"
    );
    assert_eq!(
        stdout_of(&["gen-policy", "--mode", "enforce", "--provider", "zoho-eu"]),
        "version: STSv1\r\nmode: enforce\r\n\
         mx: mx.zoho.eu\r\nmx: mx2.zoho.eu\r\nmx: mx3.zoho.eu\r\n\
         max_age: 604800\r\n"
    );
    // Every provider's lines pass lint.
    for name in mtasts::model::Provider::ALL.map(|p| p.name()) {
        let policy = stdout_of(&["gen-policy", "--provider", name]);
        mtasts()
            .args(["lint", "-"])
            .write_stdin(policy)
            .assert()
            .success();
    }
}

#[test]
fn gen_policy_lists_providers() {
    let text = stdout_of(&["gen-policy", "--list-providers"]);
    for p in mtasts::model::Provider::ALL {
        assert!(
            text.contains(&format!("{}: {}", p.name(), p.title())),
            "{p:?}"
        );
        for s in p.sources() {
            assert!(text.contains(&format!("  source: {}\n    {}\n", s.url, s.says)));
        }
    }
    assert!(text.starts_with(
        "microsoft365: Microsoft 365 / Exchange Online (also: m365, office365, exchange-online)\n  mx: *.mail.protection.outlook.com\n"
    ));
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&["gen-policy", "--list-providers", "--json"])).unwrap();
    let providers = json["providers"].as_array().unwrap();
    assert_eq!(providers.len(), mtasts::model::Provider::ALL.len());
    assert_eq!(providers[0]["name"], "microsoft365");
    assert_eq!(
        providers[0]["mx"],
        serde_json::json!(["*.mail.protection.outlook.com"])
    );
    usage_error(
        &["gen-policy", "--list-providers", "--mx", "a.example"],
        &["--list-providers", "--mx"],
    );
    usage_error(
        &["gen-policy", "--list-providers", "--provider", "fastmail"],
        &["--list-providers", "--provider"],
    );
    usage_error(&["gen-policy", "--json"], &["--list-providers"]);
}

/// The provider list in README.md is the real output.
#[test]
fn readme_shows_the_real_provider_list() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let command = "```console\n$ mtasts gen-policy --list-providers\n";
    let start = readme.find(command).expect("a --list-providers block") + command.len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    assert_eq!(shown, stdout_of(&["gen-policy", "--list-providers"]));
}

#[test]
fn gen_policy_warns_about_a_short_enforce_max_age() {
    mtasts()
        .args([
            "gen-policy",
            "--mode",
            "enforce",
            "--mx",
            "a.example",
            "--max-age",
            "3600",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: max_age 3600 is short"));
}

#[test]
fn gen_policy_output_round_trips_through_lint() {
    let policy = stdout_of(&["gen-policy", "--mode", "enforce", "--mx", "mx1.contoso.com"]);
    mtasts()
        .args(["lint", "-"])
        .write_stdin(policy)
        .assert()
        .success()
        .stdout(predicate::str::contains("ok"));
}

#[test]
fn gen_policy_usage_errors() {
    usage_error(
        &["gen-policy", "--mode", "Enforce", "--mx", "a.example"],
        &["Enforce", "enforce"],
    );
    usage_error(
        &["gen-policy", "--mode", "strict", "--mx", "a.example"],
        &["strict"],
    );
    usage_error(&["gen-policy", "--mode", "enforce"], &["--mx HOST"]);
    // RFC 8461 §10.4 warns against a wildcard over the whole domain: the
    // advice must not suggest one.
    let out = mtasts()
        .args(["gen-policy", "--mode", "enforce"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("*."));
    usage_error(&["gen-policy"], &["--mx"]);
    usage_error(
        &["gen-policy", "--mx", "a.example", "--max-age", "31557601"],
        &["31557601", "31557600"],
    );
    usage_error(
        &["gen-policy", "--mx", "a.example", "--max-age", "-1"],
        &["-1"],
    );
    usage_error(
        &["gen-policy", "--mx", "a.example", "--max-age", "86400.5"],
        &["86400.5"],
    );
    usage_error(
        &["gen-policy", "--mx", "mx.contoso.com."],
        &["trailing dot"],
    );
    usage_error(&["gen-policy", "--mx", "192.0.2.25"], &["IP address"]);
    usage_error(&["gen-policy", "--mx", "mx.*.contoso.com"], &["'*'"]);
    usage_error(&["gen-policy", "--mx", "*contoso.com"], &["'*'"]);
    usage_error(&["gen-policy", "--mx", "mx_1.contoso.com"], &["'_'"]);
    usage_error(
        &["gen-policy", "--provider", "gmail"],
        &["gmail", "--provider", "microsoft365", "google-workspace"],
    );
    usage_error(
        &["gen-policy", "--mx", "a.example", "--force"],
        &["--output"],
    );
}

#[test]
fn gen_policy_output_writes_atomically_and_never_clobbers() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mta-sts.txt");
    let f = file.to_str().unwrap();
    mtasts()
        .args(["gen-policy", "--mx", "a.example", "--output", f])
        .assert()
        .success()
        .stdout("");
    let first = std::fs::read(&file).unwrap();
    assert_eq!(
        first,
        b"version: STSv1\r\nmode: testing\r\nmx: a.example\r\nmax_age: 86400\r\n"
    );
    // Same content again: fine, nothing changes.
    mtasts()
        .args(["gen-policy", "--mx", "a.example", "--output", f])
        .assert()
        .success();
    // Different content without --force: refused, file intact.
    usage_error(
        &[
            "gen-policy",
            "--mode",
            "enforce",
            "--mx",
            "b.example",
            "--output",
            f,
        ],
        &["--force", "already exists"],
    );
    assert_eq!(std::fs::read(&file).unwrap(), first);
    // A usage error never writes.
    let other = dir.path().join("other.txt");
    usage_error(
        &[
            "gen-policy",
            "--mode",
            "enforce",
            "--output",
            other.to_str().unwrap(),
        ],
        &["--mx"],
    );
    assert!(!other.exists());
    // --force replaces.
    mtasts()
        .args([
            "gen-policy",
            "--mode",
            "enforce",
            "--mx",
            "b.example",
            "--output",
            f,
            "--force",
        ])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("mx: b.example\r\n")
    );
    assert_eq!(
        only_files(dir.path()),
        vec!["mta-sts.txt".to_string()],
        "no temporary file left"
    );
    usage_error(
        &[
            "gen-policy",
            "--mx",
            "a.example",
            "--output",
            dir.path().to_str().unwrap(),
        ],
        &["directory"],
    );
    let missing = dir.path().join("no/such/dir/p.txt");
    usage_error(
        &[
            "gen-policy",
            "--mx",
            "a.example",
            "--output",
            missing.to_str().unwrap(),
        ],
        &["cannot write"],
    );
}

fn only_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------- lint

#[test]
fn lint_reports_each_problem_with_its_line() {
    let body =
        "version: STSv1\nMode: Enforce\nmx: mx.contoso.com.\nmx: 192.0.2.1\nmax_age: 31557601\n";
    let out = mtasts()
        .args(["lint", "-"])
        .write_stdin(body)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("<stdin>:2: warning[policy-key-case]: unknown key 'Mode'"),
        "{text}"
    );
    assert!(
        text.contains(
            "<stdin>:3: error[policy-mx-trailing-dot]: mx 'mx.contoso.com.' ends with a dot"
        ),
        "{text}"
    );
    assert!(
        text.contains("<stdin>:4: error[policy-mx-ip-address]: mx '192.0.2.1' is an IP address"),
        "{text}"
    );
    assert!(
        text.contains("<stdin>:5: error[policy-max-age-range]: max_age 31557601 is above"),
        "{text}"
    );
    assert!(
        text.contains("<stdin>:5: error[policy-missing-mode]: the 'mode' line is missing"),
        "{text}"
    );
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        assert_eq!(parts.next(), Some("<stdin>"));
        assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{line}");
    }
}

#[test]
fn lint_reads_files_and_accepts_lf() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mta-sts.txt");
    std::fs::write(
        &file,
        "version: STSv1\nmode: enforce\nmx: *.mail.protection.outlook.com\nmax_age: 604800\n",
    )
    .unwrap();
    let out = stdout_of(&["lint", file.to_str().unwrap()]);
    assert!(!out.contains("warning") && !out.contains("error"), "{out}");
    assert!(
        out.contains("ok: mode enforce, 1 mx pattern, max_age 604800"),
        "{out}"
    );
}

#[test]
fn lint_warnings_alone_exit_zero() {
    let body = "version: STSv1\nmode: testing\nmode: enforce\nmx: mx.contoso.com\nmax_age: 86400\n";
    mtasts()
        .args(["lint", "-"])
        .write_stdin(body)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "<stdin>:3: warning[policy-duplicate-key]: 'mode' appears again",
        ));
    let wild = "version: STSv1\nmode: enforce\nmx: *.contoso.com\nmax_age: 604800\n";
    mtasts()
        .args(["lint", "-", "--domain", "contoso.com"])
        .write_stdin(wild)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "<stdin>:3: warning[policy-mx-wildcard-domain]: mx '*.contoso.com' lets any host in contoso.com qualify",
        ));
}

#[test]
fn lint_rejects_a_trailing_blank_line_and_broad_patterns() {
    let body = "version: STSv1\r\nmode: enforce\r\nmx: mx.contoso.com\r\nmax_age: 604800\r\n\r\n";
    mtasts()
        .args(["lint", "-"])
        .write_stdin(body)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "<stdin>:5: error[policy-trailing-blank-line]: blank line",
        ));
    mtasts()
        .args(["gen-policy", "--mx", "*.com"])
        .assert()
        .success()
        .stderr(predicate::str::contains("names a top-level domain"));
}

#[test]
fn bare_mtasts_prints_help_as_a_usage_error() {
    let out = mtasts().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: mtasts"));
}

#[test]
fn lint_records() {
    mtasts()
        .args(["lint", "--record", "v=STSv1; id=20261128195300Z"])
        .assert()
        .success()
        .stdout("<record>: ok\n");
    for (bad, code, needle) in [
        ("v=STSv1; id=2024-01-01", "record-id-invalid", "'-'"),
        ("v=STSv12; id=abc", "txt-version-invalid", "v=STSv12"),
        (
            "id=abc; v=STSv1",
            "txt-version-not-first",
            "must begin with 'v=STSv1'",
        ),
        ("v=STSv1", "record-missing-id", "no id field"),
    ] {
        mtasts()
            .args(["lint", "--record", bad])
            .assert()
            .code(1)
            .stdout(
                predicate::str::starts_with(format!("<record>:1: error[{code}]: "))
                    .and(predicate::str::contains(needle)),
            );
    }
    mtasts()
        .args(["lint", "--record", "v=STSv1 ; id=abc"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "<record>:1: warning[record-space-before-semicolon]: whitespace before the first ';'",
        ));
    mtasts()
        .args(["lint", "--tlsrpt", "v=TLSRPTv1; rua=mailto:a@contoso.com"])
        .assert()
        .success();
    mtasts()
        .args([
            "lint",
            "--tlsrpt",
            "v=TLSRPTv1; rua=mailto:a@contoso.com!10m",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "<tlsrpt>:1: error[tlsrpt-rua-must-encode]: ",
        ))
        .stdout(predicate::str::contains("percent-encoded"));
}

#[test]
fn lint_escapes_hostile_bytes() {
    let body =
        b"version: STSv1\nmode: enforce\nmx: \x1b[31mevil\nmax_age: 1\n\x1b]0;title\x07: x\n";
    let out = mtasts()
        .args(["lint", "-"])
        .write_stdin(body.as_slice())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn lint_usage_errors() {
    usage_error(
        &["lint", "/no/such/policy.txt"],
        &["cannot read", "/no/such/policy.txt"],
    );
    usage_error(
        &["lint", "x.txt", "--record", "v=STSv1; id=1"],
        &["--record"],
    );
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    std::fs::write(&big, vec![b'a'; 2 * 1024 * 1024]).unwrap();
    usage_error(&["lint", big.to_str().unwrap()], &["larger than"]);
    // --json changes nothing about bad input: no document, one line.
    usage_error(
        &["lint", "--json", "/no/such/policy.txt"],
        &["cannot read", "/no/such/policy.txt"],
    );
    usage_error(&["lint", "--json", big.to_str().unwrap()], &["larger than"]);
    usage_error(
        &[
            "lint",
            "--json",
            "--record",
            "v=STSv1; id=1",
            "--tlsrpt",
            "v=TLSRPTv1",
        ],
        &["--tlsrpt"],
    );
}

/// Runs `lint --json` with `args` and `stdin`: expects `code` and exactly
/// one JSON document on stdout, nothing on stderr.
#[track_caller]
fn lint_json(args: &[&str], stdin: &str, code: i32) -> serde_json::Value {
    let out = mtasts()
        .args(["lint", "--json"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document on stdout")
}

#[test]
fn lint_json_of_a_broken_policy() {
    let v = lint_json(
        &["-"],
        "version: STSv1\nMode: Enforce\nmx: mx.contoso.com.\nmax_age: 604800\n",
        1,
    );
    assert_eq!(v["input"], "<stdin>");
    assert_eq!(v["kind"], "policy");
    assert_eq!(v["valid"], false);
    assert!(v.get("policy").is_none(), "{v}");
    let found: Vec<(&str, &str, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()), "{d}");
            (
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("policy-key-case", "warning", 2),
            ("policy-mx-trailing-dot", "error", 3),
            ("policy-missing-mode", "error", 4),
        ]
    );
}

#[test]
fn lint_json_of_a_valid_policy_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mta-sts.txt");
    std::fs::write(
        &file,
        "version: STSv1\r\nmode: enforce\r\nmx: mx1.contoso.com\r\nmx: *.contoso.net\r\nmax_age: 86400\r\n",
    )
    .unwrap();
    let v = lint_json(&[file.to_str().unwrap()], "", 0);
    assert_eq!(v["input"], file.to_str().unwrap());
    assert_eq!(v["valid"], true);
    assert_eq!(
        v["policy"],
        serde_json::json!({"mode": "enforce", "max_age": 86400, "mx": ["mx1.contoso.com", "*.contoso.net"]})
    );
    // Advice is a warning: valid all the same.
    assert_eq!(v["diagnostics"][0]["code"], "policy-max-age-short");
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
    assert_eq!(v["diagnostics"][0]["line"], 5);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1);
}

#[test]
fn lint_json_of_records() {
    let v = lint_json(&["--record", "v=STSv1; id=20261128195300Z"], "", 0);
    assert_eq!(
        v,
        serde_json::json!({
            "input": "<record>",
            "kind": "record",
            "valid": true,
            "diagnostics": [],
            "record": {"id": "20261128195300Z"},
        })
    );
    let v = lint_json(&["--record", "v=STSv1; id=2024-01-01"], "", 1);
    assert_eq!(v["valid"], false);
    assert_eq!(v["diagnostics"][0]["code"], "record-id-invalid");
    assert_eq!(v["diagnostics"][0]["severity"], "error");
    assert!(v["diagnostics"][0].get("line").is_none(), "{v}");
    assert!(v.get("record").is_none(), "{v}");
    let v = lint_json(&["--tlsrpt", "v=TLSRPTv1; rua=http://contoso.com/r"], "", 1);
    assert_eq!(v["kind"], "tlsrpt");
    assert_eq!(v["diagnostics"][0]["code"], "tlsrpt-rua-http");
    let v = lint_json(&["--tlsrpt", "v=TLSRPTv1; rua=mailto:a@contoso.com"], "", 0);
    assert_eq!(
        v["tlsrpt"]["rua"],
        serde_json::json!(["mailto:a@contoso.com"])
    );
}

/// Splits a README command line into arguments: words, or text in single
/// quotes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => words.extend((!word.is_empty()).then(|| std::mem::take(&mut word))),
            c => word.push(c),
        }
    }
    words.extend((!word.is_empty()).then_some(word));
    words
}

/// The `lint` examples in README.md are real runs, with the file they name.
#[test]
fn readme_lint_examples_are_real_runs() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme.find("### `lint`").expect("a lint section")..];
    let block = section
        .split("```console\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a console block");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mta-sts.txt"),
        "version: STSv1\nmode: Enforce\nmx: mx1.contoso.com.\nmax_age: 31557601\n",
    )
    .unwrap();
    let runs: Vec<&str> = block.split("$ mtasts ").skip(1).collect();
    assert!(runs.len() >= 4, "{block}");
    for run in runs {
        let (command, shown) = run.split_once('\n').unwrap();
        let out = mtasts()
            .args(shell_words(command))
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), shown, "{command}");
    }
}

#[test]
fn lint_shortens_a_long_line() {
    let long = "x".repeat(131_072);
    let body = format!("version: STSv1\nmode: none\n{long}\nmax_age: 86400\n");
    let out = mtasts()
        .args(["lint", "-"])
        .write_stdin(body.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.len() < 1000, "{} bytes", text.len());
    assert!(
        text.contains("<stdin>:3: error[policy-no-colon]: 'xxxxxxxx"),
        "{text}"
    );
    assert!(text.contains("x…' is not a 'key: value' line"), "{text}");
    assert!(text.contains("error[policy-too-large]"), "{text}");
    let v = lint_json(&["-"], &body, 1);
    let message = v["diagnostics"][1]["message"].as_str().unwrap();
    assert!(message.len() < 200, "{message}");
    // The same bound for a record value.
    let id = "a".repeat(100_000);
    let out = mtasts()
        .args(["lint", "--record", &format!("v=STSv1; id={id}")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.len() < 400, "{} bytes", text.len());
    assert!(text.contains("a…' is 100000 characters long"), "{text}");
}

#[test]
fn a_closed_pipe_exits_quietly() {
    use std::process::{Command as StdCommand, Stdio};
    let bin = assert_cmd::cargo::cargo_bin("mtasts");
    let mut child = StdCommand::new(bin)
        .args(["completions", "zsh"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn help_and_version() {
    mtasts()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("gen-record"));
    mtasts()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("mtasts "));
    usage_error(&["frobnicate"], &["frobnicate"]);
}

#[test]
fn color_flag_is_accepted_everywhere() {
    let body = "version: STSv1\nmode: enforce\nmax_age: 604800\n";
    let out = mtasts()
        .args(["lint", "-", "--color", "always"])
        .write_stdin(body)
        .output()
        .unwrap();
    assert!(
        out.stdout.contains(&0x1b),
        "--color always colours even into a pipe"
    );
    let out = mtasts()
        .args(["lint", "-", "--color", "never"])
        .write_stdin(body)
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b));
    let out = mtasts()
        .args(["lint", "-"])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .write_stdin(body)
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b), "NO_COLOR wins");
    usage_error(&["lint", "-", "--color", "sometimes"], &["sometimes"]);
}

/// RFC 8460's ABNF allows `rua=` twice: a warning naming the one senders
/// will likely use, not an error.
#[test]
fn lint_warns_about_a_second_rua_field() {
    let out = mtasts()
        .args([
            "lint",
            "--tlsrpt",
            "v=TLSRPTv1; rua=mailto:a@contoso.com; rua=mailto:b@contoso.com",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("warning[tlsrpt-duplicate-rua]")
            && stdout.contains("use the first (mailto:a@contoso.com)"),
        "{stdout}"
    );
}

/// RFC 8461 §3.1 allows white space only around a `;`: a record that ends
/// in a space is an error, with its code.
#[test]
fn lint_refuses_white_space_after_the_last_field() {
    let out = mtasts()
        .args(["lint", "--record", "v=STSv1; id=20261128195300Z "])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error[txt-trailing-space]"), "{stdout}");
}

/// A negative or zero number reaches the option's own message, not clap's
/// advice to write `-- -1` (which would make it a domain).
#[test]
fn negative_and_zero_numbers_are_named_as_out_of_range() {
    usage_error(
        &["check", "--expiry-warn", "-1", "contoso.com"],
        &["'-1' is not a number of days from 0 to 3650"],
    );
    usage_error(
        &["check", "--timeout", "0", "contoso.com"],
        &["from 0.001 to 3600"],
    );
    usage_error(
        &["check", "--timeout", "-2", "contoso.com"],
        &["'-2' is not a number of seconds from 0.001"],
    );
    usage_error(&["report", "--min-days", "-3", "."], &["--min-days"]);
    usage_error(&["gen-record", "--ttl", "-1"], &["--ttl"]);
}

/// A file that cannot be written says why and what to do.
#[test]
fn an_output_in_a_missing_directory_says_to_create_it() {
    let tmp = tempfile::tempdir().unwrap();
    let to = tmp.path().join("missing/mta-sts.txt");
    usage_error(
        &[
            "gen-policy",
            "--mode",
            "testing",
            "--mx",
            "mx1.contoso.com",
            "--output",
            to.to_str().unwrap(),
        ],
        &["its directory does not exist: create it first"],
    );
    usage_error(
        &["gen-tlsrpt", "--rua", "mailto:a,b@contoso.com"],
        &["(%2C)"],
    );
    let out = mtasts()
        .args(["gen-tlsrpt", "--rua", "mailto:a,b@contoso.com"])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("!10m"),
        "the size-suffix note is for '!' only"
    );
}
