//! [`TlsrptPresent`](crate::check::CheckId::TlsrptPresent), [`TlsrptSyntax`](crate::check::CheckId::TlsrptSyntax): the `_smtp._tls` TXT record
//! (RFC 8460 §3).

use super::{cname_note, timed_out as late};
use crate::check::catalogue::CheckId::{TlsrptPresent, TlsrptSyntax};
use crate::check::facts::Budget;
use crate::check::finding::Finding;
use crate::model::{Domain, TlsRptRecord};
use crate::probe::dns::Lookup;

/// Judges the TXT answer at `_smtp._tls.<domain>`: both findings, in
/// catalogue order.
pub fn judge(domain: &Domain, txt: &Lookup<Vec<Vec<u8>>>) -> [Finding; 2] {
    let name = domain.tlsrpt_record_name();
    let publish = format!(
        "publish {name}. IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@{domain}\" (mtasts gen-tlsrpt)"
    );
    let absent = |present: Finding| [present, Finding::skip(TlsrptSyntax, "no TLS-RPT record")];
    let answer = match txt {
        Ok(a) => a,
        Err(e) => {
            return absent(
                Finding::warn(TlsrptPresent, e.describe(&name, "TXT"))
                    .expected("a v=TLSRPTv1 record")
                    .fix(publish),
            );
        }
    };
    let candidates: Vec<Vec<u8>> = answer
        .records
        .iter()
        .map(|s| s.concat())
        .filter(|t| TlsRptRecord::is_candidate(t))
        .collect();
    let strays: Vec<String> = answer
        .records
        .iter()
        .map(|s| s.concat())
        .filter(|t| TlsRptRecord::is_stray(t))
        .map(|t| format!("'{}'", crate::text::escape_bytes(&t)))
        .collect();
    let Some(first) = candidates.first() else {
        return absent(
            Finding::warn(
                TlsrptPresent,
                format!("{name} has no record beginning v=TLSRPTv1"),
            )
            .fix(publish),
        );
    };
    let present = Finding::pass(
        TlsrptPresent,
        format!(
            "{name}{}: {}",
            cname_note(&answer.cname_chain),
            crate::text::escape_bytes(first)
        ),
    );
    if candidates.len() > 1 {
        return [
            present,
            Finding::fail(
                TlsrptSyntax,
                format!(
                    "{} records begin with v=TLSRPTv1; senders then send no reports",
                    candidates.len()
                ),
            )
            .expected("exactly one")
            .fix("delete all but one _smtp._tls TXT record"),
        ];
    }
    let parsed = TlsRptRecord::parse_strings(&[first]);
    let mut warnings: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
    if !strays.is_empty() {
        warnings.push(format!(
            "senders discard {} beside the record, which does not begin with v=TLSRPTv1; (RFC 8460 §3): delete it",
            strays.join(", ")
        ));
    }
    let syntax = match (&parsed.record, warnings.is_empty()) {
        (Err(e), _) => Finding::fail(TlsrptSyntax, e.to_string())
            .expected("v=TLSRPTv1; rua=mailto:… or https://…")
            .fix(format!(
                "replace it with: v=TLSRPTv1; rua=mailto:tlsrpt@{domain}"
            )),
        (Ok(_), false) => Finding::warn(TlsrptSyntax, warnings.join("; ")),
        (Ok(r), true) => Finding::pass(
            TlsrptSyntax,
            format!(
                "reports go to {}",
                r.rua
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    };
    [present, syntax]
}

/// Both findings when the domain's budget ran out before the TXT lookup
/// answered: they fail as timed out (not the warning of a missing record:
/// nobody knows yet whether it is missing).
pub fn timed_out(domain: &Domain, budget: Budget) -> [Finding; 2] {
    let name = domain.tlsrpt_record_name();
    let awaited = format!("no answer yet to the TXT lookup of {name}");
    let look = format!("check that the DNS servers of {domain} answer for {name}");
    [TlsrptPresent, TlsrptSyntax].map(|id| late(id, budget, &awaited, &look))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::finding::Status;
    use crate::check::rules::fixtures::{budget, domain, failed, txt, via_cname};
    use crate::probe::dns::DnsFailure;

    fn statuses(f: &[Finding; 2]) -> [Status; 2] {
        f.each_ref().map(|f| f.status)
    }

    #[test]
    fn a_valid_record_passes() {
        let f = judge(
            &domain(),
            &txt(&[&["v=TLSRPTv1; rua=mailto:tlsrpt@example.test"]]),
        );
        assert_eq!(statuses(&f), [Status::Pass, Status::Pass]);
        assert_eq!(f[1].message, "reports go to mailto:tlsrpt@example.test");
        let f = judge(
            &domain(),
            &via_cname(
                txt(&[&["v=TLSRPTv1; rua=mailto:a@example.net"]]),
                "rpt.example.net",
            ),
        );
        assert!(
            f[0].message.contains("(through CNAME rpt.example.net)"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn absence_only_warns() {
        let f = judge(&domain(), &failed(DnsFailure::NxDomain));
        assert_eq!(statuses(&f), [Status::Warn, Status::Skip]);
        let f = judge(&domain(), &txt(&[&["v=spf1 -all"]]));
        assert_eq!(statuses(&f), [Status::Warn, Status::Skip]);
        assert!(
            f[0].fix
                .as_deref()
                .unwrap_or_default()
                .contains("mtasts gen-tlsrpt")
        );
    }

    #[test]
    fn two_records_or_a_bad_uri_fail() {
        let f = judge(
            &domain(),
            &txt(&[
                &["v=TLSRPTv1; rua=mailto:a@example.test"],
                &["v=TLSRPTv1; rua=mailto:b@example.test"],
            ]),
        );
        assert_eq!(statuses(&f), [Status::Pass, Status::Fail]);
        let f = judge(&domain(), &txt(&[&["v=TLSRPTv1; rua=ftp://example.test"]]));
        assert_eq!(statuses(&f), [Status::Pass, Status::Fail]);
    }

    #[test]
    fn a_stray_version_is_discarded_with_a_warning() {
        let f = judge(
            &domain(),
            &txt(&[&["v=TLSRPTv1"], &["v=TLSRPTv1; rua=mailto:a@example.test"]]),
        );
        assert_eq!(statuses(&f), [Status::Pass, Status::Warn]);
        assert!(
            f[1].message.contains("discard 'v=TLSRPTv1'"),
            "{}",
            f[1].message
        );
    }

    #[test]
    fn a_second_rua_field_only_warns() {
        let f = judge(
            &domain(),
            &txt(&[&["v=TLSRPTv1; rua=mailto:a@example.test; rua=mailto:b@example.test"]]),
        );
        assert_eq!(statuses(&f), [Status::Pass, Status::Warn]);
        assert!(
            f[1].message
                .contains("use the first (mailto:a@example.test)"),
            "{}",
            f[1].message
        );
    }

    #[test]
    fn a_lookup_cut_off_by_the_budget_fails_rather_than_warns() {
        let f = timed_out(&domain(), budget());
        assert_eq!(statuses(&f), [Status::Fail, Status::Fail]);
        assert_eq!(f.each_ref().map(|f| f.id), [TlsrptPresent, TlsrptSyntax]);
        for f in &f {
            assert_eq!(
                f.message,
                "timed out after 2 s: no answer yet to the TXT lookup of _smtp._tls.example.test"
            );
            assert!(
                f.fix.as_deref().unwrap_or_default().starts_with(
                    "check that the DNS servers of example.test answer for _smtp._tls.example.test"
                ),
                "{:?}",
                f.fix
            );
        }
    }
}
