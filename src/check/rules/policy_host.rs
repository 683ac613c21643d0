//! [`PolicyHostDns`](crate::check::CheckId::PolicyHostDns): the addresses of `mta-sts.<domain>` (RFC 8461 §3.3).

use std::net::IpAddr;

use super::{family_failure, timed_out as late};
use crate::check::catalogue::CheckId::PolicyHostDns;
use crate::check::facts::Budget;
use crate::check::finding::Finding;
use crate::model::Domain;
use crate::probe::dns::{Lookup, merge_addresses};

/// Judges the A and AAAA answers for the policy host.
pub fn judge(domain: &Domain, a: &Lookup<IpAddr>, aaaa: &Lookup<IpAddr>) -> Finding {
    let host = domain.policy_host();
    match merge_addresses(a, aaaa) {
        Ok(answer) => {
            let addrs: Vec<String> = answer.records.iter().map(ToString::to_string).collect();
            if let Some(broken) = family_failure(a, aaaa, &host) {
                Finding::warn(PolicyHostDns, format!("{host} has {}, but {broken}", addrs.join(", ")))
                    .fix("make the DNS servers answer both A and AAAA queries (NODATA when there is no record)")
            } else if answer.cname_chain.is_empty() {
                Finding::pass(PolicyHostDns, format!("{host} has {}", addrs.join(", ")))
            } else {
                Finding::warn(
                    PolicyHostDns,
                    format!(
                        "{host} is reached through CNAME {} ({})",
                        answer.cname_chain.join(" → "),
                        addrs.join(", ")
                    ),
                )
                .expected("A/AAAA records directly at the name")
                .fix(format!("publish A/AAAA records for {host} instead of a CNAME; Exchange Online's validation has been reported to reject a CNAME there"))
            }
        }
        Err(e) => {
            let f = Finding::fail(PolicyHostDns, e.describe(&host, "A/AAAA"))
                .expected(format!("A or AAAA records for {host}"));
            if e.is_absent() {
                f.fix(format!(
                    "create A/AAAA records for {host} pointing at the server that hosts the policy"
                ))
            } else {
                f.fix("make the DNS servers of the domain answer this query")
            }
        }
    }
}

/// The finding when the domain's budget ran out before the A/AAAA
/// lookups of the policy host answered.
pub fn timed_out(domain: &Domain, budget: Budget) -> Finding {
    let host = domain.policy_host();
    late(
        PolicyHostDns,
        budget,
        &format!("no answer yet to the A/AAAA lookups of {host}"),
        &format!("check that the DNS servers of {domain} answer for {host}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::finding::Status;
    use crate::check::rules::fixtures::{addrs, budget, domain, failed, via_cname};
    use crate::probe::dns::DnsFailure;

    #[test]
    fn addresses_pass() {
        let f = judge(
            &domain(),
            &addrs(&["192.0.2.1"]),
            &failed(DnsFailure::NoData),
        );
        assert_eq!(f.status, Status::Pass, "{}", f.message);
        assert_eq!(f.message, "mta-sts.example.test has 192.0.2.1");
    }

    #[test]
    fn a_cname_warns() {
        let f = judge(
            &domain(),
            &via_cname(addrs(&["192.0.2.1"]), "pages.example.net"),
            &failed(DnsFailure::NoData),
        );
        assert_eq!(f.status, Status::Warn);
        assert!(f.message.contains("through CNAME pages.example.net"));
    }

    #[test]
    fn a_broken_family_beside_a_working_one_warns() {
        let f = judge(
            &domain(),
            &addrs(&["192.0.2.1"]),
            &failed(DnsFailure::ServFail),
        );
        assert_eq!(f.status, Status::Warn);
        assert!(f.message.contains("AAAA"), "{}", f.message);
    }

    #[test]
    fn no_address_fails_with_the_fix_that_fits() {
        let f = judge(
            &domain(),
            &failed(DnsFailure::NxDomain),
            &failed(DnsFailure::NxDomain),
        );
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.fix
                .as_deref()
                .unwrap_or_default()
                .starts_with("create A/AAAA")
        );
        let f = judge(
            &domain(),
            &failed(DnsFailure::Timeout),
            &failed(DnsFailure::Timeout),
        );
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.fix
                .as_deref()
                .unwrap_or_default()
                .contains("answer this query")
        );
    }

    #[test]
    fn lookups_cut_off_by_the_budget_fail() {
        let f = timed_out(&domain(), budget());
        assert_eq!((f.id, f.status), (PolicyHostDns, Status::Fail));
        assert_eq!(
            f.message,
            "timed out after 2 s: no answer yet to the A/AAAA lookups of mta-sts.example.test"
        );
        assert_eq!(
            f.fix.as_deref(),
            Some(
                "check that the DNS servers of example.test answer for mta-sts.example.test; or raise --domain-timeout"
            )
        );
    }
}
