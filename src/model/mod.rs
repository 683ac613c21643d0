//! The policy model: every MTA-STS and TLS-RPT format the tool reads or
//! writes is parsed and rendered here, and nowhere else.
//!
//! Nothing in this module does I/O. The checker, the generators and the
//! linter all go through these types, so a rule fixed here is fixed for every
//! command at once.

mod diagnostic;
mod domain;
mod hostname;
mod max_age;
mod mode;
mod mx_pattern;
mod policy;
mod shown;
mod sts_id;
mod sts_record;
mod tlsrpt;
mod txt_fields;

pub use diagnostic::{Diagnostic, Severity};
pub use domain::{Domain, DomainError};
pub use hostname::HostError;
pub use max_age::{MaxAge, MaxAgeError};
pub use mode::{Mode, ModeError};
pub use mx_pattern::{MxPattern, MxPatternError};
pub use policy::{POLICY_MAX_BYTES, PartialPolicy, Policy, PolicyIssue, PolicyParse};
pub use shown::SHOWN_MAX_CHARS;
pub use sts_id::{StsId, StsIdError};
pub use sts_record::{RecordIssue, StsRecord, StsRecordParse};
pub use tlsrpt::{RuaUri, RuaUriError, TlsRptIssue, TlsRptParse, TlsRptRecord};
