//! A file given to `report`: whatever it holds (gzip, a mail message, an
//! mbox, JSON, nested up to the depth allowed) opened, its reports read,
//! deduplicated and aggregated, judged and printed.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts::report::containers::{Content, sniff};
use mtasts::report::parse;
use mtasts_fuzz::{assert_report_printed, filter, now};

fuzz_target!(|data: &[u8]| {
    let filter = filter();
    let collected = mtasts::fuzzing::report_file(data, &filter);
    assert_eq!(collected.files, 1);
    let read = collected.agg.reports + collected.agg.duplicates;
    // Nothing is passed over in silence: a file gives a report or an error.
    assert!(read + collected.errors.len() > 0, "{collected:?}");
    // A report on its own is read as the JSON reader reads it.
    if let Content::Json(json) = sniff(data, false) {
        let parsed = parse::parse(json, now());
        assert_eq!(read, usize::from(parsed.is_ok()), "{collected:?}");
    }
    assert_report_printed(&collected, &filter);
});
