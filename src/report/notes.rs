//! What is odd about reports that were still used, as data: each note
//! has a stable [`code`](Note::code) for machines and a message (its
//! `Display`) for people; [`NoteGroups`] counts them by reporter and kind,
//! the way people read them ("Microsoft Corporation: 14 reports with
//! datetimes without a time zone").

use std::cmp::{Ordering, Reverse};
use std::collections::BTreeMap;
use std::fmt;

use super::aggregate::reporter_key;

/// Something odd about a report that was still used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oddity {
    /// The report's organisation, as it wrote it (escaped).
    pub reporter: String,
    pub report_id: Option<String>,
    pub note: Note,
}

/// Sorted by report id, then by reporter, then by message: the order they
/// are listed in.
impl Ord for Oddity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.report_id
            .cmp(&other.report_id)
            .then_with(|| self.reporter.cmp(&other.reporter))
            .then_with(|| {
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
    /// Identical copies of a report (the same reporter, report-id and
    /// content): counted once.
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
            Note::NoReportId => {
                f.write_str("no report-id; only identical copies of it are recognised as copies")
            }
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
            Note::Duplicate { times } => write!(
                f,
                "read {times} times, identical each time (the same report in several files or messages); counted once"
            ),
            Note::IdReused { times, versions } => write!(
                f,
                "{versions} different reports under this id, read {times} times in all: each different one counted, identical copies once (a reporter reusing an id, or a forgery)"
            ),
            Note::MoreListed { listed } => {
                write!(f, "more notes, past the first {listed} listed")
            }
        }
    }
}

impl Note {
    /// What reports with this kind of note have, for a line that counts
    /// them: it follows "N reports".
    pub fn kind(&self) -> &'static str {
        match self {
            Note::TooManyElements { .. } => {
                "with more policies, failure details and policy lines than mtasts reads (the rest ignored)"
            }
            Note::NoReportId => {
                "without a report-id (only identical copies of them are recognised as copies)"
            }
            Note::Cut { .. } => "with text longer than mtasts keeps (cut)",
            Note::NoOrganization => "without an organization-name",
            Note::Datetime { form, .. } => match form {
                DatetimeForm::NoZone => "with datetimes without a time zone (read as UTC)",
                DatetimeForm::NotRfc3339 => "with datetimes not in RFC 3339 form",
                DatetimeForm::UnixTime => "with datetimes as Unix times",
                DatetimeForm::DateOnly => "with dates without a time (read as midnight UTC)",
            },
            Note::RangeReversed => {
                "with a date range that ends before it starts (counted for the day it starts)"
            }
            Note::RangeTooLong { .. } => {
                "with a date range longer than a report covers (counted for its first days only)"
            }
            Note::PolicyNotAnObject { .. } => "with a policy that is not an object (skipped)",
            Note::NoPolicyType { .. } => "with a policy without a policy-type",
            Note::NoPolicyDomain { .. } => "with a policy without a policy-domain (skipped)",
            Note::PolicyDomainTooLong { .. } => {
                "with a policy-domain longer than a domain name can be (skipped)"
            }
            Note::PolicyStringEmpty { .. } => "with an empty policy-string",
            Note::PolicyStringTooLarge { .. } => {
                "with a policy-string longer than a policy may be (ignored)"
            }
            Note::PolicyStringNotAnArray { .. } => {
                "with a policy-string sent as one string, not as an array of lines"
            }
            Note::NoPolicyString { .. } => "with an sts policy but no policy-string",
            Note::UnknownResultType { .. } => "with a result-type RFC 8460 does not define",
            Note::EmptySendingIp => "with an empty sending-mta-ip",
            Note::Count { form, .. } => match form {
                CountForm::Implausible { .. } => "with an implausibly large count (capped)",
                CountForm::Negative(_) => "with a negative count (counted as 0)",
                CountForm::Float(_) => "with a count written as a float",
                CountForm::NotWhole(_) => "with a count that is not a whole number (counted as 0)",
                CountForm::NotANumber(_) => "with a count that is not a number (counted as 0)",
                CountForm::Missing => "with a count missing (counted as 0)",
                CountForm::WrongType => "with a count of the wrong type (counted as 0)",
            },
            Note::DetailsExceedSummary { .. } => {
                "whose failure details count more failed sessions than their summary (the details counted)"
            }
            Note::MoreInReport { .. } => "with more oddities than are listed for one report",
            Note::Duplicate { .. } => {
                "read more than once, identical each time (the same report in several files or messages): each counted once"
            }
            Note::IdReused { .. } => {
                "whose report-id is also that of a different report of theirs: each different one counted (a reporter reusing ids, or a forgery)"
            }
            Note::MoreListed { .. } => "with more notes than are listed",
        }
    }
}

impl Oddity {
    /// What is particular to this one, to show as an example of its kind
    /// (the value read, the report), if anything.
    pub fn example(&self) -> Option<String> {
        let id = || match &self.report_id {
            Some(id) => format!("report {id}"),
            None => "a report without an id".to_string(),
        };
        Some(match &self.note {
            Note::TooManyElements { dropped, .. } => format!("{dropped} ignored"),
            Note::Cut { what, .. } => (*what).to_string(),
            Note::Datetime { what, text, .. } => format!("{what} '{text}'"),
            Note::RangeTooLong { days, .. } => format!("{} of {days} days", id()),
            Note::NoPolicyString { domain, .. } => domain.clone(),
            Note::UnknownResultType { result_type } => format!("'{result_type}'"),
            Note::Count { what, form } => match form {
                CountForm::Implausible { count, .. } => format!("{what} {count}"),
                CountForm::Negative(n) => format!("{what} {n}"),
                CountForm::Float(n) | CountForm::NotWhole(n) => format!("{what} {n}"),
                CountForm::NotANumber(s) => format!("{what} '{s}'"),
                CountForm::Missing | CountForm::WrongType => (*what).to_string(),
            },
            Note::DetailsExceedSummary {
                detailed, summary, ..
            } => format!("{detailed} in the details, {summary} in the summary"),
            Note::Duplicate { times } => format!("{}, read {times} times", id()),
            Note::IdReused { times, versions } => {
                format!("{}: {versions} different reports, read {times} times", id())
            }
            _ => return None,
        })
    }
}

/// Notes of one kind about one reporter's reports, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteGroup {
    /// The reporter as shown: the first in order of the spellings seen.
    pub reporter: String,
    pub code: &'static str,
    /// Reports with a note of this kind (each counted once, however many
    /// such notes it has).
    pub reports: u64,
    /// The first of these notes in the order they are listed.
    pub example: Oddity,
}

impl NoteGroup {
    /// What the group says, after the reporter: "14 reports with …;
    /// e.g. …".
    pub fn text(&self) -> String {
        let mut text = format!(
            "{} report{} {}",
            self.reports,
            if self.reports == 1 { "" } else { "s" },
            self.example.note.kind()
        );
        if let Some(e) = self.example.example() {
            text.push_str(&format!("; e.g. {e}"));
        }
        text
    }
}

/// Kinds of notes per reporter kept apart: reporters are anyone who can
/// send mail, each with a few dozen kinds. Past this, the largest keys are
/// counted in `left_out` only, which gives the same groups whichever thread
/// read what.
const MAX_GROUPS: usize = 1000;

/// Notes counted by reporter (its [`reporter_key`]) and kind, as reports
/// are read; merged across threads.
#[derive(Debug, Default)]
pub struct NoteGroups {
    groups: BTreeMap<(String, &'static str), NoteGroup>,
    /// Reports counted in groups past [`MAX_GROUPS`].
    left_out: u64,
}

impl NoteGroups {
    /// The notes of one report: each kind counted once. A copy of a report
    /// already counted is not added again.
    pub fn add(&mut self, notes: &[Oddity]) {
        for (i, o) in notes.iter().enumerate() {
            let code = o.note.code();
            if code == "more-notes" || notes[..i].iter().any(|p| p.note.code() == code) {
                continue;
            }
            self.put(NoteGroup {
                reporter: o.reporter.clone(),
                code,
                reports: 1,
                example: o.clone(),
            });
        }
    }

    fn put(&mut self, g: NoteGroup) {
        let key = (reporter_key(&g.reporter), g.code);
        match self.groups.get_mut(&key) {
            Some(mine) => {
                mine.reports = mine.reports.saturating_add(g.reports);
                if g.reporter < mine.reporter {
                    mine.reporter = g.reporter;
                }
                if g.example < mine.example {
                    mine.example = g.example;
                }
            }
            None => {
                self.groups.insert(key, g);
                if self.groups.len() > MAX_GROUPS
                    && let Some((_, largest)) = self.groups.pop_last()
                {
                    self.left_out = self.left_out.saturating_add(largest.reports);
                }
            }
        }
    }

    /// Another thread's groups.
    pub fn merge(&mut self, other: NoteGroups) {
        self.left_out = self.left_out.saturating_add(other.left_out);
        for g in other.groups.into_values() {
            self.put(g);
        }
    }

    /// The groups by reporter, the largest first for each, and how many
    /// reports' notes were left out of them.
    pub fn into_sorted(self) -> (Vec<NoteGroup>, u64) {
        let mut groups: Vec<(String, NoteGroup)> = self
            .groups
            .into_iter()
            .map(|((key, _), g)| (key, g))
            .collect();
        groups.sort_by(|(k, x), (l, y)| {
            (k, Reverse(x.reports), x.code).cmp(&(l, Reverse(y.reports), y.code))
        });
        (groups.into_iter().map(|(_, g)| g).collect(), self.left_out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn odd(reporter: &str, id: &str, note: Note) -> Oddity {
        Oddity {
            reporter: reporter.into(),
            report_id: Some(id.into()),
            note,
        }
    }

    fn no_zone(text: &str) -> Note {
        Note::Datetime {
            what: "start-datetime",
            text: text.into(),
            form: DatetimeForm::NoZone,
        }
    }

    #[test]
    fn notes_are_counted_by_reporter_and_kind_once_per_report() {
        let mut groups = NoteGroups::default();
        for day in 1..=14 {
            let id = format!("ms-{day:02}");
            groups.add(&[
                odd(
                    "Microsoft Corporation",
                    &id,
                    no_zone(&format!("2026-11-{day:02}T00:00:00")),
                ),
                odd(
                    "Microsoft Corporation",
                    &id,
                    Note::Datetime {
                        what: "end-datetime",
                        text: format!("2026-11-{day:02}T23:59:59"),
                        form: DatetimeForm::NoZone,
                    },
                ),
                odd("Microsoft Corporation", &id, Note::EmptySendingIp),
            ]);
        }
        let mut other = NoteGroups::default();
        other.add(&[odd("microsoft corporation", "ms-00", Note::EmptySendingIp)]);
        other.add(&[odd(
            "Google",
            "g-1",
            Note::UnknownResultType {
                result_type: "x-y".into(),
            },
        )]);
        groups.merge(other);
        let (groups, left_out) = groups.into_sorted();
        assert_eq!(left_out, 0);
        let lines: Vec<String> = groups
            .iter()
            .map(|g| format!("{}: {}", g.reporter, g.text()))
            .collect();
        assert_eq!(
            lines,
            [
                "Google: 1 report with a result-type RFC 8460 does not define; e.g. 'x-y'",
                "Microsoft Corporation: 15 reports with an empty sending-mta-ip",
                "Microsoft Corporation: 14 reports with datetimes without a time zone (read as UTC); e.g. start-datetime '2026-11-01T00:00:00'",
            ]
        );
        assert_eq!(
            groups[1].example.report_id.as_deref(),
            Some("ms-00"),
            "the first listed"
        );
    }

    #[test]
    fn groups_past_the_cap_are_counted_apart_the_same_whatever_the_order() {
        let all: Vec<Oddity> = (0..MAX_GROUPS + 50)
            .map(|i| odd(&format!("R{i:05}"), "1", Note::EmptySendingIp))
            .collect();
        let mut forward = NoteGroups::default();
        for o in &all {
            forward.add(std::slice::from_ref(o));
        }
        let (mut a, mut b) = (NoteGroups::default(), NoteGroups::default());
        for (i, o) in all.iter().rev().enumerate() {
            let into = if i % 3 == 0 { &mut a } else { &mut b };
            into.add(std::slice::from_ref(o));
        }
        a.merge(b);
        let (x, y) = (forward.into_sorted(), a.into_sorted());
        assert_eq!(x.1, 50);
        assert_eq!(x, y);
        assert_eq!(x.0.len(), MAX_GROUPS);
    }

    #[test]
    fn copies_and_reused_ids_say_what_was_counted() {
        let copy = odd("Google", "g-1", Note::Duplicate { times: 2 });
        assert_eq!(
            copy.note.to_string(),
            "read 2 times, identical each time (the same report in several files or messages); counted once"
        );
        assert_eq!(copy.example().unwrap(), "report g-1, read 2 times");
        let reused = odd(
            "Yahoo",
            "y-5",
            Note::IdReused {
                times: 3,
                versions: 2,
            },
        );
        assert!(reused.note.to_string().starts_with(
            "2 different reports under this id, read 3 times in all: each different one counted"
        ));
    }
}
