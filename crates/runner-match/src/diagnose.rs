//! "Why is my workflow not running?": the waiting workflows against the runner pool.
//!
//! Kubernetes answers it with scheduling events ("0/36 nodes are available: 33 lacked
//! …"); ComfyControl shows nothing. [`diagnose`] connects the user's waiting workflows
//! to [`explain`](crate::explain): for each, how many runners could take it now, the
//! best of them, and when none or only untagged runners can, the full explanation.
//!
//! # Policies
//! - **Which workflows.** Those whose status [waits on a runner](crate::WorkflowStatus::is_waiting)
//!   (`accepted`, `uploaded`, `queued`), filtered here whatever the server was asked:
//!   its `status` filter is only a hint. Order is kept (the listing's: newest first).
//! - **What a workflow requires.** Its literal tag list, all required, exactly what
//!   ComfyControl enforces ([`Requirements::from_tags`]). Tags that cannot form a
//!   requirement make the workflow [`Stuck::UnreadableTags`]: never a guess.
//! - **Can run now** means at least one runner of the pool matches: `match_count > 0`.
//!   Whether that runner is busy is not something the API tells.
//! - **Explanation** when nothing matches, or only untagged (wildcard) runners do: the
//!   workflow's own tags then decide nothing, which is worth knowing.
//! - **Stuck cause** (no match), the first that applies: the pool has no active runner;
//!   the first of the workflow's tags (in its order) that no active runner carries, with
//!   the near-miss kind from [`Explanation::hints`] (case, whitespace, typo) or none; else
//!   every tag exists but no single runner carries them all.
//! - **Summary**: `3 of 5 waiting workflows can run now (1 only on untagged runners); 2
//!   are stuck: "GPU-A100" (case), "flux-xl" (no runner)`. Stuck causes are listed in
//!   workflow order, identical ones once with a count (`×2`), at most
//!   five, then `and N more`. Deterministic: the same input gives the same text.

use std::fmt;

use crate::explain::{Explanation, Similarity};
use crate::index::RunnerIndex;
use crate::rank::{Fit, Match};
use crate::requirements::{RequirementError, Requirements};
use crate::timestamp::Timestamp;
use crate::workflow::Workflow;

/// The most stuck causes the summary lists.
const SUMMARY_CAUSES: usize = 5;

/// Every waiting workflow, diagnosed; see [`diagnose`].
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis<'a> {
    /// One entry per waiting workflow, in the order given.
    pub workflows: Vec<WorkflowDiagnosis<'a>>,
}

/// One waiting workflow against the pool.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowDiagnosis<'a> {
    /// The workflow.
    pub workflow: &'a Workflow,
    /// How long it has waited: `now − created_at` in ms, 0 if `now` is earlier.
    pub waited_ms: u64,
    /// How many runners of the pool can run it now.
    pub match_count: usize,
    /// The best of them (ranked as [`rank`](crate::rank) ranks), if any.
    pub best: Option<Match<'a>>,
    /// Why the runners can or cannot run it, when none or only untagged runners can.
    pub explanation: Option<Explanation<'a>>,
    /// Why no runner can run it; `None` when one can.
    pub stuck: Option<Stuck>,
}

/// Why no runner of the pool can run a workflow.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Stuck {
    /// The pool has no active runner at all.
    NoActiveRunner,
    /// No active runner carries this tag of the workflow.
    UnknownTag {
        /// The tag, as the workflow carries it.
        tag: String,
        /// How the fleet tag it probably meant resembles it, if any does.
        near_miss: Option<Similarity>,
    },
    /// Each tag is carried by some active runner, but none carries them all.
    NoRunnerHasAll {
        /// The workflow's tags.
        tags: Vec<String>,
    },
    /// The workflow's tags cannot form a requirement (an empty tag, a control
    /// character, …), so they are not matched.
    UnreadableTags(RequirementError),
}

impl fmt::Display for Stuck {
    /// `"GPU-A100" (case)`, `"gpu-a10" (typo)`, `"flux-xl" (no runner)`,
    /// `"gpu-h100" + "video" (no runner has all)`, `no active runner`,
    /// `unreadable tags (…)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoActiveRunner => f.write_str("no active runner"),
            Self::UnknownTag { tag, near_miss } => {
                let kind = match near_miss {
                    Some(Similarity::Case) => "case",
                    Some(Similarity::Whitespace) => "whitespace",
                    Some(Similarity::Typo { .. }) => "typo",
                    None => "no runner",
                };
                write!(f, "{tag:?} ({kind})")
            }
            Self::NoRunnerHasAll { tags } => {
                for (index, tag) in tags.iter().enumerate() {
                    if index > 0 {
                        f.write_str(" + ")?;
                    }
                    write!(f, "{tag:?}")?;
                }
                f.write_str(" (no runner has all)")
            }
            Self::UnreadableTags(error) => write!(f, "unreadable tags ({error})"),
        }
    }
}

/// Diagnoses the waiting workflows among `workflows` against the runners of `index`, at
/// `now` (the caller's clock; the core reads none). See the [module docs](self).
///
/// ```
/// use runner_match::{diagnose, json, RunnerIndex, RunnerPage, Workflow};
/// let page: RunnerPage = json::decode(include_str!("../tests/fixtures/managed-runners-example.json"))?;
/// let index = RunnerIndex::new(page.runners);
/// let workflows: Vec<Workflow> = json::decode(r#"[
///   {"id":"w3","name":"upscale","status":"queued","tags":["GPU-A100"],
///    "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"},
///   {"id":"w2","name":"portrait","status":"uploaded","tags":["gpu-a100","managed"],
///    "created_at":"2024-01-10T07:00:00Z","updated_at":"2024-01-10T07:00:00Z"},
///   {"id":"w1","name":"done","status":"completed","tags":["flux-xl"],
///    "created_at":"2024-01-10T06:00:00Z","updated_at":"2024-01-10T06:00:00Z"}]"#)?;
/// let now = "2024-01-10T08:00:30Z".parse()?;
/// let diagnosis = diagnose(&index, &workflows, now);
///
/// assert_eq!(diagnosis.workflows.len(), 2); // the completed one does not wait
/// let stuck = &diagnosis.workflows[0];
/// assert_eq!((stuck.waited_ms, stuck.match_count), (30_000, 0));
/// assert!(stuck.best.is_none());
/// assert_eq!(stuck.explanation.as_ref().map(|e| e.summary()).as_deref(),
///            Some(r#"0 of 2 runners match; 2 lack "GPU-A100""#));
/// assert_eq!(diagnosis.workflows[1].best.map(|m| m.runner.name.as_str()), Some("Managed Pro Runner 1"));
/// assert_eq!(diagnosis.summary(), r#"1 of 2 waiting workflows can run now; 1 is stuck: "GPU-A100" (case)"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diagnose<'a>(
    index: &'a RunnerIndex,
    workflows: &'a [Workflow],
    now: Timestamp,
) -> Diagnosis<'a> {
    let any_active = index.count_matches(&Requirements::any()) > 0;
    let workflows = workflows
        .iter()
        .filter(|workflow| workflow.status.is_waiting())
        .map(|workflow| diagnose_one(index, workflow, &now, any_active))
        .collect();
    Diagnosis { workflows }
}

fn diagnose_one<'a>(
    index: &'a RunnerIndex,
    workflow: &'a Workflow,
    now: &Timestamp,
    any_active: bool,
) -> WorkflowDiagnosis<'a> {
    let waited_ms = workflow.waited_ms(now);
    let requirements = match Requirements::from_tags(&workflow.tags) {
        Ok(requirements) => requirements,
        Err(error) => {
            return WorkflowDiagnosis {
                workflow,
                waited_ms,
                match_count: 0,
                best: None,
                explanation: None,
                stuck: Some(Stuck::UnreadableTags(error)),
            }
        }
    };
    let ranked = index.rank(&requirements);
    let best = ranked.first().copied();
    let wildcard_only = best.is_none_or(|m| m.fit == Fit::WildcardRunner);
    let explanation = wildcard_only.then(|| index.explain(&requirements));
    let stuck = match &explanation {
        Some(_) if !any_active => Some(Stuck::NoActiveRunner),
        Some(explanation) if ranked.is_empty() => {
            Some(stuck_cause(index, &requirements, explanation))
        }
        _ => None,
    };
    WorkflowDiagnosis {
        workflow,
        waited_ms,
        match_count: ranked.len(),
        best,
        explanation,
        stuck,
    }
}

/// Why nothing matches, given that some runner is active (so none is untagged: an
/// active untagged runner takes every workflow).
fn stuck_cause(
    index: &RunnerIndex,
    requirements: &Requirements,
    explanation: &Explanation<'_>,
) -> Stuck {
    let unknown = requirements.tags().iter().find(|tag| {
        Requirements::from_tags([tag.as_str()]).is_ok_and(|alone| index.count_matches(&alone) == 0)
    });
    match unknown {
        Some(tag) => Stuck::UnknownTag {
            tag: tag.clone(),
            near_miss: explanation
                .hints()
                .into_iter()
                .find(|hint| hint.tag == *tag)
                .and_then(|hint| hint.suggestions.first().map(|s| s.similarity)),
        },
        None => Stuck::NoRunnerHasAll {
            tags: requirements.tags().to_vec(),
        },
    }
}

impl Diagnosis<'_> {
    /// How many waiting workflows some runner can run now.
    pub fn runnable(&self) -> usize {
        self.workflows.iter().filter(|w| w.match_count > 0).count()
    }

    /// How many waiting workflows no runner can run.
    pub fn stuck(&self) -> usize {
        self.workflows.len() - self.runnable()
    }

    /// How many can run, but only on untagged (wildcard) runners.
    pub fn wildcard_only(&self) -> usize {
        self.workflows
            .iter()
            .filter(|w| w.best.is_some_and(|m| m.fit == Fit::WildcardRunner))
            .count()
    }

    /// The one-line summary; see the [module docs](self) for its form.
    ///
    /// ```
    /// # use runner_match::{diagnose, RunnerIndex};
    /// assert_eq!(diagnose(&RunnerIndex::default(), &[], "2024-01-01T00:00:00Z".parse()?).summary(),
    ///            "no workflow is waiting");
    /// # Ok::<(), runner_match::TimestampError>(())
    /// ```
    pub fn summary(&self) -> String {
        let waiting = self.workflows.len();
        if waiting == 0 {
            return "no workflow is waiting".to_owned();
        }
        let noun = if waiting == 1 {
            "workflow"
        } else {
            "workflows"
        };
        let mut line = format!(
            "{} of {waiting} waiting {noun} can run now",
            self.runnable()
        );
        let wildcard_only = self.wildcard_only();
        if wildcard_only > 0 {
            line.push_str(&format!(" ({wildcard_only} only on untagged runners)"));
        }
        let stuck = self.stuck();
        if stuck == 0 {
            return line;
        }
        line.push_str(&format!(
            "; {stuck} {} stuck: ",
            if stuck == 1 { "is" } else { "are" }
        ));

        // Distinct causes in workflow order, each with how many workflows it stops.
        let mut causes: Vec<(String, usize)> = Vec::new();
        for cause in self.workflows.iter().filter_map(|w| w.stuck.as_ref()) {
            let text = cause.to_string();
            match causes.iter_mut().find(|(seen, _)| *seen == text) {
                Some((_, count)) => *count += 1,
                None => causes.push((text, 1)),
            }
        }
        for (index, (text, count)) in causes.iter().take(SUMMARY_CAUSES).enumerate() {
            if index > 0 {
                line.push_str(", ");
            }
            line.push_str(text);
            if *count > 1 {
                line.push_str(&format!(" ×{count}"));
            }
        }
        if causes.len() > SUMMARY_CAUSES {
            line.push_str(&format!(", and {} more", causes.len() - SUMMARY_CAUSES));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Runner;

    fn runner(id: &str, status: &str, tags: &[&str]) -> Runner {
        let json = serde_json::json!({"id": id, "name": id, "runner_type": "pro",
            "status": status, "tags": tags, "created_at": "2024-01-10T08:00:00Z",
            "updated_at": "2024-01-10T08:00:00Z"});
        crate::json::decode(&json.to_string()).unwrap()
    }

    fn workflow(id: &str, status: &str, tags: &[&str], created_at: &str) -> Workflow {
        let json = serde_json::json!({"id": id, "name": id, "status": status,
            "tags": tags, "created_at": created_at, "updated_at": created_at});
        crate::json::decode(&json.to_string()).unwrap()
    }

    fn now() -> Timestamp {
        "2024-01-10T09:00:00Z".parse().unwrap()
    }

    #[test]
    fn every_stuck_cause_and_the_summary() {
        let index = RunnerIndex::new(vec![
            runner("a", "active", &["gpu-a100", "flux"]),
            runner("b", "active", &["gpu-h100", "video"]),
            runner("c", "disabled", &["gpu-a100", "video"]),
        ]);
        let workflows = vec![
            workflow("w1", "queued", &["GPU-A100"], "2024-01-10T08:59:00Z"),
            workflow("w2", "accepted", &["flux-xl"], "2024-01-10T08:58:00Z"),
            workflow("w3", "uploaded", &["gpu-a10"], "2024-01-10T08:57:00Z"),
            workflow(
                "w4",
                "queued",
                &["gpu-a100", "video"],
                "2024-01-10T08:56:00Z",
            ),
            workflow("w5", "queued", &["flux"], "2024-01-10T08:55:00Z"),
            workflow("w6", "running", &["nothing"], "2024-01-10T08:54:00Z"),
            workflow("w7", "queued", &["GPU-A100"], "2024-01-10T09:30:00Z"),
            workflow("w8", "queued", &[], "2024-01-10T08:00:00Z"),
            workflow("w9", "queued", &["a", ""], "2024-01-10T08:00:00Z"),
        ];
        let diagnosis = diagnose(&index, &workflows, now());
        let ids: Vec<&str> = diagnosis
            .workflows
            .iter()
            .map(|w| w.workflow.id.as_str())
            .collect();
        assert_eq!(ids, ["w1", "w2", "w3", "w4", "w5", "w7", "w8", "w9"]);
        let causes: Vec<Option<String>> = diagnosis
            .workflows
            .iter()
            .map(|w| w.stuck.as_ref().map(ToString::to_string))
            .collect();
        assert_eq!(
            causes,
            [
                Some(r#""GPU-A100" (case)"#.into()),
                Some(r#""flux-xl" (no runner)"#.into()),
                Some(r#""gpu-a10" (typo)"#.into()),
                Some(r#""gpu-a100" + "video" (no runner has all)"#.into()),
                None,
                Some(r#""GPU-A100" (case)"#.into()),
                None,
                Some(r#"unreadable tags (empty tag at position 2 in ["a", ""])"#.into()),
            ]
        );
        let w5 = &diagnosis.workflows[4];
        assert_eq!((w5.match_count, w5.waited_ms), (1, 300_000));
        assert!(w5.explanation.is_none());
        assert_eq!(w5.best.map(|m| m.runner.id.as_str()), Some("a"));
        // Created after `now` (clock skew): no negative wait.
        assert_eq!(diagnosis.workflows[5].waited_ms, 0);
        // The untagged workflow runs anywhere.
        assert_eq!(diagnosis.workflows[6].match_count, 2);
        assert!(diagnosis.workflows[7].explanation.is_none());
        assert_eq!((diagnosis.runnable(), diagnosis.stuck()), (2, 6));
        assert_eq!(
            diagnosis.summary(),
            r#"2 of 8 waiting workflows can run now; 6 are stuck: "GPU-A100" (case) ×2, "flux-xl" (no runner), "gpu-a10" (typo), "gpu-a100" + "video" (no runner has all), unreadable tags (empty tag at position 2 in ["a", ""])"#
        );
    }

    #[test]
    fn wildcard_runners_and_an_empty_pool() {
        let index = RunnerIndex::new(vec![
            runner("any", "active", &[]),
            runner("a", "active", &["flux"]),
        ]);
        let workflows = vec![
            workflow("w1", "queued", &["sdxl"], "2024-01-10T08:00:00Z"),
            workflow("w2", "queued", &["flux"], "2024-01-10T08:00:00Z"),
        ];
        let diagnosis = diagnose(&index, &workflows, now());
        let only_wildcard = &diagnosis.workflows[0];
        assert_eq!(only_wildcard.match_count, 1);
        assert_eq!(only_wildcard.best.map(|m| m.fit), Some(Fit::WildcardRunner));
        assert!(only_wildcard.explanation.is_some() && only_wildcard.stuck.is_none());
        assert!(diagnosis.workflows[1].explanation.is_none());
        assert_eq!(
            diagnosis.summary(),
            "2 of 2 waiting workflows can run now (1 only on untagged runners)"
        );

        let disabled = RunnerIndex::new(vec![runner("off", "disabled", &["sdxl"])]);
        let diagnosis = diagnose(&disabled, &workflows[..1], now());
        assert_eq!(diagnosis.workflows[0].stuck, Some(Stuck::NoActiveRunner));
        assert_eq!(
            diagnosis.summary(),
            "0 of 1 waiting workflow can run now; 1 is stuck: no active runner"
        );
    }

    #[test]
    fn the_summary_lists_at_most_five_causes() {
        let index = RunnerIndex::new(vec![runner("a", "active", &["x"])]);
        let tags = ["t1", "t2", "t3", "t4", "t5", "t6", "t7"];
        let workflows: Vec<Workflow> = tags
            .iter()
            .map(|tag| workflow(tag, "queued", &[tag], "2024-01-10T08:00:00Z"))
            .collect();
        assert_eq!(
            diagnose(&index, &workflows, now()).summary(),
            r#"0 of 7 waiting workflows can run now; 7 are stuck: "t1" (no runner), "t2" (no runner), "t3" (no runner), "t4" (no runner), "t5" (no runner), and 2 more"#
        );
    }
}
