//! Writes the result shapes ([`report`](crate::report)) as JSON text: the one encoding
//! the JS package (which hands the text to `JSON.parse`) and the CLI's `--json` share.
//!
//! Why not serde: the shapes are a handful of flat structs, and in the WebAssembly
//! package serde_json's serializer, its float printer and the derived impls weighed
//! more than this module does (replacing them took 5.5 KB off the optimized `.wasm`,
//! 2.8 KB gzipped). The text is exactly what serde_json writes for the shapes' optional
//! `Serialize` derives (`serde` feature): the same keys in the same order, absent
//! `None` fields left out, compact, numbers spelled alike (`1.0` for a float that is
//! whole, shortest round-trip digits otherwise, `null` for a non-finite one). A test
//! (`tests/report_json.rs`) holds the two to the same output.
//!
//! A large report need not be in memory whole: [`JsonWriter::in_pieces`] hands the
//! text on as it is written, and the `*Json` views of [`report`](crate::report)
//! (`ExplanationJson`, `DiagnoseJson`, `ApiRunnersJson`) write a report straight from
//! the core's data, one runner's shape at a time. The JS package uses both: WebAssembly
//! memory never shrinks, so whatever a call holds at once stays with the page.
//!
//! ```
//! use runner_match::json_write::{JsonWriter, ToJson};
//! use runner_match::report::PoolReport;
//!
//! let pool = PoolReport { runners: 3, sources: Vec::new() };
//! assert_eq!(pool.to_json(), r#"{"runners":3,"sources":[]}"#);
//!
//! let mut json = JsonWriter::new();
//! json.object(|json| {
//!     json.field("score", &0.75);
//!     json.field_if_some("hint", &None::<String>);
//!     json.field("tags", &["gpu-a100\n"]);
//! });
//! assert_eq!(json.finish(), r#"{"score":0.75,"tags":["gpu-a100\n"]}"#);
//! ```

mod number;

/// A value that writes itself as JSON.
pub trait ToJson {
    /// Writes the value as the next JSON value of `json`.
    fn write_json(&self, json: &mut JsonWriter);

    /// The value as a compact JSON text.
    fn to_json(&self) -> String {
        let mut json = JsonWriter::new();
        self.write_json(&mut json);
        json.finish()
    }
}

/// A compact JSON text under construction. Commas go where the text needs them, so
/// writers only say what comes next: a value, an object's field, an array's items.
#[derive(Default)]
pub struct JsonWriter {
    /// The text written and not yet sent.
    text: String,
    /// Where the text goes as it is written ([`in_pieces`](Self::in_pieces)), if anywhere.
    sink: Option<Sink>,
}

/// Takes the text in pieces of about `piece` bytes.
struct Sink {
    piece: usize,
    send: Box<dyn FnMut(&str)>,
}

impl std::fmt::Debug for JsonWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonWriter")
            .field("text", &self.text)
            .finish_non_exhaustive()
    }
}

impl JsonWriter {
    /// An empty text.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty text that is handed to `send` as it is written, in pieces of about
    /// `piece` bytes (each ends on a character boundary; [`finish`](Self::finish) sends
    /// the rest), so that a large text is never in memory whole: the pieces, joined,
    /// are the text [`new`](Self::new) would have given.
    ///
    /// ```
    /// use std::{cell::RefCell, rc::Rc};
    /// use runner_match::json_write::{JsonWriter, ToJson};
    ///
    /// let pieces = Rc::new(RefCell::new(Vec::new()));
    /// let into = pieces.clone();
    /// let mut json = JsonWriter::in_pieces(8, move |piece| into.borrow_mut().push(piece.to_owned()));
    /// ["gpu-a100", "flux", "sdxl"].write_json(&mut json);
    /// assert_eq!(json.finish(), "");
    /// assert_eq!(pieces.borrow().concat(), r#"["gpu-a100","flux","sdxl"]"#);
    /// assert!(pieces.borrow().len() > 1);
    /// ```
    pub fn in_pieces(piece: usize, send: impl FnMut(&str) + 'static) -> Self {
        Self {
            text: String::with_capacity(piece.saturating_add(64).min(1 << 20)),
            sink: Some(Sink {
                piece,
                send: Box::new(send),
            }),
        }
    }

    /// The text written so far; with [`in_pieces`](Self::in_pieces), sends the rest
    /// and returns an empty text.
    pub fn finish(mut self) -> String {
        match &mut self.sink {
            Some(sink) => {
                (sink.send)(&self.text);
                String::new()
            }
            None => self.text,
        }
    }

    /// Sends the text but its last character (commas depend on it) once a piece is
    /// full. Called before each field and array item: any large text has many.
    #[inline(never)]
    fn send_full_piece(&mut self) {
        if let Some(sink) = &mut self.sink {
            if self.text.len() >= sink.piece {
                if let Some(last) = self.text.pop() {
                    (sink.send)(&self.text);
                    self.text.clear();
                    self.text.push(last);
                }
            }
        }
    }

    /// Writes an object whose fields `fields` writes ([`field`](Self::field),
    /// [`field_if_some`](Self::field_if_some)).
    pub fn object(&mut self, fields: impl FnOnce(&mut Self)) {
        self.separate();
        self.text.push('{');
        fields(self);
        self.text.push('}');
    }

    /// Writes an array of `items`.
    pub fn array<'a, T: ToJson + 'a>(&mut self, items: impl IntoIterator<Item = &'a T>) {
        self.array_of(items);
    }

    /// Writes an array of `items`, values made as they are written (say, report
    /// shapes mapped from borrowed data one at a time).
    pub fn array_of<T: ToJson>(&mut self, items: impl IntoIterator<Item = T>) {
        self.separate();
        self.text.push('[');
        for item in items {
            self.send_full_piece();
            item.write_json(self);
        }
        self.text.push(']');
    }

    /// Writes one field of the object being written.
    pub fn field<T: ToJson + ?Sized>(&mut self, key: &str, value: &T) {
        self.key(key);
        value.write_json(self);
    }

    /// A field's key and colon; not inlined, as every field of every shape calls it.
    #[inline(never)]
    fn key(&mut self, key: &str) {
        self.send_full_piece();
        self.separate();
        self.quoted(key);
        self.text.push(':');
    }

    /// Writes one field when `value` is `Some`; leaves it out when `None` (serde's
    /// `skip_serializing_if = "Option::is_none"`).
    pub fn field_if_some<T: ToJson>(&mut self, key: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    /// Writes a string value.
    pub fn string(&mut self, value: &str) {
        self.separate();
        self.quoted(value);
    }

    /// Writes a bare token: a number, `true`, `false`, `null`.
    fn token(&mut self, token: &str) {
        self.separate();
        self.text.push_str(token);
    }

    /// Writes a whole number.
    fn unsigned(&mut self, value: u64) {
        self.separate();
        number::push_unsigned(&mut self.text, value);
    }

    /// A comma before the next value or field, unless it is the first of its object or
    /// array or the value of a field. A complete value never ends in `{`, `[` or `:`.
    fn separate(&mut self) {
        if !matches!(self.text.as_bytes().last(), None | Some(b'{' | b'[' | b':')) {
            self.text.push(',');
        }
    }

    /// `value` in quotes, escaped as serde_json escapes it: `"` and `\`, the control
    /// characters (`\n`, `\t`, … or `\u001f`); everything else as it is.
    fn quoted(&mut self, value: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.text.push('"');
        let mut plain = 0;
        for (at, byte) in value.bytes().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..=0x1f => "",
                _ => continue,
            };
            self.text.push_str(&value[plain..at]);
            if escape.is_empty() {
                self.text.push_str("\\u00");
                self.text.push(char::from(HEX[usize::from(byte >> 4)]));
                self.text.push(char::from(HEX[usize::from(byte & 0xf)]));
            } else {
                self.text.push_str(escape);
            }
            plain = at + 1;
        }
        self.text.push_str(&value[plain..]);
        self.text.push('"');
    }
}

impl ToJson for str {
    fn write_json(&self, json: &mut JsonWriter) {
        json.string(self);
    }
}

impl ToJson for String {
    fn write_json(&self, json: &mut JsonWriter) {
        json.string(self);
    }
}

impl ToJson for bool {
    fn write_json(&self, json: &mut JsonWriter) {
        json.token(if *self { "true" } else { "false" });
    }
}

impl ToJson for f64 {
    fn write_json(&self, json: &mut JsonWriter) {
        json.separate();
        number::write_f64(&mut json.text, *self);
    }
}

impl ToJson for u64 {
    fn write_json(&self, json: &mut JsonWriter) {
        json.unsigned(*self);
    }
}

impl ToJson for usize {
    fn write_json(&self, json: &mut JsonWriter) {
        json.unsigned(*self as u64);
    }
}

impl ToJson for u32 {
    fn write_json(&self, json: &mut JsonWriter) {
        json.unsigned(u64::from(*self));
    }
}

impl ToJson for u16 {
    fn write_json(&self, json: &mut JsonWriter) {
        json.unsigned(u64::from(*self));
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, json: &mut JsonWriter) {
        json.array(self);
    }
}

impl<T: ToJson, const N: usize> ToJson for [T; N] {
    fn write_json(&self, json: &mut JsonWriter) {
        json.array(self);
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, json: &mut JsonWriter) {
        json.array(self);
    }
}

/// `null` for `None`.
impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, json: &mut JsonWriter) {
        match self {
            Some(value) => value.write_json(json),
            None => json.token("null"),
        }
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, json: &mut JsonWriter) {
        (**self).write_json(json);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_like_serde_json() {
        let all: String = (0u8..0x80)
            .map(char::from)
            .chain("é€😀\u{2028}".chars())
            .collect();
        for text in [all.as_str(), "", "plain", "a\"b\\c", "\u{7f}"] {
            assert_eq!(text.to_json(), serde_json::to_string(text).unwrap());
        }
    }

    #[test]
    fn integers_and_commas() {
        assert_eq!(
            [0u64, 7, 10, u64::MAX].to_json(),
            "[0,7,10,18446744073709551615]"
        );
        assert_eq!(Vec::<u32>::new().to_json(), "[]");
        assert_eq!(
            [Some(true), None, Some(false)].to_json(),
            "[true,null,false]"
        );
        let mut json = JsonWriter::new();
        json.object(|json| {
            json.field("a", &[[1u16], [2]]);
            json.field("b:", ":");
            json.field("c", &[[0u32; 0]]);
        });
        assert_eq!(json.finish(), r#"{"a":[[1],[2]],"b:":":","c":[[]]}"#);
    }
}
