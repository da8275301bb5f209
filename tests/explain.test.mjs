// The requirement language, soft preferences and explanations, through the built
// package exactly as a consumer imports it ('runner-match', Node entry).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { withPackageAndApi } from './support/suite.mjs';
import { TOKEN, apiRequests, loadDefaultFleet } from './support/standin.mjs';
import { assertNoSecret, throwsWith } from './support/errors.mjs';
import { referenceRank, referenceWorkflowTags } from './support/reference.mjs';

let rm;
let s;
const fleet = () => loadDefaultFleet();
const ids = (list) => list.map((m) => m.id);

/** The default fleet plus untagged runners of each kind and self-hosted runners. */
const mixedFleet = () => {
  const at = (i) => `2023-06-0${i}T00:00:00Z`;
  const managed = (id, type, tags, i, status = 'active') => ({ id, name: id, runner_type: type, status, tags,
    created_at: at(i), updated_at: at(i) });
  const selfHosted = (id, tags, i) => ({ id, user_id: 'u1', name: id, status: 'active', endpoint: 'https://comfy.example',
    headers: { Authorization: 'Bearer x' }, tags, created_at: at(i), updated_at: at(i) });
  return [...fleet(), managed('bare-pro', 'pro', [], 1), managed('bare-plus', 'plus', [], 2),
    managed('bare-plus-off', 'plus', [], 3, 'disabled'), selfHosted('home-bare', [], 4),
    selfHosted('home-4090', ['gpu-rtx4090', 'flux', 'development'], 5), managed('quoted', 'pro', ['gpu a100', 'a,b'], 6)];
};

/** Expressions over every operator, glob, quote and type: form. */
const EXPRESSIONS = [
  'gpu-* & (flux | sdxl) & !development', 'type:plus', 'type:pro', '!type:*', 'type:p*', '!development', '!(gpu-a100 | type:pro)',
  'flux | sdxl', 'gpu-?100', '"gpu a100"', '"a,b" | video', 'flux, !development, type:pro', '!!flux', 'gpu-a100 && flux || video',
  '(flux) & gpu-*', 'nothing-has-this | flux',
];

/** Preferences with and without a hard requirement. */
const PREFERENCES = [
  { require: 'flux', prefer: { 'gpu-h100': 3, 'eu-west': 1 }, avoid: { development: 2 } },
  { prefer: { 'type:plus': 1 } },
  { require: 'gpu-* | type:plus', prefer: { 'gpu-a100': 5 }, avoid: { 'eu-*': 1 } },
  { require: ['gpu-a100'], avoid: { flux: 1 } },
  { require: '!development', prefer: { '!type:*': 2 } },
];

withPackageAndApi((started) => ({ rm, s } = started));

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

  test('matches, fits and scores equal the independent reference; workflowTags is in the report', () => {
    const all = mixedFleet();
    for (const query of [...EXPRESSIONS, ...PREFERENCES, 'gpu-a100, flux', '']) {
      const report = rm.namespace.explainRunners(all, query);
      const want = referenceRank(all, query);
      const matched = report.runners.filter((v) => v.matched).map((v) => [v.id, v.fit, v.score]);
      assert.deepEqual(matched.sort(), want.map((m) => [m.id, m.fit, m.score]).sort(), JSON.stringify(query));
      assert.equal(report.matchCount, want.length);
      assert.deepEqual(report.workflowTags, referenceWorkflowTags(query), JSON.stringify(query));
      if (!report.workflowTags.enforced) assert.match(report.text, /\nnot enforced by ComfyControl \(submit /);
      else assert.doesNotMatch(report.text, /not enforced/);
    }
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
  test('globs, OR, NOT, quotes and type: equal the independent reference, untagged runners included', () => {
    const all = mixedFleet();
    for (const query of EXPRESSIONS) {
      assert.deepEqual(rm.matchRunners(all, query), referenceRank(all, query), query);
    }
  });

  test('type:plus returns every active plus runner, tagged or not, the untagged ones last as wildcards', () => {
    const all = mixedFleet();
    const plus = rm.matchRunners(all, 'type:plus');
    const want = all.filter((r) => r.status === 'active' && r.runner_type === 'plus').map((r) => r.id).sort();
    assert.deepEqual(ids(plus).sort(), want);
    const firstWildcard = plus.findIndex((m) => m.fit === 'wildcard');
    assert.ok(firstWildcard > 0, 'some tagged plus runner first');
    assert.ok(plus.slice(firstWildcard).every((m) => m.fit === 'wildcard' && m.score === 0.5 && m.tags.length === 0));
    assert.ok(plus.slice(0, firstWildcard).every((m) => m.tags.length > 0));
  });

  test('an untagged runner is a wildcard fit under any expression (even !development), exact only for the untagged workflow', () => {
    const all = mixedFleet();
    for (const query of ['!development', 'gpu-*', 'flux | sdxl', 'type:pro | type:plus', 'flux']) {
      const untagged = rm.matchRunners(all, query).filter((m) => m.tags.length === 0);
      assert.ok(untagged.length > 0, query);
      assert.ok(untagged.every((m) => m.fit === 'wildcard' && m.score === 0.5), query);
    }
    const any = rm.matchRunners(all, '').filter((m) => m.tags.length === 0);
    assert.ok(any.length > 0 && any.every((m) => m.fit === 'exact' && m.score === 1), 'the untagged workflow');
  });

  test('a plain list keeps its meaning as an expression', () => {
    assert.deepEqual(rm.matchRunners(fleet(), 'gpu-a100 & flux'), rm.matchRunners(fleet(), 'gpu-a100, flux'));
    assert.deepEqual(rm.matchRunners(fleet(), '!!flux'), referenceRank(fleet(), '!!flux'));
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

  test('equal the independent reference (scores, tiers, untagged runners), never filter', () => {
    const all = mixedFleet();
    for (const query of PREFERENCES) {
      const ranked = rm.matchRunners(all, query);
      assert.deepEqual(ranked, referenceRank(all, query), JSON.stringify(query));
      assert.deepEqual(ids(ranked).sort(), ids(rm.matchRunners(all, query.require ?? '')).sort(), 'preferences never filter');
      // Untagged runners rank after every tagged match, whatever preferences add.
      const tiers = ranked.map((m) => (m.fit === 'wildcard' ? 1 : 0));
      assert.deepEqual(tiers, [...tiers].sort((a, b) => a - b), JSON.stringify(query));
    }
  });

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

describe('workflowTags', () => {
  test('the comma string to submit, and what ComfyControl will not enforce, equal the reference', () => {
    for (const query of [...EXPRESSIONS, ...PREFERENCES, 'gpu-a100, flux', ['gpu-a100', ' flux'], '', null, 'a|b-but-quoted-"x"']
      .filter((q) => { try { referenceWorkflowTags(q); return true; } catch { return false; } })) {
      assert.deepEqual(rm.namespace.workflowTags(query), referenceWorkflowTags(query), JSON.stringify(query));
    }
  });

  test('exact answers for the documented cases', () => {
    const w = rm.namespace.workflowTags;
    assert.deepEqual(w('production, gpu-a100'), { text: 'production,gpu-a100', tags: ['production', 'gpu-a100'], enforced: true, notEnforced: [] });
    assert.deepEqual(w('flux | sdxl'), { text: '', tags: [], enforced: false, notEnforced: ['flux | sdxl (an OR)'] });
    assert.deepEqual(w('gpu-a100 & (flux | sdxl) & !development, type:pro'), {
      text: 'gpu-a100', tags: ['gpu-a100'], enforced: false,
      notEnforced: ['flux | sdxl (an OR)', '!development (a NOT)', 'type:pro (a runner type)'],
    });
    assert.deepEqual(w({ require: 'flux', prefer: { 'gpu-h100': 3 }, avoid: { development: 2 } }).notEnforced,
      ['prefer gpu-h100 ×3 (a preference)', 'avoid development ×2 (a preference)']);
    assert.deepEqual(w(['gpu-a100', ' flux']), { text: 'gpu-a100', tags: ['gpu-a100'], enforced: false, notEnforced: ['" flux" (spaces around a tag)'] });
    assert.deepEqual(w(), { text: '', tags: [], enforced: true, notEnforced: [] });
    throwsWith(() => w('gpu & ('), 'invalid_input');
    throwsWith(() => w(42), 'invalid_input');
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
