// What only Node has (js/src/node.js), without S3: the node:http transport against a local
// HTTP server on 127.0.0.1 (request as given, body in pieces with progress, the answer as a
// Response-like object), and file-path sources (more in body.test.mjs 'file paths').
//
//   node --test tests/js/node.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nodeTransport, fileSource } from '../../js/src/node.js';
import { S3InputError } from '../../js/src/errors.js';

describe('nodeTransport', () => {
  let server;
  let base;
  const seen = [];
  before(async () => {
    server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push({ method: req.method, url: req.url, headers: req.headers, length: body.length });
        if (req.url.startsWith('/slow')) {
          setTimeout(() => {
            answeredSlowAt = performance.now();
            res.end('slow');
          }, 300);
          return;
        }
        if (req.url.startsWith('/empty')) {
          res.writeHead(204, { 'x-amz-request-id': 'r204' }).end();
          return;
        }
        res.writeHead(req.url.startsWith('/missing') ? 404 : 200, { etag: '"e"', 'x-amz-meta-a': '1' });
        res.end(`got ${body.length}`);
      });
    });
    server.on('connection', (socket) => accepted.push({ socket, at: performance.now() }));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => server.close());
  const accepted = [];
  let answeredSlowAt;

  it('sends the method, headers and body; reports progress; answers like a Response', async () => {
    const t = nodeTransport();
    const body = new Uint8Array(3 * 1024 * 1024 + 5);
    const progress = [];
    const r = await t(`${base}/k?partNumber=1`, { method: 'PUT', headers: [['x-amz-date', 'd']], body, onProgress: (n) => progress.push(n) });
    assert.equal(t.kind, 'node');
    assert.equal(r.status, 200);
    assert.equal(r.ok, true);
    assert.equal(r.headers.get('etag'), '"e"');
    assert.equal(new TextDecoder().decode(await r.arrayBuffer()), `got ${body.length}`);
    const req = seen.at(-1);
    assert.deepEqual([req.method, req.url, req.headers['x-amz-date'], req.headers['content-length']], ['PUT', '/k?partNumber=1', 'd', String(body.length)]);
    assert.equal(progress.at(-1), body.length);
    assert.ok(progress.length > 1 && progress.every((n, i) => i === 0 || n > progress[i - 1]), `${progress}`);
    t.close();
  });

  it('connections: the connections of the requests that follow open while this one is answered, and they use them', async () => {
    const t = nodeTransport({ maxSockets: 4 });
    const from = accepted.length;
    const slow = await t(`${base}/slow`, { method: 'POST', connections: 4 });
    assert.equal(new TextDecoder().decode(await slow.arrayBuffer()), 'slow');
    const opened = accepted.slice(from);
    assert.equal(opened.length, 4, 'its own and 3 more');
    assert.ok(opened.every((c) => c.at < answeredSlowAt), 'all open before the answer');
    const before = seen.length;
    await Promise.all([1, 2, 3, 4].map((n) => t(`${base}/k?partNumber=${n}`, { method: 'PUT', body: 'x' })));
    assert.equal(accepted.length - from, 4, 'the next 4 requests opened no connection of their own');
    assert.equal(seen.length - before, 4);
    t.close();
  });

  it('an error status and a 204 without a body', async () => {
    const t = nodeTransport();
    const missing = await t(`${base}/missing`, { method: 'HEAD' });
    assert.equal(missing.status, 404);
    assert.equal(missing.ok, false);
    const empty = await t(`${base}/empty`, { method: 'DELETE', body: 'x' });
    assert.equal(empty.status, 204);
    assert.equal((await empty.arrayBuffer()).byteLength, 0);
    t.close();
  });

  it('refuses what it cannot send: S3InputError', async () => {
    const t = nodeTransport();
    await assert.rejects(t('ftp://127.0.0.1/x', { method: 'GET' }), (e) => e instanceof S3InputError && e.code === 'InvalidEndpoint');
    await assert.rejects(t(`${base}/k`, { method: 'PUT', body: { not: 'bytes' } }), (e) => e instanceof S3InputError && e.code === 'InvalidArgument');
    t.close();
  });

  it('an aborted signal: rejects with its reason', async () => {
    const t = nodeTransport();
    const reason = new Error('stop');
    await assert.rejects(t(`${base}/k`, { method: 'GET', signal: AbortSignal.abort(reason) }), (e) => e === reason);
    t.close();
  });
});

describe('fileSource', () => {
  let dir;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's3mpu-node-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads ranges of a file; size and name fingerprint it', async () => {
    const file = path.join(dir, 'f.bin');
    const bytes = new Uint8Array(1000).map((_, i) => i & 255);
    await writeFile(file, bytes);
    const src = await fileSource(file);
    try {
      assert.equal(src.size, 1000);
      assert.equal(src.fingerprint.name, 'f.bin');
      assert.deepEqual(await src.read(990, 100), bytes.subarray(990));
      assert.deepEqual(await src.read(0, 10), bytes.subarray(0, 10));
    } finally {
      await src.close();
    }
    await assert.rejects(fileSource(dir), (e) => e instanceof S3InputError);
  });
});
