// Packaging tests: the npm tarball of pkg/ (what `npm publish` would upload), installed into
// throw-away consumer projects and used the way users use it:
//   1. Node ESM (+ a CommonJS file and a TypeScript type check),
//   2. a Vite app (`vite build` in headless Chromium, and the Vite dev server),
//   3. a plain HTML page with <script type="module"> and the dev-console path.
// Templates live in tests/consumers/ and are copied to a temp dir; node_modules/runner-match
// is always the installed (or extracted) tarball, never a link to pkg/.
//
// Run: cd tests && node --test packaging.test.mjs   (needs `make pkg` and /usr/bin/chromium;
// CHROMIUM_PATH and RUNNER_MATCH_PKG_DIR override those).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { cp, lstat, mkdir, mkdtemp, readFile, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

import { API_EXPORTS } from './support/package.mjs';
import { startStandin } from '../standin/server.mjs';

const TESTS_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(TESTS_DIR, '..');
// RUNNER_MATCH_PKG_DIR: pack another build (e.g. a modified copy, to see these tests fail).
const PKG_DIR = path.resolve(process.env.RUNNER_MATCH_PKG_DIR ?? path.join(ROOT, 'pkg'));
const JS_SRC = path.join(ROOT, 'crates', 'runner-match-wasm', 'js');
const CRATE_README = path.join(ROOT, 'crates', 'runner-match-wasm', 'README.md');
const CONSUMERS = path.join(TESTS_DIR, 'consumers');
const FLEET_JSON = path.join(ROOT, 'standin', 'fleet.json');
const VITE_CLI = path.join(TESTS_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
const TSC = path.join(TESTS_DIR, 'node_modules', 'typescript', 'bin', 'tsc');

const TOKEN = 'cfc_demo';
const WRONG_TOKEN = 'cfc_wrong_packaging_token';
const TAGS = ['gpu-a100', 'flux'];

const CHROMIUM = {
  headless: true,
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-sync'],
};

/** Exactly what the tarball must hold (paths inside `package/`). */
const REQUIRED_FILES = ['README.md', 'node.js', 'package.json', 'runner_match.d.ts', 'runner_match.js', 'runner_match_bg.wasm'];
const OPTIONAL_FILES = ['runner_match_bg.wasm.d.ts'];
const MATCH_KEYS = ['id', 'name', 'runnerType', 'status', 'tags', 'createdAt', 'updatedAt', 'score', 'fit',
  'matchedTags', 'extraTags', 'source'];

// ---- expectations from the stand-in's default fleet, computed independently -------------

const FLEET = JSON.parse(readFileSync(FLEET_JSON, 'utf8'));
const hasAll = (r) => TAGS.every((t) => r.tags.includes(t));
const CANDIDATES = FLEET.filter((r) => r.status === 'active' && (r.tags.length === 0 || hasAll(r)));
const EXPECTED_IDS = CANDIDATES.map((r) => r.id).sort();
const FEWEST_TAGS = Math.min(...CANDIDATES.filter((r) => r.tags.length > 0).map((r) => r.tags.length));

/** A findRunners('gpu-a100, flux') answer for the default fleet: right runners, shape, order. */
function assertRanked(runners, where) {
  assert.ok(Array.isArray(runners), `${where}: expected an array, got ${JSON.stringify(runners)?.slice(0, 300)}`);
  assert.ok(runners.length > 0, `${where}: no runners`);
  assert.deepEqual(runners.map((r) => r.id).sort(), EXPECTED_IDS, `${where}: the matching runners`);
  for (const r of runners) {
    for (const key of MATCH_KEYS) assert.ok(key in r, `${where}: ${key} missing from ${JSON.stringify(r)}`);
    assert.equal(r.status, 'active', where);
    assert.equal(r.source, 'managed', where);
    assert.ok(r.score > 0 && r.score <= 1, `${where}: score ${r.score}`);
    if (r.fit === 'wildcard') {
      assert.deepEqual(r.tags, [], `${where}: a wildcard runner is untagged`);
      assert.equal(r.score, 0.5, where);
    } else {
      for (const t of TAGS) assert.ok(r.tags.includes(t), `${where}: ${r.name} lacks ${t}`);
      assert.deepEqual([...r.matchedTags].sort(), [...TAGS].sort(), `${where}: matchedTags of ${r.name}`);
      assert.deepEqual([...r.extraTags].sort(), r.tags.filter((t) => !TAGS.includes(t)).sort(), `${where}: extraTags`);
    }
  }
  for (let i = 1; i < runners.length; i++) {
    assert.ok(runners[i - 1].score >= runners[i].score, `${where}: not best first at ${i}`);
  }
  const best = runners[0];
  assert.notEqual(best.fit, 'wildcard', `${where}: a tagged runner fits better than the wildcard`);
  assert.equal(best.tags.length, FEWEST_TAGS, `${where}: the best fit is the least over-qualified runner`);
  if (FEWEST_TAGS === TAGS.length) assert.equal(best.score, 1, `${where}: an exact match scores 1`);
}

/** The `{ok:false, error}` a consumer reports for a wrong token. */
function assertUnauthorized(report, where) {
  assert.equal(report.ok, false, `${where}: expected an error, got ${JSON.stringify(report).slice(0, 300)}`);
  const { error } = report;
  assert.equal(error.isError, true, `${where}: not an Error instance`);
  assert.equal(error.name, 'RunnerMatchError', `${where}: ${error.message}`);
  assert.equal(error.code, 'unauthorized', `${where}: ${error.message}`);
  assert.equal(error.status, 401, where);
  assert.ok(!error.message.includes(WRONG_TOKEN), `${where}: the token leaked into the message`);
}

// ---- processes ---------------------------------------------------------------------------

/** The environment for child processes, minus what `npm test` / `node --test` put in it. */
function childEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(npm_(package_|lifecycle_|command$|config_(local_prefix|prefix|global_prefix)$)|INIT_CWD$|NODE_TEST_CONTEXT$)/i.test(key)) {
      delete env[key];
    }
  }
  return { ...env, ...extra };
}

/** Runs a command to completion; resolves `{code, signal, stdout, stderr}` (never rejects on exit codes). */
function run(cmd, args, { cwd, env, timeout = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const describeRun = (r) => `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

/** The last stdout line of a consumer script, parsed. */
function lastJsonLine(r) {
  const line = r.stdout.trim().split('\n').at(-1);
  try {
    return JSON.parse(line);
  } catch {
    assert.fail(`no JSON on stdout: ${describeRun(r)}`);
  }
}

// ---- consumer projects -------------------------------------------------------------------

let tmp;
let tarball;
let packInfo;
let tarEntries;
let extracted; // the tarball unpacked (package/ stripped)
let api;
const servers = [];
const setups = {};
let browserPromise;
let nodeRunners; // the Node ESM consumer's answer, compared with the browsers' answers

/** Keeps a promise that is awaited later from failing the process as unhandled meanwhile. */
function early(promise) {
  promise.catch(() => {});
  return promise;
}

/** Copies tests/consumers/<name> to the temp dir and `npm install`s the tarball into it. */
async function installConsumer(name) {
  const dir = path.join(tmp, name);
  await cp(path.join(CONSUMERS, name), dir, { recursive: true });
  const args = ['install', tarball, '--no-audit', '--no-fund', '--loglevel=error'];
  let r = await run('npm', [...args, '--offline'], { cwd: dir });
  if (r.code !== 0) r = await run('npm', [...args, '--prefer-offline'], { cwd: dir });
  if (r.code !== 0) throw new Error(`npm install of the tarball into ${name} failed: ${describeRun(r)}`);
  return dir;
}

/** Copies tests/consumers/<name> and extracts the tarball to its node_modules/runner-match (as a CDN would). */
async function extractConsumer(name) {
  const dir = path.join(tmp, name);
  await cp(path.join(CONSUMERS, name), dir, { recursive: true });
  const target = path.join(dir, 'node_modules', 'runner-match');
  await mkdir(target, { recursive: true });
  const r = await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  if (r.code !== 0) throw new Error(`tar -xzf failed: ${describeRun(r)}`);
  return dir;
}

function browser() {
  browserPromise ??= early(chromium.launch(CHROMIUM));
  return browserPromise;
}

/** Opens `url` in a fresh context, waits for `#result[data-state=done]`, returns its JSON. */
async function loadResult(url, { timeout = 20_000 } = {}) {
  const context = await (await browser()).newContext();
  const page = await context.newPage();
  const log = [];
  const responses = [];
  page.on('console', (m) => log.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => log.push({ type: 'pageerror', text: e.message }));
  page.on('requestfailed', (r) => log.push({ type: 'requestfailed', text: `${r.url()} ${r.failure()?.errorText}` }));
  page.on('response', (r) => responses.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] ?? '' }));
  try {
    await page.goto(url);
    await page.waitForSelector('#result[data-state="done"]', { timeout });
    const text = await page.textContent('#result');
    return { report: JSON.parse(text), log, responses };
  } catch (err) {
    err.message += `\nbrowser log for ${url}:\n${log.map((l) => `${l.type}: ${l.text}`).join('\n')}`;
    throw err;
  } finally {
    await context.close();
  }
}

/** No console errors or warnings (e.g. wasm-bindgen's "instantiateStreaming failed ... MIME type"). */
function assertQuietConsole(log, where) {
  const noisy = log.filter((l) => ['error', 'warning', 'pageerror', 'requestfailed'].includes(l.type));
  assert.deepEqual(noisy, [], `${where}: console errors/warnings`);
}

/** The .wasm response of a page load: 200 with `application/wasm` (so instantiateStreaming works). */
function assertWasmServed(responses, pattern, where) {
  const wasm = responses.filter((r) => r.url.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `${where}: wasm requests ${JSON.stringify(wasm)}`);
  assert.match(new URL(wasm[0].url).pathname, pattern, where);
  assert.equal(wasm[0].status, 200, where);
  assert.match(wasm[0].type, /^application\/wasm/, where);
}

/** The API requests the stand-in `api` logged after sequence number `since`. */
function apiRequestsSince(since) {
  return api.requests().filter((r) => r.seq > since);
}
const lastSeq = () => api.requests().at(-1)?.seq ?? 0;

// ---- setup -------------------------------------------------------------------------------

before(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'runner-match-packaging-'));
  const pkgJson = await readFile(path.join(PKG_DIR, 'package.json'), 'utf8').catch(() => null);
  assert.ok(pkgJson, `${PKG_DIR}/package.json is missing: run \`make pkg\` first`);

  const packed = await run('npm', ['pack', '--pack-destination', tmp, '--json', '--loglevel=error'], { cwd: PKG_DIR });
  assert.equal(packed.code, 0, `npm pack failed: ${describeRun(packed)}`);
  [packInfo] = JSON.parse(packed.stdout);
  tarball = path.join(tmp, packInfo.filename);
  const listed = await run('tar', ['-tzf', tarball]);
  assert.equal(listed.code, 0, describeRun(listed));
  tarEntries = listed.stdout.split('\n').filter(Boolean);
  extracted = path.join(tmp, 'extracted');
  await mkdir(extracted);
  const unpacked = await run('tar', ['-xzf', tarball, '-C', extracted, '--strip-components=1']);
  assert.equal(unpacked.code, 0, describeRun(unpacked));

  // Independent set-ups start now and are awaited by the describe blocks that need them.
  setups.node = early(installConsumer('node-esm'));
  setups.vite = early(installConsumer('vite'));
  setups.plain = early(extractConsumer('plain-html'));
  browser();
  api = await startStandin();
  servers.push(api);
});

after(async () => {
  const b = await browserPromise?.catch(() => null);
  await b?.close();
  await Promise.allSettled(servers.map((s) => s.close()));
  await Promise.allSettled(Object.values(setups));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// ---- the tarball -------------------------------------------------------------------------

describe('npm pack', () => {
  test('the tarball holds exactly the package files, all under package/', () => {
    for (const entry of tarEntries) assert.match(entry, /^package\//, `tar entry ${entry}`);
    const files = tarEntries.map((e) => e.replace(/^package\//, '')).filter((e) => e && !e.endsWith('/')).sort();
    // wasm-bindgen puts the crate's own JS snippets (js/results.js, js/snapshot.js) under
    // snippets/<crate-hash>/js/; the glue imports them, so they must ship.
    const SNIPPET = /^snippets\/runner-match-wasm-[0-9a-f]+\/js\/(results|snapshot)\.js$/;
    const unexpected = files.filter((f) => !REQUIRED_FILES.includes(f) && !OPTIONAL_FILES.includes(f) && !SNIPPET.test(f));
    const missing = REQUIRED_FILES.filter((f) => !files.includes(f));
    for (const name of ['results', 'snapshot']) {
      if (!files.some((f) => SNIPPET.test(f) && f.endsWith(`/${name}.js`))) missing.push(`snippets/…/js/${name}.js`);
    }
    assert.deepEqual({ missing, unexpected }, { missing: [], unexpected: [] }, `tarball files: ${files.join(', ')}`);
    // npm's own report agrees with the archive.
    assert.deepEqual(packInfo.files.map((f) => f.path).sort(), files);
    assert.equal(packInfo.name, 'runner-match');
    assert.deepEqual(packInfo.bundled, []);
  });

  test('package.json: ESM, and every main/module/types/exports/sideEffects target is in the tarball', async () => {
    const pj = JSON.parse(await readFile(path.join(extracted, 'package.json'), 'utf8'));
    assert.equal(pj.name, 'runner-match');
    assert.equal(pj.type, 'module', 'ESM-only package');
    assert.equal(pj.dependencies, undefined, 'no dependencies (installs offline)');
    assert.equal(pj.scripts, undefined, 'no install scripts');

    const files = new Set(tarEntries.map((e) => e.replace(/^package\//, '')));
    const targets = [];
    const collect = (value, where) => {
      if (typeof value === 'string') targets.push([where, value]);
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, `${where}.${k}`);
    };
    for (const field of ['main', 'module', 'types', 'exports', 'sideEffects']) collect(pj[field], field);
    assert.ok(targets.length > 0);
    for (const [where, target] of targets) {
      assert.match(target, /^\.\//, `${where}: ${target} should start with ./`);
      assert.ok(files.has(target.slice(2)), `${where} → ${target} is not in the tarball`);
    }
    const root = pj.exports['.'];
    assert.equal(Object.keys(root)[0], 'types', 'the types condition must come first');
    assert.equal(root.node, './node.js');
    assert.equal(root.default, './runner_match.js');
    assert.ok(Object.keys(root).indexOf('node') < Object.keys(root).indexOf('default'));
    assert.ok(pj.sideEffects.includes('./node.js'), 'node.js instantiates the wasm on import: a side effect');
  });

  test('the tarball is built from the current sources (package.json, node.js, README.md)', async () => {
    const stale = [];
    for (const [file, source] of [
      ['package.json', path.join(JS_SRC, 'package.json')],
      ['node.js', path.join(JS_SRC, 'node.js')],
      ['README.md', CRATE_README],
    ]) {
      const [packed, current] = await Promise.all([readFile(path.join(extracted, file), 'utf8'), readFile(source, 'utf8')]);
      if (packed !== current) stale.push(`${file} (≠ ${path.relative(ROOT, source)})`);
    }
    assert.deepEqual(stale, [], 'pkg/ is stale: run `make pkg` (README.md changes alone do not trigger it: '
      + 'the Makefile\'s PKG_SOURCES lacks crates/runner-match-wasm/README.md)');
  });
});

// ---- consumer 1: Node --------------------------------------------------------------------

describe('Node consumer (npm install <tarball>)', () => {
  let dir;
  before(async () => {
    dir = await setups.node;
  });

  test('node_modules/runner-match is a real copy of the tarball, not a link to pkg/', async () => {
    const installed = path.join(dir, 'node_modules', 'runner-match');
    assert.equal((await lstat(installed)).isSymbolicLink(), false);
    assert.ok(!(await realpath(installed)).startsWith(await realpath(PKG_DIR)));
    const files = [];
    for (const entry of await readdir(installed, { recursive: true })) {
      if ((await lstat(path.join(installed, entry))).isFile()) files.push(entry);
    }
    assert.deepEqual(files.sort(), packInfo.files.map((f) => f.path).sort());
    const consumer = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
    assert.match(consumer.dependencies['runner-match'], /^file:.*\.tgz$/);
  });

  test('ESM: the README example (init, configure, findRunners) against the stand-in', async () => {
    const r = await run(process.execPath, ['main.js'], { cwd: dir, env: { STANDIN_URL: api.url }, timeout: 20_000 });
    assert.equal(r.code, 0, describeRun(r));
    const report = lastJsonLine(r);
    assert.equal(report.ok, true, JSON.stringify(report.error));
    assertRanked(report.runners, 'node main.js');
    nodeRunners = report.runners;
  });

  test('ESM: a wrong token rejects with RunnerMatchError code "unauthorized"', async () => {
    const r = await run(process.execPath, ['main.js'], {
      cwd: dir, env: { STANDIN_URL: api.url, RUNNER_TOKEN: WRONG_TOKEN }, timeout: 20_000,
    });
    assert.equal(r.code, 1, describeRun(r));
    assertUnauthorized(lastJsonLine(r), 'node main.js');
    assert.ok(!r.stdout.includes(WRONG_TOKEN) && !r.stderr.includes(WRONG_TOKEN));
  });

  test('ESM: the bare specifier resolves to node.js (the "node" condition); the rest of the API works', async () => {
    const r = await run(process.execPath, ['api.js'], { cwd: dir, env: { FLEET_JSON }, timeout: 20_000 });
    assert.equal(r.code, 0, describeRun(r));
    const out = lastJsonLine(r);
    const installed = await realpath(path.join(dir, 'node_modules', 'runner-match'));
    assert.equal(out.resolved, pathToFileURL(path.join(installed, 'node.js')).href);
    assert.equal(out.packageJson, pathToFileURL(path.join(installed, 'package.json')).href);
    for (const name of API_EXPORTS) assert.ok(out.exports.includes(name), `export ${name} missing: ${out.exports}`);
    assert.deepEqual(out.types, {
      init: 'function', configure: 'function', findRunners: 'function', matchRunners: 'function', RunnerClient: 'function',
      RunnerSet: 'function', explainRunners: 'function', workflowTags: 'function',
    });
    assert.deepEqual(out.setMatched, out.matched, 'RunnerSet#match agrees with matchRunners');
    assert.equal(out.explainedMatches, out.matched.length, 'explainRunners counts the same matches');
    assert.deepEqual(out.workflowTags, { text: 'gpu-a100', tags: ['gpu-a100'], enforced: false, notEnforced: ['flux | sdxl (an OR)'] });
    assert.ok(out.initResult && 'memory' in out.initResult, 'init() resolves at once to the instance exports (InitOutput) in Node');
    assert.deepEqual(out.beforeConfigure, { ok: false, name: 'RunnerMatchError', code: 'not_configured', isError: true });
    assert.deepEqual(out.insecure, { ok: false, name: 'RunnerMatchError', code: 'insecure_url' });
    assert.match(out.clientBaseUrl, /^http:\/\/127\.0\.0\.1:9\/?$/);
    // matchRunners (pure) on the fleet file picks the same runners, best first, as findRunners.
    assert.deepEqual(out.matched.map((m) => m.id).sort(), EXPECTED_IDS);
    if (nodeRunners) assert.deepEqual(out.matched.map((m) => m.id), nodeRunners.map((m) => m.id));
  });

  test('CommonJS: await import() works (the package is ESM-only); require() only via require(esm)', async () => {
    const r = await run(process.execPath, ['main.cjs'], { cwd: dir, env: { STANDIN_URL: api.url }, timeout: 20_000 });
    assert.equal(r.code, 0, describeRun(r));
    const out = lastJsonLine(r);
    assert.equal(out.result.ok, true, JSON.stringify(out.result.error));
    assertRanked(out.result.runners, 'node main.cjs');
    if (out.requireModuleFeature) {
      // Node >= 20.19 / 22.12 loads ESM from require(): the "node" condition matches there too.
      assert.equal(out.require.ok, true, `require() failed: ${out.require.message}`);
      for (const name of API_EXPORTS) assert.ok(out.require.exports.includes(name), name);
    } else {
      assert.equal(out.require.ok, false);
      assert.equal(out.require.code, 'ERR_REQUIRE_ESM', out.require.message);
    }
  });

  test('TypeScript: the "types" condition gives consumers the API (nodenext and bundler resolution)', async () => {
    const tsc = (...extra) => run(process.execPath, [TSC, '-p', 'tsconfig.json', ...extra], { cwd: dir, timeout: 40_000 });
    const [nodenext, bundler] = await Promise.all([tsc(), tsc('--module', 'esnext', '--moduleResolution', 'bundler')]);
    assert.equal(nodenext.code, 0, `tsc (nodenext): ${describeRun(nodenext)}`);
    assert.equal(bundler.code, 0, `tsc (bundler): ${describeRun(bundler)}`);
  });
});

// ---- consumer 2: Vite --------------------------------------------------------------------

describe('Vite consumer', () => {
  let dir;
  let site;
  let build;
  before(async () => {
    dir = await setups.vite;
    // The API is another origin: VITE_STANDIN_URL is baked in at build time.
    build = await run(process.execPath, [VITE_CLI, 'build'], { cwd: dir, env: { VITE_STANDIN_URL: api.url }, timeout: 60_000 });
    site = await startStandin({ static: [{ mount: '/', dir: path.join(dir, 'dist') }] });
    servers.push(site);
  });

  test('vite build: the .wasm becomes a hashed asset; the browser entry is bundled, not node.js', async () => {
    assert.equal(build.code, 0, `vite build: ${describeRun(build)}`);
    const assets = await readdir(path.join(dir, 'dist', 'assets'));
    const wasm = assets.filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `dist/assets: ${assets.join(', ')}`);
    assert.match(wasm[0], /^runner_match_bg-[\w-]+\.wasm$/);
    const [emitted, installed] = await Promise.all([
      readFile(path.join(dir, 'dist', 'assets', wasm[0])),
      readFile(path.join(dir, 'node_modules', 'runner-match', 'runner_match_bg.wasm')),
    ]);
    assert.ok(emitted.equals(installed), 'the emitted .wasm is the package\'s');
    const js = await Promise.all(assets.filter((f) => f.endsWith('.js')).map((f) => readFile(path.join(dir, 'dist', 'assets', f), 'utf8')));
    const bundle = js.join('\n');
    assert.ok(bundle.includes(`/assets/${wasm[0]}`), 'the bundle points at the emitted .wasm');
    assert.ok(!/node:fs|readFileSync/.test(bundle), 'node.js (the "node" condition) leaked into the browser bundle');
    assert.ok(bundle.includes(api.url), 'VITE_STANDIN_URL was not inlined');
  });

  test('the built app ranks runners in headless Chromium (API on another origin)', async () => {
    assert.equal(build.code, 0, 'vite build failed');
    assert.notEqual(new URL(site.url).origin, new URL(api.url).origin);
    const since = lastSeq();
    const { report, log, responses } = await loadResult(`${site.url}/`);
    assert.equal(report.ok, true, JSON.stringify(report.error));
    assertRanked(report.runners, 'vite build in Chromium');
    if (nodeRunners) assert.deepEqual(report.runners, nodeRunners, 'same answer as in Node');
    assertWasmServed(responses, /^\/assets\/runner_match_bg-[\w-]+\.wasm$/, 'vite build');
    assertQuietConsole(log, 'vite build');
    const kinds = apiRequestsSince(since).map((r) => r.kind);
    assert.ok(kinds.includes('preflight') && kinds.includes('api'), `cross-origin requests: ${kinds}`);
  });

  test('the built app reports a wrong token as RunnerMatchError "unauthorized"', async () => {
    assert.equal(build.code, 0, 'vite build failed');
    const { report } = await loadResult(`${site.url}/?token=${WRONG_TOKEN}`);
    assertUnauthorized(report, 'vite build in Chromium');
  });

  test('vite dev server (optimizeDeps.exclude, see vite.config.js) serves a working app', async () => {
    const { createServer } = await import('vite');
    // Vite's middlewares (and its HMR socket) on our own server: an ephemeral port, no watcher.
    const http = createHttpServer();
    const server = await createServer({
      root: dir,
      configFile: path.join(dir, 'vite.config.js'),
      clearScreen: false,
      logLevel: 'error',
      server: { middlewareMode: true, hmr: { server: http }, watch: null },
    });
    http.on('request', server.middlewares);
    try {
      await new Promise((resolve, reject) => http.once('error', reject).listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${http.address().port}/`;
      const { report, log, responses } = await loadResult(`${base}?api=${encodeURIComponent(api.url)}`);
      assert.equal(report.ok, true, JSON.stringify(report.error));
      assertRanked(report.runners, 'vite dev in Chromium');
      assertWasmServed(responses, /\/node_modules\/runner-match\/runner_match_bg\.wasm$/, 'vite dev');
      assertQuietConsole(log.filter((l) => !/^\[vite\]/.test(l.text)), 'vite dev');
      const wrong = await loadResult(`${base}?api=${encodeURIComponent(api.url)}&token=${WRONG_TOKEN}`);
      assertUnauthorized(wrong.report, 'vite dev in Chromium');
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await server.close();
    }
  });
});

// ---- consumer 3: plain HTML --------------------------------------------------------------

describe('plain HTML consumer (<script type="module">, no bundler)', () => {
  let site;
  before(async () => {
    const dir = await setups.plain;
    // The project directory as a static site: /index.html, /node_modules/runner-match/….
    site = await startStandin({ static: [{ mount: '/', dir }] });
    servers.push(site);
    assert.notEqual(new URL(site.url).origin, new URL(api.url).origin);
  });

  test('the page imports /node_modules/runner-match/runner_match.js and ranks runners (cross-origin API)', async () => {
    const since = lastSeq();
    const { report, log, responses } = await loadResult(`${site.url}/?api=${encodeURIComponent(api.url)}`);
    assert.equal(report.ok, true, JSON.stringify(report.error));
    assertRanked(report.runners, 'plain HTML');
    if (nodeRunners) assert.deepEqual(report.runners, nodeRunners, 'same answer as in Node');
    assertWasmServed(responses, /^\/node_modules\/runner-match\/runner_match_bg\.wasm$/, 'plain HTML');
    const js = responses.find((r) => r.url.endsWith('/runner_match.js'));
    assert.match(js?.type ?? '', /^text\/javascript/);
    assertQuietConsole(log, 'plain HTML');
    const kinds = apiRequestsSince(since).map((r) => r.kind);
    assert.ok(kinds.includes('preflight') && kinds.includes('api'), `cross-origin requests: ${kinds}`);
  });

  test('the page reports a wrong token as RunnerMatchError "unauthorized"', async () => {
    const { report } = await loadResult(`${site.url}/?api=${encodeURIComponent(api.url)}&token=${WRONG_TOKEN}`);
    assertUnauthorized(report, 'plain HTML');
  });

  test('dev console: import() the module on any page of the origin, await default(), findRunners', async () => {
    const context = await (await browser()).newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${site.url}/console.html`);
      const out = await page.evaluate(async ({ apiUrl, token, wrongToken }) => {
        const m = await import('/node_modules/runner-match/runner_match.js');
        await m.default();
        m.configure({ token, baseUrl: apiUrl });
        const runners = await m.findRunners('gpu-a100, flux');
        // A second init (another module of the app, here with an explicit wasm URL) is a no-op.
        await m.default({ module_or_path: '/node_modules/runner-match/runner_match_bg.wasm' });
        m.configure({ token: wrongToken, baseUrl: apiUrl });
        let error = null;
        try {
          await m.findRunners('gpu-a100, flux');
        } catch (e) {
          error = { name: e?.name, code: e?.code, status: e?.status, message: String(e?.message ?? e), isError: e instanceof Error };
        }
        return JSON.stringify({ runners, error, exports: Object.keys(m).sort() });
      }, { apiUrl: api.url, token: TOKEN, wrongToken: WRONG_TOKEN });
      const { runners, error, exports } = JSON.parse(out);
      assertRanked(runners, 'dev console');
      if (nodeRunners) assert.deepEqual(runners, nodeRunners, 'same answer as in Node');
      assertUnauthorized({ ok: false, error }, 'dev console');
      for (const name of API_EXPORTS) assert.ok(exports.includes(name), `export ${name} missing: ${exports}`);
    } finally {
      await context.close();
    }
  });
});
