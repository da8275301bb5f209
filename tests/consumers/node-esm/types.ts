// Type-checked (never run) by the packaging test with tsc, moduleResolution nodenext and
// bundler: the `types` condition of the exports map must give consumers the real API.
import init, {
  configure, findRunners, matchRunners, RunnerClient,
  type ApiRunner, type ClientOptions, type ErrorCode, type RunnerMatch, type RunnerMatchError,
} from 'runner-match';

await init();
const options: ClientOptions = { token: 'cfc_demo', baseUrl: 'http://127.0.0.1:8080', cacheTtlMs: 0 };
configure(options);

const ranked: RunnerMatch[] = await findRunners('gpu-a100, flux');
const best: { id: string; score: number; fit: 'exact' | 'superset' | 'wildcard' } = ranked[0];
const fromArray: Promise<RunnerMatch[]> = new RunnerClient(options).findRunners(['flux']);

const listed: ApiRunner[] = [];
const pure: RunnerMatch[] = matchRunners(listed, 'flux');

function codeOf(e: unknown): ErrorCode | undefined {
  return (e as RunnerMatchError).code;
}

// @ts-expect-error the token is a string
configure({ token: 42 });
// @ts-expect-error not an ErrorCode
const bad: ErrorCode = 'teapot';

export { best, fromArray, pure, codeOf, bad };
