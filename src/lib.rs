//! `mtasts`: generate, verify and monitor MTA-STS (RFC 8461) and TLS-RPT
//! (RFC 8460) deployments.
//!
//! Data flows one way: arguments ([`cli`]) → validated configuration
//! ([`config`]) → the [`model`] and the network [`probe`]s → judgement
//! ([`check`], [`report`], [`lint`](commands::lint)) → a [`printer`] → an
//! [`Outcome`] the binary maps to an exit code. `ARCHITECTURE.md` is the map.

#![forbid(unsafe_code)]

pub mod check;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod error;
pub mod fsutil;
/// For the fuzz targets in `fuzz/` only: see the module's documentation.
#[doc(hidden)]
pub mod fuzzing;
pub mod generate;
pub mod model;
pub mod printer;
pub mod probe;
pub mod project;
pub mod report;
pub mod text;

pub use clock::Clock;
pub use error::{Error, Result};

/// How a command that ran to the end went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything checked out (warnings allowed): exit 0.
    Success,
    /// A check or lint found a failure: exit 1.
    Failed,
    /// Stopped by Ctrl-C (SIGINT) after printing what was finished: exit
    /// 130, the shells' 128 + SIGINT, so that a script sees the stop.
    Interrupted,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failed => 1,
            Outcome::Interrupted => 130,
        }
    }
}

/// Runs the command the user asked for, with `clock` as the one reading of
/// the time.
pub fn run(cli: cli::Cli, clock: Clock) -> Result<Outcome> {
    use cli::Command;
    match cli.command {
        Command::GenRecord(args) => commands::gen_record::run(&args, &clock),
        Command::GenTlsRpt(args) => commands::gen_tlsrpt::run(&args),
        Command::GenTlsa(args) => commands::gen_tlsa::run(&args),
        Command::GenPolicy(args) => commands::gen_policy::run(&args),
        Command::Lint(args) => commands::lint::run(&args),
        Command::Check(args) => commands::check::run(&args, &clock),
        Command::Init(args) => commands::init::run(&args, &clock),
        Command::GenHosting(args) => commands::gen_hosting::run(&args),
        Command::Promote(args) => commands::lifecycle::promote(&args, &clock),
        Command::Retire(args) => commands::lifecycle::retire(&args, &clock),
        Command::Report(args) => commands::report::run(&args, &clock),
        Command::Completions(args) => commands::completions::run(&args),
    }
}
