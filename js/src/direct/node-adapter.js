// toNodeListener: a fetch-style handler, (Request) => Promise<Response>, as a
// node:http listener (req, res) or Express/Connect middleware (req, res, next).
// Needs only Node 18's global Request and Response (and the package's error class).
import { S3InputError } from '../errors.js';
import { concat } from '../transport.js';

const MAX_BODY = 4 * 1024 * 1024;

/**
 * @param {(request: Request) => Promise<Response>} handler
 * @param {{ basePath?: string }} [options]  with `next`, requests outside basePath pass on
 */
export function toNodeListener(handler, { basePath = handler.basePath } = {}) {
  if (typeof handler !== 'function') throw new S3InputError('InvalidArgument', 's3mpu: toNodeListener(handler) needs a function');
  return async (req, res, next) => {
    try {
      const path = (req.originalUrl ?? req.url).split('?')[0];
      if (next && basePath && !(path === basePath || path.startsWith(`${basePath}/`))) return next();
      const response = await handler(await toRequest(req));
      await writeResponse(res, response);
    } catch (error) {
      if (next) return next(error);
      if (!res.headersSent) res.writeHead(error.status ?? 500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: error.status ? error.message : 'internal error' }));
    }
    return undefined;
  };
}

async function toRequest(req) {
  const host = req.headers.host ?? 'localhost';
  const proto = req.socket?.encrypted ? 'https' : 'http';
  const url = new URL(req.originalUrl ?? req.url, `${proto}://${host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  let body;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // Express's body parsers may have read it already.
    if (req.body !== undefined && req.readableEnded) body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    else body = await readAll(req);
  }
  return new Request(url, { method: req.method, headers, body });
}

async function readAll(req) {
  const chunks = [];
  let n = 0;
  for await (const c of req) {
    n += c.length;
    if (n > MAX_BODY) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(c);
  }
  return concat(chunks, n);
}

async function writeResponse(res, response) {
  const headers = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = new Uint8Array(await response.arrayBuffer());
  headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}
