//! Why each runner matches or not (`explainRunners`, `client.explain`, `explain
//! --json`), mapped one to one from [`Explanation`].

use super::{FitKind, SourceKind, WorkflowTagsReport};
use crate::json_write::{JsonWriter, ToJson};
use crate::{
    Change, Explanation, Fit, Hint, PreferenceKind, Reason, ScoreBreakdown, Similarity, Verdict,
};

/// How many closest runners a report lists.
const CLOSEST: usize = 5;

/// Why a workflow matches the runners it matches, and what to change when it matches
/// too few.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct ExplanationReport {
    /// One line a person reads at a glance, e.g.
    /// `3 of 237 runners match; 180 lack "gpu-a100", 51 lack "flux", 3 are disabled`.
    pub summary: String,
    /// How many runners match.
    pub match_count: usize,
    /// How many runners were considered.
    pub total: usize,
    /// Every runner's verdict, in listing order (newest first).
    pub runners: Vec<RunnerVerdict>,
    /// Active runners that miss the fewest requirements, closest first.
    pub closest: Vec<RunnerVerdict>,
    /// The single change that would match the most runners, if any helps.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub best_change: Option<ChangeReport>,
    /// Near misses: required tags that match no runner but look like fleet tags.
    pub hints: Vec<HintReport>,
    /// What to submit as the workflow's `tags`, and what of the requirement ComfyControl
    /// will not enforce (see `workflowTags`): when `enforced` is false, ComfyControl may
    /// run the workflow on runners this report rejects.
    pub workflow_tags: WorkflowTagsReport,
    /// The whole report as terminal text (summary, hints, best change, closest, and
    /// what ComfyControl will not enforce).
    pub text: String,
}

/// One runner's verdict.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct RunnerVerdict {
    /// The runner's id.
    pub id: String,
    /// The runner's name.
    pub name: String,
    /// Which listing the runner came from.
    pub source: SourceKind,
    /// Whether it can run the workflow.
    pub matched: bool,
    /// Its score (matches only).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub score: Option<f64>,
    /// Why it matches (matches only).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub fit: Option<FitKind>,
    /// The score term by term (matches only).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub breakdown: Option<BreakdownReport>,
    /// Every reason it cannot (rejections only; empty for matches).
    pub reasons: Vec<ReasonReport>,
}

/// A score, term by term.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct BreakdownReport {
    /// How well the tags fit, in [0.5, 1] (0.5: an untagged runner).
    pub fit_score: f64,
    /// The satisfied share of the preference weight, when there are preferences.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub preference_score: Option<f64>,
    /// Each preference and whether the runner satisfies it.
    pub terms: Vec<TermReport>,
    /// The final score.
    pub score: f64,
}

/// One preference's part in a score.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TermReport {
    /// The term (`gpu-h100`, `type:pro`).
    pub term: String,
    /// `prefer` or `avoid`.
    pub kind: TermKind,
    /// Its weight.
    pub weight: f64,
    /// Whether the runner satisfies it.
    pub satisfied: bool,
}

/// Prefer or avoid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TermKind {
    /// Runners with the term score higher.
    Prefer,
    /// Runners without the term score higher.
    Avoid,
}

/// One reason a runner cannot run the workflow.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ReasonReport {
    /// What kind of reason.
    pub kind: ReasonKind,
    /// The tag, pattern, type or clause concerned, when there is one.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub subject: Option<String>,
    /// The reason as a sentence fragment (`lacks "gpu-a100"`).
    pub message: String,
}

/// The kinds of rejection reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ReasonKind {
    /// The runner is disabled.
    Disabled,
    /// The runner's status is not one ComfyControl schedules.
    UnknownStatus,
    /// A required tag is missing.
    Missing,
    /// A tag the workflow excludes (`!x`) is present.
    Excluded,
    /// No runner tag matches a required glob.
    NoTagMatches,
    /// The runner type differs from a `type:` constraint.
    TypeMismatch,
    /// A more complex clause (an OR, say) fails.
    ClauseFailed,
}

/// A suggested change to the requirement.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ChangeReport {
    /// `drop_tag` or `drop_clause`.
    pub kind: ChangeKind,
    /// The tag or clause to drop.
    pub subject: String,
    /// How many runners would then match.
    pub runners: usize,
    /// The change in words: `drop "eu-west": 12 runners would match`.
    pub message: String,
}

/// The kinds of suggested change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ChangeKind {
    /// Drop one required tag.
    DropTag,
    /// Drop one top-level clause of an expression.
    DropClause,
}

/// A near miss: a required tag no runner has, and fleet tags it probably meant.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct HintReport {
    /// The tag as written.
    pub tag: String,
    /// Likely intended fleet tags, best first.
    pub suggestions: Vec<SuggestionReport>,
    /// The hint in words.
    pub message: String,
}

/// A fleet tag a hint suggests.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SuggestionReport {
    /// The tag exactly as runners carry it.
    pub tag: String,
    /// How many active runners carry it.
    pub runners: usize,
    /// `case`, `whitespace` or `typo`.
    pub similarity: SimilarityKind,
}

/// How a suggested tag resembles the written one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum SimilarityKind {
    /// Equal ignoring case.
    Case,
    /// Equal ignoring whitespace.
    Whitespace,
    /// A small edit distance.
    Typo,
}

/// The [`ExplanationReport`] of an explanation as JSON ([`ToJson`]), written straight
/// from the explanation: the text of `ExplanationReport::new(explanation).to_json()`,
/// but each runner's verdict is flattened only while it is written, so the report of a
/// large fleet is never in memory whole (nor, written by
/// [`JsonWriter::in_pieces`](crate::json_write::JsonWriter::in_pieces), its text).
///
/// ```
/// use runner_match::json_write::ToJson;
/// use runner_match::report::{ExplanationJson, ExplanationReport};
/// use runner_match::{explain, json, Requirements, Runner};
/// let runners: Vec<Runner> = json::decode(r#"[{"id":"a","name":"A","status":"active",
///   "tags":["flux"],"created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}]"#)?;
/// let why = explain(&runners, &"flux, sdxl".parse::<Requirements>()?);
/// assert_eq!(ExplanationJson(&why).to_json(), ExplanationReport::new(&why).to_json());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ExplanationJson<'e, 'a>(pub &'e Explanation<'a>);

impl ToJson for ExplanationJson<'_, '_> {
    fn write_json(&self, json: &mut JsonWriter) {
        ExplanationReport::without_runners(self.0).write_fields(json, &VerdictsJson(self.0));
    }
}

/// An explanation's `runners`, each flattened only while it is written.
struct VerdictsJson<'e, 'a>(&'e Explanation<'a>);

impl ToJson for VerdictsJson<'_, '_> {
    fn write_json(&self, json: &mut JsonWriter) {
        json.array_of(self.0.verdicts().iter().map(RunnerVerdict::new));
    }
}

impl ExplanationReport {
    /// Flattens a core explanation.
    pub fn new(explanation: &Explanation<'_>) -> Self {
        Self {
            runners: explanation
                .verdicts()
                .iter()
                .map(RunnerVerdict::new)
                .collect(),
            ..Self::without_runners(explanation)
        }
    }

    /// The report with an empty `runners`.
    fn without_runners(explanation: &Explanation<'_>) -> Self {
        let closest = explanation
            .closest(CLOSEST)
            .into_iter()
            .map(|(runner, reasons)| RunnerVerdict {
                id: runner.id.clone(),
                name: runner.name.clone(),
                source: SourceKind::from(&runner.source),
                matched: false,
                score: None,
                fit: None,
                breakdown: None,
                reasons: reasons.iter().map(ReasonReport::new).collect(),
            })
            .collect();
        Self {
            summary: explanation.summary(),
            match_count: explanation.match_count(),
            total: explanation.verdicts().len(),
            runners: Vec::new(),
            closest,
            best_change: explanation.best_change().map(|suggestion| {
                let (kind, subject) = match &suggestion.change {
                    Change::DropTag(tag) => (ChangeKind::DropTag, tag.clone()),
                    Change::DropClause(clause) => (ChangeKind::DropClause, clause.clone()),
                };
                ChangeReport {
                    kind,
                    subject,
                    runners: suggestion.runners,
                    message: suggestion.to_string(),
                }
            }),
            hints: explanation.hints().iter().map(HintReport::new).collect(),
            workflow_tags: explanation.workflow_tags().into(),
            text: explanation.to_string(),
        }
    }
}

impl RunnerVerdict {
    fn new(verdict: &Verdict<'_>) -> Self {
        let runner = verdict.runner();
        let mut report = Self {
            id: runner.id.clone(),
            name: runner.name.clone(),
            source: SourceKind::from(&runner.source),
            matched: verdict.is_match(),
            score: None,
            fit: None,
            breakdown: None,
            reasons: verdict.reasons().iter().map(ReasonReport::new).collect(),
        };
        if let Verdict::Matched {
            score,
            fit,
            breakdown,
            ..
        } = verdict
        {
            report.score = Some(*score);
            report.fit = Some(FitKind::from(*fit));
            report.breakdown = Some(BreakdownReport::new(breakdown));
        }
        report
    }
}

impl BreakdownReport {
    fn new(breakdown: &ScoreBreakdown) -> Self {
        Self {
            fit_score: breakdown.fit_score,
            preference_score: breakdown.preference_score,
            terms: breakdown
                .terms
                .iter()
                .map(|term| TermReport {
                    term: term.term.clone(),
                    kind: match term.kind {
                        PreferenceKind::Prefer => TermKind::Prefer,
                        PreferenceKind::Avoid => TermKind::Avoid,
                    },
                    weight: term.weight,
                    satisfied: term.satisfied,
                })
                .collect(),
            score: breakdown.score,
        }
    }
}

impl ReasonReport {
    fn new(reason: &Reason) -> Self {
        let (kind, subject) = match reason {
            Reason::Disabled => (ReasonKind::Disabled, None),
            Reason::UnknownStatus(status) => (ReasonKind::UnknownStatus, Some(status.clone())),
            Reason::Missing(tag) => (ReasonKind::Missing, Some(tag.clone())),
            Reason::Excluded(tag) => (ReasonKind::Excluded, Some(tag.clone())),
            Reason::NoTagMatches(pattern) => (ReasonKind::NoTagMatches, Some(pattern.clone())),
            Reason::TypeMismatch { wanted, .. } => (ReasonKind::TypeMismatch, Some(wanted.clone())),
            Reason::ClauseFailed(clause) => (ReasonKind::ClauseFailed, Some(clause.clone())),
        };
        Self {
            kind,
            subject,
            message: reason.to_string(),
        }
    }
}

impl HintReport {
    fn new(hint: &Hint) -> Self {
        Self {
            tag: hint.tag.clone(),
            suggestions: hint
                .suggestions
                .iter()
                .map(|s| SuggestionReport {
                    tag: s.tag.clone(),
                    runners: s.runners,
                    similarity: SimilarityKind::from(s.similarity),
                })
                .collect(),
            message: hint.to_string(),
        }
    }
}

impl From<Similarity> for SimilarityKind {
    fn from(similarity: Similarity) -> Self {
        match similarity {
            Similarity::Case => SimilarityKind::Case,
            Similarity::Whitespace => SimilarityKind::Whitespace,
            Similarity::Typo { .. } => SimilarityKind::Typo,
        }
    }
}

impl From<Fit> for FitKind {
    fn from(fit: Fit) -> Self {
        match fit {
            Fit::Exact => FitKind::Exact,
            Fit::Superset { .. } => FitKind::Superset,
            Fit::WildcardRunner => FitKind::Wildcard,
        }
    }
}
