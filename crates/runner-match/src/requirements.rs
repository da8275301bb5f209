//! What a workflow requires of a runner: the set of tags it carries.
//!
//! ComfyControl takes a workflow's tags as a comma-separated string
//! (`"production, gpu-a100"`); SDKs usually hold them as a list. Both build the same
//! [`Requirements`], validated once: surrounding whitespace is trimmed, duplicates are
//! dropped (first occurrence wins), and a tag that is empty, whitespace-only, contains a
//! comma or a control character, or breaks the size limits is rejected with a
//! [`RequirementError`] that quotes the input.

use std::fmt;
use std::str::FromStr;

/// The most tags one requirement may name. ComfyControl runners carry at most 10;
/// this is generous on purpose and exists only to bound work on hostile input.
pub const MAX_TAGS: usize = 1000;

/// The longest tag accepted, in bytes (UTF-8).
pub const MAX_TAG_BYTES: usize = 256;

/// A workflow's tag requirements. No tags is the wildcard: any active runner will do.
///
/// ```
/// use runner_match::Requirements;
/// let req: Requirements = "gpu-a100, flux, gpu-a100".parse()?;
/// assert_eq!(req.tags(), ["gpu-a100", "flux"]);
/// assert!("".parse::<Requirements>()?.is_wildcard());
/// assert_eq!(Requirements::from_tags(["flux", " sdxl "])?.tags(), ["flux", "sdxl"]);
/// # Ok::<(), runner_match::RequirementError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Requirements {
    tags: Vec<String>,
}

impl Requirements {
    /// The wildcard requirement: no tags, so every active runner matches.
    pub fn any() -> Self {
        Self::default()
    }

    /// Builds requirements from a list of tags.
    ///
    /// Each tag is trimmed; an empty list is the wildcard. Errors quote the whole list.
    pub fn from_tags<I, S>(tags: I) -> Result<Self, RequirementError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let tags: Vec<S> = tags.into_iter().collect();
        let as_strs = || tags.iter().map(AsRef::as_ref);
        Self::build(as_strs(), || {
            quote(&format!("{:?}", as_strs().collect::<Vec<&str>>()))
        })
    }

    /// The required tags, trimmed and de-duplicated, in first-seen order.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// `true` when no tag is required (a wildcard workflow).
    pub fn is_wildcard(&self) -> bool {
        self.tags.is_empty()
    }

    /// The comma-separated form ComfyControl's workflow API takes (`"a,b"`).
    pub fn to_comma_string(&self) -> String {
        self.tags.join(",")
    }

    fn build<'a>(
        raw: impl Iterator<Item = &'a str>,
        input: impl FnOnce() -> String,
    ) -> Result<Self, RequirementError> {
        let mut tags: Vec<String> = Vec::new();
        let mut problem: Option<(usize, String, TagProblem)> = None;
        for (index, raw) in raw.enumerate() {
            let tag = raw.trim();
            let position = index + 1;
            let found = if index >= MAX_TAGS {
                Some(TagProblem::TooMany)
            } else if tag.is_empty() {
                Some(TagProblem::Empty)
            } else if tag.len() > MAX_TAG_BYTES {
                Some(TagProblem::TooLong)
            } else if tag.chars().any(char::is_control) {
                Some(TagProblem::ControlCharacter)
            } else if tag.contains(',') {
                Some(TagProblem::Comma)
            } else {
                None
            };
            if let Some(kind) = found {
                problem = Some((position, tag.to_owned(), kind));
                break;
            }
            if !tags.iter().any(|seen| seen == tag) {
                tags.push(tag.to_owned());
            }
        }
        match problem {
            None => Ok(Self { tags }),
            Some((position, tag, kind)) => Err(RequirementError {
                input: input(),
                position,
                tag,
                kind,
            }),
        }
    }
}

impl FromStr for Requirements {
    type Err = RequirementError;

    /// Parses ComfyControl's comma-separated form. A string that is empty or only
    /// whitespace is the wildcard.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        if input.trim().is_empty() {
            return Ok(Self::any());
        }
        Self::build(input.split(','), || quote(&format!("{input:?}")))
    }
}

/// The most characters of the input an error message repeats.
const MAX_QUOTED_CHARS: usize = 512;

/// Caps a quoted input so that hostile input cannot make a megabyte error message.
fn quote(quoted: &str) -> String {
    match quoted.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &quoted[..cut]),
        None => quoted.to_owned(),
    }
}

impl fmt::Display for Requirements {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.tags.join(", "))
    }
}

/// A tag list or comma string that cannot be a requirement.
///
/// The message names the problem, the tag's 1-based position and the whole input:
/// `empty tag at position 2 in "a,,b"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} at position {position} in {input}", self.describe())]
pub struct RequirementError {
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

impl RequirementError {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_strings() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   ", &[]),
            ("gpu-a100", &["gpu-a100"]),
            ("production, gpu-a100", &["production", "gpu-a100"]),
            ("  a ,b  ,  c ", &["a", "b", "c"]),
            ("a,b,a,b", &["a", "b"]),
            ("GPU,gpu", &["GPU", "gpu"]),
            ("gpu a100", &["gpu a100"]),
            ("ünïcode,日本", &["ünïcode", "日本"]),
        ];
        for (input, want) in cases {
            let req: Requirements = input.parse().unwrap();
            assert_eq!(req.tags(), *want, "input {input:?}");
        }
    }

    #[test]
    fn rejected_inputs_quote_the_input() {
        let long = "x".repeat(MAX_TAG_BYTES + 1);
        let cases: Vec<(String, String)> = vec![
            ("a,,b".into(), r#"empty tag at position 2 in "a,,b""#.into()),
            (",a".into(), r#"empty tag at position 1 in ",a""#.into()),
            (
                "a, ,b".into(),
                r#"empty tag at position 2 in "a, ,b""#.into(),
            ),
            ("a,b,".into(), r#"empty tag at position 3 in "a,b,""#.into()),
            (
                "a,b\nc".into(),
                r#"control character in tag "b\nc" at position 2 in "a,b\nc""#.into(),
            ),
            (
                "a\0".into(),
                r#"control character in tag "a\0" at position 1 in "a\0""#.into(),
            ),
            (
                format!("ok,{long}"),
                format!("tag longer than 256 bytes at position 2 in \"ok,{long}\""),
            ),
        ];
        for (input, want) in cases {
            let err = input.parse::<Requirements>().unwrap_err();
            assert_eq!(err.to_string(), want);
        }
    }

    #[test]
    fn tag_lists() {
        assert!(Requirements::from_tags(Vec::<String>::new())
            .unwrap()
            .is_wildcard());
        let req = Requirements::from_tags(["flux", " flux ", "sdxl"]).unwrap();
        assert_eq!(req.tags(), ["flux", "sdxl"]);
        assert_eq!(req.to_comma_string(), "flux,sdxl");
        assert_eq!(req.to_string(), "flux, sdxl");

        let err = Requirements::from_tags([" "]).unwrap_err();
        assert_eq!(err.to_string(), r#"empty tag at position 1 in [" "]"#);
        assert_eq!((err.kind, err.position), (TagProblem::Empty, 1));
        let err = Requirements::from_tags(["a", "b,c"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"comma in tag "b,c" at position 2 in ["a", "b,c"]"#
        );
    }

    #[test]
    fn too_many_tags() {
        let tags: Vec<String> = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
        let err = Requirements::from_tags(&tags).unwrap_err();
        assert_eq!(err.kind, TagProblem::TooMany);
        assert_eq!(err.position, MAX_TAGS + 1);
        assert!(Requirements::from_tags(&tags[..MAX_TAGS]).is_ok());
    }
}
