use std::io::Write;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use clap::Parser;

fn main() -> ExitCode {
    let cli = match mtasts::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        // `mtasts` alone: the help, on stderr, as a usage error.
        Err(err)
            if err.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            let _ = err.print();
            return ExitCode::from(2);
        }
        Err(err) => {
            let line = mtasts::cli::one_line_error(&err);
            let _ = writeln!(anstream::stderr(), "{}", style_error(&line));
            return ExitCode::from(2);
        }
    };
    cli.color.write_global();
    match mtasts::run(cli, mtasts::Clock::from_env()) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(
                anstream::stderr(),
                "{}",
                style_error(&format!("error: {err}"))
            );
            ExitCode::from(2)
        }
    }
}

fn style_error(line: &str) -> String {
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    match line.strip_prefix("error:") {
        Some(rest) => format!("{red}error:{red:#}{rest}"),
        None => line.to_string(),
    }
}
