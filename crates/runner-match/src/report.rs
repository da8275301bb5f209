//! The result shapes of the JS package (`runner-match` on npm) and of the CLI's
//! `--json`, defined once: plain structs mapped from the core's types, written as
//! JSON by [`ToJson`](crate::json_write::ToJson) (and `Serialize`, with the `serde`
//! feature, for Rust callers). (The package's TypeScript declarations of them are in
//! its `js/reports.d.ts`.)
//!
//! JS sees camelCase (`runnerType`, `createdAt`); the API's wire objects
//! ([`ApiRunner`]) stay snake_case, exactly as ComfyControl sends them, so a runner
//! list from `listRunners()` or from your own `fetch` goes straight into
//! `matchRunners`.

use crate::source::endpoint_without_credentials;
use crate::{Fit, Match, Runner, RunnerSource, WorkflowTags};

mod diagnose;
mod explain;
mod pool;
mod write;

pub use diagnose::{
    DiagnoseJson, DiagnoseReport, StuckKind, StuckReport, WaitingWorkflow, WorkflowReport,
};
pub use explain::{
    BreakdownReport, ChangeKind, ChangeReport, ExplanationJson, ExplanationReport, HintReport,
    ReasonKind, ReasonReport, RunnerVerdict, SimilarityKind, SuggestionReport, TermKind,
    TermReport,
};
pub use pool::{PoolReport, SourceReport, SourceStatusKind};

/// A runner that can run the workflow, best fit first. Flat and `console.table`-friendly.
///
/// This struct is the contract (the CLI's `--json` serializes it), but for speed the JS
/// package builds these objects in JS (its `js/results.js`, from the core's ranking as
/// typed arrays) instead of serializing one per match. A field added here must be added
/// there and to its `js/types.d.ts` too: `tests/types.test.mjs` pins `keyof
/// RunnerMatch` to the same key list that `tests/client.test.mjs` checks, in order, on
/// every object JS builds, `tests/cli-shapes.test.mjs` compares the CLI's JSON with the
/// package's results, and the JS tests compare whole result objects with an independent
/// reference (`tests/support/reference.mjs`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct RunnerMatch {
    /// The runner's UUID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `plus` / `pro` for managed runners; absent for self-hosted ones.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub runner_type: Option<String>,
    /// `active` (only active runners match).
    pub status: String,
    /// All of the runner's tags.
    pub tags: Vec<String>,
    /// ISO 8601 creation time, as the API sent it.
    pub created_at: String,
    /// ISO 8601 last-update time, as the API sent it.
    pub updated_at: String,
    /// Fit in [0, 1]: 1 for an exact tag match, lower when over-qualified, 0.5 for an
    /// untagged runner taking a tagged workflow.
    pub score: f64,
    /// Why it matches.
    pub fit: FitKind,
    /// The runner's tags the workflow asked for.
    pub matched_tags: Vec<String>,
    /// The runner's tags the workflow did not ask for (what makes it over-qualified).
    pub extra_tags: Vec<String>,
    /// Which listing the runner came from.
    pub source: SourceKind,
}

/// Why a runner matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum FitKind {
    /// The runner's tags are exactly the required ones.
    Exact,
    /// The runner has every required tag, and more.
    Superset,
    /// The runner is untagged and takes any workflow.
    Wildcard,
}

/// Which listing a runner came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum SourceKind {
    /// `GET /v1/managed-runner`.
    Managed,
    /// `GET /v1/runner`.
    SelfHosted,
}

impl RunnerMatch {
    /// Flattens a core match; `required` are the requirement's literal tags.
    pub fn new(found: &Match<'_>, required: &[String]) -> Self {
        let runner = found.runner;
        let mut matched_tags = Vec::new();
        let mut extra_tags = Vec::new();
        for tag in &runner.tags {
            let bucket = if required.contains(tag) {
                &mut matched_tags
            } else {
                &mut extra_tags
            };
            if !bucket.contains(tag) {
                bucket.push(tag.clone());
            }
        }
        Self {
            id: runner.id.clone(),
            name: runner.name.clone(),
            runner_type: runner.runner_type.as_ref().map(|t| t.as_str().to_owned()),
            status: runner.status.as_str().to_owned(),
            tags: runner.tags.clone(),
            created_at: runner.created_at.as_str().to_owned(),
            updated_at: runner.updated_at.as_str().to_owned(),
            score: found.score,
            fit: match found.fit {
                Fit::Exact => FitKind::Exact,
                Fit::Superset { .. } => FitKind::Superset,
                Fit::WildcardRunner => FitKind::Wildcard,
            },
            matched_tags,
            extra_tags,
            source: SourceKind::from(&runner.source),
        }
    }
}

impl From<crate::Source> for SourceKind {
    fn from(source: crate::Source) -> Self {
        match source {
            crate::Source::Managed => SourceKind::Managed,
            crate::Source::SelfHosted => SourceKind::SelfHosted,
        }
    }
}

impl From<&RunnerSource> for SourceKind {
    fn from(source: &RunnerSource) -> Self {
        match source {
            RunnerSource::Managed => SourceKind::Managed,
            RunnerSource::SelfHosted { .. } => SourceKind::SelfHosted,
        }
    }
}

/// A runner in ComfyControl's wire format (snake_case): as `GET /v1/managed-runner`
/// lists it, or as `GET /v1/runner` does for a self-hosted runner, without its `headers`
/// and with its `endpoint`'s credentials removed. `listRunners()` returns these and
/// `matchRunners` accepts them (a self-hosted one stays self-hosted).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ApiRunner {
    /// The runner's UUID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `plus` | `pro` (other values are tolerated).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub runner_type: Option<String>,
    /// `active` | `disabled` (other values are tolerated and never match).
    pub status: String,
    /// Tags used for matching; compared exactly (case-sensitive).
    pub tags: Vec<String>,
    /// ISO 8601 UTC.
    pub created_at: String,
    /// ISO 8601 UTC.
    pub updated_at: String,
    /// Self-hosted runners only: the owner's user id.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub user_id: Option<String>,
    /// Self-hosted runners only: the ComfyUI endpoint without credentials (user info,
    /// query and fragment removed). The runner's `headers` are never returned.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub endpoint: Option<String>,
}

impl From<&Runner> for ApiRunner {
    fn from(runner: &Runner) -> Self {
        let (user_id, endpoint) = match &runner.source {
            RunnerSource::Managed => (None, None),
            RunnerSource::SelfHosted {
                user_id, endpoint, ..
            } => (
                Some(user_id.clone()),
                Some(endpoint_without_credentials(endpoint)),
            ),
        };
        Self {
            id: runner.id.clone(),
            name: runner.name.clone(),
            runner_type: runner.runner_type.as_ref().map(|t| t.as_str().to_owned()),
            status: runner.status.as_str().to_owned(),
            tags: runner.tags.clone(),
            created_at: runner.created_at.as_str().to_owned(),
            updated_at: runner.updated_at.as_str().to_owned(),
            user_id,
            endpoint,
        }
    }
}

/// Runners as [`ApiRunner`]s in JSON ([`ToJson`](crate::json_write::ToJson)): the text
/// of the `Vec<ApiRunner>` mapped from them, each made only while it is written.
#[derive(Debug, Clone, Copy)]
pub struct ApiRunnersJson<'a>(pub &'a [Runner]);

/// The tags `matchedTags` may hold: a plain list's required tags; for an expression,
/// the matched runners' tags it asks for (`gpu-*` wants `gpu-a100`, `!x` wants nothing).
/// Pass it to [`RunnerMatch::new`] to build exactly the objects JS gets.
pub fn wanted_tags(requirements: &crate::Requirements, matches: &[Match<'_>]) -> Vec<String> {
    if requirements.expression().is_none() {
        return requirements.tags().to_vec();
    }
    let mut wanted = crate::interner::Interner::new();
    for found in matches {
        for tag in &found.runner.tags {
            if !wanted.contains(tag) && requirements.wants(tag) {
                wanted.insert(tag);
            }
        }
    }
    let mut wanted: Vec<String> = wanted.strings().iter().map(|&tag| tag.to_owned()).collect();
    crate::order::sort_by(&mut wanted, String::cmp);
    wanted
}

/// What ComfyControl receives of a requirement and whether it enforces all of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct WorkflowTagsReport {
    /// The comma string to submit as the workflow's `tags` (`'gpu-a100,flux'`; `''`
    /// for a wildcard workflow): the requirement's literal conjunction.
    pub text: String,
    /// The same tags as an array.
    pub tags: Vec<String>,
    /// `true` when ComfyControl enforces the whole requirement; otherwise it may run
    /// the workflow on runners this package rejects.
    pub enforced: bool,
    /// Each part ComfyControl will not enforce, in words (`'flux | sdxl (an OR)'`,
    /// `'!development (a NOT)'`, `'gpu-* (a glob)'`, `'type:pro (a runner type)'`,
    /// `'prefer gpu-h100 ×3 (a preference)'`).
    pub not_enforced: Vec<String>,
}

impl From<WorkflowTags> for WorkflowTagsReport {
    fn from(tags: WorkflowTags) -> Self {
        Self {
            text: tags.text,
            tags: tags.tags,
            enforced: tags.enforced,
            not_enforced: tags.not_enforced,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_write::ToJson;

    const EXAMPLE: &str = include_str!("../tests/fixtures/managed-runners-example.json");

    // Compares with the `Serialize` impl of the core's `Runner`.
    #[cfg(feature = "serde")]
    #[test]
    fn api_runner_writes_exactly_the_core_wire_format() {
        let page: crate::RunnerPage = serde_json::from_str(EXAMPLE).unwrap();
        for runner in &page.runners {
            assert_eq!(
                ApiRunner::from(runner).to_json(),
                serde_json::to_string(runner).unwrap()
            );
        }
    }

    #[test]
    fn matches_flatten_with_matched_and_extra_tags() {
        let page: crate::RunnerPage = crate::json::decode(EXAMPLE).unwrap();
        let req: crate::Requirements = "gpu-a100, managed".parse().unwrap();
        let ranked = crate::rank(&page.runners, &req);
        let m = RunnerMatch::new(&ranked[0], req.tags());
        assert_eq!(m.matched_tags, ["managed", "gpu-a100"]);
        assert_eq!(m.extra_tags, ["high-performance"]);
        assert_eq!((m.fit, m.source), (FitKind::Superset, SourceKind::Managed));
        let json: serde_json::Value = serde_json::from_str(&m.to_json()).unwrap();
        assert_eq!(json["runnerType"], "pro");
        assert_eq!(json["createdAt"], "2024-01-10T08:00:00Z");
        assert_eq!(json["source"], "managed");
    }

    #[test]
    fn self_hosted_runners_list_without_headers_or_credentials() {
        let runner: Runner = crate::json::decode(
            r#"{"id":"s1","user_id":"u1","name":"home","status":"active",
            "endpoint":"https://me:pw@comfy.example:8188/x?token=t0k","tags":["flux"],
            "headers":{"Authorization":"Bearer sk-live-1"},
            "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}"#,
        )
        .unwrap();
        let json = ApiRunner::from(&runner).to_json();
        assert_eq!(
            json,
            r#"{"id":"s1","name":"home","status":"active","tags":["flux"],"created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z","user_id":"u1","endpoint":"https://comfy.example:8188/x"}"#
        );
    }
}
