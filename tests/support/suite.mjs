// The set-up most package test files share: the built package imported once as a
// consumer does, one stand-in API for the whole file, reset before each test.
import { after, before, beforeEach } from 'node:test';

import { importPackage } from './package.mjs';
import { startApi } from './standin.mjs';

/**
 * Registers the file's hooks: before all, import the package and start a stand-in that
 * accepts TOKEN, then hand both to `use({ rm, s })`; before each test, reset the
 * stand-in (log, faults, fleet, config); after all, close it and remove the consumer
 * project.
 */
export function withPackageAndApi(use) {
  let rm;
  let s;
  before(async () => {
    rm = await importPackage();
    s = await startApi();
    use({ rm, s });
  });
  after(async () => {
    await s?.close();
    rm?.project.cleanup();
  });
  beforeEach(() => s.reset());
}
