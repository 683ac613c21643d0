//! `gen-tlsa`: the certificates read from the files named, and the TLSA
//! records made from them, all checked before anything is printed.

use std::path::Path;

use rustls_pki_types::pem::{PemObject, SectionKind};
use thiserror::Error;

use crate::cli::GenTlsaArgs;
use crate::error::Result;
use crate::generate::dns::RecordFormat;
use crate::model::tlsa::parse_certificate;
use crate::model::{Domain, Matching, Selector, Tlsa, Usage};

/// Largest certificate file read: a long chain in PEM is a few tens of KiB.
const MAX_CERT_FILE: u64 = 1024 * 1024;

/// What is wrong with a file named by `--cert` or `--next-cert`. Each
/// message names the flag, the file, the problem and what to give instead.
#[derive(Debug, Error)]
pub enum CertFileError {
    #[error(
        "cannot read {flag} {path}: {reason}; name the PEM certificate file the MX host serves, such as fullchain.pem"
    )]
    Read {
        flag: &'static str,
        path: String,
        reason: String,
    },
    #[error(
        "{flag} {path} is larger than 1 MiB; name a PEM certificate file, such as fullchain.pem"
    )]
    TooLarge { flag: &'static str, path: String },
    #[error(
        "{flag} {path} is empty; name the PEM certificate file the MX host serves, such as fullchain.pem"
    )]
    Empty { flag: &'static str, path: String },
    #[error(
        "{flag} {path} holds a private key, not a certificate; name the certificate file instead (such as fullchain.pem, not privkey.pem): TLSA records are made from the certificate, and the key stays secret"
    )]
    PrivateKey { flag: &'static str, path: String },
    #[error(
        "{flag} {path} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----); name the certificate file, or convert a DER one with: openssl x509 -inform DER -in {path} -out cert.pem"
    )]
    NoCertificate { flag: &'static str, path: String },
    #[error(
        "{flag} {path} is not valid PEM ({reason}); name the PEM certificate file the MX host serves"
    )]
    BadPem {
        flag: &'static str,
        path: String,
        reason: String,
    },
    #[error(
        "certificate {position} in {flag} {path} is not an X.509 certificate ({reason}); name the file the MX host serves"
    )]
    BadCertificate {
        flag: &'static str,
        path: String,
        position: usize,
        reason: String,
    },
    #[error(
        "{flag} {path} holds only the server's certificate, and --usage 2 (DANE-TA) needs its issuer: name the full chain (such as fullchain.pem), or use --usage 3"
    )]
    NoIssuer { flag: &'static str, path: String },
    #[error(
        "the second certificate in {flag} {path} did not issue the first, so it is not the issuer --usage 2 needs: put the chain in order, the server's certificate first, then its issuer"
    )]
    NotIssuer { flag: &'static str, path: String },
}

/// `gen-tlsa`: the MX host, the record for its certificate in use, the
/// one for the next certificate (`--next-cert`), and how to show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenTlsaConfig {
    pub host: Domain,
    /// The zone `--format powershell` adds the record to.
    pub zone: Domain,
    pub current: Tlsa,
    pub next: Option<Tlsa>,
    pub format: RecordFormat,
    pub ttl: u32,
}

impl GenTlsaConfig {
    pub fn from_args(args: &GenTlsaArgs) -> Result<GenTlsaConfig> {
        let params = (args.usage, args.selector, args.matching);
        let current = record_for(&args.cert, "--cert", params)?;
        let next = match &args.next_cert {
            Some(path) => Some(record_for(path, "--next-cert", params)?),
            None => None,
        };
        let zone = match &args.zone {
            Some(zone) => zone.clone(),
            None => parent(&args.host),
        };
        let inside = args.host == zone
            || args
                .host
                .as_str()
                .strip_suffix(zone.as_str())
                .is_some_and(|head| head.ends_with('.'));
        if !inside {
            return Err(crate::Error::InvalidArgument(format!(
                "--host {} is not in --zone {}: name the zone that holds the MX host's name, such as --zone {}",
                args.host,
                zone,
                parent(&args.host)
            )));
        }
        Ok(GenTlsaConfig {
            host: args.host.clone(),
            zone,
            current,
            next,
            format: args.format,
            ttl: args.ttl,
        })
    }
}

/// The domain above `host` (`contoso.com` for `mx1.contoso.com`), the
/// usual zone of an MX host; a two-label name is its own.
fn parent(host: &Domain) -> Domain {
    host.as_str()
        .split_once('.')
        .and_then(|(_, rest)| Domain::parse(rest).ok())
        .unwrap_or_else(|| host.clone())
}

/// The record for the certificate in `path` that `usage` names: the
/// server's own (the first) for usage 3, its issuer (the second) for 2.
fn record_for(
    path: &Path,
    flag: &'static str,
    (usage, selector, matching): (Usage, Selector, Matching),
) -> Result<Tlsa, CertFileError> {
    let shown = path.display().to_string();
    let chain = read_chain(path, flag)?;
    let position = if usage.is_end_entity() { 1 } else { 2 };
    let cert = if usage.is_end_entity() {
        &chain[0]
    } else {
        let issuer = chain.get(1).ok_or_else(|| CertFileError::NoIssuer {
            flag,
            path: shown.clone(),
        })?;
        let (leaf, ca) = (parse_certificate(&chain[0]), parse_certificate(issuer));
        // Both parsed in read_chain.
        if let (Ok(leaf), Ok(ca)) = (leaf, ca)
            && leaf.issuer().as_raw() != ca.subject().as_raw()
        {
            return Err(CertFileError::NotIssuer { flag, path: shown });
        }
        issuer
    };
    Tlsa::for_certificate(usage, selector, matching, cert).map_err(|e| {
        CertFileError::BadCertificate {
            flag,
            path: shown,
            position,
            reason: e.to_string(),
        }
    })
}

/// Every certificate of the PEM file `path`, in order, each checked to
/// be X.509. Other sections (a key in a combined file) are passed over;
/// a file with a key and no certificate is the commonest mix-up, named.
pub fn read_chain(path: &Path, flag: &'static str) -> Result<Vec<Vec<u8>>, CertFileError> {
    use std::io::Read as _;
    let shown = path.display().to_string();
    let read = |e: std::io::Error| CertFileError::Read {
        flag,
        path: shown.clone(),
        reason: e.to_string(),
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(read)?
        .take(MAX_CERT_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(read)?;
    if bytes.len() as u64 > MAX_CERT_FILE {
        return Err(CertFileError::TooLarge { flag, path: shown });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(CertFileError::Empty { flag, path: shown });
    }
    let mut chain = Vec::new();
    let mut key = false;
    for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(&bytes) {
        let (kind, der) = section.map_err(|e| CertFileError::BadPem {
            flag,
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        match kind {
            SectionKind::Certificate => chain.push(der),
            SectionKind::PrivateKey | SectionKind::RsaPrivateKey | SectionKind::EcPrivateKey => {
                key = true;
            }
            _ => {}
        }
    }
    // Keys in forms the PEM reader does not know (encrypted, OpenSSH).
    key |= bytes
        .windows(b"PRIVATE KEY-----".len())
        .any(|w| w == b"PRIVATE KEY-----");
    if chain.is_empty() {
        return Err(if key {
            CertFileError::PrivateKey { flag, path: shown }
        } else {
            CertFileError::NoCertificate { flag, path: shown }
        });
    }
    for (i, der) in chain.iter().enumerate() {
        parse_certificate(der).map_err(|e| CertFileError::BadCertificate {
            flag,
            path: shown.clone(),
            position: i + 1,
            reason: e.to_string(),
        })?;
    }
    Ok(chain)
}
