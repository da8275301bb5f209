//! Building a [`RunnerIndex`]: listing order, interned tags, and the position sets.

use super::bitset::{Bitset, PositionSet};
use super::recent::RecentIds;
use super::RunnerIndex;
use crate::model::Runner;
use crate::order::{sort_by, sorted_positions};
use crate::rank::compare_runners;

impl RunnerIndex {
    /// Indexes `runners` (see [`RunnerIndex::new`]).
    pub(super) fn build(mut runners: Vec<Runner>) -> Self {
        sort_listing(&mut runners);
        let n = runners.len();
        assert!(
            u32::try_from(n).is_ok(),
            "a RunnerIndex holds at most u32::MAX runners"
        );

        // One pass over the runners (each is read once: they are large and scattered):
        // intern tags in first-seen order (most uses hit the recent cache; renumbered
        // alphabetically below, so that an id is an index into the sorted vocabulary),
        // and record the untagged, the schedulable and each runner type's positions.
        let mut ids = RecentIds::new();
        let mut tag_offsets: Vec<u32> = Vec::with_capacity(n + 1);
        let mut tag_ids: Vec<u32> = Vec::new();
        let mut untagged = Vec::new();
        let mut active = Bitset::empty(n);
        let mut type_ids = RecentIds::new();
        let mut by_type: Vec<Vec<u32>> = Vec::new();
        tag_offsets.push(0);
        for (position, runner) in (0u32..).zip(&runners) {
            let start = tag_ids.len();
            tag_ids.extend(runner.tags.iter().map(|tag| ids.intern(tag).0));
            // A runner may list a tag twice; the score counts distinct tags.
            let own = &mut tag_ids[start..];
            if own.len() > 1 {
                insertion_sort(own);
                let distinct = dedup_sorted(own);
                tag_ids.truncate(start + distinct);
            }
            tag_offsets.push(tag_ids.len() as u32);
            if runner.tags.is_empty() {
                untagged.push(position);
            }
            if runner.is_schedulable() {
                active.insert(position);
            }
            if let Some(kind) = &runner.runner_type {
                let (id, new) = type_ids.intern(kind.as_str());
                if new {
                    by_type.push(Vec::new());
                }
                by_type[id as usize].push(position);
            }
        }
        let seen_order = ids.strings();
        let alphabetical =
            sorted_positions(seen_order.len(), &|a, b| seen_order[a].cmp(seen_order[b]));
        let mut renumber = vec![0u32; alphabetical.len()];
        for (new, &old) in (0u32..).zip(&alphabetical) {
            renumber[old as usize] = new;
        }
        let vocabulary: Vec<String> = alphabetical
            .iter()
            .map(|&old| seen_order[old as usize].to_owned())
            .collect();
        for id in &mut tag_ids {
            *id = renumber[*id as usize];
        }
        // Grown by pushes, it may hold up to twice its length: the index keeps it.
        tag_ids.shrink_to_fit();

        // Position lists, then each stored the smaller way.
        let mut carriers: Vec<Vec<u32>> = vec![Vec::new(); vocabulary.len()];
        for (position, own) in (0u32..).zip(tag_offsets.windows(2)) {
            // Sorting the ids above does not reorder positions: each list stays sorted.
            for &id in &tag_ids[own[0] as usize..own[1] as usize] {
                carriers[id as usize].push(position);
            }
        }
        let mut types: Vec<(String, PositionSet)> = (type_ids.strings().iter())
            .zip(by_type)
            .map(|(kind, positions)| ((*kind).to_owned(), PositionSet::new(n, positions)))
            .collect();
        sort_by(&mut types, |a, b| a.0.cmp(&b.0));

        Self {
            carriers: carriers
                .into_iter()
                .map(|positions| PositionSet::new(n, positions))
                .collect(),
            vocabulary,
            tag_offsets,
            tag_ids,
            untagged: PositionSet::new(n, untagged),
            active,
            types,
            runners,
        }
    }
}

/// Stable sort into listing order; input that is already in order (an API listing,
/// newest first) is only checked.
fn sort_listing(runners: &mut [Runner]) {
    if runners
        .windows(2)
        .all(|pair| compare_runners(&pair[0], &pair[1]).is_le())
    {
        return;
    }
    sort_by(runners, compare_runners);
}

/// Sorts a runner's tag ids (a handful: ComfyControl allows 10) in place without a call
/// per comparison; past 32 ids, through [`sorted_positions`].
fn insertion_sort(ids: &mut [u32]) {
    if ids.len() > 32 {
        let order = sorted_positions(ids.len(), &|a, b| ids[a].cmp(&ids[b]));
        let sorted: Vec<u32> = order.iter().map(|&at| ids[at as usize]).collect();
        return ids.copy_from_slice(&sorted);
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
