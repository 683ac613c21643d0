//! `report --html`: the verdicts as one self-contained HTML page, for the
//! people who must agree to enforce. Nothing in it is loaded from
//! anywhere (inline CSS and SVG, no script, font or image), so it opens
//! offline and prints; a Content-Security-Policy says so to the browser
//! too. It renders the same [`DomainSummary`] and [`Totals`] as `--json`,
//! and every text in it goes through [`esc`]: names that came from
//! reports stay text, whatever they hold.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::NaiveDate;

use super::report::Totals;
use crate::report::aggregate::OTHERS;
use crate::report::verdict::{Blocking, DomainSummary, plural};

/// Text for an element's content or a double-quoted attribute: `&`, `<`,
/// `>` and `"` become entities, so no text can open or close a tag or an
/// attribute.
fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_double_quoted_attribute(s)
}

const STYLE: &str = r#"
:root { --ok: #3a7d44; --fail: #b3261e; --muted: #5f6368; --line: #d0d4d9; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 0 auto; max-width: 70rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.35rem; margin: 0 0 .5rem; }
h3 { font-size: 1.05rem; margin: 1.3rem 0 .4rem; }
.lead { color: var(--muted); margin-top: 0; }
section.domain { border-top: 3px solid #1f2328; margin-top: 2rem; padding-top: 1rem; }
.verdict { display: inline-block; font-size: .95rem; font-weight: 700; padding: .1rem .6rem; border: 2px solid; border-radius: .3rem; margin-left: .6rem; vertical-align: middle; }
.verdict.ready { color: var(--ok); }
.verdict.not-ready { color: var(--fail); }
ul.why { padding-left: 1.2rem; }
ul.why li { margin: .2rem 0; }
table { border-collapse: collapse; margin: .3rem 0 .8rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .2rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
pre { margin: 0; white-space: pre-wrap; font-size: .85rem; }
code { font-size: .88em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .5rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
svg.chart { max-width: 100%; height: auto; display: block; }
svg.chart text { font: 12px system-ui, sans-serif; fill: #1f2328; }
svg.chart .ok { fill: var(--ok); }
svg.chart .failed { stroke: var(--fail); stroke-width: 1; }
svg.chart .axis { stroke: #1f2328; stroke-width: 1; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
.legend { font-size: .85rem; color: var(--muted); }
.swatch { display: inline-block; width: 1.6em; height: .9em; vertical-align: middle; border: 1px solid #1f2328; }
.swatch.ok { background: var(--ok); }
.swatch.failed { background: repeating-linear-gradient(45deg, var(--fail) 0 2px, #fff 2px 5px); }
table.calendar td, table.calendar th { padding: .1rem .25rem; text-align: center; min-width: 1.6em; white-space: nowrap; }
table.calendar td.name, table.calendar th.name { text-align: left; white-space: nowrap; }
table.calendar td.current { background: #e6f1e8; font-weight: 700; }
table.calendar td.earlier { background: #fbe9e7; }
.note { color: var(--muted); font-size: .9rem; }
@media print {
  body { font-size: 10pt; max-width: none; padding: 0; }
  section.domain + section.domain { break-before: page; }
  svg.chart, table { break-inside: avoid; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  th, table.calendar td.current, table.calendar td.earlier { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
@page { margin: 14mm; }
"#;

/// The verdicts and totals as one HTML page.
pub fn html(domains: &[DomainSummary], t: &Totals<'_>) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    // Nothing may be loaded or run, whatever a report smuggled in.
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let title = match domains {
        [one] => format!("TLS reports for {}", one.domain),
        _ => "TLS reports".to_string(),
    };
    let _ = writeln!(out, "<title>{}</title>", esc(&title));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(out, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(out, "<p class=\"lead\">{}</p>", esc(&totals_line(t)));
    if let Some(line) = super::report::trust_summary(t.trust) {
        let _ = writeln!(out, "<p class=\"lead\">{}</p>", esc(&line));
    }
    if domains.len() > 1 {
        overview(&mut out, domains);
    }
    for (i, d) in domains.iter().enumerate() {
        domain(&mut out, i, d);
    }
    if domains.is_empty() {
        let none = match t.only {
            Some(d) if t.reports > 0 => format!("No report covered {d}."),
            _ => "No report covered a policy domain.".to_string(),
        };
        let _ = writeln!(out, "<p>{}</p>", esc(&none));
    }
    inputs(&mut out, t);
    out.push_str("</body>\n</html>\n");
    out
}

fn totals_line(t: &Totals<'_>) -> String {
    let mut line = format!(
        "{} report{} from {} file{}",
        t.reports,
        plural(t.reports),
        t.files,
        plural(t.files)
    );
    if let Some(d) = t.only {
        let _ = write!(line, ", {} of them for {d}", t.matched);
    }
    if let Some(since) = t.since {
        let _ = write!(line, ", {} from before {since} left out", t.before);
    }
    let _ = write!(
        line,
        " ({} duplicate{} ignored, {} unreadable). Made by mtasts report.",
        t.duplicates,
        plural(t.duplicates),
        t.errors.len()
    );
    line
}

/// The id of a domain's section: its position, since names may hold
/// anything.
fn anchor(i: usize) -> String {
    format!("domain-{i}")
}

fn overview(out: &mut String, domains: &[DomainSummary]) {
    out.push_str("<h2>Overview</h2>\n<div class=\"scroll\"><table class=\"overview\">\n");
    out.push_str("<tr><th>domain</th><th>verdict</th><th>period</th><th class=\"n\">reporters</th><th class=\"n\">sessions succeeded</th><th class=\"n\">failed</th><th>first reason</th></tr>\n");
    for (i, d) in domains.iter().enumerate() {
        let (ok, failed) = d.trend.iter().fold((0u64, 0u64), |(s, f), x| {
            (s.saturating_add(x.successful), f.saturating_add(x.failed))
        });
        let reason = d
            .reasons
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{ok}</td><td class=\"n\">{failed}</td><td>{}</td></tr>",
            anchor(i),
            esc(&d.domain),
            verdict_text(d),
            esc(&period(d)),
            d.reporters.len(),
            esc(&reason)
        );
    }
    out.push_str("</table></div>\n");
}

fn verdict_text(d: &DomainSummary) -> String {
    if d.ready {
        format!("✓ {}", d.verdict.to_uppercase())
    } else {
        format!("✗ {}", d.verdict.to_uppercase())
    }
}

fn period(d: &DomainSummary) -> String {
    match (&d.first_day, &d.last_day) {
        (Some(f), Some(l)) => format!("{f} – {l} ({} day{})", d.days, plural(d.days)),
        _ => "none".to_string(),
    }
}

fn domain(out: &mut String, i: usize, d: &DomainSummary) {
    let class = if d.ready { "ready" } else { "not-ready" };
    let _ = writeln!(
        out,
        "<section class=\"domain\" id=\"{}\">\n<h2>{} <span class=\"verdict {class}\">{}</span></h2>",
        anchor(i),
        esc(&d.domain),
        verdict_text(d)
    );
    // The verdict and why.
    out.push_str("<ul class=\"why\">\n");
    if d.ready {
        let _ = writeln!(
            out,
            "<li>✓ no sts failures from {} reporters over {} days: switch to mode: enforce (mtasts promote)</li>",
            d.sts_reporters, d.sts_days
        );
    }
    for r in &d.reasons {
        let _ = writeln!(out, "<li>✗ {}</li>", esc(&r.to_string()));
    }
    for s in &d.stale_reporters {
        let _ = writeln!(
            out,
            "<li>! {} still applied an earlier policy on {}, after the current one was first seen: publish a new id in _mta-sts.{} (mtasts gen-record)</li>",
            esc(&s.reporter),
            esc(&s.last_report),
            esc(&d.domain)
        );
    }
    out.push_str("</ul>\n<dl class=\"facts\">\n");
    let _ = writeln!(out, "<dt>period</dt><dd>{}</dd>", esc(&period(d)));
    if let Some(since) = &d.current_since {
        let _ = writeln!(out, "<dt>current policy since</dt><dd>{}</dd>", esc(since));
    }
    let _ = writeln!(
        out,
        "<dt>counted</dt><dd>{} reporter{} and {} day{} with sessions under the current sts policy</dd>",
        d.sts_reporters,
        plural(d.sts_reporters),
        d.sts_days,
        plural(d.sts_days)
    );
    for (ptype, s) in &d.sessions {
        let _ = writeln!(
            out,
            "<dt>{}</dt><dd>{} sessions succeeded, {} failed</dd>",
            esc(ptype),
            s.successful,
            s.failed
        );
    }
    out.push_str("</dl>\n");
    chart(out, i, d);
    reporters(out, d);
    policies(out, d);
    failures(out, d);
    out.push_str("</section>\n");
}

/// Chart geometry, in SVG user units.
const LEFT: u32 = 70;
const RIGHT: u32 = 10;
const OK_TOP: u32 = 16;
const OK_HEIGHT: u32 = 140;
const GAP: u32 = 34;
const FAIL_HEIGHT: u32 = 60;
const BOTTOM: u32 = 40;
/// Days at least this wide get their failures' number under the bar.
const NUMBERED: u32 = 16;

/// Sessions per day: the successful ones on their scale above, the failed
/// ones on a scale of their own below (hatched), so that a handful of
/// failures among thousands of sessions still shows; a day with any
/// failure gets at least a visible mark and its number. Each day is one
/// `g.day` with a `<title>` of its numbers.
fn chart(out: &mut String, i: usize, d: &DomainSummary) {
    let _ = writeln!(out, "<h3>Sessions per day</h3>");
    let (Some(first), Some(_)) = (
        d.first_day
            .as_deref()
            .and_then(|s| s.parse::<NaiveDate>().ok()),
        d.last_day.as_deref(),
    ) else {
        out.push_str("<p class=\"note\">No day was covered by a report.</p>\n");
        return;
    };
    let offset = |date: &str| {
        date.parse::<NaiveDate>()
            .ok()
            .and_then(|x| u32::try_from((x - first).num_days()).ok())
            .unwrap_or(0)
    };
    let span = d.trend.iter().map(|x| offset(&x.date)).max().unwrap_or(0) + 1;
    let step = (900 / span).clamp(4, 48);
    let bar = (step * 7 / 10).max(3);
    let width = LEFT + span * step + RIGHT;
    let fail_top = OK_TOP + OK_HEIGHT + GAP;
    let height = fail_top + FAIL_HEIGHT + BOTTOM;
    let max_ok = d.trend.iter().map(|x| x.successful).max().unwrap_or(0);
    let max_failed = d.trend.iter().map(|x| x.failed).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"chart-{i}-title\">\n<title id=\"chart-{i}-title\">Sessions per day for {}: succeeded above, failed below on a scale of their own</title>",
        esc(&d.domain)
    );
    let _ = writeln!(
        out,
        "<defs><pattern id=\"hatch-{i}\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" fill=\"#fff\"/><rect width=\"2.5\" height=\"5\" fill=\"#b3261e\"/></pattern></defs>"
    );
    // Axes and their labels: each row says what it counts and its top.
    let right = width - RIGHT;
    let ok_base = OK_TOP + OK_HEIGHT;
    let fail_base = fail_top + FAIL_HEIGHT;
    let _ = writeln!(
        out,
        "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{OK_TOP}\" x2=\"{right}\" y2=\"{OK_TOP}\"/>\
         <line class=\"axis\" x1=\"{LEFT}\" y1=\"{ok_base}\" x2=\"{right}\" y2=\"{ok_base}\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{max_ok}</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>\
         <text x=\"{LEFT}\" y=\"11\">succeeded sessions</text>",
        LEFT - 4,
        OK_TOP + 4,
        LEFT - 4,
        ok_base
    );
    let _ = writeln!(
        out,
        "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{fail_base}\" x2=\"{right}\" y2=\"{fail_base}\"/>\
         <line class=\"axis\" x1=\"{LEFT}\" y1=\"{fail_top}\" x2=\"{right}\" y2=\"{fail_top}\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
         <text x=\"{LEFT}\" y=\"{}\">{}</text>",
        LEFT - 4,
        fail_top + 4,
        LEFT - 4,
        fail_base,
        if max_failed == 0 {
            String::new()
        } else {
            max_failed.to_string()
        },
        fail_top - 14,
        if max_failed == 0 {
            "failed sessions: none"
        } else {
            "failed sessions (hatched, on a scale of their own)"
        }
    );
    // Day labels: every day when they fit, else every week.
    let every = if step >= 30 { 1 } else { 7 };
    for x in &d.trend {
        let pos = offset(&x.date);
        let left = LEFT + pos * step + (step - bar) / 2;
        let mid = left + bar / 2;
        let h_ok = scaled(x.successful, max_ok, OK_HEIGHT);
        let h_fail = if x.failed == 0 {
            0
        } else {
            scaled(x.failed, max_failed, FAIL_HEIGHT).max(3)
        };
        let _ = write!(
            out,
            "<g class=\"day\" data-date=\"{}\" data-successful=\"{}\" data-failed=\"{}\"><title>{}: {} succeeded, {} failed</title>",
            esc(&x.date),
            x.successful,
            x.failed,
            esc(&x.date),
            x.successful,
            x.failed
        );
        // The whole column is the hover target, however small its bars.
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{OK_TOP}\" width=\"{step}\" height=\"{}\" fill=\"transparent\"/>",
            LEFT + pos * step,
            fail_base - OK_TOP
        );
        let _ = write!(
            out,
            "<rect class=\"ok\" x=\"{left}\" y=\"{}\" width=\"{bar}\" height=\"{h_ok}\"/>",
            ok_base - h_ok
        );
        if h_fail > 0 {
            let _ = write!(
                out,
                "<rect class=\"failed\" x=\"{left}\" y=\"{fail_top}\" width=\"{bar}\" height=\"{h_fail}\" fill=\"url(#hatch-{i})\"/>"
            );
            // The number where it fits; the title has it anyway.
            if step >= NUMBERED {
                let _ = write!(
                    out,
                    "<text x=\"{mid}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    fail_top + h_fail + 11,
                    x.failed
                );
            }
        }
        out.push_str("</g>\n");
        if pos % every == 0 {
            let _ = writeln!(
                out,
                "<text x=\"{mid}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                fail_base + 28,
                esc(x.date.get(5..).unwrap_or(&x.date))
            );
        }
    }
    out.push_str("</svg>\n");
    out.push_str("<p class=\"legend\"><span class=\"swatch ok\"></span> succeeded sessions (scale above) &nbsp; <span class=\"swatch failed\"></span> failed sessions (hatched, scale of their own below, with their number); a day with any failure shows at least a mark. Hover a day for its numbers.</p>\n");
}

/// `n` of `max` in a bar of `full` units.
fn scaled(n: u64, max: u64, full: u32) -> u32 {
    if max == 0 {
        return 0;
    }
    let h = (u128::from(n) * u128::from(full)) / u128::from(max);
    u32::try_from(h).unwrap_or(full)
}

/// The letter of the `i`th policy seen (A for the first, the current one
/// when there is one).
fn letter(i: usize) -> String {
    let mut n = i;
    let mut s = String::new();
    loop {
        s.insert(0, char::from(b'A' + (n % 26) as u8));
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s
}

/// Periods longer than this get a count of days per reporter, not a
/// calendar.
const CALENDAR_DAYS: i64 = 62;

/// The reporters, the days each reported, and the policy it applied on
/// each (its letter in the policies table).
fn reporters(out: &mut String, d: &DomainSummary) {
    let _ = writeln!(out, "<h3>Reporters and the days each reported</h3>");
    if d.reporter_days.is_empty() {
        out.push_str("<p class=\"note\">No reporter reported sessions.</p>\n");
        return;
    }
    let first = d
        .first_day
        .as_deref()
        .and_then(|s| s.parse::<NaiveDate>().ok());
    let last = d
        .last_day
        .as_deref()
        .and_then(|s| s.parse::<NaiveDate>().ok());
    let days: Vec<NaiveDate> = match (first, last) {
        (Some(f), Some(l)) if (l - f).num_days() < CALENDAR_DAYS => {
            f.iter_days().take_while(|x| *x <= l).collect()
        }
        _ => Vec::new(),
    };
    out.push_str("<div class=\"scroll\"><table class=\"calendar\">\n<tr><th class=\"name\">reporter</th><th class=\"n\">days</th><th>first</th><th>last</th>");
    for day in &days {
        let _ = write!(out, "<th>{}</th>", day.format("%d"));
    }
    out.push_str("</tr>\n");
    let current = d.policy_strings.iter().position(|p| p.current);
    for r in &d.reporter_days {
        let _ = write!(
            out,
            "<tr><td class=\"name\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td>",
            esc(&r.reporter),
            r.days.len(),
            esc(r.days.first().map_or("", |x| x.date.as_str())),
            esc(r.days.last().map_or("", |x| x.date.as_str()))
        );
        let by_date: BTreeMap<&str, Option<usize>> =
            r.days.iter().map(|x| (x.date.as_str(), x.policy)).collect();
        for day in &days {
            let date = day.to_string();
            match by_date.get(date.as_str()) {
                None => out.push_str("<td></td>"),
                Some(p) => {
                    let (class, mark) = match p {
                        Some(p) if Some(*p) == current => ("current", letter(*p)),
                        Some(p) => ("earlier", letter(*p)),
                        None => ("", "•".to_string()),
                    };
                    let what = match p {
                        Some(p) => format!("policy {}", letter(*p)),
                        None => "no policy named".to_string(),
                    };
                    let _ = write!(
                        out,
                        "<td class=\"{class}\" title=\"{}: {}\">{mark}</td>",
                        esc(&format!("{} on {date}", r.reporter)),
                        esc(&what)
                    );
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table></div>\n");
    if days.is_empty() {
        out.push_str("<p class=\"legend\">The period is too long for a calendar: the days each reporter reported are counted.</p>\n");
    } else {
        out.push_str("<p class=\"legend\">A letter: the reporter reported sessions that day under that policy (below; bold: the current one); •: under no policy it named; empty: no report.</p>\n");
    }
}

/// The policies seen, each with its letter, the days reporters applied
/// it and who did.
fn policies(out: &mut String, d: &DomainSummary) {
    if d.policy_strings.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h3>Policies seen</h3>");
    let mut applied: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); d.policy_strings.len()];
    for r in &d.reporter_days {
        for x in &r.days {
            if let Some(set) = x.policy.and_then(|p| applied.get_mut(p)) {
                set.insert(x.date.as_str());
            }
        }
    }
    out.push_str("<div class=\"scroll\"><table class=\"policies\">\n<tr><th>policy</th><th></th><th class=\"n\">days applied</th><th>first seen</th><th>last seen</th><th class=\"n\">reports</th><th>reporters</th><th>text</th></tr>\n");
    for (i, p) in d.policy_strings.iter().enumerate() {
        let which = if p.current { "current" } else { "earlier" };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{which}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td><pre>{}</pre></td></tr>",
            letter(i),
            applied[i].len(),
            esc(p.first_seen.as_deref().unwrap_or("?")),
            esc(p.last_seen.as_deref().unwrap_or("?")),
            p.reports,
            esc(&p.reporters.join(", ")),
            esc(&p.policy)
        );
    }
    out.push_str("</table></div>\n");
}

fn failures(out: &mut String, d: &DomainSummary) {
    if !d.blocking.is_empty() {
        let _ = writeln!(out, "<h3>Blocking failures</h3>");
        blocking_table(out, &d.blocking);
        out.push_str("<p class=\"note\">Once fixed, judge from the day of the fix on: mtasts report --since YYYY-MM-DD …</p>\n");
    }
    if !d.earlier_failures.is_empty() {
        let _ = writeln!(
            out,
            "<h3>Failures under an earlier policy (not counted for the verdict)</h3>"
        );
        blocking_table(out, &d.earlier_failures);
    }
    let tables = [
        ("result type", &d.failures_by_result_type),
        ("MX host", &d.failures_by_mx),
        ("sending MTA", &d.failures_by_sending_ip),
    ];
    if tables.iter().any(|(_, m)| !m.is_empty()) {
        let _ = writeln!(
            out,
            "<h3>All failed sessions by result type, MX host and sender</h3>"
        );
        for (what, m) in tables {
            counts_table(out, what, m);
        }
    }
    if !d.failure_reason_codes.is_empty() {
        let _ = writeln!(
            out,
            "<h3>Failure reason codes, in the reporters' words</h3>"
        );
        out.push_str("<div class=\"scroll\"><table class=\"reason-codes\">\n<tr><th>result type</th><th>failure-reason-code</th><th class=\"n\">sessions</th></tr>\n");
        for (result, codes) in &d.failure_reason_codes {
            let mut codes: Vec<(&String, &u64)> = codes.iter().collect();
            codes.sort_by(|x, y| y.1.cmp(x.1).then_with(|| x.0.cmp(y.0)));
            for (code, n) in codes {
                let shown = if code == OTHERS {
                    esc(code).into_owned()
                } else {
                    format!("<code>{}</code>", esc(code))
                };
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{shown}</td><td class=\"n\">{n}</td></tr>",
                    esc(result)
                );
            }
        }
        out.push_str("</table></div>\n");
    }
}

fn blocking_table(out: &mut String, list: &[Blocking]) {
    out.push_str("<div class=\"scroll\"><table class=\"blocking\">\n<tr><th class=\"n\">sessions</th><th>result type</th><th>MX host</th><th>what it means</th><th>fix</th></tr>\n");
    for b in list {
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            b.sessions,
            esc(&b.result_type),
            esc(b.receiving_mx_hostname.as_deref().unwrap_or("(not given)")),
            esc(&b.meaning),
            esc(&b.fix)
        );
    }
    out.push_str("</table></div>\n");
}

fn counts_table(out: &mut String, what: &str, m: &BTreeMap<String, u64>) {
    if m.is_empty() {
        return;
    }
    let mut v: Vec<(&String, &u64)> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let _ = writeln!(
        out,
        "<table class=\"counts\"><tr><th>{}</th><th class=\"n\">failed sessions</th></tr>",
        esc(what)
    );
    for (k, n) in v {
        let _ = writeln!(out, "<tr><td>{}</td><td class=\"n\">{n}</td></tr>", esc(k));
    }
    out.push_str("</table>\n");
}

/// What could not be read, and the reporters' deviations, as in the text
/// output.
fn inputs(out: &mut String, t: &Totals<'_>) {
    if t.errors.is_empty() && t.note_groups.is_empty() && t.trust.ignored.is_empty() {
        return;
    }
    out.push_str("<section class=\"inputs\">\n<h2>Inputs</h2>\n");
    if !t.trust.ignored.is_empty() {
        let _ = writeln!(
            out,
            "<h3>Ignored ({}): reports from mail without a valid DKIM signature of their reporting domain (RFC 8460 §3)</h3>\n<ul>",
            t.trust.ignored_total
        );
        for i in &t.trust.ignored {
            let _ = writeln!(
                out,
                "<li><code>{}</code>: {}{}: {}</li>",
                esc(&i.source),
                esc(&i.reporter),
                esc(&i
                    .report_id
                    .as_deref()
                    .map(|id| format!(" ({id})"))
                    .unwrap_or_default()),
                esc(&i.why.to_string())
            );
        }
        out.push_str("</ul>\n");
    }
    if !t.errors.is_empty() {
        let _ = writeln!(
            out,
            "<h3>Unreadable ({}): a report in them could change the verdict</h3>\n<ul>",
            t.errors.len()
        );
        for e in t.errors {
            let _ = writeln!(
                out,
                "<li><code>{}</code>: {}</li>",
                esc(&e.path),
                esc(&e.problem.to_string())
            );
        }
        out.push_str("</ul>\n");
    }
    if !t.note_groups.is_empty() {
        out.push_str("<h3>Notes on the reports</h3>\n<ul>\n");
        for g in t.note_groups {
            let _ = writeln!(out, "<li>{}: {}</li>", esc(&g.reporter), esc(&g.text()));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn letters_go_on_past_z() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
    }

    #[test]
    fn scaled_keeps_within_the_bar() {
        assert_eq!(scaled(0, 0, 60), 0);
        assert_eq!(scaled(1, 1000, 60), 0);
        assert_eq!(scaled(1000, 1000, 60), 60);
        assert_eq!(scaled(u64::MAX, u64::MAX, 60), 60);
    }

    proptest! {
        /// No text, whatever it holds, escapes into markup: the escaped
        /// form has none of the characters that open or close a tag, an
        /// attribute or an entity of its own, and decodes back to it.
        #[test]
        fn escaped_text_stays_text(s in "\\PC*|[<>&\"' /a-z=]*") {
            let e = esc(&s);
            prop_assert!(!e.contains(['<', '>', '"']));
            for (i, _) in e.match_indices('&') {
                let rest = &e[i..];
                prop_assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;"].iter().any(|x| rest.starts_with(x)),
                    "{e}"
                );
            }
            prop_assert_eq!(html_escape::decode_html_entities(&e), s.as_str());
        }
    }
}
