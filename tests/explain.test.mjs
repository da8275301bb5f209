// The requirement language, soft preferences and explanations, through the built
// package exactly as a consumer imports it ('runner-match', Node entry).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { importPackage } from './support/package.mjs';
import { TOKEN, apiRequests, loadDefaultFleet, startApi } from './support/standin.mjs';
import { assertNoSecret, throwsWith } from './support/errors.mjs';

let rm;
let s;
const fleet = () => loadDefaultFleet();
const ids = (list) => list.map((m) => m.id);

before(async () => {
  rm = await importPackage();
  s = await startApi();
});
after(async () => {
  await s.close();
  rm.project.cleanup();
});

describe('explainRunners', () => {
  test('says in one line why a mistyped tag matches (almost) nothing, and how to fix it', () => {
    const report = rm.namespace.explainRunners(fleet(), 'GPU-A100, flux');
    assert.equal(
      report.summary,
      '1 of 36 runners matches; 33 lack "GPU-A100", 23 lack "flux", 2 are disabled',
    );
    assert.equal(report.matchCount, 1);
    assert.equal(report.total, 36);
    assert.equal(report.runners.length, 36);
    const [hint] = report.hints;
    assert.equal(hint.tag, 'GPU-A100');
    assert.deepEqual(hint.suggestions[0], { tag: 'gpu-a100', runners: 7, similarity: 'case' });
    assert.match(hint.message, /did you mean "gpu-a100" \(7 runners\)\? Tags are case-sensitive/);
    assert.deepEqual(
      { kind: report.bestChange.kind, subject: report.bestChange.subject, runners: report.bestChange.runners },
      { kind: 'drop_tag', subject: 'GPU-A100', runners: 11 },
    );
    assert.ok(report.closest.length > 0 && report.closest.every((v) => !v.matched && v.reasons.length > 0));
    assert.match(report.text, /^1 of 36 runners matches/);
  });

  test('every verdict agrees with matchRunners, with every reason for rejections', () => {
    for (const req of ['gpu-a100, flux', 'gpu-* & (flux | sdxl) & !development', 'type:plus', '', 'nothing-has-this']) {
      const report = rm.namespace.explainRunners(fleet(), req);
      const ranked = rm.matchRunners(fleet(), req);
      const matched = new Map(report.runners.filter((v) => v.matched).map((v) => [v.id, v.score]));
      assert.deepEqual([...matched.keys()].sort(), ids(ranked).sort(), req);
      for (const m of ranked) assert.equal(matched.get(m.id), m.score, `${req}: ${m.name}`);
      for (const v of report.runners.filter((r) => !r.matched)) {
        assert.ok(v.reasons.length > 0, `${req}: ${v.name} rejected without a reason`);
        for (const reason of v.reasons) {
          assert.ok(['disabled', 'unknown_status', 'missing', 'excluded', 'no_tag_matches', 'type_mismatch', 'clause_failed'].includes(reason.kind));
          assert.equal(typeof reason.message, 'string');
        }
      }
      assert.equal(report.matchCount, ranked.length);
    }
    const disabled = rm.namespace.explainRunners(fleet(), '').runners.filter((v) => !v.matched);
    assert.equal(disabled.length, 2);
    assert.ok(disabled.every((v) => v.reasons.some((r) => r.kind === 'disabled')));
  });
});

describe('expressions', () => {
  test('globs, OR, NOT and type: filter as documented; a plain list keeps its meaning', () => {
    const byExpression = rm.matchRunners(fleet(), 'gpu-* & (flux | sdxl) & !development');
    assert.ok(byExpression.length > 0);
    for (const m of byExpression) {
      if (m.tags.length === 0) continue; // untagged runners stay wildcards
      assert.ok(m.tags.some((t) => t.startsWith('gpu-')), m.name);
      assert.ok(m.tags.includes('flux') || m.tags.includes('sdxl'), m.name);
      assert.ok(!m.tags.includes('development'), m.name);
      assert.ok(m.matchedTags.every((t) => t.startsWith('gpu-') || t === 'flux' || t === 'sdxl'), m.name);
    }
    assert.deepEqual(rm.matchRunners(fleet(), 'gpu-a100 & flux'), rm.matchRunners(fleet(), 'gpu-a100, flux'));
    assert.deepEqual(rm.matchRunners(fleet(), '!!flux'), rm.matchRunners(fleet(), 'flux'));
    const plus = rm.matchRunners(fleet(), 'type:plus');
    assert.ok(plus.length > 0 && plus.every((m) => m.runnerType === 'plus'));
  });

  test('a parse error is invalid_input with the byte offset and a caret line', () => {
    const err = throwsWith(() => rm.matchRunners(fleet(), 'gpu & (flux | )'), 'invalid_input');
    assert.equal(err.offset, 14);
    assert.match(err.message, /unexpected '\)' at 14/);
    assert.match(err.message, /gpu & \(flux \| \)\n {14}\^/);
  });
});

describe('preferences', () => {
  const spec = { require: 'flux', prefer: { 'gpu-h100': 3, 'eu-west': 1 }, avoid: { development: 2 } };

  test('rank without filtering, scores stay in [0, 1], the breakdown adds up', () => {
    const plain = rm.matchRunners(fleet(), 'flux');
    const preferred = rm.matchRunners(fleet(), spec);
    assert.deepEqual(ids(preferred).sort(), ids(plain).sort(), 'preferences never filter');
    assert.ok(preferred.every((m) => m.score >= 0 && m.score <= 1));
    assert.ok(preferred[0].tags.includes('gpu-h100'), preferred[0].name);
    const report = rm.namespace.explainRunners(fleet(), spec);
    for (const v of report.runners.filter((r) => r.matched)) {
      const { fitScore, preferenceScore, terms, score } = v.breakdown;
      assert.deepEqual(terms.map((t) => [t.term, t.kind, t.weight]), [
        ['gpu-h100', 'prefer', 3], ['eu-west', 'prefer', 1], ['development', 'avoid', 2],
      ]);
      const satisfied = terms.filter((t) => t.satisfied).reduce((sum, t) => sum + t.weight, 0);
      assert.equal(preferenceScore, satisfied / 6);
      assert.ok(Math.abs(score - (0.5 * fitScore + 0.5 * preferenceScore)) < 1e-12, v.name);
    }
  });

  test('bad preference objects are invalid_input', () => {
    for (const bad of [
      { prefer: { flux: 0 } }, { prefer: { flux: -1 } }, { prefer: { flux: 'high' } },
      { prefer: { 'a &': 1 } }, { prefer: { flux: 1 }, avoid: { flux: 1 } }, { require: 'x', requier: 'y' },
      { prefer: ['flux'] },
    ]) {
      throwsWith(() => rm.matchRunners(fleet(), bad), 'invalid_input');
    }
  });
});

describe('client.explain', () => {
  test('explains from the same cached list findRunners uses: one load, no more requests', async () => {
    s.reset();
    const client = new rm.RunnerClient({ token: TOKEN, baseUrl: s.url, sources: ['managed'] });
    const report = await client.explain('GPU-A100, flux');
    assert.equal(report.summary, rm.namespace.explainRunners(fleet(), 'GPU-A100, flux').summary);
    const requests = apiRequests(s).length;
    assert.equal(requests, 1);
    const found = await client.findRunners('gpu-* & !development');
    assert.deepEqual(found, rm.matchRunners(fleet(), 'gpu-* & !development'));
    assert.equal(apiRequests(s).length, requests, 'answered from the cache');
    await assert.rejects(client.explain('gpu & ('), (err) => {
      assertNoSecret(err);
      return err.code === 'invalid_input' && err.offset === 7;
    });
  });
});
