// Keys with '.', '..' and empty path segments against the real gateway (issue 11, item 9):
// the node:http transport sends the path exactly as signed, so each is stored under its own
// key; fetch would normalise such a path (WHATWG URL parsing) into another key, so it
// refuses them before sending; a presigned URL works when sent as it is (curl --path-as-is).
//
//   scripts/test-js.sh tests/hostile/keys.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { S3Client, S3InputError } from '../../js/src/index.node.js';
import { s3Server } from '../js/harness/server.mjs';
import { verifyObject, listUploads, deleteAll, abortAll } from '../js/harness/verify.mjs';

const MiB = 1024 * 1024;
const prefix = `keys-${process.pid}-${Date.now()}/`;
const DOTTED = ['a/../b.txt', './x.txt', 'a/./b.txt', 'c/..'];
const EMPTY_SEGMENT = ['a//b.txt', 'f///', 'd/%2e%2e/e'];

describe('keys with dot and empty segments, end to end', { timeout: 300_000 }, () => {
  let server;
  let bucket;
  const clients = [];
  const client = async (extra = {}) => {
    const c = await S3Client.create({
      endpoint: server.endpoint, region: server.region, forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
      ...extra,
    });
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await s3Server();
    bucket = await server.bucket('hostile-keys');
  });

  after(async () => {
    for (const c of clients) c.transport.close?.();
    await abortAll(bucket, '');
    await deleteAll(bucket, '');
  });

  for (const name of [...DOTTED, ...EMPTY_SEGMENT]) {
    it(`node:http stores ${JSON.stringify(prefix + name)} under exactly that key`, async () => {
      const s3 = await client();
      const key = prefix + name;
      const body = randomBytes(1000);
      await s3.upload({ bucket, key, body });
      await verifyObject({ bucket, key, expectBytes: body });
    });
  }

  it('a multipart upload of a dotted key (Create, parts, Complete, HEAD on the same path)', async () => {
    const s3 = await client();
    const key = `${prefix}m/../multi.bin`;
    const body = randomBytes(5 * MiB + 7);
    await s3.upload({ bucket, key, body, partSize: 5 * MiB });
    await verifyObject({ bucket, key, expectBytes: body, expectParts: [5 * MiB, 7] });
    assert.deepEqual(await listUploads(bucket, prefix), []);
  });

  for (const name of DOTTED) {
    it(`fetch refuses ${JSON.stringify(name)} before sending (URL parsing would change the path)`, async () => {
      let sent = 0;
      const s3 = await client({
        fetch: (...a) => {
          sent++;
          return fetch(...a);
        },
      });
      await assert.rejects(s3.upload({ bucket, key: prefix + name, body: randomBytes(10) }), (e) => {
        assert.ok(e instanceof S3InputError, `${e.name}: ${e.message}`);
        assert.match(e.message, /path/);
        return true;
      });
      assert.equal(sent, 0);
    });
  }

  it('fetch keeps empty segments: a//b is stored as a//b', async () => {
    const s3 = await client({ fetch: globalThis.fetch });
    const key = `${prefix}fetch//b.txt`;
    const body = randomBytes(100);
    await s3.upload({ bucket, key, body });
    await verifyObject({ bucket, key, expectBytes: body });
  });

  it('a presigned PUT of a dotted key works when the path is sent as it is', async () => {
    const s3 = await client();
    const key = `${prefix}p/../presigned.txt`;
    const body = randomBytes(321);
    const { url, method, headers } = s3.presign({ operation: 'putObject', bucket, key });
    assert.ok(url.includes('/p/../presigned.txt'), url);
    const u = url.match(/^http:\/\/([^/]+)(\/.*)$/);
    const [host, port] = u[1].split(':');
    const status = await new Promise((resolve, reject) => {
      const req = http.request({ host, port, method, path: u[2], headers: { ...headers, 'content-length': body.length } },
        (res) => res.resume().on('end', () => resolve(res.statusCode)));
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 200);
    await verifyObject({ bucket, key, expectBytes: body });
  });
});
