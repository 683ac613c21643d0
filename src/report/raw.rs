//! The JSON of a report (RFC 8460 §4.4) as it arrives, read with serde:
//! only the members the summary needs, strings borrowed from the input
//! when they hold no escapes, every other member skipped unread.
//!
//! Reporters send members of the wrong type: a member that should hold
//! an object or an array and holds anything else is kept as [`Obj::Not`]
//! or [`Arr::Not`], and one that should hold text or a number as
//! [`Scalar::Other`], so that [`super::parse`] can note it rather than
//! reject the report. A repeated member replaces the earlier one, as with
//! `serde_json::Value`. Hostile input cannot exhaust the stack: what is
//! skipped, serde_json skips without recursing, the values read nest only
//! as deep as a report does, and serde_json refuses nesting deeper than
//! 128 levels wherever it recurses. [`Budget`] bounds the elements kept
//! from one report.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A member that should hold an object; `Not` when it holds anything else.
#[derive(Debug)]
pub enum Obj<T> {
    Is(T),
    Not,
}

impl<T> Obj<T> {
    pub fn into_option(self) -> Option<T> {
        match self {
            Obj::Is(t) => Some(t),
            Obj::Not => None,
        }
    }
}

/// A member that should hold an array; `Not` when it holds anything else.
#[derive(Debug)]
pub enum Arr<T> {
    Is(Vec<T>),
    Not,
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

/// `policy-string`: an array of lines as the RFC says, or (seen in the
/// wild) one string.
#[derive(Debug)]
pub enum PolicyString<'a> {
    /// The lines, trimmed, without blank ones, joined with `\n`; text as
    /// sent (not escaped).
    Lines(String),
    Str(Cow<'a, str>),
    /// Anything else, or an array cut short by the [`Budget`].
    Other,
}

/// Most array elements (policies, failure details, policy lines) kept
/// from one report. Real reports have a handful; an element can take a
/// hundred times the bytes it has in the input, so a hostile report of
/// `{},{},…` within the decompression cap would otherwise take gigabytes.
pub const MAX_ELEMENTS: usize = 10_000;

/// What is left of [`MAX_ELEMENTS`] for one report, and what was dropped.
#[derive(Debug, Default)]
pub struct Budget {
    used: Cell<usize>,
    dropped: Cell<usize>,
}

impl Budget {
    /// Elements left out for want of budget.
    pub fn dropped(&self) -> usize {
        self.dropped.get()
    }
}

/// The member names read; any other is [`Key::Other`], skipped unread.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "kebab-case")]
enum Key {
    OrganizationName,
    ReportId,
    ContactInfo,
    DateRange,
    Policies,
    StartDatetime,
    EndDatetime,
    Policy,
    Summary,
    FailureDetails,
    PolicyType,
    PolicyDomain,
    PolicyString,
    TotalSuccessfulSessionCount,
    TotalFailureSessionCount,
    ResultType,
    SendingMtaIp,
    ReceivingMxHostname,
    ReceivingIp,
    FailedSessionCount,
    FailureReasonCode,
    #[serde(other)]
    Other,
}

#[derive(Debug, Default)]
pub struct RawReport<'a> {
    pub organization: Option<Scalar<'a>>,
    pub report_id: Option<Scalar<'a>>,
    pub contact: Option<Scalar<'a>>,
    pub range: Option<Obj<RawRange<'a>>>,
    pub policies: Option<Arr<Obj<RawPolicy<'a>>>>,
}

#[derive(Debug, Default)]
pub struct RawRange<'a> {
    pub start: Option<Scalar<'a>>,
    pub end: Option<Scalar<'a>>,
}

#[derive(Debug, Default)]
pub struct RawPolicy<'a> {
    pub policy: Option<Obj<RawDescription<'a>>>,
    pub summary: Option<Obj<RawSummary<'a>>>,
    pub details: Option<Arr<Obj<RawDetail<'a>>>>,
}

#[derive(Debug, Default)]
pub struct RawDescription<'a> {
    pub policy_type: Option<Scalar<'a>>,
    pub domain: Option<Scalar<'a>>,
    pub string: Option<PolicyString<'a>>,
}

#[derive(Debug, Default)]
pub struct RawSummary<'a> {
    pub successful: Option<Scalar<'a>>,
    pub failed: Option<Scalar<'a>>,
}

#[derive(Debug, Default)]
pub struct RawDetail<'a> {
    pub result_type: Option<Scalar<'a>>,
    pub sending_ip: Option<Scalar<'a>>,
    pub mx: Option<Scalar<'a>>,
    pub receiving_ip: Option<Scalar<'a>>,
    pub count: Option<Scalar<'a>>,
    pub reason_code: Option<Scalar<'a>>,
}

/// Reads one report: the document must be JSON, with nothing after it;
/// `Obj::Not` when it is not an object.
pub fn read<'a>(text: &'a str, budget: &Budget) -> Result<Obj<RawReport<'a>>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let raw = ObjectOf::<RawReport<'a>>::new(budget).deserialize(&mut de)?;
    de.end()?;
    Ok(raw)
}

/// The visitor methods for every kind of value a visitor does not want:
/// the value is skipped and read as `$value`.
macro_rules! otherwise {
    ($value:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

macro_rules! skip_seq {
    ($value:expr) => {
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            IgnoredAny.visit_seq(seq).map(|_| $value)
        }
    };
}

macro_rules! skip_map {
    ($value:expr) => {
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            IgnoredAny.visit_map(map).map(|_| $value)
        }
    };
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_string())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::U64(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::I64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::F64(v))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }

    fn visit_none<E: de::Error>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }

    skip_seq!(Scalar::Other);
    skip_map!(Scalar::Other);
}

/// How the members of an object are read into `Self`: each member's value
/// must be read or skipped.
trait Members<'de>: Default {
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: Key,
        map: &mut A,
        budget: &Budget,
    ) -> Result<(), A::Error>;
}

/// Reads an object into `T` member by member; anything else is skipped
/// and read as [`Obj::Not`].
struct ObjectOf<'b, T> {
    budget: &'b Budget,
    object: PhantomData<T>,
}

impl<'b, T> ObjectOf<'b, T> {
    fn new(budget: &'b Budget) -> Self {
        ObjectOf {
            budget,
            object: PhantomData,
        }
    }
}

impl<T> Clone for ObjectOf<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ObjectOf<'_, T> {}

impl<'de, T: Members<'de>> DeserializeSeed<'de> for ObjectOf<'_, T> {
    type Value = Obj<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Obj<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Members<'de>> Visitor<'de> for ObjectOf<'_, T> {
    type Value = Obj<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Obj<T>, A::Error> {
        let mut t = T::default();
        while let Some(key) = map.next_key::<Key>()? {
            t.member(key, &mut map, self.budget)?;
        }
        Ok(Obj::Is(t))
    }

    otherwise!(Obj::Not);
    skip_seq!(Obj::Not);
}

/// Reads an array element by element with `element`, within the
/// [`Budget`]; anything else is skipped and read as [`Arr::Not`].
struct ArrayOf<'b, S> {
    budget: &'b Budget,
    element: S,
}

impl<'de, S: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for ArrayOf<'_, S> {
    type Value = Arr<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for ArrayOf<'_, S> {
    type Value = Arr<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(element) = each(&mut seq, self.budget, self.element)? {
            out.extend(element);
        }
        Ok(Arr::Is(out))
    }

    otherwise!(Arr::Not);
    skip_map!(Arr::Not);
}

/// The next element of an array: `Some(Some(value))` within the budget,
/// `Some(None)` when it was skipped for want of budget, `None` at the end.
/// An element is counted before it is read, so that the elements inside
/// it count after it.
fn each<'de, A: SeqAccess<'de>, S: DeserializeSeed<'de>>(
    seq: &mut A,
    budget: &Budget,
    element: S,
) -> Result<Option<Option<S::Value>>, A::Error> {
    if budget.used.get() == MAX_ELEMENTS {
        let skipped = seq.next_element::<IgnoredAny>()?;
        if skipped.is_some() {
            budget.dropped.set(budget.dropped.get() + 1);
        }
        return Ok(skipped.map(|_| None));
    }
    budget.used.set(budget.used.get() + 1);
    match seq.next_element_seed(element)? {
        Some(v) => Ok(Some(Some(v))),
        None => {
            budget.used.set(budget.used.get() - 1);
            Ok(None)
        }
    }
}

/// Reads `policy-string`.
#[derive(Clone, Copy)]
struct PolicyStringOf<'b> {
    budget: &'b Budget,
}

impl<'de> DeserializeSeed<'de> for PolicyStringOf<'_> {
    type Value = PolicyString<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PolicyStringOf<'_> {
    type Value = PolicyString<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(PolicyString::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PolicyString::Str(Cow::Owned(v.to_string())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(PolicyString::Str(Cow::Owned(v)))
    }

    /// The lines, joined as they are read: every report has a policy, and
    /// no list of lines is built to be joined later. Elements that are
    /// not text or numbers are left out.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Room for a typical policy: growing from empty would reallocate
        // five times.
        let mut joined = String::with_capacity(256);
        let dropped = self.budget.dropped();
        while let Some(line) = each(&mut seq, self.budget, PhantomData::<Scalar<'de>>)? {
            match line {
                Some(Scalar::Str(s)) => push_lines(&mut joined, &s),
                Some(Scalar::U64(n)) => push_lines(&mut joined, &n.to_string()),
                Some(Scalar::I64(n)) => push_lines(&mut joined, &n.to_string()),
                Some(Scalar::F64(n)) => push_lines(&mut joined, &n.to_string()),
                Some(Scalar::Other) | None => {}
            }
        }
        // Cut short by the budget: not the policy seen.
        Ok(if self.budget.dropped() > dropped {
            PolicyString::Other
        } else {
            PolicyString::Lines(joined)
        })
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(PolicyString::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(PolicyString::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(PolicyString::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(PolicyString::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(PolicyString::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(PolicyString::Other)
    }
    skip_map!(PolicyString::Other);
}

/// Adds the lines of `text` to a policy being joined: each trimmed, blank
/// ones left out. Reporters that send the policy as one CRLF string and
/// those that send an array of lines then agree on it.
pub fn push_lines(joined: &mut String, text: &str) {
    for line in text.split('\n') {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !joined.is_empty() {
            joined.push('\n');
        }
        joined.push_str(line);
    }
}

impl<'de> Members<'de> for RawReport<'de> {
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: Key,
        map: &mut A,
        budget: &Budget,
    ) -> Result<(), A::Error> {
        match key {
            Key::OrganizationName => self.organization = Some(map.next_value()?),
            Key::ReportId => self.report_id = Some(map.next_value()?),
            Key::ContactInfo => self.contact = Some(map.next_value()?),
            Key::DateRange => self.range = Some(map.next_value_seed(ObjectOf::new(budget))?),
            Key::Policies => {
                self.policies = Some(map.next_value_seed(ArrayOf {
                    budget,
                    element: ObjectOf::new(budget),
                })?)
            }
            _ => map.next_value::<IgnoredAny>().map(drop)?,
        }
        Ok(())
    }
}

impl<'de> Members<'de> for RawRange<'de> {
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: Key,
        map: &mut A,
        _: &Budget,
    ) -> Result<(), A::Error> {
        match key {
            Key::StartDatetime => self.start = Some(map.next_value()?),
            Key::EndDatetime => self.end = Some(map.next_value()?),
            _ => map.next_value::<IgnoredAny>().map(drop)?,
        }
        Ok(())
    }
}

impl<'de> Members<'de> for RawPolicy<'de> {
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: Key,
        map: &mut A,
        budget: &Budget,
    ) -> Result<(), A::Error> {
        match key {
            Key::Policy => self.policy = Some(map.next_value_seed(ObjectOf::new(budget))?),
            Key::Summary => self.summary = Some(map.next_value_seed(ObjectOf::new(budget))?),
            Key::FailureDetails => {
                self.details = Some(map.next_value_seed(ArrayOf {
                    budget,
                    element: ObjectOf::new(budget),
                })?)
            }
            _ => map.next_value::<IgnoredAny>().map(drop)?,
        }
        Ok(())
    }
}

impl<'de> Members<'de> for RawDescription<'de> {
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: Key,
        map: &mut A,
        budget: &Budget,
    ) -> Result<(), A::Error> {
        match key {
            Key::PolicyType => self.policy_type = Some(map.next_value()?),
            Key::PolicyDomain => self.domain = Some(map.next_value()?),
            Key::PolicyString => {
                self.string = Some(map.next_value_seed(PolicyStringOf { budget })?)
            }
            _ => map.next_value::<IgnoredAny>().map(drop)?,
        }
        Ok(())
    }
}

impl<'de> Members<'de> for RawSummary<'de> {
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: Key,
        map: &mut A,
        _: &Budget,
    ) -> Result<(), A::Error> {
        match key {
            Key::TotalSuccessfulSessionCount => self.successful = Some(map.next_value()?),
            Key::TotalFailureSessionCount => self.failed = Some(map.next_value()?),
            _ => map.next_value::<IgnoredAny>().map(drop)?,
        }
        Ok(())
    }
}

impl<'de> Members<'de> for RawDetail<'de> {
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: Key,
        map: &mut A,
        _: &Budget,
    ) -> Result<(), A::Error> {
        match key {
            Key::ResultType => self.result_type = Some(map.next_value()?),
            Key::SendingMtaIp => self.sending_ip = Some(map.next_value()?),
            Key::ReceivingMxHostname => self.mx = Some(map.next_value()?),
            Key::ReceivingIp => self.receiving_ip = Some(map.next_value()?),
            Key::FailedSessionCount => self.count = Some(map.next_value()?),
            Key::FailureReasonCode => self.reason_code = Some(map.next_value()?),
            _ => map.next_value::<IgnoredAny>().map(drop)?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(text: &str) -> Result<Obj<RawReport<'_>>, serde_json::Error> {
        read(text, &Budget::default())
    }

    #[test]
    fn members_of_any_type_and_unknown_members() {
        let text = r#"{"organization-name": "A\u0042", "report-id": 7, "contact-info": {"deep": [1, [2, {"x": null}]]},
            "date-range": [1, 2], "policies": [3, {"policy": {"policy-string": ["a", 1, -2, 2.5, null, {"b": 1}, ["c"]]},
            "summary": {"total-successful-session-count": 1, "total-successful-session-count": "9"},
            "failure-details": {"not": "an array"}}]}"#;
        let Obj::Is(r) = report(text).unwrap() else {
            panic!("an object")
        };
        assert_eq!(r.organization, Some(Scalar::Str(Cow::Borrowed("AB"))));
        assert_eq!(r.report_id, Some(Scalar::U64(7)));
        assert!(matches!(r.range, Some(Obj::Not)));
        let Some(Arr::Is(policies)) = r.policies else {
            panic!("an array")
        };
        assert!(matches!(policies[0], Obj::Not));
        let Obj::Is(p) = &policies[1] else { panic!() };
        let Some(Obj::Is(d)) = &p.policy else {
            panic!()
        };
        assert!(
            matches!(&d.string, Some(PolicyString::Lines(l)) if l == "a\n1\n-2\n2.5"),
            "{:?}",
            d.string
        );
        let Some(Obj::Is(s)) = &p.summary else {
            panic!()
        };
        assert_eq!(
            s.successful,
            Some(Scalar::Str(Cow::Borrowed("9"))),
            "the last repeated member wins"
        );
        assert!(matches!(p.details, Some(Arr::Not)));
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let Obj::Is(r) = report(r#"{"organization-name": "plain", "report-id": "e\"s"}"#).unwrap()
        else {
            panic!()
        };
        assert!(matches!(
            r.organization,
            Some(Scalar::Str(Cow::Borrowed("plain")))
        ));
        assert!(matches!(r.report_id, Some(Scalar::Str(Cow::Owned(ref s))) if s == "e\"s"));
    }

    #[test]
    fn not_json_and_not_an_object() {
        assert!(matches!(report("[1, 2]"), Ok(Obj::Not)));
        assert!(matches!(report("\"text\""), Ok(Obj::Not)));
        for bad in [
            "",
            "{",
            "{} x",
            "{\"a\": 1,}",
            "{\"report-id\": \"\\ud83d\"}",
            "{\"a\" 1}",
        ] {
            assert!(report(bad).is_err(), "{bad:?}");
        }
        let e = report("{\n  \"a\": [1,\n  }").unwrap_err();
        assert_eq!(e.to_string(), "expected value at line 3 column 3");
    }

    /// serde_json skips what is not read without recursing, and the
    /// members read nest only as deep as a report does: however deep the
    /// input, the stack is safe.
    #[test]
    fn deep_nesting_cannot_exhaust_the_stack() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for member in [
            "contact-info",
            "organization-name",
            "policies",
            "date-range",
        ] {
            let text = format!("{{\"{member}\": {}}}", deep(100_000));
            assert!(matches!(report(&text), Ok(Obj::Is(_))), "{member}");
        }
        let text = format!(
            "{{\"policies\": [{{\"policy\": {{\"policy-string\": [{}]}}}}]}}",
            deep(100_000)
        );
        assert!(matches!(report(&text), Ok(Obj::Is(_))));
        assert!(report(&deep(100_000)).is_ok(), "not an object, skipped");
    }

    #[test]
    fn the_budget_is_shared_by_every_array_of_a_report() {
        let budget = Budget::default();
        let details = vec!["{}"; MAX_ELEMENTS + 5].join(",");
        let text = format!(
            r#"{{"policies": [{{"policy": {{"policy-string": ["a", "b"]}}, "failure-details": [{details}]}}]}}"#
        );
        let Obj::Is(r) = read(&text, &budget).unwrap() else {
            panic!()
        };
        let Some(Arr::Is(policies)) = r.policies else {
            panic!()
        };
        let Obj::Is(p) = &policies[0] else { panic!() };
        let Some(Arr::Is(details)) = &p.details else {
            panic!()
        };
        // One policy and two lines counted before the details.
        assert_eq!(details.len(), MAX_ELEMENTS - 3);
        assert_eq!(budget.dropped(), 8);
    }
}
