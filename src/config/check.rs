//! The configuration of `check`.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use crate::check::rules::expiry::ExpiryWarn;
use crate::check::state::{StateDir, StateError};
use crate::cli::CheckArgs;
use crate::error::Error;
use crate::model::Domain;
use crate::probe::ConnectTo;
use crate::probe::tls::Trust;
use crate::{Result, text};

/// How to reach things: what the probes need.
#[derive(Debug, Clone)]
pub struct ProbeConfig {
    /// Send every DNS query to this server; `None`: the system resolver.
    pub resolver: Option<SocketAddr>,
    /// The roots certificates must chain to (the web PKI, plus `--ca-file`).
    pub trust: Trust,
    /// Bound of each network operation.
    pub timeout: Duration,
    /// Probe the MX hosts over SMTP (`--no-smtp` turns it off).
    pub smtp: bool,
    /// 443 and 25 for real; tests use ephemeral ports.
    pub https_port: u16,
    pub smtp_port: u16,
    /// `--connect-to` rules.
    pub connect_to: Vec<ConnectTo>,
}

/// How `check` prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people, with [`Detail`] deciding how much of each domain.
    Human,
    /// One JSON document (`--json`), the domains in input order.
    Json,
    /// One JSON object per line (`--jsonl`), each domain as it completes.
    Jsonl,
    /// A header row, then one row per domain (`--csv`) as it completes.
    Csv,
}

impl Format {
    /// Whether domains are printed in input order, held back until those
    /// before them are done. Only `--json` is: it promises the document of
    /// earlier releases byte for byte. The other formats print each domain
    /// as soon as it completes (JSONL and CSV carry the input position).
    pub fn in_input_order(self) -> bool {
        self == Format::Json
    }
}

/// How much of each domain the human output shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every check, with the record, the policy and the MX addresses: one
    /// domain, or `--verbose`.
    Full,
    /// A passing domain is one line; any other shows only its warnings
    /// and failures, with their fixes: several domains.
    Compact,
}

/// Everything `check` needs, validated.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// The domains from the arguments, then from `--file`, each once, in
    /// order; never empty. A domain's index here is its input position
    /// (JSONL's `position`).
    pub domains: Vec<Domain>,
    pub probe: ProbeConfig,
    /// How many domains are checked at once.
    pub concurrency: usize,
    /// `--state`: where each domain's id and policy digest are remembered.
    pub state: Option<StateDir>,
    /// `--expiry-warn DAYS`: a certificate that verifies but ends within
    /// the window is a warning; 0 is [`ExpiryWarn::Off`].
    pub expiry_warn: ExpiryWarn,
    pub format: Format,
    /// For [`Format::Human`].
    pub detail: Detail,
}

impl CheckConfig {
    /// The domains this run checks, with their input positions.
    pub fn selected(&self) -> impl Iterator<Item = (usize, &Domain)> {
        self.domains.iter().enumerate()
    }

    /// Reads `--file` and `--ca-file`; every problem is a usage error.
    pub fn from_args(args: &CheckArgs) -> Result<CheckConfig> {
        let domains = collect_domains(&args.domains, args.file.as_deref())?;
        let trust = Trust::new(args.ca_file.as_deref())?;
        let state = match &args.state {
            Some(dir) => Some(StateDir::open(dir).map_err(|source| match source {
                StateError::NotDir => Error::StateNotDir {
                    path: text::escape(&dir.display().to_string()),
                },
                StateError::Io(source) => Error::StateWrite {
                    path: dir.clone(),
                    source,
                },
            })?),
            None => None,
        };
        Ok(CheckConfig {
            probe: ProbeConfig {
                resolver: args.resolver,
                trust,
                timeout: args.timeout,
                smtp: !args.no_smtp,
                https_port: args.policy_port,
                smtp_port: args.smtp_port,
                connect_to: args.connect_to.clone(),
            },
            concurrency: usize::from(args.concurrency),
            state,
            expiry_warn: ExpiryWarn::from_days(args.expiry_warn),
            format: match (args.json, args.jsonl, args.csv) {
                (true, _, _) => Format::Json,
                (_, true, _) => Format::Jsonl,
                (_, _, true) => Format::Csv,
                _ => Format::Human,
            },
            detail: if args.verbose || domains.len() == 1 {
                Detail::Full
            } else {
                Detail::Compact
            },
            domains,
        })
    }
}

/// Domains from the arguments, then from `file` (one per line, `#`
/// comments, `-` for standard input), deduplicated in order.
fn collect_domains(given: &[Domain], file: Option<&Path>) -> Result<Vec<Domain>> {
    let mut domains = given.to_vec();
    if let Some(path) = file {
        let (name, reader): (String, Box<dyn BufRead>) = if path.as_os_str() == "-" {
            ("<stdin>".into(), Box::new(std::io::stdin().lock()))
        } else {
            let f = std::fs::File::open(path).map_err(|source| Error::Read {
                path: path.display().to_string(),
                source,
            })?;
            (
                path.display().to_string(),
                Box::new(std::io::BufReader::new(f)),
            )
        };
        domains.extend(parse_domain_list(&name, reader)?);
    }
    let mut seen = std::collections::HashSet::new();
    domains.retain(|d| seen.insert(d.clone()));
    if domains.is_empty() {
        return Err(Error::NoDomains);
    }
    Ok(domains)
}

/// One domain per line; `#` starts a comment; blank lines are skipped. A
/// bad name is an error naming its line.
fn parse_domain_list(name: &str, reader: impl BufRead) -> Result<Vec<Domain>> {
    let mut domains = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|source| Error::Read {
            path: name.to_string(),
            source,
        })?;
        let text = line.split('#').next().unwrap_or_default().trim();
        if text.is_empty() {
            continue;
        }
        let d = Domain::parse(text).map_err(|error| Error::BadDomainLine {
            file: name.to_string(),
            line: i + 1,
            error,
        })?;
        domains.push(d);
    }
    Ok(domains)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_lists_skip_comments_and_name_the_bad_line() {
        let list = "# hosted\nexample.test\n\n  Example.ORG.  # a customer\n";
        let d = parse_domain_list("list", list.as_bytes()).unwrap();
        assert_eq!(
            d.iter().map(Domain::as_str).collect::<Vec<_>>(),
            ["example.test", "example.org"]
        );
        let err = parse_domain_list("list", "example.test\nnot a domain\n".as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("list:2: "), "{err}");
    }

    #[test]
    fn domains_are_deduplicated_in_order_and_required() {
        let a = Domain::parse("a.test").unwrap();
        let b = Domain::parse("b.test").unwrap();
        let d = collect_domains(&[b.clone(), a.clone(), b.clone()], None).unwrap();
        assert_eq!(d, [b, a]);
        assert!(matches!(collect_domains(&[], None), Err(Error::NoDomains)));
    }
}
