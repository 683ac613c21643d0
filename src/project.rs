//! The directory `mtasts init` writes and `promote` / `retire` update:
//! everything one domain publishes, rendered from one description so the
//! policy file, the DNS records, the hosting artifacts and the checklist
//! never disagree.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::Clock;
use crate::config::init::{InitConfig, MxSource};
use crate::config::policy::{PolicyConfig, require_mx};
use crate::error::{Error, Result};
use crate::fsutil::write_tree;
use crate::generate::dns::{RecordFormat, TxtRecord};
use crate::generate::hosting::{self, Options, Target};
use crate::model::{
    Domain, MaxAge, Mode, MxPattern, POLICY_MAX_BYTES, Policy, PolicyIssue, Provider, RuaUri,
    StsId, StsRecord, TlsRptRecord,
};

/// The file that lets `promote` and `retire` pick up where `init` left off.
pub const STATE_FILE: &str = "mtasts.json";

/// One domain's deployment, as published or about to be.
#[derive(Debug, Clone)]
pub struct Project {
    pub domain: Domain,
    pub policy: Policy,
    pub id: StsId,
    pub rua: Vec<RuaUri>,
    pub hosts: Vec<Target>,
    pub hosting: Options,
    /// The longest max_age ever published: how long senders may keep a
    /// policy after it is withdrawn (RFC 8461 §8.3).
    pub longest_max_age: MaxAge,
    pub created: DateTime<Utc>,
    /// When the deployment last changed (`init`, `promote`, `retire`): the
    /// dates the checklist names count from it.
    pub updated: DateTime<Utc>,
    pub dane: Dane,
}

/// Whether the checklist has the DANE steps (RFC 7672): senders that can
/// validate DNSSEC use DANE instead of MTA-STS wherever the MX RRset and
/// the MX host's TLSA records are secure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dane {
    /// The MX RRset is unsigned, bogus, or could not be validated when
    /// `init` ran: DANE does not apply (yet).
    NotApplicable,
    /// The MX RRset validated as DNSSEC-secure: each of these hosts can
    /// publish TLSA records.
    MxSecure { hosts: Vec<String> },
}

/// `max_age` of a promoted policy unless `promote --max-age` says
/// otherwise: two weeks, as RFC 8461 §3.2 asks for "weeks or greater" once
/// enforcing.
pub const ENFORCE_MAX_AGE: MaxAge = match MaxAge::new_const(1_209_600) {
    Some(a) => a,
    None => MaxAge::ONE_WEEK,
};

/// How long a retired policy stays published with `mode: none`.
pub const RETIRE_MAX_AGE: MaxAge = MaxAge::ONE_DAY;

/// The MX hosts `init` found in DNS, or why it found none (a null MX, no
/// records, a DNS failure), in words for the admin.
pub type LiveMx = std::result::Result<Vec<String>, String>;

/// One live MX host, the first policy pattern that covers it, and the
/// hosted mail provider it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub host: String,
    /// `None`: a sender enforcing the policy would refuse this host.
    pub pattern: Option<MxPattern>,
    /// The provider whose MX host this is, if a known one.
    pub provider: Option<Provider>,
}

/// The mx patterns `init` proposes for the live MX hosts: a host of a known
/// provider becomes the line the provider documents (its pattern, or the
/// documented host itself); any other host stays exact. Never
/// `*.<own domain>`: that would let any host of the domain qualify
/// (RFC 8461 §10.4).
pub fn derive_mx(hosts: &[String]) -> Vec<MxPattern> {
    let mut out: Vec<MxPattern> = Vec::new();
    for h in hosts {
        let pattern = match Provider::recognise(h) {
            Some(found) => Some(found.mx),
            None => MxPattern::exact(h).ok(),
        };
        if let Some(p) = pattern.filter(|p| !out.contains(p)) {
            out.push(p);
        }
    }
    out
}

/// Each host with the first of `mx` that matches it, and its provider.
pub fn coverage(hosts: &[String], mx: &[MxPattern]) -> Vec<Coverage> {
    hosts
        .iter()
        .map(|h| Coverage {
            host: h.clone(),
            pattern: mx.iter().find(|p| p.matches(h)).cloned(),
            provider: Provider::recognise(h).map(|found| found.provider),
        })
        .collect()
}

/// What `init` decided before writing anything: the deployment, and how
/// its policy covers the live MX hosts (or why those are unknown).
#[derive(Debug, Clone)]
pub struct InitPlan {
    pub project: Project,
    pub live: std::result::Result<Vec<Coverage>, String>,
}

impl InitPlan {
    /// The mx patterns are `--mx` or derived from `live`; a policy that
    /// would leave a live MX host uncovered is refused unless the
    /// configuration allows it.
    pub fn new(config: &InitConfig, live: LiveMx, dane: Dane, clock: &Clock) -> Result<InitPlan> {
        let patterns = match (&config.mx, &live) {
            (MxSource::Given(given), _) => given.clone(),
            (MxSource::Live, Ok(hosts)) => derive_mx(hosts),
            (MxSource::Live, Err(why)) => return Err(Error::CannotDeriveMx { why: why.clone() }),
        };
        let policy = PolicyConfig::new(config.mode, patterns, config.max_age)?.into_policy();
        let live = live.map(|hosts| coverage(&hosts, &policy.mx));
        if let Ok(hosts) = &live {
            let uncovered: Vec<String> = hosts
                .iter()
                .filter(|c| c.pattern.is_none())
                .map(|c| c.host.clone())
                .collect();
            if !uncovered.is_empty() && !config.allow_uncovered {
                return Err(Error::UncoveredMx { hosts: uncovered });
            }
        }
        Ok(InitPlan {
            project: Project {
                domain: config.domain.clone(),
                longest_max_age: policy.max_age,
                policy,
                id: clock.sts_id(),
                rua: config.rua.clone(),
                hosts: config.hosts.clone(),
                hosting: config.hosting.clone(),
                created: clock.now(),
                updated: clock.now(),
                dane,
            },
            live,
        })
    }

    /// Writes the directory, refusing to replace any existing file.
    pub fn write(self, dir: &Path) -> Result<InitReport> {
        let written = self.project.write(dir, false)?;
        Ok(InitReport {
            advice: self.project.policy.advice(Some(&self.project.domain)),
            domain: self.project.domain,
            live: self.live,
            dir: dir.to_path_buf(),
            written,
        })
    }
}

/// What `init` did, for the printer.
#[derive(Debug, Clone)]
pub struct InitReport {
    pub domain: Domain,
    pub live: std::result::Result<Vec<Coverage>, String>,
    /// Advice about the policy written (a short max_age, a broad pattern).
    pub advice: Vec<PolicyIssue>,
    pub dir: PathBuf,
    /// Every file written, under `dir`.
    pub written: Vec<PathBuf>,
}

/// The mode, max_age and id before and after `promote` or `retire`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub domain: Domain,
    pub old_mode: Mode,
    pub mode: Mode,
    pub max_age: MaxAge,
    pub old_id: StsId,
    pub id: StsId,
    /// Whether the directory holds hosting artifacts, rewritten too.
    pub hosting: bool,
}

/// What `promote` changed, and advice about the enforced policy.
#[derive(Debug, Clone)]
pub struct Promotion {
    pub change: Change,
    pub advice: Vec<PolicyIssue>,
}

/// What `retire` changed, and until when the record and the policy host
/// must stay (RFC 8461 §8.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retirement {
    pub change: Change,
    /// The longest max_age ever published: how long senders may keep a
    /// policy they fetched.
    pub longest_max_age: MaxAge,
    /// Now plus `longest_max_age`: the earliest safe moment to delete.
    pub until: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    domain: String,
    id: String,
    rua: Vec<String>,
    hosts: Vec<String>,
    longest_max_age: u32,
    created: String,
    #[serde(default)]
    cert: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    webroot: Option<String>,
    #[serde(default)]
    listen: Option<String>,
    #[serde(default)]
    classic: bool,
    /// [`Dane::MxSecure`]'s hosts; absent: [`Dane::NotApplicable`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dane_mx_hosts: Option<Vec<String>>,
}

/// Reads and validates a policy file: publishing or hosting an invalid
/// policy helps no one.
pub fn read_policy(path: &Path) -> Result<Policy> {
    let shown = path.display().to_string();
    let body = std::fs::read(path).map_err(|source| Error::Read {
        path: shown.clone(),
        source,
    })?;
    if body.len() > POLICY_MAX_BYTES {
        return Err(Error::InputTooLarge {
            path: shown,
            limit: POLICY_MAX_BYTES,
        });
    }
    let parsed = Policy::parse(&body);
    parsed.policy.ok_or_else(|| {
        let first = parsed
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| format!("line {}: {}", d.line, d.issue))
            .unwrap_or_default();
        Error::InvalidPolicyFile { path: shown, first }
    })
}

fn bad_state(dir: &Path, why: impl std::fmt::Display) -> Error {
    Error::NotAProject {
        dir: dir.to_path_buf(),
        why: why.to_string(),
    }
}

impl Project {
    pub fn policy_path(dir: &Path) -> PathBuf {
        dir.join(".well-known").join("mta-sts.txt")
    }

    /// Every file of the directory, relative paths and contents.
    pub fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = vec![
            (
                PathBuf::from(".well-known/mta-sts.txt"),
                self.policy.render().into_bytes(),
            ),
            (PathBuf::from("dns/records.zone"), self.zone().into_bytes()),
            (
                PathBuf::from("dns/records.ps1"),
                self.powershell().into_bytes(),
            ),
            (PathBuf::from("CHECKLIST.md"), self.checklist().into_bytes()),
        ];
        for target in &self.hosts {
            let artifact = hosting::render(*target, &self.domain, &self.policy, &self.hosting);
            for f in artifact.files {
                files.push((
                    Path::new("hosting").join(target.name()).join(&f.path),
                    f.contents,
                ));
            }
        }
        files.push((PathBuf::from(STATE_FILE), self.state_json().into_bytes()));
        files
    }

    fn sts_value(&self) -> String {
        StsRecord::new(self.id.clone()).to_string()
    }

    fn tlsrpt_value(&self) -> String {
        TlsRptRecord {
            rua: self.rua.clone(),
            extensions: Vec::new(),
        }
        .to_string()
    }

    fn records(&self) -> [TxtRecord<'_>; 2] {
        [
            TxtRecord {
                prefix: "_mta-sts",
                domain: Some(&self.domain),
                value: self.sts_value(),
                ttl: 3600,
            },
            TxtRecord {
                prefix: "_smtp._tls",
                domain: Some(&self.domain),
                value: self.tlsrpt_value(),
                ttl: 3600,
            },
        ]
    }

    pub fn zone(&self) -> String {
        let mut out = format!(
            "; MTA-STS and TLS-RPT records for {} (generated by mtasts).\n; REPLACE any existing _mta-sts TXT record: two v=STSv1 records disable MTA-STS.\n",
            self.domain
        );
        for r in self.records() {
            out.push_str(&r.render(RecordFormat::Zone).unwrap_or_default());
        }
        out
    }

    pub fn powershell(&self) -> String {
        let d = &self.domain;
        let mut out = format!(
            "# MTA-STS and TLS-RPT records for {d} (generated by mtasts), for Windows DNS Server.\n\
             # Existing records at these names are removed first: there must be exactly one of each.\n"
        );
        for (name, r) in [
            ("_mta-sts", &self.records()[0]),
            ("_smtp._tls", &self.records()[1]),
        ] {
            out.push_str(&format!(
                "Get-DnsServerResourceRecord -ZoneName \"{d}\" -Name \"{name}\" -RRType Txt -ErrorAction SilentlyContinue | Remove-DnsServerResourceRecord -ZoneName \"{d}\" -Force\n"
            ));
            out.push_str(&r.render(RecordFormat::Powershell).unwrap_or_default());
        }
        out
    }

    fn checklist(&self) -> String {
        let d = &self.domain;
        let host = d.policy_host();
        let day = |days: i64| {
            (self.created + Duration::days(days))
                .format("%Y-%m-%d")
                .to_string()
        };
        let hosting = if self.hosts.is_empty() {
            format!(
                "   Serve `.well-known/mta-sts.txt` at https://{host}/.well-known/mta-sts.txt as `text/plain`, with no redirects (`mtasts gen-hosting --help` lists ready-made configurations).\n"
            )
        } else {
            let mut s = String::new();
            for t in &self.hosts {
                let a = hosting::render(*t, d, &self.policy, &self.hosting);
                s.push_str(&format!("   - `hosting/{}/`:\n", t.name()));
                for n in a.notes {
                    s.push_str(&format!("     - {n}\n"));
                }
            }
            s
        };
        let rollout = match self.policy.mode {
            Mode::Testing => format!(
                "- [ ] {} — now: publish everything above in `testing` mode.\n\
                 - [ ] {} to {} — read the daily TLS-RPT reports sent to {}; fix every failure they show.\n\
                 - [ ] {} or later — `mtasts promote {}` (run in this directory) switches to `enforce` with a longer max_age and a new id; publish the new policy first, then the new TXT id.\n",
                day(0),
                day(0),
                day(14),
                self.rua
                    .iter()
                    .map(|u| u.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                day(14),
                "."
            ),
            Mode::Enforce => format!(
                "- [x] Enforced since {}: senders refuse to deliver to unlisted or untrusted MX hosts.\n- [ ] Every policy change: edit with mtasts, publish the policy first, then a new TXT id.\n",
                day(0)
            ),
            Mode::None => format!(
                "- [ ] MTA-STS is being withdrawn: keep this policy and record published until {} (the longest max_age ever served, {} s), then delete the _mta-sts TXT record and the policy host.\n",
                (self.updated + Duration::seconds(i64::from(self.longest_max_age.secs())))
                    .format("%Y-%m-%d"),
                self.longest_max_age
            ),
        };
        format!(
            "# MTA-STS for {d}\n\n\
             Policy: mode `{mode}`, max_age {age} s, mx {mx}. Record id: `{id}`.\n\n\
             ## 1. DNS records\n\n\
             Create these (`dns/records.zone` for BIND-style zones, `dns/records.ps1` for Windows DNS).\n\
             **Replace** an existing `_mta-sts` TXT record — never add a second one.\n\n\
             ```\n{zone}```\n\n\
             ## 2. The policy host\n\n\
             1. Point `{host}` at the web server with **A/AAAA records**, not a CNAME (a CNAME there has been reported to fail Exchange Online's validation).\n\
             2. Get a certificate valid for `{host}` from a public CA.\n\
             3. Serve the policy:\n{hosting}\n\
             ## 3. Verify\n\n\
             ```\nmtasts check {d}\n```\n\n\
             Every check must pass; `{mode_check}` warns while in testing.\n\n\
             ## 4. Rollout\n\n{rollout}{dane}",
            dane = self.dane_steps(),
            mode = self.policy.mode,
            mode_check = crate::check::CheckId::PolicyMode,
            age = self.policy.max_age,
            mx = self
                .policy
                .mx
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", "),
            id = self.id,
            zone = self
                .zone()
                .lines()
                .filter(|l| !l.starts_with(';'))
                .map(|l| format!("{l}\n"))
                .collect::<String>(),
        )
    }

    /// The DANE steps of the checklist, when the MX RRset is secure: a
    /// TLSA record per MX host, and the key change that keeps it matching
    /// (RFC 7671 §8.1: the new record is published before the new key is
    /// used).
    fn dane_steps(&self) -> String {
        let Dane::MxSecure { hosts } = &self.dane else {
            return String::new();
        };
        let d = &self.domain;
        let each: String = hosts
            .iter()
            .map(|h| {
                format!(
                    "- [ ] `{h}`: on the certificate it serves, `mtasts gen-tlsa --cert CERT.pem --host {h}`; publish the record at `_25._tcp.{h}` in its signed zone.\n"
                )
            })
            .collect();
        format!(
            "\n## 5. DANE: your MX records are DNSSEC-signed\n\n\
             Senders that validate DNSSEC (Postfix, Exim, Microsoft 365 inbound, …) use DANE (RFC 7672) instead of MTA-STS for an MX host whose TLSA records are DNSSEC-secure. For each MX host you run:\n\n\
             {each}\n\
             An MX host run by a provider gets its TLSA records from the provider, in the provider's zone: leave it out. Then `mtasts check {d}`: `dane.mx_secure` and `dane.tlsa` pass.\n\n\
             ### Changing an MX host's key\n\n\
             A TLSA record that no longer matches the certificate makes every DANE sender defer mail to that host. A renewal that keeps the key keeps a `3 1 1` record valid; a new key needs, in this order:\n\n\
             1. `mtasts gen-tlsa --cert CURRENT.pem --next-cert NEXT.pem --host HOST` prints both records: publish the new one beside the old.\n\
             2. Wait at least two TTLs of the TLSA records, so that no cache holds only the old one.\n\
             3. Switch the server to the new key and certificate.\n\
             4. Remove the old record; `mtasts check {d}` confirms.\n"
        )
    }

    fn state_json(&self) -> String {
        let saved = Saved {
            domain: self.domain.to_string(),
            id: self.id.to_string(),
            rua: self.rua.iter().map(ToString::to_string).collect(),
            hosts: self.hosts.iter().map(|t| t.name().to_string()).collect(),
            longest_max_age: self.longest_max_age.secs(),
            created: self.created.to_rfc3339(),
            cert: self.hosting.cert.clone(),
            key: self.hosting.key.clone(),
            webroot: self.hosting.webroot.clone(),
            listen: self.hosting.listen.clone(),
            classic: self.hosting.classic,
            dane_mx_hosts: match &self.dane {
                Dane::NotApplicable => None,
                Dane::MxSecure { hosts } => Some(hosts.clone()),
            },
        };
        serde_json::to_string_pretty(&saved).unwrap_or_default() + "\n"
    }

    /// Reads a directory written by `init`.
    pub fn load(dir: &Path, clock: &Clock) -> Result<Project> {
        let state = std::fs::read(dir.join(STATE_FILE))
            .map_err(|e| bad_state(dir, format!("{STATE_FILE}: {e}")))?;
        let saved: Saved = serde_json::from_slice(&state)
            .map_err(|e| bad_state(dir, format!("{STATE_FILE}: {e}")))?;
        let policy = read_policy(&Self::policy_path(dir))?;
        let hosts = saved
            .hosts
            .iter()
            .map(|h| <Target as clap::ValueEnum>::from_str(h, false).map_err(|e| bad_state(dir, e)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Project {
            domain: Domain::parse(&saved.domain).map_err(|e| bad_state(dir, e))?,
            policy,
            id: StsId::parse(&saved.id).map_err(|e| bad_state(dir, e))?,
            rua: saved
                .rua
                .iter()
                .map(|u| RuaUri::parse(u))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| bad_state(dir, e))?,
            hosts,
            hosting: Options {
                cert: saved.cert,
                key: saved.key,
                webroot: saved.webroot,
                listen: saved.listen,
                classic: saved.classic,
            },
            longest_max_age: MaxAge::new(u64::from(saved.longest_max_age))
                .map_err(|e| bad_state(dir, e))?,
            created: DateTime::parse_from_rfc3339(&saved.created)
                .map(|d| d.with_timezone(&Utc))
                .unwrap_or_else(|_| clock.now()),
            updated: clock.now(),
            dane: match saved.dane_mx_hosts {
                Some(hosts) if !hosts.is_empty() => Dane::MxSecure { hosts },
                _ => Dane::NotApplicable,
            },
        })
    }

    /// Switches to `enforce` with `max_age` (default [`ENFORCE_MAX_AGE`])
    /// and a new id (RFC 8461 §8.1). Only the state changes; the caller
    /// writes it. `dir` names the directory in the refusal.
    pub fn promote(
        &mut self,
        dir: &Path,
        max_age: Option<MaxAge>,
        clock: &Clock,
    ) -> Result<Promotion> {
        if self.policy.mode == Mode::Enforce {
            return Err(Error::AlreadyEnforcing {
                path: Self::policy_path(dir),
            });
        }
        let max_age = max_age.unwrap_or(ENFORCE_MAX_AGE);
        require_mx(Mode::Enforce, &self.policy.mx)?;
        let old_mode = self.policy.mode;
        let old_id = self.id.clone();
        self.policy.mode = Mode::Enforce;
        self.policy.max_age = max_age;
        self.id = clock.sts_id_after(&old_id);
        self.longest_max_age = self.longest_max_age.max(max_age);
        self.updated = clock.now();
        Ok(Promotion {
            change: self.change(old_mode, old_id),
            advice: self.policy.advice(Some(&self.domain)),
        })
    }

    /// Withdraws the policy safely (RFC 8461 §8.3): `mode: none`,
    /// [`RETIRE_MAX_AGE`] and a new id, published until the longest
    /// max_age ever served has run out. Only the state changes.
    pub fn retire(&mut self, clock: &Clock) -> Retirement {
        let wait = self.longest_max_age.max(self.policy.max_age);
        let old_mode = self.policy.mode;
        let old_id = self.id.clone();
        self.policy.mode = Mode::None;
        self.policy.max_age = RETIRE_MAX_AGE;
        self.id = clock.sts_id_after(&old_id);
        self.longest_max_age = wait;
        self.updated = clock.now();
        Retirement {
            change: self.change(old_mode, old_id),
            longest_max_age: wait,
            until: clock.now() + Duration::seconds(i64::from(wait.secs())),
        }
    }

    fn change(&self, old_mode: Mode, old_id: StsId) -> Change {
        Change {
            domain: self.domain.clone(),
            old_mode,
            mode: self.policy.mode,
            max_age: self.policy.max_age,
            old_id,
            id: self.id.clone(),
            hosting: !self.hosts.is_empty(),
        }
    }

    /// Writes every file. Without `replace`, nothing is written if any file
    /// exists with other content; with it, files are replaced atomically.
    pub fn write(&self, dir: &Path, replace: bool) -> Result<Vec<PathBuf>> {
        let files = self.files();
        let written = write_tree(
            dir,
            files.iter().map(|(p, c)| (p.as_path(), c.as_slice())),
            replace,
            |clashes| Error::ProjectExists {
                paths: clashes.iter().map(|p| p.display().to_string()).collect(),
            },
        )?;
        Ok(written.into_iter().map(|(path, _)| path).collect())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration as StdDuration;

    use chrono::TimeZone;

    use super::*;

    fn at(d: u32, h: u32) -> Clock {
        Clock::fixed(Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap())
    }

    fn mx(s: &str) -> MxPattern {
        MxPattern::parse(s).unwrap()
    }

    fn hosts(h: &[&str]) -> Vec<String> {
        h.iter().map(ToString::to_string).collect()
    }

    fn config(mode: Mode, given: &[&str]) -> InitConfig {
        InitConfig {
            domain: Domain::parse("contoso.com").unwrap(),
            dir: PathBuf::from("mta-sts-contoso.com"),
            mode,
            max_age: None,
            mx: if given.is_empty() {
                MxSource::Live
            } else {
                MxSource::Given(given.iter().map(|s| mx(s)).collect())
            },
            allow_uncovered: false,
            rua: vec![RuaUri::parse("mailto:tlsrpt@contoso.com").unwrap()],
            hosts: vec![Target::Nginx],
            hosting: Options::default(),
            resolver: None,
            timeout: StdDuration::from_secs(10),
            anchors: crate::probe::dnssec::Anchors::root(),
        }
    }

    #[test]
    fn derive_collapses_provider_hosts_and_keeps_others_exact() {
        let derived = derive_mx(&hosts(&[
            "contoso-com.mail.protection.outlook.com",
            "MX2.Contoso.com.",
            "other-com.mail.protection.outlook.com",
            "mx2.contoso.com",
        ]));
        assert_eq!(
            derived,
            [mx("*.mail.protection.outlook.com"), mx("mx2.contoso.com")]
        );
        assert!(derive_mx(&hosts(&["not a host"])).is_empty());
    }

    /// A provider that documents hosts, not a pattern, keeps them exact; a
    /// per-customer host with no documented pattern too.
    #[test]
    fn derive_keeps_documented_hosts_and_per_customer_hosts_exact() {
        let derived = derive_mx(&hosts(&[
            "ASPMX.L.GOOGLE.COM.",
            "alt1.aspmx.l.google.com",
            "contoso-com.o-v1.mx.microsoft",
            "contoso-com.mail.protection.outlook.com",
        ]));
        assert_eq!(
            derived,
            [
                mx("aspmx.l.google.com"),
                mx("alt1.aspmx.l.google.com"),
                mx("contoso-com.o-v1.mx.microsoft"),
                mx("*.mail.protection.outlook.com"),
            ]
        );
    }

    #[test]
    fn coverage_names_the_provider_of_each_host() {
        let c = coverage(
            &hosts(&["in1-smtp.messagingengine.com", "mx2.contoso.com"]),
            &[mx("in1-smtp.messagingengine.com")],
        );
        assert_eq!(c[0].provider, Some(Provider::Fastmail));
        assert_eq!(c[1].provider, None);
    }

    #[test]
    fn coverage_names_the_first_matching_pattern() {
        let c = coverage(
            &hosts(&["a.contoso.com", "b.contoso.com"]),
            &[mx("*.contoso.com"), mx("a.contoso.com")],
        );
        assert_eq!(c[0].pattern, Some(mx("*.contoso.com")));
        let c = coverage(
            &hosts(&["a.contoso.com", "c.other.com"]),
            &[mx("a.contoso.com")],
        );
        assert_eq!(c[0].pattern, Some(mx("a.contoso.com")));
        assert_eq!(c[1].host, "c.other.com");
        assert_eq!(c[1].pattern, None);
    }

    #[test]
    fn init_plan_from_live_hosts() {
        let live = hosts(&["contoso-com.mail.protection.outlook.com", "mx2.contoso.com"]);
        let plan = InitPlan::new(
            &config(Mode::Testing, &[]),
            Ok(live),
            Dane::NotApplicable,
            &at(28, 10),
        )
        .unwrap();
        let p = &plan.project;
        assert_eq!(
            p.policy.mx,
            [mx("*.mail.protection.outlook.com"), mx("mx2.contoso.com")]
        );
        assert_eq!(p.policy.max_age, MaxAge::ONE_DAY);
        assert_eq!(p.longest_max_age, MaxAge::ONE_DAY);
        assert_eq!(p.id.as_str(), "20261128100000Z");
        assert_eq!(p.created, at(28, 10).now());
        assert_eq!(p.hosts, [Target::Nginx]);
        let live = plan.live.unwrap();
        assert!(live.iter().all(|c| c.pattern.is_some()));
    }

    #[test]
    fn init_refuses_uncovered_live_hosts_unless_allowed() {
        let live = || {
            Ok(hosts(&[
                "mx1.contoso.com",
                "mx2.contoso.com",
                "mx3.contoso.com",
            ]))
        };
        let mut c = config(Mode::Enforce, &["mx1.contoso.com", "mx1.contoso.com"]);
        match InitPlan::new(&c, live(), Dane::NotApplicable, &at(28, 10)) {
            Err(e @ Error::UncoveredMx { .. }) => assert_eq!(
                e.to_string(),
                "the policy would not cover the live MX hosts mx2.contoso.com, mx3.contoso.com: add --mx mx2.contoso.com --mx mx3.contoso.com (or --allow-uncovered to write it anyway); nothing was written"
            ),
            other => panic!("{other:?}"),
        }
        c.allow_uncovered = true;
        let plan = InitPlan::new(&c, live(), Dane::NotApplicable, &at(28, 10)).unwrap();
        assert_eq!(
            plan.project.policy.mx,
            [mx("mx1.contoso.com")],
            "deduplicated"
        );
        assert_eq!(plan.project.policy.max_age, MaxAge::ONE_WEEK);
        let uncovered: Vec<&str> = plan
            .live
            .as_ref()
            .unwrap()
            .iter()
            .filter(|c| c.pattern.is_none())
            .map(|c| c.host.as_str())
            .collect();
        assert_eq!(uncovered, ["mx2.contoso.com", "mx3.contoso.com"]);
        let one = InitPlan::new(
            &config(Mode::Testing, &["mx1.contoso.com"]),
            Ok(hosts(&["mx1.contoso.com", "mx2.contoso.com"])),
            Dane::NotApplicable,
            &at(28, 10),
        );
        assert!(
            matches!(one, Err(ref e) if e.to_string().starts_with(
                "the policy would not cover the live MX host mx2.contoso.com: add --mx mx2.contoso.com ("
            )),
            "{one:?}"
        );
    }

    #[test]
    fn init_without_live_hosts_needs_given_patterns() {
        let why = || Err("contoso.com has no MX records".to_string());
        match InitPlan::new(
            &config(Mode::Testing, &[]),
            why(),
            Dane::NotApplicable,
            &at(28, 10),
        ) {
            Err(e @ Error::CannotDeriveMx { .. }) => assert_eq!(
                e.to_string(),
                "cannot derive mx patterns: contoso.com has no MX records; name them with --mx HOST (repeatable)"
            ),
            other => panic!("{other:?}"),
        }
        let plan = InitPlan::new(
            &config(Mode::Testing, &["mx1.contoso.com"]),
            why(),
            Dane::NotApplicable,
            &at(28, 10),
        )
        .unwrap();
        assert_eq!(plan.live, Err("contoso.com has no MX records".to_string()));
        assert_eq!(plan.project.policy.mx, [mx("mx1.contoso.com")]);
        assert!(matches!(
            InitPlan::new(
                &config(Mode::Enforce, &[]),
                Ok(hosts(&["not a host"])),
                Dane::NotApplicable,
                &at(28, 10)
            ),
            Err(Error::NoMx {
                mode: Mode::Enforce
            })
        ));
    }

    #[test]
    fn a_secure_mx_adds_the_dane_steps_and_survives_a_reload() {
        let secure = Dane::MxSecure {
            hosts: hosts(&["mx1.contoso.com", "mx2.contoso.com"]),
        };
        let plan = InitPlan::new(
            &config(Mode::Testing, &["mx1.contoso.com", "mx2.contoso.com"]),
            Ok(hosts(&["mx1.contoso.com", "mx2.contoso.com"])),
            secure.clone(),
            &at(28, 10),
        )
        .unwrap();
        let list = plan.project.checklist();
        assert!(
            list.contains("## 5. DANE: your MX records are DNSSEC-signed"),
            "{list}"
        );
        for h in ["mx1.contoso.com", "mx2.contoso.com"] {
            assert!(
                list.contains(&format!("`mtasts gen-tlsa --cert CERT.pem --host {h}`; publish the record at `_25._tcp.{h}`")),
                "{list}"
            );
        }
        assert!(
            list.contains("--next-cert NEXT.pem"),
            "the key change: {list}"
        );
        let state = plan.project.state_json();
        assert!(state.contains("dane_mx_hosts"), "{state}");

        let dir = tempfile::tempdir().unwrap();
        plan.project.write(dir.path(), false).unwrap();
        let loaded = Project::load(dir.path(), &at(29, 10)).unwrap();
        assert_eq!(loaded.dane, secure, "promote and retire keep the steps");

        let plain = project(Mode::Testing, MaxAge::ONE_DAY, MaxAge::ONE_DAY);
        assert!(!plain.checklist().contains("DANE"));
        assert!(!plain.state_json().contains("dane_mx_hosts"));
    }

    fn project(mode: Mode, max_age: MaxAge, longest: MaxAge) -> Project {
        let mut plan = InitPlan::new(
            &config(mode, &["mx1.contoso.com"]),
            Ok(hosts(&["mx1.contoso.com"])),
            Dane::NotApplicable,
            &at(1, 10),
        )
        .unwrap()
        .project;
        plan.policy.max_age = max_age;
        plan.longest_max_age = longest;
        plan
    }

    #[test]
    fn promote_enforces_with_a_new_id_and_a_longer_max_age() {
        let dir = Path::new("d");
        let mut p = project(Mode::Testing, MaxAge::ONE_DAY, MaxAge::ONE_DAY);
        let promotion = p.promote(dir, None, &at(15, 10)).unwrap();
        assert_eq!(
            promotion.change,
            Change {
                domain: Domain::parse("contoso.com").unwrap(),
                old_mode: Mode::Testing,
                mode: Mode::Enforce,
                max_age: ENFORCE_MAX_AGE,
                old_id: StsId::parse("20261101100000Z").unwrap(),
                id: StsId::parse("20261115100000Z").unwrap(),
                hosting: true,
            }
        );
        assert!(promotion.advice.is_empty());
        assert_eq!(p.policy.mode, Mode::Enforce);
        assert_eq!(p.policy.max_age.secs(), 1_209_600);
        assert_eq!(p.longest_max_age.secs(), 1_209_600);
        assert_eq!(p.id.as_str(), "20261115100000Z");
        assert_eq!(p.updated, at(15, 10).now());
        assert_eq!(p.created, at(1, 10).now());
        match p.promote(dir, None, &at(16, 10)) {
            Err(e @ Error::AlreadyEnforcing { .. }) => assert_eq!(
                e.to_string(),
                format!(
                    "{} is already in enforce mode; nothing to promote",
                    Path::new("d")
                        .join(".well-known")
                        .join("mta-sts.txt")
                        .display()
                )
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn promote_keeps_the_longest_max_age_and_gives_advice() {
        let dir = Path::new("d");
        let long = MaxAge::new(2_419_200).unwrap();
        let mut p = project(Mode::Testing, MaxAge::ONE_DAY, long);
        let promotion = p.promote(dir, Some(MaxAge::ONE_DAY), &at(1, 10)).unwrap();
        assert_eq!(p.policy.max_age, MaxAge::ONE_DAY);
        assert_eq!(p.longest_max_age, long);
        assert_eq!(promotion.advice, [PolicyIssue::MaxAgeShort(86_400)]);
        assert_eq!(
            promotion.change.id.as_str(),
            "20261101100001Z",
            "a new id even within the same second"
        );
        let mut empty = project(Mode::None, MaxAge::ONE_DAY, MaxAge::ONE_DAY);
        empty.policy.mx.clear();
        assert!(matches!(
            empty.promote(dir, None, &at(2, 10)),
            Err(Error::NoMx {
                mode: Mode::Enforce
            })
        ));
        assert_eq!(empty.policy.mode, Mode::None, "a refusal changes nothing");
    }

    #[test]
    fn retire_waits_out_the_longest_max_age() {
        let long = MaxAge::new(1_209_600).unwrap();
        let mut p = project(Mode::Enforce, long, long);
        let r = p.retire(&at(20, 10));
        assert_eq!(r.change.old_mode, Mode::Enforce);
        assert_eq!(r.change.mode, Mode::None);
        assert_eq!(r.change.max_age, RETIRE_MAX_AGE);
        assert_eq!(r.change.old_id.as_str(), "20261101100000Z");
        assert_eq!(r.change.id.as_str(), "20261120100000Z");
        assert_eq!(r.longest_max_age, long);
        assert_eq!(
            r.until,
            Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 0).unwrap()
        );
        assert_eq!(p.policy.mode, Mode::None);
        assert_eq!(p.policy.max_age, MaxAge::ONE_DAY);
        assert_eq!(p.longest_max_age, long);
        // A policy served longer than any before sets the wait.
        let mut p = project(Mode::Enforce, long, MaxAge::ONE_WEEK);
        let r = p.retire(&at(20, 10));
        assert_eq!(r.longest_max_age, long);
        assert_eq!(p.longest_max_age, long);
    }
}
