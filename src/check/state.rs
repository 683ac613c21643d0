//! `check --state DIR`: remembers each domain's record id and policy digest
//! between runs, to catch the classic mistake of changing the policy
//! without a new id — senders then keep the old policy until its max_age
//! runs out.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::DomainReport;
use super::findings::{Finding, verdict};
use crate::fsutil::write_atomic;

pub const ID: &str = "record.id_rotation";

#[derive(Debug, Serialize, Deserialize)]
struct Remembered {
    id: String,
    policy_sha256: String,
    seen: String,
}

/// Compares the report with what `dir` remembers, adds the
/// `record.id_rotation` finding after `record.syntax`, and remembers the
/// current state. A state file that cannot be written is an error.
pub fn apply(dir: &Path, report: &mut DomainReport, clock: &crate::Clock) -> std::io::Result<()> {
    let path = dir.join(format!("{}.json", report.domain));
    let previous: Option<Remembered> = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let finding = match (&report.record_id, &report.policy_sha256) {
        (Some(id), Some(digest)) => {
            let f = match &previous {
                None => Finding::new(ID, super::findings::Status::Info, format!("first check with this state: remembered id {id}")),
                Some(p) if p.id != *id => Finding::pass(ID, format!("the id changed from {} to {id} since {}", p.id, p.seen)),
                Some(p) if p.policy_sha256 == *digest => Finding::pass(ID, format!("policy and id {id} unchanged since {}", p.seen)),
                Some(p) => Finding::fail(
                    ID,
                    format!(
                        "the policy changed since {} but the id is still {id}: senders that cached the old policy keep using it until its max_age runs out",
                        p.seen
                    ),
                )
                .expected("a new id with every policy change")
                .fix(format!("replace the record with: v=STSv1; id={}", clock.sts_id())),
            };
            let now = Remembered {
                id: id.clone(),
                policy_sha256: digest.clone(),
                seen: clock.now().to_rfc3339(),
            };
            std::fs::create_dir_all(dir)?;
            let bytes = serde_json::to_vec_pretty(&now).map_err(std::io::Error::other)?;
            write_atomic(&path, &bytes, true).map_err(|e| std::io::Error::other(e.to_string()))?;
            f
        }
        _ => Finding::skip(ID, "no valid record id and policy to compare"),
    };
    let at = report
        .checks
        .iter()
        .position(|c| c.id == "record.syntax")
        .map_or(report.checks.len(), |i| i + 1);
    report.checks.insert(at, finding);
    report.verdict = verdict(&report.checks);
    Ok(())
}
