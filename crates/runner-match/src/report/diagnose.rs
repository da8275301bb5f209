//! The waiting workflows against the runner pool (`client.diagnose()`, `diagnose
//! --json`), mapped one to one from [`Diagnosis`].

use super::{ExplanationJson, ExplanationReport, PoolReport, RunnerMatch, SimilarityKind};
use crate::json_write::{JsonWriter, ToJson};
use crate::{Diagnosis, Stuck, WorkflowDiagnosis, WorkflowListing};

/// The waiting workflows, each against the runner pool, and a one-line summary.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
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
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct WaitingWorkflow {
    /// The workflow.
    pub workflow: WorkflowReport,
    /// How many runners can run it now.
    pub match_count: usize,
    /// The best of them, or `null`.
    pub best: Option<RunnerMatch>,
    /// Why the runners can or cannot run it, when none or only untagged runners can;
    /// otherwise `null`.
    pub explanation: Option<ExplanationReport>,
    /// Why no runner can run it, or `null` when one can.
    pub stuck: Option<StuckReport>,
}

/// A workflow, as diagnosed.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
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
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct StuckReport {
    /// What kind of cause.
    pub kind: StuckKind,
    /// The tag no active runner carries (`unknown_tag`).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub tag: Option<String>,
    /// How the fleet tag it probably meant resembles it (`unknown_tag`, when one does).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub near_miss: Option<SimilarityKind>,
    /// The cause in words: `"GPU-A100" (case)`.
    pub message: String,
}

/// The kinds of stuck cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
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

/// The [`DiagnoseReport`] of a diagnosis as JSON ([`ToJson`]), written straight from
/// it: the text of [`DiagnoseReport::new`]'s `to_json()`, but each waiting workflow,
/// and each runner of its explanation, is flattened only while it is written (see
/// [`ExplanationJson`]).
#[derive(Debug)]
pub struct DiagnoseJson<'d, 'a> {
    diagnosis: &'d Diagnosis<'a>,
    report: DiagnoseReport,
}

impl<'d, 'a> DiagnoseJson<'d, 'a> {
    /// The report [`DiagnoseReport::new`] makes of the same arguments, to be written.
    pub fn new(diagnosis: &'d Diagnosis<'a>, listing: &WorkflowListing, pool: PoolReport) -> Self {
        Self {
            diagnosis,
            report: DiagnoseReport::without_workflows(diagnosis, listing, pool),
        }
    }
}

impl ToJson for DiagnoseJson<'_, '_> {
    fn write_json(&self, json: &mut JsonWriter) {
        self.report.write_fields(json, &WaitingJson(self.diagnosis));
    }
}

/// A diagnosis's `workflows`, each flattened only while it is written.
struct WaitingJson<'d, 'a>(&'d Diagnosis<'a>);

impl ToJson for WaitingJson<'_, '_> {
    fn write_json(&self, json: &mut JsonWriter) {
        json.array_of(self.0.workflows.iter().map(WaitingWorkflowJson));
    }
}

/// One waiting workflow, its explanation written straight from the diagnosis.
struct WaitingWorkflowJson<'d, 'a>(&'d WorkflowDiagnosis<'a>);

impl ToJson for WaitingWorkflowJson<'_, '_> {
    fn write_json(&self, json: &mut JsonWriter) {
        let explanation = self.0.explanation.as_ref().map(ExplanationJson);
        WaitingWorkflow::without_explanation(self.0).write_fields(json, &explanation);
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
            ..Self::without_workflows(diagnosis, listing, pool)
        }
    }

    /// The report with an empty `workflows`.
    fn without_workflows(
        diagnosis: &Diagnosis<'_>,
        listing: &WorkflowListing,
        pool: PoolReport,
    ) -> Self {
        Self {
            workflows: Vec::new(),
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
        Self {
            explanation: diagnosis.explanation.as_ref().map(ExplanationReport::new),
            ..Self::without_explanation(diagnosis)
        }
    }

    /// The workflow with a `null` explanation.
    fn without_explanation(diagnosis: &WorkflowDiagnosis<'_>) -> Self {
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
            explanation: None,
            stuck: diagnosis.stuck.as_ref().map(StuckReport::new),
        }
    }
}
