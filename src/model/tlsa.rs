//! TLSA records (RFC 6698, with RFC 7671's updates and RFC 7672 for SMTP):
//! the three parameters, the certificate association data computed from a
//! DER certificate, the presentation form (`3 1 1 <hex>`) parsed and
//! rendered, and whether a record matches a presented chain.
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

/// Why a TLSA record could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TlsaError {
    #[error("not a DER X.509 certificate ({0})")]
    NotACertificate(String),
    #[error(
        "'{0}' is not a TLSA record: write it as usage, selector, matching type and hex data, such as 3 1 1 0123…ef"
    )]
    Shape(String),
    #[error("certificate usage {0} is not defined (0 to 3)")]
    UnknownUsage(u8),
    #[error("selector {0} is not defined (0 or 1)")]
    UnknownSelector(u8),
    #[error("matching type {0} is not defined (0 to 2)")]
    UnknownMatching(u8),
    #[error("the certificate association data is not hexadecimal")]
    NotHex,
    #[error("the certificate association data is empty")]
    NoData,
    #[error("matching type {matching} takes {want} bytes of data, not {have}")]
    WrongLength {
        matching: u8,
        want: usize,
        have: usize,
    },
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
    ) -> Result<Tlsa, TlsaError> {
        let usage = Usage::from_number(usage).ok_or(TlsaError::UnknownUsage(usage))?;
        let selector =
            Selector::from_number(selector).ok_or(TlsaError::UnknownSelector(selector))?;
        let matching =
            Matching::from_number(matching).ok_or(TlsaError::UnknownMatching(matching))?;
        if data.is_empty() {
            return Err(TlsaError::NoData);
        }
        if let Some(want) = matching.data_len()
            && data.len() != want
        {
            return Err(TlsaError::WrongLength {
                matching: matching.number(),
                want,
                have: data.len(),
            });
        }
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
        Tlsa::from_fields(usage, selector, matching, from_hex(&hex)?)
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
        use fmt::Write as _;
        let mut out = String::with_capacity(2 * self.data.len());
        for b in &self.data {
            let _ = write!(out, "{b:02x}");
        }
        out
    }

    /// Whether this record's data is that of `cert_der` (whatever the
    /// usage; a certificate that does not parse matches nothing).
    pub fn matches_certificate(&self, cert_der: &[u8]) -> bool {
        self.selector
            .select(cert_der)
            .is_ok_and(|s| self.matching.associate(&s) == self.data)
    }

    /// The position in `chain` (server's certificate first, as sent in
    /// the handshake) of the certificate this record matches where its
    /// usage looks: the server's certificate for usages 1 and 3, a
    /// certificate above it for 0 and 2. That the chain up to that
    /// certificate verifies (signatures; for 0 and 1 also a public root)
    /// is the caller's to check.
    pub fn matching_position<C: AsRef<[u8]>>(&self, chain: &[C]) -> Option<usize> {
        if self.usage.is_end_entity() {
            chain
                .first()
                .filter(|c| self.matches_certificate(c.as_ref()))
                .map(|_| 0)
        } else {
            chain
                .iter()
                .enumerate()
                .skip(1)
                .find(|(_, c)| self.matches_certificate(c.as_ref()))
                .map(|(i, _)| i)
        }
    }

    /// Whether this record matches `chain` (see [`Tlsa::matching_position`]).
    pub fn matches<C: AsRef<[u8]>>(&self, chain: &[C]) -> bool {
        self.matching_position(chain).is_some()
    }
}

/// `3 1 1 <hex>`: the record's data in presentation form.
impl fmt::Display for Tlsa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.usage.number(),
            self.selector.number(),
            self.matching.number(),
            self.data_hex()
        )
    }
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

    /// A self-signed CA and a server certificate it issued, made here.
    fn chain() -> (Vec<u8>, Vec<u8>) {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["mx1.contoso.com".to_string()])
            .unwrap()
            .signed_by(&key, &issuer)
            .unwrap();
        (leaf.der().to_vec(), ca_cert.der().to_vec())
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
    }

    #[test]
    fn bad_records_say_what_is_wrong() {
        let h32 = "00".repeat(32);
        assert_eq!(
            Tlsa::parse(&format!("4 1 1 {h32}")),
            Err(TlsaError::UnknownUsage(4))
        );
        assert_eq!(
            Tlsa::parse(&format!("3 2 1 {h32}")),
            Err(TlsaError::UnknownSelector(2))
        );
        assert_eq!(
            Tlsa::parse(&format!("3 1 3 {h32}")),
            Err(TlsaError::UnknownMatching(3))
        );
        assert_eq!(
            Tlsa::parse("3 1 1 abcd"),
            Err(TlsaError::WrongLength {
                matching: 1,
                want: 32,
                have: 2
            })
        );
        assert_eq!(
            Tlsa::parse(&format!("3 1 2 {h32}")),
            Err(TlsaError::WrongLength {
                matching: 2,
                want: 64,
                have: 32
            })
        );
        assert_eq!(Tlsa::parse("3 1 0 xyz0"), Err(TlsaError::NotHex));
        assert_eq!(Tlsa::parse("3 1 0 abc"), Err(TlsaError::NotHex));
        assert_eq!(Tlsa::parse("3 1 0"), Err(TlsaError::NoData));
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
    }

    #[test]
    fn records_match_where_their_usage_looks() {
        let (leaf, ca) = chain();
        let presented = vec![leaf.clone(), ca.clone()];
        let ee = |cert: &[u8]| {
            Tlsa::for_certificate(
                Usage::DaneEe,
                Selector::SubjectPublicKeyInfo,
                Matching::Sha256,
                cert,
            )
            .unwrap()
        };
        let ta = |cert: &[u8]| {
            Tlsa::for_certificate(
                Usage::DaneTa,
                Selector::FullCertificate,
                Matching::Sha512,
                cert,
            )
            .unwrap()
        };
        assert_eq!(ee(&leaf).matching_position(&presented), Some(0));
        assert_eq!(ta(&ca).matching_position(&presented), Some(1));
        // DANE-EE looks at the server's certificate only, DANE-TA above it.
        assert!(!ee(&ca).matches(&presented));
        assert!(!ta(&leaf).matches(&presented));
        // A chain without its CA does not match a TA record.
        assert!(!ta(&ca).matches(&presented[..1]));
        // Another key matches nothing.
        let (other, _) = chain();
        assert!(!ee(&other).matches(&presented));
        assert!(!ee(&leaf).matches::<Vec<u8>>(&[]));
        assert!(!ee(&leaf).matches_certificate(b"garbage"));
        assert!(ee(&leaf).matches_certificate(&leaf));
    }

    #[test]
    fn usages_usable_for_smtp() {
        let usable: Vec<u8> = Usage::ALL
            .into_iter()
            .filter(|u| u.usable_for_smtp())
            .map(Usage::number)
            .collect();
        assert_eq!(usable, [2, 3]);
        for u in Usage::ALL {
            assert_eq!(Usage::from_number(u.number()), Some(u));
        }
        assert_eq!(Usage::from_number(4), None);
        assert_eq!(Usage::DaneEe.name(), "DANE-EE");
        assert_eq!(Selector::SubjectPublicKeyInfo.name(), "SPKI");
        assert_eq!(Matching::Sha256.name(), "SHA2-256");
    }
}
