//! Sans-IO paging over a runner listing (`GET /v1/runner`, `GET /v1/managed-runner`).
//!
//! The [`Pager`] performs no request. It says which pages to fetch
//! ([`Pager::next_requests`]); the caller fetches them however it likes (browser `fetch`,
//! an async client, a test) and hands each response back ([`Pager::receive`]). Page 1
//! goes alone because its `total` sizes the plan; the other pages can then be fetched
//! together, so a listing of N pages costs about two round trips.
//!
//! # Policies
//! - **Stopping.** An empty page, or one shorter than the page size, ends the listing:
//!   no page after it is planned, whatever `total` says. A `total` far larger than the
//!   fleet therefore costs one batch of empty pages, never an unbounded stream, and one
//!   that counts runners the listing hides costs at most one extra empty page.
//! - **Pages shift while they are read.** The listing is newest first, so a runner
//!   created mid-read pushes the others down: the last runner of page 1 shows up again
//!   on page 2, and the oldest one moves onto a page nobody planned.
//!   - *De-duplication by `id`*: a runner seen twice is kept once, the copy with the
//!     newest `updated_at`, and on a tie the most recently received copy (the freshest
//!     state the server reported, whatever order concurrent pages arrive in).
//!   - *Planning* follows the largest `total` any page reported (a deletion then costs
//!     at most a short or empty page, which stops the read; an insertion is not missed).
//!   - *Safety margin*: when every planned page is in, the last one was full, and fewer
//!     distinct runners were seen than the most recently received `total`, one more
//!     page is planned. In all, at most `ceil(total₁ / page size) +`
//!     [`SAFETY_MARGIN_PAGES`] pages are requested, `total₁` being page 1's `total`.
//!     When that is not enough, [`Pager::finish`] returns [`PagingError::Truncated`]
//!     rather than a list that silently lacks runners.
//!   - Reading pages strictly in order (`next_requests(1)`) never misses a runner that
//!     existed when the read began if runners are only added meanwhile. Pages fetched
//!     concurrently can: an insertion may push a runner from a page not yet served onto
//!     one already served. A deletion may do the same even in order. No count can
//!     detect either, so a read is as consistent as the API allows, not a snapshot.
//! - **Servers that ignore `per_page`.** If page 1 holds more runners than asked, the
//!   server is paging by its own size: the runners are kept and that observed size is
//!   used to plan and to tell short pages (planning by the size asked for would request
//!   pages past the end). A *later* page longer than the page size means the pages no
//!   longer tile the listing (gaps or overlaps no one can locate): that page is
//!   rejected with [`PagingError::PageTooLong`] and the read cannot complete.
//! - Requests always carry `per_page` as asked, between 1 and [`MAX_PER_PAGE`]: a
//!   server clamping a larger value would look like a short page and end the read early.

use std::sync::OnceLock;

use crate::interner::Interner;
use crate::model::{Runner, RunnerPage};
use crate::order::{sort_by, take};
use crate::rank::compare_runners;
use crate::timestamp::Timestamp;

/// The largest `per_page` ComfyControl accepts.
pub const MAX_PER_PAGE: u32 = 100;

/// Pages the pager may request beyond `ceil(total / page size)` of page 1's `total`,
/// to pick up runners pushed down by insertions while the listing was read.
pub const SAFETY_MARGIN_PAGES: u32 = 2;

/// At most this many requests come out of one [`Pager::next_requests`] call, whatever
/// `max` asks for, so that a bogus `total` cannot make the pager allocate millions of
/// requests at once. Call again for more.
pub const MAX_BATCH: usize = 100;

/// One page to fetch: `?page={page}&per_page={per_page}`.
///
/// ```
/// let request = runner_match::PageRequest { page: 2, per_page: 100 };
/// assert_eq!(request.query(), "page=2&per_page=100");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageRequest {
    /// The 1-based page number.
    pub page: u32,
    /// How many runners to ask for per page.
    pub per_page: u32,
}

impl PageRequest {
    /// The query string, without the leading `?`: `page=N&per_page=M`.
    pub fn query(&self) -> String {
        format!("page={}&per_page={}", self.page, self.per_page)
    }
}

/// Why paging failed. Every message says what was wrong and with which values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingError {
    /// `per_page` outside `1..=MAX_PER_PAGE`.
    #[error("per_page must be between 1 and {max}, got {got}", max = MAX_PER_PAGE)]
    InvalidPerPage {
        /// The rejected value.
        got: u32,
    },
    /// A response for a request this pager never issued; the pager is unchanged.
    #[error("page {page} with per_page={per_page} was never requested by this pager")]
    NotRequested {
        /// The page number of the response.
        page: u32,
        /// The `per_page` of the response's request.
        per_page: u32,
    },
    /// A second response for the same page; the pager is unchanged.
    #[error("page {page} was already received")]
    AlreadyReceived {
        /// The page number.
        page: u32,
    },
    /// A page after page 1 longer than the page size: the server changed its page size
    /// mid-read, so the pages may overlap or leave gaps. The read cannot complete.
    #[error(
        "page {page} holds {runners} runners but pages hold at most {page_size}: the server \
         changed its page size mid-read, so pages may overlap or leave gaps; read the \
         listing again"
    )]
    PageTooLong {
        /// The page number.
        page: u32,
        /// How many runners it held.
        runners: usize,
        /// The page size in use.
        page_size: u32,
    },
    /// A page after the one that ended the listing (empty or short) holds runners: the
    /// pages do not tile the listing. The read cannot complete.
    #[error("page {page} holds runners although page {end} ended the listing: the listing changed while it was read; read it again")]
    RunnersAfterEnd {
        /// The page with runners.
        page: u32,
        /// The page that ended the listing.
        end: u32,
    },
    /// Pages are still to be requested or still in flight.
    #[error("listing incomplete: {received} of {expected} pages received")]
    Incomplete {
        /// Pages received so far.
        received: u32,
        /// Pages requested or planned so far (it may grow as responses arrive).
        expected: u32,
    },
    /// Runners kept being pushed past the last page and the safety margin is used up.
    #[error(
        "the listing kept growing while it was read: {seen} distinct runners seen in {pages} \
         pages but total is {total}, and the safety margin of {margin} extra pages is used \
         up; read the listing again",
        margin = SAFETY_MARGIN_PAGES
    )]
    Truncated {
        /// Distinct runners seen.
        seen: usize,
        /// The most recently received `total`.
        total: u64,
        /// Pages requested.
        pages: u32,
    },
}

/// Plans and merges the pages of one runner listing. See the [module docs](self) for
/// the policies.
///
/// ```
/// use runner_match::{Pager, RunnerPage};
/// # fn fetch(query: &str) -> RunnerPage {
/// #     let runner = |i: u32| serde_json::json!({"id": format!("r{i}"), "name": "x",
/// #         "status": "active", "tags": [], "created_at": format!("2024-01-01T00:00:{i:02}Z"),
/// #         "updated_at": "2024-01-01T00:00:00Z"});
/// #     let runners: Vec<_> = match query { "page=1&per_page=2" => vec![runner(5), runner(4)],
/// #         "page=2&per_page=2" => vec![runner(3), runner(2)], _ => vec![runner(1)] };
/// #     let page = serde_json::json!({"runners": runners, "total": 5});
/// #     runner_match::json::decode(&page.to_string()).unwrap()
/// # }
/// let mut pager = Pager::new(2)?;
/// let mut round_trips = 0;
/// loop {
///     let requests = pager.next_requests(10);
///     if requests.is_empty() && pager.in_flight() == 0 {
///         break;
///     }
///     round_trips += 1;
///     for request in requests {
///         // A real client sends `GET /v1/managed-runner?{query}` here, concurrently.
///         let page = fetch(&request.query());
///         pager.receive(request, page)?;
///     }
/// }
/// assert_eq!(round_trips, 2); // page 1, then pages 2 and 3 together
/// let runners = pager.finish()?;
/// assert_eq!(runners.len(), 5);
/// assert_eq!(runners[0].id, "r5"); // newest first
/// # Ok::<(), runner_match::PagingError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Pager {
    per_page: u32,
    /// `per_page`, or the longer page 1 a server ignoring `per_page` sent.
    page_size: u32,
    /// Pages are issued in order, so `1..=issued` is everything ever requested.
    issued: u32,
    in_flight: Vec<u32>,
    /// Page 1's `total`: `None` until page 1 arrives. It fixes the request cap.
    first_total: Option<u64>,
    max_total: u64,
    latest_total: u64,
    /// The first short or empty page: nothing after it is planned.
    stop_at: Option<u32>,
    /// Every copy received, in order; [`newest`] picks one per id.
    runners: Vec<Runner>,
    /// [`newest`]'s positions in `runners`, worked out once per page received (the
    /// end of a read asks for them several times).
    kept: OnceLock<Vec<u32>>,
    /// Set by [`PagingError::PageTooLong`]: the read can no longer complete.
    broken: Option<PagingError>,
    /// The highest page received with runners on it.
    last_nonempty: u32,
}

impl Default for Pager {
    /// A pager asking for [`MAX_PER_PAGE`] runners a page, the fewest requests.
    fn default() -> Self {
        Self::with_per_page(MAX_PER_PAGE)
    }
}

/// What the pager would still request.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    /// Pages up to and including this one should be requested.
    UpTo(u32),
    /// More pages are needed but the safety margin is used up.
    Truncated,
}

impl Pager {
    /// A pager asking for `per_page` runners per page (`1..=MAX_PER_PAGE`).
    pub fn new(per_page: u32) -> Result<Self, PagingError> {
        if (1..=MAX_PER_PAGE).contains(&per_page) {
            Ok(Self::with_per_page(per_page))
        } else {
            Err(PagingError::InvalidPerPage { got: per_page })
        }
    }

    fn with_per_page(per_page: u32) -> Self {
        Pager {
            per_page,
            page_size: per_page,
            issued: 0,
            in_flight: Vec::new(),
            first_total: None,
            max_total: 0,
            latest_total: 0,
            stop_at: None,
            runners: Vec::new(),
            kept: OnceLock::new(),
            broken: None,
            last_nonempty: 0,
        }
    }

    /// The requests to issue now, at most `max` (and at most [`MAX_BATCH`]); they count
    /// as in flight until [`receive`](Self::receive)d. Before page 1 has arrived, that is
    /// page 1 alone; after it, the remaining pages. Empty when nothing more is needed
    /// yet: call again after each response, and stop once this is empty and
    /// [`in_flight`](Self::in_flight) is 0. With `max = 1` pages are read strictly in
    /// order, which is slower but misses no runner when runners are only added mid-read.
    pub fn next_requests(&mut self, max: usize) -> Vec<PageRequest> {
        let last = match self.plan() {
            Plan::UpTo(last) => last,
            Plan::Truncated => return Vec::new(),
        };
        let wanted = usize::try_from(last.saturating_sub(self.issued)).unwrap_or(usize::MAX);
        let count = wanted.min(max).min(MAX_BATCH);
        let mut requests = Vec::with_capacity(count);
        for _ in 0..count {
            self.issued = self.issued.saturating_add(1);
            self.in_flight.push(self.issued);
            requests.push(PageRequest {
                page: self.issued,
                per_page: self.per_page,
            });
        }
        requests
    }

    /// Merges the response to `request`. Errors for a request never issued or already
    /// answered leave the pager unchanged; [`PagingError::PageTooLong`] ends the read.
    pub fn receive(&mut self, request: PageRequest, page: RunnerPage) -> Result<(), PagingError> {
        let PageRequest {
            page: number,
            per_page,
        } = request;
        if per_page != self.per_page || number == 0 || number > self.issued {
            return Err(PagingError::NotRequested {
                page: number,
                per_page,
            });
        }
        let Some(at) = self.in_flight.iter().position(|&page| page == number) else {
            return Err(PagingError::AlreadyReceived { page: number });
        };
        self.in_flight.swap_remove(at);
        let len = page.runners.len();
        let len_u32 = u32::try_from(len).unwrap_or(u32::MAX);
        if number == 1 {
            // Later pages are only issued once page 1 is in, so they all use this size.
            // A page 1 shorter than asked while `total` says there is more: the server
            // pages by its own, smaller size (it ignores or clamps `per_page`).
            self.page_size = if len_u32 > 0 && len_u32 < self.per_page && (len as u64) < page.total
            {
                len_u32
            } else {
                self.page_size.max(len_u32)
            };
            self.first_total = Some(page.total);
        } else if len_u32 > self.page_size {
            let error = PagingError::PageTooLong {
                page: number,
                runners: len,
                page_size: self.page_size,
            };
            self.broken = Some(error.clone());
            return Err(error);
        }
        self.max_total = self.max_total.max(page.total);
        self.latest_total = page.total;
        if len_u32 < self.page_size {
            self.stop_at = Some(self.stop_at.map_or(number, |stop| stop.min(number)));
        }
        if len > 0 {
            self.last_nonempty = self.last_nonempty.max(number);
        }

        self.kept.take();
        if self.runners.is_empty() {
            // The first page's list itself: no copy of a (possibly whole-fleet) page.
            self.runners = page.runners;
        } else {
            self.runners.extend(page.runners);
        }
        Ok(())
    }

    /// `true` once every needed page is in and [`finish`](Self::finish) will succeed.
    pub fn is_complete(&self) -> bool {
        self.broken.is_none()
            && self.first_total.is_some()
            && self.in_flight.is_empty()
            && self.plan() == Plan::UpTo(self.issued)
    }

    /// How many requests are issued but not yet received.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// How many pages have been requested in all.
    pub fn pages_requested(&self) -> u32 {
        self.issued
    }

    /// Every runner seen, once each, newest first (by [`compare_runners`]). Fails
    /// rather than return a partial list: [`PagingError::Incomplete`] while pages are
    /// missing, [`PagingError::Truncated`] when the margin ran out, or the
    /// [`PagingError::PageTooLong`] that ended the read.
    pub fn finish(mut self) -> Result<Vec<Runner>, PagingError> {
        if let Some(error) = self.broken {
            return Err(error);
        }
        let received = self.issued.saturating_sub(self.in_flight_u32());
        match self.plan() {
            Plan::UpTo(last)
                if self.first_total.is_some()
                    && self.in_flight.is_empty()
                    && last <= self.issued => {}
            Plan::UpTo(last) => {
                return Err(PagingError::Incomplete {
                    received,
                    expected: last.max(self.issued),
                })
            }
            Plan::Truncated => {
                return Err(PagingError::Truncated {
                    seen: self.kept().len(),
                    total: self.latest_total,
                    pages: self.issued,
                })
            }
        }
        // Runners on a page after the one that ended the listing, and fewer runners than
        // the server counts: the pages do not tile the listing (a hole, not the end).
        if let Some(end) = self.stop_at {
            if self.last_nonempty > end && self.seen() < self.latest_total {
                return Err(PagingError::RunnersAfterEnd {
                    page: self.last_nonempty,
                    end,
                });
            }
        }
        let kept = match self.kept.take() {
            Some(kept) => kept,
            None => self.newest_positions(),
        };
        let mut runners = take(self.runners, &kept);
        sort_by(&mut runners, compare_runners);
        Ok(runners)
    }

    /// The positions in `runners` of the copy kept per id.
    fn kept(&self) -> &[u32] {
        self.kept.get_or_init(|| self.newest_positions())
    }

    fn newest_positions(&self) -> Vec<u32> {
        newest(self.runners.len(), &|at| {
            (&self.runners[at].id, &self.runners[at].updated_at)
        })
    }

    /// How many distinct runners arrived.
    fn seen(&self) -> u64 {
        u64::try_from(self.kept().len()).unwrap_or(u64::MAX)
    }

    fn in_flight_u32(&self) -> u32 {
        u32::try_from(self.in_flight.len()).unwrap_or(u32::MAX)
    }

    /// The last page worth having given what has arrived so far.
    fn plan(&self) -> Plan {
        let Some(first_total) = self.first_total else {
            return Plan::UpTo(1);
        };
        if self.broken.is_some() || self.stop_at.is_some() {
            // Nothing after a short page; pages already in flight are still accepted.
            return Plan::UpTo(self.issued);
        }
        let cap = pages_for(first_total, self.page_size).saturating_add(SAFETY_MARGIN_PAGES);
        let base = pages_for(self.max_total, self.page_size).min(cap);
        if base > self.issued {
            return Plan::UpTo(base);
        }
        // Every page so far was full (no stop) yet runners are missing: they were pushed
        // past the last page, so look one page further while the margin lasts. (Counted
        // only then: that is once all pages are in.)
        if self.in_flight.is_empty() && self.seen() != self.latest_total {
            if self.issued < cap {
                return Plan::UpTo(self.issued.saturating_add(1));
            }
            return Plan::Truncated;
        }
        Plan::UpTo(self.issued)
    }
}

/// Of `len` items received in order, given each one's `(id, updated_at)`, the positions
/// of the copy to keep per id, ids in first-seen order: the newest `updated_at`, on a tie
/// the copy received last (the freshest state the server reported). Shared by every
/// pager of a listing that shifts while it is read.
pub(crate) fn newest<'a>(len: usize, key: &dyn Fn(usize) -> (&'a str, &'a Timestamp)) -> Vec<u32> {
    let mut ids = Interner::new();
    let mut kept: Vec<u32> = Vec::new();
    for at in 0..len {
        let (id, updated_at) = key(at);
        match ids.intern(id) {
            (_, true) => kept.push(at as u32),
            (slot, false) => {
                let slot = &mut kept[slot as usize];
                if *updated_at >= *key(*slot as usize).1 {
                    *slot = at as u32;
                }
            }
        }
    }
    kept
}

/// `ceil(total / page_size)`, at least 1 (page 1 is always read), saturating at `u32::MAX`.
fn pages_for(total: u64, page_size: u32) -> u32 {
    let size = u64::from(page_size.max(1));
    let pages = total / size + u64::from(total % size != 0);
    u32::try_from(pages).unwrap_or(u32::MAX).max(1)
}
