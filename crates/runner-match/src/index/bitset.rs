//! Sets of rank positions: dense `u64` words, or a sorted position list for rare members.
//!
//! Positions are indexes into the index's runners, which are in listing order, so
//! iterating a set yields runners already in tie-break order.

/// Bits per word.
const WORD: usize = 64;

/// How many words hold `n` positions.
fn words_for(n: usize) -> usize {
    n.div_ceil(WORD)
}

/// A dense set over the positions `0..n`: bit `p % 64` of word `p / 64`. Bits at `n`
/// and beyond are always clear, so counting and iterating need no bound checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Bitset {
    words: Vec<u64>,
}

impl Bitset {
    /// No position of `0..n`.
    pub(crate) fn empty(n: usize) -> Self {
        Self {
            words: vec![0; words_for(n)],
        }
    }

    /// Every position of `0..n`.
    pub(crate) fn full(n: usize) -> Self {
        let mut set = Self {
            words: vec![u64::MAX; words_for(n)],
        };
        set.clear_from(n);
        set
    }

    /// The given positions (each below `n`, in any order).
    pub(crate) fn from_positions(n: usize, positions: &[u32]) -> Self {
        let mut set = Self::empty(n);
        for &position in positions {
            set.insert(position);
        }
        set
    }

    fn clear_from(&mut self, n: usize) {
        if n % WORD != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << (n % WORD)) - 1;
            }
        }
    }

    pub(crate) fn insert(&mut self, position: u32) {
        let p = position as usize;
        self.words[p / WORD] |= 1 << (p % WORD);
    }

    pub(crate) fn contains(&self, position: u32) -> bool {
        let p = position as usize;
        self.words
            .get(p / WORD)
            .is_some_and(|word| word & (1 << (p % WORD)) != 0)
    }

    /// `self ∩= other`.
    pub(crate) fn and_with(&mut self, other: &Self) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    /// `self ∪= other`.
    pub(crate) fn or_with(&mut self, other: &Self) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// The complement within `0..n`.
    pub(crate) fn negate(&mut self, n: usize) {
        for word in &mut self.words {
            *word = !*word;
        }
        self.clear_from(n);
    }

    pub(crate) fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// `|self ∩ other|`, without building the intersection.
    pub(crate) fn count_and(&self, other: &Self) -> usize {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// The positions, ascending.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(index, &word)| {
            let base = (index * WORD) as u32;
            Ones(word).map(move |bit| base + bit)
        })
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.words.capacity() * std::mem::size_of::<u64>()
    }
}

/// Per position, how many of the sets added so far hold it, counted only within a
/// given set: bit-sliced binary counters (plane `i` holds bit `i` of every count), so
/// adding a set is a word-wise ripple-carry add and reading a count takes one bit test
/// per plane.
#[derive(Debug, Clone)]
pub(crate) struct Counter {
    /// Word `w` of plane `i` at `words[w * bits + i]`: a position's planes side by side.
    words: Vec<u64>,
    bits: usize,
    within: Bitset,
}

impl Counter {
    /// Counters for up to `max` sets, over the positions of `within`.
    pub(crate) fn new(within: Bitset, max: usize) -> Self {
        let bits = (usize::BITS - max.leading_zeros()) as usize;
        Self {
            words: vec![0; within.words.len() * bits],
            bits,
            within,
        }
    }

    /// Counts `set` (its positions within the counted set).
    pub(crate) fn add(&mut self, set: &PositionSet) {
        match set {
            PositionSet::Dense(bits) => {
                for index in 0..self.within.words.len() {
                    let word = bits.words[index] & self.within.words[index];
                    self.carry(index, word);
                }
            }
            PositionSet::Sparse(list) => {
                for &p in list.iter() {
                    if self.within.contains(p) {
                        let p = p as usize;
                        self.carry(p / WORD, 1 << (p % WORD));
                    }
                }
            }
        }
    }

    /// Adds the bits of `carry` to word `index` of the planes (lowest plane first).
    fn carry(&mut self, index: usize, mut carry: u64) {
        let planes = &mut self.words[index * self.bits..(index + 1) * self.bits];
        for word in planes {
            if carry == 0 {
                return;
            }
            let next = *word & carry;
            *word ^= carry;
            carry = next;
        }
    }

    /// How many added sets hold `position` (a position of the counted set).
    pub(crate) fn get(&self, position: u32) -> usize {
        let (index, bit) = (position as usize / WORD, position as usize % WORD);
        self.words[index * self.bits..(index + 1) * self.bits]
            .iter()
            .enumerate()
            .map(|(plane, word)| (((word >> bit) & 1) as usize) << plane)
            .sum()
    }
}

/// The set bits of one word, lowest first.
struct Ones(u64);

impl Iterator for Ones {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.0 == 0 {
            return None;
        }
        let bit = self.0.trailing_zeros();
        self.0 &= self.0 - 1;
        Some(bit)
    }
}

/// A set of positions stored the smaller way: a [`Bitset`] (`n / 8` bytes), or, when
/// fewer than `n / 32` positions belong to it, their sorted list (4 bytes each). So a
/// fleet of rare tags (a host name per runner) costs at most 4 bytes per tag use, never
/// `n / 8` bytes per tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PositionSet {
    Dense(Bitset),
    Sparse(Box<[u32]>),
}

impl Default for PositionSet {
    /// The empty set.
    fn default() -> Self {
        Self::Sparse(Box::default())
    }
}

impl PositionSet {
    /// The set of `positions` (ascending, each below `n`).
    pub(crate) fn new(n: usize, positions: Vec<u32>) -> Self {
        if positions.len() * 32 < n {
            Self::Sparse(positions.into_boxed_slice())
        } else {
            Self::Dense(Bitset::from_positions(n, &positions))
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Dense(bits) => bits.count(),
            Self::Sparse(list) => list.len(),
        }
    }

    pub(crate) fn contains(&self, position: u32) -> bool {
        match self {
            Self::Dense(bits) => bits.contains(position),
            Self::Sparse(list) => list.binary_search(&position).is_ok(),
        }
    }

    /// `acc ∪= self`.
    pub(crate) fn or_into(&self, acc: &mut Bitset) {
        match self {
            Self::Dense(bits) => acc.or_with(bits),
            Self::Sparse(list) => list.iter().for_each(|&p| acc.insert(p)),
        }
    }

    /// As a dense set over `0..n`.
    pub(crate) fn to_bitset(&self, n: usize) -> Bitset {
        match self {
            Self::Dense(bits) => bits.clone(),
            Self::Sparse(list) => Bitset::from_positions(n, list),
        }
    }

    /// `|self ∩ other|`.
    pub(crate) fn count_in(&self, other: &Bitset) -> usize {
        match self {
            Self::Dense(bits) => bits.count_and(other),
            Self::Sparse(list) => list.iter().filter(|&&p| other.contains(p)).count(),
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        match self {
            Self::Dense(bits) => bits.heap_bytes(),
            Self::Sparse(list) => std::mem::size_of_val(&**list),
        }
    }
}

/// Matching positions, ascending: a dense set, or a sorted list when an intersection
/// started from a rare tag.
#[derive(Debug, Clone)]
pub(crate) enum Found {
    Dense(Bitset),
    Sparse(Vec<u32>),
}

impl Found {
    pub(crate) fn count(&self) -> usize {
        match self {
            Self::Dense(bits) => bits.count(),
            Self::Sparse(list) => list.len(),
        }
    }

    /// The positions, ascending.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let (dense, sparse) = match self {
            Self::Dense(bits) => (Some(bits.iter()), None),
            Self::Sparse(list) => (None, Some(list.iter().copied())),
        };
        dense
            .into_iter()
            .flatten()
            .chain(sparse.into_iter().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_operations_respect_the_universe() {
        for n in [0, 1, 63, 64, 65, 130] {
            let full = Bitset::full(n);
            assert_eq!(full.count(), n);
            assert_eq!(
                full.iter().collect::<Vec<_>>(),
                (0..n as u32).collect::<Vec<_>>()
            );
            let mut none = full.clone();
            none.negate(n);
            assert!(none.is_empty());
            none.negate(n);
            assert_eq!(none, full);
        }
        let n = 130;
        let a = Bitset::from_positions(n, &[0, 5, 64, 129]);
        let b = Bitset::from_positions(n, &[5, 64, 100]);
        let mut and = a.clone();
        and.and_with(&b);
        assert_eq!(and.iter().collect::<Vec<_>>(), [5, 64]);
        assert_eq!(a.count_and(&b), 2);
        let mut or = a.clone();
        or.or_with(&b);
        assert_eq!(or.iter().collect::<Vec<_>>(), [0, 5, 64, 100, 129]);
        assert!(a.contains(129) && !a.contains(128) && !a.contains(5000));
    }

    #[test]
    fn counters_count_within_their_set() {
        let n = 200;
        let within = Bitset::from_positions(n, &[0, 1, 64, 150, 199]);
        let sets = [
            PositionSet::new(n, (0..200).collect()),
            PositionSet::new(n, vec![1, 150]),
            PositionSet::new(n, (0..200).step_by(2).collect()),
        ];
        let mut counter = Counter::new(within, sets.len());
        for set in &sets {
            counter.add(set);
        }
        let counts: Vec<usize> = [0, 1, 64, 150, 199]
            .iter()
            .map(|&p| counter.get(p))
            .collect();
        assert_eq!(counts, [2, 2, 2, 3, 1]);
        assert_eq!(counter.get(2), 0, "outside the counted set");
    }

    #[test]
    fn rare_members_are_listed_common_ones_are_bits() {
        let n = 320;
        let rare = PositionSet::new(n, vec![3, 200]);
        assert!(matches!(rare, PositionSet::Sparse(_)));
        let common = PositionSet::new(n, (0..10).map(|i| i * 30).collect());
        assert!(matches!(common, PositionSet::Dense(_)));
        for set in [&rare, &common] {
            let dense = set.to_bitset(n);
            assert_eq!(dense.count(), set.len());
            assert!((0..n as u32).all(|p| dense.contains(p) == set.contains(p)));
            let mut acc = Bitset::empty(n);
            set.or_into(&mut acc);
            assert_eq!(acc, dense);
            assert_eq!(set.count_in(&Bitset::full(n)), set.len());
        }
        assert_eq!(rare.heap_bytes(), 8);
        assert_eq!(common.heap_bytes(), 5 * 8);
    }
}
