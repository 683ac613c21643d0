//! The check catalogue: every check `mtasts check` can report, with its
//! stable id. This is the only place in the crate where an id string is
//! written; the contract (`check-contract.md`) makes the ids binding, so a
//! variant may be added but its string never changed.
//!
//! To find a check's code from its id: [`CheckId::family`] names the file
//! under `src/check/rules/` that judges it.

use std::fmt;

use serde::{Serialize, Serializer};

/// One check of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckId {
    RecordPresent,
    RecordUnique,
    RecordSyntax,
    RecordIdRotation,
    PolicyHostDns,
    PolicyTls,
    PolicyHttp,
    PolicyContentType,
    PolicySize,
    PolicySyntax,
    PolicyMode,
    PolicyMaxAge,
    MxPresent,
    PolicyMxUnused,
    TlsrptPresent,
    TlsrptSyntax,
    MxMatch,
    SmtpStarttls,
    SmtpCertificate,
    SmtpTlsVersion,
    DaneMxSecure,
    DaneTlsa,
}

/// The group a check belongs to: the file under `src/check/rules/` that
/// holds its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// `rules/record.rs`: the `_mta-sts` TXT record.
    Record,
    /// `rules/policy_host.rs`: the DNS of `mta-sts.<domain>`.
    PolicyHost,
    /// `rules/policy.rs`: the HTTPS fetch and the policy file.
    Policy,
    /// `rules/mx.rs`: the MX records and their coverage by the policy.
    Mx,
    /// `rules/smtp.rs`: STARTTLS, certificate and TLS version of each MX host.
    Smtp,
    /// `rules/tlsrpt.rs`: the `_smtp._tls` TXT record.
    Tlsrpt,
    /// `rules/state.rs`: comparisons with an earlier run (`--state`).
    State,
    /// `rules/dane.rs`: DNSSEC of the MX RRset and the MX hosts' TLSA records.
    Dane,
}

/// Whether a check is reported once per domain or once per MX host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Domain,
    /// Reported once per MX host, with the host as the finding's subject.
    Host,
}

impl Family {
    /// The file that holds the family's rules.
    pub fn source(self) -> &'static str {
        match self {
            Family::Record => "src/check/rules/record.rs",
            Family::PolicyHost => "src/check/rules/policy_host.rs",
            Family::Policy => "src/check/rules/policy.rs",
            Family::Mx => "src/check/rules/mx.rs",
            Family::Smtp => "src/check/rules/smtp.rs",
            Family::Tlsrpt => "src/check/rules/tlsrpt.rs",
            Family::State => "src/check/rules/state.rs",
            Family::Dane => "src/check/rules/dane.rs",
        }
    }
}

impl CheckId {
    /// Every check, in the order a domain's report lists them (per-host
    /// checks are listed for each host in turn).
    pub const ALL: [CheckId; 22] = [
        CheckId::RecordPresent,
        CheckId::RecordUnique,
        CheckId::RecordSyntax,
        CheckId::RecordIdRotation,
        CheckId::PolicyHostDns,
        CheckId::PolicyTls,
        CheckId::PolicyHttp,
        CheckId::PolicyContentType,
        CheckId::PolicySize,
        CheckId::PolicySyntax,
        CheckId::PolicyMode,
        CheckId::PolicyMaxAge,
        CheckId::MxPresent,
        CheckId::PolicyMxUnused,
        CheckId::DaneMxSecure,
        CheckId::MxMatch,
        CheckId::SmtpStarttls,
        CheckId::SmtpCertificate,
        CheckId::SmtpTlsVersion,
        CheckId::DaneTlsa,
        CheckId::TlsrptPresent,
        CheckId::TlsrptSyntax,
    ];

    /// The stable id, as the JSON output and the contract spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::RecordPresent => "record.present",
            CheckId::RecordUnique => "record.unique",
            CheckId::RecordSyntax => "record.syntax",
            CheckId::RecordIdRotation => "record.id_rotation",
            CheckId::PolicyHostDns => "policy_host.dns",
            CheckId::PolicyTls => "policy.tls",
            CheckId::PolicyHttp => "policy.http",
            CheckId::PolicyContentType => "policy.content_type",
            CheckId::PolicySize => "policy.size",
            CheckId::PolicySyntax => "policy.syntax",
            CheckId::PolicyMode => "policy.mode",
            CheckId::PolicyMaxAge => "policy.max_age",
            CheckId::MxPresent => "mx.present",
            CheckId::PolicyMxUnused => "policy.mx_unused",
            CheckId::TlsrptPresent => "tlsrpt.present",
            CheckId::TlsrptSyntax => "tlsrpt.syntax",
            CheckId::MxMatch => "mx.match",
            CheckId::SmtpStarttls => "smtp.starttls",
            CheckId::SmtpCertificate => "smtp.certificate",
            CheckId::SmtpTlsVersion => "smtp.tls_version",
            CheckId::DaneMxSecure => "dane.mx_secure",
            CheckId::DaneTlsa => "dane.tlsa",
        }
    }

    pub fn family(self) -> Family {
        match self {
            CheckId::RecordPresent | CheckId::RecordUnique | CheckId::RecordSyntax => {
                Family::Record
            }
            CheckId::RecordIdRotation => Family::State,
            CheckId::PolicyHostDns => Family::PolicyHost,
            CheckId::PolicyTls
            | CheckId::PolicyHttp
            | CheckId::PolicyContentType
            | CheckId::PolicySize
            | CheckId::PolicySyntax
            | CheckId::PolicyMode
            | CheckId::PolicyMaxAge
            | CheckId::PolicyMxUnused => Family::Policy,
            CheckId::MxPresent | CheckId::MxMatch => Family::Mx,
            CheckId::SmtpStarttls | CheckId::SmtpCertificate | CheckId::SmtpTlsVersion => {
                Family::Smtp
            }
            CheckId::TlsrptPresent | CheckId::TlsrptSyntax => Family::Tlsrpt,
            CheckId::DaneMxSecure | CheckId::DaneTlsa => Family::Dane,
        }
    }

    pub fn scope(self) -> Scope {
        match self {
            CheckId::MxMatch
            | CheckId::SmtpStarttls
            | CheckId::SmtpCertificate
            | CheckId::SmtpTlsVersion
            | CheckId::DaneTlsa => Scope::Host,
            _ => Scope::Domain,
        }
    }

    /// Whether every run reports the check; [`RecordIdRotation`](CheckId::RecordIdRotation) needs
    /// `--state`.
    pub fn always_reported(self) -> bool {
        self != CheckId::RecordIdRotation
    }

    /// What the check verifies, in one line.
    pub fn title(self) -> &'static str {
        match self {
            CheckId::RecordPresent => "a TXT record starting v=STSv1 exists at _mta-sts.<domain>",
            CheckId::RecordUnique => "exactly one such record (several mean no policy)",
            CheckId::RecordSyntax => "v=STSv1 first; an id of 1-32 letters or digits",
            CheckId::RecordIdRotation => "the policy changed only together with the id",
            CheckId::PolicyHostDns => "mta-sts.<domain> has A/AAAA records, not a CNAME",
            CheckId::PolicyTls => {
                "HTTPS to the policy host with a certificate valid for it, not about to expire"
            }
            CheckId::PolicyHttp => "GET /.well-known/mta-sts.txt answers 200, no redirect",
            CheckId::PolicyContentType => "the policy is served as text/plain",
            CheckId::PolicySize => "the policy is at most 64 KiB",
            CheckId::PolicySyntax => "the policy follows RFC 8461 §3.2",
            CheckId::PolicyMode => "the policy mode is enforce",
            CheckId::PolicyMaxAge => "max_age is in range, and weeks or more when enforcing",
            CheckId::MxPresent => "the domain has MX records (not a null MX)",
            CheckId::PolicyMxUnused => "every policy mx pattern matches an MX host",
            CheckId::TlsrptPresent => {
                "a TXT record starting v=TLSRPTv1 exists at _smtp._tls.<domain>"
            }
            CheckId::TlsrptSyntax => "exactly one TLS-RPT record, with mailto: or https: rua URIs",
            CheckId::MxMatch => "the MX host is matched by a policy mx pattern",
            CheckId::SmtpStarttls => "port 25 offers STARTTLS and the handshake completes",
            CheckId::SmtpCertificate => {
                "the certificate is trusted, in date, names the host, not about to expire"
            }
            CheckId::SmtpTlsVersion => "TLS 1.2 or newer is negotiated",
            CheckId::DaneMxSecure => "the MX RRset is DNSSEC-secure (DANE applies)",
            CheckId::DaneTlsa => {
                "a usable TLSA record (usage 2/3) matches the certificate on every address"
            }
        }
    }
}

impl fmt::Display for CheckId {
    /// Honours width and alignment, so that printers can line ids up.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for CheckId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_dotted_lower_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for c in CheckId::ALL {
            let id = c.as_str();
            assert!(seen.insert(id), "{id} twice");
            assert!(
                id.split('.').count() == 2
                    && id
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch == '.' || ch == '_'),
                "{id}"
            );
            assert!(!c.title().is_empty());
        }
    }

    #[test]
    fn the_family_names_the_rule_file() {
        // The id's prefix names the family, except the comparison with an
        // earlier run and the policy's own check against the MX hosts.
        for c in CheckId::ALL {
            let prefix = c.as_str().split('.').next().unwrap_or_default();
            let expected = match (c, prefix) {
                (CheckId::RecordIdRotation, _) => Family::State,
                (_, "record") => Family::Record,
                (_, "policy_host") => Family::PolicyHost,
                (_, "policy") => Family::Policy,
                (_, "mx") => Family::Mx,
                (_, "smtp") => Family::Smtp,
                (_, "tlsrpt") => Family::Tlsrpt,
                (_, "dane") => Family::Dane,
                _ => panic!("{c}: unknown prefix"),
            };
            assert_eq!(c.family(), expected, "{c}");
            let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(c.family().source());
            assert!(file.is_file(), "{}", file.display());
        }
    }

    #[test]
    fn per_host_checks_are_the_contract_s_four_and_dane_tlsa() {
        let host: Vec<CheckId> = CheckId::ALL
            .into_iter()
            .filter(|c| c.scope() == Scope::Host)
            .collect();
        assert_eq!(
            host,
            [
                CheckId::MxMatch,
                CheckId::SmtpStarttls,
                CheckId::SmtpCertificate,
                CheckId::SmtpTlsVersion,
                CheckId::DaneTlsa
            ]
        );
        assert!(
            CheckId::ALL
                .into_iter()
                .filter(|c| !c.always_reported())
                .eq([CheckId::RecordIdRotation])
        );
    }
}
