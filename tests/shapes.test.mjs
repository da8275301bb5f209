// The hand-written TypeScript declarations (crates/runner-match-wasm/js/types.d.ts) against
// what the package really returns: every result shape is produced at run time against the
// stand-in, written into a .ts file as an object literal, and checked with
// `satisfies <DeclaredType>` under `tsc --strict --exactOptionalPropertyTypes`. A field the
// package returns but the declarations lack is an excess-property error; a required field
// that never arrives, or a value of another type, is an assignability error. So the two
// definitions of each shape (the core's Rust structs, the .d.ts) cannot drift apart.
// Run: cd tests && node --test --test-concurrency=1 shapes.test.mjs

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { makeConsumerProject, runTsc } from './support/package.mjs';
import { poolSuite } from './support/pool.mjs';

/** The one configuration of the check, shared by the test that it can fail. */
const SHAPES_OPTIONS = { module: 'esnext', moduleResolution: 'bundler', exactOptionalPropertyTypes: true };

const ctx = poolSuite();
let project;
before(() => {
  project = makeConsumerProject('runner-match-shapes-');
});
after(() => project?.cleanup());

/** Every result shape, from real calls: [declared type, value] pairs. */
async function samples() {
  const { rm, s } = ctx;
  const client = ctx.client();
  const runners = s.fleet().managed;
  const set = new rm.RunnerSet(runners);
  const freeTier = new rm.RunnerClient({ token: 'cfc_free_demo', baseUrl: s.url });
  try {
    return [
      ['RunnerMatch[]', await client.findRunners('gpu-a100, flux')],
      ['RunnerMatch[]', rm.matchRunners(runners, { require: 'flux', prefer: { 'gpu-h100': 2 }, avoid: { staging: 1 } })],
      ['RunnerMatch[]', set.match('gpu-* & !development')],
      ['ApiRunner[]', await client.listRunners()],
      ['ExplanationReport', await client.explain('GPU-A100, flux')],
      ['ExplanationReport', rm.explainRunners(runners, { require: 'type:pro | sdxl', prefer: { 'eu-west': 1 } })],
      ['ExplanationReport', rm.explainRunners([], 'flux')],
      ['WorkflowTagsReport', rm.workflowTags('gpu-a100 & (flux | sdxl) & !development')],
      ['WorkflowTagsReport', rm.workflowTags(['gpu-a100', 'flux'])],
      ['PoolReport', await client.pool()],
      ['DiagnoseReport', await client.diagnose()],
      ['DiagnoseReport', await client.diagnose({ maxPages: 1 })],
      ['PoolReport', await freeTier.pool()],
      ['DiagnoseReport', await freeTier.diagnose()],
    ];
  } finally {
    for (const owned of [client, set, freeTier]) owned.free();
  }
}

test('every result the package returns satisfies its declared type exactly', { timeout: 60_000 }, async () => {
  const pairs = await samples();
  const types = [...new Set(pairs.map(([type]) => type.replace('[]', '')))].sort();
  const lines = [`import type { ${types.join(', ')} } from 'runner-match';`];
  pairs.forEach(([type, value], i) => lines.push(`export const sample${i} = ${JSON.stringify(value)} satisfies ${type};`));
  const file = 'shapes.ts';
  writeFileSync(path.join(project.dir, file), `${lines.join('\n')}\n`);
  const result = await runTsc(project.dir, file, SHAPES_OPTIONS);
  assert.equal(result.code, 0, `the declarations disagree with the package's results:\n${result.output.slice(0, 4000)}`);
});

test('the check fails on a field the declarations lack (it can fail)', async () => {
  const client = ctx.client();
  const match = (await client.findRunners('flux'))[0];
  client.free();
  const file = 'drift.ts';
  writeFileSync(path.join(project.dir, file), [
    "import type { RunnerMatch } from 'runner-match';",
    `export const drifted = ${JSON.stringify({ ...match, undeclared: 1 })} satisfies RunnerMatch;`,
  ].join('\n'));
  const { code, output } = await runTsc(project.dir, file, SHAPES_OPTIONS);
  assert.notEqual(code, 0, 'tsc accepted a field the declarations lack');
  assert.match(output, /undeclared/);
});
