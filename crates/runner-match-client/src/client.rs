//! [`Client`]: reads the runner pool (every page, retries, a shared request budget),
//! caches it for a TTL, and answers `find`, `explain` and `list` from the core.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use runner_match::{Explanation, Match, RequestBudget, Requirements, Runner, RunnerIndex};
use ureq::Agent;

use crate::config::{ClientBuilder, Config, Progress};
use crate::error::Error;
use crate::listing::{read_listing, PageSink};

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
///     println!("{} {:.2}", found.runner.name, found.score);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Client {
    shared: Arc<Shared>,
    /// The newest complete pool and when it was read.
    cache: Mutex<Option<(Arc<Snapshot>, Instant)>>,
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

    /// Waits until the budget allows one more request and books it; the slot stays
    /// taken until [`finish_request`](Self::finish_request).
    pub(crate) fn wait_for_budget(&self) {
        loop {
            let delay = {
                let mut budget = self
                    .budget
                    .lock()
                    .expect("the budget lock is never poisoned");
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
        self.budget
            .lock()
            .expect("the budget lock is never poisoned")
            .finish(now);
    }

    /// Holds every request back for `delay_ms` (ComfyControl's 429 cooldown).
    pub(crate) fn pause_for(&self, delay_ms: u64) {
        let now = self.now_ms();
        self.budget
            .lock()
            .expect("the budget lock is never poisoned")
            .pause_until(now.saturating_add(delay_ms));
    }
}

/// A loaded runner pool: every runner of every page, indexed, as of one read.
#[derive(Debug)]
pub struct Snapshot {
    index: RunnerIndex,
}

impl Snapshot {
    /// The runners, newest first (the listing order).
    pub fn runners(&self) -> &[Runner] {
        self.index.runners()
    }

    /// The core's index over the runners, for any other query.
    pub fn index(&self) -> &RunnerIndex {
        &self.index
    }
}

/// The answer of [`Client::find`]: the runners that can run the workflow, best first.
#[derive(Debug, Clone)]
pub struct Ranking {
    snapshot: Arc<Snapshot>,
    requirements: Requirements,
}

impl Ranking {
    /// Every runner that can run the workflow, best fit first (the core's ranking).
    pub fn matches(&self) -> Vec<Match<'_>> {
        self.snapshot.index.rank(&self.requirements)
    }

    /// The requirements ranked for.
    pub fn requirements(&self) -> &Requirements {
        &self.requirements
    }

    /// The pool the ranking is over.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }
}

/// The answer of [`Client::explain`].
#[derive(Debug, Clone)]
pub struct Explained {
    snapshot: Arc<Snapshot>,
    requirements: Requirements,
}

impl Explained {
    /// Why each runner can or cannot run the workflow (the core's explanation).
    pub fn explanation(&self) -> Explanation<'_> {
        self.snapshot.index.explain(&self.requirements)
    }

    /// The requirements explained.
    pub fn requirements(&self) -> &Requirements {
        &self.requirements
    }

    /// The pool the explanation is over.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }
}

impl Client {
    /// A client with every default (`https://api.comfycontrol.app`, 10 s timeout, 3
    /// retries, 30 s cache, 40 requests per 10 s).
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

    /// The runner pool: cached when younger than the cache TTL, else read anew.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, Error> {
        self.load(false)
    }

    /// Reads the pool anew, whatever the cache holds.
    pub fn refresh(&self) -> Result<Arc<Snapshot>, Error> {
        self.load(true)
    }

    /// Active runners that can run a workflow with `requirements`, best fit first.
    pub fn find(&self, requirements: &Requirements) -> Result<Ranking, Error> {
        Ok(Ranking {
            snapshot: self.snapshot()?,
            requirements: requirements.clone(),
        })
    }

    /// Why each runner can or cannot run a workflow with `requirements`.
    pub fn explain(&self, requirements: &Requirements) -> Result<Explained, Error> {
        Ok(Explained {
            snapshot: self.snapshot()?,
            requirements: requirements.clone(),
        })
    }

    /// Every runner, newest first, as listed.
    pub fn list(&self) -> Result<Vec<Runner>, Error> {
        Ok(self.snapshot()?.runners().to_vec())
    }

    fn cached(&self) -> Option<Arc<Snapshot>> {
        let cache = self.cache.lock().expect("the cache lock is never poisoned");
        cache
            .as_ref()
            .filter(|(_, at)| at.elapsed() < self.shared.config.cache_ttl)
            .map(|(snapshot, _)| snapshot.clone())
    }

    fn load(&self, force: bool) -> Result<Arc<Snapshot>, Error> {
        if !force {
            if let Some(snapshot) = self.cached() {
                return Ok(snapshot);
            }
        }
        let started = Instant::now();
        let _loading = self
            .loading
            .lock()
            .expect("the load lock is never poisoned");
        // Another caller may have loaded while this one waited for the lock.
        if let Some((snapshot, at)) = self.cache.lock().expect("never poisoned").as_ref() {
            let fresh = at.elapsed() < self.shared.config.cache_ttl;
            if (*at >= started || !force) && fresh {
                return Ok(snapshot.clone());
            }
        }
        let progress = ProgressCounter::new(self.shared.config.progress.as_deref());
        let runners = read_listing(&self.shared, "/v1/managed-runner", &progress)?;
        progress.done(runners.len());
        let snapshot = Arc::new(Snapshot {
            index: RunnerIndex::new(runners),
        });
        *self.cache.lock().expect("never poisoned") = Some((snapshot.clone(), Instant::now()));
        Ok(snapshot)
    }
}

/// Adds up pages across sources and reports [`Progress`].
struct ProgressCounter<'a> {
    report: Option<&'a crate::config::ProgressFn>,
    /// (loaded, total) so far.
    counts: Mutex<(u64, u64)>,
}

impl<'a> ProgressCounter<'a> {
    fn new(report: Option<&'a crate::config::ProgressFn>) -> Self {
        Self {
            report,
            counts: Mutex::new((0, 0)),
        }
    }

    /// The read is complete with `runners` distinct runners: the last report.
    fn done(&self, runners: usize) {
        if let Some(report) = self.report {
            let n = runners as u64;
            report(Progress {
                loaded: n,
                total: n,
            });
        }
    }
}

impl PageSink for ProgressCounter<'_> {
    fn page(&self, runners: usize, total: Option<u64>) {
        let Some(report) = self.report else {
            return;
        };
        let progress = {
            let mut counts = self.counts.lock().expect("never poisoned");
            counts.0 += runners as u64;
            counts.1 += total.unwrap_or(0);
            // Duplicates and runners added mid-read can push the count past the totals.
            Progress {
                loaded: counts.0.min(counts.1.max(counts.0)),
                total: counts.1.max(counts.0),
            }
        };
        report(progress);
    }
}
