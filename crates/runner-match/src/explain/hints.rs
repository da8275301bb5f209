//! Near-miss hints: required tags no runner carries that are probably a case,
//! whitespace or spelling variant of a tag the fleet does carry.

use std::fmt;

use lowercase::lowercase;

use crate::interner::Interner;
use crate::model::Runner;
use crate::requirements::Requirements;

mod lowercase;

/// The most suggestions one hint names.
const MAX_SUGGESTIONS: usize = 3;

/// A tag of the requirement that no schedulable runner carries, and the fleet tags it
/// probably meant.
///
/// `Display`: `"GPU-A100" matches no runner; did you mean "gpu-a100" (7 runners)? Tags
/// are case-sensitive.`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// The tag as written in the requirement (or a preference).
    pub tag: String,
    /// Likely intended fleet tags, best first; never empty.
    pub suggestions: Vec<TagSuggestion>,
}

/// A fleet tag a hint suggests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagSuggestion {
    /// The tag exactly as runners carry it.
    pub tag: String,
    /// How many schedulable runners carry it.
    pub runners: usize,
    /// How it resembles the written tag.
    pub similarity: Similarity,
}

/// How a suggested tag resembles the written one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Similarity {
    /// Equal ignoring letter case.
    Case,
    /// Equal ignoring case and whitespace (and not ignoring case alone).
    Whitespace,
    /// A likely typo: this many single-character edits (insert, delete, replace, swap
    /// of neighbours) apart, ignoring case and whitespace.
    Typo {
        /// The edit distance, 1 or 2.
        distance: usize,
    },
}

impl Similarity {
    /// Lower is a more convincing suggestion.
    fn rank(self) -> usize {
        match self {
            Self::Case => 0,
            Self::Whitespace => 1,
            Self::Typo { distance } => 1 + distance,
        }
    }
}

pub(super) fn hints(runners: &[Runner], requirements: &Requirements) -> Vec<Hint> {
    // Distinct tags of schedulable runners, each with how many such runners carry it.
    // (In first-seen order: the suggestions' order below is total.)
    let mut tags = Interner::new();
    let mut counts: Vec<usize> = Vec::new();
    for runner in runners.iter().filter(|r| r.is_schedulable()) {
        for tag in crate::score::distinct_tags(&runner.tags) {
            let (id, new) = tags.intern(tag);
            if new {
                counts.push(0);
            }
            counts[id as usize] += 1;
        }
    }
    let fleet: Vec<(&str, String, usize)> = (tags.strings().iter())
        .zip(counts)
        .map(|(&tag, count)| (tag, fold(tag), count))
        .collect();

    written_tags(requirements)
        .into_iter()
        .filter(|tag| !fleet.iter().any(|(known, _, _)| known == tag))
        .filter_map(|tag| {
            let folded = fold(tag);
            let limit = if tag.chars().count() < 5 { 1 } else { 2 };
            let mut suggestions: Vec<TagSuggestion> = fleet
                .iter()
                .filter_map(|(known, known_folded, count)| {
                    let similarity = if same_ignoring_case(known, tag) {
                        Similarity::Case
                    } else if *known_folded == folded {
                        Similarity::Whitespace
                    } else {
                        let distance = edit_distance(&folded, known_folded, limit)?;
                        Similarity::Typo { distance }
                    };
                    Some(TagSuggestion {
                        tag: (*known).to_owned(),
                        runners: *count,
                        similarity,
                    })
                })
                .collect();
            crate::order::sort_by(&mut suggestions, |a, b| {
                a.similarity
                    .rank()
                    .cmp(&b.similarity.rank())
                    .then_with(|| b.runners.cmp(&a.runners))
                    .then_with(|| a.tag.cmp(&b.tag))
            });
            // Only the most convincing tier: next to "gpu-a100" for "GPU-A100", the
            // one-edit "gpu-h100" is noise.
            let best = suggestions.first().map(|s| s.similarity.rank());
            suggestions.retain(|s| Some(s.similarity.rank()) == best);
            suggestions.truncate(MAX_SUGGESTIONS);
            (!suggestions.is_empty()).then(|| Hint {
                tag: tag.to_owned(),
                suggestions,
            })
        })
        .collect()
}

/// Every literal tag written in the requirement and its preferences, first-seen order.
fn written_tags(requirements: &Requirements) -> Vec<&str> {
    let mut tags: Vec<&str> = match requirements.expression() {
        Some(expression) => expression.literal_tags(),
        None => requirements.tags().iter().map(String::as_str).collect(),
    };
    for preference in requirements.preferences().as_slice() {
        for tag in preference.key().literal_tags() {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    tags
}

/// Equal ignoring letter case: lowered character by character, with the final sigma
/// `ς` read as `σ`, as Unicode's case folding reads it. (`str::to_lowercase` differs
/// only in writing a word-final `Σ` as `ς`, which this equates anyway; its word-boundary
/// rule costs 4 KB of WebAssembly.) Lowered by [`lowercase`], std's mapping from a
/// smaller table.
fn same_ignoring_case(a: &str, b: &str) -> bool {
    fn lower(text: &str) -> impl Iterator<Item = char> + '_ {
        let sigma = |c: char| if c == 'ς' { 'σ' } else { c };
        text.chars().flat_map(lowercase).map(sigma)
    }
    lower(a).eq(lower(b))
}

/// Lower case without whitespace: the form in which near-identical tags compare equal.
fn fold(tag: &str) -> String {
    tag.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(lowercase)
        .collect()
}

/// The optimal-string-alignment distance between `a` and `b` (insertions, deletions,
/// substitutions and swaps of adjacent characters), if it is at most `limit`.
///
/// Only the diagonal band `|i − j| ≤ limit` can hold a value within the limit, so only
/// it is computed: `O(len · limit)` per pair, whatever the fleet's tag lengths.
fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let over = limit + 1;
    // Three rows of the DP table (i − 2, i − 1, i). Only the band and the cell on each
    // side of it are written per row, so stale cells are never read: everything outside
    // the band reads as `over`.
    let width = b.len() + 1;
    let mut before = vec![over; width];
    let mut previous: Vec<usize> = (0..width).map(|j| j.min(over)).collect();
    let mut current = vec![over; width];
    for i in 1..=a.len() {
        current[0] = i.min(over);
        let low = i.saturating_sub(limit).max(1);
        let high = (i + limit).min(b.len());
        current[low - 1] = if low == 1 { current[0] } else { over };
        if let Some(next) = current.get_mut(high + 1) {
            *next = over;
        }
        for j in low..=high {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j - 1] + cost)
                .min(previous[j] + 1)
                .min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best.min(over);
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= limit).then_some(distance)
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} matches no runner; did you mean ", self.tag)?;
        let last = self.suggestions.len().saturating_sub(1);
        for (index, suggestion) in self.suggestions.iter().enumerate() {
            if index > 0 {
                f.write_str(if index == last { " or " } else { ", " })?;
            }
            let runners = suggestion.runners;
            let noun = if runners == 1 { "runner" } else { "runners" };
            write!(f, "{:?} ({runners} {noun})", suggestion.tag)?;
        }
        f.write_str("?")?;
        let has = |wanted: Similarity| self.suggestions.iter().any(|s| s.similarity == wanted);
        if has(Similarity::Case) {
            f.write_str(" Tags are case-sensitive.")?;
        }
        if has(Similarity::Whitespace) {
            f.write_str(" Tags compare exactly, whitespace included.")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_is_ignored_as_unicode_folds_it() {
        assert!(same_ignoring_case("GPU-A100", "gpu-a100"));
        assert!(same_ignoring_case("ΟΔΟΣ", "οδος")); // a word-final capital sigma
        assert!(same_ignoring_case("ΟΔΟΣ", "οδοσ"));
        assert!(same_ignoring_case("İ", "i̇")); // one character lowering to two
        assert!(!same_ignoring_case("gpu-a100", "gpu-a10"));
        assert!(!same_ignoring_case("gpu a100", "gpu-a100"));
        for (a, b) in [
            ("Straße", "STRASSE"),
            ("ΣΑΣ", "σας"),
            ("Ǆ", "ǆ"),
            ("K", "k"),
        ] {
            // Whenever `str::to_lowercase` equates two tags, so does this.
            if a.to_lowercase() == b.to_lowercase() {
                assert!(same_ignoring_case(a, b), "{a} {b}");
            }
        }
    }

    #[test]
    fn edit_distances() {
        let cases: &[(&str, &str, usize, Option<usize>)] = &[
            ("gpu-a100", "gpu-a100", 2, Some(0)),
            ("gpu-a10", "gpu-a100", 2, Some(1)),
            ("gpu-a100", "gpu-a10", 2, Some(1)),
            ("gpu-1a00", "gpu-a100", 2, Some(1)), // a swap of neighbours is one edit
            ("gpu-h100", "gpu-a100", 2, Some(1)),
            ("gpu-h200", "gpu-a100", 2, Some(2)),
            ("gpu-b310", "gpu-a100", 2, None),
            ("gpu-b300", "gpu-a100", 2, Some(2)),
            ("flx", "flux", 1, Some(1)),
            ("fx", "flux", 1, None),
            ("", "ab", 2, Some(2)),
            ("", "abc", 2, None),
            ("ab", "", 2, Some(2)),
            ("ca", "abc", 3, Some(3)), // optimal string alignment: no edit of a swapped pair
            ("ca", "abc", 2, None),
            ("日本", "本日", 1, Some(1)),
            ("abcdef", "badcfe", 2, None),
        ];
        for &(a, b, limit, want) in cases {
            assert_eq!(edit_distance(a, b, limit), want, "{a:?} {b:?} ≤ {limit}");
        }
    }

    #[test]
    fn long_tags_stay_cheap() {
        let a = "x".repeat(100_000);
        let mut b = a.clone();
        b.push('y');
        assert_eq!(edit_distance(&a, &b, 2), Some(1));
        assert_eq!(edit_distance(&a, &"y".repeat(100_000), 2), None);
    }
}
