#!/usr/bin/env node
// A ComfyControl-compatible stand-in server (Node 20, no dependencies) for the JS, browser
// and wasm-bindgen tests and for `make demo`. Library: `startStandin(options)`. CLI:
// `node standin/server.mjs --help`. See standin/README.md.

import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { handleControl } from './control.mjs';
import { FaultStore, STATUS_MESSAGES, describeFault } from './faults.mjs';
import { loadDefaultFleet, resolveFleetSpec } from './fleet.mjs';
import { RateLimiter, normalizeRateLimit } from './ratelimit.mjs';
import { RequestLog } from './requestlog.mjs';
import { normalizeMounts, serveStatic } from './static.mjs';
import { defaultWorkflows, filterWorkflows, loadDemoSelfHosted, resolveWorkflowSpec } from './workflows.mjs';

export { peakRequestsPerWindow, COMFYCONTROL_RATE_LIMIT } from './ratelimit.mjs';
export { generateFleet, loadDefaultFleet, sortRunners, mulberry32, VOCABULARY } from './fleet.mjs';
export { normalizeFault, normalizeFaults, FaultError } from './faults.mjs';
export { mimeType } from './static.mjs';
export {
  defaultWorkflows, generateWorkflows, loadDemoSelfHosted, sortWorkflows, STATUS_FILTER, WORKFLOW_STATUSES,
} from './workflows.mjs';

/** The token the demo accepts by default. */
export const DEFAULT_TOKEN = 'cfc_demo';
/** A token accepted by default that acts as a Free-tier account (403 on managed runners). */
export const FREE_TOKEN = 'cfc_free_demo';

const JSON_TYPE = 'application/json; charset=utf-8';
const TIERS = ['free', 'pro', 'plus', 'enterprise'];
const LISTINGS = { '/v1/managed-runner': 'managed', '/v1/runner': 'selfHosted', '/v1/workflow': 'workflows' };
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Expose-Headers': 'Retry-After',
  'Access-Control-Max-Age': '600',
};
const CORS_CONTROL = { ...CORS, 'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS' };
const USER = {
  id: '5f0c2a9e-7d41-4b8e-9a63-2c1f8e4d7b10', name: 'Stand-in Demo User', email: 'demo@example.com',
  deleted: false, provider: 'github', created_at: '2024-01-02T09:00:00Z', updated_at: '2026-01-05T12:00:00Z',
};

/** `true` for 127.0.0.0/8 and ::1, also in their IPv4-mapped forms. */
export function isLoopback(address = '') {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

const errorBody = (status, message) => ({ status, message: message ?? STATUS_MESSAGES[status] ?? http.STATUS_CODES[status] });
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function normalizeConfig(patch, base) {
  if (!isObject(patch)) throw new TypeError('config is a JSON object');
  const next = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'tokens') {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || !list.every((t) => typeof t === 'string' && t.length > 0)) {
        throw new TypeError('tokens is a non-empty string or an array of them');
      }
      next.tokens = [...list];
    } else if (key === 'acceptAnyToken' || key === 'listDisabled') {
      if (typeof value !== 'boolean') throw new TypeError(`${key} is a boolean`);
      next[key] = value;
    } else if (key === 'rateLimit') {
      next.rateLimit = normalizeRateLimit(value);
    } else if (key === 'tier') {
      if (!TIERS.includes(value)) throw new TypeError(`tier is one of ${TIERS.join(', ')}`);
      next.tier = value;
    } else if (key === 'tokenTiers') {
      const ok = isObject(value) && Object.entries(value).every(([t, tier]) => t.length > 0 && TIERS.includes(tier));
      if (!ok) throw new TypeError(`tokenTiers maps tokens to a tier (${TIERS.join(', ')})`);
      next.tokenTiers = { ...value };
    } else {
      throw new TypeError(`unknown config key '${key}' (known: tokens, acceptAnyToken, listDisabled, rateLimit, tier, tokenTiers)`);
    }
  }
  return next;
}

/** `{page, perPage}` from the query; a value that is not allowed becomes null. */
function parsePaging(params) {
  const int = (name, fallback, max) => {
    const raw = params.get(name);
    if (raw === null) return fallback;
    if (!/^[0-9]+$/.test(raw)) return null;
    const n = Number(raw);
    return n >= 1 && n <= max ? n : null;
  };
  return { page: int('page', 1, Number.MAX_SAFE_INTEGER), perPage: int('per_page', 10, 100) };
}

/**
 * Starts a stand-in on `host:port` (default 127.0.0.1, ephemeral port).
 *
 * Options: `port`, `host`, `tokens` (default ['cfc_demo']), `tokenTiers` (tokens also
 * accepted, each acting as its own tier; default {cfc_free_demo: 'free'}), `acceptAnyToken`
 * (false), `listDisabled` (true), `tier` ('pro'), `rateLimit` (false | true | {limit,
 * windowMs, cooldownMs}), `fleet` (fleet spec, default standin/fleet.json), `selfHosted`
 * (fleet spec, default []; 'demo' for the demo's self-hosted fleet), `workflows` (workflow
 * spec, default the default set), `faults` (initial fault list), `static` ([{mount, dir}]), `staticBase`
 * (directory the static dirs are relative to, default cwd), `logRequests` (print one
 * line per request to stderr).
 */
export async function startStandin(options = {}) {
  const { port = 0, host = '127.0.0.1', logRequests = false } = options;
  const initialConfig = normalizeConfig(
    {
      tokens: options.tokens ?? [DEFAULT_TOKEN],
      acceptAnyToken: options.acceptAnyToken ?? false,
      listDisabled: options.listDisabled ?? true,
      tier: options.tier ?? 'pro',
      tokenTiers: options.tokenTiers ?? { [FREE_TOKEN]: 'free' },
      rateLimit: options.rateLimit ?? false,
    },
    {},
  );
  const startedAt = Date.now();
  const initialFleet = {
    managed: resolveFleetSpec(options.fleet ?? loadDefaultFleet(), 'managed'),
    selfHosted: resolveFleetSpec(options.selfHosted === 'demo' ? loadDemoSelfHosted() : options.selfHosted ?? [], 'selfHosted'),
    workflows: resolveWorkflowSpec(options.workflows ?? defaultWorkflows(startedAt), startedAt),
  };
  const mounts = normalizeMounts(options.static ?? [], options.staticBase);

  let config = initialConfig;
  let fleet = { ...initialFleet };
  let limiter = config.rateLimit ? new RateLimiter(config.rateLimit) : null;
  const faults = new FaultStore();
  if (options.faults) faults.set(options.faults);
  const log = new RequestLog({ secrets: () => [...config.tokens, ...Object.keys(config.tokenTiers)], echo: logRequests });
  let closed = false;
  const hung = new Set();
  const sleepers = new Map();

  const sleep = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        sleepers.delete(timer);
        resolve();
      }, ms);
      sleepers.set(timer, resolve);
    });

  /** The tier the request's token acts as, or null when the token is not accepted. */
  function tierOf(header) {
    const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
    if (!m) return null;
    const given = Buffer.from(m[1]);
    const same = (t) => {
      const want = Buffer.from(t);
      return want.length === given.length && timingSafeEqual(want, given);
    };
    const tiered = Object.keys(config.tokenTiers).find(same);
    if (tiered !== undefined) return config.tokenTiers[tiered];
    return config.acceptAnyToken || config.tokens.some(same) ? config.tier : null;
  }

  function send(req, res, status, body, { contentType = JSON_TYPE, headers = {} } = {}) {
    if (res.destroyed || res.headersSent) return;
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': buf.length, 'Cache-Control': 'no-store', ...headers });
    res.end(req.method === 'HEAD' ? undefined : buf);
  }

  function list(kind, params, paging, fault) {
    if (paging.page === null) return { status: 400, body: errorBody(400, 'page must be an integer >= 1') };
    if (paging.perPage === null) return { status: 400, body: errorBody(400, 'per_page must be an integer between 1 and 100') };
    let all = fleet[kind];
    if (kind === 'managed' && !config.listDisabled) all = all.filter((r) => r.status === 'active');
    if (kind === 'workflows') {
      const filtered = filterWorkflows(all, params);
      if (filtered.error) return { status: 400, body: errorBody(400, filtered.error) };
      all = filtered.workflows;
    }
    if (kind === 'selfHosted' && params.has('status')) {
      const want = params.get('status');
      if (want !== 'active' && want !== 'disabled') return { status: 400, body: errorBody(400, 'invalid status value') };
      all = all.filter((r) => r.status === want);
    }
    const per = fault?.ignorePerPage ?? paging.perPage;
    const start = (paging.page - 1) * per;
    const items = kind === 'workflows' ? 'workflows' : 'runners';
    return { status: 200, body: { [items]: all.slice(start, start + per), total: fault?.fleetTotal ?? all.length } };
  }

  /** The normal (fault-free) answer to an API request: `{status, body, headers?}`. */
  function route(req, url, paging, fault) {
    if (req.method !== 'GET') return { status: 405, body: errorBody(405), headers: { Allow: 'GET, OPTIONS' } };
    const tier = tierOf(req.headers.authorization);
    if (tier === null) return { status: 401, body: errorBody(401) };
    const path = url.pathname;
    const managed = path === '/v1/managed-runner' || path.startsWith('/v1/managed-runner/');
    if (managed && tier === 'free') return { status: 403, body: errorBody(403) };
    if (path === '/v1/user') return { status: 200, body: { ...USER, tier } };
    if (LISTINGS[path]) return list(LISTINGS[path], url.searchParams, paging, fault);
    const one = /^\/v1\/(managed-runner|runner)\/([^/]+)$/.exec(path);
    if (one) {
      const kind = one[1] === 'runner' ? 'selfHosted' : 'managed';
      let id;
      try {
        id = decodeURIComponent(one[2]);
      } catch {
        id = one[2];
      }
      const found = fleet[kind].find((r) => r.id === id && (kind === 'selfHosted' || config.listDisabled || r.status === 'active'));
      if (found) return { status: 200, body: found };
    }
    return { status: 404, body: errorBody(404) };
  }

  /** The rate limiter's verdict on a request to the API (preflights included). */
  function admit(entry) {
    if (!limiter || limiter.check(entry.ip ?? '?', entry.time)) return true;
    entry.rateLimited = true;
    return false;
  }

  async function handleApi(req, res, url, entry) {
    if (!admit(entry)) return send(req, res, 429, errorBody(429));
    const paging = LISTINGS[url.pathname] ? parsePaging(url.searchParams) : null;
    if (paging) Object.assign(entry, paging);
    const fault = faults.take({ path: url.pathname, page: paging?.page ?? null });
    if (fault) {
      entry.fault = describeFault(fault);
      if (fault.delayMs) await sleep(fault.delayMs);
      if (closed || res.destroyed) return undefined;
      if (fault.hang) {
        entry.outcome = 'hang';
        hung.add(res);
        res.once('close', () => hung.delete(res));
        return undefined;
      }
      if (fault.drop) {
        entry.outcome = 'drop';
        return req.socket.destroy();
      }
    }
    let result;
    if (fault && (fault.body !== undefined || (fault.status ?? 0) >= 300)) {
      const status = fault.status ?? 200;
      result = { status, body: fault.body ?? errorBody(status, fault.message) };
    } else {
      result = route(req, url, paging, fault);
      if (fault?.status && result.status < 300) result.status = fault.status;
    }
    let body = Buffer.from(typeof result.body === 'string' ? result.body : JSON.stringify(result.body));
    const headers = { ...result.headers };
    if (fault?.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
    if (fault?.location !== undefined) headers.Location = fault.location;
    if (fault?.truncateAt !== undefined) body = body.subarray(0, fault.truncateAt);
    return send(req, res, result.status, body, { contentType: fault?.contentType ?? JSON_TYPE, headers });
  }

  function setWorkflows(spec) {
    fleet = { ...fleet, workflows: resolveWorkflowSpec(spec, Date.now()) };
    return { workflows: fleet.workflows.length };
  }

  function setFleet(spec) {
    if (isObject(spec) && ('managed' in spec || 'selfHosted' in spec)) {
      const next = { ...fleet };
      if ('managed' in spec) next.managed = resolveFleetSpec(spec.managed, 'managed');
      if ('selfHosted' in spec) next.selfHosted = resolveFleetSpec(spec.selfHosted, 'selfHosted');
      fleet = next;
    } else {
      fleet = { ...fleet, managed: resolveFleetSpec(spec, 'managed') };
    }
    return { managed: fleet.managed.length, selfHosted: fleet.selfHosted.length };
  }

  /** The runner listings only: workflows have their own accessors. */
  const runnerFleet = () => structuredClone({ managed: fleet.managed, selfHosted: fleet.selfHosted });

  function configure(patch) {
    const next = normalizeConfig(patch, config);
    if (JSON.stringify(next.rateLimit) !== JSON.stringify(config.rateLimit)) {
      limiter = next.rateLimit ? new RateLimiter(next.rateLimit) : null;
    }
    config = next;
    return publicConfig();
  }

  const publicConfig = () => ({
    tokensConfigured: config.tokens.length, tierTokensConfigured: Object.keys(config.tokenTiers).length,
    acceptAnyToken: config.acceptAnyToken,
    listDisabled: config.listDisabled, tier: config.tier, rateLimit: config.rateLimit,
  });

  function reset() {
    log.clear({ resetSeq: true });
    faults.clear();
    fleet = { ...initialFleet };
    config = initialConfig;
    limiter = config.rateLimit ? new RateLimiter(config.rateLimit) : null;
    for (const res of hung) res.destroy();
    hung.clear();
  }

  async function handle(req, res) {
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://standin.invalid');
    } catch {
      return send(req, res, 400, errorBody(400, 'invalid request target'));
    }
    const { pathname } = url;
    const control = pathname === '/__standin' || pathname.startsWith('/__standin/');
    for (const [k, v] of Object.entries(control ? CORS_CONTROL : CORS)) res.setHeader(k, v);
    if (control) {
      const json = (status, body) => send(req, res, status, body);
      if (!isLoopback(req.socket.remoteAddress)) return json(403, errorBody(403, 'the control API is loopback-only'));
      if (req.method === 'OPTIONS') return res.writeHead(204, { 'Access-Control-Allow-Private-Network': 'true' }).end();
      return handleControl(req, res, url, standin, json);
    }
    const api = pathname === '/v1' || pathname.startsWith('/v1/');
    const kind = req.method === 'OPTIONS' ? 'preflight' : api ? 'api' : mounts.length ? 'static' : 'other';
    const entry = log.record(req, res, url, kind);
    if (req.method === 'OPTIONS') {
      // Cloudflare's limit sits in front of every endpoint and counts CORS preflights
      // too (the stricter reading): a preflight over the limit gets the 429.
      if (api && !admit(entry)) return send(req, res, 429, errorBody(429));
      return res.writeHead(204, { 'Access-Control-Allow-Private-Network': 'true' }).end();
    }
    if (api) return handleApi(req, res, url, entry);
    const sendJson = (status, body, headers) => send(req, res, status, body, { headers });
    if (await serveStatic(req, res, { rawUrl: req.url ?? '/', pathname, mounts, send: sendJson })) return undefined;
    return sendJson(404, errorBody(404));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      process.stderr.write(`standin: internal error: ${err?.stack ?? err}\n`);
      send(req, res, 500, errorBody(500));
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;

  const standin = {
    url: `http://${shownHost}:${actualPort}`,
    port: actualPort,
    host,
    server,
    async close() {
      if (closed) return;
      closed = true;
      for (const [timer, resolve] of sleepers) {
        clearTimeout(timer);
        resolve();
      }
      sleepers.clear();
      for (const res of hung) res.destroy();
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    reset,
    setFaults: (list) => faults.set(list),
    addFaults: (list) => faults.add(list),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    setFleet,
    fleet: runnerFleet,
    setWorkflows,
    workflows: () => structuredClone(fleet.workflows),
    requests: (opts) => log.list(opts),
    clearRequests: () => log.clear(),
    stats: (windowMs) => log.stats(windowMs),
    configure,
    config: publicConfig,
  };
  return standin;
}

// ---------------------------------------------------------------------------------------
// CLI

const HELP = `Usage: node standin/server.mjs [options]

  --port N               port (default: $PORT, else 8080; 0 = any free port)
  --host H               bind address (default 127.0.0.1; the control API stays loopback-only)
  --static MOUNT=DIR     serve DIR at MOUNT, repeatable (e.g. --static /=web --static /pkg/=pkg)
  --token T              accepted Bearer token, repeatable (default: cfc_demo)
  --accept-any-token     accept any non-empty Bearer token (the demo: a pasted token works)
  --rate-limit           enable ComfyControl's limit (40 requests / 10 s per IP, then 10 s of 429)
  --hide-disabled        do not list disabled managed runners (the default lists them)
  --tier T               free | pro | plus | enterprise (default pro; free gets 403)
                         (the token cfc_free_demo is always accepted, as a Free tier)
  --fleet FILE           managed fleet JSON (a runner array or {runners: [...]})
  --self-hosted SPEC     self-hosted fleet: 'demo' (the demo's runners, secret-looking headers)
                         or a JSON file (a runner array or {runners: [...]}); default none
  --workflows FILE       workflow listing JSON (an array or {workflows: [...]}); default: the
                         built-in set (waiting and finished workflows, some stuck)
  --generate N --seed S  generate a managed fleet of N runners instead
  --log                  print one line per request to stderr (tokens are never printed)
  -h, --help             this text

Prints the server URL on the first line of stdout.`;

/** CLI arguments → startStandin options. */
export function parseCliArgs(argv, env = process.env) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      static: { type: 'string', multiple: true },
      token: { type: 'string', multiple: true },
      'accept-any-token': { type: 'boolean' },
      'rate-limit': { type: 'boolean' },
      'hide-disabled': { type: 'boolean' },
      tier: { type: 'string' },
      fleet: { type: 'string' },
      'self-hosted': { type: 'string' },
      workflows: { type: 'string' },
      generate: { type: 'string' },
      seed: { type: 'string' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const portText = values.port ?? env.PORT ?? '8080';
  const port = Number(portText);
  if (!/^[0-9]+$/.test(portText) || port > 65535) throw new TypeError(`invalid port ${portText}`);
  const options = { port, host: values.host ?? '127.0.0.1' };
  options.static = (values.static ?? []).map((spec) => {
    const eq = spec.indexOf('=');
    return eq < 0 ? { mount: '/', dir: spec } : { mount: spec.slice(0, eq), dir: spec.slice(eq + 1) };
  });
  if (values.token) options.tokens = values.token;
  if (values['accept-any-token']) options.acceptAnyToken = true;
  if (values['rate-limit']) options.rateLimit = true;
  if (values['hide-disabled']) options.listDisabled = false;
  if (values.tier) options.tier = values.tier;
  if (values.log) options.logRequests = true;
  if (values.fleet) options.fleet = JSON.parse(readFileSync(values.fleet, 'utf8'));
  const selfHosted = values['self-hosted'];
  if (selfHosted) options.selfHosted = selfHosted === 'demo' ? 'demo' : JSON.parse(readFileSync(selfHosted, 'utf8'));
  if (values.workflows) options.workflows = JSON.parse(readFileSync(values.workflows, 'utf8'));
  if (values.generate !== undefined) {
    const seed = values.seed === undefined ? 1 : /^[0-9]+$/.test(values.seed) ? Number(values.seed) : values.seed;
    options.fleet = { generate: Number(values.generate), seed };
  }
  return options;
}

async function main() {
  let options;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`standin: ${err.message}\n\n${HELP}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  for (const { dir } of options.static) {
    if (!existsSync(dir)) process.stderr.write(`standin: warning: static dir ${dir} does not exist (yet)\n`);
  }
  const standin = await startStandin(options);
  const config = standin.config();
  const auth = config.acceptAnyToken ? 'any Bearer token' : `${config.tokensConfigured} configured token(s)`;
  process.stdout.write(`${standin.url}\n`);
  process.stderr.write(
    `ComfyControl stand-in: GET /v1/managed-runner (${standin.fleet().managed.length} runners), ` +
      `/v1/runner (${standin.fleet().selfHosted.length}), /v1/workflow (${standin.workflows().length}), /v1/user\n` +
      `  auth: ${auth}; rate limit: ${config.rateLimit ? 'on' : 'off'}; control API: ${standin.url}/__standin/\n` +
      (options.static.length ? `  static: ${options.static.map((s) => `${s.mount} -> ${s.dir}`).join(', ')}\n` : '') +
      '  Ctrl-C to stop\n',
  );
  const stop = () => standin.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function isMain() {
  try {
    return Boolean(process.argv[1]) && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) await main();
