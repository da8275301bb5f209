//! Soft preferences: exact blended scores, strict evaluation on untagged runners,
//! runner-type preferences, and the term-by-term breakdown.

mod support;

use runner_match::{
    rank, Fit, PreferenceKind, Preferences, RequirementError, Requirements, Runner, RunnerIndex,
    TermScore,
};
use support::runner;

/// Runner ids with their scores, in ranking order.
type Ranking = &'static [(&'static str, f64)];

fn fleet() -> Vec<Runner> {
    vec![
        runner(
            "h100-eu",
            "pro",
            "active",
            &["gpu-h100", "flux", "eu-west"],
            "2024-05-01T00:00:00Z",
        ),
        runner(
            "h100-dev",
            "plus",
            "active",
            &["gpu-h100", "flux", "development"],
            "2024-04-01T00:00:00Z",
        ),
        runner(
            "a100-eu",
            "pro",
            "active",
            &["gpu-a100", "flux", "eu-west"],
            "2024-03-01T00:00:00Z",
        ),
        runner("pool", "pro", "active", &[], "2024-02-01T00:00:00Z"),
        runner("self", "self", "active", &["flux"], "2024-01-01T00:00:00Z"),
    ]
}

fn ranked(req: &Requirements) -> Vec<(String, f64)> {
    rank(&fleet(), req)
        .iter()
        .map(|m| (m.runner.id.clone(), m.score))
        .collect()
}

fn owned(rows: &[(&str, f64)]) -> Vec<(String, f64)> {
    rows.iter().map(|(id, s)| ((*id).to_owned(), *s)).collect()
}

#[test]
fn preferences_blend_into_the_score() {
    let prefs = Preferences::from_weights(
        [("gpu-h100", 3.0), ("eu-west", 1.0)],
        [("development", 2.0)],
    )
    .unwrap();
    let req = "flux"
        .parse::<Requirements>()
        .unwrap()
        .with_preferences(prefs);
    // fit: 0.5 + 0.5 · 2 / 4 = 0.75 for the three-tag runners, 1.0 for `self`, 0.5 for
    // the untagged pool; pref: satisfied weight / 6.
    let blend = |fit: f64, satisfied: f64| 0.5 * fit + 0.5 * (satisfied / 6.0);
    assert_eq!(
        ranked(&req),
        owned(&[
            ("h100-eu", blend(0.75, 6.0)),  // h100 ✓ eu ✓ no development ✓
            ("self", blend(1.0, 2.0)),      // only "no development"
            ("h100-dev", blend(0.75, 3.0)), // h100 ✓, has development
            ("a100-eu", blend(0.75, 3.0)),  // eu ✓ no development ✓ (tie: newer first)
            // Strict: the untagged pool has no gpu-h100, but it does avoid development.
            ("pool", blend(0.5, 2.0)),
        ])
    );
    assert_eq!(ranked(&req)[0].1, 0.875);

    // Without preferences: exactly the fit.
    let plain: Requirements = "flux".parse().unwrap();
    assert_eq!(
        ranked(&plain),
        owned(&[
            ("self", 1.0),
            ("h100-eu", 0.75),
            ("h100-dev", 0.75),
            ("a100-eu", 0.75),
            ("pool", 0.5)
        ])
    );
}

#[test]
fn runner_type_preferences_and_expression_keys() {
    // (requirement, preferred key, the ranking as (id, score))
    let cases: &[(&str, &str, Ranking)] = &[
        // The untagged pool is `pro`: `type:` applies to it even strictly. With
        // preferences the requirement names a term, so the pool is a wildcard fit
        // (0.5) and ranks after every tagged match, even above their scores.
        // fit for the wildcard requirement: 0.5 + 0.5 / (t + 1).
        (
            "",
            "type:pro",
            &[
                ("h100-eu", 0.8125),
                ("a100-eu", 0.8125),
                ("self", 0.375),
                ("h100-dev", 0.3125),
                ("pool", 0.75),
            ],
        ),
        (
            "flux",
            "type:plus | !type:*",
            &[
                ("self", 1.0),
                ("h100-dev", 0.875),
                ("h100-eu", 0.375),
                ("a100-eu", 0.375),
                ("pool", 0.25),
            ],
        ),
        (
            "flux",
            "gpu-* & eu-*",
            &[
                ("h100-eu", 0.875),
                ("a100-eu", 0.875),
                ("self", 0.5),
                ("h100-dev", 0.375),
                ("pool", 0.25),
            ],
        ),
    ];
    for &(require, prefer, want) in cases {
        let req = require
            .parse::<Requirements>()
            .unwrap()
            .with_preferences(Preferences::new().prefer(prefer, 1.0).unwrap());
        assert_eq!(ranked(&req), owned(want), "{require:?} prefer {prefer:?}");
    }
}

#[test]
fn breakdown_term_by_term() {
    let prefs = Preferences::new()
        .prefer("gpu-h100", 3.0)
        .unwrap()
        .avoid("development", 2.0)
        .unwrap();
    let req = "flux"
        .parse::<Requirements>()
        .unwrap()
        .with_preferences(prefs);
    let fleet = fleet();
    let best = rank(&fleet, &req);
    let dev = best.iter().find(|m| m.runner.id == "h100-dev").unwrap();
    let breakdown = dev.breakdown(&req);
    assert_eq!(breakdown.fit, Fit::Superset { extra_tags: 2 });
    assert_eq!(breakdown.fit_score, 0.75);
    assert_eq!(breakdown.preference_score, Some(0.6));
    assert_eq!(breakdown.score, dev.score);
    assert_eq!(
        breakdown.terms,
        [
            TermScore {
                term: "gpu-h100".into(),
                kind: PreferenceKind::Prefer,
                weight: 3.0,
                satisfied: true
            },
            TermScore {
                term: "development".into(),
                kind: PreferenceKind::Avoid,
                weight: 2.0,
                satisfied: false
            },
        ]
    );
    assert_eq!(
        breakdown.to_string(),
        "0.675 = 0.5 × fit 0.750 (2 extra tags) + 0.5 × preferences 0.600 \
         (prefer gpu-h100 ×3 ✓, avoid development ×2 ✗)"
    );
    let pool = best.iter().find(|m| m.runner.id == "pool").unwrap();
    assert_eq!(
        pool.breakdown(&req).to_string(),
        "0.450 = 0.5 × fit 0.500 (untagged runner) + 0.5 × preferences 0.400 \
         (prefer gpu-h100 ×3 ✗, avoid development ×2 ✓)"
    );
    let plain: Requirements = "flux".parse().unwrap();
    let exact = rank(&fleet, &plain);
    assert_eq!(exact[0].breakdown(&plain).to_string(), "1.000 (exact)");
    assert!(exact[0].breakdown(&plain).terms.is_empty());
}

#[test]
fn the_index_ranks_with_preferences_too() {
    let prefs = Preferences::from_weights([("eu-west", 2.0)], [("type:plus", 1.0)]).unwrap();
    for require in ["", "flux", "gpu-*", "flux & !development"] {
        let req = require
            .parse::<Requirements>()
            .unwrap()
            .with_preferences(prefs.clone());
        let index = RunnerIndex::new(fleet());
        let got: Vec<(String, f64)> = index
            .rank(&req)
            .iter()
            .map(|m| (m.runner.id.clone(), m.score))
            .collect();
        assert_eq!(got, ranked(&req), "{require:?}");
        assert_eq!(index.count_matches(&req), got.len());
    }
}

#[test]
fn requirements_carry_preferences() {
    let prefs = Preferences::new().prefer("gpu-h100", 3.0).unwrap();
    let req = "flux"
        .parse::<Requirements>()
        .unwrap()
        .with_preferences(prefs.clone());
    assert_eq!(req.preferences(), &prefs);
    assert_ne!(req, "flux".parse::<Requirements>().unwrap());
    assert_eq!(req.to_string(), "flux");
    assert_eq!(prefs.to_string(), "prefer gpu-h100 ×3");
    // Preferences do not filter: a wildcard stays a wildcard.
    assert!(Requirements::any().with_preferences(prefs).is_wildcard());

    // Preference errors convert into the one requirement error type.
    fn build() -> Result<Requirements, RequirementError> {
        let prefs = Preferences::new().avoid("dev &", 1.0)?;
        Ok(Requirements::any().with_preferences(prefs))
    }
    let err = build().unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"invalid preference key "dev &": unexpected end of input at 5: expected a tag"#
    );
    assert_eq!(err.offset(), Some(5));
}
