#!/usr/bin/env node
// A loopback S3 sink for the upload benchmarks: speaks just enough of the
// multipart protocol for every contender, checks no signature, keeps no data.
//
//   node bench/sink.mjs [--port N] [--check-md5]
//
// Prints one JSON line { port, control } when listening. `control` is a second
// port (its connections are not counted): GET /stats -> counters and the
// sink's CPU microseconds since the reset as JSON,
// POST /reset -> zero them.
//
// Part ETags. Default mode computes no hash: a part's ETag is the hex of its
// Content-MD5 header when the client sent one (s3mpu's md5 mode checks each
// part ETag against its own MD5, so it needs the real value; echoing what the
// client claims costs nothing), else a fixed, well-formed fake. --check-md5
// hashes every body, answers 400 BadDigest when Content-MD5 disagrees and
// returns the real MD5 as the ETag, as S3 does. Complete answers the
// multipart ETag computed from the part ETags, and HEAD reports it with the
// object's size (s3mpu's md5 mode compares it with its own). Which clients
// verify ETags: s3mpu (md5 mode: parts and the final object); lib-storage,
// minio and the hand-written peers do not.
import http from 'node:http';
import { createHash } from 'node:crypto';

const args = process.argv.slice(2);
const checkMd5 = args.includes('--check-md5');
const debug = Boolean(process.env.SINK_DEBUG);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 0;

const FAKE_ETAG = '"0123456789abcdef0123456789abcdef"';
let stats;
let cpuAtReset;
const reset = () => {
  cpuAtReset = process.cpuUsage();
  stats = { connections: 0, requests: 0, partBytes: 0, parts: 0, puts: 0, creates: 0, completes: 0, aborts: 0, heads: 0, badDigests: 0, other: 0 };
};
reset();

// uploadId -> { key, parts: Map<partNumber, { size, etag }> }; key -> { size, etag }
const uploads = new Map();
const objects = new Map();
let nextId = 1;

function xml(res, status, body) {
  const data = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': data.length, 'x-amz-request-id': 'sink' });
  res.end(data);
}

function empty(res, status, headers = {}) {
  res.writeHead(status, { 'content-length': 0, 'x-amz-request-id': 'sink', ...headers });
  res.end();
}

function s3error(res, status, code, message) {
  xml(res, status, `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>sink</RequestId></Error>`);
}

/** Read a small body (Complete's XML) as a string. */
function text(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Consume a body: count it, hash it in --check-md5 mode.
 * aws-chunked bodies (SDK trailing checksums) are counted as they come.
 */
function drain(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const md5 = checkMd5 ? createHash('md5') : undefined;
    req.on('data', (c) => {
      size += c.length;
      md5?.update(c);
    });
    req.on('end', () => resolve({ size, md5: md5?.digest() }));
    req.on('error', reject);
  });
}

function etagOf(req, md5) {
  if (md5) return `"${md5.toString('hex')}"`;
  const claimed = req.headers['content-md5'];
  if (claimed) {
    const raw = Buffer.from(String(claimed), 'base64');
    if (raw.length === 16) return `"${raw.toString('hex')}"`;
  }
  return FAKE_ETAG;
}

function badDigest(req, md5) {
  const claimed = req.headers['content-md5'];
  return md5 && claimed && Buffer.from(String(claimed), 'base64').toString('hex') !== md5.toString('hex');
}

function multipartEtag(etags) {
  const h = createHash('md5');
  for (const e of etags) {
    const hex = e.replace(/"/g, '');
    h.update(/^[0-9a-f]{32}$/i.test(hex) ? Buffer.from(hex, 'hex') : Buffer.alloc(16));
  }
  return `"${h.digest('hex')}-${etags.length}"`;
}

async function handle(req, res) {
  stats.requests++;
  const url = new URL(req.url, 'http://sink');
  const q = url.searchParams;
  const path = decodeURIComponent(url.pathname);
  const slash = path.indexOf('/', 1);
  const bucket = slash > 0 ? path.slice(1, slash) : path.slice(1);
  const key = slash > 0 ? path.slice(slash + 1) : '';
  const m = req.method;

  if (m === 'PUT' && q.has('partNumber') && q.has('uploadId')) {
    const { size, md5 } = await drain(req);
    if (debug) process.stderr.write(`part ${q.get('partNumber')} ${size} bytes\n`);
    stats.parts++;
    stats.partBytes += size;
    if (badDigest(req, md5)) {
      stats.badDigests++;
      return s3error(res, 400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    const etag = etagOf(req, md5);
    const up = uploads.get(q.get('uploadId'));
    up?.parts.set(Number(q.get('partNumber')), { size: Number(req.headers['x-amz-decoded-content-length'] ?? size), etag });
    return empty(res, 200, { etag });
  }
  if (m === 'POST' && q.has('uploads')) {
    await text(req);
    stats.creates++;
    const uploadId = `sink-${process.pid}-${nextId++}`;
    uploads.set(uploadId, { key, parts: new Map() });
    return xml(res, 200, `<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`);
  }
  if (m === 'POST' && q.has('uploadId')) {
    const body = await text(req);
    stats.completes++;
    const up = uploads.get(q.get('uploadId'));
    if (!up) return s3error(res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
    const numbers = [...body.matchAll(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/g)].map((x) => Number(x[1]));
    const parts = numbers.map((n) => up.parts.get(n) ?? { size: 0, etag: FAKE_ETAG });
    const etag = multipartEtag(parts.map((p) => p.etag));
    objects.set(`${bucket}/${key}`, { size: parts.reduce((a, p) => a + p.size, 0), etag });
    uploads.delete(q.get('uploadId'));
    return xml(res, 200, `<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>http://sink/${bucket}/${key}</Location><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${etag.replace(/"/g, '&quot;')}</ETag></CompleteMultipartUploadResult>`);
  }
  if (m === 'DELETE') {
    await text(req);
    if (q.has('uploadId')) {
      stats.aborts++;
      uploads.delete(q.get('uploadId'));
    } else {
      objects.delete(`${bucket}/${key}`);
    }
    return empty(res, 204);
  }
  if (m === 'HEAD') {
    stats.heads++;
    const o = objects.get(`${bucket}/${key}`);
    if (!o) return empty(res, key ? 404 : 200);
    res.writeHead(200, { 'content-length': o.size, etag: o.etag, 'last-modified': new Date().toUTCString(), 'x-amz-request-id': 'sink' });
    return res.end();
  }
  if (m === 'PUT' && key) {
    // PutObject
    const { size, md5 } = await drain(req);
    stats.puts++;
    stats.partBytes += size;
    if (badDigest(req, md5)) {
      stats.badDigests++;
      return s3error(res, 400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    const etag = etagOf(req, md5);
    objects.set(`${bucket}/${key}`, { size, etag });
    return empty(res, 200, { etag });
  }
  if (m === 'GET' && q.has('uploadId')) {
    // ListParts
    const up = uploads.get(q.get('uploadId'));
    if (!up) return s3error(res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
    const parts = [...up.parts].sort((a, b) => a[0] - b[0]).map(([n, p]) =>
      `<Part><PartNumber>${n}</PartNumber><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>${p.etag.replace(/"/g, '&quot;')}</ETag><Size>${p.size}</Size></Part>`).join('');
    return xml(res, 200, `<ListPartsResult><Bucket>${bucket}</Bucket><Key>${up.key}</Key><UploadId>${q.get('uploadId')}</UploadId><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>0</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated>${parts}</ListPartsResult>`);
  }
  if (m === 'GET' && q.has('uploads')) {
    // ListMultipartUploads (minio looks for an upload to resume first): none.
    return xml(res, 200, `<ListMultipartUploadsResult><Bucket>${bucket}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><NextKeyMarker></NextKeyMarker><NextUploadIdMarker></NextUploadIdMarker><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>`);
  }
  if (m === 'GET' && q.has('location')) {
    return xml(res, 200, '<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>');
  }
  stats.other++;
  await text(req);
  return s3error(res, 400, 'NotImplemented', `the sink does not do ${m} ${req.url}`);
}

const server = http.createServer({ keepAlive: true, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => {
  handle(req, res).catch((e) => {
    if (!res.headersSent) s3error(res, 500, 'InternalError', String(e));
    else res.destroy();
  });
});
server.keepAliveTimeout = 120_000;
server.on('connection', () => {
  stats.connections++;
});

const control = http.createServer((req, res) => {
  if (req.url === '/reset' && req.method === 'POST') {
    reset();
    uploads.clear();
    objects.clear();
    res.end('{}');
  } else if (req.url === '/stats') {
    res.setHeader('content-type', 'application/json');
    const cpu = process.cpuUsage(cpuAtReset); // the sink's own CPU since the reset: what serving the upload cost
    res.end(JSON.stringify({ ...stats, cpuUs: cpu.user + cpu.system, checkMd5 }));
  } else {
    res.statusCode = 404;
    res.end();
  }
});

server.listen(port, '127.0.0.1', () => {
  control.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: server.address().port, control: control.address().port, checkMd5 })}\n`);
  });
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
