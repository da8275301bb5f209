// client.diagnose() (issue 12): the waiting workflows of GET /v1/workflow against the
// runner pool, checked against an independent reference (support/diagnose-reference.mjs)
// and the stand-in's request log. Run: cd tests && node --test --test-concurrency=1 diagnose.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { poolSuite } from './support/pool.mjs';
import { WAITING, referenceDiagnosis } from './support/diagnose-reference.mjs';
import { TOKEN, apiRequests } from './support/standin.mjs';
import { rejectsWith } from './support/errors.mjs';
import { FREE_TOKEN, generateWorkflows } from '../standin/server.mjs';

const ctx = poolSuite();
const client = (options) => ctx.client(options);
const everyRunner = () => [...ctx.s.fleet().managed, ...ctx.s.fleet().selfHosted];
const workflowRequests = () => apiRequests(ctx.s).filter((e) => e.path === '/v1/workflow');

/** Asserts a DiagnoseReport against the reference over `runners` and the stand-in's workflows. */
function assertAgrees(report, runners, { before: start, after: end }) {
  const want = referenceDiagnosis(runners, ctx.s.workflows());
  assert.equal(report.summary, want.summary);
  assert.equal(report.waiting, want.workflows.length);
  assert.equal(report.runnable, want.workflows.filter((w) => w.matchCount > 0).length);
  assert.equal(report.stuck, want.workflows.filter((w) => w.stuck).length);
  assert.deepEqual(report.workflows.map((w) => w.workflow.id), want.workflows.map((w) => w.id));
  const wire = new Map(ctx.s.workflows().map((w) => [w.id, w]));
  for (const [i, got] of report.workflows.entries()) {
    const exp = want.workflows[i];
    const w = wire.get(exp.id);
    assert.deepEqual(Object.keys(got).sort(), ['best', 'explanation', 'matchCount', 'stuck', 'workflow']);
    const { waitedMs, ...shown } = got.workflow;
    assert.deepEqual(shown, { id: w.id, name: w.name, status: w.status, tags: w.tags, createdAt: w.created_at });
    // now − createdAt, with `now` read during the call.
    const created = Date.parse(w.created_at);
    assert.ok(waitedMs >= Math.max(0, start - created) && waitedMs <= end - created, `${w.name}: waited ${waitedMs}`);
    assert.equal(got.matchCount, exp.matchCount, w.name);
    assert.deepEqual(got.best, exp.best, w.name);
    assert.equal(got.explanation !== null, exp.explained, `${w.name}: explanation`);
    if (got.explanation) {
      assert.equal(got.explanation.matchCount, exp.matchCount);
      assert.equal(got.explanation.total, runners.length);
    }
    assert.deepEqual(got.stuck, exp.stuck, `${w.name}: stuck`);
  }
}

async function timed(call) {
  const start = Date.now();
  const value = await call();
  return { value, window: { before: start, after: Date.now() } };
}

describe('diagnose', () => {
  test('Pro account, both sources: every waiting workflow against the whole pool; the request log', async () => {
    const { value: report, window } = await timed(() => client().diagnose());
    assertAgrees(report, everyRunner(), window);
    // The default set against the default fleet: its untagged runner takes every
    // workflow, so some run only there (with an explanation); none is stuck.
    assert.ok(report.workflows.some((w) => w.best?.fit === 'wildcard' && w.explanation));
    assert.ok(report.workflows.some((w) => w.best?.source === 'self-hosted'));
    assert.equal(report.stuck, 0);
    assert.deepEqual([report.read, report.total, report.pages, report.stoppedEarly], [16, 16, 1, false]);
    assert.deepEqual(report.pool.sources.map((p) => [p.source, p.status, p.runners]), [['managed', 'ok', 36], ['self-hosted', 'ok', 5]]);
    assert.deepEqual(workflowRequests().map((e) => [e.page, e.perPage, e.query]), [[1, 100, { page: '1', per_page: '100' }]]);
    assert.deepEqual(apiRequests(ctx.s).map((e) => e.path).sort(), ['/v1/managed-runner', '/v1/runner', '/v1/workflow']);
    // Statuses are filtered here, not by the server: no status parameter was sent.
    assert.ok(report.workflows.every((w) => WAITING.includes(w.workflow.status)));
  });

  test('Free tier: the self-hosted runners only; stuck on case, typo, an unknown tag and a pair', async () => {
    const { value: report, window } = await timed(() => client({ token: FREE_TOKEN }).diagnose());
    assertAgrees(report, ctx.s.fleet().selfHosted, window);
    const kinds = report.workflows.map((w) => w.stuck && [w.stuck.kind, w.stuck.tag, w.stuck.nearMiss]).filter(Boolean);
    assert.equal(kinds.find((k) => k[1] === 'GPU-A100')?.[0], 'unknown_tag', 'no self-hosted runner has gpu-a100');
    assert.ok(kinds.some(([kind, tag, miss]) => kind === 'unknown_tag' && tag === 'flux-xl' && miss === undefined));
    assert.ok(report.stuck > 0 && report.runnable > 0);
    assert.deepEqual(report.pool.sources.map((p) => [p.source, p.status]), [['managed', 'unavailable'], ['self-hosted', 'ok']]);
  });

  test('stuck on a case mismatch, a typo and a pair no runner carries (managed only, no untagged runner)', async () => {
    ctx.s.setFleet(ctx.s.fleet().managed.filter((r) => r.tags.length > 0));
    const { value: report, window } = await timed(() => client({ sources: ['managed'] }).diagnose());
    assertAgrees(report, ctx.s.fleet().managed, window);
    const stuck = new Map(report.workflows.filter((w) => w.stuck).map((w) => [w.workflow.name, w.stuck]));
    assert.deepEqual(stuck.get('Upscale batch'), { kind: 'unknown_tag', tag: 'GPU-A100', nearMiss: 'case', message: '"GPU-A100" (case)' });
    assert.deepEqual(stuck.get('Wan video teaser'), { kind: 'unknown_tag', tag: 'vidoe', nearMiss: 'typo', message: '"vidoe" (typo)' });
    assert.deepEqual(stuck.get('ControlNet on a T4'), { kind: 'no_runner_has_all', message: '"gpu-t4" + "controlnet" (no runner has all)' });
    const upscale = report.workflows.find((w) => w.workflow.name === 'Upscale batch');
    assert.match(upscale.explanation.hints[0].message, /did you mean "gpu-a100"/);
  });

  test('early stop: maxPages bounds the read, and the report says so', async () => {
    ctx.s.setWorkflows({ generate: 350, seed: 11 });
    const c = client();
    let report = await c.diagnose();
    assert.deepEqual([report.pages, report.read, report.total, report.stoppedEarly], [3, 300, 350, true]);
    assert.deepEqual(workflowRequests().map((e) => e.page), [1, 2, 3]);
    assert.ok(workflowRequests().every((e) => e.perPage === 100));
    const newest = ctx.s.workflows().slice(0, 300).filter((w) => WAITING.includes(w.status));
    assert.deepEqual(report.workflows.map((w) => w.workflow.id), newest.map((w) => w.id));

    ctx.s.clearRequests();
    report = await c.diagnose({ maxPages: 1 });
    assert.deepEqual([report.pages, report.read, report.stoppedEarly], [1, 100, true]);
    assert.deepEqual(workflowRequests().map((e) => e.page), [1]);

    ctx.s.clearRequests();
    report = await c.diagnose({ maxPages: 10 });
    assert.deepEqual([report.pages, report.read, report.stoppedEarly], [4, 350, false]);
    assert.deepEqual(workflowRequests().map((e) => e.page), [1, 2, 3, 4]);
    const { value, window } = await timed(() => c.diagnose({ maxPages: 10 }));
    assertAgrees(value, everyRunner(), window);
    // Runners come from the cache: only the workflow pages were read again.
    assert.equal(apiRequests(ctx.s).filter((e) => e.path !== '/v1/workflow').length, 0);
  });

  test('a workflow submitted mid-read is not counted twice', async () => {
    const list = generateWorkflows(250, 5, Date.now());
    ctx.s.setWorkflows(list);
    // Page 2 is served after a new workflow appeared: page 1's last item shifts onto it.
    ctx.s.setFaults([{ path: '/v1/workflow', page: 2, delayMs: 300 }]);
    const c = client();
    const pending = c.diagnose({ maxPages: 3 });
    while (!workflowRequests().some((e) => e.page === 1 && e.status === 200)) await new Promise((r) => setTimeout(r, 5));
    const fresh = { id: '00000000-0000-4000-8000-000000000001', name: 'new', status: 'queued', tags: [], created_at: new Date(Date.now() + 60_000).toISOString(), updated_at: new Date().toISOString(), started_at: null, completed_at: null };
    ctx.s.setWorkflows([fresh, ...list]);
    const report = await pending;
    const ids = report.workflows.map((w) => w.workflow.id);
    assert.equal(new Set(ids).size, ids.length, 'no workflow twice');
    // 300 items served, one of them twice; the new one landed on page 1, already read.
    assert.deepEqual([report.read, report.total, report.stoppedEarly], [250, 251, false]);
    assert.ok(!ids.includes(fresh.id));
  });

  test('bad options → invalid_input before any request', async () => {
    const c = client();
    for (const [options, message] of [
      [{ maxPages: 0 }, /maxPages must be a whole number from 1 to 100, got 0/],
      [{ maxPages: 101 }, /got 101/],
      [{ maxPages: 2.5 }, /got 2.5/],
      [{ maxPages: '3' }, /invalid diagnose options/],
      [{ max_pages: 3 }, /unknown diagnose options key "max_pages"/],
      [42, /diagnose options must be an object/],
      [[], /diagnose options must be an object/],
    ]) {
      await rejectsWith(() => c.diagnose(options), 'invalid_input', { message });
    }
    assert.equal(ctx.s.requests().length, 0);
    // undefined and null mean the defaults.
    assert.equal((await c.diagnose(undefined)).pages, 1);
    assert.equal((await c.diagnose(null)).pages, 1);
  });

  test('failures: the workflow listing and the pool each fail the call with their own code', async () => {
    ctx.s.setFaults([{ path: '/v1/workflow', status: 401 }]);
    await rejectsWith(() => client().diagnose(), 'unauthorized', { status: 401 });
    ctx.s.setFaults([{ path: '/v1/workflow', body: { workflows: [{ id: 1 }], total: 1 } }]);
    await rejectsWith(() => client().diagnose(), 'decode', { message: /page 1 of \/v1\/workflow is not a workflow list/ });
    ctx.s.setFaults([{ path: '/v1/runner', status: 500, times: 'always' }]);
    await rejectsWith(() => client({ maxRetries: 0 }).diagnose(), 'server', { status: 500 });
    // sources: ['managed'] on a Free tier stays forbidden, for diagnose too.
    await rejectsWith(() => client({ token: FREE_TOKEN, sources: ['managed'] }).diagnose(), 'forbidden', { status: 403 });
    ctx.s.clearFaults();
    assert.equal((await client().diagnose()).waiting, 10);
  });

  test('no waiting workflow', async () => {
    ctx.s.setWorkflows(ctx.s.workflows().filter((w) => !WAITING.includes(w.status)));
    const report = await client().diagnose();
    assert.deepEqual([report.summary, report.waiting, report.workflows], ['no workflow is waiting', 0, []]);
  });
});
