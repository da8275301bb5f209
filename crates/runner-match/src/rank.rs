//! Matching with ComfyControl's rules, scoring, and a deterministic ranking.
//!
//! # The rule
//! A runner can run a workflow iff it is active **and** (the workflow has no tags, **or**
//! the runner has no tags, **or** every required tag is among the runner's tags). Tags
//! compare exactly, case-sensitively. A requirement [`Expression`](crate::Expression)
//! replaces the parenthesis: active **and** the expression holds, untagged runners
//! satisfying every tag clause (only `type:` applies to them).
//!
//! # The score
//! With `m` the number of the runner's distinct tags the requirement *wants* (for a
//! plain list: the `r` required tags, all present; for an expression: the tags that
//! satisfy a non-negated tag or glob term) and `t` the number of its distinct tags:
//!
//! | case | fit | score |
//! |---|---|---|
//! | untagged runner (`t = 0`), the requirement names any tag or term | [`Fit::WildcardRunner`] | `0.5` |
//! | every other match | [`Fit::Exact`] if `m = t`, else [`Fit::Superset`] | `0.5 + 0.5 · (m + 1) / (t + 1)` |
//!
//! "Names any tag or term" means: a non-empty tag list, any non-empty expression (also
//! one without a positive tag, such as `!development` or `type:plus`), or any
//! [`Preferences`](crate::Preferences). Only the untagged workflow without preferences
//! names nothing; there an untagged runner's (empty) tags equal the requirement. A
//! runner whose tags equal the requirement scores exactly `1.0`; each extra, unwanted
//! tag lowers the score (the runner is over-qualified: keep the video runner free for
//! video jobs); every tagged match scores above `0.5`.
//!
//! With [`Preferences`](crate::Preferences) the score is
//! `(1 − λ) · fit + λ · pref` with `λ =` [`PREFERENCE_INFLUENCE`](crate::PREFERENCE_INFLUENCE)
//! `= 0.5` and `pref` the satisfied share of the preference weight (a prefer is satisfied
//! when the runner has its key, an avoid when it does not). It stays in `[0, 1]`;
//! without preferences it is exactly the fit. [`Match::breakdown`] shows it term by term.
//!
//! # The order
//! Two tiers: first every match that is not a [`Fit::WildcardRunner`], then the
//! wildcard runners. Within each tier: score (highest first), then `created_at` (newest
//! first), then `id` (ascending). So a ranking never depends on the input order, and an
//! untagged runner never outranks a tagged match, whatever preferences add to its score
//! (it takes the workflow only as ComfyControl's fallback). Without preferences the
//! tiers change nothing: a wildcard runner's `0.5` is below every tagged match's score.

use std::cmp::Ordering;
use std::fmt;

use crate::model::Runner;
use crate::requirements::Requirements;
use crate::score::{self, ScoreBreakdown};

/// The fit score of an untagged (wildcard) runner under a requirement that names any
/// tag or term (a tag list, an expression, preferences).
pub const WILDCARD_RUNNER_SCORE: f64 = 0.5;

/// A runner that can run the workflow, with how well it fits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match<'a> {
    /// The runner.
    pub runner: &'a Runner,
    /// Score in `[0, 1]`: `1.0` for an exact tag match, lower for over-qualified
    /// runners, [`WILDCARD_RUNNER_SCORE`] for untagged runners taking a workflow that
    /// names any tag or term; blended with the preference share when there are
    /// preferences.
    pub score: f64,
    /// Why the runner matches.
    pub fit: Fit,
}

impl Match<'_> {
    /// The score term by term. Pass the requirements the match was made with: the fit
    /// part is rebuilt from [`Match::fit`] and the runner, the preference part from
    /// `requirements`' preferences. Computed on demand, so ranking stays lean.
    ///
    /// ```
    /// use runner_match::{json, rank, Fit, Requirements, RunnerPage};
    /// let page: RunnerPage = json::decode(include_str!("../tests/fixtures/managed-runners-example.json"))?;
    /// let req: Requirements = "gpu-a100".parse()?;
    /// let best = rank(&page.runners, &req);
    /// let breakdown = best[0].breakdown(&req);
    /// assert_eq!((breakdown.fit, breakdown.score), (Fit::Superset { extra_tags: 2 }, best[0].score));
    /// assert_eq!(breakdown.preference_score, None);
    /// assert_eq!(breakdown.to_string(), "0.750 (2 extra tags)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn breakdown(&self, requirements: &Requirements) -> ScoreBreakdown {
        ScoreBreakdown::new(self.runner, self.fit, requirements.preferences())
    }
}

/// Why a runner matches a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fit {
    /// The runner's tags are exactly the required ones (both may be empty).
    Exact,
    /// The runner has every required tag and `extra_tags` more.
    Superset {
        /// Distinct runner tags the workflow did not ask for.
        extra_tags: usize,
    },
    /// The runner is untagged, so it takes any workflow; the requirement names some tag
    /// or term, which the runner does not have. Ranked after every other fit.
    WildcardRunner,
}

impl fmt::Display for Fit {
    /// `exact`, `1 extra tag`, `3 extra tags`, `untagged runner`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact => f.write_str("exact"),
            Self::Superset { extra_tags: 1 } => f.write_str("1 extra tag"),
            Self::Superset { extra_tags } => write!(f, "{extra_tags} extra tags"),
            Self::WildcardRunner => f.write_str("untagged runner"),
        }
    }
}

/// `true` iff `runner` may run a workflow with `requirements` under ComfyControl's rules.
///
/// ```
/// use runner_match::{json, matches, Requirements, RunnerPage};
/// let page: RunnerPage = json::decode(include_str!("../tests/fixtures/managed-runners-example.json"))?;
/// let a100: Requirements = "gpu-a100".parse()?;
/// assert!(matches(&page.runners[0], &a100));
/// assert!(!matches(&page.runners[1], &a100));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn matches(runner: &Runner, requirements: &Requirements) -> bool {
    fit(runner, requirements).is_some()
}

/// Scores one runner: `None` when it cannot run the workflow.
pub fn fit<'a>(runner: &'a Runner, requirements: &Requirements) -> Option<Match<'a>> {
    if !runner.is_schedulable() {
        return None;
    }
    let (fit_score, fit) = score::fit_of(runner, requirements)?;
    Some(Match {
        runner,
        score: requirements.preferences().combine(fit_score, runner),
        fit,
    })
}

/// Every runner that can run the workflow, best fit first.
///
/// ```
/// use runner_match::{json, rank, Requirements, RunnerPage};
/// let page: RunnerPage = json::decode(include_str!("../tests/fixtures/managed-runners-example.json"))?;
/// let req: Requirements = "managed, gpu-rtx4090".parse()?;
/// let best = rank(&page.runners, &req);
/// assert_eq!(best.len(), 1);
/// assert_eq!(best[0].runner.name, "Managed Plus Runner 1");
/// assert!(best[0].score < 1.0); // it also carries "standard"
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn rank<'a>(runners: &'a [Runner], requirements: &Requirements) -> Vec<Match<'a>> {
    let mut found: Vec<Match<'a>> = runners
        .iter()
        .filter_map(|runner| fit(runner, requirements))
        .collect();
    crate::order::sort_by(&mut found, compare);
    found
}

/// The ranking order: tagged matches before wildcard runners, then score descending,
/// then newest `created_at`, then `id`: wildcard runners never outrank a tagged match.
pub fn compare(a: &Match<'_>, b: &Match<'_>) -> Ordering {
    compare_scored(a.fit, a.score, b.fit, b.score).then_with(|| compare_runners(a.runner, b.runner))
}

/// The ranking order's first two keys: the tier (wildcard runners last), then the score
/// (highest first).
pub(crate) fn compare_scored(a_fit: Fit, a_score: f64, b_fit: Fit, b_score: f64) -> Ordering {
    let wildcard = |fit: Fit| fit == Fit::WildcardRunner;
    wildcard(a_fit)
        .cmp(&wildcard(b_fit))
        .then_with(|| b_score.total_cmp(&a_score))
}

/// Newest `created_at` first, then `id` ascending: the listing order used everywhere.
pub fn compare_runners(a: &Runner, b: &Runner) -> Ordering {
    b.created_at
        .cmp(&a.created_at)
        .then_with(|| a.id.cmp(&b.id))
}

/// Picks one of the top-ranked matches (those tied with the first on tier and score),
/// as ComfyControl picks at random among matching runners, but reproducibly: the same
/// `seed` over the same ranking picks the same runner. `ranked` must be in ranking order
/// (as [`rank`] returns it).
///
/// ```
/// use runner_match::{json, pick, rank, Requirements, RunnerPage};
/// let page: RunnerPage = json::decode(include_str!("../tests/fixtures/managed-runners-example.json"))?;
/// let ranked = rank(&page.runners, &Requirements::from_tags(["managed"])?);
/// let chosen = pick(&ranked, 42).expect("two runners match");
/// assert_eq!(pick(&ranked, 42), Some(chosen));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pick<'r, 'a>(ranked: &'r [Match<'a>], seed: u64) -> Option<&'r Match<'a>> {
    let best = ranked.first()?;
    let tied = ranked
        .iter()
        .take_while(|m| compare_scored(m.fit, m.score, best.fit, best.score).is_eq())
        .count();
    // `tied` is at least 1 (the first element), so the modulo is well defined.
    let index = (splitmix64(seed) % tied as u64) as usize;
    ranked.get(index)
}

/// SplitMix64: a tiny, well-mixed hash, so that consecutive seeds pick independently.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
