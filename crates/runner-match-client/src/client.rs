//! [`Client`]: reads the runner pool (every source, every page, retries, one shared
//! request budget), caches it for a TTL, and answers `find`, `explain`, `list` and
//! `diagnose` with the core.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use runner_match::{
    diagnose, Diagnosis, Explanation, Match, Pool, ReadProgress, RequestBudget, Requirements,
    Runner, RunnerIndex, Source, SourceOutcome, SourceStatus, Timestamp, WorkflowListing,
    WorkflowPager, DEFAULT_WORKFLOW_PAGES,
};
use ureq::Agent;

use crate::config::{ClientBuilder, Config, ProgressFn};
use crate::error::{Error, ErrorCode};
use crate::listing::{read_runners, read_workflows, PageSink};

/// A blocking ComfyControl client that finds the best runner for a workflow.
///
/// It is `Send + Sync`: share one (in an `Arc`) between threads, so that they share its
/// cache and its request budget.
///
/// ```no_run
/// use runner_match::Requirements;
/// let client = runner_match_client::Client::new(std::env::var("CFC_TOKEN")?)?;
/// let ranking = client.find(&"gpu-a100, flux".parse::<Requirements>()?)?;
/// for found in ranking.matches() {
///     println!("{} {:.2} {}", found.runner.name, found.score, runner_match::Source::of(found.runner));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Client {
    shared: Arc<Shared>,
    /// The newest complete pool and when it was read.
    cache: Mutex<Option<(Arc<LoadedPool>, Instant)>>,
    /// Held while a pool loads, so that concurrent callers share one read.
    loading: Mutex<()>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

/// What the reading threads share: the options, the HTTP agent, the request budget.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) agent: Agent,
    budget: Mutex<RequestBudget>,
    /// The budget's clock: milliseconds since the client was built (monotonic).
    epoch: Instant,
}

impl Shared {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn budget(&self) -> std::sync::MutexGuard<'_, RequestBudget> {
        // Nothing panics while holding the lock; a poisoned one is still consistent.
        self.budget.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until the budget allows one more request and books it; the slot stays
    /// taken until [`finish_request`](Self::finish_request).
    pub(crate) fn wait_for_budget(&self) {
        loop {
            let delay = {
                let mut budget = self.budget();
                let now = self.now_ms();
                let delay = budget.delay_ms(now);
                if delay == 0 {
                    budget.begin(now);
                    return;
                }
                delay
            };
            std::thread::sleep(Duration::from_millis(delay));
        }
    }

    /// The request booked by [`wait_for_budget`](Self::wait_for_budget) got its answer.
    pub(crate) fn finish_request(&self) {
        let now = self.now_ms();
        self.budget().finish(now);
    }

    /// Holds every request back for `delay_ms` (ComfyControl's 429 cooldown).
    pub(crate) fn pause_for(&self, delay_ms: u64) {
        let now = self.now_ms();
        self.budget().pause_until(now.saturating_add(delay_ms));
    }
}

/// The runner pool as of one read: every runner of every requested source, indexed,
/// and how each source fared (the core's [`Pool`]).
pub struct LoadedPool {
    index: RunnerIndex,
    statuses: Vec<SourceStatus>,
}

impl fmt::Debug for LoadedPool {
    /// Counts only: runners of self-hosted sources carry endpoints and headers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedPool")
            .field("runners", &self.index.len())
            .field("statuses", &self.statuses)
            .finish()
    }
}

impl LoadedPool {
    /// The runners, newest first (the listing order), every source together.
    pub fn runners(&self) -> &[Runner] {
        self.index.runners()
    }

    /// The core's index over the runners, for any other query.
    pub fn index(&self) -> &RunnerIndex {
        &self.index
    }

    /// One status per requested source, managed first: read completely (with how many
    /// runners), or unavailable without failing the read (a Free tier's managed runners),
    /// as the core's [`Pool::statuses`].
    pub fn statuses(&self) -> &[SourceStatus] {
        &self.statuses
    }
}

/// The answer of [`Client::find`]: the runners that can run the workflow, best first.
#[derive(Debug, Clone)]
pub struct Ranking {
    pool: Arc<LoadedPool>,
    requirements: Requirements,
}

impl Ranking {
    /// Every runner that can run the workflow, best fit first (the core's ranking).
    pub fn matches(&self) -> Vec<Match<'_>> {
        self.pool.index.rank(&self.requirements)
    }

    /// The requirements ranked for.
    pub fn requirements(&self) -> &Requirements {
        &self.requirements
    }

    /// The pool the ranking is over.
    pub fn pool(&self) -> &LoadedPool {
        &self.pool
    }
}

/// The answer of [`Client::explain`].
#[derive(Debug, Clone)]
pub struct Explained {
    pool: Arc<LoadedPool>,
    requirements: Requirements,
}

impl Explained {
    /// Why each runner can or cannot run the workflow (the core's explanation).
    pub fn explanation(&self) -> Explanation<'_> {
        self.pool.index.explain(&self.requirements)
    }

    /// The requirements explained.
    pub fn requirements(&self) -> &Requirements {
        &self.requirements
    }

    /// The pool the explanation is over.
    pub fn pool(&self) -> &LoadedPool {
        &self.pool
    }
}

/// Options of [`Client::diagnose`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiagnoseOptions {
    /// Pages of 100 workflows read at most, newest first; default
    /// [`DEFAULT_WORKFLOW_PAGES`]. When the listing is longer, the answer says it
    /// stopped early.
    pub max_pages: NonZeroU32,
}

impl Default for DiagnoseOptions {
    fn default() -> Self {
        Self {
            max_pages: NonZeroU32::new(DEFAULT_WORKFLOW_PAGES).unwrap_or(NonZeroU32::MIN),
        }
    }
}

impl DiagnoseOptions {
    /// Reads at most `max_pages` pages of workflows.
    pub fn max_pages(max_pages: NonZeroU32) -> Self {
        Self { max_pages }
    }
}

/// The answer of [`Client::diagnose`]: the newest workflows and the pool, as read, and
/// when.
#[derive(Debug, Clone)]
pub struct Diagnosed {
    pool: Arc<LoadedPool>,
    listing: WorkflowListing,
    now: Timestamp,
}

impl Diagnosed {
    /// The waiting workflows against the pool (the core's [`diagnose()`]).
    pub fn diagnosis(&self) -> Diagnosis<'_> {
        diagnose(&self.pool.index, &self.listing.workflows, self.now.clone())
    }

    /// The workflows read: how many, how many pages, and whether the page limit stopped
    /// the read before the listing ended.
    pub fn listing(&self) -> &WorkflowListing {
        &self.listing
    }

    /// The pool the workflows were diagnosed against.
    pub fn pool(&self) -> &LoadedPool {
        &self.pool
    }

    /// The instant waiting times are measured to (when the workflows were read).
    pub fn now(&self) -> &Timestamp {
        &self.now
    }
}

impl Client {
    /// A client with every default (`https://api.comfycontrol.app`, both sources, 10 s
    /// timeout, 3 retries, 30 s cache, 40 requests per 10 s).
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        Self::builder(token).build()
    }

    /// A builder for the other options.
    pub fn builder(token: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(token)
    }

    pub(crate) fn from_config(config: Config, budget: RequestBudget) -> Self {
        Self {
            shared: Arc::new(Shared {
                agent: crate::http::agent(config.timeout),
                budget: Mutex::new(budget),
                config,
                epoch: Instant::now(),
            }),
            cache: Mutex::new(None),
            loading: Mutex::new(()),
        }
    }

    /// The API base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.shared.config.base_url.as_str()
    }

    /// The sources the pool is read from, managed first.
    pub fn sources(&self) -> &[Source] {
        &self.shared.config.sources
    }

    /// The runner pool with a status per source: cached when younger than the cache
    /// TTL, else read anew (both listings at once, under one budget).
    pub fn pool(&self) -> Result<Arc<LoadedPool>, Error> {
        self.load(false)
    }

    /// Reads the pool anew, whatever the cache holds.
    pub fn refresh(&self) -> Result<Arc<LoadedPool>, Error> {
        self.load(true)
    }

    /// Active runners that can run a workflow with `requirements`, best fit first.
    pub fn find(&self, requirements: &Requirements) -> Result<Ranking, Error> {
        Ok(Ranking {
            pool: self.pool()?,
            requirements: requirements.clone(),
        })
    }

    /// Why each runner can or cannot run a workflow with `requirements`.
    pub fn explain(&self, requirements: &Requirements) -> Result<Explained, Error> {
        Ok(Explained {
            pool: self.pool()?,
            requirements: requirements.clone(),
        })
    }

    /// Every runner of the pool, newest first.
    pub fn list(&self) -> Result<Vec<Runner>, Error> {
        Ok(self.pool()?.runners().to_vec())
    }

    /// The waiting workflows among the newest ones (`GET /v1/workflow`, never cached),
    /// against the pool (cached as usual), both read at once: for each, how many runners
    /// can run it now, the best, and when none or only untagged runners can, why.
    pub fn diagnose(&self, options: DiagnoseOptions) -> Result<Diagnosed, Error> {
        let (pool, listing) = std::thread::scope(|scope| {
            let workflows =
                scope.spawn(|| read_workflows(&self.shared, WorkflowPager::new(options.max_pages)));
            let pool = self.pool();
            let listing = workflows
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (pool, listing)
        });
        let (pool, listing) = (pool?, listing?);
        Ok(Diagnosed {
            pool,
            listing,
            now: now_timestamp(),
        })
    }

    fn cached(&self, fresh_since: Option<Instant>) -> Option<Arc<LoadedPool>> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .as_ref()
            .filter(|(_, at)| at.elapsed() < self.shared.config.cache_ttl)
            .filter(|(_, at)| fresh_since.is_none_or(|since| *at >= since))
            .map(|(pool, _)| pool.clone())
    }

    fn load(&self, force: bool) -> Result<Arc<LoadedPool>, Error> {
        if !force {
            if let Some(pool) = self.cached(None) {
                return Ok(pool);
            }
        }
        let asked = Instant::now();
        let _loading = self.loading.lock().unwrap_or_else(|e| e.into_inner());
        // Another caller may have loaded while this one waited: a forced read accepts
        // only a pool read after it asked.
        if let Some(pool) = self.cached(force.then_some(asked)) {
            return Ok(pool);
        }
        let pool = Arc::new(self.read_pool()?);
        *self.cache.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((pool.clone(), Instant::now()));
        Ok(pool)
    }

    /// Every requested source at once; the core decides what the outcomes make.
    fn read_pool(&self) -> Result<LoadedPool, Error> {
        let sources = &self.shared.config.sources;
        let progress = ProgressReporter {
            report: self.shared.config.progress.as_deref(),
            read: Mutex::new(ReadProgress::new(sources)),
        };
        let outcomes: Vec<(Source, SourceOutcome<Error>)> = std::thread::scope(|scope| {
            let readers: Vec<_> = sources
                .iter()
                .map(|&source| {
                    let progress = &progress;
                    scope.spawn(move || {
                        let outcome = match read_runners(&self.shared, source, progress) {
                            Ok(runners) => SourceOutcome::Loaded(runners),
                            Err(error) if error.code() == ErrorCode::Forbidden => {
                                progress.settle(source);
                                SourceOutcome::Forbidden(error)
                            }
                            Err(error) => SourceOutcome::Failed(error),
                        };
                        (source, outcome)
                    })
                })
                .collect();
            readers
                .into_iter()
                .map(|reader| {
                    reader
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        let pool = Pool::combine(outcomes)?;
        let statuses = pool.statuses().to_vec();
        let index = RunnerIndex::new(pool.into_runners());
        progress.finish(index.len());
        Ok(LoadedPool { index, statuses })
    }
}

/// The time now as a [`Timestamp`] (the core reads no clock).
fn now_timestamp() -> Timestamp {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Timestamp::from_unix_millis(millis)
        .or_else(|| Timestamp::from_unix_millis(0))
        .expect("the Unix epoch is a valid timestamp")
}

/// Feeds pages to the core's [`ReadProgress`] and reports what it says.
struct ProgressReporter<'a> {
    report: Option<&'a ProgressFn>,
    read: Mutex<ReadProgress>,
}

impl ProgressReporter<'_> {
    fn update(&self, step: impl FnOnce(&mut ReadProgress) -> Option<runner_match::Progress>) {
        let Some(report) = self.report else {
            return;
        };
        let progress = step(&mut self.read.lock().unwrap_or_else(|e| e.into_inner()));
        if let Some(progress) = progress {
            report(progress);
        }
    }

    fn settle(&self, source: Source) {
        self.update(|read| read.settle(source));
    }

    fn finish(&self, pool_size: usize) {
        self.update(|read| Some(read.finish(pool_size)));
    }
}

impl PageSink for ProgressReporter<'_> {
    fn page(&self, source: Source, runners: usize, total: u64) {
        self.update(|read| read.page(source, runners, total));
    }
}
