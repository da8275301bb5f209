// Workflows for the stand-in's `GET /v1/workflow`: the default set (waiting and finished
// workflows, stuck and runnable ones, against the default managed fleet and the demo
// self-hosted fleet), a seeded generator for large listings, the documented `status`
// filter, and the self-hosted demo fleet.

import { readFileSync } from 'node:fs';

import { VOCABULARY, isoSeconds, mulberry32, seedFrom, uuidV4 } from './fleet.mjs';

/** The statuses ComfyControl documents, in the docs' order. */
export const WORKFLOW_STATUSES = Object.freeze(['accepted', 'uploaded', 'queued', 'running', 'completed', 'cancelled', 'invalid', 'failed']);

/**
 * The values the docs' `status` filter takes (one version of the page lists it, with 5 of
 * the 8 statuses). The stand-in applies it, and answers 400 to any other value: the
 * stricter reading of an under-documented parameter.
 */
export const STATUS_FILTER = Object.freeze(['completed', 'running', 'queued', 'failed', 'cancelled']);

/** Largest listing `generateWorkflows` builds. */
export const MAX_GENERATED_WORKFLOWS = 100_000;

// [id suffix, name, status, tags, age in seconds, run seconds (started and, when ended, length)]
const DEFAULT_SET = [
  ['01', 'Product shots (flux on A100)', 'queued', ['gpu-a100', 'flux'], 120],
  ['02', 'Upscale batch', 'queued', ['GPU-A100', 'upscale'], 300],
  ['03', 'Anime LoRA test', 'uploaded', ['lora-studio', 'sdxl'], 60],
  ['04', 'Flux XL portraits', 'queued', ['flux-xl'], 720],
  ['05', 'Quick sketch', 'accepted', [], 10],
  ['06', 'Private Hunyuan clip', 'queued', ['hunyuan', 'private-models'], 1800],
  ['07', 'Wan video teaser', 'queued', ['vidoe', 'wan'], 2700],
  ['08', 'A6000 flux test', 'queued', ['gpu-a6000', 'flux'], 180],
  ['09', 'ControlNet on a T4', 'queued', ['gpu-t4', 'controlnet'], 1200],
  ['10', 'Staging SDXL check', 'uploaded', ['sdxl', 'staging'], 40],
  ['11', 'Night batch (H100 flux)', 'running', ['gpu-h100', 'flux'], 3600, 600],
  ['12', 'Portrait v1', 'completed', ['gpu-a100', 'flux'], 7200, 90],
  ['13', 'SDXL poster', 'failed', ['sdxl'], 9000, 30],
  ['14', 'Video draft', 'cancelled', ['video'], 10_800, 45],
  ['15', 'Typo run', 'invalid', ['GPU-A100'], 14_400],
  ['16', 'Thumbnail set', 'completed', [], 86_400, 20],
];

/**
 * The default workflow set, created relative to `nowMs` (whole seconds, so the listing
 * reads like the API's). Ten wait on a runner (accepted, uploaded, queued): some run on
 * managed runners, some only on the demo's self-hosted runners, some are stuck on a
 * case mismatch (`GPU-A100`), a typo (`vidoe`), a tag no runner has (`flux-xl`) or a pair
 * no single runner carries; six are running or finished.
 */
export function defaultWorkflows(nowMs) {
  return sortWorkflows(
    DEFAULT_SET.map(([suffix, name, status, tags, age, run]) =>
      workflow(`9a1d2c3e-4b5f-4a6b-8c7d-0e1f2a3b4c${suffix}`, name, status, tags, nowMs - age * 1000, run === undefined ? null : run * 1000)),
  );
}

/**
 * A workflow object in the API's shape, created at `createdMs`. One that ran (`runMs`
 * not null) started 5 s after it was created and, unless still running, ended `runMs`
 * later.
 */
function workflow(id, name, status, tags, createdMs, runMs) {
  const started = runMs === null ? null : createdMs + 5000;
  const ended = started !== null && status !== 'running' ? started + runMs : null;
  return {
    id,
    name,
    status,
    tags,
    created_at: isoSeconds(createdMs),
    updated_at: isoSeconds(ended ?? started ?? createdMs),
    started_at: started === null ? null : isoSeconds(started),
    completed_at: ended === null ? null : isoSeconds(ended),
  };
}

let selfHostedCache;

/** A fresh copy of the demo's self-hosted fleet (with secret-looking headers and endpoints). */
export function loadDemoSelfHosted() {
  selfHostedCache ??= readFileSync(new URL('./selfhosted-demo.json', import.meta.url), 'utf8');
  return JSON.parse(selfHostedCache);
}

/**
 * `n` workflows drawn deterministically from `seed`, created over the 30 days before
 * `nowMs`: about a third waiting, tags from the fleet vocabulary (0–3 of them), some with
 * a case mismatch or a typo.
 */
export function generateWorkflows(n, seed, nowMs) {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_GENERATED_WORKFLOWS) {
    throw new RangeError(`generate must be an integer in 0..=${MAX_GENERATED_WORKFLOWS}`);
  }
  const rng = mulberry32(seedFrom(seed));
  const pool = [...VOCABULARY.gpus.map(([tag]) => tag), ...VOCABULARY.families.map(([tag]) => tag), ...VOCABULARY.environments];
  const out = [];
  for (let i = 0; i < n; i++) {
    const status = rng() < 0.35 ? ['accepted', 'uploaded', 'queued'][Math.floor(rng() * 3)] : WORKFLOW_STATUSES[3 + Math.floor(rng() * 5)];
    const tags = [];
    for (let k = Math.floor(rng() * 4); k > 0; k--) {
      let tag = pool[Math.floor(rng() * pool.length)];
      const odd = rng();
      if (odd < 0.05) tag = tag.toUpperCase();
      else if (odd < 0.08) tag = `${tag}x`;
      if (!tags.includes(tag)) tags.push(tag);
    }
    const created = nowMs - Math.floor(rng() * 30 * 86_400_000);
    const ran = ['running', 'completed', 'cancelled', 'failed'].includes(status);
    out.push(workflow(uuidV4(rng), `Generated workflow ${i + 1}`, status, tags, created, ran ? 60_000 : null));
  }
  return sortWorkflows(out);
}

/** A new array, newest `created_at` first, ties by `id` ascending. */
export function sortWorkflows(workflows) {
  const at = (w) => {
    const t = Date.parse(w?.created_at);
    return Number.isNaN(t) ? -Infinity : t;
  };
  return [...workflows].sort((a, b) => at(b) - at(a) || (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));
}

/**
 * A workflow spec → a sorted workflow array: an array, a page `{workflows: [...]}`, or
 * `{generate: N, seed}`. Objects are taken as given (tests may want odd values).
 */
export function resolveWorkflowSpec(spec, nowMs) {
  let workflows;
  if (Array.isArray(spec)) workflows = spec;
  else if (spec && typeof spec === 'object' && Array.isArray(spec.workflows)) workflows = spec.workflows;
  else if (spec && typeof spec === 'object' && 'generate' in spec) return generateWorkflows(spec.generate, spec.seed, nowMs);
  else throw new TypeError('workflows are an array, {workflows: [...]} or {generate: N, seed}');
  workflows.forEach((w, i) => {
    if (!w || typeof w !== 'object' || Array.isArray(w)) throw new TypeError(`workflow ${i} is not an object`);
  });
  return sortWorkflows(structuredClone(workflows));
}

/**
 * Applies the `status` query parameter: `{workflows}` filtered, or `{error}` (400) for a
 * value outside {@link STATUS_FILTER}. No parameter: every workflow.
 */
export function filterWorkflows(workflows, params) {
  if (!params.has('status')) return { workflows };
  const want = params.get('status');
  if (!STATUS_FILTER.includes(want)) return { error: `invalid status value (one of ${STATUS_FILTER.join(', ')})` };
  return { workflows: workflows.filter((w) => w.status === want) };
}
