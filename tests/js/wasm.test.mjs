// Loading s3mpu.wasm (js/src/wasm.js) from every kind of source, without a server.
//
//   node --test tests/js/wasm.test.mjs      (S3MPU_WASM picks the module; default js/s3mpu.wasm)
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { S3Client } from '../../js/src/index.node.js';
import { options, wasmBytes, wasmPath, UPLOAD, verifyPresigned, fetchCalls } from './harness/offline.mjs';

const wasmJs = fileURLToPath(new URL('../../js/src/wasm.js', import.meta.url));

after(() => {
  assert.deepEqual(fetchCalls, [], 'no test here may reach the network');
});

describe('loading the module', () => {
  // The same clock and inputs give the same URL whichever way the module came.
  async function presignWith(wasm) {
    const s3 = await S3Client.create(options({ wasm }));
    try {
      return s3.presign({ ...UPLOAD, partNumber: 7 }).url;
    } finally {
      s3.destroy();
    }
  }

  it('from bytes, an ArrayBuffer, a WebAssembly.Module, a file: URL, a Response, the default', async () => {
    const expected = await presignWith(wasmBytes);
    const ab = wasmBytes.buffer.slice(wasmBytes.byteOffset, wasmBytes.byteOffset + wasmBytes.byteLength);
    const sources = {
      Uint8Array: new Uint8Array(wasmBytes),
      ArrayBuffer: ab,
      Module: await WebAssembly.compile(wasmBytes),
      'file: URL': pathToFileURL(wasmPath),
      'file: URL string': pathToFileURL(wasmPath).href,
      'Response (application/wasm)': new Response(wasmBytes, { headers: { 'content-type': 'application/wasm' } }),
      'Response (no content type)': new Response(wasmBytes),
      'Promise of bytes': Promise.resolve(wasmBytes),
      default: undefined,
    };
    for (const [name, wasm] of Object.entries(sources)) {
      assert.equal(await presignWith(wasm), expected, name);
    }
  });

  it('a file: URL without the Node entry (s3mpu/direct imported alone on Node)', () => {
    // Node's fetch reads no file: URL; a fresh process, so index.node.js's reader is not set.
    const code = `import { loadAbi } from ${JSON.stringify(pathToFileURL(wasmJs).href)};
      const abi = await loadAbi(new URL(${JSON.stringify(pathToFileURL(wasmPath).href)}));
      console.log(typeof abi.memoryBytes);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    assert.equal(out.trim(), 'function');
  });

  it('one compiled Module serves many clients, each with its own instance', async () => {
    const module = await WebAssembly.compile(wasmBytes);
    const a = await S3Client.create(options({ wasm: module }));
    const b = await S3Client.create(options({
      wasm: module, credentials: { accessKeyId: 'OTHERKEY', secretAccessKey: 'other-secret' },
    }));
    assert.notEqual(a.abi.memoryBytes().buffer, b.abi.memoryBytes().buffer);
    a.destroy();
    // b is untouched by a's destroy.
    verifyPresigned(b.presign({ ...UPLOAD, partNumber: 1 }), 'other-secret');
    b.destroy();
  });

  it('refuses what is not a module, and a failed Response', async () => {
    await assert.rejects(S3Client.create(options({ wasm: 42 })), TypeError);
    await assert.rejects(S3Client.create(options({ wasm: new Uint8Array([0, 97, 115, 109]) })),
      WebAssembly.CompileError);
    await assert.rejects(S3Client.create(options({ wasm: new Response('nope', { status: 404 }) })),
      /HTTP 404/);
  });
});
