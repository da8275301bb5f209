// Run by client-memory.test.mjs in a child process (node --expose-gc, from the consumer
// project, so that `runner-match` resolves as a consumer's import): the JS heap a cached
// RunnerClient holds, measured apart from the test process and its in-process stand-in.
// argv: API URL, token, runner count. Prints one JSON line of byte counts (JS heap after
// GC; wasm linear memory growth).
import init, { RunnerClient } from 'runner-match';

const [url, token, n] = process.argv.slice(2);

async function heapAfterGc() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return process.memoryUsage().heapUsed;
}

const { memory } = await init();
const wasm = () => memory.buffer.byteLength;
const client = () => new RunnerClient({ token, baseUrl: url, sources: ['managed'], cacheTtlMs: 3_600_000 });
const base = await heapAfterGc();
const wasm0 = wasm();

const first = client();
const found = (await first.findRunners(['gpu-a100'])).length;
const loaded = (await heapAfterGc()) - base;
const wasmLoad = wasm() - wasm0;
first.free();
const afterFree = (await heapAfterGc()) - base;

const second = client();
await second.findRunners(['gpu-a100']);
const once = (await heapAfterGc()) - base;
const wasmOnce = wasm();
for (let i = 0; i < 3; i++) {
  await second.refresh();
  await second.findRunners(['gpu-a100']);
}
const afterRefreshes = (await heapAfterGc()) - base;
// Wasm memory never shrinks: what refreshes add to it is what they held at once.
const wasmRefreshes = wasm() - wasmOnce;
second.free();

console.log(JSON.stringify({ n: Number(n), found, loaded, afterFree, once, afterRefreshes, wasmLoad, wasmRefreshes }));
