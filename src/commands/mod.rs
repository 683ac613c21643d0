//! One module per subcommand: each turns validated arguments into output
//! and an [`Outcome`](crate::Outcome).

pub mod check;
pub mod completions;
pub mod gen_hosting;
pub mod gen_policy;
pub mod gen_record;
pub mod gen_tlsrpt;
pub mod init;
pub mod lifecycle;
pub mod lint;
pub mod report;

pub(crate) use crate::printer::{eprint_line, print_stdout};
