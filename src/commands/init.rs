use crate::Clock;
use crate::cli::InitArgs;
use crate::config::init::InitConfig;
use crate::error::Error;
use crate::probe::dns::{Dns, DnsFailure};
use crate::probe::dnssec::{Security, Validator};
use crate::project::{Dane, InitPlan, LiveMx};
use crate::{Outcome, Result};

/// The live MX hosts of the domain, or why there are none; and whether
/// their MX RRset is DNSSEC-secure, which makes DANE apply to them.
fn live_mx(config: &InitConfig) -> Result<(LiveMx, Dane)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::AsyncRuntime)?;
    let dns = Dns::new(config.resolver, config.timeout).map_err(Error::Resolver)?;
    let d = config.domain.as_str();
    Ok(runtime.block_on(async {
        let live: LiveMx = match dns.mx(d).await {
            Ok(a) if a.records.iter().all(|m| m.host.is_empty()) => {
                Err(format!("{d} has a null MX (RFC 7505): it accepts no mail, so MTA-STS has nothing to protect"))
            }
            Ok(a) => Ok(a.records.into_iter().map(|m| m.host).collect()),
            Err(DnsFailure::NoData) => Err(format!("{d} has no MX records")),
            Err(e) => Err(e.describe(d, "MX")),
        };
        let dane = match &live {
            Ok(hosts) => {
                let validator =
                    Validator::new(dns.clone(), config.resolver, config.timeout, config.anchors.clone());
                // Only a validated answer makes DANE apply: insecure,
                // bogus or not validated at all leaves the steps out.
                match validator.mx(d).await {
                    Ok(Ok((Security::Secure, _))) => Dane::MxSecure {
                        hosts: hosts.clone(),
                    },
                    _ => Dane::NotApplicable,
                }
            }
            Err(_) => Dane::NotApplicable,
        };
        (live, dane)
    }))
}

pub fn run(args: &InitArgs, clock: &Clock) -> Result<Outcome> {
    let config = InitConfig::from_args(args)?;
    let (live, dane) = live_mx(&config)?;
    let report = InitPlan::new(&config, live, dane, clock)?.write(&config.dir)?;
    super::print_stdout(&crate::printer::project::init(&report))?;
    Ok(Outcome::Success)
}
