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

mod lex;

use lex::Number;

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
            b'"' => self.deserialize_str(visitor),
            b'[' => self.deserialize_seq(visitor),
            b'{' => self.deserialize_map(visitor),
            b'-' | b'0'..=b'9' => self.deserialize_u64(visitor),
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

    /// Any number (a visitor for `u64` rejects the others with serde's wording).
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
mod tests;
