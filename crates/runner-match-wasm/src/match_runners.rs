//! `matchRunners` and `RunnerSet`: the pure matcher over runner objects the caller
//! already has. No fetch.

use runner_match::order::sorted_positions;
use runner_match::{compare_runners, Runner, RunnerIndex};
use wasm_bindgen::prelude::*;

use crate::requirements::requirements_from_js;
// `Names::Skip`: the set and the one-shot ranking never read a name in Rust (results
// take theirs from the caller's objects, or from bases snapshotted from them).
use crate::results::{self, Columns, Names};

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
    let (objects, runners) = results::runners_from_js(&runners, Names::Skip)?;
    let columns = Columns::of_runners(&runners, &requirements);
    Ok(columns.over_runners(&objects)?.into())
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
    index: RunnerIndex,
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
        let (objects, runners) = results::runners_from_js(&runners, Names::Skip)?;
        // Listing order, remembering where each runner came from; the index's own
        // (stable) sort then finds the list already in order.
        let order = sorted_positions(runners.len(), &|a, b| {
            compare_runners(&runners[a], &runners[b])
        });
        let mut slots: Vec<Option<Runner>> = runners.into_iter().map(Some).collect();
        let sorted: Vec<Runner> = order
            .iter()
            .filter_map(|&i| slots.get_mut(i as usize)?.take())
            .collect();
        let bases = results::snapshot_bases(&objects, &order, &sorted)?;
        Ok(Self {
            index: RunnerIndex::new(sorted),
            bases,
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
