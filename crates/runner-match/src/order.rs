//! One sort for the whole crate.
//!
//! Every `sort_by` closure type is a separate copy of the standard library's sort:
//! about 3.5 KB of WebAssembly each. Sorting goes through [`sorted_positions`] instead,
//! the only instantiation: positions sorted with a `dyn` comparator, ties broken by
//! position, so the result is exactly what a stable sort gives.

use std::cmp::Ordering;

/// The positions `0..len` in the order `compare` (on positions) puts them, equal
/// elements in their original order.
pub fn sorted_positions(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<u32> {
    let mut order: Vec<u32> = (0..len as u32).collect();
    order.sort_unstable_by(|&a, &b| compare(a as usize, b as usize).then(a.cmp(&b)));
    order
}

/// Sorts `items` stably by `compare` (see the module documentation).
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let order = sorted_positions(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.iter().filter_map(|&at| slots[at as usize].take()));
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
        sort_by(&mut Vec::<u8>::new(), u8::cmp);
    }
}
