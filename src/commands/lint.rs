use std::fmt::Display;
use std::io::{IsTerminal, Read};
use std::path::Path;

use anstyle::{AnsiColor, Style};

use crate::cli::LintArgs;
use crate::error::Error;
use crate::model::{Policy, Severity, StsRecord, TlsRptRecord};
use crate::{Outcome, Result};

/// Local files larger than this are not read at all: far past the 64 KiB
/// senders accept, so nothing useful can come of parsing them.
const READ_LIMIT: usize = 1024 * 1024;

pub fn run(args: &LintArgs) -> Result<Outcome> {
    let mut out = String::new();
    let failed = if let Some(value) = &args.record {
        let parsed = StsRecord::parse(value);
        let mut diags: Vec<(Severity, String)> = parsed
            .warnings
            .iter()
            .map(|w| (Severity::Warning, w.to_string()))
            .collect();
        if let Err(e) = &parsed.record {
            diags.insert(0, (Severity::Error, e.to_string()));
        }
        report_value("<record>", &diags, &mut out)
    } else if let Some(value) = &args.tlsrpt {
        let parsed = TlsRptRecord::parse(value);
        let mut diags: Vec<(Severity, String)> = parsed
            .warnings
            .iter()
            .map(|w| (Severity::Warning, w.to_string()))
            .collect();
        if let Err(e) = &parsed.record {
            diags.insert(0, (Severity::Error, e.to_string()));
        }
        report_value("<tlsrpt>", &diags, &mut out)
    } else {
        let (name, body) = read_input(args.file.as_deref())?;
        lint_policy(&name, &body, args, &mut out)
    };
    super::print_stdout(&out)?;
    Ok(if failed {
        Outcome::Failed
    } else {
        Outcome::Success
    })
}

fn read_input(file: Option<&Path>) -> Result<(String, Vec<u8>)> {
    let stdin_name = "<stdin>".to_string();
    let mut body = Vec::new();
    let name = match file {
        None if std::io::stdin().is_terminal() => return Err(Error::NoLintInput),
        None => stdin_name,
        Some(p) if p.as_os_str() == "-" => stdin_name,
        Some(p) => p.display().to_string(),
    };
    let read =
        |r: &mut dyn Read, body: &mut Vec<u8>| r.take(READ_LIMIT as u64 + 1).read_to_end(body);
    let result = match file {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::File::open(p).and_then(|mut f| read(&mut f, &mut body))
        }
        _ => read(&mut std::io::stdin().lock(), &mut body),
    };
    result.map_err(|source| Error::Read {
        path: name.clone(),
        source,
    })?;
    if body.len() > READ_LIMIT {
        return Err(Error::InputTooLarge {
            path: name,
            limit: READ_LIMIT,
        });
    }
    Ok((name, body))
}

fn lint_policy(name: &str, body: &[u8], args: &LintArgs, out: &mut String) -> bool {
    let parsed = Policy::parse(body);
    let last_line = body
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count()
        .max(1);
    let mut failed = false;
    for d in &parsed.diagnostics {
        failed |= d.is_error();
        let line = if d.line == 0 { last_line } else { d.line };
        push_diag(out, name, line, d.severity, &d.issue);
    }
    if let Some(policy) = &parsed.policy {
        for advice in policy.advice(args.domain.as_ref()) {
            push_diag(out, name, last_line, Severity::Warning, &advice);
        }
        if !failed && parsed.diagnostics.is_empty() {
            out.push_str(&format!(
                "{name}: ok: mode {}, {} mx pattern{}, max_age {}\n",
                policy.mode,
                policy.mx.len(),
                if policy.mx.len() == 1 { "" } else { "s" },
                policy.max_age
            ));
        }
    }
    failed
}

fn report_value(name: &str, diags: &[(Severity, String)], out: &mut String) -> bool {
    for (severity, message) in diags {
        push_diag(out, name, 1, *severity, message);
    }
    if diags.is_empty() {
        out.push_str(&format!("{name}: ok\n"));
    }
    diags.iter().any(|(s, _)| *s == Severity::Error)
}

fn push_diag(out: &mut String, name: &str, line: usize, severity: Severity, message: &dyn Display) {
    let style = match severity {
        Severity::Error => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
        Severity::Warning => Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold(),
    };
    out.push_str(&format!(
        "{name}:{line}: {style}{severity}{style:#}: {message}\n"
    ));
}
