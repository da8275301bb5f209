// A Vite app using runner-match. The API base URL is VITE_STANDIN_URL (build time) unless
// ?api= is given; ?token= and ?tags= override the defaults. Writes JSON into #result.
import init, { configure, findRunners } from 'runner-match';

const params = new URLSearchParams(location.search);
const baseUrl = params.get('api') ?? import.meta.env.VITE_STANDIN_URL;
const token = params.get('token') ?? 'cfc_demo';
const tags = params.get('tags') ?? 'gpu-a100, flux';
const out = document.getElementById('result');

async function main() {
  try {
    await init();
    configure({ token, baseUrl });
    const runners = await findRunners(tags);
    out.textContent = JSON.stringify({ ok: true, runners });
  } catch (e) {
    const error = { name: e?.name, code: e?.code, status: e?.status, message: String(e?.message ?? e), isError: e instanceof Error };
    out.textContent = JSON.stringify({ ok: false, error });
  }
  out.dataset.state = 'done';
}

main();
