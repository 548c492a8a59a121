// s3mpu-md5.wasm (wasm/md5_abi.c), the hashing Worker's module, from both
// toolchains: no imports, exactly md5_exports.txt's exports, digests equal to
// node:crypto's one at a time and four at once (lengths around the 64-byte
// block and the 64 KiB window), and the core's plans, through
// js/src/direct/md5wasm.js; and the Worker's tasks (tasks.js) on it.
//
//   node --test tests/wasm/md5.mjs
//
// Modules: $S3MPU_MD5_WASM (paths joined by ':'), else build/wasi/wasm/s3mpu-md5.wasm and
// build/emscripten/wasm/s3mpu-md5.wasm (scripts/build-wasm.sh builds both).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ABI_VERSION, LANES, loadMd5 } from '../../js/src/direct/md5wasm.js';
import { createTasks } from '../../js/src/direct/tasks.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modules = process.env.S3MPU_MD5_WASM
  ? process.env.S3MPU_MD5_WASM.split(':').filter(Boolean).map((p) => path.resolve(p))
  : ['wasi', 'emscripten'].map((t) => path.join(root, 'build', t, 'wasm', 's3mpu-md5.wasm'));
const expectedExports = [
  'memory', '_initialize',
  ...readFileSync(path.join(root, 'wasm', 'md5_exports.txt'), 'utf8')
    .split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean),
].sort();

/** The number `#define S3MPU_<name> N` gives in the C file `file` (relative to the root). */
function cDefine(file, name) {
  const m = new RegExp(`^#define S3MPU_${name}\\s+(\\d+)\\b`, 'm').exec(readFileSync(path.join(root, file), 'utf8'));
  assert.ok(m, `${file} has no #define S3MPU_${name} <number>`);
  return Number(m[1]);
}

describe('js/src/direct/md5wasm.js against its C twins', () => {
  it('ABI_VERSION is wasm/md5_abi.c\'s, LANES is s3mpu.h\'s md5x4 lanes', () => {
    assert.equal(ABI_VERSION, cDefine('wasm/md5_abi.c', 'MD5WASM_ABI_VERSION'));
    assert.equal(LANES, cDefine('core/include/s3mpu.h', 'MD5X4_LANES'));
  });
});

const KiB = 1024;
const MiB = 1024 * KiB;
const md5 = (b) => createHash('md5').update(b).digest('hex');
const hex = (d) => Buffer.from(d).toString('hex');

for (const file of modules) {
  describe(path.relative(root, file), () => {
    const bytes = readFileSync(file);
    const h = loadMd5(bytes);

    it('imports nothing and exports exactly md5_exports.txt, memory and _initialize', () => {
      const mod = new WebAssembly.Module(bytes);
      assert.deepEqual(WebAssembly.Module.imports(mod), []);
      assert.deepEqual(WebAssembly.Module.exports(mod).map((e) => e.name).sort(), expectedExports);
    });

    it('has md5wasm.js\'s ABI version, and one x4_update argument per lane', () => {
      const { exports: x } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
      assert.equal(x.s3mpu_md5wasm_abi_version(), ABI_VERSION);
      assert.equal(x.s3mpu_md5wasm_x4_update.length, LANES);
    });

    it('MD5 of one message equals node:crypto at every block and window edge', async () => {
      const m = await h;
      for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, 300 * KiB + 7]) {
        const b = randomBytes(n);
        assert.equal(hex(m.md5(b)), md5(b), `${n} bytes`);
      }
    });

    it('four at once (md5x4 lanes, SIMD) equal one at a time, for unequal lengths and any count', async () => {
      const m = await h;
      assert.equal(m.simd, true);
      const lens = [3 * MiB + 5, 0, 64 * KiB, 1, 200 * KiB + 63, 8 * MiB, 65, 64];
      const parts = lens.map((n) => randomBytes(n));
      for (const count of [1, 2, 3, 4, 5, 8]) {
        assert.deepEqual(m.md5Many(parts.slice(0, count)).map(hex), parts.slice(0, count).map(md5), `${count} parts`);
      }
      // Views into a larger buffer at odd offsets.
      const big = randomBytes(MiB);
      const views = [big.subarray(1, 70_001), big.subarray(3, 5), big.subarray(100_001), big.subarray(7, 7)];
      assert.deepEqual(m.md5Many(views).map(hex), views.map(md5));
    });

    it('plans as the core does, and refuses what the core refuses', async () => {
      const m = await h;
      assert.deepEqual(m.plan(0, 0), { partSize: 8 * MiB, partCount: 1 });
      assert.deepEqual(m.plan(100 * MiB, 0), { partSize: 8 * MiB, partCount: 13 });
      assert.deepEqual(m.plan(100 * MiB, 5 * MiB), { partSize: 5 * MiB, partCount: 20 });
      assert.deepEqual(m.plan(200 * 1024 * MiB, 5 * MiB), { partSize: 21 * MiB, partCount: 9753 });
      // directUpload never asks for these (engine.js refuses them with S3Client's codes).
      assert.throws(() => m.plan(6 * 1024 * 1024 * MiB, 0), { name: 'RangeError', message: /no plan of 6597069766656 bytes/ });
      assert.throws(() => m.plan(MiB, 6 * 1024 * MiB), { name: 'RangeError', message: /in parts of 6442450944/ });
      assert.throws(() => m.plan(-1, 0), { name: 'RangeError' });
    });

    it('the Worker\'s tasks: the MD5s of a batch of a Blob\'s ranges in order, the multipart ETag', async () => {
      const t = await createTasks(bytes);
      const body = randomBytes(3 * MiB + 1234);
      const blob = new Blob([body]);
      const ranges = [[0, MiB], [MiB, 2 * MiB], [2 * MiB, 3 * MiB], [3 * MiB, body.length], [5, 5]];
      for (const batch of [ranges, ranges.slice(0, 1), ranges.slice(1, 3)]) {
        const got = await t.md5({ blob, ranges: batch });
        assert.deepEqual(got.map((d) => d.hex), batch.map(([s, e]) => md5(body.subarray(s, e))));
        assert.deepEqual(got.map((d) => d.base64), batch.map(([s, e]) => createHash('md5').update(body.subarray(s, e)).digest('base64')));
      }
      const md5s = ranges.slice(0, 4).map(([s, e]) => md5(body.subarray(s, e)));
      const all = createHash('md5').update(Buffer.concat(md5s.map((h) => Buffer.from(h, 'hex')))).digest('hex');
      assert.equal(await t.etag({ md5s }), `${all}-4`);
      assert.deepEqual(await t.plan({ size: 100 * MiB }), { partSize: 8 * MiB, partCount: 13 });
    });

    it('the Worker\'s md5 tasks read one after another, in the order asked; a failed read fails only its task', async () => {
      // A Blob whose slices are read only when the test says: what each task has begun to read.
      const body = randomBytes(64);
      const started = [];
      const held = [];
      const gated = {
        slice: (s, e) => ({
          arrayBuffer: () => new Promise((resolve, reject) => {
            started.push(s);
            held.push({ go: () => resolve(body.buffer.slice(body.byteOffset + s, body.byteOffset + e)), fail: () => reject(new Error('gone')) });
          }),
        }),
      };
      const t = await createTasks(bytes);
      const tick = () => new Promise((r) => setTimeout(r, 10));
      const first = t.md5({ blob: gated, ranges: [[0, 8]] });
      const second = t.md5({ blob: gated, ranges: [[8, 16], [16, 24]] });
      const third = t.md5({ blob: gated, ranges: [[24, 32]] });
      await tick();
      assert.deepEqual(started, [0], 'the later tasks wait for the first one\'s bytes');
      held[0].go();
      assert.equal((await first)[0].hex, md5(body.subarray(0, 8)));
      await tick();
      assert.deepEqual(started, [0, 8, 16], 'a task\'s own ranges are read together');
      held[1].fail();
      held[2].go();
      await assert.rejects(second, /cannot read bytes 8\.\.16/);
      await tick();
      held[3].go();
      assert.equal((await third)[0].hex, md5(body.subarray(24, 32)));
    });
  });
}
