//! `check --state DIR`: what an earlier run saw of each domain, kept in
//! `DIR/<domain>.json`, to catch the classic mistake of changing the policy
//! without a new id. The state is read before judging and written after the
//! report is printed; the rule itself is [`super::rules::state`].

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::DomainReport;
use crate::Clock;
use crate::fsutil::{Flag, write_atomic};
use crate::model::Domain;

/// What one run saw of a domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    pub id: String,
    pub policy_sha256: String,
    /// When it was seen (RFC 3339).
    pub seen: String,
}

/// What the state directory holds for a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Memory {
    /// Nothing yet (or a file that is not ours: it is replaced).
    Empty,
    Seen(Remembered),
}

/// The `--state` directory.
#[derive(Debug, Clone)]
pub struct StateDir {
    dir: PathBuf,
}

/// Why a `--state` directory cannot be used.
#[derive(Debug)]
pub enum StateError {
    /// The path exists and is not a directory.
    NotDir,
    /// It cannot be created, or a file cannot be written in it.
    Io(io::Error),
}

impl StateDir {
    /// Opens the directory, creating it if it is missing, and makes sure a
    /// file can be written in it: a run must not find out only after
    /// printing its report that it cannot remember what it saw.
    pub fn open(dir: &Path) -> Result<StateDir, StateError> {
        if dir.exists() && !dir.is_dir() {
            return Err(StateError::NotDir);
        }
        std::fs::create_dir_all(dir).map_err(StateError::Io)?;
        let probe = dir.join(".mtasts-write-test");
        std::fs::write(&probe, b"").map_err(StateError::Io)?;
        std::fs::remove_file(&probe).map_err(StateError::Io)?;
        Ok(StateDir {
            dir: dir.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    fn file(&self, domain: &str) -> PathBuf {
        self.dir.join(format!("{domain}.json"))
    }

    /// What the directory remembers of `domain`.
    pub fn recall(&self, domain: &Domain) -> Memory {
        std::fs::read(self.file(domain.as_str()))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .map_or(Memory::Empty, Memory::Seen)
    }

    /// Remembers what `report` saw, when it saw a valid id and policy.
    pub fn remember(&self, report: &DomainReport, clock: &Clock) -> io::Result<()> {
        let (Some(id), Some(digest)) = (&report.record_id, &report.policy_sha256) else {
            return Ok(());
        };
        let now = Remembered {
            id: id.clone(),
            policy_sha256: digest.clone(),
            seen: clock.now().to_rfc3339(),
        };
        let bytes = serde_json::to_vec_pretty(&now).map_err(io::Error::other)?;
        write_atomic(&self.file(&report.domain), &bytes, true, Flag::OUTPUT).map_err(
            |e| match e {
                crate::Error::Write { source, .. } => source,
                crate::Error::OutputIsDir { path, .. } => {
                    io::Error::other(format!("{} is a directory", path.display()))
                }
                other => io::Error::other(other.to_string()),
            },
        )?;
        Ok(())
    }
}
