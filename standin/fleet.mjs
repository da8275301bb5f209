// Fleets for the stand-in: the embedded default fleet (fleet.json), a seeded generator
// drawing from the same vocabulary, and the parsing/sorting shared by the server.

import { readFileSync } from 'node:fs';

/** The tag vocabulary of the default fleet and of generated fleets. */
export const VOCABULARY = Object.freeze({
  gpus: [
    // [tag, label in names, relative weight, high-end]
    ['gpu-a100', 'A100', 4, true],
    ['gpu-h100', 'H100', 3, true],
    ['gpu-l40s', 'L40S', 3, true],
    ['gpu-rtx4090', 'RTX4090', 5, false],
    ['gpu-t4', 'T4', 3, false],
    ['cpu', 'CPU', 1, false],
  ],
  families: [
    ['flux', 'Flux'],
    ['sdxl', 'SDXL'],
    ['sd15', 'SD1.5'],
    ['video', 'Video'],
    ['hunyuan', 'Hunyuan'],
    ['wan', 'Wan'],
    ['upscale', 'Upscale'],
    ['controlnet', 'ControlNet'],
  ],
  regions: [
    ['eu-west', 'EU'],
    ['us-east', 'US-East'],
    ['us-west', 'US-West'],
    ['ap-south', 'AP-South'],
  ],
  environments: ['production', 'staging', 'development'],
  extras: ['managed', 'high-performance'],
});

/** Largest fleet `generateFleet` builds (keeps a typo from eating the machine's memory). */
export const MAX_GENERATED = 100_000;

/** mulberry32: a tiny, fast, seedable PRNG returning floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a number or a string (FNV-1a); `undefined` means 1. */
export function seedFrom(seed) {
  if (seed === undefined || seed === null) return 1;
  if (typeof seed === 'number' && Number.isFinite(seed)) return Math.trunc(seed) >>> 0;
  let h = 0x811c9dc5;
  for (const ch of String(seed)) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A UUID v4 drawn from `rng` (deterministic for a seeded PRNG). */
export function uuidV4(rng) {
  const b = Array.from({ length: 16 }, () => Math.floor(rng() * 256));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** ISO 8601 UTC with whole seconds, as the API shows them: `2024-01-10T08:00:00Z`. */
export function isoSeconds(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

let defaultFleetCache;

/** A fresh deep copy of the embedded default fleet (standin/fleet.json, a bare array). */
export function loadDefaultFleet() {
  defaultFleetCache ??= readFileSync(new URL('./fleet.json', import.meta.url), 'utf8');
  return JSON.parse(defaultFleetCache);
}

const GENERATE_FROM = Date.UTC(2024, 0, 1);
const GENERATE_TO = Date.UTC(2026, 9, 31, 23, 59, 59);

function pick(rng, list) {
  return list[Math.floor(rng() * list.length)];
}

function weighted(rng, list) {
  const total = list.reduce((sum, item) => sum + item[2], 0);
  let x = rng() * total;
  for (const item of list) {
    x -= item[2];
    if (x < 0) return item;
  }
  return list[list.length - 1];
}

/**
 * Generates `n` realistic runners deterministically from `seed`.
 *
 * `kind: 'managed'` (default) yields the ManagedRunner shape; `kind: 'selfHosted'` yields
 * the self-hosted shape (user_id, endpoint, headers, no runner_type). About 4% are
 * untagged, about 5% disabled, the others carry 1–6 tags from {@link VOCABULARY}.
 */
export function generateFleet(n, seed, { kind = 'managed' } = {}) {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_GENERATED) {
    throw new RangeError(`generate must be an integer in 0..=${MAX_GENERATED}`);
  }
  if (kind !== 'managed' && kind !== 'selfHosted') throw new RangeError(`unknown fleet kind ${kind}`);
  const rng = mulberry32(seedFrom(seed));
  const userId = uuidV4(rng);
  const names = new Map();
  const runners = [];
  for (let i = 0; i < n; i++) {
    const [gpuTag, gpuLabel, , highEnd] = weighted(rng, VOCABULARY.gpus);
    const [family, familyLabel] = pick(rng, VOCABULARY.families);
    const [region, regionLabel] = pick(rng, VOCABULARY.regions);
    const environment = rng() < 0.7 ? 'production' : pick(rng, VOCABULARY.environments);
    const runnerType = highEnd ? (rng() < 0.85 ? 'pro' : 'plus') : rng() < 0.8 ? 'plus' : 'pro';
    // Candidate tags in the order a person would write them.
    const candidates = [gpuTag, family, region, environment];
    if (kind === 'managed') candidates.unshift('managed');
    if (highEnd && rng() < 0.6) candidates.push('high-performance');
    else candidates.push(pick(rng, VOCABULARY.families.filter(([f]) => f !== family))[0]);
    let tags;
    if (rng() < 0.04) {
      tags = [];
    } else {
      const count = 1 + Math.floor(rng() * Math.min(6, candidates.length));
      const keep = new Set([candidates.indexOf(gpuTag)]);
      while (keep.size < count) keep.add(Math.floor(rng() * candidates.length));
      tags = candidates.filter((_, idx) => keep.has(idx));
    }
    const prefix =
      kind === 'managed'
        ? `${runnerType === 'pro' ? 'Pro' : 'Plus'} ${gpuLabel} ${familyLabel} ${regionLabel}`
        : `Studio ${gpuLabel} ${familyLabel} ${regionLabel}`;
    const seq = (names.get(prefix) ?? 0) + 1;
    names.set(prefix, seq);
    const created = GENERATE_FROM + Math.floor(rng() * (GENERATE_TO - GENERATE_FROM));
    const updated = created + Math.floor(rng() * Math.min(200 * 86_400_000, GENERATE_TO - created));
    const base = {
      id: uuidV4(rng),
      name: `${prefix}-${seq}`,
      status: rng() < 0.05 ? 'disabled' : 'active',
      tags,
      created_at: isoSeconds(created),
      updated_at: isoSeconds(updated),
    };
    if (kind === 'managed') {
      runners.push({ id: base.id, name: base.name, runner_type: runnerType, ...base });
    } else {
      const host = `comfy-${String(i + 1).padStart(3, '0')}.${region}.studio.example.net`;
      const headers = rng() < 0.5 ? {} : { Authorization: `Bearer standin-fake-${uuidV4(rng).slice(0, 8)}` };
      runners.push({
        id: base.id,
        user_id: userId,
        name: base.name,
        status: base.status,
        endpoint: rng() < 0.8 ? `https://${host}` : `http://10.${i >> 8 & 255}.${i & 255}.7:8188`,
        tags: base.tags,
        headers,
        created_at: base.created_at,
        updated_at: base.updated_at,
      });
    }
  }
  return sortRunners(runners);
}

function instant(runner) {
  const t = Date.parse(runner?.created_at);
  return Number.isNaN(t) ? -Infinity : t;
}

/** A new array, newest `created_at` first, ties by `id` ascending; unparseable dates last. */
export function sortRunners(runners) {
  return [...runners].sort((a, b) => {
    const d = instant(b) - instant(a);
    if (d !== 0 && !Number.isNaN(d)) return d;
    const ia = String(a?.id ?? '');
    const ib = String(b?.id ?? '');
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
}

/**
 * Turns a fleet spec into a sorted runner array. A spec is a runner array, a listing page
 * `{runners: [...]}`, or `{generate: N, seed}`. Runner objects are taken as given (tests
 * may want odd statuses or tags); they only have to be objects.
 */
export function resolveFleetSpec(spec, kind = 'managed') {
  let runners;
  if (Array.isArray(spec)) runners = spec;
  else if (spec && typeof spec === 'object' && Array.isArray(spec.runners)) runners = spec.runners;
  else if (spec && typeof spec === 'object' && 'generate' in spec) {
    return generateFleet(spec.generate, spec.seed, { kind });
  } else {
    throw new TypeError('a fleet is a runner array, {runners: [...]} or {generate: N, seed}');
  }
  runners.forEach((r, i) => {
    if (!r || typeof r !== 'object' || Array.isArray(r)) throw new TypeError(`runner ${i} is not an object`);
  });
  return sortRunners(structuredClone(runners));
}
