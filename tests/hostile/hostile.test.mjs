// s3mpu against a hostile S3 server (tests/hostile/server.mjs on loopback): every case ends
// in a typed error (or the correct result) in bounded time and memory, and an upload the
// server made is aborted unless the case keeps it. Each case runs on both transports
// (node:http and fetch).
//
//   scripts/test-js.sh tests/hostile/hostile.test.mjs   (needs no RGW, but runs under it)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostileServer, errorXml, endless, trickle, listUploadsXml, listPartsXml } from './server.mjs';
import {
  BODY, PART, MiB, TRANSPORTS, CREDENTIALS, clientOf, bounded, assertTyped, assertBoundedMemory, assertNothingLeft,
  S3InputError, S3VerifyError,
} from './harness.mjs';

const BUCKET = 'hostile';
const createXml = (id) => `<?xml version="1.0"?><InitiateMultipartUploadResult><Bucket>${BUCKET}</Bucket><Key>k</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`;
const BOMB = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">${
  Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')
}]><InitiateMultipartUploadResult><UploadId>&j;</UploadId></InitiateMultipartUploadResult>`;
const XXE = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>&x;</UploadId></InitiateMultipartUploadResult>';

/** Start a hostile server, run `fn(s3, srv)` bounded on `transport`, close everything. */
async function against(handlers, transport, fn, { client = {}, server = {}, limitMs } = {}) {
  const srv = await hostileServer(handlers, server);
  const s3 = await clientOf(srv, transport, client);
  try {
    const run = await bounded(() => fn(s3, srv), { limitMs });
    return { run, srv };
  } finally {
    s3.transport.close?.();
    await srv.close();
  }
}

const up = (s3, extra = {}) => s3.upload({ bucket: BUCKET, key: 'k', body: BODY, partSize: PART, ...extra });

for (const transport of TRANSPORTS) {
  describe(`hostile server (${transport})`, { timeout: 900_000 }, () => {
    // ---- What already holds ------------------------------------------------------------
    it('an honest server: the upload completes (the emulation is right)', async () => {
      const { run, srv } = await against({}, transport, (s3) => up(s3));
      assert.ifError(run.error);
      assert.equal(run.value.size, BODY.length);
      assert.equal(srv.objects.get('k').size, BODY.length);
      assertNothingLeft(srv);
    });

    it('an XML bomb in the Create answer: typed error, bounded memory', async () => {
      const { run } = await against({ create: (c) => c.reply(200, BOMB) }, transport, (s3) => up(s3));
      assertTyped(run);
      assertBoundedMemory(run);
    });

    it('an XML bomb in the ListParts answer: typed error, upload aborted', async () => {
      // No ETag on parts: Complete needs ListParts.
      const { run, srv } = await against({
        uploadPart: async (c) => {
          await c.next();
          delete c.srv.uploads.get(c.url.searchParams.get('uploadId'))?.parts;
        },
        listParts: (c) => c.reply(200, BOMB.replaceAll('InitiateMultipartUploadResult', 'ListPartsResult')),
      }, transport, (s3) => s3.listParts({ bucket: BUCKET, key: 'k', uploadId: 'x' }));
      assertTyped(run);
      assertBoundedMemory(run);
      assert.equal(srv.count('listParts'), 1, 'a bad document is not retried');
    });

    it('XXE: an external entity is never read', async () => {
      const { run } = await against({ create: (c) => c.reply(200, XXE) }, transport, (s3) => up(s3));
      assertTyped(run);
      assert.doesNotMatch(`${run.error.message} ${run.error.stack}`, /root:/);
    });

    it('invalid UTF-8 in the UploadId: typed error', async () => {
      const { run } = await against({
        create: (c) => {
          const xml = Buffer.concat([Buffer.from(createXml('')).subarray(0, -47), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('</UploadId></InitiateMultipartUploadResult>')]);
          c.res.writeHead(200, { 'content-length': xml.length });
          c.res.end(xml);
        },
      }, transport, (s3) => up(s3));
      assertTyped(run);
    });

    it('no UploadId in the Create answer: typed error', async () => {
      const { run } = await against({
        create: (c) => c.reply(200, '<InitiateMultipartUploadResult><Bucket>b</Bucket></InitiateMultipartUploadResult>'),
      }, transport, (s3) => up(s3));
      assertTyped(run);
    });

    it('200 with <Error> on every Complete and no object: typed error, upload aborted', async () => {
      const { run, srv } = await against({
        complete: (c) => c.reply(200, errorXml('InternalError', 'We encountered an internal error')),
      }, transport, (s3) => up(s3));
      assertTyped(run, { code: 'InternalError' });
      assertNothingLeft(srv);
    });

    it('endless 500 on UploadPart: typed error after bounded retries, upload aborted', async () => {
      const { run, srv } = await against({
        uploadPart: (c) => c.reply(500, errorXml('InternalError')),
      }, transport, (s3) => up(s3));
      assertTyped(run, { status: 500 });
      assertNothingLeft(srv);
      assert.ok(srv.count('uploadPart') < 200, `${srv.count('uploadPart')} part requests`);
    });

    it('an ETag that is not the part\'s MD5: ETagMismatch, upload aborted', async () => {
      const { run, srv } = await against({
        uploadPart: (c) => c.reply(200, '', { etag: '"0123456789abcdef0123456789abcdef"' }),
      }, transport, (s3) => up(s3));
      assertTyped(run, { code: 'ETagMismatch' });
      assertNothingLeft(srv);
    });

    it('odd but printable UploadIds travel intact', async () => {
      const id = 'a/b+c=d&e%f?g#h~i;j:k@l$m,n!o*p\'q(r)s[t]u|v';
      const { run, srv } = await against({
        create: (c) => {
          c.srv.uploads.set(id, { key: 'k', initiated: Date.now(), parts: new Map() });
          c.reply(200, createXml(id.replace(/&/g, '&amp;')));
        },
      }, transport, (s3) => up(s3));
      assert.ifError(run.error);
      const later = srv.requests.filter((r) => r.op !== 'create' && r.op !== 'headObject');
      assert.ok(later.length >= 4);
      for (const r of later) assert.equal(new URL(r.path, 'http://h').searchParams.get('uploadId'), id);
    });

    it('403 AccessDenied on Create: not retried, typed', async () => {
      const { run, srv } = await against({ create: (c) => c.reply(403, errorXml('AccessDenied')) }, transport, (s3) => up(s3));
      assertTyped(run, { code: 'AccessDenied', status: 403 });
      assert.equal(srv.count('create'), 1);
    });

    // ---- Defect 1: no limit on a response body -------------------------------------------
    it('an endless Create answer: typed error keeping the status, bounded memory and time', async () => {
      const { run } = await against({ create: (c) => endless(c.res) }, transport, (s3) => up(s3));
      assertTyped(run, { code: 'ResponseTooLarge', status: 200 });
      assertBoundedMemory(run);
    });

    it('a 403 with a 200 MB body keeps its status', async () => {
      const { run } = await against({
        create: (c) => endless(c.res, { status: 403, total: 200 * MiB }),
      }, transport, (s3) => up(s3));
      assertTyped(run, { status: 403 });
      assertBoundedMemory(run);
    });

    it('an endless ListParts answer on resume: typed error, bounded', async () => {
      const { run } = await against({ listParts: (c) => endless(c.res) }, transport,
        (s3) => s3.listParts({ bucket: BUCKET, key: 'k', uploadId: 'u' }));
      assertTyped(run, { code: 'ResponseTooLarge' });
      assertBoundedMemory(run);
    });

    // ---- Defect 2: pagination that never ends ---------------------------------------------
    it('ListParts truncated with the same marker forever: typed error, bounded requests', async () => {
      const { run, srv } = await against({
        listParts: (c) => c.reply(200, listPartsXml([{ partNumber: 1, size: PART, etag: '"e"' }], { truncated: true, nextPartNumberMarker: 1 })),
      }, transport, async (s3) => {
        for await (const p of s3.listAllParts({ bucket: BUCKET, key: 'k', uploadId: 'u' })) void p;
      });
      assertTyped(run, { code: 'PaginationLoop' });
      assert.ok(srv.count('listParts') <= 3, `${srv.count('listParts')} pages`);
    });

    it('Complete needing ListParts that loops: typed error, upload aborted', async () => {
      const { run, srv } = await against({
        uploadPart: (c) => c.next().then(() => {}),
        listParts: (c) => c.reply(200, listPartsXml([], { truncated: true, nextPartNumberMarker: 0 })),
      }, transport, async (s3) => {
        // A part answer without ETag (as a browser without CORS ExposeHeaders sees it).
        const real = s3.transport;
        const t = async (url, init) => {
          const r = await real(url, init);
          if (init.method !== 'PUT') return r;
          return { ...r, status: r.status, ok: r.ok, headers: { get: (n) => (n === 'etag' ? null : r.headers.get(n)), forEach: () => {} }, arrayBuffer: () => r.arrayBuffer() };
        };
        Object.assign(t, { kind: real.kind, setMaxSockets: real.setMaxSockets });
        s3.transport = t;
        return up(s3);
      });
      assertTyped(run);
      assert.ok(srv.count('listParts') <= 5, `${srv.count('listParts')} pages`);
      assertNothingLeft(srv);
    });

    it('ListMultipartUploads truncated with the same markers forever: typed error', async () => {
      const { run, srv } = await against({
        listUploads: (c) => c.reply(200, listUploadsXml(BUCKET, [{ key: 'k', uploadId: 'u1', initiated: Date.now() }],
          { truncated: true, nextKeyMarker: 'k', nextUploadIdMarker: 'u1' })),
      }, transport, async (s3) => {
        for await (const u of s3.listAllMultipartUploads({ bucket: BUCKET })) void u;
      });
      assertTyped(run, { code: 'PaginationLoop' });
      assert.ok(srv.count('listUploads') <= 3);
    });

    it('ListMultipartUploads truncated with an empty NextKeyMarker (Swift): continues from the last upload', async () => {
      const { run, srv } = await against({
        listUploads: (c) => {
          const q = c.url.searchParams;
          if (!q.get('key-marker')) {
            return c.reply(200, listUploadsXml(BUCKET, [{ key: 'a', uploadId: 'u1', initiated: 0 }, { key: 'b', uploadId: 'u2', initiated: 0 }],
              { truncated: true, nextKeyMarker: '' }));
          }
          assert.equal(q.get('key-marker'), 'b');
          assert.equal(q.get('upload-id-marker'), 'u2');
          return c.reply(200, listUploadsXml(BUCKET, [{ key: 'c', uploadId: 'u3', initiated: 0 }]));
        },
      }, transport, async (s3) => {
        const all = [];
        for await (const u of s3.listAllMultipartUploads({ bucket: BUCKET })) all.push(u.uploadId);
        return all;
      });
      assert.ifError(run.error);
      assert.deepEqual(run.value, ['u1', 'u2', 'u3']);
      assert.equal(srv.count('listUploads'), 2);
    });

    it('ListParts truncated with no NextPartNumberMarker: continues from the last part', async () => {
      const { run } = await against({
        listParts: (c) => {
          const m = Number(c.url.searchParams.get('part-number-marker') ?? 0);
          if (m === 0) return c.reply(200, listPartsXml([1, 2].map((n) => ({ partNumber: n, size: 5, etag: `"e${n}"` })), { truncated: true }));
          assert.equal(m, 2);
          return c.reply(200, listPartsXml([{ partNumber: 3, size: 5, etag: '"e3"' }]));
        },
      }, transport, async (s3) => {
        const all = [];
        for await (const p of s3.listAllParts({ bucket: BUCKET, key: 'k', uploadId: 'u' })) all.push(p.partNumber);
        return all;
      });
      assert.ifError(run.error);
      assert.deepEqual(run.value, [1, 2, 3]);
    });

    // ---- Defect 3: the orphan sweep aborts only uploads that can be ours ------------------------
    it('a lost Create answer: our orphan is aborted, another writer\'s upload of the key is not', async () => {
      const { run, srv } = await against({
        create: async (c) => {
          if (c.n === 1) {
            // Another writer started this key 20 s ago, and our first Create acts but its answer is lost.
            c.srv.uploads.set('theirs', { key: 'k', initiated: Date.now() - 20_000, parts: new Map() });
            await c.next();
            return;
          }
          return c.next();
        },
      }, transport, async (s3) => {
        const real = s3.transport;
        let n = 0;
        const t = async (url, init) => {
          const r = await real(url, init);
          if (init.method === 'POST' && String(url).includes('uploads') && ++n === 1) throw new Error('connection reset (test)');
          return r;
        };
        Object.assign(t, { kind: real.kind, setMaxSockets: real.setMaxSockets });
        s3.transport = t;
        return up(s3);
      });
      assert.ifError(run.error);
      assert.ok(srv.uploads.has('theirs'), 'another writer\'s upload was aborted');
      assert.deepEqual([...srv.uploads.keys()], ['theirs']);
      assert.deepEqual(srv.aborted, ['up-1']);
    });

    // ---- Defect 4: deadlines -------------------------------------------------------------------
    it('a server that never answers a part: idleTimeout ends each attempt, typed error, aborted', async () => {
      const { run, srv } = await against({ uploadPart: () => {} }, transport, (s3) => up(s3),
        { client: { idleTimeout: 300 }, limitMs: 20_000 });
      assertTyped(run, { code: 'RequestTimeout' });
      assertNothingLeft(srv);
    });

    it('a Complete answer trickling one byte at a time: the upload deadline ends it, aborted', async () => {
      const { run, srv } = await against({ complete: (c) => trickle(c.res, { everyMs: 100 }) }, transport,
        (s3) => up(s3, { timeout: 3000 }), { limitMs: 20_000 });
      assertTyped(run, { code: 'DeadlineExceeded' });
      assertNothingLeft(srv);
    });

    // ---- Faults: retry while the upload progresses -------------------------------------------
    it('a part refused 8 times in a row (SlowDown) while the upload progresses: completes', async () => {
      const { run, srv } = await against({
        uploadPart: (c) => (c.url.searchParams.get('partNumber') === '2' && c.srv.count('uploadPart') <= 9
          ? c.reply(503, errorXml('SlowDown')) : c.next()),
      }, transport, (s3) => up(s3, { concurrency: 1 }));
      assert.ifError(run.error);
      assert.equal(srv.objects.get('k').size, BODY.length);
    });

    // ---- Defect 6: non-ASCII header values ------------------------------------------------------
    for (const [name, extra] of [
      ['a Latin-1 Content-Disposition', { contentDisposition: 'attachment; filename="résumé.pdf"' }],
      ['a Content-Type above U+00FF', { contentType: 'text/plain; name="日本"' }],
      ['a non-ASCII metadata value', { metadata: { author: 'José' } }],
    ]) {
      it(`${name}: S3InputError before anything is sent, saying how to encode`, async () => {
        const { run, srv } = await against({}, transport, (s3) => up(s3, extra));
        assertTyped(run, { cls: S3InputError });
        assert.match(run.error.message, /RFC 5987|percent-encode/);
        assert.equal(srv.requests.length, 0);
      });
    }

    // ---- Defect 7: a hostile Date ---------------------------------------------------------------
    it('RequestTimeTooSkewed with Date: 9999-12-31 is not believed; the Abort is signed with our clock', async () => {
      const { run, srv } = await against({
        uploadPart: (c) => c.reply(403, errorXml('RequestTimeTooSkewed'), { date: 'Fri, 31 Dec 9999 23:59:59 GMT' }),
      }, transport, (s3) => up(s3));
      assertTyped(run, { code: 'RequestTimeTooSkewed' });
      for (const r of srv.requests) assert.doesNotMatch(r.headers['x-amz-date'], /^9999/);
      assertNothingLeft(srv);
    });

    it('a skew correction the re-signed request does not confirm is dropped', async () => {
      // Claims to be an hour ahead, then refuses that time too.
      const hourAhead = new Date(Date.now() + 3600_000).toUTCString();
      const { run, srv } = await against({
        uploadPart: (c) => c.reply(403, errorXml('RequestTimeTooSkewed'), { date: hourAhead }),
      }, transport, (s3) => up(s3));
      assertTyped(run, { code: 'RequestTimeTooSkewed' });
      const abort = srv.requests.find((r) => r.op === 'abort');
      assert.ok(abort, 'aborted');
      const signed = Date.parse(abort.headers['x-amz-date'].replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
      assert.ok(Math.abs(signed - Date.now()) < 600_000, 'the Abort was signed with the rejected correction');
    });

    it('a server whose clock is an hour ahead: corrected once, the upload completes', async () => {
      const { run, srv } = await against({
        any: (c) => {
          const d = c.req.headers['x-amz-date'];
          const t = Date.parse(d.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
          if (Math.abs(t - c.srv.now()) > 900_000) {
            return c.reply(403, errorXml('RequestTimeTooSkewed'), { date: new Date(c.srv.now()).toUTCString() });
          }
          return c.next();
        },
      }, transport, (s3) => up(s3), { server: { clockOffsetMs: 3600_000 } });
      assert.ifError(run.error);
      assertNothingLeft(srv);
    });

    // ---- Defect 8: redirects -------------------------------------------------------------------
    for (const status of [301, 307]) {
      it(`a ${status} to another origin is not followed; typed error naming the endpoint`, async () => {
        const other = await hostileServer();
        try {
          const { run } = await against({
            create: (c) => c.reply(status, status === 301
              ? errorXml('PermanentRedirect', 'Use the endpoint', `<Endpoint>127.0.0.1:${other.port}</Endpoint>`)
              : '', { location: `${other.endpoint}${c.req.url}` }),
          }, transport, (s3) => up(s3));
          assertTyped(run, { status });
          assert.match(run.error.message, new RegExp(`127\\.0\\.0\\.1:${other.port}`));
          assert.equal(other.requests.length, 0, 'the other origin got a request');
        } finally {
          await other.close();
        }
      });
    }

    // ---- Defect 10: a Complete that succeeded, with an answer we cannot accept --------------------
    it('Complete stores the object but answers an unexpected document: reported stored, after a HEAD', async () => {
      const { run, srv } = await against({
        complete: async (c) => {
          const res = c.res;
          c.res = { writeHead() {}, end() {}, destroyed: false, headersSent: false }; // swallow the answer
          await c.next();
          c.res = res;
          c.reply(200, '<?xml version="1.0"?><Surprise/>');
        },
      }, transport, (s3) => up(s3));
      assert.ifError(run.error);
      assert.notEqual(run.value.verified, false, 'HEAD shows our multipart ETag');
      assert.match(run.value.warning, /Complete/);
      assert.equal(srv.objects.get('k').size, BODY.length);
      assert.equal(srv.aborted.length, 0);
    });

    it('Complete acts, then every answer is 500: reported stored after a HEAD', async () => {
      const { run, srv } = await against({
        complete: async (c) => {
          if (c.n === 1) {
            const res = c.res;
            c.res = { writeHead() {}, end() {}, destroyed: false, headersSent: false };
            await c.next();
            c.res = res;
          }
          c.reply(500, errorXml('InternalError'));
        },
      }, transport, (s3) => up(s3));
      assert.ifError(run.error);
      assert.equal(run.value.size, BODY.length);
      assert.equal(srv.objects.get('k').size, BODY.length);
    });

    it('Complete stores the object with an ETag that is not the MD5 of the MD5s: stored, unverified', async () => {
      const { run, srv } = await against({
        // A store whose ETags are not the MD5 of the parts' MD5s: in Complete's answer and on the object.
        complete: async (c) => {
          const real = c.res;
          const answer = {};
          c.res = { writeHead: (status) => Object.assign(answer, { status }), end: (b) => Object.assign(answer, { xml: String(b) }) };
          await c.next();
          c.res = real;
          c.srv.objects.get('k').etag = '"not-an-md5-of-md5s"';
          c.reply(answer.status, answer.xml.replace(/<ETag>[^<]*<\/ETag>/, '<ETag>&quot;not-an-md5-of-md5s&quot;</ETag>'));
        },
      }, transport, (s3) => up(s3));
      assert.ifError(run.error);
      assert.equal(run.value.verified, false);
      assert.match(run.value.warning, /ETag/);
      assert.equal(srv.aborted.length, 0);
    });

    it('Complete answers NoSuchKey but an older object of the key is there: not reported stored', async () => {
      const { run, srv } = await against({
        complete: (c) => {
          c.srv.objects.set('k', { size: BODY.length, etag: '"old-3"', lastModified: Date.now() - 3600_000 });
          c.reply(500, errorXml('InternalError'));
        },
      }, transport, (s3) => up(s3));
      assertTyped(run, { code: 'InternalError' });
      assertNothingLeft(srv);
    });

    // ---- Defect 11: resuming from a stale checkpoint ---------------------------------------------
    it('resume from a checkpoint whose upload is gone: starts afresh and says so', async () => {
      let state;
      const { run, srv } = await against({}, transport, async (s3) => {
        const ctl = new AbortController();
        await up(s3, {
          keepOnError: true, signal: ctl.signal,
          onCheckpoint: (s) => {
            state = s;
            if (s.parts.length === 1) ctl.abort(new Error('stop'));
          },
        }).catch(() => {});
        return 'kept';
      });
      assert.ifError(run.error);
      srv.uploads.clear(); // aborted meanwhile by someone else
      const again = await against({}, transport, (s3) => up(s3, { resume: state }));
      assert.ifError(again.run.error);
      assert.equal(again.run.value.restarted, true);
      assert.equal(again.srv.objects.get('k').size, BODY.length);
    });

    // ---- Defect 12 --------------------------------------------------------------------------
    it('a non-printable UploadId from the server is a server error, not refused input', async () => {
      const { run } = await against({ create: (c) => c.reply(200, createXml('ab cd\u00e9')) }, transport, (s3) => up(s3));
      assertTyped(run, { cls: S3VerifyError, code: 'InvalidUploadId' });
      assert.ok(!(run.error instanceof S3InputError), run.error.message);
    });

    it('err.canonicalRequest never carries the session token in clear', async () => {
      const token = 'SESSION-TOKEN-SECRET-42';
      const { run } = await against({
        create: (c) => c.reply(403, errorXml('SignatureDoesNotMatch', 'no',
          `<StringToSign>AWS4-HMAC-SHA256</StringToSign><CanonicalRequest>POST\n/hostile/k\nuploads=\nhost:h\nx-amz-security-token:${c.req.headers['x-amz-security-token']}\n</CanonicalRequest>`)),
      }, transport, (s3) => up(s3), { client: { credentials: { ...CREDENTIALS, sessionToken: token } } });
      assertTyped(run, { code: 'SignatureDoesNotMatch' });
      assert.ok(run.error.canonicalRequest, 'the canonical request is still reported');
      assert.doesNotMatch(JSON.stringify({ ...run.error, message: run.error.message }), new RegExp(token));
    });

    it('a body cut after a 200 is retried, as on the other transport', async () => {
      const { run, srv } = await against({
        create: async (c) => {
          if (c.n > 1) return c.next();
          c.res.writeHead(200, { 'content-length': 500 });
          c.res.write('<InitiateMultipartUploadResult><Up');
          setTimeout(() => c.res.destroy(), 20);
        },
      }, transport, (s3) => up(s3));
      assert.ifError(run.error);
      assert.equal(srv.count('create'), 2);
    });
  });
}
