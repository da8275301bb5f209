//! Recursive-descent parser (recursion bounded by [`MAX_EXPRESSION_DEPTH`]) and its
//! error type.

use std::fmt;

use super::glob::is_glob;
use super::lexer::{Lexer, Token, TokenKind, TYPE_PREFIX};
use super::{ExpressionNode, MAX_EXPRESSION_BYTES, MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_TERMS};
use crate::requirements::MAX_TAG_BYTES;

/// Why a string is not a requirement expression.
///
/// `Display` names the problem and the byte offset where it was found, such as
/// `unexpected ')' at 14` or `unexpected end of input at 5: expected a tag`;
/// [`render`](Self::render) points at it under the input line.
///
/// ```
/// # use runner_match::{Expression, ExpressionErrorKind};
/// let err = Expression::parse("gpu & (flux | )").unwrap_err();
/// assert_eq!(err.to_string(), "unexpected ')' at 14");
/// assert_eq!(err.offset, 14);
/// assert_eq!(err.kind, ExpressionErrorKind::UnexpectedToken(")".into()));
/// assert_eq!(err.render(), "gpu & (flux | )\n              ^ unexpected ')' at 14");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpressionError {
    /// Byte offset into the input where the problem was found (a char boundary).
    pub offset: usize,
    /// What is wrong.
    pub kind: ExpressionErrorKind,
    /// The rejected input (only its first [`MAX_EXPRESSION_BYTES`] when it is longer).
    input: String,
}

/// What is wrong with an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpressionErrorKind {
    /// An operator or parenthesis where it cannot stand (the token, e.g. `")"`, `"&&"`).
    UnexpectedToken(String),
    /// The input ended where a tag (or `!`, `(`) was expected.
    UnexpectedEnd,
    /// The input ended inside parentheses; `open` is the offset of the unclosed `(`.
    UnclosedParen {
        /// Byte offset of the `(` that is never closed.
        open: usize,
    },
    /// Two operands in a row (`gpu a100`, `a (b)`): tags cannot contain whitespace
    /// unless quoted.
    MissingOperator,
    /// A `"` that is never closed (the offset is the opening quote's).
    UnterminatedQuote,
    /// A backslash escape other than `\"` and `\\` inside quotes.
    InvalidEscape(char),
    /// An empty tag: `""`, or nothing between commas (`a,,b`, `a,`).
    EmptyTag,
    /// `type:` with no type name.
    EmptyType,
    /// A control character (NUL, a newline inside quotes, …) in a tag.
    ControlCharacter,
    /// A tag longer than [`MAX_TAG_BYTES`] bytes.
    TagTooLong,
    /// The input is longer than [`MAX_EXPRESSION_BYTES`].
    TooLong,
    /// Parentheses and `!` nested deeper than [`MAX_EXPRESSION_DEPTH`], in the input or
    /// in its canonical form (which parenthesizes an OR inside an AND).
    TooDeep,
    /// More than [`MAX_EXPRESSION_TERMS`] tags, patterns and type constraints.
    TooManyTerms,
}

impl ExpressionError {
    pub(super) fn new(input: &str, offset: usize, kind: ExpressionErrorKind) -> Self {
        let kept = floor_char_boundary(input, MAX_EXPRESSION_BYTES);
        Self {
            offset: floor_char_boundary(input, offset),
            kind,
            input: input[..kept].to_owned(),
        }
    }

    /// The rejected input (cut after [`MAX_EXPRESSION_BYTES`] bytes).
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The input line holding the error, a caret under the offending character
    /// (counted in characters, so non-ASCII input lines up), and the message. Long lines
    /// are cut to 60 characters either side of the caret; control characters show as `�`.
    pub fn render(&self) -> String {
        const WINDOW: usize = 60;
        let input = self.input.as_str();
        let offset = floor_char_boundary(input, self.offset);
        let start = input[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = input[offset..]
            .find('\n')
            .map_or(input.len(), |i| offset + i);
        let before: Vec<char> = input[start..offset].chars().collect();
        let after = input[offset..end].trim_end_matches('\r');
        let (mut line, mut caret) = (String::new(), String::new());
        let skip = before.len().saturating_sub(WINDOW);
        if skip > 0 {
            line.push('…');
            caret.push(' ');
        }
        for &c in &before[skip..] {
            line.push(shown(c));
            caret.push(if c == '\t' { '\t' } else { ' ' });
        }
        line.extend(after.chars().take(WINDOW).map(shown));
        if after.chars().nth(WINDOW).is_some() {
            line.push('…');
        }
        format!("{line}\n{caret}^ {self}")
    }
}

fn shown(c: char) -> char {
    if c.is_control() && c != '\t' {
        '\u{FFFD}'
    } else {
        c
    }
}

/// The largest char boundary of `s` at or below `index`.
fn floor_char_boundary(s: &str, index: usize) -> usize {
    let mut index = index.min(s.len());
    while !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

impl fmt::Display for ExpressionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ExpressionErrorKind as K;
        let at = self.offset;
        match &self.kind {
            K::UnexpectedToken(token) => write!(f, "unexpected '{token}' at {at}"),
            K::UnexpectedEnd => write!(f, "unexpected end of input at {at}: expected a tag"),
            K::UnclosedParen { open } => write!(
                f,
                "unexpected end of input at {at}: expected ')' to close '(' at {open}"
            ),
            K::MissingOperator => write!(f, "missing operator at {at}"),
            K::UnterminatedQuote => write!(f, "unterminated quote at {at}"),
            K::InvalidEscape(c) => write!(f, "invalid escape '\\{}' at {at}", c.escape_debug()),
            K::EmptyTag => write!(f, "empty tag at {at}"),
            K::EmptyType => write!(f, "empty runner type at {at}"),
            K::ControlCharacter => write!(f, "control character in tag at {at}"),
            K::TagTooLong => write!(f, "tag longer than {MAX_TAG_BYTES} bytes at {at}"),
            K::TooLong => write!(f, "input longer than {MAX_EXPRESSION_BYTES} bytes at {at}"),
            K::TooDeep => write!(f, "nesting deeper than {MAX_EXPRESSION_DEPTH} at {at}"),
            K::TooManyTerms => write!(f, "more than {MAX_EXPRESSION_TERMS} terms at {at}"),
        }
    }
}

impl std::error::Error for ExpressionError {}

/// Parses a whole expression into its (flattened) syntax tree.
pub(super) fn parse(input: &str) -> Result<ExpressionNode, ExpressionError> {
    if input.len() > MAX_EXPRESSION_BYTES {
        let at = floor_char_boundary(input, MAX_EXPRESSION_BYTES);
        return Err(ExpressionError::new(
            input,
            at,
            ExpressionErrorKind::TooLong,
        ));
    }
    if input.trim().is_empty() {
        return Ok(ExpressionNode::And(Vec::new()));
    }
    let mut parser = Parser {
        lexer: Lexer::new(input),
        peeked: None,
        depth: 0,
        terms: 0,
    };
    let root = parser.clauses()?;
    let next = parser.bump()?;
    if next.kind != TokenKind::End {
        return Err(parser.misplaced(next));
    }
    // The canonical form may nest deeper than the input (`!(a | b, c)` prints as
    // `!((a | b) & c)`): reject what would not parse back, at its innermost `(` or `!`.
    if root.depth > MAX_EXPRESSION_DEPTH {
        let at = root.deepest.unwrap_or(0);
        return Err(parser.error(at, ExpressionErrorKind::TooDeep));
    }
    Ok(root.node)
}

/// A parsed subtree with how deeply its canonical form nests `(` and `!`.
#[derive(Debug)]
struct Parsed {
    node: ExpressionNode,
    /// Nesting of `(` and `!` in the canonical form of `node` standing alone.
    depth: usize,
    /// The offset of the innermost `(` or `!` on a deepest path, if any.
    deepest: Option<usize>,
}

impl Parsed {
    fn leaf(node: ExpressionNode) -> Self {
        Self {
            node,
            depth: 0,
            deepest: None,
        }
    }

    /// The nesting this subtree adds as an operand of an AND (`and`) or an OR: an OR
    /// inside an AND is parenthesized; a node of the same kind is spliced in.
    fn depth_as_operand(&self, and: bool) -> usize {
        self.depth + usize::from(and && matches!(self.node, ExpressionNode::Or(_)))
    }
}

/// The operands of an AND or an OR being built, with the deepest canonical nesting.
#[derive(Debug, Default)]
struct Operands {
    items: Vec<ExpressionNode>,
    depth: usize,
    deepest: Option<usize>,
    /// The single operand, kept whole while it is the only one (it then stands alone).
    only: Option<Parsed>,
}

impl Operands {
    fn push(&mut self, parsed: Parsed, and: bool) {
        if let Some(first) = self.only.take() {
            self.add(first, and);
        } else if self.items.is_empty() {
            self.only = Some(parsed);
            return;
        }
        self.add(parsed, and);
    }

    fn add(&mut self, parsed: Parsed, and: bool) {
        let depth = parsed.depth_as_operand(and);
        if depth > self.depth || self.deepest.is_none() {
            self.depth = self.depth.max(depth);
            self.deepest = parsed.deepest.or(self.deepest);
        }
        push_flat(&mut self.items, parsed.node, and);
    }

    /// One operand stands for itself; several make an AND or an OR.
    fn finish(self, and: bool) -> Parsed {
        if let Some(only) = self.only {
            return only;
        }
        let node = if and {
            ExpressionNode::And(self.items)
        } else {
            ExpressionNode::Or(self.items)
        };
        Parsed {
            node,
            depth: self.depth,
            deepest: self.deepest,
        }
    }
}

#[derive(Debug)]
struct Parser<'a> {
    lexer: Lexer<'a>,
    peeked: Option<Token>,
    /// Enclosing `(` and `!` at the current point.
    depth: usize,
    /// Tags, patterns and type constraints so far.
    terms: usize,
}

impl Parser<'_> {
    fn peek(&mut self) -> Result<&Token, ExpressionError> {
        let token = match self.peeked.take() {
            Some(token) => token,
            None => self.lexer.next_token()?,
        };
        Ok(self.peeked.insert(token))
    }

    fn bump(&mut self) -> Result<Token, ExpressionError> {
        match self.peeked.take() {
            Some(token) => Ok(token),
            None => self.lexer.next_token(),
        }
    }

    fn error(&self, offset: usize, kind: ExpressionErrorKind) -> ExpressionError {
        self.lexer.error(offset, kind)
    }

    /// The error for a token that follows a complete operand but continues nothing.
    fn misplaced(&self, token: Token) -> ExpressionError {
        let kind = if token.kind.starts_operand() {
            ExpressionErrorKind::MissingOperator
        } else {
            ExpressionErrorKind::UnexpectedToken(token.kind.text().to_owned())
        };
        self.error(token.offset, kind)
    }

    /// `clauses = disjunction { "," disjunction }`: the comma list, an AND.
    fn clauses(&mut self) -> Result<Parsed, ExpressionError> {
        let mut items = Operands::default();
        let mut after_comma = false;
        loop {
            let token = self.peek()?;
            let empty = match token.kind {
                TokenKind::Comma => true,
                TokenKind::Close | TokenKind::End => after_comma,
                _ => false,
            };
            if empty {
                let offset = token.offset;
                return Err(self.error(offset, ExpressionErrorKind::EmptyTag));
            }
            let clause = self.disjunction()?;
            items.push(clause, true);
            if self.peek()?.kind != TokenKind::Comma {
                return Ok(items.finish(true));
            }
            self.bump()?;
            after_comma = true;
        }
    }

    /// `disjunction = conjunction { ("|" | "||") conjunction }`.
    fn disjunction(&mut self) -> Result<Parsed, ExpressionError> {
        let mut items = Operands::default();
        loop {
            let conjunction = self.conjunction()?;
            items.push(conjunction, false);
            if !matches!(self.peek()?.kind, TokenKind::Or(_)) {
                return Ok(items.finish(false));
            }
            self.bump()?;
        }
    }

    /// `conjunction = unary { ("&" | "&&") unary }`.
    fn conjunction(&mut self) -> Result<Parsed, ExpressionError> {
        let mut items = Operands::default();
        loop {
            let unary = self.unary()?;
            items.push(unary, true);
            if !matches!(self.peek()?.kind, TokenKind::And(_)) {
                return Ok(items.finish(true));
            }
            self.bump()?;
        }
    }

    /// `unary = "!" unary | "(" clauses ")" | term`.
    fn unary(&mut self) -> Result<Parsed, ExpressionError> {
        let token = self.bump()?;
        let offset = token.offset;
        match token.kind {
            TokenKind::Not => {
                self.enter(offset)?;
                let inner = self.unary()?;
                self.depth -= 1;
                // `!x`, or `!(…)` around an AND or an OR.
                let parens = matches!(inner.node, ExpressionNode::And(_) | ExpressionNode::Or(_));
                Ok(Parsed {
                    depth: 1 + usize::from(parens) + inner.depth,
                    deepest: inner.deepest.or(Some(offset)),
                    node: ExpressionNode::Not(Box::new(inner.node)),
                })
            }
            TokenKind::Open => {
                self.enter(offset)?;
                let inner = self.clauses()?;
                let close = self.bump()?;
                match close.kind {
                    TokenKind::Close => {}
                    TokenKind::End => {
                        let kind = ExpressionErrorKind::UnclosedParen { open: offset };
                        return Err(self.error(close.offset, kind));
                    }
                    _ => return Err(self.misplaced(close)),
                }
                self.depth -= 1;
                // The parentheses themselves are kept only where the canonical form
                // needs them, which its operator's parent accounts for.
                Ok(Parsed {
                    deepest: inner.deepest.or(Some(offset)),
                    ..inner
                })
            }
            TokenKind::Word(word) => {
                self.count_term(offset)?;
                if let Some(runner_type) = word.strip_prefix(TYPE_PREFIX) {
                    if runner_type.is_empty() {
                        return Err(self.error(offset, ExpressionErrorKind::EmptyType));
                    }
                    Ok(Parsed::leaf(ExpressionNode::Type(runner_type.to_owned())))
                } else if is_glob(&word) {
                    Ok(Parsed::leaf(ExpressionNode::Glob(word)))
                } else {
                    Ok(Parsed::leaf(ExpressionNode::Tag(word)))
                }
            }
            TokenKind::Quoted(tag) => {
                self.count_term(offset)?;
                Ok(Parsed::leaf(ExpressionNode::Tag(tag)))
            }
            TokenKind::End => Err(self.error(offset, ExpressionErrorKind::UnexpectedEnd)),
            other => {
                let kind = ExpressionErrorKind::UnexpectedToken(other.text().to_owned());
                Err(self.error(offset, kind))
            }
        }
    }

    fn enter(&mut self, offset: usize) -> Result<(), ExpressionError> {
        self.depth += 1;
        if self.depth > MAX_EXPRESSION_DEPTH {
            return Err(self.error(offset, ExpressionErrorKind::TooDeep));
        }
        Ok(())
    }

    fn count_term(&mut self, offset: usize) -> Result<(), ExpressionError> {
        self.terms += 1;
        if self.terms > MAX_EXPRESSION_TERMS {
            return Err(self.error(offset, ExpressionErrorKind::TooManyTerms));
        }
        Ok(())
    }
}

/// Appends `node` to the operands of an AND (`and = true`) or OR, splicing in the
/// operands of a node of the same kind (`a & (b & c)` is `a & b & c`).
fn push_flat(items: &mut Vec<ExpressionNode>, node: ExpressionNode, and: bool) {
    match node {
        ExpressionNode::And(inner) if and => items.extend(inner),
        ExpressionNode::Or(inner) if !and => items.extend(inner),
        other => items.push(other),
    }
}
