//! `check`: everything a sending MTA does with a domain's MTA-STS
//! deployment, done concurrently, turned into findings. Nothing here
//! prints; [`render`] does.

mod evaluate;
pub mod findings;
pub mod render;
pub mod state;

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use futures::future::join_all;
use serde::Serialize;

use crate::model::Domain;
use crate::probe::{ConnectTo, dns, https, smtp, tls};
use dns::{Dns, Lookup, Mx};
use findings::{Finding, Status};

/// How to reach things: built once per run from the flags.
pub struct Config {
    /// The run's one reading of the time (fresh ids in fixes).
    pub clock: crate::Clock,
    pub dns: Dns,
    pub trust: tls::Trust,
    pub timeout: Duration,
    pub smtp: bool,
    /// 443 and 25 in production; tests use ephemeral ports.
    pub https_port: u16,
    pub smtp_port: u16,
    pub connect_to: Vec<ConnectTo>,
}

impl Config {
    /// The `--connect-to` target for `host:port`, if any.
    fn redirect(&self, host: &str, port: u16) -> Option<SocketAddr> {
        ConnectTo::find(&self.connect_to, host, port)
    }
}

/// Everything gathered about one MX host.
#[derive(Debug, Clone, Serialize)]
pub struct HostData {
    pub preference: u16,
    pub host: String,
    #[serde(skip)]
    pub a: Lookup<IpAddr>,
    #[serde(skip)]
    pub aaaa: Lookup<IpAddr>,
    pub addresses: Vec<IpAddr>,
    pub probes: Vec<smtp::Probe>,
}

/// Everything gathered about one domain, before judgement.
pub struct Gathered {
    pub sts_txt: Lookup<Vec<Vec<u8>>>,
    pub tlsrpt_txt: Lookup<Vec<Vec<u8>>>,
    pub policy_a: Lookup<IpAddr>,
    pub policy_aaaa: Lookup<IpAddr>,
    pub fetch: https::Fetch,
    pub mx: Lookup<Mx>,
    pub hosts: Vec<HostData>,
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

/// Checks one domain: the TXT lookups, the policy fetch and the MX chain run
/// concurrently, and so do all MX hosts and all their addresses.
pub async fn check_domain(cfg: &Config, domain: &Domain) -> DomainReport {
    let started = Instant::now();
    let gathered = gather(cfg, domain).await;
    let mut report = evaluate::evaluate(domain, &gathered, cfg.smtp, &cfg.clock);
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    report
}

async fn gather(cfg: &Config, domain: &Domain) -> Gathered {
    let sts_name = domain.sts_record_name();
    let tlsrpt_name = domain.tlsrpt_record_name();
    let sts = cfg.dns.txt(&sts_name);
    let tlsrpt = cfg.dns.txt(&tlsrpt_name);
    let policy = async {
        let host = domain.policy_host();
        let (a, aaaa) = cfg.dns.addresses(&host).await;
        let addrs: Vec<SocketAddr> = match cfg.redirect(&host, cfg.https_port) {
            Some(target) => vec![target],
            None => {
                let merged = dns::merge_addresses(&a, &aaaa);
                merged
                    .map(|m| m.records)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|ip| SocketAddr::new(ip, cfg.https_port))
                    .collect()
            }
        };
        let fetch = https::fetch(&cfg.trust, &host, &addrs, cfg.timeout).await;
        (a, aaaa, fetch)
    };
    let mx_chain = async {
        let mx = cfg.dns.mx(domain.as_str()).await;
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
        let data = join_all(hosts.into_iter().map(|m| host_data(cfg, m))).await;
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

async fn host_data(cfg: &Config, mx: Mx) -> HostData {
    let (a, aaaa) = cfg.dns.addresses(&mx.host).await;
    let merged = dns::merge_addresses(&a, &aaaa);
    let addresses: Vec<IpAddr> = merged
        .as_ref()
        .map(|m| m.records.clone())
        .unwrap_or_default();
    let targets: Vec<SocketAddr> = match cfg.redirect(&mx.host, cfg.smtp_port) {
        Some(target) => vec![target],
        None => addresses
            .iter()
            .map(|ip| SocketAddr::new(*ip, cfg.smtp_port))
            .collect(),
    };
    let probes = if cfg.smtp {
        join_all(
            targets
                .into_iter()
                .map(|t| smtp::probe(&cfg.trust, &mx.host, t, cfg.timeout)),
        )
        .await
    } else {
        Vec::new()
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
