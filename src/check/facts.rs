//! The facts the probes gather about one domain, before any judgement:
//! what the [`rules`](super::rules) take as input.

use std::net::IpAddr;

use serde::Serialize;

use crate::probe::dns::{Lookup, Mx};
use crate::probe::{https, smtp};

/// Everything gathered about one MX host.
#[derive(Debug, Clone, Serialize)]
pub struct HostData {
    pub preference: u16,
    pub host: String,
    #[serde(skip)]
    pub a: Lookup<IpAddr>,
    #[serde(skip)]
    pub aaaa: Lookup<IpAddr>,
    pub addresses: Vec<IpAddr>,
    pub probes: Vec<smtp::Probe>,
}

/// Everything gathered about one domain.
#[derive(Debug, Clone)]
pub struct Gathered {
    pub sts_txt: Lookup<Vec<Vec<u8>>>,
    pub tlsrpt_txt: Lookup<Vec<Vec<u8>>>,
    pub policy_a: Lookup<IpAddr>,
    pub policy_aaaa: Lookup<IpAddr>,
    pub fetch: https::Fetch,
    pub mx: Lookup<Mx>,
    /// Each MX host once, at its most preferred entry, in preference order.
    pub hosts: Vec<HostData>,
}
