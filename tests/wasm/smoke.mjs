// Smoke test of the two wasm builds: same imports, same exports, and the
// hashes and CRCs they compute match node:crypto / known vectors.
//
//   node --test tests/wasm/smoke.mjs
//
// Modules: $S3MPU_WASM (one or more paths joined by ':'), else
// build/wasi/wasm/s3mpu.wasm and build/emscripten/wasm/s3mpu.wasm (build
// them with scripts/wasm-deps.sh, then cmake --preset wasi / emscripten and
// cmake --build --preset wasi / emscripten).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modules = process.env.S3MPU_WASM
  ? process.env.S3MPU_WASM.split(':').filter(Boolean).map((p) => path.resolve(p))
  : ['wasi', 'emscripten'].map((t) => path.join(root, 'build', t, 'wasm', 's3mpu.wasm'));

// exports.txt is the contract: its names plus memory and _initialize.
const expectedExports = [
  'memory', '_initialize',
  ...readFileSync(path.join(root, 'wasm', 'exports.txt'), 'utf8')
    .split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean),
].sort();

// The WASI functions we are prepared to see imported, as stubs: nothing in
// the core does I/O, so any call is a bug that must surface. An import not
// listed here fails the test by name.
const ENOSYS = 52;
const wasiStubs = {
  fd_write: () => ENOSYS,
  fd_close: () => ENOSYS,
  fd_seek: () => ENOSYS,
  fd_fdstat_get: () => ENOSYS,
  proc_exit: (code) => { throw new Error(`wasm called proc_exit(${code})`); },
};

function importsFor(mod) {
  const env = { wasi_snapshot_preview1: {} };
  for (const imp of WebAssembly.Module.imports(mod)) {
    assert.equal(imp.module, 'wasi_snapshot_preview1', `unexpected import ${imp.module}.${imp.name}`);
    assert.ok(imp.name in wasiStubs, `no stub for import ${imp.module}.${imp.name}`);
    env.wasi_snapshot_preview1[imp.name] = wasiStubs[imp.name];
  }
  return env;
}

const listImports = (mod) =>
  WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}:${i.kind}`).sort();
const listExports = (mod) =>
  WebAssembly.Module.exports(mod).map((e) => `${e.name}:${e.kind}`).sort();

// Scratch layout used by these tests (offsets from s3mpu_wasm_scratch()).
const CTX = 0; // 128-byte hash context
const OUT = 256; // digest / (ptr, len) pair
const TABLE = 1024; // 8 KiB CRC table
const WINDOW = 16384; // body chunks

function load(file) {
  const mod = new WebAssembly.Module(readFileSync(file));
  const inst = new WebAssembly.Instance(mod, importsFor(mod));
  const x = inst.exports;
  x._initialize();
  const base = x.s3mpu_wasm_scratch() >>> 0;
  const size = x.s3mpu_wasm_scratch_size() >>> 0;
  // Views are rebuilt on each use: memory may grow.
  const u8 = () => new Uint8Array(x.memory.buffer);
  const put = (off, bytes) => u8().set(bytes, base + off);
  const get = (off, n) => u8().slice(base + off, base + off + n);
  const hex = (b) => Buffer.from(b).toString('hex');
  const window = size - WINDOW;

  function digest(kind, data, chunk = window) {
    const size_ = kind === 'sha256' ? 32 : 16;
    x[`s3mpu_${kind}_init`](base + CTX);
    for (let i = 0; i < data.length; i += chunk) {
      const part = data.subarray(i, Math.min(i + chunk, data.length));
      put(WINDOW, part);
      x[`s3mpu_${kind}_update`](base + CTX, base + WINDOW, part.length);
    }
    x[`s3mpu_${kind}_out`](base + CTX, base + OUT);
    return hex(get(OUT, size_));
  }

  function crc(kind, data, chunk = window) {
    x[`s3mpu_${kind}_table_init`](base + TABLE);
    let c = 0;
    for (let i = 0; i < data.length; i += chunk) {
      const part = data.subarray(i, Math.min(i + chunk, data.length));
      put(WINDOW, part);
      c = x.s3mpu_crc_update(base + TABLE, c, base + WINDOW, part.length) >>> 0;
    }
    return c;
  }

  function strerror(err) {
    x.s3mpu_wasm_strerror(err, base + OUT);
    const dv = new DataView(x.memory.buffer);
    const ptr = dv.getUint32(base + OUT, true);
    const len = dv.getUint32(base + OUT + 4, true);
    return new TextDecoder().decode(u8().subarray(ptr, ptr + len));
  }

  return { mod, x, base, size, window, put, get, hex, digest, crc, strerror };
}

// Reference CRC-32C (Castagnoli, reflected 0x82F63B78), bit by bit.
function crc32cRef(data) {
  let c = ~0 >>> 0;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0x82f63b78 & -(c & 1));
  }
  return ~c >>> 0;
}

// 3 MiB of deterministic, non-repeating bytes (xorshift32).
function bigBuffer() {
  const buf = new Uint8Array(3 << 20);
  let s = 0x9e3779b9;
  for (let i = 0; i < buf.length; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    buf[i] = s & 0xff;
  }
  return buf;
}

const big = bigBuffer();
const abc = new TextEncoder().encode('abc');
const nodeHash = (alg, data) => createHash(alg).update(data).digest('hex');

describe('wasm builds', () => {
  it('exist', () => {
    for (const f of modules) assert.ok(existsSync(f), `${f} missing: see the header of ${path.basename(fileURLToPath(import.meta.url))}`);
  });

  it('have identical import and export lists', { skip: modules.length < 2 && 'one module' }, () => {
    const [first, ...rest] = modules.map((f) => new WebAssembly.Module(readFileSync(f)));
    for (const m of rest) {
      assert.deepEqual(listImports(m), listImports(first));
      assert.deepEqual(listExports(m), listExports(first));
    }
  });
});

for (const file of modules) {
  describe(path.relative(root, file), () => {
    let w;
    before(() => { w = load(file); });

    it('exports exactly exports.txt + memory + _initialize', () => {
      assert.deepEqual(WebAssembly.Module.exports(w.mod).map((e) => e.name).sort(), expectedExports);
      assert.equal(WebAssembly.Module.exports(w.mod).find((e) => e.name === 'memory').kind, 'memory');
    });

    it('imports at most stubbed WASI calls', () => {
      // importsFor() already refused anything else; print what there is.
      const imports = listImports(w.mod);
      if (imports.length) console.log(`# ${path.relative(root, file)} imports: ${imports.join(', ')}`);
    });

    it('ABI version 1, 2 MiB initial memory, aligned scratch inside memory', () => {
      assert.equal(w.x.s3mpu_wasm_abi_version(), 1);
      assert.equal(w.x.memory.buffer.byteLength, 2 << 20);
      assert.equal(w.base % 16, 0);
      assert.ok(w.size >= 64 << 10, `scratch ${w.size}`);
      assert.ok(w.base + w.size <= w.x.memory.buffer.byteLength);
    });

    it('strerror as a (ptr, len) pair', () => {
      assert.equal(w.strerror(0), 'ok');
      assert.equal(w.strerror(-1), 'unknown error');
      assert.equal(w.strerror(1 << 20), 'unknown error');
      const space = w.strerror(1);
      assert.ok(space.length > 0 && space !== 'unknown error', space);
    });

    it('SHA-256 and MD5 of "abc"', () => {
      assert.equal(w.digest('sha256', abc), nodeHash('sha256', abc));
      assert.equal(w.digest('sha256', abc), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      assert.equal(w.digest('md5', abc), '900150983cd24fb0d6963f7d28e17f72');
      assert.equal(w.digest('sha256', new Uint8Array(0)), nodeHash('sha256', ''));
    });

    it('SHA-256 and MD5 of 3 MiB fed through the scratch window', () => {
      for (const chunk of [w.window, 65537, 1000003]) {
        assert.equal(w.digest('sha256', big, Math.min(chunk, w.window)), nodeHash('sha256', big), `chunk ${chunk}`);
        assert.equal(w.digest('md5', big, Math.min(chunk, w.window)), nodeHash('md5', big), `chunk ${chunk}`);
      }
    });

    it('out does not consume the context', () => {
      const { x, base } = w;
      x.s3mpu_sha256_init(base + CTX);
      w.put(WINDOW, abc);
      x.s3mpu_sha256_update(base + CTX, base + WINDOW, 1);
      x.s3mpu_sha256_out(base + CTX, base + OUT);
      assert.equal(w.hex(w.get(OUT, 32)), nodeHash('sha256', 'a'));
      x.s3mpu_sha256_update(base + CTX, base + WINDOW + 1, 2);
      x.s3mpu_sha256_out(base + CTX, base + OUT);
      assert.equal(w.hex(w.get(OUT, 32)), nodeHash('sha256', 'abc'));
    });

    it('CRC32C and CRC32 check values, and 3 MiB in chunks', () => {
      const check = new TextEncoder().encode('123456789');
      assert.equal(w.crc('crc32c', check), 0xe3069283);
      assert.equal(w.crc('crc32', check), 0xcbf43926);
      assert.equal(w.crc('crc32c', new Uint8Array(0)), 0);
      assert.equal(w.crc('crc32c', big, 65537), crc32cRef(big));
    });
  });
}
