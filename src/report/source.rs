//! Inputs that could not be used, and why, as data: each problem has a
//! stable [`code`](Problem::code) for machines and a message (its
//! `Display`) for people.

use std::cmp::Ordering;
use std::fmt;

/// An input that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// The file, mbox message or message part, escaped for display.
    pub path: String,
    pub problem: Problem,
}

/// Sorted by path, then by message: the order they are listed in.
impl Ord for SourceError {
    fn cmp(&self, other: &Self) -> Ordering {
        self.path.cmp(&other.path).then_with(|| {
            if self.problem == other.problem {
                Ordering::Equal
            } else {
                self.problem.to_string().cmp(&other.problem.to_string())
            }
        })
    }
}

impl PartialOrd for SourceError {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Why an input could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The system refused to open or read it (its words).
    Io(String),
    /// A FIFO, socket or device inside a walked directory.
    NotRegularFile,
    /// A file too large to be a report.
    FileTooLarge { limit_mib: u64 },
    /// Containers inside containers, too deep.
    NestedTooDeeply,
    /// Gzip data that, with what the same file already decompressed to,
    /// goes past the cap for one file.
    FileDecompressesTooLarge { limit_mib: usize },
    /// Gzip data that decompresses past the cap for one report.
    GzipBomb { limit_mib: usize },
    /// Gzip data that is truncated or corrupt.
    BrokenGzip(&'static str),
    /// Nothing but whitespace.
    Empty,
    /// A mail message too large to be a report mail (`in_mbox`: one of an
    /// mbox, skipped).
    MessageTooLarge { limit_mib: usize, in_mbox: bool },
    /// A mail message of more MIME parts than a report mail has.
    TooManyParts { limit: usize },
    /// Not JSON, gzip or a mail message.
    Unrecognised,
    /// A mail message without a report part.
    NoReportPart,
    /// JSON that is not a usable report.
    NotAReport(ReportError),
    /// A reading thread failed.
    ReaderFailed,
    /// More problems than are listed.
    MoreErrors { listed: usize },
}

impl Problem {
    /// A stable identifier, for scripts that read `--json`.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Io(_) => "unreadable",
            Problem::NotRegularFile => "not-a-regular-file",
            Problem::FileTooLarge { .. } => "file-too-large",
            Problem::NestedTooDeeply => "nested-too-deeply",
            Problem::FileDecompressesTooLarge { .. } => "file-decompresses-too-large",
            Problem::GzipBomb { .. } => "gzip-bomb",
            Problem::BrokenGzip(_) => "broken-gzip",
            Problem::Empty => "empty",
            Problem::MessageTooLarge { .. } => "message-too-large",
            Problem::TooManyParts { .. } => "too-many-parts",
            Problem::Unrecognised => "unrecognised",
            Problem::NoReportPart => "no-report-part",
            Problem::NotAReport(e) => e.code(),
            Problem::ReaderFailed => "reader-failed",
            Problem::MoreErrors { .. } => "more-errors",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Io(e) => f.write_str(e),
            Problem::NotRegularFile => f.write_str("not a regular file or a directory; skipped"),
            Problem::FileTooLarge { limit_mib } => {
                write!(f, "larger than {limit_mib} MiB; not a report")
            }
            Problem::NestedTooDeeply => f.write_str("reports nested too deeply"),
            Problem::FileDecompressesTooLarge { limit_mib } => write!(
                f,
                "with the reports before it in the same file, decompresses to more than {limit_mib} MiB; skipped"
            ),
            Problem::GzipBomb { limit_mib } => write!(
                f,
                "decompresses to more than {limit_mib} MiB (a gzip bomb?); skipped"
            ),
            Problem::BrokenGzip(why) => write!(f, "broken gzip data: {why}"),
            Problem::Empty => f.write_str("empty"),
            Problem::MessageTooLarge {
                limit_mib,
                in_mbox: true,
            } => write!(f, "message larger than {limit_mib} MiB; skipped"),
            Problem::MessageTooLarge {
                limit_mib,
                in_mbox: false,
            } => write!(
                f,
                "a message larger than {limit_mib} MiB; not a report mail"
            ),
            Problem::TooManyParts { limit } => write!(
                f,
                "a message of more than {limit} MIME parts; not a report mail"
            ),
            Problem::Unrecognised => {
                f.write_str("neither a JSON report, gzip data nor a mail message")
            }
            Problem::NoReportPart => {
                f.write_str("a mail message without an application/tlsrpt+gzip or +json part")
            }
            Problem::NotAReport(e) => e.fmt(f),
            Problem::ReaderFailed => f.write_str("failed; the files it had read are not counted"),
            Problem::MoreErrors { listed } => {
                write!(f, "more unreadable inputs, past the first {listed} listed")
            }
        }
    }
}

/// Why a report is unusable. Each has a stable [`code`](ReportError::code)
/// and a message (its `Display`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportError {
    /// Not UTF-8: the first invalid byte.
    NotUtf8 {
        byte: usize,
    },
    /// Not JSON: serde_json's words.
    NotJson(String),
    NotAnObject,
    NoDateRange,
    NoDatetime {
        what: &'static str,
    },
    /// A datetime in no form read (escaped).
    BadDatetime {
        what: &'static str,
        text: String,
    },
    /// Dated after the run's clock, beyond a day of slack.
    InFuture {
        what: &'static str,
        at: String,
    },
    NoPolicies,
}

impl ReportError {
    /// A stable identifier, for scripts that read `--json`.
    pub fn code(&self) -> &'static str {
        match self {
            ReportError::NotUtf8 { .. } => "not-utf8",
            ReportError::NotJson(_) => "not-json",
            ReportError::NotAnObject => "not-a-json-object",
            ReportError::NoDateRange => "no-date-range",
            ReportError::NoDatetime { .. } => "no-datetime",
            ReportError::BadDatetime { .. } => "bad-datetime",
            ReportError::InFuture { .. } => "dated-in-the-future",
            ReportError::NoPolicies => "no-policies",
        }
    }
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::NotUtf8 { byte } => {
                write!(f, "not valid JSON: not UTF-8 (byte {byte} is invalid)")
            }
            ReportError::NotJson(e) => write!(f, "not valid JSON: {e}"),
            ReportError::NotAnObject => f.write_str("the report is not a JSON object"),
            ReportError::NoDateRange => f.write_str("no date-range"),
            ReportError::NoDatetime { what } => write!(f, "no date-range.{what}"),
            ReportError::BadDatetime { what, text } => {
                write!(f, "{what} '{text}' is not a date")
            }
            ReportError::InFuture { what, at } => {
                write!(f, "{what} {at} is in the future; not a real report")
            }
            ReportError::NoPolicies => f.write_str("no policies array"),
        }
    }
}
