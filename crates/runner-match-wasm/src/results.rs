//! Fast paths across the WebAssembly boundary, for `findRunners`, `matchRunners` and
//! `RunnerSet` (measured in BENCHMARKS.md).
//!
//! Every call into JS and every string copied costs, and a ranking of 100 000 runners
//! has tens of thousands of results. So nothing here builds JS objects field by field:
//!
//! - a fleet's result "bases" (the fields of a `RunnerMatch` that do not depend on the
//!   query) are built once in JS and kept: for a client, in a mirror of its cached
//!   index ([`rank_cached`]); for a `RunnerSet`, at construction;
//! - a query is answered entirely in Rust, by the core, and crosses as three typed-array
//!   views into wasm memory (positions, scores, kinds) that one JS function
//!   (`js/results.js`) turns into result objects;
//! - runner objects coming in are packed by JS into one UTF-8 buffer plus lengths
//!   ([`runners_from_js`]), not read with one crossing per field.
//!
//! The result objects are exactly those [`RunnerMatch`](runner_match::report::RunnerMatch)
//! describes (and that serializing it would give).

use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::{Rc, Weak};

use js_sys::{Array, JsString};
use runner_match::order::sorted_positions;
use runner_match::report::{wanted_tags, RunnerMatch};
use runner_match::{
    compare, fit, Fit, Match, Ranked, Requirements, Runner, RunnerIndex, RunnerSource,
    RunnerStatus, RunnerType,
};
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::runner_object::{error_text, read_runner};
use crate::snapshot::describe;

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
    fn bases_from_runners(runners: &Array, order: &[u32], flags: &[u8]) -> Result<Bases, JsValue>;
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
        positions: &[u32],
        scores: &[f64],
        kinds: &[u8],
        required: &Array,
    ) -> Result<Array, JsValue>;
    /// `null` for a value that is not an array; throws only if reading the array does.
    #[wasm_bindgen(catch, js_name = packRunners)]
    fn pack_runners(runners: &JsValue, with_names: bool) -> Result<JsValue, JsValue>;

    /// `text` as UTF-8 into wasm memory at `ptr` (room for `cap` bytes): the bytes
    /// written, or -1 if they did not fit.
    #[wasm_bindgen(js_name = encodeInto)]
    fn encode_into(text: &JsString, memory: &JsValue, ptr: u32, cap: u32) -> i32;

    /// `{ text, lens, shapes, broken }` from `packRunners`.
    type Packed;
    #[wasm_bindgen(method, getter)]
    fn text(this: &Packed) -> JsString;
    #[wasm_bindgen(method, getter)]
    fn lens(this: &Packed) -> Vec<u32>;
    #[wasm_bindgen(method, getter)]
    fn shapes(this: &Packed) -> Vec<u32>;
    #[wasm_bindgen(method, getter)]
    fn broken(this: &Packed) -> Array;
}

/// `kinds` bits: the fit in the low two bits (0 exact, 1 superset, 2 wildcard runner)…
const FIT_SUPERSET: u8 = 1;
const FIT_WILDCARD: u8 = 2;
/// …whether the runner has a `runner_type`, and whether it is self-hosted.
const HAS_TYPE: u8 = 4;
const SELF_HOSTED: u8 = 8;

/// The low two bits of `kinds`.
fn fit_bits(fit: Fit) -> u8 {
    match fit {
        Fit::Exact => 0,
        Fit::Superset { .. } => FIT_SUPERSET,
        Fit::WildcardRunner => FIT_WILDCARD,
    }
}

/// The tags a ranking's `matchedTags` may hold, as a JS array.
fn wanted_js(requirements: &Requirements, matches: &[Match<'_>]) -> Array {
    wanted_tags(requirements, matches)
        .iter()
        .map(|tag| JsValue::from_str(tag))
        .collect()
}

/// `packRunners` shapes: a runner for the complete reader, and the flag bits above the
/// 16-bit tag count.
const SLOW: u32 = u32::MAX;
/// A runner whose property reads threw (a revoked proxy, a throwing getter).
const BROKEN: u32 = u32::MAX - 1;
const SHAPE_HAS_TYPE: u32 = 0x1_0000;

/// The per-runner bits of `kinds` (no fit).
pub(crate) fn runner_flags(runner: &Runner) -> u8 {
    let mut flags = 0;
    if runner.runner_type.is_some() {
        flags |= HAS_TYPE;
    }
    if matches!(runner.source, RunnerSource::SelfHosted { .. }) {
        flags |= SELF_HOSTED;
    }
    flags
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
    /// fit only: result bases know each runner's type and source.
    pub(crate) fn of_index(index: &RunnerIndex, requirements: &Requirements) -> Self {
        let ranked = index.rank_positions_with_fit(requirements);
        let mut columns = Self::with_capacity(ranked.len());
        for &(Ranked { position, score }, fit) in &ranked {
            columns.push(position, score, fit_bits(fit));
        }
        // Only an expression's wanted tags depend on the matches.
        let runners = index.runners();
        let matches: Vec<Match<'_>> = if requirements.expression().is_some() {
            ranked
                .iter()
                .filter_map(|&(Ranked { score, position }, fit)| {
                    let runner = runners.get(position as usize)?;
                    Some(Match { runner, score, fit })
                })
                .collect()
        } else {
            Vec::new()
        };
        columns.wanted = wanted_js(requirements, &matches);
        columns
    }

    /// The core's `rank(runners, requirements)`, each match keeping its position in
    /// `runners`: the same `fit`, ordered by the same `compare` in the same stable sort.
    pub(crate) fn of_runners(runners: &[Runner], requirements: &Requirements) -> Self {
        let fits: Vec<(u32, Match<'_>)> = (0..)
            .zip(runners)
            .filter_map(|(position, runner)| Some((position, fit(runner, requirements)?)))
            .collect();
        let order = sorted_positions(fits.len(), &|a, b| compare(&fits[a].1, &fits[b].1));
        let mut columns = Self::with_capacity(order.len());
        let mut matches = Vec::with_capacity(order.len());
        for (position, found) in order.iter().filter_map(|&at| fits.get(at as usize)) {
            columns.push(
                *position,
                found.score,
                fit_bits(found.fit) | runner_flags(found.runner),
            );
            matches.push(*found);
        }
        columns.wanted = wanted_js(requirements, &matches);
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
    pub(crate) fn over_runners(&self, runners: &Array) -> Result<JsArrayOf<RunnerMatch>, Error> {
        let (positions, scores, kinds) = (&self.positions, &self.scores, &self.kinds);
        results_from_runners(runners, positions, scores, kinds, &self.wanted)
            .map(JsArrayOf::from)
            .map_err(unreadable)
    }
}

/// The error for runner objects whose reads threw.
fn unreadable(error: JsValue) -> Error {
    Error::invalid_input(format!("runners could not be read: {}", error_text(&error)))
}

/// Bases snapshotted from the caller's objects: position `p` is `runners[order[p]]`.
pub(crate) fn snapshot_bases(
    runners: &Array,
    order: &[u32],
    sorted: &[Runner],
) -> Result<Bases, Error> {
    let flags: Vec<u8> = sorted.iter().map(runner_flags).collect();
    bases_from_runners(runners, order, &flags).map_err(unreadable)
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

thread_local! {
    /// JS bases of the indexes clients currently cache, keyed by the index itself: an
    /// entry lives as long as its index (dead entries are dropped on the next lookup).
    static MIRRORS: RefCell<Vec<(Weak<RunnerIndex>, Bases)>> = const { RefCell::new(Vec::new()) };
}

/// The bases of a client's cached index: built on its first query, then reused until the
/// client drops the index (refresh, expiry).
fn mirror_of(index: &Rc<RunnerIndex>) -> Bases {
    MIRRORS.with(|mirrors| {
        let mut mirrors = mirrors.borrow_mut();
        mirrors.retain(|(weak, _)| weak.strong_count() > 0);
        if let Some((_, bases)) = mirrors
            .iter()
            .find(|(weak, _)| weak.upgrade().is_some_and(|held| Rc::ptr_eq(&held, index)))
        {
            return bases.clone();
        }
        let bases = bases_of(index);
        mirrors.push((Rc::downgrade(index), bases.clone()));
        bases
    })
}

/// `findRunners` over a client's cached index: the core's ranking, as result objects.
pub(crate) fn rank_cached(
    index: &Rc<RunnerIndex>,
    requirements: &Requirements,
) -> JsArrayOf<RunnerMatch> {
    Columns::of_index(index, requirements).over_bases(&mirror_of(index))
}

/// A string of `len` UTF-16 units from the packed text.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
    lens: std::slice::Iter<'a, u32>,
}

impl<'a> Cursor<'a> {
    fn next(&mut self) -> Option<&'a str> {
        let units = *self.lens.next()? as usize;
        let rest = self.text.get(self.at..)?;
        let bytes = rest.as_bytes();
        let end = if bytes.get(..units).is_some_and(<[u8]>::is_ascii) {
            units
        } else {
            let mut counted = 0;
            let mut end = 0;
            for ch in rest.chars() {
                if counted >= units {
                    break;
                }
                counted += ch.len_utf16();
                end += ch.len_utf8();
            }
            if counted != units {
                return None;
            }
            end
        };
        self.at += end;
        rest.get(..end)
    }
}

/// The packed text ran out or split a character: the lengths do not describe it.
struct Misaligned;

/// A packed runner; `Ok(None)` when a field is not valid (a bad timestamp): the complete
/// reader then words the error. Consumes exactly the runner's strings either way.
fn unpack(cursor: &mut Cursor<'_>, shape: u32, names: Names) -> Result<Option<Runner>, Misaligned> {
    let mut next = || cursor.next().ok_or(Misaligned);
    let id = next()?.to_owned();
    let name = match names {
        Names::Read => next()?.to_owned(),
        Names::Skip => String::new(),
    };
    let runner_type = if shape & SHAPE_HAS_TYPE != 0 {
        Some(RunnerType::from(next()?))
    } else {
        None
    };
    let status = RunnerStatus::from(next()?);
    let created = next()?.parse().ok();
    let updated = next()?.parse().ok();
    let count = (shape & 0xffff) as usize;
    let mut tags = Vec::with_capacity(count);
    for _ in 0..count {
        tags.push(next()?.to_owned());
    }
    let (Some(created_at), Some(updated_at)) = (created, updated) else {
        return Ok(None);
    };
    Ok(Some(Runner {
        id,
        name,
        runner_type,
        status,
        tags,
        created_at,
        updated_at,
        source: RunnerSource::Managed,
    }))
}

/// One runner through the complete reader, which also words the errors: they name the
/// field and the kind of value, never the value (a self-hosted runner's `headers` and
/// `endpoint` may hold credentials).
fn read_one(item: JsValue, index: usize) -> Result<Runner, Error> {
    read_runner(&item)
        .map_err(|why| Error::invalid_input(format!("runners[{index}] is not a runner: {why}")))
}

/// A JS string as UTF-8, encoded by JS straight into a buffer in wasm memory: first
/// with room for one byte per UTF-16 unit (all an ASCII text needs), else for three
/// (the most any unit takes).
fn utf8_of(text: &JsString) -> Vec<u8> {
    let units = text.length() as usize;
    let memory = wasm_bindgen::memory();
    for room in [units, 3 * units] {
        let mut bytes = vec![0u8; room];
        let written = encode_into(text, &memory, bytes.as_mut_ptr() as u32, room as u32);
        if let Ok(written) = usize::try_from(written) {
            bytes.truncate(written);
            return bytes;
        }
    }
    Vec::new()
}

/// Whether [`runners_from_js`] reads runners' names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Names {
    Read,
    /// For callers that never read a name in Rust (ranking and ordering do not use it;
    /// results take names from the JS objects): plain runners then get an empty `name`,
    /// and their names are neither packed nor copied.
    Skip,
}

/// Reads an array of API runner objects (snake_case, as the API lists them), naming the
/// first bad element. Plain managed runners are packed by JS and read in one go; any
/// other element (self-hosted runners, wrong types) goes through the complete reader.
pub(crate) fn runners_from_js(
    value: &JsValue,
    names: Names,
) -> Result<(Array, Vec<Runner>), Error> {
    let packed = pack_runners(value, names == Names::Read).map_err(unreadable)?;
    if packed.is_null() {
        return Err(Error::invalid_input(format!(
            "runners must be an array of runner objects, got {}",
            describe(value)
        )));
    }
    let array: &Array = value.unchecked_ref();
    let packed: Packed = packed.unchecked_into();
    let bytes = utf8_of(&packed.text());
    let (lens, shapes) = (packed.lens(), packed.shapes());
    let broken = packed.broken();
    let mut broken = broken.iter();
    // TextEncoder output is always UTF-8; should it ever not be, every runner simply
    // takes the complete reader.
    let text = std::str::from_utf8(&bytes).unwrap_or_default();
    let mut cursor = Cursor {
        text,
        at: 0,
        lens: lens.iter(),
    };
    let mut runners = Vec::with_capacity(shapes.len());
    // Cleared if the packed text ever disagrees with its lengths (it cannot, short of a
    // bug): every later runner then takes the complete reader too.
    let mut aligned = true;
    for (index, &shape) in shapes.iter().enumerate() {
        if shape == BROKEN {
            let why = broken.next().and_then(|text| text.as_string());
            return Err(Error::invalid_input(format!(
                "runners[{index}] is not a runner: reading it threw {}",
                why.unwrap_or_default()
            )));
        }
        let fast = if shape == SLOW || !aligned {
            None
        } else {
            match unpack(&mut cursor, shape, names) {
                Ok(runner) => runner,
                Err(Misaligned) => {
                    aligned = false;
                    None
                }
            }
        };
        runners.push(match fast {
            Some(runner) => runner,
            None => read_one(array.get(index as u32), index)?,
        });
    }
    Ok((array.clone(), runners))
}
