// Stand-in helpers for the package tests: a distinctive token, log queries, in-flight
// counting from the request log, and a port nobody listens on.
import net from 'node:net';
import { fileURLToPath } from 'node:url';

import { startStandin, peakRequestsPerWindow, loadDefaultFleet, sortRunners } from '../../standin/server.mjs';

export { startStandin, peakRequestsPerWindow, loadDefaultFleet, sortRunners };

/** The token the stand-ins accept; it must never show up in any error. */
export const TOKEN = 'cfc_SECRET_do_not_leak_123';
/** A token the stand-ins reject (401); it must never show up either. */
export const WRONG_TOKEN = 'cfc_WRONG_do_not_leak_456';

export const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** A stand-in that accepts TOKEN (and the demo token). */
export function startApi(options = {}) {
  return startStandin({ tokens: [TOKEN, 'cfc_demo'], ...options });
}

/**
 * Serves `n` generated runners (seed `seed`) as the managed listing, all on one page (the
 * stand-in ignores per_page): a client's load is then one request of the whole fleet.
 */
export function serveOnePage(s, n, seed) {
  s.setFleet({ generate: n, seed });
  s.setFaults([{ path: '/v1/managed-runner', ignorePerPage: n, times: 'always' }]);
}

/** The API requests (GET /v1/…, not preflights) of the log, in arrival order. */
export function apiRequests(s) {
  return s.requests().filter((e) => e.kind === 'api');
}

/** Waits until every logged request has finished (its `ms` is filled in on close). */
export async function settled(s, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  while (s.requests().some((e) => e.ms === null)) {
    if (Date.now() > until) throw new Error('requests still open in the stand-in log');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * The most requests open at once according to the log: each entry is open over
 * [time, time + ms). A request that ends when another starts does not overlap it.
 */
export function maxInFlight(entries) {
  const events = [];
  for (const e of entries) {
    if (e.ms === null) throw new Error(`request ${e.seq} has not finished`);
    events.push([e.time, 1], [e.time + e.ms, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, d] of events) {
    open += d;
    peak = Math.max(peak, open);
  }
  return peak;
}

/** A 127.0.0.1 port that was free a moment ago and has nothing listening on it. */
export async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
