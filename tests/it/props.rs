//! Property tests of the model: render then parse gives the value back, and
//! no input makes a parser panic.

use mtasts::model::{MaxAge, Mode, MxPattern, Policy, RuaUri, StsId, StsRecord, TlsRptRecord};
use proptest::prelude::*;

/// An LDH label that is not an A-label (`xn--…`, which must be valid
/// Punycode) nor reserved for one (hyphens in the third and fourth place).
fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?"
        .prop_filter("not an A-label", |l| l.get(2..4) != Some("--"))
}

fn host() -> impl Strategy<Value = String> {
    (prop::collection::vec(label(), 1..4), "[a-z]{2,6}").prop_map(|(mut labels, tld)| {
        labels.push(tld);
        labels.join(".")
    })
}

fn pattern() -> impl Strategy<Value = MxPattern> {
    (any::<bool>(), host()).prop_map(|(wild, h)| {
        let text = if wild { format!("*.{h}") } else { h };
        MxPattern::parse(&text).expect("generated pattern is valid")
    })
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![Just(Mode::Enforce), Just(Mode::Testing), Just(Mode::None)]
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        mode(),
        prop::collection::vec(pattern(), 1..5),
        0..=MaxAge::MAX,
        prop::collection::vec(("[a-z][a-z0-9_.-]{0,8}", "[!-~]([ !-~]{0,10}[!-~])?"), 0..3),
    )
        .prop_map(|(mode, mut mx, age, ext)| {
            let mut seen = Vec::new();
            mx.retain(|p| {
                let fresh = !seen.contains(p);
                seen.push(p.clone());
                fresh
            });
            let mut keys: Vec<String> = Vec::new();
            let extensions = ext
                .into_iter()
                .filter(|(k, _)| {
                    let known = ["version", "mode", "mx", "max_age"].contains(&k.as_str())
                        || keys.contains(k);
                    keys.push(k.clone());
                    !known
                })
                .collect();
            Policy {
                mode,
                mx,
                max_age: MaxAge::new(u64::from(age)).expect("in range"),
                extensions,
            }
        })
}

proptest! {
    #[test]
    fn policy_round_trips(p in policy()) {
        let text = p.render();
        let parsed = Policy::parse(text.as_bytes());
        prop_assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        prop_assert_eq!(parsed.policy, Some(p.clone()));
        let lf = text.replace("\r\n", "\n");
        prop_assert_eq!(Policy::parse(lf.as_bytes()).policy, Some(p));
    }

    #[test]
    fn sts_record_round_trips(id in "[A-Za-z0-9]{1,32}", ext in prop::collection::vec(("[a-z][a-z0-9]{0,5}", "[!-:<>-~]{1,8}"), 0..3)) {
        let extensions: Vec<(String, String)> = ext.into_iter().filter(|(k, _)| k != "id").collect();
        let r = StsRecord { id: StsId::parse(&id).unwrap(), extensions };
        let text = r.to_string();
        prop_assert_eq!(StsRecord::parse(&text).record, Ok(r.clone()));
        // Split anywhere into TXT strings: the concatenation is what counts.
        let cut = text.len() / 2;
        let split = StsRecord::parse_strings(&[&text.as_bytes()[..cut], &text.as_bytes()[cut..]]);
        prop_assert_eq!(split.record, Ok(r));
    }

    #[test]
    fn tlsrpt_record_round_trips(users in prop::collection::vec("[a-z0-9.+_-]{1,10}", 1..4), h in host()) {
        let rua: Vec<RuaUri> = users.iter().map(|u| RuaUri::parse(&format!("mailto:{u}@{h}")).unwrap()).collect();
        let r = TlsRptRecord { rua, extensions: Vec::new() };
        prop_assert_eq!(TlsRptRecord::parse(&r.to_string()).record, Ok(r));
    }

    #[test]
    fn mx_pattern_round_trips_and_matches(p in pattern(), first in label()) {
        prop_assert_eq!(MxPattern::parse(&p.to_string()), Ok(p.clone()));
        let host = if p.is_wildcard() { format!("{first}.{}", p.base()) } else { p.base().to_string() };
        prop_assert!(p.matches(&host));
        let upper = format!("{}.", host.to_uppercase());
        prop_assert!(p.matches(&upper));
        let deeper = format!("{first}.x.{}", p.base());
        prop_assert!(!p.matches(&deeper));
    }

    #[test]
    fn parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = Policy::parse(&bytes);
        let _ = StsRecord::parse_strings(&[&bytes]);
        let _ = TlsRptRecord::parse_strings(&[&bytes]);
        let text = String::from_utf8_lossy(&bytes);
        let _ = MxPattern::parse(&text);
        let _ = mtasts::model::Domain::parse(&text);
        let _ = RuaUri::parse(&text);
    }

    /// `lint` calls an input valid exactly when the parser gave a value:
    /// the exit status and the summary can never disagree.
    #[test]
    fn lint_is_valid_exactly_when_there_is_a_summary(lines in prop::collection::vec("(version|mode|mx|max_age|x)(:| :|)[ \t]{0,2}(STSv1|enforce|testing|none|86400|mx[.]example[.]com|[ -~]{0,12})", 0..6), record in "(v=STSv1|v=TLSRPTv1|x)[ ;]{0,2}(id|rua)=[ -~]{0,16}") {
        use mtasts::model::lint::{LintInput, judge};
        let inputs = [
            LintInput::Policy(lines.join("\n").into_bytes()),
            LintInput::Record(record.clone()),
            LintInput::TlsRpt(record),
        ];
        for input in &inputs {
            let report = judge("x", input, None);
            prop_assert_eq!(report.valid(), report.summary.is_some(), "{:?}", report);
        }
    }

    #[test]
    fn policy_parser_never_panics_on_policy_like_text(lines in prop::collection::vec("(version|mode|mx|max_age|Mode|x)(:| :|)[ \t]{0,2}[ -~ñ\r]{0,20}", 0..8), crlf in any::<bool>()) {
        let body = lines.join(if crlf { "\r\n" } else { "\n" });
        let parsed = Policy::parse(body.as_bytes());
        if parsed.policy.is_some() {
            prop_assert!(!parsed.diagnostics.iter().any(|d| d.is_error()));
        }
    }
}

#[test]
fn time_based_ids_are_valid_ids() {
    let id = mtasts::Clock::system().sts_id();
    assert_eq!(StsId::parse(id.as_str()), Ok(id));
}
