//! `dane.*`: what DANE senders (RFC 7672) see beside MTA-STS. They use
//! DANE for an MX host whose TLSA records are DNSSEC-secure, and MTA-STS
//! only where there are none (RFC 8461 §2); a TLSA record that does not
//! match the certificate makes every one of them defer the mail, whatever
//! the MTA-STS policy says.
//!
//! Every message keeps the three outcomes of validation apart: secure,
//! insecure (unsigned: DANE does not apply, an observation, `info`) and
//! bogus (validation failed: senders defer, a failure). Nothing passes
//! from an answer that did not validate.

use chrono::{DateTime, Utc};

use super::timed_out;
use crate::check::catalogue::CheckId::{DaneMxSecure, DaneTlsa};
use crate::check::facts::{Dnssec, HostData, Timed};
use crate::check::finding::Finding;
use crate::check::rules::smtp::Probing;
use crate::model::{Domain, Match, Matching, MxPattern, Selector, ServedTlsa, Tlsa, Usage};
use crate::probe::dnssec::Security;
use crate::probe::smtp::{Failure, Probe};

/// What the bogus outcome means to senders, and what to change.
const BOGUS_FIX: &str = "re-sign the zone (signatures expire), and check that the DS record at the parent matches a DNSKEY the zone publishes; `delv` or https://dnsviz.net shows where the chain breaks";

/// `dane.mx_secure`: whether the MX RRset is DNSSEC-secure.
/// `now` dates the signatures of a bogus answer.
pub fn mx_secure(domain: &Domain, mx: &Timed<Dnssec<()>>, now: DateTime<Utc>) -> Finding {
    let found = match mx {
        Timed::TimedOut(b) => {
            return timed_out(
                DaneMxSecure,
                *b,
                &format!("the validated MX lookup of {domain} had not finished"),
                &format!("check that the DNS servers of {domain} answer DNSSEC queries (DO bit)"),
            );
        }
        Timed::Done(Err(why)) => return Finding::skip(DaneMxSecure, why.clone()),
        Timed::Done(Ok(found)) => found,
    };
    match found {
        Err(e) => Finding::skip(
            DaneMxSecure,
            format!("{}: the MX RRset's DNSSEC status is unknown", e.describe(domain.as_str(), "MX")),
        ),
        Ok((Security::Bogus(why), _)) => Finding::fail(
            DaneMxSecure,
            format!(
                "the MX RRset of {domain} is bogus (DNSSEC validation failed: {}); validating senders treat this as a temporary failure and defer mail to {domain}",
                why.describe(now)
            ),
        )
        .expected("an MX RRset whose signatures validate from the trust anchor (secure), or no DNSSEC at all (insecure)")
        .fix(BOGUS_FIX),
        Ok((_, records)) if records.is_empty() => Finding::info(
            DaneMxSecure,
            format!("{domain} has no MX RRset to validate; DANE does not apply"),
        ),
        Ok((Security::Secure, _)) => Finding::pass(
            DaneMxSecure,
            format!(
                "the MX RRset of {domain} is DNSSEC-secure: DANE senders look up TLSA records for its hosts and, where those are secure too, use DANE instead of MTA-STS"
            ),
        ),
        Ok((Security::Insecure, _)) => Finding::info(
            DaneMxSecure,
            format!(
                "the MX RRset of {domain} is insecure (not DNSSEC-signed, or below an unsigned delegation): DANE does not apply to the MX records, senders use MTA-STS (a host whose own addresses and TLSA records are secure still gets DANE: see dane.tlsa)"
            ),
        ),
    }
}

/// `dane.tlsa` for one MX host, and whether DANE-EE (a usage 3 record
/// that matches) applies to it: then DANE senders ignore the
/// certificate's name and dates, which `smtp.certificate` says.
pub fn tlsa(host: &HostData, probing: Probing, now: DateTime<Utc>) -> (Finding, bool) {
    let h = host.host.as_str();
    let (finding, ee) = judge_tlsa(host, probing, now);
    (finding.subject(h), ee)
}

fn judge_tlsa(host: &HostData, probing: Probing, now: DateTime<Utc>) -> (Finding, bool) {
    let h = host.host.as_str();
    let owner = format!("_25._tcp.{h}");
    let late = |b| {
        timed_out(
            DaneTlsa,
            b,
            &format!("the validated lookups of {h} and {owner} had not finished"),
            &format!("check that the DNS servers of {h} answer DNSSEC queries (DO bit)"),
        )
    };
    let addresses = match &host.dnssec.addresses {
        Timed::TimedOut(b) => return (late(*b), false),
        Timed::Done(Err(why)) => return (Finding::skip(DaneTlsa, why.clone()), false),
        Timed::Done(Ok(a)) => a,
    };
    match addresses {
        Ok((Security::Bogus(why), _)) => {
            return (
                Finding::fail(
                    DaneTlsa,
                    format!(
                        "the addresses of {h} are bogus (DNSSEC validation failed: {}); validating senders defer mail to this host",
                        why.describe(now)
                    ),
                )
                .fix(BOGUS_FIX),
                false,
            );
        }
        Ok((Security::Insecure, _)) => {
            // Say so when TLSA records were published all the same.
            let published = match &host.dnssec.tlsa {
                Timed::Done(Ok(Ok((_, records)))) if !records.is_empty() => format!(
                    "; its TLSA records at {owner} ({}) are ignored",
                    list(records)
                ),
                _ => String::new(),
            };
            return (
                Finding::info(
                    DaneTlsa,
                    format!(
                        "the addresses of {h} are insecure (not DNSSEC-signed): DANE senders do not look up its TLSA records (RFC 7672 §2.2.2), DANE does not apply{published}"
                    ),
                ),
                false,
            );
        }
        Ok((Security::Secure, _)) => {}
        Err(e) => {
            return (
                Finding::skip(
                    DaneTlsa,
                    format!(
                        "{}: nothing to look up TLSA records for",
                        e.describe(h, "A/AAAA")
                    ),
                ),
                false,
            );
        }
    }
    let tlsa = match &host.dnssec.tlsa {
        Timed::TimedOut(b) => return (late(*b), false),
        Timed::Done(Err(why)) => return (Finding::skip(DaneTlsa, why.clone()), false),
        Timed::Done(Ok(t)) => t,
    };
    let records = match tlsa {
        Err(e) => {
            return (
                Finding::fail(
                    DaneTlsa,
                    format!(
                        "{}; DANE senders defer mail when the TLSA lookup of a secure host fails (RFC 7672 §2.2.3)",
                        e.describe(&owner, "TLSA")
                    ),
                )
                .fix(format!("make the DNS servers of {h} answer TLSA queries for {owner}")),
                false,
            );
        }
        Ok((Security::Bogus(why), _)) => {
            return (
                Finding::fail(
                    DaneTlsa,
                    format!(
                        "the TLSA records at {owner} are bogus (DNSSEC validation failed: {}); DANE senders defer mail to {h}",
                        why.describe(now)
                    ),
                )
                .expected("TLSA records whose signatures validate, or a denial that validates")
                .fix(BOGUS_FIX),
                false,
            );
        }
        Ok((_, records)) if records.is_empty() => {
            return (
                Finding::info(
                    DaneTlsa,
                    format!(
                        "no TLSA records at {owner}: DANE does not apply to {h}, senders use MTA-STS"
                    ),
                ),
                false,
            );
        }
        Ok((Security::Insecure, records)) => {
            return (
                Finding::info(
                    DaneTlsa,
                    format!(
                        "the TLSA records at {owner} ({}) are insecure (not DNSSEC-signed): DANE senders ignore them, DANE does not apply",
                        list(records)
                    ),
                ),
                false,
            );
        }
        Ok((Security::Secure, records)) => records,
    };
    judge_records(h, &owner, records, host, probing)
}

/// Secure TLSA records against what the host presented on each address.
fn judge_records(
    h: &str,
    owner: &str,
    records: &[ServedTlsa],
    host: &HostData,
    probing: Probing,
) -> (Finding, bool) {
    let usable: Vec<&Tlsa> = records.iter().filter_map(ServedTlsa::usable).collect();
    if usable.is_empty() {
        let pkix_only = records.iter().all(|r| {
            matches!(r, ServedTlsa::Record(t) if matches!(t.usage(), Usage::PkixTa | Usage::PkixEe))
        });
        let message = if pkix_only {
            format!(
                "the secure TLSA records at {owner} ({}) have only usages 0/1 (PKIX-TA, PKIX-EE), which SMTP senders treat as unusable (RFC 7672 §3.1.3): DANE senders still insist on TLS but authenticate nothing",
                list(records)
            )
        } else {
            let why: Vec<String> = records
                .iter()
                .filter_map(|r| Some(format!("{}: {}", r.abbreviated(), r.why_unusable()?)))
                .collect();
            format!(
                "none of the secure TLSA records at {owner} is usable by SMTP senders ({}), so they treat the set as unusable (RFC 7672 §2.2): DANE senders still insist on TLS but authenticate nothing",
                why.join("; ")
            )
        };
        return (
            Finding::warn(DaneTlsa, message)
            .expected("a well-formed record of usage 3 (DANE-EE) or 2 (DANE-TA)")
            .fix(format!("publish e.g. `{owner}. IN TLSA 3 1 1 <SHA-256 of the certificate's public key>`")),
            false,
        );
    }
    if probing == Probing::Skipped {
        return (
            Finding::skip(
                DaneTlsa,
                format!(
                    "--no-smtp: {} secure TLSA record(s) at {owner}, not matched against a certificate",
                    usable.len()
                ),
            ),
            false,
        );
    }
    if host.probes.is_empty() {
        return (
            Finding::skip(DaneTlsa, format!("no address of {h} was probed")),
            false,
        );
    }
    let mut matched: Vec<String> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    let mut suggestion: Option<Tlsa> = None;
    let mut ee = false;
    for p in &host.probes {
        let Some(probe) = p.probe.done() else {
            problems.push(format!("{}: the probe had not finished", p.address));
            continue;
        };
        match against(h, probe, &usable) {
            Ok((r, m)) => {
                ee |= m == Match::Leaf;
                let shown = r.abbreviated();
                if !matched.contains(&shown) {
                    matched.push(shown);
                }
            }
            Err(why) => {
                if suggestion.is_none() {
                    suggestion = probe.chain.first().and_then(|leaf| {
                        Tlsa::for_certificate(
                            Usage::DaneEe,
                            Selector::SubjectPublicKeyInfo,
                            Matching::Sha256,
                            leaf,
                        )
                        .ok()
                    });
                }
                problems.push(format!("{}: {why}", probe.address));
            }
        }
    }
    if !problems.is_empty() {
        let mut f = Finding::fail(
            DaneTlsa,
            format!(
                "secure TLSA records at {owner} ({}), but {}; DANE senders defer mail to {h}",
                list(records),
                problems.join("; ")
            ),
        )
        .expected(
            "a usable TLSA record (usage 2/3) that matches the certificate chain on every address",
        );
        if let Some(record) = suggestion {
            f = f.fix(format!(
                "publish `{owner}. IN TLSA {record}` (the certificate now served) beside the records, or serve the certificate they name"
            ));
        } else {
            f = f.fix(format!(
                "enable STARTTLS on {h} with the certificate the TLSA records name; a host that cannot offer STARTTLS must first have its TLSA records at {owner} removed, and their TTL passed"
            ));
        }
        return (f, false);
    }
    let names = matched.join(", ");
    let lone = usable.len() == 1 && records.len() == 1 && {
        let r = usable[0];
        (r.usage(), r.selector(), r.matching())
            == (
                Usage::DaneEe,
                Selector::SubjectPublicKeyInfo,
                Matching::Sha256,
            )
    };
    if lone {
        return (
            Finding::warn(
                DaneTlsa,
                format!(
                    "TLSA {names} at {owner} matches the certificate on every address, but it is the only record: a new key breaks DANE delivery until the new record is published and cached"
                ),
            )
            .expected("a second record to roll over to: the next key's 3 1 1, or a 2 1 1 for the issuing CA")
            .fix("publish the next key's TLSA record beside this one, wait two TTLs, switch the key, then remove the old record"),
            ee,
        );
    }
    (
        Finding::pass(
            DaneTlsa,
            format!(
                "TLSA {names} at {owner} matches the certificate on every address (DNSSEC-secure)"
            ),
        ),
        ee,
    )
}

/// The first usable record that matches the chain `probe` saw, or why none
/// does. A DANE-TA match needs the certificate to name the host too (RFC
/// 7672 §3.2.2); DANE-EE ignores names.
fn against<'a>(
    host: &str,
    probe: &Probe,
    usable: &[&'a Tlsa],
) -> Result<(&'a Tlsa, Match), String> {
    if probe.chain.is_empty() {
        return Err(match &probe.failure {
            Some(Failure::NoStartTls) => {
                "no STARTTLS offered, which DANE senders require when TLSA records are secure"
                    .to_string()
            }
            Some(f) => format!("no certificate seen ({f})"),
            None => "no certificate seen".to_string(),
        });
    }
    let names_host = probe.cert.as_ref().is_some_and(|c| {
        c.dns_names
            .iter()
            .any(|n| MxPattern::parse(n).is_ok_and(|p| p.matches(host)))
    });
    let mut why = None;
    for r in usable {
        match r.check(&probe.chain) {
            m @ Match::Leaf => return Ok((r, m)),
            m @ Match::TrustAnchor(_) if names_host => return Ok((r, m)),
            Match::TrustAnchor(_) => {
                why = Some(format!(
                    "TLSA {} matches the issuing CA, but the certificate does not name {host}, which DANE-TA senders check",
                    r.abbreviated()
                ))
            }
            Match::Unchained(_) if why.is_none() => {
                why = Some(format!(
                    "TLSA {} names a certificate the server sent, but the leaf does not chain up to it",
                    r.abbreviated()
                ))
            }
            Match::Unchained(_) | Match::None | Match::Unusable => {}
        }
    }
    Err(why.unwrap_or_else(|| {
        "no usable TLSA record matches the certificate chain presented".to_string()
    }))
}

/// The records as in a zone file, abbreviated.
fn list(records: &[ServedTlsa]) -> String {
    records
        .iter()
        .map(ServedTlsa::abbreviated)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What `smtp.certificate` adds where DANE-EE applies.
pub const DANE_EE_NOTE: &str = "; DANE-EE applies (a TLSA record of usage 3 matches): DANE senders ignore the certificate's name and dates, MTA-STS senders do not";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::facts::{HostDnssec, Timed};
    use crate::check::finding::Status;
    use crate::check::rules::fixtures::{budget, clock, domain, probe_ok, with_probes};
    use crate::probe::dns::DnsFailure;
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};

    const MX: &str = "mx1.example.test";

    /// leaf ← intermediate ← root, DER.
    fn chain() -> Vec<Vec<u8>> {
        let ca = |name: &str| {
            let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
            p.distinguished_name.push(rcgen::DnType::CommonName, name);
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            p
        };
        let root_key = KeyPair::generate().unwrap();
        let root_params = ca("root");
        let root = root_params.self_signed(&root_key).unwrap();
        let inter_key = KeyPair::generate().unwrap();
        let inter_params = ca("intermediate");
        let inter = inter_params
            .signed_by(&inter_key, &Issuer::new(root_params, root_key))
            .unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec![MX.to_string()])
            .unwrap()
            .signed_by(&leaf_key, &Issuer::new(inter_params, inter_key))
            .unwrap();
        vec![
            leaf.der().to_vec(),
            inter.der().to_vec(),
            root.der().to_vec(),
        ]
    }

    fn rec(usage: u8, selector: u8, matching: u8, cert: &[u8]) -> ServedTlsa {
        Tlsa::for_certificate(
            Usage::from_number(usage).unwrap(),
            Selector::from_number(selector).unwrap(),
            Matching::from_number(matching).unwrap(),
            cert,
        )
        .unwrap()
        .into()
    }

    fn secure(records: Vec<ServedTlsa>) -> Timed<Dnssec<ServedTlsa>> {
        Timed::Done(Ok(Ok((Security::Secure, records))))
    }

    fn host(chain: &[Vec<u8>], tlsa: Timed<Dnssec<ServedTlsa>>) -> HostData {
        let mut probe = probe_ok("192.0.2.1:25");
        probe.chain = chain.to_vec();
        probe.cert = Some(crate::check::rules::fixtures::cert(MX));
        let mut h = with_probes(MX, vec![probe]);
        h.dnssec = HostDnssec {
            addresses: Timed::Done(Ok(Ok((Security::Secure, vec![()])))),
            tlsa,
        };
        h
    }

    fn judged(h: &HostData) -> (Status, String, bool) {
        let (f, ee) = tlsa(h, Probing::Done, clock().now());
        assert_eq!(f.subject.as_deref(), Some(MX));
        (f.status, f.message, ee)
    }

    #[test]
    fn a_matching_3_1_1_with_a_second_record_passes_and_names_the_match() {
        let c = chain();
        let r = rec(3, 1, 1, &c[0]);
        let next = ServedTlsa::from_fields(3, 1, 1, vec![7; 32]);
        let (s, m, ee) = judged(&host(&c, secure(vec![next, r.clone()])));
        assert_eq!(s, Status::Pass, "{m}");
        assert!(
            m.contains(&format!(
                "TLSA {} at _25._tcp.{MX} matches",
                r.abbreviated()
            )),
            "{m}"
        );
        assert!(ee);
    }

    #[test]
    fn a_lone_3_1_1_warns_that_nothing_can_roll_over() {
        let c = chain();
        let (s, m, ee) = judged(&host(&c, secure(vec![rec(3, 1, 1, &c[0])])));
        assert_eq!(s, Status::Warn, "{m}");
        assert!(m.contains("only record"), "{m}");
        assert!(ee, "DANE-EE still applies");
    }

    #[test]
    fn a_2_1_1_through_the_intermediate_passes_alone() {
        let c = chain();
        let r = rec(2, 1, 1, &c[1]);
        let (s, m, ee) = judged(&host(&c, secure(vec![r.clone()])));
        assert_eq!(s, Status::Pass, "{m}");
        assert!(m.contains(&r.abbreviated()), "{m}");
        assert!(!ee, "DANE-TA: senders check the name");
    }

    #[test]
    fn dane_ta_needs_the_certificate_to_name_the_host() {
        let c = chain();
        let mut h = host(&c, secure(vec![rec(2, 1, 1, &c[1]), rec(2, 0, 1, &c[2])]));
        let mut p = probe_ok("192.0.2.1:25");
        p.chain = c.clone();
        p.cert = Some(crate::check::rules::fixtures::cert("other.example.test"));
        h.probes = vec![crate::check::rules::fixtures::probed(p.clone())];
        let (s, m, _) = judged(&h);
        assert_eq!(s, Status::Fail, "{m}");
        assert!(m.contains("does not name mx1.example.test"), "{m}");
        p.cert = Some(crate::check::rules::fixtures::cert("*.example.test"));
        h.probes = vec![crate::check::rules::fixtures::probed(p)];
        assert_eq!(judged(&h).0, Status::Pass, "a wildcard names one label");
    }

    #[test]
    fn secure_records_that_match_nothing_fail_and_say_what_would() {
        let c = chain();
        let other = chain();
        let h = host(
            &c,
            secure(vec![rec(3, 1, 1, &other[0]), rec(2, 1, 1, &other[1])]),
        );
        let (f, ee) = tlsa(&h, Probing::Done, clock().now());
        assert_eq!(f.status, Status::Fail, "{}", f.message);
        assert!(
            f.message
                .contains("192.0.2.1:25: no usable TLSA record matches"),
            "{}",
            f.message
        );
        let spki = Tlsa::for_certificate(
            Usage::DaneEe,
            Selector::SubjectPublicKeyInfo,
            Matching::Sha256,
            &c[0],
        )
        .unwrap()
        .data_hex();
        assert!(f.fix.unwrap().contains(&format!("TLSA 3 1 1 {spki}`")));
        assert!(!ee);
    }

    #[test]
    fn every_address_must_match() {
        let c = chain();
        let mut h = host(&c, secure(vec![rec(3, 1, 1, &c[0]), rec(3, 1, 2, &c[0])]));
        let mut second = probe_ok("192.0.2.2:25");
        second.chain = chain();
        h.probes.push(crate::check::rules::fixtures::probed(second));
        let (s, m, _) = judged(&h);
        assert_eq!(s, Status::Fail, "{m}");
        assert!(
            m.contains("192.0.2.2:25") && !m.contains("192.0.2.1:25"),
            "{m}"
        );
    }

    #[test]
    fn usage_0_and_1_only_warns_as_unusable() {
        let c = chain();
        let (s, m, _) = judged(&host(
            &c,
            secure(vec![rec(0, 1, 1, &c[1]), rec(1, 1, 1, &c[0])]),
        ));
        assert_eq!(s, Status::Warn, "{m}");
        assert!(m.contains("unusable"), "{m}");
    }

    #[test]
    fn malformed_records_are_named_with_why_they_are_unusable() {
        let c = chain();
        let spki = rec(3, 1, 1, &c[0]);
        let ServedTlsa::Record(good) = &spki else {
            panic!("{spki:?}")
        };
        let short = ServedTlsa::from_fields(3, 1, 1, good.data()[..31].to_vec());
        let unknown = ServedTlsa::from_fields(3, 1, 7, good.data().to_vec());
        let (s, m, ee) = judged(&host(
            &c,
            secure(vec![short.clone(), unknown, rec(1, 1, 1, &c[0])]),
        ));
        assert_eq!(s, Status::Warn, "{m}");
        assert!(!ee);
        assert!(m.contains("none of the secure TLSA records"), "{m}");
        assert!(
            m.contains(&format!(
                "{}: matching type 1 takes 32 bytes of data, not 31",
                short.abbreviated()
            )),
            "{m}"
        );
        assert!(m.contains("3 1 7 "), "{m}");
        assert!(m.contains("matching type 7 is not defined"), "{m}");
        assert!(m.contains("usage 1 (PKIX-EE) is not for SMTP"), "{m}");
        // Beside a record that matches, a malformed one is only listed.
        let (s, m, ee) = judged(&host(&c, secure(vec![short.clone(), spki])));
        assert_eq!(s, Status::Pass, "{m}");
        assert!(ee);
        let (s, m, _) = judged(&host(&c, secure(vec![short])));
        assert_eq!(s, Status::Warn, "{m}");
        assert!(!m.contains("only usages 0/1"), "{m}");
    }

    #[test]
    fn no_starttls_with_secure_tlsa_fails() {
        let c = chain();
        let mut h = host(&[], secure(vec![rec(3, 1, 1, &c[0]), rec(2, 1, 1, &c[1])]));
        let mut p = probe_ok("192.0.2.1:25");
        p.starttls_offered = Some(false);
        p.tls = None;
        p.failure = Some(Failure::NoStartTls);
        h.probes = vec![crate::check::rules::fixtures::probed(p)];
        let (s, m, _) = judged(&h);
        assert_eq!(s, Status::Fail, "{m}");
        assert!(m.contains("no STARTTLS"), "{m}");
    }

    #[test]
    fn bogus_fails_insecure_and_absent_are_information() {
        let c = chain();
        let bogus = Timed::Done(Ok(Ok((Security::Bogus("expired".into()), vec![]))));
        let (s, m, _) = judged(&host(&c, bogus));
        assert_eq!(s, Status::Fail);
        assert!(m.contains("bogus") && m.contains("expired"), "{m}");
        let insecure = Timed::Done(Ok(Ok((Security::Insecure, vec![rec(3, 1, 1, &c[0])]))));
        let (s, m, ee) = judged(&host(&c, insecure));
        assert_eq!(s, Status::Info);
        assert!(m.contains("insecure") && !ee, "{m}");
        let (s, m, _) = judged(&host(&c, secure(vec![])));
        assert_eq!(s, Status::Info);
        assert!(m.contains("no TLSA records"), "{m}");
        let failed = Timed::Done(Ok(Err(DnsFailure::ServFail)));
        let (s, m, _) = judged(&host(&c, failed));
        assert_eq!(s, Status::Fail);
        assert!(m.contains("SERVFAIL"), "{m}");
    }

    #[test]
    fn insecure_or_bogus_addresses_decide_before_tlsa() {
        let c = chain();
        let mut h = host(&c, secure(vec![rec(3, 1, 1, &c[0])]));
        h.dnssec.addresses = Timed::Done(Ok(Ok((Security::Insecure, vec![()]))));
        assert_eq!(judged(&h).0, Status::Info);
        h.dnssec.addresses = Timed::Done(Ok(Ok((Security::Bogus("x".into()), vec![()]))));
        assert_eq!(judged(&h).0, Status::Fail);
    }

    #[test]
    fn unavailable_validation_and_no_smtp_skip_late_answers_fail() {
        let c = chain();
        let h = host(&c, Timed::Done(Err("DNSSEC cannot be validated".into())));
        assert_eq!(judged(&h).0, Status::Skip);
        let h = host(&c, secure(vec![rec(3, 1, 1, &c[0])]));
        assert_eq!(
            tlsa(&h, Probing::Skipped, clock().now()).0.status,
            Status::Skip
        );
        let h = host(&c, Timed::TimedOut(budget()));
        assert_eq!(judged(&h).0, Status::Fail);
    }

    #[test]
    fn the_mx_rrset_secure_passes_insecure_informs_bogus_fails() {
        let d = domain();
        let now = clock().now();
        let at = |s: Security, n: usize| {
            mx_secure(&d, &Timed::Done(Ok(Ok((s, vec![(); n])))), now).status
        };
        assert_eq!(at(Security::Secure, 2), Status::Pass);
        assert_eq!(at(Security::Insecure, 2), Status::Info);
        assert_eq!(
            at(Security::Secure, 0),
            Status::Info,
            "no records: nothing to validate"
        );
        assert_eq!(
            at(Security::Bogus("x".into()), 0),
            Status::Fail,
            "a bogus denial"
        );
        let bogus = mx_secure(
            &d,
            &Timed::Done(Ok(Ok((Security::Bogus("sig".into()), vec![()])))),
            now,
        );
        assert_eq!(bogus.status, Status::Fail);
        assert!(bogus.message.contains("bogus") && bogus.fix.is_some());
        assert_eq!(
            mx_secure(&d, &Timed::Done(Err("no".into())), now).status,
            Status::Skip
        );
        assert_eq!(
            mx_secure(&d, &Timed::TimedOut(budget()), now).status,
            Status::Fail
        );
        let failed = mx_secure(&d, &Timed::Done(Ok(Err(DnsFailure::Timeout))), now);
        assert_eq!(failed.status, Status::Skip);
        assert!(failed.message.contains("timed out"));
    }
}
