// Static files for the demo: mounts such as [{mount: '/', dir: 'web'}, {mount: '/pkg/', dir: 'pkg'}].

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.d.ts': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** The Content-Type for a file name (`.d.ts` checked before `.ts`). */
export function mimeType(file) {
  const lower = file.toLowerCase();
  if (lower.endsWith('.d.ts')) return MIME['.d.ts'];
  return MIME[path.extname(lower)] ?? 'application/octet-stream';
}

/**
 * Normalizes mount options: `mount` gets a leading and trailing slash, `dir` is resolved
 * against `base` (default: the current directory). Longest mount first.
 */
export function normalizeMounts(mounts = [], base = process.cwd()) {
  return mounts
    .map(({ mount = '/', dir }) => {
      if (typeof dir !== 'string' || !dir) throw new TypeError('static mount needs a dir');
      let m = mount.startsWith('/') ? mount : `/${mount}`;
      if (!m.endsWith('/')) m += '/';
      return { mount: m, dir: path.resolve(base, dir) };
    })
    .sort((a, b) => b.mount.length - a.mount.length);
}

/** `true` if the raw request target has a `..` segment, raw or percent-encoded, or a backslash/NUL. */
export function isTraversal(rawUrl) {
  const rawPath = rawUrl.split(/[?#]/, 1)[0];
  let decoded;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return true;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return true;
  return [rawPath, decoded].some((p) => p.split('/').includes('..'));
}

/**
 * Serves `pathname` from the first matching mount. Returns false when no mount covers it
 * (the caller answers 404); otherwise answers (file, redirect, 400, 404) and returns true.
 */
export async function serveStatic(req, res, { rawUrl, pathname, mounts, send }) {
  const mount = mounts.find((m) => pathname.startsWith(m.mount) || pathname === m.mount.slice(0, -1));
  if (!mount) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(405, { status: 405, message: 'method not allowed' }, { Allow: 'GET, HEAD, OPTIONS' });
    return true;
  }
  if (isTraversal(rawUrl)) {
    send(400, { status: 400, message: 'invalid path' });
    return true;
  }
  if (pathname === mount.mount.slice(0, -1)) {
    res.writeHead(301, { Location: mount.mount }).end();
    return true;
  }
  let rel;
  try {
    rel = decodeURIComponent(pathname.slice(mount.mount.length));
  } catch {
    send(400, { status: 400, message: 'invalid path' });
    return true;
  }
  let file = path.resolve(mount.dir, rel);
  if (file !== mount.dir && !file.startsWith(mount.dir + path.sep)) {
    send(400, { status: 400, message: 'invalid path' });
    return true;
  }
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    if (!pathname.endsWith('/')) {
      res.writeHead(301, { Location: `${pathname}/` }).end();
      return true;
    }
    file = path.join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) {
    send(404, { status: 404, message: 'file not found' });
    return true;
  }
  res.writeHead(200, {
    'Content-Type': mimeType(file),
    'Content-Length': info.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
  return true;
}
