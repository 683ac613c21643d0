//! One integration test binary, so the heavy dependencies link once.

mod check;
mod cli;
mod completions;
mod lifecycle;
mod props;
mod report;
mod runtimes;
mod support;
mod support_smoke;
