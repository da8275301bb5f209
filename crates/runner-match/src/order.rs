//! One sort for the whole crate.
//!
//! Every `sort_by` closure type is a separate copy of the standard library's sort:
//! about 3.5 KB of WebAssembly each. Sorting goes through [`sorted_positions`] instead,
//! the only instantiation: positions sorted with a `dyn` comparator, ties broken by
//! position, so the result is exactly what a stable sort gives. [`sort_by`] applies
//! that order to a slice by swaps worked out once per permutation, not per type. The
//! crate's ordered maps are sorted `Vec`s (`sorted_entry`), not `BTreeMap`s, whose node
//! code is another copy per key and value type; its sets are hash sets (the
//! `Interner`).

use std::cmp::Ordering;

/// The positions `0..len` in the order `compare` (on positions) puts them, equal
/// elements in their original order.
pub fn sorted_positions(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<u32> {
    let mut order: Vec<u32> = (0..len as u32).collect();
    order.sort_unstable_by(|&a, &b| compare(a as usize, b as usize).then(a.cmp(&b)));
    order
}

/// Sorts `items` stably by `compare` (see the module documentation).
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    let order = sorted_positions(items.len(), &|a, b| compare(&items[a], &items[b]));
    // Only the swap itself is per type: the permutation's cycles are walked by one
    // function for all of them.
    permute(order, &mut |a, b| items.swap(a, b));
}

/// Puts the item at `order[i]` at `i`, for every `i`, with `swap`: each cycle of the
/// permutation is walked once, carrying its first item along.
fn permute(mut order: Vec<u32>, swap: &mut dyn FnMut(usize, usize)) {
    const DONE: u32 = u32::MAX;
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != DONE {
            let next = order[at] as usize;
            order[at] = DONE;
            if next != start {
                swap(at, next);
            }
            at = next;
        }
    }
}

/// The items at `positions` (in range; a repeat takes nothing more), in that order; the
/// rest are dropped.
/// Keeping every item in place (a listing without repeats) moves nothing: a large list
/// is not copied twice over, which is what a wasm client's memory high-water mark pays.
/// Otherwise the items are moved in place by the one cycle walk of [`sort_by`] (the kept
/// ones first, in order, then the others), and the others truncated: no second list of
/// items, and no per-type copy of the walk.
pub(crate) fn take<T>(mut items: Vec<T>, positions: &[u32]) -> Vec<T> {
    let unmoved = positions.len() == items.len()
        && positions
            .iter()
            .enumerate()
            .all(|(i, &at)| at as usize == i);
    if unmoved {
        return items;
    }
    let mut kept = vec![false; items.len()];
    let mut order = Vec::with_capacity(items.len());
    for &at in positions {
        // A repeated position takes nothing more (the item is already taken).
        if !std::mem::replace(&mut kept[at as usize], true) {
            order.push(at);
        }
    }
    let len = order.len();
    order.extend((0..items.len() as u32).filter(|&at| !kept[at as usize]));
    permute(order, &mut |a, b| items.swap(a, b));
    items.truncate(len);
    items
}

/// The value under `key` in `map`, a `Vec` sorted by key with distinct keys, inserted
/// as `V::default()` where missing: a `BTreeMap` entry's `or_default`.
pub(crate) fn sorted_entry<K: Ord, V: Default>(map: &mut Vec<(K, V)>, key: K) -> &mut V {
    let at = match map.binary_search_by(|(known, _)| known.cmp(&key)) {
        Ok(at) => at,
        Err(at) => {
            map.insert(at, (key, V::default()));
            at
        }
    };
    &mut map[at].1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably() {
        let mut items = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        sort_by(&mut items, |a, b| a.0.cmp(&b.0));
        assert_eq!(items, [(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
        assert_eq!(sorted_positions(3, &|a, b| b.cmp(&a)), [2, 1, 0]);
        assert_eq!(
            sorted_positions(4, &|a, b| (a % 2).cmp(&(b % 2))),
            [0, 2, 1, 3]
        );
        sort_by(&mut Vec::<u8>::new(), u8::cmp);
        let mut long: Vec<u32> = (0..1000).map(|i| (i * 7919) % 1000).collect();
        sort_by(&mut long, |a, b| b.cmp(a));
        assert!(long.iter().rev().copied().eq(0..1000));
    }

    #[test]
    fn takes_and_maps() {
        assert_eq!(take(vec!['a', 'b', 'c'], &[2, 0]), ['c', 'a']);
        assert_eq!(take(vec!['a', 'b', 'c'], &[0, 1, 2]), ['a', 'b', 'c']);
        assert_eq!(take(vec!['a', 'b', 'c'], &[0, 1]), ['a', 'b']);
        assert_eq!(take(vec!['a', 'b', 'c'], &[2, 2, 0, 2]), ['c', 'a']);
        assert_eq!(take(vec!['a', 'b'], &[0, 0]), ['a']);
        assert_eq!(take(vec!['a', 'b', 'c', 'd'], &[3, 1]), ['d', 'b']);
        assert_eq!(take(vec!['a', 'b', 'c'], &[]), [] as [char; 0]);
        let strings: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        let positions: Vec<u32> = (0..100).rev().filter(|i| i % 3 != 0).collect();
        let taken = take(strings, &positions);
        assert!(taken
            .iter()
            .map(|s| s.parse::<u32>().unwrap())
            .eq(positions));
        let mut map: Vec<(&str, usize)> = Vec::new();
        for key in ["b", "a", "b", "c", "b"] {
            *sorted_entry(&mut map, key) += 1;
        }
        assert_eq!(map, [("a", 1), ("b", 3), ("c", 1)]);
    }
}
