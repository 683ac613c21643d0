use std::io::{BufRead, IsTerminal};

use futures::StreamExt;

use crate::check::findings::Status;
use crate::check::{Config, DomainReport, check_domain, render};
use crate::cli::CheckArgs;
use crate::error::Error;
use crate::model::Domain;
use crate::probe::{dns::Dns, tls::Trust};
use crate::{Outcome, Result};

pub fn run(args: &CheckArgs, clock: &crate::Clock) -> Result<Outcome> {
    let domains = collect_domains(args)?;
    let trust =
        Trust::new(args.ca_file.as_deref()).map_err(|e| Error::InvalidArgument(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start the async runtime: {e}")))?;
    let reports = runtime.block_on(async {
        let dns = Dns::new(args.resolver, args.timeout).map_err(Error::InvalidArgument)?;
        let config = Config {
            clock: *clock,
            dns,
            trust,
            timeout: args.timeout,
            smtp: !args.no_smtp,
            https_port: args.policy_port,
            smtp_port: args.smtp_port,
            connect_to: args.connect_to.clone(),
        };
        Ok::<_, Error>(check_all(&config, &domains, usize::from(args.concurrency)).await)
    })?;
    // Outstanding probes (a QUIT nobody answers) must not hold up the exit.
    runtime.shutdown_background();
    let mut reports = reports;
    if let Some(dir) = &args.state {
        for r in &mut reports {
            crate::check::state::apply(dir, r, clock).map_err(|e| {
                Error::Runtime(format!(
                    "cannot update the --state directory {}: {e}",
                    dir.display()
                ))
            })?;
        }
    }
    let text = if args.json {
        render::json(&reports)
    } else {
        render::human(&reports)
    };
    super::print_stdout(&text)?;
    Ok(if reports.iter().any(|r| r.verdict == Status::Fail) {
        Outcome::Failed
    } else {
        Outcome::Success
    })
}

async fn check_all(config: &Config, domains: &[Domain], concurrency: usize) -> Vec<DomainReport> {
    let bar = (domains.len() > 1 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(domains.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} domains {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let reports = futures::stream::iter(domains)
        .map(|d| async {
            let r = check_domain(config, d).await;
            if let Some(b) = &bar {
                b.inc(1);
            }
            r
        })
        .buffered(concurrency)
        .collect()
        .await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    reports
}

/// Domains from the arguments, then from `--file`, deduplicated in order.
fn collect_domains(args: &CheckArgs) -> Result<Vec<Domain>> {
    let mut domains = args.domains.clone();
    if let Some(path) = &args.file {
        let (name, reader): (String, Box<dyn BufRead>) = if path.as_os_str() == "-" {
            ("<stdin>".into(), Box::new(std::io::stdin().lock()))
        } else {
            let f = std::fs::File::open(path).map_err(|source| Error::Read {
                path: path.display().to_string(),
                source,
            })?;
            (
                path.display().to_string(),
                Box::new(std::io::BufReader::new(f)),
            )
        };
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(|source| Error::Read {
                path: name.clone(),
                source,
            })?;
            let text = line.split('#').next().unwrap_or_default().trim();
            if text.is_empty() {
                continue;
            }
            let d = Domain::parse(text)
                .map_err(|e| Error::InvalidArgument(format!("{name}:{}: {e}", i + 1)))?;
            domains.push(d);
        }
    }
    let mut seen = std::collections::HashSet::new();
    domains.retain(|d| seen.insert(d.clone()));
    if domains.is_empty() {
        return Err(Error::NoDomains);
    }
    Ok(domains)
}
