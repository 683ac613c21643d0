//! The binary under test, and the shape every usage error must have.

use assert_cmd::Command;

/// The `mtasts` binary, with the colour variables of the environment
/// removed so that output does not depend on who runs the tests.
pub fn mtasts() -> Command {
    let mut cmd = Command::cargo_bin("mtasts").expect("binary built");
    cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    cmd
}

/// Runs `args`, expects a usage error: exit 2, exactly one line on stderr
/// containing each of `needles`, nothing on stdout.
#[track_caller]
pub fn usage_error(args: &[&str], needles: &[&str]) {
    let out = mtasts().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "{args:?} wrote to stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{args:?}: not one line: {stderr}"
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: {stderr:?} lacks {needle:?}"
        );
    }
}
