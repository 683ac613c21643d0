//! The verdict: from one domain's aggregates and the thresholds to a
//! [`DomainSummary`], pure data that the printers render.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

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

/// Whether there is a verdict and every one is ready: the run succeeds.
pub fn all_ready(domains: &[DomainSummary]) -> bool {
    !domains.is_empty() && domains.iter().all(|d| d.ready)
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

/// The days one reporter reported sessions on, and what it applied on
/// each: the rows of the HTML report's calendar of reporters.
#[derive(Debug, Clone)]
pub struct ReporterDays {
    pub reporter: String,
    pub days: Vec<ReporterDay>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReporterDay {
    pub date: String,
    /// The sts policy of most of the reporter's sessions that day, as an
    /// index into [`DomainSummary::policy_strings`]; `None` when its
    /// reports named no policy kept apart (or were of another type).
    pub policy: Option<usize>,
}

/// The answer for one policy domain.
#[derive(Debug, Clone)]
pub struct DomainSummary {
    pub domain: String,
    pub verdict: &'static str,
    pub ready: bool,
    /// The earliest start and latest end of the reports' date ranges, as
    /// written (in UTC).
    pub start: Option<String>,
    pub end: Option<String>,
    /// The first and last day covered by a report: the period.
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    /// Days covered by any report (a report of a week covers seven).
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
    /// Result type → `failure-reason-code` → failed sessions: the
    /// reporters' own words, the most specific hint they give.
    pub failure_reason_codes: BTreeMap<String, BTreeMap<String, u64>>,
    pub trend: Vec<Day>,
    pub policy_strings: Vec<PolicySeen>,
    pub stale_reporters: Vec<StaleReporter>,
    /// Why the domain is not ready (empty when ready).
    pub reasons: Vec<Reason>,
    /// Failures under the current sts policy (or an unstated one).
    pub blocking: Vec<Blocking>,
    /// Failures under policies since replaced: shown, not counted.
    pub earlier_failures: Vec<Blocking>,
    /// Each reporter's days, in the order of `reporters` (`--json` has
    /// each policy's first and last day instead).
    pub reporter_days: Vec<ReporterDays>,
    /// Failures of DANE (RFC 7672) that MTA-STS senders do not meet:
    /// shown with their fixes, not counted.
    pub dane_failures: Vec<Blocking>,
}

pub(crate) fn plural(n: usize) -> &'static str {
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
    /// `no-policy-found` or an unknown policy type.
    OtherType,
    /// `tlsa`: DANE senders.
    Tlsa,
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

/// Result types of DANE's own (RFC 8460 §4.3.2.2): about TLSA records
/// and DNSSEC, which MTA-STS senders never look at.
fn dane_result(result: &str) -> bool {
    matches!(result, "tlsa-invalid" | "dnssec-invalid" | "dane-required")
}

/// Failures of a host that MTA-STS senders meet too when DANE senders
/// report them: no STARTTLS, an expired certificate or one that does not
/// name the host, and a validation failure whose cause is not said.
/// `certificate-not-trusted` is not one: under DANE it means that the
/// chain matched no TLSA record, while MTA-STS senders trust public CAs.
fn seen_by_sts_senders(result: &str) -> bool {
    matches!(
        result,
        "starttls-not-supported"
            | "certificate-expired"
            | "certificate-host-mismatch"
            | "validation-failure"
    )
}

/// Whether a failure DANE senders reported counts against MTA-STS: one
/// its senders meet too, on a host the current policy lists. When that
/// cannot be told (no host named, no current policy), it counts: a
/// verdict of ready must not rest on a guess.
fn tlsa_failure_hits_sts(result: &str, host: &str, current_mx: Option<&[MxPattern]>) -> bool {
    seen_by_sts_senders(result) && (host.is_empty() || current_mx.is_none_or(|mx| lists(mx, host)))
}

/// `earlier`: failures that no longer block (before the current policy,
/// or fixed by it).
fn blocking_list(
    failures: &BTreeMap<(String, String), u64>,
    domain: &str,
    policy: Option<&[MxPattern]>,
    earlier: bool,
) -> Vec<Blocking> {
    explained(failures, |result, host| match (earlier, host, policy) {
        (true, Some(h), Some(p)) if result == "validation-failure" && lists(p, h) => (
            format!("{h} failed validation under an earlier policy that did not list it"),
            format!(
                "none: the current policy lists {h}; senders still on the earlier one fetch it when the id in _mta-sts.{domain} changes"
            ),
        ),
        _ => explain(result, host, domain, policy),
    })
}

/// Failed sessions by (result type, MX host), each with what it means and
/// its fix from `explain(result, host)`, largest first.
fn explained(
    failures: &BTreeMap<(String, String), u64>,
    explain: impl Fn(&str, Option<&str>) -> (String, String),
) -> Vec<Blocking> {
    let mut list: Vec<Blocking> = failures
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|((result, mx), n)| {
            let host = (!mx.is_empty()).then(|| mx.clone());
            let (meaning, fix) = explain(result, host.as_deref());
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

/// Why a domain is not ready to enforce. Each has a stable
/// [`code`](Reason::code) for machines and a message for people (its
/// `Display`), which says what was found and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Sessions failed while the current policy was in effect.
    SessionsFailed {
        /// Failed sessions that block: under the current policy, failures
        /// of hosts under any, failures counted without details.
        failed: u64,
        /// The day the current policy took effect.
        since: Option<NaiveDate>,
        /// Failed sessions, and all sessions, under the current policy.
        under_current: u64,
        sessions: u64,
        /// Whether several sts policies were reported.
        several: bool,
    },
    /// No report shows an sts policy, but some show sessions that found
    /// none.
    NoPolicyFound { sessions: u64, domain: String },
    /// No report covers an sts policy at all.
    NoStsReport,
    /// Fewer reporting organisations than `--min-reporters`.
    TooFewReporters {
        have: usize,
        need: usize,
        window: Window,
    },
    /// Fewer days than `--min-days`.
    TooFewDays {
        have: usize,
        need: usize,
        window: Window,
    },
    /// The domains past the cap, counted together: never ready.
    PooledDomains,
    /// Results without a policy-string only: about no policy in
    /// particular.
    PolicyUnstated,
    /// A policy newer than the current one in the latest reports.
    ChangeUnderWay { policies: Vec<String> },
    /// The current policy is in mode none.
    ModeNone,
    /// The current policy has no valid mode line.
    InvalidMode,
    /// Reporters whose latest report shows another policy than the
    /// current one, as shown.
    ReportersDisagree {
        reporters: Vec<String>,
        domain: String,
    },
}

/// Which days the thresholds counted: with one sts policy reported, all;
/// after a change, those from the day the current policy took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub several: bool,
    pub since: Option<NaiveDate>,
}

impl Window {
    /// The policy the counts are under, in words.
    fn under(&self) -> &'static str {
        if self.several {
            "the current sts policy"
        } else {
            "the sts policy"
        }
    }

    /// When the counted days start, in words (after a change only).
    fn from(&self) -> String {
        match (self.several, self.since) {
            (true, Some(s)) => format!(" (in effect since {s})"),
            _ => String::new(),
        }
    }
}

impl Reason {
    /// A stable identifier, for scripts that read `--json`.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::SessionsFailed { .. } => "sessions-failed",
            Reason::NoPolicyFound { .. } => "no-policy-found",
            Reason::NoStsReport => "no-sts-report",
            Reason::TooFewReporters { .. } => "too-few-reporters",
            Reason::TooFewDays { .. } => "too-few-days",
            Reason::PooledDomains => "pooled-domains",
            Reason::PolicyUnstated => "policy-unstated",
            Reason::ChangeUnderWay { .. } => "change-under-way",
            Reason::ModeNone => "mode-none",
            Reason::InvalidMode => "invalid-mode",
            Reason::ReportersDisagree { .. } => "reporters-disagree",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::SessionsFailed {
                failed,
                since,
                under_current,
                sessions,
                several,
            } => {
                let under = Window {
                    several: *several,
                    since: *since,
                }
                .under();
                write!(
                    f,
                    "{failed} session{} failed{} ({under_current} of {sessions} under {under})",
                    if *failed == 1 { "" } else { "s" },
                    since.map(|s| format!(" since {s}")).unwrap_or_default(),
                )
            }
            Reason::NoPolicyFound { sessions, domain } => write!(
                f,
                "no reporter saw an MTA-STS policy ({sessions} sessions under no-policy-found): check that the record and policy are published (mtasts check {domain})"
            ),
            Reason::NoStsReport => f.write_str("no report covers an sts policy"),
            Reason::TooFewReporters { have, need, window } => write!(
                f,
                "only {have} reporting organisation{} reported sessions under {}{}; at least {need} are needed (--min-reporters)",
                plural(*have),
                window.under(),
                window.from(),
            ),
            Reason::TooFewDays { have, need, window } => write!(
                f,
                "reports of sessions under {}{} cover {have} day{}; at least {need} are needed (--min-days)",
                window.under(),
                window.from(),
                plural(*have),
            ),
            Reason::PooledDomains => write!(
                f,
                "these are the domains past the first {MAX_DOMAINS} (by name), counted together: judge each with --domain"
            ),
            Reason::PolicyUnstated => f.write_str(
                "no report names the policy its senders applied (policy-string): nothing says which policy these results are about",
            ),
            Reason::ChangeUnderWay { policies } => write!(
                f,
                "a newer policy than the current one appeared in the latest reports ({}): a change is under way; judge it once reporters apply it",
                policies
                    .iter()
                    .map(|p| p.replace('\n', " | "))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Reason::ModeNone => f.write_str(
                "the current policy has mode: none: senders apply no policy, so these reports do not show that enforcing would work; publish mode: testing with a new id first (mtasts gen-policy --mode testing, mtasts gen-record) and read its reports",
            ),
            Reason::InvalidMode => f.write_str(
                "the current policy has no valid mode line (mode: testing, enforce or none, in lower case): senders treat it as invalid; fix it (mtasts lint shows each bad line)",
            ),
            Reason::ReportersDisagree { reporters, domain } => write!(
                f,
                "reporters disagree on the policy: {} still appl{} another one than the newest (current) one in {} latest report: nobody can say which policy enforcing would apply; publish a new id so that every sender fetches the policy again (mtasts gen-record), and if they still disagree, check what your policy host serves (mtasts check {domain})",
                reporters.join(", "),
                if reporters.len() == 1 { "ies" } else { "y" },
                if reporters.len() == 1 { "its" } else { "their" },
            ),
        }
    }
}

/// The results of a domain sorted for the verdict: the evidence for the
/// current policy, and the failures that block it or no longer do.
#[derive(Default)]
struct Sorted {
    /// Results under the current policy (or an unstated one) from the day
    /// it took effect.
    evidence: DayStats,
    /// Days of that evidence with sessions from a named reporter.
    evidence_days: BTreeSet<NaiveDate>,
    /// (result type, MX host) → failed sessions that block.
    blocking: BTreeMap<(String, String), u64>,
    /// … that no longer block: before the current policy, or fixed by it.
    earlier: BTreeMap<(String, String), u64>,
    /// (result type, MX host) → failed sessions of DANE that MTA-STS
    /// senders do not meet.
    dane: BTreeMap<(String, String), u64>,
    /// Failed sessions counted without details, that block or not.
    blocking_unspecified: u64,
    earlier_unspecified: u64,
}

/// The mx patterns of each policy reported, read once with the policy
/// model, for the failures that depend on them.
fn mx_of_policies(a: &DomainAgg) -> BTreeMap<&str, Vec<MxPattern>> {
    a.sts
        .keys()
        .map(|p| (p.as_str(), Policy::parse(p.as_bytes()).fields.mx))
        .collect()
}

/// Sorts every result of the domain. With one policy, every day counts;
/// after a change, the days from the one the current policy took effect.
/// The evidence for the current policy: from that day, results under it
/// and those whose reporter did not say (fetch errors, mostly). Failures
/// of hosts block whatever policy the reporter applied; failures that
/// depend on the policy only under the current one.
fn sort_results(
    a: &DomainAgg,
    current: Option<&Current<'_>>,
    mx_of: &BTreeMap<&str, Vec<MxPattern>>,
) -> Sorted {
    let mut sorted = Sorted::default();
    let current_mx = current.and_then(|c| mx_of.get(c.policy)).map(Vec::as_slice);
    for (p, days) in &a.sts {
        let kind = if current.is_some_and(|c| c.policy == p.as_str()) {
            Kind::Current
        } else {
            Kind::Earlier
        };
        sort_days(
            &mut sorted,
            kind,
            mx_of.get(p.as_str()),
            current,
            current_mx,
            days,
        );
    }
    sort_days(
        &mut sorted,
        Kind::Current,
        None,
        current,
        current_mx,
        &a.unstated,
    );
    sort_days(
        &mut sorted,
        Kind::Earlier,
        None,
        current,
        current_mx,
        &a.overflow,
    );
    sort_days(
        &mut sorted,
        Kind::OtherType,
        None,
        current,
        current_mx,
        &a.other_types,
    );
    sort_days(&mut sorted, Kind::Tlsa, None, current, current_mx, &a.tlsa);
    trim(&mut sorted.blocking, &failure_others(), MAX_KEYS);
    trim(&mut sorted.earlier, &failure_others(), MAX_KEYS);
    trim(&mut sorted.dane, &failure_others(), MAX_KEYS);
    sorted
}

/// Sorts the results of one set of days. `kind`: whose results these
/// are; `policy`: the mx patterns of the policy the reporter applied
/// (`None`: not said, past the cap, or not sts).
fn sort_days(
    sorted: &mut Sorted,
    kind: Kind,
    policy: Option<&Vec<MxPattern>>,
    current: Option<&Current<'_>>,
    current_mx: Option<&[MxPattern]>,
    days: &Days,
) {
    for (day, stats) in days {
        let in_effect = current.is_none_or(|c| *day >= c.since);
        if kind == Kind::Current && in_effect {
            sorted.evidence.merge(stats);
            if !stats.reporters.is_empty() {
                sorted.evidence_days.insert(*day);
            }
        }
        let mut detailed = 0u64;
        for (k, n) in &stats.failures {
            detailed = detailed.saturating_add(*n);
            let (result, host) = (k.0.as_str(), k.1.as_str());
            // DANE's own failures, and those of DANE senders that MTA-STS
            // senders do not meet, are shown apart, whenever reported.
            if dane_result(result)
                || (kind == Kind::Tlsa && !tlsa_failure_hits_sts(result, host, current_mx))
            {
                add(sorted.dane.entry(k.clone()).or_default(), *n);
                continue;
            }
            let blocks = in_effect
                && match kind {
                    Kind::Current | Kind::Tlsa => true,
                    Kind::OtherType => host_failure(result),
                    Kind::Earlier if result == "validation-failure" => {
                        // Blocks unless the current policy fixed it: the
                        // reporter's policy did not list the host and the
                        // current one does.
                        host.is_empty()
                            || policy.is_none_or(|p| lists(p, host))
                            || !current_mx.is_some_and(|c| lists(c, host))
                    }
                    Kind::Earlier => !depends_on_policy(result),
                };
            let into = if blocks {
                &mut sorted.blocking
            } else if matches!(kind, Kind::OtherType | Kind::Tlsa) {
                // Not about any sts policy: shown in the totals only.
                continue;
            } else {
                &mut sorted.earlier
            };
            add(into.entry(k.clone()).or_default(), *n);
        }
        // Failures counted without details could be anything (under an
        // sts policy).
        if matches!(kind, Kind::Current | Kind::Earlier) {
            let undetailed = stats.failed.saturating_sub(detailed);
            if in_effect {
                add(&mut sorted.blocking_unspecified, undetailed);
            } else {
                add(&mut sorted.earlier_unspecified, undetailed);
            }
        }
    }
}

/// The failures that block, and those that no longer do, with what they
/// mean and how to fix them, largest first.
fn failure_lists(
    sorted: &Sorted,
    domain: &str,
    current_mx: Option<&[MxPattern]>,
) -> (Vec<Blocking>, Vec<Blocking>) {
    let unspecified = |n| Blocking {
        result_type: "unspecified".into(),
        receiving_mx_hostname: None,
        sessions: n,
        meaning: "reporters counted failures without details".into(),
        fix: format!("run mtasts check {domain} and fix what it reports"),
    };
    let mut blocking = blocking_list(&sorted.blocking, domain, current_mx, false);
    if sorted.blocking_unspecified > 0 {
        blocking.push(unspecified(sorted.blocking_unspecified));
    }
    let mut earlier = blocking_list(&sorted.earlier, domain, current_mx, true);
    if sorted.earlier_unspecified > 0 {
        earlier.push(unspecified(sorted.earlier_unspecified));
    }
    (blocking, earlier)
}

/// The failures of DANE that do not count, with what they mean and how
/// to fix them, largest first.
fn dane_list(sorted: &Sorted, domain: &str, current_mx: Option<&[MxPattern]>) -> Vec<Blocking> {
    explained(&sorted.dane, |result, host| {
        explain_dane(result, host, domain, current_mx)
    })
}

/// Failed sessions that block, if any.
fn failure_reason(blocking: &[Blocking], sorted: &Sorted, window: Window) -> Option<Reason> {
    let failed = blocking
        .iter()
        .map(|b| b.sessions)
        .fold(0, u64::saturating_add);
    (failed > 0).then(|| Reason::SessionsFailed {
        failed,
        since: window.since,
        under_current: sorted.evidence.failed,
        sessions: sorted
            .evidence
            .successful
            .saturating_add(sorted.evidence.failed),
        several: window.several,
    })
}

/// Whether the evidence covers enough reporters and days, or, without an
/// sts policy in any report, why there is none.
fn coverage_reasons(
    domain: &str,
    a: &DomainAgg,
    t: &Thresholds,
    sorted: &Sorted,
    window: Window,
) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if a.sts.is_empty() && a.unstated.is_empty() {
        let sessions = a
            .sessions
            .get("no-policy-found")
            .map_or(0, |s| s.0.saturating_add(s.1));
        reasons.push(if sessions > 0 {
            Reason::NoPolicyFound {
                sessions,
                domain: domain.to_string(),
            }
        } else {
            Reason::NoStsReport
        });
        return reasons;
    }
    let reporters = sorted.evidence.reporters.len();
    if reporters < t.min_reporters {
        reasons.push(Reason::TooFewReporters {
            have: reporters,
            need: t.min_reporters,
            window,
        });
    }
    let days = sorted.evidence_days.len();
    if days < t.min_days {
        reasons.push(Reason::TooFewDays {
            have: days,
            need: t.min_days,
            window,
        });
    }
    reasons
}

/// A policy first seen after the current one took effect, in some of the
/// latest reports: a change under way, not yet what senders apply.
fn change_under_way(a: &DomainAgg, current: &Current<'_>) -> Option<Reason> {
    // The policies in each reporter's latest report, whichever day that
    // is (reporters lag each other by a day or so).
    let in_latest: BTreeSet<u64> = a
        .timeline
        .values()
        .filter_map(|d| d.values().next_back())
        .flat_map(|m| m.keys().copied())
        .collect();
    let policies: Vec<String> = a
        .sts
        .iter()
        .filter(|(p, days)| {
            p.as_str() != current.policy
                && days
                    .keys()
                    .next()
                    .is_some_and(|first| *first > current.since)
                && in_latest.contains(&policy_hash(p))
        })
        .map(|(p, _)| p.clone())
        .collect();
    (!policies.is_empty()).then_some(Reason::ChangeUnderWay { policies })
}

/// Under mode none senders apply no policy: their successes say nothing
/// about what enforcing would do; and a policy without a valid mode line
/// is no policy at all.
fn mode_reason(current: &Current<'_>) -> Option<Reason> {
    match Policy::parse(current.policy.as_bytes()).fields.mode {
        Some(Mode::Testing | Mode::Enforce) => None,
        Some(Mode::None) => Some(Reason::ModeNone),
        None => Some(Reason::InvalidMode),
    }
}

/// How reporter `key` is shown.
fn shown(a: &DomainAgg, key: &str) -> String {
    a.reporters
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

/// Why the domain is not ready, in the order people read them: failures,
/// coverage, then what makes the evidence say nothing.
fn reasons(
    domain: &str,
    a: &DomainAgg,
    t: &Thresholds,
    current: Option<&Current<'_>>,
    sorted: &Sorted,
    blocking: &[Blocking],
) -> Vec<Reason> {
    let window = Window {
        several: a.sts.len() > 1,
        since: current.map(|c| c.since),
    };
    let mut reasons: Vec<Reason> = failure_reason(blocking, sorted, window)
        .into_iter()
        .collect();
    reasons.extend(coverage_reasons(domain, a, t, sorted, window));
    if domain == OTHERS {
        reasons.push(Reason::PooledDomains);
    }
    if current.is_none() && !a.unstated.is_empty() {
        reasons.push(Reason::PolicyUnstated);
    }
    if let Some(current) = current {
        reasons.extend(change_under_way(a, current));
        reasons.extend(mode_reason(current));
        if !current.disagree.is_empty() {
            reasons.push(Reason::ReportersDisagree {
                reporters: current.disagree.iter().map(|r| shown(a, r)).collect(),
                domain: domain.to_string(),
            });
        }
    }
    reasons
}

/// Reporters that, on their latest day and after the current policy
/// appeared, still applied one that appeared before it.
fn stale_reporters(a: &DomainAgg, current: Option<&Current<'_>>) -> Vec<StaleReporter> {
    let Some(current) = current else {
        return Vec::new();
    };
    let since = current.since;
    // The policies that appeared before the current one, by hash.
    let older: BTreeMap<u64, &str> = a
        .sts
        .iter()
        .filter(|(p, d)| p.as_str() != current.policy && d.keys().next() < Some(&since))
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
                reporter: shown(a, r),
                last_report: day.to_string(),
                policy: other.to_string(),
            })
        })
        .collect()
}

/// The days each reporter reported sessions on (of any policy type), and
/// the policy of `seen` it applied on each.
fn reporter_days(a: &DomainAgg, seen: &[PolicySeen]) -> Vec<ReporterDays> {
    let index: BTreeMap<u64, usize> = seen
        .iter()
        .enumerate()
        .map(|(i, p)| (policy_hash(&p.policy), i))
        .collect();
    let mut days: BTreeMap<&str, BTreeSet<NaiveDate>> = BTreeMap::new();
    let tables = a
        .sts
        .values()
        .chain([&a.unstated, &a.overflow, &a.other_types]);
    for table in tables {
        for (day, stats) in table {
            for r in &stats.reporters {
                days.entry(r.as_str()).or_default().insert(*day);
            }
        }
    }
    days.into_iter()
        .map(|(key, dates)| {
            let applied = a.timeline.get(key);
            ReporterDays {
                reporter: shown(a, key),
                days: dates
                    .into_iter()
                    .map(|d| ReporterDay {
                        date: d.to_string(),
                        policy: applied
                            .and_then(|t| t.get(&d))
                            .and_then(majority)
                            .and_then(|h| index.get(&h).copied()),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Every policy reported, the current one first, then the most recently
/// seen.
fn policies_seen(a: &DomainAgg, current: Option<&Current<'_>>) -> Vec<PolicySeen> {
    let mut seen: Vec<PolicySeen> = a
        .sts
        .iter()
        .map(|(p, days)| {
            let mut all = DayStats::default();
            for stats in days.values() {
                all.merge(stats);
            }
            PolicySeen {
                policy: p.clone(),
                current: current.is_some_and(|c| c.policy == p.as_str()),
                reports: all.reports,
                reporters: all.reporters.iter().map(|r| shown(a, r)).collect(),
                first_seen: days.keys().next().map(|d| d.to_string()),
                last_seen: days.keys().next_back().map(|d| d.to_string()),
            }
        })
        .collect();
    seen.sort_by(|x, y| {
        y.current
            .cmp(&x.current)
            .then_with(|| y.last_seen.cmp(&x.last_seen))
            .then_with(|| x.policy.cmp(&y.policy))
    });
    seen
}

/// The verdict for one domain: which policy is current, how its results
/// sort, why it is not ready (if it is not), and the tables shown.
fn summarize_domain(domain: &str, a: &DomainAgg, t: &Thresholds) -> DomainSummary {
    let current = current_policy(a);
    let mx_of = mx_of_policies(a);
    let sorted = sort_results(a, current.as_ref(), &mx_of);
    let current_mx = current
        .as_ref()
        .and_then(|c| mx_of.get(c.policy))
        .map(Vec::as_slice);
    let (blocking, earlier_failures) = failure_lists(&sorted, domain, current_mx);
    let dane_failures = dane_list(&sorted, domain, current_mx);
    let reasons = reasons(domain, a, t, current.as_ref(), &sorted, &blocking);
    let ready = reasons.is_empty();
    let fmt = |d: &Option<DateTime<Utc>>| d.map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    let policy_strings = policies_seen(a, current.as_ref());
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
        first_day: a.trend.keys().next().map(ToString::to_string),
        last_day: a.trend.keys().next_back().map(ToString::to_string),
        days: a.trend.len(),
        reporters: a.reporters.values().cloned().collect(),
        sts_reporters: sorted.evidence.reporters.len(),
        sts_days: sorted.evidence_days.len(),
        current_since: current.as_ref().map(|c| c.since.to_string()),
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
        failure_reason_codes: a.reason_codes.clone(),
        trend: a
            .trend
            .iter()
            .map(|(d, (s, f))| Day {
                date: d.to_string(),
                successful: *s,
                failed: *f,
            })
            .collect(),
        reporter_days: reporter_days(a, &policy_strings),
        policy_strings,
        stale_reporters: stale_reporters(a, current.as_ref()),
        reasons,
        blocking,
        earlier_failures,
        dane_failures,
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
        "tlsa-invalid" | "dnssec-invalid" | "dane-required" => {
            return explain_dane(result, host, domain, policy);
        }
        other => (
            format!("reporters saw '{other}', a result type RFC 8460 does not define"),
            format!("run mtasts check {domain}"),
        ),
    };
    (meaning, fix)
}

/// What a failure of DANE (RFC 7672) means, and how to fix it: the
/// failures DANE senders (policy type `tlsa`) reported that MTA-STS
/// senders do not meet, and DANE's own result types under any policy.
/// `policy`: the mx patterns of the current MTA-STS policy.
fn explain_dane(
    result: &str,
    host: Option<&str>,
    domain: &str,
    policy: Option<&[MxPattern]>,
) -> (String, String) {
    let h = host.unwrap_or("an MX host (the reports do not say which)");
    let mx = host.unwrap_or("MX");
    let gen_tlsa = format!(
        "run mtasts gen-tlsa --cert CERT.pem --host {mx} on the certificate {mx} serves and publish the record at _25._tcp.{mx} (for a key change, --next-cert gives the pair to publish side by side)"
    );
    let (meaning, fix) = match result {
        "tlsa-invalid" => (
            format!(
                "DANE senders found no usable TLSA record of {h} matching the certificate it presented"
            ),
            gen_tlsa,
        ),
        "dnssec-invalid" => (
            format!(
                "DNSSEC validation failed for the DANE lookups of {h} (its TLSA or address records, or the MX records of {domain}): DANE senders defer the mail"
            ),
            format!(
                "re-sign the zone holding _25._tcp.{mx} (expired signatures, or a DS record at the parent that matches no DNSKEY), and check with: dig +dnssec _25._tcp.{mx} TLSA"
            ),
        ),
        "dane-required" => (
            format!(
                "the sender requires DANE for {domain} and found no DNSSEC-validated TLSA record for {h}"
            ),
            format!(
                "publish TLSA records for {mx} in a DNSSEC-signed zone ({gen_tlsa}), or ask the sending organisation why it requires DANE for {domain}"
            ),
        ),
        "certificate-not-trusted" => (
            format!(
                "the certificate chain of {h} matched none of its TLSA records, all that DANE senders trust"
            ),
            gen_tlsa,
        ),
        "validation-failure" => (
            format!("DANE validation of {h} failed"),
            format!(
                "check that a TLSA record of {mx} matches the certificate it serves: {gen_tlsa}"
            ),
        ),
        other => explain(other, host, domain, None),
    };
    let listed = host.is_some_and(|h| policy.is_some_and(|p| lists(p, h)));
    let why = if dane_result(result) || listed || !seen_by_sts_senders(result) {
        "a failure of DANE only: MTA-STS senders do not look at TLSA records or DNSSEC".to_string()
    } else {
        format!("{h} is not in the current MTA-STS policy, so MTA-STS senders do not use it")
    };
    (format!("{meaning} ({why})"), fix)
}

#[cfg(test)]
mod tests {
    //! The verdict at its thresholds, from aggregates folded from small
    //! reports, as `collect` folds them.

    use super::*;
    use crate::report::aggregate::{Filter, reporter_key};
    use crate::report::parse::parse;
    use chrono::TimeZone;

    const POLICY: [&str; 4] = [
        "version: STSv1",
        "mode: testing",
        "mx: mx1.example.test",
        "max_age: 86400",
    ];
    const NEW_POLICY: [&str; 5] = [
        "version: STSv1",
        "mode: testing",
        "mx: mx1.example.test",
        "mx: mx2.example.test",
        "max_age: 86400",
    ];

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
    }

    /// (result type, receiving MX, failed sessions).
    type Failure<'a> = (&'a str, &'a str, u64);

    /// `org`'s report of November `day` for example.test: `(policy, sessions,
    /// failures)` for each policy its senders applied.
    fn report(org: &str, day: u32, results: &[(&[&str], u64, &[Failure<'_>])]) -> String {
        let policies: Vec<serde_json::Value> = results
            .iter()
            .map(|(policy, ok, failures)| {
                serde_json::json!({
                    "policy": {"policy-type": "sts", "policy-string": policy, "policy-domain": "example.test"},
                    "summary": {
                        "total-successful-session-count": ok,
                        "total-failure-session-count": failures.iter().map(|f| f.2).sum::<u64>(),
                    },
                    "failure-details": failures.iter().map(|(t, mx, n)| serde_json::json!({
                        "result-type": t, "receiving-mx-hostname": mx, "failed-session-count": n,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({
            "organization-name": org,
            "date-range": {
                "start-datetime": format!("2026-11-{day:02}T00:00:00Z"),
                "end-datetime": format!("2026-11-{day:02}T23:59:59Z"),
            },
            "report-id": format!("{org}-{day}"),
            "policies": policies,
        })
        .to_string()
    }

    /// Clean daily reports of each of `orgs` on `days` under `policy`.
    fn clean(orgs: &[&str], days: std::ops::RangeInclusive<u32>, policy: &[&str]) -> Vec<String> {
        days.flat_map(|day| {
            orgs.iter()
                .map(move |org| report(org, day, &[(policy, 100, &[])]))
        })
        .collect()
    }

    fn judge(reports: &[String], min_reporters: usize, min_days: usize) -> DomainSummary {
        let filter = Filter {
            domain: None,
            since: None,
            now: now(),
        };
        let mut agg = Aggregates::default();
        for r in reports {
            let (report, _) = parse(r.as_bytes(), now()).unwrap();
            let reporter = reporter_key(&report.organization);
            agg.add(report, &reporter, &filter);
        }
        let t = Thresholds {
            min_reporters,
            min_days,
        };
        let mut domains = summarize(&agg, &t);
        assert_eq!(domains.len(), 1);
        domains.remove(0)
    }

    fn codes(d: &DomainSummary) -> Vec<&'static str> {
        d.reasons.iter().map(Reason::code).collect()
    }

    #[test]
    fn ready_exactly_at_the_thresholds() {
        let d = judge(
            &clean(&["Google", "Microsoft", "Yahoo"], 1..=14, &POLICY),
            3,
            14,
        );
        assert!(d.ready, "{:?}", d.reasons);
        assert_eq!(d.verdict, "ready to enforce");
        assert_eq!((d.sts_reporters, d.sts_days), (3, 14));
        assert!(d.blocking.is_empty());
    }

    /// Each reporter's days, and the policy it applied on each, as an
    /// index into the policies seen (the current one first).
    #[test]
    fn reporter_days_say_which_policy_was_applied() {
        let mut reports = clean(&["Google"], 1..=3, &POLICY);
        reports.extend(clean(&["Google"], 4..=5, &NEW_POLICY));
        reports.extend(clean(&["Yahoo"], 2..=5, &POLICY));
        let d = judge(&reports, 1, 1);
        assert!(d.policy_strings[0].current);
        assert!(d.policy_strings[0].policy.contains("mx2"));
        type Row<'a> = (&'a str, Vec<(&'a str, Option<usize>)>);
        let rows: Vec<Row<'_>> = d
            .reporter_days
            .iter()
            .map(|r| {
                let days = r.days.iter().map(|x| (&x.date[8..], x.policy)).collect();
                (r.reporter.as_str(), days)
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "Google",
                    vec![
                        ("01", Some(1)),
                        ("02", Some(1)),
                        ("03", Some(1)),
                        ("04", Some(0)),
                        ("05", Some(0))
                    ]
                ),
                (
                    "Yahoo",
                    vec![
                        ("02", Some(1)),
                        ("03", Some(1)),
                        ("04", Some(1)),
                        ("05", Some(1))
                    ]
                ),
            ]
        );
    }

    #[test]
    fn a_day_or_a_reporter_short_is_not_ready() {
        let reports = clean(&["Google", "Microsoft", "Yahoo"], 1..=14, &POLICY);
        let d = judge(&reports, 3, 15);
        assert!(!d.ready);
        assert_eq!(d.verdict, "not ready");
        assert_eq!(
            d.reasons,
            [Reason::TooFewDays {
                have: 14,
                need: 15,
                window: Window {
                    several: false,
                    since: NaiveDate::from_ymd_opt(2026, 11, 1)
                }
            }]
        );
        assert_eq!(
            d.reasons[0].to_string(),
            "reports of sessions under the sts policy cover 14 days; at least 15 are needed (--min-days)"
        );
        let d = judge(&reports, 4, 14);
        assert_eq!(codes(&d), ["too-few-reporters"]);
        assert_eq!(
            d.reasons[0].to_string(),
            "only 3 reporting organisations reported sessions under the sts policy; at least 4 are needed (--min-reporters)"
        );
    }

    #[test]
    fn failures_under_the_current_policy_block() {
        let mut reports = clean(&["Google", "Microsoft"], 1..=14, &POLICY);
        reports.push(report(
            "Google",
            15,
            &[(
                &POLICY,
                98,
                &[("certificate-expired", "mx1.example.test", 2)],
            )],
        ));
        let d = judge(&reports, 2, 14);
        assert_eq!(codes(&d), ["sessions-failed"]);
        assert_eq!(
            d.reasons[0].to_string(),
            "2 sessions failed since 2026-11-01 (2 of 2900 under the sts policy)"
        );
        assert_eq!(d.blocking[0].result_type, "certificate-expired");
        assert_eq!(d.blocking[0].sessions, 2);
    }

    #[test]
    fn a_change_under_way_is_not_ready() {
        let mut reports = clean(&["Google", "Microsoft"], 1..=27, &POLICY);
        for org in ["Google", "Microsoft"] {
            reports.push(report(
                org,
                28,
                &[(&POLICY, 290, &[]), (&NEW_POLICY, 5, &[])],
            ));
        }
        let d = judge(&reports, 2, 14);
        assert_eq!(codes(&d), ["change-under-way"]);
        assert!(
            d.reasons[0]
                .to_string()
                .contains("(version: STSv1 | mode: testing | mx: mx1.example.test | mx: mx2.example.test | max_age: 86400)"),
            "{}",
            d.reasons[0]
        );
        assert!(d.policy_strings[0].current);
        assert_eq!(d.policy_strings[0].policy, POLICY.join("\n"));
    }

    #[test]
    fn a_stale_reporter_is_named_and_blocks() {
        let mut reports = clean(&["Google", "Microsoft"], 1..=9, &POLICY);
        reports.extend(clean(&["Google", "Microsoft"], 10..=28, &NEW_POLICY));
        reports.extend(clean(&["Yahoo"], 1..=28, &POLICY));
        let d = judge(&reports, 2, 14);
        assert_eq!(d.current_since.as_deref(), Some("2026-11-10"));
        assert_eq!(d.stale_reporters.len(), 1);
        assert_eq!(d.stale_reporters[0].reporter, "Yahoo");
        assert_eq!(d.stale_reporters[0].last_report, "2026-11-28");
        assert_eq!(d.stale_reporters[0].policy, POLICY.join("\n"));
        assert_eq!(codes(&d), ["reporters-disagree"]);
        assert!(
            d.reasons[0]
                .to_string()
                .starts_with("reporters disagree on the policy: Yahoo still applies another one")
        );
        // Without Yahoo, the new policy is judged from its first day.
        let d = judge(&reports[..reports.len() - 28], 2, 19);
        assert!(d.ready, "{:?}", d.reasons);
        assert_eq!(
            (d.sts_days, d.current_since.as_deref()),
            (19, Some("2026-11-10"))
        );
    }

    #[test]
    fn mode_none_and_invalid_modes_are_never_ready() {
        let none = ["version: STSv1", "mode: none", "max_age: 86400"];
        let d = judge(&clean(&["Google", "Microsoft"], 1..=28, &none), 2, 14);
        assert_eq!(codes(&d), ["mode-none"]);
        let bad = [
            "version: STSv1",
            "mode: Testing",
            "mx: mx1.example.test",
            "max_age: 86400",
        ];
        let d = judge(&clean(&["Google", "Microsoft"], 1..=28, &bad), 2, 14);
        assert_eq!(codes(&d), ["invalid-mode"]);
        assert_eq!(d.policy_strings[0].policy, bad.join("\n"), "shown as sent");
    }

    /// `org`'s report for example.test over `start`..`end` under
    /// [`POLICY`]: `ok` sessions, and failures of `(result type, reason
    /// code, sessions)`.
    fn ranged(
        org: &str,
        id: &str,
        (start, end): (&str, &str),
        ok: u64,
        failures: &[(&str, &str, u64)],
    ) -> String {
        serde_json::json!({
            "organization-name": org,
            "date-range": {"start-datetime": start, "end-datetime": end},
            "report-id": id,
            "policies": [{
                "policy": {"policy-type": "sts", "policy-string": POLICY, "policy-domain": "example.test"},
                "summary": {
                    "total-successful-session-count": ok,
                    "total-failure-session-count": failures.iter().map(|f| f.2).sum::<u64>(),
                },
                "failure-details": failures.iter().map(|(t, code, n)| serde_json::json!({
                    "result-type": t, "failure-reason-code": code, "failed-session-count": n,
                })).collect::<Vec<_>>(),
            }],
        })
        .to_string()
    }

    const WEEK_1: (&str, &str) = ("2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z");
    const WEEK_2: (&str, &str) = ("2026-11-08T00:00:00Z", "2026-11-14T23:59:59Z");

    #[test]
    fn a_weekly_report_counts_for_each_day_of_its_week() {
        let one = [ranged("Yahoo", "w1", WEEK_1, 700, &[])];
        let d = judge(&one, 1, 7);
        assert!(d.ready, "{:?}", d.reasons);
        assert_eq!((d.days, d.sts_days), (7, 7));
        assert_eq!(
            (d.first_day.as_deref(), d.last_day.as_deref()),
            (Some("2026-11-01"), Some("2026-11-07"))
        );
        assert!(d.trend.iter().all(|t| t.successful == 100), "{:?}", d.trend);
        assert_eq!(
            d.policy_strings[0].reports, 1,
            "one report, however many days"
        );
        let d = judge(&one, 1, 8);
        assert_eq!(
            d.reasons[0].to_string(),
            "reports of sessions under the sts policy cover 7 days; at least 8 are needed (--min-days)"
        );

        let two = [
            ranged("Yahoo", "w1", WEEK_1, 700, &[]),
            ranged("Yahoo", "w2", WEEK_2, 701, &[]),
        ];
        let d = judge(&two, 1, 14);
        assert!(d.ready, "{:?}", d.reasons);
        assert_eq!((d.days, d.sts_days), (14, 14));
        let total: u64 = d.trend.iter().map(|t| t.successful).sum();
        assert_eq!(total, 1401, "shared out, nothing lost");
        assert_eq!(d.trend[7].successful, 101, "the remainder on the first day");
    }

    /// A weekly reporter and daily ones count for the same days, and the
    /// weekly one is a reporter on each of them.
    #[test]
    fn weekly_and_daily_reporters_together() {
        let mut reports = clean(&["Google"], 1..=14, &POLICY);
        reports.push(ranged("Yahoo", "w1", WEEK_1, 700, &[]));
        reports.push(ranged("Yahoo", "w2", WEEK_2, 700, &[]));
        let d = judge(&reports, 2, 14);
        assert!(d.ready, "{:?}", d.reasons);
        assert_eq!((d.days, d.sts_days, d.sts_reporters), (14, 14, 2));
        // A failure in a weekly report blocks like any other.
        reports.push(ranged(
            "Yahoo",
            "w3",
            ("2026-11-15T00:00:00Z", "2026-11-22T00:00:00Z"),
            690,
            &[("certificate-expired", "certificate has expired", 10)],
        ));
        let d = judge(&reports, 2, 14);
        assert_eq!(codes(&d), ["sessions-failed"]);
        assert_eq!(d.blocking[0].sessions, 10);
        assert_eq!(d.last_day.as_deref(), Some("2026-11-21"));
    }

    #[test]
    fn hostile_ranges_count_for_few_days() {
        let reversed = [ranged(
            "A",
            "r",
            ("2026-11-20T00:00:00Z", "2026-11-01T00:00:00Z"),
            10,
            &[],
        )];
        let d = judge(&reversed, 1, 1);
        assert_eq!((d.days, d.first_day.as_deref()), (1, Some("2026-11-20")));
        let decade = [ranged(
            "A",
            "d",
            ("2016-11-01T00:00:00Z", "2026-11-01T00:00:00Z"),
            3100,
            &[],
        )];
        let d = judge(&decade, 1, 14);
        assert!(d.ready, "{:?}", d.reasons);
        assert_eq!((d.days, d.sts_days), (31, 31));
        assert_eq!(d.last_day.as_deref(), Some("2016-12-01"));
        assert_eq!(codes(&judge(&decade, 1, 32)), ["too-few-days"]);
    }

    #[test]
    fn reason_codes_are_counted_per_result_type() {
        let reports = [
            ranged(
                "Google",
                "g1",
                WEEK_1,
                10,
                &[
                    ("sts-policy-fetch-error", "bad https response code: 404", 5),
                    ("sts-policy-fetch-error", "context deadline exceeded", 2),
                ],
            ),
            ranged(
                "Google",
                "g2",
                WEEK_2,
                10,
                &[
                    ("sts-policy-fetch-error", "bad https response code: 404", 4),
                    ("certificate-expired", "certificate has expired", 1),
                    ("validation-failure", "", 3),
                ],
            ),
        ];
        let d = judge(&reports, 1, 1);
        let codes: Vec<(&str, &str, u64)> = d
            .failure_reason_codes
            .iter()
            .flat_map(|(t, c)| c.iter().map(move |(c, n)| (t.as_str(), c.as_str(), *n)))
            .collect();
        assert_eq!(
            codes,
            [
                ("certificate-expired", "certificate has expired", 1),
                ("sts-policy-fetch-error", "bad https response code: 404", 9),
                ("sts-policy-fetch-error", "context deadline exceeded", 2),
            ],
            "an empty code is none"
        );
        assert_eq!(d.failures_by_result_type["validation-failure"], 3);
    }

    /// Hostile reporters can send a new code with every failure: the
    /// smallest are kept, the rest counted together, nothing lost.
    #[test]
    fn reason_codes_are_capped() {
        let many: Vec<(String, String)> = (0..40)
            .map(|t| (format!("made-up-{t:02}"), "x".into()))
            .chain((0..200).map(|c| ("starttls-not-supported".into(), format!("code {c:03}"))))
            .collect();
        let failures: Vec<(&str, &str, u64)> = many
            .iter()
            .map(|(t, c)| (t.as_str(), c.as_str(), 1))
            .collect();
        let d = judge(&[ranged("A", "a", WEEK_1, 0, &failures)], 1, 1);
        let r = &d.failure_reason_codes;
        assert_eq!(r.len(), 17, "16 result types and the others");
        assert_eq!(r[OTHERS].values().sum::<u64>(), 40 - 16 + 200);
        assert!(
            !r.contains_key("starttls-not-supported"),
            "pushed out by smaller ones"
        );
        let d = judge(&[ranged("A", "a", WEEK_1, 0, &failures[40..])], 1, 1);
        let codes = &d.failure_reason_codes["starttls-not-supported"];
        assert_eq!(codes.len(), 65);
        assert_eq!(codes[OTHERS], 200 - 64);
        assert_eq!(codes.values().sum::<u64>(), 200);
    }

    /// A report of DANE senders: the fixture of the sender that enforces
    /// DANE (`tests/fixtures/tlsrpt/`), on November `day`.
    fn dane_sender(day: u32) -> String {
        include_str!("../../tests/fixtures/tlsrpt/dane-sender.json")
            .replace("2026-11-01", &format!("2026-11-{day:02}"))
    }

    const CONTOSO_POLICY: [&str; 5] = [
        "version: STSv1",
        "mode: testing",
        "mx: mx1.contoso.com",
        "mx: mx2.contoso.com",
        "max_age: 604800",
    ];

    /// `org`'s report of November `day` for contoso.com: one policy of
    /// `policy_type` (`sts`: [`CONTOSO_POLICY`]), `ok` sessions and
    /// `failures`.
    fn contoso(
        org: &str,
        day: u32,
        policy_type: &str,
        ok: u64,
        failures: &[Failure<'_>],
    ) -> String {
        let policy_string: Vec<&str> = if policy_type == "sts" {
            CONTOSO_POLICY.to_vec()
        } else {
            vec!["3 1 1 9b5c4e8e1b2d37c0f0b1c96e7c1f5a8d02b4e6f7a9c3d5e1f2a4b6c8d0e2f416"]
        };
        serde_json::json!({
            "organization-name": org,
            "date-range": {
                "start-datetime": format!("2026-11-{day:02}T00:00:00Z"),
                "end-datetime": format!("2026-11-{day:02}T23:59:59Z"),
            },
            "report-id": format!("{org}-{day}-{policy_type}"),
            "policies": [{
                "policy": {"policy-type": policy_type, "policy-string": policy_string, "policy-domain": "contoso.com"},
                "summary": {
                    "total-successful-session-count": ok,
                    "total-failure-session-count": failures.iter().map(|f| f.2).sum::<u64>(),
                },
                "failure-details": failures.iter().map(|(t, mx, n)| {
                    let mut f = serde_json::json!({"result-type": t, "failed-session-count": n});
                    if !mx.is_empty() {
                        f["receiving-mx-hostname"] = (*mx).into();
                    }
                    f
                }).collect::<Vec<_>>(),
            }],
        })
        .to_string()
    }

    /// Clean sts reports of Google and Microsoft for contoso.com on
    /// November 1 to 14.
    fn contoso_fortnight() -> Vec<String> {
        (1..=14)
            .flat_map(|day| {
                ["Google", "Microsoft"]
                    .into_iter()
                    .map(move |org| contoso(org, day, "sts", 100, &[]))
            })
            .collect()
    }

    fn listed(list: &[Blocking]) -> Vec<(&str, Option<&str>, u64)> {
        list.iter()
            .map(|b| {
                (
                    b.result_type.as_str(),
                    b.receiving_mx_hostname.as_deref(),
                    b.sessions,
                )
            })
            .collect()
    }

    #[test]
    fn dane_failures_are_explained_and_do_not_block() {
        let mut reports = contoso_fortnight();
        reports.extend((1..=14).map(dane_sender));
        let d = judge(&reports, 2, 14);
        assert!(d.ready, "{:?}", d.reasons);
        assert!(d.blocking.is_empty(), "{:?}", d.blocking);
        assert_eq!(
            (d.sts_reporters, d.sts_days),
            (2, 14),
            "DANE senders are no evidence"
        );
        assert_eq!(d.sessions["tlsa"].failed, 14 * 9);
        assert_eq!(
            listed(&d.dane_failures),
            [
                ("tlsa-invalid", Some("mx1.contoso.com"), 84),
                ("dnssec-invalid", Some("mx2.contoso.com"), 28),
                ("certificate-not-trusted", Some("mx2.contoso.com"), 14),
            ]
        );
        let [tlsa, dnssec, untrusted] = &d.dane_failures[..] else {
            unreachable!()
        };
        assert!(
            tlsa.fix
                .starts_with("run mtasts gen-tlsa --cert CERT.pem --host mx1.contoso.com"),
            "{}",
            tlsa.fix
        );
        assert!(
            tlsa.meaning
                .contains("MTA-STS senders do not look at TLSA records")
        );
        assert!(dnssec.meaning.contains("DNSSEC validation failed"));
        assert!(
            dnssec
                .fix
                .starts_with("re-sign the zone holding _25._tcp.mx2.contoso.com")
        );
        assert!(
            untrusted
                .meaning
                .contains("matched none of its TLSA records")
        );
        assert!(untrusted.fix.contains("mtasts gen-tlsa"));
    }

    #[test]
    fn dane_result_types_never_block_whatever_the_policy_type() {
        let mut reports = contoso_fortnight();
        reports.push(contoso(
            "Google",
            14,
            "sts",
            90,
            &[
                ("dane-required", "mx1.contoso.com", 4),
                ("tlsa-invalid", "", 1),
            ],
        ));
        let d = judge(&reports, 2, 14);
        assert!(d.ready, "{:?}", d.reasons);
        assert_eq!(
            listed(&d.dane_failures),
            [
                ("dane-required", Some("mx1.contoso.com"), 4),
                ("tlsa-invalid", None, 1),
            ]
        );
        assert!(
            d.dane_failures[0]
                .meaning
                .contains("requires DANE for contoso.com")
        );
        assert!(
            d.dane_failures[1].fix.contains("--host MX"),
            "{}",
            d.dane_failures[1].fix
        );
        // An sts failure beside them blocks as ever.
        reports.push(contoso(
            "Microsoft",
            14,
            "sts",
            90,
            &[("certificate-expired", "mx2.contoso.com", 2)],
        ));
        let d = judge(&reports, 2, 14);
        assert_eq!(codes(&d), ["sessions-failed"]);
        assert_eq!(
            listed(&d.blocking),
            [("certificate-expired", Some("mx2.contoso.com"), 2)]
        );
        assert_eq!(d.dane_failures.len(), 2);
    }

    /// A failure of a host that DANE senders reported counts against
    /// MTA-STS when its senders meet it too, on a host of the policy.
    #[test]
    fn tlsa_host_failures_block_when_mta_sts_senders_meet_them() {
        for (result, host, blocks) in [
            ("certificate-expired", "mx1.contoso.com", true),
            ("starttls-not-supported", "mx2.contoso.com", true),
            ("validation-failure", "mx1.contoso.com", true),
            ("certificate-host-mismatch", "mx2.contoso.com", true),
            ("certificate-expired", "", true),
            ("certificate-expired", "mx9.elsewhere.test", false),
            ("starttls-not-supported", "mx9.elsewhere.test", false),
            ("certificate-not-trusted", "mx1.contoso.com", false),
            ("made-up-result", "mx1.contoso.com", false),
        ] {
            let mut reports = contoso_fortnight();
            reports.push(contoso(
                "dane-sender.example",
                10,
                "tlsa",
                50,
                &[(result, host, 3)],
            ));
            let d = judge(&reports, 2, 14);
            let host = (!host.is_empty()).then_some(host);
            let expected = [(result, host, 3)];
            if blocks {
                assert_eq!(codes(&d), ["sessions-failed"], "{result} {host:?}");
                assert_eq!(listed(&d.blocking), expected);
                assert!(d.dane_failures.is_empty());
            } else {
                assert!(d.ready, "{result} {host:?}: {:?}", d.reasons);
                assert_eq!(listed(&d.dane_failures), expected);
            }
        }
        let mut reports = contoso_fortnight();
        reports.push(contoso(
            "dane-sender.example",
            10,
            "tlsa",
            50,
            &[("certificate-expired", "mx9.elsewhere.test", 3)],
        ));
        let d = judge(&reports, 2, 14);
        assert!(
            d.dane_failures[0]
                .meaning
                .ends_with("(mx9.elsewhere.test is not in the current MTA-STS policy, so MTA-STS senders do not use it)"),
            "{}",
            d.dane_failures[0].meaning
        );
        assert_eq!(
            d.dane_failures[0].fix,
            "renew the certificate of mx9.elsewhere.test"
        );
    }

    /// Failures DANE senders counted without details say nothing about
    /// MTA-STS.
    #[test]
    fn undetailed_tlsa_failures_do_not_block() {
        let mut reports = contoso_fortnight();
        let mut r: serde_json::Value =
            serde_json::from_str(&contoso("dane-sender.example", 10, "tlsa", 50, &[])).unwrap();
        r["policies"][0]["summary"]["total-failure-session-count"] = 7.into();
        reports.push(r.to_string());
        let d = judge(&reports, 2, 14);
        assert!(d.ready, "{:?}", d.reasons);
        assert_eq!(d.sessions["tlsa"].failed, 7);
    }

    #[test]
    fn results_without_a_policy_say_nothing() {
        let unstated: Vec<String> = clean(&["Google", "Microsoft"], 1..=14, &[])
            .into_iter()
            .collect();
        let d = judge(&unstated, 2, 14);
        assert_eq!(codes(&d), ["policy-unstated"]);
    }
}
