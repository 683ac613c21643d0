//! `lint`'s two renderings of a [`LintReport`]: lines for people, in the
//! `NAME:LINE: severity[code]: message` form compilers use so that editors
//! can jump to the line, and one JSON document for scripts.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::model::Severity;
use crate::model::lint::{LintReport, LintSummary};

/// One line per finding, or one `ok` line when there is none.
pub fn human(report: &LintReport) -> String {
    let mut out = String::new();
    let name = &report.input;
    for d in &report.diagnostics {
        let color = match d.severity {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
        };
        let style = Style::new().fg_color(Some(color.into())).bold();
        // A record value is a single line.
        let line = d.line.unwrap_or(1);
        let _ = writeln!(
            out,
            "{name}:{line}: {style}{}[{}]{style:#}: {}",
            d.severity, d.code, d.message
        );
    }
    if report.diagnostics.is_empty() {
        match &report.summary {
            Some(LintSummary::Policy { mode, max_age, mx }) => {
                let _ = writeln!(
                    out,
                    "{name}: ok: mode {mode}, {} mx pattern{}, max_age {max_age}",
                    mx.len(),
                    if mx.len() == 1 { "" } else { "s" },
                );
            }
            Some(LintSummary::Record { .. } | LintSummary::TlsRpt { .. }) => {
                let _ = writeln!(out, "{name}: ok");
            }
            None => {}
        }
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    input: &'a str,
    kind: &'static str,
    valid: bool,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<JsonPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<JsonRecord<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tlsrpt: Option<JsonTlsRpt<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonPolicy {
    mode: &'static str,
    max_age: u32,
    mx: Vec<String>,
}

#[derive(Serialize)]
struct JsonRecord<'a> {
    id: &'a str,
}

#[derive(Serialize)]
struct JsonTlsRpt<'a> {
    rua: Vec<&'a str>,
}

/// One JSON document: `input`, `kind`, `valid`, `diagnostics` (each with
/// `code`, `severity`, `line` for a policy, and `message`), and, when the
/// input is valid, what it says under `policy`, `record` or `tlsrpt`.
pub fn json(report: &LintReport) -> String {
    let (mut policy, mut record, mut tlsrpt) = (None, None, None);
    match &report.summary {
        Some(LintSummary::Policy { mode, max_age, mx }) => {
            policy = Some(JsonPolicy {
                mode: mode.as_str(),
                max_age: max_age.secs(),
                mx: mx.iter().map(ToString::to_string).collect(),
            });
        }
        Some(LintSummary::Record { id }) => record = Some(JsonRecord { id: id.as_str() }),
        Some(LintSummary::TlsRpt { rua }) => {
            tlsrpt = Some(JsonTlsRpt {
                rua: rua.iter().map(|u| u.as_str()).collect(),
            });
        }
        None => {}
    }
    let doc = JsonReport {
        input: &report.input,
        kind: report.kind.as_str(),
        valid: report.valid(),
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code,
                severity: d.severity.as_str(),
                line: d.line,
                message: &d.message,
            })
            .collect(),
        policy,
        record,
        tlsrpt,
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lint::{LintInput, judge};

    fn report(input: LintInput) -> LintReport {
        let name = match input {
            LintInput::Policy(_) => "mta-sts.txt",
            LintInput::Record(_) => "<record>",
            LintInput::TlsRpt(_) => "<tlsrpt>",
        };
        judge(name, &input, None)
    }

    fn policy(body: &str) -> LintReport {
        report(LintInput::Policy(body.as_bytes().to_vec()))
    }

    /// The text without colour, as a pipe gets it.
    fn plain(text: &str) -> String {
        anstream::adapter::strip_str(text).to_string()
    }

    const GOOD: &str =
        "version: STSv1\nmode: enforce\nmx: mx1.contoso.com\nmx: *.contoso.net\nmax_age: 604800\n";

    #[test]
    fn human_lines_carry_name_line_severity_and_code() {
        let text = human(&policy(
            "version: STSv1\nmode: enforce\nmode: testing\nmx: mx1.contoso.com.\n",
        ));
        assert_eq!(
            plain(&text),
            "mta-sts.txt:3: warning[policy-duplicate-key]: 'mode' appears again (first on line 2); senders use the first one, remove this line\n\
             mta-sts.txt:4: error[policy-mx-trailing-dot]: mx 'mx1.contoso.com.' ends with a dot; write it without the trailing dot\n\
             mta-sts.txt:4: error[policy-missing-max-age]: the 'max_age' line is missing; add for example 'max_age: 604800'\n"
        );
        // Severity and code are coloured together, as compilers do.
        assert!(
            text.contains("error[policy-missing-max-age]\u{1b}[0m"),
            "{text:?}"
        );
    }

    #[test]
    fn human_ok_lines() {
        assert_eq!(
            human(&policy(GOOD)),
            "mta-sts.txt: ok: mode enforce, 2 mx patterns, max_age 604800\n"
        );
        assert_eq!(
            human(&policy(
                "version: STSv1\nmode: none\nmx: a.contoso.com\nmax_age: 86400\n"
            )),
            "mta-sts.txt: ok: mode none, 1 mx pattern, max_age 86400\n"
        );
        assert_eq!(
            human(&report(LintInput::Record("v=STSv1; id=1".into()))),
            "<record>: ok\n"
        );
        assert_eq!(
            human(&report(LintInput::TlsRpt(
                "v=TLSRPTv1; rua=mailto:a@contoso.com".into()
            ))),
            "<tlsrpt>: ok\n"
        );
    }

    #[test]
    fn no_ok_line_next_to_a_warning() {
        let text = plain(&human(&report(LintInput::Record("v=STSv1 ; id=1".into()))));
        assert!(
            text.starts_with("<record>:1: warning[record-space-before-semicolon]: "),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1, "{text}");
    }

    fn parse(text: &str) -> serde_json::Value {
        assert!(text.ends_with("}\n"), "{text}");
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn json_of_a_valid_policy() {
        let v = parse(&json(&policy(GOOD)));
        assert_eq!(
            v,
            serde_json::json!({
                "input": "mta-sts.txt",
                "kind": "policy",
                "valid": true,
                "diagnostics": [],
                "policy": {
                    "mode": "enforce",
                    "max_age": 604800,
                    "mx": ["mx1.contoso.com", "*.contoso.net"],
                },
            })
        );
    }

    #[test]
    fn json_of_an_invalid_policy() {
        let v = parse(&json(&policy(
            "version: STSv1\nmode: Enforce\nmx: a.contoso.com\n",
        )));
        assert_eq!(
            v,
            serde_json::json!({
                "input": "mta-sts.txt",
                "kind": "policy",
                "valid": false,
                "diagnostics": [
                    {
                        "code": "policy-mode-invalid",
                        "severity": "error",
                        "line": 2,
                        "message": "mode 'Enforce' is not valid: use enforce, testing or none (lower case)",
                    },
                    {
                        "code": "policy-missing-max-age",
                        "severity": "error",
                        "line": 3,
                        "message": "the 'max_age' line is missing; add for example 'max_age: 604800'",
                    },
                ],
            })
        );
    }

    #[test]
    fn json_of_records() {
        let v = parse(&json(&report(LintInput::Record("v=STSv1 ; id=abc".into()))));
        assert_eq!(
            v,
            serde_json::json!({
                "input": "<record>",
                "kind": "record",
                "valid": true,
                "diagnostics": [{
                    "code": "record-space-before-semicolon",
                    "severity": "warning",
                    "message": "whitespace before the first ';': strict senders discard records that do not begin with 'v=STSv1;' (erratum 6285); write 'v=STSv1; id=…'",
                }],
                "record": {"id": "abc"},
            })
        );
        let v = parse(&json(&report(LintInput::TlsRpt(
            "v=TLSRPTv1; rua=mailto:a@contoso.com,https://r.contoso.com/x".into(),
        ))));
        assert_eq!(v["kind"], "tlsrpt");
        assert_eq!(v["valid"], true);
        assert_eq!(
            v["tlsrpt"]["rua"],
            serde_json::json!(["mailto:a@contoso.com", "https://r.contoso.com/x"])
        );
        let v = parse(&json(&report(LintInput::TlsRpt("v=TLSRPTv1".into()))));
        assert_eq!(v["valid"], false);
        assert_eq!(v["diagnostics"][0]["code"], "tlsrpt-missing-rua");
        assert_eq!(v["diagnostics"][0]["severity"], "error");
        assert!(v.get("tlsrpt").is_none());
    }
}
