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
    sts_reporters: BTreeSet<String>,
    sessions: BTreeMap<String, (u64, u64)>,
    by_result: BTreeMap<String, u64>,
    by_mx: BTreeMap<String, u64>,
    by_ip: BTreeMap<String, u64>,
    /// (policy type, result type, receiving MX) → failed sessions.
    failures: BTreeMap<(String, String, String), u64>,
    trend: BTreeMap<NaiveDate, (u64, u64)>,
    policy_strings: BTreeMap<String, u64>,
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
    pub reports: u64,
}

/// The answer for one policy domain.
#[derive(Debug, Clone, Serialize)]
pub struct DomainSummary {
    pub domain: String,
    pub verdict: &'static str,
    pub ready: bool,
    pub start: Option<String>,
    pub end: Option<String>,
    pub days: usize,
    pub reporters: Vec<String>,
    pub sts_reporters: usize,
    pub sessions: BTreeMap<String, Sessions>,
    pub failures_by_result_type: BTreeMap<String, u64>,
    pub failures_by_mx: BTreeMap<String, u64>,
    pub failures_by_sending_ip: BTreeMap<String, u64>,
    pub trend: Vec<Day>,
    pub policy_strings: Vec<PolicySeen>,
    /// Why the domain is not ready (empty when ready).
    pub reasons: Vec<String>,
    pub blocking: Vec<Blocking>,
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
            if p.policy_type == "sts" {
                note(&mut agg.sts_reporters, &report.organization);
            }
            let s = slot(&mut agg.sessions, &p.policy_type);
            s.0 = s.0.saturating_add(p.successful);
            s.1 = s.1.saturating_add(p.failed);
            let t = agg.trend.entry(day).or_default();
            t.0 = t.0.saturating_add(p.successful);
            t.1 = t.1.saturating_add(p.failed);
            if let Some(ps) = &p.policy_string {
                add(slot(&mut agg.policy_strings, ps), 1);
            }
            for f in p.failures {
                add(slot(&mut agg.by_result, &f.result_type), f.count);
                let mx = f.receiving_mx_hostname.as_deref().unwrap_or_default();
                if !mx.is_empty() {
                    add(slot(&mut agg.by_mx, mx), f.count);
                }
                if let Some(ip) = &f.sending_mta_ip {
                    add(slot(&mut agg.by_ip, ip), f.count);
                }
                let key = (
                    p.policy_type.to_string(),
                    f.result_type.into_owned(),
                    mx.to_string(),
                );
                add(agg.failures.entry(key).or_default(), f.count);
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
            a.sts_reporters.extend(o.sts_reporters);
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
            for (k, n) in o.failures {
                add(a.failures.entry(k).or_default(), n);
            }
            for (k, n) in o.policy_strings {
                add(a.policy_strings.entry(k).or_default(), n);
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

fn summarize_domain(domain: &str, a: &DomainAgg, t: &Thresholds) -> DomainSummary {
    let (sts_ok, sts_failed) = a.sessions.get("sts").copied().unwrap_or_default();
    let days = a.trend.len();
    let mut reasons = Vec::new();
    let mut blocking: Vec<Blocking> = a
        .failures
        .iter()
        .filter(|((ptype, _, _), n)| ptype == "sts" && **n > 0)
        .map(|((_, result, mx), n)| {
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
    blocking.sort_by_key(|b| std::cmp::Reverse(b.sessions));
    if sts_failed > 0 {
        reasons.push(format!(
            "{sts_failed} of {} sessions under the sts policy failed",
            sts_ok + sts_failed
        ));
        if blocking.is_empty() {
            blocking.push(Blocking {
                result_type: "unspecified".into(),
                receiving_mx_hostname: None,
                sessions: sts_failed,
                meaning: "reporters counted failures without details".into(),
                fix: format!("run mtasts check {domain} and fix what it reports"),
            });
        }
    }
    if a.sts_reporters.is_empty() {
        let npf = a
            .sessions
            .get("no-policy-found")
            .map_or(0, |s| s.0.saturating_add(s.1));
        reasons.push(if npf > 0 {
            format!("no reporter saw an MTA-STS policy ({npf} sessions under no-policy-found): check that the record and policy are published (mtasts check {domain})")
        } else {
            "no report covers an sts policy".to_string()
        });
    } else if a.sts_reporters.len() < t.min_reporters {
        reasons.push(format!(
            "only {} reporting organisation{} saw the policy; at least {} are needed (--min-reporters)",
            a.sts_reporters.len(),
            if a.sts_reporters.len() == 1 { "" } else { "s" },
            t.min_reporters
        ));
    }
    if days < t.min_days {
        reasons.push(format!(
            "reports cover {days} day{}; at least {} are needed (--min-days)",
            if days == 1 { "" } else { "s" },
            t.min_days
        ));
    }
    if a.policy_strings.len() > 1 {
        reasons.push(format!(
            "reporters saw {} different policies: some still use an old one — publish a new id whenever the policy changes",
            a.policy_strings.len()
        ));
    }
    let ready = reasons.is_empty();
    let fmt = |d: &Option<DateTime<Utc>>| d.map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string());
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
        days,
        reporters: a.reporters.iter().cloned().collect(),
        sts_reporters: a.sts_reporters.len(),
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
        policy_strings: a
            .policy_strings
            .iter()
            .map(|(p, n)| PolicySeen {
                policy: p.clone(),
                reports: *n,
            })
            .collect(),
        reasons,
        blocking,
    }
}

/// What a result type means and what to change (RFC 8460 §4.3).
fn explain(result: &str, host: Option<&str>, domain: &str) -> (String, String) {
    let h = host.unwrap_or("the MX host");
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
