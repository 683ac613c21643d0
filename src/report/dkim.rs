//! Which reports from mail can be trusted (RFC 8460 §3): "Reports sent
//! via SMTP MUST contain a valid DKIM signature by the reporting domain.
//! Reports lacking such a signature MUST be ignored by the recipient. DKIM
//! signatures MUST NOT use the "l=" attribute". Without this, anyone who
//! can send mail to the `rua` address could fill `--min-reporters` and
//! `--min-days` with forged clean sessions.
//!
//! Two steps, so that any source of mail (files today, a mailbox on a
//! server tomorrow) can use them:
//! - [`signatures`] verifies the DKIM signatures of one raw message with
//!   `mail-auth`, the keys looked up through the run's [`Dns`]: the very
//!   resolver `check` uses, with its `--resolver`, `--timeout` and cache.
//!   [`Verifier`] runs it for the threads that read files.
//! - [`judge`] decides, as a pure function, whether one report read from
//!   that message counts, and if not, why ([`Untrusted`]).
//!
//! **The reporting domain** is the domain of the report's `contact-info`
//! address. RFC 8460 §5.1 defines the report's `sender` as the domain
//! "used as the domain for the `contact-info` address", and §5.3 requires
//! the `TLS-Report-Submitter` header ("submitted by a reporting domain")
//! to equal that same domain. `organization-name` is free text ("Google
//! Inc."), and a mail header is not what gets counted: the domain has to
//! come from the report the signature vouches for, so that a report that
//! claims to be Google's must be signed by Google. A signature by a parent
//! of that domain counts too (`tlsrpt@corp.mail.ru` signed by `mail.ru`):
//! whoever holds the parent's keys runs the child's DNS anyway.
//!
//! mail-auth checks a signature's expiry (`x=`) against the system clock,
//! the one reading of the time outside [`crate::Clock`]: it has no way to
//! be given the run's.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use hickory_resolver::proto::op::ResponseCode;
use mail_auth::common::crypto::CryptoError;
use mail_auth::dkim::DkimError;
use mail_auth::{AuthenticatedMessage, DkimOutput, DkimResult, DnsError, MessageAuthenticator};

use crate::probe::dns::Dns;
use crate::text::escape;

/// Most DKIM signatures of one message verified. Report mail carries one
/// or two (the reporter's, a relay's); each costs a key lookup and, with
/// its own `l=`, a hash of the whole body, so a hostile message with
/// thousands is not verified at all.
pub const MAX_SIGNATURES: usize = 5;

/// One DKIM signature of a message and what its verification gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The signing domain (`d=`): lower case, no trailing dot, escaped.
    /// `None` when the signature could not even be read.
    pub domain: Option<String>,
    pub check: Check,
}

/// What verifying one signature gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The signature verifies over the headers and the whole body.
    Pass,
    /// The signature verifies, but covers only the first `l=` bytes of the
    /// body: text could have been added after them.
    BodyLength,
    /// The signature does not verify, or cannot be read: why.
    Bad(String),
    /// No key is published at this name (NXDOMAIN or no TXT record).
    NoKey(String),
    /// The key could not be looked up (timeout, SERVFAIL…): why.
    Dns(String),
}

impl Check {
    /// Which failure to report when several signatures of the reporting
    /// domain fail: the most definite first.
    fn rank(&self) -> u8 {
        match self {
            Check::Pass => 0,
            Check::BodyLength => 1,
            Check::Bad(_) => 2,
            Check::NoKey(_) => 3,
            Check::Dns(_) => 4,
        }
    }
}

/// Why a report that came by mail is not counted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Untrusted {
    /// The message has no DKIM signature.
    NoSignature,
    /// The report names no `contact-info` address with a domain, so no
    /// signature can be the reporting domain's.
    NoReportingDomain,
    /// Signed, but by none of the reporting domain and its parents.
    WrongDomain {
        reporting: String,
        signed_by: Vec<String>,
    },
    /// The reporting domain's signature uses `l=`.
    BodyLength { domain: String },
    /// The reporting domain's signature does not verify (or a signature
    /// that cannot be read, `domain` then unknown).
    BadSignature { domain: Option<String>, why: String },
    /// No key where the reporting domain's signature says it is.
    KeyNotFound { domain: String, name: String },
    /// The key of the reporting domain's signature could not be looked up.
    DnsError { domain: String, why: String },
}

impl Untrusted {
    /// A stable code for machines.
    pub fn code(&self) -> &'static str {
        match self {
            Untrusted::NoSignature => "no-signature",
            Untrusted::NoReportingDomain => "no-reporting-domain",
            Untrusted::WrongDomain { .. } => "wrong-domain",
            Untrusted::BodyLength { .. } => "body-length",
            Untrusted::BadSignature { .. } => "bad-signature",
            Untrusted::KeyNotFound { .. } => "key-not-found",
            Untrusted::DnsError { .. } => "dns-error",
        }
    }
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Untrusted::NoSignature => write!(
                f,
                "no DKIM signature, and RFC 8460 §3 requires one by the reporting domain; \
                 if a system you trust verified this mail on arrival, count it with --trust-unsigned"
            ),
            Untrusted::NoReportingDomain => write!(
                f,
                "the report's contact-info names no domain, so no DKIM signature can be matched \
                 to its reporting domain"
            ),
            Untrusted::WrongDomain {
                reporting,
                signed_by,
            } => write!(
                f,
                "signed by {}, not by the reporting domain {reporting} (the domain of its \
                 contact-info) or a parent of it: anyone can sign a report that claims to be \
                 someone else's",
                signed_by.join(", ")
            ),
            Untrusted::BodyLength { domain } => write!(
                f,
                "the DKIM signature of {domain} covers only part of the body (l=), which \
                 RFC 8460 §3 forbids: anything could have been added after it"
            ),
            Untrusted::BadSignature {
                domain: Some(domain),
                why,
            } => write!(f, "the DKIM signature of {domain} does not verify: {why}"),
            Untrusted::BadSignature { domain: None, why } => {
                write!(f, "the DKIM signature cannot be verified: {why}")
            }
            Untrusted::KeyNotFound { domain, name } => write!(
                f,
                "no DKIM key at {name}, so the signature of {domain} cannot be verified; if the \
                 key was rotated since and the mail was verified on arrival, use --trust-unsigned"
            ),
            Untrusted::DnsError { domain, why } => write!(
                f,
                "the DKIM key of {domain} could not be looked up ({why}); run again, or name a \
                 resolver with --resolver"
            ),
        }
    }
}

/// Whether a report read from a message with these signatures counts:
/// `Ok` when a signature by `reporting` (the domain of its `contact-info`)
/// or a parent of it verified over the whole body; otherwise the most
/// telling reason it does not.
pub fn judge(signatures: &[Signature], reporting: Option<&str>) -> Result<(), Untrusted> {
    if signatures.is_empty() {
        return Err(Untrusted::NoSignature);
    }
    let Some(reporting) = reporting else {
        return Err(Untrusted::NoReportingDomain);
    };
    let aligned = signatures.iter().filter_map(|s| {
        s.domain
            .as_deref()
            .filter(|d| within(reporting, d))
            .map(|d| (d, &s.check))
    });
    if let Some((domain, check)) = aligned.min_by_key(|(_, c)| c.rank()) {
        let domain = domain.to_string();
        return match check {
            Check::Pass => Ok(()),
            Check::BodyLength => Err(Untrusted::BodyLength { domain }),
            Check::Bad(why) => Err(Untrusted::BadSignature {
                domain: Some(domain),
                why: why.clone(),
            }),
            Check::NoKey(name) => Err(Untrusted::KeyNotFound {
                domain,
                name: name.clone(),
            }),
            Check::Dns(why) => Err(Untrusted::DnsError {
                domain,
                why: why.clone(),
            }),
        };
    }
    // None by the reporting domain; one that could not be read might
    // have been.
    if let Some(s) = signatures.iter().find(|s| s.domain.is_none()) {
        let why = match &s.check {
            Check::Bad(why) | Check::NoKey(why) | Check::Dns(why) => why.clone(),
            Check::Pass | Check::BodyLength => String::new(),
        };
        return Err(Untrusted::BadSignature { domain: None, why });
    }
    let mut signed_by: Vec<String> = signatures.iter().filter_map(|s| s.domain.clone()).collect();
    signed_by.sort();
    signed_by.dedup();
    Err(Untrusted::WrongDomain {
        reporting: reporting.to_string(),
        signed_by,
    })
}

/// `signer` is `domain` or one of its parents, label by label
/// (`mail.ru` for `corp.mail.ru`, not `ail.ru`); both lower case.
fn within(domain: &str, signer: &str) -> bool {
    !signer.is_empty()
        && (domain == signer
            || domain
                .strip_suffix(signer)
                .is_some_and(|rest| rest.ends_with('.')))
}

/// Key lookups that failed in this run (no key, or a DNS error), by key
/// name (`selector._domainkey.domain`): a mailbox of a thousand reports
/// signed with a key that cannot be looked up (no network, a server that
/// does not answer) costs one lookup, not a thousand timeouts. Answers
/// that were found are cached by the resolver, for their TTL.
#[derive(Debug, Default)]
pub struct FailedKeys(Mutex<HashMap<String, Check>>);

/// Most failed keys remembered: hostile mail can name any number.
const MAX_FAILED_KEYS: usize = 10_000;

impl FailedKeys {
    fn get(&self, key: &str) -> Option<Check> {
        let known = match self.0.lock() {
            Ok(known) => known,
            Err(poisoned) => poisoned.into_inner(),
        };
        known.get(key).cloned()
    }

    fn remember(&self, key: String, check: &Check) {
        let mut known = match self.0.lock() {
            Ok(known) => known,
            Err(poisoned) => poisoned.into_inner(),
        };
        if known.len() < MAX_FAILED_KEYS {
            known.insert(key, check.clone());
        }
    }
}

/// Where a signature's key is published.
fn key_name(sig: &mail_auth::dkim::Signature) -> String {
    format!(
        "{}._domainkey.{}",
        escape(&sig.s).to_ascii_lowercase(),
        domain_of(&sig.d)
    )
}

/// The DKIM signatures of one raw message, each verified, the keys looked
/// up through `dns` (a key in `failed` is not asked for again; one that
/// fails is added). A message without signatures (or that is no message)
/// gives none. Bounded: at most [`MAX_SIGNATURES`] are verified, each key
/// lookup by the resolver's timeout and all of them together as well.
pub async fn signatures(raw: &[u8], dns: &Dns, failed: &FailedKeys) -> Vec<Signature> {
    if signature_fields(raw) > MAX_SIGNATURES {
        return vec![Signature {
            domain: None,
            check: Check::Bad(format!(
                "the message has more than {MAX_SIGNATURES} DKIM signatures; none was verified"
            )),
        }];
    }
    // Not strict: mail-auth's strict reading refuses an `l=` signature
    // before knowing its domain; read, it is verified and then told apart
    // as [`Check::BodyLength`].
    let Some(mut message) = AuthenticatedMessage::parse_with_opts(raw, None, false) else {
        return Vec::new();
    };
    let mut got = Vec::new();
    message
        .dkim_headers
        .retain(|h| match failed.get(&key_name(&h.header)) {
            Some(check) => {
                got.push(Signature {
                    domain: Some(domain_of(&h.header.d)),
                    check,
                });
                false
            }
            None => true,
        });
    let authenticator = MessageAuthenticator(dns.resolver().clone());
    // One key lookup per signature, one at a time.
    let bound = dns.timeout() * (MAX_SIGNATURES as u32) + Duration::from_secs(1);
    match tokio::time::timeout(bound, authenticator.verify_dkim(&message)).await {
        Ok(outputs) => {
            for output in &outputs {
                let Some(s) = checked(output) else { continue };
                if let (Some(sig), Check::NoKey(_) | Check::Dns(_)) = (output.signature(), &s.check)
                {
                    failed.remember(key_name(sig), &s.check);
                }
                got.push(s);
            }
        }
        Err(_) => {
            let check = Check::Dns("the key lookups timed out".into());
            for h in &message.dkim_headers {
                failed.remember(key_name(&h.header), &check);
                got.push(Signature {
                    domain: Some(domain_of(&h.header.d)),
                    check: check.clone(),
                });
            }
        }
    }
    got
}

/// The header fields of a message named `DKIM-Signature`, counted before
/// mail-auth reads them (it hashes the body once per distinct `l=`).
fn signature_fields(raw: &[u8]) -> usize {
    raw.split(|&b| b == b'\n')
        .take_while(|line| !matches!(line, [] | [b'\r']))
        .filter(|line| line.len() > 15 && line[..15].eq_ignore_ascii_case(b"dkim-signature:"))
        .count()
}

fn domain_of(d: &str) -> String {
    escape(d.trim_end_matches('.')).to_ascii_lowercase()
}

/// One of mail-auth's results as a [`Signature`]; `None` for what is not
/// a signature's result.
fn checked(output: &DkimOutput<'_>) -> Option<Signature> {
    let sig = output.signature();
    let domain = sig.map(|s| domain_of(&s.d));
    let check = match output.result() {
        DkimResult::None => return None,
        // `l=0` cannot pass here: mail-auth reads 0 as "no limit", and
        // the body hash of an empty prefix does not match a whole body.
        DkimResult::Pass if sig.is_some_and(|s| s.l > 0) => Check::BodyLength,
        DkimResult::Pass => Check::Pass,
        DkimResult::PermError(mail_auth::Error::Dns(DnsError::RecordNotFound(
            ResponseCode::NXDomain | ResponseCode::NoError,
        ))) => Check::NoKey(sig.map(key_name).unwrap_or_default()),
        DkimResult::PermError(e @ mail_auth::Error::Dns(_)) | DkimResult::TempError(e) => {
            Check::Dns(escape(&e.to_string()))
        }
        DkimResult::Neutral(e) | DkimResult::Fail(e) | DkimResult::PermError(e) => {
            Check::Bad(why(e))
        }
    };
    Some(Signature { domain, check })
}

/// Why a signature does not verify, in this tool's words where it can.
fn why(e: &mail_auth::Error) -> String {
    match e {
        mail_auth::Error::Dkim(DkimError::FailedBodyHashMatch) => {
            "the body was changed after it was signed (bh= does not match)".into()
        }
        mail_auth::Error::Crypto(CryptoError::FailedVerification) => {
            "the signature does not match the signed header fields".into()
        }
        mail_auth::Error::Dkim(DkimError::SignatureExpired) => {
            "the signature has expired (x=)".into()
        }
        mail_auth::Error::Dkim(DkimError::RevokedPublicKey) => {
            "the signing key was revoked (empty p= in its DNS record)".into()
        }
        other => escape(&other.to_string()),
    }
}

/// [`signatures`] for threads outside any async runtime, as the workers
/// that read files are: a runtime of its own drives the key lookups. It
/// is set up at the first signature to verify, so that a run over files
/// or unsigned mail needs no DNS configuration.
pub struct Verifier {
    resolver: Option<SocketAddr>,
    timeout: Duration,
    ready: OnceLock<Result<Ready, String>>,
    failed: FailedKeys,
}

struct Ready {
    dns: Dns,
    runtime: tokio::runtime::Runtime,
}

impl Verifier {
    /// Keys are looked up at `resolver` (the system's resolvers without),
    /// each lookup bounded by `timeout`: as `check` looks names up.
    pub fn new(resolver: Option<SocketAddr>, timeout: Duration) -> Verifier {
        Verifier {
            resolver,
            timeout,
            ready: OnceLock::new(),
            failed: FailedKeys::default(),
        }
    }

    fn set_up(&self) -> Result<Ready, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the DNS lookups: {e}"))?;
        let dns = {
            let _inside = runtime.enter();
            Dns::new(self.resolver, self.timeout)?
        };
        Ok(Ready { dns, runtime })
    }

    /// The verified signatures of `raw`; blocks the calling thread, which
    /// must not be one of an async runtime's.
    pub fn signatures(&self, raw: &[u8]) -> Vec<Signature> {
        if signature_fields(raw) == 0 {
            return Vec::new();
        }
        match self.ready.get_or_init(|| self.set_up()) {
            Ok(ready) => ready
                .runtime
                .block_on(signatures(raw, &ready.dns, &self.failed)),
            Err(why) => AuthenticatedMessage::parse_with_opts(raw, None, false)
                .map(|m| {
                    m.dkim_headers
                        .iter()
                        .map(|h| Signature {
                            domain: Some(domain_of(&h.header.d)),
                            check: Check::Dns(why.clone()),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

impl Drop for Verifier {
    /// Lookups still under way (none, once reading is done) are not waited for.
    fn drop(&mut self) {
        if let Some(Ok(ready)) = self.ready.take() {
            ready.runtime.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(domain: &str, check: Check) -> Signature {
        Signature {
            domain: Some(domain.into()),
            check,
        }
    }

    #[test]
    fn a_valid_signature_of_the_reporting_domain_or_a_parent_counts() {
        assert_eq!(
            judge(&[sig("google.com", Check::Pass)], Some("google.com")),
            Ok(())
        );
        assert_eq!(
            judge(&[sig("mail.ru", Check::Pass)], Some("corp.mail.ru")),
            Ok(())
        );
        // A relay's signature beside it changes nothing.
        assert_eq!(
            judge(
                &[
                    sig("relay.test", Check::Bad("x".into())),
                    sig("google.com", Check::Pass)
                ],
                Some("google.com")
            ),
            Ok(())
        );
    }

    #[test]
    fn a_signature_of_another_domain_does_not_count() {
        let wrong = judge(
            &[sig("evil.test", Check::Pass), sig("ail.ru", Check::Pass)],
            Some("mail.ru"),
        );
        assert_eq!(
            wrong,
            Err(Untrusted::WrongDomain {
                reporting: "mail.ru".into(),
                signed_by: vec!["ail.ru".into(), "evil.test".into()],
            })
        );
        let text = wrong.unwrap_err().to_string();
        assert!(text.contains("signed by ail.ru, evil.test, not by the reporting domain mail.ru"));
        // A child of the reporting domain is not the reporting domain.
        assert_eq!(
            judge(&[sig("corp.mail.ru", Check::Pass)], Some("mail.ru"))
                .unwrap_err()
                .code(),
            "wrong-domain"
        );
    }

    #[test]
    fn each_failure_of_the_reporting_domains_signature_is_told_apart() {
        let one = |check: Check| judge(&[sig("google.com", check)], Some("google.com"));
        assert_eq!(
            one(Check::BodyLength),
            Err(Untrusted::BodyLength {
                domain: "google.com".into()
            })
        );
        assert_eq!(
            one(Check::Bad("b".into())).unwrap_err().code(),
            "bad-signature"
        );
        assert_eq!(
            one(Check::NoKey("s._domainkey.google.com".into())),
            Err(Untrusted::KeyNotFound {
                domain: "google.com".into(),
                name: "s._domainkey.google.com".into()
            })
        );
        assert_eq!(
            one(Check::Dns("SERVFAIL".into())).unwrap_err().code(),
            "dns-error"
        );
        // Several: the most definite failure is told.
        assert_eq!(
            judge(
                &[
                    sig("google.com", Check::Dns("t".into())),
                    sig("google.com", Check::BodyLength)
                ],
                Some("google.com")
            )
            .unwrap_err()
            .code(),
            "body-length"
        );
    }

    #[test]
    fn unsigned_mail_and_reports_without_a_domain_do_not_count() {
        assert_eq!(judge(&[], Some("google.com")), Err(Untrusted::NoSignature));
        assert_eq!(judge(&[], None), Err(Untrusted::NoSignature));
        assert_eq!(
            judge(&[sig("google.com", Check::Pass)], None),
            Err(Untrusted::NoReportingDomain)
        );
        let unreadable = Signature {
            domain: None,
            check: Check::Bad("unreadable".into()),
        };
        assert_eq!(
            judge(&[unreadable], Some("google.com")),
            Err(Untrusted::BadSignature {
                domain: None,
                why: "unreadable".into()
            })
        );
    }

    #[test]
    fn parents_are_whole_labels() {
        assert!(within("a.b.example", "example"));
        assert!(within("example", "example"));
        assert!(!within("example", "a.example"));
        assert!(!within("badexample", "example"));
        assert!(!within("example", ""));
    }

    #[test]
    fn signature_fields_are_counted_in_the_header_only() {
        let m = b"DKIM-Signature: a\r\n b\r\ndkim-signature:c\r\nSubject: x\r\n\r\nDKIM-Signature: body\r\n";
        assert_eq!(signature_fields(m), 2);
        assert_eq!(signature_fields(b""), 0);
    }

    /// Without a signature, nothing is looked up: no network needed.
    #[test]
    fn a_message_without_signatures_has_none() {
        let v = Verifier::new(Some("127.0.0.1:9".parse().unwrap()), Duration::from_secs(1));
        assert!(v.signatures(b"From: a@b.test\r\n\r\nhello\r\n").is_empty());
        assert!(v.signatures(b"").is_empty());
        assert!(v.ready.get().is_none(), "nothing set up for unsigned mail");
        let many = "DKIM-Signature: v=1; d=x.test\r\n".repeat(MAX_SIGNATURES + 1) + "\r\nbody";
        let got = v.signatures(many.as_bytes());
        assert_eq!(got.len(), 1);
        assert!(matches!(&got[0].check, Check::Bad(w) if w.contains("more than")));
    }
}
