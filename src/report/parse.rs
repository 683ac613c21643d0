//! Lenient reading of one aggregate report. Real reporters deviate from
//! RFC 8460 §4.4 (no `policy-string` on fetch errors, `"sending-mta-ip":
//! ""`, datetimes without a zone, counts as strings): each deviation is
//! noted, and only what makes the report useless rejects it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// One report, reduced to what the summary needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub organization: String,
    pub report_id: Option<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub policies: Vec<PolicyResult>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyResult {
    /// `sts`, `tlsa`, `no-policy-found` (or whatever the reporter wrote).
    pub policy_type: String,
    pub policy_domain: String,
    pub policy_string: Option<String>,
    pub successful: u64,
    pub failed: u64,
    pub failures: Vec<FailureDetail>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FailureDetail {
    pub result_type: String,
    pub sending_mta_ip: Option<String>,
    pub receiving_mx_hostname: Option<String>,
    pub receiving_ip: Option<String>,
    pub count: u64,
}

/// Something odd about a report that was still used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Oddity {
    pub report_id: Option<String>,
    pub note: String,
}

pub const KNOWN_RESULT_TYPES: [&str; 11] = [
    "starttls-not-supported",
    "certificate-host-mismatch",
    "certificate-expired",
    "certificate-not-trusted",
    "validation-failure",
    "tlsa-invalid",
    "dnssec-invalid",
    "dane-required",
    "sts-policy-fetch-error",
    "sts-policy-invalid",
    "sts-webpki-invalid",
];

fn text(v: Option<&Json<'_>>) -> Option<String> {
    match v? {
        Json::Str(s) => Some(crate::text::escape(s.trim())),
        Json::U64(n) => Some(n.to_string()),
        Json::I64(n) => Some(n.to_string()),
        Json::F64(n) => Some(n.to_string()),
        _ => None,
    }
}

/// More sessions than any mail system handles in a reporting period: a
/// count above it is a broken or hostile report.
const MAX_SESSIONS: u64 = 1_000_000_000_000;

fn count(v: Option<&Json<'_>>, what: &str, odd: &mut Vec<String>) -> u64 {
    let n = count_raw(v, what, odd);
    if n > MAX_SESSIONS {
        odd.push(format!(
            "{what} is implausibly large ({n}); capped at {MAX_SESSIONS}"
        ));
        return MAX_SESSIONS;
    }
    n
}

fn count_raw(v: Option<&Json<'_>>, what: &str, odd: &mut Vec<String>) -> u64 {
    match v {
        Some(Json::U64(n)) => *n,
        Some(Json::I64(n)) => {
            odd.push(format!("{what} is negative ({n}); counted as 0"));
            0
        }
        Some(Json::F64(n)) => {
            odd.push(format!("{what} is not a whole number ({n}); counted as 0"));
            0
        }
        Some(Json::Str(s)) => s.trim().parse().unwrap_or_else(|_| {
            odd.push(format!(
                "{what} is not a number ('{}'); counted as 0",
                crate::text::escape(s)
            ));
            0
        }),
        None => {
            odd.push(format!("{what} is missing; counted as 0"));
            0
        }
        Some(_) => {
            odd.push(format!("{what} has the wrong type; counted as 0"));
            0
        }
    }
}

/// A JSON value that borrows its strings from the input where it can:
/// reports are parsed once and dropped, so the allocations of
/// `serde_json::Value` (a map per object, a `String` per key) are waste.
#[derive(Debug)]
enum Json<'a> {
    Null,
    Bool,
    U64(u64),
    I64(i64),
    F64(f64),
    Str(Cow<'a, str>),
    Arr(Vec<Json<'a>>),
    Obj(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    fn as_object(&self) -> Option<&Json<'a>> {
        matches!(self, Json::Obj(_)).then_some(self)
    }

    fn as_array(&self) -> Option<&Vec<Json<'a>>> {
        match self {
            Json::Arr(a) => Some(a),
            _ => None,
        }
    }

    /// The value of `key` in an object; the last one wins, as with
    /// `serde_json::Value`.
    fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Obj(pairs) => pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Json<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Json<'de>, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Json<'de>, E> {
                Ok(Json::Bool)
            }
            fn visit_u64<E>(self, n: u64) -> Result<Json<'de>, E> {
                Ok(Json::U64(n))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Json<'de>, E> {
                Ok(u64::try_from(n).map_or(Json::I64(n), Json::U64))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Json<'de>, E> {
                Ok(Json::F64(n))
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Json<'de>, E> {
                Ok(Json::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Json<'de>, E> {
                Ok(Json::Str(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Json<'de>, E> {
                Ok(Json::Str(Cow::Owned(s)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Json::Arr(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<Key<'de>, Json<'de>>()? {
                    out.push((k.0, v));
                }
                Ok(Json::Obj(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// An object key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

/// RFC 3339 as the RFC asks, and the deviations seen in the wild: no zone
/// (taken as UTC), a space instead of `T`, a bare date.
pub fn datetime(s: &str, odd: &mut Vec<String>, what: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            odd.push(format!("{what} '{s}' has no time zone; read as UTC"));
            return Some(n.and_utc());
        }
    }
    if let Ok(d) = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%z") {
        odd.push(format!("{what} '{s}' is not RFC 3339"));
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        odd.push(format!(
            "{what} '{s}' is a date without a time; read as midnight UTC"
        ));
        return d.and_hms_opt(0, 0, 0).map(|n| n.and_utc());
    }
    None
}

/// Parses one report. `Err` says why it is unusable.
pub fn parse(bytes: &[u8]) -> Result<(Report, Vec<Oddity>), String> {
    let v: Json<'_> = serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    let obj = v.as_object().ok_or("the report is not a JSON object")?;
    let mut odd: Vec<String> = Vec::new();
    let report_id = text(obj.get("report-id"));
    if report_id.is_none() {
        odd.push("no report-id; it cannot be deduplicated".into());
    }
    let organization = text(obj.get("organization-name"))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            odd.push("no organization-name".into());
            "(unknown reporter)".into()
        });
    let range = obj
        .get("date-range")
        .and_then(Json::as_object)
        .ok_or("no date-range")?;
    let start = text(range.get("start-datetime")).ok_or("no date-range.start-datetime")?;
    let end = text(range.get("end-datetime")).ok_or("no date-range.end-datetime")?;
    let start = datetime(&start, &mut odd, "start-datetime")
        .ok_or_else(|| format!("start-datetime '{start}' is not a date"))?;
    let end = datetime(&end, &mut odd, "end-datetime")
        .ok_or_else(|| format!("end-datetime '{end}' is not a date"))?;
    if end < start {
        odd.push("the date range ends before it starts".into());
    }
    let list = obj
        .get("policies")
        .and_then(Json::as_array)
        .ok_or("no policies array")?;
    let mut policies = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let Some(p) = p.as_object() else {
            odd.push(format!("policies[{i}] is not an object; skipped"));
            continue;
        };
        let policy = p.get("policy").and_then(Json::as_object);
        let policy_type = policy
            .and_then(|q| text(q.get("policy-type")))
            .unwrap_or_else(|| {
                odd.push(format!("policies[{i}] has no policy-type"));
                "unknown".into()
            });
        let policy_domain = policy
            .and_then(|q| text(q.get("policy-domain")))
            .map(|d| d.trim_end_matches('.').to_ascii_lowercase())
            .unwrap_or_default();
        if policy_domain.is_empty() {
            odd.push(format!("policies[{i}] has no policy-domain; skipped"));
            continue;
        }
        let policy_string = match policy.and_then(|q| q.get("policy-string")) {
            Some(Json::Arr(lines)) => Some(
                lines
                    .iter()
                    .filter_map(|l| text(Some(l)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            Some(Json::Str(s)) => {
                odd.push(format!(
                    "policies[{i}].policy-string is a string, not an array"
                ));
                Some(crate::text::escape(s))
            }
            _ => {
                if policy_type == "sts" {
                    odd.push(format!(
                        "policies[{i}] ({policy_domain}) has no policy-string"
                    ));
                }
                None
            }
        };
        let summary = p.get("summary").and_then(Json::as_object);
        let successful = count(
            summary.and_then(|s| s.get("total-successful-session-count")),
            "total-successful-session-count",
            &mut odd,
        );
        let failed = count(
            summary.and_then(|s| s.get("total-failure-session-count")),
            "total-failure-session-count",
            &mut odd,
        );
        let mut failures = Vec::new();
        if let Some(details) = p.get("failure-details").and_then(Json::as_array) {
            for d in details {
                let Some(d) = d.as_object() else { continue };
                let result_type = text(d.get("result-type")).unwrap_or_else(|| "unknown".into());
                if !KNOWN_RESULT_TYPES.contains(&result_type.as_str()) {
                    odd.push(format!("unknown result-type '{result_type}'"));
                }
                let non_empty = |k: &str| text(d.get(k)).filter(|s| !s.is_empty());
                let sending = non_empty("sending-mta-ip");
                if matches!(d.get("sending-mta-ip"), Some(Json::Str(s)) if s.trim().is_empty()) {
                    odd.push("an empty sending-mta-ip".into());
                }
                failures.push(FailureDetail {
                    result_type,
                    sending_mta_ip: sending,
                    receiving_mx_hostname: non_empty("receiving-mx-hostname")
                        .map(|h| h.trim_end_matches('.').to_ascii_lowercase()),
                    receiving_ip: non_empty("receiving-ip"),
                    count: count(
                        d.get("failed-session-count"),
                        "failed-session-count",
                        &mut odd,
                    ),
                });
            }
        }
        policies.push(PolicyResult {
            policy_type,
            policy_domain,
            policy_string,
            successful,
            failed,
            failures,
        });
    }
    let oddities = odd
        .into_iter()
        .map(|note| Oddity {
            report_id: report_id.clone(),
            note,
        })
        .collect();
    Ok((
        Report {
            organization,
            report_id,
            start,
            end,
            policies,
        },
        oddities,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of RFC 8460 §4.5, trimmed.
    pub const RFC_EXAMPLE: &str = r#"{
      "organization-name": "Company-X",
      "date-range": {"start-datetime": "2016-04-01T00:00:00Z", "end-datetime": "2016-04-01T23:59:59Z"},
      "contact-info": "sts-reporting@company-x.example",
      "report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
      "policies": [{
        "policy": {"policy-type": "sts", "policy-string": ["version: STSv1", "mode: testing", "mx: *.mail.company-y.example", "max_age: 86400"],
                   "policy-domain": "company-y.example", "mx-host": ["*.mail.company-y.example"]},
        "summary": {"total-successful-session-count": 5326, "total-failure-session-count": 303},
        "failure-details": [
          {"result-type": "certificate-expired", "sending-mta-ip": "2001:db8:abcd:0012::1", "receiving-mx-hostname": "mx1.mail.company-y.example", "failed-session-count": 100},
          {"result-type": "starttls-not-supported", "sending-mta-ip": "2001:db8:abcd:0013::1", "receiving-mx-hostname": "mx2.mail.company-y.example", "receiving-ip": "203.0.113.56", "failed-session-count": 200},
          {"result-type": "validation-failure", "sending-mta-ip": "198.51.100.62", "receiving-ip": "203.0.113.58", "receiving-mx-hostname": "mx-backup.mail.company-y.example", "failed-session-count": 3}
        ]
      }]
    }"#;

    #[test]
    fn reads_the_rfc_example() {
        let (r, odd) = parse(RFC_EXAMPLE.as_bytes()).unwrap();
        assert!(odd.is_empty(), "{odd:?}");
        assert_eq!(r.organization, "Company-X");
        assert_eq!(r.policies[0].successful, 5326);
        assert_eq!(r.policies[0].failures.len(), 3);
        assert_eq!(
            r.policies[0].failures[2].receiving_mx_hostname.as_deref(),
            Some("mx-backup.mail.company-y.example")
        );
    }

    #[test]
    fn tolerates_real_world_deviations_and_notes_them() {
        let body = RFC_EXAMPLE
            .replace("2016-04-01T00:00:00Z", "2016-04-01T00:00:00")
            .replace("\"sending-mta-ip\": \"198.51.100.62\"", "\"sending-mta-ip\": \"\"")
            .replace("\"policy-string\": [\"version: STSv1\", \"mode: testing\", \"mx: *.mail.company-y.example\", \"max_age: 86400\"],", "")
            .replace("certificate-expired", "certificate-revoked")
            .replace("5326", "\"5326\"");
        let (r, odd) = parse(body.as_bytes()).unwrap();
        let notes: Vec<&str> = odd.iter().map(|o| o.note.as_str()).collect();
        assert!(
            notes.iter().any(|n| n.contains("no time zone")),
            "{notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.contains("empty sending-mta-ip")),
            "{notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.contains("no policy-string")),
            "{notes:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("unknown result-type 'certificate-revoked'")),
            "{notes:?}"
        );
        assert_eq!(r.policies[0].successful, 5326);
        assert_eq!(r.policies[0].failures[2].sending_mta_ip, None);
    }

    #[test]
    fn rejects_what_is_not_a_report() {
        assert!(parse(b"[]").is_err());
        assert!(
            parse(b"{\"policies\": []}")
                .unwrap_err()
                .contains("date-range")
        );
        assert!(parse(b"{\"organization-name\": \"x\", \"date-range\": {\"start-datetime\": \"yesterday\", \"end-datetime\": \"now\"}, \"policies\": []}").is_err());
        assert!(
            parse(&RFC_EXAMPLE.as_bytes()[..200])
                .unwrap_err()
                .contains("JSON")
        );
    }
}
