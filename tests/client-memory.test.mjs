// What a RunnerClient's cached list holds in the JS heap, and that it goes with the
// client: bytes after forced GCs (never time), in a child Node process
// (support/client-memory-probe.mjs) so that the in-process stand-in's own memory does
// not count. Run: cd tests && node --test --test-concurrency=1 client-memory.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { withPackageAndApi } from './support/suite.mjs';
import { TOKEN, serveOnePage } from './support/standin.mjs';

let rm;
let s;
withPackageAndApi((started) => ({ rm, s } = started));

const N = 30_000;

test('a cached client’s list leaves memory with the client: on free(), and on refresh() (replaced, not added, not held twice)', async () => {
  serveOnePage(s, N, 11);
  const probe = path.join(rm.project.dir, 'client-memory-probe.mjs');
  copyFileSync(fileURLToPath(new URL('./support/client-memory-probe.mjs', import.meta.url)), probe);
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', probe, s.url, TOKEN, String(N)],
    { cwd: rm.project.dir, timeout: 120_000 });
  const m = JSON.parse(stdout.trim().split('\n').pop());
  assert.ok(m.found > 1000, `found ${m.found}`);
  // The bases findRunners builds its results from: the fleet's strings, an object per runner.
  assert.ok(m.loaded > 100 * N, `a loaded client holds ${m.loaded} B of JS heap for ${N} runners`);
  assert.ok(m.afterFree < 0.2 * m.loaded, `after free(), ${m.afterFree} B of the client's ${m.loaded} B are still held`);
  assert.ok(m.once > 100 * N, `one load holds ${m.once} B`);
  assert.ok(m.afterRefreshes < 1.3 * m.once,
    `after 3 refreshes the client holds ${m.afterRefreshes} B, against ${m.once} B after one load`);
  // A refresh drops the old list before loading the new one, so wasm memory (which never
  // shrinks) does not grow by a second list.
  assert.ok(m.wasmLoad > 100 * N, `the first load grew wasm memory by ${m.wasmLoad} B`);
  assert.ok(m.wasmRefreshes < 0.25 * m.wasmLoad,
    `3 refreshes grew wasm memory by ${m.wasmRefreshes} B more, against ${m.wasmLoad} B for the first load`);
});
