//! `report`: TLS-RPT aggregate reports (RFC 8460 §4) in, the answer to
//! "can I switch to enforce?" out.
//!
//! Inputs are read one file (one mbox message) at a time and folded into
//! per-domain aggregates at once, so memory stays flat however many reports
//! there are. The way through: [`walk`] finds the files, [`containers`]
//! opens gzip, mail and mbox, [`raw`] and [`parse`] read a report
//! leniently, [`dkim`] says whether one from mail can be trusted,
//! [`span`] says which days each counts for, [`dedup`] drops copies,
//! [`aggregate`] folds the rest in; [`imap`] fetches the messages of IMAP
//! mailboxes, which are then read as files are
//! ([`collect`] runs all this on every core), and [`verdict`] judges each
//! domain into data that `crate::printer::report` renders.

pub mod aggregate;
pub mod collect;
pub mod containers;
mod dedup;
pub mod dkim;
pub mod imap;
pub mod notes;
pub mod parse;
pub mod progress;
mod raw;
pub mod source;
pub mod span;
pub mod verdict;
mod walk;

pub use aggregate::{Aggregates, Filter};
pub use collect::{Collected, Ignored, Trust, collect, collect_from};
pub use notes::{Note, NoteGroup, NoteGroups, Oddity};
pub use parse::Report;
pub use progress::Progress;
pub use source::{Problem, SourceError};
pub use verdict::{DomainSummary, Reason, Thresholds, all_ready, summarize};
pub use walk::{MessageKey, MessageSource, Walk};
