//! Naive reference implementations, written from the documentation (the core's
//! README, the rustdoc of `Requirements`, `Expression` and `Timestamp`, RFC 3339)
//! rather than from the core's code. They are deliberately simple and slow: the fuzz
//! targets compare the core's answers with theirs.

use runner_match::{ExpressionNode, MAX_TAGS, MAX_TAG_BYTES};

/// Glob matching by dynamic programming over characters: `*` matches any run of
/// characters (including none), `?` exactly one character; anything else literally.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return pattern == text;
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // `next[j]`: does `p[i + 1..]` match `t[j..]`? Starts as the row of the empty pattern.
    let mut next = vec![false; t.len() + 1];
    let mut row = vec![false; t.len() + 1];
    next[t.len()] = true;
    for &pc in p.iter().rev() {
        row[t.len()] = pc == '*' && next[t.len()];
        for j in (0..t.len()).rev() {
            row[j] = match pc {
                '*' => next[j] || row[j + 1],
                '?' => next[j + 1],
                c => t[j] == c && next[j + 1],
            };
        }
        std::mem::swap(&mut next, &mut row);
    }
    next[0]
}

/// An expression in negation normal form: negations pushed down to the literals, as
/// the `Expression` docs define the meaning of an expression on an untagged runner.
#[derive(Debug)]
enum Nnf {
    Tag(String, bool),
    Glob(String, bool),
    Type(String, bool),
    All(Vec<Nnf>),
    Any(Vec<Nnf>),
}

fn nnf(node: &ExpressionNode, negated: bool) -> Option<Nnf> {
    let children = |items: &[ExpressionNode]| {
        items
            .iter()
            .map(|item| nnf(item, negated))
            .collect::<Option<Vec<Nnf>>>()
    };
    Some(match node {
        ExpressionNode::Tag(tag) => Nnf::Tag(tag.clone(), !negated),
        ExpressionNode::Glob(pattern) => Nnf::Glob(pattern.clone(), !negated),
        ExpressionNode::Type(pattern) => Nnf::Type(pattern.clone(), !negated),
        ExpressionNode::Not(inner) => return nnf(inner, !negated),
        // De Morgan: !(a & b) = !a | !b, !(a | b) = !a & !b.
        ExpressionNode::And(items) if negated => Nnf::Any(children(items)?),
        ExpressionNode::And(items) => Nnf::All(children(items)?),
        ExpressionNode::Or(items) if negated => Nnf::All(children(items)?),
        ExpressionNode::Or(items) => Nnf::Any(children(items)?),
        // `ExpressionNode` is non-exhaustive: a node kind added later has no reference.
        _ => return None,
    })
}

impl Nnf {
    /// Under ComfyControl's rule (`wildcard`) an untagged runner satisfies every tag
    /// literal, positive or negative; otherwise (preferences) it simply has no tags.
    fn eval(&self, tags: &[String], runner_type: Option<&str>, wildcard: bool) -> bool {
        let untagged = wildcard && tags.is_empty();
        match self {
            Nnf::Tag(tag, positive) => untagged || tags.iter().any(|t| t == tag) == *positive,
            Nnf::Glob(pattern, positive) => {
                untagged || tags.iter().any(|t| glob(pattern, t)) == *positive
            }
            Nnf::Type(pattern, positive) => {
                runner_type.is_some_and(|t| glob(pattern, t)) == *positive
            }
            Nnf::All(items) => items.iter().all(|i| i.eval(tags, runner_type, wildcard)),
            Nnf::Any(items) => items.iter().any(|i| i.eval(tags, runner_type, wildcard)),
        }
    }

    /// `true` when `tag` satisfies a positive (non-negated) tag or glob literal.
    fn wants(&self, tag: &str) -> bool {
        match self {
            Nnf::Tag(t, true) => t == tag,
            Nnf::Glob(pattern, true) => glob(pattern, tag),
            Nnf::All(items) | Nnf::Any(items) => items.iter().any(|i| i.wants(tag)),
            _ => false,
        }
    }

    /// `true` when there is any literal (tag, glob or type, of either polarity): the
    /// expression is not the empty one.
    fn names_terms(&self) -> bool {
        match self {
            Nnf::All(items) | Nnf::Any(items) => items.iter().any(Nnf::names_terms),
            _ => true,
        }
    }
}

/// The documented meaning of a syntax tree, ready to evaluate on many runners.
#[derive(Debug)]
pub(crate) struct Meaning(Nnf);

impl Meaning {
    /// `None` for a tree with a node kind this reference does not know.
    pub(crate) fn of(node: &ExpressionNode) -> Option<Self> {
        nnf(node, false).map(Meaning)
    }

    /// Whether a runner with `tags` and `runner_type` satisfies the expression, an
    /// untagged runner satisfying every tag literal (ComfyControl's rule).
    pub(crate) fn eval(&self, tags: &[String], runner_type: Option<&str>) -> bool {
        self.0.eval(tags, runner_type, true)
    }

    /// Plain boolean logic: an untagged runner has no tags (how preferences evaluate).
    pub(crate) fn eval_strict(&self, tags: &[String], runner_type: Option<&str>) -> bool {
        self.0.eval(tags, runner_type, false)
    }
}

impl Spec for Meaning {
    fn admits(&self, tags: &[String], runner_type: Option<&str>) -> bool {
        self.eval(tags, runner_type)
    }

    fn wants(&self, tag: &str) -> bool {
        self.0.wants(tag)
    }

    fn names_terms(&self) -> bool {
        self.0.names_terms()
    }
}

/// Every tag, glob pattern and type pattern in a tree, in order.
pub(crate) fn leaves<'a>(node: &'a ExpressionNode, out: &mut Vec<&'a ExpressionNode>) {
    match node {
        ExpressionNode::Not(inner) => leaves(inner, out),
        ExpressionNode::And(items) | ExpressionNode::Or(items) => {
            for item in items {
                leaves(item, out);
            }
        }
        other => out.push(other),
    }
}

/// What can be wrong with one tag of a requirement, per the `Requirements` docs.
/// A tag may have several problems; the core reports one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    Empty,
    TooLong,
    ControlCharacter,
    Comma,
    TooMany,
}

/// The first bad tag of a requirement: its 1-based position, the tag (as compared) and
/// every problem it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadTag {
    pub(crate) position: usize,
    pub(crate) tag: String,
    pub(crate) problems: Vec<Problem>,
}

/// The reference for `Requirements::from_tags`: exact (never trimmed), de-duplicated
/// (first occurrence wins), or the first bad tag.
pub(crate) fn requirement_tags<'a>(
    raw: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<String>, BadTag> {
    checked_tags(raw, |tag| tag)
}

/// The items of a comma string lose the ASCII spaces and tabs around them, nothing else.
fn typed(item: &str) -> &str {
    item.trim_start_matches([' ', '\t'])
        .trim_end_matches([' ', '\t'])
}

fn checked_tags<'a>(
    raw: impl IntoIterator<Item = &'a str>,
    trim: fn(&str) -> &str,
) -> Result<Vec<String>, BadTag> {
    let mut tags: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (index, raw) in raw.into_iter().enumerate() {
        let tag = trim(raw);
        let mut problems = Vec::new();
        if index >= MAX_TAGS {
            problems.push(Problem::TooMany);
        }
        if tag.chars().all(char::is_whitespace) {
            problems.push(Problem::Empty);
        }
        if tag.len() > MAX_TAG_BYTES {
            problems.push(Problem::TooLong);
        }
        if tag.chars().any(char::is_control) {
            problems.push(Problem::ControlCharacter);
        }
        if tag.contains(',') {
            problems.push(Problem::Comma);
        }
        if !problems.is_empty() {
            return Err(BadTag {
                position: index + 1,
                tag: tag.to_owned(),
                problems,
            });
        }
        if seen.insert(tag) {
            tags.push(tag.to_owned());
        }
    }
    Ok(tags)
}

/// Whether a requirement string uses expression syntax (per the docs of
/// `looks_like_expression`): any of `& | ! ( ) "`, a glob character `*` or `?`, or a
/// comma-separated item starting with `type:`.
pub(crate) fn looks_like_expression(input: &str) -> bool {
    input.chars().any(|c| "&|!()\"*?".contains(c))
        || input
            .split(',')
            .any(|item| typed(item).starts_with("type:"))
}

/// The reference for parsing ComfyControl's comma-separated form: blank is the
/// wildcard (nothing but spaces and tabs), otherwise every comma-separated piece is a
/// tag, without the spaces and tabs around it.
pub(crate) fn requirement_string(input: &str) -> Result<Vec<String>, BadTag> {
    if typed(input).is_empty() {
        return Ok(Vec::new());
    }
    checked_tags(input.split(','), typed)
}

/// What the naive ranking needs to know of a requirement (README, "The rules" and
/// "The score"): which runners it admits, status aside, and which tags it wants.
pub(crate) trait Spec {
    /// Whether a runner with these tags and type satisfies the hard requirement.
    fn admits(&self, tags: &[String], runner_type: Option<&str>) -> bool;
    /// Whether the requirement asks for `tag` (counts towards `m`).
    fn wants(&self, tag: &str) -> bool;
    /// Whether the requirement names any tag or term at all (a non-empty list or
    /// expression): then, or with preferences, an untagged runner is a wildcard fit.
    fn names_terms(&self) -> bool;
}

/// A plain tag list: required tags (exact) de-duplicated here.
#[derive(Debug)]
pub(crate) struct PlainList(Vec<String>);

impl PlainList {
    pub(crate) fn new(raw: &[String]) -> Self {
        let mut tags: Vec<String> = Vec::new();
        for tag in raw {
            if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_owned());
            }
        }
        PlainList(tags)
    }
}

impl Spec for PlainList {
    fn admits(&self, tags: &[String], _runner_type: Option<&str>) -> bool {
        tags.is_empty() || self.0.iter().all(|want| tags.contains(want))
    }

    fn wants(&self, tag: &str) -> bool {
        self.0.iter().any(|want| want == tag)
    }

    fn names_terms(&self) -> bool {
        !self.0.is_empty()
    }
}

/// A soft preference: its weight, prefer (`true`) or avoid, and its key's meaning.
#[derive(Debug)]
pub(crate) struct RefPreference {
    pub(crate) weight: f64,
    pub(crate) prefer: bool,
    pub(crate) key: Meaning,
}

/// A match as the README defines it: runner position, score and fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RefMatch {
    pub(crate) position: usize,
    pub(crate) score: f64,
    pub(crate) fit: RefFit,
}

/// Why a runner matches, per the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefFit {
    Exact,
    Superset(usize),
    WildcardRunner,
}

/// What the naive ranking needs to know of a runner.
#[derive(Debug, Clone)]
pub(crate) struct RefRunner<'a> {
    pub(crate) id: &'a str,
    /// The wire status string.
    pub(crate) status: &'a str,
    pub(crate) runner_type: Option<&'a str>,
    pub(crate) tags: &'a [String],
    /// `created_at` as the reference parser reads it.
    pub(crate) created_at: (i64, u32),
}

/// The README's rule, score and order, applied to every runner one by one. Ties keep
/// input order.
///
/// With `m` the runner's distinct tags the requirement wants and `t` its distinct tags,
/// a match scores `0.5` (a wildcard fit) when `t = 0` and the requirement names any tag
/// or term or has preferences, and `0.5 + 0.5 · (m + 1) / (t + 1)` otherwise;
/// preferences blend in as `0.5 · fit + 0.5 · (satisfied weight / total weight)`.
/// Order: every non-wildcard match before every wildcard one; within each, score
/// descending, newest `created_at`, then `id`.
pub(crate) fn rank(
    runners: &[RefRunner<'_>],
    spec: &dyn Spec,
    preferences: &[RefPreference],
) -> Vec<RefMatch> {
    let asks = spec.names_terms() || !preferences.is_empty();
    let mut found: Vec<RefMatch> = Vec::new();
    for (position, runner) in runners.iter().enumerate() {
        if runner.status != "active" || !spec.admits(runner.tags, runner.runner_type) {
            continue;
        }
        let mut distinct: Vec<&str> = runner.tags.iter().map(String::as_str).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let t = distinct.len();
        let m = distinct.iter().filter(|tag| spec.wants(tag)).count();
        let (fit_score, fit) = if t == 0 && asks {
            (0.5, RefFit::WildcardRunner)
        } else {
            let fit = if t == m {
                RefFit::Exact
            } else {
                RefFit::Superset(t - m)
            };
            (0.5 + 0.5 * (m as f64 + 1.0) / (t as f64 + 1.0), fit)
        };
        let score = if preferences.is_empty() {
            fit_score
        } else {
            let (mut satisfied, mut total) = (0.0, 0.0);
            for p in preferences {
                total += p.weight;
                if p.key.eval_strict(runner.tags, runner.runner_type) == p.prefer {
                    satisfied += p.weight;
                }
            }
            0.5 * fit_score + 0.5 * (satisfied / total)
        };
        found.push(RefMatch {
            position,
            score,
            fit,
        });
    }
    // Insertion sort, stable: tagged before wildcard, then score descending, newest
    // `created_at`, then `id`.
    let before = |a: &RefMatch, b: &RefMatch| {
        let (ra, rb) = (&runners[a.position], &runners[b.position]);
        let (wa, wb) = (
            a.fit == RefFit::WildcardRunner,
            b.fit == RefFit::WildcardRunner,
        );
        if wa != wb {
            return wb;
        }
        if a.score != b.score {
            return a.score > b.score;
        }
        if ra.created_at != rb.created_at {
            return ra.created_at > rb.created_at;
        }
        ra.id < rb.id
    };
    let mut sorted: Vec<RefMatch> = Vec::with_capacity(found.len());
    for m in found {
        let at = sorted
            .iter()
            .position(|s| before(&m, s))
            .unwrap_or(sorted.len());
        sorted.insert(at, m);
    }
    sorted
}

/// RFC 3339 (`YYYY-MM-DD(T|t| )HH:MM:SS[.frac](Z|z|±HH:MM)`, leap second `:60`
/// allowed and counted as the next second) to Unix seconds and nanoseconds; `None`
/// when the text is not of that form. Fractions beyond nanoseconds are truncated.
pub(crate) fn timestamp(text: &str) -> Option<(i64, u32)> {
    let c: Vec<char> = text.chars().collect();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = c.get(range)?;
        let mut value = 0i64;
        for d in digits {
            value = value * 10 + i64::from(d.to_digit(10).filter(|_| d.is_ascii_digit())?);
        }
        Some(value)
    };
    let at = |i: usize, allowed: &[char]| c.get(i).is_some_and(|x| allowed.contains(x));
    if !(at(4, &['-']) && at(7, &['-']) && at(10, &['T', 't', ' '])) {
        return None;
    }
    if !(at(13, &[':']) && at(16, &[':'])) {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = |m: i64| match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        _ => 28,
    };
    if !(1..=12).contains(&month) || day < 1 || day > month_days(month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &c[19..];
    let mut nanos = 0u32;
    if rest.first() == Some(&'.') {
        let digits = rest[1..].iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let mut fraction: String = rest[1..=digits].iter().take(9).collect();
        while fraction.len() < 9 {
            fraction.push('0');
        }
        nanos = fraction.parse().ok()?;
        rest = &rest[1 + digits..];
    }
    let offset = match rest {
        ['Z' | 'z'] => 0,
        [sign @ ('+' | '-'), h1, h2, ':', m1, m2] => {
            let two = |a: &char, b: &char| -> Option<i64> {
                if a.is_ascii_digit() && b.is_ascii_digit() {
                    Some(i64::from(a.to_digit(10)? * 10 + b.to_digit(10)?))
                } else {
                    None
                }
            };
            let (oh, om) = (two(h1, h2)?, two(m1, m2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let magnitude = oh * 3600 + om * 60;
            if *sign == '+' {
                magnitude
            } else {
                -magnitude
            }
        }
        _ => return None,
    };
    // Days since 1970-01-01, counted year by year and month by month.
    let year_days = |y: i64| {
        if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) {
            366
        } else {
            365
        }
    };
    let mut days: i64 = 0;
    if year >= 1970 {
        for y in 1970..year {
            days += year_days(y);
        }
    } else {
        for y in year..1970 {
            days -= year_days(y);
        }
    }
    for m in 1..month {
        days += month_days(m);
    }
    days += day - 1;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some((seconds, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_table() {
        for (pattern, text, want) in [
            ("gpu-*", "gpu-a100", true),
            ("gpu-*", "gpu", false),
            ("*", "", true),
            ("?", "", false),
            ("?", "é", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "acb", false),
            ("plain", "plain", true),
            ("plain", "plainer", false),
        ] {
            assert_eq!(glob(pattern, text), want, "{pattern:?} vs {text:?}");
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(timestamp("1969-12-31T23:59:59Z"), Some((-1, 0)));
        assert_eq!(timestamp("2024-01-10T08:00:00Z"), Some((1_704_873_600, 0)));
        assert_eq!(
            timestamp("2024-01-10T09:00:00.5+01:00"),
            Some((1_704_873_600, 500_000_000))
        );
        assert_eq!(
            timestamp("2023-12-31T23:59:60Z"),
            timestamp("2024-01-01T00:00:00Z")
        );
        assert_eq!(timestamp("2000-02-29T12:00:00Z"), Some((951_825_600, 0)));
        assert_eq!(
            timestamp("0000-01-01T00:00:00Z"),
            Some((-62_167_219_200, 0))
        );
        for bad in [
            "",
            "2024-01-10T08:00:00",
            "2023-02-29T08:00:00Z",
            "2024-01-10T08:00:00.Z",
            "2024-01-10T08:00:00+0100",
            "2024-01-10T08:00:00+24:00",
        ] {
            assert_eq!(timestamp(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn naive_rank_follows_the_readme_example() {
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (a, b, c, d) = (
            tags(&["gpu-a100", "flux"]),
            tags(&["gpu-a100", "flux", "video"]),
            tags(&[]),
            tags(&["gpu-a100", "flux"]),
        );
        let runner = |id, status, tags, day| RefRunner {
            id,
            status,
            runner_type: Some("pro"),
            tags,
            created_at: (day, 0),
        };
        let runners = [
            runner("r-1", "active", &a, 1),
            runner("r-2", "active", &b, 2),
            runner("r-3", "active", &c, 3),
            runner("r-4", "disabled", &d, 3),
        ];
        let spec = PlainList::new(&tags(&["gpu-a100", "flux", "flux"]));
        let ranked = rank(&runners, &spec, &[]);
        let got: Vec<(usize, f64, RefFit)> = ranked
            .iter()
            .map(|m| (m.position, m.score, m.fit))
            .collect();
        assert_eq!(
            got,
            [
                (0, 1.0, RefFit::Exact),
                (1, 0.875, RefFit::Superset(1)),
                (2, 0.5, RefFit::WildcardRunner)
            ]
        );
    }
}
