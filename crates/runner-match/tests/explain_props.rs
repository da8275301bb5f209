//! Properties of ranking with expressions and preferences, and of `explain`:
//! the expression form of a plain list ranks exactly like the list, `!!e` ranks like
//! `e`, preferences keep scores in `[0, 1]` and never change who matches, the index
//! answers exactly like `rank`, `explain` agrees with `rank` on every runner, and its
//! best change and hints tell the truth.

use proptest::prelude::*;
use runner_match::{
    explain, rank, Change, Expression, Match, PreferenceKind, Preferences, Requirements, Runner,
    RunnerIndex, RunnerSource, RunnerStatus, RunnerType, Timestamp, Verdict,
};

/// Tags that collide often, with a case variant that must not match.
const TAGS: [&str; 7] = ["gpu", "GPU", "flux", "sdxl", "video", "gpu-a100", "dev"];
/// Leaves of generated expressions: tags (one no runner carries), globs, types.
const LEAVES: [&str; 14] = [
    "gpu", "GPU", "flux", "sdxl", "video", "gpu-a100", "dev", "nope", "gpu*", "?lux", "*",
    "type:pro", "type:p*", "type:*",
];
const TIMES: [&str; 3] = [
    "2024-01-10T08:00:00Z",
    "2024-02-01T08:00:00Z",
    "2024-03-01T08:00:00Z",
];

fn arb_runner() -> impl Strategy<Value = Runner> {
    let status = prop_oneof![
        6 => Just(RunnerStatus::Active),
        2 => Just(RunnerStatus::Disabled),
        1 => Just(RunnerStatus::Other("inactive".to_owned())),
    ];
    let tags = prop_oneof![
        1 => Just(Vec::new()),
        4 => prop::collection::vec(0..TAGS.len(), 1..5),
    ];
    let kind = prop::sample::select(vec![None, Some(RunnerType::Pro), Some(RunnerType::Plus)]);
    (0u8..30, status, tags, 0..TIMES.len(), kind).prop_map(|(id, status, tags, time, kind)| {
        let at: Timestamp = TIMES[time].parse().expect("valid timestamp");
        Runner {
            id: format!("r-{id:02}"),
            name: format!("runner {id}"),
            source: match kind {
                Some(_) => RunnerSource::Managed,
                None => RunnerSource::SelfHosted {
                    user_id: "u".into(),
                    endpoint: "https://comfy.example".into(),
                    headers: Default::default(),
                },
            },
            runner_type: kind,
            status,
            tags: tags.into_iter().map(|i| TAGS[i].to_owned()).collect(),
            created_at: at.clone(),
            updated_at: at,
        }
    })
}

fn arb_fleet() -> impl Strategy<Value = Vec<Runner>> {
    prop::collection::vec(arb_runner(), 0..40)
}

/// A random expression's source, fully parenthesized.
fn arb_expression() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(LEAVES.to_vec()).prop_map(str::to_owned);
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| format!("!({e})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) & ({b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("({a}) | ({b})")),
        ]
    })
}

/// A top-level clause: anything but an AND, so that clauses stay clauses when joined.
fn arb_clause() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(LEAVES.to_vec()).prop_map(str::to_owned),
        1 => arb_expression().prop_map(|e| format!("!({e})")),
        1 => (arb_expression(), arb_expression()).prop_map(|(a, b)| format!("({a}) | ({b})")),
    ]
}

fn arb_preferences() -> impl Strategy<Value = Preferences> {
    let weight = prop::sample::select(vec![0.25, 1.0, 2.0, 3.0, 1e6]);
    prop::collection::vec((any::<bool>(), arb_expression(), weight), 0..5).prop_map(|items| {
        let mut prefs = Preferences::new();
        for (avoid, key, weight) in items {
            let kind = if avoid {
                PreferenceKind::Avoid
            } else {
                PreferenceKind::Prefer
            };
            // A duplicate key is an error; skipping it is fine here.
            let _ = prefs.add(kind, &key, weight);
        }
        prefs
    })
}

fn expression(source: &str) -> Requirements {
    Requirements::from(Expression::parse(source).expect("generated expressions parse"))
}

/// Asserts two rankings are identical: same runners (by identity), bit-equal scores,
/// same fits, same order.
fn same_ranking(a: &[Match<'_>], b: &[Match<'_>]) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        prop_assert!(std::ptr::eq(x.runner, y.runner));
        prop_assert_eq!(x.score.to_bits(), y.score.to_bits());
        prop_assert_eq!(x.fit, y.fit);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A plain list ranks exactly like its expression forms, even when they take the
    /// expression path (`!!a & !!b` is not recognized as a plain list).
    #[test]
    fn expression_form_of_a_list_ranks_like_the_list(
        fleet in arb_fleet(),
        picks in prop::collection::vec(0..TAGS.len(), 1..4),
        prefs in arb_preferences(),
    ) {
        let tags: Vec<&str> = picks.iter().map(|&i| TAGS[i]).collect();
        let list = Requirements::from_tags(&tags).unwrap().with_preferences(prefs.clone());
        let want = rank(&fleet, &list);

        let joined = tags.join(" & ");
        let conjunction = expression(&joined).with_preferences(prefs.clone());
        prop_assert!(conjunction.expression().is_none());
        same_ranking(&rank(&fleet, &conjunction), &want)?;

        let doubled: Vec<String> = tags.iter().map(|t| format!("!!{t}")).collect();
        let doubled = expression(&doubled.join(" & ")).with_preferences(prefs.clone());
        prop_assert!(doubled.expression().is_some());
        same_ranking(&rank(&fleet, &doubled), &want)?;

        let ored: Vec<String> = tags.iter().map(|t| format!("({t} | {t})")).collect();
        let ored = expression(&ored.join(", ")).with_preferences(prefs);
        prop_assert!(ored.expression().is_some());
        same_ranking(&rank(&fleet, &ored), &want)?;
    }

    /// Negating twice changes nothing: not who matches, not the scores, not the order.
    #[test]
    fn double_negation_ranks_like_the_expression(
        fleet in arb_fleet(),
        source in arb_expression(),
        prefs in arb_preferences(),
    ) {
        let once = expression(&source).with_preferences(prefs.clone());
        let twice = expression(&format!("!!({source})")).with_preferences(prefs);
        same_ranking(&rank(&fleet, &twice), &rank(&fleet, &once))?;
    }

    /// Preferences keep every score in [0, 1] and never change the matched set.
    #[test]
    fn preferences_rank_but_never_filter(
        fleet in arb_fleet(),
        source in arb_expression(),
        prefs in arb_preferences(),
    ) {
        let hard = expression(&source);
        let soft = hard.clone().with_preferences(prefs);
        let without = rank(&fleet, &hard);
        let with = rank(&fleet, &soft);
        prop_assert_eq!(with.len(), without.len());
        for m in &with {
            prop_assert!((0.0..=1.0).contains(&m.score), "score {}", m.score);
            prop_assert!(without.iter().any(|w| std::ptr::eq(w.runner, m.runner) && w.fit == m.fit));
            let breakdown = m.breakdown(&soft);
            prop_assert_eq!(breakdown.score.to_bits(), m.score.to_bits());
            prop_assert!(breakdown.preference_score.is_none_or(|p| (0.0..=1.0).contains(&p)));
        }
        for m in &without {
            prop_assert!((0.0..=1.0).contains(&m.score));
            prop_assert_eq!(m.breakdown(&hard).fit_score.to_bits(), m.score.to_bits());
        }
    }

    /// The index answers expressions and preferences exactly like `rank`.
    #[test]
    fn index_ranks_expressions_like_rank(
        fleet in arb_fleet(),
        sources in prop::collection::vec(arb_expression(), 1..4),
        prefs in arb_preferences(),
    ) {
        let index = RunnerIndex::new(fleet);
        for source in &sources {
            for req in [expression(source), expression(source).with_preferences(prefs.clone())] {
                let want = rank(index.runners(), &req);
                same_ranking(&index.rank(&req), &want)?;
                let positions = index.rank_positions(&req);
                prop_assert_eq!(positions.len(), want.len());
                for (p, w) in positions.iter().zip(&want) {
                    prop_assert!(std::ptr::eq(&index.runners()[p.position as usize], w.runner));
                    prop_assert_eq!(p.score.to_bits(), w.score.to_bits());
                }
                prop_assert_eq!(index.count_matches(&req), want.len());
            }
        }
    }

    /// `RunnerIndex::explain` counts with popcounts exactly what `explain` counts from
    /// its verdicts: matches, the summary line and the best change; its verdicts (built
    /// on first use) are `explain`'s.
    #[test]
    fn index_explain_counts_like_the_verdicts(
        fleet in arb_fleet(),
        clauses in prop::collection::vec(arb_clause(), 1..4),
        plain in prop::collection::vec(0..TAGS.len(), 0..3),
        prefs in arb_preferences(),
    ) {
        let index = RunnerIndex::new(fleet);
        let list: Vec<&str> = plain.iter().map(|&i| TAGS[i]).collect();
        let joined = clauses.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(", ");
        for req in [
            expression(&joined),
            expression(&joined).with_preferences(prefs.clone()),
            Requirements::from_tags(&list).unwrap(),
            Requirements::any(),
        ] {
            let want = explain(index.runners(), &req);
            let got = index.explain(&req);
            prop_assert_eq!(got.match_count(), want.match_count(), "{}", req);
            prop_assert_eq!(got.summary(), want.summary(), "{}", req);
            prop_assert_eq!(got.best_change(), want.best_change(), "{}", req);
            prop_assert_eq!(got.to_string(), want.to_string());
            prop_assert!(got == want);
        }
    }

    /// `explain` agrees with `rank` on every runner, and its reasons are complete.
    #[test]
    fn explain_agrees_with_rank(
        fleet in arb_fleet(),
        source in arb_expression(),
        plain in prop::collection::vec(0..TAGS.len(), 0..3),
        prefs in arb_preferences(),
    ) {
        let list: Vec<&str> = plain.iter().map(|&i| TAGS[i]).collect();
        for req in [
            expression(&source).with_preferences(prefs.clone()),
            Requirements::from_tags(&list).unwrap().with_preferences(prefs.clone()),
        ] {
            let ranked = rank(&fleet, &req);
            let why = explain(&fleet, &req);
            prop_assert_eq!(why.verdicts().len(), fleet.len());
            prop_assert_eq!(why.match_count(), ranked.len());
            let head = format!("{} of {} ", ranked.len(), fleet.len());
            prop_assert!(why.summary().starts_with(&head));
            for (verdict, runner) in why.verdicts().iter().zip(&fleet) {
                prop_assert!(std::ptr::eq(verdict.runner(), runner));
                let found = ranked.iter().find(|m| std::ptr::eq(m.runner, runner));
                match (verdict, found) {
                    (Verdict::Matched { score, fit, breakdown, .. }, Some(m)) => {
                        prop_assert_eq!(score.to_bits(), m.score.to_bits());
                        prop_assert_eq!(*fit, m.fit);
                        prop_assert_eq!(breakdown.score.to_bits(), m.score.to_bits());
                    }
                    (Verdict::Rejected { reasons, .. }, None) => {
                        prop_assert!(!reasons.is_empty());
                        // A status reason comes first, exactly when the runner is not schedulable.
                        prop_assert_eq!(reasons[0].is_status(), !runner.is_schedulable());
                        prop_assert!(reasons[1..].iter().all(|r| !r.is_status()));
                    }
                    _ => prop_assert!(false, "explain and rank disagree on {}", runner.id),
                }
            }
            for (runner, reasons) in why.closest(5) {
                prop_assert!(runner.is_schedulable() && !reasons.is_empty());
            }
            let _ = why.to_string();
        }
    }

    /// The best change is true (dropping that clause matches exactly that many runners)
    /// and best (no other single drop matches more; ties go to the first clause).
    #[test]
    fn best_change_is_true_and_best(
        fleet in arb_fleet(),
        clauses in prop::collection::vec(arb_clause(), 1..5),
    ) {
        let join = |parts: &[&String]| -> String {
            parts.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(" & ")
        };
        let all: Vec<&String> = clauses.iter().collect();
        let req = expression(&join(&all));
        let now = rank(&fleet, &req).len();

        // Distinct clauses (by syntax tree), first-seen order, with the matches after
        // dropping every copy.
        let mut distinct: Vec<(Expression, usize)> = Vec::new();
        for clause in &clauses {
            let parsed = Expression::parse(clause).unwrap();
            if distinct.iter().any(|(seen, _)| *seen == parsed) {
                continue;
            }
            let rest: Vec<&String> = clauses
                .iter()
                .filter(|c| Expression::parse(c).unwrap() != parsed)
                .collect();
            let after = rank(&fleet, &expression(&join(&rest))).len();
            prop_assert!(after >= now);
            distinct.push((parsed, after));
        }
        let best = distinct.iter().map(|(_, after)| *after).max().unwrap_or(now);
        let got = explain(&fleet, &req).best_change();
        if distinct.len() < 2 || best == now {
            prop_assert_eq!(got, None);
        } else {
            let got = got.expect("a gaining drop exists");
            let (clause, _) = distinct.iter().find(|(_, after)| *after == best).unwrap();
            let text = match &got.change {
                Change::DropTag(tag) => tag.clone(),
                Change::DropClause(clause) => clause.clone(),
                _ => unreachable!("only drops are suggested"),
            };
            prop_assert_eq!(text, clause.to_string());
            prop_assert_eq!(got.runners, best);
            prop_assert_eq!(got.gained, best - now);
        }
    }

    /// Hints name only tags no schedulable runner carries, and count the carriers of
    /// each suggestion right.
    #[test]
    fn hints_tell_the_truth(fleet in arb_fleet(), source in arb_expression()) {
        let why = explain(&fleet, &expression(&source));
        let carriers = |tag: &str| {
            fleet.iter().filter(|r| r.is_schedulable() && r.tags.iter().any(|t| t == tag)).count()
        };
        for hint in why.hints() {
            prop_assert_eq!(carriers(&hint.tag), 0);
            prop_assert!(!hint.suggestions.is_empty() && hint.suggestions.len() <= 3);
            for suggestion in &hint.suggestions {
                prop_assert!(suggestion.runners > 0);
                prop_assert_eq!(carriers(&suggestion.tag), suggestion.runners);
            }
        }
    }
}
