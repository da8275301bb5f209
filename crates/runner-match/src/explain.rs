//! Why each runner can or cannot run a workflow — the answer to "why is my job stuck?".
//!
//! [`explain`] gives one [`Verdict`] per runner: matched, with the score's breakdown, or
//! rejected, with *every* reason (status, each missing or excluded tag, each failed
//! clause). On top of the verdicts an [`Explanation`] offers a one-glance
//! [`summary`](Explanation::summary), the [`closest`](Explanation::closest) rejected
//! runners, the single [`best_change`](Explanation::best_change) that would match the
//! most runners, and [`hints`](Explanation::hints) for tags that match nothing only
//! because of case, whitespace or a typo (ComfyControl compares tags exactly, so
//! `GPU-A100` silently matches no `gpu-a100` runner).

use std::fmt;
use std::sync::OnceLock;

use crate::enforce::{workflow_tags, WorkflowTags};
use crate::expr::Unmet;
use crate::model::{Runner, RunnerStatus};
use crate::rank::{compare_runners, compare_scored, fit, Fit};
use crate::requirements::Requirements;
use crate::score::ScoreBreakdown;

mod hints;
mod suggest;
mod summary;

pub use hints::{Hint, Similarity, TagSuggestion};
pub use suggest::{Change, Suggestion};

pub(crate) use suggest::droppable;
pub(crate) use summary::{group_key, Count};

/// How many runners [`Explanation`]'s `Display` lists as closest.
const SHOWN_CLOSEST: usize = 3;

/// Explains, runner by runner, whether and why each of `runners` can run a workflow
/// with `requirements`. Verdicts come in the order of `runners`, and agree exactly with
/// [`rank`](crate::rank): a runner is matched iff `rank` returns it, with the same score.
///
/// ```
/// use runner_match::{explain, json, Reason, Requirements, Runner};
/// let runners: Vec<Runner> = json::decode(r#"[
///   {"id":"a","name":"A100 flux","runner_type":"pro","status":"active","tags":["gpu-a100","flux"],
///    "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"},
///   {"id":"b","name":"A100 sdxl","runner_type":"pro","status":"active","tags":["gpu-a100","sdxl"],
///    "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"},
///   {"id":"c","name":"A100 off","runner_type":"pro","status":"disabled","tags":["gpu-a100","flux"],
///    "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}]"#)?;
/// let why = explain(&runners, &"GPU-A100, flux".parse::<Requirements>()?);
/// assert_eq!(why.match_count(), 0);
/// assert_eq!(why.verdicts()[1].reasons(), [Reason::Missing("GPU-A100".into()), Reason::Missing("flux".into())]);
/// assert_eq!(
///     why.summary(),
///     r#"0 of 3 runners match; 2 lack "GPU-A100", 1 is disabled, 1 lacks "flux""#
/// );
/// assert_eq!(
///     why.hints()[0].to_string(),
///     r#""GPU-A100" matches no runner; did you mean "gpu-a100" (2 runners)? Tags are case-sensitive."#
/// );
/// assert_eq!(why.best_change().map(|s| s.to_string()).as_deref(), Some(r#"drop "GPU-A100": 1 runner would match"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn explain<'a>(runners: &'a [Runner], requirements: &Requirements) -> Explanation<'a> {
    let explanation = Explanation::counted(runners, requirements, None);
    explanation.verdicts();
    explanation
}

fn verdict<'a>(runner: &'a Runner, requirements: &Requirements) -> Verdict<'a> {
    if let Some(found) = fit(runner, requirements) {
        return Verdict::Matched {
            runner,
            score: found.score,
            fit: found.fit,
            breakdown: found.breakdown(requirements),
        };
    }
    let mut reasons = Vec::new();
    match &runner.status {
        RunnerStatus::Active => {}
        RunnerStatus::Disabled => reasons.push(Reason::Disabled),
        RunnerStatus::Other(status) => reasons.push(Reason::UnknownStatus(status.clone())),
    }
    reasons.extend(requirements.unmet(runner).into_iter().map(Reason::from));
    Verdict::Rejected { runner, reasons }
}

/// Whether and why every runner of a fleet can run a workflow; see [`explain`].
///
/// Its `Display` is a short report for a terminal: the summary, the hints, the best
/// match, the closest runners when no tagged runner matches, and the best change.
#[derive(Debug, Clone)]
pub struct Explanation<'a> {
    runners: &'a [Runner],
    requirements: Requirements,
    /// One verdict per runner, built on first use.
    verdicts: OnceLock<Vec<Verdict<'a>>>,
    /// The counts a [`RunnerIndex`](crate::RunnerIndex) computed as popcounts over its
    /// sets; `None`: count the verdicts.
    tally: Option<Tally>,
}

impl PartialEq for Explanation<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.requirements == other.requirements && self.verdicts() == other.verdicts()
    }
}

/// What an index counts without building verdicts: the matches, the summary's groups
/// (keyed as the summary keys them), and per [`droppable`] clause the runners its drop
/// would gain.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tally {
    pub(crate) matched: usize,
    /// By reason, sorted.
    pub(crate) groups: Vec<(Reason, Count)>,
    pub(crate) gained: Vec<usize>,
}

/// One runner's verdict.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict<'a> {
    /// The runner can run the workflow.
    Matched {
        /// The runner.
        runner: &'a Runner,
        /// Its score, exactly as [`rank`](crate::rank) gives it.
        score: f64,
        /// Why it matches.
        fit: Fit,
        /// The score term by term.
        breakdown: ScoreBreakdown,
    },
    /// The runner cannot run the workflow.
    Rejected {
        /// The runner.
        runner: &'a Runner,
        /// Every reason, status first, then the requirement's failed parts in order;
        /// never empty.
        reasons: Vec<Reason>,
    },
}

impl<'a> Verdict<'a> {
    /// The runner this verdict is about.
    pub fn runner(&self) -> &'a Runner {
        match self {
            Self::Matched { runner, .. } | Self::Rejected { runner, .. } => runner,
        }
    }

    /// `true` for [`Verdict::Matched`].
    pub fn is_match(&self) -> bool {
        matches!(self, Self::Matched { .. })
    }

    /// The reasons for a rejection; empty for a match.
    pub fn reasons(&self) -> &[Reason] {
        match self {
            Self::Matched { .. } => &[],
            Self::Rejected { reasons, .. } => reasons,
        }
    }
}

/// Why a runner cannot run a workflow.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The runner is disabled.
    Disabled,
    /// The runner's status is one this crate does not know (kept verbatim), so it is
    /// not schedulable.
    UnknownStatus(String),
    /// A required tag the runner lacks.
    Missing(String),
    /// A tag the runner carries that the requirement excludes (`!development`).
    Excluded(String),
    /// A required glob pattern none of the runner's tags matches.
    NoTagMatches(String),
    /// A `type:` clause the runner's type does not match.
    TypeMismatch {
        /// The type (pattern) asked for.
        wanted: String,
        /// The runner's type; `None` for a self-hosted runner.
        actual: Option<String>,
    },
    /// Any other failed top-level clause, in canonical form (`flux | sdxl`).
    ClauseFailed(String),
}

impl Reason {
    /// `true` for the status reasons, which no change of requirements can cure.
    pub fn is_status(&self) -> bool {
        matches!(self, Self::Disabled | Self::UnknownStatus(_))
    }
}

impl From<Unmet> for Reason {
    fn from(unmet: Unmet) -> Self {
        match unmet {
            Unmet::Missing(tag) => Self::Missing(tag),
            Unmet::Excluded(tag) => Self::Excluded(tag),
            Unmet::NoTagMatches(pattern) => Self::NoTagMatches(pattern),
            Unmet::TypeMismatch { wanted, actual } => Self::TypeMismatch { wanted, actual },
            Unmet::ClauseFailed(clause) => Self::ClauseFailed(clause),
        }
    }
}

impl fmt::Display for Reason {
    /// A predicate about the runner: `lacks "flux"`, `has "development"`,
    /// `has no tag matching gpu-*`, `is plus, not type:pro`, `fails `flux | sdxl``,
    /// `is disabled`, `has unknown status "inactive"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Disabled => f.write_str("is disabled"),
            Self::UnknownStatus(status) => write!(f, "has unknown status {status:?}"),
            Self::Missing(tag) => write!(f, "lacks {tag:?}"),
            Self::Excluded(tag) => write!(f, "has {tag:?}"),
            Self::NoTagMatches(pattern) => write!(f, "has no tag matching {pattern}"),
            Self::TypeMismatch {
                wanted,
                actual: Some(actual),
            } => write!(f, "is {}, not type:{wanted}", printable(actual)),
            Self::TypeMismatch {
                wanted,
                actual: None,
            } => write!(f, "is self-hosted, not type:{wanted}"),
            Self::ClauseFailed(clause) => write!(f, "fails `{clause}`"),
        }
    }
}

impl<'a> Explanation<'a> {
    /// An explanation whose verdicts are built on first use, with `tally` (when given)
    /// answering the counts.
    pub(crate) fn counted(
        runners: &'a [Runner],
        requirements: &Requirements,
        tally: Option<Tally>,
    ) -> Self {
        Self {
            runners,
            requirements: requirements.clone(),
            verdicts: OnceLock::new(),
            tally,
        }
    }

    /// One verdict per runner, in the order the runners were given.
    pub fn verdicts(&self) -> &[Verdict<'a>] {
        self.verdicts.get_or_init(|| {
            self.runners
                .iter()
                .map(|runner| verdict(runner, &self.requirements))
                .collect()
        })
    }

    /// The requirements explained.
    pub fn requirements(&self) -> &Requirements {
        &self.requirements
    }

    /// How many runners match.
    pub fn match_count(&self) -> usize {
        match &self.tally {
            Some(tally) => tally.matched,
            None => self.verdicts().iter().filter(|v| v.is_match()).count(),
        }
    }

    /// One line a person reads at a glance: how many runners match, then how many fail
    /// for each reason, most common first (ties alphabetically):
    /// `3 of 237 runners match; 180 lack "gpu-a100", 51 lack "flux", 3 are disabled`.
    ///
    /// A runner that is not schedulable is counted once, by its status (with how many
    /// of those would match otherwise, as `3 are disabled (1 would match if enabled)`),
    /// so that the tag counts are about runners a change of requirements could win.
    /// The wordings: `N lack "t"`, `N have "t"` (excluded), `N have no tag matching g*`,
    /// `N are not type:pro`, `N fail `a | b``, `N are disabled`,
    /// `N have unknown status "s"` (singular forms for 1). At most six reasons are
    /// listed, then `and N more reasons`.
    pub fn summary(&self) -> String {
        match &self.tally {
            Some(tally) => summary::render(tally.matched, self.runners.len(), &tally.groups),
            None => summary::summary(self.verdicts()),
        }
    }

    /// Up to `n` schedulable runners that are rejected, fewest reasons first (ties in
    /// listing order: newest `created_at`, then `id`), with their reasons: the runners
    /// closest to taking the workflow.
    pub fn closest(&self, n: usize) -> Vec<(&'a Runner, &[Reason])> {
        let mut near: Vec<(&'a Runner, &[Reason])> = self
            .verdicts()
            .iter()
            .filter(|v| v.runner().is_schedulable() && !v.is_match())
            .map(|v| (v.runner(), v.reasons()))
            .collect();
        crate::order::sort_by(&mut near, |a, b| {
            a.1.len()
                .cmp(&b.1.len())
                .then_with(|| compare_runners(a.0, b.0))
        });
        near.truncate(n);
        near
    }

    /// The single change that would make the most runners match: dropping one required
    /// tag or top-level clause. `None` when the requirement has fewer than two clauses
    /// (dropping the only one just removes the requirement) or no drop gains a runner.
    /// Ties go to the clause written first.
    pub fn best_change(&self) -> Option<Suggestion> {
        match &self.tally {
            Some(tally) => {
                suggest::suggestion(&droppable(&self.requirements), &tally.gained, tally.matched)
            }
            None => suggest::best_change(self.verdicts(), &self.requirements, self.match_count()),
        }
    }

    /// Near-miss hints: for each literal tag of the requirement or its preferences that
    /// no schedulable runner carries, the fleet tags it probably meant — equal ignoring
    /// case and whitespace, or within edit distance 2 (1 for tags under 5 characters,
    /// counting a swap of neighbours as one edit) — with how many schedulable runners
    /// carry each. Only the most convincing kind is kept (a case or whitespace variant
    /// beats any typo, one edit beats two), most carried first, at most three.
    pub fn hints(&self) -> Vec<Hint> {
        hints::hints(self.runners, &self.requirements)
    }

    /// What to submit as the workflow's `tags`, and which parts of the requirement
    /// ComfyControl will not enforce ([`workflow_tags`](crate::workflow_tags)): the
    /// matches above are this library's answer, and ComfyControl may also schedule the
    /// workflow on runners it rejects when `enforced` is false.
    pub fn workflow_tags(&self) -> WorkflowTags {
        workflow_tags(&self.requirements)
    }
}

impl fmt::Display for Explanation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())?;
        for hint in self.hints() {
            write!(f, "\nhint: {hint}")?;
        }
        let best = self
            .verdicts()
            .iter()
            .filter_map(|v| match v {
                Verdict::Matched {
                    runner, breakdown, ..
                } => Some((*runner, breakdown)),
                Verdict::Rejected { .. } => None,
            })
            .min_by(|a, b| {
                compare_scored(a.1.fit, a.1.score, b.1.fit, b.1.score)
                    .then_with(|| compare_runners(a.0, b.0))
            });
        if let Some((runner, breakdown)) = best {
            write!(f, "\nbest: {}: {breakdown}", printable(&runner.name))?;
        }
        let tagged_match = self
            .verdicts()
            .iter()
            .any(|v| matches!(v, Verdict::Matched { fit, .. } if *fit != Fit::WildcardRunner));
        let closest = self.closest(SHOWN_CLOSEST);
        if !tagged_match && !closest.is_empty() {
            f.write_str("\nclosest:")?;
            for (runner, reasons) in closest {
                write!(f, "\n  {}: ", printable(&runner.name))?;
                for (index, reason) in reasons.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{reason}")?;
                }
            }
        }
        if let Some(change) = self.best_change() {
            write!(f, "\ntry: {change}")?;
        }
        let submit = self.workflow_tags();
        if !submit.enforced {
            let tags = match submit.text.as_str() {
                "" => "no tags".to_owned(),
                text => format!("tags {text:?}"),
            };
            write!(
                f,
                "\nnot enforced by ComfyControl (submit {tags}): {}",
                (submit.not_enforced.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
        Ok(())
    }
}

/// Text from the fleet (names, types) with control characters replaced, so that a
/// hostile runner name cannot drive the terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}
