use crate::Clock;
use crate::cli::GenRecordArgs;
use crate::config::record::GenRecordConfig;
use crate::generate::dns::TxtRecord;
use crate::model::StsRecord;
use crate::{Outcome, Result};

pub fn run(args: &GenRecordArgs, clock: &Clock) -> Result<Outcome> {
    let config = GenRecordConfig::from_args(args, clock)?;
    let record = TxtRecord {
        prefix: "_mta-sts",
        domain: config.output.domain.as_ref(),
        value: StsRecord::new(config.id).to_string(),
        ttl: config.output.ttl,
    };
    super::print_stdout(&record.render(config.output.format)?)?;
    Ok(Outcome::Success)
}
