//! `RunnerIndex` must answer exactly what the plain `rank` answers over its runners.

use std::collections::BTreeMap;

use proptest::prelude::*;
use runner_match::{
    rank, Fit, Preferences, Requirements, Runner, RunnerIndex, TagIndex, TagIndexBuilder,
};

mod support;
use support::runner;

/// A small alphabet so that tags collide, with case variants that must not match.
const TAGS: [&str; 8] = [
    "gpu", "GPU", "flux", "Flux", "video", "sdxl", "gpu-a100", "managed",
];
/// A tag no runner carries.
const UNKNOWN: &str = "no-such-tag";
/// Few distinct instants, so `created_at` ties (and id ties) happen often.
const TIMES: [&str; 3] = [
    "2024-01-10T08:00:00Z",
    "2024-02-01T08:00:00Z",
    "2024-03-01T08:00:00Z",
];

fn arb_runner() -> impl Strategy<Value = Runner> {
    let status = prop::sample::select(vec!["active", "active", "active", "disabled", "inactive"]);
    let tags = prop_oneof![
        // Untagged runners are the wildcard case: make them common.
        1 => Just(Vec::new()),
        // Indices may repeat, so a runner can list the same tag twice.
        4 => prop::collection::vec(0..TAGS.len(), 1..6),
    ];
    let kind = prop::sample::select(vec!["pro", "plus", "self", "enterprise"]);
    // Ids from a small range, so duplicate ids (full ties in listing order) occur too.
    (0u8..40, status, tags, 0..TIMES.len(), kind).prop_map(|(id, status, tags, time, kind)| {
        let tags: Vec<&str> = tags.into_iter().map(|i| TAGS[i]).collect();
        runner(&format!("r-{id:02}"), kind, status, &tags, TIMES[time])
    })
}

/// Expressions over the alphabet: globs, `type:`, negations, nesting.
fn arb_expression() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "gpu", "GPU", "flux", "video", "gpu*", "*a*", "F?ux", "type:pro", "type:p*", "type:*",
        UNKNOWN,
    ])
    .prop_map(str::to_owned);
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| format!("!({e})")),
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|v| format!("({})", v.join(") & ("))),
            prop::collection::vec(inner, 2..4).prop_map(|v| format!("({})", v.join(") | ("))),
        ]
    })
}

fn arb_preferences() -> impl Strategy<Value = Preferences> {
    let weight = prop::sample::select(vec![0.1, 1.0, 3.0, 7.5, 1e6]);
    prop::collection::vec((any::<bool>(), arb_expression(), weight), 0..4)
        .prop_map(support::preferences)
}

fn arb_requirements() -> impl Strategy<Value = Requirements> {
    // Index TAGS.len() stands for the unknown tag.
    prop::collection::vec(0..=TAGS.len(), 0..4).prop_map(|picks| {
        let tags = picks
            .into_iter()
            .map(|i| TAGS.get(i).copied().unwrap_or(UNKNOWN));
        Requirements::from_tags(tags).expect("valid tags")
    })
}

/// A [`TagIndex`] built from `runners` (in their order) as columns, the way a caller
/// holding its runners elsewhere builds one: tags and types interned by the caller, here
/// in reverse first-seen order so that its ids differ from the core's own.
fn from_columns(runners: &[Runner]) -> TagIndex {
    fn intern(names: &mut Vec<String>, text: &str) -> u32 {
        let at = names
            .iter()
            .position(|known| known == text)
            .unwrap_or_else(|| {
                names.insert(0, text.to_owned());
                0
            });
        at as u32
    }
    let (mut vocabulary, mut types) = (Vec::new(), Vec::new());
    for runner in runners.iter().rev() {
        for tag in &runner.tags {
            intern(&mut vocabulary, tag);
        }
        if let Some(kind) = &runner.runner_type {
            intern(&mut types, kind.as_str());
        }
    }
    let mut builder = TagIndexBuilder::new();
    for runner in runners {
        let ids: Vec<u32> = runner
            .tags
            .iter()
            .map(|tag| intern(&mut vocabulary, tag))
            .collect();
        let kind = runner
            .runner_type
            .as_ref()
            .map(|kind| intern(&mut types, kind.as_str()));
        builder.push(&ids, runner.is_schedulable(), kind);
    }
    assert_eq!(builder.len(), runners.len());
    builder.build(vocabulary, types).expect("valid columns")
}

/// Asserts the index's answers agree with `rank` over `index.runners()`, and those of
/// the same runners as columns with the index's.
fn assert_agrees(index: &RunnerIndex, req: &Requirements) {
    let columns = from_columns(index.runners());
    assert_eq!(columns.len(), index.len());
    assert_eq!(columns.vocabulary(), index.tag_index().vocabulary());
    assert_eq!(columns.tag_counts(), index.tag_counts());
    let with_fit = index.rank_positions_with_fit(req);
    assert_eq!(
        columns.rank_positions_with_fit(req),
        with_fit,
        "columns for {req:?}"
    );
    assert_eq!(columns.count_matches(req), with_fit.len());

    let want = rank(index.runners(), req);
    let got = index.rank(req);
    assert_eq!(got.len(), want.len(), "match count for {req:?}");
    for (g, w) in got.iter().zip(&want) {
        // Ids may repeat in a fleet, so compare identity, not just ids.
        assert!(std::ptr::eq(g.runner, w.runner), "runner order for {req:?}");
        assert_eq!(g.runner.id, w.runner.id);
        assert_eq!(g.score.to_bits(), w.score.to_bits(), "score for {req:?}");
        assert_eq!(g.fit, w.fit, "fit for {req:?}");
    }

    let positions = index.rank_positions(req);
    assert_eq!(positions.len(), want.len());
    for (p, w) in positions.iter().zip(&want) {
        let runner = index.get(p.position as usize).expect("position in range");
        assert!(std::ptr::eq(runner, w.runner));
        assert!(std::ptr::eq(runner, &index.runners()[p.position as usize]));
        assert_eq!(p.score.to_bits(), w.score.to_bits());
    }

    assert_eq!(index.count_matches(req), want.len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn index_ranks_like_rank(
        fleet in prop::collection::vec(arb_runner(), 0..60),
        reqs in prop::collection::vec(arb_requirements(), 1..8),
    ) {
        let index = RunnerIndex::new(fleet.clone());
        prop_assert_eq!(index.len(), fleet.len());
        prop_assert_eq!(index.is_empty(), fleet.is_empty());
        // Listing order.
        prop_assert!(index
            .runners()
            .windows(2)
            .all(|w| runner_match::compare_runners(&w[0], &w[1]).is_le()));
        // Building from an iterator is the same index.
        let collected: RunnerIndex = fleet.iter().cloned().collect();
        prop_assert_eq!(collected.runners(), index.runners());

        assert_agrees(&index, &Requirements::any());
        for req in &reqs {
            assert_agrees(&index, req);
        }
    }

    /// Expressions (globs, `type:`, negation) and preferences, over fleets large enough
    /// for several words and both set representations (rare tags as lists).
    #[test]
    fn index_ranks_expressions_and_preferences_like_rank(
        fleet in prop::collection::vec(arb_runner(), 0..150),
        expressions in prop::collection::vec(arb_expression(), 1..4),
        tags in arb_requirements(),
        preferences in arb_preferences(),
    ) {
        let index = RunnerIndex::new(fleet);
        for text in &expressions {
            let req: Requirements = text.parse().expect("a valid expression");
            assert_agrees(&index, &req);
            assert_agrees(&index, &req.with_preferences(preferences.clone()));
        }
        assert_agrees(&index, &tags.clone().with_preferences(preferences.clone()));
        assert_agrees(&index, &Requirements::any().with_preferences(preferences));
    }

    #[test]
    fn tag_counts_count_schedulable_carriers(
        fleet in prop::collection::vec(arb_runner(), 0..60),
    ) {
        let index = RunnerIndex::new(fleet.clone());
        let mut want: BTreeMap<&str, usize> = BTreeMap::new();
        for runner in &fleet {
            for (i, tag) in runner.tags.iter().enumerate() {
                let count = want.entry(tag.as_str()).or_default();
                if runner.is_schedulable() && !runner.tags[..i].contains(tag) {
                    *count += 1;
                }
            }
        }
        let mut want: Vec<(&str, usize)> = want.into_iter().collect();
        want.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        prop_assert_eq!(index.tag_counts(), want);
    }
}

#[test]
fn empty_fleet() {
    let index = RunnerIndex::new(Vec::new());
    assert!(index.is_empty());
    assert_eq!(index.len(), 0);
    assert!(index.get(0).is_none());
    assert!(index.tag_counts().is_empty());
    for req in [Requirements::any(), "gpu".parse().unwrap()] {
        assert!(index.rank(&req).is_empty());
        assert!(index.rank_positions(&req).is_empty());
        assert_eq!(index.count_matches(&req), 0);
    }
}

#[test]
fn all_disabled() {
    let index: RunnerIndex = [
        runner("a", "pro", "disabled", &["gpu"], TIMES[0]),
        runner("b", "pro", "disabled", &[], TIMES[1]),
        runner("c", "pro", "inactive", &["gpu"], TIMES[2]),
    ]
    .into_iter()
    .collect();
    assert_eq!(index.len(), 3);
    for req in [Requirements::any(), "gpu".parse().unwrap()] {
        assert!(index.rank(&req).is_empty());
        assert_eq!(index.count_matches(&req), 0);
    }
    assert_eq!(index.tag_counts(), [("gpu", 0)]);
}

#[test]
fn unknown_tag_matches_only_untagged_runners() {
    let index = RunnerIndex::new(vec![
        runner("tagged", "pro", "active", &["gpu", "flux"], TIMES[2]),
        runner("old-any", "pro", "active", &[], TIMES[0]),
        runner("new-any", "pro", "active", &[], TIMES[1]),
        runner("off-any", "pro", "disabled", &[], TIMES[2]),
    ]);
    // A known tag next to the unknown one changes nothing.
    for req in ["nope", "gpu, nope", "GPU"] {
        let req: Requirements = req.parse().unwrap();
        let ranked = index.rank(&req);
        let ids: Vec<&str> = ranked.iter().map(|m| m.runner.id.as_str()).collect();
        assert_eq!(ids, ["new-any", "old-any"], "{req:?}");
        assert!(ranked
            .iter()
            .all(|m| m.fit == Fit::WildcardRunner && m.score == 0.5));
        assert_eq!(index.count_matches(&req), 2);
    }
}

#[test]
fn duplicate_tags_count_once_and_listing_order_breaks_ties() {
    let index = RunnerIndex::new(vec![
        runner("b", "pro", "active", &["gpu", "gpu"], TIMES[0]),
        runner("a", "pro", "active", &["gpu"], TIMES[0]),
        runner("c", "pro", "active", &["gpu", "flux"], TIMES[1]),
    ]);
    let ids: Vec<&str> = index.runners().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["c", "a", "b"]);

    let ranked = index.rank(&"gpu".parse().unwrap());
    let got: Vec<(&str, f64, Fit)> = ranked
        .iter()
        .map(|m| (m.runner.id.as_str(), m.score, m.fit))
        .collect();
    assert_eq!(
        got,
        [
            ("a", 1.0, Fit::Exact),
            ("b", 1.0, Fit::Exact),
            ("c", 0.5 + 0.5 * 2.0 / 3.0, Fit::Superset { extra_tags: 1 }),
        ]
    );
    let positions: Vec<u32> = index
        .rank_positions(&"gpu".parse().unwrap())
        .iter()
        .map(|r| r.position)
        .collect();
    assert_eq!(positions, [1, 2, 0]);
    assert_eq!(index.tag_counts(), [("gpu", 3), ("flux", 1)]);
}

/// More distinct (tier, score) keys than the index's counting sort keeps buckets for,
/// with and without preferences: the comparison sort it falls back to agrees too.
#[test]
fn many_distinct_scores() {
    let mut fleet = Vec::new();
    for wanted in 0..14 {
        for other in 0..14 {
            let tags: Vec<String> = (0..wanted)
                .map(|i| format!("a{i}"))
                .chain((0..other).map(|i| format!("b{i}")))
                .collect();
            let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
            let id = format!("r-{wanted:02}-{other:02}");
            fleet.push(runner(
                &id,
                "pro",
                "active",
                &tags,
                TIMES[(wanted + other) % 3],
            ));
        }
    }
    let index = RunnerIndex::new(fleet);
    let expression: Requirements = "a* | !zzz".parse().unwrap();
    let scores: std::collections::BTreeSet<u64> = rank(index.runners(), &expression)
        .iter()
        .map(|m| m.score.to_bits())
        .collect();
    assert!(scores.len() > 64, "{} distinct scores", scores.len());
    assert_agrees(&index, &expression);
    let weights = (0..10).map(|i| (format!("b{i}"), f64::from(i + 1) * 0.7));
    let prefs = Preferences::from_weights(weights, Vec::<(String, f64)>::new()).unwrap();
    assert_agrees(&index, &expression.with_preferences(prefs.clone()));
    assert_agrees(&index, &Requirements::any().with_preferences(prefs));
}
