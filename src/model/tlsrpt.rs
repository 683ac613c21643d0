use std::fmt;

use thiserror::Error;

use super::hostname::check_ascii_hostname;
use super::shown::shown;
use super::txt_fields::{self, FieldError};

/// The `_smtp._tls` TXT record: `v=TLSRPTv1; rua=…` (RFC 8460 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsRptRecord {
    /// One or more report destinations, in record order.
    pub rua: Vec<RuaUri>,
    pub extensions: Vec<(String, String)>,
}

/// A report destination: a `mailto:` or `https:` URI in which `,`, `!` and
/// `;` are percent-encoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RuaUri(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuaUriError {
    #[error("report URI is empty")]
    Empty,
    #[error("'{0}' has no scheme; write 'mailto:{0}'")]
    BareAddress(String),
    #[error("'{0}' uses an unsupported scheme; TLS-RPT accepts only mailto: and https: URIs")]
    Scheme(String),
    #[error("'{0}' uses http:; reports must go to an https: URI")]
    Http(String),
    #[error(
        "'{uri}' contains '{ch}', which must be percent-encoded ({encoded}){}",
        dmarc_suffix_note(.ch)
    )]
    MustEncode {
        uri: String,
        ch: char,
        encoded: &'static str,
    },
    #[error("'{uri}' contains '{ch}', which is not allowed in a URI")]
    BadChar { uri: String, ch: String },
    #[error("'{0}' has a '%' not followed by two hex digits")]
    BadPercent(String),
    #[error("'{0}' is not a mail address: write mailto:local-part@domain")]
    BadMailto(String),
    #[error("'{0}' has no valid host: write https://host/path")]
    BadHttps(String),
}

/// A `!` in a report URI is most often DMARC's size suffix (`!10m`), which
/// TLS-RPT does not have: said beside that character only.
fn dmarc_suffix_note(ch: &char) -> &'static str {
    if *ch == '!' {
        "; TLS-RPT has no DMARC-style size suffix such as '!10m'"
    } else {
        ""
    }
}

/// Something wrong with a TLS-RPT record.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TlsRptIssue {
    #[error("the record is not valid UTF-8 text")]
    NotText,
    #[error(transparent)]
    Syntax(#[from] FieldError),
    #[error("the record has no rua field; add '; rua=mailto:address'")]
    MissingRua,
    /// RFC 8460's ABNF allows the field twice; what senders make of it is
    /// not said, and those that read fields into a map keep the first.
    #[error(
        "rua appears more than once; senders will likely use the first ({0}) and ignore the others: list every URI comma-separated in one rua="
    )]
    DuplicateRua(String),
    #[error(transparent)]
    Uri(#[from] RuaUriError),
    #[error(
        "whitespace before the first ';': senders discard records that do not begin with 'v=TLSRPTv1;'"
    )]
    SpaceBeforeSemicolon,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsRptParse {
    pub record: Result<TlsRptRecord, TlsRptIssue>,
    pub warnings: Vec<TlsRptIssue>,
}

impl RuaUriError {
    /// The stable diagnostic code of an invalid `rua` URI.
    pub fn code(&self) -> &'static str {
        match self {
            RuaUriError::Empty => "tlsrpt-rua-empty",
            RuaUriError::BareAddress(_) => "tlsrpt-rua-bare-address",
            RuaUriError::Scheme(_) => "tlsrpt-rua-scheme",
            RuaUriError::Http(_) => "tlsrpt-rua-http",
            RuaUriError::MustEncode { .. } => "tlsrpt-rua-must-encode",
            RuaUriError::BadChar { .. } => "tlsrpt-rua-char",
            RuaUriError::BadPercent(_) => "tlsrpt-rua-percent",
            RuaUriError::BadMailto(_) => "tlsrpt-rua-mailto-address",
            RuaUriError::BadHttps(_) => "tlsrpt-rua-https-host",
        }
    }
}

impl TlsRptIssue {
    /// The issue's stable diagnostic code, shown by `lint` and in its JSON.
    pub fn code(&self) -> &'static str {
        match self {
            TlsRptIssue::NotText => "tlsrpt-not-utf8",
            TlsRptIssue::Syntax(e) => e.code(),
            TlsRptIssue::MissingRua => "tlsrpt-missing-rua",
            TlsRptIssue::DuplicateRua(_) => "tlsrpt-duplicate-rua",
            TlsRptIssue::Uri(e) => e.code(),
            TlsRptIssue::SpaceBeforeSemicolon => "tlsrpt-space-before-semicolon",
        }
    }
}

impl RuaUri {
    pub fn parse(input: &str) -> Result<RuaUri, RuaUriError> {
        let quoted = shown(input);
        if input.is_empty() {
            return Err(RuaUriError::Empty);
        }
        for ch in input.chars() {
            let encoded = match ch {
                ',' => "%2C",
                '!' => "%21",
                ';' => "%3B",
                _ => "",
            };
            if !encoded.is_empty() {
                return Err(RuaUriError::MustEncode {
                    uri: quoted,
                    ch,
                    encoded,
                });
            }
            if !is_uri_char(ch) {
                return Err(RuaUriError::BadChar {
                    uri: quoted,
                    ch: shown(&ch.to_string()),
                });
            }
        }
        check_percent(input).map_err(|()| RuaUriError::BadPercent(quoted.clone()))?;
        let Some((scheme, rest)) = input.split_once(':') else {
            return Err(if input.contains('@') {
                RuaUriError::BareAddress(quoted)
            } else {
                RuaUriError::Scheme(quoted)
            });
        };
        if scheme.eq_ignore_ascii_case("mailto") {
            let addr = rest.split('?').next().unwrap_or_default();
            let (local, domain) = addr
                .rsplit_once('@')
                .ok_or_else(|| RuaUriError::BadMailto(quoted.clone()))?;
            // RFC 6068: an '@' inside the local part must be percent-encoded.
            if local.is_empty()
                || local.contains('@')
                || check_ascii_hostname(&domain.to_ascii_lowercase()).is_err()
            {
                return Err(RuaUriError::BadMailto(quoted));
            }
        } else if scheme.eq_ignore_ascii_case("https") {
            let authority = rest
                .strip_prefix("//")
                .ok_or_else(|| RuaUriError::BadHttps(quoted.clone()))?;
            let host_port = authority.split(['/', '?', '#']).next().unwrap_or_default();
            let host_port = host_port.rsplit_once('@').map_or(host_port, |(_, h)| h);
            let host = if host_port.starts_with('[') {
                host_port.split(']').next().unwrap_or_default()
            } else {
                host_port.split(':').next().unwrap_or_default()
            };
            let valid_host = if let Some(literal) = host.strip_prefix('[') {
                host_port.contains(']') && literal.parse::<std::net::Ipv6Addr>().is_ok()
            } else {
                host.parse::<std::net::Ipv4Addr>().is_ok()
                    || check_ascii_hostname(&host.to_ascii_lowercase()).is_ok()
            };
            if !valid_host {
                return Err(RuaUriError::BadHttps(quoted));
            }
        } else if scheme.eq_ignore_ascii_case("http") {
            return Err(RuaUriError::Http(quoted));
        } else if input.contains('@') && !input.contains("//") {
            return Err(RuaUriError::BareAddress(quoted));
        } else {
            return Err(RuaUriError::Scheme(quoted));
        }
        Ok(RuaUri(input.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// RFC 3986 unreserved, reserved and `%`.
fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

fn check_percent(s: &str) -> Result<(), ()> {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'%'
            && !(i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit())
        {
            return Err(());
        }
    }
    Ok(())
}

impl fmt::Display for RuaUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for RuaUri {
    type Err = RuaUriError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuaUri::parse(s)
    }
}

impl TlsRptRecord {
    pub const VERSION: &'static str = "v=TLSRPTv1";

    /// True for a TXT record that begins `v=TLSRPTv1` followed by `;` or
    /// whitespace and more (RFC 8460 §3: others are discarded).
    pub fn is_candidate(txt: &[u8]) -> bool {
        super::txt_fields::begins_with_version(txt, Self::VERSION)
    }

    /// `v=TLSRPTv1` with nothing but white space after it: discarded by
    /// senders, not a second record.
    pub fn is_stray(txt: &[u8]) -> bool {
        super::txt_fields::is_stray_version(txt, Self::VERSION)
    }

    pub fn parse_strings<S: AsRef<[u8]>>(strings: &[S]) -> TlsRptParse {
        let bytes = txt_fields::concat_strings(strings);
        match std::str::from_utf8(&bytes) {
            Ok(text) => TlsRptRecord::parse(text),
            Err(_) => TlsRptParse {
                record: Err(TlsRptIssue::NotText),
                warnings: Vec::new(),
            },
        }
    }

    pub fn parse(text: &str) -> TlsRptParse {
        let mut warnings = Vec::new();
        let record = Self::parse_inner(text, &mut warnings);
        TlsRptParse { record, warnings }
    }

    fn parse_inner(
        text: &str,
        warnings: &mut Vec<TlsRptIssue>,
    ) -> Result<TlsRptRecord, TlsRptIssue> {
        let split = txt_fields::split(text, Self::VERSION)?;
        if split.space_before_semicolon {
            warnings.push(TlsRptIssue::SpaceBeforeSemicolon);
        }
        let mut rua: Option<Vec<RuaUri>> = None;
        let mut first_rua = "";
        let mut extensions = Vec::new();
        for field in split.fields {
            if field.name == "rua" {
                if rua.is_some() {
                    warnings.push(TlsRptIssue::DuplicateRua(shown(first_rua)));
                    continue;
                }
                first_rua = field.value;
                let uris = field
                    .value
                    .split(',')
                    .map(|u| RuaUri::parse(u.trim_matches([' ', '\t'])))
                    .collect::<Result<Vec<_>, _>>()?;
                rua = Some(uris);
            } else {
                txt_fields::check_ext_value(field.name, field.value)?;
                extensions.push((field.name.to_string(), field.value.to_string()));
            }
        }
        let rua = rua.ok_or(TlsRptIssue::MissingRua)?;
        Ok(TlsRptRecord { rua, extensions })
    }
}

impl fmt::Display for TlsRptRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; rua=", Self::VERSION)?;
        for (i, uri) in self.rua.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(uri.as_str())?;
        }
        for (k, v) in &self.extensions {
            write!(f, "; {k}={v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> TlsRptRecord {
        TlsRptRecord::parse(text)
            .record
            .unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn err(text: &str) -> TlsRptIssue {
        TlsRptRecord::parse(text).record.expect_err(text)
    }

    #[test]
    fn rfc_examples() {
        assert_eq!(
            ok("v=TLSRPTv1;rua=mailto:reports@example.com").rua[0].as_str(),
            "mailto:reports@example.com"
        );
        assert_eq!(
            ok("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt")
                .rua
                .len(),
            1
        );
    }

    #[test]
    fn several_uris_with_spaces_around_commas() {
        let r = ok("v=TLSRPTv1; rua=mailto:a@example.com , https://r.example.com/x?a=b");
        assert_eq!(r.rua.len(), 2);
        assert_eq!(
            r.to_string(),
            "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x?a=b"
        );
    }

    #[test]
    fn percent_encoding_rules() {
        assert_eq!(
            ok("v=TLSRPTv1; rua=mailto:a%21b@example.com").rua[0].as_str(),
            "mailto:a%21b@example.com"
        );
        assert!(matches!(
            err("v=TLSRPTv1; rua=mailto:a!b@example.com"),
            TlsRptIssue::Uri(RuaUriError::MustEncode { ch: '!', .. })
        ));
        assert!(matches!(
            err("v=TLSRPTv1; rua=mailto:a@example.com!10m"),
            TlsRptIssue::Uri(RuaUriError::MustEncode { .. })
        ));
        assert!(matches!(
            err("v=TLSRPTv1; rua=mailto:a%2@example.com"),
            TlsRptIssue::Uri(RuaUriError::BadPercent(_))
        ));
        assert!(matches!(
            err("v=TLSRPTv1; rua=mailto:a%@example.com"),
            TlsRptIssue::Uri(RuaUriError::BadPercent(_))
        ));
        assert!(matches!(
            RuaUri::parse("mailto:a,b@example.com"),
            Err(RuaUriError::MustEncode { ch: ',', .. })
        ));
        assert!(matches!(
            RuaUri::parse("mailto:a;b@example.com"),
            Err(RuaUriError::MustEncode { ch: ';', .. })
        ));
        assert!(matches!(
            RuaUri::parse("mailto:a b@example.com"),
            Err(RuaUriError::BadChar { .. })
        ));
    }

    #[test]
    fn schemes() {
        assert!(matches!(
            RuaUri::parse("reports@example.com"),
            Err(RuaUriError::BareAddress(_))
        ));
        assert!(matches!(
            RuaUri::parse("http://example.com/r"),
            Err(RuaUriError::Http(_))
        ));
        assert!(matches!(
            RuaUri::parse("ftp://example.com/r"),
            Err(RuaUriError::Scheme(_))
        ));
        assert!(matches!(
            RuaUri::parse("mailto:example.com"),
            Err(RuaUriError::BadMailto(_))
        ));
        assert!(matches!(
            RuaUri::parse("mailto:@example.com"),
            Err(RuaUriError::BadMailto(_))
        ));
        assert!(matches!(
            RuaUri::parse("https:/x"),
            Err(RuaUriError::BadHttps(_))
        ));
        assert!(matches!(
            RuaUri::parse("https:///x"),
            Err(RuaUriError::BadHttps(_))
        ));
        assert!(RuaUri::parse("MAILTO:a@example.com").is_ok());
        assert!(RuaUri::parse("https://[2001:db8::1]:8443/r").is_ok());
        assert!(RuaUri::parse("https://192.0.2.1/r").is_ok());
        assert!(matches!(
            RuaUri::parse("https://exa_mple..com/x"),
            Err(RuaUriError::BadHttps(_))
        ));
        assert!(matches!(
            RuaUri::parse("https://[::1/x"),
            Err(RuaUriError::BadHttps(_))
        ));
        assert!(matches!(
            RuaUri::parse("mailto:a@b@example.com"),
            Err(RuaUriError::BadMailto(_))
        ));
        assert!(RuaUri::parse("mailto:a%40b@example.com").is_ok());
    }

    #[test]
    fn white_space_after_the_rua_is_an_error() {
        assert!(matches!(
            err("v=TLSRPTv1; rua=mailto:a@example.com "),
            TlsRptIssue::Syntax(FieldError::TrailingSpace { .. })
        ));
        assert!(
            TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:a@example.com ;")
                .record
                .is_ok()
        );
    }

    #[test]
    fn record_rules() {
        assert_eq!(err("v=TLSRPTv1"), TlsRptIssue::MissingRua);
        let twice = TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:a@example.com; rua=ftp://b");
        assert_eq!(
            twice.record.map(|r| r.to_string()),
            Ok("v=TLSRPTv1; rua=mailto:a@example.com".to_string()),
            "the first rua counts, the second is not even read"
        );
        assert_eq!(
            twice.warnings,
            [TlsRptIssue::DuplicateRua("mailto:a@example.com".into())]
        );
        assert!(matches!(
            err("v=TLSRPTv2; rua=mailto:a@example.com"),
            TlsRptIssue::Syntax(FieldError::WrongVersion { .. })
        ));
        assert!(matches!(
            err("rua=mailto:a@example.com; v=TLSRPTv1"),
            TlsRptIssue::Syntax(FieldError::NotFirst { .. })
        ));
        let p = TlsRptRecord::parse("v=TLSRPTv1 ; rua=mailto:a@example.com; ext=1");
        assert_eq!(p.warnings, vec![TlsRptIssue::SpaceBeforeSemicolon]);
        assert_eq!(
            p.record.unwrap().extensions,
            vec![("ext".into(), "1".into())]
        );
    }

    #[test]
    fn percent_escapes_up_to_the_last_character() {
        assert!(RuaUri::parse("https://r.example.com/%41").is_ok());
        assert!(matches!(
            RuaUri::parse("https://r.example.com/%4"),
            Err(RuaUriError::BadPercent(_))
        ));
        assert!(matches!(
            RuaUri::parse("https://r.example.com/%"),
            Err(RuaUriError::BadPercent(_))
        ));
        assert!(matches!(
            RuaUri::parse("https://r.example.com/%g1"),
            Err(RuaUriError::BadPercent(_))
        ));
    }

    #[test]
    fn https_hosts() {
        for good in [
            "https://r.example.com",
            "https://r.example.com:8443/x",
            "https://user@r.example.com/x",
            "https://r.example.com?x=1",
            "https://r.example.com#f",
            "HTTPS://r.example.com/x",
            "https://[2001:db8::1]/x",
        ] {
            assert!(RuaUri::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "https://",
            "https://[2001:db8::zz]/x",
            "https://[2001:db8::1/x",
            "https://r..example.com/x",
            "https://256.1.1.1.1/x",
        ] {
            assert!(
                matches!(RuaUri::parse(bad), Err(RuaUriError::BadHttps(_))),
                "{bad}: {:?}",
                RuaUri::parse(bad)
            );
        }
    }

    #[test]
    fn mailto_forms() {
        assert!(RuaUri::parse("mailto:tlsrpt@example.com?subject=x").is_ok());
        assert!(matches!(
            RuaUri::parse("mailto:a@exa_mple.com"),
            Err(RuaUriError::BadMailto(_))
        ));
        assert!(RuaUri::parse("mailto:a@EXAMPLE.com").is_ok());
        assert_eq!(RuaUri::parse(""), Err(RuaUriError::Empty));
        // A colon but no known scheme: an address is still told apart.
        assert!(matches!(
            RuaUri::parse("user:x@example.com"),
            Err(RuaUriError::BareAddress(_))
        ));
        assert!(matches!(
            RuaUri::parse("ftp://a@example.com/r"),
            Err(RuaUriError::Scheme(_))
        ));
        assert!(matches!(
            RuaUri::parse("example.com/r"),
            Err(RuaUriError::Scheme(_))
        ));
        assert_eq!(
            "mailto:a@example.com"
                .parse::<RuaUri>()
                .map(|u| u.to_string()),
            Ok("mailto:a@example.com".to_string())
        );
    }

    #[test]
    fn errors_quote_the_uri_escaped_and_bounded() {
        let long = format!("mailto:{}", "a".repeat(100_000));
        match RuaUri::parse(&long) {
            Err(RuaUriError::BadMailto(uri)) => {
                assert_eq!(uri.chars().count(), crate::model::SHOWN_MAX_CHARS + 1)
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            RuaUri::parse("mailto:a\u{1b}@example.com"),
            Err(RuaUriError::BadChar {
                uri: "mailto:a\\x1b@example.com".into(),
                ch: "\\x1b".into()
            })
        );
    }

    #[test]
    fn candidates_strings_and_rendering() {
        assert!(TlsRptRecord::is_candidate(b"v=TLSRPTv1; rua=x"));
        assert!(!TlsRptRecord::is_candidate(b"v=TLSRPTv1"));
        assert!(TlsRptRecord::is_stray(b"v=TLSRPTv1 "));
        assert!(!TlsRptRecord::is_stray(b"v=TLSRPTv1; rua=x"));
        assert!(!TlsRptRecord::is_candidate(b"v=TLSRPTv10; rua=x"));
        let p = TlsRptRecord::parse_strings(&["v=TLSRPTv1; rua=mailto:a@exa", "mple.com; x=1"]);
        let r = p.record.unwrap();
        assert_eq!(r.to_string(), "v=TLSRPTv1; rua=mailto:a@example.com; x=1");
        assert_eq!(
            TlsRptRecord::parse_strings(&[b"v=TLSRPTv1; rua=\xff".as_slice()]).record,
            Err(TlsRptIssue::NotText)
        );
        assert_eq!(
            err("v=TLSRPTv1; rua=mailto:a@example.com; x=a b"),
            TlsRptIssue::Syntax(FieldError::BadValue {
                name: "x".into(),
                ch: " ".into()
            })
        );
        assert!(
            TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:a@example.com")
                .warnings
                .is_empty()
        );
    }
}
