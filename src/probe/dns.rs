//! DNS lookups as a sending MTA makes them, with every failure told apart:
//! NXDOMAIN, NODATA, SERVFAIL, REFUSED and timeouts each mean something
//! different to an admin.
//!
//! The resolver (hickory) sends identical queries that are under way at
//! the same time only once, and caches answers for their TTL. The
//! addresses of MX hosts are the one answer many domains of a run share
//! (each domain's own names are asked for once), and they are kept for the
//! whole run whatever their TTL ([`Dns::host_addresses`]): every domain
//! then sees the same addresses for a host, and a provider that rotates a
//! large pool behind a TTL of seconds does not turn one MX host into a
//! probe of every address it ever answered with.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::dnssec::TrustAnchors;
use hickory_resolver::proto::dnssec::rdata::{DNSKEY, DNSSECRData};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use hickory_resolver::{Resolver, TokioResolver};
use serde::Serialize;

use super::once::OncePerRun;

/// Why a lookup gave no records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "error", content = "detail")]
pub enum DnsFailure {
    /// The name does not exist.
    NxDomain,
    /// The name exists but has no record of this type.
    NoData,
    ServFail,
    Refused,
    Timeout,
    Other(String),
}

impl DnsFailure {
    /// The name or the record is really absent, as opposed to the lookup
    /// having failed.
    pub fn is_absent(&self) -> bool {
        matches!(self, DnsFailure::NxDomain | DnsFailure::NoData)
    }

    pub fn describe(&self, name: &str, rtype: &str) -> String {
        match self {
            DnsFailure::NxDomain => format!("{name} does not exist (NXDOMAIN)"),
            DnsFailure::NoData => format!("{name} has no {rtype} record (NODATA)"),
            DnsFailure::ServFail => {
                format!("the DNS lookup of {rtype} {name} failed: SERVFAIL from the server")
            }
            DnsFailure::Refused => {
                format!("the DNS lookup of {rtype} {name} failed: the server REFUSED the query")
            }
            DnsFailure::Timeout => format!("the DNS lookup of {rtype} {name} timed out"),
            DnsFailure::Other(e) => format!("the DNS lookup of {rtype} {name} failed: {e}"),
        }
    }
}

/// Records of one lookup and the CNAME chain that led to them (empty when
/// the name was not an alias).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Answer<T> {
    pub records: Vec<T>,
    pub cname_chain: Vec<String>,
}

pub type Lookup<T> = Result<Answer<T>, DnsFailure>;

/// An MX record: preference and exchange (lower case, no trailing dot;
/// empty for the null MX `0 .`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mx {
    pub preference: u16,
    pub host: String,
}

/// The A and AAAA answers for one name, looked up together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addresses {
    pub a: Lookup<IpAddr>,
    pub aaaa: Lookup<IpAddr>,
}

impl Addresses {
    /// Both families' addresses, or the more telling failure.
    pub fn merged(&self) -> Lookup<IpAddr> {
        merge_addresses(&self.a, &self.aaaa)
    }
}

#[derive(Clone)]
pub struct Dns {
    resolver: TokioResolver,
    timeout: Duration,
    /// [`Dns::host_addresses`]: one entry per MX host of the run.
    hosts: Arc<OncePerRun<String, Addresses>>,
}

impl Dns {
    /// With `server`, every query goes to that server only; without, the
    /// system configuration is used.
    pub fn new(server: Option<SocketAddr>, timeout: Duration) -> Result<Dns, String> {
        Ok(Dns {
            resolver: resolver(server, timeout, None)?,
            timeout,
            hosts: Arc::default(),
        })
    }

    /// The DNSKEY records at `name`, unvalidated: what a DS trust anchor
    /// is checked against.
    pub async fn dnskeys(&self, name: &Name) -> Result<Vec<DNSKEY>, DnsFailure> {
        let lookup = tokio::time::timeout(
            self.timeout + Duration::from_millis(500),
            self.resolver.lookup(name.clone(), RecordType::DNSKEY),
        )
        .await
        .map_err(|_| DnsFailure::Timeout)?
        .map_err(classify)?;
        let keys: Vec<DNSKEY> = lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(k.clone()),
                _ => None,
            })
            .collect();
        if keys.is_empty() {
            return Err(DnsFailure::NoData);
        }
        Ok(keys)
    }

    /// The resolver itself, for a library that asks questions of its own
    /// (the DKIM keys of `report::dkim`): the same server, options and
    /// cache as every lookup here.
    pub fn resolver(&self) -> &TokioResolver {
        &self.resolver
    }

    /// The bound of one lookup (`--timeout`).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    async fn query(
        &self,
        name: &str,
        rtype: RecordType,
    ) -> Result<(Vec<RData>, Vec<String>), DnsFailure> {
        let fqdn =
            Name::from_ascii(format!("{name}.")).map_err(|e| DnsFailure::Other(e.to_string()))?;
        // hickory bounds each attempt; this bounds the whole lookup even if a
        // server keeps a TCP fallback open.
        let lookup = tokio::time::timeout(
            self.timeout + Duration::from_millis(500),
            self.resolver.lookup(fqdn, rtype),
        )
        .await
        .map_err(|_| DnsFailure::Timeout)?
        .map_err(classify)?;
        let mut chain = Vec::new();
        let mut data = Vec::new();
        for record in lookup.answers() {
            match &record.data {
                RData::CNAME(target) if rtype != RecordType::CNAME => {
                    chain.push(host_of(&target.0))
                }
                rdata if record.record_type() == rtype => data.push(rdata.clone()),
                _ => {}
            }
        }
        if data.is_empty() {
            return Err(DnsFailure::NoData);
        }
        Ok((data, chain))
    }

    /// TXT records, each as its list of character-strings.
    pub async fn txt(&self, name: &str) -> Lookup<Vec<Vec<u8>>> {
        let (data, cname_chain) = self.query(name, RecordType::TXT).await?;
        let records = data
            .into_iter()
            .filter_map(|d| match d {
                RData::TXT(t) => Some(t.txt_data.iter().map(|s| s.to_vec()).collect()),
                _ => None,
            })
            .collect();
        Ok(Answer {
            records,
            cname_chain,
        })
    }

    /// MX records in preference order (ties keep the server's order).
    pub async fn mx(&self, name: &str) -> Lookup<Mx> {
        let (data, cname_chain) = self.query(name, RecordType::MX).await?;
        let mut records: Vec<Mx> = data
            .into_iter()
            .filter_map(|d| match d {
                RData::MX(m) => Some(Mx {
                    preference: m.preference,
                    host: host_of(&m.exchange),
                }),
                _ => None,
            })
            .collect();
        records.sort_by_key(|m| m.preference);
        Ok(Answer {
            records,
            cname_chain,
        })
    }

    /// The addresses of a host many domains may name (an MX host): looked
    /// up once for the run, every caller sharing the answer, concurrent
    /// callers included, whatever the records' TTL. Bounded like any
    /// lookup.
    pub async fn host_addresses(&self, host: &str) -> Addresses {
        // The task gets a resolver without the cache, which holds the task.
        let dns = Dns {
            resolver: self.resolver.clone(),
            timeout: self.timeout,
            hosts: Arc::default(),
        };
        let name = host.to_string();
        let answer = self
            .hosts
            .get(
                host.to_string(),
                move || async move { dns.addresses(&name).await },
                |why| {
                    let failed = Err(DnsFailure::Other(format!("the lookup stopped: {why}")));
                    Addresses {
                        a: failed.clone(),
                        aaaa: failed,
                    }
                },
            )
            .await;
        Addresses::clone(&answer)
    }

    /// A and AAAA, looked up concurrently.
    pub async fn addresses(&self, host: &str) -> Addresses {
        let a = async {
            let (data, cname_chain) = self.query(host, RecordType::A).await?;
            let records = data.into_iter().filter_map(|d| {
                if let RData::A(a) = d {
                    Some(IpAddr::V4(a.0))
                } else {
                    None
                }
            });
            Ok(Answer {
                records: records.collect(),
                cname_chain,
            })
        };
        let aaaa = async {
            let (data, cname_chain) = self.query(host, RecordType::AAAA).await?;
            let records = data.into_iter().filter_map(|d| {
                if let RData::AAAA(a) = d {
                    Some(IpAddr::V6(a.0))
                } else {
                    None
                }
            });
            Ok(Answer {
                records: records.collect(),
                cname_chain,
            })
        };
        let (a, aaaa) = tokio::join!(a, aaaa);
        Addresses { a, aaaa }
    }
}

/// A resolver sending every query to `server` (or as the system is
/// configured), each attempt bounded by `timeout`. With `anchors`, it
/// validates every answer from them (and sets the DO bit to get the
/// signatures); without, it is the plain resolver a sending MTA uses.
pub(crate) fn resolver(
    server: Option<SocketAddr>,
    timeout: Duration,
    anchors: Option<Arc<TrustAnchors>>,
) -> Result<TokioResolver, String> {
    let mut opts = ResolverOpts::default();
    opts.timeout = timeout;
    opts.attempts = 1;
    opts.preserve_intermediates = true;
    opts.cache_size = 1024;
    opts.ndots = 0;
    let builder = match server {
        Some(addr) => {
            let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
            for conn in &mut ns.connections {
                conn.port = addr.port();
            }
            opts.use_hosts_file = ResolveHosts::Never;
            Resolver::builder_with_config(
                ResolverConfig::from_name_servers(vec![ns]),
                TokioRuntimeProvider::default(),
            )
        }
        None => TokioResolver::builder_tokio().map_err(|e| {
            format!(
                "cannot read the system DNS configuration ({e}); name a server with --resolver ADDR"
            )
        })?,
    };
    let mut builder = builder.with_options(opts);
    if let Some(anchors) = anchors {
        builder = builder.with_trust_anchor(anchors);
    }
    builder
        .build()
        .map_err(|e| format!("cannot set up DNS: {e}"))
}

/// Lower case, no trailing dot; the root (`.`) becomes "".
fn host_of(name: &Name) -> String {
    let s = name.to_ascii().to_ascii_lowercase();
    crate::text::escape(s.strip_suffix('.').unwrap_or(&s))
}

pub(crate) fn classify(e: NetError) -> DnsFailure {
    match e {
        NetError::Dns(DnsError::NoRecordsFound(nr))
            if nr.response_code == ResponseCode::NXDomain =>
        {
            DnsFailure::NxDomain
        }
        NetError::Dns(DnsError::NoRecordsFound(_)) => DnsFailure::NoData,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail)) => DnsFailure::ServFail,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)) => DnsFailure::Refused,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::NXDomain)) => DnsFailure::NxDomain,
        NetError::Timeout => DnsFailure::Timeout,
        other => {
            let text = other.to_string();
            if text.contains("timed out") {
                DnsFailure::Timeout
            } else {
                DnsFailure::Other(crate::text::escape(&text))
            }
        }
    }
}

/// Merges A and AAAA results: the addresses if either has some, else the
/// more telling failure (a lookup error over mere absence).
pub fn merge_addresses(a: &Lookup<IpAddr>, aaaa: &Lookup<IpAddr>) -> Lookup<IpAddr> {
    match (a, aaaa) {
        (Ok(x), Ok(y)) => {
            let mut records = x.records.clone();
            records.extend(y.records.iter().copied());
            let cname_chain = if x.cname_chain.is_empty() {
                y.cname_chain.clone()
            } else {
                x.cname_chain.clone()
            };
            Ok(Answer {
                records,
                cname_chain,
            })
        }
        (Ok(x), Err(_)) => Ok(x.clone()),
        (Err(_), Ok(y)) => Ok(y.clone()),
        (Err(e1), Err(e2)) => Err(if !e1.is_absent() {
            e1.clone()
        } else if !e2.is_absent() {
            e2.clone()
        } else if *e1 == DnsFailure::NxDomain || *e2 == DnsFailure::NxDomain {
            DnsFailure::NxDomain
        } else {
            DnsFailure::NoData
        }),
    }
}
