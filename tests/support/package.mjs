// Imports the built package (../../pkg) the way a consumer does: through the bare
// specifier 'runner-match' and the package's `exports` map, from a throw-away project
// whose node_modules/runner-match is a symlink to pkg/.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const PKG_DIR = fileURLToPath(new URL('../../pkg/', import.meta.url));

/**
 * Every documented export of the package (more, e.g. wasm-bindgen's initSync, is
 * allowed). Each test that checks exports (Node, Chromium, tsc, the packed tarball)
 * asserts all of these.
 */
export const API_EXPORTS = ['RunnerClient', 'RunnerSet', 'configure', 'default', 'explainRunners', 'findRunners',
  'matchRunners', 'workflowTags'];

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

/** Imports tests/support/consumer.mjs from a fresh consumer project: the package's API. */
export async function importPackage() {
  const project = makeConsumerProject();
  const entry = path.join(project.dir, 'consumer.mjs');
  copyFileSync(fileURLToPath(new URL('./consumer.mjs', import.meta.url)), entry);
  const mod = await import(pathToFileURL(entry).href);
  return { ...mod, project };
}
