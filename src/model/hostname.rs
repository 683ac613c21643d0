//! Host name rules shared by policy domains and mx patterns (RFC 5321 §4.1.2
//! `Domain`, RFC 1035 label limits).

use thiserror::Error;

use super::shown::shown;

/// Why a string is not an ASCII host name.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HostError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is {0} characters long; DNS allows at most 253")]
    TooLong(usize),
    #[error("the name has an empty label (two dots in a row, or a leading dot)")]
    EmptyLabel,
    #[error("label '{0}' is longer than 63 characters")]
    LabelTooLong(String),
    #[error("'{}' is not allowed in a host name (label '{label}'): use letters, digits and '-'", shown(&.ch.to_string()))]
    BadChar { ch: char, label: String },
    #[error("label '{0}' starts or ends with '-'")]
    HyphenAtEdge(String),
    #[error("the last label '{0}' is all digits, which no top-level domain is")]
    NumericTld(String),
    #[error("label '{0}' is not valid punycode (an 'xn--' label must decode to Unicode)")]
    BadPunycode(String),
}

/// Checks an ASCII host name without a trailing dot: LDH labels of 1–63
/// characters, at most 253 in all, a non-numeric last label, and `xn--`
/// labels that decode.
pub(crate) fn check_ascii_hostname(name: &str) -> Result<(), HostError> {
    if name.is_empty() {
        return Err(HostError::Empty);
    }
    if name.len() > 253 {
        return Err(HostError::TooLong(name.len()));
    }
    let mut last = "";
    for label in name.split('.') {
        if label.is_empty() {
            return Err(HostError::EmptyLabel);
        }
        if label.len() > 63 {
            return Err(HostError::LabelTooLong(shown(label)));
        }
        if let Some(ch) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(HostError::BadChar {
                ch,
                label: shown(label),
            });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(HostError::HyphenAtEdge(shown(label)));
        }
        if label
            .get(..4)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("xn--"))
        {
            let (_, result) = idna::domain_to_unicode(label);
            if result.is_err() {
                return Err(HostError::BadPunycode(shown(label)));
            }
        }
        last = label;
    }
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HostError::NumericTld(shown(last)));
    }
    Ok(())
}

/// True when `s` reads as an IPv4 or IPv6 address, with or without the
/// brackets of an address literal.
pub(crate) fn looks_like_ip(s: &str) -> bool {
    let inner = s
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(s);
    let inner = inner.strip_prefix("IPv6:").unwrap_or(inner);
    inner.parse::<std::net::IpAddr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        assert_eq!(check_ascii_hostname("mx1.example.com"), Ok(()));
        assert_eq!(check_ascii_hostname("xn--maana-pta.com"), Ok(()));
        assert_eq!(check_ascii_hostname("a-b.c0"), Ok(()));
    }

    #[test]
    fn rejects_broken_names() {
        assert_eq!(check_ascii_hostname(""), Err(HostError::Empty));
        assert_eq!(check_ascii_hostname("a..b"), Err(HostError::EmptyLabel));
        assert_eq!(check_ascii_hostname(".a.b"), Err(HostError::EmptyLabel));
        assert!(matches!(
            check_ascii_hostname("a_b.com"),
            Err(HostError::BadChar { ch: '_', .. })
        ));
        assert!(matches!(
            check_ascii_hostname("-a.com"),
            Err(HostError::HyphenAtEdge(_))
        ));
        assert!(matches!(
            check_ascii_hostname("a.123"),
            Err(HostError::NumericTld(_))
        ));
        assert!(matches!(
            check_ascii_hostname(&"a".repeat(64)),
            Err(HostError::LabelTooLong(_))
        ));
        let long = vec!["a".repeat(60); 5].join(".");
        assert!(matches!(
            check_ascii_hostname(&long),
            Err(HostError::TooLong(_))
        ));
    }

    #[test]
    fn recognises_addresses() {
        assert!(looks_like_ip("192.0.2.1"));
        assert!(looks_like_ip("2001:db8::1"));
        assert!(looks_like_ip("[192.0.2.1]"));
        assert!(looks_like_ip("[IPv6:2001:db8::1]"));
        assert!(!looks_like_ip("mx.example.com"));
    }

    #[test]
    fn length_limits_are_inclusive() {
        let label63 = "a".repeat(63);
        assert_eq!(check_ascii_hostname(&format!("{label63}.com")), Ok(()));
        // 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 characters.
        let name253 = format!("{label63}.{label63}.{label63}.{}", "b".repeat(61));
        assert_eq!(name253.len(), 253);
        assert_eq!(check_ascii_hostname(&name253), Ok(()));
        let name254 = format!("{name253}b");
        assert_eq!(check_ascii_hostname(&name254), Err(HostError::TooLong(254)));
    }

    #[test]
    fn a_labels_must_decode() {
        assert!(matches!(
            check_ascii_hostname("xn--zz.com"),
            Err(HostError::BadPunycode(_))
        ));
        assert!(matches!(
            check_ascii_hostname("XN--zz.com"),
            Err(HostError::BadPunycode(_))
        ));
        assert_eq!(check_ascii_hostname("XN--maana-pta.com"), Ok(()));
    }

    #[test]
    fn hyphens_and_digits() {
        assert_eq!(
            check_ascii_hostname("a-.com"),
            Err(HostError::HyphenAtEdge("a-".into()))
        );
        assert_eq!(
            check_ascii_hostname("a.b.42"),
            Err(HostError::NumericTld("42".into()))
        );
        assert_eq!(check_ascii_hostname("a.b.4a"), Ok(()));
        let err = check_ascii_hostname("a\u{1b}b.com")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("'\\x1b' is not allowed"), "{err}");
    }
}
