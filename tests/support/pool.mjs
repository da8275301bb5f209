// Set-up shared by the pool and diagnose suites: the built package, and a stand-in with
// the demo's self-hosted runners (secret-looking headers included), reset before each test.
import { after, before, beforeEach } from 'node:test';

import { importPackage } from './package.mjs';
import { TOKEN, startApi } from './standin.mjs';

/**
 * Registers the suite's hooks and returns `{ rm, s, client(options) }`, filled in by
 * `before`: `rm` the package's API, `s` the stand-in, `client` a RunnerClient for it.
 */
export function poolSuite() {
  const ctx = {
    rm: null,
    s: null,
    client: (options = {}) => new ctx.rm.RunnerClient({ token: TOKEN, baseUrl: ctx.s.url, ...options }),
  };
  before(async () => {
    ctx.rm = await importPackage();
    ctx.s = await startApi({ selfHosted: 'demo' });
  });
  after(async () => {
    await ctx.s?.close();
    ctx.rm?.project.cleanup();
  });
  beforeEach(() => ctx.s.reset());
  return ctx;
}
