//! `isExpression(text)`: whether the package reads a requirement string as an
//! expression or as ComfyControl's comma list ([`runner_match::looks_like_expression`]).

use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::snapshot::{describe, snapshot};

/// `true` when `text` uses expression syntax (`& | ! ( ) "`, a glob `*` or `?`, or a
/// comma-separated item starting with `type:`) and is therefore parsed as an
/// expression; `false` for ComfyControl's plain comma list (`'gpu a100, flux'` is the
/// two tags `gpu a100` and `flux`). Pure: it answers how the string would be read, not
/// whether it is valid. Throws `invalid_input` for anything but a string (an array of
/// tags is never an expression: each item is one literal tag).
///
/// ```js
/// isExpression('gpu-* & !development') // true
/// isExpression('gpu-a100, flux')       // false
/// ```
#[wasm_bindgen(js_name = isExpression)]
pub fn is_expression(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> Result<bool, JsValue> {
    // The snapshot refuses lone surrogates like every other string argument.
    let text = snapshot(&text, "text")?;
    match text.as_string() {
        Some(text) => Ok(runner_match::looks_like_expression(&text)),
        None => Err(Error::invalid_input(format!(
            "text must be a string such as 'gpu-a100 & flux', got {}",
            describe(&text)
        ))
        .into()),
    }
}
