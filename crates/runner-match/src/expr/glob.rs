//! Glob matching for tag patterns: `*` matches any run of characters (including none),
//! `?` matches exactly one character (a Unicode scalar value, not a byte).
//!
//! The matcher is the iterative two-pointer algorithm with a single backtrack point:
//! when a literal mismatches after a `*`, only the most recent `*` is retried, one
//! character further into the text. That is `O(pattern · text)` in the worst case and
//! never exponential, whatever the number of stars (`a*a*a*a*b` against `aaaa…`).
//! Patterns without `?` (nearly all real ones: `gpu-*`) take a faster path that finds
//! their literal pieces with [`substring::find`]; both paths agree (see the tests).

use crate::substring;

/// `true` iff `pattern` contains a wildcard character (`*` or `?`).
pub(crate) fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// `true` iff the whole of `text` matches `pattern`. Characters other than `*` and `?`
/// compare exactly (case-sensitive); a pattern without wildcards is plain equality.
pub(crate) fn matches(pattern: &str, text: &str) -> bool {
    // Byte scans (`*` and `?` are ASCII, so their byte offsets are char boundaries):
    // this runs for every tag of every candidate runner, and `u8` searches are memchr.
    let bytes = pattern.as_bytes();
    if !bytes.contains(&b'?') {
        return match bytes.iter().position(|&b| b == b'*') {
            None => pattern == text,
            Some(star) => stars_only(&pattern[..star], &pattern[star + 1..], text),
        };
    }
    backtracking(pattern, text)
}

/// The general matcher (any mix of `*` and `?`).
fn backtracking(pattern: &str, text: &str) -> bool {
    // Byte offsets into `pattern` and `text`, always on char boundaries.
    let (mut p, mut t) = (0, 0);
    // After a `*`: where the pattern resumes, and where in the text the star's match
    // currently ends.
    let mut star: Option<(usize, usize)> = None;
    loop {
        let pc = pattern[p..].chars().next();
        let tc = text[t..].chars().next();
        match (pc, tc) {
            (None, None) => return true,
            (Some('*'), _) => {
                p += 1;
                star = Some((p, t));
                continue;
            }
            (Some(want), Some(got)) if want == '?' || want == got => {
                p += want.len_utf8();
                t += got.len_utf8();
                continue;
            }
            _ => {}
        }
        // Mismatch (or one side ran out): let the last star swallow one more char.
        let Some((resume, swallowed)) = star else {
            return false;
        };
        let Some(next) = text[swallowed..].chars().next() else {
            return false;
        };
        let swallowed = swallowed + next.len_utf8();
        star = Some((resume, swallowed));
        p = resume;
        t = swallowed;
    }
}

/// The common case of a pattern without `?` (`gpu-*`, `*-a100`, `a*b*c`): `prefix`
/// before the first `*`, `rest` after it. Each `*`-separated literal piece is found at its
/// leftmost position after the previous one; that greedy choice is always safe when the
/// only wildcard is `*` (a later match leaves less text for the remaining pieces), and it
/// runs on `str::find` instead of character-by-character backtracking.
fn stars_only(prefix: &str, rest: &str, text: &str) -> bool {
    let Some(mut text) = text.strip_prefix(prefix) else {
        return false;
    };
    // After the first `*`: every piece but the last floats; the last anchors the end.
    let (middle, suffix) = match rest.as_bytes().iter().rposition(|&b| b == b'*') {
        Some(star) => (&rest[..star], &rest[star + 1..]),
        None => ("", rest),
    };
    if text.len() < suffix.len() {
        return false;
    }
    let end = text.len() - suffix.len();
    if !text.is_char_boundary(end) || &text[end..] != suffix {
        return false;
    }
    text = &text[..end];
    for piece in middle.split('*').filter(|piece| !piece.is_empty()) {
        match substring::find(text, piece) {
            Some(at) => text = &text[at + piece.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, &str, bool)] = &[
            ("gpu-*", "gpu-a100", true),
            ("gpu-*", "gpu-", true),
            ("gpu-*", "gpu", false),
            ("gpu-*", "xgpu-a100", false),
            ("*", "", true),
            ("*", "anything", true),
            ("**", "", true),
            ("?", "", false),
            ("?", "a", true),
            ("?", "ab", false),
            ("sdxl?", "sdxl1", true),
            ("sdxl?", "sdxl", false),
            ("sdxl?", "sdxl12", false),
            ("*-a100", "gpu-a100", true),
            ("*-a100", "gpu-a1000", false),
            ("a*b*c", "abc", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXbYcZ", false),
            ("a*b*c", "acb", false),
            ("*a*", "bab", true),
            ("a*a", "a", false),
            ("GPU-*", "gpu-a100", false),
            ("日?", "日本", true),
            ("日?", "日", false),
            ("?本", "日本", true),
            ("?", "é", true),
            ("??", "é", false),
            ("*ü", "müü", true),
            ("plain", "plain", true),
            ("plain", "plainer", false),
            ("*?", "", false),
            ("*?", "x", true),
            ("?*?", "xy", true),
            ("?*?", "x", false),
        ];
        for &(pattern, text, want) in cases {
            assert_eq!(matches(pattern, text), want, "{pattern:?} vs {text:?}");
        }
    }

    /// The fast path for `*`-only patterns agrees with the general matcher on every
    /// pattern and text over a small alphabet.
    #[test]
    fn both_paths_agree() {
        fn words(alphabet: &[char], max: usize) -> Vec<String> {
            let mut all = vec![String::new()];
            let mut last = vec![String::new()];
            for _ in 0..max {
                last = last
                    .iter()
                    .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                    .collect();
                all.extend(last.iter().cloned());
            }
            all
        }
        let texts = words(&['a', 'b', '日'], 5);
        for pattern in words(&['a', 'b', '日', '*'], 5) {
            let Some(star) = pattern.find('*') else {
                continue;
            };
            for text in &texts {
                assert_eq!(
                    stars_only(&pattern[..star], &pattern[star + 1..], text),
                    backtracking(&pattern, text),
                    "{pattern:?} vs {text:?}"
                );
            }
        }
    }

    #[test]
    fn no_exponential_backtracking() {
        let text = "a".repeat(10_000);
        let pattern = format!("{}b", "a*".repeat(128));
        assert!(!matches(&pattern, &text));
        assert!(matches(&format!("{}a", "*a".repeat(64)), &text));
        assert!(!backtracking(&pattern, &text));
        assert!(backtracking(&format!("{}a", "*a".repeat(64)), &text));
    }
}
