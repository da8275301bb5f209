//! `RunnerClient` options: read from JS, validated before any request.

use runner_match::{RequestBudget, RetryPolicy, Source, MAX_PER_PAGE, RATE_LIMIT_REQUESTS};
use wasm_bindgen::{JsCast, JsValue};

use crate::base_url::BaseUrl;
use crate::error::ClientError;
use crate::fields::Fields;
use crate::secret::Token;
use crate::snapshot::{describe, is_plain_object, snapshot};

/// Options of `new RunnerClient(options)` and `configure(options)`, as read (types
/// checked, ranges not yet). Documented for users in `js/types.d.ts`.
#[derive(Default)]
pub struct ClientOptions {
    /// The API token (`cfc_…`), sent as `Authorization: Bearer …` and nowhere else.
    pub token: String,
    /// Default `https://api.comfycontrol.app`. Plain `http:` only for loopback hosts.
    pub base_url: Option<String>,
    /// How long a fetched runner list is reused, in ms. Default 30000; 0 disables caching.
    pub cache_ttl_ms: Option<f64>,
    /// Per-request timeout in ms. Default 10000.
    pub timeout_ms: Option<f64>,
    /// Retries per request after 429, 5xx, network errors and timeouts. Default 3.
    pub max_retries: Option<f64>,
    /// Pages fetched at once after the first. Default 8.
    pub max_concurrency: Option<f64>,
    /// Runners per page, 1–100. Default 100 (the API's maximum: fewest requests).
    pub per_page: Option<f64>,
    /// Client-side request budget. Default: ComfyControl's 40 requests per 10 s.
    pub rate_limit: Option<RateLimitOptions>,
    /// Which listings make up the runner pool. Default both.
    pub sources: Option<Vec<String>>,
    /// Called after each page of a runner read with `{ loaded, total }`.
    pub on_progress: Option<ProgressHook>,
}

/// The `onProgress` callback.
#[derive(Clone)]
pub struct ProgressHook(pub js_sys::Function);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook(<function>)")
    }
}

impl ProgressHook {
    /// Calls the callback with `progress`, if there is one to report. Exceptions it
    /// throws are ignored: progress is advisory and must not fail the read.
    pub fn report(&self, progress: Option<runner_match::Progress>) {
        let Some(progress) = progress else {
            return;
        };
        let argument = js_sys::Object::new();
        for (key, value) in [("loaded", progress.loaded), ("total", progress.total)] {
            // Setting a data property on a fresh object cannot fail.
            let _ = js_sys::Reflect::set(&argument, &key.into(), &(value as f64).into());
        }
        let _ = self.0.call1(&JsValue::NULL, &argument);
    }
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("token", &"<redacted>")
            .field("base_url", &self.base_url)
            .field("cache_ttl_ms", &self.cache_ttl_ms)
            .field("timeout_ms", &self.timeout_ms)
            .field("max_retries", &self.max_retries)
            .field("max_concurrency", &self.max_concurrency)
            .field("per_page", &self.per_page)
            .field("rate_limit", &self.rate_limit)
            .field("sources", &self.sources)
            .field("on_progress", &self.on_progress)
            .finish()
    }
}

/// At most `requests` requests (retries and CORS preflights included) in any
/// `windowMs`. Only a budget at least as strict as ComfyControl's 40 per 10 s is
/// accepted: `requests × ⌈10000 / windowMs⌉ ≤ 40` (every burst that fits in 10 s
/// together stays within 40), so 40 per 10000, 20 per 5000 or 1 per 1000 pass, and
/// 40 per 1000 or 12 per 3000 are `invalid_input`.
#[derive(Debug)]
pub struct RateLimitOptions {
    /// Requests allowed per window, 1–40 (and see the rule above).
    pub requests: f64,
    /// The window in ms, 1000–60000 (and see the rule above).
    pub window_ms: f64,
}

/// Validated client configuration.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The token.
    pub token: Token,
    /// Where the API is.
    pub base_url: BaseUrl,
    /// Cache lifetime in ms.
    pub cache_ttl_ms: f64,
    /// Per-request timeout in ms.
    pub timeout_ms: u32,
    /// Backoff and retry limits.
    pub retry: RetryPolicy,
    /// Pages fetched at once.
    pub max_concurrency: usize,
    /// Runners per page.
    pub per_page: u32,
    /// The request budget.
    pub budget: RequestBudget,
    /// The listings of the pool, in canonical order.
    pub sources: Vec<Source>,
    /// The progress callback.
    pub on_progress: Option<ProgressHook>,
}

impl ClientConfig {
    /// Reads and validates options from JS. Every problem is an `invalid_input` (or
    /// `insecure_url`) error; the token never appears in a message.
    pub fn from_js(options: JsValue) -> Result<Self, ClientError> {
        let options = snapshot(&options, "options")?;
        if !is_plain_object(&options) {
            return Err(ClientError::invalid_input(format!(
                "options must be an object such as {{ token: 'cfc_…' }}, got {}",
                describe(&options)
            )));
        }
        // The token is checked first, so that no later message can be about it.
        let token = js_sys::Reflect::get(&options, &JsValue::from_str("token")).unwrap_or_default();
        let Some(token_text) = token.as_string() else {
            return Err(ClientError::invalid_input(format!(
                "token must be a string such as 'cfc_…', got {}",
                describe(&token)
            )));
        };
        let redact = |err: ClientError| ClientError {
            message: err.message.replace(token_text.as_str(), "<redacted>"),
            ..err
        };
        Self::new(ClientOptions::read(&options).map_err(redact)?).map_err(redact)
    }

    /// Validates parsed options.
    pub fn new(options: ClientOptions) -> Result<Self, ClientError> {
        let token = crate::secret::parse_token(options.token)?;
        let base_url = match options.base_url.as_deref() {
            None => BaseUrl::default(),
            Some(url) => BaseUrl::parse(url)?,
        };
        let retry = RetryPolicy {
            max_retries: whole("maxRetries", options.max_retries, 3, 0..=10)?,
            ..RetryPolicy::default()
        };
        let budget = match options.rate_limit {
            None => RequestBudget::default(),
            Some(limit) => stricter_budget(limit)?,
        };
        Ok(Self {
            token,
            base_url,
            cache_ttl_ms: f64::from(whole(
                "cacheTtlMs",
                options.cache_ttl_ms,
                30_000,
                0..=86_400_000,
            )?),
            timeout_ms: whole("timeoutMs", options.timeout_ms, 10_000, 1..=600_000)?,
            retry,
            max_concurrency: whole("maxConcurrency", options.max_concurrency, 8, 1..=16)? as usize,
            per_page: whole("perPage", options.per_page, MAX_PER_PAGE, 1..=MAX_PER_PAGE)?,
            budget,
            sources: match options.sources {
                None => Source::ALL.to_vec(),
                Some(sources) => Source::parse_list(sources)
                    .map_err(|err| ClientError::invalid_input(format!("invalid sources: {err}")))?,
            },
            on_progress: options.on_progress,
        })
    }
}

/// The `rateLimit` budget, refused unless it is at least as strict as ComfyControl's
/// (see [`RateLimitOptions`]): a looser one would earn a 429 and a 10 s cooldown.
fn stricter_budget(limit: RateLimitOptions) -> Result<RequestBudget, ClientError> {
    let requests = whole(
        "rateLimit.requests",
        Some(limit.requests),
        RATE_LIMIT_REQUESTS,
        1..=RATE_LIMIT_REQUESTS,
    )?;
    let window_ms = whole(
        "rateLimit.windowMs",
        Some(limit.window_ms),
        10_000,
        1_000..=60_000,
    )?;
    let budget = RequestBudget::new(requests, u64::from(window_ms))
        .map_err(|err| ClientError::invalid_input(format!("invalid rateLimit: {err}")))?;
    budget
        .within_comfycontrol_limit()
        .map_err(|looser| ClientError::invalid_input(format!("rateLimit of {looser}")))
}

impl ClientOptions {
    /// The keys, as JS spells them.
    const KEYS: &'static [&'static str] = &[
        "token",
        "baseUrl",
        "cacheTtlMs",
        "timeoutMs",
        "maxRetries",
        "maxConcurrency",
        "perPage",
        "rateLimit",
        "sources",
        "onProgress",
    ];

    /// Reads the options from their (snapshotted, plain-object) JS form, types only;
    /// [`ClientConfig::new`] checks ranges.
    fn read(options: &JsValue) -> Result<Self, ClientError> {
        let fields = Fields::known(options, "options", "invalid options", Self::KEYS)?;
        let rate_limit = match fields.get("rateLimit") {
            None => None,
            Some(limit) if is_plain_object(&limit) => {
                let limit = Fields::known(
                    &limit,
                    "rateLimit",
                    "invalid options",
                    &["requests", "windowMs"],
                )?;
                let required = |key: &str| {
                    limit.number(key)?.ok_or_else(|| {
                        ClientError::invalid_input(format!(
                            "invalid options: missing rateLimit.{key}"
                        ))
                    })
                };
                Some(RateLimitOptions {
                    requests: required("requests")?,
                    window_ms: required("windowMs")?,
                })
            }
            Some(other) => return Err(fields.wrong("rateLimit", "an object", &other)),
        };
        let on_progress = match fields.get("onProgress") {
            None => None,
            Some(value) => Some(ProgressHook(value.dyn_into().map_err(|value| {
                ClientError::invalid_input(format!(
                    "onProgress must be a function, got {}",
                    describe(&value)
                ))
            })?)),
        };
        Ok(Self {
            token: fields.string("token")?.unwrap_or_default(),
            base_url: fields.string("baseUrl")?,
            cache_ttl_ms: fields.number("cacheTtlMs")?,
            timeout_ms: fields.number("timeoutMs")?,
            max_retries: fields.number("maxRetries")?,
            max_concurrency: fields.number("maxConcurrency")?,
            per_page: fields.number("perPage")?,
            rate_limit,
            sources: fields.strings("sources")?,
            on_progress,
        })
    }
}

/// A whole number option within `range`, or its default when absent.
pub(crate) fn whole(
    name: &str,
    value: Option<f64>,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, ClientError> {
    let Some(value) = value else {
        return Ok(default);
    };
    let in_range = value.fract() == 0.0
        && value >= f64::from(*range.start())
        && value <= f64::from(*range.end());
    if !in_range {
        return Err(ClientError::invalid_input(format!(
            "{name} must be a whole number from {} to {}, got {value}",
            range.start(),
            range.end()
        )));
    }
    Ok(value as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(token: &str) -> ClientOptions {
        ClientOptions {
            token: token.into(),
            ..ClientOptions::default()
        }
    }

    fn rate_limited(requests: f64, window_ms: f64) -> ClientOptions {
        ClientOptions {
            rate_limit: Some(RateLimitOptions {
                requests,
                window_ms,
            }),
            ..options("t")
        }
    }

    #[test]
    fn defaults() {
        let config = ClientConfig::new(options("cfc_x")).unwrap();
        assert_eq!(config.base_url.as_str(), "https://api.comfycontrol.app");
        assert_eq!((config.cache_ttl_ms, config.timeout_ms), (30_000.0, 10_000));
        assert_eq!(
            (
                config.retry.max_retries,
                config.max_concurrency,
                config.per_page
            ),
            (3, 8, 100)
        );
        assert_eq!(config.sources, Source::ALL);
    }

    #[test]
    fn sources_are_validated_and_put_in_canonical_order() {
        let with = |sources: &[&str]| {
            ClientConfig::new(ClientOptions {
                sources: Some(sources.iter().map(|s| s.to_string()).collect()),
                ..options("t")
            })
        };
        assert_eq!(
            with(&["self-hosted", "managed"]).unwrap().sources,
            Source::ALL
        );
        assert_eq!(
            with(&["self-hosted"]).unwrap().sources,
            [Source::SelfHosted]
        );
        assert_eq!(
            with(&[]).unwrap_err().message,
            r#"invalid sources: sources must name at least one of "managed", "self-hosted""#
        );
        assert_eq!(
            with(&["Managed"]).unwrap_err().message,
            r#"invalid sources: unknown runner source "Managed": expected "managed" or "self-hosted""#
        );
    }

    #[test]
    fn budgets_at_least_as_strict_as_comfycontrols_are_accepted() {
        for (requests, window_ms) in [
            (40.0, 10_000.0),
            (20.0, 5_000.0),
            (10.0, 2_500.0),
            (1.0, 1_000.0),
            (40.0, 60_000.0),
        ] {
            let budget = ClientConfig::new(rate_limited(requests, window_ms))
                .unwrap()
                .budget;
            assert_eq!(
                (budget.limit(), budget.window_ms()),
                (requests as u32, window_ms as u64)
            );
        }
    }

    #[test]
    fn debug_never_shows_the_token() {
        let shown = format!("{:?}", options("cfc_secret_value"));
        assert!(!shown.contains("cfc_secret_value"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn out_of_range_options_are_invalid_input() {
        let cases: Vec<(ClientOptions, &str)> = vec![
            (
                ClientOptions {
                    timeout_ms: Some(0.0),
                    ..options("t")
                },
                "timeoutMs must be a whole number from 1 to 600000, got 0",
            ),
            (
                ClientOptions {
                    max_retries: Some(2.5),
                    ..options("t")
                },
                "maxRetries must be a whole number from 0 to 10, got 2.5",
            ),
            (
                ClientOptions {
                    max_concurrency: Some(f64::NAN),
                    ..options("t")
                },
                "maxConcurrency must be a whole number from 1 to 16, got NaN",
            ),
            (
                ClientOptions {
                    per_page: Some(101.0),
                    ..options("t")
                },
                "perPage must be a whole number from 1 to 100, got 101",
            ),
            (
                ClientOptions {
                    cache_ttl_ms: Some(-1.0),
                    ..options("t")
                },
                "cacheTtlMs must be a whole number from 0 to 86400000, got -1",
            ),
            (options(""), "token must be a non-empty string"),
            (
                rate_limited(40.0, 1_000.0),
                "rateLimit of 40 requests per 1000 ms lets up to 400 through in 10000 ms; \
                 ComfyControl allows 40: use requests × ⌈10000 / windowMs⌉ ≤ 40",
            ),
            (
                rate_limited(12.0, 3_000.0),
                "rateLimit of 12 requests per 3000 ms lets up to 48 through in 10000 ms; \
                 ComfyControl allows 40: use requests × ⌈10000 / windowMs⌉ ≤ 40",
            ),
        ];
        for (opts, want) in cases {
            assert_eq!(ClientConfig::new(opts).unwrap_err().message, want);
        }
    }
}
