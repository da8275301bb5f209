//! What a workflow requires of a runner: a set of tags, or an expression, plus optional
//! soft preferences that rank without filtering.
//!
//! ComfyControl takes a workflow's tags as a comma-separated string
//! (`"production, gpu-a100"`); SDKs usually hold them as a list. Both build the same
//! [`Requirements`], validated once: duplicates are dropped (first occurrence wins), and
//! a tag that is empty, whitespace-only, contains a comma or a control character, or
//! breaks the size limits is rejected with a [`RequirementError`] that quotes the input.
//!
//! # Whitespace
//! ComfyControl documents no trimming, and compares tags exactly (runner tags arrive as
//! JSON arrays, verbatim). So:
//! - **List elements** are taken exactly as given, whitespace included: `" flux"` is not
//!   `"flux"` (a runner could carry either). Nothing is trimmed silently.
//! - **Comma strings** drop ASCII spaces and tabs around each item, because people type
//!   `"production, gpu-a100"`; this is this library's reading of the comma form. Any
//!   other whitespace (a no-break space, an ideographic space) is part of the tag.
//! - A string with nothing but ASCII spaces and tabs is the wildcard.
//! - In expressions, whitespace separates tokens; quote a tag (`"gpu a100"`) to keep
//!   whitespace in it.
//!
//! A tag the fleet carries only with different whitespace gets a near-miss
//! [`Hint`](crate::Hint) from explain ([`Similarity::Whitespace`](crate::Similarity)).
//!
//! ```
//! use runner_match::Requirements;
//! let list = Requirements::from_tags([" flux", "sdxl"])?;
//! assert_eq!(list.tags(), [" flux", "sdxl"]);
//! let typed: Requirements = " flux ,\tsdxl".parse()?;
//! assert_eq!(typed.tags(), ["flux", "sdxl"]);
//! let nbsp: Requirements = "\u{a0}flux".parse()?;
//! assert_eq!(nbsp.tags(), ["\u{a0}flux"]);
//! # Ok::<(), runner_match::RequirementError>(())
//! ```
//!
//! A string that uses expression syntax (see [`looks_like_expression`]) is parsed as an
//! [`Expression`] instead; one that turns out to be a plain conjunction of tags
//! (`"a & b"`) is stored as the plain list, with identical meaning and speed.

use std::fmt;
use std::str::FromStr;

use crate::expr::{Expression, Unmet};
use crate::model::Runner;
use crate::preferences::Preferences;

mod error;

pub use error::{RequirementError, TagError, TagProblem};

/// The most tags one requirement may name. ComfyControl runners carry at most 10;
/// this is generous on purpose and exists only to bound work on hostile input.
pub const MAX_TAGS: usize = 1000;

/// The longest tag accepted, in bytes (UTF-8).
pub const MAX_TAG_BYTES: usize = 256;

/// A workflow's requirements: required tags or an expression (the hard part, which
/// decides *whether* a runner matches), and soft [`Preferences`] (which only rank).
/// No tags and no expression is the wildcard: any active runner will do.
///
/// ```
/// use runner_match::Requirements;
/// let req: Requirements = "gpu-a100, flux, gpu-a100".parse()?;
/// assert_eq!(req.tags(), ["gpu-a100", "flux"]);
/// assert!("".parse::<Requirements>()?.is_wildcard());
/// assert_eq!(Requirements::from_tags(["flux", "sdxl", "flux"])?.tags(), ["flux", "sdxl"]);
///
/// // Expression syntax switches to the expression language ...
/// let req: Requirements = "gpu-* & (flux | sdxl) & !development".parse()?;
/// assert_eq!(req.expression().map(|e| e.to_string()).as_deref(), Some("gpu-* & (flux | sdxl) & !development"));
/// // ... unless the expression is a plain list after all.
/// let req: Requirements = "gpu-a100 && flux".parse()?;
/// assert_eq!((req.tags(), req.expression()), (&["gpu-a100".to_owned(), "flux".to_owned()][..], None));
/// # Ok::<(), runner_match::RequirementError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Requirements {
    /// The plain list; for an expression, its top-level literal tags (see [`Self::tags`]).
    tags: Vec<String>,
    /// `Some` only for an expression that is not a plain list.
    expression: Option<Expression>,
    preferences: Preferences,
}

impl Requirements {
    /// The wildcard requirement: no tags, so every active runner matches.
    pub fn any() -> Self {
        Self::default()
    }

    /// Builds requirements from a list of tags. Each tag is taken literally (never as an
    /// expression) and exactly, whitespace included (see the module docs); an empty
    /// list is the wildcard. Errors quote the whole list.
    pub fn from_tags<I, S>(tags: I) -> Result<Self, RequirementError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let tags: Vec<S> = tags.into_iter().collect();
        let tags: Vec<&str> = tags.iter().map(AsRef::as_ref).collect();
        Self::build(&tags, |tag| tag, &|| {
            error::quote_list(tags.iter().copied())
        })
    }

    /// Builds requirements from a parsed expression. One that is a plain conjunction of
    /// tags ([`Expression::as_plain_tags`]) becomes the plain list.
    ///
    /// ```
    /// use runner_match::{Expression, Requirements};
    /// let req = Requirements::from_expression(Expression::parse("flux | sdxl")?);
    /// assert_eq!(req.to_string(), "flux | sdxl");
    /// assert!(Requirements::from_expression(Expression::parse("a, b")?).expression().is_none());
    /// # Ok::<(), runner_match::ExpressionError>(())
    /// ```
    pub fn from_expression(expression: Expression) -> Self {
        if let Some(plain) = literal_conjunction(&expression) {
            // The parser's limits are at least as strict as the list's, so this cannot
            // fail; if it ever did, the expression itself is still a faithful fallback.
            if let Ok(req) = Self::from_tags(&plain) {
                return req;
            }
        }
        Self {
            tags: expression.required_tags(),
            expression: Some(expression),
            preferences: Preferences::default(),
        }
    }

    /// The same requirements with these soft preferences (replacing any before).
    pub fn with_preferences(mut self, preferences: Preferences) -> Self {
        self.preferences = preferences;
        self
    }

    /// The required tags, de-duplicated, in first-seen order.
    ///
    /// For an expression these are its top-level literal tags (`gpu` and `flux` in
    /// `gpu & flux & !dev`), which every tagged match carries; the expression may demand
    /// more. Use [`expression`](Self::expression) to tell the two apart.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// The expression, when the requirement is not a plain tag list.
    pub fn expression(&self) -> Option<&Expression> {
        self.expression.as_ref()
    }

    /// The soft preferences (empty when there are none).
    pub fn preferences(&self) -> &Preferences {
        &self.preferences
    }

    /// `true` when nothing is required (a wildcard workflow): every active runner
    /// matches. Preferences do not filter, so they do not count.
    pub fn is_wildcard(&self) -> bool {
        self.tags.is_empty() && self.expression.as_ref().is_none_or(Expression::is_wildcard)
    }

    /// The comma-separated form ComfyControl's workflow API takes (`"a,b"`).
    ///
    /// ComfyControl understands only tag lists: for an expression this is its top-level
    /// literal tags ([`tags`](Self::tags)) that the comma form can carry (no comma, no
    /// surrounding space or tab, which a comma string does not keep), which ComfyControl
    /// can enforce; the rest of the expression it cannot.
    pub fn to_comma_string(&self) -> String {
        let carried: Vec<&str> = self
            .tags
            .iter()
            .map(String::as_str)
            .filter(|tag| !tag.contains(',') && trim_typed(tag) == *tag)
            .collect();
        carried.join(",")
    }

    /// `true` iff a runner with these tags and type (wire string, `None` when
    /// self-hosted) satisfies the hard requirement, status aside.
    /// `true` when a runner carrying `tag` has it *because* this requirement asks for it:
    /// a required tag of a plain list, or a tag satisfying a positive tag or glob term of
    /// an expression. The runner's other tags are extra (what makes it over-qualified).
    ///
    /// ```
    /// use runner_match::Requirements;
    /// let req: Requirements = "gpu-* & !development".parse()?;
    /// assert!(req.wants("gpu-a100"));
    /// assert!(!req.wants("development"));
    /// # Ok::<(), runner_match::RequirementError>(())
    /// ```
    pub fn wants(&self, tag: &str) -> bool {
        match &self.expression {
            Some(expression) => expression.wants(tag),
            None => self.tags.iter().any(|wanted| wanted == tag),
        }
    }

    pub(crate) fn admits(&self, tags: &[String], runner_type: Option<&str>) -> bool {
        match &self.expression {
            Some(expression) => expression.eval(tags, runner_type),
            None => tags.is_empty() || self.tags.iter().all(|tag| tags.contains(tag)),
        }
    }

    /// Why a runner fails the hard requirement, status aside; empty iff it is admitted.
    pub(crate) fn unmet(&self, runner: &Runner) -> Vec<Unmet> {
        let runner_type = runner.runner_type.as_ref().map(|t| t.as_str());
        match &self.expression {
            Some(expression) => expression.unmet(&runner.tags, runner_type),
            None if runner.tags.is_empty() => Vec::new(),
            None => self
                .tags
                .iter()
                .filter(|tag| !runner.tags.contains(tag))
                .map(|tag| Unmet::Missing(tag.clone()))
                .collect(),
        }
    }

    /// Validates tags, each after `trim` (identity for lists, [`trim_typed`] for comma
    /// strings). Not generic: one copy in the WebAssembly for every caller.
    fn build(
        raw: &[&str],
        trim: fn(&str) -> &str,
        input: &dyn Fn() -> String,
    ) -> Result<Self, RequirementError> {
        let mut tags: Vec<String> = Vec::new();
        let mut problem: Option<(usize, String, TagProblem)> = None;
        for (index, &raw) in raw.iter().enumerate() {
            let tag = trim(raw);
            let position = index + 1;
            let found = if index >= MAX_TAGS {
                Some(TagProblem::TooMany)
            } else if tag.chars().all(char::is_whitespace) {
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
            None => Ok(Self {
                tags,
                ..Self::default()
            }),
            Some((position, tag, kind)) => Err(TagError {
                input: input(),
                position,
                tag,
                kind,
            }
            .into()),
        }
    }
}

/// The tags of an expression that is a conjunction of literal tags, as a list can hold
/// them: [`Expression::as_plain_tags`], and also quoted tags with whitespace around
/// them (`" flux"`), since list elements are exact too. `None` for anything else.
fn literal_conjunction(expression: &Expression) -> Option<Vec<String>> {
    if let Some(plain) = expression.as_plain_tags() {
        return Some(plain);
    }
    let mut tags: Vec<String> = Vec::new();
    for clause in expression.conjuncts() {
        match clause {
            crate::ExpressionNode::Tag(tag) if !tag.contains(',') => {
                if !tags.contains(tag) {
                    tags.push(tag.clone());
                }
            }
            _ => return None,
        }
    }
    Some(tags)
}

/// An item of a comma string without the ASCII spaces and tabs typed around it (the
/// only whitespace the comma form drops; see the module docs).
fn trim_typed(item: &str) -> &str {
    item.trim_matches([' ', '\t'])
}

/// `true` when a requirement string uses expression syntax: any of `& | ! ( ) "`, a glob
/// character `*` or `?`, or a comma-separated item starting with `type:`. Only such
/// strings are parsed as expressions; any other string keeps ComfyControl's plain
/// comma-list meaning (so `"gpu a100"` is still the one tag `gpu a100`).
///
/// ```
/// use runner_match::looks_like_expression;
/// assert!(looks_like_expression("gpu-* & !dev"));
/// assert!(looks_like_expression("flux, type:pro"));
/// assert!(!looks_like_expression("production, gpu a100"));
/// ```
pub fn looks_like_expression(input: &str) -> bool {
    input.contains(['&', '|', '!', '(', ')', '"', '*', '?'])
        || input
            .split(',')
            .any(|item| trim_typed(item).starts_with("type:"))
}

impl FromStr for Requirements {
    type Err = RequirementError;

    /// Parses ComfyControl's comma-separated form, or an expression when the string
    /// uses expression syntax ([`looks_like_expression`]). Items lose the ASCII spaces
    /// and tabs around them, nothing else (see the module docs); a string that is empty
    /// or only spaces and tabs is the wildcard.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        if trim_typed(input).is_empty() {
            return Ok(Self::any());
        }
        if looks_like_expression(input) {
            return Ok(Self::from_expression(Expression::parse(input)?));
        }
        // One past the limit is enough to report `TooMany`.
        let raw: Vec<&str> = input.split(',').take(MAX_TAGS + 1).collect();
        Self::build(&raw, trim_typed, &|| error::quote_str(input))
    }
}

impl From<Expression> for Requirements {
    fn from(expression: Expression) -> Self {
        Self::from_expression(expression)
    }
}

impl fmt::Display for Requirements {
    /// The tags joined by `", "`, or the expression in canonical form; either parses
    /// back to the same requirement. Preferences are not shown (they have their own
    /// `Display`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(expression) = &self.expression {
            return fmt::Display::fmt(expression, f);
        }
        // A tag such as `a|b` or `gpu-*` would read back as expression syntax, and one
        // with whitespace around it would lose it: then every tag is quoted, which the
        // expression language reads as literal tags, whitespace kept.
        let quote = self
            .tags
            .iter()
            .any(|tag| looks_like_expression(tag) || tag.trim() != tag);
        for (i, tag) in self.tags.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if quote {
                write!(f, "\"{}\"", tag.replace('\\', "\\\\").replace('"', "\\\""))?;
            } else {
                f.write_str(tag)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_parses_back_to_the_same_plain_list() {
        for tags in [
            vec!["a|b", "flux"],
            vec!["gpu-*", "gpu a100"],
            vec!["type:pro"],
            vec![r#"say "hi" \ bye"#, "(x)"],
            vec!["plain", "gpu a100"],
        ] {
            let req = Requirements::from_tags(&tags).unwrap();
            let again: Requirements = req.to_string().parse().unwrap();
            assert_eq!(again.tags(), req.tags(), "{req}");
            assert!(again.expression().is_none(), "{req}");
        }
        let req = Requirements::from_tags(["a|b", "flux"]).unwrap();
        assert_eq!(req.to_string(), r#""a|b", "flux""#);
    }

    #[test]
    fn comma_strings() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   ", &[]),
            ("gpu-a100", &["gpu-a100"]),
            ("production, gpu-a100", &["production", "gpu-a100"]),
            ("  a ,b  ,  c ", &["a", "b", "c"]),
            ("\ta\t, b", &["a", "b"]),
            ("\u{a0}a,b\u{3000}", &["\u{a0}a", "b\u{3000}"]),
            (" \t ", &[]),
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
                "a,\u{a0}".into(),
                "empty tag at position 2 in \"a,\\u{a0}\"".into(),
            ),
            (
                "\u{3000}".into(),
                "empty tag at position 1 in \"\\u{3000}\"".into(),
            ),
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
        let req = Requirements::from_tags(["flux", "flux", "sdxl"]).unwrap();
        assert_eq!(req.tags(), ["flux", "sdxl"]);
        assert_eq!(req.to_comma_string(), "flux,sdxl");
        assert_eq!(req.to_string(), "flux, sdxl");
        // Elements are exact: whitespace is part of the tag, never trimmed.
        let req = Requirements::from_tags(["flux", " flux ", "\u{a0}sdxl"]).unwrap();
        assert_eq!(req.tags(), ["flux", " flux ", "\u{a0}sdxl"]);
        assert_eq!(
            req.to_comma_string(),
            "flux,\u{a0}sdxl",
            "a comma string drops spaces"
        );
        let again: Requirements = req.to_string().parse().unwrap();
        assert_eq!(
            again.tags(),
            req.tags(),
            "Display quotes to keep the spaces"
        );
        for blank in ["\t", "\u{a0}", "\u{3000}", "\n"] {
            let err = Requirements::from_tags(["a", blank]).unwrap_err();
            assert!(
                err.to_string().starts_with("empty tag at position 2"),
                "{blank:?}: {err}"
            );
        }

        let err = Requirements::from_tags([" "]).unwrap_err();
        assert_eq!(err.to_string(), r#"empty tag at position 1 in [" "]"#);
        let RequirementError::Tag(err) = err else {
            panic!("a tag error");
        };
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
        let RequirementError::Tag(err) = Requirements::from_tags(&tags).unwrap_err() else {
            panic!("a tag error");
        };
        assert_eq!(err.kind, TagProblem::TooMany);
        assert_eq!(err.position, MAX_TAGS + 1);
        assert!(Requirements::from_tags(&tags[..MAX_TAGS]).is_ok());
    }

    #[test]
    fn expression_syntax_switches_the_language() {
        // (input, tags(), the expression when not a plain list)
        let cases: &[(&str, &[&str], Option<&str>)] = &[
            ("a & b", &["a", "b"], None),
            ("a && b, a", &["a", "b"], None),
            ("\"a\", b", &["a", "b"], None),
            ("(a)", &["a"], None),
            ("gpu a100, x", &["gpu a100", "x"], None),
            ("a | b", &[], Some("a | b")),
            ("gpu, type:pro", &["gpu"], Some("gpu & type:pro")),
            ("type:pro", &[], Some("type:pro")),
            ("gpu-*", &[], Some("gpu-*")),
            ("flux, !dev", &["flux"], Some("flux & !dev")),
            ("\"a,b\"", &["a,b"], Some("\"a,b\"")),
        ];
        for &(input, tags, expression) in cases {
            let req: Requirements = input.parse().unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(req.tags(), tags, "{input:?}");
            let shown = req.expression().map(ToString::to_string);
            assert_eq!(shown.as_deref(), expression, "{input:?}");
            assert_eq!(
                req.to_string(),
                expression.map_or(tags.join(", "), str::to_owned)
            );
            assert!(!req.is_wildcard());
        }
        assert!("  ".parse::<Requirements>().unwrap().is_wildcard());
        let req: Requirements = "\"a,b\" & c & \" d\" & (e | f)".parse().unwrap();
        assert_eq!(req.to_comma_string(), "c");
        // A list is always literal, whatever its characters.
        let req = Requirements::from_tags(["a|b", "c*"]).unwrap();
        assert_eq!(
            (req.tags(), req.expression()),
            (&["a|b".to_owned(), "c*".to_owned()][..], None)
        );
    }

    #[test]
    fn expression_errors_point_at_the_spot() {
        let cases: &[(&str, &str, usize)] = &[
            ("gpu a100 & x", "missing operator at 4", 4),
            (
                "a & (b",
                "unexpected end of input at 6: expected ')' to close '(' at 4",
                6,
            ),
            ("hello!", "missing operator at 5", 5),
            ("a &", "unexpected end of input at 3: expected a tag", 3),
            ("a, , b | c", "empty tag at 3", 3),
        ];
        for &(input, message, offset) in cases {
            let err = input.parse::<Requirements>().unwrap_err();
            assert!(matches!(err, RequirementError::Expression(_)), "{input:?}");
            assert_eq!(err.to_string(), message, "{input:?}");
            assert_eq!(err.offset(), Some(offset), "{input:?}");
            assert_eq!(err.render().lines().next(), Some(input));
        }
        let err = "a,,b".parse::<Requirements>().unwrap_err();
        assert_eq!((err.offset(), err.render()), (None, err.to_string()));
    }
}
