//! [`SmtpStarttls`](crate::check::CheckId::SmtpStarttls), [`SmtpCertificate`](crate::check::CheckId::SmtpCertificate),
//! [`SmtpTlsVersion`](crate::check::CheckId::SmtpTlsVersion): what each MX
//! host did when probed as a sending MTA would (RFC 8461 §4.2), over every
//! address it has.

use super::{cert_names, consequence, family_failure};
use crate::check::catalogue::CheckId::{SmtpCertificate, SmtpStarttls, SmtpTlsVersion};
use crate::check::facts::HostData;
use crate::check::finding::Finding;
use crate::model::Mode;
use crate::probe::dns::merge_addresses;
use crate::probe::smtp::Failure;

/// How the host was probed, as far as the rules need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probing {
    /// Every address was probed.
    Done,
    /// `--no-smtp`: nothing was probed.
    Skipped,
}

/// The three findings for one MX host, in catalogue order; `mode` is the
/// policy's, to say what senders do about a failure.
pub fn judge(host: &HostData, probing: Probing, mode: Option<Mode>) -> [Finding; 3] {
    let h = host.host.as_str();
    if probing == Probing::Skipped {
        return [SmtpStarttls, SmtpCertificate, SmtpTlsVersion]
            .map(|id| Finding::skip(id, "--no-smtp").subject(h));
    }
    if host.probes.is_empty() {
        let why = match merge_addresses(&host.a, &host.aaaa) {
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
    let mut starttls_bad = Vec::new();
    let mut cert_bad = Vec::new();
    let mut version_bad = Vec::new();
    let mut cert_seen = Vec::new();
    let mut versions = Vec::new();
    for p in &host.probes {
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
            match &p.cert_problem {
                Some(problem) => {
                    let names = p.cert.as_ref().map(cert_names).unwrap_or_default();
                    cert_bad.push((format!("{at}: {problem}{names}"), problem.fix(h)));
                }
                None => cert_seen.push(
                    p.cert
                        .as_ref()
                        .map(|c| format!("issued by {}, expires {}", c.issuer, c.not_after))
                        .unwrap_or_default(),
                ),
            }
        }
    }
    let broken_family = family_failure(&host.a, &host.aaaa, h);
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
                host.probes.len(),
                if host.probes.len() == 1 { "" } else { "es" }
            ),
        )
        .subject(h)
    } else {
        let fix = if host
            .probes
            .iter()
            .any(|p| p.failure == Some(Failure::NoStartTls))
        {
            format!(
                "enable STARTTLS on {h} (a certificate for {h} and e.g. Postfix smtpd_tls_security_level = may)"
            )
        } else if host
            .probes
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
    } else if cert_seen.is_empty() {
        Finding::skip(
            SmtpCertificate,
            "no certificate was presented (TLS did not start)",
        )
        .subject(h)
    } else {
        Finding::pass(SmtpCertificate, format!("valid for {h}, {}", cert_seen[0])).subject(h)
    };
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
    use crate::check::rules::fixtures::{failed, host, probe_ok, with_probes};
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
        let f = judge(&h, Probing::Done, Some(Mode::Enforce));
        assert_eq!(statuses(&f), [Status::Pass; 3], "{f:?}");
        assert_eq!(f[0].message, "STARTTLS on 2 addresses");
        assert!(f.iter().all(|f| f.subject.as_deref() == Some(MX)));
        assert!(f[2].message.contains("TLSv1.3"));
    }

    #[test]
    fn no_smtp_skips_and_no_address_fails() {
        let h = with_probes(MX, vec![probe_ok("192.0.2.1:25")]);
        assert_eq!(
            statuses(&judge(&h, Probing::Skipped, None)),
            [Status::Skip; 3]
        );
        let mut h = host(MX);
        h.a = failed(DnsFailure::NxDomain);
        h.aaaa = failed(DnsFailure::NxDomain);
        let f = judge(&h, Probing::Done, None);
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
        let f = judge(&h, Probing::Done, Some(Mode::Testing));
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
        let f = judge(&with_probes(MX, vec![p]), Probing::Done, None);
        assert_eq!(statuses(&f), [Status::Fail, Status::Skip, Status::Fail]);
        let mut p = probe_ok("192.0.2.1:25");
        if let Some(t) = p.tls.as_mut() {
            t.modern = false;
            t.version = "TLSv1.1".into();
        }
        let f = judge(&with_probes(MX, vec![p]), Probing::Done, None);
        assert_eq!(statuses(&f), [Status::Pass, Status::Pass, Status::Fail]);
        assert!(f[2].message.contains("negotiated TLSv1.1"));
    }

    #[test]
    fn injection_gets_its_own_fix_and_a_broken_family_warns() {
        let mut p = probe_ok("192.0.2.1:25");
        p.failure = Some(Failure::Injection(12));
        let f = judge(&with_probes(MX, vec![p]), Probing::Done, None);
        assert!(
            f[0].fix
                .as_deref()
                .unwrap_or_default()
                .contains("middlebox")
        );
        let mut h = with_probes(MX, vec![probe_ok("192.0.2.1:25")]);
        h.aaaa = failed(DnsFailure::Timeout);
        let f = judge(&h, Probing::Done, None);
        assert_eq!(f[0].status, Status::Warn);
        assert!(f[0].message.contains("AAAA"));
    }
}
