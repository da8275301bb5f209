//! Runner objects the caller passes (`matchRunners`, `RunnerSet`, `explainRunners`), read
//! in one crossing as columns, not as one `Runner` of strings each.
//!
//! `readRunners` (`js/results.js`) walks the array once: it interns every runner's tags
//! into integer ids (and its status and type), and packs a plain runner's own strings
//! (id, created_at, updated_at, the name only when asked) into one text. Here those
//! columns are checked (timestamps parsed, the first bad element named) and ordered,
//! and become the core's [`TagIndex`] directly: ranking reads no tag string per runner,
//! and the results take every string from the caller's objects. Only `explainRunners`,
//! which reports names and statuses, turns the columns into [`Runner`]s.
//!
//! Any element that is not a plain managed runner (self-hosted runners, wrong types) is
//! read by the complete reader ([`read_runner`]), which words the error.

use std::ops::Range;

use js_sys::{Array, JsString};
use runner_match::order::sorted_positions;
use runner_match::{
    Runner, RunnerSource, RunnerStatus, RunnerType, TagIndex, TagIndexBuilder, Timestamp,
};
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::results::{runner_flags, unreadable, HAS_TYPE};
use crate::runner_object::read_runner;
use crate::snapshot::describe;

#[wasm_bindgen(module = "/js/results.js")]
extern "C" {
    /// `readRunners`' columns; its `table` (the interned tags) also serves the results.
    #[derive(Debug, Clone)]
    pub(crate) type ReadRunners;

    /// `null` for a value that is not an array; throws only if reading the array does.
    #[wasm_bindgen(catch, js_name = readRunners)]
    fn read_runners(runners: &JsValue, with_names: bool) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn codes(this: &ReadRunners) -> Vec<u32>;
    #[wasm_bindgen(method, getter)]
    fn broken(this: &ReadRunners) -> Array;
    #[wasm_bindgen(method, getter)]
    fn text(this: &ReadRunners) -> JsString;
    #[wasm_bindgen(method, getter)]
    fn common(this: &ReadRunners) -> JsString;
    #[wasm_bindgen(method, getter)]
    fn lens(this: &ReadRunners) -> Vec<u32>;
    #[wasm_bindgen(method, getter)]
    fn counts(this: &ReadRunners) -> Vec<u32>;

    /// `readRunners`' `table`: the tag ids of row `p` are `ids[offsets[p]..offsets[p + 1]]`.
    type TagTable;
    #[wasm_bindgen(method, getter)]
    fn table(this: &ReadRunners) -> TagTable;
    #[wasm_bindgen(method, getter)]
    fn offsets(this: &TagTable) -> Vec<u32>;
    #[wasm_bindgen(method, js_name = usedIds)]
    fn used_ids(this: &TagTable) -> Vec<u32>;

    /// `text` as UTF-8 into wasm memory at `ptr` (room for `cap` bytes): the bytes
    /// written, or -1 if they did not fit.
    #[wasm_bindgen(js_name = encodeInto)]
    fn encode_into(text: &JsString, memory: &JsValue, ptr: u32, cap: u32) -> i32;
}

/// `codes`: a runner for the complete reader; one whose property reads threw.
const SLOW: u32 = u32::MAX;
const BROKEN: u32 = u32::MAX - 1;

/// Whether the columns carry runners' names (only `explainRunners` reads them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Names {
    Read,
    Skip,
}

/// A runner's fields other than its tags.
#[derive(Debug)]
enum Row {
    /// A plain managed runner: byte ranges into the text (`id` and `name` empty unless
    /// read with [`Names::Read`]), ids into the vocabularies.
    Packed {
        id: Range<usize>,
        name: Range<usize>,
        created_at: Range<usize>,
        updated_at: Range<usize>,
        created: (i64, u32),
        status: u32,
        type_id: Option<u32>,
    },
    /// Any other runner, read completely.
    Read(Box<Runner>),
}

/// The caller's runners as columns, in the caller's order (see the module docs).
#[derive(Debug)]
pub(crate) struct RunnerColumns {
    /// The caller's array and `readRunners`' result (whose tag table results reuse).
    pub(crate) objects: Array,
    pub(crate) read: ReadRunners,
    /// The packed runners' own strings.
    text: String,
    rows: Vec<Row>,
    /// Runner `i`'s tag ids are `tag_ids[tag_offsets[i]..tag_offsets[i + 1]]`.
    tag_offsets: Vec<u32>,
    tag_ids: Vec<u32>,
    vocabulary: Vec<String>,
    statuses: Vec<String>,
    /// The packed runners' types, then any other type a completely read runner has.
    types: Vec<String>,
}

impl RunnerColumns {
    /// Reads an array of API runner objects (snake_case, as the API lists them), naming
    /// the first bad element.
    pub(crate) fn read(value: &JsValue, names: Names) -> Result<Self, Error> {
        let read = read_runners(value, names == Names::Read).map_err(unreadable)?;
        if read.is_null() {
            return Err(Error::invalid_input(format!(
                "runners must be an array of runner objects, got {}",
                describe(value)
            )));
        }
        let objects: Array = value.clone().unchecked_into();
        let read: ReadRunners = read.unchecked_into();
        let lens = read.lens();
        let counts = read.counts();
        let own_lens = counts.first().map_or(0, |&count| count as usize);
        let (own, common) = lens.split_at(own_lens.min(lens.len()));
        // TextEncoder output is always UTF-8; should it ever not be, the strings come
        // out empty and every packed runner fails to parse (so it takes the reader).
        let text = String::from_utf8(utf8_of(&read.text())).unwrap_or_default();
        let common_text = String::from_utf8(utf8_of(&read.common())).unwrap_or_default();
        let mut common_strings = Strings::strs(&common_text, common).map(str::to_owned);
        let mut take = |count: Option<&u32>| -> Vec<String> {
            let count = count.map_or(0, |&count| count as usize);
            common_strings.by_ref().take(count).collect()
        };
        let (vocabulary, statuses, types) = (
            take(counts.get(1)),
            take(counts.get(2)),
            take(counts.get(3)),
        );
        let table = read.table();
        let mut columns = Self {
            objects,
            text,
            rows: Vec::new(),
            tag_offsets: table.offsets(),
            tag_ids: table.used_ids(),
            vocabulary,
            statuses,
            types,
            read,
        };
        columns.rows = columns.read_rows(own, names)?;
        // Types only completely read runners have join the list, once each.
        for row in &columns.rows {
            if let Row::Read(runner) = row {
                if let Some(kind) = &runner.runner_type {
                    if !columns.types.iter().any(|known| known == kind.as_str()) {
                        columns.types.push(kind.as_str().to_owned());
                    }
                }
            }
        }
        Ok(columns)
    }

    /// Each runner's row, in the caller's order; the first bad one is an error.
    fn read_rows(&self, own: &[u32], names: Names) -> Result<Vec<Row>, Error> {
        let codes = self.read.codes();
        let broken = self.read.broken();
        let mut broken = broken.iter();
        let mut own = Strings::ranges(&self.text, own);
        let mut rows = Vec::with_capacity(codes.len());
        for (index, &code) in codes.iter().enumerate() {
            if code == BROKEN {
                let why = broken.next().and_then(|text| text.as_string());
                return Err(Error::invalid_input(format!(
                    "runners[{index}] is not a runner: reading it threw {}",
                    why.unwrap_or_default()
                )));
            }
            let packed = if code == SLOW {
                None
            } else {
                let mut next = || own.next().unwrap_or_default();
                let (id, name) = match names {
                    Names::Read => (next(), next()),
                    Names::Skip => (0..0, 0..0),
                };
                let (created_at, updated_at) = (next(), next());
                let instant = |range: &Range<usize>| Timestamp::instant_of(self.str_at(range));
                // A bad timestamp: the complete reader words the error.
                match (instant(&created_at), instant(&updated_at)) {
                    (Some(created), Some(_)) => Some(Row::Packed {
                        id,
                        name,
                        created_at,
                        updated_at,
                        created,
                        status: code & 0xffff,
                        type_id: (code >> 16).checked_sub(1),
                    }),
                    _ => None,
                }
            };
            let packed = match (packed, names) {
                (Some(row), Names::Read) => {
                    self.packed_runner(index, &row).map(Box::new).map(Row::Read)
                }
                (packed, _) => packed,
            };
            rows.push(match packed {
                Some(row) => row,
                None => Row::Read(Box::new(self.read_one(index)?)),
            });
        }
        Ok(rows)
    }

    /// Runner `index` through the complete reader, which also words the errors: they
    /// name the field and the kind of value, never the value (a self-hosted runner's
    /// `headers` and `endpoint` may hold credentials).
    fn read_one(&self, index: usize) -> Result<Runner, Error> {
        read_runner(&self.objects.get(index as u32))
            .map_err(|why| Error::invalid_input(format!("runners[{index}] is not a runner: {why}")))
    }

    /// How many runners.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Runner `index`'s `created_at` instant.
    fn created(&self, index: usize) -> (i64, u32) {
        match &self.rows[index] {
            Row::Packed { created, .. } => *created,
            Row::Read(runner) => runner.created_at.instant(),
        }
    }

    /// Runner `index`'s id: from the columns, or read from its object again when the
    /// columns were read without ids (checked a string then; `""` should a getter now
    /// answer otherwise).
    fn id(&self, index: usize) -> String {
        match &self.rows[index] {
            Row::Packed { id, .. } if !id.is_empty() => self.str_at(id).to_owned(),
            Row::Packed { .. } => {
                js_sys::Reflect::get(&self.objects.get(index as u32), &"id".into())
                    .ok()
                    .and_then(|id| id.as_string())
                    .unwrap_or_default()
            }
            Row::Read(runner) => runner.id.clone(),
        }
    }

    /// The runners' indexes in listing order (newest `created_at` first, then by id;
    /// stable), as the core's `compare_runners` orders. Input already in order, as the
    /// API lists it, is only checked. Ids are read only for runners created at the same
    /// instant (rare: a stable sort of each such run by id completes the order).
    pub(crate) fn listing_order(&self) -> Vec<u32> {
        let n = self.len();
        let newest_first = |a: usize, b: usize| self.created(b).cmp(&self.created(a));
        let mut order: Vec<u32> = if (1..n).all(|i| newest_first(i - 1, i).is_le()) {
            (0..n as u32).collect()
        } else {
            sorted_positions(n, &newest_first)
        };
        let mut start = 0;
        while start < n {
            let instant = self.created(order[start] as usize);
            let end = (start + 1..n)
                .find(|&at| self.created(order[at] as usize) != instant)
                .unwrap_or(n);
            if end - start > 1 {
                let run = &mut order[start..end];
                let ids: Vec<String> = run.iter().map(|&i| self.id(i as usize)).collect();
                let by_id = sorted_positions(run.len(), &|a, b| ids[a].cmp(&ids[b]));
                let sorted: Vec<u32> = by_id.iter().map(|&at| run[at as usize]).collect();
                run.copy_from_slice(&sorted);
            }
            start = end;
        }
        order
    }

    /// The `kinds` bits of runner `index` other than its fit: type and source.
    pub(crate) fn flags(&self, index: usize) -> u8 {
        match &self.rows[index] {
            Row::Packed { type_id, .. } => {
                if type_id.is_some() {
                    HAS_TYPE
                } else {
                    0
                }
            }
            Row::Read(runner) => runner_flags(runner),
        }
    }

    /// The core's index over the runners taken in `order` (position `p` is runner
    /// `order[p]`): ids straight from the columns, no string per runner.
    pub(crate) fn tag_index(&self, order: &[u32]) -> Result<TagIndex, Error> {
        let schedulable: Vec<bool> = (self.statuses.iter())
            .map(|status| RunnerStatus::from(status.as_str()) == RunnerStatus::Active)
            .collect();
        let mut builder = TagIndexBuilder::with_capacity(order.len(), self.tag_ids.len());
        for &index in order {
            let i = index as usize;
            let ids = self.tag_ids_of(i);
            match &self.rows[i] {
                Row::Packed {
                    status, type_id, ..
                } => builder.push(
                    ids,
                    schedulable.get(*status as usize) == Some(&true),
                    *type_id,
                ),
                Row::Read(runner) => {
                    let kind = runner.runner_type.as_ref().and_then(|kind| {
                        let at = self.types.iter().position(|known| known == kind.as_str())?;
                        u32::try_from(at).ok()
                    });
                    builder.push(ids, runner.is_schedulable(), kind);
                }
            }
        }
        builder
            .build(self.vocabulary.clone(), self.types.clone())
            // Distinct JS strings stay distinct in UTF-8; only the NUL + hex spelling of a
            // lone surrogate could meet a tag that spells it out.
            .map_err(|error| Error::invalid_input(format!("runners could not be indexed: {error}")))
    }

    /// The runners as the core's [`Runner`]s, in the caller's order (for explain):
    /// columns read with [`Names::Read`] hold every runner as one.
    pub(crate) fn into_runners(self) -> Vec<Runner> {
        let runners = self.rows.into_iter().filter_map(|row| match row {
            Row::Read(runner) => Some(*runner),
            Row::Packed { .. } => None,
        });
        runners.collect()
    }

    /// A packed runner as a [`Runner`] (for [`Names::Read`]), its tags each once (a
    /// repeat changes no score or explanation); `None` for a bad timestamp (the complete
    /// reader then takes it and words the error).
    fn packed_runner(&self, index: usize, row: &Row) -> Option<Runner> {
        let Row::Packed {
            id,
            name,
            created_at,
            updated_at,
            status,
            type_id,
            ..
        } = row
        else {
            return None;
        };
        let kind = |id: &u32| RunnerType::from(self.types[*id as usize].as_str());
        let tags = self.tag_ids_of(index).iter();
        Some(Runner {
            id: self.str_at(id).to_owned(),
            name: self.str_at(name).to_owned(),
            runner_type: type_id.as_ref().map(kind),
            status: RunnerStatus::from(self.statuses[*status as usize].as_str()),
            tags: tags
                .map(|&id| self.vocabulary[id as usize].clone())
                .collect(),
            created_at: self.str_at(created_at).parse().ok()?,
            updated_at: self.str_at(updated_at).parse().ok()?,
            source: RunnerSource::Managed,
        })
    }

    /// Runner `index`'s tag ids (repeats kept).
    fn tag_ids_of(&self, index: usize) -> &[u32] {
        let offsets = (self.tag_offsets.get(index), self.tag_offsets.get(index + 1));
        let (Some(&start), Some(&end)) = offsets else {
            return &[];
        };
        self.tag_ids
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    fn str_at(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or_default()
    }
}

/// Consecutive strings of a text, each given by its UTF-16 length (what JS's `length`
/// counts), as byte ranges; a length that runs past the text or splits a character
/// yields an empty range (the row then fails to parse and takes the complete reader).
struct Strings<'a> {
    text: &'a str,
    at: usize,
    lens: std::slice::Iter<'a, u32>,
}

impl<'a> Strings<'a> {
    fn ranges(text: &'a str, lens: &'a [u32]) -> Self {
        Self {
            text,
            at: 0,
            lens: lens.iter(),
        }
    }

    /// The strings themselves.
    fn strs(text: &'a str, lens: &'a [u32]) -> impl Iterator<Item = &'a str> {
        let strings = Self::ranges(text, lens);
        let text = strings.text;
        strings.map(move |range| text.get(range).unwrap_or_default())
    }
}

impl Iterator for Strings<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let units = *self.lens.next()? as usize;
        let rest = self.text.get(self.at..).unwrap_or_default();
        let bytes = rest.as_bytes();
        let len = if bytes.get(..units).is_some_and(<[u8]>::is_ascii) {
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
                return Some(self.at..self.at);
            }
            end
        };
        let start = self.at;
        self.at += len;
        Some(start..self.at)
    }
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
