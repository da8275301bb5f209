// The CLI's `--json` output is the JS package's result, field for field: the same
// query against the same stand-in through `runner-match … --json` (the native binary,
// crates/runner-match-cli) and through the built package (../pkg) must give deep-equal
// JSON. Also: exit codes, and the token in neither stdout nor stderr.
// Run: cd tests && node --test cli-shapes.test.mjs (builds the binary if needed).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';

import { importPackage } from './support/package.mjs';
import { REPO_DIR, TOKEN, startApi } from './support/standin.mjs';

const BINARY = path.join(REPO_DIR, 'target', 'debug', 'runner-match');

let rm;
let s;

before(async () => {
  // Debug build, as `cargo test` leaves it: seconds when up to date.
  execFileSync('cargo', ['build', '-q', '-p', 'runner-match-cli'], { cwd: REPO_DIR, stdio: 'inherit' });
  rm = await importPackage();
  // Both sources: the default fleet and the demo's self-hosted runners.
  s = await startApi({ selfHosted: 'demo' });
});
after(async () => {
  await s?.close();
  rm?.project.cleanup();
});

/** Runs the CLI; resolves `{ code, stdout, stderr }`. */
function cli(args, env = {}) {
  return new Promise((resolve) => {
    execFile(BINARY, [...args, '--base-url', s.url], {
      env: { PATH: process.env.PATH, CFC_TOKEN: TOKEN, ...env },
    }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

/** A JS value as JSON sees it (drops `undefined` fields, as the CLI never writes them). */
const plain = (value) => JSON.parse(JSON.stringify(value));

const client = (options = {}) => new rm.RunnerClient({ token: TOKEN, baseUrl: s.url, ...options });

/** A diagnose report without `waitedMs` (each side reads its own clock), and the times. */
function withoutWaits(report) {
  const waits = report.workflows.map((w) => w.workflow.waitedMs);
  const rest = plain(report);
  for (const w of rest.workflows) delete w.workflow.waitedMs;
  return { rest, waits };
}

const QUERIES = ['gpu-a100, flux', 'GPU-A100', 'gpu-* & (flux | sdxl) & !development', 'type:pro, sdxl', 'managed', 'type:pro, no-such-tag'];

describe('runner-match --json equals the JS package', () => {
  for (const query of QUERIES) {
    test(`find ${JSON.stringify(query)}`, async () => {
      const want = plain(await client().findRunners(query));
      const got = await cli(['find', query, '--json']);
      assert.deepEqual(JSON.parse(got.stdout), want);
      assert.equal(got.code, want.length > 0 ? 0 : 1, got.stderr);
      for (const text of [got.stdout, got.stderr]) assert.ok(!text.includes(TOKEN));
    });

    test(`explain ${JSON.stringify(query)}`, async () => {
      const want = plain(await client().explain(query));
      const got = await cli(['explain', query, '--json']);
      assert.deepEqual(JSON.parse(got.stdout), want);
      assert.equal(got.code, want.matchCount > 0 ? 0 : 1, got.stderr);
    });
  }

  test('list', async () => {
    const want = plain(await client().listRunners());
    const got = await cli(['list', '--json']);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(JSON.parse(got.stdout), want);
    assert.ok(want.length > 30);
  });

  test('list, find and explain with one source, and on a Free tier', async () => {
    for (const [sources, flag] of [[['managed'], 'managed'], [['self-hosted'], 'self-hosted']]) {
      assert.deepEqual(JSON.parse((await cli(['list', '--json', '--sources', flag])).stdout),
        plain(await client({ sources }).listRunners()));
      assert.deepEqual(JSON.parse((await cli(['find', 'flux', '--json', '--sources', flag])).stdout),
        plain(await client({ sources }).findRunners('flux')));
    }
    const free = { CFC_TOKEN: 'cfc_free_demo' };
    const js = new rm.RunnerClient({ token: 'cfc_free_demo', baseUrl: s.url });
    const got = await cli(['explain', 'gpu-rtx4090, flux', '--json'], free);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(JSON.parse(got.stdout), plain(await js.explain('gpu-rtx4090, flux')));
    assert.match(got.stderr, /no managed runners/);
  });

  test('diagnose', async () => {
    for (const [token, pages] of [[TOKEN, undefined], ['cfc_free_demo', 1]]) {
      const js = new rm.RunnerClient({ token, baseUrl: s.url });
      const before = Date.now();
      const want = withoutWaits(await js.diagnose(pages ? { maxPages: pages } : undefined));
      const args = ['diagnose', '--json', ...(pages ? ['--max-pages', String(pages)] : [])];
      const got = await cli(args, { CFC_TOKEN: token });
      assert.equal(got.code, 0, got.stderr);
      const report = JSON.parse(got.stdout);
      const mine = withoutWaits(report);
      assert.deepEqual(mine.rest, want.rest);
      assert.ok(want.rest.workflows.length >= 8, 'the default set has waiting workflows');
      // Same workflows, waits measured a moment apart.
      const elapsed = Date.now() - before;
      mine.waits.forEach((w, i) => assert.ok(w >= want.waits[i] && w - want.waits[i] <= elapsed + 1000, `${w} vs ${want.waits[i]}`));
    }
  });

  test('errors carry the same code as the JS RunnerMatchError', async () => {
    const jsError = await client().findRunners('flux').then(() => null, (e) => e);
    assert.equal(jsError, null);
    const wrong = 'cfc_WRONG_do_not_leak_456';
    const js = await new rm.RunnerClient({ token: wrong, baseUrl: s.url }).findRunners('flux').catch((e) => e);
    const got = await cli(['find', 'flux', '--json'], { CFC_TOKEN: wrong });
    assert.equal(got.code, 3);
    assert.equal(got.stdout, '');
    const { error } = JSON.parse(got.stderr);
    assert.deepEqual([error.code, error.status], [js.code, js.status]);
    assert.ok(!got.stderr.includes(wrong));
  });
});
