//! The reader's lexing: whitespace, literals, strings with their escapes, numbers, and
//! skipping whole values.

use std::borrow::Cow;

use serde::de;

use super::{JsonError, Reader, MAX_DEPTH};

impl<'de> Reader<'de> {
    pub(super) fn error(&self, what: &str) -> JsonError {
        JsonError(what.to_owned())
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
            .ok_or_else(|| JsonError(format!("EOF while parsing {what}")))
    }

    pub(super) fn expect(&mut self, word: &str) -> Result<(), JsonError> {
        match self.text[self.at..].starts_with(word) {
            true => {
                self.at += word.len();
                Ok(())
            }
            false if self.text.len() - self.at < word.len() => {
                Err(self.error("EOF while parsing a value"))
            }
            false => Err(self.error("expected ident")),
        }
    }

    pub(super) fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        match self.depth > MAX_DEPTH {
            true => Err(self.error("recursion limit exceeded")),
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
                return Err(self.error("EOF while parsing a string"));
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
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                _ => self.at += 1,
            }
        }
    }

    /// The character of an escape, after its backslash.
    pub(super) fn escape(&mut self) -> Result<char, JsonError> {
        let Some(byte) = self.peek() else {
            return Err(self.error("EOF while parsing a string"));
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
                    return char::from_u32(high).ok_or_else(|| self.error("invalid escape"));
                }
                if high >= 0xDC00 || !self.text[self.at..].starts_with("\\u") {
                    return Err(self.error("lone surrogate in hex escape"));
                }
                self.at += 2;
                let low = self.hex4()?;
                if !(0xDC00..0xE000).contains(&low) {
                    return Err(self.error("lone surrogate in hex escape"));
                }
                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                char::from_u32(code).ok_or_else(|| self.error("invalid escape"))?
            }
            _ => return Err(self.error("invalid escape")),
        })
    }

    pub(super) fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .ok_or_else(|| self.error("EOF while parsing a string"))?;
        let value = u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid escape"))?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("invalid escape"));
        }
        self.at += 4;
        Ok(value)
    }

    /// A number.
    pub(super) fn number(&mut self) -> Result<Number, JsonError> {
        let bytes = self.text.as_bytes();
        let negative = self.peek() == Some(b'-');
        self.at += usize::from(negative);
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
            return Err(self.error("invalid number"));
        }
        let mut mantissa: u64 = 0;
        let mut exponent: i32 = 0;
        let mut exact = true;
        let mut push = |digit: u8, exponent: &mut i32, after_point: bool| match mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(u64::from(digit - b'0')))
        {
            Some(m) => {
                mantissa = m;
                *exponent -= i32::from(after_point);
            }
            None => {
                exact = false;
                *exponent += i32::from(!after_point);
            }
        };
        for &digit in &bytes[int_start..self.at] {
            push(digit, &mut exponent, false);
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.at += 1;
            let from = self.at;
            if digits(&mut self.at) == 0 {
                return Err(self.error("invalid number"));
            }
            for &digit in &bytes[from..self.at] {
                push(digit, &mut exponent, true);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integer = false;
            self.at += 1;
            let minus = self.peek() == Some(b'-');
            self.at += usize::from(matches!(self.peek(), Some(b'-' | b'+')));
            let from = self.at;
            if digits(&mut self.at) == 0 {
                return Err(self.error("invalid number"));
            }
            let written: i32 = self.text[from..self.at].parse().unwrap_or(100_000);
            exponent = exponent.saturating_add(if minus { -written } else { written });
        }
        if integer && exact {
            return Ok(match negative {
                false => Number::Unsigned(mantissa),
                true => match i64::try_from(mantissa) {
                    Ok(value) => Number::Signed(-value),
                    Err(_) => Number::Float(-(mantissa as f64)),
                },
            });
        }
        let scale = 10f64.powi(exponent.unsigned_abs().min(400) as i32);
        let magnitude = match exponent < 0 {
            true => mantissa as f64 / scale,
            false => mantissa as f64 * scale,
        };
        Ok(Number::Float(if negative { -magnitude } else { magnitude }))
    }

    /// The error for a value that is not what `expected` wants: reads the value to name
    /// it (a string's content, a number's value), as serde_json's messages do.
    pub(super) fn wrong_type(&mut self, expected: &dyn de::Expected) -> JsonError {
        let found = match self.next("a value") {
            Err(eof) => return eof,
            Ok(byte) => byte,
        };
        let text: Cow<'_, str>;
        let found = match found {
            b'n' => de::Unexpected::Unit,
            b't' => de::Unexpected::Bool(true),
            b'f' => de::Unexpected::Bool(false),
            b'[' => de::Unexpected::Seq,
            b'{' => de::Unexpected::Map,
            b'"' => {
                self.at += 1;
                text = match self.string() {
                    Ok(text) => text,
                    Err(err) => return err,
                };
                de::Unexpected::Str(&text)
            }
            b'-' | b'0'..=b'9' => match self.number() {
                Ok(Number::Unsigned(n)) => de::Unexpected::Unsigned(n),
                Ok(Number::Signed(n)) => de::Unexpected::Signed(n),
                Ok(Number::Float(n)) => de::Unexpected::Float(n),
                Err(err) => return err,
            },
            _ => return self.error("expected value"),
        };
        de::Error::invalid_type(found, expected)
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
                _ => return Err(self.error("expected value")),
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
                        }
                        break;
                    }
                    byte if byte == close => {
                        self.at += 1;
                        open.pop();
                    }
                    _ if close == b']' => return Err(self.error("expected `,` or `]`")),
                    _ => return Err(self.error("expected `,` or `}`")),
                }
            }
        }
    }

    /// An object's key and its `:`, skipped.
    pub(super) fn key(&mut self) -> Result<(), JsonError> {
        if self.next("an object")? != b'"' {
            return Err(self.error("key must be a string"));
        }
        self.at += 1;
        self.string()?;
        match self.next("an object")? {
            b':' => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.error("expected `:`")),
        }
    }
}

/// A JSON number, as read.
pub(super) enum Number {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
}
