//! `matchRunners` and `RunnerSet`: the pure matcher over runner objects the caller
//! already has. No fetch.

use runner_match::TagIndex;
use wasm_bindgen::prelude::*;

use crate::requirements::requirements_from_js;
use crate::results::{self, Columns};
use crate::runner_columns::RunnerColumns;

/// Ranks runners as the API returns them (snake_case objects) for the required tags.
/// Pure: no fetch. Throws `invalid_input` for bad tags or runner objects.
///
/// Every call reads the whole list; to ask many questions of one list, build a
/// `RunnerSet` once.
#[wasm_bindgen(js_name = matchRunners, unchecked_return_type = "RunnerMatch[]")]
pub fn match_runners(
    #[wasm_bindgen(unchecked_param_type = "ApiRunner[]")] runners: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequiredTags")] required_tags: JsValue,
) -> Result<JsValue, JsValue> {
    let requirements = requirements_from_js(&required_tags)?;
    let mut runners = RunnerColumns::read(&runners)?;
    // The core's index over the columns, in listing order: a one-shot ranking is the
    // same question as a set's, and building the sets costs about one pass.
    let order = runners.listing_order();
    let index = runners.tag_index(&order)?;
    let columns = Columns::of_listing(&index, &requirements, &order, &runners);
    Ok(columns.over_runners(&runners)?.into())
}

/// A runner list prepared once for many `matchRunners` questions: the runners are read,
/// checked and indexed by tag at construction (a snapshot: later changes to the objects
/// do not show), and each `match` then costs about as much as its results.
///
/// ```js
/// const set = new RunnerSet(await client.listRunners());
/// set.match('gpu-a100, flux');   // the same answer as matchRunners(runners, 'gpu-a100, flux')
/// ```
#[wasm_bindgen]
pub struct RunnerSet {
    index: TagIndex,
    /// Per position in `index`, the JS fields of a result that do not depend on the query.
    bases: results::Bases,
}

impl std::fmt::Debug for RunnerSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunnerSet")
            .field("runners", &self.index.len())
            .finish_non_exhaustive()
    }
}

#[wasm_bindgen]
impl RunnerSet {
    /// Reads and indexes runners as the API returns them. Throws `invalid_input`, naming
    /// the first bad element, like `matchRunners`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ApiRunner[]")] runners: JsValue,
    ) -> Result<RunnerSet, JsValue> {
        let mut runners = RunnerColumns::read(&runners)?;
        // Position `p` of the index is runner `order[p]`: listing order.
        let order = runners.listing_order();
        Ok(Self {
            index: runners.tag_index(&order)?,
            bases: results::snapshot_bases(&runners, &order)?,
        })
    }

    /// Active runners that can run a workflow with these tags, best fit first: what
    /// `matchRunners(runners, requiredTags)` returns. Throws `invalid_input` for bad tags.
    #[wasm_bindgen(js_name = match, unchecked_return_type = "RunnerMatch[]")]
    pub fn match_tags(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequiredTags")] required_tags: JsValue,
    ) -> Result<JsValue, JsValue> {
        let requirements = requirements_from_js(&required_tags)?;
        let columns = Columns::of_index(&self.index, &requirements);
        Ok(columns.over_bases(&self.bases).into())
    }

    /// How many runners the set holds, active or not.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.index.len() as u32
    }
}
