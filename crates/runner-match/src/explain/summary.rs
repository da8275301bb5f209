//! The one-glance summary line of an explanation.

use super::{Reason, Verdict};
use crate::order::sorted_entry;

/// The most reason groups the summary lists before `and N more reasons`.
const MAX_GROUPS: usize = 6;

/// How many runners fail for one reason, and for a status reason how many of those
/// would match with a good status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Count {
    pub(crate) runners: usize,
    pub(crate) would_match: usize,
}

pub(super) fn summary(verdicts: &[Verdict<'_>]) -> String {
    let matched = verdicts.iter().filter(|v| v.is_match()).count();
    render(matched, verdicts.len(), &groups(verdicts))
}

/// The runners per reason, keyed by [`group_key`] and sorted by it.
fn groups(verdicts: &[Verdict<'_>]) -> Vec<(Reason, Count)> {
    // Keyed by the reason without its runner-specific part (a type mismatch's actual
    // type), so that runners group by what the requirement asked. A sorted map keeps
    // this fast however many reasons there are; the output is sorted below.
    let mut groups: Vec<(Reason, Count)> = Vec::new();
    for verdict in verdicts {
        let reasons = verdict.reasons();
        // An unschedulable runner counts once, by its status: the tag counts are then
        // about the runners a change of requirements could actually win.
        let counted = match reasons.iter().find(|r| r.is_status()) {
            Some(status) => std::slice::from_ref(status),
            None => reasons,
        };
        for reason in counted {
            let count = sorted_entry(&mut groups, group_key(reason));
            count.runners += 1;
            if reason.is_status() && reasons.len() == 1 {
                count.would_match += 1;
            }
        }
    }
    groups
}

/// The summary line from the counts: `matched` of `total`, then each group.
pub(crate) fn render(matched: usize, total: usize, groups: &[(Reason, Count)]) -> String {
    let mut line = format!(
        "{matched} of {total} {} {}",
        if total == 1 { "runner" } else { "runners" },
        if matched == 1 { "matches" } else { "match" },
    );

    // Every key has its own wording, so (count, phrase) orders the groups totally.
    let mut phrases: Vec<(usize, String)> = groups
        .iter()
        .map(|(key, count)| {
            let text = phrase(key, count.runners, count.would_match);
            (count.runners, text)
        })
        .collect();
    crate::order::sort_by(&mut phrases, |a, b| {
        b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1))
    });
    for (index, (count, text)) in phrases.iter().enumerate() {
        line.push_str(if index == 0 { "; " } else { ", " });
        if index == MAX_GROUPS {
            let more = phrases.len() - MAX_GROUPS;
            line.push_str(&format!("and {more} more reason{}", plural(more)));
            break;
        }
        line.push_str(&format!("{count} {text}"));
    }
    line
}

/// A reason without its runner-specific part (a type mismatch's actual type).
pub(crate) fn group_key(reason: &Reason) -> Reason {
    match reason {
        Reason::TypeMismatch { wanted, .. } => Reason::TypeMismatch {
            wanted: wanted.clone(),
            actual: None,
        },
        other => other.clone(),
    }
}

/// The words after the count, agreeing with it.
fn phrase(key: &Reason, count: usize, would_match: usize) -> String {
    let one = count == 1;
    let (has, lack, are, fail) = if one {
        ("has", "lacks", "is", "fails")
    } else {
        ("have", "lack", "are", "fail")
    };
    match key {
        Reason::Disabled => format!("{are} disabled{}", note(would_match, "enabled")),
        Reason::UnknownStatus(status) => format!(
            "{has} unknown status {status:?}{}",
            note(would_match, "active")
        ),
        Reason::Missing(tag) => format!("{lack} {tag:?}"),
        Reason::Excluded(tag) => format!("{has} {tag:?}"),
        Reason::NoTagMatches(pattern) => format!("{has} no tag matching {pattern}"),
        Reason::TypeMismatch { wanted, .. } => format!("{are} not type:{wanted}"),
        Reason::ClauseFailed(clause) => format!("{fail} `{clause}`"),
    }
}

fn note(would_match: usize, state: &str) -> String {
    if would_match == 0 {
        String::new()
    } else {
        format!(" ({would_match} would match if {state})")
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}
