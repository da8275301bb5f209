//! `RunnerClient` options: read from JS and validated in one pass, before any request.
//! Their defaults and limits are the core's ([`runner_match::limits`]), shared with the
//! native client; they are documented for users in `js/types.d.ts`.

use runner_match::limits::{
    DEFAULT_CACHE_TTL_MS, DEFAULT_CONCURRENT_FETCHES, DEFAULT_TIMEOUT_MS, MAX_CACHE_TTL_MS,
    MAX_CONCURRENCY, MAX_RATE_WINDOW_MS, MAX_RETRIES, MAX_TIMEOUT_MS, MIN_RATE_WINDOW_MS,
};
use runner_match::secret::Token;
use runner_match::{
    Progress, RequestBudget, RetryPolicy, Source, MAX_PER_PAGE, RATE_LIMIT_REQUESTS,
};
use wasm_bindgen::{JsCast, JsValue};

use crate::base_url::BaseUrl;
use crate::error::Error;
use crate::fields::Fields;
use crate::snapshot::{describe, is_plain_object, snapshot};

/// The option keys, as JS spells them.
const KEYS: &[&str] = &[
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

/// Validated client configuration.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The token (its `Debug` is redacted).
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
    /// `insecure_url`) error, already a JS `Error`; the token never appears in a message.
    pub fn from_js(options: JsValue) -> Result<Self, JsValue> {
        let options = snapshot(&options, "options")?;
        if !is_plain_object(&options) {
            return Err(Error::invalid_input(format!(
                "options must be an object such as {{ token: 'cfc_…' }}, got {}",
                describe(&options)
            ))
            .into());
        }
        // The token first: its own errors never quote it, and every later message (a
        // base URL that embeds it…) is scrubbed of it.
        let token = js_sys::Reflect::get(&options, &JsValue::from_str("token")).unwrap_or_default();
        let Some(token) = token.as_string() else {
            return Err(Error::invalid_input(format!(
                "token must be a string such as 'cfc_…', got {}",
                describe(&token)
            ))
            .into());
        };
        let token = Token::new(token).map_err(Error::from)?;
        Self::read(&options, token.clone()).map_err(|err| err.into_js(Some(&token)))
    }

    /// The options other than the token, each checked as it is read.
    fn read(options: &JsValue, token: Token) -> Result<Self, Error> {
        let fields = Fields::known(options, "options", "invalid options", KEYS)?;
        let whole = |key, default, low, high| fields.whole(key, Some(default), low..=high);
        Ok(Self {
            token,
            base_url: match fields.string("baseUrl")? {
                None => BaseUrl::default(),
                Some(url) => BaseUrl::parse(&url)?,
            },
            cache_ttl_ms: f64::from(whole(
                "cacheTtlMs",
                DEFAULT_CACHE_TTL_MS,
                0,
                MAX_CACHE_TTL_MS,
            )?),
            timeout_ms: whole("timeoutMs", DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS)?,
            retry: RetryPolicy {
                max_retries: whole(
                    "maxRetries",
                    RetryPolicy::default().max_retries,
                    0,
                    MAX_RETRIES,
                )?,
                ..RetryPolicy::default()
            },
            max_concurrency: whole(
                "maxConcurrency",
                DEFAULT_CONCURRENT_FETCHES,
                1,
                MAX_CONCURRENCY,
            )? as usize,
            per_page: whole("perPage", MAX_PER_PAGE, 1, MAX_PER_PAGE)?,
            budget: match fields.get("rateLimit") {
                None => RequestBudget::default(),
                Some(limit) if is_plain_object(&limit) => budget(&limit)?,
                Some(other) => return Err(fields.wrong("rateLimit", "an object", &other)),
            },
            sources: match fields.strings("sources")? {
                None => Source::ALL.to_vec(),
                Some(sources) => Source::parse_list(sources)?,
            },
            on_progress: match fields.get("onProgress") {
                None => None,
                Some(value) => Some(ProgressHook(value.dyn_into().map_err(|value| {
                    Error::invalid_input(format!(
                        "onProgress must be a function, got {}",
                        describe(&value)
                    ))
                })?)),
            },
        })
    }
}

/// The `rateLimit` budget: at most `requests` requests (retries and CORS preflights
/// included) in any `windowMs`, refused unless at least as strict as ComfyControl's
/// (`requests × ⌈10000 / windowMs⌉ ≤ 40`): a looser one would earn a 429 and a 10 s
/// cooldown.
fn budget(limit: &JsValue) -> Result<RequestBudget, Error> {
    let limit = Fields::known(
        limit,
        "rateLimit",
        "invalid options",
        &["requests", "windowMs"],
    )?
    .at("rateLimit.");
    let requests = limit.whole("requests", None, 1..=RATE_LIMIT_REQUESTS)?;
    let window_ms = limit.whole("windowMs", None, MIN_RATE_WINDOW_MS..=MAX_RATE_WINDOW_MS)?;
    Ok(RequestBudget::new(requests, u64::from(window_ms))?.within_comfycontrol_limit()?)
}

/// The `onProgress` callback.
#[derive(Clone)]
pub struct ProgressHook(js_sys::Function);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook(<function>)")
    }
}

impl ProgressHook {
    /// Calls the callback with `progress`, if there is one to report. Exceptions it
    /// throws are ignored: progress is advisory and must not fail the read.
    pub fn report(&self, progress: Option<Progress>) {
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

#[cfg(test)]
mod tests {
    use runner_match::limits::MAX_WORKFLOW_PAGES;
    use runner_match::DEFAULT_WORKFLOW_PAGES;

    use super::*;

    /// The hand-written TypeScript documentation states the core's defaults and limits.
    #[test]
    fn the_typescript_docs_state_the_cores_numbers() {
        let declarations = include_str!("../js/types.d.ts");
        for stated in [
            format!("Default {DEFAULT_CACHE_TTL_MS}; 0 disables caching."),
            format!("Per-request timeout in ms. Default {DEFAULT_TIMEOUT_MS}."),
            format!(
                "network errors and timeouts. Default {}.",
                RetryPolicy::default().max_retries
            ),
            format!("Pages fetched at once after the first. Default {DEFAULT_CONCURRENT_FETCHES}."),
            format!("Runners per page, 1–{MAX_PER_PAGE}. Default {MAX_PER_PAGE}"),
            format!("1–{MAX_WORKFLOW_PAGES}, default {DEFAULT_WORKFLOW_PAGES}."),
        ] {
            assert!(declarations.contains(&stated), "js/types.d.ts: {stated:?}");
        }
    }
}
