#!/usr/bin/env node
// `make demo`: the demo page (web/) and the built package (pkg/) served by the stand-in
// API on one origin, with the default fleet, the demo's self-hosted runners, the default
// workflows and accept-any-token auth (the page's default demo token works, and so does a
// token pasted into its Connection section; cfc_free_demo acts as a Free tier).
//
//   node standin/demo.mjs            # http://127.0.0.1:8080 ($PORT overrides)
//   import { startDemo } from './standin/demo.mjs'; const demo = await startDemo({ port: 0 });

import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startStandin } from './server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PKG_FILES = ['pkg/runner_match.js', 'pkg/runner_match_bg.wasm'];

/** `true` when the package has been built into pkg/. */
export function pkgBuilt(root = ROOT) {
  return PKG_FILES.every((f) => existsSync(path.join(root, f)));
}

/**
 * Starts the demo server: `/` → web/, `/pkg/` → pkg/, the stand-in API under `/v1/`.
 * Options: `port` (default 8080; 0 = any free port), `host` ('127.0.0.1'), and any other
 * `startStandin` option (e.g. `acceptAnyToken: false`). Resolves to the stand-in object
 * (`url`, `close()`, …).
 */
export async function startDemo({ port = 8080, host = '127.0.0.1', ...rest } = {}) {
  return startStandin({
    acceptAnyToken: true,
    selfHosted: 'demo',
    ...rest,
    port,
    host,
    static: [{ mount: '/', dir: 'web' }, { mount: '/pkg/', dir: 'pkg' }],
    staticBase: ROOT,
  });
}

async function main() {
  if (!pkgBuilt()) {
    process.stderr.write('demo: pkg/ is missing (the npm package is not built yet). Run `make pkg` first, or `make demo`.\n');
    process.exit(1);
  }
  const portText = process.env.PORT ?? '8080';
  if (!/^[0-9]+$/.test(portText) || Number(portText) > 65535) {
    process.stderr.write(`demo: invalid PORT ${portText}\n`);
    process.exit(2);
  }
  let demo;
  try {
    demo = await startDemo({ port: Number(portText) });
  } catch (err) {
    const hint = err?.code === 'EADDRINUSE' ? ` (port ${portText} is taken: try PORT=8081 make demo)` : '';
    process.stderr.write(`demo: could not start: ${err.message}${hint}\n`);
    process.exit(1);
  }
  const runners = demo.fleet().managed.length;
  const own = demo.fleet().selfHosted.length;
  process.stdout.write(`
  runner-match demo: ${demo.url}/

  Stand-in ComfyControl API on the same origin: ${runners} managed and ${own} self-hosted runners,
  ${demo.workflows().length} workflows, any Bearer token accepted (the page uses the demo token cfc_demo;
  the Connection section takes another URL or token; cfc_free_demo is a Free-tier account).

  Things to try:
    1. Type  gpu-a100, flux  : runners ranked by fit, matched vs extra tags.
    2. Type  GPU-A100        : no runner has it; the explanation says why (tags are case-sensitive).
    3. Waiting workflows     : which of your queued workflows can run, and why the others are stuck
                               (try the token cfc_free_demo: no managed runners on a Free tier).
    4. In the browser's dev console (F12) on the page:
         const rm = await import('/pkg/runner_match.js');
         await rm.default();
         rm.configure({ token: 'cfc_demo', baseUrl: location.origin });
         console.table(await rm.findRunners('gpu-a100, flux'));
    5. The CLI, in another terminal (also: explain GPU-A100, flux · diagnose · list):
         CFC_TOKEN=cfc_demo cargo run -q -p runner-match-cli -- find gpu-a100, flux --base-url ${demo.url}

  Ctrl-C to stop.
`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\ndemo: stopping\n');
    await demo.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function isMain() {
  try {
    return Boolean(process.argv[1]) && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) await main();
