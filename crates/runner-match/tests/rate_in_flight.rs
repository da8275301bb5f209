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
    let requests: Vec<_> = requests.iter().map(|&(l, f)| (l, f, 1)).collect();
    simulate_with_cost(limit, window, workers, &requests)
}

/// [`simulate`] where each request also has a cost: a request of cost `c` reaches the
/// server as `c` HTTP requests (a CORS preflight, then the `GET`), spread evenly from
/// the send up to its `fraction` point, all counted by the server's limit.
fn simulate_with_cost(
    limit: u32,
    window: u64,
    workers: usize,
    requests: &[(u64, u8, u32)],
) -> Vec<u64> {
    let mut budget = RequestBudget::new(limit, window).unwrap();
    // (time the worker is next free, the answer pending: (finish time) or none)
    let mut free_at = vec![0u64; workers];
    let mut pending: Vec<Option<u64>> = vec![None; workers];
    let mut costs = vec![1u32; workers];
    let mut arrivals = Vec::new();
    let mut next = 0;
    let mut now = 0u64;
    while next < requests.len() || pending.iter().any(Option::is_some) {
        // Deliver answers due by now.
        for w in 0..workers {
            if let Some(done) = pending[w] {
                if done <= now {
                    budget.finish_with_cost(done.max(now), costs[w]);
                    pending[w] = None;
                    free_at[w] = now;
                }
            }
        }
        // Free workers ask the budget.
        for w in 0..workers {
            let idle = pending[w].is_none() && next < requests.len() && free_at[w] <= now;
            let cost = requests.get(next).map_or(1, |r| r.2);
            if idle && budget.delay_ms_with_cost(now, cost) == 0 {
                let (latency, fraction, _) = requests[next];
                next += 1;
                budget.begin_with_cost(now, cost);
                let last = latency * u64::from(fraction) / 255;
                for part in 1..=u64::from(cost) {
                    arrivals.push(now + last * part / u64::from(cost));
                }
                costs[w] = cost;
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

    #[test]
    fn the_server_never_sees_more_than_the_limit_counting_preflights(
        limit in 2u32..7,
        window in 50u64..400,
        workers in 1usize..8,
        requests in proptest::collection::vec((0u64..300, any::<u8>(), 1u32..=2), 1..40),
    ) {
        let arrivals = simulate_with_cost(limit, window, workers, &requests);
        let sent: u32 = requests.iter().map(|r| r.2).sum();
        prop_assert_eq!(arrivals.len(), sent as usize);
        prop_assert!(peak(&arrivals, window) <= limit as usize, "{:?}", arrivals);
    }
}

#[test]
fn a_request_costs_its_units_until_it_leaves_the_window() {
    let mut budget = RequestBudget::new(3, 1_000).unwrap();
    budget.begin_with_cost(0, 2);
    assert_eq!(budget.in_flight(), 2);
    assert_eq!(budget.delay_ms_with_cost(0, 2), IN_FLIGHT_POLL_MS);
    assert_eq!(budget.delay_ms(0), 0, "one unit is left");
    budget.finish_with_cost(100, 2);
    assert_eq!(budget.in_flight(), 0);
    assert_eq!(
        budget.delay_ms_with_cost(100, 2),
        1_000,
        "both units count from the answer"
    );
    assert_eq!(budget.delay_ms(100), 0);
    assert_eq!(budget.delay_ms_with_cost(1_100, 2), 0);
}

#[test]
fn a_cost_above_the_limit_goes_out_alone() {
    let mut budget = RequestBudget::new(1, 1_000).unwrap();
    assert_eq!(budget.delay_ms_with_cost(0, 2), 0);
    budget.begin_with_cost(0, 2);
    assert_eq!(budget.in_flight(), 1, "booked as the whole budget");
    budget.finish_with_cost(10, 2);
    assert_eq!(budget.delay_ms_with_cost(10, 2), 1_000);
    assert_eq!(
        budget.delay_ms_with_cost(10, 0),
        budget.delay_ms(10),
        "cost 0 is cost 1"
    );
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
