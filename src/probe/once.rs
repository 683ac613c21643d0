//! Work done once per key for a whole run, whose result every caller shares.
//!
//! Thousands of domains hosted at one provider name the same few MX hosts:
//! their addresses are looked up once and each address is probed once,
//! however many domains ask and however close together. The first caller
//! starts the work in a task of its own; every caller, before or after it
//! finished, awaits that one result. Because the work is a task and not a
//! caller's future, a caller that gives up (its domain ran out of time)
//! cancels nothing: the work finishes, bounded by its own timeouts, for
//! whoever asks next.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

/// The result a caller gets: the work's, or why there is none.
type Outcome<V> = Result<Arc<V>, Arc<str>>;

/// One entry per key ever asked for, kept for the run: the result (or the
/// work under way) and the key.
pub struct OncePerRun<K, V> {
    runs: Mutex<HashMap<K, Shared<BoxFuture<'static, Outcome<V>>>>>,
}

impl<K, V> Default for OncePerRun<K, V> {
    fn default() -> Self {
        OncePerRun {
            runs: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Send + Sync + 'static> OncePerRun<K, V> {
    /// The result of the work for `key`: `work` is started (on the current
    /// tokio runtime) only when nobody asked for `key` before. The work's
    /// task cannot end without a result except by a panic or the runtime's
    /// shutdown; `stopped` turns that reason into a result all the same.
    pub fn get<F>(
        &self,
        key: K,
        work: impl FnOnce() -> F,
        stopped: impl FnOnce(&str) -> V + Send + 'static,
    ) -> impl Future<Output = Arc<V>> + Send + 'static
    where
        F: Future<Output = V> + Send + 'static,
    {
        let shared = {
            // A poisoned lock only means another caller panicked while
            // inserting; the map itself is still whole.
            let mut runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
            runs.entry(key)
                .or_insert_with(|| {
                    let task = tokio::spawn(work());
                    async move {
                        task.await
                            .map(Arc::new)
                            .map_err(|e| Arc::from(e.to_string()))
                    }
                    .boxed()
                    .shared()
                })
                .clone()
        };
        async move {
            match shared.await {
                Ok(v) => v,
                Err(why) => Arc::new(stopped(&why)),
            }
        }
    }

    /// How many keys were asked for.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.runs
            .lock()
            .map_or_else(|e| e.into_inner().len(), |r| r.len())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn concurrent_and_later_callers_share_one_run() {
        let once: OncePerRun<&str, usize> = OncePerRun::default();
        let runs = Arc::new(AtomicUsize::new(0));
        let ask = |key| {
            let runs = runs.clone();
            once.get(
                key,
                move || async move {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    runs.fetch_add(1, Ordering::SeqCst) + 100
                },
                |_| 0,
            )
        };
        let together = futures::future::join_all((0..10).map(|_| ask("a"))).await;
        assert!(together.iter().all(|v| **v == 100), "{together:?}");
        assert_eq!(*ask("a").await, 100);
        assert_eq!(*ask("b").await, 101);
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        assert_eq!(once.len(), 2);
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_does_not_cancel_the_work() {
        let once: OncePerRun<u8, &'static str> = OncePerRun::default();
        let started = Arc::new(AtomicUsize::new(0));
        let work = |started: Arc<AtomicUsize>| {
            move || async move {
                started.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(100)).await;
                "done"
            }
        };
        let impatient = tokio::time::timeout(
            Duration::from_millis(10),
            once.get(1, work(started.clone()), |_| "stopped"),
        )
        .await;
        assert!(impatient.is_err());
        let patient = once.get(1, work(started.clone()), |_| "stopped").await;
        assert_eq!(*patient, "done");
        assert_eq!(started.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn work_that_dies_gives_the_stopped_result() {
        let once: OncePerRun<u8, String> = OncePerRun::default();
        let v = once
            .get(
                1,
                || async { panic!("broken work") },
                |why| format!("stopped: {why}"),
            )
            .await;
        assert!(v.starts_with("stopped: ") && v.contains("panic"), "{v}");
    }
}
