//! Reading untrusted JS values safely: one JS call copies them into plain data.
//!
//! A JS exception thrown while Rust is on the stack unwinds through the WebAssembly
//! frames without running their cleanup; repeated, it corrupts the module (its shadow
//! stack leaks until every call traps). Revoked proxies, throwing getters and exotic
//! objects throw on a mere read, so `requiredTags` and options are first copied by
//! `js/snapshot.js`, inside a try/catch, into strings, numbers, arrays and
//! null-prototype objects that Rust can read without any call throwing.

use wasm_bindgen::prelude::*;

use crate::error::Error;

#[wasm_bindgen(module = "/js/snapshot.js")]
extern "C" {
    /// A value the snapshot refused to copy, with what it was.
    pub type Opaque;

    #[wasm_bindgen(method, getter)]
    fn kind(this: &Opaque) -> String;

    #[wasm_bindgen(catch, js_name = snapshot)]
    fn snapshot_js(value: &JsValue, path: &str) -> Result<JsValue, JsValue>;
}

/// A plain copy of `value` (`what` names it in messages), or an `invalid_input` error.
pub fn snapshot(value: &JsValue, what: &str) -> Result<JsValue, Error> {
    snapshot_js(value, what).map_err(|error| {
        let message = error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| format!("{what} could not be read"));
        Error::invalid_input(message)
    })
}

/// A short description of a (snapshotted) JS value's type for error messages, never
/// its content, which could be large or sensitive.
pub fn describe(value: &JsValue) -> String {
    let kind = if value.is_undefined() {
        "undefined"
    } else if value.is_null() {
        "null"
    } else if value.as_bool().is_some() {
        "a boolean"
    } else if value.as_f64().is_some() {
        "a number"
    } else if value.is_string() {
        "a string"
    } else if value.is_bigint() {
        "a bigint"
    } else if value.is_symbol() {
        "a symbol"
    } else if value.is_function() {
        "a function"
    } else if let Some(opaque) = value.dyn_ref::<Opaque>() {
        return opaque.kind();
    } else if js_sys::Array::is_array(value) {
        "an array"
    } else {
        "an object"
    };
    kind.to_owned()
}

/// `true` for a plain object (what the snapshot makes of `{…}` literals).
pub fn is_plain_object(value: &JsValue) -> bool {
    value.is_object()
        && !value.is_function()
        && !js_sys::Array::is_array(value)
        && !value.is_instance_of::<Opaque>()
}
