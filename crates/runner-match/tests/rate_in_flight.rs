//! The budget as the *server* sees it: requests reach the server some time between
//! being sent and being answered, and concurrent requests overlap. Bracketing each one
//! with `begin`/`finish` must keep every server-side window within the limit.

use proptest::prelude::*;
use runner_match::{RequestBudget, IN_FLIGHT_POLL_MS};

/// Simulates `latencies.len()` requests issued by `workers` concurrent workers that
/// each wait for the budget, send, and get their answer `latency` ms later; the server
/// sees each request `arrival_fraction` of the way through its latency. Returns the
/// server-side arrival times.
fn simulate(limit: u32, window: u64, workers: usize, requests: &[(u64, u8)]) -> Vec<u64> {
    let mut budget = RequestBudget::new(limit, window).unwrap();
    // (time the worker is next free, the answer pending: (finish time) or none)
    let mut free_at = vec![0u64; workers];
    let mut pending: Vec<Option<u64>> = vec![None; workers];
    let mut arrivals = Vec::new();
    let mut next = 0;
    let mut now = 0u64;
    while next < requests.len() || pending.iter().any(Option::is_some) {
        // Deliver answers due by now.
        for w in 0..workers {
            if let Some(done) = pending[w] {
                if done <= now {
                    budget.finish(done.max(now));
                    pending[w] = None;
                    free_at[w] = now;
                }
            }
        }
        // Free workers ask the budget.
        for w in 0..workers {
            let idle = pending[w].is_none() && next < requests.len() && free_at[w] <= now;
            if idle && budget.delay_ms(now) == 0 {
                let (latency, fraction) = requests[next];
                next += 1;
                budget.begin(now);
                arrivals.push(now + latency * u64::from(fraction) / 255);
                pending[w] = Some(now + latency);
            }
        }
        now += 1;
    }
    arrivals.sort_unstable();
    arrivals
}

fn peak(arrivals: &[u64], window: u64) -> usize {
    arrivals
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            arrivals[i..]
                .iter()
                .take_while(|&&a| a < t + window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

proptest! {
    #[test]
    fn the_server_never_sees_more_than_the_limit(
        limit in 1u32..6,
        window in 50u64..400,
        workers in 1usize..8,
        requests in proptest::collection::vec((0u64..300, any::<u8>()), 1..40),
    ) {
        let arrivals = simulate(limit, window, workers, &requests);
        prop_assert_eq!(arrivals.len(), requests.len());
        prop_assert!(peak(&arrivals, window) <= limit as usize, "{:?}", arrivals);
    }
}

#[test]
fn unfinished_requests_hold_their_slots() {
    let mut budget = RequestBudget::new(2, 1_000).unwrap();
    budget.begin(0);
    budget.begin(0);
    assert_eq!(budget.in_flight(), 2);
    assert_eq!(
        budget.delay_ms(5_000),
        IN_FLIGHT_POLL_MS,
        "no telling when they finish"
    );
    budget.finish(5_000);
    assert_eq!(
        budget.delay_ms(5_000),
        1_000,
        "the answered one counts from its answer"
    );
    assert_eq!(budget.delay_ms(6_000), 0);
    budget.begin(6_000);
    assert_eq!(budget.delay_ms(6_000), IN_FLIGHT_POLL_MS);
}
