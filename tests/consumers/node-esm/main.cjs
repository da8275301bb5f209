// A CommonJS consumer. The package is ESM-only ("type": "module", no "require" export
// condition), so CommonJS code loads it with a dynamic import(). Also reports what
// require('runner-match') does on this Node (require(esm): Node >= 20.19 / >= 22.12).
// Environment as for main.js. Prints one JSON line.
'use strict';

function describeError(e) {
  return { name: e?.name, code: e?.code, status: e?.status, message: String(e?.message ?? e) };
}

async function main() {
  const out = { requireModuleFeature: Boolean(process.features.require_module) };
  try {
    const m = require('runner-match');
    out.require = { ok: true, exports: Object.keys(m).filter((k) => k !== '__esModule').sort() };
  } catch (e) {
    out.require = { ok: false, ...describeError(e) };
  }

  const { default: init, configure, findRunners } = await import('runner-match');
  await init();
  configure({ token: process.env.RUNNER_TOKEN ?? 'cfc_demo', baseUrl: process.env.STANDIN_URL });
  try {
    out.result = { ok: true, runners: await findRunners(process.env.RUNNER_TAGS ?? 'gpu-a100, flux') };
  } catch (e) {
    out.result = { ok: false, error: describeError(e) };
  }
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
