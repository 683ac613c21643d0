use std::path::PathBuf;

use crate::Clock;
use crate::cli::InitArgs;
use crate::error::Error;
use crate::generate::providers;
use crate::model::{MxPattern, Policy, RuaUri};
use crate::probe::dns::{Dns, DnsFailure};
use crate::project::Project;
use crate::{Outcome, Result};

/// The live MX hosts of the domain, or why there are none.
fn live_mx(args: &InitArgs) -> Result<std::result::Result<Vec<String>, String>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start the async runtime: {e}")))?;
    let dns = Dns::new(args.resolver, args.timeout).map_err(Error::InvalidArgument)?;
    let d = args.domain.as_str();
    Ok(runtime.block_on(async {
        match dns.mx(d).await {
            Ok(a) if a.records.iter().all(|m| m.host.is_empty()) => {
                Err(format!("{d} has a null MX (RFC 7505): it accepts no mail, so MTA-STS has nothing to protect"))
            }
            Ok(a) => Ok(a.records.into_iter().map(|m| m.host).collect()),
            Err(DnsFailure::NoData) => Err(format!("{d} has no MX records")),
            Err(e) => Err(e.describe(d, "MX")),
        }
    }))
}

/// A host of a known provider collapses to the pattern the provider
/// documents; any other host stays exact. Never `*.<own domain>`.
fn derive(hosts: &[String]) -> Vec<MxPattern> {
    let mut out: Vec<MxPattern> = Vec::new();
    for h in hosts {
        let pattern = match providers::covering(h) {
            Some((_, p)) => Some(p),
            None => MxPattern::exact(h).ok(),
        };
        if let Some(p) = pattern.filter(|p| !out.contains(p)) {
            out.push(p);
        }
    }
    out
}

pub fn run(args: &InitArgs, clock: &Clock) -> Result<Outcome> {
    let domain = &args.domain;
    let live = live_mx(args)?;
    let patterns = if !args.mx.is_empty() {
        args.mx.clone()
    } else {
        match &live {
            Ok(hosts) => derive(hosts),
            Err(why) => {
                return Err(Error::InvalidArgument(format!(
                    "cannot derive mx patterns: {why}; name them with --mx HOST (repeatable)"
                )));
            }
        }
    };
    if patterns.is_empty() && args.mode != crate::model::Mode::None {
        return Err(Error::NoMx { mode: args.mode });
    }
    let mut report = String::new();
    let mut uncovered = Vec::new();
    match &live {
        Ok(hosts) => {
            report.push_str(&format!("live MX hosts of {domain}:\n"));
            for h in hosts {
                match patterns.iter().find(|p| p.matches(h)) {
                    Some(p) => report.push_str(&format!("  {h:<40} covered by mx: {p}\n")),
                    None => {
                        report.push_str(&format!("  {h:<40} NOT COVERED\n"));
                        uncovered.push(h.clone());
                    }
                }
            }
        }
        Err(why) => report.push_str(&format!(
            "warning: live MX hosts unknown ({why}); the policy uses the --mx patterns as given\n"
        )),
    }
    if !uncovered.is_empty() && !args.allow_uncovered {
        return Err(Error::InvalidArgument(format!(
            "the policy would not cover the live MX host{} {}: add --mx {} (or --allow-uncovered to write it anyway); nothing was written",
            if uncovered.len() == 1 { "" } else { "s" },
            uncovered.join(", "),
            uncovered.join(" --mx ")
        )));
    }
    let rua = if args.rua.is_empty() {
        vec![
            RuaUri::parse(&format!("mailto:tlsrpt@{domain}"))
                .map_err(|e| Error::InvalidArgument(e.to_string()))?,
        ]
    } else {
        args.rua.clone()
    };
    let policy = Policy {
        mode: args.mode,
        mx: patterns,
        max_age: args.max_age.unwrap_or_else(|| args.mode.default_max_age()),
        extensions: Vec::new(),
    };
    for advice in policy.advice(Some(domain)) {
        report.push_str(&format!("warning: {advice}\n"));
    }
    let mut hosts = Vec::new();
    for h in &args.hosts {
        if !hosts.contains(h) {
            hosts.push(*h);
        }
    }
    let project = Project {
        domain: domain.clone(),
        longest_max_age: policy.max_age,
        policy,
        id: clock.sts_id(),
        rua,
        hosts,
        hosting: crate::config::hosting::options(&args.hosting),
        created: clock.now(),
        updated: clock.now(),
    };
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("mta-sts-{domain}")));
    let written = project.write(&dir, false)?;
    report.push_str(&format!(
        "\nwrote {} files to {}:\n",
        written.len(),
        dir.display()
    ));
    for p in &written {
        report.push_str(&format!(
            "  {}\n",
            p.strip_prefix(&dir).unwrap_or(p).display()
        ));
    }
    report.push_str(&format!(
        "\nnext: follow {}/CHECKLIST.md, then run: mtasts check {domain}\n",
        dir.display()
    ));
    super::print_stdout(&report)?;
    Ok(Outcome::Success)
}
