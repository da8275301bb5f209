//! The requirement and expression parser target.

use runner_match::{
    Expression, ExpressionError, ExpressionErrorKind, ExpressionNode, RequirementError,
    Requirements, TagProblem, MAX_EXPRESSION_BYTES, MAX_EXPRESSION_DEPTH,
};

use crate::reference::{self, BadTag, Problem};

/// How many leaves of an expression feed the sample runners it is evaluated on.
const SAMPLE_LEAVES: usize = 8;

/// The most runner types an expression is evaluated with: self-hosted, `pro`, and
/// instances of its first `type:` patterns.
const MAX_SAMPLE_TYPES: usize = 4;

/// Above this many leaves an expression is evaluated on fewer sample runners: `unmet`
/// is quadratic in the number of clauses, and big inputs would slow fuzzing down.
const BIG_EXPRESSION: usize = 64;

/// The most characters a `TagError` repeats of its input, plus the ellipsis.
const MAX_QUOTED_CHARS: usize = 512 + 1;

/// See [`crate::parse_requirements`].
pub(crate) fn parse_requirements(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();

    let expression = Expression::parse(text);

    // `FromStr`: a plain comma list, or an expression when the text uses its syntax.
    let parsed = text.parse::<Requirements>();
    let expression_syntax = reference::looks_like_expression(text);
    assert_eq!(
        runner_match::looks_like_expression(text),
        expression_syntax,
        "looks_like_expression({text:?})"
    );
    if expression_syntax {
        // Checked below, as `Requirements::from_expression` of the parsed expression.
        match (&parsed, &expression) {
            (Ok(got), Ok(e)) => assert_eq!(got, &Requirements::from_expression(e.clone())),
            (Err(RequirementError::Expression(got)), Err(want)) => assert_eq!(got, want),
            _ => panic!("{text:?}: parsed {parsed:?}, as an expression {expression:?}"),
        }
    } else {
        check_plain(&parsed, reference::requirement_string(text));
        if let Ok(req) = &parsed {
            check_plain_list_as_expression(text, req);
        }
    }

    // A list is always literal tags, whatever characters they hold.
    let lines: Vec<&str> = text.split('\n').collect();
    let listed = Requirements::from_tags(&lines);
    check_plain(&listed, reference::requirement_tags(lines.iter().copied()));

    match expression {
        Ok(expression) => {
            check_expression(&expression);
            check_requirement_value(&Requirements::from_expression(expression));
        }
        Err(err) => check_expression_error(text, &err),
    }
}

/// A plain tag list from the core agrees with the reference; an accepted list
/// survives its string forms; an error describes the first bad tag.
fn check_plain(got: &Result<Requirements, RequirementError>, want: Result<Vec<String>, BadTag>) {
    match (got, want) {
        (Ok(req), Ok(tags)) => {
            assert_eq!(req.tags(), tags);
            assert!(req.expression().is_none(), "{req:?} is a plain list");
            check_requirement_value(req);
        }
        (Err(RequirementError::Tag(err)), Err(bad)) => {
            assert_eq!(err.position, bad.position, "{err}");
            assert_eq!(err.tag, bad.tag, "{err}");
            let kind = match err.kind {
                TagProblem::Empty => Problem::Empty,
                TagProblem::TooLong => Problem::TooLong,
                TagProblem::ControlCharacter => Problem::ControlCharacter,
                TagProblem::Comma => Problem::Comma,
                TagProblem::TooMany => Problem::TooMany,
                // A problem added later: nothing to compare it with.
                _ => return,
            };
            assert!(
                bad.problems.contains(&kind),
                "{err}: reported {kind:?}, the tag has {:?}",
                bad.problems
            );
            assert!(err.input.chars().count() <= MAX_QUOTED_CHARS, "{err}");
            let message = err.to_string();
            assert!(message.contains(&format!("at position {}", err.position)));
            let outer = got.as_ref().expect_err("an error");
            assert_eq!(outer.offset(), None);
            assert_eq!(outer.render(), message);
        }
        (got, want) => panic!("requirements: core {got:?}, reference {want:?}"),
    }
}

/// Invariants of any accepted `Requirements`: a plain list round-trips through its
/// comma string (read as ComfyControl reads it) and its tag list, and through
/// `Display` when that does not read as an expression; an expression requirement
/// round-trips through `Display` (its canonical form) and its `tags()` are carried by
/// every tagged runner it admits.
fn check_requirement_value(req: &Requirements) {
    assert!(req.preferences().is_empty());
    let shown = req.to_string();
    match req.expression() {
        None => {
            assert_eq!(req.is_wildcard(), req.tags().is_empty());
            // The comma form carries every tag it can keep (no comma, no space or tab
            // around it, which a comma string drops).
            let carried: Vec<String> = req
                .tags()
                .iter()
                .filter(|tag| tag.trim_matches([' ', '\t']) == tag.as_str())
                .cloned()
                .collect();
            let comma = reference::requirement_string(&req.to_comma_string());
            assert_eq!(comma, Ok(carried), "to_comma_string of {req:?}");
            assert_eq!(Requirements::from_tags(req.tags()).as_ref(), Ok(req));
            // Display parses back, also when tags hold expression syntax (finding 3).
            assert_eq!(shown.parse::<Requirements>().as_ref(), Ok(req), "{shown:?}");
        }
        Some(expression) => {
            assert!(expression.as_plain_tags().is_none(), "{shown:?} is plain");
            assert_eq!(shown, expression.to_string());
            assert_eq!(req.is_wildcard(), expression.is_wildcard());
            assert!(!exceeds_canonical_depth(expression.root()), "{shown:?}");
            if shown.len() <= MAX_EXPRESSION_BYTES {
                assert_eq!(shown.parse::<Requirements>().as_ref(), Ok(req), "{shown:?}");
            }
            for (tags, runner_type) in sample_runners(expression.root()) {
                if !tags.is_empty() && expression.eval(&tags, runner_type.as_deref()) {
                    for tag in req.tags() {
                        assert!(
                            tags.contains(tag),
                            "{shown:?} admits {tags:?} without {tag:?}"
                        );
                    }
                }
            }
        }
    }
}

/// `true` when the expression language reads `tag` bare as that literal tag (see the
/// grammar on `Expression`: a word without operator characters, globs or `type:`).
fn is_bare_word(tag: &str) -> bool {
    !tag.starts_with("type:")
        && !tag
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "&|!(),\"*?".contains(c))
}

/// "A plain `a, b` is exactly the comma list": a comma list of bare words parses as an
/// expression with the same (plain) tags.
fn check_plain_list_as_expression(text: &str, req: &Requirements) {
    if text.len() > MAX_EXPRESSION_BYTES || !req.tags().iter().all(|tag| is_bare_word(tag)) {
        return;
    }
    // The comma list trims with `str::trim`; the expression lexer splits on whitespace.
    // Both are Unicode White_Space, so a list of bare words reads the same.
    let expression = Expression::parse(text)
        .unwrap_or_else(|err| panic!("comma list {text:?} is not an expression: {err}"));
    assert_eq!(expression.as_plain_tags().as_deref(), Some(req.tags()));
    assert_eq!(expression.is_wildcard(), req.is_wildcard());
}

/// An accepted expression: canonical form round trip, agreement with the reference
/// evaluator on sample runners, `unmet` consistent with `eval`, plain tags meaning
/// the same as `Requirements`.
pub(crate) fn check_expression(expression: &Expression) {
    let canonical = expression.to_string();
    // The parser accepts only what its canonical form can nest (finding 1, fixed).
    assert!(!exceeds_canonical_depth(expression.root()), "{canonical:?}");
    if canonical.len() <= MAX_EXPRESSION_BYTES {
        let again = Expression::parse(&canonical).unwrap_or_else(|err| {
            panic!(
                "canonical form {canonical:?} of {:?} does not parse: {err}",
                expression.source()
            )
        });
        assert_eq!(&again, expression, "canonical form {canonical:?}");
        assert_eq!(again.to_string(), canonical, "canonical form is not stable");
    }
    let plain = expression.as_plain_tags();
    if let Some(tags) = &plain {
        let req = Requirements::from_tags(tags)
            .unwrap_or_else(|err| panic!("plain tags {tags:?} are not requirements: {err}"));
        assert_eq!(req.tags(), tags.as_slice());
    }
    let meaning = reference::Meaning::of(expression.root());
    for (tags, runner_type) in sample_runners(expression.root()) {
        let got = expression.eval(&tags, runner_type.as_deref());
        if let Some(meaning) = &meaning {
            let kind = runner_type.as_deref();
            assert_eq!(
                got,
                meaning.eval(&tags, kind),
                "eval of {:?} on tags {tags:?}, type {kind:?}",
                expression.source()
            );
            assert_eq!(
                expression.eval_strict(&tags, kind),
                meaning.eval_strict(&tags, kind),
                "eval_strict of {:?} on tags {tags:?}, type {kind:?}",
                expression.source()
            );
        }
        let unmet = expression.unmet(&tags, runner_type.as_deref());
        assert_eq!(unmet.is_empty(), got, "unmet {unmet:?} vs eval {got}");
        for why in &unmet {
            let _ = why.to_string();
        }
        if let Some(plain) = &plain {
            // The README's rule for a plain list, status aside.
            let want = tags.is_empty() || plain.iter().all(|tag| tags.contains(tag));
            assert_eq!(got, want, "plain {plain:?} on tags {tags:?}");
        }
    }
}

/// Runner tag sets and types on which to evaluate an expression: untagged, each leaf
/// satisfied alone, all leaves, all but one, and tags no leaf names.
fn sample_runners(root: &ExpressionNode) -> Vec<(Vec<String>, Option<String>)> {
    let mut leaves = Vec::new();
    reference::leaves(root, &mut leaves);
    let big = leaves.len() > BIG_EXPRESSION;
    leaves.truncate(SAMPLE_LEAVES);
    // A tag each tag or glob leaf holds for: the tag itself, or the pattern with `*`
    // matching nothing and `?` matching `x`.
    let mut hits: Vec<String> = Vec::new();
    let mut types: Vec<Option<String>> = vec![None, Some("pro".into())];
    for leaf in leaves {
        match leaf {
            ExpressionNode::Tag(tag) => hits.push(tag.clone()),
            ExpressionNode::Glob(pattern) => hits.push(instance(pattern)),
            ExpressionNode::Type(pattern) if types.len() < MAX_SAMPLE_TYPES => {
                types.push(Some(instance(pattern)));
            }
            _ => {}
        }
    }
    if big {
        // Untagged and the first leaves at once, with a few types.
        types.truncate(2);
        return [Vec::new(), hits]
            .into_iter()
            .flat_map(|tags| types.iter().map(move |t| (tags.clone(), t.clone())))
            .collect();
    }
    let mut sets: Vec<Vec<String>> = vec![Vec::new(), vec!["\u{1}unrelated".to_owned()]];
    for hit in &hits {
        sets.push(vec![hit.clone()]);
    }
    sets.push(hits.clone());
    if hits.len() > 1 {
        sets.push(hits[1..].to_vec());
        sets.push(hits[..hits.len() - 1].to_vec());
    }
    let mut samples = Vec::new();
    for tags in sets {
        for runner_type in &types {
            samples.push((tags.clone(), runner_type.clone()));
        }
    }
    samples
}

/// A text a glob pattern matches: `*` as nothing, `?` as `x`.
fn instance(pattern: &str) -> String {
    pattern
        .chars()
        .filter(|&c| c != '*')
        .map(|c| if c == '?' { 'x' } else { c })
        .collect()
}

/// How deep the canonical form of `node` nests `(` and `!`, as the parser counts.
fn canonical_depth(node: &ExpressionNode, outer: u8) -> usize {
    let precedence = |node: &ExpressionNode| match node {
        ExpressionNode::Or(_) => 1,
        ExpressionNode::And(_) => 2,
        _ => 3,
    };
    let parens = usize::from(precedence(node) < outer);
    parens
        + match node {
            ExpressionNode::Not(inner) => 1 + canonical_depth(inner, 3),
            ExpressionNode::And(items) => items
                .iter()
                .map(|i| canonical_depth(i, 2))
                .max()
                .unwrap_or(0),
            ExpressionNode::Or(items) => items
                .iter()
                .map(|i| canonical_depth(i, 1))
                .max()
                .unwrap_or(0),
            _ => 0,
        }
}

/// `true` when the canonical form of `node` nests deeper than [`MAX_EXPRESSION_DEPTH`]
/// and so could not parse back. The canonical form may add parentheses (`!(a | b, c)`
/// prints as `!((a | b) & c)`), so the parser must reject such input (finding 1, fixed
/// in the core): no accepted expression may exceed it.
pub(crate) fn exceeds_canonical_depth(node: &ExpressionNode) -> bool {
    canonical_depth(node, 0) > MAX_EXPRESSION_DEPTH
}

/// A rejected expression: the offset is a char boundary within the input, the error
/// points at what it names, and rendering never panics.
fn check_expression_error(text: &str, err: &ExpressionError) {
    assert!(
        err.offset <= text.len(),
        "offset {} past the input",
        err.offset
    );
    assert!(
        text.is_char_boundary(err.offset),
        "offset {} splits a char",
        err.offset
    );
    let kept = err.input();
    assert!(text.starts_with(kept), "error input is not a prefix");
    assert!(kept.len() <= MAX_EXPRESSION_BYTES);
    if text.len() <= MAX_EXPRESSION_BYTES {
        assert_eq!(kept, text);
    }
    let rest = &text[err.offset..];
    match &err.kind {
        ExpressionErrorKind::UnexpectedToken(token) => {
            assert!(
                !token.is_empty() && rest.starts_with(token.as_str()),
                "{err}"
            );
        }
        ExpressionErrorKind::UnclosedParen { open } => {
            assert_eq!(text.as_bytes().get(*open), Some(&b'('), "{err}");
        }
        ExpressionErrorKind::UnterminatedQuote => assert!(rest.starts_with('"'), "{err}"),
        ExpressionErrorKind::InvalidEscape(_) => assert!(rest.starts_with('\\'), "{err}"),
        ExpressionErrorKind::TooDeep => assert!(rest.starts_with(['(', '!']), "{err}"),
        ExpressionErrorKind::TooLong => assert!(text.len() > MAX_EXPRESSION_BYTES),
        _ => {}
    }
    let message = err.to_string();
    assert!(message.contains(&format!("at {}", err.offset)), "{message}");
    let rendered = err.render();
    assert!(rendered.ends_with(&message), "{rendered:?}");
}
