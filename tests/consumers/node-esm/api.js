// The rest of the public API from a Node ESM consumer, without a network: where the bare
// specifier resolves, the export names, `findRunners` before `configure`, `matchRunners`
// on a fleet file (FLEET_JSON) and a `RunnerClient`. Prints one JSON object.
import { readFileSync } from 'node:fs';
import * as ns from 'runner-match';
import init, {
  configure, explainRunners, findRunners, matchRunners, RunnerClient, RunnerSet, workflowTags,
} from 'runner-match';

const out = {
  resolved: import.meta.resolve('runner-match'),
  packageJson: import.meta.resolve('runner-match/package.json'),
  exports: Object.keys(ns).sort(),
  types: {
    init: typeof init, configure: typeof configure, findRunners: typeof findRunners, matchRunners: typeof matchRunners,
    RunnerClient: typeof RunnerClient, RunnerSet: typeof RunnerSet, explainRunners: typeof explainRunners,
    workflowTags: typeof workflowTags,
  },
};
out.initResult = (await init()) ?? null;

try {
  await findRunners('flux');
  out.beforeConfigure = { ok: true };
} catch (e) {
  out.beforeConfigure = { ok: false, name: e?.name, code: e?.code, isError: e instanceof Error };
}

const fleet = JSON.parse(readFileSync(process.env.FLEET_JSON, 'utf8'));
out.matched = matchRunners(fleet, ['gpu-a100', 'flux']).map((m) => ({ id: m.id, score: m.score, fit: m.fit }));
const set = new RunnerSet(fleet);
out.setMatched = set.match(['gpu-a100', 'flux']).map((m) => ({ id: m.id, score: m.score, fit: m.fit }));
set.free();
out.explainedMatches = explainRunners(fleet, ['gpu-a100', 'flux']).matchCount;
out.workflowTags = workflowTags('gpu-a100 & (flux | sdxl)');

const client = new RunnerClient({ token: 'cfc_demo', baseUrl: 'http://127.0.0.1:9' });
out.clientBaseUrl = client.baseUrl;
client.free();

try {
  new RunnerClient({ token: 'cfc_demo', baseUrl: 'http://example.com' });
  out.insecure = { ok: true };
} catch (e) {
  out.insecure = { ok: false, name: e?.name, code: e?.code };
}

console.log(JSON.stringify(out));
