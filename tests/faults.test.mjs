// Fault table: the built package (../pkg) in Node against the stand-in, one row per way
// the API (or whatever sits between it and the client) can misbehave. Each row asserts
//   - the outcome: the exact list (or ranking) it must return, or the typed error
//     (`code`, `status`) it must reject with — never a partial list returned as complete;
//   - the request log: exactly how many requests, which pages, which answers;
//   - the time: a generous per-test timeout, plus an upper bound where waiting would be
//     a bug (no 10 s cooldown wait when no retry is left);
//   - and, after an error, that the same client works again once the server is healthy.
// client.test.mjs covers the basic single-page cases of each error code; this table
// extends them to multi-page reads, retry hints, odd bodies and pager edge cases.
// Run: cd tests && node --test --test-concurrency=1 faults.test.mjs

import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { withPackageAndApi } from './support/suite.mjs';
import { referenceListing, referenceRank } from './support/reference.mjs';
import { TOKEN, apiRequests, settled, startApi } from './support/standin.mjs';
import { assertRunnerMatchError } from './support/errors.mjs';

/** The package's API. */
let rm;
/** The stand-in API (accepts TOKEN). */
let s;

withPackageAndApi((started) => ({ rm, s } = started));

// Faults are injected into the managed listing, request by request; the pool of both
// sources has its own tests (pool.test.mjs).
const client = (options = {}) => new rm.RunnerClient({ token: TOKEN, baseUrl: s.url, sources: ['managed'], ...options });
const fleet = () => s.fleet().managed;
const page = (runners, total) => ({ runners, total });
/** The bytes of page `n` as the stand-in serializes it (for `truncateAt`). */
const pageBytes = (list, n, perPage, total = list.length) =>
  Buffer.byteLength(JSON.stringify(page(list.slice((n - 1) * perPage, n * perPage), total)));
/** A copy of `runner` with some fields replaced. */
const edit = (runner, fields) => ({ ...runner, ...fields });
/** A copy of `runner` without `key`. */
const without = (runner, key) => {
  const copy = { ...runner };
  delete copy[key];
  return copy;
};
const sortedPages = (log) => log.map((e) => e.page).sort((a, b) => a - b);
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const GENERATED = { generate: 250, seed: 7 };

/**
 * Runs one row:
 *   fleet     fleet spec for the stand-in (default: the 36-runner default fleet)
 *   faults    (list) => fault list, given the fleet as the stand-in lists it
 *   options   RunnerClient options
 *   run       (client) => Promise (default: listRunners)
 *   want      (list) => the exact value it must resolve to (default: the whole listing)
 *   error     { code, status?, message? }: it must reject with this instead
 *   requests  the exact number of API requests
 *   pages     the sorted page numbers requested (default: not checked)
 *   answers   the log's status (or hang/drop outcome) per request, in arrival order
 *   maxMs     an upper bound on how long the call may take
 *   check     (log, list, result) => extra assertions
 */
async function runRow(row) {
  if (row.fleet) s.setFleet(row.fleet);
  const list = fleet();
  if (row.faults) s.setFaults(row.faults(list));
  const options = { ...row.options };
  const c = client(options);
  const started = Date.now();
  const outcome = await (row.run ?? ((x) => x.listRunners()))(c).then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  const elapsed = Date.now() - started;
  await settled(s);
  const log = apiRequests(s);
  const trace = `log: ${JSON.stringify(log.map((e) => [e.page, e.outcome ?? e.status]))}`;

  if (row.error) {
    assert.ok(outcome.error, `expected ${row.error.code}, got a value of ${outcome.value?.length} items; ${trace}`);
    assertRunnerMatchError(outcome.error, row.error.code, { status: row.error.status, message: row.error.message });
  } else {
    assert.ok(!outcome.error, `unexpected ${outcome.error?.code}: ${outcome.error?.message}; ${trace}`);
    const want = (row.want ?? referenceListing)(list);
    assert.equal(outcome.value.length, want.length, `${outcome.value.length} runners instead of ${want.length}; ${trace}`);
    assert.deepEqual(outcome.value, want);
  }
  if (Array.isArray(row.requests)) assert.ok(row.requests.includes(log.length), `request count ${log.length}; ${trace}`);
  else assert.equal(log.length, row.requests, `request count; ${trace}`);
  if (row.pages) assert.deepEqual(sortedPages(log), row.pages, trace);
  if (row.answers) assert.deepEqual(log.map((e) => e.outcome ?? e.status), row.answers, trace);
  for (const e of log) {
    assert.equal(e.path, '/v1/managed-runner');
    assert.equal(e.authorization, 'present');
    assert.equal(e.perPage, options.perPage ?? 100);
  }
  if (row.maxMs !== undefined) assert.ok(elapsed <= row.maxMs, `took ${elapsed} ms, at most ${row.maxMs} expected`);
  await row.check?.(log, list, outcome.value ?? outcome.error);

  if (row.error) {
    // The same client, with the server healthy again: the full list, one fresh read.
    s.reset();
    assert.deepEqual(await c.listRunners(), referenceListing(fleet()));
    assert.equal(apiRequests(s).length, 1);
  }
}

function table(rows) {
  for (const row of rows) {
    test(row.name, { timeout: row.timeoutMs ?? 20_000 }, () => runRow(row));
  }
}

describe('auth and tier: typed, never retried, never a partial list', () => {
  table([
    {
      name: '401 on page 1 → unauthorized, 1 request',
      faults: () => [{ status: 401, times: 'always' }],
      error: { code: 'unauthorized', status: 401, message: /Invalid token/ },
      requests: 1,
      answers: [401],
    },
    {
      // The token was revoked mid-read: page 2 fails, page 3 (already in flight) is fine.
      name: '401 on page 2 of 3 → unauthorized, not the 150 runners of pages 1 and 3',
      fleet: GENERATED,
      faults: () => [{ page: 2, status: 401, message: 'Token has been revoked', times: 'always' }],
      error: { code: 'unauthorized', status: 401, message: /revoked/ },
      requests: 3,
      pages: [1, 2, 3],
    },
    {
      name: '403 on page 1 → forbidden, 1 request',
      faults: () => [{ status: 403, times: 'always' }],
      error: { code: 'forbidden', status: 403, message: /Pro or Plus/ },
      requests: 1,
      answers: [403],
    },
    {
      name: '403 on page 3 of 3 → forbidden, no partial list',
      fleet: GENERATED,
      faults: () => [{ page: 3, status: 403, times: 'always' }],
      error: { code: 'forbidden', status: 403 },
      requests: 3,
      pages: [1, 2, 3],
    },
  ]);
});

describe('redirects: never followed, so Authorization never goes elsewhere', () => {
  /** A second stand-in on another port (another origin) that would accept the token. */
  let elsewhere;
  before(async () => {
    elsewhere = await startApi();
  });
  after(() => elsewhere?.close());
  beforeEach(() => elsewhere.reset());

  for (const status of [301, 302, 303, 307, 308]) {
    table([{
      name: `${status} to another origin → http error, not retried, no request reaches the target`,
      faults: () => [{ location: `${elsewhere.url}/v1/managed-runner?page=1&per_page=100`, status }],
      error: { code: 'http', status, message: new RegExp(`^the API answered HTTP ${status} \\(a redirect\\); redirects are not followed`) },
      requests: 1,
      check: () => assert.deepEqual(elsewhere.requests(), [], 'the redirect target saw nothing'),
    }]);
  }
  table([{
    name: 'a redirect on page 2 of a multi-page read fails the read (never a partial list)',
    fleet: GENERATED,
    options: { perPage: 100 },
    faults: () => [{ page: 2, location: `${elsewhere.url}/v1/managed-runner?page=2&per_page=100` }],
    error: { code: 'http', status: 302 },
    requests: [2, 3],
    check: () => assert.deepEqual(elsewhere.requests(), []),
  }]);
});

describe('429: Retry-After honoured, retries bounded', () => {
  table([
    {
      name: "429 Retry-After '0' once → retried at once, then the full list",
      faults: () => [{ status: 429, retryAfter: '0' }],
      requests: 2,
      answers: [429, 200],
      maxMs: 2_000,
    },
    {
      name: "429 Retry-After '1' once → waits ≥ 1 s, then the full list",
      faults: () => [{ status: 429, retryAfter: '1' }],
      requests: 2,
      answers: [429, 200],
      check: (log) => assert.ok(log[1].time - log[0].time >= 1000 - 5, `retried after ${log[1].time - log[0].time} ms`),
    },
    {
      name: '429 Retry-After as an HTTP date in the past → retried at once',
      faults: () => [{ status: 429, retryAfter: new Date(Date.now() - 60_000).toUTCString() }],
      requests: 2,
      answers: [429, 200],
      maxMs: 2_000,
    },
    {
      name: "429 Retry-After '1' every time, maxRetries 2 → rate_limited after 3 requests ≥ 1 s apart",
      faults: () => [{ status: 429, retryAfter: '1', times: 'always' }],
      options: { maxRetries: 2 },
      error: { code: 'rate_limited', status: 429, message: /gave up after 2 retries/ },
      requests: 3,
      answers: [429, 429, 429],
      check: (log) => {
        for (let i = 1; i < log.length; i++) assert.ok(log[i].time - log[i - 1].time >= 1000 - 5);
      },
    },
    {
      // Without Retry-After the documented cooldown is 10 s; with no retry left the
      // client must not sit out the cooldown before reporting.
      name: '429 without Retry-After, maxRetries 0 → rate_limited at once (no 10 s cooldown wait)',
      faults: () => [{ status: 429, times: 'always' }],
      options: { maxRetries: 0 },
      error: { code: 'rate_limited', status: 429, message: /40 requests per 10 s/ },
      requests: 1,
      answers: [429],
      maxMs: 1_500,
    },
    {
      name: "429 Retry-After '86400', maxRetries 0 → rate_limited at once (no wait)",
      faults: () => [{ status: 429, retryAfter: '86400', times: 'always' }],
      options: { maxRetries: 0 },
      error: { code: 'rate_limited', status: 429 },
      requests: 1,
      maxMs: 1_500,
    },
    {
      name: "429 Retry-After '0' on page 2 every time, maxRetries 1 → rate_limited, no partial list",
      fleet: GENERATED,
      faults: () => [{ page: 2, status: 429, retryAfter: '0', times: 'always' }],
      options: { maxRetries: 1 },
      error: { code: 'rate_limited', status: 429 },
      requests: 4,
      pages: [1, 2, 2, 3],
    },
  ]);
});

describe('5xx: retried with backoff or Retry-After, then typed', () => {
  const rows = [];
  for (const status of [500, 502, 503]) {
    rows.push(
      {
        name: `${status} once on page 2 of 3 (no Retry-After: backoff ≥ 250 ms) → the full list`,
        fleet: GENERATED,
        faults: () => [{ page: 2, status }],
        requests: 4,
        pages: [1, 2, 2, 3],
        check: (log) => {
          const [failed, retried] = log.filter((e) => e.page === 2);
          assert.equal(failed.status, status);
          assert.equal(retried.status, 200);
          assert.ok(retried.time - failed.time >= 250 - 5, `backoff of ${retried.time - failed.time} ms`);
        },
      },
      {
        name: `${status} every time, Retry-After '0', maxRetries 2 → server ${status} after 3 requests`,
        faults: () => [{ status, retryAfter: '0', times: 'always' }],
        options: { maxRetries: 2 },
        error: { code: 'server', status, message: new RegExp(`^${status} server error.*gave up after 2 retries`) },
        requests: 3,
        answers: [status, status, status],
        maxMs: 2_000,
      },
    );
  }
  rows.push(
    {
      name: "503 with an HTML body and Retry-After '0' once → retried, then the full list",
      faults: () => [{ status: 503, retryAfter: '0', body: '<html><h1>Service Unavailable</h1></html>', contentType: 'text/html' }],
      requests: 2,
      answers: [503, 200],
    },
    {
      name: "503 Retry-After 'soon' (unparseable) once → backoff instead, then the full list",
      faults: () => [{ status: 503, retryAfter: 'soon' }],
      requests: 2,
      answers: [503, 200],
      check: (log) => assert.ok(log[1].time - log[0].time >= 250 - 5),
    },
    {
      name: "500 on page 3 every time, Retry-After '0', maxRetries 1 → server, no partial list",
      fleet: GENERATED,
      faults: () => [{ page: 3, status: 500, retryAfter: '0', times: 'always' }],
      options: { maxRetries: 1 },
      error: { code: 'server', status: 500 },
      requests: 4,
      pages: [1, 2, 3, 3],
    },
  );
  table(rows);
});

describe('transport: hung and dropped connections', () => {
  table([
    {
      name: 'hung connection, timeoutMs 300, maxRetries 0 → timeout after 1 request',
      faults: () => [{ hang: true, times: 'always' }],
      options: { timeoutMs: 300, maxRetries: 0 },
      error: { code: 'timeout', message: /300 ms/ },
      requests: 1,
      answers: ['hang'],
      maxMs: 3_000,
      check: (log) => assert.equal(log[0].status, null, 'the client aborted; no answer was sent'),
    },
    {
      name: 'hung page 2 every time, timeoutMs 300, maxRetries 1 → timeout, no partial list',
      fleet: GENERATED,
      faults: () => [{ page: 2, hang: true, times: 'always' }],
      options: { timeoutMs: 300, maxRetries: 1 },
      error: { code: 'timeout' },
      requests: 4,
      pages: [1, 2, 2, 3],
      maxMs: 5_000,
    },
    {
      name: 'hung page 3 once, timeoutMs 300 → retried, the full list',
      fleet: GENERATED,
      faults: () => [{ page: 3, hang: true }],
      options: { timeoutMs: 300 },
      requests: 4,
      pages: [1, 2, 3, 3],
      maxMs: 5_000,
    },
    {
      name: 'a slow answer (delayMs 400) within timeoutMs 2000 → the full list, no retry',
      faults: () => [{ delayMs: 400 }],
      options: { timeoutMs: 2_000 },
      requests: 1,
      answers: [200],
    },
    {
      name: 'body slower than timeoutMs (delayMs 1000, timeoutMs 300, maxRetries 0) → timeout',
      faults: () => [{ delayMs: 1_000, times: 'always' }],
      options: { timeoutMs: 300, maxRetries: 0 },
      error: { code: 'timeout' },
      requests: 1,
      maxMs: 3_000,
    },
    {
      name: 'dropped connection on page 2 every time, maxRetries 1 → network, no partial list',
      fleet: GENERATED,
      faults: () => [{ page: 2, drop: true, times: 'always' }],
      options: { maxRetries: 1 },
      error: { code: 'network' },
      requests: 4,
      pages: [1, 2, 2, 3],
    },
  ]);
});

describe('bodies: cut, mislabelled, wrong shape → decode, never retried', () => {
  table([
    {
      name: 'page 1 body cut in half (truncateAt) → decode, 1 request',
      faults: (list) => [{ truncateAt: Math.floor(pageBytes(list, 1, 100) / 2), times: 'always' }],
      error: { code: 'decode', message: /page 1 is not a runner list.*EOF/ },
      requests: 1,
      answers: [200],
    },
    {
      name: 'page 2 of 3 cut in half → decode, no partial list',
      fleet: GENERATED,
      faults: (list) => [{ page: 2, truncateAt: Math.floor(pageBytes(list, 2, 100) / 2), times: 'always' }],
      error: { code: 'decode', message: /page 2/ },
      requests: 3,
      pages: [1, 2, 3],
    },
    {
      name: 'body cut to 0 bytes → decode',
      faults: () => [{ truncateAt: 0, times: 'always' }],
      error: { code: 'decode' },
      requests: 1,
    },
    {
      name: '200 text/html with an HTML page (a captive portal, a proxy) → decode, the content type is named',
      faults: () => [{ body: '<!doctype html><html><body>Please log in</body></html>', contentType: 'text/html; charset=utf-8', times: 'always' }],
      error: { code: 'decode', message: /text\/html/ },
      requests: 1,
      check: (log, list, err) => assert.ok(!err.message.includes('Please log in'), err.message),
    },
    {
      // Current behaviour, asserted on purpose: the body is decoded whatever the
      // Content-Type says. A strict client could reject it, but a valid runner list is
      // unambiguous, and proxies that relabel JSON as text/plain exist.
      name: '200 text/plain with a valid JSON body → accepted: the full list (Content-Type is not checked)',
      faults: () => [{ contentType: 'text/plain', times: 'always' }],
      requests: 1,
      answers: [200],
    },
    {
      name: '200 with the JSON body "null" → decode',
      faults: () => [{ body: 'null', times: 'always' }],
      error: { code: 'decode' },
      requests: 1,
    },
    ...[
      ['total as a string', '{"runners":[],"total":"36"}', /invalid type: string "36", expected u64/],
      ['negative total', '{"runners":[],"total":-1}', /invalid value: integer `-1`, expected u64/],
      ['fractional total', '{"runners":[],"total":1.5}', /invalid type: floating point `1.5`, expected u64/],
      ['total beyond u64', '{"runners":[],"total":18446744073709551616}', /expected u64/],
      ['total null', '{"runners":[],"total":null}', /invalid type: null, expected u64/],
      ['runners null', '{"runners":null,"total":0}', /invalid type: null, expected a sequence/],
      ['runners an object', '{"runners":{"0":{}},"total":1}', /expected a sequence/],
      // A runner's own values are never quoted (they may be credentials): only their kind.
      ['a runner that is a string', '{"runners":["cfc_r1"],"total":1}', /invalid type: string, expected a runner object/],
      ['a bare array', '[]', /invalid (length 0|type: sequence)/],
      ['total in exponent form (1e3)', '{"runners":[],"total":1e3}', /invalid type: floating point `1000.0`, expected u64/],
      ['5000-deep nested arrays as runners', `{"runners":${'['.repeat(5_000)}${']'.repeat(5_000)},"total":1}`, /invalid type: sequence/],
    ].map(([what, body, message]) => ({
      name: `valid JSON of the wrong shape (${what}) → decode, 1 request`,
      faults: () => [{ body, times: 'always' }],
      error: { code: 'decode', message },
      requests: 1,
    })),
    ...[
      ['tags', /missing field `tags`/],
      ['created_at', /missing field `created_at`/],
      ['status', /missing field `status`/],
      ['id', /missing field `id`/],
    ].map(([key, message]) => ({
      name: `a runner missing \`${key}\` → decode, 1 request`,
      faults: (list) => [{ body: page([list[0], without(list[1], key), ...list.slice(2)], list.length), times: 'always' }],
      error: { code: 'decode', message },
      requests: 1,
    })),
    {
      name: 'a million-deep nested array in an unknown field → ignored (no stack overflow): the list',
      faults: (list) => [{ body: `{"runners":${JSON.stringify(list)},"total":${list.length},"junk":${'['.repeat(1e6)}${']'.repeat(1e6)}}`, times: 'always' }],
      requests: 1,
    },
    {
      name: 'a page missing `total` → decode',
      faults: (list) => [{ body: { runners: list }, times: 'always' }],
      error: { code: 'decode', message: /missing field `total`/ },
      requests: 1,
    },
    {
      name: 'a runner with an invalid created_at (Feb 29 of 2023) → decode',
      faults: (list) => [{ body: page([edit(list[0], { created_at: '2023-02-29T10:00:00Z' }), ...list.slice(1)], list.length), times: 'always' }],
      error: { code: 'decode', message: /invalid value for `created_at`: expected RFC 3339/ },
      check: (log, list, err) => assert.ok(!err.message.includes('2023-02-29'), err.message),
      requests: 1,
    },
    {
      name: 'a runner with tags: [null] → decode',
      faults: (list) => [{ body: page([edit(list[0], { tags: [null] }), ...list.slice(1)], list.length), times: 'always' }],
      error: { code: 'decode', message: /invalid type for `tags`: null, expected a string/ },
      requests: 1,
    },
    {
      name: 'a self-hosted runner with headers as a string → decode naming the field, never the value',
      faults: (list) => [{ body: page([edit(list[0], { endpoint: 'https://x', headers: 'Bearer sk-hdr-secret' }), ...list.slice(1)], list.length), times: 'always' }],
      error: { code: 'decode', message: /invalid type for `headers`: string, expected a map/ },
      requests: 1,
      check: (log, list, err) => assert.ok(!err.message.includes('sk-hdr-secret'), err.message),
    },
  ]);
});

describe('tolerated oddities: unknown enum values and unknown fields', () => {
  const odd = (list) => list.map((r, i) => {
    if (i === 3) return edit(r, { status: 'inactive' });
    if (i === 4) return edit(r, { runner_type: 'enterprise' });
    if (i === 5) return edit(r, { status: 'Active' });
    return r;
  });
  const oddFleet = () => odd(s.fleet().managed);
  table([
    {
      name: "status 'inactive' and runner_type 'enterprise' → accepted and listed verbatim",
      faults: (list) => [{ body: page(odd(list), list.length), times: 'always' }],
      want: odd,
      requests: 1,
      check: (log, list) => {
        const listed = odd(list);
        assert.equal(listed.filter((r) => r.status === 'inactive').length, 1);
        assert.equal(listed.filter((r) => r.runner_type === 'enterprise').length, 1);
      },
    },
    {
      name: "findRunners: 'inactive' and 'Active' never match; an active 'enterprise' runner does, typed verbatim",
      faults: (list) => [{ body: page(odd(list), list.length), times: 'always' }],
      run: async (c) => {
        const list = oddFleet();
        const [inactive, enterprise, capitalised] = [list[3], list[4], list[5]];
        const results = [];
        for (const tags of ['', ...new Set([...inactive.tags, ...enterprise.tags, ...capitalised.tags])]) {
          const ranked = await c.findRunners(tags);
          assert.deepEqual(ranked, referenceRank(list, tags), tags);
          assert.ok(!ranked.some((m) => m.id === inactive.id || m.id === capitalised.id), tags);
          results.push(...ranked);
        }
        const typed = results.find((m) => m.id === enterprise.id);
        assert.equal(enterprise.status, 'active');
        assert.equal(typed?.runnerType, 'enterprise');
        return 'checked';
      },
      want: () => 'checked',
      requests: 1,
    },
    {
      name: 'unknown fields on the page and on runners → ignored; listRunners returns the documented keys',
      faults: (list) => [{
        body: { runners: list.map((r) => ({ ...r, gpu_count: 8, labels: { a: 1 } })), total: list.length, next_cursor: 'x', has_more: false },
        times: 'always',
      }],
      requests: 1,
    },
  ]);
});

describe('pager: totals that lie, repeats, short and empty pages', () => {
  table([
    {
      name: 'total grows between pages (250 → 300) → the 250 runners served, 3 requests',
      fleet: GENERATED,
      faults: () => [{ page: 2, fleetTotal: 300 }, { page: 3, fleetTotal: 300 }],
      requests: 3,
      pages: [1, 2, 3],
    },
    {
      // Page 1's stale total plans 2 pages; page 2's larger total plans page 3.
      name: 'page 1 total too low (150 of 250) → page 2 corrects it, the full 250, 3 requests',
      fleet: GENERATED,
      faults: () => [{ page: 1, fleetTotal: 150 }],
      requests: 3,
      pages: [1, 2, 3],
      options: { maxConcurrency: 8 },
    },
    {
      name: 'total shrinks to 0 on later pages while runners are still served → all 250, 3 requests',
      fleet: GENERATED,
      faults: () => [{ page: 2, fleetTotal: 0 }, { page: 3, fleetTotal: 0 }],
      requests: 3,
      pages: [1, 2, 3],
    },
    {
      name: 'total 1 000 000 on a 250-runner fleet, maxConcurrency 1 → exactly ceil(250/100) = 3 requests',
      fleet: GENERATED,
      faults: () => [{ fleetTotal: 1_000_000, times: 'always' }],
      options: { maxConcurrency: 1 },
      requests: 3,
      pages: [1, 2, 3],
    },
    {
      name: 'total 1 000 000 on a 200-runner fleet (a multiple of the page size), maxConcurrency 1 → 3 requests, the last empty',
      fleet: { generate: 200, seed: 5 },
      faults: () => [{ fleetTotal: 1_000_000, times: 'always' }],
      options: { maxConcurrency: 1 },
      requests: 3,
      pages: [1, 2, 3],
    },
    {
      // Page 2 is held back so that the short page 3 is in before any worker asks for
      // page 10: the cost of the lie is exactly one batch of maxConcurrency pages.
      name: 'total 2^53-1 on a 250-runner fleet, default concurrency → 1 + maxConcurrency (8) = 9 requests',
      fleet: GENERATED,
      faults: () => [
        { page: 2, delayMs: 300, fleetTotal: Number.MAX_SAFE_INTEGER },
        { fleetTotal: Number.MAX_SAFE_INTEGER, times: 'always' },
      ],
      requests: 9,
      pages: range(1, 9),
      check: (log) => {
        for (const e of log.filter((x) => x.page >= 4)) assert.equal(e.status, 200);
      },
    },
    {
      name: 'total 2^53-1, maxConcurrency 3 → 1 + 3 = 4 requests',
      fleet: GENERATED,
      faults: () => [
        { page: 2, delayMs: 300, fleetTotal: Number.MAX_SAFE_INTEGER },
        { fleetTotal: Number.MAX_SAFE_INTEGER, times: 'always' },
      ],
      options: { maxConcurrency: 3 },
      requests: 4,
      pages: range(1, 4),
    },
    {
      // A runner created after page 1 was served pushes every runner down by one: the
      // last of page 1 shows up again on page 2, and page 3 holds 51.
      name: 'runners repeated across pages (a listing shifted mid-read) → de-duplicated, the 250 exactly',
      fleet: GENERATED,
      faults: (list) => [
        { page: 2, body: page(list.slice(99, 199), 251) },
        { page: 3, body: page(list.slice(199), 251) },
      ],
      requests: 3,
      pages: [1, 2, 3],
      check: (log, list, listed) => assert.equal(new Set(listed.map((r) => r.id)).size, 250),
    },
    {
      name: 'the same runner twice on one page → listed once',
      faults: (list) => [{ body: page([...list, list[0]], list.length), times: 'always' }],
      requests: 1,
    },
    {
      name: 'a runner repeated on page 2 with a newer updated_at → the newer copy is kept',
      fleet: GENERATED,
      faults: (list) => [{ page: 2, body: page([edit(list[99], { name: 'renamed', updated_at: '2030-01-01T00:00:00Z' }), ...list.slice(100, 199)], 250) },
        { page: 3, body: page(list.slice(199), 250) }],
      want: (list) => list.map((r, i) => (i === 99 ? edit(r, { name: 'renamed', updated_at: '2030-01-01T00:00:00Z' }) : r)),
      requests: 3,
      pages: [1, 2, 3],
      check: (log, list, listed) => assert.equal(listed.find((r) => r.id === list[99].id).name, 'renamed'),
    },
    {
      // The documented stopping rule, read strictly in order: an empty page ends the
      // listing whatever total says (the total may count runners the listing hides).
      name: 'an empty page 2 before total (250) is reached, maxConcurrency 1 → the 100 so far, page 3 never asked',
      fleet: GENERATED,
      faults: () => [{ page: 2, body: page([], 250) }],
      options: { maxConcurrency: 1 },
      want: (list) => list.slice(0, 100),
      requests: 2,
      pages: [1, 2],
    },
    {
      // total counts runners the listing hides (listDisabled: false with a stale count):
      // page 1 is short, the listing is whatever it lists. 1 request today; 2 once a
      // short page 1 with a larger total is taken as the server's page size (the fix
      // proposed for the bug below): one extra, empty page, as paging.rs documents.
      name: 'a short page 1 of 34 with total 36 (hidden runners counted), then empty pages → the 34 listed, ≤ 2 requests',
      faults: (list) => [
        { page: 1, body: page(list.filter((r) => r.status === 'active'), list.length), times: 'always' },
        { body: page([], list.length), times: 'always' },
      ],
      want: (list) => list.filter((r) => r.status === 'active'),
      requests: [1, 2],
    },
    {
      // A later page longer than the page size: the pages no longer tile the listing.
      name: 'a server that changes its page size mid-read (page 2 of 150 with per_page 100) → decode, no partial list',
      fleet: { generate: 500, seed: 3 },
      faults: () => [{ page: 2, ignorePerPage: 150 }],
      error: { code: 'decode', message: /page 2 does not fit: page 2 holds 150 runners but pages hold at most 100/ },
      requests: 5,
      pages: [1, 2, 3, 4, 5],
    },
    {
      name: 'a server ignoring per_page with larger pages (150 for 100) → followed by its size: the 250 in 2 requests',
      fleet: GENERATED,
      faults: () => [{ ignorePerPage: 150, times: 'always' }],
      requests: 2,
      pages: [1, 2],
    },
  ]);
});

// BUG (see the final report): a server that pages by a *smaller* size than asked (it
// ignores per_page, or clamps it to its own maximum) makes page 1 look short, and a
// short page ends the read: the client returns page 1 alone as if it were the whole
// fleet, although page 1's own `total` says otherwise. Either outcome below is
// acceptable; returning 10 (or 50) of 250 runners as complete is not.
describe('pager: a server paging by a smaller size than asked (never a partial list)', () => {
  const rows = [
    ['ignorePerPage 10, perPage 100, 250 runners', GENERATED, 10, 100, 250],
    ['per_page clamped to 50, perPage 100, 250 runners', GENERATED, 50, 100, 250],
    ['ignorePerPage true (10) on the default 36-runner fleet, default perPage', undefined, true, undefined, 36],
  ];
  for (const [what, fleetSpec, size, perPage, count] of rows) {
    const pageSize = size === true ? 10 : size;
    const pagesNeeded = Math.ceil(count / pageSize);
    test(`${what} → the full ${count} in ${pagesNeeded} requests, or decode — never ${pageSize} as complete`, { timeout: 20_000 }, async () => {
      if (fleetSpec) s.setFleet(fleetSpec);
      s.setFaults([{ ignorePerPage: size, times: 'always' }]);
      const c = client(perPage ? { perPage } : {});
      const outcome = await c.listRunners().then((value) => ({ value }), (error) => ({ error }));
      await settled(s);
      const log = apiRequests(s);
      if (outcome.error) {
        assertRunnerMatchError(outcome.error, 'decode');
        assert.equal(log.length, 1);
      } else {
        assert.equal(outcome.value.length, count,
          `${outcome.value.length} of ${count} runners returned as the complete list after ${log.length} request(s) (page 1 said total ${count})`);
        assert.deepEqual(outcome.value, referenceListing(fleet()));
        // Planned by the server's own page size: each page once.
        assert.deepEqual(sortedPages(log), range(1, pagesNeeded));
      }
    });
  }
});

// BUG (see the final report): pages fetched concurrently arrive in any order. When page 2
// comes back empty or short although page 3 (already in flight) holds runners, the pages
// demonstrably do not tile the listing; the pager stops planning at page 2 but still
// merges page 3, and the client returns pages 1 and 3 with a hole as the complete list.
describe('pager: runners after the page that ended the listing (never a list with a hole)', () => {
  const rows = [
    ['an empty page 2 while page 3 holds 50', () => [{ page: 2, body: page([], 250) }], 150],
    ['a page 2 of 10 (the server paged by 10 for one request) while page 3 holds 50',
      () => [{ page: 2, ignorePerPage: 10 }], 150],
  ];
  for (const [what, faults, holed] of rows) {
    test(`${what} → decode (or all 250), not the ${holed} runners around the hole`, { timeout: 20_000 }, async () => {
      s.setFleet(GENERATED);
      s.setFaults(faults());
      const outcome = await client().listRunners().then((value) => ({ value }), (error) => ({ error }));
      await settled(s);
      const log = apiRequests(s);
      assert.deepEqual(sortedPages(log), [1, 2, 3]);
      if (outcome.error) {
        assertRunnerMatchError(outcome.error, 'decode');
      } else {
        assert.equal(outcome.value.length, 250,
          `${outcome.value.length} runners (pages 1 and 3 around a hole) returned as the complete list`);
      }
    });
  }
});

// BUG (see the final report): serde's derived Deserialize also accepts a struct written
// as a JSON array of its fields in declaration order, so bodies that are not the
// documented `{runners, total}` object decode: `[[], 0]` is an empty, complete listing.
describe('bodies: arrays in place of objects are not the documented shape', () => {
  table([
    {
      name: 'the page as an array `[[], 0]` → decode (not an empty, complete list)',
      faults: () => [{ body: '[[],0]', times: 'always' }],
      error: { code: 'decode' },
      requests: 1,
    },
    {
      name: 'the page as an array `[runners, total]` → decode',
      faults: (list) => [{ body: [list, list.length], times: 'always' }],
      error: { code: 'decode' },
      requests: 1,
    },
    {
      name: 'a runner as an array of its field values → decode',
      faults: (list) => [{ body: { runners: list.map((r) => [r.id, r.name, r.runner_type, r.status, r.tags, r.created_at, r.updated_at]), total: list.length }, times: 'always' }],
      error: { code: 'decode' },
      requests: 1,
    },
  ]);
});

// BUG (minor, see the final report): a full page 1 whose `total` is 0 — a count the page
// itself contradicts — ends the read: 100 of 250 runners come back as the whole fleet.
describe('pager: a total contradicted by full pages (never a partial list)', () => {
  test('total 0 on every page of a 250-runner fleet → the full 250 (or decode), not page 1 alone', { timeout: 20_000 }, async () => {
    s.setFleet(GENERATED);
    s.setFaults([{ fleetTotal: 0, times: 'always' }]);
    const outcome = await client().listRunners().then((value) => ({ value }), (error) => ({ error }));
    await settled(s);
    const log = apiRequests(s);
    if (outcome.error) {
      assertRunnerMatchError(outcome.error, 'decode');
    } else {
      assert.equal(outcome.value.length, 250, `${outcome.value.length} runners after ${log.length} request(s), each page full`);
      assert.deepEqual(outcome.value, referenceListing(fleet()));
    }
    assert.ok(log.length <= 3 + 2, `${log.length} requests`);
  });
});
