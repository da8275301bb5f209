//! Evaluating a syntax tree against one runner, explaining a failed clause, and the
//! structural questions scoring and explanations ask (which terms are wanted, which
//! literal tags are named).
//!
//! Every function here recurses over the tree; the parser bounds its depth by
//! [`MAX_EXPRESSION_DEPTH`](super::MAX_EXPRESSION_DEPTH), so the recursion is bounded.

use crate::interner::Interner;

use super::{glob, ExpressionNode, Unmet};

/// How an untagged runner is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Untagged {
    /// ComfyControl's rule for requirements: an untagged runner satisfies every tag
    /// literal, positive or negated.
    Wildcard,
    /// Plain boolean logic, for preferences: an untagged runner simply has no tags.
    HasNoTags,
}

/// Whether `node` (or, when `negated`, `!node`) holds, with negation pushed down to the
/// leaves so that under [`Untagged::Wildcard`] an untagged runner (empty `tags`)
/// satisfies every tag literal.
pub(super) fn holds(
    node: &ExpressionNode,
    tags: &[String],
    runner_type: Option<&str>,
    negated: bool,
    untagged: Untagged,
) -> bool {
    let wildcard = tags.is_empty() && untagged == Untagged::Wildcard;
    let all = |items: &[ExpressionNode], negated: bool| {
        items
            .iter()
            .all(|item| holds(item, tags, runner_type, negated, untagged))
    };
    let any = |items: &[ExpressionNode], negated: bool| {
        items
            .iter()
            .any(|item| holds(item, tags, runner_type, negated, untagged))
    };
    match node {
        ExpressionNode::Tag(tag) => wildcard || tags.contains(tag) != negated,
        ExpressionNode::Glob(pattern) => {
            wildcard || tags.iter().any(|tag| glob::matches(pattern, tag)) != negated
        }
        ExpressionNode::Type(pattern) => {
            runner_type.is_some_and(|actual| glob::matches(pattern, actual)) != negated
        }
        ExpressionNode::Not(inner) => holds(inner, tags, runner_type, !negated, untagged),
        // !(a & b) = !a | !b ; !(a | b) = !a & !b
        ExpressionNode::And(items) if negated => any(items, true),
        ExpressionNode::And(items) => all(items, false),
        ExpressionNode::Or(items) if negated => all(items, true),
        ExpressionNode::Or(items) => any(items, false),
    }
}

/// Why a failed top-level clause fails.
pub(super) fn explain(
    clause: &ExpressionNode,
    tags: &[String],
    runner_type: Option<&str>,
) -> Unmet {
    match clause {
        ExpressionNode::Tag(tag) => Unmet::Missing(tag.clone()),
        ExpressionNode::Glob(pattern) => Unmet::NoTagMatches(pattern.clone()),
        ExpressionNode::Type(wanted) => Unmet::TypeMismatch {
            wanted: wanted.clone(),
            actual: runner_type.map(str::to_owned),
        },
        ExpressionNode::Not(inner) => match &**inner {
            ExpressionNode::Tag(tag) => Unmet::Excluded(tag.clone()),
            ExpressionNode::Glob(pattern) => {
                match tags.iter().find(|t| glob::matches(pattern, t)) {
                    Some(tag) => Unmet::Excluded(tag.clone()),
                    None => Unmet::ClauseFailed(clause.to_string()),
                }
            }
            _ => Unmet::ClauseFailed(clause.to_string()),
        },
        _ => Unmet::ClauseFailed(clause.to_string()),
    }
}

/// Appends the tag and glob leaves that sit under an even number of negations (the
/// tags the expression *wants*), without repeats.
pub(super) fn positive_terms(node: &ExpressionNode, negated: bool, out: &mut Vec<ExpressionNode>) {
    let mut found = Vec::new();
    collect_positive(node, negated, &mut found);
    // Up to 1,000 terms: de-duplicate through sets, not a quadratic scan.
    let (mut tags, mut globs) = (Interner::new(), Interner::new());
    out.extend(
        found
            .into_iter()
            .filter(|term| match term_key(term) {
                (true, pattern) => globs.insert(pattern),
                (false, tag) => tags.insert(tag),
            })
            .cloned(),
    );
}

fn collect_positive<'a>(
    node: &'a ExpressionNode,
    negated: bool,
    out: &mut Vec<&'a ExpressionNode>,
) {
    match node {
        ExpressionNode::Tag(_) | ExpressionNode::Glob(_) => {
            if !negated {
                out.push(node);
            }
        }
        ExpressionNode::Type(_) => {}
        ExpressionNode::Not(inner) => collect_positive(inner, !negated, out),
        ExpressionNode::And(items) | ExpressionNode::Or(items) => {
            for item in items {
                collect_positive(item, negated, out);
            }
        }
    }
}

/// What makes two leaf terms the same term.
fn term_key(term: &ExpressionNode) -> (bool, &str) {
    match term {
        ExpressionNode::Glob(pattern) => (true, pattern.as_str()),
        ExpressionNode::Tag(tag) => (false, tag.as_str()),
        _ => (false, ""),
    }
}

/// Appends every literal tag the tree names, whatever its polarity, without repeats.
pub(super) fn literal_tags<'a>(node: &'a ExpressionNode, out: &mut Vec<&'a str>) {
    let mut found = Vec::new();
    collect_literal(node, &mut found);
    let mut seen = Interner::new();
    for &tag in out.iter() {
        seen.insert(tag);
    }
    out.extend(found.into_iter().filter(|tag| seen.insert(tag)));
}

fn collect_literal<'a>(node: &'a ExpressionNode, out: &mut Vec<&'a str>) {
    match node {
        ExpressionNode::Tag(tag) => out.push(tag),
        ExpressionNode::Glob(_) | ExpressionNode::Type(_) => {}
        ExpressionNode::Not(inner) => collect_literal(inner, out),
        ExpressionNode::And(items) | ExpressionNode::Or(items) => {
            for item in items {
                collect_literal(item, out);
            }
        }
    }
}

/// `true` when `tag` satisfies one of `terms` (tag or glob leaves).
pub(super) fn wanted_by(terms: &[ExpressionNode], tag: &str) -> bool {
    terms.iter().any(|term| match term {
        ExpressionNode::Tag(wanted) => wanted == tag,
        ExpressionNode::Glob(pattern) => glob::matches(pattern, tag),
        _ => false,
    })
}
