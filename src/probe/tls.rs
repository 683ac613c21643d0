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
    UntrustedIssuer,
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

/// The certificate in `der`, when it parses.
fn parse(der: &[u8]) -> Option<X509Certificate<'_>> {
    x509_parser::parse_x509_certificate(der)
        .ok()
        .map(|(_, c)| c)
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
            .map_err(CertProblem::from_rustls);
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
        BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
        IsCa, Issuer, KeyPair,
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
}
