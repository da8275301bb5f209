// Fault injection for the stand-in: validation of fault specs and the store that decides,
// per API request, which (if any) fault applies. See README.md for the format.

const MATCH_KEYS = ['path', 'page', 'times', 'after'];
const EFFECT_KEYS = [
  'status', 'retryAfter', 'message', 'delayMs', 'hang', 'drop',
  'body', 'contentType', 'truncateAt', 'fleetTotal', 'ignorePerPage', 'location',
];
const ALL_KEYS = new Set([...MATCH_KEYS, ...EFFECT_KEYS]);
const SHAPING = ['status', 'retryAfter', 'message', 'body', 'contentType', 'truncateAt', 'fleetTotal', 'ignorePerPage', 'location'];

/** The default `message` of an error response, per status. */
export const STATUS_MESSAGES = Object.freeze({
  400: 'Bad request',
  401: 'Invalid token',
  403: 'Managed runners require Pro or Plus tier',
  404: 'requested entity not found',
  405: 'method not allowed',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
});

/** A fault spec that does not validate; `message` says which and why. */
export class FaultError extends Error {}

const isInt = (v, min, max = Number.MAX_SAFE_INTEGER) => Number.isSafeInteger(v) && v >= min && v <= max;

/**
 * Validates one fault spec and returns its normalized, frozen form:
 * `{ path, page, times, after, ...effects }` where `times` is a number or Infinity.
 */
export function normalizeFault(spec, index = 0) {
  const where = `fault[${index}]`;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new FaultError(`${where}: a fault is a JSON object`);
  for (const key of Object.keys(spec)) {
    if (!ALL_KEYS.has(key)) throw new FaultError(`${where}: unknown key '${key}' (known: ${[...ALL_KEYS].join(', ')})`);
  }
  const f = { ...spec };
  if (!EFFECT_KEYS.some((k) => f[k] !== undefined)) throw new FaultError(`${where}: no effect (use one of ${EFFECT_KEYS.join(', ')})`);
  const bad = (msg) => { throw new FaultError(`${where}: ${msg}`); };

  if (f.path !== undefined && (typeof f.path !== 'string' || !f.path.startsWith('/'))) bad("'path' must be a path such as '/v1/managed-runner'");
  if (f.page !== undefined && !isInt(f.page, 1)) bad("'page' must be an integer >= 1");
  if (f.times === undefined) f.times = 1;
  else if (f.times === 'always') f.times = Infinity;
  else if (!isInt(f.times, 1)) bad("'times' must be an integer >= 1 or \"always\"");
  if (f.after === undefined) f.after = 0;
  else if (!isInt(f.after, 0)) bad("'after' must be an integer >= 0");

  if (f.status !== undefined && !isInt(f.status, 200, 599)) bad("'status' must be an HTTP status in 200..=599");
  if (f.retryAfter !== undefined) {
    if (typeof f.retryAfter === 'number' && f.retryAfter >= 0) f.retryAfter = String(f.retryAfter);
    else if (typeof f.retryAfter !== 'string') bad("'retryAfter' must be a string (the header value) or a number of seconds");
  }
  if (f.message !== undefined && typeof f.message !== 'string') bad("'message' must be a string");
  if (f.delayMs !== undefined && !(typeof f.delayMs === 'number' && f.delayMs >= 0 && f.delayMs <= 600_000)) bad("'delayMs' must be a number in 0..=600000");
  if (f.hang !== undefined && f.hang !== true) bad("'hang' must be true");
  if (f.drop !== undefined && f.drop !== true) bad("'drop' must be true");
  if (f.body !== undefined && typeof f.body !== 'string') f.body = JSON.stringify(f.body);
  if (f.contentType !== undefined && typeof f.contentType !== 'string') bad("'contentType' must be a string");
  if (f.truncateAt !== undefined && !isInt(f.truncateAt, 0)) bad("'truncateAt' must be an integer >= 0 (bytes kept)");
  if (f.fleetTotal !== undefined && !isInt(f.fleetTotal, 0)) bad("'fleetTotal' must be an integer >= 0");
  if (f.ignorePerPage === true) f.ignorePerPage = 10;
  else if (f.ignorePerPage !== undefined && !isInt(f.ignorePerPage, 1, 100_000)) bad("'ignorePerPage' must be true or a page size >= 1");

  if (f.location !== undefined) {
    if (typeof f.location !== 'string' || !/^https?:\/\/./.test(f.location)) bad("'location' must be an absolute http(s) URL (the redirect target)");
    if (f.status === undefined) f.status = 302;
    else if (!isInt(f.status, 300, 399)) bad("'location' needs a 3xx 'status' (default 302)");
  }
  if (f.hang && f.drop) bad("'hang' and 'drop' exclude each other");
  if (f.hang || f.drop) {
    const clash = SHAPING.filter((k) => f[k] !== undefined);
    if (clash.length) bad(`'${f.hang ? 'hang' : 'drop'}' sends no response, so ${clash.join(', ')} cannot apply`);
  }
  return Object.freeze(f);
}

/** Validates a list (or a single spec) and returns the normalized list. */
export function normalizeFaults(list) {
  const arr = Array.isArray(list) ? list : list && Array.isArray(list.faults) ? list.faults : [list];
  return arr.map((spec, i) => normalizeFault(spec, i));
}

/** The JSON form of a normalized fault (`times: "always"` instead of Infinity). */
export function faultToJSON(f) {
  return { ...f, times: f.times === Infinity ? 'always' : f.times };
}

/**
 * Pending faults, in order. For each API request, `take` finds the first fault whose
 * matcher fits (path, page), lets it skip `after` matching requests, then applies it and
 * counts down `times`; a used-up fault disappears.
 */
export class FaultStore {
  #entries = [];

  set(list) {
    this.#entries = normalizeFaults(list).map((fault) => ({ fault, remaining: fault.times, skipped: 0 }));
  }

  add(list) {
    this.#entries.push(...normalizeFaults(list).map((fault) => ({ fault, remaining: fault.times, skipped: 0 })));
  }

  clear() {
    this.#entries = [];
  }

  /** The pending faults with what is left of them. */
  list() {
    return this.#entries.map(({ fault, remaining, skipped }) => ({
      ...faultToJSON(fault),
      remaining: remaining === Infinity ? 'always' : remaining,
      skipped,
    }));
  }

  /** The fault for a request `{path, page}` (page may be null), consuming one use, or null. */
  take({ path, page }) {
    for (let i = 0; i < this.#entries.length; i++) {
      const entry = this.#entries[i];
      const { fault } = entry;
      if (fault.path !== undefined && fault.path !== path) continue;
      if (fault.page !== undefined && fault.page !== page) continue;
      if (entry.skipped < fault.after) {
        entry.skipped++;
        continue;
      }
      entry.remaining--;
      if (entry.remaining <= 0) this.#entries.splice(i, 1);
      return fault;
    }
    return null;
  }
}

/** A short description of a fault for the request log, e.g. "status=503 retryAfter=2". */
export function describeFault(f) {
  return EFFECT_KEYS.filter((k) => f[k] !== undefined)
    .map((k) => (k === 'body' ? `body(${Buffer.byteLength(f.body)}B)` : `${k}=${f[k]}`))
    .join(' ');
}
