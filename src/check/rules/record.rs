//! [`RecordPresent`](crate::check::CheckId::RecordPresent), [`RecordUnique`](crate::check::CheckId::RecordUnique),
//! [`RecordSyntax`](crate::check::CheckId::RecordSyntax): the `_mta-sts` TXT
//! record (RFC 8461 §3.1).

use super::{cname_note, timed_out as late};
use crate::Clock;
use crate::check::catalogue::CheckId::{RecordPresent, RecordSyntax, RecordUnique};
use crate::check::facts::Budget;
use crate::check::finding::Finding;
use crate::model::{Domain, StsRecord};
use crate::probe::dns::Lookup;

/// What the record rules found, and what the rest of the report shows of
/// the record.
pub struct Judged {
    /// One finding per record check, in catalogue order.
    pub findings: [Finding; 3],
    /// The first `v=STSv1` record, escaped for display.
    pub shown: Option<String>,
    /// The id of the first valid record: what `--state` remembers.
    pub id: Option<String>,
}

/// Judges the TXT answer at `_mta-sts.<domain>`.
pub fn judge(domain: &Domain, txt: &Lookup<Vec<Vec<u8>>>, clock: &Clock) -> Judged {
    let name = domain.sts_record_name();
    let publish = format!(
        "publish {name}. IN TXT \"v=STSv1; id={}\" (mtasts gen-record --domain {domain})",
        clock.sts_id()
    );
    let none = |present: Finding| Judged {
        findings: [
            present,
            Finding::skip(RecordUnique, "no record to count"),
            Finding::skip(RecordSyntax, "no record to parse"),
        ],
        shown: None,
        id: None,
    };
    let answer = match txt {
        Ok(a) => a,
        Err(e) => {
            let f = Finding::fail(RecordPresent, e.describe(&name, "TXT"))
                .expected(format!("a TXT record v=STSv1; id=… at {name}"));
            return none(if e.is_absent() {
                f.fix(publish)
            } else {
                f.fix("make the DNS servers of the domain answer this query")
            });
        }
    };
    let candidates: Vec<Vec<u8>> = answer
        .records
        .iter()
        .map(|strings| strings.concat())
        .filter(|joined| StsRecord::is_candidate(joined))
        .collect();
    let via = cname_note(&answer.cname_chain);
    let shown = |joined: &[u8]| crate::text::escape_bytes(joined);
    let strays: Vec<String> = answer
        .records
        .iter()
        .map(|strings| strings.concat())
        .filter(|joined| StsRecord::is_stray(joined))
        .map(|joined| format!("'{}'", shown(&joined)))
        .collect();
    if candidates.is_empty() {
        let others: Vec<String> = answer.records.iter().map(|s| shown(&s.concat())).collect();
        return none(
            Finding::fail(
                RecordPresent,
                format!(
                    "{name}{via} has TXT records, but none begins with v=STSv1;: {}",
                    others.join(" | ")
                ),
            )
            .expected("a TXT record beginning v=STSv1")
            .fix(publish),
        );
    }
    let first = shown(&candidates[0]);
    let present = Finding::pass(RecordPresent, format!("{name}{via}: {first}"));
    let unique = if candidates.len() == 1 && strays.is_empty() {
        Finding::pass(RecordUnique, "exactly one v=STSv1 record")
    } else if candidates.len() == 1 {
        Finding::warn(
            RecordUnique,
            format!(
                "exactly one v=STSv1 record counts; senders discard {} beside it, which does not begin with v=STSv1; (RFC 8461 §3.1)",
                strays.join(", ")
            ),
        )
        .fix("delete the stray record, so that nobody takes it for a second one")
    } else {
        let all: Vec<String> = candidates.iter().map(|c| shown(c)).collect();
        Finding::fail(
            RecordUnique,
            format!(
                "{} records begin with v=STSv1: {}; senders treat this as no policy at all (RFC 8461 §3.1)",
                candidates.len(),
                all.join(" | ")
            ),
        )
        .expected("exactly one")
        .fix("delete all but one _mta-sts TXT record (replace the record when the id changes, never add a second)")
    };
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut id = None;
    for c in &candidates {
        let parsed = StsRecord::parse_strings(&[c]);
        let text = shown(c);
        match &parsed.record {
            Err(e) => errors.push(format!("{text}: {e}")),
            Ok(r) => {
                id.get_or_insert_with(|| r.id.to_string());
            }
        }
        warnings.extend(parsed.warnings.iter().map(|w| format!("{text}: {w}")));
    }
    let syntax = if !errors.is_empty() {
        Finding::fail(
            RecordSyntax,
            format!(
                "{}; senders discard an invalid record and see no policy",
                errors.join("; ")
            ),
        )
        .expected("v=STSv1; id=<1-32 letters or digits>")
        .fix(format!(
            "replace the record with: v=STSv1; id={}",
            clock.sts_id()
        ))
    } else if !warnings.is_empty() {
        Finding::warn(RecordSyntax, warnings.join("; "))
            .fix(format!("write it as: v=STSv1; id={}", clock.sts_id()))
    } else {
        Finding::pass(RecordSyntax, "v=STSv1 first, id valid")
    };
    Judged {
        findings: [present, unique, syntax],
        shown: Some(first),
        id,
    }
}

/// The record checks when the domain's budget ran out before the TXT
/// lookup answered: all three fail as timed out.
pub fn timed_out(domain: &Domain, budget: Budget) -> Judged {
    let name = domain.sts_record_name();
    let awaited = format!("no answer yet to the TXT lookup of {name}");
    let look = format!("check that the DNS servers of {domain} answer for {name}");
    Judged {
        findings: [RecordPresent, RecordUnique, RecordSyntax]
            .map(|id| late(id, budget, &awaited, &look)),
        shown: None,
        id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::finding::Status;
    use crate::check::rules::fixtures::{budget, clock, domain, failed, txt};
    use crate::probe::dns::DnsFailure;

    fn statuses(j: &Judged) -> [Status; 3] {
        j.findings.each_ref().map(|f| f.status)
    }

    #[test]
    fn one_valid_record_passes_and_gives_its_id() {
        let j = judge(
            &domain(),
            &txt(&[&["v=STSv1; id=20261128195300Z"]]),
            &clock(),
        );
        assert_eq!(statuses(&j), [Status::Pass; 3]);
        assert_eq!(j.id.as_deref(), Some("20261128195300Z"));
        assert_eq!(j.shown.as_deref(), Some("v=STSv1; id=20261128195300Z"));
        assert!(j.findings[0].message.starts_with("_mta-sts.example.test: "));
    }

    #[test]
    fn strings_are_joined_without_a_space() {
        let j = judge(
            &domain(),
            &txt(&[&["v=STSv1; id=2026", "1128195300Z"]]),
            &clock(),
        );
        assert_eq!(j.id.as_deref(), Some("20261128195300Z"));
    }

    #[test]
    fn absence_and_dns_errors_are_told_apart() {
        let j = judge(&domain(), &failed(DnsFailure::NxDomain), &clock());
        assert_eq!(statuses(&j), [Status::Fail, Status::Skip, Status::Skip]);
        let fix = j.findings[0].fix.as_deref().unwrap_or_default();
        assert!(fix.contains("v=STSv1; id=20261202120000Z"), "{fix}");
        let j = judge(&domain(), &failed(DnsFailure::ServFail), &clock());
        assert!(
            j.findings[0].message.contains("SERVFAIL"),
            "{}",
            j.findings[0].message
        );
        assert!(
            j.findings[0]
                .fix
                .as_deref()
                .unwrap_or_default()
                .contains("answer this query")
        );
        assert_eq!(j.id, None);
    }

    #[test]
    fn other_txt_records_are_not_a_record() {
        let j = judge(
            &domain(),
            &txt(&[&["google-site-verification=x"]]),
            &clock(),
        );
        assert_eq!(statuses(&j), [Status::Fail, Status::Skip, Status::Skip]);
        assert!(j.findings[0].message.contains("none begins with v=STSv1"));
    }

    #[test]
    fn a_stray_version_beside_a_record_is_discarded_with_a_warning() {
        let j = judge(
            &domain(),
            &txt(&[&["v=STSv1 "], &["v=STSv1; id=1"]]),
            &clock(),
        );
        assert_eq!(statuses(&j), [Status::Pass, Status::Warn, Status::Pass]);
        assert!(
            j.findings[1].message.contains("discard 'v=STSv1 '"),
            "{}",
            j.findings[1].message
        );
        assert_eq!(j.id.as_deref(), Some("1"));
        let j = judge(&domain(), &txt(&[&["v=STSv1"]]), &clock());
        assert_eq!(statuses(&j), [Status::Fail, Status::Skip, Status::Skip]);
    }

    #[test]
    fn two_records_fail_uniqueness() {
        let j = judge(
            &domain(),
            &txt(&[&["v=STSv1; id=1"], &["v=STSv1; id=2"]]),
            &clock(),
        );
        assert_eq!(statuses(&j), [Status::Pass, Status::Fail, Status::Pass]);
        assert_eq!(j.id.as_deref(), Some("1"));
    }

    #[test]
    fn an_invalid_id_fails_and_a_space_before_the_semicolon_warns() {
        let j = judge(&domain(), &txt(&[&["v=STSv1; id=2024-01-01"]]), &clock());
        assert_eq!(j.findings[2].status, Status::Fail);
        assert_eq!(j.id, None);
        assert!(
            j.findings[2]
                .fix
                .as_deref()
                .unwrap_or_default()
                .contains("id=20261202120000Z")
        );
        let j = judge(&domain(), &txt(&[&["v=STSv1 ; id=1"]]), &clock());
        assert_eq!(
            j.findings[2].status,
            Status::Warn,
            "{}",
            j.findings[2].message
        );
    }

    #[test]
    fn trailing_white_space_fails_the_syntax() {
        let j = judge(
            &domain(),
            &txt(&[&["v=STSv1; id=20261128195300Z "]]),
            &clock(),
        );
        assert_eq!(statuses(&j), [Status::Pass, Status::Pass, Status::Fail]);
        assert_eq!(j.id, None);
    }

    #[test]
    fn hostile_text_is_escaped() {
        let j = judge(&domain(), &txt(&[&["v=STSv1; id=1\x1b[31m"]]), &clock());
        assert!(!j.findings[0].message.contains('\x1b'));
        assert!(!j.findings[2].message.contains('\x1b'));
    }

    #[test]
    fn a_lookup_cut_off_by_the_budget_fails_every_record_check() {
        let j = timed_out(&domain(), budget());
        assert_eq!(statuses(&j), [Status::Fail; 3]);
        assert_eq!(
            j.findings.each_ref().map(|f| f.id),
            [RecordPresent, RecordUnique, RecordSyntax]
        );
        for f in &j.findings {
            assert_eq!(
                f.message,
                "timed out after 2 s: no answer yet to the TXT lookup of _mta-sts.example.test"
            );
            assert_eq!(
                f.expected.as_deref(),
                Some("every answer within the domain's time budget (--domain-timeout 2)")
            );
            assert_eq!(
                f.fix.as_deref(),
                Some(
                    "check that the DNS servers of example.test answer for _mta-sts.example.test; or raise --domain-timeout"
                )
            );
        }
        assert_eq!((j.id, j.shown), (None, None));
    }
}
