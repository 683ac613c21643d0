//! [`SmtpStarttls`](crate::check::CheckId::SmtpStarttls), [`SmtpCertificate`](crate::check::CheckId::SmtpCertificate),
//! [`SmtpTlsVersion`](crate::check::CheckId::SmtpTlsVersion): what each MX
//! host did when probed as a sending MTA would (RFC 8461 §4.2), over every
//! address it has.

use super::expiry::{self, Horizon};
use super::{cert_names, consequence, family_failure, timed_out};
use crate::check::catalogue::CheckId::{SmtpCertificate, SmtpStarttls, SmtpTlsVersion};
use crate::check::facts::{HostData, Timed};
use crate::check::finding::{Finding, Status};
use crate::model::Mode;
use crate::probe::dns::Addresses;
use crate::probe::smtp::{Failure, Probe};

/// How the host was probed, as far as the rules need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probing {
    /// Every address was probed.
    Done,
    /// `--no-smtp`: nothing was probed.
    Skipped,
}

/// The three findings for one MX host, in catalogue order; `mode` is the
/// policy's, to say what senders do about a failure; `horizon` says when a
/// certificate's end is near enough to warn. What the domain's time budget
/// cut off (the host's lookups, or the probe of some address) fails as
/// timed out, beside what the other addresses showed.
pub fn judge(
    host: &HostData,
    probing: Probing,
    mode: Option<Mode>,
    horizon: &Horizon,
) -> [Finding; 3] {
    let h = host.host.as_str();
    if probing == Probing::Skipped {
        return [SmtpStarttls, SmtpCertificate, SmtpTlsVersion]
            .map(|id| Finding::skip(id, "--no-smtp").subject(h));
    }
    let addresses = match &host.lookup {
        Timed::Done(a) => a,
        Timed::TimedOut(b) => {
            let awaited = format!("no answer yet to the A/AAAA lookups of {h}");
            let look = format!("check that the DNS servers answer for {h}");
            return [SmtpStarttls, SmtpCertificate, SmtpTlsVersion]
                .map(|id| timed_out(id, *b, &awaited, &look).subject(h));
        }
    };
    if host.probes.is_empty() {
        let why = match addresses.merged() {
            Err(e) => e.describe(h, "A/AAAA"),
            Ok(_) => format!("{h} has no address"),
        };
        return [
            Finding::fail(SmtpStarttls, why).subject(h).fix(format!(
                "publish A/AAAA records for {h}, or remove the MX record"
            )),
            Finding::skip(SmtpCertificate, "no address to probe").subject(h),
            Finding::skip(SmtpTlsVersion, "no address to probe").subject(h),
        ];
    }
    let done: Vec<&Probe> = host
        .probes
        .iter()
        .filter_map(|p| p.probe.done().map(AsRef::as_ref))
        .collect();
    let late: Vec<String> = host
        .probes
        .iter()
        .filter(|p| p.probe.done().is_none())
        .map(|p| p.address.to_string())
        .collect();
    let budget = host.probes.iter().find_map(|p| match p.probe {
        Timed::TimedOut(b) => Some(b),
        Timed::Done(_) => None,
    });
    let Some(b) = budget else {
        return finished(h, addresses, &done, mode, horizon);
    };
    let late = late.join(", ");
    let look = format!(
        "check the SMTP server of {h} at {late}: it should answer the banner, EHLO, STARTTLS and the TLS handshake, each within --timeout"
    );
    if done.is_empty() {
        let awaited = format!("{late} had not finished answering");
        return [SmtpStarttls, SmtpCertificate, SmtpTlsVersion]
            .map(|id| timed_out(id, b, &awaited, &look).subject(h));
    }
    finished(h, addresses, &done, mode, horizon).map(|f| {
        if f.status == Status::Fail {
            Finding {
                message: format!("{}; {late}: timed out after {b}", f.message),
                ..f
            }
        } else {
            let awaited = format!(
                "{late} had not finished answering (the other addresses: {})",
                f.message
            );
            timed_out(f.id, b, &awaited, &look)
                .subject(h)
                .expiry(f.expiry)
        }
    })
}

/// The three findings from the probes that finished (at least one).
fn finished(
    h: &str,
    addresses: &Addresses,
    done: &[&Probe],
    mode: Option<Mode>,
    horizon: &Horizon,
) -> [Finding; 3] {
    let mut starttls_bad = Vec::new();
    let mut cert_bad = Vec::new();
    let mut version_bad = Vec::new();
    // The certificates that verified (`None`: one whose details did not parse).
    let mut cert_good = Vec::new();
    let mut cert_soon = Vec::new();
    let mut versions = Vec::new();
    for p in done {
        let at = p.address.to_string();
        if let Some(f) = &p.failure {
            // A server that speaks only old TLS offers no usable STARTTLS
            // either: both checks report it.
            if matches!(f, Failure::OldTls(_)) {
                version_bad.push(format!("{at}: {f}"));
            }
            starttls_bad.push(format!("{at}: {f}"));
        }
        if let Some(t) = &p.tls {
            versions.push(format!("{at}: {} {}", t.version, t.cipher));
            if !t.modern {
                version_bad.push(format!("{at}: negotiated {}", t.version));
            }
        }
        if p.cert_checked {
            match (&p.cert_problem, &p.cert) {
                (Some(problem), _) => {
                    let names = p.cert.as_ref().map(cert_names).unwrap_or_default();
                    cert_bad.push((format!("{at}: {problem}{names}"), problem.fix(h)));
                }
                (None, Some(c)) => {
                    let e = horizon.expiry(c);
                    if let Some(window) = e.within {
                        cert_soon.push((
                            format!(
                                "{at}: the certificate expires {}, issued by {}",
                                e.describe(),
                                c.issuer
                            ),
                            window,
                        ));
                    }
                    cert_good.push(Some(c));
                }
                (None, None) => cert_good.push(None),
            }
        }
    }
    let broken_family = family_failure(&addresses.a, &addresses.aaaa, h);
    let starttls = if let (true, Some(broken)) = (starttls_bad.is_empty(), &broken_family) {
        Finding::warn(
            SmtpStarttls,
            format!("STARTTLS works at the addresses found, but {broken}; senders may defer mail"),
        )
        .subject(h)
        .fix("make the DNS servers answer both A and AAAA queries (NODATA when there is no record)")
    } else if starttls_bad.is_empty() {
        Finding::pass(
            SmtpStarttls,
            format!(
                "STARTTLS on {} address{}",
                done.len(),
                if done.len() == 1 { "" } else { "es" }
            ),
        )
        .subject(h)
    } else {
        let fix = if done.iter().any(|p| p.failure == Some(Failure::NoStartTls)) {
            format!(
                "enable STARTTLS on {h} (a certificate for {h} and e.g. Postfix smtpd_tls_security_level = may)"
            )
        } else if done
            .iter()
            .any(|p| matches!(p.failure, Some(Failure::Injection(_))))
        {
            "upgrade the server software; check for a middlebox rewriting SMTP".to_string()
        } else {
            format!("make {h} accept SMTP with STARTTLS on port 25 at every address")
        };
        Finding::fail(
            SmtpStarttls,
            format!("{}{}", starttls_bad.join("; "), consequence(mode)),
        )
        .subject(h)
        .expected("220 banner, STARTTLS in EHLO, a completed TLS handshake")
        .fix(fix)
    };
    let first_to_end = expiry::soonest(done.iter().filter_map(|p| p.cert.as_ref()));
    let certificate = if let Some((_, fix)) = cert_bad.first() {
        Finding::fail(
            SmtpCertificate,
            cert_bad
                .iter()
                .map(|(m, _)| m.clone())
                .collect::<Vec<_>>()
                .join("; "),
        )
        .subject(h)
        .expected(format!(
            "a certificate valid for {h}, in date, chaining to a trusted root"
        ))
        .fix(fix.clone())
    } else if let Some((_, window)) = cert_soon.first() {
        let found = cert_soon
            .iter()
            .map(|(m, _)| m.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        expiry::warning(SmtpCertificate, h, found, *window).subject(h)
    } else if !cert_good.is_empty() {
        let shown = expiry::soonest(cert_good.iter().flatten().copied())
            .map(|c| {
                format!(
                    ", issued by {}, expires {}",
                    c.issuer,
                    horizon.expiry(c).describe()
                )
            })
            .unwrap_or_default();
        Finding::pass(SmtpCertificate, format!("valid for {h}{shown}")).subject(h)
    } else {
        Finding::skip(
            SmtpCertificate,
            "no certificate was presented (TLS did not start)",
        )
        .subject(h)
    }
    .expiry(first_to_end.map(|c| horizon.expiry(c)));
    let version = if !version_bad.is_empty() {
        Finding::fail(SmtpTlsVersion, version_bad.join("; "))
            .subject(h)
            .expected("TLS 1.2 or newer")
            .fix(format!("enable TLS 1.2 and 1.3 on {h}"))
    } else if versions.is_empty() {
        Finding::skip(SmtpTlsVersion, "TLS did not start").subject(h)
    } else {
        Finding::pass(SmtpTlsVersion, versions.join("; ")).subject(h)
    };
    [starttls, certificate, version]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::finding::Status;
    use crate::check::rules::expiry::ExpiryWarn;
    use crate::check::rules::fixtures::{
        budget, cert_ending, failed, horizon, host, probe_ok, probed, unfinished, v4, with_probes,
    };
    use crate::probe::dns::DnsFailure;
    use crate::probe::tls::CertProblem;

    const MX: &str = "mx1.example.test";

    fn statuses(f: &[Finding; 3]) -> [Status; 3] {
        f.each_ref().map(|f| f.status)
    }

    #[test]
    fn a_good_host_passes_on_every_address() {
        let h = with_probes(
            MX,
            vec![probe_ok("192.0.2.1:25"), probe_ok("[2001:db8::1]:25")],
        );
        let f = judge(&h, Probing::Done, Some(Mode::Enforce), &horizon());
        assert_eq!(statuses(&f), [Status::Pass; 3], "{f:?}");
        assert_eq!(f[0].message, "STARTTLS on 2 addresses");
        assert!(f.iter().all(|f| f.subject.as_deref() == Some(MX)));
        assert!(f[2].message.contains("TLSv1.3"));
    }

    #[test]
    fn no_smtp_skips_and_no_address_fails() {
        let h = with_probes(MX, vec![probe_ok("192.0.2.1:25")]);
        assert_eq!(
            statuses(&judge(&h, Probing::Skipped, None, &horizon())),
            [Status::Skip; 3]
        );
        let mut h = host(MX);
        h.lookup = Timed::Done(Addresses {
            a: failed(DnsFailure::NxDomain),
            aaaa: failed(DnsFailure::NxDomain),
        });
        let f = judge(&h, Probing::Done, None, &horizon());
        assert_eq!(statuses(&f), [Status::Fail, Status::Skip, Status::Skip]);
        assert!(f[0].message.contains("NXDOMAIN"));
    }

    #[test]
    fn one_bad_address_fails_the_host() {
        let mut bad = probe_ok("[2001:db8::1]:25");
        bad.failure = Some(Failure::NoStartTls);
        bad.tls = None;
        bad.cert = None;
        bad.cert_checked = false;
        let h = with_probes(MX, vec![probe_ok("192.0.2.1:25"), bad]);
        let f = judge(&h, Probing::Done, Some(Mode::Testing), &horizon());
        assert_eq!(statuses(&f), [Status::Fail, Status::Pass, Status::Pass]);
        assert!(
            f[0].message
                .starts_with("[2001:db8::1]:25: EHLO does not offer STARTTLS")
        );
        assert!(
            f[0].message
                .contains("in testing mode senders only report this")
        );
        assert!(
            f[0].fix
                .as_deref()
                .unwrap_or_default()
                .starts_with("enable STARTTLS")
        );
    }

    #[test]
    fn certificate_problems_fail_only_the_certificate_check() {
        let mut p = probe_ok("192.0.2.1:25");
        p.cert_problem = Some(CertProblem::NameMismatch);
        let f = judge(
            &with_probes(MX, vec![p]),
            Probing::Done,
            Some(Mode::Enforce),
            &horizon(),
        );
        assert_eq!(statuses(&f), [Status::Pass, Status::Fail, Status::Pass]);
        assert!(
            f[1].message.contains("(it names: other.example.test;"),
            "{}",
            f[1].message
        );
        assert!(
            f[1].fix
                .as_deref()
                .unwrap_or_default()
                .contains("subjectAltName includes mx1")
        );
    }

    #[test]
    fn old_tls_fails_starttls_and_version() {
        let mut p = probe_ok("192.0.2.1:25");
        p.failure = Some(Failure::OldTls("TLSv1.0".into()));
        p.tls = None;
        p.cert_checked = false;
        let f = judge(&with_probes(MX, vec![p]), Probing::Done, None, &horizon());
        assert_eq!(statuses(&f), [Status::Fail, Status::Skip, Status::Fail]);
        let mut p = probe_ok("192.0.2.1:25");
        if let Some(t) = p.tls.as_mut() {
            t.modern = false;
            t.version = "TLSv1.1".into();
        }
        let f = judge(&with_probes(MX, vec![p]), Probing::Done, None, &horizon());
        assert_eq!(statuses(&f), [Status::Pass, Status::Pass, Status::Fail]);
        assert!(f[2].message.contains("negotiated TLSv1.1"));
    }

    #[test]
    fn injection_gets_its_own_fix_and_a_broken_family_warns() {
        let mut p = probe_ok("192.0.2.1:25");
        p.failure = Some(Failure::Injection(12));
        let f = judge(&with_probes(MX, vec![p]), Probing::Done, None, &horizon());
        assert!(
            f[0].fix
                .as_deref()
                .unwrap_or_default()
                .contains("middlebox")
        );
        let mut h = with_probes(MX, vec![probe_ok("192.0.2.1:25")]);
        h.lookup = Timed::Done(Addresses {
            aaaa: failed(DnsFailure::Timeout),
            ..v4(&["192.0.2.1"])
        });
        let f = judge(&h, Probing::Done, None, &horizon());
        assert_eq!(f[0].status, Status::Warn);
        assert!(f[0].message.contains("AAAA"));
    }

    /// A good probe at `address` whose certificate ends `left` after the
    /// fixtures' clock.
    fn ending(address: &str, left: chrono::Duration) -> crate::probe::smtp::Probe {
        let mut p = probe_ok(address);
        p.cert = Some(cert_ending(MX, left));
        p
    }

    const DAY: i64 = 86_400;

    #[test]
    fn a_certificate_about_to_expire_warns_with_the_date_the_days_and_the_fix() {
        let h = with_probes(MX, vec![ending("192.0.2.1:25", chrono::Duration::days(3))]);
        let f = judge(&h, Probing::Done, Some(Mode::Enforce), &horizon());
        assert_eq!(statuses(&f), [Status::Pass, Status::Warn, Status::Pass]);
        assert_eq!(f[1].subject.as_deref(), Some(MX));
        assert_eq!(
            f[1].message,
            "192.0.2.1:25: the certificate expires 2026-12-05T12:00:00Z (3 days left), issued by CN=Test CA"
        );
        assert_eq!(
            f[1].expected.as_deref(),
            Some("a certificate with more than 14 days left (--expiry-warn 14)")
        );
        assert!(
            f[1].fix
                .as_deref()
                .unwrap_or_default()
                .starts_with("renew the certificate of mx1.example.test and reload the server; check that the renewal job")
        );
        let e = f[1].expiry.expect("the expiry is reported");
        assert_eq!(e.days_left, 3);
        assert_eq!(e.not_after.to_string(), "2026-12-05T12:00:00Z");
    }

    #[test]
    fn the_window_ends_exactly_at_its_last_day() {
        let judged = |secs: i64, days: u32| {
            let h = with_probes(
                MX,
                vec![ending("192.0.2.1:25", chrono::Duration::seconds(secs))],
            );
            let hz = crate::check::rules::expiry::Horizon {
                warn: ExpiryWarn::from_days(days),
                ..horizon()
            };
            judge(&h, Probing::Done, None, &hz)[1].status
        };
        assert_eq!(judged(14 * DAY, 14), Status::Warn);
        assert_eq!(judged(14 * DAY + 1, 14), Status::Pass);
        assert_eq!(judged(15 * DAY, 14), Status::Pass);
        assert_eq!(judged(30 * DAY, 30), Status::Warn);
        // 0 turns it off, even for the last hour.
        assert_eq!(judged(3600, 0), Status::Pass);
    }

    #[test]
    fn plenty_of_days_pass_and_say_how_many() {
        let h = with_probes(MX, vec![ending("192.0.2.1:25", chrono::Duration::days(90))]);
        let f = judge(&h, Probing::Done, None, &horizon());
        assert_eq!(f[1].status, Status::Pass);
        assert_eq!(
            f[1].message,
            "valid for mx1.example.test, issued by CN=Test CA, expires 2027-03-02T12:00:00Z (90 days left)"
        );
        assert_eq!(f[1].expiry.map(|e| e.days_left), Some(90));
    }

    #[test]
    fn every_address_is_judged_and_the_first_to_end_is_reported() {
        let h = with_probes(
            MX,
            vec![
                ending("192.0.2.1:25", chrono::Duration::days(60)),
                ending("[2001:db8::1]:25", chrono::Duration::days(2)),
            ],
        );
        let f = judge(&h, Probing::Done, None, &horizon());
        assert_eq!(f[1].status, Status::Warn);
        assert!(
            f[1].message
                .starts_with("[2001:db8::1]:25: the certificate expires"),
            "{}",
            f[1].message
        );
        assert!(!f[1].message.contains("192.0.2.1"), "{}", f[1].message);
        assert_eq!(f[1].expiry.map(|e| e.days_left), Some(2));
        // Two addresses ending soon are both named.
        let h = with_probes(
            MX,
            vec![
                ending("192.0.2.1:25", chrono::Duration::days(5)),
                ending("[2001:db8::1]:25", chrono::Duration::days(2)),
            ],
        );
        let f = judge(&h, Probing::Done, None, &horizon());
        assert_eq!(
            f[1].message.matches("the certificate expires").count(),
            2,
            "{}",
            f[1].message
        );
        // A pass names the certificate that ends first.
        let h = with_probes(
            MX,
            vec![
                ending("192.0.2.1:25", chrono::Duration::days(60)),
                ending("[2001:db8::1]:25", chrono::Duration::days(20)),
            ],
        );
        let f = judge(&h, Probing::Done, None, &horizon());
        assert_eq!(f[1].status, Status::Pass);
        assert!(f[1].message.contains("(20 days left)"), "{}", f[1].message);
        assert_eq!(f[1].expiry.map(|e| e.days_left), Some(20));
    }

    #[test]
    fn an_expired_certificate_still_fails_whatever_the_window() {
        let mut p = ending("192.0.2.1:25", chrono::Duration::days(-3));
        p.cert_problem = Some(CertProblem::Expired);
        let mut soon = ending("[2001:db8::1]:25", chrono::Duration::days(3));
        soon.cert_problem = None;
        let h = with_probes(MX, vec![p, soon]);
        for days in [0, 14] {
            let hz = crate::check::rules::expiry::Horizon {
                warn: ExpiryWarn::from_days(days),
                ..horizon()
            };
            let f = judge(&h, Probing::Done, None, &hz);
            assert_eq!(f[1].status, Status::Fail, "{days}");
            assert!(f[1].message.contains("has expired"), "{}", f[1].message);
            assert_eq!(f[1].expiry.map(|e| e.days_left), Some(-3));
        }
    }

    #[test]
    fn a_verified_certificate_without_details_still_passes() {
        let mut p = probe_ok("192.0.2.1:25");
        p.cert = None;
        let f = judge(&with_probes(MX, vec![p]), Probing::Done, None, &horizon());
        assert_eq!(f[1].status, Status::Pass);
        assert_eq!(f[1].message, "valid for mx1.example.test");
        assert_eq!(f[1].expiry, None);
    }

    #[test]
    fn a_missing_intermediate_names_the_issuer_and_the_full_chain() {
        let mut p = probe_ok("192.0.2.1:25");
        p.cert = Some(crate::check::rules::fixtures::cert(MX));
        p.cert_problem = Some(CertProblem::MissingIssuer {
            issuer: "CN=R3, O=Let's Encrypt, C=US".into(),
            of: "CN=mx1.example.test".into(),
            ca_issuers: Some("http://r3.i.lencr.org/".into()),
        });
        let f = judge(&with_probes(MX, vec![p]), Probing::Done, None, &horizon());
        assert_eq!(f[1].status, Status::Fail);
        assert!(
            f[1].message.starts_with(
                "192.0.2.1:25: the server sent no certificate for 'CN=R3, O=Let's Encrypt, C=US', the issuer of 'CN=mx1.example.test'"
            ),
            "{}",
            f[1].message
        );
        let fix = f[1].fix.as_deref().unwrap_or_default();
        assert!(fix.starts_with("send the full chain"), "{fix}");
        assert!(
            fix.contains("MTAs do not fetch missing intermediates"),
            "{fix}"
        );
    }

    #[test]
    fn lookups_cut_off_by_the_budget_fail_all_three() {
        let mut h = host(MX);
        h.lookup = Timed::TimedOut(budget());
        let f = judge(&h, Probing::Done, None, &horizon());
        assert_eq!(statuses(&f), [Status::Fail; 3]);
        for f in &f {
            assert_eq!(f.subject.as_deref(), Some(MX));
            assert_eq!(
                f.message,
                "timed out after 2 s: no answer yet to the A/AAAA lookups of mx1.example.test"
            );
            assert_eq!(
                f.fix.as_deref(),
                Some(
                    "check that the DNS servers answer for mx1.example.test; or raise --domain-timeout"
                )
            );
        }
        // --no-smtp probes nothing, so nothing ran out of time.
        assert_eq!(
            statuses(&judge(&h, Probing::Skipped, None, &horizon())),
            [Status::Skip; 3]
        );
    }

    #[test]
    fn a_tarpit_at_every_address_fails_all_three_as_timed_out() {
        let h = HostData {
            probes: vec![unfinished("192.0.2.1:25")],
            ..host(MX)
        };
        let f = judge(&h, Probing::Done, Some(Mode::Enforce), &horizon());
        assert_eq!(statuses(&f), [Status::Fail; 3]);
        for f in &f {
            assert_eq!(f.subject.as_deref(), Some(MX));
            assert_eq!(
                f.message,
                "timed out after 2 s: 192.0.2.1:25 had not finished answering"
            );
            assert_eq!(
                f.fix.as_deref(),
                Some(
                    "check the SMTP server of mx1.example.test at 192.0.2.1:25: it should answer the banner, EHLO, STARTTLS and the TLS handshake, each within --timeout; or raise --domain-timeout"
                )
            );
        }
    }

    #[test]
    fn one_address_in_time_and_one_cut_off_keeps_what_was_seen() {
        let good = ending("192.0.2.1:25", chrono::Duration::days(90));
        let h = HostData {
            probes: vec![probed(good), unfinished("[2001:db8::1]:25")],
            ..host(MX)
        };
        let f = judge(&h, Probing::Done, None, &horizon());
        assert_eq!(statuses(&f), [Status::Fail; 3]);
        assert_eq!(
            f[0].message,
            "timed out after 2 s: [2001:db8::1]:25 had not finished answering (the other addresses: STARTTLS on 1 address)"
        );
        assert!(
            f[1].message
                .contains("(the other addresses: valid for mx1.example.test, issued by CN=Test CA"),
            "{}",
            f[1].message
        );
        assert_eq!(
            f[1].expiry.map(|e| e.days_left),
            Some(90),
            "the expiry seen is kept"
        );
        assert!(
            f[2].message.contains("192.0.2.1:25: TLSv1.3"),
            "{}",
            f[2].message
        );
        assert!(f.iter().all(|f| f.subject.as_deref() == Some(MX)));
    }

    #[test]
    fn a_failure_at_another_address_keeps_its_fix_and_names_the_late_one() {
        let mut bad = probe_ok("192.0.2.1:25");
        bad.failure = Some(Failure::NoStartTls);
        bad.tls = None;
        bad.cert = None;
        bad.cert_checked = false;
        let h = HostData {
            probes: vec![probed(bad), unfinished("192.0.2.2:25")],
            ..host(MX)
        };
        let f = judge(&h, Probing::Done, None, &horizon());
        assert_eq!(statuses(&f), [Status::Fail; 3]);
        assert_eq!(
            f[0].message,
            "192.0.2.1:25: EHLO does not offer STARTTLS; 192.0.2.2:25: timed out after 2 s"
        );
        assert!(
            f[0].fix
                .as_deref()
                .unwrap_or_default()
                .starts_with("enable STARTTLS")
        );
        // Nothing else was seen about certificates or versions: the late
        // address decides.
        assert!(
            f[1].message.starts_with(
                "timed out after 2 s: 192.0.2.2:25 had not finished answering (the other addresses: no certificate"
            ),
            "{}",
            f[1].message
        );
        assert!(
            f[1].fix
                .as_deref()
                .unwrap_or_default()
                .ends_with("or raise --domain-timeout")
        );
    }

    #[test]
    fn a_probe_that_stopped_fails_starttls() {
        let p =
            crate::probe::smtp::Probe::stopped("192.0.2.1:25".parse().unwrap(), "task panicked");
        let f = judge(&with_probes(MX, vec![p]), Probing::Done, None, &horizon());
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].message,
            "192.0.2.1:25: the probe stopped before it finished: task panicked"
        );
    }
}
