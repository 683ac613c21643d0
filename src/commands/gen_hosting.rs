use std::path::Path;

use crate::cli::{GenHostingArgs, HostingArgs};
use crate::error::Error;
use crate::fsutil::write_atomic;
use crate::generate::hosting::{self, Options};
use crate::model::{POLICY_MAX_BYTES, Policy};
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

/// Reads and validates a policy file: hosting an invalid policy helps no one.
pub fn read_policy(path: &Path) -> Result<Policy> {
    let shown = path.display().to_string();
    let body = std::fs::read(path).map_err(|source| Error::Read {
        path: shown.clone(),
        source,
    })?;
    if body.len() > POLICY_MAX_BYTES {
        return Err(Error::InputTooLarge {
            path: shown,
            limit: POLICY_MAX_BYTES,
        });
    }
    let parsed = Policy::parse(&body);
    parsed.policy.ok_or_else(|| {
        let first = parsed
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| format!("line {}: {}", d.line, d.issue))
            .unwrap_or_default();
        Error::InvalidArgument(format!(
            "{shown} is not a valid policy ({first}); `mtasts lint {shown}` lists every problem"
        ))
    })
}

pub fn run(args: &GenHostingArgs) -> Result<Outcome> {
    let policy = match &args.policy_file {
        Some(path) => read_policy(path)?,
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
