use std::fmt;

use thiserror::Error;

use super::sts_id::{StsId, StsIdError};
use super::txt_fields::{self, FieldError};

/// The `_mta-sts` TXT record: `v=STSv1; id=…` plus any extension fields,
/// kept in order (RFC 8461 §3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsRecord {
    pub id: StsId,
    pub extensions: Vec<(String, String)>,
}

/// Something wrong with an STS record, errors and warnings alike.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RecordIssue {
    #[error("the record is not valid UTF-8 text")]
    NotText,
    #[error(transparent)]
    Syntax(#[from] FieldError),
    #[error("the record has no id field; add '; id=' followed by 1-32 letters or digits")]
    MissingId,
    #[error(transparent)]
    BadId(#[from] StsIdError),
    #[error(
        "id appears more than once, so senders may disagree on which id counts (the first is '{0}'): keep exactly one"
    )]
    DuplicateId(String),
    #[error(
        "whitespace before the first ';': strict senders discard records that do not begin with 'v=STSv1;' (erratum 6285); write 'v=STSv1; id=…'"
    )]
    SpaceBeforeSemicolon,
}

/// The outcome of parsing one record: the record, or the rule that stopped
/// it, and the warnings found on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsRecordParse {
    pub record: Result<StsRecord, RecordIssue>,
    pub warnings: Vec<RecordIssue>,
}

impl StsRecord {
    pub const VERSION: &'static str = "v=STSv1";

    pub fn new(id: StsId) -> StsRecord {
        StsRecord {
            id,
            extensions: Vec::new(),
        }
    }

    /// True for a TXT record that claims to be an STS record: one that
    /// begins `v=STSv1` followed by `;` or whitespace and more. Senders
    /// count these to decide whether there is exactly one (§3.1); anything
    /// else at the name, `v=STSv10…` and [strays](Self::is_stray) included,
    /// is ignored. Whitespace before the `;` still counts, so that the
    /// record gets its erratum-6285 warning.
    pub fn is_candidate(txt: &[u8]) -> bool {
        super::txt_fields::begins_with_version(txt, Self::VERSION)
    }

    /// `v=STSv1` with nothing but white space after it: it does not begin
    /// with `v=STSv1;`, so senders discard it (§3.1) — worth a warning, as
    /// it looks like a second record to whoever reads the zone.
    pub fn is_stray(txt: &[u8]) -> bool {
        super::txt_fields::is_stray_version(txt, Self::VERSION)
    }

    /// Parses the strings of one TXT record, concatenated without spaces.
    pub fn parse_strings<S: AsRef<[u8]>>(strings: &[S]) -> StsRecordParse {
        let bytes = txt_fields::concat_strings(strings);
        match std::str::from_utf8(&bytes) {
            Ok(text) => StsRecord::parse(text),
            Err(_) => StsRecordParse {
                record: Err(RecordIssue::NotText),
                warnings: Vec::new(),
            },
        }
    }

    /// Parses a record value such as `v=STSv1; id=20261128195300Z`.
    pub fn parse(text: &str) -> StsRecordParse {
        let mut warnings = Vec::new();
        let record = Self::parse_inner(text, &mut warnings);
        StsRecordParse { record, warnings }
    }

    fn parse_inner(text: &str, warnings: &mut Vec<RecordIssue>) -> Result<StsRecord, RecordIssue> {
        let split = txt_fields::split(text, Self::VERSION)?;
        if split.space_before_semicolon {
            warnings.push(RecordIssue::SpaceBeforeSemicolon);
        }
        let mut id: Option<StsId> = None;
        let mut extensions = Vec::new();
        for field in split.fields {
            if field.name == "id" {
                if let Some(first) = &id {
                    warnings.push(RecordIssue::DuplicateId(first.to_string()));
                    continue;
                }
                id = Some(StsId::parse(field.value)?);
            } else {
                txt_fields::check_ext_value(field.name, field.value)?;
                extensions.push((field.name.to_string(), field.value.to_string()));
            }
        }
        let id = id.ok_or(RecordIssue::MissingId)?;
        Ok(StsRecord { id, extensions })
    }
}

impl RecordIssue {
    /// The issue's stable diagnostic code, shown by `lint` and in its JSON.
    pub fn code(&self) -> &'static str {
        match self {
            RecordIssue::NotText => "record-not-utf8",
            RecordIssue::Syntax(e) => e.code(),
            RecordIssue::MissingId => "record-missing-id",
            RecordIssue::BadId(e) => e.code(),
            RecordIssue::DuplicateId(_) => "record-duplicate-id",
            RecordIssue::SpaceBeforeSemicolon => "record-space-before-semicolon",
        }
    }
}

impl fmt::Display for StsRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; id={}", Self::VERSION, self.id)?;
        for (k, v) in &self.extensions {
            write!(f, "; {k}={v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> StsRecord {
        let p = StsRecord::parse(text);
        p.record.unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn err(text: &str) -> RecordIssue {
        StsRecord::parse(text).record.expect_err(text)
    }

    #[test]
    fn accepts_valid_records() {
        assert_eq!(
            ok("v=STSv1; id=20160831085700Z").id.as_str(),
            "20160831085700Z"
        );
        assert_eq!(ok("v=STSv1;id=abc").id.as_str(), "abc");
        assert_eq!(ok("v=STSv1; id=abc;").id.as_str(), "abc");
        assert_eq!(ok("v=STSv1; id=abc; ").id.as_str(), "abc");
        assert_eq!(ok("v=STSv1;\tid=abc").id.as_str(), "abc");
        assert_eq!(
            ok(&format!("v=STSv1; id={}", "a".repeat(32)))
                .id
                .as_str()
                .len(),
            32
        );
    }

    #[test]
    fn keeps_extension_fields_in_order() {
        let r = ok("v=STSv1; ext2=b; id=x1; ext1=a");
        assert_eq!(
            r.extensions,
            vec![("ext2".into(), "b".into()), ("ext1".into(), "a".into())]
        );
        assert_eq!(r.to_string(), "v=STSv1; id=x1; ext2=b; ext1=a");
    }

    #[test]
    fn concatenates_split_strings_without_spaces() {
        let p = StsRecord::parse_strings(&["v=STSv1; id=2026", "1128195300Z"]);
        assert_eq!(p.record.unwrap().id.as_str(), "20261128195300Z");
        let p = StsRecord::parse_strings(&["v=STSv1;", " id=abc"]);
        assert_eq!(p.record.unwrap().id.as_str(), "abc");
    }

    #[test]
    fn rejects_bad_ids() {
        assert!(matches!(
            err("v=STSv1; id=2024-01-01"),
            RecordIssue::BadId(StsIdError::BadChar { .. })
        ));
        assert!(matches!(
            err("v=STSv1; id=abc+def"),
            RecordIssue::BadId(StsIdError::BadChar { .. })
        ));
        assert!(matches!(
            err(&format!("v=STSv1; id={}", "a".repeat(33))),
            RecordIssue::BadId(StsIdError::TooLong(..))
        ));
        assert!(matches!(
            err("v=STSv1; id="),
            RecordIssue::BadId(StsIdError::Empty)
        ));
        assert!(matches!(err("v=STSv1; id=abc def"), RecordIssue::BadId(_)));
    }

    #[test]
    fn rejects_wrong_or_misplaced_version() {
        assert!(matches!(
            err("v=STSv12; id=abc"),
            RecordIssue::Syntax(FieldError::WrongVersion { .. })
        ));
        assert!(matches!(
            err("v=stsv1; id=abc"),
            RecordIssue::Syntax(FieldError::WrongVersion { .. })
        ));
        assert!(matches!(
            err("id=abc; v=STSv1"),
            RecordIssue::Syntax(FieldError::NotFirst { .. })
        ));
        assert!(matches!(
            err(" v=STSv1; id=abc"),
            RecordIssue::Syntax(FieldError::NotFirst { .. })
        ));
        assert!(matches!(err(""), RecordIssue::Syntax(FieldError::Empty)));
    }

    #[test]
    fn requires_an_id() {
        assert_eq!(err("v=STSv1"), RecordIssue::MissingId);
        assert_eq!(err("v=STSv1;"), RecordIssue::MissingId);
        assert_eq!(err("v=STSv1; ext=1"), RecordIssue::MissingId);
    }

    #[test]
    fn rejects_malformed_fields() {
        assert!(matches!(
            err("v=STSv1;; id=abc"),
            RecordIssue::Syntax(FieldError::EmptyField { .. })
        ));
        assert!(matches!(
            err("v=STSv1; id"),
            RecordIssue::Syntax(FieldError::NoEquals(_))
        ));
        assert!(matches!(
            err("v=STSv1; id=a; _x=1"),
            RecordIssue::Syntax(FieldError::BadName(_))
        ));
        assert!(matches!(
            err("v=STSv1; id=a; x=a=b"),
            RecordIssue::Syntax(FieldError::BadValue { .. })
        ));
        assert!(matches!(
            err("v=STSv1; id=a; x="),
            RecordIssue::Syntax(FieldError::EmptyValue { .. })
        ));
        assert_eq!(
            StsRecord::parse_strings(&[b"v=STSv1; id=\xff".as_slice()]).record,
            Err(RecordIssue::NotText)
        );
    }

    #[test]
    fn white_space_only_around_a_semicolon() {
        for bad in [
            "v=STSv1; id=abc ",
            "v=STSv1; id=abc\t",
            "v=STSv1; x=1; id=abc  ",
        ] {
            assert!(
                matches!(
                    StsRecord::parse(bad).record,
                    Err(RecordIssue::Syntax(FieldError::TrailingSpace { .. }))
                ),
                "{bad:?}"
            );
        }
        for good in [
            "v=STSv1; id=abc ;",
            "v=STSv1; id=abc;",
            "v=STSv1;id=abc",
            "v=STSv1; id=abc ; x=1",
        ] {
            assert!(StsRecord::parse(good).record.is_ok(), "{good:?}");
        }
        let e = StsRecord::parse("v=STSv1; id=abc ").record.unwrap_err();
        assert!(e.to_string().contains("'id=abc'"), "{e}");
    }

    #[test]
    fn warns_about_space_before_semicolon_and_duplicate_id() {
        let p = StsRecord::parse("v=STSv1 ; id=abc");
        assert!(p.record.is_ok());
        assert_eq!(p.warnings, vec![RecordIssue::SpaceBeforeSemicolon]);
        let p = StsRecord::parse("v=STSv1; id=abc; id=def");
        assert_eq!(p.record.unwrap().id.as_str(), "abc");
        assert_eq!(p.warnings, vec![RecordIssue::DuplicateId("abc".into())]);
    }

    #[test]
    fn candidates_begin_with_the_version() {
        assert!(StsRecord::is_candidate(b"v=STSv1; id=1"));
        assert!(!StsRecord::is_candidate(b"v=STSv12; id=1"));
        for stray in [&b"v=STSv1"[..], b"v=STSv1 ", b"v=STSv1\t \t"] {
            assert!(!StsRecord::is_candidate(stray), "{stray:?}");
            assert!(StsRecord::is_stray(stray), "{stray:?}");
        }
        assert!(!StsRecord::is_stray(b"v=STSv1; id=1"));
        assert!(!StsRecord::is_stray(b"v=STSv1 ;"));
        assert!(!StsRecord::is_stray(b"v=STSv12"));
        assert!(
            StsRecord::is_candidate(b"v=STSv1 id=1"),
            "a syntax error, not a stray"
        );
        assert!(StsRecord::is_candidate(b"v=STSv1 ; id=1"));
        assert!(!StsRecord::is_candidate(b"v=spf1 -all"));
        assert!(!StsRecord::is_candidate(b" v=STSv1; id=1"));
    }

    #[test]
    fn whitespace_counts_before_a_semicolon_only() {
        let p = StsRecord::parse("v=STSv1 ");
        assert_eq!(p.record, Err(RecordIssue::MissingId));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let p = StsRecord::parse("v=STSv1\t; id=1");
        assert_eq!(p.warnings, vec![RecordIssue::SpaceBeforeSemicolon]);
    }

    #[test]
    fn only_one_trailing_semicolon_is_allowed() {
        assert_eq!(
            err("v=STSv1; id=a;;"),
            RecordIssue::Syntax(FieldError::EmptyField { index: 2 })
        );
        assert_eq!(
            err("v=STSv1; ; id=a"),
            RecordIssue::Syntax(FieldError::EmptyField { index: 1 })
        );
    }

    #[test]
    fn field_names_and_values() {
        let name32 = format!("x{}", "y".repeat(31));
        assert_eq!(
            ok(&format!("v=STSv1; id=a; {name32}=1")).extensions,
            vec![(name32.clone(), "1".into())]
        );
        assert_eq!(
            err(&format!("v=STSv1; id=a; {name32}z=1")),
            RecordIssue::Syntax(FieldError::BadName(format!("{name32}z")))
        );
        // Printable ASCII but '=' and ';' (and so no space either).
        assert_eq!(
            ok("v=STSv1; id=a; x=!:<>~").extensions,
            vec![("x".into(), "!:<>~".into())]
        );
        for (value, ch) in [("a b", " "), ("a\u{7f}", "\\x7f"), ("é", "é")] {
            assert_eq!(
                err(&format!("v=STSv1; id=a; x={value}")),
                RecordIssue::Syntax(FieldError::BadValue {
                    name: "x".into(),
                    ch: ch.into()
                })
            );
        }
    }

    #[test]
    fn errors_quote_what_they_found_bounded() {
        let long = format!("v=STSv1; {}", "k".repeat(100_000));
        match err(&long) {
            RecordIssue::Syntax(FieldError::NoEquals(found)) => {
                assert_eq!(found.chars().count(), crate::model::SHOWN_MAX_CHARS + 1)
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            err("v=STSv1\u{1b}; id=1"),
            RecordIssue::Syntax(FieldError::WrongVersion {
                expected: "v=STSv1",
                found: "v=STSv1\\x1b".into()
            })
        );
    }
}
