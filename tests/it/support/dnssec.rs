//! A DNSSEC-signed root zone for the DANE tests, signed here with a test
//! key: hickory-server builds the NSEC chain and the RRSIGs in process,
//! and the tests break chosen signatures afterwards (a corrupted one, an
//! expired one). The key's DNSKEY or DS is the trust anchor `check`
//! gets with `--trust-anchor`.
//!
//! Served with [`super::DnsServerBuilder::handler`], the root answers DS
//! queries too ([`super::DnsServerBuilder::ds_handler`]): a DS record lives
//! in the parent, and a child zone served beside it must not answer for it.

use std::sync::Arc;
use std::time::Duration;

use hickory_server::dnssec::NxProofKind;
use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::proto::dnssec::crypto::Ed25519SigningKey;
use hickory_server::proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, RRSIG};
use hickory_server::proto::dnssec::{DigestType, DnssecSigner, SigningKey, TBS};
use hickory_server::proto::rr::{DNSClass, LowerName, Name, RData, RecordType, RrKey};
use hickory_server::proto::rr::{Record, SerialNumber};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, ZoneType};
use rustls_pki_types::PrivatePkcs8KeyDer;

pub type Handler = InMemoryZoneHandler<TokioRuntimeProvider>;

/// What to do to the signatures of one RRset after signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakage {
    /// Flip a bit of the signature: it no longer verifies.
    Corrupt,
    /// Re-sign with a validity that ended 30 days ago.
    Expire,
}

/// A zone signing key (also the key-signing key: one key, flags 257).
pub struct TestKey {
    pkcs8: Vec<u8>,
}

impl Default for TestKey {
    fn default() -> Self {
        Self::new()
    }
}

impl TestKey {
    pub fn new() -> TestKey {
        let pkcs8 = Ed25519SigningKey::generate_pkcs8().expect("generate Ed25519 key");
        TestKey {
            pkcs8: pkcs8.secret_pkcs8_der().to_vec(),
        }
    }

    fn signing_key(&self) -> Ed25519SigningKey {
        Ed25519SigningKey::from_pkcs8(&PrivatePkcs8KeyDer::from(self.pkcs8.clone()))
            .expect("load Ed25519 key")
    }

    /// The DNSKEY (zone key, secure entry point).
    pub fn dnskey(&self) -> DNSKEY {
        let public = self.signing_key().to_public_key().expect("public key");
        DNSKEY::from_key(&public)
    }

    /// A signer for `zone`, its signatures valid for `valid`.
    fn signer(&self, zone: &Name, valid: Duration) -> DnssecSigner {
        DnssecSigner::new(
            self.dnskey(),
            Box::new(self.signing_key()),
            zone.clone(),
            valid,
        )
    }

    /// `<zone> IN DNSKEY …` in zone-file syntax: a trust anchor file.
    pub fn dnskey_anchor(&self, zone: &str) -> String {
        format!("{zone} 3600 IN DNSKEY {}\n", self.dnskey())
    }

    /// `<zone> IN DS …` (SHA-256) in zone-file syntax: a trust anchor file.
    pub fn ds_anchor(&self, zone: &str) -> String {
        let name = Name::from_ascii(zone).expect("zone name");
        let public = self.signing_key().to_public_key().expect("public key");
        let ds = DS::from_key(&public, &name, DigestType::SHA256).expect("DS");
        format!("{zone} 3600 IN DS {ds}\n")
    }
}

/// Parses `text` (origin `origin`), signs it with `key` (NSEC chain,
/// RRSIGs valid for a week), then breaks the signatures of the RRsets
/// named in `breakages`.
pub fn signed_zone(
    origin: &str,
    text: &str,
    key: &TestKey,
    breakages: &[(&str, RecordType, Breakage)],
) -> Handler {
    let name = Name::from_ascii(origin).expect("origin");
    let (name, records) = Parser::new(format!("$TTL 300\n{text}\n"), None, Some(name))
        .parse()
        .unwrap_or_else(|e| panic!("zone {origin} does not parse: {e}"));
    let mut handler = Handler::new(
        name.clone(),
        records,
        ZoneType::Primary,
        AxfrPolicy::Deny,
        Some(NxProofKind::Nsec),
    )
    .unwrap_or_else(|e| panic!("zone {origin}: {e}"));
    let week = Duration::from_secs(7 * 86400);
    handler
        .add_zone_signing_key_mut(key.signer(&name, week))
        .expect("add the zone key");
    handler.secure_zone_mut().expect("sign the zone");
    for (owner, rtype, breakage) in breakages {
        let owner = Name::from_ascii(owner).expect("owner");
        let rrkey = RrKey::new(LowerName::from(&owner), *rtype);
        let rrset = handler
            .records_get_mut()
            .get_mut(&rrkey)
            .unwrap_or_else(|| panic!("no {rtype} at {owner} to break"));
        let rrset = Arc::make_mut(rrset);
        let old: Vec<Record> = rrset.rrsigs().to_vec();
        rrset.clear_rrsigs();
        for sig in old {
            let RData::DNSSEC(DNSSECRData::RRSIG(rrsig)) = &sig.data else {
                continue;
            };
            let mut input = rrsig.input().clone();
            let bytes = match breakage {
                Breakage::Corrupt => {
                    let mut b = rrsig.sig().to_vec();
                    b[0] ^= 0x01;
                    b
                }
                Breakage::Expire => {
                    let now = chrono::Utc::now().timestamp() as u32;
                    input.sig_inception = SerialNumber::new(now - 60 * 86400);
                    input.sig_expiration = SerialNumber::new(now - 30 * 86400);
                    let tbs = TBS::from_input(
                        &owner,
                        DNSClass::IN,
                        &input,
                        rrset.records_without_rrsigs(),
                    )
                    .expect("to be signed");
                    key.signer(&name, week).sign(&tbs).expect("sign")
                }
            };
            rrset.insert_rrsig(Record::from_rdata(
                owner.clone(),
                sig.ttl,
                RData::DNSSEC(DNSSECRData::RRSIG(RRSIG::from_sig(input, bytes))),
            ));
        }
    }
    handler
}

/// A zone without DNSSEC (an SOA and NS of its own added).
pub fn unsigned_zone(origin: &str, text: &str) -> Handler {
    let name = Name::from_ascii(origin).expect("origin");
    let soa = format!(
        "@ IN SOA ns.{origin} hostmaster.{origin} 1 3600 600 86400 60\n@ IN NS ns.{origin}\nns IN A 127.0.0.1\n"
    );
    let (name, records) = Parser::new(format!("$TTL 300\n{soa}{text}\n"), None, Some(name))
        .parse()
        .unwrap_or_else(|e| panic!("zone {origin} does not parse: {e}"));
    Handler::new(name, records, ZoneType::Primary, AxfrPolicy::Deny, None)
        .unwrap_or_else(|e| panic!("zone {origin}: {e}"))
}
