//! Tokens of the expression language, and the inverse: writing a syntax tree back as
//! tokens in canonical form (tags quoted only when they would not lex back as themselves).

use std::fmt;

use super::parser::{ExpressionError, ExpressionErrorKind};
use super::ExpressionNode;
use crate::requirements::MAX_TAG_BYTES;

/// Characters that end a bare word (besides whitespace).
const OPERATOR_CHARS: [char; 7] = ['&', '|', '!', '(', ')', ',', '"'];

/// The prefix that turns a bare word into a runner-type constraint.
pub(super) const TYPE_PREFIX: &str = "type:";

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TokenKind {
    /// `&` or `&&` (the text as written).
    And(&'static str),
    /// `|` or `||` (the text as written).
    Or(&'static str),
    /// `!`
    Not,
    /// `(`
    Open,
    /// `)`
    Close,
    /// `,`
    Comma,
    /// A bare word, verbatim: a tag, a glob pattern or a `type:` constraint.
    Word(String),
    /// A double-quoted tag, unescaped: always a literal tag.
    Quoted(String),
    /// The end of the input.
    End,
}

impl TokenKind {
    /// `true` for tokens that can begin an operand.
    pub(super) fn starts_operand(&self) -> bool {
        matches!(
            self,
            Self::Not | Self::Open | Self::Word(_) | Self::Quoted(_)
        )
    }

    /// How the token is quoted in an "unexpected …" message.
    pub(super) fn text(&self) -> &str {
        match self {
            Self::And(op) | Self::Or(op) => op,
            Self::Not => "!",
            Self::Open => "(",
            Self::Close => ")",
            Self::Comma => ",",
            Self::Word(word) | Self::Quoted(word) => word,
            Self::End => "",
        }
    }
}

/// A token and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    pub(super) kind: TokenKind,
    pub(super) offset: usize,
}

/// Splits the input into tokens on demand, so that errors surface in input order.
#[derive(Debug)]
pub(super) struct Lexer<'a> {
    input: &'a str,
    /// Byte offset of the next unread character; always a char boundary.
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(input: &'a str) -> Self {
        Self { input, pos: 0 }
    }

    pub(super) fn error(&self, offset: usize, kind: ExpressionErrorKind) -> ExpressionError {
        ExpressionError::new(self.input, offset, kind)
    }

    /// The next token; [`TokenKind::End`] forever once the input is exhausted.
    pub(super) fn next_token(&mut self) -> Result<Token, ExpressionError> {
        let rest = &self.input[self.pos..];
        let trimmed = rest.trim_start();
        self.pos += rest.len() - trimmed.len();
        let offset = self.pos;
        let (kind, len) = match trimmed.chars().next() {
            None => (TokenKind::End, 0),
            Some('&') if trimmed.starts_with("&&") => (TokenKind::And("&&"), 2),
            Some('&') => (TokenKind::And("&"), 1),
            Some('|') if trimmed.starts_with("||") => (TokenKind::Or("||"), 2),
            Some('|') => (TokenKind::Or("|"), 1),
            Some('!') => (TokenKind::Not, 1),
            Some('(') => (TokenKind::Open, 1),
            Some(')') => (TokenKind::Close, 1),
            Some(',') => (TokenKind::Comma, 1),
            Some('"') => return self.quoted(offset),
            Some(_) => return self.word(offset),
        };
        self.pos += len;
        Ok(Token { kind, offset })
    }

    fn word(&mut self, start: usize) -> Result<Token, ExpressionError> {
        let rest = &self.input[start..];
        let len = rest
            .find(|c: char| c.is_whitespace() || OPERATOR_CHARS.contains(&c))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        if let Some((at, _)) = word.char_indices().find(|(_, c)| c.is_control()) {
            return Err(self.error(start + at, ExpressionErrorKind::ControlCharacter));
        }
        if word.len() > MAX_TAG_BYTES {
            return Err(self.error(start, ExpressionErrorKind::TagTooLong));
        }
        self.pos = start + len;
        Ok(Token {
            kind: TokenKind::Word(word.to_owned()),
            offset: start,
        })
    }

    fn quoted(&mut self, start: usize) -> Result<Token, ExpressionError> {
        let body = start + 1; // just after the opening quote
        let mut value = String::new();
        let mut chars = self.input[body..].char_indices();
        while let Some((at, c)) = chars.next() {
            let at = body + at;
            match c {
                '"' => {
                    self.pos = at + 1;
                    return if value.trim().is_empty() {
                        Err(self.error(start, ExpressionErrorKind::EmptyTag))
                    } else if value.len() > MAX_TAG_BYTES {
                        Err(self.error(start, ExpressionErrorKind::TagTooLong))
                    } else {
                        Ok(Token {
                            kind: TokenKind::Quoted(value),
                            offset: start,
                        })
                    };
                }
                '\\' => match chars.next() {
                    Some((_, escaped @ ('"' | '\\'))) => value.push(escaped),
                    Some((_, other)) => {
                        return Err(self.error(at, ExpressionErrorKind::InvalidEscape(other)))
                    }
                    None => break,
                },
                c if c.is_control() => {
                    return Err(self.error(at, ExpressionErrorKind::ControlCharacter))
                }
                c => value.push(c),
            }
        }
        Err(self.error(start, ExpressionErrorKind::UnterminatedQuote))
    }
}

/// `true` when `tag`, written bare, would not lex back as the same literal tag.
fn needs_quotes(tag: &str) -> bool {
    tag.is_empty()
        || tag.starts_with(TYPE_PREFIX)
        || tag.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || c == '*'
                || c == '?'
                || OPERATOR_CHARS.contains(&c)
        })
}

/// Writes a literal tag: bare when that is unambiguous, otherwise double-quoted with
/// `"` and `\` escaped.
pub(super) fn write_tag(f: &mut fmt::Formatter<'_>, tag: &str) -> fmt::Result {
    if !needs_quotes(tag) {
        return f.write_str(tag);
    }
    f.write_str("\"")?;
    for c in tag.chars() {
        if c == '"' || c == '\\' {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    f.write_str("\"")
}

impl ExpressionNode {
    /// Binding strength: OR 1, AND 2, everything else 3.
    fn precedence(&self) -> u8 {
        match self {
            Self::Or(_) => 1,
            Self::And(_) => 2,
            _ => 3,
        }
    }

    /// Writes `self` as an operand of an operator of precedence `outer`.
    fn fmt_operand(&self, f: &mut fmt::Formatter<'_>, outer: u8) -> fmt::Result {
        if self.precedence() < outer {
            write!(f, "({self})")
        } else {
            fmt::Display::fmt(self, f)
        }
    }
}

impl fmt::Display for ExpressionNode {
    /// This subtree in canonical form (see [`Expression`](super::Expression)'s `Display`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (items, separator, outer) = match self {
            Self::Tag(tag) => return write_tag(f, tag),
            Self::Glob(pattern) => return f.write_str(pattern),
            Self::Type(pattern) => return write!(f, "{}{pattern}", TYPE_PREFIX),
            Self::Not(inner) => {
                f.write_str("!")?;
                return inner.fmt_operand(f, 3);
            }
            Self::And(items) => (items, " & ", 2),
            Self::Or(items) => (items, " | ", 1),
        };
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                f.write_str(separator)?;
            }
            item.fmt_operand(f, outer)?;
        }
        Ok(())
    }
}
