// The stand-in's request log. Entries never hold a token: the Authorization header is
// reduced to 'present' | 'missing', and token-like text in the path or query is redacted.

import { createHash } from 'node:crypto';

import { peakRequestsPerWindow } from './ratelimit.mjs';

const SECRET_PARAM = /token|secret|password|auth|key/i;
const SEEN_MAX = 1000;
const digest = (text) => createHash('sha256').update(text).digest('base64');

/** A function that removes `cfc_…` tokens and each of `secrets` from a string. */
export function scrubber(secrets) {
  const list = secrets.filter(Boolean);
  return (text) => {
    let out = String(text).replace(/cfc_[A-Za-z0-9_-]+/g, 'cfc_<redacted>');
    for (const s of list) out = out.split(s).join('<redacted>');
    return out;
  };
}

export class RequestLog {
  #entries = [];
  #seq = 0;
  /** SHA-256 digests (never the values) of recent bearer tokens, to redact them later too. */
  #seen = new Set();

  /** `secrets()` returns the configured tokens (redacted wherever they appear). */
  constructor({ max = 100_000, secrets = () => [], echo = false } = {}) {
    this.max = max;
    this.secrets = secrets;
    this.echo = echo;
  }

  /**
   * Appends an entry for `req` and returns it; `status` and `ms` are filled in when the
   * response closes (status stays null when no response was sent: hang, drop, abort).
   */
  record(req, res, url, kind) {
    const bearer = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) {
      this.#seen.add(digest(bearer));
      if (this.#seen.size > SEEN_MAX) this.#seen.delete(this.#seen.values().next().value);
    }
    const substrings = scrubber([...this.secrets(), bearer]);
    // A whole value or path segment that was a bearer token earlier is redacted as well.
    const scrubPart = (part) => {
      let plain = part;
      try {
        plain = decodeURIComponent(part);
      } catch {
        // keep the raw text
      }
      return part && (this.#seen.has(digest(part)) || this.#seen.has(digest(plain))) ? '<redacted>' : substrings(part);
    };
    const scrub = (text) => String(text).split('/').map(scrubPart).join('/');
    const query = {};
    for (const [k, v] of url.searchParams) {
      const key = scrub(k);
      const value = SECRET_PARAM.test(k) ? '<redacted>' : scrub(v);
      query[key] = key in query ? [].concat(query[key], value) : value;
    }
    const entry = {
      seq: ++this.#seq,
      time: Date.now(),
      method: req.method,
      path: scrub(url.pathname),
      query,
      page: null,
      perPage: null,
      authorization: req.headers.authorization?.trim() ? 'present' : 'missing',
      ip: req.socket.remoteAddress ?? null,
      kind,
      status: null,
      outcome: null,
      fault: null,
      rateLimited: false,
      ms: null,
    };
    this.#entries.push(entry);
    if (this.#entries.length > this.max) this.#entries.splice(0, this.#entries.length - this.max);
    res.once('close', () => {
      entry.status = res.headersSent ? res.statusCode : null;
      entry.ms = Date.now() - entry.time;
      if (this.echo) process.stderr.write(`${formatEntry(entry)}\n`);
    });
    return entry;
  }

  /** Deep copies of the entries with `seq > since`. */
  list({ since = 0 } = {}) {
    return structuredClone(this.#entries.filter((e) => e.seq > since));
  }

  clear({ resetSeq = false } = {}) {
    this.#entries = [];
    if (resetSeq) this.#seq = 0;
  }

  /** Counts, by status, and the peak of API requests in any `windowMs` window. */
  stats(windowMs = 10_000) {
    const byStatus = {};
    for (const e of this.#entries) {
      const key = String(e.status ?? e.outcome ?? 'pending');
      byStatus[key] = (byStatus[key] ?? 0) + 1;
    }
    return {
      requests: this.#entries.length,
      api: this.#entries.filter((e) => e.kind === 'api').length,
      rateLimited: this.#entries.filter((e) => e.rateLimited).length,
      windowMs,
      peak: peakRequestsPerWindow(this.#entries, windowMs),
      byStatus,
    };
  }
}

/** One human-readable line, e.g. `GET /v1/managed-runner?page=2 -> 200 (3 ms)`. */
export function formatEntry(entry) {
  const q = new URLSearchParams(Object.entries(entry.query).flatMap(([k, v]) => [].concat(v).map((x) => [k, x])));
  const shown = entry.status ?? entry.outcome ?? 'aborted';
  const fault = entry.fault ? ` [fault: ${entry.fault}]` : entry.rateLimited ? ' [rate limited]' : '';
  return `${entry.method} ${entry.path}${q.size ? `?${q}` : ''} -> ${shown} (${entry.ms} ms)${fault}`;
}
