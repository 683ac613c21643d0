use crate::cli::GenTlsRptArgs;
use crate::config::record::GenTlsRptConfig;
use crate::generate::dns::TxtRecord;
use crate::model::TlsRptRecord;
use crate::{Outcome, Result};

pub fn run(args: &GenTlsRptArgs) -> Result<Outcome> {
    let config = GenTlsRptConfig::from_args(args)?;
    let record = TxtRecord {
        prefix: "_smtp._tls",
        domain: config.output.domain.as_ref(),
        value: TlsRptRecord {
            rua: config.rua,
            extensions: Vec::new(),
        }
        .to_string(),
        ttl: config.output.ttl,
    };
    super::print_stdout(&record.render(config.output.format)?)?;
    Ok(Outcome::Success)
}
