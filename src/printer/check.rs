//! The printers of `check`: one for people, one for machines. Neither
//! does I/O; remote text was escaped when it was gathered.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::check::catalogue::{Family, Scope};
use crate::check::{CheckId, DomainReport, Finding, Status};
use crate::config::check::Detail;

/// `--json`, written as the domains come: the same bytes as
/// `serde_json::to_string_pretty` of `{"domains": [...]}` and a newline,
/// without holding the domains. Each entry is pretty-printed on its own
/// and indented to its depth in the document; a JSON string never holds
/// a raw newline, so indenting every line is exact.
#[derive(Debug, Default)]
pub struct JsonStream {
    entries: usize,
}

impl JsonStream {
    /// The text that puts `report` in the document.
    pub fn entry(&mut self, report: &DomainReport) -> String {
        let mut out = String::from(if self.entries == 0 {
            "{\n  \"domains\": [\n"
        } else {
            ",\n"
        });
        self.entries += 1;
        let pretty = serde_json::to_string_pretty(report)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        for (i, line) in pretty.lines().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str("    ");
            out.push_str(line);
        }
        out
    }

    /// The text that closes the document (all of it when no domain came).
    pub fn finish(&self) -> String {
        if self.entries == 0 {
            "{\n  \"domains\": []\n}\n".to_string()
        } else {
            "\n  ]\n}\n".to_string()
        }
    }
}

/// A line of `--jsonl`: the `domains[]` entry of `--json` with the
/// domain's position in the input first.
#[derive(Serialize)]
struct JsonLine<'a> {
    position: usize,
    #[serde(flatten)]
    report: &'a DomainReport,
}

/// One line of `--jsonl`, newline included. `position` counts from 0 in
/// the deduplicated input: the index the domain has in `--json`'s
/// `domains[]` of the whole list.
pub fn jsonl(position: usize, report: &DomainReport) -> String {
    let mut s = serde_json::to_string(&JsonLine { position, report })
        .unwrap_or_else(|e| format!("{{\"position\": {position}, \"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The columns of `--csv`. `failing` and `warning` list ids, each once,
/// separated by spaces; `first_failure` is the first failing check's
/// message, after its MX host when it has one.
pub const CSV_COLUMNS: [&str; 7] = [
    "domain",
    "verdict",
    "mode",
    "failing",
    "warning",
    "first_failure",
    "position",
];

/// The header row of `--csv`.
pub fn csv_header() -> String {
    csv_record(&CSV_COLUMNS)
}

/// One row of `--csv`, line end included.
pub fn csv_row(position: usize, r: &DomainReport) -> String {
    let ids = |status: Status| {
        let mut ids: Vec<&str> = Vec::new();
        for f in r.checks.iter().filter(|f| f.status == status) {
            if !ids.contains(&f.id.as_str()) {
                ids.push(f.id.as_str());
            }
        }
        ids.join(" ")
    };
    let first_failure = r
        .checks
        .iter()
        .find(|f| f.status == Status::Fail)
        .map(|f| match &f.subject {
            Some(host) => format!("{host}: {}", f.message),
            None => f.message.clone(),
        })
        .unwrap_or_default();
    let mode = r
        .policy
        .as_ref()
        .and_then(|p| p.mode.clone())
        .unwrap_or_default();
    csv_record(&[
        &r.domain,
        r.verdict.as_str(),
        &mode,
        &ids(Status::Fail),
        &ids(Status::Warn),
        &first_failure,
        &position.to_string(),
    ])
}

/// Quotes what CSV needs quoted (the `csv` crate: commas, quotes and line
/// ends inside a cell, RFC 4180), after [`spreadsheet_safe`]. Remote text
/// reaches here with its control characters already escaped.
fn csv_record(cells: &[&str]) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to memory cannot fail, and every record has the same width.
    let safe: Vec<_> = cells.iter().map(|c| spreadsheet_safe(c)).collect();
    let _ = w.write_record(safe.iter().map(|c| c.as_bytes()));
    match w.into_inner() {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    }
}

/// A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
/// is a formula to a spreadsheet (OWASP's "CSV injection"): a policy or a
/// banner written by an attacker could compute, or fetch, on the machine
/// of whoever opens the file. Such a cell gets a leading `'`, which
/// spreadsheets take as "text" and show without it.
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[derive(Serialize)]
struct CatalogueEntry {
    id: CheckId,
    scope: Scope,
    family: Family,
    /// Where the rule is written, for whoever wants to read it.
    source: &'static str,
    title: &'static str,
}

/// The catalogue (`check --list-checks`): every check, in report order,
/// for people or (`json`) for machines.
pub fn catalogue(json: bool) -> String {
    match json {
        true => {
            let entries: Vec<CatalogueEntry> = CheckId::ALL
                .into_iter()
                .map(|id| CatalogueEntry {
                    id,
                    scope: id.scope(),
                    family: id.family(),
                    source: id.family().source(),
                    title: id.title(),
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&serde_json::json!({ "checks": entries }))
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            s.push('\n');
            s
        }
        false => {
            let mut out = String::new();
            for id in CheckId::ALL {
                let scope = match (id.scope(), id.always_reported()) {
                    (Scope::Host, _) => "per MX host",
                    (Scope::Domain, true) => "per domain",
                    (Scope::Domain, false) => "with --state",
                };
                let _ = writeln!(out, "{id:<20} {scope:<13} {}", id.title());
            }
            out
        }
    }
}

fn style(status: Status) -> Style {
    let color = match status {
        Status::Pass => AnsiColor::Green,
        Status::Warn => AnsiColor::Yellow,
        Status::Fail => AnsiColor::Red,
        Status::Skip => AnsiColor::BrightBlack,
        Status::Info => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into()))
}

fn symbol(status: Status) -> &'static str {
    match status {
        Status::Pass => "✓",
        Status::Warn => "!",
        Status::Fail => "✗",
        Status::Skip => "-",
        Status::Info => "i",
    }
}

/// What the closing summary of the human output says: the verdicts, and
/// how many domains failed or warned on each check. Its size does not
/// depend on the number of domains.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub warned: usize,
    pub failed: usize,
    /// Per id, the domains where it failed (once per domain, however many
    /// MX hosts it failed on).
    failing: BTreeMap<CheckId, usize>,
    warning: BTreeMap<CheckId, usize>,
}

impl Tally {
    pub fn add(&mut self, r: &DomainReport) {
        match r.verdict {
            Status::Fail => self.failed += 1,
            Status::Warn => self.warned += 1,
            _ => self.passed += 1,
        }
        for (status, map) in [
            (Status::Fail, &mut self.failing),
            (Status::Warn, &mut self.warning),
        ] {
            let mut ids: Vec<CheckId> = r
                .checks
                .iter()
                .filter(|f| f.status == status)
                .map(|f| f.id)
                .collect();
            ids.sort();
            ids.dedup();
            for id in ids {
                *map.entry(id).or_default() += 1;
            }
        }
    }

    pub fn checked(&self) -> usize {
        self.passed + self.warned + self.failed
    }

    /// The `n` ids that failed on the most domains, most first; ties in
    /// catalogue order.
    pub fn top_failing(&self, n: usize) -> Vec<(CheckId, usize)> {
        top(&self.failing, n)
    }

    pub fn top_warning(&self, n: usize) -> Vec<(CheckId, usize)> {
        top(&self.warning, n)
    }
}

fn top(map: &BTreeMap<CheckId, usize>, n: usize) -> Vec<(CheckId, usize)> {
    let mut v: Vec<(CheckId, usize)> = map.iter().map(|(id, c)| (*id, *c)).collect();
    // Stable: equal counts keep the catalogue order of the map.
    v.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    v.truncate(n);
    v
}

/// How many ids the closing summary ranks.
const RANKED: usize = 5;

/// One domain for people. [`Detail::Full`]: the record, the policy and
/// every check, with what was expected and what to change under each
/// problem, then a blank line. [`Detail::Compact`]: the name and verdict
/// on one line, then only the warnings and failures, with their fixes.
pub fn human_domain(r: &DomainReport, detail: Detail) -> String {
    let mut out = String::new();
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let v = style(r.verdict).bold();
    let _ = writeln!(
        out,
        "{bold}{}{bold:#}  {v}{}{v:#}  ({} ms)",
        r.domain,
        r.verdict.as_str().to_uppercase(),
        r.elapsed_ms
    );
    let full = detail == Detail::Full;
    if full {
        if let Some(rec) = &r.record {
            let _ = writeln!(out, "  {dim}record{dim:#}  {rec}");
        }
        if let Some(p) = &r.policy {
            let _ = writeln!(
                out,
                "  {dim}policy{dim:#}  mode {}, max_age {}, mx {}{}",
                p.mode.as_deref().unwrap_or("?"),
                p.max_age.map_or("?".to_string(), |a| a.to_string()),
                if p.mx.is_empty() {
                    "(none)".to_string()
                } else {
                    p.mx.join(" ")
                },
                if p.valid { "" } else { "  (invalid)" }
            );
        }
    }
    let mut current_subject: Option<&str> = None;
    for f in r
        .checks
        .iter()
        .filter(|f| full || matches!(f.status, Status::Fail | Status::Warn))
    {
        if f.subject.as_deref() != current_subject {
            current_subject = f.subject.as_deref();
            if let Some(host) = current_subject {
                let _ = writeln!(out, "  {bold}MX {host}{bold:#}{}", mx_row(r, host));
            }
        }
        finding_line(&mut out, f, if f.subject.is_some() { "    " } else { "  " });
    }
    if full {
        out.push('\n');
    }
    out
}

/// The closing summary for people: how many domains passed, warned and
/// failed; with `ranked` (more than one domain in the input) the checks
/// that failed and warned on the most domains; and, when the run was
/// interrupted, how many of the `planned` domains were not checked.
pub fn human_summary(
    tally: &Tally,
    detail: Detail,
    ranked: bool,
    planned: usize,
    interrupted: bool,
) -> String {
    let mut out = String::new();
    // A full block ends with a blank line already.
    if detail == Detail::Compact {
        out.push('\n');
    }
    if interrupted {
        let missing = planned.saturating_sub(tally.checked());
        let _ = writeln!(
            out,
            "interrupted: {missing} of {planned} domain{} not checked, and not shown",
            if planned == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(
        out,
        "{} domain{} checked: {} passed, {} warned, {} failed",
        tally.checked(),
        if tally.checked() == 1 { "" } else { "s" },
        tally.passed,
        tally.warned,
        tally.failed
    );
    if ranked {
        for (what, list) in [
            ("failed", tally.top_failing(RANKED)),
            ("warned", tally.top_warning(RANKED)),
        ] {
            if list.is_empty() {
                continue;
            }
            let shown: Vec<String> = list.iter().map(|(id, n)| format!("{id} ({n})")).collect();
            let _ = writeln!(out, "most often {what}: {}", shown.join(", "));
        }
    }
    out
}

fn mx_row(r: &DomainReport, host: &str) -> String {
    let Some(h) = r.mx.iter().find(|h| h.host == host) else {
        return String::new();
    };
    let addrs: Vec<String> = h.addresses.iter().map(ToString::to_string).collect();
    format!(
        "  (preference {}; {})",
        h.preference,
        if addrs.is_empty() {
            "no address".to_string()
        } else {
            addrs.join(", ")
        }
    )
}

fn finding_line(out: &mut String, f: &Finding, indent: &str) {
    let s = style(f.status);
    let _ = writeln!(
        out,
        "{indent}{s}{} {:<20}{s:#} {}",
        symbol(f.status),
        f.id,
        f.message
    );
    if matches!(f.status, Status::Fail | Status::Warn) {
        if let Some(e) = &f.expected {
            let _ = writeln!(out, "{indent}    expected: {e}");
        }
        if let Some(fix) = &f.fix {
            let _ = writeln!(out, "{indent}    fix:      {fix}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::facts::Timed;
    use crate::check::rules::{self, fixtures};
    use crate::probe::dns::DnsFailure;

    /// A report judged from facts, as the engine makes it.
    fn judged(name: &str, facts: crate::check::facts::Gathered) -> DomainReport {
        let clock = fixtures::clock();
        let cx = rules::Context {
            probing: rules::smtp::Probing::Done,
            memory: None,
            clock: &clock,
            expiry_warn: rules::expiry::ExpiryWarn::from_days(14),
        };
        let mut r = rules::judge(&fixtures::domain(), &facts, &cx);
        r.domain = name.to_string();
        r
    }

    fn passing() -> DomainReport {
        judged("pass.test", fixtures::healthy())
    }

    /// No TLS-RPT record and a testing policy (warnings), mx2 not in the
    /// policy (a failure).
    fn failing() -> DomainReport {
        let mut g = fixtures::healthy();
        g.tlsrpt_txt = Timed::Done(fixtures::failed(DnsFailure::NxDomain));
        g.policy = fixtures::policy_host(fixtures::served(
            "version: STSv1\nmode: testing\nmx: mx1.example.test\nmax_age: 86400\n",
        ));
        judged("fail.test", g)
    }

    fn plain(s: &str) -> String {
        anstream::adapter::strip_str(s).to_string()
    }

    #[test]
    fn streamed_json_is_the_document_of_before_byte_for_byte() {
        #[derive(Serialize)]
        struct Doc<'a> {
            domains: &'a [DomainReport],
        }
        for reports in [
            vec![],
            vec![passing()],
            vec![passing(), failing(), passing()],
        ] {
            let mut whole = serde_json::to_string_pretty(&Doc { domains: &reports }).unwrap();
            whole.push('\n');
            let mut stream = JsonStream::default();
            let mut streamed: String = reports.iter().map(|r| stream.entry(r)).collect();
            streamed.push_str(&stream.finish());
            assert_eq!(streamed, whole);
        }
    }

    #[test]
    fn a_jsonl_line_is_the_json_entry_with_its_position() {
        let r = failing();
        let line = jsonl(7, &r);
        assert!(line.ends_with('\n'));
        assert_eq!(line.matches('\n').count(), 1);
        let mut parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(parsed["position"], 7);
        parsed.as_object_mut().unwrap().remove("position");
        assert_eq!(parsed, serde_json::to_value(&r).unwrap());
        assert!(line.starts_with("{\"position\":7,\"domain\":\"fail.test\""));
    }

    #[test]
    fn csv_rows_name_the_ids_and_the_first_failure() {
        assert_eq!(
            csv_header(),
            "domain,verdict,mode,failing,warning,first_failure,position\n"
        );
        assert_eq!(csv_row(0, &passing()), "pass.test,pass,enforce,,,,0\n");
        let row = csv_row(3, &failing());
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(row.as_bytes());
        let cells: Vec<String> = reader
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(cells[..3], ["fail.test", "fail", "testing"]);
        assert_eq!(cells[3], "mx.match");
        assert_eq!(cells[4], "policy.mode tlsrpt.present");
        assert!(
            cells[5].starts_with("mx2.backup.example.test: "),
            "{}",
            cells[5]
        );
        assert_eq!(cells[6], "3");
    }

    #[test]
    fn cells_that_a_spreadsheet_would_compute_are_made_text() {
        for formula in ["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
        }
        for text in ["example.test", "no record", "'quoted", " =x"] {
            assert_eq!(spreadsheet_safe(text), text);
        }
        let row = csv_record(&["=1+1", "a,b", "say \"hi\"", "two\nlines"]);
        assert_eq!(row, "'=1+1,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n");
    }

    #[test]
    fn compact_output_is_one_line_for_a_pass_and_the_problems_for_the_rest() {
        let pass = plain(&human_domain(&passing(), Detail::Compact));
        assert_eq!(pass.lines().count(), 1, "{pass}");
        assert!(pass.starts_with("pass.test  PASS  ("), "{pass}");
        let fail = plain(&human_domain(&failing(), Detail::Compact));
        assert!(fail.starts_with("fail.test  FAIL  ("), "{fail}");
        for shown in [
            "✗ mx.match",
            "! tlsrpt.present",
            "! policy.mode",
            "fix:",
            "MX mx2.backup.example.test",
        ] {
            assert!(fail.contains(shown), "{shown} in {fail}");
        }
        for hidden in ["✓", "record  v=STSv1", "MX mx1.example.test"] {
            assert!(!fail.contains(hidden), "{hidden} in {fail}");
        }
        let full = plain(&human_domain(&failing(), Detail::Full));
        assert!(full.contains("✓ record.present") && full.contains("MX mx1.example.test"));
        assert!(full.ends_with("\n\n"));
    }

    #[test]
    fn the_summary_counts_verdicts_and_ranks_the_failing_ids() {
        let mut t = Tally::default();
        for r in [passing(), failing(), failing()] {
            t.add(&r);
        }
        assert_eq!((t.passed, t.warned, t.failed, t.checked()), (1, 0, 2, 3));
        assert_eq!(t.top_failing(5), [(CheckId::MxMatch, 2)]);
        let text = human_summary(&t, Detail::Compact, true, 3, false);
        assert_eq!(
            text,
            "\n3 domains checked: 1 passed, 0 warned, 2 failed\n\
             most often failed: mx.match (2)\n\
             most often warned: policy.mode (2), tlsrpt.present (2)\n"
        );
        // One domain: the line of before, nothing ranked.
        let mut one = Tally::default();
        one.add(&failing());
        assert_eq!(
            human_summary(&one, Detail::Full, false, 1, false),
            "1 domain checked: 0 passed, 0 warned, 1 failed\n"
        );
        let stopped = human_summary(&t, Detail::Compact, true, 10, true);
        assert!(
            stopped.starts_with("\ninterrupted: 7 of 10 domains not checked"),
            "{stopped}"
        );
    }

    #[test]
    fn the_catalogue_lists_every_check_once() {
        let human = catalogue(false);
        assert_eq!(human.lines().count(), CheckId::ALL.len());
        for id in CheckId::ALL {
            assert_eq!(human.matches(&format!("{id} ")).count(), 1, "{id}");
        }
        let json: serde_json::Value = serde_json::from_str(&catalogue(true)).unwrap();
        let checks = json["checks"].as_array().unwrap();
        assert_eq!(checks.len(), CheckId::ALL.len());
        assert_eq!(checks[0]["source"], "src/check/rules/record.rs");
        assert_eq!(checks[0]["scope"], "domain");
    }

    #[test]
    fn ids_line_up_and_problems_say_what_to_do() {
        let mut out = String::new();
        let f = Finding::fail(CheckId::PolicyMode, "no valid mode line")
            .expected("mode: enforce")
            .fix("add the line mode: enforce");
        finding_line(&mut out, &f, "  ");
        let plain: String = anstream::adapter::strip_str(&out).to_string();
        let id = CheckId::PolicyMode.as_str();
        assert_eq!(
            plain,
            format!(
                "  ✗ {id:<20} no valid mode line\n      expected: mode: enforce\n      fix:      add the line mode: enforce\n"
            )
        );
        let mut out = String::new();
        finding_line(&mut out, &Finding::pass(CheckId::MxPresent, "10 mx"), "");
        let plain = anstream::adapter::strip_str(&out).to_string();
        assert_eq!(
            plain,
            format!("✓ {:<20} 10 mx\n", CheckId::MxPresent.as_str())
        );
    }
}
