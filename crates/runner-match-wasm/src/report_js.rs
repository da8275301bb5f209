//! Reports for JS as plain objects (`explain`, `listRunners`, `pool`, `diagnose`,
//! `explainRunners`, `workflowTags`): the core's JSON writer, parsed by the engine.

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
    let mut json = JsonWriter::in_pieces(JSON_PIECE, move |piece| {
        into.push(&piece.into());
    });
    value.write_json(&mut json);
    json.finish();
    parse_json(&pieces.join(""))
        .map_err(|_| ClientError::new(ErrorCode::Decode, "could not build the result").into_js())
}

/// The size of the pieces of [`to_js`]'s text: large enough that crossing into JS costs
/// nothing measurable, small beside any fleet's report.
const JSON_PIECE: usize = 64 * 1024;

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` of a JS string.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_json(text: &js_sys::JsString) -> Result<JsValue, JsValue>;
}
