//! Reading one paged listing (`GET /v1/managed-runner`, `GET /v1/runner`) to the end:
//! the core's [`Pager`] plans the pages, its [`RetryPolicy`](runner_match::RetryPolicy)
//! decides every retry, its [`RequestBudget`] spaces the requests. This module only does
//! the I/O, the sleeping and the threads.
//!
//! Page 1 goes alone (its `total` sizes the plan); the remaining pages are read by up
//! to `concurrency` threads that share the pager, so N pages cost about two round trips
//! plus whatever the budget imposes. Threads are plain `std::thread::scope` workers: a
//! blocking client needs no async runtime for a handful of parallel reads.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use runner_match::{PageRequest, Pager, RetryDecision, Runner, RunnerPage};

use crate::client::Shared;
use crate::error::{Error, ErrorCode};
use crate::http::{self, AttemptError};

/// Runners loaded so far, reported after each page.
pub(crate) trait PageSink: Sync {
    /// A page of `runners` runners arrived; page 1 also says the listing's `total`.
    fn page(&self, runners: usize, total: Option<u64>);
}

/// Reads every page of `path` and returns the runners, de-duplicated, newest first.
/// Fails rather than return a partial list.
pub(crate) fn read_listing(
    shared: &Shared,
    path: &str,
    sink: &dyn PageSink,
) -> Result<Vec<Runner>, Error> {
    let pager =
        Pager::new(shared.config.per_page).map_err(|e| Error::invalid_input(e.to_string()))?;
    let pager = Mutex::new(pager);
    let failed: Mutex<Option<Error>> = Mutex::new(None);
    let worker = |limit: usize| run_worker(shared, path, &pager, &failed, sink, limit);
    worker(1);
    if failed.lock().expect("no worker panics").is_none() {
        std::thread::scope(|scope| {
            for _ in 0..shared.config.concurrency {
                scope.spawn(|| worker(usize::MAX));
            }
        });
    }
    if let Some(error) = failed.into_inner().expect("no worker panics") {
        return Err(error);
    }
    let pager = pager.into_inner().expect("no worker panics");
    pager.finish().map_err(|err| {
        Error::new(
            ErrorCode::Decode,
            format!("the listing {path} is incomplete: {err}"),
        )
    })
}

/// Takes requests from the shared pager until none is left (at most `limit`) or any
/// worker has failed.
fn run_worker(
    shared: &Shared,
    path: &str,
    pager: &Mutex<Pager>,
    failed: &Mutex<Option<Error>>,
    sink: &dyn PageSink,
    limit: usize,
) {
    for _ in 0..limit {
        if failed.lock().expect("no worker panics").is_some() {
            return;
        }
        let Some(request) = pager
            .lock()
            .expect("no worker panics")
            .next_requests(1)
            .pop()
        else {
            return;
        };
        let outcome = fetch_with_retries(shared, path, request).and_then(|page| {
            let (runners, total) = (page.runners.len(), page.total);
            pager
                .lock()
                .expect("no worker panics")
                .receive(request, page)
                .map_err(|err| {
                    Error::new(
                        ErrorCode::Decode,
                        format!("page {} of {path} does not fit: {err}", request.page),
                    )
                })?;
            sink.page(runners, (request.page == 1).then_some(total));
            Ok(())
        });
        if let Err(error) = outcome {
            failed
                .lock()
                .expect("no worker panics")
                .get_or_insert(error);
            return;
        }
    }
}

/// One page, attempt after attempt, until success, a final failure or the retry limit.
fn fetch_with_retries(
    shared: &Shared,
    path: &str,
    request: PageRequest,
) -> Result<RunnerPage, Error> {
    let url = shared.config.base_url.endpoint(path, &request.query());
    let what = format!("page {} of {path}", request.page);
    let mut retries = 0;
    loop {
        shared.wait_for_budget();
        let attempt = http::get(
            &shared.agent,
            &shared.config.token,
            &url,
            &what,
            shared.config.timeout,
        )
        .and_then(|body| decode(&body, &what));
        // The server saw the request at the latest when the answer came back.
        shared.finish_request();
        let AttemptError { error, retryable } = match attempt {
            Ok(page) => return Ok(page),
            Err(failed) => failed,
        };
        let Some(failure) = retryable else {
            return Err(error);
        };
        let now = unix_ms();
        match shared
            .config
            .retry
            .decide(retries, &failure, now, random_seed())
        {
            RetryDecision::GiveUp => {
                if retries == 0 {
                    return Err(error);
                }
                let plural = if retries == 1 { "retry" } else { "retries" };
                let message = format!("{} (gave up after {retries} {plural})", error.message());
                return Err(error.with_message(message));
            }
            RetryDecision::RetryAfter { delay_ms } => {
                if error.code() == ErrorCode::RateLimited {
                    // ComfyControl serves nothing during its cooldown: hold every request.
                    shared.pause_for(delay_ms);
                }
                std::thread::sleep(Duration::from_millis(delay_ms));
                retries += 1;
            }
        }
    }
}

/// A page, or a decode failure that quotes no part of the body: a self-hosted runner's
/// headers could be in it, and serde's messages quote the values they reject.
fn decode(body: &str, what: &str) -> Result<RunnerPage, AttemptError> {
    serde_json::from_str::<RunnerPage>(body).map_err(|err| {
        let kind = match err.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                "not valid JSON"
            }
            _ => "not a runner list {runners, total}",
        };
        AttemptError {
            error: Error::new(
                ErrorCode::Decode,
                format!(
                    "{what} is {kind} (line {}, column {})",
                    err.line(),
                    err.column()
                ),
            ),
            retryable: None,
        }
    })
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A fresh random seed for the retry jitter (std's per-process hasher keys).
fn random_seed() -> u64 {
    RandomState::new().build_hasher().finish()
}
