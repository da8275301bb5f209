//! Strings to dense ids, in first-seen order: the crate's one hash map.
//!
//! The index interns every tag of a fleet with it, and every "without repeats" of the
//! crate (a runner's distinct tags, an expression's terms, the tags a match wants) is
//! an [`Interner`] too: linear on hostile input (a runner with 70,000 tags), and one
//! copy of the hash table's code in the WebAssembly instead of a `BTreeSet` per type.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};

/// Distinct strings, each with its id: its index in first-seen order.
#[derive(Debug, Clone)]
pub(crate) struct Interner<'a> {
    ids: HashMap<&'a str, u32, Seeded>,
    strings: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    pub(crate) fn new() -> Self {
        Self {
            ids: HashMap::with_hasher(Seeded::new()),
            strings: Vec::new(),
        }
    }

    /// The id of `text`, and whether it was new.
    pub(crate) fn intern(&mut self, text: &'a str) -> (u32, bool) {
        let next = self.strings.len() as u32;
        let id = *self.ids.entry(text).or_insert(next);
        if id == next {
            self.strings.push(text);
        }
        (id, id == next)
    }

    /// Adds `text`; `true` when it was new (a set's `insert`).
    pub(crate) fn insert(&mut self, text: &'a str) -> bool {
        self.intern(text).1
    }

    pub(crate) fn contains(&self, text: &str) -> bool {
        self.ids.contains_key(text)
    }

    /// The distinct strings, in first-seen order (by id).
    pub(crate) fn strings(&self) -> &[&'a str] {
        &self.strings
    }

    pub(crate) fn into_strings(self) -> Vec<&'a str> {
        self.strings
    }
}

/// `items` without repeats, first-seen order.
pub(crate) fn distinct<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = Interner::new();
    for item in items {
        seen.insert(item);
    }
    seen.into_strings()
}

/// A fast string hash for interning (a tag is hashed once per use, hundreds of thousands
/// of times per build): multiply-rotate over 8-byte words, seeded per map from the
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
