//! The rules: pure functions from [gathered facts](super::facts) to
//! [findings](super::finding), one file per [family](super::catalogue::Family).
//! No rule touches the network, the file system or the wall clock, so each
//! is unit-tested from fixtures.
//!
//! [`judge`] runs them all for one domain and lists the findings in the
//! order of the catalogue, the per-host findings grouped by host.

pub mod dane;
pub mod expiry;
pub mod mx;
pub mod policy;
pub mod policy_host;
pub mod record;
pub mod smtp;
pub mod state;
pub mod tlsrpt;

use std::net::IpAddr;

use super::catalogue::CheckId;
use super::facts::{Budget, Gathered, Timed};
use super::finding::{Finding, verdict};
use super::state::Memory;
use super::{DomainReport, PolicySummary};
use crate::Clock;
use crate::model::{Domain, MaxAge, Mode};
use crate::probe::dns::Lookup;
use crate::probe::https::Fetch;
use crate::probe::tls::CertDetails;

/// What the rules need besides the facts.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// Whether the MX hosts were probed (`--no-smtp` skips them).
    pub probing: smtp::Probing,
    /// With `--state`: what an earlier run saw of the domain.
    pub memory: Option<&'a Memory>,
    /// For fresh ids in fixes, and the days a certificate has left.
    pub clock: &'a Clock,
    /// `--expiry-warn`: how early a certificate's end is a warning.
    pub expiry_warn: expiry::ExpiryWarn,
}

impl Context<'_> {
    /// What the certificate checks judge a certificate's end by.
    pub fn horizon(&self) -> expiry::Horizon {
        expiry::Horizon {
            now: self.clock.now(),
            warn: self.expiry_warn,
        }
    }
}

/// Judges one domain: every check of the catalogue, in order. A check
/// whose facts the domain's time budget cut off fails as timed out; the
/// others are judged as usual.
pub fn judge(domain: &Domain, g: &Gathered, cx: &Context<'_>) -> DomainReport {
    let record = match &g.sts_txt {
        Timed::Done(txt) => record::judge(domain, txt, cx.clock),
        Timed::TimedOut(b) => record::timed_out(domain, *b),
    };
    let horizon = cx.horizon();
    let (host_dns, policy) = match &g.policy {
        Timed::TimedOut(b) => (
            policy_host::timed_out(domain, *b),
            policy::timed_out(domain, None, *b),
        ),
        Timed::Done(p) => {
            let (a, aaaa) = (&p.addresses.a, &p.addresses.aaaa);
            let judged = match &p.fetch {
                Timed::Done(fetch) => policy::judge(domain, a, aaaa, fetch, &horizon),
                Timed::TimedOut(b) => policy::timed_out(domain, Some(&p.addresses), *b),
            };
            (policy_host::judge(domain, a, aaaa), judged)
        }
    };
    let parsed = policy.parsed.as_ref();
    let fetch = g.fetch();
    let digest = fetch.done().and_then(|f| policy::digest(f, parsed));
    let mode = parsed.and_then(|p| p.fields.mode);
    // The budget, when it ran out before the policy came: then there is
    // nothing to match the MX hosts against.
    let policy_late = match fetch {
        Timed::TimedOut(b) => Some(b),
        Timed::Done(_) => None,
    };

    // The budget, when it ran out before the record or the policy came:
    // then there is nothing to compare with what --state remembers.
    let record_late = match &g.sts_txt {
        Timed::TimedOut(b) => Some(*b),
        Timed::Done(_) => None,
    };

    let mut checks = Vec::new();
    checks.extend(record.findings);
    if let Some(memory) = cx.memory {
        checks.push(match record_late.or(policy_late) {
            Some(b) => state::timed_out(b),
            None => state::judge(memory, record.id.as_deref(), digest.as_deref(), cx.clock),
        });
    }
    checks.push(host_dns);
    checks.extend(policy.findings);
    checks.push(match &g.mx {
        Timed::Done(mx) => mx::present(domain, mx),
        Timed::TimedOut(b) => mx::timed_out(domain, *b),
    });
    checks.push(match (policy_late, &g.mx) {
        (Some(b), _) => policy::mx_unused_timed_out(domain, policy::Late::Policy, b),
        (None, Timed::TimedOut(b)) => policy::mx_unused_timed_out(domain, policy::Late::Mx, *b),
        (None, Timed::Done(_)) => policy::mx_unused(parsed, &g.hosts),
    });
    checks.push(dane::mx_secure(domain, &g.mx_dnssec, cx.clock.now()));
    for host in &g.hosts {
        checks.push(match policy_late {
            Some(b) => mx::matching_timed_out(domain, &host.host, b),
            None => mx::matching(domain, &host.host, parsed),
        });
        let (tlsa, dane_ee) = dane::tlsa(host, cx.probing, cx.clock.now());
        let mut smtp = smtp::judge(host, cx.probing, mode, &horizon);
        if dane_ee {
            // The MTA-STS view stays as it is; DANE senders see it otherwise.
            let cert = &mut smtp[1];
            debug_assert_eq!(cert.id, CheckId::SmtpCertificate);
            cert.message.push_str(dane::DANE_EE_NOTE);
        }
        checks.extend(smtp);
        checks.push(tlsa);
    }
    checks.extend(match &g.tlsrpt_txt {
        Timed::Done(txt) => tlsrpt::judge(domain, txt),
        Timed::TimedOut(b) => tlsrpt::timed_out(domain, *b),
    });

    let summary = parsed.map(|p| PolicySummary {
        mode: p.fields.mode.map(|m| m.to_string()),
        max_age: p.fields.max_age.map(MaxAge::secs),
        mx: p.fields.mx.iter().map(ToString::to_string).collect(),
        valid: p.policy.is_some(),
    });
    DomainReport {
        domain: domain.to_string(),
        verdict: verdict(&checks),
        checks,
        record: record.shown,
        policy: summary,
        mx: g.hosts.clone(),
        fetch: fetch.map(Fetch::without_body),
        record_id: record.id,
        policy_sha256: digest,
        elapsed_ms: 0,
    }
}

/// The finding of a check whose facts were still being gathered when the
/// domain's time budget ran out: a failure that says what it was waiting
/// for (`awaited`) and what to look at (`look`).
fn timed_out(id: CheckId, budget: Budget, awaited: &str, look: &str) -> Finding {
    Finding::fail(id, format!("timed out after {budget}: {awaited}"))
        .expected(format!(
            "every answer within the domain's time budget (--domain-timeout {})",
            budget.secs()
        ))
        .fix(format!("{look}; or raise --domain-timeout"))
}

/// ` (through CNAME a → b)` when the answer came through aliases.
fn cname_note(chain: &[String]) -> String {
    if chain.is_empty() {
        String::new()
    } else {
        format!(" (through CNAME {})", chain.join(" → "))
    }
}

/// A lookup error (not mere absence) of one address family while the other
/// answered: merged results would otherwise hide it.
fn family_failure(a: &Lookup<IpAddr>, aaaa: &Lookup<IpAddr>, host: &str) -> Option<String> {
    for (lookup, rtype) in [(a, "A"), (aaaa, "AAAA")] {
        if let Err(e) = lookup
            && !e.is_absent()
        {
            return Some(e.describe(host, rtype));
        }
    }
    None
}

/// What a rejected certificate names, for the message.
fn cert_names(c: &CertDetails) -> String {
    if c.dns_names.is_empty() {
        format!(
            " (it has no DNS subjectAltName, and senders ignore the subject {}; expires {})",
            c.subject, c.not_after
        )
    } else {
        format!(
            " (it names: {}; expires {})",
            c.dns_names.join(", "),
            c.not_after
        )
    }
}

/// What senders do about a host that fails, given the policy mode.
fn consequence(mode: Option<Mode>) -> &'static str {
    match mode {
        Some(Mode::Enforce) => "; senders enforcing the policy will not deliver to it",
        Some(Mode::Testing) => {
            "; in testing mode senders only report this, in enforce mode they would not deliver"
        }
        _ => "",
    }
}

/// Facts for the rules' unit tests: a healthy `example.test` and the
/// pieces to break it.
#[cfg(test)]
pub(crate) mod fixtures {
    use std::net::{IpAddr, SocketAddr};
    use std::sync::Arc;

    use chrono::TimeZone;

    use crate::Clock;
    use crate::check::facts::{
        AddressProbe, Budget, Gathered, HostData, HostDnssec, PolicyHost, Timed,
    };
    use crate::check::rules::expiry::{ExpiryWarn, Horizon};
    use crate::model::Domain;
    use crate::probe::dns::{Addresses, Answer, DnsFailure, Lookup, Mx};
    use crate::probe::dnssec::Security;
    use crate::probe::https::{Fetch, Response};
    use crate::probe::smtp::{Probe, TlsInfo};
    use crate::probe::tls::{CertDetails, CertTime};

    pub fn clock() -> Clock {
        Clock::fixed(chrono::Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap())
    }

    /// The fixtures' clock with the default window of 14 days.
    pub fn horizon() -> Horizon {
        Horizon {
            now: clock().now(),
            warn: ExpiryWarn::from_days(ExpiryWarn::DEFAULT_DAYS),
        }
    }

    pub fn domain() -> Domain {
        Domain::parse("example.test").unwrap()
    }

    pub fn failed<T>(e: DnsFailure) -> Lookup<T> {
        Err(e)
    }

    pub fn txt(records: &[&[&str]]) -> Lookup<Vec<Vec<u8>>> {
        Ok(Answer {
            records: records
                .iter()
                .map(|strings| strings.iter().map(|s| s.as_bytes().to_vec()).collect())
                .collect(),
            cname_chain: Vec::new(),
        })
    }

    pub fn addrs(list: &[&str]) -> Lookup<IpAddr> {
        Ok(Answer {
            records: list.iter().map(|a| a.parse().unwrap()).collect(),
            cname_chain: Vec::new(),
        })
    }

    pub fn via_cname<T>(mut lookup: Lookup<T>, target: &str) -> Lookup<T> {
        if let Ok(a) = &mut lookup {
            a.cname_chain.push(target.to_string());
        }
        lookup
    }

    pub fn mx(list: &[(u16, &str)]) -> Lookup<Mx> {
        Ok(Answer {
            records: list
                .iter()
                .map(|(preference, host)| Mx {
                    preference: *preference,
                    host: host.to_string(),
                })
                .collect(),
            cname_chain: Vec::new(),
        })
    }

    pub fn cert(name: &str) -> CertDetails {
        CertDetails {
            subject: format!("CN={name}"),
            issuer: "CN=Test CA".into(),
            dns_names: vec![name.to_string()],
            not_before: CertTime(chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
            not_after: CertTime(chrono::Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()),
        }
    }

    /// A certificate for `name` that ends `left` after the fixtures' clock.
    pub fn cert_ending(name: &str, left: chrono::Duration) -> CertDetails {
        CertDetails {
            not_after: CertTime(clock().now() + left),
            ..cert(name)
        }
    }

    /// A 200 `text/plain` response with `body`.
    pub fn response(body: &str) -> Response {
        Response {
            status: 200,
            location: None,
            content_type: Some("text/plain".into()),
            content_length: Some(body.len() as u64),
            body: Some(body.as_bytes().to_vec()),
            body_bytes: body.len(),
            body_error: None,
            cert: Some(cert("mta-sts.example.test")),
            remote: None,
            elapsed_ms: 3,
        }
    }

    pub fn served(body: &str) -> Fetch {
        Fetch::Response(response(body))
    }

    /// A probe that went well: STARTTLS, TLS 1.3, a valid certificate
    /// (naming another host, which only a certificate problem would show).
    pub fn probe_ok(address: &str) -> Probe {
        Probe {
            address: address.parse::<SocketAddr>().unwrap(),
            banner: vec!["220 mx ESMTP".into()],
            starttls_offered: Some(true),
            tls: Some(TlsInfo {
                version: "TLSv1.3".into(),
                cipher: "TLS13_AES_128_GCM_SHA256".into(),
                modern: true,
            }),
            cert: Some(cert("other.example.test")),
            cert_problem: None,
            cert_checked: true,
            chain: Vec::new(),
            failure: None,
            elapsed_ms: 2,
        }
    }

    /// The budget the fixtures' timed-out facts ran out of.
    pub fn budget() -> Budget {
        Budget(std::time::Duration::from_secs(2))
    }

    /// A-only addresses.
    pub fn v4(list: &[&str]) -> Addresses {
        Addresses {
            a: addrs(list),
            aaaa: failed(DnsFailure::NoData),
        }
    }

    /// An MX host with one IPv4 address and no probe.
    pub fn host(name: &str) -> HostData {
        HostData {
            preference: 10,
            host: name.to_string(),
            lookup: Timed::Done(v4(&["192.0.2.1"])),
            addresses: vec!["192.0.2.1".parse().unwrap()],
            probes: Vec::new(),
            dnssec: unsigned_host(),
        }
    }

    /// An MX host in a zone without DNSSEC: DANE does not apply.
    pub fn unsigned_host() -> HostDnssec {
        HostDnssec {
            addresses: Timed::Done(Ok(Ok((Security::Insecure, vec![()])))),
            tlsa: Timed::Done(Ok(Ok((Security::Insecure, Vec::new())))),
        }
    }

    /// `probe` as gathered: finished in time.
    pub fn probed(probe: Probe) -> AddressProbe {
        AddressProbe {
            address: probe.address,
            probe: Timed::Done(Arc::new(probe)),
        }
    }

    /// The probe of `address`, cut off by the budget.
    pub fn unfinished(address: &str) -> AddressProbe {
        AddressProbe {
            address: address.parse().unwrap(),
            probe: Timed::TimedOut(budget()),
        }
    }

    pub fn with_probes(name: &str, probes: Vec<Probe>) -> HostData {
        HostData {
            probes: probes.into_iter().map(probed).collect(),
            ..host(name)
        }
    }

    /// The policy host at 192.0.2.10 and what it served.
    pub fn policy_host(fetch: Fetch) -> Timed<PolicyHost> {
        Timed::Done(PolicyHost {
            addresses: v4(&["192.0.2.10"]),
            fetch: Timed::Done(fetch),
        })
    }

    pub const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmx: *.backup.example.test\r\nmax_age: 604800\r\n";

    /// A healthy deployment: one record, a valid enforce policy, two MX
    /// hosts that pass, a TLS-RPT record.
    pub fn healthy() -> Gathered {
        Gathered {
            sts_txt: Timed::Done(txt(&[&["v=STSv1; id=20261128195300Z"]])),
            tlsrpt_txt: Timed::Done(txt(&[&["v=TLSRPTv1; rua=mailto:tlsrpt@example.test"]])),
            policy: policy_host(served(POLICY)),
            mx: Timed::Done(mx(&[
                (10, "mx1.example.test"),
                (20, "mx2.backup.example.test"),
            ])),
            mx_dnssec: Timed::Done(Ok(Ok((Security::Insecure, vec![(), ()])))),
            hosts: vec![
                with_probes("mx1.example.test", vec![probe_ok("192.0.2.1:25")]),
                with_probes("mx2.backup.example.test", vec![probe_ok("192.0.2.2:25")]),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{clock, domain, failed, healthy, probe_ok, with_probes};
    use super::*;
    use crate::check::catalogue::{CheckId, Scope};
    use crate::check::facts::PolicyHost;
    use crate::check::finding::Status;
    use crate::check::state::Remembered;
    use crate::probe::dns::{Addresses, DnsFailure};

    fn context<'a>(memory: Option<&'a Memory>, clock: &'a Clock) -> Context<'a> {
        Context {
            probing: smtp::Probing::Done,
            memory,
            clock,
            expiry_warn: expiry::ExpiryWarn::from_days(expiry::ExpiryWarn::DEFAULT_DAYS),
        }
    }

    /// The ids a report lists, per-host ones once per host in turn.
    fn expected_ids(hosts: usize, with_state: bool) -> Vec<CheckId> {
        let domain_level = CheckId::ALL
            .into_iter()
            .filter(|c| c.scope() == Scope::Domain && (with_state || c.always_reported()));
        let per_host: Vec<CheckId> = CheckId::ALL
            .into_iter()
            .filter(|c| c.scope() == Scope::Host)
            .collect();
        let mut ids = Vec::new();
        for c in domain_level {
            if c == CheckId::TlsrptPresent {
                for _ in 0..hosts {
                    ids.extend(per_host.iter().copied());
                }
            }
            ids.push(c);
        }
        ids
    }

    #[test]
    fn a_healthy_domain_passes_every_check_in_catalogue_order() {
        let c = clock();
        let r = judge(&domain(), &healthy(), &context(None, &c));
        let ids: Vec<CheckId> = r.checks.iter().map(|f| f.id).collect();
        assert_eq!(ids, expected_ids(2, false));
        // Without DNSSEC, DANE does not apply: an observation, not a failure.
        assert!(
            r.checks.iter().all(|f| f.status
                == if f.id.family() == crate::check::catalogue::Family::Dane {
                    Status::Info
                } else {
                    Status::Pass
                }),
            "{:?}",
            r.checks
        );
        assert_eq!(r.verdict, Status::Pass);
        assert_eq!(r.record_id.as_deref(), Some("20261128195300Z"));
        assert!(r.policy_sha256.is_some());
        match &r.fetch {
            Timed::Done(Fetch::Response(resp)) => {
                assert_eq!(
                    (resp.status, resp.body_bytes),
                    (200, fixtures::POLICY.len())
                );
                assert_eq!(resp.body, None, "the report does not keep the body");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            r.policy
                .is_some_and(|p| p.valid && p.mode.as_deref() == Some("enforce"))
        );
    }

    #[test]
    fn per_host_findings_name_their_host() {
        let c = clock();
        let r = judge(&domain(), &healthy(), &context(None, &c));
        let hosts: Vec<&str> = r
            .checks
            .iter()
            .filter(|f| f.id.scope() == Scope::Host)
            .filter_map(|f| f.subject.as_deref())
            .collect();
        assert_eq!(hosts.len(), 10);
        assert!(hosts[..5].iter().all(|h| *h == "mx1.example.test"));
        assert!(hosts[5..].iter().all(|h| *h == "mx2.backup.example.test"));
    }

    #[test]
    fn nothing_published_fails_but_lists_every_check() {
        let c = clock();
        let g = Gathered {
            sts_txt: Timed::Done(failed(DnsFailure::NxDomain)),
            tlsrpt_txt: Timed::Done(failed(DnsFailure::NxDomain)),
            policy: Timed::Done(PolicyHost {
                addresses: Addresses {
                    a: failed(DnsFailure::NxDomain),
                    aaaa: failed(DnsFailure::NxDomain),
                },
                fetch: Timed::Done(crate::probe::https::Fetch::NoAddress),
            }),
            mx: Timed::Done(failed(DnsFailure::NoData)),
            mx_dnssec: Timed::Done(Ok(Err(DnsFailure::NoData))),
            hosts: Vec::new(),
        };
        let r = judge(&domain(), &g, &context(None, &c));
        assert_eq!(
            r.checks.iter().map(|f| f.id).collect::<Vec<_>>(),
            expected_ids(0, false)
        );
        assert_eq!(r.verdict, Status::Fail);
        assert_eq!(r.record_id, None);
    }

    #[test]
    fn state_goes_after_the_record_checks_and_decides_the_verdict() {
        let c = clock();
        let g = healthy();
        let r = judge(&domain(), &g, &context(Some(&Memory::Empty), &c));
        assert_eq!(
            r.checks.iter().map(|f| f.id).collect::<Vec<_>>(),
            expected_ids(2, true)
        );
        assert_eq!(r.checks[3].status, Status::Info);
        assert_eq!(r.verdict, Status::Pass);
        let changed = Memory::Seen(Remembered {
            id: "20261128195300Z".into(),
            policy_sha256: "0".repeat(64),
            seen: "2026-11-30T00:00:00+00:00".into(),
        });
        let r = judge(&domain(), &g, &context(Some(&changed), &c));
        assert_eq!(r.checks[3].status, Status::Fail);
        assert_eq!(r.verdict, Status::Fail);
    }

    #[test]
    fn a_warning_makes_the_verdict_warn() {
        let c = clock();
        let mut g = healthy();
        g.policy = fixtures::policy_host(fixtures::served(
            &fixtures::POLICY.replace("enforce", "testing"),
        ));
        let r = judge(&domain(), &g, &context(None, &c));
        assert_eq!(r.verdict, Status::Warn);
        g.hosts[1] = with_probes(
            "mx2.backup.example.test",
            vec![{
                let mut p = probe_ok("192.0.2.2:25");
                p.failure = Some(crate::probe::smtp::Failure::NoStartTls);
                p
            }],
        );
        let r = judge(&domain(), &g, &context(None, &c));
        assert_eq!(r.verdict, Status::Fail);
    }

    /// Every check's status, by id (and subject).
    fn by_id(r: &DomainReport) -> Vec<(String, Status)> {
        r.checks
            .iter()
            .map(|f| {
                (
                    match &f.subject {
                        Some(s) => format!("{} {s}", f.id),
                        None => f.id.to_string(),
                    },
                    f.status,
                )
            })
            .collect()
    }

    fn failed_as_timed_out(r: &DomainReport) -> Vec<String> {
        r.checks
            .iter()
            .filter(|f| f.status == Status::Fail && f.message.starts_with("timed out after 2 s: "))
            .map(|f| f.id.to_string())
            .collect()
    }

    #[test]
    fn nothing_in_time_fails_every_check_as_timed_out() {
        let c = clock();
        let late = fixtures::budget();
        let g = Gathered {
            sts_txt: Timed::TimedOut(late),
            tlsrpt_txt: Timed::TimedOut(late),
            policy: Timed::TimedOut(late),
            mx: Timed::TimedOut(late),
            mx_dnssec: Timed::TimedOut(late),
            hosts: Vec::new(),
        };
        let r = judge(&domain(), &g, &context(None, &c));
        assert_eq!(
            r.checks.iter().map(|f| f.id).collect::<Vec<_>>(),
            expected_ids(0, false)
        );
        assert_eq!(
            failed_as_timed_out(&r).len(),
            r.checks.len(),
            "{:?}",
            r.checks
        );
        assert_eq!(r.verdict, Status::Fail);
        assert!(matches!(r.fetch, Timed::TimedOut(_)));
        assert_eq!(
            (r.record_id, r.policy_sha256, r.policy.is_none()),
            (None, None, true)
        );
        let unused = r
            .checks
            .iter()
            .find(|f| f.id == CheckId::PolicyMxUnused)
            .unwrap();
        assert!(unused.message.contains("the policy was not fetched yet"));
    }

    #[test]
    fn a_late_policy_fails_what_depends_on_it_and_keeps_the_rest() {
        let c = clock();
        let mut g = healthy();
        g.policy = Timed::Done(PolicyHost {
            addresses: fixtures::v4(&["192.0.2.10"]),
            fetch: Timed::TimedOut(fixtures::budget()),
        });
        let r = judge(&domain(), &g, &context(None, &c));
        assert_eq!(
            r.checks.iter().map(|f| f.id).collect::<Vec<_>>(),
            expected_ids(2, false)
        );
        let late = failed_as_timed_out(&r);
        assert_eq!(
            late,
            [
                "policy.tls",
                "policy.http",
                "policy.content_type",
                "policy.size",
                "policy.syntax",
                "policy.mode",
                "policy.max_age",
                "policy.mx_unused",
                "mx.match",
                "mx.match",
            ]
        );
        // What finished is judged as usual.
        let passed: Vec<String> = by_id(&r)
            .into_iter()
            .filter(|(_, s)| *s == Status::Pass)
            .map(|(id, _)| id)
            .collect();
        assert!(passed.contains(&"record.present".to_string()));
        assert!(passed.contains(&"policy_host.dns".to_string()));
        assert!(passed.contains(&"smtp.starttls mx1.example.test".to_string()));
        assert!(passed.contains(&"tlsrpt.syntax".to_string()));
        let tls = &r
            .checks
            .iter()
            .find(|f| f.id == CheckId::PolicyTls)
            .unwrap()
            .message;
        assert!(tls.contains("192.0.2.10"), "{tls}");
        let m = r.checks.iter().find(|f| f.id == CheckId::MxMatch).unwrap();
        assert_eq!(m.subject.as_deref(), Some("mx1.example.test"));
        assert_eq!(r.verdict, Status::Fail);
        assert_eq!((r.policy_sha256, r.policy.is_none()), (None, true));
        assert_eq!(r.record_id.as_deref(), Some("20261128195300Z"));
    }

    #[test]
    fn with_state_a_late_record_or_policy_fails_the_comparison() {
        let c = clock();
        let remembered = Memory::Seen(Remembered {
            id: "20261128195300Z".into(),
            policy_sha256: "0".repeat(64),
            seen: "2026-11-30T00:00:00+00:00".into(),
        });
        let rotation = |g: &Gathered| {
            let r = judge(&domain(), g, &context(Some(&remembered), &c));
            r.checks
                .into_iter()
                .find(|f| f.id == CheckId::RecordIdRotation)
                .unwrap()
        };
        // In time, the changed digest under the same id fails as usual.
        assert!(!rotation(&healthy()).message.starts_with("timed out"));
        let mut g = healthy();
        g.sts_txt = Timed::TimedOut(fixtures::budget());
        let f = rotation(&g);
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message.starts_with("timed out after 2 s: "),
            "{}",
            f.message
        );
        let mut g = healthy();
        g.policy = Timed::TimedOut(fixtures::budget());
        let f = rotation(&g);
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message.starts_with("timed out after 2 s: "),
            "{}",
            f.message
        );
    }

    #[test]
    fn a_late_mx_lookup_fails_the_mx_checks_and_keeps_the_policy() {
        let c = clock();
        let mut g = healthy();
        g.mx = Timed::TimedOut(fixtures::budget());
        g.hosts = Vec::new();
        let r = judge(&domain(), &g, &context(None, &c));
        assert_eq!(failed_as_timed_out(&r), ["mx.present", "policy.mx_unused"]);
        let unused = r
            .checks
            .iter()
            .find(|f| f.id == CheckId::PolicyMxUnused)
            .unwrap();
        assert!(
            unused
                .message
                .contains("the MX records of example.test were not known yet"),
            "{}",
            unused.message
        );
        assert!(r.policy_sha256.is_some());
        assert!(matches!(r.fetch, Timed::Done(_)));
    }

    #[test]
    fn late_txt_lookups_fail_their_own_checks_only() {
        let c = clock();
        let mut g = healthy();
        g.sts_txt = Timed::TimedOut(fixtures::budget());
        g.tlsrpt_txt = Timed::TimedOut(fixtures::budget());
        let r = judge(&domain(), &g, &context(None, &c));
        assert_eq!(
            failed_as_timed_out(&r),
            [
                "record.present",
                "record.unique",
                "record.syntax",
                "tlsrpt.present",
                "tlsrpt.syntax"
            ]
        );
        assert_eq!(r.record_id, None);
        assert!(r.policy_sha256.is_some());
    }
}
