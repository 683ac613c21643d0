use crate::cli::GenTlsaArgs;
use crate::config::tlsa::GenTlsaConfig;
use crate::generate::tlsa::{Rollover, TlsaRecord};
use crate::{Outcome, Result};

pub fn run(args: &GenTlsaArgs) -> Result<Outcome> {
    let config = GenTlsaConfig::from_args(args)?;
    let record = |tlsa| TlsaRecord {
        host: &config.host,
        zone: &config.zone,
        tlsa,
        ttl: config.ttl,
    };
    let text = match &config.next {
        None => record(&config.current).render(config.format),
        Some(next) => Rollover {
            current: record(&config.current),
            next: record(next),
        }
        .render(config.format),
    };
    super::print_stdout(&text)?;
    Ok(Outcome::Success)
}
