// The wasm ABI wrapper (js/src/abi.js), without a server: it checks the module's ABI, reads
// every id and size from the module, returns plain objects, plans without state, and wipes.
//
//   node --test tests/js/abi.test.mjs      (S3MPU_WASM picks the module; default js/s3mpu.wasm)
import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { S3Client, S3InputError } from '../../js/src/index.node.js';
import { WasmAbi, instantiate } from '../../js/src/abi.js';
import { options, wasmBytes, UPLOAD, SECRET, ACCESS_KEY, occurrences, fetchCalls } from './harness/offline.mjs';

after(() => {
  assert.deepEqual(fetchCalls, [], 'no test here may reach the network');
});

describe('the boundary', () => {
  it('no module of js/src but abi.js (and direct/md5wasm.js for s3mpu-md5.wasm) touches wasm memory or calls an export', async () => {
    const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../js/src');
    // Raw exports (abi.x, s3mpu_* calls), memory and its views, the instance.
    const raw = /(?<!\.\.)\.x\b|\bs3mpu_\w+\(|\bmemory\.buffer\b|\.u8\b|\.view\.|\binstance\.exports\b/;
    const offenders = [];
    for (const entry of await readdir(src, { recursive: true })) {
      // md5wasm.js is to the Worker's own module (wasm/md5_abi.c) what abi.js is to s3mpu.wasm.
      if (!entry.endsWith('.js') || entry === 'abi.js' || entry === path.join('direct', 'md5wasm.js')) continue;
      const lines = (await readFile(path.join(src, entry), 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (raw.test(line.replace(/\/\/.*$/, ''))) offenders.push(`js/src/${entry}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(offenders, []);
  });
});

describe('loading', () => {
  it('checks the ABI version', async () => {
    const { instance } = await WebAssembly.instantiate(wasmBytes, {});
    assert.equal(instance.exports.s3mpu_wasm_abi_version(), 5);
    const other = { exports: { ...instance.exports, s3mpu_wasm_abi_version: () => 1 } };
    assert.throws(() => new WasmAbi(other), /ABI 1, this package needs 5/);
  });
});

describe('results as plain objects', () => {
  let abi;
  const xml = (s) => new TextEncoder().encode(s);
  before(async () => {
    abi = await instantiate(await WebAssembly.compile(wasmBytes));
  });

  it('constants come from the module: operations, checksums, sizes', () => {
    for (const name of ['OP_UPLOAD_PART', 'CHECKSUM_CRC32C', 'MD5_CONTEXT_SIZE', 'CRC_TABLE_SIZE', 'E_COUNT', 'F_CONTENT_MD5', 'N_PRESIGN_EXPIRES']) {
      assert.ok(Number.isInteger(abi.constants[name]), name);
    }
    assert.equal(abi.checksumId('crc32c'), abi.constants.CHECKSUM_CRC32C);
    assert.throws(() => abi.checksumId('md4'), (e) => e instanceof S3InputError && e.code === 'InvalidArgument');
    assert.throws(() => abi.checksumId('none'), S3InputError);
    assert.throws(() => abi.constant('NO_SUCH_THING'), /no constant NO_SUCH_THING/);
  });

  it('one name per operation: each OP_* of the module is the S3Client method of that name', () => {
    const ops = Object.keys(abi.constants).filter((n) => n.startsWith('OP_'));
    assert.ok(ops.length >= 9, `${ops}`);
    for (const op of ops) {
      const method = op.slice(3).toLowerCase().replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
      assert.equal(typeof S3Client.prototype[method], 'function', `${op}: S3Client has no ${method}()`);
      assert.equal(abi.id('OP_', method), abi.constants[op], method);
    }
  });

  it('parse: Create, Complete, ListParts and ListMultipartUploads answers as objects', () => {
    assert.deepEqual(abi.parse('createMultipartUpload', xml('<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u1</UploadId></InitiateMultipartUploadResult>'), 200),
      { bucket: 'b', key: 'k', uploadId: 'u1' });
    assert.deepEqual(abi.parse('completeMultipartUpload', xml('<CompleteMultipartUploadResult><Location>l</Location><Bucket>b</Bucket><Key>k</Key><ETag>"e-2"</ETag></CompleteMultipartUploadResult>'), 200),
      { location: 'l', bucket: 'b', key: 'k', etag: '"e-2"' });
    assert.deepEqual(abi.parse('listParts', xml('<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>2</NextPartNumberMarker>' +
      '<Part><PartNumber>2</PartNumber><Size>6442450944</Size><ETag>"e"</ETag><LastModified>t</LastModified></Part></ListPartsResult>'), 200),
    { parts: [{ partNumber: 2, size: 6442450944, etag: '"e"', lastModified: 't' }], isTruncated: true, nextPartNumberMarker: 2 });
    assert.deepEqual(abi.parse('listMultipartUploads', xml('<ListMultipartUploadsResult><IsTruncated>false</IsTruncated>' +
      '<Upload><Key>k</Key><UploadId>u</UploadId><Initiated>i</Initiated><StorageClass>STANDARD</StorageClass></Upload></ListMultipartUploadsResult>'), 200),
    { uploads: [{ key: 'k', uploadId: 'u', initiated: 'i', storageClass: 'STANDARD' }], isTruncated: false, nextKeyMarker: '', nextUploadIdMarker: '' });
  });

  it('build: method, URL, body and header pairs', () => {
    abi.clientInit({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET, sessionToken: '', storageClasses: '', pathStyle: true });
    const r = abi.build('uploadPart', { ...UPLOAD, partNumber: 3, contentLength: 5, checksumAlgorithm: 'crc32', checksum: 'AAAAAA==', signal: 'ignored' }, 1767323045);
    assert.equal(r.method, 'PUT');
    assert.match(r.url, /\/core-bucket\/dir\/file%20name%2B1\.bin\?partNumber=3&uploadId=2~AbC-dEf_123$/);
    assert.equal(r.body, '');
    const headers = Object.fromEntries(r.headers);
    assert.equal(headers['x-amz-checksum-crc32'], 'AAAAAA==');
    assert.equal(headers['x-amz-date'], '20260102T030405Z');
    abi.wipe();
  });

  it('plan and planPart: no state kept between calls', () => {
    const MiB = 2 ** 20;
    assert.deepEqual(abi.plan(20 * MiB, 8 * MiB), { partSize: 8 * MiB, partCount: 3, growthInterval: 0 });
    abi.plan(5 * 2 ** 40, 0); // another plan in between changes nothing
    assert.deepEqual(abi.planPart(20 * MiB, 8 * MiB, 3), { size: 4 * MiB, offset: 16 * MiB });
    assert.deepEqual(abi.planPart(20 * MiB, 8 * MiB, 4), { size: 0, offset: 20 * MiB });
    assert.equal(abi.planPart(undefined, 0, 1).size, 8 * MiB); // a stream
  });

  it('retry classes by name', () => {
    assert.equal(abi.retryClassify(503, ''), 'yes');
    assert.equal(abi.retryClassify(403, 'RequestTimeTooSkewed'), 'skew');
    assert.equal(abi.retryClassify(404, 'NoSuchUpload'), 'no');
  });
});

describe('md5x4: four MD5s at once through the window', () => {
  const md5 = (b) => createHash('md5').update(b).digest('hex');
  it('the module hashes the lanes with SIMD (both toolchains build with -msimd128)', async () => {
    const abi = await instantiate(await WebAssembly.compile(wasmBytes));
    assert.equal(abi.md5x4Simd(), true);
  });
  it('lanes of different lengths, empty ones, fewer parts than lanes: as node:crypto', async () => {
    const abi = await instantiate(await WebAssembly.compile(wasmBytes));
    const pool = randomBytes(1 << 20);
    const cases = [[], [new Uint8Array(0)], [pool.subarray(3, 3)], [pool.subarray(0, 64), pool.subarray(1, 56)]];
    for (let t = 0; t < 20; t++) {
      const n = 1 + (t % 4);
      cases.push(Array.from({ length: n }, () => {
        const start = Math.floor(Math.random() * 1000);
        return pool.subarray(start, start + Math.floor(Math.random() * (pool.length - 1000)) * (t % 3 === 0 ? 0.001 : 1));
      }));
    }
    for (const parts of cases) {
      assert.deepEqual(abi.md5x4(parts).map((d) => Buffer.from(d).toString('hex')), parts.map(md5), parts.map((p) => p.length).join());
    }
    assert.throws(() => abi.md5x4([pool, pool, pool, pool, pool]), RangeError);
  });
});

describe('destroy', () => {
  it('erases the secret from wasm memory; the client refuses to sign after', async () => {
    const s3 = await S3Client.create(options({ retry: { attempts: 1 } }));
    const secret = Buffer.from(SECRET);
    // Use it first: signing derives keys from the secret in wasm memory.
    s3.presign({ ...UPLOAD, partNumber: 1 });
    s3.presignParts({ ...UPLOAD, partNumbers: [1, 2, 3] });
    await assert.rejects(s3.uploadPart({ ...UPLOAD, partNumber: 1, body: 'x' }), /must not be called/);
    fetchCalls.length = 0;
    // The scan finds it while the client lives (the client keeps it to derive each day's key).
    assert.ok(occurrences(s3.abi.memoryBytes(), secret) >= 1, 'secret in memory before destroy');
    s3.destroy();
    assert.equal(occurrences(s3.abi.memoryBytes(), secret), 0, 'secret left in wasm memory after destroy');
    // Nor a large piece of it (an "AWS4" + secret buffer, a copy missing its first bytes).
    assert.equal(occurrences(s3.abi.memoryBytes(), secret.subarray(4, 24)), 0);
    assert.equal(occurrences(s3.abi.memoryBytes(), Buffer.from(`AWS4${SECRET}`)), 0);
    assert.throws(() => s3.presign({ ...UPLOAD, partNumber: 1 }), /destroyed/);
    await assert.rejects(s3.uploadPart({ ...UPLOAD, partNumber: 1, body: 'x' }), /destroyed/);
    assert.deepEqual(fetchCalls, [], 'a destroyed client sends nothing');
  });

  it('the secret is not kept on the JS side', async () => {
    const creds = { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET };
    const s3 = await S3Client.create(options({ credentials: creds }));
    const seen = new Set();
    const walk = (v, depth) => {
      if (depth > 3 || v === null || typeof v !== 'object' || seen.has(v)) return;
      if (v instanceof WebAssembly.Memory || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return;
      seen.add(v);
      for (const k of Object.keys(v)) {
        assert.notEqual(v[k], SECRET, `client.${k} holds the secret`);
        walk(v[k], depth + 1);
      }
    };
    walk(s3, 0);
    assert.ok(!JSON.stringify(s3, (_k, v) => (ArrayBuffer.isView(v) ? undefined : v)).includes(SECRET));
    s3.destroy();
  });
});
