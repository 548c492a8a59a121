// Part sources (js/src/body.js), without a server: every split of chunks against parts, short
// reads, empty bodies, exact multiples, lazy pulling, cancellation. Hashing: hash.test.mjs.
//
//   node --test tests/js/body.test.mjs        (S3MPU_WASM picks the wasm build)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile, rm, utimes, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import '../../js/src/index.node.js'; // sets the default wasm (S3MPU_WASM)
import { openBody, readBlob } from '../../js/src/body.js';

const data = randomBytes(50);

/** Read a source part by part (lengths from `sizes`, the last repeated) until a short read. */
async function readAll(src, sizes) {
  const parts = [];
  let offset = 0;
  for (let i = 0; ; i++) {
    const want = sizes[Math.min(i, sizes.length - 1)];
    const got = await src.read(offset, want);
    assert.ok(got.length <= want, `part ${i + 1}: ${got.length} > ${want}`);
    parts.push(got);
    offset += got.length;
    if (got.length < want) break;
    if (src.sequential && (await src.atEnd())) break;
    if (!src.sequential && offset >= src.size) break;
  }
  return parts;
}

const concat = (parts) => Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length)));

/** A web ReadableStream of `bytes` in chunks of `chunk` bytes that counts its pulls. */
function webStream(bytes, chunk, { emptyEvery = 0 } = {}) {
  let at = 0;
  let i = 0;
  const s = new ReadableStream({
    pull(c) {
      s.pulls++;
      if (emptyEvery && ++i % emptyEvery === 0) return c.enqueue(new Uint8Array(0));
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
    cancel() {
      s.cancelled = true;
    },
  }, { highWaterMark: 0 });
  s.pulls = 0;
  s.cancelled = false;
  return s;
}

describe('part sources', () => {
  it('Uint8Array, ArrayBuffer and other views: views into the caller\'s buffer, no copies', async () => {
    const big = new Uint8Array(100).map((_, i) => i);
    const src = await openBody(big);
    assert.equal(src.size, 100);
    assert.equal(src.sequential, false);
    assert.deepEqual(src.fingerprint, { size: 100 });
    const p = await src.read(30, 40);
    assert.equal(p.buffer, big.buffer);
    assert.equal(p.byteOffset, 30);
    assert.equal(p.length, 40);
    assert.equal((await src.read(90, 40)).length, 10); // short at the end
    assert.equal((await src.read(100, 40)).length, 0);

    const ab = await openBody(big.buffer);
    assert.equal((await ab.read(0, 100)).buffer, big.buffer);
    const dv = new DataView(big.buffer, 10, 20);
    const view = await openBody(dv);
    assert.equal(view.size, 20);
    assert.deepEqual([...(await view.read(0, 3))], [10, 11, 12]);
    const words = await openBody(new Uint16Array([1, 2]));
    assert.equal(words.size, 4);
  });

  it('random-access sources cut at every split point', async () => {
    for (const make of [(d) => d, (d) => new Blob([d])]) {
      for (let partLen = 1; partLen <= data.length + 1; partLen++) {
        const src = await openBody(make(data));
        const parts = await readAll(src, [partLen]);
        assert.deepEqual(concat(parts), data);
        for (const p of parts.slice(0, -1)) assert.equal(p.length, partLen);
        const exact = data.length % partLen === 0;
        assert.equal(parts.length, Math.ceil(data.length / partLen), `part length ${partLen} (exact multiple: ${exact})`);
      }
    }
  });

  it('web ReadableStream: every chunk size against every part size, exact multiples, short last part', async () => {
    for (let chunk = 1; chunk <= 23; chunk++) {
      for (let partLen = 1; partLen <= 23; partLen++) {
        const s = webStream(data, chunk);
        const src = await openBody(s);
        assert.equal(src.sequential, true);
        assert.equal(src.size, undefined);
        const parts = await readAll(src, [partLen]);
        assert.deepEqual(concat(parts), data, `chunk ${chunk}, part ${partLen}`);
        for (const p of parts.slice(0, -1)) assert.equal(p.length, partLen);
        // Each part is its own buffer of the part's size (never a view into a chunk).
        for (const p of parts) assert.equal(p.buffer.byteLength, partLen);
        if (data.length % partLen === 0) assert.equal(parts.at(-1).length, partLen, 'exact multiple: no empty tail part');
        await src.close();
      }
    }
  });

  it('web ReadableStream: growing part sizes and empty chunks in between', async () => {
    const s = webStream(data, 7, { emptyEvery: 3 });
    const src = await openBody(s);
    const parts = await readAll(src, [5, 10, 20, 40]);
    assert.deepEqual(parts.map((p) => p.length), [5, 10, 20, 15]);
    assert.deepEqual(concat(parts), data);
  });

  it('pulls a stream only when a part is read, one part at a time', async () => {
    const s = webStream(data, 4);
    const src = await openBody(s);
    assert.equal(s.pulls, 0, 'opening pulls nothing');
    await src.read(0, 8);
    assert.equal(s.pulls, 2, 'two chunks of 4 for a part of 8');
    await src.read(8, 6);
    assert.equal(s.pulls, 4, 'the rest of a chunk waits for the next part');
    assert.equal(await src.atEnd(), false);
    assert.equal(s.pulls, 4, 'atEnd keeps the pending rest');
    await src.close();
    assert.equal(s.cancelled, true, 'close cancels the stream');
  });

  it('an empty stream: a 0-byte read, at end', async () => {
    for (const body of [new ReadableStream({ start: (c) => c.close() }), Readable.from([]), (async function* () {})()]) {
      const src = await openBody(body);
      assert.equal((await src.read(0, 8)).length, 0);
      assert.equal(await src.atEnd(), true);
      await src.close();
    }
  });

  it('a stream that ends exactly on a part boundary', async () => {
    const src = await openBody(webStream(data, 5));
    assert.equal((await src.read(0, 25)).length, 25);
    assert.equal(await src.atEnd(), false);
    assert.equal((await src.read(25, 25)).length, 25);
    assert.equal(await src.atEnd(), true);
    assert.equal((await src.read(50, 25)).length, 0);
  });

  it('reads out of order are refused on a stream', async () => {
    const src = await openBody(webStream(data, 5));
    await src.read(0, 10);
    await assert.rejects(src.read(20, 10), /stream read at 20, position 10/);
  });

  it('Node Readable and async iterables, Buffers and strings, with a known size', async () => {
    const chunks = [data.subarray(0, 3), data.subarray(3, 20), data.subarray(20)];
    for (const body of [Readable.from(chunks), (async function* () { yield* chunks; })(), chunks]) {
      const src = await openBody(body, { size: data.length });
      assert.equal(src.size, 50);
      assert.deepEqual(src.fingerprint, { size: 50 });
      const parts = await readAll(src, [16]);
      assert.deepEqual(parts.map((p) => p.length), [16, 16, 16, 2]);
      assert.deepEqual(concat(parts), data);
    }
    const text = await openBody(Readable.from(['hé', 'llo']));
    assert.equal(Buffer.from(await text.read(0, 100)).toString(), 'héllo');
    const bad = await openBody(Readable.from([{ not: 'bytes' }]));
    await assert.rejects(bad.read(0, 10), { name: 'S3InputError' });
  });

  it('closing a Node Readable destroys it', async () => {
    const r = Readable.from((function* () { for (;;) yield Buffer.alloc(10); })());
    const src = await openBody(r);
    await src.read(0, 25);
    await src.close();
    assert.equal(r.destroyed, true);
  });

  it('a size that disagrees with a Uint8Array or Blob is refused', async () => {
    await assert.rejects(openBody(data, { size: 49 }), { name: 'S3InputError', code: 'BodySizeMismatch' });
    await assert.rejects(openBody(new Blob([data]), { size: 51 }), { code: 'BodySizeMismatch' });
    await assert.rejects(openBody(data, { size: -1 }), { code: 'InvalidArgument' });
    await assert.rejects(openBody(42), { name: 'S3InputError' });
  });

  it('a File\'s name and lastModified are its fingerprint', async () => {
    const f = new File([data], 'a.bin', { lastModified: 1700000000000 });
    const src = await openBody(f);
    assert.deepEqual(src.fingerprint, { size: 50, name: 'a.bin', lastModified: 1700000000000 });
  });

  it('a Blob read failing with NotReadableError is retried', async () => {
    let fails = 2;
    class Flaky extends Blob {
      slice(...a) {
        const s = super.slice(...a);
        if (fails-- > 0) {
          return { arrayBuffer: () => Promise.reject(new DOMException('could not read', 'NotReadableError')) };
        }
        return s;
      }
    }
    const got = await readBlob(new Flaky([data]), 5, 15);
    assert.deepEqual(Buffer.from(got), data.subarray(5, 15));
    let calls = 0;
    class Broken extends Blob {
      slice() {
        calls++;
        return { arrayBuffer: () => Promise.reject(new DOMException('gone', 'NotReadableError')) };
      }
    }
    await assert.rejects(readBlob(new Broken([data]), 0, 5), { name: 'NotReadableError' });
    assert.equal(calls, 4);
    class Other extends Blob {
      slice() {
        calls++;
        return { arrayBuffer: () => Promise.reject(new TypeError('other')) };
      }
    }
    calls = 0;
    await assert.rejects(readBlob(new Other([data]), 0, 5), TypeError);
    assert.equal(calls, 1, 'other errors are not retried');
  });

  describe('file paths', () => {
    let dir;
    before(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 's3mpu-body-'));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('a file path is read lazily by parts; name and mtime fingerprint it', async () => {
      const file = path.join(dir, 'f.bin');
      await writeFile(file, data);
      await utimes(file, 1700000000, 1700000000);
      const src = await openBody({ path: file });
      assert.equal(src.size, 50);
      assert.deepEqual(src.fingerprint, { size: 50, name: 'f.bin', lastModified: 1700000000000 });
      assert.deepEqual(concat(await readAll(src, [16])), data);
      await src.close();
      const empty = path.join(dir, 'empty');
      await writeFile(empty, '');
      const e = await openBody(pathToFileURL(empty));
      assert.equal(e.size, 0);
      assert.equal((await e.read(0, 5)).length, 0);
    });

    it('a file changed after opening fails to read (never half old, half new)', async () => {
      const file = path.join(dir, 'g.bin');
      await writeFile(file, data);
      const src = await openBody({ path: file });
      await writeFile(file, randomBytes(60));
      await assert.rejects(src.read(0, 10), { name: 'S3InputError', code: 'BodyChanged' });
      await src.close();
    });

    it('a file replaced under its name is read whole from the file first opened', async () => {
      const file = path.join(dir, 'r.bin');
      await writeFile(file, data);
      const src = await openBody({ path: file });
      await writeFile(`${file}.new`, randomBytes(50));
      await rename(`${file}.new`, file);
      assert.deepEqual(concat(await readAll(src, [16])), data);
      await src.close();
    });

    it('part buffers are reused once released: memory stays at the parts in flight', async () => {
      const file = path.join(dir, 'pool.bin');
      const big = randomBytes(10 * 1024);
      await writeFile(file, big);
      const src = await openBody({ path: file });
      const a = await src.read(0, 4096);
      const b = await src.read(4096, 4096);
      assert.notEqual(a.buffer, b.buffer, 'parts in flight never share memory');
      assert.deepEqual(Buffer.from(a), big.subarray(0, 4096));
      const aMemory = a.buffer;
      src.release(a);
      const c = await src.read(8192, 4096); // the short last part, in a's memory
      assert.equal(c.buffer, aMemory);
      assert.deepEqual(Buffer.from(c), big.subarray(8192));
      src.release(c);
      src.release(c); // twice is harmless
      const d = await src.read(0, 4096);
      const e = await src.read(4096, 4096);
      assert.notEqual(d.buffer, e.buffer, 'a buffer released twice is handed out once');
      await src.close();
    });

    it('copyParts: memory parts are copies in reused buffers; the caller\'s bytes stay as they were', async () => {
      const mine = randomBytes(96);
      const before = Buffer.from(mine);
      const src = await openBody(mine, { copyParts: true });
      const a = await src.read(0, 64);
      assert.notEqual(a.buffer, mine.buffer);
      assert.deepEqual(Buffer.from(a), before.subarray(0, 64));
      const aMemory = a.buffer;
      src.release(a);
      const b = await src.read(64, 64);
      assert.equal(b.buffer, aMemory, 'the released buffer holds the next part');
      assert.deepEqual(Buffer.from(b), before.subarray(64));
      assert.deepEqual(mine, before);
      const whole = await src.read(0, 200);
      assert.equal(whole.buffer, mine.buffer, 'the whole body in one read: a view, no copy');
    });

    it('caller memory is never recycled', async () => {
      const mine = new Uint8Array(64).fill(7);
      const src = await openBody(mine);
      const part = await src.read(0, 32);
      src.release(part);
      assert.equal(part.buffer, mine.buffer);
      const stream = await openBody(Readable.from([Buffer.from(mine)]), { size: 64 });
      stream.release(mine);
      assert.notEqual((await stream.read(0, 64)).buffer, mine.buffer);
    });

    it('a string is its UTF-8 text, not a file name; a file is { path } or a file: URL', async () => {
      const file = path.join(dir, 'named.txt');
      await writeFile(file, 'the file\n');
      // Even a string that names an existing file is uploaded as text.
      for (const [body, want] of [['hello é', Buffer.from('hello é')], [file, Buffer.from(file)], ['', Buffer.alloc(0)]]) {
        const src = await openBody(body);
        assert.equal(src.size, want.length);
        assert.deepEqual(Buffer.from(concat(await readAll(src, [64]))), want);
      }
      for (const body of [{ path: file }, pathToFileURL(file)]) {
        const src = await openBody(body);
        assert.deepEqual(src.fingerprint.name, 'named.txt');
        assert.deepEqual(Buffer.from(concat(await readAll(src, [64]))), Buffer.from('the file\n'));
        await src.close();
      }
      await assert.rejects(openBody(new URL('https://example.com/x')), { name: 'S3InputError', code: 'InvalidArgument', message: /file: URL/ });
      await assert.rejects(openBody({ path: 7 }), { name: 'S3InputError', message: /\{ path \} must name a file/ });
    });

    it('a missing file or a directory is refused', async () => {
      await assert.rejects(openBody({ path: path.join(dir, 'nope') }), { code: 'ENOENT' });
      await assert.rejects(openBody({ path: dir }), { name: 'S3InputError' });
    });
  });
});
