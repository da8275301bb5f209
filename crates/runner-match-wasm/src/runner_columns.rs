//! Runner objects the caller passes (`matchRunners`, `RunnerSet`, `explainRunners`), read
//! in one crossing as columns, not as one `Runner` of strings each.
//!
//! `readRunners` (`js/results.js`) walks the array once: it interns every runner's tags
//! into integer ids (and its status and type), and packs a plain runner's own strings
//! (`created_at`, `updated_at`; the id and name only for explain) into one text. Here
//! those columns are checked (timestamps parsed, the first bad element named) and
//! ordered, and become the core's [`TagIndex`] directly: ranking reads no tag string per
//! runner, and the results take every string from the caller's objects. Only
//! `explainRunners`, which reports names and statuses, makes [`Runner`]s of them.
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

use crate::error::{Error, RunnerReadError};
use crate::kinds::{runner_flags, HAS_TYPE};
use crate::runner_object::read_runner;
use crate::runner_object::unreadable;
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

    /// `{ text, lens }`: the ids of `runners[i]` for each `i` of `indexes`, packed like
    /// `readRunners`' strings.
    type Ids;
    #[wasm_bindgen(js_name = idsAt)]
    fn ids_at(runners: &Array, indexes: &[u32]) -> Ids;
    #[wasm_bindgen(method, getter)]
    fn text(this: &Ids) -> JsString;
    #[wasm_bindgen(method, getter)]
    fn lens(this: &Ids) -> Vec<u32>;

    /// `text` as UTF-8 into wasm memory at `ptr` (room for `cap` bytes): the bytes
    /// written, or -1 if they did not fit.
    #[wasm_bindgen(js_name = encodeInto)]
    fn encode_into(text: &JsString, memory: &JsValue, ptr: u32, cap: u32) -> i32;
}

/// `codes` (written by `readRunners`, whose constants of the same names must agree:
/// tests/glue-modules.test.mjs checks): a packed runner's status id in the low bits and
/// its type id + 1 (0: no type) above them; or a runner for the complete reader; or one
/// whose property reads threw.
const STATUS_MASK: u32 = 0xffff;
const TYPE_SHIFT: u32 = 16;
const SLOW: u32 = u32::MAX;
const BROKEN: u32 = u32::MAX - 1;

/// A packed runner's status id and type id (`None`: no type) from its code.
fn status_and_type(code: u32) -> (u32, Option<u32>) {
    (code & STATUS_MASK, (code >> TYPE_SHIFT).checked_sub(1))
}

/// A runner's fields other than its tags, as ranking and ordering read them.
#[derive(Debug)]
enum Row {
    /// A plain managed runner: its `created_at` instant, ids into the status and type
    /// vocabularies.
    Packed {
        created: (i64, u32),
        status: u32,
        type_id: Option<u32>,
    },
    /// Any other runner, read completely.
    Read(Box<Runner>),
}

/// A packed runner's own strings.
struct Own<'a> {
    id: &'a str,
    name: &'a str,
    created_at: &'a str,
    updated_at: &'a str,
}

/// The caller's runners as columns, in the caller's order (see the module docs).
#[derive(Debug)]
pub(crate) struct RunnerColumns {
    /// The caller's array and `readRunners`' result (whose tag table results reuse).
    pub(crate) objects: Array,
    pub(crate) read: ReadRunners,
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
    /// Reads an array of API runner objects (snake_case, as the API lists them) for
    /// ranking, naming the first bad element.
    pub(crate) fn read(value: &JsValue) -> Result<Self, Error> {
        let (mut columns, text, own) = Self::columns(value, false)?;
        let packed = |_, code: u32, own: Own<'_>| {
            // A bad timestamp: the complete reader words the error.
            let created = Timestamp::instant_of(own.created_at)?;
            Timestamp::instant_of(own.updated_at)?;
            let (status, type_id) = status_and_type(code);
            Some(Row::Packed {
                created,
                status,
                type_id,
            })
        };
        let read = |runner| Row::Read(Box::new(runner));
        columns.rows = columns.each_row(&text, &own, false, packed, read)?;
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

    /// The same array as the core's [`Runner`]s, in the caller's order (for explain,
    /// which reports names and statuses).
    pub(crate) fn read_runners(value: &JsValue) -> Result<Vec<Runner>, Error> {
        let (columns, text, own) = Self::columns(value, true)?;
        let packed = |index, code, own: Own<'_>| columns.packed_runner(index, code, own);
        columns.each_row(&text, &own, true, packed, |runner| runner)
    }

    /// `readRunners`' columns without rows yet, with the packed runners' own strings and
    /// their UTF-16 lengths (ids and names only `with_names`).
    fn columns(value: &JsValue, with_names: bool) -> Result<(Self, String, Vec<u32>), Error> {
        let read = read_runners(value, with_names).map_err(unreadable)?;
        if read.is_null() {
            return Err(Error::invalid_input(format!(
                "runners must be an array of runner objects, got {}",
                describe(value)
            )));
        }
        let read: ReadRunners = read.unchecked_into();
        let mut lens = read.lens();
        let counts = read.counts();
        let own_lens = counts.first().map_or(0, |&count| count as usize);
        let common = lens.split_off(own_lens.min(lens.len()));
        // TextEncoder output is always UTF-8; should it ever not be, the strings come
        // out empty and every packed runner fails to parse (so it takes the reader).
        let text = String::from_utf8(utf8_of(&read.text())).unwrap_or_default();
        let common_text = String::from_utf8(utf8_of(&read.common())).unwrap_or_default();
        let mut common_strings = Strings::new(&common_text, &common).map(str::to_owned);
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
        let columns = Self {
            objects: value.clone().unchecked_into(),
            rows: Vec::new(),
            tag_offsets: table.offsets(),
            tag_ids: table.used_ids(),
            vocabulary,
            statuses,
            types,
            read,
        };
        Ok((columns, text, lens))
    }

    /// Each runner, in the caller's order: a packed one through `packed` (given its
    /// index, its `codes` entry and its own strings; `None` sends it to the complete
    /// reader), any other through the complete reader and `read`. The first bad runner
    /// is an error.
    fn each_row<T>(
        &self,
        text: &str,
        own: &[u32],
        with_names: bool,
        packed: impl Fn(usize, u32, Own<'_>) -> Option<T>,
        read: impl Fn(Runner) -> T,
    ) -> Result<Vec<T>, Error> {
        let codes = self.read.codes();
        let broken = self.read.broken();
        let mut broken = broken.iter();
        let mut own = Strings::new(text, own);
        let mut rows = Vec::with_capacity(codes.len());
        for (index, &code) in codes.iter().enumerate() {
            if code == BROKEN {
                let thrown = broken.next().and_then(|text| text.as_string());
                let source = RunnerReadError::Unreadable {
                    thrown: thrown.unwrap_or_default(),
                };
                return Err(Error::Runner { index, source });
            }
            let row = if code == SLOW {
                None
            } else {
                let mut next = || own.next().unwrap_or_default();
                let (id, name) = if with_names {
                    (next(), next())
                } else {
                    ("", "")
                };
                let (created_at, updated_at) = (next(), next());
                let strings = Own {
                    id,
                    name,
                    created_at,
                    updated_at,
                };
                packed(index, code, strings)
            };
            rows.push(match row {
                Some(row) => row,
                None => read(self.read_one(index)?),
            });
        }
        Ok(rows)
    }

    /// Runner `index` through the complete reader, which also words the errors: they
    /// name the field and the kind of value, never the value (a self-hosted runner's
    /// `headers` and `endpoint` may hold credentials).
    fn read_one(&self, index: usize) -> Result<Runner, Error> {
        read_runner(&self.objects.get(index as u32))
            .map_err(|source| Error::Runner { index, source })
    }

    /// A packed runner as a [`Runner`], its tags each once (a repeat changes no score or
    /// explanation); `None` for a bad timestamp (the complete reader then takes it and
    /// words the error) or columns that disagree.
    fn packed_runner(&self, index: usize, code: u32, own: Own<'_>) -> Option<Runner> {
        let (status, type_id) = status_and_type(code);
        let kind = match type_id {
            Some(id) => Some(RunnerType::from(self.types.get(id as usize)?.as_str())),
            None => None,
        };
        let status = self.statuses.get(status as usize)?;
        let tags = self.tag_ids_of(index).iter();
        let tags = tags.map(|&id| self.vocabulary.get(id as usize).cloned());
        Some(Runner {
            id: own.id.to_owned(),
            name: own.name.to_owned(),
            runner_type: kind,
            status: RunnerStatus::from(status.as_str()),
            tags: tags.collect::<Option<_>>()?,
            created_at: own.created_at.parse().ok()?,
            updated_at: own.updated_at.parse().ok()?,
            source: RunnerSource::Managed,
        })
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

    /// The runners' indexes in listing order (newest `created_at` first, then by id;
    /// stable), as the core's `compare_runners` orders. Input already in order, as the
    /// API lists it, is only checked. Ids are read (in one crossing) only for runners
    /// created at the same instant: a stable sort of each such run by id completes the
    /// order.
    pub(crate) fn listing_order(&self) -> Vec<u32> {
        let n = self.len();
        let newest_first = |a: usize, b: usize| self.created(b).cmp(&self.created(a));
        let mut order: Vec<u32> = if (1..n).all(|i| newest_first(i - 1, i).is_le()) {
            (0..n as u32).collect()
        } else {
            sorted_positions(n, &newest_first)
        };
        let mut runs: Vec<Range<usize>> = Vec::new();
        let mut start = 0;
        while start < n {
            let instant = self.created(order[start] as usize);
            let end = (start + 1..n)
                .find(|&at| self.created(order[at] as usize) != instant)
                .unwrap_or(n);
            if end - start > 1 {
                runs.push(start..end);
            }
            start = end;
        }
        if runs.is_empty() {
            return order;
        }
        let tied: Vec<u32> = runs
            .iter()
            .flat_map(|run| order[run.clone()].to_vec())
            .collect();
        let ids = ids_at(&self.objects, &tied);
        let text = String::from_utf8(utf8_of(&ids.text())).unwrap_or_default();
        let lens = ids.lens();
        let ids: Vec<&str> = Strings::new(&text, &lens).collect();
        let mut at = 0;
        for run in runs {
            let Some(run_ids) = ids.get(at..at + run.len()) else {
                break;
            };
            at += run.len();
            let run = &mut order[run];
            let by_id = sorted_positions(run.len(), &|a, b| run_ids[a].cmp(run_ids[b]));
            let sorted: Vec<u32> = by_id.iter().map(|&k| run[k as usize]).collect();
            run.copy_from_slice(&sorted);
        }
        order
    }

    /// The `kinds` bits of runner `index` other than its fit: type and source.
    pub(crate) fn flags(&self, index: usize) -> u8 {
        match &self.rows[index] {
            Row::Packed { type_id: None, .. } => 0,
            Row::Packed {
                type_id: Some(_), ..
            } => HAS_TYPE,
            Row::Read(runner) => runner_flags(runner),
        }
    }

    /// The core's index over the runners taken in `order` (position `p` is runner
    /// `order[p]`): ids straight from the columns, no string per runner. Takes the
    /// vocabularies (nothing reads them afterwards).
    pub(crate) fn tag_index(&mut self, order: &[u32]) -> Result<TagIndex, Error> {
        let schedulable: Vec<bool> = (self.statuses.iter())
            .map(|status| RunnerStatus::from(status.as_str()).is_schedulable())
            .collect();
        let mut builder = TagIndexBuilder::with_capacity(order.len(), self.tag_ids.len());
        for &index in order {
            let i = index as usize;
            let ids = self.tag_ids_of(i);
            match &self.rows[i] {
                Row::Packed {
                    status, type_id, ..
                } => {
                    let active = schedulable.get(*status as usize) == Some(&true);
                    builder.push(ids, active, *type_id);
                }
                Row::Read(runner) => {
                    let kind = runner.runner_type.as_ref().and_then(|kind| {
                        let at = self.types.iter().position(|known| known == kind.as_str())?;
                        u32::try_from(at).ok()
                    });
                    builder.push(ids, runner.is_schedulable(), kind);
                }
            }
        }
        let vocabulary = std::mem::take(&mut self.vocabulary);
        builder
            .build(vocabulary, std::mem::take(&mut self.types))
            // Distinct JS strings stay distinct in UTF-8; only the NUL + hex spelling of a
            // lone surrogate could meet a tag that spells it out.
            .map_err(Error::from)
    }

    /// Runner `index`'s distinct tag ids.
    fn tag_ids_of(&self, index: usize) -> &[u32] {
        let offsets = (self.tag_offsets.get(index), self.tag_offsets.get(index + 1));
        let (Some(&start), Some(&end)) = offsets else {
            return &[];
        };
        self.tag_ids
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }
}

/// Consecutive strings of a text, each given by its UTF-16 length (what JS's `length`
/// counts); a length that runs past the text or splits a character yields `""` (the
/// row then fails to parse and takes the complete reader).
struct Strings<'a> {
    text: &'a str,
    at: usize,
    lens: std::slice::Iter<'a, u32>,
}

impl<'a> Strings<'a> {
    fn new(text: &'a str, lens: &'a [u32]) -> Self {
        Self {
            text,
            at: 0,
            lens: lens.iter(),
        }
    }
}

impl<'a> Iterator for Strings<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let units = *self.lens.next()? as usize;
        let rest = self.text.get(self.at..).unwrap_or_default();
        let len = if rest.as_bytes().get(..units).is_some_and(<[u8]>::is_ascii) {
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
                return Some("");
            }
            end
        };
        self.at += len;
        rest.get(..len)
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
