//! `report`'s configuration: which inputs to read, which reports count,
//! when a domain is ready, and how to print the answer.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::ReportArgs;
use crate::config::policy::WriteTo;
use crate::error::Error;
use crate::report::{Filter, Thresholds};
use crate::{Clock, Result};

#[derive(Debug, Clone)]
pub struct ReportConfig {
    /// Files and directories to read, each there when the run started.
    pub paths: Vec<PathBuf>,
    /// `--domain`, `--since`, and the run's clock.
    pub filter: Filter,
    /// `--min-reporters` and `--min-days`.
    pub thresholds: Thresholds,
    /// One JSON document instead of the summary.
    pub json: bool,
    /// `--html`: the page to write beside the summary, and `--force`.
    pub html: Option<WriteTo>,
    /// How reports from mail are trusted.
    pub mail: MailTrust,
}

/// Reports that came by mail count only with a valid DKIM signature of
/// their reporting domain (RFC 8460 §3), unless the user vouches for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTrust {
    /// Verify, looking keys up at `resolver` (the system's without), each
    /// lookup bounded by `timeout`, as `check` does.
    Verify {
        resolver: Option<SocketAddr>,
        timeout: Duration,
    },
    /// `--trust-unsigned`: count them unchecked; nothing is looked up.
    TrustUnsigned,
}

impl ReportConfig {
    /// A path that does not exist is the user's mistake, not a bad input
    /// among good ones: the run stops before reading anything.
    pub fn from_args(args: &ReportArgs, clock: &Clock) -> Result<ReportConfig> {
        if let Some(missing) = args.paths.iter().find(|p| !p.exists()) {
            return Err(Error::Read {
                path: missing.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such file or directory",
                ),
            });
        }
        Ok(ReportConfig {
            paths: args.paths.clone(),
            filter: Filter {
                domain: args.domain.as_ref().map(|d| d.to_string()),
                since: args.since,
                now: clock.now(),
            },
            thresholds: Thresholds {
                min_reporters: usize::from(args.min_reporters),
                min_days: usize::from(args.min_days),
            },
            json: args.json,
            html: args.html.clone().map(|path| WriteTo {
                path,
                force: args.force,
            }),
            mail: if args.trust_unsigned {
                MailTrust::TrustUnsigned
            } else {
                MailTrust::Verify {
                    resolver: args.resolver,
                    timeout: args.timeout,
                }
            },
        })
    }
}
