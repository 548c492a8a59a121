// The Node entry (js/src/index.node.js): the same exports as index.js, the bundled (or
// S3MPU_WASM) module read from disk by default, node:http(s) as the transport, and a file
// body ({ path } or a file: URL) read from disk.
//
//   node --test tests/js/index.node.test.mjs
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as node from '../../js/src/index.node.js';
import * as shared from '../../js/src/index.js';
import { openBody } from '../../js/src/body.js';

describe('index.node.js', () => {
  let dir;
  after(() => dir && rm(dir, { recursive: true, force: true }));

  it('exports what index.js exports', () => {
    assert.deepEqual(Object.keys(node).sort(), Object.keys(shared).sort());
  });

  it('S3Client.create() reads the module from disk; requests go over node:http', async () => {
    const s3 = await node.S3Client.create({
      endpoint: 'http://127.0.0.1:9', region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: 'AKIDNODE', secretAccessKey: 'node-secret' },
    });
    assert.equal(s3.transport.kind, 'node');
    assert.match(s3.presign({ bucket: 'node-bucket', key: 'k', uploadId: 'u', partNumber: 1 }).url, /^http:\/\/127\.0\.0\.1:9\/node-bucket\/k\?/);
    s3.destroy();
  });

  it('a file body ({ path } or a file: URL) is read from disk; a string is its text', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's3mpu-entry-'));
    const file = path.join(dir, 'a.txt');
    await writeFile(file, 'hello');
    for (const body of [{ path: file }, pathToFileURL(file)]) {
      const src = await openBody(body);
      assert.equal(src.size, 5);
      assert.equal(new TextDecoder().decode(await src.read(0, 5)), 'hello');
      await src.close();
    }
    const text = await openBody(file);
    assert.equal(text.size, Buffer.byteLength(file));
    assert.equal(new TextDecoder().decode(await text.read(0, text.size)), file);
    await text.close();
  });
});
