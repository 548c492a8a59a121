// createMd5 (js/src/md5.js): MD5 without a client, on node:crypto and on wasm.
//
//   node --test tests/js/md5.test.mjs      (S3MPU_WASM picks the module; default js/s3mpu.wasm)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { S3InputError, createMd5 } from '../../js/src/index.node.js';
import { useNative } from '../../js/src/hash.js';
import { wasmBytes } from './harness/offline.mjs';

describe('createMd5: MD5 without a client (pages sending parts to presigned URLs)', () => {
  const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 7919) & 255);
  const md5 = (b) => createHash('md5').update(b).digest();
  for (const native of [true, false]) {
    it(native ? 'node:crypto (Node)' : 'wasm (what browsers and workers run)', async () => {
      useNative(native);
      try {
        const m = await createMd5({ wasm: wasmBytes });
        assert.deepEqual(m.digest(bytes), { hex: md5(bytes).toString('hex'), base64: md5(bytes).toString('base64') });
        assert.equal(m.digest(bytes.buffer).hex, md5(bytes).toString('hex'), 'an ArrayBuffer');
        assert.equal(m.digest(new DataView(bytes.buffer, 5, 100)).hex, md5(bytes.subarray(5, 105)).toString('hex'), 'a view');
        const blob = new Blob([bytes]);
        assert.equal((await m.digestBlob(blob)).hex, md5(bytes).toString('hex'));
        assert.equal((await m.digestBlob(blob, 1000, 2_000_000)).base64, md5(bytes.subarray(1000, 2_000_000)).toString('base64'));
        const parts = [bytes.subarray(0, 2 * 1024 * 1024), bytes.subarray(2 * 1024 * 1024)];
        const whole = md5(Buffer.concat(parts.map(md5))).toString('hex');
        // Quoted, as S3 sends it and result.etag / headObject give it.
        assert.equal(m.multipartEtag(parts.map((p) => m.digest(p).hex)), `"${whole}-2"`);
      } finally {
        useNative(true);
      }
    });
  }
  for (const native of [true, false]) {
    it(`digestMany: random sizes and counts, as node:crypto (${native ? 'node:crypto and md5x4' : 'wasm'})`, async () => {
      useNative(native);
      try {
        const m = await createMd5({ wasm: wasmBytes });
        assert.deepEqual(m.digestMany([]), []);
        for (let count = 1; count <= 9; count++) {
          const parts = Array.from({ length: count }, (_, i) => {
            const start = (i * 131) % 1000;
            return bytes.subarray(start, start + Math.floor(Math.random() * (i % 3 ? 300_000 : 70)));
          });
          parts.push(bytes.buffer.slice(0, 1000)); // an ArrayBuffer
          const want = parts.map((p) => ({ hex: md5(new Uint8Array(p)).toString('hex'), base64: md5(new Uint8Array(p)).toString('base64') }));
          assert.deepEqual(m.digestMany(parts), want, parts.map((p) => p.byteLength).join());
        }
      } finally {
        useNative(true);
      }
    });
  }
  it('bad input: S3InputError', async () => {
    const m = await createMd5({ wasm: wasmBytes });
    for (const [what, fn] of [
      ['a string', () => m.digest('abc')], ['nothing', () => m.digest()],
      ['not a Blob', () => m.digestBlob(new Uint8Array(3))], ['a range past the end', () => m.digestBlob(new Blob(['abc']), 0, 4)],
      ['a backwards range', () => m.digestBlob(new Blob(['abc']), 2, 1)],
      ['no parts', () => m.multipartEtag([])], ['parts not in an array', () => m.digestMany(bytes)],
      ['a string among parts', () => m.digestMany([bytes, 'abc'])], ['not hex', () => m.multipartEtag(['xyz'])],
    ]) {
      await assert.rejects(async () => fn(), (e) => e instanceof S3InputError && e.code === 'InvalidArgument', what);
    }
  });
});
