//! TLSA records rendered in the layouts of [`RecordFormat`], as the TXT
//! records are, and the key change: the records to publish side by side
//! before an MX host switches to a new key, with the steps.

use std::fmt::Write as _;

use super::dns::RecordFormat;
use crate::model::{Domain, Tlsa};

/// One TLSA record of an MX host: `_25._tcp.<host>` (RFC 7672 §2.2: SMTP
/// on port 25).
#[derive(Debug, Clone, Copy)]
pub struct TlsaRecord<'a> {
    pub host: &'a Domain,
    /// The zone holding the host's name: PowerShell names the record
    /// relative to it.
    pub zone: &'a Domain,
    pub tlsa: &'a Tlsa,
    pub ttl: u32,
}

impl TlsaRecord<'_> {
    /// The owner name, without a trailing dot.
    pub fn owner(&self) -> String {
        format!("_25._tcp.{}", self.host)
    }

    /// The owner name relative to the zone (`_25._tcp.mx1` in contoso.com).
    fn relative_owner(&self) -> String {
        let inside = self
            .host
            .as_str()
            .strip_suffix(self.zone.as_str())
            .and_then(|head| head.strip_suffix('.'));
        match inside {
            Some(head) => format!("_25._tcp.{head}"),
            None => "_25._tcp".to_string(),
        }
    }

    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.owner(),
            "type": "TLSA",
            "ttl": self.ttl,
            "value": self.tlsa.to_string(),
            "usage": self.tlsa.usage().number(),
            "selector": self.tlsa.selector().number(),
            "matching_type": self.tlsa.matching().number(),
            "data": self.tlsa.data_hex(),
        })
    }

    /// The record in `format`, ending in a newline.
    pub fn render(&self, format: RecordFormat) -> String {
        let t = self.tlsa;
        match format {
            RecordFormat::Txt => format!("{}. IN TLSA {t}\n", self.owner()),
            RecordFormat::Zone => format!("{}. {} IN TLSA {t}\n", self.owner(), self.ttl),
            RecordFormat::Powershell => format!(
                "Add-DnsServerResourceRecord -ZoneName \"{}\" -Name \"{}\" -TLSA -CertificateUsage {} -Selector {} -MatchingType {} -CertificateAssociationData \"{}\"\n",
                self.zone,
                self.relative_owner(),
                match t.usage().number() {
                    0 => "CAConstraint",
                    1 => "ServiceCertificateConstraint",
                    2 => "TrustAnchorAssertion",
                    _ => "DomainIssuedCertificate",
                },
                match t.selector().number() {
                    0 => "FullCertificate",
                    _ => "SubjectPublicKeyInfo",
                },
                match t.matching().number() {
                    0 => "ExactMatch",
                    1 => "Sha256Hash",
                    _ => "Sha512Hash",
                },
                t.data_hex()
            ),
            RecordFormat::Json => format!("{}\n", self.json()),
        }
    }
}

/// A key change of an MX host: the record of the certificate in use and
/// the one of the next, published together before the switch, so that
/// DANE senders find a match on either side of it.
#[derive(Debug, Clone, Copy)]
pub struct Rollover<'a> {
    pub current: TlsaRecord<'a>,
    pub next: TlsaRecord<'a>,
}

impl Rollover<'_> {
    /// Whether the next certificate needs a record of its own: not when
    /// the record is the same (same key with selector 1, same issuer with
    /// usage 2).
    pub fn changes(&self) -> bool {
        self.current.tlsa != self.next.tlsa
    }

    /// What to do, in order.
    pub fn steps(&self) -> Vec<String> {
        let host = self.current.host;
        if !self.changes() {
            return vec![format!(
                "the next certificate (--next-cert) gives the same record as the one in use (--cert): this record matches both, so {host} can switch without a change in DNS"
            )];
        }
        let ttl = self.current.ttl;
        vec![
            format!(
                "1. publish both records below now, beside each other at {}: the first matches the certificate in use (--cert), the second the next one (--next-cert)",
                self.current.owner()
            ),
            format!(
                "2. wait at least two TTLs ({}), so that no resolver still holds the first record alone",
                two_ttls(ttl)
            ),
            format!("3. switch {host} to the next certificate and its key"),
            format!(
                "4. check that {host} serves the next certificate, then remove the first record"
            ),
        ]
    }

    /// The steps as comments, then the records, in `format`.
    pub fn render(&self, format: RecordFormat) -> String {
        let records: Vec<(&TlsaRecord<'_>, &str)> = if self.changes() {
            vec![(&self.current, "current"), (&self.next, "next")]
        } else {
            vec![(&self.current, "current and next")]
        };
        if format == RecordFormat::Json {
            let records: Vec<serde_json::Value> = records
                .iter()
                .map(|(r, which)| {
                    let mut v = r.json();
                    v["certificate"] = (*which).into();
                    v
                })
                .collect();
            let doc = serde_json::json!({
                "host": self.current.host.as_str(),
                "records": records,
                "steps": self.steps(),
            });
            return format!("{doc}\n");
        }
        let comment = match format {
            RecordFormat::Powershell => "#",
            _ => ";",
        };
        let mut out = format!(
            "{comment} key change for {} (DANE-{}):\n",
            self.current.host,
            if self.current.tlsa.usage().is_end_entity() {
                "EE: the server's own certificate or key"
            } else {
                "TA: the issuer of the server's certificate"
            }
        );
        for step in self.steps() {
            let _ = writeln!(out, "{comment} {step}");
        }
        for (r, _) in records {
            out.push_str(&r.render(format));
        }
        out
    }
}

/// Two TTLs in seconds and, when round, in minutes or hours.
fn two_ttls(ttl: u32) -> String {
    let secs = u64::from(ttl) * 2;
    let round = match secs {
        s if s >= 3600 && s % 3600 == 0 => {
            format!(" = {} hour{}", s / 3600, if s == 3600 { "" } else { "s" })
        }
        s if s >= 60 && s % 60 == 0 => format!(" = {} minutes", s / 60),
        _ => String::new(),
    };
    format!("2 × {ttl} s{round}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlsa(text: &str) -> Tlsa {
        Tlsa::parse(text).unwrap()
    }

    const A: &str = "3 1 1 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const B: &str = "3 1 1 248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

    #[test]
    fn formats() {
        let host = Domain::parse("mx1.contoso.com").unwrap();
        let zone = Domain::parse("contoso.com").unwrap();
        let t = tlsa(A);
        let r = TlsaRecord {
            host: &host,
            zone: &zone,
            tlsa: &t,
            ttl: 3600,
        };
        assert_eq!(
            r.render(RecordFormat::Txt),
            format!("_25._tcp.mx1.contoso.com. IN TLSA {A}\n")
        );
        assert_eq!(
            r.render(RecordFormat::Zone),
            format!("_25._tcp.mx1.contoso.com. 3600 IN TLSA {A}\n")
        );
        assert_eq!(
            r.render(RecordFormat::Powershell),
            "Add-DnsServerResourceRecord -ZoneName \"contoso.com\" -Name \"_25._tcp.mx1\" -TLSA -CertificateUsage DomainIssuedCertificate -Selector SubjectPublicKeyInfo -MatchingType Sha256Hash -CertificateAssociationData \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"\n"
        );
        let json: serde_json::Value = serde_json::from_str(&r.render(RecordFormat::Json)).unwrap();
        assert_eq!(json["name"], "_25._tcp.mx1.contoso.com");
        assert_eq!(json["type"], "TLSA");
        assert_eq!(json["value"], A);
        assert_eq!(
            (&json["usage"], &json["selector"], &json["matching_type"]),
            (&3.into(), &1.into(), &1.into())
        );
        // A host that is its zone's apex.
        let r = TlsaRecord { zone: &host, ..r };
        assert!(
            r.render(RecordFormat::Powershell)
                .contains("-ZoneName \"mx1.contoso.com\" -Name \"_25._tcp\" ")
        );
    }

    #[test]
    fn a_key_change_publishes_both_then_removes_the_old() {
        let host = Domain::parse("mx1.contoso.com").unwrap();
        let zone = Domain::parse("contoso.com").unwrap();
        let (a, b) = (tlsa(A), tlsa(B));
        let record = |t| TlsaRecord {
            host: &host,
            zone: &zone,
            tlsa: t,
            ttl: 3600,
        };
        let roll = Rollover {
            current: record(&a),
            next: record(&b),
        };
        let zone_text = roll.render(RecordFormat::Zone);
        let lines: Vec<&str> = zone_text.lines().collect();
        assert_eq!(lines.len(), 7, "{zone_text}");
        assert!(
            lines[..5].iter().all(|l| l.starts_with("; ")),
            "{zone_text}"
        );
        assert!(lines[2].contains("2 × 3600 s = 2 hours"), "{zone_text}");
        assert!(lines[5].ends_with(A) && lines[6].ends_with(B), "old first");
        let ps = roll.render(RecordFormat::Powershell);
        assert!(ps.lines().take(5).all(|l| l.starts_with("# ")), "{ps}");
        assert_eq!(ps.matches("Add-DnsServerResourceRecord").count(), 2);
        let json: serde_json::Value =
            serde_json::from_str(&roll.render(RecordFormat::Json)).unwrap();
        assert_eq!(json["records"][0]["certificate"], "current");
        assert_eq!(json["records"][1]["value"], B);
        assert_eq!(json["steps"].as_array().unwrap().len(), 4);

        let same = Rollover {
            current: record(&a),
            next: record(&a),
        };
        assert!(!same.changes());
        let text = same.render(RecordFormat::Txt);
        assert_eq!(text.matches("IN TLSA").count(), 1, "{text}");
        assert!(text.contains("without a change in DNS"), "{text}");
    }

    #[test]
    fn two_ttls_in_words() {
        assert_eq!(two_ttls(3600), "2 × 3600 s = 2 hours");
        assert_eq!(two_ttls(1800), "2 × 1800 s = 1 hour");
        assert_eq!(two_ttls(300), "2 × 300 s = 10 minutes");
        assert_eq!(two_ttls(45), "2 × 45 s");
    }
}
