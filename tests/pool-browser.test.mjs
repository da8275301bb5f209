// The pool and diagnose in headless Chromium, cross-origin: the package (web target) is
// served by one stand-in, the API (with the demo's self-hosted runners) by another, so
// every listing needs CORS with an Authorization preflight.
// Run: cd tests && node --test --test-concurrency=1 pool-browser.test.mjs

import { after, afterEach, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './support/browser.mjs';
import { PKG_DIR } from './support/package.mjs';
import { poolRank, referenceDiagnosis } from './support/diagnose-reference.mjs';
import { TOKEN, apiRequests, startApi, startStandin } from './support/standin.mjs';
import { FREE_TOKEN, loadDemoSelfHosted } from '../standin/server.mjs';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

let site;
let api;
let browser;
let page;
let pageErrors;

before(async () => {
  site = await startStandin({ static: [{ mount: '/pkg/', dir: PKG_DIR }, { mount: '/', dir: FIXTURES }] });
  api = await startApi({ selfHosted: 'demo' });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await api?.close();
  await site?.close();
});
beforeEach(async () => {
  api.reset();
  page = await browser.newPage();
  pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err));
  await page.goto(`${site.url}/browser-page.html`);
  await page.waitForFunction(() => window.rmReady !== undefined);
  assert.equal(await page.evaluate(() => window.rmReady), 'ready');
});
afterEach(async () => {
  await page?.close();
  assert.deepEqual(pageErrors.map(String), []);
});

/** Runs the pool calls in the page with `token`: results, progress calls and the diagnosis. */
function inPage(token) {
  return page.evaluate(async ({ baseUrl, token: t }) => {
    const progress = [];
    const client = new window.rm.RunnerClient({ token: t, baseUrl, onProgress: (p) => progress.push(p) });
    const ranked = await client.findRunners('flux');
    return { ranked, progress, pool: await client.pool(), listed: await client.listRunners(), diagnosis: await client.diagnose() };
  }, { baseUrl: api.url, token });
}

test('both sources cross-origin: results, pool(), progress and diagnose; preflights for every listing', async () => {
  const out = await inPage(TOKEN);
  const runners = [...api.fleet().managed, ...api.fleet().selfHosted];
  assert.deepEqual(out.ranked, poolRank(runners, 'flux'));
  assert.deepEqual(out.pool.sources.map((s) => [s.source, s.status, s.runners]), [['managed', 'ok', 36], ['self-hosted', 'ok', 5]]);
  assert.deepEqual(out.progress.at(-1), { loaded: 41, total: 41 });
  assert.equal(out.diagnosis.summary, referenceDiagnosis(runners, api.workflows()).summary);
  const text = JSON.stringify(out);
  for (const r of loadDemoSelfHosted()) {
    for (const value of Object.values(r.headers)) assert.ok(!text.includes(value), `a header value reached the page: ${value}`);
  }
  const preflights = api.requests().filter((e) => e.kind === 'preflight').map((e) => e.path);
  for (const path of ['/v1/managed-runner', '/v1/runner', '/v1/workflow']) {
    assert.ok(preflights.includes(path), `no preflight for ${path}`);
    assert.ok(apiRequests(api).some((e) => e.path === path && e.status === 200), `no GET ${path}`);
  }
});

test('a Free tier in the browser: the self-hosted runners, and pool() says why managed ones are missing', async () => {
  const out = await inPage(FREE_TOKEN);
  assert.deepEqual(out.ranked, poolRank(api.fleet().selfHosted, 'flux'));
  assert.equal(out.pool.sources[0].reason, 'no_managed_runners');
  assert.equal(out.listed.length, 5);
  assert.equal(out.diagnosis.summary, referenceDiagnosis(api.fleet().selfHosted, api.workflows()).summary);
  assert.ok(apiRequests(api).some((e) => e.path === '/v1/managed-runner' && e.status === 403));
});
