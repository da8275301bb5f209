//! `explainRunners`: why each runner matches or not, as the core's
//! [`ExplanationReport`](runner_match::report::ExplanationReport).

use runner_match::report::ExplanationJson;
use wasm_bindgen::prelude::*;

use crate::report_js::to_js;
use crate::requirements::requirements_from_js;
use crate::runner_columns::RunnerColumns;

/// Explains, runner by runner, why each of `runners` (as the API returns them) can or
/// cannot run a workflow with these requirements. Pure: no fetch. Throws
/// `invalid_input` for bad requirements or runner objects.
#[wasm_bindgen(js_name = explainRunners, unchecked_return_type = "ExplanationReport")]
pub fn explain_runners(
    #[wasm_bindgen(unchecked_param_type = "ApiRunner[]")] runners: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequiredTags")] required_tags: JsValue,
) -> Result<JsValue, JsValue> {
    let requirements = requirements_from_js(&required_tags)?;
    let runners = RunnerColumns::read_runners(&runners)?;
    let explanation = runner_match::explain(&runners, &requirements);
    to_js(&ExplanationJson(&explanation))
}
