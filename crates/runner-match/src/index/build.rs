//! Building a [`RunnerIndex`]: listing order, interned tags, and the position sets.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};

use super::bitset::{Bitset, PositionSet};
use super::RunnerIndex;
use crate::model::Runner;
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

        // Intern tags in first-seen order (one hash lookup per tag use), then renumber
        // them alphabetically so that an id is an index into the sorted vocabulary.
        let mut ids: HashMap<&str, u32, Seeded> = HashMap::with_hasher(Seeded::new());
        let mut seen_order: Vec<&str> = Vec::new();
        let mut tag_offsets: Vec<u32> = Vec::with_capacity(n + 1);
        let mut tag_ids: Vec<u32> =
            Vec::with_capacity(runners.iter().map(|runner| runner.tags.len()).sum());
        tag_offsets.push(0);
        for runner in &runners {
            let start = tag_ids.len();
            for tag in &runner.tags {
                let next = seen_order.len() as u32;
                let id = *ids.entry(tag.as_str()).or_insert_with(|| {
                    seen_order.push(tag.as_str());
                    next
                });
                tag_ids.push(id);
            }
            // A runner may list a tag twice; the score counts distinct tags.
            let own = &mut tag_ids[start..];
            if own.len() > 1 {
                own.sort_unstable();
                let distinct = dedup_sorted(own);
                tag_ids.truncate(start + distinct);
            }
            tag_offsets.push(tag_ids.len() as u32);
        }
        let mut alphabetical: Vec<u32> = (0..seen_order.len() as u32).collect();
        alphabetical.sort_unstable_by_key(|&id| seen_order[id as usize]);
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

        // Position lists, then each stored the smaller way.
        let mut carriers: Vec<Vec<u32>> = vec![Vec::new(); vocabulary.len()];
        let mut untagged = Vec::new();
        let mut active = Bitset::empty(n);
        let mut by_type: HashMap<&str, Vec<u32>, Seeded> = HashMap::with_hasher(Seeded::new());
        for (position, runner) in (0u32..).zip(&runners) {
            let own = &tag_ids[tag_offsets[position as usize] as usize
                ..tag_offsets[position as usize + 1] as usize];
            // Sorting the ids above does not reorder positions: each list stays sorted.
            for &id in own {
                carriers[id as usize].push(position);
            }
            if own.is_empty() {
                untagged.push(position);
            }
            if runner.is_schedulable() {
                active.insert(position);
            }
            if let Some(kind) = &runner.runner_type {
                by_type.entry(kind.as_str()).or_default().push(position);
            }
        }
        let mut types: Vec<(String, PositionSet)> = by_type
            .into_iter()
            .map(|(kind, positions)| (kind.to_owned(), PositionSet::new(n, positions)))
            .collect();
        types.sort_unstable_by(|a, b| a.0.cmp(&b.0));

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
fn sort_listing(runners: &mut Vec<Runner>) {
    if runners
        .windows(2)
        .all(|pair| compare_runners(&pair[0], &pair[1]).is_le())
    {
        return;
    }
    // Sort positions, not the runners themselves, then move each runner once.
    let mut order: Vec<u32> = (0..runners.len() as u32).collect();
    order.sort_by(|&a, &b| compare_runners(&runners[a as usize], &runners[b as usize]));
    let mut slots: Vec<Option<Runner>> = std::mem::take(runners).into_iter().map(Some).collect();
    runners.extend(
        order
            .into_iter()
            .filter_map(|position| slots[position as usize].take()),
    );
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

/// A fast string hash for interning (a tag is hashed once per use, hundreds of thousands
/// of times per build): multiply-rotate over 8-byte words, seeded per index from the
/// standard library's random state so that colliding tags cannot be chosen in advance.
#[derive(Debug, Clone, Copy)]
struct Seeded(u64);

impl Seeded {
    fn new() -> Self {
        Self(RandomState::new().hash_one(0x5eed_u64) | 1)
    }
}

impl BuildHasher for Seeded {
    type Hasher = WordHasher;

    fn build_hasher(&self) -> WordHasher {
        WordHasher(self.0)
    }
}

#[derive(Debug)]
struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        // Fold the high bits down: the table indexes by the low ones.
        self.0 ^ (self.0 >> 29)
    }
}
