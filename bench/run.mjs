#!/usr/bin/env node
// `make bench`: the benchmarks of issues 6, 10 and 11, one targets table, and a fresh BENCHMARKS.md.
//
//   node bench/run.mjs            # everything (about 3.5 minutes on 2 cores); writes BENCHMARKS.md
//   node bench/run.mjs --smoke    # `make bench-smoke`: builds the criterion bench and runs it on
//                                 # 1k runners (rank = index = naive), checks in Chromium on 1k
//                                 # runners that the package's paths and both JS peers agree,
//                                 # starts cold once, pages twice; asserts, times nothing
//   node bench/run.mjs --only browser,size   # a subset (native, browser, coldstart, memory, paging, size)
//
// Needs: `make pkg` (pkg/), `make tools-npm` (playwright-core in tests/node_modules),
// Debian's chromium, cargo. Timings are medians; see BENCHMARKS.md for the method.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { cpus, totalmem, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';

import { renderMarkdown } from './report.mjs';
import { analyze, byCrate, byPath } from './wasm-sections.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1]).split(',') : null;
const want = (part) => (only ? only.includes(part) : true);
const SIZES = [1_000, 10_000, 100_000];
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync',
  // window.gc() and unquantized performance.memory, for the memory figures.
  '--js-flags=--expose-gc', '--enable-precise-memory-info',
];

const log = (...xs) => console.error('[bench]', ...xs);

// ---- native (criterion) ---------------------------------------------------------------
function runNative() {
  log(`native: cargo bench -p runner-match --bench matching${smoke ? ' (smoke: 1k runners, agreement only)' : ' (about 4 minutes)'}`);
  const env = { ...process.env, CRITERION_HOME: join(ROOT, 'target/criterion') };
  if (smoke) env.BENCH_SMOKE = '1';
  const out = spawnSync('cargo', ['bench', '-q', '-p', 'runner-match', '--bench', 'matching', '--', '--output-format', 'bencher'], {
    cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (out.status !== 0) {
    process.stderr.write(out.stderr);
    throw new Error(`cargo bench failed (${out.status})`);
  }
  const notes = out.stderr.split('\n').filter((l) => /^(n\d+\/|note:)/.test(l));
  const results = {};
  for (const line of out.stdout.split('\n')) {
    const m = /^test (\S+) \.\.\. bench:\s+([\d,]+) ns\/iter/.exec(line);
    if (m) results[m[1]] = Number(m[2].replaceAll(',', '')) / 1e6; // ms
  }
  const matches = {};
  const bytesPerRunner = {};
  for (const l of notes) {
    const m = /^n(\d+)\/(\S+): (\d+) of/.exec(l);
    if (m) matches[`n${m[1]}/${m[2]}`] = Number(m[3]);
    const b = /^n(\d+)\/index_bytes_per_runner: ([\d.]+)/.exec(l);
    if (b) bytesPerRunner[Number(b[1])] = Number(b[2]);
  }
  return { results, notes, matches, bytesPerRunner };
}



// ---- browser ---------------------------------------------------------------------------
async function withBrowser(fn) {
  const { startStandin } = await import('../standin/server.mjs');
  const { chromium } = await import('../tests/node_modules/playwright-core/index.mjs');
  const standin = await startStandin({
    static: [{ mount: '/', dir: join(ROOT, 'bench') }, { mount: '/pkg/', dir: join(ROOT, 'pkg') }],
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    return await fn(browser, standin);
  } finally {
    await browser.close();
    await standin.close();
  }
}

async function openPage(browser, standin) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => log('page error:', e.message));
  page.on('console', (m) => m.type() === 'error' && log('page console:', m.text()));
  await page.goto(`${standin.url}/index.html`);
  await page.waitForFunction(() => typeof window.runBench === 'function');
  return page;
}

async function runBrowser() {
  return withBrowser(async (browser, standin) => {
    let memory = null;
    if (want('memory') && !smoke) {
      log('memory: a client holding 100k runners');
      const page = await openPage(browser, standin);
      memory = await page.evaluate(async () => (await import('./bench.mjs')).runMemory(100_000));
      await page.close();
      standin.reset();
    }
    let coldStart = null;
    if (want('coldstart')) {
      // A fresh browser context per sample: empty HTTP and code caches, as a first visit.
      const samples = [];
      for (let i = 0; i < (smoke ? 1 : 9); i++) {
        const context = await browser.newContext();
        const page = await openPage(context, standin);
        samples.push(await page.evaluate(async () => (await import('./bench.mjs')).runColdStart(1_000)));
        await context.close();
      }
      coldStart = { n: 1_000, samples: samples.map((x) => x.ms), found: samples[0].found };
      log(`cold start: ${JSON.stringify(coldStart)}`);
    }
    let bench = null;
    if (want('browser')) {
      const sizes = smoke ? [1_000] : SIZES;
      log(`browser: WASM vs JS over ${sizes.join(', ')} runners`);
      const page = await openPage(browser, standin);
      page.on('console', (m) => m.type() === 'log' && log(m.text()));
      bench = await page.evaluate(
        async ({ sizes, smoke }) => (await import('./bench.mjs')).runBench({ sizes, smoke, log: (l) => console.log(l) }),
        { sizes, smoke },
      );
      await page.close();
    }
    return { memory, coldStart, bench };
  });
}


// ---- paging ------------------------------------------------------------------------------
async function runPaging() {
  const { startStandin, peakRequestsPerWindow } = await import('../standin/server.mjs');
  const { RunnerClient } = await import('../pkg/node.js');
  const delayMs = 100;
  // The stand-in enforces ComfyControl's limit: a read over budget would get 429s.
  const standin = await startStandin({ fleet: { generate: 100, seed: 42 }, rateLimit: true });
  const rows = [];
  try {
    // The managed listing's paging alone (sources: ['managed']): its requests are the rows.
    // Warm-up (connection, JIT): not measured.
    const warm = new RunnerClient({ token: 'cfc_demo', baseUrl: standin.url, sources: ['managed'] });
    await warm.listRunners();
    warm.free();
    // 50 pages: more than one window's 40 requests, so the budget must hold the rest.
    for (const pages of smoke ? [1, 3] : [1, 10, 40, 50]) {
      standin.reset();
      standin.setFleet({ generate: pages * 100, seed: 42 });
      standin.setFaults([{ delayMs, times: 'always' }]);
      const client = new RunnerClient({ token: 'cfc_demo', baseUrl: standin.url, sources: ['managed'] });
      const t0 = performance.now();
      const runners = await client.listRunners();
      const ms = performance.now() - t0;
      const api = standin.requests().filter((r) => r.kind === 'api');
      rows.push({
        pages,
        runners: runners.length,
        ms,
        roundTrips: ms / delayMs,
        requests: api.length,
        rateLimited: standin.requests().filter((r) => r.rateLimited).length,
        peak: peakRequestsPerWindow(standin.requests(), 10_000),
      });
      client.free();
      log(`paging: ${JSON.stringify(rows.at(-1))}`);
    }
  } finally {
    await standin.close();
  }
  return { delayMs, rows };
}


// ---- size --------------------------------------------------------------------------------
/** Every file below `dir`, recursively. */
const walk = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));

function runSize() {
  const files = ['runner_match_bg.wasm', 'runner_match.js'];
  const snippets = join(ROOT, 'pkg/snippets');
  const snippetFiles = existsSync(snippets) ? walk(snippets) : [];
  const measure = (path) => {
    const bytes = readFileSync(path);
    return { file: relative(join(ROOT, 'pkg'), path), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const rows = [...files.map((f) => measure(join(ROOT, 'pkg', f))), ...snippetFiles.map(measure)];
  const glue = rows.filter((r) => !r.file.endsWith('.wasm'));
  // The breakdown needs demangled names, which wasm-opt drops: run wasm-bindgen (< 1 s)
  // on cargo's output into target/ and read that.
  const unoptimized = join(ROOT, 'target/wasm32-unknown-unknown/release/runner_match_wasm.wasm');
  const namesDir = join(ROOT, 'target/bench-wasm-names');
  let crates = null;
  let paths = null;
  if (existsSync(unoptimized)) {
    const r = spawnSync('wasm-bindgen', ['--target', 'web', '--out-dir', namesDir, '--out-name', 'names', unoptimized], { encoding: 'utf8' });
    if (r.status === 0) {
      const { functions } = analyze(readFileSync(join(namesDir, 'names_bg.wasm')));
      crates = byCrate(functions);
      paths = byPath(functions);
    }
  }
  // How pkg/ was built: wasm-opt strips the producers section wasm-bindgen leaves; a
  // minified glue has few lines.
  const wasmOpt = !analyze(readFileSync(join(ROOT, 'pkg/runner_match_bg.wasm'))).sections.some((x) => x.section === 'custom:producers');
  // The flags `make pkg` passes (Makefile's WASM_OPT_FLAGS), for the report's wording.
  const wasmOptFlags = readFileSync(join(ROOT, 'Makefile'), 'utf8').match(/^WASM_OPT_FLAGS := (.*)$/m)?.[1] ?? '-Oz';
  const minified = readFileSync(join(ROOT, 'pkg/runner_match.js'), 'utf8').split('\n').length < 50;
  return {
    rows, glueGzip: glue.reduce((s, r) => s + r.gzip, 0), glueRaw: glue.reduce((s, r) => s + r.raw, 0), crates, paths, wasmOpt, wasmOptFlags, minified,
    lines: sourceLines(),
  };
}

/** Source lines (every line, as `wc -l`): the wasm crate's glue against the core. */
function sourceLines() {
  const count = (dir, ext) => {
    const abs = join(ROOT, dir);
    if (!existsSync(abs)) return { files: 0, lines: 0 };
    const files = walk(abs).filter((f) => ext.test(f));
    return { files: files.length, lines: files.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').length - 1, 0) };
  };
  return {
    glueRust: count('crates/runner-match-wasm/src', /\.rs$/),
    glueJs: count('crates/runner-match-wasm/js', /\.(m?js|ts)$/),
    core: count('crates/runner-match/src', /\.rs$/),
  };
}


// ---- report ------------------------------------------------------------------------------
function machine() {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model;
  const version = (cmd, a) => spawnSync(cmd, a, { encoding: 'utf8' }).stdout?.trim().split('\n')[0] ?? '?';
  return {
    nproc: cpus().length,
    cpu,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    load: loadavg().map((x) => x.toFixed(2)).join(', '),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    rustc: version('rustc', ['--version']),
    node: process.version,
    chromium: version('/usr/bin/chromium', ['--version']),
  };
}

async function main() {
  const started = performance.now();
  const report = { machine: machine() };
  if (want('native')) report.native = runNative();
  if (want('browser') || want('memory') || want('coldstart')) Object.assign(report, await runBrowser());
  if (want('paging')) report.paging = await runPaging();
  if (want('size')) report.size = runSize();
  report.seconds = (performance.now() - started) / 1000;
  if (smoke) {
    const native = Object.keys(report.native?.results ?? {}).length;
    console.log(`bench smoke: native benches built and ran (${native} cases, rank = index = naive, scores included); ` +
      `idiomatic JS, the prepared JS index, matchRunners, RunnerSet.match and findRunners agree on ${report.bench?.checked ?? 0} queries; ` +
      `cold start ran ${report.coldStart?.samples.length ?? 0} time(s); paging ran ${report.paging?.rows.length ?? 0} times`);
    return;
  }
  const md = renderMarkdown(report);
  console.log(md);
  if (!only) writeFileSync(join(ROOT, 'BENCHMARKS.md'), md);
  mkdirSync(join(ROOT, 'target'), { recursive: true });
  writeFileSync(join(ROOT, 'target/bench-report.json'), JSON.stringify(report, null, 2));
  log(`done in ${report.seconds.toFixed(0)} s${only ? ' (partial run: BENCHMARKS.md not written)' : '; BENCHMARKS.md written'}`);
}


main().catch((err) => {
  console.error(err);
  process.exit(1);
});
