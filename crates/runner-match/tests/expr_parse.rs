//! Table-driven tests of the requirement-expression language: canonical forms, exact
//! error texts and offsets, rendering, globs, evaluation (wildcard runners, `type:`),
//! `unmet` and `as_plain_tags`.

use runner_match::{
    Expression, ExpressionErrorKind, ExpressionNode, Requirements, Unmet, MAX_EXPRESSION_BYTES,
};

fn tags(list: &[&str]) -> Vec<String> {
    list.iter().map(|tag| (*tag).to_owned()).collect()
}

#[test]
fn valid_expressions_and_their_canonical_form() {
    let cases: &[(&str, &str)] = &[
        ("", ""),
        ("  \t\n ", ""),
        ("gpu", "gpu"),
        ("gpu-a100, flux", "gpu-a100 & flux"),
        ("a,b,c", "a & b & c"),
        ("  a ,b  ,  c ", "a & b & c"),
        ("a && b", "a & b"),
        ("a&b", "a & b"),
        ("a || b", "a | b"),
        ("a|b", "a | b"),
        ("a&b|c", "a & b | c"),
        ("a|b&c", "a | b & c"),
        ("a & (b | c)", "a & (b | c)"),
        ("(a | b) & c", "(a | b) & c"),
        ("a | b, c", "(a | b) & c"),
        ("(a, b) | c", "a & b | c"),
        ("a & b, c", "a & b & c"),
        ("((a))", "a"),
        ("(a)", "a"),
        ("a & (b & c)", "a & b & c"),
        ("a | (b | c)", "a | b | c"),
        ("(a | b) | (c & d)", "a | b | c & d"),
        ("!a", "!a"),
        ("! a", "!a"),
        ("!!a", "!!a"),
        ("!(a)", "!a"),
        ("!(a & b)", "!(a & b)"),
        ("!(a, b)", "!(a & b)"),
        ("!(a | b)", "!(a | b)"),
        ("!a & b", "!a & b"),
        ("a&!b", "a & !b"),
        (
            "gpu-* & (flux | sdxl) & !development",
            "gpu-* & (flux | sdxl) & !development",
        ),
        ("type:pro", "type:pro"),
        ("type:pro | type:plus", "type:pro | type:plus"),
        ("type:p*", "type:p*"),
        ("!type:*", "!type:*"),
        ("Type:pro", "Type:pro"),
        ("a:b", "a:b"),
        ("\"type:pro\"", "\"type:pro\""),
        ("\"gpu a100\"", "\"gpu a100\""),
        ("\"50*\"", "\"50*\""),
        ("\"sdxl?\"", "\"sdxl?\""),
        ("\"a|b\"", "\"a|b\""),
        ("\"a,b\"", "\"a,b\""),
        ("\"plain\"", "plain"),
        (r#""a\"b""#, r#""a\"b""#),
        (r#""back\\slash""#, r"back\slash"),
        (r#""back\\ slash""#, r#""back\\ slash""#),
        (r"back\slash", r"back\slash"),
        ("\" padded \"", "\" padded \""),
        ("日本, ünïcode", "日本 & ünïcode"),
        ("日?", "日?"),
        ("sdxl?", "sdxl?"),
        ("*", "*"),
        ("\t a \n & \r\n b ", "a & b"),
        ("a\u{a0}&b", "a & b"), // NO-BREAK SPACE is whitespace
        ("\"a\"&\"b\"", "a & b"),
    ];
    for &(input, canonical) in cases {
        let expr = Expression::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(expr.to_string(), canonical, "input {input:?}");
        assert_eq!(expr.source(), input);
        let again: Expression = canonical.parse().unwrap();
        assert_eq!(
            again, expr,
            "canonical form of {input:?} re-parses to the same tree"
        );
        assert_eq!(again.to_string(), canonical);
    }
}

#[test]
fn syntax_trees() {
    use ExpressionNode::{And, Glob, Not, Or, Tag, Type};
    let tag = |t: &str| Tag(t.to_owned());
    let cases: Vec<(&str, ExpressionNode)> = vec![
        ("", And(vec![])),
        ("a", tag("a")),
        ("a, b & c", And(vec![tag("a"), tag("b"), tag("c")])),
        (
            "a | b & !c",
            Or(vec![tag("a"), And(vec![tag("b"), Not(Box::new(tag("c")))])]),
        ),
        ("gpu-*", Glob("gpu-*".into())),
        ("\"gpu-*\"", tag("gpu-*")),
        ("type:pro", Type("pro".into())),
        ("\"type:pro\"", tag("type:pro")),
        ("!!x", Not(Box::new(Not(Box::new(tag("x")))))),
    ];
    for (input, want) in cases {
        assert_eq!(Expression::parse(input).unwrap().root(), &want, "{input:?}");
    }
    assert!(Expression::parse(" ").unwrap().is_wildcard());
    assert!(Expression::default().is_wildcard());
    assert!(!Expression::parse("a").unwrap().is_wildcard());
}

#[test]
fn invalid_expressions_exact_errors() {
    let long_tag = "x".repeat(257);
    let cases: Vec<(String, &str)> = vec![
        ("gpu & (flux | )".into(), "unexpected ')' at 14"),
        (
            "gpu & (a|".into(),
            "unexpected end of input at 9: expected a tag",
        ),
        (
            "gpu &".into(),
            "unexpected end of input at 5: expected a tag",
        ),
        ("!".into(), "unexpected end of input at 1: expected a tag"),
        ("(".into(), "unexpected end of input at 1: expected a tag"),
        (
            "a | ! ".into(),
            "unexpected end of input at 6: expected a tag",
        ),
        (
            "(a & b".into(),
            "unexpected end of input at 6: expected ')' to close '(' at 0",
        ),
        (
            "x, ((a) ".into(),
            "unexpected end of input at 8: expected ')' to close '(' at 3",
        ),
        ("a)".into(), "unexpected ')' at 1"),
        (")".into(), "unexpected ')' at 0"),
        ("()".into(), "unexpected ')' at 1"),
        ("& a".into(), "unexpected '&' at 0"),
        ("|| a".into(), "unexpected '||' at 0"),
        ("a &&& b".into(), "unexpected '&' at 4"),
        ("a ||| b".into(), "unexpected '|' at 4"),
        ("a | & b".into(), "unexpected '&' at 4"),
        ("a & , b".into(), "unexpected ',' at 4"),
        ("!)".into(), "unexpected ')' at 1"),
        ("gpu a100".into(), "missing operator at 4"),
        ("a (b)".into(), "missing operator at 2"),
        ("a !b".into(), "missing operator at 2"),
        ("(a) b".into(), "missing operator at 4"),
        ("(a b)".into(), "missing operator at 3"),
        ("\"a\"b".into(), "missing operator at 3"),
        ("a\"b\"".into(), "missing operator at 1"),
        ("a!b".into(), "missing operator at 1"),
        ("type:pro gpu".into(), "missing operator at 9"),
        ("ab\"c".into(), "unterminated quote at 2"),
        ("a & \"b".into(), "unterminated quote at 4"),
        ("\"abc".into(), "unterminated quote at 0"),
        ("x, \"\\".into(), "unterminated quote at 3"),
        (r#""a\nb""#.into(), r"invalid escape '\n' at 2"),
        (r#""a\*""#.into(), r"invalid escape '\*' at 2"),
        ("\"\"".into(), "empty tag at 0"),
        ("a, \"  \"".into(), "empty tag at 3"),
        ("a,,b".into(), "empty tag at 2"),
        (",a".into(), "empty tag at 0"),
        (",".into(), "empty tag at 0"),
        ("a,".into(), "empty tag at 2"),
        ("a, ".into(), "empty tag at 3"),
        ("a, ,b".into(), "empty tag at 3"),
        ("(a,)".into(), "empty tag at 3"),
        ("(,a)".into(), "empty tag at 1"),
        ("type:".into(), "empty runner type at 0"),
        ("a & type:".into(), "empty runner type at 4"),
        ("a\0b".into(), "control character in tag at 1"),
        ("ok, x\u{7f}".into(), "control character in tag at 5"),
        ("\"a\u{7}\"".into(), "control character in tag at 2"),
        ("\"a\nb\"".into(), "control character in tag at 2"),
        (long_tag.clone(), "tag longer than 256 bytes at 0"),
        (format!("ok, {long_tag}"), "tag longer than 256 bytes at 4"),
        (format!("\"{long_tag}\""), "tag longer than 256 bytes at 0"),
        ("a".repeat(8193), "input longer than 8192 bytes at 8192"),
        ("日".repeat(2731), "input longer than 8192 bytes at 8190"),
        (
            format!("{}a{}", "(".repeat(65), ")".repeat(65)),
            "nesting deeper than 64 at 64",
        ),
        (
            format!("{}a", "!".repeat(65)),
            "nesting deeper than 64 at 64",
        ),
        (
            format!("!{}a{}", "!(".repeat(32), ")".repeat(32)),
            "nesting deeper than 64 at 64",
        ),
        ("(".repeat(8000), "nesting deeper than 64 at 64"),
        ("!".repeat(8192), "nesting deeper than 64 at 64"),
        (
            format!("{}a", "a,".repeat(1000)),
            "more than 1000 terms at 2000",
        ),
    ];
    for (input, want) in &cases {
        let err = Expression::parse(input).unwrap_err();
        assert_eq!(&err.to_string(), want, "input {input:?}");
        assert!(input.is_char_boundary(err.offset));
        assert!(err.input().len() <= MAX_EXPRESSION_BYTES);
        assert!(!err.render().is_empty());
    }
}

#[test]
fn limits_are_inclusive() {
    let ok = [
        format!("{}a{}", "(".repeat(64), ")".repeat(64)),
        format!("{}a", "!".repeat(64)),
        format!("{}a{}", "!(".repeat(32), ")".repeat(32)),
        format!("{}a", "a,".repeat(999)),
        "x".repeat(256),
        format!("\"{}\"", "é".repeat(128)),
        format!("{} ", "a".repeat(256))
            .repeat(31)
            .trim()
            .replace(' ', ","),
    ];
    for input in &ok {
        assert!(input.len() <= MAX_EXPRESSION_BYTES);
        let expr = Expression::parse(input).unwrap_or_else(|e| panic!("{e}"));
        Expression::parse(&expr.to_string()).unwrap();
    }
}

#[test]
fn error_kinds() {
    let kind = |input: &str| Expression::parse(input).unwrap_err().kind;
    assert_eq!(
        kind("a )"),
        ExpressionErrorKind::UnexpectedToken(")".into())
    );
    assert_eq!(kind("a &"), ExpressionErrorKind::UnexpectedEnd);
    assert_eq!(kind(" (a"), ExpressionErrorKind::UnclosedParen { open: 1 });
    assert_eq!(kind("a b"), ExpressionErrorKind::MissingOperator);
    assert_eq!(kind("\"a"), ExpressionErrorKind::UnterminatedQuote);
    assert_eq!(kind(r#""\x""#), ExpressionErrorKind::InvalidEscape('x'));
    assert_eq!(kind("a,,"), ExpressionErrorKind::EmptyTag);
    assert_eq!(kind("type:"), ExpressionErrorKind::EmptyType);
    assert_eq!(kind("\u{1b}"), ExpressionErrorKind::ControlCharacter);
    assert_eq!(kind(&"t".repeat(300)), ExpressionErrorKind::TagTooLong);
    assert_eq!(kind(&" ".repeat(9000)), ExpressionErrorKind::TooLong);
    assert_eq!(kind(&"(".repeat(100)), ExpressionErrorKind::TooDeep);
    assert_eq!(kind(&"a|".repeat(1001)), ExpressionErrorKind::TooManyTerms);
    let err = Expression::parse("a b").unwrap_err();
    assert_eq!(err.input(), "a b");
    let err: Box<dyn std::error::Error> = Box::new(err);
    assert_eq!(err.to_string(), "missing operator at 2");
}

#[test]
fn render_points_at_the_offset_in_chars() {
    let cases: Vec<(String, String)> = vec![
        (
            "gpu & (flux | )".into(),
            "gpu & (flux | )\n              ^ unexpected ')' at 14".into(),
        ),
        (
            "日本 & (".into(),
            "日本 & (\n      ^ unexpected end of input at 10: expected a tag".into(),
        ),
        (
            "a &\n(b | )\nc".into(),
            "(b | )\n     ^ unexpected ')' at 9".into(),
        ),
        ("a &\r\n)\r\n".into(), ")\n^ unexpected ')' at 5".into()),
        ("a\t& )".into(), "a\t& )\n \t  ^ unexpected ')' at 4".into()),
        (
            "a\0b".into(),
            "a\u{FFFD}b\n ^ control character in tag at 1".into(),
        ),
        ("\"ab".into(), "\"ab\n^ unterminated quote at 0".into()),
        (
            format!("{})", "ab & ".repeat(20)),
            format!(
                "…{})\n{}^ unexpected ')' at 100",
                &"ab & ".repeat(20)[40..],
                " ".repeat(61)
            ),
        ),
        (
            format!("){}", " x".repeat(40)),
            format!("){}…\n^ unexpected ')' at 0", &" x".repeat(40)[..59]),
        ),
    ];
    for (input, want) in cases {
        let err = Expression::parse(&input).unwrap_err();
        assert_eq!(err.render(), want, "input {input:?}");
    }
    // A too-long input is rendered from its kept prefix, cut around the caret.
    let err = Expression::parse(&"a".repeat(20_000)).unwrap_err();
    assert_eq!(err.input().len(), MAX_EXPRESSION_BYTES);
    let rendered = err.render();
    assert_eq!(
        rendered,
        format!(
            "…{}\n{}^ input longer than 8192 bytes at 8192",
            "a".repeat(60),
            " ".repeat(61)
        )
    );
}

#[test]
fn eval_tagged_runners() {
    // (expression, runner tags, runner type, expected)
    let cases: &[(&str, &[&str], Option<&str>, bool)] = &[
        ("", &["a"], Some("pro"), true),
        ("", &[], None, true),
        ("a", &["a"], None, true),
        ("a", &["b"], None, false),
        ("a", &["A"], None, false),
        ("a, b", &["a", "b", "c"], None, true),
        ("a, b", &["a", "c"], None, false),
        ("a | b", &["b"], None, true),
        ("a | b", &["c"], None, false),
        ("!a", &["b"], None, true),
        ("!a", &["a", "b"], None, false),
        ("!!a", &["a"], None, true),
        ("a & !b", &["a"], None, true),
        ("a & !b", &["a", "b"], None, false),
        ("!(a & b)", &["a"], None, true),
        ("!(a & b)", &["a", "b"], None, false),
        ("!(a | b)", &["c"], None, true),
        ("!(a | b)", &["b"], None, false),
        ("a | b & c", &["a"], None, true),
        ("a | b & c", &["b"], None, false),
        ("a | b, c", &["a"], None, false),
        ("a | b, c", &["b", "c"], None, true),
        ("gpu-*", &["gpu-a100"], None, true),
        ("gpu-*", &["gpu"], None, false),
        ("\"gpu-*\"", &["gpu-a100"], None, false),
        ("\"gpu-*\"", &["gpu-*"], None, true),
        ("sdxl?", &["sdxl1"], None, true),
        ("sdxl?", &["sdxl"], None, false),
        ("日?", &["日本"], None, true),
        ("!dev-*", &["dev-1"], None, false),
        ("!dev-*", &["prod"], None, true),
        ("*", &["x"], None, true),
        ("!*", &["x"], None, false),
        (
            "gpu-* & (flux | sdxl) & !development",
            &["gpu-a100", "sdxl"],
            Some("pro"),
            true,
        ),
        (
            "gpu-* & (flux | sdxl) & !development",
            &["gpu-a100", "sdxl", "development"],
            Some("pro"),
            false,
        ),
        ("type:pro", &["a"], Some("pro"), true),
        ("type:pro", &["a"], Some("plus"), false),
        ("type:pro", &["a"], None, false),
        ("type:plus | type:pro", &["a"], Some("plus"), true),
        ("type:p*", &["a"], Some("plus"), true),
        ("type:*", &["a"], None, false),
        ("!type:*", &["a"], None, true),
        ("!type:pro", &["a"], Some("plus"), true),
        ("!type:pro", &["a"], Some("pro"), false),
        ("\"type:pro\"", &["type:pro"], Some("plus"), true),
        ("type:gpu", &["gpu"], Some("plus"), false),
        ("a, type:pro", &["a"], Some("pro"), true),
        ("a, type:pro", &["b"], Some("pro"), false),
        ("type:future", &["a"], Some("future"), true),
    ];
    for &(input, runner_tags, runner_type, want) in cases {
        let expr = Expression::parse(input).unwrap();
        assert_eq!(
            expr.eval(&tags(runner_tags), runner_type),
            want,
            "{input:?} on {runner_tags:?} {runner_type:?}"
        );
    }
}

#[test]
fn untagged_runners_are_wildcards_except_for_type() {
    // (expression, runner type, expected) for a runner with no tags
    let cases: &[(&str, Option<&str>, bool)] = &[
        ("a", None, true),
        ("a, b", Some("plus"), true),
        ("!a", None, true),
        ("a & !a", None, true),
        ("gpu-* & (flux | sdxl) & !development", None, true),
        ("!(a | b)", None, true),
        ("*", None, true),
        ("!*", None, true),
        ("type:pro", Some("pro"), true),
        ("type:pro", Some("plus"), false),
        ("type:pro", None, false),
        ("a, type:pro", Some("pro"), true),
        ("a, type:pro", Some("plus"), false),
        ("a | type:pro", Some("plus"), true),
        ("!type:pro", Some("plus"), true),
        ("!type:pro", Some("pro"), false),
        ("!type:*", None, true),
        ("!(gpu | type:pro)", Some("plus"), true),
        ("!(gpu | type:pro)", Some("pro"), false),
        ("!(gpu & type:pro)", Some("pro"), true),
        ("!!type:pro", Some("pro"), true),
    ];
    for &(input, runner_type, want) in cases {
        let expr = Expression::parse(input).unwrap();
        assert_eq!(
            expr.eval(&[], runner_type),
            want,
            "{input:?} {runner_type:?}"
        );
        assert_eq!(expr.unmet(&[], runner_type).is_empty(), want);
    }
}

#[test]
fn unmet_explains_failed_top_level_clauses() {
    let unmet = |input: &str, runner_tags: &[&str], runner_type: Option<&str>| {
        Expression::parse(input)
            .unwrap()
            .unmet(&tags(runner_tags), runner_type)
    };
    assert_eq!(unmet("a, b", &["a", "b"], None), []);
    assert_eq!(
        unmet("a, b, a", &["c"], None),
        [Unmet::Missing("a".into()), Unmet::Missing("b".into())]
    );
    assert_eq!(
        unmet("gpu-*", &["cpu"], None),
        [Unmet::NoTagMatches("gpu-*".into())]
    );
    assert_eq!(
        unmet("!dev", &["dev"], None),
        [Unmet::Excluded("dev".into())]
    );
    assert_eq!(
        unmet("!dev-*", &["x", "dev-2"], None),
        [Unmet::Excluded("dev-2".into())]
    );
    assert_eq!(
        unmet("type:pro", &["a"], None),
        [Unmet::TypeMismatch {
            wanted: "pro".into(),
            actual: None
        }]
    );
    assert_eq!(
        unmet("a, type:pro", &[], Some("plus")),
        [Unmet::TypeMismatch {
            wanted: "pro".into(),
            actual: Some("plus".into())
        }]
    );
    assert_eq!(
        unmet(
            "x, flux|sdxl, !(a & b), !type:pro, !!c",
            &["a", "b", "x"],
            Some("pro")
        ),
        [
            Unmet::ClauseFailed("flux | sdxl".into()),
            Unmet::ClauseFailed("!(a & b)".into()),
            Unmet::ClauseFailed("!type:pro".into()),
            Unmet::ClauseFailed("!!c".into()),
        ]
    );
    assert_eq!(
        unmet("a | b", &["c"], None),
        [Unmet::ClauseFailed("a | b".into())]
    );

    let messages: Vec<String> = [
        Unmet::Missing("gpu".into()),
        Unmet::NoTagMatches("gpu-*".into()),
        Unmet::Excluded("dev".into()),
        Unmet::TypeMismatch {
            wanted: "pro".into(),
            actual: Some("plus".into()),
        },
        Unmet::TypeMismatch {
            wanted: "pro".into(),
            actual: None,
        },
        Unmet::ClauseFailed("a | b".into()),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        messages,
        [
            r#"missing tag "gpu""#,
            r#"no tag matches "gpu-*""#,
            r#"excluded tag "dev" is present"#,
            r#"runner type "plus" does not match "pro""#,
            r#"self-hosted runner has no type, wanted "pro""#,
            "clause not satisfied: a | b",
        ]
    );
}

#[test]
fn plain_tags_keep_the_comma_list_meaning() {
    let cases: &[(&str, Option<&[&str]>)] = &[
        ("", Some(&[])),
        ("a", Some(&["a"])),
        ("gpu-a100, flux, gpu-a100", Some(&["gpu-a100", "flux"])),
        ("a & b && a", Some(&["a", "b"])),
        ("(a, b), c", Some(&["a", "b", "c"])),
        ("\"type:pro\", \"50*\"", Some(&["type:pro", "50*"])),
        ("日本, ünïcode", Some(&["日本", "ünïcode"])),
        ("a | b", None),
        ("a, !b", None),
        ("a, b*", None),
        ("a, type:pro", None),
        ("(a | b), c", None),
        ("\"a,b\"", None),
        ("\" a\"", None),
    ];
    for &(input, want) in cases {
        let expr = Expression::parse(input).unwrap();
        let got = expr.as_plain_tags();
        assert_eq!(got.as_deref(), want.map(tags).as_deref(), "{input:?}");
        if let Some(plain) = got {
            let req = Requirements::from_tags(&plain).unwrap();
            assert_eq!(req.tags(), plain.as_slice());
        }
    }
    // Every comma list both accept means the same thing.
    for input in ["gpu-a100, flux", "a,b,a", "  x ,y", "日本"] {
        let req: Requirements = input.parse().unwrap();
        let expr: Expression = input.parse().unwrap();
        assert_eq!(expr.as_plain_tags().as_deref(), Some(req.tags()));
    }
}

#[test]
fn equality_ignores_the_source_spelling() {
    let a: Expression = "a,b".parse().unwrap();
    let b: Expression = "(a && b)".parse().unwrap();
    assert_eq!(a, b);
    assert_ne!(a.source(), b.source());
    assert_ne!(a, "b, a".parse::<Expression>().unwrap());
    let set: std::collections::HashSet<Expression> = [a, b].into_iter().collect();
    assert_eq!(set.len(), 1);
}
