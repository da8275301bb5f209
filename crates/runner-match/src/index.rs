//! A precomputed index over a runner list: a query bitset algebra.
//!
//! [`rank`](crate::rank) re-reads every runner's tag strings for every query. A
//! [`RunnerIndex`] does that work once: it sorts the runners into listing order (so a
//! runner's *position* is its tie-break rank), interns every fleet tag, and keeps sets
//! of positions: per tag its carriers, the active runners, the untagged runners, and
//! the runners of each type. Each set is `u64` words over the positions, or, for a tag
//! fewer than one runner in 32 carries, its sorted position list (whichever is
//! smaller). A query is then set algebra ([`query`]): a tag list is a word-wise AND, an
//! expression AND / OR / NOT over sets with its globs matched against the vocabulary
//! once, a preference one more set. Only the matches are scored, from per-runner
//! distinct tag ids and the preference sets, and ordered by a counting sort on their
//! (tier, score) keys ([`order`]).
//!
//! The answers are exactly those of [`rank`](crate::rank) over [`RunnerIndex::runners`]:
//! same runners, same order, bit-identical scores and fits.

mod bitset;
mod build;
mod explain;
mod order;
mod query;
mod recent;
mod tag_index;

pub use tag_index::{TagIndex, TagIndexBuilder, TagIndexError};

use crate::explain::Explanation;
use crate::model::Runner;
use crate::rank::{Fit, Match};
use crate::requirements::Requirements;

/// A match as a position into [`RunnerIndex::runners`] and its score: a compact answer
/// that needs no borrow of the index (handy across the WebAssembly boundary).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// Where the runner sits in [`RunnerIndex::runners`].
    pub position: u32,
    /// The same score [`rank`](crate::rank) gives the runner.
    pub score: f64,
}

/// Runners in listing order, indexed by tag for fast matching and ranking.
///
/// Build it once per runner list and query it as often as needed.
///
/// ```
/// use runner_match::{json, rank, Requirements, RunnerIndex, RunnerPage};
/// let page: RunnerPage = json::decode(include_str!("../tests/fixtures/managed-runners-example.json"))?;
/// let index = RunnerIndex::new(page.runners);
/// let req: Requirements = "managed".parse()?;
/// assert_eq!(index.count_matches(&req), 2);
/// // The index answers exactly what `rank` answers over the same (sorted) runners.
/// assert_eq!(index.rank(&req), rank(index.runners(), &req));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct RunnerIndex {
    /// The runners, sorted by [`compare_runners`](crate::compare_runners). A position
    /// is an index into this.
    runners: Vec<Runner>,
    /// Their tags, status and type by position: what a query reads.
    tags: TagIndex,
}

impl RunnerIndex {
    /// Indexes `runners`, sorting them into listing order
    /// ([`compare_runners`](crate::compare_runners): newest `created_at` first, then
    /// `id`). The sort is stable, so runners that compare equal keep their input order;
    /// runners already in listing order (as the API lists them) are only checked.
    ///
    /// # Panics
    /// If there are more than `u32::MAX` runners (positions are `u32`).
    pub fn new(runners: Vec<Runner>) -> Self {
        Self::build(runners)
    }

    /// The bytes the index holds beyond the runners themselves (its sets, tag ids and
    /// vocabulary), for sizing: about `4 · (1 + t̄)` bytes per runner with `t̄` distinct
    /// tags on average, plus `n / 8` bytes per common tag, per runner type and for the
    /// active and untagged sets.
    ///
    /// ```
    /// use runner_match::{json, RunnerIndex, RunnerPage};
    /// let page: RunnerPage = json::decode(include_str!("../tests/fixtures/managed-runners-example.json"))?;
    /// let index = RunnerIndex::new(page.runners);
    /// assert!(index.index_bytes() > 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn index_bytes(&self) -> usize {
        self.tags.index_bytes()
    }

    /// The index proper: tags, status and type by position, without the runners (what
    /// a caller keeping its runners elsewhere builds with [`TagIndexBuilder`]).
    pub fn tag_index(&self) -> &TagIndex {
        &self.tags
    }

    /// The runners in listing order; [`Ranked::position`] indexes this slice.
    pub fn runners(&self) -> &[Runner] {
        &self.runners
    }

    /// How many runners the index holds, schedulable or not.
    pub fn len(&self) -> usize {
        self.runners.len()
    }

    /// `true` when the index holds no runners.
    pub fn is_empty(&self) -> bool {
        self.runners.is_empty()
    }

    /// The runner at `position` in listing order, if there is one.
    pub fn get(&self, position: usize) -> Option<&Runner> {
        self.runners.get(position)
    }

    /// Every runner that can run the workflow, best fit first: exactly what
    /// [`rank`](crate::rank)`(self.runners(), requirements)` returns.
    ///
    /// ```
    /// use runner_match::{json, Fit, Requirements, RunnerIndex, RunnerPage};
    /// let page: RunnerPage = json::decode(include_str!("../tests/fixtures/managed-runners-example.json"))?;
    /// let index = RunnerIndex::new(page.runners);
    /// let best = index.rank(&"managed, gpu-rtx4090".parse::<Requirements>()?);
    /// assert_eq!(best.len(), 1);
    /// assert_eq!(best[0].runner.name, "Managed Plus Runner 1");
    /// assert_eq!(best[0].fit, Fit::Superset { extra_tags: 1 });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rank(&self, requirements: &Requirements) -> Vec<Match<'_>> {
        self.tags
            .ranked(requirements, |position, score, fit| Match {
                runner: &self.runners[position as usize],
                score,
                fit,
            })
    }

    /// [`RunnerIndex::rank`] as positions into [`RunnerIndex::runners`] with scores, in
    /// the same order.
    ///
    /// ```
    /// use runner_match::{json, Requirements, RunnerIndex, RunnerPage};
    /// let page: RunnerPage = json::decode(include_str!("../tests/fixtures/managed-runners-example.json"))?;
    /// let index = RunnerIndex::new(page.runners);
    /// let ranked = index.rank_positions(&"gpu-a100".parse::<Requirements>()?);
    /// assert_eq!(ranked.len(), 1);
    /// let runner = index.get(ranked[0].position as usize).expect("a valid position");
    /// assert_eq!(runner.name, "Managed Pro Runner 1");
    /// assert_eq!(ranked[0].score, 0.5 + 0.5 * 2.0 / 4.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rank_positions(&self, requirements: &Requirements) -> Vec<Ranked> {
        self.tags.rank_positions(requirements)
    }

    /// [`RunnerIndex::rank_positions`] with each match's [`Fit`], for callers that show
    /// it (the npm package's results).
    pub fn rank_positions_with_fit(&self, requirements: &Requirements) -> Vec<(Ranked, Fit)> {
        self.tags.rank_positions_with_fit(requirements)
    }

    /// How many runners can run the workflow: `self.rank(requirements).len()`, without
    /// scoring or sorting.
    ///
    /// ```
    /// use runner_match::{json, Requirements, RunnerIndex, RunnerPage};
    /// let page: RunnerPage = json::decode(include_str!("../tests/fixtures/managed-runners-example.json"))?;
    /// let index = RunnerIndex::new(page.runners);
    /// assert_eq!(index.count_matches(&Requirements::any()), 2);
    /// assert_eq!(index.count_matches(&"gpu-h100".parse()?), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn count_matches(&self, requirements: &Requirements) -> usize {
        self.tags.count_matches(requirements)
    }

    /// Every tag in the fleet with how many schedulable runners carry it, most common
    /// first, then alphabetically (byte order). Tags found only on unschedulable runners
    /// are listed with a count of 0, last.
    ///
    /// ```
    /// use runner_match::{json, RunnerIndex, RunnerPage};
    /// let page: RunnerPage = json::decode(include_str!("../tests/fixtures/managed-runners-example.json"))?;
    /// let index = RunnerIndex::new(page.runners);
    /// assert_eq!(
    ///     index.tag_counts(),
    ///     [("managed", 2), ("gpu-a100", 1), ("gpu-rtx4090", 1), ("high-performance", 1), ("standard", 1)]
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tag_counts(&self) -> Vec<(&str, usize)> {
        self.tags.tag_counts()
    }

    /// [`explain`](crate::explain()) over [`RunnerIndex::runners`]: why each runner matches or not.
    ///
    /// Its counts ([`match_count`](Explanation::match_count),
    /// [`summary`](Explanation::summary), [`best_change`](Explanation::best_change))
    /// are popcounts over the index's sets; the per-runner verdicts are built on first
    /// use only.
    pub fn explain(&self, requirements: &Requirements) -> Explanation<'_> {
        Explanation::counted(
            &self.runners,
            requirements,
            self.tags.tally(&self.runners, requirements),
        )
    }
}

impl FromIterator<Runner> for RunnerIndex {
    fn from_iter<I: IntoIterator<Item = Runner>>(runners: I) -> Self {
        Self::new(runners.into_iter().collect())
    }
}
