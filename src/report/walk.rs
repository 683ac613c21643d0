//! Finding reports where admins keep them: files, directories walked
//! recursively, Maildir folders (their `cur/` and `new/`, without the mail
//! server's bookkeeping); and reading one file, whole or, for an mbox, as
//! a stream.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

use super::collect::BATCH;
use super::containers::mbox::is_mbox;
use super::progress::Progress;
use super::source::{Problem, SourceError};

/// Largest file read whole (an mbox is streamed instead).
pub const MAX_FILE: u64 = 64 * 1024 * 1024;

/// `dir/name` in one allocation. `DirEntry::path` copies the directory
/// and then grows the copy, which costs more than reading a small report
/// takes in user space.
fn child(dir: &Path, name: &std::ffi::OsStr) -> PathBuf {
    let mut p = PathBuf::with_capacity(dir.as_os_str().len() + 1 + name.len());
    p.push(dir);
    p.push(name);
    p
}

/// Files Dovecot, Courier and other mail servers keep beside a Maildir's
/// cur/ and new/.
fn is_bookkeeping(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.starts_with("dovecot")
        || name.starts_with("courier")
        || name.starts_with('.')
        || matches!(name, "maildirfolder" | "subscriptions")
}

/// What the walk hands a worker: a file to read, or a message already
/// read from elsewhere (an IMAP mailbox), which is read like a file.
pub enum Input {
    File(PathBuf),
    Message(Message),
}

/// A mail message from a [`MessageSource`].
pub struct Message {
    /// Where it came from, as errors and notes name it.
    pub label: String,
    pub key: MessageKey,
    pub body: Body,
}

/// What was fetched of a message.
pub enum Body {
    /// Its raw bytes, as a file of a Maildir holds them.
    Whole(Vec<u8>),
    /// Only the parts that can be reports, each as its MIME header and
    /// its body (see [`super::containers::mime::report_parts_of_entities`]).
    Parts(Vec<Vec<u8>>),
}

impl Body {
    fn len(&self) -> usize {
        match self {
            Body::Whole(b) => b.len(),
            Body::Parts(p) => p.iter().map(Vec::len).sum(),
        }
    }
}

/// Which message of which source: the source's place among those of the
/// run, and the message's id there (an IMAP UID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageKey {
    pub source: usize,
    pub uid: u32,
}

/// Messages that come from somewhere other than the file system: fed to
/// the walk on its thread, after the paths.
pub trait MessageSource {
    fn feed(&mut self, walk: &mut Walk<'_>);
}

/// Message bytes after which a batch is handed out before it is full, so
/// that the messages waiting for a worker stay few megabytes.
const BATCH_BYTES: usize = 4 * 1024 * 1024;

/// Finding the files under the paths given, in batches for the workers.
pub struct Walk<'p> {
    tx: std::sync::mpsc::SyncSender<Vec<Input>>,
    batch: Vec<Input>,
    batch_bytes: usize,
    files: usize,
    errors: Vec<SourceError>,
    progress: Option<&'p Progress>,
}

impl<'p> Walk<'p> {
    /// A walk that hands files to `tx`, [`BATCH`] at a time.
    pub fn new(
        tx: std::sync::mpsc::SyncSender<Vec<Input>>,
        progress: Option<&'p Progress>,
    ) -> Walk<'p> {
        Walk {
            tx,
            batch: Vec::with_capacity(BATCH),
            batch_bytes: 0,
            files: 0,
            errors: Vec::new(),
            progress,
        }
    }
}

impl Walk<'_> {
    fn error(&mut self, path: &Path, problem: Problem) {
        self.errors.push(SourceError {
            // File names are anyone's choice: escaped.
            path: crate::text::escape(&path.display().to_string()),
            problem,
        });
    }

    /// A path given on the command line: a file, or a directory walked
    /// recursively. Symbolic links are followed here, where the user named
    /// them, and not inside the walk, so that loops cannot trap it; a pipe
    /// the user names (`<(zcat …)`) is read like a file.
    pub fn add_path(&mut self, path: &Path) {
        match std::fs::metadata(path) {
            Err(e) => self.error(path, Problem::Io(e.to_string())),
            Ok(m) if m.is_dir() => self.add_dir(path.to_path_buf()),
            Ok(_) => self.push(Input::File(path.to_path_buf())),
        }
    }

    /// A message from a [`MessageSource`]: counted as a file, and read
    /// like one.
    pub fn add_message(&mut self, label: String, key: MessageKey, body: Body) {
        self.batch_bytes += body.len();
        self.push(Input::Message(Message { label, key, body }));
        if self.batch_bytes >= BATCH_BYTES {
            self.send();
        }
    }

    /// A message of a [`MessageSource`] that is not read (too large, or
    /// not sent by the server, or without a part that can be a report):
    /// counted as a file found, as its file in a Maildir would be, and
    /// listed.
    pub fn skip_message(&mut self, label: &str, problem: Problem) {
        self.files += 1;
        if let Some(p) = self.progress {
            p.found(self.files);
        }
        self.skip(label, problem);
    }

    /// An input of a [`MessageSource`] that cannot be read, listed with
    /// the errors of the walk.
    pub fn skip(&mut self, label: &str, problem: Problem) {
        self.errors.push(SourceError {
            path: crate::text::escape(label),
            problem,
        });
    }

    /// Files are handed out in the order the directory lists them (workers
    /// finish them out of order anyway, and the results are sorted);
    /// subdirectories are walked after the listing is closed, so that deep
    /// trees do not hold one open directory per level.
    fn add_dir(&mut self, path: PathBuf) {
        let entries = match std::fs::read_dir(&path) {
            Ok(rd) => rd,
            Err(e) => return self.error(&path, Problem::Io(e.to_string())),
        };
        let mut subdirectories = Vec::new();
        let mut files = Vec::new();
        for entry in entries {
            match entry.and_then(|e| Ok((child(&path, &e.file_name()), e.file_type()?))) {
                Ok((p, kind)) if kind.is_dir() => subdirectories.push(p),
                Ok((p, kind)) => {
                    if kind.is_file() || self.is_readable_file(&p, kind) {
                        files.push(p);
                    }
                }
                Err(e) => self.error(&path, Problem::Io(e.to_string())),
            }
        }
        // A Maildir: messages are in cur/ and new/; tmp/ holds deliveries
        // not finished yet, and the files beside them are the mail
        // server's bookkeeping (dovecot-uidlist, maildirfolder, …).
        let named = |p: &PathBuf, n: &str| p.file_name().is_some_and(|f| f == n);
        let maildir = ["cur", "new"]
            .iter()
            .all(|n| subdirectories.iter().any(|d| named(d, n)));
        if maildir {
            files.retain(|f| !is_bookkeeping(f));
            subdirectories.retain(|d| !named(d, "tmp"));
        }
        for f in files {
            self.push(Input::File(f));
        }
        for dir in subdirectories {
            self.add_dir(dir);
        }
    }

    /// Inside a walk: regular files, and symbolic links to them. Links to
    /// directories are passed over; anything else is named and skipped:
    /// opening a FIFO would wait for a writer forever.
    fn is_readable_file(&mut self, path: &Path, kind: std::fs::FileType) -> bool {
        let target = if kind.is_symlink() {
            match std::fs::metadata(path) {
                Ok(m) => m.file_type(),
                Err(e) => {
                    self.error(path, Problem::Io(e.to_string()));
                    return false;
                }
            }
        } else {
            kind
        };
        if target.is_file() {
            return true;
        }
        if !target.is_dir() {
            self.error(path, Problem::NotRegularFile);
        }
        false
    }

    fn push(&mut self, input: Input) {
        self.files += 1;
        if let Some(p) = self.progress {
            p.found(self.files);
        }
        self.batch.push(input);
        if self.batch.len() == BATCH {
            self.send();
        }
    }

    fn send(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.batch_bytes = 0;
        // Fails only when every worker is gone; what they did is kept.
        let _ = self.tx.send(batch);
    }

    /// Hands out the last batch and closes the queue: (files, errors).
    pub fn finish(mut self) -> (usize, Vec<SourceError>) {
        if !self.batch.is_empty() {
            self.send();
        }
        if let Some(p) = self.progress {
            p.walked(self.files);
        }
        (self.files, self.errors)
    }
}

/// A file read.
pub enum FileContent {
    /// The whole file is in the buffer: this many bytes of it.
    Whole(usize),
    /// An mbox, from its start: streamed rather than read whole.
    Mbox(BufReader<File>),
}

/// Reads the file at `path` into `data`, a buffer kept from file to file,
/// unless it is larger than [`MAX_FILE`] or an mbox. Plain read calls:
/// `read_to_end` and `metadata` would each add a `statx` per report.
pub fn read_file(path: &Path, data: &mut Vec<u8>) -> Result<FileContent, Problem> {
    let io = |e: std::io::Error| Problem::Io(e.to_string());
    let mut f = File::open(path).map_err(io)?;
    let mut filled = 0;
    loop {
        if filled == data.len() {
            if filled as u64 > MAX_FILE {
                return Err(Problem::FileTooLarge {
                    limit_mib: MAX_FILE >> 20,
                });
            }
            // One byte past the limit tells a file over it.
            let next = (data.len() * 2).clamp(16 * 1024, MAX_FILE as usize + 1);
            data.resize(next, 0);
        }
        match f.read(&mut data[filled..]) {
            Ok(0) => return Ok(FileContent::Whole(filled)),
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(e)),
        }
        if is_mbox(&data[..filled]) {
            f.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
            return Ok(FileContent::Mbox(BufReader::new(f)));
        }
    }
}
