// The package's TypeScript declarations (../pkg/runner_match.d.ts) as a consumer sees them:
// a .ts file using every export type-checks with `tsc --strict`, wrong usages are rejected
// (each `@ts-expect-error` line is checked to be an error on its own), and no exported
// signature is typed `any`.
// Run: cd tests && node --test --test-concurrency=1 types.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import ts from 'typescript';

import { API_EXPORTS, PKG_DIR, makeConsumerProject, runTsc } from './support/package.mjs';

const run = promisify(execFile);
const DTS = path.join(PKG_DIR, 'runner_match.d.ts');

// A consumer using every export, with exact type assertions. Lines after `@ts-expect-error`
// are wrong usages that must not compile.
const CONSUMER = `
import init, {
  configure, explainRunners, findRunners, initSync, isExpression, matchRunners, requirementText, RunnerClient, RunnerSet,
  workflowTags,
  type ApiRunner, type ClientOptions, type ErrorCode, type ExplanationReport, type FitKind, type InitInput, type InitOutput,
  type RateLimitOptions, type RequiredTags, type RunnerMatch, type RunnerMatchError, type SourceKind, type SyncInitInput,
  type WorkflowTagsReport,
} from 'runner-match';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<T extends true>(): void {}

// --- initialisation ---------------------------------------------------------------
const output: InitOutput = await init();
const memory: WebAssembly.Memory = output.memory;
const viaPath: Promise<InitOutput> = init({ module_or_path: new URL('https://example.com/runner_match_bg.wasm') });
const input: InitInput = new Uint8Array(8);
const syncInput: SyncInitInput = new Uint8Array(8);
const sync: (module: { module: SyncInitInput }) => InitOutput = initSync;
expectType<Equal<Parameters<typeof init>, [module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>]>>();

// --- options ------------------------------------------------------------------------
const rate: RateLimitOptions = { requests: 3, windowMs: 1000 };
const options: ClientOptions = {
  token: 'cfc_example', baseUrl: 'https://api.comfycontrol.app', cacheTtlMs: 0, timeoutMs: 5000,
  maxRetries: 2, maxConcurrency: 4, perPage: 100, rateLimit: rate,
};
const minimal: ClientOptions = { token: 'cfc_example' };
expectType<Equal<keyof ClientOptions, 'token' | 'baseUrl' | 'cacheTtlMs' | 'timeoutMs' | 'maxRetries' | 'maxConcurrency' | 'perPage' | 'rateLimit' | 'sources' | 'onProgress'>>();
expectType<Equal<ClientOptions['token'], string>>();
expectType<Equal<RateLimitOptions, { requests: number; windowMs: number }>>();
expectType<Equal<Parameters<typeof configure>, [options: ClientOptions]>>();
expectType<Equal<ReturnType<typeof configure>, void>>();
configure(options);
configure(minimal);

// --- module-level findRunners -------------------------------------------------------
expectType<Equal<Parameters<typeof findRunners>, [required_tags: RequiredTags]>>();
expectType<Equal<ReturnType<typeof findRunners>, Promise<RunnerMatch[]>>>();
const ranked: RunnerMatch[] = await findRunners('gpu-a100, flux');
const ranked2: RunnerMatch[] = await findRunners(['gpu-a100', 'flux']);
const best: RunnerMatch | undefined = ranked[0];

// --- RunnerMatch --------------------------------------------------------------------
expectType<Equal<keyof RunnerMatch, 'id' | 'name' | 'runnerType' | 'status' | 'tags' | 'createdAt' | 'updatedAt' | 'score' | 'fit' | 'matchedTags' | 'extraTags' | 'source'>>();
expectType<Equal<RunnerMatch['runnerType'], string | undefined>>();
expectType<Equal<RunnerMatch['score'], number>>();
expectType<Equal<RunnerMatch['tags'], string[]>>();
expectType<Equal<RunnerMatch['matchedTags'], string[]>>();
expectType<Equal<RunnerMatch['extraTags'], string[]>>();
expectType<Equal<RunnerMatch['fit'], FitKind>>();
expectType<Equal<RunnerMatch['source'], SourceKind>>();
expectType<Equal<FitKind, 'exact' | 'superset' | 'wildcard'>>();
expectType<Equal<SourceKind, 'managed' | 'self-hosted'>>();
if (best) {
  const line: string = \`\${best.name} (\${best.runnerType ?? 'self-hosted'}) \${best.score.toFixed(3)} \${best.fit}\`;
  const when: number = Date.parse(best.createdAt) + Date.parse(best.updatedAt);
  const tags: string = [...best.tags, ...best.matchedTags, ...best.extraTags].join(',');
  const label = best.fit === 'exact' ? 'exact' : best.fit === 'superset' ? 'over-qualified' : 'wildcard';
  const from: 'managed' | 'self-hosted' = best.source;
  console.log(line, when, tags, label, from, best.id, best.status);
}

// --- RunnerClient -------------------------------------------------------------------
const client = new RunnerClient(options);
expectType<Equal<ConstructorParameters<typeof RunnerClient>, [options: ClientOptions]>>();
expectType<Equal<ReturnType<RunnerClient['findRunners']>, Promise<RunnerMatch[]>>>();
expectType<Equal<Parameters<RunnerClient['findRunners']>, [required_tags: RequiredTags]>>();
expectType<Equal<ReturnType<RunnerClient['listRunners']>, Promise<ApiRunner[]>>>();
expectType<Equal<ReturnType<RunnerClient['refresh']>, Promise<void>>>();
expectType<Equal<RunnerClient['baseUrl'], string>>();
const fromClient: RunnerMatch[] = await client.findRunners(['flux']);
const listed: ApiRunner[] = await client.listRunners();
const refreshed: void = await client.refresh();
const base: string = client.baseUrl;
{
  using scoped = new RunnerClient({ token: 'cfc_example' });
  await scoped.findRunners('');
}
client.free();

// --- ApiRunner and matchRunners -------------------------------------------------------
expectType<Equal<keyof ApiRunner, 'id' | 'name' | 'runner_type' | 'status' | 'tags' | 'created_at' | 'updated_at' | 'user_id' | 'endpoint'>>();
expectType<Equal<ApiRunner['endpoint'], string | undefined>>();
expectType<Equal<ApiRunner['runner_type'], string | undefined>>();
expectType<Equal<Parameters<typeof matchRunners>, [runners: ApiRunner[], required_tags: RequiredTags]>>();
expectType<Equal<ReturnType<typeof matchRunners>, RunnerMatch[]>>();
const fetched: ApiRunner[] = [{
  id: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890', name: 'Managed Pro Runner 1', runner_type: 'pro', status: 'active',
  tags: ['managed', 'gpu-a100'], created_at: '2024-01-10T08:00:00Z', updated_at: '2024-01-15T10:30:00Z',
}, {
  id: 'b2c3d4e5-f6a7-8901-bcde-f12345678901', name: 'Self-hosted', status: 'active',
  tags: [], created_at: '2024-01-10T08:00:00Z', updated_at: '2024-01-15T10:30:00Z',
}];
const matched: RunnerMatch[] = matchRunners(fetched, 'gpu-a100');
const matched2: RunnerMatch[] = matchRunners(listed, ['managed']);

// --- RunnerSet, explainRunners, client.explain, workflowTags ---------------------------
expectType<Equal<ConstructorParameters<typeof RunnerSet>, [runners: ApiRunner[]]>>();
expectType<Equal<Parameters<RunnerSet['match']>, [required_tags: RequiredTags]>>();
expectType<Equal<ReturnType<RunnerSet['match']>, RunnerMatch[]>>();
expectType<Equal<RunnerSet['size'], number>>();
const set = new RunnerSet(fetched);
const fromSet: RunnerMatch[] = set.match({ require: 'gpu-a100', prefer: { managed: 2 } });
set.free();
expectType<Equal<Parameters<typeof explainRunners>, [runners: ApiRunner[], required_tags: RequiredTags]>>();
expectType<Equal<ReturnType<typeof explainRunners>, ExplanationReport>>();
expectType<Equal<ReturnType<RunnerClient['explain']>, Promise<ExplanationReport>>>();
expectType<Equal<ExplanationReport['workflowTags'], WorkflowTagsReport>>();
const report: ExplanationReport = explainRunners(fetched, 'gpu-a100 | flux');
const reportText: string = \`\${report.summary} \${report.matchCount}/\${report.total} \${report.text}\`;
expectType<Equal<Parameters<typeof workflowTags>, [required_tags: RequiredTags]>>();
expectType<Equal<ReturnType<typeof workflowTags>, WorkflowTagsReport>>();
expectType<Equal<WorkflowTagsReport, { text: string; tags: string[]; enforced: boolean; notEnforced: string[] }>>();
const submit: WorkflowTagsReport = workflowTags({ require: 'flux | sdxl', prefer: { 'gpu-h100': 2 } });
if (!submit.enforced) console.log(submit.text, submit.tags.length, submit.notEnforced.join('; '), reportText);
expectType<Equal<Parameters<typeof isExpression>, [text: string]>>();
expectType<Equal<ReturnType<typeof isExpression>, boolean>>();
const expression: boolean = isExpression('gpu-* & !development');
if (expression) console.log('an expression');
expectType<Equal<Parameters<typeof requirementText>, [required_tags: RequiredTags]>>();
expectType<Equal<ReturnType<typeof requirementText>, string>>();
const written: string = requirementText(['gpu a100', 'v2!']) + requirementText({ require: 'flux | sdxl' });
console.log(written, requirementText('flux'), requirementText(null));

// --- errors -------------------------------------------------------------------------
expectType<Equal<ErrorCode, 'unauthorized' | 'forbidden' | 'rate_limited' | 'server' | 'http' | 'network' | 'timeout' | 'decode' | 'invalid_input' | 'insecure_url' | 'not_configured'>>();
expectType<Equal<RunnerMatchError['name'], 'RunnerMatchError'>>();
expectType<Equal<RunnerMatchError['status'], number | undefined>>();
expectType<Equal<RunnerMatchError['offset'], number | undefined>>();
const asError: Error = {} as RunnerMatchError;
function isRunnerMatchError(e: unknown): e is RunnerMatchError {
  return e instanceof Error && e.name === 'RunnerMatchError';
}
function explain(code: ErrorCode): string {
  switch (code) {
    case 'unauthorized': return 'check the token';
    case 'forbidden': return 'managed runners need Pro or Plus';
    case 'rate_limited': return 'slow down';
    case 'server': case 'http': case 'network': case 'timeout': return 'try again';
    case 'decode': return 'unexpected answer';
    case 'invalid_input': case 'insecure_url': return 'fix the call';
    case 'not_configured': return 'call configure() first';
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}
try {
  await findRunners('a,,b');
} catch (e) {
  if (isRunnerMatchError(e)) console.log(explain(e.code), e.status ?? '-', e.offset ?? '-', e.message);
}

// --- wrong usages -------------------------------------------------------------------
// @ts-expect-error a number is not requiredTags
findRunners(42);
// @ts-expect-error an array of numbers is not requiredTags
await client.findRunners([1, 2]);
// @ts-expect-error an object is not requiredTags
matchRunners(fetched, { tags: ['a'] });
// @ts-expect-error runner objects need every ApiRunner field
matchRunners([{ id: 'x' }], 'a');
// @ts-expect-error RunnerMatch has no such field
console.log(best?.missingField);
// @ts-expect-error RunnerMatch is camelCase: no runner_type
console.log(best?.runner_type);
// @ts-expect-error ApiRunner is the snake_case wire format: no runnerType
console.log(fetched[0]?.runnerType);
// @ts-expect-error not a FitKind
const badFit: FitKind = 'perfect';
// @ts-expect-error not an ErrorCode
const badCode: ErrorCode = 'not_found';
// @ts-expect-error no overlap between FitKind and 'bogus'
if (best?.fit === 'bogus') console.log('never');
// @ts-expect-error the token is required
new RunnerClient({});
// @ts-expect-error unknown option (excess property)
new RunnerClient({ token: 't', timeout: 5 });
// @ts-expect-error the token is a string
configure({ token: 42 });
// @ts-expect-error rateLimit needs windowMs
new RunnerClient({ token: 't', rateLimit: { requests: 3 } });
// @ts-expect-error baseUrl is read-only
client.baseUrl = 'https://example.com';
// @ts-expect-error score is a number
const scoreText: string = best!.score;
// @ts-expect-error findRunners returns a Promise: await it
const notAwaited: RunnerMatch[] = findRunners('a');
// @ts-expect-error a class: call it with new
RunnerClient({ token: 't' });
// @ts-expect-error configure needs options
configure();
// @ts-expect-error listRunners takes no tags and gives ApiRunner objects
const wrongList: RunnerMatch[] = await client.listRunners();
// @ts-expect-error RunnerSet needs the runners
new RunnerSet();
// @ts-expect-error workflowTags gives a report, not the comma string itself
const notText: string = workflowTags('a');
// @ts-expect-error isExpression reads a string, not an array of tags
isExpression(['gpu-a100']);
// @ts-expect-error requirementText reads tags as strings
requirementText([42]);
// @ts-expect-error explainRunners takes the runners first
explainRunners('gpu-a100');

export { memory, viaPath, input, syncInput, sync, ranked2, fromClient, refreshed, base, matched, matched2, asError,
  badFit, badCode, scoreText, notAwaited, wrongList, fromSet, notText };
`;

/** Each configuration resolves 'runner-match' differently; all must see ../pkg's types. */
const CONFIGS = {
  // Node's own resolution through node_modules and the exports map's "types" condition.
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  // What Vite / esbuild / webpack users get.
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  // No node_modules at all: a `paths` mapping to the package directory.
  paths: { module: 'esnext', moduleResolution: 'bundler', paths: { 'runner-match': [PKG_DIR] } },
};

/** Over runTsc's base options (strict, noEmit, es2022, esnext + dom, no ambient types). */
const COMMON = {
  skipLibCheck: false, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noImplicitOverride: true,
  isolatedModules: true, verbatimModuleSyntax: true, noUnusedLocals: false,
};

let project;
before(() => {
  project = makeConsumerProject('runner-match-types-');
});
after(() => project?.cleanup());

/** Type-checks `file` under COMMON and `compilerOptions` (runTsc), as `tsconfig.<name>.json`. */
async function tsc(name, file, compilerOptions, { nodeModules = true } = {}) {
  const cwd = project.dir;
  // The `paths` configuration must not find the package through node_modules.
  if (!nodeModules) await run('mv', ['node_modules', 'node_modules.off'], { cwd });
  try {
    return await runTsc(cwd, file, { ...COMMON, ...compilerOptions }, name);
  } finally {
    if (!nodeModules) await run('mv', ['node_modules.off', 'node_modules'], { cwd });
  }
}

/** `file(LINE,COL): error TSxxxx: …` lines of tsc output for one file. */
function errorsIn(output, file) {
  return output
    .split('\n')
    .map((line) => /^(.*?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line))
    .filter(Boolean)
    .map(([, f, line, , code, message]) => ({ file: f, line: Number(line), code, message }))
    .filter((e) => path.basename(e.file) === file);
}

describe('TypeScript consumer', () => {
  for (const [name, options] of Object.entries(CONFIGS)) {
    test(`a consumer using every export type-checks with --strict (${name} resolution)`, async () => {
      writeFileSync(path.join(project.dir, 'consumer.ts'), CONSUMER);
      const { code, output } = await tsc(name, 'consumer.ts', options, { nodeModules: name !== 'paths' });
      assert.equal(code, 0, `tsc failed:\n${output}`);
      assert.equal(output.trim(), '');
    });
  }

  test('every @ts-expect-error line is an error on its own (wrong usages are rejected)', async () => {
    const lines = CONSUMER.split('\n');
    const expected = [];
    const stripped = lines.map((line, i) => {
      if (!line.includes('// @ts-expect-error')) return line;
      expected.push({ line: i + 2, reason: line.split('@ts-expect-error ')[1] }); // 1-based line after it
      return line.replace('// @ts-expect-error', '// (wrong usage)');
    });
    assert.ok(expected.length >= 15, `${expected.length} wrong usages`);
    writeFileSync(path.join(project.dir, 'wrong.ts'), stripped.join('\n'));
    const { code, output } = await tsc('wrong', 'wrong.ts', CONFIGS.nodenext);
    assert.notEqual(code, 0);
    const errors = errorsIn(output, 'wrong.ts');
    const erroredLines = new Set(errors.map((e) => e.line));
    for (const { line, reason } of expected) {
      assert.ok(erroredLines.has(line), `not rejected: ${reason} (line ${line}: ${lines[line - 1].trim()})\n${output}`);
    }
    const unexpected = errors.filter((e) => !expected.some((x) => x.line === e.line));
    assert.deepEqual(unexpected, [], 'errors on lines that are not wrong usages');
  });

  // wasm-bindgen declares `[Symbol.dispose](): void` on RunnerClient. Without
  // `esnext.disposable` in `lib` (TypeScript < 5.2's world, or a project targeting ES2022
  // with an explicit lib list) and without skipLibCheck, the package's own .d.ts fails
  // with TS2550. A `/// <reference lib="esnext.disposable" />` at the top of the .d.ts (or
  // dropping the member) makes the package type-check in such projects too.
  test('the declarations type-check in a project with lib ["es2022", "dom"] and skipLibCheck off', async () => {
    writeFileSync(path.join(project.dir, 'plain.ts'), [
      "import { findRunners, RunnerClient, type RunnerMatch } from 'runner-match';",
      "const client = new RunnerClient({ token: 'cfc_example' });",
      "const ranked: RunnerMatch[] = await client.findRunners('gpu-a100');",
      "export { findRunners, ranked };",
    ].join('\n'));
    const { code, output } = await tsc('es2022', 'plain.ts', { ...CONFIGS.nodenext, lib: ['es2022', 'dom'] });
    assert.equal(code, 0, `tsc failed:\n${output}`);
  });
});

describe('declarations', () => {
  const text = readFileSync(DTS, 'utf8');

  test('package.json points every consumer at runner_match.d.ts', () => {
    const pkg = JSON.parse(readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8'));
    assert.equal(pkg.types, './runner_match.d.ts');
    assert.equal(Object.keys(pkg.exports['.'])[0], 'types', '"types" must come first in the conditions');
    assert.equal(pkg.exports['.'].types, './runner_match.d.ts');
    assert.ok(pkg.files.includes('runner_match.d.ts'));
  });

  test('no `any` in exported signatures (text check; wasm-bindgen\'s InitOutput excepted)', () => {
    // InitOutput is wasm-bindgen's description of the raw wasm exports (`(a: any) => …`):
    // internal plumbing returned by init(), not part of the package's API.
    const start = text.indexOf('export interface InitOutput {');
    assert.ok(start >= 0);
    const end = text.indexOf('\n}', start);
    const withoutInitOutput = text.slice(0, start) + text.slice(end + 2);
    const code = withoutInitOutput
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .split('\n')
      .filter((line) => !line.trim().startsWith('//'))
      .join('\n');
    for (const pattern of [/:\s*any\b/, /\bany\[\]/, /Promise<any>/, /<any>/, /\bany\s*[|&]/, /[|&]\s*any\b/]) {
      assert.doesNotMatch(code, pattern);
    }
    assert.doesNotMatch(code, /\bany\b/);
    assert.doesNotMatch(text, /\bJsValue\b/);
  });

  test('no `any` anywhere in the exported declarations (AST check; only InitOutput has it)', () => {
    const source = ts.createSourceFile(DTS, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const found = [];
    const visit = (node, top) => {
      if (node.kind === ts.SyntaxKind.AnyKeyword) found.push(top);
      ts.forEachChild(node, (child) => visit(child, top));
    };
    const exported = [];
    for (const statement of source.statements) {
      const name = statement.name?.text ?? (ts.isExportAssignment(statement) ? 'default' : '?');
      exported.push(name);
      visit(statement, name);
    }
    assert.deepEqual([...new Set(found)], ['InitOutput']);
    for (const name of ['RunnerMatchError', 'ApiRunner', 'RunnerMatch', 'RateLimitOptions', 'ClientOptions', 'ErrorCode',
      'SourceKind', 'FitKind', 'ExplanationReport', 'WorkflowTagsReport', ...API_EXPORTS.filter((n) => n !== 'default'),
      'initSync', '__wbg_init']) {
      assert.ok(exported.includes(name), `${name} is declared`);
    }
  });
});

describe('declarations against the Node entry', () => {
  // pkg/node.js (the `node` condition) has `export default async function init() {}`, which
  // resolves to undefined, but the only declarations (`types` condition) say the default
  // export resolves to InitOutput. Code that type-checks — `(await init()).memory` — throws
  // in Node. Either ship node.d.ts with `init(): Promise<void>` under the node condition or
  // have node.js's init() resolve to initSync()'s InitOutput.
  test('the Node entry\'s init() resolves to what the declarations promise (InitOutput)', async () => {
    const entry = path.join(project.dir, 'init-output.mjs');
    writeFileSync(entry, [
      "import init from 'runner-match';",
      'const output = await init();',
      "if (!(output?.memory instanceof WebAssembly.Memory)) throw new Error(`init() resolved to ${output}, not InitOutput`);",
      "console.log('ok');",
    ].join('\n'));
    const result = await run(process.execPath, [entry], { cwd: project.dir }).catch((err) => err);
    assert.equal(result.stdout?.trim(), 'ok', String(result.stderr ?? result.message));
  });
});
