//! The linter's judgement: a policy file, an `_mta-sts` record value or a
//! `_smtp._tls` record value in, a [`LintReport`] out.
//!
//! Every rule is the parsers'; this module only decides where each finding
//! points, how bad it is, and what a valid input amounts to. It reads
//! nothing (the configuration read the input) and writes nothing
//! ([`crate::printer::lint`] does), so that each case is a unit test.

use super::{
    Diagnostic, Domain, MaxAge, Mode, MxPattern, Policy, RuaUri, Severity, StsId, StsRecord,
    TlsRptRecord,
};

/// What `lint` was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LintInput {
    /// The bytes of a policy file, as read.
    Policy(Vec<u8>),
    /// An `_mta-sts` TXT record value, such as `v=STSv1; id=…`.
    Record(String),
    /// An `_smtp._tls` TXT record value, such as `v=TLSRPTv1; rua=…`.
    TlsRpt(String),
}

/// Which format an input was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintKind {
    Policy,
    Record,
    TlsRpt,
}

impl LintKind {
    /// The name `--json` writes in `kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            LintKind::Policy => "policy",
            LintKind::Record => "record",
            LintKind::TlsRpt => "tlsrpt",
        }
    }
}

/// One finding, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintDiagnostic {
    /// The issue's stable code, such as `policy-missing-mode`.
    pub code: &'static str,
    pub severity: Severity,
    /// The policy line (1-based) the finding is about. Findings about the
    /// whole file (a missing line, advice on `max_age`) point at its last
    /// line, where an editor would add what is missing; advice about one mx
    /// pattern, at its line. `None` for record
    /// values, which are one line.
    pub line: Option<usize>,
    /// What was found and what to write instead; quoted values are escaped
    /// and bounded by the model.
    pub message: String,
}

/// What a valid input says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LintSummary {
    Policy {
        mode: Mode,
        max_age: MaxAge,
        mx: Vec<MxPattern>,
    },
    Record {
        id: StsId,
    },
    TlsRpt {
        rua: Vec<RuaUri>,
    },
}

/// The judgement of one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintReport {
    /// The name the input is shown under: a path, `<stdin>`, `<record>`…
    pub input: String,
    pub kind: LintKind,
    /// Parse findings in input order, then advice on a valid policy.
    pub diagnostics: Vec<LintDiagnostic>,
    /// Present exactly when the input is valid: senders would use it.
    pub summary: Option<LintSummary>,
}

impl LintReport {
    /// No error, warnings allowed: what makes `lint` exit 0.
    pub fn valid(&self) -> bool {
        !self
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Judges `input`, shown as `name`. `domain`, the policy's own domain when
/// known, adds the warning about an `mx` wildcard over all of it.
pub fn judge(name: &str, input: &LintInput, domain: Option<&Domain>) -> LintReport {
    let (kind, diagnostics, summary) = match input {
        LintInput::Policy(body) => {
            let (diagnostics, summary) = policy(body, domain);
            (LintKind::Policy, diagnostics, summary)
        }
        LintInput::Record(value) => {
            let parsed = StsRecord::parse(value);
            let diagnostics =
                record_diagnostics(parsed.record.as_ref().err(), &parsed.warnings, |i| {
                    (i.code(), i.to_string())
                });
            let summary = parsed.record.ok().map(|r| LintSummary::Record { id: r.id });
            (LintKind::Record, diagnostics, summary)
        }
        LintInput::TlsRpt(value) => {
            let parsed = TlsRptRecord::parse(value);
            let diagnostics =
                record_diagnostics(parsed.record.as_ref().err(), &parsed.warnings, |i| {
                    (i.code(), i.to_string())
                });
            let summary = parsed
                .record
                .ok()
                .map(|r| LintSummary::TlsRpt { rua: r.rua });
            (LintKind::TlsRpt, diagnostics, summary)
        }
    };
    LintReport {
        input: name.to_string(),
        kind,
        diagnostics,
        summary,
    }
}

fn policy(body: &[u8], domain: Option<&Domain>) -> (Vec<LintDiagnostic>, Option<LintSummary>) {
    let parsed = Policy::parse(body);
    let last = last_line(body);
    let shown = |line: usize, severity: Severity, issue: &super::PolicyIssue| LintDiagnostic {
        code: issue.code(),
        severity,
        line: Some(if line == 0 { last } else { line }),
        message: issue.to_string(),
    };
    let mut out: Vec<LintDiagnostic> = parsed
        .diagnostics
        .iter()
        .map(|d: &Diagnostic<_>| shown(d.line, d.severity, &d.issue))
        .collect();
    let summary = parsed.policy.map(|policy| {
        for advice in policy.advice(domain) {
            // Advice about one mx pattern points at its line; the rest at
            // the last line.
            let line = advice
                .mx_pattern()
                .and_then(|p| MxPattern::parse(p).ok())
                .and_then(|p| parsed.mx_lines.get(&p).copied())
                .unwrap_or(0);
            out.push(shown(line, Severity::Warning, &advice));
        }
        LintSummary::Policy {
            mode: policy.mode,
            max_age: policy.max_age,
            mx: policy.mx,
        }
    });
    (out, summary)
}

/// The number of the last line of `body`: a final line end closes the last
/// line rather than opening a new one. An empty body has one empty line.
fn last_line(body: &[u8]) -> usize {
    let pieces = body.split(|&b| b == b'\n').count();
    (pieces - usize::from(body.ends_with(b"\n"))).max(1)
}

/// A record's findings: the error that stopped the parse, if any, first,
/// then the warnings met before it.
fn record_diagnostics<I>(
    error: Option<&I>,
    warnings: &[I],
    describe: impl Fn(&I) -> (&'static str, String),
) -> Vec<LintDiagnostic> {
    let diagnostic = |severity: Severity, issue: &I| {
        let (code, message) = describe(issue);
        LintDiagnostic {
            code,
            severity,
            line: None,
            message,
        }
    };
    error
        .map(|e| diagnostic(Severity::Error, e))
        .into_iter()
        .chain(warnings.iter().map(|w| diagnostic(Severity::Warning, w)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "version: STSv1\r\nmode: enforce\r\nmx: mx1.contoso.com\r\nmax_age: 604800\r\n";

    fn lint_policy(body: &str, domain: Option<&str>) -> LintReport {
        let domain = domain.map(|d| Domain::parse(d).unwrap());
        judge(
            "mta-sts.txt",
            &LintInput::Policy(body.as_bytes().to_vec()),
            domain.as_ref(),
        )
    }

    fn codes(report: &LintReport) -> Vec<(&'static str, Severity, Option<usize>)> {
        report
            .diagnostics
            .iter()
            .map(|d| (d.code, d.severity, d.line))
            .collect()
    }

    #[test]
    fn a_valid_policy_has_no_findings_and_a_summary() {
        let report = lint_policy(GOOD, None);
        assert_eq!(report.input, "mta-sts.txt");
        assert_eq!(report.kind, LintKind::Policy);
        assert!(report.diagnostics.is_empty());
        assert!(report.valid());
        assert_eq!(
            report.summary,
            Some(LintSummary::Policy {
                mode: Mode::Enforce,
                max_age: MaxAge::ONE_WEEK,
                mx: vec![MxPattern::parse("mx1.contoso.com").unwrap()],
            })
        );
    }

    #[test]
    fn findings_keep_their_line_and_whole_file_ones_point_at_the_last_line() {
        let report = lint_policy(
            "version: STSv1\nmx: mx1.contoso.com.\n\nmax_age: 604800\n",
            None,
        );
        assert_eq!(
            codes(&report),
            vec![
                ("policy-mx-trailing-dot", Severity::Error, Some(2)),
                ("policy-blank-line", Severity::Error, Some(3)),
                ("policy-missing-mode", Severity::Error, Some(4)),
            ]
        );
        assert!(!report.valid());
        assert_eq!(report.summary, None);
        assert_eq!(
            report.diagnostics[2].message,
            "the 'mode' line is missing; add 'mode: testing' or 'mode: enforce'"
        );
    }

    #[test]
    fn warnings_alone_leave_the_policy_valid() {
        let report = lint_policy(&format!("{GOOD}mode: testing\r\n"), None);
        assert_eq!(
            codes(&report),
            vec![("policy-duplicate-key", Severity::Warning, Some(5))]
        );
        assert!(report.valid());
        assert!(report.summary.is_some());
    }

    #[test]
    fn advice_on_a_valid_policy_points_at_its_mx_line_or_the_last_line() {
        let body = "version: STSv1\nmode: enforce\nmx: *.contoso.com\nmax_age: 86400\n";
        let report = lint_policy(body, Some("contoso.com"));
        assert_eq!(
            codes(&report),
            vec![
                ("policy-max-age-short", Severity::Warning, Some(4)),
                ("policy-mx-wildcard-domain", Severity::Warning, Some(3)),
            ]
        );
        assert!(report.valid());
        let broad = "version: STSv1\nmode: testing\nmx: *.com\nmx: *.contoso.com\nmx: *.com\nmax_age: 86400\n";
        assert_eq!(
            codes(&lint_policy(broad, Some("contoso.com"))),
            vec![
                ("policy-duplicate-mx", Severity::Warning, Some(5)),
                ("policy-mx-tld", Severity::Warning, Some(3)),
                ("policy-mx-wildcard-domain", Severity::Warning, Some(4)),
            ]
        );
        // Without the domain, the wildcard cannot be judged.
        assert_eq!(
            codes(&lint_policy(body, None)),
            vec![("policy-max-age-short", Severity::Warning, Some(4))]
        );
    }

    #[test]
    fn an_invalid_policy_gets_no_advice() {
        let report = lint_policy(
            "version: STSv1\nmode: enforce\nmx: *.contoso.com\nmax_age: 0\nx\n",
            Some("contoso.com"),
        );
        assert_eq!(
            codes(&report),
            vec![("policy-no-colon", Severity::Error, Some(5))]
        );
    }

    #[test]
    fn the_last_line_counts_blank_lines_but_not_the_final_line_end() {
        assert_eq!(last_line(b""), 1);
        assert_eq!(last_line(b"\n"), 1);
        assert_eq!(last_line(b"a"), 1);
        assert_eq!(last_line(b"a\n"), 1);
        assert_eq!(last_line(b"a\nb"), 2);
        assert_eq!(last_line(b"a\r\n\r\nb\r\n"), 3);
        assert_eq!(last_line(b"a\n\n"), 2);
    }

    #[test]
    fn an_empty_policy_is_one_error_on_line_one() {
        assert_eq!(
            codes(&lint_policy("", None)),
            vec![("policy-empty", Severity::Error, Some(1))]
        );
    }

    #[test]
    fn records_put_the_error_first_and_have_no_line() {
        let report = judge(
            "<record>",
            &LintInput::Record("v=STSv1 ; id=a-b".into()),
            None,
        );
        assert_eq!(report.kind, LintKind::Record);
        assert_eq!(
            codes(&report),
            vec![
                ("record-id-invalid", Severity::Error, None),
                ("record-space-before-semicolon", Severity::Warning, None),
            ]
        );
        assert!(!report.valid());
        assert_eq!(report.summary, None);

        let report = judge(
            "<record>",
            &LintInput::Record("v=STSv1; id=abc; id=def".into()),
            None,
        );
        assert_eq!(
            codes(&report),
            vec![("record-duplicate-id", Severity::Warning, None)]
        );
        assert!(report.valid());
        assert_eq!(
            report.summary,
            Some(LintSummary::Record {
                id: StsId::parse("abc").unwrap()
            })
        );
    }

    #[test]
    fn tlsrpt_records() {
        let report = judge(
            "<tlsrpt>",
            &LintInput::TlsRpt("v=TLSRPTv1; rua=ftp://contoso.com/r".into()),
            None,
        );
        assert_eq!(report.kind, LintKind::TlsRpt);
        assert_eq!(
            codes(&report),
            vec![("tlsrpt-rua-scheme", Severity::Error, None)]
        );
        let report = judge(
            "<tlsrpt>",
            &LintInput::TlsRpt("v=TLSRPTv1 ; rua=mailto:a@contoso.com".into()),
            None,
        );
        assert_eq!(
            codes(&report),
            vec![("tlsrpt-space-before-semicolon", Severity::Warning, None)]
        );
        assert_eq!(
            report.summary,
            Some(LintSummary::TlsRpt {
                rua: vec![RuaUri::parse("mailto:a@contoso.com").unwrap()]
            })
        );
        assert_eq!(
            codes(&judge(
                "<tlsrpt>",
                &LintInput::TlsRpt("v=STSv1; id=1".into()),
                None
            )),
            vec![("txt-version-invalid", Severity::Error, None)]
        );
    }

    #[test]
    fn a_long_line_is_quoted_shortened() {
        let long = "x".repeat(131_072);
        let report = lint_policy(&format!("{GOOD}{long}\n"), None);
        assert_eq!(
            codes(&report),
            vec![
                ("policy-too-large", Severity::Error, Some(5)),
                ("policy-no-colon", Severity::Error, Some(5)),
            ]
        );
        let message = &report.diagnostics[1].message;
        assert!(message.len() < 200, "{message}");
        assert!(message.starts_with("'xxx"), "{message}");
        assert!(message.contains("x…' is not"), "{message}");
    }

    #[test]
    fn kinds_have_their_json_names() {
        assert_eq!(LintKind::Policy.as_str(), "policy");
        assert_eq!(LintKind::Record.as_str(), "record");
        assert_eq!(LintKind::TlsRpt.as_str(), "tlsrpt");
    }
}
