//! The reader as a serde [`Deserializer`] (feature `serde`): the `Deserialize` impls of
//! the wire types, kept for the Rust API, over the same lexing as [`super::decode`].

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::lex::Number;
use super::{Items, JsonError, Reader};

impl de::Error for JsonError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self {
            message: message.to_string(),
            syntax: false,
            line: 0,
            column: 0,
        }
    }

    // JSON calls serde's unit value `null` (as serde_json does).
    fn invalid_type(found: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::custom(format_args!(
            "invalid type: {}, expected {expected}",
            Found(found)
        ))
    }

    fn invalid_value(found: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::custom(format_args!(
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

/// Reads a `T` from the whole of `text` with its serde `Deserialize` impl. The product
/// decodes with [`decode`](super::decode); this is for serde types of your own, and its
/// wire types read the same either way.
///
/// ```
/// let page: runner_match::RunnerPage = runner_match::json::from_str(r#"{"runners":[],"total":0}"#)?;
/// assert_eq!(page.total, 0);
/// let err = runner_match::json::from_str::<runner_match::RunnerPage>(r#"{"runners":[],"total":"36"}"#);
/// assert_eq!(err.unwrap_err().to_string(), r#"invalid type: string "36", expected u64"#);
/// # Ok::<(), runner_match::json::JsonError>(())
/// ```
pub fn from_str<'de, T: de::Deserialize<'de>>(text: &'de str) -> Result<T, JsonError> {
    let mut reader = Reader::new(text);
    let value = T::deserialize(&mut reader).map_err(|err| match err.line {
        // A `Deserialize` impl's own error: found where the reader stands.
        0 => reader.data_error(err.message),
        _ => err,
    })?;
    reader.end()?;
    Ok(value)
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
            _ => Err(self.syntax_error("expected value")),
        }
    }

    // The forms the wire's types ask for, each without the code for every other form.

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        match self.str(&Expecting(&visitor))? {
            std::borrow::Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
            std::borrow::Cow::Owned(text) => visitor.visit_string(text),
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
            return Err(self.wrong_type(&Expecting(&visitor)));
        }
        match self.number()? {
            Number::Unsigned(n) => visitor.visit_u64(n),
            Number::Signed(n) => visitor.visit_i64(n),
            Number::Float(text) => visitor.visit_f64(text.parse().unwrap_or_default()),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        let items = self.open(b'[', &Expecting(&visitor))?;
        let value = visitor.visit_seq(self.access(items))?;
        self.close(b']', "a list")?;
        Ok(value)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        let items = self.open(b'{', &Expecting(&visitor))?;
        let value = visitor.visit_map(self.access(items))?;
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

/// What a visitor expects, as a message names it.
struct Expecting<'a, V>(&'a V);

impl<'de, V: Visitor<'de>> fmt::Display for Expecting<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }
}

impl Reader<'_> {
    /// Skips what a visitor left of a list or object (a visitor that stops early is
    /// refused), then its closing bracket.
    fn close(&mut self, bracket: u8, what: &str) -> Result<(), JsonError> {
        self.depth -= 1;
        match self.next(what)? {
            byte if byte == bracket => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.syntax_error("trailing characters")),
        }
    }
}

/// The elements of a list or the entries of an object, for a visitor.
struct Access<'a, 'de> {
    reader: &'a mut Reader<'de>,
    items: Items,
}

impl<'de> Reader<'de> {
    /// The items of the list or object just opened, for a visitor.
    fn access(&mut self, items: Items) -> Access<'_, 'de> {
        Access {
            reader: self,
            items,
        }
    }
}

impl<'de> SeqAccess<'de> for Access<'_, 'de> {
    type Error = JsonError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, JsonError> {
        match self.items.more(self.reader)? {
            true => seed.deserialize(&mut *self.reader).map(Some),
            false => Ok(None),
        }
    }
}

impl<'de> MapAccess<'de> for Access<'_, 'de> {
    type Error = JsonError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, JsonError> {
        if !self.items.more(self.reader)? {
            return Ok(None);
        }
        if self.reader.peek() != Some(b'"') {
            return Err(self.reader.syntax_error("key must be a string"));
        }
        seed.deserialize(&mut *self.reader).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, JsonError> {
        self.reader.colon()?;
        seed.deserialize(&mut *self.reader)
    }
}
