//! TLSA records (RFC 6698) as DANE for SMTP uses them (RFC 7672), and
//! their matching against the certificate chain a server presented. Pure:
//! the chain comes in as DER, the digests are computed here.

use std::fmt;

use sha2::{Digest, Sha256, Sha512};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

/// One TLSA record: `usage selector matching data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlsa {
    pub usage: u8,
    pub selector: u8,
    pub matching: u8,
    pub data: Vec<u8>,
}

/// How one record relates to a presented chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Usage 3 (DANE-EE): the leaf matches.
    Leaf,
    /// Usage 2 (DANE-TA): the certificate at this position of the chain
    /// (1 = the leaf's issuer) matches, and each certificate below it is
    /// signed by the next.
    TrustAnchor(usize),
    /// Usage 2: a certificate of the chain matches, but the leaf does not
    /// chain up to it by signatures.
    Unchained(usize),
    /// Nothing in the chain matches.
    None,
    /// SMTP senders cannot use the record: usage 0/1 (PKIX-TA, PKIX-EE,
    /// which RFC 7672 §3.1.3 tells SMTP clients to treat as unusable), or
    /// a usage, selector or matching type that does not exist.
    Unusable,
}

impl Tlsa {
    /// Whether RFC 7672 §3.1 lets an SMTP sender use it: usage 2 or 3,
    /// selector 0 or 1, matching type 0, 1 or 2.
    pub fn usable(&self) -> bool {
        matches!(self.usage, 2 | 3) && self.selector <= 1 && self.matching <= 2
    }

    /// The association data this record would hold for `cert` (DER).
    /// `None` when the certificate does not parse or the selector or
    /// matching type is unknown.
    pub fn association(selector: u8, matching: u8, cert: &[u8]) -> Option<Vec<u8>> {
        let selected: Vec<u8> = match selector {
            0 => cert.to_vec(),
            1 => {
                let (_, parsed) = X509Certificate::from_der(cert).ok()?;
                parsed.tbs_certificate.subject_pki.raw.to_vec()
            }
            _ => return None,
        };
        match matching {
            0 => Some(selected),
            1 => Some(Sha256::digest(&selected).to_vec()),
            2 => Some(Sha512::digest(&selected).to_vec()),
            _ => None,
        }
    }

    fn matches_cert(&self, cert: &[u8]) -> bool {
        Tlsa::association(self.selector, self.matching, cert).is_some_and(|d| d == self.data)
    }

    /// How this record matches `chain` (DER, leaf first, as presented).
    pub fn check(&self, chain: &[Vec<u8>]) -> Match {
        if !self.usable() {
            return Match::Unusable;
        }
        let Some(leaf) = chain.first() else {
            return Match::None;
        };
        if self.usage == 3 {
            return if self.matches_cert(leaf) {
                Match::Leaf
            } else {
                Match::None
            };
        }
        // DANE-TA: a CA certificate the server sent (RFC 7672 §3.1.1
        // requires servers to send it), which the leaf chains up to.
        match chain.iter().skip(1).position(|c| self.matches_cert(c)) {
            Some(i) if chains_up(&chain[..=i + 1]) => Match::TrustAnchor(i + 1),
            Some(i) => Match::Unchained(i + 1),
            None => Match::None,
        }
    }
}

/// Whether each certificate of `chain` is signed by the next one.
fn chains_up(chain: &[Vec<u8>]) -> bool {
    let parsed: Vec<X509Certificate<'_>> = chain
        .iter()
        .filter_map(|d| X509Certificate::from_der(d).ok().map(|(_, c)| c))
        .collect();
    parsed.len() == chain.len()
        && parsed
            .windows(2)
            .all(|w| w[0].verify_signature(Some(w[1].public_key())).is_ok())
}

/// As in a zone file, the data abbreviated: `3 1 1 8f0c…6e2a`.
impl fmt::Display for Tlsa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex: String = self.data.iter().map(|b| format!("{b:02x}")).collect();
        let shown = if hex.len() > 16 {
            format!("{}…{}", &hex[..8], &hex[hex.len() - 8..])
        } else if hex.is_empty() {
            "(empty)".into()
        } else {
            hex
        };
        write!(
            f,
            "{} {} {} {shown}",
            self.usage, self.selector, self.matching
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};

    /// A chain leaf ← intermediate ← root, each DER, and a stranger.
    struct Pki {
        leaf: Vec<u8>,
        inter: Vec<u8>,
        root: Vec<u8>,
        other: Vec<u8>,
    }

    fn ca(name: &str) -> CertificateParams {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(rcgen::DnType::CommonName, name);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p
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

    fn record(usage: u8, selector: u8, matching: u8, cert: &[u8]) -> Tlsa {
        Tlsa {
            usage,
            selector,
            matching,
            data: Tlsa::association(selector, matching, cert).unwrap(),
        }
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
    fn the_digests_are_those_of_the_spki_and_the_certificate() {
        let p = pki();
        let (_, cert) = X509Certificate::from_der(&p.leaf).unwrap();
        let spki = cert.tbs_certificate.subject_pki.raw;
        assert_eq!(
            Tlsa::association(1, 1, &p.leaf).unwrap(),
            Sha256::digest(spki).to_vec()
        );
        assert_eq!(Tlsa::association(1, 0, &p.leaf).unwrap(), spki.to_vec());
        assert_eq!(
            Tlsa::association(0, 2, &p.leaf).unwrap(),
            Sha512::digest(&p.leaf).to_vec()
        );
        assert_eq!(Tlsa::association(2, 1, &p.leaf), None);
        assert_eq!(Tlsa::association(1, 3, &p.leaf), None);
        assert_eq!(Tlsa::association(1, 1, b"not a certificate"), None);
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
    }

    #[test]
    fn records_smtp_cannot_use_are_unusable() {
        let p = pki();
        let chain = vec![p.leaf.clone(), p.inter.clone()];
        for (u, s, m) in [(0, 1, 1), (1, 1, 1), (4, 1, 1), (3, 2, 1), (3, 1, 3)] {
            let r = Tlsa {
                usage: u,
                selector: s,
                matching: m,
                data: Tlsa::association(1, 1, &p.leaf).unwrap(),
            };
            assert!(!r.usable());
            assert_eq!(r.check(&chain), Match::Unusable, "{r}");
        }
        assert_eq!(record(3, 1, 1, &p.leaf).check(&[]), Match::None);
    }

    #[test]
    fn records_show_as_in_a_zone_file_abbreviated() {
        let r = Tlsa {
            usage: 3,
            selector: 1,
            matching: 1,
            data: (0u8..32).collect(),
        };
        assert_eq!(r.to_string(), "3 1 1 00010203…1c1d1e1f");
        let short = Tlsa {
            data: vec![0xab],
            ..r
        };
        assert_eq!(short.to_string(), "3 1 1 ab");
    }
}
