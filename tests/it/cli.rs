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
    usage_error(&["gen-policy", "--mode", "enforce"], &["--mx"]);
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
    usage_error(&["gen-policy", "--provider", "gmail"], &["gmail"]);
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
        text.contains("<stdin>:2: warning: unknown key 'Mode'"),
        "{text}"
    );
    assert!(
        text.contains("<stdin>:3: error: mx 'mx.contoso.com.' ends with a dot"),
        "{text}"
    );
    assert!(
        text.contains("<stdin>:4: error: mx '192.0.2.1' is an IP address"),
        "{text}"
    );
    assert!(
        text.contains("<stdin>:5: error: max_age 31557601 is above"),
        "{text}"
    );
    assert!(text.contains("error: the 'mode' line is missing"), "{text}");
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
        .stdout(predicate::str::contains("<stdin>:3: warning"));
    let wild = "version: STSv1\nmode: enforce\nmx: *.contoso.com\nmax_age: 604800\n";
    mtasts()
        .args(["lint", "-", "--domain", "contoso.com"])
        .write_stdin(wild)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "lets any host in contoso.com qualify",
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
        .stdout(predicate::str::contains("<stdin>:5: error: blank line"));
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
    for (bad, needle) in [
        ("v=STSv1; id=2024-01-01", "'-'"),
        ("v=STSv12; id=abc", "v=STSv12"),
        ("id=abc; v=STSv1", "must begin with 'v=STSv1'"),
        ("v=STSv1", "no id field"),
    ] {
        mtasts()
            .args(["lint", "--record", bad])
            .assert()
            .code(1)
            .stdout(
                predicate::str::starts_with("<record>:1: error: ")
                    .and(predicate::str::contains(needle)),
            );
    }
    mtasts()
        .args(["lint", "--record", "v=STSv1 ; id=abc"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "<record>:1: warning: whitespace before the first ';'",
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
