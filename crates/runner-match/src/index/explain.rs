//! Explain's counts as popcounts: "33 lack X" is the active runners outside the set of a
//! clause, "drop Y: 11 would match" the active runners failing that clause alone.
//!
//! A rejected runner's reasons are its failed top-level clauses (a tag list's tags are
//! tag clauses), each named by the clause alone, except `!glob`, which names the
//! runner's first tag it matches: a requirement with such a clause is counted from the
//! verdicts instead.

use super::bitset::Bitset;
use super::TagIndex;
use crate::explain::{droppable, group_key, Count, Reason, Tally};
use crate::expr::{ExpressionNode, Untagged};
use crate::model::{Runner, RunnerStatus};
use crate::order::{sorted_entry, sorted_positions};
use crate::requirements::Requirements;

impl TagIndex {
    /// The counts of [`explain`](crate::explain) for `requirements`, or `None` when a
    /// reason depends on more than the clause (see the module docs).
    pub(super) fn tally(&self, runners: &[Runner], requirements: &Requirements) -> Option<Tally> {
        let n = self.len();
        let clauses = droppable(requirements);
        // Per clause: where it fails, and the reason it gives there.
        let mut failing: Vec<(Reason, Bitset)> = Vec::with_capacity(clauses.len());
        for clause in &clauses {
            let reason = group_key(&reason_of(clause)?);
            let mut fails = self.eval(clause, false, Untagged::Wildcard);
            fails.negate(n);
            failing.push((reason, fails));
        }
        // Runners failing at least one clause, and at least two.
        let mut once = Bitset::empty(n);
        let mut twice = Bitset::empty(n);
        for (_, fails) in &failing {
            let mut both = once.clone();
            both.and_with(fails);
            twice.or_with(&both);
            once.or_with(fails);
        }

        // By reason, sorted. Equal reasons from different clauses are one reason per
        // runner: unite them.
        let mut groups: Vec<(Reason, Count)> = Vec::new();
        let by_reason = sorted_positions(failing.len(), &|a, b| failing[a].0.cmp(&failing[b].0));
        for (index, &at) in by_reason.iter().enumerate() {
            let (reason, fails) = &failing[at as usize];
            if index > 0 && failing[by_reason[index - 1] as usize].0 == *reason {
                continue;
            }
            let mut all = fails.clone();
            for &other in &by_reason[index + 1..] {
                match &failing[other as usize] {
                    (same, more) if same == reason => all.or_with(more),
                    _ => break,
                }
            }
            let runners = all.count_and(&self.active);
            if runners > 0 {
                groups.push((
                    reason.clone(),
                    Count {
                        runners,
                        would_match: 0,
                    },
                ));
            }
        }
        // An unschedulable runner counts once, by its status.
        let mut inactive = self.active.clone();
        inactive.negate(n);
        for position in inactive.iter() {
            let reason = match &runners[position as usize].status {
                RunnerStatus::Disabled => Reason::Disabled,
                RunnerStatus::Other(status) => Reason::UnknownStatus(status.clone()),
                RunnerStatus::Active => continue,
            };
            let count = sorted_entry(&mut groups, reason);
            count.runners += 1;
            count.would_match += usize::from(!once.contains(position));
        }

        let matched = self.active.count() - once.count_and(&self.active);
        let gained = failing
            .iter()
            .map(|(_, fails)| {
                let mut alone = fails.clone();
                alone.and_with(&self.active);
                alone.count() - alone.count_and(&twice)
            })
            .collect();
        Some(Tally {
            matched,
            groups,
            gained,
        })
    }
}

/// The reason a failed top-level clause gives, as
/// [`Expression::unmet`](crate::Expression::unmet) names it; `None` when it depends on
/// the runner (`!glob` names the runner's matching tag).
fn reason_of(clause: &ExpressionNode) -> Option<Reason> {
    Some(match clause {
        ExpressionNode::Tag(tag) => Reason::Missing(tag.clone()),
        ExpressionNode::Glob(pattern) => Reason::NoTagMatches(pattern.clone()),
        ExpressionNode::Type(wanted) => Reason::TypeMismatch {
            wanted: wanted.clone(),
            actual: None,
        },
        ExpressionNode::Not(inner) => match &**inner {
            ExpressionNode::Tag(tag) => Reason::Excluded(tag.clone()),
            ExpressionNode::Glob(_) => return None,
            _ => Reason::ClauseFailed(clause.to_string()),
        },
        _ => Reason::ClauseFailed(clause.to_string()),
    })
}
