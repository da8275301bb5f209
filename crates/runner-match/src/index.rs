//! A precomputed index over a runner list, for answering many requirements quickly.
//!
//! [`rank`](crate::rank) re-reads every runner's tag strings for every query. A
//! [`RunnerIndex`] does that work once: it sorts the runners into listing order, interns
//! tags to small integer ids, and keeps for each tag the sorted positions of the
//! schedulable runners that carry it (a posting list). A query then looks up each
//! required tag once and intersects integer lists; it never touches a runner's strings.
//!
//! The answers are exactly those of [`rank`](crate::rank) over [`RunnerIndex::runners`]:
//! same runners, same order, bit-identical scores. Plain tag lists take that integer
//! path; an expression narrows its candidates by the posting lists of its top-level
//! literal tags and then checks each candidate runner; preferences are evaluated on the
//! matches only.

use crate::explain::{explain, Explanation};
use crate::model::Runner;
use crate::rank::{compare_runners, compare_scored, Fit, Match, WILDCARD_RUNNER_SCORE};
use crate::requirements::Requirements;
use crate::score;

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
/// use runner_match::{rank, Requirements, RunnerIndex, RunnerPage};
/// let page: RunnerPage = serde_json::from_str(include_str!("../tests/fixtures/managed-runners-example.json"))?;
/// let index = RunnerIndex::new(page.runners);
/// let req: Requirements = "managed".parse()?;
/// assert_eq!(index.count_matches(&req), 2);
/// // The index answers exactly what `rank` answers over the same (sorted) runners.
/// assert_eq!(index.rank(&req), rank(index.runners(), &req));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct RunnerIndex {
    /// The runners, sorted by [`compare_runners`]. A position is an index into this.
    runners: Vec<Runner>,
    /// Every distinct tag in the fleet, sorted, so a tag's id is its index here and a
    /// lookup is a binary search (deterministic, no hasher state).
    tag_names: Vec<String>,
    /// Per tag id: ascending positions of the schedulable runners carrying the tag.
    postings: Vec<Vec<u32>>,
    /// Per position: how many distinct tags the runner carries (the `t` of the score).
    distinct_tags: Vec<u32>,
    /// Ascending positions of all schedulable runners: the wildcard requirement's answer.
    schedulable: Vec<u32>,
    /// Ascending positions of schedulable runners without tags: they take any workflow.
    untagged: Vec<u32>,
}

impl RunnerIndex {
    /// Indexes `runners`, sorting them into listing order ([`compare_runners`]: newest
    /// `created_at` first, then `id`). The sort is stable, so runners that compare equal
    /// keep their input order.
    ///
    /// # Panics
    /// If there are more than `u32::MAX` runners (positions are `u32`).
    pub fn new(mut runners: Vec<Runner>) -> Self {
        runners.sort_by(compare_runners);
        assert!(
            u32::try_from(runners.len()).is_ok(),
            "a RunnerIndex holds at most u32::MAX runners"
        );

        let mut tag_names: Vec<String> = runners
            .iter()
            .flat_map(|runner| runner.tags.iter().cloned())
            .collect();
        tag_names.sort_unstable();
        tag_names.dedup();

        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); tag_names.len()];
        let mut distinct_tags = Vec::with_capacity(runners.len());
        let mut schedulable = Vec::new();
        let mut untagged = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        for (position, runner) in (0u32..).zip(&runners) {
            ids.clear();
            ids.extend(runner.tags.iter().map(|tag| {
                let id = tag_names
                    .binary_search(tag)
                    .expect("every tag was interned");
                id as u32
            }));
            // A runner may list a tag twice; the score counts distinct tags.
            ids.sort_unstable();
            ids.dedup();
            distinct_tags.push(ids.len() as u32);

            // Unschedulable runners never match, so they stay out of every list.
            if !runner.is_schedulable() {
                continue;
            }
            schedulable.push(position);
            if ids.is_empty() {
                untagged.push(position);
            }
            for &id in &ids {
                // Positions are visited in ascending order, so each list stays sorted.
                postings[id as usize].push(position);
            }
        }

        Self {
            runners,
            tag_names,
            postings,
            distinct_tags,
            schedulable,
            untagged,
        }
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
    /// use runner_match::{Fit, Requirements, RunnerIndex, RunnerPage};
    /// let page: RunnerPage = serde_json::from_str(include_str!("../tests/fixtures/managed-runners-example.json"))?;
    /// let index = RunnerIndex::new(page.runners);
    /// let best = index.rank(&"managed, gpu-rtx4090".parse::<Requirements>()?);
    /// assert_eq!(best.len(), 1);
    /// assert_eq!(best[0].runner.name, "Managed Plus Runner 1");
    /// assert_eq!(best[0].fit, Fit::Superset { extra_tags: 1 });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rank(&self, requirements: &Requirements) -> Vec<Match<'_>> {
        self.scored(requirements)
            .into_iter()
            .map(|(position, score, fit)| Match {
                runner: &self.runners[position as usize],
                score,
                fit,
            })
            .collect()
    }

    /// [`RunnerIndex::rank`] as positions into [`RunnerIndex::runners`] with scores, in
    /// the same order.
    ///
    /// ```
    /// use runner_match::{Requirements, RunnerIndex, RunnerPage};
    /// let page: RunnerPage = serde_json::from_str(include_str!("../tests/fixtures/managed-runners-example.json"))?;
    /// let index = RunnerIndex::new(page.runners);
    /// let ranked = index.rank_positions(&"gpu-a100".parse::<Requirements>()?);
    /// assert_eq!(ranked.len(), 1);
    /// let runner = index.get(ranked[0].position as usize).expect("a valid position");
    /// assert_eq!(runner.name, "Managed Pro Runner 1");
    /// assert_eq!(ranked[0].score, 0.5 + 0.5 * 2.0 / 4.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rank_positions(&self, requirements: &Requirements) -> Vec<Ranked> {
        self.scored(requirements)
            .into_iter()
            .map(|(position, score, _)| Ranked { position, score })
            .collect()
    }

    /// Every match as (position, score, fit), in ranking order.
    fn scored(&self, requirements: &Requirements) -> Vec<(u32, f64, Fit)> {
        let mut scored: Vec<(u32, f64, Fit)> = match requirements.expression() {
            None => self.scored_plain(requirements),
            Some(_) => self
                .expression_candidates(requirements)
                .filter_map(|position| {
                    let runner = &self.runners[position as usize];
                    score::fit_of(runner, requirements).map(|(score, fit)| (position, score, fit))
                })
                .collect(),
        };
        let preferences = requirements.preferences();
        if requirements.expression().is_none() && preferences.is_empty() {
            return self.order_plain(scored);
        }
        if !preferences.is_empty() {
            for (position, score, _) in &mut scored {
                *score = preferences.combine(*score, &self.runners[*position as usize]);
            }
        }
        // `rank` orders by score, then by `compare_runners`, which is position order here
        // (runners that compare equal keep their position order in its stable sort).
        // Positions are unique, so an unstable sort gives the same, deterministic order.
        scored.sort_unstable_by(|a, b| {
            compare_scored(a.2, a.1, b.2, b.1).then_with(|| a.0.cmp(&b.0))
        });
        scored
    }

    /// Orders a plain list's matches without comparing scores: for a fixed number of
    /// required tags the score falls strictly as the runner's distinct tag count rises,
    /// and wildcard runners come last, so a stable counting sort on that count (matches
    /// arrive in position order) gives exactly the ranking order, in linear time.
    fn order_plain(&self, scored: Vec<(u32, f64, Fit)>) -> Vec<(u32, f64, Fit)> {
        let key = |entry: &(u32, f64, Fit)| match entry.2 {
            Fit::WildcardRunner => 0,
            _ => self.distinct_tags[entry.0 as usize] as usize + 1,
        };
        // Bucket k > 0 holds the matches with k - 1 distinct tags; bucket 0, the
        // wildcard runners, goes last.
        let buckets = scored.iter().map(key).max().map_or(0, |max| max + 1);
        let mut counts = vec![0usize; buckets];
        for entry in &scored {
            counts[key(entry)] += 1;
        }
        let mut offsets = vec![0usize; buckets];
        let mut next = 0;
        for bucket in (1..buckets).chain((buckets > 0).then_some(0)) {
            offsets[bucket] = next;
            next += counts[bucket];
        }
        let mut ordered = vec![(0u32, 0.0f64, Fit::Exact); scored.len()];
        for entry in scored {
            let bucket = key(&entry);
            ordered[offsets[bucket]] = entry;
            offsets[bucket] += 1;
        }
        ordered
    }

    /// The fast path for a plain tag list: posting lists and tag counts only, never a
    /// runner's strings.
    fn scored_plain(&self, requirements: &Requirements) -> Vec<(u32, f64, Fit)> {
        let required = requirements.tags().len();
        let names_terms = score::names_terms(requirements);
        let tagged = |position: u32| {
            let distinct = self.distinct_tags[position as usize] as usize;
            let fit = score::classify(distinct, required, names_terms);
            (position, score::fit_score(fit, distinct), fit)
        };
        match self.tagged_matches(requirements) {
            // The wildcard workflow: every schedulable runner, untagged ones included,
            // scores by its own tag count (an untagged runner is its exact fit).
            None => self.schedulable.iter().copied().map(tagged).collect(),
            Some(found) => {
                let wildcard = self
                    .untagged
                    .iter()
                    .map(|&position| (position, WILDCARD_RUNNER_SCORE, Fit::WildcardRunner));
                found.into_iter().map(tagged).chain(wildcard).collect()
            }
        }
    }

    /// The schedulable runners an expression can match: the carriers of its top-level
    /// literal tags plus the untagged runners, or every schedulable runner when it has
    /// no such tag. Each still has to be checked against the whole expression.
    fn expression_candidates(&self, requirements: &Requirements) -> impl Iterator<Item = u32> {
        let candidates = match self.tagged_matches(requirements) {
            None => self.schedulable.clone(),
            Some(mut found) => {
                found.extend_from_slice(&self.untagged);
                found
            }
        };
        candidates.into_iter()
    }

    /// How many runners can run the workflow: `self.rank(requirements).len()`, without
    /// scoring or sorting.
    ///
    /// ```
    /// use runner_match::{Requirements, RunnerIndex, RunnerPage};
    /// let page: RunnerPage = serde_json::from_str(include_str!("../tests/fixtures/managed-runners-example.json"))?;
    /// let index = RunnerIndex::new(page.runners);
    /// assert_eq!(index.count_matches(&Requirements::any()), 2);
    /// assert_eq!(index.count_matches(&"gpu-h100".parse()?), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn count_matches(&self, requirements: &Requirements) -> usize {
        if requirements.expression().is_some() {
            return self
                .expression_candidates(requirements)
                .filter(|&position| {
                    let runner = &self.runners[position as usize];
                    let runner_type = runner.runner_type.as_ref().map(|t| t.as_str());
                    requirements.admits(&runner.tags, runner_type)
                })
                .count();
        }
        match self.tagged_matches(requirements) {
            None => self.schedulable.len(),
            Some(tagged) => tagged.len() + self.untagged.len(),
        }
    }

    /// Every tag in the fleet with how many schedulable runners carry it, most common
    /// first, then alphabetically (byte order). Tags found only on unschedulable runners
    /// are listed with a count of 0, last.
    ///
    /// ```
    /// use runner_match::{RunnerIndex, RunnerPage};
    /// let page: RunnerPage = serde_json::from_str(include_str!("../tests/fixtures/managed-runners-example.json"))?;
    /// let index = RunnerIndex::new(page.runners);
    /// assert_eq!(
    ///     index.tag_counts(),
    ///     [("managed", 2), ("gpu-a100", 1), ("gpu-rtx4090", 1), ("high-performance", 1), ("standard", 1)]
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tag_counts(&self) -> Vec<(&str, usize)> {
        let mut counts: Vec<(&str, usize)> = self
            .tag_names
            .iter()
            .zip(&self.postings)
            .map(|(name, posting)| (name.as_str(), posting.len()))
            .collect();
        // `tag_names` is already alphabetical, so a stable sort by count keeps that order
        // among equal counts.
        counts.sort_by_key(|&(_, count)| std::cmp::Reverse(count));
        counts
    }

    /// [`explain`] over [`RunnerIndex::runners`]: why each runner matches or not.
    pub fn explain(&self, requirements: &Requirements) -> Explanation<'_> {
        explain(&self.runners, requirements)
    }

    /// The positions (ascending) of the schedulable, tagged runners carrying every
    /// required tag (for an expression: every top-level literal tag), or `None` when
    /// there is no such tag, so that every schedulable runner is a candidate.
    fn tagged_matches(&self, requirements: &Requirements) -> Option<Vec<u32>> {
        let required = requirements.tags();
        if required.is_empty() {
            return None;
        }
        let mut lists: Vec<&[u32]> = Vec::with_capacity(required.len());
        for tag in required {
            match self.tag_names.binary_search(tag) {
                Ok(id) => lists.push(&self.postings[id]),
                // No runner carries this tag, so only untagged runners can match.
                Err(_) => return Some(Vec::new()),
            }
        }
        // Start from the shortest list: the result can only shrink from there.
        lists.sort_unstable_by_key(|list| list.len());
        let (shortest, rest) = lists.split_first().expect("at least one required tag");
        let mut found = shortest.to_vec();
        for list in rest {
            if found.is_empty() {
                break;
            }
            found.retain(|position| list.binary_search(position).is_ok());
        }
        Some(found)
    }
}

impl FromIterator<Runner> for RunnerIndex {
    fn from_iter<I: IntoIterator<Item = Runner>>(runners: I) -> Self {
        Self::new(runners.into_iter().collect())
    }
}
