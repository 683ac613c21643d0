use crate::cli::{GenHostingArgs, HostingArgs};
use crate::error::Error;
use crate::fsutil::write_atomic;
use crate::generate::hosting::{self, Options};
use crate::{Outcome, Result};

impl HostingArgs {
    pub fn options(&self) -> Options {
        Options {
            cert: self.cert.clone(),
            key: self.key.clone(),
            webroot: self.webroot.clone(),
            listen: self.listen.clone(),
            classic: self.classic,
        }
    }
}

pub fn run(args: &GenHostingArgs) -> Result<Outcome> {
    let policy = match &args.policy_file {
        Some(path) => crate::project::read_policy(path)?,
        None => super::gen_policy::build(&args.policy)?,
    };
    let artifact = hosting::render(args.target, &args.domain, &policy, &args.hosting.options());
    let mut out = String::new();
    match &args.out {
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
        Some(dir) => {
            // Refuse before writing anything, so a clash leaves no half-written tree.
            if !args.force {
                for f in &artifact.files {
                    let path = dir.join(&f.path);
                    if std::fs::read(&path).is_ok_and(|old| old != f.contents) {
                        return Err(Error::OutputExists { path });
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
                write_atomic(&path, &f.contents, args.force)?;
                out.push_str(&format!("wrote {}\n", path.display()));
            }
        }
    }
    let mut notes = String::from("\nnext steps:\n");
    for n in &artifact.notes {
        notes.push_str(&format!("  - {n}\n"));
    }
    notes.push_str(&format!("  - verify: mtasts check {}\n", args.domain));
    if args.out.is_some() {
        out.push_str(&notes);
    } else {
        super::eprint_line(notes.trim_end());
    }
    super::print_stdout(&out)?;
    Ok(Outcome::Success)
}
