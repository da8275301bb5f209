//! The runner pool: every requested listing read concurrently under the client's one
//! request budget, combined by the core's policy ([`runner_match::Pool`]), with
//! progress reports; and `client.pool()`, how each source fared.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use runner_match::{Pool, ReadProgress, SourceOutcome, SourceState};
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::client::{to_js, Inner, RunnerClient};
use crate::error::{ClientError, ErrorCode};
use crate::options::ClientConfig;
use crate::types::SourceKind;

/// The pool behind a client's answers: how many runners, and how each source fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PoolReport {
    /// Runners in the pool, all sources together.
    pub runners: usize,
    /// One entry per requested source, managed first.
    pub sources: Vec<SourceReport>,
}

/// How one requested source fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct SourceReport {
    /// The listing.
    pub source: SourceKind,
    /// `ok`: read completely; `unavailable`: contributes no runners, for `reason`.
    pub status: SourceStatusKind,
    /// How many runners it contributed.
    pub runners: usize,
    /// Why it is unavailable: `no_managed_runners` (a 403 on managed runners while the
    /// self-hosted listing loaded: the account's tier has none).
    #[tsify(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The reason in words.
    #[tsify(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Whether a source was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatusKind {
    /// Read completely.
    Ok,
    /// Contributes no runners; the read still succeeded.
    Unavailable,
}

/// `onProgress`'s argument: runners received so far and expected in all, across every
/// source of one read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Tsify)]
pub struct Progress {
    /// Runners received so far.
    pub loaded: f64,
    /// Runners expected in all (at least `loaded`).
    pub total: f64,
}

impl PoolReport {
    /// The report for a pool's statuses.
    pub fn new(runners: usize, statuses: &[runner_match::SourceStatus]) -> Self {
        let sources = statuses
            .iter()
            .map(|status| {
                let source = SourceKind::from(status.source);
                match status.state {
                    SourceState::Ok { runners } => SourceReport {
                        source,
                        status: SourceStatusKind::Ok,
                        runners,
                        reason: None,
                        message: None,
                    },
                    SourceState::Unavailable(why) => SourceReport {
                        source,
                        status: SourceStatusKind::Unavailable,
                        runners: 0,
                        reason: Some(why.code().to_owned()),
                        message: Some(why.to_string()),
                    },
                }
            })
            .collect();
        Self { runners, sources }
    }
}

#[wasm_bindgen]
impl RunnerClient {
    /// The pool behind this client's answers: how many runners, and per requested
    /// source whether it was read (`ok`) or contributes none (`unavailable`, e.g. a Free
    /// tier's managed runners). Loads the runners like `findRunners` (cached).
    #[wasm_bindgen(unchecked_return_type = "Promise<PoolReport>")]
    pub fn pool(&self) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let (index, statuses) = inner.statuses().await?;
            to_js(&PoolReport::new(index.len(), &statuses))
        })
    }
}

/// Each source's outcome, in the order the reads ended.
type Outcomes = Vec<(runner_match::Source, SourceOutcome<ClientError>)>;

/// Reads every configured source concurrently and combines them: the pool, or the error
/// that fails the read.
pub(crate) async fn read_pool(inner: &Rc<Inner>) -> Result<Pool, ClientError> {
    let sources = inner.config.sources.clone();
    let progress = Rc::new(RefCell::new(ReadProgress::new(&sources)));
    let outcomes: Rc<RefCell<Outcomes>> = Rc::default();
    let reads: js_sys::Array = sources
        .iter()
        .map(|&source| {
            let (inner, progress, outcomes) = (inner.clone(), progress.clone(), outcomes.clone());
            JsValue::from(future_to_promise(async move {
                let outcome = match inner.fetch_all(source, progress.clone()).await {
                    Ok(runners) => SourceOutcome::Loaded(runners),
                    Err(error) if error.code == ErrorCode::Forbidden => {
                        let report = progress.borrow_mut().settle(source);
                        report_progress(&inner.config, report);
                        SourceOutcome::Forbidden(error)
                    }
                    Err(error) => SourceOutcome::Failed(error),
                };
                outcomes.borrow_mut().push((source, outcome));
                Ok(JsValue::UNDEFINED)
            }))
        })
        .collect();
    // Reads never reject: they report through `outcomes`.
    let _ = JsFuture::from(Promise::all(&reads)).await;
    let outcomes = outcomes.take();
    let pool = Pool::combine(outcomes)?;
    let last = progress.borrow().finish(pool.runners().len());
    report_progress(&inner.config, Some(last));
    Ok(pool)
}

/// Calls `onProgress`, if set, with `progress`; its exceptions are ignored (progress is
/// advisory and must not fail the read).
pub(crate) fn report_progress(config: &ClientConfig, progress: Option<runner_match::Progress>) {
    let (Some(hook), Some(progress)) = (&config.on_progress, progress) else {
        return;
    };
    let report = Progress {
        loaded: progress.loaded as f64,
        total: progress.total as f64,
    };
    if let Ok(value) = to_js(&report) {
        let _ = hook.0.call1(&JsValue::NULL, &value);
    }
}
