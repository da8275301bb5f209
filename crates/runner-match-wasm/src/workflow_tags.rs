//! `workflowTags(required)`: what to submit as a workflow's `tags`, and what of the
//! requirement ComfyControl will not enforce ([`runner_match::workflow_tags`]).

use runner_match::WorkflowTags;
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use crate::client::to_js;
use crate::requirements::requirements_from_js;

/// What ComfyControl receives of a requirement and whether it enforces all of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowTagsReport {
    /// The comma string to submit as the workflow's `tags` (`'gpu-a100,flux'`; `''`
    /// for a wildcard workflow): the requirement's literal conjunction.
    pub text: String,
    /// The same tags as an array.
    pub tags: Vec<String>,
    /// `true` when ComfyControl enforces the whole requirement; otherwise it may run
    /// the workflow on runners this package rejects.
    pub enforced: bool,
    /// Each part ComfyControl will not enforce, in words (`'flux | sdxl (an OR)'`,
    /// `'!development (a NOT)'`, `'gpu-* (a glob)'`, `'type:pro (a runner type)'`,
    /// `'prefer gpu-h100 ×3 (a preference)'`).
    pub not_enforced: Vec<String>,
}

impl From<WorkflowTags> for WorkflowTagsReport {
    fn from(tags: WorkflowTags) -> Self {
        Self {
            text: tags.text,
            tags: tags.tags,
            enforced: tags.enforced,
            not_enforced: tags.not_enforced,
        }
    }
}

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
