// Every S3Client operation against a real server (scripts/test-js.sh starts a Ceph RGW).
// Objects are read back with the independent verifier (AWS SDK, harness/verify.mjs). At the end,
// what needs no server: options, presigning, input refused before sending, planning.
//
//   scripts/test-js.sh tests/js/client.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { S3Client, S3Error, S3InputError } from '../../js/src/index.node.js';
import { options, UPLOAD, ACCESS_KEY, SECRET, T0, ENDPOINT, verifyPresigned, fetchCalls } from './harness/offline.mjs';
import { s3Server } from './harness/server.mjs';
import { verifyObject, listUploads, abortAll, deleteAll } from './harness/verify.mjs';
import { STORE } from './harness/gateway.mjs';

const MiB = 1024 * 1024;
const prefix = `client-${process.pid}-${Date.now()}/`;
const md5hex = (b) => createHash('md5').update(b).digest('hex');
const md5b64 = (b) => createHash('md5').update(b).digest('base64');
// A key that needs every kind of escaping in a path (and in a presigned URL).
const ODD = "dir/sub dir/ü ñ+&=%?#~!$'()*,;:@[]{}^`|\\.bin";

describe('S3Client operations', { timeout: 180_000 }, () => {
  let server;
  let bucket;
  let s3;
  const clients = [];
  let n = 0;
  const keyOf = (name) => `${prefix}${name}-${++n}`;

  async function client(extra = {}) {
    const c = await S3Client.create(server.clientOptions(extra));
    clients.push(c);
    return c;
  }

  /** A fetch that counts requests by method and subresource. */
  function countingFetch() {
    const seen = [];
    const f = (url, init) => {
      const q = new URL(url).searchParams;
      seen.push(`${init.method}${q.has('uploads') ? ' uploads' : ''}${q.has('uploadId') ? ' uploadId' : ''}`);
      return fetch(url, init);
    };
    f.seen = seen;
    return f;
  }

  before(async () => {
    server = await s3Server();
    bucket = await server.bucket('s3mpu-js-client');
    s3 = await client();
  });

  after(async () => {
    for (const c of clients) c.destroy();
    if (bucket) {
      await abortAll(bucket, prefix);
      await deleteAll(bucket, prefix);
    }
  });

  const headers = {
    contentType: 'application/x-s3mpu; charset=utf-8',
    cacheControl: 'max-age=60, private',
    contentDisposition: 'attachment; filename="a b.bin"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.bin',
    contentEncoding: 'identity',
    expires: new Date('2031-02-03T04:05:06Z'),
  };
  const metadata = { origin: 'client-test', 'two-words': 'a  b', empty: '', Mixed: 'CaSe' };

  it('create with every header and metadata, two parts, list, complete, HEAD', async () => {
    const key = `${keyOf('full')}/${ODD}`;
    const bodies = [randomBytes(5 * MiB), randomBytes(1234)];
    const created = await s3.createMultipartUpload({ bucket, key, ...headers, storageClass: 'STANDARD', metadata });
    assert.equal(created.bucket, bucket);
    assert.equal(created.key, key);
    assert.match(created.uploadId, /\S/);
    const { uploadId } = created;

    const parts = [];
    for (const [i, body] of bodies.entries()) {
      const p = await s3.uploadPart({ bucket, key, uploadId, partNumber: i + 1, body, contentMD5: md5b64(body) });
      assert.equal(p.partNumber, i + 1);
      assert.equal(p.etag, `"${md5hex(body)}"`);
      parts.push(p);
    }
    const listed = await s3.listParts({ bucket, key, uploadId });
    assert.equal(listed.isTruncated, false);
    assert.deepEqual(listed.parts.map((p) => [p.partNumber, p.size, p.etag]),
      parts.map((p, i) => [p.partNumber, bodies[i].length, p.etag]));
    for (const p of listed.parts) assert.ok(Number.isFinite(Date.parse(p.lastModified)), p.lastModified);

    const done = await s3.completeMultipartUpload({ bucket, key, uploadId, parts });
    assert.equal(done.bucket, bucket);
    assert.equal(done.key, key);

    const v = await verifyObject({
      bucket, key, expectBytes: Buffer.concat(bodies),
      expectHeaders: { ...headers, metadata },
      expectParts: bodies.map((b) => b.length),
    });
    // Our HEAD says the same as the SDK's.
    const head = await s3.headObject({ bucket, key });
    assert.equal(head.etag, `"${v.etag}"`);
    assert.equal(head.size, 5 * MiB + 1234);
    assert.equal(head.contentType, headers.contentType);
    assert.equal(head.cacheControl, headers.cacheControl);
    assert.equal(head.contentDisposition, headers.contentDisposition);
    assert.equal(head.contentEncoding, headers.contentEncoding);
    assert.equal(Date.parse(head.expires), headers.expires.getTime());
    assert.ok(Number.isFinite(Date.parse(head.lastModified)));
    assert.deepEqual(head.metadata, Object.fromEntries(Object.entries(metadata).map(([k, val]) => [k.toLowerCase(), val])));
    assert.deepEqual(await listUploads(bucket, key), []);
  });

  it('uploadPart takes a Uint8Array, an ArrayBuffer, a Blob, a string, a function', async () => {
    const key = keyOf('bodies');
    const { uploadId } = await s3.createMultipartUpload({ bucket, key });
    const bytes = randomBytes(3000);
    const text = 'h\u00e9llo \u20ac\n';
    const cases = [
      [bytes, bytes],
      [bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 1000), bytes.subarray(0, 1000)],
      [new Blob([bytes.subarray(0, 2000)]), bytes.subarray(0, 2000)],
      [text, Buffer.from(text)],
      [new Uint8Array(0), new Uint8Array(0)],
    ];
    for (const [i, [body, expect]] of cases.entries()) {
      const p = await s3.uploadPart({ bucket, key, uploadId, partNumber: i + 1, body });
      assert.equal(p.etag, `"${md5hex(expect)}"`, `case ${i}`);
    }
    // A function is called for each attempt: a fresh body each time.
    let calls = 0;
    const bodyOf = () => {
      calls++;
      return new Blob([bytes]);
    };
    const p = await s3.uploadPart({ bucket, key, uploadId, partNumber: 9, body: bodyOf, contentLength: bytes.length });
    assert.equal(p.etag, `"${md5hex(bytes)}"`);
    assert.equal(calls, 1);
    const listed = await s3.listParts({ bucket, key, uploadId });
    assert.deepEqual(listed.parts.map((x) => x.partNumber), [1, 2, 3, 4, 5, 9]);
    assert.deepEqual(listed.parts.map((x) => x.size), [3000, 1000, 2000, Buffer.byteLength(text), 0, 3000]);
    await s3.abortMultipartUpload({ bucket, key, uploadId });
  });

  it('a wrong Content-MD5: S3Error BadDigest (retried: the body may have been damaged on the way)', async () => {
    const f = countingFetch();
    const c = await client({ fetch: f, retry: { attempts: 2, baseDelayMs: 5 } });
    const key = keyOf('bad-md5');
    const { uploadId } = await c.createMultipartUpload({ bucket, key });
    await assert.rejects(
      c.uploadPart({ bucket, key, uploadId, partNumber: 1, body: 'abc', contentMD5: md5b64('abd') }),
      (e) => {
        assert.ok(e instanceof S3Error, e);
        assert.equal(e.code, 'BadDigest');
        assert.equal(e.status, 400);
        return true;
      });
    assert.deepEqual(f.seen, ['POST uploads', 'PUT uploadId', 'PUT uploadId']);
    await c.abortMultipartUpload({ bucket, key, uploadId });
  });

  it('listParts pages: maxParts 2 over 5 parts, and listAllParts across the pages', async () => {
    const f = countingFetch();
    const c = await client({ fetch: f });
    const key = keyOf('list-parts');
    const { uploadId } = await c.createMultipartUpload({ bucket, key });
    const etags = [];
    for (let i = 1; i <= 5; i++) etags.push((await c.uploadPart({ bucket, key, uploadId, partNumber: i, body: `part ${i}` })).etag);

    const first = await c.listParts({ bucket, key, uploadId, maxParts: 2 });
    assert.deepEqual(first.parts.map((p) => p.partNumber), [1, 2]);
    assert.equal(first.isTruncated, true);
    assert.equal(first.nextPartNumberMarker, 2);
    const second = await c.listParts({ bucket, key, uploadId, maxParts: 2, partNumberMarker: first.nextPartNumberMarker });
    assert.deepEqual(second.parts.map((p) => p.partNumber), [3, 4]);

    f.seen.length = 0;
    const all = [];
    for await (const p of c.listAllParts({ bucket, key, uploadId, maxParts: 2 })) all.push(p);
    assert.deepEqual(all.map((p) => p.partNumber), [1, 2, 3, 4, 5]);
    assert.deepEqual(all.map((p) => p.etag), etags);
    assert.deepEqual(all.map((p) => p.size), [6, 6, 6, 6, 6]);
    assert.deepEqual(f.seen, ['GET uploadId', 'GET uploadId', 'GET uploadId']);

    // From a marker; and stopping early stops the requests.
    const rest = [];
    for await (const p of c.listAllParts({ bucket, key, uploadId, maxParts: 2, partNumberMarker: 3 })) rest.push(p.partNumber);
    assert.deepEqual(rest, [4, 5]);
    f.seen.length = 0;
    for await (const p of c.listAllParts({ bucket, key, uploadId, maxParts: 2 })) if (p.partNumber === 1) break;
    assert.equal(f.seen.length, 1);
    await c.abortMultipartUpload({ bucket, key, uploadId });
  });

  // On Swift s3api too, whose truncated pages have an empty NextKeyMarker (paging goes on from
  // the page's last key and upload id).
  it('listAllMultipartUploads follows the pages to the end', async () => {
    const f = countingFetch();
    const c = await client({ fetch: f });
    const base = `${keyOf('list-all')}/`;
    const made = [];
    for (const k of ['a', 'a', 'b']) {
      const key = `${base}${k}`;
      made.push({ key, uploadId: (await c.createMultipartUpload({ bucket, key })).uploadId });
    }
    const sort = (list) => list.map(({ key, uploadId }) => `${key} ${uploadId}`).sort();
    f.seen.length = 0;
    const all = [];
    for await (const u of c.listAllMultipartUploads({ bucket, prefix: base, maxUploads: 1 })) all.push(u);
    assert.deepEqual(sort(all), sort(made));
    assert.ok(f.seen.length >= 3 && f.seen.every((s) => s === 'GET uploads'), JSON.stringify(f.seen));
    for (const u of made) await c.abortMultipartUpload({ bucket, ...u });
  });

  it('listMultipartUploads: one page, a truncated page, gone after abort', async () => {
    const c = await client();
    const base = `${keyOf('list-uploads')}/`;
    const made = [];
    for (const k of ['a', 'a', 'b']) {
      const key = `${base}${k}`;
      made.push({ key, uploadId: (await c.createMultipartUpload({ bucket, key })).uploadId });
    }
    const sort = (list) => list.map(({ key, uploadId }) => `${key} ${uploadId}`).sort();

    const page = await c.listMultipartUploads({ bucket, prefix: base });
    assert.equal(page.isTruncated, false);
    assert.deepEqual(sort(page.uploads), sort(made));
    for (const u of page.uploads) {
      assert.ok(Math.abs(Date.parse(u.initiated) - Date.now()) < 120_000, u.initiated);
      assert.equal(u.storageClass, 'STANDARD');
    }

    const one = await c.listMultipartUploads({ bucket, prefix: base, maxUploads: 1 });
    assert.equal(one.uploads.length, 1);
    assert.equal(one.isTruncated, true);
    // Swift s3api's bug: a truncated page with an empty NextKeyMarker.
    if (STORE === 'swift') assert.equal(one.nextKeyMarker, '');
    else assert.ok(one.nextKeyMarker);

    // Abort: gone from the list; a second abort is NoSuchUpload.
    for (const u of made) await c.abortMultipartUpload({ bucket, ...u });
    assert.deepEqual((await c.listMultipartUploads({ bucket, prefix: base })).uploads, []);
    await assert.rejects(c.abortMultipartUpload({ bucket, ...made[0] }),
      { name: 'S3Error', code: 'NoSuchUpload', status: 404 });
  });

  it('putObject with headers and metadata; headObject; a missing key is a 404', async () => {
    const key = `${keyOf('put')}/${ODD}`;
    const body = randomBytes(10_000);
    const r = await s3.putObject({ bucket, key, body, ...headers, metadata, contentMD5: md5b64(body) });
    assert.equal(r.etag, `"${md5hex(body)}"`);
    await verifyObject({ bucket, key, expectBytes: body, expectHeaders: { ...headers, metadata } });
    const head = await s3.headObject({ bucket, key });
    assert.equal(head.etag, r.etag);
    assert.equal(head.size, body.length);
    assert.equal(head.contentType, headers.contentType);

    const empty = keyOf('put-empty');
    await s3.putObject({ bucket, key: empty, body: new Uint8Array(0) });
    await verifyObject({ bucket, key: empty, expectBytes: new Uint8Array(0), expectHeaders: { metadata: {} } });

    await assert.rejects(s3.headObject({ bucket, key: keyOf('missing') }), (e) => {
      assert.ok(e instanceof S3Error, e);
      assert.equal(e.status, 404);
      assert.equal(e.code, 'NotFound');
      return true;
    });
  });

  describe('presigned URLs', () => {
    it('UploadPart URLs work with a plain fetch PUT (presign and presignParts)', async () => {
      const key = `${keyOf('presigned')}/${ODD}`;
      const bodies = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(999)];
      const { uploadId } = await s3.createMultipartUpload({ bucket, key, contentType: 'application/x-presigned' });
      const urls = [
        s3.presign({ bucket, key, uploadId, partNumber: 1 }),
        ...s3.presignParts({ bucket, key, uploadId, partNumbers: [2, 3], expiresIn: 600 })
          .map((p) => ({ url: p.url, method: 'PUT', headers: {} })),
      ];
      const parts = [];
      for (const [i, p] of urls.entries()) {
        assert.equal(p.method, 'PUT');
        const res = await fetch(p.url, { method: 'PUT', headers: p.headers, body: bodies[i] });
        assert.equal(res.status, 200, await res.text());
        parts.push({ partNumber: i + 1, etag: res.headers.get('etag') });
        assert.equal(parts[i].etag, `"${md5hex(bodies[i])}"`);
      }
      await s3.completeMultipartUpload({ bucket, key, uploadId, parts });
      await verifyObject({
        bucket, key, expectBytes: Buffer.concat(bodies), expectParts: bodies.map((b) => b.length),
        expectHeaders: { contentType: 'application/x-presigned' },
      });
    });

    it('a presigned PutObject carries its signed headers', async () => {
      const key = keyOf('presigned-put');
      const body = randomBytes(2048);
      const p = s3.presign({ operation: 'putObject', bucket, key, contentType: 'text/x-presigned', metadata: { via: 'url' } });
      assert.equal(p.method, 'PUT');
      const res = await fetch(p.url, { method: p.method, headers: p.headers, body });
      assert.equal(res.status, 200, await res.text());
      await verifyObject({ bucket, key, expectBytes: body, expectHeaders: { contentType: 'text/x-presigned', metadata: { via: 'url' } } });
      // Without the signed header the server refuses it.
      const bad = await fetch(p.url, { method: p.method, body });
      assert.equal(bad.status, 403);
    });

    it('a tampered URL (one signature character changed) is refused: 403', async () => {
      const key = keyOf('tampered');
      const { uploadId } = await s3.createMultipartUpload({ bucket, key });
      const { url } = s3.presign({ bucket, key, uploadId, partNumber: 1 });
      const u = new URL(url);
      const sig = u.searchParams.get('X-Amz-Signature');
      const flipped = `${sig.slice(0, 10)}${sig[10] === '0' ? '1' : '0'}${sig.slice(11)}`;
      u.searchParams.set('X-Amz-Signature', flipped);
      const res = await fetch(u, { method: 'PUT', body: 'tampered' });
      assert.equal(res.status, 403);
      assert.match(await res.text(), /SignatureDoesNotMatch/);
      // Another part number under the same signature: refused too.
      const v = new URL(url);
      v.searchParams.set('partNumber', '2');
      assert.equal((await fetch(v, { method: 'PUT', body: 'x' })).status, 403);
      // The untouched URL works.
      const ok = await fetch(url, { method: 'PUT', body: 'fine' });
      assert.equal(ok.status, 200);
      assert.deepEqual((await s3.listParts({ bucket, key, uploadId })).parts.map((p) => p.partNumber), [1]);
      await s3.abortMultipartUpload({ bucket, key, uploadId });
    });

    it('an expired URL (the client clock set back) is refused: 403', async () => {
      const key = keyOf('expired');
      const { uploadId } = await s3.createMultipartUpload({ bucket, key });
      const past = await client({ clock: () => Date.now() - 2 * 3600e3 });
      const { url } = past.presign({ bucket, key, uploadId, partNumber: 1, expiresIn: 60 });
      const res = await fetch(url, { method: 'PUT', body: 'late' });
      assert.equal(res.status, 403);
      assert.match(await res.text(), /<Code>(AccessDenied|RequestExpired|ExpiredToken)<\/Code>/);
      // A long enough expiry from the same clock is still valid.
      const { url: ok } = past.presign({ bucket, key, uploadId, partNumber: 1, expiresIn: 3 * 3600 });
      assert.equal((await fetch(ok, { method: 'PUT', body: 'in time' })).status, 200);
      await s3.abortMultipartUpload({ bucket, key, uploadId });
    });
  });
});

// ---- Without a server: options, presigning, input refused, planning (fetch must not be called)

describe('construction', () => {
  it('S3Client cannot be constructed without a WasmAbi', () => {
    assert.throws(() => new S3Client({}, options()), TypeError);
  });
});

describe('options', () => {
  it('missing endpoint or credentials: TypeError at create, before loading anything', async () => {
    const bad = [
      undefined,
      {},
      options({ endpoint: undefined }),
      options({ endpoint: '' }),
      options({ credentials: undefined }),
      options({ credentials: { accessKeyId: ACCESS_KEY } }),
      options({ credentials: { secretAccessKey: SECRET } }),
      options({ credentials: { accessKeyId: 1, secretAccessKey: SECRET } }),
    ];
    for (const o of bad) {
      // wasm: 42 would fail to load: the TypeError must come from the options check.
      await assert.rejects(S3Client.create(o && { ...o, wasm: 42 }), (e) => {
        assert.ok(e instanceof TypeError, e);
        assert.match(e.message, /options/);
        return true;
      });
    }
  });

  it('bad endpoint, region or credentials: S3InputError at create', async () => {
    const cases = [
      [{ endpoint: 'ftp://example.com' }, 'InvalidEndpoint'],
      [{ endpoint: 'http://' }, 'InvalidEndpoint'],
      [{ region: 'US EAST' }, 'InvalidRegion'],
      [{ credentials: { accessKeyId: '', secretAccessKey: SECRET } }, 'InvalidCredentials'],
      [{ credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: '' } }, 'InvalidCredentials'],
      [{ credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET.repeat(10) } }, 'InvalidCredentials'],
    ];
    for (const [o, code] of cases) {
      await assert.rejects(S3Client.create(options(o)), (e) => {
        assert.ok(e instanceof S3InputError, e);
        assert.equal(e.code, code, e.message);
        for (const text of [e.message, e.stack, JSON.stringify(e)]) {
          assert.ok(!text.includes(SECRET) && !text.includes(SECRET.slice(5, 25)), `secret in ${text}`);
        }
        return true;
      });
    }
  });
});

describe('presign', () => {
  let s3;
  it('an UploadPart URL: path style, query authentication, verifiable signature', async () => {
    s3 = await S3Client.create(options());
    const p = s3.presign({ ...UPLOAD, partNumber: 3, expiresIn: 900 });
    assert.equal(p.method, 'PUT');
    assert.deepEqual(Object.keys(p.headers).filter((h) => /^(authorization|x-amz-date|host)$/i.test(h)), []);
    const u = new URL(p.url);
    assert.equal(u.origin, ENDPOINT);
    assert.equal(u.pathname, '/core-bucket/dir/file%20name%2B1.bin');
    const params = verifyPresigned(p);
    assert.equal(params['X-Amz-Algorithm'], 'AWS4-HMAC-SHA256');
    assert.equal(params['X-Amz-Credential'], `${ACCESS_KEY}/20260102/us-east-1/s3/aws4_request`);
    assert.equal(params['X-Amz-Date'], '20260102T030405Z');
    assert.equal(params['X-Amz-Expires'], '900');
    assert.equal(params.partNumber, '3');
    assert.equal(params.uploadId, UPLOAD.uploadId);
    assert.match(params['X-Amz-Signature'], /^[0-9a-f]{64}$/);
    assert.ok(!p.url.includes(SECRET) && !p.url.includes(encodeURIComponent(SECRET)));
    // Default expiry: one hour.
    assert.equal(new URL(s3.presign({ ...UPLOAD, partNumber: 3 }).url).searchParams.get('X-Amz-Expires'), '3600');
  });

  it('other operations: method and subresource', () => {
    const cases = [
      ['putObject', 'PUT', []],
      ['createMultipartUpload', 'POST', ['uploads']],
      ['completeMultipartUpload', 'POST', ['uploadId']],
      ['abortMultipartUpload', 'DELETE', ['uploadId']],
      ['listParts', 'GET', ['uploadId']],
      ['headObject', 'HEAD', []],
    ];
    for (const [operation, method, has] of cases) {
      const p = s3.presign({ operation, ...UPLOAD, expiresIn: 60, parts: [{ partNumber: 1, etag: '"e"' }] });
      assert.equal(p.method, method, operation);
      const params = verifyPresigned(p);
      for (const name of has) assert.ok(name in params, `${operation}: ${name} in ${p.url}`);
    }
    assert.throws(() => s3.presign({ operation: 'deleteBucket', ...UPLOAD }), TypeError);
  });

  it('presignParts: 1,000 URLs, one per part, each verifiable and distinct', () => {
    const partNumbers = Array.from({ length: 1000 }, (_, i) => i + 1);
    const t = performance.now();
    const urls = s3.presignParts({ ...UPLOAD, partNumbers, expiresIn: 7200 });
    const ms = performance.now() - t;
    assert.equal(urls.length, 1000);
    const signatures = new Set();
    urls.forEach(({ partNumber, url }, i) => {
      assert.equal(partNumber, i + 1);
      const q = new URL(url).searchParams;
      assert.equal(q.get('partNumber'), String(i + 1));
      assert.equal(q.get('uploadId'), UPLOAD.uploadId);
      assert.equal(q.get('X-Amz-Expires'), '7200');
      signatures.add(q.get('X-Amz-Signature'));
    });
    assert.equal(signatures.size, 1000);
    // Spot checks: the signature, and the same URL as a single presign.
    for (const i of [0, 1, 499, 998, 999]) {
      verifyPresigned({ url: urls[i].url, method: 'PUT' });
      assert.equal(urls[i].url, s3.presign({ ...UPLOAD, partNumber: i + 1, expiresIn: 7200 }).url);
    }
    // Any order, any subset.
    const some = s3.presignParts({ ...UPLOAD, partNumbers: [10000, 5, 1] });
    assert.deepEqual(some.map((p) => new URL(p.url).searchParams.get('partNumber')), ['10000', '5', '1']);
    assert.ok(ms < 5000, `presignParts(1000) took ${ms} ms`);
    assert.throws(() => s3.presignParts({ ...UPLOAD, partNumbers: [] }), TypeError);
    assert.throws(() => s3.presignParts({ ...UPLOAD, partNumbers: [1, 10001] }), { name: 'S3InputError', code: 'InvalidPartNumber' });
  });

  it('presignParts: the same URLs as one presign per part (any numbers, odd keys, a token)', async () => {
    const numbers = [1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 7, 7, 64];
    const token = await S3Client.create(options({ credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET, sessionToken: 'tok/en+=' } }));
    for (const client of [s3, token]) {
      for (const key of [UPLOAD.key, 'ünï cødé/&partNumber=1&x', 'k'.repeat(700)]) {
        const upload = { ...UPLOAD, key, uploadId: `${UPLOAD.uploadId}&partNumber=1` };
        const batch = client.presignParts({ ...upload, partNumbers: numbers, expiresIn: 600 });
        assert.deepEqual(batch.map((p) => p.partNumber), numbers);
        const rest = (url) => url.replace(/([?&]partNumber=)\d+/, '$1').replace(/X-Amz-Signature=[0-9a-f]{64}$/, '');
        for (const [i, n] of numbers.entries()) {
          assert.equal(batch[i].url, client.presign({ ...upload, partNumber: n, expiresIn: 600 }).url, `part ${n} of ${key}`);
          assert.equal(rest(batch[i].url), rest(batch[0].url), 'only the digits and the signature differ');
        }
      }
    }
    token.destroy();
  });

  it('a clock option moves X-Amz-Date', async () => {
    const c = await S3Client.create(options({ clock: () => T0 + 86_400_000 }));
    const q = new URL(c.presign({ ...UPLOAD, partNumber: 1 }).url).searchParams;
    assert.equal(q.get('X-Amz-Date'), '20260103T030405Z');
    c.destroy();
  });

  after(() => s3?.destroy());
});

describe('input refused before sending: S3InputError', () => {
  let s3;
  const messages = [];

  async function refuses(fn, code, what) {
    try {
      await fn();
    } catch (e) {
      assert.ok(e instanceof S3InputError, `${what}: ${e?.stack ?? e}`);
      assert.ok(e instanceof TypeError, `${what}: S3InputError is a TypeError`);
      assert.ok(!(e instanceof S3Error), what);
      assert.equal(e.code, code, `${what}: ${e.message}`);
      assert.ok(e.message.length > 0, what);
      messages.push(e.message, e.stack);
      return;
    }
    assert.fail(`${what}: no error`);
  }

  const part = { ...UPLOAD, partNumber: 1, body: new Uint8Array(10) };
  const create = { bucket: UPLOAD.bucket, key: UPLOAD.key };
  const cases = [
    ['bucket with capitals', (c) => c.createMultipartUpload({ ...create, bucket: 'Core_Bucket' }), 'InvalidBucketName'],
    ['bucket too short', (c) => c.uploadPart({ ...part, bucket: 'ab' }), 'InvalidBucketName'],
    ['bucket like an IP', (c) => c.putObject({ ...create, bucket: '192.168.1.1', body: 'x' }), 'InvalidBucketName'],
    ['key of 1025 bytes', (c) => c.createMultipartUpload({ ...create, key: 'k'.repeat(1025) }), 'InvalidKey'],
    ['key of 342 three-byte characters (1026 bytes)', (c) => c.headObject({ ...create, key: '\u20ac'.repeat(342) }), 'InvalidKey'],
    ['empty key', (c) => c.putObject({ ...create, key: '', body: 'x' }), 'InvalidKey'],
    ['part number 0', (c) => c.uploadPart({ ...part, partNumber: 0 }), 'InvalidPartNumber'],
    ['part number 10001', (c) => c.uploadPart({ ...part, partNumber: 10001 }), 'InvalidPartNumber'],
    ['presign part 0', (c) => c.presign({ ...UPLOAD, partNumber: 0 }), 'InvalidPartNumber'],
    ['presign part 10001', (c) => c.presign({ ...UPLOAD, partNumber: 10001 }), 'InvalidPartNumber'],
    ['expires 604801', (c) => c.presign({ ...UPLOAD, partNumber: 1, expiresIn: 604801 }), 'InvalidExpires'],
    ['expires 0', (c) => c.presignParts({ ...UPLOAD, partNumbers: [1], expiresIn: 0 }), 'InvalidExpires'],
    ['storage class GLACIER_X', (c) => c.createMultipartUpload({ ...create, storageClass: 'GLACIER_X' }), 'InvalidStorageClass'],
    ['content type with CR LF', (c) => c.createMultipartUpload({ ...create, contentType: 'text/plain\r\nX-Evil: 1' }), 'InvalidHeader'],
    ['cache control with LF', (c) => c.putObject({ ...create, body: 'x', cacheControl: 'no-cache\nx' }), 'InvalidHeader'],
    ['content disposition with CR', (c) => c.createMultipartUpload({ ...create, contentDisposition: 'a\rb' }), 'InvalidHeader'],
    ['metadata value with CR LF', (c) => c.createMultipartUpload({ ...create, metadata: { a: 'x\r\ny' } }), 'InvalidMetadata'],
    ['metadata over 2 KB', (c) => c.createMultipartUpload({ ...create, metadata: { a: 'x'.repeat(1500), b: 'y'.repeat(600) } }), 'InvalidMetadata'],
    ['metadata name not a token', (c) => c.putObject({ ...create, body: 'x', metadata: { 'a b': '1' } }), 'InvalidMetadata'],
    ['upload id missing', (c) => c.listParts({ ...UPLOAD, uploadId: undefined }), 'InvalidUploadId'],
    ['parts out of order', (c) => c.completeMultipartUpload({ ...UPLOAD, parts: [{ partNumber: 2, etag: '"a"' }, { partNumber: 1, etag: '"b"' }] }), 'InvalidPartOrder'],
  ];

  it('creates the client', async () => {
    s3 = await S3Client.create(options());
  });

  for (const [what, fn, code] of cases) {
    it(what, () => refuses(() => fn(s3), code, what));
  }

  it('metadata of exactly 2 KB is accepted', () => {
    // Names and values together: 1 + 1499 + 1 + 547 = 2048.
    const p = s3.presign({ operation: 'putObject', ...create, metadata: { a: 'x'.repeat(1499), b: 'y'.repeat(547) } });
    verifyPresigned(p);
    assert.equal(p.headers['x-amz-meta-b'], 'y'.repeat(547));
  });

  it('no message names the secret', () => {
    assert.ok(messages.length >= cases.length * 2);
    for (const text of messages) {
      assert.ok(!text.includes(SECRET) && !text.includes(SECRET.slice(5, 25)), text);
    }
  });

  after(() => s3?.destroy());
});

describe('plan: how upload() cuts a body', () => {
  const MiB = 1024 * 1024;
  it('equal parts of the preferred size but the last; raised only past 10,000 parts', async () => {
    const s3 = await S3Client.create(options());
    assert.deepEqual(s3.plan({ size: 0 }), { partSize: 8 * MiB, partCount: 1 });
    assert.deepEqual(s3.plan({ size: 8 * MiB }), { partSize: 8 * MiB, partCount: 1 });
    assert.deepEqual(s3.plan({ size: 8 * MiB + 1 }), { partSize: 8 * MiB, partCount: 2 });
    assert.deepEqual(s3.plan({ size: 100 * MiB, partSize: 5 * MiB }), { partSize: 5 * MiB, partCount: 20 });
    const huge = s3.plan({ size: 5 * 1024 * 1024 * MiB }); // 5 TiB, S3's largest object
    assert.ok(huge.partCount <= 10_000 && huge.partSize * huge.partCount >= 5 * 1024 * 1024 * MiB, JSON.stringify(huge));
    assert.ok(huge.partSize * (huge.partCount - 1) < 5 * 1024 * 1024 * MiB, 'no empty last part');
    for (const [params, code] of [
      [{ size: -1 }, 'InvalidArgument'], [{ size: 1.5 }, 'InvalidArgument'], [{}, 'InvalidArgument'],
      [{ size: MiB, partSize: 0 }, 'InvalidArgument'], [{ size: 100 * MiB, partSize: MiB }, 'InvalidPartSize'],
      [{ size: 5 * 1024 * 1024 * MiB + 1 }, 'EntityTooLarge'],
    ]) {
      assert.throws(() => s3.plan(params), (e) => e instanceof S3InputError && e.code === code, JSON.stringify(params));
    }
    s3.destroy();
  });
});

describe('without a server', () => {
  after(() => {
    assert.deepEqual(fetchCalls, [], 'no test without a server may reach the network');
  });
  it('sent nothing', () => {});
});
