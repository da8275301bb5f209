//! Scoring the admitted positions (and only those) and putting them in ranking order.
//!
//! A match's fit and score are computed with the very functions [`rank`](crate::rank)
//! uses, so the bits agree. The order is [`rank`](crate::rank)'s: tier, score, then
//! listing order, which is position order. Matches arrive in position order, and a
//! fleet's matches share few distinct (tier, score) keys, so a stable counting sort
//! gives the order in linear time: each key gets a bucket, each match is appended to its
//! bucket (which so stays in position order), and the buckets are emitted in key order.
//! Without preferences a match's fit and score depend only on its distinct tag count
//! `t` and wanted tag count `m`, so each (`t`, `m`) class is scored once and looked up
//! in a table; with preferences each match is scored on its own (a weighted sum over
//! the preference sets that hold it). Past [`MAX_BUCKETS`] distinct keys (many
//! preferences with odd weights) a comparison sort takes over.

use super::TagIndex;
use crate::order::sort_by;
use crate::preferences::{blend, PreferenceKind};
use crate::rank::{compare_scored, Fit};
use crate::requirements::Requirements;
use crate::score;

/// The most distinct (tier, score) keys the counting sort handles.
const MAX_BUCKETS: usize = 64;

/// Classes with `t` and `m` below this are found by table lookup.
const TABLE: usize = 32;

/// [`Fit`] in 4 bytes: extra tags, or `u32::MAX` for a wildcard runner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FitCode(u32);

impl FitCode {
    const WILDCARD: Self = Self(u32::MAX);

    fn new(fit: Fit) -> Self {
        match fit {
            Fit::WildcardRunner => Self::WILDCARD,
            Fit::Exact => Self(0),
            Fit::Superset { extra_tags } => Self(extra_tags as u32),
        }
    }

    fn fit(self) -> Fit {
        match self {
            Self::WILDCARD => Fit::WildcardRunner,
            Self(0) => Fit::Exact,
            Self(extra) => Fit::Superset {
                extra_tags: extra as usize,
            },
        }
    }
}

/// The first two keys of the ranking order, as a bucket key: wildcard runners last,
/// then score (finite and non-negative, where bit equality is equality).
fn key(fit: FitCode, score: f64) -> (bool, u64) {
    (fit == FitCode::WILDCARD, score.to_bits())
}

/// The matches sharing one (tier, score) key, in position order, with their fits.
#[derive(Debug)]
struct Bucket {
    key: (bool, u64),
    matches: Vec<(u32, FitCode)>,
}

/// Buckets by key, or, past [`MAX_BUCKETS`] keys, every match for a comparison sort.
#[derive(Debug, Default)]
struct Buckets {
    buckets: Vec<Bucket>,
    /// The bucket of the last match: neighbours often share one.
    last: usize,
    overflow: Option<Vec<(u32, FitCode, f64)>>,
}

impl Buckets {
    /// The bucket for `key`, made when new; `None` past [`MAX_BUCKETS`] keys.
    fn find(&mut self, key: (bool, u64)) -> Option<usize> {
        if self.overflow.is_some() {
            return None;
        }
        if self.buckets.get(self.last).is_some_and(|b| b.key == key) {
            return Some(self.last);
        }
        let found = match self.buckets.iter().position(|b| b.key == key) {
            Some(found) => found,
            None if self.buckets.len() == MAX_BUCKETS => return None,
            None => {
                self.buckets.push(Bucket {
                    key,
                    matches: Vec::new(),
                });
                self.buckets.len() - 1
            }
        };
        self.last = found;
        Some(found)
    }

    fn push(&mut self, position: u32, fit: FitCode, score: f64) {
        if self.overflow.is_none() {
            match self.find(key(fit, score)) {
                Some(bucket) => return self.buckets[bucket].matches.push((position, fit)),
                None => {
                    // Too many keys: gather everything for a comparison sort.
                    let mut all = Vec::new();
                    for bucket in self.buckets.drain(..) {
                        let score = f64::from_bits(bucket.key.1);
                        all.extend(bucket.matches.into_iter().map(|(p, f)| (p, f, score)));
                    }
                    self.overflow = Some(all);
                }
            }
        }
        if let Some(all) = &mut self.overflow {
            all.push((position, fit, score));
        }
    }

    /// How many matches were pushed.
    fn len(&self) -> usize {
        match &self.overflow {
            Some(all) => all.len(),
            None => self.buckets.iter().map(|b| b.matches.len()).sum(),
        }
    }

    /// Every match in ranking order, as `emit(position, score, fit)`. A `dyn` callback
    /// keeps one copy of this in the .wasm whatever the callers collect.
    fn emit(mut self, emit: &mut dyn FnMut(u32, f64, Fit)) {
        if let Some(mut all) = self.overflow {
            sort_by(&mut all, |a, b| {
                compare_scored(a.1.fit(), a.2, b.1.fit(), b.2).then_with(|| a.0.cmp(&b.0))
            });
            return all.into_iter().for_each(|(p, f, s)| emit(p, s, f.fit()));
        }
        let fit = |wildcard: bool| {
            if wildcard {
                Fit::WildcardRunner
            } else {
                Fit::Exact
            }
        };
        sort_by(&mut self.buckets, |a, b| {
            let (a, b) = (a.key, b.key);
            compare_scored(fit(a.0), f64::from_bits(a.1), fit(b.0), f64::from_bits(b.1))
        });
        for bucket in self.buckets {
            let score = f64::from_bits(bucket.key.1);
            for (position, fit) in bucket.matches {
                emit(position, score, fit.fit());
            }
        }
    }
}

impl TagIndex {
    /// Every match in ranking order, as `make(position, score, fit)`: a thin generic
    /// shell around the non-generic [`scored`](Self::scored) and [`Buckets::emit`], so
    /// each output type adds only this to the .wasm.
    pub(super) fn ranked<T>(
        &self,
        requirements: &Requirements,
        make: impl Fn(u32, f64, Fit) -> T,
    ) -> Vec<T> {
        let buckets = self.scored(requirements);
        let mut out = Vec::with_capacity(buckets.len());
        buckets.emit(&mut |position, score, fit| out.push(make(position, score, fit)));
        out
    }

    /// Every match scored, in buckets by (tier, score) key.
    fn scored(&self, requirements: &Requirements) -> Buckets {
        let admitted = self.admitted(requirements);
        let positions = admitted
            .main
            .iter()
            .chain(admitted.wildcard.iter().flat_map(|found| found.iter()));
        let wanted = self.wanted(requirements, &admitted);
        let names_terms = score::names_terms(requirements);
        let fit_of = |distinct: usize, m: usize| {
            let fit = score::classify(distinct, m, names_terms);
            (FitCode::new(fit), score::fit_score(fit, distinct))
        };

        let mut buckets = Buckets::default();
        let preferences = requirements.preferences();
        if preferences.is_empty() {
            // Per (t, m) class: its fit and bucket, found once.
            let mut classes: Vec<Option<(FitCode, usize)>> = vec![None; TABLE * TABLE];
            positions.for_each(|position| {
                let own = self.tag_ids_of(position);
                let (distinct, m) = (own.len(), wanted.count(position, own));
                let slot = distinct * TABLE + m;
                // (Once the buckets overflow, the remembered ones are gone.)
                let known = (m < TABLE && buckets.overflow.is_none())
                    .then(|| classes.get(slot).copied().flatten())
                    .flatten();
                if let Some((fit, bucket)) = known {
                    return buckets.buckets[bucket].matches.push((position, fit));
                }
                let (fit, score) = fit_of(distinct, m);
                match buckets.find(key(fit, score)) {
                    Some(bucket) if distinct < TABLE && m < TABLE => {
                        classes[slot] = Some((fit, bucket));
                        buckets.buckets[bucket].matches.push((position, fit));
                    }
                    _ => buckets.push(position, fit, score),
                }
            });
        } else {
            let preference_sets = self.preference_sets(requirements);
            positions.for_each(|position| {
                let own = self.tag_ids_of(position);
                let (fit, fit_score) = fit_of(own.len(), wanted.count(position, own));
                let share = preferences.share_by(|index, item| {
                    preference_sets[index].contains(position)
                        == (item.kind() == PreferenceKind::Prefer)
                });
                buckets.push(
                    position,
                    fit,
                    share.map_or(fit_score, |s| blend(fit_score, s)),
                );
            });
        }
        buckets
    }
}
