//! The index proper, without the runners: per position a runner's distinct tag ids, and
//! sets of positions (per tag its carriers, the schedulable, the untagged, each runner
//! type's). [`RunnerIndex`](super::RunnerIndex) pairs one with its runners. A caller that
//! keeps its runners elsewhere (the npm package keeps the caller's own JS objects, and
//! interns their tags in JS) builds one from columns with [`TagIndexBuilder`]: no
//! [`Runner`](crate::Runner) and no tag string per runner.
//!
//! A [`TagIndex`] answers exactly what [`rank`](crate::rank) answers over the runners it
//! was built from, in the order they were pushed (which must be listing order,
//! [`compare_runners`](crate::compare_runners), for the ranking's tie-break to hold).

use super::bitset::{Bitset, PositionSet};
use super::Ranked;
use crate::order::{sort_by, sorted_positions, take};
use crate::rank::Fit;
use crate::requirements::Requirements;

/// Runners' tags, status and type by position, indexed for ranking (see the module
/// docs). Built by [`TagIndexBuilder`], or found in a
/// [`RunnerIndex`](super::RunnerIndex).
///
/// ```
/// use runner_match::{Requirements, TagIndexBuilder};
/// // Runners in listing order: tags as ids into the vocabulary, schedulable, type id.
/// let mut builder = TagIndexBuilder::new();
/// builder.push(&[0, 1], true, Some(0)); // gpu-a100, flux; pro
/// builder.push(&[0], true, None); // gpu-a100
/// builder.push(&[], false, None); // untagged, disabled
/// let index = builder.build(vec!["gpu-a100".into(), "flux".into()], vec!["pro".into()])?;
/// let ranked = index.rank_positions(&"gpu-a100".parse::<Requirements>()?);
/// assert_eq!(ranked.iter().map(|r| r.position).collect::<Vec<_>>(), [1, 0]);
/// assert_eq!(ranked[0].score, 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct TagIndex {
    /// Every distinct tag, sorted, so a tag's id is its index here and a lookup is a
    /// binary search (deterministic, no hasher state).
    pub(super) vocabulary: Vec<String>,
    /// Per tag id: the positions of the runners carrying it, whatever their status.
    pub(super) carriers: Vec<PositionSet>,
    /// Runner `p`'s distinct tag ids are `tag_ids[tag_offsets[p]..tag_offsets[p + 1]]`
    /// (one more offset than runners; none in a `Default` index).
    pub(super) tag_offsets: Vec<u32>,
    pub(super) tag_ids: Vec<u32>,
    /// The schedulable (active) runners.
    pub(super) active: Bitset,
    /// The runners without tags, whatever their status.
    pub(super) untagged: PositionSet,
    /// Per runner type (wire string), sorted: the runners of that type.
    pub(super) types: Vec<(String, PositionSet)>,
}

impl TagIndex {
    /// How many runners the index holds, schedulable or not.
    pub fn len(&self) -> usize {
        self.tag_offsets.len().saturating_sub(1)
    }

    /// `true` when the index holds no runners.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every distinct tag of the runners, sorted (byte order).
    pub fn vocabulary(&self) -> &[String] {
        &self.vocabulary
    }

    /// Every runner that can run the workflow, best fit first, as positions (the order
    /// the runners were pushed) with scores: what [`rank`](crate::rank) returns over
    /// those runners.
    pub fn rank_positions(&self, requirements: &Requirements) -> Vec<Ranked> {
        self.ranked(requirements, |position, score, _| Ranked {
            position,
            score,
        })
    }

    /// [`TagIndex::rank_positions`] with each match's [`Fit`].
    pub fn rank_positions_with_fit(&self, requirements: &Requirements) -> Vec<(Ranked, Fit)> {
        self.ranked(requirements, |position, score, fit| {
            (Ranked { position, score }, fit)
        })
    }

    /// How many runners can run the workflow, without scoring or sorting.
    pub fn count_matches(&self, requirements: &Requirements) -> usize {
        self.admitted(requirements).count()
    }

    /// Every tag with how many schedulable runners carry it, most common first, then
    /// alphabetically (byte order); tags found only on unschedulable runners last, with
    /// a count of 0.
    pub fn tag_counts(&self) -> Vec<(&str, usize)> {
        let mut counts: Vec<(&str, usize)> = self
            .vocabulary
            .iter()
            .zip(&self.carriers)
            .map(|(name, set)| (name.as_str(), set.count_in(&self.active)))
            .collect();
        // `vocabulary` is already alphabetical, so a stable sort by count keeps that order
        // among equal counts.
        sort_by(&mut counts, |a, b| b.1.cmp(&a.1));
        counts
    }

    /// The bytes the index holds (its sets, tag ids and vocabulary), for sizing: about
    /// `4 · (1 + t̄)` bytes per runner with `t̄` distinct tags on average, plus `n / 8`
    /// bytes per common tag, per runner type and for the active and untagged sets.
    pub fn index_bytes(&self) -> usize {
        let vocabulary: usize = self
            .vocabulary
            .iter()
            .map(|tag| tag.capacity() + std::mem::size_of::<String>())
            .sum();
        let sets: usize = self
            .carriers
            .iter()
            .chain(self.types.iter().map(|(_, set)| set))
            .chain([&self.untagged])
            .map(|set| set.heap_bytes() + std::mem::size_of::<PositionSet>())
            .sum();
        let types: usize = self.types.iter().map(|(name, _)| name.capacity()).sum();
        vocabulary
            + sets
            + types
            + self.active.heap_bytes()
            + (self.tag_offsets.capacity() + self.tag_ids.capacity()) * std::mem::size_of::<u32>()
    }

    /// Runner `position`'s distinct tag ids.
    pub(super) fn tag_ids_of(&self, position: u32) -> &[u32] {
        let p = position as usize;
        &self.tag_ids[self.tag_offsets[p] as usize..self.tag_offsets[p + 1] as usize]
    }
}

/// Why [`TagIndexBuilder::build`] refused its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagIndexError {
    /// A runner's tag id is not an index into the vocabulary.
    #[error("tag id {id} is not in the vocabulary of {tags} tags")]
    UnknownTag {
        /// The id pushed.
        id: u32,
        /// How many tags the vocabulary holds.
        tags: usize,
    },
    /// A runner's type id is not an index into the types.
    #[error("type id {id} is not among the {types} runner types")]
    UnknownType {
        /// The id pushed.
        id: u32,
        /// How many types there are.
        types: usize,
    },
    /// The vocabulary (or the types) lists a string twice: ids would be ambiguous.
    #[error("{text:?} appears twice in the {what}")]
    Repeated {
        /// `"vocabulary"` or `"runner types"`.
        what: &'static str,
        /// The repeated string.
        text: String,
    },
    /// More runners or tag ids than positions and offsets (`u32`) can address.
    #[error("more than u32::MAX runners or tag ids")]
    TooLarge,
}

/// Builds a [`TagIndex`] from runners as columns, pushed in listing order: tag ids into
/// a vocabulary given at the end (repeats within a runner are dropped, as the score
/// counts distinct tags), whether the runner is schedulable, and its type id.
#[derive(Debug, Clone)]
pub struct TagIndexBuilder {
    tag_offsets: Vec<u32>,
    tag_ids: Vec<u32>,
    untagged: Vec<u32>,
    active: Vec<u32>,
    /// (type id, position) of each typed runner, in position order.
    typed: Vec<(u32, u32)>,
    too_large: bool,
}

impl Default for TagIndexBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl TagIndexBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::with_capacity(0, 0)
    }

    /// An empty builder with room for `runners` runners carrying `tags` tags in all.
    pub fn with_capacity(runners: usize, tags: usize) -> Self {
        let mut tag_offsets = Vec::with_capacity(runners + 1);
        tag_offsets.push(0);
        Self {
            tag_offsets,
            tag_ids: Vec::with_capacity(tags),
            untagged: Vec::new(),
            active: Vec::with_capacity(runners),
            typed: Vec::new(),
            too_large: false,
        }
    }

    /// How many runners were pushed.
    pub fn len(&self) -> usize {
        self.tag_offsets.len() - 1
    }

    /// `true` before the first push.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds the next runner in listing order: its tag ids (indexes into the vocabulary
    /// [`build`](Self::build) takes), whether it is schedulable (active), and its type
    /// id (an index into the types `build` takes).
    pub fn push(&mut self, tag_ids: &[u32], schedulable: bool, type_id: Option<u32>) {
        let Ok(position) = u32::try_from(self.len()) else {
            self.too_large = true;
            return;
        };
        let start = self.tag_ids.len();
        self.tag_ids.extend_from_slice(tag_ids);
        let own = &mut self.tag_ids[start..];
        if own.len() > 1 {
            sort_small(own);
            let distinct = dedup_sorted(own);
            self.tag_ids.truncate(start + distinct);
        }
        match u32::try_from(self.tag_ids.len()) {
            Ok(end) => self.tag_offsets.push(end),
            Err(_) => {
                self.too_large = true;
                self.tag_offsets.push(u32::MAX);
            }
        }
        if tag_ids.is_empty() {
            self.untagged.push(position);
        }
        if schedulable {
            self.active.push(position);
        }
        if let Some(kind) = type_id {
            self.typed.push((kind, position));
        }
    }

    /// The index, with `vocabulary[id]` the tag of id `id` and `types[id]` the runner
    /// type (wire string) of type id `id`. Refuses ids out of range and repeated strings.
    pub fn build(
        self,
        vocabulary: Vec<String>,
        types: Vec<String>,
    ) -> Result<TagIndex, TagIndexError> {
        if self.too_large {
            return Err(TagIndexError::TooLarge);
        }
        let n = self.len();
        let Self {
            tag_offsets,
            mut tag_ids,
            untagged,
            active,
            typed,
            ..
        } = self;
        if let Some(&id) = tag_ids.iter().find(|&&id| id as usize >= vocabulary.len()) {
            let tags = vocabulary.len();
            return Err(TagIndexError::UnknownTag { id, tags });
        }
        if let Some(&(id, _)) = typed.iter().find(|(id, _)| *id as usize >= types.len()) {
            let types = types.len();
            return Err(TagIndexError::UnknownType { id, types });
        }
        let (vocabulary, renumber) = alphabetical(vocabulary, "vocabulary")?;
        for id in &mut tag_ids {
            *id = renumber[*id as usize];
        }
        // Grown by pushes, it may hold up to twice its length: the index keeps it.
        tag_ids.shrink_to_fit();

        // Position lists, then each stored the smaller way. Positions come in order, so
        // each list is sorted.
        let mut carriers: Vec<Vec<u32>> = vec![Vec::new(); vocabulary.len()];
        for (position, own) in (0u32..).zip(tag_offsets.windows(2)) {
            for &id in &tag_ids[own[0] as usize..own[1] as usize] {
                carriers[id as usize].push(position);
            }
        }
        let (types, type_renumber) = alphabetical(types, "runner types")?;
        let mut by_type: Vec<Vec<u32>> = vec![Vec::new(); types.len()];
        for (kind, position) in typed {
            by_type[type_renumber[kind as usize] as usize].push(position);
        }
        Ok(TagIndex {
            carriers: carriers
                .into_iter()
                .map(|positions| PositionSet::new(n, positions))
                .collect(),
            vocabulary,
            tag_offsets,
            tag_ids,
            active: Bitset::from_positions(n, &active),
            untagged: PositionSet::new(n, untagged),
            types: types
                .into_iter()
                .zip(by_type)
                .map(|(kind, positions)| (kind, PositionSet::new(n, positions)))
                .collect(),
        })
    }
}

/// `strings` sorted (byte order), with `renumber[old] = new`; refuses a repeat.
fn alphabetical(
    strings: Vec<String>,
    what: &'static str,
) -> Result<(Vec<String>, Vec<u32>), TagIndexError> {
    let order = sorted_positions(strings.len(), &|a, b| strings[a].cmp(&strings[b]));
    if let Some(pair) = order
        .windows(2)
        .find(|pair| strings[pair[0] as usize] == strings[pair[1] as usize])
    {
        let text = strings[pair[0] as usize].clone();
        return Err(TagIndexError::Repeated { what, text });
    }
    let mut renumber = vec![0u32; strings.len()];
    for (new, &old) in (0u32..).zip(&order) {
        renumber[old as usize] = new;
    }
    Ok((take(strings, &order), renumber))
}

/// Sorts a runner's tag ids in place: an insertion sort, with no call per comparison,
/// for the handful a runner has (ComfyControl allows 10); past 32 ids, [`sort_by`].
fn sort_small(ids: &mut [u32]) {
    if ids.len() > 32 {
        return sort_by(ids, u32::cmp);
    }
    for end in 1..ids.len() {
        let id = ids[end];
        let mut at = end;
        while at > 0 && ids[at - 1] > id {
            ids[at] = ids[at - 1];
            at -= 1;
        }
        ids[at] = id;
    }
}

/// Removes repeats from a sorted slice in place; returns how many distinct values lead.
fn dedup_sorted(values: &mut [u32]) -> usize {
    let mut kept = 0;
    for index in 0..values.len() {
        if index == 0 || values[index] != values[kept - 1] {
            values[kept] = values[index];
            kept += 1;
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_refuses_bad_columns_with_exact_errors() {
        let mut builder = TagIndexBuilder::new();
        builder.push(&[0, 2], true, None);
        let error = builder.clone().build(vec!["a".into(), "b".into()], vec![]);
        assert_eq!(
            error.unwrap_err().to_string(),
            "tag id 2 is not in the vocabulary of 2 tags"
        );
        let error = builder.build(vec!["a".into(), "b".into(), "a".into()], vec![]);
        assert_eq!(
            error.unwrap_err().to_string(),
            "\"a\" appears twice in the vocabulary"
        );
        let mut builder = TagIndexBuilder::new();
        builder.push(&[], true, Some(1));
        let error = builder.clone().build(vec![], vec!["pro".into()]);
        assert_eq!(
            error.unwrap_err().to_string(),
            "type id 1 is not among the 1 runner types"
        );
        let error = builder.build(vec![], vec!["pro".into(), "pro".into()]);
        assert_eq!(
            error.unwrap_err().to_string(),
            "\"pro\" appears twice in the runner types"
        );
    }

    #[test]
    fn sort_small_sorts_on_both_paths() {
        for len in [0u32, 1, 5, 32, 33, 40] {
            let mut ids: Vec<u32> = (0..len).rev().map(|i| i / 2).collect();
            let mut expected = ids.clone();
            expected.sort_unstable();
            sort_small(&mut ids);
            assert_eq!(ids, expected, "{len} ids");
        }
    }

    #[test]
    fn repeated_ids_within_a_runner_count_once() {
        let mut builder = TagIndexBuilder::new();
        builder.push(&[1, 0, 1, 1], true, None);
        let index = builder.build(vec!["b".into(), "a".into()], vec![]);
        let index = index.expect("valid columns");
        let mut own = index.tag_ids_of(0).to_vec();
        own.sort_unstable();
        assert_eq!(own, [0, 1]);
        assert_eq!(index.vocabulary(), ["a", "b"]);
    }
}
