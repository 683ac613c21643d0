//! What the fuzz targets assert besides "no panic", shared by them.

use chrono::{DateTime, Utc};
use mtasts::check::finding::Finding;

/// The instant every target runs at, so that a crash reproduces.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_796_083_200, 0).expect("2026-12-01T00:00:00Z is representable")
}

/// Whether `c` could drive a terminal or disguise text: what text from
/// outside must never carry once it is shown (README: hostile input).
fn dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Asserts that `text`, built from the input, was escaped for showing.
#[track_caller]
pub fn assert_shown(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|&c| dangerous(c)) {
        panic!("{what} shows {c:?} unescaped: {text:?}");
    }
}

/// [`assert_shown`] for printed output, which may end lines.
#[track_caller]
pub fn assert_printable(what: &str, text: &str) {
    for line in text.split('\n') {
        assert_shown(what, line);
    }
}

/// Asserts that every text of a finding was escaped.
#[track_caller]
pub fn assert_finding_shown(f: &Finding) {
    let id = f.id.as_str();
    assert_shown(id, &f.message);
    for text in [&f.subject, &f.expected, &f.fix].into_iter().flatten() {
        assert_shown(id, text);
    }
}

/// The `report` run every report target reads with: no `--domain`, no
/// `--since`, the fixed clock.
pub fn filter() -> mtasts::report::Filter {
    mtasts::report::Filter {
        domain: None,
        since: None,
        now: now(),
    }
}

/// Judges and prints what was read, as `mtasts report` does (with
/// thresholds low enough that a verdict can be "ready"), and asserts that
/// `--json` prints JSON and that both outputs escape every text from the
/// reports.
pub fn assert_report_printed(
    collected: &mtasts::report::Collected,
    filter: &mtasts::report::Filter,
) {
    use mtasts::printer::report::{PerDay, Totals, human, json};
    let thresholds = mtasts::report::Thresholds {
        min_reporters: 1,
        min_days: 1,
    };
    let domains = mtasts::report::summarize(&collected.agg, &thresholds);
    let totals = Totals::new(collected, filter);
    let doc = json(&domains, &totals);
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&doc) {
        panic!("--json printed no JSON ({e}): {doc}");
    }
    // JSON writes control characters as escapes itself; what reaches the
    // terminal is the document.
    assert_printable("--json", &doc);
    for per_day in [PerDay::Numbers, PerDay::Bars] {
        let text = human(&domains, &totals, per_day);
        assert_printable("report", &without_styles(&text));
    }
}

/// `text` without the colours and bold that the printer itself adds
/// (`ESC [ digits ; … m`): the terminal escapes that come from outside
/// were escaped, so any other ESC left is a leak.
fn without_styles(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("\x1b[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .filter(|&e| after[e..].starts_with('m'));
        match end {
            Some(e) => rest = &after[e + 1..],
            None => {
                // Not a style: keep the ESC for the check to find.
                out.push_str(&rest[i..i + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
