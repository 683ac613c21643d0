use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::{Outcome, Result};

/// The completion script for `shell`, generated from the clap definition.
pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "mtasts", &mut buf);
    buf
}

/// The man page, rendered from the clap definition.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    Ok(buf)
}

/// The committed file name for each shell's script under `completions/`.
pub fn file_name(shell: clap_complete::Shell) -> &'static str {
    use clap_complete::Shell;
    match shell {
        Shell::Bash => "mtasts.bash",
        Shell::Zsh => "_mtasts",
        Shell::Fish => "mtasts.fish",
        Shell::PowerShell => "_mtasts.ps1",
        Shell::Elvish => "mtasts.elv",
        _ => "mtasts.completion",
    }
}

pub fn run(args: &CompletionsArgs) -> Result<Outcome> {
    let script = script(args.shell);
    super::print_stdout(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Success)
}
