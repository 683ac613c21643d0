use std::fmt;

use thiserror::Error;

use super::shown::shown;

/// The policy `mode` (RFC 8461 §5). Case-sensitive on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Enforce,
    Testing,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("mode '{0}' is not valid: use enforce, testing or none (lower case)")]
pub struct ModeError(pub String);

impl ModeError {
    /// The stable diagnostic code of an invalid policy `mode`.
    pub fn code(&self) -> &'static str {
        "policy-mode-invalid"
    }
}

impl Mode {
    pub fn parse(s: &str) -> Result<Mode, ModeError> {
        match s {
            "enforce" => Ok(Mode::Enforce),
            "testing" => Ok(Mode::Testing),
            "none" => Ok(Mode::None),
            other => Err(ModeError(shown(other))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Testing => "testing",
            Mode::None => "none",
        }
    }

    /// The max_age a generator uses when none is given: a week for
    /// enforce (§3.2 asks for "weeks or greater"), a day while testing or
    /// retiring so that a change takes effect quickly.
    pub fn default_max_age(self) -> super::MaxAge {
        match self {
            Mode::Enforce => super::MaxAge::ONE_WEEK,
            Mode::Testing | Mode::None => super::MaxAge::ONE_DAY,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Mode {
    type Err = ModeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mode::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_sensitive() {
        assert_eq!(Mode::parse("enforce"), Ok(Mode::Enforce));
        assert_eq!(Mode::parse("testing"), Ok(Mode::Testing));
        assert_eq!(Mode::parse("none"), Ok(Mode::None));
        assert!(Mode::parse("Enforce").is_err());
        assert!(Mode::parse("enforce ").is_err());
        assert!(Mode::parse("").is_err());
    }

    #[test]
    fn reads_and_writes_the_wire_form() {
        for mode in [Mode::Enforce, Mode::Testing, Mode::None] {
            assert_eq!(mode.to_string().parse::<Mode>(), Ok(mode));
        }
        assert_eq!(Mode::Testing.to_string(), "testing");
        assert_eq!("strict".parse::<Mode>(), Err(ModeError("strict".into())));
    }

    #[test]
    fn default_max_age_is_a_week_only_for_enforce() {
        assert_eq!(
            Mode::Enforce.default_max_age(),
            super::super::MaxAge::ONE_WEEK
        );
        assert_eq!(
            Mode::Testing.default_max_age(),
            super::super::MaxAge::ONE_DAY
        );
        assert_eq!(Mode::None.default_max_age(), super::super::MaxAge::ONE_DAY);
    }
}
