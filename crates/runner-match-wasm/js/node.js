// Node entry point (selected by the "node" export condition): Node's fetch cannot load
// the .wasm from a file: URL, so it is read from disk and instantiated synchronously
// at import time. `init()` is then a no-op kept for code shared with browsers.
import { readFileSync } from 'node:fs';
import { initSync } from './runner_match.js';

const output = initSync({ module: readFileSync(new URL('./runner_match_bg.wasm', import.meta.url)) });

export * from './runner_match.js';

/** Already initialised on import in Node; resolves to the instance's exports at once. */
export default async function init() {
  return output;
}
