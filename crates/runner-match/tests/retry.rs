//! Retry decisions, `Retry-After` parsing, and the sliding-window request budget.

use proptest::prelude::*;
use runner_match::{
    parse_retry_after, Failure, RequestBudget, RetryDecision, RetryPolicy, MAX_RETRY_AFTER_MS,
    RATE_LIMIT_COOLDOWN_MS, RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_MS,
};

/// `Sun, 06 Nov 1994 08:49:37 GMT` in Unix milliseconds.
const RFC_EXAMPLE_MS: u64 = 784_111_777_000;

fn status(status: u16, retry_after: Option<&str>) -> Failure {
    Failure::Status {
        status,
        retry_after: retry_after.map(str::to_owned),
    }
}

fn retry(delay_ms: u64) -> RetryDecision {
    RetryDecision::RetryAfter { delay_ms }
}

#[test]
fn decisions_follow_the_status() {
    use RetryDecision::GiveUp;
    let now = RFC_EXAMPLE_MS - 2_500;
    let cases: Vec<(Failure, RetryDecision)> = vec![
        (status(429, None), retry(RATE_LIMIT_COOLDOWN_MS)),
        (status(429, Some("3")), retry(3_000)),
        (status(429, Some(" 7\t")), retry(7_000)),
        (status(429, Some("0")), retry(0)),
        (status(429, Some("59")), retry(59_000)),
        (status(429, Some("120")), retry(MAX_RETRY_AFTER_MS)),
        (
            status(429, Some("99999999999999999999999")),
            retry(MAX_RETRY_AFTER_MS),
        ),
        (
            status(429, Some("Sun, 06 Nov 1994 08:49:37 GMT")),
            retry(2_500),
        ),
        (status(429, Some("Sun, 06 Nov 1994 08:49:30 GMT")), retry(0)),
        (
            status(429, Some("Fri, 31 Dec 9999 23:59:59 GMT")),
            retry(MAX_RETRY_AFTER_MS),
        ),
        // Unparseable: the documented 10 s cooldown applies.
        (status(429, Some("-1")), retry(RATE_LIMIT_COOLDOWN_MS)),
        (status(429, Some("1.5")), retry(RATE_LIMIT_COOLDOWN_MS)),
        (status(429, Some("")), retry(RATE_LIMIT_COOLDOWN_MS)),
        (
            status(429, Some("Sunday, 06-Nov-94 08:49:37 GMT")),
            retry(RATE_LIMIT_COOLDOWN_MS),
        ),
        (status(503, Some("5")), retry(5_000)),
        (
            status(500, Some("Sun, 06 Nov 1994 08:49:38 GMT")),
            retry(3_500),
        ),
        (status(599, Some("1000")), retry(MAX_RETRY_AFTER_MS)),
        (status(400, Some("1")), GiveUp),
        (status(401, None), GiveUp),
        (status(403, None), GiveUp),
        (status(404, None), GiveUp),
        (status(408, None), GiveUp),
        (status(428, None), GiveUp),
        (status(430, Some("1")), GiveUp),
        (status(499, None), GiveUp),
        (status(600, None), GiveUp),
        (status(200, None), GiveUp),
        (status(304, None), GiveUp),
        (status(0, None), GiveUp),
    ];
    let policy = RetryPolicy::default();
    for (failure, expected) in cases {
        assert_eq!(policy.decide(0, &failure, now, 1), expected, "{failure:?}");
    }
}

#[test]
fn server_errors_and_transport_failures_back_off() {
    let policy = RetryPolicy::default();
    for failure in [
        status(500, None),
        status(502, Some("later")),
        Failure::Network,
        Failure::Timeout,
    ] {
        for (attempt, low, high) in [(0, 250, 500), (1, 500, 1_000), (2, 1_000, 2_000)] {
            let RetryDecision::RetryAfter { delay_ms } = policy.decide(attempt, &failure, 0, 99)
            else {
                panic!("{failure:?} is retried");
            };
            assert!(
                (low..=high).contains(&delay_ms),
                "{failure:?} #{attempt}: {delay_ms}"
            );
            assert_eq!(delay_ms, policy.backoff_ms(attempt, 99));
        }
    }
}

#[test]
fn retries_run_out() {
    let policy = RetryPolicy::default();
    for failure in [status(429, None), status(503, Some("1")), Failure::Network] {
        assert_ne!(policy.decide(2, &failure, 0, 0), RetryDecision::GiveUp);
        for attempt in [3, 4, u32::MAX] {
            assert_eq!(
                policy.decide(attempt, &failure, 0, 0),
                RetryDecision::GiveUp
            );
        }
        let never = RetryPolicy {
            max_retries: 0,
            ..policy
        };
        assert_eq!(never.decide(0, &failure, 0, 0), RetryDecision::GiveUp);
    }
}

#[test]
fn backoff_is_capped_and_never_overflows() {
    let policy = RetryPolicy::default();
    for attempt in [6, 7, 63, 64, 65, u32::MAX] {
        let delay = policy.backoff_ms(attempt, attempt.into());
        assert!((15_000..=30_000).contains(&delay), "#{attempt}: {delay}");
    }
    let extreme = RetryPolicy {
        max_retries: u32::MAX,
        base_delay_ms: u64::MAX,
        max_delay_ms: u64::MAX,
    };
    for (attempt, seed) in [(0, 0), (1, u64::MAX), (u32::MAX, 12_345)] {
        assert!(extreme.backoff_ms(attempt, seed) >= u64::MAX / 2);
    }
    let zero = RetryPolicy {
        base_delay_ms: 0,
        ..policy
    };
    assert_eq!(zero.decide(1, &Failure::Timeout, 0, 5), retry(0));
    let inverted = RetryPolicy {
        base_delay_ms: 5_000,
        max_delay_ms: 1_000,
        ..policy
    };
    assert!((500..=1_000).contains(&inverted.backoff_ms(0, 5)));
}

#[test]
fn jitter_is_deterministic_and_spread() {
    let policy = RetryPolicy::default();
    let delays: Vec<u64> = (0..1_000).map(|seed| policy.backoff_ms(3, seed)).collect();
    let again: Vec<u64> = (0..1_000).map(|seed| policy.backoff_ms(3, seed)).collect();
    assert_eq!(delays, again);
    assert!(delays.iter().all(|d| (2_000..=4_000).contains(d)));
    let distinct: std::collections::BTreeSet<_> = delays.iter().collect();
    assert!(
        distinct.len() > 700, // ~787 expected: 1000 draws from 2001 values
        "only {} distinct delays",
        distinct.len()
    );
    let low = delays.iter().filter(|&&d| d < 3_000).count();
    assert!(
        (400..=600).contains(&low),
        "{low} of 1000 in the lower half"
    );
    // Reusing one seed across attempts still gives unrelated jitter: where each delay
    // falls within its range (per mille) differs from attempt to attempt.
    let positions: Vec<u64> = (0..6)
        .map(|a| (policy.backoff_ms(a, 7) - (250 << a)) * 1_000 / (250 << a))
        .collect();
    let distinct: std::collections::BTreeSet<_> = positions.iter().collect();
    assert!(distinct.len() >= 5, "{positions:?}");
}

#[test]
fn retry_after_parsing() {
    let cases: Vec<(&str, u64, Option<u64>)> = vec![
        ("0", 0, Some(0)),
        ("120", 5, Some(120_000)),
        ("  42 ", 0, Some(42_000)),
        ("18446744073709551616", 0, Some(u64::MAX)),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 0, Some(RFC_EXAMPLE_MS)),
        ("Sun, 06 Nov 1994 08:49:37 GMT", RFC_EXAMPLE_MS, Some(0)),
        ("Sun, 06 Nov 1994 08:49:37 GMT", u64::MAX, Some(0)),
        ("Thu, 01 Jan 1970 00:00:01 GMT", 0, Some(1_000)),
        ("Wed, 31 Dec 1969 23:59:59 GMT", 0, Some(0)),
        (
            "Thu, 29 Feb 2024 12:00:00 GMT",
            1_709_208_000_000 - 1,
            Some(1),
        ),
        ("Sat, 31 Dec 2016 23:59:60 GMT", 1_483_228_800_000, Some(0)),
        ("Mon, 01 Jan 0001 00:00:00 GMT", 0, Some(0)),
        ("", 0, None),
        ("+5", 0, None),
        ("-5", 0, None),
        ("5s", 0, None),
        ("1e3", 0, None),
        ("٣", 0, None),
        ("Sun, 06 Nov 1994 08:49:37 gmt", 0, None),
        ("Sun, 06 Nov 1994 08:49:37 UTC", 0, None),
        ("Sun, 6 Nov 1994 08:49:37 GMT", 0, None),
        ("Sun, 06 nov 1994 08:49:37 GMT", 0, None),
        ("Fun, 06 Nov 1994 08:49:37 GMT", 0, None),
        ("Sun 06 Nov 1994 08:49:37 GMT ", 0, None),
        ("Sun, 06 Nov 1994 24:00:00 GMT", 0, None),
        ("Sun, 06 Nov 1994 08:60:00 GMT", 0, None),
        ("Sun, 06 Nov 1994 08:49:61 GMT", 0, None),
        ("Sun, 00 Nov 1994 08:49:37 GMT", 0, None),
        ("Sun, 31 Nov 1994 08:49:37 GMT", 0, None),
        ("Thu, 29 Feb 2023 08:49:37 GMT", 0, None),
        ("Sun, 06 Nov 19a4 08:49:37 GMT", 0, None),
        ("Sun, 06 Nov 1994 08-49-37 GMT", 0, None),
        ("Sun Nov  6 08:49:37 1994", 0, None),
        ("Sun, 06 Nov 1994 08:49:37 GMT€", 0, None),
        ("€€€€€€€€€ GMT 08:49:37 GMT", 0, None),
    ];
    for (value, now, expected) in cases {
        assert_eq!(
            parse_retry_after(value, now),
            expected,
            "{value:?} at {now}"
        );
    }
}

#[test]
fn budget_construction() {
    let budget = RequestBudget::default();
    assert_eq!((budget.limit(), budget.window_ms()), (40, 10_000));
    assert_eq!((RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_MS), (40, 10_000));
    let smaller = RequestBudget::new(30, 10_000).unwrap();
    assert_eq!((smaller.limit(), smaller.window_ms()), (30, 10_000));
    for (limit, window, text) in [
        (0, 10_000, "limit must be at least 1 request, got 0"),
        (40, 0, "window must be at least 1 ms, got 0"),
        (0, 0, "limit must be at least 1 request, got 0"),
    ] {
        assert_eq!(
            RequestBudget::new(limit, window).unwrap_err().to_string(),
            text
        );
    }
}

#[test]
fn forty_go_at_once_then_the_window_must_slide() {
    let mut budget = RequestBudget::default();
    for _ in 0..40 {
        assert_eq!(budget.delay_ms(1_000), 0);
        budget.record(1_000);
    }
    assert_eq!(budget.delay_ms(1_000), 10_000);
    assert_eq!(budget.delay_ms(7_000), 4_000);
    assert_eq!(budget.delay_ms(10_999), 1);
    assert_eq!(budget.delay_ms(11_000), 0);
}

#[test]
fn pauses_hold_everything_back() {
    let mut budget = RequestBudget::default();
    budget.record(1_000);
    budget.pause_until(11_000);
    budget.pause_until(5_000); // an earlier pause does not shorten the longer one
    assert_eq!(budget.delay_ms(1_000), 10_000);
    assert_eq!(budget.delay_ms(10_000), 1_000);
    assert_eq!(budget.delay_ms(11_000), 0);
    budget.pause_until(0);
    assert_eq!(budget.delay_ms(11_000), 0);
    budget.pause_until(u64::MAX);
    assert_eq!(budget.delay_ms(11_000), u64::MAX - 11_000);
}

#[test]
fn a_429_pauses_the_budget_for_the_cooldown() {
    let (policy, mut budget, now) = (RetryPolicy::default(), RequestBudget::default(), 50_000);
    budget.record(now);
    if let RetryDecision::RetryAfter { delay_ms } = policy.decide(0, &status(429, None), now, 3) {
        budget.pause_until(now + delay_ms);
    }
    assert_eq!(budget.delay_ms(now), RATE_LIMIT_COOLDOWN_MS);
}

#[test]
fn extreme_and_backward_clocks_never_panic() {
    let mut budget = RequestBudget::new(2, u64::MAX).unwrap();
    for now in [u64::MAX, 0, u64::MAX, 5, u64::MAX - 1, 0] {
        let _ = budget.delay_ms(now);
        budget.record(now);
        budget.pause_until(now);
    }
    // A clock that has read u64::MAX saturates the internal clock: no panic, and
    // nothing can wait beyond the window.
    assert!(budget.delay_ms(0) <= budget.window_ms());
    // Backwards by an hour right after a full window: the budget assumes no time passed
    // across the jump, so the wait is the rest of the window, not an hour and more.
    let mut budget = RequestBudget::new(1, 1_000).unwrap();
    budget.record(10_000_000);
    assert_eq!(budget.delay_ms(10_000_400), 600);
    assert_eq!(budget.delay_ms(6_400_000), 600);
    assert_eq!(budget.delay_ms(6_400_600), 0);
}

/// The real time of the first arrival in [`drive`].
const EPOCH: u64 = 1_000_000_000_000;

/// Drives a budget the way a client does: requests arrive `gaps` apart (and queue); each
/// asks for the delay, waits, asks again, and records its start. Returns the real start
/// times. `clock` maps real time to what the client's clock reads for request `i`.
fn drive(budget: &mut RequestBudget, gaps: &[u64], clock: impl Fn(u64, usize) -> u64) -> Vec<u64> {
    let (mut real, mut arrival, mut starts) = (EPOCH, EPOCH, Vec::new());
    for (i, gap) in gaps.iter().enumerate() {
        arrival += gap;
        real = real.max(arrival);
        loop {
            let delay = budget.delay_ms(clock(real, i));
            assert!(
                delay <= budget.window_ms(),
                "delay {delay} beyond one window"
            );
            if delay == 0 {
                break;
            }
            real += delay;
        }
        budget.record(clock(real, i));
        starts.push(real);
    }
    starts
}

/// No `limit + 1` starts fall within one window (`starts` is non-decreasing).
fn within_limit(starts: &[u64], limit: u32, window_ms: u64) -> bool {
    starts
        .windows(limit as usize + 1)
        .all(|w| w[limit as usize] - w[0] >= window_ms)
}

proptest! {
    #[test]
    fn comfycontrol_limit_is_never_exceeded(gaps in prop::collection::vec(0u64..=400, 200)) {
        let mut budget = RequestBudget::default();
        let starts = drive(&mut budget, &gaps, |real, _| real);
        prop_assert!(within_limit(&starts, 40, 10_000));
    }

    #[test]
    fn requests_start_as_early_as_the_window_allows(
        limit in 1u32..=40, window in 1u64..=20_000,
        gaps in prop::collection::vec(prop_oneof![Just(0u64), 0u64..=3_000], 1..200),
    ) {
        let mut budget = RequestBudget::new(limit, window).unwrap();
        let starts = drive(&mut budget, &gaps, |real, _| real);
        let mut arrival = EPOCH;
        for (i, gap) in gaps.iter().enumerate() {
            arrival += gap;
            let mut earliest = arrival.max(if i > 0 { starts[i - 1] } else { 0 });
            if let Some(blocker) = i.checked_sub(limit as usize) {
                earliest = earliest.max(starts[blocker] + window);
            }
            prop_assert_eq!(starts[i], earliest, "request {}", i);
        }
    }

    #[test]
    fn a_clock_going_backwards_never_breaks_the_limit(
        limit in 1u32..=40,
        gaps in prop::collection::vec(0u64..=800, 200),
        jumps in prop::collection::vec((0usize..200, 0u64..=3_600_000), 0..5),
    ) {
        let mut budget = RequestBudget::new(limit, 10_000).unwrap();
        // From request `at` on, the client's clock reads `back` ms less (cumulatively).
        let skew = |i: usize| jumps.iter().filter(|(at, _)| *at <= i).map(|(_, back)| back).sum::<u64>();
        let starts = drive(&mut budget, &gaps, |real, i| real - skew(i));
        prop_assert!(within_limit(&starts, limit, 10_000));
    }

    #[test]
    fn decisions_never_panic(
        attempt: u32, status: u16, header in prop::option::of(".{0,40}"), now: u64, seed: u64,
        base: u64, max: u64,
    ) {
        let policy = RetryPolicy { max_retries: u32::MAX, base_delay_ms: base, max_delay_ms: max };
        let failure = Failure::Status { status, retry_after: header };
        if let RetryDecision::RetryAfter { delay_ms } = policy.decide(attempt, &failure, now, seed) {
            prop_assert!(delay_ms <= MAX_RETRY_AFTER_MS.max(RATE_LIMIT_COOLDOWN_MS).max(max));
        }
    }
}
