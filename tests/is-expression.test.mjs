// isExpression: the package's own answer to "is this requirement string an expression
// or ComfyControl's comma list?", through the built package (Node entry). The demo page
// asks it instead of keeping an operator regex of its own.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { isExpression, matchRunners } from '../pkg/node.js';
import { throwsWith } from './support/errors.mjs';
import { referenceLooksLikeExpression } from './support/reference.mjs';
import { loadDefaultFleet } from './support/standin.mjs';

const ids = (list) => list.map((m) => m.id);

describe('isExpression', () => {
  test('comma lists (ComfyControl\'s form) are not expressions, whatever their items hold', () => {
    for (const text of ['', ' ', 'gpu-a100', 'gpu-a100, flux', 'production,gpu-a100,', 'gpu a100, flux', 'a,,b',
      'v2.1, eu-west:1', 'mytype:pro', 'x type:pro', 'tag\u00a0with-nbsp', 'ünïcödé, 日本']) {
      assert.equal(isExpression(text), false, JSON.stringify(text));
      assert.equal(referenceLooksLikeExpression(text), false, `the reference agrees on ${JSON.stringify(text)}`);
    }
  });

  test('each operator, a quote, each glob character and a type: item make an expression', () => {
    for (const text of ['gpu & flux', 'gpu && flux', 'flux | sdxl', 'flux || sdxl', '!development', '(flux)', 'flux)',
      '"gpu a100"', 'say "hi', 'gpu-*', 'sdxl?', '*', 'type:pro', 'flux, type:plus', 'flux,  \ttype:pro', 'type:']) {
      assert.equal(isExpression(text), true, JSON.stringify(text));
      assert.equal(referenceLooksLikeExpression(text), true, `the reference agrees on ${JSON.stringify(text)}`);
    }
  });

  test('it answers how the string is read, not whether it parses', () => {
    assert.equal(isExpression('gpu & ('), true);
    throwsWith(() => matchRunners([], 'gpu & ('), 'invalid_input', { message: /offset|\^/ });
  });

  test('agrees with matching: a non-expression string matches exactly as its comma list', () => {
    const fleet = loadDefaultFleet();
    for (const text of ['gpu-a100, flux', 'production', 'sdxl,development']) {
      assert.equal(isExpression(text), false);
      assert.deepEqual(ids(matchRunners(fleet, text)), ids(matchRunners(fleet, text.split(',').map((t) => t.trim()))));
    }
    // A quote makes an expression, in which a quoted tag is literal, never a glob.
    assert.equal(isExpression('"gpu-*"'), true);
    assert.deepEqual(ids(matchRunners(fleet, '"gpu-*"')), ids(matchRunners(fleet, ['gpu-*'])));
    assert.notDeepEqual(ids(matchRunners(fleet, '"gpu-*"')), ids(matchRunners(fleet, 'gpu-*')));
  });

  test('anything but a string is invalid_input, named by its kind, never its content', () => {
    for (const [value, kind] of [[['gpu & flux'], 'an array'], [undefined, 'undefined'], [null, 'null'], [42, 'a number'],
      [{ require: 'a|b' }, 'an object'], [new Set(['a']), 'a Set'], [Symbol('x'), 'a symbol']]) {
      const err = throwsWith(() => isExpression(value), 'invalid_input');
      assert.equal(err.message, `text must be a string such as 'gpu-a100 & flux', got ${kind}`);
    }
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    throwsWith(() => isExpression(revoked.proxy), 'invalid_input');
    throwsWith(() => isExpression('gpu\uD800'), 'invalid_input', { message: /surrogate/ });
    assert.equal(isExpression('still & fine'), true, 'the module still answers after the rejections');
  });
});
