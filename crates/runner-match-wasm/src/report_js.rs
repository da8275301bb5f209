//! Reports for JS as plain objects (`explain`, `listRunners`, `pool`, `diagnose`,
//! `explainRunners`, `workflowTags`): the core's JSON writer, parsed by the engine.

use std::cell::Cell;
use std::rc::Rc;

use runner_match::json_write::{JsonWriter, ToJson};
use wasm_bindgen::prelude::*;

use crate::error::{ClientError, ErrorCode};

/// A report for JS as plain objects: written as one JSON text by the core's writer and
/// parsed by the engine (far smaller in wasm than building objects field by field, or
/// than serde_json, and no slower). Takes `dyn`: one copy serves every report type.
///
/// The text crosses into JS in pieces of [`JSON_PIECE`] bytes as it is written, and JS
/// joins them: WebAssembly memory never shrinks, so a report's whole text (tens of MB
/// for a large fleet) in wasm would stay with the page for good.
pub(crate) fn to_js(value: &dyn ToJson) -> Result<JsValue, JsValue> {
    let pieces = js_sys::Array::new();
    let into = pieces.clone();
    let bytes = Rc::new(Cell::new(0usize));
    let written = bytes.clone();
    let mut json = JsonWriter::in_pieces(JSON_PIECE, move |piece| {
        written.set(written.get() + piece.len());
        into.push(&piece.into());
    });
    value.write_json(&mut json);
    json.finish();
    let failed = |why: String| ClientError::new(ErrorCode::Decode, why).into_js();
    // A report past the engine's longest string (about 512 MiB in V8: e.g. a diagnose
    // explaining hundreds of workflows against 100k runners) cannot be one JSON text.
    let text = pieces.unchecked_ref::<Pieces>().join("").map_err(|_| {
        failed(format!(
            "could not build the result: its JSON text ({} MB) is longer than this JS \
             engine's longest string",
            bytes.get().div_ceil(1_000_000)
        ))
    })?;
    parse_json(&text).map_err(|_| failed("could not build the result".to_owned()))
}

/// The size of the pieces of [`to_js`]'s text: large enough that crossing into JS costs
/// nothing measurable, small beside any fleet's report.
const JSON_PIECE: usize = 64 * 1024;

#[wasm_bindgen]
extern "C" {
    /// The array of a report's text pieces.
    type Pieces;

    /// `pieces.join(separator)`, which throws a `RangeError` past the longest string.
    #[wasm_bindgen(method, catch)]
    fn join(this: &Pieces, separator: &str) -> Result<js_sys::JsString, JsValue>;

    /// `JSON.parse` of a JS string.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_json(text: &js_sys::JsString) -> Result<JsValue, JsValue>;
}
