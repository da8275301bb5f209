// In-page benchmark: the WebAssembly package (/pkg/runner_match.js) against the
// idiomatic JS implementation (./js-match.mjs), over the stand-in's generated fleets.
// The page must be served by the stand-in (same origin: fleets are set through its
// control API and the client loads them through /v1/managed-runner).

import init, * as pkg from '/pkg/runner_match.js';

const { matchRunners, RunnerClient } = pkg;
/** `RunnerSet`: a prebuilt fleet for repeated `matchRunners`. */
const { RunnerSet } = pkg;
import { matchRunnersJs } from './js-match.mjs';

export const SEED = 42;
export const QUERIES = [
  { name: '1tag', tags: ['gpu-a100'] },
  { name: '2tags', tags: ['flux', 'gpu-h100'] },
  { name: '3tags', tags: ['production', 'sdxl', 'us-east'] },
];

let wasm;
async function ready() {
  wasm ??= await init();
  return wasm;
}

async function control(method, path, body) {
  const response = await fetch(`/__standin/${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status}`);
  return response.status === 204 ? null : response.json();
}

/** Sets the stand-in's fleet to the generated one and returns it as the API lists it. */
export async function loadFleet(n) {
  await control('PUT', 'fleet', { generate: n, seed: SEED });
  return (await control('GET', 'fleet')).managed;
}

/**
 * Loads the stand-in's whole fleet into `client` under the real 40-per-10-s budget:
 * 1000 pages of 100 would take 250 s, so the stand-in serves everything as page 1
 * (a server paging by its own size, which the pager follows). The paging benchmark
 * (bench/run.mjs) measures multi-page reads.
 */
async function loadInOnePage(client) {
  await control('PUT', 'faults', [{ path: '/v1/managed-runner', ignorePerPage: 100_000, times: 'always' }]);
  try {
    await client.refresh();
  } finally {
    await control('DELETE', 'faults');
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Median ms per call of `fn` (sync or async). Fast calls are batched so that one sample
 * lasts ≥ 4 ms (the timer is coarse without cross-origin isolation).
 */
async function measure(fn, { minSamples = 5, budgetMs = 400, maxSamples = 60 } = {}) {
  const once = async () => {
    const t0 = performance.now();
    const r = fn();
    if (r && typeof r.then === 'function') await r;
    return performance.now() - t0;
  };
  const first = await once();
  const batch = Math.min(1000, Math.max(1, Math.ceil(4 / Math.max(first, 0.001))));
  const samples = [];
  const start = performance.now();
  while (samples.length < minSamples || (performance.now() - start < budgetMs && samples.length < maxSamples)) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) {
      const r = fn();
      if (r && typeof r.then === 'function') await r;
    }
    samples.push((performance.now() - t0) / batch);
  }
  return median(samples);
}

const KEYS = ['id', 'name', 'runnerType', 'status', 'tags', 'createdAt', 'updatedAt', 'score', 'fit', 'matchedTags', 'extraTags', 'source'];
/** A canonical text of a result list: every field of every match, in a fixed order. */
function canon(list) {
  return JSON.stringify(
    list.map((m) => {
      const keys = Object.keys(m);
      if (keys.some((k) => !KEYS.includes(k))) throw new Error(`unexpected key in ${JSON.stringify(m)}`);
      return KEYS.map((k) => (k in m ? m[k] : '<absent>'));
    }),
  );
}

function agree(label, expected, actual) {
  if (!Array.isArray(actual)) throw new Error(`${label}: not an array`);
  const a = canon(expected);
  const b = canon(actual);
  if (a !== b) {
    const i = expected.findIndex((m, k) => JSON.stringify(m) !== JSON.stringify(actual[k]));
    throw new Error(
      `${label}: results differ (${expected.length} vs ${actual.length}); first difference at ${i}: ` +
        `${JSON.stringify(expected[i])} vs ${JSON.stringify(actual[i])}`,
    );
  }
}

/**
 * For each fleet size: the JS implementation, one-shot `matchRunners`, a prebuilt
 * `RunnerSet` and a `RunnerClient` with the fleet loaded once (`findRunners` from its
 * cache), every query checked for identical results before timing.
 */
export async function runBench({ sizes, smoke = false, log = () => {} }) {
  await ready();
  const opts = smoke ? { minSamples: 1, budgetMs: 0, maxSamples: 1 } : {};
  const rows = [];
  for (const n of sizes) {
    const fleet = await loadFleet(n);
    log(`n=${n}: fleet of ${fleet.length} loaded`);

    // The generated fleet is managed: no self-hosted request to time.
    const client = new RunnerClient({ token: 'cfc_demo', baseUrl: location.origin, sources: ['managed'], cacheTtlMs: 3_600_000 });
    let t0 = performance.now();
    await loadInOnePage(client);
    const clientLoadMs = performance.now() - t0;
    t0 = performance.now();
    const set = new RunnerSet(fleet);
    const setBuildMs = performance.now() - t0;

    // The client's first query after a load also builds its JS result mirror: timed apart.
    t0 = performance.now();
    await client.findRunners(QUERIES[0].tags);
    const firstFindMs = performance.now() - t0;

    for (const q of QUERIES) {
      const expected = matchRunnersJs(fleet, q.tags);
      agree(`n=${n} ${q.name} matchRunners`, expected, matchRunners(fleet, q.tags));
      agree(`n=${n} ${q.name} findRunners`, expected, await client.findRunners(q.tags));
      agree(`n=${n} ${q.name} RunnerSet.match`, expected, set.match(q.tags));

      const row = {
        n,
        query: q.name,
        matches: expected.length,
        js: await measure(() => matchRunnersJs(fleet, q.tags).length, opts),
        matchRunners: await measure(() => matchRunners(fleet, q.tags).length, opts),
        runnerSet: await measure(() => set.match(q.tags).length, opts),
        findRunners: await measure(() => client.findRunners(q.tags).then((r) => r.length), opts),
        setBuildMs,
        clientLoadMs,
        firstFindMs,
      };
      rows.push(row);
      log(JSON.stringify(row));
    }
    client.free();
    set.free();
  }
  return { rows };
}

/**
 * Memory held for `n` runners: the growth of wasm linear memory (a high-water mark:
 * transient buffers of the load count too) and of the JS heap (after a forced GC; needs
 * --js-flags=--expose-gc --enable-precise-memory-info) when a client loads the fleet and
 * answers once, next to the JS heap taken by the same fleet as plain JS objects.
 */
export async function runMemory(n) {
  const { memory } = await ready();
  const gc = () => (typeof window.gc === 'function' ? window.gc() : undefined);
  const heap = () => performance.memory?.usedJSHeapSize ?? NaN;
  await control('PUT', 'fleet', { generate: n, seed: SEED });

  gc();
  const wasm0 = memory.buffer.byteLength;
  const heap0 = heap();
  const client = new RunnerClient({ token: 'cfc_demo', baseUrl: location.origin, sources: ['managed'], cacheTtlMs: 3_600_000 });
  await loadInOnePage(client);
  const found = (await client.findRunners(['gpu-a100'])).length;
  gc();
  const wasm1 = memory.buffer.byteLength;
  const heap1 = heap();

  const fleet = (await control('GET', 'fleet')).managed;
  gc();
  const heap2 = heap();
  const result = {
    n,
    found,
    wasmBytesPerRunner: (wasm1 - wasm0) / n,
    jsHeapBytesPerRunner: (heap1 - heap0) / n,
    plainJsFleetBytesPerRunner: (heap2 - heap1) / n,
    fleetLength: fleet.length,
  };
  client.free();
  return result;
}
