// The built package (../pkg) in Node, imported exactly as a consumer imports it
// (`import init, { … } from 'runner-match'` through the package's `exports` map), against
// the ComfyControl stand-in. Assertions are on the stand-in's request log, not on wall time.
// Run: cd tests && node --test --test-concurrency=1 client.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';

import { API_EXPORTS } from './support/package.mjs';
import { withPackageAndApi } from './support/suite.mjs';
import { referenceListing, referenceRank } from './support/reference.mjs';
import {
  TOKEN, WRONG_TOKEN, apiRequests, closedPort, maxInFlight, peakRequestsPerWindow,
  settled,
} from './support/standin.mjs';
import { assertNoSecret, assertRunnerMatchError, rejectsWith, throwsWith } from './support/errors.mjs';
import { VOCABULARY, generateFleet, mulberry32 } from '../standin/server.mjs';

/** The package's API: { init, configure, findRunners, RunnerClient, matchRunners, … }. */
let rm;
/** The stand-in API (accepts TOKEN). */
let s;

withPackageAndApi((started) => ({ rm, s } = started));

// These suites exercise the managed listing's paging, retries and budget request by request;
// the pool of both sources has its own tests (pool.test.mjs).
const client = (options = {}) => new rm.RunnerClient({ token: TOKEN, baseUrl: s.url, sources: ['managed'], ...options });
const fleet = () => s.fleet().managed;
const pagesOf = (log) => log.map((e) => e.page);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP proxy to 127.0.0.1:`port` that holds its first connection's bytes for `delayMs`. */
async function slowFirstConnectionProxy(port, delayMs) {
  const sockets = new Set();
  let connections = 0;
  const server = net.createServer((down) => {
    const up = net.connect(port, '127.0.0.1');
    for (const sock of [down, up]) {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => {
        down.destroy();
        up.destroy();
      });
    }
    up.pipe(down);
    if (connections++ > 0) {
      down.pipe(up);
      return;
    }
    down.pause();
    setTimeout(() => down.pipe(up), delayMs);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => {
      for (const sock of sockets) sock.destroy();
      server.close(resolve);
    }),
  };
}

/** After an error: with the stand-in healthy again, the same client and the module work. */
async function assertStillWorks(c) {
  s.reset();
  const ranked = await c.findRunners('gpu-a100');
  assert.deepEqual(ranked, referenceRank(fleet(), 'gpu-a100'));
  rm.configure({ token: TOKEN, baseUrl: s.url, cacheTtlMs: 0, sources: ['managed'] });
  assert.deepEqual(await rm.findRunners('flux'), referenceRank(fleet(), 'flux'));
  assert.deepEqual(rm.matchRunners(fleet(), 'video'), referenceRank(fleet(), 'video'));
}

// Module state: these run first, before anything calls configure().
describe('module-level findRunners before configure', () => {
  test('rejects with not_configured and makes no request', async () => {
    const err = await rejectsWith(() => rm.findRunners('gpu-a100'), 'not_configured', { message: /configure/ });
    assert.match(err.message, /RunnerClient/);
    await rejectsWith(() => rm.findRunners(undefined), 'not_configured');
    assert.equal(s.requests().length, 0);
  });

  test('a configure() that throws leaves the module unconfigured', async () => {
    throwsWith(() => rm.configure({ token: TOKEN, baseUrl: s.url, timeoutMs: -1 }), 'invalid_input');
    throwsWith(() => rm.configure({ token: TOKEN, baseUrl: 'http://example.com' }), 'insecure_url');
    throwsWith(() => rm.configure(null), 'invalid_input');
    await rejectsWith(() => rm.findRunners('flux'), 'not_configured');
    assert.equal(s.requests().length, 0);
  });

  test('configure() then findRunners works; a bad configure() later keeps the previous client', async () => {
    assert.equal(rm.configure({ token: TOKEN, baseUrl: s.url, sources: ['managed'] }), undefined);
    assert.deepEqual(await rm.findRunners('flux'), referenceRank(fleet(), 'flux'));
    assert.equal(apiRequests(s).length, 1);
    throwsWith(() => rm.configure({ token: TOKEN, baseUrl: s.url, perPage: 0 }), 'invalid_input');
    throwsWith(() => rm.configure({ token: TOKEN, baseUrl: 'http://10.0.0.5:8080' }), 'insecure_url');
    // Still the previous client, with its cache (default TTL 30 s): no new request.
    assert.deepEqual(await rm.findRunners(['gpu-h100']), referenceRank(fleet(), ['gpu-h100']));
    assert.equal(apiRequests(s).length, 1);
  });
});

describe('import', () => {
  test("the bare specifier 'runner-match' resolves through the exports map to the Node entry", async () => {
    assert.match(rm.resolved, /\/pkg\/node\.js$/);
    for (const name of ['configure', 'findRunners', 'matchRunners', 'RunnerClient', 'RunnerSet', 'explainRunners', 'init']) {
      assert.equal(typeof rm[name], 'function', name);
    }
    for (const name of API_EXPORTS) assert.equal(typeof rm.namespace[name], 'function', name);
    assert.equal(rm.namespace.default, rm.init);
    // The Node entry initialises at import time; init() is kept for shared code.
    await rm.init();
    assert.deepEqual(rm.matchRunners([], 'a'), []);
  });
});

describe('ranking', () => {
  const TAG_SETS = [
    '', '   ', 'gpu-a100', 'gpu-a100, flux', 'flux,gpu-a100', ' managed , gpu-h100 ,flux ', 'video',
    'high-performance, video, wan', 'gpu-rtx4090,sdxl,eu-west,production,managed', 'GPU-A100',
    'no-such-tag', 'flux, flux', 'development', 'cpu', ['gpu-a100', 'flux'], [], ['production'],
    ['managed', 'managed', ' cpu '], ['managed', 'gpu-l40s', 'video', 'hunyuan', 'wan', 'us-east', 'production'],
  ];

  test('findRunners over the default fleet equals the reference rule, score and order', async () => {
    const c = client();
    for (const tags of TAG_SETS) {
      assert.deepEqual(await c.findRunners(tags), referenceRank(fleet(), tags), JSON.stringify(tags));
    }
    // The whole fleet fits one page of 100: one request served every query.
    assert.equal(apiRequests(s).length, 1);
  });

  test('the ranking has the documented properties on the default fleet', async () => {
    const c = client();
    const byName = (list) => list.map((m) => m.name);
    const a100 = await c.findRunners('gpu-a100');
    // Disabled runners never match.
    const disabled = new Set(fleet().filter((r) => r.status !== 'active').map((r) => r.id));
    assert.ok(disabled.size >= 2);
    for (const tags of TAG_SETS) for (const m of await c.findRunners(tags)) assert.ok(!disabled.has(m.id));
    // The untagged runner is a wildcard: last, 0.5, for any tagged workflow…
    const last = a100.at(-1);
    assert.deepEqual([last.name, last.score, last.fit, last.tags], ['Plus Shared Pool EU-1', 0.5, 'wildcard', []]);
    assert.deepEqual(byName(await c.findRunners('no-such-tag')), ['Plus Shared Pool EU-1']);
    // …and the exact fit of the untagged workflow.
    const any = await c.findRunners('');
    assert.equal(any[0].name, 'Plus Shared Pool EU-1');
    assert.deepEqual([any[0].score, any[0].fit], [1, 'exact']);
    assert.equal(any.length, fleet().length - disabled.size);
    // Case-sensitive: only the wildcard runner takes GPU-A100.
    assert.deepEqual(byName(await c.findRunners('GPU-A100')), ['Plus Shared Pool EU-1']);
    // Scores never increase down the list; equal scores go newest first by instant.
    for (const tags of TAG_SETS) {
      const ranked = await c.findRunners(tags);
      for (let i = 1; i < ranked.length; i++) {
        const [x, y] = [ranked[i - 1], ranked[i]];
        assert.ok(x.score >= y.score);
        if (x.score === y.score) {
          const d = Date.parse(x.createdAt) - Date.parse(y.createdAt);
          assert.ok(d > 0 || (d === 0 && x.id < y.id), `${x.name} before ${y.name}`);
        }
      }
    }
    // `…27.250Z` is newer than `…27Z` (compared as instants, not text).
    const sdxl = byName(await c.findRunners('gpu-rtx4090, sdxl, eu-west, production, managed'));
    assert.ok(sdxl.indexOf('Plus RTX4090 SDXL EU-3') < sdxl.indexOf('Plus RTX4090 SDXL EU-2'));
    // 0.5 + 0.5 · (r + 1) / (t + 1)
    const two = (await c.findRunners('gpu-a100, flux')).find((m) => m.tags.length === 6);
    assert.equal(two.score, 0.5 + (0.5 * 3) / 7);
  });

  test('matchRunners (pure, no request) equals the reference, whatever the input order', async () => {
    const runners = fleet();
    const shuffled = [...runners].reverse();
    for (const tags of TAG_SETS) {
      const want = referenceRank(runners, tags);
      assert.deepEqual(rm.matchRunners(runners, tags), want, JSON.stringify(tags));
      assert.deepEqual(rm.matchRunners(shuffled, tags), want);
    }
    // A generated fleet (duplicated tags, timestamps, untagged and disabled runners) and
    // random requirements drawn from the same vocabulary.
    const big = generateFleet(400, 'ranking');
    const vocabulary = [
      ...VOCABULARY.gpus.map((g) => g[0]), ...VOCABULARY.families.map((f) => f[0]),
      ...VOCABULARY.regions.map((r) => r[0]), ...VOCABULARY.environments, ...VOCABULARY.extras,
    ];
    const rng = mulberry32(99);
    for (let i = 0; i < 150; i++) {
      const n = Math.floor(rng() * 4);
      const tags = Array.from({ length: n }, () => vocabulary[Math.floor(rng() * vocabulary.length)]);
      const query = i % 2 ? tags : tags.join(', ');
      assert.deepEqual(rm.matchRunners(big, query), referenceRank(big, query), JSON.stringify(query));
    }
    assert.equal(s.requests().length, 0);
  });

  // Plain managed runners cross as interned columns; any other element takes the complete
  // reader. Mixed in one list, both kinds must rank, index and explain as one fleet.
  test('a list mixing managed and self-hosted runners ranks like the reference on every path', () => {
    const at = (day) => `2024-05-${String(day).padStart(2, '0')}T08:00:00Z`;
    const managed = (id, day, tags, extra = {}) => ({ id, name: `m ${id}`, runner_type: 'pro', status: 'active', tags,
      created_at: at(day), updated_at: at(day), ...extra });
    const selfHosted = (id, day, tags, extra = {}) => ({ id, user_id: 'u1', name: `s ${id}`, status: 'active', tags,
      created_at: at(day), updated_at: at(day), endpoint: 'https://comfy.example', headers: { 'x-key': 'v' }, ...extra });
    const runners = [
      managed('m1', 3, ['gpu', 'flux']),
      selfHosted('s1', 5, ['gpu', 'home-lab'], { runner_type: 'enterprise' }), // a type and a tag only it has
      managed('m2', 5, ['gpu'], { runner_type: null }), // ties s1 on created_at: id decides
      selfHosted('s2', 1, []),
      managed('m3', 9, ['gpu', 'gpu'], { status: 'maintenance' }), // a status no other runner has
      managed('m4', 7, ['home-lab', 'flux'], { runner_type: 'plus' }),
      selfHosted('s3', 7, ['flux']),
    ];
    const queries = ['gpu', 'home-lab', 'flux, gpu', 'type:enterprise', 'type:p*', '!home-lab', 'gpu* & !flux', '', 'nope'];
    const set = new rm.RunnerSet(runners);
    for (const query of queries) {
      const want = referenceRank(runners, query);
      assert.deepEqual(rm.matchRunners(runners, query), want, query);
      assert.deepEqual(rm.matchRunners([...runners].reverse(), query), want, query);
      assert.deepEqual(set.match(query), want, query);
      assert.equal(rm.explainRunners(runners, query).matchCount, want.length, query);
    }
    // s2 is untagged: ComfyControl's wildcard, last.
    assert.deepEqual(set.match('home-lab').map((m) => [m.id, m.source]),
      [['m4', 'managed'], ['s1', 'self-hosted'], ['s2', 'self-hosted']]);
    assert.deepEqual(rm.matchRunners(runners, 'type:enterprise').map((m) => m.id), ['s1']);
    set.free();
    // `user_id: null` is absent to the reader but sends a managed runner down the complete
    // reader's path: both paths must give the same answers, explanations included.
    // Some list a tag twice (the score counts it once; the runner keeps its list).
    const generated = generateFleet(300, 'paths')
      .map((r, i) => (i % 7 === 0 && r.tags.length > 0 ? { ...r, tags: [...r.tags, r.tags[0]] } : r));
    const viaReader = generated.map((r) => ({ ...r, user_id: null }));
    for (const query of ['gpu-a100', 'flux, gpu-h100', 'gpu-* & !development', '']) {
      assert.deepEqual(rm.matchRunners(viaReader, query), rm.matchRunners(generated, query), query);
      assert.deepEqual(rm.explainRunners(viaReader, query), rm.explainRunners(generated, query), query);
    }
  });

  // Ids are read only to order runners created at the same instant: a fleet imported in
  // bulk, where every runner shares one, is ordered by id alone, whatever the input order.
  test('runners that all share one created_at instant are ordered by id on every path', () => {
    const same = generateFleet(200, 'bulk').map((r, i) => ({
      ...r, created_at: i % 2 ? '2024-05-01T08:00:00Z' : '2024-05-01T09:00:00+01:00',
    }));
    const shuffled = [...same].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const query of ['gpu-a100', 'flux', '']) {
      const want = referenceRank(same, query);
      assert.deepEqual(rm.matchRunners(shuffled, query), want, query);
      const set = new rm.RunnerSet(shuffled);
      assert.deepEqual(set.match(query), want, query);
      set.free();
    }
  });

  test('RunnerMatch shape: camelCase keys, matchedTags, extraTags, fit, source', async () => {
    const ranked = await client().findRunners('gpu-a100, flux');
    assert.ok(ranked.length > 2);
    const keys = ['id', 'name', 'runnerType', 'status', 'tags', 'createdAt', 'updatedAt', 'score', 'fit',
      'matchedTags', 'extraTags', 'source'];
    assert.ok(Array.isArray(ranked));
    for (const m of ranked) {
      assert.equal(Object.getPrototypeOf(m), Object.prototype, 'a plain object');
      assert.deepEqual(Object.keys(m), keys);
      for (const k of ['id', 'name', 'runnerType', 'status', 'createdAt', 'updatedAt']) assert.equal(typeof m[k], 'string', k);
      for (const k of ['tags', 'matchedTags', 'extraTags']) {
        assert.ok(Array.isArray(m[k]), k);
        assert.ok(m[k].every((t) => typeof t === 'string'), k);
      }
      assert.equal(typeof m.score, 'number');
      assert.ok(m.score > 0 && m.score <= 1);
      assert.ok(['exact', 'superset', 'wildcard'].includes(m.fit));
      assert.equal(m.source, 'managed');
      assert.equal(m.status, 'active');
      assert.ok(['pro', 'plus'].includes(m.runnerType));
      assert.deepEqual([...m.matchedTags, ...m.extraTags].sort(), [...new Set(m.tags)].sort());
      if (m.fit !== 'wildcard') assert.deepEqual([...m.matchedTags].sort(), ['flux', 'gpu-a100']);
      assert.equal(m.fit === 'exact', m.extraTags.length === 0 && m.tags.length > 0);
      assert.ok(!Object.keys(m).some((k) => k.includes('_')), 'no snake_case keys');
    }
    const wildcard = ranked.at(-1);
    assert.deepEqual([wildcard.fit, wildcard.matchedTags, wildcard.extraTags], ['wildcard', [], []]);
    // A runner without runner_type (a self-hosted-shaped object): no runnerType key at all.
    const [plain] = rm.matchRunners([{ id: 'x', name: 'n', status: 'active', tags: ['a', 'b', 'a'],
      created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' }], ['a']);
    assert.ok(!('runnerType' in plain));
    assert.deepEqual([plain.matchedTags, plain.extraTags, plain.fit, plain.score], [['a'], ['b'], 'superset', 0.5 + 1 / 3]);
  });

  test('requiredTags as an array and as a comma string give the same answer', async () => {
    const c = client();
    const pairs = [
      ['gpu-a100,flux', ['gpu-a100', 'flux']],
      [' managed ,  video,wan ', ['managed', 'video', 'wan']],
      ['flux, flux, gpu-h100', ['flux', 'gpu-h100', 'flux']],
      ['', []],
    ];
    for (const [text, list] of pairs) {
      const fromText = await c.findRunners(text);
      assert.deepEqual(await c.findRunners(list), fromText, text);
      assert.deepEqual(rm.matchRunners(fleet(), list), fromText, text);
    }
    // undefined / null: the wildcard workflow, like ''.
    assert.deepEqual(await c.findRunners(undefined), await c.findRunners(''));
    assert.deepEqual(await c.findRunners(null), await c.findRunners([]));
  });

  test('listRunners returns every runner exactly as the API lists them, newest first', async () => {
    const listed = await client().listRunners();
    assert.deepEqual(listed, referenceListing(fleet()));
    for (const r of listed) assert.deepEqual(Object.keys(r), ['id', 'name', 'runner_type', 'status', 'tags', 'created_at', 'updated_at']);
    // …so it goes straight back into matchRunners.
    assert.deepEqual(rm.matchRunners(listed, 'sdxl'), referenceRank(fleet(), 'sdxl'));
  });
});

describe('paging', () => {
  test('250 runners with perPage 100: exactly 3 requests with per_page=100, 250 unique ids newest first', async () => {
    s.setFleet({ generate: 250, seed: 7 });
    const listed = await client({ perPage: 100 }).listRunners();
    const log = apiRequests(s);
    assert.equal(log.length, 3);
    assert.deepEqual(pagesOf(log).sort(), [1, 2, 3]);
    for (const e of log) {
      assert.equal(e.perPage, 100);
      assert.deepEqual(e.query, { page: String(e.page), per_page: '100' });
      assert.equal(e.path, '/v1/managed-runner');
      assert.equal(e.status, 200);
    }
    assert.equal(listed.length, 250);
    assert.equal(new Set(listed.map((r) => r.id)).size, 250);
    assert.deepEqual(listed.map((r) => r.id), referenceListing(fleet()).map((r) => r.id));
    assert.deepEqual(listed, fleet());
  });

  test('the default page size is 100, and a smaller perPage pages accordingly', async () => {
    await client().listRunners();
    assert.deepEqual(apiRequests(s).map((e) => e.perPage), [100]);
    s.reset();
    const listed = await client({ perPage: 10 }).listRunners();
    const log = apiRequests(s);
    assert.deepEqual(pagesOf(log).sort(), [1, 2, 3, 4]); // 36 runners
    assert.ok(log.every((e) => e.perPage === 10));
    assert.deepEqual(listed, fleet());
  });

  test('page 1 goes alone first, then the other pages concurrently', async () => {
    s.setFleet({ generate: 500, seed: 3 });
    s.setFaults([{ delayMs: 250, times: 'always' }]);
    const listed = await client().listRunners();
    await settled(s);
    const log = apiRequests(s);
    assert.equal(listed.length, 500);
    assert.equal(log.length, 5);
    assert.equal(log[0].page, 1);
    const first = log[0];
    const rest = log.slice(1);
    assert.deepEqual(pagesOf(rest).sort(), [2, 3, 4, 5]);
    for (const e of rest) assert.ok(e.time >= first.time + first.ms, `page ${e.page} started before page 1 was answered`);
    assert.equal(maxInFlight(rest), 4, 'pages 2-5 in flight together (default maxConcurrency 8)');
  });

  test('maxConcurrency bounds the pages in flight (1, 2 and 3 with 5 pages)', async () => {
    for (const maxConcurrency of [1, 2, 3]) {
      s.reset();
      s.setFleet({ generate: 500, seed: 3 });
      s.setFaults([{ delayMs: 200, times: 'always' }]);
      const listed = await client({ maxConcurrency }).listRunners();
      await settled(s);
      const log = apiRequests(s);
      assert.equal(listed.length, 500);
      assert.equal(log.length, 5);
      assert.equal(log[0].page, 1);
      assert.ok(log.slice(1).every((e) => e.time >= log[0].time + log[0].ms));
      assert.deepEqual(pagesOf(log).sort(), [1, 2, 3, 4, 5]);
      assert.equal(maxInFlight(log), maxConcurrency, `maxConcurrency ${maxConcurrency}`);
    }
  });
});

describe('cache', () => {
  test('a second call within cacheTtlMs makes no request', async () => {
    const c = client({ cacheTtlMs: 60_000 });
    await c.findRunners('flux');
    assert.equal(apiRequests(s).length, 1);
    assert.deepEqual(await c.findRunners('gpu-a100'), referenceRank(fleet(), 'gpu-a100'));
    await c.listRunners();
    await c.findRunners([]);
    assert.equal(apiRequests(s).length, 1);
  });

  test('cacheTtlMs: 0 fetches on every call', async () => {
    const c = client({ cacheTtlMs: 0 });
    await c.findRunners('flux');
    await c.findRunners('flux');
    await c.listRunners();
    assert.equal(apiRequests(s).length, 3);
  });

  test('the list is fetched again once cacheTtlMs has passed', async () => {
    const c = client({ cacheTtlMs: 100 });
    await c.findRunners('flux');
    await sleep(250);
    await c.findRunners('flux');
    assert.equal(apiRequests(s).length, 2);
  });

  test('refresh() reloads the list and later calls use the new one', async () => {
    const c = client({ cacheTtlMs: 60_000 });
    const before = await c.findRunners('gpu-b200');
    assert.deepEqual(before.map((m) => m.fit), ['wildcard']);
    const added = { id: '00000000-0000-4000-8000-000000000001', name: 'New B200', runner_type: 'pro', status: 'active',
      tags: ['gpu-b200'], created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z' };
    s.setFleet([...fleet(), added]);
    assert.deepEqual(await c.findRunners('gpu-b200'), before, 'still cached');
    assert.equal(apiRequests(s).length, 1);
    assert.equal(await c.refresh(), undefined);
    assert.equal(apiRequests(s).length, 2);
    const after = await c.findRunners('gpu-b200');
    assert.deepEqual(after.map((m) => m.name), ['New B200', 'Plus Shared Pool EU-1']);
    assert.deepEqual(after[0].fit, 'exact');
    assert.equal(apiRequests(s).length, 2);
  });

  test('a failed refresh() leaves no stale list behind: the next call reads the list again', async () => {
    const c = client({ cacheTtlMs: 60_000, maxRetries: 0 });
    const before = await c.findRunners('flux');
    s.setFaults([{ status: 500, times: 1 }]);
    await rejectsWith(() => c.refresh(), 'server', { status: 500 });
    assert.equal(apiRequests(s).length, 2);
    assert.deepEqual(await c.findRunners('flux'), before);
    assert.equal(apiRequests(s).length, 3, 'read again, not answered from the list refresh() dropped');
  });

  test('concurrent calls on one client share one fetch', async () => {
    s.setFaults([{ delayMs: 150 }]);
    const c = client();
    const results = await Promise.all([
      c.findRunners('flux'), c.findRunners('gpu-a100'), c.findRunners(['video']), c.listRunners(), c.refresh(),
      c.findRunners('flux'),
    ]);
    assert.equal(apiRequests(s).length, 1);
    assert.deepEqual(results[0], referenceRank(fleet(), 'flux'));
    assert.deepEqual(results[1], referenceRank(fleet(), 'gpu-a100'));
    assert.deepEqual(results[2], referenceRank(fleet(), 'video'));
    assert.deepEqual(results[3], referenceListing(fleet()));
    assert.deepEqual(results[5], results[0]);
  });

  test('module-level findRunners shares one fetch; configure() replaces the client and its cache', async () => {
    rm.configure({ token: TOKEN, baseUrl: s.url, sources: ['managed'] });
    s.setFaults([{ delayMs: 100 }]);
    const all = await Promise.all(['flux', 'gpu-a100', 'flux', ''].map((t) => rm.findRunners(t)));
    assert.deepEqual(all[1], referenceRank(fleet(), 'gpu-a100'));
    assert.equal(apiRequests(s).length, 1);
    await rm.findRunners('video');
    assert.equal(apiRequests(s).length, 1);
    rm.configure({ token: TOKEN, baseUrl: s.url, sources: ['managed'] });
    await rm.findRunners('video');
    assert.equal(apiRequests(s).length, 2);
  });

  test('separate clients have separate caches', async () => {
    await client().findRunners('flux');
    await client().findRunners('flux');
    assert.equal(apiRequests(s).length, 2);
  });
});

describe('errors', () => {
  test('401 → unauthorized with status and the API message, not retried', async () => {
    const c = new rm.RunnerClient({ token: WRONG_TOKEN, baseUrl: s.url, sources: ['managed'] });
    await rejectsWith(() => c.findRunners('flux'), 'unauthorized', { status: 401, message: /Invalid token/ });
    assert.equal(apiRequests(s).length, 1);
    assert.equal(apiRequests(s)[0].status, 401);
    await rejectsWith(() => c.listRunners(), 'unauthorized', { status: 401 });
    s.reset();
    const good = client();
    s.setFaults([{ status: 401, message: 'Token has expired' }]);
    await rejectsWith(() => good.findRunners('flux'), 'unauthorized', { status: 401, message: /Token has expired/ });
    assert.equal(apiRequests(s).length, 1);
    await assertStillWorks(good);
  });

  test('403 → forbidden with status, the message mentions Pro or Plus, not retried', async () => {
    s.configure({ tier: 'free' });
    const c = client();
    await rejectsWith(() => c.findRunners('flux'), 'forbidden', { status: 403, message: /Pro or Plus/ });
    assert.equal(apiRequests(s).length, 1);
    s.reset();
    s.setFaults([{ status: 403, message: 'Forbidden' }]);
    await rejectsWith(() => c.findRunners('flux'), 'forbidden', { status: 403, message: /Pro or Plus/ });
    await assertStillWorks(c);
  });

  for (const retryAfter of ['0', '1']) {
    test(`429 with Retry-After: '${retryAfter}' is retried, then succeeds`, async () => {
      s.setFaults([{ status: 429, retryAfter }]);
      const c = client();
      assert.deepEqual(await c.findRunners('flux'), referenceRank(fleet(), 'flux'));
      const log = apiRequests(s);
      assert.deepEqual(log.map((e) => e.status), [429, 200]);
      assert.deepEqual(pagesOf(log), [1, 1]);
      const gap = log[1].time - log[0].time;
      assert.ok(gap >= Number(retryAfter) * 1000 - 5, `retried after ${gap} ms, Retry-After ${retryAfter}`);
    });
  }

  test('429 every time → rate_limited after maxRetries (maxRetries + 1 requests)', async () => {
    for (const maxRetries of [0, 1, 2]) {
      s.reset();
      s.setFaults([{ status: 429, retryAfter: '0', times: 'always' }]);
      const c = client({ maxRetries });
      await rejectsWith(() => c.findRunners('flux'), 'rate_limited', { status: 429 });
      assert.equal(apiRequests(s).length, maxRetries + 1, `maxRetries ${maxRetries}`);
      assert.ok(apiRequests(s).every((e) => e.status === 429));
    }
    await assertStillWorks(client());
  });

  test('a 429 holds back every worker until Retry-After has passed', async () => {
    s.setFleet({ generate: 500, seed: 3 });
    // Pages 2 and 3 start together; page 2 gets the 429 at once, page 3 takes 300 ms, and
    // its worker must then wait for the cooldown before it asks for page 4.
    s.setFaults([{ page: 2, status: 429, retryAfter: '1' }, { page: 3, delayMs: 300 }]);
    const listed = await client({ maxConcurrency: 2 }).listRunners();
    assert.equal(listed.length, 500);
    const log = apiRequests(s);
    const limited = log.find((e) => e.status === 429);
    assert.equal(limited.page, 2);
    const later = log.filter((e) => e.page >= 4 || (e.page === 2 && e.status === 200));
    assert.equal(later.length, 3);
    for (const e of later) {
      assert.ok(e.time >= limited.time + 1000 - 5, `page ${e.page} requested ${e.time - limited.time} ms after the 429`);
    }
  });

  for (const status of [500, 502, 503]) {
    test(`${status} is retried, then succeeds`, async () => {
      s.setFaults([{ status }]);
      const c = client();
      assert.deepEqual(await c.findRunners('flux'), referenceRank(fleet(), 'flux'));
      assert.deepEqual(apiRequests(s).map((e) => e.status), [status, 200]);
    });

    test(`${status} every time → server with status after maxRetries`, async () => {
      s.setFaults([{ status, retryAfter: '0', times: 'always' }]);
      const c = client({ maxRetries: 1 });
      const err = await rejectsWith(() => c.findRunners('flux'), 'server', { status });
      assert.match(err.message, new RegExp(`^${status} `));
      assert.equal(apiRequests(s).length, 2);
      await assertStillWorks(c);
    });
  }

  test('a 5xx HTML page does not end up in the message', async () => {
    s.setFaults([{ status: 502, body: '<html><body>Bad gateway from the proxy</body></html>', contentType: 'text/html', times: 'always' }]);
    const err = await rejectsWith(() => client({ maxRetries: 0 }).findRunners('flux'), 'server', { status: 502 });
    assert.ok(!err.message.includes('<html>'), err.message);
  });

  test('any other HTTP status → http with status, not retried', async () => {
    for (const status of [400, 404, 418]) {
      s.reset();
      s.setFaults([{ status, message: `stand-in says ${status}`, times: 'always' }]);
      await rejectsWith(() => client().findRunners('flux'), 'http', { status, message: new RegExp(`stand-in says ${status}`) });
      assert.equal(apiRequests(s).length, 1, `${status}`);
    }
    await assertStillWorks(client());
  });

  test('no answer within timeoutMs → timeout; timeouts are retried', async () => {
    s.setFaults([{ hang: true, times: 'always' }]);
    const c = client({ timeoutMs: 200, maxRetries: 0 });
    const started = Date.now();
    await rejectsWith(() => c.findRunners('flux'), 'timeout', { message: /200 ms/ });
    // A lower bound only: the client waited for its deadline before giving up.
    assert.ok(Date.now() - started >= 195, `gave up after ${Date.now() - started} ms`);
    await settled(s);
    let log = apiRequests(s);
    assert.equal(log.length, 1);
    assert.equal(log[0].outcome, 'hang');
    assert.equal(log[0].status, null, 'no answer was sent: the client aborted');
    await assertStillWorks(c);

    s.reset();
    s.setFaults([{ hang: true, times: 'always' }]);
    await rejectsWith(() => client({ timeoutMs: 200, maxRetries: 1 }).findRunners('flux'), 'timeout');
    assert.equal(apiRequests(s).length, 2);

    s.reset();
    s.setFaults([{ hang: true }]);
    assert.deepEqual(await client({ timeoutMs: 200, maxRetries: 1 }).findRunners('flux'), referenceRank(fleet(), 'flux'));
    log = apiRequests(s);
    assert.deepEqual(log.map((e) => e.outcome ?? e.status), ['hang', 200]);
  });

  test('a closed port → network', async () => {
    const port = await closedPort();
    const c = new rm.RunnerClient({ token: TOKEN, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
    await rejectsWith(() => c.findRunners('flux'), 'network', { message: new RegExp(`127\\.0\\.0\\.1:${port}`) });
    await rejectsWith(() => c.listRunners(), 'network');
    await assertStillWorks(client());
  });

  test('a dropped connection is retried as a network error', async () => {
    s.setFaults([{ drop: true }]);
    assert.deepEqual(await client().findRunners('flux'), referenceRank(fleet(), 'flux'));
    assert.deepEqual(apiRequests(s).map((e) => e.outcome ?? e.status), ['drop', 200]);
    s.reset();
    s.setFaults([{ drop: true, times: 'always' }]);
    await rejectsWith(() => client({ maxRetries: 1 }).findRunners('flux'), 'network');
    assert.equal(apiRequests(s).length, 2);
  });

  test('a bad body or a wrong shape → decode, not retried', async () => {
    const faults = [
      { body: '{"runners":[{"id":' },
      { body: 'not json at all', contentType: 'text/plain' },
      { body: { items: [] } },
      { body: { runners: {}, total: 1 } },
      { body: { runners: [{ id: 1, name: 'x' }], total: 1 } },
      { body: [] },
      { truncateAt: 25 },
      { body: '<html>maintenance</html>', contentType: 'text/html' },
    ];
    const c = client();
    for (const fault of faults) {
      s.reset();
      s.setFaults([{ ...fault, times: 'always' }]);
      await rejectsWith(() => c.findRunners('flux'), 'decode', {});
      assert.equal(apiRequests(s).length, 1, JSON.stringify(fault));
    }
    await assertStillWorks(c);
  });

  test('invalid requiredTags → invalid_input before any request', async () => {
    const bad = ['a,,b', 'a,', ',', [1], { requier: 'a' }, new Set(['a']), ['ok', null], 42, true, ['a,b'], ['x\ny'], [''], [['a']]];
    rm.configure({ token: TOKEN, baseUrl: s.url, sources: ['managed'] });
    const c = client();
    for (const tags of bad) {
      await rejectsWith(() => c.findRunners(tags), 'invalid_input');
      await rejectsWith(() => rm.findRunners(tags), 'invalid_input');
      throwsWith(() => rm.matchRunners(fleet(), tags), 'invalid_input');
    }
    const err = await rejectsWith(() => c.findRunners('a,,b'), 'invalid_input', { message: /empty tag at position 2/ });
    assert.match(err.message, /"a,,b"/);
    assert.equal(s.requests().length, 0, 'no request at all');
    await assertStillWorks(c);
  });

  test('matchRunners rejects what is not a runner list with invalid_input', () => {
    for (const runners of ['x', 42, null, undefined, {}, [1], [{ id: 'x' }], [{ ...fleet()[0], created_at: 'yesterday' }]]) {
      throwsWith(() => rm.matchRunners(runners, 'a'), 'invalid_input');
    }
    assert.equal(s.requests().length, 0);
  });

  test('bad options → invalid_input thrown by the constructor and by configure()', async () => {
    const base = { token: TOKEN, baseUrl: s.url };
    const bad = [
      null, undefined, 'cfc_x', 42, true, [], [base],
      {}, { baseUrl: s.url }, { token: '' }, { token: '   ' }, { token: 42 }, { token: 'cfc a' },
      { ...base, timeoutMs: -1 }, { ...base, timeoutMs: 0 }, { ...base, timeoutMs: 1.5 }, { ...base, timeoutMs: '100' },
      { ...base, timeoutMs: NaN }, { ...base, cacheTtlMs: -1 }, { ...base, maxRetries: 11 }, { ...base, maxRetries: -1 },
      { ...base, maxConcurrency: 0 }, { ...base, maxConcurrency: 17 }, { ...base, perPage: 0 }, { ...base, perPage: 101 },
      { ...base, rateLimit: { requests: 0, windowMs: 1000 } }, { ...base, rateLimit: { requests: 41, windowMs: 1000 } },
      { ...base, rateLimit: { requests: 3, windowMs: 999 } }, { ...base, rateLimit: { requests: 3 } }, { ...base, rateLimit: 3 },
      { ...base, baseUrl: 'api.comfycontrol.app' }, { ...base, baseUrl: 'ftp://x' }, { ...base, baseUrl: 'https://user:pw@x' },
      { ...base, baseUrl: 42 },
    ];
    for (const options of bad) {
      throwsWith(() => new rm.RunnerClient(options), 'invalid_input');
      throwsWith(() => rm.configure(options), 'invalid_input');
    }
    throwsWith(() => new rm.RunnerClient(), 'invalid_input');
    const err = throwsWith(() => new rm.RunnerClient({ ...base, timeoutMs: -1 }), 'invalid_input');
    assert.match(err.message, /timeoutMs/);
    assert.equal(s.requests().length, 0);
    await assertStillWorks(client());
  });

  test('unknown option keys → invalid_input (a typo is not silently ignored)', async () => {
    const base = { token: TOKEN, baseUrl: s.url };
    for (const options of [
      { ...base, timeoutMS: 500 }, { ...base, retries: 5 }, { ...base, tokn: 'x' }, { ...base, cacheTTL: 0 },
      { ...base, rateLimit: { requests: 3, windowMs: 1000, burst: 1 } },
    ]) {
      const label = JSON.stringify(Object.keys(options).filter((k) => !(k in base)).concat(Object.keys(options.rateLimit ?? {})));
      let thrown;
      try {
        new rm.RunnerClient(options);
      } catch (e) {
        thrown = e;
      }
      assert.ok(thrown, `new RunnerClient accepted an unknown option ${label}`);
      assertRunnerMatchError(thrown, 'invalid_input');
      throwsWith(() => rm.configure(options), 'invalid_input');
    }
    await assertStillWorks(client());
  });

  test('plain http to a host that is not loopback → insecure_url; loopback and https are fine', () => {
    for (const baseUrl of ['http://example.com', 'http://api.comfycontrol.app', 'http://10.0.0.5:8080', 'http://127.0.0.1.nip.io',
      'HTTP://example.com/']) {
      throwsWith(() => new rm.RunnerClient({ token: TOKEN, baseUrl }), 'insecure_url', { message: /https/ });
      throwsWith(() => rm.configure({ token: TOKEN, baseUrl }), 'insecure_url');
    }
    const ok = [
      ['https://example.com/api/', 'https://example.com/api'], ['http://127.0.0.1:1/', 'http://127.0.0.1:1'],
      ['http://localhost:3000', 'http://localhost:3000'], ['http://[::1]:8080', 'http://[::1]:8080'],
    ];
    for (const [baseUrl, want] of ok) assert.equal(new rm.RunnerClient({ token: TOKEN, baseUrl }).baseUrl, want);
    assert.equal(new rm.RunnerClient({ token: TOKEN }).baseUrl, 'https://api.comfycontrol.app');
    assert.equal(s.requests().length, 0);
  });

  test('after each kind of error the module-level client keeps working', async () => {
    rm.configure({ token: TOKEN, baseUrl: s.url, cacheTtlMs: 0, maxRetries: 0, timeoutMs: 300, sources: ['managed'] });
    const cases = [
      [{ status: 401 }, 'unauthorized'], [{ status: 403 }, 'forbidden'], [{ status: 429, retryAfter: '0' }, 'rate_limited'],
      [{ status: 500 }, 'server'], [{ status: 404 }, 'http'], [{ hang: true }, 'timeout'], [{ drop: true }, 'network'],
      [{ body: '{' }, 'decode'],
    ];
    for (const [fault, code] of cases) {
      s.reset();
      s.setFaults([fault]);
      await rejectsWith(() => rm.findRunners('flux'), code, { status: fault.status });
      assert.deepEqual(await rm.findRunners('flux'), referenceRank(fleet(), 'flux'), `after ${code}`);
    }
  });
});

describe('token', () => {
  test('the token travels only in the Authorization header (wire check)', async () => {
    const seen = [];
    const wire = http.createServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"runners":[],"total":0}');
    });
    await new Promise((resolve) => wire.listen(0, '127.0.0.1', resolve));
    try {
      const c = new rm.RunnerClient({ token: TOKEN, baseUrl: `http://127.0.0.1:${wire.address().port}/proxy/`, sources: ['managed'] });
      assert.deepEqual(await c.findRunners('flux'), []);
      assert.equal(seen.length, 1);
      const [{ url, headers }] = seen;
      assert.equal(url, '/proxy/v1/managed-runner?page=1&per_page=100');
      assert.equal(headers.authorization, `Bearer ${TOKEN}`);
      assert.match(headers.accept, /application\/json/);
      assert.equal(headers.cookie, undefined);
      for (const [name, value] of Object.entries(headers)) {
        if (name !== 'authorization') assert.ok(!String(value).includes(TOKEN), `token in header ${name}`);
      }
    } finally {
      wire.closeAllConnections();
      await new Promise((resolve) => wire.close(resolve));
    }
  });

  test("the stand-in's log: Authorization present on every request, the token never in the URL", async () => {
    s.setFleet({ generate: 250, seed: 1 });
    s.setFaults([{ status: 503, retryAfter: '0' }]);
    await client({ perPage: 50 }).listRunners();
    const log = apiRequests(s);
    assert.equal(log.length, 6);
    for (const e of log) {
      assert.equal(e.authorization, 'present');
      assert.equal(e.path, '/v1/managed-runner');
      assert.deepEqual(Object.keys(e.query).sort(), ['page', 'per_page']);
      // The log redacts tokens it sees; a redaction marker would mean one was there.
      assert.ok(!JSON.stringify(e).includes('redacted'), JSON.stringify(e));
      assert.ok(!JSON.stringify(e).includes(TOKEN));
    }
  });

  test('a token inside a mistyped option value is redacted from the error', () => {
    for (const options of [{ token: TOKEN, timeoutMs: TOKEN }, { token: TOKEN, rateLimit: TOKEN }, { token: TOKEN, baseUrl: [TOKEN] }]) {
      const err = throwsWith(() => new rm.RunnerClient(options), 'invalid_input');
      assertNoSecret(err);
    }
  });

  // Defence in depth: the package knows the token, so no message it builds may contain it,
  // whatever the server sends back or wherever the caller put the token by mistake.
  test('token not leaked: a server that echoes the token in its error message', async () => {
    s.setFaults([{ status: 401, message: `Invalid token ${TOKEN}` }]);
    const err = await client().findRunners('flux').catch((e) => e);
    assert.equal(err.code, 'unauthorized');
    assertNoSecret(err);
  });

  test('token not leaked: a malformed body that quotes the token', async () => {
    s.setFaults([{ body: { runners: `Bearer ${TOKEN}`, total: 1 } }]);
    const err = await client().findRunners('flux').catch((e) => e);
    assert.equal(err.code, 'decode');
    assertNoSecret(err);
  });

  test('token not leaked: the token pasted into baseUrl by mistake', () => {
    for (const baseUrl of [`https://api.comfycontrol.app/?token=${TOKEN}`, `https://${TOKEN}@api.comfycontrol.app`]) {
      let err;
      try {
        new rm.RunnerClient({ token: TOKEN, baseUrl });
      } catch (e) {
        err = e;
      }
      assert.equal(err?.code, 'invalid_input', baseUrl);
      assertNoSecret(err);
    }
  });

  test('token not leaked: the token passed with the wrong type', () => {
    for (const token of [[TOKEN], { value: TOKEN }]) {
      let err;
      try {
        new rm.RunnerClient({ token });
      } catch (e) {
        err = e;
      }
      assert.equal(err?.code, 'invalid_input');
      assertNoSecret(err);
    }
  });
});

describe('rate budget', () => {
  test('rateLimit {requests: 3, windowMs: 1000}: never more than 3 requests in any 1000 ms', async () => {
    s.setFleet({ generate: 55, seed: 11 });
    const listed = await client({ perPage: 10, rateLimit: { requests: 3, windowMs: 1000 } }).listRunners();
    assert.equal(listed.length, 55);
    const log = apiRequests(s);
    assert.equal(log.length, 6);
    assert.deepEqual(pagesOf(log).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6]);
    const peak = peakRequestsPerWindow(log, 1000);
    assert.ok(peak <= 3, `${peak} requests arrived within 1000 ms: ${log.map((e) => e.time - log[0].time).join(', ')} ms`);
    assert.equal(peak, 3, 'the budget was used, not just undercut');
  });

  // The server counts requests when they *arrive*. A budget that only spaces out the moments
  // requests are *sent* breaks as soon as one request takes longer to arrive than a later one
  // (a new connection, a TLS handshake, a slow network path): here the first connection is
  // held 300 ms by a proxy, so requests 1 and 4 arrive 700 ms apart although they were sent
  // 1000 ms apart. A budget that keeps each request's slot until its answer is in (arrival
  // is never later than the answer) stays under the server's limit.
  test('the rate budget holds at the server even when the first request is slow to arrive', async () => {
    s.setFleet({ generate: 55, seed: 11 });
    const proxy = await slowFirstConnectionProxy(s.port, 300);
    try {
      const c = new rm.RunnerClient({ token: TOKEN, baseUrl: proxy.url, perPage: 10, rateLimit: { requests: 3, windowMs: 1000 }, sources: ['managed'] });
      assert.equal((await c.listRunners()).length, 55);
    } finally {
      await proxy.close();
    }
    const log = apiRequests(s);
    assert.equal(log.length, 6);
    const peak = peakRequestsPerWindow(log, 1000);
    assert.ok(peak <= 3, `${peak} requests arrived within 1000 ms: ${log.map((e) => e.time - log[0].time).join(', ')} ms`);
  });

  test('retries count against the budget', async () => {
    s.setFaults([{ status: 503, retryAfter: '0', times: 2 }]);
    const c = client({ rateLimit: { requests: 2, windowMs: 1000 } });
    assert.deepEqual(await c.findRunners('flux'), referenceRank(fleet(), 'flux'));
    const log = apiRequests(s);
    assert.deepEqual(log.map((e) => e.status), [503, 503, 200]);
    assert.equal(peakRequestsPerWindow(log, 1000), 2);
    assert.ok(log[2].time - log[0].time >= 1000 - 5);
  });
});
