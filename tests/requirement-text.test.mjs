// requirementText: the package writes a requirement as text that it reads back as the
// same requirement (the core's `Display for Requirements`), through the built package
// (Node entry). The demo page writes every edited tag list with it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { isExpression, matchRunners, requirementText, workflowTags } from '../pkg/node.js';
import { throwsWith } from './support/errors.mjs';
import { loadDefaultFleet } from './support/standin.mjs';

const ids = (list) => list.map((m) => m.id);

const runner = (id, tags) => ({ id, name: id, runner_type: 'pro', status: 'active', tags,
  created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' });

/**
 * A fleet that tells `tags` apart from every near reading of them: one runner with all
 * of them, one missing each tag, and one with each tag replaced by what a careless
 * writer would leave (trimmed, quotes kept, escapes kept, glob or OR read as syntax).
 */
function discerningFleet(tags) {
  const fleet = [runner('all', tags)];
  tags.forEach((tag, i) => {
    const others = tags.filter((_, j) => j !== i);
    fleet.push(runner(`without-${i}`, others));
    const near = [tag.trim(), `"${tag}"`, JSON.stringify(tag).slice(1, -1), tag.replace('*', 'x'), tag.split('|')[0]];
    for (const [k, variant] of [...new Set(near)].filter((v) => v && v !== tag).entries()) {
      fleet.push(runner(`near-${i}-${k}`, [...others, variant]));
    }
  });
  return fleet;
}

// Tags a plain comma list cannot carry as they are, and ordinary ones.
const ODD = ['gpu a100', 'v2!', 'a|b', 'gpu-*', 'sdxl?', 'say "hi"', 'back\\slash', '\\"', 'type:x', ' padded',
  'trailing ', '(x)', 'a&&b', '\u00a0nbsp', 'ünïcödé', '日本'];
const LISTS = [
  ['gpu a100', 'flux'],
  ...ODD.map((tag) => ['flux', tag]),
  ODD,
  ['eu-west:1', 'v2.1', 'mytype:pro'],
];

describe('requirementText', () => {
  test('a tag list reads back as exactly those tags', () => {
    for (const tags of LISTS) {
      const text = requirementText(tags);
      const fleet = discerningFleet(tags);
      assert.deepEqual(ids(matchRunners(fleet, text)), ['all'], `${JSON.stringify(tags)} → ${text}`);
      assert.deepEqual(ids(matchRunners(fleet, text)), ids(matchRunners(fleet, tags)));
      // The tags ComfyControl gets: every one a comma string carries (not one with
      // whitespace around it, which a comma string would trim).
      const carried = tags.filter((t) => t === t.replace(/^[ \t]+|[ \t]+$/g, ''));
      assert.deepEqual(workflowTags(text).tags, carried, text);
      assert.equal(requirementText(text), text, 'canonical: writing it again changes nothing');
    }
  });

  test('a list stays a comma list while it can, and quotes every tag once one needs it', () => {
    assert.equal(requirementText(['gpu a100', 'flux']), 'gpu a100, flux');
    assert.equal(isExpression(requirementText(['gpu a100', 'flux'])), false);
    assert.equal(requirementText('  gpu a100 ,flux,gpu a100 '), 'gpu a100, flux');
    assert.equal(requirementText(['gpu a100', 'v2!']), '"gpu a100", "v2!"');
    assert.equal(requirementText(['say "hi"', 'back\\slash']), '"say \\"hi\\"", "back\\\\slash"');
    assert.equal(requirementText(['type:x']), '"type:x"');
    assert.equal(requirementText([' padded']), '" padded"');
    assert.equal(requirementText('"flux" & sdxl'), 'flux, sdxl', 'a conjunction of tags is the plain list');
  });

  test('no requirement is the empty text', () => {
    for (const value of ['', '  \t', [], null, undefined, { require: '' }, {}]) {
      assert.equal(requirementText(value), '', JSON.stringify(value));
    }
  });

  test('an expression is written in canonical form, with the same meaning', () => {
    const fleet = loadDefaultFleet();
    const cases = [
      ['gpu-* &&(flux||sdxl)&& !development', 'gpu-* & (flux | sdxl) & !development'],
      ['type:pro, flux', 'type:pro & flux'],
      ['"gpu a100" | !"v2!"', '"gpu a100" | !"v2!"'],
      ['(flux | sdxl), eu-west', '(flux | sdxl) & eu-west'],
      ['!(a | b) & sdxl?', '!(a | b) & sdxl?'],
      ['"gpu-*" | gpu-*', '"gpu-*" | gpu-*'],
    ];
    for (const [query, canonical] of cases) {
      const text = requirementText(query);
      assert.equal(text, canonical, query);
      assert.equal(requirementText({ require: query }), canonical);
      assert.deepEqual(ids(matchRunners(fleet, text)), ids(matchRunners(fleet, query)), query);
      assert.deepEqual(workflowTags(text), workflowTags(query), query);
      assert.equal(requirementText(text), text);
    }
  });

  test('bad requirements are invalid_input, as for every function that reads them', () => {
    const cases = [
      [42, /^requiredTags must be a string, an array of strings or a plain object \{ require, prefer, avoid \}, got a number$/],
      [[1], /^requiredTags\[0\] is a number, expected a string$/],
      ['a,,b', /empty tag at position 2 in "a,,b"/],
      [['flux', 'a,b'], /comma/],
      ['gpu & (', /offset|\^/],
      [{ requires: 'a' }, /requires/],
      ['gpu\uD800', /surrogate/],
    ];
    for (const [value, message] of cases) {
      throwsWith(() => requirementText(value), 'invalid_input', { message });
      throwsWith(() => matchRunners([], value), 'invalid_input', { message });
    }
  });

  test('preferences have no text form: refused, not dropped', () => {
    for (const value of [{ require: 'flux', prefer: { 'gpu-h100': 2 } }, { avoid: { development: 1 } }]) {
      const err = throwsWith(() => requirementText(value), 'invalid_input');
      assert.equal(err.message,
        'requiredTags has preferences (prefer / avoid), which have no text form: pass requiredTags.require');
    }
    assert.equal(requirementText({ require: 'flux', prefer: {} }), 'flux', 'no preference, nothing lost');
  });
});
