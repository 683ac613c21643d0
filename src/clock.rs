//! The one reading of the time a run uses.
//!
//! Everything that needs "now" (a fresh record id, the date a checklist
//! names, whether a report is dated in the future, when a `--state` file was
//! written) takes it from a [`Clock`] handed down from the binary's edge,
//! never from the wall clock itself. A run therefore sees one consistent
//! instant, and tests pin it: through the library with [`Clock::fixed`],
//! and for the binary with the environment variable [`Clock::ENV`], which is
//! not part of the documented interface.

use chrono::{DateTime, Duration, NaiveDateTime, SubsecRound, Utc};

use crate::model::StsId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    now: DateTime<Utc>,
}

impl Clock {
    /// Read by [`Clock::from_env`]: an RFC 3339 instant that replaces the
    /// wall clock, so that end-to-end tests get ids and dates they can name.
    pub const ENV: &'static str = "MTASTS_NOW";

    /// The wall clock, read once.
    pub fn system() -> Clock {
        Clock { now: Utc::now() }
    }

    /// A clock stopped at `now`.
    pub fn fixed(now: DateTime<Utc>) -> Clock {
        Clock { now }
    }

    /// [`Clock::ENV`] when it holds an RFC 3339 instant, else the wall clock.
    pub fn from_env() -> Clock {
        std::env::var(Self::ENV)
            .ok()
            .and_then(|v| DateTime::parse_from_rfc3339(v.trim()).ok())
            .map_or_else(Clock::system, |t| Clock::fixed(t.with_timezone(&Utc)))
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The habitual record id for this instant (`%Y%m%d%H%M%SZ`).
    pub fn sts_id(&self) -> StsId {
        StsId::from_time(self.now)
    }

    /// A time-based id later than `previous`: a changed policy needs a
    /// changed id, and one never used before — a sender that cached a
    /// policy under an id does not fetch again when that id comes back.
    /// When `previous` is a time-based id at or after this clock (two
    /// changes in one second, or a clock behind the last machine's), the
    /// new id is one second after it.
    pub fn sts_id_after(&self, previous: &StsId) -> StsId {
        let last = NaiveDateTime::parse_from_str(previous.as_str(), "%Y%m%d%H%M%SZ")
            .ok()
            .map(|t| t.and_utc());
        match last {
            // By whole seconds, as ids are written: at 12:00:00.5 an id
            // of 12:00:00 is no older than the one this clock would give.
            Some(last) if last >= self.now.trunc_subsecs(0) => {
                StsId::from_time(last + Duration::seconds(1))
            }
            _ => self.sts_id(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ids_come_from_the_clock() {
        let c = Clock::fixed(Utc.with_ymd_and_hms(2026, 11, 28, 19, 53, 0).unwrap());
        assert_eq!(c.sts_id().as_str(), "20261128195300Z");
        let same = c.sts_id();
        assert_eq!(c.sts_id_after(&same).as_str(), "20261128195301Z");
        let older = StsId::parse("20240101000000Z").unwrap();
        assert_eq!(c.sts_id_after(&older), same);
        // Never back to an id already used: after a later one, one more
        // second, whatever this clock says.
        let later = StsId::parse("20261128195305Z").unwrap();
        assert_eq!(c.sts_id_after(&later).as_str(), "20261128195306Z");
        // Within the second of the previous id: the next second.
        let mid = Clock::fixed(
            Utc.with_ymd_and_hms(2026, 11, 28, 19, 53, 0).unwrap() + Duration::milliseconds(500),
        );
        assert_eq!(mid.sts_id_after(&same).as_str(), "20261128195301Z");
        // An id that is not a time: the clock's.
        let custom = StsId::parse("v2").unwrap();
        assert_eq!(c.sts_id_after(&custom), same);
    }
}
