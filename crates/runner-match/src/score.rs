//! How well a matching runner fits, and the score's breakdown term by term.
//!
//! The fit: with `m` the runner's distinct tags the requirement *wants* and `t` its
//! distinct tags, a match scores `0.5 + 0.5 · (m + 1) / (t + 1)`, except that an
//! untagged runner scores [`WILDCARD_RUNNER_SCORE`] whenever the requirement names any
//! tag or term (a tag list, any non-empty expression, any preference).
//! For a plain list the wanted tags are the required ones, so `m` is their number; for
//! an expression a tag is wanted when it satisfies a tag or glob term under an even
//! number of negations (`gpu-*` and `flux` in `gpu-* & (flux | sdxl) & !development`).
//! Preferences then blend in (see [`Preferences`]).

use std::fmt;

use crate::decimal::{Shortest, Thousandths};
use crate::model::Runner;
use crate::preferences::{blend, PreferenceKind, Preferences, PREFERENCE_INFLUENCE};
use crate::rank::{Fit, WILDCARD_RUNNER_SCORE};
use crate::requirements::Requirements;

/// The fit score of a tagged match: `m` wanted tags among the runner's `t` distinct tags.
pub(crate) fn tagged_score(wanted: usize, distinct_runner_tags: usize) -> f64 {
    0.5 + 0.5 * (wanted as f64 + 1.0) / (distinct_runner_tags as f64 + 1.0)
}

/// The distinct tags of a list, first occurrence first. Runners carry few tags
/// (ComfyControl allows 10), where a quadratic scan beats any set; past that, an ordered
/// set keeps hostile input (a runner with 70,000 tags) linear-logarithmic.
pub(crate) fn distinct_tags(tags: &[String]) -> Vec<&str> {
    if tags.len() <= 16 {
        return tags
            .iter()
            .enumerate()
            .filter(|(i, tag)| !tags[..*i].contains(tag))
            .map(|(_, tag)| tag.as_str())
            .collect();
    }
    crate::interner::distinct(tags.iter().map(String::as_str))
}

/// How many distinct tags a list holds.
pub(crate) fn distinct_count(tags: &[String]) -> usize {
    distinct_tags(tags).len()
}

/// The fit score a [`Fit`] stands for, given the runner's distinct tag count: every
/// score is a function of the two, which is what lets a breakdown be rebuilt later.
pub(crate) fn fit_score(fit: Fit, distinct_runner_tags: usize) -> f64 {
    match fit {
        Fit::WildcardRunner => WILDCARD_RUNNER_SCORE,
        Fit::Exact => tagged_score(distinct_runner_tags, distinct_runner_tags),
        Fit::Superset { extra_tags } => tagged_score(
            distinct_runner_tags.saturating_sub(extra_tags),
            distinct_runner_tags,
        ),
    }
}

/// How a runner fits the hard requirement, status and preferences aside: `None` when it
/// does not satisfy it.
pub(crate) fn fit_of(runner: &Runner, requirements: &Requirements) -> Option<(f64, Fit)> {
    let runner_type = runner.runner_type.as_ref().map(|t| t.as_str());
    if !requirements.admits(&runner.tags, runner_type) {
        return None;
    }
    let (distinct, wanted) = match requirements.expression() {
        None => (distinct_count(&runner.tags), requirements.tags().len()),
        Some(expression) => {
            let distinct = distinct_tags(&runner.tags);
            let wanted = distinct.iter().filter(|tag| expression.wants(tag)).count();
            (distinct.len(), wanted)
        }
    };
    let fit = classify(distinct, wanted, names_terms(requirements));
    Some((fit_score(fit, distinct), fit))
}

/// `true` when the requirement names any tag or term: a tag list, any non-empty
/// expression (`!development` and `type:plus` included), or any preference. Then an
/// untagged runner is only a wildcard stand-in ([`Fit::WildcardRunner`]); otherwise
/// (the untagged workflow without preferences) it is an exact fit like any runner.
pub(crate) fn names_terms(requirements: &Requirements) -> bool {
    !requirements.is_wildcard() || !requirements.preferences().is_empty()
}

/// The fit of a match with `distinct` distinct tags of which `wanted` are wanted.
pub(crate) fn classify(distinct: usize, wanted: usize, names_terms: bool) -> Fit {
    if distinct == 0 && names_terms {
        return Fit::WildcardRunner;
    }
    // A plain-list match carries every required tag, so `distinct >= wanted`.
    match distinct.saturating_sub(wanted) {
        0 => Fit::Exact,
        extra_tags => Fit::Superset { extra_tags },
    }
}

/// A match's score, term by term: the fit, and each preference with whether the runner
/// satisfies it.
///
/// ```
/// use runner_match::{json, rank, Fit, Preferences, Requirements, Runner};
/// let runners: Vec<Runner> = json::decode(r#"[
///   {"id":"a","name":"A","runner_type":"pro","status":"active","tags":["flux","gpu-h100","development"],
///    "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}]"#)?;
/// let req = "flux".parse::<Requirements>()?.with_preferences(
///     Preferences::new().prefer("gpu-h100", 3.0)?.prefer("eu-west", 1.0)?.avoid("development", 2.0)?,
/// );
/// let best = rank(&runners, &req);
/// let breakdown = best[0].breakdown(&req);
/// assert_eq!(breakdown.fit, Fit::Superset { extra_tags: 2 });
/// assert_eq!(breakdown.fit_score, 0.75); // 0.5 + 0.5 * (1 + 1) / (3 + 1)
/// assert_eq!(breakdown.preference_score, Some(0.5)); // 3 of 6
/// assert_eq!(breakdown.score, 0.625); // 0.5 * 0.75 + 0.5 * 0.5
/// assert_eq!(breakdown.score, best[0].score);
/// assert_eq!(
///     breakdown.to_string(),
///     "0.625 = 0.5 × fit 0.750 (2 extra tags) + 0.5 × preferences 0.500 \
///      (prefer gpu-h100 ×3 ✓, prefer eu-west ×1 ✗, avoid development ×2 ✗)"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreBreakdown {
    /// Why the runner matches.
    pub fit: Fit,
    /// The fit score: the whole score when there are no preferences.
    pub fit_score: f64,
    /// The satisfied share of the preference weight, in `[0, 1]`; `None` without
    /// preferences.
    pub preference_score: Option<f64>,
    /// Each preference, in order.
    pub terms: Vec<TermScore>,
    /// The final score, exactly the match's score.
    pub score: f64,
}

/// One preference's part in a score.
#[derive(Debug, Clone, PartialEq)]
pub struct TermScore {
    /// The preference key in canonical form (`gpu-h100`, `type:pro`).
    pub term: String,
    /// Prefer or avoid.
    pub kind: PreferenceKind,
    /// Its weight.
    pub weight: f64,
    /// Whether the runner satisfies it (has a preferred key, lacks an avoided one).
    pub satisfied: bool,
}

impl ScoreBreakdown {
    /// The breakdown for `runner` with fit `fit` under `preferences`.
    pub(crate) fn new(runner: &Runner, fit: Fit, preferences: &Preferences) -> Self {
        let fit_score = fit_score(fit, distinct_count(&runner.tags));
        let preference_score = preferences.share(runner);
        let terms = preferences
            .as_slice()
            .iter()
            .map(|item| TermScore {
                term: item.key().to_string(),
                kind: item.kind(),
                weight: item.weight(),
                satisfied: item.is_satisfied_by(runner),
            })
            .collect();
        Self {
            fit,
            fit_score,
            preference_score,
            terms,
            score: preference_score.map_or(fit_score, |share| blend(fit_score, share)),
        }
    }
}

impl fmt::Display for ScoreBreakdown {
    /// `1.000 (exact fit)`, or with preferences
    /// `0.625 = 0.5 × fit 0.750 (2 extra tags) + 0.5 × preferences 0.500 (prefer gpu-h100 ×3 ✓, …)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(share) = self.preference_score else {
            return write!(f, "{} ({})", Thousandths(self.score), self.fit);
        };
        write!(
            f,
            "{} = {} × fit {} ({}) + {} × preferences {} (",
            Thousandths(self.score),
            Shortest(1.0 - PREFERENCE_INFLUENCE),
            Thousandths(self.fit_score),
            self.fit,
            Shortest(PREFERENCE_INFLUENCE),
            Thousandths(share),
        )?;
        for (index, term) in self.terms.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{term}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for TermScore {
    /// `prefer gpu-h100 ×3 ✓`, `avoid development ×2 ✗`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = match self.kind {
            PreferenceKind::Prefer => "prefer",
            PreferenceKind::Avoid => "avoid",
        };
        let mark = if self.satisfied { '✓' } else { '✗' };
        write!(f, "{verb} {} ×{} {mark}", self.term, Shortest(self.weight))
    }
}
