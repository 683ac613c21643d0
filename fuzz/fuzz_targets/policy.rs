//! The policy file (RFC 8461 §3.2), as fetched by `check` and read by
//! `lint`: parse, lint, and render what parsed back.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts::model::lint::{self, LintInput};
use mtasts::model::{Domain, MxPattern, Policy};
use mtasts_fuzz::assert_shown;

fuzz_target!(|data: &[u8]| {
    let parsed = Policy::parse(data);
    let lines = data.split(|&b| b == b'\n').count();
    for d in &parsed.diagnostics {
        assert!(d.line <= lines, "line {} of {lines}", d.line);
        assert_shown(d.issue.code(), &d.issue.to_string());
    }
    // Valid exactly when nothing is an error.
    let errors = parsed.diagnostics.iter().any(|d| d.is_error());
    assert_eq!(parsed.policy.is_some(), !errors, "{:?}", parsed.diagnostics);

    let domain = Domain::parse("example.test").expect("a valid domain");
    let report = lint::judge("input", &LintInput::Policy(data.to_vec()), Some(&domain));
    assert_eq!(report.valid(), report.summary.is_some());
    assert_eq!(report.valid(), !errors);
    for d in &report.diagnostics {
        assert_shown(d.code, &d.message);
    }

    let Some(policy) = parsed.policy else { return };
    assert_eq!(Some(policy.mode), parsed.fields.mode);
    assert_eq!(Some(policy.max_age), parsed.fields.max_age);
    assert_eq!(policy.mx, parsed.fields.mx);
    for a in policy.advice(Some(&domain)) {
        assert_shown(a.code(), &a.to_string());
    }
    // What parsed renders to a policy that parses to the same, and renders
    // the same again.
    let rendered = policy.render();
    let again = Policy::parse(rendered.as_bytes());
    assert_eq!(again.policy.as_ref(), Some(&policy), "{rendered:?}");
    assert_eq!(again.policy.map(|p| p.render()), Some(rendered));
    for pattern in &policy.mx {
        assert_eq!(MxPattern::parse(&pattern.to_string()).as_ref(), Ok(pattern));
        // RFC 8461 §4.1: an exact pattern is its host, in any case; a
        // wildcard covers exactly one more label, not its base.
        let base = pattern.base();
        if pattern.is_wildcard() {
            assert!(pattern.matches(&format!("mx1.{base}")), "{pattern}");
            assert!(pattern.matches(&format!("MX1.{}.", base.to_ascii_uppercase())));
            assert!(!pattern.matches(base), "{pattern}");
            assert!(!pattern.matches(&format!("a.b.{base}")), "{pattern}");
        } else {
            assert!(pattern.matches(base), "{pattern}");
            assert!(pattern.matches(&format!("{}.", base.to_ascii_uppercase())));
            assert!(!pattern.matches(&format!("mx1.{base}")), "{pattern}");
        }
    }
});
