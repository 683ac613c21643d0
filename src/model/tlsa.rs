//! TLSA records (RFC 6698, with RFC 7671's updates and RFC 7672 for SMTP):
//! the three parameters, the certificate association data computed from a
//! DER certificate, the presentation form (`3 1 1 <hex>`) parsed and
//! rendered (in full, or abbreviated for messages), the records DNS served
//! as they are (`ServedTlsa`, malformed ones included), and how a record
//! matches a presented chain as an SMTP sender judges it.
//!
//! Pure: `gen-tlsa` builds records here from the certificates it read, and
//! the DANE checks match the records DNS gave against the chain a host
//! presented with the same functions, so that what is published and what
//! is checked cannot drift apart.

use std::fmt;

use sha2::{Digest, Sha256, Sha512};
use thiserror::Error;
use x509_parser::prelude::{FromDer, X509Certificate};

/// The certificate usage field (RFC 6698 §2.1.1, names from RFC 7218).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Usage {
    /// 0, PKIX-TA: a CA of the chain, which must also chain to a public root.
    PkixTa,
    /// 1, PKIX-EE: the server's certificate, which must also chain to a public root.
    PkixEe,
    /// 2, DANE-TA: a trust anchor the server's chain leads to.
    DaneTa,
    /// 3, DANE-EE: the server's certificate or key itself; names and
    /// dates are not checked (RFC 7672 §3.1.1).
    DaneEe,
}

/// The selector field (RFC 6698 §2.1.2): what of a certificate is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Selector {
    /// 0, Cert: the whole certificate, in DER.
    FullCertificate,
    /// 1, SPKI: its SubjectPublicKeyInfo, in DER: stays the same when a
    /// certificate is renewed with the same key.
    SubjectPublicKeyInfo,
}

/// The matching type field (RFC 6698 §2.1.3): how the selected bytes are
/// given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Matching {
    /// 0, Full: the bytes themselves.
    Exact,
    /// 1, SHA2-256.
    Sha256,
    /// 2, SHA2-512.
    Sha512,
}

impl Usage {
    pub const ALL: [Usage; 4] = [Usage::PkixTa, Usage::PkixEe, Usage::DaneTa, Usage::DaneEe];

    pub fn from_number(n: u8) -> Option<Usage> {
        Usage::ALL.into_iter().find(|u| u.number() == n)
    }

    pub fn number(self) -> u8 {
        match self {
            Usage::PkixTa => 0,
            Usage::PkixEe => 1,
            Usage::DaneTa => 2,
            Usage::DaneEe => 3,
        }
    }

    /// The RFC 7218 mnemonic.
    pub fn name(self) -> &'static str {
        match self {
            Usage::PkixTa => "PKIX-TA",
            Usage::PkixEe => "PKIX-EE",
            Usage::DaneTa => "DANE-TA",
            Usage::DaneEe => "DANE-EE",
        }
    }

    /// Whether SMTP senders use records of this usage: RFC 7672 §3.1.3
    /// makes 0 and 1 unusable for SMTP (senders treat them as absent).
    pub fn usable_for_smtp(self) -> bool {
        matches!(self, Usage::DaneTa | Usage::DaneEe)
    }

    /// Whether the record is about the server's own certificate (1, 3)
    /// rather than a CA above it (0, 2).
    pub fn is_end_entity(self) -> bool {
        matches!(self, Usage::PkixEe | Usage::DaneEe)
    }
}

impl Selector {
    pub const ALL: [Selector; 2] = [Selector::FullCertificate, Selector::SubjectPublicKeyInfo];

    pub fn from_number(n: u8) -> Option<Selector> {
        Selector::ALL.into_iter().find(|s| s.number() == n)
    }

    pub fn number(self) -> u8 {
        match self {
            Selector::FullCertificate => 0,
            Selector::SubjectPublicKeyInfo => 1,
        }
    }

    /// The RFC 7218 mnemonic.
    pub fn name(self) -> &'static str {
        match self {
            Selector::FullCertificate => "Cert",
            Selector::SubjectPublicKeyInfo => "SPKI",
        }
    }

    /// The bytes of `cert_der` this selector takes: the whole DER, or the
    /// SubjectPublicKeyInfo inside it.
    pub fn select(self, cert_der: &[u8]) -> Result<Vec<u8>, TlsaError> {
        let cert = parse_certificate(cert_der)?;
        Ok(match self {
            Selector::FullCertificate => cert_der.to_vec(),
            Selector::SubjectPublicKeyInfo => cert.public_key().raw.to_vec(),
        })
    }
}

impl Matching {
    pub const ALL: [Matching; 3] = [Matching::Exact, Matching::Sha256, Matching::Sha512];

    pub fn from_number(n: u8) -> Option<Matching> {
        Matching::ALL.into_iter().find(|m| m.number() == n)
    }

    pub fn number(self) -> u8 {
        match self {
            Matching::Exact => 0,
            Matching::Sha256 => 1,
            Matching::Sha512 => 2,
        }
    }

    /// The RFC 7218 mnemonic.
    pub fn name(self) -> &'static str {
        match self {
            Matching::Exact => "Full",
            Matching::Sha256 => "SHA2-256",
            Matching::Sha512 => "SHA2-512",
        }
    }

    /// The association data for the selected bytes.
    pub fn associate(self, selected: &[u8]) -> Vec<u8> {
        match self {
            Matching::Exact => selected.to_vec(),
            Matching::Sha256 => Sha256::digest(selected).to_vec(),
            Matching::Sha512 => Sha512::digest(selected).to_vec(),
        }
    }

    /// The length the association data must have, for the digests.
    pub fn data_len(self) -> Option<usize> {
        match self {
            Matching::Exact => None,
            Matching::Sha256 => Some(32),
            Matching::Sha512 => Some(64),
        }
    }
}

/// Why the fields of a TLSA record, as DNS carries them, make no record
/// a sender can use (RFC 6698 §2.1; RFC 7672 §2.2 calls such records
/// unusable).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RdataError {
    #[error("certificate usage {0} is not defined (0 to 3)")]
    UnknownUsage(u8),
    #[error("selector {0} is not defined (0 or 1)")]
    UnknownSelector(u8),
    #[error("matching type {0} is not defined (0 to 2)")]
    UnknownMatching(u8),
    #[error("the certificate association data is empty")]
    NoData,
    #[error("matching type {matching} takes {want} bytes of data, not {have}")]
    WrongLength {
        matching: u8,
        want: usize,
        have: usize,
    },
}

/// Why a TLSA record could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TlsaError {
    #[error("not a DER X.509 certificate ({0})")]
    NotACertificate(String),
    #[error(
        "'{0}' is not a TLSA record: write it as usage, selector, matching type and hex data, such as 3 1 1 0123…ef"
    )]
    Shape(String),
    #[error("the certificate association data is not hexadecimal")]
    NotHex,
    #[error(transparent)]
    Fields(#[from] RdataError),
}

/// One TLSA record's data. Built only from a certificate or from a record
/// whose fields are all defined and whose digest has its length, so that
/// every value here can match something.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tlsa {
    usage: Usage,
    selector: Selector,
    matching: Matching,
    data: Vec<u8>,
}

/// How one record relates to a chain a server presented (RFC 7672 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Usage 3 (DANE-EE): the server's certificate (the leaf) matches.
    Leaf,
    /// Usage 2 (DANE-TA): the certificate at this position of the chain
    /// (1 = the leaf's issuer) matches, and each certificate below it is
    /// signed by the next.
    TrustAnchor(usize),
    /// Usage 2: the certificate at this position matches, but the leaf
    /// does not chain up to it by signatures.
    Unchained(usize),
    /// Nothing in the chain matches.
    None,
    /// SMTP senders cannot use the record: usage 0 or 1 (PKIX-TA,
    /// PKIX-EE; RFC 7672 §3.1.3), or fields that make no record.
    Unusable,
}

impl Tlsa {
    /// The record that matches `cert_der` with these parameters.
    pub fn for_certificate(
        usage: Usage,
        selector: Selector,
        matching: Matching,
        cert_der: &[u8],
    ) -> Result<Tlsa, TlsaError> {
        let selected = selector.select(cert_der)?;
        Ok(Tlsa {
            usage,
            selector,
            matching,
            data: matching.associate(&selected),
        })
    }

    /// A record from its fields, as DNS gives them (RDATA).
    pub fn from_fields(
        usage: u8,
        selector: u8,
        matching: u8,
        data: Vec<u8>,
    ) -> Result<Tlsa, RdataError> {
        let (usage, selector, matching) = read_fields(usage, selector, matching, &data)?;
        Ok(Tlsa {
            usage,
            selector,
            matching,
            data,
        })
    }

    /// A record in presentation form, `3 1 1 <hex>` (RFC 6698 §2.2): the
    /// hex may be split by white space, as zone files allow.
    pub fn parse(text: &str) -> Result<Tlsa, TlsaError> {
        let shape = || TlsaError::Shape(crate::model::shown(text));
        let mut fields = text.split_ascii_whitespace();
        let mut number = || -> Result<u8, TlsaError> {
            let field = fields.next().ok_or_else(shape)?;
            if !field.bytes().all(|b| b.is_ascii_digit()) {
                return Err(shape());
            }
            field.parse().map_err(|_| shape())
        };
        let (usage, selector, matching) = (number()?, number()?, number()?);
        let hex: String = fields.collect();
        Ok(Tlsa::from_fields(
            usage,
            selector,
            matching,
            from_hex(&hex)?,
        )?)
    }

    pub fn usage(&self) -> Usage {
        self.usage
    }

    pub fn selector(&self) -> Selector {
        self.selector
    }

    pub fn matching(&self) -> Matching {
        self.matching
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The association data in lower-case hex, as published.
    pub fn data_hex(&self) -> String {
        hex(&self.data)
    }

    /// The record as in a zone file with its data cut short, `3 1 1
    /// 8f0c1a2b…9d8e6e2a`: enough to tell records apart in a message.
    pub fn abbreviated(&self) -> String {
        abbreviated(self.numbers(), &self.data)
    }

    fn numbers(&self) -> [u8; 3] {
        [
            self.usage.number(),
            self.selector.number(),
            self.matching.number(),
        ]
    }

    /// Whether this record's data is that of `cert_der` (whatever the
    /// usage; a certificate that does not parse matches nothing).
    fn matches_certificate(&self, cert_der: &[u8]) -> bool {
        self.selector
            .select(cert_der)
            .is_ok_and(|s| self.matching.associate(&s) == self.data)
    }

    /// How this record matches `chain` (DER, the server's certificate
    /// first, as sent in the handshake), as an SMTP sender judges it
    /// (RFC 7672 §3.1): DANE-EE looks at the server's certificate only;
    /// DANE-TA at the certificates the server sent above it (§3.1.1
    /// requires servers to send the trust anchor), and holds only when
    /// the leaf chains up to the one that matches by signatures. Names
    /// and dates are the caller's (DANE-TA needs the name, §3.2.2).
    pub fn check<C: AsRef<[u8]>>(&self, chain: &[C]) -> Match {
        match self.usage {
            Usage::PkixTa | Usage::PkixEe => Match::Unusable,
            Usage::DaneEe => match chain.first() {
                Some(leaf) if self.matches_certificate(leaf.as_ref()) => Match::Leaf,
                _ => Match::None,
            },
            Usage::DaneTa => {
                let found = chain
                    .iter()
                    .enumerate()
                    .skip(1)
                    .find(|(_, c)| self.matches_certificate(c.as_ref()));
                match found {
                    Some((i, _)) if chains_up(&chain[..=i]) => Match::TrustAnchor(i),
                    Some((i, _)) => Match::Unchained(i),
                    None => Match::None,
                }
            }
        }
    }
}

/// `3 1 1 <hex>`: the record's data in presentation form, in full.
impl fmt::Display for Tlsa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [usage, selector, matching] = self.numbers();
        write!(f, "{usage} {selector} {matching} {}", self.data_hex())
    }
}

/// A TLSA record as DNS served it: a record, or the fields of one that
/// makes no record, kept with why, so that a check can name it and judge
/// it unusable (RFC 7672 §2.2) while [`Tlsa`] holds only records that can
/// match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServedTlsa {
    Record(Tlsa),
    Malformed(MalformedTlsa),
}

/// The fields of a served TLSA record that make no record, and why. Made
/// only by [`ServedTlsa::from_fields`], so `why` is always the fields'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedTlsa {
    numbers: [u8; 3],
    data: Vec<u8>,
    why: RdataError,
}

impl MalformedTlsa {
    pub fn why(&self) -> &RdataError {
        &self.why
    }
}

impl From<Tlsa> for ServedTlsa {
    fn from(t: Tlsa) -> ServedTlsa {
        ServedTlsa::Record(t)
    }
}

impl ServedTlsa {
    /// The record DNS gave with these fields (RDATA), whatever they are.
    pub fn from_fields(usage: u8, selector: u8, matching: u8, data: Vec<u8>) -> ServedTlsa {
        match read_fields(usage, selector, matching, &data) {
            Ok((usage, selector, matching)) => ServedTlsa::Record(Tlsa {
                usage,
                selector,
                matching,
                data,
            }),
            Err(why) => ServedTlsa::Malformed(MalformedTlsa {
                numbers: [usage, selector, matching],
                data,
                why,
            }),
        }
    }

    /// The record, when SMTP senders can use it: well formed, and of
    /// usage 2 or 3 (RFC 7672 §3.1.3).
    pub fn usable(&self) -> Option<&Tlsa> {
        match self {
            ServedTlsa::Record(t) if t.usage.usable_for_smtp() => Some(t),
            _ => None,
        }
    }

    /// Why SMTP senders cannot use the record, or `None` when they can.
    pub fn why_unusable(&self) -> Option<String> {
        match self {
            ServedTlsa::Record(t) if t.usage.usable_for_smtp() => None,
            ServedTlsa::Record(t) => Some(format!(
                "usage {} ({}) is not for SMTP (RFC 7672 §3.1.3)",
                t.usage.number(),
                t.usage.name()
            )),
            ServedTlsa::Malformed(m) => Some(m.why.to_string()),
        }
    }

    /// How the record matches `chain` (see [`Tlsa::check`]); a malformed
    /// record is unusable.
    pub fn check<C: AsRef<[u8]>>(&self, chain: &[C]) -> Match {
        match self {
            ServedTlsa::Record(t) => t.check(chain),
            ServedTlsa::Malformed(_) => Match::Unusable,
        }
    }

    /// As [`Tlsa::abbreviated`], for any fields DNS served.
    pub fn abbreviated(&self) -> String {
        match self {
            ServedTlsa::Record(t) => t.abbreviated(),
            ServedTlsa::Malformed(m) => abbreviated(m.numbers, &m.data),
        }
    }
}

/// The typed fields, when `usage`, `selector`, `matching` and `data` make
/// a record.
fn read_fields(
    usage: u8,
    selector: u8,
    matching: u8,
    data: &[u8],
) -> Result<(Usage, Selector, Matching), RdataError> {
    let usage = Usage::from_number(usage).ok_or(RdataError::UnknownUsage(usage))?;
    let selector = Selector::from_number(selector).ok_or(RdataError::UnknownSelector(selector))?;
    let matching = Matching::from_number(matching).ok_or(RdataError::UnknownMatching(matching))?;
    if data.is_empty() {
        return Err(RdataError::NoData);
    }
    if let Some(want) = matching.data_len()
        && data.len() != want
    {
        return Err(RdataError::WrongLength {
            matching: matching.number(),
            want,
            have: data.len(),
        });
    }
    Ok((usage, selector, matching))
}

/// Whether each certificate of `chain` is signed by the next one.
fn chains_up<C: AsRef<[u8]>>(chain: &[C]) -> bool {
    let parsed: Result<Vec<X509Certificate<'_>>, TlsaError> = chain
        .iter()
        .map(|c| parse_certificate(c.as_ref()))
        .collect();
    parsed.is_ok_and(|certs| {
        certs
            .windows(2)
            .all(|w| w[0].verify_signature(Some(w[1].public_key())).is_ok())
    })
}

/// Parses `cert_der` as one X.509 certificate, nothing after it.
pub fn parse_certificate(cert_der: &[u8]) -> Result<X509Certificate<'_>, TlsaError> {
    match X509Certificate::from_der(cert_der) {
        Ok(([], cert)) => Ok(cert),
        Ok((rest, _)) => Err(TlsaError::NotACertificate(format!(
            "{} bytes after the certificate",
            rest.len()
        ))),
        Err(e) => Err(TlsaError::NotACertificate(e.to_string())),
    }
}

/// Lower-case hex, the one form every rendering of the data uses.
fn hex(data: &[u8]) -> String {
    use fmt::Write as _;
    let mut out = String::with_capacity(2 * data.len());
    for b in data {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// `usage selector matching` and the data's hex, its first and last
/// eight digits when it is longer than sixteen.
fn abbreviated([usage, selector, matching]: [u8; 3], data: &[u8]) -> String {
    let hex = hex(data);
    let shown = if hex.len() > 16 {
        format!("{}…{}", &hex[..8], &hex[hex.len() - 8..])
    } else if hex.is_empty() {
        "(empty)".to_string()
    } else {
        hex
    };
    format!("{usage} {selector} {matching} {shown}")
}

fn from_hex(hex: &str) -> Result<Vec<u8>, TlsaError> {
    if !hex.len().is_multiple_of(2) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(TlsaError::NotHex);
    }
    hex.as_bytes()
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or(TlsaError::NotHex)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};

    fn ca(name: &str) -> CertificateParams {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(rcgen::DnType::CommonName, name);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p
    }

    /// A self-signed CA and a server certificate it issued, made here.
    fn chain() -> (Vec<u8>, Vec<u8>) {
        let ca_key = KeyPair::generate().unwrap();
        let ca_params = ca("ca");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["mx1.contoso.com".to_string()])
            .unwrap()
            .signed_by(&key, &issuer)
            .unwrap();
        (leaf.der().to_vec(), ca_cert.der().to_vec())
    }

    /// A chain leaf ← intermediate ← root, each DER, and a stranger.
    struct Pki {
        leaf: Vec<u8>,
        inter: Vec<u8>,
        root: Vec<u8>,
        other: Vec<u8>,
    }

    fn pki() -> Pki {
        let root_key = KeyPair::generate().unwrap();
        let root_params = ca("root");
        let root = root_params.self_signed(&root_key).unwrap();
        let root_issuer = Issuer::new(root_params, root_key);
        let inter_key = KeyPair::generate().unwrap();
        let inter_params = ca("intermediate");
        let inter = inter_params.signed_by(&inter_key, &root_issuer).unwrap();
        let inter_issuer = Issuer::new(inter_params, inter_key);
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["mx.example.test".to_string()])
            .unwrap()
            .signed_by(&leaf_key, &inter_issuer)
            .unwrap();
        let other_key = KeyPair::generate().unwrap();
        let other = ca("other").self_signed(&other_key).unwrap();
        Pki {
            leaf: leaf.der().to_vec(),
            inter: inter.der().to_vec(),
            root: root.der().to_vec(),
            other: other.der().to_vec(),
        }
    }

    /// The record with these numbers for `cert`.
    fn record(usage: u8, selector: u8, matching: u8, cert: &[u8]) -> Tlsa {
        Tlsa::for_certificate(
            Usage::from_number(usage).unwrap(),
            Selector::from_number(selector).unwrap(),
            Matching::from_number(matching).unwrap(),
            cert,
        )
        .unwrap()
    }

    #[test]
    fn association_data_of_each_selector_and_matching_type() {
        let (leaf, _) = chain();
        let spki = parse_certificate(&leaf).unwrap().public_key().raw.to_vec();
        let make = |s, m| Tlsa::for_certificate(Usage::DaneEe, s, m, &leaf).unwrap();
        let full = make(Selector::FullCertificate, Matching::Exact);
        assert_eq!(full.data(), leaf.as_slice());
        assert_eq!(
            make(Selector::SubjectPublicKeyInfo, Matching::Exact).data(),
            spki.as_slice()
        );
        let sha256 = make(Selector::SubjectPublicKeyInfo, Matching::Sha256);
        assert_eq!(sha256.data(), Sha256::digest(&spki).as_slice());
        assert_eq!(sha256.data_hex().len(), 64);
        let sha512 = make(Selector::FullCertificate, Matching::Sha512);
        assert_eq!(sha512.data(), Sha512::digest(&leaf).as_slice());
        assert_eq!(
            sha256.to_string(),
            format!("3 1 1 {}", sha256.data_hex()),
            "presentation form"
        );
        assert!(
            sha256
                .data_hex()
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        );
    }

    #[test]
    fn the_digests_are_those_of_the_spki_and_the_certificate() {
        let p = pki();
        let (_, cert) = X509Certificate::from_der(&p.leaf).unwrap();
        let spki = cert.tbs_certificate.subject_pki.raw;
        assert_eq!(
            record(3, 1, 1, &p.leaf).data(),
            Sha256::digest(spki).as_slice()
        );
        assert_eq!(record(3, 1, 0, &p.leaf).data(), spki);
        assert_eq!(
            record(3, 0, 2, &p.leaf).data(),
            Sha512::digest(&p.leaf).as_slice()
        );
        assert!(matches!(
            Selector::SubjectPublicKeyInfo.select(b"not a certificate"),
            Err(TlsaError::NotACertificate(_))
        ));
    }

    #[test]
    fn known_digest_of_a_fixed_input() {
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(
            Tlsa::from_fields(3, 1, 1, Matching::Sha256.associate(b"abc"))
                .unwrap()
                .data_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn parse_and_render_round_trip() {
        let (leaf, _) = chain();
        for usage in Usage::ALL {
            for selector in Selector::ALL {
                for matching in Matching::ALL {
                    let t = Tlsa::for_certificate(usage, selector, matching, &leaf).unwrap();
                    assert_eq!(Tlsa::parse(&t.to_string()), Ok(t.clone()));
                }
            }
        }
        let t = Tlsa::parse(
            "3 1 1 BA7816BF8F01CFEA414140DE5DAE2223\n B00361A396177A9CB410FF61F20015AD",
        )
        .unwrap();
        assert_eq!(
            (t.usage(), t.selector(), t.matching()),
            (
                Usage::DaneEe,
                Selector::SubjectPublicKeyInfo,
                Matching::Sha256
            )
        );
        assert_eq!(
            t.data_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Tlsa::parse("2 0 0 0aff").unwrap().to_string(), "2 0 0 0aff");
    }

    #[test]
    fn bad_records_say_what_is_wrong() {
        let h32 = "00".repeat(32);
        let fields = |e| Err(TlsaError::Fields(e));
        assert_eq!(
            Tlsa::parse(&format!("4 1 1 {h32}")),
            fields(RdataError::UnknownUsage(4))
        );
        assert_eq!(
            Tlsa::parse(&format!("3 2 1 {h32}")),
            fields(RdataError::UnknownSelector(2))
        );
        assert_eq!(
            Tlsa::parse(&format!("3 1 3 {h32}")),
            fields(RdataError::UnknownMatching(3))
        );
        assert_eq!(
            Tlsa::parse("3 1 1 abcd"),
            fields(RdataError::WrongLength {
                matching: 1,
                want: 32,
                have: 2
            })
        );
        assert_eq!(
            Tlsa::parse(&format!("3 1 2 {h32}")),
            fields(RdataError::WrongLength {
                matching: 2,
                want: 64,
                have: 32
            })
        );
        assert_eq!(Tlsa::parse("3 1 0 xyz0"), Err(TlsaError::NotHex));
        assert_eq!(Tlsa::parse("3 1 0 abc"), Err(TlsaError::NotHex));
        assert_eq!(Tlsa::parse("3 1 0"), fields(RdataError::NoData));
        assert_eq!(
            Tlsa::parse("3 1 0").unwrap_err().to_string(),
            "the certificate association data is empty",
            "the fields' reason, as it is"
        );
        for shape in [
            "",
            "3 1",
            "3 x 1 00",
            "-3 1 1 00",
            "300 1 1 00",
            "+3 1 1 00",
        ] {
            assert!(
                matches!(Tlsa::parse(shape), Err(TlsaError::Shape(_))),
                "{shape:?}"
            );
        }
        assert!(matches!(
            Tlsa::for_certificate(
                Usage::DaneEe,
                Selector::SubjectPublicKeyInfo,
                Matching::Sha256,
                b"not a certificate"
            ),
            Err(TlsaError::NotACertificate(_))
        ));
        let (leaf, _) = chain();
        let trailing = [leaf.as_slice(), b"x"].concat();
        assert_eq!(
            parse_certificate(&trailing).map(|_| ()),
            Err(TlsaError::NotACertificate(
                "1 bytes after the certificate".into()
            ))
        );
    }

    #[test]
    fn records_match_where_their_usage_looks() {
        let (leaf, ca) = chain();
        let presented = vec![leaf.clone(), ca.clone()];
        let ee = |cert: &[u8]| record(3, 1, 1, cert);
        let ta = |cert: &[u8]| record(2, 0, 2, cert);
        assert_eq!(ee(&leaf).check(&presented), Match::Leaf);
        assert_eq!(ta(&ca).check(&presented), Match::TrustAnchor(1));
        // DANE-EE looks at the server's certificate only, DANE-TA above it.
        assert_eq!(ee(&ca).check(&presented), Match::None);
        assert_eq!(ta(&leaf).check(&presented), Match::None);
        // A chain without its CA does not match a TA record.
        assert_eq!(ta(&ca).check(&presented[..1]), Match::None);
        // Another key matches nothing.
        let (other, _) = chain();
        assert_eq!(ee(&other).check(&presented), Match::None);
        assert_eq!(ee(&leaf).check::<Vec<u8>>(&[]), Match::None);
        assert_eq!(ta(&ca).check::<Vec<u8>>(&[]), Match::None);
        assert!(!ee(&leaf).matches_certificate(b"garbage"));
        assert!(ee(&leaf).matches_certificate(&leaf));
        // Data that is no certificate matches nothing.
        let junk = Tlsa::from_fields(2, 0, 0, b"junk".to_vec()).unwrap();
        assert_eq!(junk.check(&[b"junk", b"junk"]), Match::None);
    }

    #[test]
    fn dane_ee_matches_the_leaf_with_every_selector_and_matching_type() {
        let p = pki();
        let chain = vec![p.leaf.clone(), p.inter.clone()];
        for selector in 0..=1 {
            for matching in 0..=2 {
                let r = record(3, selector, matching, &p.leaf);
                assert_eq!(r.check(&chain), Match::Leaf, "{r}");
                let wrong = record(3, selector, matching, &p.inter);
                assert_eq!(wrong.check(&chain), Match::None, "{wrong}");
            }
        }
    }

    #[test]
    fn dane_ta_matches_a_ca_certificate_the_leaf_chains_up_to() {
        let p = pki();
        let chain = vec![p.leaf.clone(), p.inter.clone(), p.root.clone()];
        assert_eq!(
            record(2, 1, 1, &p.inter).check(&chain),
            Match::TrustAnchor(1)
        );
        assert_eq!(
            record(2, 0, 1, &p.root).check(&chain),
            Match::TrustAnchor(2)
        );
        // The leaf itself is not a trust anchor.
        assert_eq!(record(2, 1, 1, &p.leaf).check(&chain), Match::None);
        // A CA the server did not send cannot match.
        assert_eq!(record(2, 1, 1, &p.root).check(&chain[..2]), Match::None);
        // Sent, but not what signed the leaf.
        let odd = vec![p.leaf.clone(), p.other.clone()];
        assert_eq!(record(2, 1, 1, &p.other).check(&odd), Match::Unchained(1));
        // Each link counts: the root matches, but the leaf's issuer is
        // missing between them, or is no certificate at all.
        let gap = vec![p.leaf.clone(), p.other.clone(), p.root.clone()];
        assert_eq!(record(2, 1, 1, &p.root).check(&gap), Match::Unchained(2));
        let junk = vec![p.leaf.clone(), b"junk".to_vec(), p.root.clone()];
        assert_eq!(record(2, 1, 1, &p.root).check(&junk), Match::Unchained(2));
    }

    #[test]
    fn records_smtp_cannot_use_are_unusable() {
        let p = pki();
        let chain = vec![p.leaf.clone(), p.inter.clone()];
        let spki_sha256 = record(3, 1, 1, &p.leaf).data().to_vec();
        let cases = [
            (
                (0, 1, 1),
                "usage 0 (PKIX-TA) is not for SMTP (RFC 7672 §3.1.3)",
            ),
            (
                (1, 1, 1),
                "usage 1 (PKIX-EE) is not for SMTP (RFC 7672 §3.1.3)",
            ),
            ((4, 1, 1), "certificate usage 4 is not defined (0 to 3)"),
            ((3, 2, 1), "selector 2 is not defined (0 or 1)"),
            ((3, 1, 3), "matching type 3 is not defined (0 to 2)"),
        ];
        for ((u, s, m), why) in cases {
            let r = ServedTlsa::from_fields(u, s, m, spki_sha256.clone());
            assert_eq!(r.usable(), None, "{}", r.abbreviated());
            assert_eq!(r.check(&chain), Match::Unusable, "{}", r.abbreviated());
            assert_eq!(r.why_unusable().as_deref(), Some(why));
        }
        // The PKIX usages make records, which SMTP senders do not use even
        // where their data matches.
        assert_eq!(record(1, 1, 1, &p.leaf).check(&chain), Match::Unusable);
        assert_eq!(record(0, 1, 1, &p.inter).check(&chain), Match::Unusable);
        assert!(matches!(
            ServedTlsa::from_fields(0, 1, 1, spki_sha256.clone()),
            ServedTlsa::Record(_)
        ));
        // Data that does not fit its matching type.
        let short = ServedTlsa::from_fields(3, 1, 1, spki_sha256[..31].to_vec());
        let ServedTlsa::Malformed(m) = &short else {
            panic!("{short:?}")
        };
        assert_eq!(
            m.why(),
            &RdataError::WrongLength {
                matching: 1,
                want: 32,
                have: 31
            }
        );
        assert_eq!(short.check(&chain), Match::Unusable);
        assert_eq!(short.usable(), None);
        let empty = ServedTlsa::from_fields(3, 1, 0, Vec::new());
        assert_eq!(
            empty.why_unusable().as_deref(),
            Some("the certificate association data is empty")
        );
        // What a sender uses is the record itself, and it matches.
        let good = ServedTlsa::from_fields(3, 1, 1, spki_sha256);
        assert_eq!(good.usable(), Some(&record(3, 1, 1, &p.leaf)));
        assert_eq!(good.why_unusable(), None);
        assert_eq!(good.check(&chain), Match::Leaf);
        assert_eq!(good, ServedTlsa::from(record(3, 1, 1, &p.leaf)));
        let ta = ServedTlsa::from(record(2, 1, 1, &p.inter));
        assert_eq!(ta.usable(), Some(&record(2, 1, 1, &p.inter)));
        assert_eq!(ta.why_unusable(), None);
    }

    #[test]
    fn records_show_as_in_a_zone_file_abbreviated() {
        let data: Vec<u8> = (0u8..32).collect();
        let r = Tlsa::from_fields(3, 1, 1, data.clone()).unwrap();
        assert_eq!(r.abbreviated(), "3 1 1 00010203…1c1d1e1f");
        assert_eq!(
            ServedTlsa::from(r.clone()).abbreviated(),
            "3 1 1 00010203…1c1d1e1f"
        );
        assert_eq!(r.to_string(), format!("3 1 1 {}", r.data_hex()), "in full");
        let short = Tlsa::from_fields(3, 1, 0, vec![0xab]).unwrap();
        assert_eq!(short.abbreviated(), "3 1 0 ab");
        // Sixteen digits are shown whole, more are cut.
        let eight = Tlsa::from_fields(2, 0, 0, (0u8..8).collect()).unwrap();
        assert_eq!(eight.abbreviated(), "2 0 0 0001020304050607");
        let nine = Tlsa::from_fields(2, 0, 0, (0u8..9).collect()).unwrap();
        assert_eq!(nine.abbreviated(), "2 0 0 00010203…05060708");
        // What DNS served, however wrong.
        assert_eq!(
            ServedTlsa::from_fields(9, 7, 5, data).abbreviated(),
            "9 7 5 00010203…1c1d1e1f"
        );
        assert_eq!(
            ServedTlsa::from_fields(3, 1, 1, Vec::new()).abbreviated(),
            "3 1 1 (empty)"
        );
    }

    #[test]
    fn usages_usable_for_smtp() {
        let usable: Vec<u8> = Usage::ALL
            .into_iter()
            .filter(|u| u.usable_for_smtp())
            .map(Usage::number)
            .collect();
        assert_eq!(usable, [2, 3]);
        let end_entity: Vec<u8> = Usage::ALL
            .into_iter()
            .filter(|u| u.is_end_entity())
            .map(Usage::number)
            .collect();
        assert_eq!(end_entity, [1, 3]);
        for u in Usage::ALL {
            assert_eq!(Usage::from_number(u.number()), Some(u));
        }
        assert_eq!(Usage::from_number(4), None);
        assert_eq!(Usage::DaneEe.name(), "DANE-EE");
        assert_eq!(Selector::SubjectPublicKeyInfo.name(), "SPKI");
        assert_eq!(Matching::Sha256.name(), "SHA2-256");
    }
}
