// Part hashing (js/src/hash.js), without a server: node:crypto, WebCrypto and the wasm hashes
// (through js/src/abi.js) against node:crypto, fed whole and in pieces.
//
//   node --test tests/js/hash.test.mjs        (S3MPU_WASM picks the wasm build)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import '../../js/src/index.node.js'; // sets the default wasm (S3MPU_WASM)
import { loadAbi } from '../../js/src/wasm.js';
import { hashers, useNative, multipartEtag, hex } from '../../js/src/hash.js';

const data = randomBytes(50);

describe('part hashing', () => {
  let abi;
  before(async () => {
    abi = await loadAbi();
  });
  after(() => useNative(true));

  const nodeDigest = {
    md5: (b) => createHash('md5').update(b).digest('base64'),
    sha256: (b) => createHash('sha256').update(b).digest('base64'),
    crc32: (b) => { const v = zlibCrc32(b); return Buffer.from([v >>> 24, v >>> 16, v >>> 8, v].map((x) => x & 255)).toString('base64'); },
  };
  const crc32c = (b) => {
    let c = ~0;
    for (const x of b) {
      c ^= x;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0x82f63b78 & -(c & 1));
    }
    c = ~c >>> 0;
    return Buffer.from([c >>> 24, c >>> 16, c >>> 8, c].map((x) => x & 255)).toString('base64');
  };

  for (const native of [false, true]) {
    it(`${native ? 'node:crypto/zlib' : 'wasm (and WebCrypto)'}: every algorithm, fed whole, by bytes and split at every offset`, async () => {
      useNative(native);
      const h = await hashers(abi);
      const input = randomBytes(70);
      for (const checksum of ['crc32', 'crc32c', 'sha256']) {
        const want = checksum === 'crc32c' ? crc32c(input) : nodeDigest[checksum](input);
        const feeds = [[input], [...input].map((b) => Uint8Array.of(b))];
        for (let i = 0; i <= input.length; i++) feeds.push([input.subarray(0, i), input.subarray(i)]);
        for (const pieces of feeds) {
          const p = h.part({ md5: true, checksum });
          for (const piece of pieces) p.update(piece);
          const d = await p.digest();
          assert.equal(d.contentMD5, nodeDigest.md5(input));
          assert.equal(d.md5Hex, createHash('md5').update(input).digest('hex'));
          assert.equal(d.checksum, want, `${checksum} in ${pieces.length} pieces`);
        }
      }
      const empty = h.part({ md5: true, checksum: 'crc32c' });
      const d = await empty.digest();
      assert.equal(d.md5Hex, 'd41d8cd98f00b204e9800998ecf8427e');
      assert.equal(d.checksum, 'AAAAAA==');
    });
  }

  it('wasm: a part larger than the 64 KiB window, with wasm memory growing in between', async () => {
    useNative(false);
    const h = await hashers(abi);
    const big = randomBytes(3 * 65536 + 123);
    const md5 = h.make('md5');
    const crc = h.make('crc32c');
    md5.update(big.subarray(0, 100000));
    crc.update(big.subarray(0, 100000));
    const grown = abi.alloc(64 << 20); // forces memory.grow: views must be rebuilt
    md5.update(big.subarray(100000));
    crc.update(big.subarray(100000));
    abi.free(grown);
    assert.equal(hex(md5.digest()), createHash('md5').update(big).digest('hex'));
    assert.equal(Buffer.from(crc.digest()).toString('base64'), crc32c(big));
  });

  it('wasm SHA-256 where WebCrypto is missing (insecure browser contexts)', async () => {
    useNative(false);
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true, writable: true });
    try {
      const h = await hashers(abi);
      const input = randomBytes(200000);
      const s = h.make('sha256');
      s.update(input.subarray(0, 7));
      s.update(input.subarray(7));
      assert.equal(Buffer.from(await s.digest()).toString('base64'), nodeDigest.sha256(input));
    } finally {
      Object.defineProperty(globalThis, 'crypto', saved);
    }
  });

  it('the multipart ETag is md5 of the parts\' md5s, then -N', async () => {
    for (const native of [false, true]) {
      useNative(native);
      const h = await hashers(abi);
      const parts = [randomBytes(10), randomBytes(20), randomBytes(0)];
      const md5s = parts.map((p) => createHash('md5').update(p).digest());
      const want = `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-3`;
      assert.equal(multipartEtag(h, md5s), want);
    }
  });

  it('wasm hash contexts are freed: memory does not grow over many parts', async () => {
    useNative(false);
    const h = await hashers(abi);
    const before = abi.memoryBytes().byteLength;
    for (let i = 0; i < 2000; i++) {
      const p = h.part({ md5: true, checksum: 'crc32' });
      p.update(data);
      await p.digest();
    }
    assert.equal(abi.memoryBytes().byteLength, before);
  });
});

describe('md5Many and md5Batcher: parts hashed together in md5x4 lanes', () => {
  const md5 = (b) => createHash('md5').update(b).digest('hex');
  after(() => useNative(true));
  for (const native of [true, false]) {
    it(`digests as node:crypto, whatever the batch (${native ? 'node:crypto' : 'wasm'} beside md5x4)`, async () => {
      useNative(native);
      const h = await hashers(await loadAbi());
      const parts = Array.from({ length: 7 }, (_, i) => randomBytes(i * 40_000 + (i % 3) * 63));
      assert.deepEqual(h.md5Many(parts).map(hex), parts.map(md5));
      const digest = h.md5Batcher(4);
      // Five at once: a full batch of four at once, the fifth after a timer turn.
      const got = await Promise.all(parts.slice(0, 5).map((p) => digest(p)));
      assert.deepEqual(got.map(hex), parts.slice(0, 5).map(md5));
      assert.equal(hex(await digest(parts[6])), md5(parts[6]), 'a part alone');
    });
  }
});

describe('md5Ahead: part n in md5x4 lanes with the next parts, read ahead', () => {
  const md5 = (b) => createHash('md5').update(b).digest('hex');
  after(() => useNative(true));
  // A body in parts of random sizes (a short last one, parts longer than a read-ahead chunk);
  // peek reads into the scratch like a file, or gives views like memory.
  const body = randomBytes(3_000_000);
  const cuts = [0, 300_001, 600_000, 1_400_003, 1_400_067, 2_100_000, 2_999_999, 3_000_000];
  const parts = cuts.slice(1).map((end, i) => ({ n: i + 1, offset: cuts[i], size: end - cuts[i] }));
  const bytesOf = (p) => body.subarray(p.offset, p.offset + p.size);
  const peeks = {
    file: async (offset, length, scratch) => {
      scratch.set(body.subarray(offset, offset + length));
      return scratch.subarray(0, length);
    },
    memory: async (offset, length) => body.subarray(offset, offset + length),
  };
  for (const native of [true, false]) {
    for (const [kind, peek] of Object.entries(peeks)) {
      it(`digests as node:crypto, parts asked for in order, together or skipped (${native ? 'node:crypto' : 'wasm'}, ${kind})`, async () => {
        useNative(native);
        const h = await hashers(await loadAbi());
        // Part 3 is on the server already (resume): never hashed, never asked for.
        const toSend = parts.filter((p) => p.n !== 3);
        const next = (n, count) => toSend.filter((p) => p.n > n).slice(0, count);
        const md5Of = h.md5Ahead({ next, peek });
        const asked = [];
        // Parts 1 and 2 one after the other, then the rest at once (a wider concurrency).
        asked.push(await md5Of(1, bytesOf(parts[0])), await md5Of(2, bytesOf(parts[1])));
        asked.push(...(await Promise.all(toSend.slice(2).map((p) => md5Of(p.n, bytesOf(p))))));
        assert.deepEqual(asked.map(hex), toSend.map((p) => md5(bytesOf(p))));
      });
    }
  }

  it('a failed read fails the part that started the group, and the parts it read ahead', async () => {
    const h = await hashers(await loadAbi());
    const md5Of = h.md5Ahead({
      next: (n, count) => parts.filter((p) => p.n > n).slice(0, count),
      peek: async () => {
        throw new Error('read failed');
      },
    });
    await assert.rejects(md5Of(1, bytesOf(parts[0])), /read failed/);
    await assert.rejects(md5Of(2, bytesOf(parts[1])), /read failed/);
  });
});
