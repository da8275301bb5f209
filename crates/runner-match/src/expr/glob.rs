//! Glob matching for tag patterns: `*` matches any run of characters (including none),
//! `?` matches exactly one character (a Unicode scalar value, not a byte).
//!
//! The matcher is the iterative two-pointer algorithm with a single backtrack point:
//! when a literal mismatches after a `*`, only the most recent `*` is retried, one
//! character further into the text. That is `O(pattern · text)` in the worst case and
//! never exponential, whatever the number of stars (`a*a*a*a*b` against `aaaa…`).

/// `true` iff `pattern` contains a wildcard character (`*` or `?`).
pub(crate) fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// `true` iff the whole of `text` matches `pattern`. Characters other than `*` and `?`
/// compare exactly (case-sensitive); a pattern without wildcards is plain equality.
pub(crate) fn matches(pattern: &str, text: &str) -> bool {
    if !is_glob(pattern) {
        return pattern == text;
    }
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

    #[test]
    fn no_exponential_backtracking() {
        let text = "a".repeat(10_000);
        let pattern = format!("{}b", "a*".repeat(128));
        assert!(!matches(&pattern, &text));
        assert!(matches(&format!("{}a", "*a".repeat(64)), &text));
    }
}
