// In-page benchmark: the WebAssembly package (/pkg/runner_match.js), through its public
// API only, against two JS peers: the idiomatic implementation (./js-match.mjs) and the
// prepared JS index (./js-index.mjs), over the stand-in's generated fleets. The page must
// be served by the stand-in (same origin: fleets are set through its control API and the
// client loads them through /v1/managed-runner).

import init, { matchRunners, RunnerClient, RunnerSet } from '/pkg/runner_match.js';
import { checkRunnersJs, EXPRESSION, matchRunnersExprJs, matchRunnersJs } from './js-match.mjs';
import { PreparedIndexJs } from './js-index.mjs';
import { median } from './report.mjs';

/**
 * The fleets' seed: not one any test, fuzz corpus or the native bench (42) uses, so no
 * implementation is tuned on these fleets.
 */
export const SEED = 1201;
/**
 * A query: its name, what the package is asked (`required`), and how each JS peer answers
 * it: `js(fleet)` the idiomatic peer, `prepared(index)` the prepared JS index.
 */
const tagQuery = (name, required) => ({
  name,
  required,
  js: (fleet) => matchRunnersJs(fleet, required),
  prepared: (index) => index.match(required),
});
/** The expression query: both JS peers are hand-written for it (no parser). */
const EXPRESSION_QUERY = {
  name: 'expr',
  required: EXPRESSION,
  js: matchRunnersExprJs,
  prepared: (index) => index.matchExpression(),
};
export const QUERIES = [
  tagQuery('1tag', ['gpu-a100']),
  tagQuery('2tags', ['flux', 'gpu-h100']),
  tagQuery('3tags', ['production', 'sdxl', 'us-east']),
  EXPRESSION_QUERY,
];
/** Checked to agree on every path, never timed: the edges of the rule. */
const AGREEMENT_ONLY = [
  tagQuery('untagged workflow', []),
  tagQuery('unknown tag', ['no-such-tag']),
  tagQuery('comma string with a repeat', 'gpu-a100, flux, gpu-a100'),
  tagQuery('unknown tag among known', ['gpu-a100', 'no-such-tag']),
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
 * Runs `read` while the stand-in serves its whole fleet as page 1 (a server paging by its
 * own size, which the pager follows): 1000 pages of 100 would take 250 s under the real
 * 40-per-10-s budget. The paging benchmark (bench/run.mjs) measures multi-page reads.
 */
async function inOnePage(read) {
  await control('PUT', 'faults', [{ path: '/v1/managed-runner', ignorePerPage: 100_000, times: 'always' }]);
  try {
    return await read();
  } finally {
    await control('DELETE', 'faults');
  }
}

/** Loads the stand-in's whole fleet into `client`. */
const loadInOnePage = (client) => inOnePage(() => client.refresh());

async function call(fn) {
  const r = fn();
  if (r && typeof r.then === 'function') await r;
}

/**
 * Median ms per call of each function in `fns` (name → sync or async function), measured
 * interleaved: each round takes one sample of every function, in a rotating order, so
 * load from the other users of a shared machine hits all of them alike. Fast calls are
 * batched so that one sample lasts ≥ 4 ms (the timer is coarse without cross-origin
 * isolation).
 */
async function measureAll(fns, { minSamples = 5, budgetMs = 400, maxSamples = 60 } = {}) {
  const names = Object.keys(fns);
  const batch = {};
  for (const name of names) {
    const t0 = performance.now();
    await call(fns[name]); // also the warm-up
    batch[name] = Math.min(1000, Math.max(1, Math.ceil(4 / Math.max(performance.now() - t0, 0.001))));
  }
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  const start = performance.now();
  const total = budgetMs * names.length;
  for (let round = 0; round < minSamples || (performance.now() - start < total && round < maxSamples); round++) {
    // The order rotates per round: the garbage one function leaves (a one-shot over 100k
    // runners leaves megabytes) is collected during whichever runs next, so each
    // function follows each other one equally often.
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length];
      const t0 = performance.now();
      for (let i = 0; i < batch[name]; i++) await call(fns[name]);
      samples[name].push((performance.now() - t0) / batch[name]);
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(samples[name])]));
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
 * For each fleet size: the two JS peers, one-shot `matchRunners`, a prebuilt `RunnerSet`
 * and a `RunnerClient` with the fleet loaded once (`findRunners` from its cache). Every
 * query (and the AGREEMENT_ONLY edges) is checked for identical results on every path
 * before anything is timed. The builds (`new RunnerSet` against `new PreparedIndexJs`)
 * are timed interleaved like the queries.
 */
export async function runBench({ sizes, smoke = false, log = () => {} }) {
  await ready();
  const opts = smoke ? { minSamples: 1, budgetMs: 0, maxSamples: 1 } : {};
  const buildOpts = smoke ? opts : { minSamples: 3, budgetMs: 500, maxSamples: 15 };
  const rows = [];
  const builds = [];
  let checked = 0;
  for (const n of sizes) {
    const fleet = await loadFleet(n);
    log(`n=${n}: fleet of ${fleet.length} loaded`);

    // The generated fleet is managed: no self-hosted request to time.
    const client = new RunnerClient({ token: 'cfc_demo', baseUrl: location.origin, sources: ['managed'], cacheTtlMs: 3_600_000 });
    let t0 = performance.now();
    await loadInOnePage(client);
    const clientLoadMs = performance.now() - t0;
    const set = new RunnerSet(fleet);
    const index = new PreparedIndexJs(fleet);

    // The client's first query after a load may build per-fleet JS state: timed apart.
    t0 = performance.now();
    await client.findRunners(QUERIES[0].required);
    const firstFindMs = performance.now() - t0;

    for (const q of [...QUERIES, ...AGREEMENT_ONLY]) {
      const expected = q.js(fleet);
      const label = `n=${n} ${q.name}`;
      agree(`${label} prepared JS index`, expected, q.prepared(index));
      agree(`${label} matchRunners`, expected, matchRunners(fleet, q.required));
      agree(`${label} findRunners`, expected, await client.findRunners(q.required));
      agree(`${label} RunnerSet.match`, expected, set.match(q.required));
      checked++;
    }

    const build = await measureAll({
      runnerSet: () => new RunnerSet(fleet).free(),
      index: () => new PreparedIndexJs(fleet).words,
    }, buildOpts);
    builds.push({ n, runnerSetBuild: build.runnerSet, indexBuild: build.index, clientLoadMs, firstFindMs });
    log(JSON.stringify(builds.at(-1)));

    for (const q of QUERIES) {
      const t = await measureAll({
        js: () => q.js(fleet).length,
        check: () => checkRunnersJs(fleet),
        index: () => q.prepared(index).length,
        matchRunners: () => matchRunners(fleet, q.required).length,
        runnerSet: () => set.match(q.required).length,
        findRunners: () => client.findRunners(q.required).then((r) => r.length),
      }, opts);
      rows.push({ n, query: q.name, matches: q.js(fleet).length, ...t });
      log(JSON.stringify(rows.at(-1)));
    }
    client.free();
    set.free();
  }
  return { rows, builds, checked };
}

/**
 * `init()` and then the first `matchRunners` over `n` runners, in ms: call it on a fresh
 * page of a fresh browser context (empty HTTP and code caches), so it is what a first
 * visit pays (fetching the .wasm from the local stand-in, compiling, instantiating).
 * The fleet is fetched before the clock starts.
 */
export async function runColdStart(n) {
  const fleet = await loadFleet(n);
  const t0 = performance.now();
  await init();
  const found = matchRunners(fleet, QUERIES[0].required).length;
  const ms = performance.now() - t0;
  agree(`cold start n=${n}`, QUERIES[0].js(fleet), matchRunners(fleet, QUERIES[0].required));
  return { n, ms, found };
}

/**
 * Memory held for `n` runners by a cached client that loaded the fleet and answered one
 * query, in bytes per runner, after a forced GC (needs --js-flags=--expose-gc
 * --enable-precise-memory-info):
 * - wasm: growth of linear memory. It never shrinks, so it is both what the page keeps
 *   (steady state) and the high-water mark of the load (peak).
 * - JS steady: heap growth after GC. JS peak: the largest heap reading (no GC: garbage
 *   the load made counts) sampled every millisecond and after every step of the load, so
 *   a lower bound on the true peak.
 * Next to it, in the same page: the same fleet as plain JS objects (`response.json()` of
 * the listing), and the prepared JS index built over those objects. Then what a
 * `refresh()` and one `explain` add to wasm memory on top.
 */
export async function runMemory(n) {
  const { memory } = await ready();
  const gc = () => (typeof window.gc === 'function' ? window.gc() : undefined);
  const heap = () => performance.memory?.usedJSHeapSize ?? NaN;
  await control('PUT', 'fleet', { generate: n, seed: SEED });

  gc();
  const wasm0 = memory.buffer.byteLength;
  const heap0 = heap();
  let peak = heap0;
  const sample = () => { peak = Math.max(peak, heap()); };
  const timer = setInterval(sample, 1);
  const client = new RunnerClient({ token: 'cfc_demo', baseUrl: location.origin, sources: ['managed'], cacheTtlMs: 3_600_000 });
  try {
    await loadInOnePage(client);
    sample();
    const found = (await client.findRunners(QUERIES[0].required)).length;
    sample();
    clearInterval(timer);
    gc();
    const wasm1 = memory.buffer.byteLength;
    const heap1 = heap();

    const fleet = await inOnePage(async () => {
      const response = await fetch('/v1/managed-runner?page=1&per_page=100', { headers: { Authorization: 'Bearer cfc_demo' } });
      if (!response.ok) throw new Error(`listing: ${response.status}`);
      return (await response.json()).runners;
    });
    gc();
    const heap2 = heap();
    const index = new PreparedIndexJs(fleet);
    gc();
    const heap3 = heap();
    // What later calls add to wasm memory (it never shrinks, so a long-lived page keeps it).
    await loadInOnePage(client);
    const wasm2 = memory.buffer.byteLength;
    await client.explain(QUERIES[0].required);
    const wasm3 = memory.buffer.byteLength;
    return {
      n,
      found,
      fleetLength: fleet.length,
      indexRunners: index.runners.length,
      wasmBytesPerRunner: (wasm1 - wasm0) / n,
      jsHeapBytesPerRunner: (heap1 - heap0) / n,
      jsPeakBytesPerRunner: (peak - heap0) / n,
      plainJsFleetBytesPerRunner: (heap2 - heap1) / n,
      preparedIndexBytesPerRunner: (heap3 - heap2) / n,
      wasmRefreshBytesPerRunner: (wasm2 - wasm1) / n,
      wasmExplainBytesPerRunner: (wasm3 - wasm2) / n,
    };
  } finally {
    clearInterval(timer);
    client.free();
  }
}
