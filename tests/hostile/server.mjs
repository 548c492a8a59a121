// A hostile S3 server for the JS tests: a small S3 emulation on 127.0.0.1 (a free port)
// that answers every operation correctly unless a test replaces an operation's handler with
// one that misbehaves (endless bodies, XML bombs, redirects, lies about time, ...). It
// records every request, so a test can check what reached it (an Abort, a token, a date).
//
//   const srv = await hostileServer({ create: (ctx) => ctx.reply(503, slowDown) });
//   const s3 = await S3Client.create({ endpoint: srv.endpoint, ... });
//   ... srv.requests, srv.uploads (live uploads), srv.objects, srv.aborted ...
//   await srv.close();
//
// A handler gets ctx = { req, res, op, n (1-based count of this op), body (Buffer), url
// (URL of the raw path), srv, next() (the correct answer), reply(status, xml, headers) }.
import http from 'node:http';
import { createHash } from 'node:crypto';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** The S3 operation of a request (path style: /bucket/key?query). */
export function opOf(method, url) {
  const q = url.searchParams;
  if (method === 'POST') return q.has('uploads') ? 'create' : 'complete';
  if (method === 'PUT') return q.has('uploadId') ? 'uploadPart' : 'putObject';
  if (method === 'GET') return q.has('uploadId') ? 'listParts' : q.has('uploads') ? 'listUploads' : 'getObject';
  if (method === 'DELETE') return q.has('uploadId') ? 'abort' : 'deleteObject';
  return method === 'HEAD' ? 'headObject' : method;
}

/** `<Error>` document. */
export function errorXml(code, message = code, extra = '') {
  return `${XML_HEAD}<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>hostile-1</RequestId></Error>`;
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const md5hex = (b) => createHash('md5').update(b).digest('hex');

/** The bucket and key of a path-style request path ('/bkt/a/b' -> ['bkt', 'a/b']), raw. */
function bucketKey(url) {
  const path = url.pathname.slice(1);
  const at = path.indexOf('/');
  return at < 0 ? [decodeURIComponent(path), ''] : [decodeURIComponent(path.slice(0, at)), decodeURIComponent(path.slice(at + 1))];
}

/**
 * @param {Record<string, (ctx: object) => unknown>} handlers  by op name, and `any` for all
 * @param {{ clockOffsetMs?: number }} [options]  the server's clock against ours
 */
export async function hostileServer(handlers = {}, { clockOffsetMs = 0 } = {}) {
  const srv = {
    requests: [],
    uploads: new Map(), // uploadId -> { key, initiated (ms), parts: Map(n -> { size, etag, md5 }) }
    objects: new Map(), // key -> { size, etag, lastModified (ms) }
    aborted: [],
    nextId: 1,
    clockOffsetMs,
    now: () => Date.now() + srv.clockOffsetMs,
    sockets: new Set(),
  };
  const counts = {};
  const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= 64 * 1024 * 1024) chunks.push(c);
    });
    req.on('error', () => {});
    req.on('end', async () => {
      const url = new URL(req.url, 'http://h');
      const op = opOf(req.method, url);
      counts[op] = (counts[op] ?? 0) + 1;
      const record = { op, method: req.method, path: req.url, headers: req.headers, size };
      srv.requests.push(record);
      const body = Buffer.concat(chunks);
      const ctx = {
        req, res, op, n: counts[op], body, url, srv, record,
        reply: (status, xml = '', headers = {}) => reply(res, status, xml, headers),
        next: () => emulate(srv, ctx),
      };
      try {
        const h = handlers[op] ?? handlers.any;
        if (h) await h(ctx);
        else await ctx.next();
      } catch (e) {
        res.destroy(e);
      }
    });
  });
  server.on('connection', (s) => {
    srv.sockets.add(s);
    s.on('close', () => srv.sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  srv.port = server.address().port;
  srv.endpoint = `http://127.0.0.1:${srv.port}`;
  srv.count = (op) => srv.requests.filter((r) => r.op === op).length;
  srv.close = () => new Promise((resolve) => {
    for (const s of srv.sockets) s.destroy();
    server.close(() => resolve());
  });
  return srv;
}

function reply(res, status, xml, headers) {
  if (res.destroyed || res.headersSent) return;
  const body = Buffer.from(xml);
  res.writeHead(status, {
    'content-type': 'application/xml', 'content-length': body.length, 'x-amz-request-id': 'hostile-1', ...headers,
  });
  res.end(body);
}

/** The correct answer to a request: a small, honest S3. */
function emulate(srv, { res, op, body, url }) {
  const [bucket, key] = bucketKey(url);
  const q = url.searchParams;
  const uploadId = q.get('uploadId');
  const up = uploadId === null ? undefined : srv.uploads.get(uploadId);
  const noSuchUpload = () => reply(res, 404, errorXml('NoSuchUpload', 'The specified upload does not exist'));
  switch (op) {
    case 'create': {
      const id = `up-${srv.nextId++}`;
      srv.uploads.set(id, { key, initiated: srv.now(), parts: new Map() });
      return reply(res, 200, `${XML_HEAD}<InitiateMultipartUploadResult><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><UploadId>${esc(id)}</UploadId></InitiateMultipartUploadResult>`);
    }
    case 'uploadPart': {
      if (!up) return noSuchUpload();
      const md5 = md5hex(body);
      up.parts.set(Number(q.get('partNumber')), { size: body.length, etag: `"${md5}"`, md5 });
      return reply(res, 200, '', { etag: `"${md5}"` });
    }
    case 'complete': {
      if (!up) return noSuchUpload();
      const parts = [...up.parts.entries()].sort((a, b) => a[0] - b[0]);
      const size = parts.reduce((s, [, p]) => s + p.size, 0);
      const etag = `"${md5hex(Buffer.concat(parts.map(([, p]) => Buffer.from(p.md5, 'hex'))))}-${parts.length}"`;
      srv.objects.set(key, { size, etag, lastModified: srv.now() });
      srv.uploads.delete(uploadId);
      return reply(res, 200, `${XML_HEAD}<CompleteMultipartUploadResult><Location>http://x/${esc(bucket)}/${esc(key)}</Location><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><ETag>${esc(etag)}</ETag></CompleteMultipartUploadResult>`);
    }
    case 'abort': {
      if (!up) return noSuchUpload();
      srv.uploads.delete(uploadId);
      srv.aborted.push(uploadId);
      return reply(res, 204);
    }
    case 'listParts': {
      if (!up) return noSuchUpload();
      const parts = [...up.parts.entries()].sort((a, b) => a[0] - b[0]).map(([n, p]) =>
        `<Part><PartNumber>${n}</PartNumber><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>${esc(p.etag)}</ETag><Size>${p.size}</Size></Part>`);
      return reply(res, 200, `${XML_HEAD}<ListPartsResult><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><UploadId>${esc(uploadId)}</UploadId><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`);
    }
    case 'listUploads':
      return reply(res, 200, listUploadsXml(bucket, [...srv.uploads.entries()]
        .filter(([, u]) => u.key.startsWith(q.get('prefix') ?? ''))
        .map(([id, u]) => ({ key: u.key, uploadId: id, initiated: u.initiated }))));
    case 'putObject': {
      const etag = `"${md5hex(body)}"`;
      srv.objects.set(key, { size: body.length, etag, lastModified: srv.now() });
      return reply(res, 200, '', { etag });
    }
    case 'headObject': {
      const o = srv.objects.get(key);
      if (!o) {
        res.writeHead(404, { 'x-amz-request-id': 'hostile-1' });
        return res.end();
      }
      res.writeHead(200, { 'content-length': o.size, etag: o.etag, 'last-modified': new Date(o.lastModified).toUTCString() });
      return res.end();
    }
    default:
      return reply(res, 405, errorXml('MethodNotAllowed'));
  }
}

/** A ListMultipartUploadsResult page. */
export function listUploadsXml(bucket, uploads, { truncated = false, nextKeyMarker, nextUploadIdMarker } = {}) {
  const items = uploads.map((u) =>
    `<Upload><Key>${esc(u.key)}</Key><UploadId>${esc(u.uploadId)}</UploadId><Initiated>${new Date(u.initiated).toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`);
  const markers = (nextKeyMarker !== undefined ? `<NextKeyMarker>${esc(nextKeyMarker)}</NextKeyMarker>` : '') +
    (nextUploadIdMarker !== undefined ? `<NextUploadIdMarker>${esc(nextUploadIdMarker)}</NextUploadIdMarker>` : '');
  return `${XML_HEAD}<ListMultipartUploadsResult><Bucket>${esc(bucket)}</Bucket><IsTruncated>${truncated}</IsTruncated>${markers}${items.join('')}</ListMultipartUploadsResult>`;
}

/** A ListPartsResult page. */
export function listPartsXml(parts, { truncated = false, nextPartNumberMarker } = {}) {
  const items = parts.map((p) =>
    `<Part><PartNumber>${p.partNumber}</PartNumber><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>${esc(p.etag)}</ETag><Size>${p.size}</Size></Part>`);
  const marker = nextPartNumberMarker !== undefined ? `<NextPartNumberMarker>${nextPartNumberMarker}</NextPartNumberMarker>` : '';
  return `${XML_HEAD}<ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId><IsTruncated>${truncated}</IsTruncated>${marker}${items.join('')}</ListPartsResult>`;
}

/** Answer and stream `chunk` forever (until the client goes away), or `total` bytes. */
export function endless(res, { status = 200, chunk = Buffer.alloc(64 * 1024, 0x61), total = Infinity } = {}) {
  res.writeHead(status, { 'content-type': 'application/xml', ...(total < Infinity ? { 'content-length': total } : {}) });
  let left = total;
  const pump = () => {
    while (!res.destroyed && left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) return res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}

/** Answer with headers, then one byte every `everyMs` forever. */
export function trickle(res, { status = 200, everyMs = 200 } = {}) {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.write('<');
  const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(' ')), everyMs);
  res.on('close', () => clearInterval(t));
}
