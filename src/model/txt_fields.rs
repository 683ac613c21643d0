//! The `v=VERSION; key=value; …` layout shared by the STS record (RFC 8461
//! §3.1) and the TLS-RPT record (RFC 8460 §3).

use thiserror::Error;

use super::shown::shown;

/// A syntax problem in a `key=value` TXT record.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FieldError {
    #[error("the record is empty")]
    Empty,
    #[error("the record must begin with '{expected}', found '{found}'")]
    NotFirst {
        expected: &'static str,
        found: String,
    },
    #[error("the version is '{found}', not '{expected}' (case-sensitive)")]
    WrongVersion {
        expected: &'static str,
        found: String,
    },
    #[error("field {index} is empty (two ';' in a row); remove the extra ';'")]
    EmptyField { index: usize },
    #[error("field '{0}' has no '='; fields are written key=value")]
    NoEquals(String),
    #[error(
        "field name '{0}' is not valid: 1-32 letters, digits, '_', '-' or '.', starting with a letter or digit"
    )]
    BadName(String),
    #[error("field '{name}' has an empty value")]
    EmptyValue { name: String },
    #[error(
        "the value of field '{name}' contains '{ch}'; values may not contain spaces, '=', ';' or control characters"
    )]
    BadValue { name: String, ch: String },
    /// RFC 8461 §3.1 and RFC 8460 §3 allow white space only around a `;`.
    #[error(
        "white space after the last field '{field}'; it is allowed only around a ';': remove it (or end the record with ';')"
    )]
    TrailingSpace { field: String },
}

impl FieldError {
    /// The stable diagnostic code of a syntax error, the same in an STS and
    /// a TLS-RPT record: the two share the layout and this parser.
    pub fn code(&self) -> &'static str {
        match self {
            FieldError::Empty => "txt-empty",
            FieldError::NotFirst { .. } => "txt-version-not-first",
            FieldError::WrongVersion { .. } => "txt-version-invalid",
            FieldError::EmptyField { .. } => "txt-field-empty",
            FieldError::NoEquals(_) => "txt-field-no-equals",
            FieldError::BadName(_) => "txt-field-name-invalid",
            FieldError::EmptyValue { .. } => "txt-field-value-empty",
            FieldError::BadValue { .. } => "txt-field-value-invalid",
            FieldError::TrailingSpace { .. } => "txt-trailing-space",
        }
    }
}

/// One `key=value` field after the version, in record order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field<'a> {
    pub name: &'a str,
    pub value: &'a str,
}

/// A split record: its fields, and whether whitespace stood before the first
/// `;` (valid ABNF, but the discard rule wants the record to begin with
/// `v=…;` literally: RFC 8461 erratum 6285).
#[derive(Debug)]
pub(crate) struct Fields<'a> {
    pub fields: Vec<Field<'a>>,
    pub space_before_semicolon: bool,
}

fn is_wsp(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Splits a record that must begin with `version` into its fields. Field
/// values are returned raw; [`check_ext_value`] checks the generic value
/// grammar, and callers apply stricter rules to the fields they know.
pub(crate) fn split<'a>(record: &'a str, version: &'static str) -> Result<Fields<'a>, FieldError> {
    if record.is_empty() {
        return Err(FieldError::Empty);
    }
    let mut segments = record.split(';');
    let first = segments.next().unwrap_or_default();
    let first_trimmed = first.trim_end_matches(is_wsp);
    if first_trimmed != version {
        let quoted = shown(first_trimmed);
        let version_key = version.split('=').next().unwrap_or_default();
        return Err(if first_trimmed.starts_with(&format!("{version_key}=")) {
            FieldError::WrongVersion {
                expected: version,
                found: quoted,
            }
        } else {
            FieldError::NotFirst {
                expected: version,
                found: quoted,
            }
        });
    }
    let space_before_semicolon = first_trimmed.len() != first.len() && record.len() > first.len();
    let rest: Vec<&str> = segments.collect();
    let mut fields = Vec::new();
    for (i, segment) in rest.iter().enumerate() {
        let seg = segment.trim_matches(is_wsp);
        if seg.is_empty() {
            if i + 1 == rest.len() {
                break; // one trailing delimiter is allowed
            }
            return Err(FieldError::EmptyField { index: i + 1 });
        }
        let Some((name, value)) = seg.split_once('=') else {
            return Err(FieldError::NoEquals(shown(seg)));
        };
        if i + 1 == rest.len() && segment.ends_with(is_wsp) {
            return Err(FieldError::TrailingSpace { field: shown(seg) });
        }
        check_name(name)?;
        fields.push(Field { name, value });
    }
    Ok(Fields {
        fields,
        space_before_semicolon,
    })
}

/// `(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")`, the extension
/// name rule of both RFCs (and of policy file keys).
pub(crate) fn is_ext_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && name.len() <= 32
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn check_name(name: &str) -> Result<(), FieldError> {
    if is_ext_name(name) {
        Ok(())
    } else {
        Err(FieldError::BadName(shown(name)))
    }
}

/// `1*(%x21-3A / %x3C / %x3E-7E)`: printable ASCII except `=` and `;`.
pub(crate) fn check_ext_value(name: &str, value: &str) -> Result<(), FieldError> {
    if value.is_empty() {
        return Err(FieldError::EmptyValue {
            name: name.to_string(),
        });
    }
    match value
        .chars()
        .find(|&c| !matches!(c, '\x21'..='\x3a' | '\x3c' | '\x3e'..='\x7e'))
    {
        Some(ch) => Err(FieldError::BadValue {
            name: name.to_string(),
            ch: shown(&ch.to_string()),
        }),
        None => Ok(()),
    }
}

/// `version` at the start, then `;` or whitespace followed by more, but
/// not a stray (see [`is_stray_version`]).
pub(crate) fn begins_with_version(txt: &[u8], version: &str) -> bool {
    txt.strip_prefix(version.as_bytes())
        .is_some_and(|rest| matches!(rest.first(), Some(b';' | b' ' | b'\t')))
        && !is_stray_version(txt, version)
}

/// `version` alone, or followed by nothing but spaces and tabs: no `;`, so
/// it does not begin with `version;` and senders discard it (RFC 8461
/// §3.1, RFC 8460 §3) — it must not count as a second record.
pub(crate) fn is_stray_version(txt: &[u8], version: &str) -> bool {
    txt.strip_prefix(version.as_bytes())
        .is_some_and(|rest| rest.iter().all(|b| matches!(b, b' ' | b'\t')))
}

/// Concatenates the character-strings of one TXT record with nothing in
/// between (RFC 8461 §3.1, RFC 7208 §3.3).
pub fn concat_strings<S: AsRef<[u8]>>(strings: &[S]) -> Vec<u8> {
    strings
        .iter()
        .flat_map(|s| s.as_ref().iter().copied())
        .collect()
}
