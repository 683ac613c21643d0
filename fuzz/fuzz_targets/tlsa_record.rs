//! TLSA records (RFC 6698): the model's parser of the presentation form,
//! one record per line, and its reading of the fields as DNS carries
//! them (the whole input: usage, selector and matching type bytes, then
//! the data). What parses renders to itself and keeps its digest's length.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts::model::Tlsa;
use mtasts_fuzz::assert_shown;

#[track_caller]
fn assert_sound(t: &Tlsa) {
    let rendered = t.to_string();
    assert_eq!(Tlsa::parse(&rendered).as_ref(), Ok(t), "{rendered:?}");
    assert!(
        t.data_hex()
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert!(!t.data().is_empty());
    if let Some(len) = t.matching().data_len() {
        assert_eq!(t.data().len(), len);
    }
    // Data that is no certificate matches nothing.
    if mtasts::model::tlsa::parse_certificate(t.data()).is_err() {
        assert!(!t.matches(&[t.data(), t.data()]));
    }
}

fuzz_target!(|data: &[u8]| {
    for line in data.split(|&b| b == b'\n') {
        let Ok(text) = std::str::from_utf8(line) else {
            continue;
        };
        match Tlsa::parse(text) {
            Ok(t) => assert_sound(&t),
            Err(e) => assert_shown("tlsa", &e.to_string()),
        }
    }
    if let [usage, selector, matching, rest @ ..] = data {
        match Tlsa::from_fields(*usage, *selector, *matching, rest.to_vec()) {
            Ok(t) => {
                assert_eq!(
                    (
                        t.usage().number(),
                        t.selector().number(),
                        t.matching().number()
                    ),
                    (*usage, *selector, *matching)
                );
                assert_eq!(t.data(), rest);
                assert_sound(&t);
            }
            Err(e) => assert_shown("tlsa", &e.to_string()),
        }
    }
});
