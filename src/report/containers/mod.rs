//! The containers reports come in, recognised by content, not by name:
//! gzip ([`gzip`]), mail messages with report parts ([`mime`]) and mbox
//! files of such messages ([`mbox`]). Each bounds what hostile input can
//! cost; none knows about files or reports.

pub mod gzip;
pub mod mbox;
pub mod mime;

/// What some bytes hold, by their first bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Content<'a> {
    /// gzip data (RFC 1952): a compressed report, message or mbox.
    Gzip,
    /// A JSON object: a report; the bytes from its `{`.
    Json(&'a [u8]),
    /// Nothing but whitespace.
    Empty,
    /// An mbox, inside a compressed file (on disk, the walk streams
    /// mboxes instead of reading them whole).
    Mbox,
    /// Anything else is taken for a mail message.
    Message,
}

/// What `bytes` hold; `nested` when they came out of a container.
pub fn sniff(bytes: &[u8], nested: bool) -> Content<'_> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Content::Gzip;
    }
    let trimmed = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&[][..], |i| &bytes[i..]);
    if trimmed.starts_with(b"{") {
        Content::Json(trimmed)
    } else if trimmed.is_empty() {
        Content::Empty
    } else if nested && mbox::is_mbox(bytes) {
        Content::Mbox
    } else {
        Content::Message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_recognised_by_its_first_bytes() {
        assert_eq!(sniff(b"\x1f\x8b\x08rest", false), Content::Gzip);
        assert_eq!(
            sniff(b"\r\n  {\"a\": 1}", false),
            Content::Json(b"{\"a\": 1}")
        );
        assert_eq!(sniff(b" \n\t", false), Content::Empty);
        assert_eq!(sniff(b"From a@b Sat\r\n", true), Content::Mbox);
        assert_eq!(sniff(b"From: a@b\r\n", false), Content::Message);
        assert_eq!(sniff(b"\n\nFrom a@b Sat\r\n", true), Content::Mbox);
        assert_eq!(
            sniff(b"  From a@b Sat\r\n", true),
            Content::Message,
            "a From that starts no line separates no message"
        );
        assert_eq!(
            sniff(b"From a@b Sat\r\n", false),
            Content::Message,
            "an mbox on disk is streamed by the walk, never sniffed whole"
        );
    }
}
