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
//! their escapes, literals `{n}` CRLF and their n bytes) and watches what
//! lies outside them. When an answer opens more than [`MAX_DEPTH`]
//! parentheses, or a `]` is followed by a byte outside ASCII, the read
//! fails before those bytes reach the parser, and the connection is given
//! up (the caller reconnects and fetches the messages concerned whole).
//!
//! The lexer errs only towards refusing too much: bytes it skips as a
//! string or literal are ones `imap-proto` reads as such too, or fails
//! on.

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    /// Outside strings and literals.
    Text,
    /// In a quoted string.
    Quoted,
    /// After a backslash in a quoted string.
    Escaped,
    /// After `{` and the digits so far.
    Brace(u64),
    /// After `{n}`.
    Closed(u64),
    /// After `{n}` CR.
    ClosedCr(u64),
    /// In a literal, with this many bytes left.
    Literal(u64),
}

/// Where the lexer is in what a server sent, so far.
#[derive(Debug)]
pub struct Lexer {
    lex: Lex,
    /// Parentheses open in the answer.
    depth: u32,
    /// The last byte outside strings and literals was `]`.
    after_bracket: bool,
}

/// What the parser must not be shown.
#[derive(Debug, PartialEq, Eq)]
pub enum Hazard {
    /// An answer nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A byte outside ASCII right after `]`.
    ByteAfterCode,
}

impl Default for Lexer {
    fn default() -> Self {
        Lexer {
            lex: Lex::Text,
            depth: 0,
            after_bracket: false,
        }
    }
}

impl Lexer {
    /// Reads `bytes`, the next the server sent; fails at the first
    /// hazard.
    pub fn read(&mut self, mut bytes: &[u8]) -> Result<(), Hazard> {
        while let Some((&b, rest)) = bytes.split_first() {
            if let Lex::Literal(left) = self.lex {
                let skip = usize::try_from(left).map_or(bytes.len(), |l| l.min(bytes.len()));
                bytes = &bytes[skip..];
                let left = left - skip as u64;
                self.lex = if left == 0 {
                    Lex::Text
                } else {
                    Lex::Literal(left)
                };
                continue;
            }
            bytes = rest;
            self.lex = match (self.lex, b) {
                (Lex::Quoted, b'\\') => Lex::Escaped,
                (Lex::Quoted, b'"') => Lex::Text,
                // A quoted string holds no line end: the answer is over.
                (Lex::Quoted | Lex::Escaped, b'\r') => Lex::Text,
                (Lex::Quoted | Lex::Escaped, b'\n') => {
                    self.depth = 0;
                    Lex::Text
                }
                (Lex::Quoted | Lex::Escaped, _) => Lex::Quoted,
                (Lex::Brace(n), b'0'..=b'9') => {
                    Lex::Brace(n.saturating_mul(10).saturating_add(u64::from(b - b'0')))
                }
                (Lex::Brace(n), b'}') => Lex::Closed(n),
                (Lex::Closed(n), b'\r') => Lex::ClosedCr(n),
                (Lex::ClosedCr(0), b'\n') => Lex::Text,
                (Lex::ClosedCr(n), b'\n') => Lex::Literal(n),
                // Text, or what only looked like the start of a literal.
                _ => self.text(b)?,
            };
        }
        Ok(())
    }

    /// A byte outside strings and literals.
    fn text(&mut self, b: u8) -> Result<Lex, Hazard> {
        if std::mem::replace(&mut self.after_bracket, b == b']') && !b.is_ascii() {
            return Err(Hazard::ByteAfterCode);
        }
        Ok(match b {
            b'"' => Lex::Quoted,
            b'{' => Lex::Brace(0),
            b'(' => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(Hazard::TooDeep);
                }
                Lex::Text
            }
            b')' => {
                self.depth = self.depth.saturating_sub(1);
                Lex::Text
            }
            // One answer ends; the next starts at depth 0.
            b'\n' => {
                self.depth = 0;
                Lex::Text
            }
            _ => Lex::Text,
        })
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

    /// Whether `wire`, read in pieces of `chunk` bytes, stays within the
    /// bound.
    fn within(wire: &[u8], chunk: usize) -> bool {
        let mut n = Lexer::default();
        wire.chunks(chunk).all(|c| n.read(c).is_ok())
    }

    fn nested(depth: usize) -> String {
        format!(
            "* 1 FETCH (UID 7 X {}{})\r\n",
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
            assert!(!within(nested(limit).as_bytes(), chunk), "{chunk}");
        }
    }

    #[test]
    fn each_answer_starts_again_at_depth_zero() {
        let many = nested(MAX_DEPTH as usize - 1).repeat(100);
        assert!(within(many.as_bytes(), 3));
        // Unbalanced answers do not add up either.
        let open = "* OK ((((((((((\r\n".repeat(50);
        assert!(within(open.as_bytes(), 5));
    }

    #[test]
    fn strings_and_literals_are_not_counted() {
        let deep = "(".repeat(1000);
        // In a quoted string, escapes included.
        let quoted = format!("* 1 FETCH (X \"\\\"{deep}\\\\\" Y)\r\n");
        assert!(within(quoted.as_bytes(), 1));
        // In a literal, whose bytes may be anything, line ends included.
        let body = format!("\r\n{deep}\"\r\n{{9}}\r\n");
        let literal = format!("* 1 FETCH (BODY[] {{{}}}\r\n{body})\r\n", body.len());
        assert!(within(literal.as_bytes(), 1));
        assert!(within(literal.as_bytes(), 4096));
        // Counting goes on after the literal, in the same answer.
        let after = format!(
            "* 1 FETCH (BODY[] {{{}}}\r\n{body} X {})\r\n",
            body.len(),
            "(".repeat(MAX_DEPTH as usize)
        );
        assert!(!within(after.as_bytes(), 1));
        // An empty literal, and a literal8.
        let empty = format!("* 1 FETCH (A {{0}}\r\n B ~{{3}}\r\n((( {deep})\r\n");
        assert!(!within(empty.as_bytes(), 1));
    }

    #[test]
    fn what_only_looks_like_a_literal_is_text() {
        // No CRLF after the brace: imap-proto reads no literal, so the
        // parentheses after it count.
        for fake in ["{5} ", "{5}\n", "{x}\r\n", "{5\r\n"] {
            let wire = format!(
                "* 1 FETCH (A {fake}{}\r\n",
                "(".repeat(MAX_DEPTH as usize + 1)
            );
            assert!(!within(wire.as_bytes(), 1), "{fake:?}");
        }
    }

    /// What imap-proto 0.17 panics on (`start byte index 1 is not a char
    /// boundary`), and what it does not.
    #[test]
    fn a_byte_outside_ascii_right_after_a_code_is_refused() {
        for bad in [
            &b"a1 OK [READ-ONLY]\xe9 Examined\r\n"[..],
            b"* OK [X]\xc3\xa9\r\n",
        ] {
            for chunk in [1, 4096] {
                assert!(!within(bad, chunk), "{bad:?}");
            }
        }
        for fine in [
            &b"a1 OK [READ-ONLY] Examined \xe9\r\n"[..],
            b"a1 NO Mailbox Re\xe7us]\r\n",
            b"* 1 FETCH (BODY[2] {2}\r\n]\xe9 X \"]\xe9\")\r\n",
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
