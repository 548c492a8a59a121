// The edge worker example (examples/worker/worker.js) in workerd, through
// miniflare, against the real gateway. The worker is bundled as wrangler
// bundles it (tests/e2e/workerd.mjs); objects are read back with the
// independent verifier. Run with scripts/test-e2e.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { s3Server } from '../js/harness/server.mjs';
import { verifyObject, listUploads } from '../js/harness/verify.mjs';
import { S3Client } from '../../js/src/index.node.js';
import { directUpload } from '../../js/src/direct/index.js';
import { bundleWorker, nodeImports, startWorker } from '../e2e/workerd.mjs';

const MiB = 1024 * 1024;
const entry = fileURLToPath(new URL('../../examples/worker/worker.js', import.meta.url));
const wasm = process.env.S3MPU_WASM || fileURLToPath(new URL('../../js/s3mpu.wasm', import.meta.url));

let s3;
let bucket;
let prefix;
let bundle;
let worker; // with enable_request_signal, as examples/worker/wrangler.toml
let plainWorker; // without it: a disconnect is seen as a failed body read

function bindings() {
  return {
    S3_ENDPOINT: s3.endpoint, S3_REGION: s3.region, S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId, S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    UPLOAD_TOKEN: 'test-token',
  };
}

before(async () => {
  s3 = await s3Server();
  bucket = await s3.bucket('s3mpu-worker');
  prefix = `worker/${Date.now()}-${process.pid}/`;
  bundle = await bundleWorker(entry);
  worker = await startWorker({ code: bundle.code, wasm, bindings: bindings(), compatibilityFlags: ['enable_request_signal'] });
  plainWorker = await startWorker({ code: bundle.code, wasm, bindings: bindings() });
});

after(async () => {
  await worker?.dispose();
  await plainWorker?.dispose();
});

/** A web stream of `bytes` in 64 KiB chunks: fetch sends it chunked (no Content-Length). */
function streamOf(bytes) {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.subarray(at, at + 64 * 1024));
      at += 64 * 1024;
      return undefined;
    },
  });
}

async function waitFor(fn, what, timeout = 30_000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeout) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the bundle has no Node API and takes the package\'s workerd entry', () => {
  assert.deepEqual(nodeImports(bundle.code), []);
  assert.ok(bundle.inputs.some((f) => f.endsWith('js/src/index.worker.js')), bundle.inputs.join('\n'));
  assert.ok(!bundle.inputs.some((f) => f.endsWith('index.node.js')));
});

test('POST /upload streams a 20 MiB body of unknown length into a multipart upload', { timeout: 120_000 }, async (t) => {
  const bytes = randomBytes(20 * MiB);
  const key = `${prefix}streamed-20MiB.bin`;
  const t0 = performance.now();
  const res = await fetch(new URL(`/upload/${key}`, worker.url), {
    method: 'POST', body: streamOf(bytes), duplex: 'half', headers: { 'content-type': 'application/x-test' },
  });
  const ms = performance.now() - t0;
  const out = await res.json();
  assert.equal(res.status, 200, JSON.stringify(out));
  t.diagnostic(`20 MiB streamed through workerd in ${ms.toFixed(0)} ms (${(20 / (ms / 1000)).toFixed(1)} MiB/s)`);
  assert.equal(out.size, bytes.length);
  assert.equal(out.parts, 3);
  const v = await verifyObject({
    bucket, key, expectBytes: bytes, expectParts: [8 * MiB, 8 * MiB, 4 * MiB],
    expectHeaders: { contentType: 'application/x-test' },
  });
  assert.equal(out.etag.replace(/"/g, ''), v.etag, 'the worker answers the object\'s ETag');
  assert.deepEqual(await listUploads(bucket, key), []);
});

test('a body below one part goes as one PutObject', { timeout: 60_000 }, async () => {
  const bytes = randomBytes(300 * 1024);
  const key = `${prefix}small.bin`;
  const res = await fetch(new URL(`/upload/${key}`, worker.url), { method: 'POST', body: streamOf(bytes), duplex: 'half' });
  const out = await res.json();
  assert.equal(res.status, 200, JSON.stringify(out));
  assert.equal(out.parts, 0);
  await verifyObject({ bucket, key, expectBytes: bytes });
});

/**
 * Send ~12 MiB of a chunked body, wait until the worker has created the
 * upload, then drop the connection. Resolves to the key.
 */
async function disconnectMidStream(w, name) {
  const key = `${prefix}${name}`;
  const url = new URL(`/upload/${key}`, w.url);
  const req = http.request(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } });
  req.on('error', () => {}); // we destroy it
  req.on('response', (res) => res.resume());
  const chunk = randomBytes(MiB);
  for (let i = 0; i < 12; i++) {
    if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
  }
  // Part 1 is full: the worker created the upload and sends it.
  await waitFor(async () => (await listUploads(bucket, key)).length === 1, 'the upload to be created');
  req.destroy();
  return key;
}

test('a client disconnect mid-stream aborts the upload (request.signal)', { timeout: 60_000 }, async (t) => {
  const key = await disconnectMidStream(worker, 'disconnect-signal.bin');
  const t0 = performance.now();
  await waitFor(async () => (await listUploads(bucket, key)).length === 0, 'the upload to be aborted');
  t.diagnostic(`aborted ${(performance.now() - t0).toFixed(0)} ms after the disconnect`);
  await assert.rejects(verifyObject({ bucket, key, expectBytes: new Uint8Array(0) }),
    (e) => e.$metadata?.httpStatusCode === 404, 'no object was made from the partial body');
});

test('a client disconnect mid-stream aborts the upload (no request.signal: the body read fails)', { timeout: 60_000 }, async (t) => {
  const key = await disconnectMidStream(plainWorker, 'disconnect-plain.bin');
  const t0 = performance.now();
  await waitFor(async () => (await listUploads(bucket, key)).length === 0, 'the upload to be aborted');
  t.diagnostic(`aborted ${(performance.now() - t0).toFixed(0)} ms after the disconnect`);
  await assert.rejects(verifyObject({ bucket, key, expectBytes: new Uint8Array(0) }),
    (e) => e.$metadata?.httpStatusCode === 404, 'no object was made from the partial body');
});

/** CPU seconds used so far by the workerd processes miniflare started (children of this process). */
function workerdCpuSeconds() {
  const hz = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' '); // f[0] = state, f[1] = ppid
    if (name === 'workerd' && Number(f[1]) === process.pid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / hz;
}

test('GET /presign returns 1,000 part URLs in one request, and they work', { timeout: 120_000 }, async (t) => {
  const key = `${prefix}presigned.bin`;
  const client = await S3Client.create({
    endpoint: s3.endpoint, region: s3.region, forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const { uploadId } = await client.createMultipartUpload({ bucket, key });
  const presign = () => fetch(new URL(`/presign/${key}?uploadId=${encodeURIComponent(uploadId)}&parts=1000`, worker.url));

  const first = await presign();
  const body = await first.json();
  assert.equal(first.status, 200, JSON.stringify(body));
  assert.equal(body.urls.length, 1000);
  assert.deepEqual(body.urls.map((u) => u.partNumber), Array.from({ length: 1000 }, (_, i) => i + 1));
  assert.equal(new Set(body.urls.map((u) => u.url)).size, 1000);

  // Timing: wall per request, and the workerd processes' CPU over many.
  const runs = 20;
  const walls = [];
  const cpu0 = workerdCpuSeconds();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await presign();
    await r.arrayBuffer();
    walls.push(performance.now() - t0);
  }
  const cpuMs = ((workerdCpuSeconds() - cpu0) * 1000) / runs;
  walls.sort((a, b) => a - b);
  t.diagnostic(`1,000 presigned URLs: wall median ${walls[runs >> 1].toFixed(1)} ms (min ${walls[0].toFixed(1)}), ` +
    `workerd process CPU ${cpuMs.toFixed(1)} ms per request (avg of ${runs}, incl. HTTP and ~${(JSON.stringify(body).length / 1024).toFixed(0)} KiB of JSON)`);

  // The signing alone, in this Node process's V8 (same wasm), for comparison.
  const numbers = Array.from({ length: 1000 }, (_, i) => i + 1);
  client.presignParts({ bucket, key, uploadId, partNumbers: numbers });
  const c0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) client.presignParts({ bucket, key, uploadId, partNumbers: numbers });
  const c = process.cpuUsage(c0);
  t.diagnostic(`presignParts(1,000) alone, in Node: ${((c.user + c.system) / 1000 / runs).toFixed(1)} ms CPU`);

  // Parts 1 and 1000 through their URLs (numbers need not be consecutive), then Complete.
  const p1 = randomBytes(5 * MiB);
  const p1000 = randomBytes(1024);
  for (const [url, bytes] of [[body.urls[0].url, p1], [body.urls[999].url, p1000]]) {
    const r = await fetch(url, {
      method: 'PUT', body: bytes, headers: { 'content-md5': createHash('md5').update(bytes).digest('base64') },
    });
    assert.equal(r.status, 200, await r.text());
  }
  const parts = [];
  for await (const p of client.listAllParts({ bucket, key, uploadId })) parts.push({ partNumber: p.partNumber, etag: p.etag });
  assert.deepEqual(parts.map((p) => p.partNumber), [1, 1000]);
  await client.completeMultipartUpload({ bucket, key, uploadId, parts });
  client.transport.close?.();
  await verifyObject({ bucket, key, expectBytes: Buffer.concat([p1, p1000]), expectParts: [5 * MiB, 1024] });
});

test('bad requests get 4xx answers, not exceptions', { timeout: 30_000 }, async () => {
  const r1 = await fetch(new URL('/presign/x?parts=5', worker.url));
  assert.equal(r1.status, 400);
  const r2 = await fetch(new URL('/presign/x?uploadId=u&parts=10001', worker.url));
  assert.equal(r2.status, 400);
  const r3 = await fetch(new URL('/nothing', worker.url));
  assert.equal(r3.status, 404);
  const r4 = await fetch(new URL('/upload/', worker.url), { method: 'POST', body: 'x' });
  assert.equal(r4.status, 404);
});

test('/s3: the direct-upload handler in workerd: 1,000 part URLs in one call, directUpload through it', { timeout: 120_000 }, async (t) => {
  const auth = { authorization: 'Bearer test-token' };
  const call = (method, path, body) => fetch(new URL(`/s3${path}`, worker.url), {
    method, headers: { ...auth, 'content-type': 'application/json' }, body: body && JSON.stringify(body),
  });
  const denied = await fetch(new URL('/s3/multipart', worker.url), { method: 'POST', body: '{"filename":"x"}' });
  assert.equal(denied.status, 403, 'no token: denied');
  const created = await (await call('POST', '/multipart', { filename: 'direct-worker.bin', size: 6 * MiB })).json();
  assert.match(created.key, /^uploads\/.+\/direct-worker\.bin$/);
  assert.equal(created.partSize, 8 * MiB);
  const q = `?key=${encodeURIComponent(created.key)}`;
  const numbers = Array.from({ length: 1000 }, (_, i) => i + 1).join(',');
  const t0 = performance.now();
  const batch = await (await call('GET', `/multipart/${encodeURIComponent(created.uploadId)}/batch${q}&partNumbers=${numbers}`)).json();
  t.diagnostic(`1,000 part URLs from the handler in workerd: ${(performance.now() - t0).toFixed(0)} ms wall`);
  assert.equal(Object.keys(batch.presignedUrls).length, 1000);
  assert.equal((await call('DELETE', `/multipart/${encodeURIComponent(created.uploadId)}${q}`)).status, 200);
  assert.deepEqual(await listUploads(bucket, created.key), []);

  // The page's side from Node (fetch instead of XHR), signed by the handler in workerd.
  const bytes = randomBytes(13 * MiB);
  const r = await directUpload(new Blob([bytes]), {
    endpoint: new URL('/s3', worker.url).href, headers: () => auth, filename: 'via-worker.bin', partSize: 5 * MiB, store: false,
  });
  await verifyObject({ bucket, key: r.key, expectBytes: bytes, expectParts: [5 * MiB, 5 * MiB, 3 * MiB] });
  assert.deepEqual(await listUploads(bucket, r.key), []);
});
