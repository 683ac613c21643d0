//! The committed completion scripts and man page must match what the clap
//! definition generates. `MTASTS_UPDATE_COMPLETIONS=1 cargo test completions`
//! rewrites them.

use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;
use mtasts::cli::Cli;
use mtasts::commands::completions::{file_name, man_page, script};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("completions")
}

fn check_or_update(name: &str, generated: &[u8]) {
    let path = dir().join(name);
    if std::env::var_os("MTASTS_UPDATE_COMPLETIONS").is_some() {
        std::fs::create_dir_all(dir()).unwrap();
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run `MTASTS_UPDATE_COMPLETIONS=1 cargo test completions` and commit the result",
        path.display()
    );
}

#[test]
fn cli_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn completion_scripts_are_current() {
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        check_or_update(file_name(shell), &script(shell));
    }
}

#[test]
fn man_page_is_current() {
    check_or_update("mtasts.1", &man_page().unwrap());
}

#[test]
fn completions_subcommand_prints_the_same_script() {
    let out = assert_cmd::Command::cargo_bin("mtasts")
        .unwrap()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, script(Shell::Bash));
}
