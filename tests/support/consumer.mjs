// A consumer module, copied into a temporary project whose node_modules/runner-match is a
// symlink to ../pkg, so that the bare specifier goes through the package's `exports` map
// exactly as it does for users (see ./package.mjs). Never imported from this directory.
// Named imports: a missing export fails the import itself (a SyntaxError at link time).
import init, {
  configure, findRunners, RunnerClient, matchRunners, RunnerSet, explainRunners, workflowTags,
} from 'runner-match';
import * as namespace from 'runner-match';

export { init, configure, findRunners, RunnerClient, matchRunners, RunnerSet, explainRunners, workflowTags, namespace };

/** The file the bare specifier resolved to (the `node` condition: pkg/node.js). */
export const resolved = import.meta.resolve('runner-match');
