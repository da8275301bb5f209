//! `client.diagnose()`: the waiting workflows of `GET /v1/workflow` against the pool,
//! as plain objects mapped one to one from the core's [`runner_match::Diagnosis`].

use std::cell::RefCell;
use std::num::NonZeroU32;
use std::rc::Rc;

use js_sys::Promise;
use runner_match::{
    Diagnosis, Stuck, Timestamp, WorkflowDiagnosis, WorkflowListing, WorkflowPage, WorkflowPager,
    DEFAULT_WORKFLOW_PAGES,
};
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::client::{to_js, Inner, RunnerClient};
use crate::error::{ClientError, ErrorCode};
use crate::explain::{ExplanationReport, SimilarityKind};
use crate::fields::Fields;
use crate::options::whole;
use crate::pool::PoolReport;
use crate::snapshot::{describe, is_plain_object, snapshot};
use crate::timer::now_ms;
use crate::types::RunnerMatch;

/// The most workflow pages one `diagnose` may read (100 workflows each).
const MAX_PAGES: u32 = 100;

/// Options of `client.diagnose(options)`.
#[derive(Debug, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct DiagnoseOptions {
    /// Pages of `GET /v1/workflow` to read at most, newest first, 100 workflows each:
    /// 1–100, default 3. The report says when this stopped the read early.
    #[tsify(optional)]
    pub max_pages: Option<f64>,
}

/// The waiting workflows, each against the runner pool, and a one-line summary.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct DiagnoseReport {
    /// The waiting workflows (`accepted`, `uploaded`, `queued`), newest first.
    pub workflows: Vec<WaitingWorkflow>,
    /// One line over all, e.g. `3 of 5 waiting workflows can run now; 2 are stuck:
    /// "GPU-A100" (case), "flux-xl" (no runner)`.
    pub summary: String,
    /// How many workflows wait on a runner.
    pub waiting: usize,
    /// How many of them some runner can run now.
    pub runnable: usize,
    /// How many of them no runner can run.
    pub stuck: usize,
    /// Workflows read, all statuses.
    pub read: usize,
    /// The listing's size, all statuses, as the server reported it.
    pub total: f64,
    /// Pages of `GET /v1/workflow` read.
    pub pages: u32,
    /// `true` when `maxPages` ended the read before the listing did: older workflows
    /// were not read.
    pub stopped_early: bool,
    /// The runner pool the workflows were matched against.
    pub pool: PoolReport,
}

/// One waiting workflow against the pool.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct WaitingWorkflow {
    /// The workflow.
    pub workflow: WorkflowReport,
    /// How many runners can run it now.
    pub match_count: usize,
    /// The best of them, or `null`.
    #[tsify(type = "RunnerMatch | null")]
    pub best: Option<RunnerMatch>,
    /// Why the runners can or cannot run it, when none or only untagged runners can;
    /// otherwise `null`.
    #[tsify(type = "ExplanationReport | null")]
    pub explanation: Option<ExplanationReport>,
    /// Why no runner can run it, or `null` when one can.
    #[tsify(type = "StuckReport | null")]
    pub stuck: Option<StuckReport>,
}

/// A workflow, as diagnosed.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowReport {
    /// The workflow's UUID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `accepted`, `uploaded` or `queued`.
    pub status: String,
    /// The tags it was submitted with; all are required.
    pub tags: Vec<String>,
    /// ISO 8601, as the API sent it.
    pub created_at: String,
    /// How long it has waited, in ms (now − `createdAt`, never negative).
    pub waited_ms: f64,
}

/// Why no runner can run a workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct StuckReport {
    /// What kind of cause.
    pub kind: StuckKind,
    /// The tag no active runner carries (`unknown_tag`).
    #[tsify(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// How the fleet tag it probably meant resembles it (`unknown_tag`, when one does).
    #[tsify(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near_miss: Option<SimilarityKind>,
    /// The cause in words: `"GPU-A100" (case)`.
    pub message: String,
}

/// The kinds of stuck cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum StuckKind {
    /// The pool has no active runner.
    NoActiveRunner,
    /// No active runner carries one of its tags.
    UnknownTag,
    /// Each tag is carried by some runner, none carries them all.
    NoRunnerHasAll,
    /// Its tags cannot form a requirement.
    UnreadableTags,
}

impl StuckReport {
    fn new(stuck: &Stuck) -> Self {
        let (kind, tag, near_miss) = match stuck {
            Stuck::NoActiveRunner => (StuckKind::NoActiveRunner, None, None),
            Stuck::UnknownTag { tag, near_miss } => (
                StuckKind::UnknownTag,
                Some(tag.clone()),
                near_miss.map(SimilarityKind::from),
            ),
            Stuck::NoRunnerHasAll { .. } => (StuckKind::NoRunnerHasAll, None, None),
            // Unreadable tags, or a cause this version does not know: the message says it.
            _ => (StuckKind::UnreadableTags, None, None),
        };
        Self {
            kind,
            tag,
            near_miss,
            message: stuck.to_string(),
        }
    }
}

impl DiagnoseReport {
    /// Flattens a core diagnosis of the workflows of `listing` against `pool` (the
    /// native CLI's `diagnose --json` serializes this too).
    pub fn new(diagnosis: &Diagnosis<'_>, listing: &WorkflowListing, pool: PoolReport) -> Self {
        Self {
            workflows: diagnosis
                .workflows
                .iter()
                .map(WaitingWorkflow::new)
                .collect(),
            summary: diagnosis.summary(),
            waiting: diagnosis.workflows.len(),
            runnable: diagnosis.runnable(),
            stuck: diagnosis.stuck(),
            read: listing.workflows.len(),
            total: listing.total as f64,
            pages: listing.pages,
            stopped_early: listing.stopped_early,
            pool,
        }
    }
}

impl WaitingWorkflow {
    fn new(diagnosis: &WorkflowDiagnosis<'_>) -> Self {
        let workflow = diagnosis.workflow;
        Self {
            workflow: WorkflowReport {
                id: workflow.id.clone(),
                name: workflow.name.clone(),
                status: workflow.status.as_str().to_owned(),
                tags: workflow.tags.clone(),
                created_at: workflow.created_at.as_str().to_owned(),
                waited_ms: diagnosis.waited_ms as f64,
            },
            match_count: diagnosis.match_count,
            best: diagnosis
                .best
                .as_ref()
                .map(|best| RunnerMatch::new(best, &workflow.tags)),
            explanation: diagnosis.explanation.as_ref().map(ExplanationReport::new),
            stuck: diagnosis.stuck.as_ref().map(StuckReport::new),
        }
    }
}

#[wasm_bindgen]
impl RunnerClient {
    /// The waiting workflows (`accepted`, `uploaded`, `queued`) of the newest
    /// `maxPages` pages of `GET /v1/workflow`, each with how many runners of the pool
    /// can run it now, the best of them, and, when none or only untagged runners can,
    /// the explanation; plus a one-line summary. Runners come from the cache like
    /// `findRunners`; workflows are read fresh, concurrently with any runner read.
    ///
    /// Its TypeScript signature (an optional argument) is declared below.
    #[wasm_bindgen(skip_typescript)]
    pub fn diagnose(&self, options: Option<JsValue>) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let max_pages = max_pages_from_js(&options.unwrap_or_default())?;
            // The workflow read starts now and runs while the runners load.
            let listing: Rc<RefCell<Option<Result<WorkflowListing, ClientError>>>> = Rc::default();
            let reading = {
                let (inner, listing) = (inner.clone(), listing.clone());
                future_to_promise(async move {
                    let read = read_workflows(&inner, max_pages).await;
                    *listing.borrow_mut() = Some(read);
                    Ok(JsValue::UNDEFINED)
                })
            };
            let runners = inner.statuses().await;
            let _ = JsFuture::from(reading).await;
            let (index, statuses) = runners?;
            let listing = listing
                .take()
                .unwrap_or_else(|| {
                    Err(ClientError::new(
                        ErrorCode::Network,
                        "the workflow list was not read",
                    ))
                })
                .map_err(|err| inner.config.token.redact_error(err).into_js())?;

            let now = Timestamp::from_unix_millis(now_ms() as i64).ok_or_else(|| {
                ClientError::invalid_input("the system clock is outside the years 0000–9999")
                    .into_js()
            })?;
            let diagnosis = runner_match::diagnose(&index, &listing.workflows, now);
            to_js(&DiagnoseReport::new(
                &diagnosis,
                &listing,
                PoolReport::new(index.len(), &statuses),
            ))
        })
    }
}

// wasm-bindgen cannot give a typed parameter a `?`: the class gets this signature by
// declaration merging.
#[wasm_bindgen(typescript_custom_section)]
const DIAGNOSE_TS: &str = r#"
export interface RunnerClient {
    /**
     * The waiting workflows (`accepted`, `uploaded`, `queued`) of the newest `maxPages`
     * pages of `GET /v1/workflow`, each against the runner pool, with a one-line summary.
     */
    diagnose(options?: DiagnoseOptions): Promise<DiagnoseReport>;
}
"#;

/// `maxPages` from the (optional) options object, validated before any request.
fn max_pages_from_js(options: &JsValue) -> Result<NonZeroU32, ClientError> {
    let options = snapshot(options, "diagnose options")?;
    if options.is_undefined() {
        return Ok(NonZeroU32::new(DEFAULT_WORKFLOW_PAGES).unwrap_or(NonZeroU32::MIN));
    }
    if !is_plain_object(&options) {
        return Err(ClientError::invalid_input(format!(
            "diagnose options must be an object such as {{ maxPages: 3 }}, got {}",
            describe(&options)
        )));
    }
    let fields = Fields::known(
        &options,
        "diagnose options",
        "invalid diagnose options",
        &["maxPages"],
    )?;
    let pages = whole(
        "maxPages",
        fields.number("maxPages")?,
        DEFAULT_WORKFLOW_PAGES,
        1..=MAX_PAGES,
    )?;
    Ok(NonZeroU32::new(pages).unwrap_or(NonZeroU32::MIN))
}

/// The newest pages of the workflow listing, one after another under the budget.
async fn read_workflows(
    inner: &Rc<Inner>,
    max_pages: NonZeroU32,
) -> Result<WorkflowListing, ClientError> {
    let mut pager = WorkflowPager::new(max_pages);
    while let Some(request) = pager.next_request() {
        let page: WorkflowPage = inner.fetch_with_retries("/v1/workflow", request).await?;
        pager.receive(request, page).map_err(|err| {
            ClientError::new(
                ErrorCode::Decode,
                format!("workflow page {} does not fit: {err}", request.page),
            )
        })?;
    }
    pager.finish().map_err(|err| {
        ClientError::new(
            ErrorCode::Decode,
            format!("the workflow list is incomplete: {err}"),
        )
    })
}
