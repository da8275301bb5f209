//! A direct-mapped cache of recently interned strings in front of an [`Interner`].
//!
//! A fleet repeats a few dozen tags hundreds of thousands of times; hashing each use
//! through the map and comparing it with `memcmp` was half of the build. A slot is picked
//! from the length and first 8 bytes with one multiply, and a hit compares those as two
//! integers (plus the bytes past the eighth). A miss asks the interner, which stays the
//! only source of ids: the ids, and so the index, are exactly those of interning every
//! use, and the work per use stays constant on hostile input (colliding or distinct
//! strings only miss).

use crate::interner::Interner;

/// Slots in the cache (a power of two): far more than a fleet's usual vocabulary.
const SLOTS: usize = 256;

#[derive(Clone, Copy)]
struct Slot<'a> {
    /// The first 8 bytes of `text`, little-endian, zero-padded.
    head: u64,
    /// `None` while the slot is empty.
    text: Option<&'a str>,
    id: u32,
}

/// Interns through a small cache of the strings last seen.
pub(super) struct RecentIds<'a> {
    interner: Interner<'a>,
    slots: Vec<Slot<'a>>,
}

impl<'a> RecentIds<'a> {
    pub(super) fn new() -> Self {
        let empty = Slot {
            head: 0,
            text: None,
            id: 0,
        };
        Self {
            interner: Interner::new(),
            slots: vec![empty; SLOTS],
        }
    }

    /// The id of `text` (as [`Interner::intern`] gives it).
    pub(super) fn intern(&mut self, text: &'a str) -> u32 {
        let bytes = text.as_bytes();
        let head = head_word(bytes);
        let at = ((head ^ bytes.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize
            % SLOTS;
        let slot = &mut self.slots[at];
        if let Some(cached) = slot.text {
            if slot.head == head
                && cached.len() == bytes.len()
                && (bytes.len() <= 8 || cached.as_bytes()[8..] == bytes[8..])
            {
                return slot.id;
            }
        }
        let (id, _) = self.interner.intern(text);
        *slot = Slot {
            head,
            text: Some(text),
            id,
        };
        id
    }

    /// The distinct strings, in first-seen order (by id).
    pub(super) fn strings(&self) -> &[&'a str] {
        self.interner.strings()
    }
}

/// The first 8 bytes, little-endian, zero-padded.
fn head_word(bytes: &[u8]) -> u64 {
    match bytes.first_chunk::<8>() {
        Some(word) => u64::from_le_bytes(*word),
        None => {
            let mut word = 0u64;
            for (shift, &byte) in (0..).step_by(8).zip(bytes) {
                word |= u64::from(byte) << shift;
            }
            word
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every use gets the id plain interning gives, whether it hits, misses or evicts:
    /// strings that share a length and first 8 bytes, short ones, the empty one, and
    /// more distinct strings than slots.
    #[test]
    fn ids_are_those_of_the_interner() {
        let many: Vec<String> = (0..3 * SLOTS).map(|i| format!("tag-{i}")).collect();
        let mut uses: Vec<&str> = vec![
            "production-a",
            "production-b",
            "production-a",
            "",
            "gpu",
            "gpu-h100",
            "gpu-h100x",
            "",
            "production-b",
            "gpu",
        ];
        uses.extend(many.iter().map(String::as_str));
        uses.extend(many.iter().rev().map(String::as_str));
        uses.extend(["gpu-h100x", "production-a", "gpu-h100"]);

        let mut plain = Interner::new();
        let mut cached = RecentIds::new();
        for text in uses {
            assert_eq!(cached.intern(text), plain.intern(text).0, "{text:?}");
        }
        assert_eq!(cached.strings(), plain.strings());
    }
}
