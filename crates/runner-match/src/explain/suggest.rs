//! The single change to a requirement that would make the most runners match.

use std::fmt;

use crate::expr::{clause_holds, ExpressionNode};
use crate::requirements::Requirements;

use super::Verdict;

/// A change to the requirement, and what it would win.
///
/// `Display`: `drop "eu-west": 12 runners would match`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The change.
    pub change: Change,
    /// How many runners would match after it (those matching now included).
    pub runners: usize,
    /// How many of those do not match now.
    pub gained: usize,
}

/// A change to a requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// Stop requiring this literal tag.
    DropTag(String),
    /// Drop this top-level clause of an expression (canonical form, `flux | sdxl`).
    DropClause(String),
}

impl fmt::Display for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.change {
            Change::DropTag(tag) => write!(f, "drop {tag:?}")?,
            Change::DropClause(clause) => write!(f, "drop `{clause}`")?,
        }
        let noun = if self.runners == 1 {
            "runner"
        } else {
            "runners"
        };
        write!(f, ": {} {noun} would match", self.runners)
    }
}

/// The droppable parts of a requirement: its tags (as tag nodes) or the top-level
/// clauses of its expression, equal clauses once (dropping one drops every copy).
pub(crate) fn droppable(requirements: &Requirements) -> Vec<ExpressionNode> {
    match requirements.expression() {
        None => requirements
            .tags()
            .iter()
            .map(|tag| ExpressionNode::Tag(tag.clone()))
            .collect(),
        Some(expression) => {
            let mut unique: Vec<&ExpressionNode> = Vec::new();
            for clause in expression.conjuncts() {
                if !unique.contains(&clause) {
                    unique.push(clause);
                }
            }
            unique.into_iter().cloned().collect()
        }
    }
}

pub(super) fn best_change(
    verdicts: &[Verdict<'_>],
    requirements: &Requirements,
    matched: usize,
) -> Option<Suggestion> {
    let clauses = droppable(requirements);
    if clauses.len() < 2 {
        return None;
    }
    // A rejected, schedulable runner matches once its only failing clause is dropped.
    // (A tag node fails exactly on the tagged runners without the tag.)
    let mut gained = vec![0usize; clauses.len()];
    for verdict in verdicts {
        let runner = verdict.runner();
        if verdict.is_match() || !runner.is_schedulable() {
            continue;
        }
        let runner_type = runner.runner_type.as_ref().map(|t| t.as_str());
        let mut failing = clauses
            .iter()
            .enumerate()
            .filter(|(_, clause)| !clause_holds(clause, &runner.tags, runner_type));
        if let (Some((only, _)), None) = (failing.next(), failing.next()) {
            gained[only] += 1;
        }
    }
    suggestion(&clauses, &gained, matched)
}

/// The suggestion for the clause (of `clauses`, [`droppable`]'s) gaining the most
/// runners, `gained[i]` for clause `i`; ties go to the clause written first.
pub(crate) fn suggestion(
    clauses: &[ExpressionNode],
    gained: &[usize],
    matched: usize,
) -> Option<Suggestion> {
    let (best, &most) = gained
        .iter()
        .enumerate()
        .rev()
        .max_by_key(|(_, count)| **count)?;
    if most == 0 || clauses.len() < 2 {
        return None;
    }
    let change = match &clauses[best] {
        ExpressionNode::Tag(tag) => Change::DropTag(tag.clone()),
        node => Change::DropClause(node.to_string()),
    };
    Some(Suggestion {
        change,
        runners: matched + most,
        gained: most,
    })
}
