//! Finding reports in what admins have: `.json`, `.json.gz`, whole
//! messages (`.eml`), mbox files, Maildir folders and directories of
//! these. Containers are recognised by content, not by name.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Display;
use std::fs::File;
use std::hash::{BuildHasher, RandomState};
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use mail_parser::{MessageParser, MimeHeaders};
use serde::Serialize;

use super::gzip::{Gunzip, gunzip};
use super::parse::{self, Oddity};
use super::progress::Progress;
use super::summary::{Aggregates, Filter, reporter_key};

/// Largest file read whole (an mbox is streamed instead).
const MAX_FILE: u64 = 64 * 1024 * 1024;
/// Largest decompressed report: real ones are kilobytes; a gzip bomb stops here.
const MAX_REPORT: u64 = 16 * 1024 * 1024;
/// Most bytes decompressed from one file (one mbox message): a message
/// of many small gzip parts must not make gigabytes of work either.
const MAX_OUTPUT: usize = 64 * 1024 * 1024;
/// Most MIME boundary lines in one message.
const MAX_PARTS: usize = 1000;
/// Largest single message (in an mbox, or a file).
const MAX_MESSAGE: usize = 32 * 1024 * 1024;
/// Most bytes of one mbox line read at once.
const MAX_PIECE: u64 = 64 * 1024;

/// An input that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SourceError {
    pub path: String,
    pub reason: String,
}

impl SourceError {
    fn new(label: &dyn Display, reason: impl Into<String>) -> SourceError {
        SourceError {
            path: shown(label),
            reason: reason.into(),
        }
    }
}

/// A label (a path, or a part within one) as reported: formatted only when
/// an error or oddity needs it, and escaped, file names being anyone's
/// choice.
fn shown(label: &dyn Display) -> String {
    crate::text::escape(&label.to_string())
}

/// Reads inputs and folds every report found into [`Aggregates`]. One
/// thread walks the paths and hands files out in batches while one
/// worker per core reads them; the workers' aggregates are merged at the
/// end.
pub struct Collector {
    pub agg: Aggregates,
    pub errors: Vec<SourceError>,
    pub oddities: Vec<(String, Oddity)>,
    pub files: usize,
    filter: Filter,
    progress: Option<Progress>,
    roots: Vec<PathBuf>,
}

/// Files handed to a worker at a time: enough to make the hand-over
/// cheap, few enough that the workers start while the walk goes on.
const BATCH: usize = 64;

impl Collector {
    pub fn new(filter: Filter, progress: Option<Progress>) -> Collector {
        Collector {
            agg: Aggregates::default(),
            errors: Vec::new(),
            oddities: Vec::new(),
            files: 0,
            filter,
            progress,
            roots: Vec::new(),
        }
    }

    /// A file, or a directory to walk recursively; read by [`finish`].
    ///
    /// [`finish`]: Collector::finish
    pub fn add_path(&mut self, path: &Path) {
        self.roots.push(path.to_path_buf());
    }

    /// Walks the paths and reads every file found, on all cores.
    pub fn finish(&mut self) {
        let roots = std::mem::take(&mut self.roots);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        let ids = Mutex::new(Seen::default());
        let hasher = RandomState::new();
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<PathBuf>>(threads * 4);
        // Only the workers hold the receiver: were they all gone, the walk
        // would get an error from send instead of waiting forever.
        let rx = Arc::new(Mutex::new(rx));
        let (walked, workers) = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    let rx = Arc::clone(&rx);
                    let (ids, hasher) = (&ids, &hasher);
                    let (filter, progress) = (&self.filter, self.progress.as_ref());
                    scope.spawn(move || {
                        let mut w = Worker::new(filter, ids, hasher, progress);
                        loop {
                            // The lock is held only while taking a batch.
                            let batch = match rx.lock() {
                                Ok(rx) => rx.recv(),
                                Err(poisoned) => poisoned.into_inner().recv(),
                            };
                            let Ok(batch) = batch else { break };
                            for path in &batch {
                                w.add_file(path);
                            }
                            if let Some(p) = progress {
                                p.read(batch.len());
                            }
                        }
                        w.into_parts()
                    })
                })
                .collect();
            drop(rx);
            let mut walk = Walk {
                tx,
                batch: Vec::with_capacity(BATCH),
                files: 0,
                errors: Vec::new(),
                progress: self.progress.as_ref(),
            };
            for root in &roots {
                walk.add_path(root);
            }
            let walked = walk.finish();
            let workers: Vec<Option<Parts>> = handles.into_iter().map(|h| h.join().ok()).collect();
            (walked, workers)
        });
        if let Some(p) = &self.progress {
            p.finish();
        }
        self.files += walked.0;
        self.errors.extend(walked.1);
        if workers.iter().any(Option::is_none) {
            self.errors.push(SourceError {
                path: "(reader thread)".into(),
                reason: "failed; the files it had read are not counted".into(),
            });
        }
        let workers = workers.into_iter().flatten();
        let mut errors = Bounded::default();
        let mut oddities = Bounded::default();
        for e in std::mem::take(&mut self.errors) {
            errors.push(e);
        }
        for w in workers {
            self.agg.merge(w.agg);
            errors.merge(w.errors);
            oddities.merge(w.oddities);
        }
        let notes = match ids.lock() {
            Ok(seen) => seen.notes(),
            Err(poisoned) => poisoned.into_inner().notes(),
        };
        for n in notes {
            oddities.push(n);
        }
        // Sorted, whichever worker read what.
        let (errors, more) = errors.into_sorted();
        self.errors = errors;
        if more {
            self.errors.push(SourceError {
                path: "…".into(),
                reason: format!("more unreadable inputs, past the first {MAX_LISTED} listed"),
            });
        }
        let (oddities, more) = oddities.into_sorted();
        self.oddities = oddities;
        if more {
            self.oddities.push((
                "…".into(),
                Oddity {
                    report_id: None,
                    note: format!("more notes, past the first {MAX_LISTED} listed"),
                },
            ));
        }
    }
}

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

/// Whether data starts like an mbox: a `From ` line, maybe after blank
/// lines.
fn is_mbox(data: &[u8]) -> bool {
    let start = data
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(data.len());
    data[start..].starts_with(b"From ")
}

/// Reports seen, by reporter and report-id (RFC 8460 §4.4: the id is
/// unique per reporter, not across reporters), and by content: a copy of
/// a report already counted is not counted again, but a different report
/// that reuses its id (a reporter's bug, or a forgery) is, so that which
/// one counts never depends on which a thread read first.
#[derive(Default)]
struct Seen {
    /// Hash of the key (reporter, id) → (content of the first copy read,
    /// copies read): some bytes per report, whatever its id's length.
    copies: HashMap<u64, (u64, u32)>,
    /// Further contents under a key already seen.
    variants: HashSet<(u64, u64)>,
    /// Keys read more than once: the key as text → its hash and the
    /// (organisation, id) as shown.
    repeated: BTreeMap<String, (u64, (String, String))>,
    /// Keys are hashed with a random key, so that ids cannot be made to
    /// collide.
    keys: RandomState,
}

impl Seen {
    /// Whether to count this report: the first time its content is seen
    /// under its key.
    fn count(&mut self, reporter: &str, organization: &str, id: &str, content: u64) -> bool {
        let key = self.keys.hash_one((reporter, id));
        let entry = self.copies.entry(key).or_insert((content, 0));
        entry.1 += 1;
        if entry.1 == 1 {
            return true;
        }
        let new = entry.0 != content && self.variants.insert((key, content));
        // The smallest spelling, whichever copy came first.
        let shown = (organization.to_string(), id.to_string());
        let text = format!("{reporter}\0{id}");
        match self.repeated.get_mut(&text) {
            Some((_, s)) if *s <= shown => {}
            Some((_, s)) => *s = shown,
            None => {
                self.repeated.insert(text, (key, shown));
            }
        }
        new
    }

    /// One note per report read more than once.
    fn notes(&self) -> Vec<(String, Oddity)> {
        let mut versions: HashMap<u64, u32> = HashMap::new();
        for (key, _) in &self.variants {
            *versions.entry(*key).or_insert(1) += 1;
        }
        self.repeated
            .values()
            .map(|(key, (organization, id))| {
                let n = self.copies.get(key).map_or(2, |c| c.1);
                let note = match versions.get(key) {
                    Some(v) => format!(
                        "read {n} times, in {v} different versions: each version counted (a reporter reusing an id, or a forgery)"
                    ),
                    None => format!("read {n} times; counted once"),
                };
                (
                    format!("report {id} from {organization}"),
                    Oddity {
                        report_id: Some(id.clone()),
                        note,
                    },
                )
            })
            .collect()
    }
}

/// Finding the files under the paths given, in batches for the workers.
struct Walk<'p> {
    tx: std::sync::mpsc::SyncSender<Vec<PathBuf>>,
    batch: Vec<PathBuf>,
    files: usize,
    errors: Vec<SourceError>,
    progress: Option<&'p Progress>,
}

impl Walk<'_> {
    fn error(&mut self, path: &Path, reason: impl Into<String>) {
        self.errors.push(SourceError::new(&path.display(), reason));
    }

    /// A path given on the command line: a file, or a directory walked
    /// recursively. Symbolic links are followed here, where the user named
    /// them, and not inside the walk, so that loops cannot trap it; a pipe
    /// the user names (`<(zcat …)`) is read like a file.
    fn add_path(&mut self, path: &Path) {
        match std::fs::metadata(path) {
            Err(e) => self.error(path, e.to_string()),
            Ok(m) if m.is_dir() => self.add_dir(path.to_path_buf()),
            Ok(_) => self.push(path.to_path_buf()),
        }
    }

    /// Files are handed out in the order the directory lists them (workers
    /// finish them out of order anyway, and the results are sorted);
    /// subdirectories are walked after the listing is closed, so that deep
    /// trees do not hold one open directory per level.
    fn add_dir(&mut self, path: PathBuf) {
        let entries = match std::fs::read_dir(&path) {
            Ok(rd) => rd,
            Err(e) => return self.error(&path, e.to_string()),
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
                Err(e) => self.error(&path, e.to_string()),
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
            self.push(f);
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
                    self.error(path, e.to_string());
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
            self.error(path, "not a regular file or a directory; skipped");
        }
        false
    }

    fn push(&mut self, path: PathBuf) {
        self.files += 1;
        if let Some(p) = self.progress {
            p.found(self.files);
        }
        self.batch.push(path);
        if self.batch.len() == BATCH {
            self.send();
        }
    }

    fn send(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        // Fails only when every worker is gone; what they did is kept.
        let _ = self.tx.send(batch);
    }

    /// Hands out the last batch and closes the queue: (files, errors).
    fn finish(mut self) -> (usize, Vec<SourceError>) {
        if !self.batch.is_empty() {
            self.send();
        }
        if let Some(p) = self.progress {
            p.walked(self.files);
        }
        (self.files, self.errors)
    }
}

/// Most errors and notes kept: an archive of a million reports from a
/// reporter that writes every date without a zone, or a mail of a million
/// broken parts, must not produce a million lines.
const MAX_LISTED: usize = 10_000;

/// A set that keeps its [`MAX_LISTED`] smallest entries, and whether it
/// had to leave any out: the same whichever thread offered what first.
struct Bounded<T: Ord> {
    kept: BTreeSet<T>,
    truncated: bool,
}

impl<T: Ord> Default for Bounded<T> {
    fn default() -> Self {
        Bounded {
            kept: BTreeSet::new(),
            truncated: false,
        }
    }
}

impl<T: Ord> Bounded<T> {
    fn push(&mut self, t: T) {
        if self.kept.len() < MAX_LISTED {
            self.kept.insert(t);
        } else if self.kept.last().is_some_and(|last| t < *last) {
            if self.kept.insert(t) {
                self.kept.pop_last();
                self.truncated = true;
            }
        } else if !self.kept.contains(&t) {
            self.truncated = true;
        }
    }

    fn merge(&mut self, other: Bounded<T>) {
        self.truncated |= other.truncated;
        for t in other.kept {
            self.push(t);
        }
    }

    /// The entries in order, and whether some were left out.
    fn into_sorted(self) -> (Vec<T>, bool) {
        (self.kept.into_iter().collect(), self.truncated)
    }
}

/// One thread's share of the reading.
struct Worker<'a> {
    agg: Aggregates,
    errors: Bounded<SourceError>,
    oddities: Bounded<(String, Oddity)>,
    filter: &'a Filter,
    /// Reports seen by any worker, for deduplication.
    ids: &'a Mutex<Seen>,
    /// How reports' contents are hashed: the same for every worker, with
    /// a random key, so that a forged report cannot be made to collide.
    hasher: &'a RandomState,
    /// File contents, reused from file to file.
    buf: Vec<u8>,
    /// Decompressed reports, reused likewise.
    unzipped: Vec<u8>,
    progress: Option<&'a Progress>,
    /// What is left of [`MAX_OUTPUT`] for the file being read.
    left: usize,
}

/// A buffer to reuse for the next file, unless an outsized input grew it:
/// memory stays flat after a large mbox or a gzip bomb.
fn keep(mut buf: Vec<u8>) -> Vec<u8> {
    if buf.capacity() > 1 << 20 {
        buf = Vec::new();
    }
    buf
}

/// What a worker hands back.
struct Parts {
    agg: Aggregates,
    errors: Bounded<SourceError>,
    oddities: Bounded<(String, Oddity)>,
}

impl<'a> Worker<'a> {
    fn new(
        filter: &'a Filter,
        ids: &'a Mutex<Seen>,
        hasher: &'a RandomState,
        progress: Option<&'a Progress>,
    ) -> Worker<'a> {
        Worker {
            agg: Aggregates::default(),
            errors: Bounded::default(),
            oddities: Bounded::default(),
            filter,
            ids,
            hasher,
            buf: Vec::new(),
            unzipped: Vec::new(),
            progress,
            left: MAX_OUTPUT,
        }
    }

    fn into_parts(self) -> Parts {
        Parts {
            agg: self.agg,
            errors: self.errors,
            oddities: self.oddities,
        }
    }

    fn error(&mut self, label: &dyn Display, reason: impl Into<String>) {
        self.errors.push(SourceError::new(label, reason));
    }

    /// True the first time this organisation's report `id` is seen by
    /// any worker.
    fn first_time(&self, report: &parse::Report<'_>, reporter: &str, id: &str) -> bool {
        // Hashed outside the lock; with one key for all workers.
        let content = self.hasher.hash_one(report);
        let mut seen = match self.ids.lock() {
            Ok(seen) => seen,
            Err(poisoned) => poisoned.into_inner(),
        };
        seen.count(reporter, &report.organization, id, content)
    }

    fn add_file(&mut self, path: &Path) {
        self.left = MAX_OUTPUT;
        let label = path.display();
        let mut f = match File::open(path) {
            Ok(f) => f,
            Err(e) => return self.error(&label, e.to_string()),
        };
        // Read with plain read calls into a buffer kept across files:
        // read_to_end and metadata would each add a statx per report.
        let mut data = std::mem::take(&mut self.buf);
        let mut filled = 0;
        let mut result = Ok(());
        loop {
            if filled == data.len() {
                if filled as u64 > MAX_FILE {
                    result = Err(format!("larger than {} MiB; not a report", MAX_FILE >> 20));
                    break;
                }
                // One byte past the limit tells a file over it.
                let next = (data.len() * 2).clamp(16 * 1024, MAX_FILE as usize + 1);
                data.resize(next, 0);
            }
            match f.read(&mut data[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    result = Err(e.to_string());
                    break;
                }
            }
            if is_mbox(&data[..filled]) {
                result = Err(String::new());
                break;
            }
        }
        match result {
            Err(why) if why.is_empty() => match f.seek(std::io::SeekFrom::Start(0)) {
                Ok(_) => self.add_mbox(&label, BufReader::new(f), 0),
                Err(e) => self.error(&label, e.to_string()),
            },
            Err(why) => self.error(&label, why),
            Ok(()) => self.add_bytes(&label, &data[..filled], 0),
        }
        self.buf = keep(data);
    }

    fn add_bytes(&mut self, label: &dyn Display, bytes: &[u8], depth: u8) {
        if depth > 3 {
            return self.error(label, "reports nested too deeply");
        }
        if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut out = std::mem::take(&mut self.unzipped);
            let cap = (MAX_REPORT as usize).min(self.left);
            match gunzip(bytes, cap, &mut out) {
                Ok(n) => {
                    self.left -= n;
                    self.add_bytes(label, &out[..n], depth + 1)
                }
                Err(Gunzip::TooLarge) if cap < MAX_REPORT as usize => self.error(
                    label,
                    format!(
                        "with the reports before it in the same file, decompresses to more than {} MiB; skipped",
                        MAX_OUTPUT >> 20
                    ),
                ),
                Err(Gunzip::TooLarge) => self.error(
                    label,
                    format!(
                        "decompresses to more than {} MiB (a gzip bomb?); skipped",
                        MAX_REPORT >> 20
                    ),
                ),
                Err(Gunzip::Broken(why)) => self.error(label, format!("broken gzip data: {why}")),
            }
            self.unzipped = keep(out);
            return;
        }
        let trimmed = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map_or(&[][..], |i| &bytes[i..]);
        if trimmed.starts_with(b"{") {
            return self.add_json(label, trimmed);
        }
        if trimmed.is_empty() {
            return self.error(label, "empty");
        }
        // An mbox that was compressed whole.
        if depth > 0 && trimmed.starts_with(b"From ") {
            return self.add_mbox(label, bytes, depth);
        }
        self.add_message(label, bytes, depth)
    }

    /// A report, counted unless the same organisation's report of the
    /// same id was already counted. What is odd about it is noted either
    /// way, so that the notes do not depend on which copy came first.
    fn add_json(&mut self, label: &dyn Display, bytes: &[u8]) {
        match parse::parse(bytes, self.filter.now) {
            Ok((report, odd)) => {
                if !odd.is_empty() {
                    let label = shown(label);
                    for o in odd {
                        self.oddities.push((label.clone(), o));
                    }
                }
                // Keyed once, for deduplication and for the summary.
                let reporter = reporter_key(&report.organization);
                match report.report_id.as_deref() {
                    Some(id) if !self.first_time(&report, &reporter, id) => {
                        self.agg.duplicates += 1;
                    }
                    _ => self.agg.add(report, &reporter, self.filter),
                }
            }
            Err(reason) => self.error(label, reason),
        }
    }

    /// A MIME message: every part that is a TLS-RPT report (RFC 8460 §5.3:
    /// `application/tlsrpt+gzip` or `+json`; reporters also use
    /// `application/gzip` or `application/json` with a report file name).
    fn add_message(&mut self, label: &dyn Display, bytes: &[u8], depth: u8) {
        // A report mail is kilobytes with a handful of parts: a message of
        // millions of parts would take gigabytes to parse.
        if bytes.len() > MAX_MESSAGE {
            return self.error(
                label,
                format!(
                    "a message larger than {} MiB; not a report mail",
                    MAX_MESSAGE >> 20
                ),
            );
        }
        if bytes
            .split(|&b| b == b'\n')
            .filter(|line| line.starts_with(b"--"))
            .nth(MAX_PARTS)
            .is_some()
        {
            return self.error(
                label,
                format!("a message of more than {MAX_PARTS} MIME parts; not a report mail"),
            );
        }
        let Some(message) = MessageParser::default().parse(bytes) else {
            return self.error(label, "neither a JSON report, gzip data nor a mail message");
        };
        let mut found = 0;
        let mut reports = Vec::new();
        for part in &message.parts {
            let ct = part.content_type();
            let ctype = ct
                .map(|c| {
                    format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default())
                        .to_ascii_lowercase()
                })
                .unwrap_or_default();
            // Names label every note about the report: a sensible length.
            let name: String = part
                .attachment_name()
                .unwrap_or_default()
                .to_ascii_lowercase()
                .chars()
                .take(200)
                .collect();
            let is_report = ctype.starts_with("application/tlsrpt")
                || ((ctype == "application/gzip"
                    || ctype == "application/x-gzip"
                    || ctype == "application/json"
                    || ctype == "application/octet-stream")
                    && (name.ends_with(".json")
                        || name.ends_with(".json.gz")
                        || name.ends_with(".gz")));
            if is_report {
                found += 1;
                let shown = if name.is_empty() {
                    format!("{label} (part {found})")
                } else {
                    format!("{label}: {name}")
                };
                reports.push((shown, part.contents().to_vec()));
            }
        }
        if found == 0 {
            return self.error(
                label,
                "a mail message without an application/tlsrpt+gzip or +json part",
            );
        }
        for (shown, contents) in reports {
            self.add_bytes(&shown, &contents, depth + 1);
        }
    }

    /// An mbox, streamed one message at a time (mboxo/mboxrd `From `
    /// separators).
    fn add_mbox(&mut self, label: &dyn Display, mut reader: impl BufRead, depth: u8) {
        let mut message: Vec<u8> = Vec::new();
        let mut line = Vec::new();
        let mut index = 0usize;
        let mut oversized = false;
        // Lines are read in bounded pieces; only a piece that starts a line
        // can be a `From ` separator.
        let mut at_line_start = true;
        loop {
            line.clear();
            let n = match (&mut reader).take(MAX_PIECE).read_until(b'\n', &mut line) {
                Ok(n) => n,
                Err(e) => {
                    self.error(label, e.to_string());
                    break;
                }
            };
            let boundary = n == 0 || (at_line_start && line.starts_with(b"From "));
            at_line_start = line.ends_with(b"\n");
            if boundary {
                if let Some(p) = self.progress {
                    p.read(0);
                }
                if index > 0 {
                    let shown = format!("{label} (message {index})");
                    if oversized {
                        self.error(
                            &shown,
                            format!("message larger than {} MiB; skipped", MAX_MESSAGE >> 20),
                        );
                    } else {
                        let body = std::mem::take(&mut message);
                        // A message of an mbox on disk has the budget of a
                        // file; one inside a compressed mbox shares its file's.
                        if depth == 0 {
                            self.left = MAX_OUTPUT;
                        }
                        self.add_message(&shown, &body, depth);
                    }
                }
                message.clear();
                oversized = false;
                index += 1;
                if n == 0 {
                    break;
                }
                continue;
            }
            if message.len() + line.len() > MAX_MESSAGE {
                oversized = true;
                continue;
            }
            // mboxrd: ">From " lines were escaped on the way in.
            if line.starts_with(b">")
                && line
                    .iter()
                    .skip_while(|&&b| b == b'>')
                    .take(5)
                    .eq(b"From ".iter())
            {
                message.extend_from_slice(&line[1..]);
            } else {
                message.extend_from_slice(&line);
            }
        }
    }
}
