//! The verdict: from one domain's aggregates and the thresholds to a
//! [`DomainSummary`], pure data that the printers render.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::aggregate::{
    Aggregates, DayStats, Days, DomainAgg, MAX_DOMAINS, MAX_KEYS, OTHERS, add, failure_others,
    policy_hash, trim,
};
use crate::model::{Mode, MxPattern, Policy};

/// When a domain counts as ready to enforce.
#[derive(Debug, Clone)]
pub struct Thresholds {
    pub min_reporters: usize,
    pub min_days: usize,
}

/// The verdict for every domain of the aggregates, in order of name.
pub fn summarize(agg: &Aggregates, t: &Thresholds) -> Vec<DomainSummary> {
    agg.domains()
        .map(|(d, a)| summarize_domain(d, a, t))
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct Sessions {
    pub successful: u64,
    pub failed: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Day {
    pub date: String,
    pub successful: u64,
    pub failed: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Blocking {
    pub result_type: String,
    pub receiving_mx_hostname: Option<String>,
    pub sessions: u64,
    pub meaning: String,
    pub fix: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicySeen {
    pub policy: String,
    /// The policy the verdict is about: the newest reporters apply.
    pub current: bool,
    pub reports: u64,
    pub reporters: Vec<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

/// A reporter whose latest report, after the current policy took effect,
/// still shows one that appeared before it: it cached the old policy, the
/// sign of an id that did not change.
#[derive(Debug, Clone, Serialize)]
pub struct StaleReporter {
    pub reporter: String,
    pub last_report: String,
    pub policy: String,
}

/// The answer for one policy domain.
#[derive(Debug, Clone, Serialize)]
pub struct DomainSummary {
    pub domain: String,
    pub verdict: &'static str,
    pub ready: bool,
    pub start: Option<String>,
    pub end: Option<String>,
    /// Days covered by any report.
    pub days: usize,
    pub reporters: Vec<String>,
    /// Organisations that reported sessions under the current sts policy
    /// (the verdict's `--min-reporters`).
    pub sts_reporters: usize,
    /// Days with sessions under the current sts policy (`--min-days`).
    pub sts_days: usize,
    /// The first day a reporter applied the current policy: the count of
    /// days and reporters starts there.
    pub current_since: Option<String>,
    pub sessions: BTreeMap<String, Sessions>,
    pub failures_by_result_type: BTreeMap<String, u64>,
    pub failures_by_mx: BTreeMap<String, u64>,
    pub failures_by_sending_ip: BTreeMap<String, u64>,
    pub trend: Vec<Day>,
    pub policy_strings: Vec<PolicySeen>,
    pub stale_reporters: Vec<StaleReporter>,
    /// Why the domain is not ready (empty when ready).
    pub reasons: Vec<String>,
    /// Failures under the current sts policy (or an unstated one).
    pub blocking: Vec<Blocking>,
    /// Failures under policies since replaced: shown, not counted.
    pub earlier_failures: Vec<Blocking>,
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The policy the verdict is about, when it took effect, and the
/// reporters that apply another one.
struct Current<'a> {
    policy: &'a str,
    /// The first day of the current run of days of a reporter that
    /// applies it now: the count of days starts there.
    since: NaiveDate,
    /// Reporters (keys) whose latest report, on or after `since`, does not
    /// show it: with senders disagreeing, nobody can say which policy
    /// enforcing would apply.
    disagree: Vec<&'a str>,
}

/// The current policy: of the policies reporters apply now (on their
/// latest day), the newest, that is, the one reporters switched to last
/// (a policy restored after a detour is new again). On a tie, the one
/// more reporters apply, then the larger string.
fn current_policy(a: &DomainAgg) -> Option<Current<'_>> {
    let names: BTreeMap<u64, &str> = a.sts.keys().map(|p| (policy_hash(p), p.as_str())).collect();
    // Policy → (when it appeared, earliest start of a run, reporters).
    let mut now: BTreeMap<&str, (NaiveDate, NaiveDate, usize)> = BTreeMap::new();
    let mut latest: Vec<(&str, NaiveDate, u64)> = Vec::new();
    for (reporter, days) in &a.timeline {
        // What the reporter applied each day: the policy of most of its
        // sessions (a few senders of a big reporter may still hold an old
        // one from their cache).
        let applied: Vec<(NaiveDate, u64)> = days
            .iter()
            .filter_map(|(d, m)| Some((*d, majority(m)?)))
            .collect();
        let Some(&(last, h)) = applied.last() else {
            continue;
        };
        latest.push((reporter.as_str(), last, h));
        let Some(p) = names.get(&h) else { continue };
        let start = applied
            .iter()
            .rev()
            .take_while(|(_, x)| *x == h)
            .last()
            .map_or(last, |(d, _)| *d);
        // A switch, if the reporter applied something else before and has
        // kept to it for more than a day (one odd day of a reporter is no
        // rollback); a reporter new to the reports says only that the
        // policy existed, since its first day.
        let run = applied.iter().rev().take_while(|(_, x)| *x == h).count();
        let appeared = if Some(start) == applied.first().map(|x| x.0) || run < 2 {
            a.sts
                .get(*p)
                .and_then(|d| d.keys().next().copied())
                .unwrap_or(start)
        } else {
            start
        };
        let e = now.entry(p).or_insert((appeared, start, 0));
        e.0 = e.0.max(appeared);
        e.1 = e.1.min(start);
        e.2 += 1;
    }
    let (policy, (_, since, _)) = now
        .into_iter()
        .max_by(|x, y| (x.1.0, x.1.2, x.0).cmp(&(y.1.0, y.1.2, y.0)))?;
    let hash = policy_hash(policy);
    // Caches take a day or two to refresh: a reporter last heard from
    // then, on the earlier policy, has not disagreed yet.
    let settled = since + chrono::Duration::days(2);
    let disagree = latest
        .into_iter()
        .filter(|(_, last, h)| *last > settled && *h != hash)
        .map(|(r, _, _)| r)
        .collect();
    Some(Current {
        policy,
        since,
        disagree,
    })
}

/// The policy of most sessions (on a tie, the larger hash: any fixed
/// choice does).
fn majority(policies: &BTreeMap<u64, u64>) -> Option<u64> {
    policies
        .iter()
        .max_by(|x, y| (x.1, x.0).cmp(&(y.1, y.0)))
        .map(|(h, _)| *h)
}

/// Whose results a set of days holds, for the verdict.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The current policy, or an unstated one.
    Current,
    /// Another sts policy (or one past the cap).
    Earlier,
    /// Another policy type.
    OtherType,
}

/// Failures that depend on the policy the reporter applied, not on the
/// hosts: under an earlier policy they say nothing about the current one.
/// Every other result type is a fault of a host (or an unknown one) and
/// blocks whatever policy the reporter had.
fn depends_on_policy(result: &str) -> bool {
    matches!(result, "validation-failure" | "sts-policy-invalid")
}

/// Failures that are faults of the host in results of any policy type.
fn host_failure(result: &str) -> bool {
    matches!(
        result,
        "starttls-not-supported"
            | "certificate-host-mismatch"
            | "certificate-expired"
            | "certificate-not-trusted"
    )
}

/// `earlier`: failures that no longer block (before the current policy,
/// or fixed by it).
fn blocking_list(
    failures: &BTreeMap<(String, String), u64>,
    domain: &str,
    policy: Option<&[MxPattern]>,
    earlier: bool,
) -> Vec<Blocking> {
    let mut list: Vec<Blocking> = failures
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|((result, mx), n)| {
            let host = (!mx.is_empty()).then(|| mx.clone());
            let (meaning, fix) = match (earlier, host.as_deref(), policy) {
                (true, Some(h), Some(p)) if result == "validation-failure" && lists(p, h) => (
                    format!("{h} failed validation under an earlier policy that did not list it"),
                    format!("none: the current policy lists {h}; senders still on the earlier one fetch it when the id in _mta-sts.{domain} changes"),
                ),
                _ => explain(result, host.as_deref(), domain, policy),
            };
            Blocking {
                result_type: result.clone(),
                receiving_mx_hostname: host,
                sessions: *n,
                meaning,
                fix,
            }
        })
        .collect();
    list.sort_by(|a, b| {
        b.sessions
            .cmp(&a.sessions)
            .then_with(|| a.result_type.cmp(&b.result_type))
            .then_with(|| a.receiving_mx_hostname.cmp(&b.receiving_mx_hostname))
    });
    list
}

fn summarize_domain(domain: &str, a: &DomainAgg, t: &Thresholds) -> DomainSummary {
    let now = current_policy(a);
    let current = now.as_ref().map(|c| (c.policy, c.since));
    let several = a.sts.len() > 1;
    // With one policy, every day counts; after a change, the days from
    // the one the current policy took effect.
    let since = current.map(|c| c.1);
    let in_effect = |day: &NaiveDate| since.is_none_or(|s| *day >= s);
    // The evidence for the current policy: from that day, results under
    // it and those whose reporter did not say (fetch errors, mostly).
    // Failures of hosts block whatever policy the reporter applied;
    // failures that depend on the policy only under the current one.
    let mut evidence = DayStats::default();
    let mut evidence_days = BTreeSet::new();
    let mut blocking_failures: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut earlier_failures: BTreeMap<(String, String), u64> = BTreeMap::new();
    let (mut blocking_unspecified, mut earlier_unspecified) = (0u64, 0u64);
    let current_policy = current.map(|c| c.0);
    // The mx patterns of each policy reported, read once with the policy
    // model, for the failures that depend on them.
    let mx_of: BTreeMap<&str, Vec<MxPattern>> = a
        .sts
        .keys()
        .map(|p| (p.as_str(), Policy::parse(p.as_bytes()).fields.mx))
        .collect();
    let policy_lists = |p: &str, host: &str| mx_of.get(p).is_some_and(|m| lists(m, host));
    let current_mx = current_policy.and_then(|c| mx_of.get(c)).map(Vec::as_slice);
    // `policy`: what the reporter applied (None: not said, or not sts);
    // `kind`: whose results these are.
    let mut sort = |kind: Kind, policy: Option<&str>, days: &Days| {
        for (day, stats) in days {
            let window = in_effect(day);
            let counts = kind == Kind::Current && window;
            if counts {
                evidence.merge(stats);
                if !stats.reporters.is_empty() {
                    evidence_days.insert(*day);
                }
            }
            let mut detailed = 0u64;
            for (k, n) in &stats.failures {
                detailed = detailed.saturating_add(*n);
                let (result, host) = (k.0.as_str(), k.1.as_str());
                let blocks = window
                    && match kind {
                        Kind::Current => true,
                        Kind::OtherType => host_failure(result),
                        Kind::Earlier if result == "validation-failure" => {
                            // Blocks unless the current policy fixed it: the
                            // reporter's policy did not list the host and
                            // the current one does.
                            host.is_empty()
                                || policy.is_none_or(|p| policy_lists(p, host))
                                || !current_mx.is_some_and(|c| lists(c, host))
                        }
                        Kind::Earlier => !depends_on_policy(result),
                    };
                let into = if blocks {
                    &mut blocking_failures
                } else if kind == Kind::OtherType {
                    // Not about any sts policy: shown in the totals only.
                    continue;
                } else {
                    &mut earlier_failures
                };
                add(into.entry(k.clone()).or_default(), *n);
            }
            // Failures counted without details could be anything.
            if kind != Kind::OtherType {
                let undetailed = stats.failed.saturating_sub(detailed);
                if window {
                    add(&mut blocking_unspecified, undetailed);
                } else {
                    add(&mut earlier_unspecified, undetailed);
                }
            }
        }
    };
    for (p, days) in &a.sts {
        let kind = if Some(p.as_str()) == current_policy {
            Kind::Current
        } else {
            Kind::Earlier
        };
        sort(kind, Some(p.as_str()), days);
    }
    sort(Kind::Current, None, &a.unstated);
    sort(Kind::Earlier, None, &a.overflow);
    sort(Kind::OtherType, None, &a.other_types);
    let sts_reporters = evidence.reporters.len();
    let sts_days = evidence_days.len();
    let under = if several {
        "the current sts policy"
    } else {
        "the sts policy"
    };

    let mut reasons = Vec::new();
    trim(&mut blocking_failures, &failure_others(), MAX_KEYS);
    trim(&mut earlier_failures, &failure_others(), MAX_KEYS);
    let mut blocking = blocking_list(&blocking_failures, domain, current_mx, false);
    let unspecified = |n| Blocking {
        result_type: "unspecified".into(),
        receiving_mx_hostname: None,
        sessions: n,
        meaning: "reporters counted failures without details".into(),
        fix: format!("run mtasts check {domain} and fix what it reports"),
    };
    if blocking_unspecified > 0 {
        blocking.push(unspecified(blocking_unspecified));
    }
    let mut earlier = blocking_list(&earlier_failures, domain, current_mx, true);
    if earlier_unspecified > 0 {
        earlier.push(unspecified(earlier_unspecified));
    }
    let failed: u64 = blocking
        .iter()
        .map(|b| b.sessions)
        .fold(0, u64::saturating_add);
    if failed > 0 {
        let from = since.map(|s| format!(" since {s}")).unwrap_or_default();
        reasons.push(format!(
            "{failed} session{} failed{from} ({} of {} under {under})",
            if failed == 1 { "" } else { "s" },
            evidence.failed,
            evidence.successful.saturating_add(evidence.failed)
        ));
    }
    if a.sts.is_empty() && a.unstated.is_empty() {
        let npf = a
            .sessions
            .get("no-policy-found")
            .map_or(0, |s| s.0.saturating_add(s.1));
        reasons.push(if npf > 0 {
            format!("no reporter saw an MTA-STS policy ({npf} sessions under no-policy-found): check that the record and policy are published (mtasts check {domain})")
        } else {
            "no report covers an sts policy".to_string()
        });
    } else {
        let from = match (several, since) {
            (true, Some(s)) => format!(" (in effect since {s})"),
            _ => String::new(),
        };
        if sts_reporters < t.min_reporters {
            reasons.push(format!(
                "only {sts_reporters} reporting organisation{} reported sessions under {under}{from}; at least {} are needed (--min-reporters)",
                plural(sts_reporters),
                t.min_reporters
            ));
        }
        if sts_days < t.min_days {
            reasons.push(format!(
                "reports of sessions under {under}{from} cover {sts_days} day{}; at least {} are needed (--min-days)",
                plural(sts_days),
                t.min_days
            ));
        }
    }
    let shown = |key: &str| {
        a.reporters
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    };
    if domain == OTHERS {
        reasons.push(format!(
            "these are the domains past the first {MAX_DOMAINS} (by name), counted together: judge each with --domain"
        ));
    }
    if current.is_none() && !a.unstated.is_empty() {
        reasons.push(
            "no report names the policy its senders applied (policy-string): nothing says which policy these results are about"
                .to_string(),
        );
    }
    // A policy first seen after the current one took effect, in some of
    // the latest reports: a change under way, not yet what senders apply.
    if let Some((current, since)) = current {
        // The policies in each reporter's latest report, whichever day
        // that is (reporters lag each other by a day or so).
        let in_latest: BTreeSet<u64> = a
            .timeline
            .values()
            .filter_map(|d| d.values().next_back())
            .flat_map(|m| m.keys().copied())
            .collect();
        let newer: Vec<&str> = a
            .sts
            .iter()
            .filter(|(p, days)| {
                p.as_str() != current
                    && days.keys().next().is_some_and(|first| *first > since)
                    && in_latest.contains(&policy_hash(p))
            })
            .map(|(p, _)| p.as_str())
            .collect();
        if !newer.is_empty() {
            reasons.push(format!(
                "a newer policy than the current one appeared in the latest reports ({}): a change is under way; judge it once reporters apply it",
                newer
                    .iter()
                    .map(|p| p.replace('\n', " | "))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    // Under mode: none senders apply no policy: their successes say
    // nothing about what enforcing would do.
    let mode = current_policy.map(|p| Policy::parse(p.as_bytes()).fields.mode);
    match mode {
        Some(Some(Mode::Testing | Mode::Enforce)) | None => {}
        Some(Some(Mode::None)) => reasons.push(
            "the current policy has mode: none: senders apply no policy, so these reports do not show that enforcing would work; publish mode: testing with a new id first (mtasts gen-policy --mode testing, mtasts gen-record) and read its reports"
                .to_string(),
        ),
        Some(_) => reasons.push(
            "the current policy has no valid mode line (mode: testing, enforce or none, in lower case): senders treat it as invalid; fix it (mtasts lint shows each bad line)"
                .to_string(),
        ),
    }
    if let Some(now) = now.as_ref().filter(|n| !n.disagree.is_empty()) {
        let names: Vec<String> = now.disagree.iter().map(|r| shown(r)).collect();
        reasons.push(format!(
            "reporters disagree on the policy: {} still appl{} another one than the newest (current) one in {} latest report: nobody can say which policy enforcing would apply; publish a new id so that every sender fetches the policy again (mtasts gen-record), and if they still disagree, check what your policy host serves (mtasts check {domain})",
            names.join(", "),
            if names.len() == 1 { "ies" } else { "y" },
            if names.len() == 1 { "its" } else { "their" },
        ));
    }
    // Reporters that, on their latest day and after the current policy
    // appeared, still applied one that appeared before it.
    let stale_reporters: Vec<StaleReporter> = match (current, since) {
        (Some((current, _)), Some(since)) => {
            // The policies that appeared before the current one, by hash.
            let older: BTreeMap<u64, &str> = a
                .sts
                .iter()
                .filter(|(p, d)| p.as_str() != current && d.keys().next() < Some(&since))
                .map(|(p, _)| (policy_hash(p), p.as_str()))
                .collect();
            a.timeline
                .iter()
                .filter_map(|(r, days)| {
                    let (day, policies) = days.iter().next_back()?;
                    if *day <= since {
                        return None;
                    }
                    let other = policies.keys().find_map(|h| older.get(h))?;
                    Some(StaleReporter {
                        reporter: shown(r),
                        last_report: day.to_string(),
                        policy: other.to_string(),
                    })
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let ready = reasons.is_empty();
    let fmt = |d: &Option<DateTime<Utc>>| d.map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    let mut policy_strings: Vec<PolicySeen> = a
        .sts
        .iter()
        .map(|(p, days)| {
            let mut all = DayStats::default();
            for stats in days.values() {
                all.merge(stats);
            }
            PolicySeen {
                policy: p.clone(),
                current: Some(p.as_str()) == current.map(|c| c.0),
                reports: all.reports,
                reporters: all.reporters.iter().map(|r| shown(r)).collect(),
                first_seen: days.keys().next().map(|d| d.to_string()),
                last_seen: days.keys().next_back().map(|d| d.to_string()),
            }
        })
        .collect();
    policy_strings.sort_by(|x, y| {
        y.current
            .cmp(&x.current)
            .then_with(|| y.last_seen.cmp(&x.last_seen))
            .then_with(|| x.policy.cmp(&y.policy))
    });
    DomainSummary {
        domain: domain.to_string(),
        verdict: if ready {
            "ready to enforce"
        } else {
            "not ready"
        },
        ready,
        start: fmt(&a.start),
        end: fmt(&a.end),
        days: a.trend.len(),
        reporters: a.reporters.values().cloned().collect(),
        sts_reporters,
        sts_days,
        current_since: since.map(|d| d.to_string()),
        sessions: a
            .sessions
            .iter()
            .map(|(k, (s, f))| {
                (
                    k.clone(),
                    Sessions {
                        successful: *s,
                        failed: *f,
                    },
                )
            })
            .collect(),
        failures_by_result_type: a.by_result.clone(),
        failures_by_mx: a.by_mx.clone(),
        failures_by_sending_ip: a.by_ip.clone(),
        trend: a
            .trend
            .iter()
            .map(|(d, (s, f))| Day {
                date: d.to_string(),
                successful: *s,
                failed: *f,
            })
            .collect(),
        policy_strings,
        stale_reporters,
        reasons,
        blocking,
        earlier_failures: earlier,
    }
}

/// Whether an `mx:` pattern of a policy matches `host`.
fn lists(mx: &[MxPattern], host: &str) -> bool {
    mx.iter().any(|m| m.matches(host))
}

/// What a result type means and what to change (RFC 8460 §4.3).
fn explain(
    result: &str,
    host: Option<&str>,
    domain: &str,
    policy: Option<&[MxPattern]>,
) -> (String, String) {
    let h = host.unwrap_or("an MX host (the reports do not say which)");
    if let (true, Some(host), Some(policy)) = (result == "validation-failure", host, policy)
        && lists(policy, host)
    {
        return (
            format!("{host} failed validation although the policy lists it"),
            format!(
                "check the certificate {host} presents (chain, expiry, a name matching {host}) and its STARTTLS with mtasts check {domain}"
            ),
        );
    }
    if result == "validation-failure" && host.is_none() {
        return (
            format!("{h} failed validation, typically because the policy does not list it"),
            format!(
                "make sure an `mx:` line of the policy matches every MX host of {domain} (mtasts check {domain} names any that is not) and publish a new id"
            ),
        );
    }
    let (meaning, fix) = match result {
        "starttls-not-supported" => (
            format!("{h} did not offer STARTTLS"),
            format!("enable STARTTLS on {h}"),
        ),
        "certificate-host-mismatch" => (
            format!("the certificate of {h} does not name it"),
            format!("install a certificate whose subjectAltName includes {h}"),
        ),
        "certificate-expired" => (
            format!("the certificate of {h} has expired"),
            format!("renew the certificate of {h}"),
        ),
        "certificate-not-trusted" => (
            format!("the certificate of {h} does not chain to a trusted root"),
            format!("use a certificate from a public CA on {h} and serve the full chain"),
        ),
        "validation-failure" => (
            format!("{h} failed validation, typically because the policy does not list it"),
            format!(
                "add the line `mx: {h}` to the policy (or a `*.` pattern covering it) and publish a new id"
            ),
        ),
        "sts-policy-fetch-error" => (
            "senders could not fetch the policy".into(),
            format!("run mtasts check {domain} and fix the policy host"),
        ),
        "sts-policy-invalid" => (
            "senders fetched a policy they could not parse".into(),
            format!("run mtasts check {domain}; mtasts lint shows each bad line"),
        ),
        "sts-webpki-invalid" => (
            format!("the certificate of mta-sts.{domain} was not valid"),
            format!("renew the certificate of mta-sts.{domain} (a name match and the full chain)"),
        ),
        "tlsa-invalid" | "dnssec-invalid" | "dane-required" => (
            format!("DANE validation of {h} failed ({result})"),
            format!("fix the TLSA records of {h} or their DNSSEC signatures"),
        ),
        other => (
            format!("reporters saw '{other}', a result type RFC 8460 does not define"),
            format!("run mtasts check {domain}"),
        ),
    };
    (meaning, fix)
}
