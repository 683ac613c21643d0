//! `lint`'s configuration: the input, read in full, the policy's domain,
//! and how to show the result.

use std::io::{IsTerminal, Read};
use std::path::Path;

use crate::Result;
use crate::cli::LintArgs;
use crate::error::Error;
use crate::model::Domain;
use crate::model::lint::LintInput;

/// Local files larger than this are not read at all: far past the 64 KiB
/// senders accept, so nothing useful can come of parsing them.
pub const READ_LIMIT: usize = 1024 * 1024;

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintFormat {
    /// `NAME:LINE: severity[code]: message` lines, or an `ok` line.
    Human,
    /// One JSON document on stdout.
    Json,
}

/// Everything `lint` needs, decided before anything is judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintConfig {
    /// The name findings are shown under: the file's path (escaped),
    /// `<stdin>`, `<record>` or `<tlsrpt>`.
    pub name: String,
    pub input: LintInput,
    /// The policy's own domain, for the warning about an `mx` wildcard over
    /// all of it.
    pub domain: Option<Domain>,
    pub format: LintFormat,
}

impl LintConfig {
    /// Reads the policy file (or standard input) the arguments name; a
    /// record value is taken as given. An unreadable or oversized file, or
    /// no input at all, is a usage error.
    pub fn from_args(args: &LintArgs) -> Result<LintConfig> {
        let (name, input) = if let Some(value) = &args.record {
            ("<record>".to_string(), LintInput::Record(value.clone()))
        } else if let Some(value) = &args.tlsrpt {
            ("<tlsrpt>".to_string(), LintInput::TlsRpt(value.clone()))
        } else {
            let (name, body) = read_policy(args.file.as_deref())?;
            (name, LintInput::Policy(body))
        };
        Ok(LintConfig {
            name,
            input,
            domain: args.domain.clone(),
            format: if args.json {
                LintFormat::Json
            } else {
                LintFormat::Human
            },
        })
    }
}

/// Reads the policy from `file`, or standard input for none or `-`. A
/// terminal on standard input means the user forgot the input: waiting for
/// them to type a policy would look like a hang.
fn read_policy(file: Option<&Path>) -> Result<(String, Vec<u8>)> {
    match file {
        Some(p) if p.as_os_str() != "-" => {
            let name = crate::text::escape(&p.display().to_string());
            let body = std::fs::File::open(p)
                .map_err(|source| Error::Read {
                    path: name.clone(),
                    source,
                })
                .and_then(|mut f| read_limited(&name, &mut f))?;
            Ok((name, body))
        }
        None if std::io::stdin().is_terminal() => Err(Error::NoLintInput),
        _ => {
            let name = "<stdin>".to_string();
            let body = read_limited(&name, &mut std::io::stdin().lock())?;
            Ok((name, body))
        }
    }
}

/// Reads at most [`READ_LIMIT`] bytes; more is an error, not a truncation.
fn read_limited(name: &str, reader: &mut dyn Read) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    reader
        .take(READ_LIMIT as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|source| Error::Read {
            path: name.to_string(),
            source,
        })?;
    if body.len() > READ_LIMIT {
        return Err(Error::InputTooLarge {
            path: name.to_string(),
            limit: READ_LIMIT,
        });
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn config(args: &[&str]) -> Result<LintConfig> {
        let cli = crate::cli::Cli::try_parse_from(["mtasts", "lint"].iter().chain(args))
            .expect("valid arguments");
        match cli.command {
            crate::cli::Command::Lint(args) => LintConfig::from_args(&args),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn record_values_are_taken_as_given() {
        let c = config(&["--record", "v=STSv1; id=1", "--json"]).unwrap();
        assert_eq!(c.name, "<record>");
        assert_eq!(c.input, LintInput::Record("v=STSv1; id=1".into()));
        assert_eq!(c.format, LintFormat::Json);
        let c = config(&["--tlsrpt", "v=TLSRPTv1", "--domain", "Contoso.COM."]).unwrap();
        assert_eq!(c.name, "<tlsrpt>");
        assert_eq!(c.input, LintInput::TlsRpt("v=TLSRPTv1".into()));
        assert_eq!(c.format, LintFormat::Human);
        assert_eq!(c.domain, Some(Domain::parse("contoso.com").unwrap()));
    }

    #[test]
    fn reading_stops_past_the_limit() {
        let exact = vec![b'a'; READ_LIMIT];
        assert_eq!(read_limited("f", &mut exact.as_slice()).unwrap(), exact);
        let over = vec![b'a'; READ_LIMIT + 1];
        assert!(matches!(
            read_limited("f", &mut over.as_slice()),
            Err(Error::InputTooLarge {
                limit: READ_LIMIT,
                ..
            })
        ));
    }
}
