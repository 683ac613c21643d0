//! `check`: everything a sending MTA does with a domain's MTA-STS
//! deployment, turned into findings.
//!
//! The engine here gathers [facts](facts) with the [probes](crate::probe)
//! (the TXT lookups, the policy fetch and the MX chain concurrently, and
//! all MX hosts and all their addresses too), then hands them to the
//! [rules], which judge them against the [catalogue]. Nothing here prints;
//! [`crate::printer::check`] does.
//!
//! One engine serves a whole run. What the domains of a run have in common
//! is done once: each MX host's addresses are looked up once and each
//! (MX host, address) is probed once, every domain naming the host getting
//! the same result; the policy is fetched per domain, as senders fetch it.
//! No more than `--per-address` connections are open to one IP address at
//! a time, and each domain's checks end at `--domain-timeout`, judged with
//! the facts gathered by then.

pub mod catalogue;
pub mod facts;
pub mod finding;
pub mod rules;
pub mod state;

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;
use serde::Serialize;

use crate::Clock;
use crate::config::check::ProbeConfig;
use crate::model::Domain;
use crate::probe::dns::{Dns, Mx};
use crate::probe::dnssec::Validator;
use crate::probe::limit::PerAddress;
use crate::probe::once::OncePerRun;
use crate::probe::{ConnectTo, https, smtp, tls};
pub use catalogue::CheckId;
use facts::{AddressProbe, Budget, Gathered, HostData, HostDnssec, PolicyHost, Timed};
pub use finding::{Finding, Status};
use state::Memory;

/// The probes, ready to run: built once per run from the configuration,
/// and shared by every domain of the run: the connections open to each
/// address (`--per-address`), the MX hosts' addresses (in [`Dns`]) and
/// the SMTP probes.
pub struct Engine {
    inner: Arc<Probes>,
}

/// What [`Engine`] shares with the task checking each domain.
struct Probes {
    dns: Dns,
    /// The DNSSEC-validating lookups of the DANE checks.
    validator: Validator,
    trust: tls::Trust,
    timeout: Duration,
    budget: Budget,
    probing: rules::smtp::Probing,
    https_port: u16,
    smtp_port: u16,
    connect_to: Vec<ConnectTo>,
    limit: PerAddress,
    /// One STARTTLS probe per MX host name and address for the run. The
    /// name is part of the key: it is the SNI sent and the name the
    /// certificate is checked against.
    probes: OncePerRun<(String, SocketAddr), smtp::Probe>,
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
        let dns = Dns::new(cfg.resolver, cfg.timeout)?;
        let probes = Probes {
            validator: Validator::new(dns.clone(), cfg.resolver, cfg.timeout, cfg.anchors.clone()),
            dns,
            trust: cfg.trust.clone(),
            timeout: cfg.timeout,
            budget: cfg.domain_timeout,
            probing: if cfg.smtp {
                rules::smtp::Probing::Done
            } else {
                rules::smtp::Probing::Skipped
            },
            https_port: cfg.https_port,
            smtp_port: cfg.smtp_port,
            connect_to: cfg.connect_to.clone(),
            limit: PerAddress::new(cfg.per_address),
            probes: OncePerRun::default(),
            expiry_warn,
            clock,
        };
        Ok(Engine {
            inner: Arc::new(probes),
        })
    }

    /// Checks one domain; `memory` is what `--state` remembered of it.
    /// Takes at most the domain's budget (`--domain-timeout`) and the time
    /// to judge what was gathered by then.
    ///
    /// The check runs as a task of its own, so that the domains checked at
    /// once spread over the runtime's threads (polled from here, they would
    /// all share the one thread that polls the caller). Dropping the
    /// returned future stops the check.
    pub async fn check(&self, domain: &Domain, memory: Option<&Memory>) -> DomainReport {
        let probes = self.inner.clone();
        let domain = domain.clone();
        let memory = memory.cloned();
        let mut task = Stop(tokio::spawn(async move {
            probes.check(&domain, memory.as_ref()).await
        }));
        match (&mut task.0).await {
            Ok(report) => report,
            Err(e) => match e.try_into_panic() {
                // A bug: it panics here as it would have in place.
                Ok(panic) => std::panic::resume_unwind(panic),
                // Only the runtime's shutdown cancels the task, and that
                // drops this future too: there is nobody left to answer.
                Err(_) => std::future::pending().await,
            },
        }
    }
}

/// Aborts the task of a check whose future was dropped.
struct Stop(tokio::task::JoinHandle<DomainReport>);

impl Drop for Stop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Probes {
    async fn check(&self, domain: &Domain, memory: Option<&Memory>) -> DomainReport {
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

    /// Gathers the facts in parts that run concurrently and finish
    /// independently, each cut off at the domain's deadline.
    async fn gather(&self, domain: &Domain) -> Gathered {
        let d = Deadline {
            at: tokio::time::Instant::now() + self.budget.0,
            budget: self.budget,
        };
        let sts_name = domain.sts_record_name();
        let tlsrpt_name = domain.tlsrpt_record_name();
        let sts = d.within(self.dns.txt(&sts_name));
        let tlsrpt = d.within(self.dns.txt(&tlsrpt_name));
        let policy = async {
            let host = domain.policy_host();
            let addresses = match d.within(self.dns.addresses(&host)).await {
                Timed::Done(a) => a,
                Timed::TimedOut(b) => return Timed::TimedOut(b),
            };
            let targets: Vec<SocketAddr> =
                match ConnectTo::find(&self.connect_to, &host, self.https_port) {
                    Some(target) => vec![target],
                    None => addresses
                        .merged()
                        .map(|m| m.records)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|ip| SocketAddr::new(ip, self.https_port))
                        .collect(),
                };
            let fetch = d
                .within(https::fetch(
                    &self.trust,
                    &host,
                    &targets,
                    self.timeout,
                    &self.limit,
                ))
                .await;
            Timed::Done(PolicyHost { addresses, fetch })
        };
        let mx_chain = async {
            let mx = d.within(self.dns.mx(domain.as_str())).await;
            // Records come sorted by preference: keep each host once, at its
            // most preferred entry.
            let mut hosts: Vec<Mx> = Vec::new();
            if let Timed::Done(Ok(answer)) = &mx {
                for m in answer.records.iter().filter(|m| !m.host.is_empty()) {
                    if !hosts.iter().any(|h| h.host == m.host) {
                        hosts.push(m.clone());
                    }
                }
            }
            let data = join_all(hosts.into_iter().map(|m| self.host_data(m, d))).await;
            (mx, data)
        };
        let mx_dnssec = d.within(self.validator.mx(domain.as_str()));
        let (sts_txt, tlsrpt_txt, policy, (mx, hosts), mx_dnssec) =
            tokio::join!(sts, tlsrpt, policy, mx_chain, mx_dnssec);
        Gathered {
            sts_txt,
            tlsrpt_txt,
            policy,
            mx,
            mx_dnssec,
            hosts,
        }
    }

    async fn host_data(&self, mx: Mx, d: Deadline) -> HostData {
        let lookup = d.within(self.dns.host_addresses(&mx.host)).await;
        let addresses: Vec<IpAddr> = lookup
            .done()
            .and_then(|a| a.merged().ok())
            .map(|m| m.records)
            .unwrap_or_default();
        let targets: Vec<SocketAddr> = match (&lookup, self.probing) {
            // Nothing is left of the budget, or nothing is to be probed.
            (Timed::TimedOut(_), _) | (_, rules::smtp::Probing::Skipped) => Vec::new(),
            (Timed::Done(_), rules::smtp::Probing::Done) => {
                match ConnectTo::find(&self.connect_to, &mx.host, self.smtp_port) {
                    Some(target) => vec![target],
                    None => addresses
                        .iter()
                        .map(|ip| SocketAddr::new(*ip, self.smtp_port))
                        .collect(),
                }
            }
        };
        let name = mx.host.as_str();
        let probes = join_all(targets.into_iter().map(|address| async move {
            AddressProbe {
                address,
                probe: d.within(self.probe(name, address)).await,
            }
        }));
        let dnssec = async {
            let (addresses, tlsa) = tokio::join!(
                d.within(self.validator.addresses(name)),
                d.within(self.validator.tlsa(name))
            );
            HostDnssec { addresses, tlsa }
        };
        let (probes, dnssec) = tokio::join!(probes, dnssec);
        HostData {
            preference: mx.preference,
            host: mx.host,
            lookup,
            addresses,
            probes,
            dnssec,
        }
    }

    /// The STARTTLS probe of `host` at `address`, run once for the whole
    /// run whichever domain asks first.
    fn probe(
        &self,
        host: &str,
        address: SocketAddr,
    ) -> impl Future<Output = Arc<smtp::Probe>> + Send + 'static {
        let trust = self.trust.clone();
        let limit = self.limit.clone();
        let timeout = self.timeout;
        let name = host.to_string();
        self.probes.get(
            (host.to_string(), address),
            move || async move { smtp::probe(&trust, &name, address, timeout, &limit).await },
            move |why| smtp::Probe::stopped(address, why),
        )
    }
}

/// When a domain's budget runs out, and the budget, for the facts it cuts
/// off to say.
#[derive(Debug, Clone, Copy)]
struct Deadline {
    at: tokio::time::Instant,
    budget: Budget,
}

impl Deadline {
    /// `part`'s result, or [`Timed::TimedOut`] if it is still running at
    /// the deadline (it is then dropped, closing what it had open).
    async fn within<T>(self, part: impl Future<Output = T>) -> Timed<T> {
        match tokio::time::timeout_at(self.at, part).await {
            Ok(t) => Timed::Done(t),
            Err(_) => Timed::TimedOut(self.budget),
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
    pub fetch: Timed<https::Fetch>,
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
