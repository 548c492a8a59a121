// The browser demo's backend: serves the page and signs, so the secret key
// never reaches the browser. The page uploads the bytes straight to S3 with
// presigned part URLs; this server only creates, presigns, completes,
// aborts and lists parts. node:http only, no framework.
//
//   export S3MPU_ENDPOINT=http://127.0.0.1:7480 S3MPU_REGION=us-east-1 \
//          S3MPU_ACCESS_KEY_ID=... S3MPU_SECRET_ACCESS_KEY=... S3MPU_BUCKET=demo
//   node examples/browser/server.mjs          # then open http://localhost:8080/
//
// PORT (default 8080) and S3MPU_KEY_PREFIX (default "uploads/") are optional.
// The bucket needs a CORS rule that lets the page's origin PUT and read ETag
// (tests/server/mkbucket.sh applies one for http://localhost:*).
//
// API (JSON):
//   POST   /api/uploads                      {name,size,type} -> {id,key,uploadId,size,partSize,partCount}
//   GET    /api/uploads/:id/parts?from&to    -> {urls:[{partNumber,url}], expiresIn}  (one round trip)
//   GET    /api/uploads/:id/listparts        -> {parts:[{partNumber,size,etag}]}      (resume)
//   POST   /api/uploads/:id/complete         {parts:[{partNumber,etag}]} -> {key,etag,size}
//   DELETE /api/uploads/:id                  -> 204 (abort)
// :id is an opaque token naming the key and upload, HMAC-signed so a page
// can only act on uploads this server started. A real application would
// also check who the user is and which keys they may write.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { S3Client, S3Error } from '../../js/src/index.node.js'; // in your project: from 's3mpu'

const here = new URL('./', import.meta.url);
const jsRoot = new URL('../../js/', import.meta.url);
const PART_SIZE = 8 * 1024 * 1024;
const URL_LIFETIME = 3600; // seconds; the page asks again for parts whose URL expired
const MAX_URLS = 10_000;
const BODY_LIMIT = 2 * 1024 * 1024; // a Complete of 10,000 parts is ~700 KiB of JSON

const PAGE_FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/md5.worker.js': ['md5.worker.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

/**
 * Start the demo server. Resolves to { url, port, close() }.
 * @param {{ endpoint: string, region?: string, accessKeyId: string, secretAccessKey: string,
 *   bucket: string, port?: number, host?: string, keyPrefix?: string, wasm?: string,
 *   partSize?: number }} o
 */
export async function startDemoServer(o) {
  if (!o.bucket) throw new TypeError('a bucket is required');
  const s3 = await S3Client.create({
    endpoint: o.endpoint,
    region: o.region,
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    forcePathStyle: true,
  });
  const tokenKey = createHmac('sha256', o.secretAccessKey).update('s3mpu browser demo ids').digest();
  const app = { s3, bucket: o.bucket, prefix: o.keyPrefix ?? 'uploads/', partSize: o.partSize ?? PART_SIZE, tokenKey, wasm: o.wasm };
  const server = http.createServer((req, res) => {
    handle(app, req, res).catch((e) => sendError(res, e));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8080, o.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://localhost:${port}/`,
    port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
      s3.transport.close?.();
    }),
  };
}

async function handle(app, req, res) {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  if (req.method === 'GET' && PAGE_FILES[path]) {
    const [file, type] = PAGE_FILES[path];
    return sendFile(res, new URL(file, here), type);
  }
  // The package's ESM as plain files: the page and its worker import them.
  if (req.method === 'GET' && /^\/s3mpu\/[a-z0-9_-]+\.js$/.test(path)) {
    return sendFile(res, new URL(`src/${path.slice(7)}`, jsRoot), 'text/javascript; charset=utf-8');
  }
  if (req.method === 'GET' && path === '/s3mpu.wasm') {
    return sendFile(res, app.wasm ?? process.env.S3MPU_WASM ?? new URL('s3mpu.wasm', jsRoot), 'application/wasm');
  }
  if (path === '/api/uploads' && req.method === 'POST') return create(app, await readJson(req), res);
  const m = /^\/api\/uploads\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)(\/[a-z]+)?$/.exec(path);
  if (!m) return sendJson(res, 404, { error: 'NotFound', message: `no route for ${req.method} ${path}` });
  const up = openToken(app, m[1]);
  if (!up) return sendJson(res, 403, { error: 'BadUploadId', message: 'unknown or forged upload id' });
  const { s3, bucket } = app;
  const ref = { bucket, key: up.key, uploadId: up.uploadId };
  const route = `${req.method} ${m[2] ?? ''}`;
  switch (route) {
    case 'GET /parts': {
      // All the URLs the page asks for in one answer: presignParts signs
      // them in one call into the core (1,000 URLs take a few ms).
      const from = Number(url.searchParams.get('from') ?? 1);
      const to = Math.min(Number(url.searchParams.get('to') ?? up.partCount), up.partCount, from + MAX_URLS - 1);
      if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 1 && to >= from)) {
        return sendJson(res, 400, { error: 'BadRange', message: 'from and to: part numbers, from <= to' });
      }
      const partNumbers = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      const urls = s3.presignParts({ ...ref, partNumbers, expiresIn: URL_LIFETIME });
      return sendJson(res, 200, { urls, expiresIn: URL_LIFETIME });
    }
    case 'GET /listparts': {
      const parts = [];
      for await (const p of s3.listAllParts(ref)) parts.push({ partNumber: p.partNumber, size: p.size, etag: p.etag });
      return sendJson(res, 200, { parts });
    }
    case 'POST /complete': {
      const body = await readJson(req);
      const parts = checkParts(body?.parts, up.partCount);
      if (!parts) return sendJson(res, 400, { error: 'BadParts', message: `parts: 1..${up.partCount} in order, each with its ETag` });
      // A browser that cannot read ETag (no CORS ExposeHeaders) sends none: ListParts has them.
      if (parts.some((p) => !p.etag)) {
        const listed = new Map();
        for await (const p of s3.listAllParts(ref)) listed.set(p.partNumber, p.etag);
        for (const p of parts) p.etag ||= listed.get(p.partNumber);
      }
      await s3.completeMultipartUpload({ ...ref, parts });
      // RGW answers Complete with an empty ETag; HEAD has the object's.
      const head = await s3.headObject({ bucket, key: up.key });
      return sendJson(res, 200, { key: up.key, etag: head.etag, size: head.size });
    }
    case 'DELETE ': {
      await s3.abortMultipartUpload(ref).catch((e) => {
        if (!(e instanceof S3Error && (e.code === 'NoSuchUpload' || e.status === 404))) throw e;
      });
      res.writeHead(204).end();
      return undefined;
    }
    default:
      return sendJson(res, 404, { error: 'NotFound', message: `no route for ${req.method} ${path}` });
  }
}

async function create(app, body, res) {
  const size = body?.size;
  const name = typeof body?.name === 'string' ? body.name : '';
  if (!Number.isSafeInteger(size) || size < 1 || !name) {
    return sendJson(res, 400, { error: 'BadRequest', message: 'name and size (>= 1 byte) are required' });
  }
  // upload()'s plan: the part size (raised for huge files so 10,000 parts
  // hold them) and the count. Every part but the last has partSize bytes.
  const plan = app.s3.plan({ size, partSize: app.partSize });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
  const key = app.prefix + name.replace(/[\\/]+/g, '_').replace(/[\u0000-\u001f\u007f]/g, '');
  const contentType = typeof body.type === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(body.type) ? body.type : undefined;
  const { uploadId } = await app.s3.createMultipartUpload({ bucket: app.bucket, key, contentType });
  const up = { key, uploadId, size, partSize: plan.partSize, partCount: plan.partCount };
  return sendJson(res, 201, { id: makeToken(app, up), ...up });
}

/** Parts 1..count ascending with string ETags (or none), as the page sends them. */
function checkParts(parts, count) {
  if (!Array.isArray(parts) || parts.length !== count) return undefined;
  const out = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p?.partNumber !== i + 1 || (p.etag !== undefined && typeof p.etag !== 'string')) return undefined;
    out.push({ partNumber: p.partNumber, etag: p.etag });
  }
  return out;
}

// ---- Ids: base64url(JSON) "." HMAC --------------------------------------------------

function mac(app, data) {
  return createHmac('sha256', app.tokenKey).update(data).digest().subarray(0, 16).toString('base64url');
}

function makeToken(app, up) {
  const data = Buffer.from(JSON.stringify([up.key, up.uploadId, up.size, up.partSize, up.partCount])).toString('base64url');
  return `${data}.${mac(app, data)}`;
}

function openToken(app, token) {
  const [data, tag] = token.split('.');
  const want = Buffer.from(mac(app, data));
  const got = Buffer.from(tag);
  if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
  const [key, uploadId, size, partSize, partCount] = JSON.parse(Buffer.from(data, 'base64url').toString());
  return { key, uploadId, size, partSize, partCount };
}

// ---- HTTP helpers ---------------------------------------------------------------------

async function sendFile(res, file, type) {
  let data;
  try {
    data = await readFile(file);
  } catch {
    return sendJson(res, 404, { error: 'NotFound', message: 'no such file' });
  }
  res.writeHead(200, { 'content-type': type, 'content-length': data.length, 'cache-control': 'no-store' });
  res.end(data);
  return undefined;
}

function sendJson(res, status, value) {
  const data = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length, 'cache-control': 'no-store' });
  res.end(data);
}

function sendError(res, e) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (e instanceof S3Error) {
    sendJson(res, e.status >= 400 && e.status < 500 ? e.status : 502, { error: e.code, message: e.message });
  } else if (e instanceof SyntaxError || e?.code === 'BodyTooLarge') {
    sendJson(res, 400, { error: 'BadRequest', message: e.message });
  } else {
    console.error(e);
    sendJson(res, 500, { error: 'InternalError', message: 'see the server log' });
  }
}

async function readJson(req) {
  const chunks = [];
  let n = 0;
  for await (const c of req) {
    n += c.length;
    if (n > BODY_LIMIT) throw Object.assign(new Error('request body too large'), { code: 'BodyTooLarge' });
    chunks.push(c);
  }
  return JSON.parse(Buffer.concat(chunks).toString() || 'null');
}

// ---- Run as a program ------------------------------------------------------------------

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const env = process.env;
  const missing = ['S3MPU_ENDPOINT', 'S3MPU_ACCESS_KEY_ID', 'S3MPU_SECRET_ACCESS_KEY', 'S3MPU_BUCKET'].filter((n) => !env[n]);
  if (missing.length) {
    console.error(`set ${missing.join(', ')} (see the top of ${fileURLToPath(import.meta.url)})`);
    process.exit(2);
  }
  const server = await startDemoServer({
    endpoint: env.S3MPU_ENDPOINT,
    region: env.S3MPU_REGION,
    accessKeyId: env.S3MPU_ACCESS_KEY_ID,
    secretAccessKey: env.S3MPU_SECRET_ACCESS_KEY,
    bucket: env.S3MPU_BUCKET,
    keyPrefix: env.S3MPU_KEY_PREFIX,
    port: Number(env.PORT ?? 8080),
  });
  console.log(`s3mpu browser demo on ${server.url} (bucket ${env.S3MPU_BUCKET})`);
}
