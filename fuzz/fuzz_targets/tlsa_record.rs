//! TLSA records (RFC 6698): the model's parser of the presentation form,
//! one record per line, and its reading of the fields as DNS carries
//! them (the whole input: usage, selector and matching type bytes, then
//! the data), as a record or as what DNS served. What parses renders to
//! itself and keeps its digest's length; what does not is kept as served,
//! with the same reason, and never matches.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts::model::{Match, ServedTlsa, Tlsa};
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
    assert!(t.abbreviated().starts_with(&rendered[..6]));
    // Data that is no certificate matches nothing.
    if mtasts::model::tlsa::parse_certificate(t.data()).is_err() {
        assert!(matches!(
            t.check(&[t.data(), t.data()]),
            Match::None | Match::Unusable
        ));
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
        let served = ServedTlsa::from_fields(*usage, *selector, *matching, rest.to_vec());
        let shown = served.abbreviated();
        assert!(shown.starts_with(&format!("{usage} {selector} {matching} ")));
        assert_eq!(served.usable().is_some(), served.why_unusable().is_none());
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
                assert_eq!(served, ServedTlsa::Record(t.clone()));
                assert_sound(&t);
            }
            Err(e) => {
                assert_shown("tlsa", &e.to_string());
                let ServedTlsa::Malformed(m) = &served else {
                    panic!("{served:?} from fields that make no record");
                };
                assert_eq!(m.why(), &e);
                assert_eq!(served.check(&[rest, rest]), Match::Unusable);
            }
        }
    }
});
