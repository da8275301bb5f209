//! ComfyControl's matching rule and the ranking, case by case.

use runner_match::{fit, matches, pick, rank, Fit, Requirements, Runner, WILDCARD_RUNNER_SCORE};
use serde_json::json;

fn runner(id: &str, status: &str, tags: &[&str], created: &str) -> Runner {
    serde_json::from_value(json!({
        "id": id, "name": format!("runner {id}"), "runner_type": "pro", "status": status,
        "tags": tags, "created_at": created, "updated_at": created
    }))
    .unwrap()
}

fn active(id: &str, tags: &[&str]) -> Runner {
    runner(id, "active", tags, "2024-01-10T08:00:00Z")
}

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
        let r = runner("r", status, tags, "2024-01-10T08:00:00Z");
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
        runner("wild", "active", &[], "2026-01-01T00:00:00Z"),
        runner("video", "active", &["gpu", "video"], "2025-01-01T00:00:00Z"),
        runner("b-exact-old", "active", &["gpu"], "2024-01-01T00:00:00Z"),
        runner("c-exact-new", "active", &["gpu"], "2024-06-01T00:00:00Z"),
        runner(
            "a-exact-new",
            "active",
            &["gpu"],
            "2024-06-01T01:00:00+01:00",
        ),
        runner("off", "disabled", &["gpu"], "2026-01-01T00:00:00Z"),
        runner("other", "active", &["cpu"], "2026-01-01T00:00:00Z"),
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
