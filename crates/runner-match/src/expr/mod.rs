//! Requirement expressions: a superset of ComfyControl's comma-separated tag list.
//! The language is documented on [`Expression`] (this module is private; its items
//! are re-exported at the crate root).

use crate::interner::Interner;
use std::fmt;
use std::str::FromStr;

mod eval;
pub(crate) mod glob;
mod lexer;
mod parser;

pub(crate) use eval::Untagged;

pub use parser::{ExpressionError, ExpressionErrorKind};

/// The longest expression accepted, in bytes.
pub const MAX_EXPRESSION_BYTES: usize = 8 * 1024;
/// The deepest nesting of parentheses and `!` accepted, in the input and in its
/// canonical form (see [`Expression`]).
pub const MAX_EXPRESSION_DEPTH: usize = 64;
/// The most terms (tags, glob patterns, `type:` constraints) one expression may hold.
pub const MAX_EXPRESSION_TERMS: usize = 1000;

/// A parsed requirement expression: its syntax tree and the text it came from.
///
/// The language is a superset of ComfyControl's comma-separated tag list with
/// `&`, `|`, `!`, parentheses, glob patterns and runner-type constraints.
///
/// ```text
/// gpu-* & (flux | sdxl) & !development, type:pro
/// ```
///
/// # Grammar
///
/// ```text
/// expression  = [ clauses ] ;                      (* empty or blank: any runner *)
/// clauses     = disjunction { "," disjunction } ;  (* comma = AND, lowest precedence *)
/// disjunction = conjunction { ( "|" | "||" ) conjunction } ;
/// conjunction = unary { ( "&" | "&&" ) unary } ;
/// unary       = "!" unary | "(" clauses ")" | term ;
/// term        = "type:" word | word | quoted ;     (* a word with * or ? is a glob *)
/// word        = wchar { wchar } ;
/// wchar       = any char but whitespace, control characters and & | ! ( ) , " ;
/// quoted      = '"' { qchar | '\"' | '\\' } '"' ;  (* a literal tag, never a glob *)
/// qchar       = any char but " \ and control characters ;
/// ```
///
/// Whitespace separates tokens and is otherwise ignored, so a tag containing a space
/// must be quoted (`"gpu a100"`); two operands in a row are an error. Precedence is
/// `!` > `&` > `|` > `,`: the comma separates clauses, so `flux | sdxl, gpu` is
/// `(flux | sdxl) & gpu`, and a plain `"a, b"` is exactly the comma list. (A comma-list
/// tag holding whitespace, `* ?`, an operator character or the `type:` prefix must be
/// quoted here to keep its literal meaning.)
///
/// - **Tags** compare exactly (case-sensitive). In a bare word `*` matches any run of
///   characters (including none) and `?` exactly one character (not byte): `gpu-*`,
///   `sdxl?`. Quote a tag to take it literally: `"50*"`, `"type:x"`, `"a|b"`.
/// - **`type:<name>`** constrains the runner, not its tags: it holds when the runner's
///   `runner_type` wire string (`pro`, `plus`, …) matches `<name>` (which may be a
///   glob: `type:*` is "any managed runner"). A self-hosted runner has no type and
///   never satisfies `type:…` (so `!type:*` selects self-hosted runners).
///
/// # Untagged runners are wildcards
///
/// Under ComfyControl's rules a runner without tags accepts any workflow. Expressions
/// keep that: against an untagged runner every *tag* clause holds — positive, negated,
/// glob, or any combination — and only `type:` constraints are checked. Precisely,
/// with negations pushed down to the leaves, each tag literal (`x` or `!x`) counts as
/// satisfied; `!(gpu | type:pro)` therefore means `!gpu & !type:pro` and accepts an
/// untagged `plus` runner but not an untagged `pro` runner.
///
/// ```
/// use runner_match::Expression;
/// let e = Expression::parse("gpu-* & (flux | sdxl) & !development, type:pro")?;
/// let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
/// assert!(e.eval(&tags(&["gpu-a100", "flux"]), Some("pro")));
/// assert!(!e.eval(&tags(&["gpu-a100", "flux", "development"]), Some("pro")));
/// assert!(!e.eval(&tags(&["gpu-a100", "flux"]), Some("plus")));
/// // untagged: tag clauses are wildcards, the type still has to match
/// assert!(e.eval(&[], Some("pro")));
/// assert!(!e.eval(&[], Some("plus")));
/// assert!(!e.eval(&[], None)); // self-hosted
/// # Ok::<(), runner_match::ExpressionError>(())
/// ```
///
/// # Limits
///
/// Input up to [`MAX_EXPRESSION_BYTES`], `(`/`!` nesting up to [`MAX_EXPRESSION_DEPTH`]
/// (in the input and in its canonical form),
/// up to [`MAX_EXPRESSION_TERMS`] terms, tags up to [`MAX_TAG_BYTES`](crate::MAX_TAG_BYTES)
/// bytes; beyond them parsing fails with a typed [`ExpressionError`]. Parsing never
/// panics and its recursion is bounded by the depth limit.
///
/// # Equality and canonical form
///
/// Equality and hashing compare the tree only, so `a,b` equals `a && b`.
/// `Display` writes the canonical form (`a & b`), which parses back to an equal
/// expression as long as it stays within [`MAX_EXPRESSION_BYTES`] (it spaces its
/// operators). The canonical form may add parentheses (`!(a | b, c)` prints as
/// `!((a | b) & c)`), so the depth limit applies to the canonical form's nesting as
/// well as the input's: an input whose canonical form would nest deeper than
/// [`MAX_EXPRESSION_DEPTH`] is rejected (`TooDeep`, at its innermost `(` or `!`).
///
/// ```
/// use runner_match::Expression;
/// let e: Expression = "gpu-a100, flux".parse()?;
/// assert_eq!(e.as_plain_tags(), Some(vec!["gpu-a100".to_owned(), "flux".to_owned()]));
/// assert_eq!(e.to_string(), "gpu-a100 & flux");
/// let e: Expression = "(flux||sdxl) , !\"dev box\"".parse()?;
/// assert_eq!(e.to_string(), "(flux | sdxl) & !\"dev box\"");
/// assert_eq!(e.as_plain_tags(), None);
/// # Ok::<(), runner_match::ExpressionError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Expression {
    root: ExpressionNode,
    source: String,
    /// The tag and glob leaves under an even number of negations, computed once
    /// because scoring asks about them for every tag of every matching runner.
    wanted: Vec<ExpressionNode>,
}

/// A node of an expression's syntax tree.
///
/// The parser flattens nested operators of the same kind (`a & (b & c)` is one
/// [`And`](Self::And) of three) and drops redundant parentheses; an `And` or `Or` it
/// builds has at least two operands, except the empty `And` of the empty expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExpressionNode {
    /// A literal tag the runner must carry.
    Tag(String),
    /// A glob pattern (with `*` or `?`) some runner tag must match.
    Glob(String),
    /// `type:<pattern>`: the runner's type must match the pattern.
    Type(String),
    /// `!x`
    Not(Box<ExpressionNode>),
    /// All operands hold (`&`, `&&`, `,`). Empty: always holds.
    And(Vec<ExpressionNode>),
    /// Some operand holds (`|`, `||`).
    Or(Vec<ExpressionNode>),
}

/// Why a runner fails one top-level clause of an expression (see [`Expression::unmet`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unmet {
    /// A required literal tag the runner lacks.
    Missing(String),
    /// A required glob pattern none of the runner's tags matches.
    NoTagMatches(String),
    /// The runner carries this tag, which a `!tag` or `!pattern` clause excludes.
    Excluded(String),
    /// A `type:` clause the runner's type does not match.
    TypeMismatch {
        /// The type (pattern) the clause asks for.
        wanted: String,
        /// The runner's type; `None` for a self-hosted runner.
        actual: Option<String>,
    },
    /// Any other failed clause (an OR, a negated group, …), in canonical form.
    ClauseFailed(String),
}

impl Expression {
    /// Parses an expression (see [`Expression`] for the language). Empty or blank
    /// input is the wildcard expression, which every runner satisfies.
    pub fn parse(input: &str) -> Result<Self, ExpressionError> {
        Ok(Self::new(parser::parse(input)?, input.to_owned()))
    }

    fn new(root: ExpressionNode, source: String) -> Self {
        let mut wanted = Vec::new();
        eval::positive_terms(&root, false, &mut wanted);
        Self {
            root,
            source,
            wanted,
        }
    }

    /// The text this expression was parsed from, verbatim.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The syntax tree.
    pub fn root(&self) -> &ExpressionNode {
        &self.root
    }

    /// `true` for the empty expression, which every runner satisfies.
    pub fn is_wildcard(&self) -> bool {
        matches!(&self.root, ExpressionNode::And(items) if items.is_empty())
    }

    /// `true` iff a runner with these `tags` and this `runner_type` (wire string,
    /// `None` for self-hosted) satisfies the expression. An empty `tags` is the
    /// untagged wildcard runner: only `type:` constraints are checked (see [`Expression`]).
    /// Runner status is not considered.
    pub fn eval(&self, tags: &[String], runner_type: Option<&str>) -> bool {
        eval::holds(&self.root, tags, runner_type, false, Untagged::Wildcard)
    }

    /// Like [`eval`](Self::eval), but with plain boolean logic: an untagged runner is
    /// not a wildcard, it simply has no tags. Preferences are evaluated this way (an
    /// untagged runner does not *have* `gpu-h100`, and does avoid `development`).
    ///
    /// ```
    /// use runner_match::Expression;
    /// let h100 = Expression::parse("gpu-h100")?;
    /// assert!(h100.eval(&[], Some("pro"))); // ComfyControl: untagged takes anything
    /// assert!(!h100.eval_strict(&[], Some("pro"))); // but it has no gpu-h100
    /// assert!(Expression::parse("!development")?.eval_strict(&[], None));
    /// assert!(Expression::parse("type:pro")?.eval_strict(&[], Some("pro")));
    /// # Ok::<(), runner_match::ExpressionError>(())
    /// ```
    pub fn eval_strict(&self, tags: &[String], runner_type: Option<&str>) -> bool {
        eval::holds(&self.root, tags, runner_type, false, Untagged::HasNoTags)
    }

    /// The top-level clauses (operands of the outermost AND, commas included) a runner
    /// fails, in order and without repeats; empty iff [`eval`](Self::eval) holds.
    ///
    /// ```
    /// use runner_match::{Expression, Unmet};
    /// let e = Expression::parse("gpu, sdxl?, !dev-*, type:pro, flux | video")?;
    /// let tags = ["dev-1".to_owned()];
    /// assert_eq!(e.unmet(&tags, Some("plus")), [
    ///     Unmet::Missing("gpu".into()),
    ///     Unmet::NoTagMatches("sdxl?".into()),
    ///     Unmet::Excluded("dev-1".into()),
    ///     Unmet::TypeMismatch { wanted: "pro".into(), actual: Some("plus".into()) },
    ///     Unmet::ClauseFailed("flux | video".into()),
    /// ]);
    /// # Ok::<(), runner_match::ExpressionError>(())
    /// ```
    pub fn unmet(&self, tags: &[String], runner_type: Option<&str>) -> Vec<Unmet> {
        let mut found: Vec<Unmet> = Vec::new();
        for clause in self.conjuncts() {
            if clause_holds(clause, tags, runner_type) {
                continue;
            }
            let why = eval::explain(clause, tags, runner_type);
            if !found.contains(&why) {
                found.push(why);
            }
        }
        found
    }

    /// `Some(tags)` (de-duplicated, first-seen order) when the expression is just a
    /// conjunction of literal tags, such as the comma list `a, b`; `None` when it uses
    /// any operator other than AND, a glob or a `type:` constraint, or a quoted tag
    /// that the comma list cannot carry (one holding a comma or surrounding
    /// whitespace). So `Some` tags always make an equal
    /// [`Requirements`](crate::Requirements) with the same meaning. The wildcard
    /// expression gives `Some(vec![])`.
    pub fn as_plain_tags(&self) -> Option<Vec<String>> {
        let mut seen = Interner::new();
        for clause in self.conjuncts() {
            let ExpressionNode::Tag(tag) = clause else {
                return None;
            };
            if tag.contains(',') || tag.trim() != tag {
                return None;
            }
            seen.insert(tag);
        }
        Some(seen.strings().iter().map(|&tag| tag.to_owned()).collect())
    }

    /// The operands of the outermost AND (its top-level clauses), or the root alone.
    pub(crate) fn conjuncts(&self) -> &[ExpressionNode] {
        match &self.root {
            ExpressionNode::And(items) => items,
            other => std::slice::from_ref(other),
        }
    }

    /// The literal tags that are top-level clauses, without repeats: every *tagged*
    /// runner that satisfies the expression carries all of them, so an index can
    /// narrow its candidates to their carriers (plus the untagged runners).
    pub(crate) fn required_tags(&self) -> Vec<String> {
        let tags = self.conjuncts().iter().filter_map(|clause| match clause {
            ExpressionNode::Tag(tag) => Some(tag.as_str()),
            _ => None,
        });
        crate::interner::distinct(tags)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// `true` when `tag` satisfies a tag or glob term that sits under an even number of
    /// negations: a tag the expression asks for, as opposed to one it merely tolerates.
    pub(crate) fn wants(&self, tag: &str) -> bool {
        eval::wanted_by(&self.wanted, tag)
    }

    /// Every literal tag the expression names, whatever its polarity, first-seen order.
    pub(crate) fn literal_tags(&self) -> Vec<&str> {
        let mut out = Vec::new();
        eval::literal_tags(&self.root, &mut out);
        out
    }
}

/// Whether one clause (a subtree) holds for a runner, under ComfyControl's wildcard rule
/// for untagged runners.
pub(crate) fn clause_holds(
    clause: &ExpressionNode,
    tags: &[String],
    runner_type: Option<&str>,
) -> bool {
    eval::holds(clause, tags, runner_type, false, Untagged::Wildcard)
}

impl Default for Expression {
    /// The wildcard expression (empty source).
    fn default() -> Self {
        Self::new(ExpressionNode::And(Vec::new()), String::new())
    }
}

impl PartialEq for Expression {
    fn eq(&self, other: &Self) -> bool {
        self.root == other.root
    }
}

impl Eq for Expression {}

impl std::hash::Hash for Expression {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.root.hash(state);
    }
}

impl FromStr for Expression {
    type Err = ExpressionError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl fmt::Display for Expression {
    /// The canonical form: ` & ` and ` | ` between operands, `!` without a space,
    /// parentheses only where precedence needs them, tags quoted only when needed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.root, f)
    }
}

impl fmt::Display for Unmet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing(tag) => write!(f, "missing tag {tag:?}"),
            Self::NoTagMatches(pattern) => write!(f, "no tag matches {pattern:?}"),
            Self::Excluded(tag) => write!(f, "excluded tag {tag:?} is present"),
            Self::TypeMismatch {
                wanted,
                actual: Some(actual),
            } => {
                write!(f, "runner type {actual:?} does not match {wanted:?}")
            }
            Self::TypeMismatch {
                wanted,
                actual: None,
            } => {
                write!(f, "self-hosted runner has no type, wanted {wanted:?}")
            }
            Self::ClauseFailed(clause) => write!(f, "clause not satisfied: {clause}"),
        }
    }
}
