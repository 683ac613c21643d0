//! A certificate that verifies today but is about to stop: the judgement
//! [`PolicyTls`](crate::check::CheckId::PolicyTls) and
//! [`SmtpCertificate`](crate::check::CheckId::SmtpCertificate) share
//! (`--expiry-warn DAYS`). Expired certificates are the most common failure
//! in TLS-RPT data; a warning while the certificate still works leaves time
//! to renew it.
//!
//! Days are counted from the run's [`Clock`](crate::Clock), not the wall
//! clock. Whether a certificate has already expired is the verifier's
//! verdict (a failure), judged elsewhere.

use std::num::NonZeroU32;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::check::catalogue::CheckId;
use crate::check::finding::Finding;
use crate::probe::tls::{CertDetails, CertTime};

/// How early before its end a certificate is a warning (`--expiry-warn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryWarn {
    /// `--expiry-warn 0`: only a certificate that no longer verifies is a
    /// finding.
    Off,
    /// Warn when the certificate ends within this many days.
    Within(NonZeroU32),
}

impl ExpiryWarn {
    /// Two weeks: time to find out why the renewal job (ACME clients renew
    /// 30 days ahead) did not run, and to fix it.
    pub const DEFAULT_DAYS: u32 = 14;

    /// `days` as given on the command line: 0 turns the warning off.
    pub fn from_days(days: u32) -> ExpiryWarn {
        NonZeroU32::new(days).map_or(ExpiryWarn::Off, ExpiryWarn::Within)
    }
}

/// What the rules need to judge a certificate's end: the run's instant
/// and the warning window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    pub now: DateTime<Utc>,
    pub warn: ExpiryWarn,
}

/// When a certificate ends, seen from the run's instant; carried by the
/// certificate findings in the JSON output (`"expiry"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Expiry {
    pub not_after: CertTime,
    /// Whole days left, rounded down (negative once past).
    pub days_left: i64,
    /// The warning window the end falls within: the finding is a warning.
    #[serde(skip)]
    pub within: Option<NonZeroU32>,
}

impl Horizon {
    /// The certificate's end, `within` the window when at most its days
    /// are left (exactly 14 days left warns with the default, 14 days and
    /// a second does not).
    pub fn expiry(&self, cert: &CertDetails) -> Expiry {
        let left = cert.not_after.0 - self.now;
        let within = match self.warn {
            ExpiryWarn::Off => None,
            ExpiryWarn::Within(days) => {
                (left <= Duration::days(i64::from(days.get()))).then_some(days)
            }
        };
        Expiry {
            not_after: cert.not_after,
            days_left: left.num_seconds().div_euclid(86_400),
            within,
        }
    }
}

/// A warning for certificates that end within `window` days; `found`
/// says which and when.
pub fn warning(id: CheckId, host: &str, found: String, window: NonZeroU32) -> Finding {
    Finding::warn(id, found)
        .expected(format!(
            "a certificate with more than {window} day{} left (--expiry-warn {window})",
            if window.get() == 1 { "" } else { "s" }
        ))
        .fix(format!(
            "renew the certificate of {host} and reload the server; check that the renewal job runs and succeeds (ACME clients such as certbot renew 30 days before expiry)"
        ))
}

impl Expiry {
    /// `2026-12-05T00:00:00Z (2 days left)`.
    pub fn describe(&self) -> String {
        let left = match self.days_left {
            ..0 => "already past by this run's clock".to_string(),
            0 => "less than a day left".to_string(),
            1 => "1 day left".to_string(),
            n => format!("{n} days left"),
        };
        format!("{} ({left})", self.not_after)
    }
}

/// The certificate that ends first, of `certs`.
pub fn soonest<'a>(certs: impl IntoIterator<Item = &'a CertDetails>) -> Option<&'a CertDetails> {
    certs.into_iter().min_by_key(|c| c.not_after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::finding::Status;
    use crate::check::rules::fixtures::{cert_ending, clock};

    fn horizon(days: u32) -> Horizon {
        Horizon {
            now: clock().now(),
            warn: ExpiryWarn::from_days(days),
        }
    }

    /// A certificate ending `secs` seconds after the fixtures' clock.
    fn ending_in(secs: i64) -> CertDetails {
        cert_ending("mx1.example.test", Duration::seconds(secs))
    }

    const DAY: i64 = 86_400;

    fn days(n: u32) -> Option<NonZeroU32> {
        NonZeroU32::new(n)
    }

    #[test]
    fn the_window_includes_its_last_second() {
        let h = horizon(14);
        let at = h.expiry(&ending_in(14 * DAY));
        assert_eq!(at.within, days(14));
        assert_eq!(at.days_left, 14);
        let after = h.expiry(&ending_in(14 * DAY + 1));
        assert_eq!(after.within, None);
        assert_eq!(after.days_left, 14);
        assert_eq!(h.expiry(&ending_in(15 * DAY)).within, None);
        assert_eq!(h.expiry(&ending_in(13 * DAY)).within, days(14));
        assert_eq!(h.expiry(&ending_in(1)).within, days(14));
        assert_eq!(h.expiry(&ending_in(-DAY)).within, days(14));
        // Another window moves the boundary with it.
        assert_eq!(horizon(30).expiry(&ending_in(30 * DAY)).within, days(30));
        assert_eq!(horizon(30).expiry(&ending_in(30 * DAY + 1)).within, None);
        assert_eq!(horizon(1).expiry(&ending_in(DAY)).within, days(1));
        assert_eq!(horizon(1).expiry(&ending_in(DAY + 1)).within, None);
    }

    #[test]
    fn zero_turns_the_warning_off() {
        assert_eq!(ExpiryWarn::from_days(0), ExpiryWarn::Off);
        assert_eq!(
            ExpiryWarn::from_days(14),
            ExpiryWarn::Within(NonZeroU32::new(14).unwrap())
        );
        let off = horizon(0);
        for secs in [-DAY, 0, 1, DAY, 100 * DAY] {
            assert_eq!(off.expiry(&ending_in(secs)).within, None, "{secs}");
        }
    }

    #[test]
    fn days_left_round_down_and_read_naturally() {
        let h = horizon(14);
        let d = |secs| h.expiry(&ending_in(secs));
        assert_eq!(d(3 * DAY - 1).days_left, 2);
        assert_eq!(d(DAY - 1).days_left, 0);
        assert_eq!(d(-1).days_left, -1);
        assert_eq!(d(-DAY).days_left, -1);
        assert_eq!(d(-DAY - 1).days_left, -2);
        assert_eq!(
            d(3 * DAY - 1).describe(),
            "2026-12-05T11:59:59Z (2 days left)"
        );
        assert_eq!(d(DAY).describe(), "2026-12-03T12:00:00Z (1 day left)");
        assert_eq!(
            d(DAY - 1).describe(),
            "2026-12-03T11:59:59Z (less than a day left)"
        );
        assert_eq!(
            d(-1).describe(),
            "2026-12-02T11:59:59Z (already past by this run's clock)"
        );
        assert_eq!(
            serde_json::to_value(d(3 * DAY)).unwrap(),
            serde_json::json!({"not_after": "2026-12-05T12:00:00Z", "days_left": 3})
        );
    }

    #[test]
    fn the_warning_says_what_to_expect_and_to_renew() {
        let w = warning(
            CheckId::SmtpCertificate,
            "mx1.example.test",
            "x".into(),
            NonZeroU32::new(14).unwrap(),
        );
        assert_eq!(w.status, Status::Warn);
        assert_eq!(w.id, CheckId::SmtpCertificate);
        assert_eq!(w.message, "x");
        assert_eq!(
            w.expected.as_deref(),
            Some("a certificate with more than 14 days left (--expiry-warn 14)")
        );
        let fix = w.fix.unwrap_or_default();
        assert!(
            fix.starts_with("renew the certificate of mx1.example.test and reload the server; check that the renewal job runs"),
            "{fix}"
        );
        let one = warning(CheckId::PolicyTls, "h", String::new(), NonZeroU32::MIN);
        assert_eq!(
            one.expected.as_deref(),
            Some("a certificate with more than 1 day left (--expiry-warn 1)")
        );
    }

    #[test]
    fn the_soonest_certificate_ends_first() {
        let (a, b) = (ending_in(5 * DAY), ending_in(2 * DAY));
        assert_eq!(soonest([&a, &b]), Some(&b));
        assert_eq!(soonest([&b, &a]), Some(&b));
        assert_eq!(soonest(Vec::<&CertDetails>::new()), None);
    }
}
