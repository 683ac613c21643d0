//! The printers of `check`: one for people, one for machines. Neither
//! does I/O; remote text was escaped when it was gathered.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::check::catalogue::{Family, Scope};
use crate::check::{CheckId, DomainReport, Finding, Status};
use crate::config::check::Format;

#[derive(Serialize)]
struct JsonDoc<'a> {
    domains: &'a [DomainReport],
}

/// One JSON document: `{"domains": [...]}`.
pub fn json(reports: &[DomainReport]) -> String {
    let mut s = serde_json::to_string_pretty(&JsonDoc { domains: reports })
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
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

/// The catalogue (`check --list-checks`): every check, in report order.
pub fn catalogue(format: Format) -> String {
    match format {
        Format::Json => {
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
        Format::Human => {
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

/// The report for people: a block per domain, a line per check, and under
/// each problem what was expected and what to change.
pub fn human(reports: &[DomainReport]) -> String {
    let mut out = String::new();
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    for r in reports {
        let v = style(r.verdict).bold();
        let _ = writeln!(
            out,
            "{bold}{}{bold:#}  {v}{}{v:#}  ({} ms)",
            r.domain,
            r.verdict.as_str().to_uppercase(),
            r.elapsed_ms
        );
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
        let mut current_subject: Option<&str> = None;
        for f in &r.checks {
            if f.subject.as_deref() != current_subject {
                current_subject = f.subject.as_deref();
                if let Some(host) = current_subject {
                    let _ = writeln!(out, "  {bold}MX {host}{bold:#}{}", mx_row(r, host));
                }
            }
            finding_line(&mut out, f, if f.subject.is_some() { "    " } else { "  " });
        }
        out.push('\n');
    }
    let count = |s: Status| reports.iter().filter(|r| r.verdict == s).count();
    let _ = writeln!(
        out,
        "{} domain{} checked: {} passed, {} warned, {} failed",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail)
    );
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

    #[test]
    fn the_catalogue_lists_every_check_once() {
        let human = catalogue(Format::Human);
        assert_eq!(human.lines().count(), CheckId::ALL.len());
        for id in CheckId::ALL {
            assert_eq!(human.matches(&format!("{id} ")).count(), 1, "{id}");
        }
        let json: serde_json::Value = serde_json::from_str(&catalogue(Format::Json)).unwrap();
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
