//! Folding reports into per-domain aggregates, and the verdict.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::parse::Report;

/// When a domain counts as ready to enforce.
#[derive(Debug, Clone)]
pub struct Thresholds {
    pub min_reporters: usize,
    pub min_days: usize,
}

#[derive(Debug, Default)]
struct DomainAgg {
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    reporters: BTreeSet<String>,
    sessions: BTreeMap<String, (u64, u64)>,
    by_result: BTreeMap<String, u64>,
    by_mx: BTreeMap<String, u64>,
    by_ip: BTreeMap<String, u64>,
    trend: BTreeMap<NaiveDate, (u64, u64)>,
    /// `sts` results by the policy string the reporter saw.
    sts: BTreeMap<String, StsSeen>,
    /// `sts` results whose report did not say which policy was applied.
    sts_unstated: StsSeen,
    /// Each reporter's latest `sts` report: its day and the policy seen.
    latest: BTreeMap<String, (NaiveDate, Option<String>)>,
}

/// What reporters said about one `sts` policy.
#[derive(Debug, Default)]
struct StsSeen {
    reports: u64,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    /// Reports whose day is `last`: among the policies seen most recently,
    /// the one most reporters saw is taken as the current one.
    on_last: u64,
    /// Organisations that reported sessions under it.
    reporters: BTreeSet<String>,
    /// Days on which sessions under it were reported.
    days: BTreeSet<NaiveDate>,
    successful: u64,
    failed: u64,
    /// (result type, receiving MX) → failed sessions.
    failures: BTreeMap<(String, String), u64>,
}

impl StsSeen {
    fn seen(&mut self, day: NaiveDate, reports: u64) {
        self.reports = self.reports.saturating_add(reports);
        self.first = Some(self.first.map_or(day, |f| f.min(day)));
        match self.last {
            Some(l) if l > day => {}
            Some(l) if l == day => self.on_last = self.on_last.saturating_add(reports),
            _ => {
                self.last = Some(day);
                self.on_last = reports;
            }
        }
    }

    fn merge(&mut self, o: StsSeen) {
        if let Some(first) = o.first {
            self.first = Some(self.first.map_or(first, |f| f.min(first)));
        }
        if let Some(last) = o.last {
            // The other side's reports on its last day, then the rest.
            self.seen(last, o.on_last);
            self.reports = self
                .reports
                .saturating_add(o.reports.saturating_sub(o.on_last));
        }
        self.reporters.extend(o.reporters);
        self.days.extend(o.days);
        add(&mut self.successful, o.successful);
        add(&mut self.failed, o.failed);
        for (k, n) in o.failures {
            add(self.failures.entry(k).or_default(), n);
        }
    }
}

/// Everything read so far. Only aggregates are kept, never the reports.
#[derive(Debug, Default)]
pub struct Aggregates {
    domains: BTreeMap<String, DomainAgg>,
    pub reports: usize,
    pub duplicates: usize,
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
    /// The policy the verdict is about: the one seen most recently.
    pub current: bool,
    pub reports: u64,
    pub reporters: Vec<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

/// A reporter whose latest report shows a policy other than the current
/// one although the current one was already being served: it cached the
/// old policy, the sign of an id that did not change.
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

/// The entry for `key`, cloning the key only when it is new (most reports
/// repeat the keys already there).
fn slot<'m, T: Default>(map: &'m mut BTreeMap<String, T>, key: &str) -> &'m mut T {
    if !map.contains_key(key) {
        map.insert(key.to_string(), T::default());
    }
    map.get_mut(key).expect("inserted just above")
}

fn note(set: &mut BTreeSet<String>, key: &str) {
    if !set.contains(key) {
        set.insert(key.to_string());
    }
}

/// Counts come from reports anyone can mail in: they saturate, never wrap.
fn add(total: &mut u64, n: u64) {
    *total = total.saturating_add(n);
}

impl Aggregates {
    /// Adds a report (deduplication is the caller's: see `input`). Keys
    /// are copied only the first time they are seen.
    pub fn add(&mut self, report: Report<'_>, only: Option<&str>) {
        self.reports += 1;
        let day = report.start.date_naive();
        for p in report.policies {
            if only.is_some_and(|d| d != p.policy_domain) {
                continue;
            }
            let agg = slot(&mut self.domains, &p.policy_domain);
            agg.start = Some(agg.start.map_or(report.start, |s| s.min(report.start)));
            agg.end = Some(agg.end.map_or(report.end, |e| e.max(report.end)));
            note(&mut agg.reporters, &report.organization);
            let s = slot(&mut agg.sessions, &p.policy_type);
            s.0 = s.0.saturating_add(p.successful);
            s.1 = s.1.saturating_add(p.failed);
            let t = agg.trend.entry(day).or_default();
            t.0 = t.0.saturating_add(p.successful);
            t.1 = t.1.saturating_add(p.failed);
            for f in &p.failures {
                add(slot(&mut agg.by_result, &f.result_type), f.count);
                if let Some(mx) = f.receiving_mx_hostname.as_deref() {
                    add(slot(&mut agg.by_mx, mx), f.count);
                }
                if let Some(ip) = &f.sending_mta_ip {
                    add(slot(&mut agg.by_ip, ip), f.count);
                }
            }
            if p.policy_type != "sts" {
                continue;
            }
            let policy = p.policy_string.as_deref();
            let seen = match policy {
                Some(ps) => slot(&mut agg.sts, ps),
                None => &mut agg.sts_unstated,
            };
            seen.seen(day, 1);
            if p.successful.saturating_add(p.failed) > 0 {
                note(&mut seen.reporters, &report.organization);
                seen.days.insert(day);
            }
            add(&mut seen.successful, p.successful);
            add(&mut seen.failed, p.failed);
            for f in p.failures {
                let mx = f.receiving_mx_hostname.unwrap_or_default();
                let key = (f.result_type.into_owned(), mx.into_owned());
                add(seen.failures.entry(key).or_default(), f.count);
            }
            if policy.is_some() {
                let latest = slot(&mut agg.latest, &report.organization);
                // On the same day, the larger policy: the same answer
                // whichever worker read which report.
                if latest.1.is_none()
                    || latest.0 < day
                    || (latest.0 == day && policy > latest.1.as_deref())
                {
                    latest.0 = day;
                    if latest.1.as_deref() != policy {
                        latest.1 = policy.map(str::to_string);
                    }
                }
            }
        }
    }

    /// Folds another worker's aggregates into these.
    pub fn merge(&mut self, other: Aggregates) {
        self.reports += other.reports;
        self.duplicates += other.duplicates;
        for (domain, o) in other.domains {
            let a = self.domains.entry(domain).or_default();
            a.start = match (a.start, o.start) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            };
            a.end = match (a.end, o.end) {
                (Some(x), Some(y)) => Some(x.max(y)),
                (x, y) => x.or(y),
            };
            a.reporters.extend(o.reporters);
            for (k, (s, f)) in o.sessions {
                let e = a.sessions.entry(k).or_default();
                add(&mut e.0, s);
                add(&mut e.1, f);
            }
            for (k, (s, f)) in o.trend {
                let e = a.trend.entry(k).or_default();
                add(&mut e.0, s);
                add(&mut e.1, f);
            }
            for (target, source) in [
                (&mut a.by_result, o.by_result),
                (&mut a.by_mx, o.by_mx),
                (&mut a.by_ip, o.by_ip),
            ] {
                for (k, n) in source {
                    add(target.entry(k).or_default(), n);
                }
            }
            for (k, seen) in o.sts {
                a.sts.entry(k).or_default().merge(seen);
            }
            a.sts_unstated.merge(o.sts_unstated);
            for (org, (day, policy)) in o.latest {
                match a.latest.get_mut(&org) {
                    Some(mine) if (mine.0, &mine.1) >= (day, &policy) => {}
                    Some(mine) => *mine = (day, policy),
                    None => {
                        a.latest.insert(org, (day, policy));
                    }
                }
            }
        }
    }

    pub fn summarize(&self, t: &Thresholds) -> Vec<DomainSummary> {
        self.domains
            .iter()
            .map(|(d, a)| summarize_domain(d, a, t))
            .collect()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The policy the verdict is about: among those seen on the latest day
/// any policy was seen, the one in most reports of that day.
fn current_policy(a: &DomainAgg) -> Option<&str> {
    a.sts
        .iter()
        .max_by(|x, y| {
            (x.1.last, x.1.on_last)
                .cmp(&(y.1.last, y.1.on_last))
                // Equal: the first in order, so that the choice is stable.
                .then_with(|| y.0.cmp(x.0))
        })
        .map(|(p, _)| p.as_str())
}

fn blocking_list(failures: &BTreeMap<(String, String), u64>, domain: &str) -> Vec<Blocking> {
    let mut list: Vec<Blocking> = failures
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|((result, mx), n)| {
            let host = (!mx.is_empty()).then(|| mx.clone());
            let (meaning, fix) = explain(result, host.as_deref(), domain);
            Blocking {
                result_type: result.clone(),
                receiving_mx_hostname: host,
                sessions: *n,
                meaning,
                fix,
            }
        })
        .collect();
    list.sort_by_key(|b| std::cmp::Reverse(b.sessions));
    list
}

fn summarize_domain(domain: &str, a: &DomainAgg, t: &Thresholds) -> DomainSummary {
    let current = current_policy(a);
    // The evidence: results under the current policy, and those whose
    // reporter did not say (fetch errors, mostly).
    let mut evidence = StsSeen::default();
    let mut earlier = StsSeen::default();
    for (p, seen) in &a.sts {
        let into = if Some(p.as_str()) == current {
            &mut evidence
        } else {
            &mut earlier
        };
        into.reporters.extend(seen.reporters.iter().cloned());
        into.days.extend(seen.days.iter().copied());
        add(&mut into.successful, seen.successful);
        add(&mut into.failed, seen.failed);
        for (k, n) in &seen.failures {
            add(into.failures.entry(k.clone()).or_default(), *n);
        }
    }
    let u = &a.sts_unstated;
    evidence.reporters.extend(u.reporters.iter().cloned());
    evidence.days.extend(u.days.iter().copied());
    add(&mut evidence.successful, u.successful);
    add(&mut evidence.failed, u.failed);
    for (k, n) in &u.failures {
        add(evidence.failures.entry(k.clone()).or_default(), *n);
    }
    let sts_reporters = evidence.reporters.len();
    let sts_days = evidence.days.len();
    let under = if a.sts.len() > 1 {
        "the current sts policy"
    } else {
        "the sts policy"
    };

    let mut reasons = Vec::new();
    let mut blocking = blocking_list(&evidence.failures, domain);
    if evidence.failed > 0 {
        reasons.push(format!(
            "{} of {} sessions under {under} failed",
            evidence.failed,
            evidence.successful.saturating_add(evidence.failed)
        ));
        let detailed: u64 = blocking
            .iter()
            .map(|b| b.sessions)
            .fold(0, u64::saturating_add);
        if detailed < evidence.failed {
            blocking.push(Blocking {
                result_type: "unspecified".into(),
                receiving_mx_hostname: None,
                sessions: evidence.failed - detailed,
                meaning: "reporters counted failures without details".into(),
                fix: format!("run mtasts check {domain} and fix what it reports"),
            });
        }
    }
    if a.sts.is_empty() && a.sts_unstated.reports == 0 {
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
        if sts_reporters < t.min_reporters {
            reasons.push(format!(
                "only {sts_reporters} reporting organisation{} reported sessions under {under}; at least {} are needed (--min-reporters)",
                plural(sts_reporters),
                t.min_reporters
            ));
        }
        if sts_days < t.min_days {
            reasons.push(format!(
                "reports of sessions under {under} cover {sts_days} day{}; at least {} are needed (--min-days)",
                plural(sts_days),
                t.min_days
            ));
        }
    }
    let current_first = current.and_then(|p| a.sts.get(p)).and_then(|s| s.first);
    let stale_reporters: Vec<StaleReporter> = a
        .latest
        .iter()
        .filter_map(|(org, (day, policy))| {
            let policy = policy.as_deref()?;
            let since = current_first?;
            (Some(policy) != current && *day >= since).then(|| StaleReporter {
                reporter: org.clone(),
                last_report: day.to_string(),
                policy: policy.to_string(),
            })
        })
        .collect();
    let ready = reasons.is_empty();
    let fmt = |d: &Option<DateTime<Utc>>| d.map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    let mut policy_strings: Vec<PolicySeen> = a
        .sts
        .iter()
        .map(|(p, s)| PolicySeen {
            policy: p.clone(),
            current: Some(p.as_str()) == current,
            reports: s.reports,
            reporters: s.reporters.iter().cloned().collect(),
            first_seen: day(s.first),
            last_seen: day(s.last),
        })
        .collect();
    policy_strings.sort_by(|x, y| {
        y.current
            .cmp(&x.current)
            .then(y.last_seen.cmp(&x.last_seen))
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
        reporters: a.reporters.iter().cloned().collect(),
        sts_reporters,
        sts_days,
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
        earlier_failures: blocking_list(&earlier.failures, domain),
    }
}

/// What a result type means and what to change (RFC 8460 §4.3).
fn explain(result: &str, host: Option<&str>, domain: &str) -> (String, String) {
    let h = host.unwrap_or("an MX host (the reports do not say which)");
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
