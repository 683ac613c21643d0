//! Folding reports into per-domain aggregates, as they are read: only
//! counts, per-day results and what the verdict needs are kept, never the
//! reports, and every table is capped, so that memory stays flat however
//! many reports there are and whatever they hold. A report that covers
//! several days (see [`super::span`]) counts for each of them, its
//! sessions shared out evenly over them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};

use super::parse::{Report, UNKNOWN_REPORTER};

#[derive(Debug, Default)]
pub(super) struct DomainAgg {
    pub(super) start: Option<DateTime<Utc>>,
    pub(super) end: Option<DateTime<Utc>>,
    /// Reporting organisations: the key is the name in lower case, so that
    /// "Google" and "google" are one reporter; the value is how it is
    /// shown (the first in order of the spellings seen).
    pub(super) reporters: BTreeMap<String, String>,
    pub(super) sessions: BTreeMap<String, (u64, u64)>,
    pub(super) by_result: BTreeMap<String, u64>,
    pub(super) by_mx: BTreeMap<String, u64>,
    pub(super) by_ip: BTreeMap<String, u64>,
    /// Result type → `failure-reason-code` → failed sessions.
    pub(super) reason_codes: BTreeMap<String, ReasonCodes>,
    /// Sessions by day; every day a report covers has an entry.
    pub(super) trend: BTreeMap<NaiveDate, (u64, u64)>,
    /// `sts` results by the policy string the reporter saw, by day.
    pub(super) sts: BTreeMap<String, Days>,
    /// `sts` results whose report did not say which policy was applied.
    pub(super) unstated: Days,
    /// `sts` results under policies past [`MAX_POLICIES`]: never evidence.
    pub(super) overflow: Days,
    /// Results of `no-policy-found` and unknown policy types: their
    /// certificate and STARTTLS failures are faults of the hosts too.
    pub(super) other_types: Days,
    /// Results under `policy-type: tlsa`, from DANE senders: their
    /// failures count for MTA-STS only when they also hit its senders.
    pub(super) tlsa: Days,
    /// The policies each reporter (key) applied, by day: when it switched
    /// from one to another, and what it applies now.
    pub(super) timeline: BTreeMap<String, BTreeMap<NaiveDate, BTreeMap<u64, u64>>>,
}

pub(super) type Days = BTreeMap<NaiveDate, DayStats>;

/// `failure-reason-code` (as shown) → failed sessions, for one result
/// type: the [`MAX_REASON_CODES`] smallest codes, the rest under
/// [`OTHERS`].
pub(super) type ReasonCodes = BTreeMap<String, u64>;

impl DomainAgg {
    /// Whether results under `policy` are kept apart: the
    /// [`MAX_POLICIES`] smallest policy strings are; a smaller one than
    /// those kept pushes the largest out into `overflow`.
    fn keep_policy(&mut self, policy: &str) -> bool {
        if self.sts.len() < MAX_POLICIES || self.sts.contains_key(policy) {
            return true;
        }
        match self.sts.keys().next_back() {
            Some(largest) if policy < largest.as_str() => {
                if let Some((_, days)) = self.sts.pop_last() {
                    merge_days(&mut self.overflow, days);
                }
                true
            }
            _ => false,
        }
    }

    /// Back to [`MAX_POLICIES`] policies after a merge.
    fn trim_policies(&mut self) {
        while self.sts.len() > MAX_POLICIES {
            if let Some((_, days)) = self.sts.pop_last() {
                merge_days(&mut self.overflow, days);
            }
        }
    }
}

/// `sts` results of one day under one policy.
#[derive(Debug, Default, Clone)]
pub(super) struct DayStats {
    pub(super) reports: u64,
    /// Reporters (keys) that reported sessions.
    pub(super) reporters: BTreeSet<String>,
    pub(super) successful: u64,
    pub(super) failed: u64,
    /// (result type, receiving MX) → failed sessions.
    pub(super) failures: BTreeMap<(String, String), u64>,
}

impl DayStats {
    pub(super) fn merge(&mut self, o: &DayStats) {
        add(&mut self.reports, o.reports);
        self.reporters.extend(o.reporters.iter().cloned());
        add(&mut self.successful, o.successful);
        add(&mut self.failed, o.failed);
        for (k, n) in &o.failures {
            add(self.failures.entry(k.clone()).or_default(), *n);
        }
        trim(&mut self.failures, &failure_others(), MAX_KEYS);
    }
}

fn merge_days(into: &mut Days, from: Days) {
    for (day, stats) in from {
        into.entry(day).or_default().merge(&stats);
    }
}

/// What the reporter `name` is keyed by.
pub fn reporter_key(name: &str) -> String {
    name.to_lowercase()
}

/// Which reports count: `--domain` and `--since`.
#[derive(Debug, Clone)]
pub struct Filter {
    pub domain: Option<String>,
    pub since: Option<NaiveDate>,
    /// The run's clock: reports dated after it (with a day of slack) are
    /// refused as made up.
    pub now: DateTime<Utc>,
}

impl Fold for DomainAgg {
    /// Another worker's aggregates of the same domain, or a domain pushed
    /// out of the table into others.
    fn fold(&mut self, o: DomainAgg) {
        let a = self;
        a.start = match (a.start, o.start) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        };
        a.end = match (a.end, o.end) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, y) => x.or(y),
        };
        for (k, shown) in o.reporters {
            let e = a.reporters.entry(k).or_insert_with(|| shown.clone());
            if shown < *e {
                *e = shown;
            }
        }
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
            trim(target, &OTHERS.to_string(), MAX_KEYS);
        }
        trim(&mut a.sessions, &OTHERS.to_string(), MAX_KEYS);
        for (k, codes) in o.reason_codes {
            a.reason_codes.entry(k).or_default().fold(codes);
        }
        trim(&mut a.reason_codes, &OTHERS.to_string(), MAX_REASON_TYPES);
        for (k, days) in o.sts {
            merge_days(a.sts.entry(k).or_default(), days);
        }
        a.trim_policies();
        merge_days(&mut a.unstated, o.unstated);
        merge_days(&mut a.overflow, o.overflow);
        merge_days(&mut a.other_types, o.other_types);
        merge_days(&mut a.tlsa, o.tlsa);
        for (r, days) in o.timeline {
            let mine = a.timeline.entry(r).or_default();
            for (day, policies) in days {
                let m = mine.entry(day).or_default();
                for (h, n) in policies {
                    add(m.entry(h).or_default(), n);
                }
            }
        }
    }
}

/// Everything read so far. Only aggregates are kept, never the reports.
#[derive(Debug, Default)]
pub struct Aggregates {
    domains: BTreeMap<String, DomainAgg>,
    pub reports: usize,
    /// Reports with a policy for the `--domain` asked for (all, without).
    pub matched: usize,
    /// Reports from before `--since`, left out.
    pub before: usize,
    pub duplicates: usize,
}

/// Most distinct keys (result types, MX hosts, IPs, policy types…) kept
/// per table of a domain: each comes from reports anyone can mail in, and
/// a few hostile reports could otherwise fill memory with millions. The
/// smallest keys are kept and the rest counted under [`OTHERS`], which,
/// unlike keeping the first ones met, gives the same tables whichever
/// thread reads which report.
pub(super) const MAX_KEYS: usize = 1000;
/// Result types with their reason codes kept apart per domain, and reason
/// codes per result type: real reporters use a few of each; hostile ones
/// could send a distinct one with every failure.
const MAX_REASON_TYPES: usize = 16;
const MAX_REASON_CODES: usize = 64;
/// Reporters per domain, kept as met (past this, under [`OTHERS`]).
const MAX_REPORTERS: usize = 1000;
/// Domains, the smallest names kept like a table's keys: whoever reads
/// more in one run uses `--domain`.
pub(super) const MAX_DOMAINS: usize = 1000;
/// Distinct policy strings kept per domain (the smallest); results under
/// any further one are kept apart and never count as evidence.
const MAX_POLICIES: usize = 20;
/// Longer policies are not kept apart (real ones are a few hundred bytes).
const MAX_KEPT_POLICY: usize = 8 * 1024;
pub const OTHERS: &str = "(others: more than mtasts keeps apart)";

/// What the entries of a table of counts can be folded into each other.
pub(super) trait Fold {
    fn fold(&mut self, other: Self);
}

impl Fold for u64 {
    fn fold(&mut self, other: u64) {
        add(self, other);
    }
}

impl Fold for (u64, u64) {
    fn fold(&mut self, other: (u64, u64)) {
        add(&mut self.0, other.0);
        add(&mut self.1, other.1);
    }
}

impl Fold for ReasonCodes {
    fn fold(&mut self, other: ReasonCodes) {
        for (k, n) in other {
            add(self.entry(k).or_default(), n);
        }
        trim(self, &OTHERS.to_string(), MAX_REASON_CODES);
    }
}

/// The entry for `key` in a table that keeps its `max` smallest keys:
/// a key past them is counted under `others`, and a smaller one that
/// arrives when the table is full pushes the largest out into `others`.
fn kept<'m, K, V>(map: &'m mut BTreeMap<K, V>, key: &K, others: &K, max: usize) -> &'m mut V
where
    K: Ord + Clone,
    V: Default + Fold,
{
    let room = map.len() - usize::from(map.contains_key(others)) < max;
    let key = if room || map.contains_key(key) || key == others {
        key
    } else {
        match map.keys().rev().find(|k| *k != others).cloned() {
            Some(largest) if *key < largest => {
                let v = map.remove(&largest).unwrap_or_default();
                map.entry(others.clone()).or_default().fold(v);
                key
            }
            _ => others,
        }
    };
    if !map.contains_key(key) {
        map.insert(key.clone(), V::default());
    }
    map.get_mut(key).expect("inserted just above")
}

/// A table back to its `max` smallest keys, after a merge.
pub(super) fn trim<K: Ord + Clone, V: Default + Fold>(
    map: &mut BTreeMap<K, V>,
    others: &K,
    max: usize,
) {
    while map.len() - usize::from(map.contains_key(others)) > max {
        let Some(largest) = map.keys().rev().find(|k| *k != others).cloned() else {
            break;
        };
        let v = map.remove(&largest).unwrap_or_default();
        map.entry(others.clone()).or_default().fold(v);
    }
}

/// The entry for `key` in a table of counts (see [`kept`]) of at most
/// `max` keys, allocating only for a key not there yet.
fn count_of<'m, V: Default + Fold>(
    map: &'m mut BTreeMap<String, V>,
    key: &str,
    max: usize,
) -> &'m mut V {
    if map.contains_key(key) {
        return map.get_mut(key).expect("present");
    }
    kept(map, &key.to_string(), &OTHERS.to_string(), max)
}

pub(super) fn failure_others() -> (String, String) {
    (OTHERS.to_string(), String::new())
}

/// A policy string as the timeline of reporters keeps it: equality is all
/// it needs, and a hash keeps it small.
pub(super) fn policy_hash(policy: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(policy)
}

/// The entry for `key`, cloning the key only when it is new (most reports
/// repeat the keys already there), or the one for [`OTHERS`] when the map
/// already holds `max` keys: for reporters, kept as met.
fn capped<'m, T: Default>(map: &'m mut BTreeMap<String, T>, key: &str, max: usize) -> &'m mut T {
    let key = if map.len() < max || map.contains_key(key) {
        key
    } else {
        OTHERS
    };
    if !map.contains_key(key) {
        map.insert(key.to_string(), T::default());
    }
    map.get_mut(key).expect("inserted just above")
}

/// Counts come from reports anyone can mail in: they saturate, never wrap.
pub(super) fn add(total: &mut u64, n: u64) {
    *total = total.saturating_add(n);
}

impl Aggregates {
    /// Adds a report (deduplication is the caller's: see `collect`). Keys
    /// are copied only the first time they are seen.
    /// `reporter`: the organisation's [`reporter_key`].
    pub fn add(&mut self, report: Report<'_>, reporter: &str, filter: &Filter) {
        let only = filter.domain.as_deref();
        self.reports += 1;
        let span = report.days;
        if filter.since.is_some_and(|s| span.first() < s) {
            self.before += 1;
            return;
        }
        if only.is_none_or(|d| report.policies.iter().any(|p| p.policy_domain == d)) {
            self.matched += 1;
        }
        let counts = report.organization != UNKNOWN_REPORTER;
        for p in report.policies {
            if only.is_some_and(|d| d != p.policy_domain) {
                continue;
            }
            let agg = if self.domains.contains_key(p.policy_domain.as_ref()) {
                self.domains
                    .get_mut(p.policy_domain.as_ref())
                    .expect("present")
            } else {
                kept(
                    &mut self.domains,
                    &p.policy_domain.to_string(),
                    &OTHERS.to_string(),
                    MAX_DOMAINS,
                )
            };
            agg.start = Some(agg.start.map_or(report.start, |s| s.min(report.start)));
            agg.end = Some(agg.end.map_or(report.end, |e| e.max(report.end)));
            let key = if agg.reporters.len() < MAX_REPORTERS || agg.reporters.contains_key(reporter)
            {
                reporter
            } else {
                OTHERS
            };
            match agg.reporters.get_mut(key) {
                Some(shown) if shown.as_str() <= report.organization.as_ref() => {}
                Some(shown) => *shown = report.organization.to_string(),
                None => {
                    agg.reporters
                        .insert(key.to_string(), report.organization.to_string());
                }
            }
            let s = count_of(&mut agg.sessions, &p.policy_type, MAX_KEYS);
            s.0 = s.0.saturating_add(p.successful);
            s.1 = s.1.saturating_add(p.failed);
            for (i, day) in span.days().enumerate() {
                let t = agg.trend.entry(day).or_default();
                add(&mut t.0, span.share(p.successful, i));
                add(&mut t.1, span.share(p.failed, i));
            }
            for f in &p.failures {
                add(
                    count_of(&mut agg.by_result, &f.result_type, MAX_KEYS),
                    f.count,
                );
                if let Some(mx) = f.receiving_mx_hostname.as_deref() {
                    add(count_of(&mut agg.by_mx, mx, MAX_KEYS), f.count);
                }
                if let Some(ip) = &f.sending_mta_ip {
                    add(count_of(&mut agg.by_ip, ip, MAX_KEYS), f.count);
                }
                if let Some(code) = &f.failure_reason_code {
                    let codes = count_of(&mut agg.reason_codes, &f.result_type, MAX_REASON_TYPES);
                    add(count_of(codes, code, MAX_REASON_CODES), f.count);
                }
            }
            let sts = p.policy_type == "sts";
            let policy = p.policy_string.as_deref().filter(|_| sts);
            let apart = policy.filter(|ps| ps.len() <= MAX_KEPT_POLICY && agg.keep_policy(ps));
            let days = match (sts, policy, apart) {
                (false, _, _) if p.policy_type == "tlsa" => &mut agg.tlsa,
                (false, _, _) => &mut agg.other_types,
                (true, Some(_), Some(ps)) => agg.sts.entry(ps.to_string()).or_default(),
                (true, Some(_), None) => &mut agg.overflow,
                (true, None, _) => &mut agg.unstated,
            };
            let sessions = p.successful.saturating_add(p.failed);
            let failures: Vec<((String, String), u64)> = p
                .failures
                .into_iter()
                .map(|f| {
                    let mx = f.receiving_mx_hostname.unwrap_or_default();
                    ((f.result_type.into_owned(), mx.into_owned()), f.count)
                })
                .collect();
            for (i, day) in span.days().enumerate() {
                let stats = days.entry(day).or_default();
                // The report once, on its first day.
                add(&mut stats.reports, u64::from(i == 0));
                // Its reporter on every day it covers.
                if counts && sessions > 0 && !stats.reporters.contains(key) {
                    stats.reporters.insert(key.to_string());
                }
                add(&mut stats.successful, span.share(p.successful, i));
                add(&mut stats.failed, span.share(p.failed, i));
                for (k, n) in &failures {
                    let n = span.share(*n, i);
                    if n > 0 {
                        add(kept(&mut stats.failures, k, &failure_others(), MAX_KEYS), n);
                    }
                }
            }
            if let (Some(ps), true, true, true) = (policy, counts, sts, sessions > 0) {
                let applied = capped(&mut agg.timeline, key, MAX_REPORTERS);
                let hash = policy_hash(ps);
                for (i, day) in span.days().enumerate() {
                    add(
                        applied.entry(day).or_default().entry(hash).or_default(),
                        span.share(sessions, i),
                    );
                }
            }
        }
    }

    /// The domains, in order of name.
    pub(super) fn domains(&self) -> impl Iterator<Item = (&str, &DomainAgg)> {
        self.domains.iter().map(|(d, a)| (d.as_str(), a))
    }

    /// Folds another worker's aggregates into these.
    pub fn merge(&mut self, other: Aggregates) {
        self.reports += other.reports;
        self.matched += other.matched;
        self.before += other.before;
        self.duplicates += other.duplicates;
        for (domain, o) in other.domains {
            self.domains.entry(domain).or_default().fold(o);
        }
        trim(&mut self.domains, &OTHERS.to_string(), MAX_DOMAINS);
    }
}
