//! Fast paths across the WebAssembly boundary, for `findRunners`, `matchRunners` and
//! `RunnerSet` (measured in BENCHMARKS.md).
//!
//! Every call into JS and every string copied costs, and a ranking of 100 000 runners
//! has tens of thousands of results. So nothing here builds JS objects field by field:
//!
//! - a fleet's result "bases" (the fields of a `RunnerMatch` that do not depend on the
//!   query) are built once in JS and kept: for a client, in a mirror of its cached
//!   index ([`rank_cached`]); for a `RunnerSet`, at construction;
//! - a query is answered entirely in Rust, by the core's [`TagIndex`], and crosses as
//!   three typed-array views into wasm memory (positions, scores, kinds) that one JS
//!   function (`js/results.js`) turns into result objects, splitting each runner's tags
//!   by integer ids;
//! - runner objects coming in cross as columns of interned tag ids plus one text
//!   ([`RunnerColumns`]), not one crossing per field nor one Rust string per tag.
//!
//! The result objects are exactly those [`RunnerMatch`](runner_match::report::RunnerMatch)
//! describes (and that serializing it would give).

use std::cell::OnceCell;
use std::marker::PhantomData;

use js_sys::Array;
use runner_match::report::RunnerMatch;
use runner_match::{Ranked, Requirements, RunnerIndex, TagIndex};
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::kinds::{fit_bits, runner_flags};
use crate::runner_columns::{ReadRunners, RunnerColumns};
use crate::runner_object::unreadable;

/// A JS array whose items are the plain objects `T` describes (built in JS, never
/// serialized from a `T`).
#[derive(Debug)]
pub(crate) struct JsArrayOf<T> {
    array: Array,
    items: PhantomData<T>,
}

impl<T> From<Array> for JsArrayOf<T> {
    fn from(array: Array) -> Self {
        Self {
            array,
            items: PhantomData,
        }
    }
}

impl<T> From<JsArrayOf<T>> for JsValue {
    fn from(list: JsArrayOf<T>) -> Self {
        list.array.into()
    }
}

#[wasm_bindgen(module = "/js/results.js")]
extern "C" {
    /// A fleet's result bases (per position, the fields of a `RunnerMatch` that do not
    /// depend on the query) with its tags as integer ids, built by `js/results.js`.
    #[derive(Debug, Clone)]
    pub(crate) type Bases;

    #[wasm_bindgen(js_name = basesFromPacked)]
    fn bases_from_packed(text: &str, common: &str, lens: &[u32], shapes: &[u32]) -> Bases;
    #[wasm_bindgen(catch, js_name = basesFromRunners)]
    fn bases_from_runners(
        runners: &Array,
        read: &ReadRunners,
        order: &[u32],
        flags: &[u8],
    ) -> Result<Bases, JsValue>;
    #[wasm_bindgen(js_name = resultsFromBases)]
    fn results_from_bases(
        bases: &Bases,
        positions: &[u32],
        scores: &[f64],
        kinds: &[u8],
        required: &Array,
    ) -> Array;
    #[wasm_bindgen(catch, js_name = resultsFromRunners)]
    fn results_from_runners(
        runners: &Array,
        read: &ReadRunners,
        positions: &[u32],
        scores: &[f64],
        kinds: &[u8],
        required: &Array,
    ) -> Result<Array, JsValue>;
}

/// The tags a ranking's `matchedTags` may hold, as a JS array: a tag list's tags, or
/// the fleet's tags an expression wants (a superset of what its matches carry, which
/// splits their tags the same way).
fn wanted_js(requirements: &Requirements, index: &TagIndex) -> Array {
    let wanted: &mut dyn Iterator<Item = &String> = match requirements.expression() {
        None => &mut requirements.tags().iter(),
        Some(_) => &mut index
            .vocabulary()
            .iter()
            .filter(|tag| requirements.wants(tag)),
    };
    wanted.map(|tag| JsValue::from_str(tag)).collect()
}

/// A ranking as parallel columns, ready to cross as typed arrays, with the tags its
/// `matchedTags` may hold.
#[derive(Debug)]
pub(crate) struct Columns {
    positions: Vec<u32>,
    scores: Vec<f64>,
    kinds: Vec<u8>,
    wanted: Array,
}

impl Columns {
    /// The index's ranking: the core's `rank_positions`, with fits. The kinds hold the
    /// fit only (result bases know each runner's type and source).
    pub(crate) fn of_index(index: &TagIndex, requirements: &Requirements) -> Self {
        let ranked = index.rank_positions_with_fit(requirements);
        let mut columns = Self::with_capacity(ranked.len());
        for &(Ranked { position, score }, fit) in &ranked {
            columns.push(position, score, fit_bits(fit));
        }
        columns.wanted = wanted_js(requirements, index);
        columns
    }

    /// The ranking of the caller's runners over `index`, built from them in `order`:
    /// positions back in the caller's array, kinds with each runner's flags.
    pub(crate) fn of_listing(
        index: &TagIndex,
        requirements: &Requirements,
        order: &[u32],
        runners: &RunnerColumns,
    ) -> Self {
        let mut columns = Self::of_index(index, requirements);
        for (position, kind) in columns.positions.iter_mut().zip(&mut columns.kinds) {
            *position = order[*position as usize];
            *kind |= runners.flags(*position as usize);
        }
        columns
    }

    fn with_capacity(capacity: usize) -> Self {
        Self {
            positions: Vec::with_capacity(capacity),
            scores: Vec::with_capacity(capacity),
            kinds: Vec::with_capacity(capacity),
            wanted: Array::new(),
        }
    }

    fn push(&mut self, position: u32, score: f64, kind: u8) {
        self.positions.push(position);
        self.scores.push(score);
        self.kinds.push(kind);
    }

    /// Result objects over prebuilt bases (position `p`'s for `p`).
    pub(crate) fn over_bases(&self, bases: &Bases) -> JsArrayOf<RunnerMatch> {
        let (positions, scores, kinds) = (&self.positions, &self.scores, &self.kinds);
        results_from_bases(bases, positions, scores, kinds, &self.wanted).into()
    }

    /// Result objects straight from the caller's runner objects (`runners[p]`).
    ///
    /// The objects are the caller's: if reading one throws now, that is an `invalid_input`.
    pub(crate) fn over_runners(
        &self,
        runners: &RunnerColumns,
    ) -> Result<JsArrayOf<RunnerMatch>, Error> {
        let (positions, scores, kinds) = (&self.positions, &self.scores, &self.kinds);
        let (objects, read) = (&runners.objects, &runners.read);
        results_from_runners(objects, read, positions, scores, kinds, &self.wanted)
            .map(JsArrayOf::from)
            .map_err(unreadable)
    }
}

/// Bases snapshotted from the caller's objects: position `p` is runner `order[p]`.
pub(crate) fn snapshot_bases(runners: &RunnerColumns, order: &[u32]) -> Result<Bases, Error> {
    let flags: Vec<u8> = order.iter().map(|&i| runners.flags(i as usize)).collect();
    bases_from_runners(&runners.objects, &runners.read, order, &flags).map_err(unreadable)
}

/// The UTF-16 length of a string (what JS's `length` counts).
fn utf16_len(text: &str) -> u32 {
    if text.is_ascii() {
        text.len() as u32
    } else {
        text.encode_utf16().count() as u32
    }
}

/// Bases for every runner of an index, built in one crossing: each runner's own strings
/// (id, name, timestamps) in one text, its repeated ones (type, status, tags) in
/// another, every string's UTF-16 length in order, and per runner its tag count and
/// flags. Two texts because the JS strings sliced from a text keep all of it alive: the
/// repeated values are shared copies, so their text is not kept.
fn bases_of(index: &RunnerIndex) -> Bases {
    let runners = index.runners();
    // Sized exactly first: two texts growing side by side would leave freed copies of
    // each behind, and wasm memory keeps its high-water mark.
    let (mut own_len, mut common_len, mut count) = (0, 0, 0);
    for runner in runners {
        own_len += runner.id.len() + runner.name.len();
        own_len += runner.created_at.as_str().len() + runner.updated_at.as_str().len();
        common_len += runner
            .runner_type
            .as_ref()
            .map_or(0, |kind| kind.as_str().len());
        common_len += runner.status.as_str().len();
        common_len += runner.tags.iter().map(String::len).sum::<usize>();
        count += 5 + usize::from(runner.runner_type.is_some()) + runner.tags.len();
    }
    let mut text = String::with_capacity(own_len);
    let mut common = String::with_capacity(common_len);
    let mut lens: Vec<u32> = Vec::with_capacity(count);
    let mut shapes: Vec<u32> = Vec::with_capacity(runners.len() * 2);
    let mut push = |into: &mut String, s: &str| {
        into.push_str(s);
        lens.push(utf16_len(s));
    };
    for runner in runners {
        push(&mut text, &runner.id);
        push(&mut text, &runner.name);
        if let Some(kind) = &runner.runner_type {
            push(&mut common, kind.as_str());
        }
        push(&mut common, runner.status.as_str());
        push(&mut text, runner.created_at.as_str());
        push(&mut text, runner.updated_at.as_str());
        for tag in &runner.tags {
            push(&mut common, tag);
        }
        shapes.push(runner.tags.len() as u32);
        shapes.push(u32::from(runner_flags(runner)));
    }
    bases_from_packed(&text, &common, &lens, &shapes)
}

/// `findRunners` over a client's cached index: the core's ranking, as result objects
/// over the index's JS bases, built into `bases` on the first query and kept with the
/// index (dropped with it on refresh, expiry or `free()`).
pub(crate) fn rank_cached(
    index: &RunnerIndex,
    bases: &OnceCell<Bases>,
    requirements: &Requirements,
) -> JsArrayOf<RunnerMatch> {
    let bases = bases.get_or_init(|| bases_of(index));
    Columns::of_index(index.tag_index(), requirements).over_bases(bases)
}
