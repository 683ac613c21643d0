//! Showing text that came from outside (DNS, HTTP, SMTP, user input) on a
//! terminal without letting it drive the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Escapes control characters (C0, DEL, C1), Unicode format characters
/// such as bidi overrides, and the backslash itself, so that hostile text
/// can neither send escape sequences nor pass itself off as other text.
pub fn escape(s: &str) -> String {
    escape_cow(s).into_owned()
}

/// [`escape`] that borrows `s` when nothing needs escaping, the common
/// case, so that text read in bulk (reports) is not copied for nothing.
pub fn escape_cow(s: &str) -> Cow<'_, str> {
    if plain_ascii(s) || !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Escapes bytes that may not be UTF-8: invalid sequences are shown as
/// `\xNN`.
pub fn escape_bytes(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        out.push_str(&escape(chunk.valid()));
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out
}

/// Printable ASCII without a backslash, the common case, needs no look at
/// each character's Unicode properties. Eight bytes are checked at a
/// time, without an early exit: the strings are short (names, policy
/// lines), and a report has dozens of them.
fn plain_ascii(s: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    // Any byte below 0x20, at or above 0x7f, or a backslash.
    let special = |x: u64| {
        (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | (x & HIGH)
            | zero(x ^ (ONES * 0x7f))
            | zero(x ^ (ONES * u64::from(b'\\')))
    };
    let chunks = s.as_bytes().chunks_exact(8);
    let tail = chunks.remainder();
    let mut found = 0;
    for chunk in chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        found |= special(u64::from_le_bytes(word));
    }
    // The tail, padded with a plain letter.
    let mut word = [b'a'; 8];
    word[..tail.len()].copy_from_slice(tail);
    found |= special(u64::from_le_bytes(word));
    found == 0
}

fn needs_escape(c: char) -> bool {
    c == '\\'
        || c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(escape("v=STSv1; id=abc ñ"), "v=STSv1; id=abc ñ");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("a\u{1b}[31mb"), "a\\x1b[31mb");
        assert_eq!(escape("a\r\nb\t\\"), "a\\r\\nb\\t\\\\");
        assert_eq!(escape("\u{9b}"), "\\x9b");
        assert_eq!(escape("\u{202e}x"), "\\u{202e}x");
        assert_eq!(escape("\u{7f}"), "\\x7f");
    }

    proptest::proptest! {
        /// The ASCII fast path agrees with the full check, and what is
        /// borrowed is exactly what needs no escaping.
        #[test]
        fn fast_path_agrees_with_the_full_check(s in "(\\PC|[\\x00-\\x7f\\u{80}-\\u{9f}\\u{202e}])*") {
            let borrowed = matches!(escape_cow(&s), Cow::Borrowed(_));
            proptest::prop_assert_eq!(borrowed, !s.chars().any(needs_escape));
            if s.is_ascii() {
                proptest::prop_assert_eq!(plain_ascii(&s), !s.chars().any(needs_escape));
            }
            proptest::prop_assert!(!escape(&s).chars().any(|c| c.is_control()));
        }
    }

    /// Every ASCII byte at every position of words and tails: the
    /// word-at-a-time check has no borrow or carry mistakes.
    #[test]
    fn fast_path_is_exact_for_every_byte_and_position() {
        for len in 1..=17 {
            for at in 0..len {
                for b in 0u8..0x80 {
                    let mut bytes = vec![b'x'; len];
                    bytes[at] = b;
                    let s = String::from_utf8(bytes).unwrap();
                    let plain = (0x20..0x7f).contains(&b) && b != b'\\';
                    assert_eq!(plain_ascii(&s), plain, "{len} {at} {b:#x}");
                }
            }
        }
        assert!(!plain_ascii("é"));
        assert!(plain_ascii(""));
    }

    #[test]
    fn invalid_utf8_is_shown_as_hex() {
        assert_eq!(escape_bytes(b"ok\xff\x1b"), "ok\\xff\\x1b");
    }
}
