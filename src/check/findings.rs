//! Findings: the stable check ids of the contract and what each run found.

use serde::Serialize;

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

/// Domain-level check ids, in report order.
pub const DOMAIN_CHECKS: [&str; 15] = [
    "record.present",
    "record.unique",
    "record.syntax",
    "policy_host.dns",
    "policy.tls",
    "policy.http",
    "policy.content_type",
    "policy.size",
    "policy.syntax",
    "policy.mode",
    "policy.max_age",
    "mx.present",
    "policy.mx_unused",
    "tlsrpt.present",
    "tlsrpt.syntax",
];

/// Per-MX-host check ids, reported once per host.
pub const HOST_CHECKS: [&str; 4] = [
    "mx.match",
    "smtp.starttls",
    "smtp.certificate",
    "smtp.tls_version",
];

/// One check's result: what was found, and for a problem what was expected
/// and the change that fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Finding {
    pub fn new(id: &'static str, status: Status, message: impl Into<String>) -> Finding {
        Finding {
            id,
            status,
            subject: None,
            message: message.into(),
            expected: None,
            fix: None,
        }
    }

    pub fn pass(id: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(id, Status::Pass, message)
    }

    pub fn warn(id: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(id, Status::Warn, message)
    }

    pub fn fail(id: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(id, Status::Fail, message)
    }

    pub fn skip(id: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(id, Status::Skip, message)
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
