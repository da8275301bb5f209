// Type-checked (never run) by the packaging test with tsc, moduleResolution nodenext and
// bundler: the `types` condition of the exports map must give consumers the real API.
import init, {
  configure, explainRunners, findRunners, matchRunners, RunnerClient, RunnerSet, workflowTags,
  type ApiRunner, type ClientOptions, type ErrorCode, type ExplanationReport, type RunnerMatch, type RunnerMatchError,
  type WorkflowTagsReport,
} from 'runner-match';

await init();
const options: ClientOptions = { token: 'cfc_demo', baseUrl: 'http://127.0.0.1:8080', cacheTtlMs: 0 };
configure(options);

const ranked: RunnerMatch[] = await findRunners('gpu-a100, flux');
const best: { id: string; score: number; fit: 'exact' | 'superset' | 'wildcard' } = ranked[0];
const fromArray: Promise<RunnerMatch[]> = new RunnerClient(options).findRunners(['flux']);

const listed: ApiRunner[] = [];
const pure: RunnerMatch[] = matchRunners(listed, 'flux');
const prebuilt: RunnerMatch[] = new RunnerSet(listed).match('flux');
const report: ExplanationReport = explainRunners(listed, 'flux | sdxl');
const submit: WorkflowTagsReport = workflowTags('flux | sdxl');
const notEnforced: string[] = report.workflowTags.notEnforced.concat(submit.notEnforced);

function codeOf(e: unknown): ErrorCode | undefined {
  return (e as RunnerMatchError).code;
}

// @ts-expect-error the token is a string
configure({ token: 42 });
// @ts-expect-error not an ErrorCode
const bad: ErrorCode = 'teapot';

// @ts-expect-error workflowTags gives a report, not the comma string
const text: string = workflowTags('flux');

export { best, fromArray, pure, prebuilt, notEnforced, codeOf, bad, text };
