// WebAssembly memory never shrinks: whatever a report call allocates at its peak stays
// with the page for good. The package's reports (explain, listRunners) cross into JS
// as JSON text in small pieces, written straight from the cached runners, so a call
// on a large fleet must leave the memory about as it found it. This file runs in its
// own process (node --test), so the package's wasm instance is fresh.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertRunnerMatchError } from './support/errors.mjs';
import { TOKEN, serveOnePage } from './support/standin.mjs';
import { withPackageAndApi } from './support/suite.mjs';

const RUNNERS = 30_000;

// What a call may still take: explain builds one verdict per runner (about 160 bytes in
// wasm32), which it needs; the report objects and the JSON text (another ~600 B per
// runner before, for explain and for listRunners alike) must not be in wasm at once.
const MAX_GROWTH_PER_RUNNER = 250;

let rm;
let s;
withPackageAndApi((started) => ({ rm, s } = started));

test(`explain and listRunners over ${RUNNERS} runners leave the wasm memory at most ${MAX_GROWTH_PER_RUNNER} B per runner larger`, async () => {
  serveOnePage(s, RUNNERS, 1201);
  const { memory } = await rm.namespace.default();
  const client = new rm.namespace.RunnerClient({ token: TOKEN, baseUrl: s.url, sources: ['managed'], cacheTtlMs: 3_600_000 });
  assert.ok((await client.findRunners(['gpu-a100'])).length > 0);
  const loaded = memory.buffer.byteLength;
  const growth = () => (memory.buffer.byteLength - loaded) / RUNNERS;

  const report = await client.explain(['gpu-a100']);
  assert.equal(report.total, RUNNERS);
  assert.equal(report.runners.length, RUNNERS);
  assert.ok(report.matchCount > 0 && report.matchCount < RUNNERS, report.summary);
  assert.ok(growth() <= MAX_GROWTH_PER_RUNNER, `explain grew the wasm memory by ${growth().toFixed(0)} B per runner`);

  const listed = await client.listRunners();
  assert.equal(listed.length, RUNNERS);
  assert.deepEqual(listed.map((r) => r.id), report.runners.map((v) => v.id));
  assert.ok(growth() <= MAX_GROWTH_PER_RUNNER, `listRunners grew the wasm memory by ${growth().toFixed(0)} B per runner`);
});

test('a report longer than the engine’s longest string is a typed decode error, and the module keeps working', () => {
  const { explainRunners, matchRunners } = rm.namespace;
  const fleet = [{ id: 'r1', name: 'One', status: 'active', tags: ['flux'], created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' }];
  // What V8 throws when a join would pass its longest string (about 512 MiB), made to
  // happen on a small report: the package joins the pieces of a report's JSON text.
  const join = Array.prototype.join;
  Array.prototype.join = function () {
    throw new RangeError('Invalid string length');
  };
  let err;
  try {
    explainRunners(fleet, ['flux']);
  } catch (caught) {
    err = caught;
  } finally {
    Array.prototype.join = join;
  }
  assertRunnerMatchError(err, 'decode', { message: /^could not build the result: its JSON text \(1 MB\) is longer than this JS engine's longest string$/ });
  assert.equal(explainRunners(fleet, ['flux']).matchCount, 1);
  assert.equal(matchRunners(fleet, ['flux']).length, 1);
});
