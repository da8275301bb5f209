//! Scoring the admitted positions (and only those) and putting them in ranking order.
//!
//! A match's score is a function of its fit, its distinct tag count and which
//! preference sets hold it, computed with the very functions [`rank`](crate::rank)
//! uses, so the bits agree. The order is [`rank`](crate::rank)'s: tier, score, then
//! listing order, which is position order. Matches arrive in position order, and a
//! fleet's matches share few distinct (tier, score) keys, so a stable counting sort on
//! the key gives the order in linear time with no score comparisons per match; past
//! [`MAX_BUCKETS`] keys (many preferences with odd weights) a comparison sort does.

use super::RunnerIndex;
use crate::preferences::{blend, PreferenceKind};
use crate::rank::{compare_scored, Fit};
use crate::requirements::Requirements;
use crate::score;

/// The most distinct (tier, score) keys the counting sort handles.
const MAX_BUCKETS: usize = 64;

/// One match: its position, fit and score.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Scored {
    pub(super) position: u32,
    /// [`Fit`] in 4 bytes: extra tags, or [`WILDCARD`] for a wildcard runner.
    fit: u32,
    pub(super) score: f64,
}

/// [`Scored::fit`] of [`Fit::WildcardRunner`].
const WILDCARD: u32 = u32::MAX;

impl Scored {
    pub(super) fn fit(&self) -> Fit {
        match self.fit {
            WILDCARD => Fit::WildcardRunner,
            0 => Fit::Exact,
            extra => Fit::Superset {
                extra_tags: extra as usize,
            },
        }
    }

    /// The first two keys of the ranking order: wildcard runners last, then score.
    fn key(&self) -> (bool, u64) {
        // Scores are finite and non-negative, where bit equality is equality.
        (self.fit == WILDCARD, self.score.to_bits())
    }
}

impl RunnerIndex {
    /// Every match in ranking order.
    pub(super) fn scored(&self, requirements: &Requirements) -> Vec<Scored> {
        let admitted = self.admitted(requirements);
        let names_terms = score::names_terms(requirements);
        let preferences = requirements.preferences();
        let preference_sets = self.preference_sets(requirements);
        // For a tag list every tagged match carries the `r` required tags; for an
        // expression, count the runner's tags it wants.
        let wanted = requirements
            .expression()
            .map(|_| self.wanted_ids(requirements));
        let required = requirements.tags().len();

        let score_of = |position: u32| {
            let own = self.tag_ids_of(position);
            let distinct = own.len();
            let m = match &wanted {
                Some(wanted) => own.iter().filter(|&&id| wanted[id as usize]).count(),
                None => required,
            };
            let fit = score::classify(distinct, m, names_terms);
            let fit_score = score::fit_score(fit, distinct);
            let score = match preferences.share_by(|index, item| {
                preference_sets[index].contains(position) == (item.kind() == PreferenceKind::Prefer)
            }) {
                None => fit_score,
                Some(share) => blend(fit_score, share),
            };
            Scored {
                position,
                fit: match fit {
                    Fit::WildcardRunner => WILDCARD,
                    Fit::Exact => 0,
                    Fit::Superset { extra_tags } => extra_tags as u32,
                },
                score,
            }
        };
        let mut entries = Vec::with_capacity(admitted.count());
        entries.extend(admitted.main.iter().map(score_of));
        if let Some(wildcard) = &admitted.wildcard {
            entries.extend(wildcard.iter().map(score_of));
        }
        order(entries)
    }
}

/// Puts `entries` (ascending positions within each key) into ranking order.
fn order(entries: Vec<Scored>) -> Vec<Scored> {
    let mut keys: Vec<(bool, u64)> = Vec::new();
    let mut buckets: Vec<u8> = Vec::with_capacity(entries.len());
    let mut last = 0;
    for entry in &entries {
        let key = entry.key();
        if keys.get(last) != Some(&key) {
            last = match keys.iter().position(|k| *k == key) {
                Some(found) => found,
                None if keys.len() == MAX_BUCKETS => return sorted(entries),
                None => {
                    keys.push(key);
                    keys.len() - 1
                }
            };
        }
        buckets.push(last as u8);
    }
    // The keys in ranking order, then each bucket's first slot.
    let mut ranked: Vec<usize> = (0..keys.len()).collect();
    ranked.sort_unstable_by(|&a, &b| {
        let (a, b) = (keys[a], keys[b]);
        let fit = |wildcard: bool| {
            if wildcard {
                Fit::WildcardRunner
            } else {
                Fit::Exact
            }
        };
        compare_scored(fit(a.0), f64::from_bits(a.1), fit(b.0), f64::from_bits(b.1))
    });
    let mut counts = vec![0usize; keys.len()];
    for &bucket in &buckets {
        counts[bucket as usize] += 1;
    }
    let mut next = vec![0usize; keys.len()];
    let mut offset = 0;
    for &bucket in &ranked {
        next[bucket] = offset;
        offset += counts[bucket];
    }
    let mut ordered = vec![Scored::default(); entries.len()];
    for (entry, &bucket) in entries.into_iter().zip(&buckets) {
        let slot = &mut next[bucket as usize];
        ordered[*slot] = entry;
        *slot += 1;
    }
    ordered
}

/// The comparison sort behind [`order`], for many distinct keys.
fn sorted(mut entries: Vec<Scored>) -> Vec<Scored> {
    entries.sort_unstable_by(|a, b| {
        compare_scored(a.fit(), a.score, b.fit(), b.score).then_with(|| a.position.cmp(&b.position))
    });
    entries
}
