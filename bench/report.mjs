// Turns the measurements of bench/run.mjs into BENCHMARKS.md.

const SIZES = [1_000, 10_000, 100_000];
export const fmtMs = (ms) => (ms == null || Number.isNaN(ms) ? '–' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
export const ratio = (a, b) => (a == null || b == null ? '–' : `${(a / b).toFixed(2)}×`);
/** The median of numbers (shared with the in-page bench: this module runs in browsers too). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const QUERIES = ['1tag', '2tags', '3tags', 'expr'];
/** The queries issue 11's browser targets name (tag lists); the expression row is reported beside them. */
const TAG_QUERIES = ['1tag', '2tags', '3tags'];

export function nativeTable({ results, matches, bytesPerRunner = {} }) {
  const rows = [];
  for (const n of SIZES) {
    for (const q of QUERIES) {
      const naive = results[`n${n}/naive/${q}`];
      if (naive == null) continue;
      const rank = results[`n${n}/rank/${q}`];
      const index = results[`n${n}/index/${q}`];
      const algebra = results[`n${n}/algebra/${q}`];
      const explain = results[`n${n}/explain/${q}`];
      rows.push(`| ${n.toLocaleString('en')} | ${q} | ${matches[`n${n}/${q}`] ?? '–'} | ${fmtMs(naive)} | ${fmtMs(rank)} | ${fmtMs(index)} | ${fmtMs(algebra)} | ${fmtMs(explain)} | ${ratio(naive, index)} | ${ratio(naive, rank)} | ${ratio(explain, index)} |`);
    }
  }
  const build = SIZES.filter((n) => results[`n${n}/index_build`] != null)
    .map((n) => `| ${n.toLocaleString('en')} | ${fmtMs(results[`n${n}/index_build`])} | ${ratio(results[`n${n}/index_build`], naiveScan(results, n))} | ${bytesPerRunner[n] == null ? '–' : `${bytesPerRunner[n].toFixed(1)} B`} |`);
  return [
    '| runners | query | matches | naive ms | `rank` ms | `RunnerIndex::rank` ms | set algebra ms | explain ms | naive / index | naive / rank | explain / index |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    '| runners | `RunnerIndex::new` ms | in naive scans | index bytes per runner |',
    '|---:|---:|---:|---:|',
    ...build,
  ].join('\n');
}

/** One naive scan at `n` runners: the mean of the naive baseline over the four queries. */
function naiveScan(results, n) {
  const times = QUERIES.map((q) => results[`n${n}/naive/${q}`]).filter((t) => t != null);
  return times.length ? times.reduce((a, b) => a + b, 0) / times.length : null;
}

export function growth(results, impl, q) {
  const a = results[`n1000/${impl}/${q}`];
  const b = results[`n10000/${impl}/${q}`];
  const c = results[`n100000/${impl}/${q}`];
  if (a == null || b == null || c == null) return null;
  return `${(b / a).toFixed(1)}× for 10× (1k→10k), ${(c / b).toFixed(1)}× for 10× (10k→100k)`;
}

const JS_PEERS = '`idiomatic` is `bench/js-match.mjs` (filter + every + includes, map to result objects, sort); ' +
  '`prepared` is the prepared JS index `bench/js-index.mjs` (presorted runners, tag → bitset, AND/OR over words, bucketed by score). ' +
  'For `expr` both are hand-written for that one expression, as the native naive baseline is (no parser): the idiomatic peer ' +
  'filters by `some(startsWith(\'gpu-\'))`, `includes` and `!includes`; the prepared index ORs the bitsets of its tags that ' +
  'start with `gpu-` (found at query time), then ANDs, ORs and AND-NOTs words';

export function browserTable(rows) {
  const out = [
    '| runners | query | matches | idiomatic JS ms | prepared JS index ms | input check alone ms | `matchRunners` ms | ÷ idiomatic | `RunnerSet.match` ms | ÷ prepared | `findRunners` (cached) ms | ÷ prepared |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    out.push(`| ${r.n.toLocaleString('en')} | ${r.query} | ${r.matches} | ${fmtMs(r.js)} | ${fmtMs(r.index)} | ${fmtMs(r.check)} | ${fmtMs(r.matchRunners)} | ${ratio(r.matchRunners, r.js)} | ${fmtMs(r.runnerSet)} | ${ratio(r.runnerSet, r.index)} | ${fmtMs(r.findRunners)} | ${ratio(r.findRunners, r.index)} |`);
  }
  return out.join('\n');
}

/** The expression's ratios in one line (the targets' verdicts count the tag-list queries only). */
function exprText(rows) {
  const rs = rows.filter((r) => r.query === 'expr' && r.n >= 10_000);
  if (!rs.length) return [];
  const at = (r) => `at ${r.n / 1000}k \`matchRunners\` ${ratio(r.matchRunners, r.js)} idiomatic, ` +
    `\`RunnerSet.match\` ${ratio(r.runnerSet, r.index)} and \`findRunners\` ${ratio(r.findRunners, r.index)} prepared`;
  return [`The expression query (\`expr\`, not among the targets, which name tag lists): ${rs.map(at).join('; ')}.`, ''];
}

export function buildTable(builds) {
  return [
    '| runners | `new RunnerSet` ms | prepared JS index build ms | ÷ prepared | client load ms (one page) | then first `findRunners` ms |',
    '|---:|---:|---:|---:|---:|---:|',
    ...builds.map((b) => `| ${b.n.toLocaleString('en')} | ${fmtMs(b.runnerSetBuild)} | ${fmtMs(b.indexBuild)} | ${ratio(b.runnerSetBuild, b.indexBuild)} | ${fmtMs(b.clientLoadMs)} | ${fmtMs(b.firstFindMs)} |`),
  ].join('\n');
}

/**
 * The fewest queries k ≥ 1 after which building A and asking it k times costs no more
 * than building B and asking it k times (`buildB = 0`: a peer without a build); Infinity
 * when A never catches up.
 */
export function breakEven(buildA, perA, buildB, perB) {
  if (buildA + perA <= buildB + perB) return 1;
  if (perB <= perA) return Infinity;
  return Math.ceil((buildA - buildB) / (perB - perA));
}

const queries = (k) => (k === Infinity ? 'never' : `${k.toLocaleString('en')}`);

/** Per size and query: `RunnerSet` against the idiomatic filter and the prepared index, and the index against the filter. */
export function breakEvens(bench) {
  return bench.rows.map((r) => {
    const b = bench.builds.find((x) => x.n === r.n);
    return {
      n: r.n,
      query: r.query,
      setVsJs: breakEven(b.runnerSetBuild, r.runnerSet, 0, r.js),
      setVsIndex: breakEven(b.runnerSetBuild, r.runnerSet, b.indexBuild, r.index),
      indexVsJs: breakEven(b.indexBuild, r.index, 0, r.js),
    };
  });
}

export function breakEvenTable(bench) {
  return [
    '| runners | query | `RunnerSet` vs idiomatic JS | prepared JS index vs idiomatic JS | `RunnerSet` vs prepared JS index |',
    '|---:|---|---:|---:|---:|',
    ...breakEvens(bench).map((e) => `| ${e.n.toLocaleString('en')} | ${e.query} | ${queries(e.setVsJs)} | ${queries(e.indexVsJs)} | ${queries(e.setVsIndex)} |`),
  ].join('\n');
}

export function pagingTable({ delayMs, rows }) {
  return [
    `| pages (100 runners each) | wall ms | round trips (wall / ${delayMs} ms) | requests | peak requests per 10 s |`,
    '|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.pages} | ${r.ms.toFixed(0)} | ${r.roundTrips.toFixed(1)} | ${r.requests} | ${r.peak} |`),
  ].join('\n');
}

export function linesText({ glueRust, glueJs, core }) {
  return `Glue: \`crates/runner-match-wasm/src\` ${glueRust.lines.toLocaleString('en')} lines (${glueRust.files} \`.rs\` files) + ` +
    `\`crates/runner-match-wasm/js\` ${glueJs.lines.toLocaleString('en')} lines (${glueJs.files} JS files) = ` +
    `${(glueRust.lines + glueJs.lines).toLocaleString('en')}; core: \`crates/runner-match/src\` ${core.lines.toLocaleString('en')} lines ` +
    `(${core.files} files); every line counted, as \`wc -l\`, inline tests included on both sides.`;
}

export function sizeTable({ rows, glueGzip, glueRaw }) {
  return [
    '| file | raw | gzip -9 |',
    '|---|---:|---:|',
    ...rows.map((r) => `| \`${r.file}\` | ${kb(r.raw)} | ${kb(r.gzip)} |`),
    `| JS glue in all | ${kb(glueRaw)} | ${kb(glueGzip)} |`,
  ].join('\n');
}

const TARGETS = {
  nativeSpeedup: 20,
  nativeStretch: 50,
  buildScans: 3,
  indexBytesPerRunner: 64,
  explainQueries: 10,
  wasmVsJs10k: 1.0,
  wasmVsJs100k: 0.3,
  roundTrips10Pages: 3,
  peakPer10s: 40,
  // issue 11
  wasmGzipKb: 45,
  wasmGzipStretchKb: 35,
  glueGzipKb: 10,
  oneShotVsIdiomatic: 1.0,
  buildVsPrepared: 1.0,
  queryVsPrepared: 0.7,
  breakEvenVsPrepared: 1,
  coldStartMs: 30,
  peakVsPlain: 2,
  glueLinesShare: 1 / 3,
};

const verdict = (ok) => (ok == null ? 'not measured' : ok ? '**met**' : '**not met**');
function nativeTargets(report, rows) {
  const nat = report.native?.results;
  if (!nat) return;
  const n = 100_000;
  const ratios = QUERIES
    .filter((q) => nat[`n${n}/naive/${q}`] != null && nat[`n${n}/index/${q}`] != null)
    .map((q) => [q, nat[`n${n}/naive/${q}`] / nat[`n${n}/index/${q}`]]);
  const worst = ratios.length === QUERIES.length ? Math.min(...ratios.map(([, r]) => r)) : null;
  const list = ratios.map(([q, r]) => `${q} ${r.toFixed(1)}×`).join(', ') || '–';
  rows.push(['10', `native \`RunnerIndex::rank\` ≥ ${TARGETS.nativeSpeedup}× the naive baseline at 100k (1, 2, 3 tags, expression)`,
    list, verdict(worst == null ? null : worst >= TARGETS.nativeSpeedup)]);
  rows.push(['10', `stretch: ≥ ${TARGETS.nativeStretch}× at 100k`, list, verdict(worst == null ? null : worst >= TARGETS.nativeStretch)]);
  const build = nat[`n${n}/index_build`];
  const scan = naiveScan(nat, n);
  rows.push(['10', `\`RunnerIndex::new\` ≤ ${TARGETS.buildScans} naive scans at 100k (scan: mean naive query)`,
    build == null || scan == null ? '–' : `${fmtMs(build)} ms = ${(build / scan).toFixed(2)} scans of ${fmtMs(scan)} ms`,
    verdict(build == null || scan == null ? null : build / scan <= TARGETS.buildScans)]);
  const bytes = report.native.bytesPerRunner?.[n];
  rows.push(['10', `index memory ≤ ${TARGETS.indexBytesPerRunner} B per runner at 100k (runners not counted)`,
    bytes == null ? '–' : `${bytes.toFixed(1)} B`, verdict(bytes == null ? null : bytes <= TARGETS.indexBytesPerRunner)]);
  const explains = QUERIES
    .filter((q) => nat[`n${n}/explain/${q}`] != null && nat[`n${n}/index/${q}`] != null)
    .map((q) => [q, nat[`n${n}/explain/${q}`] / nat[`n${n}/index/${q}`]]);
  const worstExplain = explains.length === QUERIES.length ? Math.max(...explains.map(([, r]) => r)) : null;
  rows.push(['10', `\`RunnerIndex::explain\` (+ summary) at 100k ≤ ${TARGETS.explainQueries} indexed queries of the same requirement`,
    explains.map(([q, r]) => `${q} ${r.toFixed(1)}`).join(', ') || '–',
    verdict(worstExplain == null ? null : worstExplain <= TARGETS.explainQueries)]);
}

/**
 * Issue 11's speed rows: at 10k and 100k, the worst query against its limit, over the
 * tag-list queries the targets name (the expression's ratios are stated under the table).
 */
function browserTargets(allBench, rows) {
  const bench = { ...allBench, rows: allBench.rows.filter((r) => TAG_QUERIES.includes(r.query)) };
  const ratioRow = (label, limit, pick) => {
    for (const n of [10_000, 100_000]) {
      const rs = bench.rows.filter((r) => r.n === n);
      if (!rs.length) continue;
      const ratios = rs.map((r) => [r.query, pick(r)]);
      rows.push(['11', `${label} ≤ ${limit.toFixed(1)}× at ${n / 1000}k (results included)`,
        ratios.map(([q, x]) => `${q} ${x.toFixed(2)}×`).join(', '), verdict(Math.max(...ratios.map(([, x]) => x)) <= limit)]);
    }
  };
  for (const [n, limit] of [[10_000, TARGETS.wasmVsJs10k], [100_000, TARGETS.wasmVsJs100k]]) {
    const rs = bench.rows.filter((r) => r.n === n);
    if (!rs.length) continue;
    const paths = [['matchRunners', '`matchRunners`'], ['runnerSet', '`RunnerSet.match`'], ['findRunners', '`findRunners`']];
    const worst = paths.map(([key, label]) => [label, Math.max(...rs.map((r) => r[key] / r.js))]);
    rows.push(['6', `every WASM path ≤ ${limit.toFixed(1)}× idiomatic JS at ${n / 1000}k (worst query per path)`,
      worst.map(([label, x]) => `${label} ${x.toFixed(2)}×`).join(', '), verdict(worst.every(([, x]) => x <= limit))]);
  }
  ratioRow('one-shot `matchRunners` ÷ idiomatic JS', TARGETS.oneShotVsIdiomatic, (r) => r.matchRunners / r.js);
  for (const n of [10_000, 100_000]) {
    const b = bench.builds.find((x) => x.n === n);
    if (!b) continue;
    rows.push(['11', `\`new RunnerSet\` ≤ ${TARGETS.buildVsPrepared.toFixed(1)}× the prepared JS index's build at ${n / 1000}k`,
      `${fmtMs(b.runnerSetBuild)} ms vs ${fmtMs(b.indexBuild)} ms = ${ratio(b.runnerSetBuild, b.indexBuild)}`, verdict(b.runnerSetBuild / b.indexBuild <= TARGETS.buildVsPrepared)]);
  }
  ratioRow('`RunnerSet.match` ÷ prepared JS index', TARGETS.queryVsPrepared, (r) => r.runnerSet / r.index);
  ratioRow('cached `findRunners` ÷ prepared JS index', TARGETS.queryVsPrepared, (r) => r.findRunners / r.index);
  const evens = breakEvens(bench).filter((e) => e.n >= 10_000);
  if (evens.length) {
    rows.push(['11', `break-even: \`RunnerSet\` (build + queries) repays against the prepared JS index within ${TARGETS.breakEvenVsPrepared} query ` +
      '(what the build and query targets above imply), 10k and 100k',
      evens.map((e) => `${e.n / 1000}k ${e.query} ${queries(e.setVsIndex)}`).join(', '),
      verdict(evens.every((e) => e.setVsIndex <= TARGETS.breakEvenVsPrepared))]);
    rows.push(['11', 'break-even against the idiomatic filter: `RunnerSet` repays no later than the prepared JS index does, 10k and 100k',
      evens.map((e) => `${e.n / 1000}k ${e.query} ${queries(e.setVsJs)} vs ${queries(e.indexVsJs)}`).join(', '),
      verdict(evens.every((e) => e.setVsJs <= e.indexVsJs))]);
  }
}

function targets(report) {
  const rows = [];
  nativeTargets(report, rows);
  if (report.bench) browserTargets(report.bench, rows);
  const cold = report.coldStart;
  if (cold) {
    const ms = median(cold.samples);
    rows.push(['11', `\`init()\` + first \`matchRunners\` on 1k runners ≤ ${TARGETS.coldStartMs} ms in Chromium (fresh context: empty caches)`,
      `median ${fmtMs(ms)} ms of ${cold.samples.length} (${fmtMs(Math.min(...cold.samples))}–${fmtMs(Math.max(...cold.samples))})`, verdict(ms <= TARGETS.coldStartMs)]);
  }
  const m = report.memory;
  if (m) {
    const steady = m.wasmBytesPerRunner + m.jsHeapBytesPerRunner;
    const peak = m.wasmBytesPerRunner + m.jsPeakBytesPerRunner;
    const plain = m.plainJsFleetBytesPerRunner;
    rows.push(['11', `cached client at ${m.n / 1000}k, steady state: wasm + JS ≤ the fleet as plain JS objects (issue: 217 B/runner; measured in this run)`,
      `${Math.round(m.wasmBytesPerRunner)} + ${Math.round(m.jsHeapBytesPerRunner)} = ${Math.round(steady)} B vs ${Math.round(plain)} B per runner`, verdict(steady <= plain)]);
    rows.push(['11', `cached client at ${m.n / 1000}k, peak: wasm + JS ≤ ${TARGETS.peakVsPlain}× the plain objects`,
      `${Math.round(m.wasmBytesPerRunner)} + ${Math.round(m.jsPeakBytesPerRunner)} = ${Math.round(peak)} B vs ${Math.round(TARGETS.peakVsPlain * plain)} B per runner`,
      verdict(peak <= TARGETS.peakVsPlain * plain)]);
  }
  const pg = report.paging?.rows;
  if (pg) {
    const ten = pg.find((r) => r.pages === 10);
    if (ten) rows.push(['6', `10 pages in ≤ ${TARGETS.roundTrips10Pages} round trips (default concurrency 8)`, `${ten.roundTrips.toFixed(1)} round trips`, verdict(ten.roundTrips <= TARGETS.roundTrips10Pages)]);
    const peak = Math.max(...pg.map((r) => r.peak));
    rows.push(['6', `never over ${TARGETS.peakPer10s} requests per 10 s (${pg.map((r) => r.pages).join(', ')} pages), no 429`, `peak ${peak}, ${pg.reduce((n, r) => n + (r.rateLimited ?? 0), 0)} rate-limited`, verdict(peak <= TARGETS.peakPer10s && pg.every((r) => !r.rateLimited))]);
  }
  const sz = report.size;
  if (sz) {
    const wasm = sz.rows.find((r) => r.file.endsWith('.wasm'));
    rows.push(['11', `.wasm ≤ ${TARGETS.wasmGzipKb} KB gzip`, kb(wasm.gzip), verdict(wasm.gzip <= TARGETS.wasmGzipKb * 1024)]);
    rows.push(['11', `stretch: .wasm ≤ ${TARGETS.wasmGzipStretchKb} KB gzip`, kb(wasm.gzip), verdict(wasm.gzip <= TARGETS.wasmGzipStretchKb * 1024)]);
    rows.push(['11', `JS glue ≤ ${TARGETS.glueGzipKb} KB gzip`, kb(sz.glueGzip), verdict(sz.glueGzip <= TARGETS.glueGzipKb * 1024)]);
    if (sz.lines) {
      const glue = sz.lines.glueRust.lines + sz.lines.glueJs.lines;
      rows.push(['11', 'glue (wasm crate `src/` + `js/`) ≤ 1/3 of the core\'s `src/` lines',
        `${glue.toLocaleString('en')} / ${sz.lines.core.lines.toLocaleString('en')} = ${(glue / sz.lines.core.lines).toFixed(2)}`, verdict(glue <= TARGETS.glueLinesShare * sz.lines.core.lines)]);
    }
  }
  return ['| issue | target | measured | verdict |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function memoryText(m) {
  if (!m) return '_not measured_';
  const b = (x) => `${Math.round(x)} B`;
  return [
    `A \`RunnerClient\` that loaded ${m.n.toLocaleString('en')} runners and answered one query, in headless Chromium, in`,
    'bytes per runner; then, in the same page, the same fleet as plain JS objects and the prepared JS index',
    'over them. The stand-in serves the whole fleet as one page here (as in the speed rows), so the load\'s',
    'transient buffers hold one response of the whole fleet, not 100 runners: the peak is the worst case.',
    '',
    '| what | steady state (after a forced GC) | peak |',
    '|---|---:|---:|',
    `| wasm linear memory growth (\`memory.buffer.byteLength\`: it never shrinks, so what the page keeps is the load's high-water mark) | ${b(m.wasmBytesPerRunner)} | ${b(m.wasmBytesPerRunner)} |`,
    `| JS heap growth (\`performance.memory.usedJSHeapSize\`; peak: the largest reading sampled every ms and after each step, garbage included, so a lower bound) | ${b(m.jsHeapBytesPerRunner)} | ${b(m.jsPeakBytesPerRunner)} |`,
    `| **cached client, wasm + JS** | **${b(m.wasmBytesPerRunner + m.jsHeapBytesPerRunner)}** | **${b(m.wasmBytesPerRunner + m.jsPeakBytesPerRunner)}** |`,
    `| for comparison: the same fleet as plain JS objects (\`response.json()\` of the listing) | ${b(m.plainJsFleetBytesPerRunner)} | |`,
    `| the prepared JS index over those objects, on top of them | ${b(m.preparedIndexBytesPerRunner)} | |`,
    `| then the same client: wasm growth from one \`refresh()\` (the old list is dropped before the new one loads) | ${b(m.wasmRefreshBytesPerRunner)} | |`,
    `| then wasm growth from one \`client.explain(…)\` of every runner (\`gpu-a100\`) | ${b(m.wasmExplainBytesPerRunner)} | |`,
  ].join('\n');
}

export function renderMarkdown(report) {
  const m = report.machine;
  const out = [];
  out.push('# Benchmarks', '');
  out.push('Generated by `make bench` (`node bench/run.mjs`); do not edit by hand. Every number is a',
    'median on the machine below; re-run to compare on yours. The fleets are the stand-in\'s',
    '`{generate: N, seed}` (`standin/fleet.mjs`, ported byte-for-byte to Rust in',
    '`crates/runner-match/benches/support/fleet.rs`): 1–6 tags from a realistic vocabulary, about',
    '4% untagged and 5% disabled runners; seed 42 natively, and in the browser seed 1201, which no test,',
    'corpus or other bench uses (unseen fleets). Queries: `1tag` = `gpu-a100`, `2tags` = `flux, gpu-h100`,',
    '`3tags` = `production, sdxl, us-east`, `expr` = `gpu-* & (flux | sdxl) & !development`.', '');
  out.push('## Machine', '',
    '| | |', '|---|---|',
    `| date | ${m.date} |`,
    `| CPU | ${m.cpu}, ${m.nproc} cores (nproc) |`,
    `| memory | ${m.memory} |`,
    `| load average at start | ${m.load} |`,
    `| toolchain | ${m.rustc}; Node ${m.node}; ${m.chromium} |`,
    `| run time | ${report.seconds.toFixed(0)} s |`, '');
  out.push('Commands: `make bench` = `make pkg` + `node bench/run.mjs`, which runs',
    '`cargo bench -p runner-match --bench matching -- --output-format bencher` (criterion), the browser',
    'page `bench/index.html` in headless Chromium (playwright-core, `/usr/bin/chromium`) against an',
    'in-process stand-in, the paging runs in Node against the stand-in, and measures `pkg/`.',
    '`make bench-smoke` (part of `make test`) runs each benchmark once on small inputs (1k runners; 1 and 3',
    'pages) so that it builds, runs and agrees (the package\'s three paths and both JS peers return the same',
    'results, edge queries included; native rank = index = naive); its timings are single samples, never',
    'reported or compared with a target.', '');
  out.push('## Targets', '', targets(report), '');
  if (report.native) {
    const r = report.native.results;
    out.push('## Native (criterion)', '',
      'The same question, "every runner that can run this, best fit first", three ways: `naive` is a',
      'plain-strings baseline (`Vec<String>` `contains` per required tag, the expression as a hand-written',
      'predicate, the README\'s score, then a sort by tier, score, `created_at` text and `id`); `rank` is the',
      'core\'s linear scan; `RunnerIndex::rank` uses the prebuilt index (the query bitset algebra: per-tag',
      'position sets, AND / OR / NOT, only matches scored). All three are checked to return the same runners',
      'in the same order with the same score bits before timing. "set algebra" is `count_matches` (which',
      'runners match: the sets alone, no scores, no order); "explain" is `RunnerIndex::explain` and its',
      'summary line (popcounts). `RunnerIndex::new` is timed without the fleet copy it consumes. Built with',
      '`[profile.bench]` (opt-level 3), as a native consumer would build; the `.wasm` keeps opt-level `z`.', '',
      nativeTable(report.native), '');
    const g = ['naive', 'rank', 'index'].map((impl) => `\`${impl}\` (1tag): ${growth(r, impl, '1tag') ?? '–'}`);
    out.push('Growth with fleet size: ' + g.join('; ') + '.', '');
    const notes = report.native.notes.filter((l) => l.startsWith('note:'));
    if (notes.length) out.push(...notes.map((l) => `> ${l.replace(/^note: /, '')}`), '');
  }
  if (report.bench) {
    out.push('## WebAssembly vs JavaScript (headless Chromium)', '',
      `Two JS peers, side by side with the package in one page: ${JS_PEERS}. Both take the same`,
      'runner objects and return the same `RunnerMatch` objects as the package (every field, built fresh per',
      'query), and every result list of every path is checked equal to the idiomatic one before timing, on',
      'the four timed queries and on edge queries (untagged workflow, unknown tag, comma string with a',
      'repeat). `matchRunners` is the one-shot export (reads the whole list every call); `RunnerSet.match`',
      'asks a `new RunnerSet(runners)` built once; `findRunners` asks a `RunnerClient` that loaded the same',
      'fleet from the stand-in once (cached). The six (with the input check) are timed interleaved (one sample of each per round, in an order that rotates per round: the garbage one leaves is collected during whichever runs next, so each follows each other equally often).',
      'The JS peers\' ratios are the package\'s time divided by the peer\'s: below 1 the package is faster.', '',
      browserTable(report.bench.rows), '',
      ...exprText(report.bench.rows),
      'Builds, timed interleaved (median; `new RunnerSet` includes its `free()`):', '',
      buildTable(report.bench.builds), '',
      '### Break-even',
      '',
      'How many queries repay a build: the fewest k with build + k · query ≤ the other side\'s build + k · its',
      'query, from the medians above (per query kind; "never" when the per-query time is not lower). The',
      'idiomatic filter has no build.', '',
      breakEvenTable(report.bench), '');
  }
  if (report.coldStart) {
    const c = report.coldStart;
    out.push('## Cold start (headless Chromium)', '',
      `\`init()\` (fetch the \`.wasm\` from the local stand-in, compile, instantiate) and then the first`,
      `\`matchRunners\` over ${c.n.toLocaleString('en')} runners (${c.found} matches), each sample on a fresh page of a fresh browser`,
      'context (empty HTTP and code caches, as a first visit; the fleet is fetched before the clock starts):',
      `median ${fmtMs(median(c.samples))} ms; samples ${c.samples.map(fmtMs).join(', ')} ms.`, '');
  }
  if (report.paging) {
    out.push('## Paging round trips', '',
      `\`listRunners()\` on a fresh client (default options: 100 per page, concurrency 8, 40 requests per`,
      `10 s) against the stand-in with \`{delayMs: ${report.paging.delayMs}, times: 'always'}\` on every request and`,
      'its rate limit on (40 per 10 s, preflights counted; a fresh limiter per row). 50 pages need more than one',
      'window, so that row shows the budget holding requests back.', '',
      pagingTable(report.paging), '');
  }
  if (report.size) {
    out.push('## Package size', '',
      `\`pkg/\` as \`make pkg\` built it: wasm-bindgen --target web, then ${report.size.wasmOpt ? `\`wasm-opt ${report.size.wasmOptFlags ?? '-Oz'}\` (npm binaryen)` : '**no** wasm-opt'}` +
        ` and ${report.size.minified ? '`esbuild --minify` on the JS' : '**unminified** JS'}; gzip at level 9.`, '',
      sizeTable(report.size), '');
    if (report.size.lines) out.push(linesText(report.size.lines), '');
    if (report.size.crates) {
      out.push('Code in the `.wasm` before `wasm-opt`, by crate (from the name section; `node bench/wasm-sections.mjs FILE --by-crate`;',
        'generic code instantiated for a crate\'s types counts for `core`/`alloc`):', '',
        '| crate | code bytes |', '|---|---:|',
        ...report.size.crates.slice(0, 12).map(([c, b]) => `| ${c} | ${b} |`), '');
      if (report.size.paths) {
        out.push('The largest module paths (generic code included): ' +
          report.size.paths.slice(0, 10).map(([p, b]) => `\`${p}\` ${(b / 1024).toFixed(1)} KB`).join(', ') + '.', '');
      }
    }
  }
  out.push('## Memory', '', memoryText(report.memory), '');
  out.push('## Reading the numbers', '',
    '- **Noise.** The machine is shared: compare the load average above between runs. Ratios near a',
    '  target move by ±0.1 from run to run; the package and both JS peers are measured interleaved, so one',
    '  run\'s ratios share its load. The cold start moves most (compiling the `.wasm` competes for the',
    '  cores): read its range next to the median.',
    '- **Where.** The speed rows run in headless Chromium only (the in-page harness); Node runs the paging.',
    '- **What bounds the ratios.** Every path returns the same `RunnerMatch` objects (an object and three',
    '  arrays per match, built fresh per query), so for result-heavy queries (`1tag`: about a quarter of the',
    '  fleet) that shared allocation is a floor under the ratio against the prepared JS index; selective',
    '  queries (`2tags`, `3tags`) show the matching and the boundary crossing themselves.',
    '- **`matchRunners` one-shot** has to take every runner into wasm on every call, while the idiomatic',
    '  filter reads only `status` and `tags` of each and touches the rest of a runner only when it matches.',
    '  `input check alone` is the floor: one JS pass that only checks the type of every field of every runner',
    '  (`checkRunnersJs` in bench/js-match.mjs), which any matcher that refuses bad input before any work pays;',
    '  when it already exceeds the idiomatic filter, no one-shot path that validates can reach 1.0×.',
    '  Repeated questions over one list belong to `RunnerSet`; the break-even table says after how many.',
    '- **Peers are not tuned against the package.** The prepared JS index is about 60 lines of plain JS with',
    '  no wasm and no workers (the hand-written expression query adds about 40); the browser fleets use a',
    '  seed nothing else uses.',
    '- **Paging.** The client fetches page 1 alone (it tells the total), then the rest through',
    '  `maxConcurrency` workers: `1 + ceil((pages - 1) / 8)` round trips plus per-page overhead, so',
    '  10 pages take 3 rounds at best.',
    '- **Size.** The crate and module-path lists above say where the `.wasm` bytes are.', '');
  return out.join('\n');
}
