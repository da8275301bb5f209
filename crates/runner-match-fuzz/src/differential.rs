//! The differential target: `RunnerIndex::rank`, plain `rank` and the naive reference
//! must give the same answer; expressions must evaluate as the reference does.

use runner_match::{
    pick, rank, Expression, Fit, Match, PreferenceKind, Preferences, Requirements, Runner,
    RunnerIndex, RunnerSource, RunnerStatus, RunnerType, Timestamp,
};

use crate::input::Bytes;
use crate::parse::check_expression;
use crate::reference::{self, RefFit, RefMatch, RefPreference, RefRunner, Spec};

/// The most runners one differential input decodes to.
pub const MAX_RUNNERS: usize = 64;

/// Runner tags: case variants, a tag with a leading space (never equal to a trimmed
/// required tag), an empty tag (a tagged runner!), a literal `*`, a literal `type:`.
const RUNNER_TAGS: [&str; 14] = [
    "gpu", "GPU", "flux", "Flux", "sdxl", "video", "gpu-a100", "gpu-h100", "dev", "", " flux",
    "日本", "gpu-*", "type:pro",
];

/// Required tags for plain lists: valid ones only (`from_tags` trims `" flux "`), and
/// one no runner carries.
const REQUIRED_TAGS: [&str; 14] = [
    "gpu", "GPU", "flux", "Flux", "sdxl", "video", "gpu-a100", "gpu-h100", "dev", "日本", "gpu-*",
    "type:pro", " flux ", "unknown",
];

/// Few instants with several spellings each (offsets, fractions, lowercase, a leap
/// second), so `created_at` ties between different texts happen often.
const TIMES: [&str; 8] = [
    "2024-01-10T08:00:00Z",
    "2024-01-10T09:00:00+01:00",
    "2024-01-10t08:00:00z",
    "2024-01-10T08:00:00.5Z",
    "2024-01-10T07:59:59.999999999Z",
    "2023-12-31T23:59:60Z",
    "2024-01-01T00:00:00Z",
    "2024-02-01T08:00:00-00:30",
];

/// Ids collide often; `R-…` sorts before `r-…` (ids compare byte-wise).
const IDS: [&str; 8] = ["r-00", "r-01", "r-02", "r-03", "r-10", "R-01", "r-0", "r-1"];

/// Statuses by the low three bits: mostly active; `ACTIVE` is not `active`.
const STATUSES: [&str; 8] = [
    "active", "active", "active", "active", "active", "disabled", "ACTIVE", "inactive",
];

/// Runner types: self-hosted (none), the two tiers, and one this crate does not know.
const TYPES: [Option<&str>; 4] = [None, Some("pro"), Some("plus"), Some("enterprise")];

/// Expression leaves.
const BARE_TAGS: [&str; 10] = [
    "gpu", "GPU", "flux", "Flux", "sdxl", "video", "gpu-a100", "dev", "日本", "unknown",
];
const QUOTED_TAGS: [&str; 4] = ["\"gpu-*\"", "\"type:pro\"", "\" flux\"", "\"gpu\""];
const QUOTED_VALUES: [&str; 4] = ["gpu-*", "type:pro", " flux", "gpu"];
const GLOBS: [&str; 8] = ["gpu-*", "*", "?lux", "Fl*", "*a100", "日?", "*-*", "g?u"];
const TYPE_PATTERNS: [&str; 6] = ["pro", "plus", "p*", "*", "enterprise", "?ro"];

/// Preference keys (expression syntax) and weights.
const PREFERENCE_KEYS: [&str; 10] = [
    "gpu",
    "flux",
    "GPU",
    "video",
    "gpu-*",
    "type:pro",
    "!dev",
    "日本",
    "*",
    "gpu | sdxl",
];
const WEIGHTS: [f64; 8] = [1.0, 2.0, 0.5, 3.0, 1_000_000.0, 0.1, 7.0, 1e-6];

/// See [`crate::differential`].
pub(crate) fn differential(data: &[u8]) {
    let mut input = Bytes::new(data);
    let mode = input.byte();
    let runners = decode_fleet(&mut input);
    let (preferences, reference_preferences) = if mode & 0x20 != 0 {
        decode_preferences(&mut input)
    } else {
        (Preferences::new(), Vec::new())
    };
    match mode % 4 {
        0 | 1 => {
            let required = decode_tag_list(&mut input);
            let req = Requirements::from_tags(&required).expect("the alphabet is valid");
            let spec = reference::PlainList::new(&required);
            let req = with(req, preferences, &reference_preferences);
            check_requirement(&runners, &req, &spec, &reference_preferences, input.u64());
        }
        2 => {
            let tree = Gen::decode(&mut input, 4);
            let mut text = String::new();
            tree.render(&mut text, mode & 0x10 != 0);
            let expression = Expression::parse(&text)
                .unwrap_or_else(|err| panic!("generated {text:?} does not parse: {err}"));
            check_expression(&expression);
            let req = Requirements::from_expression(expression.clone());
            let req = with(req, preferences, &reference_preferences);
            check_requirement(&runners, &req, &tree, &reference_preferences, input.u64());
            check_expression_matches(&runners, &req, &expression, &tree);
        }
        _ => {
            let text = String::from_utf8_lossy(input.rest());
            let Ok(expression) = Expression::parse(&text) else {
                return;
            };
            check_expression(&expression);
            let Some(meaning) = reference::Meaning::of(expression.root()) else {
                return;
            };
            let req = Requirements::from_expression(expression.clone());
            let req = with(req, preferences, &reference_preferences);
            check_requirement(&runners, &req, &meaning, &reference_preferences, 0);
            check_expression_matches(&runners, &req, &expression, &meaning);
        }
    }
}

/// `req` with `preferences`, unless there are none.
fn with(req: Requirements, preferences: Preferences, reference: &[RefPreference]) -> Requirements {
    assert_eq!(preferences.len(), reference.len());
    if preferences.is_empty() {
        req
    } else {
        req.with_preferences(preferences)
    }
}

fn decode_fleet(input: &mut Bytes<'_>) -> Vec<Runner> {
    let count = usize::from(input.byte()) % (MAX_RUNNERS + 1);
    let mut runners = Vec::with_capacity(count);
    for _ in 0..count {
        if input.is_empty() {
            break;
        }
        let kind = input.byte();
        let when = input.byte();
        let tag_count = usize::from(input.byte() % 6);
        let tags: Vec<String> = (0..tag_count)
            .map(|_| input.pick(&RUNNER_TAGS).to_owned())
            .collect();
        let created_at = TIMES[usize::from(when) % TIMES.len()];
        let updated_at = TIMES[usize::from(when >> 5) % TIMES.len()];
        let id = IDS[usize::from(when >> 3) % IDS.len()];
        let runner_type = TYPES[usize::from(kind >> 3) % TYPES.len()];
        let source = if kind & 0x80 != 0 {
            RunnerSource::SelfHosted {
                user_id: "user".to_owned(),
                endpoint: "http://127.0.0.1:8188".to_owned(),
                headers: Default::default(),
            }
        } else {
            RunnerSource::Managed
        };
        runners.push(Runner {
            id: id.to_owned(),
            name: format!("runner {}", runners.len()),
            runner_type: runner_type.map(RunnerType::from),
            status: RunnerStatus::from(STATUSES[usize::from(kind) % STATUSES.len()]),
            tags,
            created_at: time(created_at),
            updated_at: time(updated_at),
            source,
        });
    }
    runners
}

fn time(text: &str) -> Timestamp {
    text.parse()
        .expect("the fuzz alphabet's timestamps are valid")
}

fn decode_tag_list(input: &mut Bytes<'_>) -> Vec<String> {
    let count = usize::from(input.byte() % 5);
    (0..count)
        .map(|_| input.pick(&REQUIRED_TAGS).to_owned())
        .collect()
}

fn decode_preferences(input: &mut Bytes<'_>) -> (Preferences, Vec<RefPreference>) {
    let mut preferences = Preferences::new();
    let mut reference = Vec::new();
    for _ in 0..input.byte() % 4 {
        let b = input.byte();
        let key = PREFERENCE_KEYS[usize::from(b) % PREFERENCE_KEYS.len()];
        let prefer = b & 0x10 == 0;
        let weight = WEIGHTS[usize::from(b >> 5) % WEIGHTS.len()];
        let kind = if prefer {
            PreferenceKind::Prefer
        } else {
            PreferenceKind::Avoid
        };
        // A repeated key is an error (`Duplicate`): it is simply not added.
        if preferences.add(kind, key, weight).is_ok() {
            let parsed = Expression::parse(key).expect("the preference keys parse");
            reference.push(RefPreference {
                weight,
                prefer,
                key: reference::Meaning::of(parsed.root()).expect("known node kinds"),
            });
        }
    }
    (preferences, reference)
}

/// The naive reference's view of the runners, in the same order.
fn reference_runners(runners: &[Runner]) -> Vec<RefRunner<'_>> {
    runners
        .iter()
        .map(|runner| RefRunner {
            id: &runner.id,
            status: runner.status.as_str(),
            runner_type: runner.runner_type.as_ref().map(RunnerType::as_str),
            tags: &runner.tags,
            created_at: reference::timestamp(runner.created_at.as_str())
                .expect("a decoded timestamp is RFC 3339"),
        })
        .collect()
}

/// `index.rank`, `rank` (over the index's order and over the input order) and the
/// naive reference agree: same runners, same order, same score bits, same fit; the
/// index's other answers and each match's score breakdown agree with them.
fn check_requirement(
    runners: &[Runner],
    req: &Requirements,
    spec: &dyn Spec,
    preferences: &[RefPreference],
    seed: u64,
) {
    let index = RunnerIndex::new(runners.to_vec());
    assert_eq!(index.len(), runners.len());
    let from_index = index.rank(req);
    let plain = rank(index.runners(), req);
    assert_eq!(from_index.len(), plain.len(), "match count for {req:?}");
    for (i, (a, b)) in from_index.iter().zip(&plain).enumerate() {
        // Ids repeat in a fleet, so compare identity.
        assert!(std::ptr::eq(a.runner, b.runner), "runner #{i} for {req:?}");
        assert_eq!(
            a.score.to_bits(),
            b.score.to_bits(),
            "score #{i} for {req:?}"
        );
        assert_eq!(a.fit, b.fit, "fit #{i} for {req:?}");
    }
    assert_eq!(index.count_matches(req), from_index.len(), "count_matches");
    let positions = index.rank_positions(req);
    assert_eq!(positions.len(), from_index.len());
    for (p, m) in positions.iter().zip(&from_index) {
        let runner = index.get(p.position as usize).expect("a valid position");
        assert!(std::ptr::eq(runner, m.runner));
        assert_eq!(p.score.to_bits(), m.score.to_bits());
    }

    // The naive reference over the input order, and `rank` over the input order.
    let naive = reference::rank(&reference_runners(runners), spec, preferences);
    let unsorted = rank(runners, req);
    assert_eq!(naive.len(), unsorted.len(), "naive match count for {req:?}");
    for (i, (n, m)) in naive.iter().zip(&unsorted).enumerate() {
        assert!(
            std::ptr::eq(&runners[n.position], m.runner),
            "naive runner #{i} for {req:?}: {n:?} vs {m:?}"
        );
        assert_same_match(n, m);
    }
    // Runners equal in score, `created_at` and `id` keep input order everywhere, so
    // the index's answer equals the input-order answer runner by runner.
    for (a, b) in from_index.iter().zip(&unsorted) {
        assert_eq!(a.runner, b.runner, "index vs input order for {req:?}");
    }

    for m in &unsorted {
        assert!((0.0..=1.0).contains(&m.score), "score {} of {m:?}", m.score);
        let breakdown = m.breakdown(req);
        assert_eq!(breakdown.fit, m.fit);
        assert_eq!(
            breakdown.score.to_bits(),
            m.score.to_bits(),
            "{breakdown:?}"
        );
        assert_eq!(
            breakdown.preference_score.is_some(),
            !preferences.is_empty()
        );
        assert_eq!(breakdown.terms.len(), preferences.len());
        let kind = m.runner.runner_type.as_ref().map(RunnerType::as_str);
        for (term, p) in breakdown.terms.iter().zip(preferences) {
            let satisfied = p.key.eval_strict(&m.runner.tags, kind) == p.prefer;
            assert_eq!(term.satisfied, satisfied, "{term:?} on {:?}", m.runner.tags);
        }
        let _ = breakdown.to_string();
    }

    let picked = pick(&from_index, seed);
    assert_eq!(picked.is_some(), !from_index.is_empty());
    if let Some(chosen) = picked {
        assert_eq!(chosen.score.to_bits(), from_index[0].score.to_bits());
        assert_eq!(pick(&plain, seed).map(|m| m.runner), Some(chosen.runner));
    }
}

fn assert_same_match(naive: &RefMatch, got: &Match<'_>) {
    assert_eq!(
        naive.score.to_bits(),
        got.score.to_bits(),
        "{naive:?} vs {got:?}"
    );
    let fit = match naive.fit {
        RefFit::Exact => Fit::Exact,
        RefFit::Superset(extra_tags) => Fit::Superset { extra_tags },
        RefFit::WildcardRunner => Fit::WildcardRunner,
    };
    assert_eq!(fit, got.fit, "{naive:?} vs {got:?}");
}

/// `Expression::eval` agrees with the reference on every runner, and the runners `rank`
/// returns for an expression requirement are exactly the active runners it admits.
fn check_expression_matches(
    runners: &[Runner],
    req: &Requirements,
    expression: &Expression,
    spec: &dyn Spec,
) {
    for runner in runners {
        let kind = runner.runner_type.as_ref().map(RunnerType::as_str);
        assert_eq!(
            expression.eval(&runner.tags, kind),
            spec.admits(&runner.tags, kind),
            "{:?} on tags {:?}, type {kind:?}",
            expression.source(),
            runner.tags
        );
    }
    let ranked = rank(runners, req);
    let admitted: Vec<&Runner> = runners
        .iter()
        .filter(|runner| {
            let kind = runner.runner_type.as_ref().map(RunnerType::as_str);
            runner.is_schedulable() && expression.eval(&runner.tags, kind)
        })
        .collect();
    assert_eq!(ranked.len(), admitted.len(), "{:?}", expression.source());
    for m in &ranked {
        assert!(
            admitted.iter().any(|r| std::ptr::eq(*r, m.runner)),
            "{:?} ranks a runner it does not admit",
            expression.source()
        );
    }
}

/// A generated, well-formed expression, rendered fully parenthesized.
#[derive(Debug)]
enum Gen {
    /// Index into [`BARE_TAGS`].
    Tag(usize),
    /// Index into [`QUOTED_TAGS`] / [`QUOTED_VALUES`].
    Quoted(usize),
    /// Index into [`GLOBS`].
    Glob(usize),
    /// Index into [`TYPE_PATTERNS`].
    Type(usize),
    /// `!x`, or `!(x)` when the flag is set.
    Not(Box<Gen>, bool),
    /// Operands and the operator spelling (`&`, `&&` or `,`).
    And(Vec<Gen>, &'static str),
    /// Operands and the operator spelling (`|` or `||`).
    Or(Vec<Gen>, &'static str),
}

impl Gen {
    fn decode(input: &mut Bytes<'_>, depth: u8) -> Gen {
        let b = input.byte();
        if depth > 0 {
            let arity = 2 + usize::from(b >> 7);
            match b % 8 {
                4 => return Gen::Not(Box::new(Gen::decode(input, depth - 1)), b & 0x40 != 0),
                5 => {
                    let op = ["&", "&&", ","][usize::from(b >> 3) % 3];
                    let items = (0..arity).map(|_| Gen::decode(input, depth - 1)).collect();
                    return Gen::And(items, op);
                }
                6 => {
                    let op = ["|", "||"][usize::from(b >> 3) % 2];
                    let items = (0..arity).map(|_| Gen::decode(input, depth - 1)).collect();
                    return Gen::Or(items, op);
                }
                _ => {}
            }
        }
        let leaf = input.byte();
        let which = usize::from(leaf >> 2);
        match leaf % 4 {
            0 => Gen::Tag(which % BARE_TAGS.len()),
            1 => Gen::Quoted(which % QUOTED_TAGS.len()),
            2 => Gen::Glob(which % GLOBS.len()),
            _ => Gen::Type(which % TYPE_PATTERNS.len()),
        }
    }

    fn is_leaf(&self) -> bool {
        !matches!(self, Gen::Not(..) | Gen::And(..) | Gen::Or(..))
    }

    fn render(&self, out: &mut String, spaced: bool) {
        let gap = if spaced { " " } else { "" };
        let operand = |item: &Gen, out: &mut String| {
            if item.is_leaf() {
                item.render(out, spaced);
            } else {
                out.push('(');
                item.render(out, spaced);
                out.push(')');
            }
        };
        match self {
            Gen::Tag(i) => out.push_str(BARE_TAGS[*i]),
            Gen::Quoted(i) => out.push_str(QUOTED_TAGS[*i]),
            Gen::Glob(i) => out.push_str(GLOBS[*i]),
            Gen::Type(i) => {
                out.push_str("type:");
                out.push_str(TYPE_PATTERNS[*i]);
            }
            Gen::Not(inner, parens) => {
                out.push('!');
                if *parens && inner.is_leaf() {
                    out.push('(');
                    inner.render(out, spaced);
                    out.push(')');
                } else {
                    operand(inner, out);
                }
            }
            Gen::And(items, op) | Gen::Or(items, op) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(gap);
                        out.push_str(op);
                        out.push_str(gap);
                    }
                    operand(item, out);
                }
            }
        }
    }

    /// The documented meaning, evaluated on this tree (not the parsed one): classic
    /// logic on a tagged runner; on an untagged runner, with negations pushed to the
    /// leaves, every tag literal holds and only `type:` is checked.
    fn eval(&self, tags: &[String], runner_type: Option<&str>, negated: bool) -> bool {
        let literal = |has: bool| tags.is_empty() || has != negated;
        match self {
            Gen::Tag(i) => literal(tags.iter().any(|t| t == BARE_TAGS[*i])),
            Gen::Quoted(i) => literal(tags.iter().any(|t| t == QUOTED_VALUES[*i])),
            Gen::Glob(i) => literal(tags.iter().any(|t| reference::glob(GLOBS[*i], t))),
            Gen::Type(i) => {
                runner_type.is_some_and(|t| reference::glob(TYPE_PATTERNS[*i], t)) != negated
            }
            Gen::Not(inner, _) => inner.eval(tags, runner_type, !negated),
            Gen::And(items, _) if negated => items.iter().any(|x| x.eval(tags, runner_type, true)),
            Gen::And(items, _) => items.iter().all(|x| x.eval(tags, runner_type, false)),
            Gen::Or(items, _) if negated => items.iter().all(|x| x.eval(tags, runner_type, true)),
            Gen::Or(items, _) => items.iter().any(|x| x.eval(tags, runner_type, false)),
        }
    }
}

impl Gen {
    /// Whether `tag` satisfies a tag or glob leaf under an even number of negations.
    fn wants(&self, tag: &str, negated: bool) -> bool {
        match self {
            Gen::Tag(i) => !negated && BARE_TAGS[*i] == tag,
            Gen::Quoted(i) => !negated && QUOTED_VALUES[*i] == tag,
            Gen::Glob(i) => !negated && reference::glob(GLOBS[*i], tag),
            Gen::Type(_) => false,
            Gen::Not(inner, _) => inner.wants(tag, !negated),
            Gen::And(items, _) | Gen::Or(items, _) => items.iter().any(|i| i.wants(tag, negated)),
        }
    }
}

impl Spec for Gen {
    fn admits(&self, tags: &[String], runner_type: Option<&str>) -> bool {
        self.eval(tags, runner_type, false)
    }

    fn wants(&self, tag: &str) -> bool {
        Gen::wants(self, tag, false)
    }

    fn names_terms(&self) -> bool {
        // Every generated tree has at least one leaf (tag, glob or `type:`).
        true
    }
}
