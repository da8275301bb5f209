//! The set algebra: which positions a requirement admits, computed from the position
//! sets without reading a runner's strings.
//!
//! - A tag list is the AND of its tags' sets (tagged matches), and separately the
//!   untagged set (ComfyControl's wildcard runners), each AND the active set. A tag no
//!   runner carries makes the tagged part empty without touching any runner.
//! - An expression is AND / OR / NOT over sets, with negations pushed down to the
//!   leaves, exactly as [`Expression::eval`](crate::Expression::eval) defines it: a
//!   positive tag or glob leaf is its carriers OR the untagged set, a negated one the
//!   complement of its carriers (which holds the untagged runners), and `type:` leaves
//!   use the per-type sets and no wildcard. A glob is the OR of the carriers of the
//!   fleet tags it matches, matched against the vocabulary once per leaf.
//! - A preference key is evaluated the same way but strictly (an untagged runner has
//!   no tags), as [`Expression::eval_strict`](crate::Expression::eval_strict) does.

use super::bitset::{Bitset, Counter, Found, PositionSet};
use super::TagIndex;
use crate::expr::{glob, ExpressionNode, Untagged};
use crate::requirements::Requirements;

/// The most wanted tags counted word-wise (see [`Counter`]).
const MAX_COUNTED_SETS: usize = 64;

/// How many of a match's distinct tags the requirement wants.
#[derive(Debug)]
pub(super) enum Wanted {
    /// A tag list: a tagged match carries all `r` of its tags.
    All(usize),
    /// Per vocabulary id, whether it is wanted.
    Ids(Vec<bool>),
    /// Counted for every match in advance.
    Counted(Counter),
}

impl Wanted {
    /// The wanted tags of the match at `position`, whose distinct tag ids are `own`.
    pub(super) fn count(&self, position: u32, own: &[u32]) -> usize {
        match self {
            Self::All(required) => *required,
            Self::Ids(ids) => own.iter().filter(|&&id| ids[id as usize]).count(),
            Self::Counted(counter) => counter.get(position),
        }
    }
}

/// The positions a requirement admits, in two tiers.
#[derive(Debug)]
pub(super) struct Admitted {
    /// Active runners admitted on their tags (for the untagged workflow without
    /// preferences, and for expressions: every admitted runner).
    pub(super) main: Found,
    /// Active untagged runners admitted only as ComfyControl's wildcard, for a tag list
    /// (`None` otherwise: they are in `main`).
    pub(super) wildcard: Option<Found>,
}

impl Admitted {
    pub(super) fn count(&self) -> usize {
        self.main.count() + self.wildcard.as_ref().map_or(0, Found::count)
    }
}

impl TagIndex {
    /// Every active runner the hard requirement admits.
    pub(super) fn admitted(&self, requirements: &Requirements) -> Admitted {
        if let Some(expression) = requirements.expression() {
            let mut found = self.eval(expression.root(), false, Untagged::Wildcard);
            found.and_with(&self.active);
            return Admitted {
                main: Found::Dense(found),
                wildcard: None,
            };
        }
        let required = requirements.tags();
        if required.is_empty() {
            return Admitted {
                main: Found::Dense(self.active.clone()),
                wildcard: None,
            };
        }
        let mut wildcard = self.untagged.to_bitset(self.len());
        wildcard.and_with(&self.active);
        Admitted {
            main: self.carrying_all(required),
            wildcard: Some(Found::Dense(wildcard)),
        }
    }

    /// The active runners carrying every one of `tags` (at least one tag).
    fn carrying_all(&self, tags: &[String]) -> Found {
        let mut sets: Vec<&PositionSet> = Vec::with_capacity(tags.len());
        for tag in tags {
            match self.tag_id(tag) {
                Some(id) => sets.push(&self.carriers[id]),
                None => return Found::Sparse(Vec::new()),
            }
        }
        // Start from the smallest set (the first of equals): the result can only shrink
        // from there, and the order of the rest does not change it. A sparse set is
        // smaller than any dense one, so either the first is a list (filter it) or
        // every set is dense (word-wise AND).
        let smallest = (0..sets.len())
            .min_by_key(|&at| sets[at].len())
            .unwrap_or(0);
        sets.swap(0, smallest);
        match sets[0] {
            PositionSet::Sparse(list) => Found::Sparse(
                list.iter()
                    .copied()
                    .filter(|&p| self.active.contains(p) && sets[1..].iter().all(|s| s.contains(p)))
                    .collect(),
            ),
            PositionSet::Dense(first) => {
                let mut found = first.clone();
                found.and_with(&self.active);
                for set in &sets[1..] {
                    if let PositionSet::Dense(bits) = set {
                        found.and_with(bits);
                    }
                }
                Found::Dense(found)
            }
        }
    }

    /// The positions (any status) where `node`, or `!node` when `negated`, holds.
    pub(super) fn eval(&self, node: &ExpressionNode, negated: bool, untagged: Untagged) -> Bitset {
        let n = self.len();
        // A tag or glob leaf from its carriers: a negated leaf is their complement
        // (untagged runners carry nothing, so they are in it); a positive one holds
        // the untagged runners too under the wildcard rule.
        let tag_leaf = |mut carriers: Bitset| {
            if negated {
                carriers.negate(n);
            } else if untagged == Untagged::Wildcard {
                self.untagged.or_into(&mut carriers);
            }
            carriers
        };
        let combine = |items: &[ExpressionNode], all: bool| {
            let mut operands = items.iter();
            let Some(first) = operands.next() else {
                // The empty AND holds everywhere; its negation nowhere.
                return if all {
                    Bitset::full(n)
                } else {
                    Bitset::empty(n)
                };
            };
            let mut acc = self.eval(first, negated, untagged);
            for item in operands {
                let done = if all {
                    acc.is_empty()
                } else {
                    acc.count() == n
                };
                if done {
                    break;
                }
                let next = self.eval(item, negated, untagged);
                if all {
                    acc.and_with(&next);
                } else {
                    acc.or_with(&next);
                }
            }
            acc
        };
        match node {
            ExpressionNode::Tag(tag) => tag_leaf(match self.tag_id(tag) {
                Some(id) => self.carriers[id].to_bitset(n),
                None => Bitset::empty(n),
            }),
            ExpressionNode::Glob(pattern) => {
                let mut carriers = Bitset::empty(n);
                for (name, set) in self.vocabulary.iter().zip(&self.carriers) {
                    if glob::matches(pattern, name) {
                        set.or_into(&mut carriers);
                    }
                }
                tag_leaf(carriers)
            }
            ExpressionNode::Type(pattern) => {
                let mut typed = Bitset::empty(n);
                for (name, set) in &self.types {
                    if glob::matches(pattern, name) {
                        set.or_into(&mut typed);
                    }
                }
                if negated {
                    typed.negate(n);
                }
                typed
            }
            ExpressionNode::Not(inner) => self.eval(inner, !negated, untagged),
            // De Morgan: !(a & b) = !a | !b, !(a | b) = !a & !b.
            ExpressionNode::And(items) => combine(items, !negated),
            ExpressionNode::Or(items) => combine(items, negated),
        }
    }

    /// Per preference, in order: the positions that satisfy its key (strictly).
    pub(super) fn preference_sets(&self, requirements: &Requirements) -> Vec<Bitset> {
        requirements
            .preferences()
            .as_slice()
            .iter()
            .map(|item| self.eval(item.key().root(), false, Untagged::HasNoTags))
            .collect()
    }

    /// How to count a match's wanted tags (the `m` of the score).
    pub(super) fn wanted(&self, requirements: &Requirements, admitted: &Admitted) -> Wanted {
        let (Some(_), Found::Dense(within)) = (requirements.expression(), &admitted.main) else {
            // Every tagged match of a tag list carries its `r` required tags.
            return Wanted::All(requirements.tags().len());
        };
        let ids: Vec<bool> = self
            .vocabulary
            .iter()
            .map(|tag| requirements.wants(tag))
            .collect();
        let sets: Vec<&PositionSet> = self
            .carriers
            .iter()
            .zip(&ids)
            .filter_map(|(set, &wanted)| wanted.then_some(set))
            .collect();
        // A few wanted tags: count them for all matches at once, word by word; many
        // (a glob over a large vocabulary): per match, over its own tags.
        if sets.len() > MAX_COUNTED_SETS {
            return Wanted::Ids(ids);
        }
        let mut counter = Counter::new(within.clone(), sets.len());
        for set in sets {
            counter.add(set);
        }
        Wanted::Counted(counter)
    }

    pub(super) fn tag_id(&self, tag: &str) -> Option<usize> {
        self.vocabulary
            .binary_search_by(|name| name.as_str().cmp(tag))
            .ok()
    }
}
