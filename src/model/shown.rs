//! How much of an offending value a message quotes back.
//!
//! Messages quote what they found so that the reader can spot it, but the
//! value may be a 131 KB line or a record of a megabyte: echoed whole it
//! would bury the message and flood a terminal or a log. Every value a
//! model error quotes goes through [`shown`], the one place that escapes it
//! (it came from outside) and bounds it.

/// Characters of escaped text a message quotes at most, the ellipsis aside.
pub const SHOWN_MAX_CHARS: usize = 80;

/// `s` escaped for a terminal and cut after [`SHOWN_MAX_CHARS`] characters,
/// with `…` where it was cut. An escape sequence is never cut in half, and
/// only the part shown is looked at, however long `s` is.
pub(crate) fn shown(s: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut buf = [0; 4];
    for c in s.chars() {
        let escaped = crate::text::escape_cow(c.encode_utf8(&mut buf));
        let width = escaped.chars().count();
        if count + width > SHOWN_MAX_CHARS {
            out.push('…');
            break;
        }
        count += width;
        out.push_str(&escaped);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_only_escaped() {
        assert_eq!(shown("mx.example.com"), "mx.example.com");
        assert_eq!(shown("a\u{1b}[31m"), "a\\x1b[31m");
        assert_eq!(shown(""), "");
    }

    #[test]
    fn values_are_cut_after_the_bound_with_an_ellipsis() {
        let exact = "a".repeat(SHOWN_MAX_CHARS);
        assert_eq!(shown(&exact), exact);
        let long = "b".repeat(131_072);
        assert_eq!(shown(&long), format!("{}…", "b".repeat(SHOWN_MAX_CHARS)));
        let one_over = "ñ".repeat(SHOWN_MAX_CHARS + 1);
        assert_eq!(
            shown(&one_over),
            format!("{}…", "ñ".repeat(SHOWN_MAX_CHARS))
        );
    }

    #[test]
    fn an_escape_sequence_is_never_cut() {
        // 78 letters, then an escape of four characters: it does not fit.
        let s = format!("{}\u{1b}", "a".repeat(SHOWN_MAX_CHARS - 2));
        assert_eq!(shown(&s), format!("{}…", "a".repeat(SHOWN_MAX_CHARS - 2)));
        // 76 letters and the four characters of `\x1b` fit exactly.
        let s = format!("{}\u{1b}", "a".repeat(SHOWN_MAX_CHARS - 4));
        assert_eq!(
            shown(&s),
            format!("{}\\x1b", "a".repeat(SHOWN_MAX_CHARS - 4))
        );
    }
}
