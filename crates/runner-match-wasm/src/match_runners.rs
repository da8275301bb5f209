//! `matchRunners`: the pure matcher over runner objects the caller already has.

use runner_match::{rank, Runner};
use wasm_bindgen::prelude::*;

use crate::client::to_js;
use crate::error::ClientError;
use crate::tags::{describe, requirements_from_js};
use crate::types::RunnerMatch;

/// Ranks runners as the API returns them (snake_case objects) for the required tags.
/// Pure: no fetch. Throws `invalid_input` for bad tags or runner objects.
#[wasm_bindgen(js_name = matchRunners, unchecked_return_type = "RunnerMatch[]")]
pub fn match_runners(
    #[wasm_bindgen(unchecked_param_type = "ApiRunner[]")] runners: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | string[]")] required_tags: JsValue,
) -> Result<JsValue, JsValue> {
    let requirements = requirements_from_js(&required_tags)?;
    let runners = runners_from_js(&runners)?;
    let ranked: Vec<RunnerMatch> = rank(&runners, &requirements)
        .iter()
        .map(|m| RunnerMatch::new(m, requirements.tags()))
        .collect();
    to_js(&ranked)
}

/// Reads an array of API runner objects, naming the first bad element.
pub(crate) fn runners_from_js(value: &JsValue) -> Result<Vec<Runner>, ClientError> {
    let array = value.dyn_ref::<js_sys::Array>().ok_or_else(|| {
        ClientError::invalid_input(format!(
            "runners must be an array of runner objects, got {}",
            describe(value)
        ))
    })?;
    array
        .iter()
        .enumerate()
        .map(|(index, item)| {
            serde_wasm_bindgen::from_value::<Runner>(item).map_err(|err| {
                ClientError::invalid_input(format!("runners[{index}] is not a runner: {err}"))
            })
        })
        .collect()
}
