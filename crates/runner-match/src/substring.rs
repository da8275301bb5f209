//! One substring search for the whole crate and the npm package's glue.
//!
//! `str::find` with a `&str` pattern (and `rfind`, `split_once`, `replace`…) runs std's
//! Two-Way searcher: about 4.5 KB of WebAssembly, for needles that are a few bytes long
//! (`"://"`, `"cfc_"`, a glob's literal piece) in haystacks of a few dozen. These
//! functions compare byte windows instead (those starting with the needle's first
//! byte: as fast as std's on such text, natively), with the same results: UTF-8 is
//! self-synchronizing, so a valid needle found in a valid haystack always starts and
//! ends on character boundaries. Searching for a single character stays `str::find`
//! with a `char` (std's `memchr`, no Two-Way).

/// The byte index of the first occurrence of `needle` in `haystack`, as
/// `haystack.find(needle)` gives it.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let Some(&first) = needle.as_bytes().first() else {
        return Some(0);
    };
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window[0] == first && window == needle.as_bytes())
}

/// The byte index of the last occurrence of `needle` in `haystack`, as
/// `haystack.rfind(needle)` gives it.
pub fn rfind(haystack: &str, needle: &str) -> Option<usize> {
    let Some(&first) = needle.as_bytes().first() else {
        return Some(haystack.len());
    };
    haystack
        .as_bytes()
        .windows(needle.len())
        .rposition(|window| window[0] == first && window == needle.as_bytes())
}

/// `text` around the first `separator`, as `text.split_once(separator)` gives it.
pub fn split_once<'a>(text: &'a str, separator: &str) -> Option<(&'a str, &'a str)> {
    let at = find(text, separator)?;
    Some((&text[..at], &text[at + separator.len()..]))
}

/// `text` around the last `separator`, as `text.rsplit_once(separator)` gives it.
pub fn rsplit_once<'a>(text: &'a str, separator: &str) -> Option<(&'a str, &'a str)> {
    let at = rfind(text, separator)?;
    Some((&text[..at], &text[at + separator.len()..]))
}

/// `text` with every occurrence of `from` replaced by `to`, left to right and without
/// overlaps, as `text.replace(from, to)` gives it when `from` is not empty (when it
/// is, `text` unchanged).
pub fn replace(text: &str, from: &str, to: &str) -> String {
    if from.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find(rest, from) {
        out.push_str(&rest[..at]);
        out.push_str(to);
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_std_finds() {
        let texts = [
            "",
            "a",
            "aaa",
            "abcabc",
            "x://y://z",
            "héllo wörld ö",
            "ööö",
            "cfc_cfc_",
        ];
        let needles = [
            "", "a", "aa", "abc", "://", "ö", "öö", "l", "wörld", "cfc_", "zz",
        ];
        for text in texts {
            for needle in needles {
                assert_eq!(find(text, needle), text.find(needle), "{text:?} {needle:?}");
                assert_eq!(
                    rfind(text, needle),
                    text.rfind(needle),
                    "{text:?} {needle:?}"
                );
                assert_eq!(split_once(text, needle), text.split_once(needle));
                assert_eq!(rsplit_once(text, needle), text.rsplit_once(needle));
                if !needle.is_empty() {
                    assert_eq!(replace(text, needle, "<r>"), text.replace(needle, "<r>"));
                }
            }
        }
    }
}
