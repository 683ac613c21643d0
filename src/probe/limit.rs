//! `--per-address N`: at most N connections open at once to one IP
//! address, whatever they are for.
//!
//! The SMTP probes and the HTTPS policy fetches draw on the same budget:
//! an IP address is one machine (or one load balancer) to whoever runs it,
//! and at hosting providers the `mta-sts` hosts of thousands of domains
//! share a handful of addresses, just as their MX hosts do. The address is
//! the one actually connected to (after `--connect-to`), without the port.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

type Open = Arc<Mutex<HashMap<IpAddr, Arc<Semaphore>>>>;

/// The connections open to each address, shared by every check of a run.
/// Holds one semaphore per address that has a connection open or awaited,
/// so it stays as small as the run's concurrency, however many addresses
/// the run meets.
#[derive(Debug, Clone)]
pub struct PerAddress {
    per_address: usize,
    open: Open,
}

/// The right to hold one connection to one address; given back when
/// dropped, so it must live as long as the connection does.
#[derive(Debug)]
pub struct Permit {
    held: Option<OwnedSemaphorePermit>,
    ip: IpAddr,
    open: Open,
}

impl Drop for Permit {
    fn drop(&mut self) {
        drop(self.held.take());
        // Everyone who holds or awaits a permit for the address holds the
        // semaphore, taken from the map under the lock: when only the map
        // does, nobody needs it.
        let mut open = lock(&self.open);
        if open
            .get(&self.ip)
            .is_some_and(|s| Arc::strong_count(s) == 1)
        {
            open.remove(&self.ip);
        }
    }
}

/// A poisoned lock only means another task panicked while holding it; the
/// map itself is still whole.
fn lock(open: &Open) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Arc<Semaphore>>> {
    open.lock().unwrap_or_else(|e| e.into_inner())
}

impl PerAddress {
    /// At most `per_address` (at least 1) connections to each address.
    pub fn new(per_address: u16) -> PerAddress {
        PerAddress {
            per_address: usize::from(per_address.max(1)),
            open: Arc::default(),
        }
    }

    fn semaphore(&self, ip: IpAddr) -> Arc<Semaphore> {
        lock(&self.open)
            .entry(ip)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_address)))
            .clone()
    }

    /// Waits until a connection to `ip` may be opened.
    pub async fn acquire(&self, ip: IpAddr) -> Permit {
        // Made first, so that a caller that gives up waiting drops it last,
        // after its hold on the semaphore, and the address is let go.
        let mut permit = Permit {
            held: None,
            ip,
            open: self.open.clone(),
        };
        let semaphore = self.semaphore(ip);
        // The semaphores are never closed, so acquiring cannot fail.
        permit.held = semaphore.acquire_owned().await.ok();
        permit
    }

    /// How many addresses have a connection open or awaited.
    #[cfg(test)]
    fn addresses(&self) -> usize {
        lock(&self.open).len()
    }

    /// One permit for each of `ips`, for a client that may connect to any
    /// of them. They are taken in address order, the same for every
    /// caller, so that two callers never each hold what the other waits for.
    pub async fn acquire_all(&self, ips: impl IntoIterator<Item = IpAddr>) -> Vec<Permit> {
        let mut ips: Vec<IpAddr> = ips.into_iter().collect();
        ips.sort_unstable();
        ips.dedup();
        let mut permits = Vec::with_capacity(ips.len());
        for ip in ips {
            permits.push(self.acquire(ip).await);
        }
        permits
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    async fn blocked(limit: &PerAddress, at: &str) -> bool {
        tokio::time::timeout(Duration::from_millis(50), limit.acquire(ip(at)))
            .await
            .is_err()
    }

    #[tokio::test]
    async fn each_address_has_its_own_budget_and_a_permit_returns_when_dropped() {
        let limit = PerAddress::new(2);
        let first = limit.acquire(ip("192.0.2.1")).await;
        let _second = limit.acquire(ip("192.0.2.1")).await;
        assert!(blocked(&limit, "192.0.2.1").await);
        assert!(!blocked(&limit, "192.0.2.2").await);
        drop(first);
        assert!(!blocked(&limit, "192.0.2.1").await);
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_waiting_lets_go_of_the_address() {
        let limit = PerAddress::new(1);
        let held = limit.acquire(ip("192.0.2.9")).await;
        let waiter = tokio::spawn({
            let limit = limit.clone();
            async move { limit.acquire(ip("192.0.2.9")).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        waiter.abort();
        let _ = waiter.await;
        drop(held);
        assert_eq!(limit.addresses(), 0);
    }

    #[tokio::test]
    async fn an_address_is_forgotten_when_nobody_holds_or_awaits_it() {
        let limit = PerAddress::new(1);
        let held = limit.acquire(ip("192.0.2.1")).await;
        assert!(blocked(&limit, "192.0.2.1").await, "the waiter gives up");
        assert_eq!(limit.addresses(), 1);
        let waiting = tokio::spawn({
            let limit = limit.clone();
            async move { limit.acquire(ip("192.0.2.1")).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(held);
        let next = waiting.await.unwrap();
        assert_eq!(limit.addresses(), 1, "the waiter got it");
        drop(next);
        assert_eq!(limit.addresses(), 0);
        let all = limit.acquire_all([ip("192.0.2.1"), ip("192.0.2.2")]).await;
        assert_eq!(limit.addresses(), 2);
        drop(all);
        assert_eq!(limit.addresses(), 0);
    }

    #[tokio::test]
    async fn zero_means_one_and_clones_share_the_budget() {
        let limit = PerAddress::new(0);
        let other = limit.clone();
        let _held = limit.acquire(ip("2001:db8::1")).await;
        assert!(blocked(&other, "2001:db8::1").await);
    }

    #[tokio::test]
    async fn all_of_a_hosts_addresses_are_taken_once_each() {
        let limit = PerAddress::new(1);
        let held = limit
            .acquire_all([ip("192.0.2.2"), ip("192.0.2.1"), ip("192.0.2.2")])
            .await;
        assert_eq!(held.len(), 2);
        assert!(blocked(&limit, "192.0.2.1").await);
        assert!(blocked(&limit, "192.0.2.2").await);
        drop(held);
        assert!(!blocked(&limit, "192.0.2.2").await);
    }
}
