//! One integration test binary, so the heavy dependencies link once.

mod bulk;
mod check;
mod cli;
mod completions;
mod dane;
mod gen_tlsa;
mod lifecycle;
mod props;
mod report;
mod report_docs;
mod report_html;
mod report_imap;
mod reporters;
mod runtimes;
mod sharing;
mod support;
/// The test world's own smoke tests, beside it.
#[path = "support/smoke.rs"]
mod support_smoke;
mod trust;
