//! `report`'s configuration: which inputs to read, which reports count,
//! when a domain is ready, and how to print the answer.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::ReportArgs;
use crate::config::policy::WriteTo;
use crate::error::Error;
use crate::probe::tls::Trust;
use crate::report::imap::{MailboxUrl, Password, check_mailbox_name};
use crate::report::{Filter, Thresholds};
use crate::{Clock, Result};

#[derive(Debug, Clone)]
pub struct ReportConfig {
    /// Files and directories to read, each there when the run started.
    pub paths: Vec<PathBuf>,
    /// IMAP mailboxes to read, after the paths, and how.
    pub imap: Option<ImapConfig>,
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

/// The IMAP inputs, with what reading them needs.
#[derive(Debug, Clone)]
pub struct ImapConfig {
    pub mailboxes: Vec<MailboxUrl>,
    /// From `MTASTS_IMAP_PASSWORD` or `--imap-password-file`, never from
    /// the command line.
    pub password: Password,
    /// The web PKI and `--ca-file`, as `check` trusts them.
    pub trust: Trust,
    /// `--imap-move-to`.
    pub move_to: Option<String>,
    /// `--timeout`: the bound of each network step.
    pub timeout: std::time::Duration,
}

/// The environment variable that holds the IMAP password.
pub const PASSWORD_VAR: &str = "MTASTS_IMAP_PASSWORD";

impl ImapConfig {
    /// `None` when no input is a mailbox; the flags that only make sense
    /// with one are refused then.
    fn from_args(args: &ReportArgs, mailboxes: Vec<MailboxUrl>) -> Result<Option<ImapConfig>> {
        if mailboxes.is_empty() {
            let flag = if args.imap_move_to.is_some() {
                Some("--imap-move-to")
            } else if args.imap_password_file.is_some() {
                Some("--imap-password-file")
            } else {
                None
            };
            if let Some(flag) = flag {
                return Err(Error::InvalidArgument(format!(
                    "{flag} needs an IMAP input: name a mailbox as imaps://USER@HOST/MAILBOX"
                )));
            }
            return Ok(None);
        }
        let password = match &args.imap_password_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                text.lines().next().unwrap_or_default().to_string()
            }
            None => std::env::var(PASSWORD_VAR).unwrap_or_default(),
        };
        if password.chars().any(char::is_control) {
            return Err(Error::InvalidArgument(
                "the IMAP password holds a control character (a line break?); IMAP LOGIN cannot send it".into(),
            ));
        }
        if password.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "no IMAP password: set {PASSWORD_VAR}, or put it in a file and give --imap-password-file FILE"
            )));
        }
        if let Some(folder) = &args.imap_move_to {
            check_mailbox_name(folder)
                .map_err(|e| Error::InvalidArgument(format!("--imap-move-to: {e}")))?;
        }
        Ok(Some(ImapConfig {
            mailboxes,
            password: Password(password),
            trust: Trust::new(args.ca_file.as_deref())?,
            move_to: args.imap_move_to.clone(),
            timeout: args.timeout,
        }))
    }
}

impl ReportConfig {
    /// A path that does not exist is the user's mistake, not a bad input
    /// among good ones: the run stops before reading anything.
    pub fn from_args(args: &ReportArgs, clock: &Clock) -> Result<ReportConfig> {
        let mut paths = Vec::new();
        let mut mailboxes = Vec::new();
        for p in &args.paths {
            match p.to_str().filter(|s| MailboxUrl::is_url(s)) {
                Some(url) => {
                    mailboxes.push(MailboxUrl::parse(url).map_err(Error::InvalidArgument)?)
                }
                None => paths.push(p.clone()),
            }
        }
        if let Some(missing) = paths.iter().find(|p| !p.exists()) {
            return Err(Error::Read {
                path: missing.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such file or directory",
                ),
            });
        }
        let imap = ImapConfig::from_args(args, mailboxes)?;
        Ok(ReportConfig {
            paths,
            imap,
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
