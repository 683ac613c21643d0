use std::fmt;

use thiserror::Error;

use super::hostname::{HostError, check_ascii_hostname, looks_like_ip};
use super::shown::shown;

/// One `mx:` value of a policy: an exact host name, or `*.` followed by a
/// host name (RFC 8461 §3.2, §4.1). Stored in lower case A-labels.
///
/// Only valid patterns can be built, so matching never has to second-guess
/// its input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MxPattern {
    /// The host part, without any `*.`.
    base: String,
    wildcard: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MxPatternError {
    #[error("mx '{0}' is empty")]
    Empty(String),
    #[error("mx '{0}' ends with a dot; write it without the trailing dot")]
    TrailingDot(String),
    #[error("mx '{0}' is an IP address; MTA-STS matches MX host names, so list the host name")]
    IpAddress(String),
    #[error(
        "mx '{0}' has a '*' that is not the whole leftmost label; only '*.' followed by a host name is allowed"
    )]
    BadWildcard(String),
    #[error("mx '{input}' is not in A-labels; write it as '{suggestion}'")]
    NotALabels { input: String, suggestion: String },
    #[error("mx '{input}' is not a valid host name: {reason}")]
    Host { input: String, reason: HostError },
}

impl MxPatternError {
    /// The stable diagnostic code of an invalid policy `mx` line.
    pub fn code(&self) -> &'static str {
        match self {
            MxPatternError::Empty(_) => "policy-mx-empty",
            MxPatternError::TrailingDot(_) => "policy-mx-trailing-dot",
            MxPatternError::IpAddress(_) => "policy-mx-ip-address",
            MxPatternError::BadWildcard(_) => "policy-mx-wildcard",
            MxPatternError::NotALabels { .. } => "policy-mx-not-a-labels",
            MxPatternError::Host { .. } => "policy-mx-host",
        }
    }
}

impl MxPattern {
    /// Parses a pattern exactly as it must appear in a policy file: A-labels,
    /// no trailing dot. Upper case is accepted (DNS names compare
    /// case-insensitively) and stored lower case.
    pub fn parse(input: &str) -> Result<MxPattern, MxPatternError> {
        let quoted = shown(input);
        if input.is_empty() {
            return Err(MxPatternError::Empty(quoted));
        }
        if input.ends_with('.') && input.len() > 1 {
            return Err(MxPatternError::TrailingDot(quoted));
        }
        if looks_like_ip(input) {
            return Err(MxPatternError::IpAddress(quoted));
        }
        let (wildcard, base) = match input.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        if base.contains('*') {
            return Err(MxPatternError::BadWildcard(quoted));
        }
        if !base.is_ascii() {
            return Err(match idna::domain_to_ascii_strict(base) {
                Ok(ascii) => MxPatternError::NotALabels {
                    input: quoted,
                    suggestion: format!("{}{}", if wildcard { "*." } else { "" }, ascii),
                },
                Err(_) => MxPatternError::Host {
                    input: quoted,
                    reason: HostError::BadChar {
                        ch: non_ascii(base),
                        label: shown(base),
                    },
                },
            });
        }
        if looks_like_ip(base) {
            return Err(MxPatternError::IpAddress(quoted));
        }
        let base = base.to_ascii_lowercase();
        check_ascii_hostname(&base).map_err(|reason| MxPatternError::Host {
            input: quoted,
            reason,
        })?;
        Ok(MxPattern { base, wildcard })
    }

    /// Parses what an admin types on the command line: like [`parse`], but
    /// IDN U-labels are converted to A-labels for them.
    ///
    /// [`parse`]: MxPattern::parse
    pub fn from_user_input(input: &str) -> Result<MxPattern, MxPatternError> {
        match MxPattern::parse(input) {
            Err(MxPatternError::NotALabels { suggestion, .. }) => MxPattern::parse(&suggestion),
            other => other,
        }
    }

    /// Builds the exact pattern for one host (an MX name from DNS, say).
    pub fn exact(host: &str) -> Result<MxPattern, MxPatternError> {
        MxPattern::parse(host.strip_suffix('.').unwrap_or(host))
    }

    pub fn is_wildcard(&self) -> bool {
        self.wildcard
    }

    /// The host part, without any `*.`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// RFC 8461 §4.1: an exact pattern matches that host; `*.base` matches a
    /// host with exactly one more label on the left, and not `base` itself.
    /// `host` is compared case-insensitively, trailing dot ignored.
    pub fn matches(&self, host: &str) -> bool {
        let host = host.strip_suffix('.').unwrap_or(host);
        if !self.wildcard {
            return host.eq_ignore_ascii_case(&self.base);
        }
        let Some(split) = host.len().checked_sub(self.base.len() + 1) else {
            return false;
        };
        if !host.is_char_boundary(split) {
            return false;
        }
        let (label, rest) = host.split_at(split);
        !label.is_empty()
            && !label.contains('.')
            && rest.starts_with('.')
            && rest[1..].eq_ignore_ascii_case(&self.base)
    }
}

fn non_ascii(s: &str) -> char {
    s.chars().find(|c| !c.is_ascii()).unwrap_or('?')
}

impl fmt::Display for MxPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.wildcard {
            f.write_str("*.")?;
        }
        f.write_str(&self.base)
    }
}

impl std::str::FromStr for MxPattern {
    type Err = MxPatternError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MxPattern::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> MxPattern {
        MxPattern::parse(s).unwrap()
    }

    #[test]
    fn wildcard_covers_exactly_one_leftmost_label() {
        let pat = p("*.a.b");
        assert!(pat.matches("x.a.b"));
        assert!(pat.matches("X.A.B."));
        assert!(!pat.matches("x.y.a.b"));
        assert!(!pat.matches("a.b"));
        assert!(!pat.matches(".a.b"));
        assert!(!pat.matches("xa.b"));
        assert!(!pat.matches("x.a.bc"));
        assert!(!pat.matches(""));
    }

    #[test]
    fn exact_pattern_compares_case_insensitively() {
        let pat = p("mx1.example.com");
        assert!(pat.matches("mx1.example.com"));
        assert!(pat.matches("MX1.Example.COM."));
        assert!(!pat.matches("mx2.example.com"));
        assert!(!pat.matches("a.mx1.example.com"));
    }

    #[test]
    fn microsoft_pattern() {
        let pat = p("*.mail.protection.outlook.com");
        assert!(pat.matches("contoso-com.mail.protection.outlook.com"));
        assert!(!pat.matches("mail.protection.outlook.com"));
    }

    #[test]
    fn rejects_trailing_dot_ip_and_stray_wildcards() {
        assert!(matches!(
            MxPattern::parse("mx.example.com."),
            Err(MxPatternError::TrailingDot(_))
        ));
        assert!(matches!(
            MxPattern::parse("192.0.2.25"),
            Err(MxPatternError::IpAddress(_))
        ));
        assert!(matches!(
            MxPattern::parse("2001:db8::25"),
            Err(MxPatternError::IpAddress(_))
        ));
        assert!(matches!(
            MxPattern::parse("[192.0.2.25]"),
            Err(MxPatternError::IpAddress(_))
        ));
        assert!(matches!(
            MxPattern::parse("*.192.0.2.25"),
            Err(MxPatternError::IpAddress(_))
        ));
        assert!(matches!(
            MxPattern::parse("*example.com"),
            Err(MxPatternError::BadWildcard(_))
        ));
        assert!(matches!(
            MxPattern::parse("mx.*.example.com"),
            Err(MxPatternError::BadWildcard(_))
        ));
        assert!(matches!(
            MxPattern::parse("*.*.example.com"),
            Err(MxPatternError::BadWildcard(_))
        ));
        assert!(matches!(
            MxPattern::parse("*"),
            Err(MxPatternError::BadWildcard(_))
        ));
        assert!(matches!(
            MxPattern::parse(""),
            Err(MxPatternError::Empty(_))
        ));
        assert!(matches!(
            MxPattern::parse("mx example.com"),
            Err(MxPatternError::Host { .. })
        ));
        assert!(matches!(
            MxPattern::parse("*."),
            Err(MxPatternError::TrailingDot(_))
        ));
        assert!(matches!(
            MxPattern::parse("*.com."),
            Err(MxPatternError::TrailingDot(_))
        ));
    }

    #[test]
    fn idn_must_be_a_labels_in_a_policy() {
        match MxPattern::parse("mx.mañana.com") {
            Err(MxPatternError::NotALabels { suggestion, .. }) => {
                assert_eq!(suggestion, "mx.xn--maana-pta.com")
            }
            other => panic!("{other:?}"),
        }
        assert!(MxPattern::parse("mx.xn--maana-pta.com").is_ok());
        assert_eq!(
            MxPattern::from_user_input("*.mañana.com")
                .unwrap()
                .to_string(),
            "*.xn--maana-pta.com"
        );
    }

    #[test]
    fn stores_lower_case_and_renders_back() {
        assert_eq!(p("*.MAIL.Example.com").to_string(), "*.mail.example.com");
        assert_eq!(p("mx1.example.com").to_string(), "mx1.example.com");
        assert_eq!(
            MxPattern::exact("MX1.example.com.").unwrap().to_string(),
            "mx1.example.com"
        );
    }

    #[test]
    fn parts_of_a_pattern() {
        let exact = p("MX1.example.com");
        assert!(!exact.is_wildcard());
        assert_eq!(exact.base(), "mx1.example.com");
        let wild = p("*.Example.com");
        assert!(wild.is_wildcard());
        assert_eq!(wild.base(), "example.com");
    }

    #[test]
    fn a_lone_dot_is_an_empty_name_not_a_trailing_dot() {
        assert_eq!(
            MxPattern::parse("."),
            Err(MxPatternError::Host {
                input: ".".into(),
                reason: HostError::EmptyLabel
            })
        );
        assert!(matches!(
            MxPattern::parse("a."),
            Err(MxPatternError::TrailingDot(_))
        ));
    }

    #[test]
    fn wildcard_matching_never_splits_a_character() {
        let pat = p("*.a.b");
        // The label boundary would fall inside 'é': no match, no panic.
        assert!(!pat.matches("éa.b"));
        assert!(!pat.matches("xéa.b"));
    }

    #[test]
    fn user_input_errors_other_than_u_labels_pass_through() {
        assert!(matches!(
            MxPattern::from_user_input("mx.example.com."),
            Err(MxPatternError::TrailingDot(_))
        ));
        assert!(matches!(
            MxPattern::parse("mx.bad\u{a0}name.com"),
            Err(MxPatternError::Host {
                reason: HostError::BadChar { ch: '\u{a0}', .. },
                ..
            })
        ));
        assert_eq!("*.A.example".parse::<MxPattern>(), Ok(p("*.a.example")));
    }

    #[test]
    fn errors_quote_the_input_escaped_and_bounded() {
        let long = format!("{}.com.", "a".repeat(300));
        let message = MxPattern::parse(&long).unwrap_err().to_string();
        assert!(message.len() < 200, "{message}");
        let message = MxPattern::parse("mx\u{1b}.com").unwrap_err().to_string();
        assert!(message.contains("mx\\x1b.com"), "{message}");
    }
}
