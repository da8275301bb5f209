//! A small, strict JSON decoder for the wire format: [`decode`] reads a [`Decode`] type
//! straight from the text, without serde.
//!
//! The product decodes every response body with it (the npm package, the native
//! client): a pull decoder written by hand for the few wire types, for a fraction of
//! the code serde generates. Its errors read exactly as the serde `Deserialize` impls'
//! do (serde_json's messages minus its `at line … column …` suffix); with the `serde`
//! feature, [`from_str`] runs those impls over the same reader, and a differential test
//! keeps the two in agreement.
//!
//! Strict: RFC 8259 only (no comments, no trailing commas, no lone surrogates, nothing
//! after the value); the values read nest at most [`MAX_DEPTH`] deep, while ignored
//! fields are skipped without recursion, at any depth (as serde_json does). Numbers
//! without a fraction or exponent that fit are integers; any other number only ever
//! ends up in an error message (no wire field is fractional), written from its decimal
//! digits as serde shows an `f64` (`1e3` is `1000.0`). Up to 15 significant digits the
//! two are the same; beyond, the decoder shows up to 17 of the digits written where
//! serde shows the `f64`'s shortest form (`1844674407370.9552` against
//! `1844674407370.955`): no float formatting code is needed in the `.wasm`.

use std::borrow::Cow;
use std::fmt;

#[cfg(feature = "serde")]
mod deserializer;
mod lex;

#[cfg(feature = "serde")]
pub use deserializer::from_str;

use lex::Number;

/// How deeply arrays and objects may nest (serde_json's default limit too).
pub const MAX_DEPTH: usize = 128;

/// Why a text is not the JSON value wanted. The message never quotes a string value of
/// the text, except where a type error names a value of the wrong type (serde's
/// wording); the runner fields, which may hold credentials, never do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JsonError {
    message: String,
    syntax: bool,
    line: usize,
    column: usize,
}

impl JsonError {
    /// `true` when the text is not well-formed JSON (or ends early), `false` when it is
    /// JSON of the wrong shape (a wrong type, a missing field…).
    pub fn is_syntax(&self) -> bool {
        self.syntax
    }

    /// The 1-based line where the error was found (0 when unknown).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column where the error was found, in bytes: that of the last byte read, as
    /// serde_json counts (0 when unknown).
    pub fn column(&self) -> usize {
        self.column
    }

    /// The same error, worded as `message`.
    pub(crate) fn reworded(self, message: String) -> Self {
        Self { message, ..self }
    }
}

/// A wire type the decoder reads: the listings' pages, runners, workflows, their
/// fields, and the primitives they are made of. The set is this crate's: a [`Reader`]
/// offers its methods to these impls only.
pub trait Decode: Sized {
    /// Reads one value at the reader's position.
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError>;
}

/// Reads a `T` from the whole of `text`.
///
/// ```
/// use runner_match::{json, RunnerPage};
/// let page: RunnerPage = json::decode(r#"{"runners":[],"total":0}"#)?;
/// assert_eq!(page.total, 0);
/// let err = json::decode::<RunnerPage>(r#"{"runners":[],"total":"36"}"#).unwrap_err();
/// assert_eq!(err.to_string(), r#"invalid type: string "36", expected u64"#);
/// assert!(!err.is_syntax());
/// assert_eq!((err.line(), err.column()), (1, 26));
/// assert!(json::decode::<RunnerPage>(r#"{"runners":[]"#).unwrap_err().is_syntax());
/// # Ok::<(), json::JsonError>(())
/// ```
// Never inlined: one copy per page type, not one per call site (async callers would
// each carry the whole decoder).
#[inline(never)]
pub fn decode<T: Decode>(text: &str) -> Result<T, JsonError> {
    let mut reader = Reader::new(text);
    let value = T::decode(&mut reader)?;
    reader.end()?;
    Ok(value)
}

/// A position in a JSON text, read by [`Decode`] impls.
#[derive(Debug)]
pub struct Reader<'de> {
    text: &'de str,
    at: usize,
    depth: usize,
}

impl<'de> Reader<'de> {
    fn new(text: &'de str) -> Self {
        Self {
            text,
            at: 0,
            depth: 0,
        }
    }

    /// Only space may follow the value.
    fn end(&mut self) -> Result<(), JsonError> {
        self.skip_space();
        match self.at == self.text.len() {
            true => Ok(()),
            false => Err(self.syntax_error("trailing characters")),
        }
    }

    /// Opens a list (`[`) or an object (`{`), or names what is there instead.
    pub(crate) fn open(
        &mut self,
        bracket: u8,
        expecting: &dyn fmt::Display,
    ) -> Result<Items, JsonError> {
        if self.next("a value")? != bracket {
            return Err(self.wrong_type(expecting));
        }
        self.enter()?;
        self.at += 1;
        Ok(Items {
            close: bracket + 2, // `]` and `}` follow `[` and `{` by two
            first: true,
        })
    }

    /// A string value, or names what is there instead.
    pub(crate) fn str(&mut self, expecting: &dyn fmt::Display) -> Result<Cow<'de, str>, JsonError> {
        if self.next("a value")? != b'"' {
            return Err(self.wrong_type(expecting));
        }
        self.at += 1;
        self.string()
    }

    /// An object field's value, after its key: `:` then the value, into `slot` (which
    /// must still be empty: a field given twice is an error, as serde's derive has it).
    pub(crate) fn field<T: Decode>(
        &mut self,
        slot: &mut Option<T>,
        name: &str,
    ) -> Result<(), JsonError> {
        self.field_start(slot.is_some(), name)?;
        *slot = Some(T::decode(self)?);
        Ok(())
    }

    /// Before a field's value (not generic, so each field type adds little code): a
    /// field given twice is an error; then its `:`.
    fn field_start(&mut self, given: bool, name: &str) -> Result<(), JsonError> {
        if given {
            return Err(self.data_error(format!("duplicate field `{name}`")));
        }
        self.colon()
    }

    /// An object entry's value, after its key: `:` then the value.
    pub(crate) fn value<T: Decode>(&mut self) -> Result<T, JsonError> {
        self.colon()?;
        T::decode(self)
    }

    /// An unknown field's value, after its key: skipped, checking it is well formed.
    pub(crate) fn skip_field(&mut self) -> Result<(), JsonError> {
        self.colon()?;
        self.skip()
    }

    /// A required field's value, or the error naming it.
    pub(crate) fn required<T>(&self, value: Option<T>, name: &str) -> Result<T, JsonError> {
        value.ok_or_else(|| self.missing(name))
    }

    /// The error for required field `name`, absent.
    pub(crate) fn missing(&self, name: &str) -> JsonError {
        self.data_error(format!("missing field `{name}`"))
    }

    fn colon(&mut self) -> Result<(), JsonError> {
        match self.next("an object")? {
            b':' => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.syntax_error("expected `:`")),
        }
    }
}

/// The items of an open list or object, read one after the other.
#[derive(Debug)]
pub(crate) struct Items {
    close: u8,
    first: bool,
}

impl Items {
    /// `true` when another list element follows (its separator consumed); at the end,
    /// the closing bracket is consumed.
    pub(crate) fn next(&mut self, reader: &mut Reader<'_>) -> Result<bool, JsonError> {
        let more = self.more(reader)?;
        if !more {
            reader.at += 1;
            reader.depth -= 1;
        }
        Ok(more)
    }

    /// The next key of an object (its value follows, after a `:`); `None` at the end,
    /// with the closing brace consumed.
    pub(crate) fn next_key<'de>(
        &mut self,
        reader: &mut Reader<'de>,
    ) -> Result<Option<Cow<'de, str>>, JsonError> {
        if !self.next(reader)? {
            return Ok(None);
        }
        reader.key().map(Some)
    }

    /// `true` when another item follows (its separator consumed); the closing bracket
    /// is left in place at the end.
    fn more(&mut self, reader: &mut Reader<'_>) -> Result<bool, JsonError> {
        let what = if self.close == b']' {
            "a list"
        } else {
            "an object"
        };
        let byte = reader.next(what)?;
        if byte == self.close {
            return Ok(false);
        }
        if !std::mem::take(&mut self.first) {
            if byte != b',' {
                let expected = if self.close == b']' {
                    "`,` or `]`"
                } else {
                    "`,` or `}`"
                };
                return Err(reader.syntax_error(&format!("expected {expected}")));
            }
            reader.at += 1;
            if reader.next(what)? == self.close {
                return Err(reader.syntax_error("trailing comma"));
            }
        }
        Ok(true)
    }
}

impl Decode for String {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.str(&"a string").map(Cow::into_owned)
    }
}

/// Any number; negative ones and those with a fraction or exponent are rejected with
/// serde's wording.
impl Decode for u64 {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        if !matches!(reader.next("a value")?, b'-' | b'0'..=b'9') {
            return Err(reader.wrong_type(&"u64"));
        }
        let found = match reader.number()? {
            Number::Unsigned(n) => return Ok(n),
            Number::Signed(n) if n >= 0 => return Ok(n.unsigned_abs()),
            Number::Signed(n) => format!("invalid value: integer `{n}`"),
            Number::Float(text) => format!("invalid type: floating point `{}`", lex::decimal(text)),
        };
        Err(reader.data_error(format!("{found}, expected u64")))
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut items = reader.open(b'[', &"a sequence")?;
        let start = reader.at;
        let mut values = Vec::new();
        while items.next(reader)? {
            if values.len() == values.capacity() && values.len() >= 64 {
                let rest = reader.text.len() - reader.at;
                values.reserve_exact(more_items(values.len(), reader.at - start, rest));
            }
            values.push(T::decode(reader)?);
        }
        // In place: the slack goes back to the allocator for what is decoded next.
        values.shrink_to_fit();
        Ok(values)
    }
}

/// Room to add to a full array of `len` items that took `used` bytes, with `rest` bytes
/// of text left: as many items as the rest holds at their size so far, and an eighth more,
/// never more than doubling (what `push` does). A page's runners are nearly all of its
/// text, so the list is allocated about once at about its size: doubling left up to half
/// of a whole-fleet page's largest allocation unused, and that peak is what a wasm
/// client keeps (its memory never shrinks).
fn more_items(len: usize, used: usize, rest: usize) -> usize {
    let guess = rest / (used / len).max(1);
    (guess + guess / 8 + 16).min(len)
}

/// `null` is `None`; anything else is `Some`.
impl<T: Decode> Decode for Option<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        match reader.next("a value")? {
            b'n' => {
                reader.expect("null")?;
                Ok(None)
            }
            _ => T::decode(reader).map(Some),
        }
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests;

#[cfg(test)]
mod sizing {
    use super::{decode, more_items};

    #[test]
    fn long_arrays_decode_into_lists_of_their_size() {
        let items: Vec<String> = (0..1000u64).map(|i| i.to_string()).collect();
        let values: Vec<u64> = decode(&format!("[{}]", items.join(","))).unwrap();
        assert!(values.iter().copied().eq(0..1000));
        assert_eq!(values.capacity(), values.len());
        // The rest of the text at the size so far, an eighth more; at most doubling.
        assert_eq!(more_items(64, 640, 320), 32 + 4 + 16);
        assert_eq!(more_items(64, 640, 100_000), 64);
        assert_eq!(more_items(64, 0, 100), 64);
    }
}
