//! What `init`, `promote` and `retire` did, in words for the admin: the
//! live MX hosts and their coverage, the files written, and the steps to
//! publish a change in the order RFC 8461 §8 requires.

use std::fmt::Write;

use crate::project::{Change, InitReport, Promotion, Retirement};

/// `init`: the live MX hosts (or why they are unknown), advice, the files
/// written and the next step.
pub fn init(report: &InitReport) -> String {
    let domain = &report.domain;
    let dir = &report.dir;
    let mut out = String::new();
    match &report.live {
        Ok(hosts) => {
            let _ = writeln!(out, "live MX hosts of {domain}:");
            for c in hosts {
                let h = &c.host;
                let provider = c.provider.map(|p| format!(" ({p})")).unwrap_or_default();
                let _ = match &c.pattern {
                    Some(p) => writeln!(out, "  {h:<40} covered by mx: {p}{provider}"),
                    None => writeln!(out, "  {h:<40} NOT COVERED{provider}"),
                };
            }
        }
        Err(why) => {
            let _ = writeln!(
                out,
                "warning: live MX hosts unknown ({why}); the policy uses the --mx patterns as given"
            );
        }
    }
    for advice in &report.advice {
        let _ = writeln!(out, "warning: {advice}");
    }
    let _ = writeln!(
        out,
        "\nwrote {} files to {}:",
        report.written.len(),
        dir.display()
    );
    for p in &report.written {
        let _ = writeln!(out, "  {}", p.strip_prefix(dir).unwrap_or(p).display());
    }
    let _ = writeln!(
        out,
        "\nnext: follow {}/CHECKLIST.md, then run: mtasts check {domain}",
        dir.display()
    );
    out
}

/// `promote`: the change, the three steps in order, then advice.
pub fn promotion(p: &Promotion) -> String {
    let c = &p.change;
    let mut out = steps(
        c,
        &format!(
            "{}: mode {} → {}, max_age {}, id {} → {}.",
            c.domain, c.old_mode, c.mode, c.max_age, c.old_id, c.id
        ),
    );
    for advice in &p.advice {
        let _ = writeln!(out, "warning: {advice}");
    }
    out
}

/// `retire`: the change, the three steps, then how long to wait before
/// deleting anything.
pub fn retirement(r: &Retirement) -> String {
    let c = &r.change;
    let mut out = steps(
        c,
        &format!(
            "{}: mode {}, max_age {}, id {} → {} (RFC 8461 §8.3).",
            c.domain, c.mode, c.max_age, c.old_id, c.id
        ),
    );
    let _ = write!(
        out,
        "  4. Wait until {until} — the longest max_age ever published ({wait} s): senders may keep the old policy that long.\n  5. Only then delete the _mta-sts.{d} TXT record, then the policy host mta-sts.{d}.\n     Keep _smtp._tls.{d} if you still want TLS reports.\n",
        until = r.until.format("%Y-%m-%d %H:%M UTC"),
        wait = r.longest_max_age,
        d = c.domain
    );
    out
}

/// The new policy first, then the new id (RFC 8461 §8.1).
fn steps(c: &Change, what: &str) -> String {
    let d = &c.domain;
    let host = d.policy_host();
    let mut s = format!(
        "{what}\n\nDo these in order (RFC 8461 §8.1: the new policy first, then the new id):\n"
    );
    let _ = writeln!(
        s,
        "  1. Publish the new policy at https://{host}/.well-known/mta-sts.txt (the files under the directory were updated: .well-known/mta-sts.txt{}).",
        if c.hosting { ", hosting/" } else { "" }
    );
    let _ = writeln!(
        s,
        "  2. Check that it is live: mtasts check {d}   ({} should read {})",
        crate::check::CheckId::PolicyMode,
        c.mode
    );
    let _ = write!(
        s,
        "  3. Replace the TXT record — old: _mta-sts.{d}. IN TXT \"v=STSv1; id={old}\"\n                              new: _mta-sts.{d}. IN TXT \"v=STSv1; id={new}\"\n     (dns/records.zone and dns/records.ps1 hold the new record)\n",
        old = c.old_id,
        new = c.id
    );
    s
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::model::{Domain, MaxAge, Mode, MxPattern, PolicyIssue, Provider, StsId};
    use crate::project::Coverage;

    fn change(old_mode: Mode, mode: Mode, max_age: u64, hosting: bool) -> Change {
        Change {
            domain: Domain::parse("contoso.com").unwrap(),
            old_mode,
            mode,
            max_age: MaxAge::new(max_age).unwrap(),
            old_id: StsId::parse("20261128211348Z").unwrap(),
            id: StsId::parse("20261128211356Z").unwrap(),
            hosting,
        }
    }

    /// The example in the README, byte for byte.
    #[test]
    fn promotion_reads_as_the_readme_shows() {
        let p = Promotion {
            change: change(Mode::Testing, Mode::Enforce, 1_209_600, true),
            advice: Vec::new(),
        };
        // The README shows this text; the check's id comes from the catalogue.
        assert_eq!(
            promotion(&p),
            "contoso.com: mode testing → enforce, max_age 1209600, id 20261128211348Z → 20261128211356Z.

Do these in order (RFC 8461 §8.1: the new policy first, then the new id):
  1. Publish the new policy at https://mta-sts.contoso.com/.well-known/mta-sts.txt (the files under the directory were updated: .well-known/mta-sts.txt, hosting/).
  2. Check that it is live: mtasts check contoso.com   (MODE_CHECK should read enforce)
  3. Replace the TXT record — old: _mta-sts.contoso.com. IN TXT \"v=STSv1; id=20261128211348Z\"
                              new: _mta-sts.contoso.com. IN TXT \"v=STSv1; id=20261128211356Z\"
     (dns/records.zone and dns/records.ps1 hold the new record)
"
            .replace("MODE_CHECK", crate::check::CheckId::PolicyMode.as_str())
        );
    }

    #[test]
    fn promotion_names_the_mode_it_left_and_ends_with_advice() {
        let p = Promotion {
            change: change(Mode::None, Mode::Enforce, 86_400, false),
            advice: vec![PolicyIssue::MaxAgeShort(86_400)],
        };
        let text = promotion(&p);
        assert!(text.starts_with("contoso.com: mode none → enforce, max_age 86400,"));
        assert!(
            text.contains(
                "(the files under the directory were updated: .well-known/mta-sts.txt).\n"
            )
        );
        assert!(text.ends_with(&format!(
            "hold the new record)\nwarning: {}\n",
            PolicyIssue::MaxAgeShort(86_400)
        )));
    }

    #[test]
    fn retirement_says_until_when_to_wait() {
        let r = Retirement {
            change: change(Mode::Enforce, Mode::None, 86_400, false),
            longest_max_age: MaxAge::new(1_209_600).unwrap(),
            until: Utc.with_ymd_and_hms(2026, 12, 12, 21, 13, 56).unwrap(),
        };
        let text = retirement(&r);
        assert!(text.starts_with(
            "contoso.com: mode none, max_age 86400, id 20261128211348Z → 20261128211356Z (RFC 8461 §8.3).\n\nDo these in order"
        ));
        assert!(text.ends_with(
            "(dns/records.zone and dns/records.ps1 hold the new record)
  4. Wait until 2026-12-12 21:13 UTC — the longest max_age ever published (1209600 s): senders may keep the old policy that long.
  5. Only then delete the _mta-sts.contoso.com TXT record, then the policy host mta-sts.contoso.com.
     Keep _smtp._tls.contoso.com if you still want TLS reports.
"
        ));
    }

    fn report(live: Result<Vec<Coverage>, String>) -> InitReport {
        let dir = PathBuf::from("mta-sts-contoso.com");
        InitReport {
            domain: Domain::parse("contoso.com").unwrap(),
            live,
            advice: Vec::new(),
            written: [".well-known/mta-sts.txt", "dns/records.zone", "mtasts.json"]
                .iter()
                .map(|f| dir.join(f))
                .collect(),
            dir,
        }
    }

    /// The README's example, with fewer files.
    #[test]
    fn init_lists_the_hosts_and_the_files() {
        let r = report(Ok(vec![
            Coverage {
                host: "contoso-com.mail.protection.outlook.com".into(),
                pattern: Some(MxPattern::parse("*.mail.protection.outlook.com").unwrap()),
                provider: Some(Provider::Microsoft365),
            },
            Coverage {
                host: "mx2.contoso.com".into(),
                pattern: None,
                provider: None,
            },
            Coverage {
                host: "contoso-com.o-v1.mx.microsoft".into(),
                pattern: None,
                provider: Some(Provider::Microsoft365),
            },
        ]));
        assert_eq!(
            init(&r),
            "live MX hosts of contoso.com:
  contoso-com.mail.protection.outlook.com  covered by mx: *.mail.protection.outlook.com (Microsoft 365 / Exchange Online)
  mx2.contoso.com                          NOT COVERED
  contoso-com.o-v1.mx.microsoft            NOT COVERED (Microsoft 365 / Exchange Online)

wrote 3 files to mta-sts-contoso.com:
  .well-known/mta-sts.txt
  dns/records.zone
  mtasts.json

next: follow mta-sts-contoso.com/CHECKLIST.md, then run: mtasts check contoso.com
"
        );
    }

    #[test]
    fn init_warns_when_the_live_hosts_are_unknown() {
        let mut r = report(Err("contoso.com has no MX records".into()));
        r.advice = vec![PolicyIssue::MaxAgeZero];
        let text = init(&r);
        assert!(text.starts_with(&format!(
            "warning: live MX hosts unknown (contoso.com has no MX records); the policy uses the --mx patterns as given\nwarning: {}\n\nwrote 3 files",
            PolicyIssue::MaxAgeZero
        )));
    }
}
