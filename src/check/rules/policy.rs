//! The policy family: the HTTPS fetch and the policy file (RFC 8461
//! §3.2–3.3), from [`PolicyTls`](crate::check::CheckId::PolicyTls) to
//! [`PolicyMaxAge`](crate::check::CheckId::PolicyMaxAge) in the order of `SEQUENCE`, and
//! [`PolicyMxUnused`](crate::check::CheckId::PolicyMxUnused), the policy against the MX
//! hosts.

use std::net::IpAddr;

use super::expiry::{self, Horizon};
use super::{cert_names, timed_out as late};
use crate::check::catalogue::CheckId::{
    self, PolicyContentType, PolicyHttp, PolicyMaxAge, PolicyMode, PolicyMxUnused, PolicySize,
    PolicySyntax, PolicyTls,
};
use crate::check::facts::{Budget, HostData};
use crate::check::finding::Finding;
use crate::model::{Diagnostic, Domain, MaxAge, Mode, Policy, PolicyIssue, PolicyParse};
use crate::probe::dns::{Addresses, Lookup, merge_addresses};
use crate::probe::https::{BodyError, Fetch};
use crate::probe::tls::CertDetails;

/// The fetch checks, in the order they are reported; when one step fails,
/// the checks after it are skipped.
const SEQUENCE: [CheckId; 7] = [
    PolicyTls,
    PolicyHttp,
    PolicyContentType,
    PolicySize,
    PolicySyntax,
    PolicyMode,
    PolicyMaxAge,
];

/// What the policy rules found.
pub struct Judged {
    /// One finding per check of `SEQUENCE`, in its order.
    pub findings: Vec<Finding>,
    /// The policy as fetched and parsed, when a complete body was served.
    pub parsed: Option<PolicyParse>,
}

/// Skips every check of the sequence after `last`.
fn skip_after(out: &mut Vec<Finding>, last: CheckId, why: &str) {
    let rest = SEQUENCE.iter().skip_while(|id| **id != last).skip(1);
    out.extend(rest.map(|id| Finding::skip(*id, why)));
}

/// Judges the fetch of the policy (and the addresses of its host, which
/// explain a fetch that was not attempted); `horizon` says when a
/// certificate's end is near enough to warn.
pub fn judge(
    domain: &Domain,
    a: &Lookup<IpAddr>,
    aaaa: &Lookup<IpAddr>,
    fetch: &Fetch,
    horizon: &Horizon,
) -> Judged {
    let mut out = Vec::with_capacity(SEQUENCE.len());
    let parsed = fetched(domain, a, aaaa, fetch, horizon, &mut out);
    debug_assert!(out.iter().map(|f| f.id).eq(SEQUENCE));
    Judged {
        findings: out,
        parsed,
    }
}

/// The fetch checks when the domain's budget ran out first: all fail as
/// timed out. `addresses` are the policy host's, when they were known.
pub fn timed_out(domain: &Domain, addresses: Option<&Addresses>, budget: Budget) -> Judged {
    let host = domain.policy_host();
    let (awaited, look) = match addresses.map(|a| a.merged()) {
        None => (
            format!("the addresses of {host} were not known yet, so the policy was not fetched"),
            format!("check that the DNS servers of {domain} answer for {host}"),
        ),
        Some(Ok(found)) => {
            let at = found
                .records
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            (
                format!("the server at {at} ({host}) had not finished serving the policy"),
                format!(
                    "check the HTTPS server at {at}: it should complete TLS and answer {} within --timeout",
                    domain.policy_url()
                ),
            )
        }
        // Only --connect-to sends a fetch where DNS gave no address.
        Some(Err(_)) => (
            format!("{host} had not finished serving the policy"),
            format!("check the HTTPS server of {host}"),
        ),
    };
    Judged {
        findings: SEQUENCE
            .iter()
            .map(|id| late(*id, budget, &awaited, &look))
            .collect(),
        parsed: None,
    }
}

/// `policy.tls` once the certificate verified: a pass, or a warning when
/// it ends within the window.
fn verified(host: &str, cert: Option<&CertDetails>, horizon: &Horizon) -> Finding {
    let Some(c) = cert else {
        return Finding::pass(PolicyTls, format!("certificate valid for {host}"));
    };
    let e = horizon.expiry(c);
    let f = match e.within {
        Some(window) => expiry::warning(
            PolicyTls,
            host,
            format!(
                "the certificate of {host} expires {}, issued by {}",
                e.describe(),
                c.issuer
            ),
            window,
        ),
        None => Finding::pass(
            PolicyTls,
            format!(
                "certificate valid for {host}, issued by {}, expires {}",
                c.issuer,
                e.describe()
            ),
        ),
    };
    f.expiry(Some(e))
}

fn fetched(
    domain: &Domain,
    a: &Lookup<IpAddr>,
    aaaa: &Lookup<IpAddr>,
    fetch: &Fetch,
    horizon: &Horizon,
    out: &mut Vec<Finding>,
) -> Option<PolicyParse> {
    let host = domain.policy_host();
    let url = domain.policy_url();
    let resp = match fetch {
        Fetch::NoAddress => {
            let why = match merge_addresses(a, aaaa) {
                Err(e) => e.describe(&host, "A/AAAA"),
                Ok(_) => format!("{host} has no address"),
            };
            out.push(
                Finding::fail(PolicyTls, format!("not attempted: {why}"))
                    .expected(format!("an HTTPS server at {host}"))
                    .fix(format!(
                        "create A/AAAA records for {host} and serve {url} there"
                    )),
            );
            skip_after(out, PolicyTls, "the policy host could not be reached");
            return None;
        }
        Fetch::Connect { error } => {
            out.push(
                Finding::fail(PolicyTls, format!("cannot reach {host}: {error}"))
                    .expected("an HTTPS server on port 443")
                    .fix(format!("serve {url} over HTTPS")),
            );
            skip_after(out, PolicyTls, "the policy host could not be reached");
            return None;
        }
        Fetch::Certificate { problem, cert } => {
            let names = cert.as_ref().map(cert_names).unwrap_or_default();
            out.push(
                Finding::fail(PolicyTls, format!("{problem}{names}"))
                    .expected(format!("a certificate valid for {host} from a trusted CA"))
                    .fix(problem.fix(&host))
                    .expiry(cert.as_ref().map(|c| horizon.expiry(c))),
            );
            skip_after(out, PolicyTls, "no trusted HTTPS connection");
            return None;
        }
        Fetch::Tls { error } => {
            out.push(
                Finding::fail(PolicyTls, format!("TLS with {host} failed: {error}"))
                    .fix(format!("serve {url} over HTTPS with TLS 1.2 or newer")),
            );
            skip_after(out, PolicyTls, "no HTTPS connection");
            return None;
        }
        Fetch::Http { error, cert } => {
            out.push(verified(&host, cert.as_ref(), horizon));
            out.push(
                Finding::fail(
                    PolicyHttp,
                    format!("no usable HTTP response for {url}: {error}; senders get no policy"),
                )
                .expected("200 with the policy")
                .fix(format!(
                    "make the web server answer GET {url} promptly with status 200"
                )),
            );
            skip_after(out, PolicyHttp, "no policy was served");
            return None;
        }
        Fetch::Response(r) => r,
    };
    out.push(verified(&host, resp.cert.as_ref(), horizon));
    if resp.status != 200 {
        let f = if (300..400).contains(&resp.status) {
            Finding::fail(
                PolicyHttp,
                format!(
                    "HTTP {} redirect to {}: senders do not follow redirects (RFC 8461 §3.3), so they get no policy",
                    resp.status,
                    resp.location.as_deref().unwrap_or("(no Location)")
                ),
            )
            .fix(format!("serve the policy itself at {url} with status 200"))
        } else {
            Finding::fail(PolicyHttp, format!("HTTP {} for {url}", resp.status))
                .fix(format!("serve the policy file at {url}"))
        };
        out.push(f.expected("200"));
        skip_after(out, PolicyHttp, "no policy was served");
        return None;
    }
    out.push(Finding::pass(
        PolicyHttp,
        format!("200 in {} ms", resp.elapsed_ms),
    ));
    out.push(content_type(resp.content_type.as_deref()));
    let body = match (&resp.body_error, &resp.body) {
        (Some(error), _) => {
            out.push(size_failure(error, resp.body_bytes));
            skip_after(out, PolicySize, "the body was not read in full");
            return None;
        }
        (None, Some(body)) => body,
        (None, None) => {
            skip_after(out, PolicyContentType, "no body");
            return None;
        }
    };
    out.push(Finding::pass(PolicySize, format!("{} bytes", body.len())));
    let parsed = Policy::parse(body);
    out.push(syntax(domain, &parsed));
    out.push(mode(&parsed));
    out.push(max_age(&parsed));
    Some(parsed)
}

/// `type/subtype` of a Content-Type value (RFC 9110 §8.3.1): before any
/// parameter, without the optional white space (SP, HTAB) around it. The
/// raw value is judged: the escaped one shows a tab as `\t`, and trimming
/// Unicode white space would take `text/plain` followed by a no-break
/// space for `text/plain`.
fn media_type(ct: &[u8]) -> &[u8] {
    let ows = |b: &u8| matches!(b, b' ' | b'\t');
    let media = ct.split(|&b| b == b';').next().unwrap_or_default();
    let start = media.iter().position(|b| !ows(b)).unwrap_or(media.len());
    let end = media.iter().rposition(|b| !ows(b)).map_or(start, |e| e + 1);
    &media[start..end]
}

fn content_type(raw: Option<&[u8]>) -> Finding {
    let Some(raw) = raw else {
        return Finding::fail(
            PolicyContentType,
            "no Content-Type header; senders that check the type reject the policy",
        )
        .expected("text/plain")
        .fix("serve it with Content-Type: text/plain");
    };
    let ct = crate::text::escape_bytes(raw);
    if media_type(raw).eq_ignore_ascii_case(b"text/plain") {
        return Finding::pass(PolicyContentType, ct);
    }
    Finding::fail(
        PolicyContentType,
        format!("served as {ct}; senders that check the type (RFC 8461 §3.3 says they should) reject the policy"),
    )
    .expected("text/plain (parameters such as charset=utf-8 allowed)")
    .fix("serve it with Content-Type: text/plain")
}

fn size_failure(error: &BodyError, read: usize) -> Finding {
    const CAP: &str = "at most 65536 bytes";
    const SMALL: &str = "serve the policy file itself, a few hundred bytes";
    match error {
        BodyError::TooLargeAnnounced { length } => Finding::fail(
            PolicySize,
            format!("Content-Length is {length} bytes; not downloaded"),
        )
        .expected(CAP)
        .fix(SMALL),
        BodyError::TooLarge => Finding::fail(PolicySize, "more than 65536 bytes; stopped reading")
            .expected(CAP)
            .fix(SMALL),
        BodyError::Timeout => {
            Finding::fail(PolicySize, format!("the body stalled after {read} bytes"))
                .fix("make the server send the whole policy promptly")
        }
        BodyError::Broken { detail } => Finding::fail(
            PolicySize,
            format!("the body broke off after {read} bytes: {detail}"),
        )
        .fix("make the server send the whole policy"),
    }
}

fn syntax(domain: &Domain, parsed: &PolicyParse) -> Finding {
    let line = |d: &Diagnostic<PolicyIssue>| {
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
    if !errors.is_empty() {
        Finding::fail(PolicySyntax, first_few(&errors))
            .expected("version: STSv1, mode, one mx: line per MX pattern, max_age (RFC 8461 §3.2)")
            .fix("correct the lines named (mtasts lint shows each one; mtasts gen-policy writes a valid file)")
    } else if !warnings.is_empty() {
        Finding::warn(PolicySyntax, first_few(&warnings))
    } else {
        Finding::pass(PolicySyntax, "valid RFC 8461 policy")
    }
}

/// How many problems a message lists: a hostile 64 KiB policy can hold
/// thousands, and `mtasts lint` lists every one.
const LISTED: usize = 5;

fn first_few(problems: &[String]) -> String {
    let mut s = problems[..problems.len().min(LISTED)].join("; ");
    if problems.len() > LISTED {
        s.push_str(&format!(
            "; and {} more (mtasts lint lists every one)",
            problems.len() - LISTED
        ));
    }
    s
}

fn mode(parsed: &PolicyParse) -> Finding {
    match parsed.fields.mode {
        Some(Mode::Enforce) => Finding::pass(PolicyMode, "enforce"),
        Some(Mode::Testing) => Finding::warn(PolicyMode, "testing: senders report failures but still deliver without TLS")
            .expected("enforce")
            .fix("after reading TLS-RPT reports without failures for a couple of weeks, set mode: enforce, raise max_age and publish a new id"),
        Some(Mode::None) => Finding::warn(PolicyMode, "none: MTA-STS is being withdrawn; senders do not enforce")
            .expected("enforce"),
        None => Finding::fail(PolicyMode, "no valid mode line")
            .expected("mode: enforce")
            .fix("add the line mode: enforce (or testing)"),
    }
}

fn max_age(parsed: &PolicyParse) -> Finding {
    let invalid = parsed
        .diagnostics
        .iter()
        .find(|d| matches!(d.issue, PolicyIssue::MaxAge(_) | PolicyIssue::MissingMaxAge));
    match (parsed.fields.max_age, invalid) {
        (_, Some(d)) => Finding::fail(PolicyMaxAge, d.issue.to_string())
            .expected("max_age between 0 and 31557600")
            .fix("set max_age: 604800 (a week) or more in enforce mode"),
        (Some(age), None) if age.secs() == 0 => Finding::warn(
            PolicyMaxAge,
            "0: senders drop the policy at once, so it protects nothing",
        )
        .expected("86400 or more")
        .fix("set max_age: 604800"),
        (Some(age), None)
            if parsed.fields.mode == Some(Mode::Enforce) && age < MaxAge::ONE_WEEK =>
        {
            Finding::warn(
                PolicyMaxAge,
                format!(
                    "{age} seconds is short for enforce mode (RFC 8461 §3.2: weeks or greater)"
                ),
            )
            .expected("604800 or more")
            .fix("set max_age: 604800 or more, then publish a new id")
        }
        (Some(age), None) => Finding::pass(PolicyMaxAge, format!("{age} seconds")),
        (None, None) => Finding::fail(PolicyMaxAge, "no max_age").fix("add max_age: 604800"),
    }
}

/// [`PolicyMxUnused`](crate::check::CheckId::PolicyMxUnused): every mx pattern of the
/// policy matches an MX host.
pub fn mx_unused(parsed: Option<&PolicyParse>, hosts: &[HostData]) -> Finding {
    let Some(parsed) = parsed else {
        return Finding::skip(PolicyMxUnused, "no policy was fetched");
    };
    if hosts.is_empty() {
        return Finding::skip(PolicyMxUnused, "no MX hosts to compare with");
    }
    let unused: Vec<String> = parsed
        .fields
        .mx
        .iter()
        .filter(|p| !hosts.iter().any(|h| p.matches(&h.host)))
        .map(ToString::to_string)
        .collect();
    if unused.is_empty() {
        Finding::pass(PolicyMxUnused, "every mx pattern matches an MX host")
    } else {
        Finding::warn(
            PolicyMxUnused,
            format!("no MX host matches: {}", unused.join(", ")),
        )
        .fix("remove stale mx: lines (after the MX change is complete), then publish a new id")
    }
}

/// What was still being gathered when the domain's budget ran out, for
/// [`mx_unused_timed_out`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Late {
    /// The policy (its host's addresses, or the fetch).
    Policy,
    /// The MX records.
    Mx,
}

/// [`PolicyMxUnused`](crate::check::CheckId::PolicyMxUnused) when the
/// domain's budget ran out before the policy or the MX records were known.
pub fn mx_unused_timed_out(domain: &Domain, what: Late, budget: Budget) -> Finding {
    let (awaited, look) = match what {
        Late::Policy => (
            "the policy was not fetched yet, so its mx patterns could not be compared with the MX hosts".to_string(),
            format!("check that {} serves the policy (see policy.tls)", domain.policy_host()),
        ),
        Late::Mx => (
            format!("the MX records of {domain} were not known yet, so the policy's mx patterns could not be compared with them"),
            format!("check that the DNS servers of {domain} answer for its MX records"),
        ),
    };
    late(PolicyMxUnused, budget, &awaited, &look)
}

/// SHA-256 of the policy as senders understand it: the canonical rendering
/// when it parses (so that reordered lines are no change), else the raw
/// body. What `--state` compares between runs.
pub fn digest(fetch: &Fetch, parsed: Option<&PolicyParse>) -> Option<String> {
    use sha2::{Digest, Sha256};
    let Fetch::Response(resp) = fetch else {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::finding::Status;
    use crate::check::rules::expiry::ExpiryWarn;
    use crate::check::rules::fixtures::{
        addrs, budget, cert_ending, domain, failed, horizon, host, response, served, v4,
    };
    use crate::probe::dns::DnsFailure;
    use crate::probe::tls::CertProblem;

    const GOOD: &str =
        "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmax_age: 604800\r\n";

    fn run(fetch: &Fetch) -> Judged {
        judge(
            &domain(),
            &addrs(&["192.0.2.1"]),
            &failed(DnsFailure::NoData),
            fetch,
            &horizon(),
        )
    }

    fn statuses(j: &Judged) -> Vec<Status> {
        j.findings.iter().map(|f| f.status).collect()
    }

    #[test]
    fn a_good_policy_passes_every_check() {
        let j = run(&served(GOOD));
        assert!(j.findings.iter().map(|f| f.id).eq(SEQUENCE));
        assert_eq!(statuses(&j), [Status::Pass; 7], "{:?}", j.findings);
        assert!(j.parsed.is_some_and(|p| p.policy.is_some()));
    }

    #[test]
    fn each_failing_step_skips_the_rest_and_keeps_the_order() {
        let cases = [
            (Fetch::NoAddress, 1),
            (
                Fetch::Connect {
                    error: "refused".into(),
                },
                1,
            ),
            (
                Fetch::Certificate {
                    problem: CertProblem::Expired,
                    cert: None,
                },
                1,
            ),
            (
                Fetch::Tls {
                    error: "alert".into(),
                },
                1,
            ),
            (
                Fetch::Http {
                    error: "stalled".into(),
                    cert: None,
                },
                2,
            ),
        ];
        for (fetch, failed_at) in cases {
            let j = run(&fetch);
            assert!(j.findings.iter().map(|f| f.id).eq(SEQUENCE), "{fetch:?}");
            let s = statuses(&j);
            assert_eq!(s[failed_at - 1], Status::Fail, "{fetch:?}");
            assert!(
                s[failed_at..].iter().all(|s| *s == Status::Skip),
                "{fetch:?}"
            );
            assert!(j.parsed.is_none());
        }
    }

    #[test]
    fn a_redirect_fails_and_names_its_target() {
        let mut r = response(GOOD);
        r.status = 301;
        r.location = Some("https://example.test/".into());
        let j = run(&Fetch::Response(r));
        assert_eq!(j.findings[1].status, Status::Fail);
        assert!(
            j.findings[1]
                .message
                .contains("redirect to https://example.test/")
        );
        let mut r = response(GOOD);
        r.status = 404;
        let j = run(&Fetch::Response(r));
        assert_eq!(
            j.findings[1].message,
            "HTTP 404 for https://mta-sts.example.test/.well-known/mta-sts.txt"
        );
    }

    #[test]
    fn the_media_type_must_be_text_plain() {
        for (ct, status) in [
            (Some("text/plain"), Status::Pass),
            (Some("Text/Plain; charset=utf-8"), Status::Pass),
            (Some("text/plain+x"), Status::Fail),
            (Some("text/html"), Status::Fail),
            (None, Status::Fail),
        ] {
            let mut r = response(GOOD);
            r.content_type = ct.map(Into::into);
            let j = run(&Fetch::Response(r));
            assert_eq!(j.findings[2].status, status, "{ct:?}");
            // The type alone does not stop senders from reading the policy.
            assert_eq!(j.findings[4].status, Status::Pass);
        }
    }

    #[test]
    fn the_media_type_is_judged_on_the_value_as_sent() {
        for (ct, status) in [
            // Found by the content_type fuzz target: the tabs, escaped,
            // were taken for part of the type.
            (&b"TEXT/PLAIN\t\t\t\t\t;EXT/PLADN\xec"[..], Status::Pass),
            (b"text/plain \t; charset=utf-8", Status::Pass),
            // Not white space in HTTP: another type.
            ("text/plain\u{a0}".as_bytes(), Status::Fail),
            ("\u{3000}text/plain".as_bytes(), Status::Fail),
            (b"text/plain\\t", Status::Fail),
        ] {
            let mut r = response(GOOD);
            r.content_type = Some(ct.to_vec());
            let j = run(&Fetch::Response(r));
            assert_eq!(j.findings[2].status, status, "{ct:?}");
        }
        let mut r = response(GOOD);
        r.content_type = Some(b"text/html\x1b[2J\xff".to_vec());
        let j = run(&Fetch::Response(r));
        assert!(
            j.findings[2]
                .message
                .starts_with("served as text/html\\x1b[2J\\xff;"),
            "the value is shown escaped: {}",
            j.findings[2].message
        );
    }

    #[test]
    fn an_incomplete_body_fails_size_and_skips_the_policy_checks() {
        for error in [
            BodyError::TooLargeAnnounced { length: 1 << 30 },
            BodyError::TooLarge,
            BodyError::Timeout,
            BodyError::Broken {
                detail: "reset".into(),
            },
        ] {
            let mut r = response(GOOD);
            r.body = None;
            r.body_error = Some(error.clone());
            let j = run(&Fetch::Response(r));
            assert_eq!(
                &statuses(&j)[3..],
                [Status::Fail, Status::Skip, Status::Skip, Status::Skip],
                "{error:?}"
            );
        }
    }

    #[test]
    fn syntax_mode_and_max_age() {
        let j = run(&served(&GOOD.replace("enforce", "testing")));
        assert_eq!(j.findings[5].status, Status::Warn);
        let j = run(&served(&GOOD.replace("604800", "86400")));
        assert_eq!(
            j.findings[6].status,
            Status::Warn,
            "{}",
            j.findings[6].message
        );
        let j = run(&served(&GOOD.replace("604800", "0")));
        assert_eq!(j.findings[6].status, Status::Warn);
        let j = run(&served(&GOOD.replace("604800", "31557601")));
        assert_eq!(j.findings[6].status, Status::Fail);
        assert_eq!(j.findings[4].status, Status::Fail);
        let j = run(&served(&GOOD.replace("mode: enforce\r\n", "")));
        assert_eq!(j.findings[5].status, Status::Fail);
        let j = run(&served(&GOOD.replace("\r\n", "\n")));
        assert_eq!(statuses(&j), [Status::Pass; 7], "LF-only lines are valid");
        let j = run(&served(&GOOD.replace("mx1.example.test", "*.example.test")));
        assert_eq!(
            j.findings[4].status,
            Status::Warn,
            "a wildcard over the whole domain"
        );
    }

    #[test]
    fn messages_name_the_certificate_lines_and_the_exact_finding() {
        let j = run(&served(GOOD));
        assert_eq!(
            j.findings[0].message,
            "certificate valid for mta-sts.example.test, issued by CN=Test CA, expires 2027-01-01T00:00:00Z (29 days left)"
        );
        // A missing key has no line; a bad line is named.
        let j = run(&served(
            "version: STSv1\nmode: enforce\nmx: mx1.example.test\n",
        ));
        assert!(
            !j.findings[4].message.starts_with("line"),
            "{}",
            j.findings[4].message
        );
        let j = run(&served(&GOOD.replace("mode: enforce", "mode: enforced")));
        assert!(
            j.findings[4].message.starts_with("line 2: "),
            "{}",
            j.findings[4].message
        );
        // A repeated key is only a warning, and says so.
        let j = run(&served(&format!("{GOOD}max_age: 86400\r\n")));
        assert_eq!(j.findings[4].status, Status::Warn);
        assert!(
            j.findings[4].message.starts_with("line 5: "),
            "{}",
            j.findings[4].message
        );
        // max_age 0 is useless whatever the mode.
        let j = run(&served(
            &GOOD.replace("enforce", "testing").replace("604800", "0"),
        ));
        assert_eq!(j.findings[6].status, Status::Warn);
        assert!(
            j.findings[6].message.starts_with("0: senders drop"),
            "{}",
            j.findings[6].message
        );
    }

    #[test]
    fn a_policy_of_many_bad_lines_gives_a_short_message() {
        let body = format!("{GOOD}{}", "x\r\n".repeat(3000));
        let j = run(&served(&body));
        let m = &j.findings[4].message;
        assert_eq!(j.findings[4].status, Status::Fail);
        assert!(m.len() < 2000, "{} bytes", m.len());
        assert!(
            m.ends_with("; and 2995 more (mtasts lint lists every one)"),
            "{m}"
        );
        assert_eq!(first_few(&vec!["a".to_string(); 5]), "a; a; a; a; a");
    }

    #[test]
    fn unused_patterns_warn() {
        let parsed = Policy::parse(
            GOOD.replace("mx: mx1", "mx: mx9.example.test\r\nmx: mx1")
                .as_bytes(),
        );
        let f = mx_unused(Some(&parsed), &[host("mx1.example.test")]);
        assert_eq!(f.status, Status::Warn);
        assert_eq!(f.message, "no MX host matches: mx9.example.test");
        let parsed = Policy::parse(GOOD.as_bytes());
        assert_eq!(
            mx_unused(Some(&parsed), &[host("mx1.example.test")]).status,
            Status::Pass
        );
        assert_eq!(mx_unused(Some(&parsed), &[]).status, Status::Skip);
        assert_eq!(
            mx_unused(None, &[host("mx1.example.test")]).status,
            Status::Skip
        );
    }

    #[test]
    fn the_digest_ignores_line_order_but_not_content() {
        let d = |body: &str| {
            let fetch = served(body);
            let parsed = match &fetch {
                Fetch::Response(r) => r.body.as_deref().map(Policy::parse),
                _ => None,
            };
            digest(&fetch, parsed.as_ref())
        };
        let reordered = "version: STSv1\nmax_age: 604800\nmx: mx1.example.test\nmode: enforce\n";
        assert_eq!(d(GOOD), d(reordered));
        assert_ne!(d(GOOD), d(&GOOD.replace("enforce", "testing")));
        assert_eq!(d(GOOD).map(|s| s.len()), Some(64));
        assert_eq!(digest(&Fetch::NoAddress, None), None);
    }

    /// The policy served with a certificate that ends `left` after the
    /// fixtures' clock, judged with a window of `days`.
    fn ending(left: chrono::Duration, days: u32) -> Judged {
        let mut r = response(GOOD);
        r.cert = Some(cert_ending("mta-sts.example.test", left));
        judge(
            &domain(),
            &addrs(&["192.0.2.1"]),
            &failed(DnsFailure::NoData),
            &Fetch::Response(r),
            &crate::check::rules::expiry::Horizon {
                warn: ExpiryWarn::from_days(days),
                ..horizon()
            },
        )
    }

    #[test]
    fn a_certificate_about_to_expire_warns_and_the_policy_is_still_read() {
        let j = ending(chrono::Duration::days(3), 14);
        let f = &j.findings[0];
        assert_eq!(f.status, Status::Warn);
        assert_eq!(
            f.message,
            "the certificate of mta-sts.example.test expires 2026-12-05T12:00:00Z (3 days left), issued by CN=Test CA"
        );
        assert_eq!(
            f.expected.as_deref(),
            Some("a certificate with more than 14 days left (--expiry-warn 14)")
        );
        assert!(
            f.fix
                .as_deref()
                .unwrap_or_default()
                .starts_with("renew the certificate of mta-sts.example.test and reload the server")
        );
        assert_eq!(f.expiry.map(|e| e.days_left), Some(3));
        assert_eq!(statuses(&j)[1..], [Status::Pass; 6]);
        assert!(j.parsed.is_some());
    }

    #[test]
    fn the_window_ends_exactly_at_its_last_day_and_0_turns_it_off() {
        let status =
            |secs: i64, days: u32| ending(chrono::Duration::seconds(secs), days).findings[0].status;
        const DAY: i64 = 86_400;
        assert_eq!(status(14 * DAY, 14), Status::Warn);
        assert_eq!(status(14 * DAY + 1, 14), Status::Pass);
        assert_eq!(status(7 * DAY, 7), Status::Warn);
        assert_eq!(status(7 * DAY + 1, 7), Status::Pass);
        assert_eq!(status(3600, 0), Status::Pass);
        let j = ending(chrono::Duration::days(90), 14);
        assert_eq!(
            j.findings[0].message,
            "certificate valid for mta-sts.example.test, issued by CN=Test CA, expires 2027-03-02T12:00:00Z (90 days left)"
        );
        assert_eq!(j.findings[0].expiry.map(|e| e.days_left), Some(90));
    }

    #[test]
    fn a_certificate_that_verified_before_http_failed_is_judged_too() {
        let fetch = Fetch::Http {
            error: "stalled".into(),
            cert: Some(cert_ending(
                "mta-sts.example.test",
                chrono::Duration::days(1),
            )),
        };
        let j = run(&fetch);
        assert_eq!(j.findings[0].status, Status::Warn);
        assert!(j.findings[0].message.contains("(1 day left)"));
        assert_eq!(j.findings[1].status, Status::Fail);
        let j = run(&Fetch::Http {
            error: "stalled".into(),
            cert: None,
        });
        assert_eq!(j.findings[0].status, Status::Pass);
        assert_eq!(
            j.findings[0].message,
            "certificate valid for mta-sts.example.test"
        );
        assert_eq!(j.findings[0].expiry, None);
    }

    #[test]
    fn an_expired_or_unchained_certificate_fails_and_says_when_it_ends() {
        let j = run(&Fetch::Certificate {
            problem: CertProblem::Expired,
            cert: Some(cert_ending(
                "mta-sts.example.test",
                chrono::Duration::days(-2),
            )),
        });
        let f = &j.findings[0];
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message.starts_with("the certificate has expired"),
            "{}",
            f.message
        );
        assert_eq!(f.expiry.map(|e| e.days_left), Some(-2));
        let j = run(&Fetch::Certificate {
            problem: CertProblem::MissingIssuer {
                issuer: "CN=mtasts test intermediate".into(),
                of: "CN=mta-sts.example.test".into(),
                ca_issuers: None,
            },
            cert: None,
        });
        let f = &j.findings[0];
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            f.message,
            "the server sent no certificate for 'CN=mtasts test intermediate', the issuer of 'CN=mta-sts.example.test', so the chain reaches no trusted root: an intermediate CA certificate left out of the chain, or a private CA"
        );
        assert_eq!(
            f.fix.as_deref(),
            Some(
                "send the full chain: the certificate, then the certificate of 'CN=mtasts test intermediate' and any intermediate above it (e.g. fullchain.pem, not cert.pem); MTAs do not fetch missing intermediates the way browsers do. If 'CN=mtasts test intermediate' is a private CA, use a certificate from a public CA for mta-sts.example.test instead"
            )
        );
        assert_eq!(f.expiry, None);
    }

    #[test]
    fn a_fetch_cut_off_by_the_budget_fails_every_fetch_check_and_names_the_server() {
        let j = timed_out(&domain(), Some(&v4(&["192.0.2.1", "192.0.2.2"])), budget());
        assert!(j.findings.iter().map(|f| f.id).eq(SEQUENCE));
        assert_eq!(statuses(&j), [Status::Fail; 7]);
        assert!(j.parsed.is_none());
        for f in &j.findings {
            assert_eq!(
                f.message,
                "timed out after 2 s: the server at 192.0.2.1, 192.0.2.2 (mta-sts.example.test) had not finished serving the policy"
            );
            assert_eq!(
                f.fix.as_deref(),
                Some(
                    "check the HTTPS server at 192.0.2.1, 192.0.2.2: it should complete TLS and answer https://mta-sts.example.test/.well-known/mta-sts.txt within --timeout; or raise --domain-timeout"
                )
            );
        }
    }

    #[test]
    fn without_the_addresses_in_time_the_policy_was_not_fetched() {
        let j = timed_out(&domain(), None, budget());
        assert_eq!(statuses(&j), [Status::Fail; 7]);
        assert_eq!(
            j.findings[0].message,
            "timed out after 2 s: the addresses of mta-sts.example.test were not known yet, so the policy was not fetched"
        );
        assert!(
            j.findings[6]
                .fix
                .as_deref()
                .unwrap_or_default()
                .starts_with(
                    "check that the DNS servers of example.test answer for mta-sts.example.test"
                )
        );
        // --connect-to fetches where DNS gave nothing.
        let none = Addresses {
            a: failed(DnsFailure::NxDomain),
            aaaa: failed(DnsFailure::NxDomain),
        };
        let j = timed_out(&domain(), Some(&none), budget());
        assert_eq!(
            j.findings[1].message,
            "timed out after 2 s: mta-sts.example.test had not finished serving the policy"
        );
        assert_eq!(
            j.findings[1].fix.as_deref(),
            Some("check the HTTPS server of mta-sts.example.test; or raise --domain-timeout")
        );
    }

    #[test]
    fn unused_patterns_cannot_be_told_without_the_policy_or_the_mx_records() {
        let f = mx_unused_timed_out(&domain(), Late::Policy, budget());
        assert_eq!((f.id, f.status), (PolicyMxUnused, Status::Fail));
        assert!(
            f.message
                .starts_with("timed out after 2 s: the policy was not fetched yet"),
            "{}",
            f.message
        );
        assert!(
            f.fix
                .as_deref()
                .unwrap_or_default()
                .starts_with("check that mta-sts.example.test serves the policy")
        );
        let f = mx_unused_timed_out(&domain(), Late::Mx, budget());
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message.starts_with(
                "timed out after 2 s: the MX records of example.test were not known yet"
            ),
            "{}",
            f.message
        );
        assert!(
            f.fix.as_deref().unwrap_or_default().starts_with(
                "check that the DNS servers of example.test answer for its MX records"
            )
        );
    }
}
