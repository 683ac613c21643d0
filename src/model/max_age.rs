use std::fmt;

use thiserror::Error;

use super::shown::shown;

/// A policy `max_age` in seconds, bounded by RFC 8461 §3.2 to at most
/// 31557600 (one year). Senders reject larger values, so they cannot be
/// built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MaxAge(u32);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MaxAgeError {
    #[error("max_age '{0}' is not a whole number of seconds (digits only, at most 10)")]
    NotDigits(String),
    #[error("max_age {0} is above the maximum of 31557600 seconds (one year)")]
    TooLarge(u64),
}

impl MaxAgeError {
    /// The stable diagnostic code of an invalid policy `max_age`.
    pub fn code(&self) -> &'static str {
        match self {
            MaxAgeError::NotDigits(_) => "policy-max-age-digits",
            MaxAgeError::TooLarge(_) => "policy-max-age-range",
        }
    }
}

impl MaxAge {
    pub const MAX: u32 = 31_557_600;
    pub const ONE_DAY: MaxAge = MaxAge(86_400);
    pub const ONE_WEEK: MaxAge = MaxAge(604_800);

    pub fn new(secs: u64) -> Result<MaxAge, MaxAgeError> {
        if secs > u64::from(Self::MAX) {
            return Err(MaxAgeError::TooLarge(secs));
        }
        Ok(MaxAge(secs as u32))
    }

    /// `new` for constants.
    pub const fn new_const(secs: u32) -> Option<MaxAge> {
        if secs > Self::MAX {
            None
        } else {
            Some(MaxAge(secs))
        }
    }

    /// Parses the policy form: 1 to 10 ASCII digits (`1*10(DIGIT)`).
    pub fn parse(s: &str) -> Result<MaxAge, MaxAgeError> {
        if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MaxAgeError::NotDigits(shown(s)));
        }
        let secs: u64 = s.parse().map_err(|_| MaxAgeError::NotDigits(shown(s)))?;
        MaxAge::new(secs)
    }

    pub fn secs(self) -> u32 {
        self.0
    }
}

impl fmt::Display for MaxAge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::str::FromStr for MaxAge {
    type Err = MaxAgeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MaxAge::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(MaxAge::parse("0").unwrap().secs(), 0);
        assert_eq!(MaxAge::parse("31557600").unwrap().secs(), 31_557_600);
        assert_eq!(
            MaxAge::parse("31557601"),
            Err(MaxAgeError::TooLarge(31_557_601))
        );
        assert_eq!(
            MaxAge::parse("9999999999"),
            Err(MaxAgeError::TooLarge(9_999_999_999))
        );
    }

    #[test]
    fn digits_only() {
        for bad in ["86400.5", "-1", "+1", "", " 1", "1e5", "12345678901", "٣"] {
            assert!(
                matches!(MaxAge::parse(bad), Err(MaxAgeError::NotDigits(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_maximum_is_allowed_one_more_is_not() {
        assert_eq!(
            MaxAge::new(u64::from(MaxAge::MAX)).unwrap().secs(),
            MaxAge::MAX
        );
        assert_eq!(
            MaxAge::new(u64::from(MaxAge::MAX) + 1),
            Err(MaxAgeError::TooLarge(31_557_601))
        );
        assert_eq!(
            MaxAge::new_const(MaxAge::MAX).map(MaxAge::secs),
            Some(31_557_600)
        );
        assert_eq!(MaxAge::new_const(MaxAge::MAX + 1), None);
        assert_eq!(MaxAge::new_const(0).map(MaxAge::secs), Some(0));
    }

    #[test]
    fn reads_and_writes_plain_seconds() {
        assert_eq!("0604800".parse::<MaxAge>(), Ok(MaxAge::ONE_WEEK));
        assert_eq!(MaxAge::ONE_DAY.to_string(), "86400");
        assert!(MaxAge::ONE_DAY < MaxAge::ONE_WEEK);
    }
}
