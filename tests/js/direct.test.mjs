// createDirectUploadHandler (Companion's S3 routes) and directUpload, on
// Node against the real gateway: the handler behind toNodeListener on a
// loopback port, directUpload over Node's fetch (the browser runs are in
// tests/browser/direct.test.mjs). Objects are read back by the verifier.
//
//   scripts/test-js.sh tests/js/direct.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash, randomBytes } from 'node:crypto';
import { S3Client, createDirectUploadHandler, toNodeListener } from '../../js/src/index.node.js';
import { directUpload, memoryStore } from '../../js/src/direct/index.js';
import { s3Server } from './harness/server.mjs';
import { verifyObject, listUploads } from './harness/verify.mjs';
import { notOn } from './harness/gateway.mjs';

const NO_POST = notOn('swift', 'Swift s3api has no browser form uploads (POST Object): it answers 412 Bad URL');

const MiB = 1024 * 1024;
const prefix = `direct-${process.pid}-${Date.now()}/`;

describe('direct uploads: handler and directUpload on Node', { timeout: 180_000 }, () => {
  let server;
  let bucket;
  let client;
  let http1;
  let base;
  const bodies = []; // every answer the handler gave: the secret must be in none
  const seen = []; // what authorize was asked

  before(async () => {
    server = await s3Server();
    bucket = await server.bucket('s3mpu-direct');
    client = await S3Client.create(server.clientOptions());
    const handler = createDirectUploadHandler(client, {
      bucket,
      maxSize: 64 * MiB,
      // Tests say who they are in a header; "nobody" is denied; keys go under the test's prefix.
      authorize: (request, info) => {
        seen.push(info);
        const who = request.headers.get('x-user');
        if (!who || who === 'nobody') return false;
        if (info.operation === 'createMultipartUpload' || info.operation === 'getUploadParameters') {
          return { key: `${prefix}${who}/${info.filename}` };
        }
        return info.key.startsWith(`${prefix}${who}/`);
      },
    });
    const listener = toNodeListener(handler);
    http1 = http.createServer(async (req, res) => {
      const end = res.end.bind(res);
      res.end = (chunk) => {
        if (chunk) bodies.push(Buffer.from(chunk).toString());
        return end(chunk);
      };
      listener(req, res);
    });
    await new Promise((r) => http1.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${http1.address().port}/s3`;
  });

  after(async () => {
    http1?.closeAllConnections?.();
    http1?.close();
    client?.transport.close?.();
    for (const b of bodies) assert.ok(!b.includes(server.secretAccessKey), 'the secret key is in an answer');
  });

  const as = (who) => async () => ({ 'x-user': who });
  const api = (method, path, who, body) => fetch(`${base}${path}`, {
    method, headers: { 'x-user': who, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body && JSON.stringify(body),
  });

  it('uploads a 13 MiB Blob in 5 MiB parts through the handler', async () => {
    const bytes = randomBytes(13 * MiB);
    const events = [];
    const r = await directUpload(new Blob([bytes]), {
      endpoint: base, headers: as('alice'), filename: 'thirteen.bin', partSize: 5 * MiB, concurrency: 2,
      store: memoryStore(), onProgress: (p) => events.push(p),
    });
    assert.equal(r.key, `${prefix}alice/thirteen.bin`);
    assert.equal(r.parts, 3);
    assert.equal(r.size, bytes.length);
    await verifyObject({ bucket, key: r.key, expectBytes: bytes, expectParts: [5 * MiB, 5 * MiB, 3 * MiB] });
    assert.deepEqual(await listUploads(bucket, r.key), []);
    const loaded = events.map((e) => e.loaded);
    assert.deepEqual(loaded, [...loaded].sort((a, b) => a - b), 'progress never goes back');
    assert.equal(events.at(-1).loaded, bytes.length);
    assert.equal(events.at(-1).phase, 'done');
  });

  it('the server plans: without partSize the handler\'s plan (8 MiB) cuts the file', async () => {
    const bytes = randomBytes(9 * MiB);
    const r = await directUpload(new Blob([bytes]), { endpoint: base, headers: as('alice'), filename: 'nine.bin', store: false });
    assert.equal(r.parts, 2);
    await verifyObject({ bucket, key: r.key, expectBytes: bytes, expectParts: [8 * MiB, 1 * MiB] });
  });

  it('denies by default: no authorization, no upload, an {error} answer', async () => {
    const res = await api('POST', '/multipart', 'nobody', { filename: 'x.bin', type: 'application/octet-stream' });
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), { error: 'not authorized' });
    await assert.rejects(
      directUpload(new Blob([randomBytes(6 * MiB)]), { endpoint: base, headers: as('nobody'), store: false, partSize: 5 * MiB }),
      (e) => e.status === 403 && /HTTP 403 Forbidden: not authorized/.test(e.message),
    );
    assert.throws(() => createDirectUploadHandler(client, { bucket }), /authorize/);
  });

  it('another user\'s key is refused on every route', async () => {
    const res = await api('POST', '/multipart', 'alice', { filename: 'mine.bin' });
    const { key, uploadId } = await res.json();
    const q = `?key=${encodeURIComponent(key)}`;
    for (const [method, path] of [['GET', `/multipart/${uploadId}${q}`], ['GET', `/multipart/${uploadId}/1${q}`],
      ['GET', `/multipart/${uploadId}/batch${q}&partNumbers=1,2`], ['DELETE', `/multipart/${uploadId}${q}`]]) {
      assert.equal((await api(method, path, 'mallory')).status, 403, `${method} ${path}`);
    }
    assert.equal((await api('DELETE', `/multipart/${uploadId}${q}`, 'alice')).status, 200);
    assert.deepEqual(await listUploads(bucket, key), []);
  });

  it('Companion\'s shapes: create, one URL, a batch of 1,000, list, complete, abort', async () => {
    const created = await (await api('POST', '/multipart', 'bob', { filename: 'shape.bin', type: 'text/plain', metadata: { a: 'b' } })).json();
    assert.deepEqual(Object.keys(created).sort(), ['bucket', 'key', 'uploadId']);
    const q = `?key=${encodeURIComponent(created.key)}`;
    const one = await (await api('GET', `/multipart/${created.uploadId}/1${q}`, 'bob')).json();
    assert.equal(typeof one.url, 'string');
    assert.equal(one.expires, 3600);
    const numbers = Array.from({ length: 1000 }, (_, i) => i + 1);
    const batch = await (await api('GET', `/multipart/${created.uploadId}/batch${q}&partNumbers=${numbers}`, 'bob')).json();
    assert.equal(Object.keys(batch.presignedUrls).length, 1000);
    // Each URL is the one-part answer's for its number (the same when signed in the same
    // second), in any order, once per number.
    const sameUrl = (a, b) => {
      const strip = (u) => (new URL(a).searchParams.get('X-Amz-Date') === new URL(b).searchParams.get('X-Amz-Date') ? u : u.replace(/X-Amz-(Date|Signature)=\w+/g, ''));
      assert.equal(strip(a), strip(b));
    };
    for (const n of [1, 2, 999, 1000]) {
      sameUrl(batch.presignedUrls[n], (await (await api('GET', `/multipart/${created.uploadId}/${n}${q}`, 'bob')).json()).url);
    }
    const odd = await (await api('GET', `/multipart/${created.uploadId}/batch${q}&partNumbers=3,1,3,2`, 'bob')).json();
    assert.deepEqual(Object.keys(odd.presignedUrls), ['1', '2', '3']);
    for (const n of [1, 2, 3]) sameUrl(odd.presignedUrls[n], batch.presignedUrls[n]);
    const body = randomBytes(1000);
    const put = await fetch(batch.presignedUrls['1'], { method: 'PUT', body });
    assert.equal(put.status, 200);
    const listed = await (await api('GET', `/multipart/${created.uploadId}${q}`, 'bob')).json();
    assert.deepEqual(listed.map((p) => [p.PartNumber, p.Size, p.ETag]), [[1, 1000, put.headers.get('etag')]]);
    // No ETag given (a page behind a CORS rule that hides it): the handler takes ListParts'.
    const done = await (await api('POST', `/multipart/${created.uploadId}/complete${q}`, 'bob', { parts: [{ PartNumber: 1 }] })).json();
    assert.equal(done.key, created.key);
    assert.equal(done.bucket, bucket);
    const md5 = createHash('md5').update(createHash('md5').update(body).digest()).digest('hex');
    assert.equal(done.etag, `"${md5}-1"`);
    await verifyObject({ bucket, key: created.key, expectBytes: body, expectParts: [1000] });
    // The same Complete again (its answer lost on the way to the page): the object answers.
    const again = await api('POST', `/multipart/${created.uploadId}/complete${q}`, 'bob', { parts: [{ PartNumber: 1 }] });
    assert.equal(again.status, 200);
    assert.equal((await again.json()).etag, done.etag);
    const bad = await api('GET', `/multipart/${created.uploadId}/batch${q}&partNumbers=0,10001`, 'bob');
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /partNumbers/);
  });

  it('part URLs are signed before the page knows the MD5: S3 still checks the unsigned Content-MD5', async () => {
    const created = await (await api('POST', '/multipart', 'bob', { filename: 'md5-check.bin' })).json();
    const q = `?key=${encodeURIComponent(created.key)}`;
    const { url } = await (await api('GET', `/multipart/${created.uploadId}/1${q}`, 'bob')).json();
    const bytes = randomBytes(1 * MiB);
    const md5 = (b) => createHash('md5').update(b).digest();
    const wrong = await fetch(url, { method: 'PUT', body: bytes, headers: { 'content-md5': md5('other').toString('base64') } });
    assert.equal(wrong.status, 400);
    assert.match(await wrong.text(), /<Code>BadDigest<\/Code>/);
    const right = await fetch(url, { method: 'PUT', body: bytes, headers: { 'content-md5': md5(bytes).toString('base64') } });
    assert.equal(right.status, 200);
    assert.equal(right.headers.get('etag'), `"${md5(bytes).toString('hex')}"`);
    assert.equal((await api('DELETE', `/multipart/${created.uploadId}${q}`, 'bob')).status, 200);
  });

  it('GET /params: a presigned POST form (Companion\'s shape); directUpload sends a one-part file through it', { skip: NO_POST }, async () => {
    const res = await api('GET', '/params?filename=form.txt&type=text%2Fplain&metadata%5Bowner%5D=bob&size=11', 'bob');
    const params = await res.json();
    assert.equal(res.status, 200, JSON.stringify(params));
    assert.equal(params.method, 'POST');
    assert.equal(params.key, `${prefix}bob/form.txt`);
    assert.equal(params.fields.key, params.key);
    assert.equal(params.expires, 3600);
    const form = new FormData();
    for (const [k, v] of Object.entries(params.fields)) form.append(k, v);
    form.append('file', new Blob(['hello world'], { type: 'text/plain' }));
    const posted = await fetch(params.url, { method: 'POST', body: form });
    assert.ok(posted.status >= 200 && posted.status < 300, `${posted.status} ${await posted.text()}`);
    await verifyObject({ bucket, key: params.key, expectBytes: new TextEncoder().encode('hello world'),
      expectHeaders: { contentType: 'text/plain', metadata: { owner: 'bob' } } });

    const small = randomBytes(1 * MiB + 7);
    const r = await directUpload(new Blob([small]), { endpoint: base, headers: as('bob'), filename: 'posted.bin', store: false });
    assert.deepEqual([r.key, r.parts, r.size], [`${prefix}bob/posted.bin`, 0, small.length]);
    await verifyObject({ bucket, key: r.key, expectBytes: small });
    const empty = await directUpload(new Blob([]), { endpoint: base, headers: as('bob'), filename: 'empty.bin', store: false });
    await verifyObject({ bucket, key: empty.key, expectBytes: new Uint8Array(0) });
  });

  it('GET /params: the policy holds maxSize, so a bigger file is refused by the store', { skip: NO_POST }, async () => {
    const tiny = createDirectUploadHandler(client, { bucket, maxSize: 1024, authorize: () => ({ key: `${prefix}tiny.bin` }) });
    const params = await (await tiny(new Request('http://x/s3/params?filename=t.bin'))).json();
    const form = new FormData();
    for (const [k, v] of Object.entries(params.fields)) form.append(k, v);
    form.append('file', new Blob([randomBytes(2048)]));
    const posted = await fetch(params.url, { method: 'POST', body: form });
    assert.equal(posted.status, 400);
    assert.match(await posted.text(), /EntityTooLarge/);
  });

  it('CORS for pages on allowedOrigins only', async () => {
    const h = createDirectUploadHandler(client, { bucket, allowedOrigins: ['https://app.example'], authorize: () => false });
    const pre = (origin) => h(new Request('http://x/s3/multipart', {
      method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    }));
    const ok = await pre('https://app.example');
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(ok.headers.get('access-control-allow-headers'), 'content-type,authorization');
    assert.equal((await pre('https://evil.example')).status, 403);
    const denied = await h(new Request('http://x/s3/multipart', { method: 'POST', headers: { origin: 'https://app.example' }, body: '{"filename":"a"}' }));
    assert.equal(denied.status, 403, 'CORS lets the page read the answer; authorize still decides');
    assert.equal(denied.headers.get('access-control-allow-origin'), 'https://app.example');
    const other = await h(new Request('http://x/s3/multipart', { method: 'POST', headers: { origin: 'https://evil.example' }, body: '{}' }));
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('toNodeListener as middleware: paths outside the handler\'s base go to next()', async () => {
    const mw = toNodeListener(createDirectUploadHandler(client, { bucket, authorize: () => false }));
    const srv = http.createServer((req, res) => mw(req, res, () => res.writeHead(418).end('next')));
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const at = `http://127.0.0.1:${srv.address().port}`;
      assert.equal((await fetch(`${at}/elsewhere`)).status, 418);
      const denied = await fetch(`${at}/s3/multipart`, { method: 'POST', body: '{"filename":"a"}' });
      assert.equal(denied.status, 403);
      assert.deepEqual(await denied.json(), { error: 'not authorized' });
    } finally {
      srv.close();
    }
  });

  it('GET /sts only when configured, and authorized like every call', async () => {
    assert.equal((await api('GET', '/sts', 'alice')).status, 404, 'not configured: no route');
    const withSts = createDirectUploadHandler(client, {
      bucket,
      authorize: (request, info) => info.operation === 'getCredentials' && request.headers.get('x-user') === 'alice',
      credentials: async () => ({ accessKeyId: 'ASIATEMP', secretAccessKey: 'temp-secret', sessionToken: 'tok', expiration: '2030-01-01T00:00:00Z', region: 'us-east-1' }),
    });
    const get = (who) => withSts(new Request('http://x/s3/sts', { headers: { 'x-user': who } }));
    assert.equal((await get('mallory')).status, 403);
    assert.deepEqual(await (await get('alice')).json(), {
      credentials: { AccessKeyId: 'ASIATEMP', SecretAccessKey: 'temp-secret', SessionToken: 'tok', Expiration: '2030-01-01T00:00:00Z' },
      bucket, region: 'us-east-1',
    });
  });

  it('maxSize: a declared size over it is refused; a completed upload over it is aborted', async () => {
    const over = await api('POST', '/multipart', 'carol', { filename: 'big.bin', size: 65 * MiB });
    assert.equal(over.status, 413);
    const small = createDirectUploadHandler(client, { bucket, maxSize: 5 * MiB, authorize: () => ({ key: `${prefix}carol/sneaky.bin` }) });
    const created = await (await small(new Request('http://x/s3/multipart', { method: 'POST', body: JSON.stringify({ filename: 'f', size: 1 }) }))).json();
    const [{ url: u1 }, { url: u2 }] = client.presignParts({ bucket, key: created.key, uploadId: created.uploadId, partNumbers: [1, 2] });
    assert.equal((await fetch(u1, { method: 'PUT', body: randomBytes(5 * MiB) })).status, 200);
    assert.equal((await fetch(u2, { method: 'PUT', body: randomBytes(10) })).status, 200);
    const res = await small(new Request(`http://x/s3/multipart/${created.uploadId}/complete?key=${encodeURIComponent(created.key)}`, {
      method: 'POST', body: JSON.stringify({ parts: [{ PartNumber: 1 }, { PartNumber: 2 }] }),
    }));
    assert.equal(res.status, 413);
    assert.deepEqual(await listUploads(bucket, created.key), []);
  });

  it('errors: unknown routes 404, bad JSON 400, S3 errors without the secret', async () => {
    assert.equal((await api('GET', '/nothing', 'alice')).status, 404);
    const bad = await fetch(`${base}/multipart`, { method: 'POST', headers: { 'x-user': 'alice' }, body: '{nope' });
    assert.equal(bad.status, 400);
    const gone = await api('GET', `/multipart/no-such-upload?key=${encodeURIComponent(`${prefix}alice/x`)}`, 'alice');
    assert.equal(gone.status, 404);
    assert.match((await gone.json()).error, /NoSuch(Upload|Key)/);
  });

  it('a failed upload is kept; the same file again resumes from ListParts', async () => {
    const bytes = randomBytes(16 * MiB);
    const store = memoryStore();
    const opts = { endpoint: base, headers: as('dave'), filename: 'resume.bin', partSize: 5 * MiB, store, concurrency: 1 };
    // Part 3 is refused for good the first time (a 400 is not retried).
    const realFetch = globalThis.fetch;
    const puts = [];
    let refuse = true;
    globalThis.fetch = (url, init) => {
      const n = init?.method === 'PUT' ? new URL(url).searchParams.get('partNumber') : null;
      if (n) puts.push(Number(n));
      if (n === '3' && refuse) return Promise.resolve(new Response('<Error><Code>InvalidRequest</Code></Error>', { status: 400 }));
      return realFetch(url, init);
    };
    try {
      const file = new Blob([bytes]);
      const e = await directUpload(file, opts).catch((x) => x);
      assert.match(e.message, /part 3.*kept: pick the same file again/);
      assert.ok(e.resumable?.uploadId);
      assert.equal((await store.entries()).length, 1);
      refuse = false;
      puts.length = 0;
      const r = await directUpload(new Blob([bytes]), opts);
      assert.deepEqual(puts, [3, 4], 'only the parts the server lacked');
      assert.equal(r.uploadId, e.resumable.uploadId);
      await verifyObject({ bucket, key: r.key, expectBytes: bytes, expectParts: [5 * MiB, 5 * MiB, 5 * MiB, 1 * MiB] });
      assert.deepEqual(await store.entries(), [], 'the checkpoint is removed on success');
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it('an upload gone from the server (NoSuchUpload) starts afresh; a different file never resumes', async () => {
    const bytes = randomBytes(11 * MiB);
    const store = memoryStore();
    const opts = { endpoint: base, headers: as('erin'), filename: 'fresh.bin', partSize: 5 * MiB, store };
    const realFetch = globalThis.fetch;
    globalThis.fetch = (url, init) => (init?.method === 'PUT' && new URL(url).searchParams.get('partNumber') === '2'
      ? Promise.resolve(new Response('', { status: 400 })) : realFetch(url, init));
    let first;
    try {
      first = await directUpload(new Blob([bytes]), opts).catch((x) => x);
    } finally {
      globalThis.fetch = realFetch;
    }
    assert.ok(first.resumable);
    // Same name and size, other bytes: another fingerprint, a new upload.
    const other = randomBytes(11 * MiB);
    const r1 = await directUpload(new Blob([other]), { ...opts, filename: 'fresh.bin' });
    assert.notEqual(r1.uploadId, first.resumable.uploadId);
    await verifyObject({ bucket, key: r1.key, expectBytes: other, expectParts: [5 * MiB, 5 * MiB, 1 * MiB] });
    // The kept upload aborted behind the page's back: picking the file starts over.
    await client.abortMultipartUpload({ bucket, key: first.resumable.key, uploadId: first.resumable.uploadId });
    const r2 = await directUpload(new Blob([bytes]), opts);
    assert.notEqual(r2.uploadId, first.resumable.uploadId);
    await verifyObject({ bucket, key: r2.key, expectBytes: bytes, expectParts: [5 * MiB, 5 * MiB, 1 * MiB] });
  });

  it('checkpoints past their date are removed, and their uploads aborted', async () => {
    const store = memoryStore();
    const created = await (await api('POST', '/multipart', 'gina', { filename: 'stale.bin' })).json();
    await store.set(`endpoint ${base}\nsome-old-fingerprint`, {
      v: 1, key: created.key, uploadId: created.uploadId, size: 1, partSize: 5 * MiB, md5s: {}, etags: {}, expires: Date.now() - 1,
    });
    const bytes = randomBytes(6 * MiB);
    const r = await directUpload(new Blob([bytes]), { endpoint: base, headers: as('gina'), filename: 'fresh.bin', partSize: 5 * MiB, store });
    await verifyObject({ bucket, key: r.key, expectBytes: bytes, expectParts: [5 * MiB, 1 * MiB] });
    assert.deepEqual(await store.entries(), []);
    assert.deepEqual(await listUploads(bucket, created.key), [], 'the stale upload was aborted');
  });

  it('abort: rejects with the reason, leaves no upload and no checkpoint', async () => {
    const store = memoryStore();
    const controller = new AbortController();
    const p = directUpload(new Blob([randomBytes(20 * MiB)]), {
      endpoint: base, headers: as('frank'), filename: 'abort.bin', partSize: 5 * MiB, store, signal: controller.signal,
      concurrency: 1, onProgress: (e) => e.partsDone >= 1 && controller.abort(new Error('user canceled')),
    });
    await assert.rejects(p, /user canceled/);
    assert.deepEqual(await listUploads(bucket, `${prefix}frank/`), []);
    assert.deepEqual(await store.entries(), []);
  });

  it('signer hooks: any backend with the same shapes', async () => {
    const bytes = randomBytes(6 * MiB);
    const key = `${prefix}hooks.bin`;
    const signer = {
      create: async () => ({ key, ...(await client.createMultipartUpload({ bucket, key })) }),
      signParts: async ({ uploadId, partNumbers }) => ({
        presignedUrls: Object.fromEntries(client.presignParts({ bucket, key, uploadId, partNumbers }).map((x) => [x.partNumber, x.url])),
      }),
      listParts: async ({ uploadId }) => (await client.listParts({ bucket, key, uploadId })).parts.map((x) => ({ PartNumber: x.partNumber, ETag: x.etag, Size: x.size })),
      complete: async ({ uploadId, parts }) => client.completeMultipartUpload({ bucket, key, uploadId, parts: parts.map((x) => ({ partNumber: x.PartNumber, etag: x.ETag })) }),
      abort: async ({ uploadId }) => client.abortMultipartUpload({ bucket, key, uploadId }),
    };
    const r = await directUpload(new Blob([bytes]), { signer, partSize: 5 * MiB, store: false });
    assert.equal(r.key, key);
    await verifyObject({ bucket, key, expectBytes: bytes, expectParts: [5 * MiB, 1 * MiB] });
    // A file of one part goes through params() as one request (here a presigned PUT with Content-MD5).
    const small = randomBytes(1 * MiB + 3);
    const smallKey = `${prefix}hooks-small.bin`;
    const r2 = await directUpload(new Blob([small]), {
      signer: { ...signer, params: async () => ({ method: 'PUT', key: smallKey, bucket, ...client.presign({ operation: 'putObject', bucket, key: smallKey }) }) },
      store: false,
    });
    assert.deepEqual([r2.key, r2.parts, r2.size], [smallKey, 0, small.length]);
    await verifyObject({ bucket, key: smallKey, expectBytes: small });
    assert.throws(() => directUpload(new Blob([bytes]), { signer: { create() {} } }), /signer lacks/);
    assert.throws(() => directUpload(new Blob([bytes]), { endpoint: base, signer }), /exactly one/);
  });

  it('Create goes out while the hashing starts; when that fails, the upload it made is aborted', async () => {
    const key = `${prefix}early.bin`;
    const calls = [];
    const signer = {
      create: async () => {
        calls.push('create');
        return { key, ...(await client.createMultipartUpload({ bucket, key })) };
      },
      signParts: async () => assert.fail('no part is signed'),
      listParts: async () => [],
      complete: async () => assert.fail('nothing is completed'),
      abort: async ({ uploadId }) => {
        calls.push('abort');
        return client.abortMultipartUpload({ bucket, key, uploadId });
      },
    };
    await assert.rejects(directUpload(new Blob([randomBytes(6 * MiB)]), { signer, partSize: 5 * MiB, store: false, md5Wasm: new Uint8Array(8) }));
    assert.deepEqual(calls, ['create', 'abort']);
    const left = await client.listMultipartUploads({ bucket, prefix: key });
    assert.deepEqual(left.uploads.map((u) => u.key), []);
  });
});

describe('direct errors', () => {
  it('sizes the plan refuses: S3Client.plan\'s codes, thrown before anything is sent', async () => {
    const s3 = await S3Client.create({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const TiB = 1024 * 1024 * MiB;
    // A Blob as large as the test needs: directUpload reads nothing before it refuses.
    class Sized extends Blob {
      constructor(size) {
        super([]);
        this.declared = size;
      }
      get size() {
        return this.declared;
      }
    }
    const refuse = () => assert.fail('nothing may be asked of the backend');
    const signer = { create: refuse, signParts: refuse, listParts: refuse, complete: refuse, abort: refuse };
    const cases = [[5 * TiB + 1, undefined], [6 * TiB, undefined], [100 * MiB, MiB], [100 * MiB, 5 * 1024 * MiB + 1]];
    for (const [size, partSize] of cases) {
      let expected;
      try {
        s3.plan({ size, partSize });
      } catch (e) {
        expected = e;
      }
      assert.match(expected?.code, /^(EntityTooLarge|InvalidPartSize)$/, `S3Client.plan of ${size} bytes in parts of ${partSize}`);
      assert.throws(() => directUpload(new Sized(size), { signer, partSize, store: false }),
        (e) => e.name === 'S3InputError' && e.code === expected.code && /5 (TiB|MiB to 5 GiB)/.test(e.message), `${size} bytes in parts of ${partSize}`);
    }
    // S3's largest object and part pass (then the signal stops the upload before it starts).
    await assert.rejects(directUpload(new Sized(5 * TiB), { signer, partSize: 5 * 1024 * MiB, store: false, signal: AbortSignal.abort() }),
      { name: 'AbortError' });
    s3.destroy();
  });

  it('an error status without an S3 <Error> (a proxy\'s HTML page) is named as S3Client names it', async () => {
    const proxy = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(403, { 'content-type': 'text/html' }).end('<html><body>Access denied by proxy</body></html>'));
    });
    await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${proxy.address().port}/bucket/key`;
      const signer = { create() {}, signParts() {}, listParts() {}, complete() {}, abort() {}, params: async () => ({ method: 'PUT', url, headers: {} }) };
      await assert.rejects(directUpload(new Blob([randomBytes(10)]), { signer, store: false }),
        (e) => e.name === 'S3Error' && e.code === 'Forbidden' && e.status === 403 && /Access denied by proxy/.test(e.message));
    } finally {
      proxy.closeAllConnections?.();
      proxy.close();
    }
  });
});

const tsc = new URL('./node_modules/typescript/bin/tsc', import.meta.url);
describe('direct types', () => {
  it('types/direct.d.ts and the handler types compile with a program using them (tsc --strict)', {
    skip: !existsSync(tsc) && 'typescript not installed in tests/js', timeout: 120_000,
  }, async () => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const out = await new Promise((resolve) => {
      execFile(process.execPath, [fileURLToPath(tsc), '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext',
        '--moduleResolution', 'nodenext', '--lib', 'es2022,dom,dom.iterable', 'types-check-direct.ts'],
      { cwd: here }, (error, stdout, stderr) => resolve({ error, stdout, stderr }));
    });
    assert.equal(out.error, null, `${out.stdout}${out.stderr}`);
  });
});
