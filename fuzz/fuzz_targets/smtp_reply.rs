//! SMTP replies (RFC 5321 §4.2) as the STARTTLS probe reads them from a
//! server: the banner, the reply to EHLO with its keywords, the reply to
//! STARTTLS, and whatever follows.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts::fuzzing::smtp_replies;
use mtasts_fuzz::assert_shown;

/// The bounds the probe keeps (`probe/smtp.rs`): bytes per line, lines per
/// reply.
const MAX_LINE: usize = 2048;
const MAX_LINES: usize = 64;

fuzz_target!(|data: &[u8]| {
    let replies = smtp_replies(data);
    let mut end = 0;
    for (i, r) in replies.iter().enumerate() {
        assert_eq!(r.consumed.start, end);
        assert!(r.consumed.end > r.consumed.start, "no progress");
        end = r.consumed.end;
        match &r.reply {
            Err(e) => {
                assert_shown("error", e);
                assert_eq!(i + 1, replies.len(), "a broken reply ends the session");
            }
            Ok(reply) => {
                // Every line of a reply starts with the reply's code, three
                // digits, and ends with LF.
                let raw = &data[r.consumed.clone()];
                let code = format!("{:03}", reply.code);
                let lines: Vec<&[u8]> = raw.split_inclusive(|&b| b == b'\n').collect();
                assert_eq!(lines.len(), reply.lines.len());
                assert!(lines.len() <= MAX_LINES);
                for line in lines {
                    assert!(
                        line.starts_with(code.as_bytes()),
                        "{line:?} in reply {code}"
                    );
                    assert!(line.ends_with(b"\n") && line.len() <= MAX_LINE);
                }
                for text in &reply.lines {
                    assert_shown("reply", text);
                }
                if reply.offers_starttls() {
                    assert!(reply.lines.len() > 1);
                    assert!(
                        reply.lines[1..]
                            .iter()
                            .any(|l| l.trim_start().to_ascii_uppercase().starts_with("STARTTLS"))
                    );
                }
            }
        }
    }
    // The whole input is read, unless a broken reply stopped the reading.
    if replies.last().is_none_or(|r| r.reply.is_ok()) {
        assert_eq!(end, data.len());
    }
});
