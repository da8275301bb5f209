//! Client options: a builder validated once, before any request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use runner_match::limits::{
    DEFAULT_CACHE_TTL_MS, DEFAULT_CONCURRENT_THREADS, DEFAULT_TIMEOUT_MS, MAX_CACHE_TTL_MS,
    MAX_CONCURRENCY, MAX_RATE_WINDOW_MS, MAX_RETRIES, MAX_TIMEOUT_MS, MIN_RATE_WINDOW_MS,
};
use runner_match::{
    Progress, RequestBudget, RetryPolicy, Source, MAX_PER_PAGE, RATE_LIMIT_REQUESTS,
    RATE_LIMIT_WINDOW_MS,
};

use crate::base_url::{BaseUrl, DEFAULT_BASE_URL};
use crate::client::Client;
use crate::error::Error;
use crate::secret::Token;

/// A progress callback: runners loaded so far across every source of one read, and
/// how many the listings announce (the core's [`ReadProgress`](runner_match::ReadProgress)
/// policy). Called after each page; the last call of a read has `loaded == total`.
pub type ProgressFn = dyn Fn(Progress) + Send + Sync;

/// Builds a [`Client`]. Every option has a default; [`build`](Self::build) validates.
///
/// ```
/// use std::time::Duration;
/// let client = runner_match_client::Client::builder("cfc_demo")
///     .base_url("http://127.0.0.1:8080")
///     .timeout(Duration::from_secs(5))
///     .build()?;
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080");
///
/// let refused = runner_match_client::Client::builder("cfc_demo")
///     .base_url("http://api.example.com")
///     .build()
///     .unwrap_err();
/// assert_eq!(refused.code().as_str(), "insecure_url");
/// # Ok::<(), runner_match_client::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    token: String,
    base_url: String,
    timeout: Duration,
    retry: RetryPolicy,
    cache_ttl: Duration,
    per_page: u32,
    concurrency: usize,
    rate_limit: (u32, Duration),
    sources: Vec<Source>,
    progress: Option<Arc<ProgressFn>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &"<redacted>")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("cache_ttl", &self.cache_ttl)
            .field("per_page", &self.per_page)
            .field("concurrency", &self.concurrency)
            .field("rate_limit", &self.rate_limit)
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

/// Validated options, shared by the client's threads.
pub(crate) struct Config {
    pub(crate) token: Token,
    pub(crate) base_url: BaseUrl,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) cache_ttl: Duration,
    pub(crate) per_page: u32,
    pub(crate) concurrency: usize,
    pub(crate) sources: Vec<Source>,
    pub(crate) progress: Option<Arc<ProgressFn>>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `token`'s own Debug is redacted.
        f.debug_struct("Config")
            .field("token", &self.token)
            .field("base_url", &self.base_url.as_str())
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("cache_ttl", &self.cache_ttl)
            .field("per_page", &self.per_page)
            .field("concurrency", &self.concurrency)
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    pub(crate) fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Duration::from_millis(DEFAULT_TIMEOUT_MS.into()),
            retry: RetryPolicy::default(),
            cache_ttl: Duration::from_millis(DEFAULT_CACHE_TTL_MS.into()),
            per_page: MAX_PER_PAGE,
            concurrency: DEFAULT_CONCURRENT_THREADS as usize,
            rate_limit: (
                RATE_LIMIT_REQUESTS,
                Duration::from_millis(RATE_LIMIT_WINDOW_MS),
            ),
            sources: Source::ALL.to_vec(),
            progress: None,
        }
    }

    /// Which listings make up the pool; default both, managed and self-hosted. With
    /// both, a 403 on managed runners (a Free tier) leaves the self-hosted runners and
    /// says so in [`LoadedPool::statuses`](crate::LoadedPool::statuses); asked for alone,
    /// managed runners on a Free tier are `forbidden` (the core's
    /// [`Pool::combine`](runner_match::Pool::combine) policy).
    pub fn sources(mut self, sources: impl IntoIterator<Item = Source>) -> Self {
        self.sources = sources.into_iter().collect();
        self
    }

    /// The API base URL; default `https://api.comfycontrol.app`. Plain `http://` only
    /// for loopback hosts (`127.0.0.0/8`, `localhost`, `[::1]`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Per-request timeout, headers and body together; default 10 s (1 ms – 10 min).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries per request after 429, 5xx, network errors and timeouts; default 3
    /// (at most 10).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The whole retry policy (backoff base and cap included); `Retry-After` is honoured
    /// whatever the backoff, up to the core's `MAX_RETRY_AFTER_MS`.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long a loaded runner pool is reused; default 30 s, `Duration::ZERO` disables
    /// the cache.
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }

    /// Runners per page, 1–100; default 100 (the fewest requests).
    pub fn per_page(mut self, per_page: u32) -> Self {
        self.per_page = per_page;
        self
    }

    /// Threads reading pages after the first, per listing; default 4 (1–16).
    pub fn concurrency(mut self, threads: usize) -> Self {
        self.concurrency = threads;
        self
    }

    /// The client-side budget: at most `requests` requests (retries included) in any
    /// `window`; default ComfyControl's 40 per 10 s. A request holds its slot until its
    /// answer arrives.
    ///
    /// [`build`](Self::build) refuses a budget looser than ComfyControl's (`invalid_input`):
    /// `requests` is 1–40, `window` 1–60 s, and `requests × ⌈10 s / window⌉` may not exceed
    /// 40 (the core's
    /// [`within_comfycontrol_limit`](runner_match::RequestBudget::within_comfycontrol_limit)),
    /// so 20 per 5 s is accepted and 12 per 3 s (up to 48 in 10 s) is not.
    pub fn rate_limit(mut self, requests: u32, window: Duration) -> Self {
        self.rate_limit = (requests, window);
        self
    }

    /// Called after each page of a read with the runners loaded so far across every
    /// source; the last call of a read has `loaded == total`.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Validates every option. Errors: `not_configured` (empty token), `insecure_url`,
    /// `invalid_input`. The token is never quoted.
    pub fn build(self) -> Result<Client, Error> {
        let token = Token::new(self.token)?;
        let base_url = BaseUrl::parse(&self.base_url)?;
        let range = |name: &str, value: u128, low: u32, high: u32, unit: &str| {
            if (u128::from(low)..=u128::from(high)).contains(&value) {
                Ok(())
            } else {
                Err(Error::invalid_input(format!(
                    "{name} must be from {low} to {high}{unit}, got {value}{unit}"
                )))
            }
        };
        range(
            "timeout",
            self.timeout.as_millis(),
            1,
            MAX_TIMEOUT_MS,
            " ms",
        )?;
        range(
            "max_retries",
            self.retry.max_retries.into(),
            0,
            MAX_RETRIES,
            "",
        )?;
        range("per_page", self.per_page.into(), 1, MAX_PER_PAGE, "")?;
        range(
            "concurrency",
            self.concurrency as u128,
            1,
            MAX_CONCURRENCY,
            "",
        )?;
        range(
            "cache_ttl",
            self.cache_ttl.as_millis(),
            0,
            MAX_CACHE_TTL_MS,
            " ms",
        )?;
        let (requests, window) = self.rate_limit;
        range(
            "rate_limit requests",
            requests.into(),
            1,
            RATE_LIMIT_REQUESTS,
            "",
        )?;
        range(
            "rate_limit window",
            window.as_millis(),
            MIN_RATE_WINDOW_MS,
            MAX_RATE_WINDOW_MS,
            " ms",
        )?;
        let sources = Source::canonical(&self.sources)
            .map_err(|err| Error::invalid_input(err.to_string()))?;
        let budget = RequestBudget::new(requests, window.as_millis() as u64)
            .map_err(|err| Error::invalid_input(format!("invalid rate_limit: {err}")))?
            .within_comfycontrol_limit()
            .map_err(|looser| Error::invalid_input(format!("rate_limit of {looser}")))?;
        Ok(Client::from_config(
            Config {
                token,
                base_url,
                timeout: self.timeout,
                retry: self.retry,
                cache_ttl: self.cache_ttl,
                per_page: self.per_page,
                concurrency: self.concurrency,
                sources,
                progress: self.progress,
            },
            budget,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_options_are_invalid_input() {
        let cases: Vec<(ClientBuilder, &str)> = vec![
            (
                ClientBuilder::new("t").timeout(Duration::ZERO),
                "timeout must be from 1 to 600000 ms, got 0 ms",
            ),
            (
                ClientBuilder::new("t").max_retries(11),
                "max_retries must be from 0 to 10, got 11",
            ),
            (
                ClientBuilder::new("t").per_page(101),
                "per_page must be from 1 to 100, got 101",
            ),
            (
                ClientBuilder::new("t").concurrency(0),
                "concurrency must be from 1 to 16, got 0",
            ),
            (
                ClientBuilder::new("t").rate_limit(41, Duration::from_secs(10)),
                "rate_limit requests must be from 1 to 40, got 41",
            ),
            (
                // Within each range, but 400 requests in 10 s: looser than the server.
                ClientBuilder::new("t").rate_limit(40, Duration::from_secs(1)),
                "rate_limit of 40 requests per 1000 ms lets up to 400 through in 10000 ms; \
                 ComfyControl allows 40: use requests × ⌈10000 / windowMs⌉ ≤ 40",
            ),
        ];
        for (builder, want) in cases {
            assert_eq!(builder.build().unwrap_err().message(), want);
        }
    }

    /// The defaults are the core's, and within the ranges `build` enforces.
    #[test]
    fn defaults_are_the_cores_limits() {
        let builder = ClientBuilder::new("t");
        assert_eq!(builder.concurrency, DEFAULT_CONCURRENT_THREADS as usize);
        assert_eq!(builder.timeout.as_millis(), u128::from(DEFAULT_TIMEOUT_MS));
        assert_eq!(
            builder.cache_ttl.as_millis(),
            u128::from(DEFAULT_CACHE_TTL_MS)
        );
        assert!(builder.build().is_ok());
        let most = ClientBuilder::new("t").concurrency(MAX_CONCURRENCY as usize);
        assert!(most.build().is_ok());
        let over = ClientBuilder::new("t").concurrency(MAX_CONCURRENCY as usize + 1);
        assert_eq!(
            over.build().unwrap_err().message(),
            format!(
                "concurrency must be from 1 to {MAX_CONCURRENCY}, got {}",
                MAX_CONCURRENCY + 1
            )
        );
    }

    #[test]
    fn debug_never_shows_the_token() {
        let builder = ClientBuilder::new("cfc_hidden_123");
        assert!(!format!("{builder:?}").contains("cfc_hidden_123"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("cfc_hidden_123"));
    }
}
