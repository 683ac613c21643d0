//! One thin module per subcommand: arguments to [configuration](crate::config),
//! configuration to the command's engine, its result to a
//! [printer](crate::printer), and an [`Outcome`](crate::Outcome). No command
//! calls another; what two share lives in the library.

pub mod check;
pub mod completions;
pub mod gen_hosting;
pub mod gen_policy;
pub mod gen_record;
pub mod gen_tlsa;
pub mod gen_tlsrpt;
pub mod init;
pub mod lifecycle;
pub mod lint;
pub mod report;

pub(crate) use crate::printer::{eprint_line, print_stdout};
