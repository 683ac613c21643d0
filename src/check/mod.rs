//! `check`: everything a sending MTA does with a domain's MTA-STS
//! deployment, turned into findings.
//!
//! The engine here gathers [facts](facts) with the [probes](crate::probe)
//! (the TXT lookups, the policy fetch and the MX chain concurrently, and
//! all MX hosts and all their addresses too), then hands them to the
//! [rules], which judge them against the [catalogue]. Nothing here prints;
//! [`crate::printer::check`] does.

pub mod catalogue;
pub mod facts;
pub mod finding;
pub mod rules;
pub mod state;

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use futures::future::join_all;
use serde::Serialize;

use crate::Clock;
use crate::config::check::ProbeConfig;
use crate::model::Domain;
use crate::probe::dns::{self, Dns, Mx};
use crate::probe::{ConnectTo, https, smtp, tls};
pub use catalogue::CheckId;
use facts::{Gathered, HostData};
pub use finding::{Finding, Status};
use state::Memory;

/// The probes, ready to run: built once per run from the configuration.
pub struct Engine {
    dns: Dns,
    trust: tls::Trust,
    timeout: Duration,
    probing: rules::smtp::Probing,
    https_port: u16,
    smtp_port: u16,
    connect_to: Vec<ConnectTo>,
    expiry_warn: rules::expiry::ExpiryWarn,
    clock: Clock,
}

impl Engine {
    /// Builds the resolver and the TLS clients. Must run inside the async
    /// runtime the checks will run on. `expiry_warn` and `clock` are for
    /// the rules.
    pub fn new(
        cfg: &ProbeConfig,
        expiry_warn: rules::expiry::ExpiryWarn,
        clock: Clock,
    ) -> Result<Engine, String> {
        Ok(Engine {
            dns: Dns::new(cfg.resolver, cfg.timeout)?,
            trust: cfg.trust.clone(),
            timeout: cfg.timeout,
            probing: if cfg.smtp {
                rules::smtp::Probing::Done
            } else {
                rules::smtp::Probing::Skipped
            },
            https_port: cfg.https_port,
            smtp_port: cfg.smtp_port,
            connect_to: cfg.connect_to.clone(),
            expiry_warn,
            clock,
        })
    }

    /// Checks one domain; `memory` is what `--state` remembered of it.
    pub async fn check(&self, domain: &Domain, memory: Option<&Memory>) -> DomainReport {
        let started = Instant::now();
        let gathered = self.gather(domain).await;
        let cx = rules::Context {
            probing: self.probing,
            memory,
            clock: &self.clock,
            expiry_warn: self.expiry_warn,
        };
        let mut report = rules::judge(domain, &gathered, &cx);
        report.elapsed_ms = started.elapsed().as_millis() as u64;
        report
    }

    async fn gather(&self, domain: &Domain) -> Gathered {
        let sts_name = domain.sts_record_name();
        let tlsrpt_name = domain.tlsrpt_record_name();
        let sts = self.dns.txt(&sts_name);
        let tlsrpt = self.dns.txt(&tlsrpt_name);
        let policy = async {
            let host = domain.policy_host();
            let (a, aaaa) = self.dns.addresses(&host).await;
            let addrs: Vec<SocketAddr> =
                match ConnectTo::find(&self.connect_to, &host, self.https_port) {
                    Some(target) => vec![target],
                    None => dns::merge_addresses(&a, &aaaa)
                        .map(|m| m.records)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|ip| SocketAddr::new(ip, self.https_port))
                        .collect(),
                };
            let fetch = https::fetch(&self.trust, &host, &addrs, self.timeout).await;
            (a, aaaa, fetch)
        };
        let mx_chain = async {
            let mx = self.dns.mx(domain.as_str()).await;
            // Records come sorted by preference: keep each host once, at its
            // most preferred entry.
            let mut hosts: Vec<Mx> = Vec::new();
            if let Ok(answer) = &mx {
                for m in answer.records.iter().filter(|m| !m.host.is_empty()) {
                    if !hosts.iter().any(|h| h.host == m.host) {
                        hosts.push(m.clone());
                    }
                }
            }
            let data = join_all(hosts.into_iter().map(|m| self.host_data(m))).await;
            (mx, data)
        };
        let (sts_txt, tlsrpt_txt, (policy_a, policy_aaaa, fetch), (mx, hosts)) =
            tokio::join!(sts, tlsrpt, policy, mx_chain);
        Gathered {
            sts_txt,
            tlsrpt_txt,
            policy_a,
            policy_aaaa,
            fetch,
            mx,
            hosts,
        }
    }

    async fn host_data(&self, mx: Mx) -> HostData {
        let (a, aaaa) = self.dns.addresses(&mx.host).await;
        let addresses: Vec<IpAddr> = dns::merge_addresses(&a, &aaaa)
            .map(|m| m.records)
            .unwrap_or_default();
        let targets: Vec<SocketAddr> =
            match ConnectTo::find(&self.connect_to, &mx.host, self.smtp_port) {
                Some(target) => vec![target],
                None => addresses
                    .iter()
                    .map(|ip| SocketAddr::new(*ip, self.smtp_port))
                    .collect(),
            };
        let probes = match self.probing {
            rules::smtp::Probing::Done => {
                join_all(
                    targets
                        .into_iter()
                        .map(|t| smtp::probe(&self.trust, &mx.host, t, self.timeout)),
                )
                .await
            }
            rules::smtp::Probing::Skipped => Vec::new(),
        };
        HostData {
            preference: mx.preference,
            host: mx.host,
            a,
            aaaa,
            addresses,
            probes,
        }
    }
}

/// The result for one domain, as the JSON output carries it.
#[derive(Debug, Clone, Serialize)]
pub struct DomainReport {
    pub domain: String,
    pub verdict: Status,
    pub checks: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicySummary>,
    pub mx: Vec<HostData>,
    pub fetch: https::Fetch,
    /// The id of the (first valid) STS record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// SHA-256 of the policy as senders understand it (the canonical
    /// rendering when it parses, else the raw body).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_sha256: Option<String>,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicySummary {
    pub mode: Option<String>,
    pub max_age: Option<u32>,
    pub mx: Vec<String>,
    pub valid: bool,
}
