//! [`MxPresent`](crate::check::CheckId::MxPresent) (the domain's MX records) and [`MxMatch`](crate::check::CheckId::MxMatch) (each MX host
//! against the policy's mx patterns, RFC 8461 §4.1).

use super::{consequence, timed_out as late};
use crate::check::catalogue::CheckId::{MxMatch, MxPresent};
use crate::check::facts::Budget;
use crate::check::finding::Finding;
use crate::model::{Domain, PolicyParse, Provider};
use crate::probe::dns::{DnsFailure, Lookup, Mx};

/// Judges the MX answer of the domain.
pub fn present(domain: &Domain, mx: &Lookup<Mx>) -> Finding {
    match mx {
        Err(e) => {
            let msg = match e {
                DnsFailure::NoData => format!("{domain} has no MX records"),
                other => other.describe(domain.as_str(), "MX"),
            };
            Finding::fail(MxPresent, msg)
                .expected("one or more MX records")
                .fix("publish the MX records of the domain")
        }
        Ok(answer) if answer.records.iter().all(|m| m.host.is_empty()) => Finding::fail(
            MxPresent,
            format!(
                "{domain} has a null MX (RFC 7505): it accepts no mail, so MTA-STS protects nothing"
            ),
        )
        .expected("MX records naming mail servers"),
        Ok(answer) => {
            let list: Vec<String> = answer
                .records
                .iter()
                .map(|m| format!("{} {}", m.preference, m.host))
                .collect();
            Finding::pass(MxPresent, list.join(", "))
        }
    }
}

/// Judges whether the policy covers the MX host `host`.
pub fn matching(domain: &Domain, host: &str, parsed: Option<&PolicyParse>) -> Finding {
    let Some(parsed) = parsed else {
        return Finding::skip(MxMatch, "no policy was fetched").subject(host);
    };
    let patterns = &parsed.fields.mx;
    if patterns.is_empty() {
        return Finding::skip(MxMatch, "the policy has no valid mx line").subject(host);
    }
    match patterns.iter().find(|p| p.matches(host)) {
        Some(p) => Finding::pass(
            MxMatch,
            format!(
                "matched by mx: {p}{}",
                if parsed.policy.is_some() {
                    ""
                } else {
                    " (in an invalid policy)"
                }
            ),
        )
        .subject(host),
        None => Finding::fail(
            MxMatch,
            format!(
                "{host} is not covered by the policy (it lists: {}){}",
                patterns
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                consequence(parsed.fields.mode)
            ),
        )
        .subject(host)
        .expected(format!(
            "an mx: line matching {host} (a *. wildcard covers exactly one leftmost label)"
        ))
        .fix(format!(
            "add the line {} to the policy, then publish a new id in _mta-sts.{domain}",
            line_for(host)
        )),
    }
}

/// [`MxPresent`](crate::check::CheckId::MxPresent) when the domain's
/// budget ran out before the MX lookup answered.
pub fn timed_out(domain: &Domain, budget: Budget) -> Finding {
    late(
        MxPresent,
        budget,
        &format!("no answer yet to the MX lookup of {domain}"),
        &format!("check that the DNS servers of {domain} answer for its MX records"),
    )
}

/// [`MxMatch`](crate::check::CheckId::MxMatch) for `host` when the
/// domain's budget ran out before the policy was fetched: there is nothing
/// to match the host against.
pub fn matching_timed_out(domain: &Domain, host: &str, budget: Budget) -> Finding {
    let policy_host = domain.policy_host();
    late(
        MxMatch,
        budget,
        &format!("the policy was not fetched yet, so {host} could not be matched against it"),
        &format!("check that {policy_host} serves the policy (see policy.tls)"),
    )
    .subject(host)
}

/// The mx line that covers `host`: the pattern or host its provider
/// documents, with the provider named; the host itself otherwise.
fn line_for(host: &str) -> String {
    match Provider::recognise(host) {
        Some(found) if found.documented && found.mx.is_wildcard() => format!(
            "`mx: {}` (the pattern documented for the MX hosts of {})",
            found.mx, found.provider
        ),
        Some(found) if found.documented => {
            format!(
                "`mx: {}` (a documented MX host of {})",
                found.mx, found.provider
            )
        }
        Some(found) => format!(
            "`mx: {}` ({} documents no pattern for this host, so list it exactly)",
            found.mx, found.provider
        ),
        None => format!("`mx: {host}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::finding::Status;
    use crate::check::rules::fixtures::{budget, domain, failed, mx};
    use crate::model::Policy;

    #[test]
    fn mx_records_null_mx_and_failures() {
        let f = present(
            &domain(),
            &mx(&[(10, "mx1.example.test"), (20, "mx2.example.test")]),
        );
        assert_eq!(f.status, Status::Pass);
        assert_eq!(f.message, "10 mx1.example.test, 20 mx2.example.test");
        let f = present(&domain(), &mx(&[(0, "")]));
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("null MX"));
        let f = present(&domain(), &failed(DnsFailure::NoData));
        assert_eq!(f.message, "example.test has no MX records");
        let f = present(&domain(), &failed(DnsFailure::ServFail));
        assert!(f.message.contains("SERVFAIL"));
    }

    #[test]
    fn wildcards_cover_exactly_one_label() {
        let p =
            Policy::parse(b"version: STSv1\nmode: enforce\nmx: *.example.test\nmax_age: 604800\n");
        let m = |h| matching(&domain(), h, Some(&p));
        assert_eq!(m("mx1.example.test").status, Status::Pass);
        assert_eq!(
            m("mx1.example.test").subject.as_deref(),
            Some("mx1.example.test")
        );
        let f = m("a.b.example.test");
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message
                .contains("senders enforcing the policy will not deliver"),
            "{}",
            f.message
        );
        assert!(
            f.fix
                .as_deref()
                .unwrap_or_default()
                .contains("mx: a.b.example.test")
        );
    }

    /// An uncovered host of a known provider: the fix names the line the
    /// provider documents, and the provider.
    #[test]
    fn the_fix_names_the_providers_documented_line() {
        let p = Policy::parse(
            b"version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 604800\n",
        );
        let fix = |h| {
            let f = matching(&domain(), h, Some(&p));
            assert_eq!(f.status, Status::Fail, "{h}");
            f.fix.unwrap()
        };
        let tail = " to the policy, then publish a new id in _mta-sts.example.test";
        assert_eq!(
            fix("example-test.mail.protection.outlook.com"),
            format!(
                "add the line `mx: *.mail.protection.outlook.com` (the pattern documented for the MX hosts of Microsoft 365 / Exchange Online){tail}"
            )
        );
        assert_eq!(
            fix("alt1.aspmx.l.google.com"),
            format!(
                "add the line `mx: alt1.aspmx.l.google.com` (a documented MX host of Google Workspace, older ASPMX set){tail}"
            )
        );
        assert_eq!(
            fix("example-test.o-v1.mx.microsoft"),
            format!(
                "add the line `mx: example-test.o-v1.mx.microsoft` (Microsoft 365 / Exchange Online documents no pattern for this host, so list it exactly){tail}"
            )
        );
        assert_eq!(
            fix("mx2.example.test"),
            format!("add the line `mx: mx2.example.test`{tail}")
        );
    }

    #[test]
    fn without_a_policy_or_mx_lines_matching_is_skipped() {
        assert_eq!(
            matching(&domain(), "mx1.example.test", None).status,
            Status::Skip
        );
        let p = Policy::parse(b"version: STSv1\nmode: none\nmax_age: 86400\n");
        assert_eq!(
            matching(&domain(), "mx1.example.test", Some(&p)).status,
            Status::Skip
        );
    }

    #[test]
    fn a_match_in_an_invalid_policy_says_so() {
        let p = Policy::parse(b"version: STSv1\nmode: enforce\nmx: mx1.example.test\n");
        let f = matching(&domain(), "mx1.example.test", Some(&p));
        assert_eq!(f.status, Status::Pass);
        assert!(f.message.ends_with("(in an invalid policy)"));
    }

    #[test]
    fn an_mx_lookup_cut_off_by_the_budget_fails() {
        let f = timed_out(&domain(), budget());
        assert_eq!((f.id, f.status), (MxPresent, Status::Fail));
        assert_eq!(
            f.message,
            "timed out after 2 s: no answer yet to the MX lookup of example.test"
        );
        assert!(
            f.fix.as_deref().unwrap_or_default().starts_with(
                "check that the DNS servers of example.test answer for its MX records"
            )
        );
    }

    #[test]
    fn without_the_policy_in_time_matching_fails_as_timed_out() {
        let f = matching_timed_out(&domain(), "mx1.example.test", budget());
        assert_eq!((f.id, f.status), (MxMatch, Status::Fail));
        assert_eq!(f.subject.as_deref(), Some("mx1.example.test"));
        assert_eq!(
            f.message,
            "timed out after 2 s: the policy was not fetched yet, so mx1.example.test could not be matched against it"
        );
        assert_eq!(
            f.fix.as_deref(),
            Some(
                "check that mta-sts.example.test serves the policy (see policy.tls); or raise --domain-timeout"
            )
        );
    }
}
