//! mbox files (mboxo and mboxrd `From ` separators), streamed one message
//! at a time: an mbox of any size takes the memory of its largest message,
//! and a message over [`MAX_MESSAGE`] is skipped rather than read.

use std::io::{BufRead, Read};

/// Largest single message (in an mbox, or a file).
pub const MAX_MESSAGE: usize = 32 * 1024 * 1024;
/// Most bytes of one mbox line read at once.
const MAX_PIECE: u64 = 64 * 1024;

/// Whether data starts like an mbox: a `From ` line, maybe after blank
/// lines. The `From ` must start a line, as [`Messages`] only splits there:
/// data taken for an mbox always has a message.
pub fn is_mbox(data: &[u8]) -> bool {
    let start = data
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(data.len());
    let line_start = data[..start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    start == line_start && data[start..].starts_with(b"From ")
}

/// One message of an mbox.
#[derive(Debug, PartialEq, Eq)]
pub struct Message {
    /// Its place in the mbox, from 1.
    pub index: usize,
    /// Its bytes (mboxrd `>From ` lines unescaped), or `None` when it is
    /// larger than [`MAX_MESSAGE`]: skipped.
    pub body: Option<Vec<u8>>,
}

/// The messages of an mbox, in order; a read error ends them.
pub struct Messages<R> {
    reader: R,
    line: Vec<u8>,
    message: Vec<u8>,
    /// The number of the message being read (0: before the first `From `).
    index: usize,
    oversized: bool,
    /// Lines are read in bounded pieces; only a piece that starts a line
    /// can be a `From ` separator.
    at_line_start: bool,
    done: bool,
}

impl<R: BufRead> Messages<R> {
    pub fn new(reader: R) -> Messages<R> {
        Messages {
            reader,
            line: Vec::new(),
            message: Vec::new(),
            index: 0,
            oversized: false,
            at_line_start: true,
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for Messages<R> {
    type Item = std::io::Result<Message>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.line.clear();
            let n = match (&mut self.reader)
                .take(MAX_PIECE)
                .read_until(b'\n', &mut self.line)
            {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            let boundary = n == 0 || (self.at_line_start && self.line.starts_with(b"From "));
            self.at_line_start = self.line.ends_with(b"\n");
            if boundary {
                self.done = n == 0;
                let finished = (self.index > 0).then(|| Message {
                    index: self.index,
                    body: (!self.oversized).then(|| std::mem::take(&mut self.message)),
                });
                self.message.clear();
                self.oversized = false;
                self.index += 1;
                if let Some(m) = finished {
                    return Some(Ok(m));
                }
                continue;
            }
            if self.message.len() + self.line.len() > MAX_MESSAGE {
                self.oversized = true;
                continue;
            }
            // mboxrd: ">From " lines were escaped on the way in.
            let line = &self.line;
            if line.starts_with(b">")
                && line
                    .iter()
                    .skip_while(|&&b| b == b'>')
                    .take(5)
                    .eq(b"From ".iter())
            {
                self.message.extend_from_slice(&line[1..]);
            } else {
                self.message.extend_from_slice(line);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(mbox: &[u8]) -> Vec<(usize, Option<String>)> {
        Messages::new(mbox)
            .map(|m| {
                let m = m.unwrap();
                (m.index, m.body.map(|b| String::from_utf8(b).unwrap()))
            })
            .collect()
    }

    #[test]
    fn messages_are_split_on_from_lines_and_unescaped() {
        let mbox = b"\nFrom a@b Sat Nov 28 00:00:00 2026\nSubject: one\n\nbody\n>From the start\n>>From kept once\nFrom b@c Sat Nov 28 00:00:01 2026\nSubject: two\n\nFrom-not-a-separator\n";
        assert!(is_mbox(mbox));
        assert_eq!(
            split(mbox),
            [
                (
                    1,
                    Some("Subject: one\n\nbody\nFrom the start\n>From kept once\n".into())
                ),
                (2, Some("Subject: two\n\nFrom-not-a-separator\n".into())),
            ]
        );
        assert!(!is_mbox(b"Subject: x\n\nFrom a@b\n"));
        assert!(split(b"").is_empty());
    }

    #[test]
    fn an_mbox_starts_with_a_from_line_after_blank_lines_only() {
        assert!(is_mbox(b"From a@b\n"));
        assert!(is_mbox(b"\r\n \t\nFrom a@b\n"));
        // Found by the mbox and report_file fuzz targets: taken for mboxes
        // without a message, so the files gave neither a report nor an
        // error.
        for data in [
            &b"         From c@\nFrFrom       \x9d\xbfdA\n"[..],
            b"\rFrom reports@example",
            b"\n  From a@b\n",
        ] {
            assert!(!is_mbox(data), "{data:?}");
            assert!(split(data).is_empty());
        }
    }

    #[test]
    fn only_a_from_at_the_start_of_a_line_separates() {
        // A line longer than a piece: its continuation starting with
        // "From " is no separator.
        let mut mbox = b"From a@b\n".to_vec();
        mbox.extend(vec![b'x'; MAX_PIECE as usize]);
        mbox.extend(b"From inside the long line\n");
        let messages = split(&mbox);
        assert_eq!(messages.len(), 1);
        assert!(
            messages[0]
                .1
                .as_ref()
                .unwrap()
                .ends_with("From inside the long line\n")
        );
    }

    #[test]
    fn an_oversized_message_is_skipped_and_the_next_read() {
        let mut mbox = b"From a@b\n".to_vec();
        let line = vec![b'x'; 1 << 20];
        for _ in 0..33 {
            mbox.extend(&line);
            mbox.push(b'\n');
        }
        mbox.extend(b"From c@d\nSubject: small\n");
        assert_eq!(
            split(&mbox),
            [(1, None), (2, Some("Subject: small\n".into()))]
        );
    }
}
