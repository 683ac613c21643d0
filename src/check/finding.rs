//! Findings: what one check found, in the terms of the [catalogue](super::catalogue).

use serde::Serialize;

use super::catalogue::CheckId;
use super::rules::expiry::Expiry;

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Skip,
    Info,
    Pass,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Info => "info",
        }
    }
}

/// One check's result: what was found, and for a problem what was expected
/// and the change that fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: CheckId,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// For the certificate checks: when the certificate ends (the first
    /// to end, over every address), for monitoring to read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<Expiry>,
}

impl Finding {
    pub fn new(id: CheckId, status: Status, message: impl Into<String>) -> Finding {
        Finding {
            id,
            status,
            subject: None,
            message: message.into(),
            expected: None,
            fix: None,
            expiry: None,
        }
    }

    pub fn pass(id: CheckId, message: impl Into<String>) -> Finding {
        Finding::new(id, Status::Pass, message)
    }

    pub fn warn(id: CheckId, message: impl Into<String>) -> Finding {
        Finding::new(id, Status::Warn, message)
    }

    pub fn fail(id: CheckId, message: impl Into<String>) -> Finding {
        Finding::new(id, Status::Fail, message)
    }

    pub fn skip(id: CheckId, message: impl Into<String>) -> Finding {
        Finding::new(id, Status::Skip, message)
    }

    pub fn info(id: CheckId, message: impl Into<String>) -> Finding {
        Finding::new(id, Status::Info, message)
    }

    pub fn expected(mut self, e: impl Into<String>) -> Finding {
        self.expected = Some(e.into());
        self
    }

    pub fn fix(mut self, f: impl Into<String>) -> Finding {
        self.fix = Some(f.into());
        self
    }

    pub fn subject(mut self, s: impl Into<String>) -> Finding {
        self.subject = Some(s.into());
        self
    }

    pub fn expiry(mut self, e: Option<Expiry>) -> Finding {
        self.expiry = e;
        self
    }
}

/// `fail` if any check failed, else `warn` if any warned, else `pass`.
pub fn verdict(checks: &[Finding]) -> Status {
    if checks.iter().any(|c| c.status == Status::Fail) {
        Status::Fail
    } else if checks.iter().any(|c| c.status == Status::Warn) {
        Status::Warn
    } else {
        Status::Pass
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_is_the_worst_of_fail_warn_pass() {
        let f = |s| Finding::new(CheckId::PolicyMode, s, "");
        assert_eq!(verdict(&[]), Status::Pass);
        assert_eq!(verdict(&[f(Status::Skip), f(Status::Info)]), Status::Pass);
        assert_eq!(verdict(&[f(Status::Pass), f(Status::Warn)]), Status::Warn);
        assert_eq!(verdict(&[f(Status::Fail), f(Status::Warn)]), Status::Fail);
        assert_eq!(verdict(&[f(Status::Pass), f(Status::Fail)]), Status::Fail);
    }
}
