//! Reading `requiredTags` from JS: a comma-separated string or an array of strings.

use runner_match::Requirements;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::ClientError;

/// The TypeScript type of every `requiredTags` parameter.
pub const REQUIRED_TAGS_TS: &str = "string | string[]";

/// Builds requirements from a JS value, with the core's rules. `undefined` and `null`
/// mean no tags (any runner). Anything else is an `invalid_input` error that says what
/// was passed.
pub fn requirements_from_js(value: &JsValue) -> Result<Requirements, ClientError> {
    let parsed = if value.is_undefined() || value.is_null() {
        return Ok(Requirements::any());
    } else if let Some(text) = value.as_string() {
        text.parse()
    } else if let Some(array) = value.dyn_ref::<js_sys::Array>() {
        let mut tags = Vec::with_capacity(array.length() as usize);
        for (index, item) in array.iter().enumerate() {
            match item.as_string() {
                Some(tag) => tags.push(tag),
                None => {
                    return Err(ClientError::invalid_input(format!(
                        "requiredTags[{index}] is {}, expected a string",
                        describe(&item)
                    )))
                }
            }
        }
        Requirements::from_tags(&tags)
    } else {
        return Err(ClientError::invalid_input(format!(
            "requiredTags must be a string or an array of strings, got {}",
            describe(value)
        )));
    };
    parsed.map_err(|err| ClientError::invalid_input(format!("invalid requiredTags: {err}")))
}

/// A short description of a JS value's type for error messages (never its content,
/// which could be large or sensitive).
pub fn describe(value: &JsValue) -> &'static str {
    if value.is_undefined() {
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
    } else if js_sys::Array::is_array(value) {
        "an array"
    } else {
        "an object"
    }
}
