// What a real S3 server (Ceph RGW 16 here) does that S3Client must survive: odd answers,
// error codes, clock skew, lost responses, transient failures. Fetch is wrapped to count
// the requests per operation and, where a test says so, to lose or fake a response.
//
//   scripts/test-js.sh tests/js/rgw-behaviour.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { S3Client, S3Error } from '../../js/src/index.node.js';
import { s3Server, opOf } from './harness/server.mjs';
import { verifyObject, listUploads, abortAll, deleteAll } from './harness/verify.mjs';

const MiB = 1024 * 1024;
const prefix = `rgwb-${process.pid}-${Date.now()}/`;
// Fast retries: these tests count attempts, they do not measure backoff.
const FAST = { attempts: 3, baseDelayMs: 5, maxDelayMs: 50 };

/**
 * A fetch that records [op, status] per request. `behave(op, n, real)` (n: the how-many-th
 * request of that op, from 1) may return a Response to answer without the server, throw, or
 * return undefined to pass the request through; real() sends it.
 */
function spyFetch(behave = () => undefined) {
  const calls = [];
  const f = async (url, init) => {
    const op = opOf(String(url), init.method);
    const call = { op, status: 'thrown' };
    calls.push(call);
    const n = calls.filter((c) => c.op === op).length;
    const real = () => fetch(url, init);
    const response = (await behave(op, n, real)) ?? (await real());
    call.status = response.status;
    return response;
  };
  f.calls = calls;
  f.count = (op) => calls.filter((c) => c.op === op).length;
  f.statuses = (op) => calls.filter((c) => c.op === op).map((c) => c.status);
  return f;
}

/** An S3 XML error response, as a server would send it. */
function s3ErrorResponse(status, code, message) {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message>` +
    `<RequestId>synthetic-${code}</RequestId></Error>`;
  return new Response(xml, {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': `synthetic-${code}`, date: new Date().toUTCString() },
  });
}

const lose = async (real) => {
  const r = await real();
  await r.arrayBuffer(); // the server acted; the answer never reaches the client
  throw new TypeError('fetch failed (test: response lost)');
};

describe('S3Client against RGW behaviours', { timeout: 180_000 }, () => {
  let server;
  let bucket;
  const clients = [];

  async function client({ secretAccessKey, ...extra } = {}) {
    const c = await S3Client.create(server.clientOptions({
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: secretAccessKey ?? server.secretAccessKey },
      retry: FAST,
      ...extra,
    }));
    clients.push(c);
    return c;
  }

  let n = 0;
  const keyOf = (name) => `${prefix}${name}-${++n}.bin`;

  before(async () => {
    server = await s3Server();
    bucket = await server.bucket('s3mpu-js-rgw-behaviour');
  });

  after(async () => {
    for (const c of clients) c.destroy();
    if (bucket) {
      await abortAll(bucket, prefix);
      await deleteAll(bucket, prefix);
    }
  });

  it('Complete answers an empty <ETag> and a Location that is no URL: the result is returned', async () => {
    const s3 = await client();
    const key = keyOf('empty-etag');
    const body = randomBytes(1234);
    const { uploadId } = await s3.createMultipartUpload({ bucket, key });
    const p1 = await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body });
    const r = await s3.completeMultipartUpload({ bucket, key, uploadId, parts: [p1] });
    assert.equal(typeof r.etag, 'string');
    assert.equal(typeof r.location, 'string');
    assert.equal(r.bucket, bucket);
    assert.equal(r.key, key);
    if (server.store === 'rgw') {
      assert.equal(r.etag, '', 'RGW 16 sends <ETag></ETag>');
      assert.doesNotMatch(r.location, /^https?:/, 'RGW 16 sends localhost/BUCKET/KEY');
    }
    // The real ETag is HEAD's (upload() checks it there).
    const head = await s3.headObject({ bucket, key });
    assert.match(head.etag, /^"[0-9a-f]{32}-1"$/);
    await verifyObject({ bucket, key, expectBytes: body, expectParts: [body.length] });
  });

  it('ListParts of an aborted upload: S3Error NoSuchKey (RGW) or NoSuchUpload, not retried', async () => {
    const f = spyFetch();
    const s3 = await client({ fetch: f });
    const key = keyOf('aborted-list');
    const { uploadId } = await s3.createMultipartUpload({ bucket, key });
    await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body: 'part' });
    await s3.abortMultipartUpload({ bucket, key, uploadId });
    await assert.rejects(s3.listParts({ bucket, key, uploadId }), (e) => {
      assert.ok(e instanceof S3Error, e);
      assert.equal(e.status, 404);
      assert.equal(e.code, server.store === 'rgw' ? 'NoSuchKey' : 'NoSuchUpload');
      assert.ok(e.requestId, 'the server request id is kept');
      return true;
    });
    // The async iterator surfaces the same error.
    await assert.rejects((async () => {
      for await (const p of s3.listAllParts({ bucket, key, uploadId })) assert.fail(`part ${p.partNumber}`);
    })(), { name: 'S3Error', status: 404 });
    assert.equal(f.count('listParts'), 2);
  });

  for (const [what, gone] of [['aborted', true], ['unknown', false]]) {
    it(`Complete of an ${what} upload: bounded retries, a clear S3Error, no hang`, { timeout: 30_000 }, async () => {
      const f = spyFetch();
      const s3 = await client({ fetch: f });
      const key = keyOf(`complete-${what}`);
      let uploadId = '2~s3mpuNoSuchUploadXXXXXXXXXXXXXX';
      let parts = [{ partNumber: 1, etag: '"5d41402abc4b2a76b9719d911017c592"' }];
      if (gone) {
        ({ uploadId } = await s3.createMultipartUpload({ bucket, key }));
        parts = [await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body: 'hello' })];
        await s3.abortMultipartUpload({ bucket, key, uploadId });
      }
      const t = Date.now();
      await assert.rejects(s3.completeMultipartUpload({ bucket, key, uploadId, parts }), (e) => {
        assert.ok(e instanceof S3Error, e);
        // RGW 16: 500 InternalError ("completion already in progress"); AWS: 404 NoSuchUpload.
        assert.ok(['InternalError', 'NoSuchUpload'].includes(e.code), `${e.code}: ${e.message}`);
        assert.match(e.message, new RegExp(`^${e.code}`));
        assert.ok(e.status === 500 || e.status === 404, String(e.status));
        return true;
      });
      assert.ok(f.count('complete') >= 1 && f.count('complete') <= FAST.attempts, JSON.stringify(f.calls));
      assert.ok(f.count('headObject') <= 1);
      assert.ok(Date.now() - t < 10_000);
      assert.deepEqual(await listUploads(bucket, key), []);
    });
  }

  it('Complete of an aborted upload with the default retry policy stops within 5 attempts', { timeout: 60_000 }, async () => {
    const f = spyFetch();
    const s3 = await client({ fetch: f, retry: undefined });
    const key = keyOf('complete-default-retry');
    const { uploadId } = await s3.createMultipartUpload({ bucket, key });
    const p1 = await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body: 'hello' });
    await s3.abortMultipartUpload({ bucket, key, uploadId });
    await assert.rejects(s3.completeMultipartUpload({ bucket, key, uploadId, parts: [p1] }), S3Error);
    assert.ok(f.count('complete') <= 5, JSON.stringify(f.calls));
  });

  it('a wrong secret: 403 SignatureDoesNotMatch, not retried', async () => {
    const f = spyFetch();
    const s3 = await client({ fetch: f, secretAccessKey: `${server.secretAccessKey}x` });
    for (const call of [
      () => s3.listMultipartUploads({ bucket, prefix }),
      () => s3.createMultipartUpload({ bucket, key: keyOf('wrong-secret') }),
    ]) {
      f.calls.length = 0;
      await assert.rejects(call(), (e) => {
        assert.ok(e instanceof S3Error, e);
        assert.equal(e.code, 'SignatureDoesNotMatch');
        assert.equal(e.status, 403);
        const text = `${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${e.stringToSign ?? ''}\n${e.canonicalRequest ?? ''}`;
        assert.ok(!text.includes(server.secretAccessKey), 'the secret is in the error');
        return true;
      });
      assert.equal(f.calls.length, 1, JSON.stringify(f.calls));
    }
  });

  for (const minutes of [-20, 20]) {
    it(`a clock ${Math.abs(minutes)} minutes ${minutes < 0 ? 'behind' : 'ahead'}: RequestTimeTooSkewed, corrected from Date, one retry`, async () => {
      const f = spyFetch();
      const s3 = await client({ fetch: f, clock: () => Date.now() + minutes * 60e3 });
      const key = keyOf(`skew${minutes}`);
      const body = randomBytes(4321);
      const { uploadId } = await s3.createMultipartUpload({ bucket, key });
      assert.deepEqual(f.statuses('create'), [403, 200]);
      // The offset is learnt once: later requests go right the first time.
      const p1 = await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body });
      await s3.completeMultipartUpload({ bucket, key, uploadId, parts: [p1] });
      assert.deepEqual(f.calls.map((c) => `${c.op} ${c.status}`),
        ['create 403', 'create 200', 'uploadPart 200', 'complete 200']);
      assert.ok(Math.abs(s3.clockOffsetMs + minutes * 60e3) < 5000, `offset ${s3.clockOffsetMs}`);
      assert.deepEqual(await listUploads(bucket, key), [], 'the refused Create left nothing');
      await verifyObject({ bucket, key, expectBytes: body, expectParts: [body.length] });
    });
  }

  it('a skew that persists after the correction is not retried again', async () => {
    // The server answers RequestTimeTooSkewed every time (as if its Date lied).
    const f = spyFetch(() => s3ErrorResponse(403, 'RequestTimeTooSkewed', 'skewed'));
    const s3 = await client({ fetch: f });
    await assert.rejects(s3.listMultipartUploads({ bucket, prefix }), { name: 'S3Error', code: 'RequestTimeTooSkewed' });
    assert.equal(f.calls.length, 2);
  });

  it('a part below 5 MiB that is not the last: EntityTooSmall on Complete', async () => {
    const f = spyFetch();
    const s3 = await client({ fetch: f });
    const key = keyOf('too-small');
    const { uploadId } = await s3.createMultipartUpload({ bucket, key });
    const parts = [
      await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body: randomBytes(1000) }),
      await s3.uploadPart({ bucket, key, uploadId, partNumber: 2, body: randomBytes(1000) }),
    ];
    await assert.rejects(s3.completeMultipartUpload({ bucket, key, uploadId, parts }), (e) => {
      assert.ok(e instanceof S3Error, e);
      assert.equal(e.code, 'EntityTooSmall');
      assert.equal(e.status, 400);
      return true;
    });
    assert.equal(f.count('complete'), 1);
    await s3.abortMultipartUpload({ bucket, key, uploadId });
  });

  it('a wrong part ETag: InvalidPart on Complete', async () => {
    const f = spyFetch();
    const s3 = await client({ fetch: f });
    const key = keyOf('invalid-part');
    const { uploadId } = await s3.createMultipartUpload({ bucket, key });
    await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body: 'hello' });
    const parts = [{ partNumber: 1, etag: '"00000000000000000000000000000000"' }];
    await assert.rejects(s3.completeMultipartUpload({ bucket, key, uploadId, parts }), (e) => {
      assert.ok(e instanceof S3Error, e);
      assert.equal(e.code, 'InvalidPart');
      assert.equal(e.status, 400);
      return true;
    });
    assert.equal(f.count('complete'), 1);
    await s3.abortMultipartUpload({ bucket, key, uploadId });
  });

  it('a retried Create whose first answer was lost leaves exactly one upload', async () => {
    const f = spyFetch((op, n, real) => (op === 'create' && n === 1 ? lose(real) : undefined));
    const s3 = await client({ fetch: f });
    const key = keyOf('lost-create');
    const { uploadId } = await s3.createMultipartUpload({ bucket, key });
    assert.equal(f.count('create'), 2, 'the lost Create was retried');
    const mine = [];
    for await (const u of s3.listAllMultipartUploads({ bucket, prefix: key })) if (u.key === key) mine.push(u.uploadId);
    assert.deepEqual(mine, [uploadId]);
    assert.deepEqual((await listUploads(bucket, key)).map((u) => u.uploadId), [uploadId], 'the SDK agrees');
    // And the upload kept works.
    const body = randomBytes(777);
    const p1 = await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body });
    await s3.completeMultipartUpload({ bucket, key, uploadId, parts: [p1] });
    await verifyObject({ bucket, key, expectBytes: body, expectParts: [body.length] });
  });

  it('a Create refused once with 500 (no upload made): the retry\'s upload is the one left', async () => {
    const f = spyFetch((op, n) => (op === 'create' && n === 1 ? s3ErrorResponse(500, 'InternalError', 'once') : undefined));
    const s3 = await client({ fetch: f });
    const key = keyOf('create-500');
    const { uploadId } = await s3.createMultipartUpload({ bucket, key });
    assert.deepEqual(f.statuses('create'), [500, 200]);
    assert.deepEqual((await listUploads(bucket, key)).map((u) => u.uploadId), [uploadId]);
    await s3.abortMultipartUpload({ bucket, key, uploadId });
  });

  // RGW answers a repeated Complete of a completed upload with 200 again; AWS may answer
  // 404 NoSuchUpload: then the client HEADs the object and reports success.
  for (const retry of ['as the server answers it', 'answered NoSuchUpload']) {
    it(`a retried Complete whose first try succeeded reports success (retry ${retry})`, async () => {
      const f = spyFetch((op, n, real) => {
        if (op !== 'complete') return undefined;
        if (n === 1) return lose(real);
        return retry === 'answered NoSuchUpload'
          ? s3ErrorResponse(404, 'NoSuchUpload', 'The specified upload does not exist.') : undefined;
      });
      const s3 = await client({ fetch: f });
      const key = keyOf('lost-complete');
      const bodies = [randomBytes(5 * MiB), randomBytes(4097)];
      const { uploadId } = await s3.createMultipartUpload({ bucket, key });
      const parts = [];
      for (const [i, body] of bodies.entries()) parts.push(await s3.uploadPart({ bucket, key, uploadId, partNumber: i + 1, body }));
      const r = await s3.completeMultipartUpload({ bucket, key, uploadId, parts });
      assert.deepEqual(f.statuses('complete'), ['thrown', retry === 'answered NoSuchUpload' ? 404 : 200]);
      const { etag } = await verifyObject({ bucket, key, expectBytes: Buffer.concat(bodies), expectParts: bodies.map((b) => b.length) });
      assert.equal(r.bucket, bucket);
      assert.equal(r.key, key);
      if (retry === 'answered NoSuchUpload') {
        assert.equal(f.count('headObject'), 1);
        assert.equal(r.etag, `"${etag}"`);
      } else {
        // RGW 16: the repeated Complete's <ETag> is set, but without its quotes.
        assert.ok(r.etag === '' || r.etag.replace(/^"|"$/g, '') === etag, r.etag);
      }
      assert.deepEqual(await listUploads(bucket, key), []);
    });
  }

  it('a Complete answered NoSuchUpload after a lost try, with another object at the key, fails', async () => {
    // HEAD finds an object, but not one of this upload's parts count: no false success.
    const f = spyFetch((op, n) => {
      if (op !== 'complete') return undefined;
      return n === 1 ? Promise.reject(new TypeError('fetch failed (test)'))
        : s3ErrorResponse(404, 'NoSuchUpload', 'The specified upload does not exist.');
    });
    const s3 = await client({ fetch: f });
    const key = keyOf('lost-complete-other');
    const body = randomBytes(100);
    await s3.putObject({ bucket, key, body });
    const { uploadId } = await s3.createMultipartUpload({ bucket, key });
    const p1 = await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body: 'x' });
    const p2 = await s3.uploadPart({ bucket, key, uploadId, partNumber: 2, body: 'y' });
    await assert.rejects(s3.completeMultipartUpload({ bucket, key, uploadId, parts: [p1, p2] }),
      { name: 'S3Error', code: 'NoSuchUpload' });
    await s3.abortMultipartUpload({ bucket, key, uploadId });
    await verifyObject({ bucket, key, expectBytes: body });
  });

  it('a retried Complete whose first try failed for good still fails', async () => {
    // The first answer is lost and the upload is gone, but no object is there: not success.
    const f = spyFetch((op, n) => (op === 'complete' && n === 1 ? Promise.reject(new TypeError('network down')) : undefined));
    const s3 = await client({ fetch: f });
    const key = keyOf('lost-complete-gone');
    const { uploadId } = await s3.createMultipartUpload({ bucket, key });
    const p1 = await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body: 'x' });
    await s3.abortMultipartUpload({ bucket, key, uploadId });
    await assert.rejects(s3.completeMultipartUpload({ bucket, key, uploadId, parts: [p1] }), S3Error);
  });

  for (const [status, code, op] of [[503, 'SlowDown', 'uploadPart'], [500, 'InternalError', 'complete'], [503, 'ServiceUnavailable', 'listParts']]) {
    it(`a ${status} ${code} once on ${op} is retried and succeeds`, async () => {
      const f = spyFetch((o, n) => (o === op && n === 1 ? s3ErrorResponse(status, code, 'please retry') : undefined));
      const s3 = await client({ fetch: f });
      const key = keyOf(`retry-${code}`);
      const body = randomBytes(3000);
      const { uploadId } = await s3.createMultipartUpload({ bucket, key });
      const p1 = await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body });
      assert.match(p1.etag, /^"[0-9a-f]{32}"$/);
      const listed = await s3.listParts({ bucket, key, uploadId });
      assert.deepEqual(listed.parts.map((p) => [p.partNumber, p.size, p.etag]), [[1, body.length, p1.etag]]);
      await s3.completeMultipartUpload({ bucket, key, uploadId, parts: [p1] });
      assert.deepEqual(f.statuses(op), [status, 200]);
      await verifyObject({ bucket, key, expectBytes: body, expectParts: [body.length] });
    });
  }

  it('a 503 without a body (as HEAD gets) is retried too', async () => {
    const f = spyFetch((op, n) => (op === 'headObject' && n === 1 ? new Response(null, { status: 503 }) : undefined));
    const s3 = await client({ fetch: f });
    const key = keyOf('head-503');
    const body = randomBytes(10);
    await s3.putObject({ bucket, key, body });
    const head = await s3.headObject({ bucket, key });
    assert.equal(head.size, 10);
    assert.deepEqual(f.statuses('headObject'), [503, 200]);
    await verifyObject({ bucket, key, expectBytes: body });
  });

  it('a 503 that persists: S3Error after retry.attempts requests', { timeout: 30_000 }, async () => {
    const f = spyFetch(() => s3ErrorResponse(503, 'SlowDown', 'always'));
    const s3 = await client({ fetch: f });
    await assert.rejects(s3.listMultipartUploads({ bucket, prefix }), (e) => {
      assert.ok(e instanceof S3Error);
      assert.equal(e.code, 'SlowDown');
      assert.equal(e.status, 503);
      assert.equal(e.requestId, 'synthetic-SlowDown');
      return true;
    });
    assert.equal(f.calls.length, FAST.attempts);
  });

  it('a network error on every try: the last error after retry.attempts requests', async () => {
    const f = spyFetch(() => Promise.reject(new TypeError('fetch failed (test)')));
    const s3 = await client({ fetch: f });
    await assert.rejects(s3.listMultipartUploads({ bucket, prefix }), /fetch failed \(test\)/);
    assert.equal(f.calls.length, FAST.attempts);
  });
});
