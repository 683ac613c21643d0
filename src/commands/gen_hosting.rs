use crate::cli::GenHostingArgs;
use crate::config::hosting::GenHostingConfig;
use crate::error::Error;
use crate::fsutil::{Flag, write_tree};
use crate::generate::hosting;
use crate::{Outcome, Result};

pub fn run(args: &GenHostingArgs) -> Result<Outcome> {
    let config = GenHostingConfig::from_args(args)?;
    let artifact = hosting::render(
        config.target,
        &config.domain,
        &config.policy,
        &config.options,
    );
    let mut out = String::new();
    match &config.out {
        None => {
            for f in &artifact.files {
                out.push_str(&format!("==> {} <==\n", f.path.display()));
                out.push_str(&String::from_utf8_lossy(&f.contents));
                if !f.contents.ends_with(b"\n") {
                    out.push('\n');
                }
                out.push('\n');
            }
        }
        Some(to) => {
            let written = write_tree(
                &to.path,
                artifact
                    .files
                    .iter()
                    .map(|f| (f.path.as_path(), f.contents.as_slice())),
                to.force,
                |mut clashes| Error::OutputExists {
                    path: clashes.swap_remove(0),
                    flag: Flag::OUT,
                },
            )?;
            for (path, what) in written {
                out.push_str(&format!("{} {}\n", what.verb(), path.display()));
            }
        }
    }
    let mut notes = String::from("\nnext steps:\n");
    for n in &artifact.notes {
        notes.push_str(&format!("  - {n}\n"));
    }
    notes.push_str(&format!("  - verify: mtasts check {}\n", config.domain));
    if config.out.is_some() {
        out.push_str(&notes);
    } else {
        super::eprint_line(notes.trim_end());
    }
    super::print_stdout(&out)?;
    Ok(Outcome::Success)
}
