// Tests for the ComfyControl stand-in server itself (standin/server.mjs).
// Run: node --test tests/standin.test.mjs

import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  DEFAULT_TOKEN, FREE_TOKEN, FaultError, STATUS_FILTER, VOCABULARY, WORKFLOW_STATUSES, defaultWorkflows,
  generateFleet, generateWorkflows, isLoopback, loadDefaultFleet, loadDemoSelfHosted, mimeType, parseCliArgs,
  peakRequestsPerWindow, sortRunners, startStandin,
} from '../standin/server.mjs';

const SERVER = fileURLToPath(new URL('../standin/server.mjs', import.meta.url));
const AUTH = { Authorization: `Bearer ${DEFAULT_TOKEN}` };
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MANAGED_KEYS = ['id', 'name', 'runner_type', 'status', 'tags', 'created_at', 'updated_at'];
const SELF_HOSTED_KEYS = ['id', 'user_id', 'name', 'status', 'endpoint', 'tags', 'headers', 'created_at', 'updated_at'];

const get = (s, p, headers = AUTH, init = {}) => fetch(`${s.url}${p}`, { headers, ...init });
async function getJson(s, p, headers = AUTH) {
  const res = await get(s, p, headers);
  return { status: res.status, headers: res.headers, body: await res.json() };
}
const control = (s, p, method = 'GET', body) =>
  fetch(`${s.url}/__standin/${p}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** A raw GET that keeps the request target exactly as written (fetch would normalize `..`). */
function rawGet(s, target) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: s.port, path: target, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

async function allPages(s, perPage, listing = '/v1/managed-runner') {
  const ids = [];
  for (let page = 1; ; page++) {
    const { body } = await getJson(s, `${listing}?page=${page}&per_page=${perPage}`);
    ids.push(...body.runners.map((r) => r.id));
    if (body.runners.length < perPage) return { ids, total: body.total };
  }
}

let s;
before(async () => {
  s = await startStandin();
});
beforeEach(() => s.reset());
after(() => s.close());

describe('listing', () => {
  test('first page: defaults, shape, total and JSON content type', async () => {
    const { status, headers, body } = await getJson(s, '/v1/managed-runner');
    assert.equal(status, 200);
    assert.match(headers.get('content-type'), /^application\/json/);
    assert.deepEqual(Object.keys(body), ['runners', 'total']);
    assert.equal(body.runners.length, 10);
    assert.equal(body.total, loadDefaultFleet().length);
    for (const r of body.runners) assert.deepEqual(Object.keys(r), MANAGED_KEYS);
    const log = s.requests();
    assert.equal(log.at(-1).page, 1);
    assert.equal(log.at(-1).perPage, 10);
  });

  test('paging walks the whole fleet newest first, ties by id', async () => {
    const expected = sortRunners(loadDefaultFleet()).map((r) => r.id);
    for (const per of [1, 7, 10, 36, 100]) {
      const { ids, total } = await allPages(s, per);
      assert.deepEqual(ids, expected, `per_page=${per}`);
      assert.equal(total, expected.length);
    }
    const { body } = await getJson(s, '/v1/managed-runner?per_page=100');
    for (let i = 1; i < body.runners.length; i++) {
      const [a, b] = [body.runners[i - 1], body.runners[i]];
      const d = Date.parse(a.created_at) - Date.parse(b.created_at);
      assert.ok(d > 0 || (d === 0 && a.id < b.id), `${a.name} before ${b.name}`);
    }
    // By instant, not as text: "...27.250Z" is newer than "...27Z".
    const names = body.runners.map((r) => r.name);
    assert.ok(names.indexOf('Plus RTX4090 SDXL EU-3') < names.indexOf('Plus RTX4090 SDXL EU-2'));
  });

  test('a page past the end is empty but keeps the total', async () => {
    const { status, body } = await getJson(s, '/v1/managed-runner?page=99&per_page=10');
    assert.equal(status, 200);
    assert.deepEqual(body, { runners: [], total: 36 });
  });

  test('per_page and page bounds: 400 with the documented error shape', async () => {
    for (const q of ['per_page=0', 'per_page=101', 'per_page=-1', 'per_page=abc', 'per_page=1.5', 'per_page=',
      'page=0', 'page=-1', 'page=x', 'page=', 'page=1e2']) {
      const { status, body } = await getJson(s, `/v1/managed-runner?${q}`);
      assert.equal(status, 400, q);
      assert.deepEqual(Object.keys(body), ['status', 'message'], q);
      assert.equal(body.status, 400);
      assert.match(body.message, /page/);
    }
    for (const q of ['per_page=1', 'per_page=100', 'page=1', 'page=0100']) {
      assert.equal((await get(s, `/v1/managed-runner?${q}`)).status, 200, q);
    }
    assert.equal((await get(s, '/v1/runner?per_page=101')).status, 400);
  });

  test('disabled runners are listed by default, hidden with listDisabled: false', async () => {
    const all = (await getJson(s, '/v1/managed-runner?per_page=100')).body;
    const disabled = all.runners.filter((r) => r.status === 'disabled');
    assert.ok(disabled.length >= 1);
    s.configure({ listDisabled: false });
    const active = (await getJson(s, '/v1/managed-runner?per_page=100')).body;
    assert.equal(active.total, all.total - disabled.length);
    assert.ok(active.runners.every((r) => r.status === 'active'));
    assert.equal((await get(s, `/v1/managed-runner/${disabled[0].id}`)).status, 404);
  });

  test('single runner, user, 404 and 405', async () => {
    const [first] = loadDefaultFleet();
    const one = await getJson(s, `/v1/managed-runner/${first.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.id, first.id);
    const missing = await getJson(s, '/v1/managed-runner/00000000-0000-4000-8000-000000000000');
    assert.deepEqual(missing.body, { status: 404, message: 'requested entity not found' });
    assert.equal((await getJson(s, '/v1/user')).body.tier, 'pro');
    assert.equal((await get(s, '/v1/nothing')).status, 404);
    const post = await get(s, '/v1/managed-runner', AUTH, { method: 'POST' });
    assert.equal(post.status, 405);
  });

  test('tier free gets 403 on managed runners', async () => {
    s.configure({ tier: 'free' });
    const { status, body } = await getJson(s, '/v1/managed-runner');
    assert.equal(status, 403);
    assert.deepEqual(body, { status: 403, message: 'Managed runners require Pro or Plus tier' });
  });

  test('self-hosted /v1/runner: own shape, paging and status filter', async () => {
    assert.deepEqual((await getJson(s, '/v1/runner')).body, { runners: [], total: 0 });
    s.setFleet({ selfHosted: { generate: 23, seed: 5 } });
    const { ids, total } = await allPages(s, 10, '/v1/runner');
    assert.equal(total, 23);
    assert.equal(new Set(ids).size, 23);
    const { body } = await getJson(s, '/v1/runner?per_page=100');
    for (const r of body.runners) assert.deepEqual(Object.keys(r), SELF_HOSTED_KEYS);
    const active = (await getJson(s, '/v1/runner?per_page=100&status=active')).body;
    assert.ok(active.runners.every((r) => r.status === 'active'));
    assert.equal((await get(s, '/v1/runner?status=paused')).status, 400);
    // The managed fleet is untouched.
    assert.equal((await getJson(s, '/v1/managed-runner')).body.total, 36);
  });
});

describe('auth', () => {
  test('missing or wrong token: 401 Invalid token, checked before the query', async () => {
    for (const headers of [{}, { Authorization: 'Bearer cfc_wrong' }, { Authorization: `Basic ${DEFAULT_TOKEN}` },
      { Authorization: 'Bearer ' }, { Authorization: DEFAULT_TOKEN }]) {
      const { status, body } = await getJson(s, '/v1/managed-runner?per_page=500', headers);
      assert.equal(status, 401, JSON.stringify(headers));
      assert.deepEqual(body, { status: 401, message: 'Invalid token' });
    }
    assert.equal((await get(s, '/v1/managed-runner', { Authorization: `bearer ${DEFAULT_TOKEN}` })).status, 200);
  });

  test('custom tokens and acceptAnyToken', async () => {
    const other = await startStandin({ tokens: ['cfc_one', 'cfc_two'] });
    try {
      assert.equal((await get(other, '/v1/managed-runner', { Authorization: 'Bearer cfc_two' })).status, 200);
      assert.equal((await get(other, '/v1/managed-runner')).status, 401);
      other.configure({ acceptAnyToken: true });
      assert.equal((await get(other, '/v1/managed-runner', { Authorization: 'Bearer pasted-anything' })).status, 200);
      assert.equal((await get(other, '/v1/managed-runner', {})).status, 401);
    } finally {
      await other.close();
    }
  });
});

describe('CORS', () => {
  test('preflight: 204 with the allow headers', async () => {
    const res = await fetch(`${s.url}/v1/managed-runner?page=1`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.1:9', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('access-control-allow-headers'), 'Authorization, Content-Type');
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET, OPTIONS');
    assert.equal(res.headers.get('access-control-expose-headers'), 'Retry-After');
    assert.equal(s.requests().at(-1).kind, 'preflight');
  });

  test('every response carries CORS headers: success, errors, faults, control', async () => {
    s.setFaults([{ status: 429, retryAfter: '3' }]);
    const responses = [
      await get(s, '/v1/managed-runner'), // fault
      await get(s, '/v1/managed-runner'),
      await get(s, '/v1/managed-runner', {}),
      await get(s, '/v1/nope'),
      await control(s, 'config'),
    ];
    for (const res of responses) {
      assert.equal(res.headers.get('access-control-allow-origin'), '*', res.url);
      assert.equal(res.headers.get('access-control-expose-headers'), 'Retry-After');
    }
    const pre = await fetch(`${s.url}/__standin/faults`, { method: 'OPTIONS' });
    assert.equal(pre.status, 204);
    assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
  });
});

describe('faults', () => {
  test('status faults: defaults, message, Retry-After; one-shot by default; auth not checked', async () => {
    const cases = [
      [401, 'Invalid token'], [403, 'Managed runners require Pro or Plus tier'], [429, 'Too many requests'],
      [500, 'Internal server error'], [502, 'Bad gateway'], [503, 'Service unavailable'],
    ];
    for (const [status, message] of cases) {
      s.setFaults([{ status }]);
      const res = await getJson(s, '/v1/managed-runner', {});
      assert.equal(res.status, status);
      assert.deepEqual(res.body, { status, message });
    }
    s.setFaults([{ status: 503, retryAfter: '2', message: 'maintenance' }]);
    const res = await getJson(s, '/v1/managed-runner');
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '2');
    assert.deepEqual(res.body, { status: 503, message: 'maintenance' });
    assert.equal((await get(s, '/v1/managed-runner')).status, 200);
    assert.match(s.requests().at(-2).fault, /status=503/);
  });

  test('queue order, times, after, page and path matchers', async () => {
    s.setFaults([{ status: 500 }, { status: 502, times: 2 }]);
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await get(s, '/v1/managed-runner')).status);
    assert.deepEqual(codes, [500, 502, 502, 200]);

    s.setFaults([{ after: 2, status: 500 }]);
    codes.length = 0;
    for (let i = 0; i < 4; i++) codes.push((await get(s, '/v1/managed-runner')).status);
    assert.deepEqual(codes, [200, 200, 500, 200]);

    s.setFaults([{ page: 2, status: 500, times: 'always' }]);
    for (let i = 0; i < 3; i++) {
      assert.equal((await get(s, '/v1/managed-runner?page=2')).status, 500);
      assert.equal((await get(s, '/v1/managed-runner')).status, 200);
    }
    assert.equal(s.faults()[0].remaining, 'always');

    s.setFaults([{ path: '/v1/runner', status: 500 }]);
    assert.equal((await get(s, '/v1/managed-runner')).status, 200);
    assert.equal((await get(s, '/v1/runner')).status, 500);
  });

  test('faults skip preflights and the control API', async () => {
    s.setFaults([{ status: 500 }]);
    assert.equal((await fetch(`${s.url}/v1/managed-runner`, { method: 'OPTIONS' })).status, 204);
    assert.equal((await control(s, 'config')).status, 200);
    assert.equal((await get(s, '/v1/managed-runner')).status, 500);
  });

  test('delayMs delays the normal answer', async () => {
    s.setFaults([{ delayMs: 250 }]);
    const t0 = Date.now();
    const res = await getJson(s, '/v1/managed-runner');
    assert.ok(Date.now() - t0 >= 240);
    assert.equal(res.status, 200);
    assert.equal(res.body.runners.length, 10);
  });

  test('hang: accepted, never answered', async () => {
    s.setFaults([{ hang: true }]);
    await assert.rejects(get(s, '/v1/managed-runner', AUTH, { signal: AbortSignal.timeout(300) }), { name: 'TimeoutError' });
    assert.equal((await get(s, '/v1/managed-runner')).status, 200);
    await new Promise((r) => setTimeout(r, 20));
    const [hung] = s.requests();
    assert.equal(hung.outcome, 'hang');
    assert.equal(hung.status, null);
  });

  test('reset() releases hung requests', async () => {
    s.setFaults([{ hang: true }]);
    const pending = get(s, '/v1/managed-runner');
    await new Promise((r) => setTimeout(r, 100));
    s.reset();
    await assert.rejects(pending, TypeError);
  });

  test('drop: the connection closes without an answer', async () => {
    s.setFaults([{ drop: true }]);
    await assert.rejects(get(s, '/v1/managed-runner'), TypeError);
    assert.equal((await get(s, '/v1/managed-runner')).status, 200);
    assert.equal(s.requests()[0].outcome, 'drop');
  });

  test('bad bodies: raw text, wrong shape, wrong content type, truncation', async () => {
    s.setFaults([
      { body: '{"runners":[{"id":' },
      { body: { items: [], count: 0 } },
      { contentType: 'text/html' },
      { status: 502, body: '<html><h1>502 Bad Gateway</h1></html>', contentType: 'text/html' },
      { truncateAt: 25 },
    ]);
    let res = await get(s, '/v1/managed-runner');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.equal(await res.text(), '{"runners":[{"id":');
    assert.deepEqual(await (await get(s, '/v1/managed-runner')).json(), { items: [], count: 0 });
    res = await get(s, '/v1/managed-runner');
    assert.equal(res.headers.get('content-type'), 'text/html');
    assert.equal((await res.json()).total, 36);
    res = await get(s, '/v1/managed-runner');
    assert.equal(res.status, 502);
    assert.match(await res.text(), /<h1>502/);
    const text = await (await get(s, '/v1/managed-runner')).text();
    assert.equal(text.length, 25);
    assert.throws(() => JSON.parse(text), SyntaxError);
  });

  test('fleetTotal lies about total; ignorePerPage ignores per_page', async () => {
    s.setFaults([{ fleetTotal: 1000 }, { ignorePerPage: true }, { ignorePerPage: 3 }]);
    let { body } = await getJson(s, '/v1/managed-runner');
    assert.equal(body.total, 1000);
    assert.equal(body.runners.length, 10);
    ({ body } = await getJson(s, '/v1/managed-runner?per_page=5'));
    assert.equal(body.runners.length, 10);
    ({ body } = await getJson(s, '/v1/managed-runner?per_page=50'));
    assert.equal(body.runners.length, 3);
    assert.equal(body.total, 36);
  });

  test('location redirects elsewhere (302 by default, any 3xx)', async () => {
    s.setFaults([{ location: 'http://127.0.0.1:9/v1/managed-runner' }, { location: 'https://elsewhere.invalid/x', status: 307 }]);
    let res = await get(s, '/v1/managed-runner', AUTH, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'http://127.0.0.1:9/v1/managed-runner');
    res = await get(s, '/v1/managed-runner', AUTH, { redirect: 'manual' });
    assert.equal(res.status, 307);
    assert.equal(res.headers.get('location'), 'https://elsewhere.invalid/x');
    assert.match(s.requests().at(-1).fault, /location=https:\/\/elsewhere.invalid\/x/);
    for (const bad of [{ location: '/relative' }, { location: 'http://x', status: 200 }, { location: 7 }]) {
      assert.throws(() => s.setFaults([bad]), FaultError, JSON.stringify(bad));
    }
  });

  test('modifier-only faults keep the normal checks (auth)', async () => {
    s.setFaults([{ fleetTotal: 5 }]);
    assert.equal((await get(s, '/v1/managed-runner', {})).status, 401);
  });

  test('invalid fault specs are rejected', () => {
    for (const bad of [{}, { stauts: 500 }, { status: 99 }, { times: 0, status: 500 }, { hang: true, status: 500 },
      { hang: true, drop: true }, { page: 0, status: 500 }, { delayMs: -1 }, { ignorePerPage: 0 }, 'x']) {
      assert.throws(() => s.setFaults([bad]), FaultError, JSON.stringify(bad));
    }
  });

  test('over HTTP: POST appends, PUT replaces, GET lists, DELETE clears, 400 on bad specs', async () => {
    let res = await control(s, 'faults', 'POST', [{ status: 503 }]);
    assert.equal(res.status, 200);
    res = await control(s, 'faults', 'POST', { page: 3, status: 500, times: 'always' });
    assert.equal((await res.json()).faults.length, 2);
    res = await control(s, 'faults', 'PUT', [{ fleetTotal: 7, times: 2 }]);
    const { faults } = await res.json();
    assert.equal(faults.length, 1);
    assert.equal(faults[0].remaining, 2);
    assert.equal((await getJson(s, '/v1/managed-runner')).body.total, 7);
    assert.equal((await (await control(s, 'faults')).json()).faults[0].remaining, 1);
    assert.equal((await control(s, 'faults', 'DELETE')).status, 204);
    assert.deepEqual((await (await control(s, 'faults')).json()).faults, []);
    res = await control(s, 'faults', 'POST', [{ status: 503, retryafter: 1 }]);
    assert.equal(res.status, 400);
    assert.match((await res.json()).message, /unknown key 'retryafter'/);
    const raw = await fetch(`${s.url}/__standin/faults`, { method: 'POST', body: '[{' });
    assert.equal(raw.status, 400);
  });
});

describe('request log', () => {
  test('records method, path, query, paging and auth presence', async () => {
    await get(s, '/v1/managed-runner?page=2&per_page=5');
    await get(s, '/v1/managed-runner', {});
    const [a, b] = s.requests();
    assert.equal(a.method, 'GET');
    assert.equal(a.path, '/v1/managed-runner');
    assert.deepEqual(a.query, { page: '2', per_page: '5' });
    assert.equal(a.page, 2);
    assert.equal(a.perPage, 5);
    assert.equal(a.authorization, 'present');
    assert.equal(a.status, 200);
    assert.equal(typeof a.time, 'number');
    assert.equal(b.authorization, 'missing');
    assert.equal(b.status, 401);
    const over = await (await control(s, 'requests?since=1')).json();
    assert.equal(over.requests.length, 1);
  });

  test('never contains a token, wherever the client put it', async () => {
    const pasted = 'sk-pasted-Zq81xR';
    s.configure({ acceptAnyToken: true });
    await get(s, '/v1/managed-runner');
    await get(s, '/v1/managed-runner', { Authorization: `Bearer ${pasted}` });
    await get(s, `/v1/managed-runner?token=${DEFAULT_TOKEN}&x=${pasted}&api_key=abc`);
    await get(s, `/v1/runner/${DEFAULT_TOKEN}`);
    await get(s, `/v1/runner/${pasted}`, { Authorization: `Bearer ${pasted}` });
    await get(s, '/v1/managed-runner?note=cfc_Another9Token');
    for (const text of [JSON.stringify(s.requests()), await (await control(s, 'requests')).text()]) {
      for (const secret of [DEFAULT_TOKEN, pasted, 'cfc_Another9Token', 'Bearer']) {
        assert.ok(!text.includes(secret), `log contains ${secret}`);
      }
    }
    assert.ok(s.requests().every((e) => e.authorization === 'present'));
  });

  test('peakRequestsPerWindow: half-open windows, API requests and their preflights by default', () => {
    assert.equal(peakRequestsPerWindow([], 10_000), 0);
    assert.equal(peakRequestsPerWindow([0, 100, 9_999, 10_000, 10_001], 10_000), 4);
    assert.equal(peakRequestsPerWindow([0, 10_000, 20_000], 10_000), 1);
    const log = [
      { method: 'OPTIONS', path: '/v1/managed-runner', time: 1 },
      { method: 'GET', path: '/v1/managed-runner', time: 2 },
      { method: 'GET', path: '/index.html', time: 3 },
      { method: 'GET', path: '/v1/managed-runner', time: 4 },
    ];
    assert.equal(peakRequestsPerWindow(log, 10), 3);
    assert.equal(peakRequestsPerWindow(log, 10, { filter: () => true }), 4);
  });
});

describe('rate limiter', () => {
  test('off by default', async () => {
    for (let i = 0; i < 45; i++) assert.equal((await get(s, '/v1/managed-runner')).status, 200);
  });

  test('40 per 10 s, then 429 and a cooldown; the log shows the peak', async () => {
    assert.deepEqual(s.configure({ rateLimit: true }).rateLimit, { limit: 40, windowMs: 10_000, cooldownMs: 10_000 });
    for (let i = 0; i < 40; i++) assert.equal((await get(s, '/v1/managed-runner')).status, 200, `request ${i + 1}`);
    const limited = await getJson(s, '/v1/managed-runner');
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.body, { status: 429, message: 'Too many requests' });
    assert.equal((await get(s, '/v1/managed-runner')).status, 429, 'cooldown');
    const preflight = await fetch(`${s.url}/v1/managed-runner`, { method: 'OPTIONS' });
    assert.equal(preflight.status, 429, 'a preflight during the cooldown is refused too');
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.equal(peakRequestsPerWindow(s.requests(), 10_000), 43);
    const stats = await (await control(s, 'stats')).json();
    assert.equal(stats.peak, 43);
    assert.equal(stats.rateLimited, 3);
    assert.equal(stats.byStatus['429'], 3);
  });

  test('preflights count against the limit like Cloudflare counts them', async () => {
    s.configure({ rateLimit: true });
    for (let i = 0; i < 20; i++) {
      assert.equal((await fetch(`${s.url}/v1/managed-runner?page=${i + 1}`, { method: 'OPTIONS' })).status, 204);
      assert.equal((await get(s, `/v1/managed-runner?page=${i + 1}`)).status, 200, `request ${i + 1}`);
    }
    assert.equal((await fetch(`${s.url}/v1/managed-runner?page=21`, { method: 'OPTIONS' })).status, 429);
    assert.equal(s.stats().peak, 41);
    assert.equal(s.requests().filter((e) => e.rateLimited).map((e) => e.method).join(), 'OPTIONS');
  });

  test('the cooldown ends; switchable over HTTP', async () => {
    const res = await control(s, 'config', 'PUT', { rateLimit: { limit: 3, cooldownMs: 200 } });
    assert.equal((await res.json()).rateLimit.limit, 3);
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await get(s, '/v1/managed-runner')).status);
    assert.deepEqual(codes, [200, 200, 200, 429, 429]);
    await new Promise((r) => setTimeout(r, 250));
    assert.equal((await get(s, '/v1/managed-runner')).status, 200);
    await control(s, 'config', 'PUT', { rateLimit: false });
    for (let i = 0; i < 5; i++) assert.equal((await get(s, '/v1/managed-runner')).status, 200);
  });
});

describe('fleets', () => {
  test('fleet.json: a bare array of ~36 realistic managed runners', () => {
    const fleet = loadDefaultFleet();
    assert.ok(Array.isArray(fleet));
    assert.ok(fleet.length >= 30 && fleet.length <= 40);
    assert.equal(new Set(fleet.map((r) => r.id)).size, fleet.length);
    const known = new Set([...VOCABULARY.gpus.map((g) => g[0]), ...VOCABULARY.families.map((f) => f[0]),
      ...VOCABULARY.regions.map((r) => r[0]), ...VOCABULARY.environments, ...VOCABULARY.extras]);
    for (const r of fleet) {
      assert.deepEqual(Object.keys(r), MANAGED_KEYS);
      assert.match(r.id, UUID_V4);
      assert.ok(['pro', 'plus'].includes(r.runner_type));
      assert.ok(['active', 'disabled'].includes(r.status));
      assert.ok(r.tags.length <= 10 && r.tags.every((t) => known.has(t)), r.name);
      const [c, u] = [Date.parse(r.created_at), Date.parse(r.updated_at)];
      assert.ok(c >= Date.UTC(2024, 0, 1) && u < Date.UTC(2027, 0, 1) && u >= c, r.name);
      assert.match(r.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    }
    assert.ok(fleet.some((r) => r.status === 'disabled'));
    assert.ok(fleet.some((r) => r.tags.length === 0));
    const tagSets = fleet.map((r) => JSON.stringify([...r.tags].sort()));
    assert.ok(tagSets.length - new Set(tagSets).size >= 3, 'several identical tag sets');
    const used = new Set(fleet.flatMap((r) => r.tags));
    for (const tag of known) assert.ok(used.has(tag), `vocabulary tag ${tag} used`);
  });

  test('generate is deterministic and realistic', () => {
    const a = generateFleet(2000, 42);
    assert.deepEqual(generateFleet(2000, 42), a);
    assert.notDeepEqual(generateFleet(2000, 43), a);
    assert.deepEqual(generateFleet(50, 'bench'), generateFleet(50, 'bench'));
    assert.deepEqual(a, sortRunners(a));
    assert.equal(new Set(a.map((r) => r.id)).size, a.length);
    assert.equal(new Set(a.map((r) => r.name)).size, a.length);
    const disabled = a.filter((r) => r.status === 'disabled').length / a.length;
    const untagged = a.filter((r) => r.tags.length === 0).length / a.length;
    assert.ok(disabled > 0.02 && disabled < 0.09, `disabled ${disabled}`);
    assert.ok(untagged > 0.01 && untagged < 0.08, `untagged ${untagged}`);
    for (const r of a) {
      assert.deepEqual(Object.keys(r), MANAGED_KEYS);
      assert.match(r.id, UUID_V4);
      assert.ok(r.tags.length <= 6 && new Set(r.tags).size === r.tags.length);
    }
    assert.throws(() => generateFleet(-1, 1), RangeError);
  });

  test('PUT /__standin/fleet: generate, arrays, pages, validation; reset restores', async () => {
    let res = await control(s, 'fleet', 'PUT', { generate: 250, seed: 7 });
    assert.deepEqual(await res.json(), { managed: 250, selfHosted: 0 });
    const { ids, total } = await allPages(s, 100);
    assert.equal(total, 250);
    assert.deepEqual(ids, generateFleet(250, 7).map((r) => r.id));

    const two = loadDefaultFleet().slice(0, 2).reverse();
    await control(s, 'fleet', 'PUT', { runners: two, total: 2 });
    assert.deepEqual((await getJson(s, '/v1/managed-runner')).body.runners.map((r) => r.id), two.reverse().map((r) => r.id));
    s.setFleet([]);
    assert.deepEqual((await getJson(s, '/v1/managed-runner')).body, { runners: [], total: 0 });
    assert.equal((await control(s, 'fleet', 'PUT', { nope: 1 })).status, 400);
    assert.equal((await control(s, 'fleet', 'PUT', [1, 2])).status, 400);

    s.setFaults([{ status: 500 }]);
    s.configure({ tier: 'free' });
    assert.equal((await control(s, 'reset', 'POST')).status, 204);
    assert.deepEqual(s.requests(), []);
    assert.deepEqual(s.faults(), []);
    assert.equal(s.config().tier, 'pro');
    assert.equal((await getJson(s, '/v1/managed-runner')).body.total, 36);
    const fleet = await (await control(s, 'fleet')).json();
    assert.equal(fleet.managed.length, 36);
    assert.deepEqual(fleet.selfHosted, []);
  });

  test('control API: config never shows tokens; unknown endpoints 404; bad config 400', async () => {
    const cfg = await (await control(s, 'config')).json();
    assert.deepEqual(cfg, { tokensConfigured: 1, tierTokensConfigured: 1, acceptAnyToken: false, listDisabled: true, tier: 'pro', rateLimit: null });
    assert.ok(!JSON.stringify(cfg).includes(FREE_TOKEN));
    assert.ok(!JSON.stringify(cfg).includes(DEFAULT_TOKEN));
    assert.equal((await control(s, 'nothing')).status, 404);
    assert.equal((await control(s, 'config', 'PUT', { tier: 'gold' })).status, 400);
    assert.equal((await control(s, 'config', 'PUT', { listDisabled: 'no' })).status, 400);
    assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('::ffff:127.0.0.1'));
    assert.ok(!isLoopback('10.0.0.1') && !isLoopback('::ffff:192.168.1.2'));
  });
});

describe('static files', () => {
  let dir;
  let web;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'standin-static-'));
    mkdirSync(path.join(dir, 'web', 'sub'), { recursive: true });
    mkdirSync(path.join(dir, 'pkg'));
    writeFileSync(path.join(dir, 'secret.txt'), 'top secret');
    writeFileSync(path.join(dir, 'web', 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(path.join(dir, 'web', 'sub', 'index.html'), 'sub index');
    writeFileSync(path.join(dir, 'web', 'app.mjs'), 'export {}');
    writeFileSync(path.join(dir, 'web', 'style.css'), 'body{}');
    writeFileSync(path.join(dir, 'web', 'icon.svg'), '<svg/>');
    writeFileSync(path.join(dir, 'pkg', 'runner_match_bg.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    writeFileSync(path.join(dir, 'pkg', 'runner_match.js'), 'export default 1');
    writeFileSync(path.join(dir, 'pkg', 'runner_match.d.ts'), 'export {};');
    writeFileSync(path.join(dir, 'pkg', 'package.json'), '{}');
    web = await startStandin({ static: [{ mount: '/', dir: 'web' }, { mount: '/pkg/', dir: 'pkg' }], staticBase: dir });
  });
  after(async () => {
    await web.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('serves files with the right MIME types, index.html for directories', async () => {
    const expect = {
      '/': ['text/html; charset=utf-8', '<!doctype html><title>demo</title>'],
      '/index.html': ['text/html; charset=utf-8'],
      '/sub/': ['text/html; charset=utf-8', 'sub index'],
      '/app.mjs': ['text/javascript; charset=utf-8'],
      '/style.css': ['text/css; charset=utf-8'],
      '/icon.svg': ['image/svg+xml'],
      '/pkg/runner_match_bg.wasm': ['application/wasm'],
      '/pkg/runner_match.js': ['text/javascript; charset=utf-8'],
      '/pkg/runner_match.d.ts': ['text/plain; charset=utf-8'],
      '/pkg/package.json': ['application/json; charset=utf-8'],
    };
    for (const [p, [type, body]] of Object.entries(expect)) {
      const res = await fetch(`${web.url}${p}`);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('content-type'), type, p);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const text = await res.text();
      if (body) assert.equal(text, body);
    }
    const wasm = await fetch(`${web.url}/pkg/runner_match_bg.wasm`);
    assert.ok(WebAssembly.validate(new Uint8Array(await wasm.arrayBuffer())));
    assert.equal(mimeType('x.png'), 'image/png');
    assert.equal(mimeType('x.unknown'), 'application/octet-stream');
  });

  test('redirects, 404, HEAD, and the API still wins over the / mount', async () => {
    const sub = await fetch(`${web.url}/sub`, { redirect: 'manual' });
    assert.equal(sub.status, 301);
    assert.equal(sub.headers.get('location'), '/sub/');
    assert.equal((await fetch(`${web.url}/pkg`, { redirect: 'manual' })).headers.get('location'), '/pkg/');
    assert.equal((await fetch(`${web.url}/missing.js`)).status, 404);
    const head = await fetch(`${web.url}/app.mjs`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '9');
    assert.equal((await fetch(`${web.url}/v1/managed-runner`)).status, 401);
    assert.equal((await fetch(`${web.url}/v1/managed-runner`, { headers: AUTH })).status, 200);
    assert.equal(web.requests().find((e) => e.path === '/app.mjs').kind, 'static');
  });

  test('rejects directory traversal', async () => {
    for (const target of ['/../secret.txt', '/pkg/../../secret.txt', '/%2e%2e/secret.txt', '/pkg/%2E%2E/%2e%2e/secret.txt',
      '/..%2fsecret.txt', '/pkg/..%2F..%2Fsecret.txt', '/..%5csecret.txt', '/sub/%00']) {
      const res = await rawGet(web, target);
      assert.equal(res.status, 400, target);
      assert.ok(!res.body.includes('top secret'), target);
    }
  });
});

describe('CLI', () => {
  const children = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
  });

  function launch(args, env = {}) {
    const child = spawn(process.execPath, [SERVER, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
  }

  test('prints the URL first; --accept-any-token; binds to loopback', async () => {
    const url = await launch(['--port', '0', '--accept-any-token']);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/v1/managed-runner`, { headers: { Authorization: 'Bearer pasted' } });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).total, 36);
  });

  test('PORT env sets the port; --token replaces the default', async () => {
    const url = await launch(['--token', 'cfc_cli'], { PORT: '0' });
    assert.equal((await fetch(`${url}/v1/managed-runner`, { headers: AUTH })).status, 401);
    assert.equal((await fetch(`${url}/v1/managed-runner`, { headers: { Authorization: 'Bearer cfc_cli' } })).status, 200);
  });

  test('parseCliArgs', () => {
    assert.deepEqual(parseCliArgs(['--static', '/=web', '--static', '/pkg/=pkg'], {}).static,
      [{ mount: '/', dir: 'web' }, { mount: '/pkg/', dir: 'pkg' }]);
    assert.equal(parseCliArgs([], {}).port, 8080);
    assert.equal(parseCliArgs([], { PORT: '9000' }).port, 9000);
    assert.equal(parseCliArgs(['--port', '0'], { PORT: '9000' }).port, 0);
    assert.equal(parseCliArgs([], {}).host, '127.0.0.1');
    assert.deepEqual(parseCliArgs(['--generate', '500', '--seed', '9'], {}).fleet, { generate: 500, seed: 9 });
    assert.equal(parseCliArgs(['--self-hosted', 'demo'], {}).selfHosted, 'demo');
    assert.throws(() => parseCliArgs(['--port', 'abc'], {}));
    assert.throws(() => parseCliArgs(['--bogus'], {}));
  });
});

describe('workflows and the Free-tier token', () => {
  const WORKFLOW_KEYS = ['id', 'name', 'status', 'tags', 'created_at', 'updated_at', 'started_at', 'completed_at'];
  const FREE = { Authorization: `Bearer ${FREE_TOKEN}` };

  async function allWorkflows(perPage, query = '') {
    const out = [];
    for (let page = 1; ; page++) {
      const { status, body } = await getJson(s, `/v1/workflow?page=${page}&per_page=${perPage}${query}`);
      assert.equal(status, 200);
      out.push(...body.workflows);
      if (body.workflows.length < perPage) return { workflows: out, total: body.total };
    }
  }

  test('GET /v1/workflow: documented shape, paged newest first, all statuses', async () => {
    const { status, body } = await getJson(s, '/v1/workflow');
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body), ['workflows', 'total']);
    assert.equal(body.workflows.length, 10); // the API's default per_page
    for (const w of body.workflows) {
      assert.deepEqual(Object.keys(w), WORKFLOW_KEYS);
      assert.match(w.id, UUID_V4);
      assert.ok(WORKFLOW_STATUSES.includes(w.status), w.status);
      assert.ok(Array.isArray(w.tags));
    }
    const { workflows, total } = await allWorkflows(3);
    assert.equal(total, 16);
    assert.equal(workflows.length, 16);
    assert.equal(new Set(workflows.map((w) => w.id)).size, 16);
    const times = workflows.map((w) => Date.parse(w.created_at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    assert.deepEqual(new Set(workflows.map((w) => w.status)), new Set(WORKFLOW_STATUSES));
    // Finished ones have run; waiting ones have not started.
    for (const w of workflows) {
      const waiting = ['accepted', 'uploaded', 'queued'].includes(w.status);
      assert.equal(w.started_at === null, waiting || w.status === 'invalid', w.name);
    }
    const entry = s.requests().at(-1);
    assert.deepEqual([entry.path, entry.page, entry.perPage, entry.kind], ['/v1/workflow', 6, 3, 'api']);
  });

  test('the default set: stuck on case, typo, unknown tag and a pair; some only self-hosted runners take', () => {
    const tags = (name) => defaultWorkflows(Date.now()).find((w) => w.name === name).tags;
    const managedTags = new Set(loadDefaultFleet().flatMap((r) => r.tags));
    const ownTags = new Set(loadDemoSelfHosted().filter((r) => r.status === 'active').flatMap((r) => r.tags));
    assert.deepEqual(tags('Upscale batch'), ['GPU-A100', 'upscale']);
    assert.ok(!managedTags.has('GPU-A100') && managedTags.has('gpu-a100'));
    assert.ok(!managedTags.has('vidoe') && managedTags.has('video'));
    assert.ok(!managedTags.has('flux-xl') && !ownTags.has('flux-xl'));
    for (const name of ['Anime LoRA test', 'Private Hunyuan clip', 'A6000 flux test']) {
      assert.ok(tags(name).some((t) => !managedTags.has(t)), name);
      assert.ok(tags(name).every((t) => ownTags.has(t)), name);
    }
    const waiting = defaultWorkflows(0).filter((w) => ['accepted', 'uploaded', 'queued'].includes(w.status));
    assert.equal(waiting.length, 10);
  });

  test('status is a filter of the documented values; others are 400', async () => {
    for (const status of STATUS_FILTER) {
      const { workflows, total } = await allWorkflows(100, `&status=${status}`);
      assert.equal(total, workflows.length);
      assert.ok(workflows.length > 0 && workflows.every((w) => w.status === status), status);
    }
    for (const bad of ['accepted', 'uploaded', 'QUEUED', '']) {
      const { status, body } = await getJson(s, `/v1/workflow?status=${bad}`);
      assert.equal(status, 400, bad);
      assert.match(body.message, /invalid status value/);
    }
  });

  test('auth, paging errors and faults as on every listing', async () => {
    assert.equal((await get(s, '/v1/workflow', {})).status, 401);
    assert.equal((await get(s, '/v1/workflow?per_page=101')).status, 400);
    assert.deepEqual((await getJson(s, '/v1/workflow?page=99')).body, { workflows: [], total: 16 });
    s.setFaults([{ path: '/v1/workflow', status: 503 }, { path: '/v1/workflow', fleetTotal: 1000 }]);
    assert.equal((await get(s, '/v1/workflow')).status, 503);
    assert.equal((await getJson(s, '/v1/workflow')).body.total, 1000);
    assert.equal((await getJson(s, '/v1/managed-runner')).status, 200);
  });

  test('setWorkflows / PUT /__standin/workflows: arrays, pages, generate; reset restores', async () => {
    const many = generateWorkflows(350, 3, Date.now());
    assert.deepEqual(generateWorkflows(350, 3, 0).map((w) => w.id), generateWorkflows(350, 3, 0).map((w) => w.id));
    let res = await control(s, 'workflows', 'PUT', { generate: 350, seed: 3 });
    assert.deepEqual(await res.json(), { workflows: 350 });
    const { workflows, total } = await allWorkflows(100);
    assert.equal(total, 350);
    assert.deepEqual(workflows.map((w) => w.id), many.map((w) => w.id));
    assert.ok(workflows.some((w) => w.status === 'queued') && workflows.some((w) => w.status === 'completed'));
    s.setWorkflows({ workflows: [{ id: 'w', name: 'x', status: 'queued', tags: [], created_at: '2024-01-01T00:00:00Z' }] });
    assert.equal((await getJson(s, '/v1/workflow')).body.total, 1);
    res = await control(s, 'workflows');
    assert.equal((await res.json()).workflows[0].id, 'w');
    assert.equal((await control(s, 'workflows', 'PUT', { nope: 1 })).status, 400);
    assert.equal((await control(s, 'workflows', 'PUT', [1])).status, 400);
    s.reset();
    assert.equal((await getJson(s, '/v1/workflow')).body.total, 16);
    assert.deepEqual(Object.keys(s.fleet()), ['managed', 'selfHosted']);
  });

  test(`${FREE_TOKEN}: a Free tier — 403 on managed runners; its own runners, workflows and user work`, async () => {
    s.setFleet({ selfHosted: loadDemoSelfHosted() });
    const managed = await getJson(s, '/v1/managed-runner', FREE);
    assert.equal(managed.status, 403);
    assert.deepEqual(managed.body, { status: 403, message: 'Managed runners require Pro or Plus tier' });
    assert.equal((await get(s, `/v1/managed-runner/${loadDefaultFleet()[0].id}`, FREE)).status, 403);
    assert.equal((await getJson(s, '/v1/runner?per_page=100', FREE)).body.total, 5);
    assert.equal((await getJson(s, '/v1/workflow', FREE)).body.total, 16);
    assert.equal((await getJson(s, '/v1/user', FREE)).body.tier, 'free');
    // The default token keeps the configured tier; the free token is never logged.
    assert.equal((await getJson(s, '/v1/user')).body.tier, 'pro');
    assert.ok(!JSON.stringify(s.requests()).includes(FREE_TOKEN));
    // Under acceptAnyToken the free token is still a Free tier.
    s.configure({ acceptAnyToken: true });
    assert.equal((await get(s, '/v1/managed-runner', FREE)).status, 403);
    assert.equal((await get(s, '/v1/managed-runner', { Authorization: 'Bearer pasted' })).status, 200);
    s.configure({ tokenTiers: {} });
    assert.equal((await get(s, '/v1/managed-runner', FREE)).status, 200);
    assert.throws(() => s.configure({ tokenTiers: { x: 'gold' } }), TypeError);
  });

  test('the demo self-hosted fleet: self-hosted shape with secret-looking headers and endpoint credentials', () => {
    const fleet = loadDemoSelfHosted();
    for (const r of fleet) assert.deepEqual(Object.keys(r), SELF_HOSTED_KEYS);
    const text = JSON.stringify(fleet);
    assert.match(text, /Bearer sk-live-/);
    assert.ok(fleet.some((r) => new URL(r.endpoint).password !== ''));
    assert.ok(fleet.some((r) => new URL(r.endpoint).search.includes('token=')));
    assert.ok(fleet.some((r) => r.status === 'disabled'));
  });

  test('CLI: --self-hosted demo serves the demo fleet', async () => {
    const child = spawn(process.execPath, [SERVER, '--port', '0', '--self-hosted', 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise((resolve, reject) => {
        child.stdout.setEncoding('utf8');
        child.stdout.once('data', (chunk) => resolve(chunk.split('\n')[0]));
        child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      const body = await (await fetch(`${url}/v1/runner?per_page=100`, { headers: FREE })).json();
      assert.deepEqual(body.runners.map((r) => r.id).sort(), loadDemoSelfHosted().map((r) => r.id).sort());
    } finally {
      child.kill();
    }
  });
});
