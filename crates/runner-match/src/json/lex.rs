//! The reader's lexing: whitespace, literals, strings with their escapes, numbers,
//! keys, skipping whole values, and the errors that say where.

use std::borrow::Cow;
use std::fmt;

use super::{JsonError, Reader, MAX_DEPTH};

impl<'de> Reader<'de> {
    /// The text is not well-formed JSON: `what` is wrong here.
    pub(super) fn syntax_error(&self, what: &str) -> JsonError {
        self.error_here(what.to_owned(), true)
    }

    /// The text is JSON of the wrong shape.
    pub(crate) fn data_error(&self, message: String) -> JsonError {
        self.error_here(message, false)
    }

    fn error_here(&self, message: String, syntax: bool) -> JsonError {
        let (line, column) = self.line_column();
        JsonError {
            message,
            syntax,
            line,
            column,
        }
    }

    /// The 1-based line of the last byte read, and its column (counted as serde_json
    /// does: the bytes read on that line).
    pub(super) fn line_column(&self) -> (usize, usize) {
        let read = &self.text.as_bytes()[..self.at];
        let line_start = read
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |at| at + 1);
        let line = 1 + read.iter().filter(|&&b| b == b'\n').count();
        (line, self.at - line_start)
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    pub(super) fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// The next non-space byte, not consumed; an EOF error naming `what` when none.
    pub(super) fn next(&mut self, what: &str) -> Result<u8, JsonError> {
        self.skip_space();
        self.peek()
            .ok_or_else(|| self.syntax_error(&format!("EOF while parsing {what}")))
    }

    pub(super) fn expect(&mut self, word: &str) -> Result<(), JsonError> {
        match self.text[self.at..].starts_with(word) {
            true => {
                self.at += word.len();
                Ok(())
            }
            false if self.text.len() - self.at < word.len() => {
                Err(self.syntax_error("EOF while parsing a value"))
            }
            false => Err(self.syntax_error("expected ident")),
        }
    }

    pub(super) fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        match self.depth > MAX_DEPTH {
            true => Err(self.syntax_error("recursion limit exceeded")),
            false => Ok(()),
        }
    }

    /// A string after its opening quote: borrowed when it has no escape.
    pub(super) fn string(&mut self) -> Result<Cow<'de, str>, JsonError> {
        let text = self.text;
        let bytes = text.as_bytes();
        let start = self.at;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            let Some(&byte) = bytes.get(self.at) else {
                return Err(self.syntax_error("EOF while parsing a string"));
            };
            match byte {
                b'"' => {
                    let tail = &text[run..self.at];
                    self.at += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(tail),
                        Some(mut out) => {
                            out.push_str(tail);
                            Cow::Owned(out)
                        }
                    });
                }
                b'\\' => {
                    let out = owned.get_or_insert_with(String::new);
                    out.push_str(&text[run..self.at]);
                    self.at += 1;
                    let escaped = self.escape()?;
                    owned.get_or_insert_with(String::new).push(escaped);
                    run = self.at;
                }
                0..=0x1f => {
                    return Err(self.syntax_error(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ))
                }
                _ => self.at += 1,
            }
        }
    }

    /// The character of an escape, after its backslash.
    pub(super) fn escape(&mut self) -> Result<char, JsonError> {
        let Some(byte) = self.peek() else {
            return Err(self.syntax_error("EOF while parsing a string"));
        };
        self.at += 1;
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                if !(0xD800..0xE000).contains(&high) {
                    return char::from_u32(high).ok_or_else(|| self.syntax_error("invalid escape"));
                }
                if high >= 0xDC00 || !self.text[self.at..].starts_with("\\u") {
                    return Err(self.syntax_error("lone surrogate in hex escape"));
                }
                self.at += 2;
                let low = self.hex4()?;
                if !(0xDC00..0xE000).contains(&low) {
                    return Err(self.syntax_error("lone surrogate in hex escape"));
                }
                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                char::from_u32(code).ok_or_else(|| self.syntax_error("invalid escape"))?
            }
            _ => return Err(self.syntax_error("invalid escape")),
        })
    }

    pub(super) fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .ok_or_else(|| self.syntax_error("EOF while parsing a string"))?;
        let value =
            u32::from_str_radix(digits, 16).map_err(|_| self.syntax_error("invalid escape"))?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.syntax_error("invalid escape"));
        }
        self.at += 4;
        Ok(value)
    }

    /// A number: an integer when it has neither fraction nor exponent and fits, else
    /// its text.
    pub(super) fn number(&mut self) -> Result<Number<'de>, JsonError> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        self.at += usize::from(self.peek() == Some(b'-'));
        let digits = |at: &mut usize| {
            let from = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at - from
        };
        let int_start = self.at;
        let int_digits = digits(&mut self.at);
        if int_digits == 0 || (int_digits > 1 && bytes[int_start] == b'0') {
            return Err(self.syntax_error("invalid number"));
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.at += 1;
            if digits(&mut self.at) == 0 {
                return Err(self.syntax_error("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integer = false;
            self.at += 1;
            self.at += usize::from(matches!(self.peek(), Some(b'-' | b'+')));
            if digits(&mut self.at) == 0 {
                return Err(self.syntax_error("invalid number"));
            }
        }
        let text = &self.text[start..self.at];
        if integer {
            if let Ok(n) = text.parse() {
                return Ok(Number::Unsigned(n));
            }
            if let Ok(n) = text.parse() {
                return Ok(Number::Signed(n));
            }
        }
        Ok(Number::Float(text))
    }

    /// The error for a value that is not what `expected` wants: reads the value to name
    /// it (a string's content, a number's value), worded as serde_json's messages.
    pub(crate) fn wrong_type(&mut self, expected: &dyn fmt::Display) -> JsonError {
        let found = match self.next("a value") {
            Err(eof) => return eof,
            Ok(byte) => byte,
        };
        let literal = |reader: &mut Self, word: &str, found: &str| match reader.expect(word) {
            Ok(()) => Ok(found.to_owned()),
            Err(err) => Err(err),
        };
        let found = match found {
            b'n' => literal(self, "null", "null"),
            b't' => literal(self, "true", "boolean `true`"),
            b'f' => literal(self, "false", "boolean `false`"),
            b'[' => Ok("sequence".to_owned()),
            b'{' => Ok("map".to_owned()),
            b'"' => {
                self.at += 1;
                self.string().map(|text| format!("string {text:?}"))
            }
            b'-' | b'0'..=b'9' => self.number().map(|number| match number {
                Number::Unsigned(n) => format!("integer `{n}`"),
                Number::Signed(n) => format!("integer `{n}`"),
                Number::Float(text) => format!("floating point `{}`", decimal(text)),
            }),
            _ => Err(self.syntax_error("expected value")),
        };
        let found = match found {
            Ok(found) => found,
            Err(err) => return err,
        };
        self.data_error(format!("invalid type: {found}, expected {expected}"))
    }

    /// Skips one value, checking it is well formed. Iterative: an ignored field may
    /// nest as deep as it likes (serde_json ignores those too), only memory bounds it.
    pub(super) fn skip(&mut self) -> Result<(), JsonError> {
        // The closing brackets of the lists and objects the value is inside.
        let mut open: Vec<u8> = Vec::new();
        loop {
            match self.next("a value")? {
                bracket @ (b'[' | b'{') => {
                    let close = bracket + 2; // `]` and `}` follow `[` and `{` by two
                    self.at += 1;
                    if self.next("a value")? == close {
                        self.at += 1;
                    } else {
                        open.push(close);
                        if close == b'}' {
                            self.key()?;
                            self.colon()?;
                        }
                        continue;
                    }
                }
                b'n' => self.expect("null")?,
                b't' => self.expect("true")?,
                b'f' => self.expect("false")?,
                b'"' => {
                    self.at += 1;
                    self.string()?;
                }
                b'-' | b'0'..=b'9' => {
                    self.number()?;
                }
                _ => return Err(self.syntax_error("expected value")),
            }
            // After a value: the separator before the next one, or closing brackets.
            loop {
                let Some(&close) = open.last() else {
                    return Ok(());
                };
                let within = if close == b']' { "a list" } else { "an object" };
                match self.next(within)? {
                    b',' => {
                        self.at += 1;
                        if close == b'}' {
                            self.key()?;
                            self.colon()?;
                        }
                        break;
                    }
                    byte if byte == close => {
                        self.at += 1;
                        open.pop();
                    }
                    _ if close == b']' => return Err(self.syntax_error("expected `,` or `]`")),
                    _ => return Err(self.syntax_error("expected `,` or `}`")),
                }
            }
        }
    }

    /// An object's key (its `:` follows).
    pub(super) fn key(&mut self) -> Result<Cow<'de, str>, JsonError> {
        if self.next("an object")? != b'"' {
            return Err(self.syntax_error("key must be a string"));
        }
        self.at += 1;
        self.string()
    }
}

/// A JSON number, as read.
pub(super) enum Number<'de> {
    Unsigned(u64),
    Signed(i64),
    /// Any other number, as written.
    Float(&'de str),
}

/// The decimal value of a JSON number `text` as Rust shows an `f64` with serde's
/// `.0` for whole values (`1e3` is `1000.0`, `-0` is `-0.0`), computed on the digits
/// (no float formatting code): the same up to 15 significant digits; beyond, rounded to
/// 17 (where an `f64` shows its shortest form); `inf` and `0.0` past an `f64`'s range.
pub(super) fn decimal(text: &str) -> String {
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (mantissa, exponent) = text.split_once(['e', 'E']).map_or((text, 0), |(m, e)| {
        let huge = if e.starts_with('-') {
            i64::MIN
        } else {
            i64::MAX
        };
        (m, e.parse::<i64>().unwrap_or(huge / 2))
    });
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let digits = all.trim_start_matches('0');
    // The position of the decimal point after the first significant digit's place.
    let mut point = (int.len() as i64 - (all.len() - digits.len()) as i64).saturating_add(exponent);
    let mut digits = digits.trim_end_matches('0').to_owned();
    if digits.len() > 17 {
        let round_up = digits.as_bytes()[17] >= b'5';
        let kept: u64 = digits[..17].parse().unwrap_or(0) + u64::from(round_up);
        digits = kept.to_string();
        if digits.len() > 17 {
            point += 1; // 99…9 rounded up to 100…0
        }
        digits = digits.trim_end_matches('0').to_owned();
    }
    if digits.is_empty() || point < -323 {
        return format!("{sign}0.0");
    }
    if point > 309 {
        return format!("{sign}inf");
    }
    let point = point as isize;
    let len = digits.len() as isize;
    if point <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat(point.unsigned_abs()))
    } else if point >= len {
        format!("{sign}{digits}{}.0", "0".repeat((point - len) as usize))
    } else {
        let (whole, part) = digits.split_at(point as usize);
        format!("{sign}{whole}.{part}")
    }
}
