//! Arguments turned into validated configuration.
//!
//! [`crate::cli`] describes the command line and nothing else; each module
//! here turns one command's arguments into a documented struct the engine
//! of that command takes, so that the engines never see clap types and
//! every default, bound and cross-flag rule is decided in one place.
//! Building a configuration may read local files the user named (a CA
//! bundle, a list of domains) but never touches the network.

pub mod check;
pub mod hosting;
pub mod init;
pub mod lint;
pub mod policy;
pub mod record;
pub mod report;
pub mod tlsa;
