//! The policy as `check` judges an HTTP response: the Content-Type header
//! (RFC 8461 §3.3: `text/plain`, parameters allowed) and the body. The
//! input's first line is the header's value, the rest the body; without a
//! line end there is no header.

#![no_main]

use chrono::DateTime;
use libfuzzer_sys::fuzz_target;
use mtasts::check::catalogue::CheckId;
use mtasts::check::finding::Status;
use mtasts::check::rules::expiry::{ExpiryWarn, Horizon};
use mtasts::check::rules::policy;
use mtasts::model::{Domain, POLICY_MAX_BYTES};
use mtasts::probe::dns::Answer;
use mtasts::probe::https::{BodyError, Fetch, Response};
use mtasts_fuzz::assert_finding_shown;

fn ows(b: &u8) -> bool {
    matches!(b, b' ' | b'\t')
}

/// A header value as an HTTP/1.1 parser hands it over: no control
/// character but HTAB, optional white space around it removed (RFC 9110
/// §5.5).
fn header_value(raw: &[u8]) -> Option<&[u8]> {
    if raw.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return None;
    }
    let start = raw.iter().position(|b| !ows(b)).unwrap_or(raw.len());
    let end = raw.iter().rposition(|b| !ows(b)).map_or(start, |e| e + 1);
    Some(&raw[start..end])
}

/// RFC 9110 §8.3.1: `type "/" subtype *( OWS ";" OWS parameter )`, the
/// type and subtype compared without regard to case.
fn is_text_plain(value: &[u8]) -> bool {
    let media = value.split(|&b| b == b';').next().unwrap_or_default();
    let end = media.iter().rposition(|b| !ows(b)).map_or(0, |e| e + 1);
    media[..end].eq_ignore_ascii_case(b"text/plain")
}

fuzz_target!(|data: &[u8]| {
    let (header, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (Some(&data[..i]), &data[i + 1..]),
        None => (None, data),
    };
    let header = match header.map(header_value) {
        Some(None) => return, // no HTTP response carries it
        Some(Some(v)) => Some(v),
        None => None,
    };
    let too_large = body.len() > POLICY_MAX_BYTES;
    let response = Response {
        status: 200,
        location: None,
        // As the probe records it: as sent.
        content_type: header.map(<[u8]>::to_vec),
        content_length: Some(body.len() as u64),
        body: (!too_large).then(|| body.to_vec()),
        body_bytes: body.len(),
        body_error: too_large.then_some(BodyError::TooLarge),
        cert: None,
        remote: None,
        elapsed_ms: 1,
    };
    let domain = Domain::parse("example.test").expect("a valid domain");
    let addresses = Ok(Answer {
        records: vec!["192.0.2.1".parse().expect("an address")],
        cname_chain: Vec::new(),
    });
    let judged = policy::judge(
        &domain,
        &addresses,
        &Ok(Answer {
            records: Vec::new(),
            cname_chain: Vec::new(),
        }),
        &Fetch::Response(response),
        // No certificate is judged here: any instant and window will do.
        &Horizon {
            now: DateTime::UNIX_EPOCH,
            warn: ExpiryWarn::Off,
        },
    );
    for f in &judged.findings {
        assert_finding_shown(f);
    }
    let ct = judged
        .findings
        .iter()
        .find(|f| f.id == CheckId::PolicyContentType)
        .expect("the Content-Type is judged");
    let expected = if header.is_some_and(is_text_plain) {
        Status::Pass
    } else {
        Status::Fail
    };
    assert_eq!(ct.status, expected, "{header:?}: {}", ct.message);
    // The body the checker parsed is the body served.
    assert_eq!(judged.parsed.is_some(), !too_large);
});
