//! The errors a command can end with. Each carries what went wrong and what
//! to do about it; the binary renders it as one line on stderr and exits 2.

use std::path::PathBuf;

use thiserror::Error;

use crate::model::Mode;

#[derive(Debug, Error)]
pub enum Error {
    #[error("--format {format} needs the owner name: add --domain, e.g. --domain contoso.com")]
    FormatNeedsDomain { format: &'static str },
    #[error(
        "mode {mode} needs at least one MX pattern: add --mx HOST (or --mx '*.DOMAIN') or --provider NAME"
    )]
    NoMx { mode: Mode },
    #[error(
        "{path} already exists with different content; add --force to replace it, or choose another --output"
    )]
    OutputExists { path: PathBuf },
    #[error("{path} is a directory; --output needs a file name such as {path}/mta-sts.txt")]
    OutputIsDir { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is larger than {limit} bytes; it cannot be an MTA-STS policy")]
    InputTooLarge { path: String, limit: usize },
    #[error(
        "no input: give a policy FILE, '-' to read standard input, or --record 'v=STSv1; id=…'"
    )]
    NoLintInput,
    #[error("no domain given: name one or more domains, or use --file FILE")]
    NoDomains,
    #[error("cannot derive mx patterns: {why}; name them with --mx HOST (repeatable)")]
    CannotDeriveMx { why: String },
    #[error(
        "the policy would not cover the live MX host{} {}: add --mx {} (or --allow-uncovered to write it anyway); nothing was written",
        if .hosts.len() == 1 { "" } else { "s" },
        .hosts.join(", "),
        .hosts.join(" --mx ")
    )]
    UncoveredMx { hosts: Vec<String> },
    #[error("{path} is already in enforce mode; nothing to promote")]
    AlreadyEnforcing { path: PathBuf },
    #[error("{0}")]
    InvalidArgument(String),
    #[error("writing output: {0}")]
    Output(std::io::Error),
    #[error("{0}")]
    Runtime(String),
}

impl Error {
    /// A closed pipe (`mtasts … | head`) is not an error worth reporting.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Output(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
