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

use std::io::Write;

/// Writes all of `text` to stdout (colour stripped when stdout is not a
/// terminal or colour is off).
pub(crate) fn print_stdout(text: &str) -> crate::Result<()> {
    let mut out = anstream::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Writes a line to stderr; failures to report are not worth failing over.
pub(crate) fn eprint_line(text: &str) {
    let _ = writeln!(anstream::stderr(), "{text}");
}
