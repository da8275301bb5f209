// ComfyControl's documented rate limit (Cloudflare): 40 requests per 10 s per client IP;
// over it, 429 and a 10 s cooldown that serves nothing. CORS preflights (OPTIONS) reach
// Cloudflare like any request, so they count too (the stricter reading of the docs).

export const COMFYCONTROL_RATE_LIMIT = Object.freeze({ limit: 40, windowMs: 10_000, cooldownMs: 10_000 });

/** `true` → the ComfyControl numbers; an object overrides some of them; falsy → off (null). */
export function normalizeRateLimit(option) {
  if (!option) return null;
  const cfg = { ...COMFYCONTROL_RATE_LIMIT, ...(option === true ? {} : option) };
  for (const key of ['limit', 'windowMs', 'cooldownMs']) {
    if (!Number.isSafeInteger(cfg[key]) || cfg[key] < (key === 'cooldownMs' ? 0 : 1)) {
      throw new TypeError(`rateLimit.${key} must be a positive integer`);
    }
  }
  return { limit: cfg.limit, windowMs: cfg.windowMs, cooldownMs: cfg.cooldownMs };
}

/** A sliding-window limiter per client key (IP). */
export class RateLimiter {
  #clients = new Map();

  constructor(config = COMFYCONTROL_RATE_LIMIT) {
    this.config = config;
  }

  /** Records a request at `now` and says whether it may pass. */
  check(key, now = Date.now()) {
    const { limit, windowMs, cooldownMs } = this.config;
    let client = this.#clients.get(key);
    if (!client) this.#clients.set(key, (client = { hits: [], blockedUntil: 0 }));
    if (now < client.blockedUntil) return false;
    while (client.hits.length && client.hits[0] <= now - windowMs) client.hits.shift();
    if (client.hits.length >= limit) {
      client.blockedUntil = now + cooldownMs;
      client.hits = [];
      return false;
    }
    client.hits.push(now);
    return true;
  }

  reset() {
    this.#clients.clear();
  }
}

function defaultCounted(entry) {
  if (typeof entry === 'number') return true;
  if (entry && typeof entry.path === 'string') {
    return entry.path.startsWith('/v1/');
  }
  return true;
}

/**
 * The most requests inside any window of `windowMs` (half-open: [t, t + windowMs)).
 *
 * `log` is the stand-in's request log (entries with `time` in ms) or plain timestamps.
 * By default every API request counts (`/v1/…`, `OPTIONS` preflights included), which is
 * what ComfyControl's limit counts; pass `{ filter }` to choose.
 */
export function peakRequestsPerWindow(log, windowMs = COMFYCONTROL_RATE_LIMIT.windowMs, { filter = defaultCounted } = {}) {
  const times = log
    .filter(filter)
    .map((e) => (typeof e === 'number' ? e : e.time))
    .sort((a, b) => a - b);
  let peak = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi] - times[lo] >= windowMs) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}
