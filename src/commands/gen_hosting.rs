use crate::cli::GenHostingArgs;
use crate::config::hosting::GenHostingConfig;
use crate::error::Error;
use crate::fsutil::{Flag, write_atomic};
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
            let dir = &to.path;
            // Refuse before writing anything, so a clash leaves no half-written tree.
            for f in &artifact.files {
                let path = dir.join(&f.path);
                if path.is_dir() {
                    return Err(Error::OutputIsDir {
                        path,
                        flag: Flag::OUT,
                    });
                }
            }
            if !to.force {
                for f in &artifact.files {
                    let path = dir.join(&f.path);
                    if std::fs::read(&path).is_ok_and(|old| old != f.contents) {
                        return Err(Error::OutputExists {
                            path,
                            flag: Flag::OUT,
                        });
                    }
                }
            }
            for f in &artifact.files {
                let path = dir.join(&f.path);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|source| Error::Write {
                        path: parent.to_path_buf(),
                        source,
                    })?;
                }
                let written = write_atomic(&path, &f.contents, to.force, Flag::OUT)?;
                out.push_str(&format!("{} {}\n", written.verb(), path.display()));
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
