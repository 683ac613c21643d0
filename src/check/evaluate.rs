//! Judgement: gathered facts → one finding per catalogue id (per host for
//! the per-host ids), each saying what was found, what was expected and
//! what to change.

use crate::model::{
    Domain, MaxAge, Mode, Policy, PolicyIssue, PolicyParse, StsRecord, TlsRptRecord,
};

use std::net::IpAddr;

use super::findings::{Finding, verdict};
use super::{DomainReport, Gathered, PolicySummary};
use crate::probe::dns::{DnsFailure, Lookup, merge_addresses};
use crate::probe::https::{BodyError, Fetch};
use crate::probe::smtp::Failure;

pub fn evaluate(domain: &Domain, g: &Gathered, smtp: bool, clock: &crate::Clock) -> DomainReport {
    let mut checks = Vec::new();
    let record = record_checks(domain, g, clock, &mut checks);
    policy_host_check(domain, g, &mut checks);
    let parsed = policy_checks(domain, g, &mut checks);
    let record_id = first_record_id(g);
    let policy_sha256 = policy_digest(g, parsed.as_ref());
    mx_checks(domain, g, parsed.as_ref(), smtp, &mut checks);
    tlsrpt_checks(domain, g, &mut checks);
    let policy = parsed.as_ref().map(|p| PolicySummary {
        mode: p.fields.mode.map(|m| m.to_string()),
        max_age: p.fields.max_age.map(MaxAge::secs),
        mx: p.fields.mx.iter().map(ToString::to_string).collect(),
        valid: p.policy.is_some(),
    });
    DomainReport {
        domain: domain.to_string(),
        verdict: verdict(&checks),
        checks,
        record,
        policy,
        mx: g.hosts.clone(),
        fetch: g.fetch.clone(),
        record_id,
        policy_sha256,
        elapsed_ms: 0,
    }
}

fn first_record_id(g: &Gathered) -> Option<String> {
    let answer = g.sts_txt.as_ref().ok()?;
    answer.records.iter().find_map(|strings| {
        StsRecord::parse_strings(strings)
            .record
            .ok()
            .map(|r| r.id.to_string())
    })
}

fn policy_digest(g: &Gathered, parsed: Option<&PolicyParse>) -> Option<String> {
    use sha2::{Digest, Sha256};
    let Fetch::Response(resp) = &g.fetch else {
        return None;
    };
    let body = resp.body.as_ref()?;
    let canonical = match parsed.and_then(|p| p.policy.as_ref()) {
        Some(policy) => policy.render().into_bytes(),
        None => body.clone(),
    };
    Some(
        Sha256::digest(&canonical)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

fn cname_note(chain: &[String]) -> String {
    if chain.is_empty() {
        String::new()
    } else {
        format!(" (through CNAME {})", chain.join(" → "))
    }
}

fn record_checks(
    domain: &Domain,
    g: &Gathered,
    clock: &crate::Clock,
    out: &mut Vec<Finding>,
) -> Option<String> {
    let name = domain.sts_record_name();
    let publish = format!(
        "publish {name}. IN TXT \"v=STSv1; id={}\" (mtasts gen-record --domain {domain})",
        clock.sts_id()
    );
    let answer = match &g.sts_txt {
        Ok(a) => a,
        Err(e) => {
            let f = Finding::fail("record.present", e.describe(&name, "TXT"))
                .expected(format!("a TXT record v=STSv1; id=… at {name}"));
            out.push(if e.is_absent() {
                f.fix(publish)
            } else {
                f.fix("make the DNS servers of the domain answer this query")
            });
            out.push(Finding::skip("record.unique", "no record to count"));
            out.push(Finding::skip("record.syntax", "no record to parse"));
            return None;
        }
    };
    let candidates: Vec<&Vec<Vec<u8>>> = answer
        .records
        .iter()
        .filter(|strings| {
            StsRecord::is_candidate(&strings.iter().flatten().copied().collect::<Vec<u8>>())
        })
        .collect();
    let via = cname_note(&answer.cname_chain);
    let shown = |strings: &Vec<Vec<u8>>| crate::text::escape_bytes(&strings.concat());
    if candidates.is_empty() {
        let others: Vec<String> = answer.records.iter().map(shown).collect();
        out.push(
            Finding::fail(
                "record.present",
                format!(
                    "{name}{via} has TXT records, but none begins with v=STSv1: {}",
                    others.join(" | ")
                ),
            )
            .expected("a TXT record beginning v=STSv1")
            .fix(publish),
        );
        out.push(Finding::skip("record.unique", "no record to count"));
        out.push(Finding::skip("record.syntax", "no record to parse"));
        return None;
    }
    let first = shown(candidates[0]);
    out.push(Finding::pass(
        "record.present",
        format!("{name}{via}: {first}"),
    ));
    if candidates.len() == 1 {
        out.push(Finding::pass("record.unique", "exactly one v=STSv1 record"));
    } else {
        let all: Vec<String> = candidates.iter().map(|c| shown(c)).collect();
        out.push(
            Finding::fail(
                "record.unique",
                format!("{} records begin with v=STSv1: {}; senders treat this as no policy at all (RFC 8461 §3.1)", candidates.len(), all.join(" | ")),
            )
            .expected("exactly one")
            .fix("delete all but one _mta-sts TXT record (replace the record when the id changes, never add a second)"),
        );
    }
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for c in &candidates {
        let parsed = StsRecord::parse_strings(c);
        let text = shown(c);
        if let Err(e) = &parsed.record {
            errors.push(format!("{text}: {e}"));
        }
        warnings.extend(parsed.warnings.iter().map(|w| format!("{text}: {w}")));
    }
    out.push(if !errors.is_empty() {
        Finding::fail(
            "record.syntax",
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
        Finding::warn("record.syntax", warnings.join("; "))
            .fix(format!("write it as: v=STSv1; id={}", clock.sts_id()))
    } else {
        Finding::pass("record.syntax", "v=STSv1 first, id valid")
    });
    Some(first)
}

fn policy_host_check(domain: &Domain, g: &Gathered, out: &mut Vec<Finding>) {
    let host = domain.policy_host();
    match merge_addresses(&g.policy_a, &g.policy_aaaa) {
        Ok(answer) => {
            let addrs: Vec<String> = answer.records.iter().map(ToString::to_string).collect();
            if let Some(broken) = family_failure(&g.policy_a, &g.policy_aaaa, &host) {
                out.push(
                    Finding::warn("policy_host.dns", format!("{host} has {}, but {broken}", addrs.join(", ")))
                        .fix("make the DNS servers answer both A and AAAA queries (NODATA when there is no record)"),
                );
            } else if answer.cname_chain.is_empty() {
                out.push(Finding::pass(
                    "policy_host.dns",
                    format!("{host} has {}", addrs.join(", ")),
                ));
            } else {
                out.push(
                    Finding::warn(
                        "policy_host.dns",
                        format!("{host} is reached through CNAME {} ({})", answer.cname_chain.join(" → "), addrs.join(", ")),
                    )
                    .expected("A/AAAA records directly at the name")
                    .fix(format!("publish A/AAAA records for {host} instead of a CNAME; Exchange Online's validation has been reported to reject a CNAME there")),
                );
            }
        }
        Err(e) => {
            let f = Finding::fail("policy_host.dns", e.describe(&host, "A/AAAA"))
                .expected(format!("A or AAAA records for {host}"));
            out.push(if e.is_absent() {
                f.fix(format!(
                    "create A/AAAA records for {host} pointing at the server that hosts the policy"
                ))
            } else {
                f.fix("make the DNS servers of the domain answer this query")
            });
        }
    }
}

const POLICY_IDS: [&str; 6] = [
    "policy.http",
    "policy.content_type",
    "policy.size",
    "policy.syntax",
    "policy.mode",
    "policy.max_age",
];

fn skip_rest(out: &mut Vec<Finding>, from: usize, why: &str) {
    for id in &POLICY_IDS[from..] {
        out.push(Finding::skip(id, why));
    }
}

fn policy_checks(domain: &Domain, g: &Gathered, out: &mut Vec<Finding>) -> Option<PolicyParse> {
    let host = domain.policy_host();
    let url = domain.policy_url();
    let resp = match &g.fetch {
        Fetch::NoAddress => {
            let why = match merge_addresses(&g.policy_a, &g.policy_aaaa) {
                Err(e) => e.describe(&host, "A/AAAA"),
                Ok(_) => format!("{host} has no address"),
            };
            out.push(
                Finding::fail("policy.tls", format!("not attempted: {why}"))
                    .expected(format!("an HTTPS server at {host}"))
                    .fix(format!(
                        "create A/AAAA records for {host} and serve {url} there"
                    )),
            );
            skip_rest(out, 0, "the policy host could not be reached");
            return None;
        }
        Fetch::Connect { error } => {
            out.push(
                Finding::fail("policy.tls", format!("cannot reach {host}: {error}"))
                    .expected("an HTTPS server on port 443")
                    .fix(format!("serve {url} over HTTPS")),
            );
            skip_rest(out, 0, "the policy host could not be reached");
            return None;
        }
        Fetch::Certificate { problem, cert } => {
            let names = cert.as_ref().map(cert_names).unwrap_or_default();
            out.push(
                Finding::fail("policy.tls", format!("{problem}{names}"))
                    .expected(format!("a certificate valid for {host} from a trusted CA"))
                    .fix(problem.fix(&host)),
            );
            skip_rest(out, 0, "no trusted HTTPS connection");
            return None;
        }
        Fetch::Tls { error } => {
            out.push(
                Finding::fail("policy.tls", format!("TLS with {host} failed: {error}"))
                    .fix(format!("serve {url} over HTTPS with TLS 1.2 or newer")),
            );
            skip_rest(out, 0, "no HTTPS connection");
            return None;
        }
        Fetch::Http { error, cert } => {
            let cert_note = cert
                .as_ref()
                .map(|c| format!(", issued by {}, expires {}", c.issuer, c.not_after))
                .unwrap_or_default();
            out.push(Finding::pass(
                "policy.tls",
                format!("certificate valid for {host}{cert_note}"),
            ));
            out.push(
                Finding::fail(
                    "policy.http",
                    format!("no usable HTTP response for {url}: {error}; senders get no policy"),
                )
                .expected("200 with the policy")
                .fix(format!(
                    "make the web server answer GET {url} promptly with status 200"
                )),
            );
            skip_rest(out, 1, "no policy was served");
            return None;
        }
        Fetch::Response(r) => r,
    };
    let cert_note = resp
        .cert
        .as_ref()
        .map(|c| format!(", issued by {}, expires {}", c.issuer, c.not_after))
        .unwrap_or_default();
    out.push(Finding::pass(
        "policy.tls",
        format!("certificate valid for {host}{cert_note}"),
    ));
    if resp.status != 200 {
        let f = if (300..400).contains(&resp.status) {
            Finding::fail(
                "policy.http",
                format!(
                    "HTTP {} redirect to {}: senders do not follow redirects (RFC 8461 §3.3), so they get no policy",
                    resp.status,
                    resp.location.as_deref().unwrap_or("(no Location)")
                ),
            )
            .fix(format!("serve the policy itself at {url} with status 200"))
        } else {
            Finding::fail("policy.http", format!("HTTP {} for {url}", resp.status))
                .fix(format!("serve the policy file at {url}"))
        };
        out.push(f.expected("200"));
        skip_rest(out, 1, "no policy was served");
        return None;
    }
    out.push(Finding::pass(
        "policy.http",
        format!("200 in {} ms", resp.elapsed_ms),
    ));
    out.push(match resp.content_type.as_deref() {
        None => Finding::fail("policy.content_type", "no Content-Type header; senders that check the type reject the policy")
            .expected("text/plain")
            .fix("serve it with Content-Type: text/plain"),
        Some(ct) if media_type(ct) == "text/plain" => {
            Finding::pass("policy.content_type", ct.to_string())
        }
        Some(ct) => Finding::fail("policy.content_type", format!("served as {ct}; senders that check the type (RFC 8461 §3.3 says they should) reject the policy"))
            .expected("text/plain (parameters such as charset=utf-8 allowed)")
            .fix("serve it with Content-Type: text/plain"),
    });
    let body = match (&resp.body_error, &resp.body) {
        (Some(error), _) => {
            const CAP: &str = "at most 65536 bytes";
            const SMALL: &str = "serve the policy file itself, a few hundred bytes";
            let finding = match error {
                BodyError::TooLargeAnnounced { length } => Finding::fail(
                    "policy.size",
                    format!("Content-Length is {length} bytes; not downloaded"),
                )
                .expected(CAP)
                .fix(SMALL),
                BodyError::TooLarge => {
                    Finding::fail("policy.size", "more than 65536 bytes; stopped reading")
                        .expected(CAP)
                        .fix(SMALL)
                }
                BodyError::Timeout => Finding::fail(
                    "policy.size",
                    format!("the body stalled after {} bytes", resp.body_bytes),
                )
                .fix("make the server send the whole policy promptly"),
                BodyError::Broken { detail } => Finding::fail(
                    "policy.size",
                    format!(
                        "the body broke off after {} bytes: {detail}",
                        resp.body_bytes
                    ),
                )
                .fix("make the server send the whole policy"),
            };
            out.push(finding);
            skip_rest(out, 3, "the body was not read in full");
            return None;
        }
        (None, Some(body)) => body,
        (None, None) => {
            skip_rest(out, 2, "no body");
            return None;
        }
    };
    out.push(Finding::pass(
        "policy.size",
        format!("{} bytes", body.len()),
    ));
    let parsed = Policy::parse(body);
    syntax_finding(domain, &parsed, out);
    mode_finding(&parsed, out);
    max_age_finding(&parsed, out);
    Some(parsed)
}

/// `type/subtype` of a Content-Type value, lower case, parameters dropped.
fn media_type(ct: &str) -> String {
    ct.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn syntax_finding(domain: &Domain, parsed: &PolicyParse, out: &mut Vec<Finding>) {
    let line = |d: &crate::model::Diagnostic<PolicyIssue>| {
        if d.line == 0 {
            d.issue.to_string()
        } else {
            format!("line {}: {}", d.line, d.issue)
        }
    };
    let errors: Vec<String> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(line)
        .collect();
    let mut warnings: Vec<String> = parsed
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(line)
        .collect();
    if let Some(p) = &parsed.policy {
        warnings.extend(
            p.advice(Some(domain))
                .into_iter()
                .filter(|a| {
                    matches!(
                        a,
                        PolicyIssue::WildcardOwnDomain { .. } | PolicyIssue::BroadPattern(_)
                    )
                })
                .map(|a| a.to_string()),
        );
    }
    out.push(if !errors.is_empty() {
        Finding::fail("policy.syntax", errors.join("; "))
            .expected("version: STSv1, mode, one mx: line per MX pattern, max_age (RFC 8461 §3.2)")
            .fix("correct the lines named (mtasts lint shows each one; mtasts gen-policy writes a valid file)")
    } else if !warnings.is_empty() {
        Finding::warn("policy.syntax", warnings.join("; "))
    } else {
        Finding::pass("policy.syntax", "valid RFC 8461 policy")
    });
}

fn mode_finding(parsed: &PolicyParse, out: &mut Vec<Finding>) {
    out.push(match parsed.fields.mode {
        Some(Mode::Enforce) => Finding::pass("policy.mode", "enforce"),
        Some(Mode::Testing) => Finding::warn("policy.mode", "testing: senders report failures but still deliver without TLS")
            .expected("enforce")
            .fix("after reading TLS-RPT reports without failures for a couple of weeks, set mode: enforce, raise max_age and publish a new id"),
        Some(Mode::None) => Finding::warn("policy.mode", "none: MTA-STS is being withdrawn; senders do not enforce")
            .expected("enforce"),
        None => Finding::fail("policy.mode", "no valid mode line").expected("mode: enforce").fix("add the line mode: enforce (or testing)"),
    });
}

fn max_age_finding(parsed: &PolicyParse, out: &mut Vec<Finding>) {
    let invalid = parsed
        .diagnostics
        .iter()
        .find(|d| matches!(d.issue, PolicyIssue::MaxAge(_) | PolicyIssue::MissingMaxAge));
    out.push(match (parsed.fields.max_age, invalid) {
        (_, Some(d)) => Finding::fail("policy.max_age", d.issue.to_string())
            .expected("max_age between 0 and 31557600")
            .fix("set max_age: 604800 (a week) or more in enforce mode"),
        (Some(age), None) if age.secs() == 0 => Finding::warn(
            "policy.max_age",
            "0: senders drop the policy at once, so it protects nothing",
        )
        .expected("86400 or more")
        .fix("set max_age: 604800"),
        (Some(age), None)
            if parsed.fields.mode == Some(Mode::Enforce) && age < MaxAge::ONE_WEEK =>
        {
            Finding::warn(
                "policy.max_age",
                format!(
                    "{age} seconds is short for enforce mode (RFC 8461 §3.2: weeks or greater)"
                ),
            )
            .expected("604800 or more")
            .fix("set max_age: 604800 or more, then publish a new id")
        }
        (Some(age), None) => Finding::pass("policy.max_age", format!("{age} seconds")),
        (None, None) => Finding::fail("policy.max_age", "no max_age").fix("add max_age: 604800"),
    });
}

fn mx_checks(
    domain: &Domain,
    g: &Gathered,
    parsed: Option<&PolicyParse>,
    smtp: bool,
    out: &mut Vec<Finding>,
) {
    let mut per_host = Vec::new();
    match &g.mx {
        Err(e) => {
            let msg = match e {
                DnsFailure::NoData => format!("{domain} has no MX records"),
                other => other.describe(domain.as_str(), "MX"),
            };
            out.push(
                Finding::fail("mx.present", msg)
                    .expected("one or more MX records")
                    .fix("publish the MX records of the domain"),
            );
        }
        Ok(answer) if answer.records.iter().all(|m| m.host.is_empty()) => {
            out.push(
                Finding::fail("mx.present", format!("{domain} has a null MX (RFC 7505): it accepts no mail, so MTA-STS protects nothing"))
                    .expected("MX records naming mail servers"),
            );
        }
        Ok(answer) => {
            let list: Vec<String> = answer
                .records
                .iter()
                .map(|m| format!("{} {}", m.preference, m.host))
                .collect();
            out.push(Finding::pass("mx.present", list.join(", ")));
        }
    }
    let patterns = parsed.map(|p| p.fields.mx.clone()).unwrap_or_default();
    let mode = parsed.and_then(|p| p.fields.mode);
    let policy_ok = parsed.is_some_and(|p| p.policy.is_some());
    for host in &g.hosts {
        let h = host.host.as_str();
        per_host.push(match parsed {
            None => Finding::skip("mx.match", "no policy was fetched").subject(h),
            Some(_) if patterns.is_empty() => Finding::skip("mx.match", "the policy has no valid mx line").subject(h),
            Some(_) => match patterns.iter().find(|p| p.matches(h)) {
                Some(p) => Finding::pass("mx.match", format!("matched by mx: {p}{}", if policy_ok { "" } else { " (in an invalid policy)" })).subject(h),
                None => Finding::fail(
                    "mx.match",
                    format!(
                        "{h} is not covered by the policy (it lists: {}){}",
                        patterns.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                        consequence(mode)
                    ),
                )
                .subject(h)
                .expected(format!("an mx: line matching {h} (a *. wildcard covers exactly one leftmost label)"))
                .fix(format!("add the line `mx: {h}` to the policy, then publish a new id in _mta-sts.{domain}")),
            },
        });
        per_host.extend(smtp_findings(host, smtp, mode));
    }
    out.push(match (parsed, g.hosts.is_empty()) {
        (None, _) => Finding::skip("policy.mx_unused", "no policy was fetched"),
        (Some(_), true) => Finding::skip("policy.mx_unused", "no MX hosts to compare with"),
        (Some(_), false) => {
            let unused: Vec<String> =
                patterns.iter().filter(|p| !g.hosts.iter().any(|h| p.matches(&h.host))).map(ToString::to_string).collect();
            if unused.is_empty() {
                Finding::pass("policy.mx_unused", "every mx pattern matches an MX host")
            } else {
                Finding::warn("policy.mx_unused", format!("no MX host matches: {}", unused.join(", ")))
                    .fix("remove stale mx: lines (after the MX change is complete), then publish a new id")
            }
        }
    });
    // Host rows go after the domain-level MX checks, grouped by host.
    out.extend(per_host);
}

/// A lookup error (not mere absence) of one address family while the other
/// answered: merged results would otherwise hide it.
fn family_failure(a: &Lookup<IpAddr>, aaaa: &Lookup<IpAddr>, host: &str) -> Option<String> {
    for (lookup, rtype) in [(a, "A"), (aaaa, "AAAA")] {
        if let Err(e) = lookup
            && !e.is_absent()
        {
            return Some(e.describe(host, rtype));
        }
    }
    None
}

/// What a rejected certificate names, for the message.
fn cert_names(c: &crate::probe::tls::CertDetails) -> String {
    if c.dns_names.is_empty() {
        format!(
            " (it has no DNS subjectAltName, and senders ignore the subject {}; expires {})",
            c.subject, c.not_after
        )
    } else {
        format!(
            " (it names: {}; expires {})",
            c.dns_names.join(", "),
            c.not_after
        )
    }
}

/// What senders do about a host that fails, given the policy mode.
fn consequence(mode: Option<Mode>) -> &'static str {
    match mode {
        Some(Mode::Enforce) => "; senders enforcing the policy will not deliver to it",
        Some(Mode::Testing) => {
            "; in testing mode senders only report this, in enforce mode they would not deliver"
        }
        _ => "",
    }
}

fn smtp_findings(host: &super::HostData, smtp: bool, mode: Option<Mode>) -> Vec<Finding> {
    let h = host.host.as_str();
    if !smtp {
        return ["smtp.starttls", "smtp.certificate", "smtp.tls_version"]
            .into_iter()
            .map(|id| Finding::skip(id, "--no-smtp").subject(h))
            .collect();
    }
    if host.probes.is_empty() {
        let why = match merge_addresses(&host.a, &host.aaaa) {
            Err(e) => e.describe(h, "A/AAAA"),
            Ok(_) => format!("{h} has no address"),
        };
        return vec![
            Finding::fail("smtp.starttls", why).subject(h).fix(format!(
                "publish A/AAAA records for {h}, or remove the MX record"
            )),
            Finding::skip("smtp.certificate", "no address to probe").subject(h),
            Finding::skip("smtp.tls_version", "no address to probe").subject(h),
        ];
    }
    let mut starttls_bad = Vec::new();
    let mut cert_bad = Vec::new();
    let mut version_bad = Vec::new();
    let mut cert_seen = Vec::new();
    let mut versions = Vec::new();
    for p in &host.probes {
        let at = p.address.to_string();
        if let Some(f) = &p.failure {
            match f {
                Failure::OldTls(_) => version_bad.push(format!("{at}: {f}")),
                _ => starttls_bad.push(format!("{at}: {f}")),
            }
            if matches!(f, Failure::OldTls(_)) {
                starttls_bad.push(format!("{at}: {f}"));
            }
        }
        if let Some(t) = &p.tls {
            versions.push(format!("{at}: {} {}", t.version, t.cipher));
            if !t.modern {
                version_bad.push(format!("{at}: negotiated {}", t.version));
            }
        }
        if p.cert_checked {
            match &p.cert_problem {
                Some(problem) => {
                    let names = p.cert.as_ref().map(cert_names).unwrap_or_default();
                    cert_bad.push((format!("{at}: {problem}{names}"), problem.fix(h)));
                }
                None => cert_seen.push(
                    p.cert
                        .as_ref()
                        .map(|c| format!("issued by {}, expires {}", c.issuer, c.not_after))
                        .unwrap_or_default(),
                ),
            }
        }
    }
    let mut out = Vec::new();
    let broken_family = family_failure(&host.a, &host.aaaa, h);
    out.push(if let (true, Some(broken)) = (starttls_bad.is_empty(), &broken_family) {
        Finding::warn("smtp.starttls", format!("STARTTLS works at the addresses found, but {broken}; senders may defer mail"))
            .subject(h)
            .fix("make the DNS servers answer both A and AAAA queries (NODATA when there is no record)")
    } else if starttls_bad.is_empty() {
        Finding::pass("smtp.starttls", format!("STARTTLS on {} address{}", host.probes.len(), if host.probes.len() == 1 { "" } else { "es" })).subject(h)
    } else {
        let fix = if host.probes.iter().any(|p| p.failure == Some(Failure::NoStartTls)) {
            format!("enable STARTTLS on {h} (a certificate for {h} and e.g. Postfix smtpd_tls_security_level = may)")
        } else if host.probes.iter().any(|p| matches!(p.failure, Some(Failure::Injection(_)))) {
            "upgrade the server software; check for a middlebox rewriting SMTP".to_string()
        } else {
            format!("make {h} accept SMTP with STARTTLS on port 25 at every address")
        };
        Finding::fail("smtp.starttls", format!("{}{}", starttls_bad.join("; "), consequence(mode))).subject(h).expected("220 banner, STARTTLS in EHLO, a completed TLS handshake").fix(fix)
    });
    out.push(if let Some((_, fix)) = cert_bad.first() {
        Finding::fail(
            "smtp.certificate",
            cert_bad
                .iter()
                .map(|(m, _)| m.clone())
                .collect::<Vec<_>>()
                .join("; "),
        )
        .subject(h)
        .expected(format!(
            "a certificate valid for {h}, in date, chaining to a trusted root"
        ))
        .fix(fix.clone())
    } else if cert_seen.is_empty() {
        Finding::skip(
            "smtp.certificate",
            "no certificate was presented (TLS did not start)",
        )
        .subject(h)
    } else {
        Finding::pass(
            "smtp.certificate",
            format!("valid for {h}, {}", cert_seen[0]),
        )
        .subject(h)
    });
    out.push(if !version_bad.is_empty() {
        Finding::fail("smtp.tls_version", version_bad.join("; "))
            .subject(h)
            .expected("TLS 1.2 or newer")
            .fix(format!("enable TLS 1.2 and 1.3 on {h}"))
    } else if versions.is_empty() {
        Finding::skip("smtp.tls_version", "TLS did not start").subject(h)
    } else {
        Finding::pass("smtp.tls_version", versions.join("; ")).subject(h)
    });
    out
}

fn tlsrpt_checks(domain: &Domain, g: &Gathered, out: &mut Vec<Finding>) {
    let name = domain.tlsrpt_record_name();
    let publish = format!(
        "publish {name}. IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@{domain}\" (mtasts gen-tlsrpt)"
    );
    let answer = match &g.tlsrpt_txt {
        Ok(a) => a,
        Err(e) => {
            out.push(
                Finding::warn("tlsrpt.present", e.describe(&name, "TXT"))
                    .expected("a v=TLSRPTv1 record")
                    .fix(publish),
            );
            out.push(Finding::skip("tlsrpt.syntax", "no TLS-RPT record"));
            return;
        }
    };
    let candidates: Vec<Vec<u8>> = answer
        .records
        .iter()
        .map(|s| s.concat())
        .filter(|t| TlsRptRecord::is_candidate(t))
        .collect();
    if candidates.is_empty() {
        out.push(
            Finding::warn(
                "tlsrpt.present",
                format!("{name} has no record beginning v=TLSRPTv1"),
            )
            .fix(publish),
        );
        out.push(Finding::skip("tlsrpt.syntax", "no TLS-RPT record"));
        return;
    }
    let first = crate::text::escape_bytes(&candidates[0]);
    out.push(Finding::pass(
        "tlsrpt.present",
        format!("{name}{}: {first}", cname_note(&answer.cname_chain)),
    ));
    if candidates.len() > 1 {
        out.push(
            Finding::fail(
                "tlsrpt.syntax",
                format!(
                    "{} records begin with v=TLSRPTv1; senders then send no reports",
                    candidates.len()
                ),
            )
            .expected("exactly one")
            .fix("delete all but one _smtp._tls TXT record"),
        );
        return;
    }
    let parsed = TlsRptRecord::parse_strings(&[&candidates[0]]);
    out.push(match (&parsed.record, parsed.warnings.is_empty()) {
        (Err(e), _) => Finding::fail("tlsrpt.syntax", e.to_string())
            .expected("v=TLSRPTv1; rua=mailto:… or https://…")
            .fix(format!(
                "replace it with: v=TLSRPTv1; rua=mailto:tlsrpt@{domain}"
            )),
        (Ok(_), false) => Finding::warn(
            "tlsrpt.syntax",
            parsed
                .warnings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (Ok(r), true) => Finding::pass(
            "tlsrpt.syntax",
            format!(
                "reports go to {}",
                r.rua
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    });
}
