//! A TLS-RPT report (RFC 8460 §4), the JSON itself: read leniently,
//! folded into the aggregates, judged and printed as `report` does.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts::report::aggregate::reporter_key;
use mtasts::report::parse;
use mtasts::report::{Collected, Note};
use mtasts_fuzz::{assert_report_printed, assert_shown, filter, now};

fuzz_target!(|data: &[u8]| {
    let filter = filter();
    let mut collected = Collected {
        files: 1,
        ..Collected::default()
    };
    match parse::parse(data, now()) {
        Err(e) => assert_shown("error", &e.to_string()),
        Ok((report, odd)) => {
            if report.end < report.start {
                assert!(odd.iter().any(|o| matches!(o.note, Note::RangeReversed)));
            }
            for o in &odd {
                assert_shown("reporter", &o.reporter);
                if let Some(id) = &o.report_id {
                    assert_shown("report id", id);
                }
            }
            let reporter = reporter_key(&report.organization);
            collected.agg.add(report, &reporter, &filter);
            assert_eq!(collected.agg.reports, 1);
            collected.oddities = odd.into_iter().map(|o| ("input".to_string(), o)).collect();
        }
    }
    assert_report_printed(&collected, &filter);
});
