//! ComfyControl's matching rule and the ranking, case by case.

mod support;

use runner_match::{
    fit, matches, pick, rank, Fit, Preferences, Requirements, Runner, RunnerIndex,
    WILDCARD_RUNNER_SCORE,
};
use support::{active, runner};

#[test]
fn the_rule_table() {
    // (workflow tags, runner status, runner tags, matches?)
    let cases: &[(&str, &str, &[&str], bool)] = &[
        ("", "active", &[], true),
        ("", "active", &["gpu"], true),
        ("", "disabled", &[], false),
        ("", "inactive", &["gpu"], false),
        ("gpu", "active", &[], true),
        ("gpu", "disabled", &[], false),
        ("gpu", "active", &["gpu"], true),
        ("gpu", "active", &["gpu", "flux"], true),
        ("gpu", "active", &["GPU"], false),
        ("gpu", "active", &["gpu "], false),
        ("gpu, flux", "active", &["gpu"], false),
        ("gpu, flux", "active", &["flux", "gpu"], true),
        ("gpu, flux", "active", &["flux", "gpu", "gpu"], true),
        ("gpu, flux", "disabled", &["flux", "gpu"], false),
        ("gpu, flux", "Active", &["flux", "gpu"], false),
        ("gpu,gpu", "active", &["gpu"], true),
        ("日本", "active", &["日本"], true),
    ];
    for (req, status, tags, want) in cases {
        let req: Requirements = req.parse().unwrap();
        let r = runner("r", "pro", status, tags, "2024-01-10T08:00:00Z");
        assert_eq!(
            matches(&r, &req),
            *want,
            "workflow {req:?} on {status} {tags:?}"
        );
    }
}

#[test]
fn scores_follow_the_documented_formula() {
    let cases: &[(&str, &[&str], f64, Fit)] = &[
        ("gpu", &["gpu"], 1.0, Fit::Exact),
        ("gpu, flux", &["flux", "gpu"], 1.0, Fit::Exact),
        ("gpu", &["gpu", "gpu"], 1.0, Fit::Exact),
        (
            "gpu",
            &["gpu", "flux"],
            0.5 + 0.5 * 2.0 / 3.0,
            Fit::Superset { extra_tags: 1 },
        ),
        (
            "gpu",
            &["gpu", "a", "b"],
            0.5 + 0.5 * 2.0 / 4.0,
            Fit::Superset { extra_tags: 2 },
        ),
        ("gpu", &[], WILDCARD_RUNNER_SCORE, Fit::WildcardRunner),
        ("", &[], 1.0, Fit::Exact),
        ("", &["gpu"], 0.75, Fit::Superset { extra_tags: 1 }),
    ];
    for (req, tags, score, want_fit) in cases {
        let req: Requirements = req.parse().unwrap();
        let r = active("r", tags);
        let m = fit(&r, &req).unwrap();
        assert_eq!((m.score, m.fit), (*score, *want_fit), "{req:?} on {tags:?}");
        assert!((0.0..=1.0).contains(&m.score));
    }
}

#[test]
fn best_fit_first_wildcards_last_ties_by_newest_then_id() {
    let fleet = vec![
        runner("wild", "pro", "active", &[], "2026-01-01T00:00:00Z"),
        runner(
            "video",
            "pro",
            "active",
            &["gpu", "video"],
            "2025-01-01T00:00:00Z",
        ),
        runner(
            "b-exact-old",
            "pro",
            "active",
            &["gpu"],
            "2024-01-01T00:00:00Z",
        ),
        runner(
            "c-exact-new",
            "pro",
            "active",
            &["gpu"],
            "2024-06-01T00:00:00Z",
        ),
        runner(
            "a-exact-new",
            "pro",
            "active",
            &["gpu"],
            "2024-06-01T01:00:00+01:00",
        ),
        runner("off", "pro", "disabled", &["gpu"], "2026-01-01T00:00:00Z"),
        runner("other", "pro", "active", &["cpu"], "2026-01-01T00:00:00Z"),
    ];
    let req: Requirements = "gpu".parse().unwrap();
    let ids: Vec<&str> = rank(&fleet, &req)
        .iter()
        .map(|m| m.runner.id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["a-exact-new", "c-exact-new", "b-exact-old", "video", "wild"]
    );

    let mut reversed = fleet.clone();
    reversed.reverse();
    let again: Vec<String> = rank(&reversed, &req)
        .iter()
        .map(|m| m.runner.id.clone())
        .collect();
    assert_eq!(again, ids, "the order never depends on the input order");
}

#[test]
fn wildcard_workflow_prefers_the_least_specialised_runner() {
    let fleet = vec![
        active("tagged", &["gpu"]),
        active("plain", &[]),
        active("busy", &["a", "b"]),
    ];
    let ids: Vec<&str> = rank(&fleet, &Requirements::any())
        .iter()
        .map(|m| m.runner.id.as_str())
        .collect();
    assert_eq!(ids, ["plain", "tagged", "busy"]);
}

#[test]
fn seeded_pick_is_reproducible_and_stays_among_the_best() {
    let fleet: Vec<Runner> = (0..5)
        .map(|i| active(&format!("exact-{i}"), &["gpu"]))
        .chain([active("extra", &["gpu", "video"]), active("wild", &[])])
        .collect();
    let ranked = rank(&fleet, &"gpu".parse().unwrap());
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..200 {
        let chosen = pick(&ranked, seed).unwrap();
        assert_eq!(pick(&ranked, seed).unwrap().runner.id, chosen.runner.id);
        assert!(
            chosen.runner.id.starts_with("exact-"),
            "{}",
            chosen.runner.id
        );
        seen.insert(chosen.runner.id.clone());
    }
    assert_eq!(seen.len(), 5, "every tied runner gets picked for some seed");
    assert!(pick(&[], 7).is_none());
}

/// A ranking as (runner id, score, fit).
type Ranking = &'static [(&'static str, f64, Fit)];

/// Issue 13 (labels): an untagged runner is a wildcard fit whenever the requirement
/// names any tag or term, expressions without a positive tag included.
#[test]
fn untagged_runner_is_a_wildcard_under_every_expression() {
    let fleet = vec![
        runner("pool", "plus", "active", &[], "2026-01-01T00:00:00Z"),
        runner(
            "plus-gpu",
            "plus",
            "active",
            &["gpu"],
            "2024-01-01T00:00:00Z",
        ),
        runner(
            "pro-dev",
            "pro",
            "active",
            &["development"],
            "2024-01-01T00:00:00Z",
        ),
    ];
    let index = RunnerIndex::new(fleet.clone());
    // (requirement, the ranking as (id, score, fit))
    const HALF: f64 = 0.5 + 0.5 / 2.0; // one tag, none wanted
    let cases: &[(&str, Ranking)] = &[
        (
            "!development",
            &[
                ("plus-gpu", HALF, Fit::Superset { extra_tags: 1 }),
                ("pool", WILDCARD_RUNNER_SCORE, Fit::WildcardRunner),
            ],
        ),
        (
            "type:plus",
            &[
                ("plus-gpu", HALF, Fit::Superset { extra_tags: 1 }),
                ("pool", WILDCARD_RUNNER_SCORE, Fit::WildcardRunner),
            ],
        ),
        (
            "!gpu | type:pro",
            &[
                ("pro-dev", HALF, Fit::Superset { extra_tags: 1 }),
                ("pool", WILDCARD_RUNNER_SCORE, Fit::WildcardRunner),
            ],
        ),
    ];
    for &(text, want) in cases {
        let req: Requirements = text.parse().unwrap();
        let got: Vec<(&str, f64, Fit)> = rank(&fleet, &req)
            .iter()
            .map(|m| (m.runner.id.as_str(), m.score, m.fit))
            .collect();
        assert_eq!(got, want, "{text}");
        assert_eq!(index.rank(&req), rank(index.runners(), &req), "{text}");
        assert_eq!(
            fit(&fleet[0], &req).unwrap().fit.to_string(),
            "untagged runner"
        );
    }
    // The untagged workflow without preferences keeps its rule: exact fit, by score.
    let any = rank(&fleet, &Requirements::any());
    assert_eq!(
        (any[0].runner.id.as_str(), any[0].score, any[0].fit),
        ("pool", 1.0, Fit::Exact)
    );
}

/// Issue 13 (labels): with preferences an untagged runner is a wildcard fit and ranks
/// after every tagged match, however much higher its blended score is.
#[test]
fn with_preferences_an_untagged_runner_never_outranks_a_tagged_match() {
    let fleet = vec![
        runner("pool", "pro", "active", &[], "2026-01-01T00:00:00Z"),
        runner(
            "dev-a",
            "pro",
            "active",
            &["flux", "development"],
            "2024-01-01T00:00:00Z",
        ),
        runner(
            "dev-b",
            "pro",
            "active",
            &["flux", "development", "video"],
            "2024-02-01T00:00:00Z",
        ),
    ];
    let index = RunnerIndex::new(fleet.clone());
    let avoid_dev = Preferences::new().avoid("development", 1.0).unwrap();
    for text in ["flux", "flux & !video | flux", ""] {
        let req = text
            .parse::<Requirements>()
            .unwrap()
            .with_preferences(avoid_dev.clone());
        let ranked = rank(&fleet, &req);
        let got: Vec<(&str, Fit)> = ranked
            .iter()
            .map(|m| (m.runner.id.as_str(), m.fit))
            .collect();
        assert_eq!(got.last(), Some(&("pool", Fit::WildcardRunner)), "{text:?}");
        // The pool's score (0.5 · 0.5 + 0.5 · 1 = 0.75) beats every tagged one's.
        assert_eq!(ranked.last().unwrap().score, 0.75, "{text:?}");
        assert!(ranked[..2].iter().all(|m| m.score < 0.75), "{text:?}");
        assert_eq!(index.rank(&req), rank(index.runners(), &req), "{text:?}");
        // `pick` stays among the best tagged matches.
        for seed in 0..20 {
            assert_ne!(pick(&ranked, seed).unwrap().runner.id, "pool", "{text:?}");
        }
        assert_eq!(
            runner_match::compare(&ranked[1], &ranked[2]),
            std::cmp::Ordering::Less
        );
    }
}

/// A wildcard runner tied on score with tagged matches is not among those `pick` takes.
#[test]
fn pick_never_takes_a_wildcard_runner_over_a_tied_tagged_match() {
    let fleet = vec![
        runner("pool", "pro", "active", &[], "2026-01-01T00:00:00Z"),
        runner("gpu", "pro", "active", &["gpu"], "2024-01-01T00:00:00Z"),
    ];
    // gpu: 0.5 · 0.75 + 0.5 · 3/4 = 0.75; pool: 0.5 · 0.5 + 0.5 · 4/4 = 0.75.
    let prefs = Preferences::new()
        .prefer("type:pro", 3.0)
        .unwrap()
        .avoid("gpu", 1.0)
        .unwrap();
    let req = Requirements::any().with_preferences(prefs);
    let ranked = rank(&fleet, &req);
    let got: Vec<(&str, f64)> = ranked
        .iter()
        .map(|m| (m.runner.id.as_str(), m.score))
        .collect();
    assert_eq!(got, [("gpu", 0.75), ("pool", 0.75)]);
    for seed in 0..50 {
        assert_eq!(pick(&ranked, seed).unwrap().runner.id, "gpu");
    }
}
