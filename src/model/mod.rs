//! The policy model: every MTA-STS and TLS-RPT format the tool reads or
//! writes is parsed and rendered here, and nowhere else.
//!
//! Nothing in this module does I/O. The checker, the generators and the
//! linter all go through these types, so a rule fixed here is fixed for every
//! command at once. Every issue has a stable `code()`; [`lint`] is the
//! linter's judgement of one input, built on the parsers alone.

mod diagnostic;
mod domain;
mod hostname;
pub mod lint;
mod max_age;
mod mode;
mod mx_pattern;
mod policy;
mod provider;
mod shown;
mod sts_id;
mod sts_record;
pub mod tlsa;
mod tlsrpt;
mod txt_fields;

pub use diagnostic::{Diagnostic, Severity};
pub use domain::{Domain, DomainError};
pub use hostname::HostError;
pub use max_age::{MaxAge, MaxAgeError};
pub use mode::{Mode, ModeError};
pub use mx_pattern::{MxPattern, MxPatternError};
pub use policy::{POLICY_MAX_BYTES, PartialPolicy, Policy, PolicyIssue, PolicyParse};
pub use provider::{Provider, ProviderMx, Source};
pub use shown::SHOWN_MAX_CHARS;
pub(crate) use shown::shown;
pub use sts_id::{StsId, StsIdError};
pub use sts_record::{RecordIssue, StsRecord, StsRecordParse};
pub use tlsa::{
    MalformedTlsa, Match, Matching, RdataError, Selector, ServedTlsa, Tlsa, TlsaError, Usage,
};
pub use tlsrpt::{RuaUri, RuaUriError, TlsRptIssue, TlsRptParse, TlsRptRecord};

#[cfg(test)]
mod tests {
    use super::hostname::HostError;
    use super::txt_fields::FieldError;
    use super::*;

    /// One value of every variant of every issue `lint` reports, wrapped
    /// the way the parsers wrap them.
    fn every_code() -> Vec<&'static str> {
        let s = || "x".to_string();
        let policy = vec![
            PolicyIssue::Empty,
            PolicyIssue::TooLarge(1),
            PolicyIssue::NotUtf8,
            PolicyIssue::BlankLine,
            PolicyIssue::TrailingBlankLine,
            PolicyIssue::Comment,
            PolicyIssue::LeadingWhitespace,
            PolicyIssue::StrayCr,
            PolicyIssue::NoColon(s()),
            PolicyIssue::BadKey(s()),
            PolicyIssue::EmptyValue { key: s() },
            PolicyIssue::ControlChar { key: s(), ch: s() },
            PolicyIssue::BadVersion(s()),
            PolicyIssue::Mode(ModeError(s())),
            PolicyIssue::MaxAge(MaxAgeError::NotDigits(s())),
            PolicyIssue::MaxAge(MaxAgeError::TooLarge(1)),
            PolicyIssue::Mx(MxPatternError::Empty(s())),
            PolicyIssue::Mx(MxPatternError::TrailingDot(s())),
            PolicyIssue::Mx(MxPatternError::IpAddress(s())),
            PolicyIssue::Mx(MxPatternError::BadWildcard(s())),
            PolicyIssue::Mx(MxPatternError::NotALabels {
                input: s(),
                suggestion: s(),
            }),
            PolicyIssue::Mx(MxPatternError::Host {
                input: s(),
                reason: HostError::Empty,
            }),
            PolicyIssue::Duplicate {
                key: s(),
                first_line: 1,
            },
            PolicyIssue::WrongCase {
                found: s(),
                expected: "mode",
            },
            PolicyIssue::MissingVersion,
            PolicyIssue::MissingMode,
            PolicyIssue::MissingMaxAge,
            PolicyIssue::MissingMx(Mode::Enforce),
            PolicyIssue::DuplicateMx {
                pattern: s(),
                first_line: 1,
            },
            PolicyIssue::MaxAgeZero,
            PolicyIssue::MaxAgeShort(1),
            PolicyIssue::WildcardOwnDomain {
                pattern: s(),
                domain: s(),
            },
            PolicyIssue::BroadPattern(s()),
        ];
        let fields = || {
            vec![
                FieldError::Empty,
                FieldError::NotFirst {
                    expected: "v",
                    found: s(),
                },
                FieldError::WrongVersion {
                    expected: "v",
                    found: s(),
                },
                FieldError::EmptyField { index: 1 },
                FieldError::NoEquals(s()),
                FieldError::BadName(s()),
                FieldError::EmptyValue { name: s() },
                FieldError::BadValue { name: s(), ch: s() },
                FieldError::TrailingSpace { field: s() },
            ]
        };
        let mut record = vec![
            RecordIssue::NotText,
            RecordIssue::MissingId,
            RecordIssue::BadId(StsIdError::Empty),
            RecordIssue::BadId(StsIdError::TooLong(s(), 33)),
            RecordIssue::BadId(StsIdError::BadChar { id: s(), ch: s() }),
            RecordIssue::DuplicateId(s()),
            RecordIssue::SpaceBeforeSemicolon,
        ];
        // The field syntax is shared: its codes are reported once, here.
        record.extend(fields().into_iter().map(RecordIssue::Syntax));
        let tlsrpt = vec![
            TlsRptIssue::NotText,
            TlsRptIssue::MissingRua,
            TlsRptIssue::DuplicateRua(s()),
            TlsRptIssue::Uri(RuaUriError::Empty),
            TlsRptIssue::Uri(RuaUriError::BareAddress(s())),
            TlsRptIssue::Uri(RuaUriError::Scheme(s())),
            TlsRptIssue::Uri(RuaUriError::Http(s())),
            TlsRptIssue::Uri(RuaUriError::MustEncode {
                uri: s(),
                ch: '!',
                encoded: "%21",
            }),
            TlsRptIssue::Uri(RuaUriError::BadChar { uri: s(), ch: s() }),
            TlsRptIssue::Uri(RuaUriError::BadPercent(s())),
            TlsRptIssue::Uri(RuaUriError::BadMailto(s())),
            TlsRptIssue::Uri(RuaUriError::BadHttps(s())),
            TlsRptIssue::SpaceBeforeSemicolon,
        ];
        let mut out: Vec<&'static str> = Vec::new();
        out.extend(policy.iter().map(PolicyIssue::code));
        out.extend(record.iter().map(RecordIssue::code));
        out.extend(tlsrpt.iter().map(TlsRptIssue::code));
        // The same field errors inside a TLS-RPT record keep their codes.
        for (r, t) in fields()
            .into_iter()
            .map(|f| (RecordIssue::Syntax(f.clone()), TlsRptIssue::Syntax(f)))
        {
            assert_eq!(r.code(), t.code());
        }
        out
    }

    #[test]
    fn codes_are_unique_kebab_case_and_stable() {
        let mut codes = every_code();
        for code in &codes {
            assert!(
                code.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{code:?} is not kebab-case"
            );
        }
        let count = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), count, "a code is used twice: {codes:?}");
        // Released codes never change: this list only ever grows.
        assert_eq!(
            codes,
            [
                "policy-blank-line",
                "policy-comment",
                "policy-duplicate-key",
                "policy-duplicate-mx",
                "policy-empty",
                "policy-key-case",
                "policy-key-invalid",
                "policy-leading-whitespace",
                "policy-max-age-digits",
                "policy-max-age-range",
                "policy-max-age-short",
                "policy-max-age-zero",
                "policy-missing-max-age",
                "policy-missing-mode",
                "policy-missing-mx",
                "policy-missing-version",
                "policy-mode-invalid",
                "policy-mx-empty",
                "policy-mx-host",
                "policy-mx-ip-address",
                "policy-mx-not-a-labels",
                "policy-mx-tld",
                "policy-mx-trailing-dot",
                "policy-mx-wildcard",
                "policy-mx-wildcard-domain",
                "policy-no-colon",
                "policy-not-utf8",
                "policy-stray-cr",
                "policy-too-large",
                "policy-trailing-blank-line",
                "policy-value-control-char",
                "policy-value-empty",
                "policy-version-invalid",
                "record-duplicate-id",
                "record-id-empty",
                "record-id-invalid",
                "record-id-too-long",
                "record-missing-id",
                "record-not-utf8",
                "record-space-before-semicolon",
                "tlsrpt-duplicate-rua",
                "tlsrpt-missing-rua",
                "tlsrpt-not-utf8",
                "tlsrpt-rua-bare-address",
                "tlsrpt-rua-char",
                "tlsrpt-rua-empty",
                "tlsrpt-rua-http",
                "tlsrpt-rua-https-host",
                "tlsrpt-rua-mailto-address",
                "tlsrpt-rua-must-encode",
                "tlsrpt-rua-percent",
                "tlsrpt-rua-scheme",
                "tlsrpt-space-before-semicolon",
                "txt-empty",
                "txt-field-empty",
                "txt-field-name-invalid",
                "txt-field-no-equals",
                "txt-field-value-empty",
                "txt-field-value-invalid",
                "txt-trailing-space",
                "txt-version-invalid",
                "txt-version-not-first",
            ]
        );
    }

    #[test]
    fn severities_read_as_words() {
        assert_eq!(Severity::Error.as_str(), "error");
        assert_eq!(Severity::Warning.to_string(), "warning");
        assert!(Diagnostic::error(1, ()).is_error());
        assert!(!Diagnostic::warning(1, ()).is_error());
    }
}
