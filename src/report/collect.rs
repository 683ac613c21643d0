//! Reading every report under the paths given, on all cores, into
//! [`Aggregates`]: one thread walks the paths ([`super::walk`]) and hands
//! files out in batches while one worker per core reads them, opens their
//! containers ([`super::containers`]), parses the reports
//! ([`super::parse`]), drops copies ([`super::dedup`]) and folds the rest
//! in. The workers' aggregates are merged at the end; errors and notes
//! are sorted, so the result is the same whichever thread read what.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::hash::{BuildHasher, RandomState};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::aggregate::{Aggregates, Filter, reporter_key};
use super::containers::gzip::{Gunzip, gunzip};
use super::containers::mbox::{MAX_MESSAGE, Messages, is_mbox};
use super::containers::mime::{self, MAX_PARTS, NoReport};
use super::containers::{Content, sniff};
use super::dedup::Seen;
use super::dkim::{self, Verifier};
use super::notes::{Note, NoteGroup, NoteGroups, Oddity};
use super::parse;
use super::progress::Progress;
use super::source::{Problem, SourceError};
use super::walk::{Body, FileContent, Input, Message, MessageKey, MessageSource, Walk, read_file};

/// Largest decompressed report: real ones are kilobytes; a gzip bomb stops here.
const MAX_REPORT: usize = 16 * 1024 * 1024;
/// Most bytes decompressed from one file (one mbox message): a message
/// of many small gzip parts must not make gigabytes of work either.
const MAX_OUTPUT: usize = 64 * 1024 * 1024;
/// Containers inside containers (a gzip in a message in a gzip…) read.
const MAX_DEPTH: u8 = 3;

/// A label (a path, or a part within one) as reported: formatted only when
/// an error or oddity needs it, and escaped, file names being anyone's
/// choice.
fn shown(label: &dyn Display) -> String {
    crate::text::escape(&label.to_string())
}

/// What reading the inputs gave.
#[derive(Debug, Default)]
pub struct Collected {
    pub agg: Aggregates,
    /// Files found (a Maildir message, an mbox: one file each).
    pub files: usize,
    /// Inputs that could not be used, sorted.
    pub errors: Vec<SourceError>,
    /// Notes about reports that were used, by where they were read, sorted.
    pub oddities: Vec<(String, Oddity)>,
    /// The notes counted by reporter and kind, each report once (not its
    /// copies), in the order they are shown.
    pub note_groups: Vec<NoteGroup>,
    /// Reports' notes past the groups kept.
    pub notes_left_out: u64,
    /// The messages of [`MessageSource`]s read as reports: each gave at
    /// least one report and no error. Sorted.
    pub messages_read: Vec<MessageKey>,
    /// How the reports fared against their DKIM signatures.
    pub trust: Trust,
}

/// How the reports read fared against RFC 8460 §3 (see [`dkim`]), each
/// copy of a report counted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Trust {
    /// Reports from mail whose reporting domain's signature verified.
    pub verified: u64,
    /// Reports from mail counted without a look at their signatures
    /// (`--trust-unsigned`).
    pub unchecked: u64,
    /// Reports read from files, not mail: nothing to verify; counted.
    pub from_files: u64,
    /// Reports from mail that do not count, and why; sorted, at most
    /// [`MAX_LISTED`] of them.
    pub ignored: Vec<Ignored>,
    /// Reports ignored, including any past the list.
    pub ignored_total: u64,
}

/// A report from mail left out of the verdict.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ignored {
    /// Where it was read (escaped).
    pub source: String,
    pub reporter: String,
    pub report_id: Option<String>,
    pub why: dkim::Untrusted,
}

/// Files handed to a worker at a time: enough to make the hand-over
/// cheap, few enough that the workers start while the walk goes on.
pub const BATCH: usize = 64;

/// Reads every report in `paths` (files, or directories walked
/// recursively) that `filter` lets through, on all cores. Reports from
/// mail count only when `verifier` finds their reporting domain's DKIM
/// signature; without a verifier (`--trust-unsigned`), they all count.
pub fn collect(
    paths: &[PathBuf],
    filter: &Filter,
    verifier: Option<&Verifier>,
    progress: Option<&Progress>,
) -> Collected {
    collect_from(paths, &mut [], filter, verifier, progress)
}

/// [`collect`], and the messages of `sources` after the paths, read the
/// same way as files (their DKIM signatures verified as theirs).
pub fn collect_from(
    paths: &[PathBuf],
    sources: &mut [&mut dyn MessageSource],
    filter: &Filter,
    verifier: Option<&Verifier>,
    progress: Option<&Progress>,
) -> Collected {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let ids = Mutex::new(Seen::default());
    let hasher = RandomState::new();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Input>>(threads * 4);
    // Only the workers hold the receiver: were they all gone, the walk
    // would get an error from send instead of waiting forever.
    let rx = Arc::new(Mutex::new(rx));
    let ((files, walk_errors), workers) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let rx = Arc::clone(&rx);
                let (ids, hasher) = (&ids, &hasher);
                scope.spawn(move || {
                    let mut w = Worker::new(filter, ids, hasher, verifier, progress);
                    loop {
                        // The lock is held only while taking a batch.
                        let batch = match rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        let Ok(batch) = batch else { break };
                        for input in &batch {
                            match input {
                                Input::File(path) => w.add_file(path),
                                Input::Message(m) => w.add_source_message(m),
                            }
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
        let mut walk = Walk::new(tx, progress);
        for root in paths {
            walk.add_path(root);
        }
        for source in sources.iter_mut() {
            source.feed(&mut walk);
        }
        let walked = walk.finish();
        let workers: Vec<Option<Parts>> = handles.into_iter().map(|h| h.join().ok()).collect();
        (walked, workers)
    });
    if let Some(p) = progress {
        p.finish();
    }
    gather(files, walk_errors, workers, &ids)
}

/// Reads one file's contents, already in memory, as [`collect`] reads a
/// file (the same containers, budgets, parsing and deduplication), on this
/// thread: the fuzz targets drive the whole reading of a file through it,
/// without a file system (nor a network: reports from mail count
/// unverified, as with `--trust-unsigned`).
pub(crate) fn collect_bytes(label: &str, bytes: &[u8], filter: &Filter) -> Collected {
    let ids = Mutex::new(Seen::default());
    let hasher = RandomState::new();
    let mut w = Worker::new(filter, &ids, &hasher, None, None);
    // As `read_file` hands a file over: an mbox message by message.
    if is_mbox(bytes) {
        w.add_mbox(&label, bytes, 0);
    } else {
        w.add_bytes(&label, bytes, 0);
    }
    gather(1, Vec::new(), vec![Some(w.into_parts())], &ids)
}

/// The workers' shares merged with the walk's errors and the notes of
/// deduplication, sorted.
fn gather(
    files: usize,
    walk_errors: Vec<SourceError>,
    workers: Vec<Option<Parts>>,
    ids: &Mutex<Seen>,
) -> Collected {
    let mut agg = Aggregates::default();
    let mut errors = Bounded::default();
    let mut oddities = Bounded::default();
    let mut groups = NoteGroups::default();
    let mut ignored = Bounded::default();
    let mut trust = Trust::default();
    let mut messages_read = Vec::new();
    for e in walk_errors {
        errors.push(e);
    }
    if workers.iter().any(Option::is_none) {
        errors.push(SourceError {
            path: "(reader thread)".into(),
            problem: Problem::ReaderFailed,
        });
    }
    for w in workers.into_iter().flatten() {
        agg.merge(w.agg);
        errors.merge(w.errors);
        oddities.merge(w.oddities);
        groups.merge(w.groups);
        ignored.merge(w.ignored);
        trust.verified += w.trust.verified;
        trust.unchecked += w.trust.unchecked;
        trust.from_files += w.trust.from_files;
        trust.ignored_total += w.trust.ignored_total;
        messages_read.extend(w.messages_read);
    }
    (trust.ignored, _) = ignored.into_sorted();
    messages_read.sort_unstable();
    let notes = match ids.lock() {
        Ok(seen) => seen.notes(),
        Err(poisoned) => poisoned.into_inner().notes(),
    };
    for n in notes {
        groups.add(std::slice::from_ref(&n.1));
        oddities.push(n);
    }
    // Sorted, whichever worker read what.
    let (mut errors, more) = errors.into_sorted();
    if more {
        errors.push(SourceError {
            path: "…".into(),
            problem: Problem::MoreErrors { listed: MAX_LISTED },
        });
    }
    let (mut oddities, more) = oddities.into_sorted();
    if more {
        oddities.push((
            "…".into(),
            Oddity {
                reporter: String::new(),
                report_id: None,
                note: Note::MoreListed { listed: MAX_LISTED },
            },
        ));
    }
    let (note_groups, notes_left_out) = groups.into_sorted();
    Collected {
        agg,
        files,
        errors,
        oddities,
        note_groups,
        notes_left_out,
        trust,
        messages_read,
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
    groups: NoteGroups,
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
    /// Policies already read.
    policy_keys: parse::PolicyKeys,
    progress: Option<&'a Progress>,
    /// What is left of [`MAX_OUTPUT`] for the file being read.
    left: usize,
    /// Inputs found unusable, and reports read, so far: whether one
    /// message was read as a report is told by their change.
    failures: usize,
    reports: usize,
    messages_read: Vec<MessageKey>,
    /// Checks the signatures of mail; `None`: `--trust-unsigned`.
    verifier: Option<&'a Verifier>,
    /// Where the report being read came from.
    origin: Origin,
    trust: Trust,
    ignored: Bounded<Ignored>,
}

/// Where a report was read: a file, or (however deep in containers) a
/// mail message, with its verified signatures.
enum Origin {
    File,
    /// `None`: not verified (`--trust-unsigned`).
    Mail(Option<Vec<dkim::Signature>>),
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
    groups: NoteGroups,
    trust: Trust,
    ignored: Bounded<Ignored>,
    messages_read: Vec<MessageKey>,
}

impl<'a> Worker<'a> {
    fn new(
        filter: &'a Filter,
        ids: &'a Mutex<Seen>,
        hasher: &'a RandomState,
        verifier: Option<&'a Verifier>,
        progress: Option<&'a Progress>,
    ) -> Worker<'a> {
        Worker {
            agg: Aggregates::default(),
            errors: Bounded::default(),
            oddities: Bounded::default(),
            groups: NoteGroups::default(),
            filter,
            ids,
            hasher,
            buf: Vec::new(),
            unzipped: Vec::new(),
            policy_keys: parse::PolicyKeys::default(),
            progress,
            left: MAX_OUTPUT,
            verifier,
            origin: Origin::File,
            trust: Trust::default(),
            ignored: Bounded::default(),
            failures: 0,
            reports: 0,
            messages_read: Vec::new(),
        }
    }

    fn into_parts(self) -> Parts {
        Parts {
            agg: self.agg,
            errors: self.errors,
            oddities: self.oddities,
            groups: self.groups,
            trust: self.trust,
            ignored: self.ignored,
            messages_read: self.messages_read,
        }
    }

    fn error(&mut self, label: &dyn Display, problem: Problem) {
        self.failures += 1;
        self.errors.push(SourceError {
            path: shown(label),
            problem,
        });
    }

    /// True the first time this report is seen by any worker: the first
    /// time its content is seen under this organisation's report-id, or,
    /// without one, from this organisation.
    fn first_time(&self, report: &parse::Report<'_>, reporter: &str) -> bool {
        // Hashed outside the lock; with one key for all workers.
        let content = self.hasher.hash_one(report);
        let mut seen = match self.ids.lock() {
            Ok(seen) => seen,
            Err(poisoned) => poisoned.into_inner(),
        };
        seen.count(
            reporter,
            &report.organization,
            report.report_id.as_deref(),
            content,
        )
    }

    fn add_file(&mut self, path: &Path) {
        self.left = MAX_OUTPUT;
        let label = path.display();
        let mut data = std::mem::take(&mut self.buf);
        match read_file(path, &mut data) {
            Ok(FileContent::Whole(n)) => self.add_bytes(&label, &data[..n], 0),
            Ok(FileContent::Mbox(reader)) => self.add_mbox(&label, reader, 0),
            Err(problem) => self.error(&label, problem),
        }
        self.buf = keep(data);
    }

    /// A message of a [`MessageSource`]: read exactly as a file of a
    /// Maildir is, from its raw bytes, and remembered when it was read as
    /// a report.
    fn add_source_message(&mut self, m: &Message) {
        self.left = MAX_OUTPUT;
        let (failures, reports) = (self.failures, self.reports);
        match &m.body {
            Body::Whole(bytes) => self.add_bytes(&m.label, bytes, 0),
            Body::Parts(entities) => {
                let parts = mime::report_parts_of_entities(entities);
                // Parts alone carry no signature that could be verified:
                // a source fetches them only under `--trust-unsigned`,
                // and otherwise they would count as unsigned.
                let signatures = self.verifier.map(|_| Vec::new());
                self.add_parts(&m.label, parts, signatures, 0);
            }
        }
        if self.failures == failures && self.reports > reports {
            self.messages_read.push(m.key);
        }
    }

    fn add_bytes(&mut self, label: &dyn Display, bytes: &[u8], depth: u8) {
        if depth > MAX_DEPTH {
            return self.error(label, Problem::NestedTooDeeply);
        }
        match sniff(bytes, depth > 0) {
            Content::Gzip => self.add_gzip(label, bytes, depth),
            Content::Json(json) => self.add_json(label, json),
            Content::Empty => self.error(label, Problem::Empty),
            Content::Mbox => self.add_mbox(label, bytes, depth),
            Content::Message => self.add_message(label, bytes, depth),
        }
    }

    fn add_gzip(&mut self, label: &dyn Display, bytes: &[u8], depth: u8) {
        let mut out = std::mem::take(&mut self.unzipped);
        let cap = MAX_REPORT.min(self.left);
        match gunzip(bytes, cap, &mut out) {
            Ok(n) => {
                self.left -= n;
                self.add_bytes(label, &out[..n], depth + 1)
            }
            Err(Gunzip::TooLarge) if cap < MAX_REPORT => self.error(
                label,
                Problem::FileDecompressesTooLarge {
                    limit_mib: MAX_OUTPUT >> 20,
                },
            ),
            Err(Gunzip::TooLarge) => self.error(
                label,
                Problem::GzipBomb {
                    limit_mib: MAX_REPORT >> 20,
                },
            ),
            Err(Gunzip::Broken(why)) => self.error(label, Problem::BrokenGzip(why)),
        }
        self.unzipped = keep(out);
    }

    /// A report, counted unless a copy of it was already counted. What is
    /// odd about it is listed for every copy, so that the list does not
    /// depend on which copy came first, and counted in the groups for the
    /// copy counted.
    fn add_json(&mut self, label: &dyn Display, bytes: &[u8]) {
        match parse::parse_with(bytes, self.filter.now, &mut self.policy_keys) {
            Ok((report, odd)) => {
                // Judged before deduplication: a forged copy must not
                // stand in for the real report.
                if !self.trusted(label, &report) {
                    return;
                }
                self.reports += 1;
                // Keyed once, for deduplication and for the summary.
                let reporter = reporter_key(&report.organization);
                if self.first_time(&report, &reporter) {
                    self.groups.add(&odd);
                    self.agg.add(report, &reporter, self.filter);
                } else {
                    self.agg.duplicates += 1;
                }
                if !odd.is_empty() {
                    let label = shown(label);
                    for o in odd {
                        self.oddities.push((label.clone(), o));
                    }
                }
            }
            Err(e) => self.error(label, Problem::NotAReport(e)),
        }
    }

    /// Whether a report counts (RFC 8460 §3, see [`dkim`]): one from a
    /// file always, one from mail when its reporting domain signed it;
    /// counted in the tally either way.
    fn trusted(&mut self, label: &dyn Display, report: &parse::Report<'_>) -> bool {
        let signatures = match &self.origin {
            Origin::File => {
                self.trust.from_files += 1;
                return true;
            }
            Origin::Mail(None) => {
                self.trust.unchecked += 1;
                return true;
            }
            Origin::Mail(Some(signatures)) => signatures,
        };
        match dkim::judge(signatures, report.reporting_domain.as_deref()) {
            Ok(()) => {
                self.trust.verified += 1;
                true
            }
            Err(why) => {
                self.trust.ignored_total += 1;
                self.ignored.push(Ignored {
                    source: shown(label),
                    reporter: report.organization.to_string(),
                    report_id: report.report_id.as_deref().map(str::to_string),
                    why,
                });
                false
            }
        }
    }

    /// A mail message: every part that is a report, each judged against
    /// the message's DKIM signatures.
    fn add_message(&mut self, label: &dyn Display, bytes: &[u8], depth: u8) {
        let parts = mime::report_parts(bytes);
        // Verified only once the message is known to hold a report.
        let signatures = match (&parts, self.verifier) {
            (Ok(_), Some(v)) => Some(v.signatures(bytes)),
            _ => None,
        };
        self.add_parts(label, parts, signatures, depth);
    }

    /// The report parts of a message (or why it has none), read with its
    /// signatures (`None`: not verified).
    fn add_parts(
        &mut self,
        label: &dyn Display,
        parts: Result<Vec<mime::Part>, NoReport>,
        signatures: Option<Vec<dkim::Signature>>,
        depth: u8,
    ) {
        let parts = match parts {
            Ok(parts) => parts,
            Err(why) => {
                let problem = match why {
                    NoReport::TooLarge => Problem::MessageTooLarge {
                        limit_mib: MAX_MESSAGE >> 20,
                        in_mbox: false,
                    },
                    NoReport::TooManyParts => Problem::TooManyParts { limit: MAX_PARTS },
                    NoReport::NotAMessage => Problem::Unrecognised,
                    NoReport::NoReportPart => Problem::NoReportPart,
                };
                return self.error(label, problem);
            }
        };
        let outer = std::mem::replace(&mut self.origin, Origin::Mail(signatures));
        for (i, part) in parts.iter().enumerate() {
            let shown = if part.name.is_empty() {
                format!("{label} (part {})", i + 1)
            } else {
                format!("{label}: {}", part.name)
            };
            self.add_bytes(&shown, &part.contents, depth + 1);
        }
        self.origin = outer;
    }

    /// An mbox, one message at a time.
    fn add_mbox(&mut self, label: &dyn Display, reader: impl BufRead, depth: u8) {
        for message in Messages::new(reader) {
            if let Some(p) = self.progress {
                p.read(0);
            }
            let message = match message {
                Ok(m) => m,
                Err(e) => return self.error(label, Problem::Io(e.to_string())),
            };
            let shown = format!("{label} (message {})", message.index);
            match message.body {
                None => self.error(
                    &shown,
                    Problem::MessageTooLarge {
                        limit_mib: MAX_MESSAGE >> 20,
                        in_mbox: true,
                    },
                ),
                Some(body) => {
                    // A message of an mbox on disk has the budget of a
                    // file; one inside a compressed mbox shares its file's.
                    if depth == 0 {
                        self.left = MAX_OUTPUT;
                    }
                    self.add_message(&shown, &body, depth);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::report::dkim::{Check, Signature, Untrusted};

    const REPORT: &str = r#"{"organization-name": "Google", "report-id": "r1",
      "contact-info": "smtp-tls-reporting@google.com",
      "date-range": {"start-datetime": "2026-11-01T00:00:00Z", "end-datetime": "2026-11-01T23:59:59Z"},
      "policies": [{"policy": {"policy-type": "sts", "policy-domain": "example.test"},
                    "summary": {"total-successful-session-count": 10, "total-failure-session-count": 0}}]}"#;

    /// What one report read from `origin` does to the tally.
    fn read_from(origin: Origin) -> Parts {
        let filter = Filter {
            domain: None,
            since: None,
            now: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
        };
        let ids = Mutex::new(Seen::default());
        let hasher = RandomState::new();
        let mut w = Worker::new(&filter, &ids, &hasher, None, None);
        w.origin = origin;
        w.add_json(&"mail.eml: r1.json", REPORT.as_bytes());
        w.into_parts()
    }

    fn signed(domain: &str, check: Check) -> Origin {
        Origin::Mail(Some(vec![Signature {
            domain: Some(domain.into()),
            check,
        }]))
    }

    #[test]
    fn reports_from_mail_count_only_when_their_reporting_domain_signed_them() {
        let p = read_from(signed("google.com", Check::Pass));
        assert_eq!((p.agg.reports, p.trust.verified), (1, 1));
        assert!(p.ignored.kept.is_empty());

        for (origin, code) in [
            (Origin::Mail(Some(Vec::new())), "no-signature"),
            (signed("evil.test", Check::Pass), "wrong-domain"),
            (signed("google.com", Check::BodyLength), "body-length"),
            (
                signed("google.com", Check::Bad("bh".into())),
                "bad-signature",
            ),
            (
                signed("google.com", Check::NoKey("k".into())),
                "key-not-found",
            ),
            (signed("google.com", Check::Dns("t".into())), "dns-error"),
        ] {
            let p = read_from(origin);
            assert_eq!(p.agg.reports, 0, "{code}: not counted");
            assert_eq!(p.trust.ignored_total, 1);
            let ignored: Vec<&Ignored> = p.ignored.kept.iter().collect();
            assert_eq!(ignored.len(), 1);
            assert_eq!(ignored[0].why.code(), code);
            assert_eq!(
                (ignored[0].source.as_str(), ignored[0].reporter.as_str()),
                ("mail.eml: r1.json", "Google")
            );
            assert_eq!(ignored[0].report_id.as_deref(), Some("r1"));
        }
        assert!(matches!(
            read_from(signed("x.test", Check::Pass)).ignored.kept.first().map(|i| &i.why),
            Some(Untrusted::WrongDomain { reporting, .. }) if reporting == "google.com"
        ));
    }

    #[test]
    fn reports_from_files_and_vouched_for_mail_count() {
        let p = read_from(Origin::File);
        assert_eq!((p.agg.reports, p.trust.from_files), (1, 1));
        let p = read_from(Origin::Mail(None));
        assert_eq!((p.agg.reports, p.trust.unchecked), (1, 1));
        assert_eq!(p.trust.ignored_total, 0);
    }

    /// Messages handed to the walk from memory.
    struct Fixed(Vec<(u32, Vec<u8>)>);

    impl MessageSource for Fixed {
        fn feed(&mut self, walk: &mut Walk<'_>) {
            for (uid, bytes) in self.0.drain(..) {
                let key = MessageKey { source: 0, uid };
                walk.add_message(format!("mem UID {uid}"), key, Body::Whole(bytes));
            }
        }
    }

    fn report(org: &str) -> String {
        format!(
            r#"{{"organization-name": "{org}", "report-id": "{org}-1",
            "date-range": {{"start-datetime": "2026-11-01T00:00:00Z", "end-datetime": "2026-11-01T23:59:59Z"}},
            "policies": [{{"policy": {{"policy-type": "sts", "policy-domain": "example.test"}},
            "summary": {{"total-successful-session-count": 5, "total-failure-session-count": 0}}}}]}}"#
        )
    }

    fn mail(parts: &[&str]) -> Vec<u8> {
        let mut m = String::from(
            "From: r@reporter.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=tlsrpt; boundary=\"b\"\r\n\r\n",
        );
        for p in parts {
            m.push_str(&format!(
                "--b\r\nContent-Type: application/tlsrpt+json\r\n\r\n{p}\r\n"
            ));
        }
        m.push_str("--b--\r\n");
        m.into_bytes()
    }

    #[test]
    fn a_message_is_read_as_a_report_only_when_all_of_it_is() {
        let filter = Filter {
            domain: None,
            since: None,
            now: chrono::DateTime::parse_from_rfc3339("2026-11-20T00:00:00Z")
                .unwrap()
                .into(),
        };
        let mut source = Fixed(vec![
            (1, mail(&[&report("A")])),
            (2, mail(&[&report("B"), "{\"broken\": "])),
            (3, b"From: x@y.test\r\n\r\nhello\r\n".to_vec()),
            (4, mail(&[&report("A")])),
        ]);
        let got = collect_from(&[], &mut [&mut source], &filter, None, None);
        assert_eq!(got.files, 4);
        assert_eq!(got.errors.len(), 2, "{:?}", got.errors);
        assert_eq!(got.agg.duplicates, 1);
        let uids: Vec<u32> = got.messages_read.iter().map(|k| k.uid).collect();
        assert_eq!(uids, [1, 4], "a copy of a report is still a report read");
    }
}
