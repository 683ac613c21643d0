//! The one trust configuration shared by the policy fetch and the SMTP
//! probe, and a verifier that records what it found so a report can say
//! *why* a certificate is bad and what it names.

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::{Serialize, Serializer};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};

/// Trust anchors and the crypto provider, built once per run.
#[derive(Clone)]
pub struct Trust {
    provider: Arc<CryptoProvider>,
    verifier: Arc<WebPkiServerVerifier>,
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Trust")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("cannot read --ca-file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("--ca-file {path} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")]
    Empty { path: String },
    #[error("cannot build the certificate verifier: {0}")]
    Verifier(String),
}

impl Trust {
    /// Mozilla's roots (what most MTAs effectively trust), plus the
    /// certificates of `ca_file`.
    pub fn new(ca_file: Option<&Path>) -> Result<Trust, TrustError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = ca_file {
            let shown = path.display().to_string();
            let bytes = std::fs::read(path).map_err(|e| TrustError::Read {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
            let mut added = 0;
            for cert in CertificateDer::pem_slice_iter(&bytes) {
                let cert = cert.map_err(|e| TrustError::Read {
                    path: shown.clone(),
                    reason: e.to_string(),
                })?;
                roots.add(cert).map_err(|e| TrustError::Read {
                    path: shown.clone(),
                    reason: e.to_string(),
                })?;
                added += 1;
            }
            if added == 0 {
                return Err(TrustError::Empty { path: shown });
            }
        }
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| TrustError::Verifier(e.to_string()))?;
        Ok(Trust { provider, verifier })
    }

    /// A client configuration whose verifier records its verdict in the
    /// returned slot. With `strict`, a bad certificate aborts the handshake
    /// (as a sender's HTTPS fetch would); without, the handshake goes on so
    /// the probe can still report version, cipher and certificate.
    pub fn client_config(
        &self,
        strict: bool,
        alpn: &[&[u8]],
    ) -> (rustls::ClientConfig, Arc<CertSlot>) {
        let slot = Arc::new(CertSlot::default());
        let verifier = Arc::new(RecordingVerifier {
            inner: self.verifier.clone(),
            slot: slot.clone(),
            strict,
        });
        let mut config = rustls::ClientConfig::builder_with_provider(self.provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            // Not input-dependent: the ring provider supports both versions.
            .expect("ring supports TLS 1.2 and 1.3")
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        (config, slot)
    }
}

/// Why a certificate is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "problem", content = "detail")]
pub enum CertProblem {
    Expired,
    NotYetValid,
    NameMismatch,
    /// No path to a trusted root, and not for want of a certificate the
    /// server could send: the chain it sent ends at a root nobody trusts
    /// (a private or self-made CA), or could not be read.
    UntrustedIssuer,
    /// The chain stops at a certificate whose issuer the server did not
    /// send and which no trusted root issued: an intermediate left out of
    /// the chain (senders, unlike browsers, do not fetch it), or a private
    /// CA whose root was not sent. The two look the same from outside;
    /// `ca_issuers` (where the certificate says its issuer is published,
    /// as public CAs' certificates do) tips it towards the first.
    MissingIssuer {
        /// The issuer nobody sent, as its certificate names it.
        issuer: String,
        /// The subject of the certificate it issued (the server's own, or
        /// the last intermediate sent).
        of: String,
        /// The authorityInfoAccess caIssuers URL of that certificate.
        ca_issuers: Option<String>,
    },
    Revoked,
    /// A CA certificate (typically self-signed) used as the server's own.
    SelfSigned,
    Other(String),
}

impl std::fmt::Display for CertProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CertProblem::Expired => f.write_str("the certificate has expired"),
            CertProblem::NotYetValid => f.write_str("the certificate is not valid yet"),
            CertProblem::NameMismatch => {
                f.write_str("the certificate is not valid for this host name")
            }
            CertProblem::UntrustedIssuer => {
                f.write_str("the certificate does not chain to a trusted root")
            }
            CertProblem::MissingIssuer {
                issuer,
                of,
                ca_issuers,
            } => {
                write!(
                    f,
                    "the server sent no certificate for '{issuer}', the issuer of '{of}', so the chain reaches no trusted root"
                )?;
                match ca_issuers {
                    Some(url) => write!(
                        f,
                        "; '{of}' says its issuer's certificate is published at {url}, as public CAs' certificates do: most likely an intermediate left out of the chain"
                    ),
                    None => f.write_str(
                        ": an intermediate CA certificate left out of the chain, or a private CA",
                    ),
                }
            }
            CertProblem::Revoked => f.write_str("the certificate is revoked"),
            CertProblem::SelfSigned => {
                f.write_str("the server presents a CA (self-signed) certificate as its own")
            }
            CertProblem::Other(s) => write!(f, "the certificate is invalid: {s}"),
        }
    }
}

impl CertProblem {
    pub fn from_rustls(e: &rustls::Error) -> CertProblem {
        match e {
            rustls::Error::InvalidCertificate(c) => match c {
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    CertProblem::Expired
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    CertProblem::NotYetValid
                }
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => CertProblem::NameMismatch,
                CertificateError::UnknownIssuer => CertProblem::UntrustedIssuer,
                CertificateError::Revoked => CertProblem::Revoked,
                CertificateError::Other(o) if format!("{o:?}").contains("CaUsedAsEndEntity") => {
                    CertProblem::SelfSigned
                }
                other => CertProblem::Other(other.to_string()),
            },
            other => CertProblem::Other(other.to_string()),
        }
    }

    /// What the admin should do about it.
    pub fn fix(&self, host: &str) -> String {
        match self {
            CertProblem::Expired | CertProblem::NotYetValid => {
                format!("renew the certificate of {host} and reload the server")
            }
            CertProblem::NameMismatch => {
                format!("install a certificate whose subjectAltName includes {host}")
            }
            CertProblem::UntrustedIssuer => {
                "use a certificate from a public CA and serve the full chain (leaf + intermediates)"
                    .to_string()
            }
            CertProblem::MissingIssuer {
                issuer, ca_issuers, ..
            } => {
                let full = format!(
                    "send the full chain: the certificate, then the certificate of '{issuer}'"
                );
                let rest = "and any intermediate above it (e.g. fullchain.pem, not cert.pem); MTAs do not fetch missing intermediates the way browsers do";
                match ca_issuers {
                    Some(url) => format!("{full} (published at {url}) {rest}"),
                    None => format!(
                        "{full} {rest}. If '{issuer}' is a private CA, use a certificate from a public CA for {host} instead"
                    ),
                }
            }
            CertProblem::Revoked => format!("replace the revoked certificate of {host}"),
            CertProblem::SelfSigned => {
                format!("install a certificate for {host} issued by a public CA")
            }
            CertProblem::Other(_) => format!("install a valid certificate for {host}"),
        }
    }
}

/// An instant a certificate names (notBefore, notAfter): typed, so that
/// rules can count the days left; shown and serialised as
/// `2027-01-01T00:00:00Z`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct CertTime(pub DateTime<Utc>);

impl std::fmt::Display for CertTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%SZ"))
    }
}

impl Serialize for CertTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl CertTime {
    fn from_asn1(t: x509_parser::time::ASN1Time) -> Option<CertTime> {
        DateTime::from_timestamp(t.timestamp(), 0).map(CertTime)
    }
}

/// What a certificate says about itself, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CertDetails {
    pub subject: String,
    pub issuer: String,
    pub dns_names: Vec<String>,
    pub not_before: CertTime,
    pub not_after: CertTime,
}

impl CertDetails {
    pub fn parse(der: &[u8]) -> Option<CertDetails> {
        let cert = parse(der)?;
        let dns_names = cert
            .subject_alternative_name()
            .ok()
            .flatten()
            .map(|san| {
                san.value
                    .general_names
                    .iter()
                    .filter_map(|n| match n {
                        x509_parser::extensions::GeneralName::DNSName(s) => {
                            Some(crate::text::escape(s))
                        }
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(CertDetails {
            subject: crate::text::escape(&cert.subject().to_string()),
            issuer: crate::text::escape(&cert.issuer().to_string()),
            dns_names,
            not_before: CertTime::from_asn1(cert.validity().not_before)?,
            not_after: CertTime::from_asn1(cert.validity().not_after)?,
        })
    }
}

/// What an unknown issuer means, from the chain the server sent: climb
/// from its certificate through the certificates it sent for each issuer
/// (matched by name, in any order). A climb that ends at a self-signed
/// root means a CA nobody trusts ([`CertProblem::UntrustedIssuer`]); one
/// that ends at a certificate whose issuer was not sent means a missing
/// certificate ([`CertProblem::MissingIssuer`]). The verifier found no
/// path to a trusted root, so that issuer is not one; and since senders
/// cannot fetch it, no more can be said without the network.
fn unknown_issuer(end_entity: &[u8], intermediates: &[CertificateDer<'_>]) -> CertProblem {
    let Some(leaf) = parse(end_entity) else {
        return CertProblem::UntrustedIssuer;
    };
    let sent: Vec<X509Certificate<'_>> = intermediates.iter().filter_map(|d| parse(d)).collect();
    let issued_by = |c: &X509Certificate<'_>| {
        sent.iter()
            .find(|s| s.subject().as_raw() == c.issuer().as_raw())
    };
    let self_signed = |c: &X509Certificate<'_>| c.subject().as_raw() == c.issuer().as_raw();
    let mut top = &leaf;
    // One step per certificate sent at most: a loop of names (a root
    // names itself) ends too.
    for _ in 0..sent.len() {
        match issued_by(top) {
            Some(next) => top = next,
            None => break,
        }
    }
    if self_signed(top) || issued_by(top).is_some() {
        return CertProblem::UntrustedIssuer;
    }
    CertProblem::MissingIssuer {
        issuer: crate::text::escape(&top.issuer().to_string()),
        of: crate::text::escape(&top.subject().to_string()),
        ca_issuers: ca_issuers(top),
    }
}

/// The certificate in `der`, when it parses.
fn parse(der: &[u8]) -> Option<X509Certificate<'_>> {
    x509_parser::parse_x509_certificate(der)
        .ok()
        .map(|(_, c)| c)
}

/// The authorityInfoAccess caIssuers URL: where the issuer's certificate
/// is published (browsers fetch it from there; MTAs do not).
fn ca_issuers(cert: &X509Certificate<'_>) -> Option<String> {
    cert.extensions()
        .iter()
        .find_map(|ext| match ext.parsed_extension() {
            ParsedExtension::AuthorityInfoAccess(aia) => {
                aia.iter().find_map(|d| match &d.access_location {
                    GeneralName::URI(url)
                        if d.access_method
                            == x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS =>
                    {
                        Some(crate::text::escape(url))
                    }
                    _ => None,
                })
            }
            _ => None,
        })
}

/// Where a [`RecordingVerifier`] leaves what it saw.
#[derive(Debug, Default)]
pub struct CertSlot(Mutex<Option<SeenCert>>);

/// The leaf's details (when it parsed) and the verifier's verdict.
pub type SeenCert = (Option<CertDetails>, Result<(), CertProblem>);

impl CertSlot {
    /// The leaf's details and the verdict, once the server sent a certificate.
    pub fn take(&self) -> Option<SeenCert> {
        self.0.lock().ok().and_then(|mut g| g.take())
    }
}

#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    slot: Arc<CertSlot>,
    strict: bool,
}

impl RecordingVerifier {
    /// A key or signature senders cannot verify (a 1024-bit RSA key, an
    /// unsupported curve) is a certificate finding: when not strict, record
    /// it and let the handshake finish so the probe still reports TLS.
    fn signature(
        &self,
        result: Result<HandshakeSignatureValid, rustls::Error>,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        match result {
            Err(e) if !self.strict => {
                if let Ok(mut g) = self.slot.0.lock() {
                    let details = g.take().and_then(|(d, _)| d);
                    *g = Some((
                        details,
                        Err(CertProblem::Other(format!(
                            "senders cannot verify the server's key or signature ({e})"
                        ))),
                    ));
                }
                Ok(HandshakeSignatureValid::assertion())
            }
            other => other,
        }
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let result = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        let verdict = result
            .as_ref()
            .map(|_| ())
            .map_err(|e| match CertProblem::from_rustls(e) {
                CertProblem::UntrustedIssuer => unknown_issuer(end_entity.as_ref(), intermediates),
                problem => problem,
            });
        if let Ok(mut g) = self.slot.0.lock() {
            *g = Some((CertDetails::parse(end_entity.as_ref()), verdict));
        }
        if self.strict {
            result
        } else {
            Ok(ServerCertVerified::assertion())
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signature(self.inner.verify_tls12_signature(message, cert, dss))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signature(self.inner.verify_tls13_signature(message, cert, dss))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{
        BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType,
        ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    };

    /// A CA certificate and its key.
    struct Ca {
        issuer: Issuer<'static, KeyPair>,
        der: CertificateDer<'static>,
        pem: String,
    }

    fn params(cn: &str, ca: bool) -> CertificateParams {
        let sans = if ca { Vec::new() } else { vec![cn.to_string()] };
        let mut p = CertificateParams::new(sans).unwrap();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, cn);
        p.distinguished_name = dn;
        if ca {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        } else {
            p.is_ca = IsCa::ExplicitNoCa;
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        }
        p
    }

    fn ca(cn: &str, by: Option<&Ca>) -> Ca {
        let key = KeyPair::generate().unwrap();
        let p = params(cn, true);
        let cert = match by {
            Some(parent) => p.signed_by(&key, &parent.issuer).unwrap(),
            None => p.self_signed(&key).unwrap(),
        };
        Ca {
            der: cert.der().clone(),
            pem: cert.pem(),
            issuer: Issuer::new(p, key),
        }
    }

    /// The DER of an authorityInfoAccess extension, as public CAs write
    /// it: an OCSP responder first, then the caIssuers URL (both short
    /// enough for one-byte lengths).
    fn aia(url: &str) -> CustomExtension {
        let description = |method: u8, url: &str| {
            let mut ad = vec![0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, method];
            ad.extend([0x86, url.len() as u8]);
            ad.extend_from_slice(url.as_bytes());
            let mut d = vec![0x30, ad.len() as u8];
            d.extend(ad);
            d
        };
        let mut descs = description(0x01, "http://ocsp.example.test");
        descs.extend(description(0x02, url));
        let mut seq = vec![0x30, descs.len() as u8];
        seq.extend(descs);
        CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], seq)
    }

    fn leaf(name: &str, by: &Ca, ca_issuers: Option<&str>) -> CertificateDer<'static> {
        let mut p = params(name, false);
        p.custom_extensions = ca_issuers.map(aia).into_iter().collect();
        let key = KeyPair::generate().unwrap();
        p.signed_by(&key, &by.issuer).unwrap().der().clone()
    }

    fn missing(issuer: &str, of: &str, ca_issuers: Option<&str>) -> CertProblem {
        CertProblem::MissingIssuer {
            issuer: issuer.into(),
            of: of.into(),
            ca_issuers: ca_issuers.map(str::to_string),
        }
    }

    #[test]
    fn an_issuer_not_sent_is_named_and_a_private_root_is_untrusted() {
        let root = ca("test root", None);
        let inter = ca("test intermediate", Some(&root));
        let mx = leaf("mx.example.test", &inter, None);
        assert_eq!(
            unknown_issuer(&mx, &[]),
            missing("CN=test intermediate", "CN=mx.example.test", None)
        );
        // The intermediate sent, the (untrusted) root not: the root is missing.
        assert_eq!(
            unknown_issuer(&mx, std::slice::from_ref(&inter.der)),
            missing("CN=test root", "CN=test intermediate", None)
        );
        // The whole chain sent, in any order: a root nobody trusts.
        for sent in [
            [inter.der.clone(), root.der.clone()],
            [root.der.clone(), inter.der.clone()],
        ] {
            assert_eq!(unknown_issuer(&mx, &sent), CertProblem::UntrustedIssuer);
        }
        // Certificates of other issuers do not stand in for the missing one.
        let other = ca("other root", None);
        assert_eq!(
            unknown_issuer(&mx, std::slice::from_ref(&other.der)),
            missing("CN=test intermediate", "CN=mx.example.test", None)
        );
        // A self-signed certificate, and one that does not parse.
        let key = KeyPair::generate().unwrap();
        let own = params("mx.example.test", false).self_signed(&key).unwrap();
        assert_eq!(unknown_issuer(own.der(), &[]), CertProblem::UntrustedIssuer);
        assert_eq!(
            unknown_issuer(b"not a certificate", &[]),
            CertProblem::UntrustedIssuer
        );
    }

    #[test]
    fn two_cas_that_name_each_other_end_the_climb() {
        let (ka, kb) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
        let (pa, pb) = (params("ca a", true), params("ca b", true));
        let a_by_b = pa.signed_by(&ka, &Issuer::from_params(&pb, &kb)).unwrap();
        let b_by_a = pb.signed_by(&kb, &Issuer::from_params(&pa, &ka)).unwrap();
        let a = Ca {
            der: a_by_b.der().clone(),
            pem: a_by_b.pem(),
            issuer: Issuer::new(pa.clone(), ka),
        };
        let mx = leaf("mx.example.test", &a, None);
        assert_eq!(
            unknown_issuer(&mx, &[a_by_b.der().clone(), b_by_a.der().clone()]),
            CertProblem::UntrustedIssuer
        );
    }

    #[test]
    fn the_ca_issuers_url_points_to_a_missing_intermediate() {
        let root = ca("test root", None);
        let inter = ca("test intermediate", Some(&root));
        let url = "http://ca.example.test/i.der";
        let mx = leaf("mx.example.test", &inter, Some(url));
        let problem = unknown_issuer(&mx, &[]);
        assert_eq!(
            problem,
            missing("CN=test intermediate", "CN=mx.example.test", Some(url))
        );
        assert_eq!(
            problem.to_string(),
            "the server sent no certificate for 'CN=test intermediate', the issuer of 'CN=mx.example.test', so the chain reaches no trusted root; 'CN=mx.example.test' says its issuer's certificate is published at http://ca.example.test/i.der, as public CAs' certificates do: most likely an intermediate left out of the chain"
        );
        assert_eq!(
            problem.fix("mx.example.test"),
            "send the full chain: the certificate, then the certificate of 'CN=test intermediate' (published at http://ca.example.test/i.der) and any intermediate above it (e.g. fullchain.pem, not cert.pem); MTAs do not fetch missing intermediates the way browsers do"
        );
    }

    #[test]
    fn a_ca_certificate_as_the_server_s_own_is_told_from_other_errors() {
        let root = ca("test root", None);
        let dir = tempfile::tempdir().unwrap();
        let pem = dir.path().join("root.pem");
        std::fs::write(&pem, &root.pem).unwrap();
        let trust = Trust::new(Some(&pem)).unwrap();
        let slot = Arc::new(CertSlot::default());
        let v = RecordingVerifier {
            inner: trust.verifier.clone(),
            slot: slot.clone(),
            strict: true,
        };
        let name = ServerName::try_from("mx.example.test").unwrap();
        let r = v.verify_server_cert(&root.der, &[], &name, &[], UnixTime::now());
        assert!(r.is_err(), "strict: the handshake stops");
        assert_eq!(
            slot.take().map(|(_, verdict)| verdict),
            Some(Err(CertProblem::SelfSigned))
        );
        let other = rustls::Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(
            Arc::new(std::io::Error::other("odd")),
        )));
        assert!(matches!(
            CertProblem::from_rustls(&other),
            CertProblem::Other(_)
        ));
    }

    #[test]
    fn details_give_the_names_and_the_validity() {
        let root = ca("test root", None);
        let mut p = params("mx.example.test", false);
        p.not_before = rcgen::date_time_ymd(2026, 1, 2);
        p.not_after = rcgen::date_time_ymd(2027, 3, 4);
        let key = KeyPair::generate().unwrap();
        let der = p.signed_by(&key, &root.issuer).unwrap().der().clone();
        let d = CertDetails::parse(&der).expect("parses");
        assert_eq!(d.subject, "CN=mx.example.test");
        assert_eq!(d.issuer, "CN=test root");
        assert_eq!(d.dns_names, ["mx.example.test"]);
        assert_eq!(d.not_before.to_string(), "2026-01-02T00:00:00Z");
        assert_eq!(d.not_after.to_string(), "2027-03-04T00:00:00Z");
        assert_eq!(
            serde_json::to_value(d.not_after).unwrap(),
            "2027-03-04T00:00:00Z"
        );
        assert_eq!(CertDetails::parse(b"junk"), None);
    }

    #[test]
    fn names_from_the_certificate_are_escaped() {
        let root = ca("test root", None);
        let inter = ca("evil\u{1b}[31m", Some(&root));
        let mx = leaf("mx.example.test", &inter, Some("http://x.test/\u{1b}"));
        let CertProblem::MissingIssuer {
            issuer, ca_issuers, ..
        } = unknown_issuer(&mx, &[])
        else {
            panic!("not a missing issuer");
        };
        assert_eq!(issuer, "CN=evil\\x1b[31m");
        assert!(!ca_issuers.unwrap_or_default().contains('\u{1b}'));
    }

    #[test]
    fn the_verifier_records_a_missing_intermediate_and_accepts_the_full_chain() {
        let root = ca("test root", None);
        let inter = ca("test intermediate", Some(&root));
        let mx = leaf("mx.example.test", &inter, None);
        let dir = tempfile::tempdir().unwrap();
        let pem = dir.path().join("root.pem");
        std::fs::write(&pem, &root.pem).unwrap();
        let trust = Trust::new(Some(&pem)).unwrap();
        let name = ServerName::try_from("mx.example.test").unwrap();
        let incomplete = Err(missing("CN=test intermediate", "CN=mx.example.test", None));
        for (sent, verdict) in [(Vec::new(), incomplete), (vec![inter.der.clone()], Ok(()))] {
            let slot = Arc::new(CertSlot::default());
            let v = RecordingVerifier {
                inner: trust.verifier.clone(),
                slot: slot.clone(),
                strict: false,
            };
            let r = v.verify_server_cert(&mx, &sent, &name, &[], UnixTime::now());
            assert!(r.is_ok(), "not strict: the handshake goes on");
            let (details, seen) = slot.take().expect("recorded");
            assert_eq!(seen, verdict);
            assert_eq!(
                details.map(|d| d.issuer).as_deref(),
                Some("CN=test intermediate")
            );
        }
    }
}
