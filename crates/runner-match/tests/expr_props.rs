//! Property tests of the requirement-expression language: comma lists keep their
//! meaning, double negation, canonical-form round trips, agreement with a reference
//! evaluator, glob matching, and no panics on arbitrary input.

use proptest::prelude::*;
use runner_match::{Expression, Requirements, MAX_EXPRESSION_BYTES};

/// A test-side syntax tree, written fully parenthesized, with a reference evaluator.
#[derive(Debug, Clone)]
enum E {
    Tag(&'static str),
    Quoted(&'static str),
    Glob(&'static str),
    Type(&'static str),
    Not(Box<E>),
    And(Box<E>, Box<E>, &'static str),
    Or(Box<E>, Box<E>, &'static str),
}

impl E {
    fn source(&self) -> String {
        match self {
            E::Tag(t) | E::Glob(t) => (*t).to_owned(),
            E::Quoted(t) => format!("{t:?}"),
            E::Type(t) => format!("type:{t}"),
            E::Not(e) => format!("!({})", e.source()),
            E::And(a, b, op) | E::Or(a, b, op) => format!("({}){op}({})", a.source(), b.source()),
        }
    }

    /// The documented semantics, written independently: classic boolean logic on a
    /// tagged runner; on an untagged one, negations pushed to the leaves and every tag
    /// literal satisfied.
    fn eval(&self, tags: &[String], runner_type: Option<&str>, negated: bool) -> bool {
        let has = |pred: &dyn Fn(&str) -> bool| tags.iter().any(|t| pred(t));
        match self {
            E::Tag(t) | E::Quoted(t) => tags.is_empty() || has(&|x| x == *t) != negated,
            E::Glob(p) => tags.is_empty() || has(&|x| glob_ref(p, x)) != negated,
            E::Type(p) => runner_type.is_some_and(|r| glob_ref(p, r)) != negated,
            E::Not(e) => e.eval(tags, runner_type, !negated),
            E::And(a, b, _) if !negated => {
                a.eval(tags, runner_type, false) && b.eval(tags, runner_type, false)
            }
            E::And(a, b, _) => a.eval(tags, runner_type, true) || b.eval(tags, runner_type, true),
            E::Or(a, b, _) if !negated => {
                a.eval(tags, runner_type, false) || b.eval(tags, runner_type, false)
            }
            E::Or(a, b, _) => a.eval(tags, runner_type, true) && b.eval(tags, runner_type, true),
        }
    }
}

/// Naive recursive glob matching (exponential, fine for short strings).
fn glob_ref(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|i| go(rest, &t[i..])),
            Some(('?', rest)) => !t.is_empty() && go(rest, &t[1..]),
            Some((c, rest)) => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}

fn leaf() -> impl Strategy<Value = E> {
    prop_oneof![
        prop::sample::select(vec!["a", "b", "c", "d", "日"]).prop_map(E::Tag),
        prop::sample::select(vec!["a b", "c*", "type:pro", "x\"y\\z"]).prop_map(E::Quoted),
        prop::sample::select(vec!["a*", "?", "*b", "日?", "*"]).prop_map(E::Glob),
        prop::sample::select(vec!["pro", "plus", "p*"]).prop_map(E::Type),
    ]
}

fn expr() -> impl Strategy<Value = E> {
    leaf().prop_recursive(5, 32, 2, |inner| {
        let op = |ops: Vec<&'static str>| prop::sample::select(ops);
        prop_oneof![
            inner.clone().prop_map(|e| E::Not(Box::new(e))),
            (
                inner.clone(),
                inner.clone(),
                op(vec!["&", "&&", ",", " , "])
            )
                .prop_map(|(a, b, o)| E::And(Box::new(a), Box::new(b), o)),
            (inner.clone(), inner, op(vec!["|", "||", " | "])).prop_map(|(a, b, o)| E::Or(
                Box::new(a),
                Box::new(b),
                o
            )),
        ]
    })
}

fn runner() -> impl Strategy<Value = (Vec<String>, Option<&'static str>)> {
    let tag = prop::sample::select(vec![
        "a", "b", "c", "d", "ab", "a b", "c*", "type:pro", "x\"y\\z", "日", "日本",
    ]);
    (
        prop::collection::vec(tag.prop_map(str::to_owned), 0..5),
        prop::sample::select(vec![None, Some("pro"), Some("plus"), Some("other")]),
    )
}

/// A tag the comma list and the expression language both take bare, unchanged.
fn plain_tag() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\\s&|!(),\"*?\\p{Cc}]{1,12}",
        prop::sample::select(vec!["gpu-a100", "flux", "sdxl", "Flux", "日本"])
            .prop_map(String::from),
    ]
    .prop_filter("not a type constraint", |t| !t.starts_with("type:"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// (1) A plain comma list parses, is recognized as plain (de-duplicated), agrees
    /// with `Requirements`, and matches iff every tag is present or the runner is
    /// untagged.
    #[test]
    fn plain_lists_keep_their_meaning(
        (list, present, extra) in prop::collection::vec(plain_tag(), 0..8).prop_flat_map(|list| {
            let len = list.len();
            (Just(list.clone()), prop::sample::subsequence(list, 0..=len), any::<bool>())
        }),
        runner_type in prop::sample::select(vec![None, Some("pro")]),
    ) {
        let source = list.join(", ");
        let expr = Expression::parse(&source).unwrap();
        let mut deduped: Vec<String> = Vec::new();
        for tag in &list {
            if !deduped.contains(tag) {
                deduped.push(tag.clone());
            }
        }
        prop_assert_eq!(expr.as_plain_tags(), Some(deduped.clone()));
        let req: Requirements = source.parse().unwrap();
        prop_assert_eq!(req.tags(), deduped.as_slice());

        let mut runner_tags = present;
        if extra {
            runner_tags.push("zz-extra".to_owned());
        }
        let want = runner_tags.is_empty() || list.iter().all(|t| runner_tags.contains(t));
        prop_assert_eq!(expr.eval(&runner_tags, runner_type), want);
        prop_assert_eq!(expr.unmet(&runner_tags, runner_type).is_empty(), want);
    }

    /// The parser agrees with an independent reference evaluator on every runner.
    #[test]
    fn eval_matches_the_reference(e in expr(), runners in prop::collection::vec(runner(), 1..8)) {
        let expr = Expression::parse(&e.source()).unwrap();
        for (tags, runner_type) in &runners {
            prop_assert_eq!(
                expr.eval(tags, *runner_type),
                e.eval(tags, *runner_type, false),
                "{} on {:?} {:?}", e.source(), tags, runner_type
            );
            prop_assert_eq!(expr.eval(&[], *runner_type), e.eval(&[], *runner_type, false));
        }
    }

    /// (2) `!!e` evaluates like `e`.
    #[test]
    fn double_negation(e in expr(), runners in prop::collection::vec(runner(), 1..8)) {
        let expr = Expression::parse(&e.source()).unwrap();
        let twice = Expression::parse(&format!("!!({})", e.source())).unwrap();
        for (tags, runner_type) in &runners {
            prop_assert_eq!(twice.eval(tags, *runner_type), expr.eval(tags, *runner_type));
        }
    }

    /// (3) The canonical form parses back to the same tree (so it evaluates
    /// identically), is a fixed point, and agrees on `unmet`.
    #[test]
    fn display_round_trips(e in expr(), runners in prop::collection::vec(runner(), 1..8)) {
        let expr = Expression::parse(&e.source()).unwrap();
        let canonical = expr.to_string();
        let again = Expression::parse(&canonical).unwrap();
        prop_assert_eq!(&again, &expr, "{} -> {}", e.source(), canonical);
        prop_assert_eq!(again.to_string(), canonical);
        for (tags, runner_type) in &runners {
            prop_assert_eq!(again.eval(tags, *runner_type), expr.eval(tags, *runner_type));
            prop_assert_eq!(again.unmet(tags, *runner_type), expr.unmet(tags, *runner_type));
        }
    }

    /// Glob matching agrees with a naive reference, Unicode included.
    #[test]
    fn glob_matches_the_reference(pattern in "[ab日*?]{1,8}", text in "[ab日]{0,10}") {
        let expr = Expression::parse(&pattern).unwrap();
        let tags = vec![text.clone()];
        prop_assert_eq!(expr.eval(&tags, None), glob_ref(&pattern, &text));
    }
}

/// Parsing arbitrary input never panics; errors point at a char boundary and render;
/// successes round-trip through the canonical form.
fn never_panics(input: &str) -> Result<(), TestCaseError> {
    match Expression::parse(input) {
        Ok(expr) => {
            let canonical = expr.to_string();
            if canonical.len() <= MAX_EXPRESSION_BYTES {
                let again = Expression::parse(&canonical);
                prop_assert_eq!(
                    again.as_ref().ok(),
                    Some(&expr),
                    "{:?} -> {:?}",
                    input,
                    canonical
                );
            }
            let _ = expr.eval(&["a".to_owned()], Some("pro"));
            let _ = expr.unmet(&[], None);
            let _ = expr.as_plain_tags();
        }
        Err(err) => {
            prop_assert!(err.offset <= input.len());
            prop_assert!(input.is_char_boundary(err.offset));
            let rendered = err.render();
            prop_assert!(rendered.ends_with(&err.to_string()));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// (4) Any string.
    #[test]
    fn arbitrary_strings(input in ".*") {
        never_panics(&input)?;
    }

    /// (4) Byte soup, made valid UTF-8 lossily.
    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        never_panics(&String::from_utf8_lossy(&bytes))?;
    }

    /// (4) Operator-heavy input, where the parser's corner cases live.
    #[test]
    fn operator_soup(input in "[ab*?&|!(),\"\\\\ \t\ntype:é日\u{0}]{0,80}") {
        never_panics(&input)?;
    }

    /// (4) Deep and long input around the limits.
    #[test]
    fn deep_and_long(
        open in "[(!]{0,200}",
        middle in "[a,|& ]{0,40}",
        close in "[)]{0,200}",
        repeat in 1usize..60,
    ) {
        never_panics(&format!("{open}a{middle}{close}"))?;
        never_panics(&format!("{open}a{close}").repeat(repeat))?;
    }
}
