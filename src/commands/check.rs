//! `check`: the domains go through the [`Engine`] `--concurrency` at a
//! time, and each is printed as soon as it can be, then forgotten: memory
//! holds the domains being checked and the counts of the closing summary,
//! not the reports, however long the list. Ctrl-C stops the run: what was
//! finished is printed whole (never half a line), the rest is not, and the
//! exit code is 130.

use std::collections::{BTreeMap, VecDeque};
use std::io::IsTerminal;

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use crate::check::{DomainReport, Engine};
use crate::config::check::{CheckConfig, Format};
use crate::error::Error;
use crate::printer;
use crate::printer::check::{JsonStream, Tally};
use crate::{Clock, Outcome, Result};

pub fn run(args: &crate::cli::CheckArgs, clock: &Clock) -> Result<Outcome> {
    if args.list_checks {
        printer::print_stdout(&printer::check::catalogue(args.json))?;
        return Ok(Outcome::Success);
    }
    let config = CheckConfig::from_args(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::AsyncRuntime)?;
    let ended = runtime.block_on(async {
        let engine =
            Engine::new(&config.probe, config.expiry_warn, *clock).map_err(Error::Resolver)?;
        let mut out = Output::new(&config, clock);
        let interrupted = check_all(&engine, &config, &mut out).await?;
        out.finish(interrupted)
    });
    // Outstanding probes (a QUIT nobody answers) must not hold up the exit.
    runtime.shutdown_background();
    ended
}

/// Checks the selected domains, handing each report to `out` as soon as
/// its turn comes ([`Format::in_input_order`]); returns whether Ctrl-C
/// stopped the run. At most `--concurrency` domains are checked or held
/// back at a time.
async fn check_all(engine: &Engine, config: &CheckConfig, out: &mut Output<'_>) -> Result<bool> {
    let ordered = config.format.in_input_order();
    let mut todo = config.selected();
    let mut running = FuturesUnordered::new();
    // In input order: the positions started and not printed yet, and the
    // reports done but waiting for an earlier one.
    let mut started: VecDeque<usize> = VecDeque::new();
    let mut held: BTreeMap<usize, DomainReport> = BTreeMap::new();
    // Polled before any domain is done, so the handler is in place before
    // anything is printed; a platform without one never interrupts.
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(interrupt);
    let mut interrupted = false;
    loop {
        while running.len() + held.len() < config.concurrency {
            let Some((position, domain)) = todo.next() else {
                break;
            };
            if ordered {
                started.push_back(position);
            }
            running.push(async move {
                // What --state remembers is read just before judging, and
                // written once the domain is printed.
                let memory = config.state.as_ref().map(|s| s.recall(domain));
                (position, engine.check(domain, memory.as_ref()).await)
            });
        }
        let next = tokio::select! {
            biased;
            () = &mut interrupt => {
                interrupted = true;
                break;
            }
            next = running.next() => next,
        };
        let Some((position, report)) = next else {
            break;
        };
        if !ordered {
            out.domain(position, &report)?;
            continue;
        }
        held.insert(position, report);
        while let Some(report) = started.front().and_then(|p| held.remove(p)) {
            let position = started.pop_front().unwrap_or_default();
            out.domain(position, &report)?;
        }
    }
    // Interrupted: what was done but waiting for an earlier domain is
    // finished too, and printed, in order, without the gaps.
    for (position, report) in held {
        out.domain(position, &report)?;
    }
    Ok(interrupted)
}

/// Where the reports go: the printer of the chosen format, the progress
/// bar, `--state`, and the counts of the closing summary.
struct Output<'a> {
    config: &'a CheckConfig,
    clock: &'a Clock,
    /// How many domains this run checks (those of its `--shard`).
    planned: usize,
    tally: Tally,
    json: JsonStream,
    /// On stderr, when it is a terminal and there is more than one domain.
    bar: Option<indicatif::ProgressBar>,
    /// The CSV header is printed before the first row, or at the end.
    header_printed: bool,
}

impl<'a> Output<'a> {
    fn new(config: &'a CheckConfig, clock: &'a Clock) -> Output<'a> {
        let planned = config.selected().count();
        let bar = (planned > 1 && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(planned as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} domains {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Output {
            config,
            clock,
            planned,
            tally: Tally::default(),
            json: JsonStream::default(),
            bar,
            header_printed: false,
        }
    }

    /// Prints one domain (flushed), then remembers it for `--state`.
    fn domain(&mut self, position: usize, report: &DomainReport) -> Result<()> {
        let mut text = self.header();
        text.push_str(&match self.config.format {
            Format::Human => printer::check::human_domain(report, self.config.detail),
            Format::Json => self.json.entry(report),
            Format::Jsonl => printer::check::jsonl(position, report),
            Format::Csv => printer::check::csv_row(position, report),
        });
        let printed = self.print(&text);
        self.tally.add(report);
        if let Some(b) = &self.bar {
            b.inc(1);
        }
        // Remembered even when stdout is gone (`| head`): the check did
        // happen.
        if let Some(state) = &self.config.state {
            state
                .remember(report, self.clock)
                .map_err(|source| Error::StateWrite {
                    path: state.path().to_path_buf(),
                    source,
                })?;
        }
        printed
    }

    /// The closing text: the end of the JSON document, the summary for
    /// people, or for the line formats only a word on stderr when the run
    /// was interrupted.
    fn finish(mut self, interrupted: bool) -> Result<Outcome> {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        let mut text = self.header();
        match self.config.format {
            Format::Human => text.push_str(&printer::check::human_summary(
                &self.tally,
                self.config.detail,
                self.config.domains.len() > 1,
                self.planned,
                interrupted,
            )),
            Format::Json => text.push_str(&self.json.finish()),
            Format::Jsonl | Format::Csv => {}
        }
        self.print(&text)?;
        if interrupted && self.config.format != Format::Human {
            printer::eprint_line(&format!(
                "interrupted: {} of {} domains not checked, and not in the output",
                self.planned.saturating_sub(self.tally.checked()),
                self.planned
            ));
        }
        Ok(if interrupted {
            Outcome::Interrupted
        } else if self.tally.failed > 0 {
            Outcome::Failed
        } else {
            Outcome::Success
        })
    }

    /// The CSV header, the first time it is asked for.
    fn header(&mut self) -> String {
        if self.config.format == Format::Csv && !self.header_printed {
            self.header_printed = true;
            printer::check::csv_header()
        } else {
            String::new()
        }
    }

    fn print(&self, text: &str) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        match &self.bar {
            Some(b) => b.suspend(|| printer::print_stdout(text)),
            None => printer::print_stdout(text),
        }
    }
}
