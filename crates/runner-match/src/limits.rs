//! Defaults and limits of the options every client takes (the npm package's
//! `RunnerClient` options, the native client's builder): one set of numbers, so both
//! accept and refuse the same values.

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
