//! Whether, and after how long, to retry a failed request: the sans-IO half of a retry
//! loop. The caller observes the failure, passes the time and a seed, and sleeps as told.
//!
//! # Policy
//! - **Retried**: `429`, any `5xx`, network errors and timeouts. **Never** any other
//!   status: a `400`, `401`, `403` or `404` will not change by asking again.
//! - **429** waits as long as `Retry-After` says, or else [`RATE_LIMIT_COOLDOWN_MS`],
//!   the cooldown ComfyControl (Cloudflare) documents after its rate limit trips.
//! - **5xx** honours `Retry-After` too; without it, exponential backoff.
//! - **Backoff** is `min(max_delay_ms, base_delay_ms · 2^attempt)` with *equal jitter*:
//!   a delay drawn from the seed between half that ceiling and the ceiling. Jitter
//!   spreads clients that failed together; keeping half the ceiling keeps a struggling
//!   server from being retried at once (full jitter can draw 0).
//! - **`Retry-After`** is delta-seconds (`120`) or an IMF-fixdate
//!   (`Sun, 06 Nov 1994 08:49:37 GMT`) measured against the caller's clock; a date in
//!   the past means "now". It is clamped to [`MAX_RETRY_AFTER_MS`] (60 s), so that a
//!   bogus or far-future value cannot stall a client for hours: if the server still
//!   refuses after a minute, that costs one more attempt of the budget. The obsolete
//!   RFC 850 and asctime date forms, like any unparseable value, are ignored (the
//!   status's default then applies).
//! - Every retry, 429s included, counts against `max_retries`.

use crate::timestamp::{days_from_civil, days_in_month};

/// The cooldown ComfyControl documents after a `429`: nothing is served for 10 s.
pub const RATE_LIMIT_COOLDOWN_MS: u64 = 10_000;

/// The longest `Retry-After` honoured; longer values are clamped to it.
pub const MAX_RETRY_AFTER_MS: u64 = 60_000;

/// What the caller saw when one attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with a non-success status.
    Status {
        /// The HTTP status code.
        status: u16,
        /// The raw `Retry-After` header, if there was one.
        retry_after: Option<String>,
    },
    /// The request never got an answer: DNS, connection reset, CORS, offline.
    Network,
    /// The caller gave up waiting for an answer.
    Timeout,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Try again after this many milliseconds.
    RetryAfter {
        /// How long to wait before the next attempt.
        delay_ms: u64,
    },
    /// Do not retry: report the failure.
    GiveUp,
}

/// How often and how patiently to retry. See the [module docs](self) for the policy.
///
/// ```
/// use runner_match::{Failure, RetryDecision, RetryPolicy};
/// let policy = RetryPolicy::default();
/// let rate_limited = Failure::Status { status: 429, retry_after: Some("3".into()) };
/// assert_eq!(policy.decide(0, &rate_limited, 0, 7), RetryDecision::RetryAfter { delay_ms: 3_000 });
///
/// let not_found = Failure::Status { status: 404, retry_after: None };
/// assert_eq!(policy.decide(0, &not_found, 0, 7), RetryDecision::GiveUp);
///
/// // Backoff: between 250 and 500 ms for the first retry, the same for the same seed.
/// let RetryDecision::RetryAfter { delay_ms } = policy.decide(0, &Failure::Timeout, 0, 7) else {
///     panic!("timeouts are retried");
/// };
/// assert!((250..=500).contains(&delay_ms));
/// assert_eq!(policy.decide(0, &Failure::Timeout, 0, 7), RetryDecision::RetryAfter { delay_ms });
/// assert_eq!(policy.decide(3, &Failure::Timeout, 0, 7), RetryDecision::GiveUp); // 3 retries used
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; `decide` gives up once `attempt` reaches it.
    pub max_retries: u32,
    /// The backoff ceiling of the first retry; it doubles with each retry.
    pub base_delay_ms: u64,
    /// The largest backoff ceiling (it does not cap `Retry-After`, which the server set).
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    /// 3 retries, 500 ms base, 30 s cap.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay_ms: 500,
            max_delay_ms: 30_000,
        }
    }
}

impl RetryPolicy {
    /// Decides after the failure of a request already retried `attempt` times (0 after
    /// the first attempt). `now_unix_ms` dates an HTTP-date `Retry-After`; `jitter_seed`
    /// draws the jitter (the same inputs always give the same decision).
    pub fn decide(
        &self,
        attempt: u32,
        failure: &Failure,
        now_unix_ms: u64,
        jitter_seed: u64,
    ) -> RetryDecision {
        if attempt >= self.max_retries {
            return RetryDecision::GiveUp;
        }
        let hint = |retry_after: &Option<String>| {
            retry_after
                .as_deref()
                .and_then(|value| parse_retry_after(value, now_unix_ms))
                .map(|ms| ms.min(MAX_RETRY_AFTER_MS))
        };
        let delay_ms = match failure {
            Failure::Status {
                status: 429,
                retry_after,
            } => hint(retry_after).unwrap_or(RATE_LIMIT_COOLDOWN_MS),
            Failure::Status {
                status: 500..=599,
                retry_after,
            } => hint(retry_after).unwrap_or_else(|| self.backoff_ms(attempt, jitter_seed)),
            Failure::Status { .. } => return RetryDecision::GiveUp,
            Failure::Network | Failure::Timeout => self.backoff_ms(attempt, jitter_seed),
        };
        RetryDecision::RetryAfter { delay_ms }
    }

    /// The jittered backoff before retry number `attempt + 1`: a value in
    /// `[ceiling / 2, ceiling]`, `ceiling = min(max_delay_ms, base_delay_ms · 2^attempt)`.
    pub fn backoff_ms(&self, attempt: u32, jitter_seed: u64) -> u64 {
        let factor = 1u64.checked_shl(attempt).unwrap_or(u64::MAX);
        let ceiling = self
            .base_delay_ms
            .saturating_mul(factor)
            .min(self.max_delay_ms);
        let floor = ceiling / 2;
        let span = (ceiling - floor).saturating_add(1);
        // Mix the attempt in so that a caller reusing one seed still gets fresh jitter.
        let draw = splitmix64(splitmix64(jitter_seed) ^ u64::from(attempt));
        floor.saturating_add(draw.checked_rem(span).unwrap_or(0))
    }
}

/// Parses a `Retry-After` value into milliseconds from `now_unix_ms`, unclamped:
/// delta-seconds (`"120"`) or an IMF-fixdate (`"Sun, 06 Nov 1994 08:49:37 GMT"`; a date
/// at or before `now_unix_ms` gives 0). `None` for anything else.
///
/// ```
/// use runner_match::parse_retry_after;
/// assert_eq!(parse_retry_after("120", 0), Some(120_000));
/// let now = 784_111_777_000 - 2_500; // 2.5 s before the date below
/// assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(2_500));
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now_unix_ms: u64) -> Option<u64> {
    // HTTP allows optional whitespace around a field value.
    let value = value.trim_matches([' ', '\t']);
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = value.bytes().fold(0u64, |acc, b| {
            acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        });
        return Some(seconds.saturating_mul(1000));
    }
    let date_ms = i128::from(imf_fixdate_unix_seconds(value)?) * 1000;
    let delay = (date_ms - i128::from(now_unix_ms)).max(0);
    Some(u64::try_from(delay).unwrap_or(u64::MAX))
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 IMF-fixdate, case-sensitive) into
/// Unix seconds. The weekday must be a real one but is not checked against the date.
fn imf_fixdate_unix_seconds(value: &str) -> Option<i64> {
    const DAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let b = value.as_bytes();
    if b.len() != 29 || &b[3..5] != b", " || &b[25..] != b" GMT" {
        return None;
    }
    if b[7] != b' ' || b[11] != b' ' || b[16] != b' ' || b[19] != b':' || b[22] != b':' {
        return None;
    }
    if !DAYS.contains(&&b[0..3]) {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == &b[8..11])?;
    let month = u32::try_from(month).ok()? + 1;
    let (day, year) = (digits(&b[5..7])?, digits(&b[12..16])?);
    let (hour, minute, second) = (
        digits(&b[17..19])?,
        digits(&b[20..22])?,
        digits(&b[23..25])?,
    );
    // Second 60 is a leap second, which IMF-fixdate allows.
    if day == 0
        || day > days_in_month(i64::from(year), month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    Some(days * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// SplitMix64, as in `rank.rs`: consecutive seeds give unrelated draws.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
