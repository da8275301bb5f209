// Imports the built package (../../pkg) the way a consumer does: through the bare
// specifier 'runner-match' and the package's `exports` map, from a throw-away project
// whose node_modules/runner-match is a symlink to pkg/; and type-checks such a project
// with the tests' own tsc.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export const PKG_DIR = fileURLToPath(new URL('../../pkg/', import.meta.url));

const TSC = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

/** The compiler options every type check starts from; each caller adds its module settings. */
const TSC_BASE_OPTIONS = { strict: true, noEmit: true, target: 'es2022', lib: ['esnext', 'dom'], types: [] };

/**
 * Every documented export of the package (more, e.g. wasm-bindgen's initSync, is
 * allowed). Each test that checks exports (Node, Chromium, tsc, the packed tarball)
 * asserts all of these.
 */
export const API_EXPORTS = ['RunnerClient', 'RunnerSet', 'configure', 'default', 'explainRunners', 'findRunners',
  'isExpression', 'matchRunners', 'requirementText', 'workflowTags'];

/**
 * Makes a temporary consumer project (package.json, node_modules/runner-match → pkg) and
 * returns `{ dir, cleanup() }`. `files` maps extra file names to their text.
 */
export function makeConsumerProject(prefix = 'runner-match-consumer-', files = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(PKG_DIR.replace(/\/$/, ''), path.join(dir, 'node_modules', 'runner-match'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Type-checks `file` in the project directory `dir` (see makeConsumerProject): writes
 * `tsconfig.<name>.json` with `compilerOptions` over TSC_BASE_OPTIONS and runs tsc on it.
 * Returns `{ code, output }`, tsc's exit code and what it printed; throws only if tsc
 * could not run at all.
 */
export async function runTsc(dir, file, compilerOptions = {}, name = path.parse(file).name) {
  const config = path.join(dir, `tsconfig.${name}.json`);
  writeFileSync(config, JSON.stringify({ compilerOptions: { ...TSC_BASE_OPTIONS, ...compilerOptions }, files: [file] }, null, 2));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [TSC, '-p', config, '--pretty', 'false'], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (err) {
    if (typeof err.code !== 'number') throw err;
    return { code: err.code, output: `${err.stdout}${err.stderr}` };
  }
}

/** Imports tests/support/consumer.mjs from a fresh consumer project: the package's API. */
export async function importPackage() {
  const project = makeConsumerProject();
  const entry = path.join(project.dir, 'consumer.mjs');
  copyFileSync(fileURLToPath(new URL('./consumer.mjs', import.meta.url)), entry);
  const mod = await import(pathToFileURL(entry).href);
  return { ...mod, project };
}
