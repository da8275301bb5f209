// Turns the measurements of bench/run.mjs into BENCHMARKS.md.

const SIZES = [1_000, 10_000, 100_000];
export const fmtMs = (ms) => (ms == null || Number.isNaN(ms) ? '–' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
export const ratio = (a, b) => (a == null || b == null ? '–' : `${(a / b).toFixed(2)}×`);
export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const QUERIES = ['1tag', '2tags', '3tags', 'expr'];

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

export function browserTable(rows) {
  const out = [
    '| runners | query | matches | JS ms | `matchRunners` ms | WASM/JS | `RunnerSet.match` ms | WASM/JS | `findRunners` (cached) ms | WASM/JS |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    out.push(`| ${r.n.toLocaleString('en')} | ${r.query} | ${r.matches} | ${fmtMs(r.js)} | ${fmtMs(r.matchRunners)} | ${ratio(r.matchRunners, r.js)} | ${fmtMs(r.runnerSet)} | ${ratio(r.runnerSet, r.js)} | ${fmtMs(r.findRunners)} | ${ratio(r.findRunners, r.js)} |`);
  }
  const once = [...new Map(rows.map((r) => [r.n, r])).values()]
    .map((r) => `${r.n.toLocaleString('en')} runners: \`new RunnerSet\` ${fmtMs(r.setBuildMs)} ms; client load ${fmtMs(r.clientLoadMs)} ms (one page of ${r.n.toLocaleString('en')}: the stand-in ignores \`per_page\` here, as 1000 pages under the real budget take 250 s), then its first \`findRunners\` ${fmtMs(r.firstFindMs)} ms (builds the JS result mirror)`)
    .join('; ');
  out.push('', `One-off costs: ${once}.`);
  return out.join('\n');
}

export function pagingTable({ delayMs, rows }) {
  return [
    `| pages (100 runners each) | wall ms | round trips (wall / ${delayMs} ms) | requests | peak requests per 10 s |`,
    '|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.pages} | ${r.ms.toFixed(0)} | ${r.roundTrips.toFixed(1)} | ${r.requests} | ${r.peak} |`),
  ].join('\n');
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
  wasmGzipKb: 45,
  glueGzipKb: 10,
};

const verdict = (ok) => (ok == null ? 'not measured' : ok ? '**met**' : '**not met**');

function targets(report) {
  const rows = [];
  const nat = report.native?.results;
  if (nat) {
    const n = 100_000;
    const ratios = QUERIES
      .filter((q) => nat[`n${n}/naive/${q}`] != null && nat[`n${n}/index/${q}`] != null)
      .map((q) => [q, nat[`n${n}/naive/${q}`] / nat[`n${n}/index/${q}`]]);
    const worst = ratios.length === QUERIES.length ? Math.min(...ratios.map(([, r]) => r)) : null;
    const list = ratios.map(([q, r]) => `${q} ${r.toFixed(1)}×`).join(', ') || '–';
    rows.push([`native \`RunnerIndex::rank\` ≥ ${TARGETS.nativeSpeedup}× the naive baseline at 100k (1, 2, 3 tags, expression)`,
      list, verdict(worst == null ? null : worst >= TARGETS.nativeSpeedup)]);
    rows.push([`stretch: ≥ ${TARGETS.nativeStretch}× at 100k`, list, verdict(worst == null ? null : worst >= TARGETS.nativeStretch)]);
    const build = nat[`n${n}/index_build`];
    const scan = naiveScan(nat, n);
    rows.push([`\`RunnerIndex::new\` ≤ ${TARGETS.buildScans} naive scans at 100k (scan: mean naive query)`,
      build == null || scan == null ? '–' : `${fmtMs(build)} ms = ${(build / scan).toFixed(2)} scans of ${fmtMs(scan)} ms`,
      verdict(build == null || scan == null ? null : build / scan <= TARGETS.buildScans)]);
    const bytes = report.native.bytesPerRunner?.[n];
    rows.push([`index memory ≤ ${TARGETS.indexBytesPerRunner} B per runner at 100k (runners not counted)`,
      bytes == null ? '–' : `${bytes.toFixed(1)} B`, verdict(bytes == null ? null : bytes <= TARGETS.indexBytesPerRunner)]);
    const explains = QUERIES
      .filter((q) => nat[`n${n}/explain/${q}`] != null && nat[`n${n}/index/${q}`] != null)
      .map((q) => [q, nat[`n${n}/explain/${q}`] / nat[`n${n}/index/${q}`]]);
    const worstExplain = explains.length === QUERIES.length ? Math.max(...explains.map(([, r]) => r)) : null;
    rows.push([`\`RunnerIndex::explain\` (+ summary) at 100k ≤ ${TARGETS.explainQueries} indexed queries of the same requirement`,
      explains.map(([q, r]) => `${q} ${r.toFixed(1)}`).join(', ') || '–',
      verdict(worstExplain == null ? null : worstExplain <= TARGETS.explainQueries)]);
  }
  const br = report.bench?.rows;
  if (br) {
    for (const [n, limit] of [[10_000, TARGETS.wasmVsJs10k], [100_000, TARGETS.wasmVsJs100k]]) {
      for (const impl of ['findRunners', 'runnerSet', 'matchRunners']) {
        const rs = br.filter((r) => r.n === n && r[impl] != null);
        if (!rs.length) continue;
        const worst = Math.max(...rs.map((r) => r[impl] / r.js));
        const label = impl === 'runnerSet' ? '`RunnerSet.match`' : impl === 'findRunners' ? '`findRunners` (cached)' : '`matchRunners` (one-shot)';
        rows.push([`${label} ≤ ${limit}× JS at ${n / 1000}k (results included)`,
          rs.map((r) => `${r.query} ${(r[impl] / r.js).toFixed(2)}×`).join(', '), verdict(worst <= limit)]);
      }
    }
  }
  const pg = report.paging?.rows;
  if (pg) {
    const ten = pg.find((r) => r.pages === 10);
    if (ten) rows.push([`10 pages in ≤ ${TARGETS.roundTrips10Pages} round trips (default concurrency 8)`, `${ten.roundTrips.toFixed(1)} round trips`, verdict(ten.roundTrips <= TARGETS.roundTrips10Pages)]);
    const peak = Math.max(...pg.map((r) => r.peak));
    rows.push([`never over ${TARGETS.peakPer10s} requests per 10 s (${pg.map((r) => r.pages).join(', ')} pages), no 429`, `peak ${peak}, ${pg.reduce((n, r) => n + (r.rateLimited ?? 0), 0)} rate-limited`, verdict(peak <= TARGETS.peakPer10s && pg.every((r) => !r.rateLimited))]);
  }
  const sz = report.size;
  if (sz) {
    const wasm = sz.rows.find((r) => r.file.endsWith('.wasm'));
    rows.push([`.wasm ≤ ${TARGETS.wasmGzipKb} KB gzip`, kb(wasm.gzip), verdict(wasm.gzip <= TARGETS.wasmGzipKb * 1024)]);
    rows.push([`JS glue ≤ ${TARGETS.glueGzipKb} KB gzip`, kb(sz.glueGzip), verdict(sz.glueGzip <= TARGETS.glueGzipKb * 1024)]);
  }
  return ['| target | measured | verdict |', '|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function memoryText(m) {
  if (!m) return '_not measured_';
  const b = (x) => `${Math.round(x)} B`;
  return [
    `A \`RunnerClient\` that loaded ${m.n.toLocaleString('en')} runners and answered one query (which builds its`,
    'JS result mirror), measured in headless Chromium after a forced GC:',
    '',
    '| what | bytes per runner |',
    '|---|---:|',
    `| wasm linear memory growth (\`memory.buffer.byteLength\`; a high-water mark that includes the transient page buffers of the load) | ${b(m.wasmBytesPerRunner)} |`,
    `| JS heap growth (\`performance.memory.usedJSHeapSize\`: the client's result mirror) | ${b(m.jsHeapBytesPerRunner)} |`,
    `| for comparison: the same fleet as plain JS objects (\`response.json()\`) | ${b(m.plainJsFleetBytesPerRunner)} |`,
  ].join('\n');
}

export function renderMarkdown(report) {
  const m = report.machine;
  const out = [];
  out.push('# Benchmarks', '');
  out.push('Generated by `make bench` (`node bench/run.mjs`); do not edit by hand. Every number is a',
    'median on the machine below; re-run to compare on yours. The fleets are the stand-in\'s',
    '`{generate: N, seed: 42}` (`standin/fleet.mjs`, ported byte-for-byte to Rust in',
    '`crates/runner-match/benches/support/fleet.rs`): 1–6 tags from a realistic vocabulary, about',
    '4% untagged and 5% disabled runners. Queries: `1tag` = `gpu-a100`, `2tags` = `flux, gpu-h100`,',
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
    '`make bench-smoke` (part of `make test`) builds the benchmarks and checks, on 1k runners, that',
    '`rank`, `RunnerIndex` and the naive baseline agree (score bits included) and that WASM and JS agree;',
    'criterion takes a few 10 ms samples per case there, which are neither reported nor asserted.', '');
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
      '`JS` is the idiomatic implementation in `bench/js-match.mjs` (filter + every + includes, map to',
      'result objects, sort). `matchRunners` is the one-shot export (reads the whole list every call);',
      '`RunnerSet.match` asks a `new RunnerSet(runners)` built once; `findRunners` asks a `RunnerClient`',
      'that loaded the same fleet from the stand-in once (cached). Every WASM time includes building the',
      'JS result objects; every result list is checked equal to the JS one before timing.', '',
      browserTable(report.bench.rows), '');
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
      `\`pkg/\` as \`make pkg\` built it: wasm-bindgen --target web, then ${report.size.wasmOpt ? '`wasm-opt -Oz` (npm binaryen)' : '**no** wasm-opt'}` +
        ` and ${report.size.minified ? '`esbuild --minify` on the JS' : '**unminified** JS'}; gzip at level 9.`, '',
      sizeTable(report.size), '');
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
    '  target move by ±0.1 from run to run; the WASM/JS columns of one run are measured interleaved.',
    '- **Where WASM time goes.** `findRunners` and `RunnerSet.match` rank inside wasm (the core\'s',
    '  `RunnerIndex`), pass positions, scores and fits as typed-array views, and one JS function builds',
    '  the result objects from per-runner JS copies made once (`crates/runner-match-wasm/js/results.js`).',
    '  With tens of thousands of matches most of the time is that JS allocation (an object and three',
    '  arrays per match, the same objects the JS implementation builds), which bounds the ratio for',
    '  result-heavy queries; selective queries are dominated by the JS implementation\'s full scan.',
    '- **`matchRunners` one-shot** has to read every runner object into wasm on every call (packed in',
    '  one crossing, but still every string of every runner), which costs more than the JS filter',
    '  itself. Repeated questions over one list belong to `RunnerSet`.',
    '- **Paging.** The client fetches page 1 alone (it tells the total), then the rest through',
    '  `maxConcurrency` workers: `1 + ceil((pages - 1) / 8)` round trips plus per-page overhead, so',
    '  10 pages take 3 rounds at best.',
    '- **Size.** See the module paths above: sort instantiations, `BTreeMap`, float formatting',
    '  (`flt2dec`, from `{}` of an `f64` and serde\'s error messages), serde_json next to',
    '  serde-wasm-bindgen, and dlmalloc are most of the `.wasm`.', '');
  return out.join('\n');
}
