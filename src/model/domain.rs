use std::fmt;

use thiserror::Error;

use super::hostname::{HostError, check_ascii_hostname, looks_like_ip};
use super::shown::shown;

/// A mail domain in the one form DNS and the RFCs compare: A-labels, lower
/// case, no trailing dot.
///
/// Users type `Contoso.COM.` or `bücher.example`; senders look up
/// `_mta-sts.contoso.com` and `_mta-sts.xn--bcher-kva.example`. Normalising
/// once, here, keeps every later comparison a plain string equality.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Domain(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("'{0}' is an IP address, not a domain name")]
    IpAddress(String),
    #[error("'{0}' has a single label; give the full mail domain, such as contoso.com")]
    SingleLabel(String),
    #[error("'{input}' is not a valid internationalised domain name")]
    Idn { input: String },
    #[error("'{input}' is not a valid domain name: {reason}")]
    Host { input: String, reason: HostError },
}

impl Domain {
    /// Parses what a user or a DNS answer gives: case-insensitive, one
    /// trailing dot allowed, IDN U-labels converted to A-labels.
    pub fn parse(input: &str) -> Result<Domain, DomainError> {
        let quoted = shown(input);
        let trimmed = input.strip_suffix('.').unwrap_or(input);
        if looks_like_ip(trimmed) {
            return Err(DomainError::IpAddress(quoted));
        }
        let ascii = if trimmed.is_ascii() {
            trimmed.to_ascii_lowercase()
        } else {
            idna::domain_to_ascii_strict(trimmed).map_err(|_| DomainError::Idn {
                input: quoted.clone(),
            })?
        };
        check_ascii_hostname(&ascii).map_err(|reason| DomainError::Host {
            input: quoted.clone(),
            reason,
        })?;
        if !ascii.contains('.') {
            return Err(DomainError::SingleLabel(quoted));
        }
        Ok(Domain(ascii))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `_mta-sts.<domain>`, where the STS TXT record lives (RFC 8461 §3.1).
    pub fn sts_record_name(&self) -> String {
        format!("_mta-sts.{}", self.0)
    }

    /// `mta-sts.<domain>`, the policy host (RFC 8461 §3.3). A CNAME on the
    /// record name never moves it.
    pub fn policy_host(&self) -> String {
        format!("mta-sts.{}", self.0)
    }

    /// `_smtp._tls.<domain>`, where the TLS-RPT record lives (RFC 8460 §3).
    pub fn tlsrpt_record_name(&self) -> String {
        format!("_smtp._tls.{}", self.0)
    }

    /// The URL senders fetch the policy from.
    pub fn policy_url(&self) -> String {
        format!("https://{}/.well-known/mta-sts.txt", self.policy_host())
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Domain {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Domain::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> String {
        Domain::parse(s).unwrap().to_string()
    }

    #[test]
    fn normalises_case_and_trailing_dot() {
        assert_eq!(d("Contoso.COM."), "contoso.com");
        assert_eq!(d("contoso.com"), "contoso.com");
    }

    #[test]
    fn converts_u_labels_to_a_labels() {
        assert_eq!(d("mañana.com"), "xn--maana-pta.com");
        assert_eq!(d("MAÑANA.com"), "xn--maana-pta.com");
        assert_eq!(
            Domain::parse("mañana.com"),
            Domain::parse("xn--maana-pta.com")
        );
        assert!(matches!(
            Domain::parse("bad\u{a0}space.com"),
            Err(DomainError::Idn { .. })
        ));
    }

    #[test]
    fn names_derived_from_the_domain() {
        let dom = Domain::parse("contoso.com").unwrap();
        assert_eq!(dom.sts_record_name(), "_mta-sts.contoso.com");
        assert_eq!(dom.policy_host(), "mta-sts.contoso.com");
        assert_eq!(dom.tlsrpt_record_name(), "_smtp._tls.contoso.com");
        assert_eq!(
            dom.policy_url(),
            "https://mta-sts.contoso.com/.well-known/mta-sts.txt"
        );
    }

    #[test]
    fn rejects_what_is_not_a_mail_domain() {
        assert!(matches!(
            Domain::parse("192.0.2.1"),
            Err(DomainError::IpAddress(_))
        ));
        assert!(matches!(
            Domain::parse("::1"),
            Err(DomainError::IpAddress(_))
        ));
        assert!(matches!(
            Domain::parse("localhost"),
            Err(DomainError::SingleLabel(_))
        ));
        assert!(matches!(Domain::parse(""), Err(DomainError::Host { .. })));
        assert!(matches!(Domain::parse("."), Err(DomainError::Host { .. })));
        assert!(matches!(
            Domain::parse("a..com"),
            Err(DomainError::Host { .. })
        ));
        assert!(matches!(
            Domain::parse("con toso.com"),
            Err(DomainError::Host { .. })
        ));
        assert!(matches!(
            Domain::parse("contoso.com.."),
            Err(DomainError::Host { .. })
        ));
        assert!(matches!(
            Domain::parse("_mta-sts.contoso.com"),
            Err(DomainError::Host { .. })
        ));
        assert!(matches!(
            Domain::parse("xn--zz.com"),
            Err(DomainError::Host { .. })
        ));
    }

    #[test]
    fn escapes_hostile_input_in_errors() {
        let err = Domain::parse("a\u{1b}[31m.com").unwrap_err().to_string();
        assert!(!err.contains('\u{1b}'), "{err}");
    }
}
