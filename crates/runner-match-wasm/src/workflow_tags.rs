//! `workflowTags(required)`: what to submit as a workflow's `tags`, and what of the
//! requirement ComfyControl will not enforce ([`runner_match::workflow_tags`]).

use runner_match::report::WorkflowTagsReport;
use wasm_bindgen::prelude::*;

use crate::report_js::to_js;
use crate::requirements::requirements_from_js;

/// What to submit as the `tags` of a ComfyControl workflow for these requirements, and
/// which parts (OR, NOT, globs, `type:`, preferences) ComfyControl will not enforce.
/// Pure: no fetch. Throws `invalid_input` for bad requirements.
///
/// ```js
/// workflowTags('gpu-a100 & (flux | sdxl)')
/// // { text: 'gpu-a100', tags: ['gpu-a100'], enforced: false, notEnforced: ['flux | sdxl (an OR)'] }
/// ```
#[wasm_bindgen(js_name = workflowTags, unchecked_return_type = "WorkflowTagsReport")]
pub fn workflow_tags(
    #[wasm_bindgen(unchecked_param_type = "RequiredTags")] required_tags: JsValue,
) -> Result<JsValue, JsValue> {
    let requirements = requirements_from_js(&required_tags)?;
    to_js(&WorkflowTagsReport::from(runner_match::workflow_tags(
        &requirements,
    )))
}
