// The runner pool (issue 12): `sources`, `client.pool()`, the Free tier, secrets of
// self-hosted runners, and `onProgress`, with the built package in Node against the
// stand-in on 127.0.0.1. Assertions are on results and on the stand-in's request log.
// Run: cd tests && node --test --test-concurrency=1 pool.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

import { poolSuite } from './support/pool.mjs';
import { referenceListing } from './support/reference.mjs';
import { poolRank, sourceOf } from './support/diagnose-reference.mjs';
import { TOKEN, apiRequests } from './support/standin.mjs';
import { assertNoSecret, rejectsWith, throwsWith } from './support/errors.mjs';
import { FREE_TOKEN, loadDemoSelfHosted } from '../standin/server.mjs';

const ctx = poolSuite();
const client = (options) => ctx.client(options);
const free = (options = {}) => client({ token: FREE_TOKEN, ...options });
const everyRunner = () => [...ctx.s.fleet().managed, ...ctx.s.fleet().selfHosted];
const paths = () => apiRequests(ctx.s).map((e) => e.path);
const count = (list, value) => list.filter((x) => x === value).length;

/** Every secret-looking value of the demo's self-hosted runners. */
function demoSecrets() {
  const secrets = [];
  for (const r of loadDemoSelfHosted()) {
    secrets.push(...Object.values(r.headers));
    const url = new URL(r.endpoint);
    if (url.password) secrets.push(url.password, `${url.username}:${url.password}`);
    for (const value of url.searchParams.values()) secrets.push(value);
  }
  return secrets;
}

function assertNoDemoSecret(value, what) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const shown = typeof value === 'string' ? value : inspect(value, { depth: 10 });
  for (const secret of demoSecrets()) {
    assert.ok(!text.includes(secret), `${what} contains ${secret}`);
    assert.ok(!shown.includes(secret), `${what} (inspected) contains ${secret}`);
  }
  assert.ok(!/"headers"|headers:/.test(text) && !shown.includes('headers:'), `${what} has a headers field`);
}

describe('sources', () => {
  test('default: both listings, read concurrently, every result with its source', async () => {
    // Page 1 of the managed listing is slow: the self-hosted read must not wait for it.
    ctx.s.setFaults([{ path: '/v1/managed-runner', page: 1, delayMs: 300 }]);
    const c = client();
    const ranked = await c.findRunners('flux');
    assert.deepEqual(ranked, poolRank(everyRunner(), 'flux'));
    assert.deepEqual(new Set(ranked.map((m) => m.source)), new Set(['managed', 'self-hosted']));
    const log = apiRequests(ctx.s);
    assert.deepEqual(log.map((e) => e.path).sort(), ['/v1/managed-runner', '/v1/runner']);
    const managed = log.find((e) => e.path === '/v1/managed-runner');
    const own = log.find((e) => e.path === '/v1/runner');
    assert.ok(own.time < managed.time + managed.ms, 'the self-hosted listing was read while the managed one was pending');
    assert.deepEqual([own.page, own.perPage], [1, 100]);

    assert.deepEqual(await c.pool(), {
      runners: 41,
      sources: [
        { source: 'managed', status: 'ok', runners: 36 },
        { source: 'self-hosted', status: 'ok', runners: 5 },
      ],
    });
    assert.equal(apiRequests(ctx.s).length, 2, 'pool() answers from the cache');
  });

  test('each source alone reads only its listing', async () => {
    const managed = client({ sources: ['managed'] });
    assert.deepEqual(await managed.findRunners('flux'), poolRank(ctx.s.fleet().managed, 'flux'));
    assert.deepEqual(paths(), ['/v1/managed-runner']);
    assert.deepEqual((await managed.pool()).sources, [{ source: 'managed', status: 'ok', runners: 36 }]);

    ctx.s.clearRequests();
    const own = client({ sources: ['self-hosted'] });
    const ranked = await own.findRunners('flux');
    assert.deepEqual(ranked, poolRank(ctx.s.fleet().selfHosted, 'flux'));
    assert.ok(ranked.length > 0 && ranked.every((m) => m.source === 'self-hosted'));
    assert.deepEqual(paths(), ['/v1/runner']);

    ctx.s.clearRequests();
    const both = client({ sources: ['self-hosted', 'managed', 'self-hosted'], perPage: 10 });
    assert.equal((await both.listRunners()).length, 41);
    assert.equal(count(paths(), '/v1/managed-runner'), 4);
    assert.equal(count(paths(), '/v1/runner'), 1);
  });

  test('bad sources → invalid_input before any request', () => {
    const cases = [
      [[], /sources must name at least one/],
      [['Managed'], /unknown runner source "Managed"/],
      [['managed', 'selfhosted'], /unknown runner source "selfhosted"/],
      ['managed', /invalid options/],
      [[42], /invalid options/],
    ];
    for (const [sources, message] of cases) {
      throwsWith(() => client({ sources }), 'invalid_input', { message });
      throwsWith(() => ctx.rm.configure({ token: TOKEN, baseUrl: ctx.s.url, sources }), 'invalid_input', { message });
    }
    assert.equal(ctx.s.requests().length, 0);
  });

  test('configure({ sources }) shapes the module-level findRunners too', async () => {
    ctx.rm.configure({ token: TOKEN, baseUrl: ctx.s.url, sources: ['self-hosted'], cacheTtlMs: 0 });
    const ranked = await ctx.rm.findRunners('gpu-rtx4090');
    assert.deepEqual(ranked, poolRank(ctx.s.fleet().selfHosted, 'gpu-rtx4090'));
    assert.deepEqual(paths(), ['/v1/runner']);
  });
});

describe('the Free tier', () => {
  test('both sources: the 403 on managed runners means none — the pool is the self-hosted runners, and pool() says so', async () => {
    const c = free();
    const ranked = await c.findRunners('flux');
    assert.deepEqual(ranked, poolRank(ctx.s.fleet().selfHosted, 'flux'));
    assert.ok(ranked.every((m) => m.source === 'self-hosted'));
    const pool = await c.pool();
    assert.deepEqual(pool, {
      runners: 5,
      sources: [
        {
          source: 'managed', status: 'unavailable', runners: 0, reason: 'no_managed_runners',
          message: "the account's tier has no managed runners (403; they need Pro or Plus)",
        },
        { source: 'self-hosted', status: 'ok', runners: 5 },
      ],
    });
    const log = apiRequests(ctx.s);
    assert.deepEqual(log.map((e) => [e.path, e.status]).sort(), [['/v1/managed-runner', 403], ['/v1/runner', 200]]);
    assert.equal((await c.listRunners()).length, 5);
  });

  test("sources: ['managed'] alone stays forbidden; ['self-hosted'] works", async () => {
    await rejectsWith(() => free({ sources: ['managed'] }).findRunners('flux'), 'forbidden', { status: 403, message: /Pro or Plus/ });
    assert.deepEqual(paths(), ['/v1/managed-runner']);
    ctx.s.clearRequests();
    assert.equal((await free({ sources: ['self-hosted'] }).listRunners()).length, 5);
    assert.deepEqual(paths(), ['/v1/runner']);
  });

  test('a 403 on managed runners is excused only when the self-hosted listing loads', async () => {
    ctx.s.setFaults([{ path: '/v1/runner', status: 500, times: 'always' }]);
    await rejectsWith(() => free({ maxRetries: 0 }).findRunners('flux'), 'server', { status: 500 });
  });
});

describe('failures fail the whole read: never a partial pool', () => {
  const cases = [
    ['a 500 on the self-hosted listing', [{ path: '/v1/runner', status: 500, times: 'always' }], 'server', 500],
    ['a 401 on the self-hosted listing', [{ path: '/v1/runner', status: 401 }], 'unauthorized', 401],
    ['a 403 on the self-hosted listing', [{ path: '/v1/runner', status: 403 }], 'forbidden', 403],
    ['a broken managed page 2', [{ path: '/v1/managed-runner', page: 2, truncateAt: 20 }], 'decode', undefined],
    ['a broken self-hosted page', [{ path: '/v1/runner', body: '{"runners":[{"id":' }], 'decode', undefined],
  ];
  for (const [name, faults, code, status] of cases) {
    test(`${name} → ${code}`, async () => {
      ctx.s.setFaults(faults);
      const c = client({ maxRetries: 0, perPage: 10 });
      await rejectsWith(() => c.findRunners('flux'), code, { status });
      ctx.s.clearFaults();
      // The next call reads the whole pool again and succeeds.
      assert.equal((await c.listRunners()).length, 41);
    });
  }
});

describe('self-hosted secrets', () => {
  test('headers and endpoint credentials are in no result, listing, report or error', async () => {
    const c = client();
    const outputs = {
      findRunners: await c.findRunners(''),
      listRunners: await c.listRunners(),
      explain: await c.explain('flux'),
      explainWildcard: await c.explain(''),
      pool: await c.pool(),
      diagnose: await c.diagnose(),
    };
    for (const [what, value] of Object.entries(outputs)) assertNoDemoSecret(value, what);

    // listRunners: the wire shape minus headers; the endpoint without credentials.
    const listed = outputs.listRunners;
    assert.deepEqual(listed.map((r) => r.id), referenceListing(everyRunner()).map((r) => r.id));
    const byId = new Map(loadDemoSelfHosted().map((r) => [r.id, r]));
    for (const r of listed.filter((x) => x.endpoint !== undefined)) {
      const wire = byId.get(r.id);
      const url = new URL(wire.endpoint);
      url.username = '';
      url.password = '';
      url.search = '';
      url.hash = '';
      assert.equal(new URL(r.endpoint).href, url.href);
      assert.deepEqual(Object.keys(r).sort(), ['created_at', 'endpoint', 'id', 'name', 'status', 'tags', 'updated_at', 'user_id']);
      assert.equal(r.user_id, wire.user_id);
    }
    assert.equal(listed.filter((r) => r.endpoint !== undefined).length, 5);
    // What listRunners returns goes back into matchRunners with its sources intact.
    assert.deepEqual(ctx.rm.matchRunners(listed, 'flux'), await c.findRunners('flux'));
    assert.deepEqual(outputs.explain.runners.map((v) => v.source), referenceListing(everyRunner()).map(sourceOf));
  });

  test('errors about a self-hosted page do not quote its headers', async () => {
    const [one] = loadDemoSelfHosted();
    const broken = { ...one, created_at: 'soon' };
    ctx.s.setFaults([{ path: '/v1/runner', body: { runners: [broken], total: 1 } }]);
    const err = await rejectsWith(() => client({ maxRetries: 0 }).findRunners('flux'), 'decode', { message: /of \/v1\/runner is not a runner list/ });
    assertNoSecret(err, demoSecrets());
  });
});

describe('onProgress', () => {
  test('counted in runners across both sources, after each page; the last call has loaded === total', async () => {
    const calls = [];
    const c = client({ perPage: 10, onProgress: (p) => calls.push(p) });
    await c.findRunners('flux');
    const pages = apiRequests(ctx.s).length;
    assert.equal(pages, 5); // 4 managed pages of 10, 1 self-hosted page
    assert.deepEqual(calls.at(-1), { loaded: 41, total: 41 });
    // One call per page once both totals are known (at most one page can come before
    // that), plus the final one.
    assert.ok(calls.length >= pages && calls.length <= pages + 1, `${calls.length} calls for ${pages} pages`);
    for (const [i, p] of calls.entries()) {
      assert.deepEqual(Object.keys(p).sort(), ['loaded', 'total']);
      assert.ok(p.loaded <= p.total, inspect(p));
      assert.equal(p.total, 41, 'no call counts a source as empty before it answered');
      if (i > 0) assert.ok(p.loaded >= calls[i - 1].loaded);
    }
    // The cache answers without a read: no call.
    await c.findRunners('sdxl');
    assert.equal(calls.length <= pages + 1, true);
    const before = calls.length;
    await c.refresh();
    assert.ok(calls.length > before, 'a refresh reads again and reports again');
  });

  test('a 30-page read reports 30 times or more; the Free tier counts its 403 as 0 of 0', async () => {
    ctx.s.setFleet({ managed: { generate: 300, seed: 4 } });
    const calls = [];
    await client({ perPage: 10, maxConcurrency: 4, onProgress: (p) => calls.push(p) }).listRunners();
    assert.equal(count(paths(), '/v1/managed-runner'), 30);
    assert.ok(calls.length >= 30, `${calls.length} calls`);
    assert.deepEqual(calls.at(-1), { loaded: 305, total: 305 });

    calls.length = 0;
    await free({ onProgress: (p) => calls.push(p) }).listRunners();
    assert.deepEqual(calls.at(-1), { loaded: 5, total: 5 });
    assert.ok(calls.every((p) => p.total === 5));
  });

  test('a throwing callback does not fail the read; a non-function is invalid_input', async () => {
    const ranked = await client({ onProgress: () => { throw new Error('boom'); } }).findRunners('flux');
    assert.equal(ranked.length, poolRank(everyRunner(), 'flux').length);
    for (const bad of [42, 'x', {}, [() => {}]]) {
      throwsWith(() => client({ onProgress: bad }), 'invalid_input', { message: /onProgress must be a function/ });
    }
  });
});
