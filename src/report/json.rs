//! A small pull reader for JSON (RFC 8259), made for reading reports.
//!
//! A report is read once, for a dozen members, and dropped; most of the
//! time of a generic deserialiser went to its visitor machinery rather than
//! to the scanning. This reader lets the caller walk objects and arrays
//! member by member, borrows strings from the input when they hold no
//! escapes, and skips what the caller does not ask for. It accepts exactly
//! what `serde_json` accepts (a property test holds it to that), with the
//! same nesting limit, so hostile input cannot exhaust the stack.

use std::borrow::Cow;
use std::fmt;

/// Nesting this deep is refused, as serde_json does (127 levels pass).
const MAX_DEPTH: usize = 128;

/// Why the input is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    what: &'static str,
    line: usize,
    column: usize,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.what, self.line, self.column
        )
    }
}

/// A JSON scalar; arrays, objects, `null` and booleans are `Other`.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    Str(Cow<'a, str>),
    U64(u64),
    I64(i64),
    F64(f64),
    Other,
}

/// What the next value is, by its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Object,
    Array,
    String,
    Other,
}

pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Reader<'a> {
        Reader {
            text,
            pos: 0,
            depth: 0,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn error(&self, what: &'static str) -> Error {
        let before = &self.bytes()[..self.pos.min(self.text.len())];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        Error {
            what,
            line,
            column: 1 + self.pos - line_start,
        }
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
    }

    /// The kind of the next value (after whitespace).
    pub fn peek(&mut self) -> Kind {
        self.whitespace();
        match self.bytes().get(self.pos) {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            _ => Kind::Other,
        }
    }

    /// The end of the document: nothing but whitespace may follow.
    pub fn end(&mut self) -> Result<(), Error> {
        self.whitespace();
        if self.pos == self.text.len() {
            Ok(())
        } else {
            Err(self.error("trailing characters"))
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.bytes().get(self.pos) == Some(&byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        Ok(())
    }

    /// Reads an object, calling `member` with each key; `member` must read
    /// or skip the value. `Ok(false)`, with the value skipped, when the
    /// next value is not an object.
    pub fn object(
        &mut self,
        mut member: impl FnMut(&mut Reader<'a>, Cow<'a, str>) -> Result<(), Error>,
    ) -> Result<bool, Error> {
        if self.peek() != Kind::Object {
            self.skip()?;
            return Ok(false);
        }
        self.enter()?;
        self.pos += 1;
        self.whitespace();
        if !self.eat(b'}') {
            loop {
                self.whitespace();
                if self.bytes().get(self.pos) != Some(&b'"') {
                    return Err(self.error("expected a string key"));
                }
                let key = self.string()?;
                self.whitespace();
                if !self.eat(b':') {
                    return Err(self.error("expected `:`"));
                }
                member(self, key)?;
                self.whitespace();
                if self.eat(b',') {
                    continue;
                }
                if self.eat(b'}') {
                    break;
                }
                return Err(self.error("expected `,` or `}`"));
            }
        }
        self.depth -= 1;
        Ok(true)
    }

    /// Reads an array, calling `element` for each element, which must read
    /// or skip it. `Ok(false)`, with the value skipped, when the next value
    /// is not an array.
    pub fn array(
        &mut self,
        mut element: impl FnMut(&mut Reader<'a>) -> Result<(), Error>,
    ) -> Result<bool, Error> {
        if self.peek() != Kind::Array {
            self.skip()?;
            return Ok(false);
        }
        self.enter()?;
        self.pos += 1;
        self.whitespace();
        if !self.eat(b']') {
            loop {
                element(self)?;
                self.whitespace();
                if self.eat(b',') {
                    continue;
                }
                if self.eat(b']') {
                    break;
                }
                return Err(self.error("expected `,` or `]`"));
            }
        }
        self.depth -= 1;
        Ok(true)
    }

    /// Skips the next value, checking that it is well-formed.
    pub fn skip(&mut self) -> Result<(), Error> {
        match self.peek() {
            Kind::Object => self.object(|r, _| r.skip()).map(drop),
            Kind::Array => self.array(Reader::skip).map(drop),
            Kind::String => self.skip_string(),
            Kind::Other => self.scalar().map(drop),
        }
    }

    /// Reads the next value as a scalar; arrays and objects are skipped
    /// and come back as [`Scalar::Other`].
    pub fn scalar(&mut self) -> Result<Scalar<'a>, Error> {
        self.whitespace();
        let rest = &self.bytes()[self.pos..];
        match rest.first() {
            Some(b'"') => self.string().map(Scalar::Str),
            Some(b'{' | b'[') => self.skip().map(|()| Scalar::Other),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') if rest.starts_with(b"true") => self.literal(4),
            Some(b'f') if rest.starts_with(b"false") => self.literal(5),
            Some(b'n') if rest.starts_with(b"null") => self.literal(4),
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    fn literal(&mut self, len: usize) -> Result<Scalar<'a>, Error> {
        self.pos += len;
        Ok(Scalar::Other)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Scalar<'a>, Error> {
        let start = self.pos;
        let negative = self.eat(b'-');
        match self.bytes().get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("invalid number")),
        }
        let mut float = false;
        if self.eat(b'.') {
            float = true;
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes().get(self.pos) {
            self.pos += 1;
            float = true;
            if let Some(b'+' | b'-') = self.bytes().get(self.pos) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        let text = &self.text[start..self.pos];
        if !float {
            // As serde_json: integers that do not fit are read as floats,
            // and -0 is the float -0.0.
            if !negative {
                if let Ok(n) = text.parse::<u64>() {
                    return Ok(Scalar::U64(n));
                }
            } else if let Ok(n) = text.parse::<i64>() {
                return Ok(if n == 0 {
                    Scalar::F64(-0.0)
                } else {
                    Scalar::I64(n)
                });
            }
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Scalar::F64(f)),
            _ => Err(self.error("number out of range")),
        }
    }

    /// Moves `pos` over the plain part of a string: up to a quote, a
    /// backslash or a control character (or the end), eight bytes at a time.
    fn plain(&mut self) {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
        while let Some(chunk) = self.bytes().get(self.pos..self.pos + 8) {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            let x = u64::from_le_bytes(word);
            let special = has_zero(x ^ (ONES * u64::from(b'"')))
                | has_zero(x ^ (ONES * u64::from(b'\\')))
                | (x.wrapping_sub(ONES * 0x20) & !x & HIGH);
            if special != 0 {
                self.pos += (special.trailing_zeros() / 8) as usize;
                return;
            }
            self.pos += 8;
        }
    }

    /// A string, at its opening quote.
    fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        self.pos += 1;
        let start = self.pos;
        loop {
            self.plain();
            match self.bytes().get(self.pos) {
                Some(b'"') => {
                    // Both ends are ASCII quotes: char boundaries.
                    let s = &self.text[start..self.pos];
                    self.pos += 1;
                    return Ok(Cow::Borrowed(s));
                }
                Some(b'\\') => return self.escaped(start).map(Cow::Owned),
                Some(0..=0x1f) => return Err(self.error("control character in a string")),
                Some(_) => self.pos += 1,
                None => return Err(self.error("EOF while parsing a string")),
            }
        }
    }

    /// The rest of a string that has escapes, from its first backslash.
    fn escaped(&mut self, start: usize) -> Result<String, Error> {
        let mut out = String::with_capacity(self.pos - start + 16);
        let mut run = start;
        loop {
            match self.bytes().get(self.pos) {
                Some(b'"') => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(&self.text[run..self.pos]);
                    let letter = self.bytes().get(self.pos + 1).copied();
                    self.pos += 2;
                    out.push(match letter {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        _ => {
                            self.pos -= 1;
                            return Err(self.error("invalid escape"));
                        }
                    });
                    run = self.pos;
                }
                Some(0..=0x1f) => return Err(self.error("control character in a string")),
                Some(_) => self.pos += 1,
                None => return Err(self.error("EOF while parsing a string")),
            }
        }
    }

    /// Four hex digits, at `pos`.
    fn hex4(&mut self) -> Result<u32, Error> {
        let digits = self
            .bytes()
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("EOF while parsing a string"))?;
        let mut n = 0;
        for &d in digits {
            let v = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.error("invalid escape"))?;
            n = n * 16 + v;
        }
        self.pos += 4;
        Ok(n)
    }

    /// The character of a `\u` escape (after the `u`), with the second
    /// half of a surrogate pair. A lone surrogate is no character: refused.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let n = self.hex4()?;
        let n = match n {
            0xd800..=0xdbff => {
                if !self.bytes()[self.pos..].starts_with(b"\\u") {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                self.pos += 2;
                let low = self.hex4()?;
                if !(0xdc00..=0xdfff).contains(&low) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((n - 0xd800) << 10) + (low - 0xdc00)
            }
            0xdc00..=0xdfff => return Err(self.error("lone trailing surrogate in hex escape")),
            n => n,
        };
        char::from_u32(n).ok_or_else(|| self.error("invalid escape"))
    }

    /// Skips a string, at its opening quote, without decoding it; escapes
    /// are checked for form only.
    fn skip_string(&mut self) -> Result<(), Error> {
        self.pos += 1;
        loop {
            self.plain();
            match self.bytes().get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let letter = self.bytes().get(self.pos + 1).copied();
                    self.pos += 2;
                    match letter {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                        Some(b'u') => {
                            self.hex4()?;
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.error("invalid escape"));
                        }
                    }
                }
                Some(0..=0x1f) => return Err(self.error("control character in a string")),
                Some(_) => self.pos += 1,
                None => return Err(self.error("EOF while parsing a string")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    /// The whole document as a `serde_json::Value`, through this reader.
    fn document(text: &str) -> Result<Value, Error> {
        let mut r = Reader::new(text);
        let v = value(&mut r)?;
        r.end()?;
        Ok(v)
    }

    fn value(r: &mut Reader<'_>) -> Result<Value, Error> {
        match r.peek() {
            Kind::Object => {
                let mut m = Map::new();
                r.object(|r, k| {
                    let v = value(r)?;
                    m.insert(k.into_owned(), v);
                    Ok(())
                })?;
                Ok(Value::Object(m))
            }
            Kind::Array => {
                let mut a = Vec::new();
                r.array(|r| {
                    a.push(value(r)?);
                    Ok(())
                })?;
                Ok(Value::Array(a))
            }
            _ => {
                let first = r.bytes().get(r.pos).copied();
                Ok(match r.scalar()? {
                    Scalar::Str(s) => Value::String(s.into_owned()),
                    Scalar::U64(n) => Value::from(n),
                    Scalar::I64(n) => Value::from(n),
                    Scalar::F64(f) => Value::from(f),
                    Scalar::Other => match first {
                        Some(b't') => Value::Bool(true),
                        Some(b'f') => Value::Bool(false),
                        _ => Value::Null,
                    },
                })
            }
        }
    }

    fn same_as_serde(text: &str) -> Result<(), TestCaseError> {
        let ours = document(text);
        let theirs = serde_json::from_str::<Value>(text);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => prop_assert!(same(a, b), "{:?}: {:?} vs {:?}", text, a, b),
            (Err(_), Err(_)) => {}
            _ => prop_assert!(
                false,
                "{:?}: ours {:?}, serde_json {:?}",
                text,
                ours,
                theirs
            ),
        }
        // Skipping accepts exactly what reading accepts, but for lone
        // surrogates, which only decoding refuses.
        let mut r = Reader::new(text);
        let skipped = r.skip().and_then(|()| r.end());
        if !text.contains("\\u") {
            prop_assert_eq!(skipped.is_ok(), ours.is_ok(), "{:?}", text);
        }
        Ok(())
    }

    /// Equal, but for the last bit of floats: serde_json's default float
    /// parsing is not always correctly rounded; Rust's is.
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) if x.is_f64() && y.is_f64() => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                x == y || (x - y).abs() <= 1e-15 * x.abs().max(y.abs()) + 1e-300
            }
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|((k, x), (l, y))| k == l && same(x, y))
            }
            _ => a == b,
        }
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "\\PC*|[\\x00-\\x1f\"\\\\/\u{7f}\u{e9}\u{1f600}]*".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[a-z\\-]{0,6}|\\PC{0,4}|\"\\\\", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn reads_what_serde_json_reads(v in json_value(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                serde_json::to_string(&v).unwrap()
            };
            same_as_serde(&text)?;
        }

        #[test]
        fn refuses_what_serde_json_refuses(
            v in json_value(),
            at in any::<prop::sample::Index>(),
            edit in prop_oneof![
                Just(None),
                prop::sample::select(&['{', '}', '[', ']', '"', ',', ':', '\\', '-', '0', '.', 'e', 'u', ' ', '\u{1}', 'D', '8'][..]).prop_map(Some),
            ],
        ) {
            let text = serde_json::to_string(&v).unwrap();
            let mut chars: Vec<char> = text.chars().collect();
            let i = at.index(chars.len() + 1);
            match edit {
                None if i < chars.len() => { chars.remove(i); }
                None => { chars.truncate(chars.len() / 2); }
                Some(c) => chars.insert(i, c),
            }
            same_as_serde(&chars.into_iter().collect::<String>())?;
        }

        #[test]
        fn agrees_on_json_shaped_noise(text in "[ \\t\\n\\[\\]{}\",:0-9a-fnulltrue.eE+\\-\\\\/]{0,40}") {
            same_as_serde(&text)?;
        }
    }

    #[test]
    fn edges() {
        for text in [
            "-0",
            "-0.0",
            "0",
            "01",
            "1.",
            ".1",
            "1e",
            "1e+",
            "1E-2",
            "-",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1e400",
            "1e-400",
            "\"\\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "\"\\ude00\"",
            "\"\\ud83d\\u0041\"",
            "\"\\u00e9\\/\\b\\f\\n\\r\\t\\\"\\\\\"",
            "\"\\x\"",
            "\"\\u12\"",
            "\"a\u{1}\"",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{1:2}",
            "[] x",
            " [ ] ",
            "",
            "nul",
            "truex",
            "[true false]",
        ] {
            same_as_serde(text).unwrap();
        }
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for n in [126, 127, 128, 129] {
            same_as_serde(&deep(n)).unwrap();
            same_as_serde(&format!("{}1{}", "[".repeat(n), "]".repeat(n))).unwrap();
            same_as_serde(&format!("{}{}", "{\"a\":".repeat(n), "}".repeat(n))).unwrap();
        }
        assert!(document(&deep(100_000)).is_err(), "no stack overflow");
        let e = document("{\n  \"a\": [1,\n  }").unwrap_err();
        assert_eq!(e.to_string(), "expected a value at line 3 column 3");
    }
}
