//! `explain`, case by case on a small fleet: exact summaries, per-runner reasons, hints,
//! the best change, the closest runners, and the terminal report.

mod support;

use runner_match::{
    explain, rank, Change, Expression, Preferences, Reason, Requirements, Runner, Similarity,
    Suggestion, TagSuggestion, Verdict,
};
use support::runner;

/// A runner; `kind` is the managed type, or `"self"` for a self-hosted runner.
/// Seven runners: four active tagged ones, an untagged pool, a disabled runner and one
/// with a status this crate does not know.
fn fleet() -> Vec<Runner> {
    vec![
        runner(
            "a100-eu",
            "pro",
            "active",
            &["gpu-a100", "flux", "eu-west"],
            "2024-05-01T00:00:00Z",
        ),
        runner(
            "a100-sdxl",
            "pro",
            "active",
            &["gpu-a100", "sdxl"],
            "2024-04-01T00:00:00Z",
        ),
        runner(
            "h100-dev",
            "plus",
            "active",
            &["gpu-h100", "flux", "development"],
            "2024-03-01T00:00:00Z",
        ),
        runner(
            "self-us",
            "self",
            "active",
            &["gpu-a100", "us east"],
            "2024-02-01T00:00:00Z",
        ),
        runner("pool", "plus", "active", &[], "2024-01-01T00:00:00Z"),
        runner(
            "off",
            "pro",
            "disabled",
            &["gpu-a100", "flux"],
            "2024-06-01T00:00:00Z",
        ),
        runner(
            "odd",
            "pro",
            "inactive",
            &["gpu-a100", "flux", "eu-west"],
            "2024-07-01T00:00:00Z",
        ),
    ]
}

fn req(text: &str) -> Requirements {
    text.parse().unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

#[test]
fn summaries() {
    let fleet = fleet();
    let cases: &[(&str, &str)] = &[
        ("", "5 of 7 runners match; 1 has unknown status \"inactive\" (1 would match if active), 1 is disabled (1 would match if enabled)"),
        ("flux", "3 of 7 runners match; 2 lack \"flux\", 1 has unknown status \"inactive\" (1 would match if active), 1 is disabled (1 would match if enabled)"),
        ("GPU-A100, flux", "1 of 7 runners matches; 4 lack \"GPU-A100\", 2 lack \"flux\", 1 has unknown status \"inactive\", 1 is disabled"),
        ("gpu-a100, eu-west", "2 of 7 runners match; 3 lack \"eu-west\", 1 has unknown status \"inactive\" (1 would match if active), 1 is disabled, 1 lacks \"gpu-a100\""),
        ("gpu-* & !development", "4 of 7 runners match; 1 has \"development\", 1 has unknown status \"inactive\" (1 would match if active), 1 is disabled (1 would match if enabled)"),
        ("flux | sdxl, type:pro", "2 of 7 runners match; 3 are not type:pro, 1 fails `flux | sdxl`, 1 has unknown status \"inactive\" (1 would match if active), 1 is disabled (1 would match if enabled)"),
        ("a100*, !type:*", "0 of 7 runners match; 4 fail `!type:*`, 4 have no tag matching a100*, 1 has unknown status \"inactive\", 1 is disabled"),
    ];
    for &(text, want) in cases {
        assert_eq!(explain(&fleet, &req(text)).summary(), want, "{text:?}");
    }
    assert_eq!(
        explain(&[], &Requirements::any()).summary(),
        "0 of 0 runners match"
    );
    assert_eq!(
        explain(&fleet[..1], &req("flux")).summary(),
        "1 of 1 runner matches"
    );
}

#[test]
fn summary_lists_at_most_six_reasons() {
    let fleet = fleet();
    let why = explain(&fleet, &req("t1, t2, t3, t4, t5, t6, t7, t8"));
    assert_eq!(
        why.summary(),
        "1 of 7 runners matches; 4 lack \"t1\", 4 lack \"t2\", 4 lack \"t3\", 4 lack \"t4\", \
         4 lack \"t5\", 4 lack \"t6\", and 4 more reasons"
    );
}

#[test]
fn every_reason_per_runner() {
    let fleet = fleet();
    let reasons = |text: &str, id: &str| -> Vec<Reason> {
        let why = explain(&fleet, &req(text));
        let verdict = why
            .verdicts()
            .iter()
            .find(|v| v.runner().id == id)
            .expect("a verdict per runner");
        verdict.reasons().to_vec()
    };
    let missing = |tag: &str| Reason::Missing(tag.to_owned());
    let cases: Vec<(&str, &str, Vec<Reason>)> = vec![
        ("flux", "a100-eu", vec![]),
        ("flux", "pool", vec![]),
        (
            "flux, sdxl, video",
            "a100-sdxl",
            vec![missing("flux"), missing("video")],
        ),
        ("flux", "off", vec![Reason::Disabled]),
        ("sdxl", "off", vec![Reason::Disabled, missing("sdxl")]),
        (
            "sdxl",
            "odd",
            vec![Reason::UnknownStatus("inactive".into()), missing("sdxl")],
        ),
        (
            "!development",
            "h100-dev",
            vec![Reason::Excluded("development".into())],
        ),
        (
            "!dev*",
            "h100-dev",
            vec![Reason::Excluded("development".into())],
        ),
        (
            "gpu-b*",
            "a100-eu",
            vec![Reason::NoTagMatches("gpu-b*".into())],
        ),
        (
            "type:pro",
            "h100-dev",
            vec![Reason::TypeMismatch {
                wanted: "pro".into(),
                actual: Some("plus".into()),
            }],
        ),
        (
            "type:p*",
            "self-us",
            vec![Reason::TypeMismatch {
                wanted: "p*".into(),
                actual: None,
            }],
        ),
        (
            "type:pro",
            "pool",
            vec![Reason::TypeMismatch {
                wanted: "pro".into(),
                actual: Some("plus".into()),
            }],
        ),
        (
            "flux | sdxl",
            "self-us",
            vec![Reason::ClauseFailed("flux | sdxl".into())],
        ),
        (
            "gpu-h100, !(flux & development)",
            "h100-dev",
            vec![Reason::ClauseFailed("!(flux & development)".into())],
        ),
    ];
    for (text, id, want) in cases {
        assert_eq!(reasons(text, id), want, "{text:?} on {id}");
    }
}

#[test]
fn reasons_read_as_predicates() {
    let cases: Vec<(Reason, &str)> = vec![
        (Reason::Disabled, "is disabled"),
        (
            Reason::UnknownStatus("inactive".into()),
            "has unknown status \"inactive\"",
        ),
        (Reason::Missing("flux".into()), "lacks \"flux\""),
        (
            Reason::Excluded("development".into()),
            "has \"development\"",
        ),
        (
            Reason::NoTagMatches("gpu-*".into()),
            "has no tag matching gpu-*",
        ),
        (
            Reason::TypeMismatch {
                wanted: "pro".into(),
                actual: Some("plus".into()),
            },
            "is plus, not type:pro",
        ),
        (
            Reason::TypeMismatch {
                wanted: "pro".into(),
                actual: None,
            },
            "is self-hosted, not type:pro",
        ),
        (
            Reason::ClauseFailed("flux | sdxl".into()),
            "fails `flux | sdxl`",
        ),
    ];
    for (reason, want) in cases {
        assert_eq!(reason.to_string(), want);
    }
}

#[test]
fn hints_for_near_misses() {
    let fleet = fleet();
    let cases: &[(&str, &[&str])] = &[
        ("flux", &[]),
        ("video", &[]),
        // Two edits are a likely typo for longer tags.
        (
            "gpu-b200",
            &[
                r#""gpu-b200" matches no runner; did you mean "gpu-a100" (3 runners) or "gpu-h100" (1 runner)?"#,
            ],
        ),
        (
            "GPU-A100, flux",
            &[
                r#""GPU-A100" matches no runner; did you mean "gpu-a100" (3 runners)? Tags are case-sensitive."#,
            ],
        ),
        (
            "gpu-a10",
            &[r#""gpu-a10" matches no runner; did you mean "gpu-a100" (3 runners)?"#],
        ),
        // Short tags allow one edit only.
        (
            "flx",
            &[r#""flx" matches no runner; did you mean "flux" (2 runners)?"#],
        ),
        ("fx", &[]),
        (
            "useast",
            &[
                r#""useast" matches no runner; did you mean "us east" (1 runner)? Tags compare exactly, whitespace included."#,
            ],
        ),
        // Tags under a negation and inside clauses are checked too.
        (
            "(fluxx | sdxl) & !Development",
            &[
                r#""fluxx" matches no runner; did you mean "flux" (2 runners)?"#,
                r#""Development" matches no runner; did you mean "development" (1 runner)? Tags are case-sensitive."#,
            ],
        ),
        // One edit from both: both named, most carried first.
        (
            "gpu-x100",
            &[
                r#""gpu-x100" matches no runner; did you mean "gpu-a100" (3 runners) or "gpu-h100" (1 runner)?"#,
            ],
        ),
        // A tag carried only by unschedulable runners counts as absent; globs are not tags.
        ("eu-wes*", &[]),
    ];
    for &(text, want) in cases {
        let hints: Vec<String> = explain(&fleet, &req(text))
            .hints()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(hints, want, "{text:?}");
    }

    let why = explain(&fleet, &req("GPU-A100"));
    let hint = &why.hints()[0];
    assert_eq!(hint.tag, "GPU-A100");
    assert_eq!(
        hint.suggestions,
        [TagSuggestion {
            tag: "gpu-a100".into(),
            runners: 3,
            similarity: Similarity::Case
        }]
    );
}

#[test]
fn hints_cover_preference_keys() {
    let fleet = fleet();
    let prefs = Preferences::new()
        .prefer("GPU-H100", 2.0)
        .unwrap()
        .avoid("developmnet", 1.0)
        .unwrap();
    let why = explain(&fleet, &req("flux").with_preferences(prefs));
    let hints: Vec<String> = why.hints().iter().map(ToString::to_string).collect();
    assert_eq!(
        hints,
        [
            r#""GPU-H100" matches no runner; did you mean "gpu-h100" (1 runner)? Tags are case-sensitive."#,
            r#""developmnet" matches no runner; did you mean "development" (1 runner)?"#,
        ]
    );
}

#[test]
fn best_change() {
    let fleet = fleet();
    let drop_tag = |tag: &str, runners: usize, gained: usize| Suggestion {
        change: Change::DropTag(tag.into()),
        runners,
        gained,
    };
    let cases: Vec<(&str, Option<Suggestion>, &str)> = vec![
        // One clause: dropping it would only remove the requirement.
        ("gpu-b200", None, ""),
        ("flux | sdxl", None, ""),
        // Nothing to gain.
        ("flux, gpu-b200, video", None, ""),
        (
            "gpu-a100, eu-west",
            Some(drop_tag("eu-west", 4, 2)),
            r#"drop "eu-west": 4 runners would match"#,
        ),
        (
            "GPU-A100, flux",
            Some(drop_tag("GPU-A100", 3, 2)),
            r#"drop "GPU-A100": 3 runners would match"#,
        ),
        // Ties go to the clause written first.
        (
            "sdxl, development",
            Some(drop_tag("sdxl", 2, 1)),
            r#"drop "sdxl": 2 runners would match"#,
        ),
        (
            "gpu-a100 & (sdxl | eu-west) & type:pro",
            Some(Suggestion {
                change: Change::DropClause("type:pro".into()),
                runners: 3,
                gained: 1,
            }),
            "drop `type:pro`: 3 runners would match",
        ),
        (
            "flux & (sdxl | video)",
            Some(Suggestion {
                change: Change::DropClause("sdxl | video".into()),
                runners: 3,
                gained: 2,
            }),
            "drop `sdxl | video`: 3 runners would match",
        ),
    ];
    for (text, want, shown) in cases {
        let got = explain(&fleet, &req(text)).best_change();
        assert_eq!(got, want, "{text:?}");
        assert_eq!(got.map(|s| s.to_string()).unwrap_or_default(), shown);
    }
}

#[test]
fn closest_runners() {
    let fleet = fleet();
    let why = explain(&fleet, &req("gpu-a100, flux, eu-west, type:pro"));
    let closest: Vec<(&str, usize)> = why
        .closest(10)
        .iter()
        .map(|(runner, reasons)| (runner.id.as_str(), reasons.len()))
        .collect();
    // Only schedulable, rejected runners; fewest reasons, then newest first.
    assert_eq!(
        closest,
        [
            ("pool", 1),
            ("a100-sdxl", 2),
            ("h100-dev", 3),
            ("self-us", 3)
        ]
    );
    assert_eq!(why.closest(2).len(), 2);
    assert!(why.closest(0).is_empty());
}

#[test]
fn agrees_with_rank() {
    let fleet = fleet();
    for text in [
        "",
        "flux",
        "gpu-a100, eu-west",
        "gpu-* & !development",
        "type:plus",
        "nope",
    ] {
        let requirements = req(text).with_preferences(
            Preferences::new()
                .prefer("flux", 2.0)
                .unwrap()
                .avoid("type:plus", 1.0)
                .unwrap(),
        );
        let ranked = rank(&fleet, &requirements);
        let why = explain(&fleet, &requirements);
        assert_eq!(why.match_count(), ranked.len());
        for verdict in why.verdicts() {
            let found = ranked
                .iter()
                .find(|m| std::ptr::eq(m.runner, verdict.runner()));
            match (verdict, found) {
                (
                    Verdict::Matched {
                        score,
                        fit,
                        breakdown,
                        ..
                    },
                    Some(m),
                ) => {
                    assert_eq!((score.to_bits(), *fit), (m.score.to_bits(), m.fit));
                    assert_eq!(breakdown.score.to_bits(), m.score.to_bits());
                }
                (Verdict::Rejected { reasons, .. }, None) => assert!(!reasons.is_empty()),
                _ => panic!(
                    "{text:?}: explain and rank disagree on {}",
                    verdict.runner().id
                ),
            }
        }
    }
}

#[test]
fn terminal_report() {
    let fleet = fleet();
    let why = explain(&fleet, &req("GPU-A100, flux"));
    assert_eq!(
        why.to_string(),
        "1 of 7 runners matches; 4 lack \"GPU-A100\", 2 lack \"flux\", 1 has unknown status \"inactive\", 1 is disabled\n\
         hint: \"GPU-A100\" matches no runner; did you mean \"gpu-a100\" (3 runners)? Tags are case-sensitive.\n\
         best: runner pool: 0.500 (untagged runner)\n\
         closest:\n  \
         runner a100-eu: lacks \"GPU-A100\"\n  \
         runner h100-dev: lacks \"GPU-A100\"\n  \
         runner a100-sdxl: lacks \"GPU-A100\", lacks \"flux\"\n\
         try: drop \"GPU-A100\": 3 runners would match"
    );

    // A tagged match: no closest list; preferences show in the breakdown.
    let prefs = Preferences::new().prefer("eu-west", 1.0).unwrap();
    let why = explain(&fleet, &req("gpu-a100").with_preferences(prefs));
    assert_eq!(
        why.to_string(),
        "4 of 7 runners match; 1 has unknown status \"inactive\" (1 would match if active), \
         1 is disabled (1 would match if enabled), 1 lacks \"gpu-a100\"\n\
         best: runner a100-eu: 0.875 = 0.5 × fit 0.750 (2 extra tags) + 0.5 × preferences 1.000 (prefer eu-west ×1 ✓)\n\
         not enforced by ComfyControl (submit tags \"gpu-a100\"): prefer eu-west ×1 (a preference)"
    );
    assert_eq!(
        why.workflow_tags().not_enforced,
        ["prefer eu-west ×1 (a preference)"]
    );

    // An expression: what ComfyControl gets, and what it will not hold to.
    let why = explain(&fleet, &req("flux & !development"));
    assert!(
        why.to_string().ends_with(
            "\nnot enforced by ComfyControl (submit tags \"flux\"): !development (a NOT)"
        ),
        "{why}"
    );
    let why = explain(&fleet, &req("type:plus"));
    assert!(why
        .to_string()
        .ends_with("\nnot enforced by ComfyControl (submit no tags): type:plus (a runner type)"));
    assert!(
        explain(&fleet, &req("gpu-a100, flux"))
            .workflow_tags()
            .enforced
    );
}

#[test]
fn index_explains_its_runners() {
    let index = runner_match::RunnerIndex::new(fleet());
    let requirements: Requirements = Expression::parse("flux | sdxl").unwrap().into();
    let why = index.explain(&requirements);
    let ids: Vec<&str> = why
        .verdicts()
        .iter()
        .map(|v| v.runner().id.as_str())
        .collect();
    // Listing order: newest first.
    assert_eq!(
        ids,
        [
            "odd",
            "off",
            "a100-eu",
            "a100-sdxl",
            "h100-dev",
            "self-us",
            "pool"
        ]
    );
    assert_eq!(why.match_count(), index.count_matches(&requirements));
}

#[test]
fn hints_for_tags_that_differ_only_by_surrounding_whitespace() {
    // Tags compare exactly (issue 13): a fleet tag with a stray space or a no-break
    // space is a different tag, and explain says which one was probably meant.
    let fleet = vec![
        support::active("a", &["gpu-a100 "]),
        support::active("b", &["\u{a0}flux"]),
    ];
    let list = Requirements::from_tags(["gpu-a100", "flux"]).unwrap();
    let why = explain(&fleet, &list);
    let hints: Vec<String> = why.hints().iter().map(ToString::to_string).collect();
    assert_eq!(
        hints,
        [
            r#""gpu-a100" matches no runner; did you mean "gpu-a100 " (1 runner)? Tags compare exactly, whitespace included."#,
            r#""flux" matches no runner; did you mean "\u{a0}flux" (1 runner)? Tags compare exactly, whitespace included."#,
        ]
    );
    assert!(why
        .hints()
        .iter()
        .all(|h| h.suggestions[0].similarity == Similarity::Whitespace));
    // The exact tag, spaces included, matches.
    let exact = Requirements::from_tags(["gpu-a100 "]).unwrap();
    assert!(explain(&fleet, &exact).hints().is_empty());
}
