//! `report`: configuration → reading → verdict → printer → outcome.

use crate::cli::ReportArgs;
use crate::config::report::{MailTrust, ReportConfig};
use crate::fsutil::{Written, write_atomic};
use crate::printer::report::{self as print, PerDay, Totals};
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
    // The page first: when it cannot be written, the run ends in exit 2
    // with nothing printed.
    let wrote = match &config.html {
        None => None,
        Some(to) => {
            let page = crate::printer::html::html(&domains, &totals);
            let what = match write_atomic(&to.path, page.as_bytes(), to.force)? {
                Written::Created => "wrote",
                Written::Replaced => "replaced",
                Written::Unchanged => "unchanged",
            };
            Some(format!("{what} {}", to.path.display()))
        }
    };
    let text = if config.json {
        print::json(&domains, &totals)
    } else {
        // Bars where they are drawn: on a terminal that shows colour.
        let per_day =
            if anstream::AutoStream::choice(&std::io::stdout()) == anstream::ColorChoice::Never {
                PerDay::Numbers
            } else {
                PerDay::Bars
            };
        print::human(&domains, &totals, per_day)
    };
    crate::printer::print_stdout(&text)?;
    if let Some(line) = wrote {
        super::eprint_line(&line);
    }
    Ok(if report::all_ready(&domains) {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
