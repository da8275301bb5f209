//! `RunnerClient`: fetches every page of the runner list (bounded concurrency,
//! retries, a request budget), caches it as an index, and answers queries from it.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use runner_match::{
    PageRequest, Pager, RequestBudget, RetryDecision, Runner, RunnerIndex, RunnerPage,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::error::{ClientError, ErrorCode};
use crate::explain::ExplanationReport;
use crate::fetch::{fetch_page, AttemptError};
use crate::options::ClientConfig;
use crate::requirements::requirements_from_js;
use crate::timer::{now_ms, sleep};
use crate::types::{ApiRunner, RunnerMatch};

/// A ComfyControl client that finds the best runner for a workflow.
///
/// ```js
/// const client = new RunnerClient({ token: 'cfc_…' });
/// const ranked = await client.findRunners(['flux', 'gpu-h100']);
/// ```
#[wasm_bindgen]
pub struct RunnerClient {
    inner: Rc<Inner>,
}

impl std::fmt::Debug for RunnerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `config` carries the token, whose own Debug is redacted.
        f.debug_struct("RunnerClient")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    config: ClientConfig,
    cache: RefCell<Cache>,
    budget: RefCell<RequestBudget>,
    /// Budget units per request (2 with a CORS preflight; see `request_cost`).
    request_cost: u32,
}

#[derive(Default)]
struct Cache {
    /// The load in flight, shared by every caller that arrives while it runs.
    loading: Option<Promise>,
    /// The newest complete list and when it was fetched (ms since the epoch).
    ready: Option<(Rc<RunnerIndex>, f64)>,
}

#[wasm_bindgen]
impl RunnerClient {
    /// Creates a client. Throws `invalid_input` or `insecure_url` for bad options; makes
    /// no request until one is needed.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> Result<RunnerClient, JsValue> {
        Ok(Self {
            inner: Inner::from_options(options)?,
        })
    }

    /// Active runners that can run a workflow with these tags, best fit first.
    /// Uses the cached list when it is younger than `cacheTtlMs`.
    #[wasm_bindgen(js_name = findRunners, unchecked_return_type = "Promise<RunnerMatch[]>")]
    pub fn find_runners(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequiredTags")] required_tags: JsValue,
    ) -> Promise {
        find_runners_with(self.inner.clone(), required_tags)
    }

    /// Every runner of every page, newest `created_at` first (ties by id), each listed
    /// once even when paging shifted it across pages.
    #[wasm_bindgen(js_name = listRunners, unchecked_return_type = "Promise<ApiRunner[]>")]
    pub fn list_runners(&self) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let index = inner.index(false).await?;
            let runners: Vec<ApiRunner> = index.runners().iter().map(ApiRunner::from).collect();
            to_js(&runners)
        })
    }

    /// Why each runner can or cannot run a workflow with these requirements, with a
    /// one-line summary, near-miss hints and the change that would match the most.
    #[wasm_bindgen(unchecked_return_type = "Promise<ExplanationReport>")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequiredTags")] required_tags: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let requirements = requirements_from_js(&required_tags)?;
            let index = inner.index(false).await?;
            to_js(&ExplanationReport::new(&index.explain(&requirements)))
        })
    }

    /// Drops the cached list and fetches it again (joining a load already in flight).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn refresh(&self) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            inner.index(true).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// The API base URL this client talks to.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.inner.config.base_url.as_str().to_owned()
    }
}

/// `findRunners` for any client: validates the tags before any request. The ranking
/// comes from the cached index and crosses into JS as typed arrays, turned into result
/// objects over JS copies of the runners made once per loaded list (see
/// `results`).
pub(crate) fn find_runners_with(inner: Rc<Inner>, required_tags: JsValue) -> Promise {
    future_to_promise(async move {
        let requirements = requirements_from_js(&required_tags)?;
        let index = inner.index(false).await?;
        let ranked: crate::results::JsArrayOf<RunnerMatch> =
            crate::results::rank_cached(&index, &requirements);
        Ok(ranked.into())
    })
}

/// Serializes plain data for JS (objects, not `Map`s).
pub(crate) fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|err| {
            ClientError::new(
                ErrorCode::Decode,
                format!("could not build the result: {err}"),
            )
            .into_js()
        })
}

impl Inner {
    pub(crate) fn from_options(options: JsValue) -> Result<Rc<Self>, ClientError> {
        let config = ClientConfig::from_js(options)?;
        Ok(Rc::new(Self {
            budget: RefCell::new(config.budget.clone()),
            request_cost: crate::request_cost::request_cost(&config.base_url),
            config,
            cache: RefCell::new(Cache::default()),
        }))
    }

    /// The runner index: cached, joined from a load in flight, or freshly loaded.
    async fn index(self: &Rc<Self>, force: bool) -> Result<Rc<RunnerIndex>, JsValue> {
        let pending = {
            let mut cache = self.cache.borrow_mut();
            match (&cache.loading, &cache.ready) {
                (Some(loading), _) => loading.clone(),
                (None, Some((index, at))) if !force && now_ms() - at < self.config.cache_ttl_ms => {
                    return Ok(index.clone());
                }
                _ => {
                    let loading = future_to_promise(self.clone().load());
                    cache.loading = Some(loading.clone());
                    loading
                }
            }
        };
        JsFuture::from(pending).await?;
        let cache = self.cache.borrow();
        match &cache.ready {
            Some((index, _)) => Ok(index.clone()),
            None => Err(
                ClientError::new(ErrorCode::Network, "the runner list was not loaded").into_js(),
            ),
        }
    }

    async fn load(self: Rc<Self>) -> Result<JsValue, JsValue> {
        let fetched = self.fetch_all().await;
        let mut cache = self.cache.borrow_mut();
        cache.loading = None;
        // Servers and proxies may echo the token back (in an error message, a body that
        // fails to decode): scrub it before the error reaches JS.
        let runners = fetched.map_err(|err| self.config.token.redact_error(err).into_js())?;
        cache.ready = Some((Rc::new(RunnerIndex::new(runners)), now_ms()));
        Ok(JsValue::UNDEFINED)
    }

    /// Page 1 alone (it tells how many pages there are), then the rest through
    /// `maxConcurrency` workers sharing one pager: N pages cost about two round trips.
    async fn fetch_all(self: &Rc<Self>) -> Result<Vec<Runner>, ClientError> {
        let pager = Pager::new(self.config.per_page)
            .map_err(|err| ClientError::invalid_input(err.to_string()))?;
        let pager = Rc::new(RefCell::new(pager));
        let failed: Rc<RefCell<Option<ClientError>>> = Rc::default();
        run_worker(self.clone(), pager.clone(), failed.clone(), 1).await;
        if failed.borrow().is_none() {
            let workers: js_sys::Array = (0..self.config.max_concurrency)
                .map(|_| {
                    let (inner, pager, failed) = (self.clone(), pager.clone(), failed.clone());
                    JsValue::from(future_to_promise(async move {
                        run_worker(inner, pager, failed, usize::MAX).await;
                        Ok(JsValue::UNDEFINED)
                    }))
                })
                .collect();
            // Workers never reject: they report through `failed`.
            let _ = JsFuture::from(Promise::all(&workers)).await;
        }
        if let Some(error) = failed.take() {
            return Err(error);
        }
        pager.take().finish().map_err(|err| {
            ClientError::new(
                ErrorCode::Decode,
                format!("the runner list is incomplete: {err}"),
            )
        })
    }

    /// One attempt after another until success, a final failure, or the retry limit.
    async fn fetch_with_retries(&self, request: PageRequest) -> Result<RunnerPage, ClientError> {
        let mut retries = 0;
        loop {
            self.wait_for_budget().await;
            let attempt = fetch_page(&self.config, request).await;
            // The server saw the request at the latest when the answer came back.
            self.budget
                .borrow_mut()
                .finish_with_cost(now_ms() as u64, self.request_cost);
            let (error, failure) = match attempt {
                Ok(page) => return Ok(page),
                Err(AttemptError {
                    error,
                    retryable: None,
                }) => return Err(error),
                Err(AttemptError {
                    error,
                    retryable: Some(failure),
                }) => (error, failure),
            };
            let now = now_ms() as u64;
            let seed = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
            match self.config.retry.decide(retries, &failure, now, seed) {
                RetryDecision::GiveUp => {
                    let plural = if retries == 1 { "retry" } else { "retries" };
                    let message = match retries {
                        0 => error.message,
                        n => format!("{} (gave up after {n} {plural})", error.message),
                    };
                    return Err(ClientError { message, ..error });
                }
                RetryDecision::RetryAfter { delay_ms } => {
                    if error.code == ErrorCode::RateLimited {
                        // ComfyControl serves nothing during its cooldown: hold every request.
                        self.budget
                            .borrow_mut()
                            .pause_until(now.saturating_add(delay_ms));
                    }
                    sleep(delay_ms).await;
                    retries += 1;
                }
            }
        }
    }

    /// Waits until the request budget allows one more request (its preflight included),
    /// and books it; the slots stay taken until `finish` (see `RequestBudget`).
    async fn wait_for_budget(&self) {
        loop {
            let now = now_ms() as u64;
            let delay = self
                .budget
                .borrow()
                .delay_ms_with_cost(now, self.request_cost);
            if delay == 0 {
                self.budget
                    .borrow_mut()
                    .begin_with_cost(now, self.request_cost);
                return;
            }
            sleep(delay).await;
        }
    }
}

/// Takes requests from the shared pager until none is left (at most `limit`), or
/// until any worker has failed.
async fn run_worker(
    inner: Rc<Inner>,
    pager: Rc<RefCell<Pager>>,
    failed: Rc<RefCell<Option<ClientError>>>,
    limit: usize,
) {
    for _ in 0..limit {
        if failed.borrow().is_some() {
            return;
        }
        let Some(request) = pager.borrow_mut().next_requests(1).pop() else {
            return;
        };
        let outcome = inner.fetch_with_retries(request).await.and_then(|page| {
            pager.borrow_mut().receive(request, page).map_err(|err| {
                ClientError::new(
                    ErrorCode::Decode,
                    format!("page {} does not fit: {err}", request.page),
                )
            })
        });
        if let Err(error) = outcome {
            failed.borrow_mut().get_or_insert(error);
            return;
        }
    }
}
