//! `report`: configuration → reading → verdict → printer → outcome.

use crate::cli::ReportArgs;
use crate::config::report::{MailTrust, ReportConfig};
use crate::printer::report::{self as print, Totals};
use crate::report::dkim::Verifier;
use crate::report::{self, Progress};
use crate::{Outcome, Result};

pub fn run(args: &ReportArgs, clock: &crate::Clock) -> Result<Outcome> {
    let config = ReportConfig::from_args(args, clock)?;
    let verifier = match config.mail {
        MailTrust::Verify { resolver, timeout } => Some(Verifier::new(resolver, timeout)),
        MailTrust::TrustUnsigned => None,
    };
    let collected = report::collect(
        &config.paths,
        &config.filter,
        verifier.as_ref(),
        Progress::for_stderr().as_ref(),
    );
    drop(verifier);
    let domains = report::summarize(&collected.agg, &config.thresholds);
    let totals = Totals::new(&collected, &config.filter);
    let text = if config.json {
        print::json(&domains, &totals)
    } else {
        print::human(&domains, &totals)
    };
    crate::printer::print_stdout(&text)?;
    Ok(if report::all_ready(&domains) {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
