// The TypeScript shapes of the pool, progress and diagnose (issue 12), as a consumer
// sees them in ../pkg/runner_match.d.ts: exact type assertions under `tsc --strict`, and
// wrong usages rejected. Run: cd tests && node --test --test-concurrency=1 pool-types.test.mjs

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { makeConsumerProject, runTsc } from './support/package.mjs';

const CONSUMER = `
import {
  RunnerClient, type ApiRunner, type ClientOptions, type DiagnoseOptions, type DiagnoseReport, type ExplanationReport,
  type PoolReport, type Progress, type RunnerMatch, type SimilarityKind, type SourceKind, type SourceReport,
  type SourceStatusKind, type StuckKind, type StuckReport, type WaitingWorkflow, type WorkflowReport,
} from 'runner-match';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<T extends true>(): void {}

const seen: Progress[] = [];
const options: ClientOptions = { token: 'cfc_x', sources: ['managed', 'self-hosted'], onProgress: (p) => seen.push(p) };
expectType<Equal<ClientOptions['sources'], SourceKind[] | undefined>>();
expectType<Equal<ClientOptions['onProgress'], ((progress: Progress) => void) | undefined>>();
expectType<Equal<Progress, { loaded: number; total: number }>>();
const client = new RunnerClient(options);

expectType<Equal<ReturnType<RunnerClient['pool']>, Promise<PoolReport>>>();
expectType<Equal<keyof PoolReport, 'runners' | 'sources'>>();
expectType<Equal<keyof SourceReport, 'source' | 'status' | 'runners' | 'reason' | 'message'>>();
expectType<Equal<SourceStatusKind, 'ok' | 'unavailable'>>();
const pool: PoolReport = await client.pool();
const first: SourceReport | undefined = pool.sources[0];
const reason: string | undefined = first?.reason;

expectType<Equal<Parameters<RunnerClient['diagnose']>, [options?: DiagnoseOptions]>>();
expectType<Equal<ReturnType<RunnerClient['diagnose']>, Promise<DiagnoseReport>>>();
expectType<Equal<keyof DiagnoseOptions, 'maxPages'>>();
expectType<Equal<keyof DiagnoseReport, 'workflows' | 'summary' | 'waiting' | 'runnable' | 'stuck' | 'read' | 'total' | 'pages' | 'stoppedEarly' | 'pool'>>();
expectType<Equal<keyof WaitingWorkflow, 'workflow' | 'matchCount' | 'best' | 'explanation' | 'stuck'>>();
expectType<Equal<WaitingWorkflow['best'], RunnerMatch | null>>();
expectType<Equal<WaitingWorkflow['explanation'], ExplanationReport | null>>();
expectType<Equal<WaitingWorkflow['stuck'], StuckReport | null>>();
expectType<Equal<keyof WorkflowReport, 'id' | 'name' | 'status' | 'tags' | 'createdAt' | 'waitedMs'>>();
expectType<Equal<StuckKind, 'no_active_runner' | 'unknown_tag' | 'no_runner_has_all' | 'unreadable_tags'>>();
expectType<Equal<StuckReport['nearMiss'], SimilarityKind | undefined>>();
expectType<Equal<ApiRunner['endpoint'], string | undefined>>();
expectType<Equal<ExplanationReport['runners'][number]['source'], SourceKind>>();

const report: DiagnoseReport = await client.diagnose();
const bounded: DiagnoseReport = await client.diagnose({ maxPages: 5 });
const waited: number | undefined = report.workflows[0]?.workflow.waitedMs;
const stopped: boolean = bounded.stoppedEarly;

// @ts-expect-error sources are 'managed' | 'self-hosted'
const badSource: ClientOptions = { token: 't', sources: ['selfhosted'] };
// @ts-expect-error onProgress receives a Progress
const badProgress: ClientOptions = { token: 't', onProgress: (p: string) => p };
// @ts-expect-error maxPages is a number
await client.diagnose({ maxPages: '3' });
// @ts-expect-error best may be null
const notNull: RunnerMatch = report.workflows[0]!.best;

export { seen, reason, waited, stopped, badSource, badProgress, notNull };
`;

let project;
before(() => {
  project = makeConsumerProject('runner-match-pool-types-');
});
after(() => project?.cleanup());

function tsc(file) {
  return runTsc(project.dir, file, {
    module: 'nodenext', moduleResolution: 'nodenext', exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true,
  });
}

test('the pool, progress and diagnose shapes type-check exactly', async () => {
  writeFileSync(path.join(project.dir, 'pool.ts'), CONSUMER);
  const { code, output } = await tsc('pool.ts');
  assert.equal(code, 0, `tsc failed:\n${output}`);
});

test('each wrong usage is rejected on its own line', async () => {
  const lines = CONSUMER.split('\n');
  const wrong = [];
  const stripped = lines.map((line, i) => {
    if (!line.includes('// @ts-expect-error')) return line;
    wrong.push(i + 2);
    return line.replace('// @ts-expect-error', '// (wrong usage)');
  });
  writeFileSync(path.join(project.dir, 'wrong.ts'), stripped.join('\n'));
  const { code, output } = await tsc('wrong.ts');
  assert.notEqual(code, 0);
  const errored = new Set([...output.matchAll(/wrong\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1])));
  assert.deepEqual([...errored].sort((a, b) => a - b), wrong);
});
