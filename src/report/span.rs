//! The days a report counts for. RFC 8460 §4.1 asks for one full UTC day
//! per report (00:00–24:00, written as `…T23:59:59Z` or as the next
//! `…T00:00:00Z`); real reporters also send weekly ranges, ranges in their
//! own time zone (midnight to midnight at +03:00), and, when broken or
//! hostile, ranges that end before they start or last for years.
//!
//! A report counts for as many whole days as its range lasts, rounded (at
//! least one), on the UTC days nearest to it: a day and a week count as one
//! and seven days whichever way their end is written, a day in another time
//! zone as the one day it mostly covers, and an hour as its day. Its
//! sessions are shared out evenly over those days.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The most days one report counts for: a month. A longer range is made
/// up or broken, and must not count for years of evidence.
pub const MAX_DAYS: u32 = 31;

const DAY: i64 = 24 * 60 * 60;

/// The UTC days a report counts for: `count` days from `first`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DaySpan {
    first: NaiveDate,
    count: u32,
}

impl DaySpan {
    /// The days of the range `start`..`end`, and, when it lasts longer
    /// than [`MAX_DAYS`], the whole days it claims (it then counts for its
    /// first [`MAX_DAYS`]). A range that ends before it starts counts for
    /// the day it starts.
    pub fn of(start: DateTime<Utc>, end: DateTime<Utc>) -> (DaySpan, Option<i64>) {
        let secs = (end - start).num_seconds().max(0);
        // Whole days, rounded: 23:59:59 and 24:00 are one day.
        let days = ((secs + DAY / 2) / DAY).max(1);
        if days > i64::from(MAX_DAYS) {
            let first = shifted(start, DAY / 2);
            let span = DaySpan {
                first,
                count: MAX_DAYS,
            };
            return (span, Some(days));
        }
        // The `days` whole UTC days whose middle is nearest the range's:
        // the first starts at the midnight nearest to the point half the
        // difference in length before the range's start.
        let shift = (secs - days * DAY) / 2 + DAY / 2;
        let first = shifted(start, shift);
        let count = u32::try_from(days).unwrap_or(MAX_DAYS);
        (DaySpan { first, count }, None)
    }

    /// One day.
    pub fn day(first: NaiveDate) -> DaySpan {
        DaySpan { first, count: 1 }
    }

    pub fn first(&self) -> NaiveDate {
        self.first
    }

    /// How many days.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The days, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        self.first.iter_days().take(self.count as usize)
    }

    /// The share of `n` (sessions) that day `i` of the span gets: `n`
    /// divided evenly, the remainder going one each to the first days, so
    /// that the shares add up to `n` exactly.
    pub fn share(&self, n: u64, i: usize) -> u64 {
        let count = u64::from(self.count.max(1));
        n / count + u64::from((i as u64) < n % count)
    }
}

/// The UTC day of `t` moved by `secs` (at the ends of time, of `t`).
fn shifted(t: DateTime<Utc>, secs: i64) -> NaiveDate {
    t.checked_add_signed(Duration::seconds(secs))
        .unwrap_or(t)
        .date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn span(start: &str, end: &str) -> (String, u32, Option<i64>) {
        let (s, capped) = DaySpan::of(at(start), at(end));
        (s.first().to_string(), s.count(), capped)
    }

    #[test]
    fn a_day_is_one_day_however_its_end_is_written() {
        for end in [
            "2026-11-01T23:59:59Z",
            "2026-11-02T00:00:00Z",
            "2026-11-01T23:59:59.999Z",
        ] {
            assert_eq!(
                span("2026-11-01T00:00:00Z", end),
                ("2026-11-01".into(), 1, None),
                "{end}"
            );
        }
    }

    #[test]
    fn a_week_is_seven_days() {
        for end in ["2026-11-07T23:59:59Z", "2026-11-08T00:00:00Z"] {
            assert_eq!(
                span("2026-11-01T00:00:00Z", end),
                ("2026-11-01".into(), 7, None),
                "{end}"
            );
        }
        let (s, _) = DaySpan::of(at("2026-12-29T00:00:00Z"), at("2027-01-05T00:00:00Z"));
        let days: Vec<String> = s.days().map(|d| d.to_string()).collect();
        assert_eq!(days.first().unwrap(), "2026-12-29");
        assert_eq!(days.last().unwrap(), "2027-01-04");
        assert_eq!(days.len(), 7);
    }

    /// A day in the reporter's time zone is the UTC day it mostly covers,
    /// not two days; a rolling 24 hours likewise.
    #[test]
    fn a_day_elsewhere_is_the_day_it_mostly_covers() {
        assert_eq!(
            span("2026-11-01T00:00:00+03:00", "2026-11-01T23:59:59+03:00"),
            ("2026-11-01".into(), 1, None)
        );
        assert_eq!(
            span("2026-11-01T00:00:00-08:00", "2026-11-02T00:00:00-08:00"),
            ("2026-11-01".into(), 1, None)
        );
        assert_eq!(
            span("2026-11-01T06:13:00Z", "2026-11-02T06:13:00Z"),
            ("2026-11-01".into(), 1, None)
        );
    }

    #[test]
    fn short_and_empty_ranges_are_their_day() {
        for (start, end) in [
            ("2026-11-01T13:00:00Z", "2026-11-01T14:00:00Z"),
            ("2026-11-01T23:00:00Z", "2026-11-01T23:59:59Z"),
            ("2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z"),
            ("2026-11-01T00:00:00Z", "2026-11-01T11:59:59Z"),
        ] {
            assert_eq!(span(start, end), ("2026-11-01".into(), 1, None), "{start}");
        }
        // A day and a half rounds up to two.
        assert_eq!(
            span("2026-11-01T00:00:00Z", "2026-11-02T12:00:00Z"),
            ("2026-11-01".into(), 2, None)
        );
    }

    #[test]
    fn a_reversed_range_is_the_day_it_starts() {
        assert_eq!(
            span("2026-11-05T00:00:00Z", "2026-11-01T00:00:00Z"),
            ("2026-11-05".into(), 1, None)
        );
    }

    #[test]
    fn long_ranges_are_capped_and_say_so() {
        assert_eq!(
            span("2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z"),
            ("2026-10-01".into(), 31, None),
            "a month is a month"
        );
        assert_eq!(
            span("2026-10-01T00:00:00Z", "2026-11-02T00:00:00Z"),
            ("2026-10-01".into(), 31, Some(32))
        );
        let (s, capped) = DaySpan::of(
            Utc.with_ymd_and_hms(2016, 11, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
        );
        assert_eq!(
            (s.first().to_string(), s.count()),
            ("2016-11-01".into(), 31)
        );
        assert_eq!(capped, Some(3652));
        // The extremes chrono can read do not overflow.
        let (s, capped) = DaySpan::of(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        assert_eq!(s.count(), MAX_DAYS);
        assert!(capped.is_some());
    }

    #[test]
    fn shares_add_up_and_differ_by_at_most_one() {
        let (s, _) = DaySpan::of(at("2026-11-01T00:00:00Z"), at("2026-11-08T00:00:00Z"));
        for n in [0, 1, 6, 7, 8, 100, u64::MAX] {
            let shares: Vec<u64> = (0..7).map(|i| s.share(n, i)).collect();
            assert_eq!(
                shares.iter().fold(0u64, |a, b| a.wrapping_add(*b)),
                n,
                "{n}"
            );
            let (min, max) = (shares.iter().min().unwrap(), shares.iter().max().unwrap());
            assert!(max - min <= 1, "{n}: {shares:?}");
        }
        assert_eq!(
            (0..7).map(|i| s.share(3, i)).collect::<Vec<_>>(),
            [1, 1, 1, 0, 0, 0, 0]
        );
        assert_eq!(DaySpan::day(s.first()).share(5, 0), 5);
    }
}
