//! [`RecordIdRotation`](crate::check::CheckId::RecordIdRotation) (with `--state`): the policy changed only together
//! with the id. Senders that cached a policy refetch it only when the id
//! changes (RFC 8461 §3.1); a new policy under an old id stays unseen until
//! the old max_age runs out.

use super::timed_out as late;
use crate::Clock;
use crate::check::catalogue::CheckId::RecordIdRotation;
use crate::check::facts::Budget;
use crate::check::finding::Finding;
use crate::check::state::{Memory, Remembered};

/// Compares what this run saw (`id` and `digest`, when the record and the
/// policy were both valid) with what the state directory remembered.
pub fn judge(memory: &Memory, id: Option<&str>, digest: Option<&str>, clock: &Clock) -> Finding {
    let (Some(id), Some(digest)) = (id, digest) else {
        return Finding::skip(RecordIdRotation, "no valid record id and policy to compare");
    };
    match memory {
        Memory::Empty => Finding::info(
            RecordIdRotation,
            format!("first check with this state: remembered id {id}"),
        ),
        Memory::Seen(Remembered {
            id: old_id,
            policy_sha256,
            seen,
        }) => {
            if old_id != id {
                Finding::pass(
                    RecordIdRotation,
                    format!("the id changed from {old_id} to {id} since {seen}"),
                )
            } else if policy_sha256 == digest {
                Finding::pass(
                    RecordIdRotation,
                    format!("policy and id {id} unchanged since {seen}"),
                )
            } else {
                Finding::fail(
                    RecordIdRotation,
                    format!(
                        "the policy changed since {seen} but the id is still {id}: senders that cached the old policy keep using it until its max_age runs out"
                    ),
                )
                .expected("a new id with every policy change")
                .fix(format!(
                    "replace the record with: v=STSv1; id={}",
                    clock.sts_id()
                ))
            }
        }
    }
}

/// The finding when the domain's budget ran out before the record or the
/// policy was known: nothing to compare, and nobody can say whether the
/// policy changed without its id.
pub fn timed_out(budget: Budget) -> Finding {
    late(
        RecordIdRotation,
        budget,
        "the record or the policy was not known yet, so neither could be compared with what --state remembers",
        "see the record.* and policy.* checks for what did not answer",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::finding::Status;
    use crate::check::rules::fixtures::clock;

    fn seen(id: &str, digest: &str) -> Memory {
        Memory::Seen(Remembered {
            id: id.into(),
            policy_sha256: digest.into(),
            seen: "2026-11-28T10:00:00+00:00".into(),
        })
    }

    #[test]
    fn the_four_cases() {
        let c = clock();
        let f = judge(&Memory::Empty, Some("1"), Some("aa"), &c);
        assert_eq!(f.status, Status::Info);
        let f = judge(&seen("1", "aa"), Some("2"), Some("bb"), &c);
        assert_eq!(
            (f.status, f.message.as_str()),
            (
                Status::Pass,
                "the id changed from 1 to 2 since 2026-11-28T10:00:00+00:00"
            )
        );
        let f = judge(&seen("1", "aa"), Some("1"), Some("aa"), &c);
        assert_eq!(f.status, Status::Pass);
        let f = judge(&seen("1", "aa"), Some("1"), Some("bb"), &c);
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            f.fix.as_deref(),
            Some("replace the record with: v=STSv1; id=20261202120000Z")
        );
    }

    #[test]
    fn nothing_to_compare_is_a_skip() {
        let c = clock();
        assert_eq!(
            judge(&seen("1", "aa"), None, Some("aa"), &c).status,
            Status::Skip
        );
        assert_eq!(
            judge(&Memory::Empty, Some("1"), None, &c).status,
            Status::Skip
        );
    }

    #[test]
    fn a_record_or_policy_cut_off_by_the_budget_fails_as_timed_out() {
        let f = timed_out(crate::check::rules::fixtures::budget());
        assert_eq!((f.id, f.status), (RecordIdRotation, Status::Fail));
        assert_eq!(
            f.message,
            "timed out after 2 s: the record or the policy was not known yet, so neither could be compared with what --state remembers"
        );
        assert_eq!(
            f.fix.as_deref(),
            Some(
                "see the record.* and policy.* checks for what did not answer; or raise --domain-timeout"
            )
        );
    }
}
