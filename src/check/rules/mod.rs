//! The rules: pure functions from [gathered facts](super::facts) to
//! [findings](super::finding), one file per [family](super::catalogue::Family).
//! No rule touches the network, the file system or the wall clock, so each
//! is unit-tested from fixtures.
//!
//! [`judge`] runs them all for one domain and lists the findings in the
//! order of the catalogue, the per-host findings grouped by host.

pub mod expiry;
pub mod mx;
pub mod policy;
pub mod policy_host;
pub mod record;
pub mod smtp;
pub mod state;
pub mod tlsrpt;

use std::net::IpAddr;

use super::facts::Gathered;
use super::finding::verdict;
use super::state::Memory;
use super::{DomainReport, PolicySummary};
use crate::Clock;
use crate::model::{Domain, MaxAge, Mode};
use crate::probe::dns::Lookup;
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

/// Judges one domain: every check of the catalogue, in order.
pub fn judge(domain: &Domain, g: &Gathered, cx: &Context<'_>) -> DomainReport {
    let record = record::judge(domain, &g.sts_txt, cx.clock);
    let horizon = cx.horizon();
    let policy = policy::judge(domain, &g.policy_a, &g.policy_aaaa, &g.fetch, &horizon);
    let parsed = policy.parsed.as_ref();
    let digest = policy::digest(&g.fetch, parsed);
    let mode = parsed.and_then(|p| p.fields.mode);

    let mut checks = Vec::new();
    checks.extend(record.findings);
    if let Some(memory) = cx.memory {
        checks.push(state::judge(
            memory,
            record.id.as_deref(),
            digest.as_deref(),
            cx.clock,
        ));
    }
    checks.push(policy_host::judge(domain, &g.policy_a, &g.policy_aaaa));
    checks.extend(policy.findings);
    checks.push(mx::present(domain, &g.mx));
    checks.push(policy::mx_unused(parsed, &g.hosts));
    for host in &g.hosts {
        checks.push(mx::matching(domain, &host.host, parsed));
        checks.extend(smtp::judge(host, cx.probing, mode, &horizon));
    }
    checks.extend(tlsrpt::judge(domain, &g.tlsrpt_txt));

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
        fetch: g.fetch.clone(),
        record_id: record.id,
        policy_sha256: digest,
        elapsed_ms: 0,
    }
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

    use chrono::TimeZone;

    use crate::Clock;
    use crate::check::facts::{Gathered, HostData};
    use crate::check::rules::expiry::{ExpiryWarn, Horizon};
    use crate::model::Domain;
    use crate::probe::dns::{Answer, DnsFailure, Lookup, Mx};
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
            failure: None,
            elapsed_ms: 2,
        }
    }

    /// An MX host with one IPv4 address and no probe.
    pub fn host(name: &str) -> HostData {
        HostData {
            preference: 10,
            host: name.to_string(),
            a: addrs(&["192.0.2.1"]),
            aaaa: failed(DnsFailure::NoData),
            addresses: vec!["192.0.2.1".parse().unwrap()],
            probes: Vec::new(),
        }
    }

    pub fn with_probes(name: &str, probes: Vec<Probe>) -> HostData {
        HostData {
            probes,
            ..host(name)
        }
    }

    pub const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmx: *.backup.example.test\r\nmax_age: 604800\r\n";

    /// A healthy deployment: one record, a valid enforce policy, two MX
    /// hosts that pass, a TLS-RPT record.
    pub fn healthy() -> Gathered {
        Gathered {
            sts_txt: txt(&[&["v=STSv1; id=20261128195300Z"]]),
            tlsrpt_txt: txt(&[&["v=TLSRPTv1; rua=mailto:tlsrpt@example.test"]]),
            policy_a: addrs(&["192.0.2.10"]),
            policy_aaaa: failed(DnsFailure::NoData),
            fetch: served(POLICY),
            mx: mx(&[(10, "mx1.example.test"), (20, "mx2.backup.example.test")]),
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
    use crate::check::finding::Status;
    use crate::check::state::Remembered;
    use crate::probe::dns::DnsFailure;

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
        assert!(
            r.checks.iter().all(|f| f.status == Status::Pass),
            "{:?}",
            r.checks
        );
        assert_eq!(r.verdict, Status::Pass);
        assert_eq!(r.record_id.as_deref(), Some("20261128195300Z"));
        assert!(r.policy_sha256.is_some());
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
        assert_eq!(hosts.len(), 8);
        assert!(hosts[..4].iter().all(|h| *h == "mx1.example.test"));
        assert!(hosts[4..].iter().all(|h| *h == "mx2.backup.example.test"));
    }

    #[test]
    fn nothing_published_fails_but_lists_every_check() {
        let c = clock();
        let g = Gathered {
            sts_txt: failed(DnsFailure::NxDomain),
            tlsrpt_txt: failed(DnsFailure::NxDomain),
            policy_a: failed(DnsFailure::NxDomain),
            policy_aaaa: failed(DnsFailure::NxDomain),
            fetch: crate::probe::https::Fetch::NoAddress,
            mx: failed(DnsFailure::NoData),
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
        g.fetch = fixtures::served(&fixtures::POLICY.replace("enforce", "testing"));
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
}
