//! Gzip (RFC 1952), as `report` decompresses reports: every member, zero
//! padding after the last, and a cap on the output whatever the members'
//! size fields claim. The first two bytes of the input are the cap (little
//! endian), the rest the gzip data. Checked against flate2's own
//! multi-member reader, and run a second time with a smaller cap on the
//! same buffer, as a worker reuses it from report to report.

#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use mtasts::report::containers::gzip::{Gunzip, gunzip};

fuzz_target!(|data: &[u8]| {
    let [a, b, input @ ..] = data else { return };
    let cap = usize::from(u16::from_le_bytes([*a, *b]));
    let mut out = Vec::new();
    for cap in [cap, cap / 3] {
        let before = out.len();
        let got = gunzip(input, cap, &mut out);
        // The buffer grows to the cap at most.
        assert!(out.len() <= before.max(cap), "{} > {cap}", out.len());

        // What flate2 reads of the members, one byte past the cap at most.
        let mut reference = Vec::new();
        let complete = flate2::read::MultiGzDecoder::new(input)
            .take(cap as u64 + 1)
            .read_to_end(&mut reference)
            .is_ok();
        match got {
            Ok(n) => {
                assert!(n <= cap);
                assert_eq!(&out[..n], &reference[..], "cap {cap}");
                // flate2 wants a member at least, and stops at padding.
                assert!(
                    complete || input.is_empty() || input.last() == Some(&0),
                    "cap {cap}"
                );
            }
            Err(Gunzip::TooLarge) => assert_eq!(reference.len(), cap + 1, "cap {cap}"),
            Err(Gunzip::Broken(_)) => {
                assert!(
                    !complete || reference.len() > cap,
                    "cap {cap}: {reference:?}"
                )
            }
        }
    }
});
