//! A small, strict JSON reader for the wire format, as a serde [`Deserializer`].
//!
//! The WebAssembly package decodes every response body with this instead of serde_json:
//! the same serde `Deserialize` impls run (so errors read exactly as they do with
//! serde_json, minus its `at line … column …` suffix), for a fraction of the code.
//! Strict: RFC 8259 only (no comments, no trailing commas, no lone surrogates, nothing
//! after the value); the values read nest at most [`MAX_DEPTH`] deep, while ignored
//! fields are skipped without recursion, at any depth (as serde_json does). Numbers without a fraction or
//! exponent that fit are integers; any other number is an `f64` (exact for the
//! values a listing carries; others, which only ever end up in an error message or an
//! ignored field, may be off in the last digit).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// How deeply arrays and objects may nest (serde_json's default limit too).
pub const MAX_DEPTH: usize = 128;

/// Why a text is not the JSON value wanted. The message never quotes a string value of
/// the text unless a `Deserialize` impl does (serde's own type errors do).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JsonError(String);

impl de::Error for JsonError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self(message.to_string())
    }

    // JSON calls serde's unit value `null` (as serde_json does).
    fn invalid_type(found: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self(format!(
            "invalid type: {}, expected {expected}",
            Found(found)
        ))
    }

    fn invalid_value(found: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self(format!(
            "invalid value: {}, expected {expected}",
            Found(found)
        ))
    }
}

/// A value as an error message names it.
struct Found<'a>(de::Unexpected<'a>);

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            de::Unexpected::Unit => f.write_str("null"),
            found => found.fmt(f),
        }
    }
}

/// Reads a `T` from the whole of `text`.
///
/// ```
/// let page: runner_match::RunnerPage = runner_match::json::from_str(r#"{"runners":[],"total":0}"#)?;
/// assert_eq!(page.total, 0);
/// let err = runner_match::json::from_str::<runner_match::RunnerPage>(r#"{"runners":[],"total":"36"}"#);
/// assert_eq!(err.unwrap_err().to_string(), r#"invalid type: string "36", expected u64"#);
/// # Ok::<(), runner_match::json::JsonError>(())
/// ```
// Never inlined: one copy per page type, not one per call site (async callers would
// each carry the whole reader).
#[inline(never)]
pub fn from_str<'de, T: de::Deserialize<'de>>(text: &'de str) -> Result<T, JsonError> {
    let mut reader = Reader {
        text,
        at: 0,
        depth: 0,
    };
    let value = T::deserialize(&mut reader)?;
    reader.skip_space();
    match reader.at == text.len() {
        true => Ok(value),
        false => Err(reader.error("trailing characters")),
    }
}

struct Reader<'de> {
    text: &'de str,
    at: usize,
    depth: usize,
}

impl<'de> Reader<'de> {
    fn error(&self, what: &str) -> JsonError {
        JsonError(what.to_owned())
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// The next non-space byte, not consumed; an EOF error naming `what` when none.
    fn next(&mut self, what: &str) -> Result<u8, JsonError> {
        self.skip_space();
        self.peek()
            .ok_or_else(|| JsonError(format!("EOF while parsing {what}")))
    }

    fn expect(&mut self, word: &str) -> Result<(), JsonError> {
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

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        match self.depth > MAX_DEPTH {
            true => Err(self.error("recursion limit exceeded")),
            false => Ok(()),
        }
    }

    /// A string after its opening quote: borrowed when it has no escape.
    fn string(&mut self) -> Result<Cow<'de, str>, JsonError> {
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
    fn escape(&mut self) -> Result<char, JsonError> {
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

    fn hex4(&mut self) -> Result<u32, JsonError> {
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
    fn number(&mut self) -> Result<Number, JsonError> {
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
    fn wrong_type(&mut self, expected: &dyn de::Expected) -> JsonError {
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
    fn skip(&mut self) -> Result<(), JsonError> {
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
    fn key(&mut self) -> Result<(), JsonError> {
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
enum Number {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
}

impl<'de> Deserializer<'de> for &mut Reader<'de> {
    type Error = JsonError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        match self.next("a value")? {
            b'n' => {
                self.expect("null")?;
                visitor.visit_unit()
            }
            b't' => {
                self.expect("true")?;
                visitor.visit_bool(true)
            }
            b'f' => {
                self.expect("false")?;
                visitor.visit_bool(false)
            }
            b'"' => {
                self.at += 1;
                match self.string()? {
                    Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
                    Cow::Owned(text) => visitor.visit_string(text),
                }
            }
            b'[' => {
                self.enter()?;
                self.at += 1;
                let value = visitor.visit_seq(Items {
                    reader: &mut *self,
                    first: true,
                })?;
                self.close(b']', "a list")?;
                Ok(value)
            }
            b'{' => {
                self.enter()?;
                self.at += 1;
                let value = visitor.visit_map(Items {
                    reader: &mut *self,
                    first: true,
                })?;
                self.close(b'}', "an object")?;
                Ok(value)
            }
            b'-' | b'0'..=b'9' => match self.number()? {
                Number::Unsigned(n) => visitor.visit_u64(n),
                Number::Signed(n) => visitor.visit_i64(n),
                Number::Float(n) => visitor.visit_f64(n),
            },
            _ => Err(self.error("expected value")),
        }
    }

    // The forms the wire's types ask for, each without the code for every other form
    // (one copy of `deserialize_any` per visitor type would cost more than the reader).

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        if self.next("a value")? != b'"' {
            return Err(self.wrong_type(&visitor));
        }
        self.at += 1;
        match self.string()? {
            Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
            Cow::Owned(text) => visitor.visit_string(text),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        if !matches!(self.next("a value")?, b'-' | b'0'..=b'9') {
            return Err(self.wrong_type(&visitor));
        }
        match self.number()? {
            Number::Unsigned(n) => visitor.visit_u64(n),
            Number::Signed(n) => visitor.visit_i64(n),
            Number::Float(n) => visitor.visit_f64(n),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        if self.next("a value")? != b'[' {
            return Err(self.wrong_type(&visitor));
        }
        self.enter()?;
        self.at += 1;
        let value = visitor.visit_seq(Items {
            reader: &mut *self,
            first: true,
        })?;
        self.close(b']', "a list")?;
        Ok(value)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        if self.next("a value")? != b'{' {
            return Err(self.wrong_type(&visitor));
        }
        self.enter()?;
        self.at += 1;
        let value = visitor.visit_map(Items {
            reader: &mut *self,
            first: true,
        })?;
        self.close(b'}', "an object")?;
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.skip()?;
        visitor.visit_unit()
    }

    /// `null` is `None`; anything else is `Some`.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        match self.next("a value")? {
            b'n' => {
                self.expect("null")?;
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u128 f32 f64 char bytes byte_buf unit
        unit_struct newtype_struct tuple tuple_struct enum
    }
}

impl Reader<'_> {
    /// Skips what a visitor left of a list or object (none, for every visitor here),
    /// then its closing bracket.
    fn close(&mut self, bracket: u8, what: &str) -> Result<(), JsonError> {
        self.depth -= 1;
        match self.next(what)? {
            byte if byte == bracket => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.error("trailing characters")),
        }
    }
}

/// The elements of a list or the entries of an object.
struct Items<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
}

impl<'de> Items<'_, 'de> {
    /// `true` when another item follows (its separator consumed).
    fn more(&mut self, close: u8, what: &str) -> Result<bool, JsonError> {
        let byte = self.reader.next(what)?;
        if byte == close {
            return Ok(false);
        }
        if !std::mem::take(&mut self.first) {
            if byte != b',' {
                let expected = if close == b']' {
                    "`,` or `]`"
                } else {
                    "`,` or `}`"
                };
                return Err(self.reader.error(&format!("expected {expected}")));
            }
            self.reader.at += 1;
            if self.reader.next(what)? == close {
                return Err(self.reader.error("trailing comma"));
            }
        }
        Ok(true)
    }
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = JsonError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, JsonError> {
        match self.more(b']', "a list")? {
            true => seed.deserialize(&mut *self.reader).map(Some),
            false => Ok(None),
        }
    }
}

impl<'de> MapAccess<'de> for Items<'_, 'de> {
    type Error = JsonError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, JsonError> {
        if !self.more(b'}', "an object")? {
            return Ok(None);
        }
        if self.reader.peek() != Some(b'"') {
            return Err(self.reader.error("key must be a string"));
        }
        seed.deserialize(&mut *self.reader).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, JsonError> {
        match self.reader.next("an object")? {
            b':' => {
                self.reader.at += 1;
                seed.deserialize(&mut *self.reader)
            }
            _ => Err(self.reader.error("expected `:`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RunnerPage, WorkflowPage};

    /// serde_json's message without its position suffix.
    fn serde_json_error<T: de::DeserializeOwned + fmt::Debug>(text: &str) -> String {
        let message = serde_json::from_str::<T>(text).unwrap_err().to_string();
        match message.rfind(" at line ") {
            Some(at) => message[..at].to_owned(),
            None => message,
        }
    }

    const PAGE: &str = include_str!("../tests/fixtures/managed-runners-example.json");

    #[test]
    fn reads_what_serde_json_reads() {
        let self_hosted = r#"{"runners":[{"id":"s\u00e91","user_id":"u","name":"\ud83d\ude80 \"home\"\n","status":"active",
            "endpoint":"https://x","tags":["a\/b",""],"headers":{"A":"1","A":"2"},"created_at":"2024-01-10T08:00:00Z",
            "updated_at":"2024-01-10T08:00:00Z","extra":[1,-2,3.5e-1,{"x":null},true,false]}],"total":18446744073709551615}"#;
        for text in [
            PAGE,
            self_hosted,
            " {\"runners\" : [ ] , \"total\" : 0 } \n",
        ] {
            let ours: RunnerPage = from_str(text).unwrap();
            assert_eq!(ours, serde_json::from_str::<RunnerPage>(text).unwrap());
        }
        let page: RunnerPage = from_str(self_hosted).unwrap();
        assert_eq!(page.runners[0].name, "\u{1F680} \"home\"\n");
        let workflows = r#"{"workflows":[{"id":"w1","name":"n","status":"queued","tags":["a"],
            "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}],"total":1}"#;
        let ours: WorkflowPage = from_str(workflows).unwrap();
        assert_eq!(
            ours,
            serde_json::from_str::<WorkflowPage>(workflows).unwrap()
        );
    }

    #[test]
    fn type_errors_read_as_serde_jsons() {
        for text in [
            r#"{"runners":[],"total":"36"}"#,
            r#"{"runners":[],"total":-1}"#,
            r#"{"runners":[],"total":1.5}"#,
            r#"{"runners":[],"total":1e3}"#,
            r#"{"runners":[],"total":null}"#,
            r#"{"runners":null,"total":0}"#,
            r#"{"runners":{"0":{}},"total":1}"#,
            r#"{"runners":["cfc_r1"],"total":1}"#,
            r#"{"runners":[[[]]],"total":1}"#,
            r#"{"runners":[]}"#,
            r#"[[], 0]"#,
            r#"{"runners":[{"id":"r","name":"n","status":"active","tags":[null],"created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}],"total":1}"#,
            r#"{"runners":[{"id":"r","name":"n","status":"active","tags":[],"created_at":"soon","updated_at":"2024-01-10T08:00:00Z"}],"total":1}"#,
            r#"{"runners":[{"id":"r","name":"n","status":"active","tags":[],"endpoint":"x","headers":"Bearer x","created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}],"total":1}"#,
            r#"{"runners":[{"name":"n","status":"active","tags":[],"created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}],"total":1}"#,
        ] {
            let ours = from_str::<RunnerPage>(text).unwrap_err().to_string();
            assert_eq!(ours, serde_json_error::<RunnerPage>(text), "{text}");
        }
    }

    #[test]
    fn malformed_text_is_an_error() {
        let deep = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
        for text in [
            "",
            "{",
            r#"{"runners":[{"id":"r1""#,
            r#"{"runners":[],"total":0}x"#,
            r#"{"runners":[],"total":0,}"#,
            r#"{"runners":[,],"total":0}"#,
            r#"{"runners":[] "total":0}"#,
            r#"{runners:[],"total":0}"#,
            r#"{"runners":[],"total":01}"#,
            r#"{"runners":[],"total":-}"#,
            r#"{"runners":[],"total":1.}"#,
            r#"{"runners":[],"total":nul}"#,
            "{\"runners\":[\"a\u{1}\"],\"total\":0}",
            r#"{"runners":["\ud800"],"total":0}"#,
            r#"{"runners":["\udc00\ud800"],"total":0}"#,
            r#"{"runners":["\x"],"total":0}"#,
            r#"{"runners":["\u12"],"total":0}"#,
            &deep,
        ] {
            assert!(from_str::<RunnerPage>(text).is_err(), "{text:.80}");
            assert!(
                serde_json::from_str::<RunnerPage>(text).is_err(),
                "{text:.80}"
            );
        }
        assert!(from_str::<RunnerPage>(r#"{"runners":[{"id":"r1""#)
            .unwrap_err()
            .to_string()
            .starts_with("EOF while parsing"));
        // Nesting is limited where values are read, not in fields that are ignored.
        let deep = format!(
            r#"{{"runners":{}{},"total":0}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(from_str::<RunnerPage>(&deep).is_err());
        let ignored = format!(
            r#"{{"runners":[],"total":0,"x":{}{{"a":[1,{{}}]}}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(from_str::<RunnerPage>(&ignored).unwrap().total, 0);
        for bad in [
            r#"[1 2]"#,
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            r#"{1:2}"#,
            r#"[1,]"#,
            "[[]",
        ] {
            let text = format!(r#"{{"runners":[],"total":0,"x":{bad}}}"#);
            assert!(from_str::<RunnerPage>(&text).is_err(), "{bad}");
            assert!(serde_json::from_str::<RunnerPage>(&text).is_err(), "{bad}");
        }
    }
}
