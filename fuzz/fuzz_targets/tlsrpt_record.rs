//! The `_smtp._tls` TXT record (RFC 8460 §3): the model's parser and the
//! `check` rules over a whole TXT answer. The input is the answer, one
//! record per line, each cut into character-strings of at most 255 bytes
//! as DNS carries them.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts::check::finding::Status;
use mtasts::check::rules::tlsrpt;
use mtasts::model::lint::{self, LintInput};
use mtasts::model::{Domain, RuaUri, TlsRptRecord};
use mtasts::probe::dns::Answer;
use mtasts_fuzz::{assert_finding_shown, assert_shown};

fuzz_target!(|data: &[u8]| {
    let records: Vec<Vec<Vec<u8>>> = data
        .split(|&b| b == b'\n')
        .map(|r| r.chunks(255).map(<[u8]>::to_vec).collect())
        .collect();
    for strings in &records {
        let joined = strings.concat();
        let parsed = TlsRptRecord::parse_strings(strings);
        for w in &parsed.warnings {
            assert_shown(w.code(), &w.to_string());
        }
        if let Ok(text) = std::str::from_utf8(&joined) {
            let report = lint::judge("input", &LintInput::TlsRpt(text.to_string()), None);
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
                assert!(TlsRptRecord::is_candidate(&joined), "{joined:?}");
                assert!(!r.rua.is_empty());
                for uri in &r.rua {
                    assert_shown("rua", uri.as_str());
                    assert_eq!(RuaUri::parse(uri.as_str()).as_ref(), Ok(uri));
                }
                let rendered = r.to_string();
                let again = TlsRptRecord::parse(&rendered);
                assert_eq!(again.record.as_ref(), Ok(r), "{rendered:?}");
                assert!(again.warnings.is_empty(), "{:?}", again.warnings);
            }
        }
        assert!(!(TlsRptRecord::is_stray(&joined) && TlsRptRecord::is_candidate(&joined)));
    }

    let domain = Domain::parse("example.test").expect("a valid domain");
    let answer = Ok(Answer {
        records: records.clone(),
        cname_chain: Vec::new(),
    });
    let findings = tlsrpt::judge(&domain, &answer);
    for f in &findings {
        assert_finding_shown(f);
    }
    // One record that parses, and no stray beside it: the syntax passes.
    let joined: Vec<Vec<u8>> = records.iter().map(|s| s.concat()).collect();
    let candidates: Vec<&Vec<u8>> = joined
        .iter()
        .filter(|r| TlsRptRecord::is_candidate(r))
        .collect();
    let strays = joined.iter().any(|r| TlsRptRecord::is_stray(r));
    if let [only] = &candidates[..]
        && let Ok(r) = TlsRptRecord::parse_strings(&[only]).record
    {
        let clean = TlsRptRecord::parse_strings(&[only]).warnings.is_empty() && !strays;
        let expected = if clean { Status::Pass } else { Status::Warn };
        assert_eq!(findings[1].status, expected, "{r:?}");
    }
});
