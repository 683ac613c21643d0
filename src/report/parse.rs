//! Lenient reading of one aggregate report. Real reporters deviate from
//! RFC 8460 §4.4 (no `policy-string` on fetch errors, `"sending-mta-ip":
//! ""`, datetimes without a zone, counts as strings): each deviation is
//! noted, and only what makes the report useless rejects it.
//!
//! The JSON is read by [`super::raw`] straight into the few fields the
//! summary needs, borrowing strings from the input: no tree of values is
//! built, unknown members are skipped, and a report allocates little
//! beyond its policy list. A member of the wrong type is kept as such
//! ([`Obj::Not`], [`Scalar::Other`]) so that it can be noted here rather
//! than reject the report.

use std::borrow::Cow;
use std::collections::HashMap;

use super::raw::{self, Arr, Budget, MAX_ELEMENTS, Obj, PolicyString, Scalar};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

pub use super::notes::{CountForm, DatetimeForm, Note, Oddity};
pub use super::source::ReportError;
use super::span::{self, DaySpan};
use crate::model::{POLICY_MAX_BYTES, Policy};

/// One report, reduced to what the summary needs; text borrows from the
/// decompressed input where it can.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Report<'a> {
    pub organization: Cow<'a, str>,
    pub report_id: Option<Cow<'a, str>>,
    /// The domain of `contact-info` (RFC 8460 §4.4), in the form
    /// [`name`] gives: the reporting domain, whose DKIM signature a report
    /// that came by mail must carry (see `super::dkim`). `None` when the
    /// report names no address with a domain.
    pub reporting_domain: Option<Cow<'a, str>>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The days the report counts for (see [`span`]).
    pub days: DaySpan,
    pub policies: Vec<PolicyResult<'a>>,
}

#[derive(Debug, Clone, PartialEq, Hash)]
pub struct PolicyResult<'a> {
    /// `sts`, `tlsa`, `no-policy-found` (or whatever the reporter wrote).
    pub policy_type: Cow<'a, str>,
    pub policy_domain: Cow<'a, str>,
    pub policy_string: Option<Cow<'a, str>>,
    pub successful: u64,
    pub failed: u64,
    pub failures: Vec<FailureDetail<'a>>,
}

#[derive(Debug, Clone, PartialEq, Hash)]
pub struct FailureDetail<'a> {
    pub result_type: Cow<'a, str>,
    pub sending_mta_ip: Option<Cow<'a, str>>,
    pub receiving_mx_hostname: Option<Cow<'a, str>>,
    pub receiving_ip: Option<Cow<'a, str>>,
    /// `failure-reason-code`: the reporter's own words for the failure,
    /// escaped and cut to what a message quotes (see [`reason_code`]).
    pub failure_reason_code: Option<Cow<'a, str>>,
    pub count: u64,
}

/// The organisation of a report that names none: shown, never counted
/// as a reporter towards the verdict.
pub const UNKNOWN_REPORTER: &str = "(unknown reporter)";

pub const KNOWN_RESULT_TYPES: [&str; 11] = [
    "starttls-not-supported",
    "certificate-host-mismatch",
    "certificate-expired",
    "certificate-not-trusted",
    "validation-failure",
    "tlsa-invalid",
    "dnssec-invalid",
    "dane-required",
    "sts-policy-fetch-error",
    "sts-policy-invalid",
    "sts-webpki-invalid",
];

/// A reported policy as the summary keys and shows it, read with the
/// policy model: one the model parses is its canonical rendering
/// ([`Policy::render`]), with the mx patterns and extensions in sorted
/// order, so that reporters that reorder the lines of the same policy,
/// space them differently or change the case of its host names agree on
/// it; one the model refuses is its lines as sent, compared verbatim.
/// Either way the lines are joined with `\n` and escaped for display.
/// `joined`: the lines as sent, trimmed, blank ones left out.
fn policy_key(joined: &str) -> String {
    match Policy::parse(joined.as_bytes()).policy {
        Some(mut policy) => {
            policy.mx.sort_by_cached_key(ToString::to_string);
            policy
                .extensions
                .sort_by_cached_key(|(k, v)| format!("{k}: {v}"));
            escape_lines(policy.render().trim_end().split("\r\n"))
        }
        None => escape_lines(joined.split('\n')),
    }
}

/// Lines joined with `\n`, each escaped for display.
fn escape_lines<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::with_capacity(256);
    for (i, line) in lines.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&crate::text::escape_cow(line));
    }
    out
}

/// Policy keys already worked out, by the lines as sent. Reporters send
/// the same few policies over and over, and reading one with the model
/// costs more than the rest of its report. A worker keeps one; it holds
/// at most [`MAX_CACHED`] policies of a usual size, and is emptied when
/// full.
#[derive(Debug, Default)]
pub struct PolicyKeys {
    keys: HashMap<String, String>,
}

/// Policies kept by [`PolicyKeys`], and the longest one kept.
const MAX_CACHED: usize = 64;
const MAX_CACHED_LEN: usize = 4096;

impl PolicyKeys {
    /// [`policy_key`] of `joined`.
    fn key(&mut self, joined: &str) -> String {
        if let Some(key) = self.keys.get(joined) {
            return key.clone();
        }
        let key = policy_key(joined);
        if joined.len() <= MAX_CACHED_LEN {
            if self.keys.len() == MAX_CACHED {
                self.keys.clear();
            }
            self.keys.insert(joined.to_string(), key.clone());
        }
        key
    }
}

/// The key of `policies[i]`'s policy (see [`policy_key`]), unless it is
/// empty or larger than a policy may be.
fn reported_policy(
    joined: &str,
    i: usize,
    odd: &mut Vec<Note>,
    keys: &mut PolicyKeys,
) -> Option<Cow<'static, str>> {
    if joined.is_empty() {
        return None;
    }
    let key = (joined.len() <= MAX_POLICY)
        .then(|| keys.key(joined))
        .filter(|key| key.len() <= MAX_POLICY);
    if key.is_none() {
        odd.push(Note::PolicyStringTooLarge { index: i });
    }
    key.map(Cow::Owned)
}

/// Text for display: trimmed and escaped, borrowed when it can be.
fn clean(s: Cow<'_, str>) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(b) => crate::text::escape_cow(b.trim()),
        Cow::Owned(o) => Cow::Owned(crate::text::escape(o.trim())),
    }
}

/// Most notes kept about one report.
const MAX_NOTES: usize = 20;

/// The largest policy senders accept (RFC 8461 §3.3), as the model has it.
const MAX_POLICY: usize = POLICY_MAX_BYTES;

/// Text cut to `max` bytes (at a character boundary), noted: whatever a
/// report holds becomes keys of the summary, which must stay small.
fn cut<'a>(t: Cow<'a, str>, max: usize, what: &'static str, odd: &mut Vec<Note>) -> Cow<'a, str> {
    if t.len() <= max {
        return t;
    }
    let mut end = max;
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    odd.push(Note::Cut { what, limit: max });
    Cow::Owned(format!("{}…", &t[..end]))
}

/// A member as text: a string (trimmed, escaped) or a number.
fn text(v: Option<Scalar<'_>>) -> Option<Cow<'_, str>> {
    match v? {
        Scalar::Str(s) => Some(clean(s)),
        Scalar::U64(n) => Some(Cow::Owned(n.to_string())),
        Scalar::I64(n) => Some(Cow::Owned(n.to_string())),
        Scalar::F64(n) => Some(Cow::Owned(n.to_string())),
        Scalar::Other => None,
    }
}

/// A host or domain name as the summary keys it: no trailing dot, lower
/// case, internationalised names as A-labels (`xn--…`), the form
/// `--domain` and the policy use, so that reporters writing either form
/// are counted together.
fn name(s: Cow<'_, str>) -> Cow<'_, str> {
    let trimmed_len = s.trim_end_matches('.').len();
    let t = &s[..trimmed_len];
    if !t.is_ascii() {
        return Cow::Owned(match idna::domain_to_ascii(t) {
            Ok(ascii) if !ascii.is_empty() => ascii,
            _ => t.to_lowercase(),
        });
    }
    let lower = |t: &str| t.to_ascii_lowercase();
    match s {
        Cow::Borrowed(b) => {
            let t = &b[..trimmed_len];
            if t.bytes().any(|c| c.is_ascii_uppercase()) {
                Cow::Owned(lower(t))
            } else {
                Cow::Borrowed(t)
            }
        }
        Cow::Owned(o) => Cow::Owned(lower(&o[..trimmed_len])),
    }
}

/// The domain of a `contact-info` address (`local@domain`), as [`name`]
/// keys it; `None` without an `@`, or when what follows is no domain name
/// (empty, spaces, a bracketed address literal, or longer than a domain
/// name can be).
fn contact_domain(contact: Cow<'_, str>) -> Option<Cow<'_, str>> {
    let (_, domain) = contact.rsplit_once('@')?;
    let domain = domain.trim();
    let valid = !domain.is_empty()
        && domain.len() <= 253
        && !domain.starts_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    valid.then(|| Cow::Owned(name(Cow::Borrowed(domain)).into_owned()))
}

/// More sessions than any mail system handles in a reporting period: a
/// count above it is a broken or hostile report.
const MAX_SESSIONS: u64 = 1_000_000_000_000;

fn count(v: Option<Scalar<'_>>, what: &'static str, odd: &mut Vec<Note>) -> u64 {
    let n = count_raw(v, what, odd);
    if n > MAX_SESSIONS {
        odd.push(Note::Count {
            what,
            form: CountForm::Implausible {
                count: n,
                cap: MAX_SESSIONS,
            },
        });
        return MAX_SESSIONS;
    }
    n
}

fn count_raw(v: Option<Scalar<'_>>, what: &'static str, odd: &mut Vec<Note>) -> u64 {
    let mut note = |form| odd.push(Note::Count { what, form });
    match v {
        Some(Scalar::U64(n)) => n,
        Some(Scalar::I64(n)) => {
            note(CountForm::Negative(n));
            0
        }
        // 7.0 or 7e0: a count written as a float.
        Some(Scalar::F64(n)) if n.fract() == 0.0 && (0.0..=MAX_SESSIONS as f64).contains(&n) => {
            note(CountForm::Float(n.to_string()));
            n as u64
        }
        Some(Scalar::F64(n)) => {
            note(CountForm::NotWhole(n.to_string()));
            0
        }
        Some(Scalar::Str(s)) => s.trim().parse().unwrap_or_else(|_| {
            note(CountForm::NotANumber(crate::text::escape(&s)));
            0
        }),
        None => {
            note(CountForm::Missing);
            0
        }
        Some(Scalar::Other) => {
            note(CountForm::WrongType);
            0
        }
    }
}

fn is_object<T>(v: Option<Obj<T>>) -> Option<T> {
    v.and_then(Obj::into_option)
}

/// RFC 3339 as the RFC asks, and the deviations seen in the wild: no zone
/// (taken as UTC), a space instead of `T`, a bare date.
pub fn datetime(s: &str, odd: &mut Vec<Note>, what: &'static str) -> Option<DateTime<Utc>> {
    let mut note = |form| {
        odd.push(Note::Datetime {
            what,
            text: s.to_string(),
            form,
        })
    };
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            note(DatetimeForm::NoZone);
            return Some(n.and_utc());
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f %z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            note(DatetimeForm::NotRfc3339);
            return Some(d.with_timezone(&Utc));
        }
    }
    // "2026-11-01 00:00:00 UTC", as some reporters write it.
    if let Some(naive) = ["UTC", "GMT"]
        .iter()
        .find_map(|z| s.strip_suffix(z).map(str::trim_end))
    {
        for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(n) = NaiveDateTime::parse_from_str(naive, fmt) {
                note(DatetimeForm::NotRfc3339);
                return Some(n.and_utc());
            }
        }
    }
    // Unix time, in seconds or milliseconds, within this century.
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        let secs = if s.len() >= 13 { n / 1000 } else { n };
        if (946_684_800..4_102_444_800).contains(&secs) {
            note(DatetimeForm::UnixTime);
            return DateTime::from_timestamp(secs, 0);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        note(DatetimeForm::DateOnly);
        return d.and_hms_opt(0, 0, 0).map(|n| n.and_utc());
    }
    None
}

/// Parses one report. `Err` says why it is unusable.
pub fn parse(bytes: &[u8], now: DateTime<Utc>) -> Result<(Report<'_>, Vec<Oddity>), ReportError> {
    parse_with(bytes, now, &mut PolicyKeys::default())
}

/// [`parse`], with the policy keys worked out before.
pub fn parse_with<'a>(
    bytes: &'a [u8],
    now: DateTime<Utc>,
    keys: &mut PolicyKeys,
) -> Result<(Report<'a>, Vec<Oddity>), ReportError> {
    let utf8 = std::str::from_utf8(bytes).map_err(|e| ReportError::NotUtf8 {
        byte: e.valid_up_to(),
    })?;
    let budget = Budget::default();
    let raw = raw::read(utf8, &budget).map_err(|e| ReportError::NotJson(e.to_string()))?;
    let Obj::Is(raw) = raw else {
        return Err(ReportError::NotAnObject);
    };
    let mut odd: Vec<Note> = Vec::new();
    if budget.dropped() > 0 {
        odd.push(Note::TooManyElements {
            limit: MAX_ELEMENTS,
            dropped: budget.dropped(),
        });
    }
    let report_id = text(raw.report_id).map(|t| cut(t, 256, "report-id", &mut odd));
    if report_id.is_none() {
        odd.push(Note::NoReportId);
    }
    let organization = text(raw.organization)
        .map(|t| cut(t, 128, "organization-name", &mut odd))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            odd.push(Note::NoOrganization);
            Cow::Borrowed(UNKNOWN_REPORTER)
        });
    let reporting_domain = text(raw.contact).and_then(contact_domain);
    let range = is_object(raw.range).ok_or(ReportError::NoDateRange)?;
    let start = text(range.start).ok_or(ReportError::NoDatetime {
        what: "start-datetime",
    })?;
    let end = text(range.end).ok_or(ReportError::NoDatetime {
        what: "end-datetime",
    })?;
    let (start, end) = (
        cut(start, 64, "start-datetime", &mut odd),
        cut(end, 64, "end-datetime", &mut odd),
    );
    let start =
        datetime(&start, &mut odd, "start-datetime").ok_or_else(|| ReportError::BadDatetime {
            what: "start-datetime",
            text: start.to_string(),
        })?;
    let end = datetime(&end, &mut odd, "end-datetime").ok_or_else(|| ReportError::BadDatetime {
        what: "end-datetime",
        text: end.to_string(),
    })?;
    if end < start {
        odd.push(Note::RangeReversed);
    }
    // A day of slack for clocks; beyond it, the dates are made up, and
    // would make whatever policy the report shows look the newest.
    let soon = now + chrono::Duration::days(1);
    for (what, t) in [("start-datetime", start), ("end-datetime", end)] {
        if t > soon {
            return Err(ReportError::InFuture {
                what,
                at: t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            });
        }
    }
    let (days, claimed) = DaySpan::of(start, end);
    if let Some(days) = claimed {
        odd.push(Note::RangeTooLong {
            days,
            counted: span::MAX_DAYS,
        });
    }
    let Some(Arr::Is(list)) = raw.policies else {
        return Err(ReportError::NoPolicies);
    };
    let mut policies = Vec::with_capacity(list.len());
    for (i, p) in list.into_iter().enumerate() {
        let Obj::Is(p) = p else {
            odd.push(Note::PolicyNotAnObject { index: i });
            continue;
        };
        let mut policy = is_object(p.policy).unwrap_or_default();
        let policy_type = text(policy.policy_type.take())
            .map(|t| cut(t, 64, "policy-type", &mut odd))
            .unwrap_or_else(|| {
                odd.push(Note::NoPolicyType { index: i });
                Cow::Borrowed("unknown")
            });
        let Some(policy_domain) = text(policy.domain.take())
            .map(name)
            .filter(|d| !d.is_empty())
        else {
            odd.push(Note::NoPolicyDomain { index: i });
            continue;
        };
        if policy_domain.len() > 253 {
            odd.push(Note::PolicyDomainTooLong { index: i });
            continue;
        }
        let policy_string = match policy.string.take() {
            Some(PolicyString::Lines(joined)) if joined.is_empty() => {
                odd.push(Note::PolicyStringEmpty { index: i });
                None
            }
            Some(PolicyString::Lines(joined)) => reported_policy(&joined, i, &mut odd, keys),
            Some(PolicyString::Str(s)) => {
                odd.push(Note::PolicyStringNotAnArray { index: i });
                let mut joined = String::with_capacity(s.len().min(MAX_POLICY));
                raw::push_lines(&mut joined, &s);
                reported_policy(&joined, i, &mut odd, keys)
            }
            Some(PolicyString::Other) | None => {
                if policy_type == "sts" {
                    odd.push(Note::NoPolicyString {
                        index: i,
                        domain: policy_domain.to_string(),
                    });
                }
                None
            }
        };
        let summary = is_object(p.summary).unwrap_or_default();
        let successful = count(
            summary.successful,
            "total-successful-session-count",
            &mut odd,
        );
        let failed = count(summary.failed, "total-failure-session-count", &mut odd);
        let mut failures = Vec::new();
        if let Some(Arr::Is(details)) = p.details {
            for d in details {
                let Obj::Is(d) = d else { continue };
                let result_type = text(d.result_type)
                    .map(|t| cut(t, 64, "result-type", &mut odd))
                    .unwrap_or(Cow::Borrowed("unknown"));
                if !KNOWN_RESULT_TYPES.contains(&result_type.as_ref()) {
                    odd.push(Note::UnknownResultType {
                        result_type: result_type.to_string(),
                    });
                }
                if matches!(&d.sending_ip, Some(Scalar::Str(s)) if s.trim().is_empty()) {
                    odd.push(Note::EmptySendingIp);
                }
                let mut non_empty = |v, max, what| {
                    text(v)
                        .filter(|s: &Cow<'_, str>| !s.is_empty())
                        .map(|t| cut(t, max, what, &mut odd))
                };
                let sending_mta_ip = non_empty(d.sending_ip, 64, "sending-mta-ip");
                let receiving_mx_hostname = non_empty(d.mx, 253, "receiving-mx-hostname").map(name);
                let receiving_ip = non_empty(d.receiving_ip, 64, "receiving-ip");
                failures.push(FailureDetail {
                    result_type,
                    sending_mta_ip,
                    receiving_mx_hostname,
                    receiving_ip,
                    failure_reason_code: reason_code(d.reason_code),
                    count: count(d.count, "failed-session-count", &mut odd),
                });
            }
        }
        // A summary that counts fewer failures than its details (or is
        // missing) must not make failures vanish from the verdict.
        let detailed = failures
            .iter()
            .map(|f| f.count)
            .fold(0, u64::saturating_add);
        let failed = if detailed > failed {
            odd.push(Note::DetailsExceedSummary {
                index: i,
                detailed,
                summary: failed,
            });
            detailed
        } else {
            failed
        };
        policies.push(PolicyResult {
            policy_type,
            policy_domain,
            policy_string,
            successful,
            failed,
            failures,
        });
    }
    let oddities = few(odd)
        .into_iter()
        .map(|note| Oddity {
            reporter: organization.to_string(),
            report_id: report_id.as_deref().map(str::to_string),
            note,
        })
        .collect();
    Ok((
        Report {
            organization,
            report_id,
            reporting_domain,
            start,
            end,
            days,
            policies,
        },
        oddities,
    ))
}

/// The notes kept about one report: a report with thousands of odd
/// elements gets a few notes, not thousands, but every kind of oddity in
/// it is named at least once (there are a few dozen kinds), so that the
/// notes grouped by kind count every report.
fn few(odd: Vec<Note>) -> Vec<Note> {
    if odd.len() <= MAX_NOTES {
        return odd;
    }
    let mut kept: Vec<Note> = Vec::with_capacity(MAX_NOTES + 1);
    let mut more = 0;
    for note in odd {
        if kept.len() < MAX_NOTES || !kept.iter().any(|k| k.code() == note.code()) {
            kept.push(note);
        } else {
            more += 1;
        }
    }
    kept.push(Note::MoreInReport { more });
    kept
}

/// `failure-reason-code` as shown: trimmed, escaped and cut after
/// [`crate::model::SHOWN_MAX_CHARS`] characters, like any value a message
/// quotes, so that a reporter's megabyte of text or escape sequences
/// neither reaches a terminal nor makes the tables large; borrowed when it
/// is short and plain, as nearly all are. Codes that agree on what is
/// shown are counted together. An empty one is none.
fn reason_code(v: Option<Scalar<'_>>) -> Option<Cow<'_, str>> {
    let s = match v? {
        Scalar::Str(s) => s,
        Scalar::U64(n) => return Some(Cow::Owned(n.to_string())),
        Scalar::I64(n) => return Some(Cow::Owned(n.to_string())),
        Scalar::F64(n) => return Some(Cow::Owned(n.to_string())),
        Scalar::Other => return None,
    };
    let shown = match s {
        // Only a short one is looked at whole.
        Cow::Borrowed(b) if b.trim().len() <= crate::model::SHOWN_MAX_CHARS => {
            match crate::text::escape_cow(b.trim()) {
                Cow::Borrowed(plain) => Cow::Borrowed(plain),
                Cow::Owned(_) => Cow::Owned(crate::model::shown(b.trim())),
            }
        }
        s => Cow::Owned(crate::model::shown(s.trim())),
    };
    (!shown.is_empty()).then_some(shown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The run's clock, pinned: parsing never reads the wall clock.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
    }

    /// The example of RFC 8460 §4.5, trimmed.
    pub const RFC_EXAMPLE: &str = r#"{
      "organization-name": "Company-X",
      "date-range": {"start-datetime": "2016-04-01T00:00:00Z", "end-datetime": "2016-04-01T23:59:59Z"},
      "contact-info": "sts-reporting@company-x.example",
      "report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
      "policies": [{
        "policy": {"policy-type": "sts", "policy-string": ["version: STSv1", "mode: testing", "mx: *.mail.company-y.example", "max_age: 86400"],
                   "policy-domain": "company-y.example", "mx-host": ["*.mail.company-y.example"]},
        "summary": {"total-successful-session-count": 5326, "total-failure-session-count": 303},
        "failure-details": [
          {"result-type": "certificate-expired", "sending-mta-ip": "2001:db8:abcd:0012::1", "receiving-mx-hostname": "mx1.mail.company-y.example", "failed-session-count": 100},
          {"result-type": "starttls-not-supported", "sending-mta-ip": "2001:db8:abcd:0013::1", "receiving-mx-hostname": "mx2.mail.company-y.example", "receiving-ip": "203.0.113.56", "failed-session-count": 200},
          {"result-type": "validation-failure", "sending-mta-ip": "198.51.100.62", "receiving-ip": "203.0.113.58", "receiving-mx-hostname": "mx-backup.mail.company-y.example", "failed-session-count": 3}
        ]
      }]
    }"#;

    /// The reporting domain, which a report from mail must be signed
    /// by, is the domain of its contact-info address.
    #[test]
    fn the_reporting_domain_is_the_contact_infos() {
        let (r, _) = parse(RFC_EXAMPLE.as_bytes(), now()).unwrap();
        assert_eq!(r.reporting_domain.as_deref(), Some("company-x.example"));
        let domain = |contact: &str| {
            let text = RFC_EXAMPLE.replace("sts-reporting@company-x.example", contact);
            let (r, _) = parse(text.as_bytes(), now()).unwrap();
            r.reporting_domain.map(Cow::into_owned)
        };
        assert_eq!(
            domain("TLSRPT@Corp.Mail.RU.").as_deref(),
            Some("corp.mail.ru")
        );
        assert_eq!(
            domain("a@b@bücher.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        for none in [
            "company-x.example",
            "a@",
            "a@[192.0.2.1]",
            "a@ex ample",
            "a@.x",
            "a@x\\u001b[31m",
        ] {
            assert_eq!(domain(none), None, "{none}");
        }
    }

    #[test]
    fn reads_the_rfc_example() {
        let (r, odd) = parse(RFC_EXAMPLE.as_bytes(), now()).unwrap();
        assert!(odd.is_empty(), "{odd:?}");
        assert_eq!(r.organization, "Company-X");
        assert_eq!(r.policies[0].successful, 5326);
        assert_eq!(r.policies[0].failures.len(), 3);
        assert_eq!(
            r.policies[0].failures[2].receiving_mx_hostname.as_deref(),
            Some("mx-backup.mail.company-y.example")
        );
    }

    #[test]
    fn tolerates_real_world_deviations_and_notes_them() {
        let body = RFC_EXAMPLE
            .replace("2016-04-01T00:00:00Z", "2016-04-01T00:00:00")
            .replace("\"sending-mta-ip\": \"198.51.100.62\"", "\"sending-mta-ip\": \"\"")
            .replace("\"policy-string\": [\"version: STSv1\", \"mode: testing\", \"mx: *.mail.company-y.example\", \"max_age: 86400\"],", "")
            .replace("certificate-expired", "certificate-revoked")
            .replace("5326", "\"5326\"");
        let (r, odd) = parse(body.as_bytes(), now()).unwrap();
        let notes: Vec<String> = odd.iter().map(|o| o.note.to_string()).collect();
        assert!(
            notes.iter().any(|n| n.contains("no time zone")),
            "{notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.contains("empty sending-mta-ip")),
            "{notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.contains("no policy-string")),
            "{notes:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("unknown result-type 'certificate-revoked'")),
            "{notes:?}"
        );
        assert_eq!(r.policies[0].successful, 5326);
        assert_eq!(r.policies[0].failures[2].sending_mta_ip, None);
    }

    #[test]
    fn members_of_the_wrong_type_are_noted_not_fatal() {
        let body = r#"{
          "organization-name": ["not", "text"], "report-id": 42,
          "date-range": {"start-datetime": "2016-04-01T00:00:00Z", "end-datetime": "2016-04-01T23:59:59Z", "extra": {"a": [1, {"b": null}]}},
          "policies": [
            7,
            {"policy": {"policy-type": "sts", "policy-domain": "Mail.EXAMPLE.",
                        "policy-string": "version: STSv1"},
             "summary": {"total-successful-session-count": true, "total-failure-session-count": -3},
             "failure-details": [
               "junk",
               {"result-type": "validation-failure", "receiving-mx-hostname": "MX1.Example.",
                "failed-session-count": 2.5},
               {"result-type": "certificate-expired", "failed-session-count": "4"}
             ]},
            {"policy": {"policy-type": "tlsa", "policy-domain": "x.example", "policy-string": {"no": 1}},
             "summary": {"total-successful-session-count": 1, "total-successful-session-count": 9}},
            {"policy": "sts", "summary": []}
          ]
        }"#;
        let (r, odd) = parse(body.as_bytes(), now()).unwrap();
        let notes: Vec<String> = odd.iter().map(|o| o.note.to_string()).collect();
        assert_eq!(r.organization, "(unknown reporter)");
        assert_eq!(r.report_id.as_deref(), Some("42"));
        assert!(odd.iter().all(|o| o.report_id.as_deref() == Some("42")));
        for expected in [
            "no organization-name",
            "policies[0] is not an object; skipped",
            "policies[1].policy-string is a string, not an array",
            "total-successful-session-count has the wrong type; counted as 0",
            "total-failure-session-count is negative (-3); counted as 0",
            "failed-session-count is not a whole number (2.5); counted as 0",
            "policies[3] has no policy-type",
            "policies[3] has no policy-domain; skipped",
        ] {
            assert!(notes.iter().any(|n| n == expected), "{expected}: {notes:?}");
        }
        assert_eq!(r.policies.len(), 2);
        let sts = &r.policies[0];
        assert_eq!(sts.policy_domain, "mail.example");
        assert_eq!(sts.policy_string.as_deref(), Some("version: STSv1"));
        assert_eq!(
            sts.failures.len(),
            2,
            "a detail that is not an object is skipped"
        );
        assert_eq!(
            sts.failures[0].receiving_mx_hostname.as_deref(),
            Some("mx1.example")
        );
        assert_eq!(sts.failures[1].count, 4);
        let tlsa = &r.policies[1];
        assert_eq!(tlsa.policy_string, None);
        assert_eq!(tlsa.successful, 9, "the last of repeated members wins");
    }

    #[test]
    fn escaped_and_hostile_text_is_unescaped_then_shown_safely() {
        let body = RFC_EXAMPLE
            .replace("Company-X", "Company\\u0058\\u001b[31m")
            .replace("\"mode: testing\"", "\"mode: \\u0074esting\"");
        let (r, odd) = parse(body.as_bytes(), now()).unwrap();
        assert!(odd.is_empty(), "{odd:?}");
        assert_eq!(r.organization, "CompanyX\\x1b[31m");
        assert!(
            r.policies[0]
                .policy_string
                .as_deref()
                .unwrap()
                .contains("\nmode: testing\n")
        );
    }

    #[test]
    fn a_flood_of_elements_is_cut_off_and_noted() {
        let detail = r#"{"result-type": "validation-failure", "failed-session-count": 1}"#;
        let details = vec![detail; MAX_ELEMENTS + 5].join(",");
        let body = RFC_EXAMPLE.replacen(
            "\"failure-details\": [",
            &format!("\"failure-details\": [{details},"),
            1,
        );
        let (r, odd) = parse(body.as_bytes(), now()).unwrap();
        let kept: usize = r.policies.iter().map(|p| p.failures.len()).sum();
        // The policy lines (4) count too.
        assert_eq!(kept + 4, MAX_ELEMENTS - 1, "{kept}");
        assert!(
            odd.iter().any(|o| o.note.code() == "too-many-elements"),
            "{odd:?}"
        );
    }

    #[test]
    fn policies_are_keyed_through_the_model() {
        let key = |lines: &[&str]| policy_key(&lines.join("\n"));
        let canonical =
            "version: STSv1\nmode: testing\nmx: a.example\nmx: b.example\nmax_age: 86400";
        assert_eq!(
            key(&[
                "version: STSv1",
                "mode: testing",
                "mx: a.example",
                "mx: b.example",
                "max_age: 86400"
            ]),
            canonical
        );
        assert_eq!(
            key(&[
                "max_age:86400",
                "mx:   B.Example",
                "mode:\ttesting",
                "mx: a.example",
                "version: STSv1"
            ]),
            canonical,
            "order, spacing and the case of host names do not matter"
        );
        // One string, as some reporters send it, is the same policy.
        let mut joined = String::new();
        raw::push_lines(
            &mut joined,
            &format!("{}\r\n", canonical.replace('\n', "\r\n")),
        );
        assert_eq!(policy_key(&joined), canonical);
        // Extensions are kept, in order.
        assert_eq!(
            key(&["version: STSv1", "mode: none", "max_age: 1", "z: 1", "a: 2"]),
            "version: STSv1\nmode: none\nmax_age: 1\na: 2\nz: 1"
        );
        // A policy the model refuses is compared as sent, escaped.
        let invalid = [
            "mode: NONE",
            "version: STSv1",
            "mx: a.example",
            "max_age: 86400",
        ];
        assert_eq!(key(&invalid), invalid.join("\n"));
        assert_ne!(
            key(&invalid),
            key(&[invalid[1], invalid[0], invalid[2], invalid[3]])
        );
        assert_eq!(
            key(&["version: STSv1", "mode: \u{1b}[31mtesting"]),
            "version: STSv1\nmode: \\x1b[31mtesting"
        );
    }

    #[test]
    fn cached_policy_keys_are_the_keys() {
        let mut keys = PolicyKeys::default();
        let policies: Vec<String> = (0..MAX_CACHED + 10)
            .map(|i| format!("version: STSv1\nmode: testing\nmx: mx{i}.example\nmax_age: 86400"))
            .collect();
        for _ in 0..2 {
            for p in &policies {
                assert_eq!(keys.key(p), policy_key(p));
                assert!(keys.keys.len() <= MAX_CACHED);
            }
        }
        let long = format!(
            "version: STSv1\nmode: none\nmax_age: 1\nx: {}",
            "y".repeat(MAX_CACHED_LEN)
        );
        assert_eq!(keys.key(&long), policy_key(&long));
        assert!(!keys.keys.contains_key(&long), "not kept");
    }

    #[test]
    fn the_future_is_the_clock_s() {
        let before = Utc.with_ymd_and_hms(2016, 3, 30, 0, 0, 0).unwrap();
        let e = parse(RFC_EXAMPLE.as_bytes(), before).unwrap_err();
        assert_eq!(e.code(), "dated-in-the-future");
        assert_eq!(
            e.to_string(),
            "start-datetime 2016-04-01T00:00:00Z is in the future; not a real report"
        );
        // A day of slack for clocks.
        let day_before = Utc.with_ymd_and_hms(2016, 3, 31, 0, 0, 0).unwrap();
        assert!(parse(RFC_EXAMPLE.as_bytes(), day_before).is_err());
        let same_day = Utc.with_ymd_and_hms(2016, 4, 1, 0, 0, 0).unwrap();
        assert!(parse(RFC_EXAMPLE.as_bytes(), same_day).is_ok());
    }

    /// The project's reports in the forms real reporters send
    /// (`tests/fixtures/tlsrpt/`).
    fn fixture(name: &str) -> &'static str {
        match name {
            "google" => include_str!("../../tests/fixtures/tlsrpt/google.json"),
            "microsoft" => include_str!("../../tests/fixtures/tlsrpt/microsoft.json"),
            "yahoo" => include_str!("../../tests/fixtures/tlsrpt/yahoo-weekly.json"),
            "mailru" => include_str!("../../tests/fixtures/tlsrpt/mailru.json"),
            _ => unreachable!("no fixture {name}"),
        }
    }

    #[test]
    fn reads_the_forms_real_reporters_send() {
        let codes = |odd: &[Oddity]| odd.iter().map(|o| o.note.code()).collect::<Vec<_>>();
        let (g, odd) = parse(fixture("google").as_bytes(), now()).unwrap();
        assert!(odd.is_empty(), "{odd:?}");
        assert_eq!(
            (g.days.first().to_string(), g.days.count()),
            ("2026-11-01".into(), 1)
        );
        let reasons: Vec<_> = g.policies[0]
            .failures
            .iter()
            .map(|f| {
                (
                    f.result_type.as_ref(),
                    f.failure_reason_code.as_deref(),
                    f.count,
                )
            })
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    "sts-policy-fetch-error",
                    Some("bad https response code: 404"),
                    5
                ),
                (
                    "sts-policy-fetch-error",
                    Some("context deadline exceeded"),
                    2
                ),
            ]
        );
        assert!(
            matches!(
                g.policies[0].failures[0].failure_reason_code,
                Some(Cow::Borrowed(_))
            ),
            "a plain code is not copied"
        );

        let (m, odd) = parse(fixture("microsoft").as_bytes(), now()).unwrap();
        assert_eq!(
            codes(&odd),
            ["datetime-without-zone", "datetime-without-zone"]
        );
        assert!(odd.iter().all(|o| o.reporter == "Microsoft Corporation"));
        assert_eq!(
            (m.days.first().to_string(), m.days.count()),
            ("2026-11-01".into(), 1)
        );

        let (y, odd) = parse(fixture("yahoo").as_bytes(), now()).unwrap();
        assert!(odd.is_empty(), "{odd:?}");
        assert_eq!(
            (y.days.first().to_string(), y.days.count()),
            ("2026-11-01".into(), 7)
        );

        let (r, odd) = parse(fixture("mailru").as_bytes(), now()).unwrap();
        assert_eq!(codes(&odd), ["empty-sending-mta-ip"]);
        assert_eq!(
            (r.days.first().to_string(), r.days.count()),
            ("2026-11-01".into(), 1)
        );
        let f = &r.policies[0].failures[0];
        assert_eq!(f.sending_mta_ip, None);
        assert_eq!(
            f.failure_reason_code.as_deref(),
            Some("unable to get local issuer certificate")
        );
    }

    /// `failure-reason-code` is anyone's text: escaped, cut where a
    /// message would cut it, and never looked at past that.
    #[test]
    fn reason_codes_are_escaped_and_shortened() {
        let with_code = |code: &str| {
            let body = RFC_EXAMPLE.replacen(
                r#""failed-session-count": 100"#,
                &format!(r#""failed-session-count": 100, "failure-reason-code": {code}"#),
                1,
            );
            let (r, _) = parse(body.as_bytes(), now()).unwrap();
            r.policies[0].failures[0]
                .failure_reason_code
                .as_deref()
                .map(str::to_string)
        };
        assert_eq!(
            with_code(r#""  certificate has expired \r\n""#).as_deref(),
            Some("certificate has expired")
        );
        assert_eq!(
            with_code(r#""\u001b[2Jgone""#).as_deref(),
            Some("\\x1b[2Jgone")
        );
        assert_eq!(with_code(r#""""#), None);
        assert_eq!(with_code(r#""   ""#), None);
        assert_eq!(with_code("null"), None);
        assert_eq!(with_code(r#"{"a": 1}"#), None);
        assert_eq!(with_code("451").as_deref(), Some("451"));
        let huge = format!("\"{}\"", "x".repeat(1 << 20));
        let shown = with_code(&huge).unwrap();
        assert_eq!(
            shown,
            format!("{}…", "x".repeat(crate::model::SHOWN_MAX_CHARS))
        );
        let bell = format!("\"{}\"", "\\u0007".repeat(100));
        let shown = with_code(&bell).unwrap();
        assert!(
            shown.chars().count() <= crate::model::SHOWN_MAX_CHARS + 1,
            "{shown}"
        );
        assert!(
            shown.starts_with("\\x07\\x07") && shown.ends_with('…'),
            "{shown}"
        );
    }

    #[test]
    fn odd_date_ranges_are_noted_and_counted_for_few_days() {
        let with_range = |start: &str, end: &str| {
            let body = RFC_EXAMPLE
                .replace("2016-04-01T00:00:00Z", start)
                .replace("2016-04-01T23:59:59Z", end);
            let (r, odd) = parse(body.as_bytes(), now()).unwrap();
            let notes: Vec<String> = odd.iter().map(|o| o.note.to_string()).collect();
            (r.days.first().to_string(), r.days.count(), notes)
        };
        assert_eq!(
            with_range("2016-04-05T00:00:00Z", "2016-04-01T00:00:00Z"),
            (
                "2016-04-05".into(),
                1,
                vec!["the date range ends before it starts; counted for the day it starts".into()]
            )
        );
        assert_eq!(
            with_range("2016-04-01T00:00:00Z", "2026-04-01T00:00:00Z"),
            (
                "2016-04-01".into(),
                31,
                vec!["the date range lasts 3652 days, longer than a report covers; counted for its first 31".into()]
            )
        );
    }

    /// However many notes a report gets, every kind is named once.
    #[test]
    fn every_kind_of_note_of_a_report_is_kept() {
        let details = vec![
            r#"{"result-type": "made-up", "sending-mta-ip": "", "failed-session-count": 1}"#;
            30
        ]
        .join(",");
        let body = RFC_EXAMPLE
            .replace("2016-04-01T00:00:00Z", "2016-04-01T00:00:00")
            .replacen(
                "\"failure-details\": [",
                &format!("\"failure-details\": [{details},"),
                1,
            );
        let (_, odd) = parse(body.as_bytes(), now()).unwrap();
        let codes: Vec<&str> = odd.iter().map(|o| o.note.code()).collect();
        assert_eq!(codes.len(), 22, "{codes:?}");
        assert_eq!(codes[0], "datetime-without-zone");
        assert!(codes.contains(&"empty-sending-mta-ip"), "{codes:?}");
        // The summary's 303 failed sessions are fewer than the details'
        // 333: noted after the sixty notes about the details, and kept.
        assert_eq!(codes[20], "details-exceed-summary");
        assert_eq!(codes.last(), Some(&"more-notes-in-report"));
        assert_eq!(
            odd.last().unwrap().note.to_string(),
            "… and 41 more oddities in this report"
        );
    }

    #[test]
    fn rejects_what_is_not_a_report() {
        assert!(parse(b"[]", now()).is_err());
        assert_eq!(
            parse(b"{\"policies\": []}", now()).unwrap_err(),
            ReportError::NoDateRange
        );
        assert!(parse(b"{\"organization-name\": \"x\", \"date-range\": {\"start-datetime\": \"yesterday\", \"end-datetime\": \"now\"}, \"policies\": []}", now()).is_err());
        let e = parse(&RFC_EXAMPLE.as_bytes()[..200], now()).unwrap_err();
        assert_eq!(e.code(), "not-json");
        assert!(e.to_string().starts_with("not valid JSON: EOF"), "{e}");
    }
}
