//! Finding reports in what admins have: `.json`, `.json.gz`, whole
//! messages (`.eml`), mbox files, Maildir folders and directories of
//! these. Containers are recognised by content, not by name.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use mail_parser::{MessageParser, MimeHeaders};
use serde::Serialize;

use super::parse::{self, Oddity};
use super::summary::Aggregates;

/// Largest file read whole (an mbox is streamed instead).
const MAX_FILE: u64 = 64 * 1024 * 1024;
/// Largest decompressed report: real ones are kilobytes; a gzip bomb stops here.
const MAX_REPORT: u64 = 16 * 1024 * 1024;
/// Largest single message in an mbox.
const MAX_MESSAGE: usize = 32 * 1024 * 1024;
/// Most bytes of one mbox line read at once.
const MAX_PIECE: u64 = 64 * 1024;

/// An input that could not be used, and why.
#[derive(Debug, Clone, Serialize)]
pub struct SourceError {
    pub path: String,
    pub reason: String,
}

/// Reads inputs and folds every report found into [`Aggregates`].
pub struct Collector {
    pub agg: Aggregates,
    pub errors: Vec<SourceError>,
    pub oddities: Vec<(String, Oddity)>,
    pub files: usize,
    only: Option<String>,
    progress: Option<indicatif::ProgressBar>,
}

impl Collector {
    pub fn new(only: Option<String>, progress: Option<indicatif::ProgressBar>) -> Collector {
        Collector {
            agg: Aggregates::default(),
            errors: Vec::new(),
            oddities: Vec::new(),
            files: 0,
            only,
            progress,
        }
    }

    fn error(&mut self, path: &str, reason: impl Into<String>) {
        self.errors.push(SourceError {
            path: crate::text::escape(path),
            reason: reason.into(),
        });
    }

    /// A file, or a directory walked recursively (symbolic links to
    /// directories are not followed, so loops cannot trap the walk).
    pub fn add_path(&mut self, path: &Path) {
        let shown = path.display().to_string();
        match std::fs::symlink_metadata(path) {
            Err(e) => self.error(&shown, e.to_string()),
            Ok(m) if m.is_dir() => {
                let mut entries: Vec<_> = match std::fs::read_dir(path) {
                    Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
                    Err(e) => return self.error(&shown, e.to_string()),
                };
                entries.sort();
                for p in entries {
                    self.add_path(&p);
                }
            }
            Ok(m) if m.file_type().is_symlink() => match std::fs::metadata(path) {
                Ok(t) if t.is_file() => self.add_file(path),
                Ok(_) => {}
                Err(e) => self.error(&shown, e.to_string()),
            },
            Ok(_) => self.add_file(path),
        }
    }

    fn add_file(&mut self, path: &Path) {
        self.files += 1;
        if let Some(p) = &self.progress {
            p.inc(1);
        }
        let shown = path.display().to_string();
        let mut f = match File::open(path) {
            Ok(f) => f,
            Err(e) => return self.error(&shown, e.to_string()),
        };
        let mut head = [0u8; 5];
        let n = f.read(&mut head).unwrap_or(0);
        let f = match File::open(path) {
            Ok(f) => f,
            Err(e) => return self.error(&shown, e.to_string()),
        };
        if &head[..n] == b"From " {
            return self.add_mbox(&shown, f);
        }
        let mut bytes = Vec::new();
        if let Err(e) = f.take(MAX_FILE + 1).read_to_end(&mut bytes) {
            return self.error(&shown, e.to_string());
        }
        if bytes.len() as u64 > MAX_FILE {
            return self.error(
                &shown,
                format!("larger than {} MiB; not a report", MAX_FILE >> 20),
            );
        }
        self.add_bytes(&shown, &bytes, 0);
    }

    fn add_bytes(&mut self, label: &str, bytes: &[u8], depth: u8) {
        if depth > 3 {
            return self.error(label, "reports nested too deeply");
        }
        if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::new();
            match MultiGzDecoder::new(bytes)
                .take(MAX_REPORT + 1)
                .read_to_end(&mut out)
            {
                Err(e) => return self.error(label, format!("broken gzip data: {e}")),
                Ok(_) if out.len() as u64 > MAX_REPORT => {
                    return self.error(
                        label,
                        format!(
                            "decompresses to more than {} MiB (a gzip bomb?); skipped",
                            MAX_REPORT >> 20
                        ),
                    );
                }
                Ok(_) => return self.add_bytes(label, &out, depth + 1),
            }
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
        self.add_message(label, bytes, depth)
    }

    fn add_json(&mut self, label: &str, bytes: &[u8]) {
        match parse::parse(bytes) {
            Ok((report, odd)) => {
                let id = report.report_id.clone();
                if self.agg.add(report, self.only.as_deref()) {
                    self.oddities
                        .extend(odd.into_iter().map(|o| (crate::text::escape(label), o)));
                } else {
                    self.oddities.push((
                        crate::text::escape(label),
                        Oddity {
                            report_id: id,
                            note: "duplicate report-id; counted once".into(),
                        },
                    ));
                }
            }
            Err(reason) => self.error(label, reason),
        }
    }

    /// A MIME message: every part that is a TLS-RPT report (RFC 8460 §5.3:
    /// `application/tlsrpt+gzip` or `+json`; reporters also use
    /// `application/gzip` or `application/json` with a report file name).
    fn add_message(&mut self, label: &str, bytes: &[u8], depth: u8) {
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
            let name = part
                .attachment_name()
                .unwrap_or_default()
                .to_ascii_lowercase();
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
    fn add_mbox(&mut self, label: &str, f: File) {
        let mut reader = BufReader::new(f);
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
                if index > 0 {
                    let shown = format!("{label} (message {index})");
                    if oversized {
                        self.error(
                            &shown,
                            format!("message larger than {} MiB; skipped", MAX_MESSAGE >> 20),
                        );
                    } else {
                        let body = std::mem::take(&mut message);
                        self.add_message(&shown, &body, 0);
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
