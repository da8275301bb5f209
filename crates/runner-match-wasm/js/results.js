// JS half of src/results.rs (see there): result objects built from Rust's typed arrays
// in one call, and runner objects packed for Rust in one call. Nothing here decides
// whether or how well a runner matches.

const FITS = ['exact', 'superset', 'wildcard'];
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

const listOf = (tags) => (Array.isArray(tags) ? tags : Array.from(tags));

// The distinct tags in first-seen order (the list itself when it has no repeats).
function distinctOf(tags) {
  if (tags.length > 16) {
    const set = new Set(tags);
    return set.size === tags.length ? tags : [...set];
  }
  for (let i = 1; i < tags.length; i++) {
    if (tags.lastIndexOf(tags[i], i - 1) >= 0) return [...new Set(tags)];
  }
  return tags;
}

function base(id, name, runnerType, status, tags, createdAt, updatedAt, selfHosted) {
  return { id, name, runnerType, status, tags, createdAt, updatedAt, source: selfHosted ? 'self-hosted' : 'managed' };
}

// A fleet's tags as integer ids, so that splitting a result's tags into matchedTags and
// extraTags is integer work, with no string comparison per match and query (profiled
// in Chromium: comparing the query's fresh strings with the fleet's was the largest
// part of a query's JS time).
// `names[id]` is the tag; position p's distinct tag ids, in first-seen order, are
// `ids[offsets[p]]` up to `ids[offsets[p + 1]]`.
class TagTable {
  constructor(n) {
    this.idOf = new Map();
    this.names = [];
    this.seenAt = [];
    this.offsets = new Uint32Array(n + 1);
    this.ids = new Uint32Array(4 * n + 16);
    this.end = 0;
  }

  // Position p's tags (positions are added in order).
  add(p, tags) {
    if (this.end + tags.length > this.ids.length) {
      const grown = new Uint32Array(2 * this.ids.length + tags.length);
      grown.set(this.ids);
      this.ids = grown;
    }
    const { idOf, names, seenAt, ids } = this;
    let end = this.end;
    for (let k = 0; k < tags.length; k++) {
      const tag = tags[k];
      let id = idOf.get(tag);
      if (id === undefined) {
        id = names.length;
        idOf.set(tag, id);
        names.push(tag);
        seenAt.push(-1);
      }
      if (seenAt[id] !== p) {
        seenAt[id] = p;
        ids[end++] = id;
      }
    }
    this.end = end;
    this.offsets[p + 1] = end;
  }

  // The bases with this table, as resultsFromBases takes them (ids in 16 bits when they
  // fit: a cached client keeps this for its whole fleet).
  fleet(bases) {
    const used = this.ids.subarray(0, this.end);
    const ids = this.names.length <= 0x10000 ? Uint16Array.from(used) : used.slice();
    return { bases, idOf: this.idOf, names: this.names, offsets: this.offsets, ids };
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
    const type = flags & 4 ? repeated() : undefined;
    const status = repeated();
    const createdAt = next();
    const updatedAt = next();
    tags.length = 0;
    for (let k = count; k > 0; k--) tags.push(repeated());
    table.add(i, tags);
    bases[i] = base(id, name, type, status, copy(tags), createdAt, updatedAt, flags & 8);
  }
  return table.fleet(bases);
}

// Bases of the caller's (validated) runners: position p is runners[order[p]]; flags as kinds.
export function basesFromRunners(runners, order, flags) {
  const bases = new Array(order.length);
  const table = new TagTable(order.length);
  for (let p = 0; p < order.length; p++) {
    const r = runners[order[p]];
    const tags = copy(listOf(r.tags));
    table.add(p, tags);
    bases[p] = base(r.id, r.name, flags[p] & 4 ? r.runner_type : undefined, r.status, tags,
      r.created_at, r.updated_at, flags[p] & 8);
  }
  return table.fleet(bases);
}

let matchedTags;
let extraTags;
function split(distinct, wanted) {
  const required = wanted.length > 8 ? new Set(wanted) : wanted;
  const has = (tag) => (required === wanted ? wanted.includes(tag) : required.has(tag));
  let m = 0;
  for (let k = 0; k < distinct.length; k++) if (has(distinct[k])) m++;
  if (m === 0 || m === distinct.length) {
    matchedTags = m ? copy(distinct) : [];
    extraTags = m ? [] : copy(distinct);
    return;
  }
  matchedTags = new Array(m);
  extraTags = new Array(distinct.length - m);
  let mi = 0;
  let ei = 0;
  for (let k = 0; k < distinct.length; k++) {
    const tag = distinct[k];
    if (has(tag)) matchedTags[mi++] = tag;
    else extraTags[ei++] = tag;
  }
}

// RunnerMatch objects: fleet.bases[positions[i]] with scores[i]; fit in bits 0–1 of
// kinds[i]; `required` lists what matchedTags may hold.
export function resultsFromBases(fleet, positions, scores, kinds, required) {
  const { bases, names, offsets, ids } = fleet;
  const wanted = new Uint8Array(names.length);
  for (let k = 0; k < required.length; k++) {
    const id = fleet.idOf.get(required[k]);
    if (id !== undefined) wanted[id] = 1;
  }
  const out = new Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    const b = bases[p];
    const from = offsets[p];
    const to = offsets[p + 1];
    let m = 0;
    for (let k = from; k < to; k++) m += wanted[ids[k]];
    const matchedTags = new Array(m);
    const extraTags = new Array(to - from - m);
    for (let k = from, mi = 0, ei = 0; k < to; k++) {
      const id = ids[k];
      if (wanted[id]) matchedTags[mi++] = names[id];
      else extraTags[ei++] = names[id];
    }
    const fit = FITS[kinds[i] & 3];
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

// The same straight from the caller's snake_case runners (one-shot matchRunners).
export function resultsFromRunners(runners, positions, scores, kinds, required) {
  const out = new Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const r = runners[positions[i]];
    const kind = kinds[i];
    const tags = listOf(r.tags);
    split(distinctOf(tags), required);
    const fit = FITS[kind & 3];
    const source = kind & 8 ? 'self-hosted' : 'managed';
    out[i] = kind & 4
      ? { id: r.id, name: r.name, runnerType: r.runner_type, status: r.status, tags: copy(tags),
          createdAt: r.created_at, updatedAt: r.updated_at, score: scores[i], fit, matchedTags, extraTags, source }
      : { id: r.id, name: r.name, status: r.status, tags: copy(tags), createdAt: r.created_at,
          updatedAt: r.updated_at, score: scores[i], fit, matchedTags, extraTags, source };
  }
  matchedTags = extraTags = undefined;
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
  if (!Array.isArray(tags) || tags.length > 0xffff) return false;
  for (let k = 0; k < tags.length; k++) if (typeof tags[k] !== 'string') return false;
  return true;
}

// Runners for Rust in one crossing: { text, lens, shapes } in the layout of
// basesFromPacked (names only `withNames`); shape SLOW for any runner that is not plain(). The text is built
// with += (a rope, flattened once) and encoded natively by encodeInto: the generated
// glue would copy it into wasm memory one character at a time.
// Returns null for a non-array; a runner whose reads throw gets shape BROKEN and its
// error text in `broken` (so Rust never reads it again); throws only if the array does.
// Names are packed only `withNames` (the matchers never read them in Rust).
export function packRunners(runners, withNames) {
  if (!Array.isArray(runners)) return null;
  const n = runners.length;
  const broken = [];
  const shapes = new Uint32Array(n);
  let lens = new Uint32Array(n * 12 + 16);
  let li = 0;
  let text = '';
  const put = (s) => {
    text += s;
    lens[li++] = s.length;
  };
  for (let i = 0; i < n; i++) {
    const r = runners[i];
    try {
      if (!plain(r)) {
        shapes[i] = SLOW;
        continue;
      }
    } catch (err) {
      shapes[i] = BROKEN;
      broken.push(errorText(err));
      continue;
    }
    const tags = r.tags;
    if (li + 7 + tags.length > lens.length) {
      const grown = new Uint32Array(lens.length * 2 + tags.length);
      grown.set(lens);
      lens = grown;
    }
    const hasType = typeof r.runner_type === 'string';
    put(r.id);
    if (withNames) put(r.name);
    if (hasType) put(r.runner_type);
    put(r.status);
    put(r.created_at);
    put(r.updated_at);
    for (let k = 0; k < tags.length; k++) put(tags[k]);
    shapes[i] = tags.length | (hasType ? 0x10000 : 0);
  }
  // Rust strings are UTF-8: a lone surrogate would become U+FFFD and then match a
  // requirement for U+FFFD. Such (rare) strings cross as NUL + hex instead, which no
  // valid requirement can name; results still show the caller's own strings.
  if (text.isWellFormed && !text.isWellFormed()) {
    text = '';
    li = 0;
    for (let i = 0; i < n; i++) {
      if (shapes[i] >= BROKEN) continue;
      const r = runners[i];
      put(wellFormed(r.id));
      if (withNames) put(wellFormed(r.name));
      if (typeof r.runner_type === 'string') put(wellFormed(r.runner_type));
      put(wellFormed(r.status));
      put(wellFormed(r.created_at));
      put(wellFormed(r.updated_at));
      for (let k = 0; k < r.tags.length; k++) put(wellFormed(r.tags[k]));
    }
  }
  return { text, lens: lens.subarray(0, li), shapes, broken };
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
