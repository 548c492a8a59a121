// XML floods against the two wasm builds, on the raw ABI (wasm/abi.c): a
// body the core refuses comes back as a typed error, and the module's
// memory stays usable and bounded, so the next small answer parses
// (issue 11, defect 5: 8 MiB of <a/> filled wasm memory to its maximum;
// after a 100 MiB body a small answer no longer parsed).
//
//   node --test tests/wasm/flood.mjs
//
// Modules as tests/wasm/smoke.mjs finds them ($S3MPU_WASM, else
// build/wasi/wasm/s3mpu.wasm and build/emscripten/wasm/s3mpu.wasm).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modules = process.env.S3MPU_WASM
  ? process.env.S3MPU_WASM.split(':').filter(Boolean).map((p) => path.resolve(p))
  : ['wasi', 'emscripten'].map((t) => path.join(root, 'build', t, 'wasm', 's3mpu.wasm'));

const MiB = 2 ** 20;

function load(file) {
  const mod = new WebAssembly.Module(readFileSync(file));
  const imports = { wasi_snapshot_preview1: {} };
  for (const imp of WebAssembly.Module.imports(mod)) imports[imp.module][imp.name] = () => 52; // ENOSYS
  const x = new WebAssembly.Instance(mod, imports).exports;
  x._initialize();
  // Parser kinds and everything else by name, as the module exports them.
  x.s3mpu_wasm_constants();
  const f = fields(x);
  const k = {};
  for (let i = 0; i + 1 < f.length; i += 2) k[f[i]] = Number(f[i + 1]);
  return { x, k };
}

// The last result: fields of (u32 little-endian length, bytes).
function fields(x) {
  const dv = new DataView(x.memory.buffer);
  const out = [];
  for (let at = x.s3mpu_wasm_result() >>> 0, end = at + (x.s3mpu_wasm_result_len() >>> 0); at < end;) {
    const len = dv.getUint32(at, true);
    out.push(Buffer.from(x.memory.buffer, at + 4, len).toString());
    at += 4 + len;
  }
  return out;
}

// The name of error code `err` (core/src/error.c: what JS reports as .code).
function errorName(x, err) {
  x.s3mpu_wasm_error_name(err);
  return fields(x)[0];
}

// Parse `body` (a string or bytes) with parser `kind` ('LIST_PARTS': the
// module's constant P_LIST_PARTS): the error code.
function parse({ x, k }, kind, body) {
  const parser = k[`P_${kind}`];
  assert.ok(parser, `the module has no parser P_${kind}`);
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const ptr = x.s3mpu_wasm_alloc(bytes.length);
  assert.notEqual(ptr, 0, `no room for a ${bytes.length}-byte body`);
  new Uint8Array(x.memory.buffer).set(bytes, ptr);
  const err = x.s3mpu_wasm_response_parse(parser, ptr, bytes.length);
  x.s3mpu_wasm_free(ptr);
  return err;
}

const small = '<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber>' +
  '<ETag>"e"</ETag><Size>5242880</Size></Part></ListPartsResult>';

// Bodies just under the core's 8 MiB limit, each in a valid root.
const fill = (open, unit, close, size = 8 * MiB - 64) =>
  open + unit.repeat(Math.floor((size - open.length - close.length) / unit.length)) + close;
const floods = {
  'empty elements': fill('<ListPartsResult>', '<a/>', '</ListPartsResult>'),
  'elements with text': fill('<ListPartsResult>', '<a>x</a>', '</ListPartsResult>'),
  comments: fill('<ListPartsResult>', '<!---->', '</ListPartsResult>'),
  'empty parts': fill('<ListPartsResult>', '<Part/>', '</ListPartsResult>'),
  'uploads with owners': fill('<ListMultipartUploadsResult>', '<Owner><ID/></Owner>', '</ListMultipartUploadsResult>'),
  nesting: `<ListPartsResult>${'<a>'.repeat(MiB)}${'</a>'.repeat(MiB)}</ListPartsResult>`,
};

for (const file of modules) {
  describe(`flood ${path.relative(root, file)}`, () => {
    let w; // { x: exports, k: constants }
    let x;
    before(() => {
      w = load(file);
      x = w.x;
    });

    it('a small answer parses', () => {
      assert.equal(parse(w, 'LIST_PARTS', small), 0);
    });

    for (const [name, body] of Object.entries(floods)) {
      it(`8 MiB of ${name}: a typed error, then a small answer parses`, () => {
        const kind = body.startsWith('<ListMultipart') ? 'LIST_MULTIPART_UPLOADS' : 'LIST_PARTS';
        assert.equal(errorName(x, parse(w, kind, body)), 'XMLTooLarge');
        assert.equal(parse(w, 'LIST_PARTS', small), 0);
      });
    }

    it('a 100 MiB body: a typed error, then a small answer parses', () => {
      const body = Buffer.alloc(100 * MiB, '<a/>');
      assert.equal(errorName(x, parse(w, 'LIST_PARTS', body)), 'XMLTooLarge');
      assert.equal(parse(w, 'LIST_PARTS', small), 0);
    });

    it('memory filled to its maximum in small blocks, then freed: large blocks and answers again', () => {
      // wasm/deps/libc.c merges free blocks when memory cannot grow.
      for (const size of [100, 4096, MiB]) {
        const blocks = [];
        for (let p; (p = x.s3mpu_wasm_alloc(size)) !== 0;) blocks.push(p);
        assert.ok(blocks.length > 0);
        for (const p of blocks) x.s3mpu_wasm_free(p);
        const big = x.s3mpu_wasm_alloc(100 * MiB);
        assert.notEqual(big, 0, `no 100 MiB block after ${blocks.length} blocks of ${size} bytes were freed`);
        x.s3mpu_wasm_free(big);
        assert.equal(parse(w, 'LIST_PARTS', small), 0);
      }
    });

    it('memory stays bounded: three more rounds of floods grow it no further', () => {
      const before_ = x.memory.buffer.byteLength;
      for (let i = 0; i < 3; i++) {
        for (const body of Object.values(floods)) parse(w, 'LIST_PARTS', body);
        parse(w, 'LIST_PARTS', Buffer.alloc(100 * MiB, '<a/>'));
      }
      assert.equal(x.memory.buffer.byteLength, before_);
      assert.equal(parse(w, 'LIST_PARTS', small), 0);
    });
  });
}
