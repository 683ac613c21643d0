use crate::cli::ReportArgs;
use crate::error::Error;
use crate::report::render::{self, Totals};
use crate::report::{self, Filter, Progress, Thresholds};
use crate::{Outcome, Result};

pub fn run(args: &ReportArgs, clock: &crate::Clock) -> Result<Outcome> {
    for p in &args.paths {
        if !p.exists() {
            return Err(Error::Read {
                path: p.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such file or directory",
                ),
            });
        }
    }
    let filter = Filter {
        domain: args.domain.as_ref().map(|d| d.to_string()),
        since: args.since,
        now: clock.now(),
    };
    let c = report::collect(&args.paths, &filter, Progress::for_stderr().as_ref());
    let thresholds = Thresholds {
        min_reporters: usize::from(args.min_reporters),
        min_days: usize::from(args.min_days),
    };
    let domains = report::summarize(&c.agg, &thresholds);
    let totals = Totals {
        files: c.files,
        reports: c.agg.reports,
        matched: c.agg.matched,
        before: c.agg.before,
        since: args.since,
        duplicates: c.agg.duplicates,
        errors: &c.errors,
        oddities: &c.oddities,
        only: args.domain.as_ref().map(|d| d.as_str()),
    };
    let text = if args.json {
        render::json(&domains, &totals)
    } else {
        render::human(&domains, &totals)
    };
    super::print_stdout(&text)?;
    Ok(if !domains.is_empty() && domains.iter().all(|d| d.ready) {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
