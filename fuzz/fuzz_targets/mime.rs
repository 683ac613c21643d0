//! Mail messages (RFC 5322, MIME) as `report` reads them for report parts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts::report::containers::mime::{MAX_PARTS, report_parts};

fuzz_target!(|data: &[u8]| {
    let Ok(parts) = report_parts(data) else {
        return;
    };
    assert!(!parts.is_empty());
    assert!(parts.len() <= MAX_PARTS + 1, "{} parts", parts.len());
    for p in &parts {
        assert_eq!(p.name, p.name.to_ascii_lowercase());
        assert!(p.name.chars().count() <= 200, "{:?}", p.name);
    }
    // A message cannot make much more work than its size: decoding
    // shrinks, except that text in another charset, or broken base64
    // taken for text, becomes UTF-8, at most three bytes for one.
    let decoded: usize = parts.iter().map(|p| p.contents.len()).sum();
    assert!(
        decoded <= 3 * data.len(),
        "{decoded} bytes out of {}",
        data.len()
    );
});
