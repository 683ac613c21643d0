//! `mtasts lint`: configuration, judgement, printer, exit code.

use crate::cli::LintArgs;
use crate::config::lint::{LintConfig, LintFormat};
use crate::model::lint;
use crate::printer;
use crate::{Outcome, Result};

pub fn run(args: &LintArgs) -> Result<Outcome> {
    let config = LintConfig::from_args(args)?;
    let report = lint::judge(&config.name, &config.input, config.domain.as_ref());
    let text = match config.format {
        LintFormat::Human => printer::lint::human(&report),
        LintFormat::Json => printer::lint::json(&report),
    };
    super::print_stdout(&text)?;
    Ok(if report.valid() {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
