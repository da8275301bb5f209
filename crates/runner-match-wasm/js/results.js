// JS half of src/results.rs (see there): result objects built from Rust's typed arrays
// in one call, and runner objects packed for Rust in one call. Nothing here decides
// whether or how well a runner matches.

// The `kinds` byte of a result and of a base (src/kinds.rs): the fit in the FIT_BITS,
// as an index into FITS; HAS_TYPE; SELF_HOSTED.
const FITS = ['exact', 'superset', 'wildcard'];
const FIT_BITS = 3;
const HAS_TYPE = 4;
const SELF_HOSTED = 8;
// readRunners' `codes` (src/runner_columns.rs): status id | (type id + 1) << TYPE_SHIFT,
// ids up to STATUS_MASK and MAX_TYPE_ID (so that no code reaches BROKEN); else SLOW or
// BROKEN. tests/glue-modules.test.mjs checks that both halves agree.
const STATUS_MASK = 0xffff;
const TYPE_SHIFT = 16;
const MAX_TYPE_ID = 0x7fff;
const SLOW = 0xffffffff;
const BROKEN = 0xfffffffe;
const encoder = new TextEncoder();

// A fresh exact-size copy: literals allocate no slack, unlike slice/push (measured).
function copy(t) {
  switch (t.length) {
    case 0: return [];
    case 1: return [t[0]];
    case 2: return [t[0], t[1]];
    case 3: return [t[0], t[1], t[2]];
    case 4: return [t[0], t[1], t[2], t[3]];
    case 5: return [t[0], t[1], t[2], t[3], t[4]];
    case 6: return [t[0], t[1], t[2], t[3], t[4], t[5]];
    default: return t.slice();
  }
}

function base(id, name, runnerType, status, tags, createdAt, updatedAt, selfHosted) {
  return { id, name, runnerType, status, tags, createdAt, updatedAt, source: selfHosted ? 'self-hosted' : 'managed' };
}

// Strings interned in first-seen order (runner statuses, types and tags).
class Interned {
  constructor() {
    this.idOf = new Map();
    this.names = [];
  }

  id(s) {
    let id = this.idOf.get(s);
    if (id === undefined) {
      id = this.names.length;
      this.idOf.set(s, id);
      this.names.push(s);
    }
    return id;
  }
}

// `array` if it has room for `need` items, else a copy at least twice as long.
function room(array, need) {
  if (need <= array.length) return array;
  const grown = new Uint32Array(Math.max(2 * array.length, need));
  grown.set(array);
  return grown;
}

// A fleet's tags as integer ids, so that splitting a result's tags into matchedTags and
// extraTags is integer work, with no string comparison per match and query (profiled
// in Chromium: comparing the query's fresh strings with the fleet's was the largest
// part of a query's JS time).
// `names[id]` is the tag; position p's distinct tag ids, in first-seen order, are
// `ids[offsets[p]]` up to `ids[offsets[p + 1]]`.
class TagTable extends Interned {
  constructor(n) {
    super();
    this.seenAt = [];
    this.offsets = new Uint32Array(n + 1);
    this.ids = new Uint32Array(4 * n + 16);
    this.end = 0;
  }

  // Position p's tags (positions are added in order), each once.
  add(p, tags) {
    const ids = (this.ids = room(this.ids, this.end + tags.length));
    const { seenAt } = this;
    let end = this.end;
    for (let k = 0; k < tags.length; k++) {
      const id = this.id(tags[k]);
      if (id === seenAt.length) seenAt.push(-1);
      if (seenAt[id] !== p) {
        seenAt[id] = p;
        ids[end++] = id;
      }
    }
    this.end = end;
    this.offsets[p + 1] = end;
  }

  // Every row's ids, in row order (rows are `offsets`).
  usedIds() {
    return this.ids.subarray(0, this.end);
  }

  // Position p's tag ids.
  row(p) {
    return this.ids.subarray(this.offsets[p], this.offsets[p + 1]);
  }

  // The bases with this table, as resultsFromBases takes them, base p having row
  // order[p] (row p without an order); ids in 16 bits when they fit (a RunnerSet or a
  // cached client keeps this for its whole fleet).
  fleet(bases, order) {
    const n = bases.length;
    let same = true;
    for (let p = 0; same && order && p < n; p++) same = order[p] === p;
    if (same) {
      const ids = this.names.length <= 0x10000 ? Uint16Array.from(this.usedIds()) : this.usedIds().slice();
      return { bases, idOf: this.idOf, names: this.names, offsets: this.offsets, ids };
    }
    const ids = this.names.length <= 0x10000 ? new Uint16Array(this.end) : new Uint32Array(this.end);
    const offsets = new Uint32Array(n + 1);
    for (let p = 0, end = 0; p < n; p++) {
      const row = this.row(order[p]);
      ids.set(row, end);
      offsets[p + 1] = end += row.length;
    }
    return { bases, idOf: this.idOf, names: this.names, offsets, ids };
  }
}


// Bases of packed runners: strings with UTF-16 `lens`, per runner id, name,
// [runner_type], status, created_at, updated_at, tags…, where type, status and tags are
// in `common` and the rest in `text`; `shapes`: two words per runner, tag count and kinds
// flags. The repeated values are shared, each as its own copy: a slice of `common` would
// keep all of it alive (V8 slices of 13 or more characters point into their parent).
export function basesFromPacked(text, common, lens, shapes) {
  const n = shapes.length >> 1;
  const bases = new Array(n);
  const table = new TagTable(n);
  const shared = new Map();
  const tags = [];
  let at = 0;
  let commonAt = 0;
  let li = 0;
  const next = () => text.slice(at, (at += lens[li++]));
  const repeated = () => {
    const s = common.slice(commonAt, (commonAt += lens[li++]));
    const known = shared.get(s);
    if (known !== undefined) return known;
    const own = s.length < 13 ? s : s.split('').join('');
    shared.set(own, own);
    return own;
  };
  for (let i = 0; i < n; i++) {
    const count = shapes[2 * i];
    const flags = shapes[2 * i + 1];
    const id = next();
    const name = next();
    const type = flags & HAS_TYPE ? repeated() : undefined;
    const status = repeated();
    const createdAt = next();
    const updatedAt = next();
    tags.length = 0;
    for (let k = count; k > 0; k--) tags.push(repeated());
    table.add(i, tags);
    bases[i] = base(id, name, type, status, copy(tags), createdAt, updatedAt, flags & SELF_HOSTED);
  }
  return table.fleet(bases);
}

// Bases of the caller's runners as readRunners read them: position p is
// runners[order[p]]; flags as kinds.
export function basesFromRunners(runners, read, order, flags) {
  const bases = new Array(order.length);
  for (let p = 0; p < order.length; p++) {
    const r = runners[order[p]];
    bases[p] = base(r.id, r.name, flags[p] & HAS_TYPE ? r.runner_type : undefined, r.status,
      copy(r.tags), r.created_at, r.updated_at, flags[p] & SELF_HOSTED);
  }
  return read.table.fleet(bases, order);
}

// Per tag id of `table`, 1 when the tag is among `required`.
function wantedIds(table, required) {
  const wanted = new Uint8Array(table.names.length);
  for (let k = 0; k < required.length; k++) {
    const id = table.idOf.get(required[k]);
    if (id !== undefined) wanted[id] = 1;
  }
  return wanted;
}

// A match's tags ids[from..to] as [matchedTags, extraTags] by `wanted` (a returned pair:
// passing them through module variables measured 1.5–2.5× slower in Chromium; the pair
// measured as fast as the loop written out in each caller).
function split(names, ids, from, to, wanted) {
  let m = 0;
  for (let k = from; k < to; k++) m += wanted[ids[k]];
  const matchedTags = new Array(m);
  const extraTags = new Array(to - from - m);
  for (let k = from, mi = 0, ei = 0; k < to; k++) {
    const id = ids[k];
    if (wanted[id]) matchedTags[mi++] = names[id];
    else extraTags[ei++] = names[id];
  }
  return [matchedTags, extraTags];
}

// RunnerMatch objects: fleet.bases[positions[i]] with scores[i]; fit in bits 0–1 of
// kinds[i]; `required` lists what matchedTags may hold.
export function resultsFromBases(fleet, positions, scores, kinds, required) {
  const { bases, names, offsets, ids } = fleet;
  const wanted = wantedIds(fleet, required);
  const out = new Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    const b = bases[p];
    const [matchedTags, extraTags] = split(names, ids, offsets[p], offsets[p + 1], wanted);
    const fit = FITS[kinds[i] & FIT_BITS];
    // slice(), not copy(): this loop measured about twice as fast with it in Chromium
    // (100k runners, 23k results).
    out[i] = b.runnerType === undefined
      ? { id: b.id, name: b.name, status: b.status, tags: b.tags.slice(), createdAt: b.createdAt,
          updatedAt: b.updatedAt, score: scores[i], fit, matchedTags, extraTags, source: b.source }
      : { id: b.id, name: b.name, runnerType: b.runnerType, status: b.status, tags: b.tags.slice(),
          createdAt: b.createdAt, updatedAt: b.updatedAt, score: scores[i], fit, matchedTags, extraTags,
          source: b.source };
  }
  return out;
}

// The same straight from the caller's snake_case runners (one-shot matchRunners), with
// their tags as readRunners interned them: positions index `runners`.
export function resultsFromRunners(runners, read, positions, scores, kinds, required) {
  const { names, offsets, ids } = read.table;
  const wanted = wantedIds(read.table, required);
  const out = new Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    const r = runners[p];
    const kind = kinds[i];
    const [matchedTags, extraTags] = split(names, ids, offsets[p], offsets[p + 1], wanted);
    const fit = FITS[kind & FIT_BITS];
    const source = kind & SELF_HOSTED ? 'self-hosted' : 'managed';
    const tags = copy(r.tags);
    out[i] = kind & HAS_TYPE
      ? { id: r.id, name: r.name, runnerType: r.runner_type, status: r.status, tags, createdAt: r.created_at,
          updatedAt: r.updated_at, score: scores[i], fit, matchedTags, extraTags, source }
      : { id: r.id, name: r.name, status: r.status, tags, createdAt: r.created_at, updatedAt: r.updated_at,
          score: scores[i], fit, matchedTags, extraTags, source };
  }
  return out;
}

// A plain managed runner (else Rust's complete reader takes it and words any error).
function plain(r) {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  if (typeof r.id !== 'string' || typeof r.name !== 'string' || typeof r.status !== 'string') return false;
  if (typeof r.created_at !== 'string' || typeof r.updated_at !== 'string') return false;
  if (r.runner_type != null && typeof r.runner_type !== 'string') return false;
  if (r.endpoint !== undefined || r.user_id !== undefined || r.headers !== undefined) return false;
  const tags = r.tags;
  if (!Array.isArray(tags)) return false;
  for (let k = 0; k < tags.length; k++) if (typeof tags[k] !== 'string') return false;
  return true;
}

// The caller's runners for Rust in one crossing, as columns (src/runner_columns.rs
// reads them; nothing here decides whether a runner matches):
// - `table`: every runner's tags interned (a TagTable), when they are an array of strings;
// - `codes`: per runner its status id | (type id + 1) << TYPE_SHIFT into `statuses` and `types`,
//   or SLOW for any runner that is not plain() (Rust's complete reader takes it and
//   words any error), or BROKEN when reading it threw (error text in `broken`);
// - plain runners' own strings, [id, name], created_at, updated_at, in `text`, and the
//   tag, status and type names in `common`, every string's UTF-16 length in `lens`,
//   `text`'s first. The texts are built with += (ropes, flattened once) and encoded
//   natively by encodeInto: the generated glue would copy them one character at a time.
// Returns null for a non-array; throws only if reading the array does. Ids and names
// only `withNames`: ranking reads no name, and an id only to order runners created at
// the same instant (Rust then reads those few from the objects).
export function readRunners(runners, withNames) {
  if (!Array.isArray(runners)) return null;
  const n = runners.length;
  const table = new TagTable(n);
  const statuses = new Interned();
  const types = new Interned();
  const codes = new Uint32Array(n);
  const broken = [];
  let lens = new Uint32Array(4 * n + 16);
  let li = 0;
  let text = '';
  const put = (s) => {
    text += s;
    lens[li++] = s.length;
  };
  for (let i = 0; i < n; i++) {
    const r = runners[i];
    let tags = NO_TAGS;
    try {
      if (!plain(r)) {
        codes[i] = SLOW;
        const listed = r?.tags;
        if (Array.isArray(listed) && listed.every((tag) => typeof tag === 'string')) tags = listed;
      } else {
        const status = statuses.id(r.status);
        const type = typeof r.runner_type === 'string' ? types.id(r.runner_type) + 1 : 0;
        codes[i] = status > STATUS_MASK || type > MAX_TYPE_ID ? SLOW : status | (type << TYPE_SHIFT);
        tags = r.tags;
      }
    } catch (err) {
      codes[i] = BROKEN;
      broken.push(errorText(err));
    }
    table.add(i, tags);
    if (codes[i] >= BROKEN) continue;
    lens = room(lens, li + 4);
    if (withNames) {
      put(r.id);
      put(r.name);
    }
    put(r.created_at);
    put(r.updated_at);
  }
  const ownLens = li;
  let common = '';
  for (const names of [table.names, statuses.names, types.names]) {
    for (const s of names) {
      lens = room(lens, li + 1);
      common += s;
      lens[li++] = s.length;
    }
  }
  // Rust strings are UTF-8: a lone surrogate would become U+FFFD and then match a
  // requirement for U+FFFD. Such (rare) strings cross as NUL + hex instead, which no
  // valid requirement can name; results still show the caller's own strings.
  if (text.isWellFormed && !(text.isWellFormed() && common.isWellFormed())) {
    const safe = [];
    for (const [from, to, packed] of [[0, ownLens, text], [ownLens, li, common]]) {
      for (let k = from, at = 0; k < to; k++) safe.push(wellFormed(packed.slice(at, (at += lens[k]))));
    }
    text = safe.slice(0, ownLens).join('');
    common = safe.slice(ownLens).join('');
    lens = Uint32Array.from(safe, (s) => s.length);
    li = safe.length;
  }
  const counts = Uint32Array.of(ownLens, table.names.length, statuses.names.length, types.names.length);
  return { table, codes, broken, text, common, lens: lens.subarray(0, li), counts };
}

const NO_TAGS = [];

// The ids of runners[i] for each i of `indexes` (runners readRunners read, created at the
// same instant: Rust orders them by id), packed like its strings: { text, lens }. An id
// that is no longer a string (a getter) reads as ''.
export function idsAt(runners, indexes) {
  let text = '';
  const lens = new Uint32Array(indexes.length);
  for (let k = 0; k < indexes.length; k++) {
    let id = '';
    try {
      id = runners[indexes[k]].id;
    } catch {}
    if (typeof id !== 'string') id = '';
    if (id.isWellFormed) id = wellFormed(id);
    text += id;
    lens[k] = id.length;
  }
  return { text, lens };
}

// Encodes `text` as UTF-8 straight into wasm memory at `ptr` (room for `cap` bytes, just
// allocated by Rust: the view is taken now, so memory growth cannot leave it stale).
// Returns the bytes written, or -1 if the text did not fit. Profiled in Chromium: this
// saves encode()'s JS buffer and wasm-bindgen's copy of it into wasm memory.
export function encodeInto(text, memory, ptr, cap) {
  const { read, written } = encoder.encodeInto(text, new Uint8Array(memory.buffer, ptr, cap));
  return read === text.length ? written : -1;
}

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (s) => (s.isWellFormed() ? s : s.replace(LONE, (c) => `\0${c.charCodeAt(0).toString(16)}`));

// What an exception says, whatever was thrown (never throws itself).
export function errorText(err) {
  try {
    return `${err?.name ?? 'Error'}: ${err?.message ?? err}`;
  } catch {
    return 'an exception';
  }
}
