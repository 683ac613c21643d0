//! Test PKI built with rcgen: a throwaway CA and leaf certificates.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Datelike, Duration, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, date_time_ymd,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A self-signed test certificate authority (ECDSA P-256).
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    der: CertificateDer<'static>,
    pem: String,
}

/// A leaf certificate with its chain (`[leaf, ca]`) and private key.
pub struct Leaf {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl Clone for Leaf {
    fn clone(&self) -> Self {
        Leaf {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

/// (year, month, day) of today + `days` (may be negative), UTC.
type Ymd = (i32, u8, u8);

fn set_validity(params: &mut CertificateParams, not_before: Ymd, not_after: Ymd) {
    params.not_before = date_time_ymd(not_before.0, not_before.1, not_before.2);
    params.not_after = date_time_ymd(not_after.0, not_after.1, not_after.2);
}

fn day_from_today(days: i64) -> Ymd {
    let d = (Utc::now() + Duration::days(days)).date_naive();
    (d.year(), d.month() as u8, d.day() as u8)
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}

impl TestCa {
    /// A fresh self-signed CA, valid from yesterday for ten years.
    pub fn new() -> TestCa {
        Self::named("mtasts test CA")
    }

    /// Same as [`TestCa::new`] with a chosen common name.
    pub fn named(cn: &str) -> TestCa {
        let key = KeyPair::generate().expect("generate CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, cn);
        dn.push(DnType::OrganizationName, "mtasts tests");
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        set_validity(&mut params, day_from_today(-1), day_from_today(3650));
        let cert = params.self_signed(&key).expect("self-sign CA");
        let der = cert.der().clone();
        let pem = cert.pem();
        TestCa {
            issuer: Issuer::new(params, key),
            der,
            pem,
        }
    }

    /// The CA certificate in PEM.
    pub fn pem(&self) -> String {
        self.pem.clone()
    }

    /// The CA certificate in DER.
    pub fn der(&self) -> CertificateDer<'static> {
        self.der.clone()
    }

    /// Writes `dir/ca.pem` and returns its path.
    pub fn write_pem(&self, dir: &Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, self.pem()).expect("write ca.pem");
        path
    }

    /// A rustls root store trusting only this CA (for test clients).
    pub fn root_store(&self) -> rustls::RootCertStore {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.der()).expect("add test CA to root store");
        roots
    }

    /// A rustls client config (ring, TLS 1.2 + 1.3) trusting only this CA.
    pub fn client_config(&self) -> Arc<rustls::ClientConfig> {
        Arc::new(
            rustls::ClientConfig::builder_with_provider(provider())
                .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
                .expect("protocol versions")
                .with_root_certificates(self.root_store())
                .with_no_client_auth(),
        )
    }

    /// A leaf valid now (not before yesterday, not after one year from now)
    /// for the DNS names `names` (`*.example.test` wildcards allowed).
    pub fn leaf(&self, names: &[&str]) -> Leaf {
        self.leaf_valid_between(names, day_from_today(-1), day_from_today(365))
    }

    /// A leaf valid since yesterday that ends at midnight UTC `days` days
    /// from today: between `days - 1` and `days` days left.
    pub fn leaf_ending_in(&self, names: &[&str], days: i64) -> Leaf {
        self.leaf_valid_between(names, day_from_today(-1), day_from_today(days))
    }

    /// A leaf that expired on 2021-01-01 (valid from 2020-01-01).
    pub fn leaf_expired(&self, names: &[&str]) -> Leaf {
        self.leaf_valid_between(names, (2020, 1, 1), (2021, 1, 1))
    }

    /// A leaf that only becomes valid in a year (not yet valid).
    pub fn leaf_not_yet_valid(&self, names: &[&str]) -> Leaf {
        self.leaf_valid_between(names, day_from_today(365), day_from_today(730))
    }

    /// A leaf issued by an intermediate CA (itself signed by this CA).
    /// With `send_intermediate` the chain is `[leaf, intermediate, ca]`;
    /// without, it is `[leaf]` only: an incomplete chain that verifiers
    /// trusting only this CA reject.
    pub fn leaf_via_intermediate(&self, names: &[&str], send_intermediate: bool) -> Leaf {
        let ikey = KeyPair::generate().expect("generate intermediate key");
        let mut iparams =
            CertificateParams::new(Vec::<String>::new()).expect("intermediate params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "mtasts test intermediate");
        iparams.distinguished_name = dn;
        iparams.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        iparams.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        iparams.use_authority_key_identifier_extension = true;
        set_validity(&mut iparams, day_from_today(-1), day_from_today(3650));
        let icert = iparams
            .signed_by(&ikey, &self.issuer)
            .expect("sign intermediate");
        let intermediate = TestCa {
            issuer: Issuer::new(iparams, ikey),
            der: icert.der().clone(),
            pem: icert.pem(),
        };
        let mut leaf = intermediate.leaf(names);
        leaf.chain.truncate(1);
        if send_intermediate {
            leaf.chain.push(intermediate.der.clone());
            leaf.chain.push(self.der.clone());
        }
        leaf
    }

    fn leaf_valid_between(&self, names: &[&str], not_before: Ymd, not_after: Ymd) -> Leaf {
        let key = KeyPair::generate().expect("generate leaf key");
        let sans: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(sans).expect("leaf params (bad SAN?)");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, names.first().copied().unwrap_or("leaf"));
        params.distinguished_name = dn;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        set_validity(&mut params, not_before, not_after);
        let cert = params.signed_by(&key, &self.issuer).expect("sign leaf");
        Leaf {
            chain: vec![cert.der().clone(), self.der.clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }
}

/// A leaf signed by a throwaway CA that no test trusts.
pub fn untrusted_leaf(names: &[&str]) -> Leaf {
    TestCa::named("untrusted throwaway CA").leaf(names)
}

/// The ring crypto provider.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl Leaf {
    /// A rustls server config presenting this chain: TLS 1.2 + 1.3, ring, no client auth.
    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        Arc::new(
            rustls::ServerConfig::builder_with_provider(provider())
                .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
                .expect("protocol versions")
                .with_no_client_auth()
                .with_single_cert(self.chain.clone(), self.key.clone_key())
                .expect("server cert/key"),
        )
    }

    /// A rustls server config presenting, for each `(name, leaf)`, that
    /// leaf to a client asking for `name` (SNI): one certificate per host,
    /// as most hosts have, from one server.
    pub fn server_config_by_name(leaves: &[(&str, &Leaf)]) -> Arc<rustls::ServerConfig> {
        let mut by_name = rustls::server::ResolvesServerCertUsingSni::new();
        for (name, leaf) in leaves {
            let key = rustls::sign::CertifiedKey::from_der(
                leaf.chain.clone(),
                leaf.key.clone_key(),
                &provider(),
            )
            .expect("certified key");
            by_name.add(name, key).expect("the leaf names its host");
        }
        Arc::new(
            rustls::ServerConfig::builder_with_provider(provider())
                .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
                .expect("protocol versions")
                .with_no_client_auth()
                .with_cert_resolver(Arc::new(by_name)),
        )
    }

    /// The leaf certificate in PEM.
    pub fn cert_pem(&self) -> String {
        pem_encode("CERTIFICATE", &self.chain[0])
    }
}

/// `der` in PEM, with `label` (`CERTIFICATE`, `PRIVATE KEY`).
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new(label, der),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}
