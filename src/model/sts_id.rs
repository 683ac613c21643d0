use std::fmt;

use thiserror::Error;

use super::shown::shown;

/// The `id` of an STS TXT record: 1–32 ASCII letters or digits (RFC 8461
/// §3.1). Senders compare it to decide whether to refetch the policy, so it
/// must change with every policy change.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StsId(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StsIdError {
    #[error("the id is empty; it must be 1-32 letters or digits")]
    Empty,
    #[error("the id '{0}' is {1} characters long; it must be 1-32 letters or digits")]
    TooLong(String, usize),
    #[error(
        "the id '{id}' contains '{ch}'; it must be 1-32 letters or digits only (A-Z, a-z, 0-9)"
    )]
    BadChar { id: String, ch: String },
}

impl StsIdError {
    /// The stable diagnostic code of an invalid record `id`.
    pub fn code(&self) -> &'static str {
        match self {
            StsIdError::Empty => "record-id-empty",
            StsIdError::TooLong(..) => "record-id-too-long",
            StsIdError::BadChar { .. } => "record-id-invalid",
        }
    }
}

impl StsId {
    pub fn parse(s: &str) -> Result<StsId, StsIdError> {
        if s.is_empty() {
            return Err(StsIdError::Empty);
        }
        if let Some(ch) = s.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(StsIdError::BadChar {
                id: shown(s),
                ch: shown(&ch.to_string()),
            });
        }
        if s.len() > 32 {
            return Err(StsIdError::TooLong(shown(s), s.len()));
        }
        Ok(StsId(s.to_string()))
    }

    /// The habitual id: the UTC time as `%Y%m%d%H%M%SZ`, the form of
    /// PowerShell's `Get-Date -UFormat +%Y%m%d%H%M%SZ`.
    pub fn from_time(t: chrono::DateTime<chrono::Utc>) -> StsId {
        StsId(t.format("%Y%m%d%H%M%SZ").to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StsId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for StsId {
    type Err = StsIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StsId::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn accepts_letters_and_digits_up_to_32() {
        assert!(StsId::parse("20261128195300Z").is_ok());
        assert!(StsId::parse("a").is_ok());
        assert!(StsId::parse(&"a".repeat(32)).is_ok());
    }

    #[test]
    fn rejects_bad_ids() {
        assert_eq!(StsId::parse(""), Err(StsIdError::Empty));
        assert!(matches!(
            StsId::parse(&"a".repeat(33)),
            Err(StsIdError::TooLong(_, 33))
        ));
        assert!(matches!(
            StsId::parse("2024-01-01"),
            Err(StsIdError::BadChar { .. })
        ));
        assert!(matches!(
            StsId::parse("abc+def"),
            Err(StsIdError::BadChar { .. })
        ));
        assert!(matches!(
            StsId::parse("abc def"),
            Err(StsIdError::BadChar { .. })
        ));
        assert!(matches!(StsId::parse("ñ"), Err(StsIdError::BadChar { .. })));
    }

    #[test]
    fn time_ids_have_the_habitual_form() {
        let t = chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 19, 53, 0)
            .unwrap();
        assert_eq!(StsId::from_time(t).as_str(), "20261128195300Z");
    }

    #[test]
    fn errors_quote_the_id_escaped_and_bounded() {
        let long = "a".repeat(100_000);
        assert_eq!(
            StsId::parse(&long),
            Err(StsIdError::TooLong(
                format!("{}…", "a".repeat(crate::model::SHOWN_MAX_CHARS)),
                100_000
            ))
        );
        assert_eq!(
            StsId::parse("a\u{1b}"),
            Err(StsIdError::BadChar {
                id: "a\\x1b".into(),
                ch: "\\x1b".into()
            })
        );
    }

    #[test]
    fn reads_and_writes_the_id_verbatim() {
        let id: StsId = "20261128195300Z".parse().unwrap();
        assert_eq!(id.to_string(), "20261128195300Z");
    }
}
