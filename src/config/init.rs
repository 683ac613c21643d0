//! `init`: which domain, where to write, how to find the MX hosts, and
//! everything the directory will publish besides the mx patterns (which
//! may have to wait for the live MX records).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::InitArgs;
use crate::error::{Error, Result};
use crate::generate::hosting::{Options, Target};
use crate::model::{Domain, MaxAge, Mode, MxPattern, RuaUri};
use crate::probe::dnssec::Anchors;

/// Where the policy's mx patterns come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MxSource {
    /// `--mx`, as given (never empty).
    Given(Vec<MxPattern>),
    /// Derived from the live MX records.
    Live,
}

#[derive(Debug, Clone)]
pub struct InitConfig {
    pub domain: Domain,
    /// `--out`, default `mta-sts-DOMAIN` in the working directory.
    pub dir: PathBuf,
    pub mode: Mode,
    /// `--max-age`; without it the mode's default, decided by
    /// [`crate::config::policy::PolicyConfig`].
    pub max_age: Option<MaxAge>,
    pub mx: MxSource,
    /// Write the policy even when a live MX host is left uncovered.
    pub allow_uncovered: bool,
    /// `--rua`, default `mailto:tlsrpt@DOMAIN`.
    pub rua: Vec<RuaUri>,
    /// `--host`, each target once, in the order given.
    pub hosts: Vec<Target>,
    pub hosting: Options,
    /// The DNS server for the MX lookup (the system's when `None`) and the
    /// bound of each query.
    pub resolver: Option<SocketAddr>,
    pub timeout: Duration,
    /// `--trust-anchor FILE`, or the root's keys: whether the MX RRset is
    /// DNSSEC-secure decides if the checklist has the DANE steps.
    pub anchors: Anchors,
}

impl InitConfig {
    pub fn from_args(args: &InitArgs) -> Result<InitConfig> {
        let domain = args.domain.clone();
        let rua = if args.rua.is_empty() {
            vec![
                RuaUri::parse(&format!("mailto:tlsrpt@{domain}"))
                    .map_err(|e| Error::InvalidArgument(e.to_string()))?,
            ]
        } else {
            args.rua.clone()
        };
        let mut hosts = Vec::new();
        for h in &args.hosts {
            if !hosts.contains(h) {
                hosts.push(*h);
            }
        }
        let anchors = match &args.trust_anchor {
            Some(path) => Anchors::from_file(path)?,
            None => Anchors::root(),
        };
        Ok(InitConfig {
            anchors,
            dir: args
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from(format!("mta-sts-{domain}"))),
            mode: args.mode,
            max_age: args.max_age,
            mx: if args.mx.is_empty() {
                MxSource::Live
            } else {
                MxSource::Given(args.mx.clone())
            },
            allow_uncovered: args.allow_uncovered,
            rua,
            hosts,
            hosting: super::hosting::options(&args.hosting),
            resolver: args.resolver,
            timeout: args.timeout,
            domain,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn config(args: &[&str]) -> InitConfig {
        let cli = crate::cli::Cli::try_parse_from(["mtasts", "init"].iter().chain(args)).unwrap();
        match cli.command {
            crate::cli::Command::Init(a) => InitConfig::from_args(&a).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults_follow_the_domain() {
        let c = config(&["Contoso.COM."]);
        assert_eq!(c.domain.as_str(), "contoso.com");
        assert_eq!(c.dir, PathBuf::from("mta-sts-contoso.com"));
        assert_eq!(c.rua.len(), 1);
        assert_eq!(c.rua[0].as_str(), "mailto:tlsrpt@contoso.com");
        assert_eq!(c.mx, MxSource::Live);
        assert_eq!(c.mode, Mode::Testing);
        assert_eq!(c.max_age, None);
        assert_eq!(c.timeout, Duration::from_secs(10));
        assert!(c.resolver.is_none() && c.hosts.is_empty() && !c.allow_uncovered);
    }

    #[test]
    fn flags_override_and_hosts_are_kept_once() {
        let c = config(&[
            "contoso.com",
            "--out",
            "d",
            "--rua",
            "https://r.contoso.com/",
            "--host",
            "nginx",
            "--host",
            "static",
            "--host",
            "nginx",
            "--mx",
            "mx1.contoso.com",
            "--resolver",
            "127.0.0.1:5353",
            "--timeout",
            "2",
            "--webroot",
            "/srv",
        ]);
        assert_eq!(c.dir, PathBuf::from("d"));
        assert_eq!(c.rua[0].as_str(), "https://r.contoso.com/");
        assert_eq!(c.hosts, [Target::Nginx, Target::Static]);
        assert_eq!(
            c.mx,
            MxSource::Given(vec![MxPattern::parse("mx1.contoso.com").unwrap()])
        );
        assert_eq!(c.resolver, Some("127.0.0.1:5353".parse().unwrap()));
        assert_eq!(c.timeout, Duration::from_secs(2));
        assert_eq!(c.hosting.webroot.as_deref(), Some("/srv"));
    }
}
