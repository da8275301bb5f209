// The README example, as a Node ESM consumer writes it. Environment: STANDIN_URL (the API
// base URL), RUNNER_TOKEN (default cfc_demo), RUNNER_TAGS (default 'gpu-a100, flux').
// Prints one JSON line: {ok:true, runners} or {ok:false, error}; exit code 1 on error.
import init, { configure, findRunners } from 'runner-match';

const token = process.env.RUNNER_TOKEN ?? 'cfc_demo';
const tags = process.env.RUNNER_TAGS ?? 'gpu-a100, flux';

try {
  await init();
  configure({ token, baseUrl: process.env.STANDIN_URL });
  const runners = await findRunners(tags);
  console.log(JSON.stringify({ ok: true, runners }));
} catch (e) {
  const error = { name: e?.name, code: e?.code, status: e?.status, message: String(e?.message ?? e), isError: e instanceof Error };
  console.log(JSON.stringify({ ok: false, error }));
  process.exitCode = 1;
}
