//! Reading paged listings: a runner listing (`GET /v1/managed-runner`, `GET /v1/runner`)
//! to the end, the workflow listing (`GET /v1/workflow`) for a bounded number of pages.
//! The core's [`Pager`] and [`WorkflowPager`] plan the pages, its
//! [`RetryPolicy`](runner_match::RetryPolicy) decides every retry, its
//! [`RequestBudget`](runner_match::RequestBudget) (in [`Shared`]) spaces the requests.
//! This module only does the I/O, the sleeping and the threads.
//!
//! Page 1 goes alone (its `total` sizes the plan); the remaining pages are read by up
//! to `concurrency` threads that share the pager, so N pages cost about two round trips
//! plus whatever the budget imposes. Threads are plain `std::thread::scope` workers: a
//! blocking client needs no async runtime for a handful of parallel reads.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use runner_match::json::{self, Decode};
use runner_match::{
    PageRequest, Pager, RetryDecision, Runner, RunnerPage, Source, WorkflowListing, WorkflowPage,
    WorkflowPager,
};

use crate::client::Shared;
use crate::error::{Error, ErrorCode};
use crate::http::{self, AttemptError};

/// Told about each page of a runner listing as it arrives.
pub(crate) trait PageSink: Sync {
    /// A page of `source` holding `runners` runners and reporting `total` arrived.
    fn page(&self, source: Source, runners: usize, total: u64);
}

/// Reads every page of `source`'s listing and returns its runners, de-duplicated,
/// newest first. Fails rather than return a partial list.
pub(crate) fn read_runners(
    shared: &Shared,
    source: Source,
    sink: &dyn PageSink,
) -> Result<Vec<Runner>, Error> {
    let path = source.path();
    let pager =
        Pager::new(shared.config.per_page).map_err(|e| Error::invalid_input(e.to_string()))?;
    let pager = Mutex::new(pager);
    let failed: Mutex<Option<Error>> = Mutex::new(None);
    let worker = |limit: usize| run_worker(shared, source, &pager, &failed, sink, limit);
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
    source: Source,
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
        let path = source.path();
        let outcome = fetch_with_retries::<RunnerPage>(shared, path, request).and_then(|page| {
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
            sink.page(source, runners, total);
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

/// Reads the newest workflows, one page at a time, at most `pager`'s page limit.
pub(crate) fn read_workflows(
    shared: &Shared,
    mut pager: WorkflowPager,
) -> Result<WorkflowListing, Error> {
    const PATH: &str = "/v1/workflow";
    while let Some(request) = pager.next_request() {
        let page = fetch_with_retries::<WorkflowPage>(shared, PATH, request)?;
        pager.receive(request, page).map_err(|err| {
            Error::new(
                ErrorCode::Decode,
                format!("page {} of {PATH} does not fit: {err}", request.page),
            )
        })?;
    }
    pager.finish().map_err(|err| {
        Error::new(
            ErrorCode::Decode,
            format!("the listing {PATH} is incomplete: {err}"),
        )
    })
}

/// A page type of a listing, and how its errors name it.
pub(crate) trait Page: Decode {
    /// `a runner list {runners, total}`.
    const SHAPE: &'static str;
}

impl Page for RunnerPage {
    const SHAPE: &'static str = "a runner list {runners, total}";
}

impl Page for WorkflowPage {
    const SHAPE: &'static str = "a workflow list {workflows, total}";
}

/// One page, attempt after attempt, until success, a final failure or the retry limit.
fn fetch_with_retries<P: Page>(
    shared: &Shared,
    path: &str,
    request: PageRequest,
) -> Result<P, Error> {
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
        .and_then(|body| decode::<P>(&body, &what));
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

/// A page, decoded by the core (as the npm package decodes it), or a decode failure
/// that quotes no part of the body: a self-hosted runner's headers could be in it.
fn decode<P: Page>(body: &str, what: &str) -> Result<P, AttemptError> {
    json::decode::<P>(body).map_err(|err| {
        let kind = if err.is_syntax() {
            "not valid JSON".to_owned()
        } else {
            format!("not {}", P::SHAPE)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The message, checked against what this client said when serde_json read pages.
    fn decode_error(body: &str) -> String {
        let err = decode::<RunnerPage>(body, "page 1").unwrap_err();
        assert_eq!(err.error.code(), ErrorCode::Decode);
        assert!(err.retryable.is_none());
        let before = serde_json::from_str::<RunnerPage>(body).unwrap_err();
        let kind = match before.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                "not valid JSON".to_owned()
            }
            _ => format!("not {}", RunnerPage::SHAPE),
        };
        let said = format!(
            "page 1 is {kind} (line {}, column {})",
            before.line(),
            before.column()
        );
        assert_eq!(err.error.message(), said);
        err.error.message().to_owned()
    }

    #[test]
    fn decode_errors_say_what_is_wrong_and_where_never_quoting_the_body() {
        // serde_json's categories and positions, as this client reported them before
        // the core's decoder read its pages.
        assert_eq!(
            decode_error("{"),
            "page 1 is not valid JSON (line 1, column 1)"
        );
        assert_eq!(
            decode_error("{\"runners\":[],\n\"total\":\"s3cret\"}"),
            "page 1 is not a runner list {runners, total} (line 2, column 16)"
        );
        assert_eq!(
            decode_error(r#"{"runners":[{"id":1,"headers":{"X":"s3cret"}}],"total":1}"#),
            "page 1 is not a runner list {runners, total} (line 1, column 19)"
        );
        let page = decode::<RunnerPage>(r#"{"runners":[],"total":3}"#, "page 1").unwrap();
        assert_eq!(page.total, 3);
    }
}
