//! Scoring the admitted positions (and only those) and putting them in ranking order.
//!
//! A match's score is a function of its fit, its distinct tag count and which
//! preference sets hold it, computed with the very functions [`rank`](crate::rank)
//! uses, so the bits agree. The order is [`rank`](crate::rank)'s: tier, score, then
//! listing order, which is position order. Matches arrive in position order, so a
//! stable counting sort on the score gives the order in linear time:
//!
//! - Without preferences the fit and score depend only on the runner's distinct tag
//!   count `t` and wanted tag count `m`: each (`m`, `t`) class is scored once and
//!   collects its positions, the classes are ordered by (tier, score), and classes
//!   with equal keys are merged by position.
//! - With preferences each match is scored on its own (a weighted sum over the
//!   preference sets that hold it) and bucketed by its (tier, score) key; past
//!   [`MAX_BUCKETS`] distinct keys a comparison sort does.

use super::RunnerIndex;
use crate::preferences::{blend, PreferenceKind};
use crate::rank::{compare_scored, Fit};
use crate::requirements::Requirements;
use crate::score;

/// The most distinct (tier, score) keys the counting sort handles.
const MAX_BUCKETS: usize = 64;

/// Classes with `t` and `m` below this are found by table lookup.
const TABLE: usize = 32;

/// One match: its position, fit and score.
#[derive(Debug, Clone, Copy, Default)]
struct Scored {
    position: u32,
    /// [`Fit`] in 4 bytes: extra tags, or [`WILDCARD`] for a wildcard runner.
    fit: u32,
    score: f64,
}

/// [`Scored::fit`] of [`Fit::WildcardRunner`].
const WILDCARD: u32 = u32::MAX;

fn encode(fit: Fit) -> u32 {
    match fit {
        Fit::WildcardRunner => WILDCARD,
        Fit::Exact => 0,
        Fit::Superset { extra_tags } => extra_tags as u32,
    }
}

impl Scored {
    fn fit(&self) -> Fit {
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

/// The matches of one (`m`, `t`) class: one fit, one score.
#[derive(Debug)]
struct Class {
    distinct: usize,
    wanted: usize,
    fit: Fit,
    score: f64,
    positions: Vec<u32>,
}

impl RunnerIndex {
    /// Every match in ranking order, as `make(position, score, fit)`.
    pub(super) fn ranked<T>(
        &self,
        requirements: &Requirements,
        make: impl Fn(u32, f64, Fit) -> T,
    ) -> Vec<T> {
        let admitted = self.admitted(requirements);
        let mut out = Vec::with_capacity(admitted.count());
        let positions = admitted
            .main
            .iter()
            .chain(admitted.wildcard.iter().flat_map(|found| found.iter()));
        let wanted = self.wanted(requirements, &admitted);
        let wanted_of = |position: u32, own: &[u32]| wanted.count(position, own);
        let names_terms = score::names_terms(requirements);
        let fit_of = |distinct: usize, m: usize| {
            let fit = score::classify(distinct, m, names_terms);
            (fit, score::fit_score(fit, distinct))
        };

        let preferences = requirements.preferences();
        if preferences.is_empty() {
            let mut classes: Vec<Class> = Vec::new();
            let mut table = vec![u8::MAX; TABLE * TABLE];
            positions.for_each(|position| {
                let own = self.tag_ids_of(position);
                let (distinct, m) = (own.len(), wanted_of(position, own));
                let slot = (distinct < TABLE && m < TABLE).then(|| distinct * TABLE + m);
                let known = match slot.map(|slot| table[slot]) {
                    Some(u8::MAX) | None => classes
                        .iter()
                        .position(|c| (c.distinct, c.wanted) == (distinct, m)),
                    Some(class) => Some(class as usize),
                };
                let class = known.unwrap_or_else(|| {
                    let (fit, score) = fit_of(distinct, m);
                    classes.push(Class {
                        distinct,
                        wanted: m,
                        fit,
                        score,
                        positions: Vec::new(),
                    });
                    classes.len() - 1
                });
                if let (Some(slot), Ok(class)) = (slot, u8::try_from(class)) {
                    table[slot] = class;
                }
                classes[class].positions.push(position);
            });
            emit_classes(classes, |position, class: &Class| {
                out.push(make(position, class.score, class.fit))
            });
            return out;
        }

        let preference_sets = self.preference_sets(requirements);
        let entries: Vec<Scored> = positions
            .map(|position| {
                let own = self.tag_ids_of(position);
                let (fit, fit_score) = fit_of(own.len(), wanted_of(position, own));
                let share = preferences.share_by(|index, item| {
                    preference_sets[index].contains(position)
                        == (item.kind() == PreferenceKind::Prefer)
                });
                Scored {
                    position,
                    fit: encode(fit),
                    score: share.map_or(fit_score, |share| blend(fit_score, share)),
                }
            })
            .collect();
        out.extend(
            order(entries)
                .into_iter()
                .map(|found| make(found.position, found.score, found.fit())),
        );
        out
    }
}

/// Calls `emit` for every position of every class, in ranking order: classes by
/// (tier, score), classes with the same key merged by position.
fn emit_classes(mut classes: Vec<Class>, mut emit: impl FnMut(u32, &Class)) {
    classes.sort_by(|a, b| compare_scored(a.fit, a.score, b.fit, b.score));
    let mut start = 0;
    while start < classes.len() {
        let first = &classes[start];
        let end = start
            + classes[start..]
                .iter()
                .take_while(|c| compare_scored(c.fit, c.score, first.fit, first.score).is_eq())
                .count();
        let group = &classes[start..end];
        if let [only] = group {
            only.positions.iter().for_each(|&p| emit(p, only));
        } else {
            // Merge the ascending lists pairwise, each entry remembering its class.
            let mut merged: Vec<(u32, usize)> = Vec::new();
            for (index, class) in group.iter().enumerate() {
                merged = merge(&merged, &class.positions, index);
            }
            merged
                .into_iter()
                .for_each(|(position, index)| emit(position, &group[index]));
        }
        start = end;
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

/// `merged` and `positions` (both ascending), the latter tagged `class`, in one
/// ascending list.
fn merge(merged: &[(u32, usize)], positions: &[u32], class: usize) -> Vec<(u32, usize)> {
    let mut out = Vec::with_capacity(merged.len() + positions.len());
    let (mut a, mut b) = (merged.iter().peekable(), positions.iter().peekable());
    loop {
        match (a.peek(), b.peek()) {
            (Some(&&(p, c)), Some(&&q)) if p < q => {
                out.push((p, c));
                a.next();
            }
            (_, Some(&&q)) => {
                out.push((q, class));
                b.next();
            }
            (Some(&&entry), None) => {
                out.push(entry);
                a.next();
            }
            (None, None) => return out,
        }
    }
}

/// The comparison sort behind [`order`], for many distinct keys.
fn sorted(mut entries: Vec<Scored>) -> Vec<Scored> {
    entries.sort_unstable_by(|a, b| {
        compare_scored(a.fit(), a.score, b.fit(), b.score).then_with(|| a.position.cmp(&b.position))
    });
    entries
}
