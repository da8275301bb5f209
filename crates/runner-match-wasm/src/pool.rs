//! `client.pool()`: the runner pool behind a client's answers, and how each requested
//! source fared (the client reads them in `client`, combined by the core's policy,
//! [`runner_match::Pool`]).

use js_sys::Promise;
use runner_match::SourceState;
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::client::{to_js, RunnerClient};
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
