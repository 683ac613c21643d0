//! The facts the probes gather about one domain, before any judgement:
//! what the [`rules`](super::rules) take as input.
//!
//! A domain's checks have a time budget (`--domain-timeout`). The facts are
//! gathered in parts that finish independently (each TXT record, the policy
//! host's addresses and then its policy, the MX records, each MX host's
//! addresses and then each of its addresses' probe); a part still under way
//! when the budget runs out is [`Timed::TimedOut`], and the rules judge
//! with what did arrive.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use serde::{Serialize, Serializer};

use crate::model::ServedTlsa;
use crate::probe::dns::{Addresses, Lookup, Mx};
use crate::probe::dnssec::Validated;
use crate::probe::{https, smtp};

/// A DNSSEC-validated lookup, or why DNSSEC could not be validated at all
/// in this run (the resolver or the trust anchor; the same for every
/// domain).
pub type Dnssec<T> = Result<Validated<T>, String>;

/// What DNSSEC validation gave for one MX host: its addresses and its
/// `_25._tcp` TLSA records.
#[derive(Debug, Clone)]
pub struct HostDnssec {
    pub addresses: Timed<Dnssec<()>>,
    pub tlsa: Timed<Dnssec<ServedTlsa>>,
}

/// How long a domain's checks may take, all of them together
/// (`--domain-timeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget(pub Duration);

impl Budget {
    /// `--domain-timeout`'s default, as the flag takes it.
    pub const DEFAULT_SECS: &'static str = "60";

    /// The seconds, as `--domain-timeout` takes them: `60`, `2.5`.
    pub fn secs(self) -> String {
        let s = (self.0.as_secs_f64() * 1000.0).round() / 1000.0;
        format!("{s}")
    }
}

impl std::fmt::Display for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} s", self.secs())
    }
}

/// A fact that arrived within the domain's budget, or the note that the
/// budget ran out while it was still being gathered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timed<T> {
    Done(T),
    TimedOut(Budget),
}

impl<T> Timed<T> {
    pub fn done(&self) -> Option<&T> {
        match self {
            Timed::Done(t) => Some(t),
            Timed::TimedOut(_) => None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Timed<U> {
        match self {
            Timed::Done(t) => Timed::Done(f(t)),
            Timed::TimedOut(b) => Timed::TimedOut(b),
        }
    }
}

/// As the fact itself, or `{"timed_out_after_s": 60.0}`.
impl<T: Serialize> Serialize for Timed<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Timed::Done(t) => t.serialize(s),
            Timed::TimedOut(b) => {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("timed_out_after_s", &b.0.as_secs_f64())?;
                m.end()
            }
        }
    }
}

/// One address of an MX host and its STARTTLS probe. The probe is shared
/// by every domain of the run that names the host (the same name and
/// address give the same session).
#[derive(Debug, Clone)]
pub struct AddressProbe {
    pub address: SocketAddr,
    pub probe: Timed<Arc<smtp::Probe>>,
}

/// As the probe itself, or `{"address": …, "timed_out_after_s": 60.0}`.
impl Serialize for AddressProbe {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.probe {
            Timed::Done(p) => p.serialize(s),
            Timed::TimedOut(b) => {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("address", &self.address)?;
                m.serialize_entry("timed_out_after_s", &b.0.as_secs_f64())?;
                m.end()
            }
        }
    }
}

/// Everything gathered about one MX host.
#[derive(Debug, Clone, Serialize)]
pub struct HostData {
    pub preference: u16,
    pub host: String,
    /// The A and AAAA lookups of the host.
    #[serde(skip)]
    pub lookup: Timed<Addresses>,
    /// What the lookups gave, both families.
    pub addresses: Vec<IpAddr>,
    /// Each address probed (none with `--no-smtp`, or when the lookups
    /// timed out).
    pub probes: Vec<AddressProbe>,
    /// For DANE: the addresses and TLSA records, validated.
    #[serde(skip)]
    pub dnssec: HostDnssec,
}

/// The policy host: its addresses, then the policy fetched from them.
#[derive(Debug, Clone)]
pub struct PolicyHost {
    pub addresses: Addresses,
    pub fetch: Timed<https::Fetch>,
}

/// Everything gathered about one domain.
#[derive(Debug, Clone)]
pub struct Gathered {
    pub sts_txt: Timed<Lookup<Vec<Vec<u8>>>>,
    pub tlsrpt_txt: Timed<Lookup<Vec<Vec<u8>>>>,
    pub policy: Timed<PolicyHost>,
    pub mx: Timed<Lookup<Mx>>,
    /// The MX RRset, validated (for DANE).
    pub mx_dnssec: Timed<Dnssec<()>>,
    /// Each MX host once, at its most preferred entry, in preference order.
    pub hosts: Vec<HostData>,
}

impl Gathered {
    /// The policy fetch, or the budget that ran out before it finished
    /// (or before the policy host's addresses were known).
    pub fn fetch(&self) -> Timed<&https::Fetch> {
        match &self.policy {
            Timed::Done(PolicyHost {
                fetch: Timed::Done(f),
                ..
            }) => Timed::Done(f),
            Timed::Done(PolicyHost {
                fetch: Timed::TimedOut(b),
                ..
            })
            | Timed::TimedOut(b) => Timed::TimedOut(*b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_read_as_the_flag_takes_them() {
        assert_eq!(Budget(Duration::from_secs(60)).to_string(), "60 s");
        assert_eq!(Budget(Duration::from_millis(2500)).to_string(), "2.5 s");
        assert_eq!(Budget(Duration::from_millis(2500)).secs(), "2.5");
    }

    #[test]
    fn timed_out_facts_say_so_in_json() {
        let b = Budget(Duration::from_secs(2));
        let t: Timed<u8> = Timed::TimedOut(b);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"timed_out_after_s":2.0}"#
        );
        assert_eq!(serde_json::to_string(&Timed::Done(7)).unwrap(), "7");
        let p = AddressProbe {
            address: "192.0.2.1:25".parse().unwrap(),
            probe: Timed::TimedOut(b),
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"address":"192.0.2.1:25","timed_out_after_s":2.0}"#
        );
        assert_eq!(t.done(), None);
        assert_eq!(Timed::Done(7).done(), Some(&7));
    }
}
