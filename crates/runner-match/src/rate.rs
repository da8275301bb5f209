//! A client-side request budget that keeps a client under ComfyControl's rate limit.
//!
//! ComfyControl (through Cloudflare) allows 40 requests per 10 s per IP on all
//! endpoints; over that it answers `429` and then serves nothing for 10 s. Going over is
//! expensive, so a client asks the [`RequestBudget`] before each request. Clock values
//! are milliseconds on any caller-chosen clock (Unix time, `performance.now()`, a fake
//! clock in tests), as long as one budget always sees the same clock.

use std::cell::Cell;
use std::collections::VecDeque;

/// Requests ComfyControl allows per [`RATE_LIMIT_WINDOW_MS`] from one IP.
pub const RATE_LIMIT_REQUESTS: u32 = 40;

/// The window of ComfyControl's rate limit.
pub const RATE_LIMIT_WINDOW_MS: u64 = 10_000;

/// Why a [`RequestBudget`] cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    /// A limit of 0 would never let a request out.
    #[error("limit must be at least 1 request, got 0")]
    ZeroLimit,
    /// A window of 0 ms limits nothing.
    #[error("window must be at least 1 ms, got 0")]
    ZeroWindow,
}

/// A sliding-window budget: at most `limit` requests start in any `window_ms` span.
///
/// Use a smaller limit than the server's when other clients share the IP. If the clock
/// goes backwards, the budget assumes no time passed across the jump (it cannot know
/// better), so delays stay long enough in real time and never panic or underflow; a
/// clock jumping *forward* looks like time passing and cannot be detected.
///
/// [`delay_ms`](Self::delay_ms) takes `&self` yet remembers the latest clock reading
/// (in a [`Cell`]) to notice such jumps, so the type is `Send` but not `Sync`.
///
/// ```
/// use runner_match::RequestBudget;
/// let mut budget = RequestBudget::new(2, 1_000)?; // 2 requests per second
/// let mut now = 5_000;
/// let mut started = Vec::new();
/// for _ in 0..4 {
///     now += budget.delay_ms(now); // a real client sleeps here
///     budget.record(now);
///     started.push(now);
/// }
/// assert_eq!(started, [5_000, 5_000, 6_000, 6_000]);
///
/// // After a 429, hold everything back until the server's cooldown is over.
/// budget.pause_until(now + 10_000);
/// assert_eq!(budget.delay_ms(now), 10_000);
/// # Ok::<(), runner_match::BudgetError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestBudget {
    limit: u32,
    window_ms: u64,
    /// Start times of the latest requests (at most `limit`), oldest first, on the
    /// internal clock: only the `limit`-th most recent one can hold a new request back.
    starts: VecDeque<u64>,
    /// Nothing starts before this, on the internal clock.
    paused_until: u64,
    clock: MonotonicClock,
}

impl Default for RequestBudget {
    /// ComfyControl's documented limit: 40 requests per 10 s.
    fn default() -> Self {
        RequestBudget {
            limit: RATE_LIMIT_REQUESTS,
            window_ms: RATE_LIMIT_WINDOW_MS,
            starts: VecDeque::new(),
            paused_until: 0,
            clock: MonotonicClock::default(),
        }
    }
}

impl RequestBudget {
    /// A budget of `limit` requests per `window_ms`; both must be at least 1.
    pub fn new(limit: u32, window_ms: u64) -> Result<Self, BudgetError> {
        if limit == 0 {
            return Err(BudgetError::ZeroLimit);
        }
        if window_ms == 0 {
            return Err(BudgetError::ZeroWindow);
        }
        Ok(RequestBudget {
            limit,
            window_ms,
            ..Self::default()
        })
    }

    /// The most requests allowed to start in one window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The window length in milliseconds.
    pub fn window_ms(&self) -> u64 {
        self.window_ms
    }

    /// How long to wait from `now_ms` before the next request may start: 0 if it may
    /// start now. Waiting exactly this long and asking again gives 0 unless the budget
    /// was paused meanwhile.
    pub fn delay_ms(&self, now_ms: u64) -> u64 {
        let now = self.clock.read(now_ms);
        let paused = self.paused_until.saturating_sub(now);
        let full = self.starts.len() >= self.limit_len();
        let window = match self.starts.front() {
            Some(&oldest) if full => oldest.saturating_add(self.window_ms).saturating_sub(now),
            _ => 0,
        };
        paused.max(window)
    }

    /// Records that a request started at `now_ms` (whether or not the budget allowed it).
    pub fn record(&mut self, now_ms: u64) {
        let now = self.clock.read(now_ms);
        self.starts.push_back(now);
        // Older starts can no longer hold anything back (the clock never runs backwards
        // internally, so the deque stays sorted).
        while self.starts.len() > self.limit_len() {
            self.starts.pop_front();
        }
    }

    fn limit_len(&self) -> usize {
        usize::try_from(self.limit).unwrap_or(usize::MAX)
    }

    /// Lets nothing start before `until_ms` (on the clock of the latest `delay_ms` or
    /// `record` call), e.g. after a `429`. An earlier pause never shortens a longer one.
    pub fn pause_until(&mut self, until_ms: u64) {
        let until = self.clock.translate(until_ms);
        self.paused_until = self.paused_until.max(until);
    }
}

/// Maps caller clock readings onto an internal clock that never goes backwards: when a
/// reading is earlier than the previous one, the gap is added to an offset, as if no
/// time had passed across the jump, and later readings advance from there.
#[derive(Debug, Clone, Default)]
struct MonotonicClock {
    offset: Cell<u64>,
    latest: Cell<u64>,
}

impl MonotonicClock {
    fn read(&self, now_ms: u64) -> u64 {
        let mut now = self.translate(now_ms);
        let latest = self.latest.get();
        if now < latest {
            self.offset
                .set(self.offset.get().saturating_add(latest - now));
            now = latest;
        }
        self.latest.set(now);
        now
    }

    fn translate(&self, ms: u64) -> u64 {
        ms.saturating_add(self.offset.get())
    }
}
