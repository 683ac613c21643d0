//! `report`: TLS-RPT aggregate reports (RFC 8460 §4) in, the answer to
//! "can I switch to enforce?" out.
//!
//! Inputs are read one file (one mbox message) at a time and folded into
//! per-domain aggregates at once, so memory stays flat however many reports
//! there are.

mod gzip;
pub mod input;
pub mod parse;
pub mod progress;
mod raw;
pub mod render;
pub mod summary;

pub use input::{Collector, SourceError};
pub use parse::{Oddity, Report};
pub use progress::Progress;
pub use summary::{Aggregates, DomainSummary, Filter, Thresholds};
