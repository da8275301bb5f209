// Assertions on the package's errors: real Error objects named RunnerMatchError with a
// stable `code`, and never a token in any rendering of them.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

import { TOKEN, WRONG_TOKEN } from './standin.mjs';

export const ERROR_CODES = [
  'unauthorized', 'forbidden', 'rate_limited', 'server', 'http', 'network', 'timeout',
  'decode', 'invalid_input', 'insecure_url', 'not_configured',
];

/** Every way an error can be shown or logged. */
export function renderings(err) {
  return {
    message: String(err?.message),
    stack: String(err?.stack),
    string: String(err),
    inspect: inspect(err, { depth: 5, showHidden: true }),
    json: JSON.stringify(err, Object.getOwnPropertyNames(err ?? {})),
  };
}

/** Asserts that no secret appears anywhere in `err`. */
export function assertNoSecret(err, secrets = [TOKEN, WRONG_TOKEN]) {
  for (const [how, text] of Object.entries(renderings(err))) {
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `the token appears in the error's ${how}: ${text}`);
    }
  }
}

/** Asserts the shape every package error has, its code, and optional status/message. */
export function assertRunnerMatchError(err, code, { status, message } = {}) {
  assert.ok(err instanceof Error, `expected an Error, got ${inspect(err)}`);
  assert.equal(err.name, 'RunnerMatchError', `name of ${inspect(err)}`);
  assert.equal(err.code, code, `code of: ${err.message}`);
  assert.ok(ERROR_CODES.includes(err.code));
  assert.equal(typeof err.message, 'string');
  assert.ok(err.message.length > 0);
  if (status === undefined) assert.equal(err.status, undefined, `unexpected status on ${err.message}`);
  else assert.equal(err.status, status);
  if (message !== undefined) assert.match(err.message, message);
  assertNoSecret(err);
  return err;
}

/**
 * Awaits a call that must return a Promise (not throw synchronously) which rejects with
 * a RunnerMatchError of `code`. Returns the error.
 */
export async function rejectsWith(call, code, expect = {}) {
  let promise;
  try {
    promise = call();
  } catch (err) {
    assert.fail(`expected a rejected Promise, but the call threw synchronously: ${err?.message}`);
  }
  assert.ok(promise instanceof Promise, 'expected a Promise');
  try {
    const value = await promise;
    assert.fail(`expected a rejection with code ${code}, got ${inspect(value, { depth: 1 })}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    return assertRunnerMatchError(err, code, expect);
  }
}

/** Calls a synchronous function that must throw a RunnerMatchError of `code`. */
export function throwsWith(call, code, expect = {}) {
  try {
    const value = call();
    assert.fail(`expected a throw with code ${code}, got ${inspect(value, { depth: 1 })}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    return assertRunnerMatchError(err, code, expect);
  }
}
