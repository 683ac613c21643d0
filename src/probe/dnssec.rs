//! DNSSEC-validated lookups, for the DANE checks: the MX RRset, the MX
//! hosts' addresses and their `_25._tcp` TLSA records, each validated in
//! process (hickory's validator) from a trust anchor: the root's keys by
//! default, or the DS/DNSKEY records of `--trust-anchor FILE`.
//!
//! Three outcomes are kept apart, as RFC 4035 §4.3 names them: secure
//! (the chain from the anchor holds), insecure (an unsigned delegation on
//! the way: DANE does not apply) and bogus (the chain should hold and does
//! not: DANE senders defer the mail). An answer that did not come through
//! the validator is never called secure.
//!
//! The validator needs the anchor's own DNSKEY RRset from the resolver.
//! When that fails (a resolver that strips DNSSEC records, an
//! authoritative server that does not serve the root, an anchor that does
//! not match), every answer would look bogus through no fault of the
//! domain: [`Validator::ready`] says so once per run, and the DANE checks
//! report that they could not run instead of blaming the domain.
//!
//! The lookups for the MTA-STS checks do not go through here: they stay
//! the plain lookups of [`super::dns`], as MTA-STS senders make them.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::net::client::Client;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::udp::UdpClientStream;
use hickory_resolver::net::xfer::FirstAnswer;
use hickory_resolver::net::{DnsError, DnsHandle, NetError};
use hickory_resolver::proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS};
use hickory_resolver::proto::dnssec::{Proof, TrustAnchors};
use hickory_resolver::proto::op::{DnsRequestOptions, Query};
use hickory_resolver::proto::rr::{LowerName, Name, RData, Record, RecordType};
use hickory_resolver::proto::serialize::txt::{Parser, trust_anchor};
use serde::Serialize;
use tokio::sync::OnceCell;

use super::dns::{Dns, DnsFailure};
use crate::model::ServedTlsa;

/// Why `--trust-anchor FILE` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    #[error("cannot read --trust-anchor {path}: {reason}")]
    Read { path: String, reason: String },
    #[error(
        "--trust-anchor {path} is not in zone-file syntax ({reason}); expected lines such as '. IN DS 20326 8 2 E06D…' or '. IN DNSKEY 257 3 8 AwEA…'"
    )]
    Syntax { path: String, reason: String },
    #[error(
        "--trust-anchor {path} holds a {rtype} record at {name}; only DS and DNSKEY records are trust anchors"
    )]
    OtherType {
        path: String,
        rtype: String,
        name: String,
    },
    #[error(
        "--trust-anchor {path} holds no DS or DNSKEY record; expected lines such as '. IN DS 20326 8 2 E06D…'"
    )]
    Empty { path: String },
}

/// What DNSSEC validation starts from.
#[derive(Debug, Clone, Default)]
pub struct Anchors {
    /// DNSKEY records, trusted as they are.
    keys: Vec<(Name, DNSKEY)>,
    /// DS records: the keys at their name that they digest are trusted,
    /// once the resolver has given that name's DNSKEY RRset.
    ds: Vec<(Name, DS)>,
    /// Where they came from, for messages; `None`: the root's keys.
    source: Option<String>,
}

impl Anchors {
    /// The IANA root keys hickory carries (KSK-2017 and KSK-2024).
    pub fn root() -> Anchors {
        Anchors::default()
    }

    /// The DS and DNSKEY records of a file in zone-file syntax (owner
    /// names relative to the root; `;` comments).
    pub fn from_file(path: &Path) -> Result<Anchors, AnchorError> {
        let shown = crate::text::escape(&path.display().to_string());
        let text = std::fs::read_to_string(path).map_err(|e| AnchorError::Read {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        Anchors::parse(&text, &shown)
    }

    /// The records of `text`, a trust anchor file named `shown`. hickory
    /// reads DNSKEY records with its trust anchor parser and everything
    /// else with its zone parser, so the records are first sorted into
    /// the two by their type.
    pub fn parse(text: &str, shown: &str) -> Result<Anchors, AnchorError> {
        let syntax = |e: &dyn std::fmt::Display| AnchorError::Syntax {
            path: shown.to_string(),
            reason: crate::text::escape(&e.to_string()),
        };
        let (mut keys, mut others) = (String::new(), String::new());
        for record in logical_records(text) {
            let is_key = record
                .split_whitespace()
                .take(4)
                .any(|t| t.eq_ignore_ascii_case("DNSKEY"));
            let to = if is_key { &mut keys } else { &mut others };
            to.push_str(&record);
            to.push('\n');
        }
        let mut anchors = Anchors {
            source: Some(shown.to_string()),
            ..Anchors::default()
        };
        for entry in trust_anchor::Parser::new(keys.as_str())
            .parse()
            .map_err(|e| syntax(&e))?
        {
            // The enum is non-exhaustive; it has only DNSKEY today.
            if let trust_anchor::Entry::DNSKEY(record) = entry {
                anchors
                    .keys
                    .push((record.name().clone(), record.data().clone()));
            }
        }
        // The zone parser wants a default TTL; anchor files seldom have one.
        let (_, sets) = Parser::new(format!("$TTL 3600\n{others}"), None, Some(Name::root()))
            .parse()
            .map_err(|e| syntax(&e))?;
        for set in sets.values() {
            for record in set.records_without_rrsigs() {
                match &record.data {
                    RData::DNSSEC(DNSSECRData::DS(ds)) => {
                        anchors.ds.push((record.name.clone(), ds.clone()))
                    }
                    _ => {
                        return Err(AnchorError::OtherType {
                            path: shown.to_string(),
                            rtype: record.record_type().to_string(),
                            name: crate::text::escape(&record.name.to_ascii()),
                        });
                    }
                }
            }
        }
        if anchors.keys.is_empty() && anchors.ds.is_empty() {
            return Err(AnchorError::Empty {
                path: shown.to_string(),
            });
        }
        Ok(anchors)
    }

    /// What the anchor is, for messages: `the root trust anchor` or
    /// `the trust anchor in FILE`.
    pub fn describe(&self) -> String {
        match &self.source {
            None => "the root trust anchor".into(),
            Some(path) => format!("the trust anchor in {path}"),
        }
    }

    /// The names whose keys are anchored, deduplicated.
    fn names(&self) -> Vec<Name> {
        let mut names: Vec<Name> = self
            .keys
            .iter()
            .map(|(n, _)| n.clone())
            .chain(self.ds.iter().map(|(n, _)| n.clone()))
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// How an answer validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "dnssec", content = "detail")]
pub enum Security {
    /// Signed, and the signatures chain to the trust anchor.
    Secure,
    /// Unsigned below an insecure delegation: DANE does not apply.
    Insecure,
    /// Should be signed and does not validate: senders that validate
    /// treat it as a temporary failure.
    Bogus(Bogus),
}

/// Why an answer is bogus: what the validator said, and the validity of
/// the signatures the answer carries (asked for again without
/// validation), which tells the classic outage, expired signatures,
/// apart from the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bogus {
    pub why: String,
    pub signatures: Vec<SigWindow>,
}

/// When one RRSIG is valid, in seconds since the epoch (RFC 4034 §3.1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SigWindow {
    pub inception: i64,
    pub expiration: i64,
}

impl From<&str> for Bogus {
    fn from(why: &str) -> Bogus {
        Bogus {
            why: why.to_string(),
            signatures: Vec::new(),
        }
    }
}

impl Bogus {
    /// Why, for a message: the signatures' dates when they explain it
    /// (all expired, or none valid yet at `now`), else what the validator
    /// said.
    pub fn describe(&self, now: chrono::DateTime<chrono::Utc>) -> String {
        let now = now.timestamp();
        let date = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_else(|| t.to_string())
        };
        let sigs = &self.signatures;
        if !sigs.is_empty() && sigs.iter().all(|s| s.expiration < now) {
            let last = sigs.iter().map(|s| s.expiration).max().unwrap_or_default();
            format!(
                "its signatures expired at {} ({} days ago): the zone is no longer being re-signed",
                date(last),
                (now - last) / 86400
            )
        } else if !sigs.is_empty() && sigs.iter().all(|s| s.inception > now) {
            let first = sigs.iter().map(|s| s.inception).min().unwrap_or_default();
            format!(
                "its signatures are valid only from {} (a signer clock ahead, or this one behind)",
                date(first)
            )
        } else {
            self.why.clone()
        }
    }
}

impl Security {
    pub fn as_str(&self) -> &'static str {
        match self {
            Security::Secure => "secure",
            Security::Insecure => "insecure",
            Security::Bogus(_) => "bogus",
        }
    }
}

/// One validated lookup: the records of the type asked for (empty when
/// the name or the type does not exist) and how the answer, or the denial,
/// validated; or why there was no answer at all.
pub type Validated<T> = Result<(Security, Vec<T>), DnsFailure>;

/// The validating resolver of a run.
#[derive(Clone)]
pub struct Validator {
    plain: Dns,
    server: Option<SocketAddr>,
    timeout: Duration,
    anchors: Arc<Anchors>,
    /// Built on first use: DS anchors need their keys looked up first.
    ready: Arc<OnceCell<Result<TokioResolver, String>>>,
}

impl Validator {
    /// Validates from `anchors`, asking `server` (or the system's
    /// resolver); `plain` looks up the keys DS anchors name.
    pub fn new(
        plain: Dns,
        server: Option<SocketAddr>,
        timeout: Duration,
        anchors: Anchors,
    ) -> Self {
        Validator {
            plain,
            server,
            timeout,
            anchors: Arc::new(anchors),
            ready: Arc::default(),
        }
    }

    /// The validating resolver, once the anchor's DNSKEY RRset validated
    /// through it; or why DNSSEC cannot be validated in this run. Done once
    /// per run, whoever asks first.
    pub async fn ready(&self) -> Result<&TokioResolver, &str> {
        self.ready
            .get_or_init(|| self.build())
            .await
            .as_ref()
            .map_err(String::as_str)
    }

    async fn build(&self) -> Result<TokioResolver, String> {
        let anchor = self.anchors.describe();
        let mut trusted = if self.anchors.source.is_none() {
            TrustAnchors::default()
        } else {
            TrustAnchors::empty()
        };
        for (name, key) in &self.anchors.keys {
            trusted.insert_with_name(key.public_key(), LowerName::from(name));
        }
        for name in self.anchors.names() {
            let ds: Vec<&DS> = self
                .anchors
                .ds
                .iter()
                .filter(|(n, _)| *n == name)
                .map(|(_, d)| d)
                .collect();
            if ds.is_empty() {
                continue;
            }
            let keys = self.plain.dnskeys(&name).await.map_err(|e| {
                format!(
                    "DNSSEC cannot be validated: {anchor} names DS records for {}, and {}",
                    shown(&name),
                    e.describe(&shown(&name), "DNSKEY")
                )
            })?;
            let matching: Vec<&DNSKEY> = keys
                .iter()
                .filter(|k| ds.iter().any(|d| d.covers(&name, k).unwrap_or(false)))
                .collect();
            if matching.is_empty() {
                return Err(format!(
                    "DNSSEC cannot be validated: no DNSKEY of {} matches the DS records of {anchor}",
                    shown(&name)
                ));
            }
            for k in matching {
                trusted.insert_with_name(k.public_key(), LowerName::from(&name));
            }
        }
        let resolver = super::dns::resolver(self.server, self.timeout, Some(Arc::new(trusted)))?;
        // The anchor's own keys must come back secure, or nothing will.
        for name in self.anchors.names_or_root() {
            let lookup = self.bounded(resolver.lookup(name.clone(), RecordType::DNSKEY));
            let why = match lookup.await {
                Ok(l)
                    if l.answers()
                        .iter()
                        .any(|r| r.record_type() == RecordType::DNSKEY)
                        && l.answers()
                            .iter()
                            .filter(|r| r.record_type() == RecordType::DNSKEY)
                            .all(|r| r.proof.is_secure()) =>
                {
                    continue;
                }
                Ok(_) => "its DNSKEY RRset did not validate".to_string(),
                Err(e) => describe_error(e, &shown(&name), "DNSKEY"),
            };
            return Err(format!(
                "DNSSEC cannot be validated through {}: {} for {anchor} ({why})",
                self.resolver_name(),
                if name.is_root() {
                    "the root's keys do not check out".to_string()
                } else {
                    format!("the keys of {} do not check out", shown(&name))
                },
            ));
        }
        Ok(resolver)
    }

    fn resolver_name(&self) -> String {
        match self.server {
            Some(s) => format!("the resolver {s}"),
            None => "the system's resolver".into(),
        }
    }

    async fn bounded<T>(
        &self,
        f: impl Future<Output = Result<T, NetError>>,
    ) -> Result<T, NetError> {
        tokio::time::timeout(self.timeout * 3 + Duration::from_millis(500), f)
            .await
            .unwrap_or(Err(NetError::Timeout))
    }

    /// One validated lookup of `name` (a host name, no trailing dot).
    async fn lookup(&self, name: &str, rtype: RecordType) -> Result<Validated<RData>, String> {
        let resolver = self.ready().await.map_err(str::to_string)?;
        let Ok(fqdn) = Name::from_ascii(format!("{name}.")) else {
            return Ok(Err(DnsFailure::Other(format!("{name} is not a DNS name"))));
        };
        Ok(match self.bounded(resolver.lookup(fqdn.clone(), rtype)).await {
            Ok(lookup) => {
                let answers: Vec<&Record> = lookup
                    .answers()
                    .iter()
                    .filter(|r| r.record_type() == rtype || r.record_type() == RecordType::CNAME)
                    .collect();
                let security = summarise(answers.iter().map(|r| r.proof));
                let data = answers
                    .iter()
                    .filter(|r| r.record_type() == rtype)
                    .map(|r| r.data.clone())
                    .collect();
                Ok((security, data))
            }
            Err(NetError::Dns(DnsError::NoRecordsFound(nr))) => {
                let proof = nr.soa.as_ref().map(|s| s.proof);
                let security = match proof {
                    Some(Proof::Secure) => Security::Secure,
                    Some(Proof::Bogus) => {
                        Security::Bogus("its denial of existence does not validate".into())
                    }
                    _ => Security::Insecure,
                };
                Ok((security, Vec::new()))
            }
            Err(NetError::Dns(DnsError::DnssecBogus)) => Ok((
                Security::Bogus(Bogus {
                    why: "its signatures are missing, expired, or not made by the zone's published keys"
                        .into(),
                    signatures: self.signatures(&fqdn, rtype).await,
                }),
                Vec::new(),
            )),
            Err(NetError::Dns(DnsError::Nsec { proof, .. })) => Ok((
                Security::Bogus(format!("its denial of existence is {proof}").as_str().into()),
                Vec::new(),
            )),
            Err(e) => Err(super::dns::classify(e)),
        })
    }

    /// The validity of the RRSIGs over `rtype` at `name`, asked for with the
    /// DO bit and without validation (one UDP query to the resolver); empty
    /// when that fails.
    async fn signatures(&self, name: &Name, rtype: RecordType) -> Vec<SigWindow> {
        let Some(server) = self.nameserver() else {
            return Vec::new();
        };
        let conn = UdpClientStream::builder(server, TokioRuntimeProvider::default())
            .with_timeout(Some(self.timeout))
            .build();
        let (client, background) = Client::<TokioRuntimeProvider>::from_sender(conn);
        let background = tokio::spawn(background);
        let mut options = DnsRequestOptions::default();
        options.use_edns = true;
        options.edns_set_dnssec_ok = true;
        options.recursion_desired = true;
        let query = Query::query(name.clone(), rtype);
        let answer = tokio::time::timeout(
            self.timeout + Duration::from_millis(500),
            client.lookup(query, options).first_answer(),
        )
        .await;
        background.abort();
        let Ok(Ok(response)) = answer else {
            return Vec::new();
        };
        response
            .answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::RRSIG(sig)) if sig.input().type_covered == rtype => {
                    Some(SigWindow {
                        inception: i64::from(sig.input().sig_inception.get()),
                        expiration: i64::from(sig.input().sig_expiration.get()),
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// The resolver's address: `--resolver`, or the system's first.
    fn nameserver(&self) -> Option<SocketAddr> {
        if self.server.is_some() {
            return self.server;
        }
        let (config, _) = hickory_resolver::system_conf::read_system_conf().ok()?;
        let ns = config.name_servers().first()?;
        let port = ns.connections.first().map_or(53, |c| c.port);
        Some(SocketAddr::new(ns.ip, port))
    }

    /// How the MX RRset of `domain` validated.
    pub async fn mx(&self, domain: &str) -> Result<Validated<()>, String> {
        Ok(self.lookup(domain, RecordType::MX).await?.map(unit))
    }

    /// How the A and AAAA RRsets of `host` validated, as one: secure only
    /// when both are (an absent family counts by its denial).
    pub async fn addresses(&self, host: &str) -> Result<Validated<()>, String> {
        let (a, aaaa) = tokio::join!(
            self.lookup(host, RecordType::A),
            self.lookup(host, RecordType::AAAA)
        );
        let (a, aaaa) = (a?, aaaa?);
        Ok(match (a, aaaa) {
            (Ok((s1, d1)), Ok((s2, d2))) => Ok((worse(s1, s2), vec![(); d1.len() + d2.len()])),
            (Err(e), _) | (_, Err(e)) => Err(e),
        })
    }

    /// The TLSA records at `_25._tcp.<host>` as served, those a sender
    /// cannot read too, and how they validated.
    pub async fn tlsa(&self, host: &str) -> Result<Validated<ServedTlsa>, String> {
        let found = self
            .lookup(&format!("_25._tcp.{host}"), RecordType::TLSA)
            .await?;
        Ok(found.map(|(security, data)| {
            let records = data
                .into_iter()
                .filter_map(|d| match d {
                    RData::TLSA(t) => Some(ServedTlsa::from_fields(
                        t.cert_usage.into(),
                        t.selector.into(),
                        t.matching.into(),
                        t.cert_data,
                    )),
                    _ => None,
                })
                .collect();
            (security, records)
        }))
    }
}

impl Anchors {
    /// The anchored names, or the root for the default anchor.
    fn names_or_root(&self) -> Vec<Name> {
        if self.source.is_none() {
            vec![Name::root()]
        } else {
            self.names()
        }
    }
}

/// The records of a zone file, one per line: comments dropped, and
/// what parentheses continue over several lines joined into one.
fn logical_records(text: &str) -> Vec<String> {
    let mut records = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for line in text.lines() {
        let line = line.split(';').next().unwrap_or_default();
        for c in line.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                c => current.push(c),
            }
        }
        current.push(' ');
        if depth == 0 {
            if !current.trim().is_empty() {
                records.push(current.trim_end().to_string());
            }
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        records.push(current.trim_end().to_string());
    }
    records
}

/// The outcome without the records, only their number.
fn unit((security, data): (Security, Vec<RData>)) -> (Security, Vec<()>) {
    (security, vec![(); data.len()])
}

/// The security of an RRset from its records' proofs: secure only when
/// every record is; bogus when any is.
fn summarise(proofs: impl Iterator<Item = Proof>) -> Security {
    let mut all_secure = true;
    let mut any = false;
    for p in proofs {
        any = true;
        match p {
            Proof::Secure => {}
            Proof::Bogus => {
                return Security::Bogus("a signature does not validate".into());
            }
            _ => all_secure = false,
        }
    }
    if any && all_secure {
        Security::Secure
    } else {
        Security::Insecure
    }
}

/// The weaker of two outcomes: bogus over insecure over secure.
pub fn worse(a: Security, b: Security) -> Security {
    match (a, b) {
        (Security::Bogus(w), _) | (_, Security::Bogus(w)) => Security::Bogus(w),
        (Security::Insecure, _) | (_, Security::Insecure) => Security::Insecure,
        _ => Security::Secure,
    }
}

fn describe_error(e: NetError, name: &str, rtype: &str) -> String {
    match e {
        NetError::Dns(DnsError::DnssecBogus) => format!("{rtype} {name} is bogus"),
        e => super::dns::classify(e).describe(name, rtype),
    }
}

/// `example.com` for `example.com.`, `.` for the root.
fn shown(name: &Name) -> String {
    if name.is_root() {
        ".".into()
    } else {
        let s = name.to_ascii();
        crate::text::escape(s.strip_suffix('.').unwrap_or(&s))
    }
}

/// Which anchored names the map holds keys for (for tests).
#[cfg(test)]
fn anchored(a: &Anchors) -> std::collections::BTreeMap<String, (usize, usize)> {
    let mut m = std::collections::BTreeMap::<String, (usize, usize)>::new();
    for (n, _) in &a.keys {
        m.entry(shown(n)).or_default().0 += 1;
    }
    for (n, _) in &a.ds {
        m.entry(shown(n)).or_default().1 += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    const ROOT_DS: &str =
        ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n";
    const KEY: &str = "; a comment\nexample.test. 3600 IN DNSKEY ( 257 3 15\n  l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4= ) ; KSK\n";

    #[test]
    fn ds_and_dnskey_records_are_anchors() {
        let a = Anchors::parse(&format!("{ROOT_DS}{KEY}"), "anchors").unwrap();
        assert_eq!(
            anchored(&a),
            BTreeMap::from([(".".into(), (0, 1)), ("example.test".into(), (1, 0))])
        );
        assert_eq!(a.describe(), "the trust anchor in anchors");
        assert_eq!(Anchors::root().describe(), "the root trust anchor");
    }

    #[test]
    fn anything_else_is_refused_with_the_reason() {
        let e = Anchors::parse("", "f").unwrap_err().to_string();
        assert!(e.contains("holds no DS or DNSKEY"), "{e}");
        let e = Anchors::parse("; only a comment\n", "f")
            .unwrap_err()
            .to_string();
        assert!(e.contains("holds no DS or DNSKEY"), "{e}");
        let e = Anchors::parse("example.test. IN A 192.0.2.1\n", "f")
            .unwrap_err()
            .to_string();
        assert!(e.contains("A record at example.test."), "{e}");
        let e = Anchors::parse("-----BEGIN CERTIFICATE-----\nMIIB\n", "f")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not in zone-file syntax"), "{e}");
        let e = Anchors::parse(". IN DS 20326 8 2 nothex\n", "f")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not in zone-file syntax"), "{e}");
    }

    #[test]
    fn expired_or_future_signatures_explain_a_bogus_answer() {
        use chrono::TimeZone;
        let now = chrono::Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap();
        let t = |d: u32| {
            chrono::Utc
                .with_ymd_and_hms(2026, 11, d, 0, 0, 0)
                .unwrap()
                .timestamp()
        };
        let bogus = |windows: &[(i64, i64)]| Bogus {
            why: "the validator's reason".into(),
            signatures: windows
                .iter()
                .map(|&(inception, expiration)| SigWindow {
                    inception,
                    expiration,
                })
                .collect(),
        };
        let m = bogus(&[(t(1), t(10)), (t(2), t(12))]).describe(now);
        assert!(
            m.contains("expired at 2026-11-12T00:00:00Z (20 days ago)"),
            "{m}"
        );
        let future = now.timestamp() + 86400;
        let m = bogus(&[(future, future + 86400)]).describe(now);
        assert!(m.contains("valid only from 2026-12-03T12:00:00Z"), "{m}");
        // One signature in date: the dates do not explain it.
        let m = bogus(&[(t(1), t(10)), (t(1), now.timestamp() + 60)]).describe(now);
        assert_eq!(m, "the validator's reason");
        assert_eq!(bogus(&[]).describe(now), "the validator's reason");
    }

    #[test]
    fn the_weaker_outcome_wins() {
        let bogus = Security::Bogus("x".into());
        assert_eq!(worse(Security::Secure, Security::Secure), Security::Secure);
        assert_eq!(
            worse(Security::Secure, Security::Insecure),
            Security::Insecure
        );
        assert_eq!(worse(Security::Insecure, bogus.clone()), bogus);
        assert_eq!(
            summarise([Proof::Secure, Proof::Secure].into_iter()),
            Security::Secure
        );
        assert_eq!(
            summarise([Proof::Secure, Proof::Insecure].into_iter()),
            Security::Insecure
        );
        assert_eq!(summarise(std::iter::empty()), Security::Insecure);
        assert!(matches!(
            summarise([Proof::Secure, Proof::Bogus].into_iter()),
            Security::Bogus(_)
        ));
    }
}
