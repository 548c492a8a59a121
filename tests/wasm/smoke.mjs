// Smoke test of the two wasm builds, on the raw ABI (wasm/abi.c) without
// js/: same imports (none), same exports (wasm/exports.txt), hashes and CRCs
// that match node:crypto / known vectors, the same requests, parses and
// plans from both builds, and constants that agree with core/include/s3mpu.h.
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
const CTX = 0; // hash context (*_CONTEXT_SIZE bytes: checked below to fit)
const OUT = 256; // digest / (ptr, len) pair
const TABLE = 1024; // CRC table (CRC_TABLE_SIZE bytes)
const WINDOW = 16384; // body chunks
const STRINGS = TABLE; // call inputs (not while a CRC table is in use)

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
    x[`s3mpu_${kind}_digest`](base + CTX, base + OUT);
    return hex(get(OUT, size_));
  }

  function crc(kind, data, chunk = window) {
    x[`s3mpu_crc_table_init_${kind}`](base + TABLE);
    let c = 0;
    for (let i = 0; i < data.length; i += chunk) {
      const part = data.subarray(i, Math.min(i + chunk, data.length));
      put(WINDOW, part);
      c = x.s3mpu_crc_update(base + TABLE, c, base + WINDOW, part.length) >>> 0;
    }
    return c;
  }

  // The last result: fields of (u32 little-endian length, bytes).
  function fields() {
    const dv = new DataView(x.memory.buffer);
    let at = x.s3mpu_wasm_result() >>> 0;
    const end = at + (x.s3mpu_wasm_result_len() >>> 0);
    const out = [];
    while (at < end) {
      const len = dv.getUint32(at, true);
      out.push(new TextDecoder().decode(u8().subarray(at + 4, at + 4 + len)));
      at += 4 + len;
    }
    assert.equal(at, end, 'fields fill the result exactly');
    return out;
  }

  function errorMessage(err) {
    x.s3mpu_wasm_error_message(err);
    const f = fields();
    assert.equal(f.length, 1);
    return f[0];
  }

  // Strings for calls go to the scratch arena from STRINGS on: str() returns
  // [ptr, len]; strs() lays out an array of s3mpu_str (ptr, len) pairs.
  let cursor = STRINGS;
  const reset = () => { cursor = STRINGS; };
  function str(value) {
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    assert.ok(cursor + bytes.length + 8 <= size, 'scratch full');
    put(cursor, bytes);
    const at = [base + cursor, bytes.length];
    cursor = (cursor + bytes.length + 7) & ~7;
    return at;
  }
  function strs(values) {
    const pairs = values.map(str);
    const at = cursor;
    cursor += pairs.length * 8;
    const dv = new DataView(x.memory.buffer);
    pairs.forEach(([p, l], i) => {
      dv.setUint32(base + at + i * 8, p, true);
      dv.setUint32(base + at + i * 8 + 4, l, true);
    });
    return base + at;
  }
  /** A block from s3mpu_wasm_alloc holding `bytes`. */
  function block(bytes) {
    const p = x.s3mpu_wasm_alloc(bytes.length) >>> 0;
    assert.ok(p, 'alloc');
    u8().set(bytes, p);
    return p;
  }

  // The module's constants by name (ids, codes, sizes): read, never copied.
  x.s3mpu_wasm_constants();
  const f = fields();
  const k = {};
  for (let i = 0; i < f.length; i += 2) k[f[i]] = Number(f[i + 1]);

  return { mod, x, k, base, size, window, put, get, hex, digest, crc, errorMessage, fields, reset, str, strs, block, u8 };
}

/** An enumerator's value as s3mpu.h writes them: "4", "1u << 1". */
function enumValue(text) {
  const m = /^(\d+)u?(?:\s*<<\s*(\d+))?$/.exec(text.trim());
  assert.ok(m, `s3mpu.h: cannot read the enum value "${text}"`);
  return Number(m[1]) * 2 ** Number(m[2] ?? 0);
}

/**
 * The values of `enum { ... }` constants and numeric #defines named S3MPU_* in
 * core/include/s3mpu.h, without the prefix: what the module's constants must equal.
 */
function headerConstants() {
  const h = readFileSync(path.join(root, 'core', 'include', 's3mpu.h'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const out = {};
  for (const [, body] of h.matchAll(/enum\s*\{([^}]*)\}/g)) {
    let next = 0;
    for (const item of body.split(',').map((s) => s.trim()).filter(Boolean)) {
      const m = /^S3MPU_(\w+)\s*(?:=\s*(.+))?$/.exec(item);
      if (!m) continue;
      const v = m[2] === undefined ? next : enumValue(m[2]);
      out[m[1]] = v;
      next = v + 1;
    }
  }
  for (const [, name, v] of h.matchAll(/#define S3MPU_(\w+) (\d+)\s*$/gm)) out[name] = Number(v);
  return out;
}
const SECRET = 'smoke/SECRET/key+0123456789abcdefXYZ';
const NOW = 1767323045; // 2026-01-02T03:04:05Z

/** Client init + one UploadPart (or presigned PutObject): the request's fields. */
function buildRequests(w) {
  const { x, k } = w;
  w.reset();
  const cfg = w.strs(['http://127.0.0.1:7480', 'us-east-1', 'AKIDSMOKE', SECRET, '', 'GLACIER']);
  assert.equal(x.s3mpu_wasm_client_init(cfg, 1), 0);
  const out = [];
  x.s3mpu_wasm_op_reset(k.OP_UPLOAD_PART);
  for (const [f, v] of [[k.F_BUCKET, 'smoke-bucket'], [k.F_KEY, 'a dir/\u00fc.bin'], [k.F_UPLOAD_ID, '2~abc']]) {
    assert.equal(x.s3mpu_wasm_op_set_str(f, ...w.str(v)), 0);
  }
  assert.equal(x.s3mpu_wasm_op_set_num(k.N_PART_NUMBER, 7), 0);
  assert.equal(x.s3mpu_wasm_op_set_num(k.N_CONTENT_LENGTH, 5 * 2 ** 30), 0);
  assert.equal(x.s3mpu_wasm_request_build(NOW), 0);
  out.push(w.fields());
  x.s3mpu_wasm_op_reset(k.OP_PUT_OBJECT);
  assert.equal(x.s3mpu_wasm_op_set_str(k.F_BUCKET, ...w.str('smoke-bucket')), 0);
  assert.equal(x.s3mpu_wasm_op_set_str(k.F_KEY, ...w.str('k')), 0);
  assert.equal(x.s3mpu_wasm_op_set_str(k.F_CONTENT_TYPE, ...w.str('text/plain')), 0);
  assert.equal(x.s3mpu_wasm_op_set_num(k.N_PRESIGN_EXPIRES, 600), 0);
  assert.equal(x.s3mpu_wasm_request_build(NOW), 0);
  out.push(w.fields());
  return out;
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

  it('build the same signed requests', { skip: modules.length < 2 && 'one module' }, () => {
    const [first, ...rest] = modules.map((f) => buildRequests(load(f)));
    for (const r of rest) assert.deepEqual(r, first);
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

    it('imports nothing (the core does no I/O)', () => {
      // importsFor() already refused anything but stubbed WASI calls.
      assert.deepEqual(listImports(w.mod), []);
    });

    it('ABI version 5, 2 MiB initial memory, aligned scratch inside memory', () => {
      assert.equal(w.x.s3mpu_wasm_abi_version(), 5);
      assert.equal(w.x.memory.buffer.byteLength, 2 << 20);
      assert.equal(w.base % 16, 0);
      assert.ok(w.size >= 64 << 10, `scratch ${w.size}`);
      assert.ok(w.base + w.size <= w.x.memory.buffer.byteLength);
    });

    it('error_message as a result field', () => {
      assert.equal(w.errorMessage(0), 'ok');
      assert.equal(w.errorMessage(-1), 'unknown error');
      assert.equal(w.errorMessage(1 << 20), 'unknown error');
      for (let e = 1; e < w.k.E_COUNT; e++) {
        const name = w.errorMessage(e);
        assert.ok(name.length > 0 && name !== 'unknown error', `${e}: ${name}`);
      }
    });

    it('every core error code has a name of its own (S3InputError.code)', () => {
      const names = [];
      for (let e = 0; e < w.k.E_COUNT; e++) {
        w.x.s3mpu_wasm_error_name(e);
        const [name] = w.fields();
        assert.match(name, /^[A-Z][A-Za-z0-9]+$/, `code ${e} (${w.errorMessage(e)}) has no name in core/src/error.c`);
        names.push(name);
      }
      assert.equal(new Set(names).size, names.length, `names repeat: ${names}`);
      for (const e of [-1, w.k.E_COUNT]) {
        w.x.s3mpu_wasm_error_name(e);
        assert.deepEqual(w.fields(), ['']);
      }
    });

    it('constants agree with core/include/s3mpu.h; hash contexts fit the layout above', () => {
      const h = headerConstants();
      let compared = 0;
      for (const [name, value] of Object.entries(w.k)) {
        const c = name === 'E_COUNT' ? 'E_COUNT_' : name;
        if (!(c in h)) continue;
        assert.equal(value, h[c], `${name}: the module says ${value}, s3mpu.h ${h[c]} (a stale build?)`);
        compared++;
      }
      assert.ok(compared >= 24, `only ${compared} constants compared`);
      for (const kind of ['OP', 'CHECKSUM', 'RETRY']) {
        const inHeader = Object.keys(h).filter((n) => n.startsWith(`${kind}_`)).sort();
        const inModule = Object.keys(w.k).filter((n) => n.startsWith(`${kind}_`)).sort();
        assert.deepEqual(inModule, inHeader, `the module exports every S3MPU_${kind}_* of s3mpu.h`);
      }
      // One vocabulary: a response parser is named after its operation.
      for (const name of Object.keys(w.k).filter((n) => n.startsWith('P_') && n !== 'P_ERROR')) {
        assert.ok(`OP${name.slice(1)}` in h, `${name} is named after no S3MPU_OP_* of s3mpu.h`);
      }
      assert.ok(w.k.SHA256_CONTEXT_SIZE <= OUT - CTX && w.k.MD5_CONTEXT_SIZE <= OUT - CTX);
      assert.ok(TABLE + w.k.CRC_TABLE_SIZE <= WINDOW);
    });

    it('builds and signs requests; client_wipe erases the secret', () => {
      const [part, presigned] = buildRequests(w);
      const [method, url, body, ...h] = part;
      assert.equal(method, 'PUT');
      assert.equal(url, 'http://127.0.0.1:7480/smoke-bucket/a%20dir/%C3%BC.bin?partNumber=7&uploadId=2~abc');
      assert.equal(body, '');
      const headers = Object.fromEntries(h.flatMap((v, i) => (i % 2 ? [] : [[v.toLowerCase(), h[i + 1]]])));
      assert.equal(headers['x-amz-date'], '20260102T030405Z');
      assert.equal(headers['content-length'], String(5 * 2 ** 30));
      assert.match(headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIDSMOKE\/20260102\/us-east-1\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
      assert.match(presigned[1], /[?&]X-Amz-Expires=600&X-Amz-SignedHeaders=content-type%3Bhost&.*X-Amz-Signature=[0-9a-f]{64}$/);
      // A field id the ABI does not know, a number out of range.
      assert.notEqual(w.x.s3mpu_wasm_op_set_str(99, ...w.str('x')), 0);
      assert.notEqual(w.x.s3mpu_wasm_op_set_num(w.k.N_PART_NUMBER, -1), 0);
      const secret = Buffer.from(SECRET);
      const count = () => { const m = Buffer.from(w.x.memory.buffer); let n = 0; for (let i = m.indexOf(secret); i >= 0; i = m.indexOf(secret, i + 1)) n++; return n; };
      assert.ok(count() >= 1, 'the client holds the secret');
      w.x.s3mpu_wasm_client_wipe();
      assert.equal(count(), 0, 'secret left in memory after client_wipe');
      // The wiped client refuses to build.
      assert.notEqual(w.x.s3mpu_wasm_request_build(NOW), 0);
    });

    it('parses responses: Complete, ListParts, an <Error>', () => {
      const { P_COMPLETE_MULTIPART_UPLOAD, P_LIST_PARTS, P_ERROR, E_S3 } = w.k;
      const parse = (kind, xml) => {
        const bytes = new TextEncoder().encode(xml);
        const p = w.block(bytes);
        const err = w.x.s3mpu_wasm_response_parse(kind, p, bytes.length);
        w.x.s3mpu_wasm_free(p);
        return [err, w.fields()];
      };
      assert.deepEqual(parse(P_COMPLETE_MULTIPART_UPLOAD, '<?xml version="1.0"?><CompleteMultipartUploadResult><Location>localhost/b/k</Location>' +
        '<Bucket>b</Bucket><Key>k</Key><ETag></ETag></CompleteMultipartUploadResult>'), [0, ['localhost/b/k', 'b', 'k', '']]);
      assert.deepEqual(parse(P_LIST_PARTS, '<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>2</NextPartNumberMarker>' +
        '<Part><PartNumber>2</PartNumber><Size>6442450944</Size><ETag>&quot;e&quot;</ETag><LastModified>2026-01-02T03:04:05.000Z</LastModified></Part>' +
        '</ListPartsResult>'), [0, ['1', '2', '2', '6442450944', '"e"', '2026-01-02T03:04:05.000Z', '']]);
      const [err, f] = parse(P_ERROR, '<Error><Code>NoSuchUpload</Code><Message>gone</Message><RequestId>r1</RequestId></Error>');
      assert.equal(err, E_S3);
      assert.deepEqual(f.slice(0, 3), ['NoSuchUpload', 'gone', 'r1']);
      // A 200 Complete that carries an <Error>.
      assert.equal(parse(P_COMPLETE_MULTIPART_UPLOAD, '<Error><Code>InternalError</Code></Error>')[0], E_S3);
      assert.notEqual(parse(P_COMPLETE_MULTIPART_UPLOAD, '<CompleteMultipartUploadResult>')[0], 0);
    });

    it('plans, retry classes, HTTP dates, name checks', () => {
      const { x } = w;
      assert.equal(x.s3mpu_wasm_plan_init(2 ** 30, 8 * 2 ** 20), 0);
      assert.deepEqual(w.fields().slice(0, 2), [String(8 * 2 ** 20), '128']);
      // Stateless: each call names its plan (another plan in between changes nothing).
      assert.equal(x.s3mpu_wasm_plan_init(5 * 2 ** 40, 0), 0);
      assert.equal(x.s3mpu_wasm_plan_part_size(2 ** 30, 8 * 2 ** 20, 128), 8 * 2 ** 20);
      assert.equal(x.s3mpu_wasm_plan_part_size(2 ** 30, 8 * 2 ** 20, 129), 0);
      assert.equal(x.s3mpu_wasm_plan_part_offset(2 ** 30, 8 * 2 ** 20, 3), 16 * 2 ** 20);
      assert.equal(x.s3mpu_wasm_plan_part_size(-1, 0, 1), 8 * 2 ** 20); // a stream
      assert.equal(x.s3mpu_wasm_plan_part_size(2 ** 30, 1, 1), 0); // a plan refused
      assert.equal(x.s3mpu_wasm_plan_init(5 * 2 ** 40, 0), 0); // 5 TiB: parts grow past 5 MiB
      assert.ok(Number(w.fields()[1]) <= 10000);
      assert.notEqual(x.s3mpu_wasm_plan_init(5 * 2 ** 40 + 1, 0), 0);
      w.reset();
      assert.equal(x.s3mpu_wasm_retry_classify(503, ...w.str('')), w.k.RETRY_YES);
      assert.equal(x.s3mpu_wasm_retry_classify(403, ...w.str('RequestTimeTooSkewed')), w.k.RETRY_SKEW);
      assert.equal(x.s3mpu_wasm_retry_classify(404, ...w.str('NoSuchUpload')), w.k.RETRY_NO);
      assert.equal(x.s3mpu_wasm_time_parse_http(...w.str('Sun, 06 Nov 1994 08:49:37 GMT')), 784111777);
      assert.equal(x.s3mpu_wasm_time_parse_http(...w.str('yesterday')), -1);
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
      x.s3mpu_sha256_digest(base + CTX, base + OUT);
      assert.equal(w.hex(w.get(OUT, 32)), nodeHash('sha256', 'a'));
      x.s3mpu_sha256_update(base + CTX, base + WINDOW + 1, 2);
      x.s3mpu_sha256_digest(base + CTX, base + OUT);
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
