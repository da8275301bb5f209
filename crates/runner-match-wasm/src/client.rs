//! `RunnerClient`: fetches every page of each runner listing of the pool (bounded
//! concurrency, retries, one request budget; see `pool`), caches it as an index, and
//! answers queries from it.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use js_sys::Promise;
use runner_match::{
    PageRequest, Pager, Pool, ReadProgress, RequestBudget, Requirements, RetryDecision, Runner,
    RunnerIndex, Source, SourceOutcome, SourceStatus,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::{ClientError, Error, ErrorCode};
use crate::fetch::{fetch_listing, AttemptError, Body, ListingPage};
use crate::options::ClientConfig;
use crate::report_js::to_js;
use crate::requirements::requirements_from_js;
use crate::results::Bases;
use crate::task::spawn;
use crate::timer::{now_ms, sleep};
use runner_match::report::{ApiRunnersJson, ExplanationJson, PoolReport, RunnerMatch};

/// A ComfyControl client that finds the best runner for a workflow.
///
/// ```js
/// const client = new RunnerClient({ token: 'cfc_…' });
/// const ranked = await client.findRunners(['flux', 'gpu-h100']);
/// ```
#[wasm_bindgen]
pub struct RunnerClient {
    pub(crate) inner: Rc<Inner>,
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
    pub(crate) config: ClientConfig,
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
    ready: Option<(Loaded, f64)>,
}

/// A loaded runner list: its index and how each of its sources fared, kept together so
/// that every answer describes one load, and the JS bases `findRunners` builds its
/// results over (made on its first call; they go when the load goes).
#[derive(Clone)]
pub(crate) struct Loaded {
    pub(crate) index: Rc<RunnerIndex>,
    pub(crate) statuses: Rc<[SourceStatus]>,
    bases: Rc<OnceCell<Bases>>,
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

    /// Every runner of every page of every source, newest `created_at` first (ties by
    /// id), each listed once even when paging shifted it across pages, in the API's
    /// wire format. Self-hosted runners come without their `headers`, and their
    /// `endpoint` without credentials (user info, query, fragment).
    #[wasm_bindgen(js_name = listRunners, unchecked_return_type = "Promise<ApiRunner[]>")]
    pub fn list_runners(&self) -> Promise {
        ask(self.inner.clone(), Ok(Query::List))
    }

    /// Why each runner can or cannot run a workflow with these requirements, with a
    /// one-line summary, near-miss hints and the change that would match the most.
    #[wasm_bindgen(unchecked_return_type = "Promise<ExplanationReport>")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequiredTags")] required_tags: JsValue,
    ) -> Promise {
        let query = requirements_from_js(&required_tags).map(Query::Explain);
        ask(self.inner.clone(), query)
    }

    /// Drops the cached list and fetches it again (joining a load already in flight).
    /// If that load fails, no list is left: the next call fetches again.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn refresh(&self) -> Promise {
        ask(self.inner.clone(), Ok(Query::Refresh))
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
    ask(inner, requirements_from_js(&required_tags).map(Query::Find))
}

/// What an exported method asks of the client's runner index. Every such method is one
/// `Query` answered by [`ask`]: one async state machine for all of them.
pub(crate) enum Query {
    /// `findRunners`.
    Find(Requirements),
    /// `listRunners`.
    List,
    /// `explain`.
    Explain(Requirements),
    /// `refresh`: reloads the index, answers nothing.
    Refresh,
    /// `pool`.
    Pool,
    /// A query answered once `pending` has settled (it never rejects), from the
    /// loaded list: `diagnose` with its workflow read, already running. The answer is
    /// a closure so that this module does not depend on the modules that ask it.
    After { pending: Promise, answer: Answer },
}

/// How a [`Query::After`] answers from the loaded list.
pub(crate) type Answer = Box<dyn FnOnce(&Inner, &Loaded) -> Result<JsValue, JsValue>>;

/// A promise of the answer to `query` from the (cached or loaded) index; rejected with
/// the query's own error, if it has one, before any request.
pub(crate) fn ask(inner: Rc<Inner>, query: Result<Query, Error>) -> Promise {
    let query = match query {
        Ok(query) => query,
        Err(error) => return Promise::reject(&error.into()),
    };
    spawn(Box::pin(async move {
        let loaded = inner.loaded(matches!(query, Query::Refresh)).await;
        if let Query::After { pending, .. } = &query {
            let _ = JsFuture::from(pending.clone()).await;
        }
        inner.answer(&loaded?, query)
    }))
}

impl Inner {
    pub(crate) fn from_options(options: JsValue) -> Result<Rc<Self>, JsValue> {
        let config = ClientConfig::from_js(options)?;
        Ok(Rc::new(Self {
            budget: RefCell::new(config.budget.clone()),
            request_cost: crate::request_cost::request_cost(&config.base_url),
            config,
            cache: RefCell::new(Cache::default()),
        }))
    }

    /// `query`'s answer from a loaded list, as a JS value.
    fn answer(&self, loaded: &Loaded, query: Query) -> Result<JsValue, JsValue> {
        let index = &loaded.index;
        match query {
            Query::Find(requirements) => {
                let ranked: crate::results::JsArrayOf<RunnerMatch> =
                    crate::results::rank_cached(index, &loaded.bases, &requirements);
                Ok(ranked.into())
            }
            Query::List => to_js(&ApiRunnersJson(index.runners())),
            Query::Explain(requirements) => to_js(&ExplanationJson(&index.explain(&requirements))),
            Query::Refresh => Ok(JsValue::UNDEFINED),
            Query::Pool => to_js(&PoolReport::new(index.len(), &loaded.statuses)),
            Query::After { answer, .. } => answer(self, loaded),
        }
    }

    /// The runner list: cached, joined from a load in flight, or freshly loaded.
    async fn loaded(self: &Rc<Self>, force: bool) -> Result<Loaded, JsValue> {
        let pending = {
            let mut cache = self.cache.borrow_mut();
            match (&cache.loading, &cache.ready) {
                (Some(loading), _) => loading.clone(),
                (None, Some((loaded, at)))
                    if !force && now_ms() - at < self.config.cache_ttl_ms =>
                {
                    return Ok(loaded.clone());
                }
                _ => {
                    // The list being replaced answers nothing more (every call now waits
                    // for this load), so it goes first: a reload's peak memory is one
                    // list, not two, and a failed refresh leaves no stale list behind.
                    cache.ready = None;
                    let loading = spawn(Box::pin(self.clone().load()));
                    cache.loading = Some(loading.clone());
                    loading
                }
            }
        };
        JsFuture::from(pending).await?;
        let cache = self.cache.borrow();
        match &cache.ready {
            Some((loaded, _)) => Ok(loaded.clone()),
            None => {
                Err(ClientError::new(ErrorCode::Network, "the runner list was not loaded").into())
            }
        }
    }

    async fn load(self: Rc<Self>) -> Result<JsValue, JsValue> {
        let fetched = self.read_pool().await;
        let mut cache = self.cache.borrow_mut();
        cache.loading = None;
        // Servers and proxies may echo the token back (in an error message, a body that
        // fails to decode): scrub it before the error reaches JS.
        let pool = fetched.map_err(|err| err.into_js(Some(&self.config.token)))?;
        let statuses = pool.statuses().into();
        let index = Rc::new(RunnerIndex::new(pool.into_runners()));
        let bases = Rc::default();
        cache.ready = Some((
            Loaded {
                index,
                statuses,
                bases,
            },
            now_ms(),
        ));
        Ok(JsValue::UNDEFINED)
    }

    /// Reads every configured source concurrently, under the one request budget, and
    /// combines them by the core's policy: the pool, or the error that fails the read.
    async fn read_pool(self: &Rc<Self>) -> Result<Pool, Error> {
        let sources = self.config.sources.clone();
        let progress = Rc::new(RefCell::new(ReadProgress::new(&sources)));
        let outcomes: Rc<RefCell<Outcomes>> = Rc::default();
        let reads: js_sys::Array = sources
            .iter()
            .map(|&source| {
                let (inner, progress, outcomes) =
                    (self.clone(), progress.clone(), outcomes.clone());
                JsValue::from(spawn(Box::pin(async move {
                    let outcome = match inner.fetch_all(source, progress.clone()).await {
                        Ok(runners) => SourceOutcome::Loaded(runners),
                        Err(error) if error.code() == ErrorCode::Forbidden => {
                            inner.report_progress(progress.borrow_mut().settle(source));
                            SourceOutcome::Forbidden(error)
                        }
                        Err(error) => SourceOutcome::Failed(error),
                    };
                    outcomes.borrow_mut().push((source, outcome));
                    Ok(JsValue::UNDEFINED)
                })))
            })
            .collect();
        // Reads never reject: they report through `outcomes`.
        let _ = JsFuture::from(Promise::all(&reads)).await;
        let pool = Pool::combine(outcomes.take())?;
        self.report_progress(Some(progress.borrow().finish(pool.runners().len())));
        Ok(pool)
    }

    /// Tells `onProgress`, if set.
    fn report_progress(&self, progress: Option<runner_match::Progress>) {
        if let Some(hook) = &self.config.on_progress {
            hook.report(progress);
        }
    }

    /// Every page of `source`'s listing: page 1 alone (it tells how many pages there
    /// are), then the rest through `maxConcurrency` workers sharing one pager: N pages
    /// cost about two round trips. Each page received is counted in `progress`.
    async fn fetch_all(
        self: &Rc<Self>,
        source: Source,
        progress: Rc<RefCell<ReadProgress>>,
    ) -> Result<Vec<Runner>, Error> {
        let pager = Pager::new(self.config.per_page)
            .map_err(|err| Error::paging("invalid perPage", err))?;
        let pager = Rc::new(RefCell::new(pager));
        let failed: Rc<RefCell<Option<Error>>> = Rc::default();
        let read = Read {
            source,
            pager: pager.clone(),
            failed: failed.clone(),
            progress,
        };
        run_worker(self.clone(), read.clone(), 1).await;
        if failed.borrow().is_none() {
            let workers: js_sys::Array = (0..self.config.max_concurrency)
                .map(|_| {
                    let (inner, read) = (self.clone(), read.clone());
                    JsValue::from(spawn(Box::pin(async move {
                        run_worker(inner, read, usize::MAX).await;
                        Ok(JsValue::UNDEFINED)
                    })))
                })
                .collect();
            // Workers never reject: they report through `failed`.
            let _ = JsFuture::from(Promise::all(&workers)).await;
        }
        if let Some(error) = failed.take() {
            return Err(error);
        }
        pager
            .take()
            .finish()
            .map_err(|err| Error::paging("the runner list is incomplete", err))
    }

    /// One page of the listing at `path`, fetched with retries and decoded.
    pub(crate) async fn fetch_with_retries<P: ListingPage>(
        &self,
        path: &str,
        request: PageRequest,
    ) -> Result<P, Error> {
        let body = self.fetch_body(path, request).await?;
        Ok(body.decode(path, request.page)?)
    }

    /// One attempt after another until success, a final failure, or the retry limit.
    async fn fetch_body(&self, path: &str, request: PageRequest) -> Result<Body, ClientError> {
        let mut retries = 0;
        loop {
            self.wait_for_budget().await;
            let attempt = fetch_listing(&self.config, path, request).await;
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

/// Each source's outcome, in the order the reads ended.
type Outcomes = Vec<(Source, SourceOutcome<Error>)>;

/// One listing's read, shared by its workers.
#[derive(Clone)]
struct Read {
    source: Source,
    pager: Rc<RefCell<Pager>>,
    failed: Rc<RefCell<Option<Error>>>,
    progress: Rc<RefCell<ReadProgress>>,
}

/// Takes requests from the shared pager until none is left (at most `limit`), or
/// until any worker has failed.
async fn run_worker(inner: Rc<Inner>, read: Read, limit: usize) {
    let Read {
        source,
        pager,
        failed,
        progress,
    } = read;
    for _ in 0..limit {
        if failed.borrow().is_some() {
            return;
        }
        let Some(request) = pager.borrow_mut().next_requests(1).pop() else {
            return;
        };
        let outcome = inner
            .fetch_with_retries(source.path(), request)
            .await
            .and_then(|page: runner_match::RunnerPage| {
                let (runners, total) = (page.runners.len(), page.total);
                pager.borrow_mut().receive(request, page).map_err(|err| {
                    Error::paging(format!("page {} does not fit", request.page), err)
                })?;
                Ok((runners, total))
            });
        match outcome {
            Ok((runners, total)) => {
                let report = progress.borrow_mut().page(source, runners, total);
                inner.report_progress(report);
            }
            Err(error) => {
                failed.borrow_mut().get_or_insert(error);
                return;
            }
        }
    }
}
