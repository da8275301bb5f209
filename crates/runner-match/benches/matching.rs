//! Native matching benchmarks (`make bench`; `cargo bench -p runner-match --bench matching`).
//!
//! Over the stand-in's generated fleets (1k, 10k and 100k runners, seed 42) and four
//! queries (1, 2 and 3 required tags, and the expression
//! `gpu-* & (flux | sdxl) & !development`), three implementations answer the same
//! question, "every runner that can run this, best fit first":
//!
//! - `naive`: the baseline a newcomer writes: runners as plain strings, `Vec<String>`
//!   `contains` per required tag (the expression as a hand-written predicate), the
//!   README's score, then a sort by tier, score, `created_at` text and `id`;
//! - `rank`: the core's linear [`runner_match::rank`];
//! - `index`: a prebuilt [`RunnerIndex`] (`RunnerIndex::rank`); its one-off build is
//!   measured as `index_build` (the fleet copy it consumes made outside the timing),
//!   the set algebra alone as `algebra` (`count_matches`: which runners match, no
//!   scores, no order), and `explain` (`RunnerIndex::explain` and its summary line).
//!
//! Before timing anything, every query checks that the three agree on the ranking:
//! the same runners, in the same order, with the same score bits. `BENCH_SMOKE=1` runs
//! that check and one tiny measurement per case only (for `make test`).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode};
use runner_match::{rank, Requirements, Runner, RunnerIndex, RunnerStatus};

#[path = "support/fleet.rs"]
mod fleet;

/// The fleet sizes, and the seed shared with the browser benchmarks and the stand-in.
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
const SEED: u32 = 42;

/// Queries as a person would type them.
const TAG_QUERIES: [(&str, &[&str]); 3] = [
    ("1tag", &["gpu-a100"]),
    ("2tags", &["flux", "gpu-h100"]),
    ("3tags", &["production", "sdxl", "us-east"]),
];

/// The expression query (a glob, OR and NOT).
const EXPRESSION: &str = "gpu-* & (flux | sdxl) & !development";

/// A runner as the naive baseline keeps it: nothing but strings.
struct NaiveRunner {
    id: String,
    status: String,
    tags: Vec<String>,
    created_at: String,
}

impl NaiveRunner {
    fn from_runner(runner: &Runner) -> Self {
        Self {
            id: runner.id.clone(),
            status: runner.status.as_str().to_owned(),
            tags: runner.tags.clone(),
            created_at: runner.created_at.as_str().to_owned(),
        }
    }
}

/// What the naive baseline asks: required tags, or the expression written by hand.
enum NaiveQuery {
    Tags(Vec<String>),
    /// `gpu-* & (flux | sdxl) & !development`: the glob as a prefix test. As the core
    /// documents, an untagged runner satisfies every tag clause.
    Expression,
}

impl NaiveQuery {
    fn accepts(&self, tags: &[String]) -> bool {
        let has = |want: &str| tags.iter().any(|t| t == want);
        match self {
            Self::Tags(required) => required.iter().all(|t| tags.contains(t)),
            Self::Expression => {
                tags.iter().any(|t| t.starts_with("gpu-"))
                    && (has("flux") || has("sdxl"))
                    && !has("development")
            }
        }
    }

    /// Whether the query asks for `tag` (the `m` of the score).
    fn wants(&self, tag: &str) -> bool {
        match self {
            Self::Tags(required) => required.iter().any(|t| t == tag),
            Self::Expression => tag.starts_with("gpu-") || tag == "flux" || tag == "sdxl",
        }
    }
}

/// The naive baseline: filter strings, score as the README says, sort. An untagged
/// runner takes the workflow as a wildcard (`0.5`, after every tagged match); others
/// score `0.5 + 0.5 · (m + 1) / (t + 1)`; ties by newest `created_at` (its text, which
/// in these fleets is always UTC `Z`, so text order is time order), then `id`.
fn naive<'a>(runners: &'a [NaiveRunner], query: &NaiveQuery) -> Vec<(f64, &'a NaiveRunner)> {
    let mut found: Vec<(bool, f64, &NaiveRunner)> = runners
        .iter()
        .filter(|r| r.status == "active")
        .filter_map(|r| {
            if r.tags.is_empty() {
                return Some((true, 0.5, r));
            }
            if !query.accepts(&r.tags) {
                return None;
            }
            let mut distinct: Vec<&String> = r.tags.iter().collect();
            distinct.sort();
            distinct.dedup();
            let wanted = distinct.iter().filter(|t| query.wants(t)).count();
            let score = 0.5 + 0.5 * (wanted as f64 + 1.0) / (distinct.len() as f64 + 1.0);
            Some((false, score, r))
        })
        .collect();
    found.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| b.1.total_cmp(&a.1))
            .then_with(|| b.2.created_at.cmp(&a.2.created_at))
            .then_with(|| a.2.id.cmp(&b.2.id))
    });
    found.into_iter().map(|(_, score, r)| (score, r)).collect()
}

/// The expression query, parsed as `Requirements` parses any requirement string.
fn expression_requirements() -> Requirements {
    let parsed: Requirements = EXPRESSION.parse().expect("a valid expression");
    assert!(
        parsed.expression().is_some(),
        "{EXPRESSION:?} is an expression"
    );
    parsed
}

/// `rank`, `RunnerIndex::rank` and the naive baseline agree on the ranking: the same
/// runners in the same order with the same score bits. Returns the match count.
fn check_agreement(
    name: &str,
    runners: &[Runner],
    naive_runners: &[NaiveRunner],
    index: &RunnerIndex,
    req: &Requirements,
    query: &NaiveQuery,
) -> usize {
    let linear: Vec<(&str, u64)> = rank(runners, req)
        .iter()
        .map(|m| (m.runner.id.as_str(), m.score.to_bits()))
        .collect();
    let indexed: Vec<(&str, u64)> = index
        .rank(req)
        .iter()
        .map(|m| (m.runner.id.as_str(), m.score.to_bits()))
        .collect();
    assert_eq!(linear, indexed, "{name}: rank and RunnerIndex disagree");
    let baseline: Vec<(&str, u64)> = naive(naive_runners, query)
        .iter()
        .map(|(score, r)| (r.id.as_str(), score.to_bits()))
        .collect();
    assert_eq!(
        linear, baseline,
        "{name}: rank and the naive baseline disagree"
    );
    assert_eq!(
        index.count_matches(req),
        linear.len(),
        "{name}: count_matches"
    );
    let explained = index.explain(req);
    assert_eq!(explained.match_count(), linear.len(), "{name}: explain");
    linear.len()
}

fn matching(c: &mut Criterion) {
    let smoke = std::env::var_os("BENCH_SMOKE").is_some();
    let sizes: &[usize] = if smoke { &[1_000] } else { &SIZES };
    let expression = expression_requirements();
    for &n in sizes {
        let runners = fleet::generate_fleet(n, SEED);
        assert_eq!(runners.len(), n);
        let active = runners
            .iter()
            .filter(|r| r.status == RunnerStatus::Active)
            .count();
        let naive_runners: Vec<NaiveRunner> =
            runners.iter().map(NaiveRunner::from_runner).collect();
        let index = RunnerIndex::new(runners.clone());
        // Parsed by `bench/run.mjs`: the index's own memory, the runners not counted.
        eprintln!(
            "n{n}/index_bytes_per_runner: {:.1}",
            index.index_bytes() as f64 / n as f64
        );

        let mut group = c.benchmark_group(format!("n{n}"));
        if smoke {
            group
                .sample_size(10)
                .warm_up_time(Duration::from_millis(1))
                .measurement_time(Duration::from_millis(10));
        } else {
            group
                .sample_size(if n >= 100_000 { 15 } else { 30 })
                .warm_up_time(Duration::from_millis(300))
                .measurement_time(Duration::from_millis(if n >= 100_000 { 1500 } else { 700 }))
                .sampling_mode(if n >= 100_000 {
                    SamplingMode::Flat
                } else {
                    SamplingMode::Auto
                });
        }
        // The build alone: the fleet copy it consumes is made, and the index dropped,
        // outside the timing.
        group.bench_function("index_build", |b| {
            b.iter_batched(
                || runners.clone(),
                |fleet| RunnerIndex::new(black_box(fleet)),
                BatchSize::PerIteration,
            )
        });

        let mut cases: Vec<(&str, Requirements, NaiveQuery)> = TAG_QUERIES
            .iter()
            .map(|(name, tags)| {
                (
                    *name,
                    Requirements::from_tags(*tags).expect("valid tags"),
                    NaiveQuery::Tags(tags.iter().map(|t| (*t).to_owned()).collect()),
                )
            })
            .collect();
        cases.push(("expr", expression.clone(), NaiveQuery::Expression));
        for (name, req, query) in &cases {
            let matched = check_agreement(name, &runners, &naive_runners, &index, req, query);
            eprintln!("n{n}/{name}: {matched} of {n} runners match ({active} active)");
            group.bench_with_input(BenchmarkId::new("naive", name), query, |b, q| {
                b.iter(|| naive(black_box(&naive_runners), q).len())
            });
            group.bench_with_input(BenchmarkId::new("rank", name), req, |b, req| {
                b.iter(|| rank(black_box(&runners), req).len())
            });
            group.bench_with_input(BenchmarkId::new("index", name), req, |b, req| {
                b.iter(|| black_box(&index).rank(req).len())
            });
            // The set algebra alone: which runners match, no scores, no order.
            group.bench_with_input(BenchmarkId::new("algebra", name), req, |b, req| {
                b.iter(|| black_box(&index).count_matches(req))
            });
            // Why each runner matches or not, and the one-line summary of it.
            group.bench_with_input(BenchmarkId::new("explain", name), req, |b, req| {
                b.iter(|| black_box(&index).explain(req).summary().len())
            });
        }
        group.finish();
    }
}

criterion_group!(benches, matching);
criterion_main!(benches);
