use crate::Clock;
use crate::cli::GenRecordArgs;
use crate::generate::dns::TxtRecord;
use crate::model::StsRecord;
use crate::{Outcome, Result};

pub fn run(args: &GenRecordArgs, clock: &Clock) -> Result<Outcome> {
    let id = args.id.clone().unwrap_or_else(|| clock.sts_id());
    let record = TxtRecord {
        prefix: "_mta-sts",
        domain: args.domain.as_ref(),
        value: StsRecord::new(id).to_string(),
        ttl: args.ttl,
    };
    super::print_stdout(&record.render(args.format)?)?;
    Ok(Outcome::Success)
}
