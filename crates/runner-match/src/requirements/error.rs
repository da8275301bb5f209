//! Why an input is not a requirement: a bad tag in a list or comma string, a bad
//! expression, or a bad preference, behind one error type so that callers (the
//! WebAssembly layer, a CLI) report them all the same way.

use std::fmt::Write;

use crate::expr::ExpressionError;
use crate::preferences::PreferenceError;

use super::{MAX_TAGS, MAX_TAG_BYTES};

/// A requirement that cannot be built.
///
/// ```
/// use runner_match::{RequirementError, Requirements};
/// let err = "a,,b".parse::<Requirements>().unwrap_err();
/// assert_eq!(err.to_string(), r#"empty tag at position 2 in "a,,b""#);
/// assert_eq!(err.offset(), None);
///
/// let err = "gpu & (flux | )".parse::<Requirements>().unwrap_err();
/// assert!(matches!(err, RequirementError::Expression(_)));
/// assert_eq!(err.offset(), Some(14));
/// assert_eq!(err.render(), "gpu & (flux | )\n              ^ unexpected ')' at 14");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RequirementError {
    /// A tag list or a plain comma string holds a tag that cannot be required.
    #[error(transparent)]
    Tag(#[from] TagError),
    /// A string with expression syntax does not parse.
    #[error(transparent)]
    Expression(#[from] ExpressionError),
    /// A soft preference is invalid.
    #[error(transparent)]
    Preference(#[from] PreferenceError),
}

impl RequirementError {
    /// The byte offset of the problem in the input, when the input was an expression.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Self::Expression(err) => Some(err.offset),
            Self::Preference(PreferenceError::Key { error, .. }) => Some(error.offset),
            _ => None,
        }
    }

    /// A message for a person: for an expression, the input line with a caret under
    /// the problem (see [`ExpressionError::render`]); otherwise the message alone.
    pub fn render(&self) -> String {
        match self {
            Self::Expression(err) => err.render(),
            other => other.to_string(),
        }
    }
}

/// A tag list or plain comma string that cannot be a requirement.
///
/// The message names the problem, the tag's 1-based position and the whole input:
/// `empty tag at position 2 in "a,,b"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} at position {position} in {input}", self.describe())]
pub struct TagError {
    /// The rejected input, quoted (a string as `"a,,b"`, a list as `["a", ""]`), cut
    /// after 512 characters.
    pub input: String,
    /// 1-based position of the offending tag.
    pub position: usize,
    /// The offending tag, trimmed.
    pub tag: String,
    /// What is wrong with it.
    pub kind: TagProblem,
}

/// What is wrong with a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TagProblem {
    /// Empty or whitespace-only.
    Empty,
    /// Longer than [`MAX_TAG_BYTES`].
    TooLong,
    /// Contains a control character (NUL, newline, …).
    ControlCharacter,
    /// Contains a comma, which ComfyControl's comma-separated form cannot carry.
    Comma,
    /// Beyond the [`MAX_TAGS`]th tag.
    TooMany,
}

impl TagError {
    fn describe(&self) -> String {
        match self.kind {
            TagProblem::Empty => "empty tag".to_owned(),
            TagProblem::TooLong => format!("tag longer than {MAX_TAG_BYTES} bytes"),
            TagProblem::ControlCharacter => format!("control character in tag {:?}", self.tag),
            TagProblem::Comma => format!("comma in tag {:?}", self.tag),
            TagProblem::TooMany => format!("more than {MAX_TAGS} tags"),
        }
    }
}

/// The most characters of the input an error message repeats.
const MAX_QUOTED_CHARS: usize = 512;

/// Quotes a string input as `"…"`, looking at no more of it than the message can show,
/// so that a 10 MB input costs no more than a short one.
pub(super) fn quote_str(input: &str) -> String {
    let head = match input.char_indices().nth(MAX_QUOTED_CHARS + 1) {
        Some((cut, _)) => &input[..cut],
        None => input,
    };
    quote(&format!("{head:?}"))
}

/// Quotes a list input as `["a", "b"]`, formatting only the items the message can show.
pub(super) fn quote_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    // Written as `{:?}` writes a list, item by item: the `Debug` of a `Vec` would link
    // the list builders (0.4 KB of the gzipped .wasm) for this one message.
    let mut shown = String::from("[");
    let mut chars = 0;
    for item in items {
        if chars > MAX_QUOTED_CHARS {
            break;
        }
        let head = match item.char_indices().nth(MAX_QUOTED_CHARS + 1) {
            Some((cut, _)) => &item[..cut],
            None => item,
        };
        chars += head.chars().count() + 4;
        if shown.len() > 1 {
            shown.push_str(", ");
        }
        // Writing to a `String` cannot fail.
        let _ = write!(shown, "{head:?}");
    }
    shown.push(']');
    quote(&shown)
}

/// Caps a quoted input so that hostile input cannot make a megabyte error message.
fn quote(quoted: &str) -> String {
    match quoted.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &quoted[..cut]),
        None => quoted.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_quoted_as_debug_writes_them() {
        let lists: [&[&str]; 4] = [&[], &["gpu"], &["a\"b", "ö\n", ""], &["x"; 3]];
        for list in lists {
            assert_eq!(quote_list(list.iter().copied()), format!("{list:?}"));
        }
        let long = ["y".repeat(400), "z".repeat(400)];
        let quoted = quote_list(long.iter().map(String::as_str));
        assert_eq!(quoted, quote(&format!("{long:?}")));
    }
}
