//! `report`'s output: the verdict of each domain, and what could not be
//! read or was odd, for people and for machines. Every text here came
//! from the verdict and the reading, where outside text was escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use chrono::NaiveDate;
use serde::Serialize;

use crate::report::aggregate::OTHERS;
use crate::report::verdict::{
    Blocking, Day, DomainSummary, PolicySeen, Sessions, StaleReporter, plural,
};
use crate::report::{Collected, Filter, Ignored, NoteGroup, Oddity, SourceError, Trust};

/// What the run read, beside the verdicts.
pub struct Totals<'a> {
    pub files: usize,
    pub reports: usize,
    /// Reports with a policy for `--domain` (all reports without it).
    pub matched: usize,
    /// Reports left out by `--since`.
    pub before: usize,
    pub since: Option<NaiveDate>,
    pub duplicates: usize,
    pub errors: &'a [SourceError],
    pub oddities: &'a [(String, Oddity)],
    /// The notes counted by reporter and kind, and those left out.
    pub note_groups: &'a [NoteGroup],
    pub notes_left_out: u64,
    /// The `--domain` the reports were restricted to.
    pub only: Option<&'a str>,
    /// Which reports' DKIM signatures were checked, and those ignored.
    pub trust: &'a Trust,
}

impl<'a> Totals<'a> {
    pub fn new(collected: &'a Collected, filter: &'a Filter) -> Totals<'a> {
        let agg = &collected.agg;
        Totals {
            files: collected.files,
            reports: agg.reports,
            matched: agg.matched,
            before: agg.before,
            since: filter.since,
            duplicates: agg.duplicates,
            errors: &collected.errors,
            oddities: &collected.oddities,
            note_groups: &collected.note_groups,
            notes_left_out: collected.notes_left_out,
            only: filter.domain.as_deref(),
            trust: &collected.trust,
        }
    }
}

/// The `--json` document.
#[derive(Serialize)]
struct Doc<'a> {
    domains: Vec<DomainDoc<'a>>,
    files: usize,
    reports: usize,
    matched: usize,
    before: usize,
    duplicates: usize,
    errors: Vec<ErrorDoc<'a>>,
    oddities: Vec<OddityDoc<'a>>,
    note_groups: Vec<NoteGroupDoc<'a>>,
    notes_left_out: u64,
    trust: TrustDoc<'a>,
}

/// How the reports fared against their DKIM signatures (RFC 8460 §3).
#[derive(Serialize)]
struct TrustDoc<'a> {
    /// From mail, signed by their reporting domain: counted.
    verified: u64,
    /// From mail, counted unchecked (`--trust-unsigned`).
    unchecked: u64,
    /// From files, with no signature to check: counted.
    from_files: u64,
    /// From mail, not counted: how many, and each (up to a bound).
    ignored: u64,
    ignored_reports: Vec<IgnoredDoc<'a>>,
}

#[derive(Serialize)]
struct IgnoredDoc<'a> {
    source: &'a str,
    reporter: &'a str,
    report_id: &'a Option<String>,
    reason: String,
    code: &'static str,
}

/// One domain's verdict; `reason_codes` holds the stable code of each of
/// `reasons`, in the same order.
#[derive(Serialize)]
struct DomainDoc<'a> {
    domain: &'a str,
    verdict: &'a str,
    ready: bool,
    start: &'a Option<String>,
    end: &'a Option<String>,
    first_day: &'a Option<String>,
    last_day: &'a Option<String>,
    days: usize,
    reporters: &'a [String],
    sts_reporters: usize,
    sts_days: usize,
    current_since: &'a Option<String>,
    sessions: &'a BTreeMap<String, Sessions>,
    failures_by_result_type: &'a BTreeMap<String, u64>,
    failures_by_mx: &'a BTreeMap<String, u64>,
    failures_by_sending_ip: &'a BTreeMap<String, u64>,
    failure_reason_codes: &'a BTreeMap<String, BTreeMap<String, u64>>,
    trend: &'a [Day],
    policy_strings: &'a [PolicySeen],
    stale_reporters: &'a [StaleReporter],
    reasons: Vec<String>,
    reason_codes: Vec<&'static str>,
    blocking: &'a [Blocking],
    earlier_failures: &'a [Blocking],
    dane_failures: &'a [Blocking],
}

impl<'a> DomainDoc<'a> {
    fn new(d: &'a DomainSummary) -> DomainDoc<'a> {
        DomainDoc {
            domain: &d.domain,
            verdict: d.verdict,
            ready: d.ready,
            start: &d.start,
            end: &d.end,
            first_day: &d.first_day,
            last_day: &d.last_day,
            days: d.days,
            reporters: &d.reporters,
            sts_reporters: d.sts_reporters,
            sts_days: d.sts_days,
            current_since: &d.current_since,
            sessions: &d.sessions,
            failures_by_result_type: &d.failures_by_result_type,
            failures_by_mx: &d.failures_by_mx,
            failures_by_sending_ip: &d.failures_by_sending_ip,
            failure_reason_codes: &d.failure_reason_codes,
            trend: &d.trend,
            policy_strings: &d.policy_strings,
            stale_reporters: &d.stale_reporters,
            reasons: d.reasons.iter().map(ToString::to_string).collect(),
            reason_codes: d.reasons.iter().map(|r| r.code()).collect(),
            blocking: &d.blocking,
            earlier_failures: &d.earlier_failures,
            dane_failures: &d.dane_failures,
        }
    }
}

#[derive(Serialize)]
struct ErrorDoc<'a> {
    path: &'a str,
    reason: String,
    code: &'static str,
}

#[derive(Serialize)]
struct OddityDoc<'a> {
    source: &'a str,
    reporter: &'a str,
    report_id: &'a Option<String>,
    note: String,
    code: &'static str,
}

/// Notes of one kind about one reporter's reports: `note` says what these
/// reports have, `example` what is particular to the first of them.
#[derive(Serialize)]
struct NoteGroupDoc<'a> {
    reporter: &'a str,
    code: &'static str,
    reports: u64,
    note: &'static str,
    example: Option<String>,
}

/// The verdicts and totals as one JSON document.
pub fn json(domains: &[DomainSummary], t: &Totals<'_>) -> String {
    let doc = Doc {
        domains: domains.iter().map(DomainDoc::new).collect(),
        files: t.files,
        reports: t.reports,
        matched: t.matched,
        before: t.before,
        duplicates: t.duplicates,
        errors: t
            .errors
            .iter()
            .map(|e| ErrorDoc {
                path: &e.path,
                reason: e.problem.to_string(),
                code: e.problem.code(),
            })
            .collect(),
        oddities: t
            .oddities
            .iter()
            .map(|(source, o)| OddityDoc {
                source,
                reporter: &o.reporter,
                report_id: &o.report_id,
                note: o.note.to_string(),
                code: o.note.code(),
            })
            .collect(),
        note_groups: t
            .note_groups
            .iter()
            .map(|g| NoteGroupDoc {
                reporter: &g.reporter,
                code: g.code,
                reports: g.reports,
                note: g.example.note.kind(),
                example: g.example.example(),
            })
            .collect(),
        notes_left_out: t.notes_left_out,
        trust: TrustDoc {
            verified: t.trust.verified,
            unchecked: t.trust.unchecked,
            from_files: t.trust.from_files,
            ignored: t.trust.ignored_total,
            ignored_reports: t
                .trust
                .ignored
                .iter()
                .map(|i| IgnoredDoc {
                    source: &i.source,
                    reporter: &i.reporter,
                    report_id: &i.report_id,
                    reason: i.why.to_string(),
                    code: i.why.code(),
                })
                .collect(),
        },
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// How [`human`] shows the sessions of each day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerDay {
    /// `11-01 480/0  11-02 480/0 …`: for pipes, files and scripts.
    Numbers,
    /// A bar per day and a `!` under each day with failures: on a
    /// terminal, where a fortnight of numbers is hard to read.
    Bars,
}

/// The verdicts and totals for people.
pub fn human(domains: &[DomainSummary], t: &Totals<'_>, per_day: PerDay) -> String {
    let mut out = String::new();
    let bold = Style::new().bold();
    let green = Style::new().fg_color(Some(AnsiColor::Green.into())).bold();
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let yellow = Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold();
    let mut only = t
        .only
        .map(|d| format!(", {} of them for {d}", t.matched))
        .unwrap_or_default();
    if let Some(since) = t.since {
        let _ = write!(only, ", {} from before {since} left out", t.before);
    }
    let _ = writeln!(
        out,
        "{} report{} from {} file{}{only} ({} duplicate{} ignored, {} unreadable)",
        t.reports,
        plural(t.reports),
        t.files,
        plural(t.files),
        t.duplicates,
        plural(t.duplicates),
        t.errors.len()
    );
    trust_line(&mut out, t.trust);
    out.push('\n');
    for d in domains {
        let v = if d.ready { green } else { red };
        let _ = writeln!(
            out,
            "{bold}{}{bold:#}  {v}{}{v:#}",
            d.domain,
            d.verdict.to_uppercase()
        );
        let _ = writeln!(out, "  period     {}", period(d));
        let _ = writeln!(out, "  reporters  {}", d.reporters.join(", "));
        for (ptype, s) in &d.sessions {
            let _ = writeln!(
                out,
                "  {ptype:<10} {} sessions succeeded, {} failed",
                s.successful, s.failed
            );
        }
        if !d.failures_by_result_type.is_empty() {
            let _ = writeln!(
                out,
                "  failures   {}",
                join_counts(&d.failures_by_result_type)
            );
        }
        reason_code_lines(&mut out, d);
        if !d.failures_by_mx.is_empty() {
            let _ = writeln!(out, "  by MX      {}", join_counts(&d.failures_by_mx));
        }
        if !d.failures_by_sending_ip.is_empty() {
            let _ = writeln!(
                out,
                "  by sender  {}",
                join_counts(&d.failures_by_sending_ip)
            );
        }
        if d.trend.len() > 1 {
            match per_day {
                PerDay::Numbers => per_day_numbers(&mut out, d),
                PerDay::Bars => per_day_bars(&mut out, d),
            }
        }
        let several = d.policy_strings.len() > 1;
        for p in d.policy_strings.iter().take(SHOWN) {
            let which = match (several, p.current) {
                (false, _) => "policy",
                (true, true) => "current policy",
                (true, false) => "earlier policy",
            };
            let _ = writeln!(
                out,
                "  {which} seen {} – {} in {} report{} ({}): {}",
                p.first_seen.as_deref().unwrap_or("?"),
                p.last_seen.as_deref().unwrap_or("?"),
                p.reports,
                plural(p.reports as usize),
                p.reporters.join(", "),
                p.policy.replace('\n', " | ")
            );
        }
        more(&mut out, d.policy_strings.len(), "policies");
        for s in d.stale_reporters.iter().take(SHOWN) {
            let _ = writeln!(
                out,
                "  {yellow}!{yellow:#} {} still applied an earlier policy on {}, after the current one was first seen: senders fetch a new policy only when the id in _mta-sts.{} changes; publish a new id with every policy change (mtasts gen-record)",
                s.reporter, s.last_report, d.domain
            );
        }
        more(
            &mut out,
            d.stale_reporters.len(),
            "reporters on an earlier policy",
        );
        for r in &d.reasons {
            let _ = writeln!(out, "  {red}✗{red:#} {r}");
        }
        if !d.blocking.is_empty() {
            let _ = writeln!(out, "  blocking failures:");
            blocking_lines(&mut out, &d.blocking);
            let _ = writeln!(
                out,
                "  once fixed, judge from the day of the fix on: mtasts report --since YYYY-MM-DD …"
            );
        }
        if !d.earlier_failures.is_empty() {
            let _ = writeln!(
                out,
                "  failures under an earlier policy (not counted for the verdict):"
            );
            blocking_lines(&mut out, &d.earlier_failures);
        }
        if !d.dane_failures.is_empty() {
            let _ = writeln!(
                out,
                "  DANE failures (not counted for the MTA-STS verdict):"
            );
            blocking_lines(&mut out, &d.dane_failures);
        }
        if d.ready {
            let _ = writeln!(
                out,
                "  {green}✓{green:#} no sts failures from {} reporters over {} days: switch to mode: enforce (mtasts promote)",
                d.sts_reporters, d.sts_days
            );
        }
        out.push('\n');
    }
    if domains.is_empty() {
        match t.only {
            Some(d) if t.reports > 0 => {
                let _ = writeln!(out, "no report covered {d}");
            }
            _ => out.push_str("no report covered a policy domain\n"),
        }
    }
    if !t.errors.is_empty() && domains.iter().any(|d| d.ready) {
        let _ = writeln!(
            out,
            "{} file{} could not be read (below): a report in them could change the verdict\n",
            t.errors.len(),
            plural(t.errors.len())
        );
    }
    for e in t.errors {
        let _ = writeln!(out, "unreadable: {}: {}", e.path, e.problem);
    }
    ignored_lines(&mut out, t.trust);
    let shown = 20;
    for g in t.note_groups.iter().take(shown) {
        let _ = writeln!(out, "note: {}: {}", g.reporter, g.text());
    }
    if t.note_groups.len() > shown {
        let _ = writeln!(
            out,
            "note: … and {} more kinds of notes (--json lists every note)",
            t.note_groups.len() - shown
        );
    }
    if t.notes_left_out > 0 {
        let _ = writeln!(
            out,
            "note: … and notes about {} more reports, from more reporters than are grouped",
            t.notes_left_out
        );
    }
    out
}

/// The days' dates as shown: without the year unless the period crosses
/// into another.
fn day_label(d: &DomainSummary) -> impl Fn(&str) -> &str {
    let year = |x: &Option<String>| x.as_deref().and_then(|s| s.get(..4)).map(str::to_string);
    let skip = if year(&d.first_day) == year(&d.last_day) {
        5
    } else {
        0
    };
    move |date: &str| date.get(skip..).unwrap_or(date)
}

fn per_day_numbers(out: &mut String, d: &DomainSummary) {
    let label = day_label(d);
    let _ = writeln!(
        out,
        "  per day    {}",
        d.trend
            .iter()
            .map(|x| format!("{} {}/{}", label(&x.date), x.successful, x.failed))
            .collect::<Vec<_>>()
            .join("  ")
    );
}

/// Bar heights, from a day with a few sessions to the busiest.
const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One block per day of the period, as high as its sessions (a blank for
/// a day no report covers), and under it a `!` for each day with failed
/// sessions, however few: they are what blocks.
fn per_day_bars(out: &mut String, d: &DomainSummary) {
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let label = day_label(d);
    let (Some(first), Some(last)) = (
        d.first_day
            .as_deref()
            .and_then(|s| s.parse::<NaiveDate>().ok()),
        d.last_day
            .as_deref()
            .and_then(|s| s.parse::<NaiveDate>().ok()),
    ) else {
        return;
    };
    let by_day: BTreeMap<&str, (u64, u64)> = d
        .trend
        .iter()
        .map(|x| (x.date.as_str(), (x.successful, x.failed)))
        .collect();
    let total = |(s, f): (u64, u64)| s.saturating_add(f);
    let max = by_day.values().map(|x| total(*x)).max().unwrap_or(0);
    let (mut bars, mut marks) = (String::new(), String::new());
    let mut failed_days = Vec::new();
    for day in first.iter_days().take_while(|x| *x <= last) {
        let date = day.to_string();
        match by_day.get(date.as_str()) {
            Some(&(s, f)) => {
                let n = total((s, f));
                let level = if n == 0 || max == 0 {
                    None
                } else {
                    let i = u128::from(n) * (BLOCKS.len() as u128 - 1) / u128::from(max);
                    Some(BLOCKS[usize::try_from(i).unwrap_or(BLOCKS.len() - 1)])
                };
                let bar = level.unwrap_or(' ');
                if f > 0 {
                    let _ = write!(bars, "{red}{bar}{red:#}");
                    let _ = write!(marks, "{red}!{red:#}");
                    failed_days.push((date, f));
                } else {
                    bars.push(bar);
                    marks.push(' ');
                }
            }
            None => {
                bars.push(' ');
                marks.push(' ');
            }
        }
    }
    let _ = writeln!(
        out,
        "  per day    {bars}  {} – {}, up to {max} sessions a day",
        label(&first.to_string()),
        label(&last.to_string())
    );
    if let Some((worst, n)) = failed_days
        .iter()
        .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(&x.0)))
    {
        let failed = failed_days.iter().fold(0u64, |a, x| a.saturating_add(x.1));
        let _ = writeln!(
            out,
            "             {marks}  {red}!{red:#} {failed} failed on {} day{}, most {n} on {}",
            failed_days.len(),
            plural(failed_days.len()),
            label(worst)
        );
    }
}

/// Which reports were trusted how (RFC 8460 §3: reports by mail count
/// only with their reporting domain's DKIM signature); `None` when no
/// report was read. Every copy read is in it, duplicates too: "read",
/// not "counted". The text output and the page say the same.
pub(crate) fn trust_summary(t: &Trust) -> Option<String> {
    let count = |n: u64| format!("{n} report{}", plural(n as usize));
    let mut parts = Vec::new();
    if t.verified > 0 {
        parts.push(format!(
            "{} from mail signed by their reporting domain",
            count(t.verified)
        ));
    }
    if t.unchecked > 0 {
        parts.push(format!(
            "{} read from mail without a look at their signatures (--trust-unsigned)",
            count(t.unchecked)
        ));
    }
    if t.from_files > 0 {
        parts.push(format!(
            "{} read from .json files, which carry no signature to verify",
            count(t.from_files)
        ));
    }
    if t.ignored_total > 0 {
        parts.push(format!(
            "{} from mail ignored: no valid DKIM signature of their reporting domain (below)",
            count(t.ignored_total)
        ));
    }
    (!parts.is_empty()).then(|| format!("DKIM: {}", parts.join("; ")))
}

fn trust_line(out: &mut String, t: &Trust) {
    if let Some(line) = trust_summary(t) {
        let _ = writeln!(out, "{line}");
    }
}

/// The reports from mail left out, by reporter and reason: one line for
/// each, naming the first report; `--json` lists every report.
fn ignored_lines(out: &mut String, t: &Trust) {
    let mut groups: BTreeMap<(&str, &str), (u64, &Ignored)> = BTreeMap::new();
    for i in &t.ignored {
        groups
            .entry((&i.reporter, i.why.code()))
            .or_insert((0, i))
            .0 += 1;
    }
    for (n, i) in groups.values().take(2 * SHOWN) {
        let id = i
            .report_id
            .as_deref()
            .map(|id| format!(" ({id})"))
            .unwrap_or_default();
        let what = if *n == 1 {
            format!("{}: {}{id}", i.source, i.reporter)
        } else {
            format!("{n} reports by {}, the first {}{id}", i.reporter, i.source)
        };
        let _ = writeln!(out, "ignored: {what}: {}", i.why);
    }
    let listed = groups.len().min(2 * SHOWN);
    let shown: u64 = groups.values().take(listed).map(|(n, _)| n).sum();
    if t.ignored_total > shown {
        let _ = writeln!(
            out,
            "ignored: … and {} more reports (--json lists them)",
            t.ignored_total - shown
        );
    }
}

/// The first and last day covered, and how many days reports cover: all
/// of them, or fewer when some had no report.
fn period(d: &DomainSummary) -> String {
    let (Some(first), Some(last)) = (&d.first_day, &d.last_day) else {
        return "none".to_string();
    };
    let span = match (first.parse::<NaiveDate>(), last.parse::<NaiveDate>()) {
        (Ok(f), Ok(l)) => usize::try_from((l - f).num_days() + 1).unwrap_or(0),
        _ => d.days,
    };
    if span == d.days {
        format!("{first} – {last} ({} day{})", d.days, plural(d.days))
    } else {
        format!(
            "{first} – {last} ({} of {span} days covered by reports)",
            d.days
        )
    }
}

/// Reason codes shown per result type.
const CODES_SHOWN: usize = 3;

/// The reporters' `failure-reason-code`s, the most frequent first, for
/// each result type in the order of the failures line.
fn reason_code_lines(out: &mut String, d: &DomainSummary) {
    let mut types: Vec<(&String, &BTreeMap<String, u64>)> = d.failure_reason_codes.iter().collect();
    let failed = |t: &str| d.failures_by_result_type.get(t).copied().unwrap_or(0);
    types.sort_by(|x, y| failed(y.0).cmp(&failed(x.0)).then_with(|| x.0.cmp(y.0)));
    for (i, (result, codes)) in types.into_iter().enumerate() {
        let mut codes: Vec<(&String, &u64)> = codes.iter().collect();
        codes.sort_by(|x, y| y.1.cmp(x.1).then_with(|| x.0.cmp(y.0)));
        let mut line = codes
            .iter()
            .take(CODES_SHOWN)
            .map(|(c, n)| {
                if c.as_str() == OTHERS {
                    format!("{c} {n}")
                } else {
                    format!("'{c}' {n}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        if codes.len() > CODES_SHOWN {
            let _ = write!(line, ", … {} more", codes.len() - CODES_SHOWN);
        }
        let label = if i == 0 { "reason codes" } else { "" };
        let _ = writeln!(out, "  {label:<12}  {result}: {line}");
    }
}

/// Most policies and reporters listed per domain in the text output;
/// `--json` lists them all.
const SHOWN: usize = 10;

fn more(out: &mut String, total: usize, what: &str) {
    if total > SHOWN {
        let _ = writeln!(
            out,
            "  … and {} more {what} (--json lists them all)",
            total - SHOWN
        );
    }
}

fn blocking_lines(out: &mut String, list: &[Blocking]) {
    for b in list.iter().take(2 * SHOWN) {
        let _ = writeln!(
            out,
            "    {} × {}{}: {}",
            b.sessions,
            b.result_type,
            b.receiving_mx_hostname
                .as_ref()
                .map(|h| format!(" on {h}"))
                .unwrap_or_default(),
            b.meaning
        );
        let _ = writeln!(out, "      fix: {}", b.fix);
    }
    if list.len() > 2 * SHOWN {
        let _ = writeln!(
            out,
            "    … and {} more (--json lists them all)",
            list.len() - 2 * SHOWN
        );
    }
}

fn join_counts(m: &BTreeMap<String, u64>) -> String {
    let mut v: Vec<(&String, &u64)> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1));
    let mut shown = v
        .iter()
        .take(SHOWN)
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    if v.len() > SHOWN {
        let _ = write!(shown, ", … {} more", v.len() - SHOWN);
    }
    shown
}
