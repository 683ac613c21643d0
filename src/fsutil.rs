//! Writing files so that a reader never sees half of one and an admin's
//! existing file is never replaced by surprise.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::{Error, Result};

/// What [`write_atomic`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Created,
    Replaced,
    /// The file already held exactly these bytes.
    Unchanged,
}

/// The option that named a file to write, so that an error about the file
/// tells the user which option to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    pub name: &'static str,
    /// A file name to suggest when a directory was given; `None` for the
    /// files of fixed names that a command writes under a directory.
    pub example: Option<&'static str>,
}

impl Flag {
    /// `gen-policy --output`.
    pub const OUTPUT: Flag = Flag {
        name: "--output",
        example: Some("mta-sts.txt"),
    };
    /// `report --html`.
    pub const HTML: Flag = Flag {
        name: "--html",
        example: Some("report.html"),
    };
    /// The files under `init --out` and `gen-hosting --out` (and the
    /// directory `promote` and `retire` rewrite).
    pub const OUT: Flag = Flag {
        name: "--out",
        example: None,
    };
}

impl Written {
    /// What the command says it did to the file: `wrote`, `replaced` or
    /// `unchanged`.
    pub fn verb(self) -> &'static str {
        match self {
            Written::Created => "wrote",
            Written::Replaced => "replaced",
            Written::Unchanged => "unchanged",
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so the file is either the old one or the whole new one.
/// An existing file with other content is replaced only when `force`;
/// `flag` is the option that named the file.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool, flag: Flag) -> Result<Written> {
    if path.is_dir() {
        return Err(Error::OutputIsDir {
            path: path.to_path_buf(),
            flag,
        });
    }
    let existed = match fs::read(path) {
        Ok(old) if old == bytes => return Ok(Written::Unchanged),
        Ok(_) if !force => {
            return Err(Error::OutputExists {
                path: path.to_path_buf(),
                flag,
            });
        }
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => {
            return Err(Error::Write {
                path: path.to_path_buf(),
                source: e,
            });
        }
    };
    let tmp = temp_path(path);
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let result = (|| -> std::io::Result<()> {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(write_err(e));
    }
    // Without --force, a hard link refuses to replace a file that appeared
    // since the check above; with it (or where links are unsupported), rename.
    if !existed && !force {
        match fs::hard_link(&tmp, path) {
            Ok(()) => {
                let _ = fs::remove_file(&tmp);
                return Ok(Written::Created);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = fs::remove_file(&tmp);
                return Err(Error::OutputExists {
                    path: path.to_path_buf(),
                    flag,
                });
            }
            Err(_) => {}
        }
    }
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(write_err(e));
    }
    Ok(if existed {
        Written::Replaced
    } else {
        Written::Created
    })
}

/// Writes files of fixed names under `dir` (creating subdirectories),
/// each with [`write_atomic`]; the options naming `dir` are [`Flag::OUT`].
/// Nothing is written when a directory stands where one of the files goes,
/// or, without `force`, when any of them exists with other content: the
/// clashing paths are then the error, made by `clash` (each command says
/// it its own way). Returns each path and what was done to it.
pub fn write_tree<'a>(
    dir: &Path,
    files: impl Iterator<Item = (&'a Path, &'a [u8])> + Clone,
    force: bool,
    clash: impl FnOnce(Vec<PathBuf>) -> Error,
) -> Result<Vec<(PathBuf, Written)>> {
    for (rel, _) in files.clone() {
        let path = dir.join(rel);
        if path.is_dir() {
            return Err(Error::OutputIsDir {
                path,
                flag: Flag::OUT,
            });
        }
    }
    if !force {
        let clashes: Vec<PathBuf> = files
            .clone()
            .map(|(rel, contents)| (dir.join(rel), contents))
            .filter(|(path, contents)| fs::read(path).is_ok_and(|old| old != *contents))
            .map(|(path, _)| path)
            .collect();
        if !clashes.is_empty() {
            return Err(clash(clashes));
        }
    }
    let mut written = Vec::new();
    for (rel, contents) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|source| Error::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let what = write_atomic(&path, contents, force, Flag::OUT)?;
        written.push((path, what));
    }
    Ok(written)
}

fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp_name = format!(".{name}.tmp-{}-{n}", std::process::id());
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(tmp_name),
        _ => PathBuf::from(tmp_name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_replaces_and_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("mta-sts.txt");
        assert_eq!(
            write_atomic(&p, b"one", false, Flag::OUTPUT).unwrap(),
            Written::Created
        );
        assert_eq!(
            write_atomic(&p, b"one", false, Flag::OUTPUT).unwrap(),
            Written::Unchanged
        );
        assert!(matches!(
            write_atomic(&p, b"two", false, Flag::OUTPUT),
            Err(Error::OutputExists { .. })
        ));
        assert_eq!(fs::read(&p).unwrap(), b"one");
        assert_eq!(
            write_atomic(&p, b"two", true, Flag::OUTPUT).unwrap(),
            Written::Replaced
        );
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left behind"
        );
        assert!(matches!(
            write_atomic(dir.path(), b"x", true, Flag::OUTPUT),
            Err(Error::OutputIsDir { .. })
        ));
    }
}
