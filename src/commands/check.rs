use std::io::IsTerminal;

use futures::StreamExt;

use crate::check::state::Memory;
use crate::check::{DomainReport, Engine, Status};
use crate::config::check::{CheckConfig, Format};
use crate::error::Error;
use crate::printer;
use crate::{Clock, Outcome, Result};

pub fn run(args: &crate::cli::CheckArgs, clock: &Clock) -> Result<Outcome> {
    if args.list_checks {
        let format = if args.json {
            Format::Json
        } else {
            Format::Human
        };
        printer::print_stdout(&printer::check::catalogue(format))?;
        return Ok(Outcome::Success);
    }
    let config = CheckConfig::from_args(args)?;
    // What --state remembers is read before judging, and written only
    // after the report is out.
    let memories: Option<Vec<Memory>> = config
        .state
        .as_ref()
        .map(|s| config.domains.iter().map(|d| s.recall(d)).collect());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::AsyncRuntime)?;
    let reports = runtime.block_on(async {
        let engine =
            Engine::new(&config.probe, config.expiry_warn, *clock).map_err(Error::Resolver)?;
        Ok::<_, Error>(check_all(&engine, &config, memories.as_deref()).await)
    })?;
    // Outstanding probes (a QUIT nobody answers) must not hold up the exit.
    runtime.shutdown_background();
    let text = match config.format {
        Format::Json => printer::check::json(&reports),
        Format::Human => printer::check::human(&reports),
    };
    // Remembered even when stdout is gone (`| head`): the run did happen.
    let printed = printer::print_stdout(&text);
    if let Some(state) = &config.state {
        for r in &reports {
            state
                .remember(r, clock)
                .map_err(|source| Error::StateWrite {
                    path: state.path().to_path_buf(),
                    source,
                })?;
        }
    }
    printed?;
    Ok(if reports.iter().any(|r| r.verdict == Status::Fail) {
        Outcome::Failed
    } else {
        Outcome::Success
    })
}

async fn check_all(
    engine: &Engine,
    config: &CheckConfig,
    memories: Option<&[Memory]>,
) -> Vec<DomainReport> {
    let domains = &config.domains;
    let bar = (domains.len() > 1 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(domains.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} domains {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let bar_ref = bar.as_ref();
    let reports = futures::stream::iter(domains.iter().enumerate())
        .map(|(i, d)| async move {
            let r = engine.check(d, memories.and_then(|m| m.get(i))).await;
            if let Some(b) = bar_ref {
                b.inc(1);
            }
            r
        })
        .buffered(config.concurrency)
        .collect()
        .await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    reports
}
