//! A client-side request budget that keeps a client under ComfyControl's rate limit.
//!
//! ComfyControl (through Cloudflare) allows 40 requests per 10 s per IP on all
//! endpoints; over that it answers `429` and then serves nothing for 10 s. Going over is
//! expensive, so a client asks the [`RequestBudget`] before each request. Clock values
//! are milliseconds on any caller-chosen clock (Unix time, `performance.now()`, a fake
//! clock in tests), as long as one budget always sees the same clock.
//!
//! **Cost.** The limit counts what reaches the server, and one logical request can be
//! more than one HTTP request: a browser calling the API from another origin sends a
//! CORS preflight (`OPTIONS`) before every `GET` that carries `Authorization`, and
//! Cloudflare counts both. The `*_with_cost` forms book such a request as `cost` units;
//! the plain forms are cost 1 (and a cost of 0 counts as 1). A cost above the limit can never fit in a window, so such
//! a request waits until the whole budget is free and then goes out alone.

use std::cell::Cell;

/// Requests ComfyControl allows per [`RATE_LIMIT_WINDOW_MS`] from one IP.
pub const RATE_LIMIT_REQUESTS: u32 = 40;

/// The window of ComfyControl's rate limit.
pub const RATE_LIMIT_WINDOW_MS: u64 = 10_000;

/// How long [`RequestBudget::delay_ms`] asks a caller to wait when unfinished requests
/// fill the whole budget.
pub const IN_FLIGHT_POLL_MS: u64 = 25;

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

/// A budget looser than ComfyControl's own limit: it would let more requests through
/// in some 10 s span than the server accepts, earning a 429 and a 10 s cooldown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{limit} requests per {window_ms} ms lets up to {most} through in {RATE_LIMIT_WINDOW_MS} ms; \
     ComfyControl allows {RATE_LIMIT_REQUESTS}: use requests × ⌈{RATE_LIMIT_WINDOW_MS} / windowMs⌉ ≤ {RATE_LIMIT_REQUESTS}"
)]
pub struct LooserThanComfyControl {
    /// The budget's requests per window.
    pub limit: u32,
    /// The budget's window.
    pub window_ms: u64,
    /// The most it lets start in one [`RATE_LIMIT_WINDOW_MS`] span.
    pub most: u64,
}

/// A sliding-window budget: at most `limit` requests start in any `window_ms` span.
///
/// A request can reach the server any time between being sent and its answer, so a
/// client that wants the *server* never to see more than `limit` in a window brackets
/// each request with [`begin`](Self::begin) and [`finish`](Self::finish): an unanswered
/// request holds its slot, and an answered one counts from the moment of its answer
/// (the latest it can have arrived). [`record`](Self::record) is the instantaneous form.
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
    /// A `Vec` (at most `limit` long): a `VecDeque` of its own type would add 1 KB to the
    /// WebAssembly for shifts that cost nothing here.
    starts: Vec<u64>,
    /// Requests begun and not yet finished: each holds a slot until it finishes.
    in_flight: u32,
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
            starts: Vec::new(),
            in_flight: 0,
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

    /// The most units this budget can let start within any `span_ms` span:
    /// `limit × ⌈span_ms / window_ms⌉` (a full burst at the start of each window the
    /// span touches). A budget is at least as strict as ComfyControl's exactly when
    /// `max_in_span(RATE_LIMIT_WINDOW_MS) <= RATE_LIMIT_REQUESTS`: 40 per 10 s, 20 per
    /// 5 s or 10 per 2.5 s qualify; 12 per 3 s does not (4 bursts fit in 10 s: 48).
    ///
    /// ```
    /// use runner_match::{RequestBudget, RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_MS};
    /// let strict = RequestBudget::new(20, 5_000)?;
    /// assert!(strict.max_in_span(RATE_LIMIT_WINDOW_MS) <= u64::from(RATE_LIMIT_REQUESTS));
    /// let loose = RequestBudget::new(12, 3_000)?;
    /// assert_eq!(loose.max_in_span(RATE_LIMIT_WINDOW_MS), 48);
    /// # Ok::<(), runner_match::BudgetError>(())
    /// ```
    pub fn max_in_span(&self, span_ms: u64) -> u64 {
        u64::from(self.limit).saturating_mul(span_ms.div_ceil(self.window_ms))
    }

    /// This budget, if it is at least as strict as ComfyControl's 40 requests per 10 s
    /// (`max_in_span(RATE_LIMIT_WINDOW_MS) <= RATE_LIMIT_REQUESTS`): the check every
    /// client applies to a caller's budget.
    ///
    /// ```
    /// use runner_match::RequestBudget;
    /// assert!(RequestBudget::new(20, 5_000)?.within_comfycontrol_limit().is_ok());
    /// let loose = RequestBudget::new(12, 3_000)?.within_comfycontrol_limit().unwrap_err();
    /// assert_eq!(loose.most, 48);
    /// # Ok::<(), runner_match::BudgetError>(())
    /// ```
    pub fn within_comfycontrol_limit(self) -> Result<Self, LooserThanComfyControl> {
        let most = self.max_in_span(RATE_LIMIT_WINDOW_MS);
        if most > u64::from(RATE_LIMIT_REQUESTS) {
            return Err(LooserThanComfyControl {
                limit: self.limit,
                window_ms: self.window_ms,
                most,
            });
        }
        Ok(self)
    }

    /// How long to wait from `now_ms` before the next request may start: 0 if it may
    /// start now. Waiting exactly this long and asking again gives 0 unless the budget
    /// was paused meanwhile or requests [begun](Self::begin) and not yet finished fill
    /// the whole budget; then it is [`IN_FLIGHT_POLL_MS`], as nothing can tell when one
    /// of them will finish.
    pub fn delay_ms(&self, now_ms: u64) -> u64 {
        self.delay_ms_with_cost(now_ms, 1)
    }

    /// [`delay_ms`](Self::delay_ms) for a request that costs `cost` units (see the
    /// module docs): 0 once `cost` more units fit in the window.
    pub fn delay_ms_with_cost(&self, now_ms: u64, cost: u32) -> u64 {
        let now = self.clock.read(now_ms);
        let paused = self.paused_until.saturating_sub(now);
        let cost = self.fitting(cost);
        let in_flight = usize::try_from(self.in_flight).unwrap_or(usize::MAX);
        let taken = self.starts.len().saturating_add(in_flight);
        let window = if taken.saturating_add(cost) <= self.limit_len() {
            0
        } else if in_flight.saturating_add(cost) > self.limit_len() {
            IN_FLIGHT_POLL_MS.min(self.window_ms)
        } else {
            // The oldest `taken + cost - limit` finished requests must leave the window.
            let must_expire = taken + cost - self.limit_len() - 1;
            match self.starts.get(must_expire) {
                Some(&at) => at.saturating_add(self.window_ms).saturating_sub(now),
                None => 0,
            }
        };
        paused.max(window)
    }

    /// Records that a request started and was answered at `now_ms` (whether or not the
    /// budget allowed it).
    pub fn record(&mut self, now_ms: u64) {
        let now = self.clock.read(now_ms);
        self.push_finished(now, 1);
    }

    /// Records that a request was sent at `now_ms`: it holds a slot until
    /// [`finish`](Self::finish).
    pub fn begin(&mut self, now_ms: u64) {
        self.begin_with_cost(now_ms, 1);
    }

    /// [`begin`](Self::begin) for a request that costs `cost` units: it holds that many
    /// slots until [`finish_with_cost`](Self::finish_with_cost) with the same cost.
    pub fn begin_with_cost(&mut self, now_ms: u64, cost: u32) {
        self.clock.read(now_ms);
        let cost = u32::try_from(self.fitting(cost)).unwrap_or(u32::MAX);
        self.in_flight = self.in_flight.saturating_add(cost);
    }

    /// Records that a request begun earlier got its answer (or failed) at `now_ms`; it
    /// counts against the window from then on.
    pub fn finish(&mut self, now_ms: u64) {
        self.finish_with_cost(now_ms, 1);
    }

    /// [`finish`](Self::finish) for a request begun with
    /// [`begin_with_cost`](Self::begin_with_cost): all its units count from `now_ms`.
    pub fn finish_with_cost(&mut self, now_ms: u64, cost: u32) {
        let now = self.clock.read(now_ms);
        let cost = self.fitting(cost);
        let units = u32::try_from(cost).unwrap_or(u32::MAX);
        self.in_flight = self.in_flight.saturating_sub(units);
        self.push_finished(now, cost);
    }

    /// Units begun and not yet finished (requests, for cost-1 requests).
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    /// `cost` as units the budget books: at least 1, at most the whole limit.
    fn fitting(&self, cost: u32) -> usize {
        usize::try_from(cost.clamp(1, self.limit)).unwrap_or(usize::MAX)
    }

    fn push_finished(&mut self, now: u64, units: usize) {
        self.starts.extend(std::iter::repeat_n(now, units));
        // Older entries can no longer hold anything back (the internal clock never runs
        // backwards, so the list stays sorted).
        let excess = self.starts.len().saturating_sub(self.limit_len());
        self.starts.drain(..excess);
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
