//! The sans-IO pager: planning, merging, stopping, errors, and a simulated server whose
//! listing changes while it is read.

use proptest::prelude::*;
use runner_match::{
    PageRequest, Pager, PagingError, Runner, RunnerPage, MAX_BATCH, SAFETY_MARGIN_PAGES,
};

/// Runner `n`: created `n` seconds into 2024, so a higher `n` is newer.
fn runner(n: u32, updated_second: u32) -> Runner {
    let at = |s: u32| {
        format!(
            "2024-01-01T{:02}:{:02}:{:02}Z",
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    };
    let json = serde_json::json!({
        "id": format!("r{n:05}"), "name": format!("runner {n}"), "runner_type": "pro",
        "status": "active", "tags": ["managed"], "created_at": at(n), "updated_at": at(updated_second),
    });
    runner_match::json::decode(&json.to_string()).expect("valid runner")
}

fn page(ns: &[u32], total: u64) -> RunnerPage {
    RunnerPage {
        runners: ns.iter().map(|&n| runner(n, 0)).collect(),
        total,
    }
}

fn req(page: u32, per_page: u32) -> PageRequest {
    PageRequest { page, per_page }
}

fn pages(requests: &[PageRequest]) -> Vec<u32> {
    requests.iter().map(|r| r.page).collect()
}

fn ids(runners: &[Runner]) -> Vec<&str> {
    runners.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn construction_and_queries() {
    assert_eq!(Pager::default().next_requests(5), [req(1, 100)]);
    assert_eq!(Pager::new(1).unwrap().next_requests(5), [req(1, 1)]);
    assert_eq!(Pager::new(100).unwrap().next_requests(5), [req(1, 100)]);
    assert_eq!(req(3, 25).query(), "page=3&per_page=25");
    assert_eq!(req(u32::MAX, 1).query(), "page=4294967295&per_page=1");
}

#[test]
fn errors_have_exact_messages() {
    let mut long = Pager::new(2).unwrap();
    long.next_requests(1);
    long.receive(req(1, 2), page(&[9, 8], 6)).unwrap();
    long.next_requests(9);
    let too_long = long.receive(req(2, 2), page(&[7, 6, 5], 6)).unwrap_err();

    let mut grown = Pager::new(1).unwrap();
    for n in 1..=4 {
        grown.next_requests(1);
        grown.receive(req(n, 1), page(&[1], 2)).unwrap();
    }
    assert_eq!(grown.in_flight(), 0);
    assert!(grown.next_requests(9).is_empty());
    assert!(!grown.is_complete());

    let mut waiting = Pager::new(10).unwrap();
    waiting.next_requests(1);
    waiting.receive(req(1, 10), page(&[1; 10], 30)).unwrap();
    waiting.next_requests(1);

    let cases: Vec<(PagingError, &str)> =
        vec![
        (Pager::new(0).unwrap_err(), "per_page must be between 1 and 100, got 0"),
        (Pager::new(101).unwrap_err(), "per_page must be between 1 and 100, got 101"),
        (
            Pager::default().receive(req(1, 100), page(&[], 0)).unwrap_err(),
            "page 1 with per_page=100 was never requested by this pager",
        ),
        (
            waiting.clone().receive(req(2, 99), page(&[], 0)).unwrap_err(),
            "page 2 with per_page=99 was never requested by this pager",
        ),
        (
            waiting.clone().receive(req(0, 10), page(&[], 0)).unwrap_err(),
            "page 0 with per_page=10 was never requested by this pager",
        ),
        (
            waiting.clone().receive(req(1, 10), page(&[], 0)).unwrap_err(),
            "page 1 was already received",
        ),
        (
            too_long.clone(),
            "page 2 holds 3 runners but pages hold at most 2: the server changed its page size \
             mid-read, so pages may overlap or leave gaps; read the listing again",
        ),
        (Pager::default().finish().unwrap_err(), "listing incomplete: 0 of 1 pages received"),
        (waiting.finish().unwrap_err(), "listing incomplete: 1 of 3 pages received"),
        (
            grown.finish().unwrap_err(),
            "the listing kept growing while it was read: 1 distinct runners seen in 4 pages \
             but total is 2, and the safety margin of 2 extra pages is used up; read the \
             listing again",
        ),
    ];
    // The error that ended the read is the one `finish` reports.
    assert_eq!(long.finish().unwrap_err(), too_long);
    for (error, text) in cases {
        assert_eq!(error.to_string(), text);
    }
}

#[test]
fn bad_responses_leave_the_pager_unchanged() {
    let mut pager = Pager::new(2).unwrap();
    pager.next_requests(1);
    pager.receive(req(1, 2), page(&[5, 4], 5)).unwrap();
    assert_eq!(pages(&pager.next_requests(9)), [2, 3]);
    for bad in [req(4, 2), req(1, 2), req(2, 3)] {
        assert!(pager.receive(bad, page(&[99, 98], 1_000)).is_err());
    }
    pager.receive(req(2, 2), page(&[3, 2], 5)).unwrap();
    pager.receive(req(3, 2), page(&[1], 5)).unwrap();
    assert!(pager.is_complete());
    let runners = pager.finish().unwrap();
    assert_eq!(
        ids(&runners),
        ["r00005", "r00004", "r00003", "r00002", "r00001"]
    );
}

#[test]
fn page_one_alone_then_the_rest_together() {
    let mut pager = Pager::new(100).unwrap();
    assert_eq!(pages(&pager.next_requests(usize::MAX)), [1]);
    assert!(
        pager.next_requests(usize::MAX).is_empty(),
        "page 1 sizes the plan"
    );
    let first: Vec<u32> = (851..=950).rev().collect();
    pager.receive(req(1, 100), page(&first, 950)).unwrap();
    let rest = pager.next_requests(usize::MAX);
    assert_eq!(pages(&rest), (2..=10).collect::<Vec<_>>());
    assert_eq!((pager.in_flight(), pager.pages_requested()), (9, 10));
    for (i, request) in rest.into_iter().enumerate().rev() {
        let top = 850 - 100 * i as u32;
        let ns: Vec<u32> = (top.saturating_sub(99).max(1)..=top).rev().collect();
        assert!(!pager.is_complete());
        pager.receive(request, page(&ns, 950)).unwrap();
    }
    assert!(pager.is_complete());
    assert!(pager.next_requests(usize::MAX).is_empty());
    let runners = pager.finish().unwrap();
    assert_eq!(runners.len(), 950);
    assert!(runners
        .windows(2)
        .all(|w| w[0].created_at > w[1].created_at));
}

#[test]
fn max_limits_each_batch() {
    let mut pager = Pager::new(1).unwrap();
    assert!(pager.next_requests(0).is_empty());
    pager.next_requests(1);
    pager.receive(req(1, 1), page(&[500], 500)).unwrap();
    assert_eq!(pages(&pager.next_requests(3)), [2, 3, 4]);
    assert_eq!(pages(&pager.next_requests(2)), [5, 6]);
    assert_eq!(pager.next_requests(usize::MAX).len(), MAX_BATCH);
    assert_eq!(pager.in_flight(), 5 + MAX_BATCH);
}

#[test]
fn small_listings_take_one_request() {
    for (ns, total) in [(vec![], 0), (vec![3, 2, 1], 3), (vec![2, 1], 2)] {
        let mut pager = Pager::new(if total == 2 { 2 } else { 10 }).unwrap();
        let per_page = pager.next_requests(5)[0].per_page;
        pager.receive(req(1, per_page), page(&ns, total)).unwrap();
        assert!(pager.is_complete(), "{ns:?}");
        assert!(pager.next_requests(5).is_empty());
        assert_eq!(pager.pages_requested(), 1);
        assert_eq!(pager.finish().unwrap().len(), ns.len());
    }
}

#[test]
fn a_short_or_empty_page_stops_planning() {
    // total says 1000, but page 3 is short: pages 4 and 5 were already in flight and are
    // accepted, nothing after them is requested.
    let mut pager = Pager::new(2).unwrap();
    pager.next_requests(1);
    pager.receive(req(1, 2), page(&[10, 9], 1000)).unwrap();
    assert_eq!(pages(&pager.next_requests(4)), [2, 3, 4, 5]);
    pager.receive(req(3, 2), page(&[6], 1000)).unwrap();
    assert!(pager.next_requests(9).is_empty());
    pager.receive(req(5, 2), page(&[], 1000)).unwrap();
    pager.receive(req(2, 2), page(&[8, 7], 1000)).unwrap();
    assert!(!pager.is_complete());
    pager.receive(req(4, 2), page(&[], 1000)).unwrap();
    assert!(pager.is_complete());
    assert_eq!(pager.pages_requested(), 5);
    assert_eq!(pager.finish().unwrap().len(), 5);
}

#[test]
fn a_huge_total_costs_one_batch_of_empty_pages() {
    for total in [10_000_000, u64::MAX] {
        let mut pager = Pager::new(100).unwrap();
        pager.next_requests(1);
        let first: Vec<u32> = (1..=100).rev().collect();
        pager.receive(req(1, 100), page(&first, total)).unwrap();
        let batch = pager.next_requests(8);
        assert_eq!(batch.len(), 8);
        for request in batch {
            pager.receive(request, page(&[], total)).unwrap();
        }
        assert!(pager.next_requests(usize::MAX).is_empty());
        assert!(pager.is_complete());
        assert_eq!(pager.pages_requested(), 9);
        assert_eq!(pager.finish().unwrap().len(), 100);
    }
}

#[test]
fn duplicates_keep_the_newest_update_then_the_latest_arrival() {
    let mut pager = Pager::new(2).unwrap();
    pager.next_requests(1);
    let with = |runners: Vec<Runner>| RunnerPage { runners, total: 6 };
    pager
        .receive(req(1, 2), with(vec![runner(9, 50), runner(8, 0)]))
        .unwrap();
    assert_eq!(pages(&pager.next_requests(9)), [2, 3]);
    // Page 3 (short: the end) arrives first with an older copy of r9, then page 2 with
    // a copy updated at the same second as page 1's but renamed.
    pager.receive(req(3, 2), with(vec![runner(9, 10)])).unwrap();
    let mut renamed = runner(9, 50);
    renamed.name = "renamed".into();
    pager
        .receive(req(2, 2), with(vec![renamed, runner(6, 0)]))
        .unwrap();
    let runners = pager.finish().unwrap();
    assert_eq!(ids(&runners), ["r00009", "r00008", "r00006"]);
    assert_eq!(runners[0].name, "renamed");
    assert_eq!(runners[0].updated_at.as_str(), "2024-01-01T00:00:50Z");
}

#[test]
fn runners_pushed_down_get_one_more_page() {
    // r6 was created after page 1 was read: r5 shows up twice, r3 moves to page 3,
    // and this server's total lags behind.
    let mut pager = Pager::new(2).unwrap();
    pager.next_requests(1);
    pager.receive(req(1, 2), page(&[5, 4], 4)).unwrap();
    assert_eq!(pages(&pager.next_requests(9)), [2]);
    pager.receive(req(2, 2), page(&[4, 3], 4)).unwrap();
    assert!(!pager.is_complete());
    assert_eq!(pages(&pager.next_requests(9)), [3]);
    pager.receive(req(3, 2), page(&[2], 4)).unwrap();
    assert!(pager.is_complete());
    assert_eq!(pager.pages_requested(), 2 + 1);
    assert_eq!(
        ids(&pager.finish().unwrap()),
        ["r00005", "r00004", "r00003", "r00002"]
    );
}

#[test]
fn a_growing_total_is_followed_up_to_the_margin() {
    let mut pager = Pager::new(2).unwrap();
    pager.next_requests(1);
    pager.receive(req(1, 2), page(&[20, 19], 4)).unwrap();
    pager.next_requests(9);
    pager.receive(req(2, 2), page(&[18, 17], 9)).unwrap();
    // ceil(9 / 2) = 5 pages, capped at ceil(4 / 2) + margin = 4.
    assert_eq!(pages(&pager.next_requests(9)), [3, 4]);
    assert_eq!(pager.pages_requested(), 2 + SAFETY_MARGIN_PAGES);
}

#[test]
fn a_server_ignoring_per_page_is_followed_by_its_own_size() {
    let mut pager = Pager::new(2).unwrap();
    pager.next_requests(1);
    pager.receive(req(1, 2), page(&[7, 6, 5], 7)).unwrap();
    // Planned with the server's 3-runner pages: ceil(7 / 3) = 3, not ceil(7 / 2) = 4.
    let rest = pager.next_requests(9);
    assert_eq!(rest, [req(2, 2), req(3, 2)]);
    pager.receive(req(2, 2), page(&[4, 3, 2], 7)).unwrap();
    // One runner is short: nothing after page 3 either way.
    pager.receive(req(3, 2), page(&[1], 7)).unwrap();
    assert!(pager.is_complete());
    assert_eq!(pager.finish().unwrap().len(), 7);
}

/// The server's listing, newest first, which the test mutates between responses.
struct Server {
    runners: Vec<u32>,
    next: u32,
}

impl Server {
    fn serve(&self, request: PageRequest) -> RunnerPage {
        let size = request.per_page as usize;
        let start = (request.page as usize - 1).saturating_mul(size);
        let ns: Vec<u32> = self
            .runners
            .iter()
            .skip(start)
            .take(size)
            .copied()
            .collect();
        page(&ns, self.runners.len() as u64)
    }

    /// `insert` new runners at the front, then delete the one at `delete` (if any).
    fn mutate(&mut self, insert: u32, delete: Option<usize>) {
        for _ in 0..insert {
            self.next += 1;
            self.runners.insert(0, self.next);
        }
        if let Some(at) = delete.filter(|&at| at < self.runners.len()) {
            self.runners.remove(at);
        }
    }
}

/// Drives a pager against the server, answering in-flight requests in the order
/// `order` picks and letting `change` mutate the listing before each answer.
fn drive(
    per_page: u32,
    start: u32,
    max: usize,
    order: &[usize],
    change: &[(u32, Option<usize>)],
) -> (Result<Vec<Runner>, PagingError>, u32, u32) {
    let mut server = Server {
        runners: (1..=start).rev().collect(),
        next: start,
    };
    let mut pager = Pager::new(per_page).unwrap();
    let (mut queue, mut step, mut round_trips) = (Vec::new(), 0, 0);
    loop {
        let fresh = pager.next_requests(max);
        round_trips += u32::from(!fresh.is_empty());
        queue.extend(fresh);
        if queue.is_empty() {
            break;
        }
        let pick = order.get(step).copied().unwrap_or(0) % queue.len();
        let (insert, delete) = change.get(step).copied().unwrap_or((0, None));
        if step > 0 {
            server.mutate(insert, delete);
        }
        let request = queue.remove(pick);
        pager.receive(request, server.serve(request)).unwrap();
        step += 1;
    }
    assert_eq!(pager.in_flight(), 0);
    let requested = pager.pages_requested();
    (pager.finish(), requested, round_trips)
}

fn original(n: u32) -> String {
    format!("r{n:05}")
}

proptest! {
    #[test]
    fn a_still_listing_is_read_exactly_in_two_round_trips(
        per_page in 1u32..=12, start in 0u32..=150, order in prop::collection::vec(any::<usize>(), 0..200),
    ) {
        let (result, requested, round_trips) = drive(per_page, start, usize::MAX, &order, &[]);
        let runners = result.unwrap();
        prop_assert_eq!(runners.len(), start as usize);
        prop_assert!(runners.windows(2).all(|w| w[0].created_at > w[1].created_at));
        let pages = start.div_ceil(per_page).max(1);
        prop_assert_eq!(requested, pages);
        prop_assert!(round_trips <= 2 || pages > MAX_BATCH as u32 + 1);
    }

    #[test]
    fn reading_in_order_misses_nothing_while_runners_are_added(
        per_page in 1u32..=6, start in 0u32..=40,
        inserts in prop::collection::vec(0u32..=2, 0..60),
    ) {
        let change: Vec<_> = inserts.iter().map(|&n| (n, None)).collect();
        let (result, requested, _) = drive(per_page, start, 1, &[], &change);
        let cap = start.div_ceil(per_page).max(1) + SAFETY_MARGIN_PAGES;
        prop_assert!(requested <= cap);
        match result {
            Ok(runners) => {
                let seen = ids(&runners);
                for n in 1..=start {
                    prop_assert!(seen.contains(&original(n).as_str()), "lost r{}", n);
                }
            }
            Err(PagingError::Truncated { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected {}", other),
        }
    }

    #[test]
    fn any_churn_stays_bounded_and_never_duplicates(
        per_page in 1u32..=6, start in 0u32..=40, max in 1usize..=8,
        order in prop::collection::vec(any::<usize>(), 0..60),
        change in prop::collection::vec((0u32..=3, prop::option::of(0usize..50)), 0..60),
    ) {
        let (result, requested, _) = drive(per_page, start, max, &order, &change);
        prop_assert!(requested <= start.div_ceil(per_page).max(1) + SAFETY_MARGIN_PAGES);
        if let Ok(runners) = result {
            let unique: std::collections::BTreeSet<&str> = ids(&runners).into_iter().collect();
            prop_assert_eq!(unique.len(), runners.len());
            prop_assert!(runners.windows(2).all(|w| w[0].created_at > w[1].created_at));
        }
    }
}
