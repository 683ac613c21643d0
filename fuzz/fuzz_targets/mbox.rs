//! mbox files (mboxo and mboxrd), split into messages as `report` streams
//! them. The first byte of the input sets the size of the read buffer
//! (1 to 256 bytes), the rest is the mbox: the messages must not depend on
//! where reads happen to end.

#![no_main]

use std::io::BufReader;

use libfuzzer_sys::fuzz_target;
use mtasts::report::containers::mbox::{Message, Messages, is_mbox};

fuzz_target!(|data: &[u8]| {
    let [size, mbox @ ..] = data else { return };
    let whole: Vec<Message> = Messages::new(mbox)
        .map(|m| m.expect("a slice reads"))
        .collect();
    let buffered: Vec<Message> =
        Messages::new(BufReader::with_capacity(usize::from(*size) + 1, mbox))
            .map(|m| m.expect("a slice reads"))
            .collect();
    assert_eq!(whole, buffered);
    for (i, m) in whole.iter().enumerate() {
        assert_eq!(m.index, i + 1);
    }
    // Unescaping only removes bytes.
    let bodies: usize = whole
        .iter()
        .filter_map(|m| m.body.as_ref())
        .map(Vec::len)
        .sum();
    assert!(bodies <= mbox.len());
    // What is taken for an mbox has a message.
    if is_mbox(mbox) {
        assert!(!whole.is_empty(), "{mbox:?}");
    }
});
