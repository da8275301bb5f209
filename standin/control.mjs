// The control API under /__standin/: a thin HTTP mapping over the programmatic API, so
// browser and wasm tests (which cannot call into the server process) can drive it.

import { FaultError } from './faults.mjs';

const MAX_BODY = 32 * 1024 * 1024;

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new RangeError('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text.trim()) return resolve(undefined);
      try {
        return resolve(JSON.parse(text));
      } catch (err) {
        return reject(new SyntaxError(`body is not valid JSON: ${err.message}`));
      }
    });
    req.on('error', reject);
  });
}

/**
 * Answers one control request. `standin` is the object `startStandin` returns; `json`
 * sends a JSON response.
 */
export async function handleControl(req, res, url, standin, json) {
  const params = url.searchParams;
  const noContent = () => res.writeHead(204).end();
  try {
    const body = req.method === 'POST' || req.method === 'PUT' ? await readJson(req) : undefined;
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /__standin/requests':
        return json(200, { requests: standin.requests({ since: Number(params.get('since')) || 0 }) });
      case 'DELETE /__standin/requests':
        standin.clearRequests();
        return noContent();
      case 'GET /__standin/stats':
        return json(200, standin.stats(Number(params.get('windowMs')) || 10_000));
      case 'POST /__standin/reset':
        standin.reset();
        return noContent();
      case 'GET /__standin/faults':
        return json(200, { faults: standin.faults() });
      case 'POST /__standin/faults':
        standin.addFaults(body ?? []);
        return json(200, { faults: standin.faults() });
      case 'PUT /__standin/faults':
        standin.setFaults(body ?? []);
        return json(200, { faults: standin.faults() });
      case 'DELETE /__standin/faults':
        standin.clearFaults();
        return noContent();
      case 'GET /__standin/fleet':
        return json(200, standin.fleet());
      case 'PUT /__standin/fleet':
        return json(200, standin.setFleet(body));
      case 'GET /__standin/workflows':
        return json(200, { workflows: standin.workflows() });
      case 'PUT /__standin/workflows':
        return json(200, standin.setWorkflows(body));
      case 'GET /__standin/config':
        return json(200, standin.config());
      case 'PUT /__standin/config':
        return json(200, standin.configure(body ?? {}));
      default:
        return json(404, { status: 404, message: `no control endpoint ${req.method} ${url.pathname} (see standin/README.md)` });
    }
  } catch (err) {
    if (err instanceof FaultError || err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) {
      return json(400, { status: 400, message: err.message });
    }
    throw err;
  }
}
