//! `report`: configuration → reading → verdict → printer → outcome.

use crate::cli::ReportArgs;
use crate::config::report::{MailTrust, ReportConfig};
use crate::fsutil::{Flag, write_atomic};
use crate::printer::report::{self as print, PerDay, Totals};
use crate::report::dkim::Verifier;
use crate::report::imap::{self, Mailboxes, OpenWith};
use crate::report::{self, Progress};
use crate::{Error, Outcome, Result};

pub fn run(args: &ReportArgs, clock: &crate::Clock) -> Result<Outcome> {
    let config = ReportConfig::from_args(args, clock)?;
    let verifier = match config.mail {
        MailTrust::Verify { resolver, timeout } => Some(Verifier::new(resolver, timeout)),
        MailTrust::TrustUnsigned => None,
    };
    let Some(imap) = &config.imap else {
        let collected = report::collect(
            &config.paths,
            &config.filter,
            verifier.as_ref(),
            Progress::for_stderr().as_ref(),
        );
        drop(verifier);
        return finish(&config, &collected);
    };
    // The mailboxes are opened before anything is read: one that cannot
    // be is the run's one error line, and nothing is moved.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::AsyncRuntime)?;
    let with = OpenWith {
        password: &imap.password,
        trust: &imap.trust,
        move_to: imap.move_to.as_deref(),
        since: config.filter.since,
        timeout: imap.timeout,
        fetch: match verifier {
            Some(_) => imap::Fetch::Whole,
            None => imap::Fetch::ReportParts,
        },
    };
    let mut opened = Vec::new();
    for url in &imap.mailboxes {
        opened.push(imap::shielded_for(&runtime, url, imap::open(url, &with))?);
    }
    let collected = report::collect_from(
        &config.paths,
        &mut [&mut Mailboxes {
            runtime: &runtime,
            opened: &mut opened,
        }],
        &config.filter,
        verifier.as_ref(),
        Progress::for_stderr().as_ref(),
    );
    drop(verifier);
    let outcome = finish(&config, &collected)?;
    // After the summary is complete: only what was read as a report.
    if let Some(folder) = &imap.move_to {
        for (i, mailbox) in opened.iter_mut().enumerate() {
            let uids: Vec<u32> = collected
                .messages_read
                .iter()
                .filter(|k| k.source == i)
                .map(|k| k.uid)
                .collect();
            let url = mailbox.url().clone();
            let line = imap::shielded_for(&runtime, &url, mailbox.move_to(&uids, folder))?;
            super::eprint_line(&line);
        }
    }
    for mailbox in opened {
        // A server that breaks the protocol at goodbye changes nothing.
        let _ = imap::shielded(&runtime, mailbox.logout());
    }
    Ok(outcome)
}

/// The verdicts, printed (and the page written): the same whatever the
/// inputs were.
fn finish(config: &ReportConfig, collected: &report::Collected) -> Result<Outcome> {
    let domains = report::summarize(&collected.agg, &config.thresholds);
    let totals = Totals::new(collected, &config.filter);
    // The page first: when it cannot be written, the run ends in exit 2
    // with nothing printed.
    let wrote = match &config.html {
        None => None,
        Some(to) => {
            let page = crate::printer::html::html(&domains, &totals);
            let what = write_atomic(&to.path, page.as_bytes(), to.force, Flag::HTML)?.verb();
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
