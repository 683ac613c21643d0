//! Printers: judgement results in, text out.
//!
//! One module per command whose results have more than one rendering
//! (human and JSON), and `providers` for `gen-policy --list-providers`. Printers never touch the network or the file system;
//! text that came from outside was escaped when it was gathered. The
//! helpers here write the rendered text to the terminal.

pub mod check;
pub mod html;
pub mod lint;
pub mod project;
pub mod providers;
pub mod report;

use std::io::Write;

/// Writes all of `text` to stdout (colour stripped when stdout is not a
/// terminal or colour is off).
pub fn print_stdout(text: &str) -> crate::Result<()> {
    let mut out = anstream::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Writes a line to stderr; failures to report are not worth failing over.
pub fn eprint_line(text: &str) {
    let _ = writeln!(anstream::stderr(), "{text}");
}
