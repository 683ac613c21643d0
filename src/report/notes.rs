//! What is odd about reports that were still used, as data: each note
//! has a stable [`code`](Note::code) for machines and a message (its
//! `Display`) for people.

use std::cmp::Ordering;
use std::fmt;

/// Something odd about a report that was still used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oddity {
    pub report_id: Option<String>,
    pub note: Note,
}

/// Sorted by report id, then by message: the order they are listed in.
impl Ord for Oddity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.report_id.cmp(&other.report_id).then_with(|| {
            if self.note == other.note {
                Ordering::Equal
            } else {
                self.note.to_string().cmp(&other.note.to_string())
            }
        })
    }
}

impl PartialOrd for Oddity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// What is odd about a report that was still used. Each has a stable
/// [`code`](Note::code) for machines and a message (its `Display`) for
/// people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Arrays past the budget of a report were cut.
    TooManyElements {
        limit: usize,
        dropped: usize,
    },
    NoReportId,
    /// A member longer than the summary keeps.
    Cut {
        what: &'static str,
        limit: usize,
    },
    NoOrganization,
    /// A datetime read although it is not RFC 3339.
    Datetime {
        what: &'static str,
        text: String,
        form: DatetimeForm,
    },
    RangeReversed,
    /// A date range longer than a report covers: counted for its first
    /// [`super::span::MAX_DAYS`] days.
    RangeTooLong {
        days: i64,
        counted: u32,
    },
    PolicyNotAnObject {
        index: usize,
    },
    NoPolicyType {
        index: usize,
    },
    NoPolicyDomain {
        index: usize,
    },
    PolicyDomainTooLong {
        index: usize,
    },
    PolicyStringEmpty {
        index: usize,
    },
    PolicyStringTooLarge {
        index: usize,
    },
    PolicyStringNotAnArray {
        index: usize,
    },
    NoPolicyString {
        index: usize,
        domain: String,
    },
    UnknownResultType {
        result_type: String,
    },
    EmptySendingIp,
    /// A session count that is not a plain whole number.
    Count {
        what: &'static str,
        form: CountForm,
    },
    /// Failure details that count more than the summary.
    DetailsExceedSummary {
        index: usize,
        detailed: u64,
        summary: u64,
    },
    /// Notes past the most kept for one report.
    MoreInReport {
        more: usize,
    },
    /// Copies of a report: counted once.
    Duplicate {
        times: u32,
    },
    /// Different reports under one id of one reporter: each counted.
    IdReused {
        times: u32,
        versions: u32,
    },
    /// Notes past the most listed in all.
    MoreListed {
        listed: usize,
    },
}

/// How a datetime was written, when not as RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatetimeForm {
    /// Without a time zone: read as UTC.
    NoZone,
    /// Another format with a zone.
    NotRfc3339,
    /// Seconds or milliseconds since 1970.
    UnixTime,
    /// A date without a time: read as midnight UTC.
    DateOnly,
}

/// What was wrong with a count, and what was counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountForm {
    /// Larger than any mail system handles: capped.
    Implausible {
        count: u64,
        cap: u64,
    },
    /// Negative: counted as 0.
    Negative(i64),
    /// A whole number written as a float: counted.
    Float(String),
    /// A fraction: counted as 0.
    NotWhole(String),
    /// Text that is not a number (escaped): counted as 0.
    NotANumber(String),
    Missing,
    WrongType,
}

impl Note {
    /// A stable identifier, for scripts that read `--json`.
    pub fn code(&self) -> &'static str {
        match self {
            Note::TooManyElements { .. } => "too-many-elements",
            Note::NoReportId => "no-report-id",
            Note::Cut { .. } => "text-cut",
            Note::NoOrganization => "no-organization-name",
            Note::Datetime { form, .. } => match form {
                DatetimeForm::NoZone => "datetime-without-zone",
                DatetimeForm::NotRfc3339 => "datetime-not-rfc3339",
                DatetimeForm::UnixTime => "datetime-unix-time",
                DatetimeForm::DateOnly => "datetime-date-only",
            },
            Note::RangeReversed => "date-range-reversed",
            Note::RangeTooLong { .. } => "date-range-too-long",
            Note::PolicyNotAnObject { .. } => "policy-not-an-object",
            Note::NoPolicyType { .. } => "no-policy-type",
            Note::NoPolicyDomain { .. } => "no-policy-domain",
            Note::PolicyDomainTooLong { .. } => "policy-domain-too-long",
            Note::PolicyStringEmpty { .. } => "policy-string-empty",
            Note::PolicyStringTooLarge { .. } => "policy-string-too-large",
            Note::PolicyStringNotAnArray { .. } => "policy-string-not-an-array",
            Note::NoPolicyString { .. } => "no-policy-string",
            Note::UnknownResultType { .. } => "unknown-result-type",
            Note::EmptySendingIp => "empty-sending-mta-ip",
            Note::Count { form, .. } => match form {
                CountForm::Implausible { .. } => "count-implausible",
                CountForm::Negative(_) => "count-negative",
                CountForm::Float(_) => "count-written-as-float",
                CountForm::NotWhole(_) => "count-not-whole",
                CountForm::NotANumber(_) => "count-not-a-number",
                CountForm::Missing => "count-missing",
                CountForm::WrongType => "count-wrong-type",
            },
            Note::DetailsExceedSummary { .. } => "details-exceed-summary",
            Note::MoreInReport { .. } => "more-notes-in-report",
            Note::Duplicate { .. } => "duplicate",
            Note::IdReused { .. } => "report-id-reused",
            Note::MoreListed { .. } => "more-notes",
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::TooManyElements { limit, dropped } => write!(
                f,
                "more than {limit} policies, failure details and policy lines; {dropped} more ignored"
            ),
            Note::NoReportId => f.write_str("no report-id; it cannot be deduplicated"),
            Note::Cut { what, limit } => write!(f, "{what} is longer than {limit} bytes; cut"),
            Note::NoOrganization => f.write_str("no organization-name"),
            Note::Datetime { what, text, form } => match form {
                DatetimeForm::NoZone => write!(f, "{what} '{text}' has no time zone; read as UTC"),
                DatetimeForm::NotRfc3339 => write!(f, "{what} '{text}' is not RFC 3339"),
                DatetimeForm::UnixTime => {
                    write!(f, "{what} '{text}' is a Unix time, not RFC 3339")
                }
                DatetimeForm::DateOnly => write!(
                    f,
                    "{what} '{text}' is a date without a time; read as midnight UTC"
                ),
            },
            Note::RangeReversed => {
                f.write_str("the date range ends before it starts; counted for the day it starts")
            }
            Note::RangeTooLong { days, counted } => write!(
                f,
                "the date range lasts {days} days, longer than a report covers; counted for its first {counted}"
            ),
            Note::PolicyNotAnObject { index } => {
                write!(f, "policies[{index}] is not an object; skipped")
            }
            Note::NoPolicyType { index } => write!(f, "policies[{index}] has no policy-type"),
            Note::NoPolicyDomain { index } => {
                write!(f, "policies[{index}] has no policy-domain; skipped")
            }
            Note::PolicyDomainTooLong { index } => write!(
                f,
                "policies[{index}].policy-domain is longer than a domain name can be; skipped"
            ),
            Note::PolicyStringEmpty { index } => {
                write!(f, "policies[{index}].policy-string is empty")
            }
            Note::PolicyStringTooLarge { index } => write!(
                f,
                "policies[{index}].policy-string is longer than a policy may be (64 KiB); ignored"
            ),
            Note::PolicyStringNotAnArray { index } => write!(
                f,
                "policies[{index}].policy-string is a string, not an array"
            ),
            Note::NoPolicyString { index, domain } => {
                write!(f, "policies[{index}] ({domain}) has no policy-string")
            }
            Note::UnknownResultType { result_type } => {
                write!(f, "unknown result-type '{result_type}'")
            }
            Note::EmptySendingIp => f.write_str("an empty sending-mta-ip"),
            Note::Count { what, form } => match form {
                CountForm::Implausible { count, cap } => {
                    write!(f, "{what} is implausibly large ({count}); capped at {cap}")
                }
                CountForm::Negative(n) => write!(f, "{what} is negative ({n}); counted as 0"),
                CountForm::Float(n) => write!(f, "{what} is written as a float ({n})"),
                CountForm::NotWhole(n) => {
                    write!(f, "{what} is not a whole number ({n}); counted as 0")
                }
                CountForm::NotANumber(s) => {
                    write!(f, "{what} is not a number ('{s}'); counted as 0")
                }
                CountForm::Missing => write!(f, "{what} is missing; counted as 0"),
                CountForm::WrongType => write!(f, "{what} has the wrong type; counted as 0"),
            },
            Note::DetailsExceedSummary {
                index,
                detailed,
                summary,
            } => write!(
                f,
                "policies[{index}]: failure-details count {detailed} failed sessions, total-failure-session-count {summary}; counted {detailed}"
            ),
            Note::MoreInReport { more } => {
                write!(f, "… and {more} more oddities in this report")
            }
            Note::Duplicate { times } => write!(f, "read {times} times; counted once"),
            Note::IdReused { times, versions } => write!(
                f,
                "read {times} times, in {versions} different versions: each version counted (a reporter reusing an id, or a forgery)"
            ),
            Note::MoreListed { listed } => {
                write!(f, "more notes, past the first {listed} listed")
            }
        }
    }
}
