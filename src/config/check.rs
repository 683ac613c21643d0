//! The configuration of `check`.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use crate::check::facts::Budget;
use crate::check::rules::expiry::ExpiryWarn;
use crate::check::state::{StateDir, StateError};
use crate::cli::CheckArgs;
use crate::error::Error;
use crate::model::Domain;
use crate::probe::ConnectTo;
use crate::probe::dnssec::Anchors;
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
    /// Bound of all of one domain's checks together (`--domain-timeout`):
    /// what is unfinished then is reported as timed out.
    pub domain_timeout: Budget,
    /// At most this many connections open to one IP address at a time,
    /// SMTP probes and policy fetches together (`--per-address`, ≥ 1).
    pub per_address: u16,
    /// Probe the MX hosts over SMTP (`--no-smtp` turns it off).
    pub smtp: bool,
    /// 443 and 25 for real; tests use ephemeral ports.
    pub https_port: u16,
    pub smtp_port: u16,
    /// `--connect-to` rules.
    pub connect_to: Vec<ConnectTo>,
    /// What DNSSEC validation starts from: the root's keys, or
    /// `--trust-anchor FILE`.
    pub anchors: Anchors,
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

/// `--shard K/N`: part K (counted from 0, like Kubernetes'
/// `JOB_COMPLETION_INDEX` and Slurm's `--array=0-…`) of N disjoint parts of
/// the input. A domain belongs to part [`Shard::part_of`]: the first eight
/// bytes of the SHA-256 of its normalised name (lower case, A-labels, no
/// trailing dot), read as a big-endian integer, modulo N. A fixed function
/// of the name alone, so the parts are the same on every machine, in every
/// run and release, and whatever the order of the list; std's hasher is
/// seeded per process and would not be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Always below `count`.
    index: u32,
    count: std::num::NonZeroU32,
}

impl Shard {
    /// Parses `K/N`; the message of an error says what a valid value is.
    pub fn parse(s: &str) -> std::result::Result<Shard, String> {
        let shown = text::escape(s);
        let (k, n) = s.split_once('/').ok_or_else(|| {
            format!(
                "'{shown}' is not K/N: write the part, a slash and the number of parts, e.g. 0/4"
            )
        })?;
        let (Ok(index), Ok(count)) = (k.trim().parse::<u32>(), n.trim().parse::<u32>()) else {
            return Err(format!(
                "'{shown}' is not K/N with whole numbers K and N, e.g. 0/4"
            ));
        };
        let count = std::num::NonZeroU32::new(count)
            .ok_or_else(|| format!("'{shown}': N, the number of parts, must be at least 1"))?;
        if index >= count.get() {
            return Err(format!(
                "'{shown}': K counts from 0, so it must be below N (0/{count} to {}/{count})",
                count.get() - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// Which of `count` parts `domain` belongs to.
    pub fn part_of(domain: &Domain, count: std::num::NonZeroU32) -> u32 {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(domain.as_str().as_bytes());
        let mut head = [0u8; 8];
        head.copy_from_slice(&digest[..8]);
        // The remainder is below `count`, a u32.
        (u64::from_be_bytes(head) % u64::from(count.get())) as u32
    }

    /// Whether this part checks `domain`.
    pub fn contains(&self, domain: &Domain) -> bool {
        Shard::part_of(domain, self.count) == self.index
    }
}

/// Everything `check` needs, validated.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// The domains from the arguments, then from `--file`, each once, in
    /// order; never empty. A domain's index here is its input position
    /// (JSONL's `position`), with or without `--shard`.
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
    /// `--shard`: only the domains of this part are checked; `None`: all.
    pub shard: Option<Shard>,
}

impl CheckConfig {
    /// The domains this run checks, with their input positions: all of
    /// them, or those of the `--shard`.
    pub fn selected(&self) -> impl Iterator<Item = (usize, &Domain)> {
        self.domains
            .iter()
            .enumerate()
            .filter(|(_, d)| self.shard.is_none_or(|s| s.contains(d)))
    }

    /// Reads `--file`, `--ca-file` and `--trust-anchor`; every problem is
    /// a usage error.
    pub fn from_args(args: &CheckArgs) -> Result<CheckConfig> {
        let domains = collect_domains(&args.domains, args.file.as_deref())?;
        let trust = Trust::new(args.ca_file.as_deref())?;
        let anchors = match &args.trust_anchor {
            Some(path) => Anchors::from_file(path)?,
            None => Anchors::root(),
        };
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
                domain_timeout: Budget(args.domain_timeout),
                per_address: args.per_address,
                smtp: !args.no_smtp,
                https_port: args.policy_port,
                smtp_port: args.smtp_port,
                connect_to: args.connect_to.clone(),
                anchors,
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
            // Decided on the whole input, not on what a shard holds: the
            // parts of one list all look alike.
            detail: if args.verbose || domains.len() == 1 {
                Detail::Full
            } else {
                Detail::Compact
            },
            shard: args.shard,
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

    fn parts(name: &str, count: u32) -> u32 {
        Shard::part_of(
            &Domain::parse(name).unwrap(),
            std::num::NonZeroU32::new(count).unwrap(),
        )
    }

    /// Fixed values, computed outside with
    /// `printf %s NAME | sha256sum`: a change of the function would move
    /// domains between the parts of running fleets, and must show here.
    #[test]
    fn the_part_of_a_domain_is_a_fixed_function_of_its_name() {
        // (name, part of 2, of 4, of 7, of 1000)
        let expected = [
            ("example.com", [1, 1, 5, 309]),
            ("example.test", [1, 1, 3, 169]),
            ("xn--maana-pta.test", [1, 1, 2, 309]),
            ("a.test", [0, 2, 6, 566]),
        ];
        for (name, want) in expected {
            let got = [2, 4, 7, 1000].map(|n| parts(name, n));
            assert_eq!(got, want, "{name}");
        }
        // The normalised name is hashed: case, a trailing dot and U-labels
        // do not move a domain.
        assert_eq!(parts("EXAMPLE.com.", 1000), 309);
        assert_eq!(parts("mañana.test", 1000), 309);
        assert_eq!(parts("anything.test", 1), 0);
    }

    #[test]
    fn shards_count_from_zero_and_reject_what_is_not_k_of_n() {
        let s = Shard::parse("3/4").unwrap();
        assert!(
            s.contains(&Domain::parse("example.com").unwrap()) == (parts("example.com", 4) == 3)
        );
        assert!(Shard::parse("0/1").is_ok());
        for (bad, says) in [
            ("4/4", "below N"),
            ("1/0", "at least 1"),
            ("0/0", "at least 1"),
            ("-1/4", "whole numbers"),
            ("a/4", "whole numbers"),
            ("1", "K/N"),
            ("", "K/N"),
            ("1/2/3", "whole numbers"),
        ] {
            let err = Shard::parse(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn every_domain_is_in_exactly_one_part() {
        let names: Vec<Domain> = (0..500)
            .map(|i| Domain::parse(&format!("d{i}.test")).unwrap())
            .collect();
        for n in [1u32, 2, 3, 8] {
            let shards: Vec<Shard> = (0..n)
                .map(|k| Shard::parse(&format!("{k}/{n}")).unwrap())
                .collect();
            for d in &names {
                assert_eq!(shards.iter().filter(|s| s.contains(d)).count(), 1);
            }
            // Not all in one part: the hash spreads them.
            if n > 1 {
                for s in &shards {
                    let share = names.iter().filter(|d| s.contains(d)).count();
                    assert!(share > 500 / n as usize / 2, "{s:?}: {share}");
                }
            }
        }
    }
}
