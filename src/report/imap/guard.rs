//! What a server's answers must not hold when `imap-proto` parses them,
//! kept from it.
//!
//! `imap-proto` 0.17, async-imap's parser, has two hazards a server's
//! bytes reach:
//! - it parses parenthesised lists (a `BODYSTRUCTURE` above all)
//!   recursively, with no bound on their depth. A mail of some thousand
//!   nested multiparts, which anyone can send to the report address,
//!   gives a structure that deep on a server that does not cap MIME
//!   nesting, and its parsing would overflow the stack and abort the run;
//! - it panics on a status answer whose response code is followed at
//!   once by a byte outside ASCII (`a1 OK [READ-ONLY]\xe9…`: it cuts the
//!   first byte off text it decoded as UTF-8). Found by the
//!   `imap_answers` fuzz target.
//!
//! [`Guarded`] sits between the TLS stream and async-imap: it reads the
//! server's bytes as IMAP's lexer does ([`Lexer`]: quoted strings with
//! their escapes, literals `{n}` CRLF and their n bytes) and fails the
//! read before a [`Hazard`] reaches the parser: an answer that opens more
//! than [`MAX_DEPTH`] parentheses, or a `]` followed by a byte outside
//! ASCII. The connection is then given up (the caller reconnects and
//! fetches the messages concerned whole).
//!
//! From mail, only strings and literals a server writes reach the wire,
//! and the lexer reads those as `imap-proto` does. A broken or hostile
//! server (or, before STARTTLS, anyone on the path) could write bytes that
//! `imap-proto` reads otherwise than the lexer, where it falls back on
//! reading a broken quoted string as a word, an item's list it cannot
//! parse as raw bytes up to the first `)`, or `{n}` as text. So the lexer
//! errs towards counting too much there:
//! - only the literal that is the value of a `FETCH` item holding a
//!   message or a part (`BODY[…]`, `RFC822`…) is skipped, in an answer
//!   that surely is a `FETCH` (one whose start is too long to tell gets a
//!   `FETCH`'s checks, but nothing skipped); in any other
//!   literal within a list each `(` counts towards the depth, as in a
//!   quoted string, and a `)` closes nothing. Outside a list, where
//!   `imap-proto` reads `{n}` as text in a status answer but as a literal
//!   where a mailbox name stands, the n bytes are read as new answers in
//!   which no literal is skipped;
//! - within a list, a quoted string that breaks the grammar, a literal
//!   longer than 4 GiB, and, in a `FETCH`, a line end are hazards;
//! - a literal is one only at the start of a word, and a list may be the
//!   value of a `FETCH` item only for the items that hold one
//!   ([`LIST_ITEMS`]);
//! - where `imap-proto` cannot parse a list in a `FETCH`, it reads it
//!   raw up to its first `)` byte: a list whose first `)` lies in a
//!   string or literal is a hazard, so that the raw reading ends where
//!   the lexer sees a `)` too, and the two agree on where strings are
//!   (a structure whose first part's name holds a `)` is then fetched
//!   whole);
//! - an answer is bounded at [`MAX_ANSWER`] bytes outside the skipped
//!   literals.
//!
//! The other panics of `imap-proto` are caught by [`super::shield`].

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Deepest nesting of parentheses let through. A report mail's structure
/// nests some 8 deep (a multipart in a multipart, a part's parameter and
/// disposition lists). `imap-proto` parses 32 within a test thread's 2 MiB
/// stack in a debug build (see the tests), where each level takes some
/// 37 KiB; 64 overflowed it. The walk's thread, which parses here, has
/// 8 MiB, and a release build needs far less.
pub const MAX_DEPTH: u32 = 32;

/// Where the lexer is in the server's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Lex {
    /// Outside strings and literals.
    #[default]
    Text,
    /// In a quoted string.
    Quoted,
    /// After a backslash in a quoted string.
    Escaped,
    /// After `{` (at the start of a token) and the digits so far.
    Brace(u64),
    /// After `{n}`.
    Closed(u64),
    /// After `{n}` CR.
    ClosedCr(u64),
    /// In a literal `imap-proto` reads as one, with this many bytes
    /// left: skipped.
    Literal(u64),
    /// In a literal `imap-proto` might not read as one, with this many
    /// bytes left: each `(` counts towards the depth, and nothing else is
    /// read, so that whatever the parser makes of the bytes, it nests no
    /// deeper than counted.
    Counted(u64),
}

/// Names of the `FETCH` items whose value may be a list: those asked for
/// (`BODYSTRUCTURE`), and those a server adds unasked (`FLAGS`, `MODSEQ`).
/// `imap-proto` reads the value of any other item as raw bytes up to the
/// first `)`, where this lexer would see strings and literals.
const LIST_ITEMS: [&[u8]; 3] = [b"BODYSTRUCTURE", b"FLAGS", b"MODSEQ"];
/// Most bytes of an answer outside the literals that hold mail: a
/// structure of a thousand parts is some hundred kilobytes.
const MAX_ANSWER: usize = 8 << 20;
/// Bytes of a line's start, and of a `FETCH` item's name, kept to
/// recognise them.
const MAX_WORD: usize = 32;

/// Where the lexer is in what a server sent, so far.
#[derive(Debug, Default)]
pub struct Lexer {
    lex: Lex,
    /// Parentheses open in the answer: those of the lists, and those in
    /// quoted strings and in literals not skipped (a server that breaks
    /// the grammar could make `imap-proto` read those as lists). This is
    /// what is bounded.
    depth: u32,
    /// Lists open in the answer, as this lexer reads it.
    lists: u32,
    /// The last byte outside literals was `]`.
    after_bracket: bool,
    /// The last byte in text starts no token: `"` and `{` there are part
    /// of a word, as for `imap-proto`, not a string or a literal.
    in_word: bool,
    /// The answer's first bytes, before its first `(`: is it `* n FETCH`?
    head: Word,
    /// This answer may be a `FETCH`: the checks of one apply.
    fetch: bool,
    /// This answer is surely a `FETCH` (its start was short enough to
    /// tell): only then is a literal skipped.
    surely_fetch: bool,
    /// In a `FETCH`, the word being read directly in its list, and the
    /// last one read (the name of the item whose value comes next).
    word: Word,
    name: Word,
    /// Bytes of the answer read outside skipped literals.
    read_in_answer: usize,
    /// In a `FETCH`, a list within its list was opened and no `)` has
    /// followed outside strings: where `imap-proto` cannot parse an
    /// item's list, it reads it raw up to the first `)` byte, which must
    /// then be one this lexer reads as a `)` too, or the two would no
    /// longer agree on where strings are.
    raw_may_end: bool,
    /// Bytes left of a literal outside any list, which imap-proto may
    /// read as one or as text: no literal in them is skipped.
    unskippable: u64,
}

/// The first [`MAX_WORD`] bytes of a word, in upper case.
#[derive(Debug, Default, Clone, Copy)]
struct Word {
    bytes: [u8; MAX_WORD],
    len: usize,
}

impl Word {
    fn push(&mut self, b: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = b.to_ascii_uppercase();
        }
        self.len += 1;
    }

    fn get(&self) -> &[u8] {
        &self.bytes[..self.len.min(MAX_WORD)]
    }

    /// `* 12 FETCH `.
    fn is_fetch_head(&self) -> bool {
        let Some(rest) = self.get().strip_prefix(b"* ") else {
            return false;
        };
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        digits > 0 && rest[digits..] == *b" FETCH "
    }

    /// A `FETCH` item whose value is a message or a part of one, read by
    /// `imap-proto` as a string or literal whatever it holds.
    fn holds_mail(&self) -> bool {
        let w = self.get();
        w.starts_with(b"BODY[")
            || w.starts_with(b"BINARY[")
            || matches!(w, b"RFC822" | b"RFC822.HEADER" | b"RFC822.TEXT")
    }

    /// The item name of `BODY[1.2]<0>` is `BODY`.
    fn item_name(&self) -> &[u8] {
        let w = self.get();
        w.iter().position(|&b| b == b'[').map_or(w, |i| &w[..i])
    }
}

/// What the parser must not be shown.
#[derive(Debug, PartialEq, Eq)]
pub enum Hazard {
    /// An answer nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A byte outside ASCII right after `]`.
    ByteAfterCode,
    /// Within a list, a quoted string that breaks IMAP's grammar (a NUL,
    /// a line end, an escape of anything but `\` and `"`), or a literal
    /// longer than `imap-proto` reads (4 GiB): where `imap-proto` falls
    /// back to reading the bytes otherwise, the two would part ways.
    BrokenString,
    /// A list as the value of a `FETCH` item not in [`LIST_ITEMS`].
    UnexpectedList,
    /// In a `FETCH`, a `)` in a string or literal before any outside one
    /// closed the list last opened (see [`Lexer::raw_may_end`]).
    CloseInString,
    /// More than [`MAX_ANSWER`] bytes of an answer outside the literals
    /// that hold mail: async-imap writes the whole answer into the error
    /// when it cannot parse one, some five bytes for each.
    TooLong,
}

impl Lexer {
    /// Reads `bytes`, the next the server sent; fails at the first
    /// hazard.
    pub fn read(&mut self, mut bytes: &[u8]) -> Result<(), Hazard> {
        while let Some((&b, rest)) = bytes.split_first() {
            match self.lex {
                Lex::Literal(left) | Lex::Counted(left) => {
                    let take = usize::try_from(left).map_or(bytes.len(), |l| l.min(bytes.len()));
                    let (now, later) = bytes.split_at(take);
                    if let Lex::Counted(_) = self.lex {
                        self.count(now)?;
                        if self.raw_may_end && now.contains(&b')') {
                            return Err(Hazard::CloseInString);
                        }
                        for _ in now.iter().filter(|&&b| b == b'(') {
                            self.open()?;
                        }
                    }
                    bytes = later;
                    self.unskippable = self.unskippable.saturating_sub(take as u64);
                    let left = left - take as u64;
                    self.lex = match self.lex {
                        _ if left == 0 => Lex::Text,
                        Lex::Counted(_) => Lex::Counted(left),
                        _ => Lex::Literal(left),
                    };
                    continue;
                }
                _ => self.count(&bytes[..1])?,
            }
            bytes = rest;
            // This byte lies in bytes that may be a literal.
            let ambiguous = self.unskippable > 0;
            self.unskippable = self.unskippable.saturating_sub(1);
            self.lex = match (self.lex, b) {
                (Lex::Quoted | Lex::Escaped, _) => self.quoted(b)?,
                (Lex::Brace(n), b'0'..=b'9') => {
                    let n = n * 10 + u64::from(b - b'0');
                    if n > u64::from(u32::MAX) {
                        return Err(Hazard::BrokenString);
                    }
                    Lex::Brace(n)
                }
                (Lex::Brace(n), b'}') => Lex::Closed(n),
                (Lex::Closed(n), b'\r') => Lex::ClosedCr(n),
                (Lex::ClosedCr(0), b'\n') => Lex::Text,
                // Skipped only as the value of a FETCH item that holds a
                // message or part: anywhere else imap-proto may read the
                // bytes otherwise (as a status answer's text, or as an
                // unknown item's raw list up to its first `)`).
                (Lex::ClosedCr(n), b'\n')
                    if self.surely_fetch
                        && self.lists == 1
                        && self.name.holds_mail()
                        && !ambiguous =>
                {
                    Lex::Literal(n)
                }
                // Outside a list imap-proto reads `{n}` as text where it
                // ends a status answer, but as a literal where a mailbox
                // name may stand (STATUS, LIST...). The bytes are read as
                // the start of new answers, as the first reading has it,
                // but no literal in them is skipped, so that the second
                // reading, where they are a name, cannot hide an answer
                // behind them either.
                (Lex::ClosedCr(n), b'\n') if self.lists == 0 => {
                    let lex = self.text(b)?;
                    self.unskippable = self.unskippable.max(n);
                    lex
                }
                (Lex::ClosedCr(n), b'\n') => Lex::Counted(n),
                // Text, or what only looked like the start of a literal.
                _ => self.text(b)?,
            };
        }
        Ok(())
    }

    /// A byte in a quoted string.
    fn quoted(&mut self, b: u8) -> Result<Lex, Hazard> {
        let escaped = self.lex == Lex::Escaped;
        if std::mem::replace(&mut self.after_bracket, b == b']') && !b.is_ascii() {
            return Err(Hazard::ByteAfterCode);
        }
        let broken = matches!(b, 0 | b'\r' | b'\n') || (escaped && !matches!(b, b'\\' | b'"'));
        if broken && self.lists > 0 {
            return Err(Hazard::BrokenString);
        }
        if b == b')' && self.raw_may_end {
            return Err(Hazard::CloseInString);
        }
        Ok(match b {
            // In a status answer's text: the answer is over.
            b'\r' => Lex::Text,
            b'\n' => {
                self.end_of_answer();
                Lex::Text
            }
            b'\\' if !escaped => Lex::Escaped,
            b'"' if !escaped => {
                self.in_word = true;
                Lex::Text
            }
            b'(' => {
                self.open()?;
                Lex::Quoted
            }
            _ => Lex::Quoted,
        })
    }

    /// A byte outside strings and literals.
    fn text(&mut self, b: u8) -> Result<Lex, Hazard> {
        if std::mem::replace(&mut self.after_bracket, b == b']') && !b.is_ascii() {
            return Err(Hazard::ByteAfterCode);
        }
        let token_start = !self.in_word;
        // `imap-proto` 0.17 reads no literal8 (`~{n}`): the `{` there is
        // part of a word.
        self.in_word = !matches!(b, b' ' | b'(');
        if self.lists == 0 && self.head.len <= MAX_WORD && b != b'(' {
            self.head.push(b);
        }
        if self.fetch && self.lists == 1 {
            match b {
                b' ' => {
                    if self.word.len > 0 {
                        self.name = std::mem::take(&mut self.word);
                    }
                }
                b'(' | b')' | b'"' | b'{' => {}
                _ => self.word.push(b),
            }
        }
        Ok(match b {
            b'"' if token_start => Lex::Quoted,
            b'{' if token_start => Lex::Brace(0),
            b'(' => {
                if self.lists == 0 {
                    // A start too long to tell is judged as a FETCH's.
                    self.surely_fetch = self.head.len <= MAX_WORD && self.head.is_fetch_head();
                    self.fetch = self.head.len > MAX_WORD || self.surely_fetch;
                } else if self.fetch
                    && self.lists == 1
                    && !LIST_ITEMS.contains(&self.name.item_name())
                {
                    return Err(Hazard::UnexpectedList);
                }
                self.lists += 1;
                self.raw_may_end = self.fetch && self.lists >= 2;
                self.open()?;
                Lex::Text
            }
            b')' => {
                self.raw_may_end = false;
                self.lists = self.lists.saturating_sub(1);
                self.depth = self.depth.saturating_sub(1);
                Lex::Text
            }
            // Within a FETCH's list, imap-proto may be reading an unknown
            // item's raw bytes, which a line end does not end.
            b'\n' if self.fetch && self.lists > 0 => return Err(Hazard::BrokenString),
            b'\n' => {
                self.end_of_answer();
                Lex::Text
            }
            _ => Lex::Text,
        })
    }

    /// Counts `bytes` of an answer read outside skipped literals.
    fn count(&mut self, bytes: &[u8]) -> Result<(), Hazard> {
        self.read_in_answer += bytes.len();
        if self.read_in_answer > MAX_ANSWER {
            return Err(Hazard::TooLong);
        }
        Ok(())
    }

    fn open(&mut self) -> Result<(), Hazard> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Hazard::TooDeep);
        }
        Ok(())
    }

    /// One answer ends; the next starts afresh (within the bytes that
    /// may be a literal, still skipping none).
    fn end_of_answer(&mut self) {
        let unskippable = self.unskippable;
        *self = Lexer::default();
        self.unskippable = unskippable;
    }
}

/// A stream whose reads fail once the server sends a [`Hazard`]; writes
/// pass through.
#[derive(Debug)]
pub struct Guarded<S> {
    inner: S,
    lexer: Lexer,
    /// Once a hazard is seen, every later read fails too: the bytes in
    /// between were never handed on.
    failed: Option<Hazard>,
}

impl<S> Guarded<S> {
    pub fn new(inner: S) -> Self {
        Guarded {
            inner,
            lexer: Lexer::default(),
            failed: None,
        }
    }

    /// The stream itself, for STARTTLS.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl Hazard {
    /// The error a read fails with: its words end up in the line that
    /// says a step failed.
    fn error(&self) -> io::Error {
        let what = match self {
            Hazard::TooDeep => format!("nests deeper than {MAX_DEPTH} levels"),
            Hazard::ByteAfterCode => {
                "has a byte outside ASCII right after a response code".to_string()
            }
            Hazard::BrokenString => "holds a broken string or literal".to_string(),
            Hazard::UnexpectedList => "holds an item not asked for".to_string(),
            Hazard::TooLong => format!("is longer than {} MiB", MAX_ANSWER >> 20),
            Hazard::CloseInString => "has a list whose first `)` is inside a string".to_string(),
        };
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the server's answer {what}, which the IMAP parser cannot be given"),
        )
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Some(hazard) = &this.failed {
            return Poll::Ready(Err(hazard.error()));
        }
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        if let Err(hazard) = this.lexer.read(&buf.filled()[before..]) {
            buf.set_filled(before);
            let e = hazard.error();
            this.failed = Some(hazard);
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the lexer makes of `wire`, read in pieces of `chunk` bytes.
    fn lex(wire: &[u8], chunk: usize) -> Result<(), Hazard> {
        let mut n = Lexer::default();
        wire.chunks(chunk).try_for_each(|c| n.read(c))
    }

    fn within(wire: &[u8], chunk: usize) -> bool {
        lex(wire, chunk).is_ok()
    }

    fn nested(depth: usize) -> String {
        format!(
            "* 1 FETCH (UID 7 BODYSTRUCTURE {}{})\r\n",
            "(".repeat(depth),
            ")".repeat(depth)
        )
    }

    #[test]
    fn parentheses_past_the_bound_fail_in_any_pieces() {
        let limit = MAX_DEPTH as usize;
        for chunk in [1, 2, 7, 4096] {
            // The FETCH list itself is one level.
            assert!(within(nested(limit - 1).as_bytes(), chunk), "{chunk}");
            assert_eq!(lex(nested(limit).as_bytes(), chunk), Err(Hazard::TooDeep));
        }
    }

    #[test]
    fn each_answer_starts_again_afresh() {
        let many = nested(MAX_DEPTH as usize - 1).repeat(100);
        assert!(within(many.as_bytes(), 3));
        // Unbalanced answers do not add up either, nor does a status
        // answer's text with a quote left open.
        let open = "* OK ((((((((((\r\na1 NO Mailbox \"Nope doesn't exist\r\n".repeat(50);
        assert!(within(open.as_bytes(), 5));
    }

    #[test]
    fn literals_in_lists_are_skipped_whatever_they_hold() {
        let deep = "(".repeat(1000);
        let body = format!("\r\n{deep}\"\r\n{{9}}\r\n\0\\a");
        let literal = format!("* 1 FETCH (UID 7 BODY[] {{{}}}\r\n{body})\r\n", body.len());
        assert!(within(literal.as_bytes(), 1));
        assert!(within(literal.as_bytes(), 4096));
        // Counting goes on after the literal, in the same answer.
        let after = format!(
            "* 1 FETCH (BODY[] {{{}}}\r\n{body} BODYSTRUCTURE {})\r\n",
            body.len(),
            "(".repeat(MAX_DEPTH as usize)
        );
        assert_eq!(lex(after.as_bytes(), 1), Err(Hazard::TooDeep));
        // An empty literal.
        let empty = format!("* 1 FETCH (BODY[1] {{0}}\r\n BODYSTRUCTURE {deep})\r\n");
        assert_eq!(lex(empty.as_bytes(), 1), Err(Hazard::TooDeep));
        // Other literals are not skipped: their `(` count.
        let other = format!("* 1 FETCH (X {{1000}}\r\n{deep})\r\n");
        assert_eq!(lex(other.as_bytes(), 7), Err(Hazard::TooDeep));
    }

    /// Parentheses in a quoted string count (a broken server could make
    /// imap-proto read them as lists); closing ones there do not.
    #[test]
    fn quoted_strings_count_their_opening_parentheses_only() {
        let name = |n: usize| {
            format!(
                "* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"name\" \"{}\\\"\\\\\") NIL))\r\n",
                "(".repeat(n),
            )
        };
        // The FETCH list, the structure and its parameters: 3 levels.
        assert!(within(name(MAX_DEPTH as usize - 3).as_bytes(), 1));
        assert_eq!(
            lex(name(MAX_DEPTH as usize).as_bytes(), 1),
            Err(Hazard::TooDeep)
        );
    }

    /// A `)` in a string before the list last opened was closed could
    /// be where imap-proto's raw reading of the list ends.
    #[test]
    fn a_lists_first_close_must_not_be_in_a_string() {
        let named = |name: &str| {
            format!(
                "* 1 FETCH (BODYSTRUCTURE (\"application\" \"gzip\" (\"name\" \"{name}\") NIL NIL \"base64\" 4 NIL (\"attachment\" (\"filename\" \"{name}\")) NIL NIL))\r\n"
            )
        };
        assert_eq!(
            lex(named("report (1).gz").as_bytes(), 1),
            Err(Hazard::CloseInString)
        );
        assert!(within(named("report (1.gz").as_bytes(), 1));
        // After a `)` outside strings, a `)` in a string is only text.
        let later = "* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL \"a)b\" \"7bit\" 1 1))\r\n";
        assert!(within(later.as_bytes(), 1));
        // Nor in a status answer, or a message's literal.
        assert!(within(
            b"* OK [X (\"a)\"] hi\r\n* 1 FETCH (BODY[] {1}\r\n))\r\n",
            1
        ));
    }

    #[test]
    fn broken_strings_in_lists_are_refused() {
        for wire in [
            &b"* 1 FETCH (BODYSTRUCTURE (\"a\0b\"))\r\n"[..],
            b"* 1 FETCH (BODYSTRUCTURE (\"a\\zb\"))\r\n",
            b"* 1 FETCH (BODYSTRUCTURE (\"ab\r\n",
            b"* 1 FETCH (BODY[] {4294967296}\r\n",
        ] {
            assert_eq!(lex(wire, 1), Err(Hazard::BrokenString), "{wire:?}");
        }
        assert!(within(b"* 1 FETCH (BODY[] {4294967295}\r\n", 1));
    }

    /// Ways a server could make imap-proto and the lexer part, found by
    /// a review: each is refused.
    #[test]
    fn ways_around_the_bound_are_refused() {
        let deep = format!("{}{}", "(".repeat(1000), ")".repeat(1000));
        let cases = [
            // imap-proto reads a broken quoted string as a word.
            format!("* 1 FETCH (X \"a\0 BODYSTRUCTURE {deep} Y \")\r\n"),
            format!("* 1 FETCH (X \"a\\a BODYSTRUCTURE {deep} Y \")\r\n"),
            // It reads an unknown item's list as bytes up to the first `)`.
            format!("* 1 FETCH (X (a \"b) BODYSTRUCTURE {deep} Y \"))\r\n"),
            format!("* 1 FETCH (X ({{30}}\r\n) BODYSTRUCTURE {deep})\r\n"),
            // It reads no literal in a status answer's text, nor within a
            // word.
            format!("* OK hi {{40}}\r\n* 1 FETCH (UID 7 BODYSTRUCTURE {deep})\r\n"),
            format!("* 1 FETCH (X a{{90}}\r\n b BODYSTRUCTURE {deep})\r\n"),
            // It takes no literal longer than 4 GiB.
            format!("* 1 FETCH (X {{99999999999999}}\r\n BODYSTRUCTURE {deep})\r\n"),
            // A start too long to tell is judged as a FETCH's.
            format!(
                "* {} FETCH (X (a \"b) BODYSTRUCTURE {deep} \"))\r\n",
                "0".repeat(40)
            ),
        ];
        // Found by a second review: a literal that imap-proto does not
        // read as one, in a status answer's list or in an item's list it
        // falls back to reading raw, or after `~` (it reads no literal8);
        // and a line end inside a FETCH's list.
        let lit = |before: &str, inside: &str, after: &str| {
            format!("{before}{{{}}}\r\n{inside}{after}", inside.len())
        };
        let fetch = format!("* 1 FETCH (BODYSTRUCTURE {deep})\r\n");
        let opens = format!(") BODYSTRUCTURE {}", "(".repeat(1000));
        let more = [
            lit("* OK (", &fetch, ")\r\n"),
            lit("a1 OK (", &fetch, ")\r\n"),
            lit("+ (", &fetch, ")\r\n"),
            lit("* OK [PERMANENTFLAGS (", &fetch, ")] x\r\n"),
            lit("* OK [BADCHARSET (", &fetch, "x)] y\r\n"),
            lit("* 1 FETCH (FLAGS (", &opens, ")\r\n"),
            lit("* 1 FETCH (FLAGS (\\Seen ", &opens, ")\r\n"),
            lit("* 1 FETCH (MODSEQ (", &opens, ")\r\n"),
            lit("* 1 FETCH (BODYSTRUCTURE (", &opens, ")\r\n"),
            lit("* 1 FETCH (UID 1 X ~", &opens[1..], ")\r\n"),
            format!(
                "* 1 FETCH (FLAGS (\n{}",
                lit("* 1 FETCH (BODY[] ", &opens, ")\r\n")
            ),
        ];
        // Found by a third review: an item's list imap-proto cannot parse
        // and reads raw to its first `)`, inside what the lexer reads as
        // a string, after which the two disagree on every quote, and
        // imap-proto nests one level for each `(") " `.
        let unit = "(\") \" ".repeat(2000);
        let close = ")".repeat(2000);
        let third = [
            format!(
                "* 1 FETCH (FLAGS (\"a) BODYSTRUCTURE (\"a \" \"b \" NIL NIL NIL NIL 0 NIL NIL NIL NIL {unit}NIL{close}))\r\n"
            ),
            format!(
                "* 1 FETCH (MODSEQ (\"a) BODYSTRUCTURE (\"a \" \"b \" NIL NIL NIL NIL 0 NIL NIL NIL NIL {unit}NIL{close}))\r\n"
            ),
            format!(
                "* 1 FETCH (BODYSTRUCTURE ({{3}}\r\na) BODYSTRUCTURE (\"a \" \"b \" NIL NIL NIL NIL 0 NIL NIL NIL NIL {unit}NIL{close}))\r\n"
            ),
        ];
        // Found by a fourth review: outside a list, imap-proto reads a
        // literal where a mailbox name stands; a FETCH's message literal
        // inside it must not be skipped.
        let structure = format!("* 1 FETCH (BODYSTRUCTURE {deep})\r\n");
        let hidden = |before: &str, after: &str| {
            let tail = format!("{after}{structure}");
            let head = format!("* 1 FETCH (BODY[] {{{}}}\r\n", tail.len());
            format!("{before}{{{}}}\r\n{head}{tail}", head.len())
        };
        let fourth = [
            hidden("* STATUS ", " (MESSAGES 1)\r\n"),
            hidden("* LIST () \"/\" ", "\r\n"),
        ];
        // Found by a fifth review: a start too long to tell is checked as
        // a FETCH's, but has no literal skipped as one.
        let fifth = [
            lit(
                "a1 OK done, and here is thirty-three bytes (RFC822 ",
                &fetch,
                ")\r\n",
            ),
            lit(
                "+ go ahead, then here is thirty-three bytes (RFC822 ",
                &fetch,
                ")\r\n",
            ),
            lit(
                &format!("* OK {} (BODY[] ", "x".repeat(40)),
                &fetch,
                ")\r\n",
            ),
        ];
        let more: Vec<String> = more
            .into_iter()
            .chain(third)
            .chain(fourth)
            .chain(fifth)
            .collect();
        for wire in cases.iter().chain(&more) {
            for chunk in [1, 4096] {
                assert!(!within(wire.as_bytes(), chunk), "{wire:?}");
            }
        }
    }

    #[test]
    fn answers_are_bounded_outside_the_literals_that_hold_mail() {
        let long = format!("* OK {}\r\n", "x".repeat(MAX_ANSWER));
        assert_eq!(lex(long.as_bytes(), 4096), Err(Hazard::TooLong));
        let mail = "x".repeat(MAX_ANSWER + 10);
        let body = format!("* 1 FETCH (UID 7 BODY[] {{{}}}\r\n{mail})\r\n", mail.len());
        assert!(within(body.as_bytes(), 65536));
        // Each answer has its own bound.
        let many = format!("* OK {}\r\n", "x".repeat(MAX_ANSWER / 2)).repeat(3);
        assert!(within(many.as_bytes(), 65536));
    }

    #[test]
    fn what_only_looks_like_a_literal_is_text() {
        // No CRLF right after the brace: imap-proto reads no literal, so
        // the parentheses after it count.
        for fake in ["{5} ", "{5}\n", "{x}\r\n", "{5\r\n", "{5}\r "] {
            let wire = format!(
                "* 1 FETCH (X {fake}BODYSTRUCTURE {}\r\n",
                "(".repeat(MAX_DEPTH as usize + 1)
            );
            assert!(!within(wire.as_bytes(), 1), "{fake:?}");
        }
    }

    #[test]
    fn only_the_items_that_hold_lists_may_hold_them() {
        for fine in [
            &b"* 3 FETCH (UID 9 FLAGS (\\Seen) MODSEQ (12))\r\n"[..],
            b"* 3 fetch (flags (\\Seen))\r\n",
            b"* 1 FETCH (UID 7 BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1) \"mixed\") BODY[]<0> {3}\r\n((()\r\n",
            // Lists in lists are no FETCH item's concern elsewhere.
            b"* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n",
            b"a1 OK [PERMANENTFLAGS (\\Seen \\*)] Flags permitted.\r\n",
        ] {
            assert!(within(fine, 1), "{}", String::from_utf8_lossy(fine));
        }
        assert_eq!(
            lex(b"* 1 FETCH (UID 7 ENVELOPE (NIL))\r\n", 1),
            Err(Hazard::UnexpectedList)
        );
    }

    /// What imap-proto 0.17 panics on (`start byte index 1 is not a char
    /// boundary`), and what it does not.
    #[test]
    fn a_byte_outside_ascii_right_after_a_code_is_refused() {
        for bad in [
            &b"a1 OK [READ-ONLY]\xe9 Examined\r\n"[..],
            b"* OK [X]\xc3\xa9\r\n",
            b"* OK {22}\r\na1 OK [READ-ONLY]\xe9 x\r\n",
        ] {
            for chunk in [1, 4096] {
                assert_eq!(lex(bad, chunk), Err(Hazard::ByteAfterCode), "{bad:?}");
            }
        }
        for fine in [
            &b"a1 OK [READ-ONLY] Examined \xe9\r\n"[..],
            b"a1 NO Mailbox Re\xe7us]\r\n",
            b"* 1 FETCH (BODY[2] {2}\r\n]\xe9 BODY[1] \"\xe9]\")\r\n",
        ] {
            assert!(within(fine, 1), "{fine:?}");
        }
        let wire = b"a1 OK [READ-ONLY]\xe9 Examined\r\n";
        let panicked = std::panic::catch_unwind(|| {
            let _ = async_imap::imap_proto::Response::parse(wire);
        });
        assert!(
            panicked.is_err(),
            "imap-proto no longer panics here: the check may go"
        );
    }

    /// What the bound is for: imap-proto parses a structure as deep as
    /// it lets through on a test thread's stack (2 MiB), in a debug
    /// build too.
    #[test]
    fn imap_proto_parses_the_deepest_structure_let_through() {
        let leaf = r#"("application" "tlsrpt+gzip" ("name" "r.gz") NIL NIL "base64" 4 NIL ("attachment" ("filename" "r.gz")) NIL NIL)"#;
        let mut structure = leaf.to_string();
        // Each multipart is one level; the FETCH list one more, and the
        // leaf with its disposition three.
        for _ in 0..(MAX_DEPTH - 4) {
            structure = format!(r#"({structure} "mixed" NIL NIL NIL NIL)"#);
        }
        let wire = format!("* 1 FETCH (UID 7 BODYSTRUCTURE {structure})\r\n");
        assert!(within(wire.as_bytes(), 4096));
        let parsed = async_imap::imap_proto::Response::parse(wire.as_bytes());
        assert!(parsed.is_ok(), "{parsed:?}");
        let deeper = format!("* 1 FETCH (UID 7 BODYSTRUCTURE ({structure} \"mixed\"))\r\n");
        assert!(!within(deeper.as_bytes(), 4096));
    }
}
