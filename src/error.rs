//! The errors a command can end with. Each carries what went wrong and what
//! to do about it; the binary renders it as one line on stderr and exits 2.

use std::path::PathBuf;

use thiserror::Error;

use crate::fsutil::Flag;
use crate::model::Mode;

#[derive(Debug, Error)]
pub enum Error {
    #[error("--format {format} needs the owner name: add --domain, e.g. --domain contoso.com")]
    FormatNeedsDomain { format: &'static str },
    #[error(
        "mode {mode} needs at least one MX pattern: add --mx HOST for each MX host, or --provider NAME for a hosted mail service"
    )]
    NoMx { mode: Mode },
    #[error(
        "{path} already exists with different content; add --force to replace it, or choose another {}",
        .flag.name
    )]
    OutputExists { path: PathBuf, flag: Flag },
    #[error("{path} is a directory; {}", is_dir_fix(.path, .flag))]
    OutputIsDir { path: PathBuf, flag: Flag },
    #[error("cannot write {path}: {source}{}", write_fix(.source))]
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
        "no input: give a policy FILE, '-' to read standard input, --record 'v=STSv1; id=…' or --tlsrpt 'v=TLSRPTv1; rua=…'"
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
    CaFile(#[from] crate::probe::tls::TrustError),
    #[error("{0}")]
    TrustAnchor(#[from] crate::probe::dnssec::AnchorError),
    #[error("{file}:{line}: {error}")]
    BadDomainLine {
        file: String,
        line: usize,
        error: crate::model::DomainError,
    },
    #[error("--state {path} is not a directory; name a directory (it is created if missing)")]
    StateNotDir { path: String },
    #[error("cannot update the --state directory {path}: {source}")]
    StateWrite {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Resolver(String),
    #[error("{path} is not a valid policy ({first}); `mtasts lint {path}` lists every problem")]
    InvalidPolicyFile { path: String, first: String },
    #[error("{dir} is not a directory written by `mtasts init` ({why})")]
    NotAProject { dir: PathBuf, why: String },
    #[error(
        "{} already exist{} with other content; nothing was written. Choose another --out, or use `mtasts promote`/`retire` to change an existing deployment",
        .paths.join(", "),
        if .paths.len() == 1 { "s" } else { "" }
    )]
    ProjectExists { paths: Vec<String> },
    #[error("{0}")]
    InvalidArgument(String),
    #[error("{0}")]
    CertFile(#[from] crate::config::tlsa::CertFileError),
    #[error("writing output: {0}")]
    Output(std::io::Error),
    #[error("cannot start the async runtime: {0}")]
    AsyncRuntime(std::io::Error),
    /// An IMAP input that cannot be read (unreachable, untrusted, login
    /// refused, no such mailbox), or a move that failed; `why` says which.
    #[error("{url}: {why}")]
    Imap { url: String, why: String },
}

/// What to do when a directory stands where a file is to be written: name
/// a file, when the option named it; otherwise (a file of fixed name under
/// a directory) move the directory away.
fn is_dir_fix(path: &std::path::Path, flag: &Flag) -> String {
    match flag.example {
        Some(example) => format!(
            "{} needs a file name such as {}",
            flag.name,
            path.join(example).display()
        ),
        None => "a file of that name is to be written there: remove or rename the directory".into(),
    }
}

/// The fix for a file that cannot be written, where the reason tells it.
fn write_fix(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "; its directory does not exist: create it first",
        std::io::ErrorKind::PermissionDenied => "; choose a place you may write to",
        _ => "",
    }
}

impl Error {
    /// A stable, kebab-case name for the kind of error, for scripts and
    /// tests; the message may be reworded, the code may not.
    pub fn code(&self) -> &'static str {
        match self {
            Error::FormatNeedsDomain { .. } => "format-needs-domain",
            Error::NoMx { .. } => "no-mx",
            Error::OutputExists { .. } => "output-exists",
            Error::OutputIsDir { .. } => "output-is-dir",
            Error::Write { .. } => "write",
            Error::Read { .. } => "read",
            Error::InputTooLarge { .. } => "input-too-large",
            Error::NoLintInput => "no-lint-input",
            Error::NoDomains => "no-domains",
            Error::CannotDeriveMx { .. } => "cannot-derive-mx",
            Error::UncoveredMx { .. } => "uncovered-mx",
            Error::AlreadyEnforcing { .. } => "already-enforcing",
            Error::CaFile(_) => "ca-file",
            Error::TrustAnchor(_) => "trust-anchor",
            Error::BadDomainLine { .. } => "bad-domain-line",
            Error::StateNotDir { .. } => "state-not-dir",
            Error::StateWrite { .. } => "state-write",
            Error::Resolver(_) => "resolver",
            Error::InvalidPolicyFile { .. } => "invalid-policy-file",
            Error::NotAProject { .. } => "not-a-project",
            Error::ProjectExists { .. } => "project-exists",
            Error::InvalidArgument(_) => "invalid-argument",
            Error::CertFile(_) => "cert-file",
            Error::Output(_) => "output",
            Error::AsyncRuntime(_) => "async-runtime",
            Error::Imap { .. } => "imap",
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_kebab_case_and_distinct() {
        let io = || std::io::Error::other("x");
        let all = [
            Error::FormatNeedsDomain { format: "zone" },
            Error::NoMx {
                mode: Mode::Enforce,
            },
            Error::OutputExists {
                path: "a".into(),
                flag: Flag::OUTPUT,
            },
            Error::OutputIsDir {
                path: "a".into(),
                flag: Flag::HTML,
            },
            Error::Write {
                path: "a".into(),
                source: io(),
            },
            Error::Read {
                path: "a".into(),
                source: io(),
            },
            Error::InputTooLarge {
                path: "a".into(),
                limit: 1,
            },
            Error::NoLintInput,
            Error::NoDomains,
            Error::CannotDeriveMx { why: "x".into() },
            Error::UncoveredMx {
                hosts: vec!["mx".into()],
            },
            Error::AlreadyEnforcing { path: "a".into() },
            Error::CaFile(crate::probe::tls::TrustError::Empty { path: "a".into() }),
            Error::TrustAnchor(crate::probe::dnssec::AnchorError::Empty { path: "a".into() }),
            Error::BadDomainLine {
                file: "f".into(),
                line: 2,
                error: crate::model::Domain::parse("").unwrap_err(),
            },
            Error::StateNotDir { path: "a".into() },
            Error::StateWrite {
                path: "a".into(),
                source: io(),
            },
            Error::Resolver("x".into()),
            Error::InvalidPolicyFile {
                path: "a".into(),
                first: "x".into(),
            },
            Error::NotAProject {
                dir: "a".into(),
                why: "x".into(),
            },
            Error::ProjectExists {
                paths: vec!["a".into()],
            },
            Error::InvalidArgument("x".into()),
            Error::CertFile(crate::config::tlsa::CertFileError::Empty {
                flag: "--cert",
                path: "a".into(),
            }),
            Error::Output(io()),
            Error::AsyncRuntime(io()),
        ];
        let mut seen = std::collections::HashSet::new();
        for e in &all {
            let c = e.code();
            assert!(seen.insert(c), "{c} twice");
            assert!(
                c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{c}"
            );
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(
            Error::BadDomainLine {
                file: "list".into(),
                line: 2,
                error: crate::model::Domain::parse("").unwrap_err(),
            }
            .to_string()
            .split(": ")
            .next(),
            Some("list:2")
        );
    }
}
