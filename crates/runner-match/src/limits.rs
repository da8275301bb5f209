//! Defaults and limits of the options every client takes (the npm package's
//! `RunnerClient` options, the native client's builder): one set of numbers, so both
//! accept and refuse the same values. Where only one client has an option or bounds it,
//! its constant says which; the other takes the same number if it ever bounds it.

/// ComfyControl's API: the base URL unless configured.
pub const DEFAULT_BASE_URL: &str = "https://api.comfycontrol.app";

/// Per-request timeout, headers and body together, unless configured.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// The longest per-request timeout accepted (10 minutes).
pub const MAX_TIMEOUT_MS: u32 = 600_000;

/// The most retries per request accepted (the default is [`RetryPolicy`]'s).
///
/// [`RetryPolicy`]: crate::RetryPolicy
pub const MAX_RETRIES: u32 = 10;

/// How long a loaded runner pool is reused, unless configured; 0 disables the cache.
pub const DEFAULT_CACHE_TTL_MS: u32 = 30_000;

/// The longest cache lifetime accepted (a day).
pub const MAX_CACHE_TTL_MS: u32 = 86_400_000;

/// The most page requests one listing may have in flight at once.
pub const MAX_CONCURRENCY: u32 = 16;

/// The shortest and longest `rateLimit` windows accepted (any budget must also be at
/// least as strict as ComfyControl's, [`RequestBudget::within_comfycontrol_limit`]).
///
/// [`RequestBudget::within_comfycontrol_limit`]: crate::RequestBudget::within_comfycontrol_limit
pub const MIN_RATE_WINDOW_MS: u32 = 1_000;

/// See [`MIN_RATE_WINDOW_MS`].
pub const MAX_RATE_WINDOW_MS: u32 = 60_000;

/// Pages of one listing in flight at once after the first, unless configured, where a
/// page in flight is a pending `fetch` on the caller's event loop (the npm package's
/// `maxConcurrency`): each costs only a promise, so the default is twice the threads'
/// ([`DEFAULT_CONCURRENT_THREADS`]); with both listings read at once, their first two
/// rounds (18 requests, 36 with browsers' CORS preflights) stay within ComfyControl's
/// 40 per 10 s.
pub const DEFAULT_CONCURRENT_FETCHES: u32 = 8;

/// Pages of one listing read at once after the first, unless configured, where each
/// page in flight is an OS thread blocked on its request (the native client's
/// `concurrency`): a thread costs a stack, so fewer than [`DEFAULT_CONCURRENT_FETCHES`];
/// 4 still reads a 500-runner listing in about two round trips.
pub const DEFAULT_CONCURRENT_THREADS: u32 = 4;

/// The most workflow pages (of 100 each) one `diagnose` may read, where a client bounds
/// it (the npm package's `maxPages`; the default is
/// [`DEFAULT_WORKFLOW_PAGES`](crate::DEFAULT_WORKFLOW_PAGES)): 10,000 workflows, already
/// at least 20 s of ComfyControl's 40 requests per 10 s, a budget the runner reads share.
pub const MAX_WORKFLOW_PAGES: u32 = 100;

/// The longest base URL accepted, in bytes, where a client bounds it (the npm package's
/// `baseUrl`): a common URL limit of browsers and proxies, far beyond any API address,
/// and it bounds the URL quoted in error messages.
pub const MAX_BASE_URL_BYTES: usize = 2048;

/// The longest host name accepted in a base URL, in bytes: the most DNS can resolve
/// (RFC 1035's 255-byte wire name, less its length and root bytes).
pub const MAX_HOST_BYTES: usize = 253;

// Every default lies within its own limits (checked when the crate compiles).
const _: () = {
    assert!(DEFAULT_TIMEOUT_MS <= MAX_TIMEOUT_MS);
    assert!(DEFAULT_CACHE_TTL_MS <= MAX_CACHE_TTL_MS);
    assert!(DEFAULT_CONCURRENT_FETCHES <= MAX_CONCURRENCY);
    assert!(DEFAULT_CONCURRENT_THREADS <= MAX_CONCURRENCY);
    assert!(crate::DEFAULT_WORKFLOW_PAGES <= MAX_WORKFLOW_PAGES);
    assert!(MIN_RATE_WINDOW_MS <= MAX_RATE_WINDOW_MS);
    assert!(MAX_HOST_BYTES < MAX_BASE_URL_BYTES);
};
