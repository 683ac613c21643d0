//! `promote` and `retire`: the two policy changes of RFC 8461 §8 that every
//! deployment goes through, done in the order senders need.

use chrono::Duration;

use crate::Clock;
use crate::cli::{PromoteArgs, RetireArgs};
use crate::error::Error;
use crate::model::{MaxAge, Mode, StsId};
use crate::project::Project;
use crate::{Outcome, Result};

/// Two weeks: RFC 8461 §3.2 asks for "weeks or greater" once enforcing.
const ENFORCE_MAX_AGE: MaxAge = match MaxAge::new_const(1_209_600) {
    Some(a) => a,
    None => MaxAge::ONE_WEEK,
};

/// How long a retired policy stays published with `mode: none`.
const RETIRE_MAX_AGE: MaxAge = MaxAge::ONE_DAY;

fn steps(project: &Project, old_id: &StsId, what: &str) -> String {
    let d = &project.domain;
    let host = d.policy_host();
    let mut s = format!(
        "{what}\n\nDo these in order (RFC 8461 §8.1: the new policy first, then the new id):\n"
    );
    s.push_str(&format!(
        "  1. Publish the new policy at https://{host}/.well-known/mta-sts.txt (the files under the directory were updated: .well-known/mta-sts.txt{}).\n",
        if project.hosts.is_empty() { String::new() } else { ", hosting/".to_string() }
    ));
    s.push_str(&format!(
        "  2. Check that it is live: mtasts check {d}   (policy.mode should read {})\n",
        project.policy.mode
    ));
    s.push_str(&format!(
        "  3. Replace the TXT record — old: _mta-sts.{d}. IN TXT \"v=STSv1; id={old_id}\"\n                              new: _mta-sts.{d}. IN TXT \"v=STSv1; id={}\"\n     (dns/records.zone and dns/records.ps1 hold the new record)\n",
        project.id
    ));
    s
}

pub fn promote(args: &PromoteArgs, clock: &Clock) -> Result<Outcome> {
    let mut project = Project::load(&args.dir, clock)?;
    if project.policy.mode == Mode::Enforce {
        return Err(Error::InvalidArgument(format!(
            "{} is already in enforce mode; nothing to promote",
            Project::policy_path(&args.dir).display()
        )));
    }
    let max_age = args.max_age.unwrap_or(ENFORCE_MAX_AGE);
    if project.policy.mx.is_empty() {
        return Err(Error::NoMx {
            mode: Mode::Enforce,
        });
    }
    let old_id = project.id.clone();
    project.policy.mode = Mode::Enforce;
    project.policy.max_age = max_age;
    project.id = clock.sts_id_after(&old_id);
    project.longest_max_age = project.longest_max_age.max(max_age);
    project.write(&args.dir, true)?;
    let mut out = steps(
        &project,
        &old_id,
        &format!(
            "{}: mode testing → enforce, max_age {max_age}, id {old_id} → {}.",
            project.domain, project.id
        ),
    );
    for advice in project.policy.advice(Some(&project.domain)) {
        out.push_str(&format!("warning: {advice}\n"));
    }
    super::print_stdout(&out)?;
    Ok(Outcome::Success)
}

pub fn retire(args: &RetireArgs, clock: &Clock) -> Result<Outcome> {
    let mut project = Project::load(&args.dir, clock)?;
    let wait = project.longest_max_age.max(project.policy.max_age);
    let old_id = project.id.clone();
    project.policy.mode = Mode::None;
    project.policy.max_age = RETIRE_MAX_AGE;
    project.id = clock.sts_id_after(&old_id);
    project.longest_max_age = wait;
    project.write(&args.dir, true)?;
    let until =
        (clock.now() + Duration::seconds(i64::from(wait.secs()))).format("%Y-%m-%d %H:%M UTC");
    let mut out = steps(
        &project,
        &old_id,
        &format!(
            "{}: mode none, max_age {RETIRE_MAX_AGE}, id {old_id} → {} (RFC 8461 §8.3).",
            project.domain, project.id
        ),
    );
    out.push_str(&format!(
        "  4. Wait until {until} — the longest max_age ever published ({wait} s): senders may keep the old policy that long.\n  5. Only then delete the _mta-sts.{d} TXT record, then the policy host mta-sts.{d}.\n     Keep _smtp._tls.{d} if you still want TLS reports.\n",
        d = project.domain
    ));
    super::print_stdout(&out)?;
    Ok(Outcome::Success)
}
