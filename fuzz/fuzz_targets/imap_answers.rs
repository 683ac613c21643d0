//! An IMAP server's answers as `report` reads them: through the guard, in
//! pieces, into async-imap and its parser (imap-proto), which parses
//! nested lists recursively, with its panics caught as `report` catches
//! them. A stack overflow, or a panic that is not the parser's, crashes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts::fuzzing::imap_answers;

/// The reading's stack. This build parses a structure as deep as the
/// bound lets through (32 levels) in under 256 KiB, and overflowed
/// 256 KiB at 64 levels: with 1 MiB, an answer that slipped past the
/// bound some hundreds of levels deep crashes the run, where it would
/// pass unseen on a main thread's 8 MiB.
const STACK: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    // The first byte says how the bytes arrive: in pieces of 1 to 256.
    let Some((&piece, input)) = data.split_first() else {
        return;
    };
    let input = input.to_vec();
    let got = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || imap_answers(&input, usize::from(piece) + 1))
        .expect("a thread")
        .join()
        .expect("no panic");
    assert!(!got.guarded || got.stopped.is_some(), "{got:?}");
});
