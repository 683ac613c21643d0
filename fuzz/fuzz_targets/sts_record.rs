//! The `_mta-sts` TXT record (RFC 8461 §3.1): the model's parser and the
//! `check` rules over a whole TXT answer. The input is the answer, one
//! record per line, each cut into character-strings of at most 255 bytes
//! as DNS carries them.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts::Clock;
use mtasts::check::finding::Status;
use mtasts::check::rules::record;
use mtasts::model::lint::{self, LintInput};
use mtasts::model::{Domain, StsRecord};
use mtasts::probe::dns::Answer;
use mtasts_fuzz::{assert_finding_shown, assert_shown, now};

fuzz_target!(|data: &[u8]| {
    let records: Vec<Vec<Vec<u8>>> = data
        .split(|&b| b == b'\n')
        .map(|r| r.chunks(255).map(<[u8]>::to_vec).collect())
        .collect();
    for strings in &records {
        let joined = strings.concat();
        let parsed = StsRecord::parse_strings(strings);
        for w in &parsed.warnings {
            assert_shown(w.code(), &w.to_string());
        }
        if let Ok(text) = std::str::from_utf8(&joined) {
            let report = lint::judge("input", &LintInput::Record(text.to_string()), None);
            assert_eq!(report.valid(), parsed.record.is_ok());
            assert_eq!(report.summary.is_some(), parsed.record.is_ok());
            for d in &report.diagnostics {
                assert_shown(d.code, &d.message);
            }
        }
        match &parsed.record {
            Err(e) => assert_shown(e.code(), &e.to_string()),
            Ok(r) => {
                // A record that parses is one that senders count.
                assert!(StsRecord::is_candidate(&joined), "{joined:?}");
                let rendered = r.to_string();
                let again = StsRecord::parse(&rendered);
                assert_eq!(again.record.as_ref(), Ok(r), "{rendered:?}");
                assert!(again.warnings.is_empty(), "{:?}", again.warnings);
            }
        }
        assert!(!(StsRecord::is_stray(&joined) && StsRecord::is_candidate(&joined)));
    }

    let domain = Domain::parse("example.test").expect("a valid domain");
    let answer = Ok(Answer {
        records: records.clone(),
        cname_chain: Vec::new(),
    });
    let judged = record::judge(&domain, &answer, &Clock::fixed(now()));
    for f in &judged.findings {
        assert_finding_shown(f);
    }
    if let Some(shown) = &judged.shown {
        assert_shown("shown", shown);
    }
    // One record that parses: its id is the one remembered, and the
    // syntax check does not fail.
    let candidates: Vec<Vec<u8>> = records
        .iter()
        .map(|s| s.concat())
        .filter(|r| StsRecord::is_candidate(r))
        .collect();
    if let [only] = &candidates[..]
        && let Ok(r) = StsRecord::parse_strings(&[only]).record
    {
        assert_eq!(judged.id.as_deref(), Some(r.id.as_str()));
        assert_ne!(judged.findings[2].status, Status::Fail);
    }
});
