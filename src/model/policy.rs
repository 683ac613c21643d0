use std::fmt;

use std::collections::{HashMap, HashSet};
use thiserror::Error;

use super::diagnostic::Diagnostic;
use super::domain::Domain;
use super::max_age::{MaxAge, MaxAgeError};
use super::mode::{Mode, ModeError};
use super::mx_pattern::{MxPattern, MxPatternError};
use super::shown::shown;
use super::txt_fields::is_ext_name;

/// Senders commonly refuse policy bodies above 64 KiB.
pub const POLICY_MAX_BYTES: usize = 64 * 1024;

/// A valid MTA-STS policy (RFC 8461 §3.2). Every field the RFC requires is
/// present, so code holding a `Policy` never checks for missing parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub mode: Mode,
    pub mx: Vec<MxPattern>,
    pub max_age: MaxAge,
    /// Extension fields, in file order.
    pub extensions: Vec<(String, String)>,
}

/// What a parse found, field by field, even when the policy as a whole is
/// invalid: a checker still wants to show which mx lines it could read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartialPolicy {
    pub version: Option<String>,
    pub mode: Option<Mode>,
    pub mx: Vec<MxPattern>,
    pub max_age: Option<MaxAge>,
    pub extensions: Vec<(String, String)>,
}

/// The outcome of parsing a policy file: the policy when it is valid, what
/// could be read of it either way, and one diagnostic per problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyParse {
    pub policy: Option<Policy>,
    pub fields: PartialPolicy,
    pub diagnostics: Vec<Diagnostic<PolicyIssue>>,
    /// The line of each mx pattern (its first, when repeated), for advice
    /// about one of them.
    pub mx_lines: HashMap<MxPattern, usize>,
}

/// A rule of RFC 8461 §3.2 (or a sender's practice) that a policy breaks.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolicyIssue {
    #[error("the policy is empty")]
    Empty,
    #[error("the policy is {0} bytes; senders refuse policies larger than 64 KiB")]
    TooLarge(usize),
    #[error("the line is not valid UTF-8")]
    NotUtf8,
    #[error("blank line; the policy format allows no blank lines")]
    BlankLine,
    #[error(
        "blank line at the end of the file; the policy format allows none and strict senders reject it: remove it"
    )]
    TrailingBlankLine,
    #[error("comment line; the policy format has no comments, remove it")]
    Comment,
    #[error("the line starts with whitespace; keys must start at the beginning of the line")]
    LeadingWhitespace,
    #[error("stray carriage return; lines end with CRLF or LF")]
    StrayCr,
    #[error("'{0}' is not a 'key: value' line")]
    NoColon(String),
    #[error(
        "'{0}' is not a valid key: 1-32 letters, digits, '_', '-' or '.', starting with a letter or digit"
    )]
    BadKey(String),
    #[error("'{key}' has no value")]
    EmptyValue { key: String },
    #[error("the value of '{key}' contains a control character ({ch})")]
    ControlChar { key: String, ch: String },
    #[error("version is '{0}', it must be 'STSv1'")]
    BadVersion(String),
    #[error(transparent)]
    Mode(#[from] ModeError),
    #[error(transparent)]
    MaxAge(#[from] MaxAgeError),
    #[error(transparent)]
    Mx(#[from] MxPatternError),
    #[error(
        "'{key}' appears again (first on line {first_line}); senders use the first one, remove this line"
    )]
    Duplicate { key: String, first_line: usize },
    #[error("unknown key '{found}'; keys are case-sensitive: write '{expected}'")]
    WrongCase {
        found: String,
        expected: &'static str,
    },
    #[error("the 'version: STSv1' line is missing")]
    MissingVersion,
    #[error("the 'mode' line is missing; add 'mode: testing' or 'mode: enforce'")]
    MissingMode,
    #[error("the 'max_age' line is missing; add for example 'max_age: 604800'")]
    MissingMaxAge,
    #[error("mode {0} needs at least one 'mx:' line naming your MX hosts")]
    MissingMx(Mode),
    #[error("mx '{pattern}' appears again (first on line {first_line}); remove the duplicate")]
    DuplicateMx { pattern: String, first_line: usize },
    #[error(
        "max_age is 0: senders drop the policy at once, so it protects nothing; use 86400 or more"
    )]
    MaxAgeZero,
    #[error(
        "max_age {0} is short for enforce mode; RFC 8461 recommends weeks or more, e.g. 604800 (one week) or 1209600"
    )]
    MaxAgeShort(u32),
    #[error(
        "mx '{pattern}' lets any host in {domain} qualify as an MX (RFC 8461 §10.4); list the MX hosts themselves"
    )]
    WildcardOwnDomain { pattern: String, domain: String },
    #[error(
        "mx '{0}' names a top-level domain: it cannot be one of your MX hosts; list the MX host names"
    )]
    BroadPattern(String),
}

const KNOWN_KEYS: [&str; 4] = ["version", "mode", "mx", "max_age"];

impl Policy {
    /// Parses a policy body, as fetched or as read from a file.
    ///
    /// LF and CRLF line ends are both accepted silently (the ABNF allows
    /// either; erratum 6253). Keys and values are case-sensitive. Repeated
    /// keys other than `mx`: the first wins, with a warning.
    pub fn parse(body: &[u8]) -> PolicyParse {
        let mut p = Parser::default();
        p.run(body);
        let policy = p.finish();
        PolicyParse {
            policy,
            fields: p.fields,
            diagnostics: p.diagnostics,
            mx_lines: p.mx_lines,
        }
    }

    /// Renders the policy the way senders read it most reliably: CRLF line
    /// ends, keys in the order version, mode, mx…, max_age, then extensions.
    pub fn render(&self) -> String {
        self.to_string()
    }

    /// Advice about a valid policy that senders would still accept: too
    /// short a max_age, or a wildcard over the policy domain itself.
    pub fn advice(&self, domain: Option<&Domain>) -> Vec<PolicyIssue> {
        let mut out = Vec::new();
        if self.max_age.secs() == 0 {
            out.push(PolicyIssue::MaxAgeZero);
        } else if self.mode == Mode::Enforce && self.max_age < MaxAge::ONE_WEEK {
            out.push(PolicyIssue::MaxAgeShort(self.max_age.secs()));
        }
        for pat in &self.mx {
            if !pat.base().contains('.') {
                out.push(PolicyIssue::BroadPattern(pat.to_string()));
            }
        }
        if let Some(domain) = domain {
            for pat in &self.mx {
                if pat.is_wildcard() && pat.base() == domain.as_str() {
                    out.push(PolicyIssue::WildcardOwnDomain {
                        pattern: pat.to_string(),
                        domain: domain.to_string(),
                    });
                }
            }
        }
        out
    }
}

impl PolicyIssue {
    /// The mx pattern a piece of [`Policy::advice`] is about, if one.
    pub fn mx_pattern(&self) -> Option<&str> {
        match self {
            PolicyIssue::BroadPattern(pattern) | PolicyIssue::WildcardOwnDomain { pattern, .. } => {
                Some(pattern)
            }
            _ => None,
        }
    }

    /// The issue's stable diagnostic code, shown by `lint` and in its JSON.
    /// Scripts match on these: once released, a code never changes meaning.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyIssue::Empty => "policy-empty",
            PolicyIssue::TooLarge(_) => "policy-too-large",
            PolicyIssue::NotUtf8 => "policy-not-utf8",
            PolicyIssue::BlankLine => "policy-blank-line",
            PolicyIssue::TrailingBlankLine => "policy-trailing-blank-line",
            PolicyIssue::Comment => "policy-comment",
            PolicyIssue::LeadingWhitespace => "policy-leading-whitespace",
            PolicyIssue::StrayCr => "policy-stray-cr",
            PolicyIssue::NoColon(_) => "policy-no-colon",
            PolicyIssue::BadKey(_) => "policy-key-invalid",
            PolicyIssue::EmptyValue { .. } => "policy-value-empty",
            PolicyIssue::ControlChar { .. } => "policy-value-control-char",
            PolicyIssue::BadVersion(_) => "policy-version-invalid",
            PolicyIssue::Mode(e) => e.code(),
            PolicyIssue::MaxAge(e) => e.code(),
            PolicyIssue::Mx(e) => e.code(),
            PolicyIssue::Duplicate { .. } => "policy-duplicate-key",
            PolicyIssue::WrongCase { .. } => "policy-key-case",
            PolicyIssue::MissingVersion => "policy-missing-version",
            PolicyIssue::MissingMode => "policy-missing-mode",
            PolicyIssue::MissingMaxAge => "policy-missing-max-age",
            PolicyIssue::MissingMx(_) => "policy-missing-mx",
            PolicyIssue::DuplicateMx { .. } => "policy-duplicate-mx",
            PolicyIssue::MaxAgeZero => "policy-max-age-zero",
            PolicyIssue::MaxAgeShort(_) => "policy-max-age-short",
            PolicyIssue::WildcardOwnDomain { .. } => "policy-mx-wildcard-domain",
            PolicyIssue::BroadPattern(_) => "policy-mx-tld",
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "version: STSv1\r\nmode: {}\r\n", self.mode)?;
        for mx in &self.mx {
            write!(f, "mx: {mx}\r\n")?;
        }
        write!(f, "max_age: {}\r\n", self.max_age)?;
        for (k, v) in &self.extensions {
            write!(f, "{k}: {v}\r\n")?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct Parser {
    fields: PartialPolicy,
    diagnostics: Vec<Diagnostic<PolicyIssue>>,
    /// Line of the first occurrence of each single-valued key (maps, so
    /// that a file of many keys costs no more than its size).
    first_seen: HashMap<String, usize>,
    mx_lines: HashMap<MxPattern, usize>,
    /// The keys of every line that names one, valid or not: a key whose
    /// line is wrong is not reported missing as well.
    present: HashSet<String>,
}

impl Parser {
    fn error(&mut self, line: usize, issue: PolicyIssue) {
        self.diagnostics.push(Diagnostic::error(line, issue));
    }

    fn warning(&mut self, line: usize, issue: PolicyIssue) {
        self.diagnostics.push(Diagnostic::warning(line, issue));
    }

    fn run(&mut self, body: &[u8]) {
        if body.is_empty() {
            self.error(0, PolicyIssue::Empty);
            return;
        }
        if body.len() > POLICY_MAX_BYTES {
            self.error(0, PolicyIssue::TooLarge(body.len()));
        }
        let mut lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
        // A final terminator leaves one empty piece behind: that is the end of
        // the last line, not a blank line.
        if lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        let trailing_blanks = lines
            .iter()
            .rev()
            .take_while(|l| l.is_empty() || **l == b"\r")
            .count();
        let trailing_blank_from = lines.len() - trailing_blanks;
        for (i, raw) in lines.iter().enumerate() {
            let number = i + 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            if raw.is_empty() {
                if i >= trailing_blank_from {
                    self.error(number, PolicyIssue::TrailingBlankLine);
                } else {
                    self.error(number, PolicyIssue::BlankLine);
                }
                continue;
            }
            match std::str::from_utf8(raw) {
                Ok(line) => self.line(number, line),
                Err(_) => {
                    // An unreadable line with a readable key is still that
                    // key's line: no "missing" on top.
                    if let Some(key) = raw
                        .split(|&b| b == b':')
                        .next()
                        .and_then(|k| std::str::from_utf8(k).ok())
                        .filter(|k| is_ext_name(k))
                    {
                        self.present.insert(key.to_string());
                    }
                    self.error(number, PolicyIssue::NotUtf8)
                }
            }
        }
    }

    fn line(&mut self, number: usize, line: &str) {
        if line.contains('\r') {
            return self.error(number, PolicyIssue::StrayCr);
        }
        if line.starts_with([' ', '\t']) {
            return self.error(number, PolicyIssue::LeadingWhitespace);
        }
        if line.starts_with('#') {
            return self.error(number, PolicyIssue::Comment);
        }
        let Some((key, rest)) = line.split_once(':') else {
            return self.error(number, PolicyIssue::NoColon(shown(line)));
        };
        if !is_ext_name(key) {
            return self.error(number, PolicyIssue::BadKey(shown(key)));
        }
        self.present.insert(key.to_string());
        // `":" *WSP value *WSP`: whitespace around the value is not part of it.
        let value = rest.trim_matches([' ', '\t']);
        if value.is_empty() {
            return self.error(
                number,
                PolicyIssue::EmptyValue {
                    key: key.to_string(),
                },
            );
        }
        if let Some(ch) = value.chars().find(|c| c.is_control()) {
            return self.error(
                number,
                PolicyIssue::ControlChar {
                    key: key.to_string(),
                    ch: shown(&ch.to_string()),
                },
            );
        }
        if key == "mx" {
            return self.mx(number, value);
        }
        if let Some(&first_line) = self.first_seen.get(key) {
            return self.warning(
                number,
                PolicyIssue::Duplicate {
                    key: key.to_string(),
                    first_line,
                },
            );
        }
        self.first_seen.insert(key.to_string(), number);
        match key {
            "version" => {
                self.fields.version = Some(value.to_string());
                if value != "STSv1" {
                    self.error(number, PolicyIssue::BadVersion(shown(value)));
                }
            }
            "mode" => match Mode::parse(value) {
                Ok(mode) => self.fields.mode = Some(mode),
                Err(e) => self.error(number, e.into()),
            },
            "max_age" => match MaxAge::parse(value) {
                Ok(age) => self.fields.max_age = Some(age),
                Err(e) => self.error(number, e.into()),
            },
            _ => {
                if let Some(expected) = KNOWN_KEYS.iter().find(|k| k.eq_ignore_ascii_case(key)) {
                    self.warning(
                        number,
                        PolicyIssue::WrongCase {
                            found: key.to_string(),
                            expected,
                        },
                    );
                }
                self.fields
                    .extensions
                    .push((key.to_string(), value.to_string()));
            }
        }
    }

    fn mx(&mut self, number: usize, value: &str) {
        match MxPattern::parse(value) {
            Ok(pattern) => {
                if let Some(&first_line) = self.mx_lines.get(&pattern) {
                    self.warning(
                        number,
                        PolicyIssue::DuplicateMx {
                            pattern: pattern.to_string(),
                            first_line,
                        },
                    );
                    return;
                }
                self.mx_lines.insert(pattern.clone(), number);
                self.fields.mx.push(pattern);
            }
            Err(e) => self.error(number, e.into()),
        }
    }

    fn finish(&mut self) -> Option<Policy> {
        if self
            .diagnostics
            .iter()
            .any(|d| matches!(d.issue, PolicyIssue::Empty))
        {
            return None;
        }
        if self.fields.version.is_none() && !self.present.contains("version") {
            self.error(0, PolicyIssue::MissingVersion);
        }
        if self.fields.mode.is_none() && !self.present.contains("mode") {
            self.error(0, PolicyIssue::MissingMode);
        }
        if self.fields.max_age.is_none() && !self.present.contains("max_age") {
            self.error(0, PolicyIssue::MissingMaxAge);
        }
        if let Some(mode) = self.fields.mode
            && mode != Mode::None
            && self.fields.mx.is_empty()
            && !self.present.contains("mx")
        {
            self.error(0, PolicyIssue::MissingMx(mode));
        }
        if self.diagnostics.iter().any(Diagnostic::is_error) {
            return None;
        }
        Some(Policy {
            mode: self.fields.mode?,
            mx: self.fields.mx.clone(),
            max_age: self.fields.max_age?,
            extensions: self.fields.extensions.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    fn ok(body: &str) -> Policy {
        let p = Policy::parse(body.as_bytes());
        assert!(
            !p.diagnostics.iter().any(|d| d.is_error()),
            "{body:?}: {:?}",
            p.diagnostics
        );
        p.policy.expect("valid policy")
    }

    fn issues(body: &str) -> Vec<(usize, Severity, PolicyIssue)> {
        Policy::parse(body.as_bytes())
            .diagnostics
            .into_iter()
            .map(|d| (d.line, d.severity, d.issue))
            .collect()
    }

    fn has_error(body: &str, pred: impl Fn(&PolicyIssue) -> bool) {
        let p = Policy::parse(body.as_bytes());
        assert!(p.policy.is_none(), "{body:?} parsed");
        assert!(
            p.diagnostics.iter().any(|d| d.is_error() && pred(&d.issue)),
            "{body:?}: {:?}",
            p.diagnostics
        );
    }

    const GOOD: &str = "version: STSv1\r\nmode: enforce\r\nmx: *.mail.protection.outlook.com\r\nmax_age: 604800\r\n";

    #[test]
    fn parses_crlf_lf_and_no_final_newline_silently() {
        let crlf = ok(GOOD);
        assert_eq!(crlf.mode, Mode::Enforce);
        assert_eq!(crlf.mx.len(), 1);
        assert_eq!(crlf.max_age.secs(), 604_800);
        let lf = GOOD.replace("\r\n", "\n");
        assert_eq!(ok(&lf), crlf);
        assert!(issues(&lf).is_empty());
        assert_eq!(ok(GOOD.trim_end()), crlf);
        assert!(issues(GOOD).is_empty());
    }

    #[test]
    fn renders_crlf_in_contract_order() {
        let p = ok(
            "max_age: 86400\nmx: b.example.com\nmode: testing\nmx: *.a.example.com\nversion: STSv1\next: x y\n",
        );
        assert_eq!(
            p.render(),
            "version: STSv1\r\nmode: testing\r\nmx: b.example.com\r\nmx: *.a.example.com\r\nmax_age: 86400\r\next: x y\r\n"
        );
    }

    #[test]
    fn whitespace_around_values_is_allowed() {
        let p = ok("version:STSv1\nmode:\tenforce  \nmx:  mx.example.com\nmax_age: 604800 \n");
        assert_eq!(p.mx[0].to_string(), "mx.example.com");
    }

    #[test]
    fn keys_are_case_sensitive() {
        let body = "version: STSv1\nMode: Enforce\nmx: mx.example.com\nmax_age: 604800\n";
        let found = issues(body);
        assert!(found.contains(&(
            2,
            Severity::Warning,
            PolicyIssue::WrongCase {
                found: "Mode".into(),
                expected: "mode"
            }
        )));
        assert!(found.contains(&(0, Severity::Error, PolicyIssue::MissingMode)));
        has_error(
            "version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\n",
            |i| matches!(i, PolicyIssue::Mode(_)),
        );
        has_error(
            "Version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n",
            |i| *i == PolicyIssue::MissingVersion,
        );
    }

    #[test]
    fn max_age_rules() {
        has_error(&GOOD.replace("604800", "31557601"), |i| {
            matches!(i, PolicyIssue::MaxAge(MaxAgeError::TooLarge(_)))
        });
        has_error(&GOOD.replace("604800", "86400.5"), |i| {
            matches!(i, PolicyIssue::MaxAge(MaxAgeError::NotDigits(_)))
        });
        has_error(&GOOD.replace("604800", "-1"), |i| {
            matches!(i, PolicyIssue::MaxAge(MaxAgeError::NotDigits(_)))
        });
        has_error(&GOOD.replace("604800", "12345678901"), |i| {
            matches!(i, PolicyIssue::MaxAge(_))
        });
        assert_eq!(
            ok(&GOOD.replace("604800", "31557600")).max_age.secs(),
            31_557_600
        );
    }

    #[test]
    fn mx_rules() {
        has_error(
            &GOOD.replace("*.mail.protection.outlook.com", "mx.example.com."),
            |i| matches!(i, PolicyIssue::Mx(MxPatternError::TrailingDot(_))),
        );
        has_error(
            &GOOD.replace("*.mail.protection.outlook.com", "192.0.2.1"),
            |i| matches!(i, PolicyIssue::Mx(MxPatternError::IpAddress(_))),
        );
        has_error(
            &GOOD.replace("*.mail.protection.outlook.com", "mx.mañana.com"),
            |i| matches!(i, PolicyIssue::Mx(MxPatternError::NotALabels { .. })),
        );
        has_error(
            &GOOD.replace("*.mail.protection.outlook.com", "a.example, b.example"),
            |i| matches!(i, PolicyIssue::Mx(_)),
        );
        assert!(
            ok(&GOOD.replace("*.mail.protection.outlook.com", "mx.xn--maana-pta.com")).mx[0]
                .matches("MX.xn--maana-pta.com.")
        );
        has_error("version: STSv1\nmode: enforce\nmax_age: 604800\n", |i| {
            *i == PolicyIssue::MissingMx(Mode::Enforce)
        });
        has_error("version: STSv1\nmode: testing\nmax_age: 604800\n", |i| {
            *i == PolicyIssue::MissingMx(Mode::Testing)
        });
        assert!(
            ok("version: STSv1\nmode: none\nmax_age: 86400\n")
                .mx
                .is_empty()
        );
    }

    #[test]
    fn a_key_whose_line_is_wrong_is_not_missing_too() {
        let missing = |body: &[u8]| -> Vec<PolicyIssue> {
            Policy::parse(body)
                .diagnostics
                .into_iter()
                .map(|d| d.issue)
                .filter(|i| {
                    matches!(
                        i,
                        PolicyIssue::MissingVersion
                            | PolicyIssue::MissingMode
                            | PolicyIssue::MissingMaxAge
                            | PolicyIssue::MissingMx(_)
                    )
                })
                .collect()
        };
        let good = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 604800\n";
        assert_eq!(missing(good.as_bytes()), []);
        for (from, to) in [
            ("version: STSv1", "version:"),
            ("mode: enforce", "mode: "),
            ("mode: enforce", "mode: enf\x07orce"),
            ("max_age: 604800", "max_age:\t"),
            ("mx: mx.example.com", "mx:"),
        ] {
            let body = good.replace(from, to);
            assert_eq!(missing(body.as_bytes()), [], "{body:?}");
        }
        let mut unreadable = good.replace("mode: enforce", "mode: ").into_bytes();
        let at = unreadable.windows(6).position(|w| w == b"mode: ").unwrap() + 6;
        unreadable.splice(at..at, [0xff, 0xfe]);
        assert_eq!(
            missing(&unreadable),
            [],
            "a line that is not UTF-8 still names its key"
        );
        // A key in the wrong case is another key: mode is still missing.
        assert_eq!(
            missing(good.replace("mode:", "Mode:").as_bytes()),
            [PolicyIssue::MissingMode]
        );
        // Bytes that are no key do not hide a missing one.
        let mut junk = good.replace("mode: enforce\n", "").into_bytes();
        junk.extend(b"\xffmode\n");
        assert_eq!(missing(&junk), [PolicyIssue::MissingMode]);
    }

    #[test]
    fn several_mx_lines_and_duplicates() {
        let p = ok(
            "version: STSv1\nmode: enforce\nmx: a.example.com\nmx: *.b.example.com\nmx: a.example.com\nmax_age: 604800\n",
        );
        assert_eq!(p.mx.len(), 2);
        let found = issues(
            "version: STSv1\nmode: enforce\nmx: a.example.com\nmx: A.example.com\nmax_age: 604800\n",
        );
        assert_eq!(
            found,
            vec![(
                4,
                Severity::Warning,
                PolicyIssue::DuplicateMx {
                    pattern: "a.example.com".into(),
                    first_line: 3
                }
            )]
        );
    }

    #[test]
    fn first_of_repeated_keys_wins_with_a_warning() {
        let body = "version: STSv1\nmode: testing\nmode: enforce\nmx: a.example.com\nmax_age: 86400\nmax_age: 604800\n";
        let parsed = Policy::parse(body.as_bytes());
        let p = parsed.policy.unwrap();
        assert_eq!(p.mode, Mode::Testing);
        assert_eq!(p.max_age.secs(), 86400);
        assert_eq!(
            parsed
                .diagnostics
                .iter()
                .map(|d| (d.line, d.severity))
                .collect::<Vec<_>>(),
            vec![(3, Severity::Warning), (6, Severity::Warning)]
        );
    }

    #[test]
    fn extension_fields_are_kept_in_order() {
        let p = ok(&format!("{GOOD}zeta: 1\nalpha: two words\n"));
        assert_eq!(
            p.extensions,
            vec![
                ("zeta".into(), "1".into()),
                ("alpha".into(), "two words".into())
            ]
        );
    }

    #[test]
    fn layout_errors_carry_line_numbers() {
        let found = issues(
            "version: STSv1\n\nmode: enforce\n# note\n mx: a.example.com\nmx: a.example.com\nmax_age 5\nbad key: 1\n",
        );
        let lines: Vec<(usize, Severity)> = found.iter().map(|(l, s, _)| (*l, *s)).collect();
        assert!(lines.contains(&(2, Severity::Error)), "{found:?}");
        assert!(found.contains(&(4, Severity::Error, PolicyIssue::Comment)));
        assert!(found.contains(&(5, Severity::Error, PolicyIssue::LeadingWhitespace)));
        assert!(
            found
                .iter()
                .any(|(l, _, i)| *l == 7 && matches!(i, PolicyIssue::NoColon(_)))
        );
        assert!(
            found
                .iter()
                .any(|(l, _, i)| *l == 8 && matches!(i, PolicyIssue::BadKey(_)))
        );
    }

    #[test]
    fn trailing_blank_line_is_an_error() {
        let found = issues(&format!("{GOOD}\r\n"));
        assert_eq!(
            found,
            vec![(5, Severity::Error, PolicyIssue::TrailingBlankLine)]
        );
    }

    #[test]
    fn hostile_bytes() {
        has_error(
            "version: STSv1\nmode: enforce\x1b[31m\nmx: a.example\nmax_age: 1\n",
            |i| matches!(i, PolicyIssue::ControlChar { .. }),
        );
        has_error(
            "version: STSv1\nmode: enf\rorce\nmx: a.example\nmax_age: 1\n",
            |i| *i == PolicyIssue::StrayCr,
        );
        let p = Policy::parse(b"version: STSv1\nmode: enforce\nmx: \xff\nmax_age: 1\n");
        assert!(
            p.diagnostics
                .iter()
                .any(|d| d.line == 3 && d.issue == PolicyIssue::NotUtf8)
        );
        has_error("", |i| *i == PolicyIssue::Empty);
        let big = format!("{GOOD}{}", "x: y\n".repeat(14_000));
        has_error(&big, |i| matches!(i, PolicyIssue::TooLarge(_)));
    }

    #[test]
    fn version_must_be_stsv1() {
        has_error(&GOOD.replace("STSv1", "STSv2"), |i| {
            matches!(i, PolicyIssue::BadVersion(_))
        });
    }

    #[test]
    fn exactly_64_kib_is_allowed_one_byte_more_is_not() {
        assert_eq!(POLICY_MAX_BYTES, 65_536);
        let pad = POLICY_MAX_BYTES - GOOD.len() - "x: \n".len();
        let exact = format!("{GOOD}x: {}\n", "a".repeat(pad));
        assert_eq!(exact.len(), POLICY_MAX_BYTES);
        assert!(issues(&exact).is_empty());
        let over = format!("{GOOD}x: {}\n", "a".repeat(pad + 1));
        let parsed = Policy::parse(over.as_bytes());
        assert_eq!(parsed.policy, None);
        assert_eq!(
            issues(&over),
            vec![(
                0,
                Severity::Error,
                PolicyIssue::TooLarge(POLICY_MAX_BYTES + 1)
            )]
        );
    }

    #[test]
    fn missing_lines_are_reported_only_when_absent() {
        assert_eq!(
            issues("ext: 1\n"),
            vec![
                (0, Severity::Error, PolicyIssue::MissingVersion),
                (0, Severity::Error, PolicyIssue::MissingMode),
                (0, Severity::Error, PolicyIssue::MissingMaxAge),
            ]
        );
        // A line that is there but wrong gets its own error, not "missing".
        assert_eq!(
            issues("version: STSv2\nmode: strict\nmx: a.example\nmax_age: soon\n"),
            vec![
                (1, Severity::Error, PolicyIssue::BadVersion("STSv2".into())),
                (
                    2,
                    Severity::Error,
                    PolicyIssue::Mode(ModeError("strict".into()))
                ),
                (
                    4,
                    Severity::Error,
                    PolicyIssue::MaxAge(MaxAgeError::NotDigits("soon".into()))
                ),
            ]
        );
        assert_eq!(
            issues("version: STSv1\nmode: enforce\nmx: a.example\n"),
            vec![(0, Severity::Error, PolicyIssue::MissingMaxAge)]
        );
        assert_eq!(
            issues("version: STSv1\nmx: a.example\nmax_age: 86400\n"),
            vec![(0, Severity::Error, PolicyIssue::MissingMode)]
        );
        assert_eq!(
            issues("mode: none\nmax_age: 86400\n"),
            vec![(0, Severity::Error, PolicyIssue::MissingVersion)]
        );
    }

    #[test]
    fn missing_mx_only_when_no_mx_line_was_tried() {
        assert_eq!(
            issues("version: STSv1\nmode: enforce\nmax_age: 604800\n"),
            vec![(0, Severity::Error, PolicyIssue::MissingMx(Mode::Enforce))]
        );
        assert_eq!(
            issues("version: STSv1\nmode: enforce\nmx: 192.0.2.1\nmax_age: 604800\n"),
            vec![(
                3,
                Severity::Error,
                PolicyIssue::Mx(MxPatternError::IpAddress("192.0.2.1".into()))
            )]
        );
        // An unreadable mx line is still an mx line…
        let p = Policy::parse(b"version: STSv1\nmode: enforce\nmx: \xff\nmax_age: 604800\n");
        assert_eq!(
            p.diagnostics,
            vec![Diagnostic::error(3, PolicyIssue::NotUtf8)]
        );
        // …and an unreadable other line is not.
        let p = Policy::parse(b"version: STSv1\nmode: testing\nx: \xff\nmax_age: 604800\n");
        assert_eq!(
            p.diagnostics,
            vec![
                Diagnostic::error(3, PolicyIssue::NotUtf8),
                Diagnostic::error(0, PolicyIssue::MissingMx(Mode::Testing)),
            ]
        );
        // One good mx line is enough, whatever the others.
        assert_eq!(
            issues("version: STSv1\nmode: testing\nmx: a.example\nmx: b.example.\nmax_age: 1\n"),
            vec![(
                4,
                Severity::Error,
                PolicyIssue::Mx(MxPatternError::TrailingDot("b.example.".into()))
            )]
        );
        let none = Policy::parse(b"version: STSv1\nmode: none\nmax_age: 86400\n");
        assert!(none.diagnostics.is_empty());
        assert_eq!(none.policy.map(|p| p.mode), Some(Mode::None));
    }

    #[test]
    fn an_empty_policy_is_only_empty() {
        assert_eq!(issues(""), vec![(0, Severity::Error, PolicyIssue::Empty)]);
        assert_eq!(Policy::parse(b"").fields, PartialPolicy::default());
    }

    #[test]
    fn blank_lines_inside_and_at_the_end() {
        assert_eq!(
            issues(&GOOD.replacen("\r\n", "\r\n\r\n", 1)),
            vec![(2, Severity::Error, PolicyIssue::BlankLine)]
        );
        // Just before the last line is still inside.
        assert_eq!(
            issues(&GOOD.replace("\r\nmax_age", "\r\n\nmax_age")),
            vec![(4, Severity::Error, PolicyIssue::BlankLine)]
        );
        assert_eq!(
            issues(&format!("{GOOD}\n\n")),
            vec![
                (5, Severity::Error, PolicyIssue::TrailingBlankLine),
                (6, Severity::Error, PolicyIssue::TrailingBlankLine),
            ]
        );
        let found = issues("\n");
        assert_eq!(
            found[0],
            (1, Severity::Error, PolicyIssue::TrailingBlankLine)
        );
        assert!(
            found[1..].iter().all(|(line, _, _)| *line == 0),
            "{found:?}"
        );
    }

    #[test]
    fn line_layout_rules() {
        assert_eq!(
            issues(&GOOD.replace("mode:", "\tmode:")),
            vec![
                (2, Severity::Error, PolicyIssue::LeadingWhitespace),
                (0, Severity::Error, PolicyIssue::MissingMode),
            ]
        );
        assert_eq!(
            issues(&format!("{GOOD}ext:  \t\n")),
            vec![(
                5,
                Severity::Error,
                PolicyIssue::EmptyValue { key: "ext".into() }
            )]
        );
        assert_eq!(
            issues(&format!("{GOOD}ext: a\u{7f}b\n")),
            vec![(
                5,
                Severity::Error,
                PolicyIssue::ControlChar {
                    key: "ext".into(),
                    ch: "\\x7f".into()
                }
            )]
        );
        assert_eq!(
            issues(&format!("{GOOD}-x: 1\n")),
            vec![(5, Severity::Error, PolicyIssue::BadKey("-x".into()))]
        );
    }

    #[test]
    fn only_known_keys_get_the_case_warning_and_extensions_keep_the_first() {
        let parsed =
            Policy::parse(format!("{GOOD}Max_Age: 1\nFoo: 1\nfoo: 2\nfoo: 3\n").as_bytes());
        assert_eq!(
            parsed
                .diagnostics
                .iter()
                .map(|d| (d.line, d.severity, d.issue.clone()))
                .collect::<Vec<_>>(),
            vec![
                (
                    5,
                    Severity::Warning,
                    PolicyIssue::WrongCase {
                        found: "Max_Age".into(),
                        expected: "max_age"
                    }
                ),
                (
                    8,
                    Severity::Warning,
                    PolicyIssue::Duplicate {
                        key: "foo".into(),
                        first_line: 7
                    }
                ),
            ]
        );
        assert_eq!(
            parsed.policy.unwrap().extensions,
            vec![
                ("Max_Age".into(), "1".into()),
                ("Foo".into(), "1".into()),
                ("foo".into(), "2".into())
            ]
        );
    }

    #[test]
    fn a_long_line_is_quoted_shortened() {
        let long = "v".repeat(131_072);
        let found = issues(&format!("version: STSv1\n{long}\n"));
        let message = found
            .iter()
            .find(|(line, _, _)| *line == 2)
            .map(|(_, _, issue)| issue.to_string())
            .unwrap();
        assert_eq!(
            message,
            format!(
                "'{}…' is not a 'key: value' line",
                "v".repeat(crate::model::SHOWN_MAX_CHARS)
            )
        );
    }

    #[test]
    fn advice_at_its_bounds() {
        let dom = Domain::parse("example.com").unwrap();
        let enforce = |age: &str| ok(&GOOD.replace("604800", age)).advice(Some(&dom));
        assert!(enforce("604800").is_empty());
        assert_eq!(enforce("604799"), vec![PolicyIssue::MaxAgeShort(604_799)]);
        assert_eq!(enforce("0"), vec![PolicyIssue::MaxAgeZero]);
        let testing = ok("version: STSv1\nmode: testing\nmx: a.example.com\nmax_age: 86400\n");
        assert!(testing.advice(Some(&dom)).is_empty());
        let broad = ok("version: STSv1\nmode: testing\nmx: *.com\nmx: com\nmax_age: 86400\n");
        assert_eq!(
            broad.advice(None),
            vec![
                PolicyIssue::BroadPattern("*.com".into()),
                PolicyIssue::BroadPattern("com".into())
            ]
        );
        // Only a wildcard over the domain itself: not the domain as a
        // host, not a wildcard over another domain.
        let other = ok(
            "version: STSv1\nmode: testing\nmx: example.com\nmx: *.mail.example.com\nmx: *.example.net\nmax_age: 86400\n",
        );
        assert!(other.advice(Some(&dom)).is_empty());
    }

    #[test]
    fn advice() {
        let dom = Domain::parse("example.com").unwrap();
        let p = ok("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400\n");
        let advice = p.advice(Some(&dom));
        assert!(advice.contains(&PolicyIssue::MaxAgeShort(86400)));
        assert!(
            advice
                .iter()
                .any(|i| matches!(i, PolicyIssue::WildcardOwnDomain { .. }))
        );
        assert_eq!(
            ok("version: STSv1\nmode: testing\nmx: a.example\nmax_age: 0\n").advice(None),
            vec![PolicyIssue::MaxAgeZero]
        );
        assert!(ok(GOOD).advice(Some(&dom)).is_empty());
    }
}
