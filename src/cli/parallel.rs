//! One job per article on every core, with the results kept in input order.
//!
//! The corpus commands (`check`, `stats`, `agree`) read thousands of small
//! sidecars: each costs a few file system calls, a hash of the article and
//! a parse, all independent, so they spread over the cores. Output order
//! stays the order of the inputs, so it is deterministic.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `job` applied to every item, on up to one thread per core; the results
/// in the order of `items`. Items are handed out one at a time, so one big
/// article does not hold back the others.
pub fn map_in_order<T: Sync, R: Send>(items: &[T], job: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = crate::store::cores().min(items.len());
    if threads <= 1 {
        return items.iter().map(job).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, job(item)));
        }
    };
    let mut all: Vec<(usize, R)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for h in helpers {
            // A job that panicked panics here too, as it would have on one thread.
            match h.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        let out = map_in_order(&items, |&i| {
            if i % 7 == 0 {
                std::thread::yield_now();
            }
            i * 2
        });
        assert_eq!(out, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
        assert!(map_in_order(&[] as &[u8], |_| 0).is_empty());
    }
}
