// The built package (../pkg, wasm-bindgen `web` target) in headless Chromium. One stand-in
// serves the package and the test page; the API is a second stand-in on another port, so
// every call is cross-origin and needs CORS with an Authorization preflight.
// Run: cd tests && node --test --test-concurrency=1 browser.test.mjs

import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './support/browser.mjs';
import { API_EXPORTS, PKG_DIR } from './support/package.mjs';
import { referenceListing, referenceRank, referenceWorkflowTags } from './support/reference.mjs';
import { TOKEN, WRONG_TOKEN, apiRequests, peakRequestsPerWindow, startApi, startStandin } from './support/standin.mjs';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Serves /pkg/ and the test page. */
let site;
/** The API, on another origin. */
let api;
let browser;
let page;
let blankDir;
let pageErrors;

before(async () => {
  blankDir = mkdtempSync(path.join(tmpdir(), 'runner-match-blank-'));
  writeFileSync(path.join(blankDir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>blank</title>');
  site = await startStandin({
    static: [{ mount: '/pkg/', dir: PKG_DIR }, { mount: '/blank/', dir: blankDir }, { mount: '/', dir: FIXTURES }],
  });
  api = await startApi();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await api?.close();
  await site?.close();
  if (blankDir) rmSync(blankDir, { recursive: true, force: true });
});
beforeEach(async () => {
  api.reset();
  site.reset();
  page = await browser.newPage();
  pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err));
  // Test instrumentation: turns a thrown value into plain data that survives evaluate().
  await page.addInitScript(() => {
    window.describeError = (e) => ({
      isError: e instanceof Error,
      tag: Object.prototype.toString.call(e),
      name: e?.name,
      code: e?.code,
      status: e?.status,
      message: String(e?.message),
      stack: String(e?.stack),
      string: String(e),
    });
  });
});
afterEach(async () => {
  await page?.close();
  assert.deepEqual(pageErrors.map(String), [], 'uncaught errors in the page');
});

const fleet = () => api.fleet().managed;

async function openTestPage() {
  await page.goto(`${site.url}/browser-page.html`);
  await page.waitForFunction(() => window.rmReady !== undefined);
  assert.equal(await page.evaluate(() => window.rmReady), 'ready');
}

function assertBrowserError(e, code, status) {
  assert.equal(e.isError, true, `not an Error: ${JSON.stringify(e)}`);
  assert.equal(e.tag, '[object Error]');
  assert.equal(e.name, 'RunnerMatchError');
  assert.equal(e.code, code, e.message);
  assert.equal(e.status, status);
  for (const text of [e.message, e.stack, e.string]) {
    assert.ok(!text.includes(TOKEN) && !text.includes(WRONG_TOKEN), `token in ${text}`);
  }
}

// These tests read the managed listing only (sources: ['managed']): their request and
// preflight counts are of that listing; pool.test.mjs covers both sources.
describe('web target in Chromium', () => {
  test('the test page loads the package with await init() and the .wasm as application/wasm', async () => {
    await openTestPage();
    const wasm = site.requests().filter((e) => e.path === '/pkg/runner_match_bg.wasm');
    assert.equal(wasm.length, 1);
    assert.equal(wasm[0].status, 200);
    assert.ok(site.requests().some((e) => e.path === '/pkg/runner_match.js' && e.status === 200));
    // The served MIME type is what WebAssembly.instantiateStreaming needs.
    const type = await page.evaluate(async () => (await fetch('/pkg/runner_match_bg.wasm')).headers.get('content-type'));
    assert.equal(type, 'application/wasm');
    // Before configure(): not_configured, as an Error with a code.
    const e = await page.evaluate(() => window.rm.findRunners('flux').then(() => null, window.describeError));
    assertBrowserError(e, 'not_configured', undefined);
    assert.equal(apiRequests(api).length, 0);
  });

  test('findRunners, RunnerClient and matchRunners against a cross-origin API (CORS + Authorization preflight)', async () => {
    await openTestPage();
    const result = await page.evaluate(async ({ baseUrl, token }) => {
      const { configure, findRunners, RunnerClient, matchRunners } = window.rm;
      configure({ token, baseUrl, sources: ['managed'] });
      const viaModule = await findRunners('gpu-a100, flux');
      const client = new RunnerClient({ token, baseUrl, sources: ['managed'] });
      const viaClient = await client.findRunners(['video']);
      const listed = await client.listRunners();
      return {
        origin: location.origin,
        baseUrl: client.baseUrl,
        viaModule,
        viaClient,
        listed,
        matched: matchRunners(listed, 'sdxl'),
        plain: Object.getPrototypeOf(viaModule[0]) === Object.prototype && Array.isArray(viaModule),
      };
    }, { baseUrl: api.url, token: TOKEN });
    assert.notEqual(result.origin, new URL(api.url).origin, 'the API is cross-origin');
    assert.equal(result.baseUrl, api.url);
    assert.deepEqual(result.viaModule, referenceRank(fleet(), 'gpu-a100, flux'));
    assert.deepEqual(result.viaClient, referenceRank(fleet(), ['video']));
    assert.deepEqual(result.listed, referenceListing(fleet()));
    assert.deepEqual(result.matched, referenceRank(fleet(), 'sdxl'));
    assert.equal(result.plain, true);

    const log = api.requests();
    const preflights = log.filter((e) => e.kind === 'preflight');
    const gets = apiRequests(api);
    assert.ok(preflights.length >= 1, 'the Authorization header needs a CORS preflight');
    assert.ok(preflights.every((e) => e.method === 'OPTIONS' && e.path === '/v1/managed-runner'));
    assert.ok(log.findIndex((e) => e.kind === 'preflight') < log.findIndex((e) => e.kind === 'api'));
    assert.equal(gets.length, 2, 'one page per client (the fleet fits in one page of 100)');
    for (const e of gets) {
      assert.equal(e.authorization, 'present');
      assert.equal(e.status, 200);
      assert.deepEqual(e.query, { page: '1', per_page: '100' });
    }
    assert.equal(apiRequests(site).length, 0, 'nothing went to the page origin');
  });

  test('RunnerSet, explainRunners, workflowTags and client.explain in Chromium agree with the reference', async () => {
    await openTestPage();
    const queries = ['gpu-a100, flux', 'flux | sdxl', '!development', 'type:plus', { require: 'flux', prefer: { 'gpu-h100': 2 } }];
    const out = await page.evaluate(async ({ baseUrl, token, runners, queries }) => {
      const { RunnerSet, explainRunners, workflowTags, RunnerClient } = window.rm;
      const set = new RunnerSet(runners);
      const client = new RunnerClient({ token, baseUrl });
      const results = [];
      for (const q of queries) {
        results.push({ set: set.match(q), report: explainRunners(runners, q), viaClient: await client.explain(q), tags: workflowTags(q) });
      }
      return { size: set.size, results };
    }, { baseUrl: api.url, token: TOKEN, runners: fleet(), queries });
    assert.equal(out.size, fleet().length);
    out.results.forEach(({ set, report, viaClient, tags }, i) => {
      const q = queries[i];
      const want = referenceRank(fleet(), q);
      assert.deepEqual(set, want, JSON.stringify(q));
      assert.equal(report.matchCount, want.length, JSON.stringify(q));
      assert.deepEqual(report.runners.filter((v) => v.matched).map((v) => [v.id, v.fit]).sort(),
        want.map((m) => [m.id, m.fit]).sort(), JSON.stringify(q));
      assert.deepEqual(viaClient, report, 'client.explain gives the same report');
      assert.deepEqual(tags, referenceWorkflowTags(q), JSON.stringify(q));
      assert.deepEqual(report.workflowTags, tags);
    });
  });

  test('errors arrive as Error objects with a code: 401, 429 retried, invalid_input, insecure_url, timeout', async () => {
    await openTestPage();
    const unauthorized = await page.evaluate(({ baseUrl, wrong }) => new window.rm.RunnerClient({ token: wrong, baseUrl, sources: ['managed'] })
      .findRunners('flux').then(() => null, window.describeError), { baseUrl: api.url, wrong: WRONG_TOKEN });
    assertBrowserError(unauthorized, 'unauthorized', 401);
    assert.match(unauthorized.message, /Invalid token/);

    api.setFaults([{ status: 429, retryAfter: '0' }]);
    const result = await page.evaluate(async ({ baseUrl, token }) => {
      const { RunnerClient, matchRunners } = window.rm;
      const out = {};
      const good = new RunnerClient({ token, baseUrl, sources: ['managed'] });
      out.afterRetry = (await good.findRunners('flux')).length;
      out.invalidTags = await good.findRunners('a,,b').then(() => null, window.describeError);
      try {
        matchRunners([], [1]);
      } catch (e) {
        out.invalidMatch = window.describeError(e);
      }
      try {
        new RunnerClient({ token, baseUrl, timeoutMs: -1 });
      } catch (e) {
        out.invalidOptions = window.describeError(e);
      }
      try {
        new RunnerClient({ token, baseUrl: 'http://example.com' });
      } catch (e) {
        out.insecure = window.describeError(e);
      }
      return out;
    }, { baseUrl: api.url, token: TOKEN });
    assert.equal(result.afterRetry, referenceRank(fleet(), 'flux').length);
    assertBrowserError(result.invalidTags, 'invalid_input', undefined);
    assertBrowserError(result.invalidMatch, 'invalid_input', undefined);
    assertBrowserError(result.invalidOptions, 'invalid_input', undefined);
    assertBrowserError(result.insecure, 'insecure_url', undefined);
    const statuses = apiRequests(api).map((e) => e.status);
    assert.deepEqual(statuses, [401, 429, 200]);

    api.reset();
    api.setFaults([{ hang: true, times: 'always' }]);
    const timeout = await page.evaluate(({ baseUrl, token }) => new window.rm.RunnerClient({ token, baseUrl, timeoutMs: 200, maxRetries: 0, sources: ['managed'] })
      .findRunners('flux').then(() => null, window.describeError), { baseUrl: api.url, token: TOKEN });
    assertBrowserError(timeout, 'timeout', undefined);
    api.reset();
  });

  test('a cross-origin read of 31 pages stays within 40 requests per 10 s, preflights included', { timeout: 60_000 }, async () => {
    api.setFleet({ generate: 62, seed: 7 });
    api.configure({ rateLimit: true });
    await openTestPage();
    const listed = await page.evaluate(({ baseUrl, token }) => new window.rm.RunnerClient({ token, baseUrl, perPage: 2, sources: ['managed'] })
      .listRunners(), { baseUrl: api.url, token: TOKEN });
    assert.deepEqual(listed, referenceListing(fleet()), 'the complete list');
    const log = api.requests();
    const gets = apiRequests(api);
    const preflights = log.filter((e) => e.method === 'OPTIONS');
    assert.equal(gets.length, 31);
    assert.equal(preflights.length, 31, 'every page URL needs its own preflight');
    assert.deepEqual(log.filter((e) => e.rateLimited), [], 'no 429, preflights included');
    const peak = peakRequestsPerWindow(log, 10_000);
    assert.ok(peak <= 40, `${peak} requests (OPTIONS included) in one 10 s window`);
    assert.ok(peak >= 38, `the budget was used, not undercut (${peak})`);
  });

  test('a redirect to another origin is not followed: the token never leaves baseUrl', async () => {
    const elsewhere = await startApi();
    try {
      api.setFaults([{ path: '/v1/managed-runner', location: `${elsewhere.url}/v1/managed-runner?page=1&per_page=100`, status: 307 }]);
      await openTestPage();
      const e = await page.evaluate(({ baseUrl, token }) => new window.rm.RunnerClient({ token, baseUrl, sources: ['managed'] })
        .findRunners('flux').then(() => null, window.describeError), { baseUrl: api.url, token: TOKEN });
      assertBrowserError(e, 'http', undefined);
      assert.match(e.message, /redirect/);
      assert.deepEqual(elsewhere.requests(), [], 'nothing reached the redirect target');
      assert.equal(apiRequests(api).length, 1, 'not retried');
    } finally {
      await elsewhere.close();
    }
  });

  test('an API origin without CORS headers → network error', async () => {
    const bare = http.createServer((req, res) => {
      res.writeHead(req.method === 'OPTIONS' ? 204 : 200, { 'Content-Type': 'application/json' }).end(
        req.method === 'OPTIONS' ? undefined : '{"runners":[],"total":0}',
      );
    });
    await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
    try {
      await openTestPage();
      const e = await page.evaluate(({ baseUrl, token }) => new window.rm.RunnerClient({ token, baseUrl, maxRetries: 0, sources: ['managed'] })
        .findRunners('flux').then(() => null, window.describeError), { baseUrl: `http://127.0.0.1:${bare.address().port}`, token: TOKEN });
      assertBrowserError(e, 'network', undefined);
    } finally {
      bare.closeAllConnections();
      await new Promise((resolve) => bare.close(resolve));
    }
  });

  test('dev-console path: on a blank page, import("/pkg/runner_match.js") then default() works', async () => {
    await page.goto(`${site.url}/blank/`);
    assert.equal(await page.title(), 'blank');
    const result = await page.evaluate(async ({ baseUrl, token }) => {
      const m = await import('/pkg/runner_match.js');
      await m.default();
      const client = new m.RunnerClient({ token, baseUrl, sources: ['managed'] });
      const ranked = await client.findRunners('gpu-a100');
      m.configure({ token, baseUrl, sources: ['managed'] });
      const viaModule = await m.findRunners(['flux']);
      const isExpression = ['gpu-* & !development', '"gpu a100"', 'flux, type:pro', 'gpu a100, flux'].map(m.isExpression);
      let refused;
      try { m.isExpression(['a & b']); } catch (err) { refused = [err.name, err.code, err.message]; }
      return { ranked, viaModule, isExpression, refused, exports: Object.keys(m).sort() };
    }, { baseUrl: api.url, token: TOKEN });
    assert.deepEqual(result.ranked, referenceRank(fleet(), 'gpu-a100'));
    assert.deepEqual(result.viaModule, referenceRank(fleet(), ['flux']));
    for (const name of [...API_EXPORTS, 'initSync']) assert.ok(result.exports.includes(name), name);
    assert.deepEqual(result.isExpression, [true, true, true, false]);
    assert.deepEqual(result.refused, ['RunnerMatchError', 'invalid_input', "text must be a string such as 'gpu-a100 & flux', got an array"]);
    assert.equal(apiRequests(api).length, 2);
  });
});
